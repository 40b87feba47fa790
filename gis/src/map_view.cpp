#include "ykm/gis/map_view.hpp"

#include "ykm/gis/error.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace ykm::gis {
namespace {

constexpr double metres_per_inch = 0.0254;

} // namespace

MapView::MapView(XY centre, double metres_per_pixel, int width_px, int height_px)
    : m_centre(centre), m_metres_per_pixel(metres_per_pixel), m_width_px(width_px),
      m_height_px(height_px) {
    if (!(metres_per_pixel > 0.0) || !std::isfinite(metres_per_pixel)) {
        throw Error("map view: resolution " + std::to_string(metres_per_pixel) +
                    " m/px is not positive");
    }
    if (width_px < 1 || height_px < 1) {
        throw Error("map view: size " + std::to_string(width_px) + "x" + std::to_string(height_px) +
                    " px is smaller than 1x1");
    }
}

MapView MapView::fit(const Box& extent, int width_px, int height_px, double margin) {
    const int w = std::max(width_px, 1);
    const int h = std::max(height_px, 1);
    if (extent.is_empty()) {
        return {XY{}, 1.0, w, h};
    }
    const XY centre{(extent.min_x + extent.max_x) / 2.0, (extent.min_y + extent.max_y) / 2.0};
    const double free = std::clamp(1.0 - 2.0 * margin, 0.01, 1.0);
    const double extent_w = extent.max_x - extent.min_x;
    const double extent_h = extent.max_y - extent.min_y;
    const double resolution = std::max(extent_w / (w * free), extent_h / (h * free));
    if (!(resolution > 0.0)) {
        return {centre, 1.0, w, h};
    }
    return {centre, resolution, w, h};
}

Box MapView::extent() const {
    const double half_w = m_width_px * m_metres_per_pixel / 2.0;
    const double half_h = m_height_px * m_metres_per_pixel / 2.0;
    return {m_centre.x - half_w, m_centre.y - half_h, m_centre.x + half_w, m_centre.y + half_h};
}

XY MapView::to_pixel(XY map) const {
    return {m_width_px / 2.0 + (map.x - m_centre.x) / m_metres_per_pixel,
            m_height_px / 2.0 - (map.y - m_centre.y) / m_metres_per_pixel};
}

XY MapView::to_map(XY pixel) const {
    return {m_centre.x + (pixel.x - m_width_px / 2.0) * m_metres_per_pixel,
            m_centre.y - (pixel.y - m_height_px / 2.0) * m_metres_per_pixel};
}

double MapView::scale_denominator(double dpi) const {
    return m_metres_per_pixel / metres_per_inch * dpi;
}

MapView MapView::panned(double dx_px, double dy_px) const {
    return {XY{m_centre.x - dx_px * m_metres_per_pixel, m_centre.y + dy_px * m_metres_per_pixel},
            m_metres_per_pixel, m_width_px, m_height_px};
}

MapView MapView::zoomed(double factor, XY pixel) const {
    if (!(factor > 0.0)) {
        throw Error("map view: zoom factor " + std::to_string(factor) + " is not positive");
    }
    const XY fixed = to_map(pixel);
    const double resolution = m_metres_per_pixel / factor;
    // The fixed point stays under `pixel`: centre = fixed - (pixel - half size) * new resolution.
    const XY centre{fixed.x - (pixel.x - m_width_px / 2.0) * resolution,
                    fixed.y + (pixel.y - m_height_px / 2.0) * resolution};
    return {centre, resolution, m_width_px, m_height_px};
}

MapView MapView::zoomed(double factor) const {
    return zoomed(factor, XY{m_width_px / 2.0, m_height_px / 2.0});
}

MapView MapView::showing(const Box& box) const {
    return fit(box, m_width_px, m_height_px, 0.0);
}

MapView MapView::resized(int width_px, int height_px) const {
    return {m_centre, m_metres_per_pixel, width_px, height_px};
}

MapView MapView::at_scale(double denominator, double dpi) const {
    if (!(denominator > 0.0) || !(dpi > 0.0)) {
        throw Error("map view: scale 1:" + std::to_string(denominator) + " at " +
                    std::to_string(dpi) + " dpi is not positive");
    }
    return {m_centre, denominator / dpi * metres_per_inch, m_width_px, m_height_px};
}

} // namespace ykm::gis

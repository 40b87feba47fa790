#include "ykm/gui/map_style.hpp"

#include <algorithm>

namespace ykm::gui {

Rgb priority_colour(gis::PriorityClass priority) {
    switch (priority) {
    case gis::PriorityClass::first:
        return {0xD5, 0x5E, 0x00};
    case gis::PriorityClass::second:
        return {0x00, 0x72, 0xB2};
    case gis::PriorityClass::third:
        return {0x00, 0x9E, 0x73};
    case gis::PriorityClass::none:
        break;
    }
    return {0x99, 0x99, 0x99};
}

int priority_line_width_px(gis::PriorityClass priority) {
    switch (priority) {
    case gis::PriorityClass::first:
        return 5;
    case gis::PriorityClass::second:
        return 4;
    case gis::PriorityClass::third:
        return 2;
    case gis::PriorityClass::none:
        break;
    }
    return 1;
}

ViewTransform::ViewTransform(double scale, double centre_x, double centre_y, double pixel_centre_x,
                             double pixel_centre_y)
    : m_scale(scale), m_centre_x(centre_x), m_centre_y(centre_y), m_pixel_centre_x(pixel_centre_x),
      m_pixel_centre_y(pixel_centre_y) {}

ViewTransform ViewTransform::fit(const gis::Box& extent, int width_px, int height_px,
                                 int margin_px) {
    const double pixel_centre_x = width_px / 2.0;
    const double pixel_centre_y = height_px / 2.0;
    if (extent.is_empty()) {
        return {1.0, 0.0, 0.0, pixel_centre_x, pixel_centre_y};
    }
    const double usable_w = std::max(1, width_px - 2 * margin_px);
    const double usable_h = std::max(1, height_px - 2 * margin_px);
    const double extent_w = extent.max_x - extent.min_x;
    const double extent_h = extent.max_y - extent.min_y;
    double scale = 1.0;
    if (extent_w > 0.0 && extent_h > 0.0) {
        scale = std::min(usable_w / extent_w, usable_h / extent_h);
    } else if (extent_w > 0.0) {
        scale = usable_w / extent_w;
    } else if (extent_h > 0.0) {
        scale = usable_h / extent_h;
    }
    return {scale, (extent.min_x + extent.max_x) / 2.0, (extent.min_y + extent.max_y) / 2.0,
            pixel_centre_x, pixel_centre_y};
}

PixelXY ViewTransform::to_pixel(const gis::XY& p) const {
    return {m_pixel_centre_x + (p.x - m_centre_x) * m_scale,
            m_pixel_centre_y - (p.y - m_centre_y) * m_scale};
}

} // namespace ykm::gui

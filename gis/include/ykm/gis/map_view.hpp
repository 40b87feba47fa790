#pragma once

#include "ykm/gis/geometry.hpp"

namespace ykm::gis {

/// What part of the map a view shows: the map point at the centre of the picture (project CRS,
/// metres), the ground resolution (metres per pixel) and the picture size in pixels. Pixel
/// coordinates run x to the right and y down, (0, 0) at the top-left corner of the picture.
/// A value type: every change makes a new view.
class MapView {
public:
    /// Throws ykm::Error if the resolution is not positive or the size is not at least 1x1.
    MapView(XY centre, double metres_per_pixel, int width_px, int height_px);

    /// The view that shows all of `extent` in a `width_px` x `height_px` picture, with
    /// `margin` (a fraction of the picture, e.g. 0.05) left free on every side. An empty or
    /// degenerate extent gives a view of 1 m per pixel centred on it.
    static MapView fit(const Box& extent, int width_px, int height_px, double margin = 0.05);

    [[nodiscard]] XY centre() const { return m_centre; }
    [[nodiscard]] double metres_per_pixel() const { return m_metres_per_pixel; }
    [[nodiscard]] int width_px() const { return m_width_px; }
    [[nodiscard]] int height_px() const { return m_height_px; }

    /// The map box the picture covers.
    [[nodiscard]] Box extent() const;
    /// Map coordinates to pixel coordinates (y down).
    [[nodiscard]] XY to_pixel(XY map) const;
    /// Pixel coordinates to map coordinates.
    [[nodiscard]] XY to_map(XY pixel) const;
    /// The scale denominator N of 1:N on a screen of `dpi` dots per inch.
    [[nodiscard]] double scale_denominator(double dpi = 96.0) const;

    /// Moved by a drag of (dx, dy) pixels: the map follows the pointer.
    [[nodiscard]] MapView panned(double dx_px, double dy_px) const;
    /// Zoomed in by `factor` (> 1 in, < 1 out), keeping the map point under `pixel` in place.
    [[nodiscard]] MapView zoomed(double factor, XY pixel) const;
    /// Zoomed in by `factor` about the picture's centre.
    [[nodiscard]] MapView zoomed(double factor) const;
    /// Shows `box` (a box zoom), keeping the picture size.
    [[nodiscard]] MapView showing(const Box& box) const;
    /// The same map centre and resolution in a picture of another size (a resized window).
    [[nodiscard]] MapView resized(int width_px, int height_px) const;
    /// The view at scale 1:`denominator` on a screen of `dpi` dots per inch.
    [[nodiscard]] MapView at_scale(double denominator, double dpi = 96.0) const;

    friend bool operator==(const MapView&, const MapView&) = default;

private:
    XY m_centre;
    double m_metres_per_pixel;
    int m_width_px;
    int m_height_px;
};

} // namespace ykm::gis

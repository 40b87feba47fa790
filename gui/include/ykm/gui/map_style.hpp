#pragma once

#include "ykm/gis/geometry.hpp"
#include "ykm/gis/road_network.hpp"

#include <array>
#include <cstdint>

namespace ykm::gui {

/// A colour of the map, 8 bits per channel.
struct Rgb {
    std::uint8_t red = 0;
    std::uint8_t green = 0;
    std::uint8_t blue = 0;
    friend bool operator==(const Rgb&, const Rgb&) = default;
};

/// Colour of a road by snow priority class, from the Okabe-Ito palette that readers with any
/// common colour-vision deficiency can tell apart: class 1 vermilion #D55E00, class 2 blue
/// #0072B2, class 3 bluish green #009E73, none grey #999999.
Rgb priority_colour(gis::PriorityClass priority);

/// Stroke width in pixels of a road by priority class; higher classes are drawn wider.
int priority_line_width_px(gis::PriorityClass priority);

/// Classes in drawing order: none first, class 1 last so that it lies on top.
inline constexpr std::array<gis::PriorityClass, 4> priority_drawing_order{
    gis::PriorityClass::none, gis::PriorityClass::third, gis::PriorityClass::second,
    gis::PriorityClass::first};

/// Background colour of the map.
inline constexpr Rgb map_background{0xF7, 0xF9, 0xFB};

/// A point on the screen in pixels, x to the right, y down.
struct PixelXY {
    double x = 0.0;
    double y = 0.0;
};

/// Maps projected coordinates (metres, y north) to pixels (y down), fitting a box into a pixel
/// area at one scale for both axes and centring it.
class ViewTransform {
public:
    /// Fits `extent` into a `width_px` x `height_px` area less `margin_px` on every side.
    /// An empty extent maps nothing useful but is valid (scale 1, centred on the origin); a
    /// zero-width or zero-height extent is fitted along its other axis.
    static ViewTransform fit(const gis::Box& extent, int width_px, int height_px, int margin_px);

    [[nodiscard]] PixelXY to_pixel(const gis::XY& p) const;
    /// Pixels per metre.
    [[nodiscard]] double scale() const { return m_scale; }

private:
    ViewTransform(double scale, double centre_x, double centre_y, double pixel_centre_x,
                  double pixel_centre_y);

    double m_scale;
    double m_centre_x;
    double m_centre_y;
    double m_pixel_centre_x;
    double m_pixel_centre_y;
};

} // namespace ykm::gui

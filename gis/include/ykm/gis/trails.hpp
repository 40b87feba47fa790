#pragma once
// Vehicles' recent tracks drawn over a map picture, fading with age: replay pictures and the
// window's map while a replay plays.

#include "ykm/gis/geometry.hpp"
#include "ykm/gis/map_renderer.hpp"
#include "ykm/gis/map_view.hpp"

#include <cstdint>
#include <span>
#include <vector>

// As cairo.h declares it, so that this header does not need cairo's.
typedef struct _cairo_surface cairo_surface_t; // NOLINT(modernize-use-using)

namespace ykm::gis {

/// One vehicle's recent track: its points (project CRS) and the time of each (Unix ms).
struct TimedTrail {
    std::vector<XY> points;
    std::vector<std::int64_t> times_ms; ///< parallel to points
};

/// The trails' colour: dark, so that it reads over every pass-age colour of the roads.
inline constexpr Rgb trail_colour{0x2B, 0x2B, 0x3A};

/// Draws `trails` into the pixels of an ARGB32 image surface, the map (as `view` shows it) in
/// its rows from `top` down: lines 2.5 px wide (times `scale`), each piece as opaque as it is
/// young (0.8 at `now_ms`, 0.1 at `trail_ms` before it), each pixel taking the opacity of the
/// youngest trail over it (round ends and joins, no darker overlaps), anti-aliased over a pixel
/// at the edges. Linear in the pixels touched: cairo's stroker took about 3 µs a point.
void draw_trails(cairo_surface_t* surface, std::span<const TimedTrail> trails, const MapView& view,
                 int top, std::int64_t now_ms, std::int64_t trail_ms, double scale);

} // namespace ykm::gis

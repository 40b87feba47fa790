#pragma once
// Pictures (gis::Image: plain 0xAARRGGBB pixels) to and from cairo image surfaces (premultiplied
// ARGB), for the code that draws with cairo: the map renderer, replay frames, charts. Include it
// only where cairo is at hand; map_renderer.hpp keeps cairo out of its users.

#include "ykm/gis/map_renderer.hpp"

#include <cairo.h>

#include <memory>

namespace ykm::gis {

/// The antialiasing of the roads coloured by time since their last pass (MapRenderer and
/// RoadAgeCanvas alike): cairo's fast mode, which draws those thin lines as well as the default
/// in half the time.
inline constexpr cairo_antialias_t road_antialias = CAIRO_ANTIALIAS_FAST;

struct CairoSurfaceDeleter {
    void operator()(cairo_surface_t* s) const noexcept { cairo_surface_destroy(s); }
};
/// Owns a cairo surface.
using CairoSurfacePtr = std::unique_ptr<cairo_surface_t, CairoSurfaceDeleter>;

/// A new transparent ARGB32 image surface. Throws ykm::Error naming the size when cairo cannot
/// allocate it.
CairoSurfacePtr new_image_surface(int width, int height);

/// The picture of an ARGB32 image surface. With `opaque` (every pixel opaque: a painted
/// background) the premultiplied pixels are the plain ones and are copied; otherwise they are
/// unpremultiplied.
Image image_from_surface(cairo_surface_t* surface, bool opaque);

/// A new surface holding `image`, premultiplied (at least 1x1). Throws ykm::Error when the
/// picture holds fewer pixels than its size says or cairo cannot allocate the surface.
CairoSurfacePtr surface_from_image(const Image& image);

} // namespace ykm::gis

#pragma once
// A time-since-pass map of one fixed view that follows changing pass times by drawing again only
// the roads whose pass-age class changed: the window's map while the coverage ticks on or a
// replay plays, and the frames of `ykm replay`.

#include "ykm/gis/cairo_picture.hpp"
#include "ykm/gis/map_renderer.hpp"

#include <cstddef>
#include <memory>
#include <vector>

namespace ykm::gis {

/// Prepared once for a view, its content and a style (MapRenderer::render_road_layers: the map
/// under and over its roads, and the road directions in pixels, shifted to their left side as
/// the map draws them). update() looks up the pass-age class of each direction and strokes again
/// only those whose class changed, with everything else their boxes touch, clipped to those
/// boxes (whole pixels): the picture is what MapRenderer::render() draws for the style with that
/// coverage, but for antialiasing noise at the boxes' edges. Not thread-safe.
class RoadAgeCanvas {
public:
    /// Throws ykm::Error when the picture cannot be allocated or drawn.
    RoadAgeCanvas(const MapRenderer& renderer, const MapContent& content, const MapView& view,
                  const MapStyle& style, const Image* basemap = nullptr);
    ~RoadAgeCanvas();
    RoadAgeCanvas(const RoadAgeCanvas&) = delete;
    RoadAgeCanvas& operator=(const RoadAgeCanvas&) = delete;

    /// Brings the map to `coverage` (its pass times, instant and class limits). Throws
    /// ykm::Error when cairo fails; the next update then draws everything.
    void update(const CoverageColouring& coverage);
    /// The map as the last update() left it: opaque premultiplied ARGB32 of the view's size.
    [[nodiscard]] cairo_surface_t* surface() const;
    /// The same as a picture.
    [[nodiscard]] Image image() const;
    [[nodiscard]] const MapView& view() const;
    /// The road directions in view, in pixels.
    [[nodiscard]] const std::vector<DrawnDirection>& directions() const;
    /// How many directions the last update() stroked again (every one in view the first time).
    [[nodiscard]] std::size_t redrawn() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Whether two styles draw the same map but for the pass times of the coverage colouring (its
/// instant, pass times and class limits): what a RoadAgeCanvas can follow.
bool same_but_coverage(const MapStyle& a, const MapStyle& b);

} // namespace ykm::gis

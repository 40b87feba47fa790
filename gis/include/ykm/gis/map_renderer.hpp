#pragma once

#include "ykm/gis/map_content.hpp"
#include "ykm/gis/map_view.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ykm::gis {

/// A colour, 8 bits per channel.
struct Rgb {
    std::uint8_t red = 0;
    std::uint8_t green = 0;
    std::uint8_t blue = 0;
    friend bool operator==(const Rgb&, const Rgb&) = default;
};

/// Colour of a road by snow priority class, from the Okabe-Ito palette that readers with any
/// common colour-vision deficiency can tell apart: class 1 vermilion #D55E00, class 2 blue
/// #0072B2, class 3 bluish green #009E73; none slate grey #8FA3BF (a neutral grey looks like
/// the bluish green to deuteranopes).
Rgb priority_colour(PriorityClass priority);

/// Stroke width in pixels of a road by priority class at label scale 1: higher classes wider.
double priority_line_width_px(PriorityClass priority);

/// Background colour of the map.
inline constexpr Rgb map_background{0xF7, 0xF9, 0xFB};

/// Colour of the outline around highlighted roads (search results, identify): a bright magenta
/// that no layer uses.
inline constexpr Rgb highlight_colour{0xFF, 0x00, 0xD0};

/// How `colour` looks to a reader with deuteranopia (no green cones): the Machado, Oliveira and
/// Fernandes (2009) simulation at severity 1.0, applied in linear RGB.
Rgb simulate_deuteranopia(Rgb colour);

/// How the map colours roads.
enum class RoadColouring {
    priority,        ///< by snow priority class (priority_colour)
    time_since_pass, ///< by the time since each direction was last passed (pass_age_colour)
};

/// The time since a road direction was last passed by a vehicle, in the classes the map shows.
enum class PassAge { under_1h, under_3h, under_6h, older, never };

/// All pass-age classes, most recent first, as the legend lists them.
inline constexpr std::array<PassAge, 5> all_pass_ages{
    PassAge::under_1h, PassAge::under_3h, PassAge::under_6h, PassAge::older, PassAge::never};

/// Colour of a road direction by pass age: a viridis sequential ramp from fresh to stale, light
/// green #35B779 (< 1 h), teal #21918C (< 3 h), blue #31688E (< 6 h), dark purple #440154
/// (older), and for a direction never passed vermilion #D55E00, drawn dashed, so that it stands
/// apart by hue and by pattern. Every pair, and each against the background, stays ΔE*ab > 20
/// apart under deuteranopia.
Rgb pass_age_colour(PassAge age);

/// The dash pattern (on, off) in pixels at label scale 1 of road directions never passed.
inline constexpr std::array<double, 2> never_passed_dash_px{7.0, 4.0};

/// The last pass time of each road direction, for the time-since-pass colouring. Filled once and
/// then shared read-only (std::shared_ptr<const PassTimes>) between the window and its drawing
/// thread.
///
/// It may lie over another, shared and not copied (a replay's passes of the current hour over
/// those of the whole hours before it): a direction's last pass is then the later of its own and
/// the one below, which counts only when after a given instant (the start of the coverage
/// window).
class PassTimes {
public:
    PassTimes() = default;
    /// Empty, over `under`, whose passes count when after `under_after_ms`.
    PassTimes(std::shared_ptr<const PassTimes> under, std::int64_t under_after_ms);

    /// Records the last pass (Unix time in milliseconds) of a direction of a segment; `forward`
    /// is the direction of the segment's geometry. A later call for the same direction keeps
    /// the later time.
    void set(std::int64_t segment_id, bool forward, std::int64_t last_pass_ms);
    /// The last pass of the direction; std::nullopt when it was never passed.
    [[nodiscard]] std::optional<std::int64_t> last_pass_ms(std::int64_t segment_id,
                                                           bool forward) const;
    /// The number of directions with a pass (with those below: in time linear in their count).
    [[nodiscard]] std::size_t size() const;

private:
    /// The last pass of the direction `key` after `after_ms`, or `none`.
    [[nodiscard]] std::int64_t last_after(std::int64_t key, std::int64_t after_ms) const;
    /// Adds every direction's last pass after `after_ms` to `into` (keeping the later time).
    void gather(std::unordered_map<std::int64_t, std::int64_t>& into, std::int64_t after_ms) const;
    /// The own pass of `key`, or `none`.
    [[nodiscard]] std::int64_t own(std::int64_t key) const;

    /// Keyed by 2 * segment id + 1 for forward. Segment ids are a project's row ids, dense from
    /// 1: keys below m_dense.size() live in the vector (an index, no hashing), others in the
    /// map; the vector grows only while it stays at most a few times the directions it holds.
    std::vector<std::int64_t> m_dense;
    std::size_t m_dense_count = 0;
    std::unordered_map<std::int64_t, std::int64_t> m_times;
    std::shared_ptr<const PassTimes> m_under;
    std::int64_t m_under_after_ms = 0;
};

/// What the time-since-pass colouring needs besides the roads.
struct CoverageColouring {
    /// The pass times; none means that no direction was passed.
    std::shared_ptr<const PassTimes> passes;
    /// The time the ages are counted to (Unix time in milliseconds).
    std::int64_t now_ms = 0;
    /// Upper limits of the classes under_1h, under_3h and under_6h, in milliseconds.
    std::array<std::int64_t, 3> limits_ms{3'600'000, 10'800'000, 21'600'000};
    friend bool operator==(const CoverageColouring&, const CoverageColouring&) = default;
};

/// The class of a direction last passed at `last_pass_ms` (std::nullopt: never) at
/// `coverage.now_ms`. A pass in the future (a clock ahead) counts as under 1 h.
PassAge pass_age(const CoverageColouring& coverage, std::optional<std::int64_t> last_pass_ms);

/// A picture: width x height pixels, 0xAARRGGBB each (not premultiplied), rows top to bottom.
struct Image {
    int width = 0;
    int height = 0;
    std::vector<std::uint32_t> pixels;

    [[nodiscard]] std::uint32_t at(int x, int y) const {
        return pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                      static_cast<std::size_t>(x)];
    }
    [[nodiscard]] Rgb rgb_at(int x, int y) const {
        const std::uint32_t p = at(x, y);
        return Rgb{static_cast<std::uint8_t>(p >> 16), static_cast<std::uint8_t>(p >> 8),
                   static_cast<std::uint8_t>(p)};
    }
};

/// Languages of the map's own words (legend, scale bar, sheet).
enum class MapLanguage { japanese, english };

/// How a map is drawn.
struct MapStyle {
    /// Visibility and opacity (0..1) of each layer.
    struct LayerStyle {
        bool visible = true;
        double opacity = 1.0;
        friend bool operator==(const LayerStyle&, const LayerStyle&) = default;
    };
    LayerStyle roads;
    LayerStyle districts;
    LayerStyle depots;
    LayerStyle dump_sites;
    LayerStyle basemap;
    /// Draw order of the vector layers, bottom first; default districts, roads, dump sites,
    /// depots.
    std::vector<std::string> layer_order{"districts", "road_segments", "dump_sites", "depots"};
    /// Multiplies label and symbol sizes (the large-font option: 1.5).
    double text_scale = 1.0;
    MapLanguage language = MapLanguage::japanese;
    /// Street names along lines when the view is at least this detailed (metres per pixel).
    double street_labels_below_m_per_px = 2.0;
    bool scale_bar = true;
    bool north_arrow = true;
    bool legend = false;
    /// Roads to highlight (search results, identify), drawn over everything.
    std::vector<std::int64_t> highlighted_roads;
    /// How roads are coloured. With time_since_pass every direction of a two-way road is drawn
    /// as its own thin line on its left side (traffic keeps left in Japan), a one-way road as
    /// one line; the width still grows with the priority class, and the legend lists the
    /// pass-age classes.
    RoadColouring road_colouring = RoadColouring::priority;
    /// The pass times for RoadColouring::time_since_pass.
    CoverageColouring coverage;
    /// The same pass times (the same object), instant and limits compare equal.
    friend bool operator==(const MapStyle&, const MapStyle&) = default;
};

/// One road direction as the time-since-pass colouring strokes it, in the view's pixels.
struct DrawnDirection {
    std::int64_t road_id = 0;
    bool forward = true; ///< the direction of the road's geometry (always for a one-way road)
    PriorityClass priority = PriorityClass::none;
    /// The stroked polyline: a two-way road's direction already shifted to its left side. A
    /// direction running far beyond cairo's coordinate range comes as several unshifted pieces,
    /// each its own DrawnDirection.
    std::vector<XY> pixels;
    double width_px = 0.0; ///< the stroke width (round caps and joins)
};

/// A time-since-pass map of one view split around its roads, so that only the roads need
/// drawing again when the pass times change (a replay's frames): `under`, then every direction
/// of `roads` stroked in its pass-age colour (never passed: dashed never_passed_dash_px times
/// the text scale), grouped by priority class in the order none, 3, 2, 1 and within a class
/// the stalest first, then `over` gives what MapRenderer::render() draws. The roads layer is
/// taken as fully opaque.
struct RoadLayers {
    Image under;                       ///< background, basemap and the layers below the roads
    Image over;                        ///< the layers above the roads, one-way arrows, labels,
                                       ///< highlights and furniture, on transparent pixels
    std::vector<DrawnDirection> roads; ///< the directions in view, road by road, forward first
};

/// Draws maps with cairo and pango: the same code draws the window's map, `ykm render` PNGs
/// and printed sheets, with no display needed. Japanese labels render through fontconfig's
/// CJK fonts. Not thread-safe per instance; use one renderer per thread.
class MapRenderer {
public:
    MapRenderer();
    ~MapRenderer();
    MapRenderer(const MapRenderer&) = delete;
    MapRenderer& operator=(const MapRenderer&) = delete;

    /// Draws `content` as `view` shows it. `basemap`, if given, is a picture of the same size
    /// already aligned to the view (see data::render_basemap), drawn under the vector layers.
    [[nodiscard]] Image render(const MapContent& content, const MapView& view,
                               const MapStyle& style, const Image* basemap = nullptr) const;

    /// Draws `content` as render() does, split around its roads (see RoadLayers); the style's
    /// road colouring is taken as RoadColouring::time_since_pass.
    [[nodiscard]] RoadLayers render_road_layers(const MapContent& content, const MapView& view,
                                                const MapStyle& style,
                                                const Image* basemap = nullptr) const;

    /// Writes a PNG. Throws ykm::Error naming the file when it cannot be written.
    static void write_png(const Image& image, const std::filesystem::path& file);

    /// What a printed map sheet carries besides the map.
    struct SheetOptions {
        std::string title;
        std::string date;        ///< e.g. "2026-11-22"; printed under the title
        std::string attribution; ///< data attribution, e.g. "© OpenStreetMap contributors"
        std::string crs_name;
    };
    /// Writes a printable map sheet (PDF, A4 landscape unless the view is taller than wide):
    /// title, the map, legend, scale bar, north arrow, date and attribution. `view` gives the
    /// extent; the sheet fits it to the page. Throws ykm::Error naming the file on failure.
    void write_pdf_sheet(const MapContent& content, const MapView& view, const MapStyle& style,
                         const SheetOptions& sheet, const std::filesystem::path& file) const;

    /// Draws the same sheet as write_pdf_sheet() into a picture of the paper's size in pixels
    /// (for a printer), the page centred and scaled to fit. Throws ykm::Error for a size under
    /// 1x1.
    [[nodiscard]] Image render_sheet(const MapContent& content, const MapView& view,
                                     const MapStyle& style, const SheetOptions& sheet, int width_px,
                                     int height_px) const;

private:
    /// Draws the sheet in points on a cairo context (a cairo_t*: cairo stays out of this header).
    void draw_sheet(void* cairo_context, const MapContent& content, const MapView& view,
                    const MapStyle& style, const SheetOptions& sheet) const;

    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace ykm::gis

#include "ykm/gis/map_renderer.hpp"

#include "ykm/gis/cairo_picture.hpp"

#include "ykm/gis/error.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numbers>
#include <random>
#include <string_view>
#include <unistd.h>
#include <unordered_map>
#include <utility>

namespace ykm::gis {

Rgb priority_colour(PriorityClass priority) {
    switch (priority) {
    case PriorityClass::first:
        return {0xD5, 0x5E, 0x00};
    case PriorityClass::second:
        return {0x00, 0x72, 0xB2};
    case PriorityClass::third:
        return {0x00, 0x9E, 0x73};
    case PriorityClass::none:
        break;
    }
    return {0x8F, 0xA3, 0xBF};
}

double priority_line_width_px(PriorityClass priority) {
    switch (priority) {
    case PriorityClass::first:
        return 5.0;
    case PriorityClass::second:
        return 4.0;
    case PriorityClass::third:
        return 2.0;
    case PriorityClass::none:
        break;
    }
    return 1.0;
}

Rgb pass_age_colour(PassAge age) {
    switch (age) {
    case PassAge::under_1h:
        return {0x35, 0xB7, 0x79};
    case PassAge::under_3h:
        return {0x21, 0x91, 0x8C};
    case PassAge::under_6h:
        return {0x31, 0x68, 0x8E};
    case PassAge::older:
        return {0x44, 0x01, 0x54};
    case PassAge::never:
        break;
    }
    return {0xD5, 0x5E, 0x00};
}

namespace {

/// "No pass" in PassTimes' lookups: before every time.
constexpr std::int64_t no_pass = std::numeric_limits<std::int64_t>::min();

} // namespace

PassTimes::PassTimes(std::shared_ptr<const PassTimes> under, std::int64_t under_after_ms)
    : m_under(std::move(under)), m_under_after_ms(under_after_ms) {}

void PassTimes::set(std::int64_t segment_id, bool forward, std::int64_t last_pass_ms) {
    const std::int64_t key = 2 * segment_id + (forward ? 1 : 0);
    if (last_pass_ms == no_pass) {
        return;
    }
    if (key >= 0 && static_cast<std::uint64_t>(key) >= m_dense.size()) {
        // Grow the vector over this key when it stays dense enough: at most 8 slots per
        // direction held plus 64 Ki, never over 2^23 slots (64 MiB).
        const auto wanted = static_cast<std::size_t>(key) + 1;
        const std::size_t held = m_dense_count + m_times.size() + 1;
        constexpr std::size_t max_slots = std::size_t{1} << 23;
        if (wanted <= max_slots && wanted <= 8 * held + 65'536) {
            const std::size_t size =
                std::min(max_slots, std::max(wanted, m_dense.size() + m_dense.size() / 2));
            m_dense.resize(size, no_pass);
            // Keys kept in the map until now move to the vector.
            for (auto it = m_times.begin(); it != m_times.end();) {
                if (it->first >= 0 && static_cast<std::uint64_t>(it->first) < size) {
                    m_dense[static_cast<std::size_t>(it->first)] = it->second;
                    ++m_dense_count;
                    it = m_times.erase(it);
                } else {
                    ++it;
                }
            }
        }
    }
    if (key >= 0 && static_cast<std::uint64_t>(key) < m_dense.size()) {
        std::int64_t& slot = m_dense[static_cast<std::size_t>(key)];
        if (slot == no_pass) {
            ++m_dense_count;
        }
        slot = std::max(slot, last_pass_ms);
        return;
    }
    const auto [it, inserted] = m_times.try_emplace(key, last_pass_ms);
    if (!inserted) {
        it->second = std::max(it->second, last_pass_ms);
    }
}

std::int64_t PassTimes::own(std::int64_t key) const {
    if (key >= 0 && static_cast<std::uint64_t>(key) < m_dense.size()) {
        return m_dense[static_cast<std::size_t>(key)];
    }
    if (m_times.empty()) {
        return no_pass;
    }
    const auto it = m_times.find(key);
    return it == m_times.end() ? no_pass : it->second;
}

std::int64_t PassTimes::last_after(std::int64_t key, std::int64_t after_ms) const {
    std::int64_t best = no_pass;
    if (const std::int64_t mine = own(key); mine > after_ms) {
        best = mine;
    }
    if (m_under) {
        best = std::max(best, m_under->last_after(key, std::max(after_ms, m_under_after_ms)));
    }
    return best;
}

void PassTimes::gather(std::unordered_map<std::int64_t, std::int64_t>& into,
                       std::int64_t after_ms) const {
    const auto add = [&](std::int64_t key, std::int64_t time_ms) {
        if (time_ms > after_ms) {
            const auto [it, inserted] = into.try_emplace(key, time_ms);
            if (!inserted) {
                it->second = std::max(it->second, time_ms);
            }
        }
    };
    for (std::size_t key = 0; key < m_dense.size(); ++key) {
        add(static_cast<std::int64_t>(key), m_dense[key]);
    }
    for (const auto& [key, time_ms] : m_times) {
        add(key, time_ms);
    }
    if (m_under) {
        m_under->gather(into, std::max(after_ms, m_under_after_ms));
    }
}

std::optional<std::int64_t> PassTimes::last_pass_ms(std::int64_t segment_id, bool forward) const {
    const std::int64_t key = 2 * segment_id + (forward ? 1 : 0);
    const std::int64_t best = m_under ? last_after(key, no_pass) : own(key);
    if (best == no_pass) {
        return std::nullopt;
    }
    return best;
}

std::size_t PassTimes::size() const {
    if (!m_under) {
        return m_dense_count + m_times.size();
    }
    std::unordered_map<std::int64_t, std::int64_t> all;
    gather(all, no_pass);
    return all.size();
}

PassAge pass_age(const CoverageColouring& coverage, std::optional<std::int64_t> last_pass_ms) {
    if (!last_pass_ms) {
        return PassAge::never;
    }
    const std::int64_t age_ms = coverage.now_ms - *last_pass_ms;
    if (age_ms < coverage.limits_ms[0]) {
        return PassAge::under_1h;
    }
    if (age_ms < coverage.limits_ms[1]) {
        return PassAge::under_3h;
    }
    if (age_ms < coverage.limits_ms[2]) {
        return PassAge::under_6h;
    }
    return PassAge::older;
}

namespace {

double srgb_to_linear(std::uint8_t c) {
    const double v = c / 255.0;
    return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}

std::uint8_t linear_to_srgb(double v) {
    v = std::clamp(v, 0.0, 1.0);
    const double s = v <= 0.0031308 ? v * 12.92 : 1.055 * std::pow(v, 1.0 / 2.4) - 0.055;
    return static_cast<std::uint8_t>(std::lround(s * 255.0));
}

} // namespace

Rgb simulate_deuteranopia(Rgb colour) {
    // Machado et al. 2009, Table 1, deuteranomaly at severity 1.0.
    constexpr std::array<std::array<double, 3>, 3> m{{{0.367322, 0.860646, -0.227968},
                                                      {0.280085, 0.672501, 0.047413},
                                                      {-0.011820, 0.042940, 0.968881}}};
    const std::array<double, 3> in{srgb_to_linear(colour.red), srgb_to_linear(colour.green),
                                   srgb_to_linear(colour.blue)};
    std::array<std::uint8_t, 3> out{};
    for (std::size_t row = 0; row < 3; ++row) {
        out[row] = linear_to_srgb(m[row][0] * in[0] + m[row][1] * in[1] + m[row][2] * in[2]);
    }
    return {out[0], out[1], out[2]};
}

namespace {

// ----- RAII around cairo and pango handles -----

using SurfacePtr = CairoSurfacePtr;

struct CairoDeleter {
    void operator()(cairo_t* cr) const noexcept { cairo_destroy(cr); }
};
using CairoPtr = std::unique_ptr<cairo_t, CairoDeleter>;

struct GObjectDeleter {
    void operator()(void* object) const noexcept { g_object_unref(object); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectDeleter>;

struct FontDescriptionDeleter {
    void operator()(PangoFontDescription* d) const noexcept { pango_font_description_free(d); }
};
using FontDescriptionPtr = std::unique_ptr<PangoFontDescription, FontDescriptionDeleter>;

// fontconfig falls back to any installed font with the glyphs when this family is missing.
constexpr const char* font_family = "Noto Sans CJK JP, Noto Sans CJK, sans-serif";

constexpr Rgb text_colour{0x22, 0x22, 0x22};
constexpr Rgb halo_colour{0xFF, 0xFF, 0xFF};
constexpr Rgb district_outline{0x55, 0x55, 0x55};
constexpr Rgb symbol_dark{0x33, 0x33, 0x33};
constexpr Rgb dump_site_fill{0xBF, 0xE3, 0xF7};
// Pale tints of Okabe-Ito colours, cycled by district id: six, so that districts numbered
// along rows of up to five never share a tint with a neighbour.
constexpr std::array<Rgb, 6> district_fills{{{0x56, 0xB4, 0xE9},
                                             {0xE6, 0x9F, 0x00},
                                             {0xF0, 0xE4, 0x42},
                                             {0xCC, 0x79, 0xA7},
                                             {0x00, 0x9E, 0x73},
                                             {0x99, 0x99, 0x99}}};
constexpr double district_fill_alpha = 0.22;

constexpr std::array<PriorityClass, 4> drawing_order{PriorityClass::none, PriorityClass::third,
                                                     PriorityClass::second, PriorityClass::first};
constexpr std::array<PriorityClass, 4> label_order{PriorityClass::first, PriorityClass::second,
                                                   PriorityClass::third, PriorityClass::none};

// Cairo keeps coordinates as 24.8 fixed point: lines running far outside the picture at large
// scales are clipped to this pixel range before they reach it.
constexpr double coordinate_limit_px = 1 << 20;

void set_colour(cairo_t* cr, Rgb c, double alpha = 1.0) {
    cairo_set_source_rgba(cr, c.red / 255.0, c.green / 255.0, c.blue / 255.0, alpha);
}

struct PixelBox {
    double min_x, min_y, max_x, max_y;
    [[nodiscard]] bool overlaps(const PixelBox& o) const {
        return min_x < o.max_x && o.min_x < max_x && min_y < o.max_y && o.min_y < max_y;
    }
};

// A name beside `file` for writing before the rename, so readers never see half a file.
std::filesystem::path temporary_beside(const std::filesystem::path& file) {
    std::random_device random;
    return file.parent_path() / ("." + file.filename().string() + ".tmp-" +
                                 std::to_string(::getpid()) + "-" + std::to_string(random()));
}

void replace_file(const std::filesystem::path& temp, const std::filesystem::path& file) {
    std::error_code error;
    std::filesystem::rename(temp, file, error);
    if (error) {
        std::filesystem::remove(temp, error);
        throw Error(file.string() + ": cannot write: " + error.message());
    }
}

/// Words the map prints, by language.
struct Words {
    std::array<const char*, 4> classes; // class 1, 2, 3, none
    const char* depot;
    const char* dump_site;
    const char* north;
    const char* since_pass; // heading of the pass-age legend
    const char* within_h;   // printf format of a class limit in hours: "< 1 h"
    const char* over_h;     // the class beyond the last limit: "≥ 6 h"
    const char* never;      // never passed
};

const Words& words(MapLanguage language) {
    static const Words japanese{{"第1種", "第2種", "第3種", "指定なし"},
                                "除雪基地",
                                "雪堆積場",
                                "北",
                                "最終通過から",
                                "%g時間以内",
                                "%g時間超",
                                "未通過"};
    static const Words english{{"Class 1", "Class 2", "Class 3", "None"},
                               "Depot",
                               "Snow dump",
                               "N",
                               "Since last pass",
                               "< %g h",
                               "≥ %g h",
                               "Never"};
    return language == MapLanguage::japanese ? japanese : english;
}

/// The legend's label of a pass-age class.
std::string pass_age_label(const Words& w, const CoverageColouring& coverage, PassAge age) {
    const auto hours = [&](std::size_t i) {
        return static_cast<double>(coverage.limits_ms[i]) / 3'600'000.0;
    };
    char text[64];
    switch (age) {
    case PassAge::under_1h:
        std::snprintf(text, sizeof text, w.within_h, hours(0));
        break;
    case PassAge::under_3h:
        std::snprintf(text, sizeof text, w.within_h, hours(1));
        break;
    case PassAge::under_6h:
        std::snprintf(text, sizeof text, w.within_h, hours(2));
        break;
    case PassAge::older:
        std::snprintf(text, sizeof text, w.over_h, hours(2));
        break;
    case PassAge::never:
        return w.never;
    }
    return text;
}

/// The dash pattern of never-passed directions, in pixels at label scale 1.
constexpr std::array<double, 2> never_dash_px = never_passed_dash_px;

/// Which of the map furniture to draw.
struct Furniture {
    bool scale_bar = false;
    bool north_arrow = false;
    bool legend = false;
};

/// Which part of a map a Painter draws: all of it, or what lies under or over the roads
/// (MapRenderer::render_road_layers).
enum class MapPart { all, under_roads, over_roads };

/// One drawing of a map into a cairo context whose user space is the view's pixels.
class Painter {
public:
    Painter(cairo_t* cr, PangoContext* pango, const MapView& view, const MapStyle& style)
        : m_cr(cr), m_pango(pango), m_view(view), m_style(style), m_extent(view.extent()),
          m_px_per_m(1.0 / view.metres_per_pixel()), m_ts(std::clamp(style.text_scale, 0.25, 8.0)) {
        // A flattening tolerance of a quarter pixel looks the same and strokes faster.
        cairo_set_tolerance(m_cr, 0.25);
        for (std::int64_t id : style.highlighted_roads) {
            m_highlighted.push_back(id);
        }
        std::sort(m_highlighted.begin(), m_highlighted.end());
    }

    /// Draws `part` of the map; with MapPart::over_roads the road directions go to
    /// `directions` instead of being stroked.
    void draw(const MapContent& content, const Image* basemap, const Furniture& furniture,
              MapPart part = MapPart::all, std::vector<DrawnDirection>* directions = nullptr) {
        m_part = part;
        m_directions = directions;
        cairo_save(m_cr);
        cairo_rectangle(m_cr, 0, 0, m_view.width_px(), m_view.height_px());
        cairo_clip(m_cr);
        if (part != MapPart::over_roads) {
            set_colour(m_cr, map_background);
            cairo_paint(m_cr);
            if (basemap != nullptr && m_style.basemap.visible && basemap->width > 0 &&
                basemap->height > 0) {
                draw_basemap(*basemap);
            }
        }
        bool past_roads = false;
        for (const std::string& layer : m_style.layer_order) {
            const bool roads_layer = layer == "road_segments" || layer == "roads";
            if (roads_layer && part == MapPart::under_roads) {
                break;
            }
            if (!past_roads && !roads_layer && part == MapPart::over_roads) {
                continue;
            }
            past_roads = past_roads || roads_layer;
            if (layer == "districts") {
                in_layer(m_style.districts, [&] { draw_districts(content.districts); });
            } else if (layer == "road_segments" || layer == "roads") {
                in_layer(m_style.roads, [&] { draw_roads(content.roads); });
            } else if (layer == "depots") {
                in_layer(m_style.depots, [&] { draw_depots(content.depots); });
            } else if (layer == "dump_sites") {
                in_layer(m_style.dump_sites, [&] { draw_dump_sites(content.dump_sites); });
            }
        }
        if (part == MapPart::under_roads) {
            cairo_restore(m_cr);
            return;
        }
        // Labels keep clear of the furniture drawn over the map.
        m_occupied.clear();
        if (furniture.scale_bar) {
            m_occupied.push_back(scale_bar(false));
        }
        if (furniture.north_arrow) {
            m_occupied.push_back(north_arrow(false));
        }
        if (furniture.legend) {
            m_occupied.push_back(legend(false));
        }
        draw_labels(content);
        if (m_style.roads.visible) {
            draw_highlights(content.roads);
        }
        if (furniture.scale_bar) {
            scale_bar(true);
        }
        if (furniture.north_arrow) {
            north_arrow(true);
        }
        if (furniture.legend) {
            legend(true);
        }
        cairo_restore(m_cr);
    }

private:
    [[nodiscard]] double px_x(double x) const { return (x - m_extent.min_x) * m_px_per_m; }
    [[nodiscard]] double px_y(double y) const { return (m_extent.max_y - y) * m_px_per_m; }
    [[nodiscard]] XY px(const XY& p) const { return {px_x(p.x), px_y(p.y)}; }

    template <typename Draw>
    void in_layer(const MapStyle::LayerStyle& layer, Draw&& draw) {
        const double opacity = std::clamp(layer.opacity, 0.0, 1.0);
        if (!layer.visible || opacity <= 0.0) {
            return;
        }
        if (opacity >= 1.0) {
            draw();
            return;
        }
        cairo_push_group(m_cr);
        draw();
        cairo_pop_group_to_source(m_cr);
        cairo_paint_with_alpha(m_cr, opacity);
    }

    [[nodiscard]] bool meets_view(const Box& b, double margin_m) const {
        return b.max_x >= m_extent.min_x - margin_m && b.min_x <= m_extent.max_x + margin_m &&
               b.max_y >= m_extent.min_y - margin_m && b.min_y <= m_extent.max_y + margin_m;
    }

    static Box bounds(const Polyline& line) {
        Box b = Box::empty();
        for (const XY& p : line) {
            b.extend(p);
        }
        return b;
    }

    void draw_basemap(const Image& basemap) {
        SurfacePtr surface = surface_from_image(basemap);
        cairo_save(m_cr);
        cairo_scale(m_cr, static_cast<double>(m_view.width_px()) / basemap.width,
                    static_cast<double>(m_view.height_px()) / basemap.height);
        cairo_set_source_surface(m_cr, surface.get(), 0, 0);
        cairo_paint_with_alpha(m_cr, std::clamp(m_style.basemap.opacity, 0.0, 1.0));
        cairo_restore(m_cr);
    }

    // Adds the line to the current path in pixels, dropping vertices within half a pixel of the
    // last one drawn: at small scales most vertices of a town fall on a pixel already drawn.
    // With `chain`, a line that starts or ends where the path's last line ended continues that
    // line: cairo then draws a join instead of two caps, which costs a fraction of them.
    void add_line(const Polyline& line, bool chain = false) {
        const std::size_t n = line.size();
        if (n < 2) {
            return;
        }
        bool far = false;
        for (const XY& p : line) {
            const XY q = px(p);
            far = far || std::abs(q.x) > coordinate_limit_px || std::abs(q.y) > coordinate_limit_px;
        }
        if (far) {
            add_clipped_line(line);
            m_path_end.reset();
            return;
        }
        const bool reversed =
            chain && m_path_end && !(line.front() == *m_path_end) && line.back() == *m_path_end;
        const auto at = [&](std::size_t i) -> const XY& {
            return reversed ? line[n - 1 - i] : line[i];
        };
        XY last = px(at(0));
        if (!chain || !m_path_end || !(at(0) == *m_path_end)) {
            cairo_move_to(m_cr, last.x, last.y);
        }
        for (std::size_t i = 1; i < n; ++i) {
            const XY q = px(at(i));
            const double dx = q.x - last.x;
            const double dy = q.y - last.y;
            if (i + 1 < n && dx * dx + dy * dy < 0.25) {
                continue;
            }
            cairo_line_to(m_cr, q.x, q.y);
            last = q;
        }
        m_path_end = at(n - 1);
    }

    // Liang-Barsky clipping of each piece to the picture with a margin, for lines whose far
    // ends would overflow cairo's fixed-point coordinates.
    void add_clipped_line(const Polyline& line) {
        clip_pieces(line, [&](const XY& a, const XY& b) {
            cairo_move_to(m_cr, a.x, a.y);
            cairo_line_to(m_cr, b.x, b.y);
        });
    }

    // The pieces of `line` in pixels clipped to the picture with a margin: emit(a, b) each.
    template <typename Emit>
    void clip_pieces(const Polyline& line, Emit&& emit) const {
        const double margin = 64.0;
        const double lo_x = -margin;
        const double lo_y = -margin;
        const double hi_x = m_view.width_px() + margin;
        const double hi_y = m_view.height_px() + margin;
        for (std::size_t i = 1; i < line.size(); ++i) {
            const XY a = px(line[i - 1]);
            const XY b = px(line[i]);
            double t0 = 0.0;
            double t1 = 1.0;
            const double dx = b.x - a.x;
            const double dy = b.y - a.y;
            bool visible = true;
            for (const auto& [p, q] : std::array<std::pair<double, double>, 4>{
                     {{-dx, a.x - lo_x}, {dx, hi_x - a.x}, {-dy, a.y - lo_y}, {dy, hi_y - a.y}}}) {
                if (p == 0.0) {
                    if (q < 0.0) {
                        visible = false;
                    }
                    continue;
                }
                const double r = q / p;
                if (p < 0.0) {
                    t0 = std::max(t0, r);
                } else {
                    t1 = std::min(t1, r);
                }
            }
            if (!visible || t0 > t1) {
                continue;
            }
            emit(XY{a.x + t0 * dx, a.y + t0 * dy}, XY{a.x + t1 * dx, a.y + t1 * dy});
        }
    }

    // A road to draw: it meets the view. Roads shorter than a pixel are drawn too: a chain of
    // short segments seen from far away must stay a line, not fall apart into gaps.
    [[nodiscard]] bool road_in_view(const MapRoad& road, double margin_m) const {
        const Box b = bounds(road.points);
        return !b.is_empty() && meets_view(b, margin_m);
    }

    [[nodiscard]] double line_width(PriorityClass priority) const {
        return priority_line_width_px(priority) * m_ts;
    }

    void draw_roads(const std::vector<MapRoad>& roads) {
        const double margin_m = 8.0 * m_ts * m_view.metres_per_pixel();
        m_roads_in_view.clear();
        for (std::size_t i = 0; i < roads.size(); ++i) {
            if (road_in_view(roads[i], margin_m)) {
                m_roads_in_view.push_back(i);
            }
        }
        cairo_set_line_cap(m_cr, CAIRO_LINE_CAP_ROUND);
        cairo_set_line_join(m_cr, CAIRO_LINE_JOIN_ROUND);
        if (m_part == MapPart::over_roads) {
            collect_directions(roads);
        } else if (m_style.road_colouring == RoadColouring::time_since_pass) {
            draw_roads_by_pass_age(roads);
        } else {
            // One path per class: cairo strokes it once, and crossings of one class do not
            // darken where they overlap.
            for (PriorityClass priority : drawing_order) {
                cairo_new_path(m_cr);
                m_path_end.reset();
                bool any = false;
                for (std::size_t i : m_roads_in_view) {
                    if (roads[i].priority == priority) {
                        add_line(roads[i].points, true);
                        any = true;
                    }
                }
                if (!any) {
                    continue;
                }
                set_colour(m_cr, priority_colour(priority));
                cairo_set_line_width(m_cr, line_width(priority));
                cairo_stroke(m_cr);
            }
        }
        if (m_view.metres_per_pixel() < 1.5) {
            draw_oneway_arrows(roads);
        }
    }

    // ----- roads by time since the last pass -----

    // Width of one direction's line of a two-way road.
    [[nodiscard]] double direction_width(PriorityClass priority) const {
        return std::max(1.5, 0.75 * priority_line_width_px(priority)) * m_ts;
    }

    [[nodiscard]] PassAge age_of(const MapRoad& road, bool forward) const {
        const CoverageColouring& coverage = m_style.coverage;
        return pass_age(coverage, coverage.passes ? coverage.passes->last_pass_ms(road.id, forward)
                                                  : std::nullopt);
    }

    // The line in pixels, vertices within half a pixel of the last one kept dropped; empty when
    // a vertex lies beyond cairo's coordinate range (the caller then draws it unshifted).
    [[nodiscard]] std::vector<XY> pixel_line(const Polyline& line, bool reversed) const {
        std::vector<XY> out;
        out.reserve(line.size());
        const std::size_t n = line.size();
        for (std::size_t i = 0; i < n; ++i) {
            const XY q = px(line[reversed ? n - 1 - i : i]);
            if (std::abs(q.x) > coordinate_limit_px || std::abs(q.y) > coordinate_limit_px) {
                return {};
            }
            if (!out.empty() && i + 1 < n) {
                const double dx = q.x - out.back().x;
                const double dy = q.y - out.back().y;
                if (dx * dx + dy * dy < 0.25) {
                    continue;
                }
            }
            out.push_back(q);
        }
        return out;
    }

    // `line` shifted `distance` pixels to the left of its direction of travel (pixel y runs
    // down, so the left of (dx, dy) is (dy, -dx)), with mitred corners limited to twice the
    // distance so that sharp turns do not spike.
    static std::vector<XY> shifted_left(const std::vector<XY>& line, double distance) {
        const std::size_t n = line.size();
        std::vector<XY> normals;
        normals.reserve(n);
        for (std::size_t i = 1; i < n; ++i) {
            const double dx = line[i].x - line[i - 1].x;
            const double dy = line[i].y - line[i - 1].y;
            const double length = std::hypot(dx, dy);
            normals.push_back(length > 0.0 ? XY{dy / length, -dx / length} : XY{0.0, 0.0});
        }
        std::vector<XY> out;
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            XY normal;
            if (i == 0) {
                normal = normals.front();
            } else if (i + 1 == n) {
                normal = normals.back();
            } else {
                const XY a = normals[i - 1];
                const XY b = normals[i];
                const XY sum{a.x + b.x, a.y + b.y};
                const double length = std::hypot(sum.x, sum.y);
                if (length < 1e-9) {
                    normal = b;
                } else {
                    // The mitre: the bisector stretched so that both sides keep `distance`.
                    const XY bisector{sum.x / length, sum.y / length};
                    const double cosine = bisector.x * a.x + bisector.y * a.y;
                    const double stretch = std::min(1.0 / std::max(cosine, 1e-9), 2.0);
                    normal = {bisector.x * stretch, bisector.y * stretch};
                }
            }
            out.push_back({line[i].x + normal.x * distance, line[i].y + normal.y * distance});
        }
        return out;
    }

    // Every direction of every road in view, grouped by class and pass age so that each group
    // is one stroke; drawn lowest class first and, within a class, the stalest first.
    void draw_roads_by_pass_age(const std::vector<MapRoad>& roads) {
        constexpr std::size_t ages = all_pass_ages.size();
        struct Group {
            std::vector<std::vector<XY>> lines;
            std::vector<const Polyline*> unshifted;
        };
        std::array<Group, drawing_order.size() * ages> groups;
        const auto group_of = [&](PriorityClass priority, PassAge age) -> Group& {
            const auto p = static_cast<std::size_t>(
                std::find(drawing_order.begin(), drawing_order.end(), priority) -
                drawing_order.begin());
            return groups[p * ages + static_cast<std::size_t>(age)];
        };
        for (std::size_t i : m_roads_in_view) {
            const MapRoad& road = roads[i];
            if (road.oneway) {
                Group& group = group_of(road.priority, age_of(road, true));
                std::vector<XY> line = pixel_line(road.points, false);
                if (line.size() >= 2) {
                    group.lines.push_back(std::move(line));
                } else if (road.points.size() >= 2) {
                    group.unshifted.push_back(&road.points);
                }
                continue;
            }
            const double offset = direction_width(road.priority) / 2.0 + 0.5 * m_ts;
            for (const bool forward : {true, false}) {
                Group& group = group_of(road.priority, age_of(road, forward));
                const std::vector<XY> line = pixel_line(road.points, !forward);
                if (line.size() >= 2) {
                    group.lines.push_back(shifted_left(line, offset));
                } else if (road.points.size() >= 2) {
                    group.unshifted.push_back(&road.points);
                }
            }
        }
        for (std::size_t p = 0; p < drawing_order.size(); ++p) {
            const PriorityClass priority = drawing_order[p];
            // Stalest first, so that fresh passes lie on top where lines overlap.
            for (std::size_t a = ages; a-- > 0;) {
                const PassAge age = all_pass_ages[a];
                const Group& group = groups[p * ages + a];
                if (group.lines.empty() && group.unshifted.empty()) {
                    continue;
                }
                cairo_new_path(m_cr);
                for (const std::vector<XY>& line : group.lines) {
                    cairo_move_to(m_cr, line.front().x, line.front().y);
                    for (std::size_t k = 1; k < line.size(); ++k) {
                        cairo_line_to(m_cr, line[k].x, line[k].y);
                    }
                }
                for (const Polyline* line : group.unshifted) {
                    add_line(*line);
                }
                stroke_pass_age(age, priority, false);
            }
        }
    }

    // Every direction of every road in view as draw_roads_by_pass_age() strokes it, into
    // m_directions.
    void collect_directions(const std::vector<MapRoad>& roads) {
        if (m_directions == nullptr) {
            return;
        }
        const auto add = [&](const MapRoad& road, bool forward, std::vector<XY> line) {
            DrawnDirection d;
            d.road_id = road.id;
            d.forward = forward;
            d.priority = road.priority;
            d.pixels = std::move(line);
            d.width_px = direction_width(road.priority);
            m_directions->push_back(std::move(d));
        };
        const auto add_unshifted = [&](const MapRoad& road, bool forward) {
            clip_pieces(road.points, [&](const XY& a, const XY& b) { add(road, forward, {a, b}); });
        };
        for (std::size_t i : m_roads_in_view) {
            const MapRoad& road = roads[i];
            if (road.oneway) {
                std::vector<XY> line = pixel_line(road.points, false);
                if (line.size() >= 2) {
                    add(road, true, std::move(line));
                } else if (road.points.size() >= 2) {
                    add_unshifted(road, true);
                }
                continue;
            }
            const double offset = direction_width(road.priority) / 2.0 + 0.5 * m_ts;
            for (const bool forward : {true, false}) {
                const std::vector<XY> line = pixel_line(road.points, !forward);
                if (line.size() >= 2) {
                    add(road, forward, shifted_left(line, offset));
                } else if (road.points.size() >= 2) {
                    add_unshifted(road, forward);
                }
            }
        }
    }

    // Strokes the current path in the colour (and for `never` the dashes) of `age`; one-way
    // roads use the same width as a direction of a two-way road. With cairo's fast antialiasing,
    // as RoadAgeCanvas strokes them: the thin lines look the same and stroke in half the time.
    void stroke_pass_age(PassAge age, PriorityClass priority, bool preserve) {
        const cairo_antialias_t antialias = cairo_get_antialias(m_cr);
        cairo_set_antialias(m_cr, road_antialias);
        set_colour(m_cr, pass_age_colour(age));
        cairo_set_line_width(m_cr, direction_width(priority));
        if (age == PassAge::never) {
            const std::array<double, 2> dash{never_dash_px[0] * m_ts, never_dash_px[1] * m_ts};
            cairo_set_dash(m_cr, dash.data(), static_cast<int>(dash.size()), 0.0);
        }
        if (preserve) {
            cairo_stroke_preserve(m_cr);
        } else {
            cairo_stroke(m_cr);
        }
        cairo_set_dash(m_cr, nullptr, 0, 0.0);
        cairo_set_antialias(m_cr, antialias);
    }

    // One road's directions as draw_roads_by_pass_age() draws them (for highlights).
    void draw_road_by_pass_age(const MapRoad& road) {
        if (road.oneway) {
            cairo_new_path(m_cr);
            add_line(road.points);
            stroke_pass_age(age_of(road, true), road.priority, false);
            return;
        }
        const double offset = direction_width(road.priority) / 2.0 + 0.5 * m_ts;
        for (const bool forward : {true, false}) {
            const std::vector<XY> line = pixel_line(road.points, !forward);
            cairo_new_path(m_cr);
            if (line.size() >= 2) {
                const std::vector<XY> shifted = shifted_left(line, offset);
                cairo_move_to(m_cr, shifted.front().x, shifted.front().y);
                for (std::size_t k = 1; k < shifted.size(); ++k) {
                    cairo_line_to(m_cr, shifted[k].x, shifted[k].y);
                }
            } else {
                add_line(road.points);
            }
            stroke_pass_age(age_of(road, forward), road.priority, false);
        }
    }

    // The longest straight piece of a line in pixels: where labels and arrows go.
    struct Piece {
        XY a;
        XY b;
        double length = 0.0;
    };
    [[nodiscard]] Piece longest_piece(const Polyline& line) const {
        Piece best;
        for (std::size_t i = 1; i < line.size(); ++i) {
            const XY a = px(line[i - 1]);
            const XY b = px(line[i]);
            const double length = std::hypot(b.x - a.x, b.y - a.y);
            if (length > best.length) {
                best = {a, b, length};
            }
        }
        return best;
    }

    void draw_oneway_arrows(const std::vector<MapRoad>& roads) {
        if (m_part == MapPart::under_roads) {
            return;
        }
        const double size = 4.5 * m_ts;
        set_colour(m_cr, symbol_dark);
        cairo_new_path(m_cr);
        for (std::size_t i : m_roads_in_view) {
            const MapRoad& road = roads[i];
            if (!road.oneway) {
                continue;
            }
            const Piece piece = longest_piece(road.points);
            if (piece.length < 6.0 * size) {
                continue;
            }
            const double ux = (piece.b.x - piece.a.x) / piece.length;
            const double uy = (piece.b.y - piece.a.y) / piece.length;
            // A quarter along, so the arrow does not sit under the street name at the middle.
            const double cx = piece.a.x + 0.25 * (piece.b.x - piece.a.x);
            const double cy = piece.a.y + 0.25 * (piece.b.y - piece.a.y);
            cairo_move_to(m_cr, cx + ux * size, cy + uy * size);
            cairo_line_to(m_cr, cx - ux * size - uy * size, cy - uy * size + ux * size);
            cairo_line_to(m_cr, cx - ux * size + uy * size, cy - uy * size - ux * size);
            cairo_close_path(m_cr);
        }
        cairo_fill(m_cr);
    }

    void draw_highlights(const std::vector<MapRoad>& roads) {
        if (m_highlighted.empty()) {
            return;
        }
        cairo_set_line_cap(m_cr, CAIRO_LINE_CAP_ROUND);
        cairo_set_line_join(m_cr, CAIRO_LINE_JOIN_ROUND);
        const double margin_m = 16.0 * m_ts * m_view.metres_per_pixel();
        for (const MapRoad& road : roads) {
            if (!std::binary_search(m_highlighted.begin(), m_highlighted.end(), road.id) ||
                !meets_view(bounds(road.points), margin_m)) {
                continue;
            }
            const bool by_age = m_style.road_colouring == RoadColouring::time_since_pass;
            const double width = by_age && !road.oneway
                                     ? 2.0 * direction_width(road.priority) + 1.0 * m_ts
                                     : line_width(road.priority);
            cairo_new_path(m_cr);
            add_line(road.points);
            set_colour(m_cr, highlight_colour);
            cairo_set_line_width(m_cr, width + 8.0 * m_ts);
            if (by_age) {
                cairo_stroke(m_cr);
                draw_road_by_pass_age(road);
                continue;
            }
            cairo_stroke_preserve(m_cr);
            set_colour(m_cr, priority_colour(road.priority));
            cairo_set_line_width(m_cr, line_width(road.priority));
            cairo_stroke(m_cr);
        }
    }

    void draw_districts(const std::vector<MapArea>& districts) {
        cairo_set_fill_rule(m_cr, CAIRO_FILL_RULE_EVEN_ODD);
        cairo_set_line_join(m_cr, CAIRO_LINE_JOIN_ROUND);
        for (const MapArea& district : districts) {
            Box b = Box::empty();
            for (const Polyline& ring : district.rings) {
                for (const XY& p : ring) {
                    b.extend(p);
                }
            }
            if (b.is_empty() || !meets_view(b, 0.0)) {
                continue;
            }
            cairo_new_path(m_cr);
            for (const Polyline& ring : district.rings) {
                add_line(ring);
                cairo_close_path(m_cr);
            }
            const std::size_t tint =
                static_cast<std::size_t>(district.id < 0 ? -district.id : district.id) %
                district_fills.size();
            set_colour(m_cr, district_fills[tint], district_fill_alpha);
            cairo_fill_preserve(m_cr);
            set_colour(m_cr, district_outline);
            cairo_set_line_width(m_cr, 1.5);
            cairo_stroke(m_cr);
        }
    }

    [[nodiscard]] bool point_in_view(const XY& p, double margin_px) const {
        const XY q = px(p);
        return q.x >= -margin_px && q.y >= -margin_px && q.x <= m_view.width_px() + margin_px &&
               q.y <= m_view.height_px() + margin_px;
    }

    void depot_symbol(double x, double y) {
        const double half = 5.0 * m_ts;
        cairo_rectangle(m_cr, x - half, y - half, 2 * half, 2 * half);
        set_colour(m_cr, symbol_dark);
        cairo_fill_preserve(m_cr);
        set_colour(m_cr, halo_colour);
        cairo_set_line_width(m_cr, 1.5);
        cairo_stroke(m_cr);
    }

    void dump_site_symbol(double x, double y) {
        const double r = 7.0 * m_ts;
        cairo_move_to(m_cr, x, y - r);
        cairo_line_to(m_cr, x + r * 0.866, y + r * 0.5);
        cairo_line_to(m_cr, x - r * 0.866, y + r * 0.5);
        cairo_close_path(m_cr);
        set_colour(m_cr, dump_site_fill);
        cairo_fill_preserve(m_cr);
        set_colour(m_cr, symbol_dark);
        cairo_set_line_width(m_cr, 1.5);
        cairo_stroke(m_cr);
    }

    void draw_depots(const std::vector<MapPoint>& depots) {
        for (const MapPoint& depot : depots) {
            if (point_in_view(depot.position, 10.0 * m_ts)) {
                const XY q = px(depot.position);
                depot_symbol(q.x, q.y);
            }
        }
    }

    void draw_dump_sites(const std::vector<MapPoint>& dump_sites) {
        for (const MapPoint& site : dump_sites) {
            if (point_in_view(site.position, 10.0 * m_ts)) {
                const XY q = px(site.position);
                dump_site_symbol(q.x, q.y);
            }
        }
    }

    // ----- text -----

    struct Text {
        LayoutPtr layout;
        double width = 0.0;
        double height = 0.0;
    };

    Text make_text(const std::string& text, double size_px, bool bold) {
        FontDescriptionPtr font(pango_font_description_from_string(font_family));
        pango_font_description_set_absolute_size(font.get(), size_px * PANGO_SCALE);
        if (bold) {
            pango_font_description_set_weight(font.get(), PANGO_WEIGHT_BOLD);
        }
        pango_cairo_update_context(m_cr, m_pango);
        Text t{LayoutPtr(pango_layout_new(m_pango)), 0.0, 0.0};
        pango_layout_set_font_description(t.layout.get(), font.get());
        pango_layout_set_text(t.layout.get(), text.data(), static_cast<int>(text.size()));
        PangoRectangle logical;
        pango_layout_get_extents(t.layout.get(), nullptr, &logical);
        t.width = static_cast<double>(logical.width) / PANGO_SCALE;
        t.height = static_cast<double>(logical.height) / PANGO_SCALE;
        return t;
    }

    // Draws the text with its top-left corner at the current origin, over a halo that keeps it
    // readable on roads and fills. The fill goes through show_layout so PDFs carry real text.
    void show_text(const Text& text, Rgb colour, double halo_px) {
        pango_cairo_update_layout(m_cr, text.layout.get());
        if (halo_px > 0.0) {
            cairo_new_path(m_cr);
            cairo_move_to(m_cr, 0, 0);
            pango_cairo_layout_path(m_cr, text.layout.get());
            set_colour(m_cr, halo_colour, 0.9);
            cairo_set_line_width(m_cr, 2.0 * halo_px);
            cairo_set_line_join(m_cr, CAIRO_LINE_JOIN_ROUND);
            cairo_stroke(m_cr);
        }
        cairo_move_to(m_cr, 0, 0);
        set_colour(m_cr, colour);
        pango_cairo_show_layout(m_cr, text.layout.get());
    }

    // Places an upright label with its centre at (cx, cy) unless it would overlap another.
    bool place_label(const Text& text, double cx, double cy, Rgb colour) {
        const PixelBox box{cx - text.width / 2, cy - text.height / 2, cx + text.width / 2,
                           cy + text.height / 2};
        if (occupied(box)) {
            return false;
        }
        m_occupied.push_back(box);
        cairo_save(m_cr);
        cairo_translate(m_cr, box.min_x, box.min_y);
        show_text(text, colour, 2.0 * m_ts);
        cairo_restore(m_cr);
        return true;
    }

    [[nodiscard]] bool occupied(const PixelBox& box) const {
        return std::any_of(m_occupied.begin(), m_occupied.end(),
                           [&](const PixelBox& o) { return o.overlaps(box); });
    }

    void draw_labels(const MapContent& content) {
        if (m_style.districts.visible && m_style.districts.opacity > 0.0) {
            for (const MapArea& district : content.districts) {
                label_district(district);
            }
        }
        const bool detailed = m_view.metres_per_pixel() < 5.0;
        if (detailed && m_style.depots.visible && m_style.depots.opacity > 0.0) {
            for (const MapPoint& depot : content.depots) {
                label_point(depot);
            }
        }
        if (detailed && m_style.dump_sites.visible && m_style.dump_sites.opacity > 0.0) {
            for (const MapPoint& site : content.dump_sites) {
                label_point(site);
            }
        }
        if (m_style.roads.visible && m_style.roads.opacity > 0.0 &&
            m_view.metres_per_pixel() < m_style.street_labels_below_m_per_px) {
            label_streets(content.roads);
        }
    }

    // The label goes at the area-weighted centroid of the district's largest ring.
    void label_district(const MapArea& district) {
        if (district.name.empty()) {
            return;
        }
        const Polyline* largest = nullptr;
        double largest_area = 0.0;
        XY centroid;
        for (const Polyline& ring : district.rings) {
            double area2 = 0.0;
            double cx = 0.0;
            double cy = 0.0;
            for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
                // Relative to the first vertex, so large CRS coordinates keep their precision.
                const double x0 = ring[i].x - ring[0].x;
                const double y0 = ring[i].y - ring[0].y;
                const double x1 = ring[i + 1].x - ring[0].x;
                const double y1 = ring[i + 1].y - ring[0].y;
                const double cross = x0 * y1 - x1 * y0;
                area2 += cross;
                cx += (x0 + x1) * cross;
                cy += (y0 + y1) * cross;
            }
            if (std::abs(area2) > largest_area) {
                largest_area = std::abs(area2);
                largest = &ring;
                centroid = {ring[0].x + cx / (3.0 * area2), ring[0].y + cy / (3.0 * area2)};
            }
        }
        if (largest == nullptr) {
            return;
        }
        const Box b = bounds(*largest);
        const double width_px = (b.max_x - b.min_x) * m_px_per_m;
        Text text = make_text(district.name, 15.0 * m_ts, true);
        if (width_px < text.width || !point_in_view(centroid, 0.0)) {
            return;
        }
        const XY q = px(centroid);
        place_label(text, q.x, q.y, text_colour);
    }

    void label_point(const MapPoint& point) {
        if (point.name.empty() || !point_in_view(point.position, 0.0)) {
            return;
        }
        Text text = make_text(point.name, 11.0 * m_ts, false);
        const XY q = px(point.position);
        place_label(text, q.x + 9.0 * m_ts + text.width / 2, q.y, text_colour);
    }

    void label_streets(const std::vector<MapRoad>& roads) {
        std::unordered_map<std::string_view, Text> texts;
        std::unordered_map<std::string_view, std::vector<XY>> placed;
        for (PriorityClass priority : label_order) {
            for (std::size_t i : m_roads_in_view) {
                const MapRoad& road = roads[i];
                if (road.priority != priority || road.name.empty()) {
                    continue;
                }
                auto found = texts.find(road.name);
                if (found == texts.end()) {
                    found =
                        texts.emplace(road.name, make_text(road.name, 11.0 * m_ts, false)).first;
                }
                label_street(road, found->second, placed[road.name]);
            }
        }
    }

    void label_street(const MapRoad& road, const Text& text, std::vector<XY>& same_name) {
        const Piece piece = longest_piece(road.points);
        if (piece.length < text.width + 8.0 * m_ts) {
            return;
        }
        const double cx = (piece.a.x + piece.b.x) / 2;
        const double cy = (piece.a.y + piece.b.y) / 2;
        if (cx - text.width / 2 < 0 || cy - text.width / 2 < 0 ||
            cx + text.width / 2 > m_view.width_px() || cy + text.width / 2 > m_view.height_px()) {
            return;
        }
        // One label per name in a neighbourhood of a few label lengths.
        const double spacing = std::max(250.0, 3.0 * text.width);
        for (const XY& other : same_name) {
            if (std::hypot(other.x - cx, other.y - cy) < spacing) {
                return;
            }
        }
        double angle = std::atan2(piece.b.y - piece.a.y, piece.b.x - piece.a.x);
        // Upright text, and near-vertical names all read top to bottom: a slight tilt of the
        // street must not turn its label round.
        constexpr double tilt = 0.2; // radians: about 11 degrees either side of vertical
        if (angle > std::numbers::pi / 2 + tilt) {
            angle -= std::numbers::pi;
        } else if (angle <= -std::numbers::pi / 2 + tilt) {
            angle += std::numbers::pi;
        }
        const double c = std::abs(std::cos(angle));
        const double s = std::abs(std::sin(angle));
        const double half_w = (text.width * c + text.height * s) / 2;
        const double half_h = (text.width * s + text.height * c) / 2;
        const PixelBox box{cx - half_w, cy - half_h, cx + half_w, cy + half_h};
        if (occupied(box)) {
            return;
        }
        m_occupied.push_back(box);
        same_name.push_back({cx, cy});
        cairo_save(m_cr);
        cairo_translate(m_cr, cx, cy);
        cairo_rotate(m_cr, angle);
        cairo_translate(m_cr, -text.width / 2, -text.height / 2);
        show_text(text, text_colour, 1.8 * m_ts);
        cairo_restore(m_cr);
    }

    // ----- map furniture -----

    void panel(double x, double y, double w, double h) {
        cairo_rectangle(m_cr, x, y, w, h);
        set_colour(m_cr, halo_colour, 0.85);
        cairo_fill_preserve(m_cr);
        set_colour(m_cr, Rgb{0xAA, 0xAA, 0xAA});
        cairo_set_line_width(m_cr, 1.0);
        cairo_stroke(m_cr);
    }

    // The furniture's box; drawn too when `paint`.
    PixelBox scale_bar(bool paint) {
        const double max_px = 130.0 * m_ts;
        const double max_m = max_px * m_view.metres_per_pixel();
        double length_m = std::pow(10.0, std::floor(std::log10(max_m)));
        for (double step : {5.0, 2.0}) {
            if (length_m * step <= max_m) {
                length_m *= step;
                break;
            }
        }
        const double length_px = length_m * m_px_per_m;
        char label[32];
        if (length_m >= 1000.0) {
            std::snprintf(label, sizeof label, "%g km", length_m / 1000.0);
        } else {
            std::snprintf(label, sizeof label, "%g m", length_m);
        }
        Text text = make_text(label, 11.0 * m_ts, false);
        const double pad = 6.0 * m_ts;
        const double bar_h = 5.0 * m_ts;
        const double w = std::max(length_px, text.width) + 2 * pad;
        const double h = text.height + bar_h + 3 * pad;
        const double x = 10.0;
        const double y = m_view.height_px() - 10.0 - h;
        if (!paint) {
            return {x, y, x + w, y + h};
        }
        panel(x, y, w, h);
        const double bar_x = x + pad;
        const double bar_y = y + 2 * pad + text.height;
        // Two halves, dark and light, like the bars on printed maps.
        cairo_rectangle(m_cr, bar_x, bar_y, length_px / 2, bar_h);
        set_colour(m_cr, symbol_dark);
        cairo_fill(m_cr);
        cairo_rectangle(m_cr, bar_x, bar_y, length_px, bar_h);
        set_colour(m_cr, symbol_dark);
        cairo_set_line_width(m_cr, 1.0);
        cairo_stroke(m_cr);
        cairo_save(m_cr);
        cairo_translate(m_cr, bar_x + length_px / 2 - text.width / 2, y + pad);
        show_text(text, text_colour, 0.0);
        cairo_restore(m_cr);
        return {x, y, x + w, y + h};
    }

    PixelBox north_arrow(bool paint) {
        Text text = make_text(words(m_style.language).north, 13.0 * m_ts, true);
        const double arrow_h = 22.0 * m_ts;
        const double half_w = 8.0 * m_ts;
        const double pad = 5.0 * m_ts;
        const double w = std::max(2 * half_w, text.width) + 2 * pad;
        const double h = text.height + arrow_h + 3 * pad;
        const double x = m_view.width_px() - 10.0 - w;
        const double y = 10.0;
        if (!paint) {
            return {x, y, x + w, y + h};
        }
        panel(x, y, w, h);
        const double cx = x + w / 2;
        cairo_save(m_cr);
        cairo_translate(m_cr, cx - text.width / 2, y + pad);
        show_text(text, text_colour, 0.0);
        cairo_restore(m_cr);
        const double top = y + 2 * pad + text.height;
        // The classic half-filled arrow: the left half dark, the right half outlined.
        cairo_move_to(m_cr, cx, top);
        cairo_line_to(m_cr, cx - half_w, top + arrow_h);
        cairo_line_to(m_cr, cx, top + arrow_h * 0.72);
        cairo_close_path(m_cr);
        set_colour(m_cr, symbol_dark);
        cairo_fill(m_cr);
        cairo_move_to(m_cr, cx, top);
        cairo_line_to(m_cr, cx + half_w, top + arrow_h);
        cairo_line_to(m_cr, cx, top + arrow_h * 0.72);
        cairo_line_to(m_cr, cx - half_w, top + arrow_h);
        cairo_close_path(m_cr);
        cairo_set_line_width(m_cr, 1.2);
        cairo_set_line_join(m_cr, CAIRO_LINE_JOIN_MITER);
        cairo_stroke(m_cr);
        return {x, y, x + w, y + h};
    }

    // The legend: the road classes (or with the time-since-pass colouring a heading and the
    // pass-age classes), then the depot and dump site symbols.
    PixelBox legend(bool paint) {
        const Words& w = words(m_style.language);
        const bool by_age = m_style.road_colouring == RoadColouring::time_since_pass;
        std::vector<Text> texts;
        // Rows before the symbols: a heading (no sample) and one per class.
        std::size_t heading_rows = 0;
        std::size_t road_rows = 0;
        if (by_age) {
            texts.push_back(make_text(w.since_pass, 12.0 * m_ts, true));
            heading_rows = 1;
            for (const PassAge age : all_pass_ages) {
                texts.push_back(
                    make_text(pass_age_label(w, m_style.coverage, age), 12.0 * m_ts, false));
            }
            road_rows = all_pass_ages.size();
        } else {
            for (const char* name : w.classes) {
                texts.push_back(make_text(name, 12.0 * m_ts, false));
            }
            road_rows = w.classes.size();
        }
        texts.push_back(make_text(w.depot, 12.0 * m_ts, false));
        texts.push_back(make_text(w.dump_site, 12.0 * m_ts, false));
        double text_w = 0.0;
        double row_h = 0.0;
        for (const Text& t : texts) {
            text_w = std::max(text_w, t.width);
            row_h = std::max(row_h, t.height);
        }
        row_h += 3.0 * m_ts;
        const double pad = 8.0 * m_ts;
        const double sample_w = 30.0 * m_ts;
        const double box_w = sample_w + text_w + 3 * pad;
        const double box_h = row_h * static_cast<double>(texts.size()) + 2 * pad;
        const double x = m_view.width_px() - 10.0 - box_w;
        const double y = m_view.height_px() - 10.0 - box_h;
        if (!paint) {
            return {x, y, x + box_w, y + box_h};
        }
        panel(x, y, box_w, box_h);
        constexpr std::array<PriorityClass, 4> classes{PriorityClass::first, PriorityClass::second,
                                                       PriorityClass::third, PriorityClass::none};
        cairo_set_line_cap(m_cr, CAIRO_LINE_CAP_ROUND);
        for (std::size_t i = 0; i < texts.size(); ++i) {
            const double row_y = y + pad + row_h * static_cast<double>(i);
            const double mid_y = row_y + row_h / 2;
            const double sample_x = x + pad;
            if (i < heading_rows) {
                cairo_save(m_cr);
                cairo_translate(m_cr, sample_x, mid_y - texts[i].height / 2);
                show_text(texts[i], text_colour, 0.0);
                cairo_restore(m_cr);
                continue;
            }
            const std::size_t row = i - heading_rows;
            if (row < road_rows) {
                cairo_new_path(m_cr);
                cairo_move_to(m_cr, sample_x + 3, mid_y);
                cairo_line_to(m_cr, sample_x + sample_w - 3, mid_y);
                if (by_age) {
                    // The width of a direction of a class 1 road.
                    stroke_pass_age(all_pass_ages[row], PriorityClass::first, false);
                } else {
                    set_colour(m_cr, priority_colour(classes[row]));
                    cairo_set_line_width(m_cr, line_width(classes[row]));
                    cairo_stroke(m_cr);
                }
            } else if (row == road_rows) {
                depot_symbol(sample_x + sample_w / 2, mid_y);
            } else {
                dump_site_symbol(sample_x + sample_w / 2, mid_y + 1.5 * m_ts);
            }
            cairo_save(m_cr);
            cairo_translate(m_cr, sample_x + sample_w + pad, mid_y - texts[i].height / 2);
            show_text(texts[i], text_colour, 0.0);
            cairo_restore(m_cr);
        }
        return {x, y, x + box_w, y + box_h};
    }

    cairo_t* m_cr;
    PangoContext* m_pango;
    const MapView& m_view;
    const MapStyle& m_style;
    Box m_extent;
    double m_px_per_m;
    double m_ts;
    std::vector<std::int64_t> m_highlighted;
    std::vector<std::size_t> m_roads_in_view;
    std::vector<PixelBox> m_occupied;
    std::optional<XY> m_path_end; ///< map position where the path's last chained line ended
    MapPart m_part = MapPart::all;
    std::vector<DrawnDirection>* m_directions = nullptr; ///< filled with MapPart::over_roads
};

void check(cairo_t* cr, const std::filesystem::path& file, const char* what) {
    const cairo_status_t status = cairo_status(cr);
    if (status != CAIRO_STATUS_SUCCESS) {
        throw Error(file.string() + ": cannot " + what + ": " + cairo_status_to_string(status));
    }
}

} // namespace

struct MapRenderer::Impl {
    PangoFontMap* font_map = nullptr;
    PangoContext* context = nullptr;
    // The last picture's surface, reused while the size stays: a fresh one costs a page fault
    // per 4 KiB on every frame.
    SurfacePtr surface;

    Impl() {
        // A font map of our own: pango's default one belongs to the thread that made it.
        font_map = pango_cairo_font_map_new();
        context = pango_font_map_create_context(font_map);
        cairo_font_options_t* options = cairo_font_options_create();
        // Unhinted metrics keep label sizes the same at every rotation and on paper.
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT);
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
        pango_cairo_context_set_font_options(context, options);
        cairo_font_options_destroy(options);
        pango_context_set_language(context, pango_language_from_string("ja"));
    }
    ~Impl() {
        g_object_unref(context);
        g_object_unref(font_map);
    }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
};

MapRenderer::MapRenderer() : m_impl(std::make_unique<Impl>()) {}

MapRenderer::~MapRenderer() = default;

Image MapRenderer::render(const MapContent& content, const MapView& view, const MapStyle& style,
                          const Image* basemap) const {
    SurfacePtr& surface = m_impl->surface;
    if (!surface || cairo_image_surface_get_width(surface.get()) != view.width_px() ||
        cairo_image_surface_get_height(surface.get()) != view.height_px()) {
        surface.reset(
            cairo_image_surface_create(CAIRO_FORMAT_ARGB32, view.width_px(), view.height_px()));
        if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
            surface.reset();
            throw Error("map: cannot allocate a picture of " + std::to_string(view.width_px()) +
                        "x" + std::to_string(view.height_px()) + " pixels");
        }
    }
    CairoPtr cr(cairo_create(surface.get()));
    Painter painter(cr.get(), m_impl->context, view, style);
    painter.draw(content, basemap, {style.scale_bar, style.north_arrow, style.legend});
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
        throw Error(std::string("map: drawing failed: ") +
                    cairo_status_to_string(cairo_status(cr.get())));
    }
    return image_from_surface(surface.get(), true);
}

RoadLayers MapRenderer::render_road_layers(const MapContent& content, const MapView& view,
                                           const MapStyle& style, const Image* basemap) const {
    MapStyle by_age = style;
    by_age.road_colouring = RoadColouring::time_since_pass;
    const Furniture furniture{style.scale_bar, style.north_arrow, style.legend};
    RoadLayers layers;
    for (const MapPart part : {MapPart::under_roads, MapPart::over_roads}) {
        SurfacePtr surface = new_image_surface(view.width_px(), view.height_px());
        CairoPtr cr(cairo_create(surface.get()));
        Painter painter(cr.get(), m_impl->context, view, by_age);
        painter.draw(content, basemap, furniture, part, &layers.roads);
        if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
            throw Error(std::string("map: drawing failed: ") +
                        cairo_status_to_string(cairo_status(cr.get())));
        }
        const bool under = part == MapPart::under_roads;
        (under ? layers.under : layers.over) = image_from_surface(surface.get(), under);
    }
    return layers;
}

void MapRenderer::write_png(const Image& image, const std::filesystem::path& file) {
    SurfacePtr surface = surface_from_image(image);
    const std::filesystem::path temp = temporary_beside(file);
    const cairo_status_t status = cairo_surface_write_to_png(surface.get(), temp.c_str());
    if (status != CAIRO_STATUS_SUCCESS) {
        std::error_code ignored;
        std::filesystem::remove(temp, ignored);
        throw Error(file.string() + ": cannot write PNG: " + cairo_status_to_string(status));
    }
    replace_file(temp, file);
}

namespace {
constexpr double sheet_margin_pt = 28.0;
constexpr double sheet_header_pt = 46.0;
constexpr double sheet_footer_pt = 20.0;

// A4 in points, landscape unless the view is taller than wide.
std::pair<double, double> sheet_page_size(const MapView& view) {
    const bool portrait = view.height_px() > view.width_px();
    return portrait ? std::pair{595.0, 842.0} : std::pair{842.0, 595.0};
}
} // namespace

void MapRenderer::draw_sheet(void* cairo_context, const MapContent& content, const MapView& view,
                             const MapStyle& style, const SheetOptions& sheet) const {
    auto* cr = static_cast<cairo_t*>(cairo_context);
    const auto [page_w, page_h] = sheet_page_size(view);
    const double margin = sheet_margin_pt;
    PangoContext* pango = m_impl->context;

    const auto text_at = [&](const std::string& text, double size_pt, bool bold, double x, double y,
                             bool right_aligned) {
        if (text.empty()) {
            return;
        }
        FontDescriptionPtr font(pango_font_description_from_string(font_family));
        pango_font_description_set_absolute_size(font.get(), size_pt * PANGO_SCALE);
        if (bold) {
            pango_font_description_set_weight(font.get(), PANGO_WEIGHT_BOLD);
        }
        pango_cairo_update_context(cr, pango);
        LayoutPtr layout(pango_layout_new(pango));
        pango_layout_set_font_description(layout.get(), font.get());
        pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
        PangoRectangle logical;
        pango_layout_get_extents(layout.get(), nullptr, &logical);
        const double w = static_cast<double>(logical.width) / PANGO_SCALE;
        cairo_move_to(cr, right_aligned ? x - w : x, y);
        set_colour(cr, text_colour);
        pango_cairo_show_layout(cr, layout.get());
    };

    set_colour(cr, Rgb{0xFF, 0xFF, 0xFF});
    cairo_paint(cr);
    text_at(sheet.title, 18.0, true, margin, margin - 6.0, false);
    text_at(sheet.date, 10.0, false, margin, margin + 20.0, false);

    // The map frame, in pixels of 1/96 inch so that the sheet's scale 1:N is the view's.
    const double frame_x = margin;
    const double frame_y = margin + sheet_header_pt;
    const double frame_w = page_w - 2 * margin;
    const double frame_h = page_h - 2 * margin - sheet_header_pt - sheet_footer_pt;
    constexpr double pt_per_px = 72.0 / 96.0;
    const int frame_w_px = static_cast<int>(std::lround(frame_w / pt_per_px));
    const int frame_h_px = static_cast<int>(std::lround(frame_h / pt_per_px));
    const MapView sheet_view = MapView::fit(view.extent(), frame_w_px, frame_h_px, 0.0);
    cairo_save(cr);
    cairo_rectangle(cr, frame_x, frame_y, frame_w, frame_h);
    cairo_clip(cr);
    cairo_translate(cr, frame_x, frame_y);
    cairo_scale(cr, pt_per_px, pt_per_px);
    Painter painter(cr, pango, sheet_view, style);
    painter.draw(content, nullptr, {true, true, true});
    cairo_restore(cr);
    cairo_rectangle(cr, frame_x, frame_y, frame_w, frame_h);
    set_colour(cr, symbol_dark);
    cairo_set_line_width(cr, 0.8);
    cairo_stroke(cr);

    char scale[64];
    std::snprintf(scale, sizeof scale, "1:%.0f", sheet_view.scale_denominator());
    const double footer_y = page_h - margin - sheet_footer_pt + 6.0;
    std::string left =
        sheet.crs_name.empty() ? std::string(scale) : sheet.crs_name + "    " + scale;
    text_at(left, 8.0, false, margin, footer_y, false);
    text_at(sheet.attribution, 8.0, false, page_w - margin, footer_y, true);
}

void MapRenderer::write_pdf_sheet(const MapContent& content, const MapView& view,
                                  const MapStyle& style, const SheetOptions& sheet,
                                  const std::filesystem::path& file) const {
    const auto [page_w, page_h] = sheet_page_size(view);
    const std::filesystem::path temp = temporary_beside(file);
    SurfacePtr surface(cairo_pdf_surface_create(temp.c_str(), page_w, page_h));
    {
        const cairo_status_t status = cairo_surface_status(surface.get());
        if (status != CAIRO_STATUS_SUCCESS) {
            throw Error(file.string() + ": cannot write PDF: " + cairo_status_to_string(status));
        }
    }
    try {
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                       sheet.title.c_str());
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Yukimichi");
        CairoPtr cr(cairo_create(surface.get()));
        draw_sheet(cr.get(), content, view, style, sheet);
        cairo_show_page(cr.get());
        check(cr.get(), file, "draw the PDF");
        cr.reset();
        cairo_surface_finish(surface.get());
        const cairo_status_t status = cairo_surface_status(surface.get());
        if (status != CAIRO_STATUS_SUCCESS) {
            throw Error(file.string() + ": cannot write PDF: " + cairo_status_to_string(status));
        }
        surface.reset();
    } catch (...) {
        surface.reset();
        std::error_code ignored;
        std::filesystem::remove(temp, ignored);
        throw;
    }
    replace_file(temp, file);
}

Image MapRenderer::render_sheet(const MapContent& content, const MapView& view,
                                const MapStyle& style, const SheetOptions& sheet, int width_px,
                                int height_px) const {
    if (width_px < 1 || height_px < 1) {
        throw Error("a map sheet needs a page of at least 1x1 pixels");
    }
    const auto [page_w, page_h] = sheet_page_size(view);
    SurfacePtr surface = new_image_surface(width_px, height_px);
    CairoPtr cr(cairo_create(surface.get()));
    // The page keeps its proportions, centred on the paper.
    const double scale = std::min(width_px / page_w, height_px / page_h);
    set_colour(cr.get(), Rgb{0xFF, 0xFF, 0xFF});
    cairo_paint(cr.get());
    cairo_translate(cr.get(), (width_px - page_w * scale) / 2.0,
                    (height_px - page_h * scale) / 2.0);
    cairo_scale(cr.get(), scale, scale);
    draw_sheet(cr.get(), content, view, style, sheet);
    cr.reset();
    cairo_surface_flush(surface.get());
    return image_from_surface(surface.get(), true);
}

} // namespace ykm::gis

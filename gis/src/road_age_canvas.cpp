#include "ykm/gis/road_age_canvas.hpp"

#include "ykm/gis/error.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>

namespace ykm::gis {
namespace {

struct CairoDeleter {
    void operator()(cairo_t* cr) const noexcept { cairo_destroy(cr); }
};

/// The map's road drawing order by priority class (RoadLayers), and the groups of a priority
/// class and a pass-age class.
constexpr std::array<PriorityClass, 4> road_drawing_order{
    PriorityClass::none, PriorityClass::third, PriorityClass::second, PriorityClass::first};
constexpr std::size_t ages = all_pass_ages.size();
constexpr std::size_t road_groups = road_drawing_order.size() * ages;

/// A pixel rectangle [x0, x1) x [y0, y1).
struct PixelBox {
    int x0 = 0;
    int y0 = 0;
    int x1 = 0;
    int y1 = 0;
    [[nodiscard]] bool meets(const PixelBox& o) const {
        return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1;
    }
};

} // namespace

struct RoadAgeCanvas::Impl {
    static constexpr std::uint8_t no_group = 0xFF;

    MapView view;
    double text_scale = 1.0; ///< as the map clamps it
    CairoSurfacePtr under;
    CairoSurfacePtr over; ///< premultiplied
    std::vector<DrawnDirection> directions;
    /// Index in the map's drawing order (none, 3, 2, 1) of each direction's priority class.
    std::vector<std::uint8_t> priority_slot;
    /// The pixels each direction's stroke can touch (its width and anti-aliasing included).
    std::vector<PixelBox> boxes;
    /// The group (priority slot x pass-age class) each direction is drawn in on `roads`.
    std::vector<std::uint8_t> drawn_group;
    /// The map as the last update left it: under, roads, over.
    CairoSurfacePtr roads;
    std::size_t redrawn = 0;

    Impl(const MapRenderer& renderer, const MapContent& content, const MapView& map_view,
         const MapStyle& style, const Image* basemap)
        : view(map_view), text_scale(std::clamp(style.text_scale, 0.25, 8.0)) {
        RoadLayers layers = renderer.render_road_layers(content, view, style, basemap);
        under = surface_from_image(layers.under);
        directions = std::move(layers.roads);
        over = surface_from_image(layers.over);
        priority_slot.reserve(directions.size());
        boxes.reserve(directions.size());
        for (const DrawnDirection& d : directions) {
            priority_slot.push_back(static_cast<std::uint8_t>(
                std::find(road_drawing_order.begin(), road_drawing_order.end(), d.priority) -
                road_drawing_order.begin()));
            double x0 = d.pixels.front().x;
            double x1 = x0;
            double y0 = d.pixels.front().y;
            double y1 = y0;
            for (const XY& p : d.pixels) {
                x0 = std::min(x0, p.x);
                x1 = std::max(x1, p.x);
                y0 = std::min(y0, p.y);
                y1 = std::max(y1, p.y);
            }
            const double reach = d.width_px / 2.0 + 2.0;
            const auto clamp = [](double v, int hi) {
                return static_cast<int>(std::clamp(v, -1.0, static_cast<double>(hi) + 1.0));
            };
            boxes.push_back(PixelBox{clamp(std::floor(x0 - reach), view.width_px()),
                                     clamp(std::floor(y0 - reach), view.height_px()),
                                     clamp(std::ceil(x1 + reach), view.width_px()),
                                     clamp(std::ceil(y1 + reach), view.height_px())});
        }
        drawn_group.assign(directions.size(), no_group);
        roads = new_image_surface(view.width_px(), view.height_px());
    }

    void update(const CoverageColouring& coverage) {
        const PassTimes* passes = coverage.passes.get();
        std::vector<std::uint8_t> group(directions.size());
        std::vector<PixelBox> dirty;
        bool all = false;
        for (std::size_t i = 0; i < directions.size(); ++i) {
            const DrawnDirection& d = directions[i];
            const PassAge age =
                pass_age(coverage, passes != nullptr ? passes->last_pass_ms(d.road_id, d.forward)
                                                     : std::nullopt);
            group[i] =
                static_cast<std::uint8_t>(priority_slot[i] * ages + static_cast<std::size_t>(age));
            if (group[i] != drawn_group[i]) {
                all = all || drawn_group[i] == no_group;
                dirty.push_back(boxes[i]);
            }
        }
        // Past a few hundred boxes, drawing everything is cheaper than testing against them.
        constexpr std::size_t most_boxes = 400;
        all = all || dirty.size() > most_boxes;
        redrawn = 0;
        if (!all && dirty.empty()) {
            return;
        }
        std::unique_ptr<cairo_t, CairoDeleter> owner(cairo_create(roads.get()));
        cairo_t* cr = owner.get();
        if (!all) {
            for (const PixelBox& b : dirty) {
                cairo_rectangle(cr, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
            }
            cairo_clip(cr);
        }
        cairo_set_source_surface(cr, under.get(), 0, 0);
        cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
        cairo_paint(cr);
        cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
        std::array<std::vector<std::uint32_t>, road_groups> members;
        for (std::size_t i = 0; i < directions.size(); ++i) {
            if (all ||
                std::ranges::any_of(dirty, [&](const PixelBox& b) { return b.meets(boxes[i]); })) {
                members[group[i]].push_back(static_cast<std::uint32_t>(i));
                ++redrawn;
            }
        }
        cairo_set_tolerance(cr, 0.25);
        cairo_set_antialias(cr, road_antialias);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        for (std::size_t p = 0; p < road_drawing_order.size(); ++p) {
            // Stalest first, so that fresh passes lie on top where lines overlap.
            for (std::size_t a = ages; a-- > 0;) {
                const std::vector<std::uint32_t>& members_of = members[p * ages + a];
                if (members_of.empty()) {
                    continue;
                }
                cairo_new_path(cr);
                for (const std::uint32_t i : members_of) {
                    const std::vector<XY>& line = directions[i].pixels;
                    cairo_move_to(cr, line.front().x, line.front().y);
                    for (std::size_t k = 1; k < line.size(); ++k) {
                        cairo_line_to(cr, line[k].x, line[k].y);
                    }
                }
                const PassAge age = all_pass_ages[a];
                const Rgb c = pass_age_colour(age);
                cairo_set_source_rgb(cr, c.red / 255.0, c.green / 255.0, c.blue / 255.0);
                cairo_set_line_width(cr, directions[members_of.front()].width_px);
                if (age == PassAge::never) {
                    const std::array<double, 2> dash{never_passed_dash_px[0] * text_scale,
                                                     never_passed_dash_px[1] * text_scale};
                    cairo_set_dash(cr, dash.data(), static_cast<int>(dash.size()), 0.0);
                }
                cairo_stroke(cr);
                cairo_set_dash(cr, nullptr, 0, 0.0);
            }
        }
        cairo_set_source_surface(cr, over.get(), 0, 0);
        cairo_paint(cr);
        if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
            drawn_group.assign(directions.size(), no_group);
            throw Error(std::string("map: drawing the roads failed: ") +
                        cairo_status_to_string(cairo_status(cr)));
        }
        drawn_group = std::move(group);
    }
};

RoadAgeCanvas::RoadAgeCanvas(const MapRenderer& renderer, const MapContent& content,
                             const MapView& view, const MapStyle& style, const Image* basemap)
    : m_impl(std::make_unique<Impl>(renderer, content, view, style, basemap)) {}

RoadAgeCanvas::~RoadAgeCanvas() = default;

void RoadAgeCanvas::update(const CoverageColouring& coverage) {
    m_impl->update(coverage);
}

cairo_surface_t* RoadAgeCanvas::surface() const {
    return m_impl->roads.get();
}

Image RoadAgeCanvas::image() const {
    return image_from_surface(m_impl->roads.get(), true);
}

const MapView& RoadAgeCanvas::view() const {
    return m_impl->view;
}

const std::vector<DrawnDirection>& RoadAgeCanvas::directions() const {
    return m_impl->directions;
}

std::size_t RoadAgeCanvas::redrawn() const {
    return m_impl->redrawn;
}

bool same_but_coverage(const MapStyle& a, const MapStyle& b) {
    MapStyle a_bare = a;
    MapStyle b_bare = b;
    a_bare.coverage = {};
    b_bare.coverage = {};
    return a_bare == b_bare;
}

} // namespace ykm::gis

#include "ykm/gis/road_age_canvas.hpp"

#include "ykm/gis/error.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>

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

/// Copies `rows` rows of ARGB32 pixels from row `from_row` of `from` to row `to_row` of `to`
/// (surfaces of the same width, flushed).
void copy_rows(cairo_surface_t* from, int from_row, cairo_surface_t* to, int to_row, int rows) {
    const unsigned char* source = cairo_image_surface_get_data(from);
    unsigned char* target = cairo_image_surface_get_data(to);
    const int from_stride = cairo_image_surface_get_stride(from);
    const int to_stride = cairo_image_surface_get_stride(to);
    const auto bytes = static_cast<std::size_t>(cairo_image_surface_get_width(to)) * 4;
    for (int y = 0; y < rows; ++y) {
        std::memcpy(target + std::ptrdiff_t{to_row + y} * to_stride,
                    source + std::ptrdiff_t{from_row + y} * from_stride, bytes);
    }
}

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
        prepare_bands();
    }

    /// The directions to stroke, by group.
    using Members = std::array<std::vector<std::uint32_t>, road_groups>;
    /// A horizontal band of the picture, rows [y0, y1), with its own copies of the layers, so
    /// that the bands are drawn on threads of their own.
    struct Band {
        int y0 = 0;
        int y1 = 0;
        CairoSurfacePtr under;
        CairoSurfacePtr over;
        CairoSurfacePtr roads;
    };
    /// Redrawing this many directions or more (a seek, a first drawing) strokes the bands in
    /// parallel; fewer are stroked on the calling thread.
    static constexpr std::size_t parallel_from = 2000;
    std::vector<Band> bands;

    /// Draws rows [top, top + height of `target`) of the map on `target`: `under_part`, the
    /// members' strokes in the map's order, `over_part` (both the target's size), clipped to
    /// `dirty` boxes when given.
    void draw(cairo_surface_t* target, cairo_surface_t* under_part, cairo_surface_t* over_part,
              int top, const Members& members, const std::vector<PixelBox>* dirty) const {
        std::unique_ptr<cairo_t, CairoDeleter> owner(cairo_create(target));
        cairo_t* cr = owner.get();
        if (dirty != nullptr) {
            for (const PixelBox& b : *dirty) {
                cairo_rectangle(cr, b.x0, b.y0 - top, b.x1 - b.x0, b.y1 - b.y0);
            }
            cairo_clip(cr);
        }
        cairo_set_source_surface(cr, under_part, 0, 0);
        cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
        cairo_paint(cr);
        cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
        cairo_set_tolerance(cr, 0.25);
        cairo_set_antialias(cr, road_antialias);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        const int height = cairo_image_surface_get_height(target);
        for (std::size_t p = 0; p < road_drawing_order.size(); ++p) {
            // Stalest first, so that fresh passes lie on top where lines overlap.
            for (std::size_t a = ages; a-- > 0;) {
                bool any = false;
                cairo_new_path(cr);
                for (const std::uint32_t i : members[p * ages + a]) {
                    if (boxes[i].y1 <= top || boxes[i].y0 >= top + height) {
                        continue;
                    }
                    any = true;
                    const std::vector<XY>& line = directions[i].pixels;
                    cairo_move_to(cr, line.front().x, line.front().y - top);
                    for (std::size_t k = 1; k < line.size(); ++k) {
                        cairo_line_to(cr, line[k].x, line[k].y - top);
                    }
                }
                if (!any) {
                    continue;
                }
                const PassAge age = all_pass_ages[a];
                const Rgb c = pass_age_colour(age);
                cairo_set_source_rgb(cr, c.red / 255.0, c.green / 255.0, c.blue / 255.0);
                cairo_set_line_width(cr, directions[members[p * ages + a].front()].width_px);
                if (age == PassAge::never) {
                    const std::array<double, 2> dash{never_passed_dash_px[0] * text_scale,
                                                     never_passed_dash_px[1] * text_scale};
                    cairo_set_dash(cr, dash.data(), static_cast<int>(dash.size()), 0.0);
                }
                cairo_stroke(cr);
                cairo_set_dash(cr, nullptr, 0, 0.0);
            }
        }
        cairo_set_source_surface(cr, over_part, 0, 0);
        cairo_paint(cr);
        if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
            throw Error(std::string("map: drawing the roads failed: ") +
                        cairo_status_to_string(cairo_status(cr)));
        }
    }

    /// Every direction stroked again, a band per thread, then the bands copied into `roads`.
    void draw_bands(const Members& members) {
        std::vector<std::string> failures(bands.size());
        std::vector<std::thread> threads;
        for (std::size_t b = 0; b < bands.size(); ++b) {
            threads.emplace_back([&, b] {
                try {
                    const Band& band = bands[b];
                    draw(band.roads.get(), band.under.get(), band.over.get(), band.y0, members,
                         nullptr);
                } catch (const Error& e) {
                    failures[b] = e.what();
                }
            });
        }
        for (std::thread& t : threads) {
            t.join();
        }
        for (const std::string& failure : failures) {
            if (!failure.empty()) {
                throw Error(failure);
            }
        }
        cairo_surface_flush(roads.get());
        for (const Band& band : bands) {
            cairo_surface_flush(band.roads.get());
            copy_rows(band.roads.get(), 0, roads.get(), band.y0, band.y1 - band.y0);
        }
        cairo_surface_mark_dirty(roads.get());
    }

    /// Splits the picture into a band per core (at most 4, none for a small picture).
    void prepare_bands() {
        const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
        const int count = static_cast<int>(std::min(4U, cores));
        const int height = view.height_px();
        if (count < 2 || height < 64) {
            return;
        }
        cairo_surface_flush(under.get());
        cairo_surface_flush(over.get());
        for (int b = 0; b < count; ++b) {
            Band band;
            band.y0 = height * b / count;
            band.y1 = height * (b + 1) / count;
            const int rows = band.y1 - band.y0;
            band.under = new_image_surface(view.width_px(), rows);
            band.over = new_image_surface(view.width_px(), rows);
            band.roads = new_image_surface(view.width_px(), rows);
            copy_rows(under.get(), band.y0, band.under.get(), 0, rows);
            copy_rows(over.get(), band.y0, band.over.get(), 0, rows);
            cairo_surface_mark_dirty(band.under.get());
            cairo_surface_mark_dirty(band.over.get());
            bands.push_back(std::move(band));
        }
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
        Members members;
        for (std::size_t i = 0; i < directions.size(); ++i) {
            if (all ||
                std::ranges::any_of(dirty, [&](const PixelBox& b) { return b.meets(boxes[i]); })) {
                members[group[i]].push_back(static_cast<std::uint32_t>(i));
                ++redrawn;
            }
        }
        try {
            if (all && redrawn >= parallel_from && bands.size() > 1) {
                draw_bands(members);
            } else {
                draw(roads.get(), under.get(), over.get(), 0, members, all ? nullptr : &dirty);
            }
        } catch (const Error&) {
            drawn_group.assign(directions.size(), no_group);
            throw;
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

#include "ykm/dispatch/driver_sheet.hpp"

#include "ykm/dispatch/position_input.hpp"

#include "ykm/data/database.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gis/map_renderer.hpp"
#include "ykm/gis/map_view.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <numbers>
#include <sstream>
#include <unordered_map>

namespace ykm::dispatch {

namespace {

using gis::XY;

// ---- geometry of the driven steps -------------------------------------------------------------

class SegmentIndex {
public:
    explicit SegmentIndex(const gis::RoadNetwork& network) {
        m_segments.reserve(network.segments.size());
        for (const gis::RoadSegment& s : network.segments) {
            m_segments.emplace(s.id, &s);
        }
    }
    // Throws rather than returning null: a plan that names a segment the network lacks was made
    // on other roads, and a sheet drawn from it would send a driver the wrong way.
    [[nodiscard]] const gis::RoadSegment& at(std::int64_t id) const {
        const auto found = m_segments.find(id);
        if (found == m_segments.end()) {
            throw Error("segment " + std::to_string(id) +
                        " of the plan is not in the road network (the roads changed since the "
                        "plan was made)");
        }
        return *found->second;
    }

private:
    std::unordered_map<std::int64_t, const gis::RoadSegment*> m_segments;
};

bool drives(const PlanStep& step) {
    return step.kind != PlanStep::Kind::site;
}

// The segment's points in the order the plow drives them.
gis::Polyline driven_points(const gis::RoadSegment& segment, bool forward) {
    gis::Polyline points = segment.points;
    if (!forward) {
        std::reverse(points.begin(), points.end());
    }
    return points;
}

// Degrees clockwise from grid north of the line from `a` to `b`.
double heading_deg(XY a, XY b) {
    const double h = std::atan2(b.x - a.x, b.y - a.y) * 180.0 / std::numbers::pi;
    return h < 0.0 ? h + 360.0 : h;
}

// Headings where a line is entered and left; the first and last vertices that differ from the
// ends, so that duplicated vertices do not make a heading of zero length.
std::optional<double> heading_at_start(const gis::Polyline& line) {
    for (std::size_t i = 1; i < line.size(); ++i) {
        if (line[i] != line.front()) {
            return heading_deg(line.front(), line[i]);
        }
    }
    return std::nullopt;
}

std::optional<double> heading_at_end(const gis::Polyline& line) {
    for (std::size_t i = line.size(); i-- > 1;) {
        if (line[i - 1] != line.back()) {
            return heading_deg(line[i - 1], line.back());
        }
    }
    return std::nullopt;
}

// The same rule as the planner's turn costs: a clockwise change of heading is a right turn.
Manoeuvre classify(double heading_in, double heading_out) {
    double change = std::fmod(heading_out - heading_in, 360.0);
    if (change > 180.0) {
        change -= 360.0;
    } else if (change <= -180.0) {
        change += 360.0;
    }
    if (std::abs(change) <= 30.0) {
        return Manoeuvre::straight;
    }
    if (std::abs(change) > 150.0) {
        return Manoeuvre::u_turn;
    }
    return change > 0.0 ? Manoeuvre::right : Manoeuvre::left;
}

// ---- text --------------------------------------------------------------------------------------

const char* manoeuvre_text(Manoeuvre m) {
    switch (m) {
    case Manoeuvre::depart:
        return "出発";
    case Manoeuvre::straight:
        return "直進";
    case Manoeuvre::left:
        return "左折";
    case Manoeuvre::right:
        return "右折";
    case Manoeuvre::u_turn:
        return "Uターン";
    case Manoeuvre::site_visit:
        return "雪堆積場で排雪/補給";
    case Manoeuvre::arrive:
        return "到着";
    }
    return "";
}

// ---- atomic files ------------------------------------------------------------------------------

std::filesystem::path partial_path(const std::filesystem::path& target) {
    return target.string() + ".partial";
}

void remove_quietly(const std::filesystem::path& file) noexcept {
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
}

void rename_over(const std::filesystem::path& partial, const std::filesystem::path& target) {
    std::error_code error;
    std::filesystem::rename(partial, target, error);
    if (error) {
        remove_quietly(partial);
        throw Error(target.string() + ": cannot write: " + error.message());
    }
}

std::chrono::sys_time<std::chrono::milliseconds> jst(std::int64_t unix_ms) {
    // JST is UTC+9 all year (no daylight saving since 1951).
    return std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(unix_ms)) +
           std::chrono::hours(9);
}

std::int64_t plan_time_ms(const StoredPlan& plan, double seconds) {
    return plan.start_ms + static_cast<std::int64_t>(std::llround(seconds * 1000.0));
}

} // namespace

// ---- turn by turn ------------------------------------------------------------------------------

std::vector<Instruction> turn_by_turn(const StoredPlan::Route& route,
                                      const gis::RoadNetwork& network,
                                      const SiteNames& site_names) {
    const SegmentIndex segments(network);
    std::vector<Instruction> list;
    std::optional<std::size_t> open; // the instruction later steps may merge into
    std::optional<double> heading;   // where the plow points after the last driven step
    std::optional<XY> here;          // where it is
    double last_end_s = 0.0;
    for (std::size_t i = 0; i < route.steps.size(); ++i) {
        const PlanStep& step = route.steps[i];
        last_end_s = std::max(last_end_s, step.end_s);
        if (!drives(step)) {
            Instruction visit;
            visit.manoeuvre = Manoeuvre::site_visit;
            visit.activity = InstructionActivity::none;
            if (const auto name = site_names.find(step.site); name != site_names.end()) {
                visit.site_name = name->second;
            }
            visit.start_s = step.start_s;
            visit.end_s = step.end_s;
            visit.position = here.value_or(XY{});
            visit.first_step = i;
            visit.step_count = 1;
            list.push_back(std::move(visit));
            open.reset();
            continue;
        }
        const gis::RoadSegment& segment = segments.at(step.segment_id);
        const gis::Polyline points = driven_points(segment, step.forward);
        const bool service = step.kind == PlanStep::Kind::service;
        const auto activity =
            service ? InstructionActivity::service : InstructionActivity::deadhead;
        const std::string& street = segment.attributes.name;
        const std::optional<double> heading_in = heading_at_start(points);
        Manoeuvre manoeuvre = Manoeuvre::straight;
        if (!here) {
            manoeuvre = Manoeuvre::depart;
        } else if (heading && heading_in) {
            manoeuvre = classify(*heading, *heading_in);
        }
        bool merge = false;
        if (open && manoeuvre != Manoeuvre::u_turn) {
            const Instruction& last = list[*open];
            merge = last.activity == activity && last.street == street &&
                    (!street.empty() || manoeuvre == Manoeuvre::straight);
        }
        if (merge) {
            Instruction& last = list[*open];
            last.distance_m += step.length_m;
            last.end_s = step.end_s;
            ++last.step_count;
            if (service) {
                last.service_numbers.push_back(step.number);
                last.passes.push_back(step.pass);
            }
        } else {
            Instruction next;
            next.manoeuvre = manoeuvre;
            next.activity = activity;
            next.street = street;
            if (service) {
                next.service_numbers.push_back(step.number);
                next.passes.push_back(step.pass);
            }
            next.distance_m = step.length_m;
            next.start_s = step.start_s;
            next.end_s = step.end_s;
            next.position = points.empty() ? here.value_or(XY{}) : points.front();
            next.first_step = i;
            next.step_count = 1;
            list.push_back(std::move(next));
            open = list.size() - 1;
        }
        if (const auto out = heading_at_end(points)) {
            heading = out;
        }
        if (!points.empty()) {
            here = points.back();
        }
    }
    if (!list.empty()) {
        Instruction arrival;
        arrival.manoeuvre = Manoeuvre::arrive;
        arrival.activity = InstructionActivity::none;
        arrival.start_s = route.summary.end_s > 0.0 ? route.summary.end_s : last_end_s;
        arrival.end_s = arrival.start_s;
        arrival.position = here.value_or(XY{});
        arrival.first_step = route.steps.size();
        list.push_back(std::move(arrival));
    }
    return list;
}

std::string format_distance(double metres) {
    char text[32];
    if (metres < 999.5) {
        std::snprintf(text, sizeof text, "%.0f m", std::max(0.0, metres));
    } else {
        std::snprintf(text, sizeof text, "%.1f km", metres / 1000.0);
    }
    return text;
}

std::string format_service_numbers(const std::vector<int>& all) {
    std::vector<int> numbers;
    std::copy_if(all.begin(), all.end(), std::back_inserter(numbers), [](int n) { return n > 0; });
    std::string text;
    for (std::size_t i = 0; i < numbers.size();) {
        std::size_t j = i;
        while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1) {
            ++j;
        }
        if (!text.empty()) {
            text += "、";
        }
        text += "#" + std::to_string(numbers[i]);
        if (j > i) {
            text += "–#" + std::to_string(numbers[j]);
        }
        i = j + 1;
    }
    return text;
}

std::string format_instruction(const Instruction& instruction, bool with_distance) {
    if (instruction.manoeuvre == Manoeuvre::arrive) {
        return "到着（除雪基地）";
    }
    if (instruction.manoeuvre == Manoeuvre::site_visit) {
        std::string text = manoeuvre_text(Manoeuvre::site_visit);
        if (!instruction.site_name.empty()) {
            text += "（" + instruction.site_name + "）";
        }
        return text;
    }
    std::string text = manoeuvre_text(instruction.manoeuvre);
    text += " ";
    text += instruction.street.empty() ? "名称なし道路" : instruction.street;
    if (instruction.activity == InstructionActivity::service) {
        text += " 除雪";
        const auto [low, high] =
            std::minmax_element(instruction.passes.begin(), instruction.passes.end());
        if (low != instruction.passes.end() && *high >= 2) {
            text += " ";
            if (*low != *high) {
                text += std::to_string(std::max(*low, 1)) + "–";
            }
            text += std::to_string(*high) + "回目";
        }
        if (!instruction.service_numbers.empty()) {
            text += " " + format_service_numbers(instruction.service_numbers);
        }
    } else {
        text += " 回送";
    }
    if (with_distance) {
        text += " " + format_distance(instruction.distance_m);
    }
    return text;
}

std::string format_jst_time(std::int64_t unix_ms) {
    const auto t = jst(unix_ms);
    const std::chrono::hh_mm_ss time{
        std::chrono::floor<std::chrono::minutes>(t - std::chrono::floor<std::chrono::days>(t))};
    char text[8];
    std::snprintf(text, sizeof text, "%02d:%02d", static_cast<int>(time.hours().count()),
                  static_cast<int>(time.minutes().count()));
    return text;
}

std::string format_jst_date_time(std::int64_t unix_ms) {
    const auto t = jst(unix_ms);
    const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(t)};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u ", static_cast<int>(day.year()),
                  static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
    return text + format_jst_time(unix_ms);
}

// ---- inputs from the project -------------------------------------------------------------------

DriverSheetInputs load_driver_sheet_inputs(data::Project& project, const StoredPlan& plan) {
    DriverSheetInputs inputs;
    inputs.network = project.load_road_network();
    data::Database& db = project.database();
    {
        data::Statement district(db, "SELECT name FROM districts WHERE id = ?");
        district.bind(1, plan.district_id);
        if (district.step()) {
            inputs.district = district.column_text(0);
        }
    }
    // A stored plan's site steps hold the dump site's id.
    data::Statement sites(db, "SELECT id, name FROM dump_sites");
    while (sites.step()) {
        inputs.site_names.emplace(static_cast<std::size_t>(sites.column_int64(0)),
                                  sites.column_text(1));
    }
    return inputs;
}

std::vector<const StoredPlan::Route*>
select_routes(const StoredPlan& plan, const std::optional<std::string>& vehicle_code) {
    std::vector<const StoredPlan::Route*> routes;
    for (const StoredPlan::Route& route : plan.routes) {
        if (!vehicle_code || route.vehicle_code == *vehicle_code) {
            routes.push_back(&route);
        }
    }
    if (vehicle_code && routes.empty()) {
        std::string known;
        for (const StoredPlan::Route& route : plan.routes) {
            known += (known.empty() ? "" : ", ") + route.vehicle_code;
        }
        throw Error("plan " + std::to_string(plan.id) + " has no vehicle " + *vehicle_code +
                    (known.empty() ? "" : " (its vehicles: " + known + ")"));
    }
    return routes;
}

// ---- PDF ---------------------------------------------------------------------------------------

namespace {

// fontconfig falls back to any installed font with the glyphs when this family is missing.
constexpr const char* font_family = "Noto Sans CJK JP, Noto Sans CJK, sans-serif";

// A4 portrait in points.
constexpr double page_w = 595.276;
constexpr double page_h = 841.89;
constexpr double margin = 36.0;
constexpr double map_top = 112.0;
constexpr double map_h = 350.0;
constexpr double list_font_pt = 9.5;
constexpr double list_row_gap_pt = 3.0;
constexpr double continuation_list_top = 96.0;
constexpr double service_width_pt = 3.0;
constexpr double service_offset_pt = 1.9;

constexpr gis::Rgb text_colour{0x1A, 0x1A, 0x1A};
constexpr gis::Rgb network_colour{0xC9, 0xCE, 0xD6};
constexpr gis::Rgb deadhead_colour{0x4A, 0x4A, 0x4A};
constexpr gis::Rgb rule_colour{0x9A, 0xA0, 0xA8};

struct SurfaceDeleter {
    void operator()(cairo_surface_t* s) const noexcept { cairo_surface_destroy(s); }
};
struct CairoDeleter {
    void operator()(cairo_t* c) const noexcept { cairo_destroy(c); }
};
struct GObjectDeleter {
    void operator()(void* o) const noexcept { g_object_unref(o); }
};
struct FontDeleter {
    void operator()(PangoFontDescription* d) const noexcept { pango_font_description_free(d); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using CairoPtr = std::unique_ptr<cairo_t, CairoDeleter>;
using FontMapPtr = std::unique_ptr<PangoFontMap, GObjectDeleter>;
using ContextPtr = std::unique_ptr<PangoContext, GObjectDeleter>;
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectDeleter>;
using FontPtr = std::unique_ptr<PangoFontDescription, FontDeleter>;

void set_colour(cairo_t* cr, gis::Rgb c, double alpha = 1.0) {
    cairo_set_source_rgba(cr, c.red / 255.0, c.green / 255.0, c.blue / 255.0, alpha);
}

enum class Align { left, right, centre };

// The line moved `distance` to the left of its direction on the page (y down), each vertex along
// the mean of the normals of its two edges.
gis::Polyline offset_left(const gis::Polyline& page, double distance) {
    if (distance == 0.0 || page.size() < 2) {
        return page;
    }
    const auto normal = [&](std::size_t i) { // of the edge from i to i + 1
        const double dx = page[i + 1].x - page[i].x;
        const double dy = page[i + 1].y - page[i].y;
        const double len = std::hypot(dx, dy);
        return len > 0.0 ? XY{dy / len, -dx / len} : XY{0.0, 0.0};
    };
    gis::Polyline out;
    out.reserve(page.size());
    for (std::size_t i = 0; i < page.size(); ++i) {
        const XY before = i > 0 ? normal(i - 1) : normal(i);
        const XY after = i + 1 < page.size() ? normal(i) : normal(i - 1);
        XY n{before.x + after.x, before.y + after.y};
        const double len = std::hypot(n.x, n.y);
        if (len > 1e-9) {
            n = XY{n.x / len, n.y / len};
        }
        out.push_back(XY{page[i].x + n.x * distance, page[i].y + n.y * distance});
    }
    return out;
}

// Text with pango on a font map of its own (pango's default map belongs to one thread).
class Typesetter {
public:
    explicit Typesetter(cairo_t* cr)
        : m_cr(cr), m_font_map(pango_cairo_font_map_new()),
          m_context(pango_font_map_create_context(m_font_map.get())) {
        cairo_font_options_t* options = cairo_font_options_create();
        // Unhinted metrics: widths measured here are the widths printed.
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
        pango_cairo_context_set_font_options(m_context.get(), options);
        cairo_font_options_destroy(options);
        pango_context_set_language(m_context.get(), pango_language_from_string("ja"));
    }

    // A laid-out text, wrapped at `width_pt` when that is positive.
    [[nodiscard]] LayoutPtr layout(const std::string& text, double size_pt, bool bold = false,
                                   double width_pt = 0.0) const {
        FontPtr font(pango_font_description_from_string(font_family));
        pango_font_description_set_absolute_size(font.get(), size_pt * PANGO_SCALE);
        if (bold) {
            pango_font_description_set_weight(font.get(), PANGO_WEIGHT_BOLD);
        }
        pango_cairo_update_context(m_cr, m_context.get());
        LayoutPtr layout(pango_layout_new(m_context.get()));
        pango_layout_set_font_description(layout.get(), font.get());
        if (width_pt > 0.0) {
            pango_layout_set_width(layout.get(), static_cast<int>(width_pt * PANGO_SCALE));
            pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
        }
        pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
        return layout;
    }

    static std::pair<double, double> size(PangoLayout* layout) {
        PangoRectangle logical;
        pango_layout_get_extents(layout, nullptr, &logical);
        return {static_cast<double>(logical.width) / PANGO_SCALE,
                static_cast<double>(logical.height) / PANGO_SCALE};
    }

    // Draws with the top of the text at `y`; returns the height.
    double show(PangoLayout* layout, double x, double y, Align align = Align::left,
                gis::Rgb colour = text_colour) const {
        const auto [w, h] = size(layout);
        const double left = align == Align::left ? x : align == Align::right ? x - w : x - w / 2;
        cairo_move_to(m_cr, left, y);
        set_colour(m_cr, colour);
        pango_cairo_show_layout(m_cr, layout);
        return h;
    }

    double text(const std::string& text, double size_pt, double x, double y, bool bold = false,
                Align align = Align::left, gis::Rgb colour = text_colour) const {
        if (text.empty()) {
            return 0.0;
        }
        const LayoutPtr l = layout(text, size_pt, bold);
        return show(l.get(), x, y, align, colour);
    }

private:
    cairo_t* m_cr;
    FontMapPtr m_font_map;
    ContextPtr m_context;
};

struct ListRow {
    std::string number;
    std::string text;
    std::string distance;
    std::string time;
    double height_pt = 0.0;
};

constexpr double column_number_w = 26.0;
constexpr double column_distance_w = 56.0;
constexpr double column_time_w = 42.0;
constexpr double list_w = page_w - 2 * margin;
constexpr double column_text_w = list_w - column_number_w - column_distance_w - column_time_w;

class SheetWriter {
public:
    SheetWriter(cairo_t* cr, const StoredPlan& plan, const DriverSheetInputs& inputs)
        : m_cr(cr), m_type(cr), m_plan(plan), m_inputs(inputs) {}

    void write_route(const StoredPlan::Route& route) {
        const std::vector<Instruction> list =
            turn_by_turn(route, m_inputs.network, m_inputs.site_names);
        std::vector<ListRow> rows;
        rows.reserve(list.size());
        for (std::size_t i = 0; i < list.size(); ++i) {
            const Instruction& ins = list[i];
            ListRow row;
            row.number = std::to_string(i + 1);
            row.text = format_instruction(ins, false);
            const bool driving = ins.activity != InstructionActivity::none;
            row.distance = driving ? format_distance(ins.distance_m) : "";
            row.time = format_jst_time(plan_time_ms(m_plan, ins.start_s));
            const LayoutPtr l = m_type.layout(row.text, list_font_pt, false, column_text_w - 6);
            row.height_pt = Typesetter::size(l.get()).second + list_row_gap_pt;
            rows.push_back(std::move(row));
        }

        // Pages: the first holds the map; the list goes on over as many pages as it needs.
        std::vector<std::pair<std::size_t, std::size_t>> pages; // [first, last) rows
        const double list_bottom = page_h - margin - 14.0;
        const double first_list_top = map_top + map_h + 40.0;
        std::size_t first = 0;
        double top = first_list_top;
        do {
            double y = top + 18.0; // the column titles
            std::size_t last = first;
            while (last < rows.size() &&
                   (y + rows[last].height_pt <= list_bottom || last == first)) {
                y += rows[last].height_pt;
                ++last;
            }
            pages.emplace_back(first, last);
            first = last;
            top = continuation_list_top;
        } while (first < rows.size());

        for (std::size_t p = 0; p < pages.size(); ++p) {
            draw_header(route, p, pages.size());
            if (p == 0) {
                draw_map(route);
                if (rows.empty()) {
                    m_type.text("この車両の作業はありません。", 11.0, margin, first_list_top);
                }
            }
            if (!rows.empty()) {
                draw_list(rows, pages[p].first, pages[p].second,
                          p == 0 ? first_list_top : continuation_list_top);
            }
            cairo_show_page(m_cr);
        }
    }

private:
    void draw_header(const StoredPlan::Route& route, std::size_t page, std::size_t pages) {
        double y = margin;
        std::string title = "除雪ルート表　" + route.vehicle_code;
        if (page > 0) {
            title += "（続き）";
        }
        y += m_type.text(title, 16.0, margin, y, true);
        m_type.text(std::to_string(page + 1) + " / " + std::to_string(pages), 9.0, page_w - margin,
                    margin + 4.0, false, Align::right);
        std::string line = "計画: " + m_plan.name + "（#" + std::to_string(m_plan.id) + "）";
        line +=
            "　工区: " + (m_inputs.district.empty() ? m_plan.request.district : m_inputs.district);
        y += m_type.text(line, 10.0, margin, y + 2.0) + 2.0;
        if (page == 0) {
            const VehiclePlanSummary& s = route.summary;
            char km[96];
            std::snprintf(km, sizeof km, "除雪 %.1f km　回送 %.1f km", s.service_m / 1000.0,
                          s.deadhead_m / 1000.0);
            line = "出発 " + format_jst_date_time(m_plan.start_ms) + "　帰着 " +
                   format_jst_date_time(plan_time_ms(m_plan, s.end_s)) + "　" + km;
            m_type.text(line, 10.0, margin, y + 2.0);
        }
        cairo_set_line_width(m_cr, 0.8);
        set_colour(m_cr, rule_colour);
        const double rule_y = page == 0 ? map_top - 8.0 : continuation_list_top - 8.0;
        cairo_move_to(m_cr, margin, rule_y);
        cairo_line_to(m_cr, page_w - margin, rule_y);
        cairo_stroke(m_cr);
    }

    void draw_list(const std::vector<ListRow>& rows, std::size_t first, std::size_t last,
                   double top) {
        const double x_number = margin;
        const double x_text = margin + column_number_w;
        const double x_distance_right = x_text + column_text_w + column_distance_w - 6.0;
        const double x_time_right = margin + list_w;
        m_type.text("No.", 8.5, x_number, top, true);
        m_type.text("指示", 8.5, x_text, top, true);
        m_type.text("距離", 8.5, x_distance_right, top, true, Align::right);
        m_type.text("時刻", 8.5, x_time_right, top, true, Align::right);
        double y = top + 15.0;
        cairo_set_line_width(m_cr, 0.5);
        set_colour(m_cr, rule_colour);
        cairo_move_to(m_cr, margin, y - 1.5);
        cairo_line_to(m_cr, margin + list_w, y - 1.5);
        cairo_stroke(m_cr);
        for (std::size_t i = first; i < last; ++i) {
            const ListRow& row = rows[i];
            if ((i % 2) == 1) {
                // Banded rows let the eye follow a line to its time across the page.
                set_colour(m_cr, gis::Rgb{0xF0, 0xF2, 0xF5});
                cairo_rectangle(m_cr, margin, y, list_w, row.height_pt);
                cairo_fill(m_cr);
            }
            const double ty = y + list_row_gap_pt / 2;
            m_type.text(row.number, list_font_pt, x_number + column_number_w - 6.0, ty, false,
                        Align::right);
            const LayoutPtr text = m_type.layout(row.text, list_font_pt, false, column_text_w - 6);
            m_type.show(text.get(), x_text, ty);
            m_type.text(row.distance, list_font_pt, x_distance_right, ty, false, Align::right);
            m_type.text(row.time, list_font_pt, x_time_right, ty, false, Align::right);
            y += row.height_pt;
        }
    }

    // The route's steps as driven lines on the page.
    struct DrawnStep {
        const PlanStep* step;
        gis::Polyline page; ///< points
    };

    void trace(const gis::Polyline& page) {
        cairo_new_path(m_cr);
        for (std::size_t i = 0; i < page.size(); ++i) {
            if (i == 0) {
                cairo_move_to(m_cr, page[i].x, page[i].y);
            } else {
                cairo_line_to(m_cr, page[i].x, page[i].y);
            }
        }
    }

    void draw_map(const StoredPlan::Route& route) {
        const double x0 = margin;
        const double y0 = map_top;
        const double w = page_w - 2 * margin;
        const SegmentIndex segments(m_inputs.network);
        std::vector<std::pair<const PlanStep*, gis::Polyline>> driven;
        gis::Box extent = gis::Box::empty();
        for (const PlanStep& step : route.steps) {
            if (!drives(step)) {
                continue;
            }
            gis::Polyline points = driven_points(segments.at(step.segment_id), step.forward);
            for (const XY& p : points) {
                extent.extend(p);
            }
            driven.emplace_back(&step, std::move(points));
        }
        const gis::MapView view =
            gis::MapView::fit(extent, static_cast<int>(w), static_cast<int>(map_h), 0.06);
        const auto to_page = [&](const gis::Polyline& points) {
            gis::Polyline page;
            page.reserve(points.size());
            for (const XY& p : points) {
                const XY px = view.to_pixel(p);
                page.push_back(XY{x0 + px.x, y0 + px.y});
            }
            return page;
        };
        std::vector<DrawnStep> drawn;
        drawn.reserve(driven.size());
        for (const auto& [step, points] : driven) {
            // Services are drawn on the left of their direction (traffic keeps left in Japan),
            // so that the two directions of a street, and their arrows, stay apart.
            const double offset = step->kind == PlanStep::Kind::service ? service_offset_pt : 0.0;
            drawn.push_back({step, offset_left(to_page(points), offset)});
        }

        cairo_save(m_cr);
        cairo_rectangle(m_cr, x0, y0, w, map_h);
        set_colour(m_cr, gis::Rgb{0xFF, 0xFF, 0xFF});
        cairo_fill_preserve(m_cr);
        cairo_clip(m_cr);
        cairo_set_line_cap(m_cr, CAIRO_LINE_CAP_ROUND);
        cairo_set_line_join(m_cr, CAIRO_LINE_JOIN_ROUND);

        // The road network, lightly, so the route reads against the streets around it.
        const gis::Box shown = view.extent();
        set_colour(m_cr, network_colour);
        cairo_set_line_width(m_cr, 0.7);
        for (const gis::RoadSegment& s : m_inputs.network.segments) {
            gis::Box b = gis::Box::empty();
            for (const XY& p : s.points) {
                b.extend(p);
            }
            if (b.is_empty() || b.max_x < shown.min_x || b.min_x > shown.max_x ||
                b.max_y < shown.min_y || b.min_y > shown.max_y) {
                continue;
            }
            trace(to_page(s.points));
            cairo_stroke(m_cr);
        }

        // Deadhead first, so that services stay on top where both use a street.
        const double dashes[] = {3.0, 2.5};
        cairo_set_dash(m_cr, dashes, 2, 0.0);
        cairo_set_line_width(m_cr, 1.0);
        set_colour(m_cr, deadhead_colour);
        for (const DrawnStep& d : drawn) {
            if (d.step->kind == PlanStep::Kind::deadhead) {
                trace(d.page);
                cairo_stroke(m_cr);
            }
        }
        cairo_set_dash(m_cr, nullptr, 0, 0.0);
        cairo_set_line_width(m_cr, service_width_pt);
        cairo_set_line_cap(m_cr, CAIRO_LINE_CAP_BUTT);
        for (const DrawnStep& d : drawn) {
            if (d.step->kind == PlanStep::Kind::service) {
                set_colour(m_cr, gis::priority_colour(d.step->priority));
                trace(d.page);
                cairo_stroke(m_cr);
            }
        }
        for (const DrawnStep& d : drawn) {
            if (d.step->kind == PlanStep::Kind::service) {
                draw_arrow(d.page);
            }
        }

        // Service numbers at the start of each service; a label that would overlap one already
        // placed is left out (the list carries every number).
        constexpr double radius = 6.5;
        std::vector<XY> placed;
        for (const DrawnStep& d : drawn) {
            if (d.step->kind != PlanStep::Kind::service || d.step->number <= 0 || d.page.empty()) {
                continue;
            }
            const XY c = d.page.front();
            const bool crowded = std::any_of(placed.begin(), placed.end(), [&](XY p) {
                return std::hypot(p.x - c.x, p.y - c.y) < 2 * radius + 1.0;
            });
            if (crowded) {
                continue;
            }
            placed.push_back(c);
            cairo_new_path(m_cr);
            cairo_arc(m_cr, c.x, c.y, radius, 0.0, 2 * std::numbers::pi);
            set_colour(m_cr, gis::Rgb{0xFF, 0xFF, 0xFF});
            cairo_fill_preserve(m_cr);
            cairo_set_line_width(m_cr, 1.0);
            set_colour(m_cr, gis::priority_colour(d.step->priority));
            cairo_stroke(m_cr);
            const std::string number = std::to_string(d.step->number);
            const LayoutPtr l = m_type.layout(number, number.size() > 2 ? 5.0 : 6.5, true);
            const auto [tw, th] = Typesetter::size(l.get());
            m_type.show(l.get(), c.x - tw / 2, c.y - th / 2);
        }

        // The depot: where the route starts.
        if (!driven.empty() && !driven.front().second.empty()) {
            const XY depot = to_page({driven.front().second.front()}).front();
            cairo_new_path(m_cr);
            cairo_rectangle(m_cr, depot.x - 6.0, depot.y - 6.0, 12.0, 12.0);
            set_colour(m_cr, text_colour);
            cairo_fill(m_cr);
            m_type.text("基", 8.0, depot.x, depot.y - 5.5, true, Align::centre,
                        gis::Rgb{0xFF, 0xFF, 0xFF});
            m_type.text("除雪基地", 8.0, depot.x + 8.0, depot.y - 14.0, true);
        }

        cairo_restore(m_cr);
        // Frame, north arrow (grid north is up), scale bar and legend.
        cairo_set_line_width(m_cr, 0.8);
        set_colour(m_cr, rule_colour);
        cairo_rectangle(m_cr, x0, y0, w, map_h);
        cairo_stroke(m_cr);
        m_type.text("北↑", 9.0, x0 + w - 6.0, y0 + 4.0, true, Align::right);
        draw_scale_bar(view, x0 + 8.0, y0 + map_h - 10.0);
        draw_legend(y0 + map_h + 6.0);
    }

    void draw_arrow(const gis::Polyline& page) {
        // The arrow sits halfway along the line, pointing the way the plow drives.
        double total = 0.0;
        for (std::size_t i = 1; i < page.size(); ++i) {
            total += std::hypot(page[i].x - page[i - 1].x, page[i].y - page[i - 1].y);
        }
        if (total < 16.0) {
            return;
        }
        double along = total / 2;
        for (std::size_t i = 1; i < page.size(); ++i) {
            const double len = std::hypot(page[i].x - page[i - 1].x, page[i].y - page[i - 1].y);
            if (len <= 0.0) {
                continue;
            }
            if (along <= len) {
                const double ux = (page[i].x - page[i - 1].x) / len;
                const double uy = (page[i].y - page[i - 1].y) / len;
                const double a = std::min(along + 3.5, len);
                const XY tip{page[i - 1].x + ux * a, page[i - 1].y + uy * a};
                const XY base{tip.x - ux * 7.0, tip.y - uy * 7.0};
                cairo_new_path(m_cr);
                cairo_move_to(m_cr, tip.x, tip.y);
                cairo_line_to(m_cr, base.x - uy * 3.5, base.y + ux * 3.5);
                cairo_line_to(m_cr, base.x + uy * 3.5, base.y - ux * 3.5);
                cairo_close_path(m_cr);
                set_colour(m_cr, text_colour);
                cairo_fill(m_cr);
                return;
            }
            along -= len;
        }
    }

    void draw_scale_bar(const gis::MapView& view, double x, double y) {
        // A round length near a fifth of the map's width.
        const double target_m = view.metres_per_pixel() * (page_w - 2 * margin) / 5;
        double step = std::pow(10.0, std::floor(std::log10(std::max(target_m, 1.0))));
        for (const double f : {5.0, 2.0, 1.0}) {
            if (step * f <= target_m) {
                step *= f;
                break;
            }
        }
        const double len_pt = step / view.metres_per_pixel();
        cairo_set_line_width(m_cr, 1.5);
        set_colour(m_cr, text_colour);
        cairo_move_to(m_cr, x, y - 4.0);
        cairo_line_to(m_cr, x, y);
        cairo_line_to(m_cr, x + len_pt, y);
        cairo_line_to(m_cr, x + len_pt, y - 4.0);
        cairo_stroke(m_cr);
        m_type.text(format_distance(step), 7.5, x + len_pt + 6.0, y - 8.0);
    }

    void draw_legend(double y) {
        double x = margin;
        const auto sample = [&](gis::Rgb colour, double width, bool dashed) {
            const double dashes[] = {3.0, 2.5};
            cairo_set_dash(m_cr, dashed ? dashes : nullptr, dashed ? 2 : 0, 0.0);
            cairo_set_line_width(m_cr, width);
            set_colour(m_cr, colour);
            cairo_move_to(m_cr, x, y + 6.0);
            cairo_line_to(m_cr, x + 18.0, y + 6.0);
            cairo_stroke(m_cr);
            cairo_set_dash(m_cr, nullptr, 0, 0.0);
            x += 22.0;
        };
        const auto label = [&](const std::string& text) {
            const LayoutPtr l = m_type.layout(text, 8.0);
            m_type.show(l.get(), x, y);
            x += Typesetter::size(l.get()).first + 12.0;
        };
        const std::array<std::pair<gis::PriorityClass, const char*>, 3> classes{
            {{gis::PriorityClass::first, "除雪 第1種"},
             {gis::PriorityClass::second, "第2種"},
             {gis::PriorityClass::third, "第3種"}}};
        for (const auto& [priority, text] : classes) {
            sample(gis::priority_colour(priority), 3.2, false);
            label(text);
        }
        sample(deadhead_colour, 1.0, true);
        label("回送");
        label("① 除雪の順番　■ 除雪基地");
    }

    cairo_t* m_cr;
    Typesetter m_type;
    const StoredPlan& m_plan;
    const DriverSheetInputs& m_inputs;
};

} // namespace

void write_driver_sheets(const StoredPlan& plan, const DriverSheetInputs& inputs,
                         const std::filesystem::path& pdf_path,
                         const std::optional<std::string>& vehicle_code) {
    const std::vector<const StoredPlan::Route*> routes = select_routes(plan, vehicle_code);
    const std::filesystem::path partial = partial_path(pdf_path);
    SurfacePtr surface(cairo_pdf_surface_create(partial.c_str(), page_w, page_h));
    if (const cairo_status_t status = cairo_surface_status(surface.get());
        status != CAIRO_STATUS_SUCCESS) {
        remove_quietly(partial);
        throw Error(pdf_path.string() + ": cannot write PDF: " + cairo_status_to_string(status));
    }
    try {
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                       ("除雪ルート表 " + plan.name).c_str());
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Yukimichi");
        {
            CairoPtr cr(cairo_create(surface.get()));
            SheetWriter writer(cr.get(), plan, inputs);
            for (const StoredPlan::Route* route : routes) {
                writer.write_route(*route);
            }
            if (const cairo_status_t status = cairo_status(cr.get());
                status != CAIRO_STATUS_SUCCESS) {
                throw Error(pdf_path.string() +
                            ": cannot draw the sheets: " + cairo_status_to_string(status));
            }
        }
        cairo_surface_finish(surface.get());
        if (const cairo_status_t status = cairo_surface_status(surface.get());
            status != CAIRO_STATUS_SUCCESS) {
            throw Error(pdf_path.string() +
                        ": cannot write PDF: " + cairo_status_to_string(status));
        }
    } catch (...) {
        surface.reset();
        remove_quietly(partial);
        throw;
    }
    surface.reset();
    rename_over(partial, pdf_path);
}

// ---- GPX ---------------------------------------------------------------------------------------

void write_route_gpx(const StoredPlan::Route& route, const gis::RoadNetwork& network, gis::Epsg crs,
                     const std::filesystem::path& path, const SiteNames& site_names) {
    const std::vector<Instruction> list = turn_by_turn(route, network, site_names);
    const SegmentIndex segments(network);
    gis::Polyline track;
    for (const PlanStep& step : route.steps) {
        if (!drives(step)) {
            continue;
        }
        for (const XY& p : driven_points(segments.at(step.segment_id), step.forward)) {
            if (track.empty() || track.back() != p) {
                track.push_back(p);
            }
        }
    }
    std::vector<XY> starts;
    starts.reserve(list.size());
    for (const Instruction& ins : list) {
        starts.push_back(ins.position);
    }
    const gis::CoordinateTransform to_wgs84(crs, gis::wgs84);
    to_wgs84.forward(track);
    to_wgs84.forward(starts);

    std::ostringstream out;
    out.imbue(std::locale::classic());
    const auto point = [&](const char* tag, XY lonlat) {
        char text[96];
        std::snprintf(text, sizeof text, "<%s lat=\"%.7f\" lon=\"%.7f\"", tag, lonlat.y, lonlat.x);
        out << text;
    };
    const std::string code = xml_escaped(route.vehicle_code);
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<gpx version=\"1.1\" creator=\"Yukimichi\" xmlns=\"http://www.topografix.com/GPX/1/1\""
        << " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
        << " xsi:schemaLocation=\"http://www.topografix.com/GPX/1/1 "
           "http://www.topografix.com/GPX/1/1/gpx.xsd\">\n"
        << "  <metadata><name>" << code << "</name></metadata>\n"
        << "  <rte>\n    <name>" << code << "</name>\n";
    for (std::size_t i = 0; i < list.size(); ++i) {
        out << "    ";
        point("rtept", starts[i]);
        out << "><name>" << xml_escaped(format_instruction(list[i], false)) << "</name>";
        if (list[i].activity != InstructionActivity::none) {
            out << "<desc>" << xml_escaped(format_distance(list[i].distance_m)) << "</desc>";
        }
        out << "</rtept>\n";
    }
    out << "  </rte>\n  <trk>\n    <name>" << code << "</name>\n    <trkseg>\n";
    for (const XY& p : track) {
        out << "      ";
        point("trkpt", p);
        out << "/>\n";
    }
    out << "    </trkseg>\n  </trk>\n</gpx>\n";

    const std::filesystem::path partial = partial_path(path);
    {
        std::ofstream file(partial, std::ios::binary | std::ios::trunc);
        if (file) {
            file << out.str();
            file.close();
        }
        if (!file) {
            remove_quietly(partial);
            throw Error(path.string() + ": cannot write GPX");
        }
    }
    rename_over(partial, path);
}

} // namespace ykm::dispatch

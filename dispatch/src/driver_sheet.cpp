#include "ykm/dispatch/driver_sheet.hpp"

#include "ykm/dispatch/position_input.hpp"

#include "ykm/data/database.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gis/map_renderer.hpp"
#include "ykm/gis/map_view.hpp"

#include "pdf_page.hpp"

#include <cairo-pdf.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
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

using pdf::Align;
using pdf::LayoutPtr;
using pdf::margin;
using pdf::page_h;
using pdf::page_w;
using pdf::set_colour;
using pdf::text_colour;
using pdf::Typesetter;

constexpr double map_top = 112.0;
constexpr double map_h = 350.0;
constexpr double list_font_pt = 9.5;
constexpr double list_row_gap_pt = 3.0;
constexpr double continuation_list_top = 96.0;
constexpr double service_width_pt = 3.0;
constexpr double service_offset_pt = 1.9;

constexpr gis::Rgb network_colour{0xC9, 0xCE, 0xD6};
constexpr gis::Rgb deadhead_colour{0x4A, 0x4A, 0x4A};

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
        const double rule_y = page == 0 ? map_top - 8.0 : continuation_list_top - 8.0;
        pdf::line(m_cr, margin, rule_y, page_w - margin, rule_y, 0.8);
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
        pdf::line(m_cr, margin, y - 1.5, margin + list_w, y - 1.5, 0.5);
        for (std::size_t i = first; i < last; ++i) {
            const ListRow& row = rows[i];
            if ((i % 2) == 1) {
                // Banded rows let the eye follow a line to its time across the page.
                set_colour(m_cr, pdf::band_colour);
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

    void draw_map(const StoredPlan::Route& route) {
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
        pdf::MapPanel map(m_cr, extent, margin, map_top, page_w - 2 * margin, map_h);
        std::vector<DrawnStep> drawn;
        drawn.reserve(driven.size());
        for (const auto& [step, points] : driven) {
            // Services are drawn on the left of their direction (traffic keeps left in Japan),
            // so that the two directions of a street, and their arrows, stay apart.
            const double offset = step->kind == PlanStep::Kind::service ? service_offset_pt : 0.0;
            drawn.push_back({step, offset_left(map.to_page(points), offset)});
        }

        map.open();
        // The road network, lightly, so the route reads against the streets around it.
        map.draw_streets(m_inputs.network, network_colour, 0.7);

        // Deadhead first, so that services stay on top where both use a street.
        cairo_set_dash(m_cr, pdf::dash_pattern, 2, 0.0);
        cairo_set_line_width(m_cr, 1.0);
        set_colour(m_cr, deadhead_colour);
        for (const DrawnStep& d : drawn) {
            if (d.step->kind == PlanStep::Kind::deadhead) {
                pdf::trace(m_cr, d.page);
                cairo_stroke(m_cr);
            }
        }
        cairo_set_dash(m_cr, nullptr, 0, 0.0);
        cairo_set_line_width(m_cr, service_width_pt);
        cairo_set_line_cap(m_cr, CAIRO_LINE_CAP_BUTT);
        for (const DrawnStep& d : drawn) {
            if (d.step->kind == PlanStep::Kind::service) {
                set_colour(m_cr, gis::priority_colour(d.step->priority));
                pdf::trace(m_cr, d.page);
                cairo_stroke(m_cr);
            }
        }
        for (const DrawnStep& d : drawn) {
            if (d.step->kind == PlanStep::Kind::service) {
                pdf::draw_arrow(m_cr, d.page, 16.0);
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
            set_colour(m_cr, pdf::white);
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
            const XY depot = map.to_page({driven.front().second.front()}).front();
            cairo_new_path(m_cr);
            cairo_rectangle(m_cr, depot.x - 6.0, depot.y - 6.0, 12.0, 12.0);
            set_colour(m_cr, text_colour);
            cairo_fill(m_cr);
            m_type.text("基", 8.0, depot.x, depot.y - 5.5, true, Align::centre, pdf::white);
            m_type.text("除雪基地", 8.0, depot.x + 8.0, depot.y - 14.0, true);
        }

        map.close(m_type);
        draw_legend(map_top + map_h + 6.0);
    }

    void draw_legend(double y) {
        pdf::LegendRow legend(m_cr, m_type, margin, y);
        const std::array<std::pair<gis::PriorityClass, const char*>, 3> classes{
            {{gis::PriorityClass::first, "除雪 第1種"},
             {gis::PriorityClass::second, "第2種"},
             {gis::PriorityClass::third, "第3種"}}};
        for (const auto& [priority, text] : classes) {
            legend.sample(gis::priority_colour(priority), 3.2);
            legend.label(text);
        }
        legend.sample(deadhead_colour, 1.0, true);
        legend.label("回送");
        legend.label("① 除雪の順番　■ 除雪基地");
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
    const std::filesystem::path partial = pdf::partial_path(pdf_path);
    pdf::SurfacePtr surface(cairo_pdf_surface_create(partial.c_str(), page_w, page_h));
    if (const cairo_status_t status = cairo_surface_status(surface.get());
        status != CAIRO_STATUS_SUCCESS) {
        pdf::remove_quietly(partial);
        throw Error(pdf_path.string() + ": cannot write PDF: " + cairo_status_to_string(status));
    }
    try {
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                       ("除雪ルート表 " + plan.name).c_str());
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Yukimichi");
        {
            pdf::CairoPtr cr(cairo_create(surface.get()));
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
        pdf::remove_quietly(partial);
        throw;
    }
    surface.reset();
    pdf::rename_over(partial, pdf_path);
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

    pdf::write_file(path, out.str(), "GPX");
}

} // namespace ykm::dispatch

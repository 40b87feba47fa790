#include "ykm/dispatch/daily_report.hpp"

#include "ykm/dispatch/coverage.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/gis/error.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <numeric>
#include <set>
#include <unordered_map>
#include <utility>

namespace ykm::dispatch {
namespace {

constexpr std::int64_t day_ms = 24 * 3'600'000;
constexpr std::int64_t jst_offset_ms = 9 * 3'600'000;

bool is_digits(std::string_view text) {
    return std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view digits) {
    int value = 0;
    for (const char c : digits) {
        value = value * 10 + (c - '0');
    }
    return value;
}

struct Segment {
    std::optional<int> priority;
    std::string name;
    double length_m = 0.0;
};

// Splits one vehicle's fixes (ordered by time) into shifts at silences longer than the break.
std::vector<std::pair<std::size_t, std::size_t>> shifts_of(const std::vector<data::Fix>& fixes,
                                                           std::int64_t shift_break_ms) {
    std::vector<std::pair<std::size_t, std::size_t>> shifts; // [first, last)
    std::size_t first = 0;
    for (std::size_t i = 1; i <= fixes.size(); ++i) {
        if (i == fixes.size() || fixes[i].time_ms - fixes[i - 1].time_ms > shift_break_ms) {
            if (i > first) {
                shifts.emplace_back(first, i);
            }
            first = i;
        }
    }
    return shifts;
}

void add_track(DailyReport& report, const std::vector<data::Fix>& fixes, std::size_t first,
               std::size_t last, std::int64_t gap_threshold_ms) {
    // The last fix not flagged speed_jump, and whether a gap lies between it and the current fix.
    std::optional<std::size_t> good;
    bool gap_since_good = false;
    for (std::size_t i = first; i < last; ++i) {
        const data::Fix& fix = fixes[i];
        if (i > first) {
            const data::Fix& before = fixes[i - 1];
            const std::int64_t interval = fix.time_ms - before.time_ms;
            if (interval > gap_threshold_ms) {
                report.gaps.push_back(GpsGap{before.time_ms, fix.time_ms});
                gap_since_good = true;
            } else {
                report.time_ms[static_cast<std::size_t>(before.work)] += interval;
            }
        }
        if ((fix.flags & data::fix_flags::speed_jump) != 0) {
            continue;
        }
        if (good && !gap_since_good) {
            const data::WorkType work = fixes[i - 1].work;
            report.distance_m[static_cast<std::size_t>(work)] +=
                great_circle_m(fixes[*good].position, fix.position);
        }
        good = i;
        gap_since_good = false;
    }
}

} // namespace

std::int64_t DailyReport::operating_ms() const {
    return std::accumulate(time_ms.begin(), time_ms.end(), std::int64_t{0});
}

std::int64_t DailyReport::gap_ms() const {
    std::int64_t total = 0;
    for (const GpsGap& g : gaps) {
        total += g.duration_ms();
    }
    return total;
}

double DailyReport::total_distance_m() const {
    return std::accumulate(distance_m.begin(), distance_m.end(), 0.0);
}

double great_circle_m(const gis::LonLat& a, const gis::LonLat& b) {
    constexpr double radius_m = 6'371'008.8;
    constexpr double rad = std::numbers::pi / 180.0;
    const double dlat = (b.lat_deg - a.lat_deg) * rad;
    const double dlon = (b.lon_deg - a.lon_deg) * rad;
    const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                     std::cos(a.lat_deg * rad) * std::cos(b.lat_deg * rad) * std::sin(dlon / 2) *
                         std::sin(dlon / 2);
    return 2.0 * radius_m * std::asin(std::min(1.0, std::sqrt(h)));
}

std::int64_t jst_day_start_ms(std::string_view date_jst) {
    const auto bad = [&] {
        return Error("date '" + std::string(date_jst) + "' is not a date YYYY-MM-DD");
    };
    if (date_jst.size() != 10 || date_jst[4] != '-' || date_jst[7] != '-' ||
        !is_digits(date_jst.substr(0, 4)) || !is_digits(date_jst.substr(5, 2)) ||
        !is_digits(date_jst.substr(8, 2))) {
        throw bad();
    }
    const std::chrono::year_month_day ymd{
        std::chrono::year{to_int(date_jst.substr(0, 4))},
        std::chrono::month{static_cast<unsigned>(to_int(date_jst.substr(5, 2)))},
        std::chrono::day{static_cast<unsigned>(to_int(date_jst.substr(8, 2)))}};
    if (!ymd.ok()) {
        throw bad();
    }
    const std::int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
    return days * day_ms - jst_offset_ms;
}

std::vector<DailyReport> daily_reports(data::Project& project, std::string_view date_jst,
                                       std::optional<std::int64_t> contractor_id,
                                       const DailyReportOptions& options) {
    const std::int64_t day_start = jst_day_start_ms(date_jst);
    const std::int64_t day_end = day_start + day_ms;
    // Reading from the previous day tells a shift started then from one started at 00:00.
    const std::int64_t read_from = day_start - day_ms;
    const std::int64_t read_to = day_end + 18 * 3'600'000;

    Fleet fleet(project);
    if (contractor_id && !fleet.contractor(*contractor_id)) {
        throw Error("contractor " + std::to_string(*contractor_id) + " does not exist");
    }
    std::vector<Vehicle> vehicles = fleet.vehicles();
    std::ranges::sort(vehicles, {}, &Vehicle::code);

    data::Database& db = project.database();
    data::SeasonLog log(db);
    CoverageStore coverage(db);
    std::vector<Pass> passes;
    std::vector<WorkOrder> orders;
    bool loaded = false;
    std::unordered_map<std::int64_t, Segment> segments;
    data::Statement segment_query(
        db, "SELECT priority, name, length_m FROM road_segments WHERE id = ?");
    const auto segment = [&](std::int64_t id) -> const Segment& {
        auto it = segments.find(id);
        if (it == segments.end()) {
            Segment s;
            segment_query.bind(1, id);
            if (segment_query.step()) {
                if (!segment_query.is_null(0)) {
                    s.priority = segment_query.column_int(0);
                }
                s.name = segment_query.column_text(1);
                s.length_m = segment_query.column_double(2);
            }
            segment_query.reset();
            it = segments.emplace(id, std::move(s)).first;
        }
        return it->second;
    };

    std::vector<DailyReport> reports;
    for (const Vehicle& vehicle : vehicles) {
        if (contractor_id && vehicle.contractor_id != *contractor_id) {
            continue;
        }
        const std::vector<data::Fix> fixes = log.fixes(vehicle.id, read_from, read_to);
        for (const auto& [first, last] : shifts_of(fixes, options.shift_break_ms)) {
            const std::int64_t start = fixes[first].time_ms;
            if (start < day_start || start >= day_end) {
                continue;
            }
            if (!loaded) {
                passes = coverage.passes(day_start, read_to + 1);
                orders = Orders(project).list();
                loaded = true;
            }
            DailyReport r;
            r.vehicle_id = vehicle.id;
            r.vehicle_code = vehicle.code;
            r.contractor_id = vehicle.contractor_id;
            if (const auto c = fleet.contractor(vehicle.contractor_id)) {
                r.contractor_code = c->code;
                r.contractor_name = c->name;
            }
            r.start_ms = start;
            r.end_ms = fixes[last - 1].time_ms;
            add_track(r, fixes, first, last, options.gap_threshold_ms);

            std::set<std::pair<std::int64_t, bool>> roads;
            for (const Pass& p : passes) {
                if (p.vehicle_id != vehicle.id || p.time_ms < r.start_ms || p.time_ms > r.end_ms ||
                    !clears_road(p.work, p.blade)) {
                    continue;
                }
                const Segment& s = segment(p.segment_id);
                if (s.priority && *s.priority >= 1 && *s.priority <= 3) {
                    r.plowed_m_by_class[static_cast<std::size_t>(*s.priority - 1)] +=
                        s.length_m * p.fraction;
                }
                // Forward sorts first: the key negates the direction.
                roads.emplace(p.segment_id, !p.forward);
            }
            for (const auto& [id, backward] : roads) {
                const Segment& s = segment(id);
                r.roads.push_back(ReportRoad{id, !backward, s.priority, s.name});
            }
            for (const WorkOrder& o : orders) {
                const bool ours = o.vehicles.empty() ? o.contractor_id == vehicle.contractor_id
                                                     : std::ranges::find(o.vehicles, vehicle.id) !=
                                                           o.vehicles.end();
                if (ours && o.window_start_ms <= r.end_ms && o.window_end_ms >= r.start_ms) {
                    r.orders.push_back(ReportOrder{o.id, o.number, o.status});
                }
            }
            std::ranges::sort(r.orders, {}, &ReportOrder::id);
            reports.push_back(std::move(r));
        }
    }
    return reports;
}

} // namespace ykm::dispatch

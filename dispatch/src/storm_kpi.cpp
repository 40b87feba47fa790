#include "ykm/dispatch/storm_kpi.hpp"

#include "ykm/data/season_log.hpp"
#include "ykm/dispatch/coverage.hpp"
#include "ykm/dispatch/daily_report.hpp"
#include "ykm/dispatch/driver_sheet.hpp"
#include "ykm/gis/error.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <utility>

namespace ykm::dispatch {
namespace {

constexpr std::int64_t max_steps = 100'000;
constexpr double hour_ms = 3'600'000.0;

data::WorkType work_from_db(std::int64_t value) {
    return value >= 0 && value <= static_cast<std::int64_t>(data::WorkType::travel)
               ? static_cast<data::WorkType>(value)
               : data::WorkType::unknown;
}

data::Blade blade_from_db(std::int64_t value) {
    return value >= 0 && value <= 2 ? static_cast<data::Blade>(value) : data::Blade::unknown;
}

using Direction = std::pair<std::int64_t, bool>;

// Per segment direction, the time of its first pass in [from_ms, to_ms] that clears the road.
std::map<Direction, std::int64_t> first_clearing_passes(data::Database& db, std::int64_t from_ms,
                                                        std::int64_t to_ms) {
    data::Statement query(db, "SELECT segment_id, forward, work, blade, min(time_ms) FROM "
                              "coverage_passes WHERE time_ms >= ? AND time_ms <= ? "
                              "GROUP BY segment_id, forward, work, blade");
    query.bind(1, from_ms).bind(2, to_ms);
    std::map<Direction, std::int64_t> first;
    while (query.step()) {
        if (!clears_road(work_from_db(query.column_int64(2)),
                         blade_from_db(query.column_int64(3)))) {
            continue;
        }
        const Direction d{query.column_int64(0), query.column_int(1) != 0};
        const std::int64_t t = query.column_int64(4);
        auto [it, inserted] = first.emplace(d, t);
        if (!inserted) {
            it->second = std::min(it->second, t);
        }
    }
    return first;
}

// One required direction of a classed road.
struct RequiredDirection {
    int priority = 0; // 1..3
    double km = 0.0;
    std::optional<std::int64_t> district_id;
    std::optional<std::int64_t> cleared_ms; // its first clearing pass
};

std::vector<RequiredDirection> required_directions(data::Database& db,
                                                   const std::map<Direction, std::int64_t>& first) {
    data::Statement segments(db, "SELECT id, coalesce(priority, 0), oneway, length_m, "
                                 "district_id FROM road_segments ORDER BY id");
    std::vector<RequiredDirection> out;
    while (segments.step()) {
        const int priority = segments.column_int(1);
        if (priority < 1 || priority > 3) {
            continue;
        }
        const std::int64_t id = segments.column_int64(0);
        const bool oneway = segments.column_int(2) != 0;
        for (const bool forward : {true, false}) {
            if (!forward && oneway) {
                continue;
            }
            RequiredDirection d;
            d.priority = priority;
            d.km = segments.column_double(3) / 1000.0;
            d.district_id = segments.column_optional_int64(4);
            if (auto it = first.find({id, forward}); it != first.end()) {
                d.cleared_ms = it->second;
            }
            out.push_back(d);
        }
    }
    return out;
}

std::vector<std::int64_t> step_times(const StormWindow& window, std::int64_t step_ms) {
    std::vector<std::int64_t> times;
    for (std::int64_t t = window.dispatch_ms; t < window.end_ms; t += step_ms) {
        times.push_back(t);
        if (window.end_ms - t <= step_ms) {
            break;
        }
    }
    times.push_back(window.end_ms);
    return times;
}

void fill_progress(StormKpis& kpis, const std::vector<RequiredDirection>& directions) {
    std::array<double, 3> required{};
    std::vector<std::pair<std::int64_t, const RequiredDirection*>> cleared;
    for (const RequiredDirection& d : directions) {
        required[static_cast<std::size_t>(d.priority - 1)] += d.km;
        if (d.cleared_ms) {
            cleared.emplace_back(*d.cleared_ms, &d);
        }
    }
    std::sort(cleared.begin(), cleared.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::array<double, 3> done{};
    std::size_t next = 0;
    for (StormStep& step : kpis.steps) {
        while (next < cleared.size() && cleared[next].first <= step.time_ms) {
            done[static_cast<std::size_t>(cleared[next].second->priority - 1)] +=
                cleared[next].second->km;
            ++next;
        }
        for (std::size_t c = 0; c < 3; ++c) {
            step.by_class[c] = ClassProgress{required[c], done[c]};
        }
    }
}

void fill_districts(data::Database& db, StormKpis& kpis,
                    const std::vector<RequiredDirection>& directions) {
    std::map<std::int64_t, std::string> names;
    {
        data::Statement query(db, "SELECT id, name FROM districts ORDER BY id");
        while (query.step()) {
            names[query.column_int64(0)] = query.column_text(1);
        }
    }
    // Keyed by district id; roads outside every district (or in one deleted) go last.
    constexpr std::int64_t none = std::numeric_limits<std::int64_t>::max();
    struct Totals {
        double required_km = 0.0;
        std::size_t directions = 0;
        std::vector<std::pair<std::int64_t, double>> cleared; // first clearing pass, km
    };
    std::map<std::int64_t, Totals> by_district;
    for (const RequiredDirection& d : directions) {
        if (d.priority != 1) {
            continue;
        }
        const std::int64_t key =
            d.district_id && names.contains(*d.district_id) ? *d.district_id : none;
        Totals& t = by_district[key];
        t.required_km += d.km;
        ++t.directions;
        if (d.cleared_ms) {
            t.cleared.emplace_back(*d.cleared_ms, d.km);
        }
    }
    for (auto& [id, t] : by_district) {
        DistrictClearing row;
        row.key = id == none ? "none" : std::to_string(id);
        row.name = id == none ? "なし" : names[id];
        row.required_km = t.required_km;
        std::sort(t.cleared.begin(), t.cleared.end());
        // A relative tolerance, so that sums of lengths in another order still reach 90 %.
        const double ninety = 0.9 * t.required_km * (1.0 - 1e-9);
        for (const auto& [time_ms, km] : t.cleared) {
            row.done_km += km;
            if (!row.to_90_percent_ms && row.done_km >= ninety) {
                row.to_90_percent_ms = time_ms - kpis.window.dispatch_ms;
            }
        }
        if (!t.cleared.empty() && t.cleared.size() == t.directions) {
            row.to_cleared_ms = t.cleared.back().first - kpis.window.dispatch_ms;
        }
        kpis.class1_by_district.push_back(row);
    }
}

// Replays one vehicle's fixes over the steps (see storm_kpis() for the rules). Returns false when
// the vehicle sent no fix in the window (it is then not counted).
bool count_vehicle(StormKpis& kpis, const std::vector<data::Fix>& fixes,
                   const TrackerSettings& thresholds) {
    const bool reported = std::any_of(fixes.begin(), fixes.end(), [&](const data::Fix& f) {
        return f.time_ms >= kpis.window.dispatch_ms && f.time_ms <= kpis.window.end_ms;
    });
    if (!reported) {
        return false;
    }
    std::optional<std::int64_t> heard_ms;
    std::optional<std::int64_t> moving_ms;
    bool moving_works = false;
    const data::Fix* previous = nullptr; // the last fix not flagged speed_jump
    std::size_t next = 0;
    for (StormStep& step : kpis.steps) {
        for (; next < fixes.size() && fixes[next].time_ms <= step.time_ms; ++next) {
            const data::Fix& fix = fixes[next];
            heard_ms = fix.time_ms;
            if ((fix.flags & data::fix_flags::speed_jump) != 0) {
                continue;
            }
            bool moving = false;
            if (fix.speed_mps) {
                moving = *fix.speed_mps >= thresholds.moving_speed_mps;
            } else if (previous != nullptr && fix.time_ms > previous->time_ms) {
                const double d = great_circle_m(previous->position, fix.position);
                const double dt_s = static_cast<double>(fix.time_ms - previous->time_ms) / 1000.0;
                const double noise = 2.0 * fix.accuracy_m.value_or(thresholds.matching.gps_sigma_m);
                moving = d > noise && d / dt_s >= thresholds.moving_speed_mps;
            }
            if (moving) {
                moving_ms = fix.time_ms;
                moving_works = data::is_service(fix.work) || fix.blade == data::Blade::down;
            }
            previous = &fix;
        }
        if (!heard_ms || step.time_ms - *heard_ms >= thresholds.offline_after_ms) {
            ++step.offline;
        } else if (moving_ms && moving_works &&
                   step.time_ms - *moving_ms < thresholds.stopped_after_ms) {
            ++step.working;
        } else {
            ++step.idle;
        }
    }
    return true;
}

void fill_vehicles(data::Project& project, StormKpis& kpis, const TrackerSettings& thresholds) {
    data::Database& db = project.database();
    const std::int64_t lead_ms =
        std::max<std::int64_t>({thresholds.offline_after_ms, thresholds.stopped_after_ms, 0});
    const std::int64_t from_ms = kpis.window.dispatch_ms - lead_ms;
    data::SeasonLog log(db);
    for (const std::int64_t vehicle :
         data::SeasonLog(db).vehicles(kpis.window.dispatch_ms, kpis.window.end_ms + 1)) {
        const std::vector<data::Fix> fixes = log.fixes(vehicle, from_ms, kpis.window.end_ms + 1);
        if (count_vehicle(kpis, fixes, thresholds)) {
            ++kpis.vehicles_reporting;
        }
    }
}

} // namespace

StormKpis storm_kpis(data::Project& project, StormWindow window, std::int64_t step_ms,
                     const TrackerSettings& thresholds) {
    if (window.end_ms < window.dispatch_ms) {
        throw Error("storm window: the end " + format_jst_date_time(window.end_ms) +
                    " is before the dispatch " + format_jst_date_time(window.dispatch_ms));
    }
    if (step_ms <= 0) {
        throw Error("storm step of " + std::to_string(step_ms) + " ms is not positive");
    }
    if ((window.end_ms - window.dispatch_ms) / step_ms >= max_steps) {
        throw Error("storm window " + format_jst_date_time(window.dispatch_ms) + " to " +
                    format_jst_date_time(window.end_ms) + " needs more than " +
                    std::to_string(max_steps) + " steps of " + std::to_string(step_ms / 60'000) +
                    " min");
    }
    StormKpis kpis;
    kpis.window = window;
    kpis.step_ms = step_ms;
    for (const std::int64_t t : step_times(window, step_ms)) {
        kpis.steps.push_back(StormStep{t, {}, 0, 0, 0});
    }
    data::Database& db = project.database();
    const auto first = first_clearing_passes(db, window.dispatch_ms, window.end_ms);
    const std::vector<RequiredDirection> directions = required_directions(db, first);
    fill_progress(kpis, directions);
    fill_districts(db, kpis, directions);
    fill_vehicles(project, kpis, thresholds);
    return kpis;
}

std::optional<std::int64_t> first_order_issued(data::Project& project, std::int64_t from_ms,
                                               std::int64_t to_ms) {
    data::Statement query(project.database(),
                          "SELECT min(time_ms) FROM order_events WHERE to_status = 'issued' "
                          "AND time_ms >= ? AND time_ms <= ?");
    query.bind(1, from_ms).bind(2, to_ms);
    if (!query.step() || query.is_null(0)) {
        return std::nullopt;
    }
    return query.column_int64(0);
}

std::vector<StormCandidate> storm_candidates(data::Project& project, std::int64_t split_gap_ms) {
    if (split_gap_ms <= 0) {
        throw Error("storm split gap of " + std::to_string(split_gap_ms) + " ms is not positive");
    }
    data::Database& db = project.database();
    // Activity in time order: an order issued (no vehicle), or a clearing pass of a vehicle.
    struct Event {
        std::int64_t time_ms = 0;
        std::optional<std::int64_t> vehicle_id;
        double km = 0.0;
    };
    std::vector<Event> events;
    {
        data::Statement query(db, "SELECT time_ms FROM order_events WHERE to_status = 'issued'");
        while (query.step()) {
            events.push_back({query.column_int64(0), std::nullopt, 0.0});
        }
    }
    {
        data::Statement query(db, "SELECT p.time_ms, p.vehicle_id, p.work, p.blade, "
                                  "coalesce(s.length_m, 0) FROM coverage_passes p "
                                  "LEFT JOIN road_segments s ON s.id = p.segment_id");
        while (query.step()) {
            if (clears_road(work_from_db(query.column_int64(2)),
                            blade_from_db(query.column_int64(3)))) {
                events.push_back({query.column_int64(0), query.column_int64(1),
                                  query.column_double(4) / 1000.0});
            }
        }
    }
    std::sort(events.begin(), events.end(),
              [](const Event& a, const Event& b) { return a.time_ms < b.time_ms; });
    std::vector<StormCandidate> storms;
    std::set<std::int64_t> vehicles;
    const auto close = [&] {
        storms.back().vehicles_working = static_cast<int>(vehicles.size());
        vehicles.clear();
    };
    for (const Event& e : events) {
        if (storms.empty() || e.time_ms - storms.back().end_ms > split_gap_ms) {
            if (!storms.empty()) {
                close();
            }
            storms.push_back(StormCandidate{e.time_ms, e.time_ms, e.time_ms, 0, 0, 0.0});
        }
        StormCandidate& s = storms.back();
        s.end_ms = e.time_ms;
        if (e.vehicle_id) {
            vehicles.insert(*e.vehicle_id);
            s.cleared_km += e.km;
        } else {
            // The first order issued is the dispatch; until then it is the first activity.
            if (s.orders_issued++ == 0) {
                s.dispatch_ms = e.time_ms;
            }
        }
    }
    if (!storms.empty()) {
        close();
    }
    return storms;
}

// ---- tables ------------------------------------------------------------------------------------

std::vector<ReportSheet> storm_tables(const StormKpis& kpis, gis::MapLanguage language) {
    const bool ja = language == gis::MapLanguage::japanese;
    const auto hours = [&](std::int64_t ms) { return static_cast<double>(ms) / hour_ms; };
    const char* class_names[3] = {"第1種", "第2種", "第3種"};
    const char* class_names_en[3] = {"Class 1", "Class 2", "Class 3"};
    const std::string period = format_jst_date_time(kpis.window.dispatch_ms) + " – " +
                               format_jst_date_time(kpis.window.end_ms);

    ReportSheet series;
    series.name = ja ? "時系列" : "Time series";
    series.title = ja ? "除雪の進捗と稼働台数 " + period + " (日本時間)"
                      : "Clearing progress and vehicles " + period + " JST";
    series.notes.push_back(
        ja ? "出動 " + format_jst_date_time(kpis.window.dispatch_ms) +
                 "。除雪済み: 出動後に除雪"
                 "作業 (または排土板下げ) の通過があった方向の延長 (往復の道路は両方向)。"
           : "Dispatch " + format_jst_date_time(kpis.window.dispatch_ms) +
                 " JST. Cleared: directions with a clearing pass (service work or blade down) "
                 "since dispatch; both directions of two-way roads count.");
    series.notes.push_back(
        ja ? "作業中: 移動中で除雪作業または排土板下げ。非作業: 通信中で作業していない "
             "(回送・停止)。"
             "通信途絶: 一定時間位置の報告がない。期間中に報告した車両 " +
                 std::to_string(kpis.vehicles_reporting) + " 台。"
           : "Working: moving with service work or blade down. Idle: reporting but not working "
             "(travelling, stopped). Offline: no recent fix. Vehicles reporting in the storm: " +
                 std::to_string(kpis.vehicles_reporting) + ".");
    series.columns.push_back({ja ? "時刻" : "Time (JST)", 0, false});
    series.columns.push_back({ja ? "出動後(h)" : "Hours since dispatch", 2, false});
    for (std::size_t c = 0; c < 3; ++c) {
        const std::string name = ja ? class_names[c] : class_names_en[c];
        series.columns.push_back({name + (ja ? "除雪済(km)" : " cleared (km)"), 3, false});
        series.columns.push_back({name + (ja ? "除雪率(%)" : " cleared (%)"), 1, false});
    }
    series.columns.push_back({ja ? "作業中(台)" : "Working", 0, false});
    series.columns.push_back({ja ? "非作業(台)" : "Idle", 0, false});
    series.columns.push_back({ja ? "通信途絶(台)" : "Offline", 0, false});
    for (const StormStep& step : kpis.steps) {
        std::vector<ReportCell> row;
        row.emplace_back(format_jst_date_time(step.time_ms));
        row.emplace_back(step.hours_since(kpis.window.dispatch_ms));
        for (const ClassProgress& p : step.by_class) {
            row.emplace_back(p.done_km);
            row.emplace_back(p.percent());
        }
        row.emplace_back(std::int64_t{step.working});
        row.emplace_back(std::int64_t{step.idle});
        row.emplace_back(std::int64_t{step.offline});
        series.rows.push_back(std::move(row));
    }

    ReportSheet clearing;
    clearing.name = ja ? "第1種除雪完了" : "Class 1 clearing";
    clearing.title = ja ? "工区別 第1種路線の除雪完了時間 " + period + " (日本時間)"
                        : "Time to clear class 1 roads by district " + period + " JST";
    clearing.notes.push_back(
        ja ? "出動からの経過時間。完了: 工区の第1種路線の全方向に除雪の通過があった時刻 "
             "(最後の初回通過)。"
           : "Hours since dispatch. Cleared: every class 1 direction of the district had a "
             "clearing pass (the last of their first passes).");
    clearing.columns = {{ja ? "工区" : "District", 0, false},
                        {ja ? "第1種延長(km)" : "Class 1 (km)", 3, false},
                        {ja ? "除雪済(km)" : "Cleared (km)", 3, false},
                        {ja ? "除雪率(%)" : "Cleared (%)", 1, false},
                        {ja ? "90%到達(h)" : "Hours to 90 %", 2, false},
                        {ja ? "完了(h)" : "Hours to 100 %", 2, false}};
    for (const DistrictClearing& d : kpis.class1_by_district) {
        std::vector<ReportCell> row;
        row.emplace_back(d.key == "none" ? std::string(ja ? "なし" : "none") : d.name);
        row.emplace_back(d.required_km);
        row.emplace_back(d.done_km);
        row.emplace_back(d.percent());
        if (d.to_90_percent_ms) {
            row.emplace_back(hours(*d.to_90_percent_ms));
        } else {
            row.emplace_back(std::monostate{});
        }
        if (d.to_cleared_ms) {
            row.emplace_back(hours(*d.to_cleared_ms));
        } else {
            std::array<char, 32> percent{};
            std::snprintf(percent.data(), percent.size(), "%.1f", d.percent());
            row.emplace_back(std::string(ja ? "未完了 (" : "not cleared (") + percent.data() +
                             " %)");
        }
        clearing.rows.push_back(std::move(row));
    }
    return {series, clearing};
}

} // namespace ykm::dispatch

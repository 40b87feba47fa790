#include "ykm/dispatch/daily_report.hpp"

#include "ykm/dispatch/audit_log.hpp"
#include "ykm/dispatch/coverage.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/dispatch/report_confirmations.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <filesystem>
#include <iterator>
#include <map>
#include <numbers>
#include <numeric>
#include <set>
#include <thread>
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

// Confirmed gaps of one vehicle: start -> (end, confirmation).
using Confirmations = std::map<std::int64_t, std::pair<std::int64_t, GapConfirmation>>;

Confirmations confirmations_of(data::Database& db, std::int64_t vehicle_id, std::int64_t from_ms,
                               std::int64_t to_ms) {
    Confirmations out;
    data::Statement q(db, "SELECT id, start_ms, end_ms, work, note, confirmed_by, confirmed_ms "
                          "FROM gap_confirmations WHERE vehicle_id = ? AND start_ms >= ? AND "
                          "start_ms < ?");
    q.bind(1, vehicle_id).bind(2, from_ms).bind(3, to_ms);
    while (q.step()) {
        GapConfirmation c;
        c.id = q.column_int64(0);
        c.work = static_cast<data::WorkType>(q.column_int(3));
        c.note = q.column_text(4);
        c.confirmed_by = q.column_text(5);
        c.confirmed_ms = q.column_int64(6);
        out.emplace(q.column_int64(1), std::make_pair(q.column_int64(2), std::move(c)));
    }
    return out;
}

void add_interval(DailyReport& report, const OperatingInterval& next) {
    if (!report.intervals.empty()) {
        OperatingInterval& last = report.intervals.back();
        if (last.end_ms == next.start_ms && last.work == next.work && !last.confirmed_gap &&
            !next.confirmed_gap) {
            last.end_ms = next.end_ms;
            last.last_fix = next.last_fix;
            return;
        }
    }
    report.intervals.push_back(next);
}

void add_track(DailyReport& report, const std::vector<data::Fix>& fixes, std::size_t first,
               std::size_t last, std::int64_t gap_threshold_ms, const Confirmations& confirmed) {
    // The last fix not flagged speed_jump, and whether an unconfirmed gap lies between it and the
    // current fix.
    std::optional<std::size_t> good;
    bool gap_since_good = false;
    data::WorkType step_work = data::WorkType::unknown;
    for (std::size_t i = first; i < last; ++i) {
        const data::Fix& fix = fixes[i];
        report.fix_times_ms.push_back(fix.time_ms);
        if (i > first) {
            const data::Fix& before = fixes[i - 1];
            const std::int64_t interval = fix.time_ms - before.time_ms;
            step_work = before.work;
            bool counted = true;
            bool confirmed_gap = false;
            if (interval > gap_threshold_ms) {
                GpsGap gap{before.time_ms, fix.time_ms, std::nullopt};
                const auto c = confirmed.find(before.time_ms);
                if (c != confirmed.end() && c->second.first == fix.time_ms) {
                    gap.confirmation = c->second.second;
                    step_work = gap.confirmation->work;
                    confirmed_gap = true;
                } else {
                    counted = false;
                    gap_since_good = true;
                }
                report.gaps.push_back(std::move(gap));
            }
            if (counted) {
                report.time_ms[static_cast<std::size_t>(step_work)] += interval;
                add_interval(report, OperatingInterval{before.time_ms, fix.time_ms, step_work,
                                                       i - 1 - first, i - first, confirmed_gap});
            }
        }
        if ((fix.flags & data::fix_flags::speed_jump) != 0) {
            continue;
        }
        if (good && !gap_since_good) {
            report.distance_m[static_cast<std::size_t>(step_work)] +=
                great_circle_m(fixes[*good].position, fix.position);
        }
        good = i;
        gap_since_good = false;
    }
}

std::string vehicle_name(Fleet& fleet, std::int64_t vehicle_id) {
    const auto v = fleet.vehicle(vehicle_id);
    if (!v) {
        throw Error("vehicle " + std::to_string(vehicle_id) + " does not exist");
    }
    return v->code;
}

} // namespace

std::int64_t DailyReport::operating_ms() const {
    return std::accumulate(time_ms.begin(), time_ms.end(), std::int64_t{0});
}

std::int64_t DailyReport::gap_ms() const {
    std::int64_t total = 0;
    for (const GpsGap& g : gaps) {
        total += g.confirmation ? 0 : g.duration_ms();
    }
    return total;
}

std::int64_t DailyReport::confirmed_gap_ms() const {
    std::int64_t total = 0;
    for (const GpsGap& g : gaps) {
        total += g.confirmation ? g.duration_ms() : 0;
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

namespace {

/// What every vehicle's reports share, read once before the vehicles are shared out.
struct ReportInputs {
    std::int64_t day_start = 0;
    std::int64_t day_end = 0;
    std::int64_t read_from = 0;
    std::int64_t read_to = 0;
    DailyReportOptions options;
    std::vector<WorkOrder> orders;
    std::unordered_map<std::int64_t, std::optional<Contractor>> contractors;
};

/// One connection's reading of vehicles' fixes, passes and segments.
class VehicleReporter {
public:
    VehicleReporter(data::Database& db, const ReportInputs& in)
        : m_db(db), m_in(in), m_log(db),
          // The shift's passes from the covering index coverage_passes_vehicle alone.
          m_passes(db, "SELECT segment_id, forward, work, blade, fraction FROM coverage_passes "
                       "WHERE vehicle_id = ? AND time_ms >= ? AND time_ms <= ?"),
          m_segment(db, "SELECT priority, name, length_m FROM road_segments WHERE id = ?") {}

    /// The reports of the shifts of `vehicle` starting on the day.
    std::vector<DailyReport> reports(const Vehicle& vehicle) {
        std::vector<DailyReport> out;
        const std::vector<data::Fix> fixes = m_log.fixes(vehicle.id, m_in.read_from, m_in.read_to);
        std::optional<Confirmations> confirmed;
        for (const auto& [first, last] : shifts_of(fixes, m_in.options.shift_break_ms)) {
            const std::int64_t start = fixes[first].time_ms;
            if (start < m_in.day_start || start >= m_in.day_end) {
                continue;
            }
            DailyReport r;
            r.vehicle_id = vehicle.id;
            r.vehicle_code = vehicle.code;
            r.contractor_id = vehicle.contractor_id;
            const auto known = m_in.contractors.find(vehicle.contractor_id);
            if (known != m_in.contractors.end() && known->second) {
                r.contractor_code = known->second->code;
                r.contractor_name = known->second->name;
            }
            r.start_ms = start;
            r.end_ms = fixes[last - 1].time_ms;
            if (!confirmed) {
                confirmed = confirmations_of(m_db, vehicle.id, m_in.read_from, m_in.read_to);
            }
            add_track(r, fixes, first, last, m_in.options.gap_threshold_ms, *confirmed);
            add_roads(r, vehicle.id);
            for (const WorkOrder& o : m_in.orders) {
                const bool ours = o.vehicles.empty() ? o.contractor_id == vehicle.contractor_id
                                                     : std::ranges::find(o.vehicles, vehicle.id) !=
                                                           o.vehicles.end();
                if (ours && o.window_start_ms <= r.end_ms && o.window_end_ms >= r.start_ms) {
                    r.orders.push_back(ReportOrder{o.id, o.number, o.status});
                }
            }
            std::ranges::sort(r.orders, {}, &ReportOrder::id);
            out.push_back(std::move(r));
        }
        return out;
    }

private:
    const Segment& segment(std::int64_t id) {
        auto it = m_segments.find(id);
        if (it == m_segments.end()) {
            Segment s;
            m_segment.bind(1, id);
            if (m_segment.step()) {
                if (!m_segment.is_null(0)) {
                    s.priority = m_segment.column_int(0);
                }
                s.name = m_segment.column_text(1);
                s.length_m = m_segment.column_double(2);
            }
            m_segment.reset();
            it = m_segments.emplace(id, std::move(s)).first;
        }
        return it->second;
    }

    /// The roads the shift cleared (its passes) and the km by priority class.
    void add_roads(DailyReport& r, std::int64_t vehicle_id) {
        std::set<std::pair<std::int64_t, bool>> roads;
        m_passes.bind(1, vehicle_id).bind(2, r.start_ms).bind(3, r.end_ms);
        while (m_passes.step()) {
            // Values outside the enums read as unknown, as CoverageStore reads them.
            const int work = m_passes.column_int(2);
            const int blade = m_passes.column_int(3);
            if (!clears_road(work >= 0 && work < static_cast<int>(work_type_count)
                                 ? static_cast<data::WorkType>(work)
                                 : data::WorkType::unknown,
                             blade >= 0 && blade <= 2 ? static_cast<data::Blade>(blade)
                                                      : data::Blade::unknown)) {
                continue;
            }
            const std::int64_t segment_id = m_passes.column_int64(0);
            const Segment& s = segment(segment_id);
            if (s.priority && *s.priority >= 1 && *s.priority <= 3) {
                r.plowed_m_by_class[static_cast<std::size_t>(*s.priority - 1)] +=
                    s.length_m * m_passes.column_double(4);
            }
            // Forward sorts first: the key negates the direction.
            roads.emplace(segment_id, m_passes.column_int(1) == 0);
        }
        m_passes.reset();
        for (const auto& [id, backward] : roads) {
            const Segment& s = segment(id);
            r.roads.push_back(ReportRoad{id, !backward, s.priority, s.name});
        }
    }

    data::Database& m_db;
    const ReportInputs& m_in;
    data::SeasonLog m_log;
    data::Statement m_passes;
    data::Statement m_segment;
    std::unordered_map<std::int64_t, Segment> m_segments;
};

/// Reading connections for a day's reports (DailyReportOptions::readers).
std::size_t report_readers(data::Database& db, std::size_t vehicles, std::size_t asked) {
    constexpr std::size_t vehicles_per_reader = 100;
    const std::size_t cores = std::max(1U, std::thread::hardware_concurrency());
    const std::size_t wanted = std::min(
        asked > 0 ? asked : std::min({cores, std::size_t{4}, vehicles / vehicles_per_reader}),
        vehicles);
    std::error_code error;
    if (wanted < 2 || sqlite3_get_autocommit(db.handle()) == 0 ||
        !std::filesystem::is_regular_file(db.path(), error)) {
        return 1;
    }
    return wanted;
}

/// The reports of the shifts starting in [day_start, day_end) (whole JST days), every vehicle's
/// fixes read once from the day before to 18:00 of the day after.
std::vector<DailyReport> reports_between(data::Project& project, std::int64_t day_start,
                                         std::int64_t day_end,
                                         std::optional<std::int64_t> contractor_id,
                                         const DailyReportOptions& options) {
    ReportInputs in;
    in.day_start = day_start;
    in.day_end = day_end;
    // Reading from the previous day tells a shift started then from one started at 00:00.
    in.read_from = in.day_start - day_ms;
    in.read_to = in.day_end + 18 * 3'600'000;
    in.options = options;

    Fleet fleet(project);
    if (contractor_id && !fleet.contractor(*contractor_id)) {
        throw Error("contractor " + std::to_string(*contractor_id) + " does not exist");
    }
    std::vector<Vehicle> vehicles = fleet.vehicles();
    std::erase_if(vehicles, [&](const Vehicle& v) {
        return (contractor_id && v.contractor_id != *contractor_id) ||
               (options.vehicle_id && v.id != *options.vehicle_id);
    });
    std::ranges::sort(vehicles, {}, &Vehicle::code);
    for (const Vehicle& v : vehicles) {
        if (!in.contractors.contains(v.contractor_id)) {
            in.contractors.emplace(v.contractor_id, fleet.contractor(v.contractor_id));
        }
    }
    in.orders = Orders(project).list();

    data::Database& db = project.database();
    std::vector<std::vector<DailyReport>> of_vehicle(vehicles.size());
    const std::size_t workers = report_readers(db, vehicles.size(), options.readers);
    if (workers == 1) {
        VehicleReporter reporter(db, in);
        for (std::size_t i = 0; i < vehicles.size(); ++i) {
            of_vehicle[i] = reporter.reports(vehicles[i]);
        }
    } else {
        // Each worker its own read-only connection and every workers-th vehicle; the first
        // failure is thrown once all have stopped.
        std::vector<std::exception_ptr> failures(workers);
        std::vector<std::thread> threads;
        for (std::size_t w = 0; w < workers; ++w) {
            threads.emplace_back([&, w] {
                try {
                    data::Database own(db.path(), data::OpenMode::read_only);
                    // One consistent reading per connection (closing it ends the transaction).
                    own.exec("BEGIN");
                    {
                        VehicleReporter reporter(own, in);
                        for (std::size_t i = w; i < vehicles.size(); i += workers) {
                            of_vehicle[i] = reporter.reports(vehicles[i]);
                        }
                    }
                    own.exec("COMMIT");
                } catch (...) {
                    failures[w] = std::current_exception();
                }
            });
        }
        for (std::thread& t : threads) {
            t.join();
        }
        for (const std::exception_ptr& failure : failures) {
            if (failure) {
                std::rethrow_exception(failure);
            }
        }
    }
    std::vector<DailyReport> reports;
    for (std::vector<DailyReport>& some : of_vehicle) {
        std::ranges::move(some, std::back_inserter(reports));
    }
    return reports;
}

} // namespace

std::vector<DailyReport> daily_reports(data::Project& project, std::string_view date_jst,
                                       std::optional<std::int64_t> contractor_id,
                                       const DailyReportOptions& options) {
    const std::int64_t day_start = jst_day_start_ms(date_jst);
    return reports_between(project, day_start, day_start + day_ms, contractor_id, options);
}

std::map<std::string, std::vector<DailyReport>>
daily_reports_between(data::Project& project, std::string_view first_date_jst,
                      std::string_view last_date_jst, std::optional<std::int64_t> contractor_id,
                      const DailyReportOptions& options) {
    const std::int64_t first = jst_day_start_ms(first_date_jst);
    const std::int64_t last = jst_day_start_ms(last_date_jst);
    if (last < first) {
        throw Error("the last date " + std::string(last_date_jst) + " is before the first " +
                    std::string(first_date_jst));
    }
    std::map<std::string, std::vector<DailyReport>> by_date;
    // Vehicle by vehicle (by code), each one's shifts in time: grouped by date, each date keeps
    // that order.
    for (DailyReport& r : reports_between(project, first, last + day_ms, contractor_id, options)) {
        by_date[jst_date_of(r.start_ms)].push_back(std::move(r));
    }
    return by_date;
}

std::optional<GpsGap> gap_at(data::Project& project, std::int64_t vehicle_id, std::int64_t start_ms,
                             const DailyReportOptions& options) {
    data::SeasonLog log(project.database());
    if (log.fixes(vehicle_id, start_ms, start_ms + 1).empty()) {
        return std::nullopt;
    }
    const std::vector<data::Fix> after =
        log.fixes(vehicle_id, start_ms + 1, start_ms + options.shift_break_ms + 1);
    if (after.empty() || after.front().time_ms - start_ms <= options.gap_threshold_ms) {
        return std::nullopt;
    }
    GpsGap gap{start_ms, after.front().time_ms, std::nullopt};
    const Confirmations confirmed =
        confirmations_of(project.database(), vehicle_id, start_ms, start_ms + 1);
    if (const auto c = confirmed.find(start_ms);
        c != confirmed.end() && c->second.first == gap.end_ms) {
        gap.confirmation = c->second.second;
    }
    return gap;
}

namespace {

// A gap of a shift whose report the contractor confirmed stays as confirmed: the report is locked.
void refuse_locked(data::Database& db, const std::string& code, std::int64_t vehicle_id,
                   std::int64_t time_ms) {
    if (const auto c = confirmation_covering(db, vehicle_id, time_ms)) {
        throw Error("vehicle " + code + ": the daily report of the shift starting " +
                    format_time_jst(c->shift_start_ms) + " was confirmed by " + c->confirmed_by +
                    " at " + format_time_jst(c->confirmed_ms) +
                    " and is locked; its gaps cannot be changed");
    }
}

} // namespace

std::int64_t confirm_gap(data::Project& project, std::int64_t vehicle_id, std::int64_t start_ms,
                         std::int64_t end_ms, data::WorkType work, const std::string& note,
                         const std::string& actor, const std::string& channel,
                         const DailyReportOptions& options) {
    Fleet fleet(project);
    const std::string code = vehicle_name(fleet, vehicle_id);
    if (static_cast<std::size_t>(work) >= work_type_count) {
        throw Error("work type " + std::to_string(static_cast<int>(work)) +
                    " is not a work type (0-6)");
    }
    const std::string what = "vehicle " + code + " has no GPS gap from " +
                             format_time_jst(start_ms) + " to " + format_time_jst(end_ms);
    data::SeasonLog log(project.database());
    if (log.fixes(vehicle_id, start_ms, start_ms + 1).empty()) {
        throw Error(what + ": it has no fix at " + format_time_jst(start_ms));
    }
    const std::vector<data::Fix> after =
        log.fixes(vehicle_id, start_ms + 1, start_ms + options.shift_break_ms + 1);
    if (after.empty()) {
        throw Error(what + ": its shift ends with the fix at " + format_time_jst(start_ms));
    }
    const std::int64_t next_ms = after.front().time_ms;
    if (next_ms != end_ms) {
        throw Error(what + ": its next fix is at " + format_time_jst(next_ms));
    }
    if (end_ms - start_ms <= options.gap_threshold_ms) {
        throw Error(what + ": the fixes are only " + std::to_string((end_ms - start_ms) / 1000) +
                    " s apart (a gap is longer than " +
                    std::to_string(options.gap_threshold_ms / 1000) + " s)");
    }
    data::Database& db = project.database();
    data::Transaction tx(db);
    refuse_locked(db, code, vehicle_id, start_ms);
    std::optional<GapConfirmation> previous;
    {
        const Confirmations old = confirmations_of(db, vehicle_id, start_ms, start_ms + 1);
        if (const auto c = old.find(start_ms); c != old.end()) {
            previous = c->second.second;
        }
    }
    data::Statement write(db, "INSERT INTO gap_confirmations (vehicle_id, start_ms, end_ms, work, "
                              "note, confirmed_by, confirmed_ms) VALUES (?, ?, ?, ?, ?, ?, ?) "
                              "ON CONFLICT (vehicle_id, start_ms) DO UPDATE SET end_ms = "
                              "excluded.end_ms, work = excluded.work, note = excluded.note, "
                              "confirmed_by = excluded.confirmed_by, confirmed_ms = "
                              "excluded.confirmed_ms");
    write.bind(1, vehicle_id)
        .bind(2, start_ms)
        .bind(3, end_ms)
        .bind(4, static_cast<int>(work))
        .bind(5, note)
        .bind(6, actor)
        .bind(7, now_ms())
        .run();
    data::Statement id_query(
        db, "SELECT id FROM gap_confirmations WHERE vehicle_id = ? AND start_ms = ?");
    id_query.bind(1, vehicle_id).bind(2, start_ms);
    id_query.step();
    const std::int64_t id = id_query.column_int64(0);
    nlohmann::json detail{{"vehicle", code},
                          {"vehicle_id", vehicle_id},
                          {"start", format_time_jst(start_ms)},
                          {"end", format_time_jst(end_ms)},
                          {"start_ms", start_ms},
                          {"end_ms", end_ms},
                          {"work", data::key(work)},
                          {"note", note}};
    if (previous) {
        detail["previous"] = {{"work", data::key(previous->work)},
                              {"note", previous->note},
                              {"confirmed_by", previous->confirmed_by}};
    }
    AuditEntry e;
    e.actor = actor;
    e.channel = channel;
    e.action = "gap.confirm";
    e.entity = "gap_confirmation";
    e.entity_id = id;
    e.detail = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    append_audit(db, std::move(e));
    tx.commit();
    return id;
}

void unconfirm_gap(data::Project& project, std::int64_t vehicle_id, std::int64_t start_ms,
                   const std::string& actor, const std::string& channel) {
    Fleet fleet(project);
    const std::string code = vehicle_name(fleet, vehicle_id);
    data::Database& db = project.database();
    data::Transaction tx(db);
    refuse_locked(db, code, vehicle_id, start_ms);
    const Confirmations old = confirmations_of(db, vehicle_id, start_ms, start_ms + 1);
    const auto c = old.find(start_ms);
    if (c == old.end()) {
        throw Error("vehicle " + code + " has no confirmed GPS gap starting at " +
                    format_time_jst(start_ms));
    }
    data::Statement erase(db, "DELETE FROM gap_confirmations WHERE id = ?");
    erase.bind(1, c->second.second.id).run();
    AuditEntry e;
    e.actor = actor;
    e.channel = channel;
    e.action = "gap.unconfirm";
    e.entity = "gap_confirmation";
    e.entity_id = c->second.second.id;
    e.detail = nlohmann::json{{"vehicle", code},
                              {"vehicle_id", vehicle_id},
                              {"start", format_time_jst(start_ms)},
                              {"end", format_time_jst(c->second.first)},
                              {"work", data::key(c->second.second.work)},
                              {"note", c->second.second.note},
                              {"confirmed_by", c->second.second.confirmed_by}}
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    append_audit(db, std::move(e));
    tx.commit();
}

} // namespace ykm::dispatch

#include "ykm/dispatch/report_confirmations.hpp"

#include "ykm/dispatch/daily_report_sheets.hpp"

#include "ykm/dispatch/audit_log.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/orders.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/dispatch/secrets.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>
#include <utility>

namespace ykm::dispatch {
namespace {

using data::Database;
using data::Statement;
using nlohmann::json;

constexpr std::array<std::string_view, 3> channel_keys{"desktop", "portal", "cli"};

double hours(std::int64_t ms) {
    return static_cast<double>(ms) / 3'600'000.0;
}

std::size_t index(data::WorkType w) {
    return static_cast<std::size_t>(w);
}

// Names come from the project and may not be valid UTF-8; the stored text must not throw.
std::string json_text(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string shift_name(const std::string& vehicle_code, std::int64_t shift_start_ms) {
    return "vehicle " + vehicle_code + ", shift starting " + format_time_jst(shift_start_ms);
}

constexpr const char* confirmation_columns =
    "SELECT r.id, r.vehicle_id, coalesce(v.code, ''), r.report_date, r.shift_start_ms, "
    "r.content, r.content_sha256, r.confirmed_by, r.channel, r.confirmed_ms FROM "
    "report_confirmations r LEFT JOIN vehicles v ON v.id = r.vehicle_id";

ReportConfirmation read_confirmation(const Statement& q) {
    ReportConfirmation c;
    c.id = q.column_int64(0);
    c.vehicle_id = q.column_int64(1);
    c.vehicle_code = q.column_text(2);
    c.report_date = q.column_text(3);
    c.shift_start_ms = q.column_int64(4);
    c.content = q.column_text(5);
    c.content_sha256 = q.column_text(6);
    c.confirmed_by = q.column_text(7);
    c.channel = parse_confirmation_channel(q.column_text(8)).value_or(ConfirmationChannel::portal);
    c.confirmed_ms = q.column_int64(9);
    return c;
}

std::vector<ReportConfirmation> read_confirmations(Database& db, std::string_view date_jst) {
    Statement q(db, std::string(confirmation_columns) +
                        " WHERE r.report_date = ? ORDER BY v.code, r.shift_start_ms");
    q.bind(1, date_jst);
    std::vector<ReportConfirmation> out;
    while (q.step()) {
        out.push_back(read_confirmation(q));
    }
    return out;
}

/// The recomputed report that is the confirmed shift: the vehicle's report starting at the same
/// time, else the first one overlapping the confirmed span (late fixes moved its start).
const DailyReport* same_shift(const ReportConfirmation& c,
                              const std::vector<DailyReport>& recomputed) {
    const DailyReport* overlapping = nullptr;
    const std::int64_t end = c.shift_end_ms();
    for (const DailyReport& r : recomputed) {
        if (r.vehicle_id != c.vehicle_id) {
            continue;
        }
        if (r.start_ms == c.shift_start_ms) {
            return &r;
        }
        if (!overlapping && r.start_ms <= end && r.end_ms >= c.shift_start_ms) {
            overlapping = &r;
        }
    }
    return overlapping;
}

// Whether the recomputed report says something other than the confirmed content: every field the
// confirmed content holds is compared, so a field the report's JSON gains in a later version
// does not make every earlier confirmation look changed.
bool says_otherwise(const json& confirmed, const json& recomputed) {
    if (!confirmed.is_object()) {
        return true;
    }
    for (const auto& [field, value] : confirmed.items()) {
        if (!recomputed.contains(field) || recomputed[field] != value) {
            return true;
        }
    }
    return false;
}

void mark_differences(std::vector<ReportConfirmation>& confirmations,
                      const std::vector<DailyReport>& recomputed) {
    for (ReportConfirmation& c : confirmations) {
        const DailyReport* r = same_shift(c, recomputed);
        c.differs = r == nullptr || says_otherwise(c.content_json(), daily_report_json(*r));
    }
}

std::string contractor_code_of(Fleet& fleet, std::optional<std::int64_t> contractor_id) {
    if (!contractor_id) {
        return {};
    }
    const auto c = fleet.contractor(*contractor_id);
    if (!c) {
        throw Error("contractor " + std::to_string(*contractor_id) + " does not exist");
    }
    return c->code;
}

bool confirmed_for(const ReportConfirmation& c, const std::string& contractor_code) {
    const json content = c.content_json();
    return content.is_object() && content.value("contractor", std::string()) == contractor_code;
}

} // namespace

json daily_report_json(const DailyReport& r) {
    json j;
    j["vehicle"] = r.vehicle_code;
    j["contractor"] = r.contractor_code;
    j["contractor_name"] = r.contractor_name;
    j["start"] = format_time_jst(r.start_ms);
    j["end"] = format_time_jst(r.end_ms);
    j["operating_h"] = hours(r.operating_ms());
    j["gap_min"] = static_cast<double>(r.gap_ms()) / 60'000.0;
    j["km"] = r.total_distance_m() / 1000.0;
    j["work"] = json::array();
    for (const data::WorkType w : shown_work_types()) {
        if (r.time_ms[index(w)] == 0 && r.distance_m[index(w)] == 0.0) {
            continue;
        }
        j["work"].push_back({{"type", data::key(w)},
                             {"name", data::japanese_name(w)},
                             {"hours", hours(r.time_ms[index(w)])},
                             {"km", r.distance_m[index(w)] / 1000.0}});
    }
    j["gaps"] = json::array();
    for (const GpsGap& g : r.gaps) {
        json gap = {{"start", format_time_jst(g.start_ms)},
                    {"end", format_time_jst(g.end_ms)},
                    {"minutes", static_cast<double>(g.duration_ms()) / 60'000.0}};
        // Only a gap staff confirmed says so: an unconfirmed one is counted nowhere.
        if (g.confirmation) {
            gap["confirmation"] = {{"work", data::key(g.confirmation->work)},
                                   {"name", data::japanese_name(g.confirmation->work)},
                                   {"note", g.confirmation->note},
                                   {"by", g.confirmation->confirmed_by},
                                   {"time", format_time_jst(g.confirmation->confirmed_ms)}};
        }
        j["gaps"].push_back(std::move(gap));
    }
    j["plowed_km_by_class"] = {{"1", r.plowed_m_by_class[0] / 1000.0},
                               {"2", r.plowed_m_by_class[1] / 1000.0},
                               {"3", r.plowed_m_by_class[2] / 1000.0}};
    j["roads"] = json::array();
    for (const ReportRoad& road : r.roads) {
        j["roads"].push_back({{"segment", road.segment_id},
                              {"forward", road.forward},
                              {"priority", road.priority ? json(*road.priority) : json(nullptr)},
                              {"name", road.name}});
    }
    j["orders"] = json::array();
    for (const ReportOrder& o : r.orders) {
        j["orders"].push_back({{"number", o.number}, {"status", key(o.status)}});
    }
    return j;
}

std::string_view key(ConfirmationChannel channel) {
    return channel_keys[static_cast<std::size_t>(channel)];
}

std::optional<ConfirmationChannel> parse_confirmation_channel(std::string_view text) {
    for (std::size_t i = 0; i < channel_keys.size(); ++i) {
        if (channel_keys[i] == text) {
            return static_cast<ConfirmationChannel>(i);
        }
    }
    return std::nullopt;
}

std::optional<ReportConfirmation> confirmation_covering(Database& db, std::int64_t vehicle_id,
                                                        std::int64_t time_ms) {
    // A shift lasts less than two days (daily_reports() reads no further).
    Statement q(db, std::string(confirmation_columns) +
                        " WHERE r.vehicle_id = ? AND r.shift_start_ms <= ? AND "
                        "r.shift_start_ms > ? ORDER BY r.shift_start_ms DESC");
    q.bind(1, vehicle_id).bind(2, time_ms).bind(3, time_ms - 2 * 86'400'000);
    while (q.step()) {
        ReportConfirmation c = read_confirmation(q);
        if (time_ms <= c.shift_end_ms()) {
            return c;
        }
    }
    return std::nullopt;
}

json ReportConfirmation::content_json() const {
    return json::parse(content, nullptr, false);
}

std::int64_t ReportConfirmation::shift_end_ms() const {
    const json j = content_json();
    if (j.is_object() && j.contains("end") && j["end"].is_string()) {
        if (const auto end = parse_time_ms(j["end"].get<std::string>())) {
            return *end;
        }
    }
    return shift_start_ms;
}

std::string jst_date_of(std::int64_t time_ms) {
    return format_time_jst(time_ms).substr(0, 10);
}

bool shift_running(const DailyReport& report, std::int64_t now_ms,
                   const DailyReportOptions& options) {
    return now_ms - report.end_ms < options.shift_break_ms;
}

ReportConfirmation confirm_daily_report(data::Project& project, std::int64_t vehicle_id,
                                        std::string_view date_jst, std::int64_t shift_start_ms,
                                        const std::string& actor, ConfirmationChannel channel,
                                        const DailyReportOptions& options, std::int64_t now) {
    jst_day_start_ms(date_jst); // a bad date names itself before anything else
    if (actor.empty()) {
        throw Error("confirming a daily report: the actor is empty");
    }
    Fleet fleet(project);
    const auto vehicle = fleet.vehicle(vehicle_id);
    if (!vehicle) {
        throw Error("vehicle " + std::to_string(vehicle_id) + " does not exist");
    }
    const std::string what = shift_name(vehicle->code, shift_start_ms);
    if (now == 0) {
        now = now_ms();
    }

    Database& db = project.database();
    data::Transaction tx(db);
    {
        Statement existing(db, "SELECT confirmed_by, confirmed_ms FROM report_confirmations "
                               "WHERE vehicle_id = ? AND shift_start_ms = ?");
        existing.bind(1, vehicle_id).bind(2, shift_start_ms);
        if (existing.step()) {
            throw ConfirmationError(ConfirmationRefusal::already_confirmed,
                                    "the daily report of " + what + " is already confirmed (by " +
                                        existing.column_text(0) + " at " +
                                        format_time_jst(existing.column_int64(1)) +
                                        "): it is locked");
        }
    }
    DailyReportOptions of_vehicle = options;
    of_vehicle.vehicle_id = vehicle_id;
    const std::vector<DailyReport> reports =
        daily_reports(project, date_jst, vehicle->contractor_id, of_vehicle);
    const auto report = std::ranges::find_if(reports, [&](const DailyReport& r) {
        return r.vehicle_id == vehicle_id && r.start_ms == shift_start_ms;
    });
    if (report == reports.end()) {
        throw ConfirmationError(ConfirmationRefusal::no_such_shift, "there is no daily report of " +
                                                                        what + " on " +
                                                                        std::string(date_jst));
    }
    // Late fixes can move a shift's start: the same shift confirmed under its old start is
    // still the one confirmed.
    for (const ReportConfirmation& c : read_confirmations(db, date_jst)) {
        if (c.vehicle_id == vehicle_id && report->start_ms <= c.shift_end_ms() &&
            report->end_ms >= c.shift_start_ms) {
            throw ConfirmationError(ConfirmationRefusal::already_confirmed,
                                    "the daily report of " + what +
                                        " is already confirmed as the shift starting " +
                                        format_time_jst(c.shift_start_ms) + " (by " +
                                        c.confirmed_by + "): it is locked");
        }
    }
    if (shift_running(*report, now, options)) {
        throw ConfirmationError(ConfirmationRefusal::still_running,
                                "the daily report of " + what +
                                    " cannot be confirmed yet: the shift may still be running "
                                    "(last fix " +
                                    format_time_jst(report->end_ms) + ", less than " +
                                    std::to_string(options.shift_break_ms / 60'000) + " min ago)");
    }

    ReportConfirmation c;
    c.vehicle_id = vehicle_id;
    c.vehicle_code = vehicle->code;
    c.report_date = std::string(date_jst);
    c.shift_start_ms = shift_start_ms;
    c.content = json_text(daily_report_json(*report));
    c.content_sha256 = sha256_hex(c.content);
    c.confirmed_by = actor;
    c.channel = channel;
    c.confirmed_ms = now;
    Statement insert(db, "INSERT INTO report_confirmations (vehicle_id, report_date, "
                         "shift_start_ms, content, content_sha256, confirmed_by, channel, "
                         "confirmed_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, c.vehicle_id)
        .bind(2, c.report_date)
        .bind(3, c.shift_start_ms)
        .bind(4, c.content)
        .bind(5, c.content_sha256)
        .bind(6, c.confirmed_by)
        .bind(7, key(c.channel))
        .bind(8, c.confirmed_ms)
        .run();
    c.id = db.last_insert_rowid();

    AuditEntry e;
    e.time_ms = now;
    e.actor = actor;
    e.channel = std::string(key(channel));
    e.action = "confirm";
    e.entity = "daily_report";
    e.entity_id = c.id;
    e.detail = json_text({{"vehicle", c.vehicle_code},
                          {"vehicle_id", c.vehicle_id},
                          {"date", c.report_date},
                          {"shift_start", format_time_jst(c.shift_start_ms)},
                          {"shift_start_ms", c.shift_start_ms},
                          {"content_sha256", c.content_sha256}});
    append_audit(db, e);
    tx.commit();
    return c;
}

std::vector<ReportConfirmation> confirmed_reports(data::Project& project, std::string_view date_jst,
                                                  std::optional<std::int64_t> contractor_id,
                                                  const DailyReportOptions& options) {
    jst_day_start_ms(date_jst);
    Fleet fleet(project);
    const std::string code = contractor_code_of(fleet, contractor_id);
    std::vector<ReportConfirmation> out = read_confirmations(project.database(), date_jst);
    if (contractor_id) {
        std::erase_if(out, [&](const ReportConfirmation& c) { return !confirmed_for(c, code); });
    }
    if (!out.empty()) {
        mark_differences(out, daily_reports(project, date_jst, std::nullopt, options));
    }
    return out;
}

std::optional<ReportConfirmation> confirmed_report(data::Project& project, std::int64_t vehicle_id,
                                                   std::int64_t shift_start_ms,
                                                   const DailyReportOptions& options) {
    Statement q(project.database(), std::string(confirmation_columns) +
                                        " WHERE r.vehicle_id = ? AND r.shift_start_ms = ?");
    q.bind(1, vehicle_id).bind(2, shift_start_ms);
    if (!q.step()) {
        return std::nullopt;
    }
    std::vector<ReportConfirmation> one{read_confirmation(q)};
    const auto vehicle = Fleet(project).vehicle(vehicle_id);
    DailyReportOptions of_vehicle = options;
    of_vehicle.vehicle_id = vehicle_id;
    mark_differences(one,
                     daily_reports(project, one[0].report_date,
                                   vehicle ? std::optional(vehicle->contractor_id) : std::nullopt,
                                   of_vehicle));
    return one[0];
}

std::vector<DailyReportState> daily_report_states(data::Project& project, std::string_view date_jst,
                                                  std::optional<std::int64_t> contractor_id,
                                                  const DailyReportOptions& options,
                                                  std::int64_t now) {
    jst_day_start_ms(date_jst);
    if (now == 0) {
        now = now_ms();
    }
    Fleet fleet(project);
    const std::string code = contractor_code_of(fleet, contractor_id);
    std::map<std::int64_t, Vehicle> vehicles;
    for (Vehicle& v : fleet.vehicles()) {
        vehicles.emplace(v.id, std::move(v));
    }
    // Every vehicle's reports: a confirmed shift is compared with its vehicle's recomputed one.
    const std::vector<DailyReport> recomputed =
        daily_reports(project, date_jst, std::nullopt, options);
    std::vector<ReportConfirmation> confirmations =
        read_confirmations(project.database(), date_jst);
    mark_differences(confirmations, recomputed);

    std::vector<DailyReportState> out;
    for (const ReportConfirmation& c : confirmations) {
        if (contractor_id && !confirmed_for(c, code)) {
            continue;
        }
        DailyReportState s;
        s.vehicle_id = c.vehicle_id;
        s.vehicle_code = c.vehicle_code;
        if (const auto v = vehicles.find(c.vehicle_id); v != vehicles.end()) {
            s.contractor_id = v->second.contractor_id;
        }
        s.shift_start_ms = c.shift_start_ms;
        s.shift_end_ms = c.shift_end_ms();
        s.report = c.content_json();
        s.confirmation = c;
        out.push_back(std::move(s));
    }
    for (const DailyReport& r : recomputed) {
        if (contractor_id && r.contractor_id != *contractor_id) {
            continue;
        }
        const bool seen = std::ranges::any_of(confirmations, [&](const ReportConfirmation& c) {
            return c.vehicle_id == r.vehicle_id && r.start_ms <= c.shift_end_ms() &&
                   r.end_ms >= c.shift_start_ms;
        });
        if (seen) {
            continue;
        }
        DailyReportState s;
        s.vehicle_id = r.vehicle_id;
        s.vehicle_code = r.vehicle_code;
        s.contractor_id = r.contractor_id;
        s.shift_start_ms = r.start_ms;
        s.shift_end_ms = r.end_ms;
        s.report = daily_report_json(r);
        s.running = shift_running(r, now, options);
        out.push_back(std::move(s));
    }
    std::ranges::sort(out, [](const DailyReportState& a, const DailyReportState& b) {
        return std::tie(a.vehicle_code, a.shift_start_ms) <
               std::tie(b.vehicle_code, b.shift_start_ms);
    });
    return out;
}

} // namespace ykm::dispatch

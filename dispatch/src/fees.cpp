#include "ykm/dispatch/fees.hpp"

#include "csv_reader.hpp"

#include "ykm/dispatch/audit_log.hpp"
#include "ykm/dispatch/daily_report.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

namespace ykm::dispatch {
namespace {

using data::Database;
using data::Statement;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr std::int64_t minute_ms = 60'000;
constexpr std::int64_t hour_ms = 3'600'000;

std::size_t machine_order(MachineType machine) {
    const auto all = all_machine_types();
    return static_cast<std::size_t>(std::ranges::find(all, machine) - all.begin());
}

std::string machine_type_list() {
    std::string list;
    for (MachineType t : all_machine_types()) {
        list += list.empty() ? "" : ", ";
        list += key(t);
    }
    return list;
}

std::string yen_text(std::int64_t yen) {
    return std::to_string(yen);
}

std::string hours_text(double hours) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%.2f", hours);
    return text.data();
}

// "dozer weekday 22:00-24:00".
std::string band_name(const FeeRate& r) {
    return std::string(key(r.machine)) + " " + std::string(key(r.day)) + " " +
           band_text(r.band_start_min, r.band_end_min);
}

nlohmann::json detail_of(const FeeRate& r) {
    return {{"machine_type", key(r.machine)},
            {"day_kind", key(r.day)},
            {"from", band_text(r.band_start_min, r.band_end_min).substr(0, 5)},
            {"to", band_text(r.band_start_min, r.band_end_min).substr(6)},
            {"yen_per_hour", r.yen_per_hour},
            {"name", r.name}};
}

void audit(Database& db, const std::string& actor, const std::string& channel, const char* action,
           const char* entity, std::int64_t id, const nlohmann::json& detail) {
    AuditEntry e;
    e.actor = actor;
    e.channel = channel;
    e.action = action;
    e.entity = entity;
    e.entity_id = id;
    e.detail = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    append_audit(db, std::move(e));
}

FeeRate read_rate(const Database& db, const Statement& q) {
    FeeRate r;
    r.id = q.column_int64(0);
    const std::string machine = q.column_text(1);
    const auto parsed = parse_machine_type(machine);
    if (!parsed) {
        throw Error(db.path().string() + ": fee rate " + std::to_string(r.id) + ": machine_type '" +
                    machine + "' is not a machine type (" + machine_type_list() + ")");
    }
    r.machine = *parsed;
    r.day = parse_day_kind(q.column_text(2)).value_or(DayKind::weekday);
    r.band_start_min = q.column_int(3);
    r.band_end_min = q.column_int(4);
    r.yen_per_hour = q.column_int64(5);
    r.name = q.column_text(6);
    return r;
}

constexpr const char* rate_columns = "SELECT id, machine_type, day_kind, band_start_min, "
                                     "band_end_min, yen_per_hour, name FROM fee_rates";

std::vector<FeeRate> read_rates(Database& db) {
    std::vector<FeeRate> out;
    Statement q(db, rate_columns);
    while (q.step()) {
        out.push_back(read_rate(db, q));
    }
    std::ranges::sort(out, [](const FeeRate& a, const FeeRate& b) {
        return std::tuple(machine_order(a.machine), a.day, a.band_start_min) <
               std::tuple(machine_order(b.machine), b.day, b.band_start_min);
    });
    return out;
}

/// A validation error that knows the CSV column it is about.
class FieldError : public Error {
public:
    FieldError(std::string field, const std::string& message)
        : Error(message), m_field(std::move(field)) {}
    [[nodiscard]] const std::string& field() const { return m_field; }

private:
    std::string m_field;
};

// Stores a band (replacing the one of the same machine, day and start); returns its id and the
// band it replaced.
std::pair<std::int64_t, std::optional<FeeRate>> store_rate(Database& db, const FeeRate& rate) {
    if (rate.band_start_min < 0 || rate.band_start_min >= minutes_per_day) {
        throw FieldError("from", "band start " + std::to_string(rate.band_start_min) +
                                     " min is outside 00:00-23:59");
    }
    if (rate.band_end_min <= rate.band_start_min || rate.band_end_min > minutes_per_day) {
        throw FieldError("to", "band " + band_text(rate.band_start_min, rate.band_end_min) +
                                   " does not end after its start and at most at 24:00");
    }
    if (rate.yen_per_hour < 0) {
        throw FieldError("yen_per_hour",
                         "yen per hour " + std::to_string(rate.yen_per_hour) + " is negative");
    }
    std::optional<FeeRate> replaced;
    for (const FeeRate& other : read_rates(db)) {
        if (other.machine != rate.machine || other.day != rate.day) {
            continue;
        }
        if (other.band_start_min == rate.band_start_min) {
            replaced = other;
            continue;
        }
        if (rate.band_start_min < other.band_end_min && other.band_start_min < rate.band_end_min) {
            throw FieldError("from", "band " + band_name(rate) + " overlaps band " +
                                         band_text(other.band_start_min, other.band_end_min) +
                                         " (id " + std::to_string(other.id) +
                                         (other.name.empty() ? "" : ", " + other.name) + ")");
        }
    }
    if (replaced) {
        Statement update(db, "UPDATE fee_rates SET band_end_min = ?, yen_per_hour = ?, name = ? "
                             "WHERE id = ?");
        update.bind(1, rate.band_end_min)
            .bind(2, rate.yen_per_hour)
            .bind(3, rate.name)
            .bind(4, replaced->id)
            .run();
        return {replaced->id, replaced};
    }
    Statement insert(db, "INSERT INTO fee_rates (machine_type, day_kind, band_start_min, "
                         "band_end_min, yen_per_hour, name) VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, key(rate.machine))
        .bind(2, key(rate.day))
        .bind(3, rate.band_start_min)
        .bind(4, rate.band_end_min)
        .bind(5, rate.yen_per_hour)
        .bind(6, rate.name)
        .run();
    return {db.last_insert_rowid(), std::nullopt};
}

constexpr std::array<const char*, 6> csv_columns{"machine_type", "day_kind",     "from",
                                                 "to",           "yen_per_hour", "name"};

std::string csv_column_list() {
    std::string list;
    for (const char* c : csv_columns) {
        list += list.empty() ? "" : ", ";
        list += c;
    }
    return list;
}

/// Calls `each(date, report)` for every daily report of the dates from `from` to `to`, a week
/// of dates read at a time: each vehicle's fixes are read about 1.25 times, not 2.75 times as
/// date by date, and no more than a week of reports is held at once.
template <class Each>
void for_each_daily_report(data::Project& project, sys_days from, sys_days to,
                           std::optional<std::int64_t> contractor_id, Each each) {
    constexpr std::chrono::days week{7};
    for (sys_days start = from; start <= to; start += week) {
        const sys_days end = std::min(to, start + week - std::chrono::days{1});
        for (auto& [date, reports] :
             daily_reports_between(project, date_text(year_month_day{start}),
                                   date_text(year_month_day{end}), contractor_id)) {
            for (const DailyReport& r : reports) {
                each(date, r);
            }
        }
    }
}

year_month_day last_day(year_month_day first) {
    return year_month_day{
        std::chrono::year_month_day_last{first.year(), std::chrono::month_day_last{first.month()}}};
}

// "YYYY-MM" as the first day of the month.
year_month_day parse_month(std::string_view month) {
    const std::string text(month);
    const auto digits = [](const std::string& part) {
        return std::ranges::all_of(part, [](char c) { return c >= '0' && c <= '9'; });
    };
    const bool shape = text.size() == 7 && text[4] == '-' && digits(text.substr(0, 4)) &&
                       digits(text.substr(5, 2));
    if (shape) {
        const year_month_day first{
            std::chrono::year{std::stoi(text.substr(0, 4))},
            std::chrono::month{static_cast<unsigned>(std::stoi(text.substr(5, 2)))},
            std::chrono::day{1}};
        if (first.ok() && static_cast<int>(first.year()) >= first_holiday_year &&
            static_cast<int>(first.year()) <= last_holiday_year) {
            return first;
        }
    }
    throw Error("month '" + text + "' is not a month YYYY-MM (" +
                std::to_string(first_holiday_year) + "-" + std::to_string(last_holiday_year) + ")");
}

std::string clock_text(std::int64_t offset_ms) {
    const auto minutes = static_cast<int>(offset_ms / minute_ms);
    std::array<char, 16> text{};
    std::snprintf(text.data(), text.size(), "%02d:%02d", minutes / 60, minutes % 60);
    return text.data();
}

} // namespace

std::string band_text(int start_min, int end_min) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%02d:%02d-%02d:%02d", start_min / 60, start_min % 60,
                  end_min / 60, end_min % 60);
    return text.data();
}

std::optional<int> parse_clock_minutes(std::string_view text) {
    if (text.size() == 4) { // "9:00"
        return parse_clock_minutes("0" + std::string(text));
    }
    if (text.size() != 5 || text[2] != ':') {
        return std::nullopt;
    }
    for (const std::size_t i : {0U, 1U, 3U, 4U}) {
        if (text[i] < '0' || text[i] > '9') {
            return std::nullopt;
        }
    }
    const int hours = (text[0] - '0') * 10 + (text[1] - '0');
    const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0)) {
        return std::nullopt;
    }
    return hours * 60 + minutes;
}

FeeTables::FeeTables(data::Project& project) : m_project(project) {}

void FeeTables::set_actor(std::string actor, std::string channel) {
    m_actor = std::move(actor);
    m_channel = std::move(channel);
}

std::vector<FeeRate> FeeTables::rates() {
    return read_rates(m_project.database());
}

std::optional<FeeRate> FeeTables::rate(std::int64_t id) {
    Statement q(m_project.database(), std::string(rate_columns) + " WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) {
        return std::nullopt;
    }
    return read_rate(m_project.database(), q);
}

std::int64_t FeeTables::set_rate(const FeeRate& rate) {
    Database& db = m_project.database();
    data::Transaction tx(db);
    const auto [id, replaced] = store_rate(db, rate);
    nlohmann::json detail = detail_of(rate);
    if (replaced) {
        detail["previous"] = detail_of(*replaced);
    }
    audit(db, m_actor, m_channel, "fee_rate.set", "fee_rate", id, detail);
    tx.commit();
    return id;
}

void FeeTables::remove_rate(std::int64_t id) {
    Database& db = m_project.database();
    data::Transaction tx(db);
    const auto old = rate(id);
    if (!old) {
        throw Error("fee rate " + std::to_string(id) + " does not exist");
    }
    Statement erase(db, "DELETE FROM fee_rates WHERE id = ?");
    erase.bind(1, id).run();
    audit(db, m_actor, m_channel, "fee_rate.remove", "fee_rate", id, detail_of(*old));
    tx.commit();
}

std::size_t FeeTables::import_csv(const std::filesystem::path& csv, bool replace_all) {
    const std::string file = csv.string();
    const std::vector<csv::Record> records =
        csv::read_csv(csv, {.lines = csv::LineStyle::colon,
                            .encoding = csv::Encoding::utf8_or_cp932,
                            .blank = csv::BlankRecords::all_fields_empty});
    if (records.empty()) {
        throw Error(file + ": no header row (columns: " + csv_column_list() + ")");
    }
    const auto where = [&file](std::size_t line) {
        return csv::at_line(file, line, csv::LineStyle::colon) + ": ";
    };
    std::map<std::string, std::size_t> column_of;
    const csv::Record& header = records.front();
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const std::string& name = header.fields[i];
        if (std::ranges::find_if(csv_columns, [&](const char* c) { return name == c; }) ==
            csv_columns.end()) {
            throw Error(where(header.line) + "unknown column '" + name +
                        "' (columns: " + csv_column_list() + ")");
        }
        if (!column_of.emplace(name, i).second) {
            throw Error(where(header.line) + "column '" + name + "' appears twice");
        }
    }
    for (const char* required : {"machine_type", "day_kind", "from", "to", "yen_per_hour"}) {
        if (!column_of.contains(required)) {
            throw Error(where(header.line) + "the column '" + required + "' is missing");
        }
    }

    Database& db = m_project.database();
    data::Transaction tx(db);
    if (replace_all) {
        db.exec("DELETE FROM fee_rates");
    }
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t r = 1; r < records.size(); ++r) {
        const csv::Record& record = records[r];
        if (record.fields.size() != header.fields.size()) {
            throw Error(where(record.line) + std::to_string(record.fields.size()) +
                        " fields, but the header has " + std::to_string(header.fields.size()));
        }
        const auto cell = [&](const char* column) -> std::string {
            const auto it = column_of.find(column);
            return it == column_of.end() ? std::string() : record.fields[it->second];
        };
        const auto fail = [&](const std::string& column, const std::string& message) -> Error {
            return Error(where(record.line) + "column '" + column + "': " + message);
        };
        FeeRate rate;
        const std::string machine = cell("machine_type");
        const auto parsed_machine = parse_machine_type(machine);
        if (!parsed_machine) {
            throw fail("machine_type",
                       "'" + machine + "' is not a machine type (" + machine_type_list() + ")");
        }
        rate.machine = *parsed_machine;
        const std::string day = cell("day_kind");
        const auto parsed_day = parse_day_kind(day);
        if (!parsed_day) {
            throw fail("day_kind", "'" + day + "' is not a day kind (weekday, holiday)");
        }
        rate.day = *parsed_day;
        for (const char* column : {"from", "to"}) {
            const std::string text = cell(column);
            const auto minutes = parse_clock_minutes(text);
            if (!minutes) {
                throw fail(column, "'" + text + "' is not a time HH:MM (00:00-24:00)");
            }
            (std::string_view(column) == "from" ? rate.band_start_min : rate.band_end_min) =
                *minutes;
        }
        const std::string yen = cell("yen_per_hour");
        const auto value = csv::parse_number(yen);
        if (!value || *value < 0 || *value != std::floor(*value) || *value > 1e12) {
            throw fail("yen_per_hour", "'" + yen + "' is not a whole number of yen of at least 0");
        }
        rate.yen_per_hour = static_cast<std::int64_t>(*value);
        rate.name = cell("name");
        try {
            store_rate(db, rate);
        } catch (const FieldError& e) {
            throw fail(e.field(), e.what());
        }
        rows.push_back(detail_of(rate));
    }
    audit(db, m_actor, m_channel, "fee_rate.import", "fee_rate", 0,
          {{"file", csv.filename().string()}, {"replace_all", replace_all}, {"rows", rows}});
    tx.commit();
    return records.size() - 1;
}

std::vector<StandbyTerms> FeeTables::standby_terms() {
    Database& db = m_project.database();
    std::vector<StandbyTerms> out;
    Statement q(db, "SELECT machine_type, standard_hours, yen_per_hour FROM standby_terms");
    while (q.step()) {
        const std::string machine = q.column_text(0);
        const auto parsed = parse_machine_type(machine);
        if (!parsed) {
            throw Error(db.path().string() + ": standby terms: machine_type '" + machine +
                        "' is not a machine type (" + machine_type_list() + ")");
        }
        out.push_back({*parsed, q.column_double(1), q.column_int64(2)});
    }
    std::ranges::sort(out, {}, [](const StandbyTerms& t) { return machine_order(t.machine); });
    return out;
}

void FeeTables::set_standby(const StandbyTerms& terms) {
    if (!std::isfinite(terms.standard_hours) || terms.standard_hours < 0 ||
        terms.standard_hours > 10'000) {
        throw Error("standby standard hours " + hours_text(terms.standard_hours) +
                    " are outside 0-10,000 h");
    }
    if (terms.yen_per_hour < 0) {
        throw Error("standby yen per hour " + yen_text(terms.yen_per_hour) + " is negative");
    }
    Database& db = m_project.database();
    data::Transaction tx(db);
    Statement write(db, "INSERT OR REPLACE INTO standby_terms (machine_type, standard_hours, "
                        "yen_per_hour) VALUES (?, ?, ?)");
    write.bind(1, key(terms.machine)).bind(2, terms.standard_hours).bind(3, terms.yen_per_hour);
    write.run();
    audit(db, m_actor, m_channel, "standby.set", "standby_terms",
          static_cast<std::int64_t>(machine_order(terms.machine)),
          {{"machine_type", key(terms.machine)},
           {"standard_hours", terms.standard_hours},
           {"yen_per_hour", terms.yen_per_hour}});
    tx.commit();
}

void FeeTables::remove_standby(MachineType machine) {
    Database& db = m_project.database();
    data::Transaction tx(db);
    {
        Statement q(db, "SELECT 1 FROM standby_terms WHERE machine_type = ?");
        q.bind(1, key(machine));
        if (!q.step()) {
            throw Error("machine type " + std::string(key(machine)) + " has no standby terms");
        }
    }
    Statement erase(db, "DELETE FROM standby_terms WHERE machine_type = ?");
    erase.bind(1, key(machine)).run();
    audit(db, m_actor, m_channel, "standby.remove", "standby_terms",
          static_cast<std::int64_t>(machine_order(machine)), {{"machine_type", key(machine)}});
    tx.commit();
}

std::optional<Season> FeeTables::season() {
    const auto start = m_project.metadata("season_start");
    const auto end = m_project.metadata("season_end");
    if (!start || !end) {
        return std::nullopt;
    }
    try {
        return Season{parse_date(*start), parse_date(*end)};
    } catch (const Error& e) {
        throw Error(m_project.path().string() + ": ykm_meta season: " + e.what());
    }
}

void FeeTables::set_season(const Season& season) {
    if (sys_days{season.end} < sys_days{season.start}) {
        throw Error("season end " + date_text(season.end) + " is before its start " +
                    date_text(season.start));
    }
    Database& db = m_project.database();
    data::Transaction tx(db);
    m_project.set_metadata("season_start", date_text(season.start));
    m_project.set_metadata("season_end", date_text(season.end));
    audit(db, m_actor, m_channel, "season.set", "project", 0,
          {{"season_start", date_text(season.start)}, {"season_end", date_text(season.end)}});
    tx.commit();
}

MonthlyFees monthly_fees(data::Project& project, std::string_view month,
                         std::optional<std::int64_t> contractor_id) {
    const year_month_day first = parse_month(month);
    const year_month_day last = last_day(first);
    Fleet fleet(project);
    if (contractor_id && !fleet.contractor(*contractor_id)) {
        throw Error("contractor " + std::to_string(*contractor_id) + " does not exist");
    }
    std::map<std::int64_t, Vehicle> vehicles;
    for (Vehicle& v : fleet.vehicles()) {
        vehicles.emplace(v.id, std::move(v));
    }
    std::map<std::int64_t, Contractor> contractors;
    for (Contractor& c : fleet.contractors()) {
        contractors.emplace(c.id, std::move(c));
    }
    FeeTables tables(project);
    const std::vector<FeeRate> all_rates = tables.rates();
    const HolidayCalendar calendar(project);

    MonthlyFees out;
    out.month = std::string(month);
    std::map<std::int64_t, VehicleFees> by_vehicle;
    const auto vehicle_fees = [&](const Vehicle& v) -> VehicleFees& {
        auto it = by_vehicle.find(v.id);
        if (it == by_vehicle.end()) {
            VehicleFees f;
            f.vehicle_id = v.id;
            f.vehicle_code = v.code;
            f.machine = v.type;
            f.contractor_id = v.contractor_id;
            if (const auto c = contractors.find(v.contractor_id); c != contractors.end()) {
                f.contractor_code = c->second.code;
                f.contractor_name = c->second.name;
            }
            it = by_vehicle.emplace(v.id, std::move(f)).first;
        }
        return it->second;
    };
    // Operating time per vehicle and report date, for the standby pay.
    std::map<std::string, std::map<std::int64_t, std::int64_t>> operating_by_date;
    std::int64_t unpaid_gap_ms = 0;

    for (sys_days d = sys_days{first}; d <= sys_days{last}; d += std::chrono::days{1}) {
        operating_by_date[date_text(year_month_day{d})];
    }
    for_each_daily_report(
        project, sys_days{first}, sys_days{last}, contractor_id,
        [&](const std::string& date, const DailyReport& r) {
            operating_by_date[date][r.vehicle_id] += r.operating_ms();
            const Vehicle& vehicle = vehicles.at(r.vehicle_id);
            VehicleFees& fees = vehicle_fees(vehicle);
            for (const GpsGap& g : r.gaps) {
                if (!g.confirmation) {
                    out.unconfirmed_gaps.push_back({r.vehicle_code, date, g.start_ms, g.end_ms});
                    unpaid_gap_ms += g.duration_ms();
                }
            }
            for (const OperatingInterval& iv : r.intervals) {
                std::int64_t t = iv.start_ms;
                while (t < iv.end_ms) {
                    const year_month_day piece_date = jst_date(t);
                    const std::string piece_date_text = date_text(piece_date);
                    const std::int64_t day_start = jst_day_start_ms(piece_date_text);
                    const DayKind kind = calendar.day_kind(piece_date);
                    const std::int64_t offset = t - day_start;
                    const auto band = std::ranges::find_if(all_rates, [&](const FeeRate& f) {
                        return f.machine == vehicle.type && f.day == kind &&
                               f.band_start_min * minute_ms <= offset &&
                               offset < f.band_end_min * minute_ms;
                    });
                    if (band == all_rates.end()) {
                        throw Error("no fee rate for " + std::string(key(vehicle.type)) + " (" +
                                    std::string(japanese_name(vehicle.type)) + ") on a " +
                                    std::string(key(kind)) + " at " + piece_date_text + " " +
                                    clock_text(offset) + " (vehicle " + vehicle.code +
                                    "); add a band with ykm fees rate set");
                    }
                    const std::int64_t end =
                        std::min(iv.end_ms, day_start + band->band_end_min * minute_ms);
                    FeeLine line;
                    line.contractor_id = fees.contractor_id;
                    line.contractor_code = fees.contractor_code;
                    line.contractor_name = fees.contractor_name;
                    line.vehicle_id = vehicle.id;
                    line.vehicle_code = vehicle.code;
                    line.machine = vehicle.type;
                    line.report_date = date;
                    line.shift_start_ms = r.start_ms;
                    line.start_ms = t;
                    line.end_ms = end;
                    line.work = iv.work;
                    line.confirmed_gap = iv.confirmed_gap;
                    const auto fixes_begin =
                        r.fix_times_ms.begin() + static_cast<std::ptrdiff_t>(iv.first_fix);
                    const auto fixes_end =
                        r.fix_times_ms.begin() + static_cast<std::ptrdiff_t>(iv.last_fix) + 1;
                    const auto lo = std::lower_bound(fixes_begin, fixes_end, t);
                    const auto hi = std::upper_bound(lo, fixes_end, end);
                    line.fix_count = static_cast<std::size_t>(hi - lo);
                    if (line.fix_count > 0) {
                        line.first_fix_ms = *lo;
                        line.last_fix_ms = *(hi - 1);
                    }
                    line.date = piece_date_text;
                    line.day = kind;
                    line.day_reason = calendar.reason(piece_date);
                    line.rate = *band;

                    auto total = std::ranges::find(fees.bands, band->id,
                                                   [](const FeeBandTotal& b) { return b.rate.id; });
                    if (total == fees.bands.end()) {
                        fees.bands.push_back({*band, 0, 0});
                        total = fees.bands.end() - 1;
                    }
                    total->duration_ms += line.duration_ms();
                    total->yen_ms += line.yen_ms();
                    fees.duration_ms += line.duration_ms();
                    out.lines.push_back(std::move(line));
                    t = end;
                }
            }
        });

    // Standby pay.
    out.season = tables.season();
    const std::vector<StandbyTerms> terms = tables.standby_terms();
    std::string standby_note;
    if (!out.season) {
        standby_note = "シーズン期間 (ykm fees season) が設定されていないため、待機補償は計算して"
                       "いません。";
    } else if (terms.empty()) {
        standby_note = "待機補償の条件 (ykm fees standby) が設定されていないため、待機補償は計算"
                       "していません。";
    } else if (sys_days{last} < sys_days{out.season->start} ||
               sys_days{first} > sys_days{out.season->end}) {
        standby_note = "この月はシーズン (" + date_text(out.season->start) + "～" +
                       date_text(out.season->end) + ") 外のため、待機補償はありません。";
    } else {
        out.settlement_month = sys_days{out.season->end} <= sys_days{last};
        const sys_days count_to = std::min(sys_days{last}, sys_days{out.season->end});
        std::map<std::int64_t, std::int64_t> season_ms;
        // The month's dates are known; the season's dates before the month are read here.
        for (const auto& [date, operating] : operating_by_date) {
            if (date >= date_text(out.season->start) &&
                date <= date_text(year_month_day{count_to})) {
                for (const auto& [id, ms] : operating) {
                    season_ms[id] += ms;
                }
            }
        }
        const sys_days before_month = std::min(count_to, sys_days{first} - std::chrono::days{1});
        for_each_daily_report(project, sys_days{out.season->start}, before_month, contractor_id,
                              [&](const std::string&, const DailyReport& r) {
                                  season_ms[r.vehicle_id] += r.operating_ms();
                              });
        for (const auto& [id, vehicle] : vehicles) {
            if (contractor_id && vehicle.contractor_id != *contractor_id) {
                continue;
            }
            const auto t = std::ranges::find(terms, vehicle.type, &StandbyTerms::machine);
            if (t == terms.end()) {
                continue;
            }
            StandbyFee s;
            s.terms = *t;
            s.season_operating_ms = season_ms[id];
            const auto standard_ms =
                static_cast<std::int64_t>(std::llround(t->standard_hours * hour_ms));
            s.shortfall_ms = std::max<std::int64_t>(0, standard_ms - s.season_operating_ms);
            s.paid = out.settlement_month;
            s.yen = s.paid ? s.shortfall_ms * t->yen_per_hour / hour_ms : 0;
            vehicle_fees(vehicle).standby = s;
        }
        const std::string period =
            date_text(out.season->start) + "～" + date_text(year_month_day{count_to});
        standby_note =
            out.settlement_month
                ? "待機補償: シーズン (" + period +
                      ") の稼働時間が標準時間に満たない時間 × 単価を、精算月のこの月に計上して"
                      "います (円未満切り捨て)。"
                : "待機補償: シーズン終了 (" + date_text(out.season->end) +
                      ") を含む月に精算します。この月は " + period +
                      " の不足時間を参考に示し、金額は計上していません。";
    }

    for (auto& [id, fees] : by_vehicle) {
        std::int64_t yen_ms = 0;
        for (const FeeBandTotal& b : fees.bands) {
            yen_ms += b.yen_ms;
        }
        fees.fee_yen = yen_ms / hour_ms;
        std::ranges::sort(fees.bands, [](const FeeBandTotal& a, const FeeBandTotal& b) {
            return std::tuple(a.rate.day, a.rate.band_start_min) <
                   std::tuple(b.rate.day, b.rate.band_start_min);
        });
        out.vehicles.push_back(std::move(fees));
    }
    std::ranges::sort(out.vehicles, [](const VehicleFees& a, const VehicleFees& b) {
        return std::tie(a.contractor_code, a.vehicle_code) <
               std::tie(b.contractor_code, b.vehicle_code);
    });
    for (const VehicleFees& v : out.vehicles) {
        if (out.contractors.empty() || out.contractors.back().contractor_id != v.contractor_id) {
            out.contractors.push_back({v.contractor_id, v.contractor_code, v.contractor_name});
        }
        ContractorFees& c = out.contractors.back();
        c.duration_ms += v.duration_ms;
        c.fee_yen += v.fee_yen;
        c.standby_yen += v.standby && v.standby->paid ? v.standby->yen : 0;
    }
    std::ranges::stable_sort(out.lines, [](const FeeLine& a, const FeeLine& b) {
        return std::tie(a.contractor_code, a.vehicle_code, a.start_ms) <
               std::tie(b.contractor_code, b.vehicle_code, b.start_ms);
    });
    std::set<std::int64_t> used;
    for (const FeeLine& l : out.lines) {
        used.insert(l.rate.id);
    }
    for (const FeeRate& r : all_rates) {
        if (used.contains(r.id)) {
            out.rates_used.push_back(r);
        }
    }

    out.notes.push_back("対象: 作業日報の日付 (作業開始日) が " + out.month +
                        " の作業の稼働時間 (回送を含む)。");
    out.notes.push_back(
        "0時をまたぐ作業は0時で分け、各日の日区分 (土日・祝日・振替休日・国民の休日・"
        "プロジェクトの休日は休日) と時間帯の単価で計算しています。");
    out.notes.push_back("金額: 明細ごとに単価 × 時間を端数のまま計算し、車両ごとの合計で円未満を"
                        "切り捨てています。業者の合計は車両ごとの金額の和です。");
    if (out.unconfirmed_gaps.empty()) {
        out.notes.push_back(
            "GPS の欠測 (2分超) は、職員が確認したものだけを稼働時間に含めています。");
    } else {
        out.notes.push_back(
            "GPS の欠測 (2分超) は、職員が確認したものだけを稼働時間に含めています。"
            "未確認の欠測 " +
            std::to_string(out.unconfirmed_gaps.size()) + " 件 (計 " +
            hours_text(static_cast<double>(unpaid_gap_ms) / hour_ms) +
            " 時間) は計上していません。");
    }
    out.notes.push_back(standby_note);
    return out;
}

} // namespace ykm::dispatch

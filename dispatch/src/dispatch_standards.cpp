#include "ykm/dispatch/dispatch_standards.hpp"

#include "csv_reader.hpp"
#include "queries.hpp"

#include "ykm/dispatch/audit_log.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

namespace ykm::dispatch {

namespace {

using data::Database;
using data::Statement;
using data::Transaction;

constexpr double max_new_snow_cm = 500.0;
constexpr double max_depth_cm = 1000.0;
constexpr std::int64_t jst_offset_ms = 9 * 3'600'000;

std::string number(double v) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%g", v);
    return text.data();
}

/// "2026-01-10 18:00", the time staff read (Japan time).
std::string jst_minute(std::int64_t time_ms) {
    std::string text = format_time_utc(time_ms + jst_offset_ms).substr(0, 16);
    text[10] = ' ';
    return text;
}

bool is_blank(const std::string& s) {
    return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

bool has_control_characters(const std::string& s) {
    return std::ranges::any_of(s, [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

template <typename T>
nlohmann::json or_null(const std::optional<T>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

/// What is wrong with a number of centimetres, if anything.
std::optional<std::string> cm_problem(double cm, double max_cm) {
    if (!std::isfinite(cm)) {
        return "is not a number";
    }
    if (cm < 0.0) {
        return "is negative";
    }
    if (cm > max_cm) {
        return "is more than " + number(max_cm) + " cm";
    }
    return std::nullopt;
}

// Observers write decimal centimetres: "0x10" is a typo, not 16.
std::optional<double> parse_number(const std::string& text) {
    if (text.find_first_of("xXpP") != std::string::npos) {
        return std::nullopt;
    }
    return csv::parse_number(text);
}

// --- times --------------------------------------------------------------------------------------

/// Reads 1 to `max_digits` digits at `i`.
std::optional<int> read_digits(std::string_view s, std::size_t& i, std::size_t min_digits,
                               std::size_t max_digits) {
    std::size_t n = 0;
    int value = 0;
    while (i < s.size() && n < max_digits && s[i] >= '0' && s[i] <= '9') {
        value = value * 10 + (s[i] - '0');
        ++i;
        ++n;
    }
    if (n < min_digits) {
        return std::nullopt;
    }
    return value;
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

} // namespace

std::optional<std::int64_t> parse_observation_time(std::string_view text) {
    const std::string_view s = trimmed(text);
    std::size_t i = 0;
    const auto year = read_digits(s, i, 4, 4);
    if (!year || i >= s.size() || (s[i] != '-' && s[i] != '/')) {
        return std::nullopt;
    }
    const char date_separator = s[i++];
    const auto month = read_digits(s, i, 1, 2);
    if (!month || i >= s.size() || s[i] != date_separator) {
        return std::nullopt;
    }
    ++i;
    const auto day = read_digits(s, i, 1, 2);
    if (!day || i >= s.size() || (s[i] != ' ' && s[i] != 'T' && s[i] != 't')) {
        return std::nullopt;
    }
    ++i;
    const auto hour = read_digits(s, i, 1, 2);
    if (!hour || i >= s.size() || s[i] != ':') {
        return std::nullopt;
    }
    ++i;
    const auto minute = read_digits(s, i, 2, 2);
    int second = 0;
    if (!minute) {
        return std::nullopt;
    }
    if (i < s.size() && s[i] == ':') {
        ++i;
        const auto sec = read_digits(s, i, 2, 2);
        if (!sec) {
            return std::nullopt;
        }
        second = *sec;
    }
    // A time without a zone is Japan time: what observers and their spreadsheets write.
    std::int64_t offset_min = 9 * 60;
    const std::string_view zone = s.substr(i);
    if (zone == "Z" || zone == "z") {
        offset_min = 0;
    } else if (!zone.empty()) {
        if (zone.front() != '+' && zone.front() != '-') {
            return std::nullopt;
        }
        std::size_t k = 1;
        const auto hh = read_digits(zone, k, 2, 2);
        if (!hh) {
            return std::nullopt;
        }
        if (k < zone.size() && zone[k] == ':') {
            ++k;
        }
        int mm = 0;
        if (k < zone.size()) {
            const auto m = read_digits(zone, k, 2, 2);
            if (!m) {
                return std::nullopt;
            }
            mm = *m;
        }
        if (k != zone.size() || *hh > 18 || mm > 59) {
            return std::nullopt;
        }
        offset_min = (zone.front() == '-' ? -1 : 1) * (*hh * 60 + mm);
    }
    using namespace std::chrono;
    const year_month_day date{std::chrono::year{*year},
                              std::chrono::month{static_cast<unsigned>(*month)},
                              std::chrono::day{static_cast<unsigned>(*day)}};
    if (!date.ok() || *hour > 23 || *minute > 59 || second > 59) {
        return std::nullopt;
    }
    const std::int64_t days = sys_days{date}.time_since_epoch().count();
    return days * 86'400'000 + ((*hour * 60LL + *minute) * 60 + second) * 1000 -
           offset_min * 60'000;
}

namespace {

// --- CSV columns ------------------------------------------------------------------------------

enum class Column : std::uint8_t { station, time, new_snow_cm, depth_cm };

struct ColumnName {
    Column column;
    std::string_view english;
    std::string_view japanese;
};

constexpr std::array<ColumnName, 4> column_names{{
    {Column::station, "station", "観測所"},
    {Column::time, "time", "日時"},
    {Column::new_snow_cm, "new_snow_cm", "新積雪"},
    {Column::depth_cm, "depth_cm", "積雪深"},
}};

std::string column_list() {
    std::string list;
    for (const ColumnName& c : column_names) {
        list += (list.empty() ? "" : ", ") + std::string(c.english) + " (" +
                std::string(c.japanese) + ")";
    }
    return list;
}

/// The column a header names: the English or Japanese name, in any case, with or without a unit
/// ("新積雪(cm)", "積雪深（cm）").
std::optional<Column> parse_column(std::string name) {
    for (const std::string_view unit : {"(cm)", "（cm）", "[cm]", "(CM)", "（ｃｍ）"}) {
        if (name.ends_with(unit)) {
            name.erase(name.size() - unit.size());
            name = std::string(trimmed(name));
        }
    }
    std::ranges::transform(name, name.begin(), [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    for (const ColumnName& c : column_names) {
        if (name == c.english || name == c.japanese) {
            return c.column;
        }
    }
    return std::nullopt;
}

// --- rows ---------------------------------------------------------------------------------------

constexpr const char* station_columns =
    "SELECT id, code, name, district_id, ST_X(geom), ST_Y(geom) FROM snow_stations";

SnowStation read_station(const Statement& row, std::optional<gis::CoordinateTransform>& to_wgs84,
                         gis::Epsg crs) {
    SnowStation s;
    s.id = row.column_int64(0);
    s.code = row.column_text(1);
    s.name = row.column_text(2);
    s.district_id = row.column_optional_int64(3);
    if (!row.is_null(4) && !row.is_null(5)) {
        if (!to_wgs84) {
            to_wgs84.emplace(crs, gis::wgs84);
        }
        const gis::XY p = to_wgs84->forward(gis::XY{row.column_double(4), row.column_double(5)});
        s.location = gis::LonLat{p.x, p.y};
    }
    return s;
}

std::optional<std::int64_t> station_id(Database& db, const std::string& code) {
    Statement q(db, "SELECT id FROM snow_stations WHERE code = ?");
    q.bind(1, code);
    if (!q.step()) {
        return std::nullopt;
    }
    return q.column_int64(0);
}

bool observation_exists(Database& db, std::int64_t station, std::int64_t time_ms) {
    Statement q(db, "SELECT 1 FROM snow_observations WHERE station_id = ? AND time_ms = ?");
    q.bind(1, station).bind(2, time_ms);
    return q.step();
}

struct Actor {
    const std::string& name;
    OrderChannel channel;
};

void audit(Database& db, const Actor& actor, const char* action, const char* entity,
           std::int64_t id, const nlohmann::json& detail) {
    AuditEntry e;
    e.actor = actor.name;
    e.channel = std::string(key(actor.channel));
    e.action = action;
    e.entity = entity;
    e.entity_id = id;
    e.detail = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    append_audit(db, std::move(e));
}

/// One observation ready to store.
struct NewObservation {
    std::int64_t station_id = 0;
    std::string station_code;
    std::int64_t time_ms = 0;
    double new_snow_cm = 0.0;
    std::optional<double> depth_cm;
};

std::int64_t insert_observation(Database& db, const NewObservation& o, const std::string& actor,
                                const std::string& source) {
    Statement insert(db, "INSERT INTO snow_observations (station_id, time_ms, new_snow_cm, "
                         "depth_cm, entered_by, source) VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, o.station_id)
        .bind(2, o.time_ms)
        .bind(3, o.new_snow_cm)
        .bind(4, o.depth_cm)
        .bind(5, actor)
        .bind(6, source)
        .run();
    return db.last_insert_rowid();
}

nlohmann::json detail_of(const NewObservation& o) {
    return {{"station", o.station_code},
            {"time_ms", o.time_ms},
            {"new_snow_cm", o.new_snow_cm},
            {"depth_cm", or_null(o.depth_cm)}};
}

} // namespace

double DistrictStandard::effective_cm() const {
    return standard_cm.value_or(default_standard_cm);
}

double DistrictStandard::effective_priority_cm() const {
    return priority_standard_cm.value_or(default_priority_standard_cm);
}

DispatchStandards::DispatchStandards(data::Project& project) : m_project(project) {}

void DispatchStandards::set_actor(std::string actor, OrderChannel channel) {
    m_actor = std::move(actor);
    m_channel = channel;
}

std::int64_t DispatchStandards::add_station(SnowStation station) {
    Database& db = m_project.database();
    if (is_blank(station.code)) {
        throw Error("station: code is empty");
    }
    if (has_control_characters(station.code) || station.code != trimmed(station.code)) {
        throw Error("station '" + station.code +
                    "': code has control characters or surrounding spaces");
    }
    const std::string who = "station " + station.code + ": ";
    if (station.district_id && !exists(db, "districts", *station.district_id)) {
        throw Error(who + "district " + std::to_string(*station.district_id) + " does not exist");
    }
    std::optional<gis::XY> position;
    if (station.location) {
        const gis::LonLat& p = *station.location;
        if (!std::isfinite(p.lon_deg) || !std::isfinite(p.lat_deg) || p.lon_deg < -180.0 ||
            p.lon_deg > 180.0 || p.lat_deg < -90.0 || p.lat_deg > 90.0) {
            throw Error(who + "location " + number(p.lon_deg) + "," + number(p.lat_deg) +
                        " is not a longitude,latitude in degrees");
        }
        const gis::CoordinateTransform to_project(gis::wgs84, m_project.crs());
        position = to_project.forward(gis::XY{p.lon_deg, p.lat_deg});
    }
    Transaction tx(db);
    if (station_id(db, station.code)) {
        throw Error("station code '" + station.code + "' is already used");
    }
    Statement insert(db, "INSERT INTO snow_stations (code, name, district_id, geom) VALUES (?, ?, "
                         "?, CASE WHEN ? IS NULL THEN NULL ELSE MakePoint(?, ?, " +
                             std::to_string(m_project.crs().code) + ") END)");
    insert.bind(1, station.code).bind(2, station.name).bind(3, station.district_id);
    if (position) {
        insert.bind(4, 1).bind(5, position->x).bind(6, position->y);
    } else {
        insert.bind_null(4).bind_null(5).bind_null(6);
    }
    insert.run();
    const std::int64_t id = db.last_insert_rowid();
    audit(db, {m_actor, m_channel}, "snow.station.add", "snow_station", id,
          {{"code", station.code},
           {"name", station.name},
           {"district_id", or_null(station.district_id)},
           {"lon", station.location ? nlohmann::json(station.location->lon_deg) : nullptr},
           {"lat", station.location ? nlohmann::json(station.location->lat_deg) : nullptr}});
    tx.commit();
    return id;
}

std::vector<SnowStation> DispatchStandards::stations() {
    std::optional<gis::CoordinateTransform> to_wgs84;
    Statement q(m_project.database(), std::string(station_columns) + " ORDER BY code");
    std::vector<SnowStation> out;
    while (q.step()) {
        out.push_back(read_station(q, to_wgs84, m_project.crs()));
    }
    return out;
}

SnowStation DispatchStandards::find_station(const std::string& code) {
    std::optional<gis::CoordinateTransform> to_wgs84;
    Statement q(m_project.database(), std::string(station_columns) + " WHERE code = ?");
    q.bind(1, code);
    if (!q.step()) {
        throw Error("station " + code + " does not exist");
    }
    return read_station(q, to_wgs84, m_project.crs());
}

std::int64_t DispatchStandards::record(const std::string& station_code, std::int64_t time_ms,
                                       double new_snow_cm, std::optional<double> depth_cm) {
    Database& db = m_project.database();
    const std::string who = "station " + station_code + ", ";
    if (const auto problem = cm_problem(new_snow_cm, max_new_snow_cm)) {
        throw Error(who + "new_snow_cm: " + number(new_snow_cm) + " " + *problem);
    }
    if (depth_cm) {
        if (const auto problem = cm_problem(*depth_cm, max_depth_cm)) {
            throw Error(who + "depth_cm: " + number(*depth_cm) + " " + *problem);
        }
    }
    Transaction tx(db);
    const auto station = station_id(db, station_code);
    if (!station) {
        throw Error("station " + station_code + " does not exist");
    }
    if (observation_exists(db, *station, time_ms)) {
        throw Error(who + "time: there is already an observation at " + jst_minute(time_ms) +
                    " JST");
    }
    const NewObservation o{*station, station_code, time_ms, new_snow_cm, depth_cm};
    const std::int64_t id = insert_observation(db, o, m_actor, std::string(key(m_channel)));
    audit(db, {m_actor, m_channel}, "snow.observation.record", "snow_observation", id,
          detail_of(o));
    tx.commit();
    return id;
}

std::size_t DispatchStandards::import_csv(const std::filesystem::path& csv) {
    const std::string file = csv.string();
    const std::vector<csv::Record> records =
        csv::read_csv(csv, {.lines = csv::LineStyle::word,
                            .encoding = csv::Encoding::utf8,
                            .blank = csv::BlankRecords::all_fields_empty});
    if (records.empty()) {
        throw Error(file + ": empty; expected a header row naming the columns " + column_list());
    }
    auto at_line = [&file](std::size_t line) {
        return csv::at_line(file, line, csv::LineStyle::word);
    };
    const csv::Record& header = records.front();
    std::map<Column, std::size_t> column_of;
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const auto column = parse_column(header.fields[i]);
        if (!column) {
            throw Error(at_line(header.line) + ": unknown column '" + header.fields[i] +
                        "' (columns: " + column_list() + ")");
        }
        if (!column_of.emplace(*column, i).second) {
            throw Error(at_line(header.line) + ": column '" + header.fields[i] + "' appears twice");
        }
    }
    for (const ColumnName& c : column_names) {
        if (c.column != Column::depth_cm && !column_of.contains(c.column)) {
            throw Error(at_line(header.line) + ": no column " + std::string(c.english) + " (" +
                        std::string(c.japanese) + ") in the header");
        }
    }

    // Everything is checked before anything is written: all rows or none.
    Database& db = m_project.database();
    std::map<std::string, std::int64_t> stations;
    {
        Statement q(db, "SELECT code, id FROM snow_stations");
        while (q.step()) {
            stations.emplace(q.column_text(0), q.column_int64(1));
        }
    }
    std::vector<NewObservation> rows;
    std::map<std::pair<std::int64_t, std::int64_t>, std::size_t> line_of;
    for (std::size_t r = 1; r < records.size(); ++r) {
        const csv::Record& record = records[r];
        if (record.fields.size() > header.fields.size()) {
            throw Error(at_line(record.line) + ": " + std::to_string(record.fields.size()) +
                        " fields, but the header has " + std::to_string(header.fields.size()));
        }
        auto cell = [&](Column column) -> std::string {
            const auto it = column_of.find(column);
            return it == column_of.end() || it->second >= record.fields.size()
                       ? std::string()
                       : record.fields[it->second];
        };
        auto fail = [&](const char* field, const std::string& value, const std::string& why) {
            return Error(at_line(record.line) + ", field " + field + ": '" + value + "' " + why);
        };
        NewObservation o;
        o.station_code = cell(Column::station);
        const auto station = stations.find(o.station_code);
        if (o.station_code.empty()) {
            throw fail("station", o.station_code, "is empty");
        }
        if (station == stations.end()) {
            throw fail("station", o.station_code, "is not a station of the project");
        }
        o.station_id = station->second;
        const std::string time = cell(Column::time);
        const auto time_ms = parse_observation_time(time);
        if (!time_ms) {
            throw fail("time", time,
                       "is not a time (ISO 8601 with offset, or 'YYYY-MM-DD HH:MM' in JST)");
        }
        o.time_ms = *time_ms;
        auto centimetres = [&](const char* field, const std::string& text, double max_cm) {
            const auto cm = parse_number(text);
            if (!cm) {
                throw fail(field, text, "is not a number of centimetres");
            }
            if (const auto problem = cm_problem(*cm, max_cm)) {
                throw fail(field, text, *problem);
            }
            return *cm;
        };
        o.new_snow_cm = centimetres("new_snow_cm", cell(Column::new_snow_cm), max_new_snow_cm);
        if (const std::string depth = cell(Column::depth_cm); !depth.empty()) {
            o.depth_cm = centimetres("depth_cm", depth, max_depth_cm);
        }
        const auto [it, added] = line_of.emplace(std::pair{o.station_id, o.time_ms}, record.line);
        if (!added) {
            throw fail("time", time,
                       "repeats station " + o.station_code + " at the time of line " +
                           std::to_string(it->second));
        }
        if (observation_exists(db, o.station_id, o.time_ms)) {
            throw fail("time", time,
                       "station " + o.station_code + " already has an observation at " +
                           jst_minute(o.time_ms) + " JST");
        }
        rows.push_back(std::move(o));
    }
    if (rows.empty()) {
        return 0;
    }
    Transaction tx(db);
    const std::string source = "csv:" + csv.filename().string();
    nlohmann::json stored = nlohmann::json::array();
    std::int64_t first_id = 0;
    for (const NewObservation& o : rows) {
        const std::int64_t id = insert_observation(db, o, m_actor, source);
        first_id = first_id == 0 ? id : first_id;
        nlohmann::json row = detail_of(o);
        row["id"] = id;
        stored.push_back(std::move(row));
    }
    audit(db, {m_actor, m_channel}, "snow.import", "snow_observation", first_id,
          {{"file", csv.filename().string()}, {"count", rows.size()}, {"observations", stored}});
    tx.commit();
    return rows.size();
}

std::vector<SnowObservation> DispatchStandards::observations(std::int64_t from_ms,
                                                             std::int64_t to_ms) {
    Statement q(m_project.database(),
                "SELECT o.id, o.station_id, s.code, o.time_ms, o.new_snow_cm, o.depth_cm, "
                "o.entered_by, o.source FROM snow_observations o JOIN snow_stations s ON s.id = "
                "o.station_id WHERE o.time_ms >= ? AND o.time_ms < ? ORDER BY o.time_ms DESC, "
                "s.code");
    q.bind(1, from_ms).bind(2, to_ms);
    std::vector<SnowObservation> out;
    while (q.step()) {
        SnowObservation o;
        o.id = q.column_int64(0);
        o.station_id = q.column_int64(1);
        o.station_code = q.column_text(2);
        o.time_ms = q.column_int64(3);
        o.new_snow_cm = q.column_double(4);
        o.depth_cm = q.column_optional_double(5);
        o.entered_by = q.column_text(6);
        o.source = q.column_text(7);
        out.push_back(std::move(o));
    }
    return out;
}

void DispatchStandards::set_standard(std::int64_t district_id, std::optional<double> standard_cm,
                                     std::optional<double> priority_standard_cm) {
    Database& db = m_project.database();
    Transaction tx(db);
    Statement current(db, "SELECT name, standard_cm, priority_standard_cm FROM districts WHERE "
                          "id = ?");
    current.bind(1, district_id);
    if (!current.step()) {
        throw Error("district " + std::to_string(district_id) + " does not exist");
    }
    DistrictStandard next{district_id, current.column_text(0), standard_cm, priority_standard_cm};
    const std::optional<double> old_standard = current.column_optional_double(1);
    const std::optional<double> old_priority = current.column_optional_double(2);
    const std::string who = "district " + next.district_name + ", ";
    for (const auto& [field, value] : {std::pair{"standard_cm", standard_cm},
                                       std::pair{"priority_standard_cm", priority_standard_cm}}) {
        if (value && !(std::isfinite(*value) && *value > 0.0 && *value <= max_new_snow_cm)) {
            throw Error(who + field + ": " + number(*value) + " is not in (0, " +
                        number(max_new_snow_cm) + "] cm");
        }
    }
    // The priority roads are the first plowed: their standard is never the higher one.
    if (next.effective_priority_cm() > next.effective_cm()) {
        throw Error(who + "priority_standard_cm: " + number(next.effective_priority_cm()) +
                    " cm is above the standard of " + number(next.effective_cm()) +
                    " cm (set both)");
    }
    Statement update(db, "UPDATE districts SET standard_cm = ?, priority_standard_cm = ? WHERE "
                         "id = ?");
    update.bind(1, standard_cm).bind(2, priority_standard_cm).bind(3, district_id).run();
    audit(db, {m_actor, m_channel}, "district.standard.set", "district", district_id,
          {{"district", next.district_name},
           {"standard_cm", or_null(standard_cm)},
           {"priority_standard_cm", or_null(priority_standard_cm)},
           {"previous",
            {{"standard_cm", or_null(old_standard)},
             {"priority_standard_cm", or_null(old_priority)}}}});
    tx.commit();
}

std::vector<DistrictStandard> DispatchStandards::standards() {
    Statement q(m_project.database(), "SELECT id, name, standard_cm, priority_standard_cm FROM "
                                      "districts ORDER BY id");
    std::vector<DistrictStandard> out;
    while (q.step()) {
        out.push_back({q.column_int64(0), q.column_text(1), q.column_optional_double(2),
                       q.column_optional_double(3)});
    }
    return out;
}

std::vector<OrderProposal> DispatchStandards::proposals(std::int64_t now_ms,
                                                        std::int64_t lookback_ms,
                                                        std::int64_t window_start_ms,
                                                        std::int64_t window_end_ms) {
    if (lookback_ms < 0) {
        throw Error("proposals: the lookback is negative");
    }
    if (window_end_ms <= window_start_ms) {
        throw Error("proposals: the time window ends before it starts");
    }
    Database& db = m_project.database();
    Orders orders(m_project);
    Statement largest(db, "SELECT s.code, o.time_ms, o.new_snow_cm FROM snow_observations o JOIN "
                          "snow_stations s ON s.id = o.station_id WHERE s.district_id = ? AND "
                          "o.time_ms >= ? AND o.time_ms <= ? ORDER BY o.new_snow_cm DESC, "
                          "o.time_ms DESC, s.code LIMIT 1");
    Statement open_order(db, "SELECT number FROM orders WHERE district_id = ? AND status NOT IN "
                             "('completed', 'inspected', 'cancelled') AND window_start_ms <= ? "
                             "AND window_end_ms > ? LIMIT 1");
    Statement length(db, "SELECT length_m FROM road_segments WHERE id = ?");
    Statement contractor(db, "SELECT contractor_id FROM vehicles WHERE district_id = ? GROUP BY "
                             "contractor_id ORDER BY count(*) DESC, contractor_id LIMIT 1");
    std::vector<OrderProposal> out;
    for (const DistrictStandard& standard : standards()) {
        largest.bind(1, standard.district_id).bind(2, now_ms - lookback_ms).bind(3, now_ms);
        if (!largest.step()) {
            largest.reset();
            continue;
        }
        OrderProposal p;
        p.district_id = standard.district_id;
        p.district_name = standard.district_name;
        p.station_code = largest.column_text(0);
        p.observed_ms = largest.column_int64(1);
        p.new_snow_cm = largest.column_double(2);
        largest.reset();
        if (p.new_snow_cm >= standard.effective_cm()) {
            p.threshold_cm = standard.effective_cm();
            p.segments = orders.district_segments(p.district_id);
        } else if (p.new_snow_cm >= standard.effective_priority_cm()) {
            p.threshold_cm = standard.effective_priority_cm();
            p.priority_only = true;
            p.segments = id_column(db,
                                   "SELECT id FROM road_segments WHERE district_id = ? AND "
                                   "priority = 1 ORDER BY id",
                                   p.district_id);
        } else {
            continue;
        }
        if (p.segments.empty()) {
            continue;
        }
        open_order.bind(1, p.district_id).bind(2, window_start_ms).bind(3, window_start_ms);
        const bool already_ordered = open_order.step();
        open_order.reset();
        if (already_ordered) {
            continue;
        }
        for (const std::int64_t s : p.segments) {
            length.bind(1, s);
            if (length.step()) {
                p.length_m += length.column_double(0);
            }
            length.reset();
        }
        contractor.bind(1, p.district_id);
        if (contractor.step()) {
            p.contractor_id = contractor.column_int64(0);
        }
        contractor.reset();
        if (p.contractor_id) {
            Statement vehicles(db, "SELECT id FROM vehicles WHERE district_id = ? AND "
                                   "contractor_id = ? ORDER BY id");
            vehicles.bind(1, p.district_id).bind(2, *p.contractor_id);
            while (vehicles.step()) {
                p.vehicles.push_back(vehicles.column_int64(0));
            }
        }
        p.draft.district_id = p.district_id;
        p.draft.contractor_id = p.contractor_id.value_or(0);
        p.draft.work = data::WorkType::plow;
        p.draft.window_start_ms = window_start_ms;
        p.draft.window_end_ms = window_end_ms;
        p.draft.segments = p.segments;
        p.draft.vehicles = p.vehicles;
        p.draft.instructions =
            "出動基準超過: 観測所 " + p.station_code + " 新積雪 " + number(p.new_snow_cm) +
            " cm (" + jst_minute(p.observed_ms) + ")、" +
            (p.priority_only ? "重点基準 " : "基準 ") + number(p.threshold_cm) +
            " cm 以上: " + (p.priority_only ? "第1種路線のみ" : "第1種〜第3種路線");
        out.push_back(std::move(p));
    }
    return out;
}

} // namespace ykm::dispatch

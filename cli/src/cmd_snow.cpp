#include "commands.hpp"
#include "jst_time.hpp"

#include "ykm/data/project.hpp"
#include "ykm/dispatch/dispatch_standards.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/orders.hpp"
#include "ykm/dispatch/position_input.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

namespace ykm::cli {

namespace {

constexpr const char* snow_usage =
    R"(usage: ykm snow station add PROJECT CODE [--name N] [--district D] [--at LON,LAT]
       ykm snow station list PROJECT [--json]
       ykm snow add PROJECT STATION --time T --new CM [--depth CM]
       ykm snow import PROJECT FILE.csv
       ykm snow list PROJECT [--from T] [--to T] [--json]
       ykm snow standard PROJECT DISTRICT [--cm X] [--priority-cm Y] [--default]
       ykm snow standards PROJECT [--json]
       (changes take [--actor NAME] [--channel desktop|phone|print|cli])

Snowfall observations and dispatch standards (出動基準). Each observation point (観測所) has a
code and may belong to a district (工区: name, code or id) and have a position (--at, WGS 84
degrees). An observation is the new snow (新積雪, --new) and optionally the snow depth (積雪深,
--depth) in centimetres at a station at a time; a station has at most one per time.

import reads a UTF-8 CSV file (a BOM is fine) whose header names the columns station, time,
new_snow_cm, depth_cm (or 観測所, 日時, 新積雪, 積雪深) in any order; depth may be empty. All
rows are imported or none.

A district is dispatched when the new snow at one of its stations reaches its standard (default
10 cm: all classed roads) or its priority standard (default 5 cm: class 1 roads only). standard
sets a district's thresholds; --default returns both to the defaults. See 'ykm order propose'.

Times: 'YYYY-MM-DD HH:MM' (Japan time) or ISO 8601 such as 2026-01-10T18:00+09:00.
Every change is written to the audit log (--actor, default the login name; --channel, default
cli).
)";

constexpr const char* propose_usage =
    R"(usage: ykm order propose PROJECT [--at T] [--lookback-h H] [--window HH:MM-HH:MM]
                         [--create] [--json] [--actor NAME] [--channel desktop|phone|print|cli]

The orders the dispatch standards (出動基準) call for at time T (default now): for each district,
the largest new snow observed at its stations in the H hours before T (default 24) against its
standard (all classed roads) and priority standard (class 1 roads only). A district with an open
order whose window covers the start of the window is left out. The suggested contractor is the
one with most vehicles in the district, with those vehicles.

  --window HH:MM-HH:MM  the orders' time window in Japan time (default 21:00-06:00): the one
                        under way at T, else the next one
  --create              store the proposals as draft orders (all or none) and print their
                        numbers
)";

double cm_value(const std::string& text, const std::string& what) {
    try {
        std::size_t used = 0;
        const double value = std::stod(text, &used);
        if (used == text.size() && std::isfinite(value)) {
            return value;
        }
    } catch (const std::exception&) {
    }
    throw UsageError(what + " '" + text + "' is not a number of centimetres");
}

std::int64_t time_value(const std::string& text, const std::string& what) {
    auto at = parse_time_ms(text);
    if (!at) {
        at = dispatch::parse_observation_time(text);
    }
    if (!at) {
        throw UsageError(what + " '" + text +
                         "' is not a time ('YYYY-MM-DD HH:MM' in JST or ISO 8601)");
    }
    return *at;
}

dispatch::OrderActor actor_of(Args& args, const std::string& command) {
    dispatch::OrderActor actor;
    actor.channel = dispatch::OrderChannel::cli;
    if (auto text = args.take("--channel")) {
        const auto channel = dispatch::parse_order_channel(*text);
        if (!channel || *channel == dispatch::OrderChannel::portal) {
            throw UsageError(command + ": --channel '" + *text +
                             "' is not desktop, phone, print or cli");
        }
        actor.channel = *channel;
    }
    actor.name = args.take("--actor").value_or(login_name());
    return actor;
}

std::string cm_text(double cm) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%g cm", cm);
    return text.data();
}

std::string minute_jst(std::int64_t ms) {
    std::string text = iso_jst(ms).substr(0, 16);
    text[10] = ' ';
    return text;
}

std::int64_t district_id(data::Project& project, const std::string& name_code_or_id) {
    dispatch::Fleet fleet(project);
    const auto id = fleet.find_district(name_code_or_id);
    if (!id) {
        throw Error("district '" + name_code_or_id + "' does not exist");
    }
    return *id;
}

std::string district_label(data::Project& project, std::optional<std::int64_t> id) {
    if (!id) {
        return "";
    }
    dispatch::Fleet fleet(project);
    return fleet.district_name(*id).value_or(std::to_string(*id));
}

/// The dispatch standards of `project`, with changes recorded as made by `actor`.
dispatch::DispatchStandards standards_of(data::Project& project,
                                         const dispatch::OrderActor& actor) {
    dispatch::DispatchStandards standards(project);
    standards.set_actor(actor.name, actor.channel);
    return standards;
}

/// Prints `items` as an indented JSON array of what `to_json` makes of each.
template <typename Items, typename ToJson>
void print_json_array(const Items& items, ToJson to_json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : items) {
        out.push_back(to_json(item));
    }
    std::printf("%s\n", out.dump(2).c_str());
}

int station_add(Args& args) {
    const auto name = args.take("--name");
    const auto district = args.take("--district");
    const auto at = args.take("--at");
    const dispatch::OrderActor actor = actor_of(args, "snow station add");
    const auto files = args.positional(2, 2, "snow station add PROJECT CODE [--name N] ...");
    dispatch::SnowStation station;
    station.code = files[1];
    station.name = name.value_or("");
    if (at) {
        const std::size_t comma = at->find(',');
        std::optional<double> lon;
        std::optional<double> lat;
        try {
            std::size_t used_lon = 0;
            std::size_t used_lat = 0;
            if (comma != std::string::npos) {
                const std::string lat_text = at->substr(comma + 1);
                lon = std::stod(at->substr(0, comma), &used_lon);
                lat = std::stod(lat_text, &used_lat);
                if (used_lon != comma || used_lat != lat_text.size()) {
                    lon.reset();
                }
            }
        } catch (const std::exception&) {
            lon.reset();
        }
        if (!lon || !lat) {
            throw UsageError("snow station add: --at '" + *at +
                             "' is not LON,LAT in degrees (e.g. 140.74,40.82)");
        }
        station.location = gis::LonLat{*lon, *lat};
    }
    data::Project project = data::Project::open(files[0]);
    if (district) {
        station.district_id = district_id(project, *district);
    }
    dispatch::DispatchStandards standards = standards_of(project, actor);
    const std::int64_t id = standards.add_station(station);
    std::printf("station %s added (id %lld)%s%s\n", station.code.c_str(),
                static_cast<long long>(id), station.district_id ? " in " : "",
                district_label(project, station.district_id).c_str());
    return 0;
}

int station_list(Args& args) {
    const bool as_json = args.flag("--json");
    const auto files = args.positional(1, 1, "snow station list PROJECT [--json]");
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    dispatch::DispatchStandards standards(project);
    const auto stations = standards.stations();
    if (as_json) {
        print_json_array(stations, [&project](const dispatch::SnowStation& s) -> nlohmann::json {
            return {{"id", s.id},
                    {"code", s.code},
                    {"name", s.name},
                    {"district", s.district_id
                                     ? nlohmann::json(district_label(project, s.district_id))
                                     : nlohmann::json(nullptr)},
                    {"lon", s.location ? nlohmann::json(s.location->lon_deg) : nullptr},
                    {"lat", s.location ? nlohmann::json(s.location->lat_deg) : nullptr}};
        });
        return 0;
    }
    std::printf("%-12s %-24s %-16s %s\n", "code", "name", "district", "lon,lat");
    for (const auto& s : stations) {
        std::array<char, 64> where{};
        if (s.location) {
            std::snprintf(where.data(), where.size(), "%.6f,%.6f", s.location->lon_deg,
                          s.location->lat_deg);
        } else {
            std::snprintf(where.data(), where.size(), "-");
        }
        std::printf("%-12s %-24s %-16s %s\n", s.code.c_str(), s.name.c_str(),
                    s.district_id ? district_label(project, s.district_id).c_str() : "-",
                    where.data());
    }
    return 0;
}

int snow_add(Args& args) {
    const auto time = args.take("--time");
    const auto new_snow = args.take("--new");
    const auto depth = args.take("--depth");
    const dispatch::OrderActor actor = actor_of(args, "snow add");
    const auto files = args.positional(2, 2, "snow add PROJECT STATION --time T --new CM");
    if (!time || !new_snow) {
        throw UsageError("snow add: --time T and --new CM are required");
    }
    const std::int64_t time_ms = time_value(*time, "snow add: --time");
    const double new_cm = cm_value(*new_snow, "snow add: --new");
    std::optional<double> depth_cm;
    if (depth) {
        depth_cm = cm_value(*depth, "snow add: --depth");
    }
    data::Project project = data::Project::open(files[0]);
    dispatch::DispatchStandards standards = standards_of(project, actor);
    const std::int64_t id = standards.record(files[1], time_ms, new_cm, depth_cm);
    std::printf("station %s, %s: new snow %s%s%s recorded (id %lld)\n", files[1].c_str(),
                minute_jst(time_ms).c_str(), cm_text(new_cm).c_str(), depth_cm ? ", depth " : "",
                depth_cm ? cm_text(*depth_cm).c_str() : "", static_cast<long long>(id));
    return 0;
}

int snow_import(Args& args) {
    const dispatch::OrderActor actor = actor_of(args, "snow import");
    const auto files = args.positional(2, 2, "snow import PROJECT FILE.csv");
    data::Project project = data::Project::open(files[0]);
    dispatch::DispatchStandards standards = standards_of(project, actor);
    const std::size_t count = standards.import_csv(files[1]);
    std::printf("%s: %zu observation%s imported\n", files[1].c_str(), count, count == 1 ? "" : "s");
    return 0;
}

int snow_list(Args& args) {
    const auto from = time_option(args, "--from");
    const auto to = time_option(args, "--to");
    const bool as_json = args.flag("--json");
    const auto files = args.positional(1, 1, "snow list PROJECT [--from T] [--to T] [--json]");
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    dispatch::DispatchStandards standards(project);
    const auto list =
        standards.observations(from.value_or(std::numeric_limits<std::int64_t>::min()),
                               to.value_or(std::numeric_limits<std::int64_t>::max()));
    if (as_json) {
        print_json_array(list, [](const dispatch::SnowObservation& o) -> nlohmann::json {
            return {{"id", o.id},
                    {"station", o.station_code},
                    {"time", iso_jst(o.time_ms)},
                    {"new_snow_cm", o.new_snow_cm},
                    {"depth_cm", o.depth_cm ? nlohmann::json(*o.depth_cm) : nullptr},
                    {"entered_by", o.entered_by},
                    {"source", o.source}};
        });
        return 0;
    }
    std::printf("%-16s %-12s %10s %10s  %s\n", "time (JST)", "station", "new snow", "depth",
                "entered by");
    for (const auto& o : list) {
        std::printf("%-16s %-12s %10s %10s  %s (%s)\n", minute_jst(o.time_ms).c_str(),
                    o.station_code.c_str(), cm_text(o.new_snow_cm).c_str(),
                    o.depth_cm ? cm_text(*o.depth_cm).c_str() : "-", o.entered_by.c_str(),
                    o.source.c_str());
    }
    return 0;
}

std::string standard_text(const dispatch::DistrictStandard& s) {
    return "standard " + cm_text(s.effective_cm()) + (s.standard_cm ? "" : " (default)") +
           ", priority standard " + cm_text(s.effective_priority_cm()) +
           (s.priority_standard_cm ? "" : " (default)");
}

int snow_standard(Args& args) {
    const auto cm = args.take("--cm");
    const auto priority_cm = args.take("--priority-cm");
    const bool to_default = args.flag("--default");
    const dispatch::OrderActor actor = actor_of(args, "snow standard");
    const auto files = args.positional(2, 2, "snow standard PROJECT DISTRICT [--cm X] ...");
    if (to_default && (cm || priority_cm)) {
        throw UsageError("snow standard: --default resets both standards; give it alone");
    }
    if (!to_default && !cm && !priority_cm) {
        throw UsageError("snow standard: give --cm, --priority-cm or --default");
    }
    std::optional<double> standard_cm;
    std::optional<double> priority_standard_cm;
    if (cm) {
        standard_cm = cm_value(*cm, "snow standard: --cm");
    }
    if (priority_cm) {
        priority_standard_cm = cm_value(*priority_cm, "snow standard: --priority-cm");
    }
    data::Project project = data::Project::open(files[0]);
    const std::int64_t id = district_id(project, files[1]);
    dispatch::DispatchStandards standards = standards_of(project, actor);
    if (!to_default) {
        // The threshold not given keeps its stored value.
        for (const auto& s : standards.standards()) {
            if (s.district_id == id) {
                standard_cm = cm ? standard_cm : s.standard_cm;
                priority_standard_cm = priority_cm ? priority_standard_cm : s.priority_standard_cm;
            }
        }
    }
    standards.set_standard(id, standard_cm, priority_standard_cm);
    for (const auto& s : standards.standards()) {
        if (s.district_id == id) {
            std::printf("district %s: %s\n", s.district_name.c_str(), standard_text(s).c_str());
        }
    }
    return 0;
}

int snow_standards(Args& args) {
    const bool as_json = args.flag("--json");
    const auto files = args.positional(1, 1, "snow standards PROJECT [--json]");
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    dispatch::DispatchStandards standards(project);
    const auto list = standards.standards();
    if (as_json) {
        print_json_array(list, [](const dispatch::DistrictStandard& s) -> nlohmann::json {
            return {{"district_id", s.district_id},
                    {"district", s.district_name},
                    {"standard_cm", s.effective_cm()},
                    {"priority_standard_cm", s.effective_priority_cm()},
                    {"standard_is_default", !s.standard_cm.has_value()},
                    {"priority_standard_is_default", !s.priority_standard_cm.has_value()}};
        });
        return 0;
    }
    std::printf("%4s  %-16s %s\n", "id", "district", "dispatch standards (新積雪)");
    for (const auto& s : list) {
        std::printf("%4lld  %-16s %s\n", static_cast<long long>(s.district_id),
                    s.district_name.c_str(), standard_text(s).c_str());
    }
    return 0;
}

/// The night window `text` ("21:00-06:00", Japan time) under way at `at_ms`, else the next one.
std::pair<std::int64_t, std::int64_t> window_of(const std::string& text, std::int64_t at_ms) {
    const std::size_t dash = text.find('-');
    const std::string from = dash == std::string::npos ? text : text.substr(0, dash);
    const std::string to = dash == std::string::npos ? "" : text.substr(dash + 1);
    constexpr std::int64_t day_ms = 86'400'000;
    // The latest start at or before `at`, and the first end after it.
    const auto start = parse_clock_ms(from, at_ms - day_ms + 1);
    const auto end = start ? parse_clock_ms(to, *start + 1) : std::nullopt;
    if (!start || !end) {
        throw UsageError("order propose: --window '" + text +
                         "' is not HH:MM-HH:MM (Japan time, e.g. 21:00-06:00)");
    }
    if (*end <= at_ms) {
        return {*start + day_ms, *end + day_ms};
    }
    return {*start, *end};
}

} // namespace

int run_snow(Args& args) {
    const auto sub =
        args.take_subcommand({"station", "add", "import", "list", "standard", "standards"});
    if (!sub || args.flag("--help")) {
        std::fputs(snow_usage, sub ? stdout : stderr);
        return sub ? 0 : 2;
    }
    if (*sub == "station") {
        const auto what = args.take_subcommand({"add", "list"});
        if (!what) {
            throw UsageError("snow station: expected add or list (see ykm snow --help)");
        }
        return *what == "add" ? station_add(args) : station_list(args);
    }
    if (*sub == "add") {
        return snow_add(args);
    }
    if (*sub == "import") {
        return snow_import(args);
    }
    if (*sub == "list") {
        return snow_list(args);
    }
    if (*sub == "standard") {
        return snow_standard(args);
    }
    return snow_standards(args);
}

int run_order_propose(Args& args) {
    if (args.flag("--help")) {
        std::fputs(propose_usage, stdout);
        return 0;
    }
    const auto at_text = args.take("--at");
    const auto lookback = args.take("--lookback-h");
    const std::string window = args.take("--window").value_or("21:00-06:00");
    const bool create = args.flag("--create");
    const bool as_json = args.flag("--json");
    const dispatch::OrderActor actor = actor_of(args, "order propose");
    const auto files = args.positional(1, 1, "order propose PROJECT [--at T] [--create] ...");
    const std::int64_t at = at_text ? time_value(*at_text, "order propose: --at")
                                    : dispatch::now_ms() / 60'000 * 60'000;
    const double lookback_h =
        lookback ? parse_non_negative(*lookback, "order propose: --lookback-h") : 24.0;
    if (lookback_h > 24.0 * 366) {
        throw UsageError("order propose: --lookback-h '" + *lookback + "' is more than a year");
    }
    const auto [window_start, window_end] = window_of(window, at);

    data::Project project = data::Project::open(files[0], create ? data::OpenMode::read_write
                                                                 : data::OpenMode::read_only);
    dispatch::DispatchStandards standards(project);
    const auto proposals =
        standards.proposals(at, static_cast<std::int64_t>(std::llround(lookback_h * 3'600'000.0)),
                            window_start, window_end);
    dispatch::Fleet fleet(project);
    std::vector<std::string> numbers(proposals.size());
    if (create) {
        for (const auto& p : proposals) {
            if (!p.contractor_id) {
                throw Error("order propose: district " + p.district_name +
                            " has no contractor with vehicles in it; nothing was created "
                            "(give its vehicles a district, or create that order by hand)");
            }
        }
        dispatch::Orders orders(project);
        data::Transaction tx(project.database());
        for (std::size_t k = 0; k < proposals.size(); ++k) {
            const std::int64_t id = orders.create(proposals[k].draft, actor);
            numbers[k] = orders.order(id)->number;
        }
        tx.commit();
    }
    auto vehicle_codes = [&fleet](const std::vector<std::int64_t>& ids) {
        std::vector<std::string> codes;
        for (const std::int64_t v : ids) {
            const auto vehicle = fleet.vehicle(v);
            codes.push_back(vehicle ? vehicle->code : std::to_string(v));
        }
        return codes;
    };
    auto contractor_code = [&fleet](const std::optional<std::int64_t>& id) -> std::string {
        if (!id) {
            return "";
        }
        const auto c = fleet.contractor(*id);
        return c ? c->code : std::to_string(*id);
    };
    if (as_json) {
        nlohmann::json list = nlohmann::json::array();
        for (std::size_t k = 0; k < proposals.size(); ++k) {
            const auto& p = proposals[k];
            list.push_back(
                {{"district_id", p.district_id},
                 {"district", p.district_name},
                 {"station", p.station_code},
                 {"observed", iso_jst(p.observed_ms)},
                 {"new_snow_cm", p.new_snow_cm},
                 {"threshold_cm", p.threshold_cm},
                 {"priority_only", p.priority_only},
                 {"segments", p.segments},
                 {"km", p.length_m / 1000.0},
                 {"contractor", p.contractor_id ? nlohmann::json(contractor_code(p.contractor_id))
                                                : nlohmann::json(nullptr)},
                 {"vehicles", vehicle_codes(p.vehicles)},
                 {"instructions", p.draft.instructions},
                 {"order",
                  numbers[k].empty() ? nlohmann::json(nullptr) : nlohmann::json(numbers[k])}});
        }
        const nlohmann::json out = {
            {"at", iso_jst(at)},
            {"lookback_h", lookback_h},
            {"window", {{"from", iso_jst(window_start)}, {"to", iso_jst(window_end)}}},
            {"proposals", list}};
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    std::printf(
        "dispatch standards at %s (new snow since %s), window %s to %s:\n", minute_jst(at).c_str(),
        minute_jst(at - static_cast<std::int64_t>(std::llround(lookback_h * 3'600'000.0))).c_str(),
        minute_jst(window_start).c_str(), minute_jst(window_end).c_str());
    if (proposals.empty()) {
        std::printf("  no district to dispatch\n");
    }
    for (std::size_t k = 0; k < proposals.size(); ++k) {
        const auto& p = proposals[k];
        std::string vehicles;
        for (const std::string& code : vehicle_codes(p.vehicles)) {
            vehicles += (vehicles.empty() ? "" : ", ") + code;
        }
        std::printf("  %s: station %s new snow %s at %s >= %s %s: %zu roads (%s), %.2f km, "
                    "contractor %s%s%s%s\n",
                    p.district_name.c_str(), p.station_code.c_str(), cm_text(p.new_snow_cm).c_str(),
                    minute_jst(p.observed_ms).c_str(),
                    p.priority_only ? "priority standard" : "standard",
                    cm_text(p.threshold_cm).c_str(), p.segments.size(),
                    p.priority_only ? "class 1 only" : "classes 1-3", p.length_m / 1000.0,
                    p.contractor_id ? contractor_code(p.contractor_id).c_str() : "none",
                    vehicles.empty() ? "" : " (", vehicles.c_str(), vehicles.empty() ? "" : ")");
    }
    for (std::size_t k = 0; k < numbers.size(); ++k) {
        if (!numbers[k].empty()) {
            std::printf("order %s created (draft) for %s\n", numbers[k].c_str(),
                        proposals[k].district_name.c_str());
            std::printf("order=%s\n", numbers[k].c_str());
        }
    }
    return 0;
}

} // namespace ykm::cli

#include "commands.hpp"

#include "ykm/data/project.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/dispatch/coverage.hpp"
#include "ykm/dispatch/fix_validator.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gis/road_graph.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace ykm::cli {
namespace {

constexpr const char* track_usage =
    R"(usage: ykm track import PROJECT FILE... [--device ID] [--no-coverage]
       ykm track export PROJECT --vehicle CODE [--from T] [--to T] -o FILE.gpx|FILE.csv

import   stores the fixes of logger files in the season log, late and out of order:
         GPX (trkpt with time), NMEA 0183 logs (.nmea, .nma, .log, .txt: RMC and GGA), or CSV
         with a header: device_id|device|id, time|timestamp, lat, lon and optional
         speed_kmh|speed_mps|speed (m/s), bearing, altitude, accuracy, battery, work, blade.
         --device names the device where the file does not (GPX always; NMEA without $PYKM).
         Every file is read before anything is stored; a malformed record stops the import
         with FILE:LINE. Fixes of devices no vehicle has are an error; 0,0, impossible and far
         away positions are skipped and counted; fixes already stored count as duplicates.
         Then the coverage of each vehicle over the time its fixes span is recomputed
         (map matching and passes), unless --no-coverage.
export   writes a vehicle's stored fixes with from <= time < to as GPX 1.1 or as CSV in the
         import format. T is ISO 8601 with a zone (2026-01-15T21:00:00+09:00) or Unix seconds.
)";

/// Recomputes the coverage of the vehicles over the time the imported fixes span (the season
/// log already holds them), so passes driven while a logger was offline count.
void after_import(data::Project& project, std::optional<gis::RoadGraph>& graph,
                  std::span<const data::Fix> stored) {
    std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> spans;
    for (const data::Fix& f : stored) {
        auto [it, added] = spans.try_emplace(f.vehicle_id, f.time_ms, f.time_ms);
        it->second.first = std::min(it->second.first, f.time_ms);
        it->second.second = std::max(it->second.second, f.time_ms);
    }
    if (spans.empty()) {
        return;
    }
    if (!graph) {
        graph.emplace(project.load_road_network());
    }
    std::size_t passes = 0;
    for (const auto& [vehicle, span] : spans) {
        passes += dispatch::rebuild_coverage(project, *graph, vehicle, span.first, span.second + 1)
                      .size();
    }
    std::printf("coverage recomputed for %zu vehicles: %zu passes\n", spans.size(), passes);
}

int run_import(const std::vector<std::string>& rest, const std::string& device, bool no_coverage) {
    if (rest.size() < 3) {
        throw UsageError("track: expected import PROJECT FILE... [--device ID] (see --help)");
    }
    const std::filesystem::path project_path = rest[1];
    const std::vector<std::string> files(rest.begin() + 2, rest.end());

    // Everything is read first, so a malformed file stops the import before anything is stored.
    std::vector<std::vector<dispatch::DeviceFix>> contents;
    for (const std::string& file : files) {
        contents.push_back(dispatch::read_track_file(file, device));
    }
    data::Project project = data::Project::open(project_path, data::OpenMode::read_write);
    data::SeasonLog::open_for_logging(project.database());
    auto devices = dispatch::load_device_table(project.database());
    std::optional<gis::RoadGraph> graph;
    for (std::size_t i = 0; i < files.size(); ++i) {
        std::set<std::string> unknown;
        for (const auto& f : contents[i]) {
            if (!devices.contains(f.device_id)) {
                unknown.insert(f.device_id);
            }
        }
        if (!unknown.empty()) {
            throw Error(files[i] + ": device '" + *unknown.begin() + "' is not registered in " +
                        project_path.string() + " (give the vehicle this device id first)");
        }
    }

    dispatch::FixValidator validator(devices, project.info().extent_lonlat);
    data::SeasonLog log(project.database());
    const std::int64_t now = dispatch::now_ms();
    std::size_t total_stored = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
        auto& fixes = contents[i];
        // The speed check needs each device's fixes in time order.
        std::stable_sort(fixes.begin(), fixes.end(), [](const auto& a, const auto& b) {
            return a.device_id != b.device_id ? a.device_id < b.device_id
                                              : a.fix.time_ms < b.fix.time_ms;
        });
        std::map<std::int64_t, std::optional<std::int64_t>> last_stored;
        std::vector<data::Fix> accepted;
        std::map<std::string, std::size_t> rejected;
        std::size_t rejected_count = 0;
        std::size_t jumps = 0;
        for (const auto& f : fixes) {
            dispatch::FixVerdict verdict = validator.check(f, now);
            if (!verdict.accepted) {
                ++rejected[std::string(dispatch::key(*verdict.rejected))];
                ++rejected_count;
                continue;
            }
            data::Fix fix = *verdict.accepted;
            fix.flags |= data::fix_flags::imported;
            auto [last, fresh] = last_stored.try_emplace(fix.vehicle_id);
            if (fresh) {
                last->second = log.last_time(fix.vehicle_id);
            }
            if (last->second && fix.time_ms < *last->second) {
                fix.flags |= data::fix_flags::late;
            }
            if ((fix.flags & data::fix_flags::speed_jump) != 0) {
                ++jumps;
            }
            accepted.push_back(fix);
        }
        const data::AppendResult r = log.append(accepted);
        total_stored += r.stored;
        std::string reasons;
        for (const auto& [reason, count] : rejected) {
            reasons += (reasons.empty() ? " (" : ", ") + reason + " " + std::to_string(count);
        }
        if (!reasons.empty()) {
            reasons += ")";
        }
        std::printf("%s: %zu fixes stored, %zu duplicates, %zu rejected%s, %zu flagged as speed "
                    "jumps\n",
                    files[i].c_str(), r.stored, r.duplicates, rejected_count, reasons.c_str(),
                    jumps);
        if (!no_coverage) {
            after_import(project, graph, accepted);
        }
    }
    if (files.size() > 1) {
        std::printf("%zu fixes stored from %zu files\n", total_stored, files.size());
    }
    return 0;
}

std::string number(double v) {
    std::array<char, 32> buffer{};
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
    return ec == std::errc{} ? std::string(buffer.data(), end) : std::string();
}

std::string degrees(double v) {
    std::array<char, 32> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%.7f", v);
    return std::string(buffer.data()); // snprintf cuts and terminates
}

std::string optional_number(const std::optional<double>& v) {
    return v ? number(*v) : std::string();
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos) {
        return text;
    }
    std::string out = "\"";
    for (char c : text) {
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return out + "\"";
}

void write_gpx(std::ostream& out, const std::string& code, const std::vector<data::Fix>& fixes) {
    out << R"(<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Yukimichi" xmlns="http://www.topografix.com/GPX/1/1" xmlns:ykm="urn:yukimichi:gpx:1">
  <trk>
    <name>)"
        << dispatch::xml_escaped(code) << "</name>\n    <trkseg>\n";
    for (const data::Fix& f : fixes) {
        out << "      <trkpt lat=\"" << degrees(f.position.lat_deg) << "\" lon=\""
            << degrees(f.position.lon_deg) << "\">";
        if (f.altitude_m) {
            out << "<ele>" << number(*f.altitude_m) << "</ele>";
        }
        out << "<time>" << dispatch::format_time_utc(f.time_ms) << "</time>";
        std::string extensions;
        if (f.speed_mps) {
            extensions += "<ykm:speed>" + number(*f.speed_mps) + "</ykm:speed>";
        }
        if (f.bearing_deg) {
            extensions += "<ykm:course>" + number(*f.bearing_deg) + "</ykm:course>";
        }
        if (f.work != data::WorkType::unknown) {
            extensions += "<ykm:work>" + std::string(data::key(f.work)) + "</ykm:work>";
        }
        if (f.blade != data::Blade::unknown) {
            extensions += "<ykm:blade>" + std::string(data::key(f.blade)) + "</ykm:blade>";
        }
        if (!extensions.empty()) {
            out << "<extensions>" << extensions << "</extensions>";
        }
        out << "</trkpt>\n";
    }
    out << "    </trkseg>\n  </trk>\n</gpx>\n";
}

void write_csv(std::ostream& out, const std::string& device, const std::vector<data::Fix>& fixes) {
    out << "device_id,time,lat,lon,speed_mps,bearing,altitude,accuracy,battery,work,blade,flags\n";
    const std::string id = csv_field(device);
    for (const data::Fix& f : fixes) {
        out << id << ',' << dispatch::format_time_utc(f.time_ms) << ','
            << degrees(f.position.lat_deg) << ',' << degrees(f.position.lon_deg) << ','
            << optional_number(f.speed_mps) << ',' << optional_number(f.bearing_deg) << ','
            << optional_number(f.altitude_m) << ',' << optional_number(f.accuracy_m) << ','
            << (f.battery_pct ? std::to_string(*f.battery_pct) : std::string()) << ','
            << (f.work == data::WorkType::unknown ? std::string_view() : data::key(f.work)) << ','
            << data::key(f.blade) << ',' << static_cast<int>(f.flags) << '\n';
    }
}

std::int64_t time_option(const std::optional<std::string>& text, const std::string& name,
                         std::int64_t fallback) {
    if (!text) {
        return fallback;
    }
    const auto t = dispatch::parse_time_ms(*text);
    if (!t) {
        throw UsageError("track: " + name + " '" + *text +
                         "' is not a time (ISO 8601 with a zone, or Unix seconds)");
    }
    return *t;
}

struct ExportOptions {
    std::optional<std::string> code;
    std::optional<std::string> from;
    std::optional<std::string> to;
    std::optional<std::string> output;
};

int run_export(const std::vector<std::string>& rest, const ExportOptions& options) {
    const std::int64_t from = time_option(options.from, "--from", 0);
    const std::int64_t to =
        time_option(options.to, "--to", std::numeric_limits<std::int64_t>::max());
    const auto& code = options.code;
    const auto& output = options.output;
    if (rest.size() != 2 || !code || !output) {
        throw UsageError("track: expected export PROJECT --vehicle CODE [--from T] [--to T] -o "
                         "FILE (see --help)");
    }
    std::string ext = std::filesystem::path(*output).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    if (ext != ".gpx" && ext != ".csv") {
        throw Error(*output + ": write .gpx or .csv");
    }
    data::Project project = data::Project::open(rest[1], data::OpenMode::read_only);
    data::Statement q(project.database(),
                      "SELECT id, coalesce(device_id, '') FROM vehicles WHERE code = ?");
    q.bind(1, *code);
    if (!q.step()) {
        throw Error(rest[1] + ": no vehicle '" + *code + "'");
    }
    const std::int64_t vehicle_id = q.column_int64(0);
    const std::string device = q.column_text(1);
    data::SeasonLog log(project.database());
    const std::vector<data::Fix> fixes = log.fixes(vehicle_id, from, to);

    // Written beside the target and renamed over it, so a failure leaves no half file.
    const std::filesystem::path target(*output);
    const std::filesystem::path partial = target.string() + ".partial";
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        if (!out) {
            throw Error(*output + ": cannot write");
        }
        if (ext == ".gpx") {
            write_gpx(out, *code, fixes);
        } else {
            write_csv(out, device.empty() ? *code : device, fixes);
        }
        out.close();
        if (!out) {
            std::error_code ignored;
            std::filesystem::remove(partial, ignored);
            throw Error(*output + ": cannot write");
        }
    }
    std::filesystem::rename(partial, target);
    std::printf("%s: %zu fixes of %s\n", output->c_str(), fixes.size(), code->c_str());
    return 0;
}

} // namespace

int run_track(Args& args) {
    if (args.flag("--help")) {
        std::fputs(track_usage, stdout);
        return 0;
    }
    const auto device = args.take("--device");
    const bool no_coverage = args.flag("--no-coverage");
    ExportOptions export_options{args.take("--vehicle"), args.take("--from"), args.take("--to"),
                                 args.take("-o")};
    if (auto long_output = args.take("--output")) {
        export_options.output = long_output;
    }
    const auto rest = args.positional();
    if (rest.empty()) {
        throw UsageError("track: expected import or export (see ykm track --help)");
    }
    const bool export_option_given =
        export_options.code || export_options.from || export_options.to || export_options.output;
    if (rest[0] == "import") {
        if (export_option_given) {
            throw UsageError("track: --vehicle, --from, --to and -o are options of export");
        }
        return run_import(rest, device.value_or(""), no_coverage);
    }
    if (rest[0] == "export") {
        if (device) {
            throw UsageError("track: --device is an option of import");
        }
        return run_export(rest, export_options);
    }
    throw UsageError("track: unknown subcommand '" + rest[0] + "' (import or export)");
}

} // namespace ykm::cli

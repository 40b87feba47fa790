#include "commands.hpp"

#include "ykm/data/project.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/dispatch/fleet.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace ykm::cli {
namespace {

const char* priority_label(int p) {
    switch (p) {
    case 1:
        return "class 1 (第1種)";
    case 2:
        return "class 2 (第2種)";
    case 3:
        return "class 3 (第3種)";
    default:
        return "no class";
    }
}

nlohmann::json box_json(const gis::Box& b) {
    if (b.is_empty()) {
        return nullptr;
    }
    return nlohmann::json::array({b.min_x, b.min_y, b.max_x, b.max_y});
}

/// Fleet and season-log figures; absent in projects without those tables (schema 1, opened
/// read-only and so not migrated).
struct FleetFigures {
    std::size_t contractors = 0;
    std::size_t vehicles = 0;
    data::SeasonLogStats log;
};

std::optional<FleetFigures> fleet_figures(data::Project& project) {
    {
        data::Statement tables(project.database(),
                               "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name "
                               "IN ('contractors', 'vehicles', 'fix_tail', 'fix_blocks')");
        if (!tables.step() || tables.column_int(0) != 4) {
            return std::nullopt;
        }
    }
    FleetFigures figures;
    dispatch::Fleet fleet(project);
    figures.contractors = fleet.contractors().size();
    figures.vehicles = fleet.vehicles().size();
    figures.log = data::SeasonLog(project.database()).stats();
    return figures;
}

double bytes_per_fix(const data::SeasonLogStats& s) {
    return s.fix_count > 0 ? static_cast<double>(s.stored_bytes) / static_cast<double>(s.fix_count)
                           : 0.0;
}

} // namespace

int run_info(Args& args) {
    const bool json = args.flag("--json");
    const auto files = args.positional(1, 1, "PROJECT [--json]");
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    const data::ProjectInfo info = project.info();
    const std::optional<FleetFigures> fleet = fleet_figures(project);
    double total_km = 0.0;
    for (const auto& [p, km] : info.km_by_priority) {
        total_km += km;
    }
    if (json) {
        nlohmann::json out;
        out["project"] = files[0];
        out["schema_version"] = info.schema_version;
        out["crs"] = {{"epsg", info.crs.code}, {"name", info.crs_name}};
        out["extent"] = box_json(info.extent);
        out["extent_lonlat"] = box_json(info.extent_lonlat);
        out["segments"] = info.segment_count;
        out["nodes"] = info.node_count;
        out["km_total"] = total_km;
        nlohmann::json km = nlohmann::json::object();
        for (const auto& [p, value] : info.km_by_priority) {
            km[p == 0 ? "none" : std::to_string(p)] = value;
        }
        out["km_by_priority"] = km;
        nlohmann::json districts = nlohmann::json::array();
        for (const auto& d : info.districts) {
            districts.push_back(
                {{"id", d.id}, {"name", d.name}, {"segments", d.segment_count}, {"km", d.km}});
        }
        out["districts"] = districts;
        out["depots"] = info.depot_count;
        out["dump_sites"] = info.dump_site_count;
        if (fleet) {
            out["fleet"] = {{"contractors", fleet->contractors}, {"vehicles", fleet->vehicles}};
            const data::SeasonLogStats& log = fleet->log;
            out["season_log"] = {{"fixes", log.fix_count},
                                 {"blocks", log.block_count},
                                 {"tail_fixes", log.tail_count},
                                 {"stored_bytes", log.stored_bytes}};
            out["season_log"]["bytes_per_fix"] =
                log.fix_count > 0 ? nlohmann::json(bytes_per_fix(log)) : nlohmann::json();
        }
        out["metadata"] = info.metadata;
        std::cout << out.dump(2) << '\n';
        return 0;
    }
    std::printf("Project:   %s (schema %d)\n", files[0].c_str(), info.schema_version);
    std::printf("CRS:       EPSG:%d %s\n", info.crs.code, info.crs_name.c_str());
    if (!info.extent.is_empty()) {
        std::printf("Extent:    %.1f, %.1f - %.1f, %.1f m\n", info.extent.min_x, info.extent.min_y,
                    info.extent.max_x, info.extent.max_y);
        std::printf("           %.6f, %.6f - %.6f, %.6f (lon/lat)\n", info.extent_lonlat.min_x,
                    info.extent_lonlat.min_y, info.extent_lonlat.max_x, info.extent_lonlat.max_y);
    }
    std::printf("Segments:  %lld\nNodes:     %lld\n", static_cast<long long>(info.segment_count),
                static_cast<long long>(info.node_count));
    std::printf("Road km:   %.2f\n", total_km);
    for (const auto& [p, km] : info.km_by_priority) {
        std::printf("  %-16s %10.2f km\n", priority_label(p), km);
    }
    std::printf("Districts: %zu\n", info.districts.size());
    for (const auto& d : info.districts) {
        // The name goes last: printf pads by bytes, not by the width of Japanese characters.
        std::printf("  %3lld %6lld segments %9.2f km  %s\n", static_cast<long long>(d.id),
                    static_cast<long long>(d.segment_count), d.km, d.name.c_str());
    }
    std::printf("Depots:    %lld\nDump sites: %lld\n", static_cast<long long>(info.depot_count),
                static_cast<long long>(info.dump_site_count));
    if (fleet) {
        std::printf("Fleet:     %zu contractors, %zu vehicles\n", fleet->contractors,
                    fleet->vehicles);
        const data::SeasonLogStats& log = fleet->log;
        if (log.fix_count == 0) {
            std::printf("Season log: no fixes\n");
        } else {
            std::printf("Season log: %lld fixes (%lld in %lld blocks, %lld in the tail), "
                        "%.2f MB, %.1f bytes/fix\n",
                        static_cast<long long>(log.fix_count),
                        static_cast<long long>(log.fix_count - log.tail_count),
                        static_cast<long long>(log.block_count),
                        static_cast<long long>(log.tail_count),
                        static_cast<double>(log.stored_bytes) / 1e6, bytes_per_fix(log));
        }
    }
    if (auto it = info.metadata.find("attribution"); it != info.metadata.end()) {
        std::printf("Data:      %s\n", it->second.c_str());
    }
    return 0;
}

} // namespace ykm::cli

#include "commands.hpp"
#include "jst_time.hpp"

#include "ykm/data/project.hpp"
#include "ykm/dispatch/coverage.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

namespace ykm::cli {
namespace {

nlohmann::json row_json(const dispatch::CoverageRow& row) {
    return {{"key", row.key},
            {"name", row.name},
            {"required_km", row.required_km},
            {"done_km", row.done_km},
            {"percent", row.percent()}};
}

void print_rows(const char* title, const std::vector<dispatch::CoverageRow>& rows) {
    std::printf("%s\n  %11s %10s %7s\n", title, "required km", "done km", "%");
    for (const auto& row : rows) {
        // The name goes last: printf pads by bytes, not by the width of Japanese characters.
        std::printf("  %11.2f %10.2f %6.1f%%  %s\n", row.required_km, row.done_km, row.percent(),
                    row.name.c_str());
    }
}

int rebuild(Args& args, bool json) {
    const auto from_ms = time_option(args, "--since");
    const auto to_ms = time_option(args, "--until");
    if (from_ms && to_ms && *to_ms <= *from_ms) {
        throw Error("--until: " + iso_jst(*to_ms) + " is not after --since " + iso_jst(*from_ms));
    }
    const auto files = args.positional(1, 1, "PROJECT --rebuild [--since T] [--until T]");
    data::Project project = data::Project::open(files[0]);
    const dispatch::RebuildSummary done = dispatch::rebuild_all_coverage(project, from_ms, to_ms);
    if (json) {
        nlohmann::json out;
        out["vehicles"] = done.vehicles;
        out["passes"] = done.passes;
        out["since"] = done.vehicles > 0 || from_ms ? nlohmann::json(iso_jst(done.from_ms))
                                                    : nlohmann::json(nullptr);
        out["until"] = done.vehicles > 0 || to_ms ? nlohmann::json(iso_jst(done.to_ms))
                                                  : nlohmann::json(nullptr);
        std::cout << out.dump(2) << '\n';
    } else if (done.to_ms == 0 && done.from_ms == 0) {
        std::printf("No fixes in the season log: nothing to rebuild.\n");
    } else {
        std::printf("Rebuilt coverage %s - %s: %zu vehicles, %zu passes\n",
                    iso_jst(done.from_ms).c_str(), iso_jst(done.to_ms).c_str(), done.vehicles,
                    done.passes);
    }
    return 0;
}

} // namespace

int run_coverage(Args& args) {
    const bool json = args.flag("--json");
    if (args.flag("--rebuild")) {
        return rebuild(args, json);
    }
    const auto since_option = time_option(args, "--since");
    if (!since_option) {
        throw UsageError(args.command() + ": --since is required (ISO 8601, 'YYYY-MM-DD HH:MM' "
                                          "in JST, or Unix seconds)");
    }
    const std::int64_t since = *since_option;
    const std::int64_t until = time_option(args, "--until").value_or(dispatch::now_ms());
    if (until <= since) {
        throw Error("--until: " + iso_jst(until) + " is not after --since " + iso_jst(since));
    }
    const auto files =
        args.positional(1, 1, "PROJECT --since T [--until T] [--json] | PROJECT --rebuild");
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    const dispatch::CoverageSummary summary = dispatch::summarize_coverage(project, since, until);
    if (json) {
        nlohmann::json out;
        out["project"] = files[0];
        out["since"] = iso_jst(summary.since_ms);
        out["until"] = iso_jst(summary.until_ms);
        out["total"] = row_json(summary.total);
        out["by_priority"] = nlohmann::json::array();
        for (const auto& row : summary.by_priority) {
            out["by_priority"].push_back(row_json(row));
        }
        out["by_district"] = nlohmann::json::array();
        for (const auto& row : summary.by_district) {
            out["by_district"].push_back(row_json(row));
        }
        std::cout << out.dump(2) << '\n';
        return 0;
    }
    std::printf("Coverage %s - %s (both directions of two-way roads)\n",
                iso_jst(summary.since_ms).c_str(), iso_jst(summary.until_ms).c_str());
    print_rows("By priority class:", summary.by_priority);
    print_rows("By district:", summary.by_district);
    print_rows("Total:", {summary.total});
    return 0;
}

} // namespace ykm::cli

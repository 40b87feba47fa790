// `ykm report storm`: the key figures of one storm (km cleared by priority class since dispatch,
// time to clear class-1 roads per district, vehicles working, idle and offline), as text, JSON,
// a chart (PNG/PDF) and tables (CSV/XLSX/PDF).

#include "commands.hpp"
#include "jst_time.hpp"

#include "ykm/data/project.hpp"
#include "ykm/dispatch/report_table.hpp"
#include "ykm/dispatch/storm_kpi.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

namespace ykm::cli {
namespace {

constexpr const char* storm_usage =
    R"(usage: ykm report storm PROJECT [--from T1 --to T2 | --list] [--dispatch T] [--step MIN]
                          [--chart FILE.png|FILE.pdf] [-o FILE.csv|FILE.xlsx|FILE.pdf] [--json]
                          [--lang ja|en]

The key figures of a storm for supervisors, from the recorded coverage passes and the GPS log:
  - km cleared by priority class (both directions of two-way roads) at every step from the
    dispatch to the end, and the %;
  - per district, the hours from dispatch until 90 % and all of its class-1 roads were cleared
    (未完了 with the % reached when they were not);
  - vehicles working (moving with service work or the blade down), idle (reporting, not
    working) and offline (no fix for 10 minutes) at every step, counting the vehicles that
    reported during the storm.

--list          list the periods with orders issued or roads cleared (12 h without either
                separates two storms) and their dispatch times
--from, --to    the storm's window (JST unless a zone is given); without them, the latest
                storm of --list
--dispatch T    time zero of the figures; default: the first order issued in the window,
                else --from
--step MIN      minutes between two steps (default 15)
--chart FILE    the chart as PNG (1600x1000) or PDF (A4 landscape)
-o FILE         the tables: CSV (the time series), XLSX (時系列 and 第1種除雪完了) or PDF
--json          the figures as JSON
--lang ja|en    language of the chart and tables (default ja)
)";

double hours(std::int64_t ms) {
    return static_cast<double>(ms) / 3'600'000.0;
}

std::string lower_extension(const std::string& file) {
    std::string e = std::filesystem::path(file).extension().string();
    std::transform(e.begin(), e.end(), e.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return e;
}

void print_candidates(const std::vector<dispatch::StormCandidate>& storms, bool json) {
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& s : storms) {
            out.push_back({{"start", iso_jst(s.start_ms)},
                           {"end", iso_jst(s.end_ms)},
                           {"dispatch", iso_jst(s.dispatch_ms)},
                           {"orders_issued", s.orders_issued},
                           {"vehicles_working", s.vehicles_working},
                           {"cleared_km", s.cleared_km}});
        }
        std::cout << out.dump(2) << '\n';
        return;
    }
    if (storms.empty()) {
        std::printf("No storms: no order was issued and no road cleared.\n");
        return;
    }
    std::printf("%-25s  %-25s  %-25s  %6s  %6s  %10s\n", "start", "end", "dispatch", "orders",
                "plows", "cleared km");
    for (const auto& s : storms) {
        std::printf("%-25s  %-25s  %-25s  %6d  %6d  %10.1f\n", iso_jst(s.start_ms).c_str(),
                    iso_jst(s.end_ms).c_str(), iso_jst(s.dispatch_ms).c_str(), s.orders_issued,
                    s.vehicles_working, s.cleared_km);
    }
}

nlohmann::json json_of(const dispatch::StormKpis& k) {
    nlohmann::json j;
    j["dispatch"] = iso_jst(k.window.dispatch_ms);
    j["end"] = iso_jst(k.window.end_ms);
    j["step_min"] = k.step_ms / 60'000;
    j["vehicles_reporting"] = k.vehicles_reporting;
    j["steps"] = nlohmann::json::array();
    for (const auto& s : k.steps) {
        nlohmann::json step;
        step["time"] = iso_jst(s.time_ms);
        step["hours"] = s.hours_since(k.window.dispatch_ms);
        for (std::size_t c = 0; c < 3; ++c) {
            step["classes"][std::to_string(c + 1)] = {{"required_km", s.by_class[c].required_km},
                                                      {"done_km", s.by_class[c].done_km},
                                                      {"percent", s.by_class[c].percent()}};
        }
        step["working"] = s.working;
        step["idle"] = s.idle;
        step["offline"] = s.offline;
        j["steps"].push_back(step);
    }
    j["class1_by_district"] = nlohmann::json::array();
    for (const auto& d : k.class1_by_district) {
        j["class1_by_district"].push_back(
            {{"district", d.key},
             {"name", d.name},
             {"required_km", d.required_km},
             {"done_km", d.done_km},
             {"percent", d.percent()},
             {"hours_to_90", d.to_90_percent_ms ? nlohmann::json(hours(*d.to_90_percent_ms))
                                                : nlohmann::json(nullptr)},
             {"hours_to_cleared", d.to_cleared_ms ? nlohmann::json(hours(*d.to_cleared_ms))
                                                  : nlohmann::json(nullptr)}});
    }
    return j;
}

void print_text(const dispatch::StormKpis& k) {
    std::printf("除雪の進捗 %s 出動 - %s (%zu steps of %lld min)\n",
                iso_jst(k.window.dispatch_ms).c_str(), iso_jst(k.window.end_ms).c_str(),
                k.steps.size(), static_cast<long long>(k.step_ms / 60'000));
    const dispatch::StormStep& last = k.steps.back();
    for (std::size_t c = 0; c < 3; ++c) {
        std::printf("  第%zu種  %.3f / %.3f km  %.1f %%\n", c + 1, last.by_class[c].done_km,
                    last.by_class[c].required_km, last.by_class[c].percent());
    }
    int peak = 0;
    std::int64_t peak_ms = k.window.dispatch_ms;
    for (const auto& s : k.steps) {
        if (s.working > peak) {
            peak = s.working;
            peak_ms = s.time_ms;
        }
    }
    std::printf("  車両 %d 台  作業中 最大 %d 台 (%s)\n", k.vehicles_reporting, peak,
                clock_jst(peak_ms).c_str());
    std::printf("第1種除雪完了 (出動からの時間)\n");
    for (const auto& d : k.class1_by_district) {
        std::string done;
        if (d.to_cleared_ms) {
            std::array<char, 32> buffer{};
            std::snprintf(buffer.data(), buffer.size(), "完了 %.2f h", hours(*d.to_cleared_ms));
            done = buffer.data();
        } else {
            std::array<char, 32> buffer{};
            std::snprintf(buffer.data(), buffer.size(), "未完了 %.1f %%", d.percent());
            done = buffer.data();
        }
        std::string ninety = "-";
        if (d.to_90_percent_ms) {
            std::array<char, 32> buffer{};
            std::snprintf(buffer.data(), buffer.size(), "%.2f h", hours(*d.to_90_percent_ms));
            ninety = buffer.data();
        }
        std::printf("  %s  %.3f km  90%% %s  %s\n", d.name.c_str(), d.required_km, ninety.c_str(),
                    done.c_str());
    }
}

} // namespace

int run_report_storm(Args& args) {
    if (args.flag("--help") || args.flag("-h")) {
        std::fputs(storm_usage, stdout);
        return 0;
    }
    const bool json = args.flag("--json");
    const bool list = args.flag("--list");
    const auto from = time_option(args, "--from");
    const auto to = time_option(args, "--to");
    const auto dispatch_at = time_option(args, "--dispatch");
    const auto step_text = args.take("--step");
    const auto chart = args.take("--chart");
    auto output = args.take("-o");
    if (!output) {
        output = args.take("--output");
    }
    const auto lang = args.take("--lang");
    const auto files = args.positional(1, 1, "storm PROJECT [--from T1 --to T2 | --list]");

    if (from.has_value() != to.has_value()) {
        throw UsageError("report storm: --from and --to go together");
    }
    if (list && (from || dispatch_at || chart || output)) {
        throw UsageError("report storm: --list takes no window, chart or output");
    }
    if (from && *to < *from) {
        throw Error("--to " + iso_jst(*to) + " is before --from " + iso_jst(*from));
    }
    std::int64_t step_ms = dispatch::storm_step_ms;
    if (step_text) {
        const std::uint64_t minutes = parse_whole_number(*step_text, "report storm: --step");
        if (minutes == 0 || minutes > 24 * 60) {
            throw UsageError("report storm: --step " + *step_text +
                             " must be from 1 to 1440 minutes");
        }
        step_ms = static_cast<std::int64_t>(minutes) * 60'000;
    }
    gis::MapLanguage language = gis::MapLanguage::japanese;
    if (lang) {
        if (*lang == "en") {
            language = gis::MapLanguage::english;
        } else if (*lang != "ja") {
            throw UsageError("report storm: --lang " + *lang + " is not ja or en");
        }
    }
    if (chart && lower_extension(*chart) != ".png" && lower_extension(*chart) != ".pdf") {
        throw Error("--chart " + *chart + ": format '" + lower_extension(*chart) +
                    "' is not supported (png or pdf)");
    }
    if (output && !dispatch::report_format(*output)) {
        throw Error("-o " + *output + ": format '" + lower_extension(*output) +
                    "' is not supported (csv, xlsx or pdf)");
    }

    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    if (list) {
        print_candidates(dispatch::storm_candidates(project), json);
        return 0;
    }
    dispatch::StormWindow window;
    if (from) {
        window.dispatch_ms = *from;
        window.end_ms = *to;
        if (const auto issued = dispatch::first_order_issued(project, *from, *to)) {
            window.dispatch_ms = *issued;
        }
    } else {
        const auto storms = dispatch::storm_candidates(project);
        if (storms.empty()) {
            throw Error(files[0] + ": no storm to report (no order issued, no road cleared); "
                                   "give --from and --to");
        }
        window.dispatch_ms = storms.back().dispatch_ms;
        window.end_ms = storms.back().end_ms;
    }
    if (dispatch_at) {
        if (*dispatch_at > window.end_ms) {
            throw Error("--dispatch " + iso_jst(*dispatch_at) + " is after the end " +
                        iso_jst(window.end_ms));
        }
        window.dispatch_ms = *dispatch_at;
    }

    const dispatch::StormKpis kpis = dispatch::storm_kpis(project, window, step_ms);
    if (chart) {
        dispatch::write_storm_chart(kpis, *chart, language);
    }
    if (output) {
        const auto sheets = dispatch::storm_tables(kpis, language);
        dispatch::write_report(sheets, *output);
    }
    if (json) {
        std::cout << json_of(kpis).dump(2) << '\n';
    } else {
        print_text(kpis);
        if (chart) {
            std::printf("Wrote the chart to %s\n", chart->c_str());
        }
        if (output) {
            std::printf("Wrote the tables to %s\n", output->c_str());
        }
    }
    return 0;
}

} // namespace ykm::cli

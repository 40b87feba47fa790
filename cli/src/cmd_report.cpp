#include "commands.hpp"
#include "jst_time.hpp"

#include "ykm/data/project.hpp"
#include "ykm/dispatch/daily_report.hpp"
#include "ykm/dispatch/daily_report_sheets.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/report_confirmations.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

namespace ykm::cli {
namespace {

constexpr const char* report_usage =
    R"(usage: ykm report daily PROJECT --date YYYY-MM-DD [--contractor CODE] [-o FILE.csv|xlsx|pdf] [--json]

daily    the daily work reports (作業日報) of a date (Japan time): one per vehicle and shift that
         starts on that date (a night shift 21:00-06:00 belongs to its first date; a silence of
         more than 4 h ends a shift). Per shift: start and end, hours by work type, GPS gaps of
         more than 2 minutes (shown as 未確認の欠測 and counted in no work type), km driven by
         work type, km cleared by priority class (from the recorded coverage passes), the roads
         cleared and the orders served. Fixes up to 18:00 of the next day are read; a shift
         still running then is cut there.
         -o FILE.csv writes one row per vehicle and shift (UTF-8 with BOM, Japanese header)
         for the accounting system; FILE.xlsx a workbook with the shifts, the GPS gaps, the
         roads cleared and the orders served; FILE.pdf one A4 page per vehicle and shift with
         boxes for the driver's, contractor's and supervisor's seals. Confirmed gaps (ykm
         report gap confirm) count as their work type. --json prints the reports as JSON.
)";

double hours(std::int64_t ms) {
    return static_cast<double>(ms) / 3'600'000.0;
}

std::size_t index(data::WorkType w) {
    return static_cast<std::size_t>(w);
}

std::string orders_text(const dispatch::DailyReport& r) {
    std::string text;
    for (const auto& o : r.orders) {
        text += (text.empty() ? "" : " ") + o.number + "(" +
                std::string(dispatch::japanese_name(o.status)) + ")";
    }
    return text;
}

void print_text(const std::string& date, const std::vector<dispatch::DailyReport>& reports) {
    std::printf("作業日報 %s (%zu shifts)\n", date.c_str(), reports.size());
    for (const auto& r : reports) {
        std::printf("\n%s  %s %s  %s - %s\n", r.vehicle_code.c_str(), r.contractor_code.c_str(),
                    r.contractor_name.c_str(), iso_jst(r.start_ms).c_str(),
                    iso_jst(r.end_ms).c_str());
        std::printf("  稼働 %.2f h", hours(r.operating_ms()));
        for (const data::WorkType w : dispatch::shown_work_types()) {
            if (r.time_ms[index(w)] > 0) {
                std::printf("  %s %.2f h", std::string(data::japanese_name(w)).c_str(),
                            hours(r.time_ms[index(w)]));
            }
        }
        std::printf("\n  未確認の欠測 %.1f min (%zu)", static_cast<double>(r.gap_ms()) / 60'000.0,
                    static_cast<std::size_t>(
                        std::count_if(r.gaps.begin(), r.gaps.end(),
                                      [](const dispatch::GpsGap& g) { return !g.confirmation; })));
        for (const auto& g : r.gaps) {
            std::printf(
                "  %s-%s%s", clock_jst(g.start_ms).c_str(), clock_jst(g.end_ms).c_str(),
                g.confirmation
                    ? (" (確認済み " + std::string(data::japanese_name(g.confirmation->work)) + ")")
                          .c_str()
                    : "");
        }
        std::printf(
            "\n  走行 %.3f km  除雪 第1種 %.3f km  第2種 %.3f km  第3種 %.3f km  路線 %zu\n",
            r.total_distance_m() / 1000.0, r.plowed_m_by_class[0] / 1000.0,
            r.plowed_m_by_class[1] / 1000.0, r.plowed_m_by_class[2] / 1000.0, r.roads.size());
        if (!r.orders.empty()) {
            std::printf("  作業指令 %s\n", orders_text(r).c_str());
        }
    }
}

} // namespace

int run_report(Args& args) {
    if (args.take_subcommand({"fees"})) {
        return run_report_fees(args);
    }
    if (args.take_subcommand({"gap"})) {
        return run_report_gap(args);
    }
    if (args.take_subcommand({"confirm"})) {
        return run_report_confirm(args);
    }
    if (args.take_subcommand({"confirmations"})) {
        return run_report_confirmations(args);
    }
    if (args.take_subcommand({"storm"})) {
        return run_report_storm(args);
    }
    if (args.flag("--help") || args.flag("-h")) {
        std::fputs(report_usage, stdout);
        return 0;
    }
    if (!args.take_subcommand({"daily"})) {
        throw UsageError(
            "report: expected daily PROJECT --date YYYY-MM-DD (see ykm report --help)");
    }
    const bool json = args.flag("--json");
    const auto date = args.take("--date");
    const auto contractor_code = args.take("--contractor");
    auto output = args.take("-o");
    if (!output) {
        output = args.take("--output");
    }
    if (!date) {
        throw UsageError("report daily: --date YYYY-MM-DD is required");
    }
    const auto files = args.positional(
        1, 1,
        "daily PROJECT --date YYYY-MM-DD [--contractor CODE] [-o FILE.csv|xlsx|pdf] [--json]");
    if (output && !dispatch::report_format(*output)) {
        const std::string extension = std::filesystem::path(*output).extension().string();
        throw Error("-o " + *output + ": format '" +
                    (extension.empty() ? std::string("(none)") : extension) +
                    "' is not supported (use .csv, .xlsx or .pdf)");
    }
    dispatch::jst_day_start_ms(*date); // a bad date fails before the project is opened
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    std::optional<std::int64_t> contractor_id;
    if (contractor_code) {
        const auto c = dispatch::Fleet(project).contractor_by_code(*contractor_code);
        if (!c) {
            throw Error("contractor " + *contractor_code + " does not exist");
        }
        contractor_id = c->id;
    }
    const auto reports = dispatch::daily_reports(project, *date, contractor_id);
    if (output) {
        dispatch::write_daily_reports(*date, reports, *output);
    }
    if (json) {
        nlohmann::json out;
        out["date"] = *date;
        out["reports"] = nlohmann::json::array();
        for (const auto& r : reports) {
            out["reports"].push_back(dispatch::daily_report_json(r));
        }
        std::cout << out.dump(2) << '\n';
    } else if (output) {
        std::printf("Wrote %zu reports to %s\n", reports.size(), output->c_str());
    } else {
        print_text(*date, reports);
    }
    return 0;
}

} // namespace ykm::cli

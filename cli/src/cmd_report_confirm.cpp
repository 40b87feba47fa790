// `ykm report confirm` and `ykm report confirmations`: confirmed daily work reports, reached
// from run_report (cmd_report.cpp).

#include "commands.hpp"
#include "jst_time.hpp"

#include "ykm/data/project.hpp"
#include "ykm/dispatch/daily_report.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/report_confirmations.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace ykm::cli {
namespace {

constexpr const char* confirm_usage =
    R"(usage: ykm report confirm PROJECT --vehicle CODE --date YYYY-MM-DD [--shift-start T]
                         [--actor NAME]
       ykm report confirmations PROJECT --date YYYY-MM-DD [--contractor CODE] [--json]

confirm        confirms the daily work report (作業日報) of a vehicle's shift that starts on the
               date (Japan time): the report is recomputed, stored as confirmed (確定) with who
               (--actor, default the login name) and when, channel cli, and recorded in the
               audit log. From then on it is locked: the confirmed figures are the ones shown and
               paid, even when late fixes change the report later. --shift-start names the
               shift when the vehicle has several that date: its first fix, as ISO 8601, 'YYYY-
               MM-DD HH:MM' (JST; the shift starting within that minute) or Unix seconds.
               Refused (exit 2) when the report is confirmed already, when there is no such
               shift, or when the shift may still be running (its last fix less than 4 h ago).
confirmations  the confirmed reports of a date: vehicle, shift start, who confirmed it, when,
               through which channel, and whether the report recomputed now differs from the
               confirmed one (差異あり: late fixes arrived after the confirmation). --json prints
               each with its confirmed report in the shape of `ykm report daily --json`.
)";

std::optional<std::int64_t> contractor_option(data::Project& project,
                                              const std::optional<std::string>& code) {
    if (!code) {
        return std::nullopt;
    }
    const auto c = dispatch::Fleet(project).contractor_by_code(*code);
    if (!c) {
        throw Error("contractor " + *code + " does not exist");
    }
    return c->id;
}

/// The shift to confirm: the one starting at `start` (or within the minute from it), else the
/// vehicle's only shift of the date.
std::int64_t shift_start_of(const std::vector<dispatch::DailyReport>& reports,
                            const dispatch::Vehicle& vehicle, const std::string& date,
                            std::optional<std::int64_t> start) {
    std::vector<std::int64_t> starts;
    for (const auto& r : reports) {
        if (r.vehicle_id == vehicle.id) {
            starts.push_back(r.start_ms);
        }
    }
    std::string listed;
    for (const std::int64_t s : starts) {
        listed += (listed.empty() ? "" : ", ") + iso_jst(s);
    }
    if (start) {
        for (const std::int64_t s : starts) {
            if (s == *start) {
                return s;
            }
        }
        std::vector<std::int64_t> in_minute;
        for (const std::int64_t s : starts) {
            if (s >= *start && s < *start + 60'000) {
                in_minute.push_back(s);
            }
        }
        if (in_minute.size() == 1) {
            return in_minute[0];
        }
        throw Error("vehicle " + vehicle.code + " has no shift starting " + iso_jst(*start) +
                    " on " + date + " (shifts: " + (listed.empty() ? "none" : listed) + ")");
    }
    if (starts.empty()) {
        throw Error("vehicle " + vehicle.code + " has no shift starting on " + date);
    }
    if (starts.size() > 1) {
        throw Error("vehicle " + vehicle.code + " has " + std::to_string(starts.size()) +
                    " shifts on " + date + " (" + listed + "): choose one with --shift-start");
    }
    return starts[0];
}

int run_confirm(Args& args) {
    const auto code = args.take("--vehicle");
    const auto date = args.take("--date");
    const auto start = time_option(args, "--shift-start");
    const std::string actor = args.take("--actor").value_or(login_name());
    if (!code) {
        throw UsageError("report confirm: --vehicle CODE is required");
    }
    if (!date) {
        throw UsageError("report confirm: --date YYYY-MM-DD is required");
    }
    const auto files = args.positional(
        1, 1, "confirm PROJECT --vehicle CODE --date YYYY-MM-DD [--shift-start T] [--actor NAME]");
    dispatch::jst_day_start_ms(*date); // a bad date fails before the project is opened
    if (actor.empty()) {
        throw UsageError("report confirm: --actor must not be empty");
    }
    data::Project project = data::Project::open(files[0], data::OpenMode::read_write);
    const auto vehicle = dispatch::Fleet(project).vehicle_by_code(*code);
    if (!vehicle) {
        throw Error("vehicle " + *code + " does not exist");
    }
    dispatch::DailyReportOptions of_vehicle;
    of_vehicle.vehicle_id = vehicle->id;
    const auto reports =
        dispatch::daily_reports(project, *date, vehicle->contractor_id, of_vehicle);
    const std::int64_t shift = shift_start_of(reports, *vehicle, *date, start);
    const dispatch::ReportConfirmation c = dispatch::confirm_daily_report(
        project, vehicle->id, *date, shift, actor, dispatch::ConfirmationChannel::cli);
    const nlohmann::json content = c.content_json();
    std::printf("Confirmed the daily report of %s, shift %s - %s (%.2f h, %.3f km) by %s; it is "
                "locked now\n",
                c.vehicle_code.c_str(), content.value("start", std::string()).c_str(),
                content.value("end", std::string()).c_str(), content.value("operating_h", 0.0),
                content.value("km", 0.0), c.confirmed_by.c_str());
    return 0;
}

int run_confirmations(Args& args) {
    const bool json = args.flag("--json");
    const auto date = args.take("--date");
    const auto contractor_code = args.take("--contractor");
    if (!date) {
        throw UsageError("report confirmations: --date YYYY-MM-DD is required");
    }
    const auto files = args.positional(
        1, 1, "confirmations PROJECT --date YYYY-MM-DD [--contractor CODE] [--json]");
    dispatch::jst_day_start_ms(*date);
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    const auto contractor_id = contractor_option(project, contractor_code);
    const auto confirmations = dispatch::confirmed_reports(project, *date, contractor_id);
    if (json) {
        nlohmann::json out;
        out["date"] = *date;
        out["confirmations"] = nlohmann::json::array();
        for (const auto& c : confirmations) {
            out["confirmations"].push_back({{"vehicle", c.vehicle_code},
                                            {"vehicle_id", c.vehicle_id},
                                            {"shift_start", iso_jst(c.shift_start_ms)},
                                            {"shift_start_ms", c.shift_start_ms},
                                            {"confirmed_by", c.confirmed_by},
                                            {"channel", dispatch::key(c.channel)},
                                            {"confirmed", iso_jst(c.confirmed_ms)},
                                            {"content_sha256", c.content_sha256},
                                            {"differs", c.differs},
                                            {"report", c.content_json()}});
        }
        std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        return 0;
    }
    std::printf("確定済みの作業日報 %s (%zu)\n", date->c_str(), confirmations.size());
    for (const auto& c : confirmations) {
        const nlohmann::json content = c.content_json();
        std::printf("%s  %s - %s  %.2f h  %.3f km  確定 %s %s (%s)%s\n", c.vehicle_code.c_str(),
                    iso_jst(c.shift_start_ms).c_str(), content.value("end", std::string()).c_str(),
                    content.value("operating_h", 0.0), content.value("km", 0.0),
                    iso_jst(c.confirmed_ms).c_str(), c.confirmed_by.c_str(),
                    std::string(dispatch::key(c.channel)).c_str(),
                    c.differs ? "  差異あり (the report recomputed now differs)" : "");
    }
    return 0;
}

} // namespace

int run_report_confirm(Args& args) {
    if (args.flag("--help") || args.flag("-h")) {
        std::fputs(confirm_usage, stdout);
        return 0;
    }
    return run_confirm(args);
}

int run_report_confirmations(Args& args) {
    if (args.flag("--help") || args.flag("-h")) {
        std::fputs(confirm_usage, stdout);
        return 0;
    }
    return run_confirmations(args);
}

} // namespace ykm::cli

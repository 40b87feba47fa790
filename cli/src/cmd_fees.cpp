#include "commands.hpp"
#include "jst_time.hpp"

#include "ykm/data/project.hpp"
#include "ykm/dispatch/daily_report.hpp"
#include "ykm/dispatch/fee_sheets.hpp"
#include "ykm/dispatch/fees.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/holidays.hpp"
#include "ykm/dispatch/report_table.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace ykm::cli {
namespace {

constexpr const char* fees_usage =
    R"(usage: ykm fees rates PROJECT [--json]
       ykm fees rates import PROJECT FILE.csv [--replace]
       ykm fees rate set PROJECT --machine TYPE --day weekday|holiday --from HH:MM --to HH:MM
                 --yen N [--name TEXT]
       ykm fees rate remove PROJECT --id N
       ykm fees standby PROJECT [--machine TYPE --hours H --yen N | --remove TYPE] [--json]
       ykm fees season PROJECT [--start YYYY-MM-DD --end YYYY-MM-DD]
       ykm fees holiday add PROJECT --date YYYY-MM-DD [--name TEXT]
       ykm fees holiday remove PROJECT --date YYYY-MM-DD
       ykm fees holiday list PROJECT [--year YYYY] [--json]

The fee tables of the contract (委託料): per machine type and day kind (weekday, or holiday:
Saturdays, Sundays, national holidays and the project's holidays) bands of clock time
(Japan time, e.g. 22:00-24:00 and 00:00-08:00 at the night rate) with a rate in yen per hour.
Bands of one machine type and day kind must not overlap; setting a band with the start of an
existing one replaces it. Every minute a machine operates must fall in a band, or `ykm report
fees` refuses the month naming the minute.

rates import reads a CSV file (UTF-8 or CP932) with the columns machine_type, day_kind, from,
to, yen_per_hour and optionally name; all rows or none. --replace removes the existing bands
first.

standby sets the standby terms (待機補償) of a machine type: a vehicle that operates fewer than
H hours in the season is paid the shortfall at N yen per hour in the month that holds the
season end. season sets the season's dates; without options it prints them.

holiday add/remove change the project's extra holidays (e.g. 年末年始 12/29-1/3); holiday list
prints them and, with --year, that year's national holidays.

Every change is recorded in the audit log.
)";

// Reached through `ykm report fees`, so the usage names that command.
constexpr const char* report_fees_usage =
    R"(usage: ykm report fees PROJECT --month YYYY-MM [--contractor CODE]
                        [-o FILE.csv|FILE.xlsx|FILE.pdf] [--detail] [--json]

The month's fees (委託料) per contractor and vehicle from the daily work reports whose date is
in the month: each stretch of operating time is cut at midnight and at the bands of the fee
tables and priced by the vehicle's machine type, the day kind and the band (see ykm fees
--help). GPS gaps count only when staff confirmed them (ykm report gap confirm). Amounts are
kept exact per line and rounded down to the yen per vehicle. Standby pay (待機補償) is paid in
the month that holds the season end, and shown as information in the other months.

-o FILE.csv    the summary per vehicle for the accounting system; with --detail the trace
               lines (fixes, day kind, band and rate of every piece of time) instead
-o FILE.xlsx   sheets 集計, 時間帯別, 明細, 単価表, 待機補償
-o FILE.pdf    the summary per contractor with boxes for 受注者 and 監督員
)";

constexpr const char* report_gap_usage =
    R"(usage: ykm report gap confirm PROJECT --vehicle CODE --start T --work TYPE [--note TEXT]
       ykm report gap unconfirm PROJECT --vehicle CODE --start T

Confirms a GPS gap (未確認の欠測) of a vehicle: the time from its fix at T (ISO 8601; Japan time
when no zone is given) to its next fix counts as work TYPE (plow, grade, widen, haul, spread,
travel, unknown) in daily reports and fees. unconfirm takes the confirmation back. Both are
recorded in the audit log.
)";

double hours(std::int64_t ms) {
    return static_cast<double>(ms) / 3'600'000.0;
}

// 1234567 → "1,234,567".
std::string grouped(std::int64_t value) {
    std::string digits = std::to_string(value < 0 ? -value : value);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
        digits.insert(static_cast<std::size_t>(i), ",");
    }
    return (value < 0 ? "-" : "") + digits;
}

// 22916.666… → "22,916.67".
std::string grouped_yen(std::int64_t yen_ms) {
    const auto hundredths = (yen_ms + 18'000) / 36'000; // 1/3,600,000 yen → 1/100 yen, rounded
    return grouped(hundredths / 100) + "." + (hundredths % 100 < 10 ? "0" : "") +
           std::to_string(hundredths % 100);
}

dispatch::MachineType machine_option(const std::string& text) {
    const auto type = dispatch::parse_machine_type(text);
    if (!type) {
        std::string list;
        for (const dispatch::MachineType t : dispatch::all_machine_types()) {
            list += (list.empty() ? "" : ", ") + std::string(dispatch::key(t));
        }
        throw UsageError("fees: --machine '" + text + "' is not a machine type (" + list + ")");
    }
    return *type;
}

std::chrono::year_month_day date_option(const std::string& option, const std::string& text) {
    try {
        return dispatch::parse_date(text);
    } catch (const Error& e) {
        throw UsageError("fees: " + option + ": " + e.what());
    }
}

int clock_option(const std::string& option, const std::string& text) {
    const auto minutes = dispatch::parse_clock_minutes(text);
    if (!minutes) {
        throw UsageError("fees: " + option + " '" + text + "' is not a time HH:MM (00:00-24:00)");
    }
    return *minutes;
}

std::int64_t yen_option(const std::string& text) {
    const std::uint64_t value = parse_whole_number(text, "fees: --yen");
    if (value > 1'000'000'000'000ULL) {
        throw UsageError("fees: --yen " + text + " is more than 10^12 yen");
    }
    return static_cast<std::int64_t>(value);
}

nlohmann::json json_of(const dispatch::FeeRate& r) {
    return {{"id", r.id},
            {"machine_type", dispatch::key(r.machine)},
            {"machine_type_ja", dispatch::japanese_name(r.machine)},
            {"day_kind", dispatch::key(r.day)},
            {"from", dispatch::band_text(r.band_start_min, r.band_end_min).substr(0, 5)},
            {"to", dispatch::band_text(r.band_start_min, r.band_end_min).substr(6)},
            {"yen_per_hour", r.yen_per_hour},
            {"name", r.name}};
}

void print_rates(const std::vector<dispatch::FeeRate>& rates) {
    if (rates.empty()) {
        std::printf("no fee rates (add them with ykm fees rate set or ykm fees rates import)\n");
        return;
    }
    for (const auto& r : rates) {
        std::printf("%4lld  %-14s %-8s %s  %s 円/h  %s\n", static_cast<long long>(r.id),
                    std::string(dispatch::key(r.machine)).c_str(),
                    std::string(dispatch::key(r.day)).c_str(),
                    dispatch::band_text(r.band_start_min, r.band_end_min).c_str(),
                    grouped(r.yen_per_hour).c_str(), r.name.c_str());
    }
}

int fees_rates(Args& args) {
    if (args.take_subcommand({"import"})) {
        const bool replace = args.flag("--replace");
        const auto files = args.positional(2, 2, "rates import PROJECT FILE.csv [--replace]");
        data::Project project = data::Project::open(files[0]);
        dispatch::FeeTables tables(project);
        tables.set_actor(login_name(), "cli");
        const std::size_t n = tables.import_csv(files[1], replace);
        std::printf("%s: %zu fee rate bands imported from %s\n", files[0].c_str(), n,
                    files[1].c_str());
        return 0;
    }
    const bool json = args.flag("--json");
    const auto files = args.positional(1, 1, "rates PROJECT [--json]");
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    const auto rates = dispatch::FeeTables(project).rates();
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& r : rates) {
            out.push_back(json_of(r));
        }
        std::cout << nlohmann::json{{"rates", out}}.dump(2) << '\n';
    } else {
        print_rates(rates);
    }
    return 0;
}

int fees_rate(Args& args) {
    const auto sub = args.take_subcommand({"set", "remove"});
    if (!sub) {
        throw UsageError("fees rate: expected set or remove (see ykm fees --help)");
    }
    if (*sub == "remove") {
        const auto id = args.take("--id");
        const auto files = args.positional(1, 1, "rate remove PROJECT --id N");
        if (!id) {
            throw UsageError("fees rate remove: --id N is required");
        }
        const auto value = static_cast<std::int64_t>(parse_whole_number(*id, "fees rate --id"));
        data::Project project = data::Project::open(files[0]);
        dispatch::FeeTables tables(project);
        tables.set_actor(login_name(), "cli");
        tables.remove_rate(value);
        std::printf("%s: fee rate %lld removed\n", files[0].c_str(), static_cast<long long>(value));
        return 0;
    }
    const auto machine = args.take("--machine");
    const auto day = args.take("--day");
    const auto from = args.take("--from");
    const auto to = args.take("--to");
    const auto yen = args.take("--yen");
    const auto name = args.take("--name");
    const auto files = args.positional(
        1, 1,
        "rate set PROJECT --machine TYPE --day weekday|holiday --from HH:MM --to HH:MM --yen N");
    if (!machine || !day || !from || !to || !yen) {
        throw UsageError("fees rate set: --machine, --day, --from, --to and --yen are required");
    }
    dispatch::FeeRate rate;
    rate.machine = machine_option(*machine);
    const auto kind = dispatch::parse_day_kind(*day);
    if (!kind) {
        throw UsageError("fees rate set: --day '" + *day + "' is not weekday or holiday");
    }
    rate.day = *kind;
    rate.band_start_min = clock_option("--from", *from);
    rate.band_end_min = clock_option("--to", *to);
    rate.yen_per_hour = yen_option(*yen);
    rate.name = name.value_or("");
    data::Project project = data::Project::open(files[0]);
    dispatch::FeeTables tables(project);
    tables.set_actor(login_name(), "cli");
    const std::int64_t id = tables.set_rate(rate);
    std::printf("%s: fee rate %lld: %s %s %s %s 円/h\n", files[0].c_str(),
                static_cast<long long>(id), std::string(dispatch::key(rate.machine)).c_str(),
                std::string(dispatch::key(rate.day)).c_str(),
                dispatch::band_text(rate.band_start_min, rate.band_end_min).c_str(),
                grouped(rate.yen_per_hour).c_str());
    return 0;
}

int fees_standby(Args& args) {
    const auto machine = args.take("--machine");
    const auto hours_text = args.take("--hours");
    const auto yen = args.take("--yen");
    const auto remove = args.take("--remove");
    const bool json = args.flag("--json");
    const auto files =
        args.positional(1, 1, "standby PROJECT [--machine TYPE --hours H --yen N | --remove TYPE]");
    const bool set = machine || hours_text || yen;
    if (set && (!machine || !hours_text || !yen)) {
        throw UsageError("fees standby: --machine, --hours and --yen go together");
    }
    if (set && remove) {
        throw UsageError("fees standby: --remove does not go with --machine");
    }
    data::Project project = data::Project::open(
        files[0], set || remove ? data::OpenMode::read_write : data::OpenMode::read_only);
    dispatch::FeeTables tables(project);
    tables.set_actor(login_name(), "cli");
    if (set) {
        const dispatch::StandbyTerms terms{machine_option(*machine),
                                           parse_non_negative(*hours_text, "fees standby: --hours"),
                                           yen_option(*yen)};
        tables.set_standby(terms);
        std::printf("%s: standby terms of %s: %g h, %s 円/h\n", files[0].c_str(),
                    std::string(dispatch::key(terms.machine)).c_str(), terms.standard_hours,
                    grouped(terms.yen_per_hour).c_str());
        return 0;
    }
    if (remove) {
        const dispatch::MachineType type = machine_option(*remove);
        tables.remove_standby(type);
        std::printf("%s: standby terms of %s removed\n", files[0].c_str(),
                    std::string(dispatch::key(type)).c_str());
        return 0;
    }
    const auto terms = tables.standby_terms();
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& t : terms) {
            out.push_back({{"machine_type", dispatch::key(t.machine)},
                           {"standard_hours", t.standard_hours},
                           {"yen_per_hour", t.yen_per_hour}});
        }
        std::cout << nlohmann::json{{"standby", out}}.dump(2) << '\n';
        return 0;
    }
    if (terms.empty()) {
        std::printf("no standby terms\n");
    }
    for (const auto& t : terms) {
        std::printf("%-14s %s  標準 %g h  %s 円/h\n", std::string(dispatch::key(t.machine)).c_str(),
                    std::string(dispatch::japanese_name(t.machine)).c_str(), t.standard_hours,
                    grouped(t.yen_per_hour).c_str());
    }
    return 0;
}

int fees_season(Args& args) {
    const auto start = args.take("--start");
    const auto end = args.take("--end");
    const auto files =
        args.positional(1, 1, "season PROJECT [--start YYYY-MM-DD --end YYYY-MM-DD]");
    if (static_cast<bool>(start) != static_cast<bool>(end)) {
        throw UsageError("fees season: --start and --end go together");
    }
    if (start) {
        const dispatch::Season season{date_option("--start", *start), date_option("--end", *end)};
        data::Project project = data::Project::open(files[0]);
        dispatch::FeeTables tables(project);
        tables.set_actor(login_name(), "cli");
        tables.set_season(season);
        std::printf("%s: season %s to %s\n", files[0].c_str(), start->c_str(), end->c_str());
        return 0;
    }
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    const auto season = dispatch::FeeTables(project).season();
    if (season) {
        std::printf("season %s to %s\n", dispatch::date_text(season->start).c_str(),
                    dispatch::date_text(season->end).c_str());
    } else {
        std::printf("no season set (ykm fees season PROJECT --start D --end D)\n");
    }
    return 0;
}

int fees_holiday(Args& args) {
    const auto sub = args.take_subcommand({"add", "remove", "list"});
    if (!sub) {
        throw UsageError("fees holiday: expected add, remove or list (see ykm fees --help)");
    }
    if (*sub == "list") {
        const auto year = args.take("--year");
        const bool json = args.flag("--json");
        const auto files = args.positional(1, 1, "holiday list PROJECT [--year YYYY] [--json]");
        std::vector<dispatch::Holiday> national;
        if (year) {
            const auto y = parse_whole_number(*year, "fees holiday list: --year");
            if (y < static_cast<std::uint64_t>(dispatch::first_holiday_year) ||
                y > static_cast<std::uint64_t>(dispatch::last_holiday_year)) {
                throw UsageError("fees holiday list: --year " + *year + " is outside 1980-2099");
            }
            national = dispatch::national_holidays(static_cast<int>(y));
        }
        data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
        const auto extra = dispatch::HolidayCalendar(project).project_holidays();
        if (json) {
            nlohmann::json out{{"national", nlohmann::json::array()},
                               {"project", nlohmann::json::array()}};
            for (const auto& h : national) {
                out["national"].push_back(
                    {{"date", dispatch::date_text(h.date)}, {"name", h.name}});
            }
            for (const auto& h : extra) {
                out["project"].push_back({{"date", dispatch::date_text(h.date)}, {"name", h.name}});
            }
            std::cout << out.dump(2) << '\n';
            return 0;
        }
        if (year) {
            std::printf("国民の祝日 %s\n", year->c_str());
            for (const auto& h : national) {
                std::printf("  %s  %s\n", dispatch::date_text(h.date).c_str(), h.name.c_str());
            }
        }
        std::printf("プロジェクトの休日 (%zu)\n", extra.size());
        for (const auto& h : extra) {
            std::printf("  %s  %s\n", dispatch::date_text(h.date).c_str(), h.name.c_str());
        }
        return 0;
    }
    const auto date = args.take("--date");
    const auto name = args.take("--name");
    const auto files = args.positional(1, 1, "holiday " + *sub + " PROJECT --date YYYY-MM-DD");
    if (!date) {
        throw UsageError("fees holiday " + *sub + ": --date YYYY-MM-DD is required");
    }
    const auto day = date_option("--date", *date);
    data::Project project = data::Project::open(files[0]);
    dispatch::HolidayCalendar calendar(project);
    calendar.set_actor(login_name(), "cli");
    if (*sub == "add") {
        calendar.add(day, name.value_or(""));
        std::printf("%s: holiday %s added\n", files[0].c_str(), date->c_str());
    } else {
        if (name) {
            throw UsageError("fees holiday remove: --name is an option of add");
        }
        calendar.remove(day);
        std::printf("%s: holiday %s removed\n", files[0].c_str(), date->c_str());
    }
    return 0;
}

// --- report fees ------------------------------------------------------------------------------

nlohmann::json json_of(const dispatch::MonthlyFees& f) {
    nlohmann::json out;
    out["month"] = f.month;
    out["settlement_month"] = f.settlement_month;
    out["season"] = f.season ? nlohmann::json{{"start", dispatch::date_text(f.season->start)},
                                              {"end", dispatch::date_text(f.season->end)}}
                             : nlohmann::json(nullptr);
    out["notes"] = f.notes;
    out["contractors"] = nlohmann::json::array();
    for (const auto& c : f.contractors) {
        out["contractors"].push_back({{"code", c.contractor_code},
                                      {"name", c.contractor_name},
                                      {"hours", hours(c.duration_ms)},
                                      {"fee_yen", c.fee_yen},
                                      {"standby_yen", c.standby_yen},
                                      {"total_yen", c.total_yen()}});
    }
    out["vehicles"] = nlohmann::json::array();
    for (const auto& v : f.vehicles) {
        nlohmann::json j{{"contractor", v.contractor_code},
                         {"vehicle", v.vehicle_code},
                         {"machine_type", dispatch::key(v.machine)},
                         {"hours", hours(v.duration_ms)},
                         {"fee_yen", v.fee_yen},
                         {"total_yen", v.total_yen()},
                         {"bands", nlohmann::json::array()}};
        for (const auto& b : v.bands) {
            j["bands"].push_back(
                {{"rate_id", b.rate.id},
                 {"day_kind", dispatch::key(b.rate.day)},
                 {"band", dispatch::band_text(b.rate.band_start_min, b.rate.band_end_min)},
                 {"yen_per_hour", b.rate.yen_per_hour},
                 {"hours", hours(b.duration_ms)},
                 {"yen", static_cast<double>(b.yen_ms) / 3'600'000.0}});
        }
        if (v.standby) {
            j["standby"] = {{"standard_hours", v.standby->terms.standard_hours},
                            {"season_hours", hours(v.standby->season_operating_ms)},
                            {"shortfall_hours", hours(v.standby->shortfall_ms)},
                            {"yen_per_hour", v.standby->terms.yen_per_hour},
                            {"paid", v.standby->paid},
                            {"yen", v.standby->yen}};
        } else {
            j["standby"] = nullptr;
        }
        out["vehicles"].push_back(j);
    }
    out["lines"] = nlohmann::json::array();
    for (const auto& l : f.lines) {
        out["lines"].push_back(
            {{"contractor", l.contractor_code},
             {"vehicle", l.vehicle_code},
             {"report_date", l.report_date},
             {"shift_start", iso_jst(l.shift_start_ms)},
             {"start", iso_jst(l.start_ms)},
             {"end", iso_jst(l.end_ms)},
             {"work", data::key(l.work)},
             {"confirmed_gap", l.confirmed_gap},
             {"fixes", l.fix_count},
             {"first_fix", l.fix_count > 0 ? nlohmann::json(iso_jst(l.first_fix_ms)) : nullptr},
             {"last_fix", l.fix_count > 0 ? nlohmann::json(iso_jst(l.last_fix_ms)) : nullptr},
             {"date", l.date},
             {"day_kind", dispatch::key(l.day)},
             {"day_reason", l.day_reason},
             {"rate_id", l.rate.id},
             {"band", dispatch::band_text(l.rate.band_start_min, l.rate.band_end_min)},
             {"yen_per_hour", l.rate.yen_per_hour},
             {"hours", hours(l.duration_ms())},
             {"yen", l.yen()}});
    }
    out["unconfirmed_gaps"] = nlohmann::json::array();
    for (const auto& g : f.unconfirmed_gaps) {
        out["unconfirmed_gaps"].push_back({{"vehicle", g.vehicle_code},
                                           {"report_date", g.report_date},
                                           {"start", iso_jst(g.start_ms)},
                                           {"end", iso_jst(g.end_ms)}});
    }
    return out;
}

void print_fees(const dispatch::MonthlyFees& f) {
    std::printf("委託料 %s (業者 %zu, 車両 %zu, 明細 %zu 行)\n", f.month.c_str(),
                f.contractors.size(), f.vehicles.size(), f.lines.size());
    for (const auto& c : f.contractors) {
        std::printf("\n%s %s  稼働 %.2f h  委託料 %s 円  待機補償 %s 円  計 %s 円\n",
                    c.contractor_code.c_str(), c.contractor_name.c_str(), hours(c.duration_ms),
                    grouped(c.fee_yen).c_str(), grouped(c.standby_yen).c_str(),
                    grouped(c.total_yen()).c_str());
        for (const auto& v : f.vehicles) {
            if (v.contractor_id != c.contractor_id) {
                continue;
            }
            std::printf("  %s %s  %.2f h  %s 円\n", v.vehicle_code.c_str(),
                        std::string(dispatch::japanese_name(v.machine)).c_str(),
                        hours(v.duration_ms), grouped(v.fee_yen).c_str());
            for (const auto& b : v.bands) {
                std::printf("    %s %s  %s 円/h  %.2f h  %s 円\n",
                            std::string(dispatch::japanese_name(b.rate.day)).c_str(),
                            dispatch::band_label(b.rate).c_str(),
                            grouped(b.rate.yen_per_hour).c_str(), hours(b.duration_ms),
                            grouped_yen(b.yen_ms).c_str());
            }
            if (v.standby) {
                std::printf("    待機補償%s  標準 %g h  シーズン稼働 %.2f h  不足 %.2f h  %s 円\n",
                            v.standby->paid ? "" : " (参考)", v.standby->terms.standard_hours,
                            hours(v.standby->season_operating_ms), hours(v.standby->shortfall_ms),
                            grouped(v.standby->yen).c_str());
            }
        }
    }
    std::printf("\n");
    for (const auto& n : f.notes) {
        std::printf("※ %s\n", n.c_str());
    }
}

} // namespace

int run_fees(Args& args) {
    if (args.flag("--help") || args.flag("-h")) {
        std::fputs(fees_usage, stdout);
        return 0;
    }
    const auto sub = args.take_subcommand({"rates", "rate", "standby", "season", "holiday"});
    if (!sub) {
        throw UsageError("fees: expected rates, rate, standby, season or holiday (see ykm fees "
                         "--help)");
    }
    if (*sub == "rates") {
        return fees_rates(args);
    }
    if (*sub == "rate") {
        return fees_rate(args);
    }
    if (*sub == "standby") {
        return fees_standby(args);
    }
    if (*sub == "season") {
        return fees_season(args);
    }
    return fees_holiday(args);
}

int run_report_fees(Args& args) {
    if (args.flag("--help") || args.flag("-h")) {
        std::fputs(report_fees_usage, stdout);
        return 0;
    }
    const bool json = args.flag("--json");
    const bool detail = args.flag("--detail");
    const auto month = args.take("--month");
    const auto contractor_code = args.take("--contractor");
    auto output = args.take("-o");
    if (!output) {
        output = args.take("--output");
    }
    const auto files = args.positional(
        1, 1, "fees PROJECT --month YYYY-MM [--contractor CODE] [-o FILE] [--detail] [--json]");
    if (!month) {
        throw UsageError("report fees: --month YYYY-MM is required");
    }
    std::optional<dispatch::ReportFormat> format;
    if (output) {
        format = dispatch::report_format(*output);
        if (!format) {
            const std::string extension = std::filesystem::path(*output).extension().string();
            throw Error("-o " + *output + ": format '" +
                        (extension.empty() ? std::string("(none)") : extension) +
                        "' is not supported (csv, xlsx, pdf)");
        }
    }
    if (detail && format != dispatch::ReportFormat::csv) {
        throw UsageError("report fees: --detail goes with -o FILE.csv");
    }
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    std::optional<std::int64_t> contractor_id;
    if (contractor_code) {
        const auto c = dispatch::Fleet(project).contractor_by_code(*contractor_code);
        if (!c) {
            throw Error("contractor " + *contractor_code + " does not exist");
        }
        contractor_id = c->id;
    }
    const dispatch::MonthlyFees fees = dispatch::monthly_fees(project, *month, contractor_id);
    if (output) {
        dispatch::write_monthly_fees(fees, *output, detail);
    }
    if (json) {
        std::cout << json_of(fees).dump(2) << '\n';
    } else if (output) {
        std::printf("Wrote the fees of %s (%zu vehicles, %zu lines) to %s\n", fees.month.c_str(),
                    fees.vehicles.size(), fees.lines.size(), output->c_str());
    } else {
        print_fees(fees);
    }
    return 0;
}

int run_report_gap(Args& args) {
    if (args.flag("--help") || args.flag("-h")) {
        std::fputs(report_gap_usage, stdout);
        return 0;
    }
    const auto sub = args.take_subcommand({"confirm", "unconfirm"});
    if (!sub) {
        throw UsageError("report gap: expected confirm or unconfirm (see ykm report gap --help)");
    }
    const auto vehicle_code = args.take("--vehicle");
    const auto start = time_option(args, "--start");
    const auto work = args.take("--work");
    const auto note = args.take("--note");
    const auto files = args.positional(1, 1, "gap " + *sub + " PROJECT --vehicle CODE --start T");
    if (!vehicle_code || !start) {
        throw UsageError("report gap " + *sub + ": --vehicle and --start are required");
    }
    if (*sub == "unconfirm" && (work || note)) {
        throw UsageError("report gap unconfirm: --work and --note are options of confirm");
    }
    std::optional<data::WorkType> work_type;
    if (*sub == "confirm") {
        if (!work) {
            throw UsageError("report gap confirm: --work TYPE is required");
        }
        work_type = data::parse_work_type(*work);
        if (!work_type) {
            throw UsageError("report gap confirm: --work '" + *work +
                             "' is not a work type (plow, grade, widen, haul, spread, travel, "
                             "unknown)");
        }
    }
    data::Project project = data::Project::open(files[0]);
    const auto vehicle = dispatch::Fleet(project).vehicle_by_code(*vehicle_code);
    if (!vehicle) {
        throw Error("vehicle " + *vehicle_code + " does not exist");
    }
    if (*sub == "unconfirm") {
        dispatch::unconfirm_gap(project, vehicle->id, *start, login_name(), "cli");
        std::printf("%s: gap of %s at %s unconfirmed\n", files[0].c_str(), vehicle_code->c_str(),
                    iso_jst(*start).c_str());
        return 0;
    }
    const auto gap = dispatch::gap_at(project, vehicle->id, *start);
    if (!gap) {
        throw Error("vehicle " + *vehicle_code + " has no GPS gap starting at " + iso_jst(*start) +
                    " (give the time of the fix before the gap, as the daily report shows it)");
    }
    dispatch::confirm_gap(project, vehicle->id, gap->start_ms, gap->end_ms, *work_type,
                          note.value_or(""), login_name(), "cli");
    std::printf("%s: gap of %s %s - %s (%.1f min) confirmed as %s\n", files[0].c_str(),
                vehicle_code->c_str(), iso_jst(gap->start_ms).c_str(), iso_jst(gap->end_ms).c_str(),
                static_cast<double>(gap->duration_ms()) / 60'000.0,
                std::string(data::japanese_name(*work_type)).c_str());
    return 0;
}

} // namespace ykm::cli

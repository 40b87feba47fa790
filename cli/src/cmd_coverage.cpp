#include "commands.hpp"

#include "ykm/data/project.hpp"
#include "ykm/dispatch/coverage.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>

namespace ykm::cli {
namespace {

constexpr std::int64_t jst_offset_ms = 9 * 3'600'000; // Asia/Tokyo: UTC+9, no DST

// Reads exactly `digits` digits at `pos`; std::nullopt otherwise.
std::optional<int> digits_at(const std::string& text, std::size_t pos, std::size_t digits) {
    if (pos + digits > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = pos; i < pos + digits; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return std::nullopt;
        }
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

// ISO 8601 (date, 'T' or space, hh:mm[:ss[.fff]], then Z or ±hh[:]mm; no offset means JST), or
// Unix seconds.
std::optional<std::int64_t> parse_time_ms(const std::string& text) {
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
        std::int64_t seconds = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
        if (ec != std::errc{} || end != text.data() + text.size() ||
            seconds > std::numeric_limits<std::int64_t>::max() / 1000) {
            return std::nullopt;
        }
        return seconds * 1000;
    }
    const auto year = digits_at(text, 0, 4);
    const auto month = digits_at(text, 5, 2);
    const auto day = digits_at(text, 8, 2);
    if (!year || !month || !day || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year(*year),
                                           std::chrono::month(static_cast<unsigned>(*month)),
                                           std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok()) {
        return std::nullopt;
    }
    std::int64_t ms_of_day = 0;
    std::size_t pos = 10;
    if (pos < text.size()) {
        if (text[pos] != 'T' && text[pos] != ' ') {
            return std::nullopt;
        }
        const auto hour = digits_at(text, pos + 1, 2);
        const auto minute = digits_at(text, pos + 4, 2);
        if (!hour || !minute || text[pos + 3] != ':' || *hour > 23 || *minute > 59) {
            return std::nullopt;
        }
        ms_of_day = (*hour * 60LL + *minute) * 60'000;
        pos += 6;
        if (pos < text.size() && text[pos] == ':') {
            const auto second = digits_at(text, pos + 1, 2);
            if (!second || *second > 60) {
                return std::nullopt;
            }
            ms_of_day += *second * 1000LL;
            pos += 3;
            if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
                ++pos;
                std::int64_t scale = 100;
                const std::size_t start = pos;
                for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
                    ms_of_day += (text[pos] - '0') * scale;
                    scale /= 10;
                }
                if (pos == start) {
                    return std::nullopt;
                }
            }
        }
    }
    std::int64_t offset_ms = jst_offset_ms;
    if (pos < text.size()) {
        if (text[pos] == 'Z' && pos + 1 == text.size()) {
            offset_ms = 0;
        } else if (text[pos] == '+' || text[pos] == '-') {
            const auto hours = digits_at(text, pos + 1, 2);
            const std::size_t minutes_at =
                pos + (text.size() > pos + 3 && text[pos + 3] == ':' ? 4 : 3);
            const auto minutes = digits_at(text, minutes_at, 2);
            if (!hours || !minutes || minutes_at + 2 != text.size() || *hours > 23 ||
                *minutes > 59) {
                return std::nullopt;
            }
            offset_ms = (*hours * 60LL + *minutes) * 60'000 * (text[pos] == '-' ? -1 : 1);
        } else {
            return std::nullopt;
        }
    }
    const std::int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
    return days * 86'400'000 + ms_of_day - offset_ms;
}

// The value of a time option, if given; throws naming the option when it does not parse.
std::optional<std::int64_t> time_option(Args& args, const std::string& name) {
    const auto text = args.take(name);
    if (!text) {
        return std::nullopt;
    }
    const auto ms = parse_time_ms(*text);
    if (!ms) {
        throw Error(name + ": '" + *text +
                    "' is not a time (ISO 8601 such as 2024-01-15T21:00+09:00, "
                    "'YYYY-MM-DD HH:MM' in JST, or Unix seconds)");
    }
    return ms;
}

// ISO 8601 in Japan time, the time staff read.
std::string iso_jst(std::int64_t ms) {
    const std::int64_t local = ms + jst_offset_ms;
    const std::int64_t day_ms = 86'400'000;
    const std::int64_t days = local >= 0 ? local / day_ms : (local - day_ms + 1) / day_ms;
    const std::int64_t in_day = local - days * day_ms;
    const std::chrono::year_month_day date{
        std::chrono::sys_days(std::chrono::days(static_cast<int>(days)))};
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d+09:00",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<int>(in_day / 3'600'000),
                  static_cast<int>(in_day / 60'000 % 60), static_cast<int>(in_day / 1000 % 60));
    return buffer;
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

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
    const std::int64_t until = time_option(args, "--until").value_or(now_ms());
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

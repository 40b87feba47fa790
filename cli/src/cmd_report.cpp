#include "commands.hpp"
#include "jst_time.hpp"
#include "output_file.hpp"

#include "ykm/data/project.hpp"
#include "ykm/dispatch/daily_report.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

namespace ykm::cli {
namespace {

constexpr const char* report_usage =
    R"(usage: ykm report daily PROJECT --date YYYY-MM-DD [--contractor CODE] [-o FILE.csv] [--json]

daily    the daily work reports (作業日報) of a date (Japan time): one per vehicle and shift that
         starts on that date (a night shift 21:00-06:00 belongs to its first date; a silence of
         more than 4 h ends a shift). Per shift: start and end, hours by work type, GPS gaps of
         more than 2 minutes (shown as 未確認の欠測 and counted in no work type), km driven by
         work type, km cleared by priority class (from the recorded coverage passes), the roads
         cleared and the orders served. Fixes up to 18:00 of the next day are read; a shift
         still running then is cut there.
         -o FILE.csv writes one row per vehicle and shift (UTF-8 with BOM, Japanese header);
         csv is the only file format supported now. --json prints the reports as JSON.
)";

// The order in which work types are shown.
constexpr std::array<data::WorkType, 7> shown_work{
    data::WorkType::plow,   data::WorkType::grade,  data::WorkType::widen,  data::WorkType::haul,
    data::WorkType::spread, data::WorkType::travel, data::WorkType::unknown};

double hours(std::int64_t ms) {
    return static_cast<double>(ms) / 3'600'000.0;
}

std::size_t index(data::WorkType w) {
    return static_cast<std::size_t>(w);
}

std::string fixed(double value, int decimals) {
    std::array<char, 64> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%.*f", decimals, value);
    return buffer.data();
}

// "2026-01-15 21:00", the form Excel reads as a date and time.
std::string minute_jst(std::int64_t ms) {
    std::string text = iso_jst(ms).substr(0, 16);
    text[10] = ' ';
    return text;
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) {
        return text;
    }
    std::string out = "\"";
    for (const char c : text) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

std::string orders_text(const dispatch::DailyReport& r) {
    std::string text;
    for (const auto& o : r.orders) {
        text += (text.empty() ? "" : " ") + o.number + "(" +
                std::string(dispatch::japanese_name(o.status)) + ")";
    }
    return text;
}

std::string csv_of(const std::string& date, const std::vector<dispatch::DailyReport>& reports) {
    std::string out = "\xEF\xBB\xBF"; // BOM: Excel opens the file as UTF-8
    out += "日付,車両,業者コード,業者,開始,終了,稼働時間(h)";
    for (const data::WorkType w : shown_work) {
        out += "," + std::string(data::japanese_name(w)) + "(h)";
    }
    out += ",未確認の欠測(分),欠測数,走行距離(km),第1種除雪(km),第2種除雪(km),第3種除雪(km),"
           "除雪路線数,作業指令\r\n";
    for (const auto& r : reports) {
        out += date + "," + csv_field(r.vehicle_code) + "," + csv_field(r.contractor_code) + "," +
               csv_field(r.contractor_name) + "," + minute_jst(r.start_ms) + "," +
               minute_jst(r.end_ms) + "," + fixed(hours(r.operating_ms()), 2);
        for (const data::WorkType w : shown_work) {
            out += "," + fixed(hours(r.time_ms[index(w)]), 2);
        }
        out += "," + fixed(static_cast<double>(r.gap_ms()) / 60'000.0, 1) + "," +
               std::to_string(r.gaps.size()) + "," + fixed(r.total_distance_m() / 1000.0, 3);
        for (const double m : r.plowed_m_by_class) {
            out += "," + fixed(m / 1000.0, 3);
        }
        out += "," + std::to_string(r.roads.size()) + "," + csv_field(orders_text(r)) + "\r\n";
    }
    return out;
}

nlohmann::json json_of(const dispatch::DailyReport& r) {
    nlohmann::json j;
    j["vehicle"] = r.vehicle_code;
    j["contractor"] = r.contractor_code;
    j["contractor_name"] = r.contractor_name;
    j["start"] = iso_jst(r.start_ms);
    j["end"] = iso_jst(r.end_ms);
    j["operating_h"] = hours(r.operating_ms());
    j["gap_min"] = static_cast<double>(r.gap_ms()) / 60'000.0;
    j["km"] = r.total_distance_m() / 1000.0;
    j["work"] = nlohmann::json::array();
    for (const data::WorkType w : shown_work) {
        if (r.time_ms[index(w)] == 0 && r.distance_m[index(w)] == 0.0) {
            continue;
        }
        j["work"].push_back({{"type", data::key(w)},
                             {"name", data::japanese_name(w)},
                             {"hours", hours(r.time_ms[index(w)])},
                             {"km", r.distance_m[index(w)] / 1000.0}});
    }
    j["gaps"] = nlohmann::json::array();
    for (const auto& g : r.gaps) {
        j["gaps"].push_back({{"start", iso_jst(g.start_ms)},
                             {"end", iso_jst(g.end_ms)},
                             {"minutes", static_cast<double>(g.duration_ms()) / 60'000.0}});
    }
    j["plowed_km_by_class"] = {{"1", r.plowed_m_by_class[0] / 1000.0},
                               {"2", r.plowed_m_by_class[1] / 1000.0},
                               {"3", r.plowed_m_by_class[2] / 1000.0}};
    j["roads"] = nlohmann::json::array();
    for (const auto& road : r.roads) {
        j["roads"].push_back(
            {{"segment", road.segment_id},
             {"forward", road.forward},
             {"priority", road.priority ? nlohmann::json(*road.priority) : nlohmann::json(nullptr)},
             {"name", road.name}});
    }
    j["orders"] = nlohmann::json::array();
    for (const auto& o : r.orders) {
        j["orders"].push_back({{"number", o.number}, {"status", dispatch::key(o.status)}});
    }
    return j;
}

void print_text(const std::string& date, const std::vector<dispatch::DailyReport>& reports) {
    std::printf("作業日報 %s (%zu shifts)\n", date.c_str(), reports.size());
    for (const auto& r : reports) {
        std::printf("\n%s  %s %s  %s - %s\n", r.vehicle_code.c_str(), r.contractor_code.c_str(),
                    r.contractor_name.c_str(), iso_jst(r.start_ms).c_str(),
                    iso_jst(r.end_ms).c_str());
        std::printf("  稼働 %.2f h", hours(r.operating_ms()));
        for (const data::WorkType w : shown_work) {
            if (r.time_ms[index(w)] > 0) {
                std::printf("  %s %.2f h", std::string(data::japanese_name(w)).c_str(),
                            hours(r.time_ms[index(w)]));
            }
        }
        std::printf("\n  未確認の欠測 %.1f min (%zu)", static_cast<double>(r.gap_ms()) / 60'000.0,
                    r.gaps.size());
        for (const auto& g : r.gaps) {
            std::printf("  %s-%s", clock_jst(g.start_ms).c_str(), clock_jst(g.end_ms).c_str());
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
        1, 1, "daily PROJECT --date YYYY-MM-DD [--contractor CODE] [-o FILE.csv] [--json]");
    if (output) {
        const std::string extension = std::filesystem::path(*output).extension().string();
        if (extension != ".csv" && extension != ".CSV") {
            throw Error("-o " + *output + ": format '" +
                        (extension.empty() ? std::string("(none)") : extension) +
                        "' is not supported (csv only for now)");
        }
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
        write_file_atomically(*output, csv_of(*date, reports));
    }
    if (json) {
        nlohmann::json out;
        out["date"] = *date;
        out["reports"] = nlohmann::json::array();
        for (const auto& r : reports) {
            out["reports"].push_back(json_of(r));
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

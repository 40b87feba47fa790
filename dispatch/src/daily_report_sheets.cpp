#include "ykm/dispatch/daily_report_sheets.hpp"

#include "ykm/dispatch/driver_sheet.hpp"
#include "ykm/gis/error.hpp"

#include <array>

namespace ykm::dispatch {
namespace {

constexpr std::array<data::WorkType, 7> shown_work{
    data::WorkType::plow,   data::WorkType::grade,  data::WorkType::widen,  data::WorkType::haul,
    data::WorkType::spread, data::WorkType::travel, data::WorkType::unknown};

double hours(std::int64_t ms) {
    return static_cast<double>(ms) / 3'600'000.0;
}

double minutes(std::int64_t ms) {
    return static_cast<double>(ms) / 60'000.0;
}

std::size_t index(data::WorkType w) {
    return static_cast<std::size_t>(w);
}

std::string text(std::string_view s) {
    return std::string(s);
}

std::string priority_name(const std::optional<int>& priority) {
    return priority ? "第" + std::to_string(*priority) + "種" : std::string("種別なし");
}

std::string orders_text(const DailyReport& r) {
    std::string out;
    for (const auto& o : r.orders) {
        out += (out.empty() ? "" : " ") + o.number + "(" + text(japanese_name(o.status)) + ")";
    }
    return out;
}

std::string gap_state(const GpsGap& g) {
    if (!g.confirmation) {
        return "未確認 (稼働に含めない)";
    }
    return "確認済み: " + text(data::japanese_name(g.confirmation->work));
}

} // namespace

std::span<const data::WorkType> shown_work_types() {
    return shown_work;
}

std::vector<ReportSheet> daily_report_sheets(const std::string& date,
                                             std::span<const DailyReport> reports) {
    ReportSheet summary;
    summary.name = "日報";
    summary.title = "作業日報 " + date;
    summary.notes = {"時刻は日本時間。未確認の欠測 (GPS の途切れ 2 分超) は稼働時間に含めない。",
                     "確認済みの欠測は確認された作業種別の時間に含める。"};
    summary.columns = {{"日付"}, {"車両"}, {"業者コード"},    {"業者"},
                       {"開始"}, {"終了"}, {"稼働時間(h)", 2}};
    for (const data::WorkType w : shown_work) {
        summary.columns.push_back({text(data::japanese_name(w)) + "(h)", 2});
    }
    for (const char* title : {"未確認の欠測(分)", "欠測数", "確認済みの欠測(分)"}) {
        summary.columns.push_back({title, std::string_view(title) == "欠測数" ? 0 : 1});
    }
    summary.columns.push_back({"走行距離(km)", 3});
    for (const char* title : {"第1種除雪(km)", "第2種除雪(km)", "第3種除雪(km)"}) {
        summary.columns.push_back({title, 3});
    }
    summary.columns.push_back({"除雪路線数"});
    summary.columns.push_back({"作業指令"});

    ReportSheet gaps;
    gaps.name = "欠測";
    gaps.title = "GPS の欠測 " + date;
    gaps.columns = {{"車両"}, {"開始"}, {"終了"}, {"時間(分)", 1}, {"状態"}, {"確認者"}, {"備考"}};
    ReportSheet roads;
    roads.name = "除雪路線";
    roads.title = "除雪した路線 " + date;
    roads.columns = {{"車両"}, {"シフト開始"}, {"区間 ID"}, {"方向"}, {"種別"}, {"路線名"}};
    ReportSheet orders;
    orders.name = "作業指令";
    orders.title = "対応した作業指令 " + date;
    orders.columns = {{"車両"}, {"シフト開始"}, {"指令番号"}, {"状態"}};

    for (const DailyReport& r : reports) {
        std::vector<ReportCell> row{date,
                                    r.vehicle_code,
                                    r.contractor_code,
                                    r.contractor_name,
                                    format_jst_date_time(r.start_ms),
                                    format_jst_date_time(r.end_ms),
                                    hours(r.operating_ms())};
        for (const data::WorkType w : shown_work) {
            row.emplace_back(hours(r.time_ms[index(w)]));
        }
        row.emplace_back(minutes(r.gap_ms()));
        row.emplace_back(static_cast<std::int64_t>(r.gaps.size()));
        row.emplace_back(minutes(r.confirmed_gap_ms()));
        row.emplace_back(r.total_distance_m() / 1000.0);
        for (const double m : r.plowed_m_by_class) {
            row.emplace_back(m / 1000.0);
        }
        row.emplace_back(static_cast<std::int64_t>(r.roads.size()));
        row.emplace_back(orders_text(r));
        summary.rows.push_back(std::move(row));

        for (const GpsGap& g : r.gaps) {
            gaps.rows.push_back({r.vehicle_code, format_jst_date_time(g.start_ms),
                                 format_jst_date_time(g.end_ms), minutes(g.duration_ms()),
                                 gap_state(g),
                                 g.confirmation ? g.confirmation->confirmed_by : std::string(),
                                 g.confirmation ? g.confirmation->note : std::string()});
        }
        for (const ReportRoad& road : r.roads) {
            roads.rows.push_back({r.vehicle_code, format_jst_date_time(r.start_ms), road.segment_id,
                                  std::string(road.forward ? "順" : "逆"),
                                  priority_name(road.priority), road.name});
        }
        for (const ReportOrder& o : r.orders) {
            orders.rows.push_back({r.vehicle_code, format_jst_date_time(r.start_ms), o.number,
                                   text(japanese_name(o.status))});
        }
    }
    return {summary, gaps, roads, orders};
}

std::vector<ReportSheet> daily_report_print_sheets(const std::string& date,
                                                   std::span<const DailyReport> reports) {
    std::vector<ReportSheet> sheets;
    for (const DailyReport& r : reports) {
        ReportSheet s;
        s.name = r.vehicle_code;
        s.title = "作業日報  " + date + "  " + r.vehicle_code;
        s.notes = {"業者: " + r.contractor_code + " " + r.contractor_name,
                   "作業時間: " + format_jst_date_time(r.start_ms) + " – " +
                       format_jst_date_time(r.end_ms) + " (日本時間)"};
        s.columns = {{"項目"}, {"時間(h)", 2}, {"距離(km)", 3}, {"備考"}};
        for (const data::WorkType w : shown_work) {
            if (r.time_ms[index(w)] == 0 && r.distance_m[index(w)] == 0.0) {
                continue;
            }
            s.rows.push_back({text(data::japanese_name(w)), hours(r.time_ms[index(w)]),
                              r.distance_m[index(w)] / 1000.0, std::monostate{}});
        }
        for (std::size_t c = 0; c < r.plowed_m_by_class.size(); ++c) {
            s.rows.push_back({"除雪 第" + std::to_string(c + 1) + "種", std::monostate{},
                              r.plowed_m_by_class[c] / 1000.0, std::monostate{}});
        }
        s.rows.push_back({std::string("除雪した路線"), std::monostate{}, std::monostate{},
                          std::to_string(r.roads.size()) + " 方向"});
        for (const GpsGap& g : r.gaps) {
            s.rows.push_back(
                {"欠測 " + format_jst_time(g.start_ms) + "–" + format_jst_time(g.end_ms),
                 hours(g.duration_ms()), std::monostate{}, gap_state(g)});
        }
        if (!r.orders.empty()) {
            s.rows.push_back(
                {std::string("作業指令"), std::monostate{}, std::monostate{}, orders_text(r)});
        }
        s.totals = std::vector<ReportCell>{
            std::string("稼働時間 / 走行距離"), hours(r.operating_ms()),
            r.total_distance_m() / 1000.0,
            r.gaps.empty()
                ? std::string()
                : "未確認の欠測 " + std::to_string(static_cast<int>(minutes(r.gap_ms()) + 0.5)) +
                      " 分は含まない"};
        sheets.push_back(std::move(s));
    }
    return sheets;
}

void write_daily_reports(const std::string& date, std::span<const DailyReport> reports,
                         const std::filesystem::path& file) {
    const auto format = report_format(file);
    if (format == ReportFormat::pdf) {
        if (reports.empty()) {
            throw Error(file.string() + ": no daily reports on " + date + " to print");
        }
        ReportPdfOptions options;
        options.landscape = false;
        options.signature_boxes = {"運転者", "受注者", "監督員"};
        options.signatures_each_sheet = true;
        options.footer = "作業日報 " + date;
        write_report(daily_report_print_sheets(date, reports), file, options);
        return;
    }
    write_report(daily_report_sheets(date, reports), file);
}

} // namespace ykm::dispatch

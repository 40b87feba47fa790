#include "ykm/dispatch/fee_sheets.hpp"

#include "ykm/dispatch/position_input.hpp"

#include <optional>
#include <utility>

namespace ykm::dispatch {
namespace {

double hours(std::int64_t ms) {
    return static_cast<double>(ms) / 3'600'000.0;
}

// "2027-01-15 21:00:00", the form spreadsheets read as a date and time (Japan time).
std::string datetime_jst(std::int64_t ms) {
    std::string text = format_time_jst(ms).substr(0, 19);
    text[10] = ' ';
    return text;
}

ReportCell text(std::string s) {
    return ReportCell{std::move(s)};
}

ReportCell integer(std::int64_t v) {
    return ReportCell{v};
}

ReportCell number(double v) {
    return ReportCell{v};
}

std::vector<ReportCell> summary_row(const VehicleFees& v) {
    const bool standby = v.standby.has_value();
    return {text(v.contractor_code),
            text(v.contractor_name),
            text(v.vehicle_code),
            text(std::string(japanese_name(v.machine))),
            number(hours(v.duration_ms)),
            integer(v.fee_yen),
            standby ? number(hours(v.standby->shortfall_ms)) : ReportCell{},
            integer(standby && v.standby->paid ? v.standby->yen : 0),
            integer(v.total_yen())};
}

std::vector<ReportColumn> summary_columns() {
    return {{"業者コード"},
            {"業者名"},
            {"車両"},
            {"機種"},
            {"稼働時間(h)", 2},
            {"委託料(円)", 0, true},
            {"待機不足時間(h)", 2},
            {"待機補償(円)", 0, true},
            {"請求額(円)", 0, true}};
}

std::vector<ReportCell> summary_totals(const std::vector<ContractorFees>& contractors) {
    std::int64_t ms = 0;
    std::int64_t fee = 0;
    std::int64_t standby = 0;
    for (const auto& c : contractors) {
        ms += c.duration_ms;
        fee += c.fee_yen;
        standby += c.standby_yen;
    }
    return {text("合計"),          {},           {}, {},
            number(hours(ms)),     integer(fee), {}, integer(standby),
            integer(fee + standby)};
}

ReportSheet summary_sheet(const MonthlyFees& f) {
    ReportSheet s;
    s.name = "集計";
    s.title = "委託料集計表 " + f.month;
    s.notes = f.notes;
    s.columns = summary_columns();
    for (const auto& v : f.vehicles) {
        s.rows.push_back(summary_row(v));
    }
    s.totals = summary_totals(f.contractors);
    return s;
}

ReportSheet bands_sheet(const MonthlyFees& f, std::optional<std::int64_t> contractor) {
    ReportSheet s;
    s.name = "時間帯別";
    s.title = "時間帯別内訳 " + f.month;
    s.notes = {"金額は端数を含む値です。車両ごとの委託料は合計の円未満を切り捨てた額です。"};
    s.columns = {{"業者コード"},
                 {"車両"},
                 {"機種"},
                 {"日区分"},
                 {"時間帯"},
                 {"単価ID"},
                 {"単価(円/h)", 0, true},
                 {"時間(h)", 2},
                 {"金額(円)", 2, true}};
    std::int64_t ms = 0;
    std::int64_t yen_ms = 0;
    for (const auto& v : f.vehicles) {
        if (contractor && v.contractor_id != *contractor) {
            continue;
        }
        for (const auto& b : v.bands) {
            s.rows.push_back({text(v.contractor_code), text(v.vehicle_code),
                              text(std::string(japanese_name(v.machine))),
                              text(std::string(japanese_name(b.rate.day))),
                              text(band_label(b.rate)), integer(b.rate.id),
                              integer(b.rate.yen_per_hour), number(hours(b.duration_ms)),
                              number(static_cast<double>(b.yen_ms) / 3'600'000.0)});
            ms += b.duration_ms;
            yen_ms += b.yen_ms;
        }
    }
    s.totals = std::vector<ReportCell>{text("合計"),
                                       {},
                                       {},
                                       {},
                                       {},
                                       {},
                                       {},
                                       number(hours(ms)),
                                       number(static_cast<double>(yen_ms) / 3'600'000.0)};
    return s;
}

ReportSheet detail_sheet(const MonthlyFees& f) {
    ReportSheet s;
    s.name = "明細";
    s.title = "委託料明細 " + f.month;
    s.notes = {"1行は、作業日報の稼働時間を0時と時間帯の境で分けた1区間です。測位点数は区間の"
               "始点から終点まで (両端を含む) の GPS 測位点の数です。"};
    s.columns = {{"業者コード"}, {"車両"},
                 {"機種"},       {"日報日付"},
                 {"シフト開始"}, {"開始"},
                 {"終了"},       {"作業"},
                 {"欠測確認"},   {"測位点数"},
                 {"最初の測位"}, {"最後の測位"},
                 {"日付"},       {"日区分"},
                 {"休日の理由"}, {"単価ID"},
                 {"時間帯"},     {"単価(円/h)", 0, true},
                 {"時間(h)", 4}, {"金額(円)", 2, true}};
    std::int64_t ms = 0;
    std::int64_t yen_ms = 0;
    for (const auto& l : f.lines) {
        s.rows.push_back({text(l.contractor_code),
                          text(l.vehicle_code),
                          text(std::string(japanese_name(l.machine))),
                          text(l.report_date),
                          text(datetime_jst(l.shift_start_ms)),
                          text(datetime_jst(l.start_ms)),
                          text(datetime_jst(l.end_ms)),
                          text(std::string(data::japanese_name(l.work))),
                          text(l.confirmed_gap ? "確認済み欠測" : ""),
                          integer(static_cast<std::int64_t>(l.fix_count)),
                          l.fix_count > 0 ? text(datetime_jst(l.first_fix_ms)) : ReportCell{},
                          l.fix_count > 0 ? text(datetime_jst(l.last_fix_ms)) : ReportCell{},
                          text(l.date),
                          text(std::string(japanese_name(l.day))),
                          text(l.day_reason),
                          integer(l.rate.id),
                          text(band_label(l.rate)),
                          integer(l.rate.yen_per_hour),
                          number(hours(l.duration_ms())),
                          number(l.yen())});
        ms += l.duration_ms();
        yen_ms += l.yen_ms();
    }
    std::vector<ReportCell> totals(s.columns.size());
    totals[0] = text("合計");
    totals[18] = number(hours(ms));
    totals[19] = number(static_cast<double>(yen_ms) / 3'600'000.0);
    s.totals = totals;
    return s;
}

ReportSheet rates_sheet(const MonthlyFees& f) {
    ReportSheet s;
    s.name = "単価表";
    s.title = "適用単価 " + f.month;
    s.columns = {{"単価ID"}, {"機種"}, {"日区分"}, {"時間帯"}, {"単価(円/h)", 0, true}, {"名称"}};
    for (const auto& r : f.rates_used) {
        s.rows.push_back({integer(r.id), text(std::string(japanese_name(r.machine))),
                          text(std::string(japanese_name(r.day))),
                          text(band_text(r.band_start_min, r.band_end_min)),
                          integer(r.yen_per_hour), text(r.name)});
    }
    return s;
}

ReportSheet standby_sheet(const MonthlyFees& f) {
    ReportSheet s;
    s.name = "待機補償";
    s.title = "待機補償 " + f.month;
    s.notes = {f.notes.back()};
    s.columns = {{"業者コード"},
                 {"車両"},
                 {"機種"},
                 {"標準時間(h)", 2},
                 {"シーズン稼働時間(h)", 2},
                 {"不足時間(h)", 2},
                 {"単価(円/h)", 0, true},
                 {"支払"},
                 {"金額(円)", 0, true}};
    std::int64_t total = 0;
    for (const auto& v : f.vehicles) {
        if (!v.standby) {
            continue;
        }
        const auto& st = *v.standby;
        s.rows.push_back({text(v.contractor_code), text(v.vehicle_code),
                          text(std::string(japanese_name(v.machine))),
                          number(st.terms.standard_hours), number(hours(st.season_operating_ms)),
                          number(hours(st.shortfall_ms)), integer(st.terms.yen_per_hour),
                          text(st.paid ? "精算" : "参考"), integer(st.yen)});
        total += st.yen;
    }
    s.totals = std::vector<ReportCell>{text("合計"), {}, {}, {}, {}, {}, {}, {}, integer(total)};
    return s;
}

std::vector<ReportSheet> pdf_sheets(const MonthlyFees& f) {
    std::vector<ReportSheet> sheets;
    for (const auto& c : f.contractors) {
        ReportSheet s;
        s.name = c.contractor_code;
        s.title = "委託料集計表 " + f.month + "  " + c.contractor_code + " " + c.contractor_name;
        s.notes = f.notes;
        s.columns = summary_columns();
        for (const auto& v : f.vehicles) {
            if (v.contractor_id == c.contractor_id) {
                s.rows.push_back(summary_row(v));
            }
        }
        s.totals = summary_totals({c});
        sheets.push_back(std::move(s));
        ReportSheet bands = bands_sheet(f, c.contractor_id);
        bands.name = c.contractor_code + " 内訳";
        bands.title = "時間帯別内訳 " + f.month + "  " + c.contractor_code;
        bands.signed_here = true; // each contractor signs its own part
        sheets.push_back(std::move(bands));
    }
    if (sheets.empty()) {
        ReportSheet s = summary_sheet(f);
        sheets.push_back(std::move(s));
    }
    return sheets;
}

} // namespace

std::string band_label(const FeeRate& r) {
    return band_text(r.band_start_min, r.band_end_min) + (r.name.empty() ? "" : " " + r.name);
}

std::vector<ReportSheet> monthly_fee_sheets(const MonthlyFees& fees) {
    return {summary_sheet(fees), bands_sheet(fees, std::nullopt), detail_sheet(fees),
            rates_sheet(fees), standby_sheet(fees)};
}

void write_monthly_fees(const MonthlyFees& fees, const std::filesystem::path& file, bool detail) {
    std::vector<ReportSheet> sheets;
    ReportPdfOptions pdf;
    const std::optional<ReportFormat> format = report_format(file);
    if (format == ReportFormat::csv) {
        sheets.push_back(detail ? detail_sheet(fees) : summary_sheet(fees));
    } else if (format == ReportFormat::pdf) {
        sheets = pdf_sheets(fees);
        pdf.landscape = true;
        pdf.signature_boxes = {"受注者", "監督員"};
        pdf.footer = "委託料集計表 " + fees.month;
    } else {
        sheets = monthly_fee_sheets(fees); // xlsx; write_report refuses other extensions
    }
    write_report(sheets, file, pdf);
}

} // namespace ykm::dispatch

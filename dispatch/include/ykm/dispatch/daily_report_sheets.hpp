#pragma once
// Daily work reports (作業日報) as tables for the office: the list of a date's shifts for a
// spreadsheet or the accounting system, and one signed sheet per vehicle and shift for print.
#include "ykm/dispatch/daily_report.hpp"
#include "ykm/dispatch/report_table.hpp"

#include <span>
#include <string>
#include <vector>

namespace ykm::dispatch {

/// The work types in the order reports show them: the service types, travel, unknown.
std::span<const data::WorkType> shown_work_types();

/// The sheets of a date's reports for CSV and XLSX: 日報 (one row per vehicle and shift: start,
/// end, hours in total and by work type, unconfirmed and confirmed gap minutes, km driven and
/// km cleared by priority class, roads, orders), 欠測 (every GPS gap with its confirmation),
/// 除雪路線 (the directions each shift cleared) and 作業指令 (the orders served). CSV takes the
/// first.
std::vector<ReportSheet> daily_report_sheets(const std::string& date,
                                             std::span<const DailyReport> reports);

/// One sheet per vehicle and shift for printing and signing (PDF, with signature boxes on
/// each): the figures as 項目 / 値 rows, the gaps, the orders served.
std::vector<ReportSheet> daily_report_print_sheets(const std::string& date,
                                                   std::span<const DailyReport> reports);

/// Writes the reports to `file` by its extension: .csv and .xlsx from daily_report_sheets(),
/// .pdf from daily_report_print_sheets() with boxes for 運転者, 受注者 and 監督員 on every page.
/// Throws ykm::Error naming the file for another extension or a failed write.
void write_daily_reports(const std::string& date, std::span<const DailyReport> reports,
                         const std::filesystem::path& file);

} // namespace ykm::dispatch

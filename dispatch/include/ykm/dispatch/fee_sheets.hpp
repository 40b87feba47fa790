#pragma once
// The month's fees (委託料) as tables for the office: the same workbook, signed PDF and CSV from
// the command line and from the window.
#include "ykm/dispatch/fees.hpp"
#include "ykm/dispatch/report_table.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace ykm::dispatch {

/// "22:00-24:00 夜間": a band's clock times and its name.
std::string band_label(const FeeRate& rate);

/// The workbook's sheets: 集計 (one row per vehicle: hours, fee, standby shortfall and pay,
/// total; totals), 時間帯別 (hours and amount per vehicle and band), 明細 (every priced piece
/// with the fixes, day kind, band and rate behind it), 単価表 (the rates used), 待機補償.
std::vector<ReportSheet> monthly_fee_sheets(const MonthlyFees& fees);

/// Writes the fees to `file` by its extension: .csv the 集計 sheet for the accounting system
/// (with `detail` the 明細 lines instead), .xlsx monthly_fee_sheets(), .pdf per contractor its
/// summary and bands with boxes for 受注者 and 監督員. Throws ykm::Error naming the file for
/// another extension or a failed write.
void write_monthly_fees(const MonthlyFees& fees, const std::filesystem::path& file,
                        bool detail = false);

} // namespace ykm::dispatch

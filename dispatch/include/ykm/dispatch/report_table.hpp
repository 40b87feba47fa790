#pragma once
// Tables of figures for the office, written as CSV (for accounting systems), XLSX (for the
// office's spreadsheets) or PDF (A4, for signatures): daily work reports, fees, storm KPIs.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace ykm::dispatch {

/// One cell: empty, text, an integer or a decimal number.
using ReportCell = std::variant<std::monostate, std::string, std::int64_t, double>;

/// How a column's numbers are shown (CSV and PDF print them with `decimals` places; XLSX keeps
/// the number and gives the cell a number format with that many places).
struct ReportColumn {
    std::string title;
    int decimals = 0;
    /// Thousands separators in XLSX and PDF (amounts in yen); never in CSV.
    bool grouped = false;
};

/// One table: a worksheet of a workbook, a section of a PDF.
struct ReportSheet {
    /// The worksheet's tab name (at most 31 characters, none of []:*?/\).
    std::string name;
    /// The heading printed above the table (PDF, XLSX).
    std::string title;
    /// Lines under the heading: the date, the contractor, what the figures mean.
    std::vector<std::string> notes;
    std::vector<ReportColumn> columns;
    std::vector<std::vector<ReportCell>> rows;
    /// A totals row printed bold under the rows, if any.
    std::optional<std::vector<ReportCell>> totals;
    /// PDF: the signature boxes go under this sheet (the last sheet of one contractor's part).
    bool signed_here = false;
};

/// What a PDF report carries besides its tables.
struct ReportPdfOptions {
    /// Landscape A4 (wide tables) or portrait.
    bool landscape = true;
    /// Boxes for stamps or signatures, e.g. 受注者, 監督員: under the sheets marked signed_here,
    /// or under every sheet, or else once at the end of the document.
    std::vector<std::string> signature_boxes;
    /// The boxes under every sheet (one report a sheet, each signed) instead of once at the end.
    bool signatures_each_sheet = false;
    /// Printed at the foot of every page with the page number.
    std::string footer;
};

/// The formats write_report() knows.
enum class ReportFormat { csv, xlsx, pdf };

/// The format of a file by its extension (.csv, .xlsx, .pdf, any case); std::nullopt for any
/// other.
std::optional<ReportFormat> report_format(const std::filesystem::path& file);

/// CSV text of one table: UTF-8 with a byte-order mark (so the office's spreadsheet reads
/// Japanese), CRLF line ends, RFC 4180 quoting, the header row, the rows, the totals row.
std::string report_csv(const ReportSheet& sheet);

/// Writes `sheets` to `file` in the format of its extension, whole or not at all (a partial
/// file renamed over the target). CSV holds the first sheet only when there are several.
/// Throws ykm::Error naming the file when the extension is none of csv/xlsx/pdf or the file
/// cannot be written, or naming the sheet and row when a row's cell count differs from the
/// columns.
void write_report(std::span<const ReportSheet> sheets, const std::filesystem::path& file,
                  const ReportPdfOptions& pdf = {});

} // namespace ykm::dispatch

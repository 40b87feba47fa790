#include "ykm/dispatch/report_table.hpp"

#include "pdf_page.hpp"

#include "ykm/gis/error.hpp"

#include <cairo-pdf.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <memory>

namespace ykm::dispatch {
namespace {

// ---- cells as text ------------------------------------------------------------------------------

std::string with_groups(const std::string& digits) {
    // digits: an optional '-', then the integer part, then optionally '.' and the fraction.
    const std::size_t sign = !digits.empty() && digits[0] == '-' ? 1 : 0;
    const std::size_t point = std::min(digits.find('.'), digits.size());
    std::string out = digits.substr(0, sign);
    for (std::size_t i = sign; i < point; ++i) {
        out += digits[i];
        const std::size_t left = point - i - 1;
        if (left > 0 && left % 3 == 0) {
            out += ',';
        }
    }
    return out + digits.substr(point);
}

std::string cell_text(const ReportCell& cell, const ReportColumn& column, bool grouped) {
    std::string text;
    if (const auto* s = std::get_if<std::string>(&cell)) {
        return *s;
    }
    if (const auto* i = std::get_if<std::int64_t>(&cell)) {
        text = std::to_string(*i);
    } else if (const auto* d = std::get_if<double>(&cell)) {
        // Half away from zero, as people round (printf rounds 0.125 to 0.12).
        const int places = std::clamp(column.decimals, 0, 9);
        const double scale = std::pow(10.0, places);
        const double rounded = std::round(*d * scale) / scale;
        std::array<char, 64> buffer{};
        std::snprintf(buffer.data(), buffer.size(), "%.*f", places, rounded);
        text = buffer.data();
        if (text == "-0" || text.find_first_not_of("-0.") == std::string::npos) {
            text.erase(0, text[0] == '-' ? 1 : 0); // no "-0.00"
        }
    } else {
        return {};
    }
    return grouped && column.grouped ? with_groups(text) : text;
}

bool is_number(const ReportCell& cell) {
    return std::holds_alternative<std::int64_t>(cell) || std::holds_alternative<double>(cell);
}

void check_shape(const ReportSheet& sheet) {
    const auto check = [&](const std::vector<ReportCell>& row, const std::string& which) {
        if (row.size() != sheet.columns.size()) {
            throw Error("report sheet '" + sheet.name + "': " + which + " has " +
                        std::to_string(row.size()) + " cells for " +
                        std::to_string(sheet.columns.size()) + " columns");
        }
    };
    for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
        check(sheet.rows[r], "row " + std::to_string(r + 1));
    }
    if (sheet.totals) {
        check(*sheet.totals, "the totals row");
    }
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

// ---- XLSX ------------------------------------------------------------------------------------

// Excel refuses these in a worksheet's name, and names over 31 characters.
std::string sheet_name(const std::string& name, std::size_t index) {
    std::string out;
    for (const char c : name) {
        out += std::string_view("[]:*?/\\").find(c) == std::string_view::npos ? c : '_';
    }
    // Cut at 31 UTF-8 characters, not bytes.
    std::size_t chars = 0;
    std::size_t i = 0;
    for (; i < out.size(); ++i) {
        if ((static_cast<unsigned char>(out[i]) & 0xC0) != 0x80 && ++chars > 31) {
            break;
        }
    }
    out.resize(i);
    return out.empty() ? "Sheet" + std::to_string(index + 1) : out;
}

std::string number_format(const ReportColumn& column) {
    std::string format = column.grouped ? "#,##0" : "0";
    if (column.decimals > 0) {
        format += "." + std::string(static_cast<std::size_t>(column.decimals), '0');
    }
    return format;
}

void write_xlsx(std::span<const ReportSheet> sheets, const std::filesystem::path& partial,
                const std::filesystem::path& target) {
    lxw_workbook_options options{};
    options.constant_memory = LXW_FALSE;
    options.tmpdir = nullptr;
    lxw_workbook* book = workbook_new_opt(partial.c_str(), &options);
    if (book == nullptr) {
        throw Error(target.string() + ": cannot write XLSX");
    }
    lxw_format* title = workbook_add_format(book);
    format_set_bold(title);
    format_set_font_size(title, 14);
    lxw_format* header = workbook_add_format(book);
    format_set_bold(header);
    format_set_bottom(header, LXW_BORDER_THIN);
    format_set_text_wrap(header);
    format_set_align(header, LXW_ALIGN_VERTICAL_TOP);
    std::vector<std::string> used_names;
    for (std::size_t s = 0; s < sheets.size(); ++s) {
        const ReportSheet& sheet = sheets[s];
        std::string name = sheet_name(sheet.name, s);
        while (std::find(used_names.begin(), used_names.end(), name) != used_names.end()) {
            name = sheet_name(name.substr(0, 28) + "_" + std::to_string(s + 1), s);
        }
        used_names.push_back(name);
        lxw_worksheet* ws = workbook_add_worksheet(book, name.c_str());
        std::vector<lxw_format*> numbers;
        std::vector<lxw_format*> bold_numbers;
        for (const ReportColumn& c : sheet.columns) {
            lxw_format* f = workbook_add_format(book);
            format_set_num_format(f, number_format(c).c_str());
            numbers.push_back(f);
            lxw_format* b = workbook_add_format(book);
            format_set_num_format(b, number_format(c).c_str());
            format_set_bold(b);
            format_set_top(b, LXW_BORDER_THIN);
            bold_numbers.push_back(b);
        }
        lxw_row_t row = 0;
        if (!sheet.title.empty()) {
            worksheet_write_string(ws, row++, 0, sheet.title.c_str(), title);
        }
        for (const std::string& note : sheet.notes) {
            worksheet_write_string(ws, row++, 0, note.c_str(), nullptr);
        }
        if (row > 0) {
            ++row;
        }
        const lxw_row_t header_row = row;
        for (std::size_t c = 0; c < sheet.columns.size(); ++c) {
            worksheet_write_string(ws, row, static_cast<lxw_col_t>(c),
                                   sheet.columns[c].title.c_str(), header);
        }
        ++row;
        const auto write_row = [&](const std::vector<ReportCell>& cells, bool bold) {
            for (std::size_t c = 0; c < cells.size(); ++c) {
                const auto col = static_cast<lxw_col_t>(c);
                lxw_format* f = bold ? bold_numbers[c] : numbers[c];
                if (const auto* i = std::get_if<std::int64_t>(&cells[c])) {
                    worksheet_write_number(ws, row, col, static_cast<double>(*i), f);
                } else if (const auto* d = std::get_if<double>(&cells[c])) {
                    worksheet_write_number(ws, row, col, *d, f);
                } else if (const auto* t = std::get_if<std::string>(&cells[c])) {
                    worksheet_write_string(ws, row, col, t->c_str(),
                                           bold ? bold_numbers[c] : nullptr);
                }
            }
            ++row;
        };
        for (const auto& cells : sheet.rows) {
            write_row(cells, false);
        }
        if (sheet.totals) {
            write_row(*sheet.totals, true);
        }
        // Widths from the longest text of each column (a CJK character counts twice).
        for (std::size_t c = 0; c < sheet.columns.size(); ++c) {
            std::size_t widest = 6;
            const auto measure = [&](const std::string& text) {
                std::size_t width = 0;
                for (std::size_t i = 0; i < text.size(); ++i) {
                    const auto byte = static_cast<unsigned char>(text[i]);
                    if ((byte & 0xC0) != 0x80) {
                        width += byte >= 0xE0 ? 2 : 1;
                    }
                }
                widest = std::max(widest, width);
            };
            measure(sheet.columns[c].title);
            for (const auto& cells : sheet.rows) {
                measure(cell_text(cells[c], sheet.columns[c], true));
            }
            worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                                 static_cast<double>(std::min<std::size_t>(widest, 60)) + 2.0,
                                 nullptr);
        }
        worksheet_freeze_panes(ws, header_row + 1, 0);
    }
    if (workbook_close(book) != LXW_NO_ERROR) {
        pdf::remove_quietly(partial);
        throw Error(target.string() + ": cannot write XLSX");
    }
}

// ---- PDF --------------------------------------------------------------------------------------

class PdfWriter {
public:
    PdfWriter(cairo_t* cr, const ReportPdfOptions& options, double w, double h)
        : m_cr(cr), m_type(cr), m_options(options), m_w(w), m_h(h) {}

    void sheet(const ReportSheet& sheet) {
        if (m_page > 0) {
            next_page();
        } else {
            m_page = 1;
            m_y = pdf::margin;
        }
        m_y += m_type.text(sheet.title, 14.0, pdf::margin, m_y, true) + 4.0;
        for (const std::string& note : sheet.notes) {
            m_y += m_type.text(note, 8.5, pdf::margin, m_y) + 1.0;
        }
        m_y += 6.0;
        widths(sheet);
        header(sheet);
        for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
            if (m_y + m_row_h > bottom()) {
                next_page();
                header(sheet);
            }
            row(sheet, sheet.rows[r], false, r % 2 == 1);
        }
        if (sheet.totals) {
            if (m_y + m_row_h > bottom()) {
                next_page();
                header(sheet);
            }
            pdf::line(m_cr, pdf::margin, m_y, pdf::margin + total_width(), m_y, 0.8,
                      pdf::text_colour);
            row(sheet, *sheet.totals, true, false);
        }
    }

    void signatures() {
        const auto& boxes = m_options.signature_boxes;
        if (boxes.empty()) {
            return;
        }
        const double box_w = 90.0;
        const double box_h = 70.0;
        if (m_y + box_h + 24.0 > bottom()) {
            next_page();
        }
        double x = m_w - pdf::margin - box_w * static_cast<double>(boxes.size());
        const double y = std::max(m_y + 18.0, bottom() - box_h);
        for (const std::string& label : boxes) {
            cairo_set_line_width(m_cr, 0.8);
            pdf::set_colour(m_cr, pdf::text_colour);
            cairo_rectangle(m_cr, x, y, box_w, box_h);
            cairo_stroke(m_cr);
            pdf::line(m_cr, x, y + 16.0, x + box_w, y + 16.0, 0.6, pdf::text_colour);
            m_type.text(label, 8.5, x + box_w / 2.0, y + 3.0, false, pdf::Align::centre);
            x += box_w;
        }
    }

    void finish() {
        footer();
        cairo_show_page(m_cr);
    }

private:
    [[nodiscard]] double bottom() const { return m_h - pdf::margin - 14.0; }
    [[nodiscard]] double total_width() const {
        double w = 0.0;
        for (const double c : m_widths) {
            w += c;
        }
        return w;
    }

    void footer() {
        std::string text = m_options.footer;
        text += (text.empty() ? "" : "    ") + std::to_string(m_page);
        m_type.text(text, 7.5, m_w / 2.0, m_h - pdf::margin, false, pdf::Align::centre,
                    pdf::rule_colour);
    }

    void next_page() {
        footer();
        cairo_show_page(m_cr);
        ++m_page;
        m_y = pdf::margin;
    }

    // Column widths from the widest text at the font size, shrunk to the page when needed.
    void widths(const ReportSheet& sheet) {
        const double available = m_w - 2.0 * pdf::margin;
        m_size = 8.0;
        for (;;) {
            m_widths.assign(sheet.columns.size(), 0.0);
            for (std::size_t c = 0; c < sheet.columns.size(); ++c) {
                const auto measure = [&](const std::string& text, bool bold) {
                    const pdf::LayoutPtr l = m_type.layout(text, m_size, bold);
                    m_widths[c] = std::max(m_widths[c], pdf::Typesetter::size(l.get()).first);
                };
                measure(sheet.columns[c].title, true);
                for (const auto& cells : sheet.rows) {
                    measure(cell_text(cells[c], sheet.columns[c], true), false);
                }
                if (sheet.totals) {
                    measure(cell_text((*sheet.totals)[c], sheet.columns[c], true), true);
                }
                m_widths[c] += 8.0;
            }
            const double total = total_width();
            if (total <= available || m_size <= 5.5) {
                if (total > available) { // still too wide: squeeze, texts are cut with "…"
                    for (double& w : m_widths) {
                        w *= available / total;
                    }
                }
                break;
            }
            m_size -= 0.5;
        }
        m_row_h = m_size * 1.75;
    }

    void header(const ReportSheet& sheet) {
        double x = pdf::margin;
        double height = m_row_h;
        for (std::size_t c = 0; c < sheet.columns.size(); ++c) {
            const pdf::LayoutPtr l =
                m_type.layout(sheet.columns[c].title, m_size, true, m_widths[c] - 6.0, 3);
            height = std::max(height, pdf::Typesetter::size(l.get()).second + 6.0);
        }
        for (std::size_t c = 0; c < sheet.columns.size(); ++c) {
            const pdf::LayoutPtr l =
                m_type.layout(sheet.columns[c].title, m_size, true, m_widths[c] - 6.0, 3);
            m_type.show(l.get(), x + 3.0, m_y + 3.0);
            x += m_widths[c];
        }
        m_y += height;
        pdf::line(m_cr, pdf::margin, m_y, pdf::margin + total_width(), m_y, 0.8, pdf::text_colour);
    }

    void row(const ReportSheet& sheet, const std::vector<ReportCell>& cells, bool bold,
             bool banded) {
        if (banded) {
            pdf::set_colour(m_cr, pdf::band_colour);
            cairo_rectangle(m_cr, pdf::margin, m_y, total_width(), m_row_h);
            cairo_fill(m_cr);
        }
        double x = pdf::margin;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const std::string text = cell_text(cells[c], sheet.columns[c], true);
            const pdf::LayoutPtr l = m_type.layout(text, m_size, bold, m_widths[c] - 6.0, 1);
            const bool right = is_number(cells[c]);
            m_type.show(l.get(), right ? x + m_widths[c] - 3.0 : x + 3.0,
                        m_y + (m_row_h - m_size * 1.25) / 2.0,
                        right ? pdf::Align::right : pdf::Align::left);
            x += m_widths[c];
        }
        m_y += m_row_h;
    }

    cairo_t* m_cr;
    pdf::Typesetter m_type;
    const ReportPdfOptions& m_options;
    double m_w;
    double m_h;
    int m_page = 0;
    double m_y = 0.0;
    double m_size = 8.0;
    double m_row_h = 14.0;
    std::vector<double> m_widths;
};

void write_pdf(std::span<const ReportSheet> sheets, const std::filesystem::path& partial,
               const std::filesystem::path& target, const ReportPdfOptions& options) {
    const double w = options.landscape ? pdf::page_h : pdf::page_w;
    const double h = options.landscape ? pdf::page_w : pdf::page_h;
    pdf::SurfacePtr surface(cairo_pdf_surface_create(partial.c_str(), w, h));
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
        pdf::remove_quietly(partial);
        throw Error(target.string() + ": cannot write PDF");
    }
    if (!sheets.empty()) {
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                       sheets.front().title.c_str());
    }
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Yukimichi");
    {
        pdf::CairoPtr cr(cairo_create(surface.get()));
        PdfWriter writer(cr.get(), options, w, h);
        bool signed_any = false;
        for (const ReportSheet& sheet : sheets) {
            writer.sheet(sheet);
            if (options.signatures_each_sheet || sheet.signed_here) {
                writer.signatures();
                signed_any = true;
            }
        }
        if (!signed_any) {
            writer.signatures();
        }
        writer.finish();
    }
    cairo_surface_finish(surface.get());
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
        pdf::remove_quietly(partial);
        throw Error(target.string() + ": cannot write PDF");
    }
}

} // namespace

std::optional<ReportFormat> report_format(const std::filesystem::path& file) {
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".csv") {
        return ReportFormat::csv;
    }
    if (ext == ".xlsx") {
        return ReportFormat::xlsx;
    }
    if (ext == ".pdf") {
        return ReportFormat::pdf;
    }
    return std::nullopt;
}

std::string report_csv(const ReportSheet& sheet) {
    check_shape(sheet);
    std::string out = "\xEF\xBB\xBF";
    const auto line = [&](const std::vector<std::string>& fields) {
        for (std::size_t i = 0; i < fields.size(); ++i) {
            out += (i == 0 ? "" : ",") + csv_field(fields[i]);
        }
        out += "\r\n";
    };
    std::vector<std::string> fields;
    for (const ReportColumn& c : sheet.columns) {
        fields.push_back(c.title);
    }
    line(fields);
    const auto cells_line = [&](const std::vector<ReportCell>& cells) {
        fields.clear();
        for (std::size_t c = 0; c < cells.size(); ++c) {
            fields.push_back(cell_text(cells[c], sheet.columns[c], false));
        }
        line(fields);
    };
    for (const auto& cells : sheet.rows) {
        cells_line(cells);
    }
    if (sheet.totals) {
        cells_line(*sheet.totals);
    }
    return out;
}

void write_report(std::span<const ReportSheet> sheets, const std::filesystem::path& file,
                  const ReportPdfOptions& pdf_options) {
    const std::optional<ReportFormat> format = report_format(file);
    if (!format) {
        throw Error(file.string() + ": unknown report format '" + file.extension().string() +
                    "' (use .csv, .xlsx or .pdf)");
    }
    if (sheets.empty()) {
        throw Error(file.string() + ": nothing to write");
    }
    for (const ReportSheet& sheet : sheets) {
        check_shape(sheet);
    }
    const std::filesystem::path partial = pdf::partial_path(file);
    switch (*format) {
    case ReportFormat::csv:
        pdf::write_file(file, report_csv(sheets.front()), "CSV");
        return;
    case ReportFormat::xlsx:
        write_xlsx(sheets, partial, file);
        break;
    case ReportFormat::pdf:
        write_pdf(sheets, partial, file, pdf_options);
        break;
    }
    pdf::rename_over(partial, file);
}

} // namespace ykm::dispatch

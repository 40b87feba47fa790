#include "ykm/dispatch/report_table.hpp"

#include "../data/temp_dir.hpp"
#include "shell_tools.hpp"

#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

namespace ykm::dispatch {
namespace {

ReportSheet fee_sheet() {
    ReportSheet sheet;
    sheet.name = "集計";
    sheet.title = "委託料集計 2027年1月";
    sheet.notes = {"業者: 北雪建設", "円未満切り捨て"};
    sheet.columns = {{"車両"}, {"時間", 2}, {"金額 (円)", 0, true}, {"備考"}};
    sheet.rows = {{std::string("D-01"), 12.5, std::int64_t{1234567}, std::string("夜間, 早朝")},
                  {std::string("G-02"), 0.125, std::int64_t{-5000}, std::string("say \"hi\"")},
                  {std::string("R-03"), -0.001, std::monostate{}, std::string()}};
    sheet.totals = std::vector<ReportCell>{std::string("合計"), 12.624, std::int64_t{1229567},
                                           std::monostate{}};
    return sheet;
}

std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

BOOST_AUTO_TEST_SUITE(report_table)

BOOST_AUTO_TEST_CASE(csv_has_a_bom_crlf_quoting_and_fixed_decimals_without_groups) {
    const std::string csv = report_csv(fee_sheet());
    const std::string expected = "\xEF\xBB\xBF"
                                 "車両,時間,金額 (円),備考\r\n"
                                 "D-01,12.50,1234567,\"夜間, 早朝\"\r\n"
                                 "G-02,0.13,-5000,\"say \"\"hi\"\"\"\r\n"
                                 "R-03,0.00,,\r\n"
                                 "合計,12.62,1229567,\r\n";
    BOOST_TEST(csv == expected);
}

BOOST_AUTO_TEST_CASE(format_follows_the_extension) {
    BOOST_TEST((report_format("a.CSV") == ReportFormat::csv));
    BOOST_TEST((report_format("dir/a.xlsx") == ReportFormat::xlsx));
    BOOST_TEST((report_format("a.Pdf") == ReportFormat::pdf));
    BOOST_TEST(!report_format("a.ods").has_value());
    BOOST_TEST(!report_format("a").has_value());
}

BOOST_AUTO_TEST_CASE(xlsx_keeps_numbers_and_every_sheet) {
    test::TempDir dir;
    ReportSheet second;
    second.name = "明細/[詳細]"; // characters Excel refuses in a sheet name
    second.title = "明細";
    second.columns = {{"番号"}, {"km", 1}};
    second.rows = {{std::int64_t{1}, 3.25}, {std::int64_t{2}, 10.0}};
    const std::vector<ReportSheet> sheets{fee_sheet(), second};
    const auto file = dir / "fees.xlsx";
    write_report(sheets, file);
    BOOST_REQUIRE(std::filesystem::exists(file));
    BOOST_TEST(!std::filesystem::exists(dir / "fees.xlsx.partial"));

    const std::string first = test::xlsx_sheet_csv(file, "集計");
    // Title, two notes, a blank row, the header, three rows, the totals: numbers stored as numbers.
    BOOST_TEST(first.find("委託料集計 2027年1月") != std::string::npos, first);
    BOOST_TEST(first.find("車両,時間,金額 (円),備考") != std::string::npos, first);
    // GDAL writes the numeric cells it read as text quoted, the text cells plain.
    BOOST_TEST(first.find("D-01,\"12.5\",\"1234567\",\"夜間, 早朝\"") != std::string::npos, first);
    BOOST_TEST(first.find("G-02,\"0.125\",\"-5000\",\"say \"\"hi\"\"\"") != std::string::npos,
               first);
    BOOST_TEST(first.find("合計,\"12.624\",\"1229567\",") != std::string::npos, first);
    const std::string detail = test::xlsx_sheet_csv(file, "明細__詳細_");
    BOOST_TEST(detail.find("\"1\",\"3.25\"") != std::string::npos, detail);
    BOOST_TEST(detail.find("\"2\",\"10\"") != std::string::npos, detail);
}

BOOST_AUTO_TEST_CASE(pdf_pages_repeat_the_header_and_end_with_signature_boxes) {
    test::TempDir dir;
    ReportSheet sheet = fee_sheet();
    for (int i = 0; i < 120; ++i) {
        sheet.rows.push_back({std::string("V-" + std::to_string(100 + i)), 1.0 * i,
                              std::int64_t{1000} * i, std::string()});
    }
    const auto file = dir / "fees.pdf";
    ReportPdfOptions options;
    options.signature_boxes = {"受注者", "監督員"};
    options.footer = "雪道 委託料";
    write_report(std::span<const ReportSheet>(&sheet, 1), file, options);
    const int pages = test::pdf_pages(file);
    BOOST_TEST(pages >= 3); // 123 rows of 14 pt on A4 landscape
    const std::string text = test::pdf_text(file);
    BOOST_TEST(text.find("委託料集計 2027年1月") != std::string::npos);
    BOOST_TEST(text.find("1,234,567") != std::string::npos); // grouped in print
    BOOST_TEST(text.find("V-219") != std::string::npos);
    BOOST_TEST(text.find("受注者") != std::string::npos);
    BOOST_TEST(text.find("監督員") != std::string::npos);
    std::size_t headers = 0;
    for (std::size_t at = text.find("金額 (円)"); at != std::string::npos;
         at = text.find("金額 (円)", at + 1)) {
        ++headers;
    }
    BOOST_TEST(headers == static_cast<std::size_t>(pages));
}

BOOST_AUTO_TEST_CASE(pdf_signature_boxes_go_under_the_sheets_marked_for_them) {
    test::TempDir dir;
    std::vector<ReportSheet> sheets{fee_sheet(), fee_sheet(), fee_sheet()};
    sheets[1].signed_here = true; // the end of the first contractor's part
    sheets[2].signed_here = true;
    ReportPdfOptions options;
    options.signature_boxes = {"受注者"};
    const auto file = dir / "two.pdf";
    write_report(sheets, file, options);
    const std::string text = test::pdf_text(file);
    std::vector<std::size_t> pages_with_box;
    std::size_t page = 1;
    for (std::size_t at = 0; at < text.size(); ++at) {
        if (text[at] == '\f') {
            ++page;
        } else if (text.compare(at, 9, "受注者") == 0) {
            pages_with_box.push_back(page);
        }
    }
    BOOST_TEST(pages_with_box == (std::vector<std::size_t>{2, 3}));
}

BOOST_AUTO_TEST_CASE(bad_shapes_and_formats_write_nothing) {
    test::TempDir dir;
    ReportSheet sheet = fee_sheet();
    sheet.rows[1].pop_back();
    const auto file = dir / "bad.xlsx";
    try {
        write_report(std::span<const ReportSheet>(&sheet, 1), file);
        BOOST_FAIL("a short row was written");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find("row 2 has 3 cells for 4 columns") !=
                   std::string::npos);
    }
    BOOST_TEST(!std::filesystem::exists(file));
    const ReportSheet good = fee_sheet();
    BOOST_CHECK_THROW(write_report(std::span<const ReportSheet>(&good, 1), dir / "fees.ods"),
                      Error);
    BOOST_TEST(!std::filesystem::exists(dir / "fees.ods"));
    // An existing file stays as it was when the new one cannot be written.
    BOOST_CHECK_THROW(
        write_report(std::span<const ReportSheet>(&good, 1), dir / "missing-dir" / "fees.csv"),
        Error);
    const auto kept = dir / "kept.csv";
    std::ofstream(kept) << "old";
    BOOST_CHECK_THROW(write_report(std::span<const ReportSheet>(&sheet, 1), kept), Error);
    BOOST_TEST(read_file(kept) == "old");
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace ykm::dispatch

#pragma once
// The command-line tools the tests read outputs back with: pdfinfo and pdftotext (poppler-utils)
// for PDF, GDAL's ogr2ogr for XLSX workbooks.

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>

namespace ykm::test {

/// The standard output of a shell command.
inline std::string run_command(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    BOOST_REQUIRE(pipe != nullptr);
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
        out.append(buffer, n);
    }
    ::pclose(pipe);
    return out;
}

/// The page count pdfinfo reports; -1 when it reports none.
inline int pdf_pages(const std::filesystem::path& pdf) {
    const std::string info = run_command("pdfinfo '" + pdf.string() + "' 2>&1");
    std::smatch match;
    if (std::regex_search(info, match, std::regex(R"(Pages:\s+(\d+))"))) {
        return std::stoi(match[1].str());
    }
    BOOST_TEST_MESSAGE("pdfinfo: " + info);
    return -1;
}

/// The text of a PDF as pdftotext extracts it (UTF-8, pages separated by form feeds).
inline std::string pdf_text(const std::filesystem::path& pdf) {
    return run_command("pdftotext -enc UTF-8 '" + pdf.string() + "' - 2>&1");
}

/// One worksheet of an XLSX workbook as CSV, read by GDAL's XLSX driver with every cell as text
/// and no header row guessed: "field1,field2,…" then the rows, empty cells empty.
inline std::string xlsx_sheet_csv(const std::filesystem::path& xlsx, const std::string& sheet) {
    return run_command(
        "ogr2ogr -q -f CSV /vsistdout/ -oo HEADERS=DISABLE -oo FIELD_TYPES=STRING '" +
        xlsx.string() + "' '" + sheet + "' 2>&1");
}

} // namespace ykm::test

#pragma once

// CSV reading shared by the importers of the dispatch library (fleet, snow observations).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ykm::dispatch::csv {

/// One record of a CSV file and the line (from 1) it starts on.
struct Record {
    std::size_t line = 0;
    std::vector<std::string> fields;
};

/// How messages name a line of the file: "fleet.csv:12" or "fleet.csv line 12".
enum class LineStyle : std::uint8_t { colon, word };

/// The text a file may hold: UTF-8 only, or UTF-8 and else CP932 (what Excel saves in Japan).
enum class Encoding : std::uint8_t { utf8, utf8_or_cp932 };

/// Which records are skipped as blank: an empty line only, or also one of empty fields (",,").
enum class BlankRecords : std::uint8_t { empty_line, all_fields_empty };

struct Format {
    LineStyle lines = LineStyle::colon;
    Encoding encoding = Encoding::utf8;
    BlankRecords blank = BlankRecords::empty_line;
};

/// The whole of `text` as a finite number (what std::stod reads), else nothing.
std::optional<double> parse_number(const std::string& text);

/// "FILE:LINE" or "FILE line LINE", as `style` says.
std::string at_line(const std::string& file, std::size_t line, LineStyle style);

/// The records of the CSV file at `path` (RFC 4180, a UTF-8 BOM skipped, fields not in quotes
/// trimmed of spaces and tabs), blank ones left out. Throws ykm::Error naming the file and line
/// when the file cannot be read, is not in an encoding `format` allows, or a quote is not closed.
std::vector<Record> read_csv(const std::filesystem::path& path, const Format& format);

} // namespace ykm::dispatch::csv

#include "csv_reader.hpp"

#include "ykm/gis/error.hpp"

#include <iconv.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <optional>
#include <string_view>

namespace ykm::dispatch::csv {
namespace {

/// The line (from 1) of the first byte that is not UTF-8, if any.
std::optional<std::size_t> first_non_utf8_line(std::string_view s) {
    std::size_t line = 1;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '\n') {
            ++line;
        }
        std::size_t extra = 0;
        unsigned min = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            extra = 1;
            min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            min = 0x10000;
        } else {
            return line;
        }
        if (i + extra >= s.size()) {
            return line;
        }
        unsigned code = c & (0x3FU >> extra);
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto next = static_cast<unsigned char>(s[i + k]);
            if ((next & 0xC0) != 0x80) {
                return line;
            }
            code = (code << 6) | (next & 0x3FU);
        }
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return line;
        }
        i += extra + 1;
    }
    return std::nullopt;
}

std::size_t line_at(std::string_view text, std::size_t offset) {
    return 1 + static_cast<std::size_t>(std::count(
                   text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// Japanese offices still save CSV from Excel in CP932 (Shift_JIS with Microsoft's extensions).
std::string cp932_to_utf8(const std::string& text, const std::string& file, LineStyle style) {
    iconv_t cd = iconv_open("UTF-8", "CP932");
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        throw Error(file + ": is not UTF-8, and this system cannot convert CP932");
    }
    std::string out(text.size() * 3 + 16, '\0');
    char* in_ptr = const_cast<char*>(text.data());
    std::size_t in_left = text.size();
    char* out_ptr = out.data();
    std::size_t out_left = out.size();
    const std::size_t rc = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
    iconv_close(cd);
    if (rc == static_cast<std::size_t>(-1)) {
        const auto offset = static_cast<std::size_t>(in_ptr - text.data());
        throw Error(at_line(file, line_at(text, offset), style) +
                    ": neither UTF-8 nor CP932 text (byte " + std::to_string(offset + 1) + ")");
    }
    out.resize(out.size() - out_left);
    return out;
}

std::string read_text(const std::filesystem::path& path, const Format& format) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(path.string() + ": cannot open");
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
        throw Error(path.string() + ": cannot read");
    }
    if (text.starts_with("\xEF\xBB\xBF")) {
        text.erase(0, 3);
    }
    const auto bad_line = first_non_utf8_line(text);
    if (!bad_line) {
        return text;
    }
    if (format.encoding == Encoding::utf8_or_cp932) {
        return cp932_to_utf8(text, path.string(), format.lines);
    }
    throw Error(at_line(path.string(), *bad_line, format.lines) +
                ": not UTF-8 text (save the file as UTF-8 CSV)");
}

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(" \t");
    return s.substr(first, last - first + 1);
}

bool is_blank(const Record& record, BlankRecords blank) {
    if (blank == BlankRecords::all_fields_empty) {
        return std::ranges::all_of(record.fields, [](const std::string& f) { return f.empty(); });
    }
    return record.fields.size() == 1 && record.fields[0].empty();
}

// RFC 4180: fields separated by commas, optionally in double quotes, where "" is a quote and
// commas and line breaks are literal. Each record remembers the line it starts on.
std::vector<Record> parse_csv(std::string_view text, const std::string& file,
                              const Format& format) {
    std::vector<Record> records;
    std::size_t line = 1;
    std::size_t i = 0;
    while (i < text.size()) {
        Record record;
        record.line = line;
        while (true) {
            std::string field;
            if (i < text.size() && text[i] == '"') {
                const std::size_t quote_line = line;
                ++i;
                while (true) {
                    if (i >= text.size()) {
                        throw Error(at_line(file, quote_line, format.lines) +
                                    ": a quoted field is not closed");
                    }
                    if (text[i] == '"') {
                        if (i + 1 < text.size() && text[i + 1] == '"') {
                            field += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        break;
                    }
                    if (text[i] == '\n') {
                        ++line;
                    }
                    field += text[i++];
                }
                while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
                    ++i;
                }
                if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
                    throw Error(at_line(file, line, format.lines) +
                                ": text after the closing quote of a field");
                }
            } else {
                while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
                    field += text[i++];
                }
                field = trim(field);
            }
            record.fields.push_back(std::move(field));
            if (i < text.size() && text[i] == ',') {
                ++i;
                continue;
            }
            break;
        }
        if (i < text.size() && text[i] == '\r') {
            ++i;
        }
        if (i < text.size() && text[i] == '\n') {
            ++i;
            ++line;
        }
        if (!is_blank(record, format.blank)) {
            records.push_back(std::move(record));
        }
    }
    return records;
}

} // namespace

std::string at_line(const std::string& file, std::size_t line, LineStyle style) {
    return file + (style == LineStyle::colon ? ":" : " line ") + std::to_string(line);
}

std::optional<double> parse_number(const std::string& text) {
    std::size_t used = 0;
    double value = 0.0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (used != text.size() || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::vector<Record> read_csv(const std::filesystem::path& path, const Format& format) {
    return parse_csv(read_text(path, format), path.string(), format);
}

} // namespace ykm::dispatch::csv

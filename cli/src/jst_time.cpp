#include "jst_time.hpp"

#include "ykm/dispatch/position_input.hpp"

#include <cctype>

namespace ykm::cli {

std::optional<std::int64_t> parse_time_ms(std::string text) {
    if (text.size() >= 10 && text[4] == '-' && text[7] == '-') {
        if (text.size() == 10) {
            text += "T00:00";
        }
        if (text.size() == 16 || (text.size() > 16 && text[16] != ':')) {
            text.insert(16, ":00");
        }
        if (text.find_first_of("Zz+-", 19) == std::string::npos) {
            text += "+09:00";
        }
    }
    return dispatch::parse_time_ms(text);
}

std::optional<std::int64_t> parse_clock_ms(const std::string& text, std::int64_t not_before_ms) {
    if (text.size() != 5 || text[2] != ':' || !std::isdigit(static_cast<unsigned char>(text[0])) ||
        !std::isdigit(static_cast<unsigned char>(text[1])) ||
        !std::isdigit(static_cast<unsigned char>(text[3])) ||
        !std::isdigit(static_cast<unsigned char>(text[4]))) {
        return std::nullopt;
    }
    const int hours = (text[0] - '0') * 10 + (text[1] - '0');
    const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (hours > 23 || minutes > 59) {
        return std::nullopt;
    }
    constexpr std::int64_t day_ms = 86'400'000;
    const std::int64_t local = not_before_ms + jst_offset_ms;
    const std::int64_t midnight = (local >= 0 ? local : local - day_ms + 1) / day_ms * day_ms;
    std::int64_t at = midnight + (hours * 60 + minutes) * 60'000 - jst_offset_ms;
    if (at < not_before_ms) {
        at += day_ms;
    }
    return at;
}

std::optional<std::int64_t> time_option(Args& args, const std::string& name) {
    const auto text = args.take(name);
    if (!text) {
        return std::nullopt;
    }
    const auto ms = parse_time_ms(*text);
    if (!ms) {
        throw Error(name + ": '" + *text +
                    "' is not a time (ISO 8601 such as 2024-01-15T21:00+09:00, "
                    "'YYYY-MM-DD HH:MM' in JST, or Unix seconds)");
    }
    return ms;
}

std::string iso_jst(std::int64_t ms) {
    return dispatch::format_time_jst(ms);
}

std::string clock_jst(std::int64_t ms) {
    return iso_jst(ms).substr(11, 5);
}

} // namespace ykm::cli

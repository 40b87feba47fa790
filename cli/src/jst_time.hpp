#pragma once

#include "args.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace ykm::cli {

/// Asia/Tokyo is UTC+9 all year (no daylight saving time).
inline constexpr std::int64_t jst_offset_ms = 9 * 3'600'000;

/// The fix-time parser (dispatch::parse_time_ms) with two conveniences for staff at a terminal:
/// a date alone or a time to the minute ("2024-01-15", "2024-01-15 21:00"), and Japan time when
/// no zone is given.
std::optional<std::int64_t> parse_time_ms(std::string text);

/// A clock time "HH:MM" in Japan time: the first such instant at or after `not_before_ms`.
std::optional<std::int64_t> parse_clock_ms(const std::string& text, std::int64_t not_before_ms);

/// The value of a time option, if given; throws naming the option when it does not parse.
std::optional<std::int64_t> time_option(Args& args, const std::string& name);

/// ISO 8601 in Japan time, to the second, the time staff read.
std::string iso_jst(std::int64_t ms);

/// "HH:MM" in Japan time.
std::string clock_jst(std::int64_t ms);

} // namespace ykm::cli

#pragma once
// What the report dialogs (作業日報, 委託料, 出動の分析) show, without the toolkit: the texts of
// their rows, the default date, and finding a shift's gap from what a user (or a test script)
// writes.

#include "ykm/dispatch/daily_report.hpp"
#include "ykm/dispatch/fees.hpp"
#include "ykm/dispatch/storm_kpi.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ykm::gui {

/// Yesterday's date in Japan (Asia/Tokyo) at `now_ms`, "YYYY-MM-DD": the night the office reports
/// on in the morning.
std::string default_report_date(std::int64_t now_ms);

/// Hours with two decimals, "5.25".
std::string hours_text(std::int64_t ms);
/// Kilometres with one decimal, "12.3".
std::string km_text(double metres);
/// A time in Japan as "HH:MM", or "MM-DD HH:MM" when its date is not `date` ("YYYY-MM-DD").
std::string jst_time_text(std::int64_t time_ms, std::string_view date);
/// Minutes rounded to the nearest whole minute.
std::int64_t whole_minutes(std::int64_t ms);

/// The name of a work type as a report shows it: the Japanese name, or the key in English.
std::string work_type_text(data::WorkType work, bool english);

/// The cells of a shift's row in the daily report list: vehicle, contractor, start, end,
/// operating hours, hours by work type ("除雪 4.50, 回送 1.00"), km driven, km cleared by
/// class ("1.2 / 0.4 / 0.0"), gaps ("1 (10 min unconfirmed)" or "" when none) and `state`
/// (whether the contractor confirmed it), in that order.
std::vector<std::string> shift_cells(const dispatch::DailyReport& report, std::string_view date,
                                     bool english, const std::string& state);

/// The gap of `report` that `when` names: its start as "HH:MM" or "YYYY-MM-DD HH:MM" (Japan
/// time, the minute of the fix before the gap); std::nullopt when no gap starts then.
std::optional<std::size_t> find_gap(const dispatch::DailyReport& report, std::string_view when);

/// "2027-01-15 21:00 – 01-16 06:00 (orders 3, vehicles 4, 12.3 km)" for a storm's choice; the
/// words in Japanese unless `english`.
std::string storm_label(const dispatch::StormCandidate& storm, bool english);

/// Parses "YYYY-MM-DD HH:MM" (Japan time) as Unix milliseconds; std::nullopt when it is not
/// such a time.
std::optional<std::int64_t> parse_jst_minute(std::string_view text);

/// The cells of a fee rate's row: machine type, day kind, band, yen per hour, name, id.
std::vector<std::string> fee_rate_cells(const dispatch::FeeRate& rate, bool english);

/// The cells of one vehicle's row of the month's fees: contractor, vehicle, machine type, hours,
/// fee, standby pay ("" when it has no terms, the amount in parentheses when not paid this month),
/// total.
std::vector<std::string> vehicle_fee_cells(const dispatch::VehicleFees& fees, bool english);

} // namespace ykm::gui

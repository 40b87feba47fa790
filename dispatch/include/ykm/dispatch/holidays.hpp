#pragma once
// Japanese national holidays (国民の祝日) and a project's extra holidays, which decide whether a
// date is priced at the weekday or the holiday rate of the fee tables.
#include "ykm/data/project.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ykm::dispatch {

/// How a date is priced: weekday, or holiday (Saturday, Sunday, a national holiday, a holiday of
/// the project).
enum class DayKind { weekday, holiday };

/// "weekday", "holiday": the key used in files and the CLI.
std::string_view key(DayKind kind);
/// 平日, 休日.
std::string_view japanese_name(DayKind kind);
/// Parses a key or a Japanese name; std::nullopt when it is neither.
std::optional<DayKind> parse_day_kind(std::string_view text);

/// A holiday: a date and its name (勤労感謝の日, 振替休日, 年末年始, ...).
struct Holiday {
    std::chrono::year_month_day date;
    std::string name;
    friend bool operator==(const Holiday&, const Holiday&) = default;
};

/// The first and last years national_holidays() knows: the equinox formula used for 春分の日 and
/// 秋分の日 holds for 1980-2099.
inline constexpr int first_holiday_year = 1980;
inline constexpr int last_holiday_year = 2099;

/// The national holidays of `year` under the 国民の祝日に関する法律 as in force in 2026, applied
/// to every year (the one-off moves of 2019-2021 are not modelled): fixed days, the Happy Monday
/// days, 春分の日 and 秋分の日 by the usual formula, 振替休日 (a holiday on a Sunday moves to the
/// next day that is not a holiday) and 国民の休日 (a day between two holidays). Ordered by date.
/// Throws ykm::Error naming the year when it is outside 1980-2099.
std::vector<Holiday> national_holidays(int year);

/// The name of the national holiday on `date`, if it is one (same rules and range).
std::optional<std::string> national_holiday(std::chrono::year_month_day date);

/// Parses "YYYY-MM-DD"; throws ykm::Error naming the text when it is not a valid date.
std::chrono::year_month_day parse_date(std::string_view text);
/// "YYYY-MM-DD".
std::string date_text(std::chrono::year_month_day date);
/// The Japan date (Asia/Tokyo, UTC+9) of an instant in Unix milliseconds.
std::chrono::year_month_day jst_date(std::int64_t time_ms);

/// The holidays of a project: the national ones plus the dates in its table `holidays` (e.g.
/// 年末年始 12/29-1/3 that a contract treats as holidays). Reads the table once, at
/// construction; add() and remove() change the table (in a transaction, appended to the audit
/// log) and this calendar.
class HolidayCalendar {
public:
    /// Works on `project`, which must outlive it.
    explicit HolidayCalendar(data::Project& project);

    /// Who makes the following changes, as recorded in the audit log. Default: "staff",
    /// "desktop".
    void set_actor(std::string actor, std::string channel);

    /// The project's extra holidays, ordered by date.
    [[nodiscard]] std::vector<Holiday> project_holidays() const;

    /// Adds a project holiday or renames it. Throws ykm::Error naming the date when it is
    /// outside 1980-2099.
    void add(std::chrono::year_month_day date, const std::string& name);
    /// Removes a project holiday; throws ykm::Error naming the date when it is not one.
    void remove(std::chrono::year_month_day date);

    /// holiday on Saturdays, Sundays, national and project holidays, else weekday. Throws
    /// ykm::Error naming the date when it is outside 1980-2099.
    [[nodiscard]] DayKind day_kind(std::chrono::year_month_day date) const;
    /// Why `date` is a holiday: 土曜, 日曜, the national holiday's name, the project holiday's
    /// name (or 休日 when it has none); "" for a weekday. A project holiday comes before a
    /// weekend day and the national name before both.
    [[nodiscard]] std::string reason(std::chrono::year_month_day date) const;

private:
    data::Project& m_project;
    std::vector<Holiday> m_extra;                           ///< ordered by date
    mutable std::map<int, std::vector<Holiday>> m_national; ///< by year, computed when asked
    std::string m_actor = "staff";
    std::string m_channel = "desktop";
};

} // namespace ykm::dispatch

#include "ykm/dispatch/holidays.hpp"

#include "ykm/dispatch/audit_log.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>

namespace ykm::dispatch {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::weekday;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr std::int64_t day_ms = 24 * 3'600'000;
constexpr std::int64_t jst_offset_ms = 9 * 3'600'000;

year_month_day ymd(int y, unsigned m, unsigned d) {
    return year_month_day{year{y}, month{m}, day{d}};
}

// The `n`th Monday of month `m` (Happy Monday days).
year_month_day nth_monday(int y, unsigned m, unsigned n) {
    return year_month_day{sys_days{std::chrono::year_month_weekday{
        year{y}, month{m}, std::chrono::weekday_indexed{std::chrono::Monday, n}}}};
}

// 春分日 and 秋分日: int(base + 0.242194 (Y - 1980) - int((Y - 1980) / 4)), valid 1980-2099;
// computed in millionths so that no rounding of binary fractions moves a date.
unsigned equinox_day(int y, std::int64_t base_millionths) {
    const std::int64_t n = y - 1980;
    return static_cast<unsigned>((base_millionths + 242'194 * n) / 1'000'000 - n / 4);
}

void check_year(int y) {
    if (y < first_holiday_year || y > last_holiday_year) {
        throw Error("year " + std::to_string(y) + " is outside " +
                    std::to_string(first_holiday_year) + "-" + std::to_string(last_holiday_year) +
                    ", the years whose national holidays are known");
    }
}

std::int64_t date_key(year_month_day date) {
    return static_cast<std::int64_t>(static_cast<int>(date.year())) * 10'000 +
           static_cast<unsigned>(date.month()) * 100 + static_cast<unsigned>(date.day());
}

} // namespace

std::string_view key(DayKind kind) {
    return kind == DayKind::weekday ? "weekday" : "holiday";
}

std::string_view japanese_name(DayKind kind) {
    return kind == DayKind::weekday ? "平日" : "休日";
}

std::optional<DayKind> parse_day_kind(std::string_view text) {
    if (text == "weekday" || text == "平日") {
        return DayKind::weekday;
    }
    if (text == "holiday" || text == "休日") {
        return DayKind::holiday;
    }
    return std::nullopt;
}

std::vector<Holiday> national_holidays(int y) {
    check_year(y);
    std::vector<Holiday> days{
        {ymd(y, 1, 1), "元日"},
        {nth_monday(y, 1, 2), "成人の日"},
        {ymd(y, 2, 11), "建国記念の日"},
        {ymd(y, 2, 23), "天皇誕生日"},
        {ymd(y, 3, equinox_day(y, 20'843'100)), "春分の日"},
        {ymd(y, 4, 29), "昭和の日"},
        {ymd(y, 5, 3), "憲法記念日"},
        {ymd(y, 5, 4), "みどりの日"},
        {ymd(y, 5, 5), "こどもの日"},
        {nth_monday(y, 7, 3), "海の日"},
        {ymd(y, 8, 11), "山の日"},
        {nth_monday(y, 9, 3), "敬老の日"},
        {ymd(y, 9, equinox_day(y, 23'248'800)), "秋分の日"},
        {nth_monday(y, 10, 2), "スポーツの日"},
        {ymd(y, 11, 3), "文化の日"},
        {ymd(y, 11, 23), "勤労感謝の日"},
    };
    std::ranges::sort(days, {}, [](const Holiday& h) { return sys_days{h.date}; });
    const auto is_listed = [&](sys_days d) {
        return std::ranges::any_of(days, [&](const Holiday& h) { return sys_days{h.date} == d; });
    };
    // 国民の休日: a day whose day before and day after are both 国民の祝日 (not 振替休日).
    std::vector<Holiday> added;
    for (std::size_t i = 0; i + 1 < days.size(); ++i) {
        const sys_days between = sys_days{days[i].date} + std::chrono::days{1};
        if (sys_days{days[i + 1].date} == between + std::chrono::days{1} &&
            weekday{between} != std::chrono::Sunday) {
            added.push_back({year_month_day{between}, "国民の休日"});
        }
    }
    // 振替休日: a 国民の祝日 on a Sunday makes the next day that is no 国民の祝日 a holiday.
    for (const Holiday& h : days) {
        if (weekday{sys_days{h.date}} != std::chrono::Sunday) {
            continue;
        }
        sys_days next = sys_days{h.date} + std::chrono::days{1};
        while (is_listed(next)) {
            next += std::chrono::days{1};
        }
        added.push_back({year_month_day{next}, "振替休日"});
    }
    for (Holiday& h : added) {
        // A substitute day pushed into the next year belongs to that year's list.
        if (h.date.year() == year{y}) {
            days.push_back(std::move(h));
        }
    }
    std::ranges::sort(days, {}, [](const Holiday& h) { return sys_days{h.date}; });
    return days;
}

std::optional<std::string> national_holiday(year_month_day date) {
    for (Holiday& h : national_holidays(static_cast<int>(date.year()))) {
        if (h.date == date) {
            return std::move(h.name);
        }
    }
    return std::nullopt;
}

year_month_day parse_date(std::string_view text) {
    const auto bad = [&] {
        return Error("date '" + std::string(text) + "' is not a date YYYY-MM-DD");
    };
    const auto digits = [&](std::size_t from, std::size_t count) {
        int value = 0;
        for (std::size_t i = from; i < from + count; ++i) {
            if (text[i] < '0' || text[i] > '9') {
                throw bad();
            }
            value = value * 10 + (text[i] - '0');
        }
        return value;
    };
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        throw bad();
    }
    const year_month_day date =
        ymd(digits(0, 4), static_cast<unsigned>(digits(5, 2)), static_cast<unsigned>(digits(8, 2)));
    if (!date.ok()) {
        throw bad();
    }
    return date;
}

std::string date_text(year_month_day date) {
    std::array<char, 16> text{};
    std::snprintf(text.data(), text.size(), "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return text.data();
}

year_month_day jst_date(std::int64_t time_ms) {
    const std::int64_t local = time_ms + jst_offset_ms;
    std::int64_t days = local / day_ms;
    if (local % day_ms < 0) {
        --days;
    }
    return year_month_day{sys_days{std::chrono::days{days}}};
}

HolidayCalendar::HolidayCalendar(data::Project& project) : m_project(project) {
    data::Statement q(project.database(), "SELECT date, name FROM holidays ORDER BY date");
    while (q.step()) {
        const std::string date = q.column_text(0);
        try {
            m_extra.push_back({parse_date(date), q.column_text(1)});
        } catch (const Error& e) {
            throw Error(project.path().string() + ": table holidays: " + e.what());
        }
    }
}

void HolidayCalendar::set_actor(std::string actor, std::string channel) {
    m_actor = std::move(actor);
    m_channel = std::move(channel);
}

std::vector<Holiday> HolidayCalendar::project_holidays() const {
    return m_extra;
}

void HolidayCalendar::add(year_month_day date, const std::string& name) {
    check_year(static_cast<int>(date.year()));
    data::Database& db = m_project.database();
    data::Transaction tx(db);
    data::Statement write(db, "INSERT INTO holidays (date, name) VALUES (?, ?) "
                              "ON CONFLICT (date) DO UPDATE SET name = excluded.name");
    write.bind(1, date_text(date)).bind(2, name).run();
    AuditEntry e;
    e.actor = m_actor;
    e.channel = m_channel;
    e.action = "holiday.add";
    e.entity = "holiday";
    e.entity_id = date_key(date);
    e.detail = nlohmann::json{{"date", date_text(date)}, {"name", name}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
    append_audit(db, std::move(e));
    tx.commit();
    std::erase_if(m_extra, [&](const Holiday& h) { return h.date == date; });
    m_extra.push_back({date, name});
    std::ranges::sort(m_extra, {}, [](const Holiday& h) { return sys_days{h.date}; });
}

void HolidayCalendar::remove(year_month_day date) {
    const auto it = std::ranges::find(m_extra, date, &Holiday::date);
    if (it == m_extra.end()) {
        throw Error("date " + date_text(date) + " is not a holiday of the project");
    }
    data::Database& db = m_project.database();
    data::Transaction tx(db);
    data::Statement erase(db, "DELETE FROM holidays WHERE date = ?");
    erase.bind(1, date_text(date)).run();
    AuditEntry e;
    e.actor = m_actor;
    e.channel = m_channel;
    e.action = "holiday.remove";
    e.entity = "holiday";
    e.entity_id = date_key(date);
    e.detail = nlohmann::json{{"date", date_text(date)}, {"name", it->name}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
    append_audit(db, std::move(e));
    tx.commit();
    m_extra.erase(it);
}

DayKind HolidayCalendar::day_kind(year_month_day date) const {
    return reason(date).empty() ? DayKind::weekday : DayKind::holiday;
}

std::string HolidayCalendar::reason(year_month_day date) const {
    const int y = static_cast<int>(date.year());
    auto national = m_national.find(y);
    if (national == m_national.end()) {
        national = m_national.emplace(y, national_holidays(y)).first;
    }
    if (const auto it = std::ranges::find(national->second, date, &Holiday::date);
        it != national->second.end()) {
        return it->name;
    }
    const auto extra = std::ranges::find(m_extra, date, &Holiday::date);
    if (extra != m_extra.end()) {
        return extra->name.empty() ? std::string("休日") : extra->name;
    }
    const weekday wd{sys_days{date}};
    if (wd == std::chrono::Saturday) {
        return "土曜";
    }
    if (wd == std::chrono::Sunday) {
        return "日曜";
    }
    return "";
}

} // namespace ykm::dispatch

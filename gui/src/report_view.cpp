#include "ykm/gui/report_view.hpp"

#include "ykm/dispatch/daily_report_sheets.hpp"
#include "ykm/dispatch/holidays.hpp"
#include "ykm/dispatch/machine_type.hpp"
#include "ykm/dispatch/report_confirmations.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace ykm::gui {

namespace {

constexpr std::int64_t minute_ms = 60'000;
constexpr std::int64_t hour_ms = 60 * minute_ms;
constexpr std::int64_t day_ms = 24 * hour_ms;
constexpr std::int64_t jst_offset_ms = 9 * hour_ms;

std::string fixed(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

/// Minutes after 00:00 of the Japan date of `time_ms`.
std::int64_t jst_minute_of_day(std::int64_t time_ms) {
    const std::int64_t local = time_ms + jst_offset_ms;
    const std::int64_t in_day = ((local % day_ms) + day_ms) % day_ms;
    return in_day / minute_ms;
}

std::string clock_text(std::int64_t minutes) {
    char text[16];
    std::snprintf(text, sizeof text, "%02d:%02d", static_cast<int>(minutes / 60),
                  static_cast<int>(minutes % 60));
    return text;
}

std::string yen_text(std::int64_t yen) {
    std::string digits = std::to_string(yen < 0 ? -yen : yen);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return (yen < 0 ? "-" : "") + out;
}

std::string machine_text(dispatch::MachineType machine, bool english) {
    return std::string(english ? dispatch::english_name(machine)
                               : dispatch::japanese_name(machine));
}

double hours_of(std::int64_t ms) {
    return static_cast<double>(ms) / static_cast<double>(hour_ms);
}

} // namespace

std::string default_report_date(std::int64_t now_ms) {
    return dispatch::jst_date_of(now_ms - day_ms);
}

std::string hours_text(std::int64_t ms) {
    return fixed(hours_of(ms), 2);
}

std::string km_text(double metres) {
    return fixed(metres / 1000.0, 1);
}

std::int64_t whole_minutes(std::int64_t ms) {
    return static_cast<std::int64_t>(std::llround(static_cast<double>(ms) / minute_ms));
}

std::string jst_time_text(std::int64_t time_ms, std::string_view date) {
    const std::string day = dispatch::jst_date_of(time_ms);
    const std::string clock = clock_text(jst_minute_of_day(time_ms));
    return day == date ? clock : day.substr(5) + " " + clock;
}

std::string work_type_text(data::WorkType work, bool english) {
    return std::string(english ? data::key(work) : data::japanese_name(work));
}

std::vector<std::string> shift_cells(const dispatch::DailyReport& report, std::string_view date,
                                     bool english, const std::string& state) {
    std::string by_type;
    for (const data::WorkType work : dispatch::shown_work_types()) {
        const std::int64_t ms = report.time_ms[static_cast<std::size_t>(work)];
        if (ms <= 0) {
            continue;
        }
        by_type +=
            (by_type.empty() ? "" : ", ") + work_type_text(work, english) + " " + hours_text(ms);
    }
    const auto& c = report.plowed_m_by_class;
    const std::string by_class = km_text(c[0]) + " / " + km_text(c[1]) + " / " + km_text(c[2]);
    std::string gaps;
    if (!report.gaps.empty()) {
        std::size_t open = 0;
        for (const dispatch::GpsGap& gap : report.gaps) {
            open += gap.confirmation ? 0 : 1;
        }
        gaps = std::to_string(report.gaps.size());
        if (open > 0) {
            gaps +=
                english
                    ? " (" + std::to_string(whole_minutes(report.gap_ms())) + " min unconfirmed)"
                    : "（未確認 " + std::to_string(whole_minutes(report.gap_ms())) + " 分）";
        } else {
            gaps += english ? " (confirmed)" : "（確認済み）";
        }
    }
    return {report.vehicle_code,
            report.contractor_name.empty() ? report.contractor_code : report.contractor_name,
            jst_time_text(report.start_ms, date),
            jst_time_text(report.end_ms, date),
            hours_text(report.operating_ms()),
            by_type,
            km_text(report.total_distance_m()),
            by_class,
            gaps,
            state};
}

std::optional<std::size_t> find_gap(const dispatch::DailyReport& report, std::string_view when) {
    std::optional<std::int64_t> exact;
    std::optional<std::int64_t> clock;
    if (when.size() == 5) {
        const auto minutes = dispatch::parse_clock_minutes(when);
        if (!minutes || *minutes >= dispatch::minutes_per_day) {
            return std::nullopt;
        }
        clock = *minutes;
    } else {
        exact = parse_jst_minute(when);
        if (!exact) {
            return std::nullopt;
        }
    }
    for (std::size_t i = 0; i < report.gaps.size(); ++i) {
        const std::int64_t start = report.gaps[i].start_ms;
        if (clock && jst_minute_of_day(start) == *clock) {
            return i;
        }
        if (exact && start - (start + jst_offset_ms) % minute_ms == *exact) {
            return i;
        }
    }
    return std::nullopt;
}

std::optional<std::int64_t> parse_jst_minute(std::string_view text) {
    if (text.size() != 16 || text[10] != ' ') {
        return std::nullopt;
    }
    try {
        const std::int64_t day = dispatch::jst_day_start_ms(text.substr(0, 10));
        const auto minutes = dispatch::parse_clock_minutes(text.substr(11));
        if (!minutes || *minutes >= dispatch::minutes_per_day) {
            return std::nullopt;
        }
        return day + *minutes * minute_ms;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string storm_label(const dispatch::StormCandidate& storm, bool english) {
    const std::string date = dispatch::jst_date_of(storm.start_ms);
    std::string text = date + " " + jst_time_text(storm.start_ms, date) + " – " +
                       jst_time_text(storm.end_ms, date);
    if (english) {
        text += " (orders " + std::to_string(storm.orders_issued) + ", vehicles " +
                std::to_string(storm.vehicles_working) + ", " + km_text(storm.cleared_km * 1000.0) +
                " km)";
    } else {
        text += "（指令 " + std::to_string(storm.orders_issued) + " 件、" +
                std::to_string(storm.vehicles_working) + " 台、" +
                km_text(storm.cleared_km * 1000.0) + " km）";
    }
    return text;
}

std::vector<std::string> fee_rate_cells(const dispatch::FeeRate& rate, bool english) {
    return {machine_text(rate.machine, english),
            std::string(english ? dispatch::key(rate.day) : dispatch::japanese_name(rate.day)),
            dispatch::band_text(rate.band_start_min, rate.band_end_min),
            yen_text(rate.yen_per_hour),
            rate.name,
            std::to_string(rate.id)};
}

std::vector<std::string> vehicle_fee_cells(const dispatch::VehicleFees& fees, bool english) {
    std::string standby;
    if (fees.standby) {
        standby = fees.standby->paid ? yen_text(fees.standby->yen)
                                     : "(" + yen_text(fees.standby->yen) + ")";
    }
    return {fees.contractor_name.empty() ? fees.contractor_code : fees.contractor_name,
            fees.vehicle_code,
            machine_text(fees.machine, english),
            hours_text(fees.duration_ms),
            yen_text(fees.fee_yen),
            standby,
            yen_text(fees.total_yen())};
}

} // namespace ykm::gui

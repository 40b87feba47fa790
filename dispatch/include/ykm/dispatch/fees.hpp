#pragma once
// Contract fees (委託料積算): rate tables per machine type, day kind and time band, standby pay
// (待機補償) for a season's shortfall of operating hours, and the month's fees per contractor
// and vehicle computed from the daily work reports, every figure traced to its fixes and rate.
#include "ykm/data/project.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/dispatch/holidays.hpp"
#include "ykm/dispatch/machine_type.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ykm::dispatch {

/// Minutes in a day: a band may end at 24:00.
inline constexpr int minutes_per_day = 1440;

/// One band of a rate table: the yen per hour a machine type earns on a kind of day between two
/// clock times (Japan time), e.g. dozer, weekday, 22:00-24:00, 12,500 yen/h (table fee_rates).
struct FeeRate {
    std::int64_t id = 0; ///< 0 before it is stored
    MachineType machine = MachineType::dozer;
    DayKind day = DayKind::weekday;
    int band_start_min = 0;             ///< minutes after 00:00, 0..1439
    int band_end_min = minutes_per_day; ///< minutes after 00:00, start+1..1440
    std::int64_t yen_per_hour = 0;
    std::string name; ///< e.g. 夜間, 早朝; may be empty
    friend bool operator==(const FeeRate&, const FeeRate&) = default;
};

/// "22:00-24:00".
std::string band_text(int start_min, int end_min);
/// "HH:MM" (00:00-24:00) as minutes after 00:00; std::nullopt when it is not such a time.
std::optional<int> parse_clock_minutes(std::string_view text);

/// Standby terms of a machine type (待機補償, table standby_terms): a vehicle that operates fewer
/// than `standard_hours` in the season is paid the shortfall at `yen_per_hour`.
struct StandbyTerms {
    MachineType machine = MachineType::dozer;
    double standard_hours = 0.0;
    std::int64_t yen_per_hour = 0;
    friend bool operator==(const StandbyTerms&, const StandbyTerms&) = default;
};

/// The snow season (ykm_meta season_start, season_end): the dates whose shifts count toward the
/// standard hours of standby pay.
struct Season {
    std::chrono::year_month_day start;
    std::chrono::year_month_day end;
};

/// The fee tables of a project. Every change runs in a transaction with an entry in the audit
/// log (fee_rate.set, fee_rate.remove, fee_rate.import, standby.set, standby.remove, season.set);
/// bad values throw ykm::Error naming the field and value.
class FeeTables {
public:
    /// Works on `project`, which must outlive it.
    explicit FeeTables(data::Project& project);

    /// Who makes the following changes, as recorded in the audit log. Default: "staff",
    /// "desktop".
    void set_actor(std::string actor, std::string channel);

    /// All bands, ordered by machine type (all_machine_types() order), day kind, start.
    [[nodiscard]] std::vector<FeeRate> rates();
    /// The band with this id, if any.
    [[nodiscard]] std::optional<FeeRate> rate(std::int64_t id);

    /// Stores a band: replaces the band of the same machine type, day kind and start (keeping its
    /// id), else adds one; `rate.id` is ignored. Returns the id. Refuses a band outside
    /// 00:00-24:00 or empty, a negative rate, and a band that overlaps another band of the same
    /// machine type and day kind (the message names both bands and the other's id).
    std::int64_t set_rate(const FeeRate& rate);
    /// Removes a band; throws ykm::Error naming the id when there is none.
    void remove_rate(std::int64_t id);

    /// Imports bands from a CSV file (UTF-8 or CP932) with a header row and the columns
    /// machine_type, day_kind (weekday|holiday or 平日|休日), from, to (HH:MM, to up to 24:00),
    /// yen_per_hour and optionally name; each row as set_rate(). With `replace_all` the existing
    /// bands are removed first. All rows or none: an error names the file, line and column.
    /// Returns the number of rows.
    std::size_t import_csv(const std::filesystem::path& csv, bool replace_all = false);

    /// Standby terms, ordered by machine type.
    [[nodiscard]] std::vector<StandbyTerms> standby_terms();
    /// Sets the terms of a machine type; refuses negative or non-finite hours and a negative rate.
    void set_standby(const StandbyTerms& terms);
    /// Removes the terms of a machine type; throws ykm::Error naming it when it has none.
    void remove_standby(MachineType machine);

    /// The season, when both dates are set.
    [[nodiscard]] std::optional<Season> season();
    /// Sets the season; refuses an end before the start. Throws ykm::Error naming the dates.
    void set_season(const Season& season);

private:
    data::Project& m_project;
    std::string m_actor = "staff";
    std::string m_channel = "desktop";
};

/// One priced piece of operating time: a stretch of a shift (OperatingInterval) cut at JST
/// midnight and at band boundaries, so one day kind and one band apply to all of it.
struct FeeLine {
    std::int64_t contractor_id = 0;
    std::string contractor_code;
    std::string contractor_name;
    std::int64_t vehicle_id = 0;
    std::string vehicle_code;
    MachineType machine = MachineType::dozer;
    std::string report_date; ///< the date of the shift's daily report (its start date)
    std::int64_t shift_start_ms = 0;
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
    data::WorkType work = data::WorkType::unknown;
    bool confirmed_gap = false;    ///< time of a GPS gap confirmed by staff, not of fixes
    std::size_t fix_count = 0;     ///< fixes with start_ms <= time <= end_ms
    std::int64_t first_fix_ms = 0; ///< 0 when fix_count is 0
    std::int64_t last_fix_ms = 0;  ///< 0 when fix_count is 0
    std::string date;              ///< the Japan date of the piece, YYYY-MM-DD
    DayKind day = DayKind::weekday;
    std::string day_reason; ///< 土曜, 日曜, the holiday's name; "" for a weekday
    FeeRate rate;
    [[nodiscard]] std::int64_t duration_ms() const { return end_ms - start_ms; }
    /// yen_per_hour × duration_ms, the amount in units of 1/3,600,000 yen (exact).
    [[nodiscard]] std::int64_t yen_ms() const { return rate.yen_per_hour * duration_ms(); }
    /// The exact amount in yen (not rounded).
    [[nodiscard]] double yen() const { return static_cast<double>(yen_ms()) / 3'600'000.0; }
};

/// Hours and amount of one vehicle in one band.
struct FeeBandTotal {
    FeeRate rate;
    std::int64_t duration_ms = 0;
    std::int64_t yen_ms = 0; ///< exact amount in 1/3,600,000 yen
};

/// Standby pay of one vehicle.
struct StandbyFee {
    StandbyTerms terms;
    std::int64_t season_operating_ms = 0; ///< shifts from the season start to the month's end
    std::int64_t shortfall_ms = 0;        ///< standard hours minus that, at least 0
    bool paid = false;                    ///< only in the settlement month
    std::int64_t yen = 0;                 ///< shortfall × rate rounded down; 0 when not paid
};

/// The month's figures of one vehicle.
struct VehicleFees {
    std::int64_t contractor_id = 0;
    std::string contractor_code;
    std::string contractor_name;
    std::int64_t vehicle_id = 0;
    std::string vehicle_code;
    MachineType machine = MachineType::dozer;
    std::vector<FeeBandTotal> bands; ///< ordered by day kind, band start
    std::int64_t duration_ms = 0;
    std::int64_t fee_yen = 0; ///< the sum of its lines' exact amounts, rounded down to 1 yen
    std::optional<StandbyFee> standby;
    /// fee_yen plus the standby pay when paid.
    [[nodiscard]] std::int64_t total_yen() const {
        return fee_yen + (standby && standby->paid ? standby->yen : 0);
    }
};

/// The month's figures of one contractor: sums of its vehicles' rounded figures.
struct ContractorFees {
    std::int64_t contractor_id = 0;
    std::string contractor_code;
    std::string contractor_name;
    std::int64_t duration_ms = 0;
    std::int64_t fee_yen = 0;
    std::int64_t standby_yen = 0;
    [[nodiscard]] std::int64_t total_yen() const { return fee_yen + standby_yen; }
};

/// A GPS gap left out of the fees because staff have not confirmed it.
struct UnpaidGap {
    std::string vehicle_code;
    std::string report_date;
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
};

/// The fees of a month.
struct MonthlyFees {
    std::string month;                       ///< YYYY-MM
    std::vector<FeeLine> lines;              ///< by contractor code, vehicle code, start
    std::vector<VehicleFees> vehicles;       ///< by contractor code, vehicle code
    std::vector<ContractorFees> contractors; ///< by code
    std::vector<FeeRate> rates_used;         ///< the bands the lines use, ordered as rates()
    std::vector<UnpaidGap> unconfirmed_gaps;
    std::optional<Season> season;
    bool settlement_month = false; ///< the month holds the season's end: standby is paid
    /// What the figures mean: rounding, which time counts, standby status (Japanese).
    std::vector<std::string> notes;
};

/// The fees of `month` ("YYYY-MM"): the shifts whose daily report date lies in the month (a
/// night shift from the last day counts whole in this month); each stretch of operating time cut
/// at JST midnight (the day kind may change) and at band boundaries, and priced by the vehicle's
/// machine type, the day kind of the piece's Japan date (HolidayCalendar) and the band the piece
/// lies in. Every work type counts, 回送 included; unconfirmed GPS gaps count nowhere.
/// Rounding: each line keeps its exact amount; each vehicle's sum is rounded down to whole yen
/// (円未満切り捨て), and contractors' totals add the vehicles' rounded sums.
/// Standby pay: for each vehicle (of the contractor) whose machine type has standby terms, the
/// shortfall of its operating hours in shifts from the season start to the end of the month (at
/// most to the season end) below the standard hours; paid (shortfall × rate, rounded down) only
/// in the month that holds the season end, shown as information in the season's other months.
/// `contractor_id` limits everything to that contractor. Throws ykm::Error naming the month when
/// it is not YYYY-MM, the contractor when it does not exist, and the machine type, day kind, date
/// and time of the first minute of operating time that no band covers.
MonthlyFees monthly_fees(data::Project& project, std::string_view month,
                         std::optional<std::int64_t> contractor_id);

} // namespace ykm::dispatch

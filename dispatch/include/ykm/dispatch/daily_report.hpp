#pragma once
// Daily work reports (作業日報) per vehicle and shift, computed from the season log, the stored
// coverage passes and the work orders.
#include "ykm/data/project.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/dispatch/orders.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ykm::dispatch {

/// Thresholds of a daily report.
struct DailyReportOptions {
    /// A silence longer than this ends a shift.
    std::int64_t shift_break_ms = 4 * 3'600'000;
    /// An interval between fixes longer than this is a GPS gap: shown, and counted in no work
    /// type's time or distance unless staff confirmed it (confirm_gap()).
    std::int64_t gap_threshold_ms = 120'000;
    /// Connections reading the vehicles in parallel: 0 chooses (one per core up to 4, a worker
    /// per 100 vehicles), 1 reads on the project's own connection only. More than one only for
    /// a project file whose connection has no transaction open (the others could not see its
    /// changes); the reports are the same either way.
    std::size_t readers = 0;
    /// Only this vehicle's reports; none: every vehicle (of the contractor, when one is given).
    std::optional<std::int64_t> vehicle_id;
};

/// Staff's confirmation of a GPS gap: what the vehicle did while no fixes came (table
/// gap_confirmations).
struct GapConfirmation {
    std::int64_t id = 0;
    data::WorkType work = data::WorkType::unknown;
    std::string note;
    std::string confirmed_by;
    std::int64_t confirmed_ms = 0;
};

/// An interval without fixes longer than the gap threshold: 未確認の欠測, counted in no work type,
/// until staff confirm it; a confirmed gap counts as time (and straight-line distance between the
/// fixes around it) of the confirmed work type. A confirmation applies to the gap with exactly its
/// start and end: fixes that arrive later inside the gap make it a different gap.
struct GpsGap {
    std::int64_t start_ms = 0; ///< the fix before the gap
    std::int64_t end_ms = 0;   ///< the fix after it
    std::optional<GapConfirmation> confirmation;
    [[nodiscard]] std::int64_t duration_ms() const { return end_ms - start_ms; }
};

/// A stretch of a shift's operating time of one work type: consecutive intervals between fixes
/// of that type without a gap, or one confirmed gap. The fixes behind it are
/// DailyReport::fix_times_ms[first_fix..last_fix] (both ends included: the fix that starts it
/// and the one that ends it, which starts the next stretch).
struct OperatingInterval {
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
    data::WorkType work = data::WorkType::unknown;
    std::size_t first_fix = 0; ///< index into DailyReport::fix_times_ms
    std::size_t last_fix = 0;  ///< index into DailyReport::fix_times_ms
    bool confirmed_gap = false;
    [[nodiscard]] std::int64_t duration_ms() const { return end_ms - start_ms; }
};

/// One direction of a road the vehicle cleared in the shift.
struct ReportRoad {
    std::int64_t segment_id = 0;
    bool forward = true;
    std::optional<int> priority; ///< 1-3, none for an unclassed road
    std::string name;
};

/// A work order whose vehicles (or contractor, when it names no vehicles) include the vehicle
/// and whose window overlaps the shift.
struct ReportOrder {
    std::int64_t id = 0;
    std::string number;
    OrderStatus status = OrderStatus::draft;
};

/// Number of work types (data::WorkType values 0..6), the size of the per-type arrays.
inline constexpr std::size_t work_type_count = 7;

/// The report of one vehicle's shift.
struct DailyReport {
    std::int64_t vehicle_id = 0;
    std::string vehicle_code;
    std::int64_t contractor_id = 0;
    std::string contractor_code;
    std::string contractor_name;
    std::int64_t start_ms = 0; ///< first fix of the shift
    std::int64_t end_ms = 0;   ///< last fix of the shift
    /// Operating time per work type, indexed by the data::WorkType value; the interval between
    /// two fixes goes to the earlier fix's type, a confirmed gap to its confirmed type, an
    /// unconfirmed gap to none.
    std::array<std::int64_t, work_type_count> time_ms{};
    /// Great-circle distance per work type, same indexing; a confirmed gap adds the straight line
    /// across it, an unconfirmed one nothing; fixes flagged speed_jump left out.
    std::array<double, work_type_count> distance_m{};
    std::vector<GpsGap> gaps; ///< confirmed and unconfirmed, ordered by start
    /// The operating time as stretches ordered by start; their durations add up to
    /// operating_ms(). Unconfirmed gaps lie between them.
    std::vector<OperatingInterval> intervals;
    /// The times of the shift's fixes, ordered (speed jumps included), for tracing intervals.
    std::vector<std::int64_t> fix_times_ms;
    /// Length × fraction of the vehicle's passes that clear the road (clears_road()) with
    /// start_ms <= time_ms <= end_ms, by priority class 1, 2, 3.
    std::array<double, 3> plowed_m_by_class{};
    std::vector<ReportRoad> roads;   ///< ordered by segment id, forward first
    std::vector<ReportOrder> orders; ///< ordered by id

    /// Time of all work types, confirmed gaps included.
    [[nodiscard]] std::int64_t operating_ms() const;
    /// Time of the unconfirmed gaps: counted nowhere.
    [[nodiscard]] std::int64_t gap_ms() const;
    /// Time of the confirmed gaps (part of operating_ms()).
    [[nodiscard]] std::int64_t confirmed_gap_ms() const;
    [[nodiscard]] double total_distance_m() const;
};

/// The reports of `date_jst` ("YYYY-MM-DD", Asia/Tokyo): one per vehicle and shift that starts
/// on that date, ordered by vehicle code, then start. A shift is a maximal run of a vehicle's
/// fixes without a silence longer than options.shift_break_ms; it belongs to the date on which
/// it starts (a night shift 21:00-06:00 is one report of its first date).
///
/// Limits: fixes are read from 00:00 JST of the day before (to tell a shift continuing from the
/// previous date) to 18:00 JST of the next day; a shift still running at that hour is cut there,
/// and a shift already running without a break for more than 24 h at 00:00 is taken as starting
/// on the date.
///
/// `contractor_id` limits the reports to that contractor's vehicles. Throws ykm::Error naming
/// the value when the date is not YYYY-MM-DD or the contractor does not exist.
std::vector<DailyReport> daily_reports(data::Project& project, std::string_view date_jst,
                                       std::optional<std::int64_t> contractor_id,
                                       const DailyReportOptions& options = {});

/// The daily reports of every date from `first_date_jst` to `last_date_jst` (both included), by
/// date, each date's as daily_reports() gives them, but each vehicle's fixes read once for the
/// whole range (a month's fees, a season's operating hours) rather than about three times (the
/// two days and 18 hours daily_reports() reads for each date). The same reports as
/// daily_reports() date by date, but for a shift cut there: one running past 18:00 JST of the day
/// after its date, or running without a break for more than 24 h. A date without reports is
/// left out. Throws ykm::Error naming the value when a date is not YYYY-MM-DD, the last is
/// before the first, or the contractor does not exist.
std::map<std::string, std::vector<DailyReport>>
daily_reports_between(data::Project& project, std::string_view first_date_jst,
                      std::string_view last_date_jst, std::optional<std::int64_t> contractor_id,
                      const DailyReportOptions& options = {});

/// Records staff's confirmation of the GPS gap of `vehicle_id` from the fix at `start_ms` to the
/// next fix at `end_ms` as `work` (replacing an earlier confirmation of that gap), with an entry
/// in the audit log ("gap.confirm") in the same transaction; returns the confirmation's id.
/// `actor` is recorded as confirmed_by. Throws ykm::Error naming the vehicle and the times when
/// the vehicle has no fix at `start_ms`, its next fix is not at `end_ms`, or the interval is not
/// a gap under `options` (not longer than the gap threshold, or a break between shifts), or the
/// contractor has confirmed the shift's daily report (it is locked: confirmation_covering());
/// naming the value when `work` is not a work type or the vehicle does not exist.
std::int64_t confirm_gap(data::Project& project, std::int64_t vehicle_id, std::int64_t start_ms,
                         std::int64_t end_ms, data::WorkType work, const std::string& note,
                         const std::string& actor, const std::string& channel,
                         const DailyReportOptions& options = {});

/// Removes the confirmation of the gap of `vehicle_id` starting at `start_ms`, with an entry in
/// the audit log ("gap.unconfirm"); throws ykm::Error naming the vehicle and time when there is
/// none or the shift's daily report is confirmed (locked).
void unconfirm_gap(data::Project& project, std::int64_t vehicle_id, std::int64_t start_ms,
                   const std::string& actor, const std::string& channel);

/// The gap of `vehicle_id` that starts at its fix at `start_ms`, if the interval to its next fix
/// is a gap under `options`; with its confirmation, if any.
std::optional<GpsGap> gap_at(data::Project& project, std::int64_t vehicle_id, std::int64_t start_ms,
                             const DailyReportOptions& options = {});

/// 00:00 JST of `date_jst` as Unix milliseconds; throws ykm::Error when it is not a valid
/// YYYY-MM-DD date.
std::int64_t jst_day_start_ms(std::string_view date_jst);

/// The great-circle distance in metres (haversine on a sphere of radius 6,371,008.8 m).
double great_circle_m(const gis::LonLat& a, const gis::LonLat& b);

} // namespace ykm::dispatch

#pragma once
// Confirmed daily work reports (確定済みの作業日報): a contractor confirms the report of one of its
// vehicles' shifts after the night, and from then on the report is locked. The figures it
// confirmed are stored as they were (the JSON of daily_report_json()), and they are what is shown
// and paid, even when late fixes change the report recomputed from the season log afterwards;
// such a change is only flagged (`differs`) for the city's staff. The table refuses UPDATE and
// DELETE by triggers, and each confirmation is appended to the audit log in the same transaction.

#include "ykm/data/project.hpp"
#include "ykm/dispatch/daily_report.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ykm::dispatch {

/// The report of one shift as JSON, in the shape `ykm report daily --json` prints per report:
/// vehicle, contractor, contractor_name, start, end (ISO 8601 JST), operating_h, gap_min, km,
/// work [{type, name, hours, km}] (types with time or distance only), gaps [{start, end,
/// minutes}] (a gap staff confirmed also has confirmation {work, name, note, by, time}: it counts
/// as that work), plowed_km_by_class {"1","2","3"}, roads [{segment, forward, priority, name}],
/// orders [{number, status}].
nlohmann::json daily_report_json(const DailyReport& report);

/// Where a report was confirmed (the table's channel column).
enum class ConfirmationChannel : std::uint8_t { desktop, portal, cli };
/// "desktop", "portal", "cli".
std::string_view key(ConfirmationChannel channel);
/// The channel of a key; none for any other text.
std::optional<ConfirmationChannel> parse_confirmation_channel(std::string_view text);

/// A stored confirmation of one vehicle's shift.
struct ReportConfirmation {
    std::int64_t id = 0;
    std::int64_t vehicle_id = 0;
    std::string vehicle_code; ///< the vehicle's code now
    std::string report_date;  ///< "YYYY-MM-DD" (JST), the date the shift starts on
    std::int64_t shift_start_ms = 0;
    std::string content;        ///< the JSON text of daily_report_json() when it was confirmed
    std::string content_sha256; ///< hex SHA-256 of `content`
    std::string confirmed_by;   ///< the actor: a portal login, a desktop or CLI user name
    ConfirmationChannel channel = ConfirmationChannel::portal;
    std::int64_t confirmed_ms = 0;
    /// Whether the report recomputed now differs from the confirmed one (late fixes, a changed
    /// order, ...): a field of the confirmed content has another value in the recomputed
    /// report's JSON (fields the JSON gained since are not compared), or no recomputed shift of
    /// the vehicle overlaps the confirmed one any more. Shown to the city's staff as a notice; the
    /// confirmed content stands.
    bool differs = false;

    /// `content` parsed.
    [[nodiscard]] nlohmann::json content_json() const;
    /// The end of the confirmed shift (the content's "end") as Unix milliseconds.
    [[nodiscard]] std::int64_t shift_end_ms() const;
};

/// Why confirm_daily_report() refused.
enum class ConfirmationRefusal : std::uint8_t {
    no_such_shift,     ///< the vehicle has no shift starting at that time on that date
    still_running,     ///< the shift's last fix is less than the shift break ago
    already_confirmed, ///< the shift's report is confirmed (and locked) already
};

/// A refused confirmation; the message names the vehicle and the shift.
class ConfirmationError : public Error {
public:
    ConfirmationError(ConfirmationRefusal reason, const std::string& message)
        : Error(message), m_reason(reason) {}
    [[nodiscard]] ConfirmationRefusal reason() const { return m_reason; }

private:
    ConfirmationRefusal m_reason;
};

/// Whether `report`'s shift may still be running at `now_ms`: its last fix is less than
/// options.shift_break_ms before now (or after it). A report is confirmed after the night, not
/// during it.
bool shift_running(const DailyReport& report, std::int64_t now_ms,
                   const DailyReportOptions& options = {});

/// Recomputes the report of `vehicle_id`'s shift starting at `shift_start_ms` on `date_jst`,
/// stores it as confirmed by `actor` through `channel` and appends an audit entry (action
/// "confirm", entity "daily_report", entity id the new row's id, detail: vehicle, date, shift
/// start, content_sha256) in the same transaction. `now_ms` 0 means the wall clock. Returns the
/// stored confirmation.
///
/// Throws ConfirmationError naming the vehicle and the shift when there is no such shift, when
/// it is still running, or when it is confirmed already; ykm::Error for a bad date, an unknown
/// vehicle or an empty actor.
ReportConfirmation confirm_daily_report(data::Project& project, std::int64_t vehicle_id,
                                        std::string_view date_jst, std::int64_t shift_start_ms,
                                        const std::string& actor, ConfirmationChannel channel,
                                        const DailyReportOptions& options = {},
                                        std::int64_t now_ms = 0);

/// The confirmed reports of `date_jst`, ordered by vehicle code and shift start, limited to the
/// reports confirmed for `contractor_id` (the contractor in the confirmed content) when given;
/// each with `differs` against the report recomputed now. Throws ykm::Error for a bad date or
/// an unknown contractor.
std::vector<ReportConfirmation> confirmed_reports(data::Project& project, std::string_view date_jst,
                                                  std::optional<std::int64_t> contractor_id,
                                                  const DailyReportOptions& options = {});

/// The confirmation of `vehicle_id`'s shift that spans `time_ms` (its confirmed start to its
/// confirmed end), without `differs` (nothing is recomputed); none when no confirmed shift of the
/// vehicle spans it. What was confirmed is locked: staff cannot confirm or withdraw its gaps.
std::optional<ReportConfirmation> confirmation_covering(data::Database& db, std::int64_t vehicle_id,
                                                        std::int64_t time_ms);

/// The confirmation of `vehicle_id`'s shift starting at `shift_start_ms`, with `differs`; none
/// when it is not confirmed.
std::optional<ReportConfirmation> confirmed_report(data::Project& project, std::int64_t vehicle_id,
                                                   std::int64_t shift_start_ms,
                                                   const DailyReportOptions& options = {});

/// A shift's report as it stands now: confirmed (the stored content, locked) or open (recomputed
/// from the season log).
struct DailyReportState {
    std::int64_t vehicle_id = 0;
    std::string vehicle_code;
    std::int64_t contractor_id = 0; ///< the vehicle's contractor now
    std::int64_t shift_start_ms = 0;
    std::int64_t shift_end_ms = 0;
    nlohmann::json report; ///< daily_report_json() shape: the confirmed content when confirmed
    std::optional<ReportConfirmation> confirmation;
    bool running = false; ///< open and possibly still running (shift_running())
};

/// Every shift report of `date_jst` (of `contractor_id`'s vehicles when given), ordered by
/// vehicle code and shift start: the confirmed ones from their stored content, and the
/// recomputed ones that overlap no confirmed shift of their vehicle (a recomputed shift that
/// overlaps a confirmed one is the same shift, seen again after late fixes: only the confirmed
/// one is listed). `now_ms` 0 means the wall clock. Throws ykm::Error for a bad date or an
/// unknown contractor.
std::vector<DailyReportState> daily_report_states(data::Project& project, std::string_view date_jst,
                                                  std::optional<std::int64_t> contractor_id,
                                                  const DailyReportOptions& options = {},
                                                  std::int64_t now_ms = 0);

/// The JST date ("YYYY-MM-DD") of a time, as daily reports file shifts.
std::string jst_date_of(std::int64_t time_ms);

} // namespace ykm::dispatch

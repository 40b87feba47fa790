#pragma once

#include "ykm/data/season_log.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ykm::dispatch {

/// A fix as a device sent it, before its device id is resolved to a vehicle.
struct DeviceFix {
    std::string device_id;
    data::Fix fix; ///< vehicle_id is 0 until resolved
};

/// A parse result: a fix, or the reason there is none (naming the field).
struct ParsedFix {
    std::optional<DeviceFix> fix;
    std::string error; ///< e.g. "lat: 'abc' is not a number"; empty when fix is set
};

/// Parses a fix time: Unix seconds (decimals allowed), Unix milliseconds (12 or more digits), or
/// ISO 8601 with a zone ("2026-01-15T21:30:00Z", "2026-01-16T06:30:00.5+09:00"). A time without
/// a zone is refused (a logger's local time would be off by hours). Returns Unix milliseconds.
std::optional<std::int64_t> parse_time_ms(std::string_view text);
/// "2026-01-15T21:30:00Z", with milliseconds ("…00.250Z") when they are not zero.
std::string format_time_utc(std::int64_t time_ms);
/// "2026-01-16T06:30:00+09:00": Japan Standard Time to the second.
std::string format_time_jst(std::int64_t time_ms);
/// Text escaped for XML content and attribute values (GPX files): & < > " become entities.
std::string xml_escaped(std::string_view text);
/// The wall clock: Unix milliseconds, UTC.
std::int64_t now_ms();

/// The OsmAnd protocol (Traccar Client, phone apps): the query string of a GET or the
/// application/x-www-form-urlencoded body of a POST, with id, lat, lon, timestamp (Unix seconds,
/// milliseconds or ISO 8601), speed (knots), bearing, altitude, accuracy, batt, and Yukimichi's
/// work (plow, grade, widen, haul, spread, travel) and blade (up, down). `now_ms` fills a missing
/// timestamp. Also accepted: deviceid for id, heading for bearing, location=LAT,LON. A negative
/// speed, bearing or accuracy means "unknown" (iOS reports -1). A key given twice with different
/// values is an error; unknown keys are ignored.
ParsedFix parse_osmand_form(std::string_view form, std::int64_t now_ms);
/// The JSON body of current Traccar Client: {"location": {"timestamp", "coords": {latitude,
/// longitude, speed (m/s), heading, altitude, accuracy}, "battery": {"level"}, "extras"...},
/// "device_id"}.
ParsedFix parse_osmand_json(std::string_view body, std::int64_t now_ms);

/// Reads NMEA 0183 one sentence at a time for one connection or file: RMC and GGA (checksums
/// verified), joined by time; $PYKM,<device id>*CS or a first line that is a bare device id
/// names the device ($PYKM,<id>,<work>,<blade> also sets the work type and blade for the fixes
/// that follow).
class NmeaReader {
public:
    explicit NmeaReader(std::string device_id = {});

    /// One line (without CR LF). Returns fixes completed by it; `error` tells why a line was
    /// rejected (empty when it was fine or ignored, e.g. a GSV sentence).
    struct LineResult {
        std::vector<DeviceFix> fixes;
        std::string error;
        bool no_fix = false; ///< the error is the receiver's "no fix" (RMC V, GGA quality 0),
                             ///< normal in logs, not a malformed line
    };
    LineResult line(std::string_view text);
    /// Fixes still waiting for a partner sentence (end of stream).
    std::vector<DeviceFix> finish();
    [[nodiscard]] const std::string& device_id() const { return m_device_id; }

private:
    std::string m_device_id;
    bool m_first_line = true;
    data::WorkType m_work = data::WorkType::unknown;
    data::Blade m_blade = data::Blade::unknown;
    std::optional<DeviceFix> m_pending;
    std::int64_t m_pending_tod_ms = 0; ///< time of day of the pending fix
    bool m_pending_has_date = false;   ///< false for a GGA seen before any RMC
    bool m_pending_is_rmc = false;
    std::optional<std::int64_t> m_date_ms; ///< date from the last RMC, for GGA-only fixes
    std::int64_t m_date_tod_ms = 0;        ///< time of day of that RMC (midnight roll-over)

    void emit_pending(std::vector<DeviceFix>& out);
};

/// A logger file: GPX (trkpt, with time), NMEA log, or CSV with a header (device/id, time or
/// timestamp, lat, lon, and optional speed_kmh|speed_mps|speed, bearing, altitude, accuracy,
/// battery, work, blade; other columns are ignored; a bare "speed" is m/s, not knots as in
/// OsmAnd). The format is chosen by extension (.gpx, .nmea/.nma/.log/.txt, .csv). `device_id`
/// is used where the file names none. NMEA sentences without a fix are skipped. Throws
/// ykm::Error "FILE:LINE: …" for the first malformed record.
std::vector<DeviceFix> read_track_file(const std::filesystem::path& file,
                                       const std::string& device_id);

} // namespace ykm::dispatch

#pragma once

#include "ykm/data/database.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/gis/geometry.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace ykm::dispatch {

/// The project's device table: GPS device id → vehicle id, for every vehicle with a device.
std::map<std::string, std::int64_t> load_device_table(data::Database& db);

/// Why a fix was not stored.
enum class RejectReason {
    unknown_device,  ///< no vehicle has this device id
    null_island,     ///< 0,0: a receiver without a position
    out_of_range,    ///< latitude/longitude outside ±90/±180, time before 2000 or > 1 day ahead
    outside_project, ///< far outside the project's extent
};
std::string_view key(RejectReason reason);

/// The verdict on one fix.
struct FixVerdict {
    std::optional<data::Fix> accepted; ///< with vehicle_id set and flags (speed_jump, late)
    std::optional<RejectReason> rejected;
    std::string message; ///< "device 'X' is not registered", ...
};

/// Checks incoming fixes against the fleet and the project: resolves the device to its vehicle,
/// rejects unknown devices, 0,0, impossible values and positions far outside the project, and
/// flags (keeps) speed jumps and late fixes. Keeps per-vehicle state; not thread-safe.
///
/// A speed jump is a fix farther from the vehicle's last good fix than max_speed allows; it is
/// kept with fix_flags::speed_jump and does not become the reference. Three jumps in a row that
/// agree with each other (a unit switched off while its machine was trucked elsewhere) make the
/// third the new reference. A fix older than the vehicle's newest is flagged late and not
/// checked for speed.
class FixValidator {
public:
    /// `devices`: device id → vehicle id. `extent_lonlat`: the project's road extent;
    /// positions farther than `margin_m` outside it are rejected.
    FixValidator(std::map<std::string, std::int64_t> devices, gis::Box extent_lonlat,
                 double margin_m = 20'000.0, double max_speed_mps = 70.0);

    FixVerdict check(const DeviceFix& fix, std::int64_t now_ms);
    /// Replaces the device table (after fleet edits).
    void set_devices(std::map<std::string, std::int64_t> devices);

private:
    std::map<std::string, std::int64_t> m_devices;
    gis::Box m_extent;
    double m_margin_m;
    double m_max_speed_mps;
    struct Last {
        std::int64_t time_ms = 0; ///< the last fix kept without a speed-jump flag
        gis::LonLat position;
        std::int64_t latest_ms = 0;    ///< the newest time of any accepted fix, for "late"
        std::int64_t jump_time_ms = 0; ///< the last flagged jump, and how many agreeing ones
        gis::LonLat jump_position;
        int jump_streak = 0;
    };
    std::map<std::int64_t, Last> m_last;
};

} // namespace ykm::dispatch

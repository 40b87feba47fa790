#pragma once

#include "ykm/dispatch/coverage.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/gis/map_matcher.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ykm::dispatch {

/// What a vehicle is doing, as the map colours it.
enum class VehicleState {
    working,    ///< moving with service work (plow, grade, …) or the blade down
    travelling, ///< moving without working
    stopped,    ///< no movement for longer than stopped_after
    offline,    ///< no fix for longer than offline_after
    unknown,    ///< never reported (no GPS, or not since the tracker started)
};
std::string_view key(VehicleState state);

struct TrackerSettings {
    std::int64_t stopped_after_ms = 10 * 60'000;
    std::int64_t offline_after_ms = 10 * 60'000;
    double moving_speed_mps = 1.0; ///< slower counts as standing
    double pass_fraction = 0.8;    ///< share of a segment a pass must traverse
    gis::MatchParameters matching;
    /// At start the tracker loads the stored passes and alerts of this long before now, so a
    /// restart keeps the picture.
    std::int64_t history_ms = 24 * 3'600'000;
    /// A late fix (older than its vehicle's newest) makes the tracker re-match the vehicle from
    /// this long before it, from the season log.
    std::int64_t late_lead_ms = 5 * 60'000;
};

/// The live state of one vehicle.
struct VehicleStatus {
    Vehicle vehicle;
    VehicleState state = VehicleState::unknown;
    std::optional<data::Fix> last_fix;
    std::optional<gis::XY> position; ///< project CRS, snapped to the road when matched
    std::optional<double> heading_deg;
    std::optional<std::int64_t> segment_id;
    std::int64_t state_since_ms = 0;
};

/// Why an alert fired; each is cleared (Alert::cleared_ms) when its condition ends.
enum class AlertKind {
    left_district,    ///< 2+ fixes in a row outside the vehicle's district (snapped position)
    stopped_too_long, ///< a working or travelling vehicle stood still for stopped_after_ms
    offline,          ///< no fix for offline_after_ms
    entered_geofence, ///< inside a geofence for its dwell time (raw position), once per visit
};
std::string_view key(AlertKind kind);

struct Alert {
    std::int64_t id = 0;
    AlertKind kind = AlertKind::offline;
    std::int64_t vehicle_id = 0;
    std::int64_t time_ms = 0;
    std::optional<std::int64_t> geofence_id;
    std::optional<gis::XY> position;
    std::string detail;                     ///< e.g. the district or zone name
    std::optional<std::int64_t> cleared_ms; ///< when the condition ended
};

/// A zone drawn by staff; an alert fires when a vehicle stays inside for dwell_ms.
struct Geofence {
    std::int64_t id = 0;
    std::string name;
    std::int64_t dwell_ms = 60'000;
    gis::Polyline ring; ///< closed, project CRS
};
/// Geofences stored in a project.
std::vector<Geofence> load_geofences(data::Project& project);
/// Stores a geofence (new when id is 0); returns its id. A ring needs 3+ distinct points and
/// must not cross itself; it is closed when it is not; dwell is stored in whole seconds (rounded
/// up). Throws ykm::Error naming the geofence for a bad ring, name, dwell or an unknown id.
std::int64_t save_geofence(data::Project& project, const Geofence& geofence);
/// Throws ykm::Error when no geofence has this id.
void remove_geofence(data::Project& project, std::int64_t id);

/// The live picture of the fleet: takes durable fixes, matches each vehicle incrementally,
/// records passes, keeps each vehicle's state, and raises alerts. Owns a worker thread and its
/// own connection to the project; every method is thread-safe.
///
/// Fixes must already be in the season log (IngestServer calls on_fixes after the commit). A
/// late fix, older than the newest one processed for its vehicle, cannot go into the live
/// matcher: after the batch the vehicle is matched again from the season log with a fresh
/// matcher, from late_lead_ms before the late fix through its newest fix, and its passes from the
/// late fix's time on are replaced; states and alerts are not replayed. Fixes flagged
/// speed_jump only count as a sign of life. The road network is read once, at construction.
class Tracker {
public:
    /// Opens the project and loads its network, fleet, districts, geofences, and the passes and
    /// alerts of the last history_ms. Throws ykm::Error when the project cannot be read.
    Tracker(const std::filesystem::path& project, TrackerSettings settings = {});
    ~Tracker();
    Tracker(const Tracker&) = delete;
    Tracker& operator=(const Tracker&) = delete;

    /// Queues fixes (from IngestServer's on_durable); returns at once.
    void on_fixes(std::span<const data::Fix> fixes);
    /// Waits until every queued fix is processed (tests, shutdown). Throws ykm::Error with the
    /// first failure of the worker since the last call (e.g. the project could not be written).
    void drain();
    /// Re-evaluates states and time-based alerts (stopped, offline) at `now_ms`, after the fixes
    /// queued before it; returns once done. A vehicle going offline has its matched path decided.
    void tick(std::int64_t now_ms);
    /// Re-reads vehicles, districts and geofences after edits; returns once done.
    void reload();

    [[nodiscard]] std::vector<VehicleStatus> vehicles() const;
    /// Current coverage per segment direction (passes since the tracker's window start).
    [[nodiscard]] std::vector<SegmentCoverage> coverage() const;
    [[nodiscard]] std::vector<Alert> alerts() const;
    /// The vehicle's fixes between from_ms and to_ms (today's track), project CRS, without
    /// those flagged speed_jump. Reads the season log on a connection of its own.
    [[nodiscard]] gis::Polyline track(std::int64_t vehicle_id, std::int64_t from_ms,
                                      std::int64_t to_ms) const;
    /// Number of fixes processed so far.
    [[nodiscard]] std::uint64_t processed() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace ykm::dispatch

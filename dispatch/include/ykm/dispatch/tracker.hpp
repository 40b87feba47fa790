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

enum class AlertKind { left_district, stopped_too_long, offline, entered_geofence };
std::string_view key(AlertKind kind);

struct Alert {
    std::int64_t id = 0;
    AlertKind kind = AlertKind::offline;
    std::int64_t vehicle_id = 0;
    std::int64_t time_ms = 0;
    std::optional<std::int64_t> geofence_id;
    std::optional<gis::XY> position;
    std::string detail; ///< e.g. the district or zone name
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
/// Stores a geofence (new when id is 0); returns its id. A ring needs 3+ distinct points.
std::int64_t save_geofence(data::Project& project, const Geofence& geofence);
void remove_geofence(data::Project& project, std::int64_t id);

/// The live picture of the fleet: takes durable fixes, matches each vehicle incrementally,
/// records passes, keeps each vehicle's state, and raises alerts. Owns a worker thread and its
/// own connection to the project; every method is thread-safe.
class Tracker {
public:
    Tracker(const std::filesystem::path& project, TrackerSettings settings = {});
    ~Tracker();
    Tracker(const Tracker&) = delete;
    Tracker& operator=(const Tracker&) = delete;

    /// Queues fixes (from IngestServer's on_durable); returns at once.
    void on_fixes(std::span<const data::Fix> fixes);
    /// Waits until every queued fix is processed (tests, shutdown).
    void drain();
    /// Re-evaluates states and time-based alerts (stopped, offline) at `now_ms`.
    void tick(std::int64_t now_ms);
    /// Re-reads vehicles and geofences after edits.
    void reload();

    [[nodiscard]] std::vector<VehicleStatus> vehicles() const;
    /// Current coverage per segment direction (passes since the tracker's window start).
    [[nodiscard]] std::vector<SegmentCoverage> coverage() const;
    [[nodiscard]] std::vector<Alert> alerts() const;
    /// The vehicle's fixes between from_ms and to_ms (today's track), project CRS.
    [[nodiscard]] gis::Polyline track(std::int64_t vehicle_id, std::int64_t from_ms,
                                      std::int64_t to_ms) const;
    /// Number of fixes processed so far.
    [[nodiscard]] std::uint64_t processed() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace ykm::dispatch

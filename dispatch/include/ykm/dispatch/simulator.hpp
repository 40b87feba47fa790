#pragma once

#include "ykm/data/project.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/gis/road_graph.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ykm::dispatch {

struct SimulationOptions {
    std::size_t vehicles = 10;
    double interval_s = 5.0; ///< time between fixes of a vehicle
    double noise_m = 10.0;   ///< standard deviation of the position error, per axis
    double dropout = 0.0;    ///< probability that a fix is lost
    std::uint64_t seed = 1;
    /// Simulated time the vehicles set out. Devices are not synchronised: each vehicle sends its
    /// first fix at a random moment within the first interval.
    std::int64_t start_ms = 0;
    double service_speed_mps = 20.0 / 3.6;
    double travel_speed_mps = 40.0 / 3.6;
};

/// The true path of a simulated vehicle: it drove the whole of `segment_id` in a direction.
/// The piece a vehicle is driving when advance() returns is listed too, with the part driven so
/// far as length_m and the current time as exit_ms; the next advance() replaces it.
struct TruthPiece {
    std::string device_id;
    std::int64_t segment_id = 0;
    bool forward = true;
    std::int64_t enter_ms = 0;
    std::int64_t exit_ms = 0;
    data::WorkType work = data::WorkType::unknown;
    double length_m = 0.0; ///< planar length driven (the edge's length_m when whole)
};

/// Drives simulated plows over a project's network: each vehicle leaves a depot, travels to its
/// district, serves its roads (both directions of two-way streets, priority 1 first) with the
/// blade down, travels between them along shortest paths, and U-turns at dead ends. The vehicles
/// of a district share its work (each takes the nearest road left to do) and start over when it
/// is all done; they stay in the largest strongly connected part of the network, drive at ±20 %
/// of the set speeds and stop now and then at intersections for 30-120 s. Fixes carry Gaussian
/// noise, dropouts, speed and bearing (with small receiver errors), work and blade.
/// Deterministic for a seed (std::mt19937_64 with hand-written distributions).
class PlowSimulator {
public:
    /// The first vehicles are the project's vehicles that have a device id (in id order, in
    /// their own district when it has roads); the rest are "sim-001", "sim-002", … (skipping ids
    /// the fleet uses). Vehicles without a district are given the districts that have roads in
    /// turn, or the whole network when the project has no districts. Reads the project only
    /// here; `graph` must be the project's network and outlive the simulator. Throws ykm::Error
    /// when the network has no roads or an option is out of range.
    PlowSimulator(data::Project& project, const gis::RoadGraph& graph, SimulationOptions options);
    ~PlowSimulator();
    PlowSimulator(PlowSimulator&&) noexcept;
    PlowSimulator& operator=(PlowSimulator&&) noexcept;

    /// Advances the simulated clock to `until_ms`; returns the fixes sent meanwhile, by time
    /// (ties by vehicle). Events run in time order across vehicles, so the result does not
    /// depend on how the time is cut into advance() calls.
    std::vector<DeviceFix> advance(std::int64_t until_ms);
    /// The true pieces driven so far, each vehicle's in driving order (the pieces being driven
    /// when advance() returned come last, partial).
    [[nodiscard]] const std::vector<TruthPiece>& truth() const;
    [[nodiscard]] std::vector<std::string> device_ids() const;
    /// The district each vehicle serves, parallel to device_ids(); std::nullopt when the project
    /// has no districts and the vehicle serves the whole network.
    [[nodiscard]] std::vector<std::optional<std::int64_t>> district_ids() const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace ykm::dispatch

#pragma once

#include "ykm/data/project.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/gis/road_graph.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ykm::dispatch {

struct SimulationOptions {
    std::size_t vehicles = 10;
    double interval_s = 5.0;  ///< time between fixes of a vehicle
    double noise_m = 10.0;    ///< standard deviation of the position error
    double dropout = 0.0;     ///< probability that a fix is lost
    std::uint64_t seed = 1;
    std::int64_t start_ms = 0; ///< simulated time of the first fix
    double service_speed_mps = 20.0 / 3.6;
    double travel_speed_mps = 40.0 / 3.6;
};

/// The true path of a simulated vehicle: it drove the whole of `segment_id` in a direction.
struct TruthPiece {
    std::string device_id;
    std::int64_t segment_id = 0;
    bool forward = true;
    std::int64_t enter_ms = 0;
    std::int64_t exit_ms = 0;
    data::WorkType work = data::WorkType::unknown;
    double length_m = 0.0;
};

/// Drives simulated plows over a project's network: each vehicle leaves a depot, travels to its
/// district, serves its roads (both directions of two-way streets, priority 1 first) with the
/// blade down, travels between them along shortest paths, and U-turns at dead ends. Fixes carry
/// Gaussian noise, dropouts, speed, bearing, work and blade. Deterministic for a seed.
class PlowSimulator {
public:
    /// Device ids are the fleet's vehicles' device ids when the project has enough vehicles,
    /// otherwise "sim-001", "sim-002", ….
    PlowSimulator(data::Project& project, const gis::RoadGraph& graph, SimulationOptions options);
    ~PlowSimulator();
    PlowSimulator(PlowSimulator&&) noexcept;
    PlowSimulator& operator=(PlowSimulator&&) noexcept;

    /// Advances the simulated clock to `until_ms`; returns the fixes sent meanwhile, by time.
    std::vector<DeviceFix> advance(std::int64_t until_ms);
    /// The true pieces driven so far.
    [[nodiscard]] const std::vector<TruthPiece>& truth() const;
    [[nodiscard]] std::vector<std::string> device_ids() const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace ykm::dispatch

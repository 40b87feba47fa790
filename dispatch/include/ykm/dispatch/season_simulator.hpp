#pragma once
// A synthetic season written straight into a project (`ykm simulate --season`): the fleet's
// nights of work as fixes in the season log and passes in the coverage store, for benchmarks
// and demonstrations.
#include "ykm/data/project.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/dispatch/machine_type.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ykm::dispatch {

/// What simulate_season() writes.
struct SeasonOptions {
    std::size_t vehicles = 300;            ///< vehicles that work every night
    std::size_t nights = 60;               ///< nights of work (nights without snow come in between)
    std::string start_date = "2026-12-01"; ///< JST date the first night may start on
    int night_start_hour = 21;             ///< JST hour a night's shift begins, 0-23
    int night_end_hour = 5;  ///< JST hour it ends, on the next day when not after the start hour
    double interval_s = 5.0; ///< time between fixes of a vehicle, 0.1-3600
    double noise_m = 10.0;   ///< standard deviation of the position error per axis, metres
    double dropout = 0.0;    ///< probability that a fix is lost, [0, 1)
    std::uint64_t seed = 1;
    /// Probability that a calendar night has no snow and nobody works, [0, 1).
    double night_off_chance = 0.3;
    /// Each vehicle sets out up to this long after the night's start (a fresh delay every
    /// night), 0 to half the night.
    std::int64_t max_start_delay_ms = 30 * 60'000;
    /// Fixes appended per transaction (at least 1).
    std::size_t batch_fixes = 200'000;
    /// Who creates missing vehicles and contractors, as the audit log records it.
    std::string actor = "ykm";
    std::string channel = "cli";
};

/// One night of the season and when each vehicle sets out.
struct SeasonNight {
    std::string date_jst; ///< the JST date the night starts on, YYYY-MM-DD
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
    /// Per vehicle, in the order of SeasonResult::vehicles: when it leaves its depot,
    /// start_ms <= vehicle_start_ms < end_ms. Its first fix follows within one interval, then
    /// one every interval until end_ms (exclusive) unless dropped.
    std::vector<std::int64_t> vehicle_start_ms;
};

/// The nights of a season for these options: `nights` nights from start_date on (a calendar
/// night is skipped with probability night_off_chance), with each of `vehicles` vehicles'
/// start. Deterministic for the options' seed. Throws ykm::Error naming the option that is out
/// of range or the date that is not YYYY-MM-DD.
std::vector<SeasonNight> plan_season(const SeasonOptions& options);

/// A simulated vehicle of the season.
struct SeasonVehicle {
    std::int64_t vehicle_id = 0;
    std::string device_id;
    std::string code;
    MachineType type = MachineType::plow_truck;
    data::WorkType service = data::WorkType::plow; ///< its fixes' and passes' work when serving
};

/// The work a machine type does when serving a road: graders grade (路面整正), rotary blowers
/// widen (拡幅除雪), dump trucks haul (運搬排雪), the others plow (新雪除雪).
data::WorkType season_work_type(MachineType type);

/// Progress of simulate_season(), reported after every batch written.
struct SeasonProgress {
    std::uint64_t fixes_written = 0;
    std::size_t nights_done = 0;
    std::size_t nights = 0;
};

/// What simulate_season() wrote.
struct SeasonResult {
    std::vector<SeasonNight> nights;
    std::vector<SeasonVehicle> vehicles; ///< in the simulator's order
    std::size_t vehicles_created = 0;
    std::size_t contractors_created = 0;
    std::uint64_t fixes = 0;        ///< stored in the season log
    std::uint64_t passes = 0;       ///< stored in the coverage store
    std::size_t coverage_hours = 0; ///< hourly coverage summaries built (coverage_hours)
};

/// Simulates a season into `project` (schema 6): makes sure the fleet has `vehicles` vehicles
/// with device ids (the project's own first, in id order; then new vehicles sim-001, sim-002,
/// ... spread over the districts in turn and over the machine types, with a contractor per
/// district "SIM01", ... created when missing, all recorded in the audit log), then drives them
/// night by night with PlowSimulator over their districts (a fresh run from the depots every
/// night, each vehicle's clock shifted by its start delay and cut at the night's end). The
/// fixes go to the season log in transactions of batch_fixes (blocks sealed at the end); each
/// driven direction of a segment completed before the night's end becomes a coverage pass of
/// fraction 1 with the vehicle's service work (season_work_type) where it served and travel
/// elsewhere. After each night the hourly coverage summaries of its hours are built
/// (build_coverage_summaries in replay.hpp). Deterministic for the seed. `progress` is called after
/// every transaction. Throws ykm::Error on bad options, a project without roads, or a failed write
/// (the batches committed before stay).
SeasonResult simulate_season(data::Project& project, const SeasonOptions& options,
                             const std::function<void(const SeasonProgress&)>& progress = {});

} // namespace ykm::dispatch

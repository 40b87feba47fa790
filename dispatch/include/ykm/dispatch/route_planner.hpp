#pragma once

// Priority route planning for a district's plows: which directions of which segments each plow
// serves, in which order, so that class-1 roads are open first, then class 2, then class 3, and
// the district finishes as early as possible.
//
// The model: every direction of a required segment is a task (two for a two-way street, one for
// a one-way street), repeated once per pass when the road is wider than a plow clears. Plows
// drive between tasks (deadhead) along the cheapest path in time over the whole drivable
// network, paying a turn cost at every node: U-turns only at dead ends and turnaround nodes (and
// where one-way streets leave no other way on or in),
// right turns (crossing the oncoming lane: Japan drives on the left) dearer than left turns and
// going straight. Service runs at the machine's working speed, deadhead at its travel speed.
// Every plow starts and ends at its depot; with a load limit it visits a dump site (or refill
// site) when the next task would exceed it.
//
// The objective is lexicographic: the overtime past the plows' shifts, then the finishing time
// of class 1, of class 2, of class 3, then the makespan (last return to a depot), then the total
// travel time. The search works class by class: class-1 tasks are routed first from the depots;
// class-2 tasks are appended to those routes, and so on. Each class's search depends only on its
// own tasks and the routes before it, so adding a class-3 road never changes the class-1 plan.

#include "ykm/dispatch/machine_type.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gis/road_graph.hpp"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ykm::dispatch {

/// Seconds lost at a node by the kind of turn.
struct TurnCosts {
    double straight_s = 0.0;
    double left_s = 4.0;   ///< Japan drives on the left: a left turn crosses no lane
    double right_s = 12.0; ///< crosses the oncoming lane
    double u_turn_s = 30.0;
};

enum class TurnKind : std::uint8_t { straight, left, right, u_turn };

/// The kind of turn from a heading to another (degrees clockwise from north): within 30° of
/// straight on is straight, more than 150° is a U-turn, otherwise left or right.
TurnKind classify_turn(double heading_in_deg, double heading_out_deg);

/// Working (plowing) and travel speeds of a machine type.
struct MachineSpeeds {
    double work_kmh = 15.0;
    double travel_kmh = 30.0;
};

/// Speeds the planner assumes when the project sets none (typical figures for the machine).
MachineSpeeds default_speeds(MachineType type);

/// A plow available tonight.
struct PlanVehicle {
    std::int64_t id = 0; ///< vehicle id in the project (0 when none)
    std::string code;
    MachineType type = MachineType::plow_truck;
    double plow_width_m = 3.0;
    MachineSpeeds speeds;
    double shift_s = 8 * 3600.0;
    gis::NodeIndex depot_node = 0; ///< the node it starts from and returns to
    std::int64_t depot_id = 0;     ///< the project's depot, 0 when none
};

/// A dump or refill site, reached at the nearest node.
struct PlanSite {
    std::int64_t id = 0;
    std::string name;
    gis::NodeIndex node = 0;
};

/// One pass along one direction of a segment that must be plowed.
struct PlanTask {
    gis::EdgeIndex edge = 0;
    std::int64_t segment_id = 0;
    bool forward = true;
    int pass = 1; ///< 1..passes
    int passes = 1;
    gis::PriorityClass priority = gis::PriorityClass::third;
    double length_m = 0.0;
};

/// How the road's plowed width and the plows' passes are counted.
struct PassRule {
    /// The width one pass clears: 0 means the narrowest plow among the vehicles (whichever plow
    /// takes a pass must be able to clear it).
    double pass_width_m = 0.0;
    /// Carriageway widths assumed when a segment has no width: per lane, and per priority class
    /// when the lane count is unknown too (both directions together).
    double lane_width_m = 3.0;
    std::array<double, 4> default_width_m{6.0, 7.0, 6.0, 5.0}; ///< by class 0..3
};

/// Everything the planner is given.
struct PlanModelInput {
    /// The segments to plow (their priority class must be 1-3); any drivable segment may be
    /// driven along.
    std::vector<std::int64_t> required_segments;
    std::vector<PlanVehicle> vehicles;
    std::vector<PlanSite> sites;
    std::vector<gis::NodeIndex> turnaround_nodes;
    TurnCosts turns;
    PassRule passes;
    /// Metres of service a plow can do before it must visit a site (0: no limit).
    double load_limit_m = 0.0;
    /// Time spent at a site per visit (dumping or refilling).
    double site_visit_s = 600.0;
    /// Segment widths in metres, by segment id, where the project knows them; lanes where it
    /// knows those (see PassRule).
    std::function<std::optional<double>(std::int64_t segment_id)> width_of;
    std::function<std::optional<int>(std::int64_t segment_id)> lanes_of;
};

/// Thrown when building a problem or a search is stopped through its cancel flag before there is
/// anything to return.
class PlanCancelled : public Error {
public:
    PlanCancelled() : Error("planning cancelled") {}
};

/// Lets a caller follow and stop the building of a problem (the travel-time tables take seconds
/// for a large district).
struct PlanBuildControl {
    const std::atomic<bool>* cancel = nullptr; ///< set: stop with PlanCancelled
    std::function<void(double fraction)>
        progress; ///< 0..1, from the building thread(s), serialized
};

/// A location of the planner: a task (its end as a place to leave from, its start as a place to
/// arrive at), a depot node or a site node.
using PlanLocation = std::uint32_t;

/// The planning problem: tasks, vehicles and the travel times between every pair of locations.
/// Built once (the expensive part: one turn-aware shortest-path search per location, on
/// `threads` threads), then immutable and safe to share between threads. `graph` must outlive
/// it.
class PlanProblem {
public:
    /// Throws ykm::Error naming the segment when a required segment is not in the graph or has
    /// no class, and naming the vehicle when there are none or a speed is not positive. The
    /// directions of segments that a plow cannot reach from its depot, or not return from, are
    /// left out and listed by unreachable().
    PlanProblem(const gis::RoadGraph& graph, PlanModelInput input, unsigned threads = 1,
                const PlanBuildControl& control = {});

    [[nodiscard]] const gis::RoadGraph& graph() const { return *m_graph; }
    [[nodiscard]] const std::vector<PlanTask>& tasks() const { return m_tasks; }
    [[nodiscard]] const std::vector<PlanVehicle>& vehicles() const { return m_input.vehicles; }
    [[nodiscard]] const std::vector<PlanSite>& sites() const { return m_input.sites; }
    [[nodiscard]] const PlanModelInput& input() const { return m_input; }
    [[nodiscard]] double pass_width_m() const { return m_pass_width_m; }
    /// Required directions left out because they cannot be driven from a depot and back:
    /// (segment id, forward).
    [[nodiscard]] const std::vector<std::pair<std::int64_t, bool>>& unreachable() const {
        return m_unreachable;
    }

    /// Locations: tasks are 0..tasks()-1; then the depot of each vehicle; then each site.
    [[nodiscard]] PlanLocation depot_location(std::size_t vehicle) const;
    [[nodiscard]] PlanLocation site_location(std::size_t site) const;

    /// Travel time from leaving `from` to starting `to` at the reference speed, with turn costs
    /// (in seconds); infinity when unreachable.
    [[nodiscard]] float travel_s(PlanLocation from, PlanLocation to) const {
        return m_time[static_cast<std::size_t>(from) * m_locations + to];
    }
    /// The length of that path in metres.
    [[nodiscard]] float travel_m(PlanLocation from, PlanLocation to) const {
        return m_length[static_cast<std::size_t>(from) * m_locations + to];
    }
    /// Deadhead time for a vehicle: the path's length at its travel speed plus the turn costs.
    [[nodiscard]] double deadhead_s(std::size_t vehicle, PlanLocation from, PlanLocation to) const;
    /// Service time of a task for a vehicle (its length at the working speed).
    [[nodiscard]] double service_s(std::size_t vehicle, std::size_t task) const;

    /// The directed edges of the cheapest path from leaving `from` to starting `to` (turn costs
    /// included); empty when `to` starts where `from` ends and no edge need be driven.
    [[nodiscard]] std::vector<gis::EdgeIndex> travel_path(PlanLocation from, PlanLocation to) const;
    /// The turn cost between two consecutive edges, or nullopt when the turn is forbidden.
    [[nodiscard]] std::optional<double> turn_cost_s(gis::EdgeIndex in, gis::EdgeIndex out) const;

    /// The reference speed of travel_s().
    static constexpr double reference_kmh = 30.0;

private:
    const gis::RoadGraph* m_graph;
    PlanModelInput m_input;
    std::vector<PlanTask> m_tasks;
    std::vector<std::pair<std::int64_t, bool>> m_unreachable;
    double m_pass_width_m = 0.0;
    std::vector<bool> m_turnaround;                ///< by node
    std::vector<std::uint32_t> m_segments_at_node; ///< by node: 1 at a dead end
    std::vector<std::uint32_t> m_in_degree;        ///< by node: edges ending there
    std::size_t m_locations = 0;
    std::vector<float> m_time;
    std::vector<float> m_length;
    std::vector<double> m_edge_time_s; ///< each edge at the reference speed, by edge
};

/// Routes: for each vehicle of the problem, the tasks it serves in order (indices into tasks()).
struct PlanRoutes {
    std::vector<std::vector<std::uint32_t>> tasks;
    friend bool operator==(const PlanRoutes&, const PlanRoutes&) = default;
};

/// One step of an expanded route.
struct PlanStep {
    enum class Kind : std::uint8_t { service, deadhead, site };
    Kind kind = Kind::deadhead;
    gis::EdgeIndex edge = 0; ///< service and deadhead
    std::int64_t segment_id = 0;
    bool forward = true;
    int pass = 0;         ///< service: 1..passes
    int number = 0;       ///< service: 1, 2, 3... in the vehicle's order
    std::size_t site = 0; ///< site: index into sites()
    gis::PriorityClass priority = gis::PriorityClass::none;
    double start_s = 0.0; ///< from the plan's start
    double end_s = 0.0;
    double length_m = 0.0;
};

/// What a vehicle's route does.
struct VehiclePlanSummary {
    double end_s = 0.0; ///< back at the depot
    double service_m = 0.0;
    double deadhead_m = 0.0;
    double service_s = 0.0;
    double deadhead_s = 0.0; ///< includes turn costs and site visits
    std::size_t task_count = 0;
    std::size_t site_visits = 0;
    double overtime_s = 0.0; ///< past its shift
    /// When it finishes its last task of class 1..3 (index 1..3; nullopt: none of that class).
    std::array<std::optional<double>, 4> class_done_s{};
};

/// The figures of a set of routes, and the objective.
struct PlanEvaluation {
    std::vector<VehiclePlanSummary> vehicles;
    /// When the last task of class 1..3 is done (index 1..3; nullopt: no task of that class).
    std::array<std::optional<double>, 4> class_finish_s{};
    double makespan_s = 0.0;
    double travel_s = 0.0; ///< sum over vehicles of their route times
    double overtime_s = 0.0;
    std::size_t unserved = 0;   ///< tasks in no route (only in edited plans)
    std::size_t duplicated = 0; ///< tasks in more than one place
};

/// True when `a` is better than `b` by the objective (unserved tasks, overtime, class 1, 2, 3
/// finish, makespan, travel; differences under a millisecond count as equal).
bool better(const PlanEvaluation& a, const PlanEvaluation& b);

/// Evaluates any routes (also hand-edited ones).
PlanEvaluation evaluate(const PlanProblem& problem, const PlanRoutes& routes);

/// Expands a vehicle's route into driven steps: deadhead from its depot, services, site visits,
/// deadhead back. Times follow evaluate().
std::vector<PlanStep> expand_route(const PlanProblem& problem, std::size_t vehicle,
                                   const std::vector<std::uint32_t>& tasks);

struct PlanSearchOptions {
    std::uint64_t seed = 1;
    /// Improvement rounds per class without a better plan before the search stops; 0 picks by
    /// size. The plan depends only on the seed (and the thread count) while this, not the time
    /// limit, ends the search.
    std::size_t rounds = 0;
    double time_limit_s = 60.0;
    unsigned threads = 1;
};

/// What the search reports while it runs (from the searching thread).
struct PlanProgress {
    double fraction = 0.0; ///< 0..1 of the rounds budget over all classes
    int priority = 1;      ///< the class being searched
    const PlanRoutes* best = nullptr;
    const PlanEvaluation* best_evaluation = nullptr;
};

enum class PlanStop : std::uint8_t { finished, time_limit, cancelled };

struct PlanOutcome {
    PlanRoutes routes;
    PlanEvaluation evaluation;
    PlanStop stop = PlanStop::finished;
    double seconds = 0.0;
};

/// Searches for the best routes. `progress` is called now and then and whenever the best plan
/// improves; `cancel` (if given) stops the search at the next round, returning the best so far.
PlanOutcome solve_plan(const PlanProblem& problem, const PlanSearchOptions& options,
                       const std::function<void(const PlanProgress&)>& progress = {},
                       const std::atomic<bool>* cancel = nullptr);

} // namespace ykm::dispatch

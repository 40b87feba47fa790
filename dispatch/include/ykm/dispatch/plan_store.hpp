#pragma once

// Route plans in a project: what a plan is asked for, building the planner's problem from the
// project's roads, fleet, depots and dump sites, and storing plans (tables plans, plan_routes
// and the plan_steps layer, which GIS tools open as lines).

#include "ykm/data/project.hpp"
#include "ykm/dispatch/route_planner.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ykm::dispatch {

/// What staff ask the planner for.
struct PlanRequest {
    std::string district; ///< name, code or id
    /// Vehicle codes; empty: the vehicles assigned to the district, but for small (sidewalk)
    /// machines.
    std::vector<std::string> vehicles;
    /// Depot name or id for every plow; empty: each plow's home depot, else the depot nearest
    /// the district's roads.
    std::string depot;
    std::int64_t start_ms = 0; ///< when the plows leave (Unix ms)
    /// Deadline per class (1..3), Unix ms; reported as met or missed.
    std::map<int, std::int64_t> deadlines_ms;
    /// Shift length for every plow; unset: each plow's own, else 8 h.
    std::optional<double> shift_h;
    double load_limit_km = 0.0; ///< 0: no dump or refill trips
    /// Dump/refill site names or ids; empty with a load limit: all of the project's sites.
    std::vector<std::string> sites;
    TurnCosts turns;
    std::string name; ///< empty: "<district> <start>"
};

/// The problem built from a project, with the graph it refers to.
class PlanSetup {
public:
    /// Reads the project and builds the problem. Throws ykm::Error naming the district,
    /// vehicle, depot or site that does not exist, or saying what is missing (no classed roads
    /// in the district, no vehicles).
    /// `control` follows and stops the building of the travel-time tables (PlanCancelled).
    static std::unique_ptr<PlanSetup> load(data::Project& project, const PlanRequest& request,
                                           unsigned threads = 1,
                                           const PlanBuildControl& control = {});

    [[nodiscard]] const PlanRequest& request() const { return m_request; }
    [[nodiscard]] std::int64_t district_id() const { return m_district_id; }
    [[nodiscard]] const std::string& district_name() const { return m_district_name; }
    [[nodiscard]] const gis::RoadNetwork& network() const { return m_network; }
    [[nodiscard]] const gis::RoadGraph& graph() const { return *m_graph; }
    [[nodiscard]] const PlanProblem& problem() const { return *m_problem; }
    /// The street name of a segment ("" when unnamed).
    [[nodiscard]] const std::string& street_name(std::int64_t segment_id) const;

private:
    PlanSetup() = default;
    PlanRequest m_request;
    std::int64_t m_district_id = 0;
    std::string m_district_name;
    gis::RoadNetwork m_network;
    std::unique_ptr<gis::RoadGraph> m_graph;
    std::unique_ptr<PlanProblem> m_problem;
    std::vector<std::size_t> m_segment_index; ///< by segment id: index into network.segments
};

/// A plan as stored.
struct StoredPlan {
    std::int64_t id = 0;
    std::string name;
    std::int64_t district_id = 0;
    std::int64_t created_ms = 0;
    std::int64_t start_ms = 0;
    std::uint64_t seed = 0;
    PlanRequest request;
    /// Per vehicle (in the plan's order): the vehicle id, code and its service tasks in order as
    /// (segment id, forward, pass).
    struct Route {
        std::int64_t vehicle_id = 0;
        std::string vehicle_code;
        struct Service {
            std::int64_t segment_id = 0;
            bool forward = true;
            int pass = 1;
            friend bool operator==(const Service&, const Service&) = default;
        };
        std::vector<Service> services;
        std::vector<PlanStep> steps; ///< as expanded when the plan was stored (edge = 0)
        VehiclePlanSummary summary;
    };
    std::vector<Route> routes;
    /// Directions of the district's roads left out: no plow can reach them and come back.
    std::vector<std::pair<std::int64_t, bool>> unreachable;
    PlanEvaluation evaluation; ///< vehicles' summaries and the class finishing times
};

/// A line of the plan list.
struct PlanListing {
    std::int64_t id = 0;
    std::string name;
    std::string district;
    std::int64_t created_ms = 0;
    std::int64_t start_ms = 0;
    std::size_t vehicles = 0;
    double makespan_s = 0.0;
};

/// Stores routes as a new plan in one transaction; returns its id.
std::int64_t save_plan(data::Project& project, const PlanSetup& setup, const PlanRoutes& routes,
                       std::uint64_t seed);
/// Replaces the routes of an existing plan (after editing) in one transaction.
void update_plan(data::Project& project, std::int64_t plan_id, const PlanSetup& setup,
                 const PlanRoutes& routes);
/// Reads a plan; throws ykm::Error "plan N does not exist".
StoredPlan load_plan(data::Project& project, std::int64_t plan_id);
std::vector<PlanListing> list_plans(data::Project& project);
/// Removes a plan; throws when it does not exist.
void remove_plan(data::Project& project, std::int64_t plan_id);

/// The routes of a stored plan on a problem built from its request (for editing). Services that
/// the problem no longer has (roads changed since) are left out and counted in `missing`.
PlanRoutes routes_of(const PlanSetup& setup, const StoredPlan& plan,
                     std::size_t* missing = nullptr);

/// The plan as GeoJSON (RFC 7946, WGS 84): one LineString feature per step with vehicle, seq,
/// kind, number, segment, forward, pass, class, start and end (ISO 8601), and a "summary"
/// member with per-vehicle figures and the class finishing times.
nlohmann::json plan_geojson(const StoredPlan& plan, const gis::RoadNetwork& network);

} // namespace ykm::dispatch

#include "ykm/dispatch/route_planner.hpp"

#include "ykm/gis/error.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <numeric>
#include <queue>
#include <random>
#include <thread>

namespace ykm::dispatch {

TurnKind classify_turn(double heading_in_deg, double heading_out_deg) {
    double change = std::fmod(heading_out_deg - heading_in_deg, 360.0);
    if (change > 180.0) {
        change -= 360.0;
    } else if (change < -180.0) {
        change += 360.0;
    }
    if (std::abs(change) <= 30.0) {
        return TurnKind::straight;
    }
    if (std::abs(change) > 150.0) {
        return TurnKind::u_turn;
    }
    // Headings grow clockwise: a positive change turns to the right.
    return change > 0.0 ? TurnKind::right : TurnKind::left;
}

MachineSpeeds default_speeds(MachineType type) {
    switch (type) {
    case MachineType::dozer:
        return {12.0, 25.0};
    case MachineType::motor_grader:
        return {10.0, 25.0};
    case MachineType::rotary_blower:
        return {5.0, 20.0};
    case MachineType::plow_truck:
        return {20.0, 35.0};
    case MachineType::dump_truck:
        return {20.0, 35.0};
    case MachineType::small_machine:
        return {4.0, 8.0};
    }
    return {};
}

namespace {

constexpr float no_path = std::numeric_limits<float>::infinity();

double metres_per_second(double kmh) {
    return kmh / 3.6;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// The problem: tasks and the turn-aware travel times between locations

namespace {

/// One search over the graph's directed edges (a state is "has just driven edge e"), so that
/// the cost of turning from one edge into the next can be charged.
class TurnAwareSearch {
public:
    TurnAwareSearch(const PlanProblem& problem, const std::vector<double>& edge_time_s)
        : m_problem(problem), m_edge_time_s(edge_time_s), m_time(edge_time_s.size(), no_path),
          m_length(edge_time_s.size(), 0.0F), m_previous(edge_time_s.size(), none) {}

    /// Starts after driving edge `e` (its end is where we are).
    void start_after_edge(gis::EdgeIndex e) {
        reset();
        const gis::RoadGraph& g = m_problem.graph();
        for (const gis::EdgeIndex f : g.out_edges(g.edge(e).to)) {
            const auto turn = m_problem.turn_cost_s(e, f);
            if (turn) {
                relax(f, static_cast<float>(*turn + m_edge_time_s[f]),
                      static_cast<float>(g.edge(f).length_m), none);
            }
        }
    }

    /// Starts standing at node `n` in any heading.
    void start_at_node(gis::NodeIndex n) {
        reset();
        const gis::RoadGraph& g = m_problem.graph();
        for (const gis::EdgeIndex f : g.out_edges(n)) {
            relax(f, static_cast<float>(m_edge_time_s[f]), static_cast<float>(g.edge(f).length_m),
                  none);
        }
    }

    /// Settles edges in order of time until `done(edge, time)` returns true or none are left.
    template <typename Done>
    void run(Done&& done) {
        const gis::RoadGraph& g = m_problem.graph();
        while (!m_heap.empty()) {
            const auto [t, e] = m_heap.top();
            m_heap.pop();
            if (t > m_time[e]) {
                continue;
            }
            if (done(e, t)) {
                return;
            }
            for (const gis::EdgeIndex f : g.out_edges(g.edge(e).to)) {
                const auto turn = m_problem.turn_cost_s(e, f);
                if (turn) {
                    relax(f, t + static_cast<float>(*turn + m_edge_time_s[f]),
                          m_length[e] + static_cast<float>(g.edge(f).length_m), e);
                }
            }
        }
    }

    /// Time (and path length) to have driven edge e to its end.
    [[nodiscard]] float time(gis::EdgeIndex e) const { return m_time[e]; }
    [[nodiscard]] float length(gis::EdgeIndex e) const { return m_length[e]; }
    [[nodiscard]] gis::EdgeIndex previous(gis::EdgeIndex e) const { return m_previous[e]; }

    static constexpr gis::EdgeIndex none = std::numeric_limits<gis::EdgeIndex>::max();

private:
    void reset() {
        for (const gis::EdgeIndex e : m_touched) {
            m_time[e] = no_path;
            m_length[e] = 0.0F;
            m_previous[e] = none;
        }
        m_touched.clear();
        m_heap = {};
    }

    void relax(gis::EdgeIndex f, float t, float length, gis::EdgeIndex previous) {
        if (t < m_time[f]) {
            if (m_time[f] == no_path) {
                m_touched.push_back(f);
            }
            m_time[f] = t;
            m_length[f] = length;
            m_previous[f] = previous;
            m_heap.emplace(t, f);
        }
    }

    const PlanProblem& m_problem;
    const std::vector<double>& m_edge_time_s;
    std::vector<float> m_time;
    std::vector<float> m_length;
    std::vector<gis::EdgeIndex> m_previous;
    std::vector<gis::EdgeIndex> m_touched;
    using Entry = std::pair<float, gis::EdgeIndex>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> m_heap;
};

double width_per_direction(const PlanModelInput& input, std::int64_t segment_id,
                           gis::PriorityClass priority, bool two_way) {
    std::optional<double> width = input.width_of ? input.width_of(segment_id) : std::nullopt;
    if (!width || *width <= 0.0) {
        const std::optional<int> lanes = input.lanes_of ? input.lanes_of(segment_id) : std::nullopt;
        if (lanes && *lanes > 0) {
            width = *lanes * input.passes.lane_width_m;
        } else {
            width = input.passes.default_width_m[static_cast<std::size_t>(gis::to_int(priority))];
        }
    }
    return two_way ? *width / 2.0 : *width;
}

} // namespace

PlanProblem::PlanProblem(const gis::RoadGraph& graph, PlanModelInput input, unsigned threads,
                         const PlanBuildControl& control)
    : m_graph(&graph), m_input(std::move(input)) {
    if (m_input.vehicles.empty()) {
        throw Error("route plan: no vehicles to plan for");
    }
    for (const PlanVehicle& v : m_input.vehicles) {
        if (!(v.speeds.work_kmh > 0.0) || !(v.speeds.travel_kmh > 0.0)) {
            throw Error("route plan: vehicle " + v.code +
                        " has no positive working and travel "
                        "speed");
        }
        if (!(v.plow_width_m > 0.0)) {
            throw Error("route plan: vehicle " + v.code + " has no positive plow width");
        }
        if (v.depot_node >= graph.node_count()) {
            throw Error("route plan: the depot of vehicle " + v.code + " is not on the network");
        }
    }
    for (const PlanSite& s : m_input.sites) {
        if (s.node >= graph.node_count()) {
            throw Error("route plan: site " + s.name + " is not on the network");
        }
    }
    m_pass_width_m = m_input.passes.pass_width_m;
    if (!(m_pass_width_m > 0.0)) {
        m_pass_width_m =
            std::ranges::min(m_input.vehicles, {}, &PlanVehicle::plow_width_m).plow_width_m;
    }
    m_turnaround.assign(graph.node_count(), false);
    for (const gis::NodeIndex n : m_input.turnaround_nodes) {
        if (n < graph.node_count()) {
            m_turnaround[n] = true;
        }
    }
    // Dead ends: nodes that only one segment touches.
    m_segments_at_node.assign(graph.node_count(), 0);
    m_in_degree.assign(graph.node_count(), 0);
    for (gis::EdgeIndex e = 0; e < graph.edge_count(); ++e) {
        ++m_in_degree[graph.edge(e).to];
        const auto twin = graph.twin(e);
        if (!twin || e < *twin) {
            ++m_segments_at_node[graph.edge(e).from];
            ++m_segments_at_node[graph.edge(e).to];
        }
    }

    // Tasks, class 1 first, then by segment id, so that a class's task numbers do not depend on
    // the roads of the classes after it.
    struct Required {
        gis::PriorityClass priority;
        std::int64_t segment_id;
    };
    std::vector<Required> required;
    std::vector<std::int64_t> ids = m_input.required_segments;
    std::ranges::sort(ids);
    ids.erase(std::ranges::unique(ids).begin(), ids.end());
    for (const std::int64_t id : ids) {
        const auto forward = graph.find_edge(id, true);
        const auto backward = graph.find_edge(id, false);
        if (!forward && !backward) {
            throw Error("route plan: segment " + std::to_string(id) + " is not on the network");
        }
        const gis::PriorityClass priority = graph.edge(forward ? *forward : *backward).priority;
        if (priority == gis::PriorityClass::none) {
            throw Error("route plan: segment " + std::to_string(id) +
                        " has no priority class (1-3) and cannot be planned");
        }
        required.push_back({priority, id});
    }
    std::ranges::stable_sort(required, {},
                             [](const Required& r) { return gis::to_int(r.priority); });
    for (const Required& r : required) {
        const auto forward = graph.find_edge(r.segment_id, true);
        const auto backward = graph.find_edge(r.segment_id, false);
        const bool two_way = forward && backward;
        const double width = width_per_direction(m_input, r.segment_id, r.priority, two_way);
        const int passes = std::max(1, static_cast<int>(std::ceil(width / m_pass_width_m - 1e-9)));
        for (const auto edge : {forward, backward}) {
            if (!edge) {
                continue;
            }
            for (int pass = 1; pass <= passes; ++pass) {
                PlanTask t;
                t.edge = *edge;
                t.segment_id = r.segment_id;
                t.forward = graph.edge(*edge).forward;
                t.pass = pass;
                t.passes = passes;
                t.priority = r.priority;
                t.length_m = graph.edge(*edge).length_m;
                m_tasks.push_back(t);
            }
        }
    }

    m_locations = m_tasks.size() + m_input.vehicles.size() + m_input.sites.size();
    // The travel tables hold every pair of locations: 8 bytes a pair, so 12,000 locations take
    // 1.2 GB. Larger areas are planned district by district (a 工区 is a few hundred km of
    // road at most).
    constexpr std::size_t max_locations = 12'000;
    if (m_locations > max_locations) {
        throw Error("route plan: " + std::to_string(m_tasks.size()) +
                    " plowing passes are more than one plan can hold (at most " +
                    std::to_string(max_locations - m_input.vehicles.size() - m_input.sites.size()) +
                    "): plan a smaller district, or split this one");
    }
    m_time.assign(m_locations * m_locations, no_path);
    m_length.assign(m_locations * m_locations, 0.0F);

    m_edge_time_s.resize(graph.edge_count());
    for (gis::EdgeIndex e = 0; e < graph.edge_count(); ++e) {
        m_edge_time_s[e] = graph.edge(e).length_m / metres_per_second(reference_kmh);
    }
    const std::vector<double>& edge_time_s = m_edge_time_s;

    // Targets of every search: the first edge of each task, the nodes of depots and sites.
    std::vector<std::vector<PlanLocation>> task_by_edge_start; // edge → tasks starting with it
    std::vector<gis::EdgeIndex> target_edges;
    {
        std::vector<std::pair<gis::EdgeIndex, PlanLocation>> pairs;
        for (PlanLocation i = 0; i < m_tasks.size(); ++i) {
            pairs.emplace_back(m_tasks[i].edge, i);
        }
        std::ranges::sort(pairs);
        for (const auto& [e, i] : pairs) {
            if (target_edges.empty() || target_edges.back() != e) {
                target_edges.push_back(e);
                task_by_edge_start.emplace_back();
            }
            task_by_edge_start.back().push_back(i);
        }
    }
    std::vector<std::pair<gis::NodeIndex, PlanLocation>> node_locations;
    for (std::size_t v = 0; v < m_input.vehicles.size(); ++v) {
        node_locations.emplace_back(m_input.vehicles[v].depot_node, depot_location(v));
    }
    for (std::size_t s = 0; s < m_input.sites.size(); ++s) {
        node_locations.emplace_back(m_input.sites[s].node, site_location(s));
    }

    auto search_from = [&](TurnAwareSearch& search, PlanLocation from,
                           std::vector<float>& node_time, std::vector<float>& node_length) {
        gis::NodeIndex here = 0;
        if (from < m_tasks.size()) {
            search.start_after_edge(m_tasks[from].edge);
            here = graph.edge(m_tasks[from].edge).to;
        } else {
            here = from < m_tasks.size() + m_input.vehicles.size()
                       ? m_input.vehicles[from - m_tasks.size()].depot_node
                       : m_input.sites[from - m_tasks.size() - m_input.vehicles.size()].node;
            search.start_at_node(here);
        }
        // Node targets: the best arrival seen so far (final once the search has passed it).
        node_time.assign(node_locations.size(), no_path);
        node_length.assign(node_locations.size(), 0.0F);
        for (std::size_t k = 0; k < node_locations.size(); ++k) {
            if (node_locations[k].first == here) {
                node_time[k] = 0.0F;
            }
        }
        std::size_t edges_left = target_edges.size();
        std::vector<char> edge_done(target_edges.size(), 0);
        search.run([&](gis::EdgeIndex e, float t) {
            const auto it = std::ranges::lower_bound(target_edges, e);
            if (it != target_edges.end() && *it == e) {
                const auto k = static_cast<std::size_t>(it - target_edges.begin());
                if (edge_done[k] == 0) {
                    edge_done[k] = 1;
                    --edges_left;
                }
            }
            const gis::NodeIndex to = graph.edge(e).to;
            float latest = 0.0F;
            for (std::size_t k = 0; k < node_locations.size(); ++k) {
                if (node_locations[k].first == to && t < node_time[k]) {
                    node_time[k] = t;
                    node_length[k] = search.length(e);
                }
                latest = std::max(latest, node_time[k]);
            }
            return edges_left == 0 && t >= latest;
        });
        float* time_row = &m_time[static_cast<std::size_t>(from) * m_locations];
        float* length_row = &m_length[static_cast<std::size_t>(from) * m_locations];
        for (std::size_t k = 0; k < target_edges.size(); ++k) {
            const gis::EdgeIndex e = target_edges[k];
            const float t = search.time(e);
            if (t == no_path) {
                continue;
            }
            // Arriving at the start of e, turn into e included.
            const auto before = static_cast<float>(edge_time_s[e]);
            const float length = search.length(e) - static_cast<float>(graph.edge(e).length_m);
            for (const PlanLocation to : task_by_edge_start[k]) {
                time_row[to] = std::max(0.0F, t - before);
                length_row[to] = std::max(0.0F, length);
            }
        }
        for (std::size_t k = 0; k < node_locations.size(); ++k) {
            time_row[node_locations[k].second] = node_time[k];
            length_row[node_locations[k].second] = node_length[k];
        }
    };

    const unsigned workers =
        std::max(1U, std::min<unsigned>(threads, static_cast<unsigned>(m_locations)));
    std::atomic<PlanLocation> next{0};
    std::atomic<bool> stopped{false};
    std::mutex report_mutex;
    auto work = [&] {
        TurnAwareSearch search(*this, edge_time_s);
        std::vector<float> node_time;
        std::vector<float> node_length;
        for (PlanLocation from = next++; from < m_locations; from = next++) {
            if (control.cancel != nullptr && control.cancel->load()) {
                stopped = true;
                return;
            }
            search_from(search, from, node_time, node_length);
            if (control.progress && from % 64 == 0) {
                const std::lock_guard lock(report_mutex);
                control.progress(static_cast<double>(from) / static_cast<double>(m_locations));
            }
        }
    };
    if (workers == 1) {
        work();
    } else {
        std::vector<std::jthread> pool;
        for (unsigned k = 0; k < workers; ++k) {
            pool.emplace_back(work);
        }
    }
    if (stopped) {
        throw PlanCancelled();
    }

    // Tasks that some plow cannot reach from its depot, or not come back from (a one-way street
    // out of a dead end, a road cut off by one-way streets), are left out and reported: the
    // rest of the district is still planned.
    std::vector<char> keep(m_tasks.size(), 1);
    for (std::size_t v = 0; v < m_input.vehicles.size(); ++v) {
        for (PlanLocation i = 0; i < m_tasks.size(); ++i) {
            if (travel_s(depot_location(v), i) == no_path ||
                travel_s(i, depot_location(v)) == no_path) {
                keep[i] = 0;
            }
        }
    }
    if (std::ranges::count(keep, 0) > 0) {
        std::vector<PlanLocation> kept; // old location of each new one
        std::vector<PlanTask> tasks;
        for (PlanLocation i = 0; i < m_locations; ++i) {
            if (i >= m_tasks.size() || keep[i] != 0) {
                kept.push_back(i);
                if (i < m_tasks.size()) {
                    tasks.push_back(m_tasks[i]);
                }
            } else if (m_tasks[i].pass == 1) {
                m_unreachable.push_back({m_tasks[i].segment_id, m_tasks[i].forward});
            }
        }
        std::vector<float> time(kept.size() * kept.size());
        std::vector<float> length(kept.size() * kept.size());
        for (std::size_t a = 0; a < kept.size(); ++a) {
            for (std::size_t b = 0; b < kept.size(); ++b) {
                time[a * kept.size() + b] = m_time[kept[a] * m_locations + kept[b]];
                length[a * kept.size() + b] = m_length[kept[a] * m_locations + kept[b]];
            }
        }
        m_tasks = std::move(tasks);
        m_locations = kept.size();
        m_time = std::move(time);
        m_length = std::move(length);
    }
    if (m_tasks.empty()) {
        throw Error("route plan: no road to plow can be reached from the depot and back");
    }
}

PlanLocation PlanProblem::depot_location(std::size_t vehicle) const {
    return static_cast<PlanLocation>(m_tasks.size() + vehicle);
}

PlanLocation PlanProblem::site_location(std::size_t site) const {
    return static_cast<PlanLocation>(m_tasks.size() + m_input.vehicles.size() + site);
}

double PlanProblem::deadhead_s(std::size_t vehicle, PlanLocation from, PlanLocation to) const {
    const double t = travel_s(from, to);
    const double m = travel_m(from, to);
    // The stored time is the length at the reference speed plus the turn costs.
    const double turns = std::max(0.0, t - m / metres_per_second(reference_kmh));
    return m / metres_per_second(m_input.vehicles[vehicle].speeds.travel_kmh) + turns;
}

double PlanProblem::service_s(std::size_t vehicle, std::size_t task) const {
    return m_tasks[task].length_m / metres_per_second(m_input.vehicles[vehicle].speeds.work_kmh);
}

std::optional<double> PlanProblem::turn_cost_s(gis::EdgeIndex in, gis::EdgeIndex out) const {
    const gis::RoadGraph& g = *m_graph;
    const gis::NodeIndex node = g.edge(in).to;
    if (g.twin(in) == out) {
        // Turning back on the same road: only at a dead end, where a place to turn is marked, or
        // where no other road may be taken or none leads in (one-way streets end here): there
        // the road could not be left, or its other direction not be reached, otherwise.
        if (m_segments_at_node[node] > 1 && !m_turnaround[node] && g.out_edges(node).size() > 1 &&
            m_in_degree[node] > 1) {
            return std::nullopt;
        }
        return m_input.turns.u_turn_s;
    }
    const double heading_in = g.heading_at(in, g.edge(in).length_m);
    const double heading_out = g.heading_at(out, 0.0);
    switch (classify_turn(heading_in, heading_out)) {
    case TurnKind::straight:
        return m_input.turns.straight_s;
    case TurnKind::left:
        return m_input.turns.left_s;
    case TurnKind::right:
        return m_input.turns.right_s;
    case TurnKind::u_turn:
        return m_input.turns.u_turn_s;
    }
    return std::nullopt;
}

std::vector<gis::EdgeIndex> PlanProblem::travel_path(PlanLocation from, PlanLocation to) const {
    const std::size_t tasks = m_tasks.size();
    auto node_of = [&](PlanLocation l) {
        return l < tasks + m_input.vehicles.size()
                   ? m_input.vehicles[l - tasks].depot_node
                   : m_input.sites[l - tasks - m_input.vehicles.size()].node;
    };
    TurnAwareSearch search(*this, m_edge_time_s);
    gis::NodeIndex here = 0;
    if (from < tasks) {
        search.start_after_edge(m_tasks[from].edge);
        here = m_graph->edge(m_tasks[from].edge).to;
    } else {
        here = node_of(from);
        search.start_at_node(here);
    }
    gis::EdgeIndex last = TurnAwareSearch::none;
    if (to < tasks) {
        const gis::EdgeIndex target = m_tasks[to].edge;
        search.run([&](gis::EdgeIndex e, float) { return e == target; });
        if (search.time(target) == no_path) {
            return {};
        }
        last = search.previous(target);
    } else {
        const gis::NodeIndex target = node_of(to);
        if (target == here) {
            return {};
        }
        search.run([&](gis::EdgeIndex e, float) {
            if (m_graph->edge(e).to == target) {
                last = e;
                return true;
            }
            return false;
        });
    }
    std::vector<gis::EdgeIndex> path;
    for (gis::EdgeIndex e = last; e != TurnAwareSearch::none; e = search.previous(e)) {
        path.push_back(e);
    }
    std::ranges::reverse(path);
    return path;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

namespace {

/// Drives a vehicle along a sequence of tasks: the one place where route times are computed
/// (evaluate, expand_route and the search all use it).
class RouteWalker {
public:
    RouteWalker(const PlanProblem& problem, std::size_t vehicle)
        : m_problem(problem), m_vehicle(vehicle), m_location(problem.depot_location(vehicle)) {}

    /// The state after a fixed beginning of the route.
    RouteWalker(const PlanProblem& problem, std::size_t vehicle, PlanLocation location,
                double time_s, double load_m)
        : m_problem(problem), m_vehicle(vehicle), m_location(location), m_time_s(time_s),
          m_load_m(load_m) {}

    /// The site to visit before `task` when the load limit requires one.
    [[nodiscard]] std::optional<std::size_t> site_before(std::uint32_t task) const {
        const double limit = m_problem.input().load_limit_m;
        if (limit <= 0.0 || m_load_m <= 0.0 || m_problem.sites().empty() ||
            m_load_m + m_problem.tasks()[task].length_m <= limit) {
            return std::nullopt;
        }
        std::size_t best = 0;
        double best_s = std::numeric_limits<double>::infinity();
        for (std::size_t s = 0; s < m_problem.sites().size(); ++s) {
            const PlanLocation site = m_problem.site_location(s);
            const double t = m_problem.deadhead_s(m_vehicle, m_location, site) +
                             m_problem.deadhead_s(m_vehicle, site, task);
            if (t < best_s) {
                best_s = t;
                best = s;
            }
        }
        return best;
    }

    void visit_site(std::size_t site) {
        const PlanLocation to = m_problem.site_location(site);
        deadhead_to(to);
        m_time_s += m_problem.input().site_visit_s;
        m_deadhead_s += m_problem.input().site_visit_s;
        m_load_m = 0.0;
        ++m_site_visits;
    }

    void serve(std::uint32_t task) {
        if (const auto site = site_before(task)) {
            visit_site(*site);
        }
        deadhead_to(task);
        const double service = m_problem.service_s(m_vehicle, task);
        m_time_s += service;
        m_service_s += service;
        m_service_m += m_problem.tasks()[task].length_m;
        m_load_m += m_problem.tasks()[task].length_m;
        m_location = task;
        ++m_tasks;
    }

    void return_to_depot() { deadhead_to(m_problem.depot_location(m_vehicle)); }

    [[nodiscard]] double time_s() const { return m_time_s; }
    [[nodiscard]] double load_m() const { return m_load_m; }
    [[nodiscard]] PlanLocation location() const { return m_location; }
    [[nodiscard]] double service_m() const { return m_service_m; }
    [[nodiscard]] double deadhead_m() const { return m_deadhead_m; }
    [[nodiscard]] double service_s() const { return m_service_s; }
    [[nodiscard]] double deadhead_s() const { return m_deadhead_s; }
    [[nodiscard]] std::size_t task_count() const { return m_tasks; }
    [[nodiscard]] std::size_t site_visits() const { return m_site_visits; }

private:
    void deadhead_to(PlanLocation to) {
        const double t = m_problem.deadhead_s(m_vehicle, m_location, to);
        m_time_s += t;
        m_deadhead_s += t;
        m_deadhead_m += m_problem.travel_m(m_location, to);
        m_location = to;
    }

    const PlanProblem& m_problem;
    std::size_t m_vehicle;
    PlanLocation m_location;
    double m_time_s = 0.0;
    double m_load_m = 0.0;
    double m_service_m = 0.0;
    double m_deadhead_m = 0.0;
    double m_service_s = 0.0;
    double m_deadhead_s = 0.0;
    std::size_t m_tasks = 0;
    std::size_t m_site_visits = 0;
};

constexpr double tolerance_s = 1e-3;

/// -1, 0 or 1 as a is less than, about equal to, or more than b.
int compare(double a, double b) {
    if (a < b - tolerance_s) {
        return -1;
    }
    return a > b + tolerance_s ? 1 : 0;
}

} // namespace

bool better(const PlanEvaluation& a, const PlanEvaluation& b) {
    if (a.unserved + a.duplicated != b.unserved + b.duplicated) {
        return a.unserved + a.duplicated < b.unserved + b.duplicated;
    }
    std::array<double, 6> ka{a.overtime_s, 0, 0, 0, a.makespan_s, a.travel_s};
    std::array<double, 6> kb{b.overtime_s, 0, 0, 0, b.makespan_s, b.travel_s};
    for (std::size_t c = 1; c <= 3; ++c) {
        ka[c] = a.class_finish_s[c].value_or(0.0);
        kb[c] = b.class_finish_s[c].value_or(0.0);
    }
    for (std::size_t k = 0; k < ka.size(); ++k) {
        if (const int c = compare(ka[k], kb[k]); c != 0) {
            return c < 0;
        }
    }
    return false;
}

PlanEvaluation evaluate(const PlanProblem& problem, const PlanRoutes& routes) {
    PlanEvaluation out;
    std::vector<int> seen(problem.tasks().size(), 0);
    const std::size_t vehicles = problem.vehicles().size();
    out.vehicles.resize(vehicles);
    for (std::size_t v = 0; v < vehicles; ++v) {
        RouteWalker walk(problem, v);
        VehiclePlanSummary& s = out.vehicles[v];
        if (v < routes.tasks.size()) {
            for (const std::uint32_t task : routes.tasks[v]) {
                if (task >= problem.tasks().size()) {
                    throw Error("route plan: task " + std::to_string(task) + " does not exist");
                }
                ++seen[task];
                walk.serve(task);
                const auto c =
                    static_cast<std::size_t>(gis::to_int(problem.tasks()[task].priority));
                s.class_done_s[c] = walk.time_s();
            }
        }
        walk.return_to_depot();
        s.end_s = walk.time_s();
        s.service_m = walk.service_m();
        s.deadhead_m = walk.deadhead_m();
        s.service_s = walk.service_s();
        s.deadhead_s = walk.deadhead_s();
        s.task_count = walk.task_count();
        s.site_visits = walk.site_visits();
        s.overtime_s = std::max(0.0, s.end_s - problem.vehicles()[v].shift_s);
        for (std::size_t c = 1; c <= 3; ++c) {
            if (s.class_done_s[c] &&
                (!out.class_finish_s[c] || *s.class_done_s[c] > *out.class_finish_s[c])) {
                out.class_finish_s[c] = s.class_done_s[c];
            }
        }
        out.makespan_s = std::max(out.makespan_s, s.end_s);
        out.travel_s += s.end_s;
        out.overtime_s += s.overtime_s;
    }
    for (const int n : seen) {
        if (n == 0) {
            ++out.unserved;
        } else if (n > 1) {
            out.duplicated += static_cast<std::size_t>(n - 1);
        }
    }
    return out;
}

std::vector<PlanStep> expand_route(const PlanProblem& problem, std::size_t vehicle,
                                   const std::vector<std::uint32_t>& tasks) {
    const gis::RoadGraph& g = problem.graph();
    const double travel_mps = metres_per_second(problem.vehicles()[vehicle].speeds.travel_kmh);
    std::vector<PlanStep> steps;
    RouteWalker walk(problem, vehicle);
    std::optional<gis::EdgeIndex> last_edge;
    int number = 0;

    auto drive = [&](PlanLocation to) {
        const PlanLocation from = walk.location();
        double t = walk.time_s();
        for (const gis::EdgeIndex e : problem.travel_path(from, to)) {
            if (last_edge) {
                t += problem.turn_cost_s(*last_edge, e).value_or(0.0);
            }
            PlanStep s;
            s.kind = PlanStep::Kind::deadhead;
            s.edge = e;
            s.segment_id = g.edge(e).segment_id;
            s.forward = g.edge(e).forward;
            s.priority = g.edge(e).priority;
            s.start_s = t;
            s.length_m = g.edge(e).length_m;
            t += s.length_m / travel_mps;
            s.end_s = t;
            steps.push_back(s);
            last_edge = e;
        }
    };

    for (const std::uint32_t task : tasks) {
        if (const auto site = walk.site_before(task)) {
            drive(problem.site_location(*site));
            const double arrive = walk.time_s() + problem.deadhead_s(vehicle, walk.location(),
                                                                     problem.site_location(*site));
            walk.visit_site(*site);
            PlanStep s;
            s.kind = PlanStep::Kind::site;
            s.site = *site;
            s.start_s = arrive;
            s.end_s = walk.time_s();
            steps.push_back(s);
            last_edge.reset();
        }
        drive(task);
        walk.serve(task);
        const PlanTask& t = problem.tasks()[task];
        PlanStep s;
        s.kind = PlanStep::Kind::service;
        s.edge = t.edge;
        s.segment_id = t.segment_id;
        s.forward = t.forward;
        s.pass = t.pass;
        s.number = ++number;
        s.priority = t.priority;
        s.end_s = walk.time_s();
        s.start_s = s.end_s - problem.service_s(vehicle, task);
        s.length_m = t.length_m;
        steps.push_back(s);
        last_edge = t.edge;
    }
    drive(problem.depot_location(vehicle));
    return steps;
}

// ---------------------------------------------------------------------------------------------
// Search

namespace {

/// What one vehicle's route costs in a class's search: when its last task of the class is done,
/// when it is back at the depot, and its overtime.
struct TailCost {
    double finish_s = -std::numeric_limits<double>::infinity(); ///< none of the class's tasks
    double end_s = 0.0;
    double overtime_s = 0.0;
};

/// The objective of a class's search over some routes (all, or the pair a move changes).
struct Key {
    double overtime_s = 0.0;
    double finish_s = -std::numeric_limits<double>::infinity();
    double makespan_s = 0.0;
    double total_s = 0.0;

    void add(const TailCost& c) {
        overtime_s += c.overtime_s;
        finish_s = std::max(finish_s, c.finish_s);
        makespan_s = std::max(makespan_s, c.end_s);
        total_s += c.end_s;
    }

    [[nodiscard]] bool operator<(const Key& o) const {
        for (const auto& [a, b] :
             {std::pair{overtime_s, o.overtime_s}, std::pair{finish_s, o.finish_s},
              std::pair{makespan_s, o.makespan_s}, std::pair{total_s, o.total_s}}) {
            if (const int c = compare(a, b); c != 0) {
                return c < 0;
            }
        }
        return false;
    }

    /// One number for acceptance of worse solutions in the perturbation phase.
    [[nodiscard]] double scalar() const {
        return overtime_s * 10.0 + std::max(0.0, finish_s) + makespan_s + total_s * 1e-3;
    }
};

/// Where a vehicle stands when a class's search begins (after its earlier classes' tasks).
struct Start {
    PlanLocation location = 0;
    double time_s = 0.0;
    double load_m = 0.0;
};

/// The search for one class: its tasks appended to each vehicle's route.
class ClassSearch {
public:
    ClassSearch(const PlanProblem& problem, const std::vector<Start>& starts,
                const std::vector<std::uint32_t>& tasks, std::uint64_t seed)
        : m_problem(problem), m_starts(starts), m_tasks(tasks), m_rng(seed),
          m_routes(problem.vehicles().size()), m_costs(problem.vehicles().size()),
          m_where(problem.tasks().size(), {0, 0}), m_prefix(problem.vehicles().size()),
          m_entry(problem.tasks().size()),
          m_fast(problem.input().load_limit_m <= 0.0 || problem.sites().empty()) {
        build_neighbours();
    }

    /// Builds a first solution: every vehicle in turn (the one free earliest) takes the nearest
    /// task not yet taken, with near-ties broken at random.
    void construct() {
        for (auto& r : m_routes) {
            r.clear();
        }
        std::vector<char> taken(m_problem.tasks().size(), 0);
        std::vector<RouteWalker> walkers;
        for (std::size_t v = 0; v < m_routes.size(); ++v) {
            walkers.emplace_back(m_problem, v, m_starts[v].location, m_starts[v].time_s,
                                 m_starts[v].load_m);
        }
        std::size_t left = m_tasks.size();
        while (left > 0) {
            std::size_t v = 0;
            for (std::size_t w = 1; w < walkers.size(); ++w) {
                if (walkers[w].time_s() < walkers[v].time_s()) {
                    v = w;
                }
            }
            // The nearest untaken tasks from here, and a random pick among those close to best.
            std::uint32_t best = 0;
            double best_s = std::numeric_limits<double>::infinity();
            std::vector<std::pair<double, std::uint32_t>> near;
            for (const std::uint32_t t : m_tasks) {
                if (taken[t] != 0) {
                    continue;
                }
                const double d = m_problem.deadhead_s(v, walkers[v].location(), t);
                near.emplace_back(d, t);
                if (d < best_s) {
                    best_s = d;
                    best = t;
                }
            }
            std::vector<std::uint32_t> close;
            for (const auto& [d, t] : near) {
                if (d <= best_s * 1.2 + 5.0) {
                    close.push_back(t);
                }
            }
            std::ranges::sort(close);
            if (close.size() > 1) {
                best = close[std::uniform_int_distribution<std::size_t>(
                    0, std::min<std::size_t>(close.size(), 3) - 1)(m_rng)];
            }
            taken[best] = 1;
            walkers[v].serve(best);
            m_routes[v].push_back(best);
            --left;
        }
        refresh_all();
    }

    void set_routes(const std::vector<std::vector<std::uint32_t>>& routes) {
        m_routes = routes;
        refresh_all();
    }

    /// First-improvement local search from the tasks in `work` (all tasks when empty).
    void local_search(std::vector<std::uint32_t> work) {
        if (work.empty()) {
            work = m_tasks;
        }
        std::ranges::shuffle(work, m_rng);
        std::vector<char> queued(m_problem.tasks().size(), 0);
        for (const std::uint32_t t : work) {
            queued[t] = 1;
        }
        std::size_t head = 0;
        while (head < work.size()) {
            const std::uint32_t x = work[head++];
            queued[x] = 0;
            if (improve(x)) {
                // Look again at the moved task and its neighbourhood.
                auto requeue = [&](std::uint32_t t) {
                    if (queued[t] == 0) {
                        queued[t] = 1;
                        work.push_back(t);
                    }
                };
                requeue(x);
                for (const std::uint32_t y : m_neighbours[m_index[x]]) {
                    requeue(y);
                }
            }
            if (head > 4096 && head * 2 > work.size()) {
                work.erase(work.begin(), work.begin() + static_cast<std::ptrdiff_t>(head));
                head = 0;
            }
        }
    }

    /// Removes a cluster of tasks (one at random and its neighbours) and puts each back at the
    /// best place near its neighbours. Returns the tasks moved.
    std::vector<std::uint32_t> ruin_and_recreate(std::size_t count) {
        const std::uint32_t seed_task =
            m_tasks[std::uniform_int_distribution<std::size_t>(0, m_tasks.size() - 1)(m_rng)];
        std::vector<std::uint32_t> removed{seed_task};
        for (const std::uint32_t y : m_neighbours[m_index[seed_task]]) {
            if (removed.size() >= count) {
                break;
            }
            removed.push_back(y);
        }
        std::vector<char> is_removed(m_problem.tasks().size(), 0);
        for (const std::uint32_t t : removed) {
            is_removed[t] = 1;
        }
        for (std::size_t v = 0; v < m_routes.size(); ++v) {
            auto& r = m_routes[v];
            const auto before = r.size();
            std::erase_if(r, [&](std::uint32_t t) { return is_removed[t] != 0; });
            if (r.size() != before) {
                refresh(v);
            }
        }
        std::ranges::shuffle(removed, m_rng);
        for (const std::uint32_t t : removed) {
            insert_best(t);
        }
        return removed;
    }

    [[nodiscard]] Key key() const {
        Key k;
        for (const TailCost& c : m_costs) {
            k.add(c);
        }
        return k;
    }

    [[nodiscard]] const std::vector<std::vector<std::uint32_t>>& routes() const { return m_routes; }

private:
    void build_neighbours() {
        constexpr std::size_t k_nearest = 12;
        m_index.assign(m_problem.tasks().size(), 0);
        for (std::uint32_t i = 0; i < m_tasks.size(); ++i) {
            m_index[m_tasks[i]] = i;
        }
        m_neighbours.assign(m_tasks.size(), {});
        std::vector<std::pair<float, std::uint32_t>> d;
        for (std::size_t i = 0; i < m_tasks.size(); ++i) {
            d.clear();
            const std::uint32_t a = m_tasks[i];
            for (const std::uint32_t b : m_tasks) {
                if (b != a) {
                    d.emplace_back(std::min(m_problem.travel_s(a, b), m_problem.travel_s(b, a)), b);
                }
            }
            const std::size_t k = std::min(k_nearest, d.size());
            std::ranges::partial_sort(d, d.begin() + static_cast<std::ptrdiff_t>(k));
            for (std::size_t j = 0; j < k; ++j) {
                m_neighbours[i].push_back(d[j].second);
            }
        }
    }

    [[nodiscard]] TailCost cost_of(std::size_t v, const std::vector<std::uint32_t>& route) const {
        RouteWalker walk(m_problem, v, m_starts[v].location, m_starts[v].time_s,
                         m_starts[v].load_m);
        TailCost c;
        for (const std::uint32_t t : route) {
            walk.serve(t);
        }
        if (!route.empty()) {
            c.finish_s = walk.time_s();
        }
        walk.return_to_depot();
        c.end_s = walk.time_s();
        c.overtime_s = std::max(0.0, c.end_s - m_problem.vehicles()[v].shift_s);
        return c;
    }

    // A candidate route is written as a recipe of up to four parts, each a stretch of a current
    // route or a single task. Without a load limit its cost comes from the stretches' sums in
    // constant time (times differ by vehicle, so the sums are of metres and turn seconds, not of
    // times); with one, the route is built and driven.
    struct Part {
        std::uint32_t route = single; ///< `single`: the task `from`
        std::int64_t from = 0;        ///< first index (or the task)
        std::int64_t to = -1;         ///< last index, inclusive; before `from`: empty
        static constexpr std::uint32_t single = std::numeric_limits<std::uint32_t>::max();
    };
    struct Recipe {
        std::array<Part, 4> parts{};
        std::size_t count = 0;
        Recipe& stretch(std::size_t route, std::int64_t from, std::int64_t to) {
            parts[count++] = {static_cast<std::uint32_t>(route), from, to};
            return *this;
        }
        Recipe& task(std::uint32_t t) {
            parts[count++] = {Part::single, t, t};
            return *this;
        }
    };
    struct Sums {
        PlanLocation first = 0;
        PlanLocation last = 0;
        double service_m = 0.0;
        double deadhead_m = 0.0;
        double turn_s = 0.0;
        bool empty = true;
    };
    struct Prefix {
        std::vector<double> service_m;  ///< [k]: over tasks 0..k-1
        std::vector<double> deadhead_m; ///< [k]: the drives into tasks 0..k-1
        std::vector<double> turn_s;
    };

    [[nodiscard]] double turn_part_s(PlanLocation a, PlanLocation b) const {
        return std::max(0.0, static_cast<double>(m_problem.travel_s(a, b)) -
                                 m_problem.travel_m(a, b) /
                                     metres_per_second(PlanProblem::reference_kmh));
    }

    [[nodiscard]] Sums sums_of(const Part& p) const {
        if (p.route == Part::single) {
            const auto t = static_cast<std::uint32_t>(p.from);
            return {t, t, m_problem.tasks()[t].length_m, 0.0, 0.0, false};
        }
        if (p.to < p.from) {
            return {};
        }
        const auto& route = m_routes[p.route];
        const Prefix& pre = m_prefix[p.route];
        const auto i = static_cast<std::size_t>(p.from);
        const auto j = static_cast<std::size_t>(p.to);
        return {route[i],
                route[j],
                pre.service_m[j + 1] - pre.service_m[i],
                pre.deadhead_m[j + 1] - pre.deadhead_m[i + 1],
                pre.turn_s[j + 1] - pre.turn_s[i + 1],
                false};
    }

    [[nodiscard]] Sums join(const Sums& a, const Sums& b) const {
        if (a.empty) {
            return b;
        }
        if (b.empty) {
            return a;
        }
        return {a.first,
                b.last,
                a.service_m + b.service_m,
                a.deadhead_m + b.deadhead_m + m_problem.travel_m(a.last, b.first),
                a.turn_s + b.turn_s + turn_part_s(a.last, b.first),
                false};
    }

    void materialize(const Recipe& r, std::vector<std::uint32_t>& out) const {
        out.clear();
        for (std::size_t k = 0; k < r.count; ++k) {
            const Part& p = r.parts[k];
            if (p.route == Part::single) {
                out.push_back(static_cast<std::uint32_t>(p.from));
            } else if (p.to >= p.from) {
                const auto& route = m_routes[p.route];
                out.insert(out.end(), route.begin() + p.from, route.begin() + p.to + 1);
            }
        }
    }

    [[nodiscard]] TailCost cost_of(std::size_t v, const Recipe& r) {
        if (!m_fast) {
            materialize(r, m_scratch_a);
            return cost_of(v, m_scratch_a);
        }
        Sums body;
        for (std::size_t k = 0; k < r.count; ++k) {
            body = join(body, sums_of(r.parts[k]));
        }
        return cost_from_sums(v, body);
    }

    [[nodiscard]] TailCost cost_from_sums(std::size_t v, const Sums& body) const {
        const PlanVehicle& vehicle = m_problem.vehicles()[v];
        const Start& start = m_starts[v];
        const PlanLocation depot = m_problem.depot_location(v);
        TailCost c;
        if (body.empty) {
            c.end_s = start.time_s + m_problem.deadhead_s(v, start.location, depot);
        } else {
            const double deadhead_m =
                body.deadhead_m + m_problem.travel_m(start.location, body.first);
            const double turn_s = body.turn_s + turn_part_s(start.location, body.first);
            c.finish_s = start.time_s +
                         body.service_m / metres_per_second(vehicle.speeds.work_kmh) +
                         deadhead_m / metres_per_second(vehicle.speeds.travel_kmh) + turn_s;
            c.end_s = c.finish_s + m_problem.deadhead_s(v, body.last, depot);
        }
        c.overtime_s = std::max(0.0, c.end_s - vehicle.shift_s);
        return c;
    }

    void refresh(std::size_t v) {
        const auto& route = m_routes[v];
        Prefix& pre = m_prefix[v];
        const std::size_t n = route.size();
        pre.service_m.resize(n + 1);
        pre.deadhead_m.resize(n + 1);
        pre.turn_s.resize(n + 1);
        PlanLocation at = m_starts[v].location;
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint32_t t = route[i];
            // The drive into a task changes only where the route changed: reuse it otherwise
            // (the travel tables are large, and reading them is what a refresh costs).
            Entry& entry = m_entry[t];
            if (entry.from != at) {
                entry = {at, m_problem.travel_m(at, t), turn_part_s(at, t)};
            }
            pre.service_m[i + 1] = pre.service_m[i] + m_problem.tasks()[t].length_m;
            pre.deadhead_m[i + 1] = pre.deadhead_m[i] + entry.deadhead_m;
            pre.turn_s[i + 1] = pre.turn_s[i] + entry.turn_s;
            at = t;
            m_where[t] = {static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(i)};
        }
        m_costs[v] = m_fast ? cost_from_sums(v, sums_of(Part{static_cast<std::uint32_t>(v), 0,
                                                             static_cast<std::int64_t>(n) - 1}))
                            : cost_of(v, route);
    }

    void refresh_all() {
        for (std::size_t v = 0; v < m_routes.size(); ++v) {
            refresh(v);
        }
    }

    [[nodiscard]] Key pair_key(std::size_t a, const TailCost& ca, std::size_t b,
                               const TailCost& cb) const {
        Key k;
        k.add(ca);
        if (b != a) {
            k.add(cb);
        }
        return k;
    }

    /// Tries relocate, swap and 2-opt* between `x` and its neighbours; applies the first move
    /// that improves the routes it changes.
    bool improve(std::uint32_t x) {
        for (const std::uint32_t y : m_neighbours[m_index[x]]) {
            const auto [rx, ix] = m_where[x];
            const auto [ry, iy] = m_where[y];
            const Key before = pair_key(rx, m_costs[rx], ry, m_costs[ry]);
            // Relocate x right after y, or right before y.
            for (int side = 0; side < 2; ++side) {
                if (try_relocate(x, rx, ix, ry, iy + static_cast<std::uint32_t>(side == 0 ? 1 : 0),
                                 before)) {
                    return true;
                }
            }
            if (try_swap(rx, ix, ry, iy, before)) {
                return true;
            }
            if (rx != ry && try_two_opt_star(rx, ix, ry, iy, before)) {
                return true;
            }
        }
        return false;
    }

    /// Applies the recipes for route a (and b, if given) when they improve the pair.
    bool accept(std::size_t a, const Recipe& ra, std::optional<std::size_t> b, const Recipe& rb,
                const Key& before) {
        const TailCost ca = cost_of(a, ra);
        const TailCost cb = b ? cost_of(*b, rb) : ca;
        if (!(pair_key(a, ca, b.value_or(a), cb) < before)) {
            return false;
        }
        materialize(ra, m_scratch_a);
        if (b) {
            materialize(rb, m_scratch_b);
            m_routes[*b].swap(m_scratch_b);
        }
        m_routes[a].swap(m_scratch_a);
        refresh(a);
        if (b) {
            refresh(*b);
        }
        return true;
    }

    /// Moves the task at (rx, ix) to position `at` of route ry (positions before the move).
    bool try_relocate(std::uint32_t x, std::uint32_t rx, std::uint32_t ix, std::uint32_t ry,
                      std::uint32_t at, const Key& before) {
        const std::int64_t i = ix;
        const std::int64_t j = at;
        if (rx == ry) {
            const auto n = static_cast<std::int64_t>(m_routes[rx].size());
            if (j == i || j == i + 1) {
                return false;
            }
            Recipe r;
            if (j < i) {
                r.stretch(rx, 0, j - 1).task(x).stretch(rx, j, i - 1).stretch(rx, i + 1, n - 1);
            } else {
                r.stretch(rx, 0, i - 1).stretch(rx, i + 1, j - 1).task(x).stretch(rx, j, n - 1);
            }
            return accept(rx, r, std::nullopt, r, before);
        }
        const auto na = static_cast<std::int64_t>(m_routes[rx].size());
        const auto nb = static_cast<std::int64_t>(m_routes[ry].size());
        Recipe a;
        a.stretch(rx, 0, i - 1).stretch(rx, i + 1, na - 1);
        Recipe b;
        b.stretch(ry, 0, j - 1).task(x).stretch(ry, j, nb - 1);
        return accept(rx, a, ry, b, before);
    }

    bool try_swap(std::uint32_t rx, std::uint32_t ix, std::uint32_t ry, std::uint32_t iy,
                  const Key& before) {
        const std::uint32_t x = m_routes[rx][ix];
        const std::uint32_t y = m_routes[ry][iy];
        if (rx == ry) {
            if (ix == iy) {
                return false;
            }
            return accept_inner_swap(rx, std::min(ix, iy), std::max(ix, iy), before);
        }
        const auto na = static_cast<std::int64_t>(m_routes[rx].size());
        const auto nb = static_cast<std::int64_t>(m_routes[ry].size());
        Recipe a;
        a.stretch(rx, 0, static_cast<std::int64_t>(ix) - 1).task(y).stretch(rx, ix + 1, na - 1);
        Recipe b;
        b.stretch(ry, 0, static_cast<std::int64_t>(iy) - 1).task(x).stretch(ry, iy + 1, nb - 1);
        return accept(rx, a, ry, b, before);
    }

    /// A swap inside one route: up to five parts, one more than a recipe holds, so its cost is
    /// computed from the sums here.
    bool accept_inner_swap(std::uint32_t r, std::int64_t lo, std::int64_t hi, const Key& before) {
        const auto n = static_cast<std::int64_t>(m_routes[r].size());
        const std::uint32_t a = m_routes[r][static_cast<std::size_t>(lo)];
        const std::uint32_t b = m_routes[r][static_cast<std::size_t>(hi)];
        TailCost c;
        if (m_fast) {
            Recipe head;
            head.stretch(r, 0, lo - 1).task(b).stretch(r, lo + 1, hi - 1).task(a);
            Sums body;
            for (std::size_t k = 0; k < head.count; ++k) {
                body = join(body, sums_of(head.parts[k]));
            }
            body = join(body, sums_of(Part{r, hi + 1, n - 1}));
            c = cost_from_sums(r, body);
        } else {
            m_scratch_a = m_routes[r];
            std::swap(m_scratch_a[static_cast<std::size_t>(lo)],
                      m_scratch_a[static_cast<std::size_t>(hi)]);
            c = cost_of(r, m_scratch_a);
        }
        if (!(pair_key(r, c, r, c) < before)) {
            return false;
        }
        std::swap(m_routes[r][static_cast<std::size_t>(lo)],
                  m_routes[r][static_cast<std::size_t>(hi)]);
        refresh(r);
        return true;
    }

    /// Exchanges the tails: x's route continues after x with what followed y, and the reverse.
    bool try_two_opt_star(std::uint32_t rx, std::uint32_t ix, std::uint32_t ry, std::uint32_t iy,
                          const Key& before) {
        const auto na = static_cast<std::int64_t>(m_routes[rx].size());
        const auto nb = static_cast<std::int64_t>(m_routes[ry].size());
        Recipe a;
        a.stretch(rx, 0, ix).stretch(ry, static_cast<std::int64_t>(iy) + 1, nb - 1);
        Recipe b;
        b.stretch(ry, 0, iy).stretch(rx, static_cast<std::int64_t>(ix) + 1, na - 1);
        return accept(rx, a, ry, b, before);
    }

    /// Puts a task back at the best place: next to one of its neighbours or at a route's end,
    /// preferring places that do not raise the class's finishing time.
    void insert_best(std::uint32_t t) {
        const Key now = key();
        struct Candidate {
            std::size_t route;
            std::size_t at;
        };
        std::vector<Candidate> candidates;
        for (const std::uint32_t y : m_neighbours[m_index[t]]) {
            const auto [ry, iy] = m_where[y];
            if (ry < m_routes.size() && iy < m_routes[ry].size() && m_routes[ry][iy] == y) {
                candidates.push_back({ry, iy});
                candidates.push_back({ry, iy + 1});
            }
        }
        for (std::size_t v = 0; v < m_routes.size(); ++v) {
            candidates.push_back({v, m_routes[v].size()});
        }
        std::optional<Candidate> best;
        std::array<double, 3> best_score{};
        for (const Candidate& c : candidates) {
            const auto n = static_cast<std::int64_t>(m_routes[c.route].size());
            const auto at = static_cast<std::int64_t>(c.at);
            Recipe r;
            r.stretch(c.route, 0, at - 1).task(t).stretch(c.route, at, n - 1);
            const TailCost after = cost_of(c.route, r);
            const TailCost& was = m_costs[c.route];
            const std::array<double, 3> score{after.overtime_s - was.overtime_s,
                                              std::max(now.finish_s, after.finish_s),
                                              after.end_s - was.end_s};
            bool wins = !best;
            for (std::size_t k = 0; !wins && k < score.size(); ++k) {
                const int cmp = compare(score[k], best_score[k]);
                if (cmp != 0) {
                    wins = cmp < 0;
                    break;
                }
            }
            if (wins) {
                best = c;
                best_score = score;
            }
        }
        m_routes[best->route].insert(
            m_routes[best->route].begin() + static_cast<std::ptrdiff_t>(best->at), t);
        refresh(best->route);
    }

    const PlanProblem& m_problem;
    const std::vector<Start>& m_starts;
    const std::vector<std::uint32_t>& m_tasks;
    std::mt19937_64 m_rng;
    std::vector<std::vector<std::uint32_t>> m_routes;
    std::vector<TailCost> m_costs;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> m_where; ///< task → (route, index)
    std::vector<std::uint32_t> m_index;                           ///< task → index in m_tasks
    std::vector<std::vector<std::uint32_t>> m_neighbours;         ///< by index in m_tasks
    std::vector<Prefix> m_prefix;                                 ///< by route
    struct Entry {
        PlanLocation from = std::numeric_limits<PlanLocation>::max();
        double deadhead_m = 0.0;
        double turn_s = 0.0;
    };
    std::vector<Entry> m_entry; ///< by task: the drive into it from `from`
    bool m_fast = true;         ///< no load limit: costs from the prefix sums
    std::vector<std::uint32_t> m_scratch_a;
    std::vector<std::uint32_t> m_scratch_b;
};

/// Where each vehicle stands at the end of its routes so far.
std::vector<Start> starts_after(const PlanProblem& problem, const PlanRoutes& routes) {
    std::vector<Start> starts(problem.vehicles().size());
    for (std::size_t v = 0; v < starts.size(); ++v) {
        RouteWalker walk(problem, v);
        for (const std::uint32_t t : routes.tasks[v]) {
            walk.serve(t);
        }
        starts[v] = {walk.location(), walk.time_s(), walk.load_m()};
    }
    return starts;
}

std::uint64_t mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
    // SplitMix64 over the three, so each class and thread has its own stream.
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (a * 1315423911ULL + b + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

} // namespace

PlanOutcome solve_plan(const PlanProblem& problem, const PlanSearchOptions& options,
                       const std::function<void(const PlanProgress&)>& progress,
                       const std::atomic<bool>* cancel) {
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    const auto deadline =
        started + std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(std::max(0.0, options.time_limit_s)));
    const std::size_t vehicles = problem.vehicles().size();
    const unsigned threads = std::max(1U, options.threads);

    std::array<std::vector<std::uint32_t>, 4> by_class;
    for (std::uint32_t t = 0; t < problem.tasks().size(); ++t) {
        by_class[static_cast<std::size_t>(gis::to_int(problem.tasks()[t].priority))].push_back(t);
    }
    int last_class = 0;
    std::size_t total_tasks = 0;
    for (int c = 1; c <= 3; ++c) {
        if (!by_class[static_cast<std::size_t>(c)].empty()) {
            last_class = c;
            total_tasks += by_class[static_cast<std::size_t>(c)].size();
        }
    }

    PlanOutcome out;
    out.routes.tasks.assign(vehicles, {});
    std::mutex report_mutex;
    auto cancelled = [&] { return cancel != nullptr && cancel->load(); };
    std::size_t tasks_done = 0;

    for (int c = 1; c <= 3; ++c) {
        const auto& tasks = by_class[static_cast<std::size_t>(c)];
        if (tasks.empty()) {
            continue;
        }
        // Where each vehicle stands after the classes before.
        const std::vector<Start> starts = starts_after(problem, out.routes);
        const std::size_t rounds = options.rounds > 0
                                       ? options.rounds
                                       : std::clamp<std::size_t>(tasks.size() * 10, 1000, 20000);
        // This class's share of the time left, by its share of the tasks left.
        const auto now = Clock::now();
        const double left_s = std::chrono::duration<double>(deadline - now).count();
        const double share =
            static_cast<double>(tasks.size()) /
            static_cast<double>(std::max<std::size_t>(1, total_tasks - tasks_done));
        const auto class_deadline =
            now + std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(std::max(0.0, left_s * share)));

        struct Result {
            Key key;
            std::vector<std::vector<std::uint32_t>> routes;
            bool hit_time_limit = false;
        };
        std::vector<Result> results(threads);
        const double base_fraction = static_cast<double>(tasks_done) /
                                     static_cast<double>(std::max<std::size_t>(1, total_tasks));
        const double class_fraction = static_cast<double>(tasks.size()) /
                                      static_cast<double>(std::max<std::size_t>(1, total_tasks));
        Key shared_best;
        bool have_shared_best = false;

        auto run = [&](unsigned thread) {
            ClassSearch search(problem, starts, tasks,
                               mix(options.seed, static_cast<std::uint64_t>(c), thread));
            search.construct();
            search.local_search({});
            Result& r = results[thread];
            r.key = search.key();
            r.routes = search.routes();
            auto current_key = r.key;
            auto current = r.routes;
            auto report = [&](double round_fraction, bool improved) {
                if (!progress) {
                    return;
                }
                const std::lock_guard lock(report_mutex);
                if (improved && (!have_shared_best || r.key < shared_best)) {
                    shared_best = r.key;
                    have_shared_best = true;
                } else if (improved) {
                    return;
                }
                PlanRoutes full = out.routes;
                for (std::size_t v = 0; v < vehicles; ++v) {
                    full.tasks[v].insert(full.tasks[v].end(), r.routes[v].begin(),
                                         r.routes[v].end());
                }
                const PlanEvaluation e = evaluate(problem, full);
                PlanProgress p;
                p.fraction = base_fraction + class_fraction * round_fraction;
                p.priority = c;
                p.best = &full;
                p.best_evaluation = &e;
                progress(p);
            };
            report(0.0, true);
            std::size_t since_better = 0;
            auto last_report = Clock::now();
            while (since_better < rounds) {
                if (cancelled()) {
                    return;
                }
                if (Clock::now() >= class_deadline) {
                    r.hit_time_limit = true;
                    return;
                }
                const std::size_t count =
                    std::min<std::size_t>(tasks.size(), 3 + since_better % 25);
                const auto moved = search.ruin_and_recreate(count);
                search.local_search(moved);
                const Key k = search.key();
                ++since_better;
                if (k < r.key) {
                    r.key = k;
                    r.routes = search.routes();
                    since_better = 0;
                    current_key = k;
                    current = r.routes;
                    report(0.0, true);
                } else if (k.scalar() <= current_key.scalar() * 1.002 || k < current_key) {
                    current_key = k;
                    current = search.routes();
                } else {
                    search.set_routes(current);
                }
                if (Clock::now() - last_report > std::chrono::milliseconds(250)) {
                    last_report = Clock::now();
                    report(static_cast<double>(since_better) / static_cast<double>(rounds), false);
                }
            }
        };
        if (threads == 1) {
            run(0);
        } else {
            std::vector<std::jthread> pool;
            for (unsigned k = 0; k < threads; ++k) {
                pool.emplace_back(run, k);
            }
        }
        std::size_t best = 0;
        for (std::size_t k = 1; k < results.size(); ++k) {
            if (results[k].key < results[best].key) {
                best = k;
            }
        }
        for (std::size_t v = 0; v < vehicles; ++v) {
            out.routes.tasks[v].insert(out.routes.tasks[v].end(), results[best].routes[v].begin(),
                                       results[best].routes[v].end());
        }
        for (const Result& r : results) {
            if (r.hit_time_limit && out.stop == PlanStop::finished) {
                out.stop = PlanStop::time_limit;
            }
        }
        if (cancelled()) {
            out.stop = PlanStop::cancelled;
        }
        tasks_done += tasks.size();
        if (out.stop == PlanStop::cancelled) {
            // The classes not yet searched still get a plan: nearest-task construction only.
            for (int rest = c + 1; rest <= 3; ++rest) {
                const auto& more = by_class[static_cast<std::size_t>(rest)];
                if (more.empty()) {
                    continue;
                }
                const std::vector<Start> s = starts_after(problem, out.routes);
                ClassSearch quick(problem, s, more,
                                  mix(options.seed, static_cast<std::uint64_t>(rest), 0));
                quick.construct();
                for (std::size_t v = 0; v < vehicles; ++v) {
                    out.routes.tasks[v].insert(out.routes.tasks[v].end(), quick.routes()[v].begin(),
                                               quick.routes()[v].end());
                }
            }
            break;
        }
    }
    out.evaluation = evaluate(problem, out.routes);
    out.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (progress) {
        PlanProgress p;
        p.fraction = 1.0;
        p.priority = last_class;
        p.best = &out.routes;
        p.best_evaluation = &out.evaluation;
        progress(p);
    }
    return out;
}

} // namespace ykm::dispatch

#include "ykm/dispatch/simulator.hpp"

#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numbers>
#include <random>
#include <set>

namespace ykm::dispatch {
namespace {

using gis::EdgeIndex;
using gis::NodeIndex;

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr EdgeIndex no_edge = std::numeric_limits<EdgeIndex>::max();
// Levels of required edges: priority classes 1, 2, 3, then roads without a class.
constexpr std::size_t level_count = 4;
// A stop at an intersection: how often and how long.
constexpr double stop_chance = 0.02;
constexpr double stop_min_s = 30.0;
constexpr double stop_max_s = 120.0;
// Errors of the reported speed and course (a standing receiver still reports a little speed).
constexpr double speed_noise_mps = 0.2;
constexpr double bearing_noise_deg = 3.0;

std::size_t level_of(gis::PriorityClass p) {
    return p == gis::PriorityClass::none ? 3 : static_cast<std::size_t>(gis::to_int(p)) - 1;
}

// mt19937_64 with distributions written out, so a seed gives the same run with every standard
// library.
class Random {
public:
    explicit Random(std::uint64_t seed) : m_engine(seed) {}
    /// Uniform in [0, 1).
    double uniform() { return static_cast<double>(m_engine() >> 11) * 0x1.0p-53; }
    double between(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    bool chance(double p) { return uniform() < p; }
    /// Standard normal (Box–Muller; the second value of a pair is kept for the next call).
    double normal() {
        if (m_has_spare) {
            m_has_spare = false;
            return m_spare;
        }
        double u = 0.0;
        while (u <= 0.0) {
            u = uniform();
        }
        const double v = uniform();
        const double r = std::sqrt(-2.0 * std::log(u));
        m_spare = r * std::sin(2.0 * std::numbers::pi * v);
        m_has_spare = true;
        return r * std::cos(2.0 * std::numbers::pi * v);
    }

private:
    std::mt19937_64 m_engine;
    double m_spare = 0.0;
    bool m_has_spare = false;
};

std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

} // namespace

struct PlowSimulator::State {
    // A district's required directed edges and which of them are taken in the current round
    // (all vehicles of a district share the work).
    struct District {
        std::optional<std::int64_t> id;
        std::array<std::size_t, level_count> unclaimed{};
        std::array<std::size_t, level_count> required{};
        std::uint32_t round = 1;
        gis::XY centre;
    };
    enum class Mode { moving, stopped, parked };
    struct Vehicle {
        std::string device_id;
        std::size_t district = 0;
        Random random{0};
        Mode mode = Mode::parked;
        NodeIndex node = 0;       ///< where it stands (stopped, parked) or came from
        EdgeIndex edge = no_edge; ///< the edge it drives (moving)
        EdgeIndex last_edge = no_edge;
        double edge_start_ms = 0.0; ///< when it entered the edge
        double arrive_ms = 0.0;     ///< when it reaches the edge's end
        double speed_mps = 0.0;
        double stop_until_ms = 0.0;
        bool serving = false;
        double bearing_deg = 0.0;
        std::int64_t next_fix_ms = 0;
        std::vector<EdgeIndex> plan; ///< edges still to drive, next last
        EdgeIndex target = no_edge;  ///< the claimed edge the plan ends with
    };

    const gis::RoadGraph& graph;
    SimulationOptions options;
    std::int64_t interval_ms;
    gis::CoordinateTransform to_lonlat;
    std::vector<District> districts;
    std::vector<char> in_core; ///< per node: in the largest strongly connected component
    std::vector<std::int32_t> edge_district; ///< index into districts, -1 when none
    std::vector<EdgeIndex> wander;
    std::vector<std::uint32_t> claimed_round;
    std::vector<Vehicle> vehicles;
    std::vector<TruthPiece> truth;
    std::size_t partial_count = 0; ///< the last pieces of `truth` are partial

    // Event queue: (time, vehicle), earliest first.
    std::vector<std::pair<double, std::size_t>> queue;

    // Dijkstra buffers.
    std::vector<double> distance;
    std::vector<std::uint32_t> mark;
    std::vector<EdgeIndex> parent;
    std::uint32_t generation = 0;
    std::vector<std::pair<double, NodeIndex>> heap;

    State(data::Project& project, const gis::RoadGraph& g, const SimulationOptions& o)
        : graph(g), options(o), interval_ms(std::llround(o.interval_s * 1000.0)),
          to_lonlat(g.crs(), gis::wgs84) {
        check_options();
        if (g.edge_count() == 0) {
            throw Error(project.path().string() + ": the project has no roads to simulate on");
        }
        find_core();
        load_districts(project);
        load_vehicles(project);
        distance.resize(g.node_count());
        mark.resize(g.node_count(), 0);
        parent.resize(g.node_count(), no_edge);
        place_vehicles(project);
    }

    void check_options() const {
        auto fail = [](const std::string& what) { throw Error("simulation: " + what); };
        if (options.vehicles == 0) {
            fail("--vehicles must be at least 1");
        }
        if (!(options.interval_s >= 0.1 && options.interval_s <= 3600.0)) {
            fail("interval " + std::to_string(options.interval_s) +
                 " s is not between 0.1 and 3600");
        }
        if (!(options.noise_m >= 0.0 && options.noise_m <= 1000.0)) {
            fail("noise " + std::to_string(options.noise_m) + " m is not between 0 and 1000");
        }
        if (!(options.dropout >= 0.0 && options.dropout < 1.0)) {
            fail("dropout " + std::to_string(options.dropout) + " is not in [0, 1)");
        }
        if (!(options.service_speed_mps > 0.0 && options.travel_speed_mps > 0.0)) {
            fail("speeds must be positive");
        }
    }

    // ---- set-up -----------------------------------------------------------------------------

    // The largest strongly connected part of the graph: vehicles stay in it, so none drives
    // into a one-way street that leaves the map and never comes back.
    void find_core() {
        const std::size_t n = graph.node_count();
        std::vector<char> visited(n, 0);
        std::vector<NodeIndex> order;
        order.reserve(n);
        std::vector<std::pair<NodeIndex, std::size_t>> stack;
        for (NodeIndex s = 0; s < n; ++s) {
            if (visited[s]) {
                continue;
            }
            visited[s] = 1;
            stack.emplace_back(s, 0);
            while (!stack.empty()) {
                auto& [u, i] = stack.back();
                const auto out = graph.out_edges(u);
                if (i < out.size()) {
                    const NodeIndex w = graph.edge(out[i++]).to;
                    if (!visited[w]) {
                        visited[w] = 1;
                        stack.emplace_back(w, 0);
                    }
                } else {
                    order.push_back(u);
                    stack.pop_back();
                }
            }
        }
        // Components on the reversed graph, in decreasing finish order (Kosaraju).
        std::vector<std::uint32_t> in_offsets(n + 1, 0);
        for (EdgeIndex e = 0; e < graph.edge_count(); ++e) {
            ++in_offsets[graph.edge(e).to + 1];
        }
        for (std::size_t k = 1; k <= n; ++k) {
            in_offsets[k] += in_offsets[k - 1];
        }
        std::vector<NodeIndex> in_from(graph.edge_count());
        std::vector<std::uint32_t> fill(in_offsets.begin(), in_offsets.end() - 1);
        for (EdgeIndex e = 0; e < graph.edge_count(); ++e) {
            in_from[fill[graph.edge(e).to]++] = graph.edge(e).from;
        }
        constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
        std::vector<std::uint32_t> component(n, none);
        std::uint32_t best = 0;
        std::size_t best_size = 0;
        std::uint32_t next = 0;
        std::vector<NodeIndex> pending;
        for (auto it = order.rbegin(); it != order.rend(); ++it) {
            if (component[*it] != none) {
                continue;
            }
            std::size_t size = 0;
            component[*it] = next;
            pending.assign(1, *it);
            while (!pending.empty()) {
                const NodeIndex u = pending.back();
                pending.pop_back();
                ++size;
                for (std::uint32_t k = in_offsets[u]; k < in_offsets[u + 1]; ++k) {
                    if (component[in_from[k]] == none) {
                        component[in_from[k]] = next;
                        pending.push_back(in_from[k]);
                    }
                }
            }
            if (size > best_size) {
                best_size = size;
                best = next;
            }
            ++next;
        }
        in_core.assign(n, 0);
        for (NodeIndex u = 0; u < n; ++u) {
            in_core[u] = component[u] == best ? 1 : 0;
        }
    }

    [[nodiscard]] bool core_edge(EdgeIndex e) const {
        return in_core[graph.edge(e).from] && in_core[graph.edge(e).to];
    }

    void load_districts(data::Project& project) {
        edge_district.assign(graph.edge_count(), -1);
        claimed_round.assign(graph.edge_count(), 0);
        std::map<std::int64_t, std::size_t> index;
        data::Statement segments(project.database(),
                                 "SELECT id, district_id FROM road_segments "
                                 "WHERE district_id IS NOT NULL ORDER BY district_id, id");
        while (segments.step()) {
            const std::int64_t segment = segments.column_int64(0);
            const std::int64_t district = segments.column_int64(1);
            auto [it, added] = index.emplace(district, districts.size());
            if (added) {
                districts.push_back(District{district, {}, {}, 1, {}});
            }
            for (bool forward : {true, false}) {
                if (const auto e = graph.find_edge(segment, forward); e && core_edge(*e)) {
                    edge_district[*e] = static_cast<std::int32_t>(it->second);
                }
            }
        }
        // Districts whose roads all lie outside the core have nothing to do.
        std::vector<std::int32_t> renumber(districts.size(), -1);
        std::vector<District> kept;
        for (EdgeIndex e = 0; e < graph.edge_count(); ++e) {
            if (edge_district[e] >= 0) {
                renumber[static_cast<std::size_t>(edge_district[e])] = 0;
            }
        }
        for (std::size_t k = 0; k < districts.size(); ++k) {
            if (renumber[k] == 0) {
                renumber[k] = static_cast<std::int32_t>(kept.size());
                kept.push_back(districts[k]);
            }
        }
        for (std::int32_t& d : edge_district) {
            d = d >= 0 ? renumber[static_cast<std::size_t>(d)] : -1;
        }
        districts = std::move(kept);
        if (districts.empty()) {
            districts.push_back(District{});
            for (EdgeIndex e = 0; e < graph.edge_count(); ++e) {
                edge_district[e] = core_edge(e) ? 0 : -1;
            }
        }
        std::vector<std::size_t> counted(districts.size(), 0);
        std::vector<gis::XY> sum(districts.size());
        for (EdgeIndex e = 0; e < graph.edge_count(); ++e) {
            if (edge_district[e] < 0) {
                continue;
            }
            District& d = districts[static_cast<std::size_t>(edge_district[e])];
            const std::size_t level = level_of(graph.edge(e).priority);
            ++d.required[level];
            ++d.unclaimed[level];
            const gis::XY p = graph.node_position(graph.edge(e).from);
            auto& s = sum[static_cast<std::size_t>(edge_district[e])];
            s.x += p.x;
            s.y += p.y;
            ++counted[static_cast<std::size_t>(edge_district[e])];
        }
        for (std::size_t k = 0; k < districts.size(); ++k) {
            const auto n = static_cast<double>(std::max<std::size_t>(counted[k], 1));
            districts[k].centre = {sum[k].x / n, sum[k].y / n};
        }
    }

    void load_vehicles(data::Project& project) {
        std::map<std::int64_t, std::size_t> district_index;
        for (std::size_t k = 0; k < districts.size(); ++k) {
            if (districts[k].id) {
                district_index[*districts[k].id] = k;
            }
        }
        std::set<std::string> used;
        std::size_t next_district = 0;
        auto add = [&](std::string device_id, std::optional<std::int64_t> district_id) {
            Vehicle v;
            v.device_id = std::move(device_id);
            const auto it = district_id ? district_index.find(*district_id) : district_index.end();
            if (it != district_index.end()) {
                v.district = it->second;
            } else {
                v.district = next_district++ % districts.size();
            }
            v.random = Random(mix(options.seed * 0x9E3779B97F4A7C15ULL + vehicles.size() + 1));
            used.insert(v.device_id);
            vehicles.push_back(std::move(v));
        };
        if (project.schema_version() >= 2) {
            data::Statement fleet(project.database(), "SELECT device_id, district_id FROM vehicles "
                                                      "WHERE device_id IS NOT NULL ORDER BY id");
            while (vehicles.size() < options.vehicles && fleet.step()) {
                add(fleet.column_text(0), fleet.column_optional_int64(1));
            }
        }
        for (int n = 1; vehicles.size() < options.vehicles; ++n) {
            char id[32];
            std::snprintf(id, sizeof id, "sim-%03d", n);
            if (!used.contains(id)) {
                add(id, std::nullopt);
            }
        }
    }

    void place_vehicles(data::Project& project) {
        std::vector<gis::XY> depots;
        data::Statement query(project.database(),
                              "SELECT X(geom), Y(geom) FROM depots WHERE geom IS NOT NULL "
                              "ORDER BY id");
        while (query.step()) {
            depots.push_back({query.column_double(0), query.column_double(1)});
        }
        auto squared = [](gis::XY a, gis::XY b) {
            return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y);
        };
        auto nearest_node = [&](gis::XY p) {
            NodeIndex best = 0;
            double best_d = infinity;
            for (NodeIndex n = 0; n < graph.node_count(); ++n) {
                const double d = squared(graph.node_position(n), p);
                if (in_core[n] && d < best_d) {
                    best = n;
                    best_d = d;
                }
            }
            return best;
        };
        std::vector<std::optional<NodeIndex>> depot_node(districts.size());
        std::vector<std::vector<EdgeIndex>> own(districts.size());
        if (depots.empty()) {
            for (EdgeIndex e = 0; e < graph.edge_count(); ++e) {
                if (edge_district[e] >= 0) {
                    own[static_cast<std::size_t>(edge_district[e])].push_back(e);
                }
            }
        }
        for (std::size_t k = 0; k < vehicles.size(); ++k) {
            Vehicle& v = vehicles[k];
            const District& d = districts[v.district];
            if (!depots.empty()) {
                if (!depot_node[v.district]) {
                    const gis::XY depot = *std::ranges::min_element(
                        depots, {}, [&](gis::XY p) { return squared(p, d.centre); });
                    depot_node[v.district] = nearest_node(depot);
                }
                v.node = *depot_node[v.district];
            } else {
                // A random start among the district's edges.
                const auto& edges = own[v.district];
                const EdgeIndex e =
                    edges.empty() ? 0
                                  : edges[static_cast<std::size_t>(
                                        v.random.uniform() * static_cast<double>(edges.size()))];
                v.node = graph.edge(e).from;
            }
            v.next_fix_ms =
                options.start_ms +
                static_cast<std::int64_t>(v.random.uniform() * static_cast<double>(interval_ms));
            depart(v, static_cast<double>(options.start_ms));
            queue.emplace_back(next_event(v), k);
        }
        std::ranges::make_heap(queue, std::greater<>{});
    }

    // ---- routing ----------------------------------------------------------------------------

    [[nodiscard]] bool claimable(const Vehicle& v, EdgeIndex e) const {
        return edge_district[e] == static_cast<std::int32_t>(v.district) &&
               claimed_round[e] != districts[v.district].round;
    }

    void claim(const Vehicle& v, EdgeIndex e) {
        District& d = districts[v.district];
        claimed_round[e] = d.round;
        --d.unclaimed[level_of(graph.edge(e).priority)];
    }

    // Dijkstra from the vehicle's node to the nearest node with a claimable edge of `level`
    // (any level when level_count) leaving it; plans the way there and claims the edge.
    bool plan_to_nearest(Vehicle& v, std::size_t level) {
        if (++generation == std::numeric_limits<std::uint32_t>::max()) {
            std::ranges::fill(mark, 0U);
            generation = 1;
        }
        heap.clear();
        auto accept = [&](EdgeIndex e) {
            return claimable(v, e) &&
                   (level == level_count || level_of(graph.edge(e).priority) == level);
        };
        distance[v.node] = 0.0;
        mark[v.node] = generation;
        parent[v.node] = no_edge;
        heap.emplace_back(0.0, v.node);
        const std::optional<EdgeIndex> back =
            v.last_edge == no_edge ? std::nullopt : graph.twin(v.last_edge);
        while (!heap.empty()) {
            std::ranges::pop_heap(heap, std::greater<>{});
            const auto [d, u] = heap.back();
            heap.pop_back();
            if (d > distance[u]) {
                continue;
            }
            EdgeIndex found = no_edge;
            for (EdgeIndex e : graph.out_edges(u)) {
                // Straight on rather than back the way it came, when both are to do.
                if (accept(e) && (found == no_edge || (back && found == *back))) {
                    found = e;
                }
            }
            if (found != no_edge) {
                v.plan.clear();
                v.plan.push_back(found);
                for (NodeIndex n = u; parent[n] != no_edge; n = graph.edge(parent[n]).from) {
                    v.plan.push_back(parent[n]);
                }
                v.target = found;
                claim(v, found);
                return true;
            }
            for (EdgeIndex e : graph.out_edges(u)) {
                const NodeIndex w = graph.edge(e).to;
                const double dw = d + graph.edge(e).length_m;
                if (mark[w] != generation || dw < distance[w]) {
                    mark[w] = generation;
                    distance[w] = dw;
                    parent[w] = e;
                    heap.emplace_back(dw, w);
                    std::ranges::push_heap(heap, std::greater<>{});
                }
            }
        }
        return false;
    }

    // Plans the next piece of work: the nearest unclaimed edge of the highest priority left in
    // the district; when the district is done, it starts over.
    void plan_work(Vehicle& v) {
        District& d = districts[v.district];
        for (int attempt = 0; attempt < 2; ++attempt) {
            std::size_t level = 0;
            while (level < level_count && d.unclaimed[level] == 0) {
                ++level;
            }
            if (level == level_count) {
                ++d.round;
                d.unclaimed = d.required;
                continue;
            }
            if (plan_to_nearest(v, level) || plan_to_nearest(v, level_count)) {
                return;
            }
            break; // nothing left that this vehicle can reach
        }
        // Wander: any edge out of here that stays in the core.
        wander.clear();
        for (EdgeIndex e : graph.out_edges(v.node)) {
            if (core_edge(e)) {
                wander.push_back(e);
            }
        }
        if (!wander.empty()) {
            v.plan.assign(1, wander[static_cast<std::size_t>(v.random.uniform() *
                                                             static_cast<double>(wander.size()))]);
        }
    }

    // ---- motion -----------------------------------------------------------------------------

    [[nodiscard]] double next_event(const Vehicle& v) const {
        double t = static_cast<double>(v.next_fix_ms);
        if (v.mode == Mode::moving) {
            t = std::min(t, v.arrive_ms);
        } else if (v.mode == Mode::stopped) {
            t = std::min(t, v.stop_until_ms);
        }
        return t;
    }

    void depart(Vehicle& v, double t) {
        if (v.plan.empty()) {
            plan_work(v);
        }
        if (v.plan.empty()) {
            v.mode = Mode::parked;
            return;
        }
        const EdgeIndex e = v.plan.back();
        v.plan.pop_back();
        if (e == v.target) {
            v.serving = true;
            v.target = no_edge;
        } else if (claimable(v, e) && v.target != no_edge &&
                   level_of(graph.edge(e).priority) <= level_of(graph.edge(v.target).priority)) {
            // Work of the same priority passed on the way is done on the way.
            claim(v, e);
            v.serving = true;
        } else {
            v.serving = false;
        }
        const double base = v.serving ? options.service_speed_mps : options.travel_speed_mps;
        v.speed_mps = base * v.random.between(0.8, 1.2);
        v.mode = Mode::moving;
        v.edge = e;
        v.edge_start_ms = t;
        v.arrive_ms = t + graph.edge(e).length_m / v.speed_mps * 1000.0;
    }

    void arrive(Vehicle& v) {
        const gis::DirectedEdge& e = graph.edge(v.edge);
        truth.push_back(piece(v, v.arrive_ms, e.length_m));
        v.bearing_deg = bearing_at(v.edge, e.length_m);
        v.node = e.to;
        v.last_edge = v.edge;
        v.edge = no_edge;
        const double t = v.arrive_ms;
        if (graph.out_edges(v.node).size() >= 3 && v.random.chance(stop_chance)) {
            v.mode = Mode::stopped;
            v.stop_until_ms = t + 1000.0 * v.random.between(stop_min_s, stop_max_s);
        } else {
            depart(v, t);
        }
    }

    [[nodiscard]] TruthPiece piece(const Vehicle& v, double exit_ms, double length_m) const {
        const gis::DirectedEdge& e = graph.edge(v.edge);
        TruthPiece p;
        p.device_id = v.device_id;
        p.segment_id = e.segment_id;
        p.forward = e.forward;
        p.enter_ms = std::llround(v.edge_start_ms);
        p.exit_ms = std::llround(exit_ms);
        p.work = v.serving ? data::WorkType::plow : data::WorkType::travel;
        p.length_m = length_m;
        return p;
    }

    [[nodiscard]] double offset_at(const Vehicle& v, double t) const {
        return std::clamp((t - v.edge_start_ms) / 1000.0 * v.speed_mps, 0.0,
                          graph.edge(v.edge).length_m);
    }

    [[nodiscard]] double bearing_at(EdgeIndex e, double offset) const {
        return graph.heading_at(e, offset);
    }

    DeviceFix fix(Vehicle& v) {
        const auto t = static_cast<double>(v.next_fix_ms);
        gis::XY at;
        double speed = 0.0;
        if (v.mode == Mode::moving) {
            const double offset = offset_at(v, t);
            at = graph.point_at(v.edge, offset);
            speed = v.speed_mps;
            v.bearing_deg = bearing_at(v.edge, offset);
        } else {
            at = graph.node_position(v.node);
        }
        at.x += options.noise_m * v.random.normal();
        at.y += options.noise_m * v.random.normal();
        // A receiver's Doppler speed and course are far better than its position.
        speed = std::max(0.0, speed + speed_noise_mps * v.random.normal());
        double bearing = v.bearing_deg + bearing_noise_deg * v.random.normal();
        bearing = std::fmod(bearing + 360.0, 360.0);
        const gis::XY lonlat = to_lonlat.forward(at);
        DeviceFix f;
        f.device_id = v.device_id;
        f.fix.time_ms = v.next_fix_ms;
        f.fix.position = {lonlat.x, lonlat.y};
        f.fix.speed_mps = speed;
        f.fix.bearing_deg = std::fmod(std::round(bearing * 10.0) / 10.0, 360.0);
        f.fix.accuracy_m = options.noise_m;
        f.fix.work = v.serving ? data::WorkType::plow : data::WorkType::travel;
        f.fix.blade = v.serving ? data::Blade::down : data::Blade::up;
        return f;
    }

    std::vector<DeviceFix> advance(std::int64_t until_ms) {
        truth.resize(truth.size() - partial_count);
        partial_count = 0;
        std::vector<DeviceFix> fixes;
        const auto until = static_cast<double>(until_ms);
        while (!queue.empty() && queue.front().first <= until) {
            std::ranges::pop_heap(queue, std::greater<>{});
            const std::size_t k = queue.back().second;
            queue.pop_back();
            Vehicle& v = vehicles[k];
            const double t = next_event(v);
            if (v.mode == Mode::moving && v.arrive_ms <= t) {
                arrive(v);
            } else if (v.mode == Mode::stopped && v.stop_until_ms <= t) {
                depart(v, v.stop_until_ms);
            } else {
                const bool lost = v.random.chance(options.dropout);
                DeviceFix f = fix(v);
                if (!lost) {
                    fixes.push_back(std::move(f));
                }
                v.next_fix_ms += interval_ms;
            }
            queue.emplace_back(next_event(v), k);
            std::ranges::push_heap(queue, std::greater<>{});
        }
        for (const Vehicle& v : vehicles) {
            if (v.mode == Mode::moving) {
                const double driven = offset_at(v, until);
                if (driven > 0.0) {
                    truth.push_back(piece(v, until, driven));
                    ++partial_count;
                }
            }
        }
        return fixes;
    }
};

PlowSimulator::PlowSimulator(data::Project& project, const gis::RoadGraph& graph,
                             SimulationOptions options)
    : m_state(std::make_unique<State>(project, graph, options)) {}
PlowSimulator::~PlowSimulator() = default;
PlowSimulator::PlowSimulator(PlowSimulator&&) noexcept = default;
PlowSimulator& PlowSimulator::operator=(PlowSimulator&&) noexcept = default;

std::vector<DeviceFix> PlowSimulator::advance(std::int64_t until_ms) {
    return m_state->advance(until_ms);
}

const std::vector<TruthPiece>& PlowSimulator::truth() const {
    return m_state->truth;
}

std::vector<std::string> PlowSimulator::device_ids() const {
    std::vector<std::string> ids;
    for (const auto& v : m_state->vehicles) {
        ids.push_back(v.device_id);
    }
    return ids;
}

std::vector<std::optional<std::int64_t>> PlowSimulator::district_ids() const {
    std::vector<std::optional<std::int64_t>> ids;
    for (const auto& v : m_state->vehicles) {
        ids.push_back(m_state->districts[v.district].id);
    }
    return ids;
}

} // namespace ykm::dispatch

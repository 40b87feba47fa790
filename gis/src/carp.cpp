#include "ykm/gis/carp.hpp"

#include "ykm/gis/error.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <exception>
#include <fstream>
#include <functional>
#include <limits>
#include <mutex>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

namespace ykm::gis {

// ---------------------------------------------------------------------------------------------
// Reading

namespace {

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}

class CarpReader {
public:
    explicit CarpReader(std::filesystem::path file) : m_file(std::move(file)) {}

    [[noreturn]] void fail(const std::string& what) const {
        throw Error(m_file.string() + ":" + std::to_string(m_line) + ": " + what);
    }

    int to_int(const std::string& text, const std::string& what) const {
        int value = 0;
        const std::string t = trim(text);
        const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
        if (t.empty() || ec != std::errc() || end != t.data() + t.size()) {
            fail(what + " '" + t + "' is not an integer");
        }
        return value;
    }

    CarpInstance read() {
        std::ifstream in(m_file);
        if (!in) {
            throw Error(m_file.string() + ": cannot open");
        }
        CarpInstance instance;
        std::optional<int> required_count;
        std::optional<int> non_required_count;
        std::optional<int> vertices;
        std::optional<int> capacity;
        enum class Section { header, required, non_required } section = Section::header;
        std::string raw;
        while (std::getline(in, raw)) {
            ++m_line;
            const std::string line = trim(raw);
            if (line.empty()) {
                continue;
            }
            if (line.front() == '(') {
                if (section == Section::header) {
                    fail("edge outside LISTA_ARISTAS_REQ or LISTA_ARISTAS_NOREQ");
                }
                parse_edge(line, section == Section::required, instance);
                continue;
            }
            const auto colon = line.find(':');
            if (colon == std::string::npos) {
                fail("expected 'KEYWORD : value' or an edge '(u, v) coste c', got '" + line + "'");
            }
            const std::string key = trim(line.substr(0, colon));
            const std::string value = trim(line.substr(colon + 1));
            if (key == "NOMBRE") {
                instance.name = value;
            } else if (key == "VERTICES") {
                vertices = to_int(value, "VERTICES");
            } else if (key == "ARISTAS_REQ") {
                required_count = to_int(value, "ARISTAS_REQ");
            } else if (key == "ARISTAS_NOREQ") {
                non_required_count = to_int(value, "ARISTAS_NOREQ");
            } else if (key == "VEHICULOS") {
                instance.vehicles = to_int(value, "VEHICULOS");
            } else if (key == "CAPACIDAD") {
                capacity = to_int(value, "CAPACIDAD");
            } else if (key == "TIPO_COSTES_ARISTAS") {
                if (value != "EXPLICITOS") {
                    fail("TIPO_COSTES_ARISTAS '" + value + "' is not supported (only EXPLICITOS)");
                }
            } else if (key == "LISTA_ARISTAS_REQ") {
                section = Section::required;
            } else if (key == "LISTA_ARISTAS_NOREQ") {
                section = Section::non_required;
            } else if (key == "DEPOSITO") {
                instance.depot = to_int(value, "DEPOSITO");
                section = Section::header;
            } else if (key != "COMENTARIO" && key != "COSTE_TOTAL_REQ") {
                fail("unknown keyword '" + key + "'");
            }
            if (vertices && (key == "VERTICES") && *vertices <= 0) {
                fail("VERTICES must be positive");
            }
        }
        if (!vertices) {
            fail("VERTICES missing");
        }
        if (!capacity || *capacity <= 0) {
            fail("CAPACIDAD missing or not positive");
        }
        instance.vertices = *vertices;
        instance.capacity = *capacity;
        if (required_count &&
            static_cast<std::size_t>(*required_count) != instance.required.size()) {
            fail("ARISTAS_REQ says " + std::to_string(*required_count) + " but " +
                 std::to_string(instance.required.size()) + " required edges are listed");
        }
        if (non_required_count &&
            static_cast<std::size_t>(*non_required_count) != instance.non_required.size()) {
            fail("ARISTAS_NOREQ says " + std::to_string(*non_required_count) + " but " +
                 std::to_string(instance.non_required.size()) + " non-required edges are listed");
        }
        if (instance.depot < 1 || instance.depot > instance.vertices) {
            fail("DEPOSITO " + std::to_string(instance.depot) + " is not a vertex 1.." +
                 std::to_string(instance.vertices));
        }
        for (const auto& [line, u, v] : m_endpoints) {
            for (const int x : {u, v}) {
                if (x < 1 || x > instance.vertices) {
                    m_line = line;
                    fail("vertex " + std::to_string(x) + " is not in 1.." +
                         std::to_string(instance.vertices));
                }
            }
        }
        return instance;
    }

private:
    void parse_edge(const std::string& line, bool required, CarpInstance& instance) {
        const auto close = line.find(')');
        const auto comma = line.find(',');
        if (close == std::string::npos || comma == std::string::npos || comma > close) {
            fail("malformed edge '" + line + "': expected '(u, v)'");
        }
        const int u = to_int(line.substr(1, comma - 1), "vertex");
        const int v = to_int(line.substr(comma + 1, close - comma - 1), "vertex");
        std::istringstream rest(line.substr(close + 1));
        std::optional<int> cost;
        std::optional<int> demand;
        std::string word;
        std::string number;
        while (rest >> word) {
            if (!(rest >> number)) {
                fail("'" + word + "' without a value");
            }
            if (word == "coste") {
                cost = to_int(number, "coste");
            } else if (word == "demanda") {
                demand = to_int(number, "demanda");
            } else {
                fail("unknown edge field '" + word + "'");
            }
        }
        if (!cost || *cost < 0) {
            fail("edge without a non-negative 'coste'");
        }
        if (required) {
            if (!demand || *demand < 0) {
                fail("required edge without a non-negative 'demanda'");
            }
            instance.required.push_back({u, v, *cost, *demand});
        } else {
            instance.non_required.push_back({u, v, *cost});
        }
        m_endpoints.push_back({m_line, u, v});
    }

    struct Endpoints {
        int line;
        int u;
        int v;
    };

    std::filesystem::path m_file;
    int m_line = 0;
    std::vector<Endpoints> m_endpoints;
};

} // namespace

CarpInstance read_carp_instance(const std::filesystem::path& file) {
    return CarpReader(file).read();
}

// ---------------------------------------------------------------------------------------------
// Shortest paths

CarpDistances::CarpDistances(const CarpInstance& instance, CarpShortestPaths method,
                             unsigned threads)
    : m_stride(static_cast<std::size_t>(instance.vertices) + 1),
      m_dist(m_stride * m_stride, unreachable) {
    const std::size_t n = m_stride;
    if (method == CarpShortestPaths::automatic) {
        // Floyd-Warshall's tight loops win on the literature's graphs; its V^3 does not on
        // towns of thousands of crossings.
        method = instance.vertices > 300 ? CarpShortestPaths::dijkstra
                                         : CarpShortestPaths::floyd_warshall;
    }
    if (method == CarpShortestPaths::dijkstra) {
        // Adjacency in one array (CSR): neighbours of x at first[x]..first[x+1].
        std::vector<std::size_t> first(n + 1, 0);
        auto count = [&](int u, int v) {
            ++first[static_cast<std::size_t>(u) + 1];
            ++first[static_cast<std::size_t>(v) + 1];
        };
        for (const auto& e : instance.required) {
            count(e.u, e.v);
        }
        for (const auto& e : instance.non_required) {
            count(e.u, e.v);
        }
        std::partial_sum(first.begin(), first.end(), first.begin());
        std::vector<std::pair<int, int>> adjacent(first.back()); // (vertex, cost)
        std::vector<std::size_t> fill(first.begin(), first.end() - 1);
        auto link = [&](int u, int v, int cost) {
            adjacent[fill[static_cast<std::size_t>(u)]++] = {v, cost};
            adjacent[fill[static_cast<std::size_t>(v)]++] = {u, cost};
        };
        for (const auto& e : instance.required) {
            link(e.u, e.v, e.cost);
        }
        for (const auto& e : instance.non_required) {
            link(e.u, e.v, e.cost);
        }
        auto rows = [&](std::size_t begin, std::size_t step) {
            // Heap entries pack (cost, vertex) into one integer: cheaper to compare and move.
            std::vector<std::uint64_t> heap;
            for (std::size_t source = begin; source < n; source += step) {
                int* row = m_dist.data() + source * n;
                row[source] = 0;
                heap.assign(1, source);
                while (!heap.empty()) {
                    std::pop_heap(heap.begin(), heap.end(), std::greater<>());
                    const std::uint64_t top = heap.back();
                    heap.pop_back();
                    const auto d = static_cast<int>(top >> 32U);
                    const auto x = static_cast<std::size_t>(top & 0xffffffffU);
                    if (d > row[x]) {
                        continue;
                    }
                    for (std::size_t k = first[x]; k < first[x + 1]; ++k) {
                        const auto [y, cost] = adjacent[k];
                        if (d + cost < row[y]) {
                            row[y] = d + cost;
                            heap.push_back(static_cast<std::uint64_t>(d + cost) << 32U |
                                           static_cast<std::uint64_t>(y));
                            std::push_heap(heap.begin(), heap.end(), std::greater<>());
                        }
                    }
                }
            }
        };
        const std::size_t workers = std::max(1U, threads);
        if (workers == 1) {
            rows(1, 1);
        } else {
            std::vector<std::thread> pool;
            for (std::size_t w = 0; w < workers; ++w) {
                pool.emplace_back(rows, 1 + w, workers);
            }
            for (auto& t : pool) {
                t.join();
            }
        }
        return;
    }
    for (std::size_t i = 1; i < n; ++i) {
        m_dist[i * n + i] = 0;
    }
    auto add = [&](int u, int v, int cost) {
        const auto a = static_cast<std::size_t>(u);
        const auto b = static_cast<std::size_t>(v);
        m_dist[a * n + b] = std::min(m_dist[a * n + b], cost);
        m_dist[b * n + a] = std::min(m_dist[b * n + a], cost);
    };
    for (const auto& e : instance.required) {
        add(e.u, e.v, e.cost);
    }
    for (const auto& e : instance.non_required) {
        add(e.u, e.v, e.cost);
    }
    for (std::size_t k = 1; k < n; ++k) {
        for (std::size_t i = 1; i < n; ++i) {
            const int ik = m_dist[i * n + k];
            if (ik >= unreachable) {
                continue;
            }
            for (std::size_t j = 1; j < n; ++j) {
                const int through = ik + m_dist[k * n + j];
                if (through < m_dist[i * n + j]) {
                    m_dist[i * n + j] = through;
                }
            }
        }
    }
}

std::int64_t carp_cost(const CarpInstance& instance, const CarpDistances& distances,
                       const CarpSolution& solution) {
    std::int64_t cost = 0;
    for (const auto& route : solution.routes) {
        int at = instance.depot;
        for (const CarpService& s : route) {
            const CarpRequiredEdge& e = instance.required.at(s.edge);
            cost += distances(at, s.reversed ? e.v : e.u) + e.cost;
            at = s.reversed ? e.u : e.v;
        }
        cost += distances(at, instance.depot);
    }
    return cost;
}

// ---------------------------------------------------------------------------------------------
// Solver

namespace {

using Route = std::vector<int>; // arcs: 2*edge (u->v) or 2*edge+1 (v->u)
using Routes = std::vector<Route>;
constexpr double improvement = -1e-7; // below this a penalized delta is an improvement

int flip(int arc) {
    return arc ^ 1;
}

/// The solver's view of an instance: arcs, demands and distances as plain arrays. Tasks are the
/// required edges; task t is served by arc 2t or 2t+1.
class ArcModel {
public:
    ArcModel(const CarpInstance& instance, const CarpDistances& distances)
        : m_distances(distances), depot(instance.depot), capacity(instance.capacity) {
        for (const auto& e : instance.required) {
            m_tail.push_back(e.u);
            m_head.push_back(e.v);
            m_tail.push_back(e.v);
            m_head.push_back(e.u);
            m_demand.push_back(e.demand);
            service_cost += e.cost;
        }
    }

    [[nodiscard]] std::size_t tasks() const { return m_demand.size(); }
    [[nodiscard]] int tail(int arc) const { return m_tail[static_cast<std::size_t>(arc)]; }
    [[nodiscard]] int head(int arc) const { return m_head[static_cast<std::size_t>(arc)]; }
    [[nodiscard]] int demand(int arc) const { return m_demand[static_cast<std::size_t>(arc / 2)]; }
    [[nodiscard]] int dist(int from, int to) const { return m_distances(from, to); }

    /// Deadheading of one route.
    [[nodiscard]] std::int64_t deadhead(const Route& route) const {
        std::int64_t cost = 0;
        int at = depot;
        for (const int arc : route) {
            cost += dist(at, tail(arc));
            at = head(arc);
        }
        return cost + dist(at, depot);
    }
    [[nodiscard]] int load(const Route& route) const {
        int total = 0;
        for (const int arc : route) {
            total += demand(arc);
        }
        return total;
    }

private:
    const CarpDistances& m_distances;
    std::vector<int> m_tail;
    std::vector<int> m_head;
    std::vector<int> m_demand;

public:
    const int depot;
    const int capacity;
    std::int64_t service_cost = 0;
};

/// For each task, the tasks nearest to it (shortest distance between any of their endpoints):
/// the only partners the local search tries, so that one pass is linear in the tasks.
std::vector<std::vector<int>> nearest_tasks(const ArcModel& m, std::size_t k, int vertices,
                                            unsigned threads) {
    const std::size_t n = m.tasks();
    k = std::min(k, n == 0 ? 0 : n - 1);
    std::vector<std::vector<int>> result(n);
    auto rows = [&](std::size_t begin, std::size_t step) {
        std::vector<std::pair<int, int>> all;
        // Distance from each vertex to the nearer end of task t: one pass over two rows of
        // the matrix, then two look-ups per other task.
        std::vector<int> near(static_cast<std::size_t>(vertices) + 1);
        for (std::size_t t = begin; t < n; t += step) {
            const int a = m.tail(static_cast<int>(2 * t));
            const int b = m.head(static_cast<int>(2 * t));
            for (int x = 1; x <= vertices; ++x) {
                near[static_cast<std::size_t>(x)] = std::min(m.dist(a, x), m.dist(b, x));
            }
            all.clear();
            for (std::size_t o = 0; o < n; ++o) {
                if (o != t) {
                    all.emplace_back(
                        std::min(near[static_cast<std::size_t>(m.tail(static_cast<int>(2 * o)))],
                                 near[static_cast<std::size_t>(m.head(static_cast<int>(2 * o)))]),
                        static_cast<int>(o));
                }
            }
            std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end());
            all.resize(k);
            std::sort(all.begin(), all.end());
            for (const auto& entry : all) {
                result[t].push_back(entry.second);
            }
        }
    };
    const std::size_t workers = std::max(1U, threads);
    std::vector<std::thread> pool;
    for (std::size_t w = 1; w < workers; ++w) {
        pool.emplace_back(rows, w, workers);
    }
    rows(0, workers);
    for (auto& t : pool) {
        t.join();
    }
    return result;
}

/// A randomized nearest-neighbour giant tour of tasks: from the end of the last task, the next
/// is the nearest unserved one among its neighbours (now and then a random one of the three
/// nearest), or over all tasks when every neighbour is served.
std::vector<int> nearest_neighbour_tour(const ArcModel& m,
                                        const std::vector<std::vector<int>>& neighbours,
                                        std::mt19937_64& rng) {
    const std::size_t n = m.tasks();
    std::vector<bool> served(n, false);
    std::vector<int> tour;
    tour.reserve(n);
    int at = m.depot;
    std::vector<std::pair<int, int>> near;
    std::uniform_real_distribution<double> coin(0.0, 1.0);
    for (std::size_t step = 0; step < n; ++step) {
        near.clear();
        if (!tour.empty()) {
            for (const int o : neighbours[static_cast<std::size_t>(tour.back())]) {
                if (!served[static_cast<std::size_t>(o)]) {
                    near.emplace_back(
                        std::min(m.dist(at, m.tail(2 * o)), m.dist(at, m.head(2 * o))), o);
                }
            }
        }
        int next = -1;
        if (!near.empty()) {
            std::sort(near.begin(), near.end());
            const std::size_t pick = coin(rng) < 0.15
                                         ? std::uniform_int_distribution<std::size_t>(
                                               0, std::min<std::size_t>(2, near.size() - 1))(rng)
                                         : 0;
            next = near[pick].second;
        } else {
            int best = std::numeric_limits<int>::max();
            std::size_t ties = 0;
            for (std::size_t o = 0; o < n; ++o) {
                if (served[o]) {
                    continue;
                }
                const int d = std::min(m.dist(at, m.tail(static_cast<int>(2 * o))),
                                       m.dist(at, m.head(static_cast<int>(2 * o))));
                // Reservoir sampling among the ties keeps the scan single-pass.
                if (d < best) {
                    best = d;
                    next = static_cast<int>(o);
                    ties = 1;
                } else if (d == best &&
                           std::uniform_int_distribution<std::size_t>(0, ties++)(rng) == 0) {
                    next = static_cast<int>(o);
                }
            }
        }
        served[static_cast<std::size_t>(next)] = true;
        tour.push_back(next);
        at = m.dist(at, m.tail(2 * next)) <= m.dist(at, m.head(2 * next)) ? m.head(2 * next)
                                                                          : m.tail(2 * next);
    }
    return tour;
}

/// Serves `tasks` in this order in one route, each in the direction that makes the route
/// cheapest (a shortest path over the two directions of each task). Returns the arcs.
Route orient(const ArcModel& m, const int* tasks, std::size_t count) {
    std::vector<std::array<std::int64_t, 2>> cost(count);
    std::vector<std::array<int, 2>> from(count);
    for (std::size_t j = 0; j < count; ++j) {
        for (int o = 0; o < 2; ++o) {
            const int arc = 2 * tasks[j] + o;
            if (j == 0) {
                cost[j][static_cast<std::size_t>(o)] = m.dist(m.depot, m.tail(arc));
                continue;
            }
            std::int64_t best = std::numeric_limits<std::int64_t>::max();
            for (int p = 0; p < 2; ++p) {
                const std::int64_t c = cost[j - 1][static_cast<std::size_t>(p)] +
                                       m.dist(m.head(2 * tasks[j - 1] + p), m.tail(arc));
                if (c < best) {
                    best = c;
                    from[j][static_cast<std::size_t>(o)] = p;
                }
            }
            cost[j][static_cast<std::size_t>(o)] = best;
        }
    }
    Route route(count);
    int o = cost[count - 1][0] + m.dist(m.head(2 * tasks[count - 1]), m.depot) <=
                    cost[count - 1][1] + m.dist(m.head(2 * tasks[count - 1] + 1), m.depot)
                ? 0
                : 1;
    for (std::size_t j = count; j > 0; --j) {
        route[j - 1] = 2 * tasks[j - 1] + o;
        o = from[j - 1][static_cast<std::size_t>(o)];
    }
    return route;
}

/// Ulusoy's split extended with the choice of directions: the cheapest cut of a giant tour of
/// tasks into routes within the capacity, each route oriented by `orient`. A route only grows
/// while its load fits, so the work is the tasks times the tasks per route.
Routes split(const ArcModel& m, const std::vector<int>& tour) {
    const std::size_t n = tour.size();
    constexpr std::int64_t none = std::numeric_limits<std::int64_t>::max();
    std::vector<std::int64_t> best(n + 1, none);
    std::vector<std::size_t> pred(n + 1, 0);
    best[0] = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (best[i] == none) {
            continue;
        }
        int load = 0;
        std::array<std::int64_t, 2> cost{}; // cheapest from the depot, ending with each direction
        for (std::size_t j = i; j < n; ++j) {
            load += m.demand(2 * tour[j]);
            if (load > m.capacity) {
                break;
            }
            const int a = 2 * tour[j];
            if (j == i) {
                cost = {m.dist(m.depot, m.tail(a)), m.dist(m.depot, m.tail(a + 1))};
            } else {
                const int p = 2 * tour[j - 1];
                std::array<std::int64_t, 2> next{};
                for (int o = 0; o < 2; ++o) {
                    next[static_cast<std::size_t>(o)] =
                        std::min(cost[0] + m.dist(m.head(p), m.tail(a + o)),
                                 cost[1] + m.dist(m.head(p + 1), m.tail(a + o)));
                }
                cost = next;
            }
            const std::int64_t total = best[i] + std::min(cost[0] + m.dist(m.head(a), m.depot),
                                                          cost[1] + m.dist(m.head(a + 1), m.depot));
            if (total < best[j + 1]) {
                best[j + 1] = total;
                pred[j + 1] = i;
            }
        }
    }
    Routes routes;
    for (std::size_t j = n; j > 0; j = pred[j]) {
        routes.push_back(orient(m, tour.data() + pred[j], j - pred[j]));
    }
    std::reverse(routes.begin(), routes.end());
    return routes;
}

/// First-improvement local search in granular neighbourhoods: for each task u and each of its
/// nearest tasks v, relocate u next to v, swap u and v, the same with u and the task after it
/// as a pair, 2-opt* between their routes and 2-opt within their route, plus flipping u and
/// moving u to a new route. Loads above the capacity are allowed at `penalty` per unit of
/// excess.
class LocalSearch {
public:
    LocalSearch(const ArcModel& m, const std::vector<std::vector<int>>& neighbours,
                std::mt19937_64& rng)
        : m_m(m), m_neighbours(neighbours), m_rng(rng), m_route_of(m.tasks()), m_pos_of(m.tasks()),
          m_tested(m.tasks()) {}

    void run(Routes& routes, double penalty) {
        m_penalty = penalty;
        m_routes.clear();
        for (auto& r : routes) {
            m_routes.push_back({std::move(r), {}, 0, 0, 0});
        }
        m_moves = 1;
        for (std::size_t r = 0; r < m_routes.size(); ++r) {
            update(r);
        }
        std::fill(m_tested.begin(), m_tested.end(), 0);
        std::vector<int> order(m_m.tasks());
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), m_rng);
        for (bool improved = true; improved;) {
            improved = false;
            for (const int u : order) {
                improved = improve(u) || improved;
            }
        }
        routes.clear();
        for (auto& r : m_routes) {
            if (!r.arcs.empty()) {
                routes.push_back(std::move(r.arcs));
            }
        }
    }

private:
    struct RouteData {
        Route arcs;
        std::vector<int> prefix; // prefix[p]: load of the first p arcs
        int load = 0;
        std::uint64_t stamp = 0; // move count at the last change
        std::int64_t deadhead = 0;
    };

    [[nodiscard]] double excess(int load) const {
        return load > m_m.capacity ? m_penalty * (load - m_m.capacity) : 0.0;
    }
    [[nodiscard]] int d(int a, int b) const { return m_m.dist(a, b); }
    [[nodiscard]] std::size_t route_of(int task) const {
        return m_route_of[static_cast<std::size_t>(task)];
    }
    [[nodiscard]] std::size_t pos_of(int task) const {
        return m_pos_of[static_cast<std::size_t>(task)];
    }
    [[nodiscard]] int arc_of(int task) const { return m_routes[route_of(task)].arcs[pos_of(task)]; }
    // The vertex a vehicle stands on before position p of route r, and where it goes after.
    [[nodiscard]] int prev_vertex(std::size_t r, std::size_t p) const {
        return p == 0 ? m_m.depot : m_m.head(m_routes[r].arcs[p - 1]);
    }
    [[nodiscard]] int next_vertex(std::size_t r, std::size_t p) const {
        return p + 1 >= m_routes[r].arcs.size() ? m_m.depot : m_m.tail(m_routes[r].arcs[p + 1]);
    }

    void update(std::size_t r) {
        RouteData& data = m_routes[r];
        data.prefix.assign(data.arcs.size() + 1, 0);
        for (std::size_t p = 0; p < data.arcs.size(); ++p) {
            const auto task = static_cast<std::size_t>(data.arcs[p] / 2);
            m_route_of[task] = r;
            m_pos_of[task] = p;
            data.prefix[p + 1] = data.prefix[p] + m_m.demand(data.arcs[p]);
        }
        data.load = data.prefix.back();
        data.deadhead = m_m.deadhead(data.arcs);
        data.stamp = m_moves;
    }
    void changed(std::size_t r1, std::size_t r2) {
        ++m_moves;
        update(r1);
        if (r2 != r1) {
            update(r2);
        }
    }

    bool improve(int u) {
        const std::uint64_t since = m_tested[static_cast<std::size_t>(u)];
        m_tested[static_cast<std::size_t>(u)] = m_moves;
        bool improved = false;
        if (since == 0 || m_routes[route_of(u)].stamp > since) {
            improved = flip_or_new_route(u);
        }
        for (const int v : m_neighbours[static_cast<std::size_t>(u)]) {
            // Nothing to find when neither route changed since u was last tried.
            if (since != 0 && m_routes[route_of(u)].stamp <= since &&
                m_routes[route_of(v)].stamp <= since) {
                continue;
            }
            if (relocate(u, v, true) || relocate(u, v, false) || swap(u, v) || two_opt(u, v) ||
                move_pair(u, v, true) || move_pair(u, v, false) || swap_pair(u, v, 1) ||
                swap_pair(u, v, 2)) {
                improved = true;
            }
        }
        return improved;
    }

    bool flip_or_new_route(int u) {
        const std::size_t r = route_of(u);
        const std::size_t p = pos_of(u);
        const int arc = arc_of(u);
        const int b = prev_vertex(r, p);
        const int c = next_vertex(r, p);
        const int now = d(b, m_m.tail(arc)) + d(m_m.head(arc), c);
        if (d(b, m_m.head(arc)) + d(m_m.tail(arc), c) < now) {
            m_routes[r].arcs[p] = flip(arc);
            changed(r, r);
            return true;
        }
        if (m_routes[r].arcs.size() < 2) {
            return false;
        }
        const int q = m_m.demand(arc);
        const int load = m_routes[r].load;
        const double delta = d(m_m.depot, m_m.tail(arc)) + d(m_m.head(arc), m_m.depot) + d(b, c) -
                             now + excess(q) + excess(load - q) - excess(load);
        if (delta >= improvement) {
            return false;
        }
        m_routes[r].arcs.erase(m_routes[r].arcs.begin() + static_cast<std::ptrdiff_t>(p));
        // Reuse an emptied route so that the route list does not grow without bound.
        std::size_t target = m_routes.size();
        for (std::size_t k = 0; k < m_routes.size(); ++k) {
            if (m_routes[k].arcs.empty()) {
                target = k;
                break;
            }
        }
        if (target == m_routes.size()) {
            m_routes.emplace_back();
        }
        m_routes[target].arcs.assign(1, arc);
        changed(r, target);
        return true;
    }

    /// Moves u just after v (`after`) or just before it, in its better direction.
    bool relocate(int u, int v, bool after) {
        const std::size_t ru = route_of(u);
        const std::size_t pu = pos_of(u);
        const std::size_t rv = route_of(v);
        const std::size_t pv = pos_of(v);
        const bool same = ru == rv;
        if (same && (after ? pv + 1 == pu : pu + 1 == pv)) {
            return false; // already there
        }
        const int arc = arc_of(u);
        const int b = prev_vertex(ru, pu);
        const int c = next_vertex(ru, pu);
        const int removal = d(b, m_m.tail(arc)) + d(m_m.head(arc), c) - d(b, c);
        int x = 0;
        int y = 0;
        if (after) {
            x = m_m.head(arc_of(v));
            y = same && pv + 1 == pu ? c : next_vertex(rv, pv);
        } else {
            x = same && pu + 1 == pv ? b : prev_vertex(rv, pv);
            y = m_m.tail(arc_of(v));
        }
        const int forward = d(x, m_m.tail(arc)) + d(m_m.head(arc), y);
        const int backward = d(x, m_m.head(arc)) + d(m_m.tail(arc), y);
        const int placed = std::min(forward, backward) - d(x, y);
        double delta = placed - removal;
        if (!same) {
            const int q = m_m.demand(arc);
            const int lu = m_routes[ru].load;
            const int lv = m_routes[rv].load;
            delta += excess(lu - q) + excess(lv + q) - excess(lu) - excess(lv);
        }
        if (delta >= improvement) {
            return false;
        }
        Route& from = m_routes[ru].arcs;
        from.erase(from.begin() + static_cast<std::ptrdiff_t>(pu));
        std::size_t at = same && pv > pu ? pv - 1 : pv;
        if (after) {
            ++at;
        }
        Route& to = m_routes[rv].arcs;
        to.insert(to.begin() + static_cast<std::ptrdiff_t>(at),
                  forward <= backward ? arc : flip(arc));
        changed(ru, rv);
        return true;
    }

    /// Exchanges u and v, each in its better direction in the other's place.
    bool swap(int u, int v) {
        const std::size_t ru = route_of(u);
        const std::size_t pu = pos_of(u);
        const std::size_t rv = route_of(v);
        const std::size_t pv = pos_of(v);
        if (ru == rv && (pu + 1 == pv || pv + 1 == pu)) {
            return false; // adjacent: relocate covers it
        }
        const int au = arc_of(u);
        const int av = arc_of(v);
        const int bu = prev_vertex(ru, pu);
        const int cu = next_vertex(ru, pu);
        const int bv = prev_vertex(rv, pv);
        const int cv = next_vertex(rv, pv);
        const int old =
            d(bu, m_m.tail(au)) + d(m_m.head(au), cu) + d(bv, m_m.tail(av)) + d(m_m.head(av), cv);
        const auto [v_in_u, cost_v] = best_fit(av, bu, cu);
        const auto [u_in_v, cost_u] = best_fit(au, bv, cv);
        double delta = cost_v + cost_u - old;
        if (ru != rv) {
            const int dq = m_m.demand(av) - m_m.demand(au);
            const int lu = m_routes[ru].load;
            const int lv = m_routes[rv].load;
            delta += excess(lu + dq) + excess(lv - dq) - excess(lu) - excess(lv);
        }
        if (delta >= improvement) {
            return false;
        }
        m_routes[ru].arcs[pu] = v_in_u;
        m_routes[rv].arcs[pv] = u_in_v;
        changed(ru, rv);
        return true;
    }

    [[nodiscard]] std::pair<int, int> best_fit(int arc, int b, int c) const {
        const int forward = d(b, m_m.tail(arc)) + d(m_m.head(arc), c);
        const int backward = d(b, m_m.head(arc)) + d(m_m.tail(arc), c);
        return forward <= backward ? std::pair{arc, forward} : std::pair{flip(arc), backward};
    }

    /// Consecutive arcs first..first+count-1 of route r, served forward or reversed (each arc
    /// flipped, in the opposite order); their inner deadheading is the same either way.
    struct Piece {
        std::size_t route;
        std::size_t first;
        std::size_t count;
        int start;
        int end;
        int load;
    };
    [[nodiscard]] Piece piece(std::size_t r, std::size_t first, std::size_t count) const {
        const RouteData& data = m_routes[r];
        return {r,
                first,
                count,
                m_m.tail(data.arcs[first]),
                m_m.head(data.arcs[first + count - 1]),
                data.prefix[first + count] - data.prefix[first]};
    }
    /// The cost of driving x -> piece -> y, and whether reversed is the cheaper way.
    [[nodiscard]] std::pair<int, bool> fit(const Piece& p, int x, int y) const {
        const int forward = d(x, p.start) + d(p.end, y);
        const int backward = d(x, p.end) + d(p.start, y);
        return forward <= backward ? std::pair{forward, false} : std::pair{backward, true};
    }
    [[nodiscard]] Route arcs_of(const Piece& p, bool reversed) const {
        const Route& arcs = m_routes[p.route].arcs;
        Route out(arcs.begin() + static_cast<std::ptrdiff_t>(p.first),
                  arcs.begin() + static_cast<std::ptrdiff_t>(p.first + p.count));
        if (reversed) {
            std::reverse(out.begin(), out.end());
            for (int& arc : out) {
                arc = flip(arc);
            }
        }
        return out;
    }

    /// Moves u and the task after it, as a pair in either direction, just after or before v in
    /// another route.
    bool move_pair(int u, int v, bool after) {
        const std::size_t ru = route_of(u);
        const std::size_t rv = route_of(v);
        const std::size_t pu = pos_of(u);
        const std::size_t pv = pos_of(v);
        if (ru == rv || pu + 2 > m_routes[ru].arcs.size()) {
            return false;
        }
        const Piece moved = piece(ru, pu, 2);
        const int b = prev_vertex(ru, pu);
        const int c = next_vertex(ru, pu + 1);
        const int x = after ? m_m.head(arc_of(v)) : prev_vertex(rv, pv);
        const int y = after ? next_vertex(rv, pv) : m_m.tail(arc_of(v));
        const auto [placed, reversed] = fit(moved, x, y);
        const int lu = m_routes[ru].load;
        const int lv = m_routes[rv].load;
        const double delta = placed - d(x, y) - (d(b, moved.start) + d(moved.end, c) - d(b, c)) +
                             excess(lu - moved.load) + excess(lv + moved.load) - excess(lu) -
                             excess(lv);
        if (delta >= improvement) {
            return false;
        }
        const Route arcs = arcs_of(moved, reversed);
        Route& from = m_routes[ru].arcs;
        from.erase(from.begin() + static_cast<std::ptrdiff_t>(pu),
                   from.begin() + static_cast<std::ptrdiff_t>(pu + 2));
        Route& to = m_routes[rv].arcs;
        to.insert(to.begin() + static_cast<std::ptrdiff_t>(after ? pv + 1 : pv), arcs.begin(),
                  arcs.end());
        changed(ru, rv);
        return true;
    }

    /// Exchanges u and the task after it with v (`count` 1) or with v and the task after it
    /// (2), between two routes, each piece in its better direction.
    bool swap_pair(int u, int v, std::size_t count) {
        const std::size_t ru = route_of(u);
        const std::size_t rv = route_of(v);
        const std::size_t pu = pos_of(u);
        const std::size_t pv = pos_of(v);
        if (ru == rv || pu + 2 > m_routes[ru].arcs.size() ||
            pv + count > m_routes[rv].arcs.size()) {
            return false;
        }
        const Piece a = piece(ru, pu, 2);
        const Piece b = piece(rv, pv, count);
        const int bu = prev_vertex(ru, pu);
        const int cu = next_vertex(ru, pu + 1);
        const int bv = prev_vertex(rv, pv);
        const int cv = next_vertex(rv, pv + count - 1);
        const auto [b_in_u, b_reversed] = fit(b, bu, cu);
        const auto [a_in_v, a_reversed] = fit(a, bv, cv);
        const int lu = m_routes[ru].load;
        const int lv = m_routes[rv].load;
        const int dq = b.load - a.load;
        const double delta = b_in_u + a_in_v - d(bu, a.start) - d(a.end, cu) - d(bv, b.start) -
                             d(b.end, cv) + excess(lu + dq) + excess(lv - dq) - excess(lu) -
                             excess(lv);
        if (delta >= improvement) {
            return false;
        }
        const Route into_u = arcs_of(b, b_reversed);
        const Route into_v = arcs_of(a, a_reversed);
        Route& x = m_routes[ru].arcs;
        x.erase(x.begin() + static_cast<std::ptrdiff_t>(pu),
                x.begin() + static_cast<std::ptrdiff_t>(pu + 2));
        x.insert(x.begin() + static_cast<std::ptrdiff_t>(pu), into_u.begin(), into_u.end());
        Route& y = m_routes[rv].arcs;
        y.erase(y.begin() + static_cast<std::ptrdiff_t>(pv),
                y.begin() + static_cast<std::ptrdiff_t>(pv + count));
        y.insert(y.begin() + static_cast<std::ptrdiff_t>(pv), into_v.begin(), into_v.end());
        changed(ru, rv);
        return true;
    }

    /// 2-opt* when u and v are in different routes, 2-opt (a reversal) when in the same one.
    bool two_opt(int u, int v) {
        const std::size_t ru = route_of(u);
        const std::size_t rv = route_of(v);
        const auto pu = static_cast<std::ptrdiff_t>(pos_of(u));
        const auto pv = static_cast<std::ptrdiff_t>(pos_of(v));
        if (ru == rv) {
            if (pu < pv) {
                return reverse(ru, pu, pv) || reverse(ru, pu + 1, pv);
            }
            return reverse(ru, pv, pu) || reverse(ru, pv, pu - 1);
        }
        // Cuts that put u's end next to v's start, u's end next to v's (reversed) end, and u's
        // start next to v's start.
        return cross(ru, pu, rv, pv - 1, false) || cross(ru, pu, rv, pv, true) ||
               cross(ru, pu - 1, rv, pv - 1, true);
    }

    /// Reverses positions i..j of route r (each arc flipped).
    bool reverse(std::size_t r, std::ptrdiff_t i, std::ptrdiff_t j) {
        if (i > j) {
            return false;
        }
        const auto a = static_cast<std::size_t>(i);
        const auto b = static_cast<std::size_t>(j);
        Route& arcs = m_routes[r].arcs;
        const int before = prev_vertex(r, a);
        const int after = next_vertex(r, b);
        const int delta = d(before, m_m.head(arcs[b])) + d(m_m.tail(arcs[a]), after) -
                          d(before, m_m.tail(arcs[a])) - d(m_m.head(arcs[b]), after);
        if (delta >= 0) {
            return false;
        }
        std::reverse(arcs.begin() + i, arcs.begin() + j + 1);
        for (std::size_t k = a; k <= b; ++k) {
            arcs[k] = flip(arcs[k]);
        }
        changed(r, r);
        return true;
    }

    /// Cuts route r1 after position i and route r2 after position j (-1: before the first
    /// arc) and reconnects: head1 + tail2 and head2 + tail1, or (`reversed`) head1 + reversed
    /// head2 and reversed tail1 + tail2. Reversing a piece keeps its cost: distances are
    /// symmetric.
    bool cross(std::size_t r1, std::ptrdiff_t i, std::size_t r2, std::ptrdiff_t j, bool reversed) {
        const RouteData& x = m_routes[r1];
        const RouteData& y = m_routes[r2];
        const auto cut1 = static_cast<std::size_t>(i + 1); // arcs kept in the first piece
        const auto cut2 = static_cast<std::size_t>(j + 1);
        const int xe = cut1 == 0 ? m_m.depot : m_m.head(x.arcs[cut1 - 1]);
        const int xs = cut1 == x.arcs.size() ? m_m.depot : m_m.tail(x.arcs[cut1]);
        const int ye = cut2 == 0 ? m_m.depot : m_m.head(y.arcs[cut2 - 1]);
        const int ys = cut2 == y.arcs.size() ? m_m.depot : m_m.tail(y.arcs[cut2]);
        const int px = x.prefix[cut1];
        const int py = y.prefix[cut2];
        int load1 = 0;
        int load2 = 0;
        int joined = 0;
        if (reversed) {
            load1 = px + py;
            load2 = (x.load - px) + (y.load - py);
            joined = d(xe, ye) + d(xs, ys);
        } else {
            load1 = px + (y.load - py);
            load2 = py + (x.load - px);
            joined = d(xe, ys) + d(ye, xs);
        }
        const double delta = joined - d(xe, xs) - d(ye, ys) + excess(load1) + excess(load2) -
                             excess(x.load) - excess(y.load);
        if (delta >= improvement) {
            return false;
        }
        const Route& a = x.arcs;
        const Route& b = y.arcs;
        Route first(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(cut1));
        Route second;
        if (reversed) {
            for (std::size_t k = cut2; k > 0; --k) {
                first.push_back(flip(b[k - 1]));
            }
            for (std::size_t k = a.size(); k > cut1; --k) {
                second.push_back(flip(a[k - 1]));
            }
            second.insert(second.end(), b.begin() + static_cast<std::ptrdiff_t>(cut2), b.end());
        } else {
            first.insert(first.end(), b.begin() + static_cast<std::ptrdiff_t>(cut2), b.end());
            second.assign(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(cut2));
            second.insert(second.end(), a.begin() + static_cast<std::ptrdiff_t>(cut1), a.end());
        }
        m_routes[r1].arcs = std::move(first);
        m_routes[r2].arcs = std::move(second);
        changed(r1, r2);
        return true;
    }

    const ArcModel& m_m;
    const std::vector<std::vector<int>>& m_neighbours;
    std::mt19937_64& m_rng;
    std::vector<RouteData> m_routes;
    std::vector<std::size_t> m_route_of;
    std::vector<std::size_t> m_pos_of;
    std::vector<std::uint64_t> m_tested;
    std::uint64_t m_moves = 1;
    double m_penalty = 1.0;
};

/// One member of the population: its routes, its giant tour (the routes one after the other)
/// and, for the diversity measure, each task's neighbours in its route (-1: the depot).
struct Individual {
    Routes routes;
    std::vector<int> tour;
    std::vector<int> before;
    std::vector<int> after;
    std::int64_t cost = 0; ///< service plus deadheading
    int overload = 0;      ///< load above the capacity, summed over the routes
    double penalized = 0.0;
    double fitness = 0.0; ///< biased fitness: rank by cost and by contribution to diversity

    [[nodiscard]] bool feasible() const { return overload == 0; }
};

Individual make_individual(const ArcModel& m, Routes routes, double penalty) {
    Individual ind;
    ind.routes = std::move(routes);
    ind.before.assign(m.tasks(), -1);
    ind.after.assign(m.tasks(), -1);
    ind.cost = m.service_cost;
    for (const Route& r : ind.routes) {
        ind.cost += m.deadhead(r);
        ind.overload += std::max(0, m.load(r) - m.capacity);
        for (std::size_t p = 0; p < r.size(); ++p) {
            const int task = r[p] / 2;
            ind.tour.push_back(task);
            if (p > 0) {
                ind.before[static_cast<std::size_t>(task)] = r[p - 1] / 2;
            }
            if (p + 1 < r.size()) {
                ind.after[static_cast<std::size_t>(task)] = r[p + 1] / 2;
            }
        }
    }
    ind.penalized = static_cast<double>(ind.cost) + penalty * ind.overload;
    return ind;
}

/// Broken-pairs distance: the share of task adjacencies (depot included) of `a` missing in `b`,
/// ignoring direction since a route may be driven either way.
double broken_pairs(const Individual& a, const Individual& b) {
    std::size_t broken = 0;
    for (std::size_t t = 0; t < a.after.size(); ++t) {
        broken += static_cast<std::size_t>(a.after[t] != b.after[t] && a.after[t] != b.before[t]);
        broken += static_cast<std::size_t>(a.before[t] != b.before[t] && a.before[t] != b.after[t]);
    }
    return static_cast<double>(broken) /
           static_cast<double>(std::max<std::size_t>(1, 2 * a.after.size()));
}

/// Feasible or infeasible members with their pairwise distances.
class SubPopulation {
public:
    std::vector<Individual> members;

    void add(Individual ind) {
        std::vector<double> row;
        for (std::size_t k = 0; k < members.size(); ++k) {
            const double dd = broken_pairs(ind, members[k]);
            m_distance[k].push_back(dd);
            row.push_back(dd);
        }
        row.push_back(0.0);
        m_distance.push_back(std::move(row));
        members.push_back(std::move(ind));
    }

    void remove(std::size_t k) {
        members.erase(members.begin() + static_cast<std::ptrdiff_t>(k));
        m_distance.erase(m_distance.begin() + static_cast<std::ptrdiff_t>(k));
        for (auto& row : m_distance) {
            row.erase(row.begin() + static_cast<std::ptrdiff_t>(k));
        }
    }

    /// Ranks by penalized cost and by mean distance to the closest members, and mixes the two.
    void update_fitness(std::size_t close, std::size_t elite) {
        const std::size_t n = members.size();
        if (n == 0) {
            return;
        }
        if (n == 1) {
            members[0].fitness = 0.0;
            return;
        }
        std::vector<std::size_t> by_cost(n);
        std::iota(by_cost.begin(), by_cost.end(), 0);
        std::stable_sort(by_cost.begin(), by_cost.end(), [&](std::size_t a, std::size_t b) {
            return members[a].penalized < members[b].penalized;
        });
        std::vector<double> diversity(n);
        const std::size_t count = std::min(close, n - 1);
        std::vector<double> row;
        for (std::size_t k = 0; k < n; ++k) {
            row = m_distance[k];
            row.erase(row.begin() + static_cast<std::ptrdiff_t>(k));
            std::partial_sort(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(count),
                              row.end());
            diversity[k] = std::accumulate(row.begin(),
                                           row.begin() + static_cast<std::ptrdiff_t>(count), 0.0) /
                           static_cast<double>(count);
        }
        std::vector<std::size_t> by_diversity(n);
        std::iota(by_diversity.begin(), by_diversity.end(), 0);
        std::stable_sort(by_diversity.begin(), by_diversity.end(),
                         [&](std::size_t a, std::size_t b) { return diversity[a] > diversity[b]; });
        const double scale = static_cast<double>(n - 1);
        const double weight =
            1.0 - static_cast<double>(std::min(elite, n)) / static_cast<double>(n);
        for (std::size_t rank = 0; rank < n; ++rank) {
            members[by_cost[rank]].fitness = static_cast<double>(rank) / scale;
        }
        for (std::size_t rank = 0; rank < n; ++rank) {
            members[by_diversity[rank]].fitness += weight * static_cast<double>(rank) / scale;
        }
    }

    /// Removes members until `keep` remain, clones first, then the worst biased fitness.
    void select_survivors(std::size_t keep, std::size_t close, std::size_t elite) {
        while (members.size() > keep) {
            update_fitness(close, elite);
            std::size_t worst = 0;
            bool worst_clone = false;
            for (std::size_t k = 0; k < members.size(); ++k) {
                bool clone = false;
                for (std::size_t o = 0; o < members.size(); ++o) {
                    clone = clone || (o != k && m_distance[k][o] < 1e-9);
                }
                if ((clone && !worst_clone) ||
                    (clone == worst_clone && members[k].fitness > members[worst].fitness)) {
                    worst = k;
                    worst_clone = clone;
                }
            }
            remove(worst);
        }
    }

private:
    std::vector<std::vector<double>> m_distance;
};

/// The best solution of all threads, and the report of its improvements.
class SharedBest {
public:
    SharedBest(const CarpOptions& options, std::chrono::steady_clock::time_point start)
        : m_options(options), m_start(start) {}

    void offer(const Individual& ind, std::size_t thread) {
        if (ind.cost > m_cost.load(std::memory_order_relaxed)) {
            return;
        }
        const std::lock_guard lock(m_mutex);
        // Equal costs go to the lowest thread: with an iteration limit the result then does not
        // depend on which thread gets there first.
        if (ind.cost > m_cost || (ind.cost == m_cost && thread >= m_thread)) {
            return;
        }
        const bool better = ind.cost < m_cost;
        m_routes = ind.routes;
        m_cost = ind.cost;
        m_thread = thread;
        if (better && m_options.on_improvement) {
            m_options.on_improvement(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count(),
                ind.cost);
        }
    }

    [[nodiscard]] Routes routes() const { return m_routes; }

private:
    const CarpOptions& m_options;
    std::chrono::steady_clock::time_point m_start;
    std::mutex m_mutex;
    std::atomic<std::int64_t> m_cost{std::numeric_limits<std::int64_t>::max()};
    std::size_t m_thread = std::numeric_limits<std::size_t>::max();
    Routes m_routes;
};

/// One hybrid genetic search (Vidal's HGS scheme) with its own random stream.
class GeneticSearch {
public:
    GeneticSearch(const ArcModel& m, const std::vector<std::vector<int>>& neighbours,
                  std::uint64_t seed, SharedBest& shared, std::size_t thread)
        : m_m(m), m_neighbours(neighbours), m_rng(seed), m_search(m, neighbours, m_rng),
          m_shared(shared), m_thread(thread) {
        // As in HGS: a unit of overload costs about as much as the longest trip per unit of the
        // largest demand.
        int max_trip = 1;
        int max_demand = 1;
        for (std::size_t t = 0; t < m.tasks(); ++t) {
            const int arc = static_cast<int>(2 * t);
            max_trip =
                std::max(max_trip, m.dist(m.depot, m.tail(arc)) + m.dist(m.head(arc), m.depot));
            max_demand = std::max(max_demand, m.demand(arc));
        }
        m_penalty = std::clamp(static_cast<double>(max_trip) / max_demand, 0.1, 1000.0);
    }

    void run(std::chrono::steady_clock::time_point deadline, std::size_t max_iterations) {
        const std::size_t n = m_m.tasks();
        auto done = [&] {
            return m_iterations > 0 && ((max_iterations > 0 && m_iterations >= max_iterations) ||
                                        std::chrono::steady_clock::now() >= deadline);
        };
        while (!done()) {
            // Initial population: nearest-neighbour tours, and random orders on all but large
            // instances, where they would take most of the time to repair. On towns of
            // thousands of streets one local search takes a noticeable time: a smaller first
            // population starts the crossovers sooner.
            const std::size_t initial = n > 1000 ? mu : 4 * mu;
            for (std::size_t k = 0; k < initial && !done(); ++k) {
                std::vector<int> tour;
                if (k % 2 == 0 || n > 1000) {
                    tour = nearest_neighbour_tour(m_m, m_neighbours, m_rng);
                } else {
                    tour.resize(n);
                    std::iota(tour.begin(), tour.end(), 0);
                    std::shuffle(tour.begin(), tour.end(), m_rng);
                }
                educate(split(m_m, tour));
            }
            std::size_t since_best = 0;
            while (!done() && since_best < restart_after) {
                const Individual& a = tournament();
                const Individual& b = tournament();
                const std::vector<int> child = crossover(a.tour, b.tour);
                const std::int64_t before = m_run_best;
                educate(split(m_m, child));
                since_best = m_run_best < before ? 0 : since_best + 1;
                if (m_iterations % 50 == 0) {
                    adapt_penalty();
                }
            }
            // Restart from a fresh population; SharedBest keeps the best solution.
            m_feasible = SubPopulation();
            m_infeasible = SubPopulation();
            m_run_best = std::numeric_limits<std::int64_t>::max();
        }
    }

private:
    static constexpr std::size_t mu = 25;
    static constexpr std::size_t lambda = 40;
    static constexpr std::size_t close = 5;
    static constexpr std::size_t elite = 4;
    static constexpr std::size_t restart_after = 4000;

    void educate(Routes routes) {
        ++m_iterations;
        m_search.run(routes, m_penalty);
        Individual ind = make_individual(m_m, std::move(routes), m_penalty);
        m_recent_feasible.push_back(ind.feasible());
        // Repair: the same search with a much higher penalty usually restores feasibility.
        // Until a first feasible solution exists the penalty keeps growing, which ends with
        // overloaded tasks moved to routes of their own.
        const bool none_yet = m_best_cost == std::numeric_limits<std::int64_t>::max();
        if (!ind.feasible() && (none_yet || std::uniform_int_distribution<int>(0, 1)(m_rng) == 0)) {
            Routes repaired = ind.routes;
            for (double factor = 10.0;; factor *= 10.0) {
                m_search.run(repaired, m_penalty * factor);
                Individual fixed = make_individual(m_m, repaired, m_penalty);
                if (fixed.feasible()) {
                    insert(std::move(fixed));
                    break;
                }
                if ((!none_yet && factor >= 100.0) || factor > 1e12) {
                    break;
                }
            }
        }
        insert(std::move(ind));
    }

    void insert(Individual ind) {
        if (ind.feasible()) {
            m_run_best = std::min(m_run_best, ind.cost);
            if (ind.cost < m_best_cost) {
                m_best_cost = ind.cost;
                m_shared.offer(ind, m_thread);
            }
            m_feasible.add(std::move(ind));
            if (m_feasible.members.size() > mu + lambda) {
                m_feasible.select_survivors(mu, close, elite);
            }
        } else {
            m_infeasible.add(std::move(ind));
            if (m_infeasible.members.size() > mu + lambda) {
                m_infeasible.select_survivors(mu, close, elite);
            }
        }
    }

    const Individual& tournament() {
        m_feasible.update_fitness(close, elite);
        m_infeasible.update_fitness(close, elite);
        const std::size_t total = m_feasible.members.size() + m_infeasible.members.size();
        auto pick = [&]() -> const Individual& {
            const auto k = std::uniform_int_distribution<std::size_t>(0, total - 1)(m_rng);
            return k < m_feasible.members.size()
                       ? m_feasible.members[k]
                       : m_infeasible.members[k - m_feasible.members.size()];
        };
        const Individual& a = pick();
        const Individual& b = pick();
        return a.fitness <= b.fitness ? a : b;
    }

    /// Order crossover (OX) of two giant tours.
    std::vector<int> crossover(const std::vector<int>& a, const std::vector<int>& b) {
        const std::size_t n = a.size();
        std::uniform_int_distribution<std::size_t> position(0, n - 1);
        const std::size_t start = position(m_rng);
        std::size_t end = position(m_rng);
        while (n > 1 && end == start) {
            end = position(m_rng);
        }
        std::vector<int> child(n, -1);
        std::vector<bool> used(n, false);
        for (std::size_t k = start; k != (end + 1) % n; k = (k + 1) % n) {
            child[k] = a[k];
            used[static_cast<std::size_t>(a[k])] = true;
            if (n == 1) {
                break;
            }
        }
        std::size_t at = (end + 1) % n;
        for (std::size_t k = 0; k < n; ++k) {
            const int task = b[(end + 1 + k) % n];
            if (!used[static_cast<std::size_t>(task)]) {
                child[at] = task;
                used[static_cast<std::size_t>(task)] = true;
                at = (at + 1) % n;
            }
        }
        return child;
    }

    /// Keeps about a fifth of the searched solutions feasible (before repair).
    void adapt_penalty() {
        if (m_recent_feasible.empty()) {
            return;
        }
        const double share = static_cast<double>(std::count(m_recent_feasible.begin(),
                                                            m_recent_feasible.end(), true)) /
                             static_cast<double>(m_recent_feasible.size());
        m_recent_feasible.clear();
        if (share < 0.15) {
            m_penalty = std::min(100000.0, m_penalty * 1.2);
        } else if (share > 0.25) {
            m_penalty = std::max(0.1, m_penalty * 0.85);
        }
        for (Individual& ind : m_infeasible.members) {
            ind.penalized = static_cast<double>(ind.cost) + m_penalty * ind.overload;
        }
    }

    const ArcModel& m_m;
    const std::vector<std::vector<int>>& m_neighbours;
    std::mt19937_64 m_rng;
    LocalSearch m_search;
    SharedBest& m_shared;
    std::size_t m_thread;
    double m_penalty = 1.0;
    SubPopulation m_feasible;
    SubPopulation m_infeasible;
    std::vector<bool> m_recent_feasible;
    std::size_t m_iterations = 0;
    std::int64_t m_best_cost = std::numeric_limits<std::int64_t>::max();
    std::int64_t m_run_best = std::numeric_limits<std::int64_t>::max();
};

void check_solvable(const CarpInstance& instance, const CarpDistances& distances) {
    for (std::size_t i = 0; i < instance.required.size(); ++i) {
        const auto& e = instance.required[i];
        if (e.demand > instance.capacity) {
            throw Error(instance.name + ": required edge (" + std::to_string(e.u) + ", " +
                        std::to_string(e.v) + ") has demand " + std::to_string(e.demand) +
                        " above the capacity " + std::to_string(instance.capacity));
        }
        if (distances(instance.depot, e.u) >= CarpDistances::unreachable) {
            throw Error(instance.name + ": required edge (" + std::to_string(e.u) + ", " +
                        std::to_string(e.v) + ") cannot be reached from the depot");
        }
    }
}

/// Seeds for the threads: well apart even for consecutive user seeds (splitmix64).
std::uint64_t derived_seed(std::uint64_t seed, std::size_t thread) {
    std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (thread + 1);
    z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
    return thread == 0 ? seed : z ^ (z >> 31U);
}

} // namespace

CarpSolution solve_carp(const CarpInstance& instance, const CarpOptions& options) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto deadline =
        start + std::chrono::duration_cast<Clock::duration>(
                    std::chrono::duration<double>(std::max(0.0, options.time_limit_s)));
    const CarpDistances distances(instance, CarpShortestPaths::automatic, options.threads);
    check_solvable(instance, distances);
    CarpSolution solution;
    if (instance.required.empty()) {
        return solution;
    }
    const ArcModel model(instance, distances);
    const auto neighbours = nearest_tasks(model, 20, instance.vertices, options.threads);
    SharedBest shared(options, start);
    const std::size_t threads = std::max(1U, options.threads);
    auto work = [&](std::size_t thread) {
        GeneticSearch search(model, neighbours, derived_seed(options.seed, thread), shared, thread);
        search.run(deadline, options.max_iterations);
    };
    if (threads == 1) {
        work(0);
    } else {
        std::vector<std::thread> pool;
        std::exception_ptr failure;
        std::mutex failure_mutex;
        for (std::size_t t = 0; t < threads; ++t) {
            pool.emplace_back([&, t] {
                try {
                    work(t);
                } catch (...) {
                    const std::lock_guard lock(failure_mutex);
                    failure = std::current_exception();
                }
            });
        }
        for (auto& thread : pool) {
            thread.join();
        }
        if (failure) {
            std::rethrow_exception(failure);
        }
    }
    for (const Route& r : shared.routes()) {
        auto& out = solution.routes.emplace_back();
        for (const int arc : r) {
            out.push_back({static_cast<std::size_t>(arc / 2), (arc & 1) != 0});
        }
    }
    solution.cost = carp_cost(instance, distances, solution);
    return solution;
}

} // namespace ykm::gis

#include "ykm/gis/carp.hpp"

#include "ykm/gis/error.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <limits>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>

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

CarpDistances::CarpDistances(const CarpInstance& instance)
    : m_stride(static_cast<std::size_t>(instance.vertices) + 1),
      m_dist(m_stride * m_stride, unreachable) {
    const std::size_t n = m_stride;
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

int flip(int arc) {
    return arc ^ 1;
}

/// The solver's view of an instance: arcs, demands and distances as plain arrays.
class ArcModel {
public:
    ArcModel(const CarpInstance& instance, const CarpDistances& distances)
        : m_instance(instance), m_distances(distances), depot(instance.depot),
          capacity(instance.capacity) {
        for (const auto& e : instance.required) {
            m_tail.push_back(e.u);
            m_head.push_back(e.v);
            m_tail.push_back(e.v);
            m_head.push_back(e.u);
            service_cost += e.cost;
        }
    }

    [[nodiscard]] std::size_t arc_count() const { return m_tail.size(); }
    [[nodiscard]] int tail(int arc) const { return m_tail[static_cast<std::size_t>(arc)]; }
    [[nodiscard]] int head(int arc) const { return m_head[static_cast<std::size_t>(arc)]; }
    [[nodiscard]] int demand(int arc) const {
        return m_instance.required[static_cast<std::size_t>(arc / 2)].demand;
    }
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
    [[nodiscard]] std::int64_t cost(const Routes& routes) const {
        std::int64_t total = service_cost;
        for (const auto& r : routes) {
            total += deadhead(r);
        }
        return total;
    }

private:
    const CarpInstance& m_instance;
    const CarpDistances& m_distances;
    std::vector<int> m_tail;
    std::vector<int> m_head;

public:
    const int depot;
    const int capacity;
    std::int64_t service_cost = 0;
};

/// A randomized nearest-neighbour giant tour: from the current vertex, the next arc is drawn
/// among the unserved arcs whose start is nearest (ties and near-ties broken at random).
std::vector<int> random_giant_tour(const ArcModel& m, std::mt19937_64& rng) {
    const std::size_t edges = m.arc_count() / 2;
    std::vector<bool> served(edges, false);
    std::vector<int> tour;
    tour.reserve(edges);
    int at = m.depot;
    std::vector<int> candidates;
    for (std::size_t step = 0; step < edges; ++step) {
        int best = std::numeric_limits<int>::max();
        candidates.clear();
        for (std::size_t arc = 0; arc < m.arc_count(); ++arc) {
            if (served[arc / 2]) {
                continue;
            }
            const int d = m.dist(at, m.tail(static_cast<int>(arc)));
            if (d < best) {
                best = d;
                candidates.assign(1, static_cast<int>(arc));
            } else if (d == best) {
                candidates.push_back(static_cast<int>(arc));
            }
        }
        const int arc =
            candidates[std::uniform_int_distribution<std::size_t>(0, candidates.size() - 1)(rng)];
        served[static_cast<std::size_t>(arc / 2)] = true;
        tour.push_back(arc);
        at = m.head(arc);
    }
    return tour;
}

/// Ulusoy's split: the optimal cut of a giant tour (orientations fixed) into routes that
/// respect the capacity.
Routes split(const ArcModel& m, const std::vector<int>& tour) {
    const std::size_t n = tour.size();
    std::vector<std::int64_t> best(n + 1, std::numeric_limits<std::int64_t>::max());
    std::vector<std::size_t> pred(n + 1, 0);
    best[0] = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (best[i] == std::numeric_limits<std::int64_t>::max()) {
            continue;
        }
        int load = 0;
        std::int64_t inner = 0;
        for (std::size_t j = i; j < n; ++j) {
            load += m.demand(tour[j]);
            if (load > m.capacity) {
                break;
            }
            if (j > i) {
                inner += m.dist(m.head(tour[j - 1]), m.tail(tour[j]));
            }
            const std::int64_t cost = best[i] + m.dist(m.depot, m.tail(tour[i])) + inner +
                                      m.dist(m.head(tour[j]), m.depot);
            if (cost < best[j + 1]) {
                best[j + 1] = cost;
                pred[j + 1] = i;
            }
        }
    }
    Routes routes;
    for (std::size_t j = n; j > 0; j = pred[j]) {
        routes.emplace_back(tour.begin() + static_cast<std::ptrdiff_t>(pred[j]),
                            tour.begin() + static_cast<std::ptrdiff_t>(j));
    }
    std::reverse(routes.begin(), routes.end());
    return routes;
}

/// First-improvement local search over relocate, swap, 2-opt (with flips) and 2-opt*.
class LocalSearch {
public:
    explicit LocalSearch(const ArcModel& m) : m_m(m) {}

    void run(Routes& routes) {
        m_routes = &routes;
        bool improved = true;
        while (improved) {
            improved = false;
            refresh();
            improved = two_opt_intra() || relocate() || swap() || two_opt_star();
        }
        std::erase_if(routes, [](const Route& r) { return r.empty(); });
    }

private:
    // The vertex a vehicle stands on before position p of route r, and where it goes after.
    int before(const Route& r, std::size_t p) const {
        return p == 0 ? m_m.depot : m_m.head(r[p - 1]);
    }
    int after(const Route& r, std::size_t p) const {
        return p + 1 >= r.size() ? m_m.depot : m_m.tail(r[p + 1]);
    }
    int start_at(const Route& r, std::size_t p) const {
        return p >= r.size() ? m_m.depot : m_m.tail(r[p]);
    }
    int end_before(const Route& r, std::size_t p) const {
        return p == 0 ? m_m.depot : m_m.head(r[p - 1]);
    }

    void refresh() {
        m_load.clear();
        for (const auto& r : *m_routes) {
            m_load.push_back(m_m.load(r));
        }
    }

    bool two_opt_intra() {
        for (auto& r : *m_routes) {
            for (std::size_t i = 0; i < r.size(); ++i) {
                const int b = before(r, i);
                for (std::size_t j = i; j < r.size(); ++j) {
                    const int c = after(r, j);
                    const int delta = m_m.dist(b, m_m.head(r[j])) + m_m.dist(m_m.tail(r[i]), c) -
                                      m_m.dist(b, m_m.tail(r[i])) - m_m.dist(m_m.head(r[j]), c);
                    if (delta < 0) {
                        std::reverse(r.begin() + static_cast<std::ptrdiff_t>(i),
                                     r.begin() + static_cast<std::ptrdiff_t>(j) + 1);
                        for (std::size_t k = i; k <= j; ++k) {
                            r[k] = flip(r[k]);
                        }
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /// Moves one arc to another place (any route, or a new one), in either direction.
    bool relocate() {
        Routes& routes = *m_routes;
        for (std::size_t r1 = 0; r1 < routes.size(); ++r1) {
            for (std::size_t p = 0; p < routes[r1].size(); ++p) {
                const int arc = routes[r1][p];
                const int b = before(routes[r1], p);
                const int c = after(routes[r1], p);
                const int gain =
                    m_m.dist(b, m_m.tail(arc)) + m_m.dist(m_m.head(arc), c) - m_m.dist(b, c);
                for (std::size_t r2 = 0; r2 <= routes.size(); ++r2) {
                    const bool fresh = r2 == routes.size();
                    if (fresh && routes[r1].size() == 1) {
                        continue;
                    }
                    if (!fresh && r2 != r1 && m_load[r2] + m_m.demand(arc) > m_m.capacity) {
                        continue;
                    }
                    if (r2 == r1) {
                        if (relocate_within(routes[r1], p, gain)) {
                            return true;
                        }
                        continue;
                    }
                    static const Route empty;
                    const Route& target = fresh ? empty : routes[r2];
                    for (std::size_t q = 0; q <= target.size(); ++q) {
                        const int x = end_before(target, q);
                        const int y = start_at(target, q);
                        for (const int a : {arc, flip(arc)}) {
                            const int cost = m_m.dist(x, m_m.tail(a)) + m_m.dist(m_m.head(a), y) -
                                             m_m.dist(x, y);
                            if (cost < gain) {
                                if (fresh) {
                                    routes.emplace_back();
                                }
                                Route& to = routes[r2];
                                routes[r1].erase(routes[r1].begin() +
                                                 static_cast<std::ptrdiff_t>(p));
                                to.insert(to.begin() + static_cast<std::ptrdiff_t>(q), a);
                                return true;
                            }
                        }
                    }
                }
            }
        }
        return false;
    }

    bool relocate_within(Route& r, std::size_t p, int gain) {
        const int arc = r[p];
        Route rest = r;
        rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(p));
        for (std::size_t q = 0; q <= rest.size(); ++q) {
            if (q == p) {
                continue; // same place: a flip, which 2-opt covers
            }
            const int x = end_before(rest, q);
            const int y = start_at(rest, q);
            for (const int a : {arc, flip(arc)}) {
                const int cost =
                    m_m.dist(x, m_m.tail(a)) + m_m.dist(m_m.head(a), y) - m_m.dist(x, y);
                if (cost < gain) {
                    rest.insert(rest.begin() + static_cast<std::ptrdiff_t>(q), a);
                    r = std::move(rest);
                    return true;
                }
            }
        }
        return false;
    }

    /// Exchanges two arcs of different routes, each in its better direction.
    bool swap() {
        Routes& routes = *m_routes;
        for (std::size_t r1 = 0; r1 < routes.size(); ++r1) {
            for (std::size_t r2 = r1 + 1; r2 < routes.size(); ++r2) {
                for (std::size_t p = 0; p < routes[r1].size(); ++p) {
                    const int a1 = routes[r1][p];
                    const int b1 = before(routes[r1], p);
                    const int c1 = after(routes[r1], p);
                    const int old1 = m_m.dist(b1, m_m.tail(a1)) + m_m.dist(m_m.head(a1), c1);
                    for (std::size_t q = 0; q < routes[r2].size(); ++q) {
                        const int a2 = routes[r2][q];
                        const int dd = m_m.demand(a2) - m_m.demand(a1);
                        if (m_load[r1] + dd > m_m.capacity || m_load[r2] - dd > m_m.capacity) {
                            continue;
                        }
                        const int b2 = before(routes[r2], q);
                        const int c2 = after(routes[r2], q);
                        const int old2 = m_m.dist(b2, m_m.tail(a2)) + m_m.dist(m_m.head(a2), c2);
                        const auto [in1, cost1] = best_fit(a2, b1, c1);
                        const auto [in2, cost2] = best_fit(a1, b2, c2);
                        if (cost1 + cost2 < old1 + old2) {
                            routes[r1][p] = in1;
                            routes[r2][q] = in2;
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    std::pair<int, int> best_fit(int arc, int b, int c) const {
        const int forward = m_m.dist(b, m_m.tail(arc)) + m_m.dist(m_m.head(arc), c);
        const int backward = m_m.dist(b, m_m.head(arc)) + m_m.dist(m_m.tail(arc), c);
        return forward <= backward ? std::pair{arc, forward} : std::pair{flip(arc), backward};
    }

    /// Cuts two routes and reconnects their pieces: head1+tail2 / head2+tail1, or
    /// head1+reversed head2 / reversed tail1+tail2.
    bool two_opt_star() {
        Routes& routes = *m_routes;
        for (std::size_t r1 = 0; r1 < routes.size(); ++r1) {
            const Route& x = routes[r1];
            std::vector<int> prefix1 = prefix_loads(x);
            for (std::size_t r2 = r1 + 1; r2 < routes.size(); ++r2) {
                const Route& y = routes[r2];
                std::vector<int> prefix2 = prefix_loads(y);
                for (std::size_t p = 0; p <= x.size(); ++p) {
                    const int xe = end_before(x, p);
                    const int xs = start_at(x, p);
                    for (std::size_t q = 0; q <= y.size(); ++q) {
                        const int ye = end_before(y, q);
                        const int ys = start_at(y, q);
                        const int old = m_m.dist(xe, xs) + m_m.dist(ye, ys);
                        // head1 + tail2, head2 + tail1
                        if (prefix1[p] + (m_load[r2] - prefix2[q]) <= m_m.capacity &&
                            prefix2[q] + (m_load[r1] - prefix1[p]) <= m_m.capacity &&
                            m_m.dist(xe, ys) + m_m.dist(ye, xs) < old) {
                            Route nx(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(p));
                            nx.insert(nx.end(), y.begin() + static_cast<std::ptrdiff_t>(q),
                                      y.end());
                            Route ny(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(q));
                            ny.insert(ny.end(), x.begin() + static_cast<std::ptrdiff_t>(p),
                                      x.end());
                            routes[r1] = std::move(nx);
                            routes[r2] = std::move(ny);
                            return true;
                        }
                        // head1 + reversed head2, reversed tail1 + tail2
                        if (prefix1[p] + prefix2[q] <= m_m.capacity &&
                            (m_load[r1] - prefix1[p]) + (m_load[r2] - prefix2[q]) <= m_m.capacity &&
                            m_m.dist(xe, ye) + m_m.dist(xs, ys) < old) {
                            Route nx(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(p));
                            for (std::size_t k = q; k > 0; --k) {
                                nx.push_back(flip(y[k - 1]));
                            }
                            Route ny;
                            for (std::size_t k = x.size(); k > p; --k) {
                                ny.push_back(flip(x[k - 1]));
                            }
                            ny.insert(ny.end(), y.begin() + static_cast<std::ptrdiff_t>(q),
                                      y.end());
                            routes[r1] = std::move(nx);
                            routes[r2] = std::move(ny);
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    std::vector<int> prefix_loads(const Route& r) const {
        std::vector<int> prefix(r.size() + 1, 0);
        for (std::size_t i = 0; i < r.size(); ++i) {
            prefix[i + 1] = prefix[i] + m_m.demand(r[i]);
        }
        return prefix;
    }

    const ArcModel& m_m;
    Routes* m_routes = nullptr;
    std::vector<int> m_load;
};

/// Removes `count` random arcs and puts each back at its cheapest feasible place.
void perturb(const ArcModel& m, Routes& routes, std::size_t count, std::mt19937_64& rng) {
    std::vector<int> removed;
    for (std::size_t k = 0; k < count; ++k) {
        std::erase_if(routes, [](const Route& r) { return r.empty(); });
        if (routes.empty()) {
            break;
        }
        Route& r = routes[std::uniform_int_distribution<std::size_t>(0, routes.size() - 1)(rng)];
        const auto p = std::uniform_int_distribution<std::size_t>(0, r.size() - 1)(rng);
        removed.push_back(r[p]);
        r.erase(r.begin() + static_cast<std::ptrdiff_t>(p));
    }
    std::erase_if(routes, [](const Route& r) { return r.empty(); });
    std::shuffle(removed.begin(), removed.end(), rng);
    for (const int arc : removed) {
        std::int64_t best = std::numeric_limits<std::int64_t>::max();
        std::size_t best_route = routes.size();
        std::size_t best_pos = 0;
        int best_arc = arc;
        for (std::size_t r = 0; r <= routes.size(); ++r) {
            static const Route empty;
            const Route& route = r == routes.size() ? empty : routes[r];
            if (m.load(route) + m.demand(arc) > m.capacity) {
                continue;
            }
            for (std::size_t q = 0; q <= route.size(); ++q) {
                const int x = q == 0 ? m.depot : m.head(route[q - 1]);
                const int y = q == route.size() ? m.depot : m.tail(route[q]);
                for (const int a : {arc, flip(arc)}) {
                    const std::int64_t cost =
                        m.dist(x, m.tail(a)) + m.dist(m.head(a), y) - m.dist(x, y);
                    if (cost < best) {
                        best = cost;
                        best_route = r;
                        best_pos = q;
                        best_arc = a;
                    }
                }
            }
        }
        if (best_route == routes.size()) {
            routes.emplace_back();
        }
        Route& to = routes[best_route];
        to.insert(to.begin() + static_cast<std::ptrdiff_t>(best_pos), best_arc);
    }
}

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

} // namespace

CarpSolution solve_carp(const CarpInstance& instance, const CarpOptions& options) {
    using Clock = std::chrono::steady_clock;
    const auto deadline =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(std::max(0.0, options.time_limit_s)));
    const CarpDistances distances(instance);
    check_solvable(instance, distances);
    const ArcModel model(instance, distances);
    std::mt19937_64 rng(options.seed);
    LocalSearch search(model);

    Routes best;
    std::int64_t best_cost = std::numeric_limits<std::int64_t>::max();
    Routes current;
    std::int64_t current_cost = best_cost;
    std::size_t since_improvement = 0;
    // Restart from a fresh giant tour when perturbing the incumbent has stopped paying off.
    const std::size_t restart_after = 50 + 2 * instance.required.size();
    for (std::size_t iteration = 0;; ++iteration) {
        if (iteration > 0 && (Clock::now() >= deadline || (options.max_iterations > 0 &&
                                                           iteration >= options.max_iterations))) {
            break;
        }
        if (instance.required.empty()) {
            best_cost = 0;
            break;
        }
        Routes candidate;
        if (current.empty() || since_improvement >= restart_after) {
            candidate = split(model, random_giant_tour(model, rng));
            current_cost = std::numeric_limits<std::int64_t>::max();
            since_improvement = 0;
        } else {
            candidate = current;
            const std::size_t most = std::max<std::size_t>(2, instance.required.size() / 6);
            perturb(model, candidate, std::uniform_int_distribution<std::size_t>(2, most)(rng),
                    rng);
        }
        search.run(candidate);
        const std::int64_t cost = model.cost(candidate);
        if (cost < current_cost) {
            if (current_cost != std::numeric_limits<std::int64_t>::max()) {
                since_improvement = 0;
            }
            current = candidate;
            current_cost = cost;
        } else {
            ++since_improvement;
        }
        if (cost < best_cost) {
            best = std::move(candidate);
            best_cost = cost;
        }
    }

    CarpSolution solution;
    for (const Route& r : best) {
        auto& out = solution.routes.emplace_back();
        for (const int arc : r) {
            out.push_back({static_cast<std::size_t>(arc / 2), (arc & 1) != 0});
        }
    }
    solution.cost = instance.required.empty() ? 0 : carp_cost(instance, distances, solution);
    return solution;
}

} // namespace ykm::gis

#pragma once

// The capacitated arc routing problem (CARP) on the literature benchmark files (CARPLIB):
// reading an instance, shortest paths between its vertices, and a heuristic solver.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace ykm::gis {

/// An undirected edge that must be served once: vertices are the instance's 1-based numbers.
struct CarpRequiredEdge {
    int u = 0;
    int v = 0;
    int cost = 0;   ///< traversal (and service) cost
    int demand = 0; ///< load taken by the vehicle that serves it
};

/// An undirected edge that may only be driven along (deadheading).
struct CarpDeadheadEdge {
    int u = 0;
    int v = 0;
    int cost = 0;
};

/// One CARPLIB instance. Vertices are numbered 1..vertices.
struct CarpInstance {
    std::string name;
    int vertices = 0;
    int capacity = 0;
    int vehicles = 0; ///< informative only: the solver leaves the fleet size free
    int depot = 1;
    std::vector<CarpRequiredEdge> required;
    std::vector<CarpDeadheadEdge> non_required;
};

/// Reads a CARPLIB file (Spanish keywords, any spacing, LF or CRLF line ends).
/// Throws ykm::Error "FILE:LINE: what" on bad input, "FILE: cannot open" when unreadable.
CarpInstance read_carp_instance(const std::filesystem::path& file);

/// How CarpDistances computes its matrix. Both give the same costs.
enum class CarpShortestPaths {
    automatic,      ///< Floyd-Warshall on small graphs, Dijkstra on large ones
    floyd_warshall, ///< O(V^3)
    dijkstra,       ///< one binary-heap Dijkstra per vertex: O(V E log V)
};

/// Shortest path costs between all pairs of vertices of an instance, over the required and
/// non-required edges. Needs (V + 1)^2 ints of memory.
class CarpDistances {
public:
    /// `threads` share the Dijkstra runs (Floyd-Warshall runs on one).
    explicit CarpDistances(const CarpInstance& instance,
                           CarpShortestPaths method = CarpShortestPaths::automatic,
                           unsigned threads = 1);

    /// The cost of a shortest path from vertex `from` to vertex `to` (1-based); `unreachable`
    /// when there is none.
    [[nodiscard]] int operator()(int from, int to) const {
        return m_dist[static_cast<std::size_t>(from) * m_stride + static_cast<std::size_t>(to)];
    }

    static constexpr int unreachable = 1 << 29;

private:
    std::size_t m_stride = 0;
    std::vector<int> m_dist;
};

/// One service: the required edge `edge` (index into CarpInstance::required), driven from u to
/// v, or from v to u when `reversed`.
struct CarpService {
    std::size_t edge = 0;
    bool reversed = false;

    friend bool operator==(const CarpService&, const CarpService&) = default;
};

/// Vehicle routes, each leaving the depot, serving its services in order and returning.
struct CarpSolution {
    std::vector<std::vector<CarpService>> routes;
    std::int64_t cost = 0; ///< service costs plus deadheading along shortest paths
};

struct CarpOptions {
    /// Wall-clock seconds from the call; the first solution is always completed.
    double time_limit_s = 5.0;
    std::uint64_t seed = 1;
    /// Stop after this many search iterations (0: only the time limit). With a limit that is
    /// reached before the time limit, the result depends on the seed only.
    std::size_t max_iterations = 0;
    /// Independent searches run in parallel, each with its own seed derived from `seed`; the
    /// result is the best of them. 0 counts as 1.
    unsigned threads = 1;
    /// Called whenever the best solution found so far improves, with the seconds since the
    /// call of solve_carp and the new cost; calls never overlap. May be empty.
    std::function<void(double seconds, std::int64_t cost)> on_improvement;
};

/// The cost of `solution` recomputed from its routes (service plus deadheading costs).
std::int64_t carp_cost(const CarpInstance& instance, const CarpDistances& distances,
                       const CarpSolution& solution);

/// Solves a CARP instance heuristically with a hybrid genetic search: a population of giant
/// tours, order crossover, an optimal split into routes that also picks each service's
/// direction, and a granular local search (relocate, swap, 2-opt, 2-opt* between each task and
/// its nearest tasks) that may overload vehicles at a penalty adapted during the search; runs
/// until the time limit or the iteration limit. With one thread the same seed and iteration
/// limit give the same solution.
/// Throws ykm::Error when a required edge cannot be reached from the depot or a demand exceeds
/// the capacity.
CarpSolution solve_carp(const CarpInstance& instance, const CarpOptions& options);

} // namespace ykm::gis

#include "ykm/gis/noding.hpp"

#include "ykm/gis/error.hpp"

#include <geos_c.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ykm::gis {
namespace {

// A GEOS reentrant context whose error handler records the last message for the caller to
// report; the handler never throws.
class GeosContext {
public:
    GeosContext() : m_handle(GEOS_init_r()) {
        if (m_handle == nullptr) {
            throw Error("GEOS: cannot create a context");
        }
        GEOSContext_setErrorMessageHandler_r(m_handle, &GeosContext::record, &m_last_error);
    }
    ~GeosContext() { GEOS_finish_r(m_handle); }
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;

    [[nodiscard]] GEOSContextHandle_t handle() const { return m_handle; }

    [[noreturn]] void fail(const std::string& what) const {
        throw Error("GEOS: " + what + (m_last_error.empty() ? "" : ": " + m_last_error));
    }

private:
    static void record(const char* message, void* userdata) {
        try {
            *static_cast<std::string*>(userdata) = message != nullptr ? message : "";
        } catch (...) { // NOLINT(bugprone-empty-catch): a C callback must not throw
        }
    }

    GEOSContextHandle_t m_handle = nullptr;
    std::string m_last_error;
};

// Deleters that hold the context that created the object.
struct GeometryDeleter {
    GEOSContextHandle_t context;
    void operator()(GEOSGeometry* g) const noexcept { GEOSGeom_destroy_r(context, g); }
};
using GeometryPtr = std::unique_ptr<GEOSGeometry, GeometryDeleter>;

struct TreeDeleter {
    GEOSContextHandle_t context;
    void operator()(GEOSSTRtree* t) const noexcept { GEOSSTRtree_destroy_r(context, t); }
};
using TreePtr = std::unique_ptr<GEOSSTRtree, TreeDeleter>;

GeometryPtr rectangle(const GeosContext& geos, const Box& box) {
    GEOSGeometry* g =
        GEOSGeom_createRectangle_r(geos.handle(), box.min_x, box.min_y, box.max_x, box.max_y);
    if (g == nullptr) {
        geos.fail("cannot create an envelope");
    }
    return GeometryPtr(g, GeometryDeleter{geos.handle()});
}

// An STRtree of the lines' envelopes, each grown by a margin so that a point query finds every
// line within that margin. Items are line indices.
class LineIndex {
public:
    LineIndex(const GeosContext& geos, const std::vector<RoadLine>& lines, double margin)
        : m_geos(geos),
          m_tree(GEOSSTRtree_create_r(geos.handle(), 10), TreeDeleter{geos.handle()}) {
        if (!m_tree) {
            geos.fail("cannot create an STRtree");
        }
        m_envelopes.reserve(lines.size());
        for (std::size_t i = 0; i < lines.size(); ++i) {
            Box box = Box::empty();
            for (const XY& p : lines[i].points) {
                box.extend(p);
            }
            if (box.is_empty()) {
                continue;
            }
            m_envelopes.push_back(rectangle(geos, grown(box, margin)));
            GEOSSTRtree_insert_r(geos.handle(), m_tree.get(), m_envelopes.back().get(), item_of(i));
        }
    }

    // Indices of the lines whose grown envelope meets `box`, in increasing order.
    std::vector<std::size_t> query(const Box& box) const {
        const GeometryPtr window = rectangle(m_geos, box);
        std::vector<std::size_t> found;
        QueryState state{&found, false};
        GEOSSTRtree_query_r(m_geos.handle(), m_tree.get(), window.get(), &LineIndex::collect,
                            &state);
        if (state.failed) {
            throw Error("GEOS: out of memory while querying an STRtree");
        }
        std::ranges::sort(found);
        return found;
    }

    static Box grown(Box box, double margin) {
        box.min_x -= margin;
        box.min_y -= margin;
        box.max_x += margin;
        box.max_y += margin;
        return box;
    }

private:
    struct QueryState {
        std::vector<std::size_t>* found;
        bool failed;
    };

    static void* item_of(std::size_t i) {
        return reinterpret_cast<void*>(static_cast<std::uintptr_t>(i)); // NOLINT
    }

    static void collect(void* item, void* userdata) {
        auto* state = static_cast<QueryState*>(userdata);
        try {
            state->found->push_back(
                static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(item))); // NOLINT
        } catch (...) {
            state->failed = true;
        }
    }

    const GeosContext& m_geos;
    TreePtr m_tree;
    std::vector<GeometryPtr> m_envelopes;
};

double distance(const XY& a, const XY& b) {
    return std::hypot(a.x - b.x, a.y - b.y);
}

// A vertex to insert into a line: on segment `segment` (from points[segment] to
// points[segment + 1]) at fraction `t`.
struct Insertion {
    std::size_t segment;
    double t;
    XY at;
};

void apply_insertions(std::vector<RoadLine>& lines,
                      std::vector<std::vector<Insertion>>& insertions) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
        auto& list = insertions[i];
        if (list.empty()) {
            continue;
        }
        std::ranges::sort(list, [](const Insertion& a, const Insertion& b) {
            return std::pair(a.segment, a.t) < std::pair(b.segment, b.t);
        });
        const Polyline& old = lines[i].points;
        Polyline points;
        points.reserve(old.size() + list.size());
        auto next = list.begin();
        for (std::size_t k = 0; k < old.size(); ++k) {
            points.push_back(old[k]);
            for (; next != list.end() && next->segment == k; ++next) {
                if (!(points.back() == next->at) && !(old[k + 1] == next->at)) {
                    points.push_back(next->at);
                }
            }
        }
        lines[i].points = std::move(points);
        list.clear();
    }
}

// Union-find over line ends, for clustering ends that lie within the tolerance.
class DisjointSets {
public:
    explicit DisjointSets(std::size_t n) : m_parent(n) {
        std::iota(m_parent.begin(), m_parent.end(), std::size_t{0});
    }
    std::size_t find(std::size_t a) {
        while (m_parent[a] != a) {
            m_parent[a] = m_parent[m_parent[a]];
            a = m_parent[a];
        }
        return a;
    }
    void unite(std::size_t a, std::size_t b) {
        a = find(a);
        b = find(b);
        // The smaller index stays the root so the first end of a cluster gives its position.
        if (a != b) {
            m_parent[std::max(a, b)] = std::min(a, b);
        }
    }

private:
    std::vector<std::size_t> m_parent;
};

struct CellHash {
    std::size_t operator()(const std::pair<std::int64_t, std::int64_t>& c) const noexcept {
        return std::hash<std::int64_t>{}(c.first * 73856093 ^ c.second * 19349663);
    }
};

// End e of the lines: line e / 2, the start when e is even, the end when odd.
XY& end_point(std::vector<RoadLine>& lines, std::size_t e) {
    Polyline& p = lines[e / 2].points;
    return e % 2 == 0 ? p.front() : p.back();
}

// Moves line ends that lie within the tolerance of each other onto one place (the first end's).
// Returns, for each end, the index of the first end of its cluster.
std::vector<std::size_t> cluster_ends(std::vector<RoadLine>& lines, double tolerance) {
    const std::size_t ends = lines.size() * 2;
    DisjointSets sets(ends);
    if (tolerance > 0) {
        std::unordered_map<std::pair<std::int64_t, std::int64_t>, std::vector<std::size_t>,
                           CellHash>
            grid;
        auto cell_of = [tolerance](const XY& p) {
            return std::pair(static_cast<std::int64_t>(std::floor(p.x / tolerance)),
                             static_cast<std::int64_t>(std::floor(p.y / tolerance)));
        };
        for (std::size_t e = 0; e < ends; ++e) {
            if (lines[e / 2].points.empty()) {
                continue;
            }
            const XY p = end_point(lines, e);
            const auto [cx, cy] = cell_of(p);
            for (std::int64_t dx = -1; dx <= 1; ++dx) {
                for (std::int64_t dy = -1; dy <= 1; ++dy) {
                    auto found = grid.find({cx + dx, cy + dy});
                    if (found == grid.end()) {
                        continue;
                    }
                    for (std::size_t other : found->second) {
                        if (distance(end_point(lines, other), p) <= tolerance) {
                            sets.unite(e, other);
                        }
                    }
                }
            }
            grid[{cx, cy}].push_back(e);
        }
    }
    std::vector<std::size_t> cluster(ends);
    for (std::size_t e = 0; e < ends; ++e) {
        if (lines[e / 2].points.empty()) {
            cluster[e] = e;
            continue;
        }
        cluster[e] = sets.find(e);
        end_point(lines, e) = end_point(lines, cluster[e]);
    }
    return cluster;
}

struct Nearest {
    double distance = 0;
    std::size_t line = 0;
    std::size_t segment = 0;
    double t = 0;
    XY at;
};

// Snaps every cluster of line ends that lies within the tolerance of another line's interior
// onto that line: onto an existing vertex of it when one is within the tolerance, else onto a
// new vertex inserted at the nearest point.
void snap_ends_to_interiors(std::vector<RoadLine>& lines, const std::vector<std::size_t>& cluster,
                            double tolerance, const GeosContext& geos) {
    const LineIndex index(geos, lines, 2 * tolerance);
    std::vector<std::vector<Insertion>> insertions(lines.size());

    // Along-line distances of every vertex, for telling a line's own end from its interior.
    std::vector<std::vector<double>> along(lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const Polyline& p = lines[i].points;
        along[i].resize(p.size());
        for (std::size_t k = 1; k < p.size(); ++k) {
            along[i][k] = along[i][k - 1] + distance(p[k - 1], p[k]);
        }
    }

    std::vector<std::vector<std::size_t>> members(cluster.size());
    for (std::size_t e = 0; e < cluster.size(); ++e) {
        if (lines[e / 2].points.size() >= 2) {
            members[cluster[e]].push_back(e);
        }
    }
    for (std::size_t root = 0; root < members.size(); ++root) {
        const auto& ends = members[root];
        if (ends.empty()) {
            continue;
        }
        const XY at = end_point(lines, root);
        const Box window{at.x, at.y, at.x, at.y};
        std::optional<Nearest> best;
        for (std::size_t j : index.query(window)) {
            const Polyline& p = lines[j].points;
            if (p.size() < 2) {
                continue;
            }
            const bool start_here = std::ranges::find(ends, 2 * j) != ends.end();
            const bool end_here = std::ranges::find(ends, 2 * j + 1) != ends.end();
            const double total = along[j].back();
            for (std::size_t k = 0; k + 1 < p.size(); ++k) {
                const XY a = p[k];
                const XY b = p[k + 1];
                const double dx = b.x - a.x;
                const double dy = b.y - a.y;
                const double len2 = dx * dx + dy * dy;
                double t = len2 > 0 ? ((at.x - a.x) * dx + (at.y - a.y) * dy) / len2 : 0.0;
                t = std::clamp(t, 0.0, 1.0);
                const XY q{a.x + t * dx, a.y + t * dy};
                const double d = distance(q, at);
                if (d > tolerance) {
                    continue;
                }
                // A line's own end is near its own first and last metres; those are not the
                // interior it could be snapped onto.
                const double s = along[j][k] + t * std::sqrt(len2);
                if ((start_here && s <= 2 * tolerance) ||
                    (end_here && total - s <= 2 * tolerance)) {
                    continue;
                }
                if (!best || d < best->distance) {
                    best = Nearest{d, j, k, t, q};
                }
            }
        }
        if (!best) {
            continue;
        }
        const Polyline& p = lines[best->line].points;
        XY target = best->at;
        const XY& a = p[best->segment];
        const XY& b = p[best->segment + 1];
        // Prefer an existing vertex to a new one a few centimetres from it.
        if (distance(a, at) <= tolerance && distance(a, at) <= distance(b, at)) {
            target = a;
        } else if (distance(b, at) <= tolerance) {
            target = b;
        } else {
            insertions[best->line].push_back(Insertion{best->segment, best->t, target});
        }
        for (std::size_t e : ends) {
            end_point(lines, e) = target;
        }
    }
    apply_insertions(lines, insertions);
}

// Inserts a vertex into both lines wherever two segments cross or one touches the other's
// interior without a shared vertex.
void split_at_crossings(std::vector<RoadLine>& lines, const GeosContext& geos) {
    const LineIndex index(geos, lines, 0.0);
    std::vector<std::vector<Insertion>> insertions(lines.size());
    constexpr double eps = 1e-12;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const Polyline& p = lines[i].points;
        if (p.size() < 2) {
            continue;
        }
        Box box = Box::empty();
        for (const XY& v : p) {
            box.extend(v);
        }
        for (std::size_t j : index.query(box)) {
            if (j < i) {
                continue;
            }
            const Polyline& q = lines[j].points;
            for (std::size_t k = 0; k + 1 < p.size(); ++k) {
                const XY a = p[k];
                const XY b = p[k + 1];
                const std::size_t first_l = j == i ? k + 2 : 0;
                for (std::size_t l = first_l; l + 1 < q.size(); ++l) {
                    const XY c = q[l];
                    const XY d = q[l + 1];
                    if (std::max(a.x, b.x) < std::min(c.x, d.x) ||
                        std::max(c.x, d.x) < std::min(a.x, b.x) ||
                        std::max(a.y, b.y) < std::min(c.y, d.y) ||
                        std::max(c.y, d.y) < std::min(a.y, b.y)) {
                        continue;
                    }
                    const double rx = b.x - a.x;
                    const double ry = b.y - a.y;
                    const double sx = d.x - c.x;
                    const double sy = d.y - c.y;
                    const double denom = rx * sy - ry * sx;
                    if (denom == 0.0) {
                        continue; // parallel or collinear: an overlap is not a crossing
                    }
                    const double t = ((c.x - a.x) * sy - (c.y - a.y) * sx) / denom;
                    const double u = ((c.x - a.x) * ry - (c.y - a.y) * rx) / denom;
                    if (t < -eps || t > 1 + eps || u < -eps || u > 1 + eps) {
                        continue;
                    }
                    const bool t_inside = t > eps && t < 1 - eps;
                    const bool u_inside = u > eps && u < 1 - eps;
                    if (!t_inside && !u_inside) {
                        continue; // they meet at vertices of both
                    }
                    XY at{a.x + t * rx, a.y + t * ry};
                    if (!t_inside) {
                        at = t <= eps ? a : b;
                    } else if (!u_inside) {
                        at = u <= eps ? c : d;
                    }
                    if (t_inside) {
                        insertions[i].push_back(Insertion{k, t, at});
                    }
                    if (u_inside) {
                        insertions[j].push_back(Insertion{l, u, at});
                    }
                }
            }
        }
    }
    apply_insertions(lines, insertions);
}

struct PointHash {
    std::size_t operator()(const XY& p) const noexcept {
        const auto hx = std::hash<std::uint64_t>{}(std::bit_cast<std::uint64_t>(p.x));
        const auto hy = std::hash<std::uint64_t>{}(std::bit_cast<std::uint64_t>(p.y));
        return hx ^ (hy + 0x9e3779b97f4a7c15ULL + (hx << 6) + (hx >> 2));
    }
};

void assign_keys(std::vector<RoadLine>& lines) {
    std::unordered_map<XY, std::int64_t, PointHash> key_of;
    std::int64_t next = -1;
    for (RoadLine& line : lines) {
        line.vertex_keys.resize(line.points.size());
        for (std::size_t k = 0; k < line.points.size(); ++k) {
            XY p = line.points[k];
            // -0.0 and 0.0 are one place but hash differently.
            p.x += 0.0;
            p.y += 0.0;
            auto [it, inserted] = key_of.try_emplace(p, next);
            if (inserted) {
                --next;
            }
            line.vertex_keys[k] = it->second;
        }
    }
}

} // namespace

void node_lines(std::vector<RoadLine>& lines, const NodingOptions& options) {
    if (!(options.snap_tolerance_m >= 0.0) || !std::isfinite(options.snap_tolerance_m)) {
        throw Error("snapping tolerance " + std::to_string(options.snap_tolerance_m) +
                    " m is not a distance");
    }
    const GeosContext geos;
    if (options.snap_tolerance_m > 0 && !lines.empty()) {
        const auto cluster = cluster_ends(lines, options.snap_tolerance_m);
        snap_ends_to_interiors(lines, cluster, options.snap_tolerance_m, geos);
    }
    if (options.split_crossings && !lines.empty()) {
        split_at_crossings(lines, geos);
    }
    assign_keys(lines);
}

} // namespace ykm::gis

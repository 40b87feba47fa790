#include "ykm/gis/map_matcher.hpp"

#include "ykm/gis/error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace ykm::gis {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
// Hypotheses this far below the best (in log probability) are not extended: they cannot come
// back (beam search). Routes whose length departs from the expected distance by more than this
// many beta are not searched for: such a transition is e^-8 times less likely than a fitting one.
constexpr double beam_nats = 15.0;
constexpr double route_cap_betas = 8.0;
// Parent markers of the two seeds of a search (real parents are edge indices).
constexpr std::uint32_t seed_ahead = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t seed_turned = seed_ahead - 1;
constexpr EdgeIndex no_edge = std::numeric_limits<EdgeIndex>::max();

// Distances of a bounded Dijkstra. Stamped with a generation so a search touches only the nodes
// it reaches; one per thread (not per matcher) because a server keeps a matcher for each of
// thousands of vehicles and the arrays are as long as the graph has nodes.
struct SearchSpace {
    struct Entry {
        double distance;
        NodeIndex node;
        bool operator>(const Entry& other) const { return distance > other.distance; }
    };
    std::vector<double> distance;
    std::vector<std::uint32_t> mark; ///< 2*generation: reached; 2*generation+1: settled
    std::vector<std::uint32_t> parent;
    std::vector<std::uint32_t> target; ///< == generation: an unsettled target
    std::vector<Entry> heap;
    std::uint32_t generation = 0;

    void begin(std::size_t nodes) {
        if (distance.size() < nodes) {
            distance.resize(nodes);
            mark.resize(nodes, 0);
            parent.resize(nodes);
            target.resize(nodes, 0);
        }
        if (++generation >= 0x7FFF'FFFFU) {
            std::ranges::fill(mark, 0U);
            std::ranges::fill(target, 0U);
            generation = 1;
        }
        heap.clear();
    }
    [[nodiscard]] bool settled(NodeIndex n) const { return mark[n] == 2 * generation + 1; }
    [[nodiscard]] double settled_distance(NodeIndex n) const {
        return settled(n) ? distance[n] : infinity;
    }
};

SearchSpace& search_space() {
    thread_local SearchSpace space;
    return space;
}

// How a candidate is reached from its predecessor.
enum class RouteKind : std::uint8_t {
    start,     ///< first point of a chain
    same_edge, ///< forward along the same edge (or standing, within the backward jitter)
    turned,    ///< U-turn in mid-segment onto the twin edge
    nodes,     ///< to the end of the edge, through nodes, along the new edge
};

} // namespace

struct OnlineMatcher::State {
    struct Candidate {
        EdgeIndex edge = 0;
        double offset = 0.0;   ///< projection of the fix on the edge
        double along = 0.0;    ///< where the path puts the vehicle (never behind its predecessor)
        double distance = 0.0; ///< from the fix to the edge
        double score = -infinity;
        double route = 0.0; ///< route length from the predecessor, with any U-turn penalty
        std::uint32_t back = 0;
        RouteKind kind = RouteKind::start;
    };
    struct Step {
        std::int64_t time_ms = 0;
        XY position;
        std::uint64_t sequence = 0;
        // A vehicle standing still sends fixes that add nothing but time: they extend the step.
        std::int64_t until_ms = 0;
        std::uint64_t until_sequence = 0;
        bool standing = false;
        double sigma = 0.0;
        double radius = 0.0;
        double speed_mps = -1.0;   ///< negative: not reported
        double bearing_deg = -1.0; ///< negative: not reported, or too slow to mean anything
        std::uint32_t count = 0;
    };
    struct PathPiece {
        EdgeIndex edge;
        double from;
        double to;
    };

    const RoadGraph* graph;
    MatchParameters params;
    std::size_t max_candidates;
    std::size_t capacity; ///< steps the ring holds

    // The undecided window [head, tail) in absolute step numbers; step k lives in ring slot
    // k % capacity, its candidates at slot * max_candidates.
    std::vector<Step> steps;
    std::vector<Candidate> candidates;
    std::uint64_t head = 0;
    std::uint64_t tail = 0;

    // The last decided match of the current chain, where the next decided route starts.
    bool has_anchor = false;
    Candidate anchor;
    Step anchor_step;

    bool has_open = false;
    Traversal open; ///< the decided traversal still growing
    std::vector<Traversal> decided;

    std::uint64_t next_sequence = 0;
    bool has_time = false;
    std::int64_t last_time_ms = 0;

    // Scratch, reused from point to point.
    std::vector<EdgeProjection> near;
    std::vector<NodeIndex> targets;
    std::vector<std::uint32_t> walk;
    std::vector<std::uint32_t> walk_next;
    std::vector<std::uint32_t> ancestry;
    std::vector<EdgeIndex> path_edges;
    std::vector<PathPiece> pieces;

    State(const RoadGraph& g, const MatchParameters& p)
        : graph(&g), params(p), max_candidates(std::max<std::size_t>(p.max_candidates, 1)),
          capacity(std::max<std::size_t>(p.max_lag, 1) + 2), steps(capacity),
          candidates(capacity * max_candidates) {
        walk.reserve(max_candidates);
        walk_next.reserve(max_candidates);
        ancestry.reserve(capacity);
    }

    Step& step(std::uint64_t k) { return steps[k % capacity]; }
    Candidate* candidates_of(std::uint64_t k) {
        return candidates.data() + (k % capacity) * max_candidates;
    }

    // ---- routing ----------------------------------------------------------------------------

    // Bounded one-to-many Dijkstra from a vehicle at `along` on `edge`: it leaves by the edge's
    // end node, or turns in mid-segment and leaves by its start node (with the U-turn penalty).
    void search(SearchSpace& s, EdgeIndex edge, double along, double bound) {
        const RoadGraph& g = *graph;
        const DirectedEdge& e = g.edge(edge);
        std::size_t remaining = 0;
        for (NodeIndex t : targets) {
            if (s.target[t] != s.generation) {
                s.target[t] = s.generation;
                ++remaining;
            }
        }
        const std::uint32_t reached = 2 * s.generation;
        auto relax = [&](NodeIndex n, double d, std::uint32_t parent) {
            if (d > bound) {
                return;
            }
            if (s.mark[n] == reached) {
                if (d >= s.distance[n]) {
                    return;
                }
            } else if (s.mark[n] == reached + 1) {
                return;
            }
            s.mark[n] = reached;
            s.distance[n] = d;
            s.parent[n] = parent;
            s.heap.push_back({d, n});
            std::ranges::push_heap(s.heap, std::greater<>{});
        };
        relax(e.to, std::max(0.0, e.length_m - along), seed_ahead);
        if (g.twin(edge)) {
            relax(e.from, along + params.uturn_penalty_m, seed_turned);
        }
        while (!s.heap.empty() && remaining > 0) {
            std::ranges::pop_heap(s.heap, std::greater<>{});
            const SearchSpace::Entry top = s.heap.back();
            s.heap.pop_back();
            if (s.mark[top.node] != reached || top.distance > s.distance[top.node]) {
                continue; // stale entry
            }
            s.mark[top.node] = reached + 1;
            if (s.target[top.node] == s.generation) {
                s.target[top.node] = 0;
                --remaining;
            }
            const auto outs = g.out_edges(top.node);
            // Turning back here costs the penalty unless the node is a dead end.
            EdgeIndex back = no_edge;
            if (outs.size() > 1) {
                back = g.twin(arrival(s, top.node, edge)).value_or(no_edge);
            }
            for (EdgeIndex out : outs) {
                const DirectedEdge& next = g.edge(out);
                const double turn = out == back ? params.node_uturn_penalty_m : 0.0;
                relax(next.to, top.distance + next.length_m + turn, out);
            }
        }
    }

    // The edge by which a search from a vehicle on `from_edge` reached node `n`.
    EdgeIndex arrival(const SearchSpace& s, NodeIndex n, EdgeIndex from_edge) const {
        const std::uint32_t parent = s.parent[n];
        if (parent == seed_ahead) {
            return from_edge;
        }
        if (parent == seed_turned) {
            return *graph->twin(from_edge);
        }
        return parent;
    }

    // Turning back at an intersection costs the U-turn penalty; at a dead end it is free.
    [[nodiscard]] double turn_cost(EdgeIndex arrived, EdgeIndex leaving, NodeIndex node) const {
        return graph->twin(arrived).value_or(no_edge) == leaving &&
                       graph->out_edges(node).size() > 1
                   ? params.node_uturn_penalty_m
                   : 0.0;
    }

    // The best way from `p` to the candidate `c`; `via_nodes` is the settled cost to reach c's
    // edge's start node and turn onto it. Returns the route length (infinity if none) and sets
    // kind and along.
    double route_to(const Candidate& p, const Candidate& c, double via_nodes, double jitter,
                    RouteKind& kind, double& along) const {
        const RoadGraph& g = *graph;
        double best = infinity;
        if (c.edge == p.edge) {
            if (c.offset >= p.along) {
                best = c.offset - p.along;
                kind = RouteKind::same_edge;
                along = c.offset;
            } else if (p.along - c.offset <= jitter) {
                // Noise, not a reversal: the vehicle holds its furthest position, so no run of
                // small backward steps can add up to driving backwards.
                best = 0.0;
                kind = RouteKind::same_edge;
                along = p.along;
            }
        }
        if (g.twin(p.edge).value_or(no_edge) == c.edge) {
            const double turned =
                std::abs(g.edge(p.edge).length_m - c.offset - p.along) + params.uturn_penalty_m;
            if (turned < best) {
                best = turned;
                kind = RouteKind::turned;
                along = c.offset;
            }
        }
        const double through = via_nodes + c.offset;
        if (through < best) {
            best = through;
            kind = RouteKind::nodes;
            along = c.offset;
        }
        return best;
    }

    // ---- the lattice ------------------------------------------------------------------------

    [[nodiscard]] double bound_for(const Step& from, const Step& to) const {
        const double dt_s = static_cast<double>(to.time_ms - from.until_ms) / 1000.0;
        return params.max_speed_mps * dt_s + 2.0 * to.radius + params.uturn_penalty_m;
    }

    // Scores the new step's candidates from the previous step (or the anchor); false when none
    // can be reached.
    bool transition(const Step& prev_step, Candidate* prev, std::size_t prev_count, const Step& now,
                    Candidate* now_candidates) {
        const double straight = std::hypot(now.position.x - prev_step.position.x,
                                           now.position.y - prev_step.position.y);
        // The distances the reported speeds allow, when both fixes have one: between the lower
        // and the higher speed held over the interval.
        const bool speeds = prev_step.speed_mps >= 0.0 && now.speed_mps >= 0.0;
        const double dt_s = static_cast<double>(now.time_ms - prev_step.until_ms) / 1000.0;
        const double slowest = std::min(prev_step.speed_mps, now.speed_mps) * dt_s;
        const double fastest = std::max(prev_step.speed_mps, now.speed_mps) * dt_s;
        const double bound = bound_for(prev_step, now);
        const double cap = std::max(straight, speeds ? fastest : 0.0) +
                           params.beta_m * route_cap_betas + params.node_uturn_penalty_m;
        const double jitter = 3.0 * now.sigma;
        targets.clear();
        for (std::uint32_t j = 0; j < now.count; ++j) {
            const NodeIndex from = graph->edge(now_candidates[j].edge).from;
            if (std::ranges::find(targets, from) == targets.end()) {
                targets.push_back(from);
            }
        }
        SearchSpace& s = search_space();
        bool any = false;
        for (std::uint32_t i = 0; i < prev_count; ++i) {
            const Candidate& p = prev[i];
            if (p.score < -beam_nats) { // dead, or too unlikely to matter (best is 0)
                continue;
            }
            s.begin(graph->node_count());
            search(s, p.edge, p.along, std::min(bound, cap));
            for (std::uint32_t j = 0; j < now.count; ++j) {
                Candidate& c = now_candidates[j];
                RouteKind kind = RouteKind::start;
                double along = 0.0;
                const NodeIndex from = graph->edge(c.edge).from;
                const double via =
                    s.settled(from)
                        ? s.distance[from] + turn_cost(arrival(s, from, p.edge), c.edge, from)
                        : infinity;
                const double route = route_to(p, c, via, jitter, kind, along);
                if (!(route <= bound)) {
                    continue;
                }
                double misfit = std::abs(route - straight);
                if (speeds) {
                    misfit = std::min(misfit, std::max({0.0, slowest - route, route - fastest}));
                }
                const double score = p.score - misfit / params.beta_m;
                if (score > c.score) {
                    c.score = score;
                    c.back = i;
                    c.kind = kind;
                    c.route = route;
                    c.along = along;
                    any = true;
                }
            }
        }
        return any;
    }

    [[nodiscard]] double emission(const Candidate& c, const Step& st) const {
        const double z = c.distance / st.sigma;
        double log_p = -0.5 * z * z;
        if (st.bearing_deg >= 0.0) {
            double turn = std::abs(graph->heading_at(c.edge, c.offset) - st.bearing_deg);
            turn = std::min(turn, 360.0 - turn);
            const double h = turn / params.heading_sigma_deg;
            log_p -= 0.5 * h * h;
        }
        return log_p;
    }

    std::uint32_t best_of(std::uint64_t k) {
        const Candidate* cs = candidates_of(k);
        std::uint32_t best = 0;
        for (std::uint32_t j = 1; j < step(k).count; ++j) {
            if (cs[j].score > cs[best].score) {
                best = j;
            }
        }
        return best;
    }

    // Kills candidates whose best path does not come from the anchor's choice: after the
    // oldest step is decided, only its chosen candidate lives.
    void prune_after_decision(std::uint32_t chosen_in_decided_step) {
        std::uint32_t only = chosen_in_decided_step;
        bool first = true;
        for (std::uint64_t k = head; k < tail; ++k) {
            Candidate* cs = candidates_of(k);
            const Candidate* prev = k > head ? candidates_of(k - 1) : nullptr;
            for (std::uint32_t j = 0; j < step(k).count; ++j) {
                Candidate& c = cs[j];
                if (c.score == -infinity) {
                    continue;
                }
                const bool keep = first ? c.back == only : prev[c.back].score != -infinity;
                if (!keep) {
                    c.score = -infinity;
                }
            }
            first = false;
        }
    }

    // Decides steps head..k following the ancestry of candidate `j` at step k.
    void decide_through(std::uint64_t k, std::uint32_t j) {
        ancestry.clear();
        for (std::uint64_t i = k + 1; i-- > head;) {
            ancestry.push_back(j);
            j = candidates_of(i)[j].back;
        }
        for (std::uint64_t i = head; i <= k; ++i) {
            const std::uint32_t chosen = ancestry[static_cast<std::size_t>(k - i)];
            decide(candidates_of(i)[chosen], step(i));
            head = i + 1;
            if (i == k) {
                prune_after_decision(chosen);
            }
        }
    }

    // Decides what every surviving hypothesis agrees on, and forces the oldest steps when the
    // window is longer than max_lag.
    void settle() {
        if (head == tail) {
            return;
        }
        walk.clear();
        const std::uint64_t newest = tail - 1;
        const Candidate* cs = candidates_of(newest);
        for (std::uint32_t j = 0; j < step(newest).count; ++j) {
            if (cs[j].score != -infinity) {
                walk.push_back(j);
            }
        }
        for (std::uint64_t k = newest;; --k) {
            if (walk.size() == 1) {
                decide_through(k, walk.front());
                break;
            }
            if (k == head) {
                break;
            }
            walk_next.clear();
            const Candidate* here = candidates_of(k);
            for (std::uint32_t j : walk) {
                if (std::ranges::find(walk_next, here[j].back) == walk_next.end()) {
                    walk_next.push_back(here[j].back);
                }
            }
            walk.swap(walk_next);
        }
        const std::size_t lag = std::max<std::size_t>(params.max_lag, 1);
        if (tail - head > lag) {
            // Follow the best current hypothesis back to the last step that must go.
            const std::uint64_t last = tail - 1 - lag;
            std::uint32_t j = best_of(newest);
            for (std::uint64_t k = newest; k > last; --k) {
                j = candidates_of(k)[j].back;
            }
            decide_through(last, j);
        }
    }

    // Ends the chain: decides everything along the best current hypothesis.
    void finish_chain() {
        if (head < tail) {
            decide_through(tail - 1, best_of(tail - 1));
        }
        close_open();
        has_anchor = false;
        head = tail;
    }

    // ---- decided path -----------------------------------------------------------------------

    void close_open() {
        if (has_open) {
            decided.push_back(open);
            has_open = false;
        }
    }

    // `first` marks the first piece of a route, the only one that can continue the open
    // traversal: later pieces come after a node or a U-turn, so they are new passes.
    void add_piece(const Traversal& piece, bool first) {
        // On the same edge the piece may start a little behind the open traversal's end, after
        // backward jitter.
        constexpr double epsilon_m = 1e-6;
        const bool continues = first && has_open && open.edge == piece.edge &&
                               piece.from_offset_m <= open.to_offset_m + epsilon_m;
        if (continues) {
            if (piece.to_offset_m > open.to_offset_m) {
                open.to_offset_m = piece.to_offset_m;
            }
            open.exit_ms = std::max(open.exit_ms, piece.exit_ms);
            open.last_sequence = std::max(open.last_sequence, piece.last_sequence);
            return;
        }
        if (piece.to_offset_m <= piece.from_offset_m) {
            return; // standing still off any open traversal: nothing driven
        }
        close_open();
        open = piece;
        has_open = true;
    }

    // Appends the route from the anchor to the newly decided candidate.
    void decide(const Candidate& c, const Step& st) {
        if (has_anchor && c.kind != RouteKind::start) {
            emit_route(anchor, anchor_step, c, st);
        } else {
            close_open();
        }
        anchor = c;
        anchor.score = 0.0; // the only hypothesis left: the beam must not drop it
        anchor_step = st;
        has_anchor = true;
    }

    void emit_route(const Candidate& a, const Step& from, const Candidate& c, const Step& to) {
        const RoadGraph& g = *graph;
        pieces.clear();
        switch (c.kind) {
        case RouteKind::start:
            return;
        case RouteKind::same_edge:
            pieces.push_back({a.edge, a.along, c.along});
            break;
        case RouteKind::turned: {
            const double length = g.edge(a.edge).length_m;
            const double turn = std::max(a.along, length - c.along);
            pieces.push_back({a.edge, a.along, turn});
            pieces.push_back({c.edge, std::max(0.0, length - turn), c.along});
            break;
        }
        case RouteKind::nodes: {
            SearchSpace& s = search_space();
            s.begin(g.node_count());
            const NodeIndex start = g.edge(c.edge).from;
            targets.assign(1, start);
            search(s, a.edge, a.along, c.route + 1.0);
            path_edges.clear();
            std::uint32_t parent = s.settled(start) ? s.parent[start] : seed_ahead;
            for (NodeIndex n = start; parent != seed_ahead && parent != seed_turned;) {
                path_edges.push_back(parent);
                n = g.edge(parent).from;
                parent = s.parent[n];
            }
            if (parent == seed_turned) {
                const EdgeIndex t = *g.twin(a.edge);
                pieces.push_back({a.edge, a.along, a.along});
                pieces.push_back(
                    {t, std::max(0.0, g.edge(t).length_m - a.along), g.edge(t).length_m});
            } else {
                pieces.push_back({a.edge, a.along, g.edge(a.edge).length_m});
            }
            for (auto it = path_edges.rbegin(); it != path_edges.rend(); ++it) {
                pieces.push_back({*it, 0.0, g.edge(*it).length_m});
            }
            pieces.push_back({c.edge, 0.0, c.along});
            break;
        }
        }
        double total = 0.0;
        for (const PathPiece& p : pieces) {
            total += std::max(0.0, p.to - p.from);
        }
        // The vehicle leaves when its last standing fix was sent.
        const auto span_ms = static_cast<double>(to.time_ms - from.until_ms);
        auto time_at = [&](double distance) {
            if (!(total > 0.0)) {
                return to.time_ms;
            }
            return from.until_ms +
                   static_cast<std::int64_t>(std::llround(span_ms * distance / total));
        };
        double done = 0.0;
        for (std::size_t i = 0; i < pieces.size(); ++i) {
            const PathPiece& p = pieces[i];
            Traversal t;
            t.edge = p.edge;
            t.from_offset_m = p.from;
            t.to_offset_m = std::max(p.from, p.to);
            t.enter_ms = total > 0.0 ? time_at(done) : from.until_ms;
            done += t.to_offset_m - t.from_offset_m;
            t.exit_ms = time_at(done);
            const bool first = i == 0;
            const bool last = i + 1 == pieces.size();
            // Fixes matched on the piece; pieces between fixes take their neighbours'.
            t.first_sequence = first ? from.sequence : last ? to.sequence : from.until_sequence;
            t.last_sequence = last ? to.sequence : first ? from.until_sequence : to.sequence;
            if (pieces.size() == 1) {
                t.first_sequence = from.sequence;
                t.last_sequence = to.sequence;
            }
            add_piece(t, i == 0);
        }
    }

    // ---- push -------------------------------------------------------------------------------

    // A standing fix after a standing fix, near it, only says the vehicle is still there: it
    // lengthens the previous step instead of adding one (so its noise cannot walk the vehicle
    // along the roads meeting where it waits).
    std::optional<MatchedPosition> stand(const Step& now) {
        const bool in_window = head < tail;
        if (!now.standing || (!in_window && !has_anchor)) {
            return std::nullopt;
        }
        Step& prev = in_window ? step(tail - 1) : anchor_step;
        const double moved =
            std::hypot(now.position.x - prev.position.x, now.position.y - prev.position.y);
        if (!prev.standing || now.time_ms - prev.until_ms > params.max_gap_ms ||
            moved > 3.0 * std::max(now.sigma, prev.sigma)) {
            return std::nullopt;
        }
        prev.until_ms = now.time_ms;
        prev.until_sequence = now.sequence;
        const Candidate& best = in_window ? candidates_of(tail - 1)[best_of(tail - 1)] : anchor;
        MatchedPosition position;
        position.sequence = now.sequence;
        position.edge = best.edge;
        position.offset_m = best.along;
        position.point = graph->point_at(best.edge, best.along);
        return position;
    }

    std::optional<MatchedPosition> push(const TracePoint& point, const TraceMotion& motion) {
        const std::uint64_t sequence = next_sequence++;
        if (has_time && point.time_ms <= last_time_ms) {
            return std::nullopt;
        }
        has_time = true;
        last_time_ms = point.time_ms;

        Step now;
        now.time_ms = point.time_ms;
        now.until_ms = point.time_ms;
        now.position = point.position;
        now.sequence = sequence;
        now.until_sequence = sequence;
        now.sigma = point.accuracy_m && *point.accuracy_m > 0.0
                        ? std::clamp(*point.accuracy_m, 3.0, 50.0)
                        : params.gps_sigma_m;
        now.radius = std::max(params.search_radius_m, 3.0 * now.sigma);
        if (motion.speed_mps && *motion.speed_mps >= 0.0) {
            now.speed_mps = *motion.speed_mps;
            now.standing = *motion.speed_mps < params.standing_speed_mps;
            if (motion.bearing_deg && *motion.speed_mps >= params.min_heading_speed_mps) {
                now.bearing_deg = std::fmod(std::fmod(*motion.bearing_deg, 360.0) + 360.0, 360.0);
            }
        }
        if (auto standing = stand(now)) {
            return standing;
        }
        graph->edges_near(point.position, now.radius, near);
        if (near.empty()) {
            return std::nullopt;
        }
        now.count = static_cast<std::uint32_t>(std::min(near.size(), max_candidates));

        // The step goes into the ring slot of `tail`; a full ring has been settled before.
        Candidate* cs = candidates_of(tail);
        auto reset_candidates = [&] {
            for (std::uint32_t j = 0; j < now.count; ++j) {
                cs[j] = Candidate{};
                cs[j].edge = near[j].edge;
                cs[j].offset = near[j].offset_m;
                cs[j].along = near[j].offset_m;
                cs[j].distance = near[j].distance_m;
            }
        };
        reset_candidates();

        const bool in_window = head < tail;
        bool fresh = true; // the step starts a chain
        if (in_window || has_anchor) {
            const Step& prev_step = in_window ? step(tail - 1) : anchor_step;
            bool reached = false;
            if (now.time_ms - prev_step.until_ms <= params.max_gap_ms) {
                Candidate* prev = in_window ? candidates_of(tail - 1) : &anchor;
                const std::size_t prev_count = in_window ? prev_step.count : 1;
                reached = transition(prev_step, prev, prev_count, now, cs);
            }
            if (reached) {
                fresh = false;
            } else {
                finish_chain();
                reset_candidates();
            }
        }
        double top = -infinity;
        for (std::uint32_t j = 0; j < now.count; ++j) {
            Candidate& c = cs[j];
            if (fresh) {
                c.score = 0.0;
            }
            if (c.score != -infinity) {
                c.score += emission(c, now);
                top = std::max(top, c.score);
            }
        }
        // Scores relative to the best keep their precision over a season-long trace.
        for (std::uint32_t j = 0; j < now.count; ++j) {
            cs[j].score -= top;
        }
        step(tail) = now;
        ++tail;
        const std::uint32_t best = best_of(tail - 1);
        MatchedPosition position;
        position.sequence = sequence;
        position.edge = cs[best].edge;
        position.offset_m = cs[best].along;
        position.point = graph->point_at(position.edge, position.offset_m);
        settle();
        return position;
    }
};

OnlineMatcher::OnlineMatcher(const RoadGraph& graph, MatchParameters params)
    : m_state(std::make_unique<State>(graph, params)) {}
OnlineMatcher::~OnlineMatcher() = default;
OnlineMatcher::OnlineMatcher(OnlineMatcher&&) noexcept = default;
OnlineMatcher& OnlineMatcher::operator=(OnlineMatcher&&) noexcept = default;

std::optional<MatchedPosition> OnlineMatcher::push(const TracePoint& point) {
    return m_state->push(point, TraceMotion{});
}

std::optional<MatchedPosition> OnlineMatcher::push(const TracePoint& point,
                                                   const TraceMotion& motion) {
    return m_state->push(point, motion);
}

std::vector<Traversal> OnlineMatcher::take_decided() {
    std::vector<Traversal> out;
    out.swap(m_state->decided);
    return out;
}

void OnlineMatcher::flush() {
    m_state->finish_chain();
}

std::vector<Traversal> match_trace(const RoadGraph& graph, std::span<const TracePoint> points,
                                   const MatchParameters& params) {
    return match_trace(graph, points, {}, params);
}

std::vector<Traversal> match_trace(const RoadGraph& graph, std::span<const TracePoint> points,
                                   std::span<const TraceMotion> motions,
                                   const MatchParameters& params) {
    if (!motions.empty() && motions.size() != points.size()) {
        throw Error("match_trace: " + std::to_string(motions.size()) + " motions for " +
                    std::to_string(points.size()) + " points");
    }
    OnlineMatcher matcher(graph, params);
    std::vector<Traversal> out;
    for (std::size_t i = 0; i < points.size(); ++i) {
        matcher.push(points[i], motions.empty() ? TraceMotion{} : motions[i]);
        std::vector<Traversal> decided = matcher.take_decided();
        out.insert(out.end(), decided.begin(), decided.end());
    }
    matcher.flush();
    std::vector<Traversal> rest = matcher.take_decided();
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
}

} // namespace ykm::gis

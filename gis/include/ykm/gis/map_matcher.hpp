#pragma once

#include "ykm/gis/road_graph.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace ykm::gis {

/// Parameters of the hidden-Markov map matcher.
struct MatchParameters {
    /// Candidate edges within this distance of a fix (widened to 3 sigma for fixes that report
    /// a worse accuracy).
    double search_radius_m = 50.0;
    std::size_t max_candidates = 12; ///< nearest candidates (directed edges) kept per fix
    double gps_sigma_m = 10.0;       ///< default fix noise when a fix has no accuracy
    /// Scale of |route distance - straight distance| (or of |route distance - the distance the
    /// reported speeds imply|, when that fits better).
    double beta_m = 30.0;
    /// Added to a U-turn in mid-segment: plows turn back at dead ends and intersections far
    /// more often than in the middle of a block.
    double uturn_penalty_m = 200.0;
    double node_uturn_penalty_m = 40.0; ///< added to a U-turn at an intersection (not a dead end)
    double max_speed_mps = 30.0;        ///< bound on the route search between two fixes
    std::int64_t max_gap_ms = 90'000;   ///< a longer gap breaks the trace (nothing is inferred)
    std::size_t max_lag = 30;           ///< fixes after which the oldest undecided one is forced
    /// Spread of a reported bearing about the road's direction of travel; bearings count only
    /// at min_heading_speed_mps and above (a standing receiver's bearing is noise).
    double heading_sigma_deg = 20.0;
    double min_heading_speed_mps = 2.0;
    /// Below this reported speed a vehicle stands: standing fixes that follow a standing fix
    /// within 3 sigma only lengthen its stay.
    double standing_speed_mps = 0.5;
};

/// A fix handed to the matcher, in the graph's CRS.
struct TracePoint {
    std::int64_t time_ms = 0;
    XY position;
    std::optional<double> accuracy_m;
};

/// What a device reported about its motion with a fix (GPS Doppler speed and course). When
/// present the matcher also weighs how well a road's direction fits the bearing and how well a
/// route's length fits the distance the speeds imply.
struct TraceMotion {
    std::optional<double> speed_mps;
    std::optional<double> bearing_deg; ///< course over ground, clockwise from north
};

/// The matcher's current belief of where the vehicle is.
struct MatchedPosition {
    std::uint64_t sequence = 0; ///< the point's number in push order, from 0
    EdgeIndex edge = 0;
    double offset_m = 0.0;
    XY point;
};

/// A piece of the decided path: the vehicle drove along `edge` from from_offset_m to
/// to_offset_m. Consecutive pieces on one edge are merged.
struct Traversal {
    EdgeIndex edge = 0;
    double from_offset_m = 0.0;
    double to_offset_m = 0.0;
    std::int64_t enter_ms = 0;        ///< interpolated time at from_offset_m
    std::int64_t exit_ms = 0;         ///< interpolated time at to_offset_m
    std::uint64_t first_sequence = 0; ///< first and last pushed points matched to this piece
    std::uint64_t last_sequence = 0;  ///< (inferred pieces between fixes take their neighbours')
};

/// Incremental hidden-Markov map matcher for one vehicle (Newson & Krumm style: emission by
/// distance to the road, transition by how far route distance departs from the straight-line
/// distance, bounded Dijkstra on the graph; no precomputed table). Viterbi runs online: the part
/// of the path on which every surviving hypothesis agrees is decided and handed out.
/// One matcher must not be used by two threads at once; matchers on different threads may share
/// a graph (the search arrays are per thread, so thousands of matchers cost little memory).
class OnlineMatcher {
public:
    OnlineMatcher(const RoadGraph& graph, MatchParameters params = {});
    ~OnlineMatcher();
    OnlineMatcher(OnlineMatcher&&) noexcept;
    OnlineMatcher& operator=(OnlineMatcher&&) noexcept;

    /// Adds the next fix (times must not decrease; equal or older fixes are ignored). Returns the
    /// best current position, or std::nullopt when no road is within the search radius (the fix
    /// is skipped) or the fix was ignored. Every call takes the next sequence number, ignored
    /// and skipped fixes too, so sequences index the fixes in the order they were pushed. A fix
    /// with accuracy_m uses it (clamped to 3..50 m) as its noise sigma, else gps_sigma_m. A gap
    /// longer than max_gap_ms, or a fix no route can reach, ends the chain: what came before is
    /// decided and nothing is inferred across the break.
    std::optional<MatchedPosition> push(const TracePoint& point);
    /// The same, with the device's speed and bearing.
    std::optional<MatchedPosition> push(const TracePoint& point, const TraceMotion& motion);
    /// Moves out the traversals decided since the last call, in driving order.
    std::vector<Traversal> take_decided();
    /// Decides everything pushed so far (end of trace, or before a long pause). The next fix
    /// starts a new chain.
    void flush();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

/// Matches a whole trace at once (push every point, flush, take_decided).
std::vector<Traversal> match_trace(const RoadGraph& graph, std::span<const TracePoint> points,
                                   const MatchParameters& params = {});
/// The same with each point's motion (`motions` parallel to `points`, or empty).
std::vector<Traversal> match_trace(const RoadGraph& graph, std::span<const TracePoint> points,
                                   std::span<const TraceMotion> motions,
                                   const MatchParameters& params = {});

} // namespace ykm::gis

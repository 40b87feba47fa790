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
    double search_radius_m = 50.0;    ///< candidate edges within this distance of a fix
    std::size_t max_candidates = 8;   ///< nearest candidates kept per fix
    double gps_sigma_m = 10.0;        ///< default fix noise when a fix has no accuracy
    double beta_m = 30.0;             ///< scale of |route distance - straight distance|
    double uturn_penalty_m = 40.0;    ///< added to a U-turn in mid-segment
    double max_speed_mps = 30.0;      ///< bound on the route search between two fixes
    std::int64_t max_gap_ms = 90'000; ///< a longer gap breaks the trace (nothing is inferred)
    std::size_t max_lag = 30;         ///< fixes after which the oldest undecided one is forced
};

/// A fix handed to the matcher, in the graph's CRS.
struct TracePoint {
    std::int64_t time_ms = 0;
    XY position;
    std::optional<double> accuracy_m;
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
    std::int64_t enter_ms = 0; ///< interpolated time at from_offset_m
    std::int64_t exit_ms = 0;  ///< interpolated time at to_offset_m
    std::uint64_t first_sequence = 0; ///< first and last pushed points matched to this piece
    std::uint64_t last_sequence = 0;  ///< (inferred pieces between fixes take their neighbours')
};

/// Incremental hidden-Markov map matcher for one vehicle (Newson & Krumm style: emission by
/// distance to the road, transition by how far route distance departs from the straight-line
/// distance, bounded Dijkstra on the graph; no precomputed table). Viterbi runs online: the part
/// of the path on which every surviving hypothesis agrees is decided and handed out.
class OnlineMatcher {
public:
    OnlineMatcher(const RoadGraph& graph, MatchParameters params = {});
    ~OnlineMatcher();
    OnlineMatcher(OnlineMatcher&&) noexcept;
    OnlineMatcher& operator=(OnlineMatcher&&) noexcept;

    /// Adds the next fix (times must not decrease; equal or older fixes are ignored). Returns the
    /// best current position, or std::nullopt when no road is within the search radius.
    std::optional<MatchedPosition> push(const TracePoint& point);
    /// Moves out the traversals decided since the last call, in driving order.
    std::vector<Traversal> take_decided();
    /// Decides everything pushed so far (end of trace, or before a long pause).
    void flush();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

/// Matches a whole trace at once (push every point, flush, take_decided).
std::vector<Traversal> match_trace(const RoadGraph& graph, std::span<const TracePoint> points,
                                   const MatchParameters& params = {});

} // namespace ykm::gis

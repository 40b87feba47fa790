#pragma once

#include "ykm/data/project.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/gis/map_matcher.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace ykm::dispatch {

/// One pass of one vehicle along one direction of a segment: the matched path traversed at
/// least the pass fraction of it.
struct Pass {
    std::int64_t segment_id = 0;
    bool forward = true;
    std::int64_t vehicle_id = 0;
    std::int64_t enter_ms = 0;
    std::int64_t time_ms = 0; ///< when the vehicle left the segment (the pass time)
    data::WorkType work = data::WorkType::unknown; ///< most frequent work of its fixes
    data::Blade blade = data::Blade::unknown;      ///< down if most of its fixes say down
    double fraction = 0.0; ///< share of the segment's length traversed, 0..1
    friend bool operator==(const Pass&, const Pass&) = default;
};

/// The coverage state of one direction of a segment.
struct SegmentCoverage {
    std::int64_t segment_id = 0;
    bool forward = true;
    std::int64_t last_pass_ms = 0;
    int pass_count = 0;
    data::WorkType last_work = data::WorkType::unknown;
    data::Blade last_blade = data::Blade::unknown;
    int service_pass_count = 0; ///< passes that clear the road (see clears_road())
};

/// Whether a pass clears the road: its work is a service type (data::is_service), or the work
/// is unknown and the blade was down.
bool clears_road(data::WorkType work, data::Blade blade);

/// Builds passes incrementally from one vehicle's decided traversals (the live tracker, where
/// the matcher decides a path piece by piece). Consecutive pieces on one directed edge form a
/// run; a run becomes a pass when the vehicle has left the edge (or at finish()) and its pieces
/// cover at least `min_fraction` of the edge. Each run's work and blade are voted by the fixes
/// its pieces name (Traversal::first_sequence..last_sequence): the most frequent work type
/// (travel and unknown vote too; ties go to a service type, then travel), and the blade that
/// more than half of the fixes report (else unknown).
class PassBuilder {
public:
    /// `graph` must outlive the builder. Throws ykm::Error when min_fraction is not in (0, 1].
    PassBuilder(const gis::RoadGraph& graph, std::int64_t vehicle_id, double min_fraction = 0.8);

    /// Adds traversals in driving order. `fixes[i]` is the fix of sequence first_sequence + i;
    /// the fixes of sequences from needed_sequence() on must be there (others are ignored).
    /// Returns the passes that the new pieces complete.
    std::vector<Pass> add(std::span<const gis::Traversal> traversals,
                          std::span<const data::Fix> fixes, std::uint64_t first_sequence);
    /// Ends the current run (end of trace, long pause); returns its pass if it is one.
    std::optional<Pass> finish();
    /// Ends the current run only when it already is a pass (a vehicle gone silent): an
    /// incomplete run stays open, so that the vehicle, heard again on the same edge, can
    /// complete it with what it is then seen to drive.
    std::optional<Pass> finish_if_complete();
    /// The oldest fix sequence a later add() may still need; older fixes can be dropped.
    [[nodiscard]] std::uint64_t needed_sequence() const { return m_needed_sequence; }
    /// When the vehicle left the edge of the last closed run (0 before any): every pass up to
    /// then has been returned.
    [[nodiscard]] std::int64_t closed_until_ms() const { return m_closed_until_ms; }

private:
    struct Run {
        gis::EdgeIndex edge = 0;
        std::vector<std::pair<double, double>> intervals; ///< offsets covered, metres
        std::int64_t enter_ms = 0;
        std::int64_t exit_ms = 0;
        std::uint64_t next_vote_sequence = 0; ///< fixes before it have voted
        std::array<int, 7> work_votes{};
        std::array<int, 3> blade_votes{};
    };
    std::optional<Pass> close_run();
    void vote(Run& run, const gis::Traversal& piece, std::span<const data::Fix> fixes,
              std::uint64_t first_sequence);

    const gis::RoadGraph* m_graph;
    std::int64_t m_vehicle_id;
    double m_min_fraction;
    std::optional<Run> m_run;
    std::uint64_t m_needed_sequence = 0;
    std::int64_t m_closed_until_ms = 0;
};

/// Turns decided traversals of one vehicle into passes: pieces on the same edge are joined, and
/// a pass is counted only when they cover at least `min_fraction` of the edge. `fixes` are the
/// vehicle's fixes in push order (Traversal::first_sequence indexes them, offset by
/// `first_sequence`) and give each pass its work and blade (see PassBuilder). Throws ykm::Error
/// when min_fraction is not in (0, 1].
std::vector<Pass> passes_from_traversals(const gis::RoadGraph& graph, std::int64_t vehicle_id,
                                         std::span<const gis::Traversal> traversals,
                                         std::span<const data::Fix> fixes,
                                         std::uint64_t first_sequence, double min_fraction);

/// Stores passes (table coverage_passes) and answers coverage queries.
class CoverageStore {
public:
    explicit CoverageStore(data::Database& db);
    /// Appends passes in one transaction.
    void add(std::span<const Pass> passes);
    /// Replaces the passes of `vehicle_id` with from_ms <= time_ms < to_ms (after a late import).
    void replace(std::int64_t vehicle_id, std::int64_t from_ms, std::int64_t to_ms,
                 std::span<const Pass> passes);
    /// Per segment and direction, the passes with time_ms >= since_ms (and < until_ms).
    [[nodiscard]] std::vector<SegmentCoverage> state(std::int64_t since_ms, std::int64_t until_ms);
    [[nodiscard]] std::vector<Pass> passes(std::int64_t from_ms, std::int64_t to_ms);

private:
    data::Database& m_db;
};

/// Kilometres to clear and cleared, in one group.
struct CoverageRow {
    std::string key;          ///< "1", "2", "3", "none"; a district's id; "total"
    std::string name;         ///< 第1種, a district's name, 合計
    double required_km = 0.0; ///< both directions of two-way roads count
    double done_km = 0.0;     ///< directions with a service pass in the window
    [[nodiscard]] double percent() const {
        return required_km > 0.0 ? 100.0 * done_km / required_km : 0.0;
    }
};

struct CoverageSummary {
    std::int64_t since_ms = 0;
    std::int64_t until_ms = 0;
    std::vector<CoverageRow> by_priority;
    std::vector<CoverageRow> by_district;
    CoverageRow total;
};

/// Summarises the stored passes between since_ms and until_ms (`ykm coverage`). A direction is
/// done when it has a pass whose work clears the road (or unknown work with the blade down).
CoverageSummary summarize_coverage(data::Project& project, std::int64_t since_ms,
                                   std::int64_t until_ms);

/// Matches the season log's fixes of `vehicle_id` in [from_ms, to_ms) and replaces its stored
/// passes there (those with from_ms <= time_ms < to_ms); used after importing logger files and
/// for late fixes. Fixes flagged speed_jump are left out. The matcher also sees
/// rebuild_margin_ms of fixes on either side, so a pass that crosses a window edge is judged
/// whole; long windows are matched in chunks of rebuild_chunk_ms. Returns the passes stored.
std::vector<Pass> rebuild_coverage(data::Project& project, const gis::RoadGraph& graph,
                                   std::int64_t vehicle_id, std::int64_t from_ms,
                                   std::int64_t to_ms, const gis::MatchParameters& params = {},
                                   double min_fraction = 0.8);
inline constexpr std::int64_t rebuild_margin_ms = 30 * 60'000;
inline constexpr std::int64_t rebuild_chunk_ms = 6 * 3'600'000;

/// What rebuild_all_coverage() did.
struct RebuildSummary {
    std::int64_t from_ms = 0;
    std::int64_t to_ms = 0; ///< the window rebuilt; empty (0, 0) when the season log is empty
    std::size_t vehicles = 0;
    std::size_t passes = 0;
};

/// Rebuilds the coverage of every vehicle with fixes in the season log (`ykm coverage
/// --rebuild`). Without a bound, the window reaches the season log's first or last fix.
RebuildSummary rebuild_all_coverage(data::Project& project, std::optional<std::int64_t> from_ms,
                                    std::optional<std::int64_t> to_ms,
                                    const gis::MatchParameters& params = {},
                                    double min_fraction = 0.8);

} // namespace ykm::dispatch

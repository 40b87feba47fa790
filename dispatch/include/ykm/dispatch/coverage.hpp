#pragma once

#include "ykm/data/project.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/gis/map_matcher.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
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
    int service_pass_count = 0; ///< passes whose work clears the road (not travel/unknown)
};

/// Turns decided traversals of one vehicle into passes: pieces on the same edge are joined, and
/// a pass is counted only when they cover at least `min_fraction` of the edge. `fixes` are the
/// vehicle's fixes in push order (Traversal::first_sequence indexes them, offset by
/// `first_sequence`) and give each pass its work and blade.
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
    [[nodiscard]] std::vector<SegmentCoverage> state(std::int64_t since_ms,
                                                     std::int64_t until_ms);
    [[nodiscard]] std::vector<Pass> passes(std::int64_t from_ms, std::int64_t to_ms);

private:
    data::Database& m_db;
};

/// Kilometres to clear and cleared, in one group.
struct CoverageRow {
    std::string key;  ///< "1", "2", "3", "none"; a district's id; "total"
    std::string name; ///< 第1種, a district's name, 合計
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
/// passes there; used after importing logger files and for late fixes. Returns the passes.
std::vector<Pass> rebuild_coverage(data::Project& project, const gis::RoadGraph& graph,
                                   std::int64_t vehicle_id, std::int64_t from_ms,
                                   std::int64_t to_ms, const gis::MatchParameters& params = {},
                                   double min_fraction = 0.8);

} // namespace ykm::dispatch

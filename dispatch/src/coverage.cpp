#include "ykm/dispatch/coverage.hpp"

#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

namespace ykm::dispatch {
namespace {

constexpr std::size_t work_type_count = 7;

data::WorkType winning_work(const std::array<int, 7>& votes) {
    // Ties go to the work that clears the road, then to travel: a run that is half plowing and
    // half unknown was plowed.
    constexpr std::array<data::WorkType, work_type_count> order{
        data::WorkType::plow,   data::WorkType::grade,  data::WorkType::widen,
        data::WorkType::haul,   data::WorkType::spread, data::WorkType::travel,
        data::WorkType::unknown};
    data::WorkType best = data::WorkType::unknown;
    int best_count = 0;
    for (data::WorkType w : order) {
        const int count = votes[static_cast<std::size_t>(w)];
        if (count > best_count) {
            best = w;
            best_count = count;
        }
    }
    return best;
}

data::Blade winning_blade(const std::array<int, 3>& votes) {
    const int total = votes[0] + votes[1] + votes[2];
    for (data::Blade b : {data::Blade::down, data::Blade::up}) {
        if (2 * votes[static_cast<std::size_t>(b)] > total) {
            return b;
        }
    }
    return data::Blade::unknown;
}

double covered_length(std::vector<std::pair<double, double>> intervals) {
    std::sort(intervals.begin(), intervals.end());
    double total = 0.0;
    double start = 0.0;
    double end = -std::numeric_limits<double>::infinity();
    for (const auto& [from, to] : intervals) {
        if (from > end) {
            if (end > start) {
                total += end - start;
            }
            start = from;
            end = to;
        } else {
            end = std::max(end, to);
        }
    }
    if (end > start) {
        total += end - start;
    }
    return total;
}

void check_fraction(double min_fraction) {
    if (!(min_fraction > 0.0 && min_fraction <= 1.0)) {
        throw Error("pass fraction " + std::to_string(min_fraction) + " is not in (0, 1]");
    }
}

data::WorkType work_from_db(std::int64_t value) {
    return value >= 0 && value < static_cast<std::int64_t>(work_type_count)
               ? static_cast<data::WorkType>(value)
               : data::WorkType::unknown;
}

data::Blade blade_from_db(std::int64_t value) {
    return value >= 0 && value <= 2 ? static_cast<data::Blade>(value) : data::Blade::unknown;
}

void insert_passes(data::Database& db, std::span<const Pass> passes) {
    data::Statement insert(db, "INSERT INTO coverage_passes (segment_id, forward, vehicle_id, "
                               "enter_ms, time_ms, work, blade, fraction) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (const Pass& p : passes) {
        insert.bind(1, p.segment_id)
            .bind(2, p.forward ? 1 : 0)
            .bind(3, p.vehicle_id)
            .bind(4, p.enter_ms)
            .bind(5, p.time_ms)
            .bind(6, static_cast<int>(p.work))
            .bind(7, static_cast<int>(p.blade))
            .bind(8, p.fraction)
            .run();
    }
}

// Removes the hourly summaries (coverage_hours, see replay.hpp) of the hours the passes fall in,
// and with a window those of the hours overlapping [from_ms, to_ms): they are stale now.
void invalidate_summaries(data::Database& db, std::span<const Pass> passes,
                          std::optional<std::pair<std::int64_t, std::int64_t>> window = {}) {
    constexpr std::int64_t hour_ms = 3'600'000;
    const auto hour_of = [](std::int64_t t) {
        const std::int64_t h = t / hour_ms * hour_ms;
        return h > t ? h - hour_ms : h;
    };
    data::Statement remove(db, "DELETE FROM coverage_hours WHERE hour_ms >= ? AND hour_ms < ?");
    if (window && window->first < window->second) {
        remove.bind(1, hour_of(window->first)).bind(2, window->second).run();
    }
    std::set<std::int64_t> hours;
    for (const Pass& p : passes) {
        hours.insert(hour_of(p.time_ms));
    }
    for (std::int64_t h : hours) {
        remove.bind(1, h).bind(2, h + 1).run();
    }
}

std::vector<Pass> read_passes(data::Statement& query) {
    std::vector<Pass> passes;
    while (query.step()) {
        Pass p;
        p.segment_id = query.column_int64(0);
        p.forward = query.column_int(1) != 0;
        p.vehicle_id = query.column_int64(2);
        p.enter_ms = query.column_int64(3);
        p.time_ms = query.column_int64(4);
        p.work = work_from_db(query.column_int64(5));
        p.blade = blade_from_db(query.column_int64(6));
        p.fraction = query.column_double(7);
        passes.push_back(p);
    }
    return passes;
}

// Passes of `vehicle_id` with from_ms <= time_ms < to_ms, from its fixes in the window widened
// by the margin on both sides.
std::vector<Pass> match_window(data::SeasonLog& log, gis::CoordinateTransform& to_project,
                               const gis::RoadGraph& graph, std::int64_t vehicle_id,
                               std::int64_t from_ms, std::int64_t to_ms,
                               const gis::MatchParameters& params, double min_fraction) {
    const std::int64_t lo = from_ms - std::min(rebuild_margin_ms, from_ms);
    const std::int64_t hi = to_ms > std::numeric_limits<std::int64_t>::max() - rebuild_margin_ms
                                ? std::numeric_limits<std::int64_t>::max()
                                : to_ms + rebuild_margin_ms;
    std::vector<data::Fix> fixes = log.fixes(vehicle_id, lo, hi);
    std::erase_if(fixes,
                  [](const data::Fix& f) { return (f.flags & data::fix_flags::speed_jump) != 0; });
    if (fixes.empty()) {
        return {};
    }
    std::vector<gis::XY> xy;
    xy.reserve(fixes.size());
    for (const data::Fix& f : fixes) {
        xy.push_back({f.position.lon_deg, f.position.lat_deg});
    }
    to_project.forward(xy);
    std::vector<gis::TracePoint> points;
    std::vector<gis::TraceMotion> motions;
    points.reserve(fixes.size());
    motions.reserve(fixes.size());
    for (std::size_t i = 0; i < fixes.size(); ++i) {
        points.push_back({fixes[i].time_ms, xy[i], fixes[i].accuracy_m});
        motions.push_back({fixes[i].speed_mps, fixes[i].bearing_deg});
    }
    const std::vector<gis::Traversal> traversals = gis::match_trace(graph, points, motions, params);
    std::vector<Pass> passes =
        passes_from_traversals(graph, vehicle_id, traversals, fixes, 0, min_fraction);
    std::erase_if(passes, [&](const Pass& p) { return p.time_ms < from_ms || p.time_ms >= to_ms; });
    return passes;
}

} // namespace

bool clears_road(data::WorkType work, data::Blade blade) {
    return data::is_service(work) ||
           (work == data::WorkType::unknown && blade == data::Blade::down);
}

// --- PassBuilder -------------------------------------------------------------------------------

PassBuilder::PassBuilder(const gis::RoadGraph& graph, std::int64_t vehicle_id, double min_fraction)
    : m_graph(&graph), m_vehicle_id(vehicle_id), m_min_fraction(min_fraction) {
    check_fraction(min_fraction);
}

void PassBuilder::vote(Run& run, const gis::Traversal& piece, std::span<const data::Fix> fixes,
                       std::uint64_t first_sequence) {
    // Pieces of one run share their boundary fixes: each fix votes once per run.
    const std::uint64_t from = std::max(run.next_vote_sequence, piece.first_sequence);
    for (std::uint64_t s = from; s <= piece.last_sequence; ++s) {
        if (s < first_sequence || s - first_sequence >= fixes.size()) {
            continue;
        }
        const data::Fix& f = fixes[s - first_sequence];
        const auto w = static_cast<std::size_t>(f.work);
        const auto b = static_cast<std::size_t>(f.blade);
        ++run.work_votes[w < work_type_count ? w : 0];
        ++run.blade_votes[b < 3 ? b : 0];
    }
    run.next_vote_sequence = std::max(run.next_vote_sequence, piece.last_sequence + 1);
}

std::vector<Pass> PassBuilder::add(std::span<const gis::Traversal> traversals,
                                   std::span<const data::Fix> fixes, std::uint64_t first_sequence) {
    std::vector<Pass> passes;
    for (const gis::Traversal& piece : traversals) {
        const double length = m_graph->edge(piece.edge).length_m;
        const double from =
            std::clamp(std::min(piece.from_offset_m, piece.to_offset_m), 0.0, length);
        const double to = std::clamp(std::max(piece.from_offset_m, piece.to_offset_m), 0.0, length);
        bool joins = m_run && m_run->edge == piece.edge;
        if (joins) {
            // A piece that starts far behind where the run got to is a new lap of the edge (a
            // loop street driven twice), not a continuation.
            double reached = 0.0;
            for (const auto& interval : m_run->intervals) {
                reached = std::max(reached, interval.second);
            }
            joins = from >= reached - 0.5 * length;
        }
        if (!joins) {
            if (auto pass = close_run()) {
                passes.push_back(*pass);
            }
            m_run = Run{};
            m_run->edge = piece.edge;
            m_run->enter_ms = piece.enter_ms;
            m_run->next_vote_sequence = piece.first_sequence;
        }
        m_run->intervals.emplace_back(from, to);
        m_run->exit_ms = piece.exit_ms;
        vote(*m_run, piece, fixes, first_sequence);
        m_needed_sequence = piece.first_sequence;
        // A piece that reaches the end of the edge leaves it: nothing later can extend this
        // lap, so the pass is complete now rather than when the next piece arrives (which,
        // after a break in the trace, may be much later).
        if (to >= length - 0.5) {
            if (auto pass = close_run()) {
                passes.push_back(*pass);
            }
        }
    }
    return passes;
}

std::optional<Pass> PassBuilder::finish() {
    return close_run();
}

std::optional<Pass> PassBuilder::finish_if_complete() {
    if (!m_run) {
        return std::nullopt;
    }
    const double length = m_graph->edge(m_run->edge).length_m;
    if (length <= 0.0 || covered_length(m_run->intervals) / length < m_min_fraction) {
        return std::nullopt;
    }
    return close_run();
}

std::optional<Pass> PassBuilder::close_run() {
    if (!m_run) {
        return std::nullopt;
    }
    const Run run = std::move(*m_run);
    m_run.reset();
    m_closed_until_ms = run.exit_ms;
    const gis::DirectedEdge& edge = m_graph->edge(run.edge);
    if (edge.length_m <= 0.0) {
        return std::nullopt;
    }
    const double fraction = std::min(1.0, covered_length(run.intervals) / edge.length_m);
    if (fraction < m_min_fraction) {
        return std::nullopt;
    }
    Pass pass;
    pass.segment_id = edge.segment_id;
    pass.forward = edge.forward;
    pass.vehicle_id = m_vehicle_id;
    pass.enter_ms = run.enter_ms;
    pass.time_ms = run.exit_ms;
    pass.work = winning_work(run.work_votes);
    pass.blade = winning_blade(run.blade_votes);
    pass.fraction = fraction;
    return pass;
}

std::vector<Pass> passes_from_traversals(const gis::RoadGraph& graph, std::int64_t vehicle_id,
                                         std::span<const gis::Traversal> traversals,
                                         std::span<const data::Fix> fixes,
                                         std::uint64_t first_sequence, double min_fraction) {
    PassBuilder builder(graph, vehicle_id, min_fraction);
    std::vector<Pass> passes = builder.add(traversals, fixes, first_sequence);
    if (auto last = builder.finish()) {
        passes.push_back(*last);
    }
    return passes;
}

// --- CoverageStore -----------------------------------------------------------------------------

CoverageStore::CoverageStore(data::Database& db) : m_db(db) {}

void CoverageStore::add(std::span<const Pass> passes) {
    if (passes.empty()) {
        return;
    }
    data::Transaction tx(m_db);
    insert_passes(m_db, passes);
    invalidate_summaries(m_db, passes);
    tx.commit();
}

void CoverageStore::replace(std::int64_t vehicle_id, std::int64_t from_ms, std::int64_t to_ms,
                            std::span<const Pass> passes) {
    data::Transaction tx(m_db);
    data::Statement remove(m_db, "DELETE FROM coverage_passes WHERE vehicle_id = ? AND "
                                 "time_ms >= ? AND time_ms < ?");
    remove.bind(1, vehicle_id).bind(2, from_ms).bind(3, to_ms).run();
    insert_passes(m_db, passes);
    invalidate_summaries(m_db, passes, std::pair{from_ms, to_ms});
    tx.commit();
}

std::vector<SegmentCoverage> CoverageStore::state(std::int64_t since_ms, std::int64_t until_ms) {
    // SQLite takes the bare columns work and blade from the row holding max(time_ms).
    data::Statement query(m_db, "SELECT segment_id, forward, max(time_ms), work, blade, count(*) "
                                "FROM coverage_passes WHERE time_ms >= ? AND time_ms < ? "
                                "GROUP BY segment_id, forward ORDER BY segment_id, forward DESC");
    query.bind(1, since_ms).bind(2, until_ms);
    std::vector<SegmentCoverage> state;
    while (query.step()) {
        SegmentCoverage c;
        c.segment_id = query.column_int64(0);
        c.forward = query.column_int(1) != 0;
        c.last_pass_ms = query.column_int64(2);
        c.last_work = work_from_db(query.column_int64(3));
        c.last_blade = blade_from_db(query.column_int64(4));
        c.pass_count = query.column_int(5);
        state.push_back(c);
    }
    // Which passes clear the road is decided by clears_road(), not repeated in SQL.
    data::Statement kinds(m_db, "SELECT segment_id, forward, work, blade, count(*) FROM "
                                "coverage_passes WHERE time_ms >= ? AND time_ms < ? "
                                "GROUP BY segment_id, forward, work, blade");
    kinds.bind(1, since_ms).bind(2, until_ms);
    std::map<std::pair<std::int64_t, bool>, int> service;
    while (kinds.step()) {
        if (clears_road(work_from_db(kinds.column_int64(2)),
                        blade_from_db(kinds.column_int64(3)))) {
            service[{kinds.column_int64(0), kinds.column_int(1) != 0}] += kinds.column_int(4);
        }
    }
    for (SegmentCoverage& c : state) {
        if (auto it = service.find({c.segment_id, c.forward}); it != service.end()) {
            c.service_pass_count = it->second;
        }
    }
    return state;
}

std::vector<Pass> CoverageStore::passes(std::int64_t from_ms, std::int64_t to_ms) {
    data::Statement query(m_db, "SELECT segment_id, forward, vehicle_id, enter_ms, time_ms, "
                                "work, blade, fraction FROM coverage_passes WHERE time_ms >= ? "
                                "AND time_ms < ? ORDER BY time_ms, vehicle_id, id");
    query.bind(1, from_ms).bind(2, to_ms);
    return read_passes(query);
}

// --- summary -----------------------------------------------------------------------------------

CoverageSummary summarize_coverage(data::Project& project, std::int64_t since_ms,
                                   std::int64_t until_ms) {
    data::Database& db = project.database();
    CoverageSummary summary;
    summary.since_ms = since_ms;
    summary.until_ms = until_ms;

    std::set<std::pair<std::int64_t, bool>> done;
    {
        data::Statement query(db, "SELECT segment_id, forward, work, blade FROM coverage_passes "
                                  "WHERE time_ms >= ? AND time_ms < ? "
                                  "GROUP BY segment_id, forward, work, blade");
        query.bind(1, since_ms).bind(2, until_ms);
        while (query.step()) {
            if (clears_road(work_from_db(query.column_int64(2)),
                            blade_from_db(query.column_int64(3)))) {
                done.insert({query.column_int64(0), query.column_int(1) != 0});
            }
        }
    }

    summary.by_priority = {{"1", "第1種"}, {"2", "第2種"}, {"3", "第3種"}, {"none", "なし"}};
    std::map<std::int64_t, std::size_t> district_rows;
    {
        data::Statement query(db, "SELECT id, name FROM districts ORDER BY id");
        while (query.step()) {
            district_rows[query.column_int64(0)] = summary.by_district.size();
            summary.by_district.push_back(
                {std::to_string(query.column_int64(0)), query.column_text(1)});
        }
    }
    std::optional<std::size_t> no_district;
    summary.total = {"total", "合計"};

    data::Statement segments(db, "SELECT id, coalesce(priority, 0), oneway, length_m, "
                                 "district_id FROM road_segments");
    while (segments.step()) {
        const std::int64_t id = segments.column_int64(0);
        const int priority = segments.column_int(1);
        const bool oneway = segments.column_int(2) != 0;
        const double km = segments.column_double(3) / 1000.0;
        const auto district = segments.column_optional_int64(4);
        CoverageRow& by_priority =
            summary.by_priority[priority >= 1 && priority <= 3 ? priority - 1 : 3];
        CoverageRow* by_district = nullptr;
        if (auto it = district ? district_rows.find(*district) : district_rows.end();
            it != district_rows.end()) {
            by_district = &summary.by_district[it->second];
        } else {
            if (!no_district) {
                no_district = summary.by_district.size();
                summary.by_district.push_back({"none", "なし"});
            }
            by_district = &summary.by_district[*no_district];
        }
        for (bool forward : {true, false}) {
            if (!forward && oneway) {
                continue;
            }
            const double done_km = done.contains({id, forward}) ? km : 0.0;
            for (CoverageRow* row : {&by_priority, by_district, &summary.total}) {
                row->required_km += km;
                row->done_km += done_km;
            }
        }
    }
    return summary;
}

// --- rebuild -----------------------------------------------------------------------------------

std::vector<Pass> rebuild_coverage(data::Project& project, const gis::RoadGraph& graph,
                                   std::int64_t vehicle_id, std::int64_t from_ms,
                                   std::int64_t to_ms, const gis::MatchParameters& params,
                                   double min_fraction) {
    check_fraction(min_fraction);
    if (to_ms < from_ms) {
        throw Error("coverage rebuild of vehicle " + std::to_string(vehicle_id) +
                    ": the window ends before it starts");
    }
    data::SeasonLog log(project.database());
    gis::CoordinateTransform to_project(gis::wgs84, project.crs());
    std::vector<Pass> passes;
    for (std::int64_t chunk = from_ms; chunk < to_ms;) {
        const std::int64_t chunk_end =
            to_ms - chunk > rebuild_chunk_ms ? chunk + rebuild_chunk_ms : to_ms;
        std::vector<Pass> found = match_window(log, to_project, graph, vehicle_id, chunk, chunk_end,
                                               params, min_fraction);
        passes.insert(passes.end(), found.begin(), found.end());
        chunk = chunk_end;
    }
    CoverageStore(project.database()).replace(vehicle_id, from_ms, to_ms, passes);
    return passes;
}

RebuildSummary rebuild_all_coverage(data::Project& project, std::optional<std::int64_t> from_ms,
                                    std::optional<std::int64_t> to_ms,
                                    const gis::MatchParameters& params, double min_fraction) {
    RebuildSummary summary;
    const auto extent = data::SeasonLog(project.database()).extent();
    if (!extent && (!from_ms || !to_ms)) {
        return summary;
    }
    summary.from_ms = from_ms ? *from_ms : extent->first;
    summary.to_ms = to_ms ? *to_ms : extent->second + 1;
    if (summary.to_ms <= summary.from_ms) {
        return summary;
    }
    const gis::RoadGraph graph(project.load_road_network());
    for (std::int64_t vehicle :
         data::SeasonLog(project.database()).vehicles(summary.from_ms, summary.to_ms)) {
        summary.passes += rebuild_coverage(project, graph, vehicle, summary.from_ms, summary.to_ms,
                                           params, min_fraction)
                              .size();
        ++summary.vehicles;
    }
    return summary;
}

} // namespace ykm::dispatch

#include "ykm/gis/map_matcher.hpp"

#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

using namespace ykm::gis;

BOOST_AUTO_TEST_SUITE(map_matcher_tests)

namespace {

// Builds small networks: roads between points, nodes where road ends meet.
class NetworkBuilder {
public:
    std::int64_t node(XY p) {
        for (const RoadNode& n : m_network.nodes) {
            if (n.position == p) {
                return n.id;
            }
        }
        m_network.nodes.push_back({static_cast<std::int64_t>(m_network.nodes.size()) + 1, p, ""});
        return m_network.nodes.back().id;
    }
    /// Returns the segment id.
    std::int64_t road(Polyline points, bool oneway = false) {
        RoadSegment s;
        s.id = static_cast<std::int64_t>(m_network.segments.size()) + 1;
        s.from_node = node(points.front());
        s.to_node = node(points.back());
        s.attributes.oneway = oneway;
        s.length_m = planar_length(points);
        s.points = std::move(points);
        m_network.segments.push_back(std::move(s));
        return m_network.segments.back().id;
    }
    [[nodiscard]] RoadNetwork network() const {
        RoadNetwork n = m_network;
        n.crs = Epsg{6678};
        return n;
    }

private:
    RoadNetwork m_network;
};

// A trace along a polyline: a point every `spacing_m`, `step_ms` apart, from `start_m` to
// `end_m` along the line.
std::vector<TracePoint> trace_along(const Polyline& line, double start_m, double end_m,
                                    double spacing_m, std::int64_t step_ms,
                                    std::int64_t first_ms = 0) {
    std::vector<TracePoint> points;
    const int n = static_cast<int>(std::floor((end_m - start_m) / spacing_m + 1e-9));
    for (int k = 0; k <= n; ++k) {
        double along = start_m + k * spacing_m;
        XY p = line.back();
        for (std::size_t i = 0; i + 1 < line.size(); ++i) {
            const double piece = std::hypot(line[i + 1].x - line[i].x, line[i + 1].y - line[i].y);
            if (along <= piece) {
                const double t = along / piece;
                p = {line[i].x + t * (line[i + 1].x - line[i].x),
                     line[i].y + t * (line[i + 1].y - line[i].y)};
                break;
            }
            along -= piece;
        }
        points.push_back({first_ms + k * step_ms, p, std::nullopt});
    }
    return points;
}

// "segment+ from-to" or "segment- from-to" per traversal, offsets rounded to 0.1 m.
std::string describe(const RoadGraph& g, const std::vector<Traversal>& traversals) {
    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(1);
    for (const Traversal& t : traversals) {
        const DirectedEdge& e = g.edge(t.edge);
        out << e.segment_id << (e.forward ? '+' : '-') << ' ' << t.from_offset_m << '-'
            << t.to_offset_m << "; ";
    }
    return out.str();
}

// A straight east-west street of three 100 m segments, with a side street at each node so the
// nodes are intersections.
struct StraightStreet {
    RoadNetwork network;
    StraightStreet() {
        NetworkBuilder b;
        b.road({{0, 0}, {100, 0}});
        b.road({{100, 0}, {200, 0}});
        b.road({{200, 0}, {300, 0}});
        b.road({{0, 0}, {0, 100}});
        b.road({{100, 0}, {100, 100}});
        b.road({{200, 0}, {200, 100}});
        b.road({{300, 0}, {300, 100}});
        network = b.network();
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(noise_free_straight_drive_gives_exact_traversals) {
    const RoadGraph g(StraightStreet().network);
    // x = 5, 15, ..., 295 at 1 s intervals.
    const auto points = trace_along({{0, 0}, {300, 0}}, 5.0, 295.0, 10.0, 1000);
    const auto traversals = match_trace(g, points);
    BOOST_TEST(describe(g, traversals) == "1+ 5.0-100.0; 2+ 0.0-100.0; 3+ 0.0-95.0; ");
    BOOST_REQUIRE_EQUAL(traversals.size(), 3U);
    BOOST_TEST(traversals[0].enter_ms == 0);
    BOOST_TEST(traversals[0].exit_ms == 9500);
    BOOST_TEST(traversals[0].first_sequence == 0U);
    BOOST_TEST(traversals[0].last_sequence == 9U);
    BOOST_TEST(traversals[1].enter_ms == 9500);
    BOOST_TEST(traversals[1].exit_ms == 19500);
    BOOST_TEST(traversals[1].first_sequence == 10U);
    BOOST_TEST(traversals[1].last_sequence == 19U);
    BOOST_TEST(traversals[2].enter_ms == 19500);
    BOOST_TEST(traversals[2].exit_ms == 29000);
    BOOST_TEST(traversals[2].first_sequence == 20U);
    BOOST_TEST(traversals[2].last_sequence == 29U);
}

BOOST_AUTO_TEST_CASE(a_segment_between_two_fixes_is_inferred_with_their_sequences) {
    const RoadGraph g(StraightStreet().network);
    // Fixes at x = 90 and x = 210, 12 s apart: segment 2 lies wholly between them.
    const std::vector<TracePoint> points{{0, {90, 0}, std::nullopt},
                                         {12'000, {210, 0}, std::nullopt},
                                         {13'000, {220, 0}, std::nullopt}};
    const auto traversals = match_trace(g, points);
    BOOST_TEST(describe(g, traversals) == "1+ 90.0-100.0; 2+ 0.0-100.0; 3+ 0.0-20.0; ");
    BOOST_REQUIRE_EQUAL(traversals.size(), 3U);
    BOOST_TEST(traversals[0].exit_ms == 1000);
    BOOST_TEST(traversals[1].enter_ms == 1000);
    BOOST_TEST(traversals[1].exit_ms == 11'000);
    BOOST_TEST(traversals[1].first_sequence == 0U);
    BOOST_TEST(traversals[1].last_sequence == 1U);
    BOOST_TEST(traversals[2].first_sequence == 1U);
    BOOST_TEST(traversals[2].last_sequence == 2U);
}

BOOST_AUTO_TEST_CASE(noisy_drive_around_a_corner_follows_the_streets) {
    // A 3 x 3 grid of 100 m blocks; the vehicle drives east along y = 0 and turns north at
    // x = 200. Fixes every 2 s, 20 m apart, pushed off the road by up to 6 m.
    NetworkBuilder b;
    for (int j = 0; j <= 3; ++j) {
        for (int i = 0; i < 3; ++i) {
            b.road({{i * 100.0, j * 100.0}, {(i + 1) * 100.0, j * 100.0}});
            b.road({{j * 100.0, i * 100.0}, {j * 100.0, (i + 1) * 100.0}});
        }
    }
    const RoadGraph g(b.network());
    auto points = trace_along({{0, 0}, {200, 0}, {200, 300}}, 10.0, 490.0, 20.0, 2000);
    const double push[] = {4, -6, 3,  5, -2, -5, 6,  1, -4, 2, 5, -3, -6,
                           2, 4,  -1, 3, -5, 6,  -2, 1, -4, 5, 3, -6};
    for (std::size_t k = 0; k < points.size(); ++k) {
        const double d = push[k % std::size(push)];
        points[k].position.x += d;
        points[k].position.y -= d;
    }
    const auto traversals = match_trace(g, points);
    std::vector<std::string> edges;
    for (const Traversal& t : traversals) {
        const DirectedEdge& e = g.edge(t.edge);
        const XY from = g.node_position(e.from);
        const XY to = g.node_position(e.to);
        std::ostringstream s;
        s << from.x << ',' << from.y << '>' << to.x << ',' << to.y;
        edges.push_back(s.str());
    }
    const std::vector<std::string> expected{"0,0>100,0", "100,0>200,0", "200,0>200,100",
                                            "200,100>200,200", "200,200>200,300"};
    BOOST_TEST(edges == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(u_turn_at_a_dead_end_takes_the_twin_edge) {
    // Segment 1 from the crossroads at x = 0 to x = 100, segment 2 on to a dead end at x = 200.
    NetworkBuilder b;
    b.road({{0, 0}, {100, 0}});
    b.road({{100, 0}, {200, 0}});
    b.road({{0, -100}, {0, 0}});
    b.road({{0, 0}, {0, 100}});
    b.road({{-100, 0}, {0, 0}});
    const RoadGraph g(b.network());
    auto points = trace_along({{0, 0}, {200, 0}}, 20.0, 195.0, 12.5, 1000);
    auto back =
        trace_along({{200, 0}, {0, 0}}, 7.5, 182.5, 12.5, 1000, points.back().time_ms + 1000);
    points.insert(points.end(), back.begin(), back.end());
    const auto traversals = match_trace(g, points);
    BOOST_TEST(describe(g, traversals) ==
               "1+ 20.0-100.0; 2+ 0.0-100.0; 2- 0.0-100.0; 1- 0.0-82.5; ");
}

BOOST_AUTO_TEST_CASE(u_turn_in_mid_segment_turns_where_the_vehicle_went_furthest) {
    // One 300 m segment between two crossroads; the vehicle drives to x = 150 and back.
    NetworkBuilder b;
    b.road({{0, 0}, {300, 0}});
    b.road({{0, -100}, {0, 0}});
    b.road({{0, 0}, {0, 100}});
    b.road({{300, -100}, {300, 0}});
    b.road({{300, 0}, {300, 100}});
    const RoadGraph g(b.network());
    auto points = trace_along({{0, 0}, {300, 0}}, 20.0, 150.0, 10.0, 1000);
    auto back =
        trace_along({{300, 0}, {0, 0}}, 160.0, 280.0, 10.0, 1000, points.back().time_ms + 1000);
    points.insert(points.end(), back.begin(), back.end());
    const auto traversals = match_trace(g, points);
    BOOST_TEST(describe(g, traversals) == "1+ 20.0-150.0; 1- 150.0-280.0; ");
}

BOOST_AUTO_TEST_CASE(one_way_street_is_not_matched_against_its_direction) {
    // A one-way street (eastbound, y = 0) beside a two-way street (y = 15), joined at both
    // ends. The vehicle drives west along y = 5, nearer the one-way street.
    NetworkBuilder b;
    const std::int64_t one_way = b.road({{0, 0}, {300, 0}}, true);
    const std::int64_t two_way = b.road({{0, 15}, {300, 15}});
    b.road({{0, 0}, {0, 15}});
    b.road({{300, 0}, {300, 15}});
    const RoadGraph g(b.network());
    const auto points = trace_along({{290, 5}, {10, 5}}, 0.0, 280.0, 10.0, 1000);
    const auto traversals = match_trace(g, points);
    BOOST_REQUIRE_EQUAL(traversals.size(), 1U);
    BOOST_TEST(g.edge(traversals[0].edge).segment_id == two_way);
    BOOST_TEST(!g.edge(traversals[0].edge).forward);
    BOOST_TEST(traversals[0].from_offset_m == 10.0, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(traversals[0].to_offset_m == 290.0, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(one_way != two_way);
}

BOOST_AUTO_TEST_CASE(a_long_gap_breaks_the_trace) {
    const RoadGraph g(StraightStreet().network);
    auto points = trace_along({{0, 0}, {100, 0}}, 5.0, 95.0, 10.0, 1000);
    // 120 s later (more than max_gap_ms) the vehicle is on segment 3.
    const auto later = trace_along({{200, 0}, {300, 0}}, 5.0, 95.0, 10.0, 1000, 129'000);
    points.insert(points.end(), later.begin(), later.end());
    const auto traversals = match_trace(g, points);
    BOOST_TEST(describe(g, traversals) == "1+ 5.0-95.0; 3+ 5.0-95.0; ");
    BOOST_REQUIRE_EQUAL(traversals.size(), 2U);
    BOOST_TEST(traversals[0].exit_ms == 9000);
    BOOST_TEST(traversals[1].enter_ms == 129'000);
    BOOST_TEST(traversals[1].first_sequence == 10U);
}

BOOST_AUTO_TEST_CASE(the_same_gap_within_max_gap_is_bridged) {
    const RoadGraph g(StraightStreet().network);
    auto points = trace_along({{0, 0}, {100, 0}}, 5.0, 95.0, 10.0, 1000);
    const auto later = trace_along({{200, 0}, {300, 0}}, 5.0, 95.0, 10.0, 1000, 29'000);
    points.insert(points.end(), later.begin(), later.end());
    const auto traversals = match_trace(g, points);
    BOOST_TEST(describe(g, traversals) == "1+ 5.0-100.0; 2+ 0.0-100.0; 3+ 0.0-95.0; ");
}

BOOST_AUTO_TEST_CASE(a_fix_no_route_can_reach_breaks_the_trace) {
    // Two streets 120 m apart that do not meet.
    NetworkBuilder b;
    b.road({{0, 0}, {200, 0}});
    b.road({{0, 120}, {200, 120}});
    const RoadGraph g(b.network());
    auto points = trace_along({{0, 0}, {200, 0}}, 10.0, 100.0, 10.0, 1000);
    const auto other = trace_along({{0, 120}, {200, 120}}, 110.0, 190.0, 10.0, 1000, 11'000);
    points.insert(points.end(), other.begin(), other.end());
    const auto traversals = match_trace(g, points);
    BOOST_TEST(describe(g, traversals) == "1+ 10.0-100.0; 2+ 110.0-190.0; ");
}

BOOST_AUTO_TEST_CASE(a_fix_far_from_every_road_is_skipped) {
    const RoadGraph g(StraightStreet().network);
    auto points = trace_along({{0, 0}, {300, 0}}, 5.0, 295.0, 10.0, 1000);
    OnlineMatcher matcher(g);
    std::vector<Traversal> traversals;
    for (std::size_t k = 0; k < points.size(); ++k) {
        if (k == 12) {
            BOOST_TEST(!matcher.push({points[k].time_ms - 500, {150, -400}, std::nullopt}));
        }
        const auto position = matcher.push(points[k]);
        BOOST_REQUIRE(position.has_value());
        BOOST_TEST(position->sequence == (k < 12 ? k : k + 1));
    }
    matcher.flush();
    traversals = matcher.take_decided();
    BOOST_TEST(describe(g, traversals) == "1+ 5.0-100.0; 2+ 0.0-100.0; 3+ 0.0-95.0; ");
    BOOST_REQUIRE_EQUAL(traversals.size(), 3U);
    BOOST_TEST(traversals[1].first_sequence == 10U);
    BOOST_TEST(traversals[1].last_sequence == 20U); // the skipped fix took sequence 12
}

BOOST_AUTO_TEST_CASE(an_out_of_order_fix_is_ignored) {
    const RoadGraph g(StraightStreet().network);
    const auto points = trace_along({{0, 0}, {300, 0}}, 5.0, 295.0, 10.0, 1000);
    OnlineMatcher matcher(g);
    for (std::size_t k = 0; k < points.size(); ++k) {
        if (k == 15) {
            // Older than the last fix, and on the side street: must change nothing.
            BOOST_TEST(!matcher.push({points[k - 3].time_ms, {100, 50}, std::nullopt}));
            BOOST_TEST(!matcher.push({points[k - 1].time_ms, {100, 50}, std::nullopt}));
        }
        BOOST_TEST(matcher.push(points[k]).has_value());
    }
    matcher.flush();
    const auto traversals = matcher.take_decided();
    BOOST_TEST(describe(g, traversals) == "1+ 5.0-100.0; 2+ 0.0-100.0; 3+ 0.0-95.0; ");
    BOOST_REQUIRE_EQUAL(traversals.size(), 3U);
    BOOST_TEST(traversals[2].last_sequence == 31U);
}

BOOST_AUTO_TEST_CASE(decisions_arrive_before_the_flush) {
    // 20 segments of 100 m in a row; after 2 km of fixes most of the path is decided.
    NetworkBuilder b;
    for (int i = 0; i < 20; ++i) {
        b.road({{i * 100.0, 0}, {(i + 1) * 100.0, 0}});
    }
    const RoadGraph g(b.network());
    const auto points = trace_along({{0, 0}, {2000, 0}}, 5.0, 1995.0, 10.0, 1000);
    OnlineMatcher matcher(g);
    std::vector<Traversal> online;
    for (const TracePoint& p : points) {
        matcher.push(p);
        for (const Traversal& t : matcher.take_decided()) {
            online.push_back(t);
        }
    }
    // Every segment but the one still being driven is handed out without a flush.
    BOOST_REQUIRE_EQUAL(online.size(), 19U);
    BOOST_TEST(g.edge(online.back().edge).segment_id == 19);
    BOOST_TEST(online.back().to_offset_m == 100.0);
    matcher.flush();
    const auto rest = matcher.take_decided();
    BOOST_REQUIRE_EQUAL(rest.size(), 1U);
    BOOST_TEST(rest[0].to_offset_m == 95.0, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(max_lag_forces_a_decision_between_equal_hypotheses) {
    // Two parallel streets of ten 100 m segments, 20 m apart, and a trace exactly between them:
    // no fix tells them apart and the two hypotheses never meet, so only the lag bound decides.
    NetworkBuilder b;
    for (int i = 0; i < 10; ++i) {
        b.road({{i * 100.0, 0}, {(i + 1) * 100.0, 0}});
        b.road({{i * 100.0, 20}, {(i + 1) * 100.0, 20}});
    }
    const RoadGraph g(b.network());
    MatchParameters params;
    params.max_lag = 5;
    OnlineMatcher matcher(g, params);
    const auto points = trace_along({{0, 10}, {1000, 10}}, 0.0, 500.0, 10.0, 1000);
    std::vector<Traversal> online;
    for (const TracePoint& p : points) {
        const auto position = matcher.push(p);
        BOOST_REQUIRE(position.has_value());
        BOOST_TEST(std::abs(position->point.y - 10.0) == 10.0);
        for (const Traversal& t : matcher.take_decided()) {
            online.push_back(t);
        }
    }
    // The fix at x = 500 is number 50; with a lag of 5 the path is decided to x = 450, so the
    // first four segments are complete, all on one street and eastbound.
    BOOST_REQUIRE_EQUAL(online.size(), 4U);
    const std::int64_t first_segment = g.edge(online[0].edge).segment_id;
    for (std::size_t i = 0; i < online.size(); ++i) {
        const DirectedEdge& e = g.edge(online[i].edge);
        BOOST_TEST(e.forward);
        BOOST_TEST(e.segment_id == first_segment + 2 * static_cast<std::int64_t>(i));
        BOOST_TEST(online[i].to_offset_m == 100.0);
    }
    matcher.flush();
    const auto rest = matcher.take_decided();
    BOOST_REQUIRE_EQUAL(rest.size(), 1U);
    BOOST_TEST(g.edge(rest[0].edge).segment_id == first_segment + 8);
    BOOST_TEST(rest[0].to_offset_m == 100.0);
    BOOST_TEST(rest[0].last_sequence == 50U);
}

BOOST_AUTO_TEST_CASE(a_vehicle_standing_at_a_crossroads_does_not_wander_into_side_streets) {
    // Crossroads at x = 100 (streets to the north and south). The vehicle drives east at
    // 10 m/s, stands for a minute at the crossing while its fixes scatter by up to 9 m along
    // every street, then drives on east. Its receiver reports speed and course.
    NetworkBuilder b;
    b.road({{0, 0}, {100, 0}});
    b.road({{100, 0}, {200, 0}});
    b.road({{100, -100}, {100, 0}});
    b.road({{100, 0}, {100, 100}});
    const RoadGraph g(b.network());
    std::vector<TracePoint> points;
    std::vector<TraceMotion> motions;
    for (int k = 0; k <= 8; ++k) { // x = 10 ... 90 at t = 0 ... 8 s
        points.push_back({k * 1000, {10.0 + 10.0 * k, 0.0}, 5.0});
        motions.push_back({10.0, 90.0});
    }
    const XY scatter[] = {{9, 0}, {0, 9}, {-6, 3}, {0, -9}, {5, 5}, {-9, 0}, {3, 8}, {0, -7}};
    for (int k = 0; k < 60; ++k) { // t = 10 ... 69 s
        const XY d = scatter[k % std::size(scatter)];
        points.push_back({10'000 + k * 1000, {100.0 + d.x, d.y}, 5.0});
        motions.push_back({0.1, 37.0 * k});
    }
    for (int k = 0; k < 9; ++k) { // x = 110 ... 190 at t = 71 ... 79 s
        points.push_back({71'000 + k * 1000, {110.0 + 10.0 * k, 0.0}, 5.0});
        motions.push_back({10.0, 90.0});
    }
    const auto traversals = match_trace(g, points, motions);
    BOOST_TEST(describe(g, traversals) == "1+ 10.0-100.0; 2+ 0.0-90.0; ");
    BOOST_REQUIRE_EQUAL(traversals.size(), 2U);
    // The first standing fix, 9 m into the second street (t = 10 s), puts the stand there:
    // the first street is left 10/19 of the way from t = 8 s to 10 s, and the second street's
    // traversal holds all 60 standing fixes (sequences 9 to 68) and the drive on.
    BOOST_TEST(traversals[0].exit_ms == 9053);
    BOOST_TEST(traversals[0].last_sequence == 8U);
    BOOST_TEST(traversals[1].enter_ms == 9053);
    BOOST_TEST(traversals[1].first_sequence == 9U);
    BOOST_TEST(traversals[1].last_sequence == 77U);
    BOOST_TEST(traversals[1].exit_ms == 79'000);
}

BOOST_AUTO_TEST_CASE(motions_must_match_the_points) {
    const RoadGraph g(StraightStreet().network);
    const std::vector<TracePoint> points{{0, {50, 3}, std::nullopt}, {1000, {60, 3}, std::nullopt}};
    const std::vector<TraceMotion> one{{10.0, 90.0}};
    BOOST_CHECK_THROW(match_trace(g, points, one), ykm::Error);
}

BOOST_AUTO_TEST_CASE(an_empty_trace_matches_nothing) {
    const RoadGraph g(StraightStreet().network);
    BOOST_TEST(match_trace(g, {}).empty());
    OnlineMatcher matcher(g);
    matcher.flush();
    BOOST_TEST(matcher.take_decided().empty());
}

BOOST_AUTO_TEST_CASE(a_single_fix_makes_no_traversal) {
    const RoadGraph g(StraightStreet().network);
    const std::vector<TracePoint> one{{0, {50, 3}, std::nullopt}};
    BOOST_TEST(match_trace(g, one).empty());
}

BOOST_AUTO_TEST_SUITE_END()

#include "ykm/gis/error.hpp"
#include "ykm/gis/road_graph.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

using namespace ykm;
using namespace ykm::gis;

namespace ykm::gis {
// Internal linkage: other test files may print these types their own way.
static std::ostream& operator<<(std::ostream& os, const XY& p) {
    return os << '(' << p.x << ", " << p.y << ')';
}
} // namespace ykm::gis

BOOST_AUTO_TEST_SUITE(road_graph_tests)

namespace {

RoadSegment segment(std::int64_t id, std::int64_t from, std::int64_t to, Polyline points,
                    bool oneway = false) {
    RoadSegment s;
    s.id = id;
    s.from_node = from;
    s.to_node = to;
    s.points = std::move(points);
    s.attributes.oneway = oneway;
    s.length_m = planar_length(s.points);
    return s;
}

// Three nodes: 1 (0,0), 2 (100,50), 3 (0,50).
//   segment 1: 1 -> 2 by an L through (100,0), two-way  -> edges 0 (forward), 1 (backward)
//   segment 2: 3 -> 2 along y = 50, one-way              -> edge 2
//   segment 3: 1 -> 3 along x = 0, two-way               -> edges 3, 4
RoadNetwork triangle() {
    RoadNetwork n;
    n.crs = Epsg{6678};
    n.nodes = {{1, {0, 0}, ""}, {2, {100, 50}, ""}, {3, {0, 50}, ""}};
    n.segments = {segment(1, 1, 2, {{0, 0}, {100, 0}, {100, 50}}),
                  segment(2, 3, 2, {{0, 50}, {100, 50}}, true),
                  segment(3, 1, 3, {{0, 0}, {0, 50}})};
    n.segments[0].attributes.priority = PriorityClass::second;
    return n;
}

std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

} // namespace

BOOST_AUTO_TEST_CASE(two_way_segments_give_two_edges_and_one_way_segments_one) {
    const RoadGraph g(triangle());
    BOOST_TEST(g.edge_count() == 5U);
    BOOST_TEST(g.node_count() == 3U);
    BOOST_TEST(g.crs().code == 6678);
    BOOST_TEST(g.edge(0).segment_id == 1);
    BOOST_TEST(g.edge(0).forward);
    BOOST_TEST(g.edge(1).segment_id == 1);
    BOOST_TEST(!g.edge(1).forward);
    BOOST_TEST(g.edge(2).segment_id == 2);
    BOOST_TEST(g.edge(2).forward);
    BOOST_TEST(g.edge(3).segment_id == 3);
    BOOST_TEST(to_int(g.edge(1).priority) == 2);
}

BOOST_AUTO_TEST_CASE(twins_pair_the_directions_of_a_two_way_segment) {
    const RoadGraph g(triangle());
    BOOST_TEST(g.twin(0).value() == 1U);
    BOOST_TEST(g.twin(1).value() == 0U);
    BOOST_TEST(!g.twin(2).has_value());
    BOOST_TEST(g.twin(3).value() == 4U);
}

BOOST_AUTO_TEST_CASE(backward_edges_run_the_shape_reversed_between_swapped_nodes) {
    const RoadGraph g(triangle());
    BOOST_TEST(g.edge(0).from == 0U);
    BOOST_TEST(g.edge(0).to == 1U);
    BOOST_TEST(g.edge(1).from == 1U);
    BOOST_TEST(g.edge(1).to == 0U);
    const auto back = g.shape(1);
    BOOST_REQUIRE_EQUAL(back.size(), 3U);
    BOOST_TEST(back[0] == (XY{100, 50}));
    BOOST_TEST(back[1] == (XY{100, 0}));
    BOOST_TEST(back[2] == (XY{0, 0}));
    BOOST_TEST(g.node_position(1) == (XY{100, 50}));
}

BOOST_AUTO_TEST_CASE(edge_lengths_are_planar) {
    const RoadGraph g(triangle());
    BOOST_TEST(g.edge(0).length_m == 150.0);
    BOOST_TEST(g.edge(1).length_m == 150.0);
    BOOST_TEST(g.edge(2).length_m == 100.0);
    BOOST_TEST(g.edge(3).length_m == 50.0);
}

BOOST_AUTO_TEST_CASE(out_edges_list_the_edges_leaving_a_node) {
    const RoadGraph g(triangle());
    const auto from_1 = g.out_edges(0);
    BOOST_TEST(std::vector<EdgeIndex>(from_1.begin(), from_1.end()) ==
                   (std::vector<EdgeIndex>{0, 3}),
               boost::test_tools::per_element());
    const auto from_2 = g.out_edges(1);
    BOOST_TEST(std::vector<EdgeIndex>(from_2.begin(), from_2.end()) == (std::vector<EdgeIndex>{1}),
               boost::test_tools::per_element());
    const auto from_3 = g.out_edges(2);
    BOOST_TEST(std::vector<EdgeIndex>(from_3.begin(), from_3.end()) ==
                   (std::vector<EdgeIndex>{2, 4}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(point_at_walks_the_shape_in_the_direction_of_travel) {
    const RoadGraph g(triangle());
    BOOST_TEST(g.point_at(0, 120.0) == (XY{100, 20}));
    BOOST_TEST(g.point_at(0, 100.0) == (XY{100, 0}));
    BOOST_TEST(g.point_at(1, 120.0) == (XY{30, 0}));
    BOOST_TEST(g.point_at(1, 0.0) == (XY{100, 50}));
    BOOST_TEST(g.point_at(0, -5.0) == (XY{0, 0}));
    BOOST_TEST(g.point_at(0, 1000.0) == (XY{100, 50}));
}

BOOST_AUTO_TEST_CASE(heading_at_gives_the_direction_of_travel_clockwise_from_north) {
    const RoadGraph g(triangle());
    BOOST_TEST(g.heading_at(0, 50.0) == 90.0);   // east along y = 0
    BOOST_TEST(g.heading_at(0, 120.0) == 0.0);   // north up x = 100
    BOOST_TEST(g.heading_at(1, 10.0) == 180.0);  // back south
    BOOST_TEST(g.heading_at(1, 100.0) == 270.0); // back west
    BOOST_TEST(g.heading_at(1, 500.0) == 270.0); // clamped to the last piece
    BOOST_TEST(g.heading_at(4, 0.0) == 180.0);
}

BOOST_AUTO_TEST_CASE(find_edge_looks_up_a_segment_direction) {
    const RoadGraph g(triangle());
    BOOST_TEST(g.find_edge(1, true).value() == 0U);
    BOOST_TEST(g.find_edge(1, false).value() == 1U);
    BOOST_TEST(g.find_edge(2, true).value() == 2U);
    BOOST_TEST(!g.find_edge(2, false).has_value()); // one-way
    BOOST_TEST(g.find_edge(3, false).value() == 4U);
    BOOST_TEST(!g.find_edge(4, true).has_value());
}

BOOST_AUTO_TEST_CASE(edges_near_gives_both_directions_with_their_offsets) {
    const RoadGraph g(triangle());
    std::vector<EdgeProjection> near;
    g.edges_near({40, 10}, 30.0, near);
    BOOST_REQUIRE_EQUAL(near.size(), 2U);
    BOOST_TEST(near[0].edge == 0U);
    BOOST_TEST(near[0].distance_m == 10.0);
    BOOST_TEST(near[0].offset_m == 40.0);
    BOOST_TEST(near[0].point == (XY{40, 0}));
    BOOST_TEST(near[1].edge == 1U);
    BOOST_TEST(near[1].distance_m == 10.0);
    BOOST_TEST(near[1].offset_m == 110.0);
}

BOOST_AUTO_TEST_CASE(edges_near_sorts_by_distance_then_edge) {
    const RoadGraph g(triangle());
    std::vector<EdgeProjection> near;
    g.edges_near({40, 10}, 45.0, near);
    BOOST_REQUIRE_EQUAL(near.size(), 5U);
    const std::vector<EdgeIndex> edges{near[0].edge, near[1].edge, near[2].edge, near[3].edge,
                                       near[4].edge};
    BOOST_TEST(edges == (std::vector<EdgeIndex>{0, 1, 2, 3, 4}), boost::test_tools::per_element());
    BOOST_TEST(near[2].distance_m == 40.0);
    BOOST_TEST(near[2].offset_m == 40.0);
    BOOST_TEST(near[3].offset_m == 10.0);
    BOOST_TEST(near[4].offset_m == 40.0);
}

BOOST_AUTO_TEST_CASE(edges_near_keeps_the_nearest_piece_of_an_edge) {
    const RoadGraph g(triangle());
    std::vector<EdgeProjection> near;
    g.edges_near({97, 5}, 20.0, near);
    BOOST_REQUIRE_EQUAL(near.size(), 2U);
    BOOST_TEST(near[0].edge == 0U);
    BOOST_TEST(near[0].distance_m == 3.0);
    BOOST_TEST(near[0].offset_m == 105.0);
    BOOST_TEST(near[1].edge == 1U);
    BOOST_TEST(near[1].offset_m == 45.0);
}

BOOST_AUTO_TEST_CASE(edges_near_finds_nothing_far_from_the_roads) {
    const RoadGraph g(triangle());
    std::vector<EdgeProjection> near{EdgeProjection{}};
    g.edges_near({500, 500}, 50.0, near);
    BOOST_TEST(near.empty());
    g.edges_near({50, 25}, 20.0, near); // inside the triangle, 25 m from every side
    BOOST_TEST(near.empty());
}

BOOST_AUTO_TEST_CASE(edges_near_agrees_with_a_full_scan) {
    // A jittered 20 x 20 grid of 80 m blocks with every third street one-way.
    RoadNetwork n;
    n.crs = Epsg{6678};
    std::mt19937_64 random(7);
    std::uniform_real_distribution<double> jitter(-15.0, 15.0);
    constexpr int size = 20;
    for (int j = 0; j < size; ++j) {
        for (int i = 0; i < size; ++i) {
            n.nodes.push_back(
                {j * size + i + 1, {i * 80.0 + jitter(random), j * 80.0 + jitter(random)}, ""});
        }
    }
    std::int64_t id = 1;
    for (int j = 0; j < size; ++j) {
        for (int i = 0; i < size; ++i) {
            const auto a = static_cast<std::size_t>(j * size + i);
            auto add = [&](std::size_t b, bool oneway) {
                const XY p = n.nodes[a].position;
                const XY q = n.nodes[b].position;
                const XY bend{(p.x + q.x) / 2 + jitter(random), (p.y + q.y) / 2 + jitter(random)};
                n.segments.push_back(
                    segment(id++, n.nodes[a].id, n.nodes[b].id, {p, bend, q}, oneway));
            };
            if (i + 1 < size) {
                add(a + 1, j % 3 == 0);
            }
            if (j + 1 < size) {
                add(a + size, false);
            }
        }
    }
    const RoadGraph g(n);
    std::uniform_real_distribution<double> where(-100.0, size * 80.0 + 100.0);
    std::vector<EdgeProjection> near;
    for (int k = 0; k < 300; ++k) {
        const XY p{where(random), where(random)};
        g.edges_near(p, 60.0, near);
        std::vector<std::pair<double, EdgeIndex>> expected;
        for (EdgeIndex e = 0; e < g.edge_count(); ++e) {
            const auto s = g.shape(e);
            double best = 1e300;
            for (std::size_t i = 0; i + 1 < s.size(); ++i) {
                const double dx = s[i + 1].x - s[i].x;
                const double dy = s[i + 1].y - s[i].y;
                const double t = std::clamp(
                    ((p.x - s[i].x) * dx + (p.y - s[i].y) * dy) / (dx * dx + dy * dy), 0.0, 1.0);
                best = std::min(best, std::hypot(s[i].x + t * dx - p.x, s[i].y + t * dy - p.y));
            }
            if (best <= 60.0) {
                expected.emplace_back(best, e);
            }
        }
        BOOST_REQUIRE_EQUAL(near.size(), expected.size());
        std::ranges::sort(expected);
        for (std::size_t i = 0; i < near.size(); ++i) {
            BOOST_TEST(near[i].distance_m == expected[i].first, boost::test_tools::tolerance(1e-9));
            BOOST_TEST(near[i].distance_m ==
                           std::hypot(near[i].point.x - p.x, near[i].point.y - p.y),
                       boost::test_tools::tolerance(1e-9));
            const XY on = g.point_at(near[i].edge, near[i].offset_m);
            BOOST_TEST(std::hypot(on.x - near[i].point.x, on.y - near[i].point.y) < 1e-6);
        }
    }
}

BOOST_AUTO_TEST_CASE(node_indices_follow_the_network_order_whatever_the_ids) {
    RoadNetwork n;
    n.crs = Epsg{6678};
    n.nodes = {{30, {0, 0}, ""}, {10, {10, 0}, ""}};
    n.segments = {segment(5, 10, 30, {{10, 0}, {0, 0}}, true)};
    const RoadGraph g(n);
    BOOST_TEST(g.edge(0).from == 1U);
    BOOST_TEST(g.edge(0).to == 0U);
    BOOST_TEST(g.edge(0).length_m == 10.0);
}

BOOST_AUTO_TEST_CASE(a_segment_naming_a_missing_node_is_an_error) {
    RoadNetwork n = triangle();
    n.segments[2].to_node = 99;
    const std::string message = message_of([&] { RoadGraph g(n); });
    BOOST_TEST(message == "road network: segment 3 names node 99, which does not exist");
}

BOOST_AUTO_TEST_CASE(a_segment_with_one_point_is_an_error) {
    RoadNetwork n = triangle();
    n.segments[1].points.resize(1);
    const std::string message = message_of([&] { RoadGraph g(n); });
    BOOST_TEST(message == "road network: segment 2 has 1 point(s), fewer than two");
}

BOOST_AUTO_TEST_CASE(a_repeated_node_id_is_an_error) {
    RoadNetwork n = triangle();
    n.nodes[2].id = 1;
    const std::string message = message_of([&] { RoadGraph g(n); });
    BOOST_TEST(message == "road network: node id 1 is used by more than one node");
}

BOOST_AUTO_TEST_CASE(an_empty_network_gives_an_empty_graph) {
    const RoadGraph g(RoadNetwork{Epsg{6678}, {}, {}});
    BOOST_TEST(g.edge_count() == 0U);
    std::vector<EdgeProjection> near;
    g.edges_near({0, 0}, 100.0, near);
    BOOST_TEST(near.empty());
}

BOOST_AUTO_TEST_SUITE_END()

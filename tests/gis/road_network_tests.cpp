#include "ykm/gis/error.hpp"
#include "ykm/gis/road_network.hpp"

#include <boost/test/unit_test.hpp>

using namespace ykm::gis;

BOOST_AUTO_TEST_SUITE(road_network_tests)

namespace {
// Coordinates in JGD2011 zone X (EPSG:6678), metres.
RoadLine line(std::string id, Polyline points, std::vector<std::int64_t> keys,
              bool oneway = false) {
    RoadLine l;
    l.attributes.source_id = std::move(id);
    l.attributes.oneway = oneway;
    l.points = std::move(points);
    l.vertex_keys = std::move(keys);
    return l;
}
} // namespace

BOOST_AUTO_TEST_CASE(splits_lines_at_shared_vertices) {
    // A street A-B-C crossed at B by a street D-B-E: four segments, five nodes.
    std::vector<RoadLine> lines{
        line("w1", {{0, 0}, {100, 0}, {200, 0}}, {1, 2, 3}),
        line("w2", {{100, -100}, {100, 0}, {100, 100}}, {4, 2, 5}),
    };
    const RoadNetwork n = build_road_network(lines, Epsg{6678});
    BOOST_TEST(n.nodes.size() == 5U);
    BOOST_TEST(n.segments.size() == 4U);
    BOOST_TEST(n.segments[0].points.size() == 2U);
    BOOST_TEST(n.segments[0].to_node == n.segments[2].to_node);
    BOOST_TEST(n.segments[0].attributes.source_id == "w1");
    // Geodesic length differs from the grid length by the zone's scale factor (~0.9999).
    BOOST_TEST(n.segments[0].length_m == 100.0, boost::test_tools::tolerance(2e-4));
}

BOOST_AUTO_TEST_CASE(keeps_unshared_interior_vertices_inside_a_segment) {
    std::vector<RoadLine> lines{line("w1", {{0, 0}, {50, 10}, {100, 0}}, {1, 2, 3})};
    const RoadNetwork n = build_road_network(lines, Epsg{6678});
    BOOST_TEST(n.segments.size() == 1U);
    BOOST_TEST(n.segments[0].points.size() == 3U);
    BOOST_TEST(n.nodes.size() == 2U);
}

BOOST_AUTO_TEST_CASE(gives_a_closed_loop_a_node) {
    std::vector<RoadLine> lines{line("loop", {{0, 0}, {100, 0}, {100, 100}, {0, 0}}, {1, 2, 3, 1})};
    const RoadNetwork n = build_road_network(lines, Epsg{6678});
    BOOST_TEST(n.segments.size() == 1U);
    BOOST_TEST(n.segments[0].from_node == n.segments[0].to_node);
}

BOOST_AUTO_TEST_CASE(merges_a_two_way_street_listed_in_both_directions) {
    std::vector<RoadLine> lines{
        line("a", {{0, 0}, {50, 5}, {100, 0}}, {1, 2, 3}, true),
        line("b", {{100, 0}, {50, 5}, {0, 0}}, {3, 2, 1}, true),
        line("c", {{100, 0}, {200, 0}}, {3, 4}, true),
    };
    const RoadNetwork n = build_road_network(lines, Epsg{6678});
    // The shared interior vertex 2 is not a node: the twins are one street.
    BOOST_TEST(n.nodes.size() == 3U);
    BOOST_TEST(n.segments.size() == 2U);
    BOOST_TEST(n.segments[0].attributes.oneway == false);
    BOOST_TEST(n.segments[1].attributes.oneway == true);
}

BOOST_AUTO_TEST_CASE(keeps_parallel_streets_with_different_geometry) {
    std::vector<RoadLine> lines{
        line("a", {{0, 0}, {50, 5}, {100, 0}}, {1, 2, 3}, true),
        line("b", {{100, 0}, {50, -5}, {0, 0}}, {3, 4, 1}, true),
    };
    const RoadNetwork n = build_road_network(lines, Epsg{6678});
    BOOST_TEST(n.segments.size() == 2U);
}

BOOST_AUTO_TEST_CASE(drops_degenerate_lines_and_repeated_vertices) {
    std::vector<RoadLine> lines{
        line("dup", {{0, 0}, {0, 0}}, {1, 1}),
        line("ok", {{0, 0}, {10, 0}, {10, 0}, {20, 0}}, {1, 2, 2, 3}),
    };
    const RoadNetwork n = build_road_network(lines, Epsg{6678});
    BOOST_TEST(n.segments.size() == 1U);
    BOOST_TEST(n.segments[0].points.size() == 3U);
}

BOOST_AUTO_TEST_CASE(refuses_lines_whose_keys_do_not_match_their_points) {
    std::vector<RoadLine> lines{line("bad", {{0, 0}, {10, 0}}, {1})};
    BOOST_CHECK_THROW(build_road_network(lines, Epsg{6678}), ykm::Error);
}

BOOST_AUTO_TEST_SUITE_END()

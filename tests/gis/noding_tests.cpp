#include "ykm/gis/error.hpp"
#include "ykm/gis/noding.hpp"
#include "ykm/gis/road_network.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>
#include <vector>

using namespace ykm::gis;

BOOST_AUTO_TEST_SUITE(noding_tests)

namespace {

// Coordinates in JGD2011 zone X (EPSG:6678), metres.
RoadLine line(std::string id, Polyline points) {
    RoadLine l;
    l.attributes.source_id = std::move(id);
    l.points = std::move(points);
    return l;
}

NodingOptions tolerance(double metres, bool split = false) {
    NodingOptions options;
    options.snap_tolerance_m = metres;
    options.split_crossings = split;
    return options;
}

// A bar along y = 2000 and a stem whose lower end stops 0.3 m short of it.
std::vector<RoadLine> t_junction() {
    return {line("bar", {{1000, 2000}, {1100, 2000}}),
            line("stem", {{1050, 2000.3}, {1050, 2050}})};
}

} // namespace

BOOST_AUTO_TEST_CASE(snaps_a_stem_end_onto_the_bar_within_tolerance) {
    auto lines = t_junction();
    node_lines(lines, tolerance(0.5));
    const Polyline expected_bar{{1000, 2000}, {1050, 2000}, {1100, 2000}};
    BOOST_TEST(lines[0].points == expected_bar);
    BOOST_TEST((lines[1].points.front() == XY{1050, 2000}));
    BOOST_TEST(lines[0].vertex_keys[1] == lines[1].vertex_keys[0]);

    const RoadNetwork n = build_road_network(lines, Epsg{6678});
    BOOST_TEST(n.nodes.size() == 4U);
    BOOST_TEST(n.segments.size() == 3U);
}

BOOST_AUTO_TEST_CASE(leaves_a_stem_end_beyond_tolerance_apart) {
    auto lines = t_junction();
    node_lines(lines, tolerance(0.1));
    BOOST_TEST(lines[0].points.size() == 2U);
    BOOST_TEST((lines[1].points.front() == XY{1050, 2000.3}));
    const std::set<std::int64_t> keys{lines[0].vertex_keys[0], lines[0].vertex_keys[1],
                                      lines[1].vertex_keys[0], lines[1].vertex_keys[1]};
    BOOST_TEST(keys.size() == 4U);

    const RoadNetwork n = build_road_network(lines, Epsg{6678});
    BOOST_TEST(n.nodes.size() == 4U);
    BOOST_TEST(n.segments.size() == 2U);
}

BOOST_AUTO_TEST_CASE(prefers_an_existing_vertex_of_the_bar_to_a_new_one) {
    std::vector<RoadLine> lines{line("bar", {{1000, 2000}, {1050.2, 2000}, {1100, 2000}}),
                                line("stem", {{1050, 2000.3}, {1050, 2050}})};
    node_lines(lines, tolerance(0.5));
    BOOST_TEST(lines[0].points.size() == 3U);
    BOOST_TEST((lines[1].points.front() == XY{1050.2, 2000}));
    BOOST_TEST(lines[0].vertex_keys[1] == lines[1].vertex_keys[0]);
}

BOOST_AUTO_TEST_CASE(joins_ends_0_2_m_apart_into_one_key) {
    std::vector<RoadLine> lines{line("a", {{1000, 2000}, {1100, 2000}}),
                                line("b", {{1100.2, 2000}, {1200, 2000}})};
    node_lines(lines, tolerance(0.5));
    BOOST_TEST(lines[0].vertex_keys.back() == lines[1].vertex_keys.front());
    // The first end of a cluster gives its place.
    BOOST_TEST((lines[1].points.front() == XY{1100, 2000}));

    const RoadNetwork n = build_road_network(lines, Epsg{6678});
    BOOST_TEST(n.nodes.size() == 3U);
    BOOST_TEST(n.segments.size() == 2U);
}

BOOST_AUTO_TEST_CASE(keeps_a_bridge_unsplit_by_default) {
    std::vector<RoadLine> lines{line("road", {{1000, 2000}, {1100, 2000}}),
                                line("bridge", {{1050, 1950}, {1050, 2050}})};
    node_lines(lines, tolerance(0.5));
    BOOST_TEST(lines[0].points.size() == 2U);
    BOOST_TEST(lines[1].points.size() == 2U);
    const RoadNetwork n = build_road_network(lines, Epsg{6678});
    BOOST_TEST(n.nodes.size() == 4U);
    BOOST_TEST(n.segments.size() == 2U);
}

BOOST_AUTO_TEST_CASE(splits_a_crossing_when_asked) {
    std::vector<RoadLine> lines{line("road", {{1000, 2000}, {1100, 2000}}),
                                line("street", {{1050, 1950}, {1050, 2050}})};
    node_lines(lines, tolerance(0.5, true));
    BOOST_REQUIRE(lines[0].points.size() == 3U);
    BOOST_REQUIRE(lines[1].points.size() == 3U);
    BOOST_TEST((lines[0].points[1] == XY{1050, 2000}));
    BOOST_TEST((lines[1].points[1] == XY{1050, 2000}));
    BOOST_TEST(lines[0].vertex_keys[1] == lines[1].vertex_keys[1]);
    const RoadNetwork n = build_road_network(lines, Epsg{6678});
    BOOST_TEST(n.nodes.size() == 5U);
    BOOST_TEST(n.segments.size() == 4U);
}

BOOST_AUTO_TEST_CASE(gives_negative_keys_in_order_and_own_keys_to_unshared_vertices) {
    std::vector<RoadLine> lines{line("a", {{1000, 2000}, {1050, 2010}, {1100, 2000}}),
                                line("b", {{1100, 2000}, {1150, 1990}})};
    node_lines(lines, tolerance(0.5));
    const std::vector<std::int64_t> a_keys{-1, -2, -3};
    const std::vector<std::int64_t> b_keys{-3, -4};
    BOOST_TEST(lines[0].vertex_keys == a_keys, boost::test_tools::per_element());
    BOOST_TEST(lines[1].vertex_keys == b_keys, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(gives_reversed_twins_mirrored_keys_so_they_merge) {
    std::vector<RoadLine> lines{line("u-v", {{1000, 2000}, {1050, 2010}, {1100, 2000}}),
                                line("v-u", {{1100, 2000}, {1050, 2010}, {1000, 2000}})};
    node_lines(lines, tolerance(0.5));
    BOOST_TEST(std::equal(lines[0].vertex_keys.begin(), lines[0].vertex_keys.end(),
                          lines[1].vertex_keys.rbegin()));
    const RoadNetwork n = build_road_network(lines, Epsg{6678});
    BOOST_TEST(n.nodes.size() == 2U);
    BOOST_TEST(n.segments.size() == 1U);
}

BOOST_AUTO_TEST_CASE(nodes_a_grid_whose_cross_streets_stop_short) {
    // Eleven east-west streets 100 m apart, and eleven north-south streets that stop 0.3 m short
    // of the first and last east-west street and cross the nine between without a vertex.
    auto grid = [] {
        std::vector<RoadLine> lines;
        for (int i = 0; i <= 10; ++i) {
            const double y = 2000.0 + 100.0 * i;
            lines.push_back(line("ew" + std::to_string(i), {{1000, y}, {2000, y}}));
        }
        for (int i = 0; i <= 10; ++i) {
            const double x = 1000.0 + 100.0 * i;
            lines.push_back(line("ns" + std::to_string(i), {{x, 2000.3}, {x, 2999.7}}));
        }
        return lines;
    };
    auto bridges = grid();
    node_lines(bridges, tolerance(0.5));
    const RoadNetwork kept = build_road_network(bridges, Epsg{6678});
    // The outer two east-west streets get 11 nodes each, the nine between only their two ends,
    // which lie on the outer two north-south streets and split them: 2 * 10 + 9 + 9 + 2 * 10
    // segments.
    BOOST_TEST(kept.nodes.size() == 40U);
    BOOST_TEST(kept.segments.size() == 58U);

    auto crossings = grid();
    node_lines(crossings, tolerance(0.5, true));
    const RoadNetwork split = build_road_network(crossings, Epsg{6678});
    BOOST_TEST(split.nodes.size() == 121U);
    BOOST_TEST(split.segments.size() == 220U);
}

BOOST_AUTO_TEST_CASE(refuses_a_negative_tolerance) {
    auto lines = t_junction();
    BOOST_CHECK_THROW(node_lines(lines, tolerance(-1.0)), ykm::Error);
}

BOOST_AUTO_TEST_SUITE_END()

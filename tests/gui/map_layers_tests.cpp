#include "ykm/gui/map_layers.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace ykm;
using namespace ykm::gui;

BOOST_AUTO_TEST_SUITE(map_layers_tests)

BOOST_AUTO_TEST_CASE(lists_the_topmost_layer_first_and_the_basemap_last) {
    const gis::MapStyle style; // districts, roads, dump sites, depots from the bottom
    const std::vector<MapLayer> expected{MapLayer::depots, MapLayer::dump_sites, MapLayer::roads,
                                         MapLayer::districts, MapLayer::basemap};
    BOOST_TEST((panel_order(style) == expected));
}

BOOST_AUTO_TEST_CASE(moving_a_layer_up_draws_it_after_its_neighbour) {
    gis::MapStyle style;
    BOOST_TEST(move_layer_up(style, MapLayer::roads));
    const std::vector<std::string> expected{"districts", "dump_sites", "road_segments", "depots"};
    BOOST_TEST(style.layer_order == expected, boost::test_tools::per_element());
    BOOST_TEST(move_layer_down(style, MapLayer::roads));
    BOOST_TEST(move_layer_down(style, MapLayer::roads));
    BOOST_TEST(style.layer_order.front() == "road_segments");
}

BOOST_AUTO_TEST_CASE(refuses_moves_past_either_end_and_moves_of_the_basemap) {
    gis::MapStyle style;
    const auto before = style.layer_order;
    BOOST_TEST(!move_layer_up(style, MapLayer::depots));
    BOOST_TEST(!move_layer_down(style, MapLayer::districts));
    BOOST_TEST(!move_layer_up(style, MapLayer::basemap));
    BOOST_TEST(style.layer_order == before, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(each_layer_has_its_own_style_and_key) {
    gis::MapStyle style;
    layer_style(style, MapLayer::dump_sites).visible = false;
    layer_style(style, MapLayer::basemap).opacity = 0.4;
    BOOST_TEST(!style.dump_sites.visible);
    BOOST_TEST(style.roads.visible);
    BOOST_TEST(style.basemap.opacity == 0.4);
    BOOST_TEST(layer_key(MapLayer::roads) == "road_segments");
    BOOST_TEST((layer_from_key("depots") == MapLayer::depots));
    BOOST_TEST(!layer_from_key("plows").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

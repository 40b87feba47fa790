#include "ykm/gui/map_style.hpp"

#include <boost/test/unit_test.hpp>

using namespace ykm;
using namespace ykm::gui;

BOOST_AUTO_TEST_SUITE(map_style_tests)

BOOST_AUTO_TEST_CASE(colours_priority_classes_with_the_okabe_ito_palette) {
    BOOST_TEST((priority_colour(gis::PriorityClass::first) == Rgb{0xD5, 0x5E, 0x00}));
    BOOST_TEST((priority_colour(gis::PriorityClass::second) == Rgb{0x00, 0x72, 0xB2}));
    BOOST_TEST((priority_colour(gis::PriorityClass::third) == Rgb{0x00, 0x9E, 0x73}));
    BOOST_TEST((priority_colour(gis::PriorityClass::none) == Rgb{0x99, 0x99, 0x99}));
}

BOOST_AUTO_TEST_CASE(draws_higher_classes_wider_and_last) {
    BOOST_TEST(priority_line_width_px(gis::PriorityClass::first) >
               priority_line_width_px(gis::PriorityClass::second));
    BOOST_TEST(priority_line_width_px(gis::PriorityClass::second) >
               priority_line_width_px(gis::PriorityClass::third));
    BOOST_TEST(priority_line_width_px(gis::PriorityClass::third) >=
               priority_line_width_px(gis::PriorityClass::none));
    BOOST_TEST((priority_drawing_order.back() == gis::PriorityClass::first));
}

BOOST_AUTO_TEST_CASE(fits_a_wide_extent_to_the_width_and_centres_it_vertically) {
    // 2000 m x 500 m into 1000 x 800 px less 50 px margins: 900 / 2000 = 0.45 px/m.
    const gis::Box extent{10000.0, 20000.0, 12000.0, 20500.0};
    const ViewTransform t = ViewTransform::fit(extent, 1000, 800, 50);
    BOOST_TEST(t.scale() == 0.45);
    const PixelXY south_west = t.to_pixel({10000.0, 20000.0});
    BOOST_TEST(south_west.x == 50.0);
    BOOST_TEST(south_west.y == 512.5);
    const PixelXY north_east = t.to_pixel({12000.0, 20500.0});
    BOOST_TEST(north_east.x == 950.0);
    BOOST_TEST(north_east.y == 287.5);
}

BOOST_AUTO_TEST_CASE(fits_a_tall_extent_to_the_height_with_north_up) {
    const gis::Box extent{0.0, 0.0, 100.0, 1000.0};
    const ViewTransform t = ViewTransform::fit(extent, 1000, 520, 10);
    BOOST_TEST(t.scale() == 0.5);
    BOOST_TEST(t.to_pixel({50.0, 1000.0}).y == 10.0);
    BOOST_TEST(t.to_pixel({50.0, 0.0}).y == 510.0);
    BOOST_TEST(t.to_pixel({0.0, 500.0}).x == 475.0);
}

BOOST_AUTO_TEST_CASE(fits_a_single_east_west_line_along_its_length) {
    const gis::Box extent{0.0, 5.0, 400.0, 5.0};
    const ViewTransform t = ViewTransform::fit(extent, 420, 300, 10);
    BOOST_TEST(t.scale() == 1.0);
    BOOST_TEST(t.to_pixel({0.0, 5.0}).x == 10.0);
    BOOST_TEST(t.to_pixel({0.0, 5.0}).y == 150.0);
}

BOOST_AUTO_TEST_SUITE_END()

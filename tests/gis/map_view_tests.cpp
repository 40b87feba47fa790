#include "ykm/gis/error.hpp"
#include "ykm/gis/map_content.hpp"
#include "ykm/gis/map_view.hpp"

#include <boost/test/unit_test.hpp>

using namespace ykm::gis;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(map_view_tests)

// A 400x200 picture at 2 m/px centred on a point of JGD2011 zone X (EPSG:6678).
namespace {
MapView town_view() {
    return MapView(XY{-15000.0, 69000.0}, 2.0, 400, 200);
}
} // namespace

BOOST_AUTO_TEST_CASE(extent_is_the_picture_times_the_resolution) {
    const Box e = town_view().extent();
    BOOST_TEST(e.min_x == -15400.0);
    BOOST_TEST(e.max_x == -14600.0);
    BOOST_TEST(e.min_y == 68800.0);
    BOOST_TEST(e.max_y == 69200.0);
}

BOOST_AUTO_TEST_CASE(to_pixel_puts_north_up_and_the_origin_top_left) {
    const MapView v = town_view();
    const XY centre = v.to_pixel({-15000.0, 69000.0});
    BOOST_TEST(centre.x == 200.0);
    BOOST_TEST(centre.y == 100.0);
    const XY top_left = v.to_pixel({-15400.0, 69200.0});
    BOOST_TEST(top_left.x == 0.0);
    BOOST_TEST(top_left.y == 0.0);
    // 20 m east and 10 m north: 10 px right, 5 px up.
    const XY p = v.to_pixel({-14980.0, 69010.0});
    BOOST_TEST(p.x == 210.0);
    BOOST_TEST(p.y == 95.0);
}

BOOST_AUTO_TEST_CASE(to_map_inverts_to_pixel) {
    const MapView v = town_view();
    const XY m = v.to_map({400.0, 200.0});
    BOOST_TEST(m.x == -14600.0);
    BOOST_TEST(m.y == 68800.0);
    const XY back = v.to_pixel(v.to_map({123.5, 45.25}));
    BOOST_TEST(back.x == 123.5, tt::tolerance(1e-9));
    BOOST_TEST(back.y == 45.25, tt::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(scale_denominator_is_at_96_dpi) {
    // 2 m/px at 96 px per inch: 2 / 0.0254 * 96 = 7559.055...
    BOOST_TEST(town_view().scale_denominator() == 7559.0551181102, tt::tolerance(1e-12));
    BOOST_TEST(town_view().scale_denominator(192.0) == 15118.1102362205, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(at_scale_round_trips_the_denominator) {
    const MapView v = town_view().at_scale(25000.0);
    BOOST_TEST(v.metres_per_pixel() == 25000.0 / 96.0 * 0.0254, tt::tolerance(1e-12));
    BOOST_TEST(v.scale_denominator() == 25000.0, tt::tolerance(1e-12));
    BOOST_TEST((v.centre() == XY{-15000.0, 69000.0}));
    BOOST_TEST(v.width_px() == 400);
    BOOST_CHECK_THROW((void)town_view().at_scale(0.0), ykm::Error);
}

BOOST_AUTO_TEST_CASE(pan_moves_the_map_with_the_pointer) {
    // Dragging 10 px right moves the centre 10 px worth of metres west.
    const MapView right = town_view().panned(10.0, 0.0);
    BOOST_TEST(right.centre().x == -15020.0);
    BOOST_TEST(right.centre().y == 69000.0);
    // Dragging 5 px down brings the land to the north into view: the centre moves north.
    const MapView down = town_view().panned(0.0, 5.0);
    BOOST_TEST(down.centre().y == 69010.0);
    BOOST_TEST(down.metres_per_pixel() == 2.0);
}

BOOST_AUTO_TEST_CASE(zoom_about_a_pixel_keeps_its_map_point) {
    const MapView v = town_view();
    const XY pixel{300.0, 50.0};
    const XY before = v.to_map(pixel); // (-14800, 69100)
    BOOST_TEST(before.x == -14800.0);
    BOOST_TEST(before.y == 69100.0);
    const MapView in = v.zoomed(2.0, pixel);
    BOOST_TEST(in.metres_per_pixel() == 1.0);
    const XY after = in.to_map(pixel);
    BOOST_TEST(after.x == -14800.0);
    BOOST_TEST(after.y == 69100.0);
    // The centre moved half way towards the fixed point.
    BOOST_TEST(in.centre().x == -14900.0);
    BOOST_TEST(in.centre().y == 69050.0);
    const MapView out = v.zoomed(0.5, pixel);
    BOOST_TEST(out.metres_per_pixel() == 4.0);
    BOOST_TEST(out.to_map(pixel).x == -14800.0);
    BOOST_TEST(out.to_map(pixel).y == 69100.0);
}

BOOST_AUTO_TEST_CASE(zoom_without_a_pixel_keeps_the_centre) {
    const MapView in = town_view().zoomed(4.0);
    BOOST_TEST((in.centre() == XY{-15000.0, 69000.0}));
    BOOST_TEST(in.metres_per_pixel() == 0.5);
}

BOOST_AUTO_TEST_CASE(fit_shows_the_box_with_a_margin) {
    // 1000 m x 200 m into 400x200 with 5 % margins: 360 px free across, 180 px down;
    // 1000/360 = 2.777... m/px wins over 200/180 = 1.111...
    const MapView v = MapView::fit(Box{1000.0, 5000.0, 2000.0, 5200.0}, 400, 200, 0.05);
    BOOST_TEST(v.metres_per_pixel() == 1000.0 / 360.0, tt::tolerance(1e-12));
    BOOST_TEST((v.centre() == XY{1500.0, 5100.0}));
    BOOST_TEST(v.to_pixel({1000.0, 5100.0}).x == 20.0, tt::tolerance(1e-9));
    BOOST_TEST(v.to_pixel({2000.0, 5100.0}).x == 380.0, tt::tolerance(1e-9));
    // A tall box: the height decides.
    const MapView tall = MapView::fit(Box{0.0, 0.0, 10.0, 900.0}, 400, 200, 0.05);
    BOOST_TEST(tall.metres_per_pixel() == 5.0, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(fit_of_an_empty_or_point_box_is_one_metre_per_pixel) {
    const MapView empty = MapView::fit(Box::empty(), 400, 200);
    BOOST_TEST(empty.metres_per_pixel() == 1.0);
    const MapView point = MapView::fit(Box{7.0, 8.0, 7.0, 8.0}, 400, 200);
    BOOST_TEST(point.metres_per_pixel() == 1.0);
    BOOST_TEST((point.centre() == XY{7.0, 8.0}));
}

BOOST_AUTO_TEST_CASE(showing_a_box_fills_the_picture_without_margin) {
    const MapView v = town_view().showing(Box{0.0, 0.0, 800.0, 100.0});
    BOOST_TEST(v.metres_per_pixel() == 2.0);
    BOOST_TEST(v.width_px() == 400);
    BOOST_TEST((v.centre() == XY{400.0, 50.0}));
}

BOOST_AUTO_TEST_CASE(resize_keeps_centre_and_resolution) {
    const MapView v = town_view().resized(1000, 50);
    BOOST_TEST((v.centre() == XY{-15000.0, 69000.0}));
    BOOST_TEST(v.metres_per_pixel() == 2.0);
    BOOST_TEST(v.extent().min_x == -16000.0);
    BOOST_TEST(v.extent().max_y == 69050.0);
}

BOOST_AUTO_TEST_CASE(rejects_a_bad_resolution_or_size) {
    BOOST_CHECK_THROW(MapView(XY{}, 0.0, 10, 10), ykm::Error);
    BOOST_CHECK_THROW(MapView(XY{}, -1.0, 10, 10), ykm::Error);
    BOOST_CHECK_THROW(MapView(XY{}, 1.0, 0, 10), ykm::Error);
    BOOST_CHECK_THROW(MapView(XY{}, 1.0, 10, -3), ykm::Error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(simplify_tests)

BOOST_AUTO_TEST_CASE(drops_vertices_near_the_last_kept_one) {
    const Polyline line{{0, 0}, {0.4, 0}, {0.8, 0}, {1.2, 0}, {3, 0}, {3.5, 0}, {10, 0}};
    // Kept: 0 (first), 1.2 (1.2 from 0), 3 (1.8 from 1.2), 10 (last); 0.4, 0.8, 3.5 dropped.
    const Polyline out = simplify(line, 1.0);
    const Polyline expected{{0, 0}, {1.2, 0}, {3, 0}, {10, 0}};
    BOOST_TEST(out.size() == expected.size());
    BOOST_TEST((out == expected));
}

BOOST_AUTO_TEST_CASE(keeps_both_ends_of_a_short_line) {
    const Polyline line{{5, 5}, {5.1, 5}, {5.2, 5.1}};
    const Polyline out = simplify(line, 10.0);
    const Polyline expected{{5, 5}, {5.2, 5.1}};
    BOOST_TEST((out == expected));
}

BOOST_AUTO_TEST_CASE(zero_tolerance_keeps_every_vertex) {
    const Polyline line{{0, 0}, {0, 0.001}, {0, 0.002}, {1, 1}};
    BOOST_TEST((simplify(line, 0.0) == line));
}

BOOST_AUTO_TEST_CASE(two_point_and_empty_lines_stay_as_they_are) {
    const Polyline two{{0, 0}, {0.1, 0}};
    BOOST_TEST((simplify(two, 5.0) == two));
    BOOST_TEST(simplify(Polyline{}, 5.0).empty());
}

BOOST_AUTO_TEST_SUITE_END()

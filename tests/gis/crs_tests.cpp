#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

namespace bdata = boost::unit_test::data;
using namespace ykm::gis;

BOOST_AUTO_TEST_SUITE(crs_tests)

struct CityZone {
    const char* city;
    LonLat centre;
    int epsg;
};
std::ostream& operator<<(std::ostream& os, const CityZone& c) {
    return os << c.city;
}

// Zones of the Japan Plane Rectangular CS by the cities' prefectures (国土地理院).
const std::vector<CityZone> city_zones{
    {"Aomori", {140.740, 40.822}, 6678},    {"Sapporo", {141.354, 43.062}, 6680},
    {"Asahikawa", {142.365, 43.771}, 6680}, {"Kushiro", {144.381, 42.985}, 6681},
    {"Hakodate", {140.729, 41.769}, 6679},  {"Niigata", {139.036, 37.916}, 6676},
    {"Toyama", {137.211, 36.695}, 6675},    {"Tokyo", {139.692, 35.690}, 6677},
    {"Fukuoka", {130.402, 33.590}, 6670},   {"Naha", {127.681, 26.212}, 6683},
    {"Kanazawa", {136.656, 36.561}, 6675},  {"Yamagata", {140.363, 38.240}, 6678},
};

BOOST_DATA_TEST_CASE(chooses_the_plane_rectangular_zone_of_japanese_cities, bdata::make(city_zones),
                     city) {
    BOOST_TEST(choose_projected_crs(city.centre).code == city.epsg);
}

BOOST_AUTO_TEST_CASE(chooses_utm_outside_japan) {
    BOOST_TEST(choose_projected_crs({26.95, 60.53}).code == 32635); // Kotka, Finland
    BOOST_TEST(choose_projected_crs({18.05, 59.34}).code == 32634); // Stockholm
    BOOST_TEST(choose_projected_crs({-75.7, 45.4}).code == 32618);  // Ottawa
    BOOST_TEST(choose_projected_crs({172.6, -43.5}).code == 32759); // Christchurch
}

BOOST_AUTO_TEST_CASE(parses_epsg_codes) {
    BOOST_TEST(parse_epsg("EPSG:6678").code == 6678);
    BOOST_TEST(parse_epsg("4326").code == 4326);
    BOOST_CHECK_THROW(parse_epsg("EPSG:"), ykm::Error);
    BOOST_CHECK_THROW(parse_epsg("JGD2011"), ykm::Error);
    BOOST_CHECK_THROW(parse_epsg("EPSG:66x"), ykm::Error);
}

BOOST_AUTO_TEST_CASE(names_a_crs) {
    BOOST_TEST(crs_name(Epsg{6678}) == "JGD2011 / Japan Plane Rectangular CS X");
    BOOST_CHECK_THROW(crs_name(Epsg{999999}), ykm::Error);
}

BOOST_AUTO_TEST_CASE(transforms_the_origin_of_zone_x_to_zero) {
    // The origin of zone X is 40°N 140°50'E; false easting and northing are zero.
    CoordinateTransform t(wgs84, Epsg{6678});
    const XY p = t.forward(XY{140.0 + 50.0 / 60.0, 40.0});
    BOOST_TEST(p.x == 0.0, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(p.y == 0.0, boost::test_tools::tolerance(1e-6));
    const XY back = t.inverse(XY{0.0, 0.0});
    BOOST_TEST(back.x == 140.0 + 50.0 / 60.0, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(back.y == 40.0, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(keeps_lon_lat_order_for_geographic_crs) {
    CoordinateTransform t(Epsg{6678}, wgs84);
    const XY p = t.forward(XY{1000.0, 2000.0});
    BOOST_TEST(p.x > 140.0); // longitude first, not latitude
    BOOST_TEST(p.y > 40.0);
    BOOST_TEST(p.y < 41.0);
}

BOOST_AUTO_TEST_CASE(refuses_an_unknown_crs) {
    BOOST_CHECK_THROW(CoordinateTransform("EPSG:999999", "EPSG:4326"), ykm::Error);
}

BOOST_AUTO_TEST_CASE(measures_geodesic_length) {
    // One degree of latitude at the equator on GRS80: 110,574.4 m.
    const std::vector<XY> meridian{{0.0, 0.0}, {0.0, 1.0}};
    BOOST_TEST(geodesic_length_m(meridian) == 110574.389, boost::test_tools::tolerance(1e-6));
}

struct Step {
    XY from;
    XY to;
    double metres; // from PROJ's `geod -I +ellps=GRS80 +units=m`
};
std::ostream& operator<<(std::ostream& os, const Step& s) {
    return os << s.metres << " m";
}

BOOST_DATA_TEST_CASE(measures_short_steps_like_the_geodesic,
                     bdata::make(std::vector<Step>{
                         {{140.5, 40.0}, {140.501, 40.005}, 561.702},
                         {{141.35, 43.06}, {141.3504, 43.0601}, 34.426},
                     }),
                     step) {
    const std::vector<XY> line{step.from, step.to};
    // geod prints millimetres: agree to the millimetre.
    BOOST_TEST(std::abs(geodesic_length_m(line) - step.metres) < 0.001);
}

BOOST_AUTO_TEST_SUITE_END()

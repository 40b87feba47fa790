#include "error_message.hpp"
#include "temp_dir.hpp"
#include "ykm/data/layer_import.hpp"
#include "ykm/data/project.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <bit>
#include <cstring>
#include <fstream>

using namespace ykm;
using namespace ykm::data;
using ykm::test::TempDir;

BOOST_AUTO_TEST_SUITE(layer_import_tests)

namespace {

const gis::Epsg aomori_zone{6678};

using ykm::test::message_of;

double read_double(const std::vector<std::uint8_t>& wkb, std::size_t offset) {
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        bits |= static_cast<std::uint64_t>(wkb.at(offset + i)) << (8 * i);
    }
    return std::bit_cast<double>(bits);
}

std::uint32_t read_uint32(const std::vector<std::uint8_t>& wkb, std::size_t offset) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        v |= static_cast<std::uint32_t>(wkb.at(offset + i)) << (8 * i);
    }
    return v;
}

// Two districts side by side in Aomori (lon/lat), the second without a name.
void write_districts(const std::filesystem::path& path) {
    std::ofstream(path) << R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"工区名": "東部工区", "code": "E1"},
  "geometry": {"type": "Polygon", "coordinates": [[[140.740, 40.820], [140.745, 40.820],
    [140.745, 40.825], [140.740, 40.825], [140.740, 40.820]]]}},
 {"type": "Feature", "properties": {"code": "W2"},
  "geometry": {"type": "MultiPolygon", "coordinates": [[[[140.745, 40.820], [140.750, 40.820],
    [140.750, 40.825], [140.745, 40.825], [140.745, 40.820]]]]}}
]})";
}

void write_sites(const std::filesystem::path& path) {
    std::ofstream(path) << R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"名称": "浜田雪堆積場", "capacity_m3": 120000},
  "geometry": {"type": "Point", "coordinates": [140.7610, 40.8105]}},
 {"type": "Feature", "properties": {"名称": "八重田基地"},
  "geometry": {"type": "Point", "coordinates": [140.7800, 40.8300]}}
]})";
}

gis::RoadLine line_lonlat(const std::string& id, gis::Polyline lonlat,
                          std::vector<std::int64_t> keys) {
    const gis::CoordinateTransform to_zone(gis::wgs84, aomori_zone);
    to_zone.forward(lonlat);
    gis::RoadLine l;
    l.attributes.source_id = id;
    l.points = std::move(lonlat);
    l.vertex_keys = std::move(keys);
    return l;
}

} // namespace

BOOST_AUTO_TEST_CASE(reads_districts_into_the_project_crs) {
    TempDir dir;
    write_districts(dir / "districts.geojson");
    const auto districts = read_districts(dir / "districts.geojson", aomori_zone, {});
    BOOST_REQUIRE(districts.size() == 2U);
    BOOST_TEST(districts[0].name == "東部工区");
    BOOST_TEST(districts[0].code == "E1");
    BOOST_TEST(districts[1].name == "District 2");
    BOOST_TEST(districts[1].code == "W2");

    // Little-endian ISO WKB polygon: order, type 3, one ring, five points, then x y pairs.
    const auto& wkb = districts[0].wkb;
    BOOST_REQUIRE(wkb.size() == 1U + 4 + 4 + 4 + 5 * 16);
    BOOST_TEST(wkb[0] == 1);
    BOOST_TEST(read_uint32(wkb, 1) == 3U);
    BOOST_TEST(read_uint32(wkb, 9) == 5U);
    const gis::XY expected =
        gis::CoordinateTransform(gis::wgs84, aomori_zone).forward(gis::XY{140.745, 40.820});
    BOOST_TEST(read_double(wkb, 13 + 16) == expected.x, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(read_double(wkb, 13 + 24) == expected.y, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(read_uint32(districts[1].wkb, 1) == 6U); // MULTIPOLYGON
}

BOOST_AUTO_TEST_CASE(imported_districts_take_the_segments_inside_them) {
    TempDir dir;
    write_districts(dir / "districts.geojson");
    const auto districts = read_districts(dir / "districts.geojson", aomori_zone, {});
    const gis::RoadNetwork network = gis::build_road_network(
        {line_lonlat("east", {{140.741, 40.821}, {140.743, 40.821}}, {1, 2}),
         line_lonlat("west", {{140.746, 40.822}, {140.748, 40.822}, {140.748, 40.824}}, {3, 4, 5}),
         line_lonlat("outside", {{140.760, 40.830}, {140.762, 40.830}}, {6, 7})},
        aomori_zone);
    Project project = Project::create(dir / "town.ykm", aomori_zone);
    project.replace_road_network(network);
    project.replace_districts(districts);
    const ProjectInfo info = project.info();
    BOOST_REQUIRE(info.districts.size() == 2U);
    BOOST_TEST(info.districts[0].name == "東部工区");
    BOOST_TEST(info.districts[0].segment_count == 1);
    BOOST_TEST(info.districts[1].name == "District 2");
    BOOST_TEST(info.districts[1].segment_count == 1);
    Statement unassigned(project.database(),
                         "SELECT count(*) FROM road_segments WHERE district_id IS NULL");
    BOOST_REQUIRE(unassigned.step());
    BOOST_TEST(unassigned.column_int(0) == 1);
}

BOOST_AUTO_TEST_CASE(reads_dump_sites_with_capacity_and_depots_from_points) {
    TempDir dir;
    write_sites(dir / "sites.geojson");
    const auto sites = read_dump_sites(dir / "sites.geojson", aomori_zone, {});
    BOOST_REQUIRE(sites.size() == 2U);
    BOOST_TEST(sites[0].name == "浜田雪堆積場");
    BOOST_TEST(*sites[0].capacity_m3 == 120000.0);
    BOOST_TEST(!sites[1].capacity_m3.has_value());
    const gis::XY expected =
        gis::CoordinateTransform(gis::wgs84, aomori_zone).forward(gis::XY{140.7610, 40.8105});
    BOOST_TEST(sites[0].position.x == expected.x, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(sites[0].position.y == expected.y, boost::test_tools::tolerance(1e-9));

    const auto depots = read_depots(dir / "sites.geojson", aomori_zone, {});
    BOOST_REQUIRE(depots.size() == 2U);
    BOOST_TEST(depots[1].name == "八重田基地");
}

BOOST_AUTO_TEST_CASE(takes_names_from_a_mapped_field) {
    TempDir dir;
    write_sites(dir / "sites.geojson");
    LayerImportOptions options;
    options.field_of["name"] = "capacity_m3";
    const auto depots = read_depots(dir / "sites.geojson", aomori_zone, options);
    BOOST_TEST(depots[0].name == "120000");
    BOOST_TEST(depots[1].name == "Depot 2");
}

BOOST_AUTO_TEST_CASE(refuses_a_mapping_to_a_missing_field) {
    TempDir dir;
    write_sites(dir / "sites.geojson");
    LayerImportOptions options;
    options.field_of["capacity"] = "容量";
    const std::string message =
        message_of([&] { (void)read_dump_sites(dir / "sites.geojson", aomori_zone, options); });
    BOOST_TEST(message == (dir / "sites.geojson").string() +
                              ": field '容量' (from --map capacity=容量) does not exist; "
                              "fields: 名称, capacity_m3");
}

BOOST_AUTO_TEST_CASE(refuses_polygons_given_as_depots) {
    TempDir dir;
    write_districts(dir / "districts.geojson");
    const std::string message =
        message_of([&] { (void)read_depots(dir / "districts.geojson", aomori_zone, {}); });
    BOOST_TEST(message == "layer districts of " + (dir / "districts.geojson").string() +
                              " holds POLYGON, not points");
}

BOOST_AUTO_TEST_CASE(refuses_points_given_as_districts) {
    TempDir dir;
    write_sites(dir / "sites.geojson");
    const std::string message =
        message_of([&] { (void)read_districts(dir / "sites.geojson", aomori_zone, {}); });
    BOOST_TEST(message ==
               "layer sites of " + (dir / "sites.geojson").string() + " holds POINT, not polygons");
}

BOOST_AUTO_TEST_SUITE_END()

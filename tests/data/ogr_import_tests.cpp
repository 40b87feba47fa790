#include "error_message.hpp"
#include "ogr_fixtures.hpp"
#include "temp_dir.hpp"
#include "ykm/data/database.hpp"
#include "ykm/data/road_import.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <numeric>
#include <set>

using namespace ykm;
using namespace ykm::data;
using ykm::test::FixtureFeature;
using ykm::test::FixtureLayer;
using ykm::test::TempDir;

BOOST_AUTO_TEST_SUITE(ogr_import_tests)

namespace {

const std::filesystem::path stockholm_edges =
    std::filesystem::path(YKM_SHARED_DATA) / "fmm_stockholm/stockholm_small/edges.shp";

using ykm::test::message_of;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::set<std::string> names_of(const gis::RoadNetwork& n) {
    std::set<std::string> names;
    for (const gis::RoadSegment& s : n.segments) {
        names.insert(s.attributes.name);
    }
    return names;
}

const gis::RoadSegment* segment_named(const gis::RoadNetwork& n, const std::string& name) {
    for (const gis::RoadSegment& s : n.segments) {
        if (s.attributes.name == name) {
            return &s;
        }
    }
    return nullptr;
}

// Two streets in Aomori (lon/lat) that meet at an end, named in Japanese.
FixtureLayer aomori_streets(const std::string& name, int epsg) {
    FixtureLayer layer;
    layer.name = name;
    layer.epsg = epsg;
    layer.field_names = {"name", "highway"};
    layer.features = {
        {"LINESTRING (140.7400 40.8200, 140.7420 40.8200)",
         {{"name", "青柳通り"}, {"highway", "secondary"}}},
        {"LINESTRING (140.7420 40.8200, 140.7420 40.8220)",
         {{"name", "国道4号"}, {"highway", "primary"}}},
    };
    return layer;
}

} // namespace

BOOST_AUTO_TEST_CASE(imports_stockholm_edges_matching_spatialite_figures) {
    TempDir dir;
    // Independent figures: GDAL copies the source into SpatiaLite, whose SQL counts the
    // directed edges, pairs each two-way street's u->v and v->u twins (the same geometry
    // reversed), and sums the geodesic lengths of the distinct streets.
    const auto copy = dir / "edges.sqlite";
    const auto ogr2ogr =
        ykm::test::run_command("ogr2ogr -f SQLite -dsco SPATIALITE=YES " + ykm::test::quoted(copy) +
                               " " + ykm::test::quoted(stockholm_edges) + " 2>&1");
    BOOST_TEST_REQUIRE(ogr2ogr.status == 0, ogr2ogr.output);
    std::int64_t features = 0;
    std::int64_t twins = 0;
    double total_length_m = 0;
    double twin_length_m = 0;
    {
        Database db(copy, OpenMode::read_only);
        Statement all(db, "SELECT count(*), sum(ST_Length(GEOMETRY, 1)) FROM edges");
        BOOST_REQUIRE(all.step());
        features = all.column_int64(0);
        total_length_m = all.column_double(1);
        Statement pairs(db, "SELECT count(*), sum(ST_Length(a.GEOMETRY, 1)) FROM edges a "
                            "JOIN edges b ON a.u = b.v AND a.v = b.u AND a.ogc_fid < b.ogc_fid "
                            "AND AsBinary(a.GEOMETRY) = AsBinary(ST_Reverse(b.GEOMETRY))");
        BOOST_REQUIRE(pairs.step());
        twins = pairs.column_int64(0);
        twin_length_m = pairs.column_double(1);
    }
    BOOST_TEST(features == 1308);
    const double expected_segments = static_cast<double>(features - twins);
    const double expected_length_m = total_length_m - twin_length_m;

    const RoadImport result = import_roads({stockholm_edges}, RoadImportOptions{});
    BOOST_TEST(result.network.crs.code == 32634);
    BOOST_TEST(result.features_read == 1308U);
    BOOST_TEST(result.features_used == 1308U);
    const double length_m =
        std::accumulate(result.network.segments.begin(), result.network.segments.end(), 0.0,
                        [](double sum, const gis::RoadSegment& s) { return sum + s.length_m; });
    BOOST_TEST(static_cast<double>(result.network.segments.size()) == expected_segments,
               boost::test_tools::tolerance(0.005));
    BOOST_TEST(length_m == expected_length_m, boost::test_tools::tolerance(0.005));
    BOOST_TEST_MESSAGE("segments " << result.network.segments.size() << " expected "
                                   << expected_segments << "; length " << length_m << " m expected "
                                   << expected_length_m << " m");

    // Attributes come through the default field names.
    const gis::RoadSegment* drottning = segment_named(result.network, "Drottninggatan");
    BOOST_REQUIRE(drottning != nullptr);
    BOOST_TEST(!drottning->attributes.source_id.empty());
    std::size_t first_class = 0;
    for (const gis::RoadSegment& s : result.network.segments) {
        if (s.attributes.road_class == "primary") {
            BOOST_TEST(gis::to_int(s.attributes.priority) == 1);
            ++first_class;
        }
    }
    BOOST_TEST(first_class > 0U);
}

BOOST_AUTO_TEST_CASE(reads_cp932_shapefile_names_by_cpg_or_by_forced_encoding) {
    TempDir dir;
    const auto shp = dir / "roads.shp";
    FixtureLayer layer = aomori_streets("roads", 4326);
    layer.creation_options = {"ENCODING=CP932"};
    ykm::test::write_vector(shp, "ESRI Shapefile", {layer});
    BOOST_REQUIRE(std::filesystem::exists(dir / "roads.cpg"));
    // The file really holds Shift_JIS: 青 is 0x90 0xC2 in CP932.
    {
        std::ifstream dbf(dir / "roads.dbf", std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(dbf)), {});
        BOOST_TEST(contains(bytes, "\x90\xC2"));
        BOOST_TEST(!contains(bytes, "青柳通り"));
    }
    const std::set<std::string> expected{"青柳通り", "国道4号"};

    BOOST_TEST(names_of(import_roads({shp}, RoadImportOptions{}).network) == expected);

    std::filesystem::remove(dir / "roads.cpg");
    RoadImportOptions forced;
    forced.encoding = "CP932";
    BOOST_TEST(names_of(import_roads({shp}, forced).network) == expected);

    const RoadImport guessed = import_roads({shp}, RoadImportOptions{});
    const std::set<std::string> names = names_of(guessed.network);
    BOOST_TEST(names.size() == 2U);
    BOOST_TEST(names.count("青柳通り") == 0U);
    BOOST_TEST(names.count("国道4号") == 0U);
    BOOST_TEST(std::ranges::any_of(guessed.warnings, [](const std::string& w) {
        return contains(w, "not UTF-8") && contains(w, "--encoding");
    }));
}

BOOST_AUTO_TEST_CASE(maps_japanese_fields_of_a_jgd2011_geopackage) {
    TempDir dir;
    const auto gpkg = dir / "路線.gpkg";
    // Easting/northing in JGD2011 zone X, computed from lon/lat through PROJ.
    const gis::CoordinateTransform to_zone(gis::wgs84, gis::Epsg{6678});
    const gis::XY a = to_zone.forward(gis::XY{140.7400, 40.8200});
    const gis::XY b = to_zone.forward(gis::XY{140.7420, 40.8200});
    const gis::XY c = to_zone.forward(gis::XY{140.7420, 40.8220});
    auto wkt = [](const gis::XY& p, const gis::XY& q) {
        char text[200];
        std::snprintf(text, sizeof text, "LINESTRING (%.6f %.6f, %.6f %.6f)", p.x, p.y, q.x, q.y);
        return std::string(text);
    };
    FixtureLayer layer;
    layer.name = "除雪路線";
    layer.epsg = 6678;
    // "name" holds romaji that the mapping must not take.
    layer.field_names = {"name", "路線名", "種別", "車線", "一方通行"};
    layer.features = {
        {wkt(a, b),
         {{"name", "Aoyagi-dori"},
          {"路線名", "青柳通り"},
          {"種別", "第1種"},
          {"車線", "4"},
          {"一方通行", "no"}}},
        {wkt(b, c),
         {{"name", "Route 4"}, {"路線名", "国道4号"}, {"種別", "重点"}, {"一方通行", "-1"}}},
    };
    ykm::test::write_vector(gpkg, "GPKG", {layer});

    RoadImportOptions options;
    options.mapping =
        FieldMapping::parse({"priority=種別,name=路線名", "lanes=車線,oneway=一方通行"});
    const RoadImport result = import_roads({gpkg}, options);
    BOOST_TEST(result.network.crs.code == 6678);
    BOOST_REQUIRE(result.network.segments.size() == 2U);
    BOOST_TEST(result.network.nodes.size() == 3U);
    const gis::RoadSegment& aoyagi = result.network.segments[0];
    BOOST_TEST(aoyagi.attributes.name == "青柳通り");
    BOOST_TEST(gis::to_int(aoyagi.attributes.priority) == 1);
    BOOST_TEST(*aoyagi.attributes.lanes == 4);
    BOOST_TEST(!aoyagi.attributes.oneway);
    BOOST_TEST(aoyagi.points.front().x == a.x, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(aoyagi.points.front().y == a.y, boost::test_tools::tolerance(1e-6));
    // 0.002° of longitude at 40.82° N.
    BOOST_TEST(aoyagi.length_m == 168.7, boost::test_tools::tolerance(0.002));

    const gis::RoadSegment& route4 = result.network.segments[1];
    BOOST_TEST(route4.attributes.name == "国道4号");
    BOOST_TEST(gis::to_int(route4.attributes.priority) == 0);
    BOOST_TEST(route4.attributes.oneway);
    // oneway=-1: stored in the direction of travel, from c to b.
    BOOST_TEST(route4.points.front().y == c.y, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(
        std::ranges::count(result.warnings, std::string("路線.gpkg: 1 features had an "
                                                        "unreadable priority value '重点'")) == 1);
}

BOOST_AUTO_TEST_CASE(refuses_a_mapping_to_a_missing_field_naming_the_fields) {
    TempDir dir;
    const auto gpkg = dir / "roads.gpkg";
    ykm::test::write_vector(gpkg, "GPKG", {aomori_streets("roads", 4326)});
    RoadImportOptions options;
    options.mapping = FieldMapping::parse({"priority=種別"});
    const std::string message = message_of([&] { (void)import_roads({gpkg}, options); });
    BOOST_TEST(contains(message, "roads.gpkg"), message);
    BOOST_TEST(contains(message, "'種別'"), message);
    BOOST_TEST(contains(message, "priority=種別"), message);
    BOOST_TEST(contains(message, "fields: name, highway"), message);
}

BOOST_AUTO_TEST_CASE(asks_for_a_source_crs_when_the_prj_is_missing) {
    TempDir dir;
    const auto shp = dir / "roads.shp";
    FixtureLayer layer = aomori_streets("roads", 4326);
    layer.epsg.reset();
    layer.creation_options = {"ENCODING=UTF-8"};
    ykm::test::write_vector(shp, "ESRI Shapefile", {layer});
    BOOST_REQUIRE(!std::filesystem::exists(dir / "roads.prj"));
    const std::string message = message_of([&] { (void)import_roads({shp}, RoadImportOptions{}); });
    BOOST_TEST(message == shp.string() + " has no CRS (.prj missing); give --source-crs EPSG:n");

    RoadImportOptions options;
    options.source_crs = "EPSG:4326";
    const RoadImport result = import_roads({shp}, options);
    BOOST_TEST(result.network.crs.code == 6678);
    BOOST_TEST(result.network.segments.size() == 2U);
}

BOOST_AUTO_TEST_CASE(refuses_a_polygon_layer_as_roads) {
    TempDir dir;
    const auto gpkg = dir / "parks.gpkg";
    FixtureLayer layer;
    layer.name = "parks";
    layer.type = wkbPolygon;
    layer.epsg = 4326;
    layer.features = {{"POLYGON ((140.74 40.82, 140.75 40.82, 140.75 40.83, 140.74 40.82))", {}}};
    ykm::test::write_vector(gpkg, "GPKG", {layer});
    const std::string message =
        message_of([&] { (void)import_roads({gpkg}, RoadImportOptions{}); });
    BOOST_TEST(message == "layer parks of " + gpkg.string() + " holds POLYGON, not lines");
}

BOOST_AUTO_TEST_CASE(asks_which_of_several_line_layers_to_read) {
    TempDir dir;
    const auto gpkg = dir / "town.gpkg";
    ykm::test::write_vector(gpkg, "GPKG",
                            {aomori_streets("streets", 4326), aomori_streets("lanes", 4326)});
    const std::string message =
        message_of([&] { (void)import_roads({gpkg}, RoadImportOptions{}); });
    BOOST_TEST(contains(message, "streets, lanes"), message);
    BOOST_TEST(contains(message, "--layer"), message);

    RoadImportOptions options;
    options.layer = "lanes";
    BOOST_TEST(import_roads({gpkg}, options).network.segments.size() == 2U);
}

BOOST_AUTO_TEST_CASE(nodes_a_t_junction_without_a_shared_vertex) {
    TempDir dir;
    const auto geojson = dir / "roads.geojson";
    // The stem ends on the middle of the bar, where the bar has no vertex.
    std::ofstream(geojson) << R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"name": "bar", "highway": "tertiary"},
  "geometry": {"type": "LineString", "coordinates": [[140.740, 40.820], [140.742, 40.820]]}},
 {"type": "Feature", "properties": {"name": "stem", "highway": "residential"},
  "geometry": {"type": "LineString", "coordinates": [[140.741, 40.820], [140.741, 40.821]]}},
 {"type": "Feature", "properties": {"name": "nothing"}, "geometry": null}
]})";
    const RoadImport result = import_roads({geojson}, RoadImportOptions{});
    BOOST_TEST(result.features_read == 3U);
    BOOST_TEST(result.features_used == 2U);
    BOOST_TEST(result.network.nodes.size() == 4U);
    BOOST_TEST(result.network.segments.size() == 3U);
    const std::vector<std::string> expected_warning{
        "roads.geojson: 1 features had no geometry (skipped)"};
    BOOST_TEST(result.warnings == expected_warning, boost::test_tools::per_element());
    // The bar is cut in two at the stem, and keeps its priority from its class.
    BOOST_TEST(result.network.segments[0].attributes.name == "bar");
    BOOST_TEST(result.network.segments[1].attributes.name == "bar");
    BOOST_TEST(gis::to_int(result.network.segments[0].attributes.priority) == 2);
    BOOST_TEST(result.network.segments[0].to_node == result.network.segments[2].from_node);
}

BOOST_AUTO_TEST_CASE(skips_only_classes_a_map_file_lists_as_skip) {
    TempDir dir;
    const auto geojson = dir / "roads.geojson";
    std::ofstream(geojson) << R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"highway": "track"},
  "geometry": {"type": "LineString", "coordinates": [[140.740, 40.820], [140.742, 40.820]]}},
 {"type": "Feature", "properties": {"highway": "footway"},
  "geometry": {"type": "LineString", "coordinates": [[140.740, 40.830], [140.742, 40.830]]}},
 {"type": "Feature", "properties": {"highway": "農道"},
  "geometry": {"type": "LineString", "coordinates": [[140.740, 40.840], [140.742, 40.840]]}}
]})";
    std::ofstream(dir / "classes.txt") << "track = skip\n農道 = 2\n";
    RoadImportOptions options;
    options.priorities = gis::PriorityTable::read(dir / "classes.txt", options.priorities);
    const RoadImport result = import_roads({geojson}, options);
    BOOST_TEST(result.features_read == 3U);
    BOOST_TEST(result.features_used == 2U);
    BOOST_REQUIRE(result.network.segments.size() == 2U);
    BOOST_TEST(result.network.segments[0].attributes.road_class == "footway");
    BOOST_TEST(gis::to_int(result.network.segments[0].attributes.priority) == 0);
    BOOST_TEST(gis::to_int(result.network.segments[1].attributes.priority) == 2);
}

BOOST_AUTO_TEST_SUITE_END()

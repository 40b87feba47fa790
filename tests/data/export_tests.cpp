#include "ogr_fixtures.hpp"
#include "temp_dir.hpp"
#include "ykm/data/export.hpp"
#include "ykm/data/project.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <bit>
#include <fstream>
#include <set>

using namespace ykm;
using namespace ykm::data;
using ykm::test::TempDir;
namespace bdata = boost::unit_test::data;

BOOST_AUTO_TEST_SUITE(export_tests)

namespace {

const gis::Epsg aomori_zone{6678};

gis::XY zone_xy(double lon, double lat) {
    return gis::CoordinateTransform(gis::wgs84, aomori_zone).forward(gis::XY{lon, lat});
}

// Two streets meeting at 140.742 E 40.820 N in Aomori: three segments, four nodes.
gis::RoadNetwork aomori_network() {
    gis::RoadLine a;
    a.attributes.source_id = "101";
    a.attributes.name = "国道4号";
    a.attributes.road_class = "primary";
    a.attributes.priority = gis::PriorityClass::first;
    a.points = {zone_xy(140.740, 40.820), zone_xy(140.742, 40.820), zone_xy(140.744, 40.820)};
    a.vertex_keys = {1, 2, 3};
    gis::RoadLine b;
    b.attributes.source_id = "102";
    b.attributes.name = "青柳通り";
    b.attributes.priority = gis::PriorityClass::third;
    b.attributes.oneway = true;
    b.points = {zone_xy(140.742, 40.820), zone_xy(140.742, 40.822)};
    b.vertex_keys = {2, 4};
    return gis::build_road_network({a, b}, aomori_zone);
}

District square_district(const std::string& name, const gis::XY& corner, double size) {
    std::vector<std::uint8_t> wkb{1, 3, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0};
    auto put = [&wkb](double d) {
        const auto bits = std::bit_cast<std::uint64_t>(d);
        for (int i = 0; i < 8; ++i) {
            wkb.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
        }
    };
    const double x0 = corner.x;
    const double y0 = corner.y;
    for (auto [x, y] :
         {std::pair{x0, y0}, {x0 + size, y0}, {x0 + size, y0 + size}, {x0, y0 + size}, {x0, y0}}) {
        put(x);
        put(y);
    }
    return District{name, "E1", wkb};
}

std::filesystem::path make_project(const TempDir& dir) {
    const auto path = dir / "town.ykm";
    Project p = Project::create(path, aomori_zone);
    p.replace_road_network(aomori_network());
    const std::vector<District> districts{
        square_district("東部工区", zone_xy(140.739, 40.819), 500.0)};
    p.replace_districts(districts);
    const std::vector<Depot> depots{{"八重田基地", zone_xy(140.780, 40.830)},
                                    {"浜田基地", zone_xy(140.761, 40.811)}};
    p.replace_depots(depots);
    const std::vector<DumpSite> sites{{"浜田雪堆積場", 120000.0, zone_xy(140.761, 40.8105)}};
    p.replace_dump_sites(sites);
    p.close();
    return path;
}

struct Case {
    ExportFormat format;
    const char* file;
};
std::ostream& operator<<(std::ostream& os, const Case& c) {
    return os << c.file;
}
const std::vector<Case> cases{{ExportFormat::geojson, "roads.geojson"},
                              {ExportFormat::geopackage, "roads.gpkg"},
                              {ExportFormat::shapefile, "roads.shp"},
                              {ExportFormat::csv, "roads.csv"}};

std::set<std::string> files_in(const std::filesystem::path& folder) {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        names.insert(entry.path().filename().string());
    }
    return names;
}

} // namespace

BOOST_DATA_TEST_CASE(exports_road_segments_that_gdal_reads_back, bdata::make(cases), c) {
    TempDir dir;
    const auto project = make_project(dir);
    std::filesystem::create_directory(dir / "out");
    const auto output = dir / "out" / c.file;
    export_layer(project, Layer::road_segments, output, c.format);

    auto dataset = ykm::test::open_vector(output);
    BOOST_REQUIRE(dataset->GetLayerCount() == 1);
    OGRLayer* layer = dataset->GetLayer(0);
    BOOST_TEST(layer->GetFeatureCount() == 3);
    std::multiset<std::string> names;
    std::optional<gis::XY> first_vertex;
    for (auto& feature : *layer) {
        names.insert(feature->GetFieldAsString("name"));
        const OGRGeometry* g = feature->GetGeometryRef();
        if (!first_vertex && g != nullptr && wkbFlatten(g->getGeometryType()) == wkbLineString) {
            first_vertex = gis::XY{g->toLineString()->getX(0), g->toLineString()->getY(0)};
        }
    }
    const std::multiset<std::string> expected{"国道4号", "国道4号", "青柳通り"};
    BOOST_TEST(names == expected, boost::test_tools::per_element());
    BOOST_REQUIRE(first_vertex.has_value());
    // RFC 7946 GeoJSON in WGS 84 longitude, latitude; the others in the project CRS.
    const gis::XY start =
        c.format == ExportFormat::geojson ? gis::XY{140.740, 40.820} : zone_xy(140.740, 40.820);
    BOOST_TEST(first_vertex->x == start.x, boost::test_tools::tolerance(1e-7));
    BOOST_TEST(first_vertex->y == start.y, boost::test_tools::tolerance(1e-7));
    if (c.format != ExportFormat::csv) {
        const OGRSpatialReference* srs = layer->GetSpatialRef();
        BOOST_REQUIRE(srs != nullptr);
        const char* code = srs->GetAuthorityCode(nullptr);
        BOOST_TEST(std::string(code != nullptr ? code : "?") ==
                   (c.format == ExportFormat::geojson ? "4326" : "6678"));
    }

    // Only the output itself is left in the folder, no temporary files.
    std::set<std::string> expected_files{c.file};
    if (c.format == ExportFormat::shapefile) {
        expected_files = {"roads.shp", "roads.shx", "roads.dbf", "roads.prj", "roads.cpg"};
    }
    BOOST_TEST(files_in(dir / "out") == expected_files, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(writes_shapefiles_in_utf8_with_a_cpg) {
    TempDir dir;
    const auto project = make_project(dir);
    export_layer(project, Layer::depots, dir / "depots.shp", ExportFormat::shapefile);
    std::ifstream cpg(dir / "depots.cpg");
    std::string encoding;
    std::getline(cpg, encoding);
    BOOST_TEST(encoding == "UTF-8");
    std::ifstream dbf(dir / "depots.dbf", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(dbf)), {});
    BOOST_TEST(bytes.find("八重田基地") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(exports_dump_site_capacity_to_csv_with_wkt) {
    TempDir dir;
    const auto project = make_project(dir);
    export_layer(project, Layer::dump_sites, dir / "sites.csv", ExportFormat::csv);
    std::ifstream csv(dir / "sites.csv");
    std::string header;
    std::string row;
    std::getline(csv, header);
    std::getline(csv, row);
    BOOST_TEST(header.starts_with("WKT,"), header);
    BOOST_TEST(row.starts_with("\"POINT ("), row);
    BOOST_TEST(row.find("浜田雪堆積場") != std::string::npos, row);
    BOOST_TEST(row.find("120000") != std::string::npos, row);
}

BOOST_AUTO_TEST_CASE(replaces_an_earlier_export) {
    TempDir dir;
    const auto project = make_project(dir);
    std::ofstream(dir / "roads.geojson") << "old";
    export_layer(project, Layer::road_nodes, dir / "roads.geojson", ExportFormat::geojson);
    BOOST_TEST(ykm::test::open_vector(dir / "roads.geojson")->GetLayer(0)->GetFeatureCount() == 4);
}

BOOST_AUTO_TEST_CASE(refuses_a_missing_or_unwritable_folder_naming_it) {
    TempDir dir;
    const auto project = make_project(dir);
    const auto missing = dir / "no-such-folder";
    try {
        export_layer(project, Layer::road_segments, missing / "roads.geojson",
                     ExportFormat::geojson);
        BOOST_FAIL("exported into a missing folder");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find(missing.string()) != std::string::npos, e.what());
    }

    // Root may write in a folder without write permission, but never in /proc.
    std::filesystem::path read_only = "/proc";
    if (::geteuid() != 0) {
        read_only = dir / "read-only";
        std::filesystem::create_directory(read_only);
        std::filesystem::permissions(read_only, std::filesystem::perms::owner_read |
                                                    std::filesystem::perms::owner_exec);
    }
    try {
        export_layer(project, Layer::road_segments, read_only / "roads.geojson",
                     ExportFormat::geojson);
        BOOST_FAIL("exported into a read-only folder");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find(read_only.string()) != std::string::npos, e.what());
    }
    BOOST_TEST(!std::filesystem::exists(read_only / "roads.geojson"));
    if (::geteuid() != 0) {
        std::filesystem::permissions(read_only, std::filesystem::perms::owner_all);
    }
}

BOOST_AUTO_TEST_CASE(parses_format_names_and_extensions) {
    BOOST_TEST((parse_export_format("GeoJSON") == ExportFormat::geojson));
    BOOST_TEST((parse_export_format("gpkg") == ExportFormat::geopackage));
    BOOST_TEST((parse_export_format("ESRI Shapefile") == ExportFormat::shapefile));
    BOOST_TEST((parse_export_format("shp") == ExportFormat::shapefile));
    BOOST_TEST((parse_export_format("CSV") == ExportFormat::csv));
    try {
        (void)parse_export_format("KML");
        BOOST_FAIL("KML parsed");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "unknown export format 'KML' (formats: GeoJSON, GPKG, ESRI Shapefile, CSV)");
    }
    BOOST_TEST((format_from_extension("a/roads.geojson") == ExportFormat::geojson));
    BOOST_TEST((format_from_extension("roads.JSON") == ExportFormat::geojson));
    BOOST_TEST((format_from_extension("roads.gpkg") == ExportFormat::geopackage));
    BOOST_TEST((format_from_extension("roads.shp") == ExportFormat::shapefile));
    BOOST_TEST((format_from_extension("roads.csv") == ExportFormat::csv));
    BOOST_TEST(!format_from_extension("roads.kml").has_value());
}

BOOST_AUTO_TEST_CASE(ogrinfo_reads_every_layer_of_a_project) {
    TempDir dir;
    const auto project = make_project(dir);
    struct Expected {
        const char* layer;
        const char* geometry;
        int count;
    };
    for (const Expected& e :
         {Expected{"road_segments", "Line String", 3}, Expected{"road_nodes", "Point", 4},
          Expected{"districts", "Multi Polygon", 1}, Expected{"depots", "Point", 2},
          Expected{"dump_sites", "Point", 1}}) {
        const auto result = ykm::test::run_command("ogrinfo -ro -so " + ykm::test::quoted(project) +
                                                   " " + e.layer + " 2>&1");
        BOOST_TEST_CONTEXT(e.layer) {
            BOOST_TEST(result.status == 0, result.output);
            BOOST_TEST(result.output.find(std::string("Geometry: ") + e.geometry + "\n") !=
                           std::string::npos,
                       result.output);
            BOOST_TEST(result.output.find("Feature Count: " + std::to_string(e.count) + "\n") !=
                           std::string::npos,
                       result.output);
            BOOST_TEST(result.output.find("JGD2011 / Japan Plane Rectangular CS X") !=
                           std::string::npos,
                       result.output);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

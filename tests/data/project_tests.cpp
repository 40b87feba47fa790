#include "temp_dir.hpp"
#include "ykm/data/project.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <bit>
#include <fstream>

using namespace ykm;
using namespace ykm::data;
using ykm::test::TempDir;

BOOST_AUTO_TEST_SUITE(project_tests)

namespace {

gis::RoadNetwork two_segment_network() {
    gis::RoadLine a;
    a.attributes.source_id = "101";
    a.attributes.name = "国道4号";
    a.attributes.road_class = "primary";
    a.attributes.priority = gis::PriorityClass::first;
    a.attributes.lanes = 4;
    a.attributes.width_m = 14.5;
    a.points = {{1000, 2000}, {1100, 2000}, {1200, 2000}};
    a.vertex_keys = {1, 2, 3};
    gis::RoadLine b;
    b.attributes.source_id = "102";
    b.attributes.name = "青柳通り";
    b.attributes.priority = gis::PriorityClass::third;
    b.attributes.oneway = true;
    b.attributes.sidewalk = true;
    b.points = {{1100, 2000}, {1100, 2100}};
    b.vertex_keys = {2, 4};
    return gis::build_road_network({a, b}, gis::Epsg{6678});
}

District square_district(const std::string& name, double x0, double y0, double size) {
    // WKB polygon, little endian, one ring of five points.
    std::vector<std::uint8_t> wkb{1, 3, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0};
    auto put = [&wkb](double d) {
        const auto bits = std::bit_cast<std::uint64_t>(d);
        for (int i = 0; i < 8; ++i) {
            wkb.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
        }
    };
    for (auto [x, y] :
         {std::pair{x0, y0}, {x0 + size, y0}, {x0 + size, y0 + size}, {x0, y0 + size}, {x0, y0}}) {
        put(x);
        put(y);
    }
    return District{name, "", wkb};
}

} // namespace

BOOST_AUTO_TEST_CASE(creates_a_project_with_registered_spatial_layers) {
    TempDir dir;
    Project p = Project::create(dir / "town.ykm", gis::Epsg{6678});
    BOOST_TEST(p.schema_version() == current_schema_version);
    Statement layers(p.database(),
                     "SELECT f_table_name, geometry_type, srid, spatial_index_enabled "
                     "FROM geometry_columns ORDER BY f_table_name");
    std::vector<std::string> found;
    while (layers.step()) {
        found.push_back(layers.column_text(0));
        BOOST_TEST(layers.column_int(2) == 6678);
        BOOST_TEST(layers.column_int(3) == 1);
    }
    const std::vector<std::string> expected{"depots",        "districts",    "dump_sites",
                                            "geofences",     "plan_steps",   "road_nodes",
                                            "road_segments", "snow_stations"};
    BOOST_TEST(found == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(round_trips_a_road_network) {
    TempDir dir;
    {
        Project p = Project::create(dir / "town.ykm", gis::Epsg{6678});
        p.replace_road_network(two_segment_network());
    }
    Project p = Project::open(dir / "town.ykm", OpenMode::read_only);
    // The R*Trees rebuilt after the bulk write hold exactly the rows.
    for (const char* table : {"road_segments", "road_nodes"}) {
        Statement check(p.database(), std::string("SELECT CheckSpatialIndex('") + table +
                                          "', 'geom'), (SELECT count(*) FROM idx_" + table +
                                          "_geom), (SELECT count(*) FROM " + table + ")");
        BOOST_REQUIRE(check.step());
        BOOST_TEST(check.column_int(0) == 1);
        BOOST_TEST(check.column_int(1) == check.column_int(2));
    }
    const gis::RoadNetwork n = p.load_road_network();
    BOOST_TEST(n.nodes.size() == 4U);
    BOOST_TEST(n.segments.size() == 3U);
    const auto& first = n.segments[0].attributes;
    BOOST_TEST(first.name == "国道4号");
    BOOST_TEST(gis::to_int(first.priority) == 1);
    BOOST_TEST(*first.lanes == 4);
    BOOST_TEST(*first.width_m == 14.5);
    BOOST_TEST(n.segments[0].points.size() == 2U);
    BOOST_TEST(n.segments[0].points[1].x == 1100.0);
    const auto& side = n.segments[2].attributes;
    BOOST_TEST(side.oneway);
    BOOST_TEST(*side.sidewalk);
    BOOST_TEST(!side.lanes.has_value());
}

BOOST_AUTO_TEST_CASE(info_sums_km_by_priority_and_district) {
    TempDir dir;
    Project p = Project::create(dir / "town.ykm", gis::Epsg{6678});
    p.replace_road_network(two_segment_network());
    const std::vector<District> districts{square_district("東部工区", 1000, 1900, 140),
                                          square_district("西部工区", 1140, 1900, 300)};
    p.replace_districts(districts);
    const ProjectInfo info = p.info();
    BOOST_TEST(info.segment_count == 3);
    BOOST_TEST(info.node_count == 4);
    BOOST_TEST(info.crs_name == "JGD2011 / Japan Plane Rectangular CS X");
    BOOST_TEST(info.km_by_priority.at(1) == 0.2, boost::test_tools::tolerance(1e-3));
    BOOST_TEST(info.km_by_priority.at(3) == 0.1, boost::test_tools::tolerance(1e-3));
    BOOST_TEST(info.extent.min_x == 1000.0);
    BOOST_TEST(info.extent.max_y == 2100.0);
    BOOST_REQUIRE(info.districts.size() == 2U);
    // Segment midpoints: (1050, 2000) in the east, (1150, 2000) in the west, (1100, 2050) in
    // neither.
    BOOST_TEST(info.districts[0].name == "東部工区");
    BOOST_TEST(info.districts[0].segment_count == 1);
    BOOST_TEST(info.districts[0].km == 0.1, boost::test_tools::tolerance(1e-3));
    BOOST_TEST(info.districts[1].segment_count == 1);
}

BOOST_AUTO_TEST_CASE(replacing_districts_keeps_vehicles_in_districts_of_the_same_name) {
    TempDir dir;
    Project p = Project::create(dir / "town.ykm", gis::Epsg{6678});
    p.replace_road_network(two_segment_network());
    p.replace_districts(std::vector<District>{square_district("東部工区", 1000, 1900, 140),
                                              square_district("西部工区", 1140, 1900, 300)});
    p.database().exec(
        "INSERT INTO contractors (code, name) VALUES ('C01', '雪国建設');"
        "INSERT INTO vehicles (code, machine_type, plow_width_m, contractor_id, district_id) "
        "VALUES ('D-1', 'dozer', 3.0, 1, (SELECT id FROM districts WHERE name = '西部工区')),"
        "('D-2', 'dozer', 3.0, 1, (SELECT id FROM districts WHERE name = '東部工区'))");
    // The west district is redrawn, the east one is gone.
    p.replace_districts(std::vector<District>{square_district("北部工区", 1000, 2100, 100),
                                              square_district("西部工区", 1100, 1900, 340)});
    Statement vehicles(p.database(), "SELECT v.code, d.name FROM vehicles v LEFT JOIN districts d "
                                     "ON d.id = v.district_id ORDER BY v.code");
    BOOST_REQUIRE(vehicles.step());
    BOOST_TEST(vehicles.column_text(1) == "西部工区");
    BOOST_REQUIRE(vehicles.step());
    BOOST_TEST(vehicles.is_null(1));
}

BOOST_AUTO_TEST_CASE(replacing_depots_keeps_vehicles_home_depots_of_the_same_name) {
    TempDir dir;
    Project p = Project::create(dir / "town.ykm", gis::Epsg{6678});
    p.replace_depots(std::vector<Depot>{{"第1除雪基地", {0, 0}}, {"第2除雪基地", {100, 0}}});
    p.database().exec(
        "INSERT INTO contractors (code, name) VALUES ('C01', '雪国建設');"
        "INSERT INTO vehicles (code, machine_type, plow_width_m, contractor_id, depot_id) "
        "VALUES ('D-1', 'dozer', 3.0, 1, (SELECT id FROM depots WHERE name = '第2除雪基地')),"
        "('D-2', 'dozer', 3.0, 1, (SELECT id FROM depots WHERE name = '第1除雪基地'))");
    // The second depot moves, the first is closed.
    p.replace_depots(std::vector<Depot>{{"第3除雪基地", {0, 50}}, {"第2除雪基地", {120, 0}}});
    Statement vehicles(p.database(), "SELECT v.code, d.name FROM vehicles v LEFT JOIN depots d "
                                     "ON d.id = v.depot_id ORDER BY v.code");
    BOOST_REQUIRE(vehicles.step());
    BOOST_TEST(vehicles.column_text(1) == "第2除雪基地");
    BOOST_REQUIRE(vehicles.step());
    BOOST_TEST(vehicles.is_null(1));
}

BOOST_AUTO_TEST_CASE(overwriting_a_project_left_with_a_write_ahead_log_gives_a_sound_file) {
    TempDir dir;
    const auto path = dir / "town.ykm";
    const auto wal = path.string() + "-wal";
    create_project_atomically(path, gis::Epsg{6678}, false, [](Project&) {});
    {
        // A program killed while it had the project open in WAL mode leaves its -wal behind.
        Database db(path, OpenMode::read_write);
        db.exec("PRAGMA journal_mode = WAL; CREATE TABLE leftover (x); INSERT INTO leftover "
                "VALUES (1)");
        std::filesystem::copy_file(wal, dir / "kept-wal");
    }
    std::filesystem::copy_file(dir / "kept-wal", wal);
    create_project_atomically(path, gis::Epsg{6678}, true,
                              [](Project& p) { p.replace_road_network(two_segment_network()); });
    BOOST_TEST(!std::filesystem::exists(wal));
    Project p = Project::open(path, OpenMode::read_only);
    BOOST_TEST(p.info().segment_count == 3);
    Statement check(p.database(), "PRAGMA integrity_check");
    BOOST_REQUIRE(check.step());
    BOOST_TEST(check.column_text(0) == "ok");
}

BOOST_AUTO_TEST_CASE(refuses_a_file_that_is_not_sqlite) {
    TempDir dir;
    const auto path = dir / "notes.ykm";
    std::ofstream(path) << "this is a text file, not a database\n";
    try {
        (void)Project::open(path);
        BOOST_FAIL("a text file opened as a project");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find("not a SQLite database") != std::string::npos);
        BOOST_TEST(std::string(e.what()).find("notes.ykm") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(refuses_a_project_from_a_newer_schema) {
    TempDir dir;
    {
        Project p = Project::create(dir / "future.ykm", gis::Epsg{6678});
        p.set_metadata("schema_version", std::to_string(current_schema_version + 1));
    }
    try {
        (void)Project::open(dir / "future.ykm");
        BOOST_FAIL("a newer project opened");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find("newer") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(migrates_an_older_project_forward_when_opened_for_writing) {
    TempDir dir;
    const auto path = dir / "old.ykm";
    {
        // A version-0 project: SpatiaLite metadata and ykm_meta with its CRS, no layers yet.
        Database db(path, OpenMode::create);
        db.exec("SELECT InitSpatialMetadata(1, 'NONE'); SELECT InsertEpsgSrid(6678);"
                "CREATE TABLE ykm_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);"
                "INSERT INTO ykm_meta VALUES ('crs', 'EPSG:6678'), ('schema_version', '0');");
    }
    BOOST_CHECK_THROW(Project::open(path, OpenMode::read_only), Error);
    {
        Project p = Project::open(path, OpenMode::read_write);
        BOOST_TEST(p.schema_version() == current_schema_version);
        p.replace_road_network(two_segment_network());
    }
    Project p = Project::open(path, OpenMode::read_only);
    BOOST_TEST(*p.metadata("schema_version") == std::to_string(current_schema_version));
    BOOST_TEST(p.info().segment_count == 3);
}

BOOST_AUTO_TEST_CASE(a_moved_database_connection_keeps_working_and_closes_the_old_one) {
    TempDir dir;
    Database target(dir / "a.sqlite", OpenMode::create);
    target.exec("CREATE TABLE a (x)");
    {
        Database source(dir / "b.sqlite", OpenMode::create);
        source.exec("CREATE TABLE b (x)");
        target = std::move(source);
    }
    BOOST_TEST(target.path().filename() == "b.sqlite");
    target.exec("INSERT INTO b VALUES (1)");
    Statement count(target, "SELECT count(*) FROM b");
    BOOST_REQUIRE(count.step());
    BOOST_TEST(count.column_int(0) == 1);
}

BOOST_AUTO_TEST_CASE(refuses_a_sqlite_file_that_is_not_a_project) {
    TempDir dir;
    {
        Database db(dir / "other.sqlite", OpenMode::create);
        db.exec("CREATE TABLE t (x)");
    }
    BOOST_CHECK_THROW(Project::open(dir / "other.sqlite"), Error);
}

BOOST_AUTO_TEST_CASE(atomic_create_leaves_nothing_when_filling_fails) {
    TempDir dir;
    const auto path = dir / "town.ykm";
    BOOST_CHECK_THROW(create_project_atomically(path, gis::Epsg{6678}, false,
                                                [](Project&) { throw Error("source broke"); }),
                      Error);
    BOOST_TEST(std::filesystem::is_empty(dir.path()));
}

BOOST_AUTO_TEST_CASE(atomic_create_keeps_an_existing_project_when_filling_fails) {
    TempDir dir;
    const auto path = dir / "town.ykm";
    create_project_atomically(path, gis::Epsg{6678}, false,
                              [](Project& p) { p.replace_road_network(two_segment_network()); });
    BOOST_CHECK_THROW(create_project_atomically(path, gis::Epsg{6678}, true,
                                                [](Project&) { throw Error("source broke"); }),
                      Error);
    {
        Project p = Project::open(path, OpenMode::read_only);
        BOOST_TEST(p.info().segment_count == 3);
    }
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        ++files;
    }
    BOOST_TEST(files == 1U);
}

BOOST_AUTO_TEST_CASE(atomic_create_refuses_to_overwrite_unless_asked) {
    TempDir dir;
    const auto path = dir / "town.ykm";
    create_project_atomically(path, gis::Epsg{6678}, false, [](Project&) {});
    BOOST_CHECK_THROW(create_project_atomically(path, gis::Epsg{6678}, false, [](Project&) {}),
                      Error);
}

BOOST_AUTO_TEST_CASE(transaction_rolls_back_a_failed_replacement) {
    TempDir dir;
    Project p = Project::create(dir / "town.ykm", gis::Epsg{6678});
    p.replace_road_network(two_segment_network());
    gis::RoadNetwork wrong = two_segment_network();
    wrong.crs = gis::Epsg{6677};
    BOOST_CHECK_THROW(p.replace_road_network(wrong), Error);
    gis::RoadNetwork dangling = two_segment_network();
    dangling.segments[1].to_node = 99; // no such node: the foreign key refuses it
    BOOST_CHECK_THROW(p.replace_road_network(dangling), Error);
    BOOST_TEST(p.info().segment_count == 3);
}

BOOST_AUTO_TEST_SUITE_END()

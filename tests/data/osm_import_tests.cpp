#include "temp_dir.hpp"
#include "ykm/data/database.hpp"
#include "ykm/data/road_import.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using ykm::data::import_roads;
using ykm::data::RoadImport;
using ykm::data::RoadImportOptions;
using ykm::gis::PriorityClass;
using ykm::gis::RoadSegment;

const fs::path helsinki_pbf = fs::path(YKM_SHARED_DATA) / "helsinki_osm" / "test.osm.pbf";

// The highway values of the default priority table (docs of PriorityTable::osm_default).
const std::vector<std::string> default_highway_values{
    "motorway",     "motorway_link", "trunk",          "trunk_link", "primary",
    "primary_link", "secondary",     "secondary_link", "tertiary",   "tertiary_link",
    "unclassified", "residential",   "living_street",  "service",    "road"};

std::string quoted(const fs::path& path) {
    return "'" + path.string() + "'";
}

// Figures about the drivable ways of an OSM file, computed by GDAL's OSM driver and SpatiaLite
// SQL, without any of our code: what our import must agree with.
struct GdalFigures {
    std::int64_t ways = 0;
    std::int64_t segments = 0;
    double length_m = 0.0;
    std::map<int, double> length_m_by_priority;
};

// The `lines` layer of the Helsinki extract, converted once by ogr2ogr for all cases.
const fs::path& helsinki_lines_sqlite() {
    static const ykm::test::TempDir dir;
    static const fs::path sqlite = [] {
        const fs::path out = dir / "lines.sqlite";
        const std::string command = "ogr2ogr -q -f SQLite -dsco SPATIALITE=YES " + quoted(out) +
                                    " " + quoted(helsinki_pbf) + " lines";
        BOOST_REQUIRE_EQUAL(std::system(command.c_str()), 0);
        return out;
    }();
    return sqlite;
}

// `values` maps each imported highway value to its priority class.
GdalFigures gdal_figures(const std::map<std::string, int>& values) {
    std::string in_list;
    std::string priority_case = "CASE highway";
    for (const auto& [value, priority] : values) {
        in_list += (in_list.empty() ? "'" : ",'") + value + "'";
        priority_case += " WHEN '" + value + "' THEN " + std::to_string(priority);
    }
    priority_case += " END";
    // GDAL keeps highway in a column and the other tags in other_tags ("k"=>"v",...). The
    // importer leaves out area=yes and ways closed to the public by the most specific of
    // motor_vehicle, vehicle, access.
    const std::string roads =
        "roads AS (SELECT ogc_fid AS way, GEOMETRY AS g, " + priority_case +
        " AS priority FROM lines WHERE highway IN (" + in_list +
        ") AND coalesce(other_tags, '') NOT LIKE '%\"area\"=>\"yes\"%' AND NOT (CASE"
        " WHEN other_tags LIKE '%\"motor_vehicle\"=>%' THEN other_tags LIKE "
        "'%\"motor_vehicle\"=>\"no\"%' OR other_tags LIKE '%\"motor_vehicle\"=>\"private\"%'"
        " WHEN other_tags LIKE '%\"vehicle\"=>%' THEN other_tags LIKE '%\"vehicle\"=>\"no\"%'"
        " OR other_tags LIKE '%\"vehicle\"=>\"private\"%'"
        " WHEN other_tags LIKE '%\"access\"=>%' THEN other_tags LIKE '%\"access\"=>\"no\"%'"
        " OR other_tags LIKE '%\"access\"=>\"private\"%' ELSE 0 END))";

    ykm::data::Database db(helsinki_lines_sqlite(), ykm::data::OpenMode::read_only);
    GdalFigures figures;
    {
        ykm::data::Statement by_priority(
            db, "WITH " + roads +
                    " SELECT priority, count(*), sum(ST_Length(g, 1)) FROM roads GROUP BY 1");
        while (by_priority.step()) {
            figures.ways += by_priority.column_int64(1);
            figures.length_m += by_priority.column_double(2);
            figures.length_m_by_priority[by_priority.column_int(0)] = by_priority.column_double(2);
        }
    }
    // A way splits at every interior vertex that another way (or the same way again) uses.
    ykm::data::Statement pieces(
        db, "WITH RECURSIVE " + roads +
                ", pts(way, i, n, x, y) AS ("
                " SELECT way, 1, ST_NumPoints(g), ST_X(ST_PointN(g, 1)), ST_Y(ST_PointN(g, 1))"
                " FROM roads UNION ALL"
                " SELECT p.way, p.i + 1, p.n, ST_X(ST_PointN(r.g, p.i + 1)),"
                " ST_Y(ST_PointN(r.g, p.i + 1)) FROM pts p JOIN roads r ON r.way = p.way"
                " WHERE p.i < p.n),"
                " uses AS (SELECT x, y, count(*) AS c FROM pts GROUP BY x, y)"
                " SELECT (SELECT count(*) FROM roads) + count(*) FROM pts JOIN uses USING (x, y)"
                " WHERE pts.i > 1 AND pts.i < pts.n AND uses.c >= 2");
    BOOST_REQUIRE(pieces.step());
    figures.segments = pieces.column_int64(0);
    return figures;
}

std::map<std::string, int> default_values() {
    std::map<std::string, int> values;
    for (const std::string& v : default_highway_values) {
        values[v] = v.starts_with("motorway") || v.starts_with("trunk") ||
                            v.starts_with("primary") || v.starts_with("secondary")
                        ? 1
                    : v.starts_with("tertiary") || v == "unclassified" ? 2
                                                                       : 3;
    }
    return values;
}

double total_length_m(const RoadImport& import) {
    double sum = 0.0;
    for (const RoadSegment& s : import.network.segments) {
        sum += s.length_m;
    }
    return sum;
}

double relative_difference(double ours, double theirs) {
    return std::abs(ours - theirs) / theirs;
}

std::map<std::string, std::vector<const RoadSegment*>> by_source_id(const RoadImport& import) {
    std::map<std::string, std::vector<const RoadSegment*>> result;
    for (const RoadSegment& s : import.network.segments) {
        result[s.attributes.source_id].push_back(&s);
    }
    return result;
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

// A tiny town in Sapporo: a T-junction (way 11 ends inside way 10), a way drawn against its
// traffic (oneway=-1), a roundabout, a way with a node missing from the file, and ways that must
// not be imported (footway, area=yes, access=private).
const char* const tiny_osm = R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="ykm-test">
  <node id="1" lat="43.0600" lon="141.3500"/>
  <node id="2" lat="43.0600" lon="141.3510"/>
  <node id="3" lat="43.0600" lon="141.3520"/>
  <node id="4" lat="43.0590" lon="141.3510"/>
  <node id="5" lat="43.0580" lon="141.3510"/>
  <node id="6" lat="43.0600" lon="141.3530"/>
  <node id="7" lat="43.0605" lon="141.3535"/>
  <node id="8" lat="43.0595" lon="141.3535"/>
  <node id="9" lat="43.0580" lon="141.3500"/>
  <node id="10" lat="43.0580" lon="141.3480"/>
  <node id="11" lat="43.0580" lon="141.3470"/>
  <node id="12" lat="43.0700" lon="141.3600"/>
  <node id="13" lat="43.0700" lon="141.3610"/>
  <node id="14" lat="43.0700" lon="141.3620"/>
  <node id="15" lat="43.0700" lon="141.3630"/>
  <node id="16" lat="43.0650" lon="141.3600"/>
  <node id="17" lat="43.0650" lon="141.3610"/>
  <node id="18" lat="43.0655" lon="141.3605"/>
  <node id="19" lat="43.0570" lon="141.3470"/>
  <way id="10">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/>
    <tag k="highway" v="residential"/><tag k="name:ja" v="札幌通"/><tag k="lanes" v="2"/>
    <tag k="width" v="7.5 m"/><tag k="sidewalk" v="both"/>
  </way>
  <way id="11">
    <nd ref="5"/><nd ref="4"/><nd ref="2"/>
    <tag k="highway" v="residential"/><tag k="oneway" v="-1"/><tag k="name" v="北1条"/>
  </way>
  <way id="12">
    <nd ref="6"/><nd ref="7"/><nd ref="8"/><nd ref="6"/>
    <tag k="highway" v="tertiary"/><tag k="junction" v="roundabout"/>
  </way>
  <way id="13">
    <nd ref="3"/><nd ref="6"/>
    <tag k="highway" v="secondary"/><tag k="ref" v="R1"/><tag k="width" v="7"/>
    <tag k="lanes" v="2;3"/><tag k="sidewalk" v="no"/>
  </way>
  <way id="14">
    <nd ref="5"/><nd ref="9"/><nd ref="99"/><nd ref="10"/><nd ref="11"/>
    <tag k="highway" v="service"/>
  </way>
  <way id="15">
    <nd ref="1"/><nd ref="4"/>
    <tag k="highway" v="footway"/>
  </way>
  <way id="16">
    <nd ref="16"/><nd ref="17"/><nd ref="18"/><nd ref="16"/>
    <tag k="highway" v="service"/><tag k="area" v="yes"/>
  </way>
  <way id="17">
    <nd ref="11"/><nd ref="19"/>
    <tag k="highway" v="residential"/><tag k="access" v="private"/>
  </way>
  <way id="18">
    <nd ref="12"/><nd ref="13"/>
    <tag k="highway" v="motorway"/>
  </way>
  <way id="19">
    <nd ref="13"/><nd ref="14"/>
    <tag k="highway" v="motorway"/><tag k="oneway" v="no"/>
  </way>
  <way id="20">
    <nd ref="14"/><nd ref="15"/>
    <tag k="highway" v="residential"/><tag k="oneway" v="yes"/>
  </way>
</osm>
)";

// The segment's points back in degrees.
std::vector<ykm::gis::XY> lonlat_points(const RoadImport& import, const RoadSegment& segment) {
    ykm::gis::CoordinateTransform to_lonlat(import.network.crs, ykm::gis::wgs84);
    std::vector<ykm::gis::XY> points = segment.points;
    to_lonlat.forward(points);
    return points;
}

void check_at(const ykm::gis::XY& p, double lon, double lat) {
    BOOST_CHECK_SMALL(p.x - lon, 1e-7);
    BOOST_CHECK_SMALL(p.y - lat, 1e-7);
}

// Checks that importing `file` throws a ykm::Error whose message names the file.
void check_error_names_file(const fs::path& file) {
    BOOST_CHECK_EXCEPTION(
        import_roads({file}, RoadImportOptions{}), ykm::Error, [&](const ykm::Error& e) {
            BOOST_TEST_MESSAGE(e.what());
            return std::string(e.what()).find(file.filename().string()) != std::string::npos;
        });
}

} // namespace

BOOST_AUTO_TEST_SUITE(osm_import_tests)

BOOST_AUTO_TEST_CASE(helsinki_extract_has_the_segments_and_length_that_gdal_finds) {
    const RoadImport import = import_roads({helsinki_pbf}, RoadImportOptions{});
    const GdalFigures gdal = gdal_figures(default_values());

    BOOST_TEST_MESSAGE("segments " << import.network.segments.size() << " vs " << gdal.segments
                                   << ", length " << total_length_m(import) << " m vs "
                                   << gdal.length_m << " m");
    BOOST_CHECK_LT(relative_difference(static_cast<double>(import.network.segments.size()),
                                       static_cast<double>(gdal.segments)),
                   0.005);
    BOOST_CHECK_LT(relative_difference(total_length_m(import), gdal.length_m), 0.005);
    // Ways whose nodes all lie outside the extract are dropped by both.
    BOOST_CHECK_EQUAL(static_cast<std::int64_t>(import.features_used), gdal.ways);
    // `osmium fileinfo`: 2,653 ways in the file.
    BOOST_CHECK_EQUAL(import.features_read, 2653U);
    BOOST_CHECK_EQUAL(import.network.crs.code, 32635); // WGS 84 / UTM zone 35N
    BOOST_CHECK_EQUAL(import.attribution, "© OpenStreetMap contributors (ODbL)");
    // 34 drivable ways cross the extract's edge; 8 of them have at most one node inside.
    BOOST_REQUIRE_EQUAL(import.warnings.size(), 1U);
    BOOST_CHECK_EQUAL(import.warnings[0],
                      "test.osm.pbf: 34 ways referenced nodes not in the file; kept their parts "
                      "inside it, dropped 8 with fewer than two nodes inside");
}

BOOST_AUTO_TEST_CASE(default_table_gives_priority_classes_by_highway_value) {
    const RoadImport import = import_roads({helsinki_pbf}, RoadImportOptions{});
    const std::map<std::string, PriorityClass> expected{
        {"motorway", PriorityClass::first},      {"motorway_link", PriorityClass::first},
        {"secondary", PriorityClass::first},     {"tertiary", PriorityClass::second},
        {"unclassified", PriorityClass::second}, {"residential", PriorityClass::third},
        {"living_street", PriorityClass::third}, {"service", PriorityClass::third}};
    std::set<std::string> classes;
    std::map<int, double> length_m_by_priority;
    for (const RoadSegment& s : import.network.segments) {
        classes.insert(s.attributes.road_class);
        length_m_by_priority[ykm::gis::to_int(s.attributes.priority)] += s.length_m;
        const auto it = expected.find(s.attributes.road_class);
        BOOST_REQUIRE_MESSAGE(it != expected.end(), "unexpected class " << s.attributes.road_class);
        BOOST_CHECK(s.attributes.priority == it->second);
    }
    // `osmium tags-count`: the drivable highway values in the extract (footway, cycleway, path,
    // track and construction are not imported).
    BOOST_CHECK_EQUAL(classes.size(), expected.size());

    const GdalFigures gdal = gdal_figures(default_values());
    BOOST_REQUIRE_EQUAL(gdal.length_m_by_priority.size(), 3U);
    for (const auto& [priority, length_m] : gdal.length_m_by_priority) {
        BOOST_TEST_MESSAGE("class " << priority << ": " << length_m_by_priority[priority]
                                    << " m vs " << length_m << " m");
        BOOST_CHECK_LT(relative_difference(length_m_by_priority[priority], length_m), 0.005);
    }
}

BOOST_AUTO_TEST_CASE(priority_map_file_changes_classes_and_skips_values) {
    const ykm::test::TempDir dir;
    const fs::path map_file = dir / "priorities.txt";
    write_file(map_file, "# local rules\nresidential = 2\nservice = skip\n");
    RoadImportOptions options;
    options.priorities =
        ykm::gis::PriorityTable::read(map_file, ykm::gis::PriorityTable::osm_default());
    const RoadImport import = import_roads({helsinki_pbf}, options);

    std::size_t residential = 0;
    for (const RoadSegment& s : import.network.segments) {
        BOOST_CHECK_NE(s.attributes.road_class, "service");
        if (s.attributes.road_class == "residential") {
            ++residential;
            BOOST_CHECK(s.attributes.priority == PriorityClass::second);
        }
    }
    BOOST_CHECK_GT(residential, 0U);

    std::map<std::string, int> values = default_values();
    values.erase("service");
    values["residential"] = 2;
    const GdalFigures gdal = gdal_figures(values);
    const GdalFigures all = gdal_figures(default_values());
    BOOST_CHECK_LT(gdal.segments, all.segments);
    BOOST_CHECK_LT(relative_difference(static_cast<double>(import.network.segments.size()),
                                       static_cast<double>(gdal.segments)),
                   0.005);
    BOOST_CHECK_LT(relative_difference(total_length_m(import), gdal.length_m), 0.005);
    double second_m = 0.0;
    for (const RoadSegment& s : import.network.segments) {
        second_m += s.attributes.priority == PriorityClass::second ? s.length_m : 0.0;
    }
    BOOST_CHECK_LT(relative_difference(second_m, gdal.length_m_by_priority.at(2)), 0.005);
}

BOOST_AUTO_TEST_CASE(tiny_town_is_split_at_shared_nodes_with_oneway_and_reversed_ways) {
    const ykm::test::TempDir dir;
    const fs::path file = dir / "tiny.osm";
    write_file(file, tiny_osm);
    const RoadImport import = import_roads({file}, RoadImportOptions{});

    // Ways 10-14 and 18-20 are kept; 10 splits at the T-junction, 14 at its missing node.
    BOOST_CHECK_EQUAL(import.features_read, 11U);
    BOOST_CHECK_EQUAL(import.features_used, 8U);
    BOOST_CHECK_EQUAL(import.network.segments.size(), 10U);
    BOOST_CHECK_EQUAL(import.network.nodes.size(), 12U);
    BOOST_CHECK_EQUAL(import.network.crs.code, 6680); // JGD2011 / Japan Plane Rectangular CS XII
    BOOST_REQUIRE_EQUAL(import.warnings.size(), 1U);
    BOOST_CHECK_EQUAL(import.warnings[0], "tiny.osm: 1 way referenced nodes not in the file; "
                                          "kept their parts inside it");

    const auto ways = by_source_id(import);
    for (const char* absent : {"15", "16", "17"}) {
        BOOST_CHECK_MESSAGE(!ways.contains(absent), "way " << absent << " was imported");
    }

    const auto& w10 = ways.at("10");
    BOOST_REQUIRE_EQUAL(w10.size(), 2U);
    BOOST_CHECK(!w10[0]->attributes.oneway);
    BOOST_CHECK_EQUAL(w10[0]->attributes.name, "札幌通");
    BOOST_CHECK(w10[0]->attributes.lanes == 2);
    BOOST_CHECK(w10[0]->attributes.width_m == 7.5);
    BOOST_CHECK(w10[0]->attributes.sidewalk == true);
    BOOST_CHECK(w10[0]->attributes.priority == PriorityClass::third);
    BOOST_CHECK_EQUAL(w10[0]->to_node, w10[1]->from_node);

    // oneway=-1 (drawn 5-4-2): stored reversed, from node 2 through 4 to node 5, one-way.
    const auto& w11 = ways.at("11");
    BOOST_REQUIRE_EQUAL(w11.size(), 1U);
    BOOST_CHECK(w11[0]->attributes.oneway);
    BOOST_CHECK_EQUAL(w11[0]->attributes.name, "北1条");
    const auto p11 = lonlat_points(import, *w11[0]);
    BOOST_REQUIRE_EQUAL(p11.size(), 3U);
    check_at(p11[0], 141.3510, 43.0600);
    check_at(p11[1], 141.3510, 43.0590);
    check_at(p11[2], 141.3510, 43.0580);
    BOOST_CHECK_EQUAL(w11[0]->from_node, w10[0]->to_node);
    // Nodes keep their OSM ids: way 11 runs from OSM node 2 to OSM node 5.
    const auto& nodes = import.network.nodes;
    BOOST_CHECK_EQUAL(nodes.at(static_cast<std::size_t>(w11[0]->from_node - 1)).source_id, "2");
    BOOST_CHECK_EQUAL(nodes.at(static_cast<std::size_t>(w11[0]->to_node - 1)).source_id, "5");

    // junction=roundabout implies oneway; the closed way is one loop segment.
    const auto& w12 = ways.at("12");
    BOOST_REQUIRE_EQUAL(w12.size(), 1U);
    BOOST_CHECK(w12[0]->attributes.oneway);
    BOOST_CHECK_EQUAL(w12[0]->from_node, w12[0]->to_node);
    BOOST_CHECK_EQUAL(w12[0]->points.size(), 4U);
    BOOST_CHECK(w12[0]->attributes.priority == PriorityClass::second);

    const auto& w13 = ways.at("13");
    BOOST_REQUIRE_EQUAL(w13.size(), 1U);
    BOOST_CHECK_EQUAL(w13[0]->attributes.name, "R1");
    BOOST_CHECK(w13[0]->attributes.width_m == 7.0);
    BOOST_CHECK(!w13[0]->attributes.lanes.has_value());
    BOOST_CHECK(w13[0]->attributes.sidewalk == false);
    BOOST_CHECK(w13[0]->attributes.priority == PriorityClass::first);
    BOOST_CHECK(!w13[0]->attributes.oneway);
    BOOST_CHECK_EQUAL(w13[0]->to_node, w12[0]->from_node);

    // The missing node 99 splits way 14 into 5-9 and 10-11.
    const auto& w14 = ways.at("14");
    BOOST_REQUIRE_EQUAL(w14.size(), 2U);
    const auto a = lonlat_points(import, *w14[0]);
    const auto b = lonlat_points(import, *w14[1]);
    BOOST_REQUIRE_EQUAL(a.size(), 2U);
    BOOST_REQUIRE_EQUAL(b.size(), 2U);
    check_at(a[0], 141.3510, 43.0580);
    check_at(a[1], 141.3500, 43.0580);
    check_at(b[0], 141.3480, 43.0580);
    check_at(b[1], 141.3470, 43.0580);
    BOOST_CHECK_EQUAL(w14[0]->from_node, w11[0]->to_node);
    BOOST_CHECK(!w14[0]->attributes.sidewalk.has_value());

    BOOST_CHECK(ways.at("18").at(0)->attributes.oneway);  // motorway implies oneway
    BOOST_CHECK(!ways.at("19").at(0)->attributes.oneway); // unless oneway=no
    BOOST_CHECK(ways.at("20").at(0)->attributes.oneway);
}

BOOST_AUTO_TEST_CASE(compressed_and_upper_case_osm_files_are_read) {
    const ykm::test::TempDir dir;
    write_file(dir / "tiny.osm", tiny_osm);
    BOOST_REQUIRE_EQUAL(std::system(("gzip -k " + quoted(dir / "tiny.osm")).c_str()), 0);
    fs::copy_file(dir / "tiny.osm", dir / "TINY.OSM");
    for (const char* name : {"tiny.osm.gz", "TINY.OSM"}) {
        const RoadImport import = import_roads({dir / name}, RoadImportOptions{});
        BOOST_CHECK_EQUAL(import.network.segments.size(), 10U);
    }
}

BOOST_AUTO_TEST_CASE(bad_files_throw_errors_naming_the_file) {
    const ykm::test::TempDir dir;
    check_error_names_file(dir / "missing.osm.pbf");

    write_file(dir / "empty.osm.pbf", "");
    check_error_names_file(dir / "empty.osm.pbf");

    std::ifstream in(helsinki_pbf, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    write_file(dir / "half.osm.pbf", bytes.substr(0, bytes.size() / 2));
    check_error_names_file(dir / "half.osm.pbf");

    write_file(dir / "notes.osm.pbf", "These are my notes about the snow plows.\n");
    check_error_names_file(dir / "notes.osm.pbf");

    write_file(dir / "notes.osm", "These are my notes about the snow plows.\n");
    check_error_names_file(dir / "notes.osm");

    write_file(dir / "paths.osm", R"(<osm version="0.6"><node id="1" lat="43" lon="141"/>
<node id="2" lat="43.001" lon="141"/><way id="1"><nd ref="1"/><nd ref="2"/>
<tag k="highway" v="footway"/></way></osm>)");
    check_error_names_file(dir / "paths.osm");
}

BOOST_AUTO_TEST_SUITE_END()

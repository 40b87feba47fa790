#include "temp_dir.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/data/map_query.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <set>

using namespace ykm;
using namespace ykm::data;
using ykm::test::TempDir;

namespace {

// A small demo town (seed 4) written to a project in a temp folder.
struct TownProject {
    TempDir dir;
    DemoTown town = generate_demo_town(4, TownSize::small);
    Project project = make();

    Project make() {
        Project p = Project::create(dir / "town.ykm", town.network.crs);
        write_demo_town(p, town);
        return p;
    }
};

gis::Box bounds(const gis::Polyline& line) {
    gis::Box b = gis::Box::empty();
    for (const gis::XY& p : line) {
        b.extend(p);
    }
    return b;
}

bool meets(const gis::Box& a, const gis::Box& b) {
    return a.min_x <= b.max_x && a.max_x >= b.min_x && a.min_y <= b.max_y && a.max_y >= b.min_y;
}

std::string attribute(const FeatureInfo& info, const std::string& name) {
    for (const auto& [key, value] : info.attributes) {
        if (key == name) {
            return value;
        }
    }
    return "<missing " + name + ">";
}

// The point half way along a line, and the direction of the piece it lies on.
std::pair<gis::XY, gis::XY> midpoint_and_direction(const gis::Polyline& line) {
    const double half = gis::planar_length(line) / 2.0;
    double walked = 0.0;
    for (std::size_t i = 1; i < line.size(); ++i) {
        const double dx = line[i].x - line[i - 1].x;
        const double dy = line[i].y - line[i - 1].y;
        const double length = std::hypot(dx, dy);
        if (walked + length >= half) {
            const double t = (half - walked) / length;
            return {{line[i - 1].x + t * dx, line[i - 1].y + t * dy}, {dx / length, dy / length}};
        }
        walked += length;
    }
    return {line.back(), {1.0, 0.0}};
}

} // namespace

BOOST_AUTO_TEST_SUITE(map_query_tests)

BOOST_AUTO_TEST_CASE(reads_only_roads_whose_box_meets_the_view) {
    TownProject t;
    const gis::RoadNetwork network = t.project.load_road_network();
    const gis::Box town = t.project.info().extent;
    // The south-west quarter of the town at 1 m/px.
    const gis::XY centre{town.min_x + (town.max_x - town.min_x) * 0.3,
                         town.min_y + (town.max_y - town.min_y) * 0.3};
    const gis::MapView view(centre, 1.0, 800, 600);
    const gis::MapContent content = query_map_content(t.project, view, gis::MapStyle{});
    std::set<std::int64_t> expected;
    for (const gis::RoadSegment& s : network.segments) {
        if (meets(bounds(s.points), view.extent())) {
            expected.insert(s.id);
        }
    }
    std::set<std::int64_t> got;
    for (const gis::MapRoad& r : content.roads) {
        got.insert(r.id);
    }
    BOOST_TEST(expected.size() > 10U);
    BOOST_TEST(expected.size() < network.segments.size() / 2);
    BOOST_TEST(got == expected);
    // Attributes come along, and at 1 m/px the geometry keeps its ends.
    const gis::MapRoad& first = content.roads.front();
    const gis::RoadSegment& source = network.segments[static_cast<std::size_t>(first.id - 1)];
    BOOST_TEST(first.name == source.attributes.name);
    BOOST_TEST((first.priority == source.attributes.priority));
    BOOST_TEST(first.oneway == source.attributes.oneway);
    BOOST_TEST((first.points.front() == source.points.front()));
    BOOST_TEST((first.points.back() == source.points.back()));
}

BOOST_AUTO_TEST_CASE(reads_districts_depots_and_dump_sites_in_view) {
    TownProject t;
    const gis::Box town = t.project.info().extent;
    // The whole town and its surroundings: every feature.
    const gis::MapView all = gis::MapView::fit(town, 1000, 700, 0.2);
    const gis::MapContent content = query_map_content(t.project, all, gis::MapStyle{});
    BOOST_TEST(content.districts.size() == t.town.districts.size());
    BOOST_TEST(content.depots.size() == t.town.depots.size());
    BOOST_TEST(content.dump_sites.size() == t.town.dump_sites.size());
    BOOST_TEST(content.roads.size() == t.town.network.segments.size());
    // A district is one closed quadrilateral ring.
    BOOST_TEST(content.districts[0].name == t.town.districts[0].name);
    BOOST_REQUIRE(content.districts[0].rings.size() == 1U);
    BOOST_TEST(content.districts[0].rings[0].size() == 5U);
    BOOST_TEST((content.districts[0].rings[0].front() == content.districts[0].rings[0].back()));
    BOOST_TEST(content.depots[0].name == t.town.depots[0].name);
    BOOST_TEST(content.depots[0].position.x == t.town.depots[0].position.x);
    BOOST_TEST((content.dump_sites[0].capacity_m3 == t.town.dump_sites[0].capacity_m3));
    // A view around the first depot only: just that depot.
    const gis::MapView depot_view(t.town.depots[0].position, 0.5, 100, 100);
    const gis::MapContent near_depot = query_map_content(t.project, depot_view, gis::MapStyle{});
    BOOST_REQUIRE(near_depot.depots.size() == 1U);
    BOOST_TEST(near_depot.depots[0].name == t.town.depots[0].name);
    BOOST_TEST(near_depot.dump_sites.empty());
}

BOOST_AUTO_TEST_CASE(hidden_layers_are_not_read) {
    TownProject t;
    const gis::MapView all = gis::MapView::fit(t.project.info().extent, 1000, 700, 0.2);
    gis::MapStyle style;
    style.roads.visible = false;
    style.depots.visible = false;
    const gis::MapContent content = query_map_content(t.project, all, style);
    BOOST_TEST(content.roads.empty());
    BOOST_TEST(content.depots.empty());
    BOOST_TEST(content.districts.size() == t.town.districts.size());
    BOOST_TEST(content.dump_sites.size() == t.town.dump_sites.size());
    style.roads.visible = true;
    style.districts.opacity = 0.0;
    style.dump_sites.visible = false;
    const gis::MapContent other = query_map_content(t.project, all, style);
    BOOST_TEST(other.roads.size() == t.town.network.segments.size());
    BOOST_TEST(other.districts.empty());
    BOOST_TEST(other.dump_sites.empty());
}

BOOST_AUTO_TEST_CASE(simplifies_roads_to_half_a_pixel) {
    TownProject t;
    const gis::RoadNetwork network = t.project.load_road_network();
    const gis::MapView coarse = gis::MapView::fit(t.project.info().extent, 200, 150, 0.0);
    BOOST_TEST_REQUIRE(coarse.metres_per_pixel() > 10.0);
    const double tolerance = coarse.metres_per_pixel() / 2.0;
    const gis::MapContent content = query_map_content(t.project, coarse, gis::MapStyle{});
    std::size_t vertices_before = 0;
    std::size_t vertices_after = 0;
    for (const gis::MapRoad& r : content.roads) {
        const gis::RoadSegment& source = network.segments[static_cast<std::size_t>(r.id - 1)];
        vertices_before += source.points.size();
        vertices_after += r.points.size();
        BOOST_TEST((r.points == gis::simplify(source.points, tolerance)));
        // Interior vertices lie at least the tolerance from the one before.
        for (std::size_t i = 1; i + 1 < r.points.size(); ++i) {
            BOOST_TEST(std::hypot(r.points[i].x - r.points[i - 1].x,
                                  r.points[i].y - r.points[i - 1].y) >= tolerance);
        }
    }
    BOOST_TEST(vertices_after < vertices_before);
}

BOOST_AUTO_TEST_CASE(identify_finds_the_segment_under_the_point) {
    TownProject t;
    const gis::RoadNetwork network = t.project.load_road_network();
    // The longest named one-way segment.
    const gis::RoadSegment* segment = nullptr;
    for (const gis::RoadSegment& s : network.segments) {
        if (!s.attributes.name.empty() && s.attributes.oneway &&
            (segment == nullptr || s.length_m > segment->length_m)) {
            segment = &s;
        }
    }
    BOOST_REQUIRE(segment != nullptr);
    const auto [mid, direction] = midpoint_and_direction(segment->points);
    // Two metres beside the centre line, as a click on a drawn road lands.
    const gis::XY click{mid.x - 2.0 * direction.y, mid.y + 2.0 * direction.x};
    const auto info = identify(t.project, click, 5.0);
    BOOST_REQUIRE(info.has_value());
    BOOST_TEST((info->layer == Layer::road_segments));
    BOOST_TEST(info->id == segment->id);
    BOOST_TEST(attribute(*info, "name") == segment->attributes.name);
    BOOST_TEST(attribute(*info, "priority") ==
               (segment->attributes.priority == gis::PriorityClass::none
                    ? std::string()
                    : std::to_string(gis::to_int(segment->attributes.priority))));
    BOOST_TEST(attribute(*info, "oneway") == "yes");
    BOOST_TEST(attribute(*info, "id") == std::to_string(segment->id));
    const gis::Box b = bounds(segment->points);
    BOOST_TEST(info->extent.min_x == b.min_x);
    BOOST_TEST(info->extent.max_y == b.max_y);
    // Out of reach: nothing within 1 m of a point 2 m away... but the district answers.
    const auto district = identify(t.project, click, 1.0);
    BOOST_REQUIRE(district.has_value());
    BOOST_TEST((district->layer == Layer::districts));
}

BOOST_AUTO_TEST_CASE(identify_prefers_a_depot_and_answers_districts_inside_only) {
    TownProject t;
    const gis::XY depot = t.town.depots[0].position;
    const auto info = identify(t.project, {depot.x + 3.0, depot.y - 4.0}, 10.0);
    BOOST_REQUIRE(info.has_value());
    BOOST_TEST((info->layer == Layer::depots));
    BOOST_TEST(attribute(*info, "name") == t.town.depots[0].name);
    // Far outside the town: neither a feature nor a district.
    const gis::Box town = t.project.info().extent;
    BOOST_TEST(!identify(t.project, {town.max_x + 5000.0, town.max_y + 5000.0}, 50.0));
    const gis::XY dump = t.town.dump_sites[0].position;
    const auto site = identify(t.project, dump, 1.0);
    BOOST_REQUIRE(site.has_value());
    BOOST_TEST((site->layer == Layer::dump_sites));
    BOOST_TEST(attribute(*site, "capacity_m3") ==
               std::to_string(static_cast<long long>(*t.town.dump_sites[0].capacity_m3)));
}

BOOST_AUTO_TEST_CASE(identify_names_the_district_of_a_segment) {
    TownProject t;
    // A class 3 segment with a district: 3 m beside its midpoint, with a 1 m radius, the
    // district that holds the midpoint answers.
    Statement row(t.project.database(),
                  "SELECT s.id, d.id, d.name FROM road_segments AS s JOIN districts AS d ON "
                  "d.id = s.district_id WHERE s.priority = 3 ORDER BY s.length_m DESC LIMIT 1");
    BOOST_REQUIRE(row.step());
    const gis::RoadNetwork network = t.project.load_road_network();
    const auto& segment = network.segments[static_cast<std::size_t>(row.column_int64(0) - 1)];
    const auto [mid, direction] = midpoint_and_direction(segment.points);
    const auto info =
        identify(t.project, {mid.x + 3.0 * direction.y, mid.y - 3.0 * direction.x}, 1.0);
    BOOST_REQUIRE(info.has_value());
    BOOST_TEST((info->layer == Layer::districts));
    BOOST_TEST(info->id == row.column_int64(1));
    BOOST_TEST(attribute(*info, "name") == row.column_text(2));
}

BOOST_AUTO_TEST_CASE(find_roads_by_part_of_a_name) {
    TownProject t;
    const gis::RoadNetwork network = t.project.load_road_network();
    // The arterials are 国道…号; ask for the 号 of the first arterial's number.
    std::string name;
    for (const gis::RoadSegment& s : network.segments) {
        if (s.attributes.name.rfind("国道", 0) == 0) {
            name = s.attributes.name;
            break;
        }
    }
    BOOST_REQUIRE(!name.empty());
    const std::string part = name.substr(std::string("国道").size());
    std::vector<std::pair<std::string, std::int64_t>> expected;
    for (const gis::RoadSegment& s : network.segments) {
        if (s.attributes.name.find(part) != std::string::npos) {
            expected.emplace_back(s.attributes.name, s.id);
        }
    }
    std::sort(expected.begin(), expected.end());
    const auto found = find_roads(t.project, part, 1000);
    BOOST_REQUIRE(found.size() == expected.size());
    for (std::size_t i = 0; i < found.size(); ++i) {
        BOOST_TEST(attribute(found[i], "name") == expected[i].first);
        BOOST_TEST(found[i].id == expected[i].second);
    }
    const auto limited = find_roads(t.project, part, 2);
    BOOST_TEST(limited.size() == std::min<std::size_t>(2, expected.size()));
    BOOST_TEST(find_roads(t.project, "存在しない通り").empty());
    BOOST_TEST(find_roads(t.project, "  ").empty());
    // LIKE wildcards in the text are literal.
    BOOST_TEST(find_roads(t.project, "%").empty());
}

BOOST_AUTO_TEST_CASE(find_roads_by_id) {
    TownProject t;
    const auto found = find_roads(t.project, "17");
    const auto it =
        std::find_if(found.begin(), found.end(), [](const FeatureInfo& f) { return f.id == 17; });
    BOOST_TEST((it != found.end()));
    // Every other answer has 17 in its name.
    for (const FeatureInfo& f : found) {
        BOOST_TEST((f.id == 17 || attribute(f, "name").find("17") != std::string::npos));
    }
}

BOOST_AUTO_TEST_CASE(layer_extent_matches_the_project_extent) {
    TownProject t;
    const gis::Box roads = layer_extent(t.project, Layer::road_segments);
    const gis::Box info = t.project.info().extent;
    BOOST_TEST(roads.min_x == info.min_x);
    BOOST_TEST(roads.min_y == info.min_y);
    BOOST_TEST(roads.max_x == info.max_x);
    BOOST_TEST(roads.max_y == info.max_y);
    // The districts reach 60 m beyond the roads on every side (before the town's turn).
    const gis::Box districts = layer_extent(t.project, Layer::districts);
    BOOST_TEST(districts.min_x < roads.min_x);
    BOOST_TEST(districts.max_y > roads.max_y);
    TempDir dir;
    Project empty = Project::create(dir / "empty.ykm", gis::Epsg{6678});
    BOOST_TEST(layer_extent(empty, Layer::depots).is_empty());
    BOOST_TEST(map_extent(empty).is_empty());
    // The full extent holds every layer; in the demo town the districts and the dump sites
    // beyond them set its edges, so it reaches at least as far as the districts on every side.
    const gis::Box all = map_extent(t.project);
    BOOST_TEST(all.min_x <= districts.min_x);
    BOOST_TEST(all.min_y <= districts.min_y);
    BOOST_TEST(all.max_x >= districts.max_x);
    BOOST_TEST(all.max_y >= districts.max_y);
    const gis::Box dumps = layer_extent(t.project, Layer::dump_sites);
    BOOST_TEST(all.min_x <= dumps.min_x);
    BOOST_TEST(all.max_x >= dumps.max_x);
}

BOOST_AUTO_TEST_SUITE_END()

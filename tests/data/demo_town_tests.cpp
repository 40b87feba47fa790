#include "temp_dir.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <map>
#include <numeric>
#include <set>

using namespace ykm;
using namespace ykm::data;
using ykm::test::TempDir;

BOOST_AUTO_TEST_SUITE(demo_town_tests)

namespace {

double total_length(const gis::RoadNetwork& n) {
    return std::accumulate(n.segments.begin(), n.segments.end(), 0.0,
                           [](double sum, const gis::RoadSegment& s) { return sum + s.length_m; });
}

// Size of the largest set of nodes joined by segments (ignoring direction).
std::size_t largest_component(const gis::RoadNetwork& n) {
    std::vector<std::size_t> parent(n.nodes.size() + 1);
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](std::size_t x) {
        while (parent[x] != x) {
            x = parent[x] = parent[parent[x]];
        }
        return x;
    };
    for (const auto& s : n.segments) {
        parent[find(static_cast<std::size_t>(s.from_node))] =
            find(static_cast<std::size_t>(s.to_node));
    }
    std::map<std::size_t, std::size_t> sizes;
    for (std::size_t i = 1; i <= n.nodes.size(); ++i) {
        ++sizes[find(i)];
    }
    std::size_t best = 0;
    for (const auto& [root, size] : sizes) {
        best = std::max(best, size);
    }
    return best;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_same_seed_gives_the_same_town) {
    const DemoTown a = generate_demo_town(7, TownSize::small);
    const DemoTown b = generate_demo_town(7, TownSize::small);
    BOOST_TEST(a.network.segments.size() == b.network.segments.size());
    BOOST_TEST(total_length(a.network) == total_length(b.network));
    BOOST_TEST(a.network.segments[10].points[0].x == b.network.segments[10].points[0].x);
    const DemoTown c = generate_demo_town(8, TownSize::small);
    BOOST_TEST(total_length(a.network) != total_length(c.network));
}

BOOST_AUTO_TEST_CASE(a_town_has_every_priority_class_one_way_streets_and_dead_ends) {
    const DemoTown town = generate_demo_town(1, TownSize::medium);
    std::map<int, double> km;
    std::size_t oneway = 0;
    std::map<std::int64_t, int> degree;
    for (const auto& s : town.network.segments) {
        km[gis::to_int(s.attributes.priority)] += s.length_m / 1000.0;
        oneway += s.attributes.oneway ? 1 : 0;
        ++degree[s.from_node];
        ++degree[s.to_node];
        BOOST_TEST(!s.attributes.name.empty());
    }
    BOOST_TEST(km[1] > 5.0);
    BOOST_TEST(km[2] > 5.0);
    BOOST_TEST(km[3] > km[1]); // residential streets are most of a town
    BOOST_TEST(km.count(0) == 0U);
    BOOST_TEST(oneway > 10U);
    const auto dead_ends =
        std::count_if(degree.begin(), degree.end(), [](const auto& d) { return d.second == 1; });
    BOOST_TEST(dead_ends > 10);
    BOOST_TEST(largest_component(town.network) >= town.network.nodes.size() * 99 / 100);
}

BOOST_AUTO_TEST_CASE(the_bypass_meets_the_streets_it_crosses_at_grade) {
    const DemoTown town = generate_demo_town(2, TownSize::small);
    std::map<std::int64_t, int> degree;
    std::vector<const gis::RoadSegment*> bypass;
    for (const auto& s : town.network.segments) {
        ++degree[s.from_node];
        ++degree[s.to_node];
        if (s.attributes.source_id == "demo-bypass") {
            bypass.push_back(&s);
        }
    }
    // The bypass is cut at every street it crosses, and every cut is a real intersection:
    // its inner nodes join at least one other street (degree 4, or 3 where a street ends).
    BOOST_TEST(bypass.size() > 10U);
    std::size_t crossings = 0;
    for (const auto* s : bypass) {
        if (degree[s->to_node] >= 3) {
            ++crossings;
        }
    }
    BOOST_TEST(crossings + 1 >= bypass.size());
}

BOOST_AUTO_TEST_CASE(district_counts_grow_with_size_within_four_to_eight) {
    BOOST_TEST(generate_demo_town(1, TownSize::small).districts.size() == 4U);
    BOOST_TEST(generate_demo_town(1, TownSize::medium).districts.size() == 6U);
    BOOST_TEST(generate_demo_town(1, TownSize::large).districts.size() == 8U);
    BOOST_CHECK(parse_town_size("city") == TownSize::city);
    BOOST_CHECK_THROW(parse_town_size("huge"), Error);
}

BOOST_AUTO_TEST_CASE(a_written_town_lies_in_aomori_prefecture_with_every_road_in_a_district) {
    TempDir dir;
    const DemoTown town = generate_demo_town(3, TownSize::small);
    Project project = Project::create(dir / "town.ykm", town.network.crs);
    write_demo_town(project, town);
    const ProjectInfo info = project.info();
    BOOST_TEST(info.crs.code == 6678);
    BOOST_TEST(gis::is_in_japan({info.extent_lonlat.min_x, info.extent_lonlat.min_y}));
    BOOST_TEST(info.extent_lonlat.min_y > 40.3); // Aomori prefecture: 40.2-41.6 N
    BOOST_TEST(info.extent_lonlat.max_y < 41.0);
    BOOST_TEST(info.depot_count >= 2);
    BOOST_TEST(info.dump_site_count >= 2);
    std::int64_t in_districts = 0;
    for (const auto& d : info.districts) {
        BOOST_TEST(d.segment_count > 0);
        in_districts += d.segment_count;
    }
    BOOST_TEST(in_districts == info.segment_count);
    Statement capacity(project.database(), "SELECT min(capacity_m3) FROM dump_sites");
    BOOST_REQUIRE(capacity.step());
    BOOST_TEST(capacity.column_double(0) >= 10000.0);
}

BOOST_AUTO_TEST_SUITE_END()

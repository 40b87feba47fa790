#include "ykm/dispatch/coverage.hpp"

#include "../data/polygon_wkb.hpp"
#include "../data/temp_dir.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <array>
#include <bit>
#include <ostream>

namespace ykm::data {
// Printed by failing checks (inline: other test files may define the same).
inline std::ostream& operator<<(std::ostream& out, WorkType w) {
    return out << key(w);
}
inline std::ostream& operator<<(std::ostream& out, Blade b) {
    return out << "blade " << static_cast<int>(b);
}
} // namespace ykm::data

using namespace ykm;
using data::Blade;
using data::WorkType;
using dispatch::Pass;

namespace {

constexpr gis::Epsg zone_x{6678};

gis::RoadSegment segment(std::int64_t id, std::int64_t from, std::int64_t to, gis::Polyline points,
                         gis::PriorityClass priority, bool oneway) {
    gis::RoadSegment s;
    s.id = id;
    s.from_node = from;
    s.to_node = to;
    s.points = std::move(points);
    s.length_m = gis::planar_length(s.points);
    s.attributes.priority = priority;
    s.attributes.oneway = oneway;
    return s;
}

// A T of three 100 m streets: 1 (west, two-way, class 1) from node 1 to node 2, 2 (east,
// one-way, class 2) from node 2 to node 3, 3 (north, two-way, class 3) from node 2 to node 4.
gis::RoadNetwork tee_network() {
    gis::RoadNetwork n;
    n.crs = zone_x;
    n.nodes = {{1, {0, 0}, ""}, {2, {100, 0}, ""}, {3, {200, 0}, ""}, {4, {100, 100}, ""}};
    n.segments = {segment(1, 1, 2, {{0, 0}, {100, 0}}, gis::PriorityClass::first, false),
                  segment(2, 2, 3, {{100, 0}, {200, 0}}, gis::PriorityClass::second, true),
                  segment(3, 2, 4, {{100, 0}, {100, 100}}, gis::PriorityClass::third, false)};
    return n;
}

gis::EdgeIndex edge_of(const gis::RoadGraph& g, std::int64_t segment_id, bool forward) {
    const auto e = g.find_edge(segment_id, forward);
    BOOST_TEST_REQUIRE(e.has_value());
    return *e;
}

gis::Traversal piece(gis::EdgeIndex edge, double from_m, double to_m, std::int64_t enter_ms,
                     std::int64_t exit_ms, std::uint64_t first_seq, std::uint64_t last_seq) {
    return {edge, from_m, to_m, enter_ms, exit_ms, first_seq, last_seq};
}

data::Fix fix(WorkType work, Blade blade) {
    data::Fix f;
    f.vehicle_id = 7;
    f.work = work;
    f.blade = blade;
    return f;
}

std::vector<data::Fix> fixes_of(std::initializer_list<std::pair<WorkType, Blade>> kinds) {
    std::vector<data::Fix> out;
    for (auto [w, b] : kinds) {
        out.push_back(fix(w, b));
    }
    return out;
}

using test::rectangle_wkb;

// The T in a project, with district 西 holding streets 1 and 3 and 東 holding street 2.
data::Project tee_project(const std::filesystem::path& path) {
    data::Project project = data::Project::create(path, zone_x);
    project.replace_road_network(tee_network());
    const std::vector<data::District> districts{{"西工区", "W", rectangle_wkb(-10, -10, 120, 120)},
                                                {"東工区", "E", rectangle_wkb(120, -10, 210, 120)}};
    project.replace_districts(districts);
    return project;
}

Pass pass(std::int64_t segment_id, bool forward, std::int64_t vehicle, std::int64_t time_ms,
          WorkType work = WorkType::plow, Blade blade = Blade::down) {
    Pass p;
    p.segment_id = segment_id;
    p.forward = forward;
    p.vehicle_id = vehicle;
    p.enter_ms = time_ms - 30'000;
    p.time_ms = time_ms;
    p.work = work;
    p.blade = blade;
    p.fraction = 1.0;
    return p;
}

const dispatch::CoverageRow& row(const std::vector<dispatch::CoverageRow>& rows,
                                 const std::string& key) {
    for (const auto& r : rows) {
        if (r.key == key) {
            return r;
        }
    }
    BOOST_FAIL("no row " + key);
    return rows.front();
}

} // namespace

BOOST_AUTO_TEST_SUITE(coverage_tests)

BOOST_AUTO_TEST_CASE(eighty_percent_of_a_segment_is_a_pass) {
    const gis::RoadGraph g(tee_network());
    const auto fixes = fixes_of({{WorkType::plow, Blade::down}, {WorkType::plow, Blade::down}});
    const std::array traversals{piece(edge_of(g, 1, true), 10.0, 90.0, 1000, 9000, 0, 1)};
    const auto passes = dispatch::passes_from_traversals(g, 7, traversals, fixes, 0, 0.8);
    BOOST_TEST_REQUIRE(passes.size() == 1U);
    BOOST_TEST(passes[0].segment_id == 1);
    BOOST_TEST(passes[0].forward);
    BOOST_TEST(passes[0].vehicle_id == 7);
    BOOST_TEST(passes[0].enter_ms == 1000);
    BOOST_TEST(passes[0].time_ms == 9000);
    BOOST_TEST(passes[0].fraction == 0.8, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(passes[0].work == WorkType::plow);
    BOOST_TEST(passes[0].blade == Blade::down);
}

BOOST_AUTO_TEST_CASE(seventy_nine_percent_is_not_a_pass) {
    const gis::RoadGraph g(tee_network());
    const auto fixes = fixes_of({{WorkType::plow, Blade::down}, {WorkType::plow, Blade::down}});
    const std::array traversals{piece(edge_of(g, 1, true), 10.0, 89.0, 1000, 9000, 0, 1)};
    BOOST_TEST(dispatch::passes_from_traversals(g, 7, traversals, fixes, 0, 0.8).empty());
}

BOOST_AUTO_TEST_CASE(a_piece_of_thirty_percent_is_not_a_pass) {
    const gis::RoadGraph g(tee_network());
    const auto fixes = fixes_of({{WorkType::plow, Blade::down}});
    // 30 m down street 3 to the corner, then the whole of street 1 westwards.
    const std::array traversals{piece(edge_of(g, 3, false), 70.0, 100.0, 0, 3000, 0, 0),
                                piece(edge_of(g, 1, false), 0.0, 100.0, 3000, 13000, 0, 0)};
    const auto passes = dispatch::passes_from_traversals(g, 7, traversals, fixes, 0, 0.8);
    BOOST_TEST_REQUIRE(passes.size() == 1U);
    BOOST_TEST(passes[0].segment_id == 1);
}

BOOST_AUTO_TEST_CASE(pieces_on_one_edge_are_joined) {
    const gis::RoadGraph g(tee_network());
    const auto fixes = fixes_of({{WorkType::plow, Blade::down},
                                 {WorkType::plow, Blade::down},
                                 {WorkType::plow, Blade::down}});
    const gis::EdgeIndex e = edge_of(g, 1, true);
    // Decided in two calls of the matcher, overlapping a little where it jittered back.
    const std::array traversals{piece(e, 0.0, 45.0, 1000, 5000, 0, 1),
                                piece(e, 40.0, 85.0, 5000, 9500, 1, 2)};
    const auto passes = dispatch::passes_from_traversals(g, 7, traversals, fixes, 0, 0.8);
    BOOST_TEST_REQUIRE(passes.size() == 1U);
    BOOST_TEST(passes[0].enter_ms == 1000);
    BOOST_TEST(passes[0].time_ms == 9500);
    BOOST_TEST(passes[0].fraction == 0.85, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(a_u_turn_halfway_passes_neither_direction) {
    const gis::RoadGraph g(tee_network());
    const auto fixes = fixes_of({{WorkType::plow, Blade::down}, {WorkType::plow, Blade::down}});
    const std::array traversals{piece(edge_of(g, 1, true), 0.0, 50.0, 0, 5000, 0, 1),
                                piece(edge_of(g, 1, false), 50.0, 100.0, 5000, 10000, 1, 1)};
    BOOST_TEST(dispatch::passes_from_traversals(g, 7, traversals, fixes, 0, 0.8).empty());
}

BOOST_AUTO_TEST_CASE(a_pass_keeps_its_direction) {
    const gis::RoadGraph g(tee_network());
    const auto fixes = fixes_of({{WorkType::plow, Blade::down}});
    const std::array traversals{piece(edge_of(g, 3, false), 0.0, 100.0, 0, 10000, 0, 0),
                                piece(edge_of(g, 3, true), 0.0, 100.0, 10000, 20000, 0, 0)};
    const auto passes = dispatch::passes_from_traversals(g, 7, traversals, fixes, 0, 0.8);
    BOOST_TEST_REQUIRE(passes.size() == 2U);
    BOOST_TEST(passes[0].segment_id == 3);
    BOOST_TEST(!passes[0].forward);
    BOOST_TEST(passes[1].segment_id == 3);
    BOOST_TEST(passes[1].forward);
}

BOOST_AUTO_TEST_CASE(a_loop_driven_twice_is_two_passes) {
    const gis::RoadGraph g(tee_network());
    const auto fixes = fixes_of({{WorkType::plow, Blade::down}});
    const gis::EdgeIndex e = edge_of(g, 1, true);
    const std::array traversals{piece(e, 0.0, 100.0, 0, 10000, 0, 0),
                                piece(e, 0.0, 100.0, 20000, 30000, 0, 0)};
    const auto passes = dispatch::passes_from_traversals(g, 7, traversals, fixes, 0, 0.8);
    BOOST_TEST_REQUIRE(passes.size() == 2U);
    BOOST_TEST(passes[0].time_ms == 10000);
    BOOST_TEST(passes[1].time_ms == 30000);
}

BOOST_AUTO_TEST_CASE(work_is_the_most_frequent_and_travel_votes_too) {
    const gis::RoadGraph g(tee_network());
    // Sequences 10..14: three travel, two plow; the run names sequences 11..14 only.
    const auto fixes = fixes_of({{WorkType::plow, Blade::down},
                                 {WorkType::travel, Blade::up},
                                 {WorkType::travel, Blade::up},
                                 {WorkType::plow, Blade::down},
                                 {WorkType::travel, Blade::up}});
    const std::array traversals{piece(edge_of(g, 1, true), 0.0, 100.0, 0, 10000, 11, 14)};
    const auto passes = dispatch::passes_from_traversals(g, 7, traversals, fixes, 10, 0.8);
    BOOST_TEST_REQUIRE(passes.size() == 1U);
    BOOST_TEST(passes[0].work == WorkType::travel);
    BOOST_TEST(passes[0].blade == Blade::up);
}

BOOST_AUTO_TEST_CASE(a_tie_in_work_goes_to_the_service_type) {
    const gis::RoadGraph g(tee_network());
    const auto fixes = fixes_of({{WorkType::unknown, Blade::unknown},
                                 {WorkType::grade, Blade::unknown},
                                 {WorkType::travel, Blade::unknown},
                                 {WorkType::grade, Blade::unknown},
                                 {WorkType::unknown, Blade::unknown},
                                 {WorkType::travel, Blade::unknown}});
    const std::array traversals{piece(edge_of(g, 1, true), 0.0, 100.0, 0, 10000, 0, 5)};
    const auto passes = dispatch::passes_from_traversals(g, 7, traversals, fixes, 0, 0.8);
    BOOST_TEST_REQUIRE(passes.size() == 1U);
    BOOST_TEST(passes[0].work == WorkType::grade);
    BOOST_TEST(passes[0].blade == Blade::unknown);
}

BOOST_AUTO_TEST_CASE(the_blade_needs_more_than_half_of_the_fixes) {
    const gis::RoadGraph g(tee_network());
    const auto fixes = fixes_of({{WorkType::unknown, Blade::down},
                                 {WorkType::unknown, Blade::down},
                                 {WorkType::unknown, Blade::up},
                                 {WorkType::unknown, Blade::unknown},
                                 {WorkType::unknown, Blade::down},
                                 {WorkType::unknown, Blade::down}});
    const gis::EdgeIndex e = edge_of(g, 1, true);
    // 2 down of 4 in the first run; 2 down of 3 in the second (fix 3 ends one, starts the other).
    const std::array traversals{piece(e, 0.0, 100.0, 0, 10000, 0, 3),
                                piece(edge_of(g, 3, true), 0.0, 100.0, 10000, 20000, 3, 5)};
    const auto passes = dispatch::passes_from_traversals(g, 7, traversals, fixes, 0, 0.8);
    BOOST_TEST_REQUIRE(passes.size() == 2U);
    BOOST_TEST(passes[0].blade == Blade::unknown);
    BOOST_TEST(passes[0].work == WorkType::unknown);
    BOOST_TEST(passes[1].blade == Blade::down);
}

BOOST_AUTO_TEST_CASE(joined_pieces_count_a_shared_fix_once) {
    const gis::RoadGraph g(tee_network());
    // Fix 1 ends the first piece and starts the second: counted twice, plow would tie and win,
    // and the blade would be 2 up to 2 down.
    const auto fixes = fixes_of({{WorkType::travel, Blade::up},
                                 {WorkType::plow, Blade::down},
                                 {WorkType::travel, Blade::up},
                                 {WorkType::plow, Blade::down}});
    const gis::EdgeIndex e = edge_of(g, 1, true);
    const std::array traversals{piece(e, 0.0, 50.0, 0, 5000, 0, 1),
                                piece(e, 50.0, 100.0, 5000, 10000, 1, 2)};
    const auto passes = dispatch::passes_from_traversals(g, 7, traversals, fixes, 0, 0.8);
    BOOST_TEST_REQUIRE(passes.size() == 1U);
    BOOST_TEST(passes[0].work == WorkType::travel);
    BOOST_TEST(passes[0].blade == Blade::up);
}

BOOST_AUTO_TEST_CASE(builder_holds_a_run_until_the_vehicle_leaves_the_edge) {
    const gis::RoadGraph g(tee_network());
    dispatch::PassBuilder builder(g, 7, 0.8);
    const auto fixes = fixes_of({{WorkType::plow, Blade::down},
                                 {WorkType::plow, Blade::down},
                                 {WorkType::plow, Blade::down},
                                 {WorkType::plow, Blade::down}});
    const gis::EdgeIndex e = edge_of(g, 1, true);
    const std::array first{piece(e, 0.0, 90.0, 0, 9000, 0, 1)};
    BOOST_TEST(builder.add(first, fixes, 0).empty());
    BOOST_TEST(builder.closed_until_ms() == 0);
    // The next call names sequences 2..3 only: the fixes before can be gone.
    const std::array second{piece(e, 90.0, 100.0, 9000, 10000, 2, 2),
                            piece(edge_of(g, 3, true), 0.0, 20.0, 10000, 12000, 2, 3)};
    const auto passes = builder.add(second, std::span<const data::Fix>(fixes).subspan(2), 2);
    BOOST_TEST_REQUIRE(passes.size() == 1U);
    BOOST_TEST(passes[0].fraction == 1.0, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(passes[0].time_ms == 10000);
    BOOST_TEST(builder.closed_until_ms() == 10000);
    BOOST_TEST(builder.needed_sequence() == 2U);
    BOOST_TEST(!builder.finish().has_value()); // 20 % of street 3
    BOOST_TEST(builder.closed_until_ms() == 12000);
}

BOOST_AUTO_TEST_CASE(a_pass_fraction_outside_zero_to_one_is_refused) {
    const gis::RoadGraph g(tee_network());
    BOOST_CHECK_THROW(dispatch::PassBuilder(g, 7, 0.0), Error);
    BOOST_CHECK_THROW(dispatch::PassBuilder(g, 7, 1.5), Error);
}

BOOST_AUTO_TEST_CASE(clears_road_takes_service_work_or_an_unknown_one_with_the_blade_down) {
    BOOST_TEST(dispatch::clears_road(WorkType::plow, Blade::up));
    BOOST_TEST(dispatch::clears_road(WorkType::unknown, Blade::down));
    BOOST_TEST(!dispatch::clears_road(WorkType::unknown, Blade::unknown));
    BOOST_TEST(!dispatch::clears_road(WorkType::travel, Blade::down));
}

BOOST_AUTO_TEST_CASE(store_returns_the_passes_it_was_given) {
    test::TempDir dir;
    data::Project project = tee_project(dir / "t.ykm");
    dispatch::CoverageStore store(project.database());
    Pass a = pass(1, false, 7, 60'000, WorkType::spread, Blade::up);
    a.fraction = 0.875;
    const std::array passes{a, pass(2, true, 8, 120'000)};
    store.add(passes);
    const auto back = store.passes(0, 200'000);
    BOOST_TEST_REQUIRE(back.size() == 2U);
    BOOST_TEST((back[0] == a));
    BOOST_TEST((back[1] == passes[1]));
    BOOST_TEST(store.passes(60'001, 200'000).size() == 1U);
}

BOOST_AUTO_TEST_CASE(replace_touches_only_one_vehicle_in_its_window) {
    test::TempDir dir;
    data::Project project = tee_project(dir / "t.ykm");
    dispatch::CoverageStore store(project.database());
    const std::array before{pass(1, true, 7, 10'000), pass(1, true, 7, 50'000),
                            pass(3, true, 7, 90'000), pass(1, true, 8, 50'000)};
    store.add(before);
    const std::array rebuilt{pass(2, true, 7, 40'000), pass(3, false, 7, 60'000)};
    store.replace(7, 20'000, 80'000, rebuilt);
    const auto after = store.passes(0, 100'000);
    BOOST_TEST_REQUIRE(after.size() == 5U);
    BOOST_TEST(after[0].time_ms == 10'000);
    BOOST_TEST(after[1].segment_id == 2);
    BOOST_TEST(after[2].vehicle_id == 8);
    BOOST_TEST(after[3].segment_id == 3);
    BOOST_TEST(!after[3].forward);
    BOOST_TEST(after[4].time_ms == 90'000);
}

BOOST_AUTO_TEST_CASE(state_aggregates_each_direction) {
    test::TempDir dir;
    data::Project project = tee_project(dir / "t.ykm");
    dispatch::CoverageStore store(project.database());
    const std::array passes{pass(1, true, 7, 10'000, WorkType::plow, Blade::down),
                            pass(1, true, 8, 30'000, WorkType::travel, Blade::up),
                            pass(1, true, 8, 20'000, WorkType::unknown, Blade::down),
                            pass(1, false, 7, 40'000, WorkType::travel, Blade::unknown),
                            pass(3, true, 7, 500'000, WorkType::plow, Blade::down)};
    store.add(passes);
    const auto state = store.state(0, 100'000);
    BOOST_TEST_REQUIRE(state.size() == 2U);
    BOOST_TEST(state[0].segment_id == 1);
    BOOST_TEST(state[0].forward);
    BOOST_TEST(state[0].pass_count == 3);
    BOOST_TEST(state[0].service_pass_count == 2);
    BOOST_TEST(state[0].last_pass_ms == 30'000);
    BOOST_TEST(state[0].last_work == WorkType::travel);
    BOOST_TEST(state[0].last_blade == Blade::up);
    BOOST_TEST(!state[1].forward);
    BOOST_TEST(state[1].pass_count == 1);
    BOOST_TEST(state[1].service_pass_count == 0);
    BOOST_TEST(store.state(15'000, 35'000).at(0).pass_count == 2);
}

BOOST_AUTO_TEST_CASE(summary_counts_required_directions_by_class_and_district) {
    test::TempDir dir;
    data::Project project = tee_project(dir / "t.ykm");
    dispatch::CoverageStore store(project.database());
    const std::array passes{
        pass(1, true, 7, 10'000),                                // done
        pass(1, false, 7, 20'000, WorkType::travel),             // travel: not done
        pass(2, true, 7, 30'000, WorkType::unknown),             // blade down: done
        pass(3, false, 7, 40'000, WorkType::unknown, Blade::up), // not done
        pass(3, true, 7, 900'000),                               // after the window
    };
    store.add(passes);
    const auto s = dispatch::summarize_coverage(project, 0, 100'000);
    BOOST_TEST(s.since_ms == 0);
    BOOST_TEST(s.until_ms == 100'000);
    BOOST_TEST_REQUIRE(s.by_priority.size() == 4U);
    const auto& first = row(s.by_priority, "1");
    BOOST_TEST(first.name == "第1種");
    BOOST_TEST(first.required_km == 0.2, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(first.done_km == 0.1, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(first.percent() == 50.0, boost::test_tools::tolerance(1e-9));
    const auto& second = row(s.by_priority, "2");
    BOOST_TEST(second.required_km == 0.1, boost::test_tools::tolerance(1e-9)); // one-way
    BOOST_TEST(second.percent() == 100.0, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(row(s.by_priority, "3").done_km == 0.0);
    BOOST_TEST(row(s.by_priority, "none").required_km == 0.0);
    BOOST_TEST(row(s.by_priority, "none").name == "なし");
    BOOST_TEST_REQUIRE(s.by_district.size() == 2U);
    BOOST_TEST(s.by_district[0].name == "西工区");
    BOOST_TEST(s.by_district[0].required_km == 0.4, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(s.by_district[0].done_km == 0.1, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(s.by_district[1].name == "東工区");
    BOOST_TEST(s.by_district[1].percent() == 100.0, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(s.total.key == "total");
    BOOST_TEST(s.total.required_km == 0.5, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(s.total.done_km == 0.2, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(s.total.percent() == 40.0, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(rebuild_matches_the_season_log_and_replaces_the_window) {
    test::TempDir dir;
    data::Project project = tee_project(dir / "t.ykm");
    const gis::RoadGraph graph(project.load_road_network());
    // A plow drives street 1 west to east, then street 3 south to north, a fix a second; one
    // wild fix flagged as a speed jump is left out.
    gis::CoordinateTransform to_lonlat(zone_x, gis::wgs84);
    std::vector<data::Fix> fixes;
    const std::int64_t t0 = 1'700'000'000'000;
    auto add = [&](gis::XY p, std::int64_t t, std::uint8_t flags = 0) {
        const gis::XY ll = to_lonlat.forward(p);
        data::Fix f;
        f.vehicle_id = 7;
        f.time_ms = t;
        f.position = {ll.x, ll.y};
        f.work = WorkType::plow;
        f.blade = Blade::down;
        f.flags = flags;
        fixes.push_back(f);
    };
    for (int i = 0; i <= 20; ++i) {
        add({5.0 * i, 2.0}, t0 + i * 1000);
    }
    add({600.0, 600.0}, t0 + 20'500, data::fix_flags::speed_jump);
    for (int i = 1; i <= 19; ++i) {
        add({102.0, 5.0 * i}, t0 + 20'000 + i * 1000);
    }
    data::SeasonLog(project.database()).append(fixes);
    dispatch::CoverageStore store(project.database());
    const std::array stale{pass(2, true, 7, t0 + 10'000), pass(2, true, 7, t0 + 3'600'000)};
    store.add(stale);

    const auto passes = dispatch::rebuild_coverage(project, graph, 7, t0, t0 + 600'000, {}, 0.8);
    BOOST_TEST_REQUIRE(passes.size() == 2U);
    BOOST_TEST(passes[0].segment_id == 1);
    BOOST_TEST(passes[0].forward);
    BOOST_TEST(passes[0].work == WorkType::plow);
    BOOST_TEST(passes[1].segment_id == 3);
    BOOST_TEST(passes[1].forward);
    BOOST_TEST(passes[1].fraction >= 0.85);
    const auto stored = store.passes(t0, t0 + 7'200'000);
    BOOST_TEST_REQUIRE(stored.size() == 3U);
    BOOST_TEST(stored[0].segment_id == 1);
    BOOST_TEST(stored[1].segment_id == 3);
    BOOST_TEST(stored[2].time_ms == t0 + 3'600'000); // outside the window: kept
}

BOOST_AUTO_TEST_CASE(rebuild_all_covers_every_logged_vehicle) {
    test::TempDir dir;
    data::Project project = tee_project(dir / "t.ykm");
    BOOST_TEST(dispatch::rebuild_all_coverage(project, std::nullopt, std::nullopt).vehicles == 0U);
    gis::CoordinateTransform to_lonlat(zone_x, gis::wgs84);
    std::vector<data::Fix> fixes;
    const std::int64_t t0 = 1'700'000'000'000;
    for (std::int64_t vehicle : {3, 4}) {
        for (int i = 0; i <= 20; ++i) {
            const gis::XY ll = to_lonlat.forward(gis::XY{5.0 * i, 1.0});
            data::Fix f;
            f.vehicle_id = vehicle;
            f.time_ms = t0 + vehicle * 100'000 + i * 1000;
            f.position = {ll.x, ll.y};
            f.work = WorkType::plow;
            fixes.push_back(f);
        }
    }
    data::SeasonLog(project.database()).append(fixes);
    const auto done = dispatch::rebuild_all_coverage(project, std::nullopt, std::nullopt);
    BOOST_TEST(done.vehicles == 2U);
    BOOST_TEST(done.passes == 2U);
    BOOST_TEST(done.from_ms == t0 + 300'000);
    BOOST_TEST(done.to_ms == t0 + 420'001);
    BOOST_TEST(dispatch::CoverageStore(project.database()).passes(0, t0 * 2).size() == 2U);
}

BOOST_AUTO_TEST_SUITE_END()

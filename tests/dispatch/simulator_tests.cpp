#include "ykm/dispatch/simulator.hpp"

#include "../data/temp_dir.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace ykm;
using dispatch::DeviceFix;
using dispatch::PlowSimulator;
using dispatch::SimulationOptions;
using dispatch::TruthPiece;

BOOST_AUTO_TEST_SUITE(simulator_tests)

namespace {

constexpr std::int64_t start_ms = 1'700'000'000'000;

// A small demo town (4 districts, 2 depots) in a temporary project.
struct Town {
    test::TempDir dir;
    data::Project project;
    gis::RoadGraph graph;
    Town()
        : project(data::Project::create(dir / "town.ykm", gis::Epsg{6678})),
          graph(make_graph(project)) {}
    static gis::RoadGraph make_graph(data::Project& p) {
        data::write_demo_town(p, data::generate_demo_town(3, data::TownSize::small));
        return gis::RoadGraph(p.load_road_network());
    }
    std::map<std::int64_t, std::int64_t> segment_districts() {
        std::map<std::int64_t, std::int64_t> out;
        data::Statement q(
            project.database(),
            "SELECT id, district_id FROM road_segments WHERE district_id IS NOT NULL");
        while (q.step()) {
            out[q.column_int64(0)] = q.column_int64(1);
        }
        return out;
    }
};

Town& town() {
    static Town t;
    return t;
}

SimulationOptions options(std::size_t vehicles, double interval_s, double noise_m,
                          std::uint64_t seed = 1) {
    SimulationOptions o;
    o.vehicles = vehicles;
    o.interval_s = interval_s;
    o.noise_m = noise_m;
    o.seed = seed;
    o.start_ms = start_ms;
    return o;
}

bool same_fix(const DeviceFix& a, const DeviceFix& b) {
    return a.device_id == b.device_id && a.fix == b.fix;
}

std::map<std::string, std::vector<TruthPiece>> by_device(const std::vector<TruthPiece>& truth) {
    std::map<std::string, std::vector<TruthPiece>> out;
    for (const TruthPiece& p : truth) {
        out[p.device_id].push_back(p);
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_same_seed_gives_the_same_run) {
    PlowSimulator a(town().project, town().graph, options(6, 5.0, 10.0, 42));
    PlowSimulator b(town().project, town().graph, options(6, 5.0, 10.0, 42));
    PlowSimulator c(town().project, town().graph, options(6, 5.0, 10.0, 43));
    const auto fa = a.advance(start_ms + 1'800'000);
    const auto fb = b.advance(start_ms + 1'800'000);
    const auto fc = c.advance(start_ms + 1'800'000);
    BOOST_REQUIRE_EQUAL(fa.size(), fb.size());
    for (std::size_t i = 0; i < fa.size(); ++i) {
        BOOST_REQUIRE(same_fix(fa[i], fb[i]));
    }
    BOOST_TEST(a.truth().size() == b.truth().size());
    bool differs = fa.size() != fc.size();
    for (std::size_t i = 0; !differs && i < fa.size(); ++i) {
        differs = !same_fix(fa[i], fc[i]);
    }
    BOOST_TEST(differs);
}

BOOST_AUTO_TEST_CASE(cutting_the_time_into_steps_changes_nothing) {
    PlowSimulator whole(town().project, town().graph, options(8, 3.0, 10.0));
    PlowSimulator steps(town().project, town().graph, options(8, 3.0, 10.0));
    const auto all = whole.advance(start_ms + 1'200'000);
    std::vector<DeviceFix> pieces;
    for (std::int64_t t = start_ms + 7'777; t < start_ms + 1'200'000; t += 7'777) {
        for (DeviceFix& f : steps.advance(t)) {
            pieces.push_back(std::move(f));
        }
    }
    for (DeviceFix& f : steps.advance(start_ms + 1'200'000)) {
        pieces.push_back(std::move(f));
    }
    BOOST_REQUIRE_EQUAL(all.size(), pieces.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        BOOST_REQUIRE(same_fix(all[i], pieces[i]));
    }
    BOOST_REQUIRE_EQUAL(whole.truth().size(), steps.truth().size());
    for (std::size_t i = 0; i < whole.truth().size(); ++i) {
        BOOST_TEST(whole.truth()[i].segment_id == steps.truth()[i].segment_id);
        BOOST_TEST(whole.truth()[i].exit_ms == steps.truth()[i].exit_ms);
    }
}

BOOST_AUTO_TEST_CASE(fixes_come_every_interval_in_time_order) {
    PlowSimulator sim(town().project, town().graph, options(5, 5.0, 10.0));
    const auto fixes = sim.advance(start_ms + 600'000);
    // 5 vehicles, 120 fixes each in 10 minutes.
    BOOST_TEST(fixes.size() == 600U);
    std::map<std::string, std::vector<std::int64_t>> times;
    for (std::size_t i = 0; i < fixes.size(); ++i) {
        if (i > 0) {
            BOOST_TEST(fixes[i].fix.time_ms >= fixes[i - 1].fix.time_ms);
        }
        times[fixes[i].device_id].push_back(fixes[i].fix.time_ms);
    }
    BOOST_TEST(times.size() == 5U);
    for (const auto& [device, t] : times) {
        BOOST_TEST(t.front() >= start_ms);
        BOOST_TEST(t.front() < start_ms + 5000);
        for (std::size_t i = 1; i < t.size(); ++i) {
            BOOST_TEST(t[i] - t[i - 1] == 5000);
        }
    }
    const auto ids = sim.device_ids();
    BOOST_TEST(
        ids == (std::vector<std::string>{"sim-001", "sim-002", "sim-003", "sim-004", "sim-005"}),
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(position_noise_has_the_requested_spread) {
    // The same seed draws the same numbers, so a noise-free twin run gives the true positions.
    PlowSimulator noisy(town().project, town().graph, options(10, 2.0, 10.0, 9));
    PlowSimulator exact(town().project, town().graph, options(10, 2.0, 0.0, 9));
    const auto a = noisy.advance(start_ms + 1'200'000);
    const auto b = exact.advance(start_ms + 1'200'000);
    BOOST_REQUIRE_EQUAL(a.size(), b.size());
    BOOST_REQUIRE_EQUAL(a.size(), 6000U);
    gis::CoordinateTransform to_project(gis::wgs84, gis::Epsg{6678});
    double sum_x = 0, sum_y = 0, sum_xx = 0, sum_yy = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const gis::XY p =
            to_project.forward({a[i].fix.position.lon_deg, a[i].fix.position.lat_deg});
        const gis::XY q =
            to_project.forward({b[i].fix.position.lon_deg, b[i].fix.position.lat_deg});
        sum_x += p.x - q.x;
        sum_y += p.y - q.y;
        sum_xx += (p.x - q.x) * (p.x - q.x);
        sum_yy += (p.y - q.y) * (p.y - q.y);
        BOOST_TEST(*a[i].fix.accuracy_m == 10.0);
    }
    const auto n = static_cast<double>(a.size());
    // Standard error of a mean of 6000 draws of sigma 10 m: 0.13 m; of the spread: 0.09 m.
    BOOST_TEST(std::abs(sum_x / n) < 0.5);
    BOOST_TEST(std::abs(sum_y / n) < 0.5);
    BOOST_TEST(std::sqrt(sum_xx / n) == 10.0, boost::test_tools::tolerance(0.04));
    BOOST_TEST(std::sqrt(sum_yy / n) == 10.0, boost::test_tools::tolerance(0.04));
}

BOOST_AUTO_TEST_CASE(dropout_loses_about_that_share_of_fixes) {
    SimulationOptions o = options(10, 2.0, 5.0);
    o.dropout = 0.2;
    PlowSimulator sim(town().project, town().graph, o);
    const auto fixes = sim.advance(start_ms + 1'200'000);
    // 6,000 fixes sent, about 1,200 lost (standard deviation 31).
    BOOST_TEST(fixes.size() > 4700U);
    BOOST_TEST(fixes.size() < 4900U);
}

BOOST_AUTO_TEST_CASE(truth_pieces_join_up_on_the_graph) {
    PlowSimulator sim(town().project, town().graph, options(8, 5.0, 10.0));
    sim.advance(start_ms + 3'600'000);
    const gis::RoadGraph& g = town().graph;
    std::size_t pieces = 0;
    std::size_t partial = 0;
    for (const auto& [device, truth] : by_device(sim.truth())) {
        BOOST_REQUIRE(truth.size() > 100U);
        for (std::size_t i = 0; i < truth.size(); ++i) {
            const auto e = g.find_edge(truth[i].segment_id, truth[i].forward);
            BOOST_REQUIRE(e.has_value()); // one-way streets only in their direction
            BOOST_TEST(truth[i].exit_ms >= truth[i].enter_ms);
            if (i + 1 < truth.size()) {
                BOOST_TEST(truth[i].length_m == g.edge(*e).length_m);
                const auto next = g.find_edge(truth[i + 1].segment_id, truth[i + 1].forward);
                BOOST_REQUIRE(next.has_value());
                BOOST_TEST(g.edge(*e).to == g.edge(*next).from);
                BOOST_TEST(truth[i + 1].enter_ms >= truth[i].exit_ms);
            } else if (truth[i].exit_ms == start_ms + 3'600'000) {
                // The piece being driven at the end is partial.
                BOOST_TEST(truth[i].length_m <= g.edge(*e).length_m);
                ++partial;
            } else {
                // Or the vehicle stands at a node.
                BOOST_TEST(truth[i].length_m == g.edge(*e).length_m);
                BOOST_TEST(truth[i].exit_ms < start_ms + 3'600'000);
            }
            ++pieces;
        }
    }
    BOOST_TEST(pieces == sim.truth().size());
    BOOST_TEST(partial >= 5U); // of 8 vehicles, most are on the move at any time
}

BOOST_AUTO_TEST_CASE(one_way_streets_are_driven_only_their_way) {
    const gis::RoadNetwork network = town().project.load_road_network();
    std::set<std::int64_t> one_way;
    for (const gis::RoadSegment& s : network.segments) {
        if (s.attributes.oneway) {
            one_way.insert(s.id);
        }
    }
    BOOST_REQUIRE(one_way.size() > 20U);
    PlowSimulator sim(town().project, town().graph, options(8, 5.0, 10.0));
    sim.advance(start_ms + 3'600'000);
    std::size_t driven = 0;
    for (const TruthPiece& p : sim.truth()) {
        if (one_way.contains(p.segment_id)) {
            BOOST_TEST(p.forward);
            ++driven;
        }
    }
    BOOST_TEST(driven > 20U);
}

BOOST_AUTO_TEST_CASE(plows_serve_only_their_district_highest_priority_first) {
    const auto districts = town().segment_districts();
    PlowSimulator sim(town().project, town().graph, options(8, 5.0, 10.0));
    sim.advance(start_ms + 900'000);
    const auto ids = sim.device_ids();
    const auto vehicle_districts = sim.district_ids();
    // 4 districts, given in turn.
    BOOST_REQUIRE_EQUAL(vehicle_districts.size(), 8U);
    BOOST_TEST(vehicle_districts[0].value() == 1);
    BOOST_TEST(vehicle_districts[3].value() == 4);
    BOOST_TEST(vehicle_districts[4].value() == 1);
    std::map<std::string, std::int64_t> district_of;
    for (std::size_t k = 0; k < ids.size(); ++k) {
        district_of[ids[k]] = vehicle_districts[k].value();
    }
    const gis::RoadGraph& g = town().graph;
    std::size_t served = 0;
    for (const auto& [device, truth] : by_device(sim.truth())) {
        int level = 1;
        for (const TruthPiece& p : truth) {
            if (p.work != data::WorkType::plow) {
                BOOST_TEST(static_cast<int>(p.work) == static_cast<int>(data::WorkType::travel));
                continue;
            }
            ++served;
            BOOST_TEST(districts.at(p.segment_id) == district_of.at(device));
            const int priority =
                gis::to_int(g.edge(*g.find_edge(p.segment_id, p.forward)).priority);
            BOOST_TEST(priority >= level);
            level = priority;
        }
    }
    BOOST_TEST(served > 100U);
}

BOOST_AUTO_TEST_CASE(fixes_carry_speed_bearing_work_and_blade) {
    SimulationOptions o = options(4, 5.0, 8.0);
    PlowSimulator sim(town().project, town().graph, o);
    const auto fixes = sim.advance(start_ms + 1'800'000);
    std::size_t plowing = 0;
    std::size_t travelling = 0;
    for (const DeviceFix& f : fixes) {
        BOOST_TEST(f.fix.vehicle_id == 0);
        BOOST_TEST(f.fix.bearing_deg.value() >= 0.0);
        BOOST_TEST(f.fix.bearing_deg.value() < 360.0);
        // Reported speeds carry an error of 0.2 m/s; standing vehicles report almost none.
        const double speed = f.fix.speed_mps.value();
        const bool plowing_now = f.fix.work == data::WorkType::plow;
        const double base = plowing_now ? o.service_speed_mps : o.travel_speed_mps;
        BOOST_TEST((speed < 1.0 || (speed >= 0.8 * base - 1.0 && speed <= 1.2 * base + 1.0)));
        if (plowing_now) {
            ++plowing;
            BOOST_TEST((f.fix.blade == data::Blade::down));
        } else {
            ++travelling;
            BOOST_TEST((f.fix.work == data::WorkType::travel));
            BOOST_TEST((f.fix.blade == data::Blade::up));
        }
    }
    BOOST_TEST(plowing > 100U);
    BOOST_TEST(travelling > 10U);
}

BOOST_AUTO_TEST_CASE(fleet_vehicles_with_devices_come_first_in_their_districts) {
    test::TempDir dir;
    data::Project project = data::Project::create(dir / "fleet.ykm", gis::Epsg{6678});
    data::write_demo_town(project, data::generate_demo_town(3, data::TownSize::small));
    project.database().exec(
        "INSERT INTO contractors (id, code, name) VALUES (1, 'C1', '雪道建設');"
        "INSERT INTO vehicles (code, machine_type, plow_width_m, contractor_id, device_id, "
        "district_id) VALUES ('V1', 'dozer', 3.0, 1, 'sim-002', 3), "
        "('V2', 'grader', 3.7, 1, NULL, 2), ('V3', 'dozer', 3.0, 1, 'imei-77', NULL)");
    const gis::RoadGraph graph(project.load_road_network());
    PlowSimulator sim(project, graph, options(4, 5.0, 10.0));
    BOOST_TEST(sim.device_ids() ==
                   (std::vector<std::string>{"sim-002", "imei-77", "sim-001", "sim-003"}),
               boost::test_tools::per_element());
    const auto districts = sim.district_ids();
    BOOST_TEST(districts[0].value() == 3);
    BOOST_TEST(districts[1].value() == 1);
    BOOST_TEST(districts[2].value() == 2);
    BOOST_TEST(districts[3].value() == 3);
}

BOOST_AUTO_TEST_CASE(a_project_without_districts_is_served_as_one) {
    test::TempDir dir;
    data::Project project = data::Project::create(dir / "plain.ykm", gis::Epsg{6678});
    data::DemoTown t = data::generate_demo_town(5, data::TownSize::small);
    project.replace_road_network(t.network);
    const gis::RoadGraph graph(project.load_road_network());
    PlowSimulator sim(project, graph, options(3, 5.0, 10.0));
    BOOST_TEST(!sim.district_ids()[0].has_value());
    BOOST_TEST(sim.advance(start_ms + 60'000).size() == 36U);
}

BOOST_AUTO_TEST_CASE(bad_options_and_empty_networks_are_errors) {
    BOOST_CHECK_THROW(PlowSimulator(town().project, town().graph, options(0, 5.0, 10.0)), Error);
    BOOST_CHECK_THROW(PlowSimulator(town().project, town().graph, options(3, 0.0, 10.0)), Error);
    BOOST_CHECK_THROW(PlowSimulator(town().project, town().graph, options(3, 5.0, -1.0)), Error);
    test::TempDir dir;
    data::Project empty = data::Project::create(dir / "empty.ykm", gis::Epsg{6678});
    const gis::RoadGraph graph(empty.load_road_network());
    try {
        PlowSimulator sim(empty, graph, options(3, 5.0, 10.0));
        BOOST_ERROR("no error");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find("empty.ykm: the project has no roads") !=
                   std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()

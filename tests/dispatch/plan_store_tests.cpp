#include "ykm/dispatch/plan_store.hpp"

#include "../data/error_message.hpp"
#include "../data/temp_dir.hpp"
#include "plan_checker.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <atomic>
#include <cmath>
#include <map>
#include <set>

using namespace ykm;
using test::message_of;

namespace {

// A small generated town with three road plows and a sidewalk machine in district 1.
struct TownProject {
    test::TempDir dir;
    std::filesystem::path path = dir / "town.ykm";
    data::DemoTown town = data::generate_demo_town(3, data::TownSize::small);

    TownProject() {
        data::Project p = data::Project::create(path, town.network.crs);
        data::write_demo_town(p, town);
        dispatch::Fleet fleet(p);
        dispatch::Contractor c;
        c.code = "C1";
        c.name = "雪国建設";
        const std::int64_t contractor = fleet.save(c);
        const std::array<std::pair<const char*, dispatch::MachineType>, 4> machines{{
            {"T-1", dispatch::MachineType::plow_truck},
            {"T-2", dispatch::MachineType::plow_truck},
            {"G-1", dispatch::MachineType::motor_grader},
            {"S-1", dispatch::MachineType::small_machine},
        }};
        for (const auto& [code, type] : machines) {
            dispatch::Vehicle v;
            v.code = code;
            v.type = type;
            v.plow_width_m = type == dispatch::MachineType::small_machine ? 1.2 : 3.5;
            v.contractor_id = contractor;
            v.district_id = 1;
            fleet.save(v);
        }
    }

    [[nodiscard]] static dispatch::PlanRequest request() {
        dispatch::PlanRequest r;
        r.district = "1";
        r.start_ms = 1'700'000'000'000;
        r.deadlines_ms[1] = r.start_ms + 3'600'000;
        return r;
    }
};

dispatch::PlanSearchOptions quick() {
    dispatch::PlanSearchOptions o;
    o.rounds = 10;
    return o;
}

} // namespace

BOOST_AUTO_TEST_SUITE(plan_store_tests)

BOOST_AUTO_TEST_CASE(builds_the_problem_from_the_district_its_fleet_and_depot) {
    TownProject t;
    data::Project p = data::Project::open(t.path);
    const auto setup = dispatch::PlanSetup::load(p, TownProject::request());
    const auto& problem = setup->problem();
    // The sidewalk machine is left out unless named.
    BOOST_TEST_REQUIRE(problem.vehicles().size() == 3U);
    for (const auto& v : problem.vehicles()) {
        BOOST_TEST(v.code != "S-1");
        BOOST_TEST(v.depot_id > 0);
        BOOST_TEST(v.shift_s == 8 * 3600.0);
    }
    // Every task is a direction of a district-1 road of class 1-3.
    data::Statement q(p.database(), "SELECT count(*) FROM road_segments WHERE district_id = 1 AND "
                                    "priority IS NOT NULL");
    q.step();
    std::set<std::int64_t> segments;
    for (const auto& task : problem.tasks()) {
        segments.insert(task.segment_id);
    }
    // All but the directions no plow can reach: this town has a one-way cul-de-sac (219).
    for (const auto& [segment, forward] : problem.unreachable()) {
        segments.insert(segment);
    }
    BOOST_TEST(static_cast<std::int64_t>(segments.size()) == q.column_int64(0));
    BOOST_TEST_REQUIRE(problem.unreachable().size() == 1U);
    BOOST_TEST(problem.unreachable()[0].first == 219);

    dispatch::PlanRequest named = TownProject::request();
    named.vehicles = {"S-1", "T-1"};
    const auto with_small = dispatch::PlanSetup::load(p, named);
    BOOST_TEST(with_small->problem().vehicles().size() == 2U);
    BOOST_TEST(with_small->problem().pass_width_m() == 1.2);
    BOOST_TEST(with_small->problem().tasks().size() > problem.tasks().size());
}

BOOST_AUTO_TEST_CASE(plans_every_district_of_a_town_to_the_checker) {
    TownProject t;
    data::Project p = data::Project::open(t.path);
    for (std::size_t d = 1; d <= t.town.districts.size(); ++d) {
        dispatch::PlanRequest r = TownProject::request();
        r.district = std::to_string(d);
        r.vehicles = {"T-1", "T-2", "G-1"};
        const auto setup = dispatch::PlanSetup::load(p, r, 2);
        const auto outcome = dispatch::solve_plan(setup->problem(), quick());
        BOOST_TEST(test::check_plan(setup->problem(), outcome.routes) ==
                   setup->problem().tasks().size());
        BOOST_TEST(outcome.evaluation.unserved == 0U);
    }
}

BOOST_AUTO_TEST_CASE(starts_each_plow_at_its_home_depot_unless_one_is_named) {
    TownProject t;
    data::Project p = data::Project::open(t.path);
    BOOST_TEST_REQUIRE(t.town.depots.size() >= 2U);
    dispatch::Fleet fleet(p);
    auto truck = *fleet.vehicle_by_code("T-2");
    truck.depot_id = 2;
    truck.shift_h = 6.0;
    fleet.save(truck);
    const auto setup = dispatch::PlanSetup::load(p, TownProject::request());
    std::map<std::string, dispatch::PlanVehicle> by_code;
    for (const auto& v : setup->problem().vehicles()) {
        by_code[v.code] = v;
    }
    BOOST_TEST(by_code["T-2"].depot_id == 2);
    BOOST_TEST(by_code["T-2"].shift_s == 6 * 3600.0);
    BOOST_TEST(by_code["T-1"].shift_s == 8 * 3600.0);
    BOOST_TEST(by_code["T-1"].depot_node != by_code["T-2"].depot_node);
    const auto outcome = dispatch::solve_plan(setup->problem(), quick());
    test::check_plan(setup->problem(), outcome.routes);

    dispatch::PlanRequest all_from_one = TownProject::request();
    all_from_one.depot = "1";
    all_from_one.shift_h = 10.0;
    const auto named = dispatch::PlanSetup::load(p, all_from_one);
    for (const auto& v : named->problem().vehicles()) {
        BOOST_TEST(v.depot_id == 1);
        BOOST_TEST(v.shift_s == 10 * 3600.0);
    }
}

BOOST_AUTO_TEST_CASE(stops_building_when_cancelled) {
    TownProject t;
    data::Project p = data::Project::open(t.path);
    std::atomic<bool> cancel{true};
    dispatch::PlanBuildControl control;
    control.cancel = &cancel;
    BOOST_CHECK_THROW((void)dispatch::PlanSetup::load(p, TownProject::request(), 2, control),
                      dispatch::PlanCancelled);
    std::vector<double> seen;
    cancel = false;
    control.progress = [&](double f) { seen.push_back(f); };
    (void)dispatch::PlanSetup::load(p, TownProject::request(), 1, control);
    BOOST_TEST_REQUIRE(!seen.empty());
    BOOST_TEST(std::ranges::is_sorted(seen));
    BOOST_TEST(seen.back() < 1.0);
}

BOOST_AUTO_TEST_CASE(reads_turnaround_nodes_from_the_project) {
    TownProject t;
    data::Project p = data::Project::open(t.path);
    p.database().exec("UPDATE road_nodes SET turnaround = 1 WHERE id IN (5, 9)");
    const auto setup = dispatch::PlanSetup::load(p, TownProject::request());
    const auto& nodes = setup->problem().input().turnaround_nodes;
    BOOST_TEST_REQUIRE(nodes.size() == 2U);
    BOOST_TEST(setup->network().nodes[nodes[0]].id == 5);
    BOOST_TEST(setup->network().nodes[nodes[1]].id == 9);
}

BOOST_AUTO_TEST_CASE(stores_a_plan_and_reads_it_back) {
    TownProject t;
    data::Project p = data::Project::open(t.path);
    const auto setup = dispatch::PlanSetup::load(p, TownProject::request());
    const auto outcome = dispatch::solve_plan(setup->problem(), quick());
    const std::int64_t id = dispatch::save_plan(p, *setup, outcome.routes, 1);
    const dispatch::StoredPlan plan = dispatch::load_plan(p, id);
    BOOST_TEST(plan.start_ms == 1'700'000'000'000);
    BOOST_TEST(plan.request.deadlines_ms.at(1) == 1'700'003'600'000);
    BOOST_TEST(plan.district_id == 1);
    BOOST_TEST((plan.unreachable == setup->problem().unreachable()));
    BOOST_TEST_REQUIRE(plan.routes.size() == 3U);
    BOOST_TEST(plan.routes[0].vehicle_code == setup->problem().vehicles()[0].code);
    BOOST_TEST(std::abs(plan.evaluation.makespan_s - outcome.evaluation.makespan_s) < 1e-6);
    BOOST_TEST(*plan.evaluation.class_finish_s[1] == *outcome.evaluation.class_finish_s[1]);
    // The services come back as the same tasks in the same order.
    BOOST_TEST((dispatch::routes_of(*setup, plan) == outcome.routes));
    for (std::size_t v = 0; v < plan.routes.size(); ++v) {
        const auto steps = dispatch::expand_route(setup->problem(), v, outcome.routes.tasks[v]);
        BOOST_TEST(plan.routes[v].steps.size() == steps.size());
        BOOST_TEST(plan.routes[v].services.size() == outcome.routes.tasks[v].size());
    }
    // The steps are a geometry layer with one line per driven step.
    data::Statement lines(p.database(), "SELECT count(*), sum(GLength(geom) > 0) FROM plan_steps "
                                        "WHERE plan_id = ? AND kind != 'site'");
    lines.bind(1, id);
    lines.step();
    BOOST_TEST(lines.column_int64(0) == lines.column_int64(1));
    BOOST_TEST(lines.column_int64(0) > 0);

    const auto listing = dispatch::list_plans(p);
    BOOST_TEST_REQUIRE(listing.size() == 1U);
    BOOST_TEST(listing[0].id == id);
    BOOST_TEST(listing[0].vehicles == 3U);
    BOOST_TEST(listing[0].district == t.town.districts[0].name);
}

BOOST_AUTO_TEST_CASE(replaces_edited_routes_and_removes_plans) {
    TownProject t;
    data::Project p = data::Project::open(t.path);
    const auto setup = dispatch::PlanSetup::load(p, TownProject::request());
    const auto outcome = dispatch::solve_plan(setup->problem(), quick());
    const std::int64_t id = dispatch::save_plan(p, *setup, outcome.routes, 1);
    dispatch::PlanRoutes edited = outcome.routes;
    edited.tasks[1].push_back(edited.tasks[0].back());
    edited.tasks[0].pop_back();
    dispatch::update_plan(p, id, *setup, edited);
    const auto plan = dispatch::load_plan(p, id);
    BOOST_TEST((dispatch::routes_of(*setup, plan) == edited));
    BOOST_TEST(plan.evaluation.makespan_s ==
               dispatch::evaluate(setup->problem(), edited).makespan_s);
    dispatch::remove_plan(p, id);
    BOOST_TEST(message_of([&] { (void)dispatch::load_plan(p, id); }) ==
               "plan " + std::to_string(id) + " does not exist");
    BOOST_CHECK_THROW(dispatch::remove_plan(p, id), Error);
    BOOST_CHECK_THROW(dispatch::update_plan(p, id, *setup, edited), Error);
    data::Statement left(p.database(), "SELECT (SELECT count(*) FROM plan_steps) + (SELECT "
                                       "count(*) FROM plan_routes)");
    left.step();
    BOOST_TEST(left.column_int64(0) == 0);
}

BOOST_AUTO_TEST_CASE(names_what_is_missing) {
    TownProject t;
    data::Project p = data::Project::open(t.path);
    auto load = [&](dispatch::PlanRequest r) {
        return message_of([&] { (void)dispatch::PlanSetup::load(p, r); });
    };
    auto r = TownProject::request();
    r.district = "北極工区";
    BOOST_TEST(load(r) == "district '北極工区' does not exist");
    r = TownProject::request();
    r.vehicles = {"T-1", "X-9"};
    BOOST_TEST(load(r) == "vehicle 'X-9' does not exist");
    r = TownProject::request();
    r.depot = "no such depot";
    BOOST_TEST(load(r) == "depot 'no such depot' does not exist");
    r = TownProject::request();
    r.load_limit_km = 2;
    r.sites = {"nowhere"};
    BOOST_TEST(load(r) == "dump site 'nowhere' does not exist");
    p.database().exec("UPDATE vehicles SET district_id = NULL");
    BOOST_TEST(load(TownProject::request()).find("no vehicles assigned") != std::string::npos);
    p.replace_depots({});
    r = TownProject::request();
    r.vehicles = {"T-1"};
    BOOST_TEST(load(r).find("no depots") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(writes_geojson_in_wgs84_with_a_summary) {
    TownProject t;
    data::Project p = data::Project::open(t.path);
    const auto setup = dispatch::PlanSetup::load(p, TownProject::request());
    const auto outcome = dispatch::solve_plan(setup->problem(), quick());
    const auto plan = dispatch::load_plan(p, dispatch::save_plan(p, *setup, outcome.routes, 1));
    const nlohmann::json g = dispatch::plan_geojson(plan, setup->network());
    std::size_t steps = 0;
    std::size_t services = 0;
    for (const auto& r : plan.routes) {
        steps += r.steps.size();
        services += r.services.size();
    }
    BOOST_TEST(g["features"].size() == steps);
    std::size_t service_features = 0;
    for (const auto& f : g["features"]) {
        for (const auto& c : f["geometry"]["coordinates"]) {
            BOOST_TEST_REQUIRE(c[0].get<double>() > 122.0);
            BOOST_TEST_REQUIRE(c[0].get<double>() < 154.0);
            BOOST_TEST_REQUIRE(c[1].get<double>() > 20.0);
            BOOST_TEST_REQUIRE(c[1].get<double>() < 46.0);
        }
        service_features += f["properties"]["kind"] == "service" ? 1U : 0U;
    }
    BOOST_TEST(service_features == services);
    BOOST_TEST(g["summary"]["vehicles"].size() == 3U);
    BOOST_TEST(g["summary"]["makespan_s"].get<double>() == plan.evaluation.makespan_s);
}

BOOST_AUTO_TEST_SUITE_END()

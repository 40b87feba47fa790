// Runs the real yukimichi binary under Xvfb: the route planner panel plans a district of the demo
// town, draws the routes on the map, edits, undoes and saves.

#include "temp_dir.hpp"
#include "window_runner.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/plan_store.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gis/map_renderer.hpp"
#include "ykm/gui/test_script.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>
#include <wx/image.h>

#include <sys/wait.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace ykm;
using ykm::gui::ScriptAction;
using ykm::test::keep_picture;
using ykm::test::load_picture;
using ykm::test::pixels_of;
using ykm::test::run_japanese;
using ykm::test::TempDir;

namespace {

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The demo town with a fleet: per district a contractor and two plow trucks, P-01, P-02, …
void make_planning_town(const std::filesystem::path& path,
                        data::TownSize size = data::TownSize::small) {
    data::Project project = data::Project::create(path, gis::Epsg{6678});
    data::write_demo_town(project, data::generate_demo_town(11, size));
    const data::ProjectInfo info = project.info();
    dispatch::Fleet fleet(project);
    int number = 0;
    for (std::size_t d = 0; d < info.districts.size(); ++d) {
        dispatch::Contractor contractor;
        contractor.code = "C0" + std::to_string(d + 1);
        contractor.name = "雪国建設" + std::to_string(d + 1);
        const std::int64_t contractor_id = fleet.save(contractor);
        for (int k = 0; k < 2; ++k) {
            char code[16];
            std::snprintf(code, sizeof code, "P-%02d", ++number);
            dispatch::Vehicle v;
            v.code = code;
            v.type = dispatch::MachineType::plow_truck;
            v.plow_width_m = 3.0;
            v.contractor_id = contractor_id;
            v.district_id = info.districts[d].id;
            fleet.save(v);
        }
    }
}

/// A district the planner can serve with the district's own vehicles, and their codes.
std::pair<std::string, std::vector<std::string>>
plannable_district(const std::filesystem::path& path) {
    data::Project project = data::Project::open(path, data::OpenMode::read_only);
    const data::ProjectInfo info = project.info();
    std::string refusals;
    for (std::size_t d = 0; d < info.districts.size(); ++d) {
        dispatch::PlanRequest request;
        request.district = info.districts[d].name;
        try {
            const auto setup = dispatch::PlanSetup::load(project, request, 2);
            std::vector<std::string> codes;
            for (const dispatch::PlanVehicle& v : setup->problem().vehicles()) {
                codes.push_back(v.code);
            }
            return {info.districts[d].name, codes};
        } catch (const std::exception& e) {
            // The planner refuses a district with a road it cannot reach and leave.
            refusals += std::string(e.what()) + "; ";
        }
    }
    BOOST_FAIL("no district of the town can be planned: " << refusals);
    return {};
}

} // namespace

BOOST_AUTO_TEST_SUITE(planner_window_tests)

BOOST_AUTO_TEST_CASE(plans_a_district_draws_its_routes_and_edits_undoes_and_saves_them) {
    TempDir dir;
    const std::filesystem::path town = dir / "town.ykm";
    make_planning_town(town);
    const auto [district, codes] = plannable_district(town);
    BOOST_TEST_REQUIRE(codes.size() == 2U);

    const std::string script =
        "pane:vehicles,hide;pane:alerts,hide;pane:identify,hide;"
        "screenshot:" +
        (dir / "before.png").string() + ";plan_open:" + district +
        ";plan_run:5;plan_wait:120;screenshot:" + (dir / "planned.png").string() +
        ";plan_move:" + codes[0] + ",1," + codes[1] + ";plan:undo;plan:save";
    const int status = run_japanese(dir, script, town);
    BOOST_TEST_REQUIRE(status == 0, "yukimichi failed: " << read_text(dir / "stderr.txt"));
    const nlohmann::json json = nlohmann::json::parse(read_text(dir / "stdout.txt"));
    const nlohmann::json& planner = json["planner"];

    // The plan is shown: its figures in Japanese, a tree of both vehicles.
    BOOST_TEST(planner["has_plan"].get<bool>());
    BOOST_TEST(!planner["running"].get<bool>());
    const std::string figures = planner["figures"].get<std::string>();
    BOOST_TEST(figures.find("第1種 完了") != std::string::npos, figures);
    BOOST_TEST(figures.find("全車帰着") != std::string::npos, figures);
    BOOST_TEST(figures.find("総走行時間") != std::string::npos, figures);
    std::vector<std::string> vehicle_lines;
    for (const auto& line : planner["tree"]) {
        const std::string text = line.get<std::string>();
        if (!text.starts_with("  ")) {
            vehicle_lines.push_back(text);
        }
    }
    BOOST_TEST_REQUIRE(vehicle_lines.size() == 2U);
    BOOST_TEST(vehicle_lines[0].starts_with(codes[0] + ": 作業 "), vehicle_lines[0]);
    BOOST_TEST(vehicle_lines[1].starts_with(codes[1] + ": 作業 "), vehicle_lines[1]);
    BOOST_TEST(planner["tree"].size() > 10U);

    // The edit was undone and can be redone; the plan was saved.
    BOOST_TEST(!planner["can_undo"].get<bool>());
    BOOST_TEST(planner["can_redo"].get<bool>());
    BOOST_TEST_REQUIRE(planner["plan_id"].is_number());
    BOOST_TEST(planner["status"].get<std::string>().find("保存しました") != std::string::npos);

    // Both vehicles' routes are on the map in their colours, thick services and thin deadhead.
    BOOST_TEST(planner["route_colours"] == nlohmann::json::parse(R"(["#CC79A7", "#E69F00"])"));
    BOOST_TEST(planner["service_lines"].get<int>() > 2);
    BOOST_TEST(planner["route_lines"].get<int>() > planner["service_lines"].get<int>());
    const wxImage before = load_picture(dir / "before.png");
    const wxImage planned = load_picture(dir / "planned.png");
    keep_picture(dir / "planned.png", "planner");
    BOOST_TEST(pixels_of(before, gis::Rgb{0xCC, 0x79, 0xA7}) == 0);
    BOOST_TEST(pixels_of(before, gis::Rgb{0xE6, 0x9F, 0x00}) == 0);
    BOOST_TEST(pixels_of(planned, gis::Rgb{0xCC, 0x79, 0xA7}) > 300);
    BOOST_TEST(pixels_of(planned, gis::Rgb{0xE6, 0x9F, 0x00}) > 300);

    // The stored plan: the district's, with both vehicles.
    data::Project project = data::Project::open(town, data::OpenMode::read_only);
    const std::vector<dispatch::PlanListing> plans = dispatch::list_plans(project);
    BOOST_TEST_REQUIRE(plans.size() == 1U);
    BOOST_TEST(plans[0].id == planner["plan_id"].get<std::int64_t>());
    BOOST_TEST(plans[0].district == district);
    BOOST_TEST(plans[0].vehicles == 2U);
}

BOOST_AUTO_TEST_CASE(a_stored_plan_opens_for_editing_and_saving_updates_it) {
    TempDir dir;
    const std::filesystem::path town = dir / "town.ykm";
    make_planning_town(town);
    const auto [district, codes] = plannable_district(town);
    BOOST_TEST_REQUIRE(codes.size() == 2U);
    const std::string script = "plan_open:" + district +
                               ";plan_run:3;plan_wait:120;plan:save;plan_load:latest;plan_wait:120;"
                               "plan_move:" +
                               codes[0] + ",1," + codes[1] + ";plan:save";
    const int status = run_japanese(dir, script, town);
    BOOST_TEST_REQUIRE(status == 0, "yukimichi failed: " << read_text(dir / "stderr.txt"));
    const nlohmann::json json = nlohmann::json::parse(read_text(dir / "stdout.txt"));
    const nlohmann::json& planner = json["planner"];
    BOOST_TEST(planner["has_plan"].get<bool>());
    BOOST_TEST(planner["can_undo"].get<bool>());
    BOOST_TEST(planner["status"].get<std::string>().find("を更新しました。") != std::string::npos,
               planner["status"].get<std::string>());

    // One plan, updated in place with the edited routes.
    data::Project project = data::Project::open(town, data::OpenMode::read_only);
    const std::vector<dispatch::PlanListing> plans = dispatch::list_plans(project);
    BOOST_TEST_REQUIRE(plans.size() == 1U);
    BOOST_TEST(plans[0].id == planner["plan_id"].get<std::int64_t>());
    const dispatch::StoredPlan stored = dispatch::load_plan(project, plans[0].id);
    const nlohmann::json& routes = planner["routes"];
    BOOST_TEST_REQUIRE(stored.routes.size() == 2U);
    BOOST_TEST_REQUIRE(routes.size() == 2U);
    for (std::size_t v = 0; v < 2; ++v) {
        BOOST_TEST(stored.routes[v].vehicle_code == codes[v]);
        BOOST_TEST(stored.routes[v].services.size() == routes[v].size());
    }
}

BOOST_AUTO_TEST_CASE(stop_ends_the_search_with_the_best_plan_found_and_shows_it) {
    TempDir dir;
    const std::filesystem::path town = dir / "town.ykm";
    make_planning_town(town, data::TownSize::medium);
    const auto [district, codes] = plannable_district(town);
    const std::string script =
        "pane:vehicles,hide;pane:alerts,hide;pane:identify,hide;plan_open:" + district +
        ";plan_run:600;wait_ms:5000;screenshot:" + (dir / "running.png").string() +
        ";plan:stop;plan_wait:120";
    const int status = run_japanese(dir, script, town);
    BOOST_TEST_REQUIRE(status == 0, "yukimichi failed: " << read_text(dir / "stderr.txt"));
    const nlohmann::json json = nlohmann::json::parse(read_text(dir / "stdout.txt"));
    const nlohmann::json& planner = json["planner"];
    // Stopped by the button, or finished first on a fast machine (the search ends by itself
    // when rounds bring no better plan): either way the window shows the plan.
    const std::string text = planner["status"].get<std::string>();
    BOOST_TEST((text.find("秒で中止しました") != std::string::npos ||
                text.find("秒で完了しました") != std::string::npos),
               text);
    BOOST_TEST(planner["has_plan"].get<bool>());
    BOOST_TEST(!planner["running"].get<bool>());
    BOOST_TEST(planner["figures"].get<std::string>().find("全車帰着") != std::string::npos);
    // What was drawn 5 s after Run (time for the first solution on a loaded machine): the best
    // routes so far, or the plan if it was done.
    const wxImage running = load_picture(dir / "running.png");
    keep_picture(dir / "running.png", "planner");
    BOOST_TEST(pixels_of(running, gis::Rgb{0xCC, 0x79, 0xA7}) > 100);
    BOOST_TEST(pixels_of(running, gis::Rgb{0xE6, 0x9F, 0x00}) > 100);
}

BOOST_AUTO_TEST_CASE(bad_planner_input_is_reported_and_the_window_works_on) {
    TempDir dir;
    const std::filesystem::path town = dir / "town.ykm";
    make_planning_town(town);
    const auto [district, codes] = plannable_district(town);
    // A district without vehicles ticked: the error is reported (headless: on stderr, exit 2)
    // and the window goes on to the next steps.
    {
        data::Project project = data::Project::open(town, data::OpenMode::read_write);
        dispatch::Fleet fleet(project);
        for (const std::string& code : codes) {
            dispatch::Vehicle v = *fleet.vehicle_by_code(code);
            v.district_id.reset();
            fleet.save(v);
        }
    }
    const int status =
        run_japanese(dir, "plan_open:" + district + ";plan_run:5;plan_wait:10;zoom_in", town);
    BOOST_TEST(status == 2);
    const std::string errors = read_text(dir / "stderr.txt");
    BOOST_TEST(errors.find("車両を1台以上選んでください。") != std::string::npos, errors);
    const nlohmann::json json = nlohmann::json::parse(read_text(dir / "stdout.txt"));
    BOOST_TEST(!json["planner"]["has_plan"].get<bool>());
    BOOST_TEST(!json["planner"]["running"].get<bool>());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(plan_script_tests)

BOOST_AUTO_TEST_CASE(reads_the_planner_steps) {
    const std::vector<gui::ScriptStep> steps = gui::parse_script(
        "pane:planner,show;plan_open:北西工区;plan_run:5;plan_wait:90;plan_move:P-01, 3 ,P-02;"
        "plan:undo;plan:save;plan_load:latest;plan_load:12");
    BOOST_TEST_REQUIRE(steps.size() == 9U);
    BOOST_TEST((steps[0].action == ScriptAction::pane));
    BOOST_TEST(steps[0].words == (std::vector<std::string>{"planner", "show"}),
               boost::test_tools::per_element());
    BOOST_TEST((steps[1].action == ScriptAction::plan_open));
    BOOST_TEST(steps[1].text == "北西工区");
    BOOST_TEST((steps[2].action == ScriptAction::plan_run));
    BOOST_TEST(steps[2].numbers.at(0) == 5.0);
    BOOST_TEST((steps[3].action == ScriptAction::plan_wait));
    BOOST_TEST(steps[3].numbers.at(0) == 90.0);
    BOOST_TEST((steps[4].action == ScriptAction::plan_move));
    BOOST_TEST(steps[4].words == (std::vector<std::string>{"P-01", "3", "P-02"}),
               boost::test_tools::per_element());
    BOOST_TEST((steps[5].action == ScriptAction::plan));
    BOOST_TEST(steps[5].text == "undo");
    BOOST_TEST(steps[6].text == "save");
    BOOST_TEST((steps[7].action == ScriptAction::plan_load));
    BOOST_TEST(steps[7].text == "latest");
    BOOST_TEST(steps[8].text == "12");
}

BOOST_AUTO_TEST_CASE(refuses_bad_planner_steps) {
    BOOST_CHECK_THROW(gui::parse_script("plan:explode"), Error);
    BOOST_CHECK_THROW(gui::parse_script("plan_move:P-01,0,P-02"), Error);
    BOOST_CHECK_THROW(gui::parse_script("plan_move:P-01,x,P-02"), Error);
    BOOST_CHECK_THROW(gui::parse_script("plan_move:P-01,2"), Error);
    BOOST_CHECK_THROW(gui::parse_script("plan_run:fast"), Error);
    BOOST_CHECK_THROW(gui::parse_script("plan_open:"), Error);
    BOOST_CHECK_THROW(gui::parse_script("pane:plans,show"), Error);
    BOOST_CHECK_THROW(gui::parse_script("plan_load:first"), Error);
    BOOST_CHECK_THROW(gui::parse_script("plan_load:0"), Error);
}

BOOST_AUTO_TEST_SUITE_END()

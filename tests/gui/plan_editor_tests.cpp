#include "temp_dir.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/plan_store.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gui/plan_editor.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

using namespace ykm;
using namespace ykm::gui;
using ykm::test::TempDir;

namespace {

/// The small demo town with two plow trucks, P-01 and P-02, and a district they can plan.
struct Town {
    TempDir dir;
    std::filesystem::path path = dir / "town.ykm";
    std::vector<std::string> districts;
    std::string district;

    Town() {
        data::Project project = data::Project::create(path, gis::Epsg{6678});
        data::write_demo_town(project, data::generate_demo_town(11, data::TownSize::small));
        const data::ProjectInfo info = project.info();
        BOOST_TEST_REQUIRE(!info.districts.empty());
        for (const auto& d : info.districts) {
            districts.push_back(d.name);
        }
        district = districts.front();
        dispatch::Fleet fleet(project);
        dispatch::Contractor contractor;
        contractor.code = "C01";
        contractor.name = "雪国建設";
        const std::int64_t contractor_id = fleet.save(contractor);
        for (const char* code : {"P-01", "P-02"}) {
            dispatch::Vehicle v;
            v.code = code;
            v.type = dispatch::MachineType::plow_truck;
            v.plow_width_m = 3.0;
            v.contractor_id = contractor_id;
            v.district_id = info.districts.front().id;
            fleet.save(v);
        }
        project.close();
    }

    [[nodiscard]] dispatch::PlanRequest request() const {
        dispatch::PlanRequest request;
        request.district = district;
        request.vehicles = {"P-01", "P-02"};
        request.start_ms = 1'795'370'400'000; // 2026-11-23 03:00 JST
        return request;
    }
};

/// The town and a plan of it, built once for the suite: building the problem is the slow part.
struct Planned {
    Town town;
    std::shared_ptr<const dispatch::PlanSetup> setup;
    dispatch::PlanRoutes routes;

    Planned() {
        data::Project project = data::Project::open(town.path, data::OpenMode::read_only);
        // The first district the planner can serve from its depot: a district with a road that
        // cannot be reached and left is refused by the planner, which its own tests cover.
        std::string refusals;
        for (const std::string& district : town.districts) {
            town.district = district;
            try {
                setup = dispatch::PlanSetup::load(project, town.request(), 2);
                break;
            } catch (const Error& e) {
                refusals += std::string(e.what()) + "; ";
            }
        }
        BOOST_TEST_REQUIRE(setup != nullptr,
                           "no district of the town can be planned: " << refusals);
        dispatch::PlanSearchOptions options;
        options.seed = 7;
        options.rounds = 3;
        options.time_limit_s = 30.0;
        routes = dispatch::solve_plan(setup->problem(), options).routes;
    }
};

const Planned& planned() {
    static const Planned instance;
    return instance;
}

/// The first vehicle with at least `n` services.
std::size_t vehicle_with(const PlanEditor& editor, std::size_t n) {
    for (std::size_t v = 0; v < editor.vehicle_count(); ++v) {
        if (editor.routes().tasks[v].size() >= n) {
            return v;
        }
    }
    BOOST_FAIL("no vehicle has " << n << " services");
    return 0;
}

void check_same_figures(const dispatch::PlanEvaluation& a, const dispatch::PlanEvaluation& b) {
    BOOST_TEST(a.makespan_s == b.makespan_s);
    BOOST_TEST(a.travel_s == b.travel_s);
    BOOST_TEST(a.overtime_s == b.overtime_s);
    BOOST_TEST(a.unserved == b.unserved);
    BOOST_TEST(a.duplicated == b.duplicated);
    for (int c = 1; c <= 3; ++c) {
        BOOST_TEST((a.class_finish_s[static_cast<std::size_t>(c)] ==
                    b.class_finish_s[static_cast<std::size_t>(c)]));
    }
    BOOST_TEST_REQUIRE(a.vehicles.size() == b.vehicles.size());
    for (std::size_t v = 0; v < a.vehicles.size(); ++v) {
        BOOST_TEST(a.vehicles[v].end_s == b.vehicles[v].end_s);
        BOOST_TEST(a.vehicles[v].service_m == b.vehicles[v].service_m);
        BOOST_TEST(a.vehicles[v].deadhead_m == b.vehicles[v].deadhead_m);
        BOOST_TEST(a.vehicles[v].task_count == b.vehicles[v].task_count);
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(plan_editor_tests)

BOOST_AUTO_TEST_CASE(the_planned_town_has_two_vehicles_and_every_task_served_once) {
    const Planned& p = planned();
    BOOST_TEST_REQUIRE(p.setup->problem().vehicles().size() == 2U);
    PlanEditor editor(p.setup, p.routes);
    BOOST_TEST(editor.evaluation().unserved == 0U);
    BOOST_TEST(editor.evaluation().duplicated == 0U);
    BOOST_TEST(!editor.can_undo());
    BOOST_TEST(!editor.can_redo());
    BOOST_TEST(!editor.modified());
}

BOOST_AUTO_TEST_CASE(moving_a_task_to_another_vehicle_changes_the_figures_as_evaluate_says) {
    const Planned& p = planned();
    PlanEditor editor(p.setup, p.routes);
    const std::size_t from = vehicle_with(editor, 2);
    const std::size_t to = 1 - from;
    const std::uint32_t task = editor.routes().tasks[from][1];
    const std::size_t from_count = editor.routes().tasks[from].size();
    const std::size_t to_count = editor.routes().tasks[to].size();
    const dispatch::PlanEvaluation before = editor.evaluation();

    editor.move_task(from, 1, to, 0);

    BOOST_TEST(editor.routes().tasks[from].size() == from_count - 1);
    BOOST_TEST(editor.routes().tasks[to].size() == to_count + 1);
    BOOST_TEST(editor.routes().tasks[to][0] == task);
    BOOST_TEST(editor.evaluation().vehicles[from].task_count == from_count - 1);
    BOOST_TEST(editor.evaluation().vehicles[to].task_count == to_count + 1);
    BOOST_TEST(editor.evaluation().vehicles[to].end_s != before.vehicles[to].end_s);
    check_same_figures(editor.evaluation(),
                       dispatch::evaluate(p.setup->problem(), editor.routes()));
    BOOST_TEST(editor.evaluation().unserved == 0U);
    BOOST_TEST(editor.can_undo());
    BOOST_TEST(editor.modified());
}

BOOST_AUTO_TEST_CASE(undo_restores_the_routes_and_figures_exactly_and_redo_reapplies) {
    const Planned& p = planned();
    PlanEditor editor(p.setup, p.routes);
    const std::size_t from = vehicle_with(editor, 3);
    const dispatch::PlanRoutes original = editor.routes();
    const dispatch::PlanEvaluation original_figures = editor.evaluation();

    editor.move_to_vehicle(from, 0, 1 - from);
    editor.move_down(from, 0);
    const dispatch::PlanRoutes edited = editor.routes();
    const dispatch::PlanEvaluation edited_figures = editor.evaluation();
    BOOST_TEST(!(edited == original));

    editor.undo();
    BOOST_TEST(editor.can_undo());
    BOOST_TEST(editor.can_redo());
    editor.undo();
    BOOST_TEST(!editor.can_undo());
    BOOST_TEST((editor.routes() == original));
    check_same_figures(editor.evaluation(), original_figures);
    BOOST_TEST(!editor.modified());

    editor.redo();
    editor.redo();
    BOOST_TEST(!editor.can_redo());
    BOOST_TEST((editor.routes() == edited));
    check_same_figures(editor.evaluation(), edited_figures);
    BOOST_CHECK_THROW(editor.redo(), Error);
}

BOOST_AUTO_TEST_CASE(a_new_edit_after_undo_drops_the_redo_steps) {
    const Planned& p = planned();
    PlanEditor editor(p.setup, p.routes);
    const std::size_t v = vehicle_with(editor, 3);
    editor.move_down(v, 0);
    editor.undo();
    BOOST_TEST(editor.can_redo());
    editor.move_up(v, 2);
    BOOST_TEST(!editor.can_redo());
    BOOST_TEST(editor.revision() == 3U);
}

BOOST_AUTO_TEST_CASE(modified_says_whether_the_routes_differ_from_the_saved_ones) {
    const Planned& p = planned();
    PlanEditor editor(p.setup, p.routes);
    const std::size_t v = vehicle_with(editor, 3);
    editor.move_down(v, 0);
    BOOST_TEST(editor.modified());
    editor.mark_saved();
    BOOST_TEST(!editor.modified());
    editor.undo();
    BOOST_TEST(editor.modified());
    editor.redo();
    BOOST_TEST(!editor.modified());
    // Undone past the saved routes, then a different edit: the saved routes are out of reach.
    editor.undo();
    editor.move_down(v, 1);
    BOOST_TEST(editor.modified());
}

BOOST_AUTO_TEST_CASE(reorder_moves_up_and_down_within_a_route) {
    const Planned& p = planned();
    PlanEditor editor(p.setup, p.routes);
    const std::size_t v = vehicle_with(editor, 3);
    const std::vector<std::uint32_t> route = editor.routes().tasks[v];

    editor.move_up(v, 1);
    BOOST_TEST(editor.routes().tasks[v][0] == route[1]);
    BOOST_TEST(editor.routes().tasks[v][1] == route[0]);
    editor.move_down(v, 0);
    BOOST_TEST(editor.routes().tasks[v] == route);
    editor.reorder(v, 0, route.size() - 1);
    BOOST_TEST(editor.routes().tasks[v].back() == route[0]);
    BOOST_TEST(editor.routes().tasks[v][0] == route[1]);
    check_same_figures(editor.evaluation(),
                       dispatch::evaluate(p.setup->problem(), editor.routes()));
}

BOOST_AUTO_TEST_CASE(invalid_moves_throw_and_change_nothing) {
    const Planned& p = planned();
    PlanEditor editor(p.setup, p.routes);
    const std::size_t v = vehicle_with(editor, 2);
    const std::size_t size = editor.routes().tasks[v].size();
    BOOST_CHECK_THROW(editor.move_task(2, 0, 0, 0), Error);
    BOOST_CHECK_THROW(editor.move_task(v, 0, 5, 0), Error);
    BOOST_CHECK_THROW(editor.move_task(v, size, 1 - v, 0), Error);
    BOOST_CHECK_THROW(editor.move_task(v, 0, 1 - v, editor.routes().tasks[1 - v].size() + 1),
                      Error);
    BOOST_CHECK_THROW(editor.move_up(v, 0), Error);
    BOOST_CHECK_THROW(editor.move_down(v, size - 1), Error);
    BOOST_CHECK_THROW(editor.reorder(v, 0, size), Error);
    BOOST_CHECK_THROW(editor.reorder(v, 1, 1), Error);
    BOOST_CHECK_THROW(editor.undo(), Error);
    BOOST_TEST((editor.routes() == p.routes));
    BOOST_TEST(editor.revision() == 0U);
    BOOST_TEST(!editor.can_undo());
}

BOOST_AUTO_TEST_CASE(routes_that_do_not_fit_the_problem_are_refused) {
    const Planned& p = planned();
    dispatch::PlanRoutes one_vehicle;
    one_vehicle.tasks.resize(1);
    BOOST_CHECK_THROW(PlanEditor(p.setup, one_vehicle), Error);
    dispatch::PlanRoutes bad_task;
    bad_task.tasks.resize(2);
    bad_task.tasks[0].push_back(static_cast<std::uint32_t>(p.setup->problem().tasks().size()));
    BOOST_CHECK_THROW(PlanEditor(p.setup, bad_task), Error);
    BOOST_CHECK_THROW(PlanEditor(nullptr, p.routes), Error);
}

BOOST_AUTO_TEST_CASE(the_service_rows_follow_the_route_with_street_names_and_times) {
    const Planned& p = planned();
    PlanEditor editor(p.setup, p.routes);
    const std::size_t v = vehicle_with(editor, 2);
    const std::vector<PlanServiceRow> rows = editor.services(v);
    BOOST_TEST_REQUIRE(rows.size() == editor.routes().tasks[v].size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const dispatch::PlanTask& task = p.setup->problem().tasks()[editor.routes().tasks[v][i]];
        BOOST_TEST(rows[i].position == i);
        BOOST_TEST(rows[i].segment_id == task.segment_id);
        BOOST_TEST(rows[i].street == p.setup->street_name(task.segment_id));
        BOOST_TEST(rows[i].end_s > rows[i].start_s);
        if (i > 0) {
            BOOST_TEST(rows[i].start_s >= rows[i - 1].end_s - 1e-6);
        }
    }
    BOOST_TEST(rows.back().end_s <= editor.evaluation().vehicles[v].end_s);
    BOOST_CHECK_THROW(static_cast<void>(editor.services(2)), Error);
}

BOOST_AUTO_TEST_CASE(plan_lines_draw_services_and_deadhead_of_every_vehicle) {
    const Planned& p = planned();
    const std::vector<PlanLine> lines = plan_lines(p.setup->problem(), p.routes);
    std::set<std::pair<std::size_t, bool>> kinds;
    for (const PlanLine& line : lines) {
        BOOST_TEST(line.points.size() >= 2U);
        kinds.insert({line.vehicle, line.service});
    }
    for (std::size_t v = 0; v < 2; ++v) {
        if (!p.routes.tasks[v].empty()) {
            BOOST_TEST(kinds.count({v, true}) == 1U);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_plan_job_finishes_with_a_plan_and_reports_its_progress) {
    const Planned& p = planned();
    dispatch::PlanSearchOptions options;
    options.seed = 7;
    options.rounds = 2;
    options.time_limit_s = 60.0;
    std::atomic<int> notified{0};
    PlanJob job(p.town.path, p.town.request(), options, [&] { ++notified; });
    job.wait();
    BOOST_TEST_REQUIRE(job.finished());
    BOOST_TEST_REQUIRE(job.error() == "");
    const PlanJob::Progress progress = job.progress();
    BOOST_TEST((progress.phase == PlanJob::Progress::Phase::done));
    BOOST_TEST(progress.fraction == 1.0);
    BOOST_TEST_REQUIRE(progress.best_evaluation.has_value());
    const auto outcome = job.outcome();
    BOOST_TEST_REQUIRE(outcome.has_value());
    BOOST_TEST(outcome->evaluation.unserved == 0U);
    BOOST_TEST((job.best_routes() == outcome->routes));
    BOOST_TEST_REQUIRE(job.setup() != nullptr);
    BOOST_TEST(job.setup()->problem().vehicles().size() == 2U);
    BOOST_TEST(notified.load() >= 2);
}

BOOST_AUTO_TEST_CASE(the_best_routes_are_readable_while_the_search_runs) {
    const Planned& p = planned();
    dispatch::PlanSearchOptions options;
    options.seed = 5;
    options.rounds = 2;
    options.time_limit_s = 60.0;
    // Read from the planner's thread in its notification, as a UI would from its timer: the
    // routes of a search still under way, a route per vehicle (the classes not yet searched
    // are in none).
    std::mutex mutex;
    std::vector<dispatch::PlanRoutes> seen;
    std::unique_ptr<PlanJob> job;
    std::atomic<bool> started{false};
    job = std::make_unique<PlanJob>(p.setup, options, [&] {
        while (!started.load()) {
            std::this_thread::yield();
        }
        const PlanJob::Progress progress = job->progress();
        if (progress.phase == PlanJob::Progress::Phase::searching && progress.best_generation > 0) {
            std::lock_guard lock(mutex);
            seen.push_back(job->best_routes());
        }
    });
    started.store(true);
    job->wait();
    BOOST_TEST_REQUIRE(job->error() == "");
    std::lock_guard lock(mutex);
    BOOST_TEST_REQUIRE(!seen.empty());
    for (const dispatch::PlanRoutes& routes : seen) {
        BOOST_TEST(routes.tasks.size() == 2U);
        const PlanEditor editor(p.setup, routes);
        BOOST_TEST(editor.evaluation().duplicated == 0U);
    }
}

BOOST_AUTO_TEST_CASE(a_cancelled_plan_job_returns_promptly_with_a_valid_plan) {
    const Planned& p = planned();
    dispatch::PlanSearchOptions options;
    options.seed = 3;
    options.rounds = 1'000'000;    // the search would run for the whole time limit
    options.time_limit_s = 3600.0; // which the test must not wait for
    PlanJob job(p.setup, options);
    // Once the search is under way (or over, on a very fast machine).
    for (int i = 0; i < 600 && job.progress().phase == PlanJob::Progress::Phase::loading; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    job.cancel();
    for (int i = 0; i < 1200 && !job.finished(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    BOOST_TEST_REQUIRE(job.finished(), "the job did not stop within a minute of cancel()");
    BOOST_TEST_REQUIRE(job.error() == "");
    const auto outcome = job.outcome();
    BOOST_TEST_REQUIRE(outcome.has_value());
    BOOST_TEST((outcome->stop == dispatch::PlanStop::cancelled));
    BOOST_TEST(outcome->evaluation.unserved == 0U);
    BOOST_TEST(outcome->evaluation.duplicated == 0U);
    PlanEditor editor(p.setup, outcome->routes);
    BOOST_TEST(editor.evaluation().unserved == 0U);
}

BOOST_AUTO_TEST_CASE(a_plan_job_for_an_unknown_district_fails_with_its_name) {
    const Planned& p = planned();
    dispatch::PlanRequest request = p.town.request();
    request.district = "存在しない工区";
    PlanJob job(p.town.path, request, dispatch::PlanSearchOptions{});
    job.wait();
    BOOST_TEST(job.finished());
    BOOST_TEST((job.progress().phase == PlanJob::Progress::Phase::failed));
    BOOST_TEST(job.error().find("存在しない工区") != std::string::npos, job.error());
    BOOST_TEST(!job.outcome().has_value());
    BOOST_TEST(job.setup() == nullptr);
}

BOOST_AUTO_TEST_CASE(destroying_a_running_job_cancels_it) {
    const Planned& p = planned();
    dispatch::PlanSearchOptions options;
    options.rounds = 1'000'000;
    options.time_limit_s = 3600.0;
    const auto job = std::make_unique<PlanJob>(p.setup, options);
    // The destructor cancels and joins; the test ends instead of running for an hour.
}

BOOST_AUTO_TEST_CASE(clock_times_parse_and_name_the_next_start_in_tokyo) {
    BOOST_TEST(parse_clock_minutes("03:00").value_or(-1) == 180);
    BOOST_TEST(parse_clock_minutes(" 23:59 ").value_or(-1) == 1439);
    BOOST_TEST(parse_clock_minutes("3:05").value_or(-1) == 185);
    BOOST_TEST(!parse_clock_minutes("24:00"));
    BOOST_TEST(!parse_clock_minutes("12:60"));
    BOOST_TEST(!parse_clock_minutes("1200"));
    BOOST_TEST(!parse_clock_minutes("ab:cd"));
    BOOST_TEST(!parse_clock_minutes(""));
    // 2026-11-22 21:05:09 JST.
    constexpr std::int64_t evening_ms = 1'795'349'109'000;
    // 03:00 the next morning.
    BOOST_TEST(next_tokyo_time_ms(180, evening_ms) == 1'795'370'400'000);
    // 22:00 the same evening.
    BOOST_TEST(next_tokyo_time_ms(22 * 60, evening_ms) == 1'795'352'400'000);
    BOOST_TEST(plan_duration_text(0.0) == "0:00");
    BOOST_TEST(plan_duration_text(3 * 3600.0 + 5 * 60.0 + 20.0) == "3:05");
    BOOST_TEST(plan_duration_text(26 * 3600.0) == "26:00");
}

BOOST_AUTO_TEST_SUITE_END()

#include "commands.hpp"
#include "jst_time.hpp"
#include "output_file.hpp"

#include "ykm/data/project.hpp"
#include "ykm/dispatch/plan_store.hpp"
#include "ykm/dispatch/position_input.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace ykm::cli {

namespace {

constexpr const char* plan_usage =
    R"(usage: ykm plan PROJECT --district D [options]     plan the district's plow routes
       ykm plan list PROJECT                           the stored plans
       ykm plan show PROJECT PLAN [--json]             a plan's figures
       ykm plan export PROJECT PLAN -o PLAN.geojson     a plan as GeoJSON
       ykm plan remove PROJECT PLAN                    delete a plan
       ykm plan turnaround PROJECT [--add N,...] [--remove N,...]
                                                       road nodes where plows may turn back
       ykm plan sheet PROJECT PLAN -o SHEET.pdf         driver sheets, one page per plow
       ykm plan gpx PROJECT PLAN -o DIR|FILE.gpx        routes for in-cab navigation

Plans routes for the plows of a district (工区): every direction of its class 1-3 roads is
plowed (a road wider than the narrowest plow in several passes), class 1 first, then class 2,
then class 3, finishing the district as early as possible. Plows start and end at the depot,
drive on any road, and turn at a cost (right turns dearer than left; U-turns only at dead ends
and marked turnaround nodes). The plan is stored in the project; its id is printed last as
plan=N. Roads that no plow can drive from the depot and back are left out and listed.

  --district D          the district: name, code or id (required)
  --vehicles A,B,...    vehicle codes (default: the vehicles assigned to the district)
  --depot NAME|ID       where all plows start and end (default: each plow's home depot, else
                        the depot nearest the district)
  --start T             departure: HH:MM (today, Japan time), 'YYYY-MM-DD HH:MM' (JST) or
                        ISO 8601 (default: now)
  --deadline C=HH:MM    when class C (1-3) should be done; reported as met or missed; repeatable
  --shift H             hours every plow may work (default: each plow's own shift, else 8)
  --load-km K           km of plowing per load before a dump/refill trip (default: no limit)
  --sites A,B,...       dump/refill sites for --load-km (default: all of the project's)
  --turn-costs L,R,U    seconds lost turning left, right (across the oncoming lane) and back
                        (default 4,12,30; going straight costs nothing)
  --time-limit S        seconds of search at most (default 60)
  --rounds N            improvement rounds per class without progress before stopping
                        (default: by size); the plan depends only on the seed while the rounds,
                        not the time limit, end the search
  --seed N              random seed (default 1)
  --threads T           searches in parallel (default 1)
  --name NAME           the plan's name (default: district and start)
  --out FILE.geojson    also write the plan as GeoJSON
  --json                print the figures as JSON (its "plan" member is the id) instead
)";

std::int64_t parse_plan_id(const std::string& text) {
    return static_cast<std::int64_t>(parse_whole_number(text, "plan: PLAN"));
}

std::string duration_text(double seconds) {
    const auto minutes = static_cast<long long>(std::llround(seconds / 60.0));
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld", minutes / 60, minutes % 60);
    return buffer;
}

std::string at_text(const dispatch::StoredPlan& plan, const std::optional<double>& s) {
    if (!s) {
        return "-";
    }
    return clock_jst(plan.start_ms + static_cast<std::int64_t>(std::llround(*s * 1000)));
}

nlohmann::json plan_json(const dispatch::StoredPlan& plan) {
    nlohmann::json vehicles = nlohmann::json::array();
    for (const auto& r : plan.routes) {
        nlohmann::json classes = nlohmann::json::object();
        for (std::size_t c = 1; c <= 3; ++c) {
            const auto& done = r.summary.class_done_s[c];
            classes[std::to_string(c)] =
                done ? nlohmann::json(iso_jst(plan.start_ms + std::llround(*done * 1000)))
                     : nlohmann::json(nullptr);
        }
        vehicles.push_back({{"vehicle", r.vehicle_code},
                            {"time_s", std::round(r.summary.end_s)},
                            {"service_km", std::round(r.summary.service_m) / 1000.0},
                            {"deadhead_km", std::round(r.summary.deadhead_m) / 1000.0},
                            {"tasks", r.summary.task_count},
                            {"site_visits", r.summary.site_visits},
                            {"overtime_s", std::round(r.summary.overtime_s)},
                            {"class_done", classes}});
    }
    nlohmann::json classes = nlohmann::json::object();
    for (std::size_t c = 1; c <= 3; ++c) {
        const auto& done = plan.evaluation.class_finish_s[c];
        nlohmann::json entry = {
            {"done", done ? nlohmann::json(iso_jst(plan.start_ms + std::llround(*done * 1000)))
                          : nlohmann::json(nullptr)},
            {"done_s", done ? nlohmann::json(std::round(*done)) : nlohmann::json(nullptr)}};
        if (const auto d = plan.request.deadlines_ms.find(static_cast<int>(c));
            d != plan.request.deadlines_ms.end()) {
            entry["deadline"] = iso_jst(d->second);
            entry["met"] = !done || plan.start_ms + std::llround(*done * 1000) <= d->second;
        }
        classes[std::to_string(c)] = entry;
    }
    return {{"plan", plan.id},
            {"name", plan.name},
            {"start", iso_jst(plan.start_ms)},
            {"seed", plan.seed},
            {"makespan_s", std::round(plan.evaluation.makespan_s)},
            {"end", iso_jst(plan.start_ms + std::llround(plan.evaluation.makespan_s * 1000))},
            {"overtime_s", std::round(plan.evaluation.overtime_s)},
            {"classes", classes},
            {"unreachable", plan.unreachable},
            {"vehicles", vehicles}};
}

void print_plan(const dispatch::StoredPlan& plan) {
    std::printf("plan %lld: %s, start %s\n", static_cast<long long>(plan.id), plan.name.c_str(),
                iso_jst(plan.start_ms).c_str());
    std::printf("%-12s %6s %11s %12s %6s %8s %8s %8s %8s\n", "vehicle", "time", "plowed km",
                "deadhead km", "tasks", "class 1", "class 2", "class 3", "back");
    for (const auto& r : plan.routes) {
        std::printf("%-12s %6s %11.2f %12.2f %6zu %8s %8s %8s %8s%s\n", r.vehicle_code.c_str(),
                    duration_text(r.summary.end_s).c_str(), r.summary.service_m / 1000.0,
                    r.summary.deadhead_m / 1000.0, r.summary.task_count,
                    at_text(plan, r.summary.class_done_s[1]).c_str(),
                    at_text(plan, r.summary.class_done_s[2]).c_str(),
                    at_text(plan, r.summary.class_done_s[3]).c_str(),
                    at_text(plan, r.summary.end_s).c_str(),
                    r.summary.overtime_s > 0.5
                        ? (" (" + duration_text(r.summary.overtime_s) + " past the shift)").c_str()
                        : "");
    }
    for (std::size_t c = 1; c <= 3; ++c) {
        const auto& done = plan.evaluation.class_finish_s[c];
        if (!done) {
            continue;
        }
        std::printf("class %zu done %s (%s after the start)", c, at_text(plan, done).c_str(),
                    duration_text(*done).c_str());
        if (const auto d = plan.request.deadlines_ms.find(static_cast<int>(c));
            d != plan.request.deadlines_ms.end()) {
            const bool met = plan.start_ms + std::llround(*done * 1000) <= d->second;
            std::printf(", deadline %s %s", clock_jst(d->second).c_str(), met ? "met" : "MISSED");
        }
        std::printf("\n");
    }
    if (!plan.unreachable.empty()) {
        std::printf("left out, no plow can drive them from the depot and back:");
        for (const auto& [segment, forward] : plan.unreachable) {
            std::printf(" %lld%s", static_cast<long long>(segment), forward ? "" : " (backward)");
        }
        std::printf("\n");
    }
    std::printf("all back at the depot %s (%s)\n",
                at_text(plan, plan.evaluation.makespan_s).c_str(),
                duration_text(plan.evaluation.makespan_s).c_str());
}

int plan_list(Args& args) {
    const auto files = args.positional(1, 1, "plan list PROJECT");
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    std::printf("%-4s %-30s %-16s %-25s %8s %6s\n", "id", "name", "district", "start", "vehicles",
                "time");
    for (const dispatch::PlanListing& l : dispatch::list_plans(project)) {
        std::printf("%-4lld %-30s %-16s %-25s %8zu %6s\n", static_cast<long long>(l.id),
                    l.name.c_str(), l.district.c_str(), iso_jst(l.start_ms).c_str(), l.vehicles,
                    duration_text(l.makespan_s).c_str());
    }
    return 0;
}

int plan_show(Args& args) {
    const bool as_json = args.flag("--json");
    const auto files = args.positional(2, 2, "plan show PROJECT PLAN [--json]");
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    const dispatch::StoredPlan plan = dispatch::load_plan(project, parse_plan_id(files[1]));
    if (as_json) {
        std::printf("%s\n", plan_json(plan).dump(2).c_str());
    } else {
        print_plan(plan);
    }
    return 0;
}

int plan_export(Args& args) {
    auto out = args.take("-o");
    if (auto longer = args.take("--output")) {
        out = longer;
    }
    const auto files = args.positional(2, 2, "plan export PROJECT PLAN -o PLAN.geojson");
    if (!out) {
        throw UsageError("plan export: -o PLAN.geojson is required");
    }
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    const dispatch::StoredPlan plan = dispatch::load_plan(project, parse_plan_id(files[1]));
    write_file_atomically(*out,
                          dispatch::plan_geojson(plan, project.load_road_network()).dump() + "\n");
    return 0;
}

int plan_remove(Args& args) {
    const auto files = args.positional(2, 2, "plan remove PROJECT PLAN");
    data::Project project = data::Project::open(files[0]);
    dispatch::remove_plan(project, parse_plan_id(files[1]));
    std::printf("removed plan %s\n", files[1].c_str());
    return 0;
}

std::vector<std::int64_t> node_ids(const std::string& text, const std::string& option) {
    std::vector<std::int64_t> ids;
    for (const std::string& item : split_list(text)) {
        ids.push_back(static_cast<std::int64_t>(parse_whole_number(item, "plan: " + option)));
    }
    return ids;
}

// Turnaround places (turning bays, wide junctions) where a plow may turn back although the road
// goes on: the planner allows U-turns there.
int plan_turnaround(Args& args) {
    const auto add = args.take("--add");
    const auto remove = args.take("--remove");
    const auto files =
        args.positional(1, 1, "plan turnaround PROJECT [--add N,...] [--remove N,...]");
    data::Project project = data::Project::open(
        files[0], add || remove ? data::OpenMode::read_write : data::OpenMode::read_only);
    data::Database& db = project.database();
    if (add || remove) {
        data::Transaction tx(db);
        data::Statement exists(db, "SELECT count(*) FROM road_nodes WHERE id = ?");
        data::Statement set(db, "UPDATE road_nodes SET turnaround = ? WHERE id = ?");
        auto mark = [&](const std::optional<std::string>& list, const std::string& option,
                        int value) {
            if (!list) {
                return;
            }
            for (const std::int64_t id : node_ids(*list, option)) {
                exists.bind(1, id);
                exists.step();
                const bool found = exists.column_int64(0) > 0;
                exists.reset();
                if (!found) {
                    throw Error("plan turnaround: " + option + ": road node " + std::to_string(id) +
                                " does not exist");
                }
                set.bind(1, value).bind(2, id).run();
                set.reset();
            }
        };
        mark(add, "--add", 1);
        mark(remove, "--remove", 0);
        tx.commit();
    }
    data::Statement list(db, "SELECT id FROM road_nodes WHERE turnaround = 1 ORDER BY id");
    std::string ids;
    std::size_t count = 0;
    while (list.step()) {
        ids += (count++ > 0 ? " " : "") + std::to_string(list.column_int64(0));
    }
    std::printf("%zu turnaround nodes%s%s\n", count, count > 0 ? ": " : "", ids.c_str());
    return 0;
}

int plan_make(Args& args) {
    dispatch::PlanRequest request;
    dispatch::PlanSearchOptions search;
    const auto district = args.take("--district");
    if (auto text = args.take("--vehicles")) {
        request.vehicles = split_list(*text);
        if (request.vehicles.empty()) {
            throw UsageError("plan: --vehicles names no vehicle");
        }
    }
    request.depot = args.take("--depot").value_or("");
    const auto start_text = args.take("--start");
    const auto deadlines = args.take_all("--deadline");
    if (auto text = args.take("--shift")) {
        request.shift_h = parse_non_negative(*text, "plan: --shift");
        if (*request.shift_h <= 0 || *request.shift_h > 48) {
            throw UsageError("plan: --shift must be between 0 and 48 hours");
        }
    }
    if (auto text = args.take("--load-km")) {
        request.load_limit_km = parse_non_negative(*text, "plan: --load-km");
    }
    if (auto text = args.take("--sites")) {
        request.sites = split_list(*text);
    }
    if (auto text = args.take("--turn-costs")) {
        const std::vector<std::string> costs = split_list(*text);
        if (costs.size() != 3) {
            throw UsageError("plan: --turn-costs '" + *text +
                             "' must be three numbers of seconds: LEFT,RIGHT,UTURN");
        }
        request.turns.left_s = parse_non_negative(costs[0], "plan: --turn-costs left");
        request.turns.right_s = parse_non_negative(costs[1], "plan: --turn-costs right");
        request.turns.u_turn_s = parse_non_negative(costs[2], "plan: --turn-costs U-turn");
    }
    if (auto text = args.take("--time-limit")) {
        search.time_limit_s = parse_non_negative(*text, "plan: --time-limit");
    }
    if (auto text = args.take("--rounds")) {
        search.rounds = parse_whole_number(*text, "plan: --rounds");
    }
    if (auto text = args.take("--seed")) {
        search.seed = parse_whole_number(*text, "plan: --seed");
    }
    if (auto text = args.take("--threads")) {
        const std::uint64_t threads = parse_whole_number(*text, "plan: --threads");
        if (threads == 0 || threads > 64) {
            throw UsageError("plan: --threads must be between 1 and 64");
        }
        search.threads = static_cast<unsigned>(threads);
    }
    request.name = args.take("--name").value_or("");
    const auto out = args.take("--out");
    const bool as_json = args.flag("--json");
    const auto files = args.positional(1, 1, "plan PROJECT --district D [options]");
    if (!district) {
        throw UsageError("plan: --district D is required");
    }
    request.district = *district;

    const std::int64_t now = dispatch::now_ms() / 60'000 * 60'000;
    request.start_ms = now;
    if (start_text) {
        if (start_text->size() == 5) {
            // A clock time alone means today (Japan time), even when it has passed: staff plan
            // tonight's 21:00 start before or after it.
            const std::int64_t day_ms = 86'400'000;
            const std::int64_t today = (now + jst_offset_ms) / day_ms * day_ms - jst_offset_ms;
            const auto at = parse_clock_ms(*start_text, today);
            if (!at) {
                throw UsageError("plan: --start '" + *start_text + "' is not HH:MM");
            }
            request.start_ms = *at;
        } else {
            const auto at = parse_time_ms(*start_text);
            if (!at) {
                throw UsageError("plan: --start '" + *start_text +
                                 "' is not a time (HH:MM, 'YYYY-MM-DD HH:MM' or ISO 8601)");
            }
            request.start_ms = *at;
        }
    }
    for (const std::string& d : deadlines) {
        const auto eq = d.find('=');
        const std::string cls = eq == std::string::npos ? "" : d.substr(0, eq);
        if (cls != "1" && cls != "2" && cls != "3") {
            throw UsageError("plan: --deadline '" + d +
                             "' must be CLASS=HH:MM with CLASS 1, 2 or 3");
        }
        const std::string when = d.substr(eq + 1);
        auto at = parse_clock_ms(when, request.start_ms);
        if (!at) {
            at = parse_time_ms(when);
        }
        if (!at) {
            throw UsageError("plan: --deadline '" + d + "': '" + when + "' is not a time");
        }
        request.deadlines_ms[std::stoi(cls)] = *at;
    }

    data::Project project = data::Project::open(files[0]);
    const auto model_start = std::chrono::steady_clock::now();
    const auto setup = dispatch::PlanSetup::load(project, request, search.threads);
    const double model_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - model_start).count();
    std::fprintf(stderr, "planning %zu tasks on %zu vehicles...\n", setup->problem().tasks().size(),
                 setup->problem().vehicles().size());
    const dispatch::PlanOutcome outcome = dispatch::solve_plan(setup->problem(), search);
    const std::int64_t id = dispatch::save_plan(project, *setup, outcome.routes, search.seed);
    const dispatch::StoredPlan plan = dispatch::load_plan(project, id);
    if (out) {
        write_file_atomically(*out, dispatch::plan_geojson(plan, setup->network()).dump() + "\n");
    }
    // Lower bounds: the plowing alone, shared perfectly over the plows, with no driving between.
    double speed_sum = 0.0;
    for (const auto& v : setup->problem().vehicles()) {
        speed_sum += v.speeds.work_kmh / 3.6;
    }
    std::array<double, 4> plowing_m{};
    for (const auto& t : setup->problem().tasks()) {
        plowing_m[static_cast<std::size_t>(gis::to_int(t.priority))] += t.length_m;
    }
    const double bound_class1_s = plowing_m[1] / speed_sum;
    const double bound_all_s = (plowing_m[1] + plowing_m[2] + plowing_m[3]) / speed_sum;
    const char* stop = outcome.stop == dispatch::PlanStop::finished ? "finished"
                       : outcome.stop == dispatch::PlanStop::time_limit
                           ? "stopped by the time limit"
                           : "cancelled";
    if (as_json) {
        nlohmann::json j = plan_json(plan);
        j["model_s"] = std::round(model_s * 100) / 100;
        j["search_s"] = std::round(outcome.seconds * 100) / 100;
        j["stop"] = stop;
        j["tasks"] = setup->problem().tasks().size();
        j["bound_s"] = {{"1", std::round(bound_class1_s)}, {"all", std::round(bound_all_s)}};
        std::printf("%s\n", j.dump(2).c_str());
        return 0;
    }
    print_plan(plan);
    std::printf("no plan can beat: class 1 %s, all %s after the start (plowing alone, shared "
                "perfectly)\n",
                duration_text(bound_class1_s).c_str(), duration_text(bound_all_s).c_str());
    std::printf("model %.1f s, search %.1f s, %s; %zu tasks (pass width %.1f m)\n", model_s,
                outcome.seconds, stop, setup->problem().tasks().size(),
                setup->problem().pass_width_m());
    std::printf("plan=%lld\n", static_cast<long long>(id));
    return 0;
}

} // namespace

int run_plan(Args& args) {
    const auto sub =
        args.take_subcommand({"sheet", "gpx", "list", "show", "export", "remove", "turnaround"});
    if (sub == "sheet") {
        return run_plan_sheet(args);
    }
    if (sub == "gpx") {
        return run_plan_gpx(args);
    }
    if (args.flag("--help")) {
        std::fputs(plan_usage, stdout);
        return 0;
    }
    if (sub == "list") {
        return plan_list(args);
    }
    if (sub == "show") {
        return plan_show(args);
    }
    if (sub == "export") {
        return plan_export(args);
    }
    if (sub == "remove") {
        return plan_remove(args);
    }
    if (sub == "turnaround") {
        return plan_turnaround(args);
    }
    return plan_make(args);
}

} // namespace ykm::cli

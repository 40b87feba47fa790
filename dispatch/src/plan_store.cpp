#include "ykm/dispatch/plan_store.hpp"

#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace ykm::dispatch {

namespace {

using nlohmann::json;

std::optional<std::int64_t> as_id(const std::string& text) {
    if (text.empty() || !std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    return std::stoll(text);
}

struct NamedPoint {
    std::int64_t id;
    std::string name;
    gis::XY position;
};

std::vector<NamedPoint> read_points(data::Database& db, const std::string& table) {
    data::Statement q(db, "SELECT id, name, X(geom), Y(geom) FROM " + table +
                              " WHERE geom IS NOT NULL ORDER BY id");
    std::vector<NamedPoint> out;
    while (q.step()) {
        out.push_back(
            {q.column_int64(0), q.column_text(1), {q.column_double(2), q.column_double(3)}});
    }
    return out;
}

/// The point named by `name_or_id` (its name, else its id); throws naming `what` otherwise.
const NamedPoint& find_point(const std::vector<NamedPoint>& points, const std::string& name_or_id,
                             const std::string& what) {
    for (const NamedPoint& p : points) {
        if (p.name == name_or_id) {
            return p;
        }
    }
    if (const auto id = as_id(name_or_id)) {
        for (const NamedPoint& p : points) {
            if (p.id == *id) {
                return p;
            }
        }
    }
    throw Error(what + " '" + name_or_id + "' does not exist");
}

/// The node nearest to `p` that a vehicle can leave and reach.
gis::NodeIndex nearest_node(const gis::RoadGraph& graph, gis::XY p) {
    std::vector<bool> reachable(graph.node_count(), false);
    for (gis::EdgeIndex e = 0; e < graph.edge_count(); ++e) {
        reachable[graph.edge(e).to] = true;
    }
    gis::NodeIndex best = 0;
    double best_d = std::numeric_limits<double>::infinity();
    for (gis::NodeIndex n = 0; n < graph.node_count(); ++n) {
        if (!reachable[n] || graph.out_edges(n).empty()) {
            continue;
        }
        const gis::XY q = graph.node_position(n);
        const double d = std::hypot(q.x - p.x, q.y - p.y);
        if (d < best_d) {
            best_d = d;
            best = n;
        }
    }
    if (!std::isfinite(best_d)) {
        throw Error("route plan: the road network has no drivable roads");
    }
    return best;
}

json request_json(const PlanRequest& r) {
    json deadlines = json::object();
    for (const auto& [c, ms] : r.deadlines_ms) {
        deadlines[std::to_string(c)] = ms;
    }
    return {{"district", r.district},
            {"vehicles", r.vehicles},
            {"depot", r.depot},
            {"start_ms", r.start_ms},
            {"deadlines_ms", deadlines},
            {"shift_h", r.shift_h ? json(*r.shift_h) : json(nullptr)},
            {"load_limit_km", r.load_limit_km},
            {"sites", r.sites},
            {"turns",
             {{"straight_s", r.turns.straight_s},
              {"left_s", r.turns.left_s},
              {"right_s", r.turns.right_s},
              {"u_turn_s", r.turns.u_turn_s}}},
            {"name", r.name}};
}

PlanRequest request_from_json(const json& j) {
    PlanRequest r;
    r.district = j.value("district", "");
    r.vehicles = j.value("vehicles", std::vector<std::string>{});
    r.depot = j.value("depot", "");
    r.start_ms = j.value("start_ms", std::int64_t{0});
    if (j.contains("deadlines_ms")) {
        for (const auto& [c, ms] : j["deadlines_ms"].items()) {
            r.deadlines_ms[std::stoi(c)] = ms.get<std::int64_t>();
        }
    }
    if (j.contains("shift_h") && j["shift_h"].is_number()) {
        r.shift_h = j["shift_h"].get<double>();
    }
    r.load_limit_km = j.value("load_limit_km", 0.0);
    r.sites = j.value("sites", std::vector<std::string>{});
    if (j.contains("turns")) {
        const json& t = j["turns"];
        r.turns.straight_s = t.value("straight_s", r.turns.straight_s);
        r.turns.left_s = t.value("left_s", r.turns.left_s);
        r.turns.right_s = t.value("right_s", r.turns.right_s);
        r.turns.u_turn_s = t.value("u_turn_s", r.turns.u_turn_s);
    }
    r.name = j.value("name", "");
    return r;
}

json optional_seconds(const std::optional<double>& s) {
    return s ? json(*s) : json(nullptr);
}

std::optional<double> seconds_from(const json& j) {
    return j.is_null() ? std::nullopt : std::optional<double>(j.get<double>());
}

json vehicle_summary_json(const VehiclePlanSummary& s) {
    return {{"end_s", s.end_s},
            {"service_m", s.service_m},
            {"deadhead_m", s.deadhead_m},
            {"service_s", s.service_s},
            {"deadhead_s", s.deadhead_s},
            {"tasks", s.task_count},
            {"site_visits", s.site_visits},
            {"overtime_s", s.overtime_s},
            {"class_done_s",
             {optional_seconds(s.class_done_s[1]), optional_seconds(s.class_done_s[2]),
              optional_seconds(s.class_done_s[3])}}};
}

VehiclePlanSummary vehicle_summary_from(const json& j) {
    VehiclePlanSummary s;
    s.end_s = j.value("end_s", 0.0);
    s.service_m = j.value("service_m", 0.0);
    s.deadhead_m = j.value("deadhead_m", 0.0);
    s.service_s = j.value("service_s", 0.0);
    s.deadhead_s = j.value("deadhead_s", 0.0);
    s.task_count = j.value("tasks", std::size_t{0});
    s.site_visits = j.value("site_visits", std::size_t{0});
    s.overtime_s = j.value("overtime_s", 0.0);
    for (std::size_t c = 1; c <= 3; ++c) {
        s.class_done_s[c] = seconds_from(j["class_done_s"][c - 1]);
    }
    return s;
}

json evaluation_json(const PlanEvaluation& e) {
    return {{"class_finish_s",
             {optional_seconds(e.class_finish_s[1]), optional_seconds(e.class_finish_s[2]),
              optional_seconds(e.class_finish_s[3])}},
            {"makespan_s", e.makespan_s},
            {"travel_s", e.travel_s},
            {"overtime_s", e.overtime_s},
            {"unserved", e.unserved},
            {"duplicated", e.duplicated}};
}

std::string kind_key(PlanStep::Kind k) {
    switch (k) {
    case PlanStep::Kind::service:
        return "service";
    case PlanStep::Kind::deadhead:
        return "deadhead";
    case PlanStep::Kind::site:
        return "site";
    }
    return "deadhead";
}

PlanStep::Kind parse_kind(const std::string& text) {
    if (text == "service") {
        return PlanStep::Kind::service;
    }
    return text == "site" ? PlanStep::Kind::site : PlanStep::Kind::deadhead;
}

std::string line_wkt(std::span<const gis::XY> points) {
    std::ostringstream out;
    out.precision(3);
    out << std::fixed << "LINESTRING(";
    for (std::size_t k = 0; k < points.size(); ++k) {
        out << (k > 0 ? ", " : "") << points[k].x << ' ' << points[k].y;
    }
    out << ')';
    return out.str();
}

void write_routes(data::Project& project, std::int64_t plan_id, const PlanSetup& setup,
                  const PlanRoutes& routes) {
    data::Database& db = project.database();
    const PlanProblem& problem = setup.problem();
    data::Statement route_insert(db, "INSERT INTO plan_routes (plan_id, route_index, vehicle_id, "
                                     "vehicle_code, services, summary) VALUES (?, ?, ?, ?, ?, ?)");
    data::Statement step_insert(
        db, "INSERT INTO plan_steps (plan_id, route_index, seq, kind, number, segment_id, forward, "
            "pass, site, priority, start_s, end_s, length_m, geom) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?, GeomFromText(?, " +
                std::to_string(project.crs().code) + "))");
    const PlanEvaluation evaluation = evaluate(problem, routes);
    for (std::size_t v = 0; v < problem.vehicles().size(); ++v) {
        const std::vector<std::uint32_t> empty;
        const auto& tasks = v < routes.tasks.size() ? routes.tasks[v] : empty;
        json services = json::array();
        for (const std::uint32_t t : tasks) {
            const PlanTask& task = problem.tasks()[t];
            services.push_back({task.segment_id, task.forward ? 1 : 0, task.pass});
        }
        route_insert.bind(1, plan_id)
            .bind(2, static_cast<std::int64_t>(v))
            .bind(3, problem.vehicles()[v].id)
            .bind(4, problem.vehicles()[v].code)
            .bind(5, services.dump())
            .bind(6, vehicle_summary_json(evaluation.vehicles[v]).dump())
            .run();
        const std::vector<PlanStep> steps = expand_route(problem, v, tasks);
        for (std::size_t k = 0; k < steps.size(); ++k) {
            const PlanStep& s = steps[k];
            step_insert.bind(1, plan_id)
                .bind(2, static_cast<std::int64_t>(v))
                .bind(3, static_cast<std::int64_t>(k))
                .bind(4, kind_key(s.kind))
                .bind(5, s.number);
            if (s.kind == PlanStep::Kind::site) {
                step_insert.bind_null(6).bind_null(7).bind(8, 0).bind(9,
                                                                      problem.sites()[s.site].id);
                step_insert.bind(10, 0).bind(11, s.start_s).bind(12, s.end_s).bind(13, 0.0);
                step_insert.bind_null(14);
            } else {
                step_insert.bind(6, s.segment_id)
                    .bind(7, s.forward ? 1 : 0)
                    .bind(8, s.pass)
                    .bind_null(9)
                    .bind(10, gis::to_int(s.priority))
                    .bind(11, s.start_s)
                    .bind(12, s.end_s)
                    .bind(13, s.length_m)
                    .bind(14, line_wkt(setup.graph().shape(s.edge)));
            }
            step_insert.run();
        }
    }
}

void require_plan(data::Database& db, std::int64_t plan_id) {
    data::Statement exists(db, "SELECT count(*) FROM plans WHERE id = ?");
    exists.bind(1, plan_id);
    exists.step();
    if (exists.column_int64(0) == 0) {
        throw Error("plan " + std::to_string(plan_id) + " does not exist");
    }
}

json plan_summary(const PlanSetup& setup, const PlanRoutes& routes) {
    json j = evaluation_json(evaluate(setup.problem(), routes));
    json left_out = json::array();
    for (const auto& [segment, forward] : setup.problem().unreachable()) {
        left_out.push_back({segment, forward ? 1 : 0});
    }
    j["unreachable"] = left_out;
    return j;
}

} // namespace

std::unique_ptr<PlanSetup> PlanSetup::load(data::Project& project, const PlanRequest& request,
                                           unsigned threads, const PlanBuildControl& control) {
    std::unique_ptr<PlanSetup> setup(new PlanSetup());
    setup->m_request = request;
    Fleet fleet(project);
    const auto district = fleet.find_district(request.district);
    if (!district) {
        throw Error("district '" + request.district + "' does not exist");
    }
    setup->m_district_id = *district;
    setup->m_district_name = fleet.district_name(*district).value_or(request.district);
    setup->m_network = project.load_road_network();
    setup->m_graph = std::make_unique<gis::RoadGraph>(setup->m_network);
    const gis::RoadGraph& graph = *setup->m_graph;

    std::int64_t max_id = 0;
    for (const gis::RoadSegment& s : setup->m_network.segments) {
        max_id = std::max(max_id, s.id);
    }
    setup->m_segment_index.assign(static_cast<std::size_t>(max_id) + 1, 0);
    for (std::size_t k = 0; k < setup->m_network.segments.size(); ++k) {
        setup->m_segment_index[static_cast<std::size_t>(setup->m_network.segments[k].id)] = k;
    }

    PlanModelInput input;
    data::Statement required(project.database(),
                             "SELECT id FROM road_segments WHERE district_id = ? AND priority IN "
                             "(1, 2, 3) ORDER BY id");
    required.bind(1, *district);
    gis::XY sum{0, 0};
    while (required.step()) {
        const std::int64_t id = required.column_int64(0);
        input.required_segments.push_back(id);
        const auto& points =
            setup->m_network.segments[setup->m_segment_index[static_cast<std::size_t>(id)]].points;
        sum.x += points.front().x;
        sum.y += points.front().y;
    }
    if (input.required_segments.empty()) {
        throw Error("district '" + setup->m_district_name +
                    "' has no roads of priority class 1-3 to plan");
    }
    const gis::XY centre{sum.x / static_cast<double>(input.required_segments.size()),
                         sum.y / static_cast<double>(input.required_segments.size())};

    // The depot: the one named for all, else each plow's home depot, else the one nearest to
    // the district's roads.
    const std::vector<NamedPoint> depots = read_points(project.database(), "depots");
    if (depots.empty()) {
        throw Error("the project has no depots: add one (ykm add-layer ... depots) to plan from");
    }
    const NamedPoint* nearest = &depots.front();
    {
        double best = std::numeric_limits<double>::infinity();
        for (const NamedPoint& d : depots) {
            const double dist = std::hypot(d.position.x - centre.x, d.position.y - centre.y);
            if (dist < best) {
                best = dist;
                nearest = &d;
            }
        }
    }
    const NamedPoint* named =
        request.depot.empty() ? nullptr : &find_point(depots, request.depot, "depot");
    std::map<std::int64_t, gis::NodeIndex> depot_nodes;
    auto node_of_depot = [&](const NamedPoint& d) {
        const auto it = depot_nodes.find(d.id);
        if (it != depot_nodes.end()) {
            return it->second;
        }
        return depot_nodes[d.id] = nearest_node(graph, d.position);
    };

    std::vector<Vehicle> chosen;
    if (request.vehicles.empty()) {
        // Small machines clear sidewalks, not the carriageway: they plan only when named.
        for (const Vehicle& v : fleet.vehicles()) {
            if (v.district_id == *district && v.type != MachineType::small_machine) {
                chosen.push_back(v);
            }
        }
        if (chosen.empty()) {
            throw Error("district '" + setup->m_district_name +
                        "' has no vehicles assigned: name them with --vehicles");
        }
    } else {
        for (const std::string& code : request.vehicles) {
            const auto v = fleet.vehicle_by_code(code);
            if (!v) {
                throw Error("vehicle '" + code + "' does not exist");
            }
            chosen.push_back(*v);
        }
    }
    if (request.shift_h && !(*request.shift_h > 0.0)) {
        throw Error("shift length must be positive, not " + std::to_string(*request.shift_h));
    }
    for (const Vehicle& v : chosen) {
        const NamedPoint* depot = named;
        if (depot == nullptr && v.depot_id) {
            const auto home = std::ranges::find(depots, *v.depot_id, &NamedPoint::id);
            depot = home != depots.end() ? &*home : nullptr;
        }
        if (depot == nullptr) {
            depot = nearest;
        }
        PlanVehicle pv;
        pv.id = v.id;
        pv.code = v.code;
        pv.type = v.type;
        pv.plow_width_m = v.plow_width_m;
        pv.speeds = default_speeds(v.type);
        pv.shift_s = request.shift_h.value_or(v.shift_h.value_or(8.0)) * 3600.0;
        pv.depot_node = node_of_depot(*depot);
        pv.depot_id = depot->id;
        input.vehicles.push_back(pv);
    }

    if (request.load_limit_km < 0.0) {
        throw Error("load limit must not be negative");
    }
    if (request.load_limit_km > 0.0) {
        input.load_limit_m = request.load_limit_km * 1000.0;
        const std::vector<NamedPoint> sites = read_points(project.database(), "dump_sites");
        std::vector<const NamedPoint*> used;
        if (request.sites.empty()) {
            for (const NamedPoint& s : sites) {
                used.push_back(&s);
            }
        } else {
            for (const std::string& name : request.sites) {
                used.push_back(&find_point(sites, name, "dump site"));
            }
        }
        if (used.empty()) {
            throw Error("a load limit needs dump or refill sites, and the project has none");
        }
        for (const NamedPoint* s : used) {
            input.sites.push_back({s->id, s->name, nearest_node(graph, s->position)});
        }
    }

    data::Statement turnaround(project.database(),
                               "SELECT id FROM road_nodes WHERE turnaround = 1");
    std::vector<std::int64_t> turnaround_ids;
    while (turnaround.step()) {
        turnaround_ids.push_back(turnaround.column_int64(0));
    }
    for (std::size_t n = 0; n < setup->m_network.nodes.size(); ++n) {
        if (std::ranges::find(turnaround_ids, setup->m_network.nodes[n].id) !=
            turnaround_ids.end()) {
            input.turnaround_nodes.push_back(static_cast<gis::NodeIndex>(n));
        }
    }
    input.turns = request.turns;
    const PlanSetup* self = setup.get();
    input.width_of = [self](std::int64_t id) {
        return self->m_network.segments[self->m_segment_index[static_cast<std::size_t>(id)]]
            .attributes.width_m;
    };
    input.lanes_of = [self](std::int64_t id) {
        return self->m_network.segments[self->m_segment_index[static_cast<std::size_t>(id)]]
            .attributes.lanes;
    };
    setup->m_problem = std::make_unique<PlanProblem>(graph, std::move(input), threads, control);
    return setup;
}

const std::string& PlanSetup::street_name(std::int64_t segment_id) const {
    static const std::string none;
    if (segment_id < 0 || static_cast<std::size_t>(segment_id) >= m_segment_index.size()) {
        return none;
    }
    const gis::RoadSegment& s =
        m_network.segments[m_segment_index[static_cast<std::size_t>(segment_id)]];
    return s.id == segment_id ? s.attributes.name : none;
}

std::int64_t save_plan(data::Project& project, const PlanSetup& setup, const PlanRoutes& routes,
                       std::uint64_t seed) {
    data::Database& db = project.database();
    data::Transaction tx(db);
    std::string name = setup.request().name;
    if (name.empty()) {
        std::string start = format_time_utc(setup.request().start_ms + 9 * 3'600'000).substr(0, 16);
        std::ranges::replace(start, 'T', ' ');
        name = setup.district_name() + " " + start + " JST";
    }
    data::Statement insert(db, "INSERT INTO plans (name, district_id, created_ms, start_ms, seed, "
                               "request, summary) VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, name)
        .bind(2, setup.district_id())
        .bind(3, now_ms())
        .bind(4, setup.request().start_ms)
        .bind(5, static_cast<std::int64_t>(seed))
        .bind(6, request_json(setup.request()).dump())
        .bind(7, plan_summary(setup, routes).dump())
        .run();
    data::Statement last(db, "SELECT last_insert_rowid()");
    last.step();
    const std::int64_t id = last.column_int64(0);
    write_routes(project, id, setup, routes);
    tx.commit();
    return id;
}

void update_plan(data::Project& project, std::int64_t plan_id, const PlanSetup& setup,
                 const PlanRoutes& routes) {
    data::Database& db = project.database();
    data::Transaction tx(db);
    require_plan(db, plan_id);
    for (const char* table : {"plan_steps", "plan_routes"}) {
        data::Statement remove(db, std::string("DELETE FROM ") + table + " WHERE plan_id = ?");
        remove.bind(1, plan_id).run();
    }
    data::Statement summary(db, "UPDATE plans SET summary = ? WHERE id = ?");
    summary.bind(1, plan_summary(setup, routes).dump()).bind(2, plan_id).run();
    write_routes(project, plan_id, setup, routes);
    tx.commit();
}

StoredPlan load_plan(data::Project& project, std::int64_t plan_id) {
    data::Database& db = project.database();
    data::Statement head(db, "SELECT name, district_id, created_ms, start_ms, seed, request, "
                             "summary FROM plans WHERE id = ?");
    head.bind(1, plan_id);
    if (!head.step()) {
        throw Error("plan " + std::to_string(plan_id) + " does not exist");
    }
    StoredPlan plan;
    plan.id = plan_id;
    plan.name = head.column_text(0);
    plan.district_id = head.column_optional_int64(1).value_or(0);
    plan.created_ms = head.column_int64(2);
    plan.start_ms = head.column_int64(3);
    plan.seed = static_cast<std::uint64_t>(head.column_int64(4));
    plan.request = request_from_json(json::parse(head.column_text(5)));
    const json summary = json::parse(head.column_text(6));
    for (std::size_t c = 1; c <= 3; ++c) {
        plan.evaluation.class_finish_s[c] = seconds_from(summary["class_finish_s"][c - 1]);
    }
    plan.evaluation.makespan_s = summary.value("makespan_s", 0.0);
    plan.evaluation.travel_s = summary.value("travel_s", 0.0);
    plan.evaluation.overtime_s = summary.value("overtime_s", 0.0);
    plan.evaluation.unserved = summary.value("unserved", std::size_t{0});
    plan.evaluation.duplicated = summary.value("duplicated", std::size_t{0});
    if (summary.contains("unreachable")) {
        for (const json& u : summary["unreachable"]) {
            plan.unreachable.emplace_back(u[0].get<std::int64_t>(), u[1].get<int>() != 0);
        }
    }

    data::Statement routes(db, "SELECT vehicle_id, vehicle_code, services, summary FROM "
                               "plan_routes WHERE plan_id = ? ORDER BY route_index");
    routes.bind(1, plan_id);
    while (routes.step()) {
        StoredPlan::Route r;
        r.vehicle_id = routes.column_int64(0);
        r.vehicle_code = routes.column_text(1);
        for (const json& s : json::parse(routes.column_text(2))) {
            r.services.push_back({s[0].get<std::int64_t>(), s[1].get<int>() != 0, s[2].get<int>()});
        }
        r.summary = vehicle_summary_from(json::parse(routes.column_text(3)));
        plan.evaluation.vehicles.push_back(r.summary);
        plan.routes.push_back(std::move(r));
    }
    data::Statement steps(db, "SELECT route_index, kind, number, segment_id, forward, pass, site, "
                              "priority, start_s, end_s, length_m FROM plan_steps WHERE plan_id = "
                              "? ORDER BY route_index, seq");
    steps.bind(1, plan_id);
    while (steps.step()) {
        const auto index = static_cast<std::size_t>(steps.column_int64(0));
        if (index >= plan.routes.size()) {
            continue;
        }
        PlanStep s;
        s.kind = parse_kind(steps.column_text(1));
        s.number = steps.column_int(2);
        s.segment_id = steps.column_optional_int64(3).value_or(0);
        s.forward = steps.column_optional_int64(4).value_or(1) != 0;
        s.pass = steps.column_int(5);
        s.site = static_cast<std::size_t>(steps.column_optional_int64(6).value_or(0));
        s.priority = static_cast<gis::PriorityClass>(steps.column_int(7));
        s.start_s = steps.column_double(8);
        s.end_s = steps.column_double(9);
        s.length_m = steps.column_double(10);
        plan.routes[index].steps.push_back(s);
    }
    return plan;
}

std::vector<PlanListing> list_plans(data::Project& project) {
    data::Statement q(project.database(),
                      "SELECT p.id, p.name, coalesce(d.name, ''), p.created_ms, p.start_ms, "
                      "(SELECT count(*) FROM plan_routes r WHERE r.plan_id = p.id), p.summary "
                      "FROM plans p LEFT JOIN districts d ON d.id = p.district_id ORDER BY p.id");
    std::vector<PlanListing> out;
    while (q.step()) {
        PlanListing l;
        l.id = q.column_int64(0);
        l.name = q.column_text(1);
        l.district = q.column_text(2);
        l.created_ms = q.column_int64(3);
        l.start_ms = q.column_int64(4);
        l.vehicles = static_cast<std::size_t>(q.column_int64(5));
        l.makespan_s = json::parse(q.column_text(6)).value("makespan_s", 0.0);
        out.push_back(std::move(l));
    }
    return out;
}

void remove_plan(data::Project& project, std::int64_t plan_id) {
    data::Database& db = project.database();
    data::Transaction tx(db);
    require_plan(db, plan_id);
    for (const char* table : {"plan_steps", "plan_routes", "plans"}) {
        data::Statement remove(
            db, std::string("DELETE FROM ") + table +
                    (std::string(table) == "plans" ? " WHERE id = ?" : " WHERE plan_id = ?"));
        remove.bind(1, plan_id).run();
    }
    tx.commit();
}

PlanRoutes routes_of(const PlanSetup& setup, const StoredPlan& plan, std::size_t* missing) {
    const PlanProblem& problem = setup.problem();
    std::map<std::tuple<std::int64_t, bool, int>, std::uint32_t> task_index;
    for (std::uint32_t t = 0; t < problem.tasks().size(); ++t) {
        const PlanTask& task = problem.tasks()[t];
        task_index[{task.segment_id, task.forward, task.pass}] = t;
    }
    PlanRoutes routes;
    routes.tasks.assign(problem.vehicles().size(), {});
    std::size_t lost = 0;
    for (const StoredPlan::Route& r : plan.routes) {
        const auto v = std::ranges::find(problem.vehicles(), r.vehicle_id, &PlanVehicle::id);
        if (v == problem.vehicles().end()) {
            lost += r.services.size();
            continue;
        }
        auto& tasks = routes.tasks[static_cast<std::size_t>(v - problem.vehicles().begin())];
        for (const StoredPlan::Route::Service& s : r.services) {
            const auto it = task_index.find({s.segment_id, s.forward, s.pass});
            if (it == task_index.end()) {
                ++lost;
            } else {
                tasks.push_back(it->second);
            }
        }
    }
    if (missing != nullptr) {
        *missing = lost;
    }
    return routes;
}

json plan_geojson(const StoredPlan& plan, const gis::RoadNetwork& network) {
    const gis::CoordinateTransform to_wgs84(network.crs, gis::Epsg{4326});
    std::map<std::int64_t, const gis::RoadSegment*> segments;
    for (const gis::RoadSegment& s : network.segments) {
        segments[s.id] = &s;
    }
    auto iso = [&](double s) {
        return format_time_utc(plan.start_ms + static_cast<std::int64_t>(std::llround(s * 1000)));
    };
    json features = json::array();
    for (const StoredPlan::Route& r : plan.routes) {
        for (std::size_t k = 0; k < r.steps.size(); ++k) {
            const PlanStep& s = r.steps[k];
            if (s.kind == PlanStep::Kind::site) {
                continue;
            }
            const auto it = segments.find(s.segment_id);
            if (it == segments.end()) {
                continue;
            }
            std::vector<gis::XY> points = it->second->points;
            if (!s.forward) {
                std::ranges::reverse(points);
            }
            to_wgs84.forward(points);
            json coordinates = json::array();
            for (const gis::XY& p : points) {
                coordinates.push_back({std::round(p.x * 1e7) / 1e7, std::round(p.y * 1e7) / 1e7});
            }
            features.push_back(
                {{"type", "Feature"},
                 {"geometry", {{"type", "LineString"}, {"coordinates", coordinates}}},
                 {"properties",
                  {{"vehicle", r.vehicle_code},
                   {"seq", k},
                   {"kind", kind_key(s.kind)},
                   {"number", s.number},
                   {"segment", s.segment_id},
                   {"forward", s.forward},
                   {"pass", s.pass},
                   {"class", gis::to_int(s.priority)},
                   {"start", iso(s.start_s)},
                   {"end", iso(s.end_s)},
                   {"length_m", std::round(s.length_m * 10) / 10}}}});
        }
    }
    json vehicles = json::array();
    for (const StoredPlan::Route& r : plan.routes) {
        json v = vehicle_summary_json(r.summary);
        v["vehicle"] = r.vehicle_code;
        vehicles.push_back(v);
    }
    json summary = evaluation_json(plan.evaluation);
    summary["plan"] = plan.id;
    summary["name"] = plan.name;
    summary["start"] = format_time_utc(plan.start_ms);
    summary["vehicles"] = vehicles;
    return {{"type", "FeatureCollection"}, {"summary", summary}, {"features", features}};
}

} // namespace ykm::dispatch

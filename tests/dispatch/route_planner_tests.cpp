#include "ykm/dispatch/route_planner.hpp"

#include "plan_checker.hpp"

#include "ykm/data/demo_town.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>
#include <set>
#include <tuple>

using namespace ykm;
using dispatch::PlanModelInput;
using dispatch::PlanProblem;
using dispatch::PlanRoutes;
using dispatch::PlanStep;
using dispatch::TurnKind;
using gis::PriorityClass;
using test::check_plan;

namespace ykm::dispatch {
// Printed by failing checks.
inline std::ostream& operator<<(std::ostream& out, TurnKind k) {
    return out << "turn " << static_cast<int>(k);
}
inline std::ostream& operator<<(std::ostream& out, PlanStop s) {
    return out << "stop " << static_cast<int>(s);
}
} // namespace ykm::dispatch

namespace {

gis::RoadSegment road(std::int64_t id, std::int64_t from, std::int64_t to, gis::Polyline points,
                      PriorityClass priority, bool oneway = false) {
    gis::RoadSegment s;
    s.id = id;
    s.from_node = from;
    s.to_node = to;
    s.points = std::move(points);
    s.attributes.priority = priority;
    s.attributes.oneway = oneway;
    s.length_m = gis::planar_length(s.points);
    return s;
}

// A crossing: node 1 at the centre, arms 100 m long to dead ends 2 (north), 3 (east), 4 (south)
// and 5 (west). Segment 1 runs south → centre, 2 centre → north, 3 centre → east, 4 west →
// centre.
gis::RoadNetwork crossing() {
    gis::RoadNetwork n;
    n.crs = gis::Epsg{6678};
    n.nodes = {{1, {0, 0}, ""},
               {2, {0, 100}, ""},
               {3, {100, 0}, ""},
               {4, {0, -100}, ""},
               {5, {-100, 0}, ""}};
    n.segments = {road(1, 4, 1, {{0, -100}, {0, 0}}, PriorityClass::first),
                  road(2, 1, 2, {{0, 0}, {0, 100}}, PriorityClass::first),
                  road(3, 1, 3, {{0, 0}, {100, 0}}, PriorityClass::second),
                  road(4, 5, 1, {{-100, 0}, {0, 0}}, PriorityClass::third)};
    return n;
}

dispatch::PlanVehicle plow(const std::string& code, gis::NodeIndex depot, double width_m = 3.5) {
    dispatch::PlanVehicle v;
    v.code = code;
    v.plow_width_m = width_m;
    v.speeds = {15.0, 30.0};
    v.depot_node = depot;
    return v;
}

// The task index of (segment, direction, pass), or -1.
int task_of(const PlanProblem& p, std::int64_t segment, bool forward, int pass = 1) {
    for (std::size_t t = 0; t < p.tasks().size(); ++t) {
        const auto& task = p.tasks()[t];
        if (task.segment_id == segment && task.forward == forward && task.pass == pass) {
            return static_cast<int>(t);
        }
    }
    return -1;
}

PlanModelInput crossing_input(std::vector<std::int64_t> segments) {
    PlanModelInput in;
    in.required_segments = std::move(segments);
    in.vehicles = {plow("A", 0)};
    in.width_of = [](std::int64_t) { return std::optional<double>(6.0); };
    return in;
}

// A generated town's network and the class 1-3 segments in a square of it.
struct Town {
    gis::RoadNetwork network;
    std::unique_ptr<gis::RoadGraph> graph;
    std::vector<std::int64_t> required;
    gis::NodeIndex depot = 0;
};

Town town_part(double half_size_m) {
    Town t;
    t.network = data::generate_demo_town(7, data::TownSize::small).network;
    t.graph = std::make_unique<gis::RoadGraph>(t.network);
    gis::Box box = gis::Box::empty();
    for (const auto& n : t.network.nodes) {
        box.extend(n.position);
    }
    const gis::XY centre{(box.min_x + box.max_x) / 2, (box.min_y + box.max_y) / 2};
    for (const auto& s : t.network.segments) {
        const gis::XY a = s.points.front();
        if (s.attributes.priority != PriorityClass::none &&
            std::abs(a.x - centre.x) < half_size_m && std::abs(a.y - centre.y) < half_size_m) {
            t.required.push_back(s.id);
        }
    }
    double best = 1e300;
    for (gis::NodeIndex n = 0; n < t.graph->node_count(); ++n) {
        const gis::XY p = t.graph->node_position(n);
        const double d = std::hypot(p.x - centre.x, p.y - centre.y);
        if (d < best && !t.graph->out_edges(n).empty()) {
            best = d;
            t.depot = n;
        }
    }
    return t;
}

} // namespace

BOOST_AUTO_TEST_SUITE(route_planner_tests)

BOOST_AUTO_TEST_CASE(classifies_turns_for_left_hand_traffic) {
    BOOST_TEST(dispatch::classify_turn(0, 10) == TurnKind::straight);
    BOOST_TEST(dispatch::classify_turn(350, 15) == TurnKind::straight);
    BOOST_TEST(dispatch::classify_turn(0, 90) == TurnKind::right);
    BOOST_TEST(dispatch::classify_turn(0, 270) == TurnKind::left);
    BOOST_TEST(dispatch::classify_turn(270, 0) == TurnKind::right);
    BOOST_TEST(dispatch::classify_turn(90, 265) == TurnKind::u_turn);
    BOOST_TEST(dispatch::classify_turn(90, 235) == TurnKind::right);
}

BOOST_AUTO_TEST_CASE(charges_turns_and_forbids_u_turns_at_crossings) {
    const gis::RoadNetwork n = crossing();
    const gis::RoadGraph g(n);
    const PlanProblem p(g, crossing_input({1, 2, 3, 4}));
    const auto north_in = *g.find_edge(1, true); // heading north into the centre
    BOOST_TEST(*p.turn_cost_s(north_in, *g.find_edge(2, true)) == 0.0);  // straight
    BOOST_TEST(*p.turn_cost_s(north_in, *g.find_edge(3, true)) == 12.0); // right: crosses
    BOOST_TEST(*p.turn_cost_s(north_in, *g.find_edge(4, false)) == 4.0); // left
    BOOST_TEST(!p.turn_cost_s(north_in, *g.find_edge(1, false)).has_value());
    // At the dead end in the north a plow turns back.
    BOOST_TEST(*p.turn_cost_s(*g.find_edge(2, true), *g.find_edge(2, false)) == 30.0);

    // From the end of the south arm's northbound task: into the east arm is a right turn, into
    // the west arm a left turn, both without driving.
    const int south_in = task_of(p, 1, true);
    BOOST_TEST(p.travel_s(south_in, task_of(p, 3, true)) == 12.0F);
    BOOST_TEST(p.travel_s(south_in, task_of(p, 4, false)) == 4.0F);
    // Back down the same arm: no U-turn at the crossing, so up the north arm (100 m), turn at
    // its dead end, and back (100 m): 200 m at 30 km/h = 24 s, plus 30 s for the U-turn.
    const int south_out = task_of(p, 1, false);
    BOOST_TEST(std::abs(p.travel_s(south_in, south_out) - 54.0F) < 1e-3F);
    BOOST_TEST(std::abs(p.travel_m(south_in, south_out) - 200.0F) < 1e-3F);
}

BOOST_AUTO_TEST_CASE(turns_back_at_a_marked_turnaround) {
    const gis::RoadNetwork n = crossing();
    const gis::RoadGraph g(n);
    PlanModelInput in = crossing_input({1});
    in.turnaround_nodes = {0}; // the centre
    const PlanProblem p(g, std::move(in));
    BOOST_TEST(p.travel_s(task_of(p, 1, true), task_of(p, 1, false)) == 30.0F);
    BOOST_TEST(p.travel_m(task_of(p, 1, true), task_of(p, 1, false)) == 0.0F);
}

BOOST_AUTO_TEST_CASE(counts_passes_by_road_width_and_plow_width) {
    gis::RoadNetwork n = crossing();
    n.segments[2].attributes.oneway = true; // the east arm: one way, centre → east,
    // and a road (not to be plowed) from its end to the north end, so that there is a way back.
    n.segments.push_back(road(5, 3, 2, {{100, 0}, {0, 100}}, PriorityClass::none));
    const gis::RoadGraph g(n);
    PlanModelInput in;
    in.required_segments = {1, 2, 3, 4};
    in.vehicles = {plow("wide", 0, 3.5), plow("narrow", 0, 2.5)};
    in.turnaround_nodes = {1, 2, 3, 4}; // the arms' ends
    std::map<std::int64_t, double> widths{{1, 7.0}, {3, 6.0}};
    in.width_of = [&](std::int64_t id) {
        const auto it = widths.find(id);
        return it == widths.end() ? std::nullopt : std::optional<double>(it->second);
    };
    in.lanes_of = [](std::int64_t id) { return id == 2 ? std::optional<int>(4) : std::nullopt; };
    const PlanProblem p(g, std::move(in));
    BOOST_TEST(p.pass_width_m() == 2.5); // the narrowest plow
    auto passes = [&](std::int64_t segment, bool forward) {
        const int t = task_of(p, segment, forward);
        return t < 0 ? 0 : p.tasks()[static_cast<std::size_t>(t)].passes;
    };
    BOOST_TEST(passes(1, true) == 2); // 7 m two-way: 3.5 m a side, 2 passes of 2.5 m
    BOOST_TEST(passes(1, false) == 2);
    BOOST_TEST(passes(2, true) == 3);  // 4 lanes × 3 m = 12 m: 6 m a side
    BOOST_TEST(passes(3, true) == 3);  // one way, 6 m across
    BOOST_TEST(passes(3, false) == 0); // never served against a one-way street
    BOOST_TEST(passes(4, true) == 1);  // no width or lanes: class 3's 5 m, 2.5 m a side
    BOOST_TEST(p.tasks().size() == 4U + 6U + 3U + 2U);
}

BOOST_AUTO_TEST_CASE(refuses_what_cannot_be_planned) {
    gis::RoadNetwork n = crossing();
    n.segments.push_back(road(5, 2, 3, {{0, 100}, {100, 0}}, PriorityClass::none));
    const gis::RoadGraph g(n);
    BOOST_CHECK_THROW(PlanProblem(g, crossing_input({5})), Error);  // no class
    BOOST_CHECK_THROW(PlanProblem(g, crossing_input({99})), Error); // no such segment
    PlanModelInput none = crossing_input({1});
    none.vehicles.clear();
    BOOST_CHECK_THROW(PlanProblem(g, std::move(none)), Error);
    // A one-way street out of a dead end that cannot be left again.
    gis::RoadNetwork trap = crossing();
    trap.nodes.push_back({6, {200, 0}, ""});
    trap.segments.push_back(road(6, 3, 6, {{100, 0}, {200, 0}}, PriorityClass::third, true));
    const gis::RoadGraph tg(trap);
    BOOST_CHECK_THROW(PlanProblem(tg, crossing_input({6})), Error); // nothing left to plow
    const PlanProblem rest(tg, crossing_input({1, 6}));
    BOOST_TEST(rest.tasks().size() == 2U);
    BOOST_TEST_REQUIRE(rest.unreachable().size() == 1U);
    BOOST_TEST(rest.unreachable()[0].first == 6);
    BOOST_TEST(rest.unreachable()[0].second);
}

BOOST_AUTO_TEST_CASE(serves_class_one_before_the_rest_and_returns_to_the_depot) {
    const gis::RoadNetwork n = crossing();
    const gis::RoadGraph g(n);
    const PlanProblem p(g, crossing_input({1, 2, 3, 4}));
    dispatch::PlanSearchOptions o;
    o.rounds = 50;
    const auto out = dispatch::solve_plan(p, o);
    check_plan(p, out.routes);
    // Class 1 tasks come before every class 2 and 3 task in the route.
    const auto& route = out.routes.tasks[0];
    bool later_class_seen = false;
    for (const std::uint32_t t : route) {
        const bool first = p.tasks()[t].priority == PriorityClass::first;
        BOOST_TEST(!(first && later_class_seen));
        later_class_seen = later_class_seen || !first;
    }
    BOOST_TEST(*out.evaluation.class_finish_s[1] < *out.evaluation.class_finish_s[2]);
    BOOST_TEST(*out.evaluation.class_finish_s[2] < *out.evaluation.class_finish_s[3]);
}

BOOST_AUTO_TEST_CASE(local_search_leaves_no_improving_relocation_or_swap) {
    // One vehicle, one class: then the search's objective is the whole objective, and no
    // single move of a task to another place, nor a swap of two, may improve the plan.
    Town t = town_part(250);
    std::vector<std::int64_t> class_one;
    for (const std::int64_t id : t.required) {
        const auto e = t.graph->find_edge(id, true);
        if (e && t.graph->edge(*e).priority == PriorityClass::first) {
            class_one.push_back(id);
        }
    }
    BOOST_TEST_REQUIRE(class_one.size() >= 4U);
    PlanModelInput in;
    in.required_segments = class_one;
    in.vehicles = {plow("A", t.depot, 4.0)};
    const PlanProblem p(*t.graph, std::move(in));
    dispatch::PlanSearchOptions o;
    o.rounds = 30;
    const auto out = dispatch::solve_plan(p, o);
    const auto& route = out.routes.tasks[0];
    BOOST_TEST_REQUIRE(route.size() == p.tasks().size());
    for (std::size_t i = 0; i < route.size(); ++i) {
        for (std::size_t j = 0; j < route.size(); ++j) {
            PlanRoutes moved = out.routes;
            auto& r = moved.tasks[0];
            const std::uint32_t x = r[i];
            r.erase(r.begin() + static_cast<std::ptrdiff_t>(i));
            r.insert(r.begin() + static_cast<std::ptrdiff_t>(j), x);
            BOOST_TEST_REQUIRE(!dispatch::better(dispatch::evaluate(p, moved), out.evaluation));
            PlanRoutes swapped = out.routes;
            std::swap(swapped.tasks[0][i], swapped.tasks[0][j]);
            BOOST_TEST_REQUIRE(!dispatch::better(dispatch::evaluate(p, swapped), out.evaluation));
        }
    }
}

BOOST_AUTO_TEST_CASE(plans_a_town_part_that_the_checker_accepts_and_is_deterministic) {
    Town t = town_part(400);
    PlanModelInput in;
    in.required_segments = t.required;
    in.vehicles = {plow("A", t.depot), plow("B", t.depot), plow("C", t.depot)};
    const PlanProblem p(*t.graph, std::move(in), 2);
    dispatch::PlanSearchOptions o;
    o.rounds = 40;
    o.seed = 5;
    const auto first = dispatch::solve_plan(p, o);
    BOOST_TEST(first.stop == dispatch::PlanStop::finished);
    BOOST_TEST(check_plan(p, first.routes) == p.tasks().size());
    BOOST_TEST(first.evaluation.unserved == 0U);
    const auto again = dispatch::solve_plan(p, o);
    BOOST_TEST((again.routes == first.routes));
    // The work is shared: no vehicle idles while another does all.
    for (const auto& v : first.evaluation.vehicles) {
        BOOST_TEST(v.task_count > 0U);
        BOOST_TEST(v.end_s > 0.5 * first.evaluation.makespan_s);
    }
    // A second thread may only find a better plan for each class, never a worse one.
    o.threads = 2;
    const auto two = dispatch::solve_plan(p, o);
    BOOST_TEST(*two.evaluation.class_finish_s[1] <= *first.evaluation.class_finish_s[1] + 1e-3);
}

BOOST_AUTO_TEST_CASE(adding_a_class_three_road_never_delays_class_one) {
    Town t = town_part(400);
    std::vector<std::int64_t> without;
    std::optional<std::int64_t> extra;
    for (const std::int64_t id : t.required) {
        const auto e = t.graph->find_edge(id, true) ? t.graph->find_edge(id, true)
                                                    : t.graph->find_edge(id, false);
        if (!extra && t.graph->edge(*e).priority == PriorityClass::third) {
            extra = id;
        } else {
            without.push_back(id);
        }
    }
    BOOST_TEST_REQUIRE(extra.has_value());
    auto plan = [&](std::vector<std::int64_t> segments) {
        PlanModelInput in;
        in.required_segments = std::move(segments);
        in.vehicles = {plow("A", t.depot), plow("B", t.depot)};
        const PlanProblem p(*t.graph, std::move(in));
        dispatch::PlanSearchOptions o;
        o.rounds = 30;
        return dispatch::solve_plan(p, o).evaluation;
    };
    const auto before = plan(without);
    std::vector<std::int64_t> with = without;
    with.push_back(*extra);
    const auto after = plan(with);
    BOOST_TEST(*after.class_finish_s[1] <= *before.class_finish_s[1] + 1e-6);
    BOOST_TEST(*after.class_finish_s[3] >= 0.0);
}

BOOST_AUTO_TEST_CASE(visits_a_site_when_the_load_limit_is_reached) {
    Town t = town_part(300);
    PlanModelInput in;
    in.required_segments = t.required;
    in.vehicles = {plow("A", t.depot), plow("B", t.depot)};
    in.sites = {{1, "dump", t.depot}};
    in.load_limit_m = 1500.0;
    const PlanProblem p(*t.graph, std::move(in));
    dispatch::PlanSearchOptions o;
    o.rounds = 20;
    const auto out = dispatch::solve_plan(p, o);
    check_plan(p, out.routes);
    std::size_t visits = 0;
    for (std::size_t v = 0; v < 2; ++v) {
        double load = 0.0;
        for (const PlanStep& s : dispatch::expand_route(p, v, out.routes.tasks[v])) {
            if (s.kind == PlanStep::Kind::site) {
                ++visits;
                load = 0.0;
            } else if (s.kind == PlanStep::Kind::service) {
                load += s.length_m;
                BOOST_TEST_REQUIRE(load <= 1500.0 + 1e-6);
            }
        }
        BOOST_TEST(out.evaluation.vehicles[v].site_visits > 0U);
    }
    BOOST_TEST(visits > 0U);
}

BOOST_AUTO_TEST_CASE(reports_overtime_past_the_shift) {
    Town t = town_part(300);
    PlanModelInput in;
    in.required_segments = t.required;
    in.vehicles = {plow("A", t.depot)};
    in.vehicles[0].shift_s = 600.0;
    const PlanProblem p(*t.graph, std::move(in));
    PlanRoutes routes;
    routes.tasks = {{}};
    for (std::uint32_t k = 0; k < p.tasks().size(); ++k) {
        routes.tasks[0].push_back(k);
    }
    const auto e = dispatch::evaluate(p, routes);
    BOOST_TEST(e.overtime_s == e.vehicles[0].end_s - 600.0);
    BOOST_TEST(e.unserved == 0U);
    routes.tasks[0].pop_back();
    routes.tasks[0].push_back(0);
    const auto broken = dispatch::evaluate(p, routes);
    BOOST_TEST(broken.unserved == 1U);
    BOOST_TEST(broken.duplicated == 1U);
    BOOST_TEST(dispatch::better(e, broken));
}

BOOST_AUTO_TEST_CASE(stops_when_cancelled_with_a_complete_plan) {
    Town t = town_part(400);
    PlanModelInput in;
    in.required_segments = t.required;
    in.vehicles = {plow("A", t.depot), plow("B", t.depot)};
    const PlanProblem p(*t.graph, std::move(in));
    std::atomic<bool> cancel{false};
    std::size_t calls = 0;
    dispatch::PlanSearchOptions o;
    o.rounds = 100000;
    const auto out = dispatch::solve_plan(
        p, o,
        [&](const dispatch::PlanProgress& progress) {
            ++calls;
            BOOST_TEST_REQUIRE(progress.best != nullptr);
            cancel = true;
        },
        &cancel);
    BOOST_TEST(out.stop == dispatch::PlanStop::cancelled);
    BOOST_TEST(calls > 0U);
    check_plan(p, out.routes);
}

BOOST_AUTO_TEST_SUITE_END()

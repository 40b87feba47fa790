#pragma once

// An independent check of planned routes for the planner's tests.

#include "ykm/dispatch/route_planner.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <tuple>

namespace ykm::test {

// An independent check of a plan's steps: every route is one connected drive from the depot
// back to it, turns back only where allowed, times never run backwards, and every task is
// served exactly once. Returns the number of service steps.
inline std::size_t check_plan(const dispatch::PlanProblem& p, const dispatch::PlanRoutes& routes) {
    const gis::RoadGraph& g = p.graph();
    std::map<std::tuple<std::int64_t, bool, int>, int> served;
    const auto evaluation = dispatch::evaluate(p, routes);
    for (std::size_t v = 0; v < p.vehicles().size(); ++v) {
        const auto steps = dispatch::expand_route(p, v, routes.tasks[v]);
        gis::NodeIndex at = p.vehicles()[v].depot_node;
        std::int64_t last = -1; // the edge driven last, -1 after a stop
        double time = 0.0;
        for (const dispatch::PlanStep& s : steps) {
            // Times come from single-precision travel times: equal to the hundredth of a second.
            BOOST_TEST_REQUIRE(s.start_s >= time - 0.01);
            BOOST_TEST_REQUIRE(s.end_s >= s.start_s);
            time = s.end_s;
            if (s.kind == dispatch::PlanStep::Kind::site) {
                at = p.sites()[s.site].node;
                last = -1;
                continue;
            }
            BOOST_TEST_REQUIRE(g.edge(s.edge).from == at);
            if (last >= 0 && g.twin(static_cast<gis::EdgeIndex>(last)) == s.edge) {
                // A U-turn: only at a dead end, a marked turnaround, or where one-way streets
                // leave no other way out of (or into) the node. Counted here from the graph.
                const gis::NodeIndex node = g.edge(s.edge).from;
                std::set<std::int64_t> segments;
                std::size_t in = 0;
                for (gis::EdgeIndex e = 0; e < g.edge_count(); ++e) {
                    if (g.edge(e).from == node || g.edge(e).to == node) {
                        segments.insert(g.edge(e).segment_id);
                    }
                    in += g.edge(e).to == node ? 1U : 0U;
                }
                const auto& marked = p.input().turnaround_nodes;
                const bool allowed = segments.size() == 1 ||
                                     std::ranges::find(marked, node) != marked.end() ||
                                     g.out_edges(node).size() == 1 || in == 1;
                BOOST_TEST_REQUIRE(allowed);
            }
            at = g.edge(s.edge).to;
            last = s.edge;
            if (s.kind == dispatch::PlanStep::Kind::service) {
                ++served[{s.segment_id, s.forward, s.pass}];
            }
        }
        BOOST_TEST_REQUIRE(at == p.vehicles()[v].depot_node);
        BOOST_TEST(std::abs(time - evaluation.vehicles[v].end_s) < 0.05);
    }
    for (const auto& task : p.tasks()) {
        const int count = served[{task.segment_id, task.forward, task.pass}];
        BOOST_TEST_REQUIRE(count == 1);
    }
    std::size_t total = 0;
    for (const auto& [k, n] : served) {
        total += static_cast<std::size_t>(n);
    }
    BOOST_TEST(total == p.tasks().size());
    return total;
}

} // namespace ykm::test

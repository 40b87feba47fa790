#include "ykm/dispatch/orders.hpp"

#include "../data/error_message.hpp"
#include "../data/temp_dir.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/dispatch/audit_log.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <ostream>
#include <tuple>

namespace ykm::dispatch {
inline std::ostream& operator<<(std::ostream& out, OrderStatus s) {
    return out << key(s);
}
} // namespace ykm::dispatch

using namespace ykm;
using dispatch::OrderStatus;
using test::message_of;

namespace {

constexpr std::array<OrderStatus, 8> all_statuses{
    OrderStatus::draft,     OrderStatus::issued,   OrderStatus::acknowledged,
    OrderStatus::declined,  OrderStatus::started,  OrderStatus::completed,
    OrderStatus::inspected, OrderStatus::cancelled};

struct OrderProject {
    test::TempDir dir;
    data::Project project;
    std::int64_t contractor = 0;
    std::int64_t other_contractor = 0;
    std::int64_t vehicle = 0;
    std::int64_t other_vehicle = 0;

    OrderProject() : project(data::Project::create(dir / "town.ykm", gis::Epsg{6678})) {
        const data::DemoTown town = data::generate_demo_town(2, data::TownSize::small);
        data::write_demo_town(project, town);
        dispatch::Fleet fleet(project);
        contractor = fleet.save(dispatch::Contractor{0, "C1", "雪国建設", "", ""});
        other_contractor = fleet.save(dispatch::Contractor{0, "C2", "北星工業", "", ""});
        dispatch::Vehicle v;
        v.code = "T-1";
        v.contractor_id = contractor;
        vehicle = fleet.save(v);
        v.code = "T-2";
        v.contractor_id = other_contractor;
        other_vehicle = fleet.save(v);
    }

    [[nodiscard]] dispatch::WorkOrder draft() const {
        dispatch::WorkOrder o;
        o.contractor_id = contractor;
        o.district_id = 1;
        o.segments = {3, 1, 2, 2};
        o.vehicles = {vehicle};
        o.window_start_ms = 1'700'000'000'000;
        o.window_end_ms = o.window_start_ms + 6 * 3'600'000;
        o.deadline_ms = o.window_start_ms + 4 * 3'600'000;
        o.instructions = "第1種を優先";
        return o;
    }
};

const dispatch::OrderActor staff{"sato", dispatch::OrderChannel::desktop};

} // namespace

BOOST_AUTO_TEST_SUITE(orders_tests)

BOOST_AUTO_TEST_CASE(names_statuses_and_channels_both_ways) {
    for (const OrderStatus s : all_statuses) {
        BOOST_TEST(*dispatch::parse_order_status(dispatch::key(s)) == s);
        BOOST_TEST(*dispatch::parse_order_status(dispatch::japanese_name(s)) == s);
    }
    BOOST_TEST(dispatch::japanese_name(OrderStatus::acknowledged) == "受領");
    BOOST_TEST(!dispatch::parse_order_status("done").has_value());
    BOOST_TEST((dispatch::parse_order_channel("phone") == dispatch::OrderChannel::phone));
    BOOST_TEST(!dispatch::parse_order_channel("fax").has_value());
}

// The workflow, every pair of states: exactly these moves are allowed.
BOOST_DATA_TEST_CASE(allows_exactly_the_workflow_transitions, all_statuses, from) {
    using S = OrderStatus;
    const std::array<std::pair<S, S>, 12> allowed{{
        {S::draft, S::issued},
        {S::draft, S::cancelled},
        {S::issued, S::acknowledged},
        {S::issued, S::declined},
        {S::issued, S::cancelled},
        {S::acknowledged, S::started},
        {S::acknowledged, S::cancelled},
        {S::declined, S::issued},
        {S::declined, S::cancelled},
        {S::started, S::completed},
        {S::started, S::cancelled},
        {S::completed, S::inspected},
    }};
    for (const S to : all_statuses) {
        const bool expected = std::ranges::find(allowed, std::pair{from, to}) != allowed.end();
        BOOST_TEST(dispatch::transition_allowed(from, to) == expected, from << " -> " << to);
    }
}

BOOST_AUTO_TEST_CASE(creates_a_numbered_draft_with_its_roads_and_vehicles) {
    OrderProject t;
    dispatch::Orders orders(t.project);
    const std::int64_t first = orders.create(t.draft(), staff);
    const std::int64_t second = orders.create(t.draft(), staff);
    const auto o = orders.order(first);
    BOOST_TEST_REQUIRE(o.has_value());
    BOOST_TEST(o->status == OrderStatus::draft);
    BOOST_TEST(o->number.size() == 9U);
    BOOST_TEST(o->number.substr(4) == "-0001");
    BOOST_TEST(orders.order(second)->number.substr(4) == "-0002");
    BOOST_TEST((o->segments == std::vector<std::int64_t>{1, 2, 3}));
    BOOST_TEST((o->vehicles == std::vector<std::int64_t>{t.vehicle}));
    BOOST_TEST(o->instructions == "第1種を優先");
    BOOST_TEST(orders.find(o->number).id == first);
    BOOST_TEST(orders.find(std::to_string(second)).id == second);
    const auto history = orders.history(first);
    BOOST_TEST_REQUIRE(history.size() == 1U);
    BOOST_TEST(!history[0].from.has_value());
    BOOST_TEST(history[0].actor == "sato");
}

BOOST_AUTO_TEST_CASE(refuses_bad_orders_and_writes_nothing) {
    OrderProject t;
    dispatch::Orders orders(t.project);
    auto refused = [&](dispatch::WorkOrder o) {
        return message_of([&] { orders.create(o, staff); });
    };
    auto o = t.draft();
    o.vehicles = {t.other_vehicle};
    BOOST_TEST(refused(o) == "order: vehicle T-2 belongs to another contractor than the order's");
    o = t.draft();
    o.segments = {};
    BOOST_TEST(refused(o) == "order: no roads: give segments, a district or a plan");
    o = t.draft();
    o.segments = {1, 999999};
    BOOST_TEST(refused(o) == "order: segment 999999 does not exist");
    o = t.draft();
    o.window_end_ms = o.window_start_ms;
    BOOST_TEST(refused(o) == "order: the time window ends before it starts");
    o = t.draft();
    o.work = data::WorkType::travel;
    BOOST_TEST(refused(o).find("is not work to order") != std::string::npos);
    o = t.draft();
    o.contractor_id = 99;
    BOOST_TEST(refused(o) == "order: contractor 99 does not exist");
    BOOST_TEST(orders.list().empty());
    BOOST_TEST(dispatch::read_audit(t.project.database(), std::string("order")).empty());
}

BOOST_AUTO_TEST_CASE(walks_the_workflow_recording_who_when_and_how) {
    OrderProject t;
    dispatch::Orders orders(t.project);
    const std::int64_t id = orders.create(t.draft(), staff);
    const dispatch::OrderActor phone{"sato", dispatch::OrderChannel::phone};
    const dispatch::OrderActor contractor{"c1-yamada", dispatch::OrderChannel::portal};
    orders.change_status(id, OrderStatus::issued, staff, "", 1'700'000'100'000);
    orders.change_status(id, OrderStatus::acknowledged, phone, "", 1'700'000'200'000);
    orders.change_status(id, OrderStatus::started, contractor, "", 1'700'000'300'000);
    orders.change_status(id, OrderStatus::completed, contractor, "", 1'700'000'400'000);
    orders.change_status(id, OrderStatus::inspected, staff, "", 1'700'000'500'000);
    const auto history = orders.history(id);
    BOOST_TEST_REQUIRE(history.size() == 6U);
    BOOST_TEST(*history[2].from == OrderStatus::issued);
    BOOST_TEST(history[2].to == OrderStatus::acknowledged);
    BOOST_TEST((history[2].channel == dispatch::OrderChannel::phone));
    BOOST_TEST(history[3].actor == "c1-yamada");
    BOOST_TEST((history[3].channel == dispatch::OrderChannel::portal));
    BOOST_TEST(history[5].time_ms == 1'700'000'500'000);
    BOOST_TEST(orders.order(id)->status == OrderStatus::inspected);
    // Every change is in the audit log, and the chain holds.
    BOOST_TEST(dispatch::read_audit(t.project.database(), std::string("order"), id).size() == 6U);
    BOOST_TEST(dispatch::verify_audit(t.project.database()).intact);
}

BOOST_AUTO_TEST_CASE(refuses_illegal_moves_with_the_allowed_ones) {
    OrderProject t;
    dispatch::Orders orders(t.project);
    const std::int64_t id = orders.create(t.draft(), staff);
    const std::string number = orders.order(id)->number;
    orders.change_status(id, OrderStatus::issued, staff);
    BOOST_TEST(message_of([&] { orders.change_status(id, OrderStatus::completed, staff); }) ==
               "order " + number +
                   " is issued: it cannot become completed (next: acknowledged, declined, "
                   "cancelled)");
    BOOST_TEST(message_of([&] { orders.change_status(id, OrderStatus::declined, staff); }) ==
               "order " + number + ": declining needs a reason");
    orders.change_status(id, OrderStatus::declined, staff, "機械故障");
    BOOST_TEST(orders.history(id).back().reason == "機械故障");
    orders.change_status(id, OrderStatus::cancelled, staff, "他業者へ");
    BOOST_TEST(message_of([&] { orders.change_status(id, OrderStatus::issued, staff); }) ==
               "order " + number + " is cancelled: it cannot become issued (next: none)");
    BOOST_TEST(message_of([&] { orders.change_status(4242, OrderStatus::issued, staff); }) ==
               "order 4242 does not exist");
    // Refused changes leave no event and no audit entry.
    BOOST_TEST(orders.history(id).size() == 4U);
    BOOST_TEST(dispatch::read_audit(t.project.database(), std::string("order"), id).size() == 4U);
}

BOOST_AUTO_TEST_CASE(lists_by_status_contractor_and_openness) {
    OrderProject t;
    dispatch::Orders orders(t.project);
    const std::int64_t a = orders.create(t.draft(), staff);
    const std::int64_t b = orders.create(t.draft(), staff);
    auto other = t.draft();
    other.contractor_id = t.other_contractor;
    other.vehicles = {t.other_vehicle};
    orders.create(other, staff);
    orders.change_status(a, OrderStatus::cancelled, staff);
    orders.change_status(b, OrderStatus::issued, staff);
    dispatch::OrderFilter open;
    open.open_only = true;
    BOOST_TEST(orders.list(open).size() == 2U);
    dispatch::OrderFilter issued;
    issued.status = OrderStatus::issued;
    BOOST_TEST_REQUIRE(orders.list(issued).size() == 1U);
    BOOST_TEST(orders.list(issued)[0].id == b);
    dispatch::OrderFilter of_other;
    of_other.contractor_id = t.other_contractor;
    BOOST_TEST(orders.list(of_other).size() == 1U);
}

BOOST_AUTO_TEST_CASE(shows_what_its_vehicles_cleared_in_its_window_as_evidence) {
    OrderProject t;
    dispatch::Orders orders(t.project);
    const auto draft = t.draft(); // segments 1, 2, 3; vehicle T-1; a 6 h window
    const std::int64_t id = orders.create(draft, staff);
    const std::int64_t in = draft.window_start_ms + 3'600'000;
    const std::int64_t after = draft.window_end_ms + 60'000;
    // segment, forward, vehicle, time, work (1 plow, 6 travel, 0 unknown), blade (2 down)
    const std::array<std::tuple<int, int, std::int64_t, std::int64_t, int, int>, 5> passes{{
        {1, 1, t.vehicle, in, 1, 0},           // counts
        {1, 0, t.other_vehicle, in, 1, 0},     // another contractor's vehicle
        {2, 1, t.vehicle, after, 1, 0},        // after the window
        {3, 1, t.vehicle, in + 60'000, 6, 1},  // travelling, blade up
        {2, 0, t.vehicle, in + 120'000, 0, 2}, // work unknown but blade down: counts
    }};
    data::Statement insert(
        t.project.database(),
        "INSERT INTO coverage_passes (segment_id, forward, vehicle_id, enter_ms, "
        "time_ms, work, blade, fraction) VALUES (?, ?, ?, ?, ?, ?, ?, 1.0)");
    for (const auto& [segment, forward, vehicle, time, work, blade] : passes) {
        insert.bind(1, segment).bind(2, forward).bind(3, vehicle).bind(4, time - 30'000);
        insert.bind(5, time).bind(6, work).bind(7, blade).run();
    }
    double required = 0.0;
    std::size_t directions = 0;
    double length_1 = 0.0;
    double length_2 = 0.0;
    data::Statement roads(t.project.database(),
                          "SELECT id, length_m, oneway FROM road_segments WHERE id IN (1, 2, 3)");
    while (roads.step()) {
        const int sides = roads.column_int(2) != 0 ? 1 : 2;
        required += sides * roads.column_double(1);
        directions += static_cast<std::size_t>(sides);
        (roads.column_int64(0) == 1 ? length_1 : length_2) +=
            roads.column_int64(0) == 3 ? 0.0 : roads.column_double(1);
    }
    const dispatch::OrderEvidence e = orders.evidence(id);
    BOOST_TEST(e.directions == directions);
    BOOST_TEST(e.required_m == required, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(e.cleared_directions == 2U);
    BOOST_TEST(e.cleared_m == length_1 + length_2, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(*e.first_pass_ms == in);
    BOOST_TEST(*e.last_pass_ms == in + 120'000);
}

BOOST_AUTO_TEST_CASE(takes_roads_from_a_district) {
    OrderProject t;
    dispatch::Orders orders(t.project);
    const auto roads = orders.district_segments(1);
    data::Statement q(t.project.database(), "SELECT count(*) FROM road_segments WHERE "
                                            "district_id = 1 AND priority IS NOT NULL");
    q.step();
    BOOST_TEST(static_cast<std::int64_t>(roads.size()) == q.column_int64(0));
    BOOST_TEST(!roads.empty());
}

BOOST_AUTO_TEST_SUITE_END()

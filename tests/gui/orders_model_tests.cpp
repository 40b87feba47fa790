#include "temp_dir.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gui/orders_model.hpp"
#include "ykm/gui/test_script.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>

using namespace ykm;
using ykm::dispatch::OrderStatus;
using ykm::test::TempDir;

namespace {

/// The demo town with one contractor per district and one vehicle each.
struct Town {
    TempDir dir;
    std::filesystem::path path = dir / "town.ykm";
    std::vector<std::int64_t> contractors;
    std::vector<std::int64_t> districts;

    Town() {
        data::Project project = data::Project::create(path, gis::Epsg{6678});
        data::write_demo_town(project, data::generate_demo_town(11, data::TownSize::small));
        const data::ProjectInfo info = project.info();
        dispatch::Fleet fleet(project);
        for (std::size_t d = 0; d < info.districts.size(); ++d) {
            dispatch::Contractor c;
            c.code = "C0" + std::to_string(d + 1);
            c.name = "雪国建設" + std::to_string(d + 1);
            contractors.push_back(fleet.save(c));
            districts.push_back(info.districts[d].id);
            dispatch::Vehicle v;
            v.code = "P-0" + std::to_string(d + 1);
            v.contractor_id = contractors.back();
            v.district_id = info.districts[d].id;
            fleet.save(v);
        }
    }

    std::int64_t draft(data::Project& project, std::size_t district) {
        dispatch::Orders orders(project);
        dispatch::WorkOrder o;
        o.contractor_id = contractors.at(district);
        o.district_id = districts.at(district);
        o.segments = orders.district_segments(districts.at(district));
        o.window_start_ms = 1'790'000'000'000;
        o.window_end_ms = o.window_start_ms + 8 * 3'600'000;
        return orders.create(o, {});
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(orders_model_tests)

BOOST_AUTO_TEST_CASE(every_status_has_its_own_colour) {
    std::set<std::tuple<int, int, int>> seen;
    for (const OrderStatus s : {OrderStatus::draft, OrderStatus::issued, OrderStatus::acknowledged,
                                OrderStatus::declined, OrderStatus::started, OrderStatus::completed,
                                OrderStatus::inspected, OrderStatus::cancelled}) {
        const gui::OrderColour c = gui::status_colour(s);
        seen.insert({c.red, c.green, c.blue});
    }
    BOOST_TEST(seen.size() == 8U);
    BOOST_TEST((gui::status_colour(OrderStatus::issued) == gui::OrderColour{0xE6, 0x9F, 0x00}));
    // The roads of the selected order are drawn in a colour no status uses.
    BOOST_TEST(!seen.contains(
        {gui::order_road_colour.red, gui::order_road_colour.green, gui::order_road_colour.blue}));
}

BOOST_AUTO_TEST_CASE(evidence_is_cleared_over_required_kilometres) {
    dispatch::OrderEvidence e;
    e.cleared_m = 1260.0;
    e.required_m = 3400.0;
    BOOST_TEST(gui::evidence_text(e) == "1.3 / 3.4 km");
    BOOST_TEST(gui::evidence_text({}) == "0.0 / 0.0 km");
}

BOOST_AUTO_TEST_CASE(times_are_written_and_read_in_japan_time) {
    // 2026-12-24 12:00 UTC is 21:00 in Japan.
    const std::int64_t start = 1'798'113'600'000;
    BOOST_TEST(gui::jst_minute_text(start) == "2026-12-24 21:00");
    BOOST_TEST(gui::window_text(start, start + 9 * 3'600'000) == "12-24 21:00 – 12-25 06:00");
    BOOST_TEST(gui::window_text(start, start + 3'600'000) == "12-24 21:00 – 22:00");
    BOOST_TEST(gui::parse_jst_time("2026-12-24 21:00").value() == start);
    BOOST_TEST(gui::parse_jst_time(" 2026-12-24T21:00:30 ").value() == start + 30'000);
    BOOST_TEST(!gui::parse_jst_time("2026-12-24").has_value());
    BOOST_TEST(!gui::parse_jst_time("2026-02-30 10:00").has_value());
    BOOST_TEST(!gui::parse_jst_time("2026-12-24 25:00").has_value());
    BOOST_TEST(!gui::parse_jst_time("21:00").has_value());
}

BOOST_AUTO_TEST_CASE(a_road_is_chosen_and_dropped_by_toggling) {
    std::vector<std::int64_t> chosen{3, 9};
    BOOST_TEST(gui::toggle_road(chosen, 5));
    BOOST_TEST(chosen == (std::vector<std::int64_t>{3, 5, 9}), boost::test_tools::per_element());
    BOOST_TEST(!gui::toggle_road(chosen, 3));
    BOOST_TEST(chosen == (std::vector<std::int64_t>{5, 9}), boost::test_tools::per_element());
    gui::add_roads(chosen, std::vector<std::int64_t>{9, 1, 7});
    BOOST_TEST(chosen == (std::vector<std::int64_t>{1, 5, 7, 9}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(roads_in_a_box_are_those_whose_lines_meet_it) {
    Town town;
    data::Project project = data::Project::open(town.path, data::OpenMode::read_only);
    const gis::RoadNetwork network = project.load_road_network();
    const gis::RoadSegment& road = network.segments.at(10);
    const gis::XY mid = road.points.at(road.points.size() / 2);
    const std::vector<std::int64_t> near =
        gui::roads_in_box(project, {mid.x - 1.0, mid.y - 1.0, mid.x + 1.0, mid.y + 1.0});
    BOOST_TEST((std::ranges::find(near, road.id) != near.end()));
    BOOST_TEST(near.size() < 5U);
    const gis::Box all = project.info().extent;
    BOOST_TEST(gui::roads_in_box(project, all).size() == network.segments.size());
    const auto lines = gui::road_lines(project, std::vector<std::int64_t>{road.id, 999'999});
    BOOST_TEST_REQUIRE(lines.size() == 1U);
    BOOST_TEST(lines.at(road.id).size() == road.points.size());
    BOOST_TEST(lines.at(road.id).front().x == road.points.front().x);
}

BOOST_AUTO_TEST_CASE(rows_name_contractor_district_and_last_change) {
    Town town;
    data::Project project = data::Project::open(town.path, data::OpenMode::read_write);
    const std::int64_t id = town.draft(project, 0);
    dispatch::Orders(project).change_status(id, OrderStatus::issued, {"yamada"});
    const auto rows = gui::order_rows(project, {});
    BOOST_TEST_REQUIRE(rows.size() == 1U);
    BOOST_TEST(rows[0].contractor == "雪国建設1");
    BOOST_TEST(!rows[0].district.empty());
    BOOST_TEST_REQUIRE(rows[0].last_change.has_value());
    BOOST_TEST(rows[0].last_change->actor == "yamada");
    BOOST_TEST((rows[0].last_change->to == OrderStatus::issued));
    BOOST_TEST(rows[0].evidence.required_m > 0.0);
    BOOST_TEST(rows[0].evidence.cleared_m == 0.0);
    dispatch::OrderFilter open;
    open.status = OrderStatus::draft;
    BOOST_TEST(gui::order_rows(project, open).empty());
    BOOST_TEST(gui::district_contractor(project, town.districts.at(1)).value() ==
               town.contractors.at(1));
}

BOOST_AUTO_TEST_CASE(issuing_several_orders_is_all_or_none) {
    Town town;
    data::Project project = data::Project::open(town.path, data::OpenMode::read_write);
    const std::int64_t a = town.draft(project, 0);
    const std::int64_t b = town.draft(project, 1);
    dispatch::Orders orders(project);
    orders.change_status(b, OrderStatus::cancelled, {}, "mistake");
    const std::string b_number = orders.order(b)->number;
    try {
        gui::issue_orders(project, std::vector<std::int64_t>{a, b}, {"yamada"});
        BOOST_FAIL("issuing a cancelled order was accepted");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find(b_number) != std::string::npos, e.what());
    }
    BOOST_TEST((orders.order(a)->status == OrderStatus::draft));
    const std::int64_t c = town.draft(project, 2);
    gui::issue_orders(project, std::vector<std::int64_t>{a, c}, {"yamada"});
    BOOST_TEST((orders.order(a)->status == OrderStatus::issued));
    BOOST_TEST((orders.order(c)->status == OrderStatus::issued));
}

BOOST_AUTO_TEST_CASE(the_version_changes_when_another_connection_commits_an_order_change) {
    Town town;
    std::int64_t id = 0;
    {
        data::Project writer = data::Project::open(town.path, data::OpenMode::read_write);
        id = town.draft(writer, 0);
    }
    data::Project reader = data::Project::open(town.path, data::OpenMode::read_only);
    const gui::OrdersVersion before = gui::orders_version(reader);
    BOOST_TEST(before.order_count == 1);
    BOOST_TEST((gui::orders_version(reader) == before));
    {
        data::Project writer = data::Project::open(town.path, data::OpenMode::read_write);
        dispatch::Orders(writer).change_status(id, OrderStatus::issued, {});
    }
    const gui::OrdersVersion after = gui::orders_version(reader);
    BOOST_TEST(after.data_version != before.data_version);
    BOOST_TEST(after.last_event_id > before.last_event_id);
}

BOOST_AUTO_TEST_CASE(reads_the_order_steps_of_a_script) {
    const auto steps = gui::parse_script(
        "pane:orders,show;order_new:district,北西工区;order_new:roads;order_select:2026-0001,last;"
        "order:issue;order_call:declined,雪が多すぎる;order_wait:2026-0001,acknowledged;"
        "order_cancel:重複;shift_click:10,20");
    BOOST_TEST_REQUIRE(steps.size() == 9U);
    BOOST_TEST(steps[1].words == (std::vector<std::string>{"district", "北西工区"}),
               boost::test_tools::per_element());
    BOOST_TEST(steps[3].words == (std::vector<std::string>{"2026-0001", "last"}),
               boost::test_tools::per_element());
    BOOST_TEST(steps[5].words == (std::vector<std::string>{"declined", "雪が多すぎる"}),
               boost::test_tools::per_element());
    BOOST_TEST(steps[6].words == (std::vector<std::string>{"2026-0001", "acknowledged"}),
               boost::test_tools::per_element());
    BOOST_TEST(steps[7].text == "重複");
    BOOST_TEST(steps[8].numbers == (std::vector<double>{10.0, 20.0}),
               boost::test_tools::per_element());
    BOOST_CHECK_THROW(gui::parse_script("order_new:street,x"), Error);
    BOOST_CHECK_THROW(gui::parse_script("order:explode"), Error);
    BOOST_CHECK_THROW(gui::parse_script("order_call:happy"), Error);
    BOOST_CHECK_THROW(gui::parse_script("order_wait:2026-0001"), Error);
    BOOST_CHECK_THROW(gui::parse_script("order_select:a,,b"), Error);
}

BOOST_AUTO_TEST_SUITE_END()

#include "ykm/dispatch/driver_sheet.hpp"

#include "shell_tools.hpp"

#include "../data/temp_dir.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <ostream>
#include <regex>
#include <sstream>
#include <string>

namespace ykm::dispatch {
// Printed by failing checks (inline: other test files may define the same).
inline std::ostream& operator<<(std::ostream& out, Manoeuvre m) {
    return out << "manoeuvre " << static_cast<int>(m);
}
inline std::ostream& operator<<(std::ostream& out, InstructionActivity a) {
    return out << "activity " << static_cast<int>(a);
}
} // namespace ykm::dispatch

using namespace ykm;
using dispatch::InstructionActivity;
using dispatch::Manoeuvre;
using dispatch::PlanStep;

namespace {

constexpr gis::Epsg zone_x{6678};

gis::RoadSegment segment(std::int64_t id, std::int64_t from, std::int64_t to, gis::Polyline points,
                         const std::string& name) {
    gis::RoadSegment s;
    s.id = id;
    s.from_node = from;
    s.to_node = to;
    s.attributes.name = name;
    s.attributes.priority = gis::PriorityClass::first;
    s.points = std::move(points);
    s.length_m = gis::planar_length(s.points);
    return s;
}

// A plus-shaped crossing at (0, 0): 中央通り runs south to north, 駅前通り west to east and on
// east of the crossing bends north at (200, 0) (an L inside one segment).
//   node 1 (0, 0), 2 (0, 100), 3 (100, 0), 4 (0, -100), 5 (-100, 0), 6 (200, 100)
gis::RoadNetwork crossing() {
    gis::RoadNetwork n;
    n.crs = zone_x;
    n.nodes = {{1, {0, 0}, ""},    {2, {0, 100}, ""},  {3, {100, 0}, ""},
               {4, {0, -100}, ""}, {5, {-100, 0}, ""}, {6, {200, 100}, ""}};
    n.segments = {
        segment(1, 1, 2, {{0, 0}, {0, 100}}, "中央通り"),
        segment(2, 4, 1, {{0, -100}, {0, 0}}, "中央通り"),
        segment(3, 5, 1, {{-100, 0}, {0, 0}}, "駅前通り"),
        segment(4, 1, 3, {{0, 0}, {100, 0}}, "駅前通り"),
        segment(5, 3, 6, {{100, 0}, {200, 0}, {200, 100}}, "駅前通り"),
    };
    return n;
}

PlanStep step(PlanStep::Kind kind, std::int64_t segment_id, bool forward, double start_s,
              double end_s, double length_m, int number = 0, int pass = 0) {
    PlanStep s;
    s.kind = kind;
    s.segment_id = segment_id;
    s.forward = forward;
    s.number = number;
    s.pass = pass;
    s.priority =
        kind == PlanStep::Kind::service ? gis::PriorityClass::first : gis::PriorityClass::none;
    s.start_s = start_s;
    s.end_s = end_s;
    s.length_m = length_m;
    return s;
}

PlanStep site_visit(std::size_t site, double start_s, double end_s) {
    PlanStep s;
    s.kind = PlanStep::Kind::site;
    s.site = site;
    s.start_s = start_s;
    s.end_s = end_s;
    return s;
}

constexpr auto service = PlanStep::Kind::service;
constexpr auto deadhead = PlanStep::Kind::deadhead;

// From the depot at node 4 north to the crossing, right (east) plowing 駅前通り to its end,
// back along it, a dump site, then left (south) home.
dispatch::StoredPlan::Route crossing_route(const std::string& code) {
    dispatch::StoredPlan::Route r;
    r.vehicle_id = 1;
    r.vehicle_code = code;
    r.steps = {
        step(deadhead, 2, true, 0, 12, 100),          // north to the crossing
        step(service, 4, true, 12, 36, 100, 1, 1),    // east
        step(service, 5, true, 36, 84, 200, 2, 2),    // east, round the bend north
        step(service, 5, false, 84, 132, 200, 3, 1),  // back south, round the bend west
        step(service, 4, false, 132, 156, 100, 4, 1), // west to the crossing
        site_visit(3, 156, 756),
        step(deadhead, 2, false, 756, 768, 100), // south home
    };
    r.summary.end_s = 768;
    r.summary.service_m = 600;
    r.summary.deadhead_m = 200;
    r.summary.task_count = 4;
    return r;
}

dispatch::StoredPlan crossing_plan() {
    dispatch::StoredPlan plan;
    plan.id = 7;
    plan.name = "北工区 21:00";
    plan.district_id = 1;
    plan.start_ms = 1'795'780'800'000; // 2026-11-27 12:00 UTC = 21:00 JST
    plan.routes = {crossing_route("PT-01"), crossing_route("PT-02")};
    return plan;
}

dispatch::DriverSheetInputs crossing_inputs() {
    dispatch::DriverSheetInputs inputs;
    inputs.network = crossing();
    inputs.district = "北工区";
    inputs.site_names = {{3, "北部雪堆積場"}};
    return inputs;
}

using test::pdf_pages;
using test::pdf_text;

std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

} // namespace

BOOST_AUTO_TEST_SUITE(driver_sheet_tests)

BOOST_AUTO_TEST_CASE(merges_same_street_steps_and_names_turns) {
    const auto list =
        dispatch::turn_by_turn(crossing_route("PT-01"), crossing(), {{3, "北部雪堆積場"}});
    BOOST_REQUIRE_EQUAL(list.size(), 6U);

    BOOST_CHECK_EQUAL(list[0].manoeuvre, Manoeuvre::depart);
    BOOST_CHECK_EQUAL(list[0].activity, InstructionActivity::deadhead);
    BOOST_CHECK_EQUAL(list[0].street, "中央通り");
    BOOST_CHECK_EQUAL(list[0].distance_m, 100.0);
    BOOST_CHECK_EQUAL(list[0].start_s, 0.0);

    // Heading north, then east: clockwise, a right turn.
    BOOST_CHECK_EQUAL(list[1].manoeuvre, Manoeuvre::right);
    BOOST_CHECK_EQUAL(list[1].activity, InstructionActivity::service);
    BOOST_CHECK_EQUAL(list[1].street, "駅前通り");
    BOOST_CHECK(list[1].service_numbers == (std::vector<int>{1, 2}));
    // A second pass right after a first along the same street is one instruction.
    BOOST_CHECK(list[1].passes == (std::vector<int>{1, 2}));
    BOOST_CHECK_EQUAL(list[1].distance_m, 300.0);
    BOOST_CHECK_EQUAL(list[1].start_s, 12.0);
    BOOST_CHECK_EQUAL(list[1].step_count, 2U);

    // Turning back at the dead end is its own instruction even on the same street.
    BOOST_CHECK_EQUAL(list[2].manoeuvre, Manoeuvre::u_turn);
    BOOST_CHECK(list[2].service_numbers == (std::vector<int>{3, 4}));
    BOOST_CHECK_EQUAL(list[2].distance_m, 300.0);
    BOOST_CHECK_EQUAL(list[2].start_s, 84.0);

    BOOST_CHECK_EQUAL(list[3].manoeuvre, Manoeuvre::site_visit);
    BOOST_CHECK_EQUAL(list[3].site_name, "北部雪堆積場");
    BOOST_CHECK_EQUAL(list[3].start_s, 156.0);

    // Heading west, then south: counter-clockwise, a left turn.
    BOOST_CHECK_EQUAL(list[4].manoeuvre, Manoeuvre::left);
    BOOST_CHECK_EQUAL(list[4].activity, InstructionActivity::deadhead);
    BOOST_CHECK_EQUAL(list[4].street, "中央通り");
    BOOST_CHECK_EQUAL(list[4].start_s, 756.0);

    BOOST_CHECK_EQUAL(list[5].manoeuvre, Manoeuvre::arrive);
    BOOST_CHECK_EQUAL(list[5].start_s, 768.0);
    BOOST_CHECK(list[5].position == (gis::XY{0, -100}));
}

BOOST_AUTO_TEST_CASE(formats_instructions_in_japanese) {
    const auto list =
        dispatch::turn_by_turn(crossing_route("PT-01"), crossing(), {{3, "北部雪堆積場"}});
    std::vector<std::string> text;
    for (const auto& i : list) {
        text.push_back(dispatch::format_instruction(i));
    }
    const std::vector<std::string> expected{
        "出発 中央通り 回送 100 m",          "右折 駅前通り 除雪 1–2回目 #1–#2 300 m",
        "Uターン 駅前通り 除雪 #3–#4 300 m", "雪堆積場で排雪/補給（北部雪堆積場）",
        "左折 中央通り 回送 100 m",          "到着（除雪基地）",
    };
    BOOST_CHECK_EQUAL_COLLECTIONS(text.begin(), text.end(), expected.begin(), expected.end());
    BOOST_CHECK_EQUAL(dispatch::format_instruction(list[1], false),
                      "右折 駅前通り 除雪 1–2回目 #1–#2");
}

BOOST_AUTO_TEST_CASE(formats_second_passes_numbers_and_distances) {
    dispatch::Instruction i;
    i.manoeuvre = Manoeuvre::straight;
    i.activity = InstructionActivity::service;
    i.passes = {2, 2, 2, 2};
    i.service_numbers = {5, 6, 7, 9};
    i.distance_m = 1260.0;
    BOOST_CHECK_EQUAL(dispatch::format_instruction(i),
                      "直進 名称なし道路 除雪 2回目 #5–#7、#9 1.3 km");
    i.passes = {1, 2, 1, 2};
    BOOST_CHECK_EQUAL(dispatch::format_instruction(i, false),
                      "直進 名称なし道路 除雪 1–2回目 #5–#7、#9");
    BOOST_CHECK_EQUAL(dispatch::format_distance(999.0), "999 m");
    BOOST_CHECK_EQUAL(dispatch::format_distance(1000.0), "1.0 km");
    BOOST_CHECK_EQUAL(dispatch::format_service_numbers({3}), "#3");
}

BOOST_AUTO_TEST_CASE(unnamed_streets_merge_only_straight_on) {
    // An L of unnamed road: two segments north, then east.
    gis::RoadNetwork n;
    n.crs = zone_x;
    n.nodes = {{1, {0, 0}, ""},
               {2, {0, 100}, ""},
               {3, {0, 200}, ""},
               {4, {100, 200}, ""},
               {5, {200, 200}, ""}};
    n.segments = {segment(1, 1, 2, {{0, 0}, {0, 100}}, ""),
                  segment(2, 2, 3, {{0, 100}, {0, 200}}, ""),
                  segment(3, 3, 4, {{0, 200}, {100, 200}}, ""),
                  segment(4, 4, 5, {{100, 200}, {200, 200}}, "")};
    dispatch::StoredPlan::Route r;
    r.vehicle_code = "L";
    r.steps = {step(deadhead, 1, true, 0, 10, 100), step(deadhead, 2, true, 10, 20, 100),
               step(deadhead, 3, true, 20, 30, 100), step(service, 4, true, 30, 50, 100, 1, 1)};
    r.summary.end_s = 50;
    const auto list = dispatch::turn_by_turn(r, n);
    std::vector<std::string> text;
    for (const auto& i : list) {
        text.push_back(dispatch::format_instruction(i));
    }
    const std::vector<std::string> expected{
        "出発 名称なし道路 回送 200 m",
        "右折 名称なし道路 回送 100 m",
        "直進 名称なし道路 除雪 #1 100 m",
        "到着（除雪基地）",
    };
    BOOST_CHECK_EQUAL_COLLECTIONS(text.begin(), text.end(), expected.begin(), expected.end());
}

BOOST_AUTO_TEST_CASE(formats_times_in_jst) {
    BOOST_CHECK_EQUAL(dispatch::format_jst_time(1'795'780'800'000), "21:00");
    BOOST_CHECK_EQUAL(dispatch::format_jst_date_time(1'795'780'800'000 + 4 * 3'600'000),
                      "2026-11-28 01:00");
}

BOOST_AUTO_TEST_CASE(a_segment_missing_from_the_network_is_an_error) {
    auto route = crossing_route("PT-01");
    route.steps[1].segment_id = 99;
    BOOST_CHECK_THROW(dispatch::turn_by_turn(route, crossing()), Error);
}

BOOST_AUTO_TEST_CASE(writes_one_pdf_page_per_route) {
    test::TempDir dir;
    const auto pdf = dir / "sheets.pdf";
    dispatch::write_driver_sheets(crossing_plan(), crossing_inputs(), pdf);
    BOOST_CHECK_EQUAL(pdf_pages(pdf), 2);
    const std::string text = pdf_text(pdf);
    BOOST_CHECK(text.find("PT-01") != std::string::npos);
    BOOST_CHECK(text.find("PT-02") != std::string::npos);
    BOOST_CHECK(text.find("右折") != std::string::npos);
    BOOST_CHECK(text.find("北部雪堆積場") != std::string::npos);
    BOOST_CHECK(text.find("21:00") != std::string::npos);
    BOOST_CHECK(!std::filesystem::exists(dir / "sheets.pdf.partial"));

    const auto one = dir / "one.pdf";
    dispatch::write_driver_sheets(crossing_plan(), crossing_inputs(), one, "PT-02");
    BOOST_CHECK_EQUAL(pdf_pages(one), 1);
    BOOST_CHECK(pdf_text(one).find("PT-01") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(long_lists_go_on_over_continuation_pages) {
    // Plowing 駅前通り to and fro 60 times: every turn back is an instruction of its own.
    auto plan = crossing_plan();
    auto& route = plan.routes.front();
    route.steps = {step(deadhead, 2, true, 0, 12, 100)};
    double t = 12;
    for (int i = 0; i < 60; ++i) {
        route.steps.push_back(step(service, 4, i % 2 == 0, t, t + 24, 100, i + 1, 1));
        t += 24;
    }
    route.steps.push_back(step(deadhead, 2, false, t, t + 12, 100));
    route.summary.end_s = t + 12;
    plan.routes.resize(1);
    test::TempDir dir;
    const auto pdf = dir / "long.pdf";
    dispatch::write_driver_sheets(plan, crossing_inputs(), pdf);
    BOOST_CHECK_GE(pdf_pages(pdf), 2);
    const std::string text = pdf_text(pdf);
    // The last line (number 63: departure, 60 services, the way home, arrival) is printed.
    BOOST_CHECK(text.find("到着") != std::string::npos);
    BOOST_CHECK(text.find("63") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_unknown_vehicle_is_an_error) {
    test::TempDir dir;
    BOOST_CHECK_THROW(
        dispatch::write_driver_sheets(crossing_plan(), crossing_inputs(), dir / "x.pdf", "PT-09"),
        Error);
    BOOST_CHECK(!std::filesystem::exists(dir / "x.pdf"));
    BOOST_CHECK(!std::filesystem::exists(dir / "x.pdf.partial"));
}

BOOST_AUTO_TEST_CASE(an_unwritable_pdf_is_an_error_and_leaves_nothing) {
    test::TempDir dir;
    const auto pdf = dir / "missing" / "sheets.pdf";
    BOOST_CHECK_THROW(dispatch::write_driver_sheets(crossing_plan(), crossing_inputs(), pdf),
                      Error);
    BOOST_CHECK(std::filesystem::is_empty(dir.path()));
}

BOOST_AUTO_TEST_CASE(writes_gpx_route_and_track_in_wgs84) {
    test::TempDir dir;
    const auto gpx = dir / "PT-01.gpx";
    dispatch::write_route_gpx(crossing_route("PT-01"), crossing(), zone_x, gpx,
                              {{3, "北部雪堆積場"}});
    BOOST_CHECK(!std::filesystem::exists(dir / "PT-01.gpx.partial"));
    const std::string text = read_file(gpx);
    BOOST_CHECK(text.find("<gpx version=\"1.1\"") != std::string::npos);
    BOOST_CHECK_EQUAL(count(text, "<rtept "), 6U);
    BOOST_CHECK(text.find("<name>右折 駅前通り 除雪 1–2回目 #1–#2</name>") != std::string::npos);
    // Driven points without repeats: 2 + 1 + 2 + 2 + 1 + 1 (the way back re-uses the corners).
    BOOST_CHECK_EQUAL(count(text, "<trkpt "), 9U);
    // The origin of zone X lies at 40°N 140°50'E.
    const std::regex point(R"re(lat="([-0-9.]+)" lon="([-0-9.]+)")re");
    std::size_t points = 0;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), point);
         it != std::sregex_iterator(); ++it) {
        const double lat = std::stod((*it)[1].str());
        const double lon = std::stod((*it)[2].str());
        BOOST_CHECK(lat > 39.99 && lat < 40.01);
        BOOST_CHECK(lon > 140.82 && lon < 140.85);
        ++points;
    }
    BOOST_CHECK_EQUAL(points, 15U);
    // Well-formed XML, when xmllint is at hand.
    if (std::system("command -v xmllint >/dev/null 2>&1") == 0) {
        BOOST_CHECK_EQUAL(std::system(("xmllint --noout '" + gpx.string() + "'").c_str()), 0);
    }
}

BOOST_AUTO_TEST_CASE(a_failed_gpx_leaves_no_file) {
    test::TempDir dir;
    auto route = crossing_route("PT-01");
    route.steps[2].segment_id = 99;
    BOOST_CHECK_THROW(dispatch::write_route_gpx(route, crossing(), zone_x, dir / "a.gpx"), Error);
    BOOST_CHECK_THROW(dispatch::write_route_gpx(crossing_route("PT-01"), crossing(), zone_x,
                                                dir / "missing" / "a.gpx"),
                      Error);
    BOOST_CHECK(std::filesystem::is_empty(dir.path()));
}

BOOST_AUTO_TEST_SUITE_END()

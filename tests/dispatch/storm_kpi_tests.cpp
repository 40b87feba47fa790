#include "ykm/dispatch/storm_kpi.hpp"

#include "../data/polygon_wkb.hpp"
#include "../data/temp_dir.hpp"
#include "shell_tools.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/dispatch/coverage.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/orders.hpp"
#include "ykm/dispatch/report_table.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace ykm;
using data::Blade;
using data::WorkType;
using dispatch::Pass;

namespace {

constexpr std::int64_t minute_ms = 60'000;
constexpr std::int64_t hour_ms = 60 * minute_ms;
// The dispatch: 2026-01-15 21:00 JST (12:00 UTC).
constexpr std::int64_t dispatch_ms = 1'768'478'400'000;

gis::RoadSegment segment(std::int64_t id, std::int64_t from, std::int64_t to, gis::Polyline points,
                         gis::PriorityClass priority, bool oneway) {
    gis::RoadSegment s;
    s.id = id;
    s.from_node = from;
    s.to_node = to;
    s.points = std::move(points);
    s.length_m = gis::planar_length(s.points);
    s.attributes.priority = priority;
    s.attributes.oneway = oneway;
    return s;
}

// District 西 (x < 1100): 1, class 1 two-way 1000 m; 2, class 1 one-way 500 m. District 東:
// 3, class 1 two-way 400 m; 4, class 2 two-way 300 m; 5, class 3 one-way 200 m; 6, unclassed
// 100 m. Class 1 needs 3.3 km (西 2.5, 東 0.8), class 2 0.6 km, class 3 0.2 km.
struct StormProject {
    test::TempDir dir;
    data::Project project;

    StormProject() : project(data::Project::create(dir / "storm.ykm", gis::Epsg{6678})) {
        gis::RoadNetwork n;
        n.crs = gis::Epsg{6678};
        n.nodes = {{1, {0, 0}, ""},      {2, {1000, 0}, ""},  {3, {1000, 500}, ""},
                   {4, {1200, 0}, ""},   {5, {1600, 0}, ""},  {6, {1600, 300}, ""},
                   {7, {1800, 300}, ""}, {8, {1800, 400}, ""}};
        using P = gis::PriorityClass;
        n.segments = {segment(1, 1, 2, {{0, 0}, {1000, 0}}, P::first, false),
                      segment(2, 2, 3, {{1000, 0}, {1000, 500}}, P::first, true),
                      segment(3, 4, 5, {{1200, 0}, {1600, 0}}, P::first, false),
                      segment(4, 5, 6, {{1600, 0}, {1600, 300}}, P::second, false),
                      segment(5, 6, 7, {{1600, 300}, {1800, 300}}, P::third, true),
                      segment(6, 7, 8, {{1800, 300}, {1800, 400}}, P::none, false)};
        project.replace_road_network(n);
        const std::vector<data::District> districts{
            {"西工区", "W", test::rectangle_wkb(-10, -10, 1100, 600)},
            {"東工区", "E", test::rectangle_wkb(1100, -10, 2000, 600)}};
        project.replace_districts(districts);
    }

    void add_passes(const std::vector<Pass>& passes) {
        dispatch::CoverageStore(project.database()).add(passes);
    }

    // The passes of the storm in the class tests (minutes after dispatch).
    void add_storm_passes() {
        add_passes({
            pass(1, true, 1, -10),                                 // before the dispatch
            pass(1, true, 1, 20),                                  // 西 1.0 km
            pass(1, false, 1, 30, WorkType::travel, Blade::up),    // does not clear
            pass(2, false, 1, 30),                                 // wrong way of a one-way road
            pass(6, true, 1, 10),                                  // unclassed
            pass(3, true, 2, 50),                                  // 東 0.4 km
            pass(1, false, 1, 70, WorkType::unknown, Blade::down), // 西 2.0 km: blade down
            pass(2, true, 1, 100, WorkType::grade),                // 西 2.5 km: cleared
            pass(4, true, 2, 130),                                 // class 2 0.3 km
            pass(4, true, 2, 140),                                 // the same direction again
            pass(5, true, 2, 180, WorkType::spread),               // class 3 at the end
            pass(3, false, 2, 181),                                // after the end
        });
    }

    static Pass pass(std::int64_t segment_id, bool forward, std::int64_t vehicle,
                     std::int64_t minutes, WorkType work = WorkType::plow,
                     Blade blade = Blade::down) {
        Pass p;
        p.segment_id = segment_id;
        p.forward = forward;
        p.vehicle_id = vehicle;
        p.time_ms = dispatch_ms + minutes * minute_ms;
        p.enter_ms = p.time_ms - minute_ms;
        p.work = work;
        p.blade = blade;
        p.fraction = 1.0;
        return p;
    }
};

data::Fix fix(std::int64_t vehicle, std::int64_t minutes, std::optional<double> speed_mps,
              WorkType work, Blade blade = Blade::unknown, double lat = 40.8) {
    data::Fix f;
    f.vehicle_id = vehicle;
    f.time_ms = dispatch_ms + minutes * minute_ms;
    f.position = gis::LonLat{140.74, lat};
    f.speed_mps = speed_mps;
    f.work = work;
    f.blade = blade;
    return f;
}

const dispatch::DistrictClearing& district(const dispatch::StormKpis& k, const std::string& name) {
    for (const auto& d : k.class1_by_district) {
        if (d.name == name) {
            return d;
        }
    }
    BOOST_FAIL("no district " + name);
    return k.class1_by_district.front();
}

std::string file_text(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

dispatch::StormKpis storm_of(StormProject& p) {
    p.add_storm_passes();
    return dispatch::storm_kpis(p.project, {dispatch_ms, dispatch_ms + 3 * hour_ms}, hour_ms);
}

} // namespace

BOOST_AUTO_TEST_SUITE(storm_kpi_tests)

BOOST_AUTO_TEST_CASE(km_done_by_class_counts_first_clearing_pass_of_each_direction) {
    StormProject p;
    const dispatch::StormKpis k = storm_of(p);
    BOOST_TEST_REQUIRE(k.steps.size() == 4U);
    const double tol = 1e-9;
    for (std::size_t i = 0; i < 4; ++i) {
        BOOST_TEST(k.steps[i].time_ms == dispatch_ms + static_cast<std::int64_t>(i) * hour_ms);
        BOOST_TEST(k.steps[i].by_class[0].required_km == 3.3, boost::test_tools::tolerance(tol));
        BOOST_TEST(k.steps[i].by_class[1].required_km == 0.6, boost::test_tools::tolerance(tol));
        BOOST_TEST(k.steps[i].by_class[2].required_km == 0.2, boost::test_tools::tolerance(tol));
    }
    // Class 1: nothing at dispatch (the pass 10 minutes before does not count), 1.0 + 0.4 km by
    // the first hour, 2.9 km by the second (the blade-down pass and the one-way road).
    BOOST_TEST(k.steps[0].by_class[0].done_km == 0.0);
    BOOST_TEST(k.steps[1].by_class[0].done_km == 1.4, boost::test_tools::tolerance(tol));
    BOOST_TEST(k.steps[2].by_class[0].done_km == 2.9, boost::test_tools::tolerance(tol));
    BOOST_TEST(k.steps[3].by_class[0].done_km == 2.9, boost::test_tools::tolerance(tol));
    BOOST_TEST(k.steps[3].by_class[0].percent() == 100.0 * 2.9 / 3.3,
               boost::test_tools::tolerance(tol));
    // Class 2: one direction of 4 at 2:10 (the second pass at 2:20 adds nothing).
    BOOST_TEST(k.steps[2].by_class[1].done_km == 0.0);
    BOOST_TEST(k.steps[3].by_class[1].done_km == 0.3, boost::test_tools::tolerance(tol));
    BOOST_TEST(k.steps[3].by_class[1].percent() == 50.0, boost::test_tools::tolerance(tol));
    // Class 3: the pass at the end time counts, the one after it does not.
    BOOST_TEST(k.steps[3].by_class[2].done_km == 0.2, boost::test_tools::tolerance(tol));
    BOOST_TEST(k.steps[3].by_class[2].percent() == 100.0, boost::test_tools::tolerance(tol));
}

BOOST_AUTO_TEST_CASE(class1_clearing_time_per_district) {
    StormProject p;
    const dispatch::StormKpis k = storm_of(p);
    BOOST_TEST_REQUIRE(k.class1_by_district.size() == 2U);
    const auto& west = district(k, "西工区");
    BOOST_TEST(west.required_km == 2.5, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(west.done_km == 2.5, boost::test_tools::tolerance(1e-9));
    // 2.0 of 2.5 km (80 %) at 1:10; all at 1:40.
    BOOST_TEST_REQUIRE(west.to_90_percent_ms.has_value());
    BOOST_TEST(*west.to_90_percent_ms == 100 * minute_ms);
    BOOST_TEST_REQUIRE(west.to_cleared_ms.has_value());
    BOOST_TEST(*west.to_cleared_ms == 100 * minute_ms);
    const auto& east = district(k, "東工区");
    BOOST_TEST(east.required_km == 0.8, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(east.done_km == 0.4, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(east.percent() == 50.0, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(!east.to_90_percent_ms.has_value());
    BOOST_TEST(!east.to_cleared_ms.has_value());
}

BOOST_AUTO_TEST_CASE(steps_run_from_dispatch_to_the_end_inclusive) {
    StormProject p;
    const auto k = dispatch::storm_kpis(p.project, {dispatch_ms, dispatch_ms + 70 * minute_ms});
    // 0, 15, 30, 45, 60 and the end at 70 minutes.
    BOOST_TEST_REQUIRE(k.steps.size() == 6U);
    BOOST_TEST(k.steps[4].time_ms == dispatch_ms + 60 * minute_ms);
    BOOST_TEST(k.steps[5].time_ms == dispatch_ms + 70 * minute_ms);
    BOOST_TEST(k.vehicles_reporting == 0);
    BOOST_CHECK_THROW(dispatch::storm_kpis(p.project, {dispatch_ms, dispatch_ms - 1}), Error);
    BOOST_CHECK_THROW(dispatch::storm_kpis(p.project, {dispatch_ms, dispatch_ms + hour_ms}, 0),
                      Error);
    BOOST_CHECK_THROW(dispatch::storm_kpis(p.project, {0, 200'000 * minute_ms}, minute_ms), Error);
}

BOOST_AUTO_TEST_CASE(vehicles_working_idle_offline_around_the_thresholds) {
    StormProject p;
    std::vector<data::Fix> fixes;
    // 1: plowing at 5 m/s from -5 to +10 min, then silent: offline from +20 (10 min, the
    // threshold), working until then.
    for (int m = -5; m <= 10; ++m) {
        fixes.push_back(fix(1, m, 5.0, WorkType::plow));
    }
    // 2: standing with the plow switch on all night: idle.
    for (int m = 0; m <= 30; ++m) {
        fixes.push_back(fix(2, m, 0.0, WorkType::plow));
    }
    // 3: travelling from +5: offline before its first fix, idle after.
    for (int m = 5; m <= 30; ++m) {
        fixes.push_back(fix(3, m, 8.0, WorkType::travel));
    }
    // 4: heard only before the storm: not counted.
    fixes.push_back(fix(4, -20, 5.0, WorkType::plow));
    // 5: no speed, 111 m north a minute, blade down: standing at its first fix, working after.
    for (int m = 0; m <= 30; ++m) {
        fixes.push_back(fix(5, m, std::nullopt, WorkType::unknown, Blade::down, 40.8 + 0.001 * m));
    }
    // 6: plowing until +3, then standing: working until 10 minutes after its last move.
    for (int m = 0; m <= 30; ++m) {
        fixes.push_back(fix(6, m, m <= 3 ? 5.0 : 0.0, WorkType::plow));
    }
    data::SeasonLog(p.project.database()).append(fixes);

    const auto k =
        dispatch::storm_kpis(p.project, {dispatch_ms, dispatch_ms + 30 * minute_ms}, 5 * minute_ms);
    BOOST_TEST(k.vehicles_reporting == 5);
    BOOST_TEST_REQUIRE(k.steps.size() == 7U);
    const std::vector<std::array<int, 3>> expected{
        {2, 2, 1}, // 0: 1 and 6 working; 2 and 5 idle; 3 offline
        {3, 2, 0}, // 5: 5 moves
        {3, 2, 0}, // 10: 6 last moved 7 minutes ago
        {2, 3, 0}, // 15: 6 stopped (12 minutes); 1 last heard 5 minutes ago, still working
        {1, 3, 1}, // 20: 1 offline at exactly 10 minutes of silence
        {1, 3, 1}, {1, 3, 1},
    };
    for (std::size_t i = 0; i < expected.size(); ++i) {
        BOOST_TEST_CONTEXT("step " << i) {
            BOOST_TEST(k.steps[i].working == expected[i][0]);
            BOOST_TEST(k.steps[i].idle == expected[i][1]);
            BOOST_TEST(k.steps[i].offline == expected[i][2]);
        }
    }
}

BOOST_AUTO_TEST_CASE(storm_candidates_split_at_twelve_quiet_hours) {
    StormProject p;
    p.add_storm_passes();
    p.add_passes({StormProject::pass(6, true, 3, 20 * 60)});
    dispatch::Fleet fleet(p.project);
    const std::int64_t contractor = fleet.save(dispatch::Contractor{0, "C1", "雪国建設", "", ""});
    dispatch::Orders orders(p.project);
    dispatch::WorkOrder o;
    o.contractor_id = contractor;
    o.window_start_ms = dispatch_ms;
    o.window_end_ms = dispatch_ms + 9 * hour_ms;
    o.segments = {1};
    const std::int64_t id = orders.create(o, {});
    orders.change_status(id, dispatch::OrderStatus::issued, {}, {}, dispatch_ms);

    const auto issued =
        dispatch::first_order_issued(p.project, dispatch_ms - hour_ms, dispatch_ms + hour_ms);
    BOOST_TEST_REQUIRE(issued.has_value());
    BOOST_TEST(*issued == dispatch_ms);
    BOOST_TEST(!dispatch::first_order_issued(p.project, dispatch_ms + 1, dispatch_ms + hour_ms));

    const auto storms = dispatch::storm_candidates(p.project);
    BOOST_TEST_REQUIRE(storms.size() == 2U);
    BOOST_TEST(storms[0].start_ms == dispatch_ms - 10 * minute_ms);
    BOOST_TEST(storms[0].dispatch_ms == dispatch_ms);
    BOOST_TEST(storms[0].end_ms == dispatch_ms + 181 * minute_ms);
    BOOST_TEST(storms[0].orders_issued == 1);
    BOOST_TEST(storms[0].vehicles_working == 2);
    // Clearing passes: 1.0 * 3 + 0.5 * 2 + 0.4 * 2 + 0.3 * 2 + 0.2 + 0.1 km.
    BOOST_TEST(storms[0].cleared_km == 5.7, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(storms[1].start_ms == dispatch_ms + 20 * hour_ms);
    BOOST_TEST(storms[1].dispatch_ms == dispatch_ms + 20 * hour_ms);
    BOOST_TEST(storms[1].orders_issued == 0);
    BOOST_TEST(storms[1].vehicles_working == 1);
    // With a 24-hour split they are one storm.
    BOOST_TEST(dispatch::storm_candidates(p.project, 24 * hour_ms).size() == 1U);
    BOOST_CHECK_THROW(dispatch::storm_candidates(p.project, 0), Error);
}

BOOST_AUTO_TEST_CASE(chart_shows_each_class_colour_in_the_top_panel) {
    StormProject p;
    std::vector<data::Fix> fixes;
    for (int m = 0; m <= 180; m += 5) {
        fixes.push_back(fix(1, m, 5.0, WorkType::plow));
        fixes.push_back(fix(2, m, 0.0, WorkType::travel));
    }
    data::SeasonLog(p.project.database()).append(fixes);
    const dispatch::StormKpis k = storm_of(p);
    const gis::Image image = dispatch::draw_storm_chart(k, 800, 500);
    BOOST_TEST_REQUIRE(image.width == 800);
    BOOST_TEST_REQUIRE(image.height == 500);
    const auto l = dispatch::storm_chart_layout(800, 500);
    const auto count_in = [&](gis::Rgb colour, double x0, double y0, double w, double h) {
        int n = 0;
        for (int y = static_cast<int>(y0); y < static_cast<int>(y0 + h); ++y) {
            for (int x = static_cast<int>(x0); x < static_cast<int>(x0 + w); ++x) {
                n += image.rgb_at(x, y) == colour ? 1 : 0;
            }
        }
        return n;
    };
    for (const auto c :
         {gis::PriorityClass::first, gis::PriorityClass::second, gis::PriorityClass::third}) {
        BOOST_TEST_CONTEXT("class " << static_cast<int>(c)) {
            BOOST_TEST(count_in(gis::priority_colour(c), l.top_panel_x, l.top_panel_y - 2,
                                l.top_panel_w + 1, l.top_panel_h + 4) > 20);
            BOOST_TEST(count_in(gis::priority_colour(c), l.bottom_panel_x, l.bottom_panel_y,
                                l.bottom_panel_w, l.bottom_panel_h) == 0);
        }
    }
    // Vehicle 1 works and 2 is idle all night: both bands fill the bottom panel, offline none.
    BOOST_TEST(count_in(dispatch::storm_working_colour, l.bottom_panel_x, l.bottom_panel_y,
                        l.bottom_panel_w, l.bottom_panel_h) > 1000);
    BOOST_TEST(count_in(dispatch::storm_idle_colour, l.bottom_panel_x, l.bottom_panel_y,
                        l.bottom_panel_w, l.bottom_panel_h) > 1000);
    BOOST_TEST(count_in(dispatch::storm_offline_colour, l.bottom_panel_x, l.bottom_panel_y,
                        l.bottom_panel_w, l.bottom_panel_h) == 0);

    const auto png = p.dir / "storm.png";
    dispatch::write_storm_chart(k, png, gis::MapLanguage::english, 400, 300);
    BOOST_TEST(file_text(png).substr(1, 3) == "PNG");
    BOOST_CHECK_THROW(dispatch::write_storm_chart(k, p.dir / "storm.svg"), Error);
    BOOST_CHECK_THROW(dispatch::draw_storm_chart(k, 100, 100), Error);
}

BOOST_AUTO_TEST_CASE(chart_pdf_has_the_title_with_the_storm_dates) {
    StormProject p;
    const dispatch::StormKpis k = storm_of(p);
    const auto pdf = p.dir / "storm.pdf";
    dispatch::write_storm_chart(k, pdf);
    BOOST_TEST(test::pdf_pages(pdf) == 1);
    const std::string text = test::pdf_text(pdf);
    BOOST_TEST(text.find("除雪の進捗") != std::string::npos, text);
    BOOST_TEST(text.find("2026-01-15 21:00") != std::string::npos, text);
    BOOST_TEST(text.find("第1種 88% (2.9 km)") != std::string::npos, text);
    BOOST_TEST(!std::filesystem::exists(p.dir / "storm.pdf.partial"));

    const auto english = p.dir / "storm-en.pdf";
    dispatch::write_storm_chart(k, english, gis::MapLanguage::english);
    BOOST_TEST(test::pdf_text(english).find("Storm clearing 2026-01-15 21:00") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(tables_as_csv_and_xlsx) {
    StormProject p;
    const dispatch::StormKpis k = storm_of(p);
    const auto sheets = dispatch::storm_tables(k);
    BOOST_TEST_REQUIRE(sheets.size() == 2U);
    BOOST_TEST(sheets[0].name == "時系列");
    BOOST_TEST(sheets[1].name == "第1種除雪完了");

    const auto csv = p.dir / "storm.csv";
    dispatch::write_report(sheets, csv);
    const std::string text = file_text(csv);
    BOOST_TEST(text.find("時刻,出動後(h),第1種除雪済(km),第1種除雪率(%),第2種除雪済(km),"
                         "第2種除雪率(%),第3種除雪済(km),第3種除雪率(%),作業中(台),非作業(台),"
                         "通信途絶(台)\r\n") != std::string::npos,
               text);
    // 22:00: 1.4 of 3.3 km of class 1 (42.4 %).
    BOOST_TEST(text.find("2026-01-15 22:00,1.00,1.400,42.4,0.000,0.0,0.000,0.0,0,0,0\r\n") !=
                   std::string::npos,
               text);
    BOOST_TEST(text.find("2026-01-16 00:00,3.00,2.900,87.9,0.300,50.0,0.200,100.0,0,0,0\r\n") !=
                   std::string::npos,
               text);

    const auto xlsx = p.dir / "storm.xlsx";
    dispatch::write_report(sheets, xlsx);
    const std::string clearing = test::xlsx_sheet_csv(xlsx, "第1種除雪完了");
    BOOST_TEST(clearing.find("西工区,\"2.5\",\"2.5\",\"100\",\"1.66666") != std::string::npos,
               clearing);
    BOOST_TEST(clearing.find("東工区,\"0.8\",\"0.4\",\"50\",,未完了 (50.0 %)") != std::string::npos,
               clearing);
    const std::string series = test::xlsx_sheet_csv(xlsx, "時系列");
    BOOST_TEST(series.find("2026-01-15 23:00,\"2\",\"2.9\",") != std::string::npos, series);
}

BOOST_AUTO_TEST_SUITE_END()

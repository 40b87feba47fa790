#include "ykm/dispatch/daily_report.hpp"

#include "../data/error_message.hpp"
#include "two_contractor_town.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/dispatch/coverage.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/orders.hpp"
#include "ykm/dispatch/report_confirmations.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

using namespace ykm;
using data::WorkType;
using test::message_of;

namespace {

using test::hour_ms;
using test::minute_ms;
// 2026-01-15 00:00 JST (2026-01-14 15:00 UTC).
constexpr std::int64_t jan15_ms = 1'768'402'800'000;
constexpr double step_m = test::track_step_m;

std::size_t index(WorkType w) {
    return static_cast<std::size_t>(w);
}

using ReportProject = test::TwoContractorTown;

} // namespace

BOOST_AUTO_TEST_SUITE(daily_report_tests)

BOOST_AUTO_TEST_CASE(night_shift_across_midnight_is_one_report_of_its_first_date) {
    ReportProject p;
    // 21:00-01:59 plow (300 fixes), 02:00-06:00 travel (241 fixes), one minute apart.
    std::vector<data::Fix> fixes =
        ReportProject::track(p.vehicle, jan15_ms + 21 * hour_ms, 541, WorkType::plow);
    for (std::size_t i = 300; i < fixes.size(); ++i) {
        fixes[i].work = WorkType::travel;
    }
    p.append(fixes);

    const auto reports = dispatch::daily_reports(p.project, "2026-01-15", std::nullopt);
    BOOST_TEST_REQUIRE(reports.size() == 1U);
    const dispatch::DailyReport& r = reports[0];
    BOOST_TEST(r.vehicle_code == "T-1");
    BOOST_TEST(r.contractor_code == "C1");
    BOOST_TEST(r.start_ms == jan15_ms + 21 * hour_ms);
    BOOST_TEST(r.end_ms == jan15_ms + 30 * hour_ms);
    BOOST_TEST(r.time_ms[index(WorkType::plow)] == 5 * hour_ms);
    BOOST_TEST(r.time_ms[index(WorkType::travel)] == 4 * hour_ms);
    BOOST_TEST(r.operating_ms() == 9 * hour_ms);
    BOOST_TEST(r.gaps.empty());
    BOOST_TEST(r.distance_m[index(WorkType::plow)] == 300 * step_m,
               boost::test_tools::tolerance(1e-6));
    BOOST_TEST(r.distance_m[index(WorkType::travel)] == 240 * step_m,
               boost::test_tools::tolerance(1e-6));

    // The next date sees no shift starting on it.
    BOOST_TEST(dispatch::daily_reports(p.project, "2026-01-16", std::nullopt).empty());
}

BOOST_AUTO_TEST_CASE(gap_is_listed_and_excluded_from_hours_and_km) {
    ReportProject p;
    // 22:00-23:00 plow with 22:21-22:29 missing (a 10-minute gap) and a speed jump at 22:40.
    std::vector<data::Fix> fixes;
    for (data::Fix f :
         ReportProject::track(p.vehicle, jan15_ms + 22 * hour_ms, 61, WorkType::plow)) {
        const std::int64_t minute = (f.time_ms - jan15_ms - 22 * hour_ms) / minute_ms;
        if (minute > 20 && minute < 30) {
            continue;
        }
        if (minute == 40) {
            f.position.lon_deg += 1.0;
            f.flags = data::fix_flags::speed_jump;
        }
        fixes.push_back(f);
    }
    p.append(fixes);

    const auto reports = dispatch::daily_reports(p.project, "2026-01-15", std::nullopt);
    BOOST_TEST_REQUIRE(reports.size() == 1U);
    const dispatch::DailyReport& r = reports[0];
    BOOST_TEST_REQUIRE(r.gaps.size() == 1U);
    BOOST_TEST(r.gaps[0].start_ms == jan15_ms + 22 * hour_ms + 20 * minute_ms);
    BOOST_TEST(r.gaps[0].end_ms == jan15_ms + 22 * hour_ms + 30 * minute_ms);
    BOOST_TEST(r.gap_ms() == 10 * minute_ms);
    BOOST_TEST(r.time_ms[index(WorkType::plow)] == 50 * minute_ms);
    BOOST_TEST(r.operating_ms() == 50 * minute_ms);
    BOOST_TEST(r.total_distance_m() == 50 * step_m, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(shifts_split_at_long_silence_and_belong_to_their_start_date) {
    ReportProject p;
    p.append(ReportProject::track(p.vehicle, jan15_ms - 2 * hour_ms, 241, WorkType::plow));
    p.append(ReportProject::track(p.vehicle, jan15_ms + 8 * hour_ms, 61, WorkType::grade));
    p.append(ReportProject::track(p.vehicle, jan15_ms + 14 * hour_ms, 31, WorkType::haul));
    p.append(ReportProject::track(p.vehicle, jan15_ms + 32 * hour_ms, 31, WorkType::plow));

    const auto reports = dispatch::daily_reports(p.project, "2026-01-15", std::nullopt);
    BOOST_TEST_REQUIRE(reports.size() == 2U);
    BOOST_TEST(reports[0].start_ms == jan15_ms + 8 * hour_ms);
    BOOST_TEST(reports[0].end_ms == jan15_ms + 9 * hour_ms);
    BOOST_TEST(reports[0].time_ms[index(WorkType::grade)] == hour_ms);
    BOOST_TEST(reports[1].start_ms == jan15_ms + 14 * hour_ms);
    BOOST_TEST(reports[1].time_ms[index(WorkType::haul)] == 30 * minute_ms);

    const auto previous = dispatch::daily_reports(p.project, "2026-01-14", std::nullopt);
    BOOST_TEST_REQUIRE(previous.size() == 1U);
    BOOST_TEST(previous[0].end_ms == jan15_ms + 2 * hour_ms);
    BOOST_TEST(previous[0].time_ms[index(WorkType::plow)] == 4 * hour_ms);
}

BOOST_AUTO_TEST_CASE(plowed_km_by_class_and_roads_from_the_shift_passes) {
    ReportProject p;
    p.append(ReportProject::track(p.vehicle, jan15_ms + 21 * hour_ms, 121, WorkType::plow));
    data::Database& db = p.project.database();
    db.exec("UPDATE road_segments SET priority = 1, length_m = 500, name = '国道1号' WHERE id = 1");
    db.exec("UPDATE road_segments SET priority = 2, length_m = 200, name = '市道A' WHERE id = 2");
    db.exec("UPDATE road_segments SET priority = 3, length_m = 100, name = '' WHERE id = 3");
    const auto pass = [&](std::int64_t segment, bool forward, std::int64_t vehicle,
                          std::int64_t time_ms, WorkType work, double fraction) {
        return dispatch::Pass{
            segment, forward, vehicle, time_ms - minute_ms, time_ms, work, data::Blade::unknown,
            fraction};
    };
    const std::int64_t t = jan15_ms + 22 * hour_ms;
    const std::vector<dispatch::Pass> passes{
        pass(1, true, p.vehicle, t, WorkType::plow, 1.0),
        pass(1, false, p.vehicle, t + minute_ms, WorkType::plow, 0.9),
        pass(2, true, p.vehicle, t + 2 * minute_ms, WorkType::grade, 0.5),
        pass(3, true, p.vehicle, t + 3 * minute_ms, WorkType::travel, 1.0), // no clearing
        pass(3, true, p.other_vehicle, t, WorkType::plow, 1.0),             // other vehicle
        pass(3, false, p.vehicle, t + 3 * hour_ms, WorkType::plow, 1.0)};   // after the shift
    dispatch::CoverageStore(db).add(passes);

    const auto reports = dispatch::daily_reports(p.project, "2026-01-15", std::nullopt);
    BOOST_TEST_REQUIRE(reports.size() == 1U);
    const dispatch::DailyReport& r = reports[0];
    BOOST_TEST(r.plowed_m_by_class[0] == 950.0, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(r.plowed_m_by_class[1] == 100.0, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(r.plowed_m_by_class[2] == 0.0);
    BOOST_TEST_REQUIRE(r.roads.size() == 3U);
    BOOST_TEST(r.roads[0].segment_id == 1);
    BOOST_TEST(r.roads[0].forward);
    BOOST_TEST(r.roads[0].name == "国道1号");
    BOOST_TEST(*r.roads[0].priority == 1);
    BOOST_TEST(r.roads[1].segment_id == 1);
    BOOST_TEST(!r.roads[1].forward);
    BOOST_TEST(r.roads[2].segment_id == 2);
    BOOST_TEST(*r.roads[2].priority == 2);
}

BOOST_AUTO_TEST_CASE(lists_the_orders_the_shift_served) {
    ReportProject p;
    p.append(ReportProject::track(p.vehicle, jan15_ms + 21 * hour_ms, 121, WorkType::plow));
    dispatch::Orders orders(p.project);
    const dispatch::OrderActor staff{"sato", dispatch::OrderChannel::desktop};
    const auto order = [&](std::int64_t contractor, std::vector<std::int64_t> vehicles,
                           std::int64_t start_ms) {
        dispatch::WorkOrder o;
        o.contractor_id = contractor;
        o.segments = {1, 2};
        o.vehicles = std::move(vehicles);
        o.window_start_ms = start_ms;
        o.window_end_ms = start_ms + 9 * hour_ms;
        return orders.create(o, staff);
    };
    const std::int64_t named = order(p.contractor, {p.vehicle}, jan15_ms + 21 * hour_ms);
    const std::int64_t by_contractor = order(p.contractor, {}, jan15_ms + 20 * hour_ms);
    order(p.contractor, {p.vehicle}, jan15_ms + 8 * hour_ms);              // ends before
    order(p.other_contractor, {p.other_vehicle}, jan15_ms + 21 * hour_ms); // not its vehicle
    orders.change_status(named, dispatch::OrderStatus::issued, staff);

    const auto reports = dispatch::daily_reports(p.project, "2026-01-15", p.contractor);
    BOOST_TEST_REQUIRE(reports.size() == 1U);
    BOOST_TEST_REQUIRE(reports[0].orders.size() == 2U);
    BOOST_TEST(reports[0].orders[0].id == named);
    BOOST_TEST(reports[0].orders[0].number == orders.order(named)->number);
    BOOST_TEST((reports[0].orders[0].status == dispatch::OrderStatus::issued));
    BOOST_TEST(reports[0].orders[1].id == by_contractor);
    BOOST_TEST((reports[0].orders[1].status == dispatch::OrderStatus::draft));

    BOOST_TEST(dispatch::daily_reports(p.project, "2026-01-15", p.other_contractor).empty());
}

// Vehicles read on several connections give the reports one connection gives: the same shifts,
// gaps (one confirmed), passes and orders, in the same order.
BOOST_AUTO_TEST_CASE(parallel_readers_give_the_same_reports) {
    ReportProject p;
    std::vector<data::Fix> fixes;
    for (const data::Fix& f :
         ReportProject::track(p.vehicle, jan15_ms + 21 * hour_ms, 181, WorkType::plow)) {
        const std::int64_t minute = (f.time_ms - jan15_ms - 21 * hour_ms) / minute_ms;
        if (minute < 50 || minute > 55) { // a 6-minute gap
            fixes.push_back(f);
        }
    }
    p.append(fixes);
    p.append(ReportProject::track(p.other_vehicle, jan15_ms + 23 * hour_ms, 200, WorkType::grade));
    dispatch::confirm_gap(p.project, p.vehicle, jan15_ms + 21 * hour_ms + 49 * minute_ms,
                          jan15_ms + 21 * hour_ms + 56 * minute_ms, WorkType::plow, "山間部",
                          "sato", "desktop");
    dispatch::CoverageStore(p.project.database())
        .add(std::vector{dispatch::Pass{1, true, p.vehicle, jan15_ms + 22 * hour_ms,
                                        jan15_ms + 22 * hour_ms + minute_ms, WorkType::plow,
                                        data::Blade::unknown, 1.0},
                         dispatch::Pass{2, false, p.other_vehicle, jan15_ms + 23 * hour_ms,
                                        jan15_ms + 23 * hour_ms + minute_ms, WorkType::grade,
                                        data::Blade::unknown, 1.0}});
    dispatch::WorkOrder o;
    o.contractor_id = p.other_contractor;
    o.segments = {2};
    o.window_start_ms = jan15_ms + 22 * hour_ms;
    o.window_end_ms = jan15_ms + 30 * hour_ms;
    dispatch::Orders(p.project).create(o, {"sato", dispatch::OrderChannel::desktop});

    const auto as_json = [&](std::size_t readers) {
        dispatch::DailyReportOptions options;
        options.readers = readers;
        nlohmann::json out = nlohmann::json::array();
        for (const dispatch::DailyReport& r :
             dispatch::daily_reports(p.project, "2026-01-15", std::nullopt, options)) {
            out.push_back(dispatch::daily_report_json(r));
        }
        return out;
    };
    const nlohmann::json one = as_json(1);
    BOOST_TEST_REQUIRE(one.size() == 2U);
    BOOST_TEST(one.dump() == as_json(2).dump());
    BOOST_TEST(one.dump() == as_json(4).dump());

    // Within a transaction, the reports read this connection's changes not yet committed.
    data::Transaction tx(p.project.database());
    p.append(ReportProject::track(p.other_vehicle, jan15_ms + 12 * hour_ms, 30, WorkType::plow));
    BOOST_TEST(as_json(2).size() == 3U);
}

BOOST_AUTO_TEST_CASE(a_range_of_dates_gives_each_date_its_daily_reports) {
    // Shifts over five dates for two vehicles of two contractors: a night shift across
    // midnight, day shifts, a date without any; the range read at once against date by date.
    ReportProject p;
    p.append(ReportProject::track(p.vehicle, jan15_ms - 2 * hour_ms, 241, WorkType::plow));
    p.append(ReportProject::track(p.vehicle, jan15_ms + 8 * hour_ms, 61, WorkType::grade));
    p.append(ReportProject::track(p.other_vehicle, jan15_ms + 21 * hour_ms, 300, WorkType::plow));
    p.append(ReportProject::track(p.vehicle, jan15_ms + 3 * 24 * hour_ms + 22 * hour_ms, 120,
                                  WorkType::haul));
    const auto as_json = [](const std::vector<dispatch::DailyReport>& reports) {
        nlohmann::json out = nlohmann::json::array();
        for (const dispatch::DailyReport& r : reports) {
            out.push_back(dispatch::daily_report_json(r));
        }
        return out.dump();
    };
    const std::vector<std::string> dates{"2026-01-14", "2026-01-15", "2026-01-16", "2026-01-17",
                                         "2026-01-18"};
    for (const std::optional<std::int64_t> contractor :
         {std::optional<std::int64_t>{}, std::optional(p.contractor)}) {
        const auto range =
            dispatch::daily_reports_between(p.project, dates.front(), dates.back(), contractor);
        std::size_t reports = 0;
        for (const std::string& date : dates) {
            const auto one = dispatch::daily_reports(p.project, date, contractor);
            const auto found = range.find(date);
            BOOST_TEST_CONTEXT(date) {
                BOOST_TEST((found != range.end()) == !one.empty());
                if (found != range.end()) {
                    BOOST_TEST(as_json(found->second) == as_json(one));
                }
            }
            reports += one.size();
        }
        BOOST_TEST(reports == (contractor ? 3U : 4U));
        BOOST_TEST(!range.contains("2026-01-16"));
    }
    // One vehicle only.
    dispatch::DailyReportOptions options;
    options.vehicle_id = p.other_vehicle;
    const auto other = dispatch::daily_reports(p.project, "2026-01-15", std::nullopt, options);
    BOOST_TEST_REQUIRE(other.size() == 1U);
    BOOST_TEST(other[0].vehicle_id == p.other_vehicle);
    BOOST_TEST(dispatch::daily_reports(p.project, "2026-01-14", std::nullopt, options).empty());

    BOOST_TEST(message_of([&] {
                   dispatch::daily_reports_between(p.project, "2026-01-15", "2026-01-14",
                                                   std::nullopt);
               }) == "the last date 2026-01-14 is before the first 2026-01-15");
    BOOST_TEST(message_of([&] {
                   dispatch::daily_reports_between(p.project, "2026-01-15", "2026-13-01",
                                                   std::nullopt);
               }).find("2026-13-01") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(refuses_bad_dates_and_unknown_contractors) {
    ReportProject p;
    for (const char* date : {"2026-1-15", "2026-02-30", "20260115", "2026-01-15x"}) {
        BOOST_CHECK_THROW(dispatch::daily_reports(p.project, date, std::nullopt), Error);
        BOOST_TEST(message_of([&] {
                       dispatch::daily_reports(p.project, date, std::nullopt);
                   }).find(date) != std::string::npos);
    }
    BOOST_TEST(message_of([&] { dispatch::daily_reports(p.project, "2026-01-15", 9999); }) ==
               "contractor 9999 does not exist");
    BOOST_TEST(dispatch::jst_day_start_ms("2026-01-15") == jan15_ms);
}

BOOST_AUTO_TEST_SUITE_END()

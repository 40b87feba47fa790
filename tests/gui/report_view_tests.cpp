#include "ykm/gui/report_view.hpp"

#include "ykm/gis/error.hpp"
#include "ykm/gui/test_script.hpp"

#include "ykm/dispatch/daily_report.hpp"
#include "ykm/dispatch/report_confirmations.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace ykm;

namespace {

constexpr std::int64_t minute_ms = 60'000;
constexpr std::int64_t hour_ms = 60 * minute_ms;
// 2027-01-15 00:00 JST is 2027-01-14 15:00 UTC: 20,832 days after 1970-01-01, less 9 hours.
constexpr std::int64_t jan15_ms = 20'833LL * 24 * hour_ms - 9 * hour_ms;

std::size_t index(data::WorkType w) {
    return static_cast<std::size_t>(w);
}

/// A night shift 21:00-01:30 of 2027-01-15: 4 h plow (a confirmed gap 23:00-23:10 included),
/// 20 min travel, and an unconfirmed gap 00:30-00:40 counted nowhere.
dispatch::DailyReport night() {
    dispatch::DailyReport r;
    r.vehicle_code = "P-01";
    r.contractor_code = "C01";
    r.contractor_name = "雪国建設";
    r.start_ms = jan15_ms + 21 * hour_ms;
    r.end_ms = jan15_ms + 25 * hour_ms + 30 * minute_ms;
    r.time_ms[index(data::WorkType::plow)] = 4 * hour_ms;
    r.time_ms[index(data::WorkType::travel)] = 20 * minute_ms;
    r.distance_m[index(data::WorkType::plow)] = 30'000.0;
    r.distance_m[index(data::WorkType::travel)] = 4'000.0;
    r.plowed_m_by_class = {12'340.0, 5'000.0, 0.0};
    dispatch::GpsGap confirmed{jan15_ms + 23 * hour_ms, jan15_ms + 23 * hour_ms + 10 * minute_ms,
                               dispatch::GapConfirmation{1, data::WorkType::plow, "", "yamada", 0}};
    dispatch::GpsGap open{jan15_ms + 24 * hour_ms + 30 * minute_ms,
                          jan15_ms + 24 * hour_ms + 40 * minute_ms, std::nullopt};
    r.gaps = {confirmed, open};
    return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(report_view_tests)

BOOST_AUTO_TEST_CASE(default_date_is_yesterday_in_japan) {
    // 2027-01-16 08:00 JST (23:00 UTC of the 15th): yesterday in Japan is the 15th.
    BOOST_TEST(gui::default_report_date(jan15_ms + 24 * hour_ms + 8 * hour_ms) == "2027-01-15");
    // 2027-01-16 00:30 JST is still 2027-01-15 in UTC; yesterday in Japan is the 15th.
    BOOST_TEST(gui::default_report_date(jan15_ms + 24 * hour_ms + 30 * minute_ms) == "2027-01-15");
    // 2027-01-15 23:59 JST: yesterday is the 14th.
    BOOST_TEST(gui::default_report_date(jan15_ms + 24 * hour_ms - minute_ms) == "2027-01-14");
}

BOOST_AUTO_TEST_CASE(texts_of_times_hours_and_km) {
    BOOST_TEST(gui::hours_text(110 * minute_ms) == "1.83");
    BOOST_TEST(gui::hours_text(2 * hour_ms) == "2.00");
    BOOST_TEST(gui::km_text(12'340.0) == "12.3");
    BOOST_TEST(gui::jst_time_text(jan15_ms + 21 * hour_ms, "2027-01-15") == "21:00");
    BOOST_TEST(gui::jst_time_text(jan15_ms + 25 * hour_ms + 30 * minute_ms, "2027-01-15") ==
               "01-16 01:30");
    BOOST_TEST(
        (gui::parse_jst_minute("2027-01-15 21:30") == jan15_ms + 21 * hour_ms + 30 * minute_ms));
    BOOST_TEST(!gui::parse_jst_minute("2027-01-15 25:30"));
    BOOST_TEST(!gui::parse_jst_minute("2027-01-15T21:30"));
}

BOOST_AUTO_TEST_CASE(shift_row_in_japanese_and_english) {
    const dispatch::DailyReport r = night();
    const std::vector<std::string> ja = gui::shift_cells(r, "2027-01-15", false, "確定済み");
    BOOST_TEST_REQUIRE(ja.size() == 10U);
    BOOST_TEST(ja[0] == "P-01");
    BOOST_TEST(ja[1] == "雪国建設");
    BOOST_TEST(ja[2] == "21:00");
    BOOST_TEST(ja[3] == "01-16 01:30");
    // 4 h plow + 20 min travel; the unconfirmed 10 minutes not counted.
    BOOST_TEST(ja[4] == "4.33");
    BOOST_TEST(ja[6] == "34.0");
    BOOST_TEST(ja[7] == "12.3 / 5.0 / 0.0");
    BOOST_TEST(ja[8] == "2（未確認 10 分）");
    BOOST_TEST(ja[9] == "確定済み");
    const std::vector<std::string> en = gui::shift_cells(r, "2027-01-15", true, "");
    BOOST_TEST(en[5] == "plow 4.00, travel 0.33");
    BOOST_TEST(en[8] == "2 (10 min unconfirmed)");
}

BOOST_AUTO_TEST_CASE(gap_found_by_its_start) {
    const dispatch::DailyReport r = night();
    BOOST_TEST((gui::find_gap(r, "23:00") == std::optional<std::size_t>(0)));
    BOOST_TEST((gui::find_gap(r, "00:30") == std::optional<std::size_t>(1)));
    BOOST_TEST((gui::find_gap(r, "2027-01-16 00:30") == std::optional<std::size_t>(1)));
    BOOST_TEST(!gui::find_gap(r, "2027-01-15 00:30"));
    BOOST_TEST(!gui::find_gap(r, "23:05"));
    BOOST_TEST(!gui::find_gap(r, "nonsense"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(report_script_tests)

BOOST_AUTO_TEST_CASE(report_steps_parse_into_their_fields) {
    const auto steps =
        gui::parse_script("reports_daily:2027-01-15,C01;gap_confirm:P-01,22:00,plow,運転日報で確認;"
                          "fee_rate_add:dozer,holiday,22:00,24:00,12500,夜間;storm_open:2;"
                          "reports_screenshot:storm,/tmp/a.png;dump_reports:/tmp/d.json");
    BOOST_TEST_REQUIRE(steps.size() == 6U);
    BOOST_TEST((steps[0].action == gui::ScriptAction::reports_daily));
    BOOST_TEST((steps[0].words == std::vector<std::string>{"2027-01-15", "C01"}));
    BOOST_TEST(
        (steps[1].words == std::vector<std::string>{"P-01", "22:00", "plow", "運転日報で確認"}));
    BOOST_TEST(steps[2].words.size() == 6U);
    BOOST_TEST(steps[2].words[5] == "夜間");
    BOOST_TEST((steps[3].numbers == std::vector<double>{2.0}));
    BOOST_TEST((steps[4].words == std::vector<std::string>{"storm", "/tmp/a.png"}));
    BOOST_TEST(steps[5].text == "/tmp/d.json");
}

BOOST_AUTO_TEST_CASE(bad_report_steps_are_refused) {
    BOOST_CHECK_THROW(gui::parse_script("gap_confirm:P-01,22:00,shovel"), Error);
    BOOST_CHECK_THROW(gui::parse_script("gap_confirm:P-01,22:00"), Error);
    BOOST_CHECK_THROW(gui::parse_script("fee_rate_add:dozer,weekday,22:00,24:00"), Error);
    BOOST_CHECK_THROW(gui::parse_script("reports_screenshot:map,/tmp/a.png"), Error);
    BOOST_CHECK_THROW(gui::parse_script("storm_open:newest"), Error);
}

BOOST_AUTO_TEST_SUITE_END()

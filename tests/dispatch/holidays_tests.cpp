#include "ykm/dispatch/holidays.hpp"

#include "../data/error_message.hpp"
#include "../data/temp_dir.hpp"
#include "ykm/dispatch/audit_log.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace ykm;
using dispatch::DayKind;
using dispatch::parse_date;
using test::message_of;

namespace {

std::string name_of(const char* date) {
    return dispatch::national_holiday(parse_date(date)).value_or("(none)");
}

struct CalendarProject {
    test::TempDir dir;
    data::Project project;
    CalendarProject() : project(data::Project::create(dir / "town.ykm", gis::Epsg{6678})) {}
};

} // namespace

BOOST_AUTO_TEST_SUITE(holidays_tests)

BOOST_AUTO_TEST_CASE(fixed_and_happy_monday_holidays) {
    BOOST_TEST(name_of("2026-11-23") == "勤労感謝の日");
    BOOST_TEST(name_of("2027-01-11") == "成人の日"); // second Monday of January 2027
    BOOST_TEST(name_of("2027-02-11") == "建国記念の日");
    BOOST_TEST(name_of("2027-02-23") == "天皇誕生日");
    BOOST_TEST(name_of("2026-10-12") == "スポーツの日");
    BOOST_TEST(name_of("2026-07-20") == "海の日");
    BOOST_TEST(name_of("2027-01-04") == "(none)"); // the first Monday is no holiday
    BOOST_TEST(name_of("2026-11-24") == "(none)");
}

BOOST_AUTO_TEST_CASE(equinox_days_by_the_formula) {
    BOOST_TEST(name_of("2027-03-21") == "春分の日");
    BOOST_TEST(name_of("2026-03-20") == "春分の日");
    BOOST_TEST(name_of("2024-03-20") == "春分の日");
    BOOST_TEST(name_of("2026-09-23") == "秋分の日");
    BOOST_TEST(name_of("2025-09-23") == "秋分の日");
    BOOST_TEST(name_of("2028-09-22") == "秋分の日");
    BOOST_TEST(name_of("2012-03-20") == "春分の日");
}

BOOST_AUTO_TEST_CASE(substitute_holiday_after_a_sunday_holiday) {
    // 春分の日 2027-03-21 is a Sunday.
    BOOST_TEST(name_of("2027-03-22") == "振替休日");
    // 憲法記念日 2026-05-03 is a Sunday; 5/4 and 5/5 are holidays, so 5/6.
    BOOST_TEST(name_of("2026-05-06") == "振替休日");
    BOOST_TEST(name_of("2026-05-04") == "みどりの日");
}

BOOST_AUTO_TEST_CASE(citizens_holiday_between_two_holidays) {
    BOOST_TEST(name_of("2026-09-21") == "敬老の日");
    BOOST_TEST(name_of("2026-09-22") == "国民の休日");
    BOOST_TEST(name_of("2027-09-21") == "(none)"); // 敬老の日 9/20, 秋分の日 9/23 in 2027
}

BOOST_AUTO_TEST_CASE(the_2026_list_has_eighteen_days_in_order) {
    const auto days = dispatch::national_holidays(2026);
    std::vector<std::string> dates;
    for (const auto& h : days) {
        dates.push_back(dispatch::date_text(h.date));
    }
    const std::vector<std::string> expected{
        "2026-01-01", "2026-01-12", "2026-02-11", "2026-02-23", "2026-03-20", "2026-04-29",
        "2026-05-03", "2026-05-04", "2026-05-05", "2026-05-06", "2026-07-20", "2026-08-11",
        "2026-09-21", "2026-09-22", "2026-09-23", "2026-10-12", "2026-11-03", "2026-11-23"};
    BOOST_TEST(dates == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(years_outside_the_formula_are_refused) {
    BOOST_CHECK_THROW(dispatch::national_holidays(1979), Error);
    BOOST_TEST(message_of([] { dispatch::national_holidays(2100); }).find("year 2100") !=
               std::string::npos);
    BOOST_TEST(message_of([] { parse_date("2027-02-30"); }) ==
               "date '2027-02-30' is not a date YYYY-MM-DD");
}

BOOST_AUTO_TEST_CASE(day_kind_of_weekends_national_and_project_holidays) {
    CalendarProject p;
    dispatch::HolidayCalendar calendar(p.project);
    BOOST_TEST((calendar.day_kind(parse_date("2026-11-24")) == DayKind::weekday)); // Tuesday
    BOOST_TEST((calendar.day_kind(parse_date("2026-11-23")) == DayKind::holiday));
    BOOST_TEST(calendar.reason(parse_date("2026-11-28")) == "土曜");
    BOOST_TEST(calendar.reason(parse_date("2026-11-29")) == "日曜");
    BOOST_TEST(calendar.reason(parse_date("2026-11-23")) == "勤労感謝の日");
    BOOST_TEST((calendar.day_kind(parse_date("2026-12-29")) == DayKind::weekday)); // Tuesday

    calendar.set_actor("sato", "cli");
    calendar.add(parse_date("2026-12-29"), "年末年始");
    BOOST_TEST((calendar.day_kind(parse_date("2026-12-29")) == DayKind::holiday));
    BOOST_TEST(calendar.reason(parse_date("2026-12-29")) == "年末年始");
    // A fresh calendar reads the table.
    const dispatch::HolidayCalendar reread(p.project);
    BOOST_TEST_REQUIRE(reread.project_holidays().size() == 1U);
    BOOST_TEST(dispatch::date_text(reread.project_holidays()[0].date) == "2026-12-29");

    calendar.remove(parse_date("2026-12-29"));
    BOOST_TEST((calendar.day_kind(parse_date("2026-12-29")) == DayKind::weekday));
    BOOST_TEST(message_of([&] { calendar.remove(parse_date("2026-12-30")); }) ==
               "date 2026-12-30 is not a holiday of the project");

    const auto entries = dispatch::read_audit(p.project.database(), std::string("holiday"));
    BOOST_TEST_REQUIRE(entries.size() == 2U);
    BOOST_TEST(entries[0].action == "holiday.add");
    BOOST_TEST(entries[0].actor == "sato");
    BOOST_TEST(entries[0].entity_id == 20261229);
    BOOST_TEST(entries[1].action == "holiday.remove");
}

BOOST_AUTO_TEST_CASE(jst_date_of_an_instant) {
    // 2027-01-15 00:00 JST is 2027-01-14 15:00 UTC.
    BOOST_TEST(dispatch::date_text(dispatch::jst_date(1'799'938'800'000)) == "2027-01-15");
    BOOST_TEST(dispatch::date_text(dispatch::jst_date(1'799'938'799'999)) == "2027-01-14");
}

BOOST_AUTO_TEST_SUITE_END()

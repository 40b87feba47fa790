#include "ykm/dispatch/fees.hpp"

#include "../data/error_message.hpp"
#include "two_contractor_town.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/dispatch/audit_log.hpp"
#include "ykm/dispatch/daily_report.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <string>
#include <vector>

using namespace ykm;
using data::WorkType;
using dispatch::DayKind;
using dispatch::MachineType;
using test::message_of;

namespace {

using test::hour_ms;
using test::minute_ms;
// 00:00 JST of 2027-01-13 (Wednesday), 2027-01-15 (Friday), 2027-02-11 (Thursday, 建国記念の日).
constexpr std::int64_t jan13_ms = 1'799'766'000'000;
constexpr std::int64_t jan15_ms = 1'799'938'800'000;
constexpr std::int64_t feb11_ms = 1'802'271'600'000;
constexpr double step_m = test::track_step_m;

struct FeeProject : test::TwoContractorTown {
    std::int64_t weekday_day = 0; ///< id of the weekday 08:00-22:00 band

    FeeProject() : TwoContractorTown(MachineType::dozer) {
        // Weekday 08:00-22:00 10,000 yen/h, nights 12,500; holidays 15,000 and 18,000.
        dispatch::FeeTables tables(project);
        weekday_day = tables.set_rate(band(DayKind::weekday, 8 * 60, 22 * 60, 10'000, "昼間"));
        tables.set_rate(band(DayKind::weekday, 22 * 60, 24 * 60, 12'500, "夜間"));
        tables.set_rate(band(DayKind::weekday, 0, 8 * 60, 12'500, "早朝"));
        tables.set_rate(band(DayKind::holiday, 8 * 60, 22 * 60, 15'000, "昼間"));
        tables.set_rate(band(DayKind::holiday, 22 * 60, 24 * 60, 18'000, "夜間"));
        tables.set_rate(band(DayKind::holiday, 0, 8 * 60, 18'000, "早朝"));
    }

    static dispatch::FeeRate band(DayKind day, int from, int to, std::int64_t yen,
                                  std::string name) {
        dispatch::FeeRate r;
        r.machine = MachineType::dozer;
        r.day = day;
        r.band_start_min = from;
        r.band_end_min = to;
        r.yen_per_hour = yen;
        r.name = std::move(name);
        return r;
    }
};

const dispatch::VehicleFees& vehicle_of(const dispatch::MonthlyFees& f, const std::string& code) {
    for (const auto& v : f.vehicles) {
        if (v.vehicle_code == code) {
            return v;
        }
    }
    throw std::runtime_error("no vehicle " + code);
}

} // namespace

BOOST_AUTO_TEST_SUITE(fees_tests)

BOOST_AUTO_TEST_CASE(night_shift_from_friday_into_saturday_changes_day_kind_at_midnight) {
    FeeProject p;
    // Friday 2027-01-15 21:00 to Saturday 06:00, one fix a minute.
    p.append(FeeProject::track(p.vehicle, jan15_ms + 21 * hour_ms, 541));

    const auto fees = dispatch::monthly_fees(p.project, "2027-01", std::nullopt);
    BOOST_TEST_REQUIRE(fees.lines.size() == 3U);
    const auto& day = fees.lines[0];
    BOOST_TEST(day.start_ms == jan15_ms + 21 * hour_ms);
    BOOST_TEST(day.end_ms == jan15_ms + 22 * hour_ms);
    BOOST_TEST((day.day == DayKind::weekday));
    BOOST_TEST(day.rate.yen_per_hour == 10'000);
    BOOST_TEST(day.rate.id == p.weekday_day);
    BOOST_TEST(day.fix_count == 61U); // 21:00 through 22:00
    BOOST_TEST(day.first_fix_ms == jan15_ms + 21 * hour_ms);
    BOOST_TEST(day.last_fix_ms == jan15_ms + 22 * hour_ms);
    BOOST_TEST(day.yen() == 10'000.0);
    const auto& night = fees.lines[1];
    BOOST_TEST(night.start_ms == jan15_ms + 22 * hour_ms);
    BOOST_TEST(night.end_ms == jan15_ms + 24 * hour_ms);
    BOOST_TEST(night.rate.yen_per_hour == 12'500);
    BOOST_TEST(night.fix_count == 121U);
    BOOST_TEST(night.date == "2027-01-15");
    const auto& saturday = fees.lines[2];
    BOOST_TEST(saturday.start_ms == jan15_ms + 24 * hour_ms);
    BOOST_TEST(saturday.end_ms == jan15_ms + 30 * hour_ms);
    BOOST_TEST((saturday.day == DayKind::holiday));
    BOOST_TEST(saturday.day_reason == "土曜");
    BOOST_TEST(saturday.date == "2027-01-16");
    BOOST_TEST(saturday.report_date == "2027-01-15");
    BOOST_TEST(saturday.rate.yen_per_hour == 18'000);
    BOOST_TEST(saturday.fix_count == 361U);

    const auto& t1 = vehicle_of(fees, "T-1");
    BOOST_TEST(t1.duration_ms == 9 * hour_ms);
    BOOST_TEST(t1.fee_yen == 10'000 + 25'000 + 108'000);
    BOOST_TEST_REQUIRE(t1.bands.size() == 3U);
    BOOST_TEST((t1.bands[0].rate.day == DayKind::weekday)); // weekday bands first, by start
    BOOST_TEST(t1.bands[0].rate.band_start_min == 8 * 60);
    BOOST_TEST(t1.bands[2].duration_ms == 6 * hour_ms);
    BOOST_TEST_REQUIRE(fees.contractors.size() == 1U);
    BOOST_TEST(fees.contractors[0].contractor_code == "C1");
    BOOST_TEST(fees.contractors[0].total_yen() == 143'000);
    BOOST_TEST(fees.rates_used.size() == 3U);
}

BOOST_AUTO_TEST_CASE(interval_crossing_a_band_boundary_is_split_exactly_there) {
    FeeProject p;
    // Wednesday 21:50:30 to 22:10:30: 9.5 min at 10,000 and 10.5 min at 12,500 yen/h.
    p.append(FeeProject::track(p.vehicle, jan13_ms + 21 * hour_ms + 50 * minute_ms + 30'000, 21));

    const auto fees = dispatch::monthly_fees(p.project, "2027-01", std::nullopt);
    BOOST_TEST_REQUIRE(fees.lines.size() == 2U);
    BOOST_TEST(fees.lines[0].end_ms == jan13_ms + 22 * hour_ms);
    BOOST_TEST(fees.lines[1].start_ms == jan13_ms + 22 * hour_ms);
    BOOST_TEST(fees.lines[0].fix_count == 10U); // 21:50:30 .. 21:59:30
    BOOST_TEST(fees.lines[1].fix_count == 11U); // 22:00:30 .. 22:10:30
    BOOST_TEST(fees.lines[0].duration_ms() == 9 * minute_ms + 30'000);
    // 1,583.33… + 2,187.5 = 3,770.83…, rounded down per vehicle.
    BOOST_TEST(fees.lines[0].yen() == 10'000.0 * 9.5 / 60.0, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(fees.lines[1].yen() == 2'187.5);
    BOOST_TEST(vehicle_of(fees, "T-1").fee_yen == 3'770);
}

BOOST_AUTO_TEST_CASE(national_holiday_is_priced_at_the_holiday_rate) {
    FeeProject p;
    p.append(FeeProject::track(p.vehicle, feb11_ms + 10 * hour_ms, 121)); // 10:00-12:00
    const auto fees = dispatch::monthly_fees(p.project, "2027-02", std::nullopt);
    BOOST_TEST_REQUIRE(fees.lines.size() == 1U);
    BOOST_TEST((fees.lines[0].day == DayKind::holiday));
    BOOST_TEST(fees.lines[0].day_reason == "建国記念の日");
    BOOST_TEST(vehicle_of(fees, "T-1").fee_yen == 30'000);
    // Not in January.
    BOOST_TEST(dispatch::monthly_fees(p.project, "2027-01", std::nullopt).lines.empty());
}

BOOST_AUTO_TEST_CASE(gap_is_paid_only_once_confirmed_and_traced_as_such) {
    FeeProject p;
    // Wednesday 10:00-11:00 with 10:20-10:29 missing: a gap from 10:19 to 10:30.
    std::vector<data::Fix> fixes;
    for (const data::Fix& f : FeeProject::track(p.vehicle, jan13_ms + 10 * hour_ms, 61)) {
        const std::int64_t minute = (f.time_ms - jan13_ms - 10 * hour_ms) / minute_ms;
        if (minute < 20 || minute > 29) {
            fixes.push_back(f);
        }
    }
    p.append(fixes);
    const std::int64_t gap_start = jan13_ms + 10 * hour_ms + 19 * minute_ms;
    const std::int64_t gap_end = jan13_ms + 10 * hour_ms + 30 * minute_ms;

    auto fees = dispatch::monthly_fees(p.project, "2027-01", std::nullopt);
    BOOST_TEST(vehicle_of(fees, "T-1").duration_ms == 49 * minute_ms);
    BOOST_TEST(vehicle_of(fees, "T-1").fee_yen == 8'166); // 10,000 × 49/60 = 8,166.67
    BOOST_TEST_REQUIRE(fees.unconfirmed_gaps.size() == 1U);
    BOOST_TEST(fees.unconfirmed_gaps[0].start_ms == gap_start);

    dispatch::confirm_gap(p.project, p.vehicle, gap_start, gap_end, WorkType::travel, "無線で確認",
                          "sato", "cli");
    const auto reports = dispatch::daily_reports(p.project, "2027-01-13", std::nullopt);
    BOOST_TEST_REQUIRE(reports.size() == 1U);
    const auto& r = reports[0];
    BOOST_TEST(r.time_ms[static_cast<std::size_t>(WorkType::travel)] == 11 * minute_ms);
    BOOST_TEST(r.time_ms[static_cast<std::size_t>(WorkType::plow)] == 49 * minute_ms);
    BOOST_TEST(r.gap_ms() == 0);
    BOOST_TEST(r.confirmed_gap_ms() == 11 * minute_ms);
    // The straight line across the gap: 11 steps of 0.001 degree.
    BOOST_TEST(r.distance_m[static_cast<std::size_t>(WorkType::travel)] == 11 * step_m,
               boost::test_tools::tolerance(1e-6));
    BOOST_TEST_REQUIRE(r.gaps.size() == 1U);
    BOOST_TEST_REQUIRE(r.gaps[0].confirmation.has_value());
    BOOST_TEST(r.gaps[0].confirmation->confirmed_by == "sato");
    BOOST_TEST(r.gaps[0].confirmation->note == "無線で確認");
    BOOST_TEST_REQUIRE(r.intervals.size() == 3U);
    BOOST_TEST(r.intervals[0].end_ms == gap_start);
    BOOST_TEST(r.intervals[1].confirmed_gap);
    BOOST_TEST((r.intervals[1].work == WorkType::travel));
    BOOST_TEST(r.intervals[2].start_ms == gap_end);
    BOOST_TEST(r.intervals[2].last_fix == r.fix_times_ms.size() - 1);

    fees = dispatch::monthly_fees(p.project, "2027-01", std::nullopt);
    BOOST_TEST(vehicle_of(fees, "T-1").duration_ms == hour_ms);
    BOOST_TEST(vehicle_of(fees, "T-1").fee_yen == 10'000);
    BOOST_TEST(fees.unconfirmed_gaps.empty());
    BOOST_TEST_REQUIRE(fees.lines.size() == 3U);
    BOOST_TEST(fees.lines[1].confirmed_gap);
    BOOST_TEST(fees.lines[1].fix_count == 2U); // the fixes on both sides of the gap
    BOOST_TEST(fees.lines[1].first_fix_ms == gap_start);
    BOOST_TEST(fees.lines[1].last_fix_ms == gap_end);

    dispatch::unconfirm_gap(p.project, p.vehicle, gap_start, "sato", "cli");
    BOOST_TEST(
        vehicle_of(dispatch::monthly_fees(p.project, "2027-01", std::nullopt), "T-1").fee_yen ==
        8'166);
    const auto entries =
        dispatch::read_audit(p.project.database(), std::string("gap_confirmation"));
    BOOST_TEST_REQUIRE(entries.size() == 2U);
    BOOST_TEST(entries[0].action == "gap.confirm");
    BOOST_TEST(entries[1].action == "gap.unconfirm");
    BOOST_TEST(dispatch::verify_audit(p.project.database()).intact);
}

BOOST_AUTO_TEST_CASE(confirming_what_is_no_gap_is_refused) {
    FeeProject p;
    p.append(FeeProject::track(p.vehicle, jan13_ms + 10 * hour_ms, 3)); // 10:00, 10:01, 10:02
    const std::int64_t ten = jan13_ms + 10 * hour_ms;
    BOOST_TEST(message_of([&] {
                   dispatch::confirm_gap(p.project, p.vehicle, ten, ten + minute_ms, WorkType::plow,
                                         "", "sato", "cli");
               }) == "vehicle T-1 has no GPS gap from 2027-01-13T10:00:00+09:00 to "
                     "2027-01-13T10:01:00+09:00: the fixes are only 60 s apart (a gap is longer "
                     "than 120 s)");
    BOOST_TEST(message_of([&] {
                   dispatch::confirm_gap(p.project, p.vehicle, ten + 30'000, ten + minute_ms,
                                         WorkType::plow, "", "sato", "cli");
               }).find("it has no fix at 2027-01-13T10:00:30+09:00") != std::string::npos);
    BOOST_TEST(message_of([&] {
                   dispatch::confirm_gap(p.project, p.vehicle, ten + 2 * minute_ms,
                                         ten + 9 * minute_ms, WorkType::plow, "", "sato", "cli");
               }).find("its shift ends with the fix at") != std::string::npos);
    BOOST_TEST(message_of([&] {
                   dispatch::confirm_gap(p.project, p.vehicle, ten, ten + minute_ms,
                                         static_cast<WorkType>(9), "", "sato", "cli");
               }) == "work type 9 is not a work type (0-6)");
    BOOST_TEST(message_of([&] {
                   dispatch::unconfirm_gap(p.project, p.vehicle, ten, "sato", "cli");
               }) == "vehicle T-1 has no confirmed GPS gap starting at 2027-01-13T10:00:00+09:00");
    BOOST_TEST(!dispatch::gap_at(p.project, p.vehicle, ten).has_value());
}

BOOST_AUTO_TEST_CASE(overlapping_bands_are_refused_and_same_start_replaces) {
    FeeProject p;
    dispatch::FeeTables tables(p.project);
    const std::string message = message_of(
        [&] { tables.set_rate(FeeProject::band(DayKind::weekday, 21 * 60, 23 * 60, 11'000, "")); });
    BOOST_TEST(message == "band dozer weekday 21:00-23:00 overlaps band 08:00-22:00 (id " +
                              std::to_string(p.weekday_day) + ", 昼間)");
    // Another day kind or machine type does not overlap.
    auto grader = FeeProject::band(DayKind::weekday, 21 * 60, 23 * 60, 11'000, "");
    grader.machine = MachineType::motor_grader;
    BOOST_CHECK_NO_THROW(tables.set_rate(grader));

    const std::int64_t id =
        tables.set_rate(FeeProject::band(DayKind::weekday, 8 * 60, 22 * 60, 11'000, "昼間改定"));
    BOOST_TEST(id == p.weekday_day);
    BOOST_TEST(tables.rate(id)->yen_per_hour == 11'000);
    BOOST_TEST(tables.rates().size() == 7U);
    BOOST_CHECK_THROW(tables.set_rate(FeeProject::band(DayKind::weekday, 22 * 60, 22 * 60, 1, "")),
                      Error);
    BOOST_TEST(message_of([&] { tables.remove_rate(9999); }) == "fee rate 9999 does not exist");
    tables.remove_rate(id);
    BOOST_TEST(!tables.rate(id).has_value());
    const auto entries = dispatch::read_audit(p.project.database(), std::string("fee_rate"));
    BOOST_TEST(entries.back().action == "fee_rate.remove");
    BOOST_TEST(entries.size() == 6U + 1U + 1U + 1U); // fixture, grader, replace, remove
}

BOOST_AUTO_TEST_CASE(a_minute_without_rate_is_refused_naming_it) {
    FeeProject p;
    dispatch::FeeTables tables(p.project);
    for (const auto& r : tables.rates()) {
        if (r.day == DayKind::holiday && r.band_start_min == 0) {
            tables.remove_rate(r.id);
        }
    }
    p.append(FeeProject::track(p.vehicle, jan15_ms + 21 * hour_ms, 541));
    BOOST_TEST(message_of([&] { dispatch::monthly_fees(p.project, "2027-01", std::nullopt); }) ==
               "no fee rate for dozer (除雪ドーザ) on a holiday at 2027-01-16 00:00 (vehicle "
               "T-1); add a band with ykm fees rate set");
}

BOOST_AUTO_TEST_CASE(standby_is_paid_in_the_settlement_month_only) {
    FeeProject p;
    dispatch::FeeTables tables(p.project);
    // Before a season is set: no standby, said in the notes.
    p.append(FeeProject::track(p.vehicle, jan15_ms + 21 * hour_ms, 541)); // 9 h
    auto fees = dispatch::monthly_fees(p.project, "2027-01", std::nullopt);
    BOOST_TEST(!vehicle_of(fees, "T-1").standby.has_value());
    BOOST_TEST(fees.notes.back().find("シーズン期間") != std::string::npos);

    tables.set_season({dispatch::parse_date("2026-12-01"), dispatch::parse_date("2027-03-15")});
    tables.set_standby({MachineType::dozer, 100.0, 5'000});
    // 2 h on 2026-12-01 (Tuesday 10:00-12:00) and 1 h on 2027-03-15 (Monday 09:00-10:00); the
    // 2027-03-16 shift is after the season.
    p.append(FeeProject::track(p.vehicle, 1'796'050'800'000 + 10 * hour_ms, 121));
    const std::int64_t mar15_ms = jan15_ms + (31 + 28) * 24 * hour_ms;
    p.append(FeeProject::track(p.vehicle, mar15_ms + 9 * hour_ms, 61));
    p.append(FeeProject::track(p.vehicle, mar15_ms + 33 * hour_ms, 61));

    fees = dispatch::monthly_fees(p.project, "2027-01", std::nullopt);
    BOOST_TEST(!fees.settlement_month);
    const auto& jan = vehicle_of(fees, "T-1");
    BOOST_TEST_REQUIRE(jan.standby.has_value());
    BOOST_TEST(jan.standby->season_operating_ms == 11 * hour_ms); // December 2 h + January 9 h
    BOOST_TEST(jan.standby->shortfall_ms == 89 * hour_ms);
    BOOST_TEST(!jan.standby->paid);
    BOOST_TEST(jan.standby->yen == 0);
    BOOST_TEST(jan.total_yen() == jan.fee_yen);
    // T-2 has standby terms too (a dozer without shifts): in the list, with no lines.
    BOOST_TEST(vehicle_of(fees, "T-2").standby->shortfall_ms == 100 * hour_ms);
    BOOST_TEST(vehicle_of(fees, "T-2").fee_yen == 0);

    fees = dispatch::monthly_fees(p.project, "2027-03", std::nullopt);
    BOOST_TEST(fees.settlement_month);
    const auto& mar = vehicle_of(fees, "T-1");
    BOOST_TEST(mar.standby->season_operating_ms == 12 * hour_ms);
    BOOST_TEST(mar.standby->paid);
    BOOST_TEST(mar.standby->yen == 88 * 5'000);
    BOOST_TEST(mar.fee_yen == 20'000); // 03-15 and 03-16 09:00-10:00 weekday
    BOOST_TEST(mar.total_yen() == 20'000 + 440'000);
    BOOST_TEST(vehicle_of(fees, "T-2").standby->yen == 500'000);
    BOOST_TEST_REQUIRE(fees.contractors.size() == 2U);
    BOOST_TEST(fees.contractors[0].standby_yen == 440'000);
    BOOST_TEST(fees.contractors[1].total_yen() == 500'000);

    fees = dispatch::monthly_fees(p.project, "2027-04", std::nullopt);
    BOOST_TEST(fees.vehicles.empty());
    BOOST_TEST(fees.notes.back().find("外") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(contractor_filter_keeps_its_vehicles_only) {
    FeeProject p;
    p.append(FeeProject::track(p.vehicle, jan13_ms + 10 * hour_ms, 61));
    p.append(FeeProject::track(p.other_vehicle, jan13_ms + 10 * hour_ms, 121));
    const auto all = dispatch::monthly_fees(p.project, "2027-01", std::nullopt);
    BOOST_TEST(all.vehicles.size() == 2U);
    const auto other = dispatch::monthly_fees(p.project, "2027-01", p.other_contractor);
    BOOST_TEST_REQUIRE(other.vehicles.size() == 1U);
    BOOST_TEST(other.vehicles[0].vehicle_code == "T-2");
    BOOST_TEST(other.vehicles[0].fee_yen == 20'000);
    BOOST_TEST_REQUIRE(other.lines.size() == 1U);
    BOOST_TEST(other.lines[0].contractor_code == "C2");
    BOOST_TEST(message_of([&] { dispatch::monthly_fees(p.project, "2027-01", 9999); }) ==
               "contractor 9999 does not exist");
    BOOST_TEST(message_of([&] {
                   dispatch::monthly_fees(p.project, "2027-13", std::nullopt);
               }).find("month '2027-13'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(csv_import_is_all_rows_or_none) {
    FeeProject p;
    dispatch::FeeTables tables(p.project);
    const auto bad = p.dir / "bad.csv";
    std::ofstream(bad) << "machine_type,day_kind,from,to,yen_per_hour,name\n"
                          "motor_grader,weekday,08:00,22:00,9000,昼間\n"
                          "motor_grader,平日,22:00,24:00,abc,夜間\n";
    BOOST_TEST(message_of([&] { tables.import_csv(bad); }) ==
               bad.string() + ":3: column 'yen_per_hour': 'abc' is not a whole number of yen of "
                              "at least 0");
    BOOST_TEST(tables.rates().size() == 6U);

    const auto overlap = p.dir / "overlap.csv";
    std::ofstream(overlap) << "machine_type,day_kind,from,to,yen_per_hour\n"
                              "motor_grader,weekday,08:00,22:00,9000\n"
                              "モーターグレーダ,weekday,20:00,24:00,9500\n";
    BOOST_TEST(message_of([&] { tables.import_csv(overlap); }) ==
               overlap.string() + ":3: column 'from': band motor_grader weekday 20:00-24:00 "
                                  "overlaps band 08:00-22:00 (id 7)");
    BOOST_TEST(tables.rates().size() == 6U);

    const auto good = p.dir / "good.csv";
    std::ofstream(good) << "machine_type,day_kind,from,to,yen_per_hour,name\n"
                           "motor_grader,weekday,08:00,22:00,9000,昼間\n"
                           "motor_grader,休日,00:00,24:00,12000,\n";
    BOOST_TEST(tables.import_csv(good) == 2U);
    BOOST_TEST(tables.rates().size() == 8U);
    BOOST_TEST(tables.import_csv(good, true) == 2U);
    const auto rates = tables.rates();
    BOOST_TEST_REQUIRE(rates.size() == 2U);
    BOOST_TEST((rates[1].day == DayKind::holiday));
    BOOST_TEST(rates[1].band_end_min == 1440);
    BOOST_TEST(rates[1].yen_per_hour == 12'000);
    BOOST_TEST(dispatch::read_audit(p.project.database(), std::string("fee_rate")).back().action ==
               "fee_rate.import");
}

BOOST_AUTO_TEST_CASE(clock_times_and_season_checks) {
    BOOST_TEST(*dispatch::parse_clock_minutes("24:00") == 1440);
    BOOST_TEST(*dispatch::parse_clock_minutes("7:30") == 450);
    BOOST_TEST(!dispatch::parse_clock_minutes("24:01").has_value());
    BOOST_TEST(!dispatch::parse_clock_minutes("12:60").has_value());
    BOOST_TEST(dispatch::band_text(1320, 1440) == "22:00-24:00");
    FeeProject p;
    dispatch::FeeTables tables(p.project);
    BOOST_TEST(message_of([&] {
                   tables.set_season(
                       {dispatch::parse_date("2027-03-15"), dispatch::parse_date("2026-12-01")});
               }) == "season end 2026-12-01 is before its start 2027-03-15");
    BOOST_CHECK_THROW(tables.set_standby({MachineType::dozer, -1.0, 5'000}), Error);
    BOOST_TEST(message_of([&] { tables.remove_standby(MachineType::dozer); }) ==
               "machine type dozer has no standby terms");
}

BOOST_AUTO_TEST_SUITE_END()

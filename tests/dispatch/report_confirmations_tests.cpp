// Confirmed daily reports: stored as confirmed and audited, locked against UPDATE and DELETE, the
// confirmed figures kept when late fixes change the recomputed report (flagged as differing),
// and the refusals (no such shift, still running, already confirmed).

#include "ykm/dispatch/report_confirmations.hpp"

#include "../data/error_message.hpp"
#include "two_contractor_town.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/dispatch/audit_log.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/secrets.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <functional>
#include <string>
#include <vector>

using namespace ykm;
using data::WorkType;
using dispatch::ConfirmationChannel;
using dispatch::ConfirmationError;
using dispatch::ConfirmationRefusal;
using test::message_of;

namespace {

using test::hour_ms;
using test::minute_ms;
// 2026-01-15 00:00 JST (2026-01-14 15:00 UTC).
constexpr std::int64_t jan15_ms = 1'768'402'800'000;
// The night shift of T-1: 21:00 to 06:00 the next morning, one fix a minute.
constexpr std::int64_t shift_start = jan15_ms + 21 * hour_ms;
constexpr std::int64_t shift_end = jan15_ms + 30 * hour_ms;
// Noon after the night: the shift is over (its last fix 6 h ago, more than the 4 h break).
constexpr std::int64_t noon_after = jan15_ms + 36 * hour_ms;

struct ConfirmProject : test::TwoContractorTown {
    ConfirmProject() {
        // T-1 plows 21:00-06:00 (541 fixes, 9 h); T-2 grades 22:00-23:00 (61 fixes, 1 h).
        append(track(vehicle, shift_start, 541, WorkType::plow));
        append(track(other_vehicle, jan15_ms + 22 * hour_ms, 61, WorkType::grade));
    }

    dispatch::ReportConfirmation confirm(std::int64_t start = shift_start,
                                         std::int64_t now = noon_after) {
        return dispatch::confirm_daily_report(project, vehicle, "2026-01-15", start, "yamada",
                                              ConfirmationChannel::portal, {}, now);
    }

    std::int64_t count(const char* sql) {
        data::Statement q(project.database(), sql);
        q.step();
        return q.column_int64(0);
    }
};

ConfirmationRefusal refusal_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const ConfirmationError& e) {
        return e.reason();
    }
    BOOST_FAIL("no ConfirmationError thrown");
    return ConfirmationRefusal::no_such_shift;
}

} // namespace

BOOST_AUTO_TEST_SUITE(report_confirmations_tests)

BOOST_AUTO_TEST_CASE(confirming_stores_the_report_as_json_and_appends_an_audit_entry) {
    ConfirmProject p;
    const dispatch::ReportConfirmation c = p.confirm();
    BOOST_TEST(c.id > 0);
    BOOST_TEST(c.vehicle_code == "T-1");
    BOOST_TEST(c.report_date == "2026-01-15");
    BOOST_TEST(c.shift_start_ms == shift_start);
    BOOST_TEST(c.confirmed_by == "yamada");
    BOOST_TEST(c.confirmed_ms == noon_after);
    BOOST_TEST(!c.differs);

    const nlohmann::json content = c.content_json();
    BOOST_TEST(content["vehicle"] == "T-1");
    BOOST_TEST(content["contractor"] == "C1");
    BOOST_TEST(content["contractor_name"] == "雪国建設");
    BOOST_TEST(content["start"] == "2026-01-15T21:00:00+09:00");
    BOOST_TEST(content["end"] == "2026-01-16T06:00:00+09:00");
    BOOST_TEST(content["operating_h"].get<double>() == 9.0);
    BOOST_TEST(content["gap_min"].get<double>() == 0.0);
    // 540 steps of 0.001 degree of latitude (111.195 m each on the haversine sphere).
    BOOST_TEST(content["km"].get<double>() == 540 * 0.11119508023353292,
               boost::test_tools::tolerance(1e-9));
    BOOST_TEST_REQUIRE(content["work"].size() == 1U);
    BOOST_TEST(content["work"][0]["type"] == "plow");
    BOOST_TEST(content["work"][0]["hours"].get<double>() == 9.0);
    BOOST_TEST(content["gaps"].empty());
    BOOST_TEST(c.shift_end_ms() == shift_end);
    BOOST_TEST(c.content_sha256 == dispatch::sha256_hex(c.content));
    BOOST_TEST(c.content_sha256.size() == 64U);

    // Stored as returned.
    const auto stored = dispatch::confirmed_report(p.project, p.vehicle, shift_start);
    BOOST_TEST_REQUIRE(stored.has_value());
    BOOST_TEST(stored->content == c.content);
    BOOST_TEST(stored->content_sha256 == c.content_sha256);
    BOOST_TEST((stored->channel == ConfirmationChannel::portal));
    BOOST_TEST(stored->confirmed_by == "yamada");
    BOOST_TEST(!stored->differs);

    const auto entries = dispatch::read_audit(p.project.database(), "daily_report", c.id);
    BOOST_TEST_REQUIRE(entries.size() == 1U);
    BOOST_TEST(entries[0].action == "confirm");
    BOOST_TEST(entries[0].actor == "yamada");
    BOOST_TEST(entries[0].channel == "portal");
    const nlohmann::json detail = nlohmann::json::parse(entries[0].detail);
    BOOST_TEST(detail["vehicle"] == "T-1");
    BOOST_TEST(detail["content_sha256"] == c.content_sha256);
    BOOST_TEST(detail["shift_start"] == "2026-01-15T21:00:00+09:00");
    // Chained to the entries before it (the fleet's saves).
    const auto all = dispatch::read_audit(p.project.database());
    BOOST_TEST_REQUIRE(all.size() >= 2U);
    BOOST_TEST(all.back().id == entries[0].id);
    BOOST_TEST(all.back().prev_hash == all[all.size() - 2].hash);
    const dispatch::AuditCheck check = dispatch::verify_audit(p.project.database());
    BOOST_TEST(check.intact, check.message);
}

BOOST_AUTO_TEST_CASE(a_confirmed_report_is_locked_against_update_and_delete) {
    ConfirmProject p;
    const dispatch::ReportConfirmation c = p.confirm();
    data::Database& db = p.project.database();
    BOOST_TEST(message_of([&] {
                   db.exec("UPDATE report_confirmations SET content = '{\"operating_h\": 12}'");
               }).find("locked") != std::string::npos);
    BOOST_TEST(message_of([&] { db.exec("DELETE FROM report_confirmations"); }).find("locked") !=
               std::string::npos);
    BOOST_TEST(message_of([&] {
                   db.exec("UPDATE report_confirmations SET confirmed_by = 'someone'");
               }).find("locked") != std::string::npos);
    const auto stored = dispatch::confirmed_report(p.project, p.vehicle, shift_start);
    BOOST_TEST_REQUIRE(stored.has_value());
    BOOST_TEST(stored->content == c.content);
    BOOST_TEST(stored->confirmed_by == "yamada");
    BOOST_TEST(p.count("SELECT count(*) FROM report_confirmations") == 1);
    const dispatch::AuditCheck check = dispatch::verify_audit(db);
    BOOST_TEST(check.intact, check.message);
}

BOOST_AUTO_TEST_CASE(a_field_the_report_gained_later_does_not_flag_a_difference) {
    ConfirmProject p;
    // A confirmation stored by an earlier version whose report had no "km" (the row written
    // as that version would have), and one whose operating hours are not what the fixes say.
    nlohmann::json older = dispatch::daily_report_json(
        dispatch::daily_reports(p.project, "2026-01-15", p.contractor).at(0));
    older.erase("km");
    nlohmann::json wrong = dispatch::daily_report_json(
        dispatch::daily_reports(p.project, "2026-01-15", p.other_contractor).at(0));
    wrong["operating_h"] = 0.5;
    data::Statement insert(
        p.project.database(),
        "INSERT INTO report_confirmations (vehicle_id, report_date, "
        "shift_start_ms, content, content_sha256, confirmed_by, channel, "
        "confirmed_ms) VALUES (?, '2026-01-15', ?, ?, '', 'yamada', 'portal', ?)");
    insert.bind(1, p.vehicle).bind(2, shift_start).bind(3, older.dump()).bind(4, noon_after).run();
    insert.reset();
    insert.bind(1, p.other_vehicle)
        .bind(2, jan15_ms + 22 * hour_ms)
        .bind(3, wrong.dump())
        .bind(4, noon_after)
        .run();
    const auto confirmed = dispatch::confirmed_reports(p.project, "2026-01-15", std::nullopt);
    BOOST_TEST_REQUIRE(confirmed.size() == 2U);
    BOOST_TEST(confirmed[0].vehicle_code == "T-1");
    BOOST_TEST(!confirmed[0].differs);
    BOOST_TEST(confirmed[1].vehicle_code == "T-2");
    BOOST_TEST(confirmed[1].differs);
}

BOOST_AUTO_TEST_CASE(late_fixes_leave_the_confirmed_figures_and_flag_the_difference) {
    ConfirmProject p;
    const dispatch::ReportConfirmation c = p.confirm();
    BOOST_TEST(!dispatch::confirmed_reports(p.project, "2026-01-15", std::nullopt)[0].differs);

    // A logger's fixes 06:01-06:30 arrive the next day: the recomputed shift grows to 9.5 h.
    p.append(ConfirmProject::track(p.vehicle, shift_end + minute_ms, 30, WorkType::travel));
    const auto recomputed = dispatch::daily_reports(p.project, "2026-01-15", p.contractor);
    BOOST_TEST_REQUIRE(recomputed.size() == 1U);
    BOOST_TEST(recomputed[0].operating_ms() == 9 * hour_ms + 30 * minute_ms);

    const auto confirmed = dispatch::confirmed_reports(p.project, "2026-01-15", std::nullopt);
    BOOST_TEST_REQUIRE(confirmed.size() == 1U);
    BOOST_TEST(confirmed[0].content == c.content);
    BOOST_TEST(confirmed[0].content_json()["operating_h"].get<double>() == 9.0);
    BOOST_TEST(confirmed[0].differs);
    BOOST_TEST(dispatch::confirmed_report(p.project, p.vehicle, shift_start)->differs);

    // The list shows the shift once, with the confirmed figures.
    const auto states =
        dispatch::daily_report_states(p.project, "2026-01-15", p.contractor, {}, noon_after);
    BOOST_TEST_REQUIRE(states.size() == 1U);
    BOOST_TEST(states[0].confirmation.has_value());
    BOOST_TEST(states[0].report["operating_h"].get<double>() == 9.0);
    BOOST_TEST(states[0].report["end"] == "2026-01-16T06:00:00+09:00");

    // A fix before the start moves the recomputed start to 20:50; that shift is the one
    // confirmed, not a new one to confirm again.
    p.append(ConfirmProject::track(p.vehicle, shift_start - 10 * minute_ms, 1, WorkType::travel));
    BOOST_TEST(dispatch::daily_report_states(p.project, "2026-01-15", p.contractor, {}, noon_after)
                   .size() == 1U);
    BOOST_TEST((refusal_of([&] { p.confirm(shift_start - 10 * minute_ms); }) ==
                ConfirmationRefusal::already_confirmed));
    BOOST_TEST(p.count("SELECT count(*) FROM report_confirmations") == 1);
}

BOOST_AUTO_TEST_CASE(refuses_missing_running_and_confirmed_shifts_naming_vehicle_and_shift) {
    ConfirmProject p;
    const std::int64_t audit_before = p.count("SELECT count(*) FROM audit_log");

    // No shift starts at 21:01.
    const std::string missing = message_of([&] { p.confirm(shift_start + minute_ms); });
    BOOST_TEST(missing.find("T-1") != std::string::npos, missing);
    BOOST_TEST(missing.find("2026-01-15T21:01:00+09:00") != std::string::npos, missing);
    BOOST_TEST((refusal_of([&] { p.confirm(shift_start + minute_ms); }) ==
                ConfirmationRefusal::no_such_shift));
    // The shift is on the 15th, not the 16th.
    BOOST_TEST((refusal_of([&] {
                    dispatch::confirm_daily_report(p.project, p.vehicle, "2026-01-16", shift_start,
                                                   "yamada", ConfirmationChannel::portal, {},
                                                   noon_after);
                }) == ConfirmationRefusal::no_such_shift));

    // At 09:59 the last fix (06:00) is 3 h 59 min old: the shift may still be running.
    const std::int64_t too_early = shift_end + 4 * hour_ms - minute_ms;
    const std::string running = message_of([&] { p.confirm(shift_start, too_early); });
    BOOST_TEST(running.find("T-1") != std::string::npos, running);
    BOOST_TEST(running.find("2026-01-15T21:00:00+09:00") != std::string::npos, running);
    BOOST_TEST((refusal_of([&] { p.confirm(shift_start, too_early); }) ==
                ConfirmationRefusal::still_running));
    BOOST_TEST(p.count("SELECT count(*) FROM report_confirmations") == 0);
    BOOST_TEST(p.count("SELECT count(*) FROM audit_log") == audit_before);

    // At 10:00 the break has passed.
    p.confirm(shift_start, shift_end + 4 * hour_ms);
    const std::string again = message_of([&] { p.confirm(); });
    BOOST_TEST(again.find("T-1") != std::string::npos, again);
    BOOST_TEST(again.find("already confirmed") != std::string::npos, again);
    BOOST_TEST((refusal_of([&] { p.confirm(); }) == ConfirmationRefusal::already_confirmed));
    BOOST_TEST(p.count("SELECT count(*) FROM report_confirmations") == 1);
    BOOST_TEST(p.count("SELECT count(*) FROM audit_log") == audit_before + 1);

    BOOST_CHECK_THROW(dispatch::confirm_daily_report(p.project, p.vehicle, "2026-02-30",
                                                     shift_start, "yamada",
                                                     ConfirmationChannel::cli, {}, noon_after),
                      Error);
    BOOST_TEST(message_of([&] {
                   dispatch::confirm_daily_report(p.project, 9999, "2026-01-15", shift_start,
                                                  "yamada", ConfirmationChannel::cli, {},
                                                  noon_after);
               }).find("vehicle 9999") != std::string::npos);
    BOOST_CHECK_THROW(dispatch::confirm_daily_report(p.project, p.other_vehicle, "2026-01-15",
                                                     jan15_ms + 22 * hour_ms, "",
                                                     ConfirmationChannel::cli, {}, noon_after),
                      Error);
}

BOOST_AUTO_TEST_CASE(lists_per_contractor_with_confirmation_state) {
    ConfirmProject p;
    p.confirm();
    const auto own = dispatch::confirmed_reports(p.project, "2026-01-15", p.contractor);
    BOOST_TEST_REQUIRE(own.size() == 1U);
    BOOST_TEST(own[0].vehicle_code == "T-1");
    BOOST_TEST(dispatch::confirmed_reports(p.project, "2026-01-15", p.other_contractor).empty());
    BOOST_TEST(dispatch::confirmed_reports(p.project, "2026-01-16", std::nullopt).empty());
    BOOST_CHECK_THROW(dispatch::confirmed_reports(p.project, "2026-01-15", 9999), Error);

    const auto all =
        dispatch::daily_report_states(p.project, "2026-01-15", std::nullopt, {}, noon_after);
    BOOST_TEST_REQUIRE(all.size() == 2U);
    BOOST_TEST(all[0].vehicle_code == "T-1");
    BOOST_TEST(all[0].confirmation.has_value());
    BOOST_TEST(!all[0].running);
    BOOST_TEST(all[1].vehicle_code == "T-2");
    BOOST_TEST(!all[1].confirmation.has_value());
    BOOST_TEST(all[1].shift_start_ms == jan15_ms + 22 * hour_ms);
    BOOST_TEST(all[1].report["work"][0]["type"] == "grade");
    BOOST_TEST(all[1].report["operating_h"].get<double>() == 1.0);
    // At 02:00 T-2's last fix (23:00) is 3 h old: still running.
    const auto at_two = dispatch::daily_report_states(p.project, "2026-01-15", p.other_contractor,
                                                      {}, jan15_ms + 26 * hour_ms);
    BOOST_TEST_REQUIRE(at_two.size() == 1U);
    BOOST_TEST(at_two[0].running);
    BOOST_TEST(dispatch::jst_date_of(shift_start) == "2026-01-15");
    BOOST_TEST(dispatch::jst_date_of(jan15_ms - 1) == "2026-01-14");
}

BOOST_AUTO_TEST_CASE(the_report_json_marks_the_gaps_staff_confirmed) {
    ConfirmProject p;
    // T-2 also grades 01:00-01:10 and 01:20-01:30: the silences 23:00-01:00 (2 h, under the 4 h
    // break) and 01:10-01:20 are gaps of the same shift; staff confirm the second as grading.
    p.append(ConfirmProject::track(p.other_vehicle, jan15_ms + 25 * hour_ms, 11, WorkType::grade));
    p.append(ConfirmProject::track(p.other_vehicle, jan15_ms + 25 * hour_ms + 20 * minute_ms, 11,
                                   WorkType::grade));
    dispatch::confirm_gap(p.project, p.other_vehicle, jan15_ms + 25 * hour_ms + 10 * minute_ms,
                          jan15_ms + 25 * hour_ms + 20 * minute_ms, WorkType::grade, "トンネル内",
                          "sato", "desktop");
    const auto reports = dispatch::daily_reports(p.project, "2026-01-15", p.other_contractor);
    BOOST_TEST_REQUIRE(reports.size() == 1U);
    const nlohmann::json j = dispatch::daily_report_json(reports[0]);
    BOOST_TEST_REQUIRE(j["gaps"].size() == 2U);
    BOOST_TEST(j["gaps"][0]["start"] == "2026-01-15T23:00:00+09:00");
    BOOST_TEST(j["gaps"][0]["minutes"].get<double>() == 120.0);
    BOOST_TEST(!j["gaps"][0].contains("confirmation"));
    BOOST_TEST(j["gaps"][1]["start"] == "2026-01-16T01:10:00+09:00");
    BOOST_TEST(j["gaps"][1]["confirmation"]["work"] == "grade");
    BOOST_TEST(j["gaps"][1]["confirmation"]["by"] == "sato");
    BOOST_TEST(j["gaps"][1]["confirmation"]["note"] == "トンネル内");
    // Counted nowhere: only the unconfirmed 2 h. Graded: 1 h + 10 min + 10 min + the confirmed
    // 10 min.
    BOOST_TEST(j["gap_min"].get<double>() == 120.0);
    BOOST_TEST(j["operating_h"].get<double>() == 1.5);
}

BOOST_AUTO_TEST_CASE(the_gaps_of_a_confirmed_report_stay_as_confirmed) {
    ConfirmProject p;
    // T-2 grades 22:00-23:00, 01:00-01:10 and 01:20-01:30; staff confirm the gap 01:10-01:20,
    // then the contractor confirms the report.
    p.append(ConfirmProject::track(p.other_vehicle, jan15_ms + 25 * hour_ms, 11, WorkType::grade));
    p.append(ConfirmProject::track(p.other_vehicle, jan15_ms + 25 * hour_ms + 20 * minute_ms, 11,
                                   WorkType::grade));
    const std::int64_t gap_start = jan15_ms + 25 * hour_ms + 10 * minute_ms;
    const std::int64_t gap_end = gap_start + 10 * minute_ms;
    dispatch::confirm_gap(p.project, p.other_vehicle, gap_start, gap_end, WorkType::grade, "",
                          "sato", "desktop");
    dispatch::confirm_daily_report(p.project, p.other_vehicle, "2026-01-15",
                                   jan15_ms + 22 * hour_ms, "kato", ConfirmationChannel::portal, {},
                                   noon_after);
    const auto covering =
        dispatch::confirmation_covering(p.project.database(), p.other_vehicle, gap_start);
    BOOST_TEST_REQUIRE(covering.has_value());
    BOOST_TEST(covering->confirmed_by == "kato");
    BOOST_TEST(!dispatch::confirmation_covering(p.project.database(), p.other_vehicle,
                                                jan15_ms + 27 * hour_ms)
                    .has_value());
    BOOST_TEST(
        !dispatch::confirmation_covering(p.project.database(), p.vehicle, gap_start).has_value());

    const std::string changed = message_of([&] {
        dispatch::confirm_gap(p.project, p.other_vehicle, gap_start, gap_end, WorkType::plow, "",
                              "sato", "desktop");
    });
    BOOST_TEST(changed.find("vehicle T-2: the daily report of the shift starting "
                            "2026-01-15T22:00:00+09:00 was confirmed by kato") != std::string::npos,
               changed);
    const std::string withdrawn = message_of(
        [&] { dispatch::unconfirm_gap(p.project, p.other_vehicle, gap_start, "sato", "desktop"); });
    BOOST_TEST(withdrawn.find("is locked") != std::string::npos, withdrawn);
    const auto gap = dispatch::gap_at(p.project, p.other_vehicle, gap_start);
    BOOST_TEST_REQUIRE(gap.has_value());
    BOOST_TEST_REQUIRE(gap->confirmation.has_value());
    BOOST_TEST((gap->confirmation->work == WorkType::grade));
}

BOOST_AUTO_TEST_SUITE_END()

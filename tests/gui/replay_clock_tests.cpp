// The season replay's playback clock (speed, steps, seeking, clamping to the season), the jump
// field's times and the frame worker that drops the instants it had no time for.

#include "temp_dir.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gui/replay_clock.hpp"
#include "ykm/gui/test_script.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

using namespace ykm;
using gui::ReplayClock;

namespace {

constexpr std::int64_t minute_ms = 60'000;
constexpr std::int64_t hour_ms = 60 * minute_ms;

/// 2027-01-15 00:00 UTC in Unix milliseconds, from the calendar.
std::int64_t jan15_utc_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(sys_days{year{2027} / January / 15}.time_since_epoch())
        .count();
}

} // namespace

BOOST_AUTO_TEST_SUITE(replay_clock_tests)

BOOST_AUTO_TEST_CASE(starts_paused_at_the_first_instant) {
    const ReplayClock clock(1'000, 5'000);
    BOOST_TEST(clock.time_ms() == 1'000);
    BOOST_TEST(!clock.playing());
    BOOST_TEST(clock.speed() == 60);
    BOOST_TEST(clock.step_ms() == minute_ms);
    BOOST_CHECK_THROW(ReplayClock(5'000, 4'999), Error);
    // A season of one instant is a season.
    BOOST_TEST(ReplayClock(7, 7).time_ms() == 7);
}

BOOST_AUTO_TEST_CASE(plays_at_speed_times_wall_time_and_not_while_paused) {
    ReplayClock clock(0, 10 * hour_ms);
    BOOST_TEST(!clock.advance(1'000.0));
    BOOST_TEST(clock.time_ms() == 0);
    clock.set_speed(600);
    clock.play();
    BOOST_TEST(clock.advance(1'000.0));
    BOOST_TEST(clock.time_ms() == 600'000); // 600 s of season in a second
    clock.set_speed(3600);
    BOOST_TEST(clock.advance(50.0));
    BOOST_TEST(clock.time_ms() == 600'000 + 180'000);
    clock.pause();
    BOOST_TEST(!clock.advance(1'000.0));
    BOOST_TEST(clock.time_ms() == 780'000);
    // At 1x, fractions of a millisecond add up: 0.4 + 0.4 + 0.4 = 1.2 ms.
    clock.set_speed(1);
    clock.play();
    BOOST_TEST(!clock.advance(0.4));
    BOOST_TEST(!clock.advance(0.4));
    BOOST_TEST(clock.advance(0.4));
    BOOST_TEST(clock.time_ms() == 780'001);
    // Toggle pauses and plays again.
    clock.toggle();
    BOOST_TEST(!clock.playing());
    clock.toggle();
    BOOST_TEST(clock.playing());
}

BOOST_AUTO_TEST_CASE(stops_at_the_end_of_the_season_and_plays_again_from_the_start) {
    ReplayClock clock(1'000, 61'000);
    clock.set_speed(60);
    clock.play();
    // 2 s at 60x would be 120 s: the season has 60 s left.
    BOOST_TEST(clock.advance(2'000.0));
    BOOST_TEST(clock.time_ms() == 61'000);
    BOOST_TEST(!clock.playing());
    clock.play();
    BOOST_TEST(clock.time_ms() == 1'000);
    BOOST_TEST(clock.playing());
}

BOOST_AUTO_TEST_CASE(steps_and_seeks_within_the_season) {
    ReplayClock clock(10 * minute_ms, 20 * minute_ms);
    BOOST_TEST(clock.step(3) == 13 * minute_ms);
    BOOST_TEST(clock.step(-1) == 12 * minute_ms);
    BOOST_TEST(clock.step(-10) == 10 * minute_ms);
    BOOST_TEST(clock.step(1'000'000) == 20 * minute_ms);
    clock.set_step_ms(10'000);
    BOOST_TEST(clock.step(-2) == 20 * minute_ms - 20'000);
    BOOST_CHECK_THROW(clock.set_step_ms(0), Error);
    BOOST_TEST(clock.seek(0) == 10 * minute_ms);
    BOOST_TEST(clock.seek(hour_ms) == 20 * minute_ms);
    BOOST_TEST(clock.seek(15 * minute_ms + 1) == 15 * minute_ms + 1);
    BOOST_TEST(clock.time_ms() == 15 * minute_ms + 1);
}

BOOST_AUTO_TEST_CASE(takes_only_the_offered_range_of_speeds) {
    ReplayClock clock(0, hour_ms);
    BOOST_CHECK_THROW(clock.set_speed(0), Error);
    BOOST_CHECK_THROW(clock.set_speed(3601), Error);
    clock.set_speed(3600);
    BOOST_TEST(clock.speed() == 3600);
    clock.set_speed(1);
    BOOST_TEST(clock.speed() == 1);
}

BOOST_AUTO_TEST_CASE(maps_the_slider_to_the_season) {
    ReplayClock clock(1'000, 2'000);
    clock.seek(1'250);
    BOOST_TEST(clock.slider_position(100) == 25);
    BOOST_TEST(clock.time_at_slider(50, 100) == 1'500);
    BOOST_TEST(clock.time_at_slider(0, 100) == 1'000);
    BOOST_TEST(clock.time_at_slider(100, 100) == 2'000);
    BOOST_TEST(clock.time_at_slider(150, 100) == 2'000);
    BOOST_TEST(clock.time_at_slider(-5, 100) == 1'000);
}

BOOST_AUTO_TEST_CASE(reads_japan_time_and_iso_times_with_an_offset) {
    // 23:30 in Japan is 14:30 UTC.
    const std::int64_t expected = jan15_utc_ms() + 14 * hour_ms + 30 * minute_ms;
    BOOST_TEST(gui::parse_replay_time("2027-01-15 23:30").value() == expected);
    BOOST_TEST(gui::parse_replay_time("  2027-01-15 23:30:00 ").value() == expected);
    BOOST_TEST(gui::parse_replay_time("2027-01-15T23:30:00+09:00").value() == expected);
    BOOST_TEST(gui::parse_replay_time("2027-01-15T14:30:00Z").value() == expected);
    BOOST_TEST(gui::parse_replay_time("2027-01-15T09:30:00-05:00").value() == expected);
    BOOST_TEST(gui::parse_replay_time("2027-01-15T23:30:15+09:00").value() == expected + 15'000);
    BOOST_TEST(!gui::parse_replay_time("2027-01-15 25:00").has_value());
    BOOST_TEST(!gui::parse_replay_time("2027-02-30 10:00").has_value());
    BOOST_TEST(!gui::parse_replay_time("yesterday").has_value());
    BOOST_TEST(!gui::parse_replay_time("").has_value());
    BOOST_TEST(!gui::parse_replay_time("2027-01-15T23:30:00+9:000").has_value());
    BOOST_TEST(!gui::parse_replay_time("2027-01-15T23:30:00+0x:00").has_value());
    BOOST_TEST(gui::replay_time_text(expected) == "2027-01-15 23:30:00");
}

BOOST_AUTO_TEST_CASE(test_scripts_drive_the_replay) {
    using gui::ScriptAction;
    const std::vector<gui::ScriptStep> steps = gui::parse_script(
        "replay:on;replay_seek:2027-01-15T23:30:00+09:00;replay_speed:600;replay_play;"
        "replay_pause;replay_step:+3;replay_step:-2;replay_follow:P-01;replay_dump:/tmp/r.json;"
        "replay:off");
    BOOST_TEST_REQUIRE(steps.size() == 10U);
    BOOST_TEST((steps[0].action == ScriptAction::replay));
    BOOST_TEST(steps[0].text == "on");
    BOOST_TEST((steps[1].action == ScriptAction::replay_seek));
    BOOST_TEST(steps[1].text == "2027-01-15T23:30:00+09:00");
    BOOST_TEST((steps[2].action == ScriptAction::replay_speed));
    BOOST_TEST(steps[2].numbers == std::vector<double>{600.0}, boost::test_tools::per_element());
    BOOST_TEST((steps[3].action == ScriptAction::replay_play));
    BOOST_TEST((steps[4].action == ScriptAction::replay_pause));
    BOOST_TEST((steps[5].action == ScriptAction::replay_step));
    BOOST_TEST(steps[5].numbers == std::vector<double>{3.0}, boost::test_tools::per_element());
    BOOST_TEST(steps[6].numbers == std::vector<double>{-2.0}, boost::test_tools::per_element());
    BOOST_TEST((steps[7].action == ScriptAction::replay_follow));
    BOOST_TEST(steps[7].text == "P-01");
    BOOST_TEST((steps[8].action == ScriptAction::replay_dump));
    BOOST_TEST(steps[8].text == "/tmp/r.json");
    BOOST_TEST(steps[9].text == "off");
    for (const char* bad : {"replay:maybe", "replay_step:0", "replay_step:x", "replay_play:1",
                            "replay_speed:", "replay_speed:fast", "replay_seek:"}) {
        BOOST_CHECK_THROW(gui::parse_script(bad), Error);
    }
}

BOOST_AUTO_TEST_CASE(the_worker_delivers_the_last_instant_asked_for) {
    test::TempDir dir;
    const std::filesystem::path path = dir / "town.ykm";
    std::int64_t vehicle = 0;
    const std::int64_t t0 = jan15_utc_ms() + 12 * hour_ms;
    {
        data::Project project = data::Project::create(path, gis::Epsg{6678});
        data::write_demo_town(project, data::generate_demo_town(2, data::TownSize::small));
        dispatch::Fleet fleet(project);
        dispatch::Vehicle v;
        v.code = "W-1";
        v.contractor_id = fleet.save(dispatch::Contractor{0, "C1", "雪国建設", "", ""});
        vehicle = fleet.save(v);
        std::vector<data::Fix> fixes;
        for (int i = 0; i <= 10; ++i) {
            data::Fix f;
            f.vehicle_id = vehicle;
            f.time_ms = t0 + i * minute_ms;
            f.position = gis::LonLat{140.74, 40.80 + 0.001 * i};
            f.speed_mps = 5.0;
            f.work = data::WorkType::plow;
            fixes.push_back(f);
        }
        data::SeasonLog(project.database()).append(fixes);
    }

    std::mutex mutex;
    std::condition_variable arrived;
    std::vector<gui::ReplayWorker::Result> results;
    gui::ReplayWorker worker(path, {}, [&](gui::ReplayWorker::Result result) {
        const std::lock_guard lock(mutex);
        results.push_back(std::move(result));
        arrived.notify_all();
    });
    BOOST_TEST_REQUIRE(worker.extent().has_value());
    BOOST_TEST(worker.extent()->first_ms == t0);
    BOOST_TEST(worker.extent()->last_ms == t0 + 10 * minute_ms);

    // Twenty instants asked for at once: each is computed or dropped, the last always computed.
    constexpr int asked = 20;
    for (int i = 0; i < asked; ++i) {
        worker.request(t0 + i * 30'000);
    }
    std::unique_lock lock(mutex);
    const bool done = arrived.wait_for(lock, std::chrono::seconds(30), [&] {
        return !results.empty() && results.back().time_ms == t0 + (asked - 1) * 30'000;
    });
    BOOST_TEST_REQUIRE(done);
    lock.unlock();
    BOOST_TEST(!worker.busy());
    BOOST_TEST(results.size() + worker.dropped() == static_cast<std::size_t>(asked));
    const gui::ReplayWorker::Result& last = results.back();
    BOOST_TEST(last.error.empty(), last.error);
    BOOST_TEST_REQUIRE(last.frame != nullptr);
    BOOST_TEST(last.frame->time_ms == t0 + (asked - 1) * 30'000);
    const dispatch::ReplayVehicle* w = last.frame->vehicle_by_code("W-1");
    BOOST_TEST_REQUIRE(w != nullptr);
    // At 9.5 min: its last fix is the one at 9 min.
    BOOST_TEST_REQUIRE(w->last_fix.has_value());
    BOOST_TEST(w->last_fix->time_ms == t0 + 9 * minute_ms);
}

BOOST_AUTO_TEST_SUITE_END()

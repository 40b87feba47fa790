#include "ykm/dispatch/position_input.hpp"
#include "ykm/dispatch/tracker.hpp"

#include "../data/polygon_wkb.hpp"
#include "../data/temp_dir.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/dispatch/simulator.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <map>
#include <ostream>
#include <set>

namespace ykm::dispatch {
// Printed by failing checks.
inline std::ostream& operator<<(std::ostream& out, VehicleState s) {
    return out << key(s);
}
inline std::ostream& operator<<(std::ostream& out, AlertKind k) {
    return out << key(k);
}
} // namespace ykm::dispatch

using namespace ykm;
using dispatch::AlertKind;
using dispatch::Tracker;
using dispatch::VehicleState;

namespace {

constexpr gis::Epsg zone_x{6678};

using test::rectangle_wkb;

void add_vehicle(data::Project& project, const std::string& code, const std::string& device,
                 std::optional<std::int64_t> district) {
    data::Statement insert(project.database(),
                           "INSERT INTO vehicles (code, machine_type, plow_width_m, "
                           "contractor_id, device_id, district_id) VALUES (?, 'plow_truck', 3.0, "
                           "(SELECT id FROM contractors WHERE code = 'C01'), ?, ?)");
    insert.bind(1, code).bind(2, device).bind(3, district).run();
}

// A street of four 200 m class-1 segments along y = 0 from x = 0 to 800; district 西工区
// (id 1) west of x = 440, 東工区 (id 2) east of it. Vehicles 1 P-1 (district 西), 2 P-2 (no
// district), 3 P-3 (never reports).
void make_street_project(const std::filesystem::path& path) {
    data::Project project = data::Project::create(path, zone_x);
    gis::RoadNetwork n;
    n.crs = zone_x;
    for (int i = 0; i <= 4; ++i) {
        n.nodes.push_back({i + 1, {200.0 * i, 0.0}, ""});
    }
    for (int i = 0; i < 4; ++i) {
        gis::RoadSegment s;
        s.id = i + 1;
        s.from_node = i + 1;
        s.to_node = i + 2;
        s.points = {{200.0 * i, 0.0}, {200.0 * (i + 1), 0.0}};
        s.length_m = 200.0;
        s.attributes.priority = gis::PriorityClass::first;
        n.segments.push_back(s);
    }
    project.replace_road_network(n);
    const std::vector<data::District> districts{
        {"西工区", "W", rectangle_wkb(-100, -100, 440, 100)},
        {"東工区", "E", rectangle_wkb(440, -100, 900, 100)}};
    project.replace_districts(districts);
    project.database().exec("INSERT INTO contractors (code, name) VALUES ('C01', '雪国建設')");
    add_vehicle(project, "P-1", "dev-1", 1);
    add_vehicle(project, "P-2", "dev-2", std::nullopt);
    add_vehicle(project, "P-3", "dev-3", std::nullopt);
}

// Makes fixes of one vehicle in project coordinates, a fix every `interval_ms`.
class Driver {
public:
    Driver(std::int64_t vehicle_id, std::int64_t start_ms)
        : m_vehicle(vehicle_id), m_time(start_ms), m_to_lonlat(zone_x, gis::wgs84) {}

    /// Drives in a straight line from the current place (or `from`) to `to`; the first fix
    /// is one step after the current place.
    Driver& drive(gis::XY to, double speed_mps, data::WorkType work = data::WorkType::plow,
                  data::Blade blade = data::Blade::down) {
        const double dx = to.x - m_at.x;
        const double dy = to.y - m_at.y;
        const double length = std::hypot(dx, dy);
        const double step = speed_mps * static_cast<double>(interval_ms) / 1000.0;
        const auto steps = static_cast<int>(std::ceil(length / step - 1e-9));
        const gis::XY start = m_at;
        for (int k = 1; k <= steps; ++k) {
            const double f = std::min(1.0, k * step / length);
            emit({start.x + f * dx, start.y + f * dy}, speed_mps, work, blade);
        }
        return *this;
    }
    /// Stands at the current place for `duration_ms`, a fix every interval.
    Driver& stand(std::int64_t duration_ms, data::WorkType work = data::WorkType::plow) {
        for (std::int64_t t = interval_ms; t <= duration_ms; t += interval_ms) {
            emit(m_at, 0.0, work, data::Blade::up);
        }
        return *this;
    }
    Driver& start_at(gis::XY p, data::WorkType work = data::WorkType::plow) {
        m_at = p;
        m_time -= interval_ms;
        emit(p, 5.0, work, data::Blade::down);
        return *this;
    }
    std::vector<data::Fix> take() { return std::exchange(m_fixes, {}); }
    [[nodiscard]] std::int64_t time_ms() const { return m_time; }

    std::int64_t interval_ms = 5000;

private:
    void emit(gis::XY p, double speed, data::WorkType work, data::Blade blade) {
        m_time += interval_ms;
        m_at = p;
        // A little noise across the road, alternating sides.
        const double noise = (m_fixes.size() % 2 == 0 ? 2.0 : -2.0);
        const gis::XY ll = m_to_lonlat.forward(gis::XY{p.x, p.y + noise});
        data::Fix f;
        f.vehicle_id = m_vehicle;
        f.time_ms = m_time;
        f.position = {ll.x, ll.y};
        f.speed_mps = speed;
        f.accuracy_m = 5.0;
        f.work = work;
        f.blade = blade;
        m_fixes.push_back(f);
    }

    std::int64_t m_vehicle;
    std::int64_t m_time;
    gis::XY m_at;
    gis::CoordinateTransform m_to_lonlat;
    std::vector<data::Fix> m_fixes;
};

// What IngestServer does: store the fixes durably, then hand them to the tracker.
void deliver(data::Project& log_project, Tracker& tracker, std::span<const data::Fix> fixes) {
    data::SeasonLog(log_project.database()).append(fixes);
    tracker.on_fixes(fixes);
}

struct StreetFixture {
    StreetFixture() {
        make_street_project(path);
        log_project.emplace(data::Project::open(path));
        data::SeasonLog::open_for_logging(log_project->database());
    }
    test::TempDir dir;
    std::filesystem::path path = dir / "street.ykm";
    std::optional<data::Project> log_project;
    std::int64_t t0 = dispatch::now_ms() / 1000 * 1000 - 2 * 3'600'000;
};

const dispatch::VehicleStatus& status_of(const std::vector<dispatch::VehicleStatus>& all,
                                         std::int64_t id) {
    for (const auto& s : all) {
        if (s.vehicle.id == id) {
            return s;
        }
    }
    BOOST_FAIL("no vehicle " + std::to_string(id));
    return all.front();
}

std::vector<dispatch::Alert> alerts_of(const Tracker& tracker, AlertKind kind) {
    std::vector<dispatch::Alert> out;
    for (const auto& a : tracker.alerts()) {
        if (a.kind == kind) {
            out.push_back(a);
        }
    }
    return out;
}

std::map<std::pair<std::int64_t, bool>, dispatch::SegmentCoverage>
coverage_map(const Tracker& tracker) {
    std::map<std::pair<std::int64_t, bool>, dispatch::SegmentCoverage> out;
    for (const auto& c : tracker.coverage()) {
        out[{c.segment_id, c.forward}] = c;
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(tracker_tests)

BOOST_FIXTURE_TEST_CASE(a_plow_run_gives_one_pass_per_segment_driven, StreetFixture) {
    Tracker tracker(path);
    Driver d(2, t0);
    d.start_at({0, 0}).drive({800, 0}, 5.0);
    const auto fixes = d.take();
    BOOST_TEST_REQUIRE(fixes.size() == 33U);
    deliver(*log_project, tracker, fixes);
    tracker.drain();
    BOOST_TEST(tracker.processed() == 33U);

    const auto vehicles = tracker.vehicles();
    BOOST_TEST_REQUIRE(vehicles.size() == 3U);
    const auto& p2 = status_of(vehicles, 2);
    BOOST_TEST(p2.vehicle.code == "P-2");
    BOOST_TEST(p2.state == VehicleState::working);
    BOOST_TEST(p2.state_since_ms == t0);
    BOOST_TEST_REQUIRE(p2.last_fix.has_value());
    BOOST_TEST(p2.last_fix->time_ms == t0 + 160'000);
    BOOST_TEST_REQUIRE(p2.position.has_value());
    BOOST_TEST(std::abs(p2.position->y) < 1e-6); // snapped onto the street
    BOOST_TEST(std::abs(p2.position->x - 800.0) < 1.0);
    BOOST_TEST(p2.segment_id.value_or(-1) == 4);
    BOOST_TEST_REQUIRE(p2.heading_deg.has_value());
    BOOST_TEST(*p2.heading_deg == 90.0, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(status_of(vehicles, 3).state == VehicleState::unknown);
    BOOST_TEST(!status_of(vehicles, 3).last_fix.has_value());

    // Silence ends the trace: the last segment's pass is decided then.
    tracker.tick(t0 + 160'000 + 10 * 60'000);
    const auto coverage = coverage_map(tracker);
    BOOST_TEST_REQUIRE(coverage.size() == 4U);
    for (std::int64_t segment = 1; segment <= 4; ++segment) {
        const auto it = coverage.find({segment, true});
        BOOST_TEST_REQUIRE((it != coverage.end()));
        BOOST_TEST(it->second.pass_count == 1);
        BOOST_TEST(it->second.service_pass_count == 1);
        BOOST_TEST(data::key(it->second.last_work) == "plow");
        BOOST_TEST(std::abs(it->second.last_pass_ms - (t0 + segment * 40'000)) <= 3000);
    }
    BOOST_TEST(dispatch::CoverageStore(log_project->database()).passes(t0, t0 + 3'600'000).size() ==
               4U);
    const auto after = status_of(tracker.vehicles(), 2);
    BOOST_TEST(after.state == VehicleState::offline);
    BOOST_TEST(after.state_since_ms == t0 + 160'000 + 10 * 60'000);
    const auto offline = alerts_of(tracker, AlertKind::offline);
    BOOST_TEST_REQUIRE(offline.size() == 1U);
    BOOST_TEST(offline[0].vehicle_id == 2);
    BOOST_TEST(offline[0].id > 0);
    BOOST_TEST(!offline[0].cleared_ms.has_value());
}

BOOST_FIXTURE_TEST_CASE(standing_still_after_work_is_stopped_with_one_alert, StreetFixture) {
    Tracker tracker(path);
    Driver d(2, t0);
    d.interval_ms = 30'000;
    d.start_at({0, 0}).drive({200, 0}, 5.0); // t0 + 30 s ... t0 + 60 s at x = 200
    const std::int64_t last_moving = d.time_ms();
    d.stand(11 * 60'000);
    deliver(*log_project, tracker, d.take());
    tracker.drain();
    auto p2 = status_of(tracker.vehicles(), 2);
    BOOST_TEST(p2.state == VehicleState::stopped);
    BOOST_TEST(p2.state_since_ms == last_moving + 10 * 60'000);
    auto stopped = alerts_of(tracker, AlertKind::stopped_too_long);
    BOOST_TEST_REQUIRE(stopped.size() == 1U);
    BOOST_TEST(stopped[0].time_ms == last_moving + 10 * 60'000);
    BOOST_TEST(stopped[0].detail == "P-2");

    const std::int64_t moving_again = d.time_ms() + 30'000; // the first fix of the drive
    d.drive({400, 0}, 5.0);
    deliver(*log_project, tracker, d.take());
    tracker.drain();
    p2 = status_of(tracker.vehicles(), 2);
    BOOST_TEST(p2.state == VehicleState::working);
    stopped = alerts_of(tracker, AlertKind::stopped_too_long);
    BOOST_TEST_REQUIRE(stopped.size() == 1U);
    BOOST_TEST(stopped[0].cleared_ms.value_or(-1) == moving_again);
}

BOOST_FIXTURE_TEST_CASE(tick_finds_a_silent_stop_then_offline, StreetFixture) {
    Tracker tracker(path);
    Driver d(2, t0);
    d.start_at({0, 0}).drive({200, 0}, 5.0, data::WorkType::travel, data::Blade::up);
    const std::int64_t last_moving = d.time_ms();
    d.interval_ms = 30'000;
    d.stand(3 * 60'000);
    const std::int64_t last_heard = d.time_ms();
    deliver(*log_project, tracker, d.take());
    tracker.drain();
    BOOST_TEST(status_of(tracker.vehicles(), 2).state == VehicleState::travelling);

    tracker.tick(last_moving + 10 * 60'000 - 1);
    BOOST_TEST(status_of(tracker.vehicles(), 2).state == VehicleState::travelling);
    tracker.tick(last_moving + 10 * 60'000);
    BOOST_TEST(status_of(tracker.vehicles(), 2).state == VehicleState::stopped);
    BOOST_TEST(alerts_of(tracker, AlertKind::stopped_too_long).size() == 1U);
    tracker.tick(last_heard + 10 * 60'000);
    const auto p2 = status_of(tracker.vehicles(), 2);
    BOOST_TEST(p2.state == VehicleState::offline);
    BOOST_TEST(p2.state_since_ms == last_heard + 10 * 60'000);
    BOOST_TEST(alerts_of(tracker, AlertKind::offline).size() == 1U);
    tracker.tick(last_heard + 20 * 60'000); // no second alert
    BOOST_TEST(alerts_of(tracker, AlertKind::offline).size() == 1U);

    Driver back(2, last_heard + 30 * 60'000);
    back.start_at({200, 0});
    deliver(*log_project, tracker, back.take());
    tracker.drain();
    BOOST_TEST(status_of(tracker.vehicles(), 2).state == VehicleState::working);
    const auto offline = alerts_of(tracker, AlertKind::offline);
    BOOST_TEST_REQUIRE(offline.size() == 1U);
    BOOST_TEST(offline[0].cleared_ms.value_or(-1) == last_heard + 30 * 60'000);
    data::Statement stored(log_project->database(),
                           "SELECT kind, cleared_ms FROM alerts ORDER BY id");
    BOOST_TEST_REQUIRE(stored.step());
    BOOST_TEST(stored.column_text(0) == "stopped_too_long");
    BOOST_TEST_REQUIRE(stored.step());
    BOOST_TEST(stored.column_text(0) == "offline");
    BOOST_TEST(stored.column_int64(1) == last_heard + 30 * 60'000);
    BOOST_TEST(!stored.step());
}

BOOST_FIXTURE_TEST_CASE(leaving_the_district_raises_one_alert_until_back, StreetFixture) {
    Tracker tracker(path);
    for (std::int64_t vehicle : {1, 2}) {
        Driver d(vehicle, t0);
        d.start_at({0, 0}).drive({800, 0}, 5.0).drive({0, 0}, 5.0);
        deliver(*log_project, tracker, d.take());
    }
    tracker.drain();
    const auto left = alerts_of(tracker, AlertKind::left_district);
    BOOST_TEST_REQUIRE(left.size() == 1U); // P-2 has no district
    BOOST_TEST(left[0].vehicle_id == 1);
    BOOST_TEST(left[0].detail == "西工区");
    BOOST_TEST(left[0].time_ms == t0 + 95'000);                  // x = 450 at 90 s, x = 475 at 95 s
    BOOST_TEST(left[0].cleared_ms.value_or(-1) == t0 + 235'000); // x = 425
    BOOST_TEST_REQUIRE(left[0].position.has_value());
    BOOST_TEST(std::abs(left[0].position->x - 475.0) < 1.0);
}

BOOST_FIXTURE_TEST_CASE(the_way_from_the_depot_into_the_district_is_not_leaving_it, StreetFixture) {
    Tracker tracker(path);
    Driver d(1, t0);
    // P-1 belongs to 西工区 (x < 440) but starts east of it, drives in, and out again.
    d.start_at({800, 0}).drive({200, 0}, 5.0).drive({700, 0}, 5.0);
    deliver(*log_project, tracker, d.take());
    tracker.drain();
    const auto left = alerts_of(tracker, AlertKind::left_district);
    BOOST_TEST_REQUIRE(left.size() == 1U);
    BOOST_TEST(left[0].time_ms > t0 + 120'000 + 40'000); // after reaching x = 200 at 120 s
}

BOOST_FIXTURE_TEST_CASE(a_short_visit_to_a_geofence_is_quiet_a_long_stay_alerts_once,
                        StreetFixture) {
    Tracker tracker(path);
    dispatch::Geofence yard;
    yard.name = "第2雪堆積場";
    yard.dwell_ms = 60'000;
    yard.ring = {{580, -30}, {620, -30}, {620, 30}, {580, 30}};
    const std::int64_t yard_id = dispatch::save_geofence(*log_project, yard);
    tracker.reload();

    Driver d(2, t0);
    d.start_at({0, 0}).drive({800, 0}, 5.0); // inside only at x = 600, t0 + 120 s
    deliver(*log_project, tracker, d.take());
    tracker.drain();
    BOOST_TEST(alerts_of(tracker, AlertKind::entered_geofence).empty());

    d.drive({600, 0}, 5.0).stand(3 * 60'000).drive({0, 0}, 5.0); // at x = 600 from t0 + 200 s
    deliver(*log_project, tracker, d.take());
    tracker.drain();
    const auto entered = alerts_of(tracker, AlertKind::entered_geofence);
    BOOST_TEST_REQUIRE(entered.size() == 1U);
    BOOST_TEST(entered[0].geofence_id.value_or(-1) == yard_id);
    BOOST_TEST(entered[0].detail == "第2雪堆積場");
    BOOST_TEST(entered[0].time_ms == t0 + 260'000);
    BOOST_TEST(entered[0].cleared_ms.value_or(-1) == t0 + 385'000); // x = 575
}

BOOST_FIXTURE_TEST_CASE(geofences_are_saved_loaded_updated_and_removed, StreetFixture) {
    data::Project& project = *log_project;
    dispatch::Geofence g;
    g.name = "駅前";
    g.dwell_ms = 90'500;
    g.ring = {{0, 0}, {100, 0}, {100, 50}, {0, 50}};
    const std::int64_t id = dispatch::save_geofence(project, g);
    auto fences = dispatch::load_geofences(project);
    BOOST_TEST_REQUIRE(fences.size() == 1U);
    BOOST_TEST(fences[0].id == id);
    BOOST_TEST(fences[0].name == "駅前");
    BOOST_TEST(fences[0].dwell_ms == 91'000); // whole seconds, rounded up
    BOOST_TEST_REQUIRE(fences[0].ring.size() == 5U);
    BOOST_TEST((fences[0].ring.front() == gis::XY{0, 0}));
    BOOST_TEST((fences[0].ring.back() == gis::XY{0, 0}));
    BOOST_TEST((fences[0].ring[2] == gis::XY{100, 50}));

    g.id = id;
    g.name = "駅前広場";
    g.dwell_ms = 0;
    BOOST_TEST(dispatch::save_geofence(project, g) == id);
    fences = dispatch::load_geofences(project);
    BOOST_TEST_REQUIRE(fences.size() == 1U);
    BOOST_TEST(fences[0].name == "駅前広場");
    BOOST_TEST(fences[0].dwell_ms == 0);

    dispatch::remove_geofence(project, id);
    BOOST_TEST(dispatch::load_geofences(project).empty());
}

BOOST_FIXTURE_TEST_CASE(bad_geofences_are_refused_naming_them, StreetFixture) {
    data::Project& project = *log_project;
    auto message = [&](const dispatch::Geofence& g) -> std::string {
        try {
            dispatch::save_geofence(project, g);
        } catch (const Error& e) {
            return e.what();
        }
        return "";
    };
    dispatch::Geofence line;
    line.name = "細道";
    line.ring = {{0, 0}, {10, 0}, {10, 0}, {0, 0}};
    BOOST_TEST(message(line) ==
               "geofence '細道': a ring needs 3 or more distinct points, it has 2");
    dispatch::Geofence bow_tie;
    bow_tie.name = "蝶";
    bow_tie.ring = {{0, 0}, {10, 10}, {10, 0}, {0, 10}};
    BOOST_TEST(message(bow_tie) == "geofence '蝶': the ring crosses itself or has no area");
    dispatch::Geofence unnamed;
    unnamed.ring = {{0, 0}, {10, 0}, {10, 10}};
    BOOST_TEST(message(unnamed) == "geofence 0: the name is empty");
    dispatch::Geofence missing = unnamed;
    missing.id = 99;
    missing.name = "幽霊";
    BOOST_TEST(message(missing) == "geofence 99 does not exist");
    BOOST_CHECK_THROW(dispatch::remove_geofence(project, 99), Error);
    BOOST_TEST(dispatch::load_geofences(project).empty());
}

BOOST_FIXTURE_TEST_CASE(a_restarted_tracker_keeps_coverage_and_alerts, StreetFixture) {
    std::vector<dispatch::SegmentCoverage> before;
    {
        Tracker tracker(path);
        Driver d(2, t0);
        d.start_at({0, 0}).drive({800, 0}, 5.0).drive({400, 0}, 5.0);
        deliver(*log_project, tracker, d.take());
        tracker.drain();
        tracker.tick(d.time_ms() + 10 * 60'000);
        before = tracker.coverage();
    }
    BOOST_TEST_REQUIRE(before.size() == 6U); // 4 eastwards, 2 back
    Tracker again(path);
    const auto after = again.coverage();
    BOOST_TEST_REQUIRE(after.size() == before.size());
    for (std::size_t i = 0; i < after.size(); ++i) {
        BOOST_TEST(after[i].segment_id == before[i].segment_id);
        BOOST_TEST(after[i].forward == before[i].forward);
        BOOST_TEST(after[i].pass_count == before[i].pass_count);
        BOOST_TEST(after[i].last_pass_ms == before[i].last_pass_ms);
    }
    BOOST_TEST(alerts_of(again, AlertKind::offline).size() == 1U);
    BOOST_TEST(status_of(again.vehicles(), 2).state == VehicleState::unknown);
    BOOST_TEST(again.processed() == 0U);
    // The track comes from the season log, in project coordinates.
    const gis::Polyline track = again.track(2, t0, t0 + 3'600'000);
    BOOST_TEST_REQUIRE(track.size() == 49U);
    BOOST_TEST(std::abs(track.front().x) < 0.01);
    BOOST_TEST(std::abs(track[16].x - 400.0) < 0.01);

    // The offline alert from before the restart is cleared by the next fix, not stored twice.
    Driver d(2, t0 + 3'600'000);
    d.start_at({400, 0});
    deliver(*log_project, again, d.take());
    again.drain();
    const auto offline = alerts_of(again, AlertKind::offline);
    BOOST_TEST_REQUIRE(offline.size() == 1U);
    BOOST_TEST(offline[0].cleared_ms.value_or(-1) == t0 + 3'600'000);
    data::Statement stored(log_project->database(),
                           "SELECT count(*), max(cleared_ms) FROM alerts WHERE kind = 'offline'");
    BOOST_TEST_REQUIRE(stored.step());
    BOOST_TEST(stored.column_int(0) == 1);
    BOOST_TEST(stored.column_int64(1) == t0 + 3'600'000);
}

BOOST_FIXTURE_TEST_CASE(late_fixes_are_matched_again_without_counting_twice, StreetFixture) {
    Tracker tracker(path);
    Driver d(2, t0);
    d.start_at({0, 0}).drive({800, 0}, 2.0); // x = 200 at 100 s, 600 at 300 s
    const std::int64_t end = d.time_ms();
    std::vector<data::Fix> live;
    std::vector<data::Fix> buffered; // a logger out of coverage uploads these later
    for (const data::Fix& f : d.take()) {
        (f.time_ms > t0 + 100'000 && f.time_ms < t0 + 300'000 ? buffered : live).push_back(f);
    }
    deliver(*log_project, tracker, live);
    tracker.drain();
    auto coverage = coverage_map(tracker);
    BOOST_TEST(coverage.contains({1, true}));
    BOOST_TEST(!coverage.contains({2, true}));
    BOOST_TEST(!coverage.contains({3, true}));

    deliver(*log_project, tracker, buffered);
    tracker.drain();
    tracker.tick(end + 10 * 60'000);
    coverage = coverage_map(tracker);
    BOOST_TEST_REQUIRE(coverage.size() == 4U);
    for (std::int64_t segment = 1; segment <= 4; ++segment) {
        const int count = coverage[std::pair{segment, true}].pass_count;
        BOOST_TEST(count == 1);
    }
    BOOST_TEST(dispatch::CoverageStore(log_project->database()).passes(t0, end + 1).size() == 4U);
    BOOST_TEST(tracker.processed() == 81U);
    BOOST_TEST(status_of(tracker.vehicles(), 2).last_fix->time_ms == end);
}

BOOST_AUTO_TEST_CASE(simulated_plows_are_covered_where_they_plowed) {
    test::TempDir dir;
    const auto path = dir / "town.ykm";
    std::optional<data::Project> project(data::Project::create(path, zone_x));
    data::write_demo_town(*project, data::generate_demo_town(4, data::TownSize::small));
    project->database().exec("INSERT INTO contractors (code, name) VALUES ('C01', '雪国建設')");
    for (int i = 1; i <= 3; ++i) {
        add_vehicle(*project, "P-" + std::to_string(i), "plow-" + std::to_string(i), i);
    }
    data::SeasonLog::open_for_logging(project->database());
    const gis::RoadGraph graph(project->load_road_network());

    dispatch::SimulationOptions options;
    options.vehicles = 3;
    options.seed = 7;
    options.noise_m = 8.0;
    options.start_ms = dispatch::now_ms() / 1000 * 1000 - 3 * 3'600'000;
    dispatch::PlowSimulator sim(*project, graph, options);
    const std::map<std::string, std::int64_t> vehicle_of{
        {"plow-1", 1}, {"plow-2", 2}, {"plow-3", 3}};

    Tracker tracker(path);
    const std::int64_t end = options.start_ms + 45 * 60'000;
    std::map<std::int64_t, data::Fix> last_fix;
    for (std::int64_t t = options.start_ms + 60'000; t <= end; t += 60'000) {
        std::vector<data::Fix> batch;
        for (const dispatch::DeviceFix& f : sim.advance(t)) {
            batch.push_back(f.fix);
            batch.back().vehicle_id = vehicle_of.at(f.device_id);
            last_fix[batch.back().vehicle_id] = batch.back();
        }
        deliver(*project, tracker, batch);
    }
    tracker.drain();
    for (const auto& status : tracker.vehicles()) {
        const data::Fix& last = last_fix.at(status.vehicle.id);
        const bool plowing = last.work == data::WorkType::plow && last.speed_mps.value_or(0) > 1.0;
        if (plowing) {
            BOOST_TEST(status.state == VehicleState::working);
        }
    }
    tracker.tick(end + 10 * 60'000);

    // The truth: directions driven whole while plowing.
    std::map<std::pair<std::int64_t, bool>, double> plowed;
    for (const auto& piece : sim.truth()) {
        const auto edge = graph.find_edge(piece.segment_id, piece.forward);
        if (piece.work == data::WorkType::plow && edge &&
            piece.length_m >= 0.999 * graph.edge(*edge).length_m) {
            plowed[{piece.segment_id, piece.forward}] = piece.length_m;
        }
    }
    double passed_m = 0.0;
    double right_m = 0.0;
    for (const auto& c : tracker.coverage()) {
        if (c.service_pass_count == 0) {
            continue;
        }
        const double length = graph.edge(*graph.find_edge(c.segment_id, c.forward)).length_m;
        passed_m += length;
        if (plowed.contains({c.segment_id, c.forward})) {
            right_m += length;
        }
    }
    double plowed_m = 0.0;
    for (const auto& [key, length] : plowed) {
        plowed_m += length;
    }
    BOOST_TEST_MESSAGE("plowed " << plowed_m << " m, passes " << passed_m << " m, right " << right_m
                                 << " m");
    BOOST_TEST(plowed_m > 5000.0);
    BOOST_TEST(right_m / passed_m >= 0.95); // precision
    BOOST_TEST(right_m / plowed_m >= 0.90); // recall
}

BOOST_AUTO_TEST_CASE(a_missing_project_is_an_error_naming_it) {
    BOOST_CHECK_EXCEPTION(Tracker("/nonexistent/town.ykm"), Error, [](const Error& e) {
        return std::string(e.what()).find("/nonexistent/town.ykm") != std::string::npos;
    });
}

BOOST_AUTO_TEST_SUITE_END()

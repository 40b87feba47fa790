#include "ykm/dispatch/replay.hpp"

#include "../data/temp_dir.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/data/map_query.hpp"
#include "ykm/dispatch/coverage.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/orders.hpp"
#include "ykm/dispatch/simulator.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

using namespace ykm;
using dispatch::VehicleState;

namespace {

constexpr std::int64_t minute_ms = 60'000;
constexpr std::int64_t hour_ms = 60 * minute_ms;
constexpr std::int64_t day_ms = 24 * hour_ms;
// 2026-01-15 00:00 JST (2026-01-14 15:00 UTC), a whole UTC hour.
constexpr std::int64_t jan15_ms = 1'768'402'800'000;

using DirectionKey = std::pair<std::int64_t, bool>;

/// A small demo town with two simulated plows (device ids plow-1, plow-2) and a vehicle that
/// never reports, their fixes in the season log and the passes matched from them as `ykm track
/// import` records them (rebuild_coverage over the whole log).
struct SimulatedSeason {
    test::TempDir dir;
    std::filesystem::path path;
    data::Project project;
    std::int64_t contractor = 0;
    std::map<std::string, std::int64_t> vehicle_of;
    std::int64_t silent = 0;
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
    std::vector<std::int64_t> segments;

    SimulatedSeason()
        : path(dir / "town.ykm"), project(data::Project::create(path, gis::Epsg{6678})) {
        data::write_demo_town(project, data::generate_demo_town(3, data::TownSize::small));
        dispatch::Fleet fleet(project);
        contractor = fleet.save(dispatch::Contractor{0, "C1", "雪国建設", "", ""});
        for (const char* device : {"plow-1", "plow-2"}) {
            dispatch::Vehicle v;
            v.code = std::string("P-") + device[5];
            v.device_id = device;
            v.contractor_id = contractor;
            vehicle_of[device] = fleet.save(v);
        }
        dispatch::Vehicle never;
        never.code = "N-1";
        never.contractor_id = contractor;
        silent = fleet.save(never);

        // 2 h 20 min of driving from 21:10 JST, fixes every 5 s, a few lost.
        const gis::RoadGraph graph(project.load_road_network());
        dispatch::SimulationOptions options;
        options.vehicles = 2;
        options.seed = 7;
        options.dropout = 0.02;
        options.start_ms = jan15_ms + 21 * hour_ms + 10 * minute_ms;
        dispatch::PlowSimulator sim(project, graph, options);
        std::vector<data::Fix> fixes;
        for (const dispatch::DeviceFix& f : sim.advance(options.start_ms + 140 * minute_ms)) {
            fixes.push_back(f.fix);
            fixes.back().vehicle_id = vehicle_of.at(f.device_id);
        }
        data::SeasonLog(project.database()).append(fixes);
        start_ms = fixes.front().time_ms;
        end_ms = fixes.back().time_ms;
        dispatch::rebuild_all_coverage(project, std::nullopt, std::nullopt);

        data::Statement ids(project.database(), "SELECT id FROM road_segments ORDER BY id");
        while (ids.step()) {
            segments.push_back(ids.column_int64(0));
        }
    }

    /// The stored passes, straight from the table.
    std::vector<dispatch::Pass> passes() {
        return dispatch::CoverageStore(project.database())
            .passes(std::numeric_limits<std::int64_t>::min(),
                    std::numeric_limits<std::int64_t>::max());
    }
};

/// Brute force: last pass per direction with T - 24 h < time_ms <= T.
std::map<DirectionKey, std::int64_t> last_passes(const std::vector<dispatch::Pass>& passes,
                                                 std::int64_t t) {
    std::map<DirectionKey, std::int64_t> out;
    for (const dispatch::Pass& p : passes) {
        if (p.time_ms > t - day_ms && p.time_ms <= t) {
            auto& slot = out[{p.segment_id, p.forward}];
            slot = std::max(slot, p.time_ms);
        }
    }
    return out;
}

void check_coverage(const gis::PassTimes& got, const std::map<DirectionKey, std::int64_t>& want,
                    const std::vector<std::int64_t>& segments, std::int64_t t) {
    BOOST_TEST_CONTEXT("coverage at " << t) {
        BOOST_TEST(got.size() == want.size());
        for (std::int64_t s : segments) {
            for (bool forward : {true, false}) {
                const auto it = want.find({s, forward});
                // -1 for never passed (plain integers: GCC 12 warns of optionals at -O2).
                const std::int64_t expected = it == want.end() ? -1 : it->second;
                BOOST_TEST_CONTEXT("segment " << s << (forward ? " forward" : " backward")) {
                    BOOST_TEST(got.last_pass_ms(s, forward).value_or(-1) == expected);
                }
            }
        }
    }
}

/// Brute force: each vehicle's last raw fix at or before T within the horizon, and its fixes of
/// the trail window, from SeasonLog::range.
void check_vehicles(data::Project& project, const dispatch::ReplayFrame& frame,
                    const dispatch::ReplaySettings& settings) {
    const std::int64_t t = frame.time_ms;
    const std::vector<data::Fix> raw =
        data::SeasonLog(project.database()).range(t - settings.horizon_ms, t + 1);
    std::map<std::int64_t, data::Fix> last;
    std::map<std::int64_t, std::vector<data::Fix>> trail;
    for (const data::Fix& f : raw) {
        last[f.vehicle_id] = f; // range() orders by vehicle then time
        if (f.time_ms >= t - settings.trail_ms) {
            trail[f.vehicle_id].push_back(f);
        }
    }
    BOOST_TEST_CONTEXT("vehicles at " << t) {
        for (const dispatch::ReplayVehicle& v : frame.vehicles) {
            BOOST_TEST_CONTEXT("vehicle " << v.code) {
                const auto it = last.find(v.vehicle_id);
                if (it == last.end()) {
                    BOOST_TEST((v.state == VehicleState::unknown));
                    BOOST_TEST(!v.position.has_value());
                    BOOST_TEST(v.trail.empty());
                    continue;
                }
                BOOST_TEST_REQUIRE(v.last_fix.has_value());
                BOOST_TEST((*v.last_fix == it->second));
                BOOST_TEST_REQUIRE(v.position.has_value());
                BOOST_TEST(v.position->lon_deg == it->second.position.lon_deg);
                BOOST_TEST(v.position->lat_deg == it->second.position.lat_deg);
                BOOST_TEST((v.trail == trail[v.vehicle_id]));
                BOOST_TEST(v.trail_xy.size() == v.trail.size());
                BOOST_TEST((v.state != VehicleState::unknown));
                // Offline exactly when the last fix is offline_after_ms old or older.
                BOOST_TEST(((v.state == VehicleState::offline) ==
                            (t - it->second.time_ms >= settings.tracker.offline_after_ms)));
            }
        }
    }
}

std::int64_t summary_rows(data::Database& db) {
    data::Statement count(db, "SELECT count(*) FROM coverage_hours");
    count.step();
    return count.column_int64(0);
}

/// The small demo town (seed 2) with one vehicle, W-1, and no fixes.
struct OneVehicleTown {
    test::TempDir dir;
    data::Project project;
    std::int64_t vehicle = 0;

    OneVehicleTown() : project(data::Project::create(dir / "town.ykm", gis::Epsg{6678})) {
        data::write_demo_town(project, data::generate_demo_town(2, data::TownSize::small));
        dispatch::Fleet fleet(project);
        dispatch::Vehicle v;
        v.code = "W-1";
        v.contractor_id = fleet.save(dispatch::Contractor{0, "C1", "雪国建設", "", ""});
        vehicle = fleet.save(v);
    }
};

data::Fix fix_at(std::int64_t vehicle, std::int64_t time_ms, double lat, double speed_mps,
                 data::WorkType work) {
    data::Fix f;
    f.vehicle_id = vehicle;
    f.time_ms = time_ms;
    f.position = gis::LonLat{140.74, lat};
    f.speed_mps = speed_mps;
    f.work = work;
    return f;
}

} // namespace

BOOST_AUTO_TEST_SUITE(replay_tests)

BOOST_AUTO_TEST_CASE(summary_encoding_round_trips) {
    const std::int64_t hour = jan15_ms + 5 * hour_ms;
    const std::vector<dispatch::DirectionLastPass> in{{300, true, hour + 3'599'999},
                                                      {7, false, hour},
                                                      {7, true, hour + 1},
                                                      {0, false, hour + 59}};
    const std::vector<std::uint8_t> data = dispatch::encode_coverage_hour(hour, in);
    // version, count 4, then (key delta, offset): keys 0, 14, 15, 601.
    const std::vector<std::uint8_t> head{1, 4, 0, 59, 14, 0, 1, 1};
    BOOST_TEST_REQUIRE(data.size() >= head.size());
    BOOST_TEST((std::vector<std::uint8_t>(data.begin(), data.begin() + 8) == head));
    const std::vector<dispatch::DirectionLastPass> want{{0, false, hour + 59},
                                                        {7, false, hour},
                                                        {7, true, hour + 1},
                                                        {300, true, hour + 3'599'999}};
    BOOST_TEST((dispatch::decode_coverage_hour(hour, data) == want));
    BOOST_TEST(
        dispatch::decode_coverage_hour(hour, dispatch::encode_coverage_hour(hour, {})).empty());
}

BOOST_AUTO_TEST_CASE(summary_refuses_bad_entries_and_corrupt_data) {
    const std::int64_t hour = jan15_ms;
    const std::vector<dispatch::DirectionLastPass> outside{{1, true, hour + hour_ms}};
    BOOST_CHECK_THROW(dispatch::encode_coverage_hour(hour, outside), Error);
    const std::vector<dispatch::DirectionLastPass> twice{{1, true, hour}, {1, true, hour + 5}};
    BOOST_CHECK_THROW(dispatch::encode_coverage_hour(hour, twice), Error);
    std::vector<std::uint8_t> data = dispatch::encode_coverage_hour(
        hour, std::vector<dispatch::DirectionLastPass>{{1, true, hour}, {2, true, hour}});
    std::vector<std::uint8_t> truncated(data.begin(), data.end() - 1);
    BOOST_CHECK_THROW(dispatch::decode_coverage_hour(hour, truncated), Error);
    data.push_back(0);
    BOOST_CHECK_THROW(dispatch::decode_coverage_hour(hour, data), Error);
    BOOST_CHECK_THROW(dispatch::decode_coverage_hour(hour, std::vector<std::uint8_t>{2, 0}), Error);
    // An offset of a whole hour (3'600'000 = 0x80 0xDD 0xDB 0x01 in LEB128).
    BOOST_CHECK_THROW(dispatch::decode_coverage_hour(
                          hour, std::vector<std::uint8_t>{1, 1, 2, 0x80, 0xDD, 0xDB, 0x01}),
                      Error);
}

BOOST_AUTO_TEST_CASE(hour_of_floors_to_whole_utc_hours) {
    BOOST_TEST(dispatch::coverage_hour_of(jan15_ms) == jan15_ms);
    BOOST_TEST(dispatch::coverage_hour_of(jan15_ms + hour_ms - 1) == jan15_ms);
    BOOST_TEST(dispatch::coverage_hour_of(-1) == -hour_ms);
}

BOOST_AUTO_TEST_CASE(replay_state_at_t_equals_a_recomputation_from_the_raw_fixes) {
    SimulatedSeason s;
    const std::vector<dispatch::Pass> passes = s.passes();
    BOOST_TEST_REQUIRE(passes.size() > 20U);

    std::vector<std::int64_t> instants{
        s.start_ms - 1,          // before the first fix
        s.start_ms,              // the first fix
        jan15_ms + 22 * hour_ms, // hour boundaries
        jan15_ms + 23 * hour_ms,
        jan15_ms + 23 * hour_ms - 1,
        passes[passes.size() / 2].time_ms, // exactly at a pass
        passes[passes.size() / 2].time_ms - 1,
        s.end_ms,                        // the last fix
        s.end_ms + 9 * minute_ms,        // still stopped or moving
        s.end_ms + 10 * minute_ms,       // offline
        passes.front().time_ms + day_ms, // the first pass leaves the window
        passes.front().time_ms + day_ms - 1,
        passes.back().time_ms + 25 * hour_ms, // 25 h after the last pass
    };
    for (int i = 1; i < 12; ++i) {
        instants.push_back(s.start_ms + i * 12 * minute_ms + 1234 * i);
    }

    const dispatch::ReplaySettings settings;
    // Without stored summaries: a read-only connection keeps those it builds in memory.
    {
        data::Project reader = data::Project::open(s.path, data::OpenMode::read_only);
        dispatch::Replay replay(reader, settings);
        const auto extent = replay.extent();
        BOOST_TEST_REQUIRE(extent.has_value());
        BOOST_TEST(extent->first_ms == s.start_ms);
        BOOST_TEST(extent->last_ms == s.end_ms);
        for (std::int64_t t : instants) {
            const dispatch::ReplayFrame frame = replay.frame_at(t);
            check_coverage(*frame.coverage, last_passes(passes, t), s.segments, t);
            check_vehicles(reader, frame, settings);
        }
    }
    BOOST_TEST(summary_rows(s.project.database()) == 0);

    // With stored summaries (built in bulk), on a fresh engine and seeking in random order.
    const std::size_t built =
        dispatch::build_coverage_summaries(s.project, s.start_ms, s.end_ms + day_ms);
    // The passes fall in the hours from 21:00 to 23:00 JST (UTC hours 12, 13, 14).
    BOOST_TEST(built == 3U);
    BOOST_TEST(summary_rows(s.project.database()) == 3);
    BOOST_TEST(dispatch::build_coverage_summaries(s.project, s.start_ms, s.end_ms + day_ms) == 0U);
    dispatch::Replay replay(s.project, settings);
    std::vector<std::int64_t> shuffled = instants;
    std::reverse(shuffled.begin(), shuffled.end());
    for (std::int64_t t : shuffled) {
        const dispatch::ReplayFrame frame = replay.frame_at(t);
        check_coverage(*frame.coverage, last_passes(passes, t), s.segments, t);
        check_vehicles(s.project, frame, settings);
    }

    // Playback: 10 s steps across the season reuse the decoded fixes and agree with seeks.
    dispatch::Replay player(s.project, settings);
    dispatch::Replay seeker(s.project, settings);
    for (std::int64_t t = s.start_ms - 30'000; t <= s.end_ms + 11 * minute_ms; t += 10'000) {
        const dispatch::ReplayFrame played = player.frame_at(t);
        if ((t - s.start_ms) % (7 * minute_ms) < 10'000) {
            const dispatch::ReplayFrame sought = seeker.frame_at(t);
            BOOST_TEST_REQUIRE(played.vehicles.size() == sought.vehicles.size());
            for (std::size_t i = 0; i < played.vehicles.size(); ++i) {
                BOOST_TEST((played.vehicles[i].state == sought.vehicles[i].state));
                const auto time_of = [](const dispatch::ReplayVehicle& v) {
                    return v.last_fix ? v.last_fix->time_ms : -1;
                };
                BOOST_TEST(time_of(played.vehicles[i]) == time_of(sought.vehicles[i]));
                BOOST_TEST((played.vehicles[i].trail == sought.vehicles[i].trail));
            }
            check_coverage(*played.coverage, last_passes(passes, t), s.segments, t);
            check_vehicles(s.project, played, settings);
        }
    }
}

BOOST_AUTO_TEST_CASE(playback_coverage_follows_the_window_across_hours_and_back) {
    // One engine moved along as the window plays (with steps back, as a user drags the
    // timeline), across hour boundaries while the passes are made and a day later while they
    // leave the 24 h window, against the brute force at every step.
    SimulatedSeason s;
    const std::vector<dispatch::Pass> passes = s.passes();
    BOOST_TEST_REQUIRE(passes.size() > 20U);
    (void)dispatch::build_coverage_summaries(s.project, s.start_ms, s.end_ms + day_ms);
    dispatch::Replay replay(s.project);
    int steps = 0;
    for (const std::int64_t from :
         {s.start_ms - 10 * minute_ms, passes.front().time_ms + day_ms - 10 * minute_ms}) {
        const std::int64_t to =
            from + (passes.back().time_ms - passes.front().time_ms) + 20 * minute_ms;
        for (std::int64_t t = from, i = 0; t <= to; ++i) {
            const auto coverage = replay.coverage_at(t);
            check_coverage(*coverage, last_passes(passes, t), s.segments, t);
            ++steps;
            // Forward 97 s, and every fifth step back 41 s.
            t += i % 5 == 4 ? -41'000 : 97'000;
        }
    }
    BOOST_TEST(steps > 150);
}

BOOST_AUTO_TEST_CASE(stored_passes_are_what_matching_the_fixes_up_to_t_gives) {
    // The engine's coverage at T is the stored passes (tested above). Those were matched over
    // the whole log, which looks ahead of T: the matcher is not causal, since an HMM path
    // through later fixes can revise where earlier ones were. Matching only the fixes up to T
    // must give the same passes for those that ended before T - rebuild_margin_ms (the
    // look-ahead rebuild_coverage itself gives a window); closer to T they may differ.
    SimulatedSeason s;
    const std::vector<dispatch::Pass> stored = s.passes();
    const gis::RoadGraph graph(s.project.load_road_network());
    gis::CoordinateTransform to_project(gis::wgs84, s.project.crs());
    data::SeasonLog log(s.project.database());
    const std::int64_t t = s.start_ms + 100 * minute_ms;
    const std::int64_t settled = t - dispatch::rebuild_margin_ms;
    std::set<std::tuple<std::int64_t, std::int64_t, bool, std::int64_t>> recomputed;
    for (const auto& [device, vehicle] : s.vehicle_of) {
        const std::vector<data::Fix> fixes = log.fixes(vehicle, t - day_ms, t + 1);
        std::vector<gis::XY> xy;
        for (const data::Fix& f : fixes) {
            xy.push_back({f.position.lon_deg, f.position.lat_deg});
        }
        to_project.forward(xy);
        std::vector<gis::TracePoint> points;
        std::vector<gis::TraceMotion> motions;
        for (std::size_t i = 0; i < fixes.size(); ++i) {
            points.push_back({fixes[i].time_ms, xy[i], fixes[i].accuracy_m});
            motions.push_back({fixes[i].speed_mps, fixes[i].bearing_deg});
        }
        const auto traversals = gis::match_trace(graph, points, motions, {});
        for (const dispatch::Pass& p :
             dispatch::passes_from_traversals(graph, vehicle, traversals, fixes, 0, 0.8)) {
            if (p.time_ms <= settled) {
                recomputed.insert({p.vehicle_id, p.segment_id, p.forward, p.time_ms});
            }
        }
    }
    std::set<std::tuple<std::int64_t, std::int64_t, bool, std::int64_t>> kept;
    for (const dispatch::Pass& p : stored) {
        if (p.time_ms <= settled && p.time_ms > t - day_ms) {
            kept.insert({p.vehicle_id, p.segment_id, p.forward, p.time_ms});
        }
    }
    BOOST_TEST(kept.size() > 10U);
    BOOST_TEST((recomputed == kept));
}

BOOST_AUTO_TEST_CASE(a_late_pass_removes_the_summary_of_its_hour) {
    SimulatedSeason s;
    const std::int64_t hour = jan15_ms + 22 * hour_ms;
    BOOST_TEST(dispatch::build_coverage_summaries(s.project, hour, hour + hour_ms) == 1U);
    BOOST_TEST(summary_rows(s.project.database()) == 1);
    // A direction nobody passed all night, passed late (a logger file imported afterwards).
    const std::vector<dispatch::DirectionLastPass> before =
        dispatch::summarize_coverage_hour(s.project.database(), hour);
    const std::vector<dispatch::Pass> all = s.passes();
    std::int64_t segment = 0;
    for (std::int64_t id : s.segments) {
        if (std::none_of(all.begin(), all.end(),
                         [&](const auto& p) { return p.segment_id == id && p.forward; })) {
            segment = id;
            break;
        }
    }
    BOOST_TEST_REQUIRE(segment != 0);
    dispatch::Pass late;
    late.segment_id = segment;
    late.forward = true;
    late.vehicle_id = s.silent;
    late.enter_ms = hour + 10 * minute_ms;
    late.time_ms = hour + 11 * minute_ms;
    late.work = data::WorkType::plow;
    dispatch::CoverageStore(s.project.database()).add(std::vector{late});
    BOOST_TEST(summary_rows(s.project.database()) == 0);

    // The engine rebuilds it with the late pass.
    dispatch::Replay replay(s.project);
    const auto coverage = replay.coverage_at(hour + 2 * hour_ms + 5);
    BOOST_TEST(coverage->last_pass_ms(segment, true).value_or(-1) == late.time_ms);
    BOOST_TEST(summary_rows(s.project.database()) >= 1);
    const std::vector<dispatch::DirectionLastPass> after =
        dispatch::summarize_coverage_hour(s.project.database(), hour);
    BOOST_TEST(after.size() == before.size() + 1);

    // Replacing a vehicle's passes of a window removes the summaries of its hours too.
    dispatch::CoverageStore(s.project.database())
        .replace(s.silent, hour + 30 * minute_ms, hour + 90 * minute_ms, {});
    data::Statement rows(s.project.database(),
                         "SELECT count(*) FROM coverage_hours WHERE hour_ms IN (?, ?)");
    rows.bind(1, hour).bind(2, hour + hour_ms);
    rows.step();
    BOOST_TEST(rows.column_int64(0) == 0);
}

BOOST_AUTO_TEST_CASE(states_follow_the_tracker_thresholds) {
    test::TempDir dir;
    data::Project project = data::Project::create(dir / "town.ykm", gis::Epsg{6678});
    data::write_demo_town(project, data::generate_demo_town(2, data::TownSize::small));
    dispatch::Fleet fleet(project);
    const std::int64_t c = fleet.save(dispatch::Contractor{0, "C1", "雪国建設", "", ""});
    dispatch::Vehicle v;
    v.code = "W-1";
    v.contractor_id = c;
    const std::int64_t w = fleet.save(v);
    v.code = "R-1";
    const std::int64_t r = fleet.save(v);
    const std::int64_t t0 = jan15_ms + 21 * hour_ms;
    std::vector<data::Fix> fixes;
    // W-1 plows for 5 minutes (a fix a minute, 6 m/s), then stands for 20 minutes, then is
    // silent. R-1 drives without working for 3 minutes.
    for (int i = 0; i <= 5; ++i) {
        fixes.push_back(
            fix_at(w, t0 + i * minute_ms, 40.80 + 0.003 * i, 6.0, data::WorkType::plow));
    }
    for (int i = 6; i <= 25; ++i) {
        fixes.push_back(fix_at(w, t0 + i * minute_ms, 40.815, 0.0, data::WorkType::plow));
    }
    for (int i = 0; i <= 3; ++i) {
        fixes.push_back(
            fix_at(r, t0 + i * minute_ms, 40.70 + 0.003 * i, 8.0, data::WorkType::travel));
    }
    data::SeasonLog(project.database()).append(fixes);

    dispatch::Replay replay(project);
    const auto state_of = [&](std::int64_t vehicle, std::int64_t t) {
        for (const dispatch::ReplayVehicle& rv : replay.frame_at(t).vehicles) {
            if (rv.vehicle_id == vehicle) {
                return rv.state;
            }
        }
        return VehicleState::unknown;
    };
    BOOST_TEST((state_of(w, t0 - 1) == VehicleState::unknown));
    BOOST_TEST((state_of(w, t0 + 2 * minute_ms) == VehicleState::working));
    BOOST_TEST((state_of(r, t0 + 2 * minute_ms) == VehicleState::travelling));
    // Standing since 5 min: still working until 10 min after the last moving fix.
    BOOST_TEST((state_of(w, t0 + 15 * minute_ms - 1) == VehicleState::working));
    BOOST_TEST((state_of(w, t0 + 15 * minute_ms) == VehicleState::stopped));
    BOOST_TEST((state_of(w, t0 + 35 * minute_ms - 1) == VehicleState::stopped));
    BOOST_TEST((state_of(w, t0 + 35 * minute_ms) == VehicleState::offline));
    BOOST_TEST((state_of(r, t0 + 13 * minute_ms) == VehicleState::offline));
    // Offline at its last position within the horizon, left out after it.
    const dispatch::ReplayFrame late = replay.frame_at(t0 + 25 * minute_ms + day_ms);
    const dispatch::ReplayVehicle* wv = late.vehicle_by_code("W-1");
    BOOST_TEST_REQUIRE(wv != nullptr);
    BOOST_TEST((wv->state == VehicleState::offline));
    BOOST_TEST_REQUIRE(wv->position.has_value());
    BOOST_TEST(wv->position->lat_deg == 40.815);
    BOOST_TEST((state_of(w, t0 + 25 * minute_ms + day_ms + 1) == VehicleState::unknown));
    // Heading: north (the fixes carry no bearing; the last move was due north).
    const dispatch::ReplayFrame moving = replay.frame_at(t0 + 3 * minute_ms);
    BOOST_TEST_REQUIRE(moving.vehicle_by_code("W-1")->heading_deg.has_value());
    BOOST_TEST(std::abs(*moving.vehicle_by_code("W-1")->heading_deg) < 2.0);
    const std::array<int, 5> counts = moving.counts();
    BOOST_TEST(counts[0] == 1);
    BOOST_TEST(counts[1] == 1);
}

BOOST_AUTO_TEST_CASE(interpolates_between_close_fixes_only) {
    OneVehicleTown town;
    data::Project& project = town.project;
    const std::int64_t w = town.vehicle;
    const std::int64_t t0 = jan15_ms;
    data::SeasonLog(project.database())
        .append(std::vector{fix_at(w, t0, 40.80, 5.0, data::WorkType::plow),
                            fix_at(w, t0 + 40'000, 40.81, 5.0, data::WorkType::plow),
                            fix_at(w, t0 + 140'000, 40.82, 5.0, data::WorkType::plow)});
    dispatch::ReplaySettings settings;
    settings.interpolate = true;
    dispatch::Replay replay(project, settings);
    // A quarter of the way from the first to the second fix.
    const dispatch::ReplayFrame quarter = replay.frame_at(t0 + 10'000);
    const auto* mid = quarter.vehicle_by_code("W-1");
    BOOST_TEST_REQUIRE(mid != nullptr);
    BOOST_TEST_REQUIRE(mid->position.has_value());
    BOOST_TEST(mid->position->lat_deg == 40.8025, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(mid->last_fix->time_ms == t0);
    // 100 s apart: over the 60 s gap, it stays at its last fix.
    const dispatch::ReplayFrame apart = replay.frame_at(t0 + 90'000);
    const auto* gap = apart.vehicle_by_code("W-1");
    BOOST_TEST_REQUIRE(gap != nullptr);
    BOOST_TEST(gap->position->lat_deg == 40.81);
}

BOOST_AUTO_TEST_CASE(orders_have_their_status_at_t) {
    test::TempDir dir;
    data::Project project = data::Project::create(dir / "town.ykm", gis::Epsg{6678});
    data::write_demo_town(project, data::generate_demo_town(2, data::TownSize::small));
    dispatch::Fleet fleet(project);
    const std::int64_t c = fleet.save(dispatch::Contractor{0, "C1", "雪国建設", "", ""});
    dispatch::Orders orders(project);
    const dispatch::OrderActor staff{"sato", dispatch::OrderChannel::desktop};
    const std::int64_t t0 = jan15_ms + 20 * hour_ms;
    const auto make = [&](std::int64_t created_ms) {
        dispatch::WorkOrder o;
        o.contractor_id = c;
        o.segments = {1, 2};
        o.window_start_ms = t0;
        o.window_end_ms = t0 + 9 * hour_ms;
        const std::int64_t id = orders.create(o, staff);
        // Orders are created at the wall clock's time; place the creation in the test's night.
        data::Statement at(project.database(), "UPDATE order_events SET time_ms = ? WHERE "
                                               "order_id = ? AND from_status IS NULL");
        at.bind(1, created_ms).bind(2, id).run();
        return id;
    };
    const std::int64_t first = make(t0);
    const std::int64_t second = make(t0 + 2 * hour_ms);
    orders.change_status(first, dispatch::OrderStatus::issued, staff, {}, t0 + 30 * minute_ms);
    orders.change_status(first, dispatch::OrderStatus::acknowledged, staff, {}, t0 + hour_ms);
    // Taken by phone: entered after, at the time the contractor called.
    orders.change_status(first, dispatch::OrderStatus::started, staff, {},
                         t0 + 50 * minute_ms + hour_ms);

    dispatch::Replay replay(project);
    BOOST_TEST(replay.orders_at(t0 - 1).empty());
    const auto at_start = replay.orders_at(t0);
    BOOST_TEST_REQUIRE(at_start.size() == 1U);
    BOOST_TEST(at_start[0].order_id == first);
    BOOST_TEST((at_start[0].status == dispatch::OrderStatus::draft));
    const auto later = replay.orders_at(t0 + hour_ms + 10 * minute_ms);
    BOOST_TEST_REQUIRE(later.size() == 1U);
    BOOST_TEST((later[0].status == dispatch::OrderStatus::acknowledged));
    BOOST_TEST(later[0].since_ms == t0 + hour_ms);
    const auto both = replay.orders_at(t0 + 2 * hour_ms);
    BOOST_TEST_REQUIRE(both.size() == 2U);
    BOOST_TEST((both[0].status == dispatch::OrderStatus::started));
    BOOST_TEST(both[1].order_id == second);
    BOOST_TEST((both[1].status == dispatch::OrderStatus::draft));
    BOOST_TEST(both[1].number == orders.order(second)->number);
}

BOOST_AUTO_TEST_CASE(draws_a_working_vehicle_with_its_marker_colour) {
    OneVehicleTown town;
    data::Project& project = town.project;
    const std::int64_t w = town.vehicle;
    const std::int64_t t0 = jan15_ms;
    data::SeasonLog(project.database())
        .append(std::vector{fix_at(w, t0, 40.80, 5.0, data::WorkType::plow),
                            fix_at(w, t0 + 60'000, 40.801, 5.0, data::WorkType::plow)});
    dispatch::Replay replay(project);
    const dispatch::ReplayFrame frame = replay.frame_at(t0 + 60'000);
    const dispatch::ReplayVehicle* wv = frame.vehicle_by_code("W-1");
    BOOST_TEST_REQUIRE(wv->position_xy.has_value());
    const gis::MapView view(*wv->position_xy, 2.0, 400, 300);
    const gis::Image image = dispatch::render_replay_frame(project, frame, view);
    BOOST_TEST(image.width == 400);
    BOOST_TEST(image.height == 300);
    // The map part is 300 - 32 pixels high, centred on the vehicle.
    const int strip = dispatch::replay_title_strip_px({});
    BOOST_TEST(strip == 32);
    BOOST_TEST((image.rgb_at(200, strip + 134) == gis::Rgb{0x00, 0x9E, 0x73}));
    BOOST_TEST(
        (dispatch::replay_marker_colour(VehicleState::working) == gis::Rgb{0x00, 0x9E, 0x73}));
    // The title strip is white where nothing is written (its right end).
    BOOST_TEST((image.rgb_at(398, 2) == gis::Rgb{0xFF, 0xFF, 0xFF}));
}

// The trail darkens the map behind a vehicle, the more the younger it is: compared pixel by
// pixel with the same frame drawn without its trail.
BOOST_AUTO_TEST_CASE(draws_the_trail_darker_where_it_is_younger) {
    OneVehicleTown town;
    data::Project& project = town.project;
    const std::int64_t w = town.vehicle;
    const std::int64_t t0 = jan15_ms;
    // North at about 55 m a minute for 10 minutes, a fix a minute.
    std::vector<data::Fix> fixes;
    for (int i = 0; i <= 10; ++i) {
        fixes.push_back(
            fix_at(w, t0 + i * minute_ms, 40.80 + 0.0005 * i, 1.0, data::WorkType::plow));
    }
    data::SeasonLog(project.database()).append(fixes);
    dispatch::Replay replay(project);
    const dispatch::ReplayFrame frame = replay.frame_at(t0 + 10 * minute_ms);
    const dispatch::ReplayVehicle* wv = frame.vehicle_by_code("W-1");
    BOOST_TEST_REQUIRE(wv->trail_xy.size() == 11U);
    const gis::XY middle{(wv->trail_xy.front().x + wv->trail_xy.back().x) / 2.0,
                         (wv->trail_xy.front().y + wv->trail_xy.back().y) / 2.0};
    const gis::MapView view(middle, 2.0, 400, 400);
    const gis::Image with_trail = dispatch::render_replay_frame(project, frame, view);
    dispatch::ReplayFrame bare = frame;
    for (dispatch::ReplayVehicle& bv : bare.vehicles) {
        bv.trail.clear();
        bv.trail_xy.clear();
    }
    const gis::Image without = dispatch::render_replay_frame(project, bare, view);
    const gis::MapView map_view = dispatch::replay_map_view(view, {});
    const int strip = dispatch::replay_title_strip_px({});
    // How much darker (sum over red, green, blue) the trail makes the middle of segment i - 1..i.
    const auto darkening = [&](std::size_t i) {
        const gis::XY a = map_view.to_pixel(wv->trail_xy[i - 1]);
        const gis::XY b = map_view.to_pixel(wv->trail_xy[i]);
        const int x = static_cast<int>(std::lround((a.x + b.x) / 2.0));
        const int y = static_cast<int>(std::lround((a.y + b.y) / 2.0)) + strip;
        const gis::Rgb p = with_trail.rgb_at(x, y);
        const gis::Rgb q = without.rgb_at(x, y);
        return (q.red + q.green + q.blue) - (p.red + p.green + p.blue);
    };
    const int oldest = darkening(1);
    const int young = darkening(9);
    BOOST_TEST(oldest > 10);
    BOOST_TEST(young > oldest + 100, "young " << young << ", oldest " << oldest);
    // Away from the trail, the two drawings agree.
    BOOST_TEST((with_trail.rgb_at(20, strip + 20) == without.rgb_at(20, strip + 20)));
}

// The canvas draws again only the roads whose pass age changed since its last frame: after a run
// of frames, its picture is the one a fresh canvas draws for the last frame.
BOOST_AUTO_TEST_CASE(a_canvas_played_on_draws_what_a_fresh_canvas_draws) {
    SimulatedSeason season;
    dispatch::Replay replay(season.project);
    const gis::MapView view = gis::MapView::fit(
        data::layer_extent(season.project, data::Layer::road_segments), 640, 480, 0.05);
    const dispatch::ReplayRenderOptions options;
    dispatch::ReplayCanvas played(season.project, view, options);
    const std::int64_t first_ms = season.start_ms + 20 * minute_ms;
    const gis::Image first = played.draw(replay.frame_at(first_ms));
    gis::Image last;
    std::int64_t t = first_ms;
    for (int i = 0; i < 20; ++i) {
        t += 2 * minute_ms;
        last = played.draw(replay.frame_at(t));
    }
    const dispatch::ReplayFrame frame = replay.frame_at(t);
    // The plows passed roads in between: the coverage is not what it was at the first frame.
    const auto first_coverage = replay.coverage_at(first_ms);
    std::size_t changed = 0;
    for (const gis::DrawnDirection& d : played.directions()) {
        changed += first_coverage->last_pass_ms(d.road_id, d.forward) !=
                           frame.coverage->last_pass_ms(d.road_id, d.forward)
                       ? 1
                       : 0;
    }
    BOOST_TEST(changed > 10U);
    dispatch::ReplayCanvas fresh(season.project, view, options);
    const gis::Image once = fresh.draw(frame);
    BOOST_TEST_REQUIRE(once.pixels.size() == last.pixels.size());
    // Pixels further apart than anti-aliasing: with cairo's fast antialiasing a line's edge
    // pixel takes one of 17 levels, and the levels at the edges differ by up to three steps
    // between a path of every road and one of the roads near a change (the roads' pixels cover
    // about a fifth of the picture; their edges, a few per cent).
    const auto far_apart = [&](const gis::Image& x, const gis::Image& y, int levels) {
        std::size_t n = 0;
        for (std::size_t i = 0; i < x.pixels.size(); ++i) {
            for (const int shift : {0, 8, 16}) {
                const auto channel = [&](const gis::Image& im) {
                    return static_cast<int>((im.pixels[i] >> shift) & 0xFFU);
                };
                if (std::abs(channel(x) - channel(y)) > levels) {
                    ++n;
                    break;
                }
            }
        }
        return n;
    };
    BOOST_TEST(far_apart(once, last, 64) == 0U);
    BOOST_TEST(far_apart(once, last, 16) < once.pixels.size() / 1000);
    // Whereas the first frame's roads are far from the last frame's in many pixels.
    BOOST_TEST(far_apart(once, first, 64) > 100U);
}

BOOST_AUTO_TEST_CASE(the_canvas_draws_what_the_full_drawing_draws) {
    SimulatedSeason season;
    dispatch::Replay replay(season.project);
    dispatch::ReplayFrame frame = replay.frame_at(season.start_ms + 70 * minute_ms);
    // Every pass-age class on every priority class: a direction's age by its segment id and
    // direction, (2 id + forward) mod 5: 10 min, 2 h, 4 h, 30 h ago, or never passed.
    const std::array<std::int64_t, 4> ago{10 * minute_ms, 2 * hour_ms, 4 * hour_ms, 30 * hour_ms};
    const std::array<gis::PassAge, 5> expected_age{gis::PassAge::under_1h, gis::PassAge::under_3h,
                                                   gis::PassAge::under_6h, gis::PassAge::older,
                                                   gis::PassAge::never};
    const auto class_of = [](std::int64_t segment, bool forward) {
        return static_cast<std::size_t>((2 * segment + (forward ? 1 : 0)) % 5);
    };
    auto passes = std::make_shared<gis::PassTimes>();
    for (const std::int64_t s : season.segments) {
        for (const bool forward : {true, false}) {
            const std::size_t k = class_of(s, forward);
            if (k < ago.size()) {
                passes->set(s, forward, frame.time_ms - ago[k]);
            }
        }
    }
    frame.coverage = passes;
    int positioned = 0;
    for (const dispatch::ReplayVehicle& v : frame.vehicles) {
        positioned += v.position_xy ? 1 : 0;
    }
    BOOST_TEST_REQUIRE(positioned == 2);

    const gis::MapView view = gis::MapView::fit(
        data::layer_extent(season.project, data::Layer::road_segments), 640, 480, 0.05);
    const dispatch::ReplayRenderOptions options;
    dispatch::ReplayCanvas canvas(season.project, view, options);
    const gis::Image fast = canvas.draw(frame);
    const gis::Image full = dispatch::render_replay_frame(season.project, frame, view, options);
    BOOST_TEST_REQUIRE(fast.width == 640);
    BOOST_TEST_REQUIRE(fast.height == 480);
    const auto close = [](gis::Rgb a, gis::Rgb b, int tolerance) {
        return std::abs(a.red - b.red) <= tolerance && std::abs(a.green - b.green) <= tolerance &&
               std::abs(a.blue - b.blue) <= tolerance;
    };

    // The midpoint pixel of every direction's drawn line: where the full drawing shows the
    // direction's class colour (not under a label, a marker or a crossing road), the canvas
    // shows it too; counted per priority class and pass-age class.
    const int top = dispatch::replay_title_strip_px(options);
    std::map<std::pair<gis::PriorityClass, gis::PassAge>, int> sampled;
    int differing = 0;
    BOOST_TEST_REQUIRE(!canvas.directions().empty());
    for (const gis::DrawnDirection& d : canvas.directions()) {
        const std::vector<gis::XY>& line = d.pixels;
        double length = 0.0;
        for (std::size_t i = 1; i < line.size(); ++i) {
            length += std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
        }
        gis::XY mid = line.front();
        double left = length / 2.0;
        for (std::size_t i = 1; i < line.size(); ++i) {
            const double piece = std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
            if (piece >= left && piece > 0.0) {
                const double f = left / piece;
                mid = {line[i - 1].x + f * (line[i].x - line[i - 1].x),
                       line[i - 1].y + f * (line[i].y - line[i - 1].y)};
                break;
            }
            left -= piece;
        }
        const int x = static_cast<int>(std::floor(mid.x));
        const int y = static_cast<int>(std::floor(mid.y)) + top;
        if (x < 0 || x >= 640 || y < top || y >= 480) {
            continue;
        }
        const gis::PassAge age = expected_age[class_of(d.road_id, d.forward)];
        const gis::Rgb colour = gis::pass_age_colour(age);
        differing += close(fast.rgb_at(x, y), full.rgb_at(x, y), 2) ? 0 : 1;
        if (full.rgb_at(x, y) == colour) {
            BOOST_TEST_CONTEXT("road " << d.road_id << (d.forward ? " forward" : " backward")) {
                BOOST_TEST((fast.rgb_at(x, y) == colour));
            }
            ++sampled[{d.priority, age}];
        }
    }
    BOOST_TEST(differing == 0);
    // The small demo town has roads of classes 1, 2 and 3: several directions of each class
    // in each pass-age class.
    for (const gis::PriorityClass priority :
         {gis::PriorityClass::first, gis::PriorityClass::second, gis::PriorityClass::third}) {
        for (const gis::PassAge age : gis::all_pass_ages) {
            BOOST_TEST_CONTEXT("class " << static_cast<int>(priority) << " age "
                                        << static_cast<int>(age)) {
                BOOST_TEST(sampled[std::pair(priority, age)] >= 3);
            }
        }
    }

    // The markers: the pixel at each vehicle's position has its state's colour in both.
    const gis::MapView map_view = dispatch::replay_map_view(view, options);
    for (const dispatch::ReplayVehicle& v : frame.vehicles) {
        if (!v.position_xy) {
            continue;
        }
        const gis::XY p = map_view.to_pixel(*v.position_xy);
        const int x = static_cast<int>(std::floor(p.x));
        const int y = static_cast<int>(std::floor(p.y)) + top;
        BOOST_TEST_CONTEXT("vehicle " << v.code) {
            BOOST_TEST((full.rgb_at(x, y) == dispatch::replay_marker_colour(v.state)));
            BOOST_TEST((fast.rgb_at(x, y) == full.rgb_at(x, y)));
        }
    }

    // The whole picture: title strip, legend and labels included, only antialiasing noise.
    int unlike = 0;
    for (int y = 0; y < 480; ++y) {
        for (int x = 0; x < 640; ++x) {
            unlike += close(fast.rgb_at(x, y), full.rgb_at(x, y), 8) ? 0 : 1;
        }
    }
    BOOST_TEST(unlike < 640 * 480 / 1000);

    // A second frame on the same canvas follows the coverage of that frame: with no pass at
    // all every sampled direction turns to the never-passed colour or its dash gaps.
    frame.coverage = std::make_shared<gis::PassTimes>();
    const gis::Image none = canvas.draw(frame);
    const gis::Image none_full =
        dispatch::render_replay_frame(season.project, frame, view, options);
    int none_unlike = 0;
    for (int y = 0; y < 480; ++y) {
        for (int x = 0; x < 640; ++x) {
            none_unlike += close(none.rgb_at(x, y), none_full.rgb_at(x, y), 8) ? 0 : 1;
        }
    }
    BOOST_TEST(none_unlike < 640 * 480 / 1000);
    int fresh = 0;
    for (const std::uint32_t p : none.pixels) {
        fresh += (p & 0xFFFFFFU) == 0x35B779U ? 1 : 0;
    }
    // The legend's sample line is the only fresh colour left.
    BOOST_TEST(fresh < 200);
}

BOOST_AUTO_TEST_CASE(an_empty_season_has_no_extent) {
    test::TempDir dir;
    data::Project project = data::Project::create(dir / "town.ykm", gis::Epsg{6678});
    dispatch::Replay replay(project);
    BOOST_TEST(!replay.extent().has_value());
    const dispatch::ReplayFrame frame = replay.frame_at(jan15_ms);
    BOOST_TEST(frame.vehicles.empty());
    BOOST_TEST(frame.coverage->size() == 0U);
}

BOOST_AUTO_TEST_SUITE_END()

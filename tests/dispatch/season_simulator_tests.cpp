#include "ykm/dispatch/season_simulator.hpp"

#include "../data/temp_dir.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/dispatch/coverage.hpp"
#include "ykm/dispatch/daily_report.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gis/road_graph.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <limits>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace ykm::data {
// Printed by failing checks (inline: other test files may define the same).
inline std::ostream& operator<<(std::ostream& out, WorkType w) {
    return out << key(w);
}
inline std::ostream& operator<<(std::ostream& out, Blade b) {
    return out << "blade " << static_cast<int>(b);
}
} // namespace ykm::data

namespace ykm::dispatch {
inline std::ostream& operator<<(std::ostream& out, MachineType t) {
    return out << key(t);
}
} // namespace ykm::dispatch

using namespace ykm;
using data::WorkType;
using dispatch::MachineType;
using dispatch::SeasonOptions;

namespace {

constexpr std::int64_t hour_ms = 3'600'000;
constexpr std::int64_t interval_ms = 30'000;

// 3 vehicles, 2 nights, a fix every 30 s.
SeasonOptions tiny(std::uint64_t seed = 5) {
    SeasonOptions o;
    o.vehicles = 3;
    o.nights = 2;
    o.start_date = "2027-01-10";
    o.interval_s = 30.0;
    o.seed = seed;
    o.batch_fixes = 700; // several transactions a night
    return o;
}

// A small demo town (4 districts) with no fleet, in a temporary project.
struct SeasonTown {
    test::TempDir dir;
    std::filesystem::path path = dir / "town.ykm";
    data::Project project;
    SeasonTown() : project(data::Project::create(path, gis::Epsg{6678})) {
        data::write_demo_town(project, data::generate_demo_town(2, data::TownSize::small));
    }
};

std::vector<data::Fix> all_fixes(data::Project& project) {
    return data::SeasonLog(project.database())
        .range(std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
}

std::vector<dispatch::Pass> all_passes(data::Project& project) {
    return dispatch::CoverageStore(project.database())
        .passes(std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
}

} // namespace

BOOST_AUTO_TEST_SUITE(season_simulator_tests)

BOOST_AUTO_TEST_CASE(plan_starts_on_the_date_at_21_jst_and_lasts_eight_hours) {
    SeasonOptions o = tiny();
    o.nights = 5;
    const auto nights = dispatch::plan_season(o);
    BOOST_REQUIRE_EQUAL(nights.size(), 5U);
    BOOST_TEST(nights[0].date_jst == "2027-01-10");
    // 2027-01-10 21:00 JST = 2027-01-10 12:00 UTC = 1,799,582,400 s.
    BOOST_TEST(nights[0].start_ms == 1'799'582'400'000);
    for (std::size_t n = 0; n < nights.size(); ++n) {
        BOOST_TEST(nights[n].start_ms ==
                   dispatch::jst_day_start_ms(nights[n].date_jst) + 21 * hour_ms);
        BOOST_TEST(nights[n].end_ms - nights[n].start_ms == 8 * hour_ms);
        if (n > 0) {
            BOOST_TEST(nights[n].date_jst > nights[n - 1].date_jst);
        }
        BOOST_REQUIRE_EQUAL(nights[n].vehicle_start_ms.size(), 3U);
        for (const std::int64_t s : nights[n].vehicle_start_ms) {
            BOOST_TEST(s >= nights[n].start_ms);
            BOOST_TEST(s <= nights[n].start_ms + 30 * 60'000);
            BOOST_TEST(s % 1000 == 0);
        }
    }
}

BOOST_AUTO_TEST_CASE(plan_without_nights_off_takes_consecutive_dates_across_a_month) {
    SeasonOptions o = tiny();
    o.start_date = "2027-01-30";
    o.nights = 4;
    o.night_off_chance = 0.0;
    o.night_start_hour = 22;
    o.night_end_hour = 6;
    const auto nights = dispatch::plan_season(o);
    BOOST_REQUIRE_EQUAL(nights.size(), 4U);
    BOOST_TEST(nights[0].date_jst == "2027-01-30");
    BOOST_TEST(nights[1].date_jst == "2027-01-31");
    BOOST_TEST(nights[2].date_jst == "2027-02-01");
    BOOST_TEST(nights[3].date_jst == "2027-02-02");
    BOOST_TEST(nights[3].end_ms - nights[3].start_ms == 8 * hour_ms);
}

BOOST_AUTO_TEST_CASE(plan_with_most_nights_off_skips_dates) {
    SeasonOptions o = tiny();
    o.nights = 10;
    o.night_off_chance = 0.9;
    const auto nights = dispatch::plan_season(o);
    BOOST_REQUIRE_EQUAL(nights.size(), 10U);
    // Ten nights among about a hundred calendar days.
    const std::int64_t span_days =
        (nights.back().start_ms - nights.front().start_ms) / (24 * hour_ms);
    BOOST_TEST(span_days > 20);
}

BOOST_AUTO_TEST_CASE(bad_options_are_refused) {
    SeasonOptions o = tiny();
    o.nights = 0;
    BOOST_CHECK_THROW(dispatch::plan_season(o), Error);
    o = tiny();
    o.start_date = "2027-02-30";
    BOOST_CHECK_THROW(dispatch::plan_season(o), Error);
    o = tiny();
    o.night_start_hour = 5;
    o.night_end_hour = 5;
    BOOST_CHECK_THROW(dispatch::plan_season(o), Error);
    o = tiny();
    o.interval_s = 0.0;
    BOOST_CHECK_THROW(dispatch::plan_season(o), Error);
}

BOOST_AUTO_TEST_CASE(machine_types_do_their_own_work) {
    BOOST_TEST(dispatch::season_work_type(MachineType::dozer) == WorkType::plow);
    BOOST_TEST(dispatch::season_work_type(MachineType::motor_grader) == WorkType::grade);
    BOOST_TEST(dispatch::season_work_type(MachineType::rotary_blower) == WorkType::widen);
    BOOST_TEST(dispatch::season_work_type(MachineType::plow_truck) == WorkType::plow);
    BOOST_TEST(dispatch::season_work_type(MachineType::dump_truck) == WorkType::haul);
    BOOST_TEST(dispatch::season_work_type(MachineType::small_machine) == WorkType::plow);
}

BOOST_AUTO_TEST_CASE(tiny_season_creates_the_fleet_and_writes_every_interval_of_every_night) {
    SeasonTown town;
    std::vector<dispatch::SeasonProgress> reports;
    const dispatch::SeasonResult r = dispatch::simulate_season(
        town.project, tiny(), [&](const dispatch::SeasonProgress& p) { reports.push_back(p); });

    // The town has no fleet: three vehicles over three of its four districts, a contractor each.
    BOOST_TEST(r.vehicles_created == 3U);
    BOOST_TEST(r.contractors_created == 3U);
    BOOST_REQUIRE_EQUAL(r.vehicles.size(), 3U);
    BOOST_TEST(r.vehicles[0].device_id == "sim-001");
    BOOST_TEST(r.vehicles[2].device_id == "sim-003");
    BOOST_TEST(r.vehicles[0].code == "SIM-001");
    BOOST_TEST(r.vehicles[0].type == MachineType::dozer);
    BOOST_TEST(r.vehicles[1].type == MachineType::motor_grader);
    BOOST_TEST(r.vehicles[2].type == MachineType::plow_truck);
    BOOST_TEST(r.vehicles[1].service == WorkType::grade);
    dispatch::Fleet fleet(town.project);
    std::set<std::int64_t> districts;
    for (const auto& v : r.vehicles) {
        const auto stored = fleet.vehicle(v.vehicle_id);
        BOOST_REQUIRE(stored);
        BOOST_REQUIRE(stored->district_id);
        districts.insert(*stored->district_id);
    }
    BOOST_TEST(districts.size() == 3U);
    BOOST_TEST(fleet.contractors().size() == 3U);

    // Each vehicle, each night: the first fix within an interval of setting out, then one every
    // 30 s up to the night's end; 8 h is 960 intervals, less at most 60 for a 30 min delay.
    data::SeasonLog log(town.project.database());
    std::uint64_t total = 0;
    BOOST_REQUIRE_EQUAL(r.nights.size(), 2U);
    for (const auto& night : r.nights) {
        for (std::size_t k = 0; k < r.vehicles.size(); ++k) {
            const std::int64_t set_out = night.vehicle_start_ms[k];
            const auto fixes = log.fixes(r.vehicles[k].vehicle_id, night.start_ms - hour_ms,
                                         night.end_ms + hour_ms);
            BOOST_REQUIRE(!fixes.empty());
            BOOST_TEST(fixes.front().time_ms >= set_out);
            BOOST_TEST(fixes.front().time_ms < set_out + interval_ms);
            BOOST_TEST(fixes.back().time_ms < night.end_ms);
            BOOST_TEST(fixes.back().time_ms + interval_ms >= night.end_ms);
            for (std::size_t i = 1; i < fixes.size(); ++i) {
                BOOST_REQUIRE_EQUAL(fixes[i].time_ms - fixes[i - 1].time_ms, interval_ms);
            }
            const auto expected = static_cast<std::size_t>(
                (night.end_ms - fixes.front().time_ms + interval_ms - 1) / interval_ms);
            BOOST_TEST(fixes.size() == expected);
            BOOST_TEST(fixes.size() >= 900U);
            BOOST_TEST(fixes.size() <= 960U);
            total += fixes.size();
        }
    }
    BOOST_TEST(r.fixes == total);
    const data::SeasonLogStats stats = log.stats();
    BOOST_TEST(stats.fix_count == static_cast<std::int64_t>(total));
    BOOST_TEST(stats.tail_count == 0); // sealed
    // Every hour of the two 8-hour nights has passes, so a summary each.
    BOOST_TEST(r.coverage_hours == 16U);
    data::Statement hours(town.project.database(), "SELECT count(*) FROM coverage_hours");
    BOOST_REQUIRE(hours.step());
    BOOST_TEST(hours.column_int64(0) == 16);

    // Progress: a report per batch and per night, the last one with everything.
    BOOST_REQUIRE(reports.size() >= 2U * (total / 700 / 2));
    BOOST_TEST(reports.back().fixes_written == total);
    BOOST_TEST(reports.back().nights_done == 2U);
    BOOST_TEST(reports.back().nights == 2U);
}

BOOST_AUTO_TEST_CASE(fixes_lie_in_the_town_and_passes_on_its_roads_with_planned_work) {
    SeasonTown town;
    const dispatch::SeasonResult r = dispatch::simulate_season(town.project, tiny());
    const gis::RoadGraph graph(town.project.load_road_network());
    double min_x = 1e300, min_y = 1e300, max_x = -1e300, max_y = -1e300;
    for (gis::NodeIndex n = 0; n < graph.node_count(); ++n) {
        const gis::XY p = graph.node_position(n);
        min_x = std::min(min_x, p.x);
        min_y = std::min(min_y, p.y);
        max_x = std::max(max_x, p.x);
        max_y = std::max(max_y, p.y);
    }
    // Noise of 10 m per axis: 100 m is ten standard deviations.
    const double margin_m = 100.0;
    const gis::CoordinateTransform to_plane(gis::wgs84, graph.crs());
    std::map<std::int64_t, WorkType> service;
    std::map<std::int64_t, data::Blade> serving_blade;
    for (const auto& v : r.vehicles) {
        service[v.vehicle_id] = v.service;
        serving_blade[v.vehicle_id] = data::Blade::down;
    }
    std::map<std::int64_t, std::size_t> serving_fixes;
    const auto fixes = all_fixes(town.project);
    BOOST_TEST(fixes.size() == r.fixes);
    for (const data::Fix& f : fixes) {
        const gis::XY p = to_plane.forward(gis::XY{f.position.lon_deg, f.position.lat_deg});
        BOOST_TEST((p.x >= min_x - margin_m && p.x <= max_x + margin_m), "fix at " << p.x);
        BOOST_TEST((p.y >= min_y - margin_m && p.y <= max_y + margin_m), "fix at " << p.y);
        BOOST_REQUIRE(service.contains(f.vehicle_id));
        if (f.work == WorkType::travel) {
            BOOST_TEST(f.blade == data::Blade::up);
        } else {
            BOOST_TEST(f.work == service[f.vehicle_id]);
            BOOST_TEST(f.blade == data::Blade::down);
            ++serving_fixes[f.vehicle_id];
        }
    }
    for (const auto& v : r.vehicles) {
        BOOST_TEST(serving_fixes[v.vehicle_id] > 0U, v.code << " never served");
    }

    const auto passes = all_passes(town.project);
    BOOST_TEST(passes.size() == r.passes);
    BOOST_REQUIRE(!passes.empty());
    std::map<std::int64_t, std::size_t> service_passes;
    for (const dispatch::Pass& p : passes) {
        BOOST_TEST(graph.find_edge(p.segment_id, p.forward).has_value(),
                   "segment " << p.segment_id << (p.forward ? " +" : " -"));
        BOOST_TEST(p.fraction == 1.0);
        BOOST_TEST(p.enter_ms <= p.time_ms);
        BOOST_REQUIRE(service.contains(p.vehicle_id));
        if (p.work == WorkType::travel) {
            BOOST_TEST(p.blade == data::Blade::up);
        } else {
            BOOST_TEST(p.work == service[p.vehicle_id]);
            ++service_passes[p.vehicle_id];
        }
        // Within one of the nights.
        const bool in_a_night = std::ranges::any_of(r.nights, [&](const auto& n) {
            return p.enter_ms >= n.start_ms && p.time_ms < n.end_ms;
        });
        BOOST_TEST(in_a_night);
    }
    for (const auto& v : r.vehicles) {
        BOOST_TEST(service_passes[v.vehicle_id] > 0U, v.code << " has no service pass");
    }
}

BOOST_AUTO_TEST_CASE(the_same_seed_writes_the_same_season_and_another_seed_another) {
    SeasonTown a;
    SeasonTown b;
    SeasonTown c;
    dispatch::simulate_season(a.project, tiny(5));
    dispatch::simulate_season(b.project, tiny(5));
    dispatch::simulate_season(c.project, tiny(6));
    const auto fixes_a = all_fixes(a.project);
    BOOST_TEST((fixes_a == all_fixes(b.project)));
    BOOST_TEST((all_passes(a.project) == all_passes(b.project)));
    BOOST_TEST((fixes_a != all_fixes(c.project)));
}

BOOST_AUTO_TEST_CASE(a_season_survives_reopening_the_project) {
    test::TempDir dir;
    dispatch::SeasonResult r;
    {
        data::Project project = data::Project::create(dir / "town.ykm", gis::Epsg{6678});
        data::write_demo_town(project, data::generate_demo_town(2, data::TownSize::small));
        r = dispatch::simulate_season(project, tiny());
    }
    data::Project reopened = data::Project::open(dir / "town.ykm");
    BOOST_TEST(data::SeasonLog(reopened.database()).stats().fix_count ==
               static_cast<std::int64_t>(r.fixes));
    BOOST_TEST(all_passes(reopened).size() == r.passes);
    BOOST_TEST(dispatch::Fleet(reopened).vehicles().size() == 3U);
}

BOOST_AUTO_TEST_CASE(project_vehicles_with_devices_come_first_and_none_are_added_when_enough) {
    SeasonTown town;
    dispatch::Fleet fleet(town.project);
    const std::int64_t contractor = fleet.save(dispatch::Contractor{0, "C1", "雪国建設", "", ""});
    dispatch::Vehicle v;
    v.code = "G-1";
    v.type = MachineType::motor_grader;
    v.contractor_id = contractor;
    v.device_id = "dev-a";
    const std::int64_t grader = fleet.save(v);
    v.code = "K-1";
    v.type = MachineType::dump_truck;
    v.device_id = "dev-b";
    const std::int64_t dump = fleet.save(v);
    SeasonOptions o = tiny();
    o.vehicles = 2;
    o.nights = 1;
    const dispatch::SeasonResult r = dispatch::simulate_season(town.project, o);
    BOOST_TEST(r.vehicles_created == 0U);
    BOOST_TEST(r.contractors_created == 0U);
    BOOST_REQUIRE_EQUAL(r.vehicles.size(), 2U);
    BOOST_TEST(r.vehicles[0].vehicle_id == grader);
    BOOST_TEST(r.vehicles[1].vehicle_id == dump);
    BOOST_TEST(r.vehicles[1].service == WorkType::haul);
    // A dump truck has no blade to report.
    for (const data::Fix& f : data::SeasonLog(town.project.database()).fixes(dump, 0, 1LL << 62)) {
        BOOST_TEST(f.blade == data::Blade::unknown);
        BOOST_TEST((f.work == WorkType::haul || f.work == WorkType::travel));
    }
    BOOST_TEST(fleet.vehicles().size() == 2U);
}

BOOST_AUTO_TEST_SUITE_END()

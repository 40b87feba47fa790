#include "ykm/dispatch/dispatch_standards.hpp"

#include "../data/error_message.hpp"
#include "../data/temp_dir.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/dispatch/audit_log.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <utility>

using namespace ykm;
using test::message_of;

namespace {

constexpr std::int64_t hour_ms = 3'600'000;
// 2026-01-10 18:00 JST.
constexpr std::int64_t evening_ms = 1'768'035'600'000;

// The demo town (4 districts, stations S01-S04 in districts 1-4), two contractors with vehicles
// in district 1: C1 with one, C2 with two.
struct StandardsProject {
    test::TempDir dir;
    data::Project project;
    std::int64_t c1 = 0;
    std::int64_t c2 = 0;
    std::vector<std::int64_t> c2_vehicles;

    StandardsProject() : project(data::Project::create(dir / "town.ykm", gis::Epsg{6678})) {
        data::write_demo_town(project, data::generate_demo_town(2, data::TownSize::small));
        dispatch::Fleet fleet(project);
        c1 = fleet.save(dispatch::Contractor{0, "C1", "雪国建設", "", ""});
        c2 = fleet.save(dispatch::Contractor{0, "C2", "北星工業", "", ""});
        dispatch::Vehicle v;
        v.district_id = 1;
        v.code = "T-1";
        v.contractor_id = c1;
        fleet.save(v);
        for (const char* code : {"T-2", "T-3"}) {
            v.code = code;
            v.contractor_id = c2;
            c2_vehicles.push_back(fleet.save(v));
        }
        v.code = "T-4"; // C2's, but in another district
        v.district_id = 2;
        fleet.save(v);
    }

    std::vector<dispatch::OrderProposal> proposals_at(std::int64_t now_ms) {
        dispatch::DispatchStandards standards(project);
        return standards.proposals(now_ms, 24 * hour_ms, evening_ms + 3 * hour_ms,
                                   evening_ms + 12 * hour_ms);
    }

    std::int64_t count(const std::string& sql) {
        data::Statement q(project.database(), sql);
        q.step();
        return q.column_int64(0);
    }

    std::filesystem::path write(const std::string& name, const std::string& text) {
        const auto path = dir / name;
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(dispatch_standards_tests)

BOOST_AUTO_TEST_CASE(the_demo_town_has_one_station_per_district_at_its_centre) {
    StandardsProject t;
    dispatch::DispatchStandards standards(t.project);
    const auto stations = standards.stations();
    BOOST_TEST_REQUIRE(stations.size() == 4U);
    BOOST_TEST(stations[0].code == "S01");
    BOOST_TEST((stations[0].district_id == std::optional<std::int64_t>(1)));
    BOOST_TEST(stations[3].code == "S04");
    BOOST_TEST((stations[3].district_id == std::optional<std::int64_t>(4)));
    BOOST_TEST(stations[0].name.ends_with(" 観測所"));
    BOOST_TEST_REQUIRE(stations[0].location.has_value());
    BOOST_TEST(stations[0].location->lat_deg > 40.3); // Aomori
    BOOST_TEST(stations[0].location->lat_deg < 41.0);
    BOOST_TEST(t.count("SELECT count(*) FROM snow_stations s JOIN districts d ON d.id = "
                       "s.district_id WHERE ST_Contains(d.geom, s.geom)") == 4);
}

BOOST_AUTO_TEST_CASE(stores_a_station_with_its_position_and_refuses_a_duplicate_code) {
    StandardsProject t;
    dispatch::DispatchStandards standards(t.project);
    dispatch::SnowStation s;
    s.code = "P01";
    s.name = "浪岡";
    s.district_id = 2;
    s.location = gis::LonLat{140.74, 40.82};
    standards.add_station(s);
    const dispatch::SnowStation back = standards.find_station("P01");
    BOOST_TEST(back.name == "浪岡");
    BOOST_TEST((back.district_id == std::optional<std::int64_t>(2)));
    BOOST_TEST_REQUIRE(back.location.has_value());
    BOOST_TEST(std::abs(back.location->lon_deg - 140.74) < 1e-7);
    BOOST_TEST(std::abs(back.location->lat_deg - 40.82) < 1e-7);
    BOOST_TEST(message_of([&] { standards.add_station(s); }) ==
               "station code 'P01' is already used");
    s.code = "P02";
    s.district_id = 99;
    BOOST_TEST(message_of([&] { standards.add_station(s); }) ==
               "station P02: district 99 does not exist");
    BOOST_TEST(message_of([&] { (void)standards.find_station("P09"); }) ==
               "station P09 does not exist");
}

BOOST_AUTO_TEST_CASE(thresholds_are_the_defaults_until_a_district_sets_its_own) {
    StandardsProject t;
    dispatch::DispatchStandards standards(t.project);
    auto district = [&](std::int64_t id) {
        const auto all = standards.standards();
        return *std::ranges::find_if(all, [id](const auto& s) { return s.district_id == id; });
    };
    BOOST_TEST(standards.standards().size() == 4U);
    BOOST_TEST(district(1).effective_cm() == 10.0);
    BOOST_TEST(district(1).effective_priority_cm() == 5.0);
    standards.set_standard(1, 15.0, 8.0);
    BOOST_TEST(district(1).effective_cm() == 15.0);
    BOOST_TEST(district(1).effective_priority_cm() == 8.0);
    BOOST_TEST(district(2).effective_cm() == 10.0);
    standards.set_standard(1, std::nullopt, std::nullopt);
    BOOST_TEST(!district(1).standard_cm.has_value());
    BOOST_TEST(district(1).effective_cm() == 10.0);

    BOOST_TEST(message_of([&] {
                   standards.set_standard(1, 4.0, std::nullopt);
               }).find("priority_standard_cm: 5 cm is above the standard of 4 cm") !=
               std::string::npos);
    BOOST_TEST(message_of([&] {
                   standards.set_standard(1, -2.0, std::nullopt);
               }).find("standard_cm: -2 is not in (0, 500] cm") != std::string::npos);
    BOOST_TEST(message_of([&] { standards.set_standard(9, 12.0, std::nullopt); }) ==
               "district 9 does not exist");
    BOOST_TEST(!district(1).standard_cm.has_value());
}

BOOST_AUTO_TEST_CASE(passing_the_standard_proposes_every_classed_road_of_the_district) {
    StandardsProject t;
    dispatch::DispatchStandards standards(t.project);
    standards.record("S01", evening_ms - 2 * hour_ms, 6.0, std::nullopt);
    standards.record("S01", evening_ms, 12.0, 80.0);
    const auto proposals = t.proposals_at(evening_ms + hour_ms);
    BOOST_TEST_REQUIRE(proposals.size() == 1U);
    const auto& p = proposals[0];
    BOOST_TEST(p.district_id == 1);
    BOOST_TEST(p.station_code == "S01");
    BOOST_TEST(p.observed_ms == evening_ms);
    BOOST_TEST(p.new_snow_cm == 12.0);
    BOOST_TEST(p.threshold_cm == 10.0);
    BOOST_TEST(!p.priority_only);
    dispatch::Orders orders(t.project);
    BOOST_TEST(p.segments == orders.district_segments(1));
    BOOST_TEST(std::ssize(p.segments) ==
               t.count("SELECT count(*) FROM road_segments WHERE district_id = 1 AND priority IS "
                       "NOT NULL"));
    BOOST_TEST(p.length_m > 0.0);
    BOOST_TEST((p.draft.work == data::WorkType::plow));
    BOOST_TEST(p.draft.window_start_ms == evening_ms + 3 * hour_ms);
    BOOST_TEST(p.draft.window_end_ms == evening_ms + 12 * hour_ms);
    BOOST_TEST((p.draft.district_id == std::optional<std::int64_t>(1)));
    BOOST_TEST(p.draft.instructions.starts_with(
        "出動基準超過: 観測所 S01 新積雪 12 cm (2026-01-10 18:00)"));
    // The draft is ready to store as it is.
    const std::int64_t id = orders.create(p.draft, {"sato", dispatch::OrderChannel::desktop});
    BOOST_TEST(orders.order(id)->segments == p.segments);
}

BOOST_AUTO_TEST_CASE(passing_only_the_priority_standard_proposes_class_1_roads_only) {
    StandardsProject t;
    dispatch::DispatchStandards standards(t.project);
    standards.record("S02", evening_ms, 7.0, std::nullopt);
    const auto proposals = t.proposals_at(evening_ms);
    BOOST_TEST_REQUIRE(proposals.size() == 1U);
    const auto& p = proposals[0];
    BOOST_TEST(p.district_id == 2);
    BOOST_TEST(p.priority_only);
    BOOST_TEST(p.threshold_cm == 5.0);
    BOOST_TEST_REQUIRE(!p.segments.empty());
    BOOST_TEST(
        std::ssize(p.segments) ==
        t.count("SELECT count(*) FROM road_segments WHERE district_id = 2 AND priority = 1"));
    for (const std::int64_t s : p.segments) {
        BOOST_TEST(t.count("SELECT priority FROM road_segments WHERE id = " + std::to_string(s)) ==
                   1);
    }
    BOOST_TEST(std::ssize(p.segments) <
               t.count("SELECT count(*) FROM road_segments WHERE district_id = 2 AND priority IS "
                       "NOT NULL"));
}

BOOST_AUTO_TEST_CASE(uses_the_district_thresholds_and_only_observations_in_the_lookback) {
    StandardsProject t;
    dispatch::DispatchStandards standards(t.project);
    standards.record("S01", evening_ms, 12.0, std::nullopt);
    standards.record("S02", evening_ms, 4.0, std::nullopt);                 // below both standards
    standards.record("S03", evening_ms - 30 * hour_ms, 40.0, std::nullopt); // too long ago
    standards.record("S04", evening_ms + 2 * hour_ms, 40.0, std::nullopt);  // after now
    standards.set_standard(1, 15.0, std::nullopt);
    auto proposals = t.proposals_at(evening_ms + hour_ms);
    BOOST_TEST_REQUIRE(proposals.size() == 1U);
    BOOST_TEST(proposals[0].district_id == 1);
    BOOST_TEST(proposals[0].priority_only); // 12 cm < 15 cm, >= 5 cm
    standards.set_standard(1, 12.0, std::nullopt);
    proposals = t.proposals_at(evening_ms + hour_ms);
    BOOST_TEST_REQUIRE(proposals.size() == 1U);
    BOOST_TEST(!proposals[0].priority_only); // the standard is reached at equality
}

BOOST_AUTO_TEST_CASE(a_district_with_an_open_order_covering_the_window_is_left_out) {
    StandardsProject t;
    dispatch::DispatchStandards standards(t.project);
    standards.record("S01", evening_ms, 20.0, std::nullopt);
    standards.record("S02", evening_ms, 20.0, std::nullopt);
    dispatch::Orders orders(t.project);
    dispatch::WorkOrder o;
    o.contractor_id = t.c1;
    o.district_id = 1;
    o.segments = orders.district_segments(1);
    o.window_start_ms = evening_ms;
    o.window_end_ms = evening_ms + 6 * hour_ms; // covers the window start (18:00 + 3 h)
    const dispatch::OrderActor staff{"sato", dispatch::OrderChannel::desktop};
    const std::int64_t open = orders.create(o, staff);
    orders.change_status(open, dispatch::OrderStatus::issued, staff);
    o.district_id = 2; // ends before the window starts: does not count
    o.segments = orders.district_segments(2);
    o.window_end_ms = evening_ms + 2 * hour_ms;
    orders.create(o, staff);
    auto proposals = t.proposals_at(evening_ms);
    BOOST_TEST_REQUIRE(proposals.size() == 1U);
    BOOST_TEST(proposals[0].district_id == 2);
    orders.change_status(open, dispatch::OrderStatus::cancelled, staff);
    proposals = t.proposals_at(evening_ms);
    BOOST_TEST(proposals.size() == 2U);
}

BOOST_AUTO_TEST_CASE(suggests_the_contractor_with_most_vehicles_in_the_district) {
    StandardsProject t;
    dispatch::DispatchStandards standards(t.project);
    standards.record("S01", evening_ms, 12.0, std::nullopt);
    standards.record("S03", evening_ms, 12.0, std::nullopt);
    const auto proposals = t.proposals_at(evening_ms);
    BOOST_TEST_REQUIRE(proposals.size() == 2U);
    BOOST_TEST((proposals[0].contractor_id == std::optional<std::int64_t>(t.c2)));
    BOOST_TEST(proposals[0].vehicles == t.c2_vehicles);
    BOOST_TEST(proposals[0].draft.contractor_id == t.c2);
    BOOST_TEST(proposals[1].district_id == 3); // no vehicles there
    BOOST_TEST(!proposals[1].contractor_id.has_value());
    BOOST_TEST(proposals[1].draft.contractor_id == 0);
    BOOST_TEST(proposals[1].vehicles.empty());
}

BOOST_AUTO_TEST_CASE(refuses_a_second_observation_at_the_same_station_and_time) {
    StandardsProject t;
    dispatch::DispatchStandards standards(t.project);
    standards.record("S01", evening_ms, 12.0, std::nullopt);
    BOOST_TEST(message_of([&] { standards.record("S01", evening_ms, 14.0, std::nullopt); }) ==
               "station S01, time: there is already an observation at 2026-01-10 18:00 JST");
    BOOST_TEST(message_of([&] { standards.record("S01", evening_ms + 1, -3.0, std::nullopt); }) ==
               "station S01, new_snow_cm: -3 is negative");
    BOOST_TEST(message_of([&] { standards.record("S01", evening_ms + 1, 3.0, 1200.0); }) ==
               "station S01, depth_cm: 1200 is more than 1000 cm");
    BOOST_TEST(message_of([&] { standards.record("S09", evening_ms, 3.0, std::nullopt); }) ==
               "station S09 does not exist");
    BOOST_TEST(t.count("SELECT count(*) FROM snow_observations") == 1);
}

BOOST_AUTO_TEST_CASE(imports_all_rows_or_none_naming_the_line_and_field) {
    StandardsProject t;
    dispatch::DispatchStandards standards(t.project);
    const auto bad = t.write("obs.csv", "station,time,new_snow_cm,depth_cm\n"
                                        "S01,2026-01-10 18:00,12,80\n"
                                        "S02,2026-01-10 18:00,7,\n"
                                        "S03,2026-01-10 18:00,-3,40\n");
    BOOST_TEST(message_of([&] { standards.import_csv(bad); }) ==
               bad.string() + " line 4, field new_snow_cm: '-3' is negative");
    BOOST_TEST(t.count("SELECT count(*) FROM snow_observations") == 0);
    BOOST_TEST(dispatch::read_audit(t.project.database(), std::string("snow_observation")).empty());

    const auto typo = t.write("typo.csv", "station,time,new_snow_cm\nS01,2026-01-10 18:00,12\n"
                                          "S09,2026-01-10 18:00,12\n");
    BOOST_TEST(message_of([&] { standards.import_csv(typo); }) ==
               typo.string() + " line 3, field station: 'S09' is not a station of the project");
    const auto twice = t.write("twice.csv", "station,time,new_snow_cm\nS01,2026-01-10 18:00,12\n"
                                            "S01,2026-01-10T09:00Z,13\n");
    BOOST_TEST(message_of([&] { standards.import_csv(twice); }) ==
               twice.string() +
                   " line 3, field time: '2026-01-10T09:00Z' repeats station S01 at the time of "
                   "line 2");
    const auto headless = t.write("headless.csv", "S01,2026-01-10 18:00,12\n");
    BOOST_TEST(message_of([&] {
                   standards.import_csv(headless);
               }).starts_with(headless.string() + " line 1: unknown column 'S01'"));

    // Japanese headers in another order, a BOM, CRLF, quotes, JST and an offset.
    const auto good = t.write("good.csv", "\xEF\xBB\xBF日時,観測所,積雪深,新積雪(cm)\r\n"
                                          "\"2026-01-10 18:00\",S01,80,12\r\n"
                                          "2026-01-10T17:00:00+08:00,\"S02\",,\"7.5\"\r\n"
                                          "2026/1/10 19:30,S03,\"\",0\r\n");
    BOOST_TEST(standards.import_csv(good) == 3U);
    const auto all = standards.observations(0, evening_ms + 24 * hour_ms);
    BOOST_TEST_REQUIRE(all.size() == 3U);
    BOOST_TEST(all[0].station_code == "S03"); // newest first
    BOOST_TEST(all[0].time_ms == evening_ms + 90 * 60'000);
    BOOST_TEST(all[1].station_code == "S01"); // same time as S02, by code
    BOOST_TEST(all[1].time_ms == evening_ms);
    BOOST_TEST((all[1].depth_cm == std::optional<double>(80.0)));
    BOOST_TEST(all[2].time_ms == evening_ms);
    BOOST_TEST(all[2].new_snow_cm == 7.5);
    BOOST_TEST(!all[2].depth_cm.has_value());
    BOOST_TEST(all[2].source == "csv:good.csv");

    // A row already stored refuses the whole file.
    const auto again = t.write("again.csv", "station,time,new_snow_cm\nS04,2026-01-10 18:00,1\n"
                                            "S01,2026-01-10 18:00,12\n");
    BOOST_TEST(message_of([&] { standards.import_csv(again); }) ==
               again.string() + " line 3, field time: '2026-01-10 18:00' station S01 already has "
                                "an observation at 2026-01-10 18:00 JST");
    BOOST_TEST(t.count("SELECT count(*) FROM snow_observations") == 3);
}

BOOST_AUTO_TEST_CASE(every_change_is_audited_and_the_chain_verifies) {
    StandardsProject t;
    dispatch::DispatchStandards standards(t.project);
    standards.set_actor("sato", dispatch::OrderChannel::phone);
    dispatch::SnowStation s;
    s.code = "P01";
    const std::int64_t station = standards.add_station(s);
    const std::int64_t observation = standards.record("P01", evening_ms, 3.0, std::nullopt);
    standards.import_csv(t.write("obs.csv", "station,time,new_snow_cm\nS01,2026-01-10 18:00,12\n"
                                            "S02,2026-01-10 18:00,2\n"));
    standards.set_standard(2, 20.0, 7.0);
    auto& db = t.project.database();
    const auto stations = dispatch::read_audit(db, std::string("snow_station"), station);
    BOOST_TEST_REQUIRE(stations.size() == 1U);
    BOOST_TEST(stations[0].action == "snow.station.add");
    BOOST_TEST(stations[0].actor == "sato");
    BOOST_TEST(stations[0].channel == "phone");
    const auto observations = dispatch::read_audit(db, std::string("snow_observation"));
    BOOST_TEST_REQUIRE(observations.size() == 2U);
    BOOST_TEST(observations[0].action == "snow.observation.record");
    BOOST_TEST(observations[0].entity_id == observation);
    BOOST_TEST(observations[1].action == "snow.import");
    BOOST_TEST(observations[1].detail.find("\"count\":2") != std::string::npos);
    const auto districts = dispatch::read_audit(db, std::string("district"), 2);
    BOOST_TEST_REQUIRE(districts.size() == 1U);
    BOOST_TEST(districts[0].action == "district.standard.set");
    const dispatch::AuditCheck check = dispatch::verify_audit(db);
    BOOST_TEST(check.intact);
    BOOST_TEST(check.entries >= 4U);
    // A refused change leaves no entry.
    const std::size_t before = check.entries;
    BOOST_CHECK_THROW(standards.record("P01", evening_ms, 3.0, std::nullopt), Error);
    BOOST_TEST(dispatch::verify_audit(db).entries == before);
}

const std::array<std::pair<const char*, std::int64_t>, 7> observation_times{{
    {"2026-01-10 18:00", evening_ms},
    {"2026-01-10T18:00:00", evening_ms},
    {"2026/1/10 18:00", evening_ms},
    {" 2026-01-10T09:00Z ", evening_ms},
    {"2026-01-10T18:00+09:00", evening_ms},
    {"2026-01-10T10:00:00+0100", evening_ms},
    {"2026-01-10 18:00:30", evening_ms + 30'000},
}};

BOOST_AUTO_TEST_CASE(reads_observation_times_in_japan_time_or_with_a_zone) {
    for (const auto& [text, expected] : observation_times) {
        const auto ms = dispatch::parse_observation_time(text);
        BOOST_TEST_REQUIRE(ms.has_value(), text);
        BOOST_TEST(*ms == expected, text);
    }
}

BOOST_AUTO_TEST_CASE(refuses_what_is_not_an_observation_time) {
    for (const char* text : {"", "18:00", "1768035600", "2026-02-30 10:00", "2026-01-10 24:00",
                             "2026-01-10", "2026-01-10 18:00 JST", "2026-01-10 18:00+9"}) {
        BOOST_TEST(!dispatch::parse_observation_time(text).has_value(), text);
    }
}

BOOST_AUTO_TEST_SUITE_END()

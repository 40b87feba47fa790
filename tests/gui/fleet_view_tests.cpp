#include "ykm/gis/error.hpp"
#include "ykm/gui/fleet_view.hpp"
#include "ykm/gui/launch_options.hpp"
#include "ykm/gui/test_script.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace ykm;
using namespace ykm::gui;
using dispatch::VehicleState;

namespace {

// 2026-11-22 21:05:09 JST, 12:05:09 UTC.
constexpr std::int64_t evening_ms = 1'795'349'109'000;

dispatch::VehicleStatus status(std::int64_t id, std::string code, VehicleState state,
                               std::optional<gis::XY> position = std::nullopt) {
    dispatch::VehicleStatus v;
    v.vehicle.id = id;
    v.vehicle.code = std::move(code);
    v.vehicle.contractor_id = id % 2 == 0 ? 20 : 10;
    v.vehicle.plate = "青森 100 さ " + std::to_string(id);
    v.vehicle.device_id = "demo-00" + std::to_string(id);
    v.state = state;
    v.position = position;
    return v;
}

VehicleMarker marker(std::int64_t id, std::string code, gis::XY position) {
    VehicleMarker m;
    m.id = id;
    m.code = std::move(code);
    m.position = position;
    return m;
}

} // namespace

BOOST_AUTO_TEST_SUITE(fleet_view_tests)

BOOST_AUTO_TEST_CASE(today_starts_at_midnight_in_tokyo) {
    // 21:05 JST on the 22nd: today began at 00:00 JST on the 22nd, 15:00 UTC on the 21st.
    BOOST_TEST(tokyo_midnight_ms(evening_ms) == 1'795'273'200'000);
    // 01:30 JST on the 23rd (16:30 UTC on the 22nd) is already the next day in Tokyo.
    BOOST_TEST(tokyo_midnight_ms(1'795'365'000'000) == 1'795'359'600'000);
    BOOST_TEST(tokyo_midnight_ms(1'795'359'600'000) == 1'795'359'600'000);
    BOOST_TEST(tokyo_midnight_ms(1'795'359'599'999) == 1'795'273'200'000);
}

BOOST_AUTO_TEST_CASE(times_read_in_japan_standard_time) {
    BOOST_TEST(tokyo_time_text(evening_ms) == "21:05:09");
    BOOST_TEST(tokyo_time_text(evening_ms, true) == "2026-11-22 21:05:09");
    BOOST_TEST(tokyo_time_text(1'795'365'000'000, true) == "2026-11-23 01:30:00");
    BOOST_TEST(tokyo_time_text(0, true) == "1970-01-01 09:00:00");
}

BOOST_AUTO_TEST_CASE(ages_read_as_a_clock_and_speeds_in_whole_kilometres_per_hour) {
    BOOST_TEST(elapsed_text(9'400) == "0:09");
    BOOST_TEST(elapsed_text(725'000) == "12:05");
    BOOST_TEST(elapsed_text(10'921'000) == "3:02:01");
    BOOST_TEST(elapsed_text(-5'000) == "0:00");
    BOOST_TEST(speed_kmh_text(10.0) == "36");
    BOOST_TEST(speed_kmh_text(0.1) == "0");
    BOOST_TEST(speed_kmh_text(std::nullopt).empty());
}

BOOST_AUTO_TEST_CASE(counts_vehicles_per_state_in_the_panel_order) {
    const std::vector<dispatch::VehicleStatus> fleet{
        status(1, "D-01", VehicleState::working), status(2, "D-02", VehicleState::working),
        status(3, "G-01", VehicleState::offline), status(4, "T-01", VehicleState::unknown)};
    const std::array<int, 5> counts = count_by_state(fleet);
    BOOST_TEST(counts[0] == 2); // working
    BOOST_TEST(counts[1] == 0); // travelling
    BOOST_TEST(counts[2] == 0); // stopped
    BOOST_TEST(counts[3] == 1); // offline
    BOOST_TEST(counts[4] == 1); // unknown
    BOOST_TEST((parse_vehicle_state("stopped") == VehicleState::stopped));
    BOOST_TEST(!parse_vehicle_state("parked").has_value());
}

BOOST_AUTO_TEST_CASE(filters_by_state_contractor_and_text) {
    const dispatch::VehicleStatus d01 = status(1, "D-01", VehicleState::working);
    VehicleFilter filter;
    BOOST_TEST(matches(d01, filter, "雪国建設"));
    filter.state = VehicleState::offline;
    BOOST_TEST(!matches(d01, filter, "雪国建設"));
    filter.state = VehicleState::working;
    filter.contractor_id = 20;
    BOOST_TEST(!matches(d01, filter, "雪国建設"));
    filter.contractor_id = 10;
    BOOST_TEST(matches(d01, filter, "雪国建設"));
    // Text: code (any case), plate, device id or contractor name.
    for (const char* text : {"d-0", " D-01 ", "さ 1", "DEMO-001", "雪国"}) {
        filter.text = text;
        BOOST_TEST(matches(d01, filter, "雪国建設"), text);
    }
    filter.text = "G-";
    BOOST_TEST(!matches(d01, filter, "雪国建設"));
}

BOOST_AUTO_TEST_CASE(states_differ_in_shape_as_well_as_colour) {
    std::vector<MarkerShape> shapes;
    std::vector<std::uint32_t> colours;
    for (const VehicleState state : all_vehicle_states) {
        const MarkerLook look = marker_look(state);
        shapes.push_back(look.shape);
        colours.push_back(std::uint32_t{look.fill.red} << 16 | std::uint32_t{look.fill.green} << 8 |
                          look.fill.blue);
    }
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        for (std::size_t j = i + 1; j < shapes.size(); ++j) {
            BOOST_TEST((shapes[i] != shapes[j]));
            BOOST_TEST(colours[i] != colours[j]);
        }
    }
    BOOST_TEST((marker_look(VehicleState::unknown).shape == MarkerShape::hollow));
    BOOST_TEST((marker_look(VehicleState::working).fill == gis::Rgb{0x00, 0x9E, 0x73}));
}

BOOST_AUTO_TEST_CASE(markers_are_the_vehicles_with_a_position_and_ring_active_alerts) {
    const std::vector<dispatch::VehicleStatus> fleet{
        status(1, "D-01", VehicleState::working, gis::XY{10.0, 20.0}),
        status(2, "D-02", VehicleState::unknown),
        status(3, "G-01", VehicleState::stopped, gis::XY{30.0, 40.0})};
    dispatch::Alert active;
    active.vehicle_id = 3;
    dispatch::Alert cleared;
    cleared.vehicle_id = 1;
    cleared.cleared_ms = 5;
    const std::vector<dispatch::Alert> alerts{active, cleared};
    const std::vector<VehicleMarker> markers = vehicle_markers(fleet, alerts);
    BOOST_TEST_REQUIRE(markers.size() == 2U);
    BOOST_TEST(markers[0].code == "D-01");
    BOOST_TEST(!markers[0].alert);
    BOOST_TEST(markers[1].code == "G-01");
    BOOST_TEST(markers[1].alert);
}

BOOST_AUTO_TEST_CASE(a_click_hits_the_nearest_marker_within_its_radius) {
    // 1 m per pixel, (0, 0) at pixel (100, 100).
    const gis::MapView view({0.0, 0.0}, 1.0, 200, 200);
    const std::vector<VehicleMarker> markers{marker(1, "A", {0.0, 0.0}),
                                             marker(2, "B", {6.0, 0.0})};
    BOOST_TEST(marker_at(markers, view, {101.0, 100.0}, 10.0).value() == 0U);
    BOOST_TEST(marker_at(markers, view, {105.0, 101.0}, 10.0).value() == 1U);
    BOOST_TEST(!marker_at(markers, view, {100.0, 120.0}, 10.0).has_value());
}

BOOST_AUTO_TEST_CASE(labels_of_crowded_markers_are_left_out_and_the_selected_one_kept) {
    const gis::MapView view({0.0, 0.0}, 1.0, 400, 400);
    const auto width = [](const std::string& code) {
        return 8.0 * static_cast<double>(code.size());
    };
    // Ten vehicles 4 m apart in a row: at 1 m/px their 32 px labels overlap.
    std::vector<VehicleMarker> markers;
    for (int i = 0; i < 10; ++i) {
        markers.push_back(marker(i + 1, "P-0" + std::to_string(i), {4.0 * i, 0.0}));
    }
    const std::vector<std::size_t> crowded =
        labelled_markers(markers, view, width, 12.0, 7.0, std::nullopt, 250);
    // Only the last one's label is clear of the other markers.
    BOOST_TEST(crowded == std::vector<std::size_t>{9}, boost::test_tools::per_element());
    // The selected vehicle's label comes first, wherever it is.
    const std::vector<std::size_t> selected =
        labelled_markers(markers, view, width, 12.0, 7.0, std::int64_t{6}, 250);
    BOOST_TEST(selected.front() == 5U);
    // Spread 100 m apart every label fits; the cap limits them.
    for (std::size_t i = 0; i < markers.size(); ++i) {
        markers[i].position = {-180.0 + 40.0 * static_cast<double>(i),
                               100.0 * static_cast<double>(i % 2)};
    }
    BOOST_TEST(labelled_markers(markers, view, width, 12.0, 7.0, std::nullopt, 250).size() == 10U);
    BOOST_TEST(labelled_markers(markers, view, width, 12.0, 7.0, std::nullopt, 3).size() == 3U);
    // Markers outside the view get none.
    markers[0].position = {5000.0, 0.0};
    BOOST_TEST(labelled_markers(markers, view, width, 12.0, 7.0, std::nullopt, 250).size() == 9U);
}

BOOST_AUTO_TEST_CASE(pass_times_keep_the_directions_with_a_pass) {
    std::vector<dispatch::SegmentCoverage> coverage(3);
    coverage[0] = {7, true, 1'000, 2, data::WorkType::plow, data::Blade::down, 2};
    coverage[1] = {7, false, 0, 0, data::WorkType::unknown, data::Blade::unknown, 0};
    coverage[2] = {8, false, 3'000, 1, data::WorkType::travel, data::Blade::up, 0};
    const auto passes = pass_times(coverage);
    BOOST_TEST(passes->size() == 2U);
    BOOST_TEST(passes->last_pass_ms(7, true).value() == 1'000);
    BOOST_TEST(!passes->last_pass_ms(7, false).has_value());
    BOOST_TEST(passes->last_pass_ms(8, false).value() == 3'000);
}

BOOST_AUTO_TEST_CASE(reads_listen_addresses_and_refuses_what_is_not_one) {
    const auto [host, port] = parse_listen_address(" 127.0.0.1:5055 ");
    BOOST_TEST(host == "127.0.0.1");
    BOOST_TEST(port == 5055);
    BOOST_TEST(parse_listen_address("[::1]:0").first == "::1");
    BOOST_TEST(parse_listen_address("localhost:65535").second == 65535);
    for (const char* bad : {"127.0.0.1", ":5055", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:50x",
                            "::1:5055", "a b:1"}) {
        BOOST_CHECK_THROW((void)parse_listen_address(bad), Error);
    }
    try {
        (void)parse_listen_address("host:port");
        BOOST_FAIL("accepted host:port");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find("'host:port'") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(the_gps_server_listens_where_the_option_or_the_preferences_say) {
    GpsServerChoice preferences;
    auto options = ingest_options(preferences, std::nullopt, false);
    BOOST_TEST_REQUIRE(options.has_value());
    BOOST_TEST(options->http_listen == "127.0.0.1:5055");
    BOOST_TEST(options->nmea_listen.value() == "127.0.0.1:5056");
    // --gps-listen: NMEA on the next port, or any free one with port 0.
    options = ingest_options(preferences, std::string("0.0.0.0:6000"), false);
    BOOST_TEST(options->http_listen == "0.0.0.0:6000");
    BOOST_TEST(options->nmea_listen.value() == "0.0.0.0:6001");
    options = ingest_options(preferences, std::string("127.0.0.1:0"), false);
    BOOST_TEST(options->nmea_listen.value() == "127.0.0.1:0");
    // Off by option or preference; no NMEA with an empty address.
    BOOST_TEST(!ingest_options(preferences, std::string("127.0.0.1:0"), true).has_value());
    preferences.nmea_listen = "";
    BOOST_TEST(!ingest_options(preferences, std::nullopt, false)->nmea_listen.has_value());
    preferences.enabled = false;
    BOOST_TEST(!ingest_options(preferences, std::nullopt, false).has_value());
    // A bad address names the preference.
    preferences.enabled = true;
    preferences.http_listen = "5055";
    try {
        (void)ingest_options(preferences, std::nullopt, false);
        BOOST_FAIL("accepted a port without a host");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find("OsmAnd HTTP address") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(reads_whole_and_decimal_numbers_as_typed) {
    BOOST_TEST(parse_whole_number(" 60 ").value() == 60);
    BOOST_TEST(parse_whole_number("+5").value() == 5);
    BOOST_TEST(parse_whole_number("-3").value() == -3);
    BOOST_TEST(!parse_whole_number("1.5").has_value());
    BOOST_TEST(!parse_whole_number("").has_value());
    BOOST_TEST(!parse_whole_number("60s").has_value());
    BOOST_TEST(parse_decimal("3.5").value() == 3.5);
    BOOST_TEST(parse_decimal(" 2 ").value() == 2.0);
    BOOST_TEST(!parse_decimal("abc").has_value());
    BOOST_TEST(!parse_decimal("1e3").has_value());
    BOOST_TEST(!parse_decimal("3,5").has_value());
}

BOOST_AUTO_TEST_CASE(reads_the_gps_options_of_the_command_line) {
    const std::vector<std::string> args{"--gps-listen", "127.0.0.1:0", "town.ykm"};
    const LaunchOptions options = parse_launch_options(args);
    BOOST_TEST(options.gps_listen.value() == "127.0.0.1:0");
    BOOST_TEST(!options.no_gps_server);
    const std::vector<std::string> off{"--no-gps-server"};
    BOOST_TEST(parse_launch_options(off).no_gps_server);
    const std::vector<std::string> bad{"--gps-listen=5055"};
    BOOST_CHECK_THROW((void)parse_launch_options(bad), Error);
}

BOOST_AUTO_TEST_CASE(reads_the_fleet_steps_of_a_script) {
    const std::vector<ScriptStep> steps =
        parse_script("style:coverage;select_vehicle:D-01;wait_vehicles:3;pane:alerts,show;"
                     "zone_answer:Yard, north,0;draw_zone:1,2,3,4,5,6;fleet_edit:D-01,width,12.5;"
                     "filter_state:offline;follow:off");
    BOOST_TEST_REQUIRE(steps.size() == 9U);
    BOOST_TEST((steps[0].action == ScriptAction::style));
    BOOST_TEST(steps[0].text == "coverage");
    BOOST_TEST(steps[1].text == "D-01");
    BOOST_TEST(steps[2].numbers.at(0) == 3.0);
    BOOST_TEST(steps[3].words == (std::vector<std::string>{"alerts", "show"}),
               boost::test_tools::per_element());
    BOOST_TEST(steps[4].words == (std::vector<std::string>{"Yard, north", "0"}),
               boost::test_tools::per_element());
    BOOST_TEST(steps[5].numbers.size() == 6U);
    BOOST_TEST(steps[6].words == (std::vector<std::string>{"D-01", "width", "12.5"}),
               boost::test_tools::per_element());
    BOOST_TEST((steps[8].action == ScriptAction::follow));
    for (const char* bad : {"style:rainbow", "pane:map,show", "pane:alerts", "filter_state:parked",
                            "fleet_edit:D-01,colour,red", "draw_zone:1,2,3,4",
                            "draw_zone:1,2,3,4,5", "zone_answer:Yard"}) {
        BOOST_CHECK_THROW((void)parse_script(bad), Error);
    }
}

BOOST_AUTO_TEST_SUITE_END()

#include "../data/temp_dir.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <ostream>

using namespace ykm;
using namespace ykm::dispatch;
namespace bdata = boost::unit_test::data;
namespace tt = boost::test_tools;
using ykm::test::TempDir;

namespace {

constexpr std::int64_t now = 1'768'512'600'000; // 2026-01-15T21:30:00Z

const char* const rmc_1 = "$GPRMC,213000.00,A,4049.4760,N,14044.4360,E,10.0,90.0,150126,,,A*5F";
const char* const gga_1 = "$GPGGA,213000.00,4049.4760,N,14044.4360,E,1,08,1.2,15.5,M,30.1,M,,*5C";
const char* const rmc_2 = "$GPRMC,213001.00,A,4049.4800,N,14044.4400,E,10.0,90.0,150126,,,A*56";
const char* const gga_2 = "$GPGGA,213001.00,4049.4800,N,14044.4400,E,1,08,1.2,15.6,M,30.1,M,,*56";

/// One table row: an input and what it must give; printed by its input when it fails.
template <typename Expected>
struct Case {
    std::string input;
    Expected expected;
    friend std::ostream& operator<<(std::ostream& out, const Case& c) {
        return out << "input '" << c.input << "'";
    }
};

std::string error_of(const ParsedFix& p) {
    return p.fix ? std::string("(parsed)") : p.error;
}

std::filesystem::path write_file(const TempDir& dir, const std::string& name,
                                 const std::string& text) {
    const auto path = dir / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

std::string read_error(const std::filesystem::path& file, const std::string& device = {}) {
    try {
        read_track_file(file, device);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no ykm::Error thrown)";
}

} // namespace

BOOST_AUTO_TEST_SUITE(position_input_tests)

// --- times ----------------------------------------------------------------------------------

const std::vector<Case<std::int64_t>> time_cases{
    {"1767225600", 1'767'225'600'000},
    {"1767225600.25", 1'767'225'600'250},
    {"1767225600123", 1'767'225'600'123},
    {"2026-01-01T00:00:00Z", 1'767'225'600'000},
    {"2026-01-01T09:00:00+09:00", 1'767'225'600'000},
    {"2026-01-01T09:00:00.5+0900", 1'767'225'600'500},
    {"2025-12-31 15:00:00-09", 1'767'225'600'000},
    {"2026-01-15T21:30:00.250Z", 1'768'512'600'250},
    {"2024-02-29T00:00:00Z", 1'709'164'800'000},
};

BOOST_DATA_TEST_CASE(parses_unix_and_iso_times, bdata::make(time_cases), text_and_ms) {
    BOOST_TEST(parse_time_ms(text_and_ms.input).value_or(-1) == text_and_ms.expected);
}

BOOST_AUTO_TEST_CASE(refuses_times_that_are_not_times) {
    for (const char* bad : {"", "yesterday", "2026-01-01T00:00:00", "2026-02-30T00:00:00Z",
                            "2026-01-01T25:00:00Z", "12:00", "-5", "1e9", "2026-01-01T00:00:00+9",
                            "99999999999999999999", "2026-01-01T00:00:00Zjunk"}) {
        BOOST_TEST(!parse_time_ms(bad).has_value(), bad);
    }
}

BOOST_AUTO_TEST_CASE(formats_utc_times_with_milliseconds_when_present) {
    BOOST_TEST(format_time_utc(1'768'512'600'000) == "2026-01-15T21:30:00Z");
    BOOST_TEST(format_time_utc(1'768'512'600'250) == "2026-01-15T21:30:00.250Z");
    BOOST_TEST(format_time_utc(946'684'799'000) == "1999-12-31T23:59:59Z");
}

// --- OsmAnd form ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(parses_every_osmand_field) {
    const auto p = parse_osmand_form("id=D12&lat=40.8246&lon=140.7406&timestamp=1767225600&"
                                     "speed=10&bearing=90.5&altitude=12.5&accuracy=4&batt=87&"
                                     "work=plow&blade=down",
                                     now);
    BOOST_REQUIRE_MESSAGE(p.fix, p.error);
    const data::Fix& f = p.fix->fix;
    BOOST_TEST(p.fix->device_id == "D12");
    BOOST_TEST(f.vehicle_id == 0);
    BOOST_TEST(f.position.lat_deg == 40.8246);
    BOOST_TEST(f.position.lon_deg == 140.7406);
    BOOST_TEST(f.time_ms == 1'767'225'600'000);
    BOOST_TEST(*f.speed_mps == 5.144444, tt::tolerance(1e-6)); // 10 knots
    BOOST_TEST(*f.bearing_deg == 90.5);
    BOOST_TEST(*f.altitude_m == 12.5);
    BOOST_TEST(*f.accuracy_m == 4.0);
    BOOST_TEST(*f.battery_pct == 87);
    BOOST_TEST(data::key(f.work) == "plow");
    BOOST_TEST(static_cast<int>(f.blade) == static_cast<int>(data::Blade::down));
    BOOST_TEST(f.flags == 0);
}

BOOST_AUTO_TEST_CASE(decodes_percent_escapes_and_plus) {
    const auto p = parse_osmand_form("id=%E9%99%A4%E9%9B%AA+1&lat=%2B40.5&lon=140.5", now);
    BOOST_REQUIRE_MESSAGE(p.fix, p.error);
    BOOST_TEST(p.fix->device_id == "除雪 1");
    BOOST_TEST(p.fix->fix.position.lat_deg == 40.5);
}

BOOST_AUTO_TEST_CASE(fills_a_missing_timestamp_with_now_and_leaves_optionals_empty) {
    const auto p = parse_osmand_form("lat=40.5&lon=140.5&id=A", now);
    BOOST_REQUIRE(p.fix);
    BOOST_TEST(p.fix->fix.time_ms == now);
    BOOST_TEST(!p.fix->fix.speed_mps.has_value());
    BOOST_TEST(!p.fix->fix.battery_pct.has_value());
    BOOST_TEST(data::key(p.fix->fix.work) == "unknown");
}

BOOST_AUTO_TEST_CASE(takes_negative_speed_bearing_and_accuracy_as_unknown) {
    const auto p =
        parse_osmand_form("id=A&lat=40.5&lon=140.5&speed=-1&bearing=-1&accuracy=-1", now);
    BOOST_REQUIRE(p.fix);
    BOOST_TEST(!p.fix->fix.speed_mps.has_value());
    BOOST_TEST(!p.fix->fix.bearing_deg.has_value());
    BOOST_TEST(!p.fix->fix.accuracy_m.has_value());
}

BOOST_AUTO_TEST_CASE(accepts_deviceid_heading_location_and_ignores_unknown_keys) {
    const auto p = parse_osmand_form(
        "deviceid=B7&location=40.25,140.75&heading=360&valid=true&hdop=0.9&charge=true", now);
    BOOST_REQUIRE_MESSAGE(p.fix, p.error);
    BOOST_TEST(p.fix->device_id == "B7");
    BOOST_TEST(p.fix->fix.position.lat_deg == 40.25);
    BOOST_TEST(p.fix->fix.position.lon_deg == 140.75);
    BOOST_TEST(*p.fix->fix.bearing_deg == 0.0);
}

BOOST_AUTO_TEST_CASE(accepts_a_key_repeated_with_the_same_value) {
    const auto p = parse_osmand_form("id=A&lat=40.5&lat=40.5&lon=140.5", now);
    BOOST_TEST(p.fix.has_value());
}

const std::vector<Case<std::string>> form_errors{
    {"lat=40&lon=140", "id: missing"},
    {"id=A&lon=140", "lat: missing"},
    {"id=A&lat=40", "lon: missing"},
    {"", "id: missing"},
    {"&&&=&", "id: missing"},
    {"id=&lat=40&lon=140", "id: is empty"},
    {"id=%0Aevil&lat=40&lon=140", "id: has control characters"},
    {"id=A&lat=91.5&lon=140", "lat: '91.5' is outside -90..90"},
    {"id=A&lat=40&lon=-180.5", "lon: '-180.5' is outside -180..180"},
    {"id=A&lat=abc&lon=140", "lat: 'abc' is not a number"},
    {"id=A&lat=40.5.5&lon=140", "lat: '40.5.5' is not a number"},
    {"id=A&lat=&lon=140", "lat: missing"},
    {"id=A&lat=nan&lon=140", "lat: 'nan' is not a finite number"},
    {"id=A&lat=inf&lon=140", "lat: 'inf' is not a finite number"},
    {"id=A&lat=1e999&lon=140", "lat: '1e999' is not a finite number"},
    {"id=A&lat=40&lon=140&speed=1e300", "speed: '1e300' is above 583 knots"},
    {"id=A&lat=40&lon=140&bearing=400", "bearing: '400' is outside 0..360"},
    {"id=A&lat=40&lon=140&altitude=99999", "altitude: '99999' is outside -1000..20000 m"},
    {"id=A&lat=40&lon=140&batt=150", "batt: '150' is outside 0..100"},
    {"id=A&lat=40&lon=140&timestamp=yesterday",
     "timestamp: 'yesterday' is not a time (Unix seconds, milliseconds or ISO 8601)"},
    {"id=A&lat=40&lon=140&timestamp=2026-01-01T00:00:00",
     "timestamp: '2026-01-01T00:00:00' has no time zone (add Z or +09:00)"},
    {"id=A&lat=40&lon=140&timestamp=2026-02-30T00:00:00Z",
     "timestamp: '2026-02-30T00:00:00Z' is not a valid date and time"},
    {"id=A&lat=40&lon=140&timestamp=99999999999999999999",
     "timestamp: '99999999999999999999' is too large for a time"},
    {"id=A&lat=40&lat=41&lon=140", "lat: given twice ('40' and '41')"},
    {"id=A&id=B&lat=40&lon=140", "id: given twice ('A' and 'B')"},
    {"id=A&lat=4%zz&lon=140", "bad %-escape in 'lat=4%zz'"},
    {"id=A&lat=40&lon=140%", "bad %-escape in 'lon=140%'"},
    {"id=A&lat=40&lon=140%4", "bad %-escape in 'lon=140%4'"},
    {"id=A&lat=40&lon=140&work=dig",
     "work: 'dig' is not one of plow, grade, widen, haul, spread, travel"},
    {"id=A&lat=40&lon=140&blade=sideways", "blade: 'sideways' is not up or down"},
    {"id=A&location=40", "location: '40' is not LAT,LON"},
};

BOOST_DATA_TEST_CASE(refuses_bad_forms_naming_the_field, bdata::make(form_errors), form_error) {
    BOOST_TEST(error_of(parse_osmand_form(form_error.input, now)) == form_error.expected);
}

BOOST_AUTO_TEST_CASE(cuts_long_values_in_messages) {
    const std::string form = "id=A&lat=" + std::string(100, '9') + "&lon=140";
    BOOST_TEST(error_of(parse_osmand_form(form, now)) ==
               "lat: '" + std::string(40, '9') + "...' is outside -90..90");
}

BOOST_AUTO_TEST_CASE(survives_hostile_forms) {
    BOOST_TEST(error_of(parse_osmand_form(std::string(100'000, 'a'), now)) == "id: missing");
    BOOST_TEST(error_of(parse_osmand_form(std::string(10'000, '&'), now)) == "id: missing");
    BOOST_TEST(error_of(parse_osmand_form(std::string(5'000, '%'), now)) ==
               "bad %-escape in '" + std::string(40, '%') + "...'");
    const std::string binary("id=\0\xff\x01&lat=40&lon=140", 21);
    BOOST_TEST(error_of(parse_osmand_form(binary, now)) == "id: has control characters");
}

// --- OsmAnd JSON ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(parses_a_traccar_client_json_body) {
    const auto p = parse_osmand_json(R"({"location": {"timestamp": "2026-01-15T21:30:00.250Z",
        "coords": {"latitude": 40.8246, "longitude": 140.7406, "speed": 3.5, "heading": 180,
                   "altitude": 12.5, "accuracy": 4.2},
        "is_moving": true, "odometer": 1234,
        "battery": {"level": 0.8, "is_charging": false},
        "activity": {"type": "in_vehicle"},
        "extras": {"work": "grade", "blade": "up"}},
        "device_id": "D12"})",
                                     now);
    BOOST_REQUIRE_MESSAGE(p.fix, p.error);
    const data::Fix& f = p.fix->fix;
    BOOST_TEST(p.fix->device_id == "D12");
    BOOST_TEST(f.time_ms == 1'768'512'600'250);
    BOOST_TEST(f.position.lat_deg == 40.8246);
    BOOST_TEST(f.position.lon_deg == 140.7406);
    BOOST_TEST(*f.speed_mps == 3.5);
    BOOST_TEST(*f.bearing_deg == 180.0);
    BOOST_TEST(*f.altitude_m == 12.5);
    BOOST_TEST(*f.accuracy_m == 4.2);
    BOOST_TEST(*f.battery_pct == 80);
    BOOST_TEST(data::key(f.work) == "grade");
    BOOST_TEST(static_cast<int>(f.blade) == static_cast<int>(data::Blade::up));
}

BOOST_AUTO_TEST_CASE(accepts_json_numbers_as_text_and_unknown_battery) {
    const auto p = parse_osmand_json(
        R"({"device_id": 42, "location": {"timestamp": 1767225600000,
            "coords": {"latitude": "40.5", "longitude": 140.5, "speed": -1},
            "battery": {"level": -1}}})",
        now);
    BOOST_REQUIRE_MESSAGE(p.fix, p.error);
    BOOST_TEST(p.fix->device_id == "42");
    BOOST_TEST(p.fix->fix.time_ms == 1'767'225'600'000);
    BOOST_TEST(p.fix->fix.position.lat_deg == 40.5);
    BOOST_TEST(!p.fix->fix.speed_mps.has_value());
    BOOST_TEST(!p.fix->fix.battery_pct.has_value());
}

const std::vector<Case<std::string>> json_errors{
    {"not json", "body: not valid JSON"},
    {"", "body: not valid JSON"},
    {R"({"location": )", "body: not valid JSON"},
    {"[]", "body: not a JSON object"},
    {R"({"device_id": "A"})", "location: missing"},
    {R"({"device_id": "A", "location": [{}, {}]})",
     "location: a batch of 2 locations; send one per request"},
    {R"({"device_id": "A", "location": 5})", "location: not an object"},
    {R"({"device_id": "A", "location": {}})", "location.coords: missing"},
    {R"({"location": {"coords": {"latitude": 40, "longitude": 140}}})", "device_id: missing"},
    {R"({"device_id": "A", "location": {"coords": {"longitude": 140}}})",
     "location.coords.latitude: missing"},
    {R"({"device_id": "A", "location": {"coords": {"latitude": "abc", "longitude": 140}}})",
     "location.coords.latitude: 'abc' is not a number"},
    {R"({"device_id": "A", "location": {"coords": {"latitude": 95, "longitude": 140}}})",
     "location.coords.latitude: '95' is outside -90..90"},
    {R"({"device_id": "A", "location": {"coords": {"latitude": true, "longitude": 140}}})",
     "location.coords.latitude: 'true' is not a number or text"},
    {R"({"device_id": "A", "location": {"coords": {"latitude": 1e999, "longitude": 140}}})",
     "body: not valid JSON"},
    {R"({"device_id": "A", "location": {"timestamp": "soon", "coords": {"latitude": 40,
        "longitude": 140}}})",
     "location.timestamp: 'soon' is not a time (Unix seconds, milliseconds or ISO 8601)"},
    {R"({"device_id": "A", "location": {"coords": {"latitude": 40, "longitude": 140},
        "battery": {"level": 3}}})",
     "location.battery.level: '3' is outside 0..1"},
    {R"({"device_id": "A", "location": {"coords": {"latitude": 40, "longitude": 140},
        "extras": {"work": "dig"}}})",
     "location.extras.work: 'dig' is not one of plow, grade, widen, haul, spread, travel"},
};

BOOST_DATA_TEST_CASE(refuses_bad_json_naming_the_field, bdata::make(json_errors), json_error) {
    BOOST_TEST(error_of(parse_osmand_json(json_error.input, now)) == json_error.expected);
}

BOOST_AUTO_TEST_CASE(refuses_deeply_nested_json_without_recursing) {
    const std::string deep = std::string(30'000, '[') + std::string(30'000, ']');
    BOOST_TEST(error_of(parse_osmand_json(deep, now)) == "body: JSON nested deeper than 16 levels");
}

// --- NMEA -------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(joins_rmc_and_gga_of_the_same_time) {
    NmeaReader reader("D12");
    auto r = reader.line(rmc_1);
    BOOST_TEST(r.error == "");
    BOOST_TEST(r.fixes.size() == 0U);
    r = reader.line(std::string(gga_1) + "\r\n");
    BOOST_TEST(r.error == "");
    BOOST_REQUIRE(r.fixes.size() == 1U);
    const data::Fix& f = r.fixes[0].fix;
    BOOST_TEST(r.fixes[0].device_id == "D12");
    BOOST_TEST(f.time_ms == 1'768'512'600'000);
    BOOST_TEST(f.position.lat_deg == 40.8246, tt::tolerance(1e-9));
    BOOST_TEST(f.position.lon_deg == 140.7406, tt::tolerance(1e-9));
    BOOST_TEST(*f.speed_mps == 5.144444, tt::tolerance(1e-6));
    BOOST_TEST(*f.bearing_deg == 90.0);
    BOOST_TEST(*f.altitude_m == 15.5);
    BOOST_TEST(*f.accuracy_m == 6.0, tt::tolerance(1e-9)); // HDOP 1.2 x 5 m
    BOOST_TEST(reader.finish().size() == 0U);
}

BOOST_AUTO_TEST_CASE(completes_an_rmc_alone_when_the_next_time_arrives) {
    NmeaReader reader("D12");
    BOOST_TEST(reader.line(rmc_1).fixes.size() == 0U);
    const auto r = reader.line(rmc_2);
    BOOST_REQUIRE(r.fixes.size() == 1U);
    BOOST_TEST(r.fixes[0].fix.time_ms == 1'768'512'600'000);
    BOOST_TEST(!r.fixes[0].fix.altitude_m.has_value());
    const auto rest = reader.finish();
    BOOST_REQUIRE(rest.size() == 1U);
    BOOST_TEST(rest[0].fix.time_ms == 1'768'512'601'000);
}

BOOST_AUTO_TEST_CASE(joins_a_gga_followed_by_its_rmc) {
    NmeaReader reader("D12");
    reader.line(rmc_1);
    reader.line(gga_1);
    BOOST_TEST(reader.line(gga_2).fixes.size() == 0U);
    const auto r = reader.line(rmc_2);
    BOOST_REQUIRE(r.fixes.size() == 1U);
    BOOST_TEST(r.fixes[0].fix.time_ms == 1'768'512'601'000);
    BOOST_TEST(*r.fixes[0].fix.altitude_m == 15.6);
    BOOST_TEST(*r.fixes[0].fix.speed_mps == 5.144444, tt::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(dates_a_gga_after_midnight_on_the_next_day) {
    NmeaReader reader("D12");
    reader.line("$GPRMC,235959.00,A,4049.4760,N,14044.4360,E,10.0,90.0,150126,,,A*5E");
    const auto r =
        reader.line("$GPGGA,000001.00,4049.4760,N,14044.4360,E,1,08,1.2,15.5,M,30.1,M,,*5D");
    BOOST_REQUIRE(r.fixes.size() == 1U);
    BOOST_TEST(r.fixes[0].fix.time_ms == 1'768'521'599'000); // 2026-01-15T23:59:59Z
    const auto rest = reader.finish();
    BOOST_REQUIRE(rest.size() == 1U);
    BOOST_TEST(rest[0].fix.time_ms == 1'768'521'601'000); // 2026-01-16T00:00:01Z
}

BOOST_AUTO_TEST_CASE(reads_southern_and_western_positions_and_other_talkers) {
    NmeaReader reader("X");
    reader.line("$GPRMC,213000.00,A,3330.0000,S,07030.0000,W,0.0,,150126,,,A*79");
    auto rest = reader.finish();
    BOOST_REQUIRE(rest.size() == 1U);
    BOOST_TEST(rest[0].fix.position.lat_deg == -33.5);
    BOOST_TEST(rest[0].fix.position.lon_deg == -70.5);
    BOOST_TEST(!rest[0].fix.bearing_deg.has_value());
    reader.line("$GNRMC,213000.00,A,4049.4760,N,14044.4360,E,10.0,90.0,150126,,,A*41");
    BOOST_TEST(reader.finish().size() == 1U);
}

BOOST_AUTO_TEST_CASE(names_the_device_with_pykm_or_a_first_bare_line) {
    NmeaReader bare;
    BOOST_TEST(bare.line("D-7").error == "");
    BOOST_TEST(bare.device_id() == "D-7");
    bare.line(rmc_1);
    BOOST_TEST(bare.finish().at(0).device_id == "D-7");

    NmeaReader pykm;
    BOOST_TEST(pykm.line("$PYKM,D-12,plow,down*5F").error == "");
    BOOST_TEST(pykm.device_id() == "D-12");
    pykm.line(rmc_1);
    const auto fixes = pykm.finish();
    BOOST_REQUIRE(fixes.size() == 1U);
    BOOST_TEST(fixes[0].device_id == "D-12");
    BOOST_TEST(data::key(fixes[0].fix.work) == "plow");
    BOOST_TEST(static_cast<int>(fixes[0].fix.blade) == static_cast<int>(data::Blade::down));
}

BOOST_AUTO_TEST_CASE(refuses_fixes_before_a_device_is_named) {
    NmeaReader reader;
    const auto r = reader.line(rmc_1);
    BOOST_TEST(r.error == "no device id yet: send $PYKM,<id>*CS or the id alone on the first line");
    BOOST_TEST(reader.finish().size() == 0U);
}

BOOST_AUTO_TEST_CASE(reports_no_fix_sentences_as_no_fix) {
    NmeaReader reader("D12");
    auto r = reader.line("$GPRMC,213002.00,V,,,,,,,150126,,,N*7E");
    BOOST_TEST(r.error == "RMC status V (no fix)");
    BOOST_TEST(r.no_fix);
    r = reader.line("$GPGGA,213002.00,,,,,0,00,99.9,,M,,M,,*5D");
    BOOST_TEST(r.error == "GGA fix quality 0 (no fix)");
    BOOST_TEST(r.no_fix);
    BOOST_TEST(reader.finish().size() == 0U);
}

const std::vector<Case<std::string>> nmea_errors{
    {"$GPRMC,213000.00,A,4049.4760,N,14044.4360,E,10.0,90.0,150126,,,A*4B",
     "bad checksum: *4B expected *5F"},
    {"$GPRMC,213000.00,A,4049.4760,N,14044.4360,E,10.0,90.0,150126,,,A",
     "no checksum: '$GPRMC,213000.00,A,4049.4760,N,14044.436...'"},
    {"$GPRMC,2130", "no checksum: '$GPRMC,2130'"},
    {"$GPRMC,213000.00,A*24", "RMC: only 3 fields"},
    {"$GPGGA,213000.00,4049.4760,N,14044.4360,E,1,08,1.2,99999,M,30.1,M,,*7A",
     "GGA altitude: '99999' is outside -1000..20000 m"},
    {"$GPRMC*ZZ", "bad checksum field '*ZZ'"},
    {"$GPRMC,213000.00,A,4099.0000,N,14044.4360,E,10.0,90.0,150126,,,A*57",
     "RMC latitude: '4099.0000,N' is not ddmm.mmmm,N|S"},
    {"$GPRMC,213000.00,A,4049.4760,N,14044.4360,E,10.0,90.0,310226,,,A*5A",
     "RMC date: '310226' is not ddmmyy"},
    {"hello world", "not an NMEA sentence: 'hello world'"},
    {std::string("\x01\x02\xff garbage", 11), "not an NMEA sentence: '??\xff garbage'"},
};

BOOST_DATA_TEST_CASE(refuses_bad_sentences_with_the_reason, bdata::make(nmea_errors), bad) {
    NmeaReader reader("D12");
    reader.line("$GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00*74");
    const auto r = reader.line(bad.input);
    BOOST_TEST(r.error == bad.expected);
    BOOST_TEST(!r.no_fix);
    BOOST_TEST(r.fixes.size() == 0U);
}

BOOST_AUTO_TEST_CASE(ignores_sentences_a_fix_does_not_need) {
    NmeaReader reader("D12");
    const auto r =
        reader.line("$GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00*74");
    BOOST_TEST(r.error == "");
    BOOST_TEST(r.fixes.size() == 0U);
    BOOST_TEST(reader.line("").error == "");
}

// --- files ------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(reads_gpx_track_points) {
    TempDir dir;
    const auto gpx = write_file(dir, "track.gpx", R"(<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"
     xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v2">
  <wpt lat="10" lon="10"><name>not a track point</name></wpt>
  <trk><name>夜間除雪</name><trkseg>
    <trkpt lat="40.8246" lon="140.7406"><ele>12.5</ele><time>2026-01-15T21:30:00Z</time></trkpt>
    <trkpt lat="40.8250" lon="140.7410">
      <time>2026-01-15T21:30:05.5Z</time>
      <extensions><gpxtpx:TrackPointExtension><gpxtpx:speed>4.5</gpxtpx:speed>
        <gpxtpx:course>270</gpxtpx:course></gpxtpx:TrackPointExtension></extensions>
    </trkpt>
  </trkseg></trk>
</gpx>
)");
    const auto fixes = read_track_file(gpx, "D12");
    BOOST_REQUIRE(fixes.size() == 2U);
    BOOST_TEST(fixes[0].device_id == "D12");
    BOOST_TEST(fixes[0].fix.position.lat_deg == 40.8246);
    BOOST_TEST(fixes[0].fix.time_ms == 1'768'512'600'000);
    BOOST_TEST(*fixes[0].fix.altitude_m == 12.5);
    BOOST_TEST(fixes[1].fix.time_ms == 1'768'512'605'500);
    BOOST_TEST(*fixes[1].fix.speed_mps == 4.5);
    BOOST_TEST(*fixes[1].fix.bearing_deg == 270.0);
}

BOOST_AUTO_TEST_CASE(refuses_bad_gpx_naming_file_and_line) {
    TempDir dir;
    const auto no_time = write_file(dir, "no_time.gpx",
                                    "<gpx>\n<trk><trkseg>\n<trkpt lat=\"40\" lon=\"140\">\n"
                                    "</trkpt></trkseg></trk></gpx>\n");
    BOOST_TEST(read_error(no_time, "D") == no_time.string() + ":4: trkpt without <time>");
    const auto bad_lat = write_file(dir, "bad_lat.gpx",
                                    "<gpx><trk><trkseg>\n\n<trkpt lat=\"95\" lon=\"140\">"
                                    "<time>2026-01-15T21:30:00Z</time></trkpt>"
                                    "</trkseg></trk></gpx>\n");
    BOOST_TEST(read_error(bad_lat, "D") == bad_lat.string() + ":3: lat: '95' is outside -90..90");
    const auto truncated = write_file(dir, "truncated.gpx", "<gpx><trk><trkseg>\n<trkpt lat=");
    BOOST_TEST(read_error(truncated, "D") == truncated.string() + ":2: XML: unclosed token");
    const auto empty = write_file(dir, "empty.gpx", "");
    BOOST_TEST(read_error(empty, "D") == empty.string() + ":1: XML: no element found");
    BOOST_TEST(read_error(no_time) ==
               no_time.string() + ": a GPX file names no device; give one (--device)");
}

BOOST_AUTO_TEST_CASE(reads_an_nmea_log_skipping_no_fix_sentences) {
    TempDir dir;
    const auto log =
        write_file(dir, "unit.nmea",
                   std::string("D-9\r\n") + rmc_1 + "\r\n" + gga_1 +
                       "\r\n$GPRMC,213002.00,V,,,,,,,150126,,,N*7E\r\n" + rmc_2 + "\r\n");
    const auto fixes = read_track_file(log, "");
    BOOST_REQUIRE(fixes.size() == 2U);
    BOOST_TEST(fixes[0].device_id == "D-9");
    BOOST_TEST(*fixes[0].fix.altitude_m == 15.5);
    BOOST_TEST(fixes[1].fix.time_ms == 1'768'512'601'000);
}

BOOST_AUTO_TEST_CASE(refuses_a_corrupt_nmea_log_naming_the_line) {
    TempDir dir;
    const auto log =
        write_file(dir, "bad.log",
                   std::string(rmc_1) + "\n" + gga_1 + "\n" +
                       "$GPRMC,213001.00,A,4049.4800,N,14044.4400,E,10.0,90.0,150126,,,A*00\n");
    BOOST_TEST(read_error(log, "D12") == log.string() + ":3: bad checksum: *00 expected *56");
    BOOST_TEST(read_error(log) ==
               log.string() +
                   ":1: no device id yet: send $PYKM,<id>*CS or the id alone on the first line");
}

BOOST_AUTO_TEST_CASE(reads_csv_with_any_column_order_and_extra_columns) {
    TempDir dir;
    const auto csv =
        write_file(dir, "export.csv",
                   "\xEF\xBB\xBF"
                   "Time,Lat,Lon,Device,speed_kmh,note,work,blade,Accuracy\n"
                   "2026-01-15T21:30:00Z,40.8246,140.7406,D12,36,\"a, b\",plow,down,5\n"
                   "\n"
                   "1768512605,40.8250,140.7410,,,,,,\n");
    const auto fixes = read_track_file(csv, "FALLBACK");
    BOOST_REQUIRE(fixes.size() == 2U);
    BOOST_TEST(fixes[0].device_id == "D12");
    BOOST_TEST(fixes[0].fix.time_ms == 1'768'512'600'000);
    BOOST_TEST(*fixes[0].fix.speed_mps == 10.0, tt::tolerance(1e-12));
    BOOST_TEST(data::key(fixes[0].fix.work) == "plow");
    BOOST_TEST(*fixes[0].fix.accuracy_m == 5.0);
    BOOST_TEST(fixes[1].device_id == "FALLBACK");
    BOOST_TEST(fixes[1].fix.time_ms == 1'768'512'605'000);
    BOOST_TEST(!fixes[1].fix.speed_mps.has_value());
}

BOOST_AUTO_TEST_CASE(reads_a_bare_csv_speed_as_metres_per_second) {
    TempDir dir;
    const auto csv =
        write_file(dir, "s.csv", "id,timestamp,lat,lon,speed\nA,1768512600000,40.5,140.5,7.5\n");
    BOOST_TEST(*read_track_file(csv, "").at(0).fix.speed_mps == 7.5);
}

BOOST_AUTO_TEST_CASE(refuses_bad_csv_naming_file_and_line) {
    TempDir dir;
    const auto bad_lat = write_file(dir, "bad_lat.csv",
                                    "device,time,lat,lon\nA,2026-01-15T21:30:00Z,40.5,140.5\n"
                                    "A,2026-01-15T21:30:01Z,abc,140.5\n");
    BOOST_TEST(read_error(bad_lat) == bad_lat.string() + ":3: lat: 'abc' is not a number");
    const auto short_row =
        write_file(dir, "short.csv", "device,time,lat,lon\nA,2026-01-15T21:30:00Z,40.5\n");
    BOOST_TEST(read_error(short_row) == short_row.string() + ":2: 3 fields, the header has 4");
    const auto no_lat = write_file(dir, "no_lat.csv", "device,time,lon\n");
    BOOST_TEST(read_error(no_lat) == no_lat.string() + ":1: the header has no column lat");
    const auto no_device = write_file(dir, "no_device.csv", "time,lat,lon\n");
    BOOST_TEST(read_error(no_device) ==
               no_device.string() + ":1: the header has no device column (device_id, device or "
                                    "id) and no device was given");
    const auto quote =
        write_file(dir, "quote.csv", "device,time,lat,lon\n\"A,2026-01-15T21:30:00Z,40.5,140\n");
    BOOST_TEST(read_error(quote) == quote.string() + ":2: unterminated quote");
    const auto empty = write_file(dir, "empty.csv", "");
    BOOST_TEST(read_error(empty) == empty.string() + ": empty CSV file (no header)");
    const auto local_time =
        write_file(dir, "local.csv", "device,time,lat,lon\nA,2026-01-15 21:30:00,40.5,140\n");
    BOOST_TEST(read_error(local_time) ==
               local_time.string() +
                   ":2: time: '2026-01-15 21:30:00' has no time zone (add Z or +09:00)");
}

BOOST_AUTO_TEST_CASE(refuses_unknown_extensions_and_missing_files) {
    TempDir dir;
    const auto kml = write_file(dir, "track.kml", "<kml/>");
    BOOST_TEST(read_error(kml, "D") ==
               kml.string() +
                   ": unknown track format '.kml' (use .gpx, .nmea, .nma, .log, .txt or .csv)");
    BOOST_TEST(read_error(dir / "none.csv", "D") == (dir / "none.csv").string() + ": cannot open");
}

BOOST_AUTO_TEST_SUITE_END()

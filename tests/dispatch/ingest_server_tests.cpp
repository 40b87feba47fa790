#include "../data/temp_dir.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/data/project.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/dispatch/ingest_server.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/gis/error.hpp"

// Before Asio: Boost 1.74's awaitable.hpp uses std::exchange without including it.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <thread>

using namespace ykm;
using namespace ykm::dispatch;
using ykm::test::TempDir;
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// A demo town with contractor TST and vehicles T-D12 (device D12), T-G3 (device G3) and T-N1
/// (no GPS), and a running server on free loopback ports.
struct ServerFixture {
    TempDir dir;
    std::filesystem::path project = dir / "town.ykm";
    std::int64_t d12 = 0;
    std::int64_t g3 = 0;
    std::int64_t device_count = 0; ///< vehicles with a device id, the demo town's too
    // Inside the demo town (lon 140.655..140.683, lat 40.620..40.637).
    double lat = 40.628;
    double lon = 140.668;
    // Whole seconds an hour ago: recent enough for the validator, stable for comparisons.
    std::int64_t t0 = (now_ms() - 3'600'000) / 1000 * 1000;
    std::mutex mutex;
    std::vector<std::string> log_lines;
    std::vector<data::Fix> durable;
    std::unique_ptr<IngestServer> server;

    explicit ServerFixture(const std::function<void(IngestOptions&)>& tweak = {}) {
        {
            auto p = data::Project::create(project, gis::Epsg{6678});
            data::write_demo_town(p, data::generate_demo_town(1, data::TownSize::small));
            // The demo town may bring its own fleet; these codes and device ids are the tests'.
            p.database().exec(
                "INSERT INTO contractors (code, name) VALUES ('TST', '雪国建設');"
                "INSERT INTO vehicles (code, machine_type, plow_width_m, contractor_id, device_id)"
                " SELECT 'T-D12', 'plow_truck', 3.0, id, 'D12' FROM contractors WHERE code = 'TST'"
                " UNION ALL SELECT 'T-G3', 'motor_grader', 3.7, id, 'G3' FROM contractors WHERE"
                " code = 'TST' UNION ALL SELECT 'T-N1', 'plow_truck', 3.0, id, NULL FROM"
                " contractors WHERE code = 'TST'");
            data::Statement count(p.database(), "SELECT count(*) FROM vehicles WHERE device_id "
                                                "IS NOT NULL AND device_id <> ''");
            BOOST_REQUIRE(count.step());
            device_count = count.column_int64(0);
            d12 = vehicle_id(p.database(), "T-D12");
            g3 = vehicle_id(p.database(), "T-G3");
        }
        IngestOptions options;
        options.http_listen = "127.0.0.1:0";
        options.nmea_listen = "127.0.0.1:0";
        if (tweak) {
            tweak(options);
        }
        server = std::make_unique<IngestServer>(
            project, options,
            [this](std::span<const data::Fix> fixes) {
                std::lock_guard lock(mutex);
                durable.insert(durable.end(), fixes.begin(), fixes.end());
            },
            [this](const std::string& line) {
                std::lock_guard lock(mutex);
                log_lines.push_back(line);
            });
        server->start();
    }

    static std::int64_t vehicle_id(data::Database& db, const std::string& code) {
        data::Statement q(db, "SELECT id FROM vehicles WHERE code = ?");
        q.bind(1, code);
        BOOST_REQUIRE(q.step());
        return q.column_int64(0);
    }

    std::vector<data::Fix> stored(std::int64_t vehicle) {
        data::Database db(project, data::OpenMode::read_only);
        data::SeasonLog log(db);
        return log.fixes(vehicle, 0, std::numeric_limits<std::int64_t>::max());
    }

    /// Polls the season log (NMEA has no acknowledgement to wait for).
    std::vector<data::Fix> stored_eventually(std::int64_t vehicle, std::size_t count) {
        for (int i = 0; i < 500; ++i) {
            auto fixes = stored(vehicle);
            if (fixes.size() >= count) {
                return fixes;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return stored(vehicle);
    }

    std::size_t durable_count() {
        std::lock_guard lock(mutex);
        return durable.size();
    }

    bool logged(const std::string& text) {
        for (int i = 0; i < 500; ++i) {
            {
                std::lock_guard lock(mutex);
                for (const auto& line : log_lines) {
                    if (line.find(text) != std::string::npos) {
                        return true;
                    }
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        std::lock_guard lock(mutex);
        for (const auto& line : log_lines) {
            BOOST_TEST_MESSAGE("log: " << line);
        }
        return false;
    }

    std::string query(const std::string& device, std::int64_t time_ms, double la, double lo) {
        std::array<char, 160> buffer{};
        std::snprintf(buffer.data(), buffer.size(), "/?id=%s&lat=%.6f&lon=%.6f&timestamp=%lld",
                      device.c_str(), la, lo, static_cast<long long>(time_ms / 1000));
        return buffer.data();
    }
};

/// A small synchronous HTTP/1.1 client on one keep-alive connection.
class Client {
public:
    explicit Client(std::uint16_t port) : m_stream(m_ioc) {
        m_stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    }

    http::response<http::string_body> send(http::verb verb, const std::string& target,
                                           const std::string& body = {},
                                           const std::string& type = {}) {
        http::request<http::string_body> req{verb, target, 11};
        req.set(http::field::host, "127.0.0.1");
        if (!type.empty()) {
            req.set(http::field::content_type, type);
        }
        req.body() = body;
        req.prepare_payload();
        http::write(m_stream, req);
        return read();
    }

    http::response<http::string_body> get(const std::string& target) {
        return send(http::verb::get, target);
    }

    /// Writes bytes as they are, then reads one response.
    http::response<http::string_body> raw(const std::string& bytes) {
        net::write(m_stream.socket(), net::buffer(bytes));
        return read();
    }

    tcp::socket& socket() { return m_stream.socket(); }

    /// True when the server has closed the connection.
    bool closed_by_server() {
        std::array<char, 64> scratch{};
        beast::error_code ec;
        m_stream.expires_after(std::chrono::seconds(10));
        m_stream.read_some(net::buffer(scratch), ec);
        return ec == net::error::eof || ec == net::error::connection_reset;
    }

private:
    net::io_context m_ioc;
    beast::tcp_stream m_stream;
    beast::flat_buffer m_buffer;

    http::response<http::string_body> read() {
        http::response_parser<http::string_body> parser;
        parser.body_limit(1024 * 1024);
        http::read(m_stream, m_buffer, parser);
        return parser.release();
    }
};

nlohmann::json json_of(const http::response<http::string_body>& res) {
    return nlohmann::json::parse(res.body());
}

std::string nmea(const std::string& body) {
    unsigned sum = 0;
    for (char c : body) {
        sum ^= static_cast<unsigned char>(c);
    }
    std::array<char, 4> hex{};
    std::snprintf(hex.data(), hex.size(), "%02X", sum);
    return "$" + body + "*" + hex.data();
}

/// The NMEA time and date fields of a Unix time.
std::pair<std::string, std::string> nmea_time(std::int64_t time_ms) {
    const std::time_t t = time_ms / 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::array<char, 40> hms{};
    std::array<char, 40> dmy{};
    std::snprintf(hms.data(), hms.size(), "%02d%02d%02d.00", tm.tm_hour, tm.tm_min, tm.tm_sec);
    std::snprintf(dmy.data(), dmy.size(), "%02d%02d%02d", tm.tm_mday, tm.tm_mon + 1,
                  tm.tm_year % 100);
    return {hms.data(), dmy.data()};
}

void send_raw(std::uint16_t port, const std::string& bytes) {
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    net::write(socket, net::buffer(bytes));
    beast::error_code ec;
    socket.shutdown(tcp::socket::shutdown_send, ec);
    // Wait for the server to close its side: every line has been read.
    std::array<char, 64> scratch{};
    while (!ec) {
        socket.read_some(net::buffer(scratch), ec);
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(ingest_server_tests)

BOOST_FIXTURE_TEST_CASE(stores_a_get_fix_before_answering_200, ServerFixture) {
    Client client(server->http_port());
    const auto res = client.get(query("D12", t0, lat, lon));
    BOOST_TEST(res.result_int() == 200);
    BOOST_TEST(res.body() == "");
    const auto fixes = stored(d12);
    BOOST_REQUIRE(fixes.size() == 1U);
    BOOST_TEST(fixes[0].time_ms == t0);
    BOOST_TEST(fixes[0].position.lat_deg == lat, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(fixes[0].position.lon_deg == lon, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(fixes[0].vehicle_id == d12);
    BOOST_TEST(server->stats().accepted == 1U);
    BOOST_TEST(server->stats().commits >= 1U);
    // on_durable runs on the writer thread right after the responses are sent.
    for (int i = 0; i < 500 && durable_count() == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard lock(mutex);
    BOOST_REQUIRE(durable.size() == 1U);
    BOOST_TEST(durable[0].vehicle_id == d12);
}

BOOST_FIXTURE_TEST_CASE(stores_post_forms_and_traccar_json_on_one_connection, ServerFixture) {
    Client client(server->http_port());
    const std::string form = query("D12", t0, lat, lon).substr(2);
    BOOST_TEST(client.send(http::verb::post, "/", form, "application/x-www-form-urlencoded")
                   .result_int() == 200);
    // Old Traccar Client: POST with the fields in the query and no body.
    BOOST_TEST(client.send(http::verb::post, query("D12", t0 + 1000, lat, lon)).result_int() ==
               200);
    const std::string json = R"({"location": {"timestamp": ")" + format_time_utc(t0 + 2000) +
                             R"(", "coords": {"latitude": 40.6281, "longitude": 140.6681,
        "speed": 4.5, "heading": 90}, "battery": {"level": 0.5}}, "device_id": "D12"})";
    BOOST_TEST(client.send(http::verb::post, "/", json, "application/json").result_int() == 200);
    // JSON recognised by its first character when the type is missing.
    const std::string json_g3 = R"({"location": {"timestamp": ")" + format_time_utc(t0) +
                                R"(", "coords": {"latitude": 40.63, "longitude": 140.67}},
        "device_id": "G3"})";
    BOOST_TEST(client.send(http::verb::post, "/", json_g3).result_int() == 200);
    const auto fixes = stored(d12);
    BOOST_REQUIRE(fixes.size() == 3U);
    BOOST_TEST(fixes[2].time_ms == t0 + 2000);
    BOOST_TEST(*fixes[2].speed_mps == 4.5);
    BOOST_TEST(*fixes[2].battery_pct == 50);
    BOOST_TEST(stored(g3).size() == 1U);
}

BOOST_FIXTURE_TEST_CASE(answers_400_with_a_json_reason, ServerFixture) {
    Client client(server->http_port());
    auto res = client.get(query("X9", t0, lat, lon));
    BOOST_TEST(res.result_int() == 400);
    BOOST_TEST(res[http::field::content_type] == "application/json");
    BOOST_TEST(json_of(res)["error"] == "unknown_device");
    BOOST_TEST(json_of(res)["message"] == "device 'X9' is not registered");

    res = client.get("/?id=D12&lon=140.668");
    BOOST_TEST(res.result_int() == 400);
    BOOST_TEST(json_of(res)["error"] == "malformed");
    BOOST_TEST(json_of(res)["message"] == "lat: missing");

    res = client.get(query("D12", t0, 0.0, 0.0));
    BOOST_TEST(json_of(res)["error"] == "null_island");
    res = client.get(query("D12", t0, 35.68, 139.76));
    BOOST_TEST(json_of(res)["error"] == "outside_project");
    res = client.get(query("D12", 946'684'700'000, lat, lon));
    BOOST_TEST(json_of(res)["error"] == "out_of_range");
    res = client.send(http::verb::post, "/", "{\"location\": ", "application/json");
    BOOST_TEST(json_of(res)["message"] == "body: not valid JSON");
    // Invalid UTF-8 in a message still makes valid JSON.
    res = client.get("/?id=D12&lat=%FF%FE&lon=140");
    BOOST_TEST(res.result_int() == 400);
    BOOST_TEST(json_of(res)["error"] == "malformed");

    BOOST_TEST(stored(d12).size() == 0U);
    BOOST_TEST(server->stats().rejected == 7U);
    BOOST_TEST(logged("http 127.0.0.1:"));
    BOOST_TEST(logged("unknown_device: device 'X9' is not registered"));
    // The connection stayed usable through all of it.
    BOOST_TEST(client.get(query("D12", t0, lat, lon)).result_int() == 200);
}

BOOST_FIXTURE_TEST_CASE(answers_200_to_a_duplicate_and_stores_it_once, ServerFixture) {
    Client client(server->http_port());
    BOOST_TEST(client.get(query("D12", t0, lat, lon)).result_int() == 200);
    BOOST_TEST(client.get(query("D12", t0, lat, lon)).result_int() == 200);
    BOOST_TEST(stored(d12).size() == 1U);
    BOOST_TEST(server->stats().accepted == 1U);
    BOOST_TEST(server->stats().duplicates == 1U);
}

BOOST_FIXTURE_TEST_CASE(stores_speed_jumps_and_late_fixes_flagged, ServerFixture) {
    Client client(server->http_port());
    BOOST_TEST(client.get(query("D12", t0, lat, lon)).result_int() == 200);
    // 1.1 km in one second.
    BOOST_TEST(client.get(query("D12", t0 + 1000, lat + 0.01, lon)).result_int() == 200);
    BOOST_TEST(client.get(query("D12", t0 - 5000, lat, lon)).result_int() == 200);
    const auto fixes = stored(d12);
    BOOST_REQUIRE(fixes.size() == 3U);
    BOOST_TEST(fixes[0].flags == data::fix_flags::late);
    BOOST_TEST(fixes[1].flags == 0);
    BOOST_TEST(fixes[2].flags == data::fix_flags::speed_jump);
}

BOOST_FIXTURE_TEST_CASE(answers_other_methods_with_405, ServerFixture) {
    Client client(server->http_port());
    const auto res = client.send(http::verb::put, "/", "x");
    BOOST_TEST(res.result_int() == 405);
    BOOST_TEST(res[http::field::allow] == "GET, POST");
    BOOST_TEST(json_of(res)["error"] == "method_not_allowed");
    BOOST_TEST(json_of(res)["message"] == "method PUT: use GET or POST");
}

BOOST_FIXTURE_TEST_CASE(reports_health_with_counters, ServerFixture) {
    Client client(server->http_port());
    client.get(query("D12", t0, lat, lon));
    client.get(query("X9", t0, lat, lon));
    const auto res = client.get("/health");
    BOOST_TEST(res.result_int() == 200);
    const auto j = json_of(res);
    BOOST_TEST(j["status"] == "ok");
    BOOST_TEST(j["accepted"] == 1);
    BOOST_TEST(j["rejected"] == 1);
    BOOST_TEST(j["devices"] == device_count);
    BOOST_TEST(j["connections"] == 1);
}

struct SmallBodyFixture : ServerFixture {
    SmallBodyFixture() : ServerFixture([](IngestOptions& o) { o.max_body_bytes = 1024; }) {}
};

BOOST_FIXTURE_TEST_CASE(answers_413_to_a_body_over_the_limit, SmallBodyFixture) {
    Client client(server->http_port());
    const auto res = client.send(http::verb::post, "/", std::string(2000, 'a'),
                                 "application/x-www-form-urlencoded");
    BOOST_TEST(res.result_int() == 413);
    BOOST_TEST(json_of(res)["error"] == "body_too_large");
    BOOST_TEST(json_of(res)["message"] == "the body is larger than 1024 bytes");
    BOOST_TEST(client.closed_by_server());
    BOOST_TEST(Client(server->http_port()).get(query("D12", t0, lat, lon)).result_int() == 200);
}

BOOST_FIXTURE_TEST_CASE(survives_garbage_and_huge_headers, ServerFixture) {
    {
        Client client(server->http_port());
        const auto res = client.raw(std::string("\x16\x03\x01\x02\x00 garbage\r\n\r\n", 17));
        BOOST_TEST(res.result_int() == 400);
        BOOST_TEST(json_of(res)["error"] == "bad_request");
        BOOST_TEST(client.closed_by_server());
    }
    {
        Client client(server->http_port());
        const auto res = client.raw(
            "GET /?id=D12 HTTP/1.1\r\nHost: x\r\nX-Junk: " + std::string(10'000, 'j') + "\r\n\r\n");
        BOOST_TEST(res.result_int() == 431);
        BOOST_TEST(json_of(res)["error"] == "header_too_large");
    }
    {
        Client client(server->http_port());
        const auto res = client.raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n");
        BOOST_TEST(res.result_int() == 400);
    }
    // A client that connects and vanishes mid-request.
    send_raw(server->http_port(), "GET /?id=D12&lat=40.6");
    Client client(server->http_port());
    BOOST_TEST(client.get(query("D12", t0, lat, lon)).result_int() == 200);
}

BOOST_FIXTURE_TEST_CASE(answers_100_continue_before_a_body, ServerFixture) {
    Client client(server->http_port());
    const std::string body = query("D12", t0, lat, lon).substr(2);
    auto res = client.raw("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: "
                          "application/x-www-form-urlencoded\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n");
    BOOST_TEST(res.result_int() == 100);
    res = client.raw(body);
    BOOST_TEST(res.result_int() == 200);
    BOOST_TEST(stored(d12).size() == 1U);
}

BOOST_FIXTURE_TEST_CASE(closes_after_answering_http_1_0_without_keep_alive, ServerFixture) {
    Client client(server->http_port());
    const auto res = client.raw("GET " + query("D12", t0, lat, lon) + " HTTP/1.0\r\n\r\n");
    BOOST_TEST(res.result_int() == 200);
    BOOST_TEST(res.version() == 10);
    BOOST_TEST(client.closed_by_server());
}

struct ShortTimeoutFixture : ServerFixture {
    ShortTimeoutFixture()
        : ServerFixture([](IngestOptions& o) {
              o.http_idle_timeout = std::chrono::seconds(1);
              o.nmea_idle_timeout = std::chrono::seconds(1);
          }) {}
};

BOOST_FIXTURE_TEST_CASE(closes_idle_and_stalled_connections, ShortTimeoutFixture) {
    const auto start = std::chrono::steady_clock::now();
    Client idle(server->http_port());
    // Half a request and then nothing: a slow-loris client.
    Client stalled(server->http_port());
    net::write(stalled.socket(), net::buffer(std::string("GET /?id=D12&lat=40.6 HTTP/1.1\r\nHo")));
    BOOST_TEST(idle.closed_by_server());
    BOOST_TEST(stalled.closed_by_server());
    // Closed by the 1 s timeout (checked every second), not by the clients' own 10 s.
    BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(5)));
    // A connection that keeps talking stays open.
    Client busy(server->http_port());
    for (int i = 0; i < 3; ++i) {
        BOOST_TEST(busy.get(query("D12", t0 + i * 1000, lat, lon)).result_int() == 200);
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
    }
    // An NMEA unit that falls silent is dropped with a log line.
    net::io_context ioc;
    tcp::socket nmea_unit(ioc);
    nmea_unit.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), *server->nmea_port()));
    net::write(nmea_unit, net::buffer(std::string("$PYKM,D12*64\r\n")));
    BOOST_TEST(logged("device D12: silent for 1 s; closing the connection"));
}

BOOST_FIXTURE_TEST_CASE(stores_nmea_over_tcp_and_logs_bad_lines, ServerFixture) {
    const auto [hms1, date1] = nmea_time(t0);
    const auto [hms2, date2] = nmea_time(t0 + 1000);
    const std::string rmc1 =
        nmea("GPRMC," + hms1 + ",A,4037.6800,N,14040.0800,E,10.0,90.0," + date1 + ",,,A");
    const std::string gga1 = nmea("GPGGA," + hms1 +
                                  ",4037.6800,N,14040.0800,E,1,08,1.2,15.5,M,"
                                  "30.1,M,,");
    std::string rmc2 =
        nmea("GPRMC," + hms2 + ",A,4037.6900,N,14040.0900,E,10.0,90.0," + date2 + ",,,A");
    rmc2.replace(rmc2.size() - 2, 2, "00"); // a corrupt checksum
    const std::string rmc3 =
        nmea("GPRMC," + hms2 + ",A,4037.7000,N,14040.1000,E,10.0,90.0," + date2 + ",,,A");
    send_raw(*server->nmea_port(),
             "$PYKM,D12*64\r\n" + rmc1 + "\r\n" + gga1 + "\r\n" + rmc2 + "\r\n" + rmc3 + "\r\n");
    const auto fixes = stored_eventually(d12, 2);
    BOOST_REQUIRE(fixes.size() == 2U);
    BOOST_TEST(fixes[0].time_ms == t0);
    BOOST_TEST(fixes[0].position.lat_deg == 40.628, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(*fixes[0].altitude_m == 15.5);
    // The last RMC has no partner: it is completed when the connection ends.
    BOOST_TEST(fixes[1].time_ms == t0 + 1000);
    BOOST_TEST(fixes[1].position.lat_deg == 40.6283333, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(logged("nmea 127.0.0.1:"));
    BOOST_TEST(logged(" device D12: bad checksum: *00 expected *"));
}

BOOST_FIXTURE_TEST_CASE(logs_nmea_rejections_with_the_device, ServerFixture) {
    const auto [hms, date] = nmea_time(t0);
    send_raw(*server->nmea_port(),
             "X9\n" +
                 nmea("GPRMC," + hms + ",A,4037.6800,N,14040.0800,E,1.0,0.0," + date + ",,,A") +
                 "\n");
    BOOST_TEST(logged("device X9 unknown_device: device 'X9' is not registered"));
    send_raw(*server->nmea_port(),
             "G3\n" + nmea("GPRMC," + hms + ",V,,,,,,," + date + ",,,N") + "\n");
    BOOST_TEST(logged("device G3: RMC status V (no fix)"));
}

BOOST_FIXTURE_TEST_CASE(closes_an_nmea_connection_with_an_endless_line, ServerFixture) {
    send_raw(*server->nmea_port(), "$PYKM,D12*64\n" + std::string(5000, 'A'));
    BOOST_TEST(logged("a line longer than 1024 bytes; closing the connection"));
}

BOOST_FIXTURE_TEST_CASE(reloads_the_device_table, ServerFixture) {
    Client client(server->http_port());
    BOOST_TEST(client.get(query("N1", t0, lat, lon)).result_int() == 400);
    {
        data::Database db(project, data::OpenMode::read_write);
        db.exec("UPDATE vehicles SET device_id = 'N1' WHERE code = 'T-N1'");
    }
    server->reload_devices();
    BOOST_TEST(client.get(query("N1", t0, lat, lon)).result_int() == 200);
}

BOOST_FIXTURE_TEST_CASE(serves_many_devices_at_once_and_stops_cleanly, ServerFixture) {
    constexpr int devices = 8;
    constexpr int per_device = 25;
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int d = 0; d < devices; ++d) {
        threads.emplace_back([&, d] {
            Client client(server->http_port());
            for (int i = 0; i < per_device; ++i) {
                const std::string id = d % 2 == 0 ? "D12" : "G3";
                const auto t = t0 + (d / 2) * 100'000 + i * 1000;
                if (client.get(query(id, t, lat + i * 1e-5, lon)).result_int() == 200) {
                    ++ok;
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    BOOST_TEST(ok.load() == devices * per_device);
    server->stop();
    BOOST_TEST(stored(d12).size() + stored(g3).size() == std::size_t{devices * per_device});
    BOOST_TEST(server->stats().accepted == std::uint64_t{devices * per_device});
    BOOST_TEST(server->stats().commits <= std::uint64_t{devices * per_device});
    server->stop(); // twice is harmless
}

BOOST_AUTO_TEST_CASE(refuses_a_bad_listen_address_and_a_port_in_use) {
    ServerFixture running;
    IngestOptions options;
    options.http_listen = "127.0.0.1:" + std::to_string(running.server->http_port());
    options.nmea_listen.reset();
    IngestServer second(running.project, options);
    try {
        second.start();
        BOOST_FAIL("a port in use was accepted");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).starts_with("cannot listen on 127.0.0.1:" +
                                                     std::to_string(running.server->http_port())));
    }
    options.http_listen = "nowhere";
    IngestServer third(running.project, options);
    BOOST_CHECK_THROW(third.start(), Error);
    options.http_listen = "127.0.0.1:99999";
    IngestServer fourth(running.project, options);
    BOOST_CHECK_THROW(fourth.start(), Error);
}

BOOST_AUTO_TEST_SUITE_END()

// Load for the contractor portal over loopback (bench/portal.sh).
//
//   bench_portal_load setup PROJECT --orders N --contractors M --cookies FILE
//       adds M contractors with a vehicle and an account each, N issued orders spread over
//       them, a session per account (written to FILE, one cookie per line, contractor order),
//       and a staff session (last line)
//   bench_portal_load poll --port P --cookies FILE --connections C --seconds S --target PATH
//       C keep-alive connections, each with the next cookie of FILE, send GET PATH back to back
//       for S seconds; prints requests/s, p50 and p99 latency and errors
//   bench_portal_load subscribe --port P --cookies FILE --streams C --project PROJECT
//                               --changes K
//       opens C event streams (one per contractor), then acknowledges K orders one after another
//       through a separate connection to the project, and measures how long each change takes
//       to reach the stream of its contractor
//
// Accounts share one Argon2id hash (hashing 500 passwords would only time libsodium), and
// sessions are opened directly in the project, since logins are not what is measured.

#include "ykm/data/demo_town.hpp"
#include "ykm/data/project.hpp"
#include "ykm/dispatch/accounts.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/orders.hpp"
#include "ykm/dispatch/position_input.hpp"

#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace ykm;

std::map<std::string, std::string> options(int argc, char** argv, int first) {
    std::map<std::string, std::string> out;
    for (int i = first; i + 1 < argc; i += 2) {
        out[argv[i]] = argv[i + 1];
    }
    return out;
}

std::vector<std::string> read_lines(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) {
            lines.push_back(line);
        }
    }
    return lines;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) {
        return 0.0;
    }
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

int setup(const std::string& path, int order_count, int contractor_count,
          const std::string& cookies) {
    data::Project project = data::Project::open(path, data::OpenMode::read_write);
    dispatch::Fleet fleet(project);
    dispatch::Accounts accounts(project.database());
    dispatch::Orders orders(project);
    const dispatch::OrderActor desk{"bench", dispatch::OrderChannel::cli};
    std::vector<std::int64_t> contractors;
    std::vector<std::int64_t> segments;
    {
        data::Statement q(project.database(),
                          "SELECT id FROM road_segments WHERE priority IS NOT NULL ORDER BY id");
        while (q.step()) {
            segments.push_back(q.column_int64(0));
        }
    }
    data::Transaction tx(project.database());
    dispatch::Account staff;
    staff.login = "bench-staff";
    staff.role = dispatch::Role::staff;
    const std::int64_t staff_id = accounts.create(staff, "bench-password");
    for (int i = 0; i < contractor_count; ++i) {
        char code[16];
        std::snprintf(code, sizeof code, "BK%04d", i);
        const std::int64_t c = fleet.save(dispatch::Contractor{0, code, code, "", ""});
        contractors.push_back(c);
        dispatch::Vehicle v;
        v.code = std::string(code) + "-1";
        v.contractor_id = c;
        fleet.save(v);
        data::Statement add(project.database(),
                            "INSERT INTO accounts (login, role, contractor_id, password_hash, "
                            "created_ms, updated_ms) SELECT ?, 'contractor', ?, password_hash, "
                            "created_ms, updated_ms FROM accounts WHERE id = ?");
        add.bind(1, std::string("bench-") + code).bind(2, c).bind(3, staff_id).run();
    }
    const std::int64_t start = dispatch::now_ms();
    for (int i = 0; i < order_count; ++i) {
        dispatch::WorkOrder o;
        o.contractor_id = contractors[static_cast<std::size_t>(i % contractor_count)];
        o.district_id = 1;
        for (std::size_t k = 0; k < 20; ++k) {
            o.segments.push_back(segments[(static_cast<std::size_t>(i) * 7 + k) % segments.size()]);
        }
        o.window_start_ms = start + (i % 24) * 3'600'000LL;
        o.window_end_ms = o.window_start_ms + 6 * 3'600'000LL;
        o.instructions = "第1種を優先";
        const std::int64_t id = orders.create(o, desk);
        orders.change_status(id, dispatch::OrderStatus::issued, desk);
    }
    tx.commit();
    std::ofstream out(cookies);
    for (const dispatch::Account& a : accounts.list()) {
        if (a.role == dispatch::Role::contractor) {
            const auto s = accounts.open_session(a, "bench", dispatch::now_ms(), 86'400'000);
            out << "ykm_session=" << s.token << '\n';
        }
    }
    const auto s =
        accounts.open_session(*accounts.by_id(staff_id), "bench", dispatch::now_ms(), 86'400'000);
    out << "ykm_session=" << s.token << '\n';
    std::printf("setup: %d contractors, %d issued orders, %zu segments each\n", contractor_count,
                order_count, std::size_t{20});
    return 0;
}

/// One keep-alive client sending the same GET back to back.
class Poller : public std::enable_shared_from_this<Poller> {
public:
    Poller(net::io_context& ioc, tcp::endpoint at, std::string target, std::string cookie,
           const Clock::time_point& measure_from, const Clock::time_point& until,
           std::vector<double>& latencies, std::uint64_t& errors)
        : m_stream(ioc), m_at(at), m_target(std::move(target)), m_cookie(std::move(cookie)),
          m_from(measure_from), m_until(until), m_latencies(latencies), m_errors(errors) {}

    void start() {
        m_stream.async_connect(m_at, [self = shared_from_this()](beast::error_code ec) {
            if (ec) {
                ++self->m_errors;
                return;
            }
            self->send();
        });
    }

private:
    beast::tcp_stream m_stream;
    tcp::endpoint m_at;
    std::string m_target;
    std::string m_cookie;
    const Clock::time_point& m_from;
    const Clock::time_point& m_until;
    std::vector<double>& m_latencies;
    std::uint64_t& m_errors;
    http::request<http::empty_body> m_request;
    beast::flat_buffer m_buffer;
    std::optional<http::response_parser<http::string_body>> m_parser;
    Clock::time_point m_sent;

    void send() {
        if (Clock::now() >= m_until) {
            return;
        }
        m_request = {http::verb::get, m_target, 11};
        m_request.set(http::field::host, "127.0.0.1");
        m_request.set(http::field::cookie, m_cookie);
        m_sent = Clock::now();
        http::async_write(m_stream, m_request,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) {
                                  ++self->m_errors;
                                  return;
                              }
                              self->read();
                          });
    }

    void read() {
        m_parser.emplace();
        m_parser->body_limit(64 * 1024 * 1024);
        http::async_read(
            m_stream, m_buffer, *m_parser,
            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                if (ec || self->m_parser->get().result_int() != 200) {
                    ++self->m_errors;
                    return;
                }
                const auto now = Clock::now();
                if (self->m_sent >= self->m_from && now <= self->m_until) {
                    self->m_latencies.push_back(
                        std::chrono::duration<double, std::milli>(now - self->m_sent).count());
                }
                self->send();
            });
    }
};

int poll(const std::map<std::string, std::string>& o) {
    const auto port = static_cast<std::uint16_t>(std::stoi(o.at("--port")));
    const auto cookies = read_lines(o.at("--cookies"));
    const int connections = std::stoi(o.at("--connections"));
    const double seconds = std::stod(o.at("--seconds"));
    const std::string target = o.at("--target");
    net::io_context ioc;
    const tcp::endpoint at{net::ip::make_address("127.0.0.1"), port};
    const Clock::time_point from = Clock::now() + std::chrono::seconds(1); // warm-up
    const Clock::time_point until =
        from + std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6));
    std::vector<double> latencies;
    std::uint64_t errors = 0;
    for (int i = 0; i < connections; ++i) {
        // Contractors poll their own lists; the last cookie is the staff session.
        const std::string& cookie = cookies[static_cast<std::size_t>(i) % (cookies.size() - 1)];
        std::make_shared<Poller>(ioc, at, target, cookie, from, until, latencies, errors)->start();
    }
    ioc.run();
    std::printf("requests_per_s=%.0f p50_ms=%.2f p99_ms=%.2f errors=%llu\n",
                static_cast<double>(latencies.size()) / seconds, percentile(latencies, 0.5),
                percentile(latencies, 0.99), static_cast<unsigned long long>(errors));
    return 0;
}

int subscribe(const std::map<std::string, std::string>& o) {
    const auto port = static_cast<std::uint16_t>(std::stoi(o.at("--port")));
    const auto cookies = read_lines(o.at("--cookies"));
    const int streams = std::stoi(o.at("--streams"));
    const int changes = std::stoi(o.at("--changes"));
    data::Project project = data::Project::open(o.at("--project"), data::OpenMode::read_write);
    dispatch::Orders orders(project);

    // Which stream belongs to which contractor: cookie i is contractor BK%04d i.
    net::io_context ioc;
    std::vector<std::unique_ptr<tcp::socket>> sockets;
    std::vector<std::string> received(static_cast<std::size_t>(streams));
    std::mutex mutex;
    std::map<std::string, Clock::time_point> changed_at; // order number -> commit time
    std::vector<double> latencies;
    std::vector<std::array<char, 8192>> buffers(static_cast<std::size_t>(streams));
    std::function<void(std::size_t)> read_more = [&](std::size_t i) {
        sockets[i]->async_read_some(
            net::buffer(buffers[i]), [&, i](boost::system::error_code ec, std::size_t n) {
                if (ec) {
                    return;
                }
                const auto now = Clock::now();
                received[i].append(buffers[i].data(), n);
                std::size_t at = 0;
                while ((at = received[i].find("\"number\":\"", at)) != std::string::npos) {
                    const std::string number = received[i].substr(at + 10, 9);
                    std::lock_guard lock(mutex);
                    if (const auto it = changed_at.find(number); it != changed_at.end()) {
                        latencies.push_back(
                            std::chrono::duration<double, std::milli>(now - it->second).count());
                        changed_at.erase(it);
                    }
                    at += 10;
                }
                received[i].erase(0, received[i].size() > 64 ? received[i].size() - 64 : 0);
                read_more(i);
            });
    };
    for (int i = 0; i < streams; ++i) {
        auto s = std::make_unique<tcp::socket>(ioc);
        s->connect({net::ip::make_address("127.0.0.1"), port});
        const std::string req = "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " +
                                cookies[static_cast<std::size_t>(i)] + "\r\n\r\n";
        net::write(*s, net::buffer(req));
        sockets.push_back(std::move(s));
        read_more(static_cast<std::size_t>(i));
    }
    std::thread io([&ioc] { ioc.run(); });
    std::this_thread::sleep_for(std::chrono::seconds(1));
    // Orders of the subscribed contractors, acknowledged one at a time as the portal's users
    // would, every 100 ms.
    std::vector<std::pair<std::int64_t, std::string>> targets;
    {
        data::Statement q(project.database(),
                          "SELECT o.id, o.number FROM orders o JOIN contractors c ON c.id = "
                          "o.contractor_id WHERE o.status = 'issued' AND c.code < ? ORDER BY o.id");
        char limit[16];
        std::snprintf(limit, sizeof limit, "BK%04d", streams);
        q.bind(1, std::string(limit));
        while (q.step() && static_cast<int>(targets.size()) < changes) {
            targets.emplace_back(q.column_int64(0), q.column_text(1));
        }
    }
    const dispatch::OrderActor actor{"bench", dispatch::OrderChannel::cli};
    for (const auto& [id, number] : targets) {
        orders.change_status(id, dispatch::OrderStatus::acknowledged, actor);
        {
            std::lock_guard lock(mutex);
            changed_at[number] = Clock::now();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));
    ioc.stop();
    io.join();
    std::lock_guard lock(mutex);
    std::printf("streams=%d changes=%zu delivered=%zu p50_ms=%.1f p99_ms=%.1f max_ms=%.1f\n",
                streams, targets.size(), latencies.size(), percentile(latencies, 0.5),
                percentile(latencies, 0.99), percentile(latencies, 1.0));
    return latencies.size() == targets.size() ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    try {
        const std::string mode = argc > 1 ? argv[1] : "";
        if (mode == "setup" && argc > 2) {
            const auto o = options(argc, argv, 3);
            return setup(argv[2], std::stoi(o.at("--orders")), std::stoi(o.at("--contractors")),
                         o.at("--cookies"));
        }
        if (mode == "poll") {
            return poll(options(argc, argv, 2));
        }
        if (mode == "subscribe") {
            return subscribe(options(argc, argv, 2));
        }
        std::fprintf(stderr,
                     "usage: bench_portal_load setup|poll|subscribe ... (see the source)\n");
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_portal_load: %s\n", e.what());
        return 1;
    }
}

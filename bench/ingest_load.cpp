// bench_ingest_load: a load generator for `ykm serve`, and the reference server it is compared
// with.
//
//   bench_ingest_load --port P --connections N [--seconds D] [--warmup S] [--devices M]
//                     [--device-prefix bench-] [--threads T] [--base-ms MS]
//       N keep-alive connections, each a device sending OsmAnd GET requests back to back with
//       one outstanding (as a device waits for its 200 before the next fix). Connection i sends
//       as device PREFIX%04d of (i % M) + 1, every fix one second after its previous one. After
//       S seconds of warm-up it counts the answers of D seconds and prints one line:
//       "connections=N seconds=D ok=… other=… errors=… fixes_per_s=… p50_ms=… p99_ms=…"
//
//   bench_ingest_load --echo-server [--port P] [--threads T]
//       the same Boost.Beast HTTP stack answering 200 to every request without parsing fixes
//       or storing anything; prints "listening on PORT" and serves until killed.

// Before Asio: Boost 1.74's awaitable.hpp uses std::exchange without including it.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
    std::uint16_t port = 0;
    int connections = 100;
    double seconds = 10.0;
    double warmup = 1.0;
    int devices = 0; // 0: as many as connections
    std::string prefix = "bench-";
    int threads = 1;
    std::int64_t base_ms = 0;
    bool echo_server = false;
};

[[noreturn]] void usage(const char* what) {
    std::fprintf(stderr,
                 "bench_ingest_load: %s\nusage: bench_ingest_load --port P --connections N "
                 "[--seconds D] [--warmup S] [--devices M] [--device-prefix X] [--threads T] "
                 "[--base-ms MS]\n       bench_ingest_load --echo-server [--port P] [--threads "
                 "T]\n",
                 what);
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage((a + " needs a value").c_str());
            }
            return argv[++i];
        };
        try {
            if (a == "--port") {
                o.port = static_cast<std::uint16_t>(std::stoi(value()));
            } else if (a == "--connections") {
                o.connections = std::stoi(value());
            } else if (a == "--seconds") {
                o.seconds = std::stod(value());
            } else if (a == "--warmup") {
                o.warmup = std::stod(value());
            } else if (a == "--devices") {
                o.devices = std::stoi(value());
            } else if (a == "--device-prefix") {
                o.prefix = value();
            } else if (a == "--threads") {
                o.threads = std::max(1, std::stoi(value()));
            } else if (a == "--base-ms") {
                o.base_ms = std::stoll(value());
            } else if (a == "--echo-server") {
                o.echo_server = true;
            } else {
                usage(("unknown argument " + a).c_str());
            }
        } catch (const std::logic_error&) {
            usage(("bad value for " + a).c_str());
        }
    }
    return o;
}

void raise_open_file_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

// --- the reference server -----------------------------------------------------------------------

// Built like ykm's server: Beast's parser for the request, a pre-formatted 200 for the answer.
class EchoSession : public std::enable_shared_from_this<EchoSession> {
public:
    explicit EchoSession(tcp::socket socket) : m_socket(std::move(socket)) {}
    void read() {
        m_parser.emplace();
        http::async_read(m_socket, m_buffer, *m_parser,
                         beast::bind_front_handler(&EchoSession::on_read, shared_from_this()));
    }

private:
    tcp::socket m_socket;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;

    void on_read(beast::error_code ec, std::size_t) {
        if (ec) {
            return;
        }
        static constexpr std::string_view ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        net::async_write(m_socket, net::buffer(ok.data(), ok.size()),
                         [self = shared_from_this()](beast::error_code e, std::size_t) {
                             if (!e) {
                                 self->read();
                             }
                         });
    }
};

void accept(tcp::acceptor& acceptor, net::io_context& ioc) {
    acceptor.async_accept(ioc, [&acceptor, &ioc](beast::error_code ec, tcp::socket socket) {
        if (!ec) {
            socket.set_option(tcp::no_delay(true));
            std::make_shared<EchoSession>(std::move(socket))->read();
        }
        accept(acceptor, ioc);
    });
}

int echo_server(const Options& o) {
    net::io_context ioc;
    tcp::acceptor acceptor(net::make_strand(ioc));
    const tcp::endpoint at(net::ip::make_address("127.0.0.1"), o.port);
    acceptor.open(at.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(at);
    acceptor.listen(net::socket_base::max_listen_connections);
    std::printf("listening on %u\n", static_cast<unsigned>(acceptor.local_endpoint().port()));
    std::fflush(stdout);
    accept(acceptor, ioc);
    std::vector<std::thread> threads;
    for (int i = 1; i < o.threads; ++i) {
        threads.emplace_back([&ioc] { ioc.run(); });
    }
    ioc.run();
    for (auto& t : threads) {
        t.join();
    }
    return 0;
}

// --- the load generator ---------------------------------------------------------------------

struct Counters {
    std::atomic<bool> counting{false};
    std::atomic<bool> stopping{false};
    std::atomic<std::uint64_t> ok{0};
    std::atomic<std::uint64_t> other{0};
    std::atomic<std::uint64_t> errors{0};
};

class Device : public std::enable_shared_from_this<Device> {
public:
    Device(net::any_io_executor executor, Counters& counters, std::string id, std::int64_t base_ms)
        : m_socket(std::move(executor)), m_counters(counters), m_id(std::move(id)),
          m_time_ms(base_ms) {}

    void start(const tcp::endpoint& server) {
        m_socket.async_connect(server, [self = shared_from_this()](beast::error_code ec) {
            if (ec) {
                ++self->m_counters.errors;
                return;
            }
            self->m_socket.set_option(tcp::no_delay(true));
            self->send();
        });
    }

    std::vector<std::uint32_t> latencies_us; ///< answers while counting

private:
    tcp::socket m_socket;
    Counters& m_counters;
    std::string m_id;
    std::int64_t m_time_ms;
    std::string m_request;
    std::string m_in;
    std::size_t m_header_bytes = 0;
    std::size_t m_body_bytes = 0;
    int m_status = 0;
    Clock::time_point m_sent;

    void send() {
        if (m_counters.stopping) {
            beast::error_code ignored;
            m_socket.shutdown(tcp::socket::shutdown_both, ignored);
            return;
        }
        m_time_ms += 1000;
        std::array<char, 256> line{};
        const int n = std::snprintf(
            line.data(), line.size(),
            "GET /?id=%s&lat=40.628000&lon=140.668000&timestamp=%lld&speed=8.5&bearing=90 "
            "HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            m_id.c_str(), static_cast<long long>(m_time_ms));
        m_request.assign(line.data(),
                         std::min(static_cast<std::size_t>(std::max(n, 0)), line.size() - 1));
        m_sent = Clock::now();
        net::async_write(m_socket, net::buffer(m_request),
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) {
                                 ++self->m_counters.errors;
                                 return;
                             }
                             self->receive();
                         });
    }

    // A small response reader: status line, Content-Length, body; enough for these servers.
    void receive() {
        net::async_read_until(
            m_socket, net::dynamic_buffer(m_in), "\r\n\r\n",
            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                if (ec) {
                    if (!self->m_counters.stopping) {
                        ++self->m_counters.errors;
                    }
                    return;
                }
                self->m_header_bytes = n;
                self->m_status = n > 12 ? std::atoi(self->m_in.c_str() + 9) : 0;
                std::string header = self->m_in.substr(0, n);
                std::transform(header.begin(), header.end(), header.begin(),
                               [](char c) { return static_cast<char>(std::tolower(c)); });
                const std::size_t at = header.find("content-length:");
                self->m_body_bytes =
                    at == std::string::npos
                        ? 0
                        : static_cast<std::size_t>(std::atol(header.c_str() + at + 15));
                self->receive_body();
            });
    }

    void receive_body() {
        const std::size_t total = m_header_bytes + m_body_bytes;
        if (m_in.size() >= total) {
            m_in.erase(0, total);
            return done();
        }
        net::async_read(m_socket, net::dynamic_buffer(m_in),
                        net::transfer_exactly(total - m_in.size()),
                        [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) {
                                ++self->m_counters.errors;
                                return;
                            }
                            self->receive_body();
                        });
    }

    void done() {
        if (m_counters.counting) {
            (m_status == 200 ? m_counters.ok : m_counters.other)++;
            const auto us =
                std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - m_sent);
            latencies_us.push_back(static_cast<std::uint32_t>(us.count()));
        }
        send();
    }
};

int load(const Options& o) {
    if (o.port == 0) {
        usage("--port is needed");
    }
    net::io_context ioc;
    Counters counters;
    const tcp::endpoint server(net::ip::make_address("127.0.0.1"), o.port);
    const int devices = o.devices > 0 ? o.devices : o.connections;
    const std::int64_t base_ms = o.base_ms != 0
                                     ? o.base_ms
                                     : std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                               .count() -
                                           12 * 3'600'000;
    std::vector<std::shared_ptr<Device>> all;
    for (int i = 0; i < o.connections; ++i) {
        std::array<char, 128> id{};
        std::snprintf(id.data(), id.size(), "%s%04d", o.prefix.c_str(), i % devices + 1);
        // Connections that share a device take turns in time so their fixes do not collide.
        const std::int64_t offset = static_cast<std::int64_t>(i / devices) * 500;
        // One thread needs no strands.
        auto executor = o.threads > 1 ? net::any_io_executor(net::make_strand(ioc))
                                      : net::any_io_executor(ioc.get_executor());
        all.push_back(std::make_shared<Device>(executor, counters, id.data(), base_ms + offset));
        all.back()->start(server);
    }
    std::vector<std::thread> threads;
    for (int i = 0; i < o.threads; ++i) {
        threads.emplace_back([&ioc] { ioc.run(); });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(o.warmup));
    counters.counting = true;
    const auto start = Clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
    counters.counting = false;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    counters.stopping = true;
    // Each device ends after its outstanding request; a stalled server must not hang the run.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ioc.stop();
    for (auto& t : threads) {
        t.join();
    }
    std::vector<std::uint32_t> latencies;
    for (const auto& d : all) {
        latencies.insert(latencies.end(), d->latencies_us.begin(), d->latencies_us.end());
    }
    std::sort(latencies.begin(), latencies.end());
    auto percentile = [&latencies](double p) {
        if (latencies.empty()) {
            return 0.0;
        }
        const auto i = static_cast<std::size_t>(p * static_cast<double>(latencies.size() - 1));
        return latencies[i] / 1000.0;
    };
    std::printf("connections=%d seconds=%.1f ok=%llu other=%llu errors=%llu fixes_per_s=%.0f "
                "p50_ms=%.2f p99_ms=%.2f\n",
                o.connections, elapsed, static_cast<unsigned long long>(counters.ok.load()),
                static_cast<unsigned long long>(counters.other.load()),
                static_cast<unsigned long long>(counters.errors.load()),
                static_cast<double>(counters.ok.load()) / elapsed, percentile(0.5),
                percentile(0.99));
    return counters.ok.load() > 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    raise_open_file_limit();
    try {
        return o.echo_server ? echo_server(o) : load(o);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_ingest_load: %s\n", e.what());
        return 1;
    }
}

// Before Asio: Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include "commands.hpp"

#include "progress.hpp"
#include "ykm/data/project.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/dispatch/daily_report.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/dispatch/season_simulator.hpp"
#include "ykm/dispatch/simulator.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gis/road_graph.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ykm::cli {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr const char* simulate_usage =
    R"(usage: ykm simulate PROJECT --vehicles N (--to http://HOST:PORT | --out FILE.csv)
           [--interval S] [--noise M] [--dropout P] [--speed-up X] [--duration S]
           [--seed N] [--start ISO8601|now]
       ykm simulate PROJECT --season --vehicles N --nights K [--start YYYY-MM-DD]
           [--interval S] [--noise M] [--dropout P] [--seed N] [--night-hours 21-5]

Drives N simulated plows over the project's roads: each leaves the depot nearest its district,
serves its district's roads (both directions, priority class 1 first) with the blade down and
travels between them blade up. The project's vehicles with a device id come first (with their
districts), then sim-001, sim-002, ...

  --to http://HOST:PORT   send the fixes to a server (`ykm serve`) as OsmAnd HTTP GET requests
                          (id, lat, lon, timestamp, speed in knots, bearing, accuracy, work,
                          blade) over keep-alive connections, paced in real time; a progress
                          line every minute. Runs until Ctrl-C (SIGINT/SIGTERM) or --duration.
                          A server that cannot be reached at the start is an error (exit 2);
                          fixes still undelivered 30 s after --duration give exit 1.
  --out FILE.csv          write the fixes as CSV for `ykm track import` (device_id, time, lat,
                          lon, speed_mps, bearing, accuracy, work, blade) and the true path as
                          FILE.truth.csv (device_id, segment_id, forward, enter, exit, work,
                          length_m); --duration defaults to 3600 there. The import needs
                          the device ids in the fleet (`ykm fleet`).
  --interval S            seconds between the fixes of a vehicle (default 5)
  --noise M               standard deviation of the position error per axis, metres (default 10)
  --dropout P             share of fixes lost, 0 to 0.99 (default 0)
  --speed-up X            with --to: simulated seconds per real second (default 1)
  --duration S            simulated seconds to run
  --seed N                the same seed drives the same plows (default 1)
  --start T               simulated time of the start: ISO 8601 with a zone, Unix seconds, or
                          now (default now)

With --season it writes a synthetic season straight into the project, for benchmarks: K nights
of work from the date --start (default 2026-12-01; about three nights in ten have no snow and
are skipped), each from --night-hours (Japan time, default 21-5: 21:00 to 05:00) with every
vehicle setting out up to 30 minutes late. Vehicles sim-001, sim-002, ... (and contractors
SIM01, ...) are added to the fleet when it has fewer than N vehicles with device ids. The fixes
go to the season log, the driven roads to the coverage passes; graders report 路面整正, rotary
blowers 拡幅除雪, dump trucks 運搬排雪 and the others 新雪除雪 while they serve. Prints the
counts, the time taken and the season log's bytes per fix.
)";

std::optional<double> number_option(const std::optional<std::string>& text, const std::string& name,
                                    double lo, double hi) {
    if (!text) {
        return std::nullopt;
    }
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc{} || end != text->data() + text->size() || !(value >= lo) ||
        !(value <= hi)) {
        char range[64];
        std::snprintf(range, sizeof range, "%g to %g", lo, hi);
        throw UsageError("simulate: " + name + " '" + *text + "' is not a number from " + range);
    }
    return value;
}

std::optional<std::uint64_t> integer_option(const std::optional<std::string>& text,
                                            const std::string& name, std::uint64_t lo,
                                            std::uint64_t hi) {
    if (!text) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc{} || end != text->data() + text->size() || value < lo || value > hi) {
        throw UsageError("simulate: " + name + " '" + *text + "' is not a whole number from " +
                         std::to_string(lo) + " to " + std::to_string(hi));
    }
    return value;
}

std::string optional_number(const std::optional<double>& value, const char* format) {
    if (!value) {
        return "";
    }
    char text[32];
    std::snprintf(text, sizeof text, format, *value);
    return text;
}

struct Settings {
    std::filesystem::path project;
    dispatch::SimulationOptions simulation;
    double speed_up = 1.0;
    std::optional<double> duration_s;
    std::optional<std::string> to;
    std::optional<std::filesystem::path> out;
};

// ---- --out ---------------------------------------------------------------------------------

/// Opens `path` + ".partial" for writing; the caller renames it over `path` when complete.
std::ofstream open_partial(const std::filesystem::path& path) {
    std::ofstream out(path.string() + ".partial", std::ios::binary | std::ios::trunc);
    if (!out) {
        throw Error(path.string() + ": cannot write");
    }
    return out;
}

void finish_partial(std::ofstream& out, const std::filesystem::path& path) {
    out.close();
    const std::filesystem::path partial = path.string() + ".partial";
    if (!out) {
        std::error_code ignored;
        std::filesystem::remove(partial, ignored);
        throw Error(path.string() + ": cannot write");
    }
    std::filesystem::rename(partial, path);
}

int write_files(const Settings& s, dispatch::PlowSimulator& simulator) {
    const std::filesystem::path& fixes_path = *s.out;
    std::filesystem::path truth_path = fixes_path;
    truth_path.replace_extension();
    truth_path += ".truth.csv";
    const double duration_s = s.duration_s.value_or(3600.0);
    const std::int64_t start = s.simulation.start_ms;
    const std::int64_t end = start + static_cast<std::int64_t>(std::llround(duration_s * 1000.0));

    std::ofstream fixes_out = open_partial(fixes_path);
    fixes_out << "device_id,time,lat,lon,speed_mps,bearing,accuracy,work,blade\n";
    std::size_t count = 0;
    char position[64];
    // A minute at a time keeps memory flat for large fleets.
    for (std::int64_t t = start; t < end;) {
        t = std::min(end, t + 60'000);
        for (const dispatch::DeviceFix& f : simulator.advance(t)) {
            std::snprintf(position, sizeof position, "%.7f,%.7f", f.fix.position.lat_deg,
                          f.fix.position.lon_deg);
            fixes_out << f.device_id << ',' << dispatch::format_time_utc(f.fix.time_ms) << ','
                      << position << ',' << optional_number(f.fix.speed_mps, "%.2f") << ','
                      << optional_number(f.fix.bearing_deg, "%.1f") << ','
                      << optional_number(f.fix.accuracy_m, "%.1f") << ',' << data::key(f.fix.work)
                      << ',' << data::key(f.fix.blade) << '\n';
            ++count;
        }
    }

    std::ofstream truth_out = open_partial(truth_path);
    truth_out << "device_id,segment_id,forward,enter,exit,work,length_m\n";
    char length[32];
    for (const dispatch::TruthPiece& p : simulator.truth()) {
        std::snprintf(length, sizeof length, "%.2f", p.length_m);
        truth_out << p.device_id << ',' << p.segment_id << ',' << (p.forward ? 1 : 0) << ','
                  << dispatch::format_time_utc(p.enter_ms) << ','
                  << dispatch::format_time_utc(p.exit_ms) << ',' << data::key(p.work) << ','
                  << length << '\n';
    }
    finish_partial(fixes_out, fixes_path);
    finish_partial(truth_out, truth_path);
    std::printf("%s: %zu fixes of %zu vehicles from %s to %s\n%s: %zu pieces of true path\n",
                fixes_path.string().c_str(), count, simulator.device_ids().size(),
                dispatch::format_time_utc(start).c_str(), dispatch::format_time_utc(end).c_str(),
                truth_path.string().c_str(), simulator.truth().size());
    return 0;
}

// ---- --to ----------------------------------------------------------------------------------

struct Url {
    std::string text;
    std::string host;
    std::string port;
    std::string path;
};

Url parse_url(const std::string& text) {
    const std::string scheme = "http://";
    if (!text.starts_with(scheme)) {
        throw UsageError("simulate: --to '" + text + "' is not an http://HOST:PORT URL");
    }
    Url url{text, "", "80", "/"};
    std::string rest = text.substr(scheme.size());
    if (const auto slash = rest.find('/'); slash != std::string::npos) {
        url.path = rest.substr(slash);
        rest = rest.substr(0, slash);
    }
    if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
        url.port = rest.substr(colon + 1);
        rest = rest.substr(0, colon);
    }
    url.host = rest;
    if (url.host.empty() || url.port.empty() ||
        url.port.find_first_not_of("0123456789") != std::string::npos) {
        throw UsageError("simulate: --to '" + text + "' is not an http://HOST:PORT URL");
    }
    return url;
}

std::string url_encode(const std::string& text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

/// The request target of one fix in the OsmAnd protocol (speed in knots).
std::string osmand_target(const std::string& path, const dispatch::DeviceFix& f) {
    char text[256];
    std::snprintf(text, sizeof text, "lat=%.7f&lon=%.7f&timestamp=%lld.%03lld",
                  f.fix.position.lat_deg, f.fix.position.lon_deg,
                  static_cast<long long>(f.fix.time_ms / 1000),
                  static_cast<long long>(f.fix.time_ms % 1000));
    std::string target = path + (path.find('?') == std::string::npos ? "?" : "&") +
                         "id=" + url_encode(f.device_id) + '&' + text;
    if (f.fix.speed_mps) {
        target += "&speed=" + optional_number(*f.fix.speed_mps * 3600.0 / 1852.0, "%.2f");
    }
    if (f.fix.bearing_deg) {
        target += "&bearing=" + optional_number(f.fix.bearing_deg, "%.1f");
    }
    if (f.fix.accuracy_m) {
        target += "&accuracy=" + optional_number(f.fix.accuracy_m, "%.1f");
    }
    target += "&work=" + std::string(data::key(f.fix.work));
    if (f.fix.blade != data::Blade::unknown) {
        target += "&blade=" + std::string(data::key(f.fix.blade));
    }
    return target;
}

struct Counters {
    std::uint64_t sent = 0;
    std::uint64_t ok = 0;
    std::uint64_t other = 0;
    std::uint64_t errors = 0; ///< connections lost or refused
    std::string first_other;  ///< "HTTP 400: body" of the first non-200 answer
    std::string first_error;
};

/// One keep-alive connection sending queued requests one after another (a device waits for its
/// answer before it sends the next fix). Reconnects after a second when the connection fails.
class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(net::io_context& io, const tcp::resolver::results_type& endpoints, const Url& url,
               Counters& counters)
        : m_io(io), m_socket(io), m_timer(io), m_endpoints(endpoints), m_url(url),
          m_counters(counters) {}

    void enqueue(std::string target) {
        m_queue.push_back(std::move(target));
        if (m_state == State::idle) {
            send();
        }
    }
    void start() { connect(); }
    void stop() {
        m_stopping = true;
        beast::error_code ignored;
        m_timer.cancel();
        m_socket.close(ignored);
    }
    [[nodiscard]] std::size_t backlog() const {
        return m_queue.size() + (m_state == State::busy ? 1 : 0);
    }

private:
    enum class State { connecting, idle, busy };

    void connect() {
        m_state = State::connecting;
        net::async_connect(m_socket, m_endpoints,
                           [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
                               if (self->m_stopping) {
                                   return;
                               }
                               if (ec) {
                                   return self->failed(ec);
                               }
                               self->m_socket.set_option(tcp::no_delay(true));
                               self->m_state = State::idle;
                               self->send();
                           });
    }

    void send() {
        if (m_queue.empty() || m_stopping) {
            m_state = State::idle;
            return;
        }
        m_state = State::busy;
        m_request = {http::verb::get, m_queue.front(), 11};
        m_request.set(http::field::host, m_url.host + ':' + m_url.port);
        m_request.set(http::field::user_agent, "ykm-simulate");
        http::async_write(m_socket, m_request,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) {
                                  return self->failed(ec);
                              }
                              self->receive();
                          });
    }

    void receive() {
        m_parser.emplace();
        m_parser->body_limit(64 * 1024);
        http::async_read(m_socket, m_buffer, *m_parser,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) {
                                 return self->failed(ec);
                             }
                             self->answered();
                         });
    }

    void answered() {
        const auto& response = m_parser->get();
        ++m_counters.sent;
        if (response.result() == http::status::ok) {
            ++m_counters.ok;
        } else {
            ++m_counters.other;
            if (m_counters.first_other.empty()) {
                m_counters.first_other = "HTTP " + std::to_string(response.result_int()) + ": " +
                                         response.body().substr(0, 200);
            }
        }
        m_queue.pop_front();
        if (!response.keep_alive()) {
            beast::error_code ignored;
            m_socket.close(ignored);
            return connect();
        }
        send();
    }

    // The request at the front stays queued and goes again on the next connection (the server
    // drops a fix it already has as a duplicate).
    void failed(beast::error_code ec) {
        if (m_stopping) {
            return;
        }
        ++m_counters.errors;
        if (m_counters.first_error.empty()) {
            m_counters.first_error = ec.message();
        }
        beast::error_code ignored;
        m_socket.close(ignored);
        m_buffer.clear();
        m_state = State::connecting;
        m_timer.expires_after(std::chrono::seconds(1));
        m_timer.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
            if (!wait_ec && !self->m_stopping) {
                self->m_socket = tcp::socket(self->m_io);
                self->connect();
            }
        });
    }

    net::io_context& m_io;
    tcp::socket m_socket;
    net::steady_timer m_timer;
    tcp::resolver::results_type m_endpoints;
    const Url& m_url;
    Counters& m_counters;
    std::deque<std::string> m_queue;
    State m_state = State::connecting;
    bool m_stopping = false;
    http::request<http::empty_body> m_request;
    beast::flat_buffer m_buffer;
    std::optional<http::response_parser<http::string_body>> m_parser;
};

/// Connects once to check that the server is there; throws ykm::Error naming the URL if not.
tcp::resolver::results_type reach(net::io_context& io, const Url& url) {
    tcp::resolver resolver(io);
    beast::error_code ec;
    const auto endpoints = resolver.resolve(url.host, url.port, ec);
    if (ec) {
        throw Error("cannot reach " + url.text + ": " + ec.message());
    }
    tcp::socket probe(io);
    net::steady_timer deadline(io);
    std::optional<beast::error_code> result;
    net::async_connect(probe, endpoints, [&](beast::error_code e, const tcp::endpoint&) {
        result = e;
        deadline.cancel();
    });
    deadline.expires_after(std::chrono::seconds(5));
    deadline.async_wait([&](beast::error_code e) {
        if (!e && !result) {
            result = net::error::timed_out;
            beast::error_code ignored;
            probe.close(ignored);
        }
    });
    io.run();
    io.restart();
    if (!result || *result) {
        throw Error("cannot reach " + url.text + ": " +
                    (result ? result->message() : std::string("no answer")));
    }
    return endpoints;
}

int send_fixes(const Settings& s, dispatch::PlowSimulator& simulator) {
    const Url url = parse_url(*s.to);
    net::io_context io;
    const auto endpoints = reach(io, url);

    const std::vector<std::string> devices = simulator.device_ids();
    std::map<std::string, std::size_t> vehicle_index;
    for (std::size_t i = 0; i < devices.size(); ++i) {
        vehicle_index.emplace(devices[i], i);
    }
    // A connection per 25 vehicles: the server answers a fix only once it is durable, so the
    // connections, each with one request in flight, carry the load together.
    const std::size_t connection_count =
        std::clamp<std::size_t>((devices.size() + 24) / 25, 1, 128);
    Counters counters;
    std::vector<std::shared_ptr<Connection>> connections;
    for (std::size_t i = 0; i < connection_count; ++i) {
        connections.push_back(std::make_shared<Connection>(io, endpoints, url, counters));
        connections.back()->start();
    }

    const std::int64_t start_ms = s.simulation.start_ms;
    const std::optional<std::int64_t> end_ms =
        s.duration_s
            ? std::optional<std::int64_t>(
                  start_ms + static_cast<std::int64_t>(std::llround(*s.duration_s * 1000.0)))
            : std::nullopt;
    const Clock::time_point wall_start = Clock::now();
    Clock::time_point next_report = wall_start + std::chrono::minutes(1);
    std::int64_t simulated_ms = start_ms;
    std::uint64_t queued = 0;
    bool interrupted = false;
    bool draining = false;
    Clock::time_point drain_deadline;

    auto backlog = [&] {
        std::size_t n = 0;
        for (const auto& c : connections) {
            n += c->backlog();
        }
        return n;
    };
    auto report = [&](const char* when) {
        std::printf("%s simulated %s: %llu fixes sent, %llu answered 200, %llu other%s%s, "
                    "%llu connection errors%s%s, %zu waiting\n",
                    when, dispatch::format_time_utc(simulated_ms).c_str(),
                    static_cast<unsigned long long>(counters.sent),
                    static_cast<unsigned long long>(counters.ok),
                    static_cast<unsigned long long>(counters.other),
                    counters.first_other.empty() ? "" : " (first: ",
                    counters.first_other.empty() ? "" : (counters.first_other + ")").c_str(),
                    static_cast<unsigned long long>(counters.errors),
                    counters.first_error.empty() ? "" : " (first: ",
                    counters.first_error.empty() ? "" : (counters.first_error + ")").c_str(),
                    backlog());
        std::fflush(stdout);
    };
    auto stop_all = [&] {
        for (const auto& c : connections) {
            c->stop();
        }
        io.stop();
    };

    net::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code ec, int) {
        if (!ec) {
            interrupted = true;
            stop_all();
        }
    });

    net::steady_timer tick(io);
    std::function<void()> on_tick = [&] {
        const Clock::time_point now = Clock::now();
        if (!draining) {
            const double elapsed_s = std::chrono::duration<double>(now - wall_start).count();
            std::int64_t target =
                start_ms + static_cast<std::int64_t>(elapsed_s * s.speed_up * 1000.0);
            if (end_ms && target >= *end_ms) {
                target = *end_ms;
                draining = true;
                drain_deadline = now + std::chrono::seconds(30);
            }
            for (const dispatch::DeviceFix& f : simulator.advance(target)) {
                const std::size_t v = vehicle_index.at(f.device_id);
                connections[v % connections.size()]->enqueue(osmand_target(url.path, f));
                ++queued;
            }
            simulated_ms = target;
        }
        if (now >= next_report) {
            report("progress:");
            next_report += std::chrono::minutes(1);
        }
        if (draining && (backlog() == 0 || now >= drain_deadline)) {
            stop_all();
            return;
        }
        tick.expires_after(std::chrono::milliseconds(100));
        tick.async_wait([&](beast::error_code ec) {
            if (!ec) {
                on_tick();
            }
        });
    };
    on_tick();
    io.run();

    const std::size_t undelivered = backlog();
    report(interrupted ? "interrupted:" : "done:");
    if (!interrupted && undelivered > 0) {
        std::fprintf(stderr, "ykm simulate: %zu of %llu fixes were not delivered to %s\n",
                     undelivered, static_cast<unsigned long long>(queued), url.text.c_str());
        return 1;
    }
    return 0;
}

// ---- --season ------------------------------------------------------------------------------

/// "21-5" as (21, 5).
std::pair<int, int> night_hours(const std::string& text) {
    const auto dash = text.find('-');
    int from = -1;
    int to = -1;
    if (dash != std::string::npos) {
        const char* end = text.data() + text.size();
        const auto a = std::from_chars(text.data(), text.data() + dash, from);
        const auto b = std::from_chars(text.data() + dash + 1, end, to);
        if (a.ec != std::errc{} || a.ptr != text.data() + dash || b.ec != std::errc{} ||
            b.ptr != end) {
            from = to = -1;
        }
    }
    if (from < 0 || from > 23 || to < 0 || to > 23 || from == to) {
        throw UsageError("simulate: --night-hours '" + text +
                         "' is not two different hours FROM-TO from 0 to 23, like 21-5");
    }
    return {from, to};
}

int run_season(Args& args) {
    dispatch::SeasonOptions o;
    const auto vehicles = integer_option(args.take("--vehicles"), "--vehicles", 1, 100'000);
    const auto nights = integer_option(args.take("--nights"), "--nights", 1, 3660);
    if (const auto start = args.take("--start")) {
        try {
            (void)dispatch::jst_day_start_ms(*start);
        } catch (const Error&) {
            throw UsageError("simulate: --start '" + *start + "' is not a date YYYY-MM-DD");
        }
        o.start_date = *start;
    }
    o.interval_s = number_option(args.take("--interval"), "--interval", 0.1, 3600.0).value_or(5.0);
    o.noise_m = number_option(args.take("--noise"), "--noise", 0.0, 1000.0).value_or(10.0);
    o.dropout = number_option(args.take("--dropout"), "--dropout", 0.0, 0.99).value_or(0.0);
    o.seed =
        integer_option(args.take("--seed"), "--seed", 0, std::numeric_limits<std::uint64_t>::max())
            .value_or(1);
    if (const auto hours = args.take("--night-hours")) {
        std::tie(o.night_start_hour, o.night_end_hour) = night_hours(*hours);
    }
    for (const char* other : {"--to", "--out", "--speed-up", "--duration"}) {
        if (args.take(other)) {
            throw UsageError(std::string("simulate: ") + other + " does not go with --season");
        }
    }
    const auto rest = args.positional(1, 1, "PROJECT --season --vehicles N --nights K");
    if (!vehicles || !nights) {
        throw UsageError("simulate: --season needs --vehicles N and --nights K (see ykm simulate "
                         "--help)");
    }
    o.vehicles = static_cast<std::size_t>(*vehicles);
    o.nights = static_cast<std::size_t>(*nights);
    o.actor = login_name();

    data::Project project = data::Project::open(rest[0]);
    const Clock::time_point started = Clock::now();
    const data::Progress bar = terminal_progress();
    dispatch::SeasonResult result;
    {
        ProgressLine line;
        result = dispatch::simulate_season(project, o, [&](const dispatch::SeasonProgress& p) {
            if (bar) {
                bar("night " + std::to_string(p.nights_done) + "/" + std::to_string(p.nights) +
                        ", " + std::to_string(p.fixes_written) + " fixes",
                    static_cast<double>(p.nights_done) / static_cast<double>(p.nights));
            }
        });
    }
    const double elapsed_s = std::chrono::duration<double>(Clock::now() - started).count();
    const data::SeasonLogStats stats = data::SeasonLog(project.database()).stats();
    std::printf("%s: %zu nights from %s to %s, %zu vehicles (%zu added, %zu contractors added)\n"
                "%llu fixes, %llu passes, %zu hourly coverage summaries in %.1f s (%.0f fixes/s)\n"
                "season log: %lld fixes in %lld blocks, %.2f bytes per fix\n",
                rest[0].c_str(), result.nights.size(), result.nights.front().date_jst.c_str(),
                result.nights.back().date_jst.c_str(), result.vehicles.size(),
                result.vehicles_created, result.contractors_created,
                static_cast<unsigned long long>(result.fixes),
                static_cast<unsigned long long>(result.passes), result.coverage_hours, elapsed_s,
                static_cast<double>(result.fixes) / std::max(elapsed_s, 1e-9),
                static_cast<long long>(stats.fix_count), static_cast<long long>(stats.block_count),
                stats.fix_count > 0
                    ? static_cast<double>(stats.stored_bytes) / static_cast<double>(stats.fix_count)
                    : 0.0);
    return 0;
}

} // namespace

int run_simulate(Args& args) {
    if (args.flag("--help")) {
        std::fputs(simulate_usage, stdout);
        return 0;
    }
    if (args.flag("--season")) {
        return run_season(args);
    }
    Settings s;
    const auto vehicles = integer_option(args.take("--vehicles"), "--vehicles", 1, 100'000);
    s.to = args.take("--to");
    if (const auto out = args.take("--out")) {
        s.out = *out;
    }
    s.simulation.interval_s =
        number_option(args.take("--interval"), "--interval", 0.1, 3600.0).value_or(5.0);
    s.simulation.noise_m =
        number_option(args.take("--noise"), "--noise", 0.0, 1000.0).value_or(10.0);
    s.simulation.dropout =
        number_option(args.take("--dropout"), "--dropout", 0.0, 0.99).value_or(0.0);
    const auto speed_up = number_option(args.take("--speed-up"), "--speed-up", 0.01, 10'000.0);
    s.duration_s = number_option(args.take("--duration"), "--duration", 1.0, 1e8);
    s.simulation.seed =
        integer_option(args.take("--seed"), "--seed", 0, std::numeric_limits<std::uint64_t>::max())
            .value_or(1);
    const auto start = args.take("--start");
    const auto rest = args.positional(1, 1, "PROJECT --vehicles N (--to URL | --out FILE)");
    s.project = rest[0];
    if (!vehicles) {
        throw UsageError("simulate: --vehicles N is needed (see ykm simulate --help)");
    }
    if (s.to.has_value() == s.out.has_value()) {
        throw UsageError("simulate: give one of --to http://HOST:PORT or --out FILE");
    }
    if (speed_up && !s.to) {
        throw UsageError("simulate: --speed-up paces sending; it needs --to");
    }
    if (s.to) {
        parse_url(*s.to); // a bad URL is reported before the project is read
    }
    s.simulation.vehicles = static_cast<std::size_t>(*vehicles);
    s.speed_up = speed_up.value_or(1.0);
    if (!start || *start == "now") {
        s.simulation.start_ms = dispatch::now_ms();
    } else if (const auto t = dispatch::parse_time_ms(*start)) {
        s.simulation.start_ms = *t;
    } else {
        throw UsageError("simulate: --start '" + *start +
                         "' is not a time (ISO 8601 with a zone, Unix seconds, or now)");
    }

    data::Project project = data::Project::open(s.project, data::OpenMode::read_only);
    const gis::RoadGraph graph(project.load_road_network());
    dispatch::PlowSimulator simulator(project, graph, s.simulation);
    return s.to ? send_fixes(s, simulator) : write_files(s, simulator);
}

} // namespace ykm::cli

#include "ykm/dispatch/ingest_server.hpp"

#include "endpoint.hpp"
#include "ykm/data/project.hpp"
#include "ykm/dispatch/fix_validator.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/gis/error.hpp"

// Before Asio: Boost 1.74's awaitable.hpp uses std::exchange without including it.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace ykm::dispatch {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

constexpr std::size_t header_limit_bytes = 8 * 1024;
constexpr std::size_t nmea_line_limit_bytes = 1024;
using Clock = std::chrono::steady_clock;
// After an error response that closes the connection, what the client still sends is read and
// dropped for this long, so that closing does not reset the connection before it reads the
// response.
constexpr auto drain_timeout = 2s;
// Idle connections are found by a sweep this often instead of a timer per read (cheaper with
// thousands of connections).
constexpr auto sweep_interval = 1s;
constexpr std::size_t max_connections = 16'384;
// NMEA has no acknowledgement to slow a unit down: above this many queued fixes the NMEA
// connections stop reading for a moment, so a flood cannot grow the queue without bound.
constexpr std::size_t max_queued_for_nmea = 200'000;
constexpr auto nmea_backoff = 20ms;
constexpr std::size_t max_log_keys = 10'000;
constexpr std::uint64_t log_first = 10;
constexpr std::uint64_t log_every = 1000;

std::string json_text(const nlohmann::json& j) {
    // Messages quote what clients sent, which may not be UTF-8.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string error_body(std::string_view error, const std::string& message) {
    return json_text({{"error", error}, {"message", message}});
}

class Session;
class HttpSession;

/// A fix waiting for the writer; `session` waits for its commit (null for NMEA).
struct Pending {
    data::Fix fix;
    std::shared_ptr<HttpSession> session;
};

/// The server's state, shared by its connections.
struct Core {
    std::filesystem::path project_path;
    IngestOptions options;
    std::function<void(std::span<const data::Fix>)> on_durable;
    std::function<void(const std::string&)> log;

    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> duplicates{0};
    std::atomic<std::uint64_t> rejected{0};
    std::atomic<std::uint64_t> commits{0};
    std::atomic<std::size_t> nmea_sessions{0};
    std::atomic<std::size_t> queued{0}; ///< fixes waiting for the writer

    std::mutex validator_mutex;
    std::optional<FixValidator> validator;
    std::size_t device_count = 0;

    std::mutex queue_mutex;
    std::condition_variable queue_cv;
    std::vector<Pending> queue;
    bool writer_stopping = false;
    std::optional<data::Project> project; // the writer's connection

    std::mutex sessions_mutex;
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

    std::mutex log_mutex;
    std::unordered_map<std::string, std::uint64_t> log_counts;

    std::uint16_t http_port = 0;
    std::optional<std::uint16_t> nmea_port;
    bool started = false;
    bool stopped = false;
    /// With one network thread every handler runs on it and connections need no strands.
    bool strands = false;
    std::thread writer;
    std::vector<std::thread> io_threads;

    // Declared last: destroyed first, with any handler (and session) still queued in it.
    net::io_context ioc;
    std::optional<tcp::acceptor> http_acceptor;
    std::optional<tcp::acceptor> nmea_acceptor;
    std::optional<net::steady_timer> sweep_timer;

    net::any_io_executor connection_executor() {
        return strands ? net::any_io_executor(net::make_strand(ioc))
                       : net::any_io_executor(ioc.get_executor());
    }

    void note(const std::string& line) {
        if (log) {
            try {
                log(line);
            } catch (...) {
                // A failing log sink must not take a connection down.
            }
        }
    }

    /// Logs a rejection: the first few of each device and reason, then every 1000th with a
    /// count, so that a flood cannot fill a disk.
    void note_rejection(const std::string& device, std::string_view reason,
                        const std::string& line) {
        if (!log) {
            return;
        }
        std::uint64_t count = 0;
        {
            std::lock_guard lock(log_mutex);
            std::string k = device + '\n' + std::string(reason);
            auto it = log_counts.find(k);
            if (it == log_counts.end() && log_counts.size() >= max_log_keys) {
                // Random device ids must not grow the table without bound.
                k = std::string("*\n") + std::string(reason);
                it = log_counts.find(k);
            }
            if (it == log_counts.end()) {
                it = log_counts.emplace(std::move(k), 0).first;
            }
            count = ++it->second;
        }
        if (count <= log_first) {
            note(line + (count == log_first ? " (further ones logged every 1000th)" : ""));
        } else if (count % log_every == 0) {
            note(line + " (" + std::to_string(count) + " times)");
        }
    }

    /// Validates a parsed fix; accepted ones are returned, rejected ones counted and logged
    /// with `where()` (called only then).
    template <typename Where>
    std::optional<data::Fix> validate(const DeviceFix& fix, const Where& where,
                                      FixVerdict& verdict) {
        {
            std::lock_guard lock(validator_mutex);
            verdict = validator->check(fix, now_ms());
        }
        if (verdict.accepted) {
            return verdict.accepted;
        }
        ++rejected;
        const std::string_view reason = key(*verdict.rejected);
        note_rejection(fix.device_id, reason,
                       where() + " " + std::string(reason) + ": " + verdict.message);
        return std::nullopt;
    }

    /// Queues a fix for the writer; false once the writer has stopped.
    bool enqueue(Pending pending) {
        {
            std::lock_guard lock(queue_mutex);
            if (writer_stopping) {
                return false;
            }
            queue.push_back(std::move(pending));
        }
        ++queued;
        queue_cv.notify_one();
        return true;
    }

    void writer_loop();
    void complete(std::vector<std::shared_ptr<HttpSession>>& waiting, bool ok);
    void add_session(const std::shared_ptr<Session>& s);
    void remove_session(Session* s);
    std::vector<std::shared_ptr<Session>> open_sessions();
    std::size_t session_count() {
        std::lock_guard lock(sessions_mutex);
        return sessions.size();
    }
    void accept_http();
    void accept_nmea();
    void sweep();
    nlohmann::json health();
};

/// A connection: registered with the server so that stop() and the idle sweep find it.
class Session {
public:
    explicit Session(Core& server) : m_server(server) {}
    virtual ~Session() { m_server.remove_session(this); }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    /// On the session's executor, from stop(): close now, or after the pending response.
    virtual void shut_down() = 0;
    /// On the session's executor, from the sweep: close when a deadline has passed.
    virtual void check_idle(Clock::time_point now) = 0;
    virtual net::any_io_executor executor() = 0;

protected:
    Core& m_server;
};

std::string peer_text(const tcp::socket& socket) {
    boost::system::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    return ec ? std::string("?") : endpoint_text(peer);
}

// The answer to a stored fix, pre-formatted: the common case needs no serializer.
constexpr std::string_view ok_11 = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
constexpr std::string_view ok_11_close =
    "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
constexpr std::string_view ok_10_keep_alive =
    "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n";
constexpr std::string_view ok_10 = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
constexpr std::string_view continue_11 = "HTTP/1.1 100 Continue\r\n\r\n";

class HttpSession : public Session, public std::enable_shared_from_this<HttpSession> {
public:
    HttpSession(Core& server, tcp::socket socket)
        : Session(server), m_socket(std::move(socket)), m_peer(peer_text(m_socket)) {}

    void start() { read_header(); }

    void shut_down() override {
        if (m_waiting || m_writing) {
            m_closing = true;
        } else {
            close();
        }
    }
    void check_idle(Clock::time_point now) override {
        if (now > m_deadline) {
            close();
        }
    }
    net::any_io_executor executor() override { return m_socket.get_executor(); }

    /// The writer committed (or failed to commit) this session's fix; on the session's executor.
    void durable(bool ok) {
        m_waiting = false;
        if (!ok) {
            respond(http::status::service_unavailable,
                    error_body("storage_failed", "the fix could not be stored; send it again"));
            return;
        }
        m_keep_alive = m_keep_alive && !m_closing;
        write_static(m_version == 10 ? (m_keep_alive ? ok_10_keep_alive : ok_10)
                                     : (m_keep_alive ? ok_11 : ok_11_close));
    }

private:
    tcp::socket m_socket;
    std::string m_peer;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    http::response<http::string_body> m_response; // errors and /health only
    std::string m_form;
    Clock::time_point m_deadline = Clock::time_point::max();
    unsigned m_version = 11;
    bool m_keep_alive = true;
    bool m_close_after = false;
    bool m_waiting = false;
    bool m_writing = false;
    bool m_closing = false;
    bool m_closed = false;
    std::array<char, 4096> m_drain{};

    void arm(Clock::duration timeout) { m_deadline = Clock::now() + timeout; }

    std::string where() const { return "http " + m_peer; }

    void read_header() {
        m_parser.emplace();
        m_parser->header_limit(static_cast<std::uint32_t>(header_limit_bytes));
        m_parser->body_limit(m_server.options.max_body_bytes);
        arm(m_server.options.http_idle_timeout);
        http::async_read_header(
            m_socket, m_buffer, *m_parser,
            beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
    }

    void on_header(beast::error_code ec, std::size_t /*bytes*/) {
        if (ec) {
            return on_error(ec);
        }
        if (!m_parser->is_done() &&
            beast::iequals(m_parser->get()[http::field::expect], "100-continue")) {
            // curl and some libraries wait for this before they send a body.
            net::async_write(m_socket, net::buffer(continue_11.data(), continue_11.size()),
                             [self = shared_from_this()](beast::error_code e, std::size_t) {
                                 if (e) {
                                     return self->close();
                                 }
                                 self->read_body();
                             });
            return;
        }
        read_body();
    }

    void read_body() {
        if (m_parser->is_done()) {
            return on_read({}, 0); // no body: nothing more to wait for
        }
        http::async_read(m_socket, m_buffer, *m_parser,
                         beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
    }

    void on_error(beast::error_code ec) {
        if (m_closed) {
            return;
        }
        if (ec == http::error::body_limit) {
            ++m_server.rejected;
            m_close_after = true;
            return respond(
                http::status::payload_too_large,
                error_body("body_too_large", "the body is larger than " +
                                                 std::to_string(m_server.options.max_body_bytes) +
                                                 " bytes"));
        }
        if (ec == http::error::header_limit) {
            ++m_server.rejected;
            m_close_after = true;
            return respond(http::status::request_header_fields_too_large,
                           error_body("header_too_large", "the request header is larger than " +
                                                              std::to_string(header_limit_bytes) +
                                                              " bytes"));
        }
        if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
            ec != http::error::end_of_stream && ec != http::error::partial_message) {
            ++m_server.rejected;
            m_server.note_rejection(m_peer, "bad_request",
                                    where() + " bad_request: " + ec.message());
            m_close_after = true;
            return respond(http::status::bad_request,
                           error_body("bad_request", "not an HTTP request: " + ec.message()));
        }
        close(); // end of stream, reset, closed by the sweep or by stop()
    }

    void on_read(beast::error_code ec, std::size_t /*bytes*/) {
        if (ec) {
            return on_error(ec);
        }
        const auto& req = m_parser->get();
        m_version = req.version();
        m_keep_alive = req.keep_alive();
        if (req.method() != http::verb::get && req.method() != http::verb::post) {
            ++m_server.rejected;
            return respond(
                http::status::method_not_allowed,
                error_body("method_not_allowed",
                           "method " + std::string(req.method_string()) + ": use GET or POST"));
        }
        const std::string_view target(req.target().data(), req.target().size());
        const std::size_t q = target.find('?');
        const std::string_view path = target.substr(0, q);
        const std::string_view query =
            q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
        if (path == "/health" && req.method() == http::verb::get) {
            return respond(http::status::ok, json_text(m_server.health()));
        }
        const std::string& body = req.body();
        const std::size_t first = body.find_first_not_of(" \t\r\n");
        const bool json =
            req.method() == http::verb::post &&
            (beast::iequals(req[http::field::content_type].substr(0, 16), "application/json") ||
             (first != std::string::npos && body[first] == '{'));
        ParsedFix parsed;
        const std::int64_t now = now_ms();
        if (json) {
            parsed = parse_osmand_json(body, now);
        } else if (body.empty()) {
            parsed = parse_osmand_form(query, now);
        } else {
            // Old Traccar Client sends a POST with the fields in the query; others put some in
            // the body: both count, and a field given in both must agree.
            m_form.assign(query);
            if (!m_form.empty()) {
                m_form.push_back('&');
            }
            m_form.append(body);
            parsed = parse_osmand_form(m_form, now);
        }
        if (!parsed.fix) {
            ++m_server.rejected;
            m_server.note_rejection(m_peer, "malformed", where() + " malformed: " + parsed.error);
            return respond(http::status::bad_request, error_body("malformed", parsed.error));
        }
        FixVerdict verdict;
        auto fix = m_server.validate(
            *parsed.fix, [this] { return where(); }, verdict);
        if (!fix) {
            return respond(http::status::bad_request,
                           error_body(key(*verdict.rejected), verdict.message));
        }
        m_waiting = true;
        // The writer answers every fix it takes, so no deadline while it has this one.
        m_deadline = Clock::time_point::max();
        if (!m_server.enqueue(Pending{*fix, shared_from_this()})) {
            m_waiting = false;
            m_close_after = true;
            respond(http::status::service_unavailable,
                    error_body("stopping", "the server is shutting down; send it again"));
        }
    }

    void write_static(std::string_view response) {
        m_writing = true;
        arm(m_server.options.http_idle_timeout);
        net::async_write(m_socket, net::buffer(response.data(), response.size()),
                         beast::bind_front_handler(&HttpSession::on_write, shared_from_this()));
    }

    void respond(http::status status, std::string body) {
        m_response = {};
        m_response.result(status);
        m_response.version(m_version);
        m_keep_alive = m_keep_alive && !m_close_after && !m_closing;
        m_response.keep_alive(m_keep_alive);
        if (status == http::status::method_not_allowed) {
            m_response.set(http::field::allow, "GET, POST");
        }
        if (!body.empty()) {
            m_response.set(http::field::content_type, "application/json");
        }
        m_response.body() = std::move(body);
        m_response.prepare_payload();
        m_writing = true;
        arm(m_server.options.http_idle_timeout);
        http::async_write(m_socket, m_response,
                          beast::bind_front_handler(&HttpSession::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t /*bytes*/) {
        m_writing = false;
        if (ec) {
            return close();
        }
        if (m_close_after) {
            return drain();
        }
        if (m_closing || !m_keep_alive) {
            return close();
        }
        read_header();
    }

    /// Half-closes, then reads and drops what the client still sends until it closes too or
    /// drain_timeout passes.
    void drain() {
        boost::system::error_code ignored;
        m_socket.shutdown(tcp::socket::shutdown_send, ignored);
        arm(drain_timeout);
        drain_more();
    }

    void drain_more() {
        m_socket.async_read_some(net::buffer(m_drain),
                                 [self = shared_from_this()](beast::error_code e, std::size_t) {
                                     if (e) {
                                         return self->close();
                                     }
                                     self->drain_more();
                                 });
    }

    void close() {
        if (m_closed) {
            return;
        }
        m_closed = true;
        m_deadline = Clock::time_point::max();
        boost::system::error_code ignored;
        m_socket.shutdown(tcp::socket::shutdown_both, ignored);
        m_socket.close(ignored);
    }
};

class NmeaSession : public Session, public std::enable_shared_from_this<NmeaSession> {
public:
    NmeaSession(Core& server, tcp::socket socket)
        : Session(server), m_socket(std::move(socket)), m_backoff(m_socket.get_executor()),
          m_peer(peer_text(m_socket)) {
        ++m_server.nmea_sessions;
    }
    ~NmeaSession() override { --m_server.nmea_sessions; }
    NmeaSession(const NmeaSession&) = delete;
    NmeaSession& operator=(const NmeaSession&) = delete;

    void start() { read(); }
    void shut_down() override { close(); }
    void check_idle(Clock::time_point now) override {
        if (now > m_deadline) {
            m_server.note(where() + ": silent for " +
                          std::to_string(m_server.options.nmea_idle_timeout.count()) +
                          " s; closing the connection");
            close();
        }
    }
    net::any_io_executor executor() override { return m_socket.get_executor(); }

private:
    tcp::socket m_socket;
    net::steady_timer m_backoff;
    std::string m_peer;
    std::string m_buffer;
    NmeaReader m_reader;
    Clock::time_point m_deadline = Clock::time_point::max();
    bool m_closed = false;

    void read() {
        if (m_server.queued.load() > max_queued_for_nmea) {
            m_backoff.expires_after(nmea_backoff);
            m_backoff.async_wait([self = shared_from_this()](boost::system::error_code ec) {
                if (!ec && !self->m_closed) {
                    self->read();
                }
            });
            return;
        }
        m_deadline = Clock::now() + m_server.options.nmea_idle_timeout;
        net::async_read_until(m_socket, net::dynamic_buffer(m_buffer, nmea_line_limit_bytes), '\n',
                              beast::bind_front_handler(&NmeaSession::on_read, shared_from_this()));
    }

    std::string where() const {
        return "nmea " + m_peer + " device " +
               (m_reader.device_id().empty() ? std::string("?") : m_reader.device_id());
    }

    void on_read(beast::error_code ec, std::size_t n) {
        if (m_closed) {
            return;
        }
        if (ec == net::error::not_found) {
            ++m_server.rejected;
            m_server.note_rejection(m_peer, "line_too_long",
                                    where() + ": a line longer than " +
                                        std::to_string(nmea_line_limit_bytes) +
                                        " bytes; closing the connection");
            m_buffer.clear();
            return close();
        }
        if (ec) {
            if (ec == net::error::eof && !m_buffer.empty()) {
                line(m_buffer); // a last line without a newline
            }
            return close();
        }
        line(std::string_view(m_buffer).substr(0, n - 1));
        m_buffer.erase(0, n);
        read();
    }

    void line(std::string_view text) {
        auto r = m_reader.line(text);
        if (!r.error.empty()) {
            ++m_server.rejected;
            m_server.note_rejection(m_reader.device_id().empty() ? m_peer : m_reader.device_id(),
                                    r.no_fix ? "no_fix" : "malformed", where() + ": " + r.error);
        }
        store(r.fixes);
    }

    void store(const std::vector<DeviceFix>& fixes) {
        for (const DeviceFix& f : fixes) {
            FixVerdict verdict;
            if (auto fix = m_server.validate(
                    f, [this] { return where(); }, verdict)) {
                if (!m_server.enqueue(Pending{*fix, nullptr})) {
                    m_server.note(where() + ": server stopping, a fix was dropped");
                }
            }
        }
    }

    void close() {
        if (m_closed) {
            return;
        }
        m_closed = true;
        m_deadline = Clock::time_point::max();
        m_backoff.cancel();
        store(m_reader.finish());
        boost::system::error_code ignored;
        m_socket.shutdown(tcp::socket::shutdown_both, ignored);
        m_socket.close(ignored);
    }
};

void Core::add_session(const std::shared_ptr<Session>& s) {
    std::lock_guard lock(sessions_mutex);
    sessions.emplace(s.get(), s);
}

void Core::remove_session(Session* s) {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(s);
}

std::vector<std::shared_ptr<Session>> Core::open_sessions() {
    std::vector<std::shared_ptr<Session>> open;
    std::lock_guard lock(sessions_mutex);
    open.reserve(sessions.size());
    for (auto& [raw, weak] : sessions) {
        if (auto session = weak.lock()) {
            open.push_back(std::move(session));
        }
    }
    return open;
}

void Core::sweep() {
    sweep_timer->expires_after(sweep_interval);
    sweep_timer->async_wait([this](boost::system::error_code ec) {
        if (ec) {
            return; // cancelled by stop()
        }
        const auto now = Clock::now();
        for (auto& session : open_sessions()) {
            auto executor = session->executor();
            net::post(executor, [s = std::move(session), now] { s->check_idle(now); });
        }
        sweep();
    });
}

nlohmann::json Core::health() {
    std::size_t devices = 0;
    {
        std::lock_guard lock(validator_mutex);
        devices = device_count;
    }
    return {{"status", "ok"},
            {"accepted", accepted.load()},
            {"duplicates", duplicates.load()},
            {"rejected", rejected.load()},
            {"commits", commits.load()},
            {"queued", queued.load()},
            {"connections", session_count()},
            {"devices", devices}};
}

void Core::accept_http() {
    http_acceptor->async_accept(
        connection_executor(), [this](boost::system::error_code ec, tcp::socket socket) {
            if (ec == net::error::operation_aborted || !http_acceptor->is_open()) {
                return;
            }
            if (ec) {
                note_rejection("*", "accept", "http accept: " + ec.message());
                // Out of file descriptors: wait instead of spinning.
                auto timer = std::make_shared<net::steady_timer>(ioc, 50ms);
                timer->async_wait([this, timer](boost::system::error_code) { accept_http(); });
                return;
            }
            if (session_count() >= max_connections) {
                note_rejection("*", "too_many_connections",
                               "http: more than " + std::to_string(max_connections) +
                                   " connections; refusing one");
            } else {
                boost::system::error_code ignored;
                socket.set_option(tcp::no_delay(true), ignored);
                auto session = std::make_shared<HttpSession>(*this, std::move(socket));
                add_session(session);
                session->start();
            }
            accept_http();
        });
}

void Core::accept_nmea() {
    nmea_acceptor->async_accept(
        connection_executor(), [this](boost::system::error_code ec, tcp::socket socket) {
            if (ec == net::error::operation_aborted || !nmea_acceptor->is_open()) {
                return;
            }
            if (ec) {
                note_rejection("*", "accept", "nmea accept: " + ec.message());
                auto timer = std::make_shared<net::steady_timer>(ioc, 50ms);
                timer->async_wait([this, timer](boost::system::error_code) { accept_nmea(); });
                return;
            }
            if (session_count() >= max_connections) {
                note_rejection("*", "too_many_connections",
                               "nmea: more than " + std::to_string(max_connections) +
                                   " connections; refusing one");
            } else {
                auto session = std::make_shared<NmeaSession>(*this, std::move(socket));
                add_session(session);
                session->start();
            }
            accept_nmea();
        });
}

void Core::complete(std::vector<std::shared_ptr<HttpSession>>& waiting, bool ok) {
    if (waiting.empty()) {
        return;
    }
    if (!strands) {
        // One network thread: one handler answers the whole batch.
        net::post(ioc, [sessions = std::move(waiting), ok] {
            for (const auto& s : sessions) {
                s->durable(ok);
            }
        });
        waiting = {};
        return;
    }
    for (auto& s : waiting) {
        auto executor = s->executor();
        net::post(executor, [session = std::move(s), ok] { session->durable(ok); });
    }
    waiting.clear();
}

void Core::writer_loop() {
    data::SeasonLog season_log(project->database());
    std::vector<Pending> batch;
    std::vector<data::Fix> fixes;
    std::vector<std::shared_ptr<HttpSession>> waiting;
    while (true) {
        {
            std::unique_lock lock(queue_mutex);
            queue_cv.wait(lock, [this] { return !queue.empty() || writer_stopping; });
            if (queue.empty()) {
                return;
            }
            batch.swap(queue);
        }
        queued -= batch.size();
        fixes.clear();
        fixes.reserve(batch.size());
        for (Pending& p : batch) {
            fixes.push_back(p.fix);
            if (p.session) {
                waiting.push_back(std::move(p.session));
            }
        }
        batch.clear();
        bool ok = true;
        try {
            const data::AppendResult r = season_log.append(fixes);
            accepted += r.stored;
            duplicates += r.duplicates;
            ++commits;
        } catch (const std::exception& e) {
            ok = false;
            note(std::string("storage failed, ") + std::to_string(fixes.size()) +
                 " fixes not stored (HTTP clients get 503 and resend): " + e.what());
        }
        complete(waiting, ok);
        if (ok && on_durable) {
            try {
                on_durable(fixes);
            } catch (const std::exception& e) {
                note(std::string("on_durable failed: ") + e.what());
            }
        }
    }
}

} // namespace

struct IngestServer::Impl : Core {};

IngestServer::IngestServer(const std::filesystem::path& project, IngestOptions options,
                           std::function<void(std::span<const data::Fix>)> on_durable,
                           std::function<void(const std::string&)> log)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->project_path = project;
    m_impl->options = std::move(options);
    m_impl->on_durable = std::move(on_durable);
    m_impl->log = std::move(log);
}

IngestServer::~IngestServer() {
    try {
        stop();
    } catch (...) {
        // A destructor must not throw; stop() reports failures when called directly.
    }
}

void IngestServer::start() {
    Impl& s = *m_impl;
    if (s.started) {
        throw Error("ingest server: already started");
    }
    if (s.options.io_threads < 1) {
        throw Error("ingest server: io_threads must be at least 1");
    }
    const tcp::endpoint http_at = parse_endpoint(s.options.http_listen, "HTTP listen address");
    std::optional<tcp::endpoint> nmea_at;
    if (s.options.nmea_listen) {
        nmea_at = parse_endpoint(*s.options.nmea_listen, "NMEA listen address");
    }

    s.project.emplace(data::Project::open(s.project_path, data::OpenMode::read_write));
    data::SeasonLog::open_for_logging(s.project->database());
    const gis::Box extent = s.project->info().extent_lonlat;
    auto devices = load_device_table(s.project->database());
    s.device_count = devices.size();
    s.validator.emplace(std::move(devices), extent);

    auto listen = [&s](std::optional<tcp::acceptor>& acceptor, const tcp::endpoint& at,
                       const std::string& text) {
        listen_on(acceptor, s.ioc, at, text);
        return acceptor->local_endpoint().port();
    };
    s.http_port = listen(s.http_acceptor, http_at, s.options.http_listen);
    if (nmea_at) {
        try {
            s.nmea_port = listen(s.nmea_acceptor, *nmea_at, *s.options.nmea_listen);
        } catch (...) {
            s.http_acceptor.reset();
            throw;
        }
    }
    s.strands = s.options.io_threads > 1;
    s.accept_http();
    if (s.nmea_acceptor) {
        s.accept_nmea();
    }
    s.sweep_timer.emplace(s.ioc);
    s.sweep();
    s.started = true;
    s.writer = std::thread([&s] {
        try {
            s.writer_loop();
        } catch (const std::exception& e) {
            s.note(std::string("writer stopped: ") + e.what());
        }
    });
    start_io_threads(s.ioc, s.options.io_threads, s.io_threads,
                     [&s](const std::string& line) { s.note(line); });
}

void IngestServer::stop() {
    Impl& s = *m_impl;
    if (!s.started || s.stopped) {
        return;
    }
    s.stopped = true;
    // 1. No new connections.
    for (auto* acceptor : {&s.http_acceptor, &s.nmea_acceptor}) {
        if (*acceptor) {
            net::post((*acceptor)->get_executor(), [a = &**acceptor] {
                boost::system::error_code ignored;
                a->close(ignored);
            });
        }
    }
    net::post(s.ioc, [&s] { s.sweep_timer->cancel(); });
    // 2. Close idle connections; those waiting for a commit close after their response.
    for (auto& session : s.open_sessions()) {
        auto executor = session->executor();
        net::post(executor, [session = std::move(session)] { session->shut_down(); });
    }
    // NMEA connections hand their last fix over as they close: wait for them before the writer
    // stops.
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (s.nmea_sessions.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    // 3. Commit what is queued, answer the waiting devices, stop the writer.
    {
        std::lock_guard lock(s.queue_mutex);
        s.writer_stopping = true;
    }
    s.queue_cv.notify_all();
    s.writer.join();
    // 4. Let the last responses go out, then stop the threads.
    const auto last_call = std::chrono::steady_clock::now() + 5s;
    while (s.session_count() > 0 && std::chrono::steady_clock::now() < last_call) {
        std::this_thread::sleep_for(5ms);
    }
    s.ioc.stop();
    for (std::thread& t : s.io_threads) {
        t.join();
    }
    s.io_threads.clear();
    s.project.reset();
}

void IngestServer::reload_devices() {
    data::Database db(m_impl->project_path, data::OpenMode::read_only);
    auto devices = load_device_table(db);
    std::lock_guard lock(m_impl->validator_mutex);
    m_impl->device_count = devices.size();
    if (m_impl->validator) {
        m_impl->validator->set_devices(std::move(devices));
    }
}

std::uint16_t IngestServer::http_port() const {
    return m_impl->http_port;
}

std::optional<std::uint16_t> IngestServer::nmea_port() const {
    return m_impl->nmea_port;
}

IngestStats IngestServer::stats() const {
    return IngestStats{m_impl->accepted.load(), m_impl->duplicates.load(), m_impl->rejected.load(),
                       m_impl->commits.load()};
}

} // namespace ykm::dispatch

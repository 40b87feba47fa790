#include "ykm/dispatch/portal_server.hpp"

#include "endpoint.hpp"
#include "portal_api.hpp"
#include "ykm/data/project.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/gis/error.hpp"

// Before Asio: Boost 1.74's awaitable.hpp uses std::exchange without including it.
#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

namespace ykm::dispatch {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

constexpr std::size_t header_limit_bytes = 16 * 1024;
constexpr std::size_t max_queued_events = 1000;
constexpr std::size_t max_connections = 16'384;

/// Connections to the project for the workers, opened as needed and kept.
class ProjectPool {
public:
    explicit ProjectPool(std::filesystem::path path) : m_path(std::move(path)) {}

    class Lease {
    public:
        Lease(ProjectPool& pool, std::unique_ptr<data::Project> p)
            : m_pool(pool), m_project(std::move(p)) {}
        ~Lease() { m_pool.give_back(std::move(m_project)); }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        data::Project& operator*() { return *m_project; }

    private:
        ProjectPool& m_pool;
        std::unique_ptr<data::Project> m_project;
    };

    Lease take() {
        {
            std::lock_guard lock(m_mutex);
            if (!m_free.empty()) {
                auto p = std::move(m_free.back());
                m_free.pop_back();
                return {*this, std::move(p)};
            }
        }
        return {*this, std::make_unique<data::Project>(
                           data::Project::open(m_path, data::OpenMode::read_write))};
    }

private:
    std::filesystem::path m_path;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<data::Project>> m_free;

    void give_back(std::unique_ptr<data::Project> p) {
        if (!p) {
            return;
        }
        std::lock_guard lock(m_mutex);
        m_free.push_back(std::move(p));
    }
};

/// What the server needs from a connection that streams events.
class Subscriber {
public:
    virtual ~Subscriber() = default;
    virtual void send(std::shared_ptr<const std::string> text) = 0;
    virtual void shut_down() = 0;
};

struct Core {
    std::filesystem::path project_path;
    PortalOptions options;
    std::function<void(const std::string&)> log;
    std::optional<portal::LoginLimiter> limiter;
    std::optional<portal::Api> api;
    std::optional<ProjectPool> pool;
    std::optional<ssl::context> tls;

    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> errors{0};
    std::atomic<std::uint64_t> events_sent{0};
    std::atomic<std::size_t> connections{0};

    struct Subscription {
        portal::Viewer viewer;
        std::weak_ptr<Subscriber> subscriber;
    };
    std::mutex subscribers_mutex;
    std::list<Subscription> subscribers;

    /// Every open connection, for stop().
    std::mutex open_mutex;
    std::list<std::weak_ptr<Subscriber>> open;

    std::mutex watch_mutex;
    std::condition_variable watch_cv;
    bool watch_now = false;
    bool watch_stop = false;
    std::thread watcher;

    std::uint16_t port = 0;
    bool started = false;
    bool stopped = false;
    std::vector<std::thread> io_threads;
    std::optional<net::thread_pool> workers;

    net::io_context ioc;
    std::optional<tcp::acceptor> acceptor;

    void note(const std::string& line) {
        if (log) {
            try {
                log(line);
            } catch (...) {
                // A failing log sink must not take a connection down.
            }
        }
    }

    void changed() {
        {
            std::lock_guard lock(watch_mutex);
            watch_now = true;
        }
        watch_cv.notify_one();
    }

    void subscribe(const portal::Viewer& viewer, const std::shared_ptr<Subscriber>& s) {
        std::lock_guard lock(subscribers_mutex);
        subscribers.push_back({viewer, s});
    }

    /// The open streams with their viewers; closed ones are dropped from the list here, so
    /// that a season of reconnecting phones does not grow it.
    std::vector<std::pair<std::shared_ptr<Subscriber>, portal::Viewer>> live_subscribers() {
        std::vector<std::pair<std::shared_ptr<Subscriber>, portal::Viewer>> live;
        std::lock_guard lock(subscribers_mutex);
        for (auto it = subscribers.begin(); it != subscribers.end();) {
            if (auto sub = it->subscriber.lock()) {
                live.emplace_back(std::move(sub), it->viewer);
                ++it;
            } else {
                it = subscribers.erase(it);
            }
        }
        return live;
    }

    void watch_loop();
    void accept();
};

/// "event: order" for every order whose events are newer than the last seen, to the streams
/// whose viewer may see it; a comment line now and then keeps proxies from closing streams.
void Core::watch_loop() {
    data::Database db(project_path, data::OpenMode::read_only);
    auto data_version = [&db] {
        data::Statement q(db, "PRAGMA data_version");
        q.step();
        return q.column_int64(0);
    };
    std::int64_t last_event = 0;
    {
        data::Statement q(db, "SELECT coalesce(max(id), 0) FROM order_events");
        q.step();
        last_event = q.column_int64(0);
    }
    std::int64_t version = data_version();
    auto next_heartbeat = std::chrono::steady_clock::now() + options.event_heartbeat;
    while (true) {
        {
            std::unique_lock lock(watch_mutex);
            watch_cv.wait_for(lock, options.change_poll,
                              [this] { return watch_now || watch_stop; });
            if (watch_stop) {
                return;
            }
            watch_now = false;
        }
        try {
            const std::int64_t v = data_version();
            if (v != version) {
                version = v;
                // The newest event read becomes the mark, so that events committed after this
                // query are read next time, not skipped.
                data::Statement q(db, "SELECT id, order_id FROM order_events WHERE id > ? "
                                      "ORDER BY id");
                q.bind(1, last_event);
                std::vector<std::int64_t> ids;
                std::string where;
                while (q.step()) {
                    last_event = q.column_int64(0);
                    const std::int64_t order_id = q.column_int64(1);
                    if (std::find(ids.begin(), ids.end(), order_id) == ids.end()) {
                        ids.push_back(order_id);
                        where += where.empty() ? "o.id IN (?" : ", ?";
                    }
                }
                if (!ids.empty()) {
                    const auto summaries = portal::order_summaries(db, where + ")", ids);
                    const auto targets = live_subscribers();
                    for (const auto& summary : summaries) {
                        auto text = std::make_shared<const std::string>(
                            "event: order\ndata: " +
                            summary.json.dump(-1, ' ', false,
                                              nlohmann::json::error_handler_t::replace) +
                            "\n\n");
                        for (const auto& [sub, viewer] : targets) {
                            if (portal::can_see(viewer, summary.contractor_id, summary.status)) {
                                sub->send(text);
                                ++events_sent;
                            }
                        }
                    }
                }
            }
        } catch (const std::exception& e) {
            note(std::string("portal: watching for changes failed: ") + e.what());
        }
        if (std::chrono::steady_clock::now() >= next_heartbeat) {
            next_heartbeat = std::chrono::steady_clock::now() + options.event_heartbeat;
            auto beat = std::make_shared<const std::string>(": keep-alive\n\n");
            for (const auto& [sub, viewer] : live_subscribers()) {
                sub->send(beat);
            }
        }
    }
}

std::string peer_address(const tcp::socket& socket) {
    boost::system::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    return ec ? std::string("?") : peer.address().to_string();
}

std::string header_text(const http::request<http::string_body>& req, http::field f) {
    const auto v = req[f];
    return {v.data(), v.size()};
}

constexpr std::string_view event_stream_header =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
    "Cache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: close\r\n\r\n"
    "retry: 2000\n\n";

/// One client connection over `Stream` (plain TCP or TLS): requests in turn, each handled on a
/// worker; an event-stream request turns the connection into a subscriber until it closes.
template <typename Stream>
class Connection : public Subscriber, public std::enable_shared_from_this<Connection<Stream>> {
public:
    template <typename... Args>
    Connection(Core& core, std::string peer, Args&&... args)
        : m_core(core), m_stream(std::forward<Args>(args)...), m_peer(std::move(peer)) {
        ++m_core.connections;
    }
    ~Connection() override { --m_core.connections; }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void start() {
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
            read();
        } else {
            beast::get_lowest_layer(m_stream).expires_after(m_core.options.idle_timeout);
            m_stream.async_handshake(ssl::stream_base::server,
                                     [self = this->shared_from_this()](beast::error_code ec) {
                                         if (ec) {
                                             return self->close();
                                         }
                                         self->read();
                                     });
        }
    }

    void send(std::shared_ptr<const std::string> text) override {
        net::post(m_stream.get_executor(), [self = this->shared_from_this(), text] {
            if (self->m_closed) {
                return;
            }
            if (self->m_events.size() >= max_queued_events) {
                return self->close(); // a reader that does not keep up
            }
            self->m_events.push_back(text);
            if (self->m_events.size() == 1) {
                self->write_event();
            }
        });
    }

    void shut_down() override {
        net::post(m_stream.get_executor(), [self = this->shared_from_this()] { self->close(); });
    }

private:
    Core& m_core;
    Stream m_stream;
    std::string m_peer;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    http::response<http::string_body> m_response;
    std::deque<std::shared_ptr<const std::string>> m_events;
    bool m_keep_alive = true;
    bool m_closed = false;

    void read() {
        m_parser.emplace();
        m_parser->header_limit(static_cast<std::uint32_t>(header_limit_bytes));
        m_parser->body_limit(m_core.options.max_body_bytes);
        beast::get_lowest_layer(m_stream).expires_after(m_core.options.idle_timeout);
        http::async_read(m_stream, m_buffer, *m_parser,
                         beast::bind_front_handler(&Connection::on_read, this->shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t /*bytes*/) {
        if (ec == http::error::body_limit) {
            return answer_error(http::status::payload_too_large, "body_too_large",
                                "the body is larger than " +
                                    std::to_string(m_core.options.max_body_bytes) + " bytes");
        }
        if (ec == http::error::header_limit) {
            return answer_error(http::status::request_header_fields_too_large, "header_too_large",
                                "the request header is larger than " +
                                    std::to_string(header_limit_bytes) + " bytes");
        }
        if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
            ec != http::error::end_of_stream && ec != http::error::partial_message) {
            return answer_error(http::status::bad_request, "bad_request",
                                "not an HTTP request: " + ec.message());
        }
        if (ec) {
            return close();
        }
        ++m_core.requests;
        const auto& req = m_parser->get();
        m_keep_alive = req.keep_alive();
        portal::Request r;
        r.method = std::string(req.method_string());
        r.target = std::string(req.target());
        r.body = req.body();
        r.cookie = header_text(req, http::field::cookie);
        r.content_type = header_text(req, http::field::content_type);
        r.csrf_token = std::string(req["X-CSRF-Token"]);
        r.origin = header_text(req, http::field::origin);
        r.host = header_text(req, http::field::host);
        r.forwarded_for = std::string(req["X-Forwarded-For"]);
        r.if_none_match = header_text(req, http::field::if_none_match);
        r.peer = m_peer;
        beast::get_lowest_layer(m_stream).expires_never();
        net::post(*m_core.workers, [self = this->shared_from_this(), r = std::move(r),
                                    version = req.version()]() mutable {
            portal::Response answer;
            try {
                auto lease = self->m_core.pool->take();
                answer = self->m_core.api->handle(*lease, r);
            } catch (const std::exception& e) {
                self->m_core.note(std::string("portal: ") + e.what());
                answer.status = 503;
                answer.content_type = "application/json";
                answer.body = R"({"error":"unavailable","message":"the project cannot be opened"})";
            }
            if (r.method == "POST" && answer.status == 200) {
                self->m_core.changed();
            }
            net::post(self->m_stream.get_executor(),
                      [self, answer = std::move(answer), version]() mutable {
                          self->respond(std::move(answer), version);
                      });
        });
    }

    void respond(portal::Response answer, unsigned version) {
        if (m_closed) {
            return;
        }
        if (answer.status >= 400) {
            ++m_core.errors;
        }
        if (answer.stream) {
            return start_stream(*answer.stream);
        }
        m_response = {};
        m_response.version(version);
        m_response.result(answer.status);
        m_response.set(http::field::server, "Yukimichi");
        if (!answer.content_type.empty()) {
            m_response.set(http::field::content_type, answer.content_type);
        }
        for (const auto& [name, value] : answer.headers) {
            m_response.insert(name, value);
        }
        m_response.body() = std::move(answer.body);
        m_response.keep_alive(m_keep_alive);
        m_response.prepare_payload();
        beast::get_lowest_layer(m_stream).expires_after(m_core.options.idle_timeout);
        http::async_write(m_stream, m_response,
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec || !self->m_keep_alive) {
                                  return self->close();
                              }
                              self->read();
                          });
    }

    void answer_error(http::status status, const std::string& code, const std::string& message) {
        ++m_core.requests;
        portal::Response r;
        r.status = static_cast<unsigned>(status);
        r.content_type = "application/json";
        r.body = nlohmann::json{{"error", code}, {"message", message}}.dump();
        m_keep_alive = false;
        respond(std::move(r), 11);
    }

    void start_stream(const portal::Viewer& viewer) {
        auto header = std::make_shared<const std::string>(event_stream_header);
        m_events.push_back(header);
        m_core.subscribe(viewer, this->shared_from_this());
        write_event();
        watch_for_close();
    }

    /// A stream's client sends nothing more; a pending read keeps the connection alive and
    /// notices when the client goes away.
    void watch_for_close() {
        m_buffer.clear();
        m_stream.async_read_some(m_buffer.prepare(512), [self = this->shared_from_this()](
                                                            beast::error_code ec, std::size_t) {
            if (ec) {
                return self->close();
            }
            self->watch_for_close();
        });
    }

    void write_event() {
        auto text = m_events.front();
        beast::get_lowest_layer(m_stream).expires_after(m_core.options.idle_timeout);
        net::async_write(
            m_stream, net::buffer(*text),
            [self = this->shared_from_this(), text](beast::error_code ec, std::size_t) {
                if (ec) {
                    return self->close();
                }
                self->m_events.pop_front();
                beast::get_lowest_layer(self->m_stream).expires_never();
                if (!self->m_events.empty()) {
                    self->write_event();
                }
            });
    }

    void close() {
        if (m_closed) {
            return;
        }
        m_closed = true;
        m_events.clear();
        boost::system::error_code ignored;
        auto& socket = beast::get_lowest_layer(m_stream).socket();
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
    }
};

void Core::accept() {
    acceptor->async_accept(
        net::make_strand(ioc), [this](boost::system::error_code ec, tcp::socket socket) {
            if (ec == net::error::operation_aborted || !acceptor->is_open()) {
                return;
            }
            if (ec) {
                note("portal: accept: " + ec.message());
                auto timer = std::make_shared<net::steady_timer>(ioc, 50ms);
                timer->async_wait([this, timer](boost::system::error_code) { accept(); });
                return;
            }
            if (connections.load() >= max_connections) {
                note("portal: more than " + std::to_string(max_connections) +
                     " connections; refusing one");
                return accept();
            }
            boost::system::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            std::string peer = peer_address(socket);
            std::shared_ptr<Subscriber> connection;
            if (tls) {
                auto c = std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(
                    *this, std::move(peer), std::move(socket), *tls);
                connection = c;
                c->start();
            } else {
                auto c = std::make_shared<Connection<beast::tcp_stream>>(*this, std::move(peer),
                                                                         std::move(socket));
                connection = c;
                c->start();
            }
            {
                std::lock_guard lock(open_mutex);
                open.remove_if([](const std::weak_ptr<Subscriber>& w) { return w.expired(); });
                open.push_back(connection);
            }
            accept();
        });
}

} // namespace

struct PortalServer::Impl : Core {};

PortalServer::PortalServer(const std::filesystem::path& project, PortalOptions options,
                           std::function<void(const std::string&)> log)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->project_path = project;
    m_impl->options = std::move(options);
    m_impl->log = std::move(log);
}

PortalServer::~PortalServer() {
    try {
        stop();
    } catch (...) {
        // A destructor must not throw; stop() reports failures when called directly.
    }
}

void PortalServer::start() {
    Impl& s = *m_impl;
    if (s.started) {
        throw Error("portal: already started");
    }
    if (s.options.io_threads < 1 || s.options.workers < 1) {
        throw Error("portal: io_threads and workers must be at least 1");
    }
    if (s.options.tls_certificate.has_value() != s.options.tls_key.has_value()) {
        throw Error("portal: TLS needs both a certificate and its key");
    }
    const tcp::endpoint at = parse_endpoint(s.options.listen, "portal listen address");
    {
        // Readers must not wait for writers: the project runs in WAL mode (as the GPS server
        // sets it too).
        data::Project p = data::Project::open(s.project_path, data::OpenMode::read_write);
        p.database().exec("PRAGMA journal_mode=WAL");
    }
    if (s.options.tls_certificate) {
        s.tls.emplace(ssl::context::tls_server);
        s.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1);
        boost::system::error_code ec;
        s.tls->use_certificate_chain_file(s.options.tls_certificate->string(), ec);
        if (ec) {
            throw Error("portal: certificate " + s.options.tls_certificate->string() + ": " +
                        ec.message());
        }
        s.tls->use_private_key_file(s.options.tls_key->string(), ssl::context::pem, ec);
        if (ec) {
            throw Error("portal: key " + s.options.tls_key->string() + ": " + ec.message());
        }
    }
    s.limiter.emplace(
        s.options.login_failures_allowed,
        std::chrono::duration_cast<std::chrono::milliseconds>(s.options.login_window).count());
    s.api.emplace(s.options, s.tls.has_value(), *s.limiter);
    s.pool.emplace(s.project_path);

    listen_on(s.acceptor, s.ioc, at, s.options.listen);
    s.port = s.acceptor->local_endpoint().port();
    s.workers.emplace(static_cast<std::size_t>(s.options.workers));
    s.started = true;
    s.accept();
    s.watcher = std::thread([&s] {
        try {
            s.watch_loop();
        } catch (const std::exception& e) {
            s.note(std::string("portal: change watcher stopped: ") + e.what());
        }
    });
    start_io_threads(s.ioc, s.options.io_threads, s.io_threads,
                     [&s](const std::string& line) { s.note("portal: " + line); });
}

void PortalServer::stop() {
    Impl& s = *m_impl;
    if (!s.started || s.stopped) {
        return;
    }
    s.stopped = true;
    net::post(s.acceptor->get_executor(), [a = &*s.acceptor] {
        boost::system::error_code ignored;
        a->close(ignored);
    });
    {
        std::lock_guard lock(s.watch_mutex);
        s.watch_stop = true;
    }
    s.watch_cv.notify_all();
    s.watcher.join();
    {
        std::lock_guard lock(s.open_mutex);
        for (auto& w : s.open) {
            if (auto c = w.lock()) {
                c->shut_down();
            }
        }
    }
    s.workers->join();
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (s.connections.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    s.ioc.stop();
    for (std::thread& t : s.io_threads) {
        t.join();
    }
    s.io_threads.clear();
}

void PortalServer::notify_changes() {
    m_impl->changed();
}

std::uint16_t PortalServer::port() const {
    return m_impl->port;
}

bool PortalServer::tls() const {
    return m_impl->tls.has_value();
}

PortalStats PortalServer::stats() const {
    return PortalStats{m_impl->requests.load(), m_impl->errors.load(),
                       static_cast<std::uint64_t>(m_impl->live_subscribers().size()),
                       m_impl->events_sent.load()};
}

} // namespace ykm::dispatch

#pragma once

// The contractor portal (docs/PORTAL.md): a web page and JSON API over HTTP or HTTPS on
// Boost.Beast, where contractors see and answer their work orders and staff follow them, with
// server-sent events for live changes. Requests are handled on a small pool of worker threads,
// each with its own connection to the project.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ykm::dispatch {

struct PortalOptions {
    std::string listen = "127.0.0.1:8080"; ///< port 0 picks a free one
    int io_threads = 1;
    int workers = 2; ///< threads that run requests against the project
    std::optional<std::filesystem::path> tls_certificate; ///< PEM chain; with tls_key: HTTPS
    std::optional<std::filesystem::path> tls_key;
    /// Behind a reverse proxy that terminates HTTPS: cookies get Secure, and the client address
    /// for the login limit is the last X-Forwarded-For hop.
    bool behind_https_proxy = false;
    std::size_t max_body_bytes = 16 * 1024;
    std::chrono::hours session_lifetime{12};
    int login_failures_allowed = 5;             ///< per address and per login ...
    std::chrono::minutes login_window{15};      ///< ... within this window
    std::chrono::milliseconds change_poll{200}; ///< how often other writers' changes are looked for
    std::chrono::seconds idle_timeout{60};
    std::chrono::seconds event_heartbeat{15};
    /// The address contractors use, for links in order sheets ("https://portal.example.jp");
    /// empty: the sheet has no QR code.
    std::string public_url;
};

struct PortalStats {
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;        ///< 4xx and 5xx answers
    std::uint64_t event_streams = 0; ///< open server-sent event streams
    std::uint64_t events_sent = 0;
};

class PortalServer {
public:
    /// `log` gets one line per notable event (start, refused logins, server errors); may be empty.
    PortalServer(const std::filesystem::path& project, PortalOptions options,
                 std::function<void(const std::string&)> log = {});
    ~PortalServer();
    PortalServer(const PortalServer&) = delete;
    PortalServer& operator=(const PortalServer&) = delete;

    /// Binds and starts; throws ykm::Error when the address cannot be bound or the certificate
    /// cannot be loaded.
    void start();
    /// Closes the event streams and connections and joins the threads.
    void stop();
    /// Looks for changed orders now (after a change made through another connection of this
    /// process, so that subscribers hear of it before the next poll).
    void notify_changes();

    [[nodiscard]] std::uint16_t port() const;
    [[nodiscard]] bool tls() const;
    [[nodiscard]] PortalStats stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace ykm::dispatch

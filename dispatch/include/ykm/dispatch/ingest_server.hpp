#pragma once

#include "ykm/data/season_log.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace ykm::dispatch {

/// Where and how the position servers listen.
struct IngestOptions {
    std::string http_listen = "127.0.0.1:5055"; ///< OsmAnd over HTTP; port 0 picks a free one
    std::optional<std::string> nmea_listen = "127.0.0.1:5056"; ///< NMEA 0183 over TCP
    int io_threads = 1;
    std::size_t max_body_bytes = 64 * 1024;
    /// An HTTP connection that sends nothing (or half a request) for this long is closed.
    std::chrono::seconds http_idle_timeout{60};
    /// An NMEA connection silent for this long is closed (units report every 1-10 s).
    std::chrono::seconds nmea_idle_timeout{120};
};

/// Counters of a running server.
struct IngestStats {
    std::uint64_t accepted = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t rejected = 0;
    std::uint64_t commits = 0;
};

/// The GPS ingestion servers: OsmAnd over HTTP (GET/POST, form or Traccar JSON) and NMEA over
/// TCP, on Boost.Asio/Beast. Fixes are validated (FixValidator), then a writer thread appends
/// them to the project's season log in group commits; a device gets its HTTP 200 only after the
/// commit holding its fix is durable. Rejected fixes get HTTP 400 with {"error": reason,
/// "message": text} (TCP: a log line). Never throws from a connection handler.
///
/// An unregistered device gets 400 unknown_device, not 404 or 200: Traccar Client keeps
/// resending a fix until it gets a 200, so a device added to the fleet later loses nothing.
/// Speed jumps and late fixes are stored (flagged) and answered 200, and so are duplicates
/// (a resent fix). GET /health answers 200 with the counters as JSON.
class IngestServer {
public:
    /// Opens its own connection to `project` (WAL). `on_durable` is called on the writer thread
    /// with every batch after it is committed and its devices answered (for the tracker); the
    /// next commit waits for it, so it should only queue work. A batch holds fixes in arrival
    /// order with vehicle_id and flags (speed_jump, late) set, and may repeat fixes the log
    /// already had (a device resending after a lost 200). `log` receives one line per notable
    /// event (rejections, at most the first 10 per device and reason and then every 1000th;
    /// storage errors; dropped connections); both may be empty.
    IngestServer(const std::filesystem::path& project, IngestOptions options,
                 std::function<void(std::span<const data::Fix>)> on_durable = {},
                 std::function<void(const std::string&)> log = {});
    ~IngestServer();
    IngestServer(const IngestServer&) = delete;
    IngestServer& operator=(const IngestServer&) = delete;

    /// Binds and starts serving; throws ykm::Error when an address cannot be bound.
    void start();
    /// Stops accepting, commits what is pending, and joins the threads.
    void stop();
    /// Re-reads the device table (after fleet edits).
    void reload_devices();

    [[nodiscard]] std::uint16_t http_port() const;
    [[nodiscard]] std::optional<std::uint16_t> nmea_port() const;
    [[nodiscard]] IngestStats stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace ykm::dispatch

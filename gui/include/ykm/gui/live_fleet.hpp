#pragma once

#include "ykm/dispatch/ingest_server.hpp"
#include "ykm/dispatch/portal_server.hpp"
#include "ykm/dispatch/tracker.hpp"

#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ykm::gui {

/// The live fleet of an open project: a Tracker and, when asked for, the embedded GPS server
/// (IngestServer) feeding it the fixes it has made durable, and the contractor portal
/// (PortalServer). Each opens its own read-write
/// connection to the project. A server that cannot listen (the port is taken) leaves the
/// tracker running and says why in server_status(); nothing here throws after construction.
class LiveFleet {
public:
    /// What the status bar says about the GPS server.
    struct ServerStatus {
        bool running = false;
        /// "127.0.0.1:5055" with the port actually bound (port 0 asked for any free one).
        std::string http_address;
        std::optional<std::string> nmea_address;
        std::optional<std::uint16_t> http_port;
        /// Why the server is not running; empty when it runs or is off.
        std::string error;
        /// Fixes the server stored so far.
        std::uint64_t accepted = 0;
        std::uint64_t rejected = 0;
    };

    /// What the status bar says about the contractor portal.
    struct PortalStatus {
        bool running = false;
        std::string url; ///< "http://127.0.0.1:8080" with the port actually bound
        std::string address;
        std::string error; ///< why it is not running; empty when it runs or is off
    };

    /// Starts the tracker on `project` (throws ykm::Error when it cannot open it), the GPS
    /// server when `server` is given and the portal when `portal` is.
    LiveFleet(const std::filesystem::path& project, std::optional<dispatch::IngestOptions> server,
              std::optional<dispatch::PortalOptions> portal = std::nullopt);
    /// Stops the server (committing what it holds) before the tracker.
    ~LiveFleet();
    LiveFleet(const LiveFleet&) = delete;
    LiveFleet& operator=(const LiveFleet&) = delete;

    /// Stops the server and starts it again with `server` (none: stays off).
    void restart_server(std::optional<dispatch::IngestOptions> server);
    [[nodiscard]] ServerStatus server_status() const;
    /// Stops the portal and starts it again with `portal` (none: stays off).
    void restart_portal(std::optional<dispatch::PortalOptions> portal);
    [[nodiscard]] PortalStatus portal_status() const;

    /// After fleet or geofence edits: the server re-reads its devices, the tracker its vehicles
    /// and geofences.
    void reload();

    [[nodiscard]] dispatch::Tracker& tracker() { return *m_tracker; }

    /// The server's log lines since the last call, oldest first (at most the last 200).
    [[nodiscard]] std::vector<std::string> take_log();

private:
    void start_server(std::optional<dispatch::IngestOptions> options);
    void stop_server();
    void start_portal(std::optional<dispatch::PortalOptions> options);
    /// A sink for the servers' log lines (kept for take_log()).
    [[nodiscard]] std::function<void(const std::string&)> log_sink() const;

    std::filesystem::path m_project;
    std::unique_ptr<dispatch::Tracker> m_tracker;
    std::unique_ptr<dispatch::IngestServer> m_server;
    std::optional<dispatch::IngestOptions> m_options;
    std::string m_server_error;
    std::unique_ptr<dispatch::PortalServer> m_portal;
    std::optional<dispatch::PortalOptions> m_portal_options;
    std::string m_portal_error;

    struct Log {
        std::mutex mutex;
        std::deque<std::string> lines;
    };
    /// Shared with the server's threads, which may log until it is stopped.
    std::shared_ptr<Log> m_log = std::make_shared<Log>();
};

} // namespace ykm::gui

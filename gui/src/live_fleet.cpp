#include "ykm/gui/live_fleet.hpp"

#include "ykm/gis/error.hpp"

#include <exception>
#include <span>

namespace ykm::gui {

namespace {

constexpr std::size_t max_log_lines = 200;

/// "127.0.0.1:5055" with `port` in place of the port asked for.
std::string with_port(const std::string& address, std::uint16_t port) {
    const auto colon = address.rfind(':');
    return (colon == std::string::npos ? address : address.substr(0, colon)) + ":" +
           std::to_string(port);
}

} // namespace

LiveFleet::LiveFleet(const std::filesystem::path& project,
                     std::optional<dispatch::IngestOptions> server,
                     std::optional<dispatch::PortalOptions> portal)
    : m_project(project), m_tracker(std::make_unique<dispatch::Tracker>(project)) {
    start_server(std::move(server));
    start_portal(std::move(portal));
}

LiveFleet::~LiveFleet() {
    restart_portal(std::nullopt);
    stop_server();
    m_tracker.reset();
}

void LiveFleet::restart_portal(std::optional<dispatch::PortalOptions> portal) {
    if (m_portal) {
        try {
            m_portal->stop();
        } catch (const std::exception&) {
            // Its destructor stops it as well.
        }
        m_portal.reset();
    }
    start_portal(std::move(portal));
}

void LiveFleet::start_portal(std::optional<dispatch::PortalOptions> options) {
    m_portal_options = std::move(options);
    m_portal_error.clear();
    if (!m_portal_options) {
        return;
    }
    try {
        auto portal =
            std::make_unique<dispatch::PortalServer>(m_project, *m_portal_options, log_sink());
        portal->start();
        m_portal = std::move(portal);
    } catch (const std::exception& e) {
        m_portal_error = e.what();
        m_portal.reset();
    }
}

std::function<void(const std::string&)> LiveFleet::log_sink() const {
    return [log = m_log](const std::string& line) {
        const std::lock_guard lock(log->mutex);
        log->lines.push_back(line);
        while (log->lines.size() > max_log_lines) {
            log->lines.pop_front();
        }
    };
}

LiveFleet::PortalStatus LiveFleet::portal_status() const {
    PortalStatus status;
    status.error = m_portal_error;
    if (m_portal_options) {
        status.address = m_portal_options->listen;
    }
    if (!m_portal) {
        return status;
    }
    status.running = true;
    status.address = with_port(m_portal_options->listen, m_portal->port());
    status.url = std::string(m_portal->tls() ? "https://" : "http://") + status.address;
    return status;
}

void LiveFleet::restart_server(std::optional<dispatch::IngestOptions> server) {
    stop_server();
    start_server(std::move(server));
}

void LiveFleet::start_server(std::optional<dispatch::IngestOptions> options) {
    m_options = std::move(options);
    m_server_error.clear();
    if (!m_options) {
        return;
    }
    dispatch::Tracker* tracker = m_tracker.get();
    try {
        auto server = std::make_unique<dispatch::IngestServer>(
            m_project, *m_options,
            [tracker](std::span<const data::Fix> fixes) { tracker->on_fixes(fixes); }, log_sink());
        server->start();
        m_server = std::move(server);
    } catch (const std::exception& e) {
        m_server_error = e.what();
        m_server.reset();
    }
}

void LiveFleet::stop_server() {
    if (!m_server) {
        return;
    }
    try {
        m_server->stop();
    } catch (const std::exception&) {
        // The destructor stops it as well; what it could not commit it reports on its log.
    }
    m_server.reset();
}

LiveFleet::ServerStatus LiveFleet::server_status() const {
    ServerStatus status;
    status.error = m_server_error;
    if (m_options) {
        status.http_address = m_options->http_listen;
        status.nmea_address = m_options->nmea_listen;
    }
    if (!m_server) {
        return status;
    }
    status.running = true;
    status.http_port = m_server->http_port();
    status.http_address = with_port(m_options->http_listen, *status.http_port);
    if (const auto nmea = m_server->nmea_port(); nmea && m_options->nmea_listen) {
        status.nmea_address = with_port(*m_options->nmea_listen, *nmea);
    }
    const dispatch::IngestStats stats = m_server->stats();
    status.accepted = stats.accepted;
    status.rejected = stats.rejected;
    return status;
}

void LiveFleet::reload() {
    if (m_server) {
        m_server->reload_devices();
    }
    m_tracker->reload();
}

std::vector<std::string> LiveFleet::take_log() {
    const std::lock_guard lock(m_log->mutex);
    std::vector<std::string> lines(m_log->lines.begin(), m_log->lines.end());
    m_log->lines.clear();
    return lines;
}

} // namespace ykm::gui

#include "commands.hpp"

#include "ykm/data/season_log.hpp"
#include "ykm/dispatch/ingest_server.hpp"
#include "ykm/dispatch/portal_server.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/dispatch/tracker.hpp"
#include "ykm/gis/error.hpp"

#include <pthread.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>

namespace ykm::cli {
namespace {

constexpr const char* serve_usage =
    R"(usage: ykm serve PROJECT [--listen ADDR:PORT] [--nmea ADDR:PORT|off] [--threads N]
                 [--max-body BYTES] [--no-tracking]
                 [--portal ADDR:PORT|off] [--tls-cert FILE --tls-key FILE]
                 [--behind-https-proxy] [--public-url URL] [--portal-workers N]

Receives GPS positions, stores them in the project's season log, matches them to the roads
and records coverage (passes per segment and direction) and alerts as they arrive:
  --listen ADDR:PORT   OsmAnd protocol over HTTP (Traccar Client, phone apps): GET or POST on
                       any path with id, lat, lon, timestamp, speed (knots), bearing, altitude,
                       accuracy, batt, work, blade; or Traccar Client's JSON body.
                       Default 127.0.0.1:5055; port 0 picks a free port.
  --nmea ADDR:PORT|off NMEA 0183 (RMC, GGA) over TCP, one device per connection, named by a
                       first line with its id or $PYKM,<id>*CS. Default 127.0.0.1:5056.
  --threads N          network threads (default 1; the writer has its own thread)
  --max-body BYTES     largest HTTP body accepted (default 65536)
  --no-tracking        only store fixes: no live map matching, coverage or alerts

The contractor portal (docs/PORTAL.md): a web page and JSON API where contractors receive,
acknowledge, decline, start and complete their work orders, with live updates.
  --portal ADDR:PORT|off   default 127.0.0.1:8080; port 0 picks a free port
  --tls-cert FILE --tls-key FILE
                       serve HTTPS with this PEM certificate chain and key
  --behind-https-proxy a reverse proxy terminates HTTPS: cookies are marked Secure and the
                       login limit counts the address in X-Forwarded-For
  --public-url URL     the portal's address as contractors reach it (QR codes of sheets)
  --portal-workers N   threads answering portal requests (default 2)
Accounts: ykm user add PROJECT LOGIN --role ROLE ... (see ykm user --help).

A device gets HTTP 200 only once its fix is on disk. Rejected fixes get HTTP 400 with
{"error": reason, "message": text}; reasons: malformed, unknown_device, null_island,
out_of_range, outside_project. Traccar Client keeps resending a fix that got no 200, so a device
not yet registered keeps its fixes until it is added. One line per rejection goes to stderr
(the first 10 per device and reason, then every 1000th).
SIGHUP re-reads the vehicles' device ids; SIGINT or SIGTERM stop after storing what was received.
)";

int parse_count(const std::string& option, const std::string& text, int min, int max) {
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9' || value > max) {
            value = max + 1;
            break;
        }
        value = value * 10 + (c - '0');
    }
    if (text.empty() || value < min || value > max) {
        throw UsageError("serve: " + option + " '" + text + "' is not a number from " +
                         std::to_string(min) + " to " + std::to_string(max));
    }
    return value;
}

/// "ADDR:PORT" with the port the server really bound (for port 0).
std::string bound_address(const std::string& listen, std::uint16_t port) {
    return listen.substr(0, listen.rfind(':')) + ":" + std::to_string(port);
}

/// Many devices keep a connection each: lift the soft limit on open files to the hard one.
void raise_open_file_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace

int run_serve(Args& args) {
    if (args.flag("--help")) {
        std::fputs(serve_usage, stdout);
        return 0;
    }
    dispatch::IngestOptions options;
    if (auto listen = args.take("--listen")) {
        options.http_listen = *listen;
    }
    if (auto nmea = args.take("--nmea")) {
        options.nmea_listen = *nmea == "off" ? std::nullopt : std::optional<std::string>(*nmea);
    }
    if (auto threads = args.take("--threads")) {
        options.io_threads = parse_count("--threads", *threads, 1, 64);
    }
    const bool no_tracking = args.flag("--no-tracking");
    dispatch::PortalOptions portal;
    bool portal_on = true;
    if (auto listen = args.take("--portal")) {
        portal_on = *listen != "off";
        portal.listen = *listen;
    }
    portal.tls_certificate = args.take("--tls-cert");
    portal.tls_key = args.take("--tls-key");
    portal.behind_https_proxy = args.flag("--behind-https-proxy");
    portal.public_url = args.take("--public-url").value_or("");
    if (auto workers = args.take("--portal-workers")) {
        portal.workers = parse_count("--portal-workers", *workers, 1, 64);
    }
    if (auto body = args.take("--max-body")) {
        options.max_body_bytes =
            static_cast<std::size_t>(parse_count("--max-body", *body, 1024, 64 * 1024 * 1024));
    }
    const auto files = args.positional(
        1, 1, "PROJECT [--listen ADDR:PORT] [--nmea ADDR:PORT|off] [--threads N] (see --help)");
    raise_open_file_limit();

    // Blocked before any thread starts, so every thread inherits the mask and only sigwait()
    // below receives them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    std::mutex stderr_mutex;
    auto log = [&stderr_mutex](const std::string& line) {
        const std::string stamp = dispatch::format_time_utc(dispatch::now_ms() / 1000 * 1000);
        std::lock_guard lock(stderr_mutex);
        std::fprintf(stderr, "%s %s\n", stamp.c_str(), line.c_str());
    };

    // Every batch of fixes once it is on disk, on the writer thread; keep it short (queue the
    // work) since the next commit waits for it. The live tracker (matching, coverage, alerts)
    // is fed from here.
    std::unique_ptr<dispatch::Tracker> tracker;
    if (!no_tracking) {
        tracker = std::make_unique<dispatch::Tracker>(files[0]);
    }
    std::function<void(std::span<const data::Fix>)> on_durable;
    if (tracker) {
        on_durable = [&tracker](std::span<const data::Fix> fixes) { tracker->on_fixes(fixes); };
    }

    dispatch::IngestServer server(files[0], options, on_durable, log);
    server.start();
    std::optional<dispatch::PortalServer> portal_server;
    if (portal_on) {
        portal_server.emplace(files[0], portal, log);
        portal_server->start();
        std::lock_guard lock(stderr_mutex);
        std::fprintf(stderr, "portal: listening on %s://%s\n",
                     portal_server->tls() ? "https" : "http",
                     bound_address(portal.listen, portal_server->port()).c_str());
    }
    const std::string http = "http://" + bound_address(options.http_listen, server.http_port());
    const std::string nmea =
        options.nmea_listen
            ? "tcp " + bound_address(*options.nmea_listen, *server.nmea_port()) + " (NMEA)"
            : std::string("NMEA off");
    {
        std::lock_guard lock(stderr_mutex);
        std::fprintf(stderr, "listening on %s (OsmAnd), %s\n", http.c_str(), nmea.c_str());
    }
    // States that change with time alone (stopped, offline) and their alerts.
    std::atomic<bool> running{true};
    std::thread ticker;
    if (tracker) {
        ticker = std::thread([&] {
            while (running) {
                std::this_thread::sleep_for(std::chrono::seconds(1));
                try {
                    tracker->tick(dispatch::now_ms());
                } catch (const std::exception& e) {
                    log(std::string("tracker: ") + e.what());
                }
            }
        });
    }
    while (true) {
        int signal = 0;
        if (sigwait(&signals, &signal) != 0) {
            continue;
        }
        if (signal != SIGHUP) {
            break;
        }
        try {
            server.reload_devices();
            if (tracker) {
                tracker->reload();
            }
            log("device table reloaded");
        } catch (const std::exception& e) {
            log(std::string("device table not reloaded: ") + e.what());
        }
    }
    log("stopping");
    if (portal_server) {
        portal_server->stop();
    }
    server.stop();
    running = false;
    if (ticker.joinable()) {
        ticker.join();
    }
    if (tracker) {
        try {
            tracker->drain();
        } catch (const std::exception& e) {
            log(std::string("tracker: ") + e.what());
        }
    }
    const dispatch::IngestStats stats = server.stats();
    std::lock_guard lock(stderr_mutex);
    std::fprintf(stderr,
                 "stopped: %llu fixes stored, %llu duplicates, %llu rejected, %llu commits\n",
                 static_cast<unsigned long long>(stats.accepted),
                 static_cast<unsigned long long>(stats.duplicates),
                 static_cast<unsigned long long>(stats.rejected),
                 static_cast<unsigned long long>(stats.commits));
    return 0;
}

} // namespace ykm::cli

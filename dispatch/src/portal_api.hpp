#pragma once

// The portal's requests and answers, apart from the network: what each path does for each role
// (docs/PORTAL.md). PortalServer reads requests, runs handle() on a worker with that worker's
// connection to the project, and writes the answer.

#include "ykm/data/project.hpp"
#include "ykm/dispatch/accounts.hpp"
#include "ykm/dispatch/orders.hpp"
#include "ykm/dispatch/portal_server.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ykm::dispatch::portal {

/// A request as the API needs it.
struct Request {
    std::string method; ///< "GET", "POST", ...
    std::string target; ///< path and query
    std::string body;
    std::string cookie;
    std::string content_type;
    std::string csrf_token;
    std::string origin;
    std::string host;
    std::string forwarded_for;
    std::string if_none_match;
    std::string peer; ///< the connection's address
};

/// Who is asking, for the event streams.
struct Viewer {
    std::int64_t account_id = 0;
    std::string login;
    Role role = Role::viewer;
    std::optional<std::int64_t> contractor_id;
};

struct Response {
    unsigned status = 200;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    /// Set for GET /api/events: the connection becomes an event stream for this viewer.
    std::optional<Viewer> stream;
};

/// Failed logins per address and per login within a sliding window.
class LoginLimiter {
public:
    LoginLimiter(int allowed, std::int64_t window_ms);
    /// Seconds until `key` may try again; 0 when it may now.
    std::int64_t wait_s(const std::string& key, std::int64_t now_ms);
    void failed(const std::string& key, std::int64_t now_ms);
    void succeeded(const std::string& key);

private:
    std::mutex m_mutex;
    int m_allowed;
    std::int64_t m_window_ms;
    std::map<std::string, std::deque<std::int64_t>> m_failures;
    void prune(std::deque<std::int64_t>& times, std::int64_t now_ms) const;
};

/// Whether `viewer` may see an order of `contractor_id` in `status`.
bool can_see(const Viewer& viewer, std::int64_t contractor_id, OrderStatus status);

/// The summary of an order (docs/PORTAL.md ORDER_SUMMARY), with the contractor id it belongs to.
struct OrderSummary {
    std::int64_t contractor_id = 0;
    OrderStatus status = OrderStatus::draft;
    nlohmann::json json;
};
std::vector<OrderSummary> order_summaries(data::Database& db, const std::string& where,
                                          const std::vector<std::int64_t>& ids = {});

/// Handles one request on a worker's project connection. Never throws: errors become 4xx/5xx
/// answers with {"error", "message"}.
class Api {
public:
    Api(const PortalOptions& options, bool tls, LoginLimiter& limiter);
    Response handle(data::Project& project, const Request& request);

private:
    const PortalOptions& m_options;
    bool m_tls;
    LoginLimiter& m_limiter;

    Response route(data::Project& project, const Request& request);
    Response login(data::Project& project, const Request& request);
    Response asset(const Request& request, const std::string& path);
    std::string cookie(const std::string& value, std::int64_t max_age_s) const;
    std::string client_address(const Request& request) const;
};

} // namespace ykm::dispatch::portal

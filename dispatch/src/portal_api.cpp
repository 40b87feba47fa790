#include "portal_api.hpp"

#include "ykm/data/season_log.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/order_sheet.hpp"
#include "ykm/dispatch/portal_assets.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/dispatch/report_confirmations.hpp"
#include "ykm/dispatch/secrets.hpp"
#include "ykm/gis/error.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace ykm::dispatch::portal {
namespace {

using data::Database;
using data::Statement;
using nlohmann::json;

constexpr const char* session_cookie = "ykm_session";
constexpr std::size_t max_reason_bytes = 2000;
constexpr std::int64_t vehicle_max_age_ms = 24LL * 3'600'000;

/// An answer other than 200, raised anywhere in a route.
struct ApiError {
    unsigned status;
    std::string code;
    std::string message;
};

std::string json_text(const json& j) {
    // Texts come from the project and from clients and may not be valid UTF-8.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Response json_response(unsigned status, const json& body) {
    Response r;
    r.status = status;
    r.content_type = "application/json; charset=utf-8";
    r.body = json_text(body);
    return r;
}

Response error_response(unsigned status, const std::string& code, const std::string& message) {
    return json_response(status, {{"error", code}, {"message", message}});
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

/// The value of cookie `name` in a Cookie header.
std::string cookie_value(const std::string& header, const std::string& name) {
    std::size_t at = 0;
    while (at < header.size()) {
        std::size_t end = header.find(';', at);
        if (end == std::string::npos) {
            end = header.size();
        }
        std::string_view part(header.data() + at, end - at);
        while (!part.empty() && part.front() == ' ') {
            part.remove_prefix(1);
        }
        const std::size_t eq = part.find('=');
        if (eq != std::string_view::npos && part.substr(0, eq) == name) {
            return std::string(part.substr(eq + 1));
        }
        at = end + 1;
    }
    return {};
}

/// Query parameters (no percent-decoding is needed for the values the API takes).
std::map<std::string, std::string> query_parameters(std::string_view query) {
    std::map<std::string, std::string> out;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view part = query.substr(0, amp);
        const std::size_t eq = part.find('=');
        out[std::string(part.substr(0, eq))] =
            eq == std::string_view::npos ? std::string() : std::string(part.substr(eq + 1));
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    }
    return out;
}

json parse_body(const Request& request) {
    if (request.body.empty()) {
        return json::object();
    }
    const std::string type = lower(request.content_type.substr(0, request.content_type.find(';')));
    if (type != "application/json") {
        throw ApiError{415, "unsupported_media_type",
                       "the body must be JSON (Content-Type: application/json)"};
    }
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
        throw ApiError{400, "malformed_json", "the body is not valid JSON"};
    }
    if (!body.is_object()) {
        throw ApiError{400, "malformed_json", "the body must be a JSON object"};
    }
    return body;
}

/// A string member; absent gives `fallback` when one is allowed.
std::string string_field(const json& body, const char* name, bool required, std::size_t max_bytes) {
    const auto it = body.find(name);
    if (it == body.end() || it->is_null()) {
        if (required) {
            throw ApiError{400, "missing_field", std::string("field '") + name + "' is required"};
        }
        return {};
    }
    if (!it->is_string()) {
        throw ApiError{400, "bad_field", std::string("field '") + name + "' must be a string"};
    }
    std::string value = it->get<std::string>();
    if (value.size() > max_bytes) {
        throw ApiError{400, "bad_field",
                       std::string("field '") + name + "' is longer than " +
                           std::to_string(max_bytes) + " bytes"};
    }
    return value;
}

json account_json(Database& db, const Account& a) {
    json contractor = nullptr;
    if (a.contractor_id) {
        Statement q(db, "SELECT code, name FROM contractors WHERE id = ?");
        q.bind(1, *a.contractor_id);
        if (q.step()) {
            contractor = {
                {"id", *a.contractor_id}, {"code", q.column_text(0)}, {"name", q.column_text(1)}};
        }
    }
    return {{"login", a.login},
            {"display_name", a.display_name.empty() ? a.login : a.display_name},
            {"role", key(a.role)},
            {"language", a.language},
            {"contractor", contractor}};
}

Viewer viewer_of(const Account& a) {
    return Viewer{a.id, a.login, a.role, a.contractor_id};
}

json optional_time(const std::optional<std::int64_t>& ms) {
    return ms ? json(format_time_jst(*ms)) : json(nullptr);
}

/// The actions of the API and the role allowed each.
struct ActionRule {
    std::string_view action;
    OrderStatus to;
    bool contractor;
    bool staff;
    bool supervisor;
};
constexpr std::array<ActionRule, 7> action_rules{{
    {"acknowledge", OrderStatus::acknowledged, true, false, false},
    {"decline", OrderStatus::declined, true, false, false},
    {"start", OrderStatus::started, true, false, false},
    {"complete", OrderStatus::completed, true, false, false},
    {"issue", OrderStatus::issued, false, true, true},
    {"cancel", OrderStatus::cancelled, false, true, true},
    {"inspect", OrderStatus::inspected, false, false, true},
}};

bool role_may(const ActionRule& rule, Role role) {
    switch (role) {
    case Role::contractor:
        return rule.contractor;
    case Role::staff:
        return rule.staff;
    case Role::supervisor:
        return rule.supervisor;
    case Role::viewer:
        return false;
    }
    return false;
}

json actions_for(const Viewer& viewer, OrderStatus status) {
    json out = json::array();
    for (const ActionRule& rule : action_rules) {
        if (role_may(rule, viewer.role) && transition_allowed(status, rule.to)) {
            out.push_back(rule.action);
        }
    }
    return out;
}

/// The order named in a path, if this viewer may see it; otherwise 404, the same answer as for
/// an order that does not exist, so that a contractor learns nothing of others' orders.
WorkOrder visible_order(Orders& orders, const Viewer& viewer, const std::string& number) {
    const auto order = orders.order_by_number(number);
    if (!order || !can_see(viewer, order->contractor_id, order->status)) {
        throw ApiError{404, "not_found", "order " + number + " does not exist"};
    }
    return *order;
}

json order_json(data::Project& project, const Viewer& viewer, const WorkOrder& order) {
    Database& db = project.database();
    auto summaries = order_summaries(db, "o.id = ?", {order.id});
    json out = summaries.at(0).json;
    out["instructions"] = order.instructions;
    json vehicles = json::array();
    for (const std::int64_t id : order.vehicles) {
        Statement q(db, "SELECT code, plate, machine_type FROM vehicles WHERE id = ?");
        q.bind(1, id);
        if (q.step()) {
            vehicles.push_back({{"code", q.column_text(0)},
                                {"plate", q.column_text(1)},
                                {"machine_type", q.column_text(2)}});
        }
    }
    out["vehicles"] = std::move(vehicles);
    Orders orders(project);
    json history = json::array();
    for (const OrderEvent& e : orders.history(order.id)) {
        history.push_back({{"time", format_time_jst(e.time_ms)},
                           {"from", e.from ? json(key(*e.from)) : json(nullptr)},
                           {"to", key(e.to)},
                           {"actor", e.actor},
                           {"channel", key(e.channel)},
                           {"reason", e.reason}});
    }
    out["history"] = std::move(history);
    out["actions"] = actions_for(viewer, order.status);
    const OrderEvidence evidence = orders.evidence(order.id);
    out["evidence"] = {{"required_m", std::round(evidence.required_m)},
                       {"cleared_m", std::round(evidence.cleared_m)},
                       {"first_pass", optional_time(evidence.first_pass_ms)},
                       {"last_pass", optional_time(evidence.last_pass_ms)}};
    Statement box(db, "SELECT MbrMinX(e), MbrMinY(e), MbrMaxX(e), MbrMaxY(e) FROM (SELECT "
                      "Transform(Extent(s.geom), 4326) AS e FROM order_segments os JOIN "
                      "road_segments s ON s.id = os.segment_id WHERE os.order_id = ?)");
    box.bind(1, order.id);
    if (box.step() && !box.is_null(0)) {
        out["bbox"] = {box.column_double(0), box.column_double(1), box.column_double(2),
                       box.column_double(3)};
    } else {
        out["bbox"] = nullptr;
    }
    return out;
}

/// A daily report as the portal shows it (docs/PORTAL.md REPORT): the report's JSON as `ykm
/// report daily --json` prints it (the stored content once confirmed), plus where it is and
/// what state it is in. Only the city's accounts learn whether a confirmed report differs from
/// the one recomputed now.
json report_json(const Viewer& viewer, const DailyReportState& s) {
    json out = s.report.is_object() ? s.report : json::object();
    out["vehicle_id"] = s.vehicle_id;
    out["shift_start_ms"] = s.shift_start_ms;
    out["date"] = jst_date_of(s.shift_start_ms);
    out["state"] = s.confirmation ? "confirmed" : s.running ? "running" : "open";
    if (s.confirmation) {
        out["confirmation"] = {{"by", s.confirmation->confirmed_by},
                               {"channel", key(s.confirmation->channel)},
                               {"time", format_time_jst(s.confirmation->confirmed_ms)},
                               {"content_sha256", s.confirmation->content_sha256}};
        if (viewer.role != Role::contractor) {
            out["differs"] = s.confirmation->differs;
        }
    } else {
        out["confirmation"] = nullptr;
    }
    json actions = json::array();
    if (viewer.role == Role::contractor && !s.confirmation && !s.running) {
        actions.push_back("confirm");
    }
    out["actions"] = std::move(actions);
    return out;
}

/// The date parameter of /api/reports.
std::string date_parameter(const std::map<std::string, std::string>& query) {
    const auto it = query.find("date");
    if (it == query.end() || it->second.empty()) {
        throw ApiError{400, "bad_parameter", "date is required (YYYY-MM-DD, Japan time)"};
    }
    try {
        jst_day_start_ms(it->second);
    } catch (const Error&) {
        throw ApiError{400, "bad_parameter", "date: '" + it->second + "' is not a date YYYY-MM-DD"};
    }
    return it->second;
}

/// A whole number in a path; none when it is not one.
std::optional<std::int64_t> path_number(const std::string& text) {
    if (text.empty() || text.size() > 18 ||
        text.find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
    }
    return std::stoll(text);
}

/// The shifts a viewer may see on a date: a contractor only its own vehicles'.
std::vector<DailyReportState> visible_reports(data::Project& project, const Viewer& viewer,
                                              const std::string& date) {
    if (viewer.role == Role::contractor) {
        if (!viewer.contractor_id) {
            return {};
        }
        return daily_report_states(project, date, *viewer.contractor_id);
    }
    return daily_report_states(project, date, std::nullopt);
}

/// The report of a vehicle's shift if this viewer may see it; otherwise 404, the same answer as
/// for a shift that does not exist.
DailyReportState visible_report(data::Project& project, const Viewer& viewer,
                                const std::string& vehicle_text, const std::string& start_text) {
    const auto vehicle_id = path_number(vehicle_text);
    const auto start_ms = path_number(start_text);
    const std::string what =
        "daily report of vehicle " + vehicle_text + ", shift starting " + start_text;
    if (!vehicle_id || !start_ms) {
        throw ApiError{404, "not_found", "no " + what};
    }
    for (DailyReportState& s : visible_reports(project, viewer, jst_date_of(*start_ms))) {
        if (s.vehicle_id == *vehicle_id && s.shift_start_ms == *start_ms) {
            return std::move(s);
        }
    }
    throw ApiError{404, "not_found", "no " + what};
}

/// Binds `ids` to the parameters of `q`, in order from the first.
void bind_ids(Statement& q, const std::vector<std::int64_t>& ids) {
    int index = 1;
    for (const std::int64_t id : ids) {
        q.bind(index++, id);
    }
}

/// The roads of the orders matching `where` (on orders o) as GeoJSON in WGS 84, each with its
/// order's number and status.
json roads_geojson(Database& db, const std::string& where, const std::vector<std::int64_t>& ids) {
    Statement q(db, "SELECT s.id, s.name, s.priority, s.oneway, s.length_m, "
                    "AsGeoJSON(Transform(s.geom, 4326), 6), o.number, o.status FROM orders o "
                    "JOIN order_segments os ON os.order_id = o.id JOIN road_segments s ON "
                    "s.id = os.segment_id WHERE " +
                        where + " ORDER BY o.id, s.id");
    bind_ids(q, ids);
    json features = json::array();
    while (q.step()) {
        json geometry = json::parse(q.column_text(5), nullptr, false);
        features.push_back({{"type", "Feature"},
                            {"id", q.column_int64(0)},
                            {"geometry", geometry.is_discarded() ? json(nullptr) : geometry},
                            {"properties",
                             {{"id", q.column_int64(0)},
                              {"name", q.is_null(1) ? json(nullptr) : json(q.column_text(1))},
                              {"priority", q.is_null(2) ? json(nullptr) : json(q.column_int(2))},
                              {"oneway", q.column_int(3) != 0},
                              {"length_m", std::round(q.column_double(4))},
                              {"order", q.column_text(6)},
                              {"status", q.column_text(7)}}}});
    }
    return {{"type", "FeatureCollection"}, {"features", std::move(features)}};
}

json vehicles_json(data::Project& project, const Viewer& viewer) {
    Fleet fleet(project);
    std::map<std::int64_t, Contractor> contractors;
    for (Contractor& c : fleet.contractors()) {
        contractors.emplace(c.id, std::move(c));
    }
    const std::int64_t now = now_ms();
    data::SeasonLog log(project.database());
    std::map<std::int64_t, data::Fix> last;
    for (const data::Fix& f : log.at(now, vehicle_max_age_ms)) {
        last.emplace(f.vehicle_id, f);
    }
    json out = json::array();
    for (const Vehicle& v : fleet.vehicles()) {
        if (viewer.role == Role::contractor && viewer.contractor_id != v.contractor_id) {
            continue;
        }
        const auto c = contractors.find(v.contractor_id);
        json item = {{"code", v.code},
                     {"plate", v.plate},
                     {"machine_type", key(v.type)},
                     {"contractor",
                      {{"code", c == contractors.end() ? "" : c->second.code},
                       {"name", c == contractors.end() ? "" : c->second.name}}},
                     {"lon", nullptr},
                     {"lat", nullptr},
                     {"time", nullptr},
                     {"speed_kmh", nullptr},
                     {"age_s", nullptr}};
        if (const auto f = last.find(v.id); f != last.end()) {
            item["lon"] = f->second.position.lon_deg;
            item["lat"] = f->second.position.lat_deg;
            item["time"] = format_time_jst(f->second.time_ms);
            if (f->second.speed_mps) {
                item["speed_kmh"] = std::round(*f->second.speed_mps * 36.0) / 10.0;
            }
            item["age_s"] = std::max<std::int64_t>(0, (now - f->second.time_ms) / 1000);
        }
        out.push_back(std::move(item));
    }
    return {{"vehicles", std::move(out)}};
}

std::string_view content_security_policy() {
    return "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
           "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
}

} // namespace

LoginLimiter::LoginLimiter(int allowed, std::int64_t window_ms)
    : m_allowed(allowed), m_window_ms(window_ms) {}

void LoginLimiter::prune(std::deque<std::int64_t>& times, std::int64_t now_ms) const {
    while (!times.empty() && times.front() <= now_ms - m_window_ms) {
        times.pop_front();
    }
}

std::int64_t LoginLimiter::wait_s(const std::string& key, std::int64_t now_ms) {
    std::lock_guard lock(m_mutex);
    const auto it = m_failures.find(key);
    if (it == m_failures.end()) {
        return 0;
    }
    prune(it->second, now_ms);
    if (static_cast<int>(it->second.size()) < m_allowed) {
        if (it->second.empty()) {
            m_failures.erase(it);
        }
        return 0;
    }
    return (it->second.front() + m_window_ms - now_ms + 999) / 1000;
}

void LoginLimiter::failed(const std::string& key, std::int64_t now_ms) {
    std::lock_guard lock(m_mutex);
    auto& times = m_failures[key];
    prune(times, now_ms);
    times.push_back(now_ms);
    // A flood from many addresses must not grow the table without bound: old entries go first.
    if (m_failures.size() > 100'000) {
        for (auto it = m_failures.begin(); it != m_failures.end();) {
            prune(it->second, now_ms);
            it = it->second.empty() ? m_failures.erase(it) : std::next(it);
        }
    }
}

void LoginLimiter::succeeded(const std::string& key) {
    std::lock_guard lock(m_mutex);
    m_failures.erase(key);
}

bool can_see(const Viewer& viewer, std::int64_t contractor_id, OrderStatus status) {
    switch (viewer.role) {
    case Role::staff:
    case Role::supervisor:
        return true;
    case Role::viewer:
        return status != OrderStatus::draft;
    case Role::contractor:
        return status != OrderStatus::draft && viewer.contractor_id == contractor_id;
    }
    return false;
}

std::vector<OrderSummary> order_summaries(Database& db, const std::string& where,
                                          const std::vector<std::int64_t>& ids) {
    Statement q(db, "SELECT o.number, o.status, o.contractor_id, c.code, c.name, o.district_id, "
                    "d.name, o.work_type, o.window_start_ms, o.window_end_ms, o.deadline_ms, "
                    "o.updated_ms, (SELECT count(*) FROM order_segments os WHERE os.order_id = "
                    "o.id), (SELECT total(s.length_m) FROM order_segments os JOIN road_segments "
                    "s ON s.id = os.segment_id WHERE os.order_id = o.id) FROM orders o JOIN "
                    "contractors c ON c.id = o.contractor_id LEFT JOIN districts d ON d.id = "
                    "o.district_id WHERE " +
                        where + " ORDER BY o.window_start_ms DESC, o.number DESC");
    bind_ids(q, ids);
    std::vector<OrderSummary> out;
    while (q.step()) {
        OrderSummary s;
        s.status = parse_order_status(q.column_text(1)).value_or(OrderStatus::draft);
        s.contractor_id = q.column_int64(2);
        const auto work = data::parse_work_type(q.column_text(7));
        s.json = {
            {"number", q.column_text(0)},
            {"status", key(s.status)},
            {"contractor", {{"code", q.column_text(3)}, {"name", q.column_text(4)}}},
            {"district", q.is_null(5)
                             ? json(nullptr)
                             : json({{"id", q.column_int64(5)},
                                     {"name", q.is_null(6) ? std::string() : q.column_text(6)}})},
            {"work_type", work ? std::string(data::key(*work)) : q.column_text(7)},
            {"window_start", format_time_jst(q.column_int64(8))},
            {"window_end", format_time_jst(q.column_int64(9))},
            {"deadline", optional_time(q.column_optional_int64(10))},
            {"updated", format_time_jst(q.column_int64(11))},
            {"road_count", q.column_int64(12)},
            {"length_m", std::round(q.column_double(13))}};
        out.push_back(std::move(s));
    }
    return out;
}

Api::Api(const PortalOptions& options, bool tls, LoginLimiter& limiter)
    : m_options(options), m_tls(tls), m_limiter(limiter) {}

std::string Api::cookie(const std::string& value, std::int64_t max_age_s) const {
    std::string c = std::string(session_cookie) + "=" + value +
                    "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
    if (m_tls || m_options.behind_https_proxy) {
        c += "; Secure";
    }
    return c;
}

std::string Api::client_address(const Request& request) const {
    if (m_options.behind_https_proxy && !request.forwarded_for.empty()) {
        // The last hop is the one the proxy added; earlier ones are the client's word.
        std::string last = request.forwarded_for.substr(request.forwarded_for.rfind(',') + 1);
        last.erase(0, last.find_first_not_of(' '));
        return last;
    }
    return request.peer;
}

Response Api::handle(data::Project& project, const Request& request) {
    Response r;
    try {
        r = route(project, request);
    } catch (const ApiError& e) {
        r = error_response(e.status, e.code, e.message);
    } catch (const Error& e) {
        // The model refuses bad values with messages that name them.
        r = error_response(400, "invalid", e.what());
    } catch (const std::exception& e) {
        r = error_response(500, "server_error", e.what());
    }
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Referrer-Policy", "same-origin");
    r.headers.emplace_back("X-Frame-Options", "DENY");
    r.headers.emplace_back("Content-Security-Policy", std::string(content_security_policy()));
    if (m_tls) {
        r.headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
    }
    if (request.target.rfind("/api/", 0) == 0) {
        r.headers.emplace_back("Cache-Control", "no-store");
    }
    return r;
}

Response Api::asset(const Request& request, const std::string& path) {
    const std::string wanted = path == "/" ? "/index.html" : path;
    for (const PortalAsset& a : portal_assets()) {
        if (a.path != wanted) {
            continue;
        }
        Response r;
        r.headers.emplace_back("ETag", std::string(a.etag));
        r.headers.emplace_back("Cache-Control", "no-cache");
        if (!request.if_none_match.empty() && request.if_none_match == a.etag) {
            r.status = 304;
            return r;
        }
        r.content_type = std::string(a.media_type);
        r.body = std::string(a.content);
        return r;
    }
    throw ApiError{404, "not_found", "no page at " + path};
}

Response Api::login(data::Project& project, const Request& request) {
    const json body = parse_body(request);
    const std::string login = string_field(body, "login", true, 64);
    const std::string password = string_field(body, "password", true, 1024);
    const std::int64_t now = now_ms();
    const std::string address_key = "address " + client_address(request);
    const std::string login_key = "login " + lower(login);
    const std::int64_t wait =
        std::max(m_limiter.wait_s(address_key, now), m_limiter.wait_s(login_key, now));
    if (wait > 0) {
        Response r =
            error_response(429, "rate_limited",
                           "too many failed logins; try again in " + std::to_string(wait) + " s");
        r.headers.emplace_back("Retry-After", std::to_string(wait));
        return r;
    }
    Accounts accounts(project.database());
    const auto account = accounts.authenticate(login, password);
    if (!account) {
        m_limiter.failed(address_key, now);
        m_limiter.failed(login_key, now);
        throw ApiError{401, "bad_credentials", "the login or password is wrong"};
    }
    m_limiter.succeeded(login_key);
    const std::int64_t ttl_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(m_options.session_lifetime).count();
    const PortalSession session =
        accounts.open_session(*account, client_address(request), now, ttl_ms);
    Response r = json_response(200, {{"account", account_json(project.database(), *account)},
                                     {"csrf_token", session.csrf_token}});
    r.headers.emplace_back("Set-Cookie", cookie(session.token, ttl_ms / 1000));
    return r;
}

Response Api::route(data::Project& project, const Request& request) {
    const std::size_t q = request.target.find('?');
    const std::string path = request.target.substr(0, q);
    const auto query =
        query_parameters(q == std::string::npos ? std::string_view{}
                                                : std::string_view(request.target).substr(q + 1));
    const bool get = request.method == "GET";
    const bool post = request.method == "POST";
    auto method_not_allowed = [](const char* allow) {
        Response r = error_response(405, "method_not_allowed", std::string("use ") + allow);
        r.headers.emplace_back("Allow", allow);
        return r;
    };

    if (path == "/health") {
        if (!get) {
            return method_not_allowed("GET");
        }
        return json_response(200, {{"status", "ok"}});
    }
    if (path.rfind("/api/", 0) != 0) {
        if (!get) {
            return method_not_allowed("GET");
        }
        return asset(request, path);
    }

    // A browser sends Origin with every POST (and cross-site GETs); it must be this site.
    if (!request.origin.empty()) {
        const std::string self =
            std::string(m_tls || m_options.behind_https_proxy ? "https://" : "http://") +
            request.host;
        if (lower(request.origin) != lower(self)) {
            throw ApiError{403, "cross_origin",
                           "requests from " + request.origin + " are not accepted"};
        }
    }
    if (!get && !post) {
        return method_not_allowed(path == "/api/login" || path == "/api/logout" ? "POST"
                                                                                : "GET, POST");
    }
    if (path == "/api/login") {
        if (!post) {
            return method_not_allowed("POST");
        }
        return login(project, request);
    }

    Accounts accounts(project.database());
    const std::string token = cookie_value(request.cookie, session_cookie);
    const auto session = token.empty() ? std::nullopt : accounts.session(token, now_ms());
    if (!session) {
        throw ApiError{401, "not_logged_in", "log in first"};
    }
    const Viewer viewer = viewer_of(session->account);
    if (post && !equal_secrets(request.csrf_token, session->csrf_token)) {
        throw ApiError{403, "csrf", "the X-CSRF-Token header is missing or wrong"};
    }

    if (path == "/api/logout") {
        if (!post) {
            return method_not_allowed("POST");
        }
        accounts.close_session(token);
        Response r;
        r.status = 204;
        r.headers.emplace_back("Set-Cookie", cookie("", 0));
        return r;
    }
    if (path == "/api/session") {
        if (!get) {
            return method_not_allowed("GET");
        }
        return json_response(200, {{"account", account_json(project.database(), session->account)},
                                   {"csrf_token", session->csrf_token}});
    }
    if (path == "/api/language") {
        if (!post) {
            return method_not_allowed("POST");
        }
        const json body = parse_body(request);
        const std::string language = string_field(body, "language", true, 8);
        if (language != "ja" && language != "en") {
            throw ApiError{400, "bad_field", "language must be ja or en"};
        }
        accounts.set_actor(viewer.login, "portal");
        accounts.set_language(viewer.account_id, language);
        return json_response(200,
                             account_json(project.database(), *accounts.by_id(viewer.account_id)));
    }
    if (path == "/api/events") {
        if (!get) {
            return method_not_allowed("GET");
        }
        Response r;
        r.stream = viewer;
        return r;
    }
    if (path == "/api/vehicles") {
        if (!get) {
            return method_not_allowed("GET");
        }
        return json_response(200, vehicles_json(project, viewer));
    }
    if (path == "/api/reports") {
        if (!get) {
            return method_not_allowed("GET");
        }
        const std::string date = date_parameter(query);
        json list = json::array();
        for (const DailyReportState& s : visible_reports(project, viewer, date)) {
            list.push_back(report_json(viewer, s));
        }
        return json_response(200, {{"date", date}, {"reports", std::move(list)}});
    }
    if (path.rfind("/api/reports/", 0) == 0) {
        const std::string rest = path.substr(13);
        const std::size_t slash = rest.find('/');
        const std::size_t second = slash == std::string::npos ? slash : rest.find('/', slash + 1);
        if (slash == std::string::npos) {
            throw ApiError{404, "not_found", "no API at " + path};
        }
        const std::string vehicle_text = rest.substr(0, slash);
        const std::string start_text = rest.substr(slash + 1, second - slash - 1);
        const std::string what = second == std::string::npos ? "" : rest.substr(second + 1);
        if (!what.empty() && what != "confirm") {
            throw ApiError{404, "not_found", "no such action: " + what};
        }
        const DailyReportState report = visible_report(project, viewer, vehicle_text, start_text);
        if (what.empty()) {
            if (!get) {
                return method_not_allowed("GET");
            }
            return json_response(200, report_json(viewer, report));
        }
        if (!post) {
            return method_not_allowed("POST");
        }
        parse_body(request);
        // The contractor confirms its own figures; the city does not confirm on its behalf.
        if (viewer.role != Role::contractor) {
            throw ApiError{403, "forbidden",
                           "a " + std::string(key(viewer.role)) +
                               " account cannot confirm a daily report: its contractor does"};
        }
        const std::string shift = "the daily report of " + report.vehicle_code +
                                  ", shift starting " + format_time_jst(report.shift_start_ms);
        if (report.confirmation) {
            throw ApiError{409, "already_confirmed",
                           shift + " is already confirmed (by " +
                               report.confirmation->confirmed_by + "): it is locked"};
        }
        if (report.running) {
            throw ApiError{409, "shift_running",
                           shift + " cannot be confirmed yet: the shift may still be running"};
        }
        try {
            confirm_daily_report(project, report.vehicle_id, jst_date_of(report.shift_start_ms),
                                 report.shift_start_ms, viewer.login, ConfirmationChannel::portal);
        } catch (const ConfirmationError& e) {
            // Another request got there first, or late fixes changed the shift meanwhile.
            if (e.reason() == ConfirmationRefusal::no_such_shift) {
                throw ApiError{404, "not_found", e.what()};
            }
            throw ApiError{409,
                           e.reason() == ConfirmationRefusal::already_confirmed
                               ? "already_confirmed"
                               : "shift_running",
                           e.what()};
        }
        return json_response(
            200, report_json(viewer, visible_report(project, viewer, vehicle_text, start_text)));
    }
    if (path == "/api/orders" || path == "/api/roads") {
        if (!get) {
            return method_not_allowed("GET");
        }
        std::string where = "1";
        std::vector<std::int64_t> ids;
        if (viewer.role == Role::contractor) {
            where += " AND o.contractor_id = ? AND o.status <> 'draft'";
            ids.push_back(*viewer.contractor_id);
        } else if (viewer.role == Role::viewer) {
            where += " AND o.status <> 'draft'";
        }
        if (const auto s = query.find("status"); s != query.end()) {
            const auto status = parse_order_status(s->second);
            if (!status) {
                throw ApiError{400, "bad_parameter", "status '" + s->second + "' is not a status"};
            }
            where += std::string(" AND o.status = '") + std::string(key(*status)) + "'";
        }
        if (const auto open = query.find("open"); open != query.end()) {
            if (open->second != "1" && open->second != "0") {
                throw ApiError{400, "bad_parameter", "open must be 1 or 0"};
            }
            if (open->second == "1") {
                where += " AND o.status NOT IN ('completed', 'inspected', 'cancelled')";
            }
        }
        if (path == "/api/roads") {
            return json_response(200, roads_geojson(project.database(), where, ids));
        }
        json list = json::array();
        for (OrderSummary& s : order_summaries(project.database(), where, ids)) {
            list.push_back(std::move(s.json));
        }
        return json_response(200, {{"orders", std::move(list)}});
    }
    if (path.rfind("/api/orders/", 0) == 0) {
        const std::string rest = path.substr(12);
        const std::size_t slash = rest.find('/');
        const std::string number = rest.substr(0, slash);
        const std::string what = slash == std::string::npos ? "" : rest.substr(slash + 1);
        Orders orders(project);
        const WorkOrder order = visible_order(orders, viewer, number);
        if (what.empty()) {
            if (!get) {
                return method_not_allowed("GET");
            }
            return json_response(200, order_json(project, viewer, order));
        }
        if (what == "roads") {
            if (!get) {
                return method_not_allowed("GET");
            }
            return json_response(200, roads_geojson(project.database(), "o.id = ?", {order.id}));
        }
        if (what == "sheet.pdf") {
            if (!get) {
                return method_not_allowed("GET");
            }
            OrderSheetOptions sheet;
            // The QR code leads back to where the contractor reached the portal, unless the
            // server was told its public address.
            sheet.portal_url =
                !m_options.public_url.empty() ? m_options.public_url
                : request.host.empty()
                    ? std::string()
                    : std::string(m_tls || m_options.behind_https_proxy ? "https://" : "http://") +
                          request.host;
            const auto pdf = order_sheet_pdf(project, order.id, sheet);
            Response r;
            r.content_type = "application/pdf";
            r.body.assign(pdf.begin(), pdf.end());
            r.headers.emplace_back("Content-Disposition",
                                   "inline; filename=\"order-" + order.number + ".pdf\"");
            return r;
        }
        const auto rule = std::find_if(action_rules.begin(), action_rules.end(),
                                       [&](const ActionRule& a) { return a.action == what; });
        if (rule == action_rules.end()) {
            throw ApiError{404, "not_found", "no such action: " + what};
        }
        if (!post) {
            return method_not_allowed("POST");
        }
        const json body = parse_body(request);
        const std::string reason = string_field(body, "reason", false, max_reason_bytes);
        if (!role_may(*rule, viewer.role)) {
            throw ApiError{403, "forbidden",
                           "a " + std::string(key(viewer.role)) + " account cannot " + what +
                               " an order"};
        }
        if (!transition_allowed(order.status, rule->to)) {
            std::string next;
            for (const OrderStatus s : next_statuses(order.status)) {
                next += (next.empty() ? "" : ", ") + std::string(key(s));
            }
            throw ApiError{409, "illegal_transition",
                           "order " + order.number + " is " + std::string(key(order.status)) +
                               ": it cannot become " + std::string(key(rule->to)) +
                               " (next: " + (next.empty() ? "none" : next) + ")"};
        }
        if (rule->to == OrderStatus::declined &&
            reason.find_first_not_of(" \t\r\n") == std::string::npos) {
            throw ApiError{400, "reason_required", "a decline needs a reason"};
        }
        orders.change_status(order.id, rule->to, OrderActor{viewer.login, OrderChannel::portal},
                             reason);
        return json_response(200, order_json(project, viewer, *orders.order(order.id)));
    }
    throw ApiError{404, "not_found", "no API at " + path};
}

} // namespace ykm::dispatch::portal

// The contractor portal over real HTTP on a loopback port: logins and their limit, cookies, CSRF,
// origins, malformed and oversized requests, every action against every status for every role,
// what each role can see, event streams, HTTPS, and the audit chain after portal changes.

#include "ykm/dispatch/portal_server.hpp"

#include "../data/temp_dir.hpp"
#include "http_client.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/dispatch/accounts.hpp"
#include "ykm/dispatch/audit_log.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/orders.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/dispatch/report_confirmations.hpp"
#include "ykm/gis/error.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

using namespace ykm;
using dispatch::OrderStatus;
using nlohmann::json;
using test::http_call;
using test::HttpAnswer;

namespace {

constexpr std::array<OrderStatus, 8> all_statuses{
    OrderStatus::draft,     OrderStatus::issued,   OrderStatus::acknowledged,
    OrderStatus::declined,  OrderStatus::started,  OrderStatus::completed,
    OrderStatus::inspected, OrderStatus::cancelled};

constexpr const char* password = "yuki-michi-2026";

/// A demo town with two contractors, accounts of every role, and a portal on a free port.
struct Portal {
    test::TempDir dir;
    std::filesystem::path path = dir / "town.ykm";
    std::int64_t contractor_a = 0;
    std::int64_t contractor_b = 0;
    std::int64_t vehicle_a = 0;
    std::optional<dispatch::PortalServer> server;
    std::uint16_t port = 0;

    explicit Portal(dispatch::PortalOptions options = {}) {
        {
            data::Project project = data::Project::create(path, gis::Epsg{6678});
            data::write_demo_town(project, data::generate_demo_town(2, data::TownSize::small));
            dispatch::Fleet fleet(project);
            contractor_a = fleet.save(dispatch::Contractor{0, "K01", "雪国建設", "", ""});
            contractor_b = fleet.save(dispatch::Contractor{0, "K02", "北星工業", "", ""});
            dispatch::Vehicle v;
            v.code = "A-1";
            v.contractor_id = contractor_a;
            vehicle_a = fleet.save(v);
            v.code = "B-1";
            v.contractor_id = contractor_b;
            fleet.save(v);
            dispatch::Accounts accounts(project.database());
            auto add = [&](const char* login, dispatch::Role role,
                           std::optional<std::int64_t> contractor) {
                dispatch::Account a;
                a.login = login;
                a.role = role;
                a.contractor_id = contractor;
                accounts.create(a, password);
            };
            add("staff1", dispatch::Role::staff, std::nullopt);
            add("chief", dispatch::Role::supervisor, std::nullopt);
            add("yamada", dispatch::Role::contractor, contractor_a);
            add("kita", dispatch::Role::contractor, contractor_b);
            add("watch", dispatch::Role::viewer, std::nullopt);
        }
        options.listen = "127.0.0.1:0";
        options.change_poll = std::chrono::milliseconds(100);
        server.emplace(path, options,
                       [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
        server->start();
        port = server->port();
    }

    /// An order of contractor A (or B) brought to `status` through the workflow.
    std::string order_in(OrderStatus status, bool of_a = true) {
        data::Project project = data::Project::open(path, data::OpenMode::read_write);
        dispatch::Orders orders(project);
        dispatch::WorkOrder o;
        o.contractor_id = of_a ? contractor_a : contractor_b;
        o.district_id = 1;
        o.segments = {1, 2, 3};
        o.window_start_ms = 1'800'000'000'000;
        o.window_end_ms = o.window_start_ms + 6 * 3'600'000;
        o.instructions = "第1種を優先";
        const dispatch::OrderActor desk{"sato", dispatch::OrderChannel::desktop};
        const std::int64_t id = orders.create(o, desk);
        auto go = [&](OrderStatus to) { orders.change_status(id, to, desk, "雪が多い"); };
        switch (status) {
        case OrderStatus::draft:
            break;
        case OrderStatus::cancelled:
            go(OrderStatus::cancelled);
            break;
        case OrderStatus::declined:
            go(OrderStatus::issued);
            go(OrderStatus::declined);
            break;
        default:
            for (const OrderStatus s :
                 {OrderStatus::issued, OrderStatus::acknowledged, OrderStatus::started,
                  OrderStatus::completed, OrderStatus::inspected}) {
                go(s);
                if (s == status) {
                    break;
                }
            }
        }
        return orders.order(id)->number;
    }

    [[nodiscard]] dispatch::WorkOrder order(const std::string& number) const {
        data::Project project = data::Project::open(path, data::OpenMode::read_only);
        dispatch::Orders orders(project);
        return *orders.order_by_number(number);
    }

    [[nodiscard]] std::vector<dispatch::OrderEvent> history(const std::string& number) const {
        data::Project project = data::Project::open(path, data::OpenMode::read_only);
        dispatch::Orders orders(project);
        return orders.history(orders.order_by_number(number)->id);
    }
};

/// A logged-in session: its cookie and CSRF token.
struct Login {
    std::string cookie;
    std::string csrf;
};

HttpAnswer post_json(std::uint16_t port, const std::string& target, const std::string& body,
                     const Login* login, bool with_csrf = true) {
    std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/json"}};
    if (login) {
        headers.emplace_back("Cookie", login->cookie);
        if (with_csrf) {
            headers.emplace_back("X-CSRF-Token", login->csrf);
        }
    }
    return http_call(port, "POST", target, body, headers);
}

HttpAnswer get(std::uint16_t port, const std::string& target, const Login& login) {
    return http_call(port, "GET", target, {}, {{"Cookie", login.cookie}});
}

Login log_in(std::uint16_t port, const std::string& login) {
    const HttpAnswer a = post_json(port, "/api/login",
                                   json{{"login", login}, {"password", password}}.dump(), nullptr);
    BOOST_TEST_REQUIRE(a.status == 200U, login << ": " << a.body);
    const std::string set_cookie = a.header("set-cookie");
    return {set_cookie.substr(0, set_cookie.find(';')), json::parse(a.body)["csrf_token"]};
}

std::string error_code(const HttpAnswer& a) {
    const json j = json::parse(a.body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"].get<std::string>() : a.body;
}

/// One fix a minute of vehicle `code` from `start_ms`, `count` of them, plowing northwards.
void add_track(const Portal& p, const std::string& code, std::int64_t start_ms, int count) {
    data::Project project = data::Project::open(p.path, data::OpenMode::read_write);
    const auto vehicle = dispatch::Fleet(project).vehicle_by_code(code);
    BOOST_TEST_REQUIRE(vehicle.has_value());
    std::vector<data::Fix> fixes;
    for (int i = 0; i < count; ++i) {
        data::Fix f;
        f.vehicle_id = vehicle->id;
        f.time_ms = start_ms + i * 60'000LL;
        f.position = gis::LonLat{140.74, 40.8 + 0.001 * i};
        f.work = data::WorkType::plow;
        fixes.push_back(f);
    }
    data::SeasonLog(project.database()).append(fixes);
}

// 2026-01-15 21:00 JST.
constexpr std::int64_t night_ms = 1'768'402'800'000 + 21 * 3'600'000LL;

} // namespace

BOOST_AUTO_TEST_SUITE(portal_server_tests)

BOOST_AUTO_TEST_CASE(login_sets_a_protected_cookie_and_wrong_passwords_get_401) {
    Portal p;
    const HttpAnswer bad =
        post_json(p.port, "/api/login",
                  json{{"login", "yamada"}, {"password", "wrong-pass"}}.dump(), nullptr);
    BOOST_TEST(bad.status == 401U);
    BOOST_TEST(error_code(bad) == "bad_credentials");
    BOOST_TEST(bad.header("set-cookie").empty());
    const HttpAnswer unknown = post_json(
        p.port, "/api/login", json{{"login", "nobody"}, {"password", password}}.dump(), nullptr);
    BOOST_TEST(unknown.status == 401U);

    const HttpAnswer ok = post_json(
        p.port, "/api/login", json{{"login", "yamada"}, {"password", password}}.dump(), nullptr);
    BOOST_TEST_REQUIRE(ok.status == 200U);
    const std::string cookie = ok.header("set-cookie");
    BOOST_TEST(cookie.find("ykm_session=") == 0U);
    BOOST_TEST(cookie.find("HttpOnly") != std::string::npos);
    BOOST_TEST(cookie.find("SameSite=Strict") != std::string::npos);
    // Plain HTTP on loopback: a Secure cookie would never be sent back.
    BOOST_TEST(cookie.find("Secure") == std::string::npos);
    const json body = json::parse(ok.body);
    BOOST_TEST(body["account"]["role"] == "contractor");
    BOOST_TEST(body["account"]["contractor"]["code"] == "K01");
    BOOST_TEST(body["csrf_token"].get<std::string>().size() == 64U);

    // The password hash is Argon2id, never the password.
    data::Project project = data::Project::open(p.path, data::OpenMode::read_only);
    data::Statement q(project.database(),
                      "SELECT password_hash FROM accounts WHERE login = 'yamada'");
    BOOST_TEST_REQUIRE(q.step());
    BOOST_TEST(q.column_text(0).rfind("$argon2id$", 0) == 0U);
    BOOST_TEST(q.column_text(0).find(password) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(sessions_end_at_logout_and_unknown_cookies_get_401) {
    Portal p;
    const Login login = log_in(p.port, "yamada");
    BOOST_TEST(get(p.port, "/api/session", login).status == 200U);
    BOOST_TEST(http_call(p.port, "GET", "/api/orders").status == 401U);
    BOOST_TEST(
        get(p.port, "/api/orders", Login{"ykm_session=" + std::string(64, 'a'), ""}).status ==
        401U);
    const HttpAnswer out = post_json(p.port, "/api/logout", "", &login);
    BOOST_TEST(out.status == 204U);
    BOOST_TEST(out.header("set-cookie").find("Max-Age=0") != std::string::npos);
    BOOST_TEST(get(p.port, "/api/session", login).status == 401U);
}

BOOST_AUTO_TEST_CASE(logins_are_limited_per_login_and_per_address) {
    dispatch::PortalOptions options;
    options.login_failures_allowed = 3;
    Portal p(options);
    for (int i = 0; i < 3; ++i) {
        BOOST_TEST(
            post_json(p.port, "/api/login",
                      json{{"login", "yamada"}, {"password", "guess-" + std::to_string(i)}}.dump(),
                      nullptr)
                .status == 401U);
    }
    // Now even the right password is refused until the window passes.
    const HttpAnswer limited = post_json(
        p.port, "/api/login", json{{"login", "yamada"}, {"password", password}}.dump(), nullptr);
    BOOST_TEST(limited.status == 429U);
    BOOST_TEST(error_code(limited) == "rate_limited");
    BOOST_TEST(std::atoi(limited.header("retry-after").c_str()) > 800);
    // The address is limited too: another login from it is refused as well.
    BOOST_TEST(post_json(p.port, "/api/login",
                         json{{"login", "kita"}, {"password", password}}.dump(), nullptr)
                   .status == 429U);
}

BOOST_AUTO_TEST_CASE(state_changes_need_the_csrf_token_and_this_origin) {
    Portal p;
    const std::string number = p.order_in(OrderStatus::issued);
    const Login login = log_in(p.port, "yamada");
    const std::string target = "/api/orders/" + number + "/acknowledge";
    const HttpAnswer missing = post_json(p.port, target, "{}", &login, false);
    BOOST_TEST(missing.status == 403U);
    BOOST_TEST(error_code(missing) == "csrf");
    Login wrong = login;
    wrong.csrf = std::string(64, '0');
    BOOST_TEST(post_json(p.port, target, "{}", &wrong).status == 403U);
    const HttpAnswer foreign = http_call(p.port, "POST", target, "{}",
                                         {{"Content-Type", "application/json"},
                                          {"Cookie", login.cookie},
                                          {"X-CSRF-Token", login.csrf},
                                          {"Origin", "http://evil.example"}});
    BOOST_TEST(foreign.status == 403U);
    BOOST_TEST(error_code(foreign) == "cross_origin");
    BOOST_TEST((p.order(number).status == OrderStatus::issued));

    const HttpAnswer same_site =
        http_call(p.port, "POST", target, "{}",
                  {{"Content-Type", "application/json"},
                   {"Cookie", login.cookie},
                   {"X-CSRF-Token", login.csrf},
                   {"Origin", "http://127.0.0.1:" + std::to_string(p.port)}});
    BOOST_TEST(same_site.status == 200U, same_site.body);
    BOOST_TEST((p.order(number).status == OrderStatus::acknowledged));
}

BOOST_AUTO_TEST_CASE(malformed_oversized_and_wrongly_typed_requests_get_4xx) {
    Portal p;
    const std::string number = p.order_in(OrderStatus::issued);
    const Login login = log_in(p.port, "yamada");
    const std::string decline = "/api/orders/" + number + "/decline";
    const HttpAnswer broken = post_json(p.port, decline, R"({"reason": "雪)", &login);
    BOOST_TEST(broken.status == 400U);
    BOOST_TEST(error_code(broken) == "malformed_json");
    BOOST_TEST(post_json(p.port, decline, "[1, 2]", &login).status == 400U);
    const HttpAnswer typed = post_json(p.port, decline, R"({"reason": 42})", &login);
    BOOST_TEST(typed.status == 400U);
    BOOST_TEST(typed.body.find("reason") != std::string::npos);
    const HttpAnswer no_reason = post_json(p.port, decline, R"({"reason": "  "})", &login);
    BOOST_TEST(no_reason.status == 400U);
    BOOST_TEST(error_code(no_reason) == "reason_required");
    const HttpAnswer form = http_call(p.port, "POST", decline, "reason=x",
                                      {{"Content-Type", "application/x-www-form-urlencoded"},
                                       {"Cookie", login.cookie},
                                       {"X-CSRF-Token", login.csrf}});
    BOOST_TEST(form.status == 415U);
    const HttpAnswer huge =
        post_json(p.port, decline, json{{"reason", std::string(20 * 1024, 'x')}}.dump(), &login);
    BOOST_TEST(huge.status == 413U);
    BOOST_TEST(error_code(huge) == "body_too_large");
    BOOST_TEST(http_call(p.port, "DELETE", "/api/orders").status == 405U);
    BOOST_TEST(get(p.port, "/api/nothing", login).status == 404U);
    BOOST_TEST(get(p.port, "/api/orders?status=done", login).status == 400U);
    // After all that, the order is untouched and the server still answers.
    BOOST_TEST((p.order(number).status == OrderStatus::issued));
    BOOST_TEST(http_call(p.port, "GET", "/health").status == 200U);
}

// Every action against an order in every status, for every role: 404 when the role may not see
// the order, 403 when it may not take the action, 409 when the workflow forbids it, else 200 and
// a new status recorded with channel portal and the account as actor.
BOOST_AUTO_TEST_CASE(every_action_in_every_status_for_every_role) {
    Portal p;
    struct RoleCase {
        const char* login;
        bool contractor;
        bool own;
        bool staff;
        bool supervisor;
    };
    const std::array<RoleCase, 5> roles{{{"staff1", false, false, true, false},
                                         {"chief", false, false, false, true},
                                         {"yamada", true, true, false, false},
                                         {"kita", true, false, false, false},
                                         {"watch", false, false, false, false}}};
    struct ActionCase {
        const char* action;
        OrderStatus to;
        bool contractor;
        bool staff;
        bool supervisor;
    };
    const std::array<ActionCase, 7> actions{{
        {"acknowledge", OrderStatus::acknowledged, true, false, false},
        {"decline", OrderStatus::declined, true, false, false},
        {"start", OrderStatus::started, true, false, false},
        {"complete", OrderStatus::completed, true, false, false},
        {"issue", OrderStatus::issued, false, true, true},
        {"cancel", OrderStatus::cancelled, false, true, true},
        {"inspect", OrderStatus::inspected, false, false, true},
    }};
    int successes = 0;
    for (const RoleCase& role : roles) {
        const Login login = log_in(p.port, role.login);
        for (const ActionCase& action : actions) {
            for (const OrderStatus status : all_statuses) {
                const std::string number = p.order_in(status);
                const bool visible =
                    role.contractor ? role.own && status != OrderStatus::draft
                                    : role.staff || role.supervisor || status != OrderStatus::draft;
                const bool permitted = role.contractor ? action.contractor
                                       : role.staff    ? action.staff
                                                       : role.supervisor && action.supervisor;
                const unsigned expected = !visible                                           ? 404U
                                          : !permitted                                       ? 403U
                                          : !dispatch::transition_allowed(status, action.to) ? 409U
                                                                                             : 200U;
                const HttpAnswer a =
                    post_json(p.port, "/api/orders/" + number + "/" + action.action,
                              json{{"reason", "除雪機が故障"}}.dump(), &login);
                BOOST_TEST(a.status == expected, role.login << " " << action.action << " "
                                                            << dispatch::key(status) << ": "
                                                            << a.body);
                const dispatch::WorkOrder after = p.order(number);
                if (expected == 200U) {
                    ++successes;
                    BOOST_TEST((after.status == action.to));
                    const auto history = p.history(number);
                    BOOST_TEST((history.back().channel == dispatch::OrderChannel::portal));
                    BOOST_TEST(history.back().actor == role.login);
                    BOOST_TEST(json::parse(a.body)["status"] == dispatch::key(action.to));
                } else {
                    BOOST_TEST((after.status == status), "unchanged after " << a.status);
                }
            }
        }
    }
    // acknowledge, decline (issued), start, complete for the own contractor; issue (draft,
    // declined) and cancel (5 states) for staff and supervisor; inspect for the supervisor.
    BOOST_TEST(successes == 4 + 7 + 7 + 1);
    data::Project project = data::Project::open(p.path, data::OpenMode::read_only);
    const dispatch::AuditCheck check = dispatch::verify_audit(project.database());
    BOOST_TEST(check.intact, check.message);
}

BOOST_AUTO_TEST_CASE(a_contractor_sees_only_its_own_issued_orders_and_vehicles) {
    Portal p;
    const std::string own = p.order_in(OrderStatus::issued);
    const std::string own_draft = p.order_in(OrderStatus::draft);
    const std::string other = p.order_in(OrderStatus::issued, false);
    const Login a = log_in(p.port, "yamada");
    const json list = json::parse(get(p.port, "/api/orders", a).body)["orders"];
    BOOST_TEST_REQUIRE(list.size() == 1U);
    BOOST_TEST(list[0]["number"] == own);
    BOOST_TEST(list[0]["contractor"]["code"] == "K01");
    BOOST_TEST(list[0]["road_count"] == 3);
    for (const std::string& hidden : {other, own_draft}) {
        for (const char* what : {"", "/roads", "/sheet.pdf"}) {
            const HttpAnswer h = get(p.port, "/api/orders/" + hidden + what, a);
            BOOST_TEST(h.status == 404U, hidden << what);
        }
    }
    const json detail = json::parse(get(p.port, "/api/orders/" + own, a).body);
    BOOST_TEST(detail["actions"] == json({"acknowledge", "decline"}));
    BOOST_TEST(detail["instructions"] == "第1種を優先");
    BOOST_TEST(detail["bbox"].size() == 4U);
    const json roads = json::parse(get(p.port, "/api/orders/" + own + "/roads", a).body);
    BOOST_TEST(roads["features"].size() == 3U);
    const double lon = roads["features"][0]["geometry"]["coordinates"][0][0];
    BOOST_TEST((lon > 120.0 && lon < 150.0)); // WGS 84, not the project CRS
    // The map of the list: the roads of its own visible orders only, each naming its order.
    const json all_roads = json::parse(get(p.port, "/api/roads?open=1", a).body);
    BOOST_TEST(all_roads["features"].size() == 3U);
    for (const json& f : all_roads["features"]) {
        BOOST_TEST(f["properties"]["order"] == own);
        BOOST_TEST(f["properties"]["status"] == "issued");
    }
    const HttpAnswer sheet = get(p.port, "/api/orders/" + own + "/sheet.pdf", a);
    BOOST_TEST(sheet.status == 200U);
    BOOST_TEST(sheet.body.rfind("%PDF", 0) == 0U);
    {
        // Its QR code leads back to the portal as the contractor reached it.
        const std::filesystem::path pdf = p.dir / "sheet.pdf";
        std::ofstream(pdf, std::ios::binary) << sheet.body;
        const std::string text_file = (p.dir / "sheet.txt").string();
        BOOST_TEST_REQUIRE(
            std::system(("pdftotext '" + pdf.string() + "' '" + text_file + "'").c_str()) == 0);
        std::ifstream in(text_file);
        const std::string text{std::istreambuf_iterator<char>(in),
                               std::istreambuf_iterator<char>()};
        // (The number may wrap onto the next line under the code.)
        BOOST_TEST(text.find("http://127.0.0.1:" + std::to_string(p.port) + "/#/orders/") !=
                       std::string::npos,
                   text);
    }
    const json vehicles = json::parse(get(p.port, "/api/vehicles", a).body)["vehicles"];
    BOOST_TEST_REQUIRE(vehicles.size() == 1U);
    BOOST_TEST(vehicles[0]["code"] == "A-1");
    BOOST_TEST(vehicles[0]["lon"].is_null()); // no fix yet: unknown, not idle

    const Login v = log_in(p.port, "watch");
    BOOST_TEST(json::parse(get(p.port, "/api/orders", v).body)["orders"].size() == 2U);
    BOOST_TEST(get(p.port, "/api/orders/" + own_draft, v).status == 404U);
    const Login s = log_in(p.port, "staff1");
    BOOST_TEST(json::parse(get(p.port, "/api/orders", s).body)["orders"].size() == 3U);
    BOOST_TEST(json::parse(get(p.port, "/api/roads", s).body)["features"].size() == 9U);
    BOOST_TEST(json::parse(get(p.port, "/api/vehicles", s).body)["vehicles"].size() == 2U);
}

BOOST_AUTO_TEST_CASE(event_streams_carry_new_orders_within_a_second_to_their_contractor_only) {
    Portal p;
    const Login a = log_in(p.port, "yamada");
    const Login b = log_in(p.port, "kita");
    test::EventStream stream_a(p.port, "/api/events", {{"Cookie", a.cookie}});
    test::EventStream stream_b(p.port, "/api/events", {{"Cookie", b.cookie}});
    BOOST_TEST_REQUIRE(stream_a.wait_for("retry:", std::chrono::seconds(2)));
    BOOST_TEST(stream_a.received().find("text/event-stream") != std::string::npos);
    BOOST_TEST_REQUIRE(stream_b.wait_for("retry:", std::chrono::seconds(2)));

    // Issued from another connection, as the desktop or the CLI would.
    const auto issued_at = std::chrono::steady_clock::now();
    const std::string number = p.order_in(OrderStatus::issued);
    BOOST_TEST(stream_a.wait_for("\"number\":\"" + number + "\"", std::chrono::seconds(1)));
    const auto latency = std::chrono::steady_clock::now() - issued_at;
    BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(latency).count() < 1000);
    BOOST_TEST(stream_a.received().find("event: order") != std::string::npos);
    // B hears nothing of A's order.
    BOOST_TEST(!stream_b.wait_for(number, std::chrono::milliseconds(500)));

    // An acknowledgement through the portal reaches a staff stream at once.
    const Login s = log_in(p.port, "staff1");
    test::EventStream stream_s(p.port, "/api/events", {{"Cookie", s.cookie}});
    BOOST_TEST_REQUIRE(stream_s.wait_for("retry:", std::chrono::seconds(2)));
    BOOST_TEST(post_json(p.port, "/api/orders/" + number + "/acknowledge", "{}", &a).status ==
               200U);
    BOOST_TEST(stream_s.wait_for("\"status\":\"acknowledged\"", std::chrono::seconds(1)));
    // Without a session there is no stream.
    BOOST_TEST(http_call(p.port, "GET", "/api/events").status == 401U);
}

BOOST_AUTO_TEST_CASE(serves_the_bundled_page_with_etags_and_security_headers) {
    Portal p;
    const HttpAnswer page = http_call(p.port, "GET", "/");
    BOOST_TEST_REQUIRE(page.status == 200U);
    BOOST_TEST(page.header("content-type").find("text/html") == 0U);
    BOOST_TEST(page.body.find("/assets/app.js") != std::string::npos);
    BOOST_TEST(page.header("content-security-policy").find("default-src 'self'") == 0U);
    BOOST_TEST(page.header("x-frame-options") == "DENY");
    const std::string etag = page.header("etag");
    BOOST_TEST(!etag.empty());
    BOOST_TEST(http_call(p.port, "GET", "/", {}, {{"If-None-Match", etag}}).status == 304U);
    const HttpAnswer script = http_call(p.port, "GET", "/assets/app.js");
    BOOST_TEST(script.status == 200U);
    BOOST_TEST(script.header("content-type").find("javascript") != std::string::npos);
    // Nothing is fetched from the internet at run time.
    BOOST_TEST(page.body.find("https://") == std::string::npos);
    BOOST_TEST(http_call(p.port, "GET", "/../town.ykm").status == 404U);
}

BOOST_AUTO_TEST_CASE(serves_https_with_a_configured_certificate) {
    test::TempDir keys;
    const std::string cert = (keys / "cert.pem").string();
    const std::string key = (keys / "key.pem").string();
    const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "
                                "/CN=localhost -keyout '" +
                                key + "' -out '" + cert + "' 2>/dev/null";
    BOOST_TEST_REQUIRE(std::system(command.c_str()) == 0);
    dispatch::PortalOptions options;
    options.tls_certificate = cert;
    options.tls_key = key;
    Portal p(options);
    BOOST_TEST(p.server->tls());

    namespace beast = boost::beast;
    namespace http = beast::http;
    namespace ssl = boost::asio::ssl;
    boost::asio::io_context ioc;
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_verify_mode(ssl::verify_none); // a self-signed test certificate
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    beast::get_lowest_layer(stream).connect({boost::asio::ip::make_address("127.0.0.1"), p.port});
    stream.handshake(ssl::stream_base::client);
    http::request<http::string_body> req{http::verb::post, "/api/login", 11};
    req.set(http::field::host, "localhost");
    req.set(http::field::content_type, "application/json");
    req.body() = json{{"login", "yamada"}, {"password", password}}.dump();
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    BOOST_TEST(res.result_int() == 200U);
    BOOST_TEST(std::string(res[http::field::set_cookie]).find("; Secure") != std::string::npos);
    BOOST_TEST(std::string(res[http::field::strict_transport_security]).find("max-age=") == 0U);
    // Plain HTTP to the HTTPS port gets no answer.
    BOOST_CHECK_THROW(http_call(p.port, "GET", "/health"), std::exception);

    dispatch::PortalOptions bad;
    bad.tls_certificate = keys / "missing.pem";
    bad.tls_key = key;
    bad.listen = "127.0.0.1:0";
    dispatch::PortalServer broken(p.path, bad);
    BOOST_CHECK_THROW(broken.start(), Error);
}

BOOST_AUTO_TEST_CASE(behind_a_proxy_cookies_are_secure_and_limits_count_the_forwarded_address) {
    dispatch::PortalOptions options;
    options.behind_https_proxy = true;
    options.login_failures_allowed = 2;
    Portal p(options);
    auto attempt = [&](const char* login, const char* pass, const char* from) {
        return http_call(p.port, "POST", "/api/login",
                         json{{"login", login}, {"password", pass}}.dump(),
                         {{"Content-Type", "application/json"},
                          {"X-Forwarded-For", std::string("10.0.0.9, ") + from}});
    };
    BOOST_TEST(attempt("yamada", "nope-nope", "192.0.2.1").status == 401U);
    BOOST_TEST(attempt("kita", "nope-nope", "192.0.2.1").status == 401U);
    // The address 192.0.2.1 is limited; another address (a different contractor's phone) not.
    BOOST_TEST(attempt("chief", password, "192.0.2.1").status == 429U);
    const HttpAnswer ok = attempt("chief", password, "192.0.2.2");
    BOOST_TEST(ok.status == 200U);
    BOOST_TEST(ok.header("set-cookie").find("; Secure") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_contractor_lists_and_confirms_only_its_own_daily_reports) {
    Portal p;
    // A-1 (K01) plows 21:00-22:00, B-1 (K02) 21:30-22:00 on 2026-01-15.
    add_track(p, "A-1", night_ms, 61);
    add_track(p, "B-1", night_ms + 30 * 60'000LL, 31);
    const Login a = log_in(p.port, "yamada");
    const Login b = log_in(p.port, "kita");

    const HttpAnswer listed = get(p.port, "/api/reports?date=2026-01-15", a);
    BOOST_TEST_REQUIRE(listed.status == 200U, listed.body);
    const json own = json::parse(listed.body);
    BOOST_TEST(own["date"] == "2026-01-15");
    BOOST_TEST_REQUIRE(own["reports"].size() == 1U);
    const json report = own["reports"][0];
    BOOST_TEST(report["vehicle"] == "A-1");
    BOOST_TEST(report["contractor"] == "K01");
    BOOST_TEST(report["start"] == "2026-01-15T21:00:00+09:00");
    BOOST_TEST(report["end"] == "2026-01-15T22:00:00+09:00");
    BOOST_TEST(report["operating_h"].get<double>() == 1.0);
    BOOST_TEST(report["work"][0]["type"] == "plow");
    BOOST_TEST(report["state"] == "open");
    BOOST_TEST(report["confirmation"].is_null());
    BOOST_TEST(report["actions"] == json({"confirm"}));
    BOOST_TEST(!report.contains("differs"));
    BOOST_TEST(report["shift_start_ms"].get<std::int64_t>() == night_ms);
    const std::string target = "/api/reports/" + std::to_string(report["vehicle_id"].get<int>()) +
                               "/" + std::to_string(night_ms);

    const json others = json::parse(get(p.port, "/api/reports?date=2026-01-15", b).body);
    BOOST_TEST_REQUIRE(others["reports"].size() == 1U);
    BOOST_TEST(others["reports"][0]["vehicle"] == "B-1");
    BOOST_TEST(get(p.port, target, b).status == 404U);
    const HttpAnswer one = get(p.port, target, a);
    BOOST_TEST(one.status == 200U);
    BOOST_TEST(json::parse(one.body)["vehicle"] == "A-1");

    // Dates without reports give an empty list; bad ones a 400 naming the field.
    const HttpAnswer none = get(p.port, "/api/reports?date=2026-01-16", a);
    BOOST_TEST(none.status == 200U);
    BOOST_TEST(json::parse(none.body)["reports"].empty());
    for (const char* bad :
         {"/api/reports?date=2026-02-30", "/api/reports?date=15.01.2026", "/api/reports"}) {
        const HttpAnswer refused = get(p.port, bad, a);
        BOOST_TEST(refused.status == 400U, bad);
        BOOST_TEST(error_code(refused) == "bad_parameter");
        BOOST_TEST(json::parse(refused.body)["message"].get<std::string>().find("date") == 0U);
    }

    // Another contractor learns nothing; the city cannot confirm on the contractor's behalf.
    const std::string confirm = target + "/confirm";
    BOOST_TEST(post_json(p.port, confirm, "{}", &b).status == 404U);
    for (const char* login : {"watch", "staff1", "chief"}) {
        const Login l = log_in(p.port, login);
        const HttpAnswer refused = post_json(p.port, confirm, "{}", &l);
        BOOST_TEST(refused.status == 403U, login);
        BOOST_TEST(error_code(refused) == "forbidden");
    }
    const HttpAnswer no_csrf = post_json(p.port, confirm, "{}", &a, false);
    BOOST_TEST(no_csrf.status == 403U);
    BOOST_TEST(error_code(no_csrf) == "csrf");
    const HttpAnswer foreign = http_call(p.port, "POST", confirm, "{}",
                                         {{"Content-Type", "application/json"},
                                          {"Cookie", a.cookie},
                                          {"X-CSRF-Token", a.csrf},
                                          {"Origin", "http://evil.example"}});
    BOOST_TEST(foreign.status == 403U);
    BOOST_TEST(get(p.port, confirm, a).status == 405U);
    {
        data::Project project = data::Project::open(p.path, data::OpenMode::read_only);
        BOOST_TEST(dispatch::confirmed_reports(project, "2026-01-15", std::nullopt).empty());
    }

    const HttpAnswer done = post_json(p.port, confirm, "{}", &a);
    BOOST_TEST_REQUIRE(done.status == 200U, done.body);
    const json confirmed = json::parse(done.body);
    BOOST_TEST(confirmed["state"] == "confirmed");
    BOOST_TEST(confirmed["confirmation"]["by"] == "yamada");
    BOOST_TEST(confirmed["confirmation"]["channel"] == "portal");
    BOOST_TEST(confirmed["actions"].empty());
    BOOST_TEST(confirmed["operating_h"].get<double>() == 1.0);
    const HttpAnswer again = post_json(p.port, confirm, "{}", &a);
    BOOST_TEST(again.status == 409U);
    BOOST_TEST(error_code(again) == "already_confirmed");

    // The city sees both shifts, the confirmed one with whether it differs now.
    const Login s = log_in(p.port, "staff1");
    const json all = json::parse(get(p.port, "/api/reports?date=2026-01-15", s).body)["reports"];
    BOOST_TEST_REQUIRE(all.size() == 2U);
    BOOST_TEST(all[0]["vehicle"] == "A-1");
    BOOST_TEST(all[0]["state"] == "confirmed");
    BOOST_TEST(all[0]["differs"] == false);
    BOOST_TEST(all[0]["actions"].empty());
    BOOST_TEST(all[1]["vehicle"] == "B-1");
    BOOST_TEST(all[1]["state"] == "open");
    BOOST_TEST(all[1]["actions"].empty());

    const Login v = log_in(p.port, "watch");
    BOOST_TEST(json::parse(get(p.port, "/api/reports?date=2026-01-15", v).body)["reports"].size() ==
               2U);

    // Late fixes 22:01-22:10 lengthen the shift: the confirmed figures stay, and the city is
    // told that the report computed now differs.
    add_track(p, "A-1", night_ms + 61 * 60'000LL, 10);
    const json later = json::parse(get(p.port, "/api/reports?date=2026-01-15", s).body)["reports"];
    BOOST_TEST_REQUIRE(later.size() == 2U);
    BOOST_TEST(later[0]["differs"] == true);
    BOOST_TEST(later[0]["operating_h"].get<double>() == 1.0);
    const json own_later = json::parse(get(p.port, target, a).body);
    BOOST_TEST(own_later["operating_h"].get<double>() == 1.0);
    BOOST_TEST(own_later["end"] == "2026-01-15T22:00:00+09:00");
    BOOST_TEST(!own_later.contains("differs"));

    data::Project project = data::Project::open(p.path, data::OpenMode::read_only);
    const auto stored = dispatch::confirmed_reports(project, "2026-01-15", std::nullopt);
    BOOST_TEST_REQUIRE(stored.size() == 1U);
    BOOST_TEST(stored[0].confirmed_by == "yamada");
    BOOST_TEST((stored[0].channel == dispatch::ConfirmationChannel::portal));
    const auto entries = dispatch::read_audit(project.database(), "daily_report");
    BOOST_TEST_REQUIRE(entries.size() == 1U);
    BOOST_TEST(entries[0].action == "confirm");
    BOOST_TEST(entries[0].actor == "yamada");
    BOOST_TEST(entries[0].channel == "portal");
    const dispatch::AuditCheck check = dispatch::verify_audit(project.database());
    BOOST_TEST(check.intact, check.message);
}

BOOST_AUTO_TEST_CASE(a_shift_still_running_cannot_be_confirmed) {
    Portal p;
    // A-1's last fix was an hour ago: less than the 4 h break, the night may go on.
    const std::int64_t start = dispatch::now_ms() - 2 * 3'600'000LL;
    add_track(p, "A-1", start, 61);
    const Login a = log_in(p.port, "yamada");
    const std::string date = dispatch::jst_date_of(start);
    const json list = json::parse(get(p.port, "/api/reports?date=" + date, a).body)["reports"];
    BOOST_TEST_REQUIRE(list.size() == 1U);
    BOOST_TEST(list[0]["state"] == "running");
    BOOST_TEST(list[0]["actions"].empty());
    const HttpAnswer refused =
        post_json(p.port,
                  "/api/reports/" + std::to_string(list[0]["vehicle_id"].get<int>()) + "/" +
                      std::to_string(start) + "/confirm",
                  "{}", &a);
    BOOST_TEST(refused.status == 409U);
    BOOST_TEST(error_code(refused) == "shift_running");
    // A shift that does not exist answers 404.
    BOOST_TEST(post_json(p.port,
                         "/api/reports/" + std::to_string(list[0]["vehicle_id"].get<int>()) + "/" +
                             std::to_string(start + 1) + "/confirm",
                         "{}", &a)
                   .status == 404U);
    BOOST_TEST(get(p.port, "/api/reports/x/1", a).status == 404U);
}

BOOST_AUTO_TEST_SUITE_END()

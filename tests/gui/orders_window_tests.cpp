// Runs the real yukimichi binary under Xvfb: the work orders panel creates an order from a
// district, issues it, records a contractor's phone call, shows an acknowledgement made by another
// process (the portal) within a second and draws the selected order's roads on the map.

#include "../dispatch/http_client.hpp"
#include "temp_dir.hpp"
#include "window_runner.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/dispatch/accounts.hpp"
#include "ykm/dispatch/dispatch_standards.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/orders.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/gui/orders_model.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>
#include <wx/image.h>

#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

using namespace ykm;
using ykm::dispatch::OrderStatus;
using ykm::test::keep_picture;
using ykm::test::load_picture;
using ykm::test::pixels_of;
using ykm::test::run_japanese;
using ykm::test::TempDir;

namespace {

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct OrderTown {
    std::vector<std::string> districts;
    std::vector<std::int64_t> district_ids;
    std::vector<std::int64_t> contractors;
};

/// The demo town with a fleet (per district a contractor and two plow trucks) and an order
/// issued to the second district's contractor.
OrderTown make_order_town(const std::filesystem::path& path, std::string& issued_number) {
    data::Project project = data::Project::create(path, gis::Epsg{6678});
    data::write_demo_town(project, data::generate_demo_town(11, data::TownSize::small));
    const data::ProjectInfo info = project.info();
    dispatch::Fleet fleet(project);
    OrderTown town;
    int number = 0;
    for (std::size_t d = 0; d < info.districts.size(); ++d) {
        dispatch::Contractor contractor;
        contractor.code = "C0" + std::to_string(d + 1);
        contractor.name = "雪国建設" + std::to_string(d + 1);
        const std::int64_t contractor_id = fleet.save(contractor);
        town.districts.push_back(info.districts[d].name);
        town.district_ids.push_back(info.districts[d].id);
        town.contractors.push_back(contractor_id);
        for (int k = 0; k < 2; ++k) {
            char code[16];
            std::snprintf(code, sizeof code, "P-%02d", ++number);
            dispatch::Vehicle v;
            v.code = code;
            v.contractor_id = contractor_id;
            v.district_id = info.districts[d].id;
            fleet.save(v);
        }
    }
    dispatch::Orders orders(project);
    dispatch::WorkOrder o;
    o.contractor_id = town.contractors.at(1);
    o.district_id = town.district_ids.at(1);
    o.segments = orders.district_segments(town.district_ids.at(1));
    o.window_start_ms = dispatch::now_ms();
    o.window_end_ms = o.window_start_ms + 8 * 3'600'000;
    const std::int64_t id = orders.create(o, {"yamada", dispatch::OrderChannel::desktop});
    orders.change_status(id, OrderStatus::issued, {"yamada", dispatch::OrderChannel::desktop});
    issued_number = orders.order(id)->number;
    return town;
}

std::string login_name() {
    const passwd* user = getpwuid(getuid());
    return user != nullptr ? user->pw_name : "";
}

const nlohmann::json* row_of(const nlohmann::json& rows, const std::string& number) {
    for (const auto& row : rows) {
        if (row.at(0).get<std::string>().starts_with(number)) {
            return &row;
        }
    }
    return nullptr;
}

} // namespace

BOOST_AUTO_TEST_SUITE(orders_window_tests)

BOOST_AUTO_TEST_CASE(creates_issues_and_records_a_call_and_shows_a_portal_acknowledgement) {
    TempDir dir;
    const std::filesystem::path path = dir / "town.ykm";
    std::string portal_number;
    const OrderTown town = make_order_town(path, portal_number);
    BOOST_TEST_REQUIRE(town.districts.size() >= 2U);
    const std::filesystem::path changed = dir / "portal_changed";

    const std::string script =
        "pane:vehicles,hide;pane:alerts,hide;pane:identify,hide;pane:orders,show;"
        "screenshot:" +
        (dir / "before.png").string() + ";order_new:district," + town.districts[0] +
        ";order:issue;order_call:acknowledged;wait_file:" + changed.string() +
        ";order_wait:" + portal_number + ",acknowledged;order_select:" + portal_number +
        ";screenshot:" + (dir / "selected.png").string();
    auto window = std::async(std::launch::async, [&] { return run_japanese(dir, script, path); });

    // Another process's connection (the portal): once the window has recorded the phone call,
    // the contractor of the other order acknowledges it there.
    bool called = false;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!called && std::chrono::steady_clock::now() < give_up &&
           window.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
        data::Project portal = data::Project::open(path, data::OpenMode::read_only);
        dispatch::OrderFilter acknowledged;
        acknowledged.status = OrderStatus::acknowledged;
        called = !dispatch::Orders(portal).list(acknowledged).empty();
    }
    if (called) {
        data::Project portal = data::Project::open(path, data::OpenMode::read_write);
        dispatch::Orders orders(portal);
        orders.change_status(orders.find(portal_number).id, OrderStatus::acknowledged,
                             {"C02", dispatch::OrderChannel::portal});
        portal.close();
        std::ofstream(changed) << "done\n";
    }
    const int status = window.get();
    BOOST_TEST_REQUIRE(
        called, "the window never recorded the phone call: " << read_text(dir / "stderr.txt"));
    BOOST_TEST_REQUIRE(status == 0, "yukimichi failed: " << read_text(dir / "stderr.txt"));
    const nlohmann::json json = nlohmann::json::parse(read_text(dir / "stdout.txt"));
    const nlohmann::json& orders_json = json["orders"];

    // The project: the new order went draft → issued → acknowledged, the last by phone, with the
    // staff member's login and the time of the call.
    data::Project project = data::Project::open(path, data::OpenMode::read_only);
    dispatch::Orders orders(project);
    const std::vector<dispatch::WorkOrder> all = orders.list();
    BOOST_TEST_REQUIRE(all.size() == 2U);
    const dispatch::WorkOrder& created = all[1];
    BOOST_TEST((created.status == OrderStatus::acknowledged));
    BOOST_TEST(created.district_id.value() == town.district_ids[0]);
    BOOST_TEST(created.contractor_id == town.contractors[0]);
    BOOST_TEST(created.segments == orders.district_segments(town.district_ids[0]),
               boost::test_tools::per_element());
    BOOST_TEST(created.vehicles.size() == 2U);
    const std::vector<dispatch::OrderEvent> history = orders.history(created.id);
    BOOST_TEST_REQUIRE(history.size() == 3U);
    BOOST_TEST((history[1].to == OrderStatus::issued));
    BOOST_TEST((history[1].channel == dispatch::OrderChannel::desktop));
    BOOST_TEST((history[2].to == OrderStatus::acknowledged));
    BOOST_TEST((history[2].channel == dispatch::OrderChannel::phone));
    BOOST_TEST(history[2].actor == login_name());
    BOOST_TEST((orders.find(portal_number).status == OrderStatus::acknowledged));

    // The list: both orders acknowledged, by phone and through the portal, in Japanese.
    const nlohmann::json* mine = row_of(orders_json["rows"], created.number);
    const nlohmann::json* theirs = row_of(orders_json["rows"], portal_number);
    BOOST_TEST_REQUIRE(mine != nullptr);
    BOOST_TEST_REQUIRE(theirs != nullptr);
    BOOST_TEST((*mine)[1].get<std::string>() == "受領");
    BOOST_TEST((*mine)[2].get<std::string>() == "雪国建設1");
    BOOST_TEST((*mine)[3].get<std::string>() == town.districts[0]);
    BOOST_TEST((*mine)[4].get<std::string>() == "新雪除雪");
    BOOST_TEST((*mine)[7].get<std::string>().ends_with(" km"));
    BOOST_TEST((*mine)[8].get<std::string>().find("電話") != std::string::npos, (*mine)[8]);
    BOOST_TEST((*theirs)[1].get<std::string>() == "受領");
    BOOST_TEST((*theirs)[8].get<std::string>().find("ポータル") != std::string::npos, (*theirs)[8]);

    // The portal's acknowledgement showed within a second, marked as just changed.
    BOOST_TEST_REQUIRE(orders_json["waits_ms"].size() == 1U);
    BOOST_TEST(orders_json["waits_ms"][0].get<double>() < 1000.0);
    BOOST_TEST(orders_json["waits_marked"][0].get<bool>());

    // The selected order's history, newest last.
    BOOST_TEST(orders_json["selected"] == nlohmann::json::array({portal_number}));
    const nlohmann::json& lines = orders_json["history"];
    BOOST_TEST_REQUIRE(lines.size() == 3U);
    BOOST_TEST(lines[2][1].get<std::string>() == "発令 → 受領");
    BOOST_TEST(lines[2][2].get<std::string>() == "C02");
    BOOST_TEST(lines[2][3].get<std::string>() == "ポータル");

    // Its roads are drawn thick in their own colour, none before an order was selected.
    BOOST_TEST(orders_json["road_lines"].get<std::size_t>() ==
               2 * orders.find(portal_number).segments.size());
    const wxImage before = load_picture(dir / "before.png");
    const wxImage selected = load_picture(dir / "selected.png");
    keep_picture(dir / "selected.png", "orders");
    BOOST_TEST(pixels_of(before, gui::order_road_colour) == 0);
    BOOST_TEST(pixels_of(selected, gui::order_road_colour) > 1000);
}

BOOST_AUTO_TEST_CASE(a_refused_change_shows_the_models_message_and_writes_nothing) {
    TempDir dir;
    const std::filesystem::path path = dir / "town.ykm";
    std::string issued;
    const OrderTown town = make_order_town(path, issued);
    // An issued order cannot be completed; declining needs a reason; issuing it with a new
    // draft again is refused for both.
    const std::string script = "pane:orders,show;order_select:" + issued +
                               ";order_call:completed;order_call:declined;order_new:district," +
                               town.districts[0] + ";order_select:last," + issued + ";order:issue";
    const int status = run_japanese(dir, script, path);
    BOOST_TEST(status == 2);
    const std::string errors = read_text(dir / "stderr.txt");
    BOOST_TEST(errors.find("order " + issued + " is issued: it cannot become completed") !=
                   std::string::npos,
               errors);
    BOOST_TEST(errors.find("declining needs a reason") != std::string::npos, errors);
    BOOST_TEST(errors.find(issued + " is issued: it cannot become issued") != std::string::npos,
               errors);
    data::Project project = data::Project::open(path, data::OpenMode::read_only);
    dispatch::Orders orders(project);
    const auto all = orders.list();
    BOOST_TEST_REQUIRE(all.size() == 2U);
    BOOST_TEST((all[0].status == OrderStatus::issued));
    // All or none: the new draft was not issued either.
    BOOST_TEST((all[1].status == OrderStatus::draft));
    BOOST_TEST(orders.history(all[0].id).size() == 2U);
}

BOOST_AUTO_TEST_CASE(roads_chosen_on_the_map_and_proposals_become_orders) {
    TempDir dir;
    const std::filesystem::path path = dir / "town.ykm";
    std::string issued;
    const OrderTown town = make_order_town(path, issued);
    BOOST_TEST_REQUIRE(town.districts.size() >= 3U);
    // 15 cm of new snow an hour ago in the third district: the standard (10 cm) proposes it.
    {
        data::Project project = data::Project::open(path, data::OpenMode::read_write);
        dispatch::DispatchStandards standards(project);
        std::string code;
        for (const dispatch::SnowStation& station : standards.stations()) {
            if (station.district_id == town.district_ids[2]) {
                code = station.code;
            }
        }
        BOOST_TEST_REQUIRE(!code.empty());
        standards.record(code, dispatch::now_ms() - 3'600'000, 15.0, std::nullopt);
    }
    // A rectangle dragged in the middle of the map chooses its roads instead of panning.
    const std::string script = "pane:vehicles,hide;pane:alerts,hide;pane:orders,show;"
                               "screenshot:" +
                               (dir / "proposed.png").string() +
                               ";order:select_on;drag:500,150,640,260;order_new:roads;"
                               "order:proposals";
    const int status = run_japanese(dir, script, path);
    BOOST_TEST_REQUIRE(status == 0, "yukimichi failed: " << read_text(dir / "stderr.txt"));
    const nlohmann::json json = nlohmann::json::parse(read_text(dir / "stdout.txt"));
    BOOST_TEST(json["orders"]["selecting"].get<bool>());
    data::Project project = data::Project::open(path, data::OpenMode::read_only);
    dispatch::Orders orders(project);
    const auto all = orders.list();
    BOOST_TEST_REQUIRE(all.size() == 3U);
    BOOST_TEST(!all[1].segments.empty());
    BOOST_TEST(!all[1].district_id.has_value());
    BOOST_TEST(json["orders"]["chosen_roads"].empty());
    // The proposal became a draft for the district's own contractor and vehicles, and is no
    // longer proposed.
    BOOST_TEST((all[2].status == OrderStatus::draft));
    BOOST_TEST(all[2].district_id.value() == town.district_ids[2]);
    BOOST_TEST(all[2].contractor_id == town.contractors[2]);
    BOOST_TEST(all[2].vehicles.size() == 2U);
    BOOST_TEST(all[2].instructions.find("出動基準超過") != std::string::npos, all[2].instructions);
    BOOST_TEST(json["orders"]["proposals"].empty());
    keep_picture(dir / "proposed.png", "orders");
}

BOOST_AUTO_TEST_CASE(observations_entered_in_the_window_drive_the_proposals) {
    TempDir dir;
    const std::filesystem::path path = dir / "town.ykm";
    std::string issued;
    const OrderTown town = make_order_town(path, issued);
    BOOST_TEST_REQUIRE(town.districts.size() >= 3U);
    std::string code;
    std::string other;
    {
        data::Project project = data::Project::open(path, data::OpenMode::read_only);
        for (const dispatch::SnowStation& station :
             dispatch::DispatchStandards(project).stations()) {
            if (station.district_id == town.district_ids[2]) {
                code = station.code;
            } else if (station.district_id == town.district_ids[0]) {
                other = station.code;
            }
        }
    }
    BOOST_TEST_REQUIRE(!code.empty());
    BOOST_TEST_REQUIRE(!other.empty());
    // 15 cm of new snow an hour ago in the third district, entered as staff enter it: over the
    // standard (10 cm), so its roads are proposed at once.
    const std::int64_t observed_ms = dispatch::now_ms() - 3'600'000;
    const std::string observed = gui::jst_minute_text(observed_ms);
    const std::int64_t minute_ms = observed_ms - observed_ms % 60'000;
    const std::string script =
        "pane:vehicles,hide;pane:alerts,hide;pane:orders,show;snow_add:" + code + "," + observed +
        ",15,42";
    BOOST_TEST_REQUIRE(run_japanese(dir, script, path) == 0,
                       "yukimichi failed: " << read_text(dir / "stderr.txt"));
    const nlohmann::json json = nlohmann::json::parse(read_text(dir / "stdout.txt"));
    const nlohmann::json& proposals = json["orders"]["proposals"];
    BOOST_TEST_REQUIRE(proposals.size() == 1U, proposals);
    BOOST_TEST(proposals[0][0].get<std::string>() == town.districts[2]);
    BOOST_TEST(proposals[0][1].get<std::string>() == code);
    BOOST_TEST(proposals[0][2].get<std::string>() == "15 ≥ 10 cm");
    const nlohmann::json& shown = json["orders"]["observations"];
    BOOST_TEST_REQUIRE(shown.size() == 1U, shown);
    BOOST_TEST(shown[0] == nlohmann::json::array({code, observed.substr(5), "15 cm", "42 cm"}));
    {
        data::Project project = data::Project::open(path, data::OpenMode::read_only);
        const auto stored = dispatch::DispatchStandards(project).observations(0, observed_ms + 1);
        BOOST_TEST_REQUIRE(stored.size() == 1U);
        BOOST_TEST(stored[0].station_code == code);
        BOOST_TEST(stored[0].time_ms == minute_ms);
        BOOST_TEST(stored[0].new_snow_cm == 15.0);
        BOOST_TEST(stored[0].depth_cm.value() == 42.0);
        BOOST_TEST(stored[0].entered_by == login_name());
        BOOST_TEST(stored[0].source == "desktop");
    }

    // A CSV with a bad line stores none of its rows; the same observation again is refused;
    // a good CSV stores its rows. The window reports both refusals and exits with status 2.
    const std::filesystem::path bad = dir / "bad.csv";
    const std::filesystem::path good = dir / "good.csv";
    const std::string earlier = gui::jst_minute_text(observed_ms - 3'600'000);
    std::ofstream(bad) << "station,time,new_snow_cm,depth_cm\n"
                       << other << "," << earlier << ",4,30\n"
                       << other << "," << observed << ",-3,30\n";
    std::ofstream(good) << "station,time,new_snow_cm,depth_cm\n"
                        << other << "," << earlier << ",4,30\n"
                        << other << "," << observed << ",6,\n";
    const std::string imports = "pane:orders,show;snow_import:" + bad.string() +
                                ";snow_add:" + code + "," + observed +
                                ",15;snow_import:" + good.string();
    BOOST_TEST(run_japanese(dir, imports, path) == 2);
    const std::string errors = read_text(dir / "stderr.txt");
    BOOST_TEST(errors.find(bad.string() + " line 3, field new_snow_cm: '-3' is negative") !=
                   std::string::npos,
               errors);
    BOOST_TEST(errors.find("there is already an observation") != std::string::npos, errors);
    const nlohmann::json after = nlohmann::json::parse(read_text(dir / "stdout.txt"));
    BOOST_TEST(after["orders"]["observations"].size() == 3U, after["orders"]["observations"]);
    data::Project project = data::Project::open(path, data::OpenMode::read_only);
    const auto stored = dispatch::DispatchStandards(project).observations(0, observed_ms + 1);
    BOOST_TEST_REQUIRE(stored.size() == 3U);
    // Newest first: the good file's two rows beside the one entered in the window.
    BOOST_TEST(stored[0].station_code != stored[1].station_code);
    BOOST_TEST(stored[2].station_code == other);
    BOOST_TEST(stored[2].new_snow_cm == 4.0);
    BOOST_TEST(stored[2].source == "csv:good.csv");
}

BOOST_AUTO_TEST_CASE(a_shift_click_chooses_the_road_under_the_pointer) {
    TempDir dir;
    const std::filesystem::path path = dir / "town.ykm";
    std::string issued;
    make_order_town(path, issued);
    const std::string layout =
        "pane:vehicles,hide;pane:alerts,hide;pane:orders,show;order:select_on";
    // The view the layout gives, to find a road's pixel.
    BOOST_TEST_REQUIRE(run_japanese(dir, layout, path) == 0, read_text(dir / "stderr.txt"));
    const nlohmann::json first = nlohmann::json::parse(read_text(dir / "stdout.txt"));
    const nlohmann::json& view = first["final"];
    // The middle of the longest straight piece of road: no other road is near it.
    gis::XY target{};
    std::int64_t road = 0;
    double longest = 0.0;
    {
        data::Project project = data::Project::open(path, data::OpenMode::read_only);
        for (const gis::RoadSegment& s : project.load_road_network().segments) {
            for (std::size_t i = 1; i < s.points.size(); ++i) {
                const double d = std::hypot(s.points[i].x - s.points[i - 1].x,
                                            s.points[i].y - s.points[i - 1].y);
                if (d > longest) {
                    longest = d;
                    road = s.id;
                    target = {(s.points[i].x + s.points[i - 1].x) / 2.0,
                              (s.points[i].y + s.points[i - 1].y) / 2.0};
                }
            }
        }
    }
    const double mpp = view["metres_per_pixel"].get<double>();
    const double x = (target.x - view["extent"][0].get<double>()) / mpp;
    const double y = (view["extent"][3].get<double>() - target.y) / mpp;
    const std::string click = "shift_click:" + std::to_string(static_cast<int>(std::lround(x))) +
                              "," + std::to_string(static_cast<int>(std::lround(y)));
    BOOST_TEST_REQUIRE(run_japanese(dir, layout + ";" + click, path) == 0,
                       read_text(dir / "stderr.txt"));
    const nlohmann::json second = nlohmann::json::parse(read_text(dir / "stdout.txt"));
    BOOST_TEST(second["final"] == view);
    BOOST_TEST(second["orders"]["chosen_roads"] == nlohmann::json::array({road}));
    // The chosen road is drawn over the map; a Shift+click does not identify or pan.
    BOOST_TEST(second["orders"]["road_colours"] == nlohmann::json::array({"#FF00D0"}));
    BOOST_TEST(second["identify"]["rows"].empty());
    // A second Shift+click drops it again.
    BOOST_TEST_REQUIRE(run_japanese(dir, layout + ";" + click + ";" + click, path) == 0,
                       read_text(dir / "stderr.txt"));
    const nlohmann::json third = nlohmann::json::parse(read_text(dir / "stdout.txt"));
    BOOST_TEST(third["orders"]["chosen_roads"].empty());
    BOOST_TEST(third["orders"]["road_lines"].get<int>() == 0);
}

BOOST_AUTO_TEST_CASE(the_orders_menu_speaks_japanese) {
    TempDir dir;
    const std::string command =
        test::yukimichi_command(dir, "LANG=ja_JP.UTF-8", "--dump-menus", 60);
    const int status = std::system(command.c_str());
    BOOST_TEST_REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0),
                       read_text(dir / "stderr.txt"));
    const std::string menus = read_text(dir / "stdout.txt");
    BOOST_TEST(menus.find("\n指令\n  作業指令\n") != std::string::npos, menus);
}

// The window's embedded contractor portal: a contractor acknowledges over HTTP while the window
// is open, and the window's list shows it, recorded with channel portal.
BOOST_AUTO_TEST_CASE(the_embedded_portal_takes_an_acknowledgement_the_list_then_shows) {
    TempDir dir;
    const std::filesystem::path path = dir / "town.ykm";
    std::string number;
    make_order_town(path, number);
    {
        data::Project project = data::Project::open(path, data::OpenMode::read_write);
        dispatch::Accounts accounts(project.database());
        dispatch::Account a;
        a.login = "c02-yard";
        a.role = dispatch::Role::contractor;
        a.contractor_id = dispatch::Fleet(project).contractor_by_code("C02")->id;
        accounts.create(a, "yard-password-2");
    }
    // A free port for this run: bound, read and released.
    std::uint16_t port = 0;
    {
        boost::asio::io_context ioc;
        boost::asio::ip::tcp::acceptor probe(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
        port = probe.local_endpoint().port();
    }
    const std::string script = "pane:orders,show;order_wait:" + number + ",acknowledged";
    auto window = std::async(std::launch::async, [&] {
        return run_japanese(dir, script, path,
                            "--gps-listen 127.0.0.1:0 --portal-listen 127.0.0.1:" +
                                std::to_string(port));
    });
    // Once the portal answers: log in and acknowledge, as the contractor's phone would.
    unsigned acknowledged = 0;
    std::string answer;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (acknowledged == 0 && std::chrono::steady_clock::now() < give_up &&
           window.wait_for(std::chrono::milliseconds(200)) != std::future_status::ready) {
        try {
            const test::HttpAnswer login =
                test::http_call(port, "POST", "/api/login",
                                R"({"login": "c02-yard", "password": "yard-password-2"})",
                                {{"Content-Type", "application/json"}});
            if (login.status != 200U) {
                answer = login.body;
                continue;
            }
            const std::string cookie =
                login.header("set-cookie").substr(0, login.header("set-cookie").find(';'));
            const std::string csrf = nlohmann::json::parse(login.body)["csrf_token"];
            const test::HttpAnswer ack = test::http_call(
                port, "POST", "/api/orders/" + number + "/acknowledge", "{}",
                {{"Content-Type", "application/json"}, {"Cookie", cookie}, {"X-CSRF-Token", csrf}});
            acknowledged = ack.status;
            answer = ack.body;
        } catch (const std::exception&) {
            // Not listening yet.
        }
    }
    const int status = window.get();
    BOOST_TEST_REQUIRE(acknowledged == 200U, answer << read_text(dir / "stderr.txt"));
    BOOST_TEST_REQUIRE(status == 0, "yukimichi failed: " << read_text(dir / "stderr.txt"));
    const nlohmann::json json = nlohmann::json::parse(read_text(dir / "stdout.txt"));
    const nlohmann::json& fleet = json["fleet"];
    BOOST_TEST(fleet["portal"]["running"].get<bool>());
    BOOST_TEST(fleet["portal"]["url"] == "http://127.0.0.1:" + std::to_string(port));
    BOOST_TEST(fleet["gps"]["status_text"].get<std::string>().find(std::to_string(port)) !=
                   std::string::npos,
               fleet["gps"]["status_text"]);
    const nlohmann::json* row = row_of(json["orders"]["rows"], number);
    BOOST_TEST_REQUIRE(row != nullptr);
    BOOST_TEST((*row)[1].get<std::string>() == "受領");
    data::Project project = data::Project::open(path, data::OpenMode::read_only);
    dispatch::Orders orders(project);
    const auto history = orders.history(orders.find(number).id);
    BOOST_TEST((history.back().channel == dispatch::OrderChannel::portal));
    BOOST_TEST(history.back().actor == "c02-yard");
}

BOOST_AUTO_TEST_SUITE_END()

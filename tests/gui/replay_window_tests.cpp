// Runs the real yukimichi binary under Xvfb: the season replay shows a vehicle where it was, the
// road it passed changing from never passed to passed less than an hour ago, an order's status
// at each instant, and plays at 600x.

#include "temp_dir.hpp"
#include "window_runner.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/data/map_query.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/dispatch/coverage.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/orders.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/map_renderer.hpp"
#include "ykm/gui/fleet_view.hpp"
#include "ykm/gui/orders_model.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>
#include <wx/image.h>

#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

using namespace ykm;
using ykm::test::keep_picture;
using ykm::test::load_picture;
using ykm::test::pixels_of;
using ykm::test::run_japanese;
using ykm::test::TempDir;

namespace {

constexpr std::int64_t minute_ms = 60'000;

/// 2027-01-15 23:30 in Japan (14:30 UTC), from the calendar.
std::int64_t t1_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(
               (sys_days{year{2027} / January / 15} + hours{14} + minutes{30}).time_since_epoch())
        .count();
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The town of the test: the demo town, one contractor with two plows (P-01 with a track,
/// P-02 never heard), the road P-01 passes and an order acknowledged while it drives.
struct ReplayTown {
    std::int64_t segment = 0;
    gis::Polyline line; ///< the road's geometry, project CRS
    gis::XY a;          ///< where P-01 starts at T1 (the road's first point)
    gis::XY b;          ///< where it parks (the road's last point)
    std::string order_number;
};

ReplayTown make_replay_town(const std::filesystem::path& path) {
    data::Project project = data::Project::create(path, gis::Epsg{6678});
    data::write_demo_town(project, data::generate_demo_town(11, data::TownSize::small));
    const data::ProjectInfo info = project.info();
    ReplayTown town;

    // The road of at least 150 m nearest to the middle of the map, so that it is in view.
    const gis::Box extent = data::map_extent(project);
    const gis::XY middle{(extent.min_x + extent.max_x) / 2, (extent.min_y + extent.max_y) / 2};
    std::vector<std::int64_t> ids;
    {
        data::Statement q(project.database(), "SELECT id FROM road_segments ORDER BY id");
        while (q.step()) {
            ids.push_back(q.column_int64(0));
        }
    }
    double best = std::numeric_limits<double>::max();
    for (const auto& [id, line] : gui::road_lines(project, ids)) {
        double length = 0.0;
        for (std::size_t i = 1; i < line.size(); ++i) {
            length += std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
        }
        const gis::XY mid = line[line.size() / 2];
        const double d = std::hypot(mid.x - middle.x, mid.y - middle.y);
        if (length >= 150.0 && d < best) {
            best = d;
            town.segment = id;
            town.line = line;
        }
    }
    BOOST_TEST_REQUIRE(town.segment != 0);
    town.a = town.line.front();
    town.b = town.line.back();

    dispatch::Fleet fleet(project);
    const std::int64_t contractor = fleet.save(dispatch::Contractor{0, "C01", "雪国建設", "", ""});
    dispatch::Vehicle v;
    v.code = "P-01";
    v.contractor_id = contractor;
    const std::int64_t plow = fleet.save(v);
    v.code = "P-02";
    fleet.save(v);

    // P-01 plows along the road from T1 to T1 + 2 min (a fix every 10 s), then stands at its
    // end for an hour (a fix every 30 s).
    const gis::CoordinateTransform to_lonlat(info.crs, gis::wgs84);
    const std::int64_t t1 = t1_ms();
    std::vector<data::Fix> fixes;
    const auto fix = [&](std::int64_t time_ms, gis::XY at, double speed) {
        const gis::XY ll = to_lonlat.forward(at);
        data::Fix f;
        f.vehicle_id = plow;
        f.time_ms = time_ms;
        f.position = gis::LonLat{ll.x, ll.y};
        f.speed_mps = speed;
        f.work = data::WorkType::plow;
        fixes.push_back(f);
    };
    double length = 0.0;
    for (std::size_t i = 1; i < town.line.size(); ++i) {
        length +=
            std::hypot(town.line[i].x - town.line[i - 1].x, town.line[i].y - town.line[i - 1].y);
    }
    for (int k = 0; k <= 12; ++k) {
        // Along the polyline by length.
        double want = length * k / 12.0;
        gis::XY at = town.line.back();
        for (std::size_t i = 1; i < town.line.size(); ++i) {
            const double piece = std::hypot(town.line[i].x - town.line[i - 1].x,
                                            town.line[i].y - town.line[i - 1].y);
            if (want <= piece && piece > 0.0) {
                const double s = want / piece;
                at = {town.line[i - 1].x + s * (town.line[i].x - town.line[i - 1].x),
                      town.line[i - 1].y + s * (town.line[i].y - town.line[i - 1].y)};
                break;
            }
            want -= piece;
        }
        fix(t1 + k * 10'000, k == 0 ? town.a : at, length / 120.0);
    }
    for (std::int64_t t = t1 + 150'000; t <= t1 + 60 * minute_ms; t += 30'000) {
        fix(t, town.b, 0.0);
    }
    data::SeasonLog(project.database()).append(fixes);
    // Its pass of the road, as the coverage computation stores it.
    dispatch::Pass pass;
    pass.segment_id = town.segment;
    pass.forward = true;
    pass.vehicle_id = plow;
    pass.enter_ms = t1;
    pass.time_ms = t1 + 2 * minute_ms;
    pass.work = data::WorkType::plow;
    pass.fraction = 1.0;
    dispatch::CoverageStore(project.database()).add(std::vector{pass});

    // An order created an hour before T1, issued half an hour before, acknowledged by phone
    // five minutes after T1.
    dispatch::Orders orders(project);
    const dispatch::OrderActor staff{"sato", dispatch::OrderChannel::desktop};
    dispatch::WorkOrder o;
    o.contractor_id = contractor;
    o.segments = {town.segment};
    o.window_start_ms = t1;
    o.window_end_ms = t1 + 8 * 60 * minute_ms;
    const std::int64_t id = orders.create(o, staff);
    data::Statement at(project.database(),
                       "UPDATE order_events SET time_ms = ? WHERE order_id = ? AND from_status "
                       "IS NULL");
    at.bind(1, t1 - 60 * minute_ms).bind(2, id).run();
    orders.change_status(id, dispatch::OrderStatus::issued, staff, {}, t1 - 30 * minute_ms);
    orders.change_status(id, dispatch::OrderStatus::acknowledged,
                         {"sato", dispatch::OrderChannel::phone}, {}, t1 + 5 * minute_ms);
    town.order_number = orders.order(id)->number;
    return town;
}

/// The window pixel of a map point, from the view the dump reports (no toolkit involved).
gis::XY window_pixel(const nlohmann::json& dump, gis::XY point) {
    const nlohmann::json& view = dump.at("view");
    const double mpp = view.at("metres_per_pixel").get<double>();
    const double x = (point.x - view.at("centre")[0].get<double>()) / mpp +
                     view.at("width_px").get<double>() / 2.0;
    const double y = (view.at("centre")[1].get<double>() - point.y) / mpp +
                     view.at("height_px").get<double>() / 2.0;
    return {x + dump.at("canvas_origin")[0].get<double>(),
            y + dump.at("canvas_origin")[1].get<double>()};
}

/// Pixels of exactly `colour` within `radius` pixels of `centre`.
int pixels_near(const wxImage& image, gis::XY centre, int radius, gis::Rgb colour) {
    int count = 0;
    const int cx = static_cast<int>(std::lround(centre.x));
    const int cy = static_cast<int>(std::lround(centre.y));
    for (int y = cy - radius; y <= cy + radius; ++y) {
        for (int x = cx - radius; x <= cx + radius; ++x) {
            if (x < 0 || y < 0 || x >= image.GetWidth() || y >= image.GetHeight()) {
                continue;
            }
            count += image.GetRed(x, y) == colour.red && image.GetGreen(x, y) == colour.green &&
                     image.GetBlue(x, y) == colour.blue;
        }
    }
    return count;
}

/// Pixels of `colour` within 5 px of the middle three fifths of `line` (away from the markers
/// at its ends).
int pixels_along(const wxImage& image, const nlohmann::json& dump, const gis::Polyline& line,
                 gis::Rgb colour) {
    std::vector<gis::XY> points;
    for (std::size_t i = 1; i < line.size(); ++i) {
        for (int k = 0; k < 20; ++k) {
            const double s = k / 20.0;
            points.push_back({line[i - 1].x + s * (line[i].x - line[i - 1].x),
                              line[i - 1].y + s * (line[i].y - line[i - 1].y)});
        }
    }
    int count = 0;
    const std::size_t from = points.size() / 5;
    const std::size_t to = points.size() - points.size() / 5;
    for (std::size_t i = from; i < to; i += 2) {
        count += pixels_near(image, window_pixel(dump, points[i]), 2, colour);
    }
    return count;
}

const nlohmann::json* vehicle_in(const nlohmann::json& dump, const std::string& code) {
    for (const auto& v : dump.at("vehicles")) {
        if (v.at("code") == code) {
            return &v;
        }
    }
    return nullptr;
}

} // namespace

BOOST_AUTO_TEST_SUITE(replay_window_tests)

BOOST_AUTO_TEST_CASE(shows_vehicles_passes_and_orders_as_they_were_and_plays) {
    TempDir dir;
    const std::filesystem::path path = dir / "town.ykm";
    const ReplayTown town = make_replay_town(path);
    const std::int64_t t1 = t1_ms();
    const std::int64_t t2 = t1 + 20 * minute_ms;

    const auto file = [&](const char* name) { return (dir / name).string(); };
    const std::string script =
        "pane:vehicles,hide;pane:alerts,hide;pane:identify,hide;pane:layers,hide;"
        "pane:orders,show;zoom:3;replay:on;replay_seek:2027-01-15T23:30:00+09:00;"
        "screenshot:" +
        file("t1.png") + ";replay_dump:" + file("t1.json") +
        ";replay_seek:2027-01-15 23:50;screenshot:" + file("t2.png") +
        ";replay_dump:" + file("t2.json") +
        ";replay_speed:600;replay_play;wait_ms:1000;replay_pause;replay_dump:" +
        file("played.json") + ";replay_follow:P-01;replay_dump:" + file("followed.json") +
        ";replay_seek:2027-01-15 23:30;order_select:" + town.order_number +
        ";replay_dump:" + file("history1.json") +
        ";replay_seek:2027-01-15 23:50;replay_dump:" + file("history2.json") +
        ";replay:off;replay_dump:" + file("live.json");
    const int status = run_japanese(dir, script, path, "--no-gps-server");
    BOOST_TEST_REQUIRE(status == 0, "yukimichi failed: " << read_text(dir / "stderr.txt"));
    const nlohmann::json at1 = nlohmann::json::parse(read_text(dir / "t1.json"));
    const nlohmann::json at2 = nlohmann::json::parse(read_text(dir / "t2.json"));
    const nlohmann::json played = nlohmann::json::parse(read_text(dir / "played.json"));
    const nlohmann::json live = nlohmann::json::parse(read_text(dir / "live.json"));
    const nlohmann::json followed = nlohmann::json::parse(read_text(dir / "followed.json"));
    keep_picture(dir / "t1.png", "replay");
    keep_picture(dir / "t2.png", "replay");

    // The season runs from P-01's first fix to its last; the instants are those asked for.
    BOOST_TEST(at1.at("first_ms").get<std::int64_t>() == t1);
    BOOST_TEST(at1.at("last_ms").get<std::int64_t>() == t1 + 60 * minute_ms);
    BOOST_TEST(at1.at("frame_ms").get<std::int64_t>() == t1);
    BOOST_TEST(at2.at("frame_ms").get<std::int64_t>() == t2);
    BOOST_TEST(at1.at("road_colouring") == "coverage");
    BOOST_TEST(at2.at("coverage_now_ms").get<std::int64_t>() == t2);
    // Nobody could mistake it for live: the title and status bar say 再生中 and the instant.
    BOOST_TEST(at1.at("time_label") == "2027-01-15 23:30:00");
    BOOST_TEST(at2.at("title").get<std::string>().find("再生中 2027-01-15 23:50:00") !=
                   std::string::npos,
               at2.at("title"));
    BOOST_TEST(at2.at("status_text").get<std::string>().find("再生中") != std::string::npos);

    // P-01 plows at A at T1 and stands at B at T2; P-02 was never heard and has no marker.
    const nlohmann::json* p1 = vehicle_in(at1, "P-01");
    const nlohmann::json* p2 = vehicle_in(at2, "P-01");
    BOOST_TEST_REQUIRE(p1 != nullptr);
    BOOST_TEST_REQUIRE(p2 != nullptr);
    BOOST_TEST(p1->at("state") == "working");
    BOOST_TEST(p2->at("state") == "stopped");
    BOOST_TEST_REQUIRE(vehicle_in(at1, "P-02") != nullptr);
    BOOST_TEST(vehicle_in(at1, "P-02")->at("position").is_null());
    BOOST_TEST(at1.at("markers").get<int>() == 1);
    BOOST_TEST(p1->at("position")[0].get<double>() == town.a.x, boost::test_tools::tolerance(0.01));
    BOOST_TEST(p1->at("position")[1].get<double>() == town.a.y, boost::test_tools::tolerance(0.01));
    BOOST_TEST(p2->at("position")[0].get<double>() == town.b.x, boost::test_tools::tolerance(0.01));

    // The vehicle list shows them as they were too: P-01 作業中 at T1 and 停止中 at T2, P-02
    // with no state (never heard by then); live again, the live tracker's state (不明: nothing
    // heard since the window opened).
    const auto listed_state = [](const nlohmann::json& dump, const std::string& code) {
        for (const nlohmann::json& row : dump.at("vehicle_list")) {
            if (row[0] == code) {
                return row[3].get<std::string>();
            }
        }
        return std::string("(not listed)");
    };
    BOOST_TEST(listed_state(at1, "P-01") == "作業中");
    BOOST_TEST(listed_state(at2, "P-01") == "停止中");
    BOOST_TEST(listed_state(at1, "P-02") != "(not listed)");
    BOOST_TEST(listed_state(at1, "P-02") != "作業中");
    BOOST_TEST(listed_state(live, "P-01") == "不明");

    // The markers in the pictures, at the pixels the points project to: bluish green (working)
    // at A at T1, reddish purple (stopped) at B at T2 and no longer at A.
    const wxImage picture1 = load_picture(dir / "t1.png");
    const wxImage picture2 = load_picture(dir / "t2.png");
    const gis::Rgb working = gui::marker_look(dispatch::VehicleState::working).fill;
    const gis::Rgb stopped = gui::marker_look(dispatch::VehicleState::stopped).fill;
    BOOST_TEST(pixels_near(picture1, window_pixel(at1, town.a), 3, working) > 5);
    BOOST_TEST(pixels_near(picture2, window_pixel(at2, town.b), 3, stopped) > 5);
    BOOST_TEST(pixels_near(picture2, window_pixel(at2, town.a), 3, working) == 0);

    // The road: never passed (vermilion) at T1; passed 18 min before T2 (< 1 h) at T2.
    const gis::Rgb never = gis::pass_age_colour(gis::PassAge::never);
    const gis::Rgb fresh = gis::pass_age_colour(gis::PassAge::under_1h);
    BOOST_TEST(pixels_along(picture1, at1, town.line, never) > 10);
    BOOST_TEST(pixels_along(picture1, at1, town.line, fresh) == 0);
    BOOST_TEST(pixels_along(picture2, at2, town.line, fresh) > 10);
    BOOST_TEST(at1.at("coverage_directions").get<int>() == 0);
    BOOST_TEST(at2.at("coverage_directions").get<int>() == 1);

    // The order: issued (発令) at T1, acknowledged (受領) at T2.
    BOOST_TEST_REQUIRE(at1.at("orders").size() == 1U);
    BOOST_TEST_REQUIRE(at2.at("orders").size() == 1U);
    BOOST_TEST(at1.at("orders")[0][0].get<std::string>().starts_with(town.order_number));
    BOOST_TEST(at1.at("orders")[0][1] == "発令");
    BOOST_TEST(at2.at("orders")[0][1] == "受領");
    // Its history as far as it went then: created and issued at T1, acknowledged by T2, and
    // the whole of it again once the replay ends.
    const nlohmann::json history1 = nlohmann::json::parse(read_text(dir / "history1.json"));
    const nlohmann::json history2 = nlohmann::json::parse(read_text(dir / "history2.json"));
    BOOST_TEST_REQUIRE(history1.at("order_history").size() == 2U);
    BOOST_TEST(history1.at("order_history")[1][1].get<std::string>().ends_with("発令"));
    BOOST_TEST_REQUIRE(history2.at("order_history").size() == 3U);
    BOOST_TEST(history2.at("order_history")[2][1].get<std::string>().ends_with("受領"));
    BOOST_TEST(live.at("order_history").size() == 3U);

    // A second at 600x: about 600 s of season.
    BOOST_TEST(played.at("speed").get<int>() == 600);
    BOOST_TEST(!played.at("playing").get<bool>());
    const std::int64_t advanced = played.at("time_ms").get<std::int64_t>() - t2;
    BOOST_TEST(advanced >= 300'000, advanced);
    BOOST_TEST(advanced <= 900'000, advanced);

    // Following P-01: the map is centred on it (parked at B since T1 + 2 min).
    BOOST_TEST(followed.at("followed") == "P-01");
    BOOST_TEST(followed.at("view").at("centre")[0].get<double>() == town.b.x,
               boost::test_tools::tolerance(1e-6));
    BOOST_TEST(followed.at("view").at("centre")[1].get<double>() == town.b.y,
               boost::test_tools::tolerance(1e-6));
    BOOST_TEST(at2.at("followed") == "");

    // Live again: the orders as they are now, the title without 再生中.
    BOOST_TEST(!live.at("active").get<bool>());
    BOOST_TEST(live.at("title").get<std::string>().find("再生中") == std::string::npos);
    BOOST_TEST(live.at("orders")[0][1] == "受領");
    BOOST_TEST(live.at("markers").get<int>() == 0);
}

BOOST_AUTO_TEST_CASE(a_jump_that_does_not_parse_or_is_outside_the_season_is_refused) {
    TempDir dir;
    const std::filesystem::path path = dir / "town.ykm";
    make_replay_town(path);
    const std::string script = "replay:on;replay_seek:2027-02-30 10:00;replay_seek:2026-12-01 "
                               "08:00;replay_dump:" +
                               (dir / "after.json").string();
    BOOST_TEST(run_japanese(dir, script, path, "--no-gps-server") == 2);
    const std::string errors = read_text(dir / "stderr.txt");
    BOOST_TEST(errors.find("2027-02-30 10:00") != std::string::npos, errors);
    BOOST_TEST(errors.find("2026-12-01 08:00") != std::string::npos, errors);
    // Both refused: the replay stays at the season's start.
    const nlohmann::json after = nlohmann::json::parse(read_text(dir / "after.json"));
    BOOST_TEST(after.at("time_ms").get<std::int64_t>() == t1_ms());
}

BOOST_AUTO_TEST_SUITE_END()

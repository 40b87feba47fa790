// Runs the real yukimichi binary under Xvfb: screenshots, map commands, menus in both
// languages, bad input; and the live fleet, with real OsmAnd requests to its GPS server.

#include "temp_dir.hpp"
#include "window_runner.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/data/map_query.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/map_renderer.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>
#include <wx/image.h>
#include <wx/init.h>

#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
#include <numbers>
#include <set>
#include <string>
#include <thread>

using namespace ykm;
using ykm::test::TempDir;

namespace {

struct WxImageSupport {
    WxImageSupport() { wxImage::AddHandler(new wxPNGHandler); }
    wxInitializer initializer;
};

/// A small demo town (JGD2011 zone X) at `path`.
void make_town(const std::filesystem::path& path) {
    data::Project project = data::Project::create(path, gis::Epsg{6678});
    data::write_demo_town(project, data::generate_demo_town(11, data::TownSize::small));
}

/// The extent the window calls "full": all four vector layers.
gis::Box full_extent(const std::filesystem::path& path) {
    data::Project project = data::Project::open(path, data::OpenMode::read_only);
    gis::Box extent = gis::Box::empty();
    for (const data::Layer layer : {data::Layer::road_segments, data::Layer::districts,
                                    data::Layer::depots, data::Layer::dump_sites}) {
        const gis::Box box = data::layer_extent(project, layer);
        if (!box.is_empty()) {
            extent.extend(box.min_x, box.min_y);
            extent.extend(box.max_x, box.max_y);
        }
    }
    return extent;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Runs yukimichi under Xvfb with `arguments` in the locale `locale_env` (e.g. "LC_ALL=C.UTF-8")
/// and a configuration folder of its own under `dir`; returns its exit status.
int run_yukimichi(const TempDir& dir, const std::string& locale_env, const std::string& arguments) {
    const std::string command = test::yukimichi_command(dir, locale_env, arguments, 120);
    const int status = std::system(command.c_str());
    BOOST_TEST_REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/// Keeps a copy of a screenshot in the build tree (tests/gui/screenshots) for people to look at.
void keep_screenshot(const std::filesystem::path& png) {
    const std::filesystem::path folder = std::filesystem::path(YKM_TEST_OUTPUT_DIR) / "screenshots";
    std::filesystem::create_directories(folder);
    std::filesystem::copy_file(png, folder / png.filename(),
                               std::filesystem::copy_options::overwrite_existing);
}

std::string quoted(const std::filesystem::path& path) {
    return "'" + path.string() + "'";
}

std::int64_t count_colour(const wxImage& image, const gis::Rgb& colour) {
    return test::pixels_of(image, colour);
}

std::size_t distinct_colours(const wxImage& image) {
    std::set<std::uint32_t> colours;
    const unsigned char* data = image.GetData();
    const std::size_t n = static_cast<std::size_t>(image.GetWidth()) * image.GetHeight();
    for (std::size_t i = 0; i < n; ++i) {
        colours.insert(std::uint32_t{data[3 * i]} << 16 | std::uint32_t{data[3 * i + 1]} << 8 |
                       data[3 * i + 2]);
    }
    return colours.size();
}

wxImage load_png(const std::filesystem::path& path) {
    wxImage image;
    BOOST_TEST_REQUIRE(image.LoadFile(wxString::FromUTF8(path.string()), wxBITMAP_TYPE_PNG));
    return image;
}

gis::MapView view_of(const nlohmann::json& json) {
    return gis::MapView({json["centre"][0].get<double>(), json["centre"][1].get<double>()},
                        json["metres_per_pixel"].get<double>(), json["width_px"].get<int>(),
                        json["height_px"].get<int>());
}

/// Whether two views show the same place at the same resolution, to a millimetre.
bool same_view(const gis::MapView& a, const gis::MapView& b) {
    return a.width_px() == b.width_px() && a.height_px() == b.height_px() &&
           std::abs(a.centre().x - b.centre().x) < 1e-3 &&
           std::abs(a.centre().y - b.centre().y) < 1e-3 &&
           std::abs(a.metres_per_pixel() - b.metres_per_pixel()) < 1e-9;
}

/// Runs the script `commands` on the demo town; returns what the window printed.
nlohmann::json run_script(const TempDir& dir, const std::string& commands) {
    const int status = run_yukimichi(dir, "LC_ALL=C.UTF-8",
                                     "--commands '" + commands + "' " + quoted(dir / "town.ykm"));
    BOOST_TEST_REQUIRE(status == 0, "yukimichi failed: " << read_file(dir / "stderr.txt"));
    return nlohmann::json::parse(read_file(dir / "stdout.txt"));
}

/// Runs `commands` on the demo town; returns the initial and final views the window printed.
std::pair<gis::MapView, gis::MapView> run_commands(const TempDir& dir,
                                                   const std::string& commands) {
    const nlohmann::json json = run_script(dir, commands);
    return {view_of(json["initial"]), view_of(json["final"])};
}

/// The longest named road of the demo town.
gis::RoadSegment longest_named_road(const std::filesystem::path& path) {
    data::Project project = data::Project::open(path, data::OpenMode::read_only);
    const gis::RoadNetwork network = project.load_road_network();
    const gis::RoadSegment* best = nullptr;
    for (const gis::RoadSegment& segment : network.segments) {
        if (!segment.attributes.name.empty() &&
            (best == nullptr || segment.length_m > best->length_m)) {
            best = &segment;
        }
    }
    BOOST_TEST_REQUIRE(best != nullptr);
    return *best;
}

/// The point halfway along a line.
gis::XY midpoint(const gis::Polyline& line) {
    double total = 0.0;
    for (std::size_t i = 1; i < line.size(); ++i) {
        total += std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
    }
    double left = total / 2.0;
    for (std::size_t i = 1; i < line.size(); ++i) {
        const double step = std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
        if (step >= left && step > 0.0) {
            const double t = left / step;
            return {line[i - 1].x + t * (line[i].x - line[i - 1].x),
                    line[i - 1].y + t * (line[i].y - line[i - 1].y)};
        }
        left -= step;
    }
    return line.front();
}

gis::Box extent_of(const gis::Polyline& line) {
    gis::Box box = gis::Box::empty();
    for (const gis::XY& p : line) {
        box.extend(p.x, p.y);
    }
    return box;
}

std::string pixel_text(double value) {
    return std::to_string(static_cast<int>(std::lround(value)));
}

/// The initial view of the demo town in a window of the default size, as the window shows it.
gis::MapView initial_view(const TempDir& dir) {
    return run_commands(dir, "").first;
}

// ----- the live fleet -----

/// The demo town with a fleet as `ykm demo-town` gives it: per district a contractor and two
/// plow trucks, P-01, P-02, … with GPS devices demo-001, demo-002, …
std::vector<dispatch::Vehicle> make_fleet_town(const std::filesystem::path& path) {
    make_town(path);
    data::Project project = data::Project::open(path, data::OpenMode::read_write);
    const data::ProjectInfo info = project.info();
    dispatch::Fleet fleet(project);
    int number = 0;
    for (std::size_t d = 0; d < info.districts.size(); ++d) {
        dispatch::Contractor contractor;
        contractor.code = "C0" + std::to_string(d + 1);
        contractor.name = "雪国建設" + std::to_string(d + 1);
        const std::int64_t contractor_id = fleet.save(contractor);
        for (int k = 0; k < 2; ++k) {
            ++number;
            char code[16];
            char device[16];
            std::snprintf(code, sizeof code, "P-%02d", number);
            std::snprintf(device, sizeof device, "demo-%03d", number);
            dispatch::Vehicle v;
            v.code = code;
            v.type = dispatch::MachineType::plow_truck;
            v.plate = "青森 100 さ 12-" + std::to_string(30 + number);
            v.plow_width_m = 3.0;
            v.contractor_id = contractor_id;
            v.device_id = device;
            v.district_id = info.districts[d].id;
            fleet.save(v);
        }
    }
    return fleet.vehicles();
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// One OsmAnd fix as a GPS app sends it: a GET with the fields in the query string. Returns the
/// HTTP status the server answered.
int send_fix(std::uint16_t port, const std::string& device, gis::LonLat position,
             std::int64_t time_ms, double speed_knots, double bearing_deg,
             const std::string& work) {
    char query[400];
    std::snprintf(query, sizeof query,
                  "/?id=%s&lat=%.7f&lon=%.7f&timestamp=%lld&speed=%.2f&bearing=%.1f&batt=87"
                  "&work=%s&blade=%s",
                  device.c_str(), position.lat_deg, position.lon_deg,
                  static_cast<long long>(time_ms), speed_knots, bearing_deg, work.c_str(),
                  work == "travel" ? "up" : "down");
    namespace asio = boost::asio;
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    const std::string request =
        std::string("GET ") + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    asio::write(socket, asio::buffer(request));
    std::string response;
    boost::system::error_code ec;
    asio::read(socket, asio::dynamic_buffer(response), ec);
    // "HTTP/1.1 200 OK"
    return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
}

/// A point every `step_m` metres along `line` (project CRS) with the bearing of its piece.
std::vector<std::pair<gis::XY, double>> points_along(const gis::Polyline& line, double step_m) {
    std::vector<std::pair<gis::XY, double>> out;
    double carried = 0.0;
    for (std::size_t i = 1; i < line.size(); ++i) {
        const gis::XY a = line[i - 1];
        const gis::XY b = line[i];
        const double length = std::hypot(b.x - a.x, b.y - a.y);
        if (length <= 0.0) {
            continue;
        }
        const double bearing =
            std::fmod(std::atan2(b.x - a.x, b.y - a.y) * 180.0 / std::numbers::pi + 360.0, 360.0);
        for (double at = carried; at < length; at += step_m) {
            out.push_back(
                {{a.x + (b.x - a.x) * at / length, a.y + (b.y - a.y) * at / length}, bearing});
            carried = at + step_m - length;
        }
    }
    out.push_back({line.back(), out.empty() ? 0.0 : out.back().second});
    return out;
}

/// Sends fixes of `device` along `line`, one every 10 m at 36 km/h, the last one 2 s ago.
void drive(std::uint16_t port, const std::string& device, const gis::Polyline& line,
           const std::string& work) {
    gis::CoordinateTransform to_lonlat(gis::Epsg{6678}, gis::wgs84);
    const std::vector<std::pair<gis::XY, double>> points = points_along(line, 10.0);
    const std::int64_t end_ms = now_ms() - 2'000;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const gis::XY ll = to_lonlat.forward(points[i].first);
        const std::int64_t time_ms =
            end_ms - static_cast<std::int64_t>(points.size() - 1 - i) * 1'000;
        BOOST_TEST_REQUIRE(
            send_fix(port, device, {ll.x, ll.y}, time_ms, 19.44, points[i].second, work) == 200);
    }
}

/// yukimichi running a script in the background, so that the test can talk to its GPS server.
class BackgroundWindow {
public:
    BackgroundWindow(const TempDir& dir, const std::string& commands,
                     const std::filesystem::path& project)
        : m_dir(dir) {
        const std::string command = test::yukimichi_command(
            dir, "LC_ALL=C.UTF-8",
            "--gps-listen 127.0.0.1:0 --commands '" + commands + "' '" + project.string() + "'",
            180);
        m_status =
            std::async(std::launch::async, [command] { return std::system(command.c_str()); });
    }
    ~BackgroundWindow() {
        if (m_status.valid()) {
            m_status.wait();
        }
    }
    BackgroundWindow(const BackgroundWindow&) = delete;
    BackgroundWindow& operator=(const BackgroundWindow&) = delete;

    /// The GPS server's port, once the script's gps_port_file step has written it.
    std::uint16_t port() {
        const std::filesystem::path file = m_dir / "port.txt";
        for (int i = 0; i < 1200 && !std::filesystem::exists(file); ++i) {
            const bool ended =
                m_status.wait_for(std::chrono::milliseconds(100)) == std::future_status::ready;
            BOOST_TEST_REQUIRE(!ended,
                               "yukimichi ended early: " << read_file(m_dir / "stderr.txt"));
        }
        const int port = std::stoi(read_file(file));
        BOOST_TEST_REQUIRE(port > 0);
        return static_cast<std::uint16_t>(port);
    }

    /// Lets the script's wait_file step (sent_step) go on.
    void fixes_sent() { std::ofstream(m_dir / "sent.txt") << "sent\n"; }

    /// Waits for the window to end; returns its exit status.
    int finish() {
        const int status = m_status.get();
        BOOST_TEST_REQUIRE(WIFEXITED(status));
        return WEXITSTATUS(status);
    }

    /// What the script printed, after a successful finish().
    nlohmann::json result() {
        const int status = finish();
        BOOST_TEST_REQUIRE(status == 0, "yukimichi failed: " << read_file(m_dir / "stderr.txt"));
        return nlohmann::json::parse(read_file(m_dir / "stdout.txt"));
    }

private:
    const TempDir& m_dir;
    std::future<int> m_status;
};

/// The script step that writes the GPS server's port where BackgroundWindow::port() reads it.
std::string port_step(const TempDir& dir) {
    return "gps_port_file:" + (dir / "port.txt").string();
}

/// The script step that waits for BackgroundWindow::fixes_sent().
std::string sent_step(const TempDir& dir) {
    return "wait_file:" + (dir / "sent.txt").string();
}

gis::Rgb rgb_at(const wxImage& image, int x, int y) {
    return {image.GetRed(x, y), image.GetGreen(x, y), image.GetBlue(x, y)};
}

bool near_colour(gis::Rgb a, gis::Rgb b, int tolerance = 3) {
    return std::abs(a.red - b.red) <= tolerance && std::abs(a.green - b.green) <= tolerance &&
           std::abs(a.blue - b.blue) <= tolerance;
}

/// Pixels of `colour` within `radius` of (x, y).
int count_near(const wxImage& image, int x, int y, int radius, gis::Rgb colour) {
    int n = 0;
    for (int py = std::max(0, y - radius); py <= std::min(image.GetHeight() - 1, y + radius);
         ++py) {
        for (int px = std::max(0, x - radius); px <= std::min(image.GetWidth() - 1, x + radius);
             ++px) {
            n += near_colour(rgb_at(image, px, py), colour, 2) ? 1 : 0;
        }
    }
    return n;
}

/// Segments in a row along one road of the town, each with the direction driven: a class 1
/// segment and the ones that continue it straight on, at least four.
std::vector<std::pair<gis::RoadSegment, bool>> straight_run(const std::filesystem::path& path) {
    data::Project project = data::Project::open(path, data::OpenMode::read_only);
    const gis::RoadNetwork network = project.load_road_network();
    const auto direction_at_end = [](const gis::RoadSegment& s, bool forward) {
        const gis::XY a = forward ? s.points[s.points.size() - 2] : s.points[1];
        const gis::XY b = forward ? s.points.back() : s.points.front();
        return std::atan2(b.y - a.y, b.x - a.x);
    };
    const auto continue_run = [&](std::vector<std::pair<gis::RoadSegment, bool>>& run) {
        while (run.size() < 6) {
            const auto& [last, forward] = run.back();
            const std::int64_t node = forward ? last.to_node : last.from_node;
            const double heading = direction_at_end(last, forward);
            const gis::RoadSegment* best = nullptr;
            bool best_forward = true;
            double best_turn = 0.5; // radians: straight on, give or take 30 degrees
            for (const gis::RoadSegment& s : network.segments) {
                if (s.id == last.id || s.attributes.oneway) {
                    continue;
                }
                for (const bool f : {true, false}) {
                    if ((f ? s.from_node : s.to_node) != node) {
                        continue;
                    }
                    const gis::XY a = f ? s.points[0] : s.points.back();
                    const gis::XY b = f ? s.points[1] : s.points[s.points.size() - 2];
                    double turn = std::abs(std::atan2(b.y - a.y, b.x - a.x) - heading);
                    turn = std::min(turn, 2 * std::numbers::pi - turn);
                    if (turn < best_turn) {
                        best_turn = turn;
                        best = &s;
                        best_forward = f;
                    }
                }
            }
            if (best == nullptr) {
                return;
            }
            run.emplace_back(*best, best_forward);
        }
    };
    for (const gis::RoadSegment& start : network.segments) {
        if (start.attributes.priority != gis::PriorityClass::first || start.attributes.oneway ||
            start.length_m < 80.0) {
            continue;
        }
        for (const bool forward : {true, false}) {
            std::vector<std::pair<gis::RoadSegment, bool>> run{{start, forward}};
            continue_run(run);
            if (run.size() >= 5) {
                return run;
            }
        }
    }
    BOOST_FAIL("no straight run of five class 1 segments in the town");
    return {};
}

gis::Polyline directed(const gis::RoadSegment& segment, bool forward) {
    gis::Polyline points = segment.points;
    if (!forward) {
        std::reverse(points.begin(), points.end());
    }
    return points;
}

} // namespace

BOOST_TEST_GLOBAL_FIXTURE(WxImageSupport);

BOOST_AUTO_TEST_SUITE(window_tests)

BOOST_AUTO_TEST_CASE(screenshot_shows_the_town_in_a_window_of_the_default_size) {
    TempDir dir;
    make_town(dir / "town.ykm");
    const int status =
        run_yukimichi(dir, "LC_ALL=C.UTF-8",
                      "--screenshot " + quoted(dir / "out.png") + " " + quoted(dir / "town.ykm"));
    BOOST_TEST_REQUIRE(status == 0, "yukimichi failed: " << read_file(dir / "stderr.txt"));
    const wxImage image = load_png(dir / "out.png");
    BOOST_TEST(image.GetWidth() == 1024);
    BOOST_TEST(image.GetHeight() == 700);
    BOOST_TEST(distinct_colours(image) > 50U);
    // The worker's picture reached the window: roads of every class in their colours.
    BOOST_TEST(count_colour(image, gis::priority_colour(gis::PriorityClass::first)) > 500);
    BOOST_TEST(count_colour(image, gis::priority_colour(gis::PriorityClass::second)) > 200);
    BOOST_TEST(count_colour(image, gis::priority_colour(gis::PriorityClass::third)) > 200);
    BOOST_TEST(count_colour(image, gis::map_background) > 10000);
}

BOOST_AUTO_TEST_CASE(screenshot_has_the_size_asked_for) {
    TempDir dir;
    make_town(dir / "town.ykm");
    const int status = run_yukimichi(dir, "LC_ALL=C.UTF-8",
                                     "--size 1300x820 --screenshot " + quoted(dir / "out.png") +
                                         " " + quoted(dir / "town.ykm"));
    BOOST_TEST_REQUIRE(status == 0, "yukimichi failed: " << read_file(dir / "stderr.txt"));
    const wxImage image = load_png(dir / "out.png");
    BOOST_TEST(image.GetWidth() == 1300);
    BOOST_TEST(image.GetHeight() == 820);
    BOOST_TEST(count_colour(image, gis::priority_colour(gis::PriorityClass::first)) > 500);
}

BOOST_AUTO_TEST_CASE(starts_on_the_full_extent_and_moves_as_the_keys_commands_say) {
    TempDir dir;
    make_town(dir / "town.ykm");
    const auto [initial, final_view] =
        run_commands(dir, "zoom_in;pan_right;pan_up;zoom_out;zoom_in;previous_view");
    // The map canvas is smaller than the window (panels, toolbar, status bar) but not tiny.
    BOOST_TEST(initial.width_px() > 400);
    BOOST_TEST(initial.width_px() < 1024);
    BOOST_TEST(initial.height_px() > 300);
    BOOST_TEST(initial.height_px() < 700);
    BOOST_TEST(same_view(initial, gis::MapView::fit(full_extent(dir / "town.ykm"),
                                                    initial.width_px(), initial.height_px())));
    // Zoom x2, a quarter picture east and north, zoom out, zoom in, then back one view.
    const double w = initial.width_px();
    const double h = initial.height_px();
    const gis::MapView expected =
        initial.zoomed(2.0).panned(-w / 4.0, 0.0).panned(0.0, h / 4.0).zoomed(0.5);
    BOOST_TEST(same_view(final_view, expected));
    // In numbers: the centre moved a quarter of the zoomed picture east and north.
    BOOST_TEST(std::abs(final_view.centre().x -
                        (initial.centre().x + w / 4.0 * initial.metres_per_pixel() / 2.0)) < 1e-3);
    BOOST_TEST(std::abs(final_view.centre().y -
                        (initial.centre().y + h / 4.0 * initial.metres_per_pixel() / 2.0)) < 1e-3);
    BOOST_TEST(std::abs(final_view.metres_per_pixel() - initial.metres_per_pixel()) < 1e-9);
}

BOOST_AUTO_TEST_CASE(previous_and_next_view_walk_the_history_and_home_refits) {
    TempDir dir;
    make_town(dir / "town.ykm");
    const auto [initial, after_history] =
        run_commands(dir, "zoom_in;zoom_in;previous_view;previous_view;next_view");
    BOOST_TEST(same_view(after_history, initial.zoomed(2.0)));
    const auto [initial_again, after_home] = run_commands(dir, "zoom_in;pan_left;full_extent");
    BOOST_TEST(same_view(after_home, initial_again));
}

BOOST_AUTO_TEST_CASE(a_drag_pans_by_exactly_the_dragged_pixels) {
    TempDir dir;
    make_town(dir / "town.ykm");
    const auto [initial, final_view] = run_commands(dir, "drag:300,200,200,150");
    BOOST_TEST(same_view(final_view, initial.panned(-100.0, -50.0)));
    // The map moved left and up under the pointer: the view went 100 px east and 50 px south.
    BOOST_TEST(std::abs(final_view.centre().x -
                        (initial.centre().x + 100.0 * initial.metres_per_pixel())) < 1e-3);
    BOOST_TEST(std::abs(final_view.centre().y -
                        (initial.centre().y - 50.0 * initial.metres_per_pixel())) < 1e-3);
}

BOOST_AUTO_TEST_CASE(the_wheel_zooms_about_the_cursor_and_a_turn_is_one_history_step) {
    TempDir dir;
    make_town(dir / "town.ykm");
    const auto [initial, final_view] = run_commands(dir, "wheel:200,150,2");
    const gis::XY cursor{200.0, 150.0};
    BOOST_TEST(same_view(final_view, initial.zoomed(1.25, cursor).zoomed(1.25, cursor)));
    BOOST_TEST(std::abs(final_view.metres_per_pixel() * 1.5625 - initial.metres_per_pixel()) <
               1e-9);
    // The map point under the cursor stays put.
    const gis::XY before = initial.to_map(cursor);
    const gis::XY after = final_view.to_map(cursor);
    BOOST_TEST(std::abs(before.x - after.x) < 1e-3);
    BOOST_TEST(std::abs(before.y - after.y) < 1e-3);
    // Three notches out and one step back: the view before the turn, not the one before the
    // last notch.
    const auto [initial_again, after_back] =
        run_commands(dir, "zoom_in;wheel:200,150,-3;previous_view");
    BOOST_TEST(same_view(after_back, initial_again.zoomed(2.0)));
}

BOOST_AUTO_TEST_CASE(box_zoom_shows_the_box_dragged) {
    TempDir dir;
    make_town(dir / "town.ykm");
    const auto [initial, final_view] = run_commands(dir, "boxzoom:100,80,300,230");
    const gis::XY a = initial.to_map({100.0, 80.0});
    const gis::XY b = initial.to_map({300.0, 230.0});
    const gis::MapView expected = initial.showing(
        {std::min(a.x, b.x), std::min(a.y, b.y), std::max(a.x, b.x), std::max(a.y, b.y)});
    BOOST_TEST(same_view(final_view, expected));
    // 200 x 150 pixels of the first view fill the map now.
    BOOST_TEST(final_view.metres_per_pixel() < initial.metres_per_pixel() / 2.0);
}

BOOST_AUTO_TEST_CASE(a_click_on_a_road_identifies_it_and_a_click_outside_the_town_nothing) {
    TempDir dir;
    make_town(dir / "town.ykm");
    const gis::RoadSegment road = longest_named_road(dir / "town.ykm");
    const gis::XY pixel = initial_view(dir).to_pixel(midpoint(road.points));
    const nlohmann::json json =
        run_script(dir, "click:" + pixel_text(pixel.x) + "," + pixel_text(pixel.y));
    BOOST_TEST(json["identify"]["heading"].get<std::string>() == "Road " + std::to_string(road.id));
    const nlohmann::json& rows = json["identify"]["rows"];
    BOOST_TEST_REQUIRE(rows.size() >= 2U);
    BOOST_TEST(rows[0][0].get<std::string>() == "id");
    BOOST_TEST(rows[0][1].get<std::string>() == std::to_string(road.id));
    BOOST_TEST(rows[1][0].get<std::string>() == "name");
    BOOST_TEST(rows[1][1].get<std::string>() == road.attributes.name);
    BOOST_TEST(json["highlighted"] == nlohmann::json::array({road.id}));

    const nlohmann::json outside = run_script(dir, "click:3,3");
    BOOST_TEST(outside["identify"]["heading"].get<std::string>() == "Nothing here.");
    BOOST_TEST(outside["identify"]["rows"].empty());
    BOOST_TEST(outside["highlighted"].empty());
}

BOOST_AUTO_TEST_CASE(search_lists_roads_of_the_name_and_picking_one_zooms_to_it) {
    TempDir dir;
    make_town(dir / "town.ykm");
    const std::string name = longest_named_road(dir / "town.ykm").attributes.name;
    const nlohmann::json json = run_script(dir, "search:" + name + ";pick:0");
    const std::size_t count = json["search"]["count"].get<std::size_t>();
    BOOST_TEST(count >= 1U);
    BOOST_TEST_REQUIRE(json["search"]["labels"].size() == count);
    for (const auto& label : json["search"]["labels"]) {
        BOOST_TEST(label.get<std::string>().find(name) != std::string::npos, label);
    }
    // "NAME (road ID)": the first result's id is the road highlighted.
    const std::string first = json["search"]["labels"][0].get<std::string>();
    const auto open = first.rfind("(road ");
    BOOST_TEST_REQUIRE(open != std::string::npos);
    const std::int64_t id = std::stoll(first.substr(open + 6));
    BOOST_TEST(json["highlighted"] == nlohmann::json::array({id}));
    data::Project project = data::Project::open(dir / "town.ykm", data::OpenMode::read_only);
    const gis::RoadNetwork network = project.load_road_network();
    const gis::Box road_extent =
        extent_of(network.segments.at(static_cast<std::size_t>(id - 1)).points);
    BOOST_TEST(network.segments.at(static_cast<std::size_t>(id - 1)).id == id);
    const gis::MapView initial = view_of(json["initial"]);
    const gis::MapView picked = view_of(json["final"]);
    const gis::Box shown = picked.extent();
    BOOST_TEST(shown.min_x <= road_extent.min_x);
    BOOST_TEST(shown.min_y <= road_extent.min_y);
    BOOST_TEST(shown.max_x >= road_extent.max_x);
    BOOST_TEST(shown.max_y >= road_extent.max_y);
    BOOST_TEST(picked.metres_per_pixel() < initial.metres_per_pixel());
}

BOOST_AUTO_TEST_CASE(layers_hide_and_change_opacity_through_the_panel) {
    TempDir dir;
    make_town(dir / "town.ykm");
    const nlohmann::json json =
        run_script(dir, "hide:roads;opacity:districts,40;hide:depots;show:depots;screenshot:" +
                            (dir / "hidden.png").string());
    const nlohmann::json expected = nlohmann::json::parse(
        R"([{"layer":"depots","visible":true,"opacity":1.0},
            {"layer":"dump_sites","visible":true,"opacity":1.0},
            {"layer":"road_segments","visible":false,"opacity":1.0},
            {"layer":"districts","visible":true,"opacity":0.4},
            {"layer":"basemap","visible":true,"opacity":1.0}])");
    BOOST_TEST(json["layers"] == expected, json["layers"].dump());
    const wxImage image = load_png(dir / "hidden.png");
    BOOST_TEST(image.GetWidth() == 1024);
    BOOST_TEST(count_colour(image, gis::priority_colour(gis::PriorityClass::first)) == 0);
    BOOST_TEST(count_colour(image, gis::priority_colour(gis::PriorityClass::second)) == 0);
    BOOST_TEST(count_colour(image, gis::priority_colour(gis::PriorityClass::third)) == 0);
    BOOST_TEST(count_colour(image, gis::map_background) > 10000);
}

BOOST_AUTO_TEST_CASE(exports_a_pdf_sheet_and_a_png_of_the_map_size) {
    TempDir dir;
    make_town(dir / "town.ykm");
    const nlohmann::json json =
        run_script(dir, "zoom_in;export_pdf:" + (dir / "sheet.pdf").string() +
                            ";export_png:" + (dir / "map.png").string());
    BOOST_TEST(read_file(dir / "sheet.pdf").starts_with("%PDF-"));
    const wxImage image = load_png(dir / "map.png");
    BOOST_TEST(image.GetWidth() == json["final"]["width_px"].get<int>());
    BOOST_TEST(image.GetHeight() == json["final"]["height_px"].get<int>());
    BOOST_TEST(count_colour(image, gis::priority_colour(gis::PriorityClass::first)) > 100);
}

BOOST_AUTO_TEST_CASE(reports_the_times_of_paints_and_worker_pictures) {
    TempDir dir;
    make_town(dir / "town.ykm");
    const nlohmann::json json = run_script(dir, "pan_drag_steps:12;wheel_steps:4");
    const gis::MapView initial = view_of(json["initial"]);
    // Twelve steps of 10 px to the right; two notches in and two out about the same pixel.
    BOOST_TEST(same_view(view_of(json["final"]), initial.panned(120.0, 0.0)));
    BOOST_TEST(json["paint_ms"].size() >= 2U);
    BOOST_TEST(json["render_ms"].size() >= 2U);
    BOOST_TEST(json["roads_in_view"].get<int>() > 100);
    for (const auto& ms : json["render_ms"]) {
        BOOST_TEST(ms.get<double>() > 0.0);
    }
}

BOOST_AUTO_TEST_CASE(menus_speak_japanese_in_a_japanese_locale_and_english_otherwise) {
    TempDir dir;
    BOOST_TEST_REQUIRE(run_yukimichi(dir, "LANG=ja_JP.UTF-8", "--dump-menus") == 0,
                       read_file(dir / "stderr.txt"));
    const std::string japanese = read_file(dir / "stdout.txt");
    BOOST_TEST(japanese.starts_with("ファイル\n"), japanese);
    BOOST_TEST(japanese.find("\n表示\n") != std::string::npos);
    BOOST_TEST(japanese.find("  全体表示\n") != std::string::npos);
    BOOST_TEST(japanese.find("Zoom") == std::string::npos);

    BOOST_TEST_REQUIRE(run_yukimichi(dir, "LANG=C", "--dump-menus") == 0,
                       read_file(dir / "stderr.txt"));
    const std::string english = read_file(dir / "stdout.txt");
    BOOST_TEST(english.starts_with("File\n"), english);
    BOOST_TEST(english.find("\nView\n") != std::string::npos);
    BOOST_TEST(english.find("  Full extent\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_language_preference_overrides_the_locale) {
    TempDir dir;
    std::filesystem::create_directories(dir / "config" / "yukimichi");
    std::ofstream(dir / "config" / "yukimichi" / "yukimichi.conf")
        << "[Preferences]\nLanguage=ja\n";
    BOOST_TEST_REQUIRE(run_yukimichi(dir, "LANG=C", "--dump-menus") == 0,
                       read_file(dir / "stderr.txt"));
    BOOST_TEST(read_file(dir / "stdout.txt").starts_with("ファイル\n"));
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_project_is_named_in_the_error_and_exits_2) {
    TempDir dir;
    std::ofstream(dir / "notes.ykm") << "not a database\n";
    const int status =
        run_yukimichi(dir, "LC_ALL=C.UTF-8",
                      "--screenshot " + quoted(dir / "out.png") + " " + quoted(dir / "notes.ykm"));
    BOOST_TEST(status == 2);
    BOOST_TEST(read_file(dir / "stderr.txt").find("notes.ykm") != std::string::npos);
    BOOST_TEST(!std::filesystem::exists(dir / "out.png"));
}

BOOST_AUTO_TEST_CASE(live_vehicles_are_listed_drawn_and_followed) {
    TempDir dir;
    const std::vector<dispatch::Vehicle> fleet = make_fleet_town(dir / "town.ykm");
    BOOST_TEST_REQUIRE(fleet.size() >= 3U);
    const auto run = straight_run(dir / "town.ykm");
    BackgroundWindow window(dir,
                            port_step(dir) + ";" + sent_step(dir) +
                                ";wait_vehicles:2;wait_ms:1500;select_vehicle:P-01;follow:P-01;"
                                "wait_ms:1500;screenshot:" +
                                (dir / "live.png").string() + ";filter_state:travelling",
                            dir / "town.ykm");
    const std::uint16_t port = window.port();
    // P-01 plows along the arterial; P-02 drives back to the depot without working.
    drive(port, "demo-001", directed(run[0].first, run[0].second), "plow");
    drive(port, "demo-002", directed(run[3].first, !run[3].second), "travel");
    window.fixes_sent();
    const nlohmann::json json = window.result();
    const nlohmann::json& f = json["fleet"];

    std::map<std::string, nlohmann::json> by_code;
    for (const auto& v : f["vehicles"]) {
        by_code[v["code"].get<std::string>()] = v;
    }
    BOOST_TEST(by_code.size() == fleet.size());
    BOOST_TEST(by_code["P-01"]["state"].get<std::string>() == "working");
    BOOST_TEST(by_code["P-02"]["state"].get<std::string>() == "travelling");
    BOOST_TEST(by_code["P-03"]["state"].get<std::string>() == "unknown");
    BOOST_TEST(by_code["P-03"]["position"].is_null());

    // The panel, filtered to the travelling vehicles at the end: P-02's row, with its state,
    // speed (19.44 knots = 36 km/h) and work.
    BOOST_TEST_REQUIRE(f["vehicle_rows"].size() == 1U);
    const nlohmann::json& p02 = f["vehicle_rows"][0];
    BOOST_TEST(p02[0].get<std::string>() == "P-02");
    BOOST_TEST(p02[1].get<std::string>() == "Plow truck");
    BOOST_TEST(p02[2].get<std::string>() == "雪国建設1");
    BOOST_TEST(p02[3].get<std::string>() == "Travelling");
    BOOST_TEST(p02[5].get<std::string>() == "36");
    BOOST_TEST(p02[6].get<std::string>() == "Travelling (no work)");
    const std::string counts = f["vehicle_counts"].get<std::string>();
    BOOST_TEST(counts.find("Working 1") != std::string::npos, counts);
    BOOST_TEST(counts.find("Travelling 1") != std::string::npos, counts);
    BOOST_TEST(counts.find("Unknown " + std::to_string(fleet.size() - 2)) != std::string::npos,
               counts);
    // Its details.
    std::map<std::string, std::string> details;
    for (const auto& row : f["vehicle_details"]) {
        details[row[0].get<std::string>()] = row[1].get<std::string>();
    }
    BOOST_TEST(details["Code"] == "P-01");
    BOOST_TEST(details["State"] == "Working");
    BOOST_TEST(details["Work"] == "New-snow plowing");
    BOOST_TEST(details["Speed"] == "36 km/h");
    BOOST_TEST(details["Device id"] == "demo-001");
    BOOST_TEST(details["Plate"] == "青森 100 さ 12-31");
    BOOST_TEST(details["Plow width"] == "3.0 m");
    BOOST_TEST(details["Battery"] == "87 %");
    BOOST_TEST(details["Blade"] == "Down");
    BOOST_TEST(details["Last fix (JST)"].size() == 19U);

    // Followed: the map's centre is the vehicle.
    BOOST_TEST(f["selected"] == "P-01");
    BOOST_TEST(f["following"] == "P-01");
    const gis::MapView final_view = view_of(json["final"]);
    const double x = by_code["P-01"]["position"][0].get<double>();
    const double y = by_code["P-01"]["position"][1].get<double>();
    BOOST_TEST(std::abs(final_view.centre().x - x) <= final_view.metres_per_pixel());
    BOOST_TEST(std::abs(final_view.centre().y - y) <= final_view.metres_per_pixel());
    BOOST_TEST(!same_view(final_view, view_of(json["initial"])));

    // The GPS server: its address in the status bar, and every fix stored.
    BOOST_TEST(f["gps"]["running"].get<bool>());
    BOOST_TEST(f["gps"]["accepted"].get<int>() >= 10);
    const std::string status = f["gps"]["status_text"].get<std::string>();
    BOOST_TEST(status.find("127.0.0.1:" + std::to_string(port)) != std::string::npos, status);

    // The markers: P-01's disc in the working colour (Okabe-Ito bluish green) at its position,
    // P-02's arrowhead in orange.
    keep_screenshot(dir / "live.png");
    const wxImage image = load_png(dir / "live.png");
    const int ox = f["canvas_origin"][0].get<int>();
    const int oy = f["canvas_origin"][1].get<int>();
    const int px = ox + by_code["P-01"]["pixel"][0].get<int>();
    const int py = oy + by_code["P-01"]["pixel"][1].get<int>();
    const gis::Rgb working{0x00, 0x9E, 0x73};
    BOOST_TEST(near_colour(rgb_at(image, px, py), working),
               "marker pixel " << int(rgb_at(image, px, py).red) << ","
                               << int(rgb_at(image, px, py).green) << ","
                               << int(rgb_at(image, px, py).blue));
    BOOST_TEST(count_near(image, px, py, 8, working) > 40);
    // The selection ring in the highlight magenta around it.
    BOOST_TEST(count_near(image, px, py, 14, gis::highlight_colour) > 30);
    const int qx = ox + by_code["P-02"]["pixel"][0].get<int>();
    const int qy = oy + by_code["P-02"]["pixel"][1].get<int>();
    BOOST_TEST(count_near(image, qx, qy, 10, gis::Rgb{0xE6, 0x9F, 0x00}) > 10);
}

BOOST_AUTO_TEST_CASE(the_time_since_pass_style_colours_the_directions_driven) {
    TempDir dir;
    make_fleet_town(dir / "town.ykm");
    const auto run = straight_run(dir / "town.ykm");
    BackgroundWindow window(dir,
                            port_step(dir) + ";" + sent_step(dir) +
                                ";wait_vehicles:3;style:coverage;wait_coverage:2;screenshot:" +
                                (dir / "coverage.png").string() + ";style:priority;screenshot:" +
                                (dir / "priority.png").string() + ";style:coverage;screenshot:" +
                                (dir / "coverage-again.png").string() + ";click_vehicle:P-05",
                            dir / "town.ykm");
    const std::uint16_t port = window.port();
    gis::Polyline path;
    for (const auto& [segment, forward] : run) {
        const gis::Polyline piece = directed(segment, forward);
        path.insert(path.end(), path.empty() ? piece.begin() : piece.begin() + 1, piece.end());
    }
    drive(port, "demo-001", path, "plow");
    // Two more vehicles away from the run: P-02 travelling, P-05 standing.
    const gis::Box town = full_extent(dir / "town.ykm");
    const auto away_from_run = [&](double fx, double fy) {
        const gis::XY p{town.min_x + fx * (town.max_x - town.min_x),
                        town.min_y + fy * (town.max_y - town.min_y)};
        for (const gis::XY& q : path) {
            if (std::hypot(p.x - q.x, p.y - q.y) < 300.0) {
                return false;
            }
        }
        return true;
    };
    std::vector<gis::XY> spots;
    for (const double fy : {0.3, 0.5, 0.7}) {
        for (const double fx : {0.35, 0.5, 0.65}) {
            if (away_from_run(fx, fy)) {
                spots.push_back({town.min_x + fx * (town.max_x - town.min_x),
                                 town.min_y + fy * (town.max_y - town.min_y)});
            }
        }
    }
    BOOST_TEST_REQUIRE(spots.size() >= 2U);
    drive(port, "demo-002", {spots[0], {spots[0].x + 60.0, spots[0].y + 25.0}}, "travel");
    gis::CoordinateTransform to_lonlat(gis::Epsg{6678}, gis::wgs84);
    const gis::XY standing = to_lonlat.forward(spots[1]);
    BOOST_TEST(send_fix(port, "demo-005", {standing.x, standing.y}, now_ms() - 1000, 0.0, 0.0,
                        "plow") == 200);
    window.fixes_sent();
    const nlohmann::json json = window.result();
    const nlohmann::json& f = json["fleet"];
    BOOST_TEST(f["road_colouring"] == "coverage");
    BOOST_TEST(f["legend"].get<bool>());
    BOOST_TEST(f["coverage_directions"].get<int>() >= 2);
    // The click on P-05's marker selected it before any road under it was identified.
    BOOST_TEST(f["selected"] == "P-05");
    BOOST_TEST(json["identify"]["heading"].get<std::string>() == "Click a feature on the map.");

    // The second segment of the run, driven end to end: its driven direction (on the left of
    // travel) in the colour of < 1 h, the other direction never passed.
    const gis::MapView view = view_of(json["final"]);
    const int ox = f["canvas_origin"][0].get<int>();
    const int oy = f["canvas_origin"][1].get<int>();
    const gis::Polyline second = directed(run[1].first, run[1].second);
    const gis::XY mid = midpoint(second);
    const gis::XY p = view.to_pixel(mid);
    const int mx = ox + static_cast<int>(std::floor(p.x));
    const int my = oy + static_cast<int>(std::floor(p.y));
    const gis::Rgb fresh = gis::pass_age_colour(gis::PassAge::under_1h);
    const gis::Rgb never = gis::pass_age_colour(gis::PassAge::never);
    keep_screenshot(dir / "coverage.png");
    const wxImage coverage = load_png(dir / "coverage.png");
    BOOST_TEST(count_near(coverage, mx, my, 6, fresh) >= 4);
    BOOST_TEST(count_near(coverage, mx, my, 8, never) >= 2);
    // Which side: a step to the left of travel (pixel y runs down) finds the fresh colour.
    const gis::XY a = view.to_pixel(second.front());
    const gis::XY b = view.to_pixel(second.back());
    const double length = std::hypot(b.x - a.x, b.y - a.y);
    const gis::XY left{(b.y - a.y) / length, -(b.x - a.x) / length};
    int fresh_left = 0;
    int fresh_right = 0;
    for (double along = -4.0; along <= 4.0; along += 1.0) {
        for (double off = 1.5; off <= 3.5; off += 0.5) {
            const double cx = p.x + along * (b.x - a.x) / length;
            const double cy = p.y + along * (b.y - a.y) / length;
            fresh_left += near_colour(rgb_at(coverage, ox + static_cast<int>(cx + left.x * off),
                                             oy + static_cast<int>(cy + left.y * off)),
                                      fresh, 2);
            fresh_right += near_colour(rgb_at(coverage, ox + static_cast<int>(cx - left.x * off),
                                              oy + static_cast<int>(cy - left.y * off)),
                                       fresh, 2);
        }
    }
    BOOST_TEST(fresh_left > 10);
    BOOST_TEST(fresh_right == 0);
    // The priority style has none of the time-since-pass colours on the roads; switching back
    // shows them again.
    keep_screenshot(dir / "priority.png");
    const wxImage priority = load_png(dir / "priority.png");
    BOOST_TEST(count_near(priority, mx, my, 6, fresh) == 0);
    BOOST_TEST(count_colour(priority, fresh) < 10);
    BOOST_TEST(count_colour(coverage, fresh) > 40);
    BOOST_TEST(count_near(load_png(dir / "coverage-again.png"), mx, my, 6, fresh) >= 4);
    BOOST_TEST(count_colour(coverage, never) > 1000);
}

BOOST_AUTO_TEST_CASE(a_geofence_drawn_on_the_map_raises_an_alert_and_can_be_removed) {
    TempDir dir;
    make_fleet_town(dir / "town.ykm");
    const gis::MapView initial = initial_view(dir);
    const double cx = initial.width_px() / 2.0;
    const double cy = initial.height_px() / 2.0;
    const auto pixel = [](double v) { return pixel_text(v); };
    const std::string zone = pixel(cx - 50) + "," + pixel(cy - 50) + "," + pixel(cx + 50) + "," +
                             pixel(cy - 50) + "," + pixel(cx + 50) + "," + pixel(cy + 50) + "," +
                             pixel(cx - 50) + "," + pixel(cy + 50);
    BackgroundWindow window(
        dir,
        "zone_answer:Yard 3 (no entry),0;draw_zone:" + zone + ";" + port_step(dir) +
            ";wait_alerts:1;wait_ms:1200;screenshot:" + (dir / "alert.png").string() +
            ";remove_zone:Yard 3 (no entry);wait_ms:200",
        dir / "town.ykm");
    const std::uint16_t port = window.port();
    // P-03 stands in the middle of the zone.
    gis::CoordinateTransform to_lonlat(gis::Epsg{6678}, gis::wgs84);
    const gis::XY centre = to_lonlat.forward(initial.to_map({cx, cy}));
    BOOST_TEST(send_fix(port, "demo-003", {centre.x, centre.y}, now_ms() - 1000, 0.0, 90.0,
                        "plow") == 200);
    const nlohmann::json json = window.result();
    const nlohmann::json& f = json["fleet"];
    BOOST_TEST_REQUIRE(f["alert_rows"].size() >= 1U);
    const nlohmann::json& row = f["alert_rows"][0];
    BOOST_TEST(row[1] == "P-03");
    BOOST_TEST(row[2] == "Entered a zone");
    BOOST_TEST(row[3] == "Yard 3 (no entry)");
    BOOST_TEST(row[4] == "active");
    BOOST_TEST(row[0].get<std::string>().size() == 8U); // HH:MM:SS in JST
    // Removed at the end of the script: the list of zones is empty again, the alert stays.
    BOOST_TEST(f["geofences"].empty());
    // The screenshot before the removal: the zone's outline and the alert ring (yellow) around
    // the vehicle.
    keep_screenshot(dir / "alert.png");
    const wxImage image = load_png(dir / "alert.png");
    const int ox = f["canvas_origin"][0].get<int>();
    const int oy = f["canvas_origin"][1].get<int>();
    int vx = 0;
    int vy = 0;
    for (const auto& v : f["vehicles"]) {
        if (v["code"] == "P-03") {
            vx = ox + v["pixel"][0].get<int>();
            vy = oy + v["pixel"][1].get<int>();
        }
    }
    BOOST_TEST(count_near(image, vx, vy, 16, gis::Rgb{0xF0, 0xE4, 0x42}) > 20);
    BOOST_TEST(count_near(image, ox + static_cast<int>(cx) - 50, oy + static_cast<int>(cy), 3,
                          gis::Rgb{0x7A, 0x1F, 0x5C}) > 0);
}

BOOST_AUTO_TEST_CASE(the_fleet_dialog_refuses_a_bad_width_and_saves_a_good_one) {
    TempDir dir;
    make_fleet_town(dir / "town.ykm");
    const int status =
        run_yukimichi(dir, "LC_ALL=C.UTF-8",
                      "--commands 'fleet_edit:P-01,width,abc;fleet_edit:P-01,width,12.5;"
                      "fleet_edit:P-02,width,2.75' " +
                          quoted(dir / "town.ykm"));
    // Errors were reported (in a dialog; headless, on stderr with exit status 2).
    BOOST_TEST(status == 2);
    const std::string errors = read_file(dir / "stderr.txt");
    BOOST_TEST(errors.find("Plow width: 'abc' is not a number of metres.") != std::string::npos,
               errors);
    BOOST_TEST(errors.find("The vehicle P-01 was not saved") != std::string::npos, errors);
    BOOST_TEST(errors.find("12.5") != std::string::npos, errors);
    const nlohmann::json json = nlohmann::json::parse(read_file(dir / "stdout.txt"));
    BOOST_TEST(json["fleet"]["fleet_edits"] == nlohmann::json::parse("[false, false, true]"));
    data::Project project = data::Project::open(dir / "town.ykm", data::OpenMode::read_only);
    dispatch::Fleet fleet(project);
    BOOST_TEST(fleet.vehicle_by_code("P-01")->plow_width_m == 3.0);
    BOOST_TEST(fleet.vehicle_by_code("P-02")->plow_width_m == 2.75);
}

BOOST_AUTO_TEST_CASE(the_vehicle_menu_speaks_japanese) {
    TempDir dir;
    BOOST_TEST_REQUIRE(run_yukimichi(dir, "LANG=ja_JP.UTF-8", "--dump-menus") == 0,
                       read_file(dir / "stderr.txt"));
    const std::string japanese = read_file(dir / "stdout.txt");
    BOOST_TEST(japanese.find("\n車両\n  車両と業者の管理(V)...\n") != std::string::npos, japanese);
    BOOST_TEST(japanese.find("  道路を最終通過からの時間で色分け\n") != std::string::npos);
    BOOST_TEST(japanese.find("Vehicle") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_gps_port_in_use_is_named_in_the_status_bar_and_the_window_works_on) {
    TempDir dir;
    make_fleet_town(dir / "town.ykm");
    // Another program holds a port.
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor holder(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    const unsigned short taken = holder.local_endpoint().port();
    const int status =
        run_yukimichi(dir, "LC_ALL=C.UTF-8",
                      "--gps-listen 127.0.0.1:" + std::to_string(taken) +
                          " --commands 'zoom_in;pane:vehicles,show' " + quoted(dir / "town.ykm"));
    BOOST_TEST_REQUIRE(status == 0, read_file(dir / "stderr.txt"));
    const nlohmann::json json = nlohmann::json::parse(read_file(dir / "stdout.txt"));
    const nlohmann::json& gps = json["fleet"]["gps"];
    BOOST_TEST(!gps["running"].get<bool>());
    BOOST_TEST(!gps["error"].get<std::string>().empty());
    const std::string text = gps["status_text"].get<std::string>();
    BOOST_TEST(text.find("cannot listen on 127.0.0.1:" + std::to_string(taken)) !=
                   std::string::npos,
               text);
    // The vehicles are listed all the same, unknown.
    BOOST_TEST(json["fleet"]["vehicle_rows"].size() >= 2U);
    BOOST_TEST(same_view(view_of(json["final"]), view_of(json["initial"]).zoomed(2.0)));
}

BOOST_AUTO_TEST_CASE(the_fleet_dialog_keeps_the_home_depot_and_shift_it_was_not_asked_to_change) {
    TempDir dir;
    make_fleet_town(dir / "town.ykm");
    {
        // The small demo town has two depots, ids 1 and 2.
        data::Project project = data::Project::open(dir / "town.ykm", data::OpenMode::read_write);
        dispatch::Fleet fleet(project);
        dispatch::Vehicle p02 = *fleet.vehicle_by_code("P-02");
        p02.depot_id = 2;
        p02.shift_h = 9.5;
        fleet.save(p02);
    }
    const int status = run_yukimichi(dir, "LC_ALL=C.UTF-8",
                                     "--commands 'fleet_edit:P-02,width,2.75;"
                                     "fleet_edit:P-01,plate,青森 100 さ 12-99' " +
                                         quoted(dir / "town.ykm"));
    BOOST_TEST_REQUIRE(status == 0, read_file(dir / "stderr.txt"));
    const nlohmann::json json = nlohmann::json::parse(read_file(dir / "stdout.txt"));
    BOOST_TEST(json["fleet"]["fleet_edits"] == nlohmann::json::parse("[true, true]"));
    data::Project project = data::Project::open(dir / "town.ykm", data::OpenMode::read_only);
    dispatch::Fleet fleet(project);
    const auto p02 = fleet.vehicle_by_code("P-02");
    BOOST_TEST(p02->plow_width_m == 2.75);
    BOOST_TEST(p02->depot_id.value_or(0) == 2);
    BOOST_TEST(p02->shift_h.value_or(0.0) == 9.5);
    // A vehicle without either is saved without either, not with the first depot.
    const auto p01 = fleet.vehicle_by_code("P-01");
    BOOST_TEST(p01->plate == "青森 100 さ 12-99");
    BOOST_TEST(!p01->depot_id.has_value());
    BOOST_TEST(!p01->shift_h.has_value());
}

BOOST_AUTO_TEST_SUITE_END()

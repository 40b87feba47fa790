// Runs the real yukimichi binary under Xvfb: screenshots, map commands, menus in both
// languages, bad input.

#include "temp_dir.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/data/map_query.hpp"
#include "ykm/gis/map_renderer.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>
#include <wx/image.h>
#include <wx/init.h>

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

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
    const std::string command =
        "env -u LC_ALL -u LC_MESSAGES -u LANG " + locale_env + " XDG_CONFIG_HOME='" +
        (dir / "config").string() +
        "' NO_AT_BRIDGE=1 timeout 120 xvfb-run -a -s '-screen 0 1600x1000x24' '" YKM_YUKIMICHI
        "' " +
        arguments + " >'" + (dir / "stdout.txt").string() + "' 2>'" +
        (dir / "stderr.txt").string() + "'";
    const int status = std::system(command.c_str());
    BOOST_TEST_REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
}

std::string quoted(const std::filesystem::path& path) {
    return "'" + path.string() + "'";
}

std::int64_t count_colour(const wxImage& image, const gis::Rgb& colour) {
    std::int64_t count = 0;
    const unsigned char* data = image.GetData();
    const std::size_t n = static_cast<std::size_t>(image.GetWidth()) * image.GetHeight();
    for (std::size_t i = 0; i < n; ++i) {
        count += data[3 * i] == colour.red && data[3 * i + 1] == colour.green &&
                 data[3 * i + 2] == colour.blue;
    }
    return count;
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

BOOST_AUTO_TEST_SUITE_END()

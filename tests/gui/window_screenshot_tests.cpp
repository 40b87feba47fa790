// Runs the real yukimichi binary under Xvfb and checks the PNG it saves of its window.

#include "temp_dir.hpp"
#include "ykm/data/project.hpp"
#include "ykm/gui/map_style.hpp"

#include <boost/test/unit_test.hpp>

#include <wx/image.h>
#include <wx/init.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

using namespace ykm;
using ykm::test::TempDir;

namespace {

struct WxImageSupport {
    WxImageSupport() { wxImage::AddHandler(new wxPNGHandler); }
    wxInitializer initializer;
};

/// Builds a project with a 2 km class-1 road running east-west and two 600 m class-3 streets
/// crossing it, or, without `with_class_1`, the class-3 streets alone.
void make_project(const std::filesystem::path& path, bool with_class_1) {
    std::vector<gis::RoadLine> lines;
    if (with_class_1) {
        gis::RoadLine arterial;
        arterial.attributes.name = "国道";
        arterial.attributes.priority = gis::PriorityClass::first;
        arterial.points = {{0, 0}, {500, 0}, {1500, 0}, {2000, 0}};
        arterial.vertex_keys = {1, 2, 3, 4};
        lines.push_back(arterial);
    }
    std::int64_t key = 2;
    for (const double x : {500.0, 1500.0}) {
        gis::RoadLine street;
        street.attributes.priority = gis::PriorityClass::third;
        street.points = {{x, -300}, {x, 0}, {x, 300}};
        street.vertex_keys = {100 + key, key, 200 + key};
        lines.push_back(street);
        key = 3;
    }
    // JGD2011 zone XII (Hokkaido, Sapporo); coordinates near the zone's origin.
    data::Project project = data::Project::create(path, gis::Epsg{6680});
    project.replace_road_network(gis::build_road_network(lines, gis::Epsg{6680}));
}

/// Runs yukimichi under Xvfb with `arguments` and the locale C.UTF-8; returns its exit status.
int run_yukimichi(const std::string& arguments, const std::filesystem::path& stderr_file) {
    const std::string command =
        "env LC_ALL=C.UTF-8 NO_AT_BRIDGE=1 xvfb-run -a -s '-screen 0 1280x800x24' '" YKM_YUKIMICHI
        "' " +
        arguments + " 2>'" + stderr_file.string() + "'";
    const int status = std::system(command.c_str());
    BOOST_TEST_REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct ColourCount {
    std::int64_t pixels = 0;
    int min_x = -1;
    int max_x = -1;
};

ColourCount count_colour(const wxImage& image, const gui::Rgb& colour) {
    ColourCount count;
    const unsigned char* data = image.GetData();
    for (int y = 0; y < image.GetHeight(); ++y) {
        for (int x = 0; x < image.GetWidth(); ++x) {
            const unsigned char* p =
                data + 3 * (static_cast<std::ptrdiff_t>(y) * image.GetWidth() + x);
            if (p[0] == colour.red && p[1] == colour.green && p[2] == colour.blue) {
                ++count.pixels;
                count.min_x = count.min_x < 0 ? x : std::min(count.min_x, x);
                count.max_x = std::max(count.max_x, x);
            }
        }
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

} // namespace

BOOST_TEST_GLOBAL_FIXTURE(WxImageSupport);

BOOST_AUTO_TEST_SUITE(window_screenshot_tests)

BOOST_AUTO_TEST_CASE(screenshot_shows_the_roads_in_a_window_of_the_default_size) {
    TempDir dir;
    make_project(dir / "town.ykm", true);
    const int status = run_yukimichi("--screenshot '" + (dir / "out.png").string() + "' '" +
                                         (dir / "town.ykm").string() + "'",
                                     dir / "stderr.txt");
    BOOST_TEST_REQUIRE(status == 0, "yukimichi failed: " << read_file(dir / "stderr.txt"));
    const wxImage image = load_png(dir / "out.png");
    BOOST_TEST(image.GetWidth() == 1024);
    BOOST_TEST(image.GetHeight() == 700);
    BOOST_TEST(distinct_colours(image) > 10U);
    // The arterial is 2 km wide and fills the map's width: a thick vermilion line from the left
    // margin to the right one. The legend's sample alone is far smaller than 1000 pixels.
    const ColourCount vermilion =
        count_colour(image, gui::priority_colour(gis::PriorityClass::first));
    BOOST_TEST(vermilion.pixels > 1000);
    BOOST_TEST(vermilion.min_x < 60);
    BOOST_TEST(vermilion.max_x > 960);
    const ColourCount green = count_colour(image, gui::priority_colour(gis::PriorityClass::third));
    BOOST_TEST(green.pixels > 100);
    BOOST_TEST(count_colour(image, gui::priority_colour(gis::PriorityClass::second)).pixels == 0);
}

BOOST_AUTO_TEST_CASE(screenshot_has_the_size_asked_for) {
    TempDir dir;
    make_project(dir / "town.ykm", true);
    const int status = run_yukimichi("--size 800x600 --screenshot '" + (dir / "out.png").string() +
                                         "' '" + (dir / "town.ykm").string() + "'",
                                     dir / "stderr.txt");
    BOOST_TEST_REQUIRE(status == 0, "yukimichi failed: " << read_file(dir / "stderr.txt"));
    const wxImage image = load_png(dir / "out.png");
    BOOST_TEST(image.GetWidth() == 800);
    BOOST_TEST(image.GetHeight() == 600);
}

BOOST_AUTO_TEST_CASE(draws_no_vermilion_when_no_road_is_class_1) {
    TempDir dir;
    make_project(dir / "streets.ykm", false);
    const int status = run_yukimichi("--screenshot '" + (dir / "out.png").string() + "' '" +
                                         (dir / "streets.ykm").string() + "'",
                                     dir / "stderr.txt");
    BOOST_TEST_REQUIRE(status == 0, "yukimichi failed: " << read_file(dir / "stderr.txt"));
    const wxImage image = load_png(dir / "out.png");
    BOOST_TEST(count_colour(image, gui::priority_colour(gis::PriorityClass::first)).pixels == 0);
    BOOST_TEST(count_colour(image, gui::priority_colour(gis::PriorityClass::third)).pixels > 100);
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_project_is_named_in_the_error_and_exits_2) {
    TempDir dir;
    std::ofstream(dir / "notes.ykm") << "not a database\n";
    const int status = run_yukimichi("--screenshot '" + (dir / "out.png").string() + "' '" +
                                         (dir / "notes.ykm").string() + "'",
                                     dir / "stderr.txt");
    BOOST_TEST(status == 2);
    BOOST_TEST(read_file(dir / "stderr.txt").find("notes.ykm") != std::string::npos);
    BOOST_TEST(!std::filesystem::exists(dir / "out.png"));
}

BOOST_AUTO_TEST_SUITE_END()

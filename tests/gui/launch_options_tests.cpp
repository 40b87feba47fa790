#include "ykm/gis/error.hpp"
#include "ykm/gui/launch_options.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace ykm::gui;

BOOST_AUTO_TEST_SUITE(launch_options_tests)

namespace {

LaunchOptions parse(const std::vector<std::string>& args) {
    return parse_launch_options(args);
}

} // namespace

BOOST_AUTO_TEST_CASE(no_arguments_open_an_empty_window_of_the_default_size) {
    const LaunchOptions options = parse({});
    BOOST_TEST(!options.project.has_value());
    BOOST_TEST(!options.screenshot.has_value());
    BOOST_TEST(options.width_px == 1024);
    BOOST_TEST(options.height_px == 700);
}

BOOST_AUTO_TEST_CASE(takes_screenshot_size_and_project_in_any_order) {
    const LaunchOptions options = parse({"town.ykm", "--size=800x600", "--screenshot", "out.png"});
    BOOST_TEST(options.project->string() == "town.ykm");
    BOOST_TEST(options.screenshot->string() == "out.png");
    BOOST_TEST(options.width_px == 800);
    BOOST_TEST(options.height_px == 600);
}

BOOST_AUTO_TEST_CASE(keeps_a_japanese_file_name_as_given) {
    const LaunchOptions options = parse({"--screenshot=画面.png", "札幌市.ykm"});
    BOOST_TEST(options.screenshot->string() == "画面.png");
    BOOST_TEST(options.project->string() == "札幌市.ykm");
}

BOOST_AUTO_TEST_CASE(refuses_bad_sizes_unknown_options_and_two_projects) {
    BOOST_CHECK_THROW(parse({"--size", "800"}), ykm::Error);
    BOOST_CHECK_THROW(parse({"--size", "100x600"}), ykm::Error);
    BOOST_CHECK_THROW(parse({"--size", "800x60000"}), ykm::Error);
    BOOST_CHECK_THROW(parse({"--size", "80ax600"}), ykm::Error);
    BOOST_CHECK_THROW(parse({"--screenshot"}), ykm::Error);
    BOOST_CHECK_THROW(parse({"--fullscreen"}), ykm::Error);
    BOOST_CHECK_THROW(parse({"a.ykm", "b.ykm"}), ykm::Error);
}

BOOST_AUTO_TEST_CASE(names_the_unknown_option_in_the_error) {
    try {
        (void)parse({"--colour=red"});
        BOOST_FAIL("an unknown option was accepted");
    } catch (const ykm::Error& e) {
        BOOST_TEST(std::string(e.what()) == "unknown option '--colour=red'");
    }
}

BOOST_AUTO_TEST_CASE(takes_the_test_options_for_commands_and_menus) {
    const LaunchOptions options = parse({"--commands=zoom_in;pan_left", "--dump-menus"});
    BOOST_TEST_REQUIRE(options.commands.has_value());
    BOOST_TEST(options.commands->size() == 2U);
    BOOST_TEST((options.commands->at(1).action == ScriptAction::command));
    BOOST_TEST((options.commands->at(1).command == MapCommand::pan_left));
    BOOST_TEST(options.dump_menus);
    BOOST_TEST(!parse({}).dump_menus);
    BOOST_CHECK_THROW(parse({"--commands", "zoom_in;fly"}), ykm::Error);
}

BOOST_AUTO_TEST_SUITE_END()

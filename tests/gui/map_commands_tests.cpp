#include "ykm/gis/error.hpp"
#include "ykm/gui/map_commands.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <optional>
#include <ostream>

using namespace ykm;
using namespace ykm::gui;

namespace ykm::gui {
std::ostream& operator<<(std::ostream& out, MapCommand command) {
    return out << command_name(command);
}
} // namespace ykm::gui

BOOST_AUTO_TEST_SUITE(map_commands_tests)

namespace {

struct KeyCase {
    KeyPress press;
    std::optional<MapCommand> command;
};

std::ostream& operator<<(std::ostream& out, const KeyCase& c) {
    return out << "key " << static_cast<int>(c.press.key) << " ctrl " << c.press.ctrl << " alt "
               << c.press.alt << " shift " << c.press.shift;
}

const KeyCase key_cases[] = {
    {{Key::left}, MapCommand::pan_left},
    {{Key::right}, MapCommand::pan_right},
    {{Key::up}, MapCommand::pan_up},
    {{Key::down}, MapCommand::pan_down},
    {{Key::plus}, MapCommand::zoom_in},
    {{Key::minus}, MapCommand::zoom_out},
    {{Key::home}, MapCommand::full_extent},
    {{Key::digit_0, true}, MapCommand::full_extent},
    {{Key::left, false, true}, MapCommand::previous_view},
    {{Key::right, false, true}, MapCommand::next_view},
    {{Key::z}, MapCommand::box_zoom},
    {{Key::digit_0}, std::nullopt},
    {{Key::up, false, true}, std::nullopt},
    {{Key::left, true}, std::nullopt},
    {{Key::z, false, false, true}, std::nullopt},
    {{Key::other}, std::nullopt},
};

} // namespace

BOOST_DATA_TEST_CASE(maps_keys_to_map_commands, boost::unit_test::data::make(key_cases), c) {
    const std::optional<MapCommand> command = command_for_key(c.press);
    BOOST_TEST(command.has_value() == c.command.has_value());
    if (command && c.command) {
        BOOST_TEST(*command == *c.command);
    }
}

BOOST_AUTO_TEST_CASE(parses_a_command_list_and_names_an_unknown_command) {
    const auto commands = parse_command_list(" zoom_in; pan_right;;previous_view ");
    BOOST_TEST_REQUIRE(commands.size() == 3U);
    BOOST_TEST(commands[0] == MapCommand::zoom_in);
    BOOST_TEST(commands[1] == MapCommand::pan_right);
    BOOST_TEST(commands[2] == MapCommand::previous_view);
    try {
        (void)parse_command_list("zoom_in;spin");
        BOOST_FAIL("an unknown command was accepted");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) == "unknown map command 'spin'");
    }
}

BOOST_AUTO_TEST_CASE(zoom_steps_halve_and_double_the_resolution_about_the_centre) {
    const gis::MapView view({1000.0, 2000.0}, 4.0, 800, 600);
    const auto in = apply_view_command(MapCommand::zoom_in, view, gis::Box::empty());
    BOOST_TEST(in->metres_per_pixel() == 2.0);
    BOOST_TEST(in->centre().x == 1000.0);
    BOOST_TEST(in->centre().y == 2000.0);
    const auto out = apply_view_command(MapCommand::zoom_out, view, gis::Box::empty());
    BOOST_TEST(out->metres_per_pixel() == 8.0);
}

BOOST_AUTO_TEST_CASE(pan_steps_move_a_quarter_of_the_picture_towards_the_named_side) {
    // 800 x 600 px at 4 m/px: a quarter is 800 m across and 600 m up or down.
    const gis::MapView view({1000.0, 2000.0}, 4.0, 800, 600);
    const gis::Box none = gis::Box::empty();
    BOOST_TEST(apply_view_command(MapCommand::pan_right, view, none)->centre().x == 1800.0);
    BOOST_TEST(apply_view_command(MapCommand::pan_left, view, none)->centre().x == 200.0);
    BOOST_TEST(apply_view_command(MapCommand::pan_up, view, none)->centre().y == 2600.0);
    BOOST_TEST(apply_view_command(MapCommand::pan_down, view, none)->centre().y == 1400.0);
    BOOST_TEST(apply_view_command(MapCommand::pan_down, view, none)->centre().x == 1000.0);
}

BOOST_AUTO_TEST_CASE(full_extent_fits_the_extent_and_history_commands_need_the_canvas) {
    const gis::MapView view({0.0, 0.0}, 1.0, 1000, 500);
    const gis::Box extent{0.0, 0.0, 9000.0, 900.0};
    const auto full = apply_view_command(MapCommand::full_extent, view, extent);
    BOOST_TEST_REQUIRE(full.has_value());
    BOOST_TEST((*full == gis::MapView::fit(extent, 1000, 500)));
    BOOST_TEST(!apply_view_command(MapCommand::full_extent, view, gis::Box::empty()));
    BOOST_TEST(!apply_view_command(MapCommand::previous_view, view, extent));
    BOOST_TEST(!apply_view_command(MapCommand::box_zoom, view, extent));
}

BOOST_AUTO_TEST_SUITE_END()

#include "ykm/gis/error.hpp"
#include "ykm/gui/test_script.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace ykm;
using namespace ykm::gui;

BOOST_AUTO_TEST_SUITE(test_script_tests)

BOOST_AUTO_TEST_CASE(reads_commands_and_actions_with_their_arguments) {
    const std::vector<ScriptStep> steps =
        parse_script("zoom_in; click:120,80 ;drag:1,2,3.5,4;wheel:10,20,-3;search:駅前通;pick:0");
    BOOST_TEST_REQUIRE(steps.size() == 6U);
    BOOST_TEST((steps[0].action == ScriptAction::command));
    BOOST_TEST((steps[0].command == MapCommand::zoom_in));
    BOOST_TEST((steps[1].action == ScriptAction::click));
    BOOST_TEST(steps[1].numbers == (std::vector<double>{120.0, 80.0}),
               boost::test_tools::per_element());
    BOOST_TEST(steps[2].numbers == (std::vector<double>{1.0, 2.0, 3.5, 4.0}),
               boost::test_tools::per_element());
    BOOST_TEST(steps[3].numbers == (std::vector<double>{10.0, 20.0, -3.0}),
               boost::test_tools::per_element());
    BOOST_TEST((steps[4].action == ScriptAction::search));
    BOOST_TEST(steps[4].text == "駅前通");
    BOOST_TEST((steps[5].action == ScriptAction::pick));
    BOOST_TEST(steps[5].numbers.at(0) == 0.0);
}

BOOST_AUTO_TEST_CASE(reads_layers_by_key_or_as_roads) {
    const std::vector<ScriptStep> steps =
        parse_script("hide:roads;show:dump_sites;opacity:basemap,40;export_pdf:/tmp/a b.pdf");
    BOOST_TEST_REQUIRE(steps.size() == 4U);
    BOOST_TEST((steps[0].action == ScriptAction::hide));
    BOOST_TEST((steps[0].layer == MapLayer::roads));
    BOOST_TEST((steps[1].layer == MapLayer::dump_sites));
    BOOST_TEST((steps[2].layer == MapLayer::basemap));
    BOOST_TEST(steps[2].numbers.at(0) == 40.0);
    BOOST_TEST(steps[3].text == "/tmp/a b.pdf");
}

BOOST_AUTO_TEST_CASE(refuses_unknown_actions_bad_numbers_and_wrong_argument_counts) {
    BOOST_CHECK_THROW(parse_script("fly"), Error);
    BOOST_CHECK_THROW(parse_script("fly:1"), Error);
    BOOST_CHECK_THROW(parse_script("click:1"), Error);
    BOOST_CHECK_THROW(parse_script("click:1,x"), Error);
    BOOST_CHECK_THROW(parse_script("hide:plows"), Error);
    BOOST_CHECK_THROW(parse_script("search:  "), Error);
    try {
        (void)parse_script("zoom_in;drag:1,2,3");
        BOOST_FAIL("a drag with three numbers was accepted");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "map command 'drag:1,2,3' has the wrong number of arguments");
    }
}

BOOST_AUTO_TEST_SUITE_END()

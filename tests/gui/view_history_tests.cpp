#include "ykm/gui/view_history.hpp"

#include <boost/test/unit_test.hpp>

using namespace ykm;
using namespace ykm::gui;

BOOST_AUTO_TEST_SUITE(view_history_tests)

namespace {

gis::MapView view_at(double x) {
    return gis::MapView({x, 0.0}, 2.0, 800, 600);
}

} // namespace

BOOST_AUTO_TEST_CASE(goes_back_and_forward_through_the_visited_views) {
    ViewHistory history;
    history.visit(view_at(1));
    history.visit(view_at(2));
    history.visit(view_at(3));
    BOOST_TEST(history.back()->centre().x == 2.0);
    BOOST_TEST(history.back()->centre().x == 1.0);
    BOOST_TEST(!history.back().has_value());
    BOOST_TEST(history.current()->centre().x == 1.0);
    BOOST_TEST(history.forward()->centre().x == 2.0);
    BOOST_TEST(history.forward()->centre().x == 3.0);
    BOOST_TEST(!history.forward().has_value());
    BOOST_TEST(history.current()->centre().x == 3.0);
}

BOOST_AUTO_TEST_CASE(a_new_view_after_going_back_drops_the_views_ahead) {
    ViewHistory history;
    history.visit(view_at(1));
    history.visit(view_at(2));
    history.visit(view_at(3));
    (void)history.back();
    (void)history.back();
    history.visit(view_at(9));
    BOOST_TEST(!history.can_go_forward());
    BOOST_TEST(history.back()->centre().x == 1.0);
    BOOST_TEST(history.forward()->centre().x == 9.0);
}

BOOST_AUTO_TEST_CASE(records_a_repeated_view_once) {
    ViewHistory history;
    history.visit(view_at(1));
    history.visit(view_at(2));
    history.visit(view_at(2));
    BOOST_TEST(history.back()->centre().x == 1.0);
    BOOST_TEST(!history.can_go_back());
}

BOOST_AUTO_TEST_CASE(keeps_only_the_newest_views_up_to_its_capacity) {
    ViewHistory history(3);
    for (int i = 1; i <= 5; ++i) {
        history.visit(view_at(i));
    }
    BOOST_TEST(history.back()->centre().x == 4.0);
    BOOST_TEST(history.back()->centre().x == 3.0);
    BOOST_TEST(!history.can_go_back());
}

BOOST_AUTO_TEST_CASE(an_empty_or_cleared_history_has_nowhere_to_go) {
    ViewHistory history;
    BOOST_TEST(!history.current().has_value());
    BOOST_TEST(!history.back().has_value());
    BOOST_TEST(!history.forward().has_value());
    history.visit(view_at(1));
    history.visit(view_at(2));
    history.clear();
    BOOST_TEST(!history.can_go_back());
    BOOST_TEST(!history.current().has_value());
}

BOOST_AUTO_TEST_SUITE_END()

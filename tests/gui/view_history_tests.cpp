#include "ykm/gui/view_history.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>

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

BOOST_AUTO_TEST_SUITE(view_history_wheel_tests)

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

gis::MapView wheel_view(double x) {
    return gis::MapView({x, 0.0}, 2.0, 800, 600);
}

} // namespace

BOOST_AUTO_TEST_CASE(notches_less_than_half_a_second_apart_make_one_entry) {
    ViewHistory history;
    const Clock::time_point t0{};
    history.visit(wheel_view(1));
    history.visit_wheel(wheel_view(2), t0);
    history.visit_wheel(wheel_view(3), t0 + milliseconds(120));
    history.visit_wheel(wheel_view(4), t0 + milliseconds(480));
    // 400 ms after the last notch, although 880 ms after the first: still the same turn.
    history.visit_wheel(wheel_view(5), t0 + milliseconds(880));
    BOOST_TEST(history.current()->centre().x == 5.0);
    BOOST_TEST(history.back()->centre().x == 1.0);
    BOOST_TEST(!history.can_go_back());
}

BOOST_AUTO_TEST_CASE(a_pause_of_half_a_second_starts_a_new_entry) {
    ViewHistory history;
    const Clock::time_point t0{};
    history.visit(wheel_view(1));
    history.visit_wheel(wheel_view(2), t0);
    history.visit_wheel(wheel_view(3), t0 + milliseconds(500));
    BOOST_TEST(history.back()->centre().x == 2.0);
    BOOST_TEST(history.back()->centre().x == 1.0);
}

BOOST_AUTO_TEST_CASE(another_move_between_notches_ends_the_turn) {
    ViewHistory history;
    const Clock::time_point t0{};
    history.visit(wheel_view(1));
    history.visit_wheel(wheel_view(2), t0);
    history.visit(wheel_view(7));
    history.visit_wheel(wheel_view(8), t0 + milliseconds(100));
    BOOST_TEST(history.back()->centre().x == 7.0);
    BOOST_TEST(history.back()->centre().x == 2.0);
    BOOST_TEST(history.forward()->centre().x == 7.0);
    // Back and forward end a turn too: this notch adds an entry after 7 instead of replacing it.
    history.visit_wheel(wheel_view(9), t0 + milliseconds(150));
    BOOST_TEST(history.back()->centre().x == 7.0);
}

BOOST_AUTO_TEST_SUITE_END()

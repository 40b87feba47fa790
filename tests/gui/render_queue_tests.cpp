#include "ykm/gui/render_queue.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <future>
#include <thread>

using namespace ykm;
using namespace ykm::gui;

BOOST_AUTO_TEST_SUITE(render_queue_tests)

namespace {

RenderRequest request_at(double x) {
    return RenderRequest{gis::MapView({x, 0.0}, 1.0, 100, 100), {}, std::nullopt, 0, {}, 0, 0};
}

} // namespace

BOOST_AUTO_TEST_CASE(numbers_requests_in_the_order_they_come) {
    RenderQueue queue;
    BOOST_TEST(queue.latest_generation() == 0U);
    BOOST_TEST(queue.submit(request_at(1)) == 1U);
    BOOST_TEST(queue.submit(request_at(2)) == 2U);
    BOOST_TEST(queue.latest_generation() == 2U);
}

BOOST_AUTO_TEST_CASE(a_newer_request_replaces_one_not_yet_taken) {
    RenderQueue queue;
    queue.submit(request_at(1));
    queue.submit(request_at(2));
    queue.submit(request_at(3));
    const auto taken = queue.try_take();
    BOOST_TEST_REQUIRE(taken.has_value());
    BOOST_TEST(taken->view.centre().x == 3.0);
    BOOST_TEST(taken->generation == 3U);
    BOOST_TEST(!queue.try_take().has_value());
}

BOOST_AUTO_TEST_CASE(the_worker_wakes_for_a_request_from_another_thread) {
    RenderQueue queue;
    auto worker = std::async(std::launch::async, [&queue] { return queue.wait_next(); });
    queue.submit(request_at(7));
    const auto taken = worker.get();
    BOOST_TEST_REQUIRE(taken.has_value());
    BOOST_TEST(taken->view.centre().x == 7.0);
}

BOOST_AUTO_TEST_CASE(stop_wakes_a_waiting_worker_with_nothing) {
    RenderQueue queue;
    auto worker = std::async(std::launch::async, [&queue] { return queue.wait_next(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    queue.stop();
    BOOST_TEST(!worker.get().has_value());
    queue.submit(request_at(1));
    BOOST_TEST(!queue.wait_next().has_value());
}

BOOST_AUTO_TEST_SUITE_END()

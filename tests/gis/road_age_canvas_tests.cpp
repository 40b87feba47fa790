#include "ykm/gis/road_age_canvas.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <thread>

using namespace ykm::gis;

namespace {

constexpr std::int64_t now_ms = 1'768'500'000'000;
constexpr std::int64_t hour_ms = 3'600'000;

/// A grid of n x n blocks of two-way streets 20 m apart, a road per block side (2 n (n + 1)
/// roads, 4 n (n + 1) road directions), every fifth street of class 1.
MapContent street_grid(int n) {
    MapContent content;
    std::int64_t id = 1;
    for (int i = 0; i <= n; ++i) {
        for (int j = 0; j < n; ++j) {
            for (const bool across : {false, true}) {
                MapRoad r;
                r.id = id++;
                r.priority = i % 5 == 0 ? PriorityClass::first : PriorityClass::third;
                const double at = 20.0 * i + 0.5;
                const double from = 20.0 * j + 0.5;
                const double to = from + 20.0;
                r.points = across ? Polyline{{from, at}, {to, at}} : Polyline{{at, from}, {at, to}};
                content.roads.push_back(std::move(r));
            }
        }
    }
    return content;
}

MapStyle age_style(std::shared_ptr<const PassTimes> passes) {
    MapStyle style;
    style.road_colouring = RoadColouring::time_since_pass;
    style.street_labels_below_m_per_px = 0.0;
    style.coverage.passes = std::move(passes);
    style.coverage.now_ms = now_ms;
    return style;
}

/// Pixels whose channels differ by more than `levels`.
std::size_t far_apart(const Image& a, const Image& b, int levels) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < a.pixels.size(); ++i) {
        for (const unsigned shift : {0U, 8U, 16U}) {
            const int x = static_cast<int>((a.pixels[i] >> shift) & 0xFFU);
            const int y = static_cast<int>((b.pixels[i] >> shift) & 0xFFU);
            if (std::abs(x - y) > levels) {
                ++n;
                break;
            }
        }
    }
    return n;
}

} // namespace

BOOST_AUTO_TEST_SUITE(road_age_canvas_tests)

// A first drawing and one after a seek stroke every direction, on a thread per band of the
// picture when the machine has more than one core; a small change only the roads around it. Each
// time the picture is the map renderer's but for antialiasing at the edges.
BOOST_AUTO_TEST_CASE(draws_what_the_renderer_draws_whole_in_bands_and_in_part) {
    const MapContent content = street_grid(40); // 3,280 roads, 6,560 directions
    const MapView view(XY{400.5, 400.5}, 1.0, 820, 820);
    const MapRenderer renderer;
    auto all_old = std::make_shared<PassTimes>();
    auto mixed = std::make_shared<PassTimes>();
    auto mixed_more = std::make_shared<PassTimes>();
    for (const MapRoad& r : content.roads) {
        all_old->set(r.id, true, now_ms - 7 * hour_ms);
        if (r.id % 3 == 0) {
            mixed->set(r.id, r.id % 2 == 0, now_ms - hour_ms / 2);
            mixed_more->set(r.id, r.id % 2 == 0, now_ms - hour_ms / 2);
        } else if (r.id % 3 == 1) {
            mixed->set(r.id, true, now_ms - 2 * hour_ms);
            mixed_more->set(r.id, true, now_ms - 2 * hour_ms);
        }
    }
    // The small change: five roads passed just now.
    for (std::int64_t id = 40; id < 45; ++id) {
        mixed_more->set(id, false, now_ms - 60'000);
    }

    RoadAgeCanvas canvas(renderer, content, view, age_style(all_old));
    BOOST_TEST(canvas.directions().size() == 4U * 40U * 41U);
    for (const auto& passes : {all_old, mixed, mixed_more}) {
        const MapStyle style = age_style(passes);
        canvas.update(style.coverage);
        const Image whole = renderer.render(content, view, style);
        const Image drawn = canvas.image();
        BOOST_TEST_REQUIRE(drawn.pixels.size() == whole.pixels.size());
        BOOST_TEST(far_apart(drawn, whole, 64) == 0U);
        BOOST_TEST(far_apart(drawn, whole, 16) < whole.pixels.size() / 1000);
    }
    // The last update stroked only the changed roads and their neighbours.
    BOOST_TEST(canvas.redrawn() > 5U);
    BOOST_TEST(canvas.redrawn() < 200U);
    // The seek before it changed nearly everything: the first and second pictures differ widely.
    canvas.update(age_style(all_old).coverage);
    BOOST_TEST(canvas.redrawn() == canvas.directions().size());
    const Image old_picture = canvas.image();
    canvas.update(age_style(mixed).coverage);
    BOOST_TEST(far_apart(old_picture, canvas.image(), 64) > 10'000U);
    if (std::thread::hardware_concurrency() > 1) {
        BOOST_TEST_MESSAGE("the whole drawings were made in bands on "
                           << std::min(4U, std::thread::hardware_concurrency()) << " threads");
    }
}

BOOST_AUTO_TEST_CASE(tells_styles_that_differ_only_in_their_coverage) {
    auto passes = std::make_shared<PassTimes>();
    MapStyle a = age_style(passes);
    MapStyle b = age_style(std::make_shared<PassTimes>());
    b.coverage.now_ms += 5'000;
    BOOST_TEST(same_but_coverage(a, b));
    b.legend = !a.legend;
    BOOST_TEST(!same_but_coverage(a, b));
    b = a;
    b.layer_order.pop_back();
    BOOST_TEST(!same_but_coverage(a, b));
    b = a;
    b.roads.opacity = 0.5;
    BOOST_TEST(!same_but_coverage(a, b));
}

BOOST_AUTO_TEST_SUITE_END()

#include "temp_dir.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/data/map_query.hpp"
#include "ykm/gui/map_worker.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <vector>

using namespace ykm;
using namespace ykm::gui;
using ykm::test::TempDir;

BOOST_AUTO_TEST_SUITE(map_worker_tests)

BOOST_AUTO_TEST_CASE(blends_the_picture_over_the_background_for_the_bitmap) {
    ykm::gis::Image image{3, 1, {0xFFD55E00U, 0x00123456U, 0x80FFFFFFU}};
    const ykm::gis::Rgb under{0x10, 0x20, 0x30};
    const std::vector<unsigned char> rgb = ykm::gui::blend_to_rgb(image, under);
    const std::vector<unsigned char> expected{0xD5, 0x5E, 0x00,  // opaque: as drawn
                                              0x10, 0x20, 0x30,  // transparent: background
                                              0x88, 0x90, 0x98}; // half: (255*128+16*127+127)/255
    BOOST_TEST(rgb == expected, boost::test_tools::per_element());
}

namespace {

/// Collects what a worker reports, from its thread.
struct Collector {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<RenderedFrame> frames;
    std::vector<std::pair<std::uint64_t, std::string>> errors;

    MapWorker::FrameSink frame_sink() {
        return [this](RenderedFrame frame) {
            const std::lock_guard lock(mutex);
            frames.push_back(std::move(frame));
            changed.notify_all();
        };
    }
    MapWorker::ErrorSink error_sink() {
        return [this](std::uint64_t generation, const std::string& message) {
            const std::lock_guard lock(mutex);
            errors.emplace_back(generation, message);
            changed.notify_all();
        };
    }
    /// Waits until a frame or error of `generation` arrived; false after a minute.
    bool wait_for(std::uint64_t generation) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, std::chrono::seconds(60), [&] {
            for (const auto& f : frames) {
                if (f.generation == generation) {
                    return true;
                }
            }
            for (const auto& e : errors) {
                if (e.first == generation) {
                    return true;
                }
            }
            return false;
        });
    }
};

std::filesystem::path make_town(const TempDir& dir) {
    const auto path = dir / "town.ykm";
    data::Project project = data::Project::create(path, gis::Epsg{6678});
    data::write_demo_town(project, data::generate_demo_town(7, data::TownSize::small));
    return path;
}

std::int64_t count_colour(const gis::Image& image, gis::Rgb colour) {
    std::int64_t n = 0;
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
            n += image.rgb_at(x, y) == colour ? 1 : 0;
        }
    }
    return n;
}

} // namespace

BOOST_AUTO_TEST_CASE(draws_the_requested_view_of_the_project_off_the_calling_thread) {
    TempDir dir;
    const auto path = make_town(dir);
    gis::Box extent;
    {
        data::Project project = data::Project::open(path, data::OpenMode::read_only);
        extent = data::layer_extent(project, data::Layer::road_segments);
    }
    Collector collector;
    MapWorker worker(path, collector.frame_sink(), collector.error_sink());
    const gis::MapView view = gis::MapView::fit(extent, 640, 480);
    const std::uint64_t generation = worker.request({view, {}, std::nullopt, 0, {}, 0, 0});
    BOOST_TEST_REQUIRE(collector.wait_for(generation));
    const std::lock_guard lock(collector.mutex);
    BOOST_TEST(collector.errors.empty());
    BOOST_TEST_REQUIRE(collector.frames.size() == 1U);
    const RenderedFrame& frame = collector.frames.front();
    BOOST_TEST((frame.view == view));
    BOOST_TEST(frame.image.width == 640);
    BOOST_TEST(frame.image.height == 480);
    // The demo town has class-1 arterials: vermilion pixels somewhere on the map.
    BOOST_TEST(count_colour(frame.image, gis::priority_colour(gis::PriorityClass::first)) > 100);
}

BOOST_AUTO_TEST_CASE(the_last_of_many_quick_requests_is_always_drawn) {
    TempDir dir;
    const auto path = make_town(dir);
    Collector collector;
    MapWorker worker(path, collector.frame_sink(), collector.error_sink());
    std::uint64_t last = 0;
    for (int i = 0; i < 20; ++i) {
        last = worker.request(
            {gis::MapView({0.0, 0.0}, 1.0 + i, 320, 240), {}, std::nullopt, 0, {}, 0, 0});
    }
    BOOST_TEST_REQUIRE(collector.wait_for(last));
    const std::lock_guard lock(collector.mutex);
    BOOST_TEST(collector.frames.back().generation == last);
    BOOST_TEST(collector.frames.back().view.metres_per_pixel() == 20.0);
    // Frames come in the order asked for, none twice.
    for (std::size_t i = 1; i < collector.frames.size(); ++i) {
        BOOST_TEST(collector.frames[i - 1].generation < collector.frames[i].generation);
    }
}

BOOST_AUTO_TEST_CASE(a_coverage_change_draws_only_its_roads_again_and_the_same_map) {
    TempDir dir;
    const auto path = make_town(dir);
    gis::Box extent;
    std::vector<std::int64_t> segments;
    {
        data::Project project = data::Project::open(path, data::OpenMode::read_only);
        extent = data::layer_extent(project, data::Layer::road_segments);
        data::Statement ids(project.database(), "SELECT id FROM road_segments ORDER BY id");
        while (ids.step()) {
            segments.push_back(ids.column_int64(0));
        }
    }
    BOOST_TEST_REQUIRE(segments.size() > 40U);
    constexpr std::int64_t now_ms = 1'768'500'000'000;
    constexpr std::int64_t hour_ms = 3'600'000;
    // Every tenth road passed 2 h ago, then 20 of them again just now.
    auto before = std::make_shared<gis::PassTimes>();
    for (std::size_t i = 0; i < segments.size(); i += 10) {
        before->set(segments[i], true, now_ms - 2 * hour_ms);
    }
    auto after = std::make_shared<gis::PassTimes>(*before);
    for (std::size_t i = 0; i < 200 && i < segments.size(); i += 10) {
        after->set(segments[i], true, now_ms);
    }
    gis::MapStyle style;
    style.road_colouring = gis::RoadColouring::time_since_pass;
    style.legend = true;
    const gis::MapView view = gis::MapView::fit(extent, 640, 480);
    const auto style_with = [&](std::shared_ptr<const gis::PassTimes> passes) {
        gis::MapStyle s = style;
        s.coverage.passes = std::move(passes);
        s.coverage.now_ms = now_ms;
        return s;
    };

    Collector collector;
    MapWorker worker(path, collector.frame_sink(), collector.error_sink());
    const auto draw = [&](const gis::MapView& v, const gis::MapStyle& s) {
        const std::uint64_t generation = worker.request({v, s, std::nullopt, 0, {}, 0, 0});
        BOOST_TEST_REQUIRE(collector.wait_for(generation));
        const std::lock_guard lock(collector.mutex);
        BOOST_TEST_REQUIRE(collector.errors.empty());
        return collector.frames.back();
    };
    const RenderedFrame first = draw(view, style_with(before));
    BOOST_TEST(!first.roads_only);
    const RenderedFrame second = draw(view, style_with(after));
    BOOST_TEST(second.roads_only);
    BOOST_TEST(second.redrawn_directions >= 20U);
    BOOST_TEST(second.redrawn_directions < segments.size());
    // What a whole drawing of the same map gives, but for antialiasing at the clip boxes' edges.
    const gis::MapRenderer renderer;
    gis::Image whole;
    {
        data::Project project = data::Project::open(path, data::OpenMode::read_only);
        const gis::MapStyle s = style_with(after);
        whole = renderer.render(data::query_map_content(project, view, s), view, s);
    }
    BOOST_TEST_REQUIRE(whole.pixels.size() == second.image.pixels.size());
    // Edge pixels of the fast antialiasing differ by up to three of its 17 levels.
    int worst = 0;
    std::size_t beyond_a_level = 0;
    std::size_t differing = 0;
    for (std::size_t i = 0; i < whole.pixels.size(); ++i) {
        int most = 0;
        for (unsigned shift : {0U, 8U, 16U}) {
            const int a = static_cast<int>((whole.pixels[i] >> shift) & 0xFFU);
            const int b = static_cast<int>((second.image.pixels[i] >> shift) & 0xFFU);
            most = std::max(most, std::abs(a - b));
        }
        worst = std::max(worst, most);
        beyond_a_level += most > 16 ? 1 : 0;
        differing += whole.pixels[i] != first.image.pixels[i] ? 1 : 0;
    }
    BOOST_TEST(worst <= 64);
    BOOST_TEST(beyond_a_level < whole.pixels.size() / 1000);
    // The freshly passed roads changed colour: the first picture differs from it.
    BOOST_TEST(differing > 100U);
    BOOST_TEST(count_colour(second.image, gis::pass_age_colour(gis::PassAge::under_1h)) >
               count_colour(first.image, gis::pass_age_colour(gis::PassAge::under_1h)) + 100);

    // Nothing changed: nothing drawn again.
    const RenderedFrame same = draw(view, style_with(after));
    BOOST_TEST(same.roads_only);
    BOOST_TEST(same.redrawn_directions == 0U);
    // Another view, another style, or the project changed by another connection: drawn whole.
    BOOST_TEST(!draw(view.panned(10.0, 0.0), style_with(after)).roads_only);
    BOOST_TEST(draw(view.panned(10.0, 0.0), style_with(before)).roads_only);
    gis::MapStyle english = style_with(before);
    english.language = gis::MapLanguage::english;
    BOOST_TEST(!draw(view.panned(10.0, 0.0), english).roads_only);
    {
        data::Project project = data::Project::open(path, data::OpenMode::read_write);
        data::Statement(project.database(), "UPDATE road_segments SET priority = 1 WHERE id = ?")
            .bind(1, segments[5])
            .run();
    }
    BOOST_TEST(!draw(view.panned(10.0, 0.0), english).roads_only);
}

BOOST_AUTO_TEST_CASE(draws_the_trails_it_is_given_into_the_picture) {
    TempDir dir;
    const auto path = make_town(dir);
    data::Project reader = data::Project::open(path, data::OpenMode::read_only);
    const gis::MapView view =
        gis::MapView::fit(data::layer_extent(reader, data::Layer::road_segments), 640, 480);
    reader.close();
    // A trail across the picture at row 240, a point every 40 px, the newest at the right.
    constexpr std::int64_t now_ms = 1'768'500'000'000;
    auto trails = std::make_shared<std::vector<gis::TimedTrail>>(1);
    for (int i = 0; i <= 16; ++i) {
        trails->front().points.push_back(view.to_map({40.0 * i, 240.5}));
        trails->front().times_ms.push_back(now_ms - (16 - i) * 30'000);
    }
    Collector collector;
    MapWorker worker(path, collector.frame_sink(), collector.error_sink());
    const auto dark_in_row = [&](std::shared_ptr<const std::vector<gis::TimedTrail>> t) {
        const std::uint64_t generation =
            worker.request({view, {}, std::nullopt, 0, std::move(t), now_ms, 10 * 60'000});
        BOOST_TEST_REQUIRE(collector.wait_for(generation));
        const std::lock_guard lock(collector.mutex);
        const gis::Image& image = collector.frames.back().image;
        int dark = 0;
        for (int x = 0; x < image.width; ++x) {
            const gis::Rgb c = image.rgb_at(x, 240);
            dark += c.red < 110 && c.green < 110 && c.blue < 110 ? 1 : 0;
        }
        return dark;
    };
    const int without = dark_in_row(nullptr);
    const int with = dark_in_row(trails);
    // Dark where it is young (the right half and more); faint where it is old.
    BOOST_TEST(with > 200, with);
    BOOST_TEST(without < 100, without);
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_project_is_named_in_the_error) {
    TempDir dir;
    std::ofstream(dir / "notes.ykm") << "not a database\n";
    Collector collector;
    MapWorker worker(dir / "notes.ykm", collector.frame_sink(), collector.error_sink());
    const std::uint64_t generation =
        worker.request({gis::MapView({0.0, 0.0}, 1.0, 100, 100), {}, std::nullopt, 0, {}, 0, 0});
    BOOST_TEST_REQUIRE(collector.wait_for(generation));
    const std::lock_guard lock(collector.mutex);
    BOOST_TEST(collector.frames.empty());
    BOOST_TEST_REQUIRE(collector.errors.size() == 1U);
    BOOST_TEST(collector.errors.front().second.find("notes.ykm") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_basemap_that_is_not_mbtiles_still_draws_the_map_and_reports_it) {
    TempDir dir;
    const auto path = make_town(dir);
    std::ofstream(dir / "tiles.mbtiles") << "not tiles\n";
    Collector collector;
    MapWorker worker(path, collector.frame_sink(), collector.error_sink());
    const std::uint64_t generation = worker.request(
        {gis::MapView({0.0, 0.0}, 5.0, 200, 100), {}, dir / "tiles.mbtiles", 0, {}, 0, 0});
    BOOST_TEST_REQUIRE(collector.wait_for(generation));
    // The error follows the frame; wait for it too.
    {
        std::unique_lock lock(collector.mutex);
        collector.changed.wait_for(lock, std::chrono::seconds(60),
                                   [&] { return !collector.errors.empty(); });
    }
    const std::lock_guard lock(collector.mutex);
    BOOST_TEST(collector.frames.size() == 1U);
    BOOST_TEST_REQUIRE(collector.errors.size() == 1U);
    BOOST_TEST(collector.errors.front().second.find("tiles.mbtiles") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

#include "temp_dir.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/data/map_query.hpp"
#include "ykm/gui/map_worker.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <condition_variable>
#include <fstream>
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
    const std::uint64_t generation = worker.request({view, {}, std::nullopt, 0});
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
        last = worker.request({gis::MapView({0.0, 0.0}, 1.0 + i, 320, 240), {}, std::nullopt, 0});
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

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_project_is_named_in_the_error) {
    TempDir dir;
    std::ofstream(dir / "notes.ykm") << "not a database\n";
    Collector collector;
    MapWorker worker(dir / "notes.ykm", collector.frame_sink(), collector.error_sink());
    const std::uint64_t generation =
        worker.request({gis::MapView({0.0, 0.0}, 1.0, 100, 100), {}, std::nullopt, 0});
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
    const std::uint64_t generation =
        worker.request({gis::MapView({0.0, 0.0}, 5.0, 200, 100), {}, dir / "tiles.mbtiles", 0});
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

#include "ykm/gui/map_worker.hpp"

#include "ykm/data/map_query.hpp"
#include "ykm/data/project.hpp"
#include "ykm/gis/road_age_canvas.hpp"
#include "ykm/gis/trails.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>

namespace ykm::gui {

std::vector<unsigned char> blend_to_rgb(const gis::Image& image, gis::Rgb background) {
    std::vector<unsigned char> rgb(image.pixels.size() * 3);
    const auto blend = [](unsigned value, unsigned alpha, unsigned under) {
        return static_cast<unsigned char>((value * alpha + under * (255 - alpha) + 127) / 255);
    };
    for (std::size_t i = 0; i < image.pixels.size(); ++i) {
        const std::uint32_t p = image.pixels[i];
        const unsigned alpha = p >> 24;
        rgb[3 * i] = blend((p >> 16) & 0xFF, alpha, background.red);
        rgb[3 * i + 1] = blend((p >> 8) & 0xFF, alpha, background.green);
        rgb[3 * i + 2] = blend(p & 0xFF, alpha, background.blue);
    }
    return rgb;
}

MapWorker::MapWorker(std::filesystem::path project, FrameSink on_frame, ErrorSink on_error)
    : m_project(std::move(project)), m_on_frame(std::move(on_frame)),
      m_on_error(std::move(on_error)), m_thread([this] { run(); }) {}

MapWorker::~MapWorker() {
    m_queue.stop();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

std::uint64_t MapWorker::request(RenderRequest request) {
    return m_queue.submit(std::move(request));
}

namespace {

std::int64_t data_version(data::Project& project) {
    data::Statement version(project.database(), "PRAGMA data_version");
    return version.step() ? version.column_int64(0) : 0;
}

/// The time-since-pass map of the last request, kept for the next one that differs only in its
/// coverage.
struct PreparedMap {
    std::optional<RenderRequest> request;
    std::int64_t data_version = 0;
    std::size_t road_count = 0;
    std::unique_ptr<gis::RoadAgeCanvas> canvas;

    [[nodiscard]] bool serves(const RenderRequest& next, std::int64_t version) const {
        return canvas && request && version == data_version && next.view == request->view &&
               next.basemap == request->basemap &&
               gis::same_but_coverage(next.style, request->style);
    }
};

} // namespace

void MapWorker::run() {
    std::optional<data::Project> project;
    std::string open_error;
    try {
        project.emplace(data::Project::open(m_project, data::OpenMode::read_only));
    } catch (const std::exception& e) {
        open_error = e.what();
    }
    const gis::MapRenderer renderer;
    PreparedMap prepared;
    while (std::optional<RenderRequest> request = m_queue.wait_next()) {
        if (!project) {
            m_on_error(request->generation, open_error);
            continue;
        }
        try {
            const auto start = std::chrono::steady_clock::now();
            RenderedFrame frame{request->generation, request->view, {}, {}};
            const bool by_age =
                request->style.road_colouring == gis::RoadColouring::time_since_pass;
            const std::int64_t version = data_version(*project);
            std::string basemap_error;
            if (by_age && prepared.serves(*request, version)) {
                prepared.canvas->update(request->style.coverage);
                frame.image = prepared.canvas->image();
                frame.road_count = prepared.road_count;
                frame.roads_only = true;
                frame.redrawn_directions = prepared.canvas->redrawn();
            } else {
                prepared.canvas.reset();
                std::optional<gis::Image> basemap;
                if (request->basemap && request->style.basemap.visible) {
                    try {
                        basemap =
                            data::render_basemap(*request->basemap, project->crs(), request->view);
                    } catch (const std::exception& e) {
                        // The roads still draw without the basemap; the error is reported after.
                        basemap_error = e.what();
                    }
                }
                const gis::MapContent content =
                    data::query_map_content(*project, request->view, request->style);
                frame.road_count = content.roads.size();
                if (by_age && basemap_error.empty()) {
                    auto canvas = std::make_unique<gis::RoadAgeCanvas>(
                        renderer, content, request->view, request->style,
                        basemap ? &*basemap : nullptr);
                    canvas->update(request->style.coverage);
                    frame.image = canvas->image();
                    prepared = {*request, version, frame.road_count, std::move(canvas)};
                } else {
                    frame.image = renderer.render(content, request->view, request->style,
                                                  basemap ? &*basemap : nullptr);
                }
            }
            if (request->trails && !request->trails->empty()) {
                gis::CairoSurfacePtr surface = gis::surface_from_image(frame.image);
                gis::draw_trails(surface.get(), *request->trails, request->view, 0,
                                 request->trails_now_ms, request->trail_ms,
                                 std::clamp(request->style.text_scale, 0.25, 8.0));
                frame.image = gis::image_from_surface(surface.get(), true);
            }
            frame.render_ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count();
            frame.rgb = blend_to_rgb(frame.image, gis::map_background);
            m_on_frame(std::move(frame));
            if (!basemap_error.empty()) {
                m_on_error(request->generation, basemap_error);
            }
        } catch (const std::exception& e) {
            prepared.canvas.reset();
            m_on_error(request->generation, e.what());
        }
    }
}

} // namespace ykm::gui

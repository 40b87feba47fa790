#include "ykm/gui/map_worker.hpp"

#include "ykm/data/map_query.hpp"
#include "ykm/data/project.hpp"

#include <chrono>
#include <exception>
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

void MapWorker::run() {
    std::optional<data::Project> project;
    std::string open_error;
    try {
        project.emplace(data::Project::open(m_project, data::OpenMode::read_only));
    } catch (const std::exception& e) {
        open_error = e.what();
    }
    const gis::MapRenderer renderer;
    while (std::optional<RenderRequest> request = m_queue.wait_next()) {
        if (!project) {
            m_on_error(request->generation, open_error);
            continue;
        }
        try {
            const auto start = std::chrono::steady_clock::now();
            std::optional<gis::Image> basemap;
            std::string basemap_error;
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
            RenderedFrame frame{request->generation,
                                request->view,
                                renderer.render(content, request->view, request->style,
                                                basemap ? &*basemap : nullptr),
                                {}};
            frame.render_ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count();
            frame.road_count = content.roads.size();
            frame.rgb = blend_to_rgb(frame.image, gis::map_background);
            m_on_frame(std::move(frame));
            if (!basemap_error.empty()) {
                m_on_error(request->generation, basemap_error);
            }
        } catch (const std::exception& e) {
            m_on_error(request->generation, e.what());
        }
    }
}

} // namespace ykm::gui

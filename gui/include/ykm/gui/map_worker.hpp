#pragma once

#include "ykm/gis/map_renderer.hpp"
#include "ykm/gui/render_queue.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

namespace ykm::gui {

/// A picture the worker drew, with the view and request it was drawn for.
struct RenderedFrame {
    std::uint64_t generation = 0;
    gis::MapView view;
    gis::Image image;
};

/// Draws a project's map on its own thread with its own read-only connection to the project
/// (SQLite connections belong to one thread) and its own renderer, so the UI thread never waits
/// for drawing. Requests are coalesced (see RenderQueue). The callbacks run on the worker
/// thread; the window forwards them to its UI thread.
class MapWorker {
public:
    using FrameSink = std::function<void(RenderedFrame frame)>;
    /// Told of a failure with the request's generation and a message naming the file.
    using ErrorSink = std::function<void(std::uint64_t generation, const std::string& message)>;

    /// Starts the thread, which opens `project` read-only. If it cannot, every request is
    /// answered through `on_error`.
    MapWorker(std::filesystem::path project, FrameSink on_frame, ErrorSink on_error);
    /// Stops the thread and waits for it; no callback runs after the destructor returns.
    ~MapWorker();
    MapWorker(const MapWorker&) = delete;
    MapWorker& operator=(const MapWorker&) = delete;

    /// Asks for a picture; returns the request's generation.
    std::uint64_t request(RenderRequest request);
    /// The generation of the newest request.
    [[nodiscard]] std::uint64_t latest_generation() const { return m_queue.latest_generation(); }

private:
    void run();

    std::filesystem::path m_project;
    FrameSink m_on_frame;
    ErrorSink m_on_error;
    RenderQueue m_queue;
    std::thread m_thread;
};

} // namespace ykm::gui

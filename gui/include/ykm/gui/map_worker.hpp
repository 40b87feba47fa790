#pragma once

#include "ykm/gis/map_renderer.hpp"
#include "ykm/gui/render_queue.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace ykm::gui {

/// A picture the worker drew, with the view and request it was drawn for.
struct RenderedFrame {
    std::uint64_t generation = 0;
    gis::MapView view;
    gis::Image image;
    /// The picture as 8-bit RGB triples blended over the map background, row by row: the form
    /// the window's bitmap takes, made here so the UI thread does not spend a frame on it.
    std::vector<unsigned char> rgb;
    /// Time the worker took to query the features and draw them, in milliseconds.
    double render_ms = 0.0;
    /// Road segments in the picture.
    std::size_t road_count = 0;
    /// Drawn from the view's prepared map with only the roads whose pass-age class changed
    /// stroked again (a request that differs from the one before only in its coverage's pass
    /// times: the coverage ticking on, a replay playing); false for a whole drawing.
    bool roads_only = false;
    /// The road directions stroked again when roads_only.
    std::size_t redrawn_directions = 0;
};

/// `image` as RGB triples blended over `background` where it is not opaque.
std::vector<unsigned char> blend_to_rgb(const gis::Image& image, gis::Rgb background);

/// Draws a project's map on its own thread with its own read-only connection to the project
/// (SQLite connections belong to one thread) and its own renderer, so the UI thread never waits
/// for drawing. Requests are coalesced (see RenderQueue). A map coloured by time since the last
/// pass is kept prepared for its view (gis::RoadAgeCanvas): while only the coverage changes,
/// only the roads whose pass-age class changed are drawn again; another view or style, or a
/// change to the project by another connection (PRAGMA data_version), draws it whole again. The
/// callbacks run on the worker thread; the window forwards them to its UI thread.
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

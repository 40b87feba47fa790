#pragma once

#include "ykm/gis/map_renderer.hpp"
#include "ykm/gis/map_view.hpp"
#include "ykm/gis/trails.hpp"

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace ykm::gui {

/// What the map worker is asked to draw.
struct RenderRequest {
    gis::MapView view;
    gis::MapStyle style;
    /// An MBTiles raster to draw under the vector layers.
    std::optional<std::filesystem::path> basemap;
    /// Numbered by the queue: a later request has a larger number.
    std::uint64_t generation = 0;
    /// Vehicles' trails drawn over the map (a replay's), fading from `trails_now_ms` to
    /// `trail_ms` before it; none: no trails.
    std::shared_ptr<const std::vector<gis::TimedTrail>> trails;
    std::int64_t trails_now_ms = 0;
    std::int64_t trail_ms = 0;
};

/// Hands render requests from the UI thread to one worker thread, keeping only the newest: a
/// request that the worker has not taken yet is replaced by the next one, so a fast pan or zoom
/// draws only the view it ends on. Thread-safe.
class RenderQueue {
public:
    /// Queues `request` in place of any request not yet taken; returns its generation number.
    std::uint64_t submit(RenderRequest request);
    /// Blocks until a request is queued or stop() is called; takes the request, or returns
    /// std::nullopt after stop().
    std::optional<RenderRequest> wait_next();
    /// Takes the queued request without waiting; std::nullopt when there is none.
    std::optional<RenderRequest> try_take();
    /// Wakes the worker and makes every later wait_next() return std::nullopt.
    void stop();
    /// The generation of the newest request submitted, 0 before the first one.
    [[nodiscard]] std::uint64_t latest_generation() const;

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::optional<RenderRequest> m_pending;
    std::uint64_t m_generation = 0;
    bool m_stopped = false;
};

} // namespace ykm::gui

#pragma once

#include "ykm/gis/map_view.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

namespace ykm::gui {

/// The views a user has been to, for "previous view" and "next view" like a browser's back and
/// forward: visiting a new view drops the views ahead of the current one.
class ViewHistory {
public:
    /// At most `capacity` views are kept; the oldest are dropped first.
    explicit ViewHistory(std::size_t capacity = 100);

    /// Records `view` as the current one. A view equal to the current one is not recorded twice.
    void visit(const gis::MapView& view);
    /// Records a view reached by a mouse-wheel notch at `time`. Notches less than
    /// wheel_burst_gap after the previous one replace the view the first notch of the burst
    /// recorded, so a turn of the wheel is one step of "previous view", not one per notch. Any
    /// other visit, back, forward or clear ends the burst.
    void visit_wheel(const gis::MapView& view, std::chrono::steady_clock::time_point time);
    /// Steps back and returns the previous view; std::nullopt (and no change) at the oldest one.
    std::optional<gis::MapView> back();
    /// Steps forward again; std::nullopt when no view is ahead.
    std::optional<gis::MapView> forward();
    [[nodiscard]] bool can_go_back() const;
    [[nodiscard]] bool can_go_forward() const;
    /// The current view; std::nullopt before the first visit.
    [[nodiscard]] std::optional<gis::MapView> current() const;
    /// Forgets every view (a new project).
    void clear();

    /// Wheel notches closer together than this belong to one burst.
    static constexpr std::chrono::milliseconds wheel_burst_gap{500};

private:
    std::size_t m_capacity;
    /// The time of the last notch of the burst under way.
    std::optional<std::chrono::steady_clock::time_point> m_last_wheel;
    std::vector<gis::MapView> m_views;
    std::size_t m_position = 0; ///< index of the current view when m_views is not empty
};

} // namespace ykm::gui

#include "ykm/gui/view_history.hpp"

#include <algorithm>

namespace ykm::gui {

ViewHistory::ViewHistory(std::size_t capacity) : m_capacity(std::max<std::size_t>(capacity, 1)) {}

void ViewHistory::visit(const gis::MapView& view) {
    m_last_wheel.reset();
    if (!m_views.empty()) {
        if (m_views[m_position] == view) {
            return;
        }
        m_views.erase(m_views.begin() + static_cast<std::ptrdiff_t>(m_position) + 1, m_views.end());
    }
    m_views.push_back(view);
    if (m_views.size() > m_capacity) {
        m_views.erase(m_views.begin());
    }
    m_position = m_views.size() - 1;
}

void ViewHistory::visit_wheel(const gis::MapView& view,
                              std::chrono::steady_clock::time_point time) {
    const bool in_burst = m_last_wheel && !m_views.empty() && time >= *m_last_wheel &&
                          time - *m_last_wheel < wheel_burst_gap;
    if (in_burst) {
        m_views[m_position] = view;
    } else {
        visit(view);
    }
    m_last_wheel = time;
}

std::optional<gis::MapView> ViewHistory::back() {
    m_last_wheel.reset();
    if (!can_go_back()) {
        return std::nullopt;
    }
    --m_position;
    return m_views[m_position];
}

std::optional<gis::MapView> ViewHistory::forward() {
    m_last_wheel.reset();
    if (!can_go_forward()) {
        return std::nullopt;
    }
    ++m_position;
    return m_views[m_position];
}

bool ViewHistory::can_go_back() const {
    return !m_views.empty() && m_position > 0;
}

bool ViewHistory::can_go_forward() const {
    return !m_views.empty() && m_position + 1 < m_views.size();
}

std::optional<gis::MapView> ViewHistory::current() const {
    if (m_views.empty()) {
        return std::nullopt;
    }
    return m_views[m_position];
}

void ViewHistory::clear() {
    m_last_wheel.reset();
    m_views.clear();
    m_position = 0;
}

} // namespace ykm::gui

#include "ykm/gui/render_queue.hpp"

namespace ykm::gui {

std::uint64_t RenderQueue::submit(RenderRequest request) {
    std::uint64_t generation = 0;
    {
        const std::lock_guard lock(m_mutex);
        generation = ++m_generation;
        request.generation = generation;
        m_pending = std::move(request);
    }
    m_wake.notify_one();
    return generation;
}

std::optional<RenderRequest> RenderQueue::wait_next() {
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [this] { return m_stopped || m_pending.has_value(); });
    if (m_stopped) {
        return std::nullopt;
    }
    std::optional<RenderRequest> request = std::move(m_pending);
    m_pending.reset();
    return request;
}

std::optional<RenderRequest> RenderQueue::try_take() {
    const std::lock_guard lock(m_mutex);
    std::optional<RenderRequest> request = std::move(m_pending);
    m_pending.reset();
    return request;
}

void RenderQueue::stop() {
    {
        const std::lock_guard lock(m_mutex);
        m_stopped = true;
    }
    m_wake.notify_all();
}

std::uint64_t RenderQueue::latest_generation() const {
    const std::lock_guard lock(m_mutex);
    return m_generation;
}

} // namespace ykm::gui

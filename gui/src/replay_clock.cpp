#include "ykm/gui/replay_clock.hpp"

#include "ykm/gis/error.hpp"
#include "ykm/gui/fleet_view.hpp"
#include "ykm/gui/orders_model.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <utility>

namespace ykm::gui {

ReplayClock::ReplayClock(std::int64_t first_ms, std::int64_t last_ms)
    : m_first_ms(first_ms), m_last_ms(last_ms), m_time_ms(first_ms) {
    if (last_ms < first_ms) {
        throw Error("replay: the season ends (" + replay_time_text(last_ms) +
                    ") before it starts (" + replay_time_text(first_ms) + ")");
    }
}

void ReplayClock::set_speed(int speed) {
    if (speed < replay_speeds.front() || speed > replay_speeds.back()) {
        throw Error("replay: speed " + std::to_string(speed) + "x is not between 1x and 3600x");
    }
    m_speed = speed;
}

void ReplayClock::set_step_ms(std::int64_t step_ms) {
    if (step_ms <= 0) {
        throw Error("replay: step " + std::to_string(step_ms) + " ms is not positive");
    }
    m_step_ms = step_ms;
}

void ReplayClock::play() {
    if (m_time_ms >= m_last_ms) {
        m_time_ms = m_first_ms;
    }
    m_fraction_ms = 0.0;
    m_playing = true;
}

void ReplayClock::pause() {
    m_playing = false;
    m_fraction_ms = 0.0;
}

void ReplayClock::toggle() {
    if (m_playing) {
        pause();
    } else {
        play();
    }
}

std::int64_t ReplayClock::seek(std::int64_t time_ms) {
    m_time_ms = std::clamp(time_ms, m_first_ms, m_last_ms);
    m_fraction_ms = 0.0;
    return m_time_ms;
}

std::int64_t ReplayClock::step(int steps) {
    const std::int64_t room_back = m_time_ms - m_first_ms;
    const std::int64_t room_on = m_last_ms - m_time_ms;
    const std::int64_t move = static_cast<std::int64_t>(steps) * m_step_ms;
    return seek(m_time_ms + std::clamp(move, -room_back, room_on));
}

bool ReplayClock::advance(double wall_ms) {
    if (!m_playing || !(wall_ms > 0.0)) {
        return false;
    }
    const double season_ms = wall_ms * m_speed + m_fraction_ms;
    const double whole = std::floor(season_ms);
    m_fraction_ms = season_ms - whole;
    const std::int64_t before = m_time_ms;
    const double room = static_cast<double>(m_last_ms - m_time_ms);
    if (whole >= room) {
        m_time_ms = m_last_ms;
        pause();
    } else {
        m_time_ms += static_cast<std::int64_t>(whole);
    }
    return m_time_ms != before;
}

int ReplayClock::slider_position(int slider_max) const {
    if (m_last_ms == m_first_ms || slider_max <= 0) {
        return 0;
    }
    const double share =
        static_cast<double>(m_time_ms - m_first_ms) / static_cast<double>(m_last_ms - m_first_ms);
    return static_cast<int>(std::lround(share * slider_max));
}

std::int64_t ReplayClock::time_at_slider(int position, int slider_max) const {
    if (slider_max <= 0) {
        return m_first_ms;
    }
    const double share = std::clamp(static_cast<double>(position) / slider_max, 0.0, 1.0);
    return m_first_ms + std::llround(share * static_cast<double>(m_last_ms - m_first_ms));
}

std::optional<std::int64_t> parse_replay_time(std::string_view text) {
    while (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1);
    }
    while (!text.empty() && text.back() == ' ') {
        text.remove_suffix(1);
    }
    // Local Japan time unless an offset follows the time.
    std::int64_t offset_ms = tokyo_offset_ms;
    if (text.size() > 16 && text.back() == 'Z') {
        offset_ms = 0;
        text.remove_suffix(1);
    } else if (text.size() > 16 + 6 &&
               (text[text.size() - 6] == '+' || text[text.size() - 6] == '-') &&
               text[text.size() - 3] == ':') {
        const std::string_view zone = text.substr(text.size() - 6);
        const auto digit = [&](std::size_t i) { return zone[i] >= '0' && zone[i] <= '9'; };
        if (!digit(1) || !digit(2) || !digit(4) || !digit(5)) {
            return std::nullopt;
        }
        const int hours = (zone[1] - '0') * 10 + (zone[2] - '0');
        const int minutes = (zone[4] - '0') * 10 + (zone[5] - '0');
        if (hours > 14 || minutes > 59) {
            return std::nullopt;
        }
        offset_ms = (zone[0] == '-' ? -1 : 1) * (hours * 60 + minutes) * std::int64_t{60'000};
        text.remove_suffix(6);
    }
    const std::optional<std::int64_t> jst = parse_jst_time(text);
    if (!jst) {
        return std::nullopt;
    }
    return *jst + tokyo_offset_ms - offset_ms;
}

std::string replay_time_text(std::int64_t time_ms) {
    return tokyo_time_text(time_ms, true);
}

// ----- the worker -----

ReplayWorker::ReplayWorker(const std::filesystem::path& project, dispatch::ReplaySettings settings,
                           Deliver deliver)
    : m_project(
          std::make_unique<data::Project>(data::Project::open(project, data::OpenMode::read_only))),
      m_replay(std::make_unique<dispatch::Replay>(*m_project, std::move(settings))),
      m_deliver(std::move(deliver)) {
    // Read here, before the thread owns the engine.
    m_extent = m_replay->extent();
    m_thread = std::thread([this] { run(); });
}

ReplayWorker::~ReplayWorker() {
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void ReplayWorker::request(std::int64_t time_ms) {
    {
        const std::lock_guard lock(m_mutex);
        if (m_pending) {
            ++m_dropped;
        }
        m_pending = time_ms;
    }
    m_wake.notify_all();
}

bool ReplayWorker::busy() const {
    const std::lock_guard lock(m_mutex);
    return m_working || m_pending.has_value();
}

std::uint64_t ReplayWorker::dropped() const {
    const std::lock_guard lock(m_mutex);
    return m_dropped;
}

void ReplayWorker::run() {
    while (true) {
        std::int64_t time_ms = 0;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || m_pending.has_value(); });
            if (m_stop) {
                return;
            }
            time_ms = *m_pending;
            m_pending.reset();
            m_working = true;
        }
        Result result;
        result.time_ms = time_ms;
        try {
            result.frame =
                std::make_shared<const dispatch::ReplayFrame>(m_replay->frame_at(time_ms));
        } catch (const std::exception& e) {
            result.error = e.what();
        }
        {
            const std::lock_guard lock(m_mutex);
            m_working = false;
        }
        // Posting the frame comes last: whoever receives it sees the worker idle (unless asked
        // again meanwhile).
        m_deliver(std::move(result));
    }
}

} // namespace ykm::gui

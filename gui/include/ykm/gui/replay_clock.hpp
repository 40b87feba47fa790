#pragma once

// The season replay in the window, without the toolkit: the playback clock over the season
// (speed, steps, seeking, clamped to the season) and a worker that computes the replay's frames
// off the UI thread, dropping the instants it had no time for.

#include "ykm/data/project.hpp"
#include "ykm/dispatch/replay.hpp"

#include <array>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace ykm::gui {

/// The playback speeds offered, in season seconds per wall-clock second.
inline constexpr std::array<int, 7> replay_speeds{1, 10, 60, 300, 600, 1800, 3600};

/// The steps offered for the step buttons, in milliseconds of season time.
inline constexpr std::array<std::int64_t, 4> replay_steps_ms{10'000, 60'000, 600'000, 3'600'000};

/// The instant of a season replay and how it moves: played at a speed (season time per wall
/// time), stepped, or sought; always within the season [first_ms, last_ms].
class ReplayClock {
public:
    /// A clock over the season from `first_ms` to `last_ms` (Unix ms), at its first instant,
    /// paused, at 60x, with steps of one minute. Throws ykm::Error when last_ms < first_ms.
    ReplayClock(std::int64_t first_ms, std::int64_t last_ms);

    [[nodiscard]] std::int64_t first_ms() const { return m_first_ms; }
    [[nodiscard]] std::int64_t last_ms() const { return m_last_ms; }
    /// The instant shown (Unix ms).
    [[nodiscard]] std::int64_t time_ms() const { return m_time_ms; }
    [[nodiscard]] bool playing() const { return m_playing; }
    [[nodiscard]] int speed() const { return m_speed; }
    [[nodiscard]] std::int64_t step_ms() const { return m_step_ms; }

    /// Season seconds per wall-clock second, 1 to 3,600. Throws ykm::Error naming the speed when
    /// it is outside.
    void set_speed(int speed);
    /// The step of step(); throws ykm::Error naming it when it is not positive.
    void set_step_ms(std::int64_t step_ms);

    /// Starts playing; at the end of the season it starts again from the beginning.
    void play();
    void pause();
    /// Plays when paused, pauses when playing.
    void toggle();

    /// Moves to `time_ms`, clamped to the season; returns the instant reached.
    std::int64_t seek(std::int64_t time_ms);
    /// Moves by `steps` steps (negative: back), clamped to the season.
    std::int64_t step(int steps);
    /// While playing: moves on by speed × `wall_ms` (wall-clock milliseconds since the last
    /// call); pauses at the end of the season. Returns whether the instant changed.
    bool advance(double wall_ms);

    /// The position of the instant on a slider from 0 to `slider_max`.
    [[nodiscard]] int slider_position(int slider_max) const;
    /// The instant at position `position` of a slider from 0 to `slider_max`.
    [[nodiscard]] std::int64_t time_at_slider(int position, int slider_max) const;

private:
    std::int64_t m_first_ms = 0;
    std::int64_t m_last_ms = 0;
    std::int64_t m_time_ms = 0;
    /// Season time played but not yet a whole millisecond.
    double m_fraction_ms = 0.0;
    bool m_playing = false;
    int m_speed = 60;
    std::int64_t m_step_ms = 60'000;
};

/// Reads an instant as the replay's jump field takes it: "2027-01-15 23:30" or with seconds in
/// Japan time, or ISO 8601 with an offset or Z ("2027-01-15T23:30:00+09:00"). std::nullopt
/// when it is none of these.
std::optional<std::int64_t> parse_replay_time(std::string_view text);

/// "2027-01-15 23:30:00" in Japan time.
std::string replay_time_text(std::int64_t time_ms);

/// Computes the frames of a season replay on a thread of its own with its own read-only
/// connection. request() replaces the instant not yet started, so that a slow frame drops the
/// instants asked for meanwhile instead of queueing them; each frame computed is handed to
/// `deliver` on the worker's thread (post it to the UI thread from there).
class ReplayWorker {
public:
    /// The frame at the instant asked for, or the engine's error.
    struct Result {
        std::shared_ptr<const dispatch::ReplayFrame> frame;
        std::int64_t time_ms = 0;
        std::string error;
    };
    using Deliver = std::function<void(Result result)>;

    /// Opens the project read-only and the replay engine; throws ykm::Error when it cannot.
    ReplayWorker(const std::filesystem::path& project, dispatch::ReplaySettings settings,
                 Deliver deliver);
    /// Waits for the frame being computed, then stops.
    ~ReplayWorker();
    ReplayWorker(const ReplayWorker&) = delete;
    ReplayWorker& operator=(const ReplayWorker&) = delete;

    /// The season's first and last fix (read when opened); none when the season log is empty.
    [[nodiscard]] std::optional<dispatch::SeasonExtent> extent() const { return m_extent; }

    /// Asks for the frame at `time_ms`, replacing an instant asked for and not yet started.
    void request(std::int64_t time_ms);
    /// Whether a frame is being computed or waiting to be.
    [[nodiscard]] bool busy() const;
    /// How many requests were replaced before they were started.
    [[nodiscard]] std::uint64_t dropped() const;

private:
    void run();

    std::unique_ptr<data::Project> m_project;
    std::unique_ptr<dispatch::Replay> m_replay;
    std::optional<dispatch::SeasonExtent> m_extent;
    Deliver m_deliver;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::optional<std::int64_t> m_pending;
    bool m_working = false;
    bool m_stop = false;
    std::uint64_t m_dropped = 0;
    std::thread m_thread;
};

} // namespace ykm::gui

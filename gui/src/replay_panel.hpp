#pragma once

#include "ykm/dispatch/replay.hpp"
#include "ykm/gis/map_renderer.hpp"
#include "ykm/gui/replay_clock.hpp"

#include <wx/panel.h>
#include <wx/timer.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class wxButton;
class wxChoice;
class wxSlider;
class wxStaticText;
class wxTextCtrl;

namespace ykm::gui {

class MapCanvas;
class OrdersPanel;

/// The season replay's timeline bar, docked under the map: a slider over the season with the
/// instant in Japan time, play/pause (Space), speed, step back and forward, a jump to a date and
/// time, a vehicle to follow and the button that ends the replay. While active it shows the
/// replay's frames in place of the live fleet: the vehicles where they were with their recent
/// trails, the roads by the time since their last pass at that instant, and in the orders panel
/// each order's status then. Frames are computed off the UI thread (ReplayWorker); a wxTimer
/// plays at 20 Hz, dropping the instants the worker had no time for.
class ReplayPanel : public wxPanel {
public:
    struct Callbacks {
        /// Shows an error to the user; the panel keeps working.
        std::function<void(const wxString& title, const wxString& message)> report_error;
        /// The 終了 button: the window ends the replay (and calls stop()).
        std::function<void()> leave;
        /// What the title and status bar say while replaying ("再生中 …").
        std::function<void(const wxString& text)> show_instant;
        /// The vehicles as they were at the frame's instant, for the vehicle list.
        std::function<void(const std::vector<dispatch::ReplayVehicle>& vehicles,
                           std::int64_t time_ms)>
            show_vehicles;
    };

    ReplayPanel(wxWindow* parent, MapCanvas& canvas, OrdersPanel& orders, Callbacks callbacks);
    ~ReplayPanel() override;

    /// Starts replaying the season of the project at `project`: the map switches to the
    /// time-since-pass colouring, paused at the season's first fix. Reports an error and
    /// returns false when the project cannot be read or its season log is empty.
    bool start(const std::filesystem::path& project);
    /// Ends the replay: the map's colouring and legend as before, the orders panel live again.
    void stop();
    [[nodiscard]] bool active() const { return m_worker != nullptr; }

    // ----- what the controls do; scripts call them -----
    void play();
    void pause();
    void toggle_play();
    /// One of replay_speeds; others are refused (reported).
    bool set_speed(int speed);
    void step(int steps);
    void seek(std::int64_t time_ms);
    /// The jump field's text: a date and time (parse_replay_time) within the season. Reports an
    /// error naming the text and returns false otherwise.
    bool jump(const wxString& text);
    /// Follows the vehicle with this code (empty: none); false when no vehicle has it.
    bool follow(const std::string& code);

    // ----- what tests read -----
    [[nodiscard]] const ReplayClock* clock() const { return m_clock ? &*m_clock : nullptr; }
    /// The frame shown, if one arrived.
    [[nodiscard]] const dispatch::ReplayFrame* frame() const { return m_frame.get(); }
    /// Whether the frame shown is that of the clock's instant and nothing is being computed.
    [[nodiscard]] bool frame_current() const;
    [[nodiscard]] const std::string& followed() const { return m_followed; }
    /// The instant as the bar shows it.
    [[nodiscard]] wxString time_label() const;
    /// How many requested instants were dropped (the worker was busy).
    [[nodiscard]] std::uint64_t dropped_frames() const;
    /// How many frames were shown since the window opened.
    [[nodiscard]] std::uint64_t frames_shown() const { return m_frames_shown; }

private:
    void build();
    void on_timer(wxTimerEvent& event);
    void request();
    void receive(ReplayWorker::Result result);
    void show(const dispatch::ReplayFrame& frame);
    /// Puts the instant in the window's title and status bar.
    void show_instant(std::int64_t time_ms);
    void update_controls();
    void fill_follow_choice(const dispatch::ReplayFrame& frame);

    MapCanvas& m_canvas;
    OrdersPanel& m_orders;
    Callbacks m_callbacks;
    std::unique_ptr<ReplayWorker> m_worker;
    std::optional<ReplayClock> m_clock;
    std::uint64_t m_frames_shown = 0;
    std::chrono::steady_clock::time_point m_instant_shown;
    std::shared_ptr<const dispatch::ReplayFrame> m_frame;
    /// Counts the replays started, so that a frame of an earlier one is not shown.
    std::uint64_t m_session = 0;
    std::string m_followed;
    std::vector<std::string> m_codes;
    wxTimer m_timer;
    std::chrono::steady_clock::time_point m_last_tick;
    int m_slider_max = 1;
    bool m_error_shown = false;
    /// The map's colouring before the replay.
    gis::RoadColouring m_colouring_before = gis::RoadColouring::priority;
    bool m_legend_before = false;
    gis::CoverageColouring m_coverage_before;

    wxButton* m_leave = nullptr;
    wxButton* m_back = nullptr;
    wxButton* m_play = nullptr;
    wxButton* m_forward = nullptr;
    wxChoice* m_step = nullptr;
    wxChoice* m_speed = nullptr;
    wxSlider* m_slider = nullptr;
    wxStaticText* m_time = nullptr;
    wxTextCtrl* m_jump = nullptr;
    wxButton* m_go = nullptr;
    wxChoice* m_follow = nullptr;
};

} // namespace ykm::gui

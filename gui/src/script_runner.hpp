#pragma once

#include "ykm/gui/test_script.hpp"

#include <nlohmann/json.hpp>

#include <wx/event.h>
#include <wx/timer.h>

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ykm::gui {

class MainFrame;

/// Runs a `--commands` script on the main window through the window's own event handlers: mouse
/// events go to the map canvas's handlers, text and choices to the panels' controls. One small
/// input event per tick of a 16 ms timer, so the event loop runs between them (paints, frames
/// from the worker) as during real use. When done, calls `finished` with the result as JSON.
class ScriptRunner : public wxEvtHandler {
public:
    using Finished = std::function<void(int exit_code, const std::string& json)>;

    ScriptRunner(MainFrame& frame, const std::vector<ScriptStep>& steps, Finished finished);
    ~ScriptRunner() override;
    ScriptRunner(const ScriptRunner&) = delete;
    ScriptRunner& operator=(const ScriptRunner&) = delete;

    void start();

private:
    /// One input event or check; returns false to be called again on the next tick.
    using Action = std::function<bool()>;

    void add_step(const ScriptStep& step);
    void add_mouse(wxEventType type, double x, double y, bool left_down, bool shift = false);
    void add_wheel(double x, double y, int notches);
    void add_wait_for_frame();
    /// Waits until `condition` holds, at most max_wait_ticks; then fails naming `what`.
    void add_wait(std::function<bool()> condition, std::string what);
    /// A left click at the pixel `where` gives when the step runs.
    void add_click_at(std::function<std::optional<wxPoint>()> where, std::string what);
    void on_tick(wxTimerEvent& event);
    [[nodiscard]] std::string result_json() const;
    [[nodiscard]] nlohmann::json fleet_json() const;
    [[nodiscard]] nlohmann::json planner_json() const;
    [[nodiscard]] nlohmann::json orders_json() const;
    void add_replay_step(const ScriptStep& step);
    [[nodiscard]] nlohmann::json replay_json() const;

    MainFrame& m_frame;
    Finished m_finished;
    std::deque<Action> m_actions;
    wxTimer m_timer;
    std::string m_initial_view;
    int m_waited_ticks = 0;
    int m_exit_code = 0;
    /// What each fleet_edit and fleet_import step achieved.
    std::vector<bool> m_fleet_edits;
    /// How long each order_wait step waited, in milliseconds.
    std::vector<double> m_order_waits_ms;
    /// Whether the row was marked as just changed when each order_wait step saw it.
    std::vector<bool> m_order_waits_marked;
};

} // namespace ykm::gui

#include "script_runner.hpp"

#include "layers_panel.hpp"
#include "main_frame.hpp"
#include "map_canvas.hpp"
#include "screenshot.hpp"
#include "side_panels.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gui/ui_text.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

namespace ykm::gui {

namespace {

constexpr int tick_ms = 16;
/// A frame not drawn within this many ticks (about 60 s) ends the script with an error.
constexpr int max_wait_ticks = 3750;
/// Ticks after the current frame was painted before reading the screen, so the X server has
/// drawn everything.
constexpr int settle_ticks = 6;
/// A step of pan_drag_steps moves the pointer this far.
constexpr int drag_step_px = 10;

int pixel(double value) {
    return static_cast<int>(std::lround(value));
}

std::string utf8(const wxString& s) {
    return std::string(s.utf8_str());
}

} // namespace

ScriptRunner::ScriptRunner(MainFrame& frame, const std::vector<ScriptStep>& steps,
                           Finished finished)
    : m_frame(frame), m_finished(std::move(finished)) {
    for (const ScriptStep& step : steps) {
        add_step(step);
    }
    // The last pictures are drawn, so that the frame times include them.
    add_wait_for_frame();
    m_timer.SetOwner(this);
    Bind(wxEVT_TIMER, &ScriptRunner::on_tick, this);
}

ScriptRunner::~ScriptRunner() {
    m_timer.Stop();
}

void ScriptRunner::start() {
    m_initial_view = view_json(m_frame.canvas().view());
    m_timer.Start(tick_ms);
}

void ScriptRunner::add_mouse(wxEventType type, double x, double y, bool left_down, bool shift) {
    m_actions.emplace_back([this, type, x, y, left_down, shift] {
        MapCanvas& canvas = m_frame.canvas();
        wxMouseEvent event(type);
        event.SetEventObject(&canvas);
        event.SetId(canvas.GetId());
        event.SetPosition(wxPoint(pixel(x), pixel(y)));
        event.SetLeftDown(left_down);
        event.SetShiftDown(shift);
        canvas.ProcessWindowEvent(event);
        return true;
    });
}

void ScriptRunner::add_wheel(double x, double y, int notches) {
    m_actions.emplace_back([this, x, y, notches] {
        MapCanvas& canvas = m_frame.canvas();
        wxMouseEvent event(wxEVT_MOUSEWHEEL);
        event.SetEventObject(&canvas);
        event.SetId(canvas.GetId());
        event.SetPosition(wxPoint(pixel(x), pixel(y)));
        event.m_wheelAxis = wxMOUSE_WHEEL_VERTICAL;
        event.m_wheelDelta = 120;
        event.m_wheelRotation = notches > 0 ? 120 : -120;
        canvas.ProcessWindowEvent(event);
        return true;
    });
}

void ScriptRunner::add_wait_for_frame() {
    m_actions.emplace_back([this] {
        if (m_frame.canvas().shows_current_frame()) {
            m_waited_ticks = 0;
            return true;
        }
        if (++m_waited_ticks > max_wait_ticks) {
            std::fprintf(stderr, "yukimichi: the map was not drawn within %d s\n",
                         max_wait_ticks * tick_ms / 1000);
            m_exit_code = 1;
            m_actions.clear();
            return true;
        }
        return false;
    });
}

void ScriptRunner::add_step(const ScriptStep& step) {
    const std::vector<double>& n = step.numbers;
    switch (step.action) {
    case ScriptAction::command:
        m_actions.emplace_back([this, command = step.command] {
            m_frame.run_command(command);
            return true;
        });
        return;
    case ScriptAction::click:
        add_mouse(wxEVT_LEFT_DOWN, n[0], n[1], true);
        add_mouse(wxEVT_LEFT_UP, n[0], n[1], false);
        return;
    case ScriptAction::box_zoom:
        add_step(ScriptStep{ScriptAction::command, MapCommand::box_zoom, {}, {}, {}});
        [[fallthrough]];
    case ScriptAction::drag:
        add_mouse(wxEVT_LEFT_DOWN, n[0], n[1], true);
        add_mouse(wxEVT_MOTION, (n[0] + n[2]) / 2.0, (n[1] + n[3]) / 2.0, true);
        add_mouse(wxEVT_MOTION, n[2], n[3], true);
        add_mouse(wxEVT_LEFT_UP, n[2], n[3], false);
        return;
    case ScriptAction::wheel: {
        const int notches = static_cast<int>(std::lround(n[2]));
        for (int i = 0; i < std::abs(notches); ++i) {
            add_wheel(n[0], n[1], notches);
        }
        return;
    }
    case ScriptAction::zoom:
        m_actions.emplace_back([this, factor = n[0]] {
            m_frame.canvas().zoom_about_centre(factor);
            return true;
        });
        return;
    case ScriptAction::search:
        m_actions.emplace_back([this, text = step.text] {
            m_frame.search_panel().type_and_search(wxString::FromUTF8(text));
            return true;
        });
        return;
    case ScriptAction::pick:
        m_actions.emplace_back([this, row = static_cast<int>(std::lround(n[0]))] {
            m_frame.search_panel().choose(row);
            return true;
        });
        return;
    case ScriptAction::hide:
    case ScriptAction::show:
        m_actions.emplace_back(
            [this, layer = step.layer, show = step.action == ScriptAction::show] {
                m_frame.layers_panel().tick(layer, show);
                return true;
            });
        return;
    case ScriptAction::opacity:
        m_actions.emplace_back([this, layer = step.layer, percent = pixel(n[0])] {
            m_frame.layers_panel().slide_opacity(layer, percent);
            return true;
        });
        return;
    case ScriptAction::export_pdf:
    case ScriptAction::export_png:
        m_actions.emplace_back(
            [this, file = step.text, pdf = step.action == ScriptAction::export_pdf] {
                const std::filesystem::path path(file);
                if (!(pdf ? m_frame.write_pdf_sheet(path) : m_frame.write_map_png(path))) {
                    m_exit_code = 2;
                }
                return true;
            });
        return;
    case ScriptAction::screenshot:
        add_wait_for_frame();
        for (int i = 0; i < settle_ticks; ++i) {
            m_actions.emplace_back([] { return true; });
        }
        m_actions.emplace_back([this, file = step.text] {
            try {
                m_frame.Update();
                save_window_png(m_frame, file);
            } catch (const Error& e) {
                std::fprintf(stderr, "yukimichi: %s\n", e.what());
                m_exit_code = 2;
            }
            return true;
        });
        return;
    case ScriptAction::pan_drag_steps: {
        // One continuous drag to the right, one motion event per tick as a real pointer sends.
        const int steps = std::max(0, static_cast<int>(std::lround(n[0])));
        m_actions.emplace_back([this, steps] {
            const gis::MapView& view = m_frame.canvas().view();
            const double x0 = std::max(0.0, view.width_px() / 2.0 - steps * drag_step_px / 2.0);
            const double y = view.height_px() / 2.0;
            // The positions depend on the canvas size, known only now: queue them in front.
            std::vector<Action> drag;
            for (int i = 1; i <= steps; ++i) {
                drag.emplace_back([this, x = x0 + i * drag_step_px, y] {
                    MapCanvas& canvas = m_frame.canvas();
                    wxMouseEvent event(wxEVT_MOTION);
                    event.SetEventObject(&canvas);
                    event.SetPosition(wxPoint(pixel(x), pixel(y)));
                    event.SetLeftDown(true);
                    canvas.ProcessWindowEvent(event);
                    return true;
                });
            }
            drag.emplace_back([this, x = x0 + steps * drag_step_px, y] {
                MapCanvas& canvas = m_frame.canvas();
                wxMouseEvent event(wxEVT_LEFT_UP);
                event.SetEventObject(&canvas);
                event.SetPosition(wxPoint(pixel(x), pixel(y)));
                canvas.ProcessWindowEvent(event);
                return true;
            });
            m_actions.insert(m_actions.begin(), drag.begin(), drag.end());
            MapCanvas& canvas = m_frame.canvas();
            wxMouseEvent down(wxEVT_LEFT_DOWN);
            down.SetEventObject(&canvas);
            down.SetPosition(wxPoint(pixel(x0), pixel(y)));
            down.SetLeftDown(true);
            canvas.ProcessWindowEvent(down);
            return true;
        });
        return;
    }
    case ScriptAction::wheel_steps: {
        const int steps = std::max(0, static_cast<int>(std::lround(n[0])));
        for (int i = 0; i < steps; ++i) {
            m_actions.emplace_back([this, in = i < (steps + 1) / 2] {
                const gis::MapView& view = m_frame.canvas().view();
                MapCanvas& canvas = m_frame.canvas();
                wxMouseEvent event(wxEVT_MOUSEWHEEL);
                event.SetEventObject(&canvas);
                event.SetPosition(
                    wxPoint(pixel(view.width_px() / 2.0), pixel(view.height_px() / 2.0)));
                event.m_wheelAxis = wxMOUSE_WHEEL_VERTICAL;
                event.m_wheelDelta = 120;
                event.m_wheelRotation = in ? 120 : -120;
                canvas.ProcessWindowEvent(event);
                return true;
            });
        }
        return;
    }
    }
}

void ScriptRunner::on_tick(wxTimerEvent&) {
    if (m_actions.empty()) {
        m_timer.Stop();
        m_finished(m_exit_code, result_json());
        return;
    }
    // Taken out first: an action may clear the queue (a failure) or put more in front of it.
    Action action = std::move(m_actions.front());
    m_actions.pop_front();
    if (!action()) {
        m_actions.push_front(std::move(action));
    }
}

std::string ScriptRunner::result_json() const {
    MapCanvas& canvas = m_frame.canvas();
    nlohmann::json json;
    json["initial"] = nlohmann::json::parse(m_initial_view);
    json["final"] = nlohmann::json::parse(view_json(canvas.view()));
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& [name, value] : m_frame.identify_panel().rows()) {
        rows.push_back({utf8(name), utf8(value)});
    }
    json["identify"] = {{"heading", utf8(m_frame.identify_panel().heading())}, {"rows", rows}};
    nlohmann::json labels = nlohmann::json::array();
    for (const wxString& label : m_frame.search_panel().result_labels()) {
        labels.push_back(utf8(label));
    }
    json["search"] = {{"count", labels.size()}, {"labels", labels}};
    json["highlighted"] = canvas.style().highlighted_roads;
    nlohmann::json layers = nlohmann::json::array();
    for (const MapLayer layer : panel_order(canvas.style())) {
        const auto& style = layer_style(canvas.style(), layer);
        layers.push_back({{"layer", std::string(layer_key(layer))},
                          {"visible", style.visible},
                          {"opacity", style.opacity}});
    }
    json["layers"] = layers;
    const MapCanvas::FrameTimes& times = canvas.frame_times();
    json["paint_ms"] = times.paint_ms;
    json["render_ms"] = times.render_ms;
    json["take_frame_ms"] = times.take_frame_ms;
    json["roads_in_view"] = times.roads_in_view;
    return json.dump();
}

} // namespace ykm::gui

#include "script_runner.hpp"

#include "fleet_panels.hpp"
#include "layers_panel.hpp"
#include "main_frame.hpp"
#include "map_canvas.hpp"
#include "orders_panel.hpp"
#include "planner_panel.hpp"
#include "replay_panel.hpp"
#include "report_dialogs.hpp"
#include "screenshot.hpp"
#include "side_panels.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gui/fleet_view.hpp"
#include "ykm/gui/ui_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

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

/// A panel's rows as JSON: an array of rows, each an array of its cells.
nlohmann::json table_json(const std::vector<std::vector<wxString>>& rows) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& row : rows) {
        nlohmann::json cells = nlohmann::json::array();
        for (const wxString& cell : row) {
            cells.push_back(utf8(cell));
        }
        out.push_back(cells);
    }
    return out;
}

/// The colours `lines` are drawn in, as "#RRGGBB", each once, in the order of the lines.
nlohmann::json line_colours(const std::vector<RouteOverlayLine>& lines) {
    nlohmann::json colours = nlohmann::json::array();
    for (const RouteOverlayLine& line : lines) {
        const std::string hex(line.colour.GetAsString(wxC2S_HTML_SYNTAX).utf8_str());
        if (std::find(colours.begin(), colours.end(), hex) == colours.end()) {
            colours.push_back(hex);
        }
    }
    return colours;
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

void ScriptRunner::add_wait(std::function<bool()> condition, std::string what) {
    m_actions.emplace_back([this, condition = std::move(condition), what = std::move(what)] {
        if (condition()) {
            m_waited_ticks = 0;
            return true;
        }
        if (++m_waited_ticks > max_wait_ticks) {
            std::fprintf(stderr, "yukimichi: %s: not within %d s\n", what.c_str(),
                         max_wait_ticks * tick_ms / 1000);
            m_exit_code = 1;
            m_actions.clear();
            m_waited_ticks = 0;
            return true;
        }
        return false;
    });
}

void ScriptRunner::add_click_at(std::function<std::optional<wxPoint>()> where, std::string what) {
    m_actions.emplace_back([this, where = std::move(where), what = std::move(what)] {
        const std::optional<wxPoint> pixel = where();
        if (!pixel) {
            std::fprintf(stderr, "yukimichi: %s\n", what.c_str());
            m_exit_code = 1;
            m_actions.clear();
            return true;
        }
        // Down now, up on the next tick, as a real click.
        const wxPoint p = *pixel;
        m_actions.emplace_front([this, p] {
            MapCanvas& canvas = m_frame.canvas();
            wxMouseEvent up(wxEVT_LEFT_UP);
            up.SetEventObject(&canvas);
            up.SetPosition(p);
            canvas.ProcessWindowEvent(up);
            return true;
        });
        MapCanvas& canvas = m_frame.canvas();
        wxMouseEvent down(wxEVT_LEFT_DOWN);
        down.SetEventObject(&canvas);
        down.SetPosition(p);
        down.SetLeftDown(true);
        canvas.ProcessWindowEvent(down);
        return true;
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
        add_step(ScriptStep{ScriptAction::command, MapCommand::box_zoom, {}, {}, {}, {}});
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
    case ScriptAction::style:
        m_actions.emplace_back([this, coverage = step.text == "coverage"] {
            m_frame.set_road_colouring(coverage ? gis::RoadColouring::time_since_pass
                                                : gis::RoadColouring::priority);
            return true;
        });
        return;
    case ScriptAction::select_vehicle:
        // The panel lists a vehicle once the tracker knows it: wait for the row.
        add_wait([this, code = step.text] { return m_frame.vehicle_panel().choose_vehicle(code); },
                 "select_vehicle:" + step.text);
        return;
    case ScriptAction::click_vehicle:
        add_wait(
            [this, code = step.text] {
                const auto id = m_frame.vehicle_id(code);
                return id && std::any_of(m_frame.canvas().overlay().markers.begin(),
                                         m_frame.canvas().overlay().markers.end(),
                                         [&](const VehicleMarker& m) { return m.id == *id; });
            },
            "click_vehicle:" + step.text);
        add_click_at(
            [this, code = step.text]() -> std::optional<wxPoint> {
                const auto id = m_frame.vehicle_id(code);
                for (const VehicleMarker& m : m_frame.canvas().overlay().markers) {
                    if (id && m.id == *id) {
                        return m_frame.canvas().pixel_of(m.position);
                    }
                }
                return std::nullopt;
            },
            "click_vehicle:" + step.text + ": no marker");
        return;
    case ScriptAction::follow:
        if (step.text == "off") {
            m_actions.emplace_back([this] {
                m_frame.vehicle_panel().press_follow(false);
                return true;
            });
            return;
        }
        add_wait([this, code = step.text] { return m_frame.vehicle_panel().choose_vehicle(code); },
                 "follow:" + step.text);
        m_actions.emplace_back([this] {
            m_frame.vehicle_panel().press_follow(true);
            return true;
        });
        return;
    case ScriptAction::wait_vehicles:
        add_wait(
            [this, count = static_cast<std::size_t>(std::max(0L, std::lround(n[0])))] {
                return static_cast<std::size_t>(std::count_if(m_frame.vehicles().begin(),
                                                              m_frame.vehicles().end(),
                                                              [](const dispatch::VehicleStatus& v) {
                                                                  return v.position.has_value();
                                                              })) >= count;
            },
            "wait_vehicles");
        return;
    case ScriptAction::wait_alerts:
        add_wait(
            [this, count = static_cast<std::size_t>(std::max(0L, std::lround(n[0])))] {
                return m_frame.alerts_panel().rows().size() >= count;
            },
            "wait_alerts");
        return;
    case ScriptAction::wait_coverage:
        add_wait(
            [this, count = static_cast<std::size_t>(std::max(0L, std::lround(n[0])))] {
                return m_frame.coverage_directions() >= count &&
                       m_frame.canvas().shows_current_frame();
            },
            "wait_coverage");
        return;
    case ScriptAction::wait_ms: {
        auto until = std::make_shared<std::optional<std::chrono::steady_clock::time_point>>();
        m_actions.emplace_back([until, ms = std::lround(n[0])] {
            const auto now = std::chrono::steady_clock::now();
            if (!*until) {
                *until = now + std::chrono::milliseconds(ms);
            }
            return now >= **until;
        });
        return;
    }
    case ScriptAction::wait_file:
        add_wait([file = step.text] { return std::filesystem::exists(file); },
                 "wait_file:" + step.text);
        return;
    case ScriptAction::pane:
        m_actions.emplace_back([this, name = step.words.at(0), show = step.words.at(1) == "show"] {
            m_frame.show_pane(name, show);
            return true;
        });
        return;
    case ScriptAction::filter_vehicles:
        m_actions.emplace_back([this, text = step.text] {
            m_frame.vehicle_panel().type_filter(wxString::FromUTF8(text));
            return true;
        });
        return;
    case ScriptAction::filter_state:
        m_actions.emplace_back([this, state = parse_vehicle_state(step.text)] {
            m_frame.vehicle_panel().choose_state(state);
            return true;
        });
        return;
    case ScriptAction::gps_port_file:
        m_actions.emplace_back([this, file = step.text] {
            const LiveFleet::ServerStatus status = m_frame.gps_status();
            if (!status.http_port) {
                std::fprintf(stderr, "yukimichi: the GPS server does not run: %s\n",
                             status.error.c_str());
                m_exit_code = 2;
                return true;
            }
            // Written beside and renamed, so that a reader never sees half of it.
            const std::string temp = file + ".tmp";
            std::ofstream(temp) << *status.http_port << "\n";
            std::rename(temp.c_str(), file.c_str());
            return true;
        });
        return;
    case ScriptAction::zone_answer:
        m_actions.emplace_back([this, name = step.words.at(0), dwell = step.words.at(1)] {
            m_frame.set_zone_answer(name, dwell);
            return true;
        });
        return;
    case ScriptAction::draw_zone: {
        m_actions.emplace_back([this] {
            m_frame.arm_zone_tool(true);
            return true;
        });
        for (std::size_t i = 0; i + 1 < n.size(); i += 2) {
            add_mouse(wxEVT_LEFT_DOWN, n[i], n[i + 1], true);
            add_mouse(wxEVT_LEFT_UP, n[i], n[i + 1], false);
        }
        const double x = n[n.size() - 2];
        const double y = n[n.size() - 1];
        add_mouse(wxEVT_LEFT_DCLICK, x, y, true);
        add_mouse(wxEVT_LEFT_UP, x, y, false);
        // The dialog's answers are taken after the click's event.
        m_actions.emplace_back([] { return true; });
        return;
    }
    case ScriptAction::remove_zone:
        m_actions.emplace_back([this, name = step.text] {
            if (!m_frame.alerts_panel().remove_zone_named(name)) {
                std::fprintf(stderr, "yukimichi: no geofence %s\n", name.c_str());
                m_exit_code = 1;
            }
            return true;
        });
        return;
    case ScriptAction::fleet_edit:
        m_actions.emplace_back(
            [this, code = step.words.at(0), field = step.words.at(1), value = step.words.at(2)] {
                m_fleet_edits.push_back(m_frame.edit_vehicle_in_fleet_dialog(code, field, value));
                return true;
            });
        return;
    case ScriptAction::fleet_import:
        m_actions.emplace_back([this, file = step.text] {
            m_fleet_edits.push_back(m_frame.import_vehicles_csv(file));
            return true;
        });
        return;
    case ScriptAction::plan_open:
        m_actions.emplace_back([this, district = step.text] {
            m_frame.show_planner();
            if (!m_frame.planner_panel().choose_district(district)) {
                std::fprintf(stderr, "yukimichi: no district %s in the planner\n",
                             district.c_str());
                m_exit_code = 1;
                m_actions.clear();
            }
            return true;
        });
        return;
    case ScriptAction::plan_run:
        m_actions.emplace_back([this, seconds = static_cast<int>(std::lround(n[0]))] {
            m_frame.planner_panel().set_time_limit(seconds);
            m_frame.planner_panel().run();
            return true;
        });
        return;
    case ScriptAction::plan_wait: {
        auto until = std::make_shared<std::optional<std::chrono::steady_clock::time_point>>();
        m_actions.emplace_back([this, until, ms = std::lround(n[0] * 1000.0)] {
            const auto now = std::chrono::steady_clock::now();
            if (!*until) {
                *until = now + std::chrono::milliseconds(ms);
            }
            if (!m_frame.planner_panel().running()) {
                return true;
            }
            if (now >= **until) {
                std::fprintf(stderr, "yukimichi: plan_wait: the planner did not finish\n");
                m_exit_code = 1;
                m_actions.clear();
                return true;
            }
            return false;
        });
        return;
    }
    case ScriptAction::plan_move:
        m_actions.emplace_back([this, from = step.words.at(0), to = step.words.at(2),
                                number = std::stoi(step.words.at(1))] {
            PlannerPanel& planner = m_frame.planner_panel();
            if (!planner.choose_service(from, number) || !planner.move_chosen_to(to)) {
                std::fprintf(stderr, "yukimichi: plan_move: no service %d of %s or no %s\n", number,
                             from.c_str(), to.c_str());
                m_exit_code = 1;
            }
            return true;
        });
        return;
    case ScriptAction::plan:
        m_actions.emplace_back([this, button = step.text] {
            PlannerPanel& planner = m_frame.planner_panel();
            if (button == "undo") {
                planner.undo();
            } else if (button == "redo") {
                planner.redo();
            } else if (button == "up") {
                planner.press_up();
            } else if (button == "down") {
                planner.press_down();
            } else if (button == "save") {
                planner.save();
            } else {
                planner.cancel();
            }
            return true;
        });
        return;
    case ScriptAction::plan_load:
        m_actions.emplace_back([this, which = step.text] {
            m_frame.show_planner();
            PlannerPanel& planner = m_frame.planner_panel();
            const bool started =
                which == "latest" ? planner.open_latest() : planner.open_plan(std::stoll(which));
            if (!started) {
                std::fprintf(stderr, "yukimichi: plan_load:%s: no such plan\n", which.c_str());
                m_exit_code = 1;
                m_actions.clear();
            }
            return true;
        });
        return;
    case ScriptAction::shift_click:
        add_mouse(wxEVT_LEFT_DOWN, n[0], n[1], true, true);
        add_mouse(wxEVT_LEFT_UP, n[0], n[1], false, true);
        return;
    case ScriptAction::order_new:
        m_actions.emplace_back([this, words = step.words] {
            m_frame.show_orders();
            const OrdersPanel::Source source =
                words[0] == "district" ? OrdersPanel::Source::district
                : words[0] == "plan"   ? OrdersPanel::Source::plan
                                       : OrdersPanel::Source::chosen_roads;
            if (!m_frame.orders_panel().create_order(source, words.size() > 1 ? words[1] : "",
                                                     false)) {
                std::fprintf(stderr, "yukimichi: order_new:%s: no order created\n",
                             words[0].c_str());
                m_exit_code = 1;
                m_actions.clear();
            }
            return true;
        });
        return;
    case ScriptAction::order_select:
        m_actions.emplace_back([this, numbers = step.words] {
            if (!m_frame.orders_panel().select_orders(numbers)) {
                std::fprintf(stderr, "yukimichi: order_select: an order is not listed\n");
                m_exit_code = 1;
            }
            return true;
        });
        return;
    case ScriptAction::order:
        m_actions.emplace_back([this, button = step.text] {
            OrdersPanel& orders = m_frame.orders_panel();
            if (button == "issue") {
                orders.issue_selected();
            } else if (button == "inspect") {
                orders.inspect_selected();
            } else if (button == "zoom") {
                orders.zoom_to_selected();
            } else if (button == "proposals") {
                if (orders.create_proposals(true, false) == 0) {
                    std::fprintf(stderr, "yukimichi: order:proposals: no draft created\n");
                    m_exit_code = 1;
                }
            } else if (button == "select_on" || button == "select_off") {
                orders.set_selecting(button == "select_on");
            } else {
                orders.clear_chosen();
            }
            return true;
        });
        return;
    case ScriptAction::order_call:
        m_actions.emplace_back([this, words = step.words] {
            m_frame.orders_panel().record_call(dispatch::parse_order_status(words[0]),
                                               words.size() > 1 ? words[1] : "", 0, false);
            return true;
        });
        return;
    case ScriptAction::order_cancel:
        m_actions.emplace_back([this, reason = step.text] {
            m_frame.orders_panel().cancel_selected(reason, false);
            return true;
        });
        return;
    case ScriptAction::snow_add:
        m_actions.emplace_back(
            [this, station = step.words.at(0), time_ms = parse_jst_time(step.words.at(1)).value(),
             new_cm = n.at(0),
             depth_cm = n.size() > 1 ? std::optional<double>(n[1]) : std::nullopt] {
                m_frame.show_orders();
                m_frame.orders_panel().enter_observation(station, time_ms, new_cm, depth_cm, false);
                return true;
            });
        return;
    case ScriptAction::snow_import:
        m_actions.emplace_back([this, file = step.text] {
            m_frame.show_orders();
            m_frame.orders_panel().import_observations(file, false);
            return true;
        });
        return;
    case ScriptAction::order_wait: {
        auto since = std::make_shared<std::optional<std::chrono::steady_clock::time_point>>();
        add_wait(
            [this, since, number = step.words[0],
             status = dispatch::parse_order_status(step.words[1])] {
                const auto now = std::chrono::steady_clock::now();
                if (!*since) {
                    *since = now;
                }
                if (m_frame.orders_panel().shown_status(number) != status) {
                    return false;
                }
                m_order_waits_ms.push_back(
                    std::chrono::duration<double, std::milli>(now - **since).count());
                const auto marked = m_frame.orders_panel().marked_numbers();
                m_order_waits_marked.push_back(std::find(marked.begin(), marked.end(), number) !=
                                               marked.end());
                return true;
            },
            "order_wait:" + step.words[0] + "," + step.words[1]);
        return;
    }
    case ScriptAction::replay:
    case ScriptAction::replay_seek:
    case ScriptAction::replay_speed:
    case ScriptAction::replay_play:
    case ScriptAction::replay_pause:
    case ScriptAction::replay_step:
    case ScriptAction::replay_follow:
    case ScriptAction::replay_dump:
        add_replay_step(step);
        return;
    case ScriptAction::reports_daily:
    case ScriptAction::reports_select:
    case ScriptAction::gap_confirm:
    case ScriptAction::gap_unconfirm:
    case ScriptAction::reports_export:
    case ScriptAction::fee_rate_add:
    case ScriptAction::holiday_add:
    case ScriptAction::holiday_remove:
    case ScriptAction::fees_calc:
    case ScriptAction::fees_export:
    case ScriptAction::storm_open:
    case ScriptAction::storm_export_chart:
    case ScriptAction::storm_export_table:
    case ScriptAction::reports_screenshot:
    case ScriptAction::dump_reports:
        m_actions.emplace_back([this, step, tick = 0]() mutable {
            const std::optional<bool> done = run_report_step(m_frame.reports(), step, tick++);
            if (done && !*done) {
                m_exit_code = 1;
            }
            return done.has_value();
        });
        return;
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

void ScriptRunner::add_replay_step(const ScriptStep& step) {
    // A step that fails ends the script with status 2, as a refused change does.
    const auto fail = [this](const std::string& what) {
        std::fprintf(stderr, "yukimichi: %s\n", what.c_str());
        m_exit_code = 2;
    };
    const auto wait_for_frame = [this] {
        add_wait(
            [this] {
                const ReplayPanel& replay = m_frame.replay_panel();
                return !replay.active() ||
                       (replay.frame_current() && m_frame.canvas().shows_current_frame());
            },
            "replay frame");
    };
    ReplayPanel& replay = m_frame.replay_panel();
    switch (step.action) {
    case ScriptAction::replay:
        m_actions.emplace_back([this, on = step.text == "on", fail] {
            if (!m_frame.set_replay(on)) {
                fail("replay:on: the season replay did not start");
            }
            return true;
        });
        wait_for_frame();
        return;
    case ScriptAction::replay_seek:
        m_actions.emplace_back([&replay, text = step.text] {
            replay.jump(wxString::FromUTF8(text));
            return true;
        });
        wait_for_frame();
        return;
    case ScriptAction::replay_speed:
        m_actions.emplace_back([&replay, speed = static_cast<int>(std::lround(step.numbers[0]))] {
            replay.set_speed(speed);
            return true;
        });
        return;
    case ScriptAction::replay_play:
        m_actions.emplace_back([&replay] {
            replay.play();
            return true;
        });
        return;
    case ScriptAction::replay_pause:
        m_actions.emplace_back([&replay] {
            replay.pause();
            return true;
        });
        wait_for_frame();
        return;
    case ScriptAction::replay_step:
        m_actions.emplace_back([&replay, steps = static_cast<int>(std::lround(step.numbers[0]))] {
            replay.step(steps);
            return true;
        });
        wait_for_frame();
        return;
    case ScriptAction::replay_follow:
        m_actions.emplace_back(
            [&replay, fail, code = step.text == "off" ? std::string() : step.text] {
                if (!replay.follow(code)) {
                    fail("replay_follow:" + code + ": no vehicle has this code");
                }
                return true;
            });
        wait_for_frame();
        return;
    case ScriptAction::replay_dump:
        wait_for_frame();
        m_actions.emplace_back([this, file = step.text, fail] {
            std::ofstream out(file);
            out << replay_json().dump(2) << "\n";
            if (!out) {
                fail("replay_dump: cannot write " + file);
            }
            return true;
        });
        return;
    default:
        return;
    }
}

nlohmann::json ScriptRunner::replay_json() const {
    const ReplayPanel& replay = m_frame.replay_panel();
    const MapCanvas& canvas = m_frame.canvas();
    nlohmann::json json{
        {"active", replay.active()},
        {"title", utf8(m_frame.GetTitle())},
        {"status_text", utf8(m_frame.GetStatusBar()->GetStatusText(3))},
        {"time_label", utf8(replay.time_label())},
        {"followed", replay.followed()},
        {"dropped_frames", replay.dropped_frames()},
        {"frames_shown", replay.frames_shown()},
        {"map_frames", canvas.frames_received()},
        {"orders", table_json(m_frame.orders_panel().rows())},
        {"order_history", table_json(m_frame.orders_panel().history_rows())},
        {"vehicle_list", table_json(m_frame.vehicle_panel().rows())},
        {"road_colouring", canvas.style().road_colouring == gis::RoadColouring::time_since_pass
                               ? "coverage"
                               : "priority"},
        {"coverage_now_ms", canvas.style().coverage.now_ms},
        {"coverage_directions", m_frame.coverage_directions()},
        {"view", nlohmann::json::parse(view_json(canvas.view()))},
    };
    const wxPoint origin = canvas.GetScreenPosition() - m_frame.GetScreenRect().GetTopLeft();
    json["canvas_origin"] = {origin.x, origin.y};
    if (const ReplayClock* clock = replay.clock()) {
        json["first_ms"] = clock->first_ms();
        json["last_ms"] = clock->last_ms();
        json["time_ms"] = clock->time_ms();
        json["playing"] = clock->playing();
        json["speed"] = clock->speed();
    }
    nlohmann::json vehicles = nlohmann::json::array();
    if (const dispatch::ReplayFrame* frame = replay.frame()) {
        json["frame_ms"] = frame->time_ms;
        for (const dispatch::ReplayVehicle& v : frame->vehicles) {
            nlohmann::json item{{"code", v.code},
                                {"state", std::string(dispatch::key(v.state))},
                                {"position", nullptr},
                                {"pixel", nullptr},
                                {"trail_points", v.trail_xy.size()}};
            if (v.position_xy) {
                item["position"] = {v.position_xy->x, v.position_xy->y};
                const wxPoint p = canvas.pixel_of(*v.position_xy);
                item["pixel"] = {p.x, p.y};
            }
            vehicles.push_back(item);
        }
    }
    json["vehicles"] = vehicles;
    json["markers"] = canvas.overlay().markers.size();
    json["trails"] = canvas.overlay().trails.size();
    return json;
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

nlohmann::json ScriptRunner::fleet_json() const {
    const MapCanvas& canvas = m_frame.canvas();
    nlohmann::json vehicles = nlohmann::json::array();
    for (const dispatch::VehicleStatus& v : m_frame.vehicles()) {
        nlohmann::json item{{"code", v.vehicle.code},
                            {"state", std::string(dispatch::key(v.state))},
                            {"position", nullptr},
                            {"pixel", nullptr}};
        if (v.position) {
            item["position"] = {v.position->x, v.position->y};
            const wxPoint p = canvas.pixel_of(*v.position);
            item["pixel"] = {p.x, p.y};
        }
        vehicles.push_back(item);
    }
    nlohmann::json details = nlohmann::json::array();
    for (const auto& [name, value] : m_frame.vehicle_panel().details()) {
        details.push_back({utf8(name), utf8(value)});
    }
    nlohmann::json zones = nlohmann::json::array();
    for (const dispatch::Geofence& zone : m_frame.geofences()) {
        zones.push_back(zone.name);
    }
    nlohmann::json alerts = nlohmann::json::array();
    for (const dispatch::Alert& alert : m_frame.alerts()) {
        alerts.push_back({{"kind", std::string(dispatch::key(alert.kind))},
                          {"vehicle", m_frame.vehicle_code(alert.vehicle_id)},
                          {"active", !alert.cleared_ms.has_value()}});
    }
    const LiveFleet::ServerStatus gps = m_frame.gps_status();
    const wxPoint origin = canvas.GetScreenPosition() - m_frame.GetScreenRect().GetTopLeft();
    const auto code_or_null = [this](std::optional<std::int64_t> id) -> nlohmann::json {
        if (!id) {
            return nullptr;
        }
        return m_frame.vehicle_code(*id);
    };
    return {
        {"vehicles", vehicles},
        {"vehicle_rows", table_json(m_frame.vehicle_panel().rows())},
        {"vehicle_counts", utf8(m_frame.vehicle_panel().counts_text())},
        {"vehicle_details", details},
        {"selected", code_or_null(m_frame.selected_vehicle())},
        {"following", code_or_null(m_frame.followed_vehicle())},
        {"alerts", alerts},
        {"alert_rows", table_json(m_frame.alerts_panel().rows())},
        {"geofences", zones},
        {"gps",
         {{"running", gps.running},
          {"address", gps.http_address},
          {"accepted", gps.accepted},
          {"error", gps.error},
          {"status_text", utf8(m_frame.GetStatusBar()->GetStatusText(3))}}},
        {"portal",
         {{"running", m_frame.portal_status().running},
          {"url", m_frame.portal_status().url},
          {"error", m_frame.portal_status().error}}},
        {"road_colouring", canvas.style().road_colouring == gis::RoadColouring::time_since_pass
                               ? "coverage"
                               : "priority"},
        {"coverage_directions", m_frame.coverage_directions()},
        {"legend", canvas.style().legend},
        {"canvas_origin", {origin.x, origin.y}},
        {"fleet_edits", m_fleet_edits},
    };
}

nlohmann::json ScriptRunner::planner_json() const {
    PlannerPanel& planner = m_frame.planner_panel();
    nlohmann::json tree = nlohmann::json::array();
    for (const wxString& line : planner.tree_lines()) {
        tree.push_back(utf8(line));
    }
    std::size_t service_lines = 0;
    for (const RouteOverlayLine& line : m_frame.canvas().route_overlay()) {
        service_lines += line.width_px > 2.0 ? 1 : 0;
    }
    nlohmann::json result{
        {"running", planner.running()},
        {"has_plan", planner.has_plan()},
        {"status", utf8(planner.status_text())},
        {"figures", utf8(planner.figures_text())},
        {"tree", tree},
        {"route_lines", m_frame.canvas().route_overlay().size()},
        {"service_lines", service_lines},
        {"route_colours", line_colours(m_frame.canvas().route_overlay())},
        {"can_undo", planner.can_undo()},
        {"can_redo", planner.can_redo()},
        {"plan_id", nullptr},
        {"routes", nullptr},
    };
    if (planner.stored_plan_id()) {
        result["plan_id"] = *planner.stored_plan_id();
    }
    if (const PlanEditor* editor = planner.editor()) {
        result["routes"] = editor->routes().tasks;
        result["makespan_s"] = editor->evaluation().makespan_s;
    }
    return result;
}

nlohmann::json ScriptRunner::orders_json() const {
    OrdersPanel& orders = m_frame.orders_panel();
    return {
        {"rows", table_json(orders.rows())},
        {"history", table_json(orders.history_rows())},
        {"proposals", table_json(orders.proposal_rows())},
        {"observations", table_json(orders.observation_rows())},
        {"selected", orders.selected_numbers()},
        {"marked", orders.marked_numbers()},
        {"chosen_roads", orders.chosen_roads()},
        {"selecting", orders.selecting()},
        {"road_lines", m_frame.canvas().order_overlay().size()},
        {"road_colours", line_colours(m_frame.canvas().order_overlay())},
        {"waits_ms", m_order_waits_ms},
        {"waits_marked", m_order_waits_marked},
    };
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
    json["overlay_ms"] = times.overlay_ms;
    json["fleet"] = fleet_json();
    json["planner"] = planner_json();
    json["orders"] = orders_json();
    return json.dump();
}

} // namespace ykm::gui

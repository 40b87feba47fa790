#pragma once

#include "map_canvas.hpp"
#include "ykm/data/project.hpp"
#include "ykm/gui/plan_editor.hpp"

#include <wx/colour.h>
#include <wx/scrolwin.h>
#include <wx/timer.h>
#include <wx/treebase.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

class wxButton;
class wxCheckListBox;
class wxChoice;
class wxGauge;
class wxStaticText;
class wxTextCtrl;
class wxTreeCtrl;

namespace ykm::gui {

/// The colour of vehicle `index`'s route on the map: colour-blind-safe colours that no road
/// class, highlight or alert uses, repeating after eight vehicles.
wxColour route_colour(std::size_t index);

/// The route planner panel: what to plan (district, vehicles, depot, start time, time limit,
/// seed), the planner's progress while it runs on its own thread (the best routes so far drawn
/// on the map), then the routes as a tree of vehicles and their numbered services, edited by
/// hand with undo and redo, saved to the project or replaced by a stored plan. Scrolls when the
/// window is too short for all of it.
class PlannerPanel : public wxScrolledWindow {
public:
    struct Callbacks {
        /// Shows an error to the user; the panel keeps working.
        std::function<void(const wxString& title, const wxString& message)> report_error;
        /// The routes to draw on the map (empty: none).
        std::function<void(std::vector<RouteOverlayLine> lines)> show_routes;
        /// Undo and redo became possible or impossible (menu items follow).
        std::function<void()> state_changed;
    };

    PlannerPanel(wxWindow* parent, Callbacks callbacks);
    ~PlannerPanel() override;

    /// Takes the districts of the project just opened and reads its vehicles and depots (the
    /// UI's read-only connection); the planner opens its own connections to `project.path()`.
    /// Drops the plan shown and cancels a running search (its thread ends on its own).
    void set_project(data::Project& project, const data::ProjectInfo& info);
    /// Draws the plan shown (or nothing) on the map again, e.g. when the panel is shown again.
    void redraw();
    void clear();

    /// Starts the planner with the inputs as they are; bad input is reported and nothing starts.
    void run();
    void cancel();
    void undo();
    void redo();
    /// Stores the plan: a new plan, or the stored one it was opened from or saved as.
    void save();
    /// Lists the stored plans to choose one and opens it (built on the planner's thread).
    void open_stored();
    /// Opens the stored plan `plan_id` (built on the planner's thread); false when it could not
    /// start (reported).
    bool open_plan(std::int64_t plan_id);
    /// Opens the plan stored last; false when there is none or it could not start.
    bool open_latest();

    // What tests and scripts do through the controls' own events.
    /// Chooses the district named `name`; false when there is none. Ticks its vehicles.
    bool choose_district(const std::string& name);
    void set_time_limit(int seconds);
    /// Chooses service `number` (from 1) of the vehicle `code` in the tree; false when absent.
    bool choose_service(const std::string& code, int number);
    /// Moves the chosen service to the end of vehicle `code`'s route with the Move button.
    bool move_chosen_to(const std::string& code);
    void press_up();
    void press_down();

    [[nodiscard]] bool running() const { return m_job != nullptr; }
    [[nodiscard]] bool has_plan() const { return m_editor != nullptr; }
    [[nodiscard]] bool can_undo() const { return m_editor && m_editor->can_undo(); }
    [[nodiscard]] bool can_redo() const { return m_editor && m_editor->can_redo(); }
    [[nodiscard]] const PlanEditor* editor() const { return m_editor.get(); }
    [[nodiscard]] std::optional<std::int64_t> stored_plan_id() const { return m_plan_id; }
    [[nodiscard]] wxString status_text() const;
    [[nodiscard]] wxString figures_text() const;
    /// The tree as shown: one line per item, services indented.
    [[nodiscard]] std::vector<wxString> tree_lines() const;

private:
    class ServiceData;

    void build();
    void start_job(std::unique_ptr<PlanJob> job, bool opening);
    void on_timer(wxTimerEvent& event);
    void poll();
    void job_finished();
    void show_plan();
    void show_lines(const dispatch::PlanProblem& problem, const dispatch::PlanRoutes& routes);
    void fill_tree(std::optional<std::pair<std::size_t, std::size_t>> select);
    void update_buttons();
    void tick_district_vehicles();
    void edit(const std::function<void(PlanEditor&)>& change,
              std::optional<std::pair<std::size_t, std::size_t>> select);
    [[nodiscard]] std::optional<std::pair<std::size_t, std::size_t>> chosen_service() const;
    [[nodiscard]] wxString figures(const dispatch::PlanEvaluation& evaluation) const;
    void report(const wxString& message);

    Callbacks m_callbacks;
    std::optional<std::filesystem::path> m_project;
    struct District {
        std::int64_t id = 0;
        std::string name;
    };
    struct Vehicle {
        std::string code;
        std::optional<std::int64_t> district_id;
    };
    struct Depot {
        std::int64_t id = 0;
        std::string name;
    };
    std::vector<District> m_districts;
    std::vector<Vehicle> m_vehicles;
    std::vector<Depot> m_depots;

    std::unique_ptr<PlanJob> m_job;
    /// Jobs cancelled by opening another project, kept until their threads end so that the
    /// window does not wait for them.
    std::vector<std::unique_ptr<PlanJob>> m_retired;
    bool m_job_opens = false; ///< the job builds a stored plan rather than searching
    std::optional<std::int64_t> m_opening_id;
    std::uint64_t m_seed = 1;
    std::uint64_t m_drawn_generation = 0;
    std::chrono::steady_clock::time_point m_last_drawn;
    wxTimer m_timer;
    std::unique_ptr<PlanEditor> m_editor;
    std::optional<std::int64_t> m_plan_id;
    std::int64_t m_start_ms = 0;

    wxChoice* m_district = nullptr;
    wxCheckListBox* m_vehicle_list = nullptr;
    wxChoice* m_depot = nullptr;
    wxTextCtrl* m_start = nullptr;
    wxTextCtrl* m_time_limit = nullptr;
    wxTextCtrl* m_seed_ctrl = nullptr;
    wxButton* m_run = nullptr;
    wxButton* m_cancel = nullptr;
    wxButton* m_open = nullptr;
    wxGauge* m_gauge = nullptr;
    wxStaticText* m_status = nullptr;
    wxStaticText* m_figures = nullptr;
    wxTreeCtrl* m_tree = nullptr;
    wxChoice* m_target = nullptr;
    wxButton* m_move = nullptr;
    wxButton* m_up = nullptr;
    wxButton* m_down = nullptr;
    wxButton* m_undo = nullptr;
    wxButton* m_redo = nullptr;
    wxButton* m_save = nullptr;
};

} // namespace ykm::gui

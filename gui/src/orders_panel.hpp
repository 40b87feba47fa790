#pragma once

#include "map_canvas.hpp"
#include "ykm/data/project.hpp"
#include "ykm/dispatch/dispatch_standards.hpp"
#include "ykm/dispatch/orders.hpp"
#include "ykm/dispatch/replay.hpp"
#include "ykm/gui/orders_model.hpp"
#include "ykm/gui/ui_text.hpp"

#include <wx/panel.h>
#include <wx/timer.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

class wxButton;
class wxCheckBox;
class wxChoice;
class wxListCtrl;
class wxListEvent;
class wxStaticText;

namespace ykm::gui {

/// A status as the window names it: 受領 in a Japanese window, "受領 acknowledged" otherwise.
wxString status_label(dispatch::OrderStatus status, UiLanguage language);

/// The work orders panel (作業指令): the orders as a list with their status (name and colour),
/// contractor, district, work, window, deadline, GPS evidence and last change, filtered by
/// status, contractor, district or open ones; the history of the selected order below it.
/// Creates orders from roads chosen on the map, a district or a stored plan; issues drafts
/// (several at once, all or none), records phone calls of contractors, cancels and inspects;
/// lists the drafts the dispatch standards propose, with the snowfall observations of the last
/// day they are based on; staff enter observations or import them from a CSV file.
/// While shown, it asks the project twice a second whether another process (the portal) changed
/// orders and shows the change, marking the rows that changed for a moment.
class OrdersPanel : public wxPanel {
public:
    struct Callbacks {
        /// Shows an error to the user; the panel keeps working.
        std::function<void(const wxString& title, const wxString& message)> report_error;
        /// The lines to draw over the map: the selected orders' roads and the chosen roads.
        std::function<void(std::vector<RouteOverlayLine> lines)> show_roads;
        /// Shows a part of the map (project CRS).
        std::function<void(const gis::Box& box)> zoom_to;
        /// Arms or puts away the map's road selection.
        std::function<void(bool armed)> select_on_map;
    };

    /// Where the roads of a new order come from.
    enum class Source { chosen_roads, district, plan };

    OrdersPanel(wxWindow* parent, UiLanguage language, Callbacks callbacks);
    ~OrdersPanel() override;

    /// Takes the project just opened: `project` is the window's read-only connection (which
    /// lists the orders and notices changes); changes go through connections of their own to
    /// `project.path()`.
    void set_project(data::Project& project, const data::ProjectInfo& info);
    void clear();
    /// Reads the orders again and draws the selected orders' roads and the chosen roads on the
    /// map (the panel was shown again).
    void redraw();

    // ----- roads chosen on the map -----
    void set_selecting(bool on);
    [[nodiscard]] bool selecting() const;
    /// Adds the roads in `box` to the chosen roads.
    void roads_boxed(const gis::Box& box);
    /// Chooses the road nearest to `point` within `radius_m`, or drops it when chosen.
    void road_picked(gis::XY point, double radius_m);
    [[nodiscard]] const std::vector<std::int64_t>& chosen_roads() const { return m_chosen; }
    void clear_chosen();

    // ----- what the buttons do; scripts call them with `ask` false (no dialog) -----
    /// Creates a draft from `source`: `name` is the district's name or the plan's id ("latest":
    /// the plan stored last); with `ask` the district or plan is chosen from a list and the
    /// order's dialog opens with the defaults. Selects the new order; returns its id.
    std::optional<std::int64_t> create_order(Source source, const std::string& name, bool ask);
    /// Selects the rows of these order numbers ("last": the order this panel created last);
    /// false when one is not listed.
    bool select_orders(const std::vector<std::string>& numbers);
    /// Issues the selected drafts (and declined orders) in one transaction.
    bool issue_selected();
    /// Records a contractor's phone call on the selected order: the status, the time of the
    /// call (Unix ms; 0: now) and a reason (required to decline). With `ask` a dialog asks.
    bool record_call(std::optional<dispatch::OrderStatus> status, const std::string& reason,
                     std::int64_t time_ms, bool ask);
    /// Cancels the selected orders; asks for the reason when `ask`.
    bool cancel_selected(const std::string& reason, bool ask);
    /// Marks the selected completed orders inspected.
    bool inspect_selected();
    /// Shows the selected orders' roads on the map.
    void zoom_to_selected();
    /// Creates the selected proposals of the dispatch standards (all listed when `all`) as
    /// drafts in one transaction; with `ask` staff confirm first. Returns how many.
    std::size_t create_proposals(bool all, bool ask);
    /// Records a snowfall observation at station `station_code` (time Unix ms, centimetres), by
    /// the staff member's login; with `ask` a dialog asks for all of it. The proposals are read
    /// again at once. The model's refusal (e.g. a second observation at the same station and
    /// time) is reported; returns whether it was stored.
    bool enter_observation(const std::string& station_code, std::int64_t time_ms,
                           double new_snow_cm, std::optional<double> depth_cm, bool ask);
    /// Imports the observations of a CSV file, all rows or none; with `ask` a file dialog asks
    /// for it and a message says how many rows were stored. Returns that number; std::nullopt
    /// when nothing was stored (the model's error, naming file, line and field, is reported).
    std::optional<std::size_t> import_observations(const std::filesystem::path& csv, bool ask);
    /// Reads the orders again when the project changed (`force`: in any case).
    void refresh(bool force);
    /// Season replay: lists the orders as they were at the replay's instant `time_ms` (`orders`:
    /// those created by then, with their status then; the last change column empty), the
    /// selected order's history up to then, and offers no change; std::nullopt returns to the
    /// orders as they are now.
    void show_replay(std::optional<std::vector<dispatch::ReplayOrder>> orders,
                     std::int64_t time_ms = 0);
    [[nodiscard]] bool replaying() const { return m_replay.has_value(); }

    // ----- what tests read -----
    /// The rows as shown, cell by cell.
    [[nodiscard]] std::vector<std::vector<wxString>> rows() const;
    /// The history of the selected order as shown, cell by cell.
    [[nodiscard]] std::vector<std::vector<wxString>> history_rows() const;
    [[nodiscard]] std::vector<std::string> selected_numbers() const;
    /// The proposals as shown, cell by cell.
    [[nodiscard]] std::vector<std::vector<wxString>> proposal_rows() const;
    /// The observations of the last 24 hours as shown (station, time, new snow, depth), newest
    /// first.
    [[nodiscard]] std::vector<std::vector<wxString>> observation_rows() const;
    /// The numbers of the rows marked as just changed.
    [[nodiscard]] std::vector<std::string> marked_numbers() const;
    /// The status of order `number` as the list shows it; std::nullopt when it is not listed.
    [[nodiscard]] std::optional<dispatch::OrderStatus>
    shown_status(const std::string& number) const;

private:
    void build();
    void fill_filters();
    void apply_filters();
    void fill_list();
    void fill_row(long item, const OrderRow& row);
    void show_history();
    /// Lists the events of m_history_events, those up to the replay's instant while replaying.
    void fill_history();
    /// How many of the selected order's events are shown: all, or those up to the replay's
    /// instant.
    [[nodiscard]] std::size_t history_shown() const;
    void refresh_proposals();
    void refresh_observations();
    void on_timer(wxTimerEvent& event);
    void on_selection_changed();
    void update_buttons();
    void draw_roads();
    void report(const wxString& message);
    [[nodiscard]] std::vector<const OrderRow*> selected_rows() const;
    [[nodiscard]] dispatch::OrderActor actor(dispatch::OrderChannel channel) const;
    /// Runs `change` on a read-write connection of its own; reports its error and returns false.
    bool write(const std::function<void(data::Project&)>& change);
    /// Changes the status of the selected orders one by one, each with its own record.
    bool change_selected(dispatch::OrderStatus to, const dispatch::OrderActor& actor,
                         const std::string& reason, std::int64_t time_ms);

    UiLanguage m_language;
    Callbacks m_callbacks;
    data::Project* m_project = nullptr;
    std::optional<std::filesystem::path> m_path;
    struct Named {
        std::int64_t id = 0;
        std::string name;
    };
    std::vector<Named> m_districts;
    std::vector<Named> m_contractors;

    std::vector<OrderRow> m_rows;
    OrdersVersion m_version;
    std::chrono::steady_clock::time_point m_evidence_read;
    /// Per order: its last event id, to see which rows changed.
    std::map<std::int64_t, std::int64_t> m_last_events;
    /// Rows marked as changed, until when.
    std::map<std::int64_t, std::chrono::steady_clock::time_point> m_marked;
    std::optional<std::int64_t> m_last_created;
    std::vector<std::int64_t> m_chosen;
    std::vector<dispatch::OrderProposal> m_proposals;
    /// The orders at the replay's instant by id, while replaying.
    std::optional<std::map<std::int64_t, dispatch::ReplayOrder>> m_replay;
    std::int64_t m_replay_ms = 0; ///< the replay's instant
    /// The selected order's whole history, read when the selection changes; shown up to the
    /// replay's instant while replaying.
    std::vector<dispatch::OrderEvent> m_history_events;
    wxTimer m_timer;

    wxChoice* m_status_filter = nullptr;
    wxChoice* m_contractor_filter = nullptr;
    wxChoice* m_district_filter = nullptr;
    wxCheckBox* m_open_only = nullptr;
    wxListCtrl* m_list = nullptr;
    wxListCtrl* m_history = nullptr;
    wxCheckBox* m_select_roads = nullptr;
    wxStaticText* m_chosen_label = nullptr;
    wxButton* m_clear_chosen = nullptr;
    wxButton* m_from_roads = nullptr;
    wxButton* m_from_district = nullptr;
    wxButton* m_from_plan = nullptr;
    wxButton* m_issue = nullptr;
    wxButton* m_call = nullptr;
    wxButton* m_cancel = nullptr;
    wxButton* m_inspect = nullptr;
    wxButton* m_zoom = nullptr;
    wxListCtrl* m_proposal_list = nullptr;
    wxButton* m_create_proposals = nullptr;
    wxListCtrl* m_observation_list = nullptr;
    wxButton* m_enter_observation = nullptr;
    wxButton* m_import_observations = nullptr;
};

} // namespace ykm::gui

#pragma once

#include "ykm/dispatch/tracker.hpp"
#include "ykm/gui/fleet_view.hpp"
#include "ykm/gui/ui_text.hpp"

#include <wx/panel.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

class wxButton;
class wxChoice;
class wxListBox;
class wxListCtrl;
class wxSearchCtrl;
class wxStaticText;
class wxToggleButton;

namespace ykm::gui {

class VehicleList;

/// The state's name in the user's language: 作業中, 回送, 停止, 通信途絶, 不明.
wxString state_label(dispatch::VehicleState state);
/// The alert kind's name: 工区外走行, 長時間停止, 通信途絶, 警戒区域進入.
wxString alert_kind_label(dispatch::AlertKind kind);
/// The machine type's name: Japanese in a Japanese window, English otherwise.
wxString machine_type_label(dispatch::MachineType type, UiLanguage language);
/// The work type's name: 新雪除雪, 路面整正, …
wxString work_label(data::WorkType work);

/// The vehicle panel: counts per state, filters by state, contractor and text, the list of
/// vehicles (a virtual list: 2,000 rows cost what the visible ones cost), a Follow button and
/// the details of the selected vehicle.
class VehiclePanel : public wxPanel {
public:
    struct Callbacks {
        /// A row was chosen (or the selection cleared).
        std::function<void(std::optional<std::int64_t> vehicle_id)> selected;
        /// Follow a vehicle on the map (double-click or the Follow button), or stop.
        std::function<void(std::optional<std::int64_t> vehicle_id)> follow;
    };

    VehiclePanel(wxWindow* parent, UiLanguage language, Callbacks callbacks);

    /// The names behind ids, read when the project opens and after fleet edits.
    void set_names(std::map<std::int64_t, std::string> contractors,
                   std::map<std::int64_t, std::string> districts);
    /// Shows the tracker's snapshot at `now_ms`: counts, rows, details.
    void show(const std::vector<dispatch::VehicleStatus>& vehicles, std::int64_t now_ms);
    /// Selects the vehicle's row (a click on its marker) without telling the callbacks.
    void select(std::optional<std::int64_t> vehicle_id);
    /// Shows whether the map follows the selected vehicle.
    void show_following(std::optional<std::int64_t> vehicle_id);
    void clear();

    // What tests and scripts do through the controls' own events.
    /// Types into the filter box.
    void type_filter(const wxString& text);
    /// Chooses a state in the state filter (std::nullopt: all).
    void choose_state(std::optional<dispatch::VehicleState> state);
    /// Chooses the row of the vehicle with `code` as a click does; false when it is not listed.
    bool choose_vehicle(const std::string& code);
    /// Presses the Follow button to `on`.
    void press_follow(bool on);

    /// The rows as listed: code, type, contractor, state, last fix age, km/h, work.
    [[nodiscard]] std::vector<std::vector<wxString>> rows() const;
    [[nodiscard]] wxString counts_text() const;
    /// The details of the selected vehicle (name, value).
    [[nodiscard]] std::vector<std::pair<wxString, wxString>> details() const;
    [[nodiscard]] std::optional<std::int64_t> selected() const { return m_selected; }

private:
    friend class VehicleList;
    [[nodiscard]] wxString cell(long row, long column) const;
    void refilter();
    void on_row_selected(long row);
    void show_details();
    [[nodiscard]] std::string contractor_name(std::int64_t id) const;

    UiLanguage m_language;
    Callbacks m_callbacks;
    std::map<std::int64_t, std::string> m_contractors;
    std::map<std::int64_t, std::string> m_districts;
    std::vector<std::int64_t>
        m_contractor_choices; ///< ids behind the contractor choice, after "All"
    std::vector<dispatch::VehicleStatus> m_vehicles; ///< sorted by code
    std::vector<std::size_t> m_rows;                 ///< indexes into m_vehicles, as listed
    std::int64_t m_now_ms = 0;
    std::optional<std::int64_t> m_selected;
    VehicleFilter m_filter;
    bool m_updating = false;

    wxStaticText* m_counts = nullptr;
    wxChoice* m_state = nullptr;
    wxChoice* m_contractor = nullptr;
    wxSearchCtrl* m_text = nullptr;
    VehicleList* m_list = nullptr;
    wxToggleButton* m_follow = nullptr;
    wxListCtrl* m_details = nullptr;
};

/// The alerts panel: alerts newest first (JST time, vehicle, kind, detail), active ones
/// highlighted; and the geofences with buttons to draw and remove them.
class AlertsPanel : public wxPanel {
public:
    struct Callbacks {
        /// Double-click on an alert: centre the map on it.
        std::function<void(const dispatch::Alert& alert)> centre;
        std::function<void()> draw_zone;
        std::function<void(std::int64_t geofence_id)> remove_zone;
    };

    AlertsPanel(wxWindow* parent, Callbacks callbacks);

    /// Shows the alerts; `codes` names the vehicles. Rebuilds the list only when they changed.
    void show_alerts(const std::vector<dispatch::Alert>& alerts,
                     const std::map<std::int64_t, std::string>& codes);
    void show_zones(const std::vector<dispatch::Geofence>& zones);
    void clear();

    /// Presses Remove with the zone named `name` selected; false when there is none.
    bool remove_zone_named(const std::string& name);
    /// Double-clicks the alert row `row` (from 0).
    void activate(int row);

    /// The rows as listed: time, vehicle, kind, detail, and "active" or "".
    [[nodiscard]] std::vector<std::vector<wxString>> rows() const;
    [[nodiscard]] std::vector<wxString> zone_labels() const;

private:
    Callbacks m_callbacks;
    std::vector<dispatch::Alert> m_alerts; ///< as listed, newest first
    std::vector<dispatch::Geofence> m_zones;
    wxListCtrl* m_list = nullptr;
    wxListBox* m_zone_list = nullptr;
    wxButton* m_draw = nullptr;
    wxButton* m_remove = nullptr;
};

} // namespace ykm::gui

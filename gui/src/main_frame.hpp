#pragma once

#include "ykm/data/project.hpp"
#include "ykm/dispatch/replay.hpp"
#include "ykm/dispatch/tracker.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/map_renderer.hpp"
#include "ykm/gui/live_fleet.hpp"
#include "ykm/gui/map_commands.hpp"
#include "ykm/gui/preferences.hpp"

#include <wx/aui/framemanager.h>
#include <wx/filehistory.h>
#include <wx/frame.h>
#include <wx/timer.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

class wxConfigBase;

namespace ykm::gui {

class AlertsPanel;
class IdentifyPanel;
class LayersPanel;
class MapCanvas;
class OrdersPanel;
class PlannerPanel;
class ReplayPanel;
class ReportsMenu;
class SearchPanel;
class VehiclePanel;

/// The main window: the map in the centre, dockable layers, identify, search, vehicle and alert
/// panels around it (wxAUI), menu, toolbar and status bar. With a project open it runs the live
/// fleet (LiveFleet: a tracker and the embedded GPS server) and shows it every second.
class MainFrame : public wxFrame {
public:
    /// Shows an error to the user; the window keeps running afterwards.
    using ErrorReporter = std::function<void(const wxString& title, const wxString& message)>;

    /// `config` holds the layout, window size, recent projects and preferences; with
    /// `restore_layout` false (screenshots, tests) the saved layout and size are not used and
    /// nothing is saved.
    MainFrame(const Preferences& preferences, UiLanguage language, const wxSize& size,
              wxConfigBase& config, bool restore_layout, ErrorReporter report_error);
    ~MainFrame() override;

    /// Opens the project at `path` read-only and shows it, and starts its live fleet. On
    /// failure reports an error naming the file and the reason, keeps what was shown before and
    /// returns false.
    bool open_project(const std::filesystem::path& path);

    /// The GPS server for this run, in place of the preferences (`--gps-listen`,
    /// `--no-gps-server`); takes effect with the next project opened.
    void set_gps_override(std::optional<std::string> gps_listen, bool no_gps_server,
                          std::optional<std::string> portal_listen = std::nullopt);

    /// Runs a map command as its key, menu item or tool does.
    void run_command(MapCommand command);

    [[nodiscard]] const MapCanvas& canvas() const { return *m_canvas; }
    [[nodiscard]] MapCanvas& canvas() { return *m_canvas; }
    [[nodiscard]] IdentifyPanel& identify_panel() { return *m_identify; }
    [[nodiscard]] SearchPanel& search_panel() { return *m_search; }
    [[nodiscard]] LayersPanel& layers_panel() { return *m_layers; }
    [[nodiscard]] VehiclePanel& vehicle_panel() { return *m_vehicle_panel; }
    [[nodiscard]] AlertsPanel& alerts_panel() { return *m_alerts_panel; }
    [[nodiscard]] PlannerPanel& planner_panel() { return *m_planner; }
    [[nodiscard]] OrdersPanel& orders_panel() { return *m_orders; }
    [[nodiscard]] ReplayPanel& replay_panel() { return *m_replay; }
    /// The Reports menu's dialogs (daily reports, fee rates, monthly fees, storm analysis).
    [[nodiscard]] ReportsMenu& reports() { return *m_reports; }

    /// Plan → Snow route planning: shows the route planner panel.
    void show_planner();
    /// Orders → Work orders: shows the work orders panel.
    void show_orders();
    /// View → Season replay: the map shows the season at an instant of the timeline bar
    /// (ReplayPanel) in place of the live fleet; off returns to live. False when it could not
    /// start (reported).
    bool set_replay(bool on);
    /// Shows the replay's vehicles at `time_ms` in the vehicle list (the live list rests).
    void show_replay_vehicles(const std::vector<dispatch::ReplayVehicle>& vehicles,
                              std::int64_t time_ms);

    // ----- the live fleet -----

    /// The tracker's last snapshot (taken every second), sorted by vehicle code.
    [[nodiscard]] const std::vector<dispatch::VehicleStatus>& vehicles() const {
        return m_vehicles;
    }
    [[nodiscard]] const std::vector<dispatch::Alert>& alerts() const { return m_alerts; }
    [[nodiscard]] const std::vector<dispatch::Geofence>& geofences() const { return m_geofences; }
    [[nodiscard]] std::optional<std::int64_t> vehicle_id(const std::string& code) const;
    [[nodiscard]] std::string vehicle_code(std::int64_t id) const;
    [[nodiscard]] std::optional<std::int64_t> selected_vehicle() const { return m_selected; }
    [[nodiscard]] std::optional<std::int64_t> followed_vehicle() const { return m_following; }
    /// The GPS server's state; not running without a project.
    [[nodiscard]] LiveFleet::ServerStatus gps_status() const;
    /// The embedded contractor portal: where it listens, or why it does not.
    [[nodiscard]] LiveFleet::PortalStatus portal_status() const;
    /// Directions with a pass in the pass times the map draws now.
    [[nodiscard]] std::size_t coverage_directions() const;

    /// View → Colour roads by priority class / by time since the last pass.
    void set_road_colouring(gis::RoadColouring colouring);
    /// Selects a vehicle (map click, panel row): its marker ringed, its track of today drawn.
    void select_vehicle(std::optional<std::int64_t> vehicle_id);
    /// Keeps the vehicle in the centre of the map as it moves; std::nullopt stops.
    void follow_vehicle(std::optional<std::int64_t> vehicle_id);
    /// Shows or hides a pane: "layers", "identify", "search", "vehicles", "alerts", "planner" or
    /// "orders".
    void show_pane(const std::string& name, bool show);
    /// Arms the map's zone tool (Vehicles → Draw geofence).
    void arm_zone_tool(bool armed);
    /// The answers the next geofence dialog gets instead of asking (test scripts).
    void set_zone_answer(std::string name, std::string dwell_s);
    /// The fleet dialog's vehicle editor with `field` set to `value`, then OK (test scripts).
    bool edit_vehicle_in_fleet_dialog(const std::string& code, const std::string& field,
                                      const std::string& value);
    /// The fleet dialog's CSV import (test scripts).
    bool import_vehicles_csv(const std::filesystem::path& csv);

    /// Writes the printable map sheet of the current view (File → Print / export map sheet
    /// after its file dialog). Errors are reported; returns whether the file was written.
    bool write_pdf_sheet(const std::filesystem::path& file);
    /// Writes the current map view as a PNG of the map's size (File → Export map as PNG after
    /// its file dialog). Errors are reported; returns whether the file was written.
    bool write_map_png(const std::filesystem::path& file);

    /// The labels of the menu bar, one menu per line and its items indented, mnemonics removed.
    [[nodiscard]] wxString menu_labels() const;

private:
    void build_menus();
    void build_toolbar();
    void build_panes();
    void restore_settings();
    void save_settings();
    void apply_large_font(bool large);
    void size_panes_and_status();
    void save_layer_settings();
    [[nodiscard]] gis::MapStyle saved_layer_style(const std::filesystem::path& project,
                                                  gis::MapStyle style) const;
    void set_style(const gis::MapStyle& style);
    void update_status_view();
    void update_command_states();
    void identify_at(gis::XY map_point, double radius_m);
    void zoom_to_layer(data::Layer layer);
    void open_basemap();
    void export_pdf();
    /// File → Print: the map sheet through the system's print dialog.
    void print_sheet();
    [[nodiscard]] gis::MapRenderer::SheetOptions sheet_options();
    void export_png();
    void show_preferences();
    void show_about();
    void toggle_pane(const wxString& name);
    void report_render_error(const std::string& message);
    void on_char_hook(wxKeyEvent& event);
    void on_close(wxCloseEvent& event);

    void build_fleet_panes();
    void build_planner_pane();
    void build_orders_pane();
    void build_replay_pane();
    void start_live_fleet(const std::filesystem::path& path);
    [[nodiscard]] std::optional<dispatch::IngestOptions> gps_server_options();
    [[nodiscard]] std::optional<dispatch::PortalOptions> portal_server_options();
    void on_fleet_timer(wxTimerEvent& event);
    void refresh_fleet();
    void refresh_coverage(std::int64_t now_ms, bool force);
    void update_track(std::int64_t now_ms, bool reload);
    void update_gps_status();
    void read_fleet_names();
    void read_geofences();
    void push_overlay();
    void on_zone_drawn(gis::Polyline ring);
    void save_zone(const gis::Polyline& ring, const std::string& name, std::int64_t dwell_s);
    void remove_zone(std::int64_t geofence_id);
    void centre_on_alert(const dispatch::Alert& alert);
    void show_fleet_dialog();
    void fleet_changed();

    Preferences m_preferences;
    UiLanguage m_language;
    wxConfigBase& m_config;
    bool m_keep_settings;
    ErrorReporter m_report_error;
    wxAuiManager m_aui;
    wxFileHistory m_file_history;
    wxString m_default_perspective;
    wxFont m_normal_font;

    MapCanvas* m_canvas = nullptr;
    LayersPanel* m_layers = nullptr;
    IdentifyPanel* m_identify = nullptr;
    SearchPanel* m_search = nullptr;

    /// The UI thread's own read-only connection: identify, search, extents, export.
    std::optional<data::Project> m_project;
    std::optional<data::ProjectInfo> m_info;
    std::optional<std::filesystem::path> m_basemap;
    /// Project CRS to EPSG:4326 for the status bar's lon/lat.
    std::unique_ptr<gis::CoordinateTransform> m_to_lonlat;
    /// Render errors already shown, so that one bad file does not bring a dialog per frame.
    std::vector<std::string> m_reported_errors;

    // ----- the live fleet -----
    VehiclePanel* m_vehicle_panel = nullptr;
    AlertsPanel* m_alerts_panel = nullptr;
    PlannerPanel* m_planner = nullptr;
    OrdersPanel* m_orders = nullptr;
    ReplayPanel* m_replay = nullptr;
    std::unique_ptr<ReportsMenu> m_reports;
    std::unique_ptr<LiveFleet> m_live;
    std::optional<std::string> m_gps_listen;
    bool m_no_gps_server = false;
    std::optional<std::string> m_portal_listen;
    /// The live-fleet error of the last project opened (e.g. a tracker that cannot start).
    std::string m_live_error;
    wxTimer m_fleet_timer;
    std::vector<dispatch::VehicleStatus> m_vehicles;
    std::vector<dispatch::Alert> m_alerts;
    std::vector<dispatch::Geofence> m_geofences;
    std::map<std::int64_t, std::string> m_vehicle_codes;
    std::optional<std::int64_t> m_selected;
    std::optional<std::int64_t> m_following;
    /// Today's track of the selected vehicle and the time of its last point.
    gis::Polyline m_track;
    std::int64_t m_track_until_ms = 0;
    std::chrono::steady_clock::time_point m_track_loaded;
    /// WGS 84 to the project CRS, for the points added to the track every second.
    std::unique_ptr<gis::CoordinateTransform> m_from_lonlat;
    /// When the coverage colouring last fetched the tracker's coverage, and what the tracker
    /// had processed then.
    std::chrono::steady_clock::time_point m_coverage_fetched;
    std::uint64_t m_coverage_processed = 0;
    std::optional<std::pair<std::string, std::string>> m_zone_answer;
    /// The GPS server's last log lines, for the status bar's tooltip.
    std::vector<std::string> m_gps_log;
    /// The legend setting before the coverage colouring turned the legend on.
    bool m_legend_before_coverage = false;
};

} // namespace ykm::gui

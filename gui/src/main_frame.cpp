#include "main_frame.hpp"

#include "fleet_dialog.hpp"
#include "fleet_panels.hpp"
#include "layers_panel.hpp"
#include "map_canvas.hpp"
#include "orders_panel.hpp"
#include "planner_panel.hpp"
#include "preferences_dialog.hpp"
#include "replay_panel.hpp"
#include "report_dialogs.hpp"
#include "side_panels.hpp"
#include "ykm/data/map_query.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gui/fleet_view.hpp"
#include "ykm/gui/map_worker.hpp"
#include "ykm/gui/ui_text.hpp"

#include <wx/aboutdlg.h>
#include <wx/artprov.h>
#include <wx/config.h>
#include <wx/datetime.h>
#include <wx/filedlg.h>
#include <wx/menu.h>
#include <wx/print.h>
#include <wx/printdlg.h>
#include <wx/statusbr.h>
#include <wx/textctrl.h>
#include <wx/toolbar.h>
#include <wx/utils.h>

#include <algorithm>
#include <map>
#include <string>

#ifndef YKM_VERSION
#define YKM_VERSION "0.0.0"
#endif

namespace ykm::gui {

namespace {

enum CommandId : int {
    id_open_basemap = wxID_HIGHEST + 1,
    id_remove_basemap,
    id_export_pdf,
    id_print,
    id_export_png,
    id_zoom_in,
    id_zoom_out,
    id_full_extent,
    id_previous_view,
    id_next_view,
    id_box_zoom,
    id_pan_left,
    id_pan_right,
    id_pan_up,
    id_pan_down,
    id_zoom_roads,
    id_zoom_districts,
    id_zoom_depots,
    id_zoom_dump_sites,
    id_large_font,
    id_pane_layers,
    id_pane_identify,
    id_pane_search,
    id_reset_layout,
    id_show_roads,
    id_show_districts,
    id_show_depots,
    id_show_dump_sites,
    id_show_basemap,
    id_find_road,
    id_colour_priority,
    id_colour_coverage,
    id_pane_vehicles,
    id_pane_alerts,
    id_fleet_dialog,
    id_follow,
    id_draw_zone,
    id_fleet_timer,
    id_plan_routes,
    id_plan_open,
    id_plan_undo,
    id_plan_redo,
    id_orders,
    id_replay,
};

constexpr int status_lonlat = 0;
constexpr int status_projected = 1;
constexpr int status_scale = 2;
constexpr int status_gps = 3;
constexpr int status_crs = 4;
constexpr int status_fields = 5;

const char* const pane_layers = "layers";
const char* const pane_identify = "identify";
const char* const pane_search = "search";
const char* const pane_map = "map";
const char* const pane_vehicles = "vehicles";
const char* const pane_alerts = "alerts";
const char* const pane_planner = "planner";
const char* const pane_orders = "orders";
const char* const pane_replay = "replay";

/// The fleet's lists are in the order of the vehicles' codes.
const std::string& code_of(const dispatch::VehicleStatus& v) {
    return v.vehicle.code;
}

/// The live fleet is shown this often.
constexpr int fleet_refresh_ms = 1000;
/// The time-since-pass colouring fetches the coverage at most this often while passes come in,
/// and at least this often so that the classes age.
constexpr auto coverage_refresh_min = std::chrono::seconds(5);
constexpr auto coverage_refresh_max = std::chrono::seconds(30);
/// Today's track is read again from the season log this often (late fixes), and grows from the
/// tracker's snapshots in between.
constexpr auto track_reload_every = std::chrono::seconds(60);

wxString utf8(const std::string& s) {
    return wxString::FromUTF8(s);
}

std::filesystem::path to_path(const wxString& s) {
    return std::filesystem::path(std::string(s.utf8_str()));
}

struct CommandItem {
    int id;
    MapCommand command;
};

constexpr CommandItem command_items[] = {
    {id_zoom_in, MapCommand::zoom_in},         {id_zoom_out, MapCommand::zoom_out},
    {id_full_extent, MapCommand::full_extent}, {id_previous_view, MapCommand::previous_view},
    {id_next_view, MapCommand::next_view},     {id_box_zoom, MapCommand::box_zoom},
    {id_pan_left, MapCommand::pan_left},       {id_pan_right, MapCommand::pan_right},
    {id_pan_up, MapCommand::pan_up},           {id_pan_down, MapCommand::pan_down},
};

struct LayerItem {
    int show_id;
    MapLayer layer;
};

constexpr LayerItem layer_items[] = {
    {id_show_roads, MapLayer::roads},     {id_show_districts, MapLayer::districts},
    {id_show_depots, MapLayer::depots},   {id_show_dump_sites, MapLayer::dump_sites},
    {id_show_basemap, MapLayer::basemap},
};

/// The key as the map's command table knows it.
KeyPress key_press(const wxKeyEvent& event) {
    KeyPress press;
    press.ctrl = event.ControlDown();
    press.alt = event.AltDown();
    press.shift = event.ShiftDown();
    switch (event.GetKeyCode()) {
    case WXK_LEFT:
    case WXK_NUMPAD_LEFT:
        press.key = Key::left;
        break;
    case WXK_RIGHT:
    case WXK_NUMPAD_RIGHT:
        press.key = Key::right;
        break;
    case WXK_UP:
    case WXK_NUMPAD_UP:
        press.key = Key::up;
        break;
    case WXK_DOWN:
    case WXK_NUMPAD_DOWN:
        press.key = Key::down;
        break;
    case '+':
    case '=':
    case ';': // '+' is Shift+';' on a Japanese keyboard
    case WXK_NUMPAD_ADD:
        press.key = Key::plus;
        press.shift = false;
        break;
    case '-':
    case WXK_NUMPAD_SUBTRACT:
        press.key = Key::minus;
        break;
    case WXK_HOME:
    case WXK_NUMPAD_HOME:
        press.key = Key::home;
        break;
    case '0':
    case WXK_NUMPAD0:
        press.key = Key::digit_0;
        break;
    case 'Z':
        press.key = Key::z;
        break;
    default:
        press.key = Key::other;
        break;
    }
    if (press.key == Key::plus && event.GetKeyCode() == ';' && !event.ShiftDown()) {
        press.key = Key::other;
    }
    return press;
}

/// Sets `font` on `window` and everything in it.
void set_font_deep(wxWindow* window, const wxFont& font) {
    window->SetFont(font);
    for (wxWindow* child : window->GetChildren()) {
        set_font_deep(child, font);
    }
}

} // namespace

MainFrame::MainFrame(const Preferences& preferences, UiLanguage language, const wxSize& size,
                     wxConfigBase& config, bool restore_layout, ErrorReporter report_error)
    : wxFrame(nullptr, wxID_ANY, utf8(window_title({})), wxDefaultPosition, size),
      m_preferences(preferences), m_language(language), m_config(config),
      m_keep_settings(restore_layout), m_report_error(std::move(report_error)) {
    SetName("main_window");
    m_normal_font = GetFont();
    m_aui.SetManagedWindow(this);
    build_menus();
    build_toolbar();

    // Without wxSTB_SHOW_TIPS: the GPS field's tooltip is set by hand.
    CreateStatusBar(status_fields, wxSTB_DEFAULT_STYLE & ~wxSTB_SHOW_TIPS);
    GetStatusBar()->SetName("status_bar");
    SetStatusText(_("No project"), status_crs);

    build_panes();
    build_fleet_panes();
    build_planner_pane();
    build_orders_pane();
    build_replay_pane();
    m_default_perspective = m_aui.SavePerspective();
    if (restore_layout) {
        restore_settings();
    }
    apply_large_font(m_preferences.large_font);
    m_aui.Update();
    update_command_states();

    Bind(wxEVT_CHAR_HOOK, &MainFrame::on_char_hook, this);
    Bind(wxEVT_CLOSE_WINDOW, &MainFrame::on_close, this);
    m_fleet_timer.SetOwner(this, id_fleet_timer);
    Bind(wxEVT_TIMER, &MainFrame::on_fleet_timer, this, id_fleet_timer);
    // The frame was created at `size`; the layout must not shrink it to its panes' best size.
    if (!restore_layout) {
        SetSize(size);
    }
}

MainFrame::~MainFrame() {
    m_fleet_timer.Stop();
    // The GPS server commits what it holds before the window goes.
    m_live.reset();
    m_aui.UnInit();
}

void MainFrame::build_menus() {
    auto* file = new wxMenu;
    file->Append(wxID_OPEN, _("&Open project...\tCtrl+O"), _("Open a Yukimichi project (.ykm)"));
    auto* recent = new wxMenu;
    file->AppendSubMenu(recent, _("Open &recent"), _("Open a project opened before"));
    m_file_history.UseMenu(recent);
    file->Append(id_open_basemap, _("Open &basemap...\tCtrl+B"),
                 _("Draw an MBTiles raster (e.g. GSI tiles) under the map"));
    file->Append(id_remove_basemap, _("Remo&ve basemap"), _("Stop drawing the basemap"));
    file->AppendSeparator();
    file->Append(id_print, _("&Print map sheet...\tCtrl+P"),
                 _("Print the map sheet of the current view"));
    file->Append(id_export_pdf, _("Export map sheet as P&DF...\tCtrl+Shift+P"),
                 _("Write a printable map sheet of the current view as a PDF"));
    file->Append(id_export_png, _("&Export map as PNG...\tCtrl+E"),
                 _("Write the current map view as a PNG picture"));
    file->AppendSeparator();
    file->Append(wxID_PREFERENCES, _("Pre&ferences...\tCtrl+,"), _("Language and large fonts"));
    file->AppendSeparator();
    file->Append(wxID_EXIT, _("&Quit\tCtrl+Q"), _("Close Yukimichi"));

    auto* view = new wxMenu;
    // The map's keys (arrows, +, -, Home, Z) are handled by on_char_hook through
    // command_for_key() before any accelerator; the menu shows them. GTK takes no accelerator
    // on a bare arrow key, so the pan items name their arrow in the label.
    view->Append(id_zoom_in, _("Zoom &in\t+"), _("Zoom in on the centre of the map"));
    view->Append(id_zoom_out, _("Zoom &out\t-"), _("Zoom out from the centre of the map"));
    view->Append(id_full_extent, _("&Full extent\tHome"), _("Show the whole project"));
    view->Append(id_previous_view, _("&Previous view\tAlt+Left"), _("Go back to the last view"));
    view->Append(id_next_view, _("&Next view\tAlt+Right"), _("Go forward again"));
    view->AppendCheckItem(id_box_zoom, _("&Box zoom\tZ"),
                          _("Drag a box on the map to show it (or Shift+drag at any time)"));
    auto* pan = new wxMenu;
    pan->Append(id_pan_left, _("Pan &left (Left arrow)"));
    pan->Append(id_pan_right, _("Pan &right (Right arrow)"));
    pan->Append(id_pan_up, _("Pan &up (Up arrow)"));
    pan->Append(id_pan_down, _("Pan &down (Down arrow)"));
    view->AppendSubMenu(pan, _("P&an"));
    auto* zoom_layer = new wxMenu;
    zoom_layer->Append(id_zoom_roads, _("&Roads"));
    zoom_layer->Append(id_zoom_districts, _("&Work districts"));
    zoom_layer->Append(id_zoom_depots, _("&Depots"));
    zoom_layer->Append(id_zoom_dump_sites, _("&Snow dump sites"));
    view->AppendSubMenu(zoom_layer, _("Zoom to &layer"), _("Show all features of a layer"));
    view->AppendSeparator();
    view->AppendSeparator();
    view->AppendRadioItem(id_colour_priority, _("Roads by &priority class\tCtrl+Shift+1"),
                          _("Colour roads by their snow priority class"));
    view->AppendRadioItem(id_colour_coverage, _("Roads by &time since last pass\tCtrl+Shift+2"),
                          _("Colour each direction of a road by the time since a vehicle last "
                            "passed it"));
    view->AppendCheckItem(id_replay, _("Season re&play\tCtrl+Shift+Y"),
                          _("Play the season back: vehicles, passes and orders as they were"));
    view->AppendSeparator();
    view->AppendCheckItem(id_large_font, _("Lar&ge fonts\tCtrl+Shift+L"),
                          _("Larger text in the window and on the map"));
    view->AppendSeparator();
    view->AppendCheckItem(id_pane_layers, _("La&yers panel\tCtrl+1"));
    view->AppendCheckItem(id_pane_identify, _("I&dentify panel\tCtrl+2"));
    view->AppendCheckItem(id_pane_search, _("&Search panel\tCtrl+3"));
    view->AppendCheckItem(id_pane_vehicles, _("&Vehicles panel\tCtrl+4"));
    view->AppendCheckItem(id_pane_alerts, _("&Alerts panel\tCtrl+5"));
    view->Append(id_reset_layout, _("Rese&t layout"), _("Put the panels back where they were"));

    auto* layers = new wxMenu;
    layers->AppendCheckItem(id_show_roads, _("&Roads\tCtrl+Alt+1"));
    layers->AppendCheckItem(id_show_districts, _("&Work districts\tCtrl+Alt+2"));
    layers->AppendCheckItem(id_show_depots, _("&Depots\tCtrl+Alt+3"));
    layers->AppendCheckItem(id_show_dump_sites, _("&Snow dump sites\tCtrl+Alt+4"));
    layers->AppendCheckItem(id_show_basemap, _("&Basemap\tCtrl+Alt+5"));

    auto* search = new wxMenu;
    search->Append(id_find_road, _("&Find road...\tCtrl+F"), _("Search a road by name or id"));

    auto* fleet = new wxMenu;
    fleet->Append(id_fleet_dialog, _("&Vehicles and contractors...\tCtrl+Shift+V"),
                  _("Add, edit, remove and import vehicles and contractors"));
    fleet->AppendSeparator();
    fleet->AppendCheckItem(id_follow, _("&Follow selected vehicle\tCtrl+Shift+F"),
                           _("Keep the selected vehicle in the centre of the map"));
    fleet->AppendCheckItem(id_draw_zone, _("Draw &geofence\tCtrl+Shift+G"),
                           _("Click the corners of a zone on the map; double-click or Enter to "
                             "finish, Esc to cancel"));

    auto* plan = new wxMenu;
    plan->Append(id_plan_routes, _("Snow &route planning...\tCtrl+Shift+R"),
                 _("Plan in which order a district's plows clear its roads"));
    plan->Append(id_plan_open, _("&Open stored plan..."),
                 _("Open a route plan stored in the project"));
    plan->AppendSeparator();
    plan->Append(id_plan_undo, _("&Undo plan edit\tCtrl+Z"), _("Undo the last edit of the routes"));
    plan->Append(id_plan_redo, _("&Redo plan edit\tCtrl+Y"),
                 _("Redo the edit of the routes undone"));

    auto* orders = new wxMenu;
    orders->Append(id_orders, _("Work &orders\tCtrl+Shift+O"),
                   _("Create, issue and follow the work orders to contractors"));

    auto* help = new wxMenu;
    help->Append(wxID_ABOUT, _("&About Yukimichi\tF1"));

    auto* bar = new wxMenuBar;
    bar->Append(file, _("&File"));
    bar->Append(view, _("&View"));
    bar->Append(layers, _("&Layers"));
    bar->Append(search, _("&Search"));
    bar->Append(fleet, _("V&ehicles"));
    bar->Append(plan, _("&Plan"));
    bar->Append(orders, _("&Orders"));
    m_reports = std::make_unique<ReportsMenu>(
        *this, ReportContext{
                   [this] { return m_project ? std::optional(m_project->path()) : std::nullopt; },
                   m_language, m_report_error});
    bar->Append(m_reports->build(), _("&Reports"));
    bar->Append(help, _("&Help"));
    SetMenuBar(bar);

    Bind(
        wxEVT_MENU,
        [this](wxCommandEvent&) {
            wxFileDialog dialog(this, _("Open project"), wxEmptyString, wxEmptyString,
                                _("Yukimichi projects (*.ykm)|*.ykm|All files (*)|*"),
                                wxFD_OPEN | wxFD_FILE_MUST_EXIST);
            if (dialog.ShowModal() == wxID_OK) {
                open_project(to_path(dialog.GetPath()));
            }
        },
        wxID_OPEN);
    Bind(
        wxEVT_MENU,
        [this](wxCommandEvent& event) {
            const wxString recent_file =
                m_file_history.GetHistoryFile(static_cast<std::size_t>(event.GetId() - wxID_FILE1));
            if (!open_project(to_path(recent_file))) {
                m_file_history.RemoveFileFromHistory(
                    static_cast<std::size_t>(event.GetId() - wxID_FILE1));
            }
        },
        wxID_FILE1, wxID_FILE9);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { open_basemap(); }, id_open_basemap);
    Bind(
        wxEVT_MENU,
        [this](wxCommandEvent&) {
            m_basemap.reset();
            if (m_project) {
                m_config.DeleteEntry("Basemaps/" + config_key_for_path(m_project->path()));
            }
            m_canvas->set_basemap(std::nullopt);
            update_command_states();
        },
        id_remove_basemap);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { export_pdf(); }, id_export_pdf);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { print_sheet(); }, id_print);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { export_png(); }, id_export_png);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { show_preferences(); }, wxID_PREFERENCES);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { Close(); }, wxID_EXIT);
    for (const CommandItem& item : command_items) {
        const MapCommand command = item.command;
        Bind(
            wxEVT_MENU, [this, command](wxCommandEvent&) { run_command(command); }, item.id);
    }
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { zoom_to_layer(data::Layer::road_segments); },
        id_zoom_roads);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { zoom_to_layer(data::Layer::districts); },
        id_zoom_districts);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { zoom_to_layer(data::Layer::depots); },
        id_zoom_depots);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { zoom_to_layer(data::Layer::dump_sites); },
        id_zoom_dump_sites);
    Bind(
        wxEVT_MENU,
        [this](wxCommandEvent& event) {
            m_preferences.large_font = event.IsChecked();
            apply_large_font(m_preferences.large_font);
            save_settings();
        },
        id_large_font);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { toggle_pane(pane_layers); }, id_pane_layers);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { toggle_pane(pane_identify); }, id_pane_identify);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { toggle_pane(pane_search); }, id_pane_search);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { toggle_pane(pane_vehicles); }, id_pane_vehicles);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { toggle_pane(pane_alerts); }, id_pane_alerts);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { set_road_colouring(gis::RoadColouring::priority); },
        id_colour_priority);
    Bind(
        wxEVT_MENU,
        [this](wxCommandEvent& event) {
            // The toolbar's check tool toggles; the menu's radio item only chooses.
            const bool coverage = event.GetEventObject() == GetToolBar() ? event.IsChecked() : true;
            set_road_colouring(coverage ? gis::RoadColouring::time_since_pass
                                        : gis::RoadColouring::priority);
        },
        id_colour_coverage);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { show_fleet_dialog(); }, id_fleet_dialog);
    Bind(
        wxEVT_MENU,
        [this](wxCommandEvent& event) {
            follow_vehicle(event.IsChecked() ? m_selected : std::nullopt);
        },
        id_follow);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent& event) { arm_zone_tool(event.IsChecked()); },
        id_draw_zone);
    Bind(
        wxEVT_MENU,
        [this](wxCommandEvent&) {
            m_aui.LoadPerspective(m_default_perspective);
            update_command_states();
        },
        id_reset_layout);
    for (const LayerItem& item : layer_items) {
        const MapLayer layer = item.layer;
        Bind(
            wxEVT_MENU,
            [this, layer](wxCommandEvent& event) {
                gis::MapStyle style = m_canvas->style();
                layer_style(style, layer).visible = event.IsChecked();
                set_style(style);
            },
            item.show_id);
    }
    Bind(
        wxEVT_MENU,
        [this](wxCommandEvent&) {
            wxAuiPaneInfo& pane = m_aui.GetPane(pane_search);
            if (!pane.IsShown()) {
                pane.Show();
                m_aui.Update();
            }
            m_search->focus_search();
            update_command_states();
        },
        id_find_road);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { show_about(); }, wxID_ABOUT);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { show_planner(); }, id_plan_routes);
    Bind(
        wxEVT_MENU,
        [this](wxCommandEvent&) {
            show_planner();
            m_planner->open_stored();
        },
        id_plan_open);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { show_orders(); }, id_orders);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent& event) { set_replay(event.IsChecked()); }, id_replay);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { m_planner->undo(); }, id_plan_undo);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { m_planner->redo(); }, id_plan_redo);
}

void MainFrame::build_toolbar() {
    wxToolBar* bar = CreateToolBar(wxTB_HORIZONTAL | wxTB_FLAT);
    bar->SetName("toolbar");
    const wxSize icon = wxSize(24, 24);
    const auto art = [&](const wxArtID& id) {
        return wxArtProvider::GetBitmap(id, wxART_TOOLBAR, icon);
    };
    bar->AddTool(wxID_OPEN, _("Open"), art(wxART_FILE_OPEN), _("Open project (Ctrl+O)"));
    bar->AddTool(id_print, _("Print"), art(wxART_PRINT), _("Print map sheet (Ctrl+P)"));
    bar->AddSeparator();
    bar->AddTool(id_zoom_in, _("Zoom in"), art(wxART_PLUS), _("Zoom in (+)"));
    bar->AddTool(id_zoom_out, _("Zoom out"), art(wxART_MINUS), _("Zoom out (-)"));
    bar->AddTool(id_full_extent, _("Full extent"), art(wxART_GO_HOME), _("Full extent (Home)"));
    bar->AddCheckTool(id_box_zoom, _("Box zoom"), art(wxART_FULL_SCREEN), wxNullBitmap,
                      _("Box zoom (Z)"));
    bar->AddTool(id_previous_view, _("Previous view"), art(wxART_GO_BACK),
                 _("Previous view (Alt+Left)"));
    bar->AddTool(id_next_view, _("Next view"), art(wxART_GO_FORWARD), _("Next view (Alt+Right)"));
    bar->AddSeparator();
    bar->AddTool(id_find_road, _("Find road"), art(wxART_FIND), _("Find road (Ctrl+F)"));
    bar->AddSeparator();
    bar->AddCheckTool(id_colour_coverage, _("Time since last pass"), art(wxART_REPORT_VIEW),
                      wxNullBitmap, _("Roads by time since last pass (Ctrl+Shift+2)"));
    bar->AddCheckTool(id_follow, _("Follow vehicle"), art(wxART_GOTO_LAST), wxNullBitmap,
                      _("Follow selected vehicle (Ctrl+Shift+F)"));
    bar->AddCheckTool(id_draw_zone, _("Draw geofence"), art(wxART_EDIT), wxNullBitmap,
                      _("Draw geofence (Ctrl+Shift+G)"));
    bar->Realize();
}

void MainFrame::build_panes() {
    MapCanvas::Listener listener;
    listener.view_changed = [this](const gis::MapView&) {
        update_status_view();
        update_command_states();
    };
    listener.pointer_moved = [this](std::optional<gis::XY> point) {
        if (!point) {
            SetStatusText(wxEmptyString, status_lonlat);
            SetStatusText(wxEmptyString, status_projected);
            return;
        }
        SetStatusText(utf8(projected_text(*point)), status_projected);
        if (m_to_lonlat) {
            try {
                const gis::XY ll = m_to_lonlat->forward(*point);
                SetStatusText(utf8(lonlat_text({ll.x, ll.y})), status_lonlat);
            } catch (const Error&) {
                SetStatusText(wxEmptyString, status_lonlat);
            }
        }
    };
    listener.clicked = [this](gis::XY point, double radius_m) { identify_at(point, radius_m); };
    listener.render_failed = [this](const std::string& message) { report_render_error(message); };
    listener.vehicle_clicked = [this](std::int64_t vehicle) {
        select_vehicle(vehicle);
        m_vehicle_panel->select(vehicle);
        wxAuiPaneInfo& pane = m_aui.GetPane(pane_vehicles);
        if (!pane.IsShown()) {
            pane.Show();
            m_aui.Update();
            update_command_states();
        }
    };
    listener.zone_drawn = [this](gis::Polyline ring) {
        // After the mouse event that finished it, so that a dialog does not open inside it.
        CallAfter([this, ring = std::move(ring)] { on_zone_drawn(ring); });
    };
    listener.zone_tool_changed = [this](bool) { update_command_states(); };
    listener.user_panned = [this] {
        if (m_following) {
            follow_vehicle(std::nullopt);
        }
    };
    listener.roads_boxed = [this](const gis::Box& box) { m_orders->roads_boxed(box); };
    listener.road_picked = [this](gis::XY point, double radius_m) {
        m_orders->road_picked(point, radius_m);
    };
    m_canvas = new MapCanvas(this, std::move(listener));
    gis::MapStyle style;
    style.language =
        m_language == UiLanguage::japanese ? gis::MapLanguage::japanese : gis::MapLanguage::english;
    style.text_scale = map_text_scale(m_preferences);
    m_canvas->set_style(style);

    m_layers = new LayersPanel(this, [this](const gis::MapStyle& changed) { set_style(changed); });
    m_layers->show_style(style);
    m_identify = new IdentifyPanel(this);
    m_search = new SearchPanel(
        this,
        [this](const std::string& text) -> std::vector<data::FeatureInfo> {
            if (!m_project) {
                return {};
            }
            try {
                return data::find_roads(*m_project, text);
            } catch (const std::exception& e) {
                m_report_error(_("Yukimichi: error"), utf8(e.what()));
                return {};
            }
        },
        [this](const data::FeatureInfo& road) {
            gis::MapStyle highlighted = m_canvas->style();
            highlighted.highlighted_roads = {road.id};
            set_style(highlighted);
            m_canvas->show_box(road.extent);
            m_identify->show(road);
        });

    m_aui.AddPane(m_canvas,
                  wxAuiPaneInfo().Name(pane_map).CenterPane().Caption(_("Map")).PaneBorder(false));
    m_aui.AddPane(m_layers, wxAuiPaneInfo()
                                .Name(pane_layers)
                                .Caption(_("Layers"))
                                .Left()
                                .Layer(1)
                                .Position(0)
                                .BestSize(230, 260)
                                .MinSize(160, 160)
                                .CloseButton(true));
    m_aui.AddPane(m_search, wxAuiPaneInfo()
                                .Name(pane_search)
                                .Caption(_("Search"))
                                .Left()
                                .Layer(1)
                                .Position(1)
                                .BestSize(230, 240)
                                .MinSize(160, 120)
                                .CloseButton(true));
    m_aui.AddPane(m_identify, wxAuiPaneInfo()
                                  .Name(pane_identify)
                                  .Caption(_("Identify"))
                                  .Right()
                                  .Layer(1)
                                  .BestSize(260, 300)
                                  .MinSize(180, 120)
                                  .CloseButton(true));
    m_aui.Bind(wxEVT_AUI_PANE_CLOSE, [this](wxAuiManagerEvent& event) {
        event.Skip();
        // Routes on the map with no panel to explain them would be mistaken for a layer.
        if (event.GetPane() != nullptr && event.GetPane()->name == pane_planner) {
            m_canvas->set_route_overlay({});
        }
        if (event.GetPane() != nullptr && event.GetPane()->name == pane_orders) {
            m_orders->set_selecting(false);
            m_canvas->set_order_overlay({});
        }
        CallAfter([this] { update_command_states(); });
    });
}

void MainFrame::restore_settings() {
    m_file_history.Load(m_config);
    const auto width = static_cast<int>(m_config.ReadLong("Window/Width", -1));
    const auto height = static_cast<int>(m_config.ReadLong("Window/Height", -1));
    if (width >= 200 && height >= 200) {
        SetSize(wxSize(width, height));
    }
    if (m_config.ReadBool("Window/Maximized", false)) {
        Maximize();
    }
    wxString perspective;
    if (m_config.Read("Layout/Perspective", &perspective) && !perspective.empty()) {
        m_aui.LoadPerspective(perspective, false);
        // A saved layout keeps the captions of the language it was saved in.
        m_aui.GetPane(pane_map).Caption(_("Map"));
        m_aui.GetPane(pane_layers).Caption(_("Layers"));
        m_aui.GetPane(pane_search).Caption(_("Search"));
        m_aui.GetPane(pane_identify).Caption(_("Identify"));
        m_aui.GetPane(pane_vehicles).Caption(_("Vehicles"));
        m_aui.GetPane(pane_alerts).Caption(_("Alerts"));
        m_aui.GetPane(pane_planner).Caption(_("Route planning"));
        m_aui.GetPane(pane_orders).Caption(_("Work orders"));
    }
}

void MainFrame::save_settings() {
    if (!m_keep_settings) {
        return;
    }
    m_config.Write("Preferences/Language",
                   wxString(std::string(to_string(m_preferences.language))));
    m_config.Write("Preferences/LargeFont", m_preferences.large_font);
    m_config.Write("Preferences/GpsServer", m_preferences.gps.enabled);
    m_config.Write("Preferences/GpsHttpListen", utf8(m_preferences.gps.http_listen));
    m_config.Write("Preferences/GpsNmeaListen", utf8(m_preferences.gps.nmea_listen));
    m_config.Write("Preferences/PortalListen", utf8(m_preferences.gps.portal_listen));
    m_config.Flush();
}

void MainFrame::apply_large_font(bool large) {
    wxFont font = m_normal_font;
    if (large) {
        font.SetFractionalPointSize(m_normal_font.GetFractionalPointSize() * large_ui_font_factor);
    }
    set_font_deep(this, font);
    if (wxStatusBar* status = GetStatusBar()) {
        status->SetFont(font);
    }
    gis::MapStyle style = m_canvas != nullptr ? m_canvas->style() : gis::MapStyle{};
    style.text_scale = large ? large_map_text_scale : 1.0;
    if (m_canvas != nullptr) {
        m_canvas->set_style(style);
    }
    if (wxMenuBar* bar = GetMenuBar()) {
        bar->Check(id_large_font, large);
    }
    size_panes_and_status();
    m_aui.Update();
    Layout();
}

void MainFrame::size_panes_and_status() {
    // Sizes follow the font, so the large-font option widens the panels instead of cutting
    // their text.
    const int line_px = m_layers->GetCharHeight();
    const int char_px = m_layers->GetCharWidth();
    int label_px = 0;
    for (const MapLayer layer : {MapLayer::roads, MapLayer::districts, MapLayer::depots,
                                 MapLayer::dump_sites, MapLayer::basemap}) {
        label_px = std::max(label_px, m_layers->GetTextExtent(layer_label(layer)).x);
    }
    // A check list row: the box, the text and GTK's padding; five rows, the buttons, the
    // opacity label and its slider with the value above it.
    const int row_px = line_px + 14;
    const int layers_width = std::max(label_px + 2 * line_px + 8 * char_px,
                                      m_layers->GetSizer()->GetMinSize().x + 2 * char_px);
    const int layers_height = 5 * row_px + 16 + (line_px + 20) + line_px + 2 * line_px + 40;
    wxAuiPaneInfo& layers = m_aui.GetPane(pane_layers);
    layers.BestSize(layers_width, layers_height).MinSize(layers_width, layers_height);
    wxAuiPaneInfo& search = m_aui.GetPane(pane_search);
    search.BestSize(layers_width, 10 * line_px).MinSize(layers_width, 6 * line_px);
    const int identify_width = 24 * char_px;
    wxAuiPaneInfo& identify = m_aui.GetPane(pane_identify);
    identify.BestSize(identify_width, 16 * line_px).MinSize(identify_width, 6 * line_px);
    const int fleet_height = 9 * line_px;
    m_aui.GetPane(pane_vehicles)
        .BestSize(70 * char_px, fleet_height)
        .MinSize(40 * char_px, 6 * line_px);
    m_aui.GetPane(pane_alerts)
        .BestSize(50 * char_px, fleet_height)
        .MinSize(30 * char_px, 6 * line_px);
    const int planner_width = std::max(40 * char_px, m_planner->GetSizer()->GetMinSize().x + 16);
    m_aui.GetPane(pane_planner)
        .BestSize(planner_width, 40 * line_px)
        .MinSize(planner_width, 20 * line_px);
    m_aui.GetPane(pane_orders)
        .BestSize(std::max(110 * char_px, m_orders->GetSizer()->GetMinSize().x), 24 * line_px)
        .MinSize(60 * char_px, 16 * line_px);

    wxStatusBar* status = GetStatusBar();
    if (status == nullptr) {
        return;
    }
    const int margin_px = 3 * status->GetCharWidth();
    const auto width_of = [&](const std::string& sample) {
        return status->GetTextExtent(utf8(sample)).x + margin_px;
    };
    const int crs_px = status->GetTextExtent(status->GetStatusText(status_crs)).x + margin_px;
    const int gps_px = std::max(status->GetTextExtent(status->GetStatusText(status_gps)).x,
                                20 * status->GetCharWidth()) +
                       margin_px;
    // The CRS field takes what is left, but never less than its text.
    const int widths[] = {width_of(lonlat_text({145.12345, -45.12345})),
                          width_of(projected_text({-123456.7, -1234567.8})),
                          width_of(scale_text(12345678.0)), gps_px, -1};
    SetStatusWidths(status_fields, widths);
    const int fixed_px = widths[0] + widths[1] + widths[2] + gps_px + crs_px;
    if (GetSize().x < fixed_px) {
        const int narrow[] = {-2, -2, -1, -3, crs_px};
        SetStatusWidths(status_fields, narrow);
    }
}

void MainFrame::set_style(const gis::MapStyle& style) {
    m_canvas->set_style(style);
    m_layers->show_style(style);
    save_layer_settings();
    update_command_states();
}

void MainFrame::save_layer_settings() {
    if (!m_keep_settings || !m_project) {
        return;
    }
    const wxString group = "Layers/" + config_key_for_path(m_project->path()) + "/";
    for (const auto& [key, value] : layer_settings(m_canvas->style())) {
        m_config.Write(group + utf8(key), utf8(value));
    }
}

gis::MapStyle MainFrame::saved_layer_style(const std::filesystem::path& project,
                                           gis::MapStyle style) const {
    // Every project starts from the default layers; its own saved ones replace them.
    const gis::MapStyle defaults;
    style.layer_order = defaults.layer_order;
    for (const MapLayer layer : {MapLayer::roads, MapLayer::districts, MapLayer::depots,
                                 MapLayer::dump_sites, MapLayer::basemap}) {
        layer_style(style, layer) = layer_style(defaults, layer);
    }
    if (!m_keep_settings) {
        return style;
    }
    const wxString group = "Layers/" + config_key_for_path(project) + "/";
    std::map<std::string, std::string> settings;
    for (const auto& [key, value] : layer_settings(defaults)) {
        wxString stored;
        if (m_config.Read(group + utf8(key), &stored)) {
            settings[key] = std::string(stored.utf8_str());
        }
    }
    apply_layer_settings(settings, style);
    return style;
}

bool MainFrame::open_project(const std::filesystem::path& path) {
    try {
        data::Project project = data::Project::open(path, data::OpenMode::read_only);
        data::ProjectInfo info = project.info();
        const gis::Box extent = data::map_extent(project);
        auto to_lonlat = std::make_unique<gis::CoordinateTransform>(info.crs, gis::wgs84);
        auto from_lonlat = std::make_unique<gis::CoordinateTransform>(gis::wgs84, info.crs);
        set_replay(false);
        m_fleet_timer.Stop();
        m_live.reset();
        m_project.emplace(std::move(project));
        m_info = std::move(info);
        m_to_lonlat = std::move(to_lonlat);
        m_from_lonlat = std::move(from_lonlat);
        m_reported_errors.clear();

        gis::MapStyle style = saved_layer_style(path, m_canvas->style());
        style.highlighted_roads.clear();
        // The pass times belong to the project shown before; the live fleet fetches new ones.
        style.coverage = {};
        m_basemap.reset();
        wxString basemap;
        if (m_config.Read("Basemaps/" + config_key_for_path(path), &basemap) && !basemap.empty() &&
            wxFileExists(basemap)) {
            m_basemap = to_path(basemap);
        }
        m_canvas->set_style(style);
        m_canvas->set_basemap(m_basemap);
        m_layers->show_style(style);
        m_canvas->show_project(path, extent);
        m_identify->clear();
        m_search->clear();
        m_canvas->set_route_overlay({});
        m_planner->set_project(*m_project, *m_info);
        m_canvas->set_order_overlay({});
        start_live_fleet(path);
        m_orders->set_project(*m_project, *m_info);

        SetTitle(utf8(window_title(path.filename().string())));
        SetStatusText(utf8(gis::to_string(m_info->crs) + "  " + m_info->crs_name), status_crs);
        size_panes_and_status();
        if (m_keep_settings) {
            m_file_history.AddFileToHistory(utf8(std::filesystem::absolute(path).string()));
            m_file_history.Save(m_config);
            m_config.Flush();
        }
        update_status_view();
        update_command_states();
        return true;
    } catch (const std::exception& e) {
        m_report_error(_("Yukimichi: error"),
                       wxString::Format(_("Cannot open the project %s:\n\n%s"), utf8(path.string()),
                                        utf8(e.what())));
        return false;
    }
}

void MainFrame::run_command(MapCommand command) {
    m_canvas->run(command);
    update_command_states();
}

void MainFrame::update_status_view() {
    if (!m_project) {
        return;
    }
    SetStatusText(utf8(scale_text(m_canvas->view().scale_denominator())), status_scale);
}

void MainFrame::update_command_states() {
    wxMenuBar* bar = GetMenuBar();
    wxToolBar* tools = GetToolBar();
    if (bar == nullptr || m_canvas == nullptr) {
        return;
    }
    const bool open = m_project.has_value();
    const auto enable = [&](int id, bool on) {
        bar->Enable(id, on);
        if (tools != nullptr && tools->FindById(id) != nullptr) {
            tools->EnableTool(id, on);
        }
    };
    for (const int id : {id_zoom_in,    id_zoom_out,        id_full_extent,     id_box_zoom,
                         id_pan_left,   id_pan_right,       id_pan_up,          id_pan_down,
                         id_zoom_roads, id_zoom_districts,  id_zoom_depots,     id_zoom_dump_sites,
                         id_export_pdf, id_print,           id_export_png,      id_open_basemap,
                         id_find_road,  id_colour_priority, id_colour_coverage, id_fleet_dialog,
                         id_draw_zone,  id_plan_routes,     id_plan_open,       id_orders,
                         id_replay}) {
        enable(id, open);
    }
    if (m_planner != nullptr) {
        enable(id_plan_undo, m_planner->can_undo());
        enable(id_plan_redo, m_planner->can_redo());
    }
    enable(id_follow, open && (m_selected.has_value() || m_following.has_value()));
    const bool coverage = m_canvas->style().road_colouring == gis::RoadColouring::time_since_pass;
    bar->Check(coverage ? id_colour_coverage : id_colour_priority, true);
    bar->Check(id_follow, m_following.has_value());
    bar->Check(id_replay, m_replay != nullptr && m_replay->active());
    bar->Check(id_draw_zone, m_canvas->zone_tool_armed());
    if (tools != nullptr) {
        tools->ToggleTool(id_colour_coverage, coverage);
        tools->ToggleTool(id_follow, m_following.has_value());
        tools->ToggleTool(id_draw_zone, m_canvas->zone_tool_armed());
    }
    enable(id_previous_view, open && m_canvas->can_go_back());
    enable(id_next_view, open && m_canvas->can_go_forward());
    enable(id_remove_basemap, m_basemap.has_value());
    bar->Check(id_box_zoom, m_canvas->box_zoom_armed());
    if (tools != nullptr) {
        tools->ToggleTool(id_box_zoom, m_canvas->box_zoom_armed());
    }
    for (const LayerItem& item : layer_items) {
        bar->Check(item.show_id, layer_style(m_canvas->style(), item.layer).visible);
    }
    bar->Check(id_pane_layers, m_aui.GetPane(pane_layers).IsShown());
    bar->Check(id_pane_identify, m_aui.GetPane(pane_identify).IsShown());
    bar->Check(id_pane_search, m_aui.GetPane(pane_search).IsShown());
    bar->Check(id_pane_vehicles, m_aui.GetPane(pane_vehicles).IsShown());
    bar->Check(id_pane_alerts, m_aui.GetPane(pane_alerts).IsShown());
}

void MainFrame::identify_at(gis::XY map_point, double radius_m) {
    if (!m_project) {
        return;
    }
    try {
        const std::optional<data::FeatureInfo> feature =
            data::identify(*m_project, map_point, radius_m);
        m_identify->show(feature);
        wxAuiPaneInfo& pane = m_aui.GetPane(pane_identify);
        if (!pane.IsShown()) {
            pane.Show();
            m_aui.Update();
        }
        gis::MapStyle style = m_canvas->style();
        style.highlighted_roads.clear();
        if (feature && feature->layer == data::Layer::road_segments) {
            style.highlighted_roads.push_back(feature->id);
        }
        set_style(style);
    } catch (const std::exception& e) {
        m_report_error(_("Yukimichi: error"), utf8(e.what()));
    }
}

void MainFrame::zoom_to_layer(data::Layer layer) {
    if (!m_project) {
        return;
    }
    try {
        const gis::Box extent = data::layer_extent(*m_project, layer);
        if (extent.is_empty()) {
            SetStatusText(wxString::Format(_("The layer %s is empty."), layer_name(layer)),
                          status_lonlat);
            return;
        }
        m_canvas->show_box(extent);
    } catch (const std::exception& e) {
        m_report_error(_("Yukimichi: error"), utf8(e.what()));
    }
}

void MainFrame::open_basemap() {
    if (!m_project) {
        return;
    }
    wxFileDialog dialog(this, _("Open basemap"), wxEmptyString, wxEmptyString,
                        _("MBTiles rasters (*.mbtiles)|*.mbtiles|All files (*)|*"),
                        wxFD_OPEN | wxFD_FILE_MUST_EXIST);
    if (dialog.ShowModal() != wxID_OK) {
        return;
    }
    m_basemap = to_path(dialog.GetPath());
    m_config.Write("Basemaps/" + config_key_for_path(m_project->path()), dialog.GetPath());
    m_config.Flush();
    m_reported_errors.clear();
    gis::MapStyle style = m_canvas->style();
    style.basemap.visible = true;
    m_canvas->set_basemap(m_basemap);
    set_style(style);
}

void MainFrame::export_pdf() {
    if (!m_project) {
        return;
    }
    wxFileDialog dialog(this, _("Print / export map sheet"), wxEmptyString,
                        utf8(m_project->path().stem().string() + ".pdf"),
                        _("PDF documents (*.pdf)|*.pdf"), wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
    if (dialog.ShowModal() == wxID_OK) {
        write_pdf_sheet(to_path(dialog.GetPath()));
    }
}

gis::MapRenderer::SheetOptions MainFrame::sheet_options() {
    gis::MapRenderer::SheetOptions sheet;
    sheet.title = m_project->path().stem().string();
    sheet.date = std::string(wxDateTime::Now().FormatISODate().utf8_str());
    sheet.attribution = m_project->metadata("attribution").value_or("");
    sheet.crs_name = m_info ? m_info->crs_name : std::string();
    return sheet;
}

namespace {

/// One page: the map sheet drawn at the printer's resolution by the same code as the PDF.
class SheetPrintout : public wxPrintout {
public:
    SheetPrintout(const wxString& title, gis::MapContent content, gis::MapView view,
                  gis::MapStyle style, gis::MapRenderer::SheetOptions sheet)
        : wxPrintout(title), m_content(std::move(content)), m_view(view), m_style(std::move(style)),
          m_sheet(std::move(sheet)) {}

    bool HasPage(int page) override { return page == 1; }
    void GetPageInfo(int* min_page, int* max_page, int* from, int* to) override {
        *min_page = *max_page = *from = *to = 1;
    }
    bool OnPrintPage(int /*page*/) override {
        wxDC* dc = GetDC();
        if (dc == nullptr) {
            return false;
        }
        int width = 0;
        int height = 0;
        dc->GetSize(&width, &height);
        const gis::MapRenderer renderer;
        gis::Image page = renderer.render_sheet(m_content, m_view, m_style, m_sheet, width, height);
        std::vector<unsigned char> rgb = blend_to_rgb(page, gis::Rgb{0xFF, 0xFF, 0xFF});
        const wxImage borrowed(page.width, page.height, rgb.data(), true);
        dc->DrawBitmap(wxBitmap(borrowed), 0, 0);
        return true;
    }

private:
    gis::MapContent m_content;
    gis::MapView m_view;
    gis::MapStyle m_style;
    gis::MapRenderer::SheetOptions m_sheet;
};

} // namespace

void MainFrame::print_sheet() {
    if (!m_project) {
        return;
    }
    try {
        const gis::MapView& view = m_canvas->view();
        SheetPrintout printout(utf8(m_project->path().stem().string()),
                               data::query_map_content(*m_project, view, m_canvas->style()), view,
                               m_canvas->style(), sheet_options());
        wxPrintDialogData data;
        data.GetPrintData().SetOrientation(view.height_px() > view.width_px() ? wxPORTRAIT
                                                                              : wxLANDSCAPE);
        data.GetPrintData().SetPaperId(wxPAPER_A4);
        wxPrinter printer(&data);
        if (!printer.Print(this, &printout, true) && wxPrinter::GetLastError() == wxPRINTER_ERROR) {
            m_report_error(_("Yukimichi: error"), _("The map sheet could not be printed."));
        }
    } catch (const std::exception& e) {
        m_report_error(_("Yukimichi: error"), utf8(e.what()));
    }
}

bool MainFrame::write_pdf_sheet(const std::filesystem::path& file) {
    if (!m_project) {
        return false;
    }
    try {
        wxBusyCursor busy;
        const gis::MapView& view = m_canvas->view();
        const gis::MapContent content =
            data::query_map_content(*m_project, view, m_canvas->style());
        const gis::MapRenderer renderer;
        renderer.write_pdf_sheet(content, view, m_canvas->style(), sheet_options(), file);
        SetStatusText(wxString::Format(_("Map sheet written to %s"), utf8(file.string())),
                      status_lonlat);
        return true;
    } catch (const std::exception& e) {
        m_report_error(_("Yukimichi: error"), utf8(e.what()));
        return false;
    }
}

void MainFrame::export_png() {
    if (!m_project) {
        return;
    }
    wxFileDialog dialog(this, _("Export map as PNG"), wxEmptyString,
                        utf8(m_project->path().stem().string() + ".png"),
                        _("PNG pictures (*.png)|*.png"), wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
    if (dialog.ShowModal() == wxID_OK) {
        write_map_png(to_path(dialog.GetPath()));
    }
}

bool MainFrame::write_map_png(const std::filesystem::path& file) {
    if (!m_project) {
        return false;
    }
    try {
        wxBusyCursor busy;
        const gis::MapView& view = m_canvas->view();
        const gis::MapStyle& style = m_canvas->style();
        std::optional<gis::Image> basemap;
        if (m_basemap && style.basemap.visible) {
            basemap = data::render_basemap(*m_basemap, m_project->crs(), view);
        }
        const gis::MapRenderer renderer;
        const gis::Image image = renderer.render(data::query_map_content(*m_project, view, style),
                                                 view, style, basemap ? &*basemap : nullptr);
        gis::MapRenderer::write_png(image, file);
        SetStatusText(wxString::Format(_("Map written to %s"), utf8(file.string())), status_lonlat);
        return true;
    } catch (const std::exception& e) {
        m_report_error(_("Yukimichi: error"), utf8(e.what()));
        return false;
    }
}

void MainFrame::show_preferences() {
    PreferencesDialog dialog(this, m_preferences);
    if (dialog.ShowModal() != wxID_OK) {
        return;
    }
    const Preferences chosen = dialog.preferences();
    const bool font_changed = chosen.large_font != m_preferences.large_font;
    const bool gps_changed = !(chosen.gps == m_preferences.gps);
    m_preferences = chosen;
    if (font_changed) {
        apply_large_font(m_preferences.large_font);
    }
    save_settings();
    if (gps_changed && m_live && !m_gps_listen && !m_no_gps_server) {
        m_live->restart_server(gps_server_options());
        if (!m_portal_listen) {
            m_live->restart_portal(portal_server_options());
        }
        update_gps_status();
    }
}

void MainFrame::show_about() {
    wxAboutDialogInfo info;
    info.SetName(utf8("雪道 Yukimichi"));
    info.SetVersion(YKM_VERSION);
    info.SetDescription(_("Desktop GIS for municipal snow-removal operations."));
    wxAboutBox(info, this);
}

void MainFrame::toggle_pane(const wxString& name) {
    wxAuiPaneInfo& pane = m_aui.GetPane(name);
    pane.Show(!pane.IsShown());
    m_aui.Update();
    update_command_states();
}

void MainFrame::report_render_error(const std::string& message) {
    if (std::find(m_reported_errors.begin(), m_reported_errors.end(), message) !=
        m_reported_errors.end()) {
        return;
    }
    m_reported_errors.push_back(message);
    m_report_error(_("Yukimichi: error"),
                   wxString::Format(_("The map cannot be drawn:\n\n%s"), utf8(message)));
}

void MainFrame::on_char_hook(wxKeyEvent& event) {
    if (m_replay->active() && event.GetKeyCode() == WXK_SPACE && !event.HasAnyModifiers() &&
        dynamic_cast<const wxTextCtrl*>(FindFocus()) == nullptr) {
        m_replay->toggle_play();
        return;
    }
    if (m_canvas->road_selection_armed() && event.GetKeyCode() == WXK_ESCAPE) {
        m_orders->set_selecting(false);
        return;
    }
    if (m_canvas->zone_tool_armed()) {
        const int key = event.GetKeyCode();
        if (key == WXK_ESCAPE) {
            m_canvas->cancel_zone();
            return;
        }
        if (key == WXK_RETURN || key == WXK_NUMPAD_ENTER) {
            m_canvas->finish_zone();
            return;
        }
    }
    const KeyPress press = key_press(event);
    const auto command = command_for_key(press);
    // Keys without Ctrl or Alt belong to a text box, list or slider that has the focus.
    const wxWindow* focus = FindFocus();
    const bool map_has_keys = focus == nullptr || focus == m_canvas || focus == this ||
                              dynamic_cast<const wxToolBar*>(focus) != nullptr;
    if (!command || !m_project || (!press.ctrl && !press.alt && !map_has_keys)) {
        event.Skip();
        return;
    }
    run_command(*command);
}

void MainFrame::on_close(wxCloseEvent& event) {
    if (m_keep_settings) {
        m_config.Write("Layout/Perspective", m_aui.SavePerspective());
        m_config.Write("Window/Maximized", IsMaximized());
        if (!IsMaximized()) {
            const wxSize size = GetSize();
            m_config.Write("Window/Width", size.x);
            m_config.Write("Window/Height", size.y);
        }
        m_file_history.Save(m_config);
        save_settings();
    }
    event.Skip();
}

wxString MainFrame::menu_labels() const {
    wxString out;
    const wxMenuBar* bar = GetMenuBar();
    for (std::size_t i = 0; i < bar->GetMenuCount(); ++i) {
        out << bar->GetMenuLabelText(i) << "\n";
        for (const wxMenuItem* item : bar->GetMenu(i)->GetMenuItems()) {
            if (!item->IsSeparator()) {
                out << "  " << wxMenuItem::GetLabelText(item->GetItemLabel()) << "\n";
            }
        }
    }
    return out;
}

// ----- the live fleet -----

void MainFrame::build_fleet_panes() {
    VehiclePanel::Callbacks vehicle_callbacks;
    vehicle_callbacks.selected = [this](std::optional<std::int64_t> id) { select_vehicle(id); };
    vehicle_callbacks.follow = [this](std::optional<std::int64_t> id) { follow_vehicle(id); };
    m_vehicle_panel = new VehiclePanel(this, m_language, std::move(vehicle_callbacks));
    AlertsPanel::Callbacks alert_callbacks;
    alert_callbacks.centre = [this](const dispatch::Alert& alert) { centre_on_alert(alert); };
    alert_callbacks.draw_zone = [this] { arm_zone_tool(true); };
    alert_callbacks.remove_zone = [this](std::int64_t id) { remove_zone(id); };
    m_alerts_panel = new AlertsPanel(this, std::move(alert_callbacks));
    // Below everything (the outermost layer), so that the wide lists get the window's width.
    m_aui.AddPane(m_vehicle_panel, wxAuiPaneInfo()
                                       .Name(pane_vehicles)
                                       .Caption(_("Vehicles"))
                                       .Bottom()
                                       .Layer(2)
                                       .Position(0)
                                       .BestSize(700, 190)
                                       .MinSize(300, 120)
                                       .CloseButton(true));
    m_aui.AddPane(m_alerts_panel, wxAuiPaneInfo()
                                      .Name(pane_alerts)
                                      .Caption(_("Alerts"))
                                      .Bottom()
                                      .Layer(2)
                                      .Position(1)
                                      .BestSize(320, 190)
                                      .MinSize(240, 120)
                                      .CloseButton(true));
}

void MainFrame::build_planner_pane() {
    PlannerPanel::Callbacks callbacks;
    callbacks.report_error = [this](const wxString& title, const wxString& message) {
        m_report_error(title, message);
    };
    callbacks.show_routes = [this](std::vector<RouteOverlayLine> lines) {
        m_canvas->set_route_overlay(std::move(lines));
    };
    callbacks.state_changed = [this] { update_command_states(); };
    m_planner = new PlannerPanel(this, std::move(callbacks));
    // Hidden until Plan → Snow route planning: most nights nobody plans routes.
    m_aui.AddPane(m_planner, wxAuiPaneInfo()
                                 .Name(pane_planner)
                                 .Caption(_("Route planning"))
                                 .Right()
                                 .Layer(0)
                                 .Position(0)
                                 .BestSize(340, 600)
                                 .MinSize(260, 300)
                                 .CloseButton(true)
                                 .Hide());
}

void MainFrame::show_planner() {
    if (!m_project) {
        return;
    }
    wxAuiPaneInfo& pane = m_aui.GetPane(pane_planner);
    if (!pane.IsShown()) {
        pane.Show();
        m_aui.Update();
        m_planner->redraw();
    }
    update_command_states();
}

void MainFrame::build_orders_pane() {
    OrdersPanel::Callbacks callbacks;
    callbacks.report_error = [this](const wxString& title, const wxString& message) {
        m_report_error(title, message);
    };
    callbacks.show_roads = [this](std::vector<RouteOverlayLine> lines) {
        // Only while the panel is shown: roads with no list to explain them would puzzle.
        if (m_aui.GetPane(pane_orders).IsShown()) {
            m_canvas->set_order_overlay(std::move(lines));
        }
    };
    callbacks.zoom_to = [this](const gis::Box& box) { m_canvas->show_box(box); };
    callbacks.select_on_map = [this](bool armed) { m_canvas->arm_road_selection(armed); };
    m_orders = new OrdersPanel(this, m_language, std::move(callbacks));
    // Below the vehicle list, the window's whole width: the list has many columns.
    m_aui.AddPane(m_orders, wxAuiPaneInfo()
                                .Name(pane_orders)
                                .Caption(_("Work orders"))
                                .Bottom()
                                .Layer(3)
                                .Position(0)
                                .BestSize(1000, 300)
                                .MinSize(500, 200)
                                .CloseButton(true)
                                .Hide());
}

void MainFrame::build_replay_pane() {
    ReplayPanel::Callbacks callbacks;
    callbacks.report_error = [this](const wxString& title, const wxString& message) {
        m_report_error(title, message);
    };
    callbacks.leave = [this] { set_replay(false); };
    callbacks.show_instant = [this](const wxString& text) {
        if (m_project) {
            SetTitle(utf8(window_title(m_project->path().filename().string())) + "  [" + text +
                     "]");
        }
        SetStatusText(text, status_gps);
    };
    callbacks.show_vehicles = [this](const std::vector<dispatch::ReplayVehicle>& vehicles,
                                     std::int64_t time_ms) {
        show_replay_vehicles(vehicles, time_ms);
    };
    m_replay = new ReplayPanel(this, *m_canvas, *m_orders, std::move(callbacks));
    // Right under the map, inside the other bottom panes.
    m_aui.AddPane(m_replay, wxAuiPaneInfo()
                                .Name(pane_replay)
                                .Caption(_("Season replay"))
                                .Bottom()
                                .Layer(0)
                                .Position(0)
                                .BestSize(1000, 44)
                                .MinSize(600, 44)
                                .CloseButton(false)
                                .Hide());
}

void MainFrame::show_replay_vehicles(const std::vector<dispatch::ReplayVehicle>& vehicles,
                                     std::int64_t time_ms) {
    // The list shows the fleet as it was: the fleet's own records where the live list has them.
    std::map<std::int64_t, const dispatch::Vehicle*> live;
    for (const dispatch::VehicleStatus& v : m_vehicles) {
        live.emplace(v.vehicle.id, &v.vehicle);
    }
    std::vector<dispatch::VehicleStatus> then;
    then.reserve(vehicles.size());
    for (const dispatch::ReplayVehicle& v : vehicles) {
        dispatch::VehicleStatus s;
        if (const auto it = live.find(v.vehicle_id); it != live.end()) {
            s.vehicle = *it->second;
        } else {
            s.vehicle.id = v.vehicle_id;
            s.vehicle.code = v.code;
            s.vehicle.contractor_id = v.contractor_id;
            if (v.type) {
                s.vehicle.type = *v.type;
            }
        }
        s.state = v.state;
        s.last_fix = v.last_fix;
        s.position = v.position_xy;
        s.heading_deg = v.heading_deg;
        then.push_back(std::move(s));
    }
    std::ranges::sort(then, {}, code_of);
    m_vehicle_panel->show(then, time_ms);
}

bool MainFrame::set_replay(bool on) {
    if (on == m_replay->active()) {
        update_command_states();
        return true;
    }
    if (on) {
        if (!m_project || !m_replay->start(m_project->path())) {
            update_command_states();
            return false;
        }
        // The live fleet rests meanwhile; its tracker and GPS server keep running.
        m_fleet_timer.Stop();
        m_aui.GetPane(pane_replay).Show();
    } else {
        m_replay->stop();
        m_aui.GetPane(pane_replay).Hide();
        if (m_project) {
            SetTitle(utf8(window_title(m_project->path().filename().string())));
        }
        SetStatusText(wxEmptyString, status_gps);
        push_overlay();
        update_gps_status();
        if (m_live) {
            refresh_fleet();
            refresh_coverage(unix_now_ms(), true);
            m_fleet_timer.Start(fleet_refresh_ms);
        }
    }
    m_aui.Update();
    update_command_states();
    return true;
}

void MainFrame::show_orders() {
    if (!m_project) {
        return;
    }
    wxAuiPaneInfo& pane = m_aui.GetPane(pane_orders);
    if (!pane.IsShown()) {
        pane.Show();
        m_aui.Update();
        m_orders->redraw();
    }
    update_command_states();
}

void MainFrame::set_gps_override(std::optional<std::string> gps_listen, bool no_gps_server,
                                 std::optional<std::string> portal_listen) {
    m_gps_listen = std::move(gps_listen);
    m_no_gps_server = no_gps_server;
    m_portal_listen = std::move(portal_listen);
}

std::optional<dispatch::IngestOptions> MainFrame::gps_server_options() {
    return ingest_options(m_preferences.gps, m_gps_listen, m_no_gps_server);
}

std::optional<dispatch::PortalOptions> MainFrame::portal_server_options() {
    return portal_options(m_preferences.gps, m_gps_listen, m_no_gps_server, m_portal_listen);
}

void MainFrame::start_live_fleet(const std::filesystem::path& path) {
    m_vehicles.clear();
    m_alerts.clear();
    m_geofences.clear();
    m_vehicle_codes.clear();
    m_selected.reset();
    m_following.reset();
    m_track.clear();
    m_gps_log.clear();
    m_live_error.clear();
    m_vehicle_panel->clear();
    m_alerts_panel->clear();
    std::optional<dispatch::IngestOptions> options;
    std::optional<dispatch::PortalOptions> portal;
    try {
        options = gps_server_options();
        portal = portal_server_options();
    } catch (const std::exception& e) {
        // A bad address in the preferences: the window and the tracker work without the server.
        m_live_error = e.what();
    }
    try {
        m_live = std::make_unique<LiveFleet>(path, options, portal);
    } catch (const std::exception& e) {
        m_live.reset();
        m_live_error = e.what();
    }
    // After the tracker's read-write connection has brought an old project's schema forward.
    read_fleet_names();
    read_geofences();
    push_overlay();
    update_gps_status();
    if (m_live) {
        refresh_fleet();
        refresh_coverage(unix_now_ms(), true);
        m_fleet_timer.Start(fleet_refresh_ms);
    }
}

void MainFrame::read_fleet_names() {
    std::map<std::int64_t, std::string> contractors;
    std::map<std::int64_t, std::string> districts;
    if (m_project) {
        try {
            dispatch::Fleet fleet(*m_project);
            for (const dispatch::Contractor& c : fleet.contractors()) {
                contractors[c.id] = c.name.empty() ? c.code : c.name;
            }
        } catch (const std::exception&) {
            // A project without a fleet: the lists stay empty.
        }
    }
    if (m_info) {
        for (const auto& district : m_info->districts) {
            districts[district.id] = district.name;
        }
    }
    m_vehicle_panel->set_names(std::move(contractors), std::move(districts));
}

void MainFrame::read_geofences() {
    m_geofences.clear();
    if (m_project) {
        try {
            m_geofences = dispatch::load_geofences(*m_project);
        } catch (const std::exception&) {
            // A project without the geofence table shows none.
        }
    }
    m_alerts_panel->show_zones(m_geofences);
}

void MainFrame::on_fleet_timer(wxTimerEvent&) {
    refresh_fleet();
}

void MainFrame::refresh_fleet() {
    if (!m_live) {
        return;
    }
    const std::int64_t now = unix_now_ms();
    dispatch::Tracker& tracker = m_live->tracker();
    try {
        tracker.tick(now);
        m_vehicles = tracker.vehicles();
        m_alerts = tracker.alerts();
    } catch (const std::exception& e) {
        report_render_error(e.what());
        return;
    }
    std::ranges::sort(m_vehicles, {}, code_of);
    m_vehicle_codes.clear();
    for (const dispatch::VehicleStatus& v : m_vehicles) {
        m_vehicle_codes[v.vehicle.id] = v.vehicle.code;
    }
    m_vehicle_panel->show(m_vehicles, now);
    m_alerts_panel->show_alerts(m_alerts, m_vehicle_codes);
    if (m_following) {
        for (const dispatch::VehicleStatus& v : m_vehicles) {
            if (v.vehicle.id == *m_following && v.position) {
                m_canvas->centre_on(*v.position);
            }
        }
    }
    if (m_selected) {
        update_track(now, false);
    }
    push_overlay();
    update_gps_status();
    refresh_coverage(now, false);
}

void MainFrame::refresh_coverage(std::int64_t now_ms, bool force) {
    gis::MapStyle style = m_canvas->style();
    if (!m_live || m_replay->active() ||
        style.road_colouring != gis::RoadColouring::time_since_pass) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    const std::uint64_t processed = m_live->tracker().processed();
    const auto since = now - m_coverage_fetched;
    const bool changed = processed != m_coverage_processed && since >= coverage_refresh_min;
    if (!force && !changed && since < coverage_refresh_max) {
        return;
    }
    m_coverage_fetched = now;
    m_coverage_processed = processed;
    try {
        style.coverage.passes = pass_times(m_live->tracker().coverage());
    } catch (const std::exception& e) {
        report_render_error(e.what());
        return;
    }
    style.coverage.now_ms = now_ms;
    // The worker draws the new picture; the overlay keeps moving every second meanwhile.
    m_canvas->set_style(style);
}

void MainFrame::update_track(std::int64_t now_ms, bool reload) {
    if (!m_selected || !m_live) {
        m_track.clear();
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (reload || now - m_track_loaded > track_reload_every) {
        try {
            m_track = m_live->tracker().track(*m_selected, tokyo_midnight_ms(now_ms), now_ms + 1);
        } catch (const std::exception&) {
            m_track.clear();
        }
        m_track_until_ms = now_ms;
        m_track_loaded = now;
        return;
    }
    // Between readings the track grows by the fixes the snapshots show.
    for (const dispatch::VehicleStatus& v : m_vehicles) {
        if (v.vehicle.id != *m_selected || !v.last_fix || v.last_fix->time_ms <= m_track_until_ms) {
            continue;
        }
        m_track_until_ms = v.last_fix->time_ms;
        if (m_from_lonlat) {
            try {
                m_track.push_back(m_from_lonlat->forward(
                    gis::XY{v.last_fix->position.lon_deg, v.last_fix->position.lat_deg}));
            } catch (const Error&) {
                // A position PROJ cannot take is left out of the line.
            }
        }
    }
}

void MainFrame::push_overlay() {
    if (m_replay->active()) {
        return;
    }
    FleetOverlay overlay;
    overlay.markers = vehicle_markers(m_vehicles, m_alerts);
    overlay.selected = m_selected;
    overlay.track = m_track;
    for (const dispatch::Geofence& zone : m_geofences) {
        overlay.zones.push_back({zone.id, zone.name, zone.ring});
    }
    m_canvas->set_overlay(std::move(overlay));
}

void MainFrame::update_gps_status() {
    wxString text;
    wxString tip;
    if (m_project) {
        const LiveFleet::ServerStatus status = gps_status();
        if (m_live && status.running) {
            text = wxString::Format(
                _("GPS %s: %s fixes"), utf8(status.http_address),
                utf8(with_thousands_separators(static_cast<std::int64_t>(status.accepted))));
            tip = wxString::Format(_("OsmAnd (HTTP) on %s, NMEA (TCP) on %s"),
                                   utf8(status.http_address),
                                   status.nmea_address ? utf8(*status.nmea_address) : _("none"));
        } else if (m_live && !status.error.empty()) {
            text = wxString::Format(_("GPS server stopped: cannot listen on %s"),
                                    utf8(status.http_address));
            tip = utf8(status.error);
        } else if (!m_live_error.empty()) {
            text = m_live ? _("GPS server off: bad address") : _("Live fleet off");
            tip = utf8(m_live_error);
        } else {
            text = _("GPS server off");
        }
        const LiveFleet::PortalStatus portal = portal_status();
        if (portal.running) {
            text += wxString::Format(_(", portal %s"), utf8(portal.address));
            tip += wxString::Format(_("\nContractor portal: %s"), utf8(portal.url));
        } else if (!portal.error.empty()) {
            text +=
                wxString::Format(_(", portal stopped: cannot listen on %s"), utf8(portal.address));
            tip += "\n" + utf8(portal.error);
        }
    }
    if (m_live) {
        for (std::string& line : m_live->take_log()) {
            m_gps_log.push_back(std::move(line));
        }
        constexpr std::size_t kept_lines = 8;
        if (m_gps_log.size() > kept_lines) {
            m_gps_log.erase(m_gps_log.begin(),
                            m_gps_log.end() - static_cast<std::ptrdiff_t>(kept_lines));
        }
        for (const std::string& line : m_gps_log) {
            tip << "\n" << utf8(line);
        }
    }
    if (GetStatusBar()->GetStatusText(status_gps) != text) {
        const bool longer = text.length() > GetStatusBar()->GetStatusText(status_gps).length();
        SetStatusText(text, status_gps);
        if (longer) {
            size_panes_and_status();
        }
    }
    if (GetStatusBar()->GetToolTipText() != tip) {
        GetStatusBar()->SetToolTip(tip);
    }
}

LiveFleet::ServerStatus MainFrame::gps_status() const {
    return m_live ? m_live->server_status() : LiveFleet::ServerStatus{};
}

LiveFleet::PortalStatus MainFrame::portal_status() const {
    return m_live ? m_live->portal_status() : LiveFleet::PortalStatus{};
}

std::size_t MainFrame::coverage_directions() const {
    const auto& passes = m_canvas->style().coverage.passes;
    return passes ? passes->size() : 0;
}

std::optional<std::int64_t> MainFrame::vehicle_id(const std::string& code) const {
    for (const auto& [id, known] : m_vehicle_codes) {
        if (known == code) {
            return id;
        }
    }
    return std::nullopt;
}

std::string MainFrame::vehicle_code(std::int64_t id) const {
    const auto it = m_vehicle_codes.find(id);
    return it == m_vehicle_codes.end() ? std::string() : it->second;
}

void MainFrame::set_road_colouring(gis::RoadColouring colouring) {
    gis::MapStyle style = m_canvas->style();
    if (style.road_colouring != colouring) {
        if (colouring == gis::RoadColouring::time_since_pass) {
            // The classes need their legend on the map.
            m_legend_before_coverage = style.legend;
            style.legend = true;
        } else {
            style.legend = m_legend_before_coverage;
            style.coverage = {};
        }
        style.road_colouring = colouring;
        m_canvas->set_style(style);
        refresh_coverage(unix_now_ms(), true);
    }
    update_command_states();
}

void MainFrame::select_vehicle(std::optional<std::int64_t> vehicle_id) {
    m_selected = vehicle_id;
    update_track(unix_now_ms(), true);
    push_overlay();
    update_command_states();
}

void MainFrame::follow_vehicle(std::optional<std::int64_t> vehicle_id) {
    m_following = vehicle_id;
    if (m_replay->active()) {
        // The replay follows the vehicle where it was, not where it is now.
        m_replay->follow(vehicle_id ? vehicle_code(*vehicle_id) : std::string());
        m_vehicle_panel->show_following(m_following);
        update_command_states();
        return;
    }
    if (vehicle_id) {
        if (m_selected != vehicle_id) {
            select_vehicle(vehicle_id);
            m_vehicle_panel->select(vehicle_id);
        }
        for (const dispatch::VehicleStatus& v : m_vehicles) {
            if (v.vehicle.id == *vehicle_id && v.position) {
                m_canvas->centre_on(*v.position);
            }
        }
    }
    m_vehicle_panel->show_following(m_following);
    update_command_states();
}

void MainFrame::show_pane(const std::string& name, bool show) {
    wxAuiPaneInfo& pane = m_aui.GetPane(utf8(name));
    if (!pane.IsOk()) {
        return;
    }
    pane.Show(show);
    m_aui.Update();
    if (name == pane_orders) {
        if (show) {
            m_orders->redraw();
        } else {
            m_orders->set_selecting(false);
            m_canvas->set_order_overlay({});
        }
    }
    update_command_states();
}

void MainFrame::arm_zone_tool(bool armed) {
    if (!m_project) {
        return;
    }
    m_canvas->arm_zone_tool(armed);
    if (armed) {
        SetStatusText(_("Click the corners of the zone; double-click or Enter to finish, Esc to "
                        "cancel."),
                      status_lonlat);
    }
    update_command_states();
}

void MainFrame::set_zone_answer(std::string name, std::string dwell_s) {
    m_zone_answer.emplace(std::move(name), std::move(dwell_s));
}

void MainFrame::on_zone_drawn(gis::Polyline ring) {
    std::string name;
    std::int64_t dwell_s = 0;
    if (m_zone_answer) {
        const auto [answer_name, answer_dwell] = *m_zone_answer;
        m_zone_answer.reset();
        const auto checked =
            check_geofence_input(utf8(answer_name), utf8(answer_dwell), m_report_error);
        if (!checked) {
            return;
        }
        name = std::string(utf8(answer_name).Trim().Trim(false).utf8_str());
        dwell_s = *checked;
    } else {
        GeofenceDialog dialog(this, m_report_error);
        if (dialog.ShowModal() != wxID_OK) {
            return;
        }
        name = dialog.name();
        dwell_s = dialog.dwell_s();
    }
    save_zone(ring, name, dwell_s);
}

void MainFrame::save_zone(const gis::Polyline& ring, const std::string& name,
                          std::int64_t dwell_s) {
    if (!m_project) {
        return;
    }
    try {
        data::Project project = data::Project::open(m_project->path(), data::OpenMode::read_write);
        dispatch::Geofence zone;
        zone.name = name;
        zone.dwell_ms = dwell_s * 1000;
        zone.ring = ring;
        dispatch::save_geofence(project, zone);
        project.close();
    } catch (const std::exception& e) {
        m_report_error(_("Yukimichi: the geofence cannot be saved"), utf8(e.what()));
        return;
    }
    if (m_live) {
        m_live->reload();
    }
    read_geofences();
    push_overlay();
    SetStatusText(wxString::Format(_("Geofence %s saved."), utf8(name)), status_lonlat);
}

void MainFrame::remove_zone(std::int64_t geofence_id) {
    if (!m_project) {
        return;
    }
    try {
        data::Project project = data::Project::open(m_project->path(), data::OpenMode::read_write);
        dispatch::remove_geofence(project, geofence_id);
        project.close();
    } catch (const std::exception& e) {
        m_report_error(_("Yukimichi: error"), utf8(e.what()));
        return;
    }
    if (m_live) {
        m_live->reload();
    }
    read_geofences();
    push_overlay();
}

void MainFrame::centre_on_alert(const dispatch::Alert& alert) {
    std::optional<gis::XY> where = alert.position;
    if (!where) {
        for (const dispatch::VehicleStatus& v : m_vehicles) {
            if (v.vehicle.id == alert.vehicle_id) {
                where = v.position;
            }
        }
    }
    if (where) {
        m_canvas->centre_on(*where);
    }
    select_vehicle(alert.vehicle_id);
    m_vehicle_panel->select(alert.vehicle_id);
}

void MainFrame::show_fleet_dialog() {
    if (!m_project) {
        return;
    }
    try {
        FleetDialog dialog(this, m_project->path(), m_language, m_report_error,
                           [this] { fleet_changed(); });
        dialog.ShowModal();
    } catch (const std::exception& e) {
        m_report_error(_("Yukimichi: error"), utf8(e.what()));
    }
}

void MainFrame::fleet_changed() {
    if (m_live) {
        m_live->reload();
    }
    read_fleet_names();
    refresh_fleet();
}

bool MainFrame::edit_vehicle_in_fleet_dialog(const std::string& code, const std::string& field,
                                             const std::string& value) {
    if (!m_project) {
        return false;
    }
    try {
        auto* dialog = new FleetDialog(this, m_project->path(), m_language, m_report_error,
                                       [this] { fleet_changed(); });
        dialog->Show();
        const bool saved = dialog->edit_vehicle(code, field, utf8(value));
        dialog->Destroy();
        return saved;
    } catch (const std::exception& e) {
        m_report_error(_("Yukimichi: error"), utf8(e.what()));
        return false;
    }
}

bool MainFrame::import_vehicles_csv(const std::filesystem::path& csv) {
    if (!m_project) {
        return false;
    }
    try {
        auto* dialog = new FleetDialog(this, m_project->path(), m_language, m_report_error,
                                       [this] { fleet_changed(); });
        dialog->Show();
        const bool imported = dialog->import_csv(csv);
        dialog->Destroy();
        return imported;
    } catch (const std::exception& e) {
        m_report_error(_("Yukimichi: error"), utf8(e.what()));
        return false;
    }
}

} // namespace ykm::gui

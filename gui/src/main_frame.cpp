#include "main_frame.hpp"

#include "layers_panel.hpp"
#include "map_canvas.hpp"
#include "preferences_dialog.hpp"
#include "side_panels.hpp"
#include "ykm/data/map_query.hpp"
#include "ykm/gis/error.hpp"
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
};

constexpr int status_lonlat = 0;
constexpr int status_projected = 1;
constexpr int status_scale = 2;
constexpr int status_crs = 3;

const char* const pane_layers = "layers";
const char* const pane_identify = "identify";
const char* const pane_search = "search";
const char* const pane_map = "map";

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

    CreateStatusBar(4);
    GetStatusBar()->SetName("status_bar");
    SetStatusText(_("No project"), status_crs);

    build_panes();
    m_default_perspective = m_aui.SavePerspective();
    if (restore_layout) {
        restore_settings();
    }
    apply_large_font(m_preferences.large_font);
    m_aui.Update();
    update_command_states();

    Bind(wxEVT_CHAR_HOOK, &MainFrame::on_char_hook, this);
    Bind(wxEVT_CLOSE_WINDOW, &MainFrame::on_close, this);
    // The frame was created at `size`; the layout must not shrink it to its panes' best size.
    if (!restore_layout) {
        SetSize(size);
    }
}

MainFrame::~MainFrame() {
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
    view->AppendCheckItem(id_large_font, _("Lar&ge fonts\tCtrl+Shift+L"),
                          _("Larger text in the window and on the map"));
    view->AppendSeparator();
    view->AppendCheckItem(id_pane_layers, _("La&yers panel\tCtrl+1"));
    view->AppendCheckItem(id_pane_identify, _("I&dentify panel\tCtrl+2"));
    view->AppendCheckItem(id_pane_search, _("&Search panel\tCtrl+3"));
    view->Append(id_reset_layout, _("Rese&t layout"), _("Put the panels back where they were"));

    auto* layers = new wxMenu;
    layers->AppendCheckItem(id_show_roads, _("&Roads\tCtrl+Alt+1"));
    layers->AppendCheckItem(id_show_districts, _("&Work districts\tCtrl+Alt+2"));
    layers->AppendCheckItem(id_show_depots, _("&Depots\tCtrl+Alt+3"));
    layers->AppendCheckItem(id_show_dump_sites, _("&Snow dump sites\tCtrl+Alt+4"));
    layers->AppendCheckItem(id_show_basemap, _("&Basemap\tCtrl+Alt+5"));

    auto* search = new wxMenu;
    search->Append(id_find_road, _("&Find road...\tCtrl+F"), _("Search a road by name or id"));

    auto* help = new wxMenu;
    help->Append(wxID_ABOUT, _("&About Yukimichi\tF1"));

    auto* bar = new wxMenuBar;
    bar->Append(file, _("&File"));
    bar->Append(view, _("&View"));
    bar->Append(layers, _("&Layers"));
    bar->Append(search, _("&Search"));
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
    }
}

void MainFrame::save_settings() {
    if (!m_keep_settings) {
        return;
    }
    m_config.Write("Preferences/Language",
                   wxString(std::string(to_string(m_preferences.language))));
    m_config.Write("Preferences/LargeFont", m_preferences.large_font);
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

    wxStatusBar* status = GetStatusBar();
    if (status == nullptr) {
        return;
    }
    const int margin_px = 3 * status->GetCharWidth();
    const auto width_of = [&](const std::string& sample) {
        return status->GetTextExtent(utf8(sample)).x + margin_px;
    };
    const int crs_px = status->GetTextExtent(status->GetStatusText(status_crs)).x + margin_px;
    // The CRS field takes what is left, but never less than its text.
    const int widths[] = {width_of(lonlat_text({145.12345, -45.12345})),
                          width_of(projected_text({-123456.7, -1234567.8})),
                          width_of(scale_text(12345678.0)), -1};
    SetStatusWidths(4, widths);
    const int fixed_px = widths[0] + widths[1] + widths[2] + crs_px;
    if (GetSize().x < fixed_px) {
        const int narrow[] = {-2, -2, -1, crs_px};
        SetStatusWidths(4, narrow);
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
        m_project.emplace(std::move(project));
        m_info = std::move(info);
        m_to_lonlat = std::move(to_lonlat);
        m_reported_errors.clear();

        gis::MapStyle style = saved_layer_style(path, m_canvas->style());
        style.highlighted_roads.clear();
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
    for (const int id : {id_zoom_in, id_zoom_out, id_full_extent, id_box_zoom, id_pan_left,
                         id_pan_right, id_pan_up, id_pan_down, id_zoom_roads, id_zoom_districts,
                         id_zoom_depots, id_zoom_dump_sites, id_export_pdf, id_print, id_export_png,
                         id_open_basemap, id_find_road}) {
        enable(id, open);
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
    m_preferences = chosen;
    if (font_changed) {
        apply_large_font(m_preferences.large_font);
    }
    save_settings();
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

} // namespace ykm::gui

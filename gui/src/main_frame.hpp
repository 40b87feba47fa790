#pragma once

#include "ykm/data/project.hpp"
#include "ykm/gis/map_renderer.hpp"
#include "ykm/gui/map_commands.hpp"
#include "ykm/gui/preferences.hpp"

#include <wx/aui/framemanager.h>
#include <wx/filehistory.h>
#include <wx/frame.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>

class wxConfigBase;

namespace ykm::gui {

class IdentifyPanel;
class LayersPanel;
class MapCanvas;
class SearchPanel;

/// The main window: the map in the centre, dockable layers, identify and search panels around
/// it (wxAUI), menu, toolbar and status bar.
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

    /// Opens the project at `path` read-only and shows it. On failure reports an error naming
    /// the file and the reason, keeps what was shown before and returns false.
    bool open_project(const std::filesystem::path& path);

    /// Runs a map command as its key, menu item or tool does.
    void run_command(MapCommand command);

    [[nodiscard]] const MapCanvas& canvas() const { return *m_canvas; }
    [[nodiscard]] MapCanvas& canvas() { return *m_canvas; }
    [[nodiscard]] IdentifyPanel& identify_panel() { return *m_identify; }
    [[nodiscard]] SearchPanel& search_panel() { return *m_search; }
    [[nodiscard]] LayersPanel& layers_panel() { return *m_layers; }

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
};

} // namespace ykm::gui

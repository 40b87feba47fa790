#include "main_frame.hpp"

#include "road_view.hpp"
#include "ykm/data/project.hpp"

#include <wx/aboutdlg.h>
#include <wx/filedlg.h>
#include <wx/menu.h>
#include <wx/sizer.h>
#include <wx/statusbr.h>

#ifndef YKM_VERSION
#define YKM_VERSION "0.0.0"
#endif

namespace ykm::gui {

namespace {

wxString utf8(const std::string& s) {
    return wxString::FromUTF8(s);
}

} // namespace

MainFrame::MainFrame(UiLanguage language, const wxSize& size, ErrorReporter report_error)
    : wxFrame(nullptr, wxID_ANY, utf8(window_title({})), wxDefaultPosition, size),
      m_language(language), m_report_error(std::move(report_error)) {
    const UiText& text = ui_text(language);

    auto* file_menu = new wxMenu;
    file_menu->Append(wxID_OPEN, utf8(text.menu_open));
    file_menu->AppendSeparator();
    file_menu->Append(wxID_EXIT, utf8(text.menu_quit));
    auto* help_menu = new wxMenu;
    help_menu->Append(wxID_ABOUT, utf8(text.menu_about));
    auto* menu_bar = new wxMenuBar;
    menu_bar->Append(file_menu, utf8(text.menu_file));
    menu_bar->Append(help_menu, utf8(text.menu_help));
    SetMenuBar(menu_bar);

    CreateStatusBar(2);
    const int widths[] = {-3, -1};
    SetStatusWidths(2, widths);
    SetStatusText(utf8(text.no_project), 0);

    m_view = new RoadView(this, language);
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(m_view, 1, wxEXPAND);
    SetSizer(sizer);

    Bind(wxEVT_MENU, &MainFrame::on_open, this, wxID_OPEN);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { Close(); }, wxID_EXIT);
    Bind(wxEVT_MENU, &MainFrame::on_about, this, wxID_ABOUT);

    // The frame was created at `size`; the sizer must not shrink it to the view's best size.
    SetSize(size);
}

bool MainFrame::open_project(const std::filesystem::path& path) {
    try {
        data::Project project = data::Project::open(path, data::OpenMode::read_only);
        const data::ProjectInfo info = project.info();
        const gis::RoadNetwork network = project.load_road_network();
        m_view->show_roads(network, info.km_by_priority);
        SetTitle(utf8(window_title(path.filename().string())));
        SetStatusText(utf8(gis::to_string(info.crs) + "  " + info.crs_name), 0);
        SetStatusText(utf8(segment_count_text(m_language, info.segment_count)), 1);
        return true;
    } catch (const std::exception& e) {
        const UiText& text = ui_text(m_language);
        m_report_error(utf8(text.error_title), utf8(std::string(text.cannot_open_project) + ": " +
                                                    path.string() + "\n\n" + e.what()));
        return false;
    }
}

void MainFrame::on_open(wxCommandEvent&) {
    const UiText& text = ui_text(m_language);
    wxFileDialog dialog(this, utf8(text.open_dialog_title), wxEmptyString, wxEmptyString,
                        utf8(text.open_dialog_wildcard), wxFD_OPEN | wxFD_FILE_MUST_EXIST);
    if (dialog.ShowModal() == wxID_OK) {
        open_project(std::filesystem::path(std::string(dialog.GetPath().utf8_str())));
    }
}

void MainFrame::on_about(wxCommandEvent&) {
    wxAboutDialogInfo info;
    info.SetName(utf8("雪道 Yukimichi"));
    info.SetVersion(YKM_VERSION);
    info.SetDescription(utf8(ui_text(m_language).about_description));
    wxAboutBox(info, this);
}

} // namespace ykm::gui

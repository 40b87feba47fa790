#pragma once

#include "ykm/gui/ui_text.hpp"

#include <wx/frame.h>

#include <filesystem>
#include <functional>

namespace ykm::gui {

class RoadView;

/// The main window: menu, map of the project's roads, status bar with CRS and segment count.
class MainFrame : public wxFrame {
public:
    /// Shows an error to the user; the window keeps running afterwards.
    using ErrorReporter = std::function<void(const wxString& title, const wxString& message)>;

    MainFrame(UiLanguage language, const wxSize& size, ErrorReporter report_error);

    /// Opens the project at `path` read-only and shows its roads. On failure reports an error
    /// naming the file, keeps what was shown before and returns false.
    bool open_project(const std::filesystem::path& path);

    [[nodiscard]] const RoadView& road_view() const { return *m_view; }

private:
    void on_open(wxCommandEvent& event);
    void on_about(wxCommandEvent& event);

    UiLanguage m_language;
    ErrorReporter m_report_error;
    RoadView* m_view = nullptr;
};

} // namespace ykm::gui

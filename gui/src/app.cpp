// yukimichi: the desktop window of Yukimichi. Parses the command line before wxWidgets starts,
// so that file names are taken as the bytes the shell gave, then runs the window.

#include "main_frame.hpp"
#include "road_view.hpp"
#include "screenshot.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gui/launch_options.hpp"

#include <wx/app.h>
#include <wx/msgdlg.h>
#include <wx/timer.h>

#include <cstdio>
#include <string>
#include <vector>

#ifndef YKM_VERSION
#define YKM_VERSION "0.0.0"
#endif

namespace ykm::gui {

namespace {

constexpr int screenshot_poll_ms = 100;
/// Polls after the first paint before reading the screen, so the X server has drawn everything.
constexpr int screenshot_settle_polls = 3;
constexpr int screenshot_timeout_polls = 150;

} // namespace

class App : public wxApp {
public:
    explicit App(LaunchOptions options) : m_options(std::move(options)) {}

    bool OnInit() override {
        // wxApp::OnInit is not called: the command line was parsed already in main().
        const bool headless = m_options.screenshot.has_value();
        MainFrame::ErrorReporter report;
        if (headless) {
            report = [this](const wxString&, const wxString& message) {
                std::fprintf(stderr, "yukimichi: %s\n", message.utf8_str().data());
                m_exit_code = 2;
            };
        } else {
            report = [this](const wxString& title, const wxString& message) {
                wxMessageBox(message, title, wxOK | wxICON_ERROR, m_frame);
            };
        }
        m_frame = new MainFrame(language_from_environment(),
                                wxSize(m_options.width_px, m_options.height_px), report);
        m_frame->Centre();
        m_frame->Show();
        if (m_options.project && !m_frame->open_project(*m_options.project) && headless) {
            m_frame->Destroy();
            return true;
        }
        if (headless) {
            m_timer.SetOwner(this);
            Bind(wxEVT_TIMER, &App::on_screenshot_poll, this);
            m_timer.Start(screenshot_poll_ms);
        }
        return true;
    }

    int OnRun() override {
        const int loop_code = wxApp::OnRun();
        return m_exit_code != 0 ? m_exit_code : loop_code;
    }

private:
    void on_screenshot_poll(wxTimerEvent&) {
        ++m_polls;
        if (m_frame->road_view().paint_count() > 0 && m_frame->IsShownOnScreen()) {
            ++m_polls_since_paint;
        }
        if (m_polls_since_paint < screenshot_settle_polls) {
            if (m_polls > screenshot_timeout_polls) {
                std::fprintf(stderr, "yukimichi: the window was not drawn within %d s\n",
                             screenshot_timeout_polls * screenshot_poll_ms / 1000);
                finish(1);
            }
            return;
        }
        try {
            m_frame->Update();
            save_window_png(*m_frame, *m_options.screenshot);
            finish(0);
        } catch (const Error& e) {
            std::fprintf(stderr, "yukimichi: %s\n", e.what());
            finish(2);
        }
    }

    void finish(int exit_code) {
        m_timer.Stop();
        m_exit_code = exit_code;
        m_frame->Destroy();
    }

    LaunchOptions m_options;
    MainFrame* m_frame = nullptr;
    wxTimer m_timer;
    int m_polls = 0;
    int m_polls_since_paint = 0;
    int m_exit_code = 0;
};

} // namespace ykm::gui

int main(int argc, char** argv) {
    using namespace ykm::gui;
    LaunchOptions options;
    try {
        options = parse_launch_options(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const ykm::Error& e) {
        std::fprintf(stderr, "yukimichi: %s\n%s", e.what(), launch_usage);
        return 2;
    }
    if (options.show_help) {
        std::fputs(launch_usage, stdout);
        return 0;
    }
    if (options.show_version) {
        std::printf("yukimichi %s\n", YKM_VERSION);
        return 0;
    }
    // wxEntry() takes ownership of the application object.
    wxApp::SetInstance(new App(std::move(options)));
    return wxEntry(argc, argv);
}

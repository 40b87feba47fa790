// yukimichi: the desktop window of Yukimichi. Parses the command line before wxWidgets starts,
// so that file names are taken as the bytes the shell gave, then runs the window.

#include "main_frame.hpp"
#include "map_canvas.hpp"
#include "screenshot.hpp"
#include "script_runner.hpp"
#include "translations.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gui/launch_options.hpp"
#include "ykm/gui/ui_text.hpp"

#include <wx/app.h>
#include <wx/fileconf.h>
#include <wx/msgdlg.h>
#include <wx/timer.h>
#include <wx/utils.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#ifndef YKM_VERSION
#define YKM_VERSION "0.0.0"
#endif

namespace ykm::gui {

namespace {

constexpr int poll_ms = 100;
/// Polls after the first complete frame before reading the screen, so the X server has drawn
/// everything.
constexpr int settle_polls = 3;
constexpr int timeout_polls = 300;

/// Reads the preferences the user saved.
Preferences read_preferences(wxConfigBase& config) {
    Preferences preferences;
    preferences.language =
        parse_language_choice(std::string(config.Read("Preferences/Language", "auto").utf8_str()));
    preferences.large_font = config.ReadBool("Preferences/LargeFont", false);
    preferences.gps.enabled = config.ReadBool("Preferences/GpsServer", preferences.gps.enabled);
    preferences.gps.http_listen = std::string(
        config.Read("Preferences/GpsHttpListen", wxString::FromUTF8(preferences.gps.http_listen))
            .utf8_str());
    preferences.gps.nmea_listen = std::string(
        config.Read("Preferences/GpsNmeaListen", wxString::FromUTF8(preferences.gps.nmea_listen))
            .utf8_str());
    preferences.gps.portal_listen = std::string(
        config.Read("Preferences/PortalListen", wxString::FromUTF8(preferences.gps.portal_listen))
            .utf8_str());
    return preferences;
}

} // namespace

class App : public wxApp {
public:
    explicit App(LaunchOptions options) : m_options(std::move(options)) {}

    bool OnInit() override {
        // wxApp::OnInit is not called: the command line was parsed already in main().
        SetAppName("yukimichi");
        SetVendorName("Yukimichi");
        // ~/.config/yukimichi/yukimichi.conf, XDG_CONFIG_HOME honoured (wxFileConfig of
        // wxWidgets 3.2.2 still uses ~/.yukimichi whatever the file layout).
        const char* xdg = std::getenv("XDG_CONFIG_HOME");
        const std::filesystem::path config_file =
            config_file_path(xdg == nullptr ? "" : xdg, std::string(wxGetHomeDir().utf8_str()));
        std::error_code ignored;
        std::filesystem::create_directories(config_file.parent_path(), ignored);
        m_config = std::make_unique<wxFileConfig>("yukimichi", "Yukimichi",
                                                  wxString::FromUTF8(config_file.string()),
                                                  wxEmptyString, wxCONFIG_USE_LOCAL_FILE);
        const Preferences preferences = read_preferences(*m_config);
        const UiLanguage language = effective_language(preferences, language_from_environment());
        set_up_translations(language);

        const bool headless = m_options.screenshot || m_options.commands || m_options.dump_menus;
        if (headless) {
            // No one is there to answer an assertion dialog: say it on stderr and go on.
            wxSetAssertHandler([](const wxString& file, int line, const wxString& function,
                                  const wxString& condition, const wxString& message) {
                std::fprintf(stderr, "yukimichi: assertion %s failed in %s (%s:%d): %s\n",
                             condition.utf8_str().data(), function.utf8_str().data(),
                             file.utf8_str().data(), line, message.utf8_str().data());
            });
        }
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
        m_frame =
            new MainFrame(preferences, language, wxSize(m_options.width_px, m_options.height_px),
                          *m_config, !headless, report);
        if (m_options.dump_menus) {
            std::fputs(m_frame->menu_labels().utf8_str().data(), stdout);
            m_frame->Destroy();
            return true;
        }
        // Headless runs (screenshots, tests) open no network port unless asked to.
        m_frame->set_gps_override(m_options.gps_listen,
                                  m_options.no_gps_server || (headless && !m_options.gps_listen),
                                  m_options.portal_listen);
        if (headless) {
            m_frame->Move(0, 0);
        } else {
            m_frame->Centre();
        }
        m_frame->Show();
        if (m_options.project && !m_frame->open_project(*m_options.project) && headless) {
            m_frame->Destroy();
            return true;
        }
        if (headless) {
            m_timer.SetOwner(this);
            Bind(wxEVT_TIMER, &App::on_poll, this);
            m_timer.Start(poll_ms);
        }
        return true;
    }

    int OnRun() override {
        if (m_options.dump_menus) {
            // The window was never shown: there is no event loop to wait for.
            return 0;
        }
        const int loop_code = wxApp::OnRun();
        return m_exit_code != 0 ? m_exit_code : loop_code;
    }

    int OnExit() override {
        m_config.reset();
        return wxApp::OnExit();
    }

private:
    /// Waits in the headless modes until the window is on screen and, with a project, the
    /// worker's picture of the current view has been painted.
    void on_poll(wxTimerEvent&) {
        ++m_polls;
        if (m_exit_code != 0) {
            finish(m_exit_code);
            return;
        }
        const bool ready =
            m_frame->IsShownOnScreen() && (!m_frame->canvas().has_project() || m_options.commands ||
                                           m_frame->canvas().shows_current_frame());
        m_polls_ready = ready ? m_polls_ready + 1 : 0;
        if (m_polls_ready < settle_polls) {
            if (m_polls > timeout_polls) {
                std::fprintf(stderr, "yukimichi: the map was not drawn within %d s\n",
                             timeout_polls * poll_ms / 1000);
                finish(1);
            }
            return;
        }
        if (m_options.commands) {
            run_commands();
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

    /// `--commands`: the steps through the window's own handlers, then the result as JSON.
    void run_commands() {
        m_timer.Stop();
        m_script = std::make_unique<ScriptRunner>(
            *m_frame, *m_options.commands, [this](int exit_code, const std::string& json) {
                std::printf("%s\n", json.c_str());
                std::fflush(stdout);
                // Not from inside the runner's own timer event.
                CallAfter(
                    [this, exit_code] { finish(m_exit_code != 0 ? m_exit_code : exit_code); });
            });
        m_script->start();
    }

    void finish(int exit_code) {
        m_timer.Stop();
        m_script.reset();
        m_exit_code = exit_code;
        m_frame->Destroy();
    }

    LaunchOptions m_options;
    std::unique_ptr<wxFileConfig> m_config;
    MainFrame* m_frame = nullptr;
    wxTimer m_timer;
    std::unique_ptr<ScriptRunner> m_script;
    int m_polls = 0;
    int m_polls_ready = 0;
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

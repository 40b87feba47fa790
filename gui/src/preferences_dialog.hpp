#pragma once

#include "ykm/gui/preferences.hpp"

#include <wx/dialog.h>

class wxCheckBox;
class wxRadioBox;
class wxTextCtrl;

namespace ykm::gui {

/// Preferences: the language of the window (used from the next start), large fonts and the
/// embedded GPS server. OK refuses an address that is not HOST:PORT, naming its field.
class PreferencesDialog : public wxDialog {
public:
    PreferencesDialog(wxWindow* parent, const Preferences& preferences);

    /// The preferences as the user left them.
    [[nodiscard]] Preferences preferences() const;

private:
    /// Checks the GPS addresses; reports the first bad one and returns false.
    bool check();

    wxRadioBox* m_language = nullptr;
    wxCheckBox* m_large_font = nullptr;
    wxCheckBox* m_gps_enabled = nullptr;
    wxTextCtrl* m_gps_http = nullptr;
    wxTextCtrl* m_gps_nmea = nullptr;
    wxTextCtrl* m_portal = nullptr;
};

} // namespace ykm::gui

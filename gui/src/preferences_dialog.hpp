#pragma once

#include "ykm/gui/preferences.hpp"

#include <wx/dialog.h>

class wxCheckBox;
class wxRadioBox;

namespace ykm::gui {

/// Preferences: the language of the window (used from the next start) and large fonts.
class PreferencesDialog : public wxDialog {
public:
    PreferencesDialog(wxWindow* parent, const Preferences& preferences);

    /// The preferences as the user left them.
    [[nodiscard]] Preferences preferences() const;

private:
    wxRadioBox* m_language = nullptr;
    wxCheckBox* m_large_font = nullptr;
};

} // namespace ykm::gui

#include "preferences_dialog.hpp"

#include <wx/checkbox.h>
#include <wx/radiobox.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

namespace ykm::gui {

namespace {

// The radio box rows, in this order.
constexpr LanguageChoice language_rows[] = {LanguageChoice::automatic, LanguageChoice::japanese,
                                            LanguageChoice::english};

} // namespace

PreferencesDialog::PreferencesDialog(wxWindow* parent, const Preferences& preferences)
    : wxDialog(parent, wxID_ANY, _("Preferences")) {
    SetName("preferences_dialog");
    // Each language's own name, so that a user who cannot read the current one finds theirs.
    const wxString choices[] = {_("Automatic (from the system locale)"),
                                wxString::FromUTF8("日本語"), wxString("English")};
    m_language = new wxRadioBox(this, wxID_ANY, _("&Language"), wxDefaultPosition, wxDefaultSize, 3,
                                choices, 1, wxRA_SPECIFY_COLS);
    m_language->SetName("language");
    m_language->SetToolTip(_("Language of the menus, panels and map labels"));
    for (int i = 0; i < 3; ++i) {
        if (language_rows[i] == preferences.language) {
            m_language->SetSelection(i);
        }
    }
    auto* note = new wxStaticText(this, wxID_ANY,
                                  _("A change of language takes effect when Yukimichi is "
                                    "started again."));
    m_large_font = new wxCheckBox(this, wxID_ANY, _("Large &fonts in the window and on the map"));
    m_large_font->SetName("large_fonts");
    m_large_font->SetValue(preferences.large_font);

    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(m_language, 0, wxEXPAND | wxALL, 8);
    sizer->Add(note, 0, wxEXPAND | wxLEFT | wxRIGHT, 8);
    sizer->Add(m_large_font, 0, wxEXPAND | wxALL, 8);
    sizer->Add(CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, 8);
    SetSizerAndFit(sizer);
}

Preferences PreferencesDialog::preferences() const {
    Preferences preferences;
    const int row = m_language->GetSelection();
    preferences.language = row >= 0 && row < 3 ? language_rows[row] : LanguageChoice::automatic;
    preferences.large_font = m_large_font->GetValue();
    return preferences;
}

} // namespace ykm::gui

#include "preferences_dialog.hpp"

#include "ykm/gis/error.hpp"
#include "ykm/gui/fleet_view.hpp"

#include <wx/checkbox.h>
#include <wx/msgdlg.h>
#include <wx/radiobox.h>
#include <wx/sizer.h>
#include <wx/statbox.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

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

    auto* gps = new wxStaticBoxSizer(wxVERTICAL, this, _("GPS server"));
    wxWindow* box = gps->GetStaticBox();
    m_gps_enabled = new wxCheckBox(box, wxID_ANY, _("&Receive vehicle positions"));
    m_gps_enabled->SetName("gps_enabled");
    m_gps_enabled->SetValue(preferences.gps.enabled);
    m_gps_http = new wxTextCtrl(box, wxID_ANY, wxString::FromUTF8(preferences.gps.http_listen));
    m_gps_http->SetName("gps_http");
    m_gps_http->SetToolTip(_("Where phones and loggers send OsmAnd fixes (Traccar Client), e.g. "
                             "0.0.0.0:5055 for the whole network"));
    m_gps_nmea = new wxTextCtrl(box, wxID_ANY, wxString::FromUTF8(preferences.gps.nmea_listen));
    m_gps_nmea->SetName("gps_nmea");
    m_gps_nmea->SetToolTip(_("Where NMEA 0183 devices connect over TCP; empty for none"));
    m_portal = new wxTextCtrl(box, wxID_ANY, wxString::FromUTF8(preferences.gps.portal_listen));
    m_portal->SetName("portal_http");
    m_portal->SetToolTip(_("Where contractors open the portal to receive and answer their work "
                           "orders, e.g. 0.0.0.0:8080 behind an HTTPS proxy; empty for none"));
    auto* grid = new wxFlexGridSizer(2, 6, 8);
    grid->AddGrowableCol(1, 1);
    grid->Add(new wxStaticText(box, wxID_ANY, _("&OsmAnd (HTTP) address:")), 0,
              wxALIGN_CENTER_VERTICAL);
    grid->Add(m_gps_http, 1, wxEXPAND);
    grid->Add(new wxStaticText(box, wxID_ANY, _("&NMEA (TCP) address:")), 0,
              wxALIGN_CENTER_VERTICAL);
    grid->Add(m_gps_nmea, 1, wxEXPAND);
    grid->Add(new wxStaticText(box, wxID_ANY, _("Contractor &portal (HTTP) address:")), 0,
              wxALIGN_CENTER_VERTICAL);
    grid->Add(m_portal, 1, wxEXPAND);
    gps->Add(m_gps_enabled, 0, wxALL, 6);
    gps->Add(grid, 0, wxEXPAND | wxALL, 6);
    gps->Add(new wxStaticText(box, wxID_ANY,
                              _("The server restarts with the new addresses when you press OK.")),
             0, wxALL, 6);
    const auto enable = [this] {
        m_gps_http->Enable(m_gps_enabled->GetValue());
        m_gps_nmea->Enable(m_gps_enabled->GetValue());
        m_portal->Enable(m_gps_enabled->GetValue());
    };
    enable();
    m_gps_enabled->Bind(wxEVT_CHECKBOX, [enable](wxCommandEvent&) { enable(); });

    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(m_language, 0, wxEXPAND | wxALL, 8);
    sizer->Add(note, 0, wxEXPAND | wxLEFT | wxRIGHT, 8);
    sizer->Add(m_large_font, 0, wxEXPAND | wxALL, 8);
    sizer->Add(gps, 0, wxEXPAND | wxLEFT | wxRIGHT, 8);
    sizer->Add(CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, 8);
    SetSizerAndFit(sizer);
    Bind(
        wxEVT_BUTTON,
        [this](wxCommandEvent& event) {
            if (check()) {
                event.Skip();
            }
        },
        wxID_OK);
}

bool PreferencesDialog::check() {
    if (!m_gps_enabled->GetValue()) {
        return true;
    }
    const auto bad = [this](wxTextCtrl* field, const wxString& name, const std::exception& e) {
        wxMessageBox(wxString::Format(_("%s: %s"), name, wxString::FromUTF8(e.what())),
                     _("Yukimichi: preferences"), wxOK | wxICON_ERROR, this);
        field->SetFocus();
        return false;
    };
    try {
        (void)parse_listen_address(std::string(m_gps_http->GetValue().utf8_str()));
    } catch (const Error& e) {
        return bad(m_gps_http, _("OsmAnd (HTTP) address"), e);
    }
    const wxString nmea = wxString(m_gps_nmea->GetValue()).Trim().Trim(false);
    if (!nmea.empty()) {
        try {
            (void)parse_listen_address(std::string(nmea.utf8_str()));
        } catch (const Error& e) {
            return bad(m_gps_nmea, _("NMEA (TCP) address"), e);
        }
    }
    const wxString portal = wxString(m_portal->GetValue()).Trim().Trim(false);
    if (!portal.empty()) {
        try {
            (void)parse_listen_address(std::string(portal.utf8_str()));
        } catch (const Error& e) {
            return bad(m_portal, _("Contractor portal (HTTP) address"), e);
        }
    }
    return true;
}

Preferences PreferencesDialog::preferences() const {
    Preferences preferences;
    const int row = m_language->GetSelection();
    preferences.language = row >= 0 && row < 3 ? language_rows[row] : LanguageChoice::automatic;
    preferences.large_font = m_large_font->GetValue();
    preferences.gps.enabled = m_gps_enabled->GetValue();
    preferences.gps.http_listen =
        std::string(wxString(m_gps_http->GetValue()).Trim().Trim(false).utf8_str());
    preferences.gps.nmea_listen =
        std::string(wxString(m_gps_nmea->GetValue()).Trim().Trim(false).utf8_str());
    preferences.gps.portal_listen =
        std::string(wxString(m_portal->GetValue()).Trim().Trim(false).utf8_str());
    return preferences;
}

} // namespace ykm::gui

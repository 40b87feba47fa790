#include "report_dialogs.hpp"

#include "ykm/data/project.hpp"
#include "ykm/dispatch/fee_sheets.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/machine_type.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gui/report_view.hpp"

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/listctrl.h>
#include <wx/msgdlg.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/utils.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <exception>
#include <utility>

namespace ykm::gui {

using namespace report_widgets;

namespace {

std::string staff_login() {
    const wxString login = wxGetUserId();
    return login.empty() ? std::string("staff") : to_utf8(login);
}

wxString machine_label(dispatch::MachineType machine, UiLanguage language) {
    return utf8(std::string(language == UiLanguage::english ? dispatch::english_name(machine)
                                                            : dispatch::japanese_name(machine)));
}

std::optional<std::int64_t> whole_number(const std::string& text) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::string trimmed(const wxString& text) {
    wxString copy = text;
    return to_utf8(copy.Trim().Trim(false));
}

/// Edits one band of the rate table: machine type, day kind, from, to, yen per hour, name.
class RateEditor : public wxDialog {
public:
    RateEditor(wxWindow* parent, const dispatch::FeeRate& rate, UiLanguage language)
        : wxDialog(parent, wxID_ANY, rate.id == 0 ? _("Add fee rate") : _("Edit fee rate")),
          m_rate(rate) {
        SetName("rate_editor");
        auto* grid = new wxFlexGridSizer(2, 6, 8);
        grid->AddGrowableCol(1, 1);
        const auto row = [&](const wxString& label, wxWindow* control) {
            grid->Add(new wxStaticText(this, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
            grid->Add(control, 1, wxEXPAND);
        };
        m_machine = new wxChoice(this, wxID_ANY);
        for (const dispatch::MachineType m : dispatch::all_machine_types()) {
            if (m == rate.machine) {
                m_machine->SetSelection(static_cast<int>(m_machine->GetCount()));
            }
            m_machine->Append(machine_label(m, language));
        }
        if (m_machine->GetSelection() == wxNOT_FOUND) {
            m_machine->SetSelection(0);
        }
        m_day = new wxChoice(this, wxID_ANY);
        m_day->Append(_("Weekday"));
        m_day->Append(_("Holiday"));
        m_day->SetSelection(rate.day == dispatch::DayKind::holiday ? 1 : 0);
        m_from = new wxTextCtrl(
            this, wxID_ANY,
            utf8(dispatch::band_text(rate.band_start_min, rate.band_end_min).substr(0, 5)));
        m_to = new wxTextCtrl(
            this, wxID_ANY,
            utf8(dispatch::band_text(rate.band_start_min, rate.band_end_min).substr(6)));
        m_to->SetToolTip(_("HH:MM, up to 24:00"));
        m_yen = new wxTextCtrl(this, wxID_ANY,
                               wxString::Format("%lld", static_cast<long long>(rate.yen_per_hour)));
        m_name = new wxTextCtrl(this, wxID_ANY, utf8(rate.name));
        row(_("Machine type"), m_machine);
        row(_("Day kind"), m_day);
        row(_("From (HH:MM)"), m_from);
        row(_("To (HH:MM)"), m_to);
        row(_("Yen per hour"), m_yen);
        row(_("Name"), m_name);
        auto* sizer = new wxBoxSizer(wxVERTICAL);
        sizer->Add(grid, 0, wxEXPAND | wxALL, 8);
        sizer->Add(CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, 8);
        SetSizerAndFit(sizer);
        Bind(
            wxEVT_BUTTON,
            [this](wxCommandEvent& event) {
                if (read()) {
                    event.Skip();
                }
            },
            wxID_OK);
    }

    [[nodiscard]] const dispatch::FeeRate& rate() const { return m_rate; }

private:
    /// Reads the fields; says what is wrong and returns false when one is not a time or number.
    bool read() {
        const auto from = dispatch::parse_clock_minutes(trimmed(m_from->GetValue()));
        const auto to = dispatch::parse_clock_minutes(trimmed(m_to->GetValue()));
        const auto yen = whole_number(trimmed(m_yen->GetValue()));
        wxString problem;
        if (!from) {
            problem = _("From: write the time as HH:MM, e.g. 22:00.");
        } else if (!to) {
            problem = _("To: write the time as HH:MM, e.g. 24:00.");
        } else if (!yen) {
            problem = _("Yen per hour: write a whole number, e.g. 12500.");
        }
        if (!problem.empty()) {
            wxMessageBox(problem, _("Fee rate"), wxOK | wxICON_WARNING, this);
            return false;
        }
        m_rate.machine = dispatch::all_machine_types()[static_cast<std::size_t>(
            std::max(0, m_machine->GetSelection()))];
        m_rate.day =
            m_day->GetSelection() == 1 ? dispatch::DayKind::holiday : dispatch::DayKind::weekday;
        m_rate.band_start_min = *from;
        m_rate.band_end_min = *to;
        m_rate.yen_per_hour = *yen;
        m_rate.name = trimmed(m_name->GetValue());
        return true;
    }

    dispatch::FeeRate m_rate;
    wxChoice* m_machine = nullptr;
    wxChoice* m_day = nullptr;
    wxTextCtrl* m_from = nullptr;
    wxTextCtrl* m_to = nullptr;
    wxTextCtrl* m_yen = nullptr;
    wxTextCtrl* m_name = nullptr;
};

/// Edits the standby terms of a machine type.
class StandbyEditor : public wxDialog {
public:
    StandbyEditor(wxWindow* parent, UiLanguage language)
        : wxDialog(parent, wxID_ANY, _("Standby terms")) {
        SetName("standby_editor");
        auto* grid = new wxFlexGridSizer(2, 6, 8);
        grid->AddGrowableCol(1, 1);
        m_machine = new wxChoice(this, wxID_ANY);
        for (const dispatch::MachineType m : dispatch::all_machine_types()) {
            m_machine->Append(machine_label(m, language));
        }
        m_machine->SetSelection(0);
        m_hours = new wxTextCtrl(this, wxID_ANY, "0");
        m_yen = new wxTextCtrl(this, wxID_ANY, "0");
        grid->Add(new wxStaticText(this, wxID_ANY, _("Machine type")), 0, wxALIGN_CENTER_VERTICAL);
        grid->Add(m_machine, 1, wxEXPAND);
        grid->Add(new wxStaticText(this, wxID_ANY, _("Standard hours per season")), 0,
                  wxALIGN_CENTER_VERTICAL);
        grid->Add(m_hours, 1, wxEXPAND);
        grid->Add(new wxStaticText(this, wxID_ANY, _("Yen per hour of shortfall")), 0,
                  wxALIGN_CENTER_VERTICAL);
        grid->Add(m_yen, 1, wxEXPAND);
        auto* sizer = new wxBoxSizer(wxVERTICAL);
        sizer->Add(grid, 0, wxEXPAND | wxALL, 8);
        sizer->Add(CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, 8);
        SetSizerAndFit(sizer);
    }

    /// The terms written, or std::nullopt when a field is not a number.
    [[nodiscard]] std::optional<dispatch::StandbyTerms> terms() const {
        double hours = 0.0;
        if (!m_hours->GetValue().ToCDouble(&hours)) {
            return std::nullopt;
        }
        const auto yen = whole_number(trimmed(m_yen->GetValue()));
        if (!yen) {
            return std::nullopt;
        }
        return dispatch::StandbyTerms{dispatch::all_machine_types()[static_cast<std::size_t>(
                                          std::max(0, m_machine->GetSelection()))],
                                      hours, *yen};
    }

private:
    wxChoice* m_machine = nullptr;
    wxTextCtrl* m_hours = nullptr;
    wxTextCtrl* m_yen = nullptr;
};

} // namespace

// ----- fee rates -----

FeeRatesDialog::FeeRatesDialog(wxWindow* parent, ReportContext context, bool ask)
    : wxDialog(parent, wxID_ANY, _("Fee rates"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      m_context(std::move(context)) {
    SetName("fee_rates");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(
        new wxStaticText(this, wxID_ANY, _("Rates per machine type, day kind and time band")), 0,
        wxLEFT | wxRIGHT | wxTOP, 8);
    m_rate_list = make_list(this, "rates", 12,
                            {{_("Machine type"), 14},
                             {_("Day kind"), 8},
                             {_("Band"), 12},
                             {_("Yen per hour"), 10},
                             {_("Name"), 12},
                             {_("Id"), 5}});
    sizer->Add(m_rate_list, 1, wxEXPAND | wxALL, 8);
    auto* rate_buttons = new wxBoxSizer(wxHORIZONTAL);
    auto* add = new wxButton(this, wxID_ANY, _("Add..."));
    auto* edit = new wxButton(this, wxID_ANY, _("Edit..."));
    auto* remove = new wxButton(this, wxID_ANY, _("Remove"));
    rate_buttons->Add(add, 0, wxRIGHT, 4);
    rate_buttons->Add(edit, 0, wxRIGHT, 4);
    rate_buttons->Add(remove);
    sizer->Add(rate_buttons, 0, wxLEFT | wxRIGHT, 8);

    sizer->Add(new wxStaticText(this, wxID_ANY, _("Standby terms per machine type")), 0,
               wxLEFT | wxRIGHT | wxTOP, 8);
    m_standby_list =
        make_list(this, "standby", 4,
                  {{_("Machine type"), 14}, {_("Standard hours"), 10}, {_("Yen per hour"), 10}});
    sizer->Add(m_standby_list, 0, wxEXPAND | wxALL, 8);
    auto* standby_buttons = new wxBoxSizer(wxHORIZONTAL);
    auto* set_standby_button = new wxButton(this, wxID_ANY, _("Set terms..."));
    auto* remove_standby = new wxButton(this, wxID_ANY, _("Remove terms"));
    standby_buttons->Add(set_standby_button, 0, wxRIGHT, 4);
    standby_buttons->Add(remove_standby);
    sizer->Add(standby_buttons, 0, wxLEFT | wxRIGHT, 8);

    auto* season = new wxBoxSizer(wxHORIZONTAL);
    season->Add(new wxStaticText(this, wxID_ANY, _("Season from")), 0,
                wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    m_season_start = new wxTextCtrl(this, wxID_ANY);
    m_season_start->SetName("season_start");
    m_season_start->SetToolTip(_("YYYY-MM-DD"));
    season->Add(m_season_start, 0, wxRIGHT, 8);
    season->Add(new wxStaticText(this, wxID_ANY, _("to")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    m_season_end = new wxTextCtrl(this, wxID_ANY);
    m_season_end->SetName("season_end");
    m_season_end->SetToolTip(_("YYYY-MM-DD"));
    season->Add(m_season_end, 0, wxRIGHT, 8);
    auto* save_season = new wxButton(this, wxID_ANY, _("Save season"));
    season->Add(save_season);
    sizer->Add(season, 0, wxALL, 8);

    sizer->Add(new wxStaticText(this, wxID_ANY,
                                _("Holidays of the project (priced at the holiday rates besides "
                                  "weekends and national holidays)")),
               0, wxLEFT | wxRIGHT, 8);
    m_holiday_list = make_list(this, "holidays", 4, {{_("Date"), 12}, {_("Name"), 20}});
    sizer->Add(m_holiday_list, 0, wxEXPAND | wxALL, 8);
    auto* holiday_row = new wxBoxSizer(wxHORIZONTAL);
    m_holiday_date = new wxTextCtrl(this, wxID_ANY);
    m_holiday_date->SetName("holiday_date");
    m_holiday_date->SetToolTip(_("YYYY-MM-DD"));
    holiday_row->Add(m_holiday_date, 0, wxRIGHT, 4);
    m_holiday_name = new wxTextCtrl(this, wxID_ANY);
    m_holiday_name->SetName("holiday_name");
    m_holiday_name->SetHint(_("Name, e.g. year-end holidays"));
    holiday_row->Add(m_holiday_name, 1, wxRIGHT, 4);
    auto* add_holiday_button = new wxButton(this, wxID_ANY, _("Add holiday"));
    auto* remove_holiday_button = new wxButton(this, wxID_ANY, _("Remove holiday"));
    holiday_row->Add(add_holiday_button, 0, wxRIGHT, 4);
    holiday_row->Add(remove_holiday_button);
    sizer->Add(holiday_row, 0, wxEXPAND | wxLEFT | wxRIGHT, 8);

    auto* close = new wxBoxSizer(wxHORIZONTAL);
    close->AddStretchSpacer();
    close->Add(new wxButton(this, wxID_CLOSE, _("Close")));
    sizer->Add(close, 0, wxEXPAND | wxALL, 8);
    SetSizer(sizer);
    SetSize(FromDIP(wxSize(760, 800)));

    add->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { edit_rate(std::nullopt); });
    edit->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        const auto row = selected_row(*m_rate_list);
        if (row && *row < m_rates.size()) {
            edit_rate(m_rates[*row]);
        }
    });
    m_rate_list->Bind(wxEVT_LIST_ITEM_ACTIVATED, [this](wxListEvent& event) {
        const auto row = static_cast<std::size_t>(event.GetIndex());
        if (row < m_rates.size()) {
            edit_rate(m_rates[row]);
        }
    });
    remove->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        const auto row = selected_row(*m_rate_list);
        if (row && *row < m_rates.size()) {
            remove_rate(m_rates[*row].id, true);
        }
    });
    set_standby_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { edit_standby(); });
    remove_standby->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        const auto row = selected_row(*m_standby_list);
        if (row && *row < m_standby.size()) {
            const dispatch::MachineType machine = m_standby[*row].machine;
            change([machine](dispatch::FeeTables& t) { t.remove_standby(machine); }, true);
        }
    });
    save_season->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        set_season(trimmed(m_season_start->GetValue()), trimmed(m_season_end->GetValue()), true);
    });
    add_holiday_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        add_holiday(trimmed(m_holiday_date->GetValue()), trimmed(m_holiday_name->GetValue()), true);
    });
    remove_holiday_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        // The selected one, else the date written.
        const auto row = selected_row(*m_holiday_list);
        remove_holiday(row && *row < m_holidays.size() ? dispatch::date_text(m_holidays[*row].date)
                                                       : trimmed(m_holiday_date->GetValue()),
                       true);
    });
    m_holiday_list->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent& event) {
        const auto row = static_cast<std::size_t>(event.GetIndex());
        if (row < m_holidays.size()) {
            m_holiday_date->ChangeValue(utf8(dispatch::date_text(m_holidays[row].date)));
            m_holiday_name->ChangeValue(utf8(m_holidays[row].name));
        }
    });
    Bind(
        wxEVT_BUTTON, [this](wxCommandEvent&) { Hide(); }, wxID_CLOSE);
    reload(ask);
}

void FeeRatesDialog::reload(bool ask) {
    const auto path = m_context.project_path();
    if (!path) {
        return;
    }
    try {
        data::Project project = data::Project::open(*path, data::OpenMode::read_write);
        dispatch::FeeTables tables(project);
        m_rates = tables.rates();
        m_standby = tables.standby_terms();
        m_season = tables.season();
        m_holidays = dispatch::HolidayCalendar(project).project_holidays();
    } catch (const std::exception& e) {
        show_refusal(this, _("Fee rates"), utf8(e.what()), ask, m_messages);
    }
    const bool english = m_context.language == UiLanguage::english;
    std::vector<std::vector<std::string>> rows;
    for (const dispatch::FeeRate& r : m_rates) {
        rows.push_back(fee_rate_cells(r, english));
    }
    fill_list(*m_rate_list, rows);
    rows.clear();
    for (const dispatch::StandbyTerms& t : m_standby) {
        rows.push_back({to_utf8(machine_label(t.machine, m_context.language)),
                        to_utf8(wxString::Format("%g", t.standard_hours)),
                        std::to_string(t.yen_per_hour)});
    }
    fill_list(*m_standby_list, rows);
    rows.clear();
    for (const dispatch::Holiday& h : m_holidays) {
        rows.push_back({dispatch::date_text(h.date), h.name});
    }
    fill_list(*m_holiday_list, rows);
    m_season_start->ChangeValue(m_season ? utf8(dispatch::date_text(m_season->start)) : "");
    m_season_end->ChangeValue(m_season ? utf8(dispatch::date_text(m_season->end)) : "");
}

bool FeeRatesDialog::change_project(const std::function<void(data::Project&)>& change,
                                    const wxString& refused, bool ask) {
    const auto path = m_context.project_path();
    if (!path) {
        return false;
    }
    try {
        data::Project project = data::Project::open(*path, data::OpenMode::read_write);
        change(project);
        project.close();
    } catch (const std::exception& e) {
        show_refusal(this, refused, utf8(e.what()), ask, m_messages);
        reload(ask);
        return false;
    }
    reload(ask);
    return true;
}

bool FeeRatesDialog::change(const std::function<void(dispatch::FeeTables&)>& change_tables,
                            bool ask) {
    return change_project(
        [&](data::Project& project) {
            dispatch::FeeTables tables(project);
            tables.set_actor(staff_login(), "desktop");
            change_tables(tables);
        },
        _("The fee tables were not changed"), ask);
}

bool FeeRatesDialog::change_holidays(
    const std::function<void(dispatch::HolidayCalendar&)>& change_calendar, bool ask) {
    return change_project(
        [&](data::Project& project) {
            dispatch::HolidayCalendar calendar(project);
            calendar.set_actor(staff_login(), "desktop");
            change_calendar(calendar);
        },
        _("The holidays were not changed"), ask);
}

bool FeeRatesDialog::set_rate(const dispatch::FeeRate& rate, bool ask) {
    if (ask) {
        edit_rate(rate);
        return true;
    }
    return change([&rate](dispatch::FeeTables& t) { t.set_rate(rate); }, false);
}

void FeeRatesDialog::edit_rate(std::optional<dispatch::FeeRate> rate) {
    dispatch::FeeRate start;
    if (rate) {
        start = *rate;
    } else {
        start.band_start_min = 0;
        start.band_end_min = dispatch::minutes_per_day;
    }
    RateEditor editor(this, start, m_context.language);
    while (editor.ShowModal() == wxID_OK) {
        dispatch::FeeRate edited = editor.rate();
        const bool moved = rate && (edited.machine != rate->machine || edited.day != rate->day ||
                                    edited.band_start_min != rate->band_start_min);
        // A band moved to another start is the old one removed and the new one added; when the
        // new one is refused, the old one is put back.
        const bool stored = change(
            [&](dispatch::FeeTables& t) {
                if (!moved) {
                    t.set_rate(edited);
                    return;
                }
                t.remove_rate(rate->id);
                try {
                    t.set_rate(edited);
                } catch (const std::exception&) {
                    t.set_rate(*rate);
                    throw;
                }
            },
            true);
        if (stored) {
            return;
        }
    }
}

bool FeeRatesDialog::remove_rate(std::int64_t id, bool ask) {
    return change([id](dispatch::FeeTables& t) { t.remove_rate(id); }, ask);
}

bool FeeRatesDialog::set_standby(const dispatch::StandbyTerms& terms, bool ask) {
    return change([&terms](dispatch::FeeTables& t) { t.set_standby(terms); }, ask);
}

void FeeRatesDialog::edit_standby() {
    StandbyEditor editor(this, m_context.language);
    if (editor.ShowModal() != wxID_OK) {
        return;
    }
    const auto terms = editor.terms();
    if (!terms) {
        show_refusal(this, _("Standby terms"),
                     _("Write the standard hours and the yen per hour as numbers."), true,
                     m_messages);
        return;
    }
    set_standby(*terms, true);
}

bool FeeRatesDialog::set_season(const std::string& start, const std::string& end, bool ask) {
    dispatch::Season season;
    try {
        season.start = dispatch::parse_date(start);
        season.end = dispatch::parse_date(end);
    } catch (const std::exception& e) {
        show_refusal(this, _("The season was not changed"), utf8(e.what()), ask, m_messages);
        return false;
    }
    return change([&season](dispatch::FeeTables& t) { t.set_season(season); }, ask);
}

bool FeeRatesDialog::add_holiday(const std::string& date, const std::string& name, bool ask) {
    return change_holidays(
        [&](dispatch::HolidayCalendar& c) { c.add(dispatch::parse_date(date), name); }, ask);
}

bool FeeRatesDialog::remove_holiday(const std::string& date, bool ask) {
    return change_holidays(
        [&](dispatch::HolidayCalendar& c) { c.remove(dispatch::parse_date(date)); }, ask);
}

nlohmann::json FeeRatesDialog::dump() const {
    return {{"rates", list_json(*m_rate_list)},
            {"standby", list_json(*m_standby_list)},
            {"holidays", list_json(*m_holiday_list)},
            {"season", {to_utf8(m_season_start->GetValue()), to_utf8(m_season_end->GetValue())}},
            {"messages", m_messages}};
}

// ----- monthly fees -----

FeeCalculationDialog::FeeCalculationDialog(wxWindow* parent, ReportContext context, bool ask)
    : wxDialog(parent, wxID_ANY, _("Monthly fees"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      m_context(std::move(context)) {
    SetName("fee_calculation");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* filters = new wxBoxSizer(wxHORIZONTAL);
    filters->Add(new wxStaticText(this, wxID_ANY, _("Month (YYYY-MM)")), 0,
                 wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    // The month before this one: fees are worked out after the month ends.
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() +
                                                             std::chrono::hours(9));
    const std::chrono::year_month_day ymd{today};
    const std::chrono::year_month last =
        std::chrono::year_month{ymd.year(), ymd.month()} - std::chrono::months{1};
    m_month = new wxTextCtrl(this, wxID_ANY,
                             wxString::Format("%04d-%02u", static_cast<int>(last.year()),
                                              static_cast<unsigned>(last.month())));
    m_month->SetName("month");
    filters->Add(m_month, 0, wxRIGHT, 12);
    filters->Add(new wxStaticText(this, wxID_ANY, _("Contractor")), 0,
                 wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    m_contractor_choice = new wxChoice(this, wxID_ANY);
    m_contractor_choice->Append(_("All contractors"));
    m_contractor_choice->SetSelection(0);
    if (const auto path = m_context.project_path()) {
        try {
            data::Project project = data::Project::open(*path, data::OpenMode::read_only);
            for (const dispatch::Contractor& c : dispatch::Fleet(project).contractors()) {
                m_contractor_ids.push_back(c.id);
                m_contractor_codes.push_back(c.code);
                m_contractor_choice->Append(utf8(c.code + "  " + c.name));
            }
        } catch (const std::exception& e) {
            show_refusal(this, _("Monthly fees"), utf8(e.what()), ask, m_messages);
        }
    }
    filters->Add(m_contractor_choice, 1, wxRIGHT, 12);
    auto* run = new wxButton(this, wxID_ANY, _("Calculate"));
    filters->Add(run);
    sizer->Add(filters, 0, wxEXPAND | wxALL, 8);
    m_list = make_list(this, "fees", 12,
                       {{_("Contractor"), 14},
                        {_("Vehicle"), 8},
                        {_("Machine type"), 12},
                        {_("Hours"), 8},
                        {_("Fee (yen)"), 10},
                        {_("Standby (yen)"), 10},
                        {_("Total (yen)"), 10}});
    sizer->Add(m_list, 1, wxEXPAND | wxLEFT | wxRIGHT, 8);
    m_summary = new wxStaticText(this, wxID_ANY, wxEmptyString);
    sizer->Add(m_summary, 0, wxEXPAND | wxALL, 8);
    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    auto* xlsx = new wxButton(this, wxID_ANY, _("Export XLSX..."));
    auto* pdf = new wxButton(this, wxID_ANY, _("Export PDF..."));
    auto* csv = new wxButton(this, wxID_ANY, _("Export CSV..."));
    buttons->Add(xlsx, 0, wxRIGHT, 4);
    buttons->Add(pdf, 0, wxRIGHT, 4);
    buttons->Add(csv, 0, wxRIGHT, 4);
    buttons->AddStretchSpacer();
    buttons->Add(new wxButton(this, wxID_CLOSE, _("Close")));
    sizer->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 8);
    SetSizer(sizer);
    SetSize(FromDIP(wxSize(820, 560)));

    run->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { on_calculate(); });
    xlsx->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        on_export_button(_("Excel workbooks (*.xlsx)|*.xlsx"), ".xlsx");
    });
    pdf->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        on_export_button(_("PDF documents (*.pdf)|*.pdf"), ".pdf");
    });
    csv->Bind(wxEVT_BUTTON,
              [this](wxCommandEvent&) { on_export_button(_("CSV files (*.csv)|*.csv"), ".csv"); });
    Bind(
        wxEVT_BUTTON, [this](wxCommandEvent&) { Hide(); }, wxID_CLOSE);
}

void FeeCalculationDialog::on_calculate() {
    const int row = m_contractor_choice->GetSelection();
    calculate(trimmed(m_month->GetValue()),
              row > 0 ? std::optional(m_contractor_codes.at(static_cast<std::size_t>(row - 1)))
                      : std::nullopt,
              true);
}

bool FeeCalculationDialog::calculate(const std::string& month,
                                     const std::optional<std::string>& contractor_code, bool ask) {
    const auto path = m_context.project_path();
    if (!path) {
        return false;
    }
    std::optional<std::int64_t> contractor;
    int row = 0;
    if (contractor_code) {
        for (std::size_t i = 0; i < m_contractor_codes.size(); ++i) {
            if (m_contractor_codes[i] == *contractor_code) {
                contractor = m_contractor_ids[i];
                row = static_cast<int>(i + 1);
            }
        }
        if (!contractor) {
            show_refusal(
                this, _("Monthly fees"),
                wxString::Format(_("No contractor has the code %s."), utf8(*contractor_code)), ask,
                m_messages);
            return false;
        }
    }
    m_month->ChangeValue(utf8(month));
    m_contractor_choice->SetSelection(row);
    try {
        data::Project project = data::Project::open(*path, data::OpenMode::read_write);
        m_fees = dispatch::monthly_fees(project, month, contractor);
    } catch (const std::exception& e) {
        m_fees.reset();
        fill_list(*m_list, {});
        m_summary->SetLabel(wxEmptyString);
        show_refusal(this, _("The fees cannot be calculated"), utf8(e.what()), ask, m_messages);
        return false;
    }
    const bool english = m_context.language == UiLanguage::english;
    std::vector<std::vector<std::string>> rows;
    std::int64_t total = 0;
    for (const dispatch::VehicleFees& v : m_fees->vehicles) {
        rows.push_back(vehicle_fee_cells(v, english));
        total += v.total_yen();
    }
    fill_list(*m_list, rows);
    m_summary->SetLabel(wxString::Format(
        _("%zu vehicles, total %s yen; %zu unconfirmed GPS gaps are not paid."),
        m_fees->vehicles.size(), utf8(std::to_string(total)), m_fees->unconfirmed_gaps.size()));
    return true;
}

bool FeeCalculationDialog::export_to(const std::filesystem::path& file, bool ask) {
    if (!m_fees) {
        show_refusal(this, _("Monthly fees"), _("Calculate the fees of a month first."), ask,
                     m_messages);
        return false;
    }
    return save_export(this, _("The fees cannot be exported"), file, ask, m_messages,
                       [&] { dispatch::write_monthly_fees(*m_fees, file); });
}

void FeeCalculationDialog::on_export_button(const wxString& wildcard, const wxString& extension) {
    if (!m_fees) {
        export_to({}, true);
        return;
    }
    const auto file = ask_save_path(this, _("Export monthly fees"),
                                    utf8("fees_" + m_fees->month) + extension, wildcard);
    if (file) {
        export_to(*file, true);
    }
}

nlohmann::json FeeCalculationDialog::dump() const {
    return {{"month", m_fees ? m_fees->month : std::string()},
            {"rows", list_json(*m_list)},
            {"summary", to_utf8(m_summary->GetLabel())},
            {"messages", m_messages}};
}

} // namespace ykm::gui

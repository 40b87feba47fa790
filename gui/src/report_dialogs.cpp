#include "report_dialogs.hpp"

#include "screenshot.hpp"
#include "ykm/data/project.hpp"
#include "ykm/dispatch/daily_report_sheets.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/machine_type.hpp"
#include "ykm/dispatch/orders.hpp"
#include "ykm/dispatch/report_confirmations.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gui/fleet_view.hpp"
#include "ykm/gui/report_view.hpp"

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/datectrl.h>
#include <wx/dateevt.h>
#include <wx/filedlg.h>
#include <wx/frame.h>
#include <wx/listctrl.h>
#include <wx/menu.h>
#include <wx/msgdlg.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/utils.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <set>
#include <utility>

namespace ykm::gui {

namespace report_widgets {

wxString utf8(const std::string& text) {
    return wxString::FromUTF8(text);
}

std::string to_utf8(const wxString& text) {
    return std::string(text.utf8_str());
}

wxListCtrl* make_list(wxWindow* parent, const char* name, int rows,
                      const std::vector<Column>& columns) {
    auto* list =
        new wxListCtrl(parent, wxID_ANY, wxDefaultPosition,
                       wxSize(-1, rows * parent->GetCharHeight()), wxLC_REPORT | wxLC_SINGLE_SEL);
    list->SetName(name);
    const int w = parent->GetCharWidth();
    long index = 0;
    for (const Column& c : columns) {
        list->InsertColumn(index++, c.title, wxLIST_FORMAT_LEFT, c.width_chars * w);
    }
    return list;
}

void fill_list(wxListCtrl& list, const std::vector<std::vector<std::string>>& rows) {
    list.Freeze();
    list.DeleteAllItems();
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const long item = list.InsertItem(static_cast<long>(r), utf8(rows[r].at(0)));
        for (std::size_t c = 1; c < rows[r].size(); ++c) {
            list.SetItem(item, static_cast<int>(c), utf8(rows[r][c]));
        }
    }
    list.Thaw();
}

nlohmann::json list_json(const wxListCtrl& list) {
    nlohmann::json rows = nlohmann::json::array();
    for (long i = 0; i < list.GetItemCount(); ++i) {
        nlohmann::json cells = nlohmann::json::array();
        for (int c = 0; c < list.GetColumnCount(); ++c) {
            cells.push_back(to_utf8(list.GetItemText(i, c)));
        }
        rows.push_back(cells);
    }
    return rows;
}

std::optional<std::size_t> selected_row(const wxListCtrl& list) {
    const long item = list.GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
    if (item < 0) {
        return std::nullopt;
    }
    return static_cast<std::size_t>(item);
}

std::optional<std::filesystem::path> ask_save_path(wxWindow* parent, const wxString& title,
                                                   const wxString& default_name,
                                                   const wxString& wildcard) {
    wxFileDialog dialog(parent, title, wxEmptyString, default_name, wildcard,
                        wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
    if (dialog.ShowModal() != wxID_OK) {
        return std::nullopt;
    }
    return std::filesystem::path(to_utf8(dialog.GetPath()));
}

} // namespace report_widgets

using namespace report_widgets;

namespace {

/// The staff member's login, recorded as who confirmed a gap or changed a rate.
std::string staff_login() {
    const wxString login = wxGetUserId();
    return login.empty() ? std::string("staff") : to_utf8(login);
}

std::int64_t wall_clock_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// The full Japan time "YYYY-MM-DD HH:MM" of an instant.
std::string jst_text(std::int64_t time_ms) {
    const std::string date = dispatch::jst_date_of(time_ms);
    return date + " " + jst_time_text(time_ms, date);
}

/// Asks the work type and note of a gap's confirmation.
class GapDialog : public wxDialog {
public:
    GapDialog(wxWindow* parent, const wxString& gap, bool english)
        : wxDialog(parent, wxID_ANY, _("Confirm GPS gap")) {
        SetName("gap_dialog");
        auto* sizer = new wxBoxSizer(wxVERTICAL);
        sizer->Add(new wxStaticText(this, wxID_ANY,
                                    wxString::Format(_("What did the vehicle do from %s?"), gap)),
                   0, wxALL, 8);
        auto* grid = new wxFlexGridSizer(2, 6, 8);
        grid->AddGrowableCol(1, 1);
        m_work = new wxChoice(this, wxID_ANY);
        m_work->SetName("work");
        for (const data::WorkType work : dispatch::shown_work_types()) {
            m_works.push_back(work);
            m_work->Append(utf8(work_type_text(work, english)));
        }
        m_work->SetSelection(0);
        m_note = new wxTextCtrl(this, wxID_ANY);
        m_note->SetName("note");
        m_note->SetToolTip(_("Why the gap is confirmed, e.g. what the driver's log says"));
        grid->Add(new wxStaticText(this, wxID_ANY, _("Work type")), 0, wxALIGN_CENTER_VERTICAL);
        grid->Add(m_work, 1, wxEXPAND);
        grid->Add(new wxStaticText(this, wxID_ANY, _("Note")), 0, wxALIGN_CENTER_VERTICAL);
        grid->Add(m_note, 1, wxEXPAND);
        sizer->Add(grid, 0, wxEXPAND | wxLEFT | wxRIGHT, 8);
        sizer->Add(CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, 8);
        SetSizerAndFit(sizer);
    }

    [[nodiscard]] data::WorkType work() const {
        return m_works.at(static_cast<std::size_t>(std::max(0, m_work->GetSelection())));
    }
    [[nodiscard]] std::string note() const { return to_utf8(m_note->GetValue()); }

private:
    std::vector<data::WorkType> m_works;
    wxChoice* m_work = nullptr;
    wxTextCtrl* m_note = nullptr;
};

} // namespace

void show_refusal(wxWindow* parent, const wxString& title, const wxString& message, bool ask,
                  std::vector<std::string>& messages) {
    messages.push_back(to_utf8(message));
    if (ask) {
        wxMessageBox(message, title, wxOK | wxICON_WARNING, parent);
    } else {
        std::fprintf(stderr, "yukimichi: refused: %s\n", message.utf8_str().data());
    }
}

bool save_export(wxWindow* parent, const wxString& failure_title, const std::filesystem::path& file,
                 bool ask, std::vector<std::string>& messages, const std::function<void()>& write) {
    try {
        write();
    } catch (const std::exception& e) {
        show_refusal(parent, failure_title,
                     wxString::Format(_("%s: %s"), utf8(file.string()), utf8(e.what())), ask,
                     messages);
        return false;
    }
    messages.push_back(to_utf8(wxString::Format(_("Saved %s"), utf8(file.string()))));
    return true;
}

// ----- daily work reports -----

DailyReportDialog::DailyReportDialog(wxWindow* parent, ReportContext context, bool ask)
    : wxDialog(parent, wxID_ANY, _("Daily work reports"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      m_context(std::move(context)) {
    SetName("daily_reports");
    auto* sizer = new wxBoxSizer(wxVERTICAL);

    auto* filters = new wxBoxSizer(wxHORIZONTAL);
    filters->Add(new wxStaticText(this, wxID_ANY, _("Date")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT,
                 4);
    m_date_picker = new wxDatePickerCtrl(this, wxID_ANY, wxDefaultDateTime, wxDefaultPosition,
                                         wxDefaultSize, wxDP_DROPDOWN | wxDP_SHOWCENTURY);
    m_date_picker->SetName("date");
    filters->Add(m_date_picker, 0, wxRIGHT, 12);
    filters->Add(new wxStaticText(this, wxID_ANY, _("Contractor")), 0,
                 wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    m_contractor_choice = new wxChoice(this, wxID_ANY);
    m_contractor_choice->SetName("contractor");
    filters->Add(m_contractor_choice, 1);
    sizer->Add(filters, 0, wxEXPAND | wxALL, 8);

    m_shifts = make_list(this, "shifts", 10,
                         {{_("Vehicle"), 8},
                          {_("Contractor"), 12},
                          {_("Start"), 11},
                          {_("End"), 11},
                          {_("Hours"), 6},
                          {_("Hours by work type"), 24},
                          {_("km driven"), 10},
                          {_("km cleared by class 1/2/3"), 16},
                          {_("GPS gaps"), 16},
                          {_("Contractor's confirmation"), 12}});
    sizer->Add(m_shifts, 1, wxEXPAND | wxLEFT | wxRIGHT, 8);

    auto* lower = new wxBoxSizer(wxHORIZONTAL);
    m_details = make_list(this, "details", 12, {{_("Item"), 20}, {_("Value"), 18}});
    lower->Add(m_details, 1, wxEXPAND | wxRIGHT, 8);
    auto* right = new wxBoxSizer(wxVERTICAL);
    right->Add(new wxStaticText(this, wxID_ANY, _("GPS gaps")), 0, wxBOTTOM, 2);
    m_gaps = make_list(this, "gaps", 5,
                       {{_("From"), 11},
                        {_("To"), 11},
                        {_("Minutes"), 6},
                        {_("State"), 10},
                        {_("Work type"), 8},
                        {_("Note"), 14},
                        {_("Confirmed by"), 10}});
    right->Add(m_gaps, 1, wxEXPAND);
    auto* gap_buttons = new wxBoxSizer(wxHORIZONTAL);
    auto* confirm = new wxButton(this, wxID_ANY, _("Confirm gap..."));
    confirm->SetToolTip(_("Staff confirm what the vehicle did during the gap: its time then "
                          "counts as that work type"));
    auto* unconfirm = new wxButton(this, wxID_ANY, _("Unconfirm gap"));
    unconfirm->SetToolTip(_("The gap counts as no work again"));
    gap_buttons->Add(confirm, 0, wxRIGHT, 4);
    gap_buttons->Add(unconfirm);
    right->Add(gap_buttons, 0, wxTOP | wxBOTTOM, 4);
    right->Add(new wxStaticText(this, wxID_ANY, _("Orders served")), 0, wxBOTTOM, 2);
    m_orders = make_list(this, "orders", 4, {{_("Order"), 16}, {_("Status"), 10}});
    right->Add(m_orders, 1, wxEXPAND);
    lower->Add(right, 1, wxEXPAND);
    sizer->Add(lower, 1, wxEXPAND | wxALL, 8);

    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    auto* csv = new wxButton(this, wxID_ANY, _("Export CSV..."));
    auto* xlsx = new wxButton(this, wxID_ANY, _("Export XLSX..."));
    auto* pdf = new wxButton(this, wxID_ANY, _("Export PDF..."));
    pdf->SetToolTip(_("One sheet per vehicle and shift, with boxes for signatures"));
    buttons->Add(csv, 0, wxRIGHT, 4);
    buttons->Add(xlsx, 0, wxRIGHT, 4);
    buttons->Add(pdf, 0, wxRIGHT, 4);
    buttons->AddStretchSpacer();
    buttons->Add(new wxButton(this, wxID_CLOSE, _("Close")));
    sizer->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 8);
    SetSizer(sizer);
    SetSize(FromDIP(wxSize(1100, 720)));

    m_date = default_report_date(wall_clock_ms());
    wxDateTime shown;
    shown.ParseISODate(utf8(m_date));
    m_date_picker->SetValue(shown);
    m_contractor_choice->Append(_("All contractors"));
    m_contractor_choice->SetSelection(0);
    if (const auto path = m_context.project_path()) {
        try {
            data::Project project = data::Project::open(*path, data::OpenMode::read_only);
            for (const dispatch::Contractor& c : dispatch::Fleet(project).contractors()) {
                m_contractor_ids.push_back(c.id);
                m_contractor_choice->Append(utf8(c.code + "  " + c.name));
            }
        } catch (const std::exception& e) {
            show_refusal(this, _("Daily work reports"), utf8(e.what()), ask, m_messages);
        }
    }

    m_date_picker->Bind(wxEVT_DATE_CHANGED, [this](wxDateEvent& event) {
        m_date = to_utf8(event.GetDate().FormatISODate());
        reload(true);
    });
    m_contractor_choice->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
        const int row = m_contractor_choice->GetSelection();
        m_contractor = row > 0
                           ? std::optional(m_contractor_ids.at(static_cast<std::size_t>(row - 1)))
                           : std::nullopt;
        reload(true);
    });
    m_shifts->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent&) { show_details(); });
    confirm->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { on_confirm_button(); });
    unconfirm->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { on_unconfirm_button(); });
    csv->Bind(wxEVT_BUTTON,
              [this](wxCommandEvent&) { on_export_button(_("CSV files (*.csv)|*.csv"), ".csv"); });
    xlsx->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        on_export_button(_("Excel workbooks (*.xlsx)|*.xlsx"), ".xlsx");
    });
    pdf->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        on_export_button(_("PDF documents (*.pdf)|*.pdf"), ".pdf");
    });
    Bind(
        wxEVT_BUTTON, [this](wxCommandEvent&) { Hide(); }, wxID_CLOSE);
    reload(ask);
}

bool DailyReportDialog::show_date(const std::string& date,
                                  const std::optional<std::string>& contractor_code, bool ask) {
    wxDateTime shown;
    if (!shown.ParseISODate(utf8(date))) {
        show_refusal(this, _("Daily work reports"),
                     wxString::Format(_("The date %s is not YYYY-MM-DD."), utf8(date)), ask,
                     m_messages);
        return false;
    }
    int row = 0;
    if (contractor_code) {
        row = -1;
        for (unsigned i = 1; i < m_contractor_choice->GetCount(); ++i) {
            if (to_utf8(m_contractor_choice->GetString(i)).starts_with(*contractor_code + "  ")) {
                row = static_cast<int>(i);
            }
        }
        if (row < 0) {
            show_refusal(
                this, _("Daily work reports"),
                wxString::Format(_("No contractor has the code %s."), utf8(*contractor_code)), ask,
                m_messages);
            return false;
        }
    }
    m_date = date;
    m_date_picker->SetValue(shown);
    m_contractor_choice->SetSelection(row);
    m_contractor = row > 0 ? std::optional(m_contractor_ids.at(static_cast<std::size_t>(row - 1)))
                           : std::nullopt;
    reload(ask);
    return true;
}

void DailyReportDialog::reload(bool ask) {
    const std::optional<std::size_t> row = selected_row(*m_shifts);
    // The shift selected before, kept selected (vehicle id 0: none).
    std::int64_t was_vehicle = 0;
    std::int64_t was_start = 0;
    if (row && *row < m_reports.size()) {
        was_vehicle = m_reports[*row].vehicle_id;
        was_start = m_reports[*row].start_ms;
    }
    m_reports.clear();
    m_states.clear();
    const auto path = m_context.project_path();
    if (path) {
        try {
            data::Project project = data::Project::open(*path, data::OpenMode::read_write);
            m_reports = dispatch::daily_reports(project, m_date, m_contractor);
            std::set<std::pair<std::int64_t, std::int64_t>> confirmed;
            std::set<std::pair<std::int64_t, std::int64_t>> differs;
            for (const dispatch::ReportConfirmation& c :
                 dispatch::confirmed_reports(project, m_date, m_contractor)) {
                confirmed.insert({c.vehicle_id, c.shift_start_ms});
                if (c.differs) {
                    differs.insert({c.vehicle_id, c.shift_start_ms});
                }
            }
            for (const dispatch::DailyReport& r : m_reports) {
                const std::pair key(r.vehicle_id, r.start_ms);
                m_states.push_back(differs.contains(key)
                                       ? to_utf8(_("Confirmed by the contractor (changed since)"))
                                   : confirmed.contains(key)
                                       ? to_utf8(_("Confirmed by the contractor"))
                                       : std::string());
            }
        } catch (const std::exception& e) {
            m_reports.clear();
            m_states.clear();
            show_refusal(this, _("Daily work reports"), utf8(e.what()), ask, m_messages);
        }
    }
    const bool english = m_context.language == UiLanguage::english;
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < m_reports.size(); ++i) {
        rows.push_back(shift_cells(m_reports[i], m_date, english, m_states[i]));
    }
    fill_list(*m_shifts, rows);
    for (std::size_t i = 0; i < m_reports.size(); ++i) {
        if (m_reports[i].vehicle_id == was_vehicle && m_reports[i].start_ms == was_start) {
            m_shifts->SetItemState(static_cast<long>(i), wxLIST_STATE_SELECTED,
                                   wxLIST_STATE_SELECTED);
        }
    }
    show_details();
}

const dispatch::DailyReport* DailyReportDialog::selected() const {
    const std::optional<std::size_t> row = selected_row(*m_shifts);
    return row && *row < m_reports.size() ? &m_reports[*row] : nullptr;
}

std::optional<std::size_t> DailyReportDialog::selected_gap() const {
    return selected_row(*m_gaps);
}

void DailyReportDialog::show_details() {
    const dispatch::DailyReport* r = selected();
    std::vector<std::vector<std::string>> details;
    std::vector<std::vector<std::string>> gaps;
    std::vector<std::vector<std::string>> orders;
    if (r != nullptr) {
        const bool english = m_context.language == UiLanguage::english;
        const auto item = [&](const wxString& name, const std::string& value) {
            details.push_back({to_utf8(name), value});
        };
        item(_("Vehicle"), r->vehicle_code);
        item(_("Contractor"), r->contractor_code + " " + r->contractor_name);
        item(_("Start"), jst_text(r->start_ms));
        item(_("End"), jst_text(r->end_ms));
        item(_("Operating hours"), hours_text(r->operating_ms()));
        for (const data::WorkType work : dispatch::shown_work_types()) {
            const auto w = static_cast<std::size_t>(work);
            if (r->time_ms[w] > 0 || r->distance_m[w] > 0.0) {
                item(wxString::Format(_("%s: hours / km"), utf8(work_type_text(work, english))),
                     hours_text(r->time_ms[w]) + " / " + km_text(r->distance_m[w]));
            }
        }
        item(_("Unconfirmed gaps (min)"), std::to_string(whole_minutes(r->gap_ms())));
        item(_("Confirmed gaps (min)"), std::to_string(whole_minutes(r->confirmed_gap_ms())));
        item(_("km driven"), km_text(r->total_distance_m()));
        for (std::size_t c = 0; c < 3; ++c) {
            item(wxString::Format(_("km cleared, class %d"), static_cast<int>(c + 1)),
                 km_text(r->plowed_m_by_class[c]));
        }
        item(_("Road directions cleared"), std::to_string(r->roads.size()));
        item(_("Orders served"), std::to_string(r->orders.size()));
        for (const dispatch::GpsGap& gap : r->gaps) {
            const auto& c = gap.confirmation;
            gaps.push_back({jst_time_text(gap.start_ms, m_date), jst_time_text(gap.end_ms, m_date),
                            std::to_string(whole_minutes(gap.duration_ms())),
                            to_utf8(c ? _("Confirmed") : _("Unconfirmed")),
                            c ? work_type_text(c->work, english) : std::string(),
                            c ? c->note : std::string(), c ? c->confirmed_by : std::string()});
        }
        for (const dispatch::ReportOrder& o : r->orders) {
            orders.push_back({o.number, std::string(english ? dispatch::key(o.status)
                                                            : dispatch::japanese_name(o.status))});
        }
    }
    fill_list(*m_details, details);
    fill_list(*m_gaps, gaps);
    fill_list(*m_orders, orders);
}

bool DailyReportDialog::select_shift(const std::string& vehicle_code) {
    for (std::size_t i = 0; i < m_reports.size(); ++i) {
        if (m_reports[i].vehicle_code == vehicle_code) {
            m_shifts->SetItemState(static_cast<long>(i), wxLIST_STATE_SELECTED,
                                   wxLIST_STATE_SELECTED);
            show_details();
            return true;
        }
    }
    return false;
}

bool DailyReportDialog::confirm_gap(const std::string& vehicle_code, const std::string& when,
                                    data::WorkType work, const std::string& note, bool ask) {
    const auto path = m_context.project_path();
    for (const dispatch::DailyReport& r : m_reports) {
        if (r.vehicle_code != vehicle_code || !path) {
            continue;
        }
        const std::optional<std::size_t> gap = find_gap(r, when);
        if (!gap) {
            continue;
        }
        const dispatch::GpsGap g = r.gaps[*gap];
        std::string chosen_note = note;
        if (ask) {
            GapDialog dialog(this, utf8(jst_text(g.start_ms) + " – " + jst_text(g.end_ms)),
                             m_context.language == UiLanguage::english);
            if (dialog.ShowModal() != wxID_OK) {
                return false;
            }
            work = dialog.work();
            chosen_note = dialog.note();
        }
        try {
            data::Project project = data::Project::open(*path, data::OpenMode::read_write);
            dispatch::confirm_gap(project, r.vehicle_id, g.start_ms, g.end_ms, work, chosen_note,
                                  staff_login(), "desktop");
            project.close();
        } catch (const std::exception& e) {
            show_refusal(this, _("The gap cannot be confirmed"), utf8(e.what()), ask, m_messages);
            return false;
        }
        reload(ask);
        return true;
    }
    show_refusal(this, _("Daily work reports"),
                 wxString::Format(_("Vehicle %s has no GPS gap starting at %s on %s."),
                                  utf8(vehicle_code), utf8(when), utf8(m_date)),
                 ask, m_messages);
    return false;
}

bool DailyReportDialog::unconfirm_gap(const std::string& vehicle_code, const std::string& when,
                                      bool ask) {
    const auto path = m_context.project_path();
    for (const dispatch::DailyReport& r : m_reports) {
        const std::optional<std::size_t> gap =
            r.vehicle_code == vehicle_code ? find_gap(r, when) : std::nullopt;
        if (!gap || !path) {
            continue;
        }
        try {
            data::Project project = data::Project::open(*path, data::OpenMode::read_write);
            dispatch::unconfirm_gap(project, r.vehicle_id, r.gaps[*gap].start_ms, staff_login(),
                                    "desktop");
            project.close();
        } catch (const std::exception& e) {
            show_refusal(this, _("The confirmation cannot be removed"), utf8(e.what()), ask,
                         m_messages);
            return false;
        }
        reload(ask);
        return true;
    }
    show_refusal(this, _("Daily work reports"),
                 wxString::Format(_("Vehicle %s has no GPS gap starting at %s on %s."),
                                  utf8(vehicle_code), utf8(when), utf8(m_date)),
                 ask, m_messages);
    return false;
}

void DailyReportDialog::on_confirm_button() {
    const dispatch::DailyReport* r = selected();
    const std::optional<std::size_t> gap = selected_gap();
    if (r == nullptr || !gap || *gap >= r->gaps.size()) {
        show_refusal(this, _("Daily work reports"),
                     _("Choose a shift, then the GPS gap to confirm."), true, m_messages);
        return;
    }
    const std::string code = r->vehicle_code;
    const std::int64_t start = r->gaps[*gap].start_ms;
    confirm_gap(code, jst_text(start - start % 60'000), data::WorkType::plow, "", true);
}

void DailyReportDialog::on_unconfirm_button() {
    const dispatch::DailyReport* r = selected();
    const std::optional<std::size_t> gap = selected_gap();
    if (r == nullptr || !gap || *gap >= r->gaps.size()) {
        show_refusal(this, _("Daily work reports"),
                     _("Choose a shift, then the confirmed GPS gap."), true, m_messages);
        return;
    }
    const std::string code = r->vehicle_code;
    const std::int64_t start = r->gaps[*gap].start_ms;
    unconfirm_gap(code, jst_text(start - start % 60'000), true);
}

bool DailyReportDialog::export_to(const std::filesystem::path& file, bool ask) {
    return save_export(this, _("The reports cannot be exported"), file, ask, m_messages,
                       [&] { dispatch::write_daily_reports(m_date, m_reports, file); });
}

void DailyReportDialog::on_export_button(const wxString& wildcard, const wxString& extension) {
    const auto file = ask_save_path(this, _("Export daily work reports"),
                                    utf8("daily_" + m_date) + extension, wildcard);
    if (file) {
        export_to(*file, true);
    }
}

nlohmann::json DailyReportDialog::dump() const {
    nlohmann::json reports = nlohmann::json::array();
    for (const dispatch::DailyReport& r : m_reports) {
        reports.push_back({{"vehicle", r.vehicle_code},
                           {"start_ms", r.start_ms},
                           {"end_ms", r.end_ms},
                           {"operating_ms", r.operating_ms()},
                           {"gap_ms", r.gap_ms()},
                           {"confirmed_gap_ms", r.confirmed_gap_ms()},
                           {"gaps", r.gaps.size()}});
    }
    const dispatch::DailyReport* r = selected();
    return {{"date", m_date},
            {"rows", list_json(*m_shifts)},
            {"reports", reports},
            {"selected", r != nullptr ? r->vehicle_code : std::string()},
            {"details", list_json(*m_details)},
            {"gaps", list_json(*m_gaps)},
            {"orders", list_json(*m_orders)},
            {"messages", m_messages}};
}

// ----- the menu -----

namespace {
constexpr const char* daily_name = "daily_reports";
constexpr const char* rates_name = "fee_rates";
constexpr const char* calculation_name = "fee_calculation";
constexpr const char* storm_name = "storm_analysis";
} // namespace

ReportsMenu::ReportsMenu(wxFrame& frame, ReportContext context)
    : m_frame(frame), m_context(std::move(context)) {}

wxMenu* ReportsMenu::build() {
    auto* menu = new wxMenu;
    const auto add = [&](const wxString& label, const wxString& help, auto open_dialog) {
        wxMenuItem* item = menu->Append(wxID_ANY, label, help);
        m_frame.Bind(
            wxEVT_MENU,
            [this, open_dialog](wxCommandEvent&) {
                if (!m_context.project_path()) {
                    m_context.report_error(_("Yukimichi"), _("Open a project first."));
                    return;
                }
                try {
                    open_dialog();
                } catch (const std::exception& e) {
                    m_context.report_error(_("Yukimichi: error"), utf8(e.what()));
                }
            },
            item->GetId());
    };
    add(_("&Daily work reports..."),
        _("Hours, km, gaps and orders per vehicle and shift of a date; export CSV, XLSX, PDF"),
        [this] { daily(true); });
    add(_("Fee &rates..."), _("The rate table per machine type, standby terms and the season"),
        [this] { fee_rates(true); });
    add(_("&Monthly fees..."), _("The fees of a month per contractor and vehicle; export"),
        [this] { fee_calculation(true); });
    add(_("&Storm analysis..."),
        _("Clearing progress by priority class, class-1 clearing per district, vehicles"),
        [this] { storm(true); });
    return menu;
}

template <typename Dialog>
Dialog& ReportsMenu::open(const char* name, bool ask) {
    wxWindow* found = wxWindow::FindWindowByName(name, &m_frame);
    auto* dialog = dynamic_cast<Dialog*>(found);
    if (dialog == nullptr) {
        dialog = new Dialog(&m_frame, m_context, ask);
    }
    dialog->Show();
    dialog->Raise();
    return *dialog;
}

DailyReportDialog& ReportsMenu::daily(bool ask) {
    return open<DailyReportDialog>(daily_name, ask);
}

FeeRatesDialog& ReportsMenu::fee_rates(bool ask) {
    return open<FeeRatesDialog>(rates_name, ask);
}

FeeCalculationDialog& ReportsMenu::fee_calculation(bool ask) {
    return open<FeeCalculationDialog>(calculation_name, ask);
}

StormDialog& ReportsMenu::storm(bool ask) {
    return open<StormDialog>(storm_name, ask);
}

nlohmann::json ReportsMenu::dump() {
    nlohmann::json out = nlohmann::json::object();
    if (auto* d =
            dynamic_cast<DailyReportDialog*>(wxWindow::FindWindowByName(daily_name, &m_frame))) {
        out["daily"] = d->dump();
    }
    if (auto* d = dynamic_cast<FeeRatesDialog*>(wxWindow::FindWindowByName(rates_name, &m_frame))) {
        out["fee_rates"] = d->dump();
    }
    if (auto* d = dynamic_cast<FeeCalculationDialog*>(
            wxWindow::FindWindowByName(calculation_name, &m_frame))) {
        out["fees"] = d->dump();
    }
    if (auto* d = dynamic_cast<StormDialog*>(wxWindow::FindWindowByName(storm_name, &m_frame))) {
        out["storm"] = d->dump();
    }
    return out;
}

// ----- test scripts -----

std::optional<bool> run_report_step(ReportsMenu& reports, const ScriptStep& step, int tick) {
    const std::vector<std::string>& w = step.words;
    const auto optional_word = [&w](std::size_t i) {
        return w.size() > i && !w[i].empty() ? std::optional(w[i]) : std::nullopt;
    };
    switch (step.action) {
    case ScriptAction::reports_daily:
        return reports.daily(false).show_date(w.at(0), optional_word(1), false);
    case ScriptAction::reports_select:
        if (!reports.daily(false).select_shift(step.text)) {
            std::fprintf(stderr, "yukimichi: reports_select: %s has no shift listed\n",
                         step.text.c_str());
            return false;
        }
        return true;
    case ScriptAction::gap_confirm:
        return reports.daily(false).confirm_gap(w.at(0), w.at(1), *data::parse_work_type(w.at(2)),
                                                w.size() > 3 ? w[3] : std::string(), false);
    case ScriptAction::gap_unconfirm:
        return reports.daily(false).unconfirm_gap(w.at(0), w.size() > 1 ? w[1] : std::string(),
                                                  false);
    case ScriptAction::reports_export:
        return reports.daily(false).export_to(step.text, false);
    case ScriptAction::fee_rate_add: {
        // A refused band is what some tests expect: it is kept for the dump, not a failure.
        FeeRatesDialog& rates = reports.fee_rates(false);
        const auto machine = dispatch::parse_machine_type(w.at(0));
        const auto day = dispatch::parse_day_kind(w.at(1));
        const auto from = dispatch::parse_clock_minutes(w.at(2));
        const auto to = dispatch::parse_clock_minutes(w.at(3));
        const std::optional<std::int64_t> yen = parse_whole_number(w.at(4));
        if (!machine || !day || !from || !to || !yen || *yen < 0) {
            std::fprintf(stderr, "yukimichi: fee_rate_add:%s: a field is not valid\n",
                         step.text.c_str());
            return false;
        }
        dispatch::FeeRate rate;
        rate.machine = *machine;
        rate.day = *day;
        rate.band_start_min = *from;
        rate.band_end_min = *to;
        rate.yen_per_hour = *yen;
        rate.name = w.size() > 5 ? w[5] : std::string();
        rates.set_rate(rate, false);
        return true;
    }
    case ScriptAction::holiday_add:
        // A refusal is kept for the dump, as with fee_rate_add.
        reports.fee_rates(false).add_holiday(w.at(0), w.size() > 1 ? w[1] : std::string(), false);
        return true;
    case ScriptAction::holiday_remove:
        reports.fee_rates(false).remove_holiday(step.text, false);
        return true;
    case ScriptAction::fees_calc:
        return reports.fee_calculation(false).calculate(w.at(0), optional_word(1), false);
    case ScriptAction::fees_export:
        return reports.fee_calculation(false).export_to(step.text, false);
    case ScriptAction::storm_open:
        return reports.storm(false).open_storm(
            static_cast<std::size_t>(std::max(0.0, step.numbers.at(0))), false);
    case ScriptAction::storm_export_chart:
        return reports.storm(false).export_chart(step.text, false);
    case ScriptAction::storm_export_table:
        return reports.storm(false).export_table(step.text, false);
    case ScriptAction::reports_screenshot: {
        // About half a second for the dialog to be mapped and painted.
        constexpr int settle_ticks = 30;
        const std::string& which = w.at(0);
        wxDialog& dialog = which == "daily"       ? static_cast<wxDialog&>(reports.daily(false))
                           : which == "fee_rates" ? static_cast<wxDialog&>(reports.fee_rates(false))
                           : which == "fees"
                               ? static_cast<wxDialog&>(reports.fee_calculation(false))
                               : static_cast<wxDialog&>(reports.storm(false));
        if (tick < settle_ticks) {
            if (tick == 0) {
                dialog.Refresh();
            }
            return std::nullopt;
        }
        try {
            dialog.Update();
            save_window_png(dialog, w.at(1));
        } catch (const std::exception& e) {
            std::fprintf(stderr, "yukimichi: %s\n", e.what());
            return false;
        }
        return true;
    }
    case ScriptAction::dump_reports: {
        const std::filesystem::path file(step.text);
        const std::filesystem::path partial = file.string() + ".part";
        {
            std::ofstream out(partial);
            out << reports.dump().dump(2) << "\n";
            if (!out) {
                std::fprintf(stderr, "yukimichi: dump_reports: %s cannot be written\n",
                             step.text.c_str());
                return false;
            }
        }
        std::error_code error;
        std::filesystem::rename(partial, file, error);
        return !error;
    }
    default:
        return false;
    }
}

} // namespace ykm::gui

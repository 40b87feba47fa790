#include "orders_panel.hpp"

#include "fleet_panels.hpp"
#include "ykm/data/map_query.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/plan_store.hpp"
#include "ykm/gui/fleet_view.hpp"

#include <wx/bitmap.h>
#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/checklst.h>
#include <wx/choicdlg.h>
#include <wx/choice.h>
#include <wx/dcmemory.h>
#include <wx/dialog.h>
#include <wx/filedlg.h>
#include <wx/imaglist.h>
#include <wx/listctrl.h>
#include <wx/msgdlg.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/textdlg.h>
#include <wx/utils.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <initializer_list>

namespace ykm::gui {

namespace {

using dispatch::OrderStatus;

wxString utf8(const std::string& s) {
    return wxString::FromUTF8(s);
}

std::string to_utf8(const wxString& s) {
    return std::string(s.utf8_str());
}

/// The list is checked for changes this often: a portal acknowledgement shows within a second.
constexpr int poll_ms = 500;
/// A row changed by someone else stays marked this long.
constexpr auto mark_for = std::chrono::seconds(4);
/// The GPS evidence is read again at most this often while the fleet reports (every commit of
/// the tracker changes the data version).
constexpr auto evidence_every = std::chrono::seconds(15);
/// The roads of the selected orders: a dark casing under the colour, in pixels at text scale 1.
constexpr double order_casing_px = 9.0;
constexpr double order_line_px = 5.0;
constexpr double chosen_line_px = 4.0;
/// The dispatch standards look at the observations of this long before now.
constexpr std::int64_t proposal_lookback_ms = 6 * 3'600'000;
/// The observations listed beside the proposals: those of the last day.
constexpr std::int64_t observation_window_ms = 24 * 3'600'000;
/// A new order's default window, from now.
constexpr std::int64_t default_window_ms = 8 * 3'600'000;
/// The background of a row that just changed.
const wxColour changed_row_colour(0xFF, 0xF1, 0xB8);

constexpr std::array<OrderStatus, 8> all_statuses{
    OrderStatus::draft,   OrderStatus::issued,    OrderStatus::acknowledged, OrderStatus::declined,
    OrderStatus::started, OrderStatus::completed, OrderStatus::inspected,    OrderStatus::cancelled,
};

constexpr std::array<data::WorkType, 5> order_work_types{
    data::WorkType::plow, data::WorkType::grade, data::WorkType::widen, data::WorkType::haul,
    data::WorkType::spread};

enum Column : int {
    col_number,
    col_status,
    col_contractor,
    col_district,
    col_work,
    col_window,
    col_deadline,
    col_evidence,
    col_last_change,
    column_count
};

wxColour colour(OrderColour c) {
    return {c.red, c.green, c.blue};
}

wxString channel_label(dispatch::OrderChannel channel) {
    switch (channel) {
    case dispatch::OrderChannel::desktop:
        return _("desktop");
    case dispatch::OrderChannel::portal:
        return _("portal");
    case dispatch::OrderChannel::phone:
        return _("phone");
    case dispatch::OrderChannel::print:
        return _("print");
    case dispatch::OrderChannel::cli:
        return _("command line");
    }
    return {};
}

wxBitmap swatch(OrderColour c, int size) {
    wxBitmap bitmap(size, size);
    wxMemoryDC dc(bitmap);
    dc.SetBackground(wxBrush(wxColour(0xFF, 0xFF, 0xFF)));
    dc.Clear();
    dc.SetPen(wxPen(wxColour(0x33, 0x33, 0x33)));
    dc.SetBrush(wxBrush(colour(c)));
    dc.DrawRectangle(1, 1, size - 2, size - 2);
    dc.SelectObject(wxNullBitmap);
    return bitmap;
}

/// The cells of a list's rows, the first `columns` of each.
std::vector<std::vector<wxString>> list_cells(const wxListCtrl& list, int columns) {
    std::vector<std::vector<wxString>> out;
    for (long i = 0; i < list.GetItemCount(); ++i) {
        std::vector<wxString> cells;
        for (int c = 0; c < columns; ++c) {
            cells.push_back(list.GetItemText(i, c));
        }
        out.push_back(std::move(cells));
    }
    return out;
}

struct ListColumn {
    wxString label;
    wxListColumnFormat format = wxLIST_FORMAT_LEFT;
    int width_chars = 10;
};

/// A list of the proposals section: `rows` lines high, with these columns.
wxListCtrl* section_list(wxWindow* parent, const char* name, int rows,
                         std::initializer_list<ListColumn> columns) {
    const int w = parent->GetCharWidth();
    auto* list = new wxListCtrl(parent, wxID_ANY, wxDefaultPosition,
                                wxSize(47 * w, rows * parent->GetCharHeight()), wxLC_REPORT);
    list->SetName(name);
    long index = 0;
    for (const ListColumn& c : columns) {
        list->InsertColumn(index++, c.label, c.format, c.width_chars * w);
    }
    return list;
}

/// "12 cm", "12.5 cm".
wxString cm_text(double cm) {
    return std::abs(cm - std::round(cm)) < 0.05 ? wxString::Format("%.0f cm", cm)
                                                : wxString::Format("%.1f cm", cm);
}

/// Centimetres as staff type them; std::nullopt when the text is not a number.
std::optional<double> parse_cm(const wxString& text) {
    const std::string t = to_utf8(wxString(text).Trim().Trim(false));
    double value = 0.0;
    const auto [end, error] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (t.empty() || error != std::errc{} || end != t.data() + t.size() || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::int64_t now_minute_ms() {
    const std::int64_t now = unix_now_ms();
    return now - now % 60'000;
}

/// A dialog of labelled fields, one a row, over OK and Cancel.
class FormDialog : public wxDialog {
protected:
    FormDialog(wxWindow* parent, const wxString& title, long style = wxDEFAULT_DIALOG_STYLE)
        : wxDialog(parent, wxID_ANY, title, wxDefaultPosition, wxDefaultSize, style),
          m_grid(new wxFlexGridSizer(2, wxSize(8, 6))) {
        m_grid->AddGrowableCol(1, 1);
    }

    void row(const wxString& label, wxWindow* field) {
        m_grid->Add(new wxStaticText(this, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
        m_grid->Add(field, 1, wxEXPAND);
    }

    /// A row of a text field holding `value`; `width_chars` 0: the default width.
    wxTextCtrl* text_row(const wxString& label, const wxString& value, const wxString& tip,
                         int width_chars = 0) {
        auto* field = new wxTextCtrl(this, wxID_ANY, value, wxDefaultPosition,
                                     width_chars > 0 ? wxSize(width_chars * GetCharWidth(), -1)
                                                     : wxDefaultSize);
        if (!tip.empty()) {
            field->SetToolTip(tip);
        }
        row(label, field);
        return field;
    }

    /// Puts the rows over the buttons and sizes the dialog; after the last row.
    void finish() {
        auto* top = new wxBoxSizer(wxVERTICAL);
        top->Add(m_grid, 1, wxEXPAND | wxALL, 10);
        top->Add(CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, 8);
        SetSizerAndFit(top);
    }

private:
    wxFlexGridSizer* m_grid;
};

/// The order's dialog: contractor, work, vehicles of that contractor, window, deadline and
/// instructions, over a draft whose roads are set.
class OrderDialog : public FormDialog {
public:
    OrderDialog(wxWindow* parent, const wxString& roads, dispatch::WorkOrder draft,
                std::vector<dispatch::Contractor> contractors,
                std::vector<dispatch::Vehicle> vehicles)
        : FormDialog(parent, _("New work order"), wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
          m_draft(std::move(draft)), m_contractors(std::move(contractors)),
          m_vehicles(std::move(vehicles)) {
        row(_("Roads:"), new wxStaticText(this, wxID_ANY, roads));
        m_contractor = new wxChoice(this, wxID_ANY);
        for (const dispatch::Contractor& c : m_contractors) {
            m_contractor->Append(utf8(c.code + "  " + c.name));
            if (c.id == m_draft.contractor_id) {
                m_contractor->SetSelection(static_cast<int>(m_contractor->GetCount()) - 1);
            }
        }
        if (m_contractor->GetSelection() == wxNOT_FOUND && !m_contractors.empty()) {
            m_contractor->SetSelection(0);
        }
        row(_("C&ontractor:"), m_contractor);
        m_work = new wxChoice(this, wxID_ANY);
        for (const data::WorkType work : order_work_types) {
            m_work->Append(work_label(work));
            if (work == m_draft.work) {
                m_work->SetSelection(static_cast<int>(m_work->GetCount()) - 1);
            }
        }
        row(_("&Work:"), m_work);
        m_vehicle_list = new wxCheckListBox(this, wxID_ANY, wxDefaultPosition,
                                            wxSize(-1, 5 * GetCharHeight() + 16));
        row(_("&Vehicles:"), m_vehicle_list);
        m_start = new wxTextCtrl(this, wxID_ANY, utf8(jst_minute_text(m_draft.window_start_ms)));
        row(_("&From (JST):"), m_start);
        m_end = new wxTextCtrl(this, wxID_ANY, utf8(jst_minute_text(m_draft.window_end_ms)));
        row(_("&Until (JST):"), m_end);
        m_deadline = new wxTextCtrl(
            this, wxID_ANY,
            m_draft.deadline_ms ? utf8(jst_minute_text(*m_draft.deadline_ms)) : wxString());
        m_deadline->SetToolTip(_("YYYY-MM-DD HH:MM, Japan time; empty for none"));
        row(_("&Deadline (JST):"), m_deadline);
        m_instructions =
            new wxTextCtrl(this, wxID_ANY, utf8(m_draft.instructions), wxDefaultPosition,
                           wxSize(40 * GetCharWidth(), 4 * GetCharHeight()), wxTE_MULTILINE);
        row(_("&Instructions:"), m_instructions);

        finish();
        fill_vehicles();
        m_contractor->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { fill_vehicles(); });
        Bind(wxEVT_BUTTON, &OrderDialog::on_ok, this, wxID_OK);
    }

    [[nodiscard]] const dispatch::WorkOrder& order() const { return m_draft; }

private:
    void fill_vehicles() {
        m_vehicle_list->Clear();
        m_shown.clear();
        const int chosen = m_contractor->GetSelection();
        if (chosen == wxNOT_FOUND) {
            return;
        }
        const std::int64_t contractor = m_contractors[static_cast<std::size_t>(chosen)].id;
        for (const dispatch::Vehicle& v : m_vehicles) {
            if (v.contractor_id != contractor) {
                continue;
            }
            m_shown.push_back(v.id);
            const unsigned item = static_cast<unsigned>(m_vehicle_list->Append(utf8(v.code)));
            if (contractor == m_draft.contractor_id &&
                std::ranges::find(m_draft.vehicles, v.id) != m_draft.vehicles.end()) {
                m_vehicle_list->Check(item);
            }
        }
    }

    void on_ok(wxCommandEvent& event) {
        const auto start = parse_jst_time(to_utf8(m_start->GetValue()));
        const auto end = parse_jst_time(to_utf8(m_end->GetValue()));
        const wxString deadline_text = m_deadline->GetValue().Trim().Trim(false);
        const auto deadline = parse_jst_time(to_utf8(deadline_text));
        if (!start || !end || (!deadline_text.empty() && !deadline)) {
            wxMessageBox(_("Write the times as YYYY-MM-DD HH:MM (Japan time)."),
                         _("New work order"), wxOK | wxICON_WARNING, this);
            return;
        }
        const int contractor = m_contractor->GetSelection();
        const int work = m_work->GetSelection();
        if (contractor == wxNOT_FOUND || work == wxNOT_FOUND) {
            wxMessageBox(_("Choose a contractor and the work."), _("New work order"),
                         wxOK | wxICON_WARNING, this);
            return;
        }
        m_draft.contractor_id = m_contractors[static_cast<std::size_t>(contractor)].id;
        m_draft.work = order_work_types[static_cast<std::size_t>(work)];
        m_draft.vehicles.clear();
        for (unsigned i = 0; i < m_vehicle_list->GetCount(); ++i) {
            if (m_vehicle_list->IsChecked(i)) {
                m_draft.vehicles.push_back(m_shown[i]);
            }
        }
        m_draft.window_start_ms = *start;
        m_draft.window_end_ms = *end;
        m_draft.deadline_ms = deadline_text.empty() ? std::nullopt : deadline;
        m_draft.instructions = to_utf8(m_instructions->GetValue());
        event.Skip();
    }

    dispatch::WorkOrder m_draft;
    std::vector<dispatch::Contractor> m_contractors;
    std::vector<dispatch::Vehicle> m_vehicles;
    std::vector<std::int64_t> m_shown;
    wxChoice* m_contractor = nullptr;
    wxChoice* m_work = nullptr;
    wxCheckListBox* m_vehicle_list = nullptr;
    wxTextCtrl* m_start = nullptr;
    wxTextCtrl* m_end = nullptr;
    wxTextCtrl* m_deadline = nullptr;
    wxTextCtrl* m_instructions = nullptr;
};

/// A contractor's phone call: what they said, when they called and why (to decline).
class PhoneCallDialog : public FormDialog {
public:
    PhoneCallDialog(wxWindow* parent, const wxString& order, UiLanguage language)
        : FormDialog(parent, _("Phone call from the contractor")) {
        row(_("Order:"), new wxStaticText(this, wxID_ANY, order));
        m_status = new wxChoice(this, wxID_ANY);
        for (const OrderStatus s : phone_call_statuses()) {
            m_status->Append(status_label(s, language));
        }
        m_status->SetSelection(0);
        row(_("The contractor &reports:"), m_status);
        m_time = text_row(_("&Time of the call (JST):"), utf8(jst_minute_text(now_minute_ms())),
                          _("When the contractor called: YYYY-MM-DD HH:MM, Japan time"));
        m_reason =
            text_row(_("R&eason:"), wxEmptyString, _("Required when the contractor declines"), 36);
        finish();
        Bind(wxEVT_BUTTON, &PhoneCallDialog::on_ok, this, wxID_OK);
    }

    [[nodiscard]] OrderStatus status() const {
        return phone_call_statuses().at(static_cast<std::size_t>(m_status->GetSelection()));
    }
    [[nodiscard]] std::int64_t time_ms() const { return m_time_ms; }
    [[nodiscard]] std::string reason() const {
        return to_utf8(m_reason->GetValue().Trim().Trim(false));
    }

private:
    void on_ok(wxCommandEvent& event) {
        const auto time = parse_jst_time(to_utf8(m_time->GetValue()));
        if (!time) {
            wxMessageBox(_("Write the time as YYYY-MM-DD HH:MM (Japan time)."),
                         _("Phone call from the contractor"), wxOK | wxICON_WARNING, this);
            return;
        }
        m_time_ms = *time;
        event.Skip();
    }

    wxChoice* m_status = nullptr;
    wxTextCtrl* m_time = nullptr;
    wxTextCtrl* m_reason = nullptr;
    std::int64_t m_time_ms = 0;
};

/// A snowfall observation entered by staff: station, time, new snow and (optionally) depth.
/// What the model refuses (values out of range, a second observation at the same station and
/// time) it says itself after the dialog.
class ObservationDialog : public FormDialog {
public:
    ObservationDialog(wxWindow* parent, std::vector<dispatch::SnowStation> stations)
        : FormDialog(parent, _("Snowfall observation")), m_stations(std::move(stations)) {
        m_station = new wxChoice(this, wxID_ANY);
        for (const dispatch::SnowStation& s : m_stations) {
            m_station->Append(utf8(s.name.empty() ? s.code : s.code + "  " + s.name));
        }
        if (!m_stations.empty()) {
            m_station->SetSelection(0);
        }
        row(_("&Station:"), m_station);
        m_time = text_row(_("&Time (JST):"), utf8(jst_minute_text(now_minute_ms())),
                          _("When it was observed: YYYY-MM-DD HH:MM, Japan time"));
        m_new_snow = text_row(_("&New snow (cm):"), wxEmptyString,
                              _("New snow since the last observation, in centimetres"), 10);
        m_depth = text_row(_("&Depth (cm):"), wxEmptyString,
                           _("Snow depth in centimetres; empty when it was not measured"), 10);
        finish();
        m_new_snow->SetFocus();
        Bind(wxEVT_BUTTON, &ObservationDialog::on_ok, this, wxID_OK);
    }

    [[nodiscard]] const std::string& station_code() const { return m_code; }
    [[nodiscard]] std::int64_t time_ms() const { return m_time_ms; }
    [[nodiscard]] double new_snow_cm() const { return m_new_snow_cm; }
    [[nodiscard]] std::optional<double> depth_cm() const { return m_depth_cm; }

private:
    void on_ok(wxCommandEvent& event) {
        const auto refuse = [this](const wxString& message) {
            wxMessageBox(message, _("Snowfall observation"), wxOK | wxICON_WARNING, this);
        };
        const int station = m_station->GetSelection();
        if (station == wxNOT_FOUND) {
            refuse(_("Station: choose the station that observed the snow."));
            return;
        }
        const auto time = parse_jst_time(to_utf8(m_time->GetValue()));
        if (!time) {
            refuse(_("Time: write it as YYYY-MM-DD HH:MM (Japan time)."));
            return;
        }
        const auto new_snow = parse_cm(m_new_snow->GetValue());
        if (!new_snow) {
            refuse(_("New snow: write the centimetres as a number, e.g. 12 or 12.5."));
            return;
        }
        const bool no_depth = wxString(m_depth->GetValue()).Trim().Trim(false).empty();
        const auto depth = parse_cm(m_depth->GetValue());
        if (!no_depth && !depth) {
            refuse(_("Depth: write the centimetres as a number, or leave it empty."));
            return;
        }
        m_code = m_stations[static_cast<std::size_t>(station)].code;
        m_time_ms = *time;
        m_new_snow_cm = *new_snow;
        m_depth_cm = no_depth ? std::nullopt : depth;
        event.Skip();
    }

    std::vector<dispatch::SnowStation> m_stations;
    wxChoice* m_station = nullptr;
    wxTextCtrl* m_time = nullptr;
    wxTextCtrl* m_new_snow = nullptr;
    wxTextCtrl* m_depth = nullptr;
    std::string m_code;
    std::int64_t m_time_ms = 0;
    double m_new_snow_cm = 0.0;
    std::optional<double> m_depth_cm;
};

} // namespace

wxString status_label(OrderStatus status, UiLanguage language) {
    // Japanese first: staff and contractors know the states by these names.
    const wxString japanese = utf8(std::string(dispatch::japanese_name(status)));
    if (language == UiLanguage::japanese) {
        return japanese;
    }
    return japanese + " " + utf8(std::string(dispatch::key(status)));
}

OrdersPanel::OrdersPanel(wxWindow* parent, UiLanguage language, Callbacks callbacks)
    : wxPanel(parent, wxID_ANY), m_language(language), m_callbacks(std::move(callbacks)) {
    SetName("orders_panel");
    build();
    m_timer.SetOwner(this);
    Bind(wxEVT_TIMER, &OrdersPanel::on_timer, this);
    update_buttons();
}

OrdersPanel::~OrdersPanel() {
    m_timer.Stop();
}

void OrdersPanel::build() {
    auto* filters = new wxBoxSizer(wxHORIZONTAL);
    const auto filter = [&](const wxString& label, const char* name) {
        filters->Add(new wxStaticText(this, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT,
                     3);
        auto* choice = new wxChoice(this, wxID_ANY);
        choice->SetName(name);
        choice->SetMinSize(wxSize(9 * GetCharWidth(), -1));
        filters->Add(choice, 1, wxRIGHT, 8);
        choice->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { apply_filters(); });
        return choice;
    };
    m_status_filter = filter(_("Status:"), "order_status_filter");
    m_contractor_filter = filter(_("Contractor:"), "order_contractor_filter");
    m_district_filter = filter(_("District:"), "order_district_filter");
    m_open_only = new wxCheckBox(this, wxID_ANY, _("&Open only"));
    m_open_only->SetToolTip(_("Hide completed, inspected and cancelled orders"));
    m_open_only->Bind(wxEVT_CHECKBOX, [this](wxCommandEvent&) { apply_filters(); });
    filters->Add(m_open_only, 0, wxALIGN_CENTER_VERTICAL);

    m_list = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxSize(-1, 6 * GetCharHeight()),
                            wxLC_REPORT);
    m_list->SetName("order_list");
    const int w = GetCharWidth();
    // English names of states and work are longer than the Japanese ones.
    const bool japanese = m_language == UiLanguage::japanese;
    const std::array<std::pair<wxString, int>, column_count> columns{{
        {_("No."), 11},
        {_("Status"), japanese ? 10 : 18},
        {_("Contractor"), 14},
        {_("District"), 10},
        {_("Work"), japanese ? 9 : 16},
        {_("Window"), 19},
        {_("Deadline"), 15},
        {_("GPS evidence"), 14},
        {_("Last change"), 14},
    }};
    for (std::size_t i = 0; i < columns.size(); ++i) {
        m_list->InsertColumn(static_cast<long>(i), columns[i].first, wxLIST_FORMAT_LEFT,
                             columns[i].second * w);
    }
    const int swatch_px = std::max(12, GetCharHeight() - 2);
    auto* images = new wxImageList(swatch_px, swatch_px, true);
    for (const OrderStatus s : all_statuses) {
        images->Add(swatch(status_colour(s), swatch_px));
    }
    m_list->AssignImageList(images, wxIMAGE_LIST_SMALL);
    m_list->Bind(wxEVT_LIST_ITEM_SELECTED,
                 [this](wxListEvent&) { CallAfter([this] { on_selection_changed(); }); });
    m_list->Bind(wxEVT_LIST_ITEM_DESELECTED,
                 [this](wxListEvent&) { CallAfter([this] { on_selection_changed(); }); });

    m_history = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxSize(-1, 4 * GetCharHeight()),
                               wxLC_REPORT | wxLC_SINGLE_SEL);
    m_history->SetName("order_history");
    m_history->InsertColumn(0, _("Time"), wxLIST_FORMAT_LEFT, 20 * w);
    m_history->InsertColumn(1, _("Change"), wxLIST_FORMAT_LEFT, (japanese ? 16 : 30) * w);
    m_history->InsertColumn(2, _("Actor"), wxLIST_FORMAT_LEFT, 12 * w);
    m_history->InsertColumn(3, _("Channel"), wxLIST_FORMAT_LEFT, 14 * w);
    m_history->InsertColumn(4, _("Reason"), wxLIST_FORMAT_LEFT, 24 * w);

    auto* left = new wxBoxSizer(wxVERTICAL);
    left->Add(filters, 0, wxEXPAND | wxBOTTOM, 4);
    left->Add(m_list, 3, wxEXPAND | wxBOTTOM, 4);
    left->Add(new wxStaticText(this, wxID_ANY, _("History of the selected order:")), 0, wxBOTTOM,
              2);
    left->Add(m_history, 2, wxEXPAND);

    // The buttons beside the list, two to a row, in the order of the night's work.
    auto* buttons = new wxGridSizer(2, wxSize(4, 4));
    const auto button = [&](const wxString& label, const wxString& tip) {
        auto* b = new wxButton(this, wxID_ANY, label);
        b->SetToolTip(tip);
        buttons->Add(b, 1, wxEXPAND);
        return b;
    };
    m_from_roads =
        button(_("From chosen roads..."), _("New order for the roads chosen on the map"));
    m_from_district =
        button(_("From district..."), _("New order for all classed roads of a district"));
    m_from_plan = button(_("From plan..."), _("New order for the roads of a stored route plan"));
    m_issue = button(_("&Issue"), _("Issue the selected drafts, all or none"));
    m_call = button(_("&Phone call..."), _("Record what the contractor said on the phone"));
    m_cancel = button(_("Cancel order..."), _("Cancel the selected orders, with a reason"));
    m_inspect = button(_("Inspected"), _("Mark the selected completed orders inspected"));
    m_zoom = button(_("&Zoom to roads"), _("Show the selected orders' roads on the map"));

    m_select_roads = new wxCheckBox(this, wxID_ANY, _("Choose roads on the &map"));
    m_select_roads->SetToolTip(
        _("Drag a rectangle on the map to choose its roads; Shift+click adds or drops one road"));
    m_select_roads->Bind(wxEVT_CHECKBOX,
                         [this](wxCommandEvent& event) { set_selecting(event.IsChecked()); });
    m_chosen_label = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_chosen_label->SetName("order_chosen_roads");
    m_clear_chosen = new wxButton(this, wxID_ANY, _("Clear"));
    m_clear_chosen->SetToolTip(_("Drop the chosen roads"));
    auto* chosen_row = new wxBoxSizer(wxHORIZONTAL);
    chosen_row->Add(m_chosen_label, 1, wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    chosen_row->Add(m_clear_chosen, 0);

    auto* right = new wxBoxSizer(wxVERTICAL);
    right->Add(m_select_roads, 0, wxBOTTOM, 2);
    right->Add(chosen_row, 0, wxEXPAND | wxBOTTOM, 6);
    right->Add(buttons, 0, wxEXPAND);

    // What the dispatch standards (出動基準) propose: staff confirm before drafts are made.
    m_proposal_list = section_list(this, "order_proposals", 6,
                                   {{_("District"), wxLIST_FORMAT_LEFT, 9},
                                    {_("Station"), wxLIST_FORMAT_LEFT, 8},
                                    {_("New snow"), wxLIST_FORMAT_LEFT, 11},
                                    {_("km"), wxLIST_FORMAT_RIGHT, 9},
                                    {_("Contractor"), wxLIST_FORMAT_LEFT, 10}});
    m_create_proposals = new wxButton(this, wxID_ANY, _("Create draft orders"));
    m_create_proposals->SetToolTip(
        _("Create the selected proposals (all when none is selected) as draft orders"));
    // The observations the proposals are based on, and where staff enter new ones at night.
    m_observation_list = section_list(this, "snow_observations", 5,
                                      {{_("Station"), wxLIST_FORMAT_LEFT, 12},
                                       {_("Time"), wxLIST_FORMAT_LEFT, 13},
                                       {_("New snow"), wxLIST_FORMAT_RIGHT, 10},
                                       {_("Depth"), wxLIST_FORMAT_RIGHT, 10}});
    m_enter_observation = new wxButton(this, wxID_ANY, _("Enter observation..."));
    m_enter_observation->SetToolTip(
        _("Enter a snowfall observation: station, time, new snow and snow depth"));
    m_import_observations = new wxButton(this, wxID_ANY, _("Import observations CSV..."));
    m_import_observations->SetToolTip(
        _("Import snowfall observations from a CSV file: all rows or none"));
    auto* observation_buttons = new wxBoxSizer(wxHORIZONTAL);
    observation_buttons->Add(m_enter_observation, 0, wxRIGHT, 4);
    observation_buttons->Add(m_import_observations, 0);

    auto* proposals = new wxBoxSizer(wxVERTICAL);
    proposals->Add(new wxStaticText(this, wxID_ANY, _("Proposed by the dispatch standards:")), 0,
                   wxBOTTOM, 2);
    proposals->Add(m_proposal_list, 1, wxEXPAND | wxBOTTOM, 4);
    proposals->Add(m_create_proposals, 0, wxALIGN_RIGHT | wxBOTTOM, 6);
    proposals->Add(new wxStaticText(this, wxID_ANY, _("Snowfall observed in the last 24 hours:")),
                   0, wxBOTTOM, 2);
    proposals->Add(m_observation_list, 1, wxEXPAND | wxBOTTOM, 4);
    proposals->Add(observation_buttons, 0, wxALIGN_RIGHT);

    auto* top = new wxBoxSizer(wxHORIZONTAL);
    top->Add(left, 1, wxEXPAND | wxALL, 4);
    top->Add(right, 0, wxEXPAND | wxALL, 4);
    top->Add(proposals, 0, wxEXPAND | wxALL, 4);
    SetSizer(top);

    m_from_roads->Bind(wxEVT_BUTTON,
                       [this](wxCommandEvent&) { create_order(Source::chosen_roads, {}, true); });
    m_from_district->Bind(wxEVT_BUTTON,
                          [this](wxCommandEvent&) { create_order(Source::district, {}, true); });
    m_from_plan->Bind(wxEVT_BUTTON,
                      [this](wxCommandEvent&) { create_order(Source::plan, {}, true); });
    m_issue->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { issue_selected(); });
    m_call->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { record_call(std::nullopt, {}, 0, true); });
    m_cancel->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { cancel_selected({}, true); });
    m_inspect->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { inspect_selected(); });
    m_zoom->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { zoom_to_selected(); });
    m_clear_chosen->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { clear_chosen(); });
    m_create_proposals->Bind(wxEVT_BUTTON,
                             [this](wxCommandEvent&) { create_proposals(false, true); });
    m_enter_observation->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        enter_observation({}, 0, 0.0, std::nullopt, true);
    });
    m_import_observations->Bind(wxEVT_BUTTON,
                                [this](wxCommandEvent&) { import_observations({}, true); });
}

void OrdersPanel::set_project(data::Project& project, const data::ProjectInfo& info) {
    m_timer.Stop();
    m_project = &project;
    m_path = project.path();
    m_districts.clear();
    for (const auto& d : info.districts) {
        m_districts.push_back({d.id, d.name});
    }
    m_contractors.clear();
    try {
        dispatch::Fleet fleet(project);
        for (const dispatch::Contractor& c : fleet.contractors()) {
            m_contractors.push_back({c.id, c.name.empty() ? c.code : c.name});
        }
    } catch (const std::exception&) {
        // A project without a fleet: no contractor to order.
    }
    m_rows.clear();
    m_replay.reset();
    m_last_events.clear();
    m_marked.clear();
    m_last_created.reset();
    m_chosen.clear();
    m_version = {};
    fill_filters();
    refresh(true);
    m_timer.Start(poll_ms);
}

void OrdersPanel::clear() {
    m_timer.Stop();
    m_project = nullptr;
    m_path.reset();
    m_rows.clear();
    m_chosen.clear();
    m_list->DeleteAllItems();
    m_history->DeleteAllItems();
    m_observation_list->DeleteAllItems();
    update_buttons();
}

void OrdersPanel::fill_filters() {
    m_status_filter->Clear();
    m_status_filter->Append(_("All"));
    for (const OrderStatus s : all_statuses) {
        m_status_filter->Append(status_label(s, m_language));
    }
    m_status_filter->SetSelection(0);
    m_contractor_filter->Clear();
    m_contractor_filter->Append(_("All"));
    for (const Named& c : m_contractors) {
        m_contractor_filter->Append(utf8(c.name));
    }
    m_contractor_filter->SetSelection(0);
    m_district_filter->Clear();
    m_district_filter->Append(_("All"));
    for (const Named& d : m_districts) {
        m_district_filter->Append(utf8(d.name));
    }
    m_district_filter->SetSelection(0);
}

void OrdersPanel::apply_filters() {
    // Rows that the filter brings back did not just change.
    m_last_events.clear();
    refresh(true);
}

void OrdersPanel::on_timer(wxTimerEvent&) {
    // A hidden panel reads nothing: the evidence of every order costs a query per road.
    if (IsShownOnScreen()) {
        refresh(false);
    }
}

void OrdersPanel::refresh(bool force) {
    if (m_project == nullptr) {
        return;
    }
    OrdersVersion version;
    try {
        version = orders_version(*m_project);
    } catch (const std::exception&) {
        // The project is being migrated or locked for a moment: asked again soon.
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    bool marks_changed = false;
    for (auto it = m_marked.begin(); it != m_marked.end();) {
        if (it->second <= now) {
            it = m_marked.erase(it);
            marks_changed = true;
        } else {
            ++it;
        }
    }
    const bool orders_changed = version.last_event_id != m_version.last_event_id ||
                                version.order_count != m_version.order_count;
    const bool evidence_due =
        version.data_version != m_version.data_version && now - m_evidence_read >= evidence_every;
    m_version = version;
    if (!force && !orders_changed && !evidence_due) {
        if (marks_changed) {
            fill_list();
        }
        return;
    }
    dispatch::OrderFilter filter;
    if (const int s = m_status_filter->GetSelection(); s > 0) {
        filter.status = all_statuses[static_cast<std::size_t>(s - 1)];
    }
    if (const int c = m_contractor_filter->GetSelection(); c > 0) {
        filter.contractor_id = m_contractors[static_cast<std::size_t>(c - 1)].id;
    }
    if (const int d = m_district_filter->GetSelection(); d > 0) {
        filter.district_id = m_districts[static_cast<std::size_t>(d - 1)].id;
    }
    filter.open_only = m_open_only->GetValue();
    try {
        if (m_replay) {
            // The status and open filters apply to the statuses at the replay's instant.
            dispatch::OrderFilter all = filter;
            all.status.reset();
            all.open_only = false;
            m_rows = order_rows(*m_project, all, false);
            std::erase_if(m_rows, [&](OrderRow& row) {
                const auto it = m_replay->find(row.order.id);
                if (it == m_replay->end()) {
                    return true;
                }
                row.order.status = it->second.status;
                row.last_change.reset();
                const OrderStatus s = row.order.status;
                return (filter.status && s != *filter.status) ||
                       (filter.open_only &&
                        (s == OrderStatus::completed || s == OrderStatus::inspected ||
                         s == OrderStatus::cancelled));
            });
        } else {
            m_rows = order_rows(*m_project, filter);
        }
    } catch (const std::exception& e) {
        m_timer.Stop();
        report(utf8(e.what()));
        return;
    }
    m_evidence_read = now;
    refresh_proposals();
    // Rows whose last change is new since the last reading are marked, but not on the first.
    const bool first = (m_last_events.empty() && force) || m_replay;
    for (const OrderRow& row : m_rows) {
        const std::int64_t event = row.last_change ? row.last_change->id : 0;
        const auto it = m_last_events.find(row.order.id);
        if (!first && (it == m_last_events.end() || it->second != event)) {
            m_marked[row.order.id] = now + mark_for;
        }
        m_last_events[row.order.id] = event;
    }
    fill_list();
}

void OrdersPanel::refresh_proposals() {
    m_proposals.clear();
    if (m_project != nullptr) {
        try {
            const std::int64_t start = now_minute_ms();
            m_proposals = dispatch::DispatchStandards(*m_project)
                              .proposals(unix_now_ms(), proposal_lookback_ms, start,
                                         start + default_window_ms);
        } catch (const std::exception&) {
            // A project without observations or standards proposes nothing.
        }
    }
    m_proposal_list->DeleteAllItems();
    for (std::size_t i = 0; i < m_proposals.size(); ++i) {
        const dispatch::OrderProposal& p = m_proposals[i];
        const long item = m_proposal_list->InsertItem(static_cast<long>(i), utf8(p.district_name));
        m_proposal_list->SetItem(item, 1, utf8(p.station_code));
        wxString snow = wxString::Format(utf8("%.0f ≥ %.0f cm"), p.new_snow_cm, p.threshold_cm);
        if (p.priority_only) {
            snow += " " + _("(class 1)");
        }
        m_proposal_list->SetItem(item, 2, snow);
        m_proposal_list->SetItem(item, 3, wxString::Format("%.1f", p.length_m / 1000.0));
        wxString contractor = _("none");
        for (const Named& c : m_contractors) {
            if (p.contractor_id && c.id == *p.contractor_id) {
                contractor = utf8(c.name);
            }
        }
        m_proposal_list->SetItem(item, 4, contractor);
    }
    m_create_proposals->Enable(!m_proposals.empty());
    refresh_observations();
}

void OrdersPanel::refresh_observations() {
    std::vector<dispatch::SnowObservation> observations;
    if (m_project != nullptr) {
        try {
            const std::int64_t now = unix_now_ms();
            // Up to the end of this minute: an observation entered "now" is listed.
            observations = dispatch::DispatchStandards(*m_project)
                               .observations(now - observation_window_ms, now + 60'000);
        } catch (const std::exception&) {
            // A project without observation tables lists none.
        }
    }
    m_observation_list->Freeze();
    m_observation_list->DeleteAllItems();
    for (std::size_t i = 0; i < observations.size(); ++i) {
        const dispatch::SnowObservation& o = observations[i];
        const long item =
            m_observation_list->InsertItem(static_cast<long>(i), utf8(o.station_code));
        // "12-24 21:00": within the last day the year goes without saying.
        m_observation_list->SetItem(item, 1, utf8(jst_minute_text(o.time_ms).substr(5)));
        m_observation_list->SetItem(item, 2, cm_text(o.new_snow_cm));
        m_observation_list->SetItem(item, 3, o.depth_cm ? cm_text(*o.depth_cm) : wxString());
    }
    m_observation_list->Thaw();
}

std::size_t OrdersPanel::create_proposals(bool all, bool ask) {
    std::vector<const dispatch::OrderProposal*> chosen;
    long item = -1;
    while (!all && (item = m_proposal_list->GetNextItem(item, wxLIST_NEXT_ALL,
                                                        wxLIST_STATE_SELECTED)) != -1) {
        chosen.push_back(&m_proposals.at(static_cast<std::size_t>(item)));
    }
    if (chosen.empty()) {
        for (const dispatch::OrderProposal& p : m_proposals) {
            chosen.push_back(&p);
        }
    }
    if (chosen.empty()) {
        return 0;
    }
    if (ask) {
        wxString names;
        for (const dispatch::OrderProposal* p : chosen) {
            names << "\n" << utf8(p->district_name);
        }
        const wxString question =
            wxString::Format(_("Create %zu draft orders for these districts?"), chosen.size()) +
            "\n" + names;
        if (wxMessageBox(question, _("New work order"), wxYES_NO | wxICON_QUESTION, this) !=
            wxYES) {
            return 0;
        }
    }
    std::vector<dispatch::WorkOrder> drafts;
    for (const dispatch::OrderProposal* p : chosen) {
        drafts.push_back(p->draft);
    }
    std::optional<std::int64_t> last;
    const bool stored = write([&](data::Project& project) {
        dispatch::Orders orders(project);
        data::Transaction tx(project.database());
        for (const dispatch::WorkOrder& draft : drafts) {
            last = orders.create(draft, actor(dispatch::OrderChannel::desktop));
        }
        tx.commit();
    });
    if (!stored) {
        return 0;
    }
    m_last_created = last;
    return drafts.size();
}

std::vector<std::vector<wxString>> OrdersPanel::proposal_rows() const {
    return list_cells(*m_proposal_list, 5);
}

std::vector<std::vector<wxString>> OrdersPanel::observation_rows() const {
    return list_cells(*m_observation_list, 4);
}

void OrdersPanel::fill_list() {
    std::vector<std::int64_t> selected;
    for (const OrderRow* row : selected_rows()) {
        selected.push_back(row->order.id);
    }
    m_list->Freeze();
    if (m_list->GetItemCount() != static_cast<int>(m_rows.size())) {
        m_list->DeleteAllItems();
        for (std::size_t i = 0; i < m_rows.size(); ++i) {
            m_list->InsertItem(static_cast<long>(i), wxString());
        }
    }
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        fill_row(static_cast<long>(i), m_rows[i]);
        const bool was_selected = std::ranges::find(selected, m_rows[i].order.id) != selected.end();
        m_list->SetItemState(static_cast<long>(i), was_selected ? wxLIST_STATE_SELECTED : 0,
                             wxLIST_STATE_SELECTED);
    }
    m_list->Thaw();
    show_history();
    update_buttons();
    draw_roads();
}

void OrdersPanel::fill_row(long item, const OrderRow& row) {
    const dispatch::WorkOrder& o = row.order;
    const bool marked = m_marked.contains(o.id);
    // A changed row says so in words as well as by its background.
    m_list->SetItem(item, col_number, utf8(o.number) + (marked ? wxString(" *") : wxString()));
    m_list->SetItem(item, col_status, status_label(o.status, m_language),
                    static_cast<int>(o.status));
    m_list->SetItem(item, col_contractor, utf8(row.contractor));
    m_list->SetItem(item, col_district, utf8(row.district));
    m_list->SetItem(item, col_work, work_label(o.work));
    m_list->SetItem(item, col_window, utf8(window_text(o.window_start_ms, o.window_end_ms)));
    m_list->SetItem(item, col_deadline,
                    o.deadline_ms ? utf8(jst_minute_text(*o.deadline_ms)) : wxString());
    m_list->SetItem(item, col_evidence, utf8(evidence_text(row.evidence)));
    wxString last;
    if (row.last_change) {
        last = utf8(tokyo_time_text(row.last_change->time_ms).substr(0, 5)) + " " +
               channel_label(row.last_change->channel);
    }
    m_list->SetItem(item, col_last_change, last);
    m_list->SetItemBackgroundColour(item,
                                    marked ? changed_row_colour : m_list->GetBackgroundColour());
}

std::vector<const OrderRow*> OrdersPanel::selected_rows() const {
    std::vector<const OrderRow*> out;
    long item = -1;
    while ((item = m_list->GetNextItem(item, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED)) != -1) {
        if (item < static_cast<long>(m_rows.size())) {
            out.push_back(&m_rows[static_cast<std::size_t>(item)]);
        }
    }
    return out;
}

void OrdersPanel::on_selection_changed() {
    show_history();
    update_buttons();
    draw_roads();
}

void OrdersPanel::show_history() {
    m_history->DeleteAllItems();
    m_history_events.clear();
    const auto selected = selected_rows();
    if (selected.size() != 1 || m_project == nullptr) {
        return;
    }
    try {
        m_history_events = dispatch::Orders(*m_project).history(selected.front()->order.id);
    } catch (const std::exception& e) {
        report(utf8(e.what()));
        return;
    }
    fill_history();
}

std::size_t OrdersPanel::history_shown() const {
    if (!m_replay) {
        return m_history_events.size();
    }
    return static_cast<std::size_t>(std::ranges::count_if(
        m_history_events, [&](const dispatch::OrderEvent& e) { return e.time_ms <= m_replay_ms; }));
}

void OrdersPanel::fill_history() {
    m_history->DeleteAllItems();
    long row = 0;
    for (const dispatch::OrderEvent& e : m_history_events) {
        if (m_replay && e.time_ms > m_replay_ms) {
            continue;
        }
        const long item = m_history->InsertItem(row++, utf8(tokyo_time_text(e.time_ms, true)));
        const wxString from = e.from ? status_label(*e.from, m_language) : utf8("—");
        m_history->SetItem(item, 1, from + utf8(" → ") + status_label(e.to, m_language));
        m_history->SetItem(item, 2, utf8(e.actor));
        m_history->SetItem(item, 3, channel_label(e.channel));
        m_history->SetItem(item, 4, utf8(e.reason));
    }
}

void OrdersPanel::update_buttons() {
    // Nothing changes the orders of the past.
    const bool open = m_project != nullptr && !m_replay;
    const auto selected = open ? selected_rows() : std::vector<const OrderRow*>{};
    const auto all = [&](auto predicate) {
        return !selected.empty() && std::ranges::all_of(selected, predicate);
    };
    m_from_roads->Enable(open && !m_chosen.empty());
    m_from_district->Enable(open && !m_districts.empty());
    m_from_plan->Enable(open);
    m_issue->Enable(all([](const OrderRow* r) {
        return dispatch::transition_allowed(r->order.status, OrderStatus::issued);
    }));
    m_call->Enable(selected.size() == 1 &&
                   !dispatch::next_statuses(selected[0]->order.status).empty());
    m_cancel->Enable(all([](const OrderRow* r) {
        return dispatch::transition_allowed(r->order.status, OrderStatus::cancelled);
    }));
    m_inspect->Enable(
        all([](const OrderRow* r) { return r->order.status == OrderStatus::completed; }));
    m_zoom->Enable(!selected.empty());
    m_enter_observation->Enable(open);
    m_import_observations->Enable(open);
    m_select_roads->Enable(open);
    m_clear_chosen->Enable(!m_chosen.empty());
    m_chosen_label->SetLabel(wxString::Format(_("%zu roads chosen"), m_chosen.size()));
}

void OrdersPanel::draw_roads() {
    if (!m_callbacks.show_roads) {
        return;
    }
    std::vector<RouteOverlayLine> lines;
    if (m_project != nullptr) {
        try {
            // The roads chosen for a new order under those of the selected orders.
            for (auto& [id, line] : road_lines(*m_project, m_chosen)) {
                lines.push_back({line, colour(chosen_road_colour), chosen_line_px});
            }
            std::vector<std::int64_t> ids;
            for (const OrderRow* row : selected_rows()) {
                ids.insert(ids.end(), row->order.segments.begin(), row->order.segments.end());
            }
            const auto order_lines = road_lines(*m_project, ids);
            for (const auto& [id, line] : order_lines) {
                lines.push_back({line, colour(order_road_casing), order_casing_px});
            }
            for (const auto& [id, line] : order_lines) {
                lines.push_back({line, colour(order_road_colour), order_line_px});
            }
        } catch (const std::exception& e) {
            report(utf8(e.what()));
        }
    }
    m_callbacks.show_roads(std::move(lines));
}

void OrdersPanel::show_replay(std::optional<std::vector<dispatch::ReplayOrder>> orders,
                              std::int64_t time_ms) {
    const std::size_t history_before = static_cast<std::size_t>(m_history->GetItemCount());
    m_replay_ms = time_ms;
    std::optional<std::map<std::int64_t, dispatch::ReplayOrder>> by_id;
    if (orders) {
        by_id.emplace();
        for (dispatch::ReplayOrder& order : *orders) {
            const std::int64_t id = order.order_id;
            by_id->emplace(id, std::move(order));
        }
    }
    const auto same = [](const std::map<std::int64_t, dispatch::ReplayOrder>& a,
                         const std::map<std::int64_t, dispatch::ReplayOrder>& b) {
        return std::ranges::equal(a, b, [](const auto& x, const auto& y) {
            return x.first == y.first && x.second.status == y.second.status;
        });
    };
    if (by_id.has_value() == m_replay.has_value() && (!by_id || same(*by_id, *m_replay))) {
        if (history_shown() != history_before) {
            fill_history();
        }
        return;
    }
    m_replay = std::move(by_id);
    m_marked.clear();
    m_last_events.clear();
    refresh(true);
    fill_history();
}

void OrdersPanel::redraw() {
    refresh(true);
    draw_roads();
}

void OrdersPanel::report(const wxString& message) {
    if (m_callbacks.report_error) {
        m_callbacks.report_error(_("Yukimichi: work orders"), message);
    }
}

dispatch::OrderActor OrdersPanel::actor(dispatch::OrderChannel channel) const {
    dispatch::OrderActor a;
    // The staff member's login: the record says who took the call.
    const wxString login = wxGetUserId();
    a.name = login.empty() ? std::string("staff") : to_utf8(login);
    a.channel = channel;
    return a;
}

bool OrdersPanel::write(const std::function<void(data::Project&)>& change) {
    if (!m_path) {
        return false;
    }
    try {
        data::Project project = data::Project::open(*m_path, data::OpenMode::read_write);
        change(project);
        project.close();
    } catch (const std::exception& e) {
        report(utf8(e.what()));
        refresh(true);
        return false;
    }
    refresh(true);
    return true;
}

// ----- roads chosen on the map -----

void OrdersPanel::set_selecting(bool on) {
    m_select_roads->SetValue(on);
    if (m_callbacks.select_on_map) {
        m_callbacks.select_on_map(on);
    }
}

bool OrdersPanel::selecting() const {
    return m_select_roads->GetValue();
}

void OrdersPanel::roads_boxed(const gis::Box& box) {
    if (m_project == nullptr) {
        return;
    }
    try {
        add_roads(m_chosen, roads_in_box(*m_project, box));
    } catch (const std::exception& e) {
        report(utf8(e.what()));
    }
    update_buttons();
    draw_roads();
}

void OrdersPanel::road_picked(gis::XY point, double radius_m) {
    if (m_project == nullptr) {
        return;
    }
    try {
        const auto feature = data::identify(*m_project, point, radius_m);
        if (feature && feature->layer == data::Layer::road_segments) {
            toggle_road(m_chosen, feature->id);
        }
    } catch (const std::exception& e) {
        report(utf8(e.what()));
    }
    update_buttons();
    draw_roads();
}

void OrdersPanel::clear_chosen() {
    m_chosen.clear();
    update_buttons();
    draw_roads();
}

// ----- the buttons -----

std::optional<std::int64_t> OrdersPanel::create_order(Source source, const std::string& name,
                                                      bool ask) {
    if (m_project == nullptr) {
        return std::nullopt;
    }
    dispatch::WorkOrder draft;
    wxString roads;
    std::vector<dispatch::Contractor> contractors;
    std::vector<dispatch::Vehicle> vehicles;
    try {
        dispatch::Orders orders(*m_project);
        dispatch::Fleet fleet(*m_project);
        contractors = fleet.contractors();
        vehicles = fleet.vehicles();
        switch (source) {
        case Source::chosen_roads:
            draft.segments = m_chosen;
            roads = wxString::Format(_("%zu roads chosen on the map"), m_chosen.size());
            break;
        case Source::district: {
            std::optional<std::size_t> index;
            if (ask) {
                wxArrayString names;
                for (const Named& d : m_districts) {
                    names.Add(utf8(d.name));
                }
                const int chosen =
                    wxGetSingleChoiceIndex(_("District:"), _("New work order"), names, 0, this);
                if (chosen < 0) {
                    return std::nullopt;
                }
                index = static_cast<std::size_t>(chosen);
            } else {
                for (std::size_t i = 0; i < m_districts.size(); ++i) {
                    if (m_districts[i].name == name) {
                        index = i;
                    }
                }
            }
            if (!index) {
                report(wxString::Format(_("There is no district %s."), utf8(name)));
                return std::nullopt;
            }
            const Named& district = m_districts[*index];
            draft.district_id = district.id;
            draft.segments = orders.district_segments(district.id);
            roads = wxString::Format(_("%s: %zu classed roads"), utf8(district.name),
                                     draft.segments.size());
            break;
        }
        case Source::plan: {
            const std::vector<dispatch::PlanListing> plans = dispatch::list_plans(*m_project);
            if (plans.empty()) {
                report(_("The project has no stored plan."));
                return std::nullopt;
            }
            std::optional<std::size_t> index;
            if (ask) {
                wxArrayString names;
                for (const dispatch::PlanListing& p : plans) {
                    names.Add(wxString::Format("%lld  %s  (%s)", static_cast<long long>(p.id),
                                               utf8(p.name), utf8(p.district)));
                }
                const int chosen =
                    wxGetSingleChoiceIndex(_("Stored plan:"), _("New work order"), names, 0, this);
                if (chosen < 0) {
                    return std::nullopt;
                }
                index = static_cast<std::size_t>(chosen);
            } else {
                for (std::size_t i = 0; i < plans.size(); ++i) {
                    if (name == "latest"
                            ? plans[i].created_ms >= plans[index.value_or(i)].created_ms
                            : std::to_string(plans[i].id) == name) {
                        index = i;
                    }
                }
            }
            if (!index) {
                report(wxString::Format(_("There is no stored plan %s."), utf8(name)));
                return std::nullopt;
            }
            const dispatch::StoredPlan plan = dispatch::load_plan(*m_project, plans[*index].id);
            draft.plan_id = plan.id;
            draft.district_id = plan.district_id;
            draft.segments = orders.plan_segments(plan.id);
            roads =
                wxString::Format(_("plan %s: %zu roads"), utf8(plan.name), draft.segments.size());
            break;
        }
        }
        if (draft.district_id) {
            draft.contractor_id = district_contractor(*m_project, *draft.district_id).value_or(0);
        }
        if (draft.contractor_id == 0 && !contractors.empty()) {
            draft.contractor_id = contractors.front().id;
        }
        for (const dispatch::Vehicle& v : vehicles) {
            if (v.contractor_id == draft.contractor_id && draft.district_id &&
                v.district_id == draft.district_id) {
                draft.vehicles.push_back(v.id);
            }
        }
    } catch (const std::exception& e) {
        report(utf8(e.what()));
        return std::nullopt;
    }
    draft.work = data::WorkType::plow;
    draft.window_start_ms = now_minute_ms();
    draft.window_end_ms = draft.window_start_ms + default_window_ms;
    draft.deadline_ms = draft.window_end_ms;
    if (ask) {
        OrderDialog dialog(this, roads, draft, contractors, vehicles);
        if (dialog.ShowModal() != wxID_OK) {
            return std::nullopt;
        }
        draft = dialog.order();
    }
    std::optional<std::int64_t> id;
    const bool stored = write([&](data::Project& project) {
        id = dispatch::Orders(project).create(draft, actor(dispatch::OrderChannel::desktop));
    });
    if (!stored || !id) {
        return std::nullopt;
    }
    m_last_created = id;
    if (source == Source::chosen_roads) {
        m_chosen.clear();
    }
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        m_list->SetItemState(static_cast<long>(i),
                             m_rows[i].order.id == *id ? wxLIST_STATE_SELECTED : 0,
                             wxLIST_STATE_SELECTED);
    }
    on_selection_changed();
    return id;
}

bool OrdersPanel::select_orders(const std::vector<std::string>& numbers) {
    std::vector<bool> found(numbers.size(), false);
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        bool select = false;
        for (std::size_t k = 0; k < numbers.size(); ++k) {
            if (numbers[k] == m_rows[i].order.number ||
                (numbers[k] == "last" && m_rows[i].order.id == m_last_created)) {
                select = true;
                found[k] = true;
            }
        }
        m_list->SetItemState(static_cast<long>(i), select ? wxLIST_STATE_SELECTED : 0,
                             wxLIST_STATE_SELECTED);
    }
    on_selection_changed();
    return std::ranges::all_of(found, [](bool f) { return f; });
}

bool OrdersPanel::issue_selected() {
    std::vector<std::int64_t> ids;
    for (const OrderRow* row : selected_rows()) {
        ids.push_back(row->order.id);
    }
    if (ids.empty()) {
        return false;
    }
    return write([&](data::Project& project) {
        issue_orders(project, ids, actor(dispatch::OrderChannel::desktop));
    });
}

bool OrdersPanel::change_selected(OrderStatus to, const dispatch::OrderActor& who,
                                  const std::string& reason, std::int64_t time_ms) {
    std::vector<std::int64_t> ids;
    for (const OrderRow* row : selected_rows()) {
        ids.push_back(row->order.id);
    }
    if (ids.empty()) {
        return false;
    }
    return write([&](data::Project& project) {
        dispatch::Orders orders(project);
        data::Transaction tx(project.database());
        for (const std::int64_t id : ids) {
            orders.change_status(id, to, who, reason, time_ms);
        }
        tx.commit();
    });
}

bool OrdersPanel::record_call(std::optional<OrderStatus> status, const std::string& reason,
                              std::int64_t time_ms, bool ask) {
    const auto selected = selected_rows();
    if (selected.size() != 1) {
        return false;
    }
    std::string why = reason;
    if (ask) {
        PhoneCallDialog dialog(this, utf8(selected.front()->order.number), m_language);
        if (dialog.ShowModal() != wxID_OK) {
            return false;
        }
        status = dialog.status();
        time_ms = dialog.time_ms();
        why = dialog.reason();
    }
    if (!status) {
        return false;
    }
    return change_selected(*status, actor(dispatch::OrderChannel::phone), why, time_ms);
}

bool OrdersPanel::cancel_selected(const std::string& reason, bool ask) {
    if (selected_rows().empty()) {
        return false;
    }
    std::string why = reason;
    if (ask) {
        const wxString text = wxGetTextFromUser(_("Why are the selected orders cancelled?"),
                                                _("Cancel order"), wxEmptyString, this);
        why = to_utf8(text.Strip(wxString::both));
    }
    if (why.empty()) {
        if (!ask) {
            report(_("Cancelling an order needs a reason."));
        }
        return false;
    }
    return change_selected(OrderStatus::cancelled, actor(dispatch::OrderChannel::desktop), why, 0);
}

bool OrdersPanel::inspect_selected() {
    return change_selected(OrderStatus::inspected, actor(dispatch::OrderChannel::desktop), {}, 0);
}

bool OrdersPanel::enter_observation(const std::string& station_code, std::int64_t time_ms,
                                    double new_snow_cm, std::optional<double> depth_cm, bool ask) {
    if (m_project == nullptr) {
        return false;
    }
    std::string code = station_code;
    if (ask) {
        std::vector<dispatch::SnowStation> stations;
        try {
            stations = dispatch::DispatchStandards(*m_project).stations();
        } catch (const std::exception& e) {
            report(utf8(e.what()));
            return false;
        }
        if (stations.empty()) {
            report(_("The project has no observation station."));
            return false;
        }
        ObservationDialog dialog(this, std::move(stations));
        if (dialog.ShowModal() != wxID_OK) {
            return false;
        }
        code = dialog.station_code();
        time_ms = dialog.time_ms();
        new_snow_cm = dialog.new_snow_cm();
        depth_cm = dialog.depth_cm();
    }
    const dispatch::OrderActor who = actor(dispatch::OrderChannel::desktop);
    // write() reads the orders, proposals and observations again.
    return write([&](data::Project& project) {
        dispatch::DispatchStandards standards(project);
        standards.set_actor(who.name, who.channel);
        standards.record(code, time_ms, new_snow_cm, depth_cm);
    });
}

std::optional<std::size_t> OrdersPanel::import_observations(const std::filesystem::path& csv,
                                                            bool ask) {
    if (!m_path) {
        return std::nullopt;
    }
    std::filesystem::path file = csv;
    if (ask) {
        wxFileDialog dialog(this, _("Import observations CSV"), wxEmptyString, wxEmptyString,
                            _("CSV files (*.csv)|*.csv|All files (*)|*"),
                            wxFD_OPEN | wxFD_FILE_MUST_EXIST);
        if (dialog.ShowModal() != wxID_OK) {
            return std::nullopt;
        }
        file = std::filesystem::path(to_utf8(dialog.GetPath()));
    }
    const dispatch::OrderActor who = actor(dispatch::OrderChannel::desktop);
    std::size_t stored = 0;
    const bool imported = write([&](data::Project& project) {
        dispatch::DispatchStandards standards(project);
        standards.set_actor(who.name, who.channel);
        stored = standards.import_csv(file);
    });
    if (!imported) {
        return std::nullopt;
    }
    if (ask) {
        wxMessageBox(wxString::Format(_("%zu observations stored."), stored),
                     _("Import observations CSV"), wxOK | wxICON_INFORMATION, this);
    }
    return stored;
}

void OrdersPanel::zoom_to_selected() {
    if (m_project == nullptr || !m_callbacks.zoom_to) {
        return;
    }
    std::vector<std::int64_t> ids;
    for (const OrderRow* row : selected_rows()) {
        ids.insert(ids.end(), row->order.segments.begin(), row->order.segments.end());
    }
    try {
        const gis::Box box = lines_extent(road_lines(*m_project, ids));
        if (!box.is_empty()) {
            m_callbacks.zoom_to(box);
        }
    } catch (const std::exception& e) {
        report(utf8(e.what()));
    }
}

// ----- what tests read -----

std::vector<std::vector<wxString>> OrdersPanel::rows() const {
    return list_cells(*m_list, column_count);
}

std::vector<std::vector<wxString>> OrdersPanel::history_rows() const {
    return list_cells(*m_history, 5);
}

std::vector<std::string> OrdersPanel::selected_numbers() const {
    std::vector<std::string> out;
    for (const OrderRow* row : selected_rows()) {
        out.push_back(row->order.number);
    }
    return out;
}

std::vector<std::string> OrdersPanel::marked_numbers() const {
    std::vector<std::string> out;
    for (const OrderRow& row : m_rows) {
        if (m_marked.contains(row.order.id)) {
            out.push_back(row.order.number);
        }
    }
    return out;
}

std::optional<OrderStatus> OrdersPanel::shown_status(const std::string& number) const {
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].order.number == number) {
            const wxString text = m_list->GetItemText(static_cast<long>(i), col_status);
            for (const OrderStatus s : all_statuses) {
                if (text == status_label(s, m_language)) {
                    return s;
                }
            }
        }
    }
    return std::nullopt;
}

} // namespace ykm::gui

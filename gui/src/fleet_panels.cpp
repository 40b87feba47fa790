#include "fleet_panels.hpp"

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/listbox.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/srchctrl.h>
#include <wx/stattext.h>
#include <wx/tglbtn.h>

#include <algorithm>
#include <cmath>

namespace ykm::gui {

namespace {

wxString utf8(const std::string& s) {
    return wxString::FromUTF8(s);
}

wxString utf8(std::string_view s) {
    return wxString::FromUTF8(s.data(), s.size());
}

/// The vehicle list's columns.
enum Column : long { col_code, col_type, col_contractor, col_state, col_age, col_speed, col_work };

/// Active alerts: a pale yellow that dark text keeps its contrast on.
const wxColour active_alert_colour(0xFF, 0xF0, 0xB3);

} // namespace

wxString state_label(dispatch::VehicleState state) {
    switch (state) {
    case dispatch::VehicleState::working:
        return _("Working");
    case dispatch::VehicleState::travelling:
        return _("Travelling");
    case dispatch::VehicleState::stopped:
        return _("Stopped");
    case dispatch::VehicleState::offline:
        return _("Offline");
    case dispatch::VehicleState::unknown:
        break;
    }
    return _("Unknown");
}

wxString alert_kind_label(dispatch::AlertKind kind) {
    switch (kind) {
    case dispatch::AlertKind::left_district:
        return _("Left its district");
    case dispatch::AlertKind::stopped_too_long:
        return _("Stopped too long");
    case dispatch::AlertKind::offline:
        return _("Lost contact");
    case dispatch::AlertKind::entered_geofence:
        break;
    }
    return _("Entered a zone");
}

wxString machine_type_label(dispatch::MachineType type, UiLanguage language) {
    return utf8(language == UiLanguage::japanese ? dispatch::japanese_name(type)
                                                 : dispatch::english_name(type));
}

wxString work_label(data::WorkType work) {
    switch (work) {
    case data::WorkType::plow:
        return _("New-snow plowing");
    case data::WorkType::grade:
        return _("Surface grading");
    case data::WorkType::widen:
        return _("Widening");
    case data::WorkType::haul:
        return _("Hauling snow");
    case data::WorkType::spread:
        return _("Anti-icing spreading");
    case data::WorkType::travel:
        return _("Travelling (no work)");
    case data::WorkType::unknown:
        break;
    }
    return _("Unknown");
}

/// The vehicle list as a virtual list control: rows are asked for as they are drawn.
class VehicleList : public wxListCtrl {
public:
    explicit VehicleList(VehiclePanel* panel)
        : wxListCtrl(panel, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                     wxLC_REPORT | wxLC_VIRTUAL | wxLC_SINGLE_SEL),
          m_panel(panel) {}

    wxString OnGetItemText(long item, long column) const override {
        return m_panel->cell(item, column);
    }

private:
    VehiclePanel* m_panel;
};

VehiclePanel::VehiclePanel(wxWindow* parent, UiLanguage language, Callbacks callbacks)
    : wxPanel(parent, wxID_ANY), m_language(language), m_callbacks(std::move(callbacks)) {
    SetName("vehicle_panel");
    m_counts = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_counts->SetName("vehicle_counts");

    wxArrayString states;
    states.Add(_("All states"));
    for (const dispatch::VehicleState state : all_vehicle_states) {
        states.Add(state_label(state));
    }
    m_state = new wxChoice(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, states);
    m_state->SetName("vehicle_state_filter");
    m_state->SetSelection(0);
    m_state->SetToolTip(_("List only the vehicles in this state"));
    m_contractor = new wxChoice(this, wxID_ANY);
    m_contractor->SetName("vehicle_contractor_filter");
    m_contractor->Append(_("All contractors"));
    m_contractor->SetSelection(0);
    m_contractor->SetToolTip(_("List only the vehicles of this contractor"));
    m_text = new wxSearchCtrl(this, wxID_ANY);
    m_text->SetName("vehicle_filter");
    m_text->SetDescriptiveText(_("Code, plate, device or contractor"));
    m_text->SetToolTip(_("List only the vehicles whose code, plate, device id or contractor "
                         "contains this text"));

    m_list = new VehicleList(this);
    m_list->SetName("vehicle_list");
    m_list->AppendColumn(_("Code"));
    m_list->AppendColumn(_("Type"));
    m_list->AppendColumn(_("Contractor"));
    m_list->AppendColumn(_("State"));
    m_list->AppendColumn(_("Last fix"));
    m_list->AppendColumn(_("km/h"), wxLIST_FORMAT_RIGHT);
    m_list->AppendColumn(_("Work"));
    const int char_px = GetCharWidth();
    const int widths[] = {8, 14, 16, 9, 8, 6, 12};
    for (int c = 0; c < 7; ++c) {
        m_list->SetColumnWidth(c, widths[c] * char_px);
    }
    m_list->SetToolTip(_("Choose a vehicle to show it on the map; double-click to follow it"));

    m_follow = new wxToggleButton(this, wxID_ANY, _("&Follow"));
    m_follow->SetName("follow_vehicle");
    m_follow->SetToolTip(_("Keep the selected vehicle in the centre of the map"));
    m_details = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                               wxLC_REPORT | wxLC_SINGLE_SEL | wxLC_NO_HEADER);
    m_details->SetName("vehicle_details");
    m_details->AppendColumn(_("Attribute"));
    m_details->AppendColumn(_("Value"));
    m_details->SetColumnWidth(0, 13 * char_px);
    m_details->SetColumnWidth(1, 19 * char_px);
    m_details->SetMinSize(wxSize(20 * char_px, 4 * GetCharHeight()));

    // Two rows of filters, so that a narrow pane still leaves room for the details.
    auto* choices = new wxBoxSizer(wxHORIZONTAL);
    choices->Add(m_state, 1, wxRIGHT, 4);
    choices->Add(m_contractor, 1);
    m_state->SetMinSize(wxSize(8 * char_px, -1));
    m_contractor->SetMinSize(wxSize(8 * char_px, -1));
    m_text->SetMinSize(wxSize(12 * char_px, -1));
    m_list->SetMinSize(wxSize(24 * char_px, 4 * GetCharHeight()));
    auto* left = new wxBoxSizer(wxVERTICAL);
    left->Add(choices, 0, wxEXPAND | wxLEFT | wxRIGHT, 4);
    left->Add(m_text, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, 4);
    left->Add(m_list, 1, wxEXPAND | wxALL, 4);
    auto* right = new wxBoxSizer(wxVERTICAL);
    right->Add(m_follow, 0, wxEXPAND | wxALL, 4);
    right->Add(m_details, 1, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 4);
    auto* columns = new wxBoxSizer(wxHORIZONTAL);
    columns->Add(left, 3, wxEXPAND);
    columns->Add(right, 2, wxEXPAND);
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(m_counts, 0, wxEXPAND | wxALL, 4);
    sizer->Add(columns, 1, wxEXPAND);
    SetSizer(sizer);

    m_state->Bind(wxEVT_CHOICE, [this](wxCommandEvent& event) {
        const int i = event.GetSelection();
        m_filter.state = i > 0 ? std::optional(all_vehicle_states[static_cast<std::size_t>(i - 1)])
                               : std::nullopt;
        refilter();
    });
    m_contractor->Bind(wxEVT_CHOICE, [this](wxCommandEvent& event) {
        const int i = event.GetSelection();
        m_filter.contractor_id =
            i > 0 && static_cast<std::size_t>(i) <= m_contractor_choices.size()
                ? std::optional(m_contractor_choices[static_cast<std::size_t>(i - 1)])
                : std::nullopt;
        refilter();
    });
    m_text->Bind(wxEVT_TEXT, [this](wxCommandEvent&) {
        m_filter.text = std::string(m_text->GetValue().utf8_str());
        refilter();
    });
    m_list->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent& event) {
        if (!m_updating) {
            on_row_selected(event.GetIndex());
        }
    });
    m_list->Bind(wxEVT_LIST_ITEM_ACTIVATED, [this](wxListEvent& event) {
        on_row_selected(event.GetIndex());
        if (m_selected && m_callbacks.follow) {
            m_callbacks.follow(m_selected);
        }
    });
    m_follow->Bind(wxEVT_TOGGLEBUTTON, [this](wxCommandEvent& event) {
        if (m_callbacks.follow) {
            m_callbacks.follow(event.IsChecked() ? m_selected : std::nullopt);
        }
    });
}

void VehiclePanel::set_names(std::map<std::int64_t, std::string> contractors,
                             std::map<std::int64_t, std::string> districts) {
    m_contractors = std::move(contractors);
    m_districts = std::move(districts);
    const std::optional<std::int64_t> chosen = m_filter.contractor_id;
    m_contractor_choices.clear();
    m_contractor->Clear();
    m_contractor->Append(_("All contractors"));
    int selection = 0;
    for (const auto& [id, name] : m_contractors) {
        m_contractor_choices.push_back(id);
        m_contractor->Append(utf8(name));
        if (chosen && *chosen == id) {
            selection = static_cast<int>(m_contractor_choices.size());
        }
    }
    m_contractor->SetSelection(selection);
    if (selection == 0) {
        m_filter.contractor_id.reset();
    }
    refilter();
}

std::string VehiclePanel::contractor_name(std::int64_t id) const {
    const auto it = m_contractors.find(id);
    return it == m_contractors.end() ? std::string() : it->second;
}

void VehiclePanel::show(const std::vector<dispatch::VehicleStatus>& vehicles, std::int64_t now_ms) {
    m_vehicles = vehicles;
    std::sort(m_vehicles.begin(), m_vehicles.end(),
              [](const dispatch::VehicleStatus& a, const dispatch::VehicleStatus& b) {
                  return a.vehicle.code < b.vehicle.code;
              });
    m_now_ms = now_ms;
    const std::array<int, 5> counts = count_by_state(m_vehicles);
    wxString text;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        if (i > 0) {
            text << "  ";
        }
        text << wxString::Format(_("%s %d"), state_label(all_vehicle_states[i]), counts[i]);
    }
    if (m_counts->GetLabel() != text) {
        m_counts->SetLabel(text);
    }
    refilter();
}

void VehiclePanel::refilter() {
    m_rows.clear();
    for (std::size_t i = 0; i < m_vehicles.size(); ++i) {
        if (matches(m_vehicles[i], m_filter,
                    contractor_name(m_vehicles[i].vehicle.contractor_id))) {
            m_rows.push_back(i);
        }
    }
    m_updating = true;
    if (m_list->GetItemCount() != static_cast<long>(m_rows.size())) {
        m_list->SetItemCount(static_cast<long>(m_rows.size()));
    }
    long selected_row = -1;
    for (std::size_t row = 0; row < m_rows.size(); ++row) {
        if (m_selected && m_vehicles[m_rows[row]].vehicle.id == *m_selected) {
            selected_row = static_cast<long>(row);
        }
    }
    const long current = m_list->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
    if (current != selected_row) {
        if (current >= 0) {
            m_list->SetItemState(current, 0, wxLIST_STATE_SELECTED);
        }
        if (selected_row >= 0) {
            m_list->SetItemState(selected_row, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
        }
    }
    if (!m_rows.empty()) {
        m_list->RefreshItems(0, static_cast<long>(m_rows.size()) - 1);
    }
    m_updating = false;
    show_details();
}

wxString VehiclePanel::cell(long row, long column) const {
    if (row < 0 || static_cast<std::size_t>(row) >= m_rows.size()) {
        return {};
    }
    const dispatch::VehicleStatus& v = m_vehicles[m_rows[static_cast<std::size_t>(row)]];
    switch (column) {
    case col_code:
        return utf8(v.vehicle.code);
    case col_type:
        return machine_type_label(v.vehicle.type, m_language);
    case col_contractor:
        return utf8(contractor_name(v.vehicle.contractor_id));
    case col_state:
        return state_label(v.state);
    case col_age:
        return v.last_fix ? utf8(elapsed_text(m_now_ms - v.last_fix->time_ms)) : wxString();
    case col_speed:
        return v.last_fix ? utf8(speed_kmh_text(v.last_fix->speed_mps)) : wxString();
    case col_work:
        return v.last_fix ? work_label(v.last_fix->work) : wxString();
    default:
        return {};
    }
}

void VehiclePanel::on_row_selected(long row) {
    if (row < 0 || static_cast<std::size_t>(row) >= m_rows.size()) {
        return;
    }
    m_selected = m_vehicles[m_rows[static_cast<std::size_t>(row)]].vehicle.id;
    show_details();
    if (m_callbacks.selected) {
        m_callbacks.selected(m_selected);
    }
}

void VehiclePanel::select(std::optional<std::int64_t> vehicle_id) {
    m_selected = vehicle_id;
    refilter();
    if (m_selected) {
        const long row = m_list->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
        if (row >= 0) {
            m_list->EnsureVisible(row);
        }
    }
}

void VehiclePanel::show_following(std::optional<std::int64_t> vehicle_id) {
    m_follow->SetValue(vehicle_id.has_value());
}

void VehiclePanel::clear() {
    m_vehicles.clear();
    m_selected.reset();
    m_counts->SetLabel(wxEmptyString);
    m_follow->SetValue(false);
    refilter();
}

void VehiclePanel::show_details() {
    std::vector<std::pair<wxString, wxString>> rows;
    const dispatch::VehicleStatus* v = nullptr;
    for (const dispatch::VehicleStatus& candidate : m_vehicles) {
        if (m_selected && candidate.vehicle.id == *m_selected) {
            v = &candidate;
        }
    }
    if (v != nullptr) {
        const auto district =
            v->vehicle.district_id ? m_districts.find(*v->vehicle.district_id) : m_districts.end();
        rows.emplace_back(_("Code"), utf8(v->vehicle.code));
        rows.emplace_back(_("Type"), machine_type_label(v->vehicle.type, m_language));
        rows.emplace_back(_("Contractor"), utf8(contractor_name(v->vehicle.contractor_id)));
        rows.emplace_back(_("State"), state_label(v->state));
        rows.emplace_back(_("Plate"), utf8(v->vehicle.plate));
        rows.emplace_back(_("Plow width"), wxString::Format(_("%.1f m"), v->vehicle.plow_width_m));
        rows.emplace_back(_("Device id"), utf8(v->vehicle.device_id));
        rows.emplace_back(_("District"),
                          district == m_districts.end() ? wxString() : utf8(district->second));
        const std::optional<data::Fix>& fix = v->last_fix;
        rows.emplace_back(_("Last fix (JST)"),
                          fix ? utf8(tokyo_time_text(fix->time_ms, true)) : wxString());
        rows.emplace_back(_("Speed"),
                          fix && fix->speed_mps
                              ? wxString::Format(_("%s km/h"), utf8(speed_kmh_text(fix->speed_mps)))
                              : wxString());
        rows.emplace_back(_("Battery"), fix && fix->battery_pct
                                            ? wxString::Format(_("%d %%"), *fix->battery_pct)
                                            : wxString());
        rows.emplace_back(_("Work"), fix ? work_label(fix->work) : wxString());
        wxString blade;
        if (fix && fix->blade == data::Blade::down) {
            blade = _("Down");
        } else if (fix && fix->blade == data::Blade::up) {
            blade = _("Up");
        }
        rows.emplace_back(_("Blade"), blade);
    }
    // Same rows as before: only the values change, so the list does not flicker every second.
    if (m_details->GetItemCount() != static_cast<int>(rows.size())) {
        m_details->DeleteAllItems();
        for (std::size_t i = 0; i < rows.size(); ++i) {
            m_details->InsertItem(static_cast<long>(i), rows[i].first);
        }
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto row = static_cast<long>(i);
        if (m_details->GetItemText(row, 0) != rows[i].first) {
            m_details->SetItem(row, 0, rows[i].first);
        }
        if (m_details->GetItemText(row, 1) != rows[i].second) {
            m_details->SetItem(row, 1, rows[i].second);
        }
    }
}

void VehiclePanel::type_filter(const wxString& text) {
    m_text->SetFocus();
    // SetValue sends wxEVT_TEXT, as typing does.
    m_text->SetValue(text);
}

void VehiclePanel::choose_state(std::optional<dispatch::VehicleState> state) {
    const int i = state ? static_cast<int>(state_index(*state)) + 1 : 0;
    m_state->SetSelection(i);
    wxCommandEvent event(wxEVT_CHOICE, m_state->GetId());
    event.SetEventObject(m_state);
    event.SetInt(i);
    m_state->ProcessWindowEvent(event);
}

bool VehiclePanel::choose_vehicle(const std::string& code) {
    for (std::size_t row = 0; row < m_rows.size(); ++row) {
        if (m_vehicles[m_rows[row]].vehicle.code != code) {
            continue;
        }
        const auto r = static_cast<long>(row);
        m_updating = true;
        m_list->SetItemState(r, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED,
                             wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
        m_updating = false;
        wxListEvent event(wxEVT_LIST_ITEM_SELECTED, m_list->GetId());
        event.SetEventObject(m_list);
        event.m_itemIndex = r;
        m_list->ProcessWindowEvent(event);
        return true;
    }
    return false;
}

void VehiclePanel::press_follow(bool on) {
    m_follow->SetValue(on);
    wxCommandEvent event(wxEVT_TOGGLEBUTTON, m_follow->GetId());
    event.SetEventObject(m_follow);
    event.SetInt(on ? 1 : 0);
    m_follow->ProcessWindowEvent(event);
}

std::vector<std::vector<wxString>> VehiclePanel::rows() const {
    std::vector<std::vector<wxString>> out;
    for (long row = 0; row < static_cast<long>(m_rows.size()); ++row) {
        std::vector<wxString> cells;
        for (long column = col_code; column <= col_work; ++column) {
            cells.push_back(cell(row, column));
        }
        out.push_back(std::move(cells));
    }
    return out;
}

wxString VehiclePanel::counts_text() const {
    return m_counts->GetLabel();
}

std::vector<std::pair<wxString, wxString>> VehiclePanel::details() const {
    std::vector<std::pair<wxString, wxString>> out;
    for (long row = 0; row < m_details->GetItemCount(); ++row) {
        out.emplace_back(m_details->GetItemText(row, 0), m_details->GetItemText(row, 1));
    }
    return out;
}

// ----- alerts -----

AlertsPanel::AlertsPanel(wxWindow* parent, Callbacks callbacks)
    : wxPanel(parent, wxID_ANY), m_callbacks(std::move(callbacks)) {
    SetName("alerts_panel");
    m_list = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                            wxLC_REPORT | wxLC_SINGLE_SEL);
    m_list->SetName("alert_list");
    m_list->AppendColumn(_("Time (JST)"));
    m_list->AppendColumn(_("Vehicle"));
    m_list->AppendColumn(_("Alert"));
    m_list->AppendColumn(_("Detail"));
    const int char_px = GetCharWidth();
    m_list->SetColumnWidth(0, 9 * char_px);
    m_list->SetColumnWidth(1, 7 * char_px);
    m_list->SetColumnWidth(2, 14 * char_px);
    m_list->SetColumnWidth(3, 16 * char_px);
    m_list->SetToolTip(_("Alerts, newest first; active ones are highlighted. Double-click to "
                         "show one on the map."));
    auto* zones_label = new wxStaticText(this, wxID_ANY, _("Geofences:"));
    m_zone_list = new wxListBox(this, wxID_ANY);
    m_zone_list->SetName("zone_list");
    m_zone_list->SetToolTip(_("Zones that raise an alert when a vehicle stays in them"));
    m_draw = new wxButton(this, wxID_ANY, _("&Draw zone"));
    m_draw->SetName("draw_zone");
    m_draw->SetToolTip(_("Click the corners on the map; double-click or Enter to finish, Esc "
                         "to cancel"));
    m_remove = new wxButton(this, wxID_ANY, _("&Remove zone"));
    m_remove->SetName("remove_zone");

    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    buttons->Add(m_draw, 1, wxRIGHT, 4);
    buttons->Add(m_remove, 1);
    auto* zones = new wxBoxSizer(wxVERTICAL);
    zones->Add(zones_label, 0, wxLEFT | wxRIGHT | wxTOP, 4);
    zones->Add(m_zone_list, 1, wxEXPAND | wxALL, 4);
    zones->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 4);
    auto* sizer = new wxBoxSizer(wxHORIZONTAL);
    sizer->Add(m_list, 3, wxEXPAND | wxALL, 4);
    sizer->Add(zones, 2, wxEXPAND);
    SetSizer(sizer);

    m_list->Bind(wxEVT_LIST_ITEM_ACTIVATED, [this](wxListEvent& event) {
        const long row = event.GetIndex();
        if (row >= 0 && static_cast<std::size_t>(row) < m_alerts.size() && m_callbacks.centre) {
            m_callbacks.centre(m_alerts[static_cast<std::size_t>(row)]);
        }
    });
    m_draw->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (m_callbacks.draw_zone) {
            m_callbacks.draw_zone();
        }
    });
    m_remove->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        const int row = m_zone_list->GetSelection();
        if (row != wxNOT_FOUND && static_cast<std::size_t>(row) < m_zones.size() &&
            m_callbacks.remove_zone) {
            m_callbacks.remove_zone(m_zones[static_cast<std::size_t>(row)].id);
        }
    });
    m_remove->Enable(false);
    m_zone_list->Bind(wxEVT_LISTBOX, [this](wxCommandEvent&) {
        m_remove->Enable(m_zone_list->GetSelection() != wxNOT_FOUND);
    });
}

void AlertsPanel::show_alerts(const std::vector<dispatch::Alert>& alerts,
                              const std::map<std::int64_t, std::string>& codes) {
    std::vector<dispatch::Alert> sorted = alerts;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const dispatch::Alert& a, const dispatch::Alert& b) {
                         return a.time_ms != b.time_ms ? a.time_ms > b.time_ms : a.id > b.id;
                     });
    const bool same = sorted.size() == m_alerts.size() &&
                      std::equal(sorted.begin(), sorted.end(), m_alerts.begin(),
                                 [](const dispatch::Alert& a, const dispatch::Alert& b) {
                                     return a.id == b.id && a.time_ms == b.time_ms &&
                                            a.kind == b.kind && a.vehicle_id == b.vehicle_id &&
                                            a.cleared_ms == b.cleared_ms && a.detail == b.detail;
                                 });
    if (same) {
        return;
    }
    m_alerts = std::move(sorted);
    m_list->Freeze();
    m_list->DeleteAllItems();
    for (std::size_t i = 0; i < m_alerts.size(); ++i) {
        const dispatch::Alert& alert = m_alerts[i];
        const auto row = static_cast<long>(i);
        const auto code = codes.find(alert.vehicle_id);
        m_list->InsertItem(row, utf8(tokyo_time_text(alert.time_ms)));
        m_list->SetItem(row, 1,
                        code == codes.end()
                            ? wxString::Format("%lld", static_cast<long long>(alert.vehicle_id))
                            : utf8(code->second));
        m_list->SetItem(row, 2, alert_kind_label(alert.kind));
        m_list->SetItem(row, 3, utf8(alert.detail));
        if (!alert.cleared_ms) {
            m_list->SetItemBackgroundColour(row, active_alert_colour);
            wxFont bold = m_list->GetFont();
            bold.SetWeight(wxFONTWEIGHT_BOLD);
            m_list->SetItemFont(row, bold);
        }
    }
    m_list->Thaw();
}

void AlertsPanel::show_zones(const std::vector<dispatch::Geofence>& zones) {
    m_zones = zones;
    m_zone_list->Clear();
    for (const dispatch::Geofence& zone : m_zones) {
        m_zone_list->Append(wxString::Format(_("%s (dwell %lld s)"), utf8(zone.name),
                                             static_cast<long long>(zone.dwell_ms / 1000)));
    }
    m_remove->Enable(false);
}

void AlertsPanel::clear() {
    m_alerts.clear();
    m_list->DeleteAllItems();
    show_zones({});
}

bool AlertsPanel::remove_zone_named(const std::string& name) {
    for (std::size_t i = 0; i < m_zones.size(); ++i) {
        if (m_zones[i].name != name) {
            continue;
        }
        m_zone_list->SetSelection(static_cast<int>(i));
        m_remove->Enable(true);
        wxCommandEvent event(wxEVT_BUTTON, m_remove->GetId());
        event.SetEventObject(m_remove);
        m_remove->ProcessWindowEvent(event);
        return true;
    }
    return false;
}

void AlertsPanel::activate(int row) {
    if (row < 0 || row >= m_list->GetItemCount()) {
        return;
    }
    wxListEvent event(wxEVT_LIST_ITEM_ACTIVATED, m_list->GetId());
    event.SetEventObject(m_list);
    event.m_itemIndex = row;
    m_list->ProcessWindowEvent(event);
}

std::vector<std::vector<wxString>> AlertsPanel::rows() const {
    std::vector<std::vector<wxString>> out;
    for (long row = 0; row < m_list->GetItemCount(); ++row) {
        out.push_back(
            {m_list->GetItemText(row, 0), m_list->GetItemText(row, 1), m_list->GetItemText(row, 2),
             m_list->GetItemText(row, 3),
             m_alerts[static_cast<std::size_t>(row)].cleared_ms ? wxString() : wxString("active")});
    }
    return out;
}

std::vector<wxString> AlertsPanel::zone_labels() const {
    std::vector<wxString> out;
    for (unsigned i = 0; i < m_zone_list->GetCount(); ++i) {
        out.push_back(m_zone_list->GetString(i));
    }
    return out;
}

} // namespace ykm::gui

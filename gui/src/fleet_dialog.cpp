#include "fleet_dialog.hpp"

#include "fleet_panels.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gui/fleet_view.hpp"

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/filedlg.h>
#include <wx/listctrl.h>
#include <wx/msgdlg.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <exception>

namespace ykm::gui {

namespace {

wxString utf8(const std::string& s) {
    return wxString::FromUTF8(s);
}

std::string to_utf8(const wxString& s) {
    return std::string(s.utf8_str());
}

std::string trimmed(const wxString& s) {
    wxString copy = s;
    return to_utf8(copy.Trim().Trim(false));
}

/// A label and its control in a two-column form.
void add_row(wxWindow* parent, wxFlexGridSizer* grid, const wxString& label, wxWindow* control) {
    grid->Add(new wxStaticText(parent, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
    grid->Add(control, 1, wxEXPAND);
}

wxFlexGridSizer* form_grid() {
    auto* grid = new wxFlexGridSizer(2, 6, 8);
    grid->AddGrowableCol(1, 1);
    return grid;
}

} // namespace

// ----- vehicle editor -----

VehicleEditor::VehicleEditor(wxWindow* parent, dispatch::Fleet& fleet,
                             const dispatch::Vehicle& vehicle,
                             const std::map<std::int64_t, std::string>& districts,
                             const std::map<std::int64_t, std::string>& depots, UiLanguage language,
                             ReportError report)
    : wxDialog(parent, wxID_ANY, vehicle.id == 0 ? _("Add vehicle") : _("Edit vehicle")),
      m_fleet(fleet), m_vehicle(vehicle), m_report(std::move(report)) {
    SetName("vehicle_editor");
    m_code = new wxTextCtrl(this, wxID_ANY, utf8(vehicle.code));
    m_code->SetName("code");
    m_type = new wxChoice(this, wxID_ANY);
    m_type->SetName("type");
    int type_row = 0;
    for (const dispatch::MachineType type : dispatch::all_machine_types()) {
        if (type == vehicle.type) {
            type_row = static_cast<int>(m_type->GetCount());
        }
        m_type->Append(machine_type_label(type, language));
    }
    m_type->SetSelection(type_row);
    m_plate = new wxTextCtrl(this, wxID_ANY, utf8(vehicle.plate));
    m_plate->SetName("plate");
    m_width = new wxTextCtrl(this, wxID_ANY, wxString::Format("%g", vehicle.plow_width_m));
    m_width->SetName("width");
    m_width->SetToolTip(_("Width cleared in one pass, in metres (more than 0, at most 10)"));
    m_contractor = new wxChoice(this, wxID_ANY);
    m_contractor->SetName("contractor");
    for (const dispatch::Contractor& c : m_fleet.contractors()) {
        if (c.id == vehicle.contractor_id) {
            m_contractor->SetSelection(static_cast<int>(m_contractor_ids.size()));
        }
        m_contractor_ids.push_back(c.id);
        m_contractor->Append(utf8(c.code + "  " + c.name));
    }
    if (m_contractor->GetSelection() == wxNOT_FOUND && m_contractor->GetCount() > 0) {
        m_contractor->SetSelection(0);
    }
    m_device = new wxTextCtrl(this, wxID_ANY, utf8(vehicle.device_id));
    m_device->SetName("device");
    m_device->SetToolTip(_("The id the GPS device or app sends (OsmAnd id); empty for a "
                           "machine without GPS"));
    m_district = new wxChoice(this, wxID_ANY);
    m_district->SetName("district");
    m_district->Append(_("(none)"));
    m_district->SetSelection(0);
    for (const auto& [id, name] : districts) {
        m_district_ids.push_back(id);
        m_district->Append(utf8(name));
        if (vehicle.district_id && *vehicle.district_id == id) {
            m_district->SetSelection(static_cast<int>(m_district_ids.size()));
        }
    }
    m_depot = new wxChoice(this, wxID_ANY);
    m_depot->SetName("depot");
    m_depot->SetToolTip(_("The depot where the vehicle's routes start and end"));
    m_depot->Append(_("(none)"));
    m_depot->SetSelection(0);
    for (const auto& [id, name] : depots) {
        m_depot_ids.push_back(id);
        m_depot->Append(utf8(name));
        if (vehicle.depot_id && *vehicle.depot_id == id) {
            m_depot->SetSelection(static_cast<int>(m_depot_ids.size()));
        }
    }
    m_shift = new wxTextCtrl(
        this, wxID_ANY, vehicle.shift_h ? wxString::Format("%g", *vehicle.shift_h) : wxString());
    m_shift->SetName("shift_h");
    m_shift->SetToolTip(_("Hours the vehicle may work in one shift (more than 0, at most 24); "
                          "empty when not set"));

    auto* grid = form_grid();
    add_row(this, grid, _("&Code:"), m_code);
    add_row(this, grid, _("&Type:"), m_type);
    add_row(this, grid, _("&Plate:"), m_plate);
    add_row(this, grid, _("Plow &width (m):"), m_width);
    add_row(this, grid, _("C&ontractor:"), m_contractor);
    add_row(this, grid, _("&Device id:"), m_device);
    add_row(this, grid, _("D&istrict:"), m_district);
    add_row(this, grid, _("&Home depot:"), m_depot);
    add_row(this, grid, _("&Shift (h):"), m_shift);
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(grid, 1, wxEXPAND | wxALL, 10);
    sizer->Add(CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, 8);
    SetSizerAndFit(sizer);
    Bind(
        wxEVT_BUTTON, [this](wxCommandEvent&) { on_ok(); }, wxID_OK);
}

void VehicleEditor::set_field(const std::string& field, const wxString& value) {
    if (field == "depot") {
        // Item 0 is "(none)"; an unknown name leaves the choice as it was, as a user could not
        // pick it either.
        const int item = value.empty() ? 0 : m_depot->FindString(value, true);
        if (item != wxNOT_FOUND) {
            m_depot->SetSelection(item);
        }
        return;
    }
    wxTextCtrl* control = field == "code"      ? m_code
                          : field == "plate"   ? m_plate
                          : field == "width"   ? m_width
                          : field == "shift_h" ? m_shift
                                               : m_device;
    control->SetValue(value);
}

bool VehicleEditor::press_ok() {
    wxCommandEvent event(wxEVT_BUTTON, wxID_OK);
    event.SetEventObject(this);
    ProcessWindowEvent(event);
    return m_saved;
}

void VehicleEditor::on_ok() {
    const wxString title = _("Yukimichi: the vehicle cannot be saved");
    dispatch::Vehicle vehicle = m_vehicle;
    vehicle.code = trimmed(m_code->GetValue());
    if (vehicle.code.empty()) {
        m_report(title, _("Code: a vehicle needs a code, e.g. D-12."));
        m_code->SetFocus();
        return;
    }
    const int type = m_type->GetSelection();
    const auto types = dispatch::all_machine_types();
    vehicle.type = types[static_cast<std::size_t>(std::max(type, 0))];
    vehicle.plate = trimmed(m_plate->GetValue());
    const std::optional<double> width = parse_decimal(to_utf8(m_width->GetValue()));
    if (!width) {
        m_report(title, wxString::Format(_("Plow width: '%s' is not a number of metres."),
                                         m_width->GetValue()));
        m_width->SetFocus();
        return;
    }
    vehicle.plow_width_m = *width;
    const int contractor = m_contractor->GetSelection();
    if (contractor == wxNOT_FOUND ||
        static_cast<std::size_t>(contractor) >= m_contractor_ids.size()) {
        m_report(title, _("Contractor: add a contractor first, then the vehicles."));
        return;
    }
    vehicle.contractor_id = m_contractor_ids[static_cast<std::size_t>(contractor)];
    vehicle.device_id = trimmed(m_device->GetValue());
    const int district = m_district->GetSelection();
    vehicle.district_id =
        district > 0 ? std::optional(m_district_ids[static_cast<std::size_t>(district - 1)])
                     : std::nullopt;
    const int depot = m_depot->GetSelection();
    vehicle.depot_id =
        depot > 0 ? std::optional(m_depot_ids[static_cast<std::size_t>(depot - 1)]) : std::nullopt;
    if (const std::string shift = trimmed(m_shift->GetValue()); shift.empty()) {
        vehicle.shift_h = std::nullopt;
    } else if (const std::optional<double> hours = parse_decimal(shift)) {
        // The range (0, 24] is Fleet::save's to check, so the message is the same everywhere.
        vehicle.shift_h = *hours;
    } else {
        m_report(title,
                 wxString::Format(_("Shift: '%s' is not a number of hours."), m_shift->GetValue()));
        m_shift->SetFocus();
        return;
    }
    try {
        vehicle.id = m_fleet.save(vehicle);
    } catch (const std::exception& e) {
        // Fleet::save names the field and the value, and stores nothing.
        m_report(title, wxString::Format(_("The vehicle %s was not saved:\n\n%s"),
                                         utf8(vehicle.code), utf8(e.what())));
        return;
    }
    m_vehicle = vehicle;
    m_saved = true;
    if (IsModal()) {
        EndModal(wxID_OK);
    } else {
        Hide();
    }
}

// ----- contractor editor -----

ContractorEditor::ContractorEditor(wxWindow* parent, dispatch::Fleet& fleet,
                                   const dispatch::Contractor& contractor, ReportError report)
    : wxDialog(parent, wxID_ANY, contractor.id == 0 ? _("Add contractor") : _("Edit contractor")),
      m_fleet(fleet), m_contractor(contractor), m_report(std::move(report)) {
    SetName("contractor_editor");
    m_code = new wxTextCtrl(this, wxID_ANY, utf8(contractor.code));
    m_name = new wxTextCtrl(this, wxID_ANY, utf8(contractor.name), wxDefaultPosition,
                            wxSize(30 * GetCharWidth(), -1));
    m_phone = new wxTextCtrl(this, wxID_ANY, utf8(contractor.phone));
    m_email = new wxTextCtrl(this, wxID_ANY, utf8(contractor.email));
    auto* grid = form_grid();
    add_row(this, grid, _("&Code:"), m_code);
    add_row(this, grid, _("&Name:"), m_name);
    add_row(this, grid, _("&Phone:"), m_phone);
    add_row(this, grid, _("&E-mail:"), m_email);
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(grid, 1, wxEXPAND | wxALL, 10);
    sizer->Add(CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, 8);
    SetSizerAndFit(sizer);
    Bind(
        wxEVT_BUTTON, [this](wxCommandEvent&) { on_ok(); }, wxID_OK);
}

void ContractorEditor::on_ok() {
    const wxString title = _("Yukimichi: the contractor cannot be saved");
    dispatch::Contractor contractor = m_contractor;
    contractor.code = trimmed(m_code->GetValue());
    contractor.name = trimmed(m_name->GetValue());
    contractor.phone = trimmed(m_phone->GetValue());
    contractor.email = trimmed(m_email->GetValue());
    if (contractor.code.empty()) {
        m_report(title, _("Code: a contractor needs a code, e.g. C01."));
        return;
    }
    if (contractor.name.empty()) {
        m_report(title, _("Name: a contractor needs a name."));
        return;
    }
    try {
        contractor.id = m_fleet.save(contractor);
    } catch (const std::exception& e) {
        m_report(title, wxString::Format(_("The contractor %s was not saved:\n\n%s"),
                                         utf8(contractor.code), utf8(e.what())));
        return;
    }
    m_contractor = contractor;
    EndModal(wxID_OK);
}

// ----- fleet dialog -----

FleetDialog::FleetDialog(wxWindow* parent, const std::filesystem::path& project,
                         UiLanguage language, ReportError report, std::function<void()> changed)
    : wxDialog(parent, wxID_ANY, _("Vehicles and contractors"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      m_project(data::Project::open(project, data::OpenMode::read_write)), m_fleet(m_project),
      m_language(language), m_report(std::move(report)), m_changed(std::move(changed)) {
    SetName("fleet_dialog");
    for (const auto& district : m_project.info().districts) {
        m_districts[district.id] = district.name;
    }
    {
        data::Statement depots(m_project.database(), "SELECT id, name FROM depots");
        while (depots.step()) {
            m_depots[depots.column_int64(0)] = depots.column_text(1);
        }
    }
    const int char_px = GetCharWidth();
    m_contractor_list =
        new wxListCtrl(this, wxID_ANY, wxDefaultPosition,
                       wxSize(70 * char_px, 10 * GetCharHeight()), wxLC_REPORT | wxLC_SINGLE_SEL);
    m_contractor_list->SetName("contractor_list");
    m_contractor_list->AppendColumn(_("Code"), wxLIST_FORMAT_LEFT, 8 * char_px);
    m_contractor_list->AppendColumn(_("Name"), wxLIST_FORMAT_LEFT, 26 * char_px);
    m_contractor_list->AppendColumn(_("Phone"), wxLIST_FORMAT_LEFT, 14 * char_px);
    m_contractor_list->AppendColumn(_("E-mail"), wxLIST_FORMAT_LEFT, 20 * char_px);
    m_vehicle_list =
        new wxListCtrl(this, wxID_ANY, wxDefaultPosition,
                       wxSize(70 * char_px, 16 * GetCharHeight()), wxLC_REPORT | wxLC_SINGLE_SEL);
    m_vehicle_list->SetName("fleet_vehicle_list");
    m_vehicle_list->AppendColumn(_("Code"), wxLIST_FORMAT_LEFT, 8 * char_px);
    m_vehicle_list->AppendColumn(_("Type"), wxLIST_FORMAT_LEFT, 14 * char_px);
    m_vehicle_list->AppendColumn(_("Plate"), wxLIST_FORMAT_LEFT, 12 * char_px);
    m_vehicle_list->AppendColumn(_("Width (m)"), wxLIST_FORMAT_RIGHT, 8 * char_px);
    m_vehicle_list->AppendColumn(_("Contractor"), wxLIST_FORMAT_LEFT, 12 * char_px);
    m_vehicle_list->AppendColumn(_("Device id"), wxLIST_FORMAT_LEFT, 12 * char_px);
    m_vehicle_list->AppendColumn(_("District"), wxLIST_FORMAT_LEFT, 12 * char_px);
    m_vehicle_list->AppendColumn(_("Depot"), wxLIST_FORMAT_LEFT, 12 * char_px);
    m_vehicle_list->AppendColumn(_("Shift (h)"), wxLIST_FORMAT_RIGHT, 8 * char_px);

    const auto buttons = [this](const wxString& add, const wxString& edit, const wxString& remove,
                                auto on_add, auto on_edit, auto on_remove) {
        auto* row = new wxBoxSizer(wxHORIZONTAL);
        for (auto [label, action] : {std::pair<wxString, std::function<void()>>{add, on_add},
                                     {edit, on_edit},
                                     {remove, on_remove}}) {
            auto* button = new wxButton(this, wxID_ANY, label);
            button->Bind(wxEVT_BUTTON, [action](wxCommandEvent&) { action(); });
            row->Add(button, 0, wxRIGHT, 6);
        }
        return row;
    };
    // Not named `import`: clang-format takes that for a C++20 module import.
    auto* import_button = new wxButton(this, wxID_ANY, _("&Import vehicles from CSV..."));
    import_button->SetToolTip(_("Columns: code, type, plate, width_m, contractor, "
                                "contractor_name, device_id, district, depot, shift_h"));
    import_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { choose_csv(); });

    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(new wxStaticText(this, wxID_ANY, _("Contractors")), 0, wxLEFT | wxRIGHT | wxTOP, 10);
    sizer->Add(m_contractor_list, 1, wxEXPAND | wxALL, 10);
    sizer->Add(buttons(
                   _("Add contractor..."), _("Edit contractor..."), _("Remove contractor"),
                   [this] { add_contractor(); }, [this] { edit_selected_contractor(); },
                   [this] { remove_selected_contractor(); }),
               0, wxLEFT | wxRIGHT, 10);
    sizer->Add(new wxStaticText(this, wxID_ANY, _("Vehicles")), 0, wxLEFT | wxRIGHT | wxTOP, 10);
    sizer->Add(m_vehicle_list, 2, wxEXPAND | wxALL, 10);
    auto* vehicle_buttons = buttons(
        _("Add vehicle..."), _("Edit vehicle..."), _("Remove vehicle"), [this] { add_vehicle(); },
        [this] { edit_selected_vehicle(); }, [this] { remove_selected_vehicle(); });
    vehicle_buttons->AddStretchSpacer();
    vehicle_buttons->Add(import_button, 0);
    sizer->Add(vehicle_buttons, 0, wxEXPAND | wxLEFT | wxRIGHT, 10);
    sizer->Add(CreateStdDialogButtonSizer(wxCLOSE), 0, wxEXPAND | wxALL, 10);
    SetSizerAndFit(sizer);
    Bind(
        wxEVT_BUTTON, [this](wxCommandEvent&) { EndModal(wxID_CLOSE); }, wxID_CLOSE);
    SetEscapeId(wxID_CLOSE);
    m_vehicle_list->Bind(wxEVT_LIST_ITEM_ACTIVATED,
                         [this](wxListEvent&) { edit_selected_vehicle(); });
    m_contractor_list->Bind(wxEVT_LIST_ITEM_ACTIVATED,
                            [this](wxListEvent&) { edit_selected_contractor(); });
    refill();
}

void FleetDialog::refill() {
    m_contractors = m_fleet.contractors();
    m_vehicles = m_fleet.vehicles();
    std::map<std::int64_t, std::string> contractor_codes;
    m_contractor_list->DeleteAllItems();
    for (std::size_t i = 0; i < m_contractors.size(); ++i) {
        const dispatch::Contractor& c = m_contractors[i];
        contractor_codes[c.id] = c.code;
        const auto row = static_cast<long>(i);
        m_contractor_list->InsertItem(row, utf8(c.code));
        m_contractor_list->SetItem(row, 1, utf8(c.name));
        m_contractor_list->SetItem(row, 2, utf8(c.phone));
        m_contractor_list->SetItem(row, 3, utf8(c.email));
    }
    m_vehicle_list->DeleteAllItems();
    for (std::size_t i = 0; i < m_vehicles.size(); ++i) {
        const dispatch::Vehicle& v = m_vehicles[i];
        const auto row = static_cast<long>(i);
        m_vehicle_list->InsertItem(row, utf8(v.code));
        m_vehicle_list->SetItem(row, 1, machine_type_label(v.type, m_language));
        m_vehicle_list->SetItem(row, 2, utf8(v.plate));
        m_vehicle_list->SetItem(row, 3, wxString::Format("%g", v.plow_width_m));
        m_vehicle_list->SetItem(row, 4, utf8(contractor_codes[v.contractor_id]));
        m_vehicle_list->SetItem(row, 5, utf8(v.device_id));
        const auto district = v.district_id ? m_districts.find(*v.district_id) : m_districts.end();
        m_vehicle_list->SetItem(
            row, 6, district == m_districts.end() ? wxString() : utf8(district->second));
        const auto depot = v.depot_id ? m_depots.find(*v.depot_id) : m_depots.end();
        m_vehicle_list->SetItem(row, 7, depot == m_depots.end() ? wxString() : utf8(depot->second));
        m_vehicle_list->SetItem(row, 8,
                                v.shift_h ? wxString::Format("%g", *v.shift_h) : wxString());
    }
}

long FleetDialog::selected_row(const wxListCtrl* list) const {
    return list->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
}

void FleetDialog::add_vehicle() {
    dispatch::Vehicle vehicle;
    if (!m_contractors.empty()) {
        vehicle.contractor_id = m_contractors.front().id;
    }
    VehicleEditor editor(this, m_fleet, vehicle, m_districts, m_depots, m_language, m_report);
    if (editor.ShowModal() == wxID_OK) {
        refill();
        m_changed();
    }
}

void FleetDialog::edit_selected_vehicle() {
    const long row = selected_row(m_vehicle_list);
    if (row < 0 || static_cast<std::size_t>(row) >= m_vehicles.size()) {
        return;
    }
    VehicleEditor editor(this, m_fleet, m_vehicles[static_cast<std::size_t>(row)], m_districts,
                         m_depots, m_language, m_report);
    if (editor.ShowModal() == wxID_OK) {
        refill();
        m_changed();
    }
}

void FleetDialog::remove_selected_vehicle() {
    const long row = selected_row(m_vehicle_list);
    if (row < 0 || static_cast<std::size_t>(row) >= m_vehicles.size()) {
        return;
    }
    const dispatch::Vehicle& vehicle = m_vehicles[static_cast<std::size_t>(row)];
    if (wxMessageBox(wxString::Format(_("Remove the vehicle %s? Its stored GPS fixes stay in the "
                                        "season log."),
                                      utf8(vehicle.code)),
                     _("Remove vehicle"), wxYES_NO | wxNO_DEFAULT | wxICON_QUESTION,
                     this) != wxYES) {
        return;
    }
    try {
        m_fleet.remove_vehicle(vehicle.id);
    } catch (const std::exception& e) {
        m_report(_("Yukimichi: error"), utf8(e.what()));
        return;
    }
    refill();
    m_changed();
}

void FleetDialog::add_contractor() {
    ContractorEditor editor(this, m_fleet, dispatch::Contractor{}, m_report);
    if (editor.ShowModal() == wxID_OK) {
        refill();
        m_changed();
    }
}

void FleetDialog::edit_selected_contractor() {
    const long row = selected_row(m_contractor_list);
    if (row < 0 || static_cast<std::size_t>(row) >= m_contractors.size()) {
        return;
    }
    ContractorEditor editor(this, m_fleet, m_contractors[static_cast<std::size_t>(row)], m_report);
    if (editor.ShowModal() == wxID_OK) {
        refill();
        m_changed();
    }
}

void FleetDialog::remove_selected_contractor() {
    const long row = selected_row(m_contractor_list);
    if (row < 0 || static_cast<std::size_t>(row) >= m_contractors.size()) {
        return;
    }
    const dispatch::Contractor& contractor = m_contractors[static_cast<std::size_t>(row)];
    if (wxMessageBox(wxString::Format(_("Remove the contractor %s?"), utf8(contractor.name)),
                     _("Remove contractor"), wxYES_NO | wxNO_DEFAULT | wxICON_QUESTION,
                     this) != wxYES) {
        return;
    }
    try {
        m_fleet.remove_contractor(contractor.id);
    } catch (const std::exception& e) {
        m_report(_("Yukimichi: error"), utf8(e.what()));
        return;
    }
    refill();
    m_changed();
}

void FleetDialog::choose_csv() {
    wxFileDialog dialog(this, _("Import vehicles"), wxEmptyString, wxEmptyString,
                        _("CSV files (*.csv)|*.csv|All files (*)|*"),
                        wxFD_OPEN | wxFD_FILE_MUST_EXIST);
    if (dialog.ShowModal() == wxID_OK) {
        import_csv(std::filesystem::path(to_utf8(dialog.GetPath())));
    }
}

bool FleetDialog::import_csv(const std::filesystem::path& csv) {
    try {
        const std::size_t count = m_fleet.import_csv(csv);
        refill();
        m_changed();
        SetTitle(wxString::Format(wxPLURAL("Vehicles and contractors: %d vehicle imported",
                                           "Vehicles and contractors: %d vehicles imported",
                                           static_cast<unsigned>(count)),
                                  static_cast<int>(count)));
        return true;
    } catch (const std::exception& e) {
        // import_csv writes all rows or none, and names the file, line and column.
        m_report(_("Yukimichi: the vehicles cannot be imported"),
                 wxString::Format(_("Nothing was imported from %s:\n\n%s"), utf8(csv.string()),
                                  utf8(e.what())));
        return false;
    }
}

bool FleetDialog::edit_vehicle(const std::string& code, const std::string& field,
                               const wxString& value) {
    for (const dispatch::Vehicle& vehicle : m_vehicles) {
        if (vehicle.code != code) {
            continue;
        }
        auto* editor =
            new VehicleEditor(this, m_fleet, vehicle, m_districts, m_depots, m_language, m_report);
        editor->Show();
        editor->set_field(field, value);
        const bool saved = editor->press_ok();
        editor->Destroy();
        if (saved) {
            refill();
            m_changed();
        }
        return saved;
    }
    m_report(_("Yukimichi: error"), wxString::Format(_("There is no vehicle %s."), utf8(code)));
    return false;
}

// ----- geofence dialog -----

std::optional<std::int64_t> check_geofence_input(const wxString& name, const wxString& dwell,
                                                 const ReportError& report) {
    const wxString title = _("Yukimichi: the geofence cannot be saved");
    if (trimmed(name).empty()) {
        report(title, _("Name: a geofence needs a name."));
        return std::nullopt;
    }
    const std::optional<std::int64_t> seconds = parse_whole_number(to_utf8(dwell));
    if (!seconds || *seconds < 0 || *seconds > 86'400) {
        report(title, wxString::Format(_("Dwell time: '%s' is not a whole number of seconds "
                                         "from 0 to 86400."),
                                       dwell));
        return std::nullopt;
    }
    return seconds;
}

GeofenceDialog::GeofenceDialog(wxWindow* parent, ReportError report)
    : wxDialog(parent, wxID_ANY, _("New geofence")), m_report(std::move(report)) {
    SetName("geofence_dialog");
    m_name = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition,
                            wxSize(28 * GetCharWidth(), -1));
    m_name->SetName("zone_name");
    m_dwell = new wxTextCtrl(this, wxID_ANY, "60");
    m_dwell->SetName("zone_dwell");
    m_dwell->SetToolTip(_("An alert is raised when a vehicle stays in the zone this long; 0 "
                          "raises it on entering"));
    auto* grid = form_grid();
    add_row(this, grid, _("&Name:"), m_name);
    add_row(this, grid, _("&Dwell time (s):"), m_dwell);
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(grid, 1, wxEXPAND | wxALL, 10);
    sizer->Add(CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, 8);
    SetSizerAndFit(sizer);
    Bind(
        wxEVT_BUTTON,
        [this](wxCommandEvent&) {
            if (const auto dwell =
                    check_geofence_input(m_name->GetValue(), m_dwell->GetValue(), m_report)) {
                m_dwell_s = *dwell;
                EndModal(wxID_OK);
            }
        },
        wxID_OK);
    m_name->SetFocus();
}

std::string GeofenceDialog::name() const {
    return trimmed(m_name->GetValue());
}

} // namespace ykm::gui

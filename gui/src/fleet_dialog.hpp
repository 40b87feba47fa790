#pragma once

#include "ykm/data/project.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/gui/ui_text.hpp"

#include <wx/dialog.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

class wxChoice;
class wxListCtrl;
class wxTextCtrl;

namespace ykm::gui {

/// Shows an error to the user (a dialog, or stderr in the headless test modes).
using ReportError = std::function<void(const wxString& title, const wxString& message)>;

/// Adds or edits one vehicle. OK checks the plow width and the shift are numbers, then saves
/// through Fleet::save, whose errors name the field; on an error the dialog stays open and
/// nothing is saved.
class VehicleEditor : public wxDialog {
public:
    /// `districts` and `depots` (id → name) are the choices of the district and home depot.
    VehicleEditor(wxWindow* parent, dispatch::Fleet& fleet, const dispatch::Vehicle& vehicle,
                  const std::map<std::int64_t, std::string>& districts,
                  const std::map<std::int64_t, std::string>& depots, UiLanguage language,
                  ReportError report);

    /// Sets a field as typing into it or choosing in it does: "code", "plate", "width",
    /// "device", "shift_h" (hours; empty for none) or "depot" (a depot's name; empty for none).
    void set_field(const std::string& field, const wxString& value);
    /// Presses OK (through the button's event); returns whether the vehicle was saved.
    bool press_ok();
    [[nodiscard]] bool saved() const { return m_saved; }

private:
    void on_ok();

    dispatch::Fleet& m_fleet;
    dispatch::Vehicle m_vehicle;
    ReportError m_report;
    std::vector<std::int64_t> m_contractor_ids;
    std::vector<std::int64_t> m_district_ids; ///< after "(none)"
    std::vector<std::int64_t> m_depot_ids;    ///< after "(none)"
    bool m_saved = false;
    wxTextCtrl* m_code = nullptr;
    wxChoice* m_type = nullptr;
    wxTextCtrl* m_plate = nullptr;
    wxTextCtrl* m_width = nullptr;
    wxChoice* m_contractor = nullptr;
    wxTextCtrl* m_device = nullptr;
    wxChoice* m_district = nullptr;
    wxChoice* m_depot = nullptr;
    wxTextCtrl* m_shift = nullptr;
};

/// Adds or edits one contractor; errors from Fleet::save are shown and keep the dialog open.
class ContractorEditor : public wxDialog {
public:
    ContractorEditor(wxWindow* parent, dispatch::Fleet& fleet,
                     const dispatch::Contractor& contractor, ReportError report);

private:
    void on_ok();

    dispatch::Fleet& m_fleet;
    dispatch::Contractor m_contractor;
    ReportError m_report;
    wxTextCtrl* m_code = nullptr;
    wxTextCtrl* m_name = nullptr;
    wxTextCtrl* m_phone = nullptr;
    wxTextCtrl* m_email = nullptr;
};

/// Vehicles → Vehicles and contractors: both lists with add, edit and remove, and CSV import.
/// Works on its own read-write connection to the project; `changed` runs after every stored
/// change (the window reloads the GPS server's devices and the tracker).
class FleetDialog : public wxDialog {
public:
    /// Throws ykm::Error when the project cannot be opened for writing.
    FleetDialog(wxWindow* parent, const std::filesystem::path& project, UiLanguage language,
                ReportError report, std::function<void()> changed);

    /// Opens the editor of the vehicle `code`, sets `field` to `value` and presses OK (the test
    /// scripts); returns whether it was saved. Reports an error when there is no such vehicle.
    bool edit_vehicle(const std::string& code, const std::string& field, const wxString& value);
    /// Imports a CSV file as the Import button does after its file dialog; returns whether it
    /// was imported.
    bool import_csv(const std::filesystem::path& csv);

private:
    void refill();
    void add_vehicle();
    void edit_selected_vehicle();
    void remove_selected_vehicle();
    void add_contractor();
    void edit_selected_contractor();
    void remove_selected_contractor();
    void choose_csv();
    [[nodiscard]] long selected_row(const wxListCtrl* list) const;

    data::Project m_project;
    dispatch::Fleet m_fleet;
    UiLanguage m_language;
    ReportError m_report;
    std::function<void()> m_changed;
    std::map<std::int64_t, std::string> m_districts;
    std::map<std::int64_t, std::string> m_depots;
    std::vector<dispatch::Contractor> m_contractors;
    std::vector<dispatch::Vehicle> m_vehicles;
    wxListCtrl* m_contractor_list = nullptr;
    wxListCtrl* m_vehicle_list = nullptr;
};

/// The name and dwell time of a geofence just drawn. OK checks both and names the field that
/// is wrong, keeping the dialog open.
class GeofenceDialog : public wxDialog {
public:
    GeofenceDialog(wxWindow* parent, ReportError report);

    [[nodiscard]] std::string name() const;
    [[nodiscard]] std::int64_t dwell_s() const { return m_dwell_s; }

private:
    ReportError m_report;
    wxTextCtrl* m_name = nullptr;
    wxTextCtrl* m_dwell = nullptr;
    std::int64_t m_dwell_s = 0;
};

/// Checks a geofence's name and dwell time as typed; on an error reports it naming the field
/// and returns std::nullopt.
std::optional<std::int64_t> check_geofence_input(const wxString& name, const wxString& dwell,
                                                 const ReportError& report);

} // namespace ykm::gui

#pragma once
// The Reports menu (帳票) of the window: daily work reports (作業日報), the fee rate tables
// (委託料単価), the month's fees (委託料計算) and the storm analysis (出動の分析), each a modeless
// dialog that opens its own connection to the project for every read and change.

#include "ykm/dispatch/daily_report.hpp"
#include "ykm/dispatch/fees.hpp"
#include "ykm/dispatch/holidays.hpp"
#include "ykm/dispatch/storm_kpi.hpp"
#include "ykm/gui/test_script.hpp"
#include "ykm/gui/ui_text.hpp"

#include <nlohmann/json.hpp>

#include <wx/dialog.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class wxBitmap;
class wxChoice;
class wxDatePickerCtrl;
class wxFrame;
class wxListCtrl;
class wxMenu;
class wxPanel;
class wxStaticText;
class wxTextCtrl;

namespace ykm::gui {

/// What the report dialogs need of the main window.
struct ReportContext {
    /// The open project's file; std::nullopt without a project.
    std::function<std::optional<std::filesystem::path>()> project_path;
    UiLanguage language = UiLanguage::japanese;
    /// Shows an error to the user (a dialog, or stderr in the headless test modes).
    std::function<void(const wxString& title, const wxString& message)> report_error;
};

/// Shows a refusal or an error of a report dialog: in a message dialog when `ask` (a user is
/// there), else on stderr as "yukimichi: refused: …" (test scripts, where a refusal is expected
/// and not an error of the run). Each is kept in `messages` for the dump.
void show_refusal(wxWindow* parent, const wxString& title, const wxString& message, bool ask,
                  std::vector<std::string>& messages);

/// Writes an export with `write`, then keeps "Saved FILE" in `messages`; when `write` throws,
/// shows the error under `failure_title` naming the file (see show_refusal()) and returns false.
bool save_export(wxWindow* parent, const wxString& failure_title, const std::filesystem::path& file,
                 bool ask, std::vector<std::string>& messages, const std::function<void()>& write);

/// Reports → Daily work reports: the shifts of a date (a contractor's, or all), the selected
/// shift's figures, gaps and orders; staff confirm or unconfirm GPS gaps, and export the date's
/// reports as CSV, XLSX or PDF.
class DailyReportDialog : public wxDialog {
public:
    /// With `ask`, an error reading the project is shown in a dialog, else kept for the dump.
    DailyReportDialog(wxWindow* parent, ReportContext context, bool ask);

    /// Shows the reports of `date` ("YYYY-MM-DD", Japan) for the contractor with
    /// `contractor_code` (all when std::nullopt); returns false (and says why) when the date or
    /// contractor is unknown or the reports cannot be read.
    bool show_date(const std::string& date, const std::optional<std::string>& contractor_code,
                   bool ask);
    /// Selects the first shift of the vehicle; false when it has none listed.
    bool select_shift(const std::string& vehicle_code);
    /// Confirms the gap of the vehicle's shift that starts at `when` ("HH:MM" or
    /// "YYYY-MM-DD HH:MM") as `work` with `note`; with `ask` the user chooses the work type and
    /// writes the note first. Returns whether it was stored; the list is read again at once.
    bool confirm_gap(const std::string& vehicle_code, const std::string& when, data::WorkType work,
                     const std::string& note, bool ask);
    /// Removes the confirmation of that gap.
    bool unconfirm_gap(const std::string& vehicle_code, const std::string& when, bool ask);
    /// Writes the shown date's reports to `file` (.csv, .xlsx, .pdf); errors name the file.
    bool export_to(const std::filesystem::path& file, bool ask);

    /// The shown rows, the selected shift's details and gaps, and the messages shown, as JSON.
    [[nodiscard]] nlohmann::json dump() const;

private:
    void reload(bool ask);
    void show_details();
    void on_confirm_button();
    void on_unconfirm_button();
    void on_export_button(const wxString& wildcard, const wxString& extension);
    [[nodiscard]] const dispatch::DailyReport* selected() const;
    [[nodiscard]] std::optional<std::size_t> selected_gap() const;

    ReportContext m_context;
    std::string m_date;
    std::optional<std::int64_t> m_contractor;
    std::vector<std::int64_t> m_contractor_ids; ///< after "all"
    std::vector<dispatch::DailyReport> m_reports;
    std::vector<std::string> m_states; ///< per report: 確定済み or ""
    std::vector<std::string> m_messages;
    wxDatePickerCtrl* m_date_picker = nullptr;
    wxChoice* m_contractor_choice = nullptr;
    wxListCtrl* m_shifts = nullptr;
    wxListCtrl* m_details = nullptr;
    wxListCtrl* m_gaps = nullptr;
    wxListCtrl* m_orders = nullptr;
};

/// Reports → Fee rates: the rate table (bands per machine type and day kind), standby terms and
/// the season. Every change goes through dispatch::FeeTables, which audits it; refusals (an
/// overlapping band, a bad value) are shown with the library's message.
class FeeRatesDialog : public wxDialog {
public:
    FeeRatesDialog(wxWindow* parent, ReportContext context, bool ask);

    /// Stores a band (dispatch::FeeTables::set_rate); with `ask` the user edits it first.
    bool set_rate(const dispatch::FeeRate& rate, bool ask);
    /// Removes the band with this id.
    bool remove_rate(std::int64_t id, bool ask);
    /// Sets the standby terms of a machine type.
    bool set_standby(const dispatch::StandbyTerms& terms, bool ask);
    /// Sets the season (dates "YYYY-MM-DD").
    bool set_season(const std::string& start, const std::string& end, bool ask);
    /// Adds a holiday of the project ("YYYY-MM-DD", e.g. 年末年始) or renames it; it is priced
    /// at the holiday rates.
    bool add_holiday(const std::string& date, const std::string& name, bool ask);
    /// Removes a holiday of the project.
    bool remove_holiday(const std::string& date, bool ask);

    /// The rates, standby terms, season, project holidays and messages shown, as JSON.
    [[nodiscard]] nlohmann::json dump() const;

private:
    void reload(bool ask);
    /// Runs `change` on the fee tables of a read-write connection; refusals are shown.
    bool change(const std::function<void(dispatch::FeeTables&)>& change, bool ask);
    /// Runs `change` on a read-write connection to the project; a refusal is shown under the
    /// title `refused`. The dialog shows the tables again either way.
    bool change_project(const std::function<void(data::Project&)>& change, const wxString& refused,
                        bool ask);
    /// Runs `change` on the project's holiday calendar; refusals are shown.
    bool change_holidays(const std::function<void(dispatch::HolidayCalendar&)>& change, bool ask);
    void edit_rate(std::optional<dispatch::FeeRate> rate);
    void edit_standby();

    ReportContext m_context;
    std::vector<dispatch::FeeRate> m_rates;
    std::vector<dispatch::StandbyTerms> m_standby;
    std::optional<dispatch::Season> m_season;
    std::vector<std::string> m_messages;
    wxListCtrl* m_rate_list = nullptr;
    wxListCtrl* m_standby_list = nullptr;
    wxTextCtrl* m_season_start = nullptr;
    wxTextCtrl* m_season_end = nullptr;
    std::vector<dispatch::Holiday> m_holidays;
    wxListCtrl* m_holiday_list = nullptr;
    wxTextCtrl* m_holiday_date = nullptr;
    wxTextCtrl* m_holiday_name = nullptr;
};

/// Reports → Monthly fees: a month and a contractor (or all); the fees per vehicle in a list,
/// exported as XLSX, PDF or CSV.
class FeeCalculationDialog : public wxDialog {
public:
    FeeCalculationDialog(wxWindow* parent, ReportContext context, bool ask);

    /// Computes the fees of `month` ("YYYY-MM") for the contractor with `contractor_code` (all
    /// when std::nullopt).
    bool calculate(const std::string& month, const std::optional<std::string>& contractor_code,
                   bool ask);
    /// Writes the computed fees to `file` (.xlsx, .pdf, .csv).
    bool export_to(const std::filesystem::path& file, bool ask);

    [[nodiscard]] nlohmann::json dump() const;

private:
    void on_calculate();
    void on_export_button(const wxString& wildcard, const wxString& extension);

    ReportContext m_context;
    std::optional<dispatch::MonthlyFees> m_fees;
    std::vector<std::int64_t> m_contractor_ids; ///< after "all"
    std::vector<std::string> m_contractor_codes;
    std::vector<std::string> m_messages;
    wxTextCtrl* m_month = nullptr;
    wxChoice* m_contractor_choice = nullptr;
    wxListCtrl* m_list = nullptr;
    wxStaticText* m_summary = nullptr;
};

/// Reports → Storm analysis: a storm (from storm_candidates(), newest first, or a custom
/// from/to), its chart drawn into the dialog (again on every resize), the time to clear class-1
/// roads per district, and exports of the chart (PNG, PDF) and the tables (CSV, XLSX).
class StormDialog : public wxDialog {
public:
    /// Shows the newest storm, if any.
    StormDialog(wxWindow* parent, ReportContext context, bool ask);

    /// Shows the storm at `index` of the choice (0 the newest).
    bool open_storm(std::size_t index, bool ask);
    /// Shows the window from `dispatch_ms` to `end_ms`.
    bool open_window(std::int64_t dispatch_ms, std::int64_t end_ms, bool ask);
    /// Writes the chart (.png, .pdf).
    bool export_chart(const std::filesystem::path& file, bool ask);
    /// Writes the tables (.csv: the time series; .xlsx: both).
    bool export_table(const std::filesystem::path& file, bool ask);

    [[nodiscard]] nlohmann::json dump() const;

private:
    void on_storm_chosen();
    void on_custom();
    void paint_chart();
    void on_export_button(bool chart, const wxString& wildcard, const wxString& extension);
    [[nodiscard]] gis::MapLanguage chart_language() const;

    ReportContext m_context;
    std::vector<dispatch::StormCandidate> m_storms; ///< newest first
    std::optional<dispatch::StormKpis> m_kpis;
    std::vector<std::string> m_messages;
    wxChoice* m_storm_choice = nullptr;
    wxTextCtrl* m_from = nullptr;
    wxTextCtrl* m_to = nullptr;
    wxPanel* m_chart = nullptr;
    wxListCtrl* m_districts = nullptr;
    wxSize m_drawn_size;
    std::unique_ptr<wxBitmap> m_bitmap;
};

/// The Reports menu and its dialogs, owned by the main window.
class ReportsMenu {
public:
    ReportsMenu(wxFrame& frame, ReportContext context);

    /// The menu to put in the menu bar; its items open the dialogs.
    wxMenu* build();

    /// The dialogs, created when not yet and shown; a closed one is hidden and shown again as
    /// it was. `ask`: errors while creating it are shown in a dialog (else kept for the dump).
    DailyReportDialog& daily(bool ask);
    FeeRatesDialog& fee_rates(bool ask);
    FeeCalculationDialog& fee_calculation(bool ask);
    StormDialog& storm(bool ask);

    /// What the open dialogs show, as JSON (test scripts).
    [[nodiscard]] nlohmann::json dump();

private:
    template <typename Dialog>
    Dialog& open(const char* name, bool ask);

    wxFrame& m_frame;
    ReportContext m_context;
};

/// Runs one Reports step of a test script (reports_daily, gap_confirm, …) on the dialogs, as
/// their controls would, without asking; `tick` counts the calls for this step. Returns
/// std::nullopt to be called again on the next tick (a screenshot waits until the dialog is
/// drawn), else whether the step succeeded; refusals are kept for dump_reports, not failures.
std::optional<bool> run_report_step(ReportsMenu& reports, const ScriptStep& step, int tick);

} // namespace ykm::gui

namespace ykm::gui::report_widgets {

/// A column of a report dialog's list: its title and width in characters.
struct Column {
    wxString title;
    int width_chars = 10;
};

/// A single-selection report list named `name`, `rows` lines high.
wxListCtrl* make_list(wxWindow* parent, const char* name, int rows,
                      const std::vector<Column>& columns);
/// Replaces the list's rows.
void fill_list(wxListCtrl& list, const std::vector<std::vector<std::string>>& rows);
/// The list's rows as a JSON array of arrays of cells.
nlohmann::json list_json(const wxListCtrl& list);
/// The first selected row, if any.
std::optional<std::size_t> selected_row(const wxListCtrl& list);
/// Asks where to save a file; std::nullopt when the user cancels.
std::optional<std::filesystem::path> ask_save_path(wxWindow* parent, const wxString& title,
                                                   const wxString& default_name,
                                                   const wxString& wildcard);
wxString utf8(const std::string& text);
std::string to_utf8(const wxString& text);

} // namespace ykm::gui::report_widgets

#include "planner_panel.hpp"

#include "ykm/dispatch/fleet.hpp"
#include "ykm/gui/fleet_view.hpp"

#include <wx/button.h>
#include <wx/checklst.h>
#include <wx/choicdlg.h>
#include <wx/choice.h>
#include <wx/gauge.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/treectrl.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <thread>

namespace ykm::gui {

namespace {

wxString utf8(const std::string& s) {
    return wxString::FromUTF8(s);
}

/// The planner is polled this often while it runs: progress moves smoothly and costs nothing.
constexpr int poll_ms = 100;
/// The best routes so far are drawn again at most this often while the search improves them.
constexpr auto redraw_every = std::chrono::milliseconds(400);
/// Route widths on the map, in pixels at text scale 1.
constexpr double service_width_px = 5.0;
constexpr double deadhead_width_px = 1.5;
constexpr int gauge_range = 1000;

/// Okabe-Ito and Tol colours that the map does not use for roads (vermilion, blue and bluish
/// green are the classes), highlights (magenta) or alerts (yellow).
constexpr std::array<std::array<unsigned char, 3>, 8> route_palette{{
    {0xCC, 0x79, 0xA7},
    {0xE6, 0x9F, 0x00},
    {0x56, 0xB4, 0xE9},
    {0x33, 0x22, 0x88},
    {0x88, 0x22, 0x55},
    {0x99, 0x99, 0x33},
    {0x44, 0xAA, 0x99},
    {0x66, 0x33, 0x00},
}};

wxString class_label(gis::PriorityClass priority) {
    switch (priority) {
    case gis::PriorityClass::first:
        return _("Class 1");
    case gis::PriorityClass::second:
        return _("Class 2");
    case gis::PriorityClass::third:
        return _("Class 3");
    case gis::PriorityClass::none:
        break;
    }
    return _("No class");
}

/// A Unix time as "HH:MM" in Japan Standard Time.
wxString clock_text(std::int64_t time_ms) {
    return utf8(tokyo_time_text(time_ms).substr(0, 5));
}

wxString duration_text(double seconds) {
    return utf8(plan_duration_text(seconds));
}

std::int64_t after_ms(std::int64_t start_ms, double seconds) {
    return start_ms + static_cast<std::int64_t>(std::llround(seconds * 1000.0));
}

/// Sets a label only when it changed (a label set ten times a second would flicker), and lays
/// the panel out again when its number of lines changed.
void set_label(wxStaticText* label, const wxString& text) {
    const wxString old = label->GetLabel();
    if (old == text) {
        return;
    }
    label->SetLabel(text);
    if (old.Freq('\n') != text.Freq('\n')) {
        if (auto* panel = dynamic_cast<wxScrolledWindow*>(label->GetParent())) {
            panel->Layout();
            panel->FitInside();
        }
    }
}

unsigned planner_threads() {
    // The search is parallel; leave a core to the window and the GPS server.
    const unsigned cores = std::thread::hardware_concurrency();
    return std::clamp(cores > 1 ? cores - 1 : 1U, 1U, 4U);
}

} // namespace

wxColour route_colour(std::size_t index) {
    const auto& c = route_palette[index % route_palette.size()];
    return {c[0], c[1], c[2]};
}

/// What an item of the route tree stands for: a vehicle, or a service of its route.
class PlannerPanel::ServiceData : public wxTreeItemData {
public:
    ServiceData(std::size_t vehicle, std::optional<std::size_t> position)
        : m_vehicle(vehicle), m_position(position) {}
    [[nodiscard]] std::size_t vehicle() const { return m_vehicle; }
    [[nodiscard]] std::optional<std::size_t> position() const { return m_position; }

private:
    std::size_t m_vehicle;
    std::optional<std::size_t> m_position;
};

PlannerPanel::PlannerPanel(wxWindow* parent, Callbacks callbacks)
    : wxScrolledWindow(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxVSCROLL),
      m_callbacks(std::move(callbacks)) {
    SetName("planner_panel");
    build();
    m_timer.SetOwner(this);
    Bind(wxEVT_TIMER, &PlannerPanel::on_timer, this);
    update_buttons();
}

PlannerPanel::~PlannerPanel() {
    m_timer.Stop();
    // The jobs' destructors cancel their searches and wait for their threads.
    m_job.reset();
    m_retired.clear();
}

void PlannerPanel::build() {
    auto* inputs = new wxFlexGridSizer(2, wxSize(6, 4));
    inputs->AddGrowableCol(1, 1);
    const auto label = [&](const wxString& text) {
        inputs->Add(new wxStaticText(this, wxID_ANY, text), 0, wxALIGN_CENTER_VERTICAL);
    };
    label(_("District:"));
    m_district = new wxChoice(this, wxID_ANY);
    m_district->SetName("plan_district");
    inputs->Add(m_district, 1, wxEXPAND);
    inputs->Add(new wxStaticText(this, wxID_ANY, _("Vehicles:")), 0, wxALIGN_TOP | wxTOP, 2);
    m_vehicle_list =
        new wxCheckListBox(this, wxID_ANY, wxDefaultPosition, wxSize(-1, 3 * GetCharHeight() + 20));
    m_vehicle_list->SetName("plan_vehicles");
    inputs->Add(m_vehicle_list, 1, wxEXPAND);
    label(_("Depot:"));
    m_depot = new wxChoice(this, wxID_ANY);
    inputs->Add(m_depot, 1, wxEXPAND);

    // The three short inputs on one row: the tree of routes below needs the height.
    auto* times = new wxBoxSizer(wxHORIZONTAL);
    const wxSize short_field(7 * GetCharWidth() + 12, -1);
    const auto short_input = [&](const wxString& text, const wxString& value) {
        times->Add(new wxStaticText(this, wxID_ANY, text), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 3);
        auto* field = new wxTextCtrl(this, wxID_ANY, value, wxDefaultPosition, short_field);
        times->Add(field, 1, wxRIGHT, 6);
        return field;
    };
    m_start = short_input(_("Start:"), "03:00");
    m_start->SetName("plan_start");
    m_start->SetToolTip(_("When the plows leave, HH:MM (the next such time)"));
    m_time_limit = short_input(_("Limit (s):"), "30");
    m_time_limit->SetToolTip(_("How long the planner may search, in seconds"));
    m_seed_ctrl = short_input(_("Seed:"), "1");
    m_seed_ctrl->SetToolTip(_("The same seed gives the same plan"));

    auto* run_row = new wxBoxSizer(wxHORIZONTAL);
    m_run = new wxButton(this, wxID_ANY, _("Run"));
    m_cancel = new wxButton(this, wxID_ANY, _("Stop"));
    m_open = new wxButton(this, wxID_ANY, _("Open..."));
    m_open->SetToolTip(_("Open a plan stored in the project"));
    run_row->Add(m_run, 1, wxRIGHT, 4);
    run_row->Add(m_cancel, 1, wxRIGHT, 4);
    run_row->Add(m_open, 1);

    m_gauge = new wxGauge(this, wxID_ANY, gauge_range);
    m_status = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_status->SetName("plan_status");
    m_figures = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_figures->SetName("plan_figures");

    m_tree = new wxTreeCtrl(this, wxID_ANY, wxDefaultPosition, wxSize(-1, 12 * GetCharHeight()),
                            wxTR_HIDE_ROOT | wxTR_HAS_BUTTONS | wxTR_SINGLE | wxTR_LINES_AT_ROOT);
    m_tree->SetName("plan_routes");

    auto* move_row = new wxBoxSizer(wxHORIZONTAL);
    move_row->Add(new wxStaticText(this, wxID_ANY, _("Move to:")), 0,
                  wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    m_target = new wxChoice(this, wxID_ANY);
    move_row->Add(m_target, 1, wxRIGHT, 4);
    m_move = new wxButton(this, wxID_ANY, _("Move"));
    m_move->SetToolTip(_("Move the selected service to the end of the chosen vehicle's route"));
    move_row->Add(m_move, 0);

    auto* edit_row = new wxBoxSizer(wxHORIZONTAL);
    m_up = new wxButton(this, wxID_ANY, _("Up"), wxDefaultPosition, wxDefaultSize, wxBU_EXACTFIT);
    m_down =
        new wxButton(this, wxID_ANY, _("Down"), wxDefaultPosition, wxDefaultSize, wxBU_EXACTFIT);
    m_undo =
        new wxButton(this, wxID_ANY, _("Undo"), wxDefaultPosition, wxDefaultSize, wxBU_EXACTFIT);
    m_undo->SetToolTip(_("Undo the last edit (Ctrl+Z)"));
    m_redo =
        new wxButton(this, wxID_ANY, _("Redo"), wxDefaultPosition, wxDefaultSize, wxBU_EXACTFIT);
    m_redo->SetToolTip(_("Redo the edit undone (Ctrl+Y)"));
    m_save =
        new wxButton(this, wxID_ANY, _("Save"), wxDefaultPosition, wxDefaultSize, wxBU_EXACTFIT);
    m_save->SetToolTip(_("Store the plan in the project"));
    for (wxButton* button : {m_up, m_down, m_undo, m_redo}) {
        edit_row->Add(button, 1, wxRIGHT, 3);
    }
    edit_row->Add(m_save, 1);

    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(inputs, 0, wxEXPAND | wxALL, 4);
    sizer->Add(times, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 4);
    sizer->Add(run_row, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 4);
    sizer->Add(m_gauge, 0, wxEXPAND | wxLEFT | wxRIGHT, 4);
    sizer->Add(m_status, 0, wxEXPAND | wxALL, 4);
    sizer->Add(m_figures, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 4);
    sizer->Add(m_tree, 1, wxEXPAND | wxLEFT | wxRIGHT, 4);
    sizer->Add(move_row, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, 4);
    sizer->Add(edit_row, 0, wxEXPAND | wxALL, 4);
    SetSizer(sizer);
    SetScrollRate(0, GetCharHeight());
    FitInside();

    m_district->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { tick_district_vehicles(); });
    m_run->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { run(); });
    m_cancel->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { cancel(); });
    m_open->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { open_stored(); });
    m_move->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        const auto chosen = chosen_service();
        const int target = m_target->GetSelection();
        if (!chosen || target < 0) {
            return;
        }
        const auto to = static_cast<std::size_t>(target);
        edit([&](PlanEditor& e) { e.move_to_vehicle(chosen->first, chosen->second, to); },
             std::pair<std::size_t, std::size_t>{to, m_editor->routes().tasks[to].size() -
                                                         (to == chosen->first ? 1 : 0)});
    });
    m_up->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { press_up(); });
    m_down->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { press_down(); });
    m_undo->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { undo(); });
    m_redo->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { redo(); });
    m_save->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { save(); });
    m_tree->Bind(wxEVT_TREE_SEL_CHANGED, [this](wxTreeEvent&) { update_buttons(); });
}

void PlannerPanel::report(const wxString& message) {
    if (m_callbacks.report_error) {
        m_callbacks.report_error(_("Yukimichi: route planning"), message);
    }
}

void PlannerPanel::set_project(data::Project& project, const data::ProjectInfo& info) {
    clear();
    m_project = project.path();
    for (const auto& district : info.districts) {
        m_districts.push_back({district.id, district.name});
    }
    try {
        dispatch::Fleet fleet(project);
        for (const dispatch::Vehicle& v : fleet.vehicles()) {
            m_vehicles.push_back({v.code, v.district_id});
        }
        data::Statement depots(project.database(), "SELECT id, name FROM depots ORDER BY name, id");
        while (depots.step()) {
            m_depots.push_back({depots.column_int64(0), depots.column_text(1)});
        }
    } catch (const std::exception&) {
        // A project without a fleet or depots: the lists stay as far as they were read, and
        // running the planner says what is missing.
    }
    std::sort(m_vehicles.begin(), m_vehicles.end(),
              [](const Vehicle& a, const Vehicle& b) { return a.code < b.code; });
    for (const District& d : m_districts) {
        m_district->Append(utf8(d.name));
    }
    for (const Vehicle& v : m_vehicles) {
        m_vehicle_list->Append(utf8(v.code));
    }
    m_depot->Append(_("Nearest to the district"));
    for (const Depot& d : m_depots) {
        m_depot->Append(utf8(d.name));
    }
    m_depot->SetSelection(0);
    if (!m_districts.empty()) {
        m_district->SetSelection(0);
        tick_district_vehicles();
    }
    update_buttons();
}

void PlannerPanel::clear() {
    if (m_job) {
        m_job->cancel();
        m_retired.push_back(std::move(m_job));
    }
    m_editor.reset();
    m_plan_id.reset();
    m_project.reset();
    m_districts.clear();
    m_vehicles.clear();
    m_depots.clear();
    m_district->Clear();
    m_vehicle_list->Clear();
    m_depot->Clear();
    m_target->Clear();
    m_tree->DeleteAllItems();
    m_gauge->SetValue(0);
    m_status->SetLabel(wxEmptyString);
    m_figures->SetLabel(wxEmptyString);
    if (m_callbacks.show_routes) {
        m_callbacks.show_routes({});
    }
    update_buttons();
}

void PlannerPanel::tick_district_vehicles() {
    const int chosen = m_district->GetSelection();
    if (chosen < 0 || static_cast<std::size_t>(chosen) >= m_districts.size()) {
        return;
    }
    const std::int64_t district = m_districts[static_cast<std::size_t>(chosen)].id;
    for (std::size_t i = 0; i < m_vehicles.size(); ++i) {
        m_vehicle_list->Check(static_cast<unsigned>(i), m_vehicles[i].district_id == district);
    }
}

bool PlannerPanel::choose_district(const std::string& name) {
    const int index = m_district->FindString(utf8(name), true);
    if (index == wxNOT_FOUND) {
        return false;
    }
    m_district->SetSelection(index);
    wxCommandEvent event(wxEVT_CHOICE, m_district->GetId());
    event.SetEventObject(m_district);
    event.SetInt(index);
    m_district->ProcessWindowEvent(event);
    return true;
}

void PlannerPanel::set_time_limit(int seconds) {
    m_time_limit->SetValue(wxString::Format("%d", seconds));
}

void PlannerPanel::run() {
    if (m_job) {
        return;
    }
    if (!m_project) {
        report(_("Open a project first."));
        return;
    }
    const int district = m_district->GetSelection();
    if (district < 0 || static_cast<std::size_t>(district) >= m_districts.size()) {
        report(_("Choose a district."));
        return;
    }
    dispatch::PlanRequest request;
    request.district = std::to_string(m_districts[static_cast<std::size_t>(district)].id);
    for (std::size_t i = 0; i < m_vehicles.size(); ++i) {
        if (m_vehicle_list->IsChecked(static_cast<unsigned>(i))) {
            request.vehicles.push_back(m_vehicles[i].code);
        }
    }
    if (request.vehicles.empty()) {
        report(_("Tick at least one vehicle."));
        return;
    }
    const int depot = m_depot->GetSelection();
    if (depot > 0 && static_cast<std::size_t>(depot) <= m_depots.size()) {
        request.depot = std::to_string(m_depots[static_cast<std::size_t>(depot - 1)].id);
    }
    const std::string start(m_start->GetValue().utf8_str());
    const auto minutes = parse_clock_minutes(start);
    if (!minutes) {
        report(wxString::Format(_("The start time %s is not a time of day as HH:MM."),
                                m_start->GetValue()));
        return;
    }
    request.start_ms = next_tokyo_time_ms(*minutes, unix_now_ms());
    long limit_s = 0;
    if (!m_time_limit->GetValue().Trim().Trim(false).ToLong(&limit_s) || limit_s < 1 ||
        limit_s > 3600) {
        report(wxString::Format(_("The time limit %s is not a number of seconds from 1 to 3600."),
                                m_time_limit->GetValue()));
        return;
    }
    unsigned long long seed = 0;
    if (!m_seed_ctrl->GetValue().Trim().Trim(false).ToULongLong(&seed)) {
        report(wxString::Format(_("The seed %s is not a whole number."), m_seed_ctrl->GetValue()));
        return;
    }
    dispatch::PlanSearchOptions options;
    options.seed = seed;
    options.time_limit_s = static_cast<double>(limit_s);
    options.threads = planner_threads();
    m_seed = options.seed;
    m_start_ms = request.start_ms;
    start_job(std::make_unique<PlanJob>(*m_project, std::move(request), options), false);
}

void PlannerPanel::start_job(std::unique_ptr<PlanJob> job, bool opening) {
    m_job = std::move(job);
    m_job_opens = opening;
    m_editor.reset();
    m_drawn_generation = 0;
    m_tree->DeleteAllItems();
    m_target->Clear();
    m_gauge->SetValue(0);
    m_figures->SetLabel(wxEmptyString);
    m_status->SetLabel(opening ? _("Reading the stored plan...")
                               : _("Building the problem (paths between all roads)..."));
    if (m_callbacks.show_routes) {
        m_callbacks.show_routes({});
    }
    m_timer.Start(poll_ms);
    update_buttons();
    Layout();
    FitInside();
}

void PlannerPanel::cancel() {
    if (m_job) {
        m_job->cancel();
        m_status->SetLabel(_("Stopping..."));
    }
}

void PlannerPanel::on_timer(wxTimerEvent&) {
    poll();
}

void PlannerPanel::poll() {
    std::erase_if(m_retired, [](const std::unique_ptr<PlanJob>& job) { return job->finished(); });
    if (!m_job) {
        if (m_retired.empty()) {
            m_timer.Stop();
        }
        return;
    }
    if (m_job->finished()) {
        job_finished();
        return;
    }
    const PlanJob::Progress progress = m_job->progress();
    m_gauge->SetValue(static_cast<int>(std::lround(progress.fraction * gauge_range)));
    if (m_job->cancel_requested()) {
        set_label(m_status, _("Stopping..."));
    } else if (progress.phase == PlanJob::Progress::Phase::searching && !m_job_opens) {
        set_label(m_status, wxString::Format(_("Searching the class %d roads... %.0f s"),
                                             progress.priority, progress.seconds));
    }
    const auto setup = m_job->setup();
    if (progress.best_evaluation && setup) {
        set_label(m_figures, _("Best so far:") + "\n" + figures(*progress.best_evaluation));
    }
    const auto now = std::chrono::steady_clock::now();
    if (setup && progress.best_generation != m_drawn_generation &&
        now - m_last_drawn >= redraw_every) {
        m_drawn_generation = progress.best_generation;
        m_last_drawn = now;
        const dispatch::PlanRoutes best = m_job->best_routes();
        if (best.tasks.size() == setup->problem().vehicles().size()) {
            show_lines(setup->problem(), best);
        }
    }
}

void PlannerPanel::job_finished() {
    if (m_retired.empty()) {
        m_timer.Stop();
    }
    std::unique_ptr<PlanJob> job = std::move(m_job);
    const bool opened = m_job_opens;
    const std::optional<std::int64_t> opening_id = m_opening_id;
    m_opening_id.reset();
    const auto outcome = job->outcome();
    const auto setup = job->setup();
    if (!outcome && job->stopped_before_plan()) {
        m_status->SetLabel(_("Stopped before a plan was made."));
        m_gauge->SetValue(0);
        update_buttons();
        return;
    }
    if (!outcome || !setup) {
        m_status->SetLabel(_("Planning failed."));
        m_gauge->SetValue(0);
        update_buttons();
        report(wxString::Format(_("The planner failed:\n\n%s"), utf8(job->error())));
        return;
    }
    try {
        m_editor = std::make_unique<PlanEditor>(setup, outcome->routes);
    } catch (const std::exception& e) {
        m_status->SetLabel(_("Planning failed."));
        update_buttons();
        report(wxString::Format(_("The planner failed:\n\n%s"), utf8(e.what())));
        return;
    }
    m_start_ms = setup->request().start_ms;
    m_gauge->SetValue(gauge_range);
    if (opened) {
        m_plan_id = opening_id;
        wxString text = wxString::Format(_("Plan %lld opened."),
                                         static_cast<long long>(opening_id.value_or(0)));
        if (job->missing() > 0) {
            text << " "
                 << wxString::Format(_("%d services of the stored plan are no longer roads of "
                                       "the district."),
                                     static_cast<int>(job->missing()));
        }
        m_status->SetLabel(text);
    } else {
        m_plan_id.reset();
        // Reading the project and building the problem count too: that is what the user waited.
        const double seconds = job->progress().seconds;
        switch (outcome->stop) {
        case dispatch::PlanStop::finished:
            m_status->SetLabel(wxString::Format(_("Finished in %.1f s."), seconds));
            break;
        case dispatch::PlanStop::time_limit:
            m_status->SetLabel(
                wxString::Format(_("Stopped at the time limit after %.1f s."), seconds));
            break;
        case dispatch::PlanStop::cancelled:
            m_status->SetLabel(
                wxString::Format(_("Stopped after %.1f s: the best plan found so far."), seconds));
            break;
        }
    }
    m_target->Clear();
    for (const dispatch::PlanVehicle& v : setup->problem().vehicles()) {
        m_target->Append(utf8(v.code));
    }
    if (!m_target->IsEmpty()) {
        m_target->SetSelection(0);
    }
    show_plan();
    fill_tree(std::nullopt);
}

void PlannerPanel::show_plan() {
    if (!m_editor) {
        return;
    }
    m_figures->SetLabel(figures(m_editor->evaluation()));
    show_lines(m_editor->problem(), m_editor->routes());
    update_buttons();
    Layout();
    FitInside();
}

void PlannerPanel::redraw() {
    if (m_editor) {
        show_lines(m_editor->problem(), m_editor->routes());
    } else if (m_callbacks.show_routes) {
        m_callbacks.show_routes({});
    }
}

void PlannerPanel::show_lines(const dispatch::PlanProblem& problem,
                              const dispatch::PlanRoutes& routes) {
    if (!m_callbacks.show_routes) {
        return;
    }
    std::vector<RouteOverlayLine> lines;
    try {
        std::vector<PlanLine> plan = plan_lines(problem, routes);
        lines.reserve(plan.size());
        // Deadhead first: the thick service lines go over the thin ones.
        for (const bool service : {false, true}) {
            for (PlanLine& line : plan) {
                if (line.service == service) {
                    lines.push_back({std::move(line.points), route_colour(line.vehicle),
                                     service ? service_width_px : deadhead_width_px});
                }
            }
        }
    } catch (const std::exception& e) {
        m_status->SetLabel(utf8(e.what()));
    }
    m_callbacks.show_routes(std::move(lines));
}

wxString PlannerPanel::figures(const dispatch::PlanEvaluation& evaluation) const {
    wxString text;
    for (const gis::PriorityClass c :
         {gis::PriorityClass::first, gis::PriorityClass::second, gis::PriorityClass::third}) {
        const auto& done = evaluation.class_finish_s[static_cast<std::size_t>(gis::to_int(c))];
        if (done) {
            text << wxString::Format(_("%s done at %s (+%s)"), class_label(c),
                                     clock_text(after_ms(m_start_ms, *done)), duration_text(*done))
                 << "\n";
        }
    }
    text << wxString::Format(_("All back at the depot at %s (+%s)"),
                             clock_text(after_ms(m_start_ms, evaluation.makespan_s)),
                             duration_text(evaluation.makespan_s))
         << "\n";
    text << wxString::Format(_("Driving time in total %s, overtime %s"),
                             duration_text(evaluation.travel_s),
                             duration_text(evaluation.overtime_s));
    if (evaluation.unserved > 0) {
        text << "\n"
             << wxString::Format(_("%d services are in no route"),
                                 static_cast<int>(evaluation.unserved));
    }
    if (evaluation.duplicated > 0) {
        text << "\n"
             << wxString::Format(_("%d services are planned twice"),
                                 static_cast<int>(evaluation.duplicated));
    }
    return text;
}

void PlannerPanel::fill_tree(std::optional<std::pair<std::size_t, std::size_t>> select) {
    m_tree->Freeze();
    m_tree->DeleteAllItems();
    if (m_editor) {
        const wxTreeItemId root = m_tree->AddRoot(wxEmptyString);
        const auto& vehicles = m_editor->problem().vehicles();
        const auto& summaries = m_editor->evaluation().vehicles;
        wxTreeItemId chosen;
        for (std::size_t v = 0; v < m_editor->vehicle_count(); ++v) {
            const std::vector<PlanServiceRow> rows = m_editor->services(v);
            wxString label = utf8(vehicles[v].code);
            if (v < summaries.size()) {
                const dispatch::VehiclePlanSummary& s = summaries[v];
                label = wxString::Format(
                    _("%s: %d services, back +%s, plowing %.1f km, deadhead %.1f km"),
                    utf8(vehicles[v].code), static_cast<int>(rows.size()), duration_text(s.end_s),
                    s.service_m / 1000.0, s.deadhead_m / 1000.0);
            }
            const wxTreeItemId vehicle_item =
                m_tree->AppendItem(root, label, -1, -1, new ServiceData(v, std::nullopt));
            for (const PlanServiceRow& row : rows) {
                const wxString street =
                    row.street.empty() ? wxString::Format(_("segment %lld"),
                                                          static_cast<long long>(row.segment_id))
                                       : utf8(row.street);
                wxString text =
                    wxString::Format(_("%d. %s (%s) +%s"), static_cast<int>(row.position + 1),
                                     street, class_label(row.priority), duration_text(row.start_s));
                if (row.passes > 1) {
                    text << " " << wxString::Format(_("pass %d of %d"), row.pass, row.passes);
                }
                const wxTreeItemId item = m_tree->AppendItem(vehicle_item, text, -1, -1,
                                                             new ServiceData(v, row.position));
                if (select && select->first == v && select->second == row.position) {
                    chosen = item;
                }
            }
            m_tree->Expand(vehicle_item);
        }
        if (chosen.IsOk()) {
            m_tree->SelectItem(chosen);
        }
    }
    m_tree->Thaw();
    // After Thaw: a frozen tree does not scroll.
    if (const wxTreeItemId selected = m_tree->GetSelection(); selected.IsOk()) {
        m_tree->EnsureVisible(selected);
    }
    update_buttons();
}

std::optional<std::pair<std::size_t, std::size_t>> PlannerPanel::chosen_service() const {
    const wxTreeItemId item = m_tree->GetSelection();
    if (!item.IsOk() || !m_editor) {
        return std::nullopt;
    }
    const auto* data = dynamic_cast<const ServiceData*>(m_tree->GetItemData(item));
    if (data == nullptr || !data->position()) {
        return std::nullopt;
    }
    return std::pair<std::size_t, std::size_t>{data->vehicle(), *data->position()};
}

void PlannerPanel::edit(const std::function<void(PlanEditor&)>& change,
                        std::optional<std::pair<std::size_t, std::size_t>> select) {
    if (!m_editor || m_job) {
        return;
    }
    try {
        change(*m_editor);
    } catch (const std::exception& e) {
        report(utf8(e.what()));
        return;
    }
    show_plan();
    fill_tree(select);
    if (m_callbacks.state_changed) {
        m_callbacks.state_changed();
    }
}

void PlannerPanel::press_up() {
    const auto chosen = chosen_service();
    if (!chosen) {
        return;
    }
    edit([&](PlanEditor& e) { e.move_up(chosen->first, chosen->second); },
         std::pair<std::size_t, std::size_t>{chosen->first,
                                             chosen->second > 0 ? chosen->second - 1 : 0});
}

void PlannerPanel::press_down() {
    const auto chosen = chosen_service();
    if (!chosen) {
        return;
    }
    edit([&](PlanEditor& e) { e.move_down(chosen->first, chosen->second); },
         std::pair<std::size_t, std::size_t>{chosen->first, chosen->second + 1});
}

void PlannerPanel::undo() {
    if (can_undo()) {
        edit([](PlanEditor& e) { e.undo(); }, std::nullopt);
    }
}

void PlannerPanel::redo() {
    if (can_redo()) {
        edit([](PlanEditor& e) { e.redo(); }, std::nullopt);
    }
}

bool PlannerPanel::choose_service(const std::string& code, int number) {
    if (!m_editor || number < 1) {
        return false;
    }
    const auto& vehicles = m_editor->problem().vehicles();
    for (std::size_t v = 0; v < vehicles.size(); ++v) {
        if (vehicles[v].code != code) {
            continue;
        }
        // The tree lists the vehicles in the problem's order, each with its services.
        wxTreeItemIdValue vehicle_cookie;
        wxTreeItemId vehicle_item = m_tree->GetFirstChild(m_tree->GetRootItem(), vehicle_cookie);
        for (std::size_t i = 0; i < v && vehicle_item.IsOk(); ++i) {
            vehicle_item = m_tree->GetNextChild(m_tree->GetRootItem(), vehicle_cookie);
        }
        if (!vehicle_item.IsOk()) {
            return false;
        }
        wxTreeItemIdValue cookie;
        wxTreeItemId item = m_tree->GetFirstChild(vehicle_item, cookie);
        for (int i = 1; i < number && item.IsOk(); ++i) {
            item = m_tree->GetNextChild(vehicle_item, cookie);
        }
        if (!item.IsOk()) {
            return false;
        }
        m_tree->SelectItem(item);
        update_buttons();
        return true;
    }
    return false;
}

bool PlannerPanel::move_chosen_to(const std::string& code) {
    const int target = m_target->FindString(utf8(code), true);
    if (target == wxNOT_FOUND || !chosen_service()) {
        return false;
    }
    m_target->SetSelection(target);
    wxCommandEvent press(wxEVT_BUTTON, m_move->GetId());
    press.SetEventObject(m_move);
    m_move->ProcessWindowEvent(press);
    return true;
}

void PlannerPanel::save() {
    if (!m_editor || !m_project || m_job) {
        return;
    }
    try {
        data::Project project = data::Project::open(*m_project, data::OpenMode::read_write);
        if (m_plan_id) {
            dispatch::update_plan(project, *m_plan_id, m_editor->setup(), m_editor->routes());
            m_status->SetLabel(
                wxString::Format(_("Plan %lld updated."), static_cast<long long>(*m_plan_id)));
        } else {
            m_plan_id = dispatch::save_plan(project, m_editor->setup(), m_editor->routes(), m_seed);
            m_status->SetLabel(
                wxString::Format(_("Plan saved as %lld."), static_cast<long long>(*m_plan_id)));
        }
        project.close();
        m_editor->mark_saved();
    } catch (const std::exception& e) {
        report(wxString::Format(_("The plan cannot be saved:\n\n%s"), utf8(e.what())));
    }
    update_buttons();
}

void PlannerPanel::open_stored() {
    if (!m_project || m_job) {
        return;
    }
    std::vector<dispatch::PlanListing> plans;
    try {
        data::Project project = data::Project::open(*m_project, data::OpenMode::read_only);
        plans = dispatch::list_plans(project);
    } catch (const std::exception& e) {
        report(utf8(e.what()));
        return;
    }
    if (plans.empty()) {
        report(_("No plans are stored in this project."));
        return;
    }
    wxArrayString choices;
    for (const dispatch::PlanListing& plan : plans) {
        choices.Add(wxString::Format(_("%s (%s, %d vehicles, made %s)"), utf8(plan.name),
                                     utf8(plan.district), static_cast<int>(plan.vehicles),
                                     utf8(tokyo_time_text(plan.created_ms, true))));
    }
    wxSingleChoiceDialog dialog(this, _("Choose the plan to open:"), _("Open a stored plan"),
                                choices);
    if (dialog.ShowModal() != wxID_OK || dialog.GetSelection() < 0) {
        return;
    }
    open_plan(plans[static_cast<std::size_t>(dialog.GetSelection())].id);
}

bool PlannerPanel::open_latest() {
    if (!m_project || m_job) {
        return false;
    }
    std::optional<std::int64_t> latest;
    try {
        data::Project project = data::Project::open(*m_project, data::OpenMode::read_only);
        for (const dispatch::PlanListing& plan : dispatch::list_plans(project)) {
            latest = std::max(latest.value_or(plan.id), plan.id);
        }
    } catch (const std::exception& e) {
        report(utf8(e.what()));
        return false;
    }
    return latest && open_plan(*latest);
}

bool PlannerPanel::open_plan(std::int64_t plan_id) {
    if (!m_project || m_job) {
        return false;
    }
    try {
        data::Project project = data::Project::open(*m_project, data::OpenMode::read_only);
        dispatch::StoredPlan plan = dispatch::load_plan(project, plan_id);
        project.close();
        m_seed = plan.seed;
        m_opening_id = plan_id;
        start_job(std::make_unique<PlanJob>(*m_project, std::move(plan), planner_threads()), true);
        return true;
    } catch (const std::exception& e) {
        report(utf8(e.what()));
        return false;
    }
}

void PlannerPanel::update_buttons() {
    const bool idle = !m_job;
    const bool editing = idle && m_editor != nullptr;
    const auto chosen = chosen_service();
    m_run->Enable(idle && m_project.has_value());
    m_open->Enable(idle && m_project.has_value());
    m_cancel->Enable(!idle);
    m_target->Enable(editing);
    m_move->Enable(editing && chosen.has_value());
    m_up->Enable(editing && chosen && chosen->second > 0);
    m_down->Enable(editing && chosen &&
                   chosen->second + 1 < m_editor->routes().tasks[chosen->first].size());
    m_undo->Enable(editing && m_editor->can_undo());
    m_redo->Enable(editing && m_editor->can_redo());
    m_save->Enable(editing && (!m_plan_id || m_editor->modified()));
    if (m_callbacks.state_changed) {
        m_callbacks.state_changed();
    }
}

wxString PlannerPanel::status_text() const {
    return m_status->GetLabel();
}

wxString PlannerPanel::figures_text() const {
    return m_figures->GetLabel();
}

std::vector<wxString> PlannerPanel::tree_lines() const {
    std::vector<wxString> lines;
    if (!m_tree->GetRootItem().IsOk()) {
        return lines;
    }
    wxTreeItemIdValue cookie;
    for (wxTreeItemId v = m_tree->GetFirstChild(m_tree->GetRootItem(), cookie); v.IsOk();
         v = m_tree->GetNextChild(m_tree->GetRootItem(), cookie)) {
        lines.push_back(m_tree->GetItemText(v));
        wxTreeItemIdValue inner;
        for (wxTreeItemId s = m_tree->GetFirstChild(v, inner); s.IsOk();
             s = m_tree->GetNextChild(v, inner)) {
            lines.push_back("  " + m_tree->GetItemText(s));
        }
    }
    return lines;
}

} // namespace ykm::gui

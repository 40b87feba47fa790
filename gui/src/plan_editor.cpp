#include "ykm/gui/plan_editor.hpp"

#include "ykm/gis/error.hpp"
#include "ykm/gui/fleet_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <span>
#include <utility>

namespace ykm::gui {

namespace {

std::string position_text(std::size_t position) {
    // Users count services from 1, as the route list numbers them.
    return std::to_string(position + 1);
}

} // namespace

// ----- lines for the map -----

std::vector<PlanLine> plan_lines(const dispatch::PlanProblem& problem,
                                 const dispatch::PlanRoutes& routes) {
    std::vector<PlanLine> lines;
    const gis::RoadGraph& graph = problem.graph();
    const std::size_t vehicles = std::min(routes.tasks.size(), problem.vehicles().size());
    for (std::size_t v = 0; v < vehicles; ++v) {
        for (const dispatch::PlanStep& step : dispatch::expand_route(problem, v, routes.tasks[v])) {
            if (step.kind == dispatch::PlanStep::Kind::site || step.edge >= graph.edge_count()) {
                continue;
            }
            const bool service = step.kind == dispatch::PlanStep::Kind::service;
            const std::span<const gis::XY> shape = graph.shape(step.edge);
            if (shape.empty()) {
                continue;
            }
            // Consecutive steps of one kind are one line: far fewer strokes to draw, and the
            // joins between edges are drawn as joins rather than overlapping caps.
            const bool continues =
                !lines.empty() && lines.back().vehicle == v && lines.back().service == service &&
                !lines.back().points.empty() && lines.back().points.back() == shape.front();
            if (!continues) {
                lines.push_back(PlanLine{v, service, {}});
                lines.back().points.push_back(shape.front());
            }
            lines.back().points.insert(lines.back().points.end(), shape.begin() + 1, shape.end());
        }
    }
    return lines;
}

// ----- the editor -----

PlanEditor::PlanEditor(std::shared_ptr<const dispatch::PlanSetup> setup,
                       dispatch::PlanRoutes routes)
    : m_setup(std::move(setup)), m_routes(std::move(routes)) {
    if (!m_setup) {
        throw Error("plan editor: no plan setup");
    }
    const std::size_t vehicles = problem().vehicles().size();
    if (m_routes.tasks.size() != vehicles) {
        throw Error("plan editor: the routes are for " + std::to_string(m_routes.tasks.size()) +
                    " vehicles, the problem has " + std::to_string(vehicles));
    }
    const std::size_t tasks = problem().tasks().size();
    for (std::size_t v = 0; v < vehicles; ++v) {
        for (const std::uint32_t task : m_routes.tasks[v]) {
            if (task >= tasks) {
                throw Error("plan editor: vehicle " + problem().vehicles()[v].code + " has task " +
                            std::to_string(task) + ", the problem has " + std::to_string(tasks));
            }
        }
    }
    m_evaluation = dispatch::evaluate(problem(), m_routes);
}

void PlanEditor::check_move(const PlanMove& move) const {
    const std::size_t vehicles = m_routes.tasks.size();
    const auto vehicle_name = [&](std::size_t v) {
        return v < problem().vehicles().size() && !problem().vehicles()[v].code.empty()
                   ? problem().vehicles()[v].code
                   : "#" + std::to_string(v + 1);
    };
    if (move.from_vehicle >= vehicles) {
        throw Error("no vehicle #" + std::to_string(move.from_vehicle + 1) +
                    " in the plan (it has " + std::to_string(vehicles) + ")");
    }
    if (move.to_vehicle >= vehicles) {
        throw Error("no vehicle #" + std::to_string(move.to_vehicle + 1) + " in the plan (it has " +
                    std::to_string(vehicles) + ")");
    }
    const std::size_t from_size = m_routes.tasks[move.from_vehicle].size();
    if (move.from_position >= from_size) {
        throw Error("vehicle " + vehicle_name(move.from_vehicle) + " has no service " +
                    position_text(move.from_position) + " (it has " + std::to_string(from_size) +
                    ")");
    }
    // The destination's size once the task is out of it.
    const std::size_t to_size =
        m_routes.tasks[move.to_vehicle].size() - (move.to_vehicle == move.from_vehicle ? 1 : 0);
    if (move.to_position > to_size) {
        throw Error("vehicle " + vehicle_name(move.to_vehicle) + " has no position " +
                    position_text(move.to_position) + " (at most " + std::to_string(to_size + 1) +
                    ")");
    }
    if (move.to_vehicle == move.from_vehicle && move.to_position == move.from_position) {
        throw Error("service " + position_text(move.from_position) + " of vehicle " +
                    vehicle_name(move.from_vehicle) + " is already there");
    }
}

void PlanEditor::apply(const PlanMove& move) {
    auto& from = m_routes.tasks[move.from_vehicle];
    const std::uint32_t task = from[move.from_position];
    from.erase(from.begin() + static_cast<std::ptrdiff_t>(move.from_position));
    auto& to = m_routes.tasks[move.to_vehicle];
    to.insert(to.begin() + static_cast<std::ptrdiff_t>(move.to_position), task);
    m_evaluation = dispatch::evaluate(problem(), m_routes);
    ++m_revision;
}

void PlanEditor::move(const PlanMove& move) {
    check_move(move);
    apply(move);
    if (m_undo.size() < m_saved_depth) {
        // The saved routes were undone and now a new edit replaces what redo would bring back.
        m_saved_lost = true;
    }
    m_undo.push_back(move);
    m_redo.clear();
}

void PlanEditor::move_task(std::size_t from_vehicle, std::size_t position, std::size_t to_vehicle,
                           std::size_t to_position) {
    move(PlanMove{from_vehicle, position, to_vehicle, to_position});
}

void PlanEditor::move_to_vehicle(std::size_t from_vehicle, std::size_t position,
                                 std::size_t to_vehicle) {
    if (to_vehicle >= m_routes.tasks.size()) {
        check_move(PlanMove{from_vehicle, position, to_vehicle, 0});
    }
    const std::size_t end =
        m_routes.tasks[to_vehicle].size() - (to_vehicle == from_vehicle ? 1 : 0);
    move(PlanMove{from_vehicle, position, to_vehicle, end});
}

void PlanEditor::move_up(std::size_t vehicle, std::size_t position) {
    if (position == 0) {
        // Checked first so that a bad vehicle is named rather than the position.
        check_move(PlanMove{vehicle, position, vehicle, position + 1});
        throw Error("service 1 is already first");
    }
    move(PlanMove{vehicle, position, vehicle, position - 1});
}

void PlanEditor::move_down(std::size_t vehicle, std::size_t position) {
    move(PlanMove{vehicle, position, vehicle, position + 1});
}

void PlanEditor::reorder(std::size_t vehicle, std::size_t position, std::size_t new_position) {
    move(PlanMove{vehicle, position, vehicle, new_position});
}

void PlanEditor::undo() {
    if (m_undo.empty()) {
        throw Error("nothing to undo");
    }
    const PlanMove move = m_undo.back();
    apply(move.inverse());
    m_undo.pop_back();
    m_redo.push_back(move);
}

void PlanEditor::redo() {
    if (m_redo.empty()) {
        throw Error("nothing to redo");
    }
    const PlanMove move = m_redo.back();
    apply(move);
    m_redo.pop_back();
    m_undo.push_back(move);
}

void PlanEditor::mark_saved() {
    m_saved_depth = m_undo.size();
    m_saved_lost = false;
}

std::vector<PlanServiceRow> PlanEditor::services(std::size_t vehicle) const {
    if (vehicle >= m_routes.tasks.size()) {
        throw Error("no vehicle #" + std::to_string(vehicle + 1) + " in the plan");
    }
    const std::vector<std::uint32_t>& route = m_routes.tasks[vehicle];
    const auto& tasks = problem().tasks();
    std::vector<PlanServiceRow> rows;
    rows.reserve(route.size());
    for (std::size_t i = 0; i < route.size(); ++i) {
        const dispatch::PlanTask& task = tasks[route[i]];
        PlanServiceRow row;
        row.vehicle = vehicle;
        row.position = i;
        row.task = route[i];
        row.segment_id = task.segment_id;
        row.street = m_setup->street_name(task.segment_id);
        row.forward = task.forward;
        row.pass = task.pass;
        row.passes = task.passes;
        row.priority = task.priority;
        row.length_m = task.length_m;
        rows.push_back(std::move(row));
    }
    // The times as the expanded route gives them: its service steps come in route order.
    std::size_t next = 0;
    for (const dispatch::PlanStep& step : dispatch::expand_route(problem(), vehicle, route)) {
        if (step.kind != dispatch::PlanStep::Kind::service || next >= rows.size()) {
            continue;
        }
        rows[next].start_s = step.start_s;
        rows[next].end_s = step.end_s;
        ++next;
    }
    return rows;
}

// ----- the planner's thread -----

PlanJob::PlanJob(std::filesystem::path project, dispatch::PlanRequest request,
                 dispatch::PlanSearchOptions options, Notify notify)
    : m_options(options), m_notify(std::move(notify)) {
    m_thread = std::thread([this, project = std::move(project), request = std::move(request)] {
        run(project, request, std::nullopt);
    });
}

PlanJob::PlanJob(std::filesystem::path project, dispatch::StoredPlan plan, unsigned threads,
                 Notify notify)
    : m_notify(std::move(notify)) {
    m_options.threads = threads;
    m_thread = std::thread([this, project = std::move(project), plan = std::move(plan)] {
        run(project, plan.request, plan);
    });
}

PlanJob::PlanJob(std::shared_ptr<const dispatch::PlanSetup> setup,
                 dispatch::PlanSearchOptions options, Notify notify)
    : m_options(options), m_notify(std::move(notify)), m_setup(std::move(setup)) {
    m_thread = std::thread([this] { run(std::nullopt, {}, std::nullopt); });
}

PlanJob::~PlanJob() {
    cancel();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

void PlanJob::run(std::optional<std::filesystem::path> project,
                  const dispatch::PlanRequest& request,
                  const std::optional<dispatch::StoredPlan>& stored) {
    try {
        std::shared_ptr<const dispatch::PlanSetup> setup;
        if (project) {
            // The job's own connection: SQLite connections are not shared between threads.
            data::Project connection = data::Project::open(*project, data::OpenMode::read_only);
            dispatch::PlanBuildControl control;
            control.cancel = &m_cancel;
            control.progress = [this](double fraction) {
                {
                    std::lock_guard lock(m_mutex);
                    m_progress.fraction = fraction;
                }
                notify();
            };
            setup = dispatch::PlanSetup::load(connection, request, std::max(1U, m_options.threads),
                                              control);
            connection.close();
        } else {
            std::lock_guard lock(m_mutex);
            setup = m_setup;
        }
        if (!setup) {
            throw Error("plan job: no plan setup");
        }
        {
            std::lock_guard lock(m_mutex);
            m_setup = setup;
            m_progress.phase = Progress::Phase::searching;
        }
        notify();
        dispatch::PlanOutcome outcome;
        std::size_t missing = 0;
        if (stored) {
            outcome.routes = dispatch::routes_of(*setup, *stored, &missing);
            outcome.evaluation = dispatch::evaluate(setup->problem(), outcome.routes);
        } else {
            outcome = dispatch::solve_plan(
                setup->problem(), m_options,
                [this](const dispatch::PlanProgress& progress) { on_progress(progress); },
                &m_cancel);
        }
        {
            std::lock_guard lock(m_mutex);
            m_missing = missing;
            if (m_best != outcome.routes) {
                m_best = outcome.routes;
                ++m_progress.best_generation;
            }
            m_progress.best_evaluation = outcome.evaluation;
            m_progress.fraction = 1.0;
            m_progress.phase = Progress::Phase::done;
            m_progress.seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
            m_outcome = std::move(outcome);
        }
    } catch (const dispatch::PlanCancelled&) {
        std::lock_guard lock(m_mutex);
        m_stopped_before_plan = true;
        m_progress.phase = Progress::Phase::failed;
    } catch (const std::exception& e) {
        std::lock_guard lock(m_mutex);
        m_error = e.what();
        m_progress.phase = Progress::Phase::failed;
    }
    m_finished.store(true);
    notify();
}

void PlanJob::on_progress(const dispatch::PlanProgress& progress) {
    {
        std::lock_guard lock(m_mutex);
        m_progress.fraction = std::clamp(progress.fraction, 0.0, 1.0);
        m_progress.priority = progress.priority;
        m_progress.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
        if (progress.best_evaluation != nullptr) {
            m_progress.best_evaluation = *progress.best_evaluation;
        }
        if (progress.best != nullptr && *progress.best != m_best) {
            m_best = *progress.best;
            ++m_progress.best_generation;
        }
    }
    notify();
}

void PlanJob::notify() {
    if (m_notify) {
        m_notify();
    }
}

PlanJob::Progress PlanJob::progress() const {
    std::lock_guard lock(m_mutex);
    Progress copy = m_progress;
    if (copy.phase == Progress::Phase::loading || copy.phase == Progress::Phase::searching) {
        copy.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    }
    return copy;
}

bool PlanJob::finished() const {
    return m_finished.load();
}

dispatch::PlanRoutes PlanJob::best_routes() const {
    std::lock_guard lock(m_mutex);
    return m_best;
}

std::shared_ptr<const dispatch::PlanSetup> PlanJob::setup() const {
    std::lock_guard lock(m_mutex);
    return m_setup;
}

std::optional<dispatch::PlanOutcome> PlanJob::outcome() const {
    std::lock_guard lock(m_mutex);
    return m_outcome;
}

std::size_t PlanJob::missing() const {
    std::lock_guard lock(m_mutex);
    return m_missing;
}

std::string PlanJob::error() const {
    std::lock_guard lock(m_mutex);
    return m_error;
}

void PlanJob::wait() {
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

// ----- times -----

std::optional<int> parse_clock_minutes(std::string_view text) {
    while (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1);
    }
    while (!text.empty() && text.back() == ' ') {
        text.remove_suffix(1);
    }
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 2 ||
        text.size() - colon - 1 != 2) {
        return std::nullopt;
    }
    const auto digits = [](std::string_view part) -> std::optional<int> {
        int value = 0;
        for (const char c : part) {
            if (c < '0' || c > '9') {
                return std::nullopt;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    };
    const auto hours = digits(text.substr(0, colon));
    const auto minutes = digits(text.substr(colon + 1));
    if (!hours || !minutes || *hours > 23 || *minutes > 59) {
        return std::nullopt;
    }
    return *hours * 60 + *minutes;
}

std::int64_t next_tokyo_time_ms(int minutes, std::int64_t now_ms) {
    const std::int64_t at = tokyo_midnight_ms(now_ms) + std::int64_t{minutes} * 60'000;
    return at >= now_ms ? at : at + 24 * 3'600'000;
}

std::string plan_duration_text(double seconds) {
    const auto total_min = static_cast<long long>(
        std::lround(std::max(0.0, std::isfinite(seconds) ? seconds : 0.0) / 60.0));
    char text[32];
    std::snprintf(text, sizeof text, "%lld:%02lld", total_min / 60, total_min % 60);
    return text;
}

} // namespace ykm::gui

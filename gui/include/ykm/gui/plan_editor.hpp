#pragma once

// Route plans in the window, without the toolkit: editing a plan's routes by hand (every edit one
// undo step, the figures evaluated again after each) and running the planner off the UI thread.

#include "ykm/dispatch/plan_store.hpp"
#include "ykm/dispatch/route_planner.hpp"
#include "ykm/gis/geometry.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace ykm::gui {

/// Moves one service task: from a position of a vehicle's route to a position of a vehicle's
/// route (the same or another). `to_position` counts in the destination route after the task
/// was taken out, so that the inverse move is the same kind of command.
struct PlanMove {
    std::size_t from_vehicle = 0;
    std::size_t from_position = 0;
    std::size_t to_vehicle = 0;
    std::size_t to_position = 0;

    /// The move that puts the task back.
    [[nodiscard]] PlanMove inverse() const {
        return {to_vehicle, to_position, from_vehicle, from_position};
    }
    friend bool operator==(const PlanMove&, const PlanMove&) = default;
};

/// A service of a route as the route list shows it.
struct PlanServiceRow {
    std::size_t vehicle = 0;
    std::size_t position = 0; ///< in the vehicle's route, from 0
    std::uint32_t task = 0;   ///< index into the problem's tasks
    std::int64_t segment_id = 0;
    std::string street; ///< "" when unnamed
    bool forward = true;
    int pass = 1;
    int passes = 1;
    gis::PriorityClass priority = gis::PriorityClass::none;
    double start_s = 0.0; ///< from the plan's start
    double end_s = 0.0;
    double length_m = 0.0;
};

/// A run of driven steps of one kind, for drawing: a vehicle's service (plowing) or deadhead.
struct PlanLine {
    std::size_t vehicle = 0;
    bool service = false;
    gis::Polyline points; ///< project CRS
};

/// The driven lines of `routes`: for each vehicle its deadhead and service runs in the order
/// driven (consecutive steps of the same kind joined into one line).
std::vector<PlanLine> plan_lines(const dispatch::PlanProblem& problem,
                                 const dispatch::PlanRoutes& routes);

/// Edits a plan's routes by hand. Every edit is a command that makes one undo step; after every
/// edit, undo and redo the routes are evaluated again, so that evaluation() always holds the
/// figures of routes().
class PlanEditor {
public:
    /// Starts from `routes` (one route per vehicle of the setup's problem). Throws ykm::Error
    /// when `setup` is null or the routes do not fit the problem (vehicle count, task index).
    PlanEditor(std::shared_ptr<const dispatch::PlanSetup> setup, dispatch::PlanRoutes routes);

    [[nodiscard]] const dispatch::PlanSetup& setup() const { return *m_setup; }
    [[nodiscard]] const std::shared_ptr<const dispatch::PlanSetup>& shared_setup() const {
        return m_setup;
    }
    [[nodiscard]] const dispatch::PlanProblem& problem() const { return m_setup->problem(); }
    [[nodiscard]] const dispatch::PlanRoutes& routes() const { return m_routes; }
    [[nodiscard]] const dispatch::PlanEvaluation& evaluation() const { return m_evaluation; }
    [[nodiscard]] std::size_t vehicle_count() const { return m_routes.tasks.size(); }

    /// Moves a task (see PlanMove). Throws ykm::Error naming the vehicle or position when one
    /// does not exist; a move that leaves the routes as they are is refused the same way.
    void move(const PlanMove& move);
    /// Moves the task at `position` of `from_vehicle` to `to_position` of `to_vehicle`.
    void move_task(std::size_t from_vehicle, std::size_t position, std::size_t to_vehicle,
                   std::size_t to_position);
    /// Moves the task to the end of another vehicle's route.
    void move_to_vehicle(std::size_t from_vehicle, std::size_t position, std::size_t to_vehicle);
    /// Reorders within a route. Throws ykm::Error when the task is first (up), last (down) or
    /// the index does not exist.
    void move_up(std::size_t vehicle, std::size_t position);
    void move_down(std::size_t vehicle, std::size_t position);
    void reorder(std::size_t vehicle, std::size_t position, std::size_t new_position);

    [[nodiscard]] bool can_undo() const { return !m_undo.empty(); }
    [[nodiscard]] bool can_redo() const { return !m_redo.empty(); }
    /// Undoes the last edit, or redoes the last undone one. Throw ykm::Error when there is
    /// nothing to undo or redo.
    void undo();
    void redo();

    /// Counts edits, undos and redos: what a view compares to know whether to redraw.
    [[nodiscard]] std::uint64_t revision() const { return m_revision; }
    /// Whether the routes differ from the ones last marked saved (or given at the start).
    [[nodiscard]] bool modified() const { return m_undo.size() != m_saved_depth || m_saved_lost; }
    void mark_saved();

    /// The services of a vehicle's route in order, with their times from expand_route().
    [[nodiscard]] std::vector<PlanServiceRow> services(std::size_t vehicle) const;

private:
    void check_move(const PlanMove& move) const;
    void apply(const PlanMove& move);

    std::shared_ptr<const dispatch::PlanSetup> m_setup;
    dispatch::PlanRoutes m_routes;
    dispatch::PlanEvaluation m_evaluation;
    std::vector<PlanMove> m_undo;
    std::vector<PlanMove> m_redo;
    std::uint64_t m_revision = 0;
    std::size_t m_saved_depth = 0;
    /// An edit was made after undoing past the saved state: the saved routes are out of reach.
    bool m_saved_lost = false;
};

/// Runs the planner on a thread of its own: reads the project (its own connection), builds the
/// problem, searches. The UI thread reads progress() whenever it likes (it never waits for the
/// search) and may be told through `notify`, which runs on the planner's thread: the UI
/// marshals it to its own thread itself.
class PlanJob {
public:
    /// What the UI shows while the job runs and after.
    struct Progress {
        enum class Phase : std::uint8_t { loading, searching, done, failed };
        Phase phase = Phase::loading;
        double fraction = 0.0; ///< 0..1
        int priority = 1;      ///< the class being searched
        std::optional<dispatch::PlanEvaluation> best_evaluation;
        /// Changes whenever the best routes change (compare to redraw).
        std::uint64_t best_generation = 0;
        double seconds = 0.0; ///< since the job started
    };
    using Notify = std::function<void()>;

    /// Starts on `project` (opened read-only on the job's thread).
    PlanJob(std::filesystem::path project, dispatch::PlanRequest request,
            dispatch::PlanSearchOptions options, Notify notify = {});
    /// Builds the problem of a stored plan and its routes on it (routes_of()), without a search:
    /// to open a plan for editing. The outcome's evaluation is that of the routes.
    PlanJob(std::filesystem::path project, dispatch::StoredPlan plan, unsigned threads,
            Notify notify = {});
    /// Starts on a problem already built.
    PlanJob(std::shared_ptr<const dispatch::PlanSetup> setup, dispatch::PlanSearchOptions options,
            Notify notify = {});
    /// Cancels and waits for the thread: the search stops at its next round.
    ~PlanJob();
    PlanJob(const PlanJob&) = delete;
    PlanJob& operator=(const PlanJob&) = delete;

    /// Asks the search to stop; it returns the best plan found so far. Does not wait.
    void cancel() { m_cancel.store(true); }
    [[nodiscard]] bool cancel_requested() const { return m_cancel.load(); }

    [[nodiscard]] Progress progress() const;
    /// Whether the thread has finished (done or failed).
    [[nodiscard]] bool finished() const;
    /// The best routes so far (empty before the search reports), a copy.
    [[nodiscard]] dispatch::PlanRoutes best_routes() const;
    /// The problem, once it is built (null before, and after a failure to build it).
    [[nodiscard]] std::shared_ptr<const dispatch::PlanSetup> setup() const;
    /// The result, once finished without error.
    [[nodiscard]] std::optional<dispatch::PlanOutcome> outcome() const;
    /// The message of the error the job failed with ("" when none).
    [[nodiscard]] std::string error() const;
    /// Whether it was stopped while the problem was being built, before any plan existed.
    [[nodiscard]] bool stopped_before_plan() const { return m_stopped_before_plan.load(); }
    /// Services of an opened stored plan that the problem no longer has (roads changed since).
    [[nodiscard]] std::size_t missing() const;
    /// Blocks until the thread has finished (tests; the UI polls finished() instead).
    void wait();

private:
    void run(std::optional<std::filesystem::path> project, const dispatch::PlanRequest& request,
             const std::optional<dispatch::StoredPlan>& stored);
    void on_progress(const dispatch::PlanProgress& progress);
    void notify();

    dispatch::PlanSearchOptions m_options;
    Notify m_notify;
    std::atomic<bool> m_cancel{false};
    std::atomic<bool> m_finished{false};
    std::atomic<bool> m_stopped_before_plan{false};
    const std::chrono::steady_clock::time_point m_started = std::chrono::steady_clock::now();
    mutable std::mutex m_mutex;
    Progress m_progress;
    dispatch::PlanRoutes m_best;
    std::shared_ptr<const dispatch::PlanSetup> m_setup;
    std::optional<dispatch::PlanOutcome> m_outcome;
    std::string m_error;
    std::size_t m_missing = 0;
    std::thread m_thread; ///< last: started once everything else is in place
};

/// "HH:MM" (00:00-23:59) as minutes after midnight; std::nullopt when it is not such a time.
std::optional<int> parse_clock_minutes(std::string_view text);

/// The next time at `minutes` after midnight in Japan Standard Time at or after `now_ms` (Unix
/// milliseconds): when tonight's plows leave.
std::int64_t next_tokyo_time_ms(int minutes, std::int64_t now_ms);

/// A time from the plan's start as a clock shows it: "2:05" (hours may pass 24).
std::string plan_duration_text(double seconds);

} // namespace ykm::gui

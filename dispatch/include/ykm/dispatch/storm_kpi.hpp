#pragma once

// Key figures of one storm for supervisors (`ykm report storm`, the storm dialog): how fast the
// roads of each priority class were cleared after dispatch, how long each district took to clear
// its class-1 roads, and how many vehicles were working, idle or offline over the night. The
// figures come from the stored coverage passes and the season log's fixes.

#include "ykm/data/project.hpp"
#include "ykm/dispatch/report_table.hpp"
#include "ykm/dispatch/tracker.hpp"
#include "ykm/gis/map_renderer.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ykm::dispatch {

/// The time a storm's figures cover: from the dispatch (time zero of the chart) to its end.
struct StormWindow {
    std::int64_t dispatch_ms = 0; ///< Unix ms; passes and fixes before it are not counted
    std::int64_t end_ms = 0;      ///< Unix ms, the last step (inclusive)
};

/// The default step between two points of the series: 15 minutes.
inline constexpr std::int64_t storm_step_ms = 15 * 60'000;

/// Kilometres of one priority class at one time.
struct ClassProgress {
    double required_km = 0.0; ///< both directions of two-way roads count
    double done_km = 0.0;     ///< directions with a clearing pass since the dispatch
    /// done_km as a percentage of required_km; 0 when nothing is required.
    [[nodiscard]] double percent() const {
        return required_km > 0.0 ? 100.0 * done_km / required_km : 0.0;
    }
};

/// The figures at one step of the storm.
struct StormStep {
    std::int64_t time_ms = 0; ///< Unix ms
    /// Classes 1, 2, 3 (index 0, 1, 2): directions with a pass that clears the road
    /// (clears_road()) with dispatch_ms <= time_ms <= this step's time.
    std::array<ClassProgress, 3> by_class;
    /// Vehicles by state at this time (see storm_kpis() for the rules); the three add up to
    /// StormKpis::vehicles_reporting.
    int working = 0;
    int idle = 0;
    int offline = 0;
    /// Hours since the dispatch.
    [[nodiscard]] double hours_since(std::int64_t dispatch_ms) const {
        return static_cast<double>(time_ms - dispatch_ms) / 3'600'000.0;
    }
};

/// How long one district took to clear its class-1 roads.
struct DistrictClearing {
    std::string key;          ///< the district's id, or "none" for roads outside every district
    std::string name;         ///< the district's name (なし for "none")
    double required_km = 0.0; ///< class-1 km, both directions of two-way roads
    double done_km = 0.0;     ///< of them, cleared by the end of the window
    /// Milliseconds from the dispatch until 90 % of required_km had a clearing pass.
    std::optional<std::int64_t> to_90_percent_ms;
    /// Milliseconds from the dispatch until every class-1 direction had a clearing pass (the
    /// time of the last of their first clearing passes); none when not cleared by the end.
    std::optional<std::int64_t> to_cleared_ms;
    /// done_km as a percentage of required_km.
    [[nodiscard]] double percent() const {
        return required_km > 0.0 ? 100.0 * done_km / required_km : 0.0;
    }
};

/// The key figures of one storm.
struct StormKpis {
    StormWindow window;
    std::int64_t step_ms = storm_step_ms;
    /// From dispatch_ms every step_ms while before end_ms, then end_ms itself.
    std::vector<StormStep> steps;
    /// Districts (by id, then "none") that have class-1 roads.
    std::vector<DistrictClearing> class1_by_district;
    /// Vehicles with at least one fix in [dispatch_ms, end_ms]: the ones counted per step.
    int vehicles_reporting = 0;
};

/// Computes a storm's key figures. Kilometres: every direction of a classed road (one direction
/// of a one-way road) counts once, done from its first pass in the window that clears the road
/// (clears_road(): service work, or unknown work with the blade down), as summarize_coverage()
/// counts. Vehicles, at each step time t, from the season log's fixes of every vehicle that sent
/// at least one fix in [dispatch_ms, end_ms]:
///   - offline: no fix in (t - offline_after_ms, t], counted also before its first fix;
///   - working: not offline, and its last moving fix at or before t is less than
///     stopped_after_ms old and reports service work (data::is_service) or the blade down;
///   - idle: every other reporting vehicle (travelling, stopped, or moving without work).
/// A fix is moving when its speed is at least moving_speed_mps, or, without a speed, when it
/// lies farther than twice its accuracy (else twice matching.gps_sigma_m) from the vehicle's
/// previous fix, at that speed or more; fixes flagged speed_jump are a sign of life but never
/// moving. These are the rules the live tracker follows. Throws ykm::Error when the window ends
/// before it starts, the step is not positive, or the window would need more than 100,000 steps.
StormKpis storm_kpis(data::Project& project, StormWindow window,
                     std::int64_t step_ms = storm_step_ms, const TrackerSettings& thresholds = {});

/// The first time an order was issued (its status moved to issued) in [from_ms, to_ms], if any:
/// the default dispatch time of a storm.
std::optional<std::int64_t> first_order_issued(data::Project& project, std::int64_t from_ms,
                                               std::int64_t to_ms);

/// A period of activity that may be a storm.
struct StormCandidate {
    std::int64_t start_ms = 0;    ///< the first order issued or clearing pass
    std::int64_t end_ms = 0;      ///< the last one
    std::int64_t dispatch_ms = 0; ///< the first order issued in it, else start_ms
    int orders_issued = 0;        ///< orders that moved to issued in it
    int vehicles_working = 0;     ///< vehicles with a clearing pass in it
    double cleared_km = 0.0;      ///< length of the clearing passes in it, repeats included
};

/// The default silence that separates two storms: 12 hours without an order issued or a road
/// cleared.
inline constexpr std::int64_t storm_split_gap_ms = 12 * 3'600'000;

/// Periods with orders issued or vehicles working (a stored pass that clears the road), oldest
/// first: activity separated by more than `split_gap_ms` without either belongs to different
/// storms. Throws ykm::Error when split_gap_ms is not positive.
std::vector<StormCandidate> storm_candidates(data::Project& project,
                                             std::int64_t split_gap_ms = storm_split_gap_ms);

// ---- chart and tables --------------------------------------------------------------------------

/// Fill colours of the vehicle bands of the chart (Okabe-Ito): working sky blue, idle yellow,
/// offline grey.
inline constexpr gis::Rgb storm_working_colour{0x56, 0xB4, 0xE9};
inline constexpr gis::Rgb storm_idle_colour{0xF0, 0xE4, 0x42};
inline constexpr gis::Rgb storm_offline_colour{0x99, 0x99, 0x99};

/// The chart's layout in pixels (or points), for tests and for a window placing tooltips.
struct StormChartLayout {
    double top_panel_x = 0.0; ///< the km panel's plot area
    double top_panel_y = 0.0;
    double top_panel_w = 0.0;
    double top_panel_h = 0.0;
    double bottom_panel_x = 0.0; ///< the vehicles panel's plot area
    double bottom_panel_y = 0.0;
    double bottom_panel_w = 0.0;
    double bottom_panel_h = 0.0;
};

/// Where draw_storm_chart() puts its panels in a `width` x `height` picture.
StormChartLayout storm_chart_layout(double width, double height);

/// Draws the storm chart: the title with the storm's dates (JST); the top panel, % of km done by
/// class 1, 2, 3 against hours since dispatch, each class in its map colour
/// (gis::priority_colour) with its own dash pattern and a label at the line's end (class, % and
/// km); the bottom panel, vehicles working, idle and offline as stacked bands; hour ticks on
/// both; a legend. Labels in `language` (Japanese by default). Throws ykm::Error when the size
/// is below 200 x 150 or above 10,000 pixels a side.
gis::Image draw_storm_chart(const StormKpis& kpis, int width, int height,
                            gis::MapLanguage language = gis::MapLanguage::japanese);

/// Writes the chart to `file`: .png (width x height pixels) or .pdf (one A4 landscape page,
/// vector), whole or not at all. Throws ykm::Error naming the file for another extension or
/// when it cannot be written.
void write_storm_chart(const StormKpis& kpis, const std::filesystem::path& file,
                       gis::MapLanguage language = gis::MapLanguage::japanese, int width = 1600,
                       int height = 1000);

/// The tables of the figures: 時系列 (per step: time JST, hours since dispatch, km done and % of
/// each class, vehicles working, idle, offline) and 第1種除雪完了 (per district: class-1 km,
/// hours to 90 %, hours to 100 % or 未完了 with the % reached). English titles with
/// MapLanguage::english. Write them with write_report() (CSV: the first sheet only).
std::vector<ReportSheet> storm_tables(const StormKpis& kpis,
                                      gis::MapLanguage language = gis::MapLanguage::japanese);

} // namespace ykm::dispatch

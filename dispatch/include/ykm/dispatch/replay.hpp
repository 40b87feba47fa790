#pragma once

// Season replay: the fleet, the coverage and the orders as they were at any instant of the
// season, rebuilt from the season log, the stored passes and the order events. Used by the
// window's replay timeline and by `ykm replay`.

#include "ykm/data/project.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/orders.hpp"
#include "ykm/dispatch/tracker.hpp"
#include "ykm/gis/map_renderer.hpp"
#include "ykm/gis/map_view.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ykm::dispatch {

// ----- hourly coverage summaries (table coverage_hours) -----

/// Milliseconds in one hour: the span of one coverage summary.
inline constexpr std::int64_t coverage_hour_ms = 3'600'000;

/// The start of the whole UTC hour holding `time_ms` (Unix milliseconds; floor, also before
/// 1970).
std::int64_t coverage_hour_of(std::int64_t time_ms);

/// The last pass of one direction of a segment.
struct DirectionLastPass {
    std::int64_t segment_id = 0;
    bool forward = true; ///< the direction of the segment's geometry
    std::int64_t time_ms = 0;
    friend bool operator==(const DirectionLastPass&, const DirectionLastPass&) = default;
};

/// Encodes the summary of the hour starting at `hour_ms` (a whole hour): the last pass per
/// direction within it. Format: a version byte (1), the entry count, then per entry ordered by
/// key = 2 * segment_id + forward the key's increase over the previous one (the first: the key
/// itself) and the time's offset from hour_ms in milliseconds, all as LEB128 varints. Throws
/// ykm::Error naming the hour when an entry is outside the hour, a segment id is negative or a
/// direction appears twice.
std::vector<std::uint8_t> encode_coverage_hour(std::int64_t hour_ms,
                                               std::span<const DirectionLastPass> passes);

/// Decodes a summary of the hour starting at `hour_ms`, ordered by segment and direction
/// (backward first). Throws ykm::Error naming the hour on a corrupt or truncated summary.
std::vector<DirectionLastPass> decode_coverage_hour(std::int64_t hour_ms,
                                                    std::span<const std::uint8_t> data);

/// The summary of an hour computed from the stored passes (coverage_passes with hour_ms <=
/// time_ms < hour_ms + 1 h), ordered as decode_coverage_hour() returns it.
std::vector<DirectionLastPass> summarize_coverage_hour(data::Database& db, std::int64_t hour_ms);

/// Builds and stores the missing summaries of the whole hours that hold a pass with from_ms <=
/// time_ms < to_ms (the season simulator calls it after writing passes); an hour's summary is
/// read and written in one transaction, so a pass written meanwhile by another connection
/// either is in it or removes it. Existing summaries are kept (CoverageStore removes those it
/// makes stale). Returns the number of summaries written. Throws ykm::Error when the project
/// cannot be written.
std::size_t build_coverage_summaries(data::Project& project, std::int64_t from_ms,
                                     std::int64_t to_ms);

// ----- the replay -----

/// How the replay judges and draws the fleet.
struct ReplaySettings {
    /// The tracker's thresholds (stopped_after_ms, offline_after_ms, moving_speed_mps) give the
    /// states, and history_ms the coverage window: at T the coverage is the last pass per
    /// direction in (T - history_ms, T], what the live map showed at T.
    TrackerSettings tracker;
    /// The trail drawn behind each vehicle: its fixes in [T - trail_ms, T].
    std::int64_t trail_ms = 10 * 60'000;
    /// A vehicle whose last fix is older than this at T is left out of the picture (state
    /// unknown, no position), as if the live window had been started this long before T; one
    /// heard within it but not for offline_after_ms is offline at its last position.
    std::int64_t horizon_ms = 24 * 3'600'000;
    /// Place a vehicle between its fixes around T (linearly in time) when they are at most
    /// interpolate_gap_ms apart; otherwise at its last fix at or before T.
    bool interpolate = false;
    std::int64_t interpolate_gap_ms = 60'000;
};

/// One vehicle at the replay's instant.
struct ReplayVehicle {
    std::int64_t vehicle_id = 0;
    std::string code;                ///< the fleet's code; "#ID" for a vehicle not in the fleet
    std::int64_t contractor_id = 0;  ///< 0 when not in the fleet
    std::string contractor_code;     ///< empty when not in the fleet
    std::optional<MachineType> type; ///< none when not in the fleet
    VehicleState state = VehicleState::unknown;
    /// Its last fix at or before T not flagged speed_jump (within the horizon); none for an
    /// unknown vehicle.
    std::optional<data::Fix> last_fix;
    std::optional<gis::LonLat> position; ///< WGS 84: the last fix, or interpolated
    std::optional<gis::XY> position_xy;  ///< the same in the project CRS
    std::optional<double> heading_deg;   ///< the fix's bearing, else the way it last moved
    data::WorkType work = data::WorkType::unknown; ///< of the last fix
    data::Blade blade = data::Blade::unknown;      ///< of the last fix
    /// Fixes in [T - trail_ms, T] (not speed_jump), by time, and their project-CRS points (the
    /// interpolated position appended last when interpolating).
    std::vector<data::Fix> trail;
    gis::Polyline trail_xy;
    std::vector<std::int64_t> trail_times_ms; ///< parallel to trail_xy
};

/// One order at the replay's instant.
struct ReplayOrder {
    std::int64_t order_id = 0;
    std::string number;
    std::int64_t contractor_id = 0;
    OrderStatus status = OrderStatus::draft;
    std::int64_t since_ms = 0; ///< the time of the event that gave it this status
};

/// Everything the map and the panels show at one instant of the season.
struct ReplayFrame {
    std::int64_t time_ms = 0;
    /// Every vehicle of the fleet and every other vehicle with fixes in the season log, by id.
    std::vector<ReplayVehicle> vehicles;
    /// Last pass per direction in (T - history_ms, T]; feed it to gis::CoverageColouring with
    /// now_ms = time_ms.
    std::shared_ptr<const gis::PassTimes> coverage;
    /// The orders created at or before T (their first event), by id, with their status at T.
    std::vector<ReplayOrder> orders;

    /// How many vehicles are in each state, in the order working, travelling, stopped, offline,
    /// unknown.
    [[nodiscard]] std::array<int, 5> counts() const;
    /// The vehicle with this code, if any; it points into this frame, so a temporary frame
    /// cannot be asked (its vehicles would be gone at the end of the statement).
    [[nodiscard]] const ReplayVehicle* vehicle_by_code(const std::string& code) const&;
    const ReplayVehicle* vehicle_by_code(const std::string& code) const&& = delete;
};

/// The first and last fix time of the season log.
struct SeasonExtent {
    std::int64_t first_ms = 0;
    std::int64_t last_ms = 0;
};

/// The season replay engine over one project connection.
///
/// A seek (frame_at() far from the last instant) reads the whole fleet's blocks around T in one
/// pass over the time index (fix_blocks_time; SeasonLog::range_by_vehicle), on a second
/// read-only connection to the project and a thread of its own while this connection reads the
/// coverage from at most 25 hourly summaries plus the raw passes of T's partial hour (the
/// covering index coverage_passes_time) and the order events up to T: its cost depends on the
/// fleet and on how busy the last day was, not on the season's length. Moving T forward a little
/// (playback) reuses each vehicle's decoded fixes, read some minutes ahead, and the decoded
/// summaries. When another connection writes to the project (PRAGMA data_version) the caches are
/// dropped. Summaries missing from coverage_hours are built from the passes when first needed and
/// stored when the connection may write, else kept in memory. Not thread-safe: use one Replay per
/// thread.
class Replay {
public:
    /// Reads the fleet and the season's extent. `project` must outlive the replay.
    explicit Replay(data::Project& project, ReplaySettings settings = {});
    ~Replay();
    Replay(const Replay&) = delete;
    Replay& operator=(const Replay&) = delete;

    /// The first and last fix of the season; none when the season log is empty.
    [[nodiscard]] std::optional<SeasonExtent> extent();
    [[nodiscard]] const ReplaySettings& settings() const;

    /// The whole picture at `time_ms`.
    [[nodiscard]] ReplayFrame frame_at(std::int64_t time_ms);
    /// Only the vehicles at `time_ms` (see ReplayFrame::vehicles).
    [[nodiscard]] std::vector<ReplayVehicle> vehicles_at(std::int64_t time_ms);
    /// Only the coverage at `time_ms` (see ReplayFrame::coverage).
    [[nodiscard]] std::shared_ptr<const gis::PassTimes> coverage_at(std::int64_t time_ms);
    /// Only the orders at `time_ms` (see ReplayFrame::orders).
    [[nodiscard]] std::vector<ReplayOrder> orders_at(std::int64_t time_ms);

    /// Drops every cache. The engine does it by itself when another connection commits (PRAGMA
    /// data_version); call it after writing fixes, passes or orders through the project's own
    /// connection, which data_version does not show.
    void refresh();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// ----- headless drawing -----

/// What render_replay_frame() draws besides the frame.
struct ReplayRenderOptions {
    gis::MapLanguage language = gis::MapLanguage::japanese;
    double text_scale = 1.0;
    bool legend = true;      ///< the pass-age legend of the map
    bool title_strip = true; ///< date and time (JST), counts by state with their markers
    std::string followed;    ///< code of a vehicle to ring (the followed one); empty: none
};

/// The height in pixels of the title strip along the top of a replay picture (0 without it).
int replay_title_strip_px(const ReplayRenderOptions& options);

/// The view of the map part of a `view.width_px()` x `view.height_px()` replay picture: the
/// same centre and resolution, its height less the title strip. A map point at pixel (x, y) of
/// this view is at (x, y + replay_title_strip_px(options)) in the picture.
gis::MapView replay_map_view(const gis::MapView& view, const ReplayRenderOptions& options);

/// The map style of a replay picture: roads by time since their last pass at the frame's
/// instant (the frame's coverage), the pass-age legend when asked.
gis::MapStyle replay_map_style(const ReplayFrame& frame, const ReplayRenderOptions& options);

/// Draws `frame` on the project's map as `view` shows it: the roads coloured by the time since
/// their last pass at the frame's instant, each vehicle's trail as a dark polyline fading with age,
/// the vehicles as the window marks them (working: bluish green disc with a heading chevron;
/// travelling: orange arrowhead; stopped: reddish purple square; offline: grey disc with a white
/// cross; unknown vehicles have no position and are not drawn), under a title strip along the
/// top with the date and time in JST and the count of vehicles in each state beside its
/// marker. The picture is view.width_px() x view.height_px(). Needs no display.
[[nodiscard]] gis::Image render_replay_frame(data::Project& project, const ReplayFrame& frame,
                                             const gis::MapView& view,
                                             const ReplayRenderOptions& options = {});

/// The same with a map renderer and the map content for replay_map_view(view, options) (query it
/// once with data::query_map_content and reuse it for the frames of a fixed view).
[[nodiscard]] gis::Image render_replay_frame(const gis::MapRenderer& renderer,
                                             const gis::MapContent& content,
                                             const ReplayFrame& frame, const gis::MapView& view,
                                             const ReplayRenderOptions& options = {});

/// The drawing of replay frames for one fixed view (`ykm replay` frames and videos, the
/// benchmark, a window replaying without panning), fast enough for playback. Prepared once: the
/// map under and over its roads (gis::MapRenderer::render_road_layers: districts, depots, dump
/// sites, labels, legend...) and the road directions in pixels, shifted to their left side as
/// the map draws them. Per frame it copies the map under the roads, looks up the pass-age class
/// of each direction at the frame's instant (gis::pass_age), strokes each pair of priority
/// class and pass-age class as one path in the map's order and colours, lays the map over the
/// roads on top, then draws the trails, markers and title strip as render_replay_frame() does:
/// the pictures are the same but for antialiasing noise. Not thread-safe.
class ReplayCanvas {
public:
    /// Prepares the view with a renderer and the map content for replay_map_view(view,
    /// options). Throws ykm::Error when the view has no room under the title strip.
    ReplayCanvas(const gis::MapRenderer& renderer, const gis::MapContent& content,
                 const gis::MapView& view, const ReplayRenderOptions& options = {});
    /// Prepares the view, querying the project's map content once.
    ReplayCanvas(data::Project& project, const gis::MapView& view,
                 const ReplayRenderOptions& options = {});
    ~ReplayCanvas();
    ReplayCanvas(const ReplayCanvas&) = delete;
    ReplayCanvas& operator=(const ReplayCanvas&) = delete;

    /// Draws `frame`: a view.width_px() x view.height_px() picture, as render_replay_frame()
    /// draws it for the canvas's view and options.
    [[nodiscard]] gis::Image draw(const ReplayFrame& frame);

    /// The road directions in view in pixels of the map part (replay_map_view(); add
    /// replay_title_strip_px() to y for the picture).
    [[nodiscard]] const std::vector<gis::DrawnDirection>& directions() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// The fill colour of a vehicle marker by state (the window's Okabe-Ito colours).
gis::Rgb replay_marker_colour(VehicleState state);

} // namespace ykm::dispatch

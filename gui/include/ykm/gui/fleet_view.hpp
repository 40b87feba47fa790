#pragma once

#include "ykm/dispatch/coverage.hpp"
#include "ykm/dispatch/ingest_server.hpp"
#include "ykm/dispatch/portal_server.hpp"
#include "ykm/dispatch/tracker.hpp"
#include "ykm/gis/map_renderer.hpp"
#include "ykm/gis/map_view.hpp"
#include "ykm/gui/preferences.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ykm::gui {

// ----- time -----

/// The system clock as Unix time in milliseconds.
std::int64_t unix_now_ms();

/// Japan Standard Time is UTC+9 all year (no daylight saving time).
inline constexpr std::int64_t tokyo_offset_ms = 9 * 3'600'000;

/// The last local midnight in Asia/Tokyo at or before `time_ms` (Unix milliseconds): where
/// "today's track" starts.
std::int64_t tokyo_midnight_ms(std::int64_t time_ms);

/// `time_ms` in Japan Standard Time: "21:05:09", or "2026-11-22 21:05:09" with the date.
std::string tokyo_time_text(std::int64_t time_ms, bool with_date = false);

/// An elapsed time as clocks show it, in any language: "0:09", "12:05", "3:02:01" (hours may
/// pass 24). Negative times (a clock ahead) count as 0.
std::string elapsed_text(std::int64_t elapsed_ms);

/// A speed in whole km/h ("23"); empty when unknown.
std::string speed_kmh_text(std::optional<double> speed_mps);

// ----- the vehicle list -----

/// The vehicle states in the order the panel counts and lists them.
inline constexpr std::array<dispatch::VehicleState, 5> all_vehicle_states{
    dispatch::VehicleState::working, dispatch::VehicleState::travelling,
    dispatch::VehicleState::stopped, dispatch::VehicleState::offline,
    dispatch::VehicleState::unknown};

/// The position of `state` in all_vehicle_states.
std::size_t state_index(dispatch::VehicleState state);

/// The state with the key `text` ("working", …); std::nullopt when it is none.
std::optional<dispatch::VehicleState> parse_vehicle_state(std::string_view text);

/// How many vehicles are in each state, in the order of all_vehicle_states.
std::array<int, 5> count_by_state(std::span<const dispatch::VehicleStatus> vehicles);

/// What the vehicle panel shows.
struct VehicleFilter {
    std::optional<dispatch::VehicleState> state;
    std::optional<std::int64_t> contractor_id;
    /// Matched, ignoring the case of ASCII letters, in the code, plate, device id and
    /// `contractor_name`; blanks around it are ignored.
    std::string text;
};

/// Whether the panel lists `vehicle` under `filter`.
bool matches(const dispatch::VehicleStatus& vehicle, const VehicleFilter& filter,
             std::string_view contractor_name);

// ----- markers on the map -----

/// A vehicle as the map overlay draws it.
struct VehicleMarker {
    std::int64_t id = 0;
    std::string code;
    gis::XY position; ///< project CRS
    std::optional<double> heading_deg;
    dispatch::VehicleState state = dispatch::VehicleState::unknown;
    /// An active alert: a ring around the marker.
    bool alert = false;
};

/// The shape of a marker, so that states differ by more than colour.
enum class MarkerShape {
    circle,  ///< working: a filled disc with a heading chevron
    arrow,   ///< travelling: the marker itself is an arrowhead pointing the heading
    square,  ///< stopped
    crossed, ///< offline: a grey disc crossed out
    hollow,  ///< unknown: a hollow grey ring with "?"
};

/// How the overlay draws a state: Okabe-Ito colours (bluish green, orange, reddish purple) for
/// the live states, greys for offline and unknown.
struct MarkerLook {
    gis::Rgb fill;
    MarkerShape shape = MarkerShape::circle;
};
MarkerLook marker_look(dispatch::VehicleState state);

/// The markers of the vehicles that have a position.
std::vector<VehicleMarker> vehicle_markers(std::span<const dispatch::VehicleStatus> vehicles,
                                           std::span<const dispatch::Alert> alerts);

/// The marker drawn under pixel `pixel` of `view`: the nearest whose centre is within
/// `radius_px`; std::nullopt when none.
std::optional<std::size_t> marker_at(std::span<const VehicleMarker> markers,
                                     const gis::MapView& view, gis::XY pixel, double radius_px);

/// Which markers get their code as a label: markers in the view, the selected one first, then
/// in order, each only where its label box (right of the marker) meets no label or marker placed
/// before, at most `max_labels`. Crowded views (small scales) thus label only some vehicles.
/// `label_width_px` gives the width of a code's text.
std::vector<std::size_t>
labelled_markers(std::span<const VehicleMarker> markers, const gis::MapView& view,
                 const std::function<double(const std::string&)>& label_width_px,
                 double label_height_px, double marker_radius_px,
                 std::optional<std::int64_t> selected, std::size_t max_labels);

// ----- coverage -----

/// The last pass per direction, for MapStyle::coverage.
std::shared_ptr<const gis::PassTimes>
pass_times(std::span<const dispatch::SegmentCoverage> coverage);

// ----- the GPS server -----

/// Parses "HOST:PORT" (an IPv4 address, a name, or [IPv6]), port 0 to 65535. Throws ykm::Error
/// naming the text when it is not one.
std::pair<std::string, std::uint16_t> parse_listen_address(std::string_view text);

/// Where the embedded GPS server listens: from `--gps-listen ADDR:PORT` (OsmAnd HTTP there,
/// NMEA on PORT + 1, or on port 0 too when PORT is 0) when given, else from the preferences.
/// std::nullopt when the server is off (`--no-gps-server` or the preference). Throws ykm::Error
/// naming the option or preference whose address does not parse.
std::optional<dispatch::IngestOptions> ingest_options(const GpsServerChoice& preferences,
                                                      const std::optional<std::string>& gps_listen,
                                                      bool no_gps_server);

/// The embedded contractor portal's options: `portal_listen` (the launch option) when given;
/// else none with `no_gps_server`, a `gps_listen` override (test and one-off runs) or an empty
/// preference; else the preference. Throws ykm::Error naming the address when it does not parse.
std::optional<dispatch::PortalOptions>
portal_options(const GpsServerChoice& preferences, const std::optional<std::string>& gps_listen,
               bool no_gps_server, const std::optional<std::string>& portal_listen);

// ----- plain input -----

/// A whole number written in decimal digits with an optional sign and blanks around it;
/// std::nullopt otherwise.
std::optional<std::int64_t> parse_whole_number(std::string_view text);
/// A finite decimal number ("3", "3.5", "-0.25") with blanks around it; std::nullopt otherwise.
std::optional<double> parse_decimal(std::string_view text);

} // namespace ykm::gui

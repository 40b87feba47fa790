#pragma once

// Dispatch standards (出動基準): snowfall observations at stations, each station in a district,
// and per-district thresholds of new snow above which the district's roads are plowed (default
// 10 cm for all classed roads, 5 cm for the priority roads, class 1). When an observation passes a
// standard the dispatcher is shown the orders to issue; staff confirm each before it is created.

#include "ykm/data/project.hpp"
#include "ykm/dispatch/orders.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ykm::dispatch {

inline constexpr double default_standard_cm = 10.0;
inline constexpr double default_priority_standard_cm = 5.0;

/// The time of an observation as stations and spreadsheets write it: "YYYY-MM-DD HH:MM[:SS]"
/// (also with "/" between the date's parts, or "T" before the time) in Japan time, or the same
/// with a zone ("Z", "+09:00", "+0900"). Unix milliseconds; std::nullopt when it is not one.
std::optional<std::int64_t> parse_observation_time(std::string_view text);

/// An observation point (観測所): a code such as "AMEDAS-12345" or "P03", in a district.
struct SnowStation {
    std::int64_t id = 0;
    std::string code;
    std::string name;
    std::optional<std::int64_t> district_id;
    std::optional<gis::LonLat> location; ///< WGS 84; stored in the project CRS
};

/// New snow (新積雪) and snow depth (積雪深) at a station at a time.
struct SnowObservation {
    std::int64_t id = 0;
    std::int64_t station_id = 0;
    std::string station_code;
    std::int64_t time_ms = 0;
    double new_snow_cm = 0.0;
    std::optional<double> depth_cm;
    std::string entered_by;
    std::string source; ///< "desktop", "cli", "csv:FILE"
};

/// A district's thresholds; unset members use the defaults.
struct DistrictStandard {
    std::int64_t district_id = 0;
    std::string district_name;
    std::optional<double> standard_cm;
    std::optional<double> priority_standard_cm;
    [[nodiscard]] double effective_cm() const;
    [[nodiscard]] double effective_priority_cm() const;
};

/// What the standards propose for one district: which roads and why.
struct OrderProposal {
    std::int64_t district_id = 0;
    std::string district_name;
    std::string station_code; ///< the observation that passed the standard
    std::int64_t observed_ms = 0;
    double new_snow_cm = 0.0;
    double threshold_cm = 0.0;          ///< the standard it passed
    bool priority_only = false;         ///< passed only the priority standard: class 1 roads
    std::vector<std::int64_t> segments; ///< ascending
    double length_m = 0.0;
    /// The contractor with most vehicles in the district (ties: the lowest id); none when no
    /// vehicle has the district.
    std::optional<std::int64_t> contractor_id;
    std::vector<std::int64_t> vehicles; ///< that contractor's vehicles in the district
    /// A draft ready for Orders::create (new-snow plowing, the given window, roads, contractor,
    /// vehicles, instructions naming the observation); contractor_id 0 when none is known.
    WorkOrder draft;
};

/// Observations and standards stored in a project. Bad input throws ykm::Error naming the
/// station, field, value (and file and line for CSV); nothing is written then. Every change is
/// written to the audit log with the actor of set_actor().
class DispatchStandards {
public:
    explicit DispatchStandards(data::Project& project);

    void set_actor(std::string actor, OrderChannel channel);

    std::int64_t add_station(SnowStation station);
    [[nodiscard]] std::vector<SnowStation> stations();
    /// By code; throws "station X does not exist".
    [[nodiscard]] SnowStation find_station(const std::string& code);

    /// Records one observation (station by code); refuses a second one at the same station and
    /// time, negative or implausible values (new snow > 500 cm, depth > 1,000 cm).
    std::int64_t record(const std::string& station_code, std::int64_t time_ms, double new_snow_cm,
                        std::optional<double> depth_cm);
    /// Imports a CSV with a header naming station,time,new_snow_cm,depth_cm (time ISO 8601
    /// with offset or JST "YYYY-MM-DD HH:MM"; depth may be empty). All rows or none. Returns the
    /// number stored.
    /// The columns may come in any order and be named in Japanese (観測所, 日時, 新積雪, 積雪深);
    /// UTF-8 with or without a BOM, CRLF and quoted fields are read. Errors read like
    /// "obs.csv line 4, field new_snow_cm: '-3' is negative". The import is one audit entry.
    std::size_t import_csv(const std::filesystem::path& csv);
    /// Observations with time in [from_ms, to_ms), newest first.
    [[nodiscard]] std::vector<SnowObservation> observations(std::int64_t from_ms,
                                                            std::int64_t to_ms);

    /// Sets a district's thresholds (none: back to the default).
    void set_standard(std::int64_t district_id, std::optional<double> standard_cm,
                      std::optional<double> priority_standard_cm);
    [[nodiscard]] std::vector<DistrictStandard> standards();

    /// The orders to issue at `now_ms`: for each district, the largest new snow observed at its
    /// stations in [now - lookback, now]; passing the standard proposes all its classed roads,
    /// passing only the priority standard its class 1 roads. A district with an open order
    /// (not completed, inspected or cancelled) whose window covers `window_start_ms` is left out.
    /// Drafts get the window [window_start_ms, window_end_ms).
    [[nodiscard]] std::vector<OrderProposal> proposals(std::int64_t now_ms,
                                                       std::int64_t lookback_ms,
                                                       std::int64_t window_start_ms,
                                                       std::int64_t window_end_ms);

private:
    data::Project& m_project;
    std::string m_actor = "staff";
    OrderChannel m_channel = OrderChannel::desktop;
};

} // namespace ykm::dispatch

#pragma once

// Driver sheets for planned plow routes: a turn-by-turn list in Japanese, a printable PDF with a
// map per plow, and GPX files for in-cab navigation.

#include "ykm/data/project.hpp"
#include "ykm/dispatch/plan_store.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/geometry.hpp"
#include "ykm/gis/road_network.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ykm::dispatch {

/// What a driver does at the start of an instruction.
enum class Manoeuvre : std::uint8_t {
    depart,     ///< 出発: leaves the depot
    straight,   ///< 直進
    left,       ///< 左折
    right,      ///< 右折
    u_turn,     ///< Uターン
    site_visit, ///< 雪堆積場で排雪/補給
    arrive,     ///< 到着: back at the depot
};

/// What the plow does along an instruction.
enum class InstructionActivity : std::uint8_t {
    service,  ///< 除雪
    deadhead, ///< 回送
    none,     ///< a site visit or the arrival
};

/// Site names by PlanStep::site.
using SiteNames = std::map<std::size_t, std::string>;

/// One line of the turn-by-turn list: consecutive steps of the same kind on the same street.
struct Instruction {
    Manoeuvre manoeuvre = Manoeuvre::straight;
    InstructionActivity activity = InstructionActivity::deadhead;
    std::string street;               ///< street name; "" when unnamed
    std::vector<int> service_numbers; ///< PlanStep::number of the services, in driving order
    /// The pass (1, 2, ...) of each of those services: a wide road is plowed in passes, and the
    /// planner may take the second pass of one segment right after the first of the next.
    std::vector<int> passes;
    std::string site_name; ///< site visit: the site's name ("" when unknown)
    double distance_m = 0.0;
    double start_s = 0.0; ///< from the plan's start
    double end_s = 0.0;
    gis::XY position;           ///< where it starts (project CRS)
    std::size_t first_step = 0; ///< index into Route::steps
    std::size_t step_count = 0; ///< steps merged (0 for the arrival)
    friend bool operator==(const Instruction&, const Instruction&) = default;
};

/// The turn-by-turn list of a route. Consecutive steps merge while the kind (service or
/// deadhead) and the street name stay the same and the plow does not turn back (passes may mix);
/// on an unnamed street they merge only while the plow goes straight on. Turns are classified
/// from the headings at the node (degrees clockwise from grid north): within 30° straight, over
/// 150° a U-turn, otherwise left or right by the sign of the change (clockwise: right).
/// `site_names` names the sites by PlanStep::site (which a stored plan holds as the project's
/// dump site id); missing names stay "". A route with steps ends with the arrival at the depot;
/// one without gives an empty list. Throws ykm::Error naming the segment when a step's segment
/// is not in `network` (the roads changed since the plan was made).
std::vector<Instruction> turn_by_turn(const StoredPlan::Route& route,
                                      const gis::RoadNetwork& network,
                                      const SiteNames& site_names = {});

/// "350 m" under a kilometre, "1.2 km" from a kilometre on.
std::string format_distance(double metres);

/// "#3", "#3–#5", "#3–#5、#8".
std::string format_service_numbers(const std::vector<int>& numbers);

/// The instruction in Japanese, e.g. "右折　中央通り　除雪 #3–#5" ("名称なし道路" for an
/// unnamed street, "除雪 2回目" when every service is a second pass, "除雪 1–2回目" for first
/// and second passes mixed, "回送" for deadhead), with the distance appended
/// when `with_distance`.
std::string format_instruction(const Instruction& instruction, bool with_distance = true);

/// "HH:MM" in Japan Standard Time (UTC+9) of a Unix time in milliseconds.
std::string format_jst_time(std::int64_t unix_ms);
/// "YYYY-MM-DD HH:MM" in Japan Standard Time.
std::string format_jst_date_time(std::int64_t unix_ms);

/// What the sheets need from the project besides the plan.
struct DriverSheetInputs {
    gis::RoadNetwork network;
    std::string district; ///< the district's name ("" when unknown)
    SiteNames site_names; ///< by PlanStep::site (the dump site's id)
};

/// Reads the road network, the plan's district name and the dump sites' names from the
/// project.
DriverSheetInputs load_driver_sheet_inputs(data::Project& project, const StoredPlan& plan);

/// The routes of `plan` to print: all of them, or the one of `vehicle_code`. Throws ykm::Error
/// "plan N has no vehicle CODE" when the plan has no such vehicle.
std::vector<const StoredPlan::Route*> select_routes(const StoredPlan& plan,
                                                    const std::optional<std::string>& vehicle_code);

/// Writes driver sheets as one PDF (A4 portrait): for every plow (or only `vehicle_code`) a page
/// with the plan, vehicle, district, start and end times (JST) and km serviced and deadheaded, a
/// map of its route over the road network (services thick in their priority class's colour with
/// direction arrows and numbers, deadhead thin and dashed, the depot marked) and its
/// turn-by-turn list with distances and times; continuation pages when the list does not fit.
/// The file is written beside `pdf_path` and renamed over it when complete. Throws ykm::Error
/// naming the file when it cannot be written, or the vehicle when the plan has none such.
void write_driver_sheets(const StoredPlan& plan, const DriverSheetInputs& inputs,
                         const std::filesystem::path& pdf_path,
                         const std::optional<std::string>& vehicle_code = std::nullopt);

/// Writes a route as GPX 1.1 in WGS 84: a <rte> with a point at the start of each instruction
/// (named with the short instruction) and a <trk> with the whole driven line. `crs` is the CRS of
/// the network's coordinates. Written beside `path` and renamed over it when complete; throws
/// ykm::Error naming the file when it cannot be written.
void write_route_gpx(const StoredPlan::Route& route, const gis::RoadNetwork& network, gis::Epsg crs,
                     const std::filesystem::path& path, const SiteNames& site_names = {});

} // namespace ykm::dispatch

#pragma once

#include "ykm/data/project.hpp"
#include "ykm/dispatch/machine_type.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ykm::dispatch {

/// A snow-removal contractor (除雪業者) or JV.
struct Contractor {
    std::int64_t id = 0; ///< 0 before it is stored
    std::string code;    ///< short unique code, e.g. "C01"
    std::string name;    ///< e.g. 雪国建設株式会社
    std::string phone;
    std::string email;
    friend bool operator==(const Contractor&, const Contractor&) = default;
};

/// A machine of the fleet.
struct Vehicle {
    std::int64_t id = 0; ///< 0 before it is stored
    std::string code;    ///< unique label on the map, e.g. "D-12"
    MachineType type = MachineType::plow_truck;
    std::string plate;         ///< registration plate, may be empty
    double plow_width_m = 3.0; ///< cleared width of one pass
    std::int64_t contractor_id = 0;
    std::string device_id; ///< GPS device id (OsmAnd `id`, NMEA $PYKM name); unique, may be
                           ///< empty for a machine without GPS
    std::optional<std::int64_t> district_id; ///< the 工区 it works in, for "left its district"
    std::optional<std::int64_t> depot_id;    ///< its home depot (除雪基地), where routes start
    std::optional<double> shift_h;           ///< hours it may work in one shift (0, 24]
    friend bool operator==(const Vehicle&, const Vehicle&) = default;
};

/// Fleet master data stored in a project (tables contractors and vehicles). Every change runs in
/// a transaction and is recorded in the audit log (see audit_log.hpp) in that transaction; bad
/// values throw ykm::Error naming the field and the value.
class Fleet {
public:
    /// Works on `project`, which must outlive it.
    explicit Fleet(data::Project& project);

    /// Who makes the following changes, as recorded in the audit log: a user name (or "ykm" for
    /// the CLI) and the channel (desktop, portal, phone, print, cli). Default: "staff", "desktop".
    void set_actor(std::string actor, std::string channel);

    [[nodiscard]] std::vector<Contractor> contractors();
    [[nodiscard]] std::vector<Vehicle> vehicles();
    [[nodiscard]] std::optional<Contractor> contractor(std::int64_t id);
    [[nodiscard]] std::optional<Contractor> contractor_by_code(const std::string& code);
    [[nodiscard]] std::optional<Vehicle> vehicle(std::int64_t id);
    [[nodiscard]] std::optional<Vehicle> vehicle_by_code(const std::string& code);
    [[nodiscard]] std::optional<Vehicle> vehicle_by_device(const std::string& device_id);

    /// Adds or, when `c.id` is set, updates; returns the id. Duplicate codes are refused.
    std::int64_t save(const Contractor& c);
    /// Adds or, when `v.id` is set, updates; returns the id. Duplicate codes or device ids, an
    /// unknown contractor, district or depot, a width outside (0, 10] m and a shift outside
    /// (0, 24] h are refused.
    std::int64_t save(const Vehicle& v);
    /// Removes a vehicle (its stored fixes stay in the season log). Throws if unknown.
    void remove_vehicle(std::int64_t id);
    /// Removes a contractor; refused while vehicles belong to it.
    void remove_contractor(std::int64_t id);

    /// The district (工区) named `name_code_or_id`: its name, else its code, else its id.
    /// std::nullopt when none matches; throws ykm::Error when two districts share the name.
    [[nodiscard]] std::optional<std::int64_t> find_district(const std::string& name_code_or_id);
    /// The depot named `name_or_id`: its name, else its id (depots have no code). std::nullopt
    /// when none matches; throws ykm::Error when two depots share the name.
    [[nodiscard]] std::optional<std::int64_t> find_depot(const std::string& name_or_id);
    /// The name of district `id`, if it exists.
    [[nodiscard]] std::optional<std::string> district_name(std::int64_t id);

    /// Imports vehicles from CSV with a header row; columns (any order): code, type, plate,
    /// width_m, contractor (code; created when unknown, with the name from contractor_name if
    /// present), device_id, district (name or code), depot (name or id), shift_h. UTF-8 or, when it
    /// does not decode, CP932. All rows or none: an error names the file, line and column. Existing
    /// codes are updated; an absent column or an empty cell keeps the stored value (or the default
    /// of a new vehicle). `type` and `contractor` are required for new vehicles. Returns the number
    /// of vehicles written.
    std::size_t import_csv(const std::filesystem::path& csv);

private:
    data::Project& m_project;
    std::string m_actor = "staff";
    std::string m_channel = "desktop";
};

} // namespace ykm::dispatch

#pragma once

#include "ykm/data/database.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/road_network.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ykm::data {

/// The schema version this build writes; older projects are migrated forward when opened for
/// writing, newer ones are refused.
inline constexpr int current_schema_version = 7;

/// The file extension of a project.
inline constexpr const char* project_extension = ".ykm";

/// The spatial layers of a project, by table name.
enum class Layer { road_segments, road_nodes, districts, depots, dump_sites };

/// "road_segments" etc.
std::string to_string(Layer layer);
/// Parses a layer name; throws ykm::Error listing the layers when it is not one.
Layer parse_layer(const std::string& name);
/// All layers, in the order `ykm info` lists them.
std::span<const Layer> all_layers();

/// A work district (工区). The geometry is WKB of a polygon or multipolygon in the project CRS.
struct District {
    std::string name;
    std::string code;
    std::vector<std::uint8_t> wkb;
};

/// A depot (除雪基地) where machines start and end.
struct Depot {
    std::string name;
    gis::XY position;
};

/// A snow dump site (雪堆積場).
struct DumpSite {
    std::string name;
    std::optional<double> capacity_m3;
    gis::XY position;
};

/// What `ykm info` tells of a project.
struct ProjectInfo {
    int schema_version = 0;
    gis::Epsg crs;
    std::string crs_name;
    gis::Box extent;        ///< in the project CRS; empty when there are no roads
    gis::Box extent_lonlat; ///< the same in degrees
    std::int64_t segment_count = 0;
    std::int64_t node_count = 0;
    /// Kilometres of road by priority class (0 = none, 1, 2, 3).
    std::map<int, double> km_by_priority;
    struct DistrictSummary {
        std::int64_t id;
        std::string name;
        std::int64_t segment_count;
        double km;
    };
    std::vector<DistrictSummary> districts;
    std::int64_t depot_count = 0;
    std::int64_t dump_site_count = 0;
    std::map<std::string, std::string> metadata;
};

/// A Yukimichi project: one SpatiaLite file that GDAL and QGIS open as it is.
class Project {
public:
    /// Creates a new, empty project at `path` in `crs` (a projected CRS). Throws ykm::Error if the
    /// file exists or cannot be created.
    static Project create(const std::filesystem::path& path, gis::Epsg crs);

    /// Opens an existing project, migrating it forward to current_schema_version when opened
    /// read-write. Throws ykm::Error naming the file if it is not SQLite, not a Yukimichi project,
    /// or from a newer schema version.
    static Project open(const std::filesystem::path& path, OpenMode mode = OpenMode::read_write);

    [[nodiscard]] Database& database() { return m_db; }
    [[nodiscard]] const std::filesystem::path& path() const { return m_db.path(); }
    [[nodiscard]] gis::Epsg crs() const { return m_crs; }
    [[nodiscard]] int schema_version() const { return m_schema_version; }

    /// Replaces the road network (segments and nodes) in one transaction, then assigns each
    /// segment to the district that holds its midpoint.
    void replace_road_network(const gis::RoadNetwork& network);
    /// Replaces the districts and reassigns every segment's district.
    void replace_districts(std::span<const District> districts);
    void replace_depots(std::span<const Depot> depots);
    void replace_dump_sites(std::span<const DumpSite> dump_sites);

    /// Reads the road network back.
    [[nodiscard]] gis::RoadNetwork load_road_network();

    void set_metadata(const std::string& key, const std::string& value);
    [[nodiscard]] std::optional<std::string> metadata(const std::string& key);

    [[nodiscard]] ProjectInfo info();

    /// Closes the file, reporting failures.
    void close() { m_db.close(); }

private:
    Project(Database db, gis::Epsg crs, int schema_version);
    void assign_districts();

    Database m_db;
    gis::Epsg m_crs;
    int m_schema_version;
};

/// Writes a new project at `path` atomically: builds it in a temporary file in the same folder,
/// calls `fill`, and renames it over `path` only when everything succeeded. On any failure no
/// project file is left behind and an existing file at `path` is untouched. Without `overwrite`
/// an existing `path` is an error.
void create_project_atomically(const std::filesystem::path& path, gis::Epsg crs, bool overwrite,
                               const std::function<void(Project&)>& fill);

} // namespace ykm::data

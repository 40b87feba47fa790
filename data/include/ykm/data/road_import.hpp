#pragma once

#include "ykm/gis/noding.hpp"
#include "ykm/gis/priority_table.hpp"
#include "ykm/gis/road_network.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ykm::data {

/// Reports progress of a long step: what is being done and the fraction done (0..1).
using Progress = std::function<void(const std::string& stage, double fraction)>;

/// Which source fields carry which road attribute (`--map priority=種別,name=路線名`).
/// Keys: id, name, class, priority, lanes, width, oneway, sidewalk.
struct FieldMapping {
    std::map<std::string, std::string> field_of;

    /// The keys of road attributes.
    static const std::vector<std::string>& road_keys();

    /// Parses "key=field[,key=field...]" items with keys from `keys`. Throws ykm::Error naming
    /// an unknown key or an item without '='.
    static FieldMapping parse(const std::vector<std::string>& items,
                              const std::vector<std::string>& keys = road_keys());
};

/// Options for import_roads().
struct RoadImportOptions {
    /// The project CRS; chosen from the data's location when absent.
    std::optional<gis::Epsg> crs;
    /// The source CRS of files that lack one (a Shapefile without .prj), or that lie about it.
    std::optional<std::string> source_crs;
    /// Field mapping for GDAL/OGR sources. Unmapped attributes are looked up under the default
    /// field names (osm_id/id, name, highway/class, priority, lanes, width, oneway, sidewalk).
    FieldMapping mapping;
    /// Character encoding of Shapefile attributes ("CP932", "UTF-8"), overriding the .cpg.
    std::optional<std::string> encoding;
    /// The OGR layer to read when a source has several line layers.
    std::optional<std::string> layer;
    /// Road class value (OSM highway=*, or the class field) to priority class; classes absent
    /// from the table are not imported from OSM, and get no priority from other sources.
    gis::PriorityTable priorities = gis::PriorityTable::osm_default();
    gis::NodingOptions noding;
    Progress progress;
};

/// What an import produced, with what it noticed on the way.
struct RoadImport {
    gis::RoadNetwork network;
    std::size_t features_read = 0; ///< ways or features read
    std::size_t features_used = 0; ///< of them, turned into road lines
    std::vector<std::string> warnings;
    /// Attribution required by the data's licence ("© OpenStreetMap contributors"), if any.
    std::string attribution;
};

/// Whether `path` is an OpenStreetMap file (.osm, .osm.pbf, .pbf, .osm.bz2, .osm.gz, .o5m).
bool is_osm_file(const std::filesystem::path& path);

/// Reads road lines from OSM files (libosmium) and GDAL/OGR line layers, gives them a topology
/// and returns the network in the project CRS. Throws ykm::Error naming the file and what is
/// wrong: missing, empty, truncated, no CRS, not lines, a mapped field that does not exist.
RoadImport import_roads(const std::vector<std::filesystem::path>& sources,
                        const RoadImportOptions& options);

} // namespace ykm::data

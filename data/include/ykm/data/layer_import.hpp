#pragma once

#include "ykm/data/project.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ykm::data {

/// Options for reading districts, depots and dump sites from any OGR source.
struct LayerImportOptions {
    std::optional<std::string> layer;      ///< OGR layer name, when the source has several
    std::optional<std::string> source_crs; ///< for sources without a CRS
    std::optional<std::string> encoding;   ///< Shapefile attribute encoding
    /// Source field per attribute: name, code (districts), capacity (dump sites).
    std::map<std::string, std::string> field_of;
};

/// Reads polygons as districts in the project CRS. Throws ykm::Error naming the file if the
/// layer has no polygons or a mapped field does not exist.
std::vector<District> read_districts(const std::filesystem::path& source, gis::Epsg project_crs,
                                     const LayerImportOptions& options);
/// Reads points as depots.
std::vector<Depot> read_depots(const std::filesystem::path& source, gis::Epsg project_crs,
                               const LayerImportOptions& options);
/// Reads points as dump sites.
std::vector<DumpSite> read_dump_sites(const std::filesystem::path& source, gis::Epsg project_crs,
                                      const LayerImportOptions& options);

} // namespace ykm::data

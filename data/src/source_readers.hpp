#pragma once

// Readers of one road source each, used by import_roads().

#include "ykm/data/road_import.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace ykm::data {

/// Road lines read from one source, in WGS 84 degrees (x = lon, y = lat).
struct SourceLines {
    std::vector<gis::RoadLine> lines;
    /// True when the source has no vertex identity of its own (GDAL/OGR layers): vertex_keys are
    /// left empty and gis::node_lines() gives them after projection. OSM sources set vertex_keys
    /// to the OSM node ids.
    bool needs_noding = false;
    std::size_t features_read = 0;
    std::size_t features_used = 0;
    std::vector<std::string> warnings;
    std::string attribution;
};

/// Reads the drivable ways of an OSM file through libosmium: every way whose highway=* value is
/// in options.priorities (and not area=yes), with its name, lanes, width, oneway (reversed ways
/// stored reversed), sidewalk. Throws ykm::Error naming the file when it is missing, empty,
/// truncated or not OSM, or has no drivable ways.
SourceLines read_osm_lines(const std::filesystem::path& file, const RoadImportOptions& options);

/// Reads the line features of a GDAL/OGR source (Shapefile, GeoPackage, GeoJSON, ...), with
/// attributes through options.mapping and options.encoding, transformed from the source CRS (or
/// options.source_crs) to WGS 84. Throws ykm::Error naming the file, layer, field or feature.
SourceLines read_ogr_lines(const std::filesystem::path& file, const RoadImportOptions& options);

} // namespace ykm::data

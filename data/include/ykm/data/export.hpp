#pragma once

#include "ykm/data/project.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace ykm::data {

/// Output formats of export_layer().
enum class ExportFormat { geojson, geopackage, shapefile, csv };

/// Parses "GeoJSON", "GPKG", "ESRI Shapefile", "CSV" (and lower-case short names); throws
/// ykm::Error listing the formats otherwise.
ExportFormat parse_export_format(const std::string& name);
/// The format implied by the output's extension (.geojson/.json, .gpkg, .shp, .csv).
std::optional<ExportFormat> format_from_extension(const std::filesystem::path& output);

/// Writes one layer of a project through GDAL. GeoJSON is written in WGS 84 (RFC 7946), the other
/// formats in the project CRS; Shapefiles in UTF-8 with a .cpg; CSV with the geometry as WKT.
/// The output is written to a temporary name and renamed, so a failure leaves nothing behind.
/// Throws ykm::Error naming the output when it cannot be written.
void export_layer(const std::filesystem::path& project, Layer layer,
                  const std::filesystem::path& output, ExportFormat format);

} // namespace ykm::data

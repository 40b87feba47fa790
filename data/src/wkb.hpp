#pragma once

#include "ykm/gis/geometry.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace ykm::data {

/// SpatiaLite's own geometry BLOB of a linestring (the format its geometry columns store), so
/// bulk writes skip the WKB parse of GeomFromWKB.
std::vector<std::uint8_t> spatialite_linestring(int srid, const gis::Polyline& line);

/// SpatiaLite's geometry BLOB of a point.
std::vector<std::uint8_t> spatialite_point(int srid, const gis::XY& p);

/// Reads the points of a WKB linestring (either byte order). Throws ykm::Error if it is not one.
gis::Polyline parse_linestring_wkb(std::span<const std::uint8_t> wkb);

/// Reads the rings of a WKB polygon or multipolygon (either byte order), exterior rings and
/// holes of every part in order. Throws ykm::Error if it is neither.
std::vector<gis::Polyline> parse_polygon_rings_wkb(std::span<const std::uint8_t> wkb);

} // namespace ykm::data

#pragma once

#include "ykm/gis/geometry.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace ykm::data {

/// Little-endian WKB of a point.
std::vector<std::uint8_t> point_wkb(const gis::XY& p);

/// Reads the points of a WKB linestring (either byte order). Throws ykm::Error if it is not one.
gis::Polyline parse_linestring_wkb(std::span<const std::uint8_t> wkb);

} // namespace ykm::data

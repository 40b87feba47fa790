#pragma once

#include <cstdint>
#include <vector>

namespace ykm::gis {

/// A geographic position in degrees, longitude first (east positive, north positive).
struct LonLat {
    double lon_deg = 0.0;
    double lat_deg = 0.0;
    friend bool operator==(const LonLat&, const LonLat&) = default;
};

/// A position in a projected CRS, easting and northing in metres.
struct XY {
    double x = 0.0;
    double y = 0.0;
    friend bool operator==(const XY&, const XY&) = default;
};

/// An axis-aligned rectangle in one CRS.
struct Box {
    double min_x = 0.0;
    double min_y = 0.0;
    double max_x = 0.0;
    double max_y = 0.0;

    /// An inverted box that any extend() replaces.
    static Box empty();
    [[nodiscard]] bool is_empty() const { return min_x > max_x; }
    void extend(double x, double y);
    void extend(const XY& p) { extend(p.x, p.y); }
    void extend(const LonLat& p) { extend(p.lon_deg, p.lat_deg); }
};

using Polyline = std::vector<XY>;

/// Planar length of a polyline in its own units.
double planar_length(const Polyline& line);

} // namespace ykm::gis

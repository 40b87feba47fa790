#pragma once

#include "ykm/gis/geometry.hpp"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ykm::gis {

/// An EPSG code.
struct Epsg {
    int code = 0;
    friend bool operator==(const Epsg&, const Epsg&) = default;
};

/// EPSG:4326, WGS 84 longitude/latitude.
inline constexpr Epsg wgs84{4326};

/// Parses "EPSG:6678" (or a bare "6678"). Throws ykm::Error naming the text when it is neither.
Epsg parse_epsg(const std::string& text);

/// "EPSG:6678".
std::string to_string(Epsg epsg);

/// The projected CRS for data centred at `centre`: the JGD2011 plane rectangular zone
/// (EPSG:6669-6687) inside Japan, the WGS 84 UTM zone elsewhere.
Epsg choose_projected_crs(LonLat centre);

/// Whether `p` lies inside the box that holds Japan's land and territorial waters.
bool is_in_japan(LonLat p);

/// The CRS's name as PROJ knows it ("JGD2011 / Japan Plane Rectangular CS X").
/// Throws ykm::Error if PROJ does not know the code.
std::string crs_name(Epsg epsg);

/// Transforms coordinates between two CRSs, always in (x = easting or longitude,
/// y = northing or latitude) order whatever the CRS's axis order. Holds its own PROJ context,
/// so one instance must not be used by two threads at once.
class CoordinateTransform {
public:
    /// `source` and `target` are anything PROJ accepts: "EPSG:n", WKT, PROJJSON, a PROJ string.
    /// Throws ykm::Error naming the CRS that PROJ cannot use.
    CoordinateTransform(const std::string& source, const std::string& target);
    CoordinateTransform(Epsg source, Epsg target);
    ~CoordinateTransform();
    CoordinateTransform(CoordinateTransform&&) noexcept;
    CoordinateTransform& operator=(CoordinateTransform&&) noexcept;

    /// Transforms the points in place. Throws ykm::Error if a point cannot be transformed.
    void forward(std::span<XY> points) const;
    /// The inverse direction, in place.
    void inverse(std::span<XY> points) const;

    XY forward(XY p) const;
    XY inverse(XY p) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Length in metres along the GRS80/WGS 84 ellipsoid of a line given in degrees (x = lon).
double geodesic_length_m(std::span<const XY> lonlat_points);

} // namespace ykm::gis

#pragma once

#include "ykm/gis/geometry.hpp"
#include "ykm/gis/road_network.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ykm::gis {

/// A road segment as the map draws it.
struct MapRoad {
    std::int64_t id = 0;
    PriorityClass priority = PriorityClass::none;
    bool oneway = false;
    std::string name;
    Polyline points; ///< project CRS, possibly simplified for the view
};

/// A polygon feature (a district, 工区): its rings, each closed, exterior rings and holes of all
/// its parts (the even-odd rule fills them correctly).
struct MapArea {
    std::int64_t id = 0;
    std::string name;
    std::vector<Polyline> rings;
};

/// A point feature (a depot, a dump site).
struct MapPoint {
    std::int64_t id = 0;
    std::string name;
    XY position;
    std::optional<double> capacity_m3;
};

/// Everything a view draws, in the project CRS.
struct MapContent {
    std::vector<MapRoad> roads;
    std::vector<MapArea> districts;
    std::vector<MapPoint> depots;
    std::vector<MapPoint> dump_sites;
};

/// Drops vertices closer than `tolerance` to the last kept one, keeping both ends: lines drawn
/// at small scales lose the detail no pixel can show. A tolerance of 0 keeps every vertex.
Polyline simplify(const Polyline& line, double tolerance);

} // namespace ykm::gis

#pragma once

#include "ykm/gis/crs.hpp"
#include "ykm/gis/geometry.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ykm::gis {

/// Snow-removal priority class of a road (第1種 / 第2種 / 第3種 除雪路線), or none.
enum class PriorityClass : std::uint8_t { none = 0, first = 1, second = 2, third = 3 };

/// 1, 2, 3, or 0 for none.
inline int to_int(PriorityClass p) {
    return static_cast<int>(p);
}

/// Attributes of a road that carry from the source data onto every segment cut from it.
struct RoadAttributes {
    std::string source_id;  ///< id in the source (OSM way id, source feature id)
    std::string name;       ///< street name, may be empty
    std::string road_class; ///< source classification (OSM highway=*, or the source's field)
    PriorityClass priority = PriorityClass::none;
    std::optional<int> lanes;
    std::optional<double> width_m;
    bool oneway = false; ///< true: traffic only in the direction of the geometry
    std::optional<bool> sidewalk;
};

/// A source line before topology: its vertices in the project CRS and, for each vertex,
/// a key saying which vertices are the same place (an OSM node id, or a snapped-coordinate id).
/// Vertices with equal keys become one network node when more than one line uses them.
struct RoadLine {
    RoadAttributes attributes;
    Polyline points;
    std::vector<std::int64_t> vertex_keys;
};

/// A network node: an intersection, a dead end, or a place where attributes change.
struct RoadNode {
    std::int64_t id = 0;
    XY position;
    std::string source_id; ///< OSM node id where known
};

/// A segment between two nodes, with no other node inside it.
struct RoadSegment {
    std::int64_t id = 0;
    RoadAttributes attributes;
    std::int64_t from_node = 0;
    std::int64_t to_node = 0;
    Polyline points;
    double length_m = 0.0; ///< geodesic length
};

/// A routable road network in one projected CRS.
struct RoadNetwork {
    Epsg crs;
    std::vector<RoadNode> nodes;       ///< ids 1..n
    std::vector<RoadSegment> segments; ///< ids 1..m
};

/// Options for build_road_network().
struct TopologyOptions {
    /// Two segments joining the same two nodes with the same geometry in opposite directions
    /// (directed sources list a two-way street twice) become one two-way segment.
    bool merge_opposite_duplicates = true;
};

/// Splits the lines at every vertex whose key is used by more than one line (or twice by one),
/// making nodes at those vertices and at line ends. Lines with fewer than two distinct
/// vertices are dropped. Segment lengths are geodesic, computed through `crs`.
/// Node and segment ids are assigned in input order, so equal input gives an equal network.
RoadNetwork build_road_network(std::vector<RoadLine> lines, Epsg crs,
                               const TopologyOptions& options = {});

} // namespace ykm::gis

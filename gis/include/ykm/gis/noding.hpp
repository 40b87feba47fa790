#pragma once

#include "ykm/gis/road_network.hpp"

#include <vector>

namespace ykm::gis {

/// Options for node_lines().
struct NodingOptions {
    /// Line ends closer than this (metres) to another line's end or interior meet there.
    double snap_tolerance_m = 0.5;
    /// Also split lines where they cross each other. Off by default: crossings without a
    /// shared vertex are usually bridges and tunnels, not intersections.
    bool split_crossings = false;
};

/// Gives lines that do not share vertices a topology, using GEOS: snaps each line end onto
/// a nearby line end or onto the interior of a nearby line (inserting a vertex there), optionally
/// splits at crossings, and then sets every vertex_keys entry so that coincident vertices share
/// a key. Keys are negative (-1, -2, ...), so they never meet the positive OSM node ids of lines
/// from OSM sources in the same network. Coordinates are in the project CRS (metres).
void node_lines(std::vector<RoadLine>& lines, const NodingOptions& options);

} // namespace ykm::gis

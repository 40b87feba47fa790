#pragma once

#include "ykm/gis/geometry.hpp"
#include "ykm/gis/road_network.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace ykm::gis {

using EdgeIndex = std::uint32_t;
using NodeIndex = std::uint32_t;

/// One direction of travel along a road segment.
struct DirectedEdge {
    std::int64_t segment_id = 0;
    bool forward = true; ///< true: along the segment's geometry (from_node → to_node)
    NodeIndex from = 0;
    NodeIndex to = 0;
    double length_m = 0.0; ///< planar length in the project CRS
    PriorityClass priority = PriorityClass::none;
};

/// Where a point falls on an edge.
struct EdgeProjection {
    EdgeIndex edge = 0;
    double offset_m = 0.0;   ///< distance along the edge in its direction of travel
    double distance_m = 0.0; ///< from the point to the edge
    XY point;                ///< the nearest point on the edge
};

/// The directed road graph for routing and map matching: every two-way segment gives two edges,
/// every one-way segment one. Built once from a RoadNetwork (project CRS, metres); immutable
/// and safe to share between threads.
class RoadGraph {
public:
    /// Node indices follow the order of `network.nodes`; edges follow the segments, the forward
    /// edge of a segment first and its backward twin right after it. Throws ykm::Error naming the
    /// segment when it has fewer than two points or names a node that does not exist, and
    /// naming the node when two nodes share an id.
    explicit RoadGraph(const RoadNetwork& network);

    [[nodiscard]] Epsg crs() const { return m_crs; }
    [[nodiscard]] std::size_t edge_count() const { return m_edges.size(); }
    [[nodiscard]] std::size_t node_count() const { return m_node_positions.size(); }
    [[nodiscard]] const DirectedEdge& edge(EdgeIndex e) const { return m_edges[e]; }
    [[nodiscard]] XY node_position(NodeIndex n) const { return m_node_positions[n]; }
    /// Edges leaving node `n`.
    [[nodiscard]] std::span<const EdgeIndex> out_edges(NodeIndex n) const {
        return {m_out_edges.data() + m_out_offsets[n], m_out_offsets[n + 1] - m_out_offsets[n]};
    }
    /// The opposite direction of the same segment, if it is drivable.
    [[nodiscard]] std::optional<EdgeIndex> twin(EdgeIndex e) const {
        const std::int64_t t = m_twin[e];
        return t < 0 ? std::nullopt : std::optional<EdgeIndex>(static_cast<EdgeIndex>(t));
    }
    /// The edge's vertices in its direction of travel.
    [[nodiscard]] std::span<const XY> shape(EdgeIndex e) const {
        return {m_shape_points.data() + m_shape_offsets[e],
                m_shape_offsets[e + 1] - m_shape_offsets[e]};
    }
    /// The point at `offset_m` along the edge (clamped to its ends).
    [[nodiscard]] XY point_at(EdgeIndex e, double offset_m) const;
    /// The direction of travel at `offset_m` along the edge, in degrees clockwise from the
    /// CRS's grid north (0 for a degenerate edge).
    [[nodiscard]] double heading_at(EdgeIndex e, double offset_m) const;
    /// The edge of a segment in a direction, if drivable that way.
    [[nodiscard]] std::optional<EdgeIndex> find_edge(std::int64_t segment_id, bool forward) const;

    /// Edges within `radius_m` of `p`, nearest first (grid index; no allocation beyond `out`).
    /// `out` is cleared first; it holds one projection per edge, the nearest, sorted by distance
    /// and then by edge index. The two directions of a two-way segment come out side by side.
    void edges_near(XY p, double radius_m, std::vector<EdgeProjection>& out) const;

private:
    Epsg m_crs;
    std::vector<DirectedEdge> m_edges;
    std::vector<XY> m_node_positions;
    std::vector<std::uint32_t> m_out_offsets; ///< CSR: out edges of node n are
    std::vector<EdgeIndex> m_out_edges;       ///< m_out_edges[m_out_offsets[n]..m_out_offsets[n+1])
    std::vector<std::uint32_t> m_shape_offsets; ///< shape of e: [m_shape_offsets[e], [e+1])
    std::vector<XY> m_shape_points;
    std::vector<double> m_shape_along; ///< distance of each shape point from the edge's start
    std::vector<std::int64_t> m_twin;  ///< -1 when none
    // Spatial grid over the pieces of forward edges (a backward edge shares its twin's
    // geometry, so edges_near() derives it): built by the constructor.
    struct Piece {
        EdgeIndex edge;
        std::uint32_t index; ///< the piece from shape point `index` to `index + 1`
    };
    struct Grid {
        double origin_x = 0.0, origin_y = 0.0, cell_m = 100.0;
        std::uint32_t columns = 0, rows = 0;
        std::vector<std::uint32_t> cell_offsets;
        std::vector<Piece> cell_pieces;
    } m_grid;
    std::vector<std::pair<std::int64_t, std::uint32_t>> m_segment_edges; ///< sorted (segment*2+dir)
};

} // namespace ykm::gis

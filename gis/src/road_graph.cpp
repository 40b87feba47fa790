#include "ykm/gis/road_graph.hpp"

#include "ykm/gis/error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

namespace ykm::gis {
namespace {

// The nearest point to `p` on the piece ab: the fraction along it and the squared distance.
struct PieceProjection {
    double t;
    double distance2;
};

PieceProjection project_on_piece(XY p, XY a, XY b) {
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    const double length2 = dx * dx + dy * dy;
    double t = 0.0;
    if (length2 > 0.0) {
        t = std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / length2, 0.0, 1.0);
    }
    const double ex = a.x + t * dx - p.x;
    const double ey = a.y + t * dy - p.y;
    return {t, ex * ex + ey * ey};
}

std::int64_t segment_key(std::int64_t segment_id, bool forward) {
    return segment_id * 2 + (forward ? 0 : 1);
}

} // namespace

RoadGraph::RoadGraph(const RoadNetwork& network) : m_crs(network.crs) {
    // Dense node indices in the order of network.nodes, found by id through a sorted index.
    std::vector<std::pair<std::int64_t, NodeIndex>> node_index;
    node_index.reserve(network.nodes.size());
    m_node_positions.reserve(network.nodes.size());
    for (const RoadNode& n : network.nodes) {
        node_index.emplace_back(n.id, static_cast<NodeIndex>(m_node_positions.size()));
        m_node_positions.push_back(n.position);
    }
    std::ranges::sort(node_index);
    for (std::size_t k = 1; k < node_index.size(); ++k) {
        if (node_index[k].first == node_index[k - 1].first) {
            throw Error("road network: node id " + std::to_string(node_index[k].first) +
                        " is used by more than one node");
        }
    }
    auto index_of = [&](std::int64_t node_id, const RoadSegment& s) {
        const auto it = std::ranges::lower_bound(
            node_index, std::pair{node_id, NodeIndex{0}},
            [](const auto& a, const auto& b) { return a.first < b.first; });
        if (it == node_index.end() || it->first != node_id) {
            throw Error("road network: segment " + std::to_string(s.id) + " names node " +
                        std::to_string(node_id) + ", which does not exist");
        }
        return it->second;
    };

    m_shape_offsets.push_back(0);
    auto add_edge = [&](const RoadSegment& s, bool forward, NodeIndex from, NodeIndex to) {
        DirectedEdge e;
        e.segment_id = s.id;
        e.forward = forward;
        e.from = from;
        e.to = to;
        e.priority = s.attributes.priority;
        double along = 0.0;
        const std::size_t n = s.points.size();
        for (std::size_t k = 0; k < n; ++k) {
            const XY p = s.points[forward ? k : n - 1 - k];
            if (k > 0) {
                const XY q = m_shape_points.back();
                along += std::hypot(p.x - q.x, p.y - q.y);
            }
            m_shape_points.push_back(p);
            m_shape_along.push_back(along);
        }
        e.length_m = along;
        m_shape_offsets.push_back(static_cast<std::uint32_t>(m_shape_points.size()));
        m_segment_edges.emplace_back(segment_key(s.id, forward),
                                     static_cast<EdgeIndex>(m_edges.size()));
        m_edges.push_back(e);
    };
    for (const RoadSegment& s : network.segments) {
        if (s.points.size() < 2) {
            throw Error("road network: segment " + std::to_string(s.id) + " has " +
                        std::to_string(s.points.size()) + " point(s), fewer than two");
        }
        const NodeIndex from = index_of(s.from_node, s);
        const NodeIndex to = index_of(s.to_node, s);
        const auto forward_edge = static_cast<std::int64_t>(m_edges.size());
        add_edge(s, true, from, to);
        if (s.attributes.oneway) {
            m_twin.push_back(-1);
        } else {
            add_edge(s, false, to, from);
            m_twin.push_back(forward_edge + 1);
            m_twin.push_back(forward_edge);
        }
    }
    std::ranges::sort(m_segment_edges);
    for (std::size_t k = 1; k < m_segment_edges.size(); ++k) {
        if (m_segment_edges[k].first == m_segment_edges[k - 1].first) {
            throw Error("road network: segment id " + std::to_string(m_segment_edges[k].first / 2) +
                        " is used by more than one segment");
        }
    }

    // Out edges, compressed: count, prefix sum, fill.
    m_out_offsets.assign(m_node_positions.size() + 1, 0);
    for (const DirectedEdge& e : m_edges) {
        ++m_out_offsets[e.from + 1];
    }
    for (std::size_t n = 1; n < m_out_offsets.size(); ++n) {
        m_out_offsets[n] += m_out_offsets[n - 1];
    }
    m_out_edges.resize(m_edges.size());
    {
        std::vector<std::uint32_t> fill(m_out_offsets.begin(), m_out_offsets.end() - 1);
        for (EdgeIndex e = 0; e < m_edges.size(); ++e) {
            m_out_edges[fill[m_edges[e].from]++] = e;
        }
    }

    // The grid: cells sized so that there are about as many cells as pieces over the extent
    // (at least 20 m, and at most about 4 million cells for a whole prefecture).
    Box extent = Box::empty();
    std::size_t piece_count = 0;
    for (EdgeIndex e = 0; e < m_edges.size(); ++e) {
        if (!m_edges[e].forward) {
            continue;
        }
        for (const XY& p : shape(e)) {
            extent.extend(p);
        }
        piece_count += shape(e).size() - 1;
    }
    if (piece_count == 0) {
        m_grid.cell_offsets.assign(1, 0);
        return;
    }
    const double width = std::max(extent.max_x - extent.min_x, 1.0);
    const double height = std::max(extent.max_y - extent.min_y, 1.0);
    double cell = std::sqrt(width * height / static_cast<double>(piece_count));
    cell = std::max({cell, 20.0, std::sqrt(width * height / 4.0e6)});
    m_grid.cell_m = cell;
    m_grid.origin_x = extent.min_x;
    m_grid.origin_y = extent.min_y;
    m_grid.columns = static_cast<std::uint32_t>(width / cell) + 1;
    m_grid.rows = static_cast<std::uint32_t>(height / cell) + 1;
    const std::size_t cells = static_cast<std::size_t>(m_grid.columns) * m_grid.rows;
    auto cell_range = [&](XY a, XY b, auto&& visit) {
        const auto c0 = static_cast<std::uint32_t>((std::min(a.x, b.x) - m_grid.origin_x) / cell);
        const auto c1 = static_cast<std::uint32_t>((std::max(a.x, b.x) - m_grid.origin_x) / cell);
        const auto r0 = static_cast<std::uint32_t>((std::min(a.y, b.y) - m_grid.origin_y) / cell);
        const auto r1 = static_cast<std::uint32_t>((std::max(a.y, b.y) - m_grid.origin_y) / cell);
        for (std::uint32_t r = r0; r <= std::min(r1, m_grid.rows - 1); ++r) {
            for (std::uint32_t c = c0; c <= std::min(c1, m_grid.columns - 1); ++c) {
                visit(static_cast<std::size_t>(r) * m_grid.columns + c);
            }
        }
    };
    auto for_each_piece = [&](auto&& visit) {
        for (EdgeIndex e = 0; e < m_edges.size(); ++e) {
            if (!m_edges[e].forward) {
                continue;
            }
            const std::span<const XY> points = shape(e);
            for (std::uint32_t k = 0; k + 1 < points.size(); ++k) {
                cell_range(points[k], points[k + 1], [&](std::size_t c) { visit(c, Piece{e, k}); });
            }
        }
    };
    m_grid.cell_offsets.assign(cells + 1, 0);
    for_each_piece([&](std::size_t c, Piece) { ++m_grid.cell_offsets[c + 1]; });
    for (std::size_t c = 1; c <= cells; ++c) {
        m_grid.cell_offsets[c] += m_grid.cell_offsets[c - 1];
    }
    m_grid.cell_pieces.resize(m_grid.cell_offsets.back());
    std::vector<std::uint32_t> fill(m_grid.cell_offsets.begin(), m_grid.cell_offsets.end() - 1);
    for_each_piece([&](std::size_t c, Piece piece) { m_grid.cell_pieces[fill[c]++] = piece; });
}

XY RoadGraph::point_at(EdgeIndex e, double offset_m) const {
    const std::uint32_t begin = m_shape_offsets[e];
    const std::uint32_t end = m_shape_offsets[e + 1];
    if (!(offset_m > 0.0)) {
        return m_shape_points[begin];
    }
    if (offset_m >= m_edges[e].length_m) {
        return m_shape_points[end - 1];
    }
    // The first shape point beyond the offset ends the piece that holds it.
    const auto along_begin = m_shape_along.begin() + begin;
    const auto it = std::upper_bound(along_begin + 1, m_shape_along.begin() + end, offset_m);
    const auto k = static_cast<std::size_t>(it - m_shape_along.begin());
    const XY a = m_shape_points[k - 1];
    const XY b = m_shape_points[k];
    const double piece = m_shape_along[k] - m_shape_along[k - 1];
    const double t = piece > 0.0 ? (offset_m - m_shape_along[k - 1]) / piece : 0.0;
    return {a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)};
}

double RoadGraph::heading_at(EdgeIndex e, double offset_m) const {
    const std::uint32_t begin = m_shape_offsets[e];
    const std::uint32_t end = m_shape_offsets[e + 1];
    // The piece holding the offset, skipping zero-length pieces.
    const auto along_begin = m_shape_along.begin() + begin;
    auto it = std::upper_bound(along_begin + 1, m_shape_along.begin() + end - 1, offset_m);
    auto k = static_cast<std::size_t>(it - m_shape_along.begin());
    while (k + 1 < end && m_shape_points[k] == m_shape_points[k - 1]) {
        ++k;
    }
    const XY a = m_shape_points[k - 1];
    const XY b = m_shape_points[k];
    if (a == b) {
        return 0.0;
    }
    const double deg = std::atan2(b.x - a.x, b.y - a.y) * (180.0 / std::numbers::pi);
    return deg < 0.0 ? deg + 360.0 : deg;
}

std::optional<EdgeIndex> RoadGraph::find_edge(std::int64_t segment_id, bool forward) const {
    const std::int64_t key = segment_key(segment_id, forward);
    const auto it =
        std::ranges::lower_bound(m_segment_edges, std::pair{key, std::uint32_t{0}},
                                 [](const auto& a, const auto& b) { return a.first < b.first; });
    if (it == m_segment_edges.end() || it->first != key) {
        return std::nullopt;
    }
    return it->second;
}

void RoadGraph::edges_near(XY p, double radius_m, std::vector<EdgeProjection>& out) const {
    out.clear();
    if (m_grid.cell_pieces.empty() || !(radius_m >= 0.0)) {
        return;
    }
    const double cell = m_grid.cell_m;
    const double gx0 = std::floor((p.x - radius_m - m_grid.origin_x) / cell);
    const double gx1 = std::floor((p.x + radius_m - m_grid.origin_x) / cell);
    const double gy0 = std::floor((p.y - radius_m - m_grid.origin_y) / cell);
    const double gy1 = std::floor((p.y + radius_m - m_grid.origin_y) / cell);
    if (gx1 < 0.0 || gy1 < 0.0 || gx0 >= m_grid.columns || gy0 >= m_grid.rows) {
        return;
    }
    const auto c0 = static_cast<std::uint32_t>(std::max(gx0, 0.0));
    const auto c1 = static_cast<std::uint32_t>(std::min(gx1, m_grid.columns - 1.0));
    const auto r0 = static_cast<std::uint32_t>(std::max(gy0, 0.0));
    const auto r1 = static_cast<std::uint32_t>(std::min(gy1, m_grid.rows - 1.0));
    const double radius2 = radius_m * radius_m;
    for (std::uint32_t r = r0; r <= r1; ++r) {
        const std::size_t row = static_cast<std::size_t>(r) * m_grid.columns;
        for (std::uint32_t c = c0; c <= c1; ++c) {
            const std::uint32_t begin = m_grid.cell_offsets[row + c];
            const std::uint32_t end = m_grid.cell_offsets[row + c + 1];
            for (std::uint32_t i = begin; i < end; ++i) {
                const Piece piece = m_grid.cell_pieces[i];
                const std::uint32_t k = m_shape_offsets[piece.edge] + piece.index;
                const XY a = m_shape_points[k];
                const XY b = m_shape_points[k + 1];
                const PieceProjection hit = project_on_piece(p, a, b);
                if (hit.distance2 > radius2) {
                    continue;
                }
                const double distance = std::sqrt(hit.distance2);
                // A piece in several cells, or several pieces of one edge: keep the nearest.
                auto same = std::ranges::find(out, piece.edge, &EdgeProjection::edge);
                if (same != out.end() && same->distance_m <= distance) {
                    continue;
                }
                EdgeProjection projection;
                projection.edge = piece.edge;
                projection.distance_m = distance;
                projection.offset_m =
                    m_shape_along[k] + hit.t * (m_shape_along[k + 1] - m_shape_along[k]);
                projection.point = {a.x + hit.t * (b.x - a.x), a.y + hit.t * (b.y - a.y)};
                if (same != out.end()) {
                    *same = projection;
                } else {
                    out.push_back(projection);
                }
            }
        }
    }
    const std::size_t forward_count = out.size();
    for (std::size_t i = 0; i < forward_count; ++i) {
        if (const auto t = twin(out[i].edge)) {
            EdgeProjection back = out[i];
            back.edge = *t;
            back.offset_m = std::max(0.0, m_edges[*t].length_m - out[i].offset_m);
            out.push_back(back);
        }
    }
    std::ranges::sort(out, [](const EdgeProjection& a, const EdgeProjection& b) {
        return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.edge < b.edge;
    });
}

} // namespace ykm::gis

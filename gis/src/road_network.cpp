#include "ykm/gis/road_network.hpp"

#include "ykm/gis/error.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace ykm::gis {
namespace {

struct SegmentKey {
    std::int64_t a;
    std::int64_t b;
    auto operator<=>(const SegmentKey&) const = default;
};

bool same_reversed(const Polyline& p, const Polyline& q) {
    return p.size() == q.size() && std::equal(p.begin(), p.end(), q.rbegin());
}

// Directed sources list a two-way street twice, once each way. Merging those lines before
// splitting keeps their shared interior vertices from becoming nodes.
void merge_opposite_lines(std::vector<RoadLine>& lines) {
    std::map<SegmentKey, std::vector<std::size_t>> by_ends;
    std::vector<bool> drop(lines.size(), false);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& keys = lines[i].vertex_keys;
        if (keys.size() < 2 || keys.front() == keys.back()) {
            continue;
        }
        auto found = by_ends.find(SegmentKey{keys.back(), keys.front()});
        if (found != by_ends.end()) {
            for (std::size_t other : found->second) {
                const auto& twin = lines[other].vertex_keys;
                if (!drop[other] && twin.size() == keys.size() &&
                    std::equal(keys.begin(), keys.end(), twin.rbegin())) {
                    lines[other].attributes.oneway = false;
                    drop[i] = true;
                    break;
                }
            }
        }
        if (!drop[i]) {
            by_ends[SegmentKey{keys.front(), keys.back()}].push_back(i);
        }
    }
    std::size_t out = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (drop[i]) {
            continue;
        }
        if (out != i) {
            lines[out] = std::move(lines[i]);
        }
        ++out;
    }
    lines.resize(out);
}

} // namespace

RoadNetwork build_road_network(std::vector<RoadLine> lines, Epsg crs,
                               const TopologyOptions& options) {
    // How often each vertex key is used, counting a repeated key inside one line (a loop)
    // as a second use so the loop gets a node.
    std::unordered_map<std::int64_t, int> uses;
    for (RoadLine& line : lines) {
        if (line.vertex_keys.size() != line.points.size()) {
            throw Error("road line " + line.attributes.source_id +
                        ": vertex keys do not match its points");
        }
        // Consecutive repeats of one vertex carry no geometry.
        std::size_t out = 0;
        for (std::size_t i = 0; i < line.points.size(); ++i) {
            if (out > 0 && line.vertex_keys[i] == line.vertex_keys[out - 1]) {
                continue;
            }
            line.points[out] = line.points[i];
            line.vertex_keys[out] = line.vertex_keys[i];
            ++out;
        }
        line.points.resize(out);
        line.vertex_keys.resize(out);
    }
    if (options.merge_opposite_duplicates) {
        merge_opposite_lines(lines);
    }
    for (const RoadLine& line : lines) {
        for (std::int64_t key : line.vertex_keys) {
            ++uses[key];
        }
    }

    RoadNetwork network;
    network.crs = crs;
    std::unordered_map<std::int64_t, std::int64_t> node_of_key;
    auto node_for = [&](std::int64_t key, const XY& at) {
        auto [it, inserted] = node_of_key.try_emplace(key, 0);
        if (inserted) {
            it->second = static_cast<std::int64_t>(network.nodes.size()) + 1;
            // Positive keys are the source's own node ids (OSM); noding makes negative ones.
            network.nodes.push_back(
                RoadNode{it->second, at, key > 0 ? std::to_string(key) : std::string()});
        }
        return it->second;
    };

    std::map<SegmentKey, std::vector<std::size_t>> by_ends;
    for (RoadLine& line : lines) {
        if (line.points.size() < 2) {
            continue;
        }
        std::size_t start = 0;
        for (std::size_t i = 1; i < line.points.size(); ++i) {
            const bool last = i + 1 == line.points.size();
            if (!last && uses[line.vertex_keys[i]] < 2) {
                continue;
            }
            RoadSegment segment;
            segment.attributes = line.attributes;
            segment.from_node = node_for(line.vertex_keys[start], line.points[start]);
            segment.to_node = node_for(line.vertex_keys[i], line.points[i]);
            segment.points.assign(line.points.begin() + static_cast<std::ptrdiff_t>(start),
                                  line.points.begin() + static_cast<std::ptrdiff_t>(i) + 1);
            start = i;

            if (options.merge_opposite_duplicates) {
                const SegmentKey reverse{segment.to_node, segment.from_node};
                auto found = by_ends.find(reverse);
                bool merged = false;
                if (found != by_ends.end()) {
                    for (std::size_t other : found->second) {
                        RoadSegment& twin = network.segments[other];
                        if (same_reversed(twin.points, segment.points) &&
                            segment.from_node != segment.to_node) {
                            twin.attributes.oneway = false;
                            merged = true;
                            break;
                        }
                    }
                }
                if (merged) {
                    continue;
                }
                by_ends[SegmentKey{segment.from_node, segment.to_node}].push_back(
                    network.segments.size());
            }
            segment.id = static_cast<std::int64_t>(network.segments.size()) + 1;
            network.segments.push_back(std::move(segment));
        }
    }

    CoordinateTransform to_lonlat(crs, wgs84);
    Polyline scratch;
    for (RoadSegment& segment : network.segments) {
        scratch = segment.points;
        to_lonlat.forward(scratch);
        segment.length_m = geodesic_length_m(scratch);
    }
    return network;
}

} // namespace ykm::gis

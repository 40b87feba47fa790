#include "ykm/data/map_query.hpp"

#include "wkb.hpp"
#include "ykm/gis/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace ykm::data {
namespace {

// Rows of `table` whose index box meets the box bound at parameters ?1-?4 (max x, min x,
// max y, min y). The R*Tree keeps float bounds rounded outwards, so callers that need the
// exact answer check the geometry's own box.
std::string in_box(const std::string& table) {
    return "ROWID IN (SELECT pkid FROM idx_" + table +
           "_geom WHERE xmin <= ?1 AND xmax >= ?2 AND ymin <= ?3 AND ymax >= ?4)";
}

void bind_box(Statement& statement, const gis::Box& box) {
    statement.bind(1, box.max_x).bind(2, box.min_x).bind(3, box.max_y).bind(4, box.min_y);
}

bool meets(const gis::Box& a, const gis::Box& b) {
    return a.min_x <= b.max_x && a.max_x >= b.min_x && a.min_y <= b.max_y && a.max_y >= b.min_y;
}

gis::Box bounds(const gis::Polyline& line) {
    gis::Box b = gis::Box::empty();
    for (const gis::XY& p : line) {
        b.extend(p);
    }
    return b;
}

bool visible(const gis::MapStyle::LayerStyle& layer) {
    return layer.visible && layer.opacity > 0.0;
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", value);
    return text;
}

double distance_to_segment(gis::XY p, gis::XY a, gis::XY b) {
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    const double length_sq = dx * dx + dy * dy;
    double t = 0.0;
    if (length_sq > 0.0) {
        t = std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / length_sq, 0.0, 1.0);
    }
    return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

double distance_to_line(gis::XY p, const gis::Polyline& line) {
    if (line.size() == 1) {
        return std::hypot(p.x - line[0].x, p.y - line[0].y);
    }
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t i = 1; i < line.size(); ++i) {
        best = std::min(best, distance_to_segment(p, line[i - 1], line[i]));
    }
    return best;
}

// The road columns that identify and find_roads show, in this order; `geom` last.
constexpr const char* road_columns =
    "s.id, s.name, s.priority, s.road_class, s.lanes, s.width_m, s.oneway, s.sidewalk, "
    "s.length_m, d.name, s.source_id, s.from_node, s.to_node, AsBinary(s.geom) "
    "FROM road_segments AS s LEFT JOIN districts AS d ON d.id = s.district_id";

std::string optional_text(const Statement& row, int column) {
    return row.is_null(column) ? std::string() : row.column_text(column);
}

FeatureInfo road_info(const Statement& row, const gis::Polyline& line) {
    FeatureInfo info;
    info.layer = Layer::road_segments;
    info.id = row.column_int64(0);
    const auto yes_no = [&](int column) {
        return row.is_null(column) ? std::string() : (row.column_int(column) != 0 ? "yes" : "no");
    };
    info.attributes = {
        {"id", std::to_string(info.id)},
        {"name", optional_text(row, 1)},
        {"priority", optional_text(row, 2)},
        {"road_class", optional_text(row, 3)},
        {"lanes", optional_text(row, 4)},
        {"width_m", row.is_null(5) ? std::string() : number(row.column_double(5))},
        {"oneway", yes_no(6)},
        {"sidewalk", yes_no(7)},
        {"length_m", number(std::round(row.column_double(8) * 10.0) / 10.0)},
        {"district", optional_text(row, 9)},
        {"source_id", optional_text(row, 10)},
        {"from_node", std::to_string(row.column_int64(11))},
        {"to_node", std::to_string(row.column_int64(12))},
    };
    info.extent = bounds(line);
    return info;
}

FeatureInfo point_info(Layer layer, const Statement& row, gis::XY position) {
    FeatureInfo info;
    info.layer = layer;
    info.id = row.column_int64(0);
    info.attributes = {{"id", std::to_string(info.id)}, {"name", optional_text(row, 1)}};
    if (layer == Layer::dump_sites) {
        info.attributes.emplace_back("capacity_m3",
                                     row.is_null(4) ? std::string() : number(row.column_double(4)));
    }
    info.extent = {position.x, position.y, position.x, position.y};
    return info;
}

} // namespace

gis::MapContent query_map_content(Project& project, const gis::MapView& view,
                                  const gis::MapStyle& style) {
    Database& db = project.database();
    const gis::Box extent = view.extent();
    gis::MapContent content;
    if (visible(style.roads)) {
        Statement roads(db, "SELECT id, priority, oneway, name, AsBinary(geom) FROM road_segments "
                            "WHERE " +
                                in_box("road_segments"));
        bind_box(roads, extent);
        const double tolerance = view.metres_per_pixel() / 2.0;
        while (roads.step()) {
            gis::Polyline line = parse_linestring_wkb(roads.column_blob(4));
            if (!meets(bounds(line), extent)) {
                continue;
            }
            gis::MapRoad road;
            road.id = roads.column_int64(0);
            road.priority = static_cast<gis::PriorityClass>(roads.column_int(1));
            road.oneway = roads.column_int(2) != 0;
            road.name = optional_text(roads, 3);
            road.points = gis::simplify(line, tolerance);
            content.roads.push_back(std::move(road));
        }
    }
    if (visible(style.districts)) {
        Statement districts(db, "SELECT id, name, AsBinary(geom) FROM districts WHERE " +
                                    in_box("districts"));
        bind_box(districts, extent);
        while (districts.step()) {
            gis::MapArea area;
            area.id = districts.column_int64(0);
            area.name = optional_text(districts, 1);
            area.rings = parse_polygon_rings_wkb(districts.column_blob(2));
            gis::Box b = gis::Box::empty();
            for (const gis::Polyline& ring : area.rings) {
                for (const gis::XY& p : ring) {
                    b.extend(p);
                }
            }
            if (meets(b, extent)) {
                content.districts.push_back(std::move(area));
            }
        }
    }
    const auto read_points = [&](const std::string& table, const std::string& capacity,
                                 std::vector<gis::MapPoint>& out) {
        Statement points(db, "SELECT id, name, X(geom), Y(geom), " + capacity + " FROM " + table +
                                 " WHERE " + in_box(table));
        bind_box(points, extent);
        while (points.step()) {
            const gis::XY p{points.column_double(2), points.column_double(3)};
            if (!meets(gis::Box{p.x, p.y, p.x, p.y}, extent)) {
                continue;
            }
            out.push_back(gis::MapPoint{points.column_int64(0), optional_text(points, 1), p,
                                        points.column_optional_double(4)});
        }
    };
    if (visible(style.depots)) {
        read_points("depots", "NULL", content.depots);
    }
    if (visible(style.dump_sites)) {
        read_points("dump_sites", "capacity_m3", content.dump_sites);
    }
    return content;
}

std::optional<FeatureInfo> identify(Project& project, gis::XY map_point, double radius_m) {
    Database& db = project.database();
    const gis::Box around{map_point.x - radius_m, map_point.y - radius_m, map_point.x + radius_m,
                          map_point.y + radius_m};
    std::optional<FeatureInfo> best;
    double best_distance = std::numeric_limits<double>::infinity();
    // Points first: on a tie a depot or dump site drawn over a road is what the user clicked.
    for (Layer layer : {Layer::depots, Layer::dump_sites}) {
        const std::string table = to_string(layer);
        Statement points(db, "SELECT id, name, X(geom), Y(geom)" +
                                 std::string(layer == Layer::dump_sites ? ", capacity_m3" : "") +
                                 " FROM " + table + " WHERE " + in_box(table));
        bind_box(points, around);
        while (points.step()) {
            const gis::XY p{points.column_double(2), points.column_double(3)};
            const double d = std::hypot(p.x - map_point.x, p.y - map_point.y);
            if (d <= radius_m && d < best_distance) {
                best_distance = d;
                best = point_info(layer, points, p);
            }
        }
    }
    {
        Statement roads(db, std::string("SELECT ") + road_columns + " WHERE s." +
                                in_box("road_segments"));
        bind_box(roads, around);
        while (roads.step()) {
            const gis::Polyline line = parse_linestring_wkb(roads.column_blob(13));
            const double d = distance_to_line(map_point, line);
            if (d <= radius_m && d < best_distance) {
                best_distance = d;
                best = road_info(roads, line);
            }
        }
    }
    if (best) {
        return best;
    }
    Statement districts(db,
                        "SELECT id, name, code, MbrMinX(geom), MbrMinY(geom), MbrMaxX(geom), "
                        "MbrMaxY(geom) FROM districts WHERE " +
                            in_box("districts") +
                            " AND ST_Contains(geom, MakePoint(?5, ?6, ?7)) ORDER BY id LIMIT 1");
    bind_box(districts, gis::Box{map_point.x, map_point.y, map_point.x, map_point.y});
    districts.bind(5, map_point.x).bind(6, map_point.y).bind(7, project.crs().code);
    if (!districts.step()) {
        return std::nullopt;
    }
    FeatureInfo info;
    info.layer = Layer::districts;
    info.id = districts.column_int64(0);
    info.attributes = {{"id", std::to_string(info.id)},
                       {"name", optional_text(districts, 1)},
                       {"code", optional_text(districts, 2)}};
    info.extent = {districts.column_double(3), districts.column_double(4),
                   districts.column_double(5), districts.column_double(6)};
    return info;
}

std::vector<FeatureInfo> find_roads(Project& project, const std::string& text, std::size_t limit) {
    std::vector<FeatureInfo> found;
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos || limit == 0) {
        return found;
    }
    const std::string needle = text.substr(first, text.find_last_not_of(" \t") - first + 1);
    std::string pattern = "%";
    for (char c : needle) {
        if (c == '%' || c == '_' || c == '\\') {
            pattern += '\\';
        }
        pattern += c;
    }
    pattern += '%';
    std::optional<std::int64_t> id;
    try {
        std::size_t used = 0;
        const long long value = std::stoll(needle, &used);
        if (used == needle.size()) {
            id = value;
        }
    } catch (const std::exception&) {
    }
    Statement roads(project.database(),
                    std::string("SELECT ") + road_columns +
                        " WHERE s.name LIKE ?1 ESCAPE '\\' OR s.id = ?2 ORDER BY s.name, s.id "
                        "LIMIT ?3");
    roads.bind(1, pattern).bind(2, id).bind(3, static_cast<std::int64_t>(limit));
    while (roads.step()) {
        found.push_back(road_info(roads, parse_linestring_wkb(roads.column_blob(13))));
    }
    return found;
}

gis::Box layer_extent(Project& project, Layer layer) {
    Statement extent(project.database(),
                     "SELECT MbrMinX(e), MbrMinY(e), MbrMaxX(e), MbrMaxY(e) FROM (SELECT "
                     "Extent(geom) AS e FROM " +
                         to_string(layer) + ") WHERE e IS NOT NULL");
    if (!extent.step()) {
        return gis::Box::empty();
    }
    return {extent.column_double(0), extent.column_double(1), extent.column_double(2),
            extent.column_double(3)};
}

gis::Box map_extent(Project& project) {
    gis::Box extent = gis::Box::empty();
    for (const Layer layer :
         {Layer::road_segments, Layer::districts, Layer::depots, Layer::dump_sites}) {
        const gis::Box box = layer_extent(project, layer);
        if (!box.is_empty()) {
            extent.extend(box.min_x, box.min_y);
            extent.extend(box.max_x, box.max_y);
        }
    }
    return extent;
}

} // namespace ykm::data

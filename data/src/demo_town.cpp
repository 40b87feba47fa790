#include "ykm/data/demo_town.hpp"

#include "ykm/gis/error.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

namespace ykm::data {
namespace {

// SplitMix64: the same numbers for the same seed on every platform, unlike std::
// distributions, so a seed names one town everywhere.
class Random {
public:
    explicit Random(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double between(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    bool chance(double p) { return uniform() < p; }

private:
    std::uint64_t m_state;
};

struct Layout {
    int columns;          // grid cells east-west
    int rows;             // grid cells north-south
    int district_columns; // districts = district_columns x 2
};

Layout layout_for(TownSize size) {
    switch (size) {
    case TownSize::small:
        return {18, 12, 2};
    case TownSize::medium:
        return {36, 24, 3};
    case TownSize::large:
        return {72, 48, 4};
    case TownSize::city:
        return {320, 212, 4};
    }
    return {18, 12, 2};
}

constexpr double block_m = 120.0;
constexpr gis::Epsg town_crs{6678}; // JGD2011 zone X (Aomori, Akita, Iwate, Miyagi, Yamagata)
// The town centre in zone X coordinates: a plain south of Aomori city, about 40.62°N 140.66°E.
constexpr gis::XY town_origin{-15000.0, 69000.0};

constexpr std::array<const char*, 12> place_names{"桜", "松原", "緑", "旭", "若葉", "栄",
                                                  "本", "新",   "東", "西", "青葉", "泉"};
// District names by position: row (south, north) and column (west to east).
std::string district_name(int row, int column, int columns) {
    static const std::array<std::vector<const char*>, 5> column_names{
        {{}, {}, {"西", "東"}, {"西", "中央", "東"}, {"西", "中西", "中東", "東"}}};
    return std::string(row == 0 ? "南" : "北") +
           column_names[static_cast<std::size_t>(columns)][static_cast<std::size_t>(column)] +
           "工区";
}

enum class StreetKind { arterial, collector, residential };

StreetKind kind_of(int index) {
    if (index % 6 == 3) {
        return StreetKind::arterial;
    }
    if (index % 3 == 0) {
        return StreetKind::collector;
    }
    return StreetKind::residential;
}

gis::RoadAttributes attributes_for(StreetKind kind, bool east_west, int index, Random& random) {
    gis::RoadAttributes a;
    const char* place = place_names[static_cast<std::size_t>(index) % place_names.size()];
    switch (kind) {
    case StreetKind::arterial:
        a.road_class = east_west ? "primary" : "secondary";
        a.priority = gis::PriorityClass::first;
        a.lanes = 4;
        a.width_m = 16.0;
        a.sidewalk = true;
        a.name = east_west ? "国道" + std::to_string(7 + 97 * (index / 6)) + "号"
                           : "県道" + std::to_string(26 + index) + "号" + place + "線";
        break;
    case StreetKind::collector:
        a.road_class = "tertiary";
        a.priority = gis::PriorityClass::second;
        a.lanes = 2;
        a.width_m = 9.0;
        a.sidewalk = true;
        a.name = std::string(place) + (east_west ? "通り" : "大通り");
        break;
    case StreetKind::residential:
        a.road_class = "residential";
        a.priority = gis::PriorityClass::third;
        a.width_m = std::round(random.between(4.0, 6.5) * 2.0) / 2.0;
        a.sidewalk = false;
        a.name = std::string("市道") + place + "町" + std::to_string(index + 1) + "号線";
        break;
    }
    return a;
}

std::vector<std::uint8_t> quadrilateral_wkb(const std::array<gis::XY, 4>& corners) {
    std::vector<std::uint8_t> wkb{1, 3, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0};
    auto put = [&wkb](double d) {
        const auto bits = std::bit_cast<std::uint64_t>(d);
        for (int i = 0; i < 8; ++i) {
            wkb.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
        }
    };
    for (std::size_t k = 0; k <= corners.size(); ++k) {
        put(corners[k % corners.size()].x);
        put(corners[k % corners.size()].y);
    }
    return wkb;
}

// Where segments ab and cd cross: the fractions along each, strictly inside both.
std::optional<std::pair<double, double>> crossing(const gis::XY& a, const gis::XY& b,
                                                  const gis::XY& c, const gis::XY& d) {
    const double rx = b.x - a.x;
    const double ry = b.y - a.y;
    const double sx = d.x - c.x;
    const double sy = d.y - c.y;
    const double den = rx * sy - ry * sx;
    if (std::abs(den) < 1e-12) {
        return std::nullopt;
    }
    const double t = ((c.x - a.x) * sy - (c.y - a.y) * sx) / den;
    const double u = ((c.x - a.x) * ry - (c.y - a.y) * rx) / den;
    if (t <= 0.0 || t >= 1.0 || u <= 0.0 || u >= 1.0) {
        return std::nullopt;
    }
    return std::pair{t, u};
}

// Lays `road` over `lines`, inserting a shared vertex wherever it crosses one of them, so the
// crossings are at-grade intersections.
void cross_at_grade(gis::RoadLine& road, std::vector<gis::RoadLine>& lines,
                    std::int64_t& next_key) {
    struct Cut {
        std::size_t edge;
        double along;
        gis::XY at;
        std::int64_t key;
    };
    auto insert_cuts = [](gis::RoadLine& line, std::vector<Cut>& cuts) {
        std::ranges::sort(cuts, {}, [](const Cut& c) { return std::pair{c.edge, c.along}; });
        gis::RoadLine out;
        out.attributes = std::move(line.attributes);
        std::size_t c = 0;
        for (std::size_t k = 0; k < line.points.size(); ++k) {
            out.points.push_back(line.points[k]);
            out.vertex_keys.push_back(line.vertex_keys[k]);
            for (; c < cuts.size() && cuts[c].edge == k; ++c) {
                out.points.push_back(cuts[c].at);
                out.vertex_keys.push_back(cuts[c].key);
            }
        }
        line = std::move(out);
    };
    std::vector<Cut> road_cuts;
    for (gis::RoadLine& line : lines) {
        std::vector<Cut> cuts;
        for (std::size_t e = 0; e + 1 < line.points.size(); ++e) {
            for (std::size_t r = 0; r + 1 < road.points.size(); ++r) {
                const auto hit = crossing(line.points[e], line.points[e + 1], road.points[r],
                                          road.points[r + 1]);
                if (!hit) {
                    continue;
                }
                const gis::XY& a = line.points[e];
                const gis::XY& b = line.points[e + 1];
                const gis::XY at{a.x + hit->first * (b.x - a.x), a.y + hit->first * (b.y - a.y)};
                cuts.push_back({e, hit->first, at, next_key});
                road_cuts.push_back({r, hit->second, at, next_key});
                ++next_key;
            }
        }
        if (!cuts.empty()) {
            insert_cuts(line, cuts);
        }
    }
    insert_cuts(road, road_cuts);
}

} // namespace

TownSize parse_town_size(const std::string& text) {
    if (text == "small") {
        return TownSize::small;
    }
    if (text == "medium") {
        return TownSize::medium;
    }
    if (text == "large") {
        return TownSize::large;
    }
    if (text == "city") {
        return TownSize::city;
    }
    throw Error("town size '" + text + "' is not one of small, medium, large, city");
}

DemoTown generate_demo_town(std::uint64_t seed, TownSize size) {
    Random random(seed);
    const Layout layout = layout_for(size);
    const int nx = layout.columns + 1; // grid nodes east-west
    const int ny = layout.rows + 1;

    // Grid nodes, jittered so streets are not ruler-straight.
    std::vector<gis::XY> node(static_cast<std::size_t>(nx * ny));
    auto at = [&](int i, int j) -> gis::XY& { return node[static_cast<std::size_t>(j * nx + i)]; };
    auto key = [nx](int i, int j) { return static_cast<std::int64_t>(j * nx + i + 1); };
    for (int j = 0; j < ny; ++j) {
        for (int i = 0; i < nx; ++i) {
            const bool arterial =
                kind_of(i) == StreetKind::arterial || kind_of(j) == StreetKind::arterial;
            const double jitter = arterial ? 4.0 : 14.0;
            at(i, j) = {town_origin.x + i * block_m + random.between(-jitter, jitter),
                        town_origin.y + j * block_m + random.between(-jitter, jitter)};
        }
    }
    std::int64_t next_key = static_cast<std::int64_t>(nx * ny) + 1;

    // The built-up area is an irregular oval (a few random harmonics on its radius): residential
    // streets stop at its edge, collectors a little beyond, arterials run on out of town.
    const double cx = (nx - 1) / 2.0;
    const double cy = (ny - 1) / 2.0;
    std::array<double, 3> amplitude{};
    std::array<double, 3> phase{};
    for (std::size_t k = 0; k < amplitude.size(); ++k) {
        amplitude[k] = random.between(0.03, 0.09);
        phase[k] = random.between(0.0, 2.0 * std::numbers::pi);
    }
    auto in_town = [&](int i, int j, double slack) {
        const double dx = (i - cx) / (cx + 0.5);
        const double dy = (j - cy) / (cy + 0.5);
        const double angle = std::atan2(dy, dx);
        double edge = 0.95;
        for (std::size_t k = 0; k < amplitude.size(); ++k) {
            edge += amplitude[k] * std::sin(static_cast<double>(k + 2) * angle + phase[k]);
        }
        return std::hypot(dx, dy) <= edge * slack;
    };
    // Inside the town some residential block edges are missing too (parks, rail yards, private
    // land), which makes the grid irregular.
    auto edge_exists = [&](StreetKind kind, int i, int j, int ni, int nj) {
        switch (kind) {
        case StreetKind::arterial:
            return true;
        case StreetKind::collector:
            return in_town(i, j, 1.2) && in_town(ni, nj, 1.2);
        case StreetKind::residential:
            return in_town(i, j, 1.0) && in_town(ni, nj, 1.0) && !random.chance(0.08);
        }
        return true;
    };

    std::vector<gis::RoadLine> lines;
    // Midpoint vertices of east-west residential edges, where cul-de-sacs can branch off.
    struct Branch {
        gis::XY at;
        std::int64_t key;
        int i;
        int j;
    };
    std::vector<Branch> branches;

    auto emit_street = [&](bool east_west, int index) {
        const StreetKind kind = kind_of(index);
        const int length = east_west ? nx : ny;
        const gis::RoadAttributes base = attributes_for(kind, east_west, index, random);
        // One-way pairs in the old town centre: alternate directions street by street.
        const bool centre =
            index > (east_west ? ny : nx) / 4 && index < 3 * (east_west ? ny : nx) / 4;
        const bool oneway = kind == StreetKind::residential && centre && index % 2 == 1;
        const bool reversed = oneway && index % 4 == 3;

        gis::RoadLine current;
        auto flush = [&] {
            if (current.points.size() >= 2) {
                if (reversed) {
                    std::ranges::reverse(current.points);
                    std::ranges::reverse(current.vertex_keys);
                }
                current.attributes.source_id = "demo-" + std::string(east_west ? "ew" : "ns") +
                                               "-" + std::to_string(index) + "-" +
                                               std::to_string(lines.size());
                lines.push_back(std::move(current));
            }
            current = gis::RoadLine{};
            current.attributes = base;
            current.attributes.oneway = oneway;
        };
        flush();
        for (int s = 0; s < length; ++s) {
            const int i = east_west ? s : index;
            const int j = east_west ? index : s;
            if (current.points.empty()) {
                current.points.push_back(at(i, j));
                current.vertex_keys.push_back(key(i, j));
            }
            if (s + 1 == length) {
                break;
            }
            const int ni = east_west ? s + 1 : index;
            const int nj = east_west ? index : s + 1;
            if (!edge_exists(kind, i, j, ni, nj)) {
                flush();
                continue;
            }
            if (east_west && kind == StreetKind::residential && j + 1 < ny) {
                const gis::XY a = at(i, j);
                const gis::XY b = at(ni, nj);
                const gis::XY mid{(a.x + b.x) / 2.0, (a.y + b.y) / 2.0};
                current.points.push_back(mid);
                current.vertex_keys.push_back(next_key);
                branches.push_back({mid, next_key, i, j});
                ++next_key;
            }
            current.points.push_back(at(ni, nj));
            current.vertex_keys.push_back(key(ni, nj));
        }
        flush();
    };
    for (int j = 0; j < ny; ++j) {
        emit_street(true, j);
    }
    for (int i = 0; i < nx; ++i) {
        emit_street(false, i);
    }

    // Cul-de-sacs: dead-end lanes into some blocks, each ending in a turning place.
    int cul_de_sac = 0;
    for (const Branch& b : branches) {
        if (!random.chance(0.18)) {
            continue;
        }
        const double reach = random.between(35.0, 55.0);
        gis::RoadLine lane;
        lane.attributes.road_class = "residential";
        lane.attributes.priority = gis::PriorityClass::third;
        lane.attributes.width_m = 4.0;
        lane.attributes.sidewalk = false;
        lane.attributes.name = std::string("市道") +
                               place_names[static_cast<std::size_t>(b.i) % place_names.size()] +
                               "町" + std::to_string(b.j + 1) + "丁目袋小路";
        lane.attributes.source_id = "demo-cul-de-sac-" + std::to_string(++cul_de_sac);
        lane.points = {b.at, {b.at.x + random.between(-6.0, 6.0), b.at.y + reach}};
        lane.vertex_keys = {b.key, next_key++};
        lines.push_back(std::move(lane));
    }

    // A national-route bypass sweeps across the town on a curve.
    const double width_m = (nx - 1) * block_m;
    const double height_m = (ny - 1) * block_m;
    const gis::XY from{town_origin.x - 50.0, town_origin.y + height_m * random.between(0.1, 0.3)};
    const gis::XY control{town_origin.x + width_m * 0.5,
                          town_origin.y + height_m * random.between(0.7, 1.1)};
    const gis::XY to{town_origin.x + width_m + 50.0,
                     town_origin.y + height_m * random.between(0.5, 0.8)};
    gis::RoadLine bypass;
    bypass.attributes.road_class = "trunk";
    bypass.attributes.priority = gis::PriorityClass::first;
    bypass.attributes.lanes = 4;
    bypass.attributes.width_m = 18.0;
    bypass.attributes.sidewalk = true;
    bypass.attributes.name = "国道280号バイパス";
    bypass.attributes.source_id = "demo-bypass";
    constexpr int bypass_points = 64;
    for (int k = 0; k <= bypass_points; ++k) {
        const double t = static_cast<double>(k) / bypass_points;
        const double u = 1.0 - t;
        bypass.points.push_back({u * u * from.x + 2 * u * t * control.x + t * t * to.x,
                                 u * u * from.y + 2 * u * t * control.y + t * t * to.y});
        bypass.vertex_keys.push_back(next_key++);
    }
    cross_at_grade(bypass, lines, next_key);
    lines.push_back(std::move(bypass));

    // Few Japanese town grids run north-south: turn the whole town about its centre.
    const double turn = random.between(-0.35, 0.35);
    const gis::XY centre{town_origin.x + width_m / 2.0, town_origin.y + height_m / 2.0};
    auto rotate = [&](const gis::XY& p) {
        const double dx = p.x - centre.x;
        const double dy = p.y - centre.y;
        return gis::XY{centre.x + dx * std::cos(turn) - dy * std::sin(turn),
                       centre.y + dx * std::sin(turn) + dy * std::cos(turn)};
    };
    for (gis::RoadLine& line : lines) {
        for (gis::XY& p : line.points) {
            p = rotate(p);
        }
    }

    DemoTown town;
    town.network = gis::build_road_network(std::move(lines), town_crs);

    // Districts: the town cut into district_columns x 2 rectangles, with a margin so every
    // road lies inside one.
    const double margin = 60.0;
    const double x0 = town_origin.x - margin;
    const double y0 = town_origin.y - margin;
    const double width = (nx - 1) * block_m + 2 * margin;
    const double height = (ny - 1) * block_m + 2 * margin;
    const int dc = layout.district_columns;
    for (int r = 0; r < 2; ++r) {
        for (int c = 0; c < dc; ++c) {
            const int n = r * dc + c;
            District d;
            d.name = district_name(r, c, dc);
            d.code = (n + 1 < 10 ? "D0" : "D") + std::to_string(n + 1);
            const double left = x0 + width * c / dc;
            const double right = x0 + width * (c + 1) / dc;
            const double bottom = y0 + height * r / 2.0;
            const double top = y0 + height * (r + 1) / 2.0;
            d.wkb = quadrilateral_wkb({rotate({left, bottom}), rotate({right, bottom}),
                                       rotate({right, top}), rotate({left, top})});
            town.districts.push_back(std::move(d));
            // A depot in every other district, at the arterial crossing nearest its centre.
            if (n % 2 == 0) {
                const int ci = ((2 * c + 1) * (nx - 1)) / (2 * dc);
                const int cj = ((2 * r + 1) * (ny - 1)) / 4;
                const gis::XY p = at(ci, cj);
                town.depots.push_back({"第" + std::to_string(town.depots.size() + 1) + "除雪基地",
                                       rotate({p.x + 25.0, p.y + 25.0})});
            }
        }
    }
    // Dump sites on the river flats beyond the town's edges.
    town.dump_sites.push_back({"堤川河川敷雪堆積場", std::round(random.between(4, 9)) * 10000.0,
                               rotate({x0 - 150.0, y0 + height * 0.4})});
    town.dump_sites.push_back({"東部緑地雪堆積場", std::round(random.between(2, 6)) * 10000.0,
                               rotate({x0 + width + 150.0, y0 + height * 0.6})});
    if (size != TownSize::small) {
        town.dump_sites.push_back({"港湾埠頭雪堆積場", std::round(random.between(8, 15)) * 10000.0,
                                   rotate({x0 + width * 0.5, y0 + height + 200.0})});
    }
    return town;
}

void write_demo_town(Project& project, const DemoTown& town) {
    if (project.crs() != town.network.crs) {
        throw Error(project.path().string() + ": the demo town is in " +
                    gis::to_string(town.network.crs) + ", the project in " +
                    gis::to_string(project.crs()));
    }
    project.replace_districts(town.districts);
    project.replace_road_network(town.network);
    project.replace_depots(town.depots);
    project.replace_dump_sites(town.dump_sites);
    // One snow station (観測所) per district, at its centre, so that dispatch standards can be
    // tried on the demo town at once.
    Database& db = project.database();
    Transaction tx(db);
    db.exec("DELETE FROM snow_stations");
    Statement districts(db, "SELECT id, name FROM districts ORDER BY id");
    Statement insert(db, "INSERT INTO snow_stations (code, name, district_id, geom) SELECT ?, ?, "
                         "id, ST_Centroid(geom) FROM districts WHERE id = ?");
    int number = 0;
    while (districts.step()) {
        std::array<char, 16> code{};
        std::snprintf(code.data(), code.size(), "S%02d", ++number);
        const std::int64_t id = districts.column_int64(0);
        insert.bind(1, code.data()).bind(2, districts.column_text(1) + " 観測所").bind(3, id).run();
    }
    tx.commit();
    project.set_metadata("attribution", "Generated demo data (no real place)");
}

} // namespace ykm::data

#include "ykm/dispatch/tracker.hpp"

#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <numbers>
#include <thread>
#include <tuple>

namespace ykm::dispatch {
namespace {

constexpr std::int64_t no_time = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t end_of_time = std::numeric_limits<std::int64_t>::max();

// --- polygons ----------------------------------------------------------------------------------

// Reads the rings of a WKB polygon or multipolygon (SpatiaLite's AsBinary: 2D, either byte
// order).
class WkbReader {
public:
    WkbReader(std::span<const std::uint8_t> wkb, std::string what)
        : m_wkb(wkb), m_what(std::move(what)) {}

    std::vector<gis::Polyline> rings() {
        std::vector<gis::Polyline> out;
        read_geometry(out, 0);
        return out;
    }

private:
    [[noreturn]] void fail() const { throw Error(m_what + ": the geometry is not a polygon"); }

    std::uint32_t u32() {
        if (m_pos + 4 > m_wkb.size()) {
            fail();
        }
        std::uint32_t v = 0;
        std::memcpy(&v, m_wkb.data() + m_pos, 4);
        m_pos += 4;
        return m_little == (std::endian::native == std::endian::little) ? v : __builtin_bswap32(v);
    }
    double f64() {
        if (m_pos + 8 > m_wkb.size()) {
            fail();
        }
        std::uint64_t v = 0;
        std::memcpy(&v, m_wkb.data() + m_pos, 8);
        m_pos += 8;
        if (m_little != (std::endian::native == std::endian::little)) {
            v = __builtin_bswap64(v);
        }
        return std::bit_cast<double>(v);
    }
    void read_geometry(std::vector<gis::Polyline>& out, int depth) {
        if (m_pos >= m_wkb.size() || depth > 1) {
            fail();
        }
        m_little = m_wkb[m_pos++] == 1;
        const std::uint32_t type = u32();
        if (type == 3) {
            const std::uint32_t ring_count = u32();
            for (std::uint32_t r = 0; r < ring_count; ++r) {
                const std::uint32_t n = u32();
                if (n > (m_wkb.size() - m_pos) / 16) {
                    fail();
                }
                gis::Polyline ring;
                ring.reserve(n);
                for (std::uint32_t i = 0; i < n; ++i) {
                    const double x = f64();
                    const double y = f64();
                    ring.push_back({x, y});
                }
                out.push_back(std::move(ring));
            }
        } else if (type == 6 && depth == 0) {
            const std::uint32_t parts = u32();
            for (std::uint32_t p = 0; p < parts; ++p) {
                read_geometry(out, depth + 1);
            }
        } else {
            fail();
        }
    }

    std::span<const std::uint8_t> m_wkb;
    std::string m_what;
    std::size_t m_pos = 0;
    bool m_little = true;
};

// Even-odd rule over every ring: holes and the parts of a multipolygon come out right.
bool inside(const std::vector<gis::Polyline>& rings, gis::XY p) {
    bool in = false;
    for (const gis::Polyline& ring : rings) {
        const std::size_t n = ring.size();
        for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
            const gis::XY a = ring[i];
            const gis::XY b = ring[j];
            if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) {
                in = !in;
            }
        }
    }
    return in;
}

struct Shape {
    std::int64_t id = 0;
    std::string name;
    std::vector<gis::Polyline> rings;
    gis::Box box = gis::Box::empty();
    std::int64_t dwell_ms = 0;

    [[nodiscard]] bool contains(gis::XY p) const {
        return p.x >= box.min_x && p.x <= box.max_x && p.y >= box.min_y && p.y <= box.max_y &&
               inside(rings, p);
    }
};

Shape make_shape(std::int64_t id, std::string name, std::vector<gis::Polyline> rings) {
    Shape s{id, std::move(name), std::move(rings)};
    for (const gis::Polyline& ring : s.rings) {
        for (gis::XY p : ring) {
            s.box.extend(p);
        }
    }
    return s;
}

std::map<std::int64_t, Shape> load_districts(data::Project& project) {
    std::map<std::int64_t, Shape> districts;
    data::Statement query(project.database(),
                          "SELECT id, name, AsBinary(geom) FROM districts WHERE geom IS NOT NULL");
    while (query.step()) {
        const std::int64_t id = query.column_int64(0);
        std::string name = query.column_text(1);
        const std::vector<std::uint8_t> wkb = query.column_blob(2);
        auto rings =
            WkbReader(wkb, project.path().string() + ": district " + std::to_string(id)).rings();
        districts.emplace(id, make_shape(id, std::move(name), std::move(rings)));
    }
    return districts;
}

double cross(gis::XY o, gis::XY a, gis::XY b) {
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

bool on_piece(gis::XY a, gis::XY b, gis::XY p) {
    return std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= p.y &&
           p.y <= std::max(a.y, b.y);
}

bool pieces_meet(gis::XY a, gis::XY b, gis::XY c, gis::XY d) {
    const double d1 = cross(c, d, a);
    const double d2 = cross(c, d, b);
    const double d3 = cross(a, b, c);
    const double d4 = cross(a, b, d);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
        return true;
    }
    return (d1 == 0 && on_piece(c, d, a)) || (d2 == 0 && on_piece(c, d, b)) ||
           (d3 == 0 && on_piece(a, b, c)) || (d4 == 0 && on_piece(a, b, d));
}

// A closed ring (first point repeated last) whose sides meet other than at shared corners, or
// that encloses no area. Quadratic, for the few dozen corners staff draw. Checked here rather
// than with SpatiaLite's ST_IsValid, whose GEOS handler prints to stderr.
bool crosses_itself(const gis::Polyline& ring) {
    const std::size_t sides = ring.size() - 1;
    double twice_area = 0.0;
    for (std::size_t i = 0; i < sides; ++i) {
        twice_area += ring[i].x * ring[i + 1].y - ring[i + 1].x * ring[i].y;
        for (std::size_t j = i + 1; j < sides; ++j) {
            const bool adjacent = j == i + 1 || (i == 0 && j == sides - 1);
            if (adjacent) {
                // Neighbours share a corner; they must not fold back onto each other.
                const gis::XY corner = j == i + 1 ? ring[j] : ring[i];
                const gis::XY p = j == i + 1 ? ring[i] : ring[i + 1];
                const gis::XY q = j == i + 1 ? ring[j + 1] : ring[j];
                if (cross(corner, p, q) == 0 &&
                    (p.x - corner.x) * (q.x - corner.x) + (p.y - corner.y) * (q.y - corner.y) > 0) {
                    return true;
                }
            } else if (pieces_meet(ring[i], ring[i + 1], ring[j], ring[j + 1])) {
                return true;
            }
        }
    }
    return std::abs(twice_area) <= 1e-9;
}

std::string wkt_number(double v) {
    std::array<char, 32> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
    return std::string(buffer.data(), result.ptr);
}

// --- headings and movement ---------------------------------------------------------------------

double heading_on_edge(const gis::RoadGraph& graph, gis::EdgeIndex edge, double offset_m) {
    const std::span<const gis::XY> shape = graph.shape(edge);
    double along = 0.0;
    for (std::size_t i = 1; i < shape.size(); ++i) {
        const double dx = shape[i].x - shape[i - 1].x;
        const double dy = shape[i].y - shape[i - 1].y;
        const double length = std::hypot(dx, dy);
        if (along + length >= offset_m || i + 1 == shape.size()) {
            const double deg = std::atan2(dx, dy) * 180.0 / std::numbers::pi;
            return deg < 0.0 ? deg + 360.0 : deg;
        }
        along += length;
    }
    return 0.0;
}

std::int64_t wall_clock_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

AlertKind parse_alert_kind(const std::string& text) {
    for (AlertKind k : {AlertKind::left_district, AlertKind::stopped_too_long, AlertKind::offline,
                        AlertKind::entered_geofence}) {
        if (key(k) == text) {
            return k;
        }
    }
    throw Error("alerts: unknown kind '" + text + "'");
}

bool is_moving_state(VehicleState s) {
    return s == VehicleState::working || s == VehicleState::travelling;
}

} // namespace

std::string_view key(VehicleState state) {
    switch (state) {
    case VehicleState::working:
        return "working";
    case VehicleState::travelling:
        return "travelling";
    case VehicleState::stopped:
        return "stopped";
    case VehicleState::offline:
        return "offline";
    case VehicleState::unknown:
        return "unknown";
    }
    return "unknown";
}

std::string_view key(AlertKind kind) {
    switch (kind) {
    case AlertKind::left_district:
        return "left_district";
    case AlertKind::stopped_too_long:
        return "stopped_too_long";
    case AlertKind::offline:
        return "offline";
    case AlertKind::entered_geofence:
        return "entered_geofence";
    }
    return "offline";
}

// --- geofences ---------------------------------------------------------------------------------

std::vector<Geofence> load_geofences(data::Project& project) {
    std::vector<Geofence> fences;
    data::Statement query(project.database(), "SELECT id, name, dwell_s, AsBinary(geom) FROM "
                                              "geofences WHERE geom IS NOT NULL ORDER BY id");
    while (query.step()) {
        Geofence g;
        g.id = query.column_int64(0);
        g.name = query.column_text(1);
        g.dwell_ms = query.column_int64(2) * 1000;
        const std::vector<std::uint8_t> wkb = query.column_blob(3);
        auto rings =
            WkbReader(wkb, project.path().string() + ": geofence " + std::to_string(g.id)).rings();
        if (!rings.empty()) {
            g.ring = std::move(rings.front());
        }
        fences.push_back(std::move(g));
    }
    return fences;
}

std::int64_t save_geofence(data::Project& project, const Geofence& geofence) {
    const std::string what = "geofence " +
                             (geofence.id != 0 ? std::to_string(geofence.id) + " " : "") + "'" +
                             geofence.name + "'";
    if (geofence.name.empty()) {
        throw Error("geofence " + std::to_string(geofence.id) + ": the name is empty");
    }
    if (geofence.dwell_ms < 0) {
        throw Error(what + ": dwell " + std::to_string(geofence.dwell_ms) + " ms is negative");
    }
    gis::Polyline ring;
    for (gis::XY p : geofence.ring) {
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
            throw Error(what + ": the ring has a point that is not a number");
        }
        if (ring.empty() || !(ring.back() == p)) {
            ring.push_back(p);
        }
    }
    if (ring.size() > 1 && ring.front() == ring.back()) {
        ring.pop_back();
    }
    if (ring.size() < 3) {
        throw Error(what + ": a ring needs 3 or more distinct points, it has " +
                    std::to_string(ring.size()));
    }
    ring.push_back(ring.front());
    std::string wkt = "POLYGON((";
    for (std::size_t i = 0; i < ring.size(); ++i) {
        wkt += (i ? ", " : "") + wkt_number(ring[i].x) + " " + wkt_number(ring[i].y);
    }
    wkt += "))";
    if (crosses_itself(ring)) {
        throw Error(what + ": the ring crosses itself or has no area");
    }
    data::Database& db = project.database();
    const std::string geometry = "GeomFromText(?, " + std::to_string(project.crs().code) + ")";
    const std::int64_t dwell_s = (geofence.dwell_ms + 999) / 1000;
    data::Transaction tx(db);
    std::int64_t id = geofence.id;
    if (id == 0) {
        data::Statement insert(db, "INSERT INTO geofences (name, dwell_s, geom) VALUES (?, ?, " +
                                       geometry + ")");
        insert.bind(1, geofence.name).bind(2, dwell_s).bind(3, wkt).run();
        id = db.last_insert_rowid();
    } else {
        data::Statement exists(db, "SELECT count(*) FROM geofences WHERE id = ?");
        exists.bind(1, id);
        if (!exists.step() || exists.column_int(0) == 0) {
            throw Error("geofence " + std::to_string(id) + " does not exist");
        }
        data::Statement update(
            db, "UPDATE geofences SET name = ?, dwell_s = ?, geom = " + geometry + " WHERE id = ?");
        update.bind(1, geofence.name).bind(2, dwell_s).bind(3, wkt).bind(4, id).run();
    }
    tx.commit();
    return id;
}

void remove_geofence(data::Project& project, std::int64_t id) {
    data::Database& db = project.database();
    data::Transaction tx(db);
    data::Statement exists(db, "SELECT count(*) FROM geofences WHERE id = ?");
    exists.bind(1, id);
    if (!exists.step() || exists.column_int(0) == 0) {
        throw Error("geofence " + std::to_string(id) + " does not exist");
    }
    data::Statement remove(db, "DELETE FROM geofences WHERE id = ?");
    remove.bind(1, id).run();
    tx.commit();
}

// --- Tracker -----------------------------------------------------------------------------------

struct Tracker::Impl {
    // What the worker keeps per vehicle, beside the published VehicleStatus.
    struct Live {
        std::optional<gis::OnlineMatcher> matcher;
        std::optional<PassBuilder> builder;
        std::vector<data::Fix> recent; ///< pushed fixes from sequence recent_first on
        std::uint64_t recent_first = 0;
        std::uint64_t next_sequence = 0;
        std::int64_t newest_ms = no_time; ///< newest fix pushed
        std::int64_t heard_ms = no_time;  ///< newest fix of any kind
        std::optional<gis::XY> last_xy;   ///< raw position of the newest fix, project CRS
        std::int64_t last_moving_ms = no_time;
        std::int64_t late_from_ms = end_of_time; ///< oldest late fix of this batch
        int outside_count = 0;
        /// Inside its district since it came online: before that it is on its way there from
        /// the depot, which is not leaving.
        bool reached_district = false;
        std::optional<std::size_t> district_alert; ///< index into alerts while it is active
        std::optional<std::size_t> stopped_alert;
        std::optional<std::size_t> offline_alert;
        struct Visit {
            std::int64_t since_ms = 0;
            std::optional<std::size_t> alert;
        };
        std::map<std::int64_t, Visit> visits; ///< by geofence id
    };

    struct Command {
        enum class Kind { fixes, tick, reload } kind = Kind::fixes;
        std::vector<data::Fix> fixes;
        std::int64_t now_ms = 0;
    };

    Impl(const std::filesystem::path& path_in, TrackerSettings s)
        : settings(std::move(s)), project(data::Project::open(path_in)),
          graph(project.load_road_network()), to_project(gis::wgs84, project.crs()), path(path_in) {
        if (!(settings.pass_fraction > 0.0 && settings.pass_fraction <= 1.0)) {
            throw Error("tracker: pass fraction " + std::to_string(settings.pass_fraction) +
                        " is not in (0, 1]");
        }
        coverage_since_ms = wall_clock_ms() - settings.history_ms;
        load_masters();
        for (const SegmentCoverage& c :
             CoverageStore(project.database()).state(coverage_since_ms, end_of_time)) {
            coverage[{c.segment_id, c.forward}] = c;
        }
        load_alerts();
        publish_all();
        worker = std::thread([this] { run(); });
    }

    // --- loading (worker, or constructor before the worker starts) ---

    void load_masters() {
        std::map<std::int64_t, VehicleStatus> next;
        for (Vehicle& v : Fleet(project).vehicles()) {
            VehicleStatus status;
            if (auto it = statuses.find(v.id); it != statuses.end()) {
                status = it->second;
            }
            status.vehicle = std::move(v);
            next[status.vehicle.id] = std::move(status);
        }
        // Vehicles removed from the fleet but already reporting stay on the map.
        for (auto& [id, status] : statuses) {
            if (!next.contains(id) && status.state != VehicleState::unknown) {
                next[id] = status;
            }
        }
        statuses = std::move(next);
        districts = load_districts(project);
        geofences.clear();
        for (Geofence& g : load_geofences(project)) {
            Shape shape = make_shape(g.id, g.name, {std::move(g.ring)});
            shape.dwell_ms = g.dwell_ms;
            geofences.push_back(std::move(shape));
        }
    }

    void load_alerts() {
        data::Statement query(project.database(),
                              "SELECT id, kind, vehicle_id, time_ms, geofence_id, detail, "
                              "cleared_ms FROM alerts WHERE time_ms >= ? OR cleared_ms IS NULL "
                              "ORDER BY time_ms, id");
        query.bind(1, coverage_since_ms);
        while (query.step()) {
            Alert a;
            a.id = query.column_int64(0);
            a.kind = parse_alert_kind(query.column_text(1));
            a.vehicle_id = query.column_int64(2);
            a.time_ms = query.column_int64(3);
            a.geofence_id = query.column_optional_int64(4);
            a.detail = query.column_text(5);
            a.cleared_ms = query.column_optional_int64(6);
            const std::size_t index = alerts.size();
            alerts.push_back(a);
            if (a.cleared_ms) {
                continue;
            }
            // An alert still open before a restart is cleared when its condition ends.
            Live& l = live[a.vehicle_id];
            switch (a.kind) {
            case AlertKind::left_district:
                l.district_alert = index;
                break;
            case AlertKind::stopped_too_long:
                l.stopped_alert = index;
                break;
            case AlertKind::offline:
                l.offline_alert = index;
                break;
            case AlertKind::entered_geofence:
                if (a.geofence_id) {
                    l.visits[*a.geofence_id] = {a.time_ms, index};
                }
                break;
            }
        }
        stored_alerts = alerts.size();
    }

    // --- alerts ---

    std::size_t raise(AlertKind kind, std::int64_t vehicle_id, std::int64_t time_ms,
                      std::optional<gis::XY> position, std::string detail,
                      std::optional<std::int64_t> geofence_id = std::nullopt) {
        Alert a;
        a.kind = kind;
        a.vehicle_id = vehicle_id;
        a.time_ms = time_ms;
        a.position = position;
        a.detail = std::move(detail);
        a.geofence_id = geofence_id;
        alerts.push_back(std::move(a));
        alerts_changed = true;
        return alerts.size() - 1;
    }

    void clear(std::optional<std::size_t>& alert, std::int64_t time_ms) {
        if (!alert) {
            return;
        }
        alerts[*alert].cleared_ms = time_ms;
        if (alerts[*alert].id != 0) {
            cleared.push_back(*alert);
        }
        alerts_changed = true;
        alert.reset();
    }

    void store_alerts() {
        const std::size_t first_new = stored_alerts;
        if (first_new == alerts.size() && cleared.empty()) {
            return;
        }
        data::Database& db = project.database();
        data::Transaction tx(db);
        data::Statement insert(db, "INSERT INTO alerts (time_ms, vehicle_id, kind, geofence_id, "
                                   "detail, cleared_ms) VALUES (?, ?, ?, ?, ?, ?)");
        for (std::size_t i = first_new; i < alerts.size(); ++i) {
            const Alert& a = alerts[i];
            insert.bind(1, a.time_ms)
                .bind(2, a.vehicle_id)
                .bind(3, key(a.kind))
                .bind(4, a.geofence_id)
                .bind(5, a.detail)
                .bind(6, a.cleared_ms)
                .run();
            alerts[i].id = db.last_insert_rowid();
        }
        data::Statement update(db, "UPDATE alerts SET cleared_ms = ? WHERE id = ?");
        for (std::size_t i : cleared) {
            update.bind(1, alerts[i].cleared_ms).bind(2, alerts[i].id).run();
        }
        tx.commit();
        stored_alerts = alerts.size();
        cleared.clear();
    }

    // --- per fix ---

    VehicleStatus& status_of(std::int64_t vehicle_id) {
        auto [it, added] = statuses.try_emplace(vehicle_id);
        if (added) {
            it->second.vehicle.id = vehicle_id;
            it->second.vehicle.code = "#" + std::to_string(vehicle_id);
        }
        changed_vehicles.push_back(vehicle_id);
        return it->second;
    }

    void set_state(VehicleStatus& status, VehicleState state, std::int64_t since_ms) {
        if (status.state != state) {
            status.state = state;
            status.state_since_ms = since_ms;
        }
    }

    // Pushes a fix into the vehicle's matcher and keeps it for the work and blade votes.
    std::optional<gis::MatchedPosition> feed(Live& l, const data::Fix& fix, gis::XY xy) {
        if (!l.matcher) {
            l.matcher.emplace(graph, settings.matching);
            l.builder.emplace(graph, fix.vehicle_id, settings.pass_fraction);
            l.recent.clear();
            l.next_sequence = 0;
        }
        // The matcher numbers every push, matched or not, from 0.
        const auto matched =
            l.matcher->push({fix.time_ms, xy, fix.accuracy_m}, {fix.speed_mps, fix.bearing_deg});
        if (l.recent.empty()) {
            l.recent_first = l.next_sequence;
        }
        l.recent.push_back(fix);
        ++l.next_sequence;
        return matched;
    }

    void process_fix(Live& l, VehicleStatus& status, const data::Fix& fix, gis::XY xy) {
        const std::int64_t id = fix.vehicle_id;
        const auto matched = feed(l, fix, xy);

        // Movement: the reported speed when there is one, else the displacement beyond noise.
        bool moving = false;
        if (fix.speed_mps) {
            moving = *fix.speed_mps >= settings.moving_speed_mps;
        } else if (l.last_xy && l.newest_ms != no_time && fix.time_ms > l.newest_ms) {
            const double d = std::hypot(xy.x - l.last_xy->x, xy.y - l.last_xy->y);
            const double dt_s = static_cast<double>(fix.time_ms - l.newest_ms) / 1000.0;
            const double noise = 2.0 * fix.accuracy_m.value_or(settings.matching.gps_sigma_m);
            moving = d > noise && d / dt_s >= settings.moving_speed_mps;
        }
        l.last_xy = xy;
        l.newest_ms = fix.time_ms;
        l.heard_ms = std::max(l.heard_ms, fix.time_ms);

        status.last_fix = fix;
        if (matched) {
            const gis::DirectedEdge& edge = graph.edge(matched->edge);
            status.position = matched->point;
            status.segment_id = edge.segment_id;
            status.heading_deg = heading_on_edge(graph, matched->edge, matched->offset_m);
        } else {
            status.position = xy;
            status.segment_id.reset();
            status.heading_deg = fix.bearing_deg;
        }
        clear(l.offline_alert, fix.time_ms);

        if (moving) {
            l.last_moving_ms = fix.time_ms;
            clear(l.stopped_alert, fix.time_ms);
            const bool working = data::is_service(fix.work) || fix.blade == data::Blade::down;
            set_state(status, working ? VehicleState::working : VehicleState::travelling,
                      fix.time_ms);
        } else if (is_moving_state(status.state)) {
            check_stopped(l, status, fix.time_ms);
        } else {
            // Reporting but standing (switched on at the depot, back from offline): stopped,
            // without an alert, which is for a stop during work.
            set_state(status, VehicleState::stopped, fix.time_ms);
        }

        check_district(l, status, fix.time_ms);
        check_geofences(l, id, xy, fix.time_ms);
    }

    void check_stopped(Live& l, VehicleStatus& status, std::int64_t now_ms) {
        if (!is_moving_state(status.state) || l.last_moving_ms == no_time ||
            now_ms - l.last_moving_ms < settings.stopped_after_ms) {
            return;
        }
        const std::int64_t since = l.last_moving_ms + settings.stopped_after_ms;
        set_state(status, VehicleState::stopped, since);
        if (!l.stopped_alert) {
            l.stopped_alert = raise(AlertKind::stopped_too_long, status.vehicle.id, since,
                                    status.position, status.vehicle.code);
        }
    }

    void check_district(Live& l, const VehicleStatus& status, std::int64_t time_ms) {
        if (!status.vehicle.district_id || !status.position) {
            return;
        }
        const auto district = districts.find(*status.vehicle.district_id);
        if (district == districts.end()) {
            return;
        }
        if (district->second.contains(*status.position)) {
            l.reached_district = true;
            l.outside_count = 0;
            clear(l.district_alert, time_ms);
            return;
        }
        // Two fixes in a row: one noisy fix near the border is not leaving.
        if (!l.reached_district) {
            return;
        }
        if (++l.outside_count >= 2 && !l.district_alert) {
            l.district_alert = raise(AlertKind::left_district, status.vehicle.id, time_ms,
                                     status.position, district->second.name);
        }
    }

    void check_geofences(Live& l, std::int64_t vehicle_id, gis::XY xy, std::int64_t time_ms) {
        for (const Shape& fence : geofences) {
            if (fence.contains(xy)) {
                auto [visit, entered] = l.visits.try_emplace(fence.id);
                if (entered) {
                    visit->second.since_ms = time_ms;
                }
                if (!visit->second.alert && time_ms - visit->second.since_ms >= fence.dwell_ms) {
                    visit->second.alert = raise(AlertKind::entered_geofence, vehicle_id, time_ms,
                                                xy, fence.name, fence.id);
                }
            } else if (auto visit = l.visits.find(fence.id); visit != l.visits.end()) {
                clear(visit->second.alert, time_ms);
                l.visits.erase(visit);
            }
        }
    }

    enum class Finish { no, silent, end };

    // `silent`: the vehicle went offline; the matcher decides what it holds, but a run on an
    // edge that is not yet a pass stays open for when it is heard again.
    void collect_decided(Live& l, Finish finish) {
        if (!l.matcher) {
            return;
        }
        if (finish != Finish::no) {
            l.matcher->flush();
        }
        const std::vector<gis::Traversal> decided = l.matcher->take_decided();
        std::vector<Pass> passes = l.builder->add(decided, l.recent, l.recent_first);
        if (finish != Finish::no) {
            const auto last =
                finish == Finish::end ? l.builder->finish() : l.builder->finish_if_complete();
            if (last) {
                passes.push_back(*last);
            }
        }
        new_passes.insert(new_passes.end(), passes.begin(), passes.end());
        // Fixes no later traversal can name are dropped; a block at a time, to keep it cheap.
        const std::uint64_t needed = l.builder->needed_sequence();
        if (needed > l.recent_first + 256) {
            const std::uint64_t drop =
                std::min<std::uint64_t>(needed - l.recent_first, l.recent.size());
            l.recent.erase(l.recent.begin(), l.recent.begin() + static_cast<std::ptrdiff_t>(drop));
            l.recent_first += drop;
        }
    }

    void process_batch(std::vector<data::Fix> fixes) {
        std::stable_sort(fixes.begin(), fixes.end(), [](const data::Fix& a, const data::Fix& b) {
            return std::tie(a.vehicle_id, a.time_ms) < std::tie(b.vehicle_id, b.time_ms);
        });
        std::vector<gis::XY> xy;
        xy.reserve(fixes.size());
        for (const data::Fix& f : fixes) {
            xy.push_back({f.position.lon_deg, f.position.lat_deg});
        }
        to_project.forward(xy);
        std::vector<std::int64_t> late_vehicles;
        for (std::size_t i = 0; i < fixes.size();) {
            const std::int64_t id = fixes[i].vehicle_id;
            if (id <= 0) { // a device not resolved to a vehicle
                ++processed_count;
                ++i;
                continue;
            }
            Live& l = live[id];
            VehicleStatus& status = status_of(id);
            for (; i < fixes.size() && fixes[i].vehicle_id == id; ++i) {
                const data::Fix& fix = fixes[i];
                ++processed_count;
                if ((fix.flags & data::fix_flags::speed_jump) != 0) {
                    l.heard_ms = std::max(l.heard_ms, fix.time_ms);
                    continue;
                }
                if (l.newest_ms != no_time && fix.time_ms <= l.newest_ms) {
                    if (fix.time_ms < l.newest_ms) {
                        if (l.late_from_ms == end_of_time) {
                            late_vehicles.push_back(id);
                        }
                        l.late_from_ms = std::min(l.late_from_ms, fix.time_ms);
                    }
                    continue;
                }
                process_fix(l, status, fix, xy[i]);
            }
            collect_decided(l, Finish::no);
        }
        flush_passes();
        for (std::int64_t id : late_vehicles) {
            rematch_late(id);
        }
        store_alerts();
        publish();
    }

    // A late fix changes the matched path from its time on. The vehicle is matched again with a
    // fresh live matcher from late_lead_ms before the fix through its newest one, from the
    // season log (which holds every fix the tracker is given), and its stored passes from the
    // late fix's time on are replaced by what that finds. The fresh matcher then goes on live.
    void rematch_late(std::int64_t vehicle_id) {
        Live& l = live[vehicle_id];
        const std::int64_t late = l.late_from_ms;
        l.late_from_ms = end_of_time;
        std::vector<data::Fix> fixes =
            data::SeasonLog(project.database())
                .fixes(vehicle_id, late - settings.late_lead_ms, l.newest_ms + 1);
        std::erase_if(
            fixes, [](const data::Fix& f) { return (f.flags & data::fix_flags::speed_jump) != 0; });
        if (fixes.empty() || fixes.back().time_ms != l.newest_ms) {
            return; // the season log lacks the tracker's fixes: keep the live matcher as it is
        }
        std::vector<gis::XY> xy;
        xy.reserve(fixes.size());
        for (const data::Fix& f : fixes) {
            xy.push_back({f.position.lon_deg, f.position.lat_deg});
        }
        to_project.forward(xy);
        l.matcher.reset();
        l.builder.reset();
        for (std::size_t i = 0; i < fixes.size(); ++i) {
            feed(l, fixes[i], xy[i]);
        }
        collect_decided(l, Finish::no);
        std::erase_if(new_passes, [&](const Pass& p) { return p.time_ms < late; });
        CoverageStore(project.database()).replace(vehicle_id, late, end_of_time, new_passes);
        new_passes.clear();
        coverage_reload = true;
    }

    void flush_passes() {
        if (new_passes.empty()) {
            return;
        }
        CoverageStore(project.database()).add(new_passes);
        for (const Pass& p : new_passes) {
            coverage_since_ms = std::min(coverage_since_ms, p.time_ms);
            changed_directions.emplace_back(p.segment_id, p.forward);
            SegmentCoverage& c = coverage[changed_directions.back()];
            c.segment_id = p.segment_id;
            c.forward = p.forward;
            ++c.pass_count;
            if (clears_road(p.work, p.blade)) {
                ++c.service_pass_count;
            }
            if (p.time_ms >= c.last_pass_ms) {
                c.last_pass_ms = p.time_ms;
                c.last_work = p.work;
                c.last_blade = p.blade;
            }
        }
        new_passes.clear();
    }

    void process_tick(std::int64_t now_ms) {
        for (auto& [id, l] : live) {
            if (l.heard_ms == no_time) {
                continue;
            }
            VehicleStatus& status = status_of(id);
            if (now_ms - l.heard_ms >= settings.offline_after_ms) {
                if (status.state != VehicleState::offline) {
                    const std::int64_t since = l.heard_ms + settings.offline_after_ms;
                    set_state(status, VehicleState::offline, since);
                    if (!l.offline_alert) {
                        l.offline_alert = raise(AlertKind::offline, id, since, status.position,
                                                status.vehicle.code);
                    }
                    l.reached_district = false;
                    // Silence ends the trace: what the matcher holds is decided now.
                    collect_decided(l, Finish::silent);
                }
            } else {
                check_stopped(l, status, now_ms);
            }
        }
        flush_passes();
        store_alerts();
        publish();
    }

    void finish_all() {
        for (auto& [id, l] : live) {
            collect_decided(l, Finish::end);
        }
        flush_passes();
        store_alerts();
    }

    // --- publishing (the only writer of the snapshot) ---

    void publish_all() {
        std::lock_guard lock(mutex);
        snapshot_statuses = statuses;
        snapshot_coverage = coverage;
        snapshot_alerts = alerts;
        snapshot_processed = processed_count;
        changed_vehicles.clear();
        changed_directions.clear();
        coverage_changed = false;
        alerts_changed = false;
    }

    void publish() {
        if (coverage_reload) {
            // After a re-match the counts are read back rather than patched.
            std::map<std::pair<std::int64_t, bool>, SegmentCoverage> fresh;
            for (const SegmentCoverage& c :
                 CoverageStore(project.database()).state(coverage_since_ms, end_of_time)) {
                fresh[{c.segment_id, c.forward}] = c;
            }
            coverage = std::move(fresh);
            coverage_reload = false;
            coverage_changed = true;
        }
        std::lock_guard lock(mutex);
        for (std::int64_t id : changed_vehicles) {
            snapshot_statuses[id] = statuses[id];
        }
        if (coverage_changed) {
            snapshot_coverage = coverage;
        } else {
            for (const auto& direction : changed_directions) {
                snapshot_coverage[direction] = coverage[direction];
            }
        }
        changed_directions.clear();
        if (alerts_changed) {
            snapshot_alerts = alerts;
        }
        snapshot_processed = processed_count;
        changed_vehicles.clear();
        coverage_changed = false;
        alerts_changed = false;
    }

    // --- the worker ---

    std::uint64_t submit(Command command) {
        std::lock_guard lock(queue_mutex);
        queue.push_back(std::move(command));
        queue_cv.notify_one();
        return ++submitted;
    }

    void wait_for(std::uint64_t ticket) {
        std::unique_lock lock(queue_mutex);
        done_cv.wait(lock, [&] { return completed >= ticket; });
        if (!error.empty()) {
            std::string message = std::move(error);
            error.clear();
            throw Error(message);
        }
    }

    void run() {
        for (;;) {
            Command command;
            {
                std::unique_lock lock(queue_mutex);
                queue_cv.wait(lock, [&] { return stopping || !queue.empty(); });
                if (queue.empty()) {
                    break;
                }
                command = std::move(queue.front());
                queue.pop_front();
            }
            std::string failure;
            try {
                switch (command.kind) {
                case Command::Kind::fixes:
                    process_batch(std::move(command.fixes));
                    break;
                case Command::Kind::tick:
                    process_tick(command.now_ms);
                    break;
                case Command::Kind::reload:
                    load_masters();
                    publish_all();
                    break;
                }
            } catch (const std::exception& e) {
                failure = std::string("tracker: ") + e.what();
                new_passes.clear();
                publish_all();
            }
            std::lock_guard lock(queue_mutex);
            if (!failure.empty() && error.empty()) {
                error = std::move(failure);
            }
            ++completed;
            done_cv.notify_all();
        }
        try {
            finish_all();
        } catch (const std::exception&) {
            // The fixes are in the season log: `ykm coverage --rebuild` recovers the passes.
        }
    }

    TrackerSettings settings;
    // Worker state (the constructor fills it before the worker starts).
    data::Project project;
    gis::RoadGraph graph;
    gis::CoordinateTransform to_project;
    std::filesystem::path path;
    std::map<std::int64_t, Live> live;
    std::map<std::int64_t, VehicleStatus> statuses;
    std::map<std::pair<std::int64_t, bool>, SegmentCoverage> coverage;
    std::vector<Alert> alerts;
    std::size_t stored_alerts = 0;
    std::vector<std::size_t> cleared;
    std::map<std::int64_t, Shape> districts;
    std::vector<Shape> geofences;
    std::vector<Pass> new_passes;
    std::vector<std::int64_t> changed_vehicles;
    std::int64_t coverage_since_ms = 0;
    std::uint64_t processed_count = 0;
    bool coverage_changed = false; ///< all of it, after a re-match
    std::vector<std::pair<std::int64_t, bool>> changed_directions;
    bool coverage_reload = false;
    bool alerts_changed = false;

    // The published picture.
    mutable std::mutex mutex;
    std::map<std::int64_t, VehicleStatus> snapshot_statuses;
    std::map<std::pair<std::int64_t, bool>, SegmentCoverage> snapshot_coverage;
    std::vector<Alert> snapshot_alerts;
    std::uint64_t snapshot_processed = 0;

    // The queue.
    std::mutex queue_mutex;
    std::condition_variable queue_cv;
    std::condition_variable done_cv;
    std::deque<Command> queue;
    std::uint64_t submitted = 0;
    std::uint64_t completed = 0;
    bool stopping = false;
    std::string error;

    // track() reads on its own connection.
    std::mutex reader_mutex;
    std::optional<data::Project> reader;
    std::optional<gis::CoordinateTransform> reader_transform;

    std::thread worker;
};

Tracker::Tracker(const std::filesystem::path& project, TrackerSettings settings)
    : m_impl(std::make_unique<Impl>(project, std::move(settings))) {}

Tracker::~Tracker() {
    {
        std::lock_guard lock(m_impl->queue_mutex);
        m_impl->stopping = true;
        m_impl->queue_cv.notify_one();
    }
    m_impl->worker.join();
}

void Tracker::on_fixes(std::span<const data::Fix> fixes) {
    if (fixes.empty()) {
        return;
    }
    Impl::Command command;
    command.fixes.assign(fixes.begin(), fixes.end());
    m_impl->submit(std::move(command));
}

void Tracker::drain() {
    std::uint64_t ticket = 0;
    {
        std::lock_guard lock(m_impl->queue_mutex);
        ticket = m_impl->submitted;
    }
    m_impl->wait_for(ticket);
}

void Tracker::tick(std::int64_t now_ms) {
    Impl::Command command;
    command.kind = Impl::Command::Kind::tick;
    command.now_ms = now_ms;
    m_impl->wait_for(m_impl->submit(std::move(command)));
}

void Tracker::reload() {
    Impl::Command command;
    command.kind = Impl::Command::Kind::reload;
    m_impl->wait_for(m_impl->submit(std::move(command)));
}

std::vector<VehicleStatus> Tracker::vehicles() const {
    std::lock_guard lock(m_impl->mutex);
    std::vector<VehicleStatus> out;
    out.reserve(m_impl->snapshot_statuses.size());
    for (const auto& [id, status] : m_impl->snapshot_statuses) {
        out.push_back(status);
    }
    return out;
}

std::vector<SegmentCoverage> Tracker::coverage() const {
    std::lock_guard lock(m_impl->mutex);
    std::vector<SegmentCoverage> out;
    out.reserve(m_impl->snapshot_coverage.size());
    for (const auto& [key, c] : m_impl->snapshot_coverage) {
        out.push_back(c);
    }
    return out;
}

std::vector<Alert> Tracker::alerts() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->snapshot_alerts;
}

gis::Polyline Tracker::track(std::int64_t vehicle_id, std::int64_t from_ms,
                             std::int64_t to_ms) const {
    std::lock_guard lock(m_impl->reader_mutex);
    if (!m_impl->reader) {
        m_impl->reader.emplace(data::Project::open(m_impl->path, data::OpenMode::read_only));
        m_impl->reader_transform.emplace(gis::wgs84, m_impl->reader->crs());
    }
    data::SeasonLog log(m_impl->reader->database());
    gis::Polyline line;
    for (const data::Fix& f : log.fixes(vehicle_id, from_ms, to_ms)) {
        if ((f.flags & data::fix_flags::speed_jump) == 0) {
            line.push_back({f.position.lon_deg, f.position.lat_deg});
        }
    }
    m_impl->reader_transform->forward(line);
    return line;
}

std::uint64_t Tracker::processed() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->snapshot_processed;
}

} // namespace ykm::dispatch

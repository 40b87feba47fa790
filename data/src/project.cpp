#include "ykm/data/project.hpp"

#include "wkb.hpp"
#include "ykm/gis/error.hpp"

#include <array>
#include <fcntl.h>
#include <random>
#include <unistd.h>

namespace ykm::data {
namespace {

constexpr std::array<const char*, 5> layer_names{"road_segments", "road_nodes", "districts",
                                                 "depots", "dump_sites"};
constexpr std::array<Layer, 5> layers{Layer::road_segments, Layer::road_nodes, Layer::districts,
                                      Layer::depots, Layer::dump_sites};

void create_spatial_index(Database& db, const std::string& table) {
    Statement index(db, "SELECT CreateSpatialIndex(?, 'geom')");
    index.bind(1, table);
    if (!index.step() || index.column_int(0) != 1) {
        throw Error(db.path().string() + ": cannot create the spatial index of " + table);
    }
    // SpatiaLite (re)installs with the index its tm* triggers, which stamp
    // geometry_columns_time on every row written; nothing reads those stamps, and they cost a
    // write per row.
    for (const char* kind : {"tmi", "tmu", "tmd"}) {
        db.exec(std::string("DROP TRIGGER IF EXISTS ") + kind + "_" + table + "_geom");
    }
}

// Replacing every row of spatial tables: dropping their R*Trees and building each once from
// the new rows is several times faster than SpatiaLite's per-row index triggers. Runs inside
// the caller's transaction.
template <typename Fill>
void replace_rows(Database& db, std::initializer_list<const char*> tables, Fill&& fill) {
    for (const char* table : tables) {
        Statement disable(db, "SELECT DisableSpatialIndex(?, 'geom')");
        disable.bind(1, table).run();
        db.exec(std::string("DROP TABLE IF EXISTS idx_") + table + "_geom");
        db.exec(std::string("DELETE FROM ") + table);
    }
    fill();
    for (const char* table : tables) {
        create_spatial_index(db, table);
    }
}

// migrations[v] upgrades a project from schema version v to v + 1. Version 0 is a file with
// SpatiaLite metadata and ykm_meta (holding the CRS) but no layers.
void migrate_0_to_1(Database& db, int srid) {
    const std::string s = std::to_string(srid);
    db.exec(R"sql(
CREATE TABLE road_nodes (
    id INTEGER PRIMARY KEY,
    source_id TEXT
);
CREATE TABLE districts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    code TEXT
);
CREATE TABLE road_segments (
    id INTEGER PRIMARY KEY,
    source_id TEXT,
    name TEXT,
    road_class TEXT,
    priority INTEGER CHECK (priority IN (1, 2, 3)),
    lanes INTEGER,
    width_m REAL,
    oneway INTEGER NOT NULL DEFAULT 0 CHECK (oneway IN (0, 1)),
    sidewalk INTEGER CHECK (sidewalk IN (0, 1)),
    length_m REAL NOT NULL,
    district_id INTEGER REFERENCES districts (id) ON DELETE SET NULL,
    from_node INTEGER NOT NULL REFERENCES road_nodes (id),
    to_node INTEGER NOT NULL REFERENCES road_nodes (id)
);
CREATE INDEX road_segments_district ON road_segments (district_id);
CREATE INDEX road_segments_from ON road_segments (from_node);
CREATE INDEX road_segments_to ON road_segments (to_node);
CREATE TABLE depots (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE dump_sites (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    capacity_m3 REAL CHECK (capacity_m3 IS NULL OR capacity_m3 >= 0)
);
)sql");
    const std::array<std::pair<const char*, const char*>, 5> geometry{{
        {"road_nodes", "POINT"},
        {"districts", "MULTIPOLYGON"},
        {"road_segments", "LINESTRING"},
        {"depots", "POINT"},
        {"dump_sites", "POINT"},
    }};
    for (const auto& [table, type] : geometry) {
        Statement add(db, "SELECT AddGeometryColumn(?, 'geom', ?, ?, 'XY', 1)");
        add.bind(1, table).bind(2, srid).bind(3, type);
        if (!add.step() || add.column_int(0) != 1) {
            throw Error(db.path().string() + ": cannot add the geometry column of " + table +
                        " in EPSG:" + s);
        }
        create_spatial_index(db, table);
    }
}

// Version 2: the fleet (contractors, vehicles), the season log of GPS fixes (a per-row tail and
// sealed delta-encoded blocks), coverage passes, staff-drawn geofences and alerts.
void migrate_1_to_2(Database& db, int srid) {
    db.exec(R"sql(
CREATE TABLE contractors (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT ''
);
CREATE TABLE vehicles (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    machine_type TEXT NOT NULL,
    plate TEXT NOT NULL DEFAULT '',
    plow_width_m REAL NOT NULL CHECK (plow_width_m > 0 AND plow_width_m <= 10),
    contractor_id INTEGER NOT NULL REFERENCES contractors (id),
    device_id TEXT,
    district_id INTEGER REFERENCES districts (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX vehicles_device ON vehicles (device_id) WHERE device_id IS NOT NULL;
CREATE TABLE fix_tail (
    vehicle_id INTEGER NOT NULL,
    time_ms INTEGER NOT NULL,
    fix BLOB NOT NULL,
    PRIMARY KEY (vehicle_id, time_ms)
) WITHOUT ROWID;
CREATE TABLE fix_blocks (
    id INTEGER PRIMARY KEY,
    vehicle_id INTEGER NOT NULL,
    first_ms INTEGER NOT NULL,
    last_ms INTEGER NOT NULL,
    fix_count INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX fix_blocks_vehicle ON fix_blocks (vehicle_id, first_ms);
CREATE INDEX fix_blocks_time ON fix_blocks (first_ms);
CREATE TABLE coverage_passes (
    id INTEGER PRIMARY KEY,
    segment_id INTEGER NOT NULL,
    forward INTEGER NOT NULL CHECK (forward IN (0, 1)),
    vehicle_id INTEGER NOT NULL,
    enter_ms INTEGER NOT NULL,
    time_ms INTEGER NOT NULL,
    work INTEGER NOT NULL,
    blade INTEGER NOT NULL,
    fraction REAL NOT NULL
);
CREATE INDEX coverage_passes_segment ON coverage_passes (segment_id, forward, time_ms);
CREATE INDEX coverage_passes_vehicle ON coverage_passes (vehicle_id, time_ms);
CREATE INDEX coverage_passes_time ON coverage_passes (time_ms);
CREATE TABLE geofences (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    dwell_s INTEGER NOT NULL DEFAULT 60 CHECK (dwell_s >= 0)
);
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    time_ms INTEGER NOT NULL,
    vehicle_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    geofence_id INTEGER,
    detail TEXT NOT NULL DEFAULT '',
    cleared_ms INTEGER
);
CREATE INDEX alerts_time ON alerts (time_ms);
)sql");
    Statement add(db, "SELECT AddGeometryColumn('geofences', 'geom', ?, 'POLYGON', 'XY', 1)");
    add.bind(1, srid);
    if (!add.step() || add.column_int(0) != 1) {
        throw Error(db.path().string() + ": cannot add the geometry column of geofences");
    }
    create_spatial_index(db, "geofences");
}

// Version 3: route plans (a plan, each vehicle's route summary, and every driven step as a line
// that GIS tools open) and turnaround places on the road network (where a plow may turn back).
void migrate_2_to_3(Database& db, int srid) {
    db.exec(R"sql(
ALTER TABLE vehicles ADD COLUMN depot_id INTEGER REFERENCES depots (id) ON DELETE SET NULL;
ALTER TABLE vehicles ADD COLUMN shift_h REAL CHECK (shift_h IS NULL OR (shift_h > 0 AND shift_h <= 24));
ALTER TABLE road_nodes ADD COLUMN turnaround INTEGER NOT NULL DEFAULT 0 CHECK (turnaround IN (0, 1));
CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    district_id INTEGER,
    created_ms INTEGER NOT NULL,
    start_ms INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    request TEXT NOT NULL,
    summary TEXT NOT NULL
);
CREATE TABLE plan_routes (
    plan_id INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    route_index INTEGER NOT NULL,
    vehicle_id INTEGER NOT NULL,
    vehicle_code TEXT NOT NULL,
    services TEXT NOT NULL,
    summary TEXT NOT NULL,
    PRIMARY KEY (plan_id, route_index)
);
CREATE TABLE plan_steps (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    route_index INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('service', 'deadhead', 'site')),
    number INTEGER NOT NULL DEFAULT 0,
    segment_id INTEGER,
    forward INTEGER CHECK (forward IN (0, 1)),
    pass INTEGER NOT NULL DEFAULT 0,
    site INTEGER,
    priority INTEGER NOT NULL DEFAULT 0,
    start_s REAL NOT NULL,
    end_s REAL NOT NULL,
    length_m REAL NOT NULL
);
CREATE INDEX plan_steps_route ON plan_steps (plan_id, route_index, seq);
)sql");
    Statement add(db, "SELECT AddGeometryColumn('plan_steps', 'geom', ?, 'LINESTRING', 'XY')");
    add.bind(1, srid);
    if (!add.step() || add.column_int(0) != 1) {
        throw Error(db.path().string() + ": cannot add the geometry column of plan_steps");
    }
    create_spatial_index(db, "plan_steps");
}

// Version 4: digital work orders (作業指令) with their roads, vehicles and every status change,
// and the append-only, hash-chained audit log of order and master-data changes.
void migrate_3_to_4(Database& db, int /*srid*/) {
    db.exec(R"sql(
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    district_id INTEGER REFERENCES districts (id) ON DELETE SET NULL,
    contractor_id INTEGER NOT NULL REFERENCES contractors (id),
    work_type TEXT NOT NULL,
    plan_id INTEGER REFERENCES plans (id) ON DELETE SET NULL,
    window_start_ms INTEGER NOT NULL,
    window_end_ms INTEGER NOT NULL CHECK (window_end_ms > window_start_ms),
    deadline_ms INTEGER,
    instructions TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('draft', 'issued', 'acknowledged', 'declined',
        'started', 'completed', 'inspected', 'cancelled')),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX orders_status ON orders (status, contractor_id);
CREATE TABLE order_segments (
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    segment_id INTEGER NOT NULL,
    PRIMARY KEY (order_id, segment_id)
) WITHOUT ROWID;
CREATE TABLE order_vehicles (
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    vehicle_id INTEGER NOT NULL REFERENCES vehicles (id),
    PRIMARY KEY (order_id, vehicle_id)
) WITHOUT ROWID;
CREATE TABLE order_events (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    time_ms INTEGER NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('desktop', 'portal', 'phone', 'print', 'cli')),
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX order_events_order ON order_events (order_id, time_ms);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    time_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    channel TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql");
}

// Version 5: dispatch standards (snow stations, observations, per-district thresholds), portal
// accounts and sessions, and files attached to orders (the printed order sheet).
void migrate_4_to_5(Database& db, int srid) {
    db.exec(R"sql(
ALTER TABLE districts ADD COLUMN standard_cm REAL CHECK (standard_cm IS NULL OR standard_cm > 0);
ALTER TABLE districts ADD COLUMN priority_standard_cm REAL
    CHECK (priority_standard_cm IS NULL OR priority_standard_cm > 0);
CREATE TABLE snow_stations (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    district_id INTEGER REFERENCES districts (id) ON DELETE SET NULL
);
CREATE TABLE snow_observations (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES snow_stations (id) ON DELETE CASCADE,
    time_ms INTEGER NOT NULL,
    new_snow_cm REAL NOT NULL CHECK (new_snow_cm >= 0 AND new_snow_cm <= 500),
    depth_cm REAL CHECK (depth_cm IS NULL OR (depth_cm >= 0 AND depth_cm <= 1000)),
    entered_by TEXT NOT NULL,
    source TEXT NOT NULL,
    UNIQUE (station_id, time_ms)
);
CREATE INDEX snow_observations_time ON snow_observations (time_ms);
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('staff', 'supervisor', 'contractor', 'viewer')),
    contractor_id INTEGER REFERENCES contractors (id),
    password_hash TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'ja' CHECK (language IN ('ja', 'en')),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    CHECK ((role = 'contractor') = (contractor_id IS NOT NULL))
);
CREATE TABLE portal_sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL,
    address TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE TABLE order_attachments (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    content BLOB NOT NULL,
    created_ms INTEGER NOT NULL,
    UNIQUE (order_id, name)
);
)sql");
    Statement add(db, "SELECT AddGeometryColumn('snow_stations', 'geom', ?, 'POINT', 'XY', 0)");
    add.bind(1, srid);
    if (!add.step() || add.column_int(0) != 1) {
        throw Error(db.path().string() + ": cannot add the geometry column of snow_stations");
    }
    create_spatial_index(db, "snow_stations");
}

// Version 6: fees (rate tables per machine type, day kind and time band; standby terms; extra
// holidays), daily-report confirmations (staff-confirmed GPS gaps, locked reports), and hourly
// summaries of the coverage passes for replay.
void migrate_5_to_6(Database& db, int /*srid*/) {
    db.exec(R"sql(
CREATE TABLE fee_rates (
    id INTEGER PRIMARY KEY,
    machine_type TEXT NOT NULL,
    day_kind TEXT NOT NULL CHECK (day_kind IN ('weekday', 'holiday')),
    band_start_min INTEGER NOT NULL CHECK (band_start_min >= 0 AND band_start_min < 1440),
    band_end_min INTEGER NOT NULL CHECK (band_end_min > band_start_min AND band_end_min <= 1440),
    yen_per_hour INTEGER NOT NULL CHECK (yen_per_hour >= 0),
    name TEXT NOT NULL DEFAULT '',
    UNIQUE (machine_type, day_kind, band_start_min)
);
CREATE TABLE standby_terms (
    machine_type TEXT PRIMARY KEY NOT NULL,
    standard_hours REAL NOT NULL CHECK (standard_hours >= 0),
    yen_per_hour INTEGER NOT NULL CHECK (yen_per_hour >= 0)
) WITHOUT ROWID;
CREATE TABLE holidays (
    date TEXT PRIMARY KEY NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    name TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE TABLE gap_confirmations (
    id INTEGER PRIMARY KEY,
    vehicle_id INTEGER NOT NULL REFERENCES vehicles (id),
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL CHECK (end_ms > start_ms),
    work INTEGER NOT NULL CHECK (work >= 0 AND work <= 6),
    note TEXT NOT NULL DEFAULT '',
    confirmed_by TEXT NOT NULL,
    confirmed_ms INTEGER NOT NULL,
    UNIQUE (vehicle_id, start_ms)
);
CREATE TABLE report_confirmations (
    id INTEGER PRIMARY KEY,
    vehicle_id INTEGER NOT NULL REFERENCES vehicles (id),
    report_date TEXT NOT NULL,
    shift_start_ms INTEGER NOT NULL,
    content TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    confirmed_by TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('desktop', 'portal', 'cli')),
    confirmed_ms INTEGER NOT NULL,
    UNIQUE (vehicle_id, shift_start_ms)
);
CREATE INDEX report_confirmations_date ON report_confirmations (report_date);
CREATE TRIGGER report_confirmations_no_update BEFORE UPDATE ON report_confirmations
BEGIN SELECT RAISE(ABORT, 'a confirmed daily report is locked'); END;
CREATE TRIGGER report_confirmations_no_delete BEFORE DELETE ON report_confirmations
BEGIN SELECT RAISE(ABORT, 'a confirmed daily report is locked'); END;
CREATE TABLE coverage_hours (
    hour_ms INTEGER PRIMARY KEY,
    data BLOB NOT NULL
);
)sql");
}

// Version 7: indexes that cover what a replay's seek and the daily reports ask of them. The
// coverage passes' time index holds the direction, so the passes of a time range (the current
// hour, an hour's summary) are read from the index alone; their vehicle index holds what a daily
// report takes of a pass, so a vehicle's shift reads no table row; the fix blocks' time index
// holds the block's end, so of the blocks starting in the hour before an instant only those
// reaching it are read.
void migrate_6_to_7(Database& db, int /*srid*/) {
    db.exec(R"sql(
DROP INDEX coverage_passes_time;
CREATE INDEX coverage_passes_time ON coverage_passes (time_ms, segment_id, forward);
DROP INDEX coverage_passes_vehicle;
CREATE INDEX coverage_passes_vehicle
    ON coverage_passes (vehicle_id, time_ms, segment_id, forward, work, blade, fraction);
DROP INDEX fix_blocks_time;
CREATE INDEX fix_blocks_time ON fix_blocks (first_ms, last_ms);
)sql");
}

using Migration = void (*)(Database&, int);
constexpr std::array<Migration, current_schema_version> migrations{
    migrate_0_to_1, migrate_1_to_2, migrate_2_to_3, migrate_3_to_4,
    migrate_4_to_5, migrate_5_to_6, migrate_6_to_7};

void run_migrations(Database& db, int from, int srid) {
    for (int v = from; v < current_schema_version; ++v) {
        migrations[static_cast<std::size_t>(v)](db, srid);
    }
    Statement set(db, "INSERT OR REPLACE INTO ykm_meta (key, value) VALUES ('schema_version', ?)");
    set.bind(1, std::to_string(current_schema_version)).run();
}

std::optional<std::string> read_meta(Database& db, const std::string& key) {
    Statement get(db, "SELECT value FROM ykm_meta WHERE key = ?");
    get.bind(1, key);
    if (!get.step()) {
        return std::nullopt;
    }
    return get.column_text(0);
}

int parse_int(const std::filesystem::path& path, const std::string& key, const std::string& v) {
    try {
        std::size_t used = 0;
        const int n = std::stoi(v, &used);
        if (used == v.size()) {
            return n;
        }
    } catch (const std::exception&) {
    }
    throw Error(path.string() + ": ykm_meta." + key + " is '" + v + "', not a number");
}

void fsync_file(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY);
    if (fd < 0 || ::fsync(fd) != 0) {
        if (fd >= 0) {
            ::close(fd);
        }
        throw Error(file.string() + ": cannot flush to disk");
    }
    ::close(fd);
}

void fsync_directory(const std::filesystem::path& dir) {
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

// A project in WAL mode keeps committed data in PATH-wal until a checkpoint; after a crash or
// kill -9 that file is still there. Renaming a new project over PATH would leave it beside a
// file it does not belong to, and SQLite would apply it to the new file. So the old project is
// checkpointed and taken out of WAL mode first, which SQLite refuses while another program has
// it open.
void settle_write_ahead_log(const std::filesystem::path& path) {
    std::error_code ec;
    const bool wal = std::filesystem::exists(path.string() + "-wal", ec) ||
                     std::filesystem::exists(path.string() + "-shm", ec);
    if (!wal || !std::filesystem::exists(path, ec)) {
        return;
    }
    try {
        Database old(path, OpenMode::read_write);
        old.exec("PRAGMA journal_mode = DELETE");
        old.close();
    } catch (const Error& e) {
        throw Error(path.string() + ": cannot replace it while it is open in another program (" +
                    e.what() + ")");
    }
    for (const char* suffix : {"-wal", "-shm"}) {
        if (std::filesystem::exists(path.string() + suffix, ec)) {
            throw Error(path.string() + ": cannot replace it while it is open in another program");
        }
    }
}

} // namespace

std::string to_string(Layer layer) {
    return layer_names[static_cast<std::size_t>(layer)];
}

Layer parse_layer(const std::string& name) {
    for (std::size_t i = 0; i < layer_names.size(); ++i) {
        if (name == layer_names[i]) {
            return layers[i];
        }
    }
    std::string known;
    for (const char* n : layer_names) {
        known += known.empty() ? n : std::string(", ") + n;
    }
    throw Error("unknown layer '" + name + "' (layers: " + known + ")");
}

std::span<const Layer> all_layers() {
    return layers;
}

Project::Project(Database db, gis::Epsg crs, int schema_version)
    : m_db(std::move(db)), m_crs(crs), m_schema_version(schema_version) {}

Project Project::create(const std::filesystem::path& path, gis::Epsg crs) {
    if (std::filesystem::exists(path)) {
        throw Error(path.string() + ": file exists already");
    }
    (void)gis::crs_name(crs); // refuse a code PROJ does not know before writing anything
    Database db(path, OpenMode::create);
    // Only the CRSs the project uses go into spatial_ref_sys: a full EPSG table is 5 MB.
    // InitSpatialMetadata(1, ...) runs its own transaction, so it comes before ours.
    db.exec("SELECT InitSpatialMetadata(1, 'NONE')");
    Transaction tx(db);
    for (int srid : {crs.code, gis::wgs84.code}) {
        Statement insert(db, "SELECT InsertEpsgSrid(?)");
        insert.bind(1, srid).step();
        Statement check(db, "SELECT count(*) FROM spatial_ref_sys WHERE srid = ?");
        check.bind(1, srid);
        if (!check.step() || check.column_int(0) != 1) {
            throw Error(path.string() + ": SpatiaLite does not know EPSG:" + std::to_string(srid));
        }
    }
    db.exec("CREATE TABLE ykm_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)");
    Statement meta(db, "INSERT INTO ykm_meta (key, value) VALUES (?, ?)");
    meta.bind(1, "crs").bind(2, gis::to_string(crs)).run();
    meta.bind(1, "application").bind(2, "Yukimichi").run();
    run_migrations(db, 0, crs.code);
    tx.commit();
    return Project(std::move(db), crs, current_schema_version);
}

Project Project::open(const std::filesystem::path& path, OpenMode mode) {
    Database db(path, mode == OpenMode::create ? OpenMode::read_write : mode);
    {
        Statement has_meta(db, "SELECT count(*) FROM sqlite_master WHERE name = 'ykm_meta'");
        if (!has_meta.step() || has_meta.column_int(0) == 0) {
            throw Error(path.string() + ": not a Yukimichi project (no ykm_meta table)");
        }
    }
    const auto version_text = read_meta(db, "schema_version");
    const auto crs_text = read_meta(db, "crs");
    if (!version_text || !crs_text) {
        throw Error(path.string() + ": not a Yukimichi project (ykm_meta lacks " +
                    (version_text ? "crs" : "schema_version") + ")");
    }
    const int version = parse_int(path, "schema_version", *version_text);
    const gis::Epsg crs = gis::parse_epsg(*crs_text);
    if (version > current_schema_version) {
        throw Error(path.string() + ": written by a newer Yukimichi (schema version " +
                    std::to_string(version) + "; this version reads up to " +
                    std::to_string(current_schema_version) + ")");
    }
    if (version < current_schema_version) {
        if (mode == OpenMode::read_only) {
            throw Error(path.string() + ": schema version " + std::to_string(version) +
                        " must be upgraded; open it for writing once");
        }
        Transaction tx(db);
        run_migrations(db, version, crs.code);
        tx.commit();
    }
    return Project(std::move(db), crs, current_schema_version);
}

void Project::replace_road_network(const gis::RoadNetwork& network) {
    if (network.crs != m_crs) {
        throw Error(path().string() + ": the road network is in " + gis::to_string(network.crs) +
                    ", the project in " + gis::to_string(m_crs));
    }
    Transaction tx(m_db);
    // Segments go first: they refer to the nodes.
    replace_rows(m_db, {"road_segments", "road_nodes"}, [&] {
        Statement node(m_db, "INSERT INTO road_nodes (id, source_id, geom) VALUES (?, ?, ?)");
        for (const gis::RoadNode& n : network.nodes) {
            node.bind(1, n.id);
            if (n.source_id.empty()) {
                node.bind_null(2);
            } else {
                node.bind(2, n.source_id);
            }
            node.bind_blob(3, spatialite_point(m_crs.code, n.position)).run();
        }
        Statement segment(m_db, "INSERT INTO road_segments (id, source_id, name, road_class, "
                                "priority, lanes, width_m, oneway, sidewalk, length_m, from_node, "
                                "to_node, geom) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        for (const gis::RoadSegment& s : network.segments) {
            const auto& a = s.attributes;
            segment.bind(1, s.id);
            a.source_id.empty() ? segment.bind_null(2) : segment.bind(2, a.source_id);
            a.name.empty() ? segment.bind_null(3) : segment.bind(3, a.name);
            a.road_class.empty() ? segment.bind_null(4) : segment.bind(4, a.road_class);
            a.priority == gis::PriorityClass::none ? segment.bind_null(5)
                                                   : segment.bind(5, gis::to_int(a.priority));
            segment.bind(6, a.lanes).bind(7, a.width_m).bind(8, a.oneway ? 1 : 0);
            a.sidewalk ? segment.bind(9, *a.sidewalk ? 1 : 0) : segment.bind_null(9);
            segment.bind(10, s.length_m).bind(11, s.from_node).bind(12, s.to_node);
            segment.bind_blob(13, spatialite_linestring(m_crs.code, s.points)).run();
        }
    });
    assign_districts();
    tx.commit();
}

void Project::assign_districts() {
    Statement any(m_db, "SELECT EXISTS (SELECT 1 FROM districts)");
    if (any.step() && any.column_int(0) == 0) {
        return; // every district_id is already NULL: rows are written without one
    }
    m_db.exec(R"sql(
UPDATE road_segments SET district_id = (
    SELECT d.id FROM districts AS d
    WHERE MbrContains(d.geom, Line_Interpolate_Point(road_segments.geom, 0.5))
      AND ST_Contains(d.geom, Line_Interpolate_Point(road_segments.geom, 0.5))
    ORDER BY d.id LIMIT 1)
)sql");
}

void Project::replace_districts(std::span<const District> districts) {
    Transaction tx(m_db);
    m_db.exec("UPDATE road_segments SET district_id = NULL WHERE district_id IS NOT NULL");
    // Vehicles keep their district across a replacement when a new district has its code (or,
    // without a code, its name); deleting the rows would otherwise clear them all.
    m_db.exec("DROP TABLE IF EXISTS temp.vehicle_districts; "
              "CREATE TEMP TABLE vehicle_districts AS SELECT v.id AS vehicle_id, d.name AS name, "
              "d.code AS code FROM vehicles v JOIN districts d ON d.id = v.district_id");
    replace_rows(m_db, {"districts"}, [&] {
        Statement insert(m_db, "INSERT INTO districts (name, code, geom) VALUES (?, ?, "
                               "CastToMultiPolygon(GeomFromWKB(?, " +
                                   std::to_string(m_crs.code) + ")))");
        for (const District& d : districts) {
            insert.bind(1, d.name);
            d.code.empty() ? insert.bind_null(2) : insert.bind(2, d.code);
            insert.bind_blob(3, d.wkb);
            try {
                insert.run();
            } catch (const Error& e) {
                throw Error(path().string() + ": district '" + d.name + "': " + e.what());
            }
        }
    });
    Statement invalid(m_db, "SELECT name FROM districts WHERE geom IS NULL LIMIT 1");
    if (invalid.step()) {
        throw Error("district '" + invalid.column_text(0) + "' is not a polygon");
    }
    assign_districts();
    m_db.exec("UPDATE vehicles SET district_id = (SELECT d.id FROM districts d JOIN "
              "temp.vehicle_districts k ON k.vehicle_id = vehicles.id WHERE (k.code IS NOT NULL "
              "AND d.code = k.code) OR (k.code IS NULL AND d.name = k.name) ORDER BY d.id LIMIT 1) "
              "WHERE id IN (SELECT vehicle_id FROM temp.vehicle_districts); "
              "DROP TABLE temp.vehicle_districts");
    tx.commit();
}

void Project::replace_depots(std::span<const Depot> depots) {
    Transaction tx(m_db);
    // Vehicles keep their home depot when a new depot has its name (deleting the rows would
    // otherwise clear them all), as they keep their district.
    m_db.exec("DROP TABLE IF EXISTS temp.vehicle_depots; "
              "CREATE TEMP TABLE vehicle_depots AS SELECT v.id AS vehicle_id, d.name AS name FROM "
              "vehicles v JOIN depots d ON d.id = v.depot_id");
    replace_rows(m_db, {"depots"}, [&] {
        Statement insert(m_db, "INSERT INTO depots (name, geom) VALUES (?, MakePoint(?, ?, " +
                                   std::to_string(m_crs.code) + "))");
        for (const Depot& d : depots) {
            insert.bind(1, d.name).bind(2, d.position.x).bind(3, d.position.y).run();
        }
    });
    m_db.exec("UPDATE vehicles SET depot_id = (SELECT d.id FROM depots d JOIN temp.vehicle_depots "
              "k ON k.vehicle_id = vehicles.id WHERE d.name = k.name ORDER BY d.id LIMIT 1) "
              "WHERE id IN (SELECT vehicle_id FROM temp.vehicle_depots); "
              "DROP TABLE temp.vehicle_depots");
    tx.commit();
}

void Project::replace_dump_sites(std::span<const DumpSite> dump_sites) {
    Transaction tx(m_db);
    replace_rows(m_db, {"dump_sites"}, [&] {
        Statement insert(
            m_db, "INSERT INTO dump_sites (name, capacity_m3, geom) VALUES (?, ?, MakePoint(?, "
                  "?, " +
                      std::to_string(m_crs.code) + "))");
        for (const DumpSite& d : dump_sites) {
            insert.bind(1, d.name)
                .bind(2, d.capacity_m3)
                .bind(3, d.position.x)
                .bind(4, d.position.y)
                .run();
        }
    });
    tx.commit();
}

gis::RoadNetwork Project::load_road_network() {
    gis::RoadNetwork network;
    network.crs = m_crs;
    Statement nodes(m_db, "SELECT id, source_id, X(geom), Y(geom) FROM road_nodes ORDER BY id");
    while (nodes.step()) {
        network.nodes.push_back(gis::RoadNode{nodes.column_int64(0),
                                              {nodes.column_double(2), nodes.column_double(3)},
                                              nodes.column_text(1)});
    }
    Statement segments(m_db, "SELECT id, source_id, name, road_class, priority, lanes, width_m, "
                             "oneway, sidewalk, length_m, from_node, to_node, AsBinary(geom) "
                             "FROM road_segments ORDER BY id");
    while (segments.step()) {
        gis::RoadSegment s;
        s.id = segments.column_int64(0);
        s.attributes.source_id = segments.column_text(1);
        s.attributes.name = segments.column_text(2);
        s.attributes.road_class = segments.column_text(3);
        s.attributes.priority = static_cast<gis::PriorityClass>(segments.column_int(4));
        if (auto lanes = segments.column_optional_int64(5)) {
            s.attributes.lanes = static_cast<int>(*lanes);
        }
        s.attributes.width_m = segments.column_optional_double(6);
        s.attributes.oneway = segments.column_int(7) != 0;
        if (auto sidewalk = segments.column_optional_int64(8)) {
            s.attributes.sidewalk = *sidewalk != 0;
        }
        s.length_m = segments.column_double(9);
        s.from_node = segments.column_int64(10);
        s.to_node = segments.column_int64(11);
        s.points = parse_linestring_wkb(segments.column_blob(12));
        network.segments.push_back(std::move(s));
    }
    return network;
}

void Project::set_metadata(const std::string& key, const std::string& value) {
    Statement set(m_db, "INSERT OR REPLACE INTO ykm_meta (key, value) VALUES (?, ?)");
    set.bind(1, key).bind(2, value).run();
}

std::optional<std::string> Project::metadata(const std::string& key) {
    return read_meta(m_db, key);
}

ProjectInfo Project::info() {
    ProjectInfo info;
    info.schema_version = m_schema_version;
    info.crs = m_crs;
    info.crs_name = gis::crs_name(m_crs);
    {
        Statement counts(m_db, "SELECT (SELECT count(*) FROM road_segments), "
                               "(SELECT count(*) FROM road_nodes), "
                               "(SELECT count(*) FROM depots), (SELECT count(*) FROM dump_sites)");
        counts.step();
        info.segment_count = counts.column_int64(0);
        info.node_count = counts.column_int64(1);
        info.depot_count = counts.column_int64(2);
        info.dump_site_count = counts.column_int64(3);
    }
    info.extent = gis::Box::empty();
    info.extent_lonlat = gis::Box::empty();
    {
        Statement extent(m_db, "SELECT MbrMinX(e), MbrMinY(e), MbrMaxX(e), MbrMaxY(e) FROM "
                               "(SELECT Extent(geom) AS e FROM road_segments) WHERE e IS NOT NULL");
        if (extent.step()) {
            info.extent = {extent.column_double(0), extent.column_double(1),
                           extent.column_double(2), extent.column_double(3)};
            gis::CoordinateTransform to_lonlat(m_crs, gis::wgs84);
            for (gis::XY corner : {gis::XY{info.extent.min_x, info.extent.min_y},
                                   gis::XY{info.extent.max_x, info.extent.min_y},
                                   gis::XY{info.extent.min_x, info.extent.max_y},
                                   gis::XY{info.extent.max_x, info.extent.max_y}}) {
                info.extent_lonlat.extend(to_lonlat.forward(corner));
            }
        }
    }
    {
        Statement km(m_db, "SELECT coalesce(priority, 0), sum(length_m) / 1000.0 FROM "
                           "road_segments GROUP BY 1 ORDER BY 1");
        while (km.step()) {
            info.km_by_priority[km.column_int(0)] = km.column_double(1);
        }
    }
    {
        Statement districts(m_db, "SELECT d.id, d.name, count(s.id), "
                                  "coalesce(sum(s.length_m), 0) / 1000.0 FROM districts AS d "
                                  "LEFT JOIN road_segments AS s ON s.district_id = d.id "
                                  "GROUP BY d.id ORDER BY d.id");
        while (districts.step()) {
            info.districts.push_back({districts.column_int64(0), districts.column_text(1),
                                      districts.column_int64(2), districts.column_double(3)});
        }
    }
    {
        Statement meta(m_db, "SELECT key, value FROM ykm_meta ORDER BY key");
        while (meta.step()) {
            info.metadata[meta.column_text(0)] = meta.column_text(1);
        }
    }
    return info;
}

void create_project_atomically(const std::filesystem::path& path, gis::Epsg crs, bool overwrite,
                               const std::function<void(Project&)>& fill) {
    if (!overwrite && std::filesystem::exists(path)) {
        throw Error(path.string() + ": file exists already (use --overwrite to replace it)");
    }
    std::random_device random;
    // A hidden name beside the target, so the rename stays within one file system.
    std::string name = ".";
    name += path.filename().string();
    name += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(random());
    const std::filesystem::path temp = path.parent_path() / name;
    auto remove_temp = [&temp] {
        std::error_code ignored;
        for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
            std::filesystem::remove(temp.string() + suffix, ignored);
        }
    };
    try {
        Project project = [&] {
            try {
                return Project::create(temp, crs);
            } catch (const Error& e) {
                const std::string folder =
                    path.parent_path().empty() ? "." : path.parent_path().string();
                throw Error(path.string() + ": cannot write the project in " + folder + " (" +
                            e.what() + ")");
            }
        }();
        // The temporary file needs no journal: on any failure it is deleted, never used.
        project.database().exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                                "PRAGMA cache_size = -262144");
        fill(project);
        project.database().exec("PRAGMA journal_mode = DELETE");
        project.close();
        fsync_file(temp);
        settle_write_ahead_log(path);
        std::filesystem::rename(temp, path);
        fsync_directory(path.parent_path());
    } catch (...) {
        remove_temp();
        throw;
    }
}

} // namespace ykm::data

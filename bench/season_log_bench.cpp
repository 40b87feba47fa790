// Season log benchmark: bytes per fix, append speed and two queries of the block store
// (ykm::data::SeasonLog) against a plain row-per-fix SQLite table in the same SQLite build.
//
//   bench_season_log [--vehicles N] [--hours H] [--batch-seconds S] [--queries Q] [--dir DIR]
//
// A synthetic night of N plows reporting at 1 Hz for H hours (town-grid plowing at 3-6 m/s with
// turns, stops and travel legs; phone-grade GPS noise; speed, bearing, altitude, accuracy,
// battery, work and blade on every fix; about 1 % of the fixes buffered through coverage gaps
// of 1-5 minutes and delivered late). Each batch (S seconds of every vehicle, like the ingest
// server's group commits) goes to both stores, the SeasonLog first, timed separately; both files
// are in WAL mode with synchronous=FULL. Then it seals the log, checkpoints both files and
// times Q queries of each kind with warm caches.

#include "ykm/data/database.hpp"
#include "ykm/data/project.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/gis/error.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <numbers>
#include <random>
#include <string>
#include <vector>

using namespace ykm;
using namespace ykm::data;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

constexpr std::int64_t night_ms = 1'768'478'400'000; // 2026-01-15 21:00 JST

/// One simulated plow: a random walk over a town grid of 80-300 m blocks.
class Plow {
public:
    Plow(std::int64_t vehicle_id, std::uint64_t seed) : m_id(vehicle_id), m_rng(seed) {
        m_x = 6000.0 * uniform();
        m_y = 6000.0 * uniform();
        m_heading = 90.0 * std::floor(4.0 * uniform());
        m_target_heading = m_heading;
        m_offset_ms = static_cast<std::int64_t>(1000.0 * uniform());
        m_battery = 60 + static_cast<int>(40.0 * uniform());
    }

    /// The fix of second `second`; std::nullopt while the vehicle is in a coverage gap (the fix
    /// is buffered and comes out later from take_late()).
    std::optional<Fix> step(std::int64_t second) {
        move();
        Fix f = report(night_ms + second * 1000 + m_offset_ms);
        if (m_gap_left > 0) {
            --m_gap_left;
            m_buffer.push_back(f);
            return std::nullopt;
        }
        if (uniform() < 1.0 / 15'000.0) { // a gap of 1-5 min about every 4 h
            m_gap_left = 60 + static_cast<int>(240.0 * uniform());
        }
        return f;
    }

    std::vector<Fix> take_late() {
        std::vector<Fix> late;
        if (m_gap_left == 0 && !m_buffer.empty()) {
            late.swap(m_buffer);
            for (Fix& f : late) {
                f.flags |= fix_flags::late;
            }
        }
        return late;
    }

private:
    double uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(m_rng); }
    double normal() { return std::normal_distribution<double>(0.0, 1.0)(m_rng); }

    void move() {
        if (m_stop_left > 0.0) {
            m_stop_left -= 1.0;
            m_speed = std::max(0.0, m_speed - 1.5);
        } else {
            m_speed += std::clamp(m_target_speed - m_speed, -0.6, 0.4);
        }
        m_heading += std::clamp(m_target_heading - m_heading, -15.0, 15.0);
        const double rad = m_heading * std::numbers::pi / 180.0;
        m_x += m_speed * std::sin(rad);
        m_y += m_speed * std::cos(rad);
        m_distance += m_speed;
        m_leg_left -= m_speed;
        if (m_leg_left <= 0.0) {
            m_leg_left = 80.0 + 220.0 * uniform();
            const double turn = uniform();
            m_target_heading += turn < 0.35 ? 90.0 : turn < 0.7 ? -90.0 : 0.0;
            if (uniform() < 0.25) {
                m_stop_left = 5.0 + 35.0 * uniform();
            }
            m_travel = uniform() < 0.1;
            m_target_speed = m_travel ? 8.0 + 2.0 * uniform() : 3.0 + 3.0 * uniform();
        }
        m_ex = 0.97 * m_ex + 0.35 * normal();
        m_ey = 0.97 * m_ey + 0.35 * normal();
        m_ealt = 0.95 * m_ealt + 0.3 * normal();
        if (m_speed > 0.5) {
            m_bearing = std::fmod(m_heading + 2.0 * normal() + 720.0, 360.0);
        }
        if (uniform() < 0.05) {
            m_accuracy = std::clamp(m_accuracy + (uniform() < 0.5 ? -0.5 : 0.7), 2.0, 12.0);
        }
        if (++m_seconds % 300 == 0 && m_battery > 5) {
            --m_battery;
        }
    }

    Fix report(std::int64_t time_ms) {
        const double lat0 = 40.82;
        Fix f;
        f.vehicle_id = m_id;
        f.time_ms = time_ms;
        f.position = {140.70 + (m_x + m_ex) / (111'320.0 * std::cos(lat0 * std::numbers::pi / 180)),
                      lat0 + (m_y + m_ey) / 111'040.0};
        f.speed_mps = std::max(0.0, m_speed + 0.15 * normal());
        f.bearing_deg = m_bearing;
        f.altitude_m = 35.0 + 4.0 * std::sin(m_distance / 400.0) + m_ealt;
        f.accuracy_m = m_accuracy;
        f.battery_pct = m_battery;
        f.work = m_travel ? WorkType::travel : WorkType::plow;
        f.blade = m_travel ? Blade::up : Blade::down;
        return f;
    }

    std::int64_t m_id;
    std::mt19937_64 m_rng;
    double m_x = 0, m_y = 0, m_heading = 0, m_target_heading = 0, m_speed = 0;
    double m_target_speed = 4.5, m_leg_left = 150, m_stop_left = 0, m_distance = 0;
    double m_ex = 0, m_ey = 0, m_ealt = 0, m_accuracy = 4.0, m_bearing = 0;
    bool m_travel = false;
    int m_battery = 90;
    std::int64_t m_seconds = 0;
    std::int64_t m_offset_ms = 0;
    int m_gap_left = 0;
    std::vector<Fix> m_buffer;
};

/// The comparison: one row per fix with an index on (vehicle, time).
class PlainTable {
public:
    explicit PlainTable(const std::filesystem::path& path) : m_db(path, OpenMode::create) {
        m_db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL");
        m_db.exec(R"sql(
CREATE TABLE fixes (
    vehicle_id INTEGER NOT NULL,
    time_ms INTEGER NOT NULL,
    lon REAL NOT NULL,
    lat REAL NOT NULL,
    speed REAL,
    bearing REAL,
    altitude REAL,
    accuracy REAL,
    battery INTEGER,
    work INTEGER NOT NULL,
    blade INTEGER NOT NULL,
    flags INTEGER NOT NULL
);
CREATE UNIQUE INDEX fixes_vehicle_time ON fixes (vehicle_id, time_ms);
)sql");
        m_insert.emplace(m_db, "INSERT OR IGNORE INTO fixes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                               "?, ?, ?)");
    }

    void append(const std::vector<Fix>& fixes) {
        Transaction tx(m_db);
        Statement& s = *m_insert;
        for (const Fix& f : fixes) {
            s.bind(1, f.vehicle_id)
                .bind(2, f.time_ms)
                .bind(3, f.position.lon_deg)
                .bind(4, f.position.lat_deg)
                .bind(5, f.speed_mps)
                .bind(6, f.bearing_deg)
                .bind(7, f.altitude_m)
                .bind(8, f.accuracy_m)
                .bind(9, f.battery_pct ? std::optional<std::int64_t>(*f.battery_pct) : std::nullopt)
                .bind(10, static_cast<int>(f.work))
                .bind(11, static_cast<int>(f.blade))
                .bind(12, static_cast<int>(f.flags))
                .run();
        }
        tx.commit();
    }

    static Fix read(const Statement& s) {
        Fix f;
        f.vehicle_id = s.column_int64(0);
        f.time_ms = s.column_int64(1);
        f.position = {s.column_double(2), s.column_double(3)};
        f.speed_mps = s.column_optional_double(4);
        f.bearing_deg = s.column_optional_double(5);
        f.altitude_m = s.column_optional_double(6);
        f.accuracy_m = s.column_optional_double(7);
        if (auto b = s.column_optional_int64(8)) {
            f.battery_pct = static_cast<int>(*b);
        }
        f.work = static_cast<WorkType>(s.column_int(9));
        f.blade = static_cast<Blade>(s.column_int(10));
        f.flags = static_cast<std::uint8_t>(s.column_int(11));
        return f;
    }

    std::vector<Fix> fixes(std::int64_t vehicle_id, std::int64_t from_ms, std::int64_t to_ms) {
        Statement s(m_db, "SELECT * FROM fixes WHERE vehicle_id = ? AND time_ms >= ? AND "
                          "time_ms < ? ORDER BY time_ms");
        s.bind(1, vehicle_id).bind(2, from_ms).bind(3, to_ms);
        std::vector<Fix> out;
        while (s.step()) {
            out.push_back(read(s));
        }
        return out;
    }

    /// The best a row table does with an index on (vehicle, time): one probe per vehicle.
    std::vector<Fix> at(std::int64_t time_ms, std::int64_t max_age_ms, std::int64_t vehicles) {
        Statement s(m_db, "SELECT * FROM fixes WHERE vehicle_id = ? AND time_ms <= ? AND "
                          "time_ms >= ? ORDER BY time_ms DESC LIMIT 1");
        std::vector<Fix> out;
        for (std::int64_t v = 1; v <= vehicles; ++v) {
            s.bind(1, v).bind(2, time_ms).bind(3, time_ms - max_age_ms);
            if (s.step()) {
                out.push_back(read(s));
            }
            s.reset();
        }
        return out;
    }

    Database& db() { return m_db; }
    void close() {
        m_insert.reset();
        m_db.close();
    }

private:
    Database m_db;
    std::optional<Statement> m_insert;
};

std::int64_t query_int(Database& db, const std::string& sql) {
    Statement s(db, sql);
    return s.step() ? s.column_int64(0) : 0;
}

/// Bytes of the file's used pages (page count less free pages) after a checkpoint.
std::int64_t file_bytes(Database& db) {
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return (query_int(db, "PRAGMA page_count") - query_int(db, "PRAGMA freelist_count")) *
           query_int(db, "PRAGMA page_size");
}

std::int64_t table_bytes(Database& db, const std::string& names) {
    return query_int(db,
                     "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN (" + names + ")");
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

long parse_option(int argc, char** argv, int& i) {
    if (i + 1 >= argc) {
        std::fprintf(stderr, "bench_season_log: %s needs a value\n", argv[i]);
        std::exit(2);
    }
    char* end = nullptr;
    const long value = std::strtol(argv[++i], &end, 10);
    if (*end != '\0' || value <= 0) {
        std::fprintf(stderr, "bench_season_log: %s '%s' is not a positive number\n", argv[i - 1],
                     argv[i]);
        std::exit(2);
    }
    return value;
}

} // namespace

int main(int argc, char** argv) {
    long vehicles = 200;
    long hours = 1;
    long batch_seconds = 10;
    long queries = 100;
    std::filesystem::path dir;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--vehicles") {
            vehicles = parse_option(argc, argv, i);
        } else if (arg == "--hours") {
            hours = parse_option(argc, argv, i);
        } else if (arg == "--batch-seconds") {
            batch_seconds = parse_option(argc, argv, i);
        } else if (arg == "--queries") {
            queries = parse_option(argc, argv, i);
        } else if (arg == "--dir" && i + 1 < argc) {
            dir = argv[++i];
        } else {
            std::fprintf(stderr, "usage: bench_season_log [--vehicles N] [--hours H] "
                                 "[--batch-seconds S] [--queries Q] [--dir DIR]\n");
            return 2;
        }
    }
    const bool temporary = dir.empty();
    if (temporary) {
        dir = std::filesystem::temp_directory_path() /
              ("ykm-season-bench-" + std::to_string(std::random_device()()));
    }
    std::filesystem::create_directories(dir);
    const auto log_path = dir / "season.ykm";
    const auto plain_path = dir / "plain.sqlite";
    for (const auto& p : {log_path, plain_path}) {
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::filesystem::remove(p.string() + suffix);
        }
    }
    try {
        Project project = Project::create(log_path, gis::Epsg{6678});
        SeasonLog::open_for_logging(project.database());
        SeasonLog log(project.database());
        PlainTable plain(plain_path);
        const std::int64_t empty_project_bytes = file_bytes(project.database());

        std::vector<Plow> plows;
        for (long v = 1; v <= vehicles; ++v) {
            plows.emplace_back(v, static_cast<std::uint64_t>(v) * 7919U);
        }
        const std::int64_t total_seconds = hours * 3600;
        double log_s = 0.0;
        double plain_s = 0.0;
        std::int64_t fixes = 0;
        std::int64_t late = 0;
        std::int64_t batches = 0;
        std::vector<Fix> batch;
        for (std::int64_t s0 = 0; s0 < total_seconds; s0 += batch_seconds) {
            batch.clear();
            for (std::int64_t s = s0; s < std::min(total_seconds, s0 + batch_seconds); ++s) {
                for (Plow& p : plows) {
                    if (auto f = p.step(s)) {
                        batch.push_back(*f);
                    }
                    for (const Fix& f : p.take_late()) {
                        batch.push_back(f);
                        ++late;
                    }
                }
            }
            fixes += static_cast<std::int64_t>(batch.size());
            ++batches;
            auto start = Clock::now();
            const AppendResult r = log.append(batch);
            log_s += seconds_since(start);
            if (r.stored != batch.size()) {
                throw Error("the season log stored " + std::to_string(r.stored) + " of " +
                            std::to_string(batch.size()) + " fixes");
            }
            start = Clock::now();
            plain.append(batch);
            plain_s += seconds_since(start);
        }
        const std::int64_t tail_before_seal = log.stats().tail_count;
        auto start = Clock::now();
        log.seal_all();
        const double seal_s = seconds_since(start);

        const SeasonLogStats stats = log.stats();
        const std::int64_t log_table = stats.stored_bytes;
        const std::int64_t plain_table = table_bytes(plain.db(), "'fixes', 'fixes_vehicle_time'");
        const std::int64_t log_file = file_bytes(project.database()) - empty_project_bytes;
        const std::int64_t plain_file = file_bytes(plain.db());
        if (stats.fix_count != fixes ||
            query_int(plain.db(), "SELECT count(*) FROM fixes") != fixes) {
            throw Error("the stores hold different numbers of fixes");
        }

        // Queries on warm caches: one run of each first, then timed runs at random places.
        std::mt19937_64 rng(99);
        const std::int64_t hour = 3'600'000;
        std::uniform_int_distribution<std::int64_t> vehicle(1, vehicles);
        std::uniform_int_distribution<std::int64_t> when(
            night_ms, night_ms + std::max<std::int64_t>(total_seconds * 1000 - hour, 0));
        std::vector<double> log_track, plain_track, log_at, plain_at;
        std::size_t track_fixes = 0;
        std::size_t at_fixes = 0;
        (void)log.fixes(1, night_ms, night_ms + hour);
        (void)plain.fixes(1, night_ms, night_ms + hour);
        for (long q = 0; q < queries; ++q) {
            const std::int64_t v = vehicle(rng);
            const std::int64_t t = when(rng);
            start = Clock::now();
            const std::vector<Fix> a = log.fixes(v, t, t + hour);
            log_track.push_back(seconds_since(start) * 1e3);
            start = Clock::now();
            const std::vector<Fix> b = plain.fixes(v, t, t + hour);
            plain_track.push_back(seconds_since(start) * 1e3);
            if (a.size() != b.size()) {
                throw Error("fixes of vehicle " + std::to_string(v) + ": the stores differ");
            }
            track_fixes += a.size();
            const std::int64_t at_time = t + hour / 2;
            start = Clock::now();
            const std::vector<Fix> c = log.at(at_time, 600'000);
            log_at.push_back(seconds_since(start) * 1e3);
            start = Clock::now();
            const std::vector<Fix> d = plain.at(at_time, 600'000, vehicles);
            plain_at.push_back(seconds_since(start) * 1e3);
            if (c.size() != d.size()) {
                throw Error("fleet at a time: the stores differ");
            }
            at_fixes += c.size();
        }

        const auto per_fix = [&](std::int64_t bytes) {
            return static_cast<double>(bytes) / static_cast<double>(fixes);
        };
        std::printf("season log benchmark: %ld vehicles x 1 Hz x %ld h = %lld fixes (%lld late), "
                    "%lld batches of %ld s\n",
                    vehicles, hours, static_cast<long long>(fixes), static_cast<long long>(late),
                    static_cast<long long>(batches), batch_seconds);
        std::printf("season log: %lld blocks, %lld fixes left in the tail before seal_all "
                    "(%.2f s)\n",
                    static_cast<long long>(stats.block_count),
                    static_cast<long long>(tail_before_seal), seal_s);
        std::printf("%-34s %14s %14s %8s\n", "", "season log", "plain table", "ratio");
        auto row = [](const char* what, double a, double b, const char* format) {
            std::printf("%-34s ", what);
            std::printf(format, a);
            std::printf(" ");
            std::printf(format, b);
            std::printf(" %8.3f\n", a / b);
        };
        row("bytes/fix, tables and indexes", per_fix(log_table), per_fix(plain_table), "%14.2f");
        row("bytes/fix, file growth", per_fix(log_file), per_fix(plain_file), "%14.2f");
        row("append, fixes/s", static_cast<double>(fixes) / log_s,
            static_cast<double>(fixes) / plain_s, "%14.0f");
        row("fixes of a vehicle over 1 h, ms", median(log_track), median(plain_track), "%14.3f");
        row("all vehicles at T, ms", median(log_at), median(plain_at), "%14.3f");
        std::printf("(query times: medians of %ld runs; %.0f fixes per 1 h track, %.0f vehicles "
                    "per snapshot on average)\n",
                    queries, static_cast<double>(track_fixes) / static_cast<double>(queries),
                    static_cast<double>(at_fixes) / static_cast<double>(queries));
        plain.close();
        project.close();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_season_log: %s\n", e.what());
        return 1;
    }
    if (temporary) {
        std::filesystem::remove_all(dir);
    }
    return 0;
}

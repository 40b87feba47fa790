#pragma once

#include "ykm/data/database.hpp"
#include "ykm/gis/geometry.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ykm::data {

/// What a machine was doing when it sent a fix, as its terminal's switch reports it.
enum class WorkType : std::uint8_t {
    unknown = 0,
    plow = 1,   ///< 新雪除雪
    grade = 2,  ///< 路面整正
    widen = 3,  ///< 拡幅除雪
    haul = 4,   ///< 運搬排雪
    spread = 5, ///< 凍結防止剤散布
    travel = 6, ///< 回送 (driving without working)
};

/// "plow", "grade", ...; "unknown".
std::string_view key(WorkType work);
/// 新雪除雪, 路面整正, ...; 不明 for unknown.
std::string_view japanese_name(WorkType work);
/// Parses a key; std::nullopt when it is not one.
std::optional<WorkType> parse_work_type(std::string_view text);
/// True for the types that clear a road (everything but unknown and travel).
bool is_service(WorkType work);

/// The plow blade switch, where the terminal has one.
enum class Blade : std::uint8_t { unknown = 0, up = 1, down = 2 };

/// "up", "down"; "" for unknown (as the OsmAnd `blade` parameter and the CSV files write it).
std::string_view key(Blade blade);

/// Flags kept with a stored fix.
namespace fix_flags {
inline constexpr std::uint8_t speed_jump = 1; ///< implausible jump from the previous fix: kept
                                              ///< in the log, ignored by matching
inline constexpr std::uint8_t late = 2;       ///< arrived after newer fixes of its vehicle
inline constexpr std::uint8_t imported = 4;   ///< from a logger file, not live
} // namespace fix_flags

/// One position of one vehicle. Positions are WGS 84; stored to 1e-7 degrees (about 1 cm),
/// times to the millisecond, speed to 0.01 m/s, bearing to 0.1 degree (normalised to [0, 360)),
/// altitude and accuracy to 0.1 m.
struct Fix {
    std::int64_t vehicle_id = 0;
    std::int64_t time_ms = 0; ///< Unix time, milliseconds, UTC
    gis::LonLat position;
    std::optional<double> speed_mps;
    std::optional<double> bearing_deg; ///< 0 = north, clockwise
    std::optional<double> altitude_m;
    std::optional<double> accuracy_m;
    std::optional<int> battery_pct;
    WorkType work = WorkType::unknown;
    Blade blade = Blade::unknown;
    std::uint8_t flags = 0;
    friend bool operator==(const Fix&, const Fix&) = default;
};

/// What append() did.
struct AppendResult {
    std::size_t stored = 0;     ///< new fixes written
    std::size_t duplicates = 0; ///< fixes already in the log (same vehicle and time) skipped
};

/// Storage figures for `ykm info` and the benchmarks.
struct SeasonLogStats {
    std::int64_t fix_count = 0;
    std::int64_t block_count = 0;
    std::int64_t tail_count = 0;   ///< fixes not yet sealed into blocks
    std::int64_t stored_bytes = 0; ///< bytes of the season-log tables and their indexes
};

/// The season log: an append-only store of every fix of the season in the project file.
///
/// Fixes first land in a small per-row tail table; once a vehicle has enough of them they are
/// sealed into delta-encoded blocks (one row per vehicle and up to block_fixes fixes or
/// block_span_ms of time), which is what keeps a season near 10 bytes a fix. Queries merge both.
/// The project must be in WAL mode with synchronous=FULL (open_for_logging() sets it), so a
/// committed append survives a crash or power cut.
class SeasonLog {
public:
    static constexpr std::size_t block_fixes = 256;
    static constexpr std::int64_t block_span_ms = 3'600'000;

    /// Works on `db` (a project of schema version 2 or later), which must outlive it.
    explicit SeasonLog(Database& db);

    /// Switches the project to WAL with synchronous=FULL; returns the connection's settings
    /// unchanged otherwise. Call once per connection that appends.
    static void open_for_logging(Database& db);

    /// Appends fixes in one transaction; when it returns they are durable. Fixes equal in
    /// vehicle and time to one already stored (or earlier in `fixes`) are skipped as duplicates.
    /// Fixes may come in any order and late. Seals full tails into blocks in the same
    /// transaction. Throws ykm::Error naming the vehicle, time and field of a value that cannot
    /// be stored (a longitude outside ±180, a NaN speed, ...); then nothing is written. Meant for
    /// one SeasonLog per appending connection.
    AppendResult append(std::span<const Fix> fixes);

    /// Fixes of `vehicle_id` with from_ms <= time_ms < to_ms, ordered by time.
    [[nodiscard]] std::vector<Fix> fixes(std::int64_t vehicle_id, std::int64_t from_ms,
                                         std::int64_t to_ms);
    /// For every vehicle, its last fix at or before `time_ms` and not older than `max_age_ms`,
    /// ordered by vehicle id.
    [[nodiscard]] std::vector<Fix> at(std::int64_t time_ms, std::int64_t max_age_ms);
    /// All fixes with from_ms <= time_ms < to_ms, ordered by vehicle then time.
    [[nodiscard]] std::vector<Fix> range(std::int64_t from_ms, std::int64_t to_ms);
    /// The same by vehicle: every vehicle with fixes in [from_ms, to_ms) and its fixes there,
    /// ordered by time. One pass over the time index of the blocks and the tail, not a query per
    /// vehicle (a replay's seek reads the whole fleet around T with it).
    [[nodiscard]] std::unordered_map<std::int64_t, std::vector<Fix>>
    range_by_vehicle(std::int64_t from_ms, std::int64_t to_ms);
    /// The last fix of `vehicle_id` before `time_ms` whose flags share no bit with
    /// `skip_flags` (e.g. fix_flags::speed_jump), if any.
    [[nodiscard]] std::optional<Fix> last_before(std::int64_t vehicle_id, std::int64_t time_ms,
                                                 std::uint8_t skip_flags = 0);
    /// The first and last stored fix time, if the log holds any. Reads index entries and at
    /// most the blocks that start within block_span_ms of the latest start, not the whole log.
    [[nodiscard]] std::optional<std::pair<std::int64_t, std::int64_t>> extent();
    /// Every vehicle with fixes in the log, ordered by id (one index seek per vehicle).
    [[nodiscard]] std::vector<std::int64_t> vehicles();
    /// The vehicles with fixes in [from_ms, to_ms), ordered by id. A vehicle with a block that
    /// spans the interval without a fix inside it (a silence within one block) is included
    /// too: callers that need a fix inside read the vehicle's fixes.
    [[nodiscard]] std::vector<std::int64_t> vehicles(std::int64_t from_ms, std::int64_t to_ms);
    /// The last stored fix time of a vehicle, if any.
    [[nodiscard]] std::optional<std::int64_t> last_time(std::int64_t vehicle_id);

    /// Seals every tail into blocks (at shutdown, before measuring size).
    void seal_all();

    /// Counts and sizes. stored_bytes is the pages of fix_tail, fix_blocks and its indexes as
    /// SQLite's dbstat table reports them (page size times pages, free space in pages
    /// included); where SQLite lacks dbstat it is estimated from the BLOB lengths plus 64 bytes
    /// a block and 24 a tail row. Reads every block row.
    [[nodiscard]] SeasonLogStats stats();

private:
    /// What the log knows of one vehicle, loaded lazily and dropped when another connection
    /// commits (PRAGMA data_version).
    struct VehicleCache {
        /// Last time stored: a fix newer than it cannot be a duplicate.
        std::optional<std::int64_t> last_ms;
        std::int64_t tail_count = 0; ///< rows in fix_tail
        std::int64_t tail_first_ms = 0;
        std::int64_t tail_last_ms = 0;
    };
    /// Drops the caches when another connection has written since this one last looked.
    void refresh_caches();
    VehicleCache load_cache(std::int64_t vehicle_id);
    /// Seals the vehicle's tail into blocks: the complete ones, or with `everything` all of it.
    void seal(std::int64_t vehicle_id, bool everything, VehicleCache& cache);

    Database& m_db;
    std::unordered_map<std::int64_t, VehicleCache> m_vehicles;
    std::int64_t m_data_version = -1;
};

/// Encodes fixes of one vehicle, ordered by time, into a block (exposed for tests and
/// benchmarks).
std::vector<std::uint8_t> encode_fix_block(std::span<const Fix> fixes);
/// Decodes a block; `vehicle_id` fills Fix::vehicle_id. Throws ykm::Error on a corrupt block.
std::vector<Fix> decode_fix_block(std::span<const std::uint8_t> block, std::int64_t vehicle_id);

} // namespace ykm::data

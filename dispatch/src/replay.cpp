#include "ykm/dispatch/replay.hpp"

#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <future>
#include <limits>
#include <numbers>
#include <unordered_map>
#include <utility>

namespace ykm::dispatch {
namespace {

constexpr std::uint8_t summary_version = 1;

std::string hour_text(std::int64_t hour_ms) {
    return "coverage summary of hour " + std::to_string(hour_ms);
}

void put_varint(std::vector<std::uint8_t>& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(v));
}

std::uint64_t get_varint(std::span<const std::uint8_t> data, std::size_t& at,
                         std::int64_t hour_ms) {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (at >= data.size()) {
            throw Error(hour_text(hour_ms) + " is truncated");
        }
        const std::uint8_t byte = data[at++];
        v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
        if ((byte & 0x80) == 0) {
            return v;
        }
    }
    throw Error(hour_text(hour_ms) + " is corrupt: a number runs over 64 bits");
}

std::int64_t saturating_sub(std::int64_t a, std::int64_t b) {
    return a < std::numeric_limits<std::int64_t>::min() + b
               ? std::numeric_limits<std::int64_t>::min()
               : a - b;
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
    return a > std::numeric_limits<std::int64_t>::max() - b
               ? std::numeric_limits<std::int64_t>::max()
               : a + b;
}

bool connection_may_write(data::Database& db) {
    return sqlite3_db_readonly(db.handle(), "main") == 0;
}

std::int64_t data_version(data::Database& db) {
    data::Statement version(db, "PRAGMA data_version");
    return version.step() ? version.column_int64(0) : 0;
}

bool is_jump(const data::Fix& f) {
    return (f.flags & data::fix_flags::speed_jump) != 0;
}

/// A compass bearing (0 = north, clockwise) of the move from `a` to `b` in a projected CRS.
std::optional<double> bearing_of(gis::XY a, gis::XY b) {
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    if (std::hypot(dx, dy) < 0.5) {
        return std::nullopt;
    }
    const double deg = std::atan2(dx, dy) * 180.0 / std::numbers::pi;
    return deg < 0.0 ? deg + 360.0 : deg;
}

} // namespace

// --- summaries -------------------------------------------------------------------------------

std::int64_t coverage_hour_of(std::int64_t time_ms) {
    std::int64_t hour = time_ms / coverage_hour_ms * coverage_hour_ms;
    if (hour > time_ms) {
        hour -= coverage_hour_ms;
    }
    return hour;
}

std::vector<std::uint8_t> encode_coverage_hour(std::int64_t hour_ms,
                                               std::span<const DirectionLastPass> passes) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> entries;
    entries.reserve(passes.size());
    for (const DirectionLastPass& p : passes) {
        if (p.segment_id < 0 || p.segment_id > std::numeric_limits<std::int64_t>::max() / 2 - 1) {
            throw Error(hour_text(hour_ms) + ": segment id " + std::to_string(p.segment_id) +
                        " cannot be stored");
        }
        if (p.time_ms < hour_ms || p.time_ms - hour_ms >= coverage_hour_ms) {
            throw Error(hour_text(hour_ms) + ": the pass of segment " +
                        std::to_string(p.segment_id) + " at " + std::to_string(p.time_ms) +
                        " is outside the hour");
        }
        entries.emplace_back(2 * static_cast<std::uint64_t>(p.segment_id) + (p.forward ? 1U : 0U),
                             static_cast<std::uint64_t>(p.time_ms - hour_ms));
    }
    std::sort(entries.begin(), entries.end());
    std::vector<std::uint8_t> out;
    out.reserve(2 + entries.size() * 4);
    out.push_back(summary_version);
    put_varint(out, entries.size());
    std::uint64_t previous = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i > 0 && entries[i].first == previous) {
            throw Error(hour_text(hour_ms) + ": segment " + std::to_string(entries[i].first / 2) +
                        " has two last passes in one direction");
        }
        put_varint(out, entries[i].first - previous);
        put_varint(out, entries[i].second);
        previous = entries[i].first;
    }
    return out;
}

std::vector<DirectionLastPass> decode_coverage_hour(std::int64_t hour_ms,
                                                    std::span<const std::uint8_t> data) {
    if (data.empty() || data[0] != summary_version) {
        throw Error(hour_text(hour_ms) + " has an unknown format" +
                    (data.empty() ? std::string(" (empty)")
                                  : " (version " + std::to_string(data[0]) + ")"));
    }
    std::size_t at = 1;
    const std::uint64_t count = get_varint(data, at, hour_ms);
    // Every entry takes at least two bytes: a larger count is corrupt, not a huge allocation.
    if (count > (data.size() - at) / 2) {
        throw Error(hour_text(hour_ms) + " is truncated: " + std::to_string(count) +
                    " entries announced");
    }
    std::vector<DirectionLastPass> out;
    out.reserve(static_cast<std::size_t>(count));
    std::uint64_t key = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
        const std::uint64_t delta = get_varint(data, at, hour_ms);
        const std::uint64_t offset = get_varint(data, at, hour_ms);
        if ((i > 0 && delta == 0) ||
            delta > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) - key) {
            throw Error(hour_text(hour_ms) + " is corrupt: entry " + std::to_string(i) +
                        " is out of order");
        }
        if (offset >= static_cast<std::uint64_t>(coverage_hour_ms)) {
            throw Error(hour_text(hour_ms) + " is corrupt: entry " + std::to_string(i) +
                        " is outside the hour");
        }
        key += delta;
        out.push_back({static_cast<std::int64_t>(key / 2), key % 2 == 1,
                       hour_ms + static_cast<std::int64_t>(offset)});
    }
    if (at != data.size()) {
        throw Error(hour_text(hour_ms) + " is corrupt: " + std::to_string(data.size() - at) +
                    " bytes after its entries");
    }
    return out;
}

std::vector<DirectionLastPass> summarize_coverage_hour(data::Database& db, std::int64_t hour_ms) {
    data::Statement query(db, "SELECT segment_id, forward, max(time_ms) FROM coverage_passes "
                              "WHERE time_ms >= ? AND time_ms < ? GROUP BY segment_id, forward "
                              "ORDER BY segment_id, forward");
    query.bind(1, hour_ms).bind(2, saturating_add(hour_ms, coverage_hour_ms));
    std::vector<DirectionLastPass> out;
    while (query.step()) {
        out.push_back({query.column_int64(0), query.column_int(1) != 0, query.column_int64(2)});
    }
    return out;
}

namespace {

/// Reads the stored summary of an hour, or builds it from the passes (and stores it when
/// `store`) in one transaction.
std::vector<DirectionLastPass> load_or_build_hour(data::Database& db, std::int64_t hour_ms,
                                                  bool store, bool* built = nullptr) {
    const auto read_row = [&]() -> std::optional<std::vector<DirectionLastPass>> {
        data::Statement row(db, "SELECT data FROM coverage_hours WHERE hour_ms = ?");
        row.bind(1, hour_ms);
        if (row.step()) {
            return decode_coverage_hour(hour_ms, row.column_blob(0));
        }
        return std::nullopt;
    };
    if (!store) {
        if (auto stored = read_row()) {
            return *stored;
        }
        return summarize_coverage_hour(db, hour_ms);
    }
    // Read and write under one write lock: a pass another connection adds meanwhile removes
    // the row in its own transaction, before or after ours, never in between.
    data::Transaction tx(db);
    if (auto stored = read_row()) {
        return *stored;
    }
    std::vector<DirectionLastPass> summary = summarize_coverage_hour(db, hour_ms);
    data::Statement insert(db, "INSERT INTO coverage_hours (hour_ms, data) VALUES (?, ?)");
    insert.bind(1, hour_ms).bind_blob(2, encode_coverage_hour(hour_ms, summary)).run();
    tx.commit();
    if (built != nullptr) {
        *built = true;
    }
    return summary;
}

} // namespace

std::size_t build_coverage_summaries(data::Project& project, std::int64_t from_ms,
                                     std::int64_t to_ms) {
    data::Database& db = project.database();
    std::vector<std::int64_t> hours;
    {
        // Whole hours that hold a pass: step along the time index an hour at a time.
        data::Statement next(db, "SELECT min(time_ms) FROM coverage_passes WHERE time_ms >= ? "
                                 "AND time_ms < ?");
        std::int64_t at = from_ms;
        while (at < to_ms) {
            next.bind(1, at).bind(2, to_ms);
            if (!next.step() || next.is_null(0)) {
                break;
            }
            const std::int64_t hour = coverage_hour_of(next.column_int64(0));
            next.reset();
            hours.push_back(hour);
            at = saturating_add(hour, coverage_hour_ms);
        }
    }
    std::size_t built = 0;
    for (std::int64_t hour : hours) {
        bool made = false;
        (void)load_or_build_hour(db, hour, true, &made);
        built += made ? 1 : 0;
    }
    return built;
}

// --- frame -------------------------------------------------------------------------------------

std::array<int, 5> ReplayFrame::counts() const {
    std::array<int, 5> counts{};
    for (const ReplayVehicle& v : vehicles) {
        switch (v.state) {
        case VehicleState::working:
            ++counts[0];
            break;
        case VehicleState::travelling:
            ++counts[1];
            break;
        case VehicleState::stopped:
            ++counts[2];
            break;
        case VehicleState::offline:
            ++counts[3];
            break;
        case VehicleState::unknown:
            ++counts[4];
            break;
        }
    }
    return counts;
}

const ReplayVehicle* ReplayFrame::vehicle_by_code(const std::string& code) const& {
    for (const ReplayVehicle& v : vehicles) {
        if (v.code == code) {
            return &v;
        }
    }
    return nullptr;
}

// --- Replay ------------------------------------------------------------------------------------

struct Replay::Impl {
    struct Info {
        std::string code;
        std::int64_t contractor_id = 0;
        std::string contractor_code;
        std::optional<MachineType> type;
    };
    /// A vehicle's decoded fixes of [from_ms, to_ms), and what came before.
    struct Window {
        bool loaded = false;
        std::int64_t from_ms = 0;
        std::int64_t to_ms = 0;
        std::vector<data::Fix> fixes;
        /// The project-CRS points of the first xy.size() fixes, transformed when first needed
        /// (a seek reads minutes ahead of T but draws only up to T).
        std::vector<gis::XY> xy;
        /// The last fix (not speed_jump) before from_ms, once looked up.
        bool before_known = false;
        std::optional<data::Fix> before;
        std::optional<gis::XY> before_xy;
    };

    data::Project& project;
    data::Database& db;
    ReplaySettings settings;
    gis::CoordinateTransform to_project;
    bool writable = false;
    std::int64_t version = -1;

    std::vector<std::int64_t> ids; ///< fleet and season log, ascending
    std::unordered_map<std::int64_t, Info> info;
    std::unordered_map<std::int64_t, Window> windows;
    bool extent_known = false;
    std::optional<SeasonExtent> season;

    std::unordered_map<std::int64_t, std::shared_ptr<const std::vector<DirectionLastPass>>> hours;
    /// The merged summaries of the hours wholly inside the coverage window, for (oldest hour,
    /// current hour), over the summary of the oldest hour (which counts after the window's
    /// start only, as the frame's passes say).
    std::pair<std::int64_t, std::int64_t> base_key{0, 0};
    std::shared_ptr<const gis::PassTimes> base;
    /// The raw passes of the current hour up to recent_to_ms, over base; shared with the frames
    /// as recent_shared until more are added.
    gis::PassTimes recent;
    std::int64_t recent_to_ms = 0;
    std::shared_ptr<const gis::PassTimes> recent_shared;

    std::optional<data::Database> reader;
    bool reader_failed = false;

    Impl(data::Project& p, ReplaySettings s)
        : project(p), db(p.database()), settings(std::move(s)), to_project(gis::wgs84, p.crs()),
          writable(connection_may_write(p.database())) {
        if (settings.trail_ms < 0 || settings.horizon_ms < 0 || settings.interpolate_gap_ms < 0 ||
            settings.tracker.history_ms <= 0) {
            throw Error("replay: the trail, horizon and interpolation gap must not be negative "
                        "and the coverage history must be positive");
        }
        version = data_version(db);
        load_vehicles();
    }

    /// How far back from T a vehicle's fixes are kept: the trail, the stop and offline
    /// thresholds, and a minute for the fix before the first that counts.
    [[nodiscard]] std::int64_t lookback_ms() const {
        return std::max({settings.trail_ms, settings.tracker.stopped_after_ms,
                         settings.tracker.offline_after_ms}) +
               60'000;
    }
    /// How far past T fixes are read, so that playback reads each block about once.
    [[nodiscard]] std::int64_t lookahead_ms() const {
        // At least twice the interpolation gap: a vehicle reads at least half of it ahead.
        return std::max<std::int64_t>(15 * 60'000, 2 * (settings.interpolate_gap_ms + 1));
    }

    void check_version() {
        const std::int64_t now = data_version(db);
        if (now != version) {
            version = now;
            drop_caches();
            load_vehicles();
        }
    }

    void drop_caches() {
        windows.clear();
        hours.clear();
        base.reset();
        recent_shared.reset();
        extent_known = false;
    }

    void load_vehicles() {
        ids.clear();
        info.clear();
        Fleet fleet(project);
        std::unordered_map<std::int64_t, std::string> contractor_codes;
        for (const Contractor& c : fleet.contractors()) {
            contractor_codes[c.id] = c.code;
        }
        for (const Vehicle& v : fleet.vehicles()) {
            info[v.id] = {v.code, v.contractor_id, contractor_codes[v.contractor_id], v.type};
            ids.push_back(v.id);
        }
        // Vehicles in the log but no longer in the fleet.
        const std::vector<std::int64_t> logged = data::SeasonLog(db).vehicles();
        ids.insert(ids.end(), logged.begin(), logged.end());
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        for (std::int64_t id : ids) {
            if (!info.contains(id)) {
                info[id] = {"#" + std::to_string(id), 0, {}, std::nullopt};
            }
        }
    }

    std::optional<SeasonExtent> extent() {
        check_version();
        if (extent_known) {
            return season;
        }
        extent_known = true;
        season.reset();
        if (const auto e = data::SeasonLog(db).extent()) {
            season = SeasonExtent{e->first, e->second};
        }
        return season;
    }

    /// Makes w.xy hold the points of the first `count` fixes at least.
    void ensure_xy(Window& w, std::size_t count) const {
        count = std::min(count, w.fixes.size());
        const std::size_t start = w.xy.size();
        if (count <= start) {
            return;
        }
        for (std::size_t k = start; k < count; ++k) {
            w.xy.push_back({w.fixes[k].position.lon_deg, w.fixes[k].position.lat_deg});
        }
        to_project.forward(std::span<gis::XY>(w.xy).subspan(start));
    }

    /// Where the window of `id` reads to at T: between half the look-ahead and all of it
    /// (sixteen phases by id), so that playback reads a sixteenth of the fleet at a time, not
    /// all of it in one frame.
    [[nodiscard]] std::int64_t read_to_of(std::int64_t id, std::int64_t time_ms) const {
        const std::int64_t phase = (id % 16 + 16) % 16;
        return saturating_add(time_ms, lookahead_ms() / 2 + lookahead_ms() / 32 * phase);
    }

    /// Whether the window can serve T as it is (true) or after reading on from its end
    /// (playback); otherwise it must be read afresh (a seek).
    [[nodiscard]] bool window_serves(const Window& w, std::int64_t time_ms) const {
        const std::int64_t need_from = saturating_sub(time_ms, lookback_ms());
        return w.loaded && need_from >= w.from_ms &&
               (time_ms < w.to_ms || time_ms - w.to_ms < lookback_ms());
    }

    /// The windows to read afresh at T in one pass over the season log's time index.
    struct StaleWindows {
        std::vector<std::int64_t> ids;
        std::int64_t from_ms = 0; ///< T - lookback
        std::int64_t to_ms = 0;   ///< the farthest read_to_of() of them
    };

    /// The vehicles whose windows cannot serve T, when they are a quarter of the fleet or more
    /// (a seek): a query per vehicle costs more than reading the whole fleet's blocks around T
    /// at once. A few (a vehicle new in the fleet) are read one by one in window_at().
    [[nodiscard]] std::optional<StaleWindows> stale_windows(std::int64_t time_ms) const {
        StaleWindows stale;
        for (std::int64_t id : ids) {
            const auto it = windows.find(id);
            if (it == windows.end() || !window_serves(it->second, time_ms)) {
                stale.ids.push_back(id);
            }
        }
        if (stale.ids.size() < 2 || stale.ids.size() * 4 < ids.size()) {
            return std::nullopt;
        }
        stale.from_ms = saturating_sub(time_ms, lookback_ms());
        stale.to_ms = stale.from_ms;
        for (std::int64_t id : stale.ids) {
            stale.to_ms = std::max(stale.to_ms, read_to_of(id, time_ms));
        }
        return stale;
    }

    /// Reads the stale windows' fixes (SeasonLog::range_by_vehicle over `connection`).
    static std::unordered_map<std::int64_t, std::vector<data::Fix>>
    read_stale(data::Database& connection, const StaleWindows& stale) {
        return data::SeasonLog(connection).range_by_vehicle(stale.from_ms, stale.to_ms);
    }

    /// Makes the stale windows hold what was read for them.
    void fill_windows(const StaleWindows& stale, std::int64_t time_ms,
                      std::unordered_map<std::int64_t, std::vector<data::Fix>> fixes) {
        for (std::int64_t id : stale.ids) {
            Window& w = windows[id];
            w = Window{};
            w.loaded = true;
            w.from_ms = stale.from_ms;
            w.to_ms = read_to_of(id, time_ms);
            if (const auto it = fixes.find(id); it != fixes.end()) {
                w.fixes = std::move(it->second);
                const auto end = std::lower_bound(
                    w.fixes.begin(), w.fixes.end(), w.to_ms,
                    [](const data::Fix& f, std::int64_t t) { return f.time_ms < t; });
                w.fixes.erase(end, w.fixes.end());
            }
        }
    }

    /// A second, read-only connection to the project, on which a seek reads the fleet's blocks
    /// while this one reads the coverage; none when it cannot be opened (then one after the
    /// other).
    data::Database* reader_connection() {
        if (!reader && !reader_failed) {
            try {
                reader.emplace(db.path(), data::OpenMode::read_only);
            } catch (const Error&) {
                reader_failed = true;
            }
        }
        return reader ? &*reader : nullptr;
    }

    std::vector<ReplayVehicle> vehicles(std::int64_t time_ms) {
        std::vector<ReplayVehicle> out;
        out.reserve(ids.size());
        for (std::int64_t id : ids) {
            out.push_back(vehicle_at(id, time_ms));
        }
        return out;
    }

    /// Makes the window of `id` hold [T - lookback, T] at least.
    Window& window_at(std::int64_t id, std::int64_t time_ms) {
        Window& w = windows[id];
        const std::int64_t need_from = saturating_sub(time_ms, lookback_ms());
        const std::int64_t read_to = read_to_of(id, time_ms);
        data::SeasonLog log(db);
        if (!window_serves(w, time_ms)) {
            w = Window{};
            w.loaded = true;
            w.from_ms = need_from;
            w.to_ms = read_to;
            w.fixes = log.fixes(id, need_from, read_to);
        } else if (time_ms >= w.to_ms) {
            // Playback: read on from where the window ends.
            std::vector<data::Fix> more = log.fixes(id, w.to_ms, read_to);
            w.fixes.insert(w.fixes.end(), more.begin(), more.end());
            w.to_ms = read_to;
        }
        // Drop what fell out of the back, remembering the latest usable fix of it.
        std::size_t drop = 0;
        while (drop < w.fixes.size() && w.fixes[drop].time_ms < need_from) {
            ++drop;
        }
        for (std::size_t k = drop; k-- > 0;) {
            if (!is_jump(w.fixes[k])) {
                ensure_xy(w, k + 1);
                w.before = w.fixes[k];
                w.before_xy = w.xy[k];
                w.before_known = true;
                break;
            }
        }
        if (drop > 0) {
            w.fixes.erase(w.fixes.begin(), w.fixes.begin() + static_cast<std::ptrdiff_t>(drop));
            w.xy.erase(w.xy.begin(),
                       w.xy.begin() + static_cast<std::ptrdiff_t>(std::min(drop, w.xy.size())));
        }
        w.from_ms = std::max(w.from_ms, need_from);
        return w;
    }

    /// The last fix (not speed_jump) of `id` before the window: the last block starting before
    /// it and the tail.
    void load_before(std::int64_t id, Window& w) {
        if (w.before_known) {
            return;
        }
        w.before_known = true;
        const std::optional<data::Fix> best =
            data::SeasonLog(db).last_before(id, w.from_ms, data::fix_flags::speed_jump);
        w.before = best;
        if (best) {
            w.before_xy =
                to_project.forward(gis::XY{best->position.lon_deg, best->position.lat_deg});
        }
    }

    bool moving(const data::Fix& fix, gis::XY xy, const data::Fix* previous,
                std::optional<gis::XY> previous_xy) const {
        // As the tracker judges it: the reported speed, else the displacement beyond noise.
        if (fix.speed_mps) {
            return *fix.speed_mps >= settings.tracker.moving_speed_mps;
        }
        if (previous == nullptr || !previous_xy || fix.time_ms <= previous->time_ms) {
            return false;
        }
        const double d = std::hypot(xy.x - previous_xy->x, xy.y - previous_xy->y);
        const double dt_s = static_cast<double>(fix.time_ms - previous->time_ms) / 1000.0;
        const double noise = 2.0 * fix.accuracy_m.value_or(settings.tracker.matching.gps_sigma_m);
        return d > noise && d / dt_s >= settings.tracker.moving_speed_mps;
    }

    ReplayVehicle vehicle_at(std::int64_t id, std::int64_t time_ms) {
        ReplayVehicle out;
        out.vehicle_id = id;
        const Info& i = info[id];
        out.code = i.code;
        out.contractor_id = i.contractor_id;
        out.contractor_code = i.contractor_code;
        out.type = i.type;

        Window& w = window_at(id, time_ms);
        // Fixes at or before T: [0, end).
        const auto end_it =
            std::upper_bound(w.fixes.begin(), w.fixes.end(), time_ms,
                             [](std::int64_t t, const data::Fix& f) { return t < f.time_ms; });
        const auto end = static_cast<std::size_t>(end_it - w.fixes.begin());
        ensure_xy(w, end);
        std::optional<std::size_t> last;
        std::optional<std::int64_t> heard_ms;
        for (std::size_t k = end; k-- > 0;) {
            if (!heard_ms) {
                heard_ms = w.fixes[k].time_ms;
            }
            if (!is_jump(w.fixes[k])) {
                last = k;
                break;
            }
        }
        if (!last) {
            load_before(id, w);
        }
        const data::Fix* last_fix = last ? &w.fixes[*last] : (w.before ? &*w.before : nullptr);
        if (last_fix != nullptr && (!heard_ms || last_fix->time_ms > *heard_ms)) {
            heard_ms = last_fix->time_ms;
        }
        if (last_fix == nullptr || !heard_ms || time_ms - *heard_ms > settings.horizon_ms) {
            return out; // unknown: not heard within the horizon
        }
        const gis::XY last_xy = last ? w.xy[*last] : *w.before_xy;
        out.last_fix = *last_fix;
        out.position = last_fix->position;
        out.position_xy = last_xy;
        out.work = last_fix->work;
        out.blade = last_fix->blade;

        // The previous usable fix of index k (k in the window), and its point.
        const auto previous =
            [&](std::size_t k) -> std::pair<const data::Fix*, std::optional<gis::XY>> {
            for (std::size_t j = k; j-- > 0;) {
                if (!is_jump(w.fixes[j])) {
                    return {&w.fixes[j], w.xy[j]};
                }
            }
            load_before(id, w);
            return {w.before ? &*w.before : nullptr, w.before_xy};
        };

        // Heading: the bearing the fix reports, else the way it last moved.
        if (last_fix->bearing_deg) {
            out.heading_deg = last_fix->bearing_deg;
        } else if (last) {
            const auto [p, p_xy] = previous(*last);
            if (p != nullptr && p_xy) {
                out.heading_deg = bearing_of(*p_xy, last_xy);
            }
        }

        // State, with the tracker's thresholds (Tracker::process_fix and process_tick).
        if (time_ms - *heard_ms >= settings.tracker.offline_after_ms) {
            out.state = VehicleState::offline;
        } else {
            out.state = VehicleState::stopped;
            for (std::size_t k = end; k-- > 0;) {
                const data::Fix& f = w.fixes[k];
                if (time_ms - f.time_ms >= settings.tracker.stopped_after_ms) {
                    break;
                }
                if (is_jump(f)) {
                    continue;
                }
                const auto [p, p_xy] = previous(k);
                if (moving(f, w.xy[k], p, p_xy)) {
                    const bool working = data::is_service(f.work) || f.blade == data::Blade::down;
                    out.state = working ? VehicleState::working : VehicleState::travelling;
                    break;
                }
            }
        }

        // Between the fixes around T.
        if (settings.interpolate && last && w.fixes[*last].time_ms < time_ms) {
            for (std::size_t k = end; k < w.fixes.size(); ++k) {
                if (is_jump(w.fixes[k])) {
                    continue;
                }
                ensure_xy(w, k + 1);
                const data::Fix& a = w.fixes[*last];
                const data::Fix& b = w.fixes[k];
                if (b.time_ms - a.time_ms <= settings.interpolate_gap_ms) {
                    const double s = static_cast<double>(time_ms - a.time_ms) /
                                     static_cast<double>(b.time_ms - a.time_ms);
                    out.position = gis::LonLat{
                        a.position.lon_deg + s * (b.position.lon_deg - a.position.lon_deg),
                        a.position.lat_deg + s * (b.position.lat_deg - a.position.lat_deg)};
                    out.position_xy = gis::XY{w.xy[*last].x + s * (w.xy[k].x - w.xy[*last].x),
                                              w.xy[*last].y + s * (w.xy[k].y - w.xy[*last].y)};
                    if (!out.heading_deg) {
                        out.heading_deg = bearing_of(w.xy[*last], w.xy[k]);
                    }
                }
                break;
            }
        }

        // Trail.
        const std::int64_t trail_from = saturating_sub(time_ms, settings.trail_ms);
        for (std::size_t k = 0; k < end; ++k) {
            if (w.fixes[k].time_ms >= trail_from && !is_jump(w.fixes[k])) {
                out.trail.push_back(w.fixes[k]);
                out.trail_xy.push_back(w.xy[k]);
                out.trail_times_ms.push_back(w.fixes[k].time_ms);
            }
        }
        if (!out.trail_xy.empty() && settings.interpolate && out.position_xy &&
            (out.position_xy->x != last_xy.x || out.position_xy->y != last_xy.y)) {
            out.trail_xy.push_back(*out.position_xy);
            out.trail_times_ms.push_back(time_ms);
        }
        return out;
    }

    std::shared_ptr<const std::vector<DirectionLastPass>> hour(std::int64_t hour_ms) {
        if (auto it = hours.find(hour_ms); it != hours.end()) {
            return it->second;
        }
        std::shared_ptr<const std::vector<DirectionLastPass>> summary;
        try {
            summary = std::make_shared<const std::vector<DirectionLastPass>>(
                load_or_build_hour(db, hour_ms, writable));
        } catch (const Error&) {
            if (!writable) {
                throw;
            }
            // Another connection holds the write lock longer than the busy timeout (the live
            // tracker): keep this summary in memory and try storing the next ones.
            summary = std::make_shared<const std::vector<DirectionLastPass>>(
                load_or_build_hour(db, hour_ms, false));
        }
        // Playback only ever needs the last day: keep the cache from growing over a season.
        if (hours.size() > 200) {
            hours.clear();
        }
        hours[hour_ms] = summary;
        return summary;
    }

    /// Adds the last pass per direction with from_ms < time_ms <= to_ms to `times`; returns how
    /// many passes it read.
    std::size_t add_raw_passes(gis::PassTimes& times, std::int64_t from_ms, std::int64_t to_ms) {
        // Every pass, not grouped: PassTimes keeps the latest per direction, cheaper than
        // SQLite's sorting them for a GROUP BY.
        data::Statement raw(db, "SELECT segment_id, forward, time_ms FROM coverage_passes "
                                "WHERE time_ms > ? AND time_ms <= ?");
        raw.bind(1, from_ms).bind(2, to_ms);
        std::size_t read = 0;
        while (raw.step()) {
            times.set(raw.column_int64(0), raw.column_int(1) != 0, raw.column_int64(2));
            ++read;
        }
        return read;
    }

    /// The last pass per direction in (T - history, T]: the hours wholly inside the window
    /// (merged once per hour), under them the oldest hour's summary, whose passes count only
    /// after the window's start, and over them the raw passes of T's partial hour. Moving T
    /// forward within the hour reads only the passes since the last T.
    std::shared_ptr<const gis::PassTimes> coverage_at(std::int64_t time_ms) {
        const std::int64_t window_start = saturating_sub(time_ms, settings.tracker.history_ms);
        const std::int64_t oldest_hour = coverage_hour_of(window_start);
        const std::int64_t current_hour = coverage_hour_of(time_ms);
        if (oldest_hour == current_hour) {
            // A window shorter than an hour: the raw passes only.
            auto times = std::make_shared<gis::PassTimes>();
            (void)add_raw_passes(*times, window_start, time_ms);
            return times;
        }
        if (!base || base_key != std::pair{oldest_hour, current_hour}) {
            auto oldest = std::make_shared<gis::PassTimes>();
            for (const DirectionLastPass& p : *hour(oldest_hour)) {
                oldest->set(p.segment_id, p.forward, p.time_ms);
            }
            auto merged = std::make_shared<gis::PassTimes>(
                std::move(oldest), std::numeric_limits<std::int64_t>::min());
            for (std::int64_t h = oldest_hour + coverage_hour_ms; h < current_hour;
                 h += coverage_hour_ms) {
                for (const DirectionLastPass& p : *hour(h)) {
                    merged->set(p.segment_id, p.forward, p.time_ms);
                }
            }
            base = merged;
            base_key = {oldest_hour, current_hour};
            recent_shared.reset();
        }
        if (!recent_shared || time_ms < recent_to_ms) {
            recent = gis::PassTimes(base, std::numeric_limits<std::int64_t>::min());
            recent_to_ms = current_hour - 1;
            recent_shared.reset();
        }
        if (time_ms > recent_to_ms || !recent_shared) {
            const std::size_t read = add_raw_passes(recent, recent_to_ms, time_ms);
            recent_to_ms = time_ms;
            if (!recent_shared || read > 0) {
                recent_shared = std::make_shared<const gis::PassTimes>(recent);
            }
        }
        // The window's start moves with T: the passes below count only after it.
        return std::make_shared<const gis::PassTimes>(recent_shared, window_start);
    }

    std::vector<ReplayOrder> orders_at(std::int64_t time_ms) {
        data::Statement q(db, "SELECT e.order_id, o.number, o.contractor_id, e.to_status, "
                              "e.time_ms FROM order_events e JOIN orders o ON o.id = e.order_id "
                              "WHERE e.time_ms <= ? ORDER BY e.order_id, e.time_ms, e.id");
        q.bind(1, time_ms);
        std::vector<ReplayOrder> out;
        while (q.step()) {
            const std::int64_t id = q.column_int64(0);
            if (out.empty() || out.back().order_id != id) {
                out.push_back({id, q.column_text(1), q.column_int64(2), OrderStatus::draft, 0});
            }
            ReplayOrder& o = out.back();
            const std::string status = q.column_text(3);
            const auto parsed = parse_order_status(status);
            if (!parsed) {
                throw Error(db.path().string() + ": order " + o.number + " has an event to '" +
                            status + "', which is no status");
            }
            o.status = *parsed;
            o.since_ms = q.column_int64(4);
        }
        return out;
    }
};

Replay::Replay(data::Project& project, ReplaySettings settings)
    : m_impl(std::make_unique<Impl>(project, std::move(settings))) {}

Replay::~Replay() = default;

std::optional<SeasonExtent> Replay::extent() {
    return m_impl->extent();
}

const ReplaySettings& Replay::settings() const {
    return m_impl->settings;
}

std::vector<ReplayVehicle> Replay::vehicles_at(std::int64_t time_ms) {
    m_impl->check_version();
    if (const auto stale = m_impl->stale_windows(time_ms)) {
        m_impl->fill_windows(*stale, time_ms, Impl::read_stale(m_impl->db, *stale));
    }
    return m_impl->vehicles(time_ms);
}

std::shared_ptr<const gis::PassTimes> Replay::coverage_at(std::int64_t time_ms) {
    m_impl->check_version();
    return m_impl->coverage_at(time_ms);
}

std::vector<ReplayOrder> Replay::orders_at(std::int64_t time_ms) {
    m_impl->check_version();
    return m_impl->orders_at(time_ms);
}

ReplayFrame Replay::frame_at(std::int64_t time_ms) {
    m_impl->check_version();
    ReplayFrame frame;
    frame.time_ms = time_ms;
    const auto stale = m_impl->stale_windows(time_ms);
    data::Database* reader = stale ? m_impl->reader_connection() : nullptr;
    std::future<std::unordered_map<std::int64_t, std::vector<data::Fix>>> fixes;
    if (reader != nullptr) {
        // A seek: the fleet's blocks around T on the second connection and thread while the
        // coverage and the orders are read here.
        fixes = std::async(std::launch::async,
                           [&stale, reader] { return Impl::read_stale(*reader, *stale); });
    } else if (stale) {
        m_impl->fill_windows(*stale, time_ms, Impl::read_stale(m_impl->db, *stale));
    }
    frame.coverage = m_impl->coverage_at(time_ms);
    frame.orders = m_impl->orders_at(time_ms);
    if (fixes.valid()) {
        m_impl->fill_windows(*stale, time_ms, fixes.get());
    }
    frame.vehicles = m_impl->vehicles(time_ms);
    return frame;
}

void Replay::refresh() {
    m_impl->drop_caches();
    m_impl->load_vehicles();
    m_impl->version = data_version(m_impl->db);
}

} // namespace ykm::dispatch

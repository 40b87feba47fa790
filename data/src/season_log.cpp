#include "ykm/data/season_log.hpp"

#include "ykm/gis/error.hpp"

#include <sqlite3.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <map>
#include <numeric>
#include <string>

namespace ykm::data {
namespace {

struct WorkNames {
    WorkType work;
    std::string_view key;
    std::string_view japanese;
};

constexpr std::array<WorkNames, 7> work_names{{
    {WorkType::unknown, "unknown", "不明"},
    {WorkType::plow, "plow", "新雪除雪"},
    {WorkType::grade, "grade", "路面整正"},
    {WorkType::widen, "widen", "拡幅除雪"},
    {WorkType::haul, "haul", "運搬排雪"},
    {WorkType::spread, "spread", "凍結防止剤散布"},
    {WorkType::travel, "travel", "回送"},
}};

// --- The fix codec -----------------------------------------------------------------------------
//
// A fix in integers: time in ms, lon/lat in 1e-7 degrees, and five optional values (speed in
// 0.01 m/s, bearing in 0.1 degree, altitude and accuracy in 0.1 m, battery in %). `state` packs
// which optional values are present (bits 0-4), the work type (bits 5-7), the blade (8-9) and the
// flags (10-17).
//
// A block is: version byte, varint count, the records, CRC-32 of everything before it (4 bytes,
// little endian). A record is a varint head, (zigzag(dt - previous dt) << 6) | mask, where mask
// bits 0-4 say which optional values changed and bit 5 that the state changed; then the state
// (if changed); lon and lat as zigzag differences from a linear prediction (the previous step
// again, scaled to this step's time); then the zigzag difference of each changed value. Before
// the first record everything is zero, so it holds absolute values; the second one has no
// previous step (dt from 0, position from the first). On a 1 Hz plow track a record takes 6-9
// bytes.
//
// A tail row is: version byte, varint state, zigzag lon, lat, then each present value.

constexpr std::uint8_t block_version = 1;
constexpr std::uint8_t tail_version = 1;
constexpr int value_count = 5;
constexpr std::uint32_t state_changed = 1U << value_count;
constexpr int work_shift = 5;
constexpr int blade_shift = 8;
constexpr int flags_shift = 10;
constexpr std::uint32_t state_limit = 1U << 18;
constexpr std::int64_t lon_limit = 1'800'000'000;
constexpr std::int64_t lat_limit = 900'000'000;
constexpr std::int64_t time_limit = std::int64_t{1} << 52;
constexpr std::int64_t bearing_units = 3600;
constexpr std::array<const char*, value_count> value_names{"speed", "bearing", "altitude",
                                                           "accuracy", "battery"};
constexpr std::array<double, value_count> value_scale{100.0, 10.0, 10.0, 10.0, 1.0};
// Largest magnitude accepted for each value, in its units: 10 km/s, any bearing, 100 km of
// altitude, 1,000 km of accuracy, and any int for the battery.
constexpr std::array<std::int64_t, value_count> value_limit{1'000'000, bearing_units, 1'000'000,
                                                            10'000'000, 2'147'483'647};
constexpr std::size_t bearing_index = 1;

struct Packed {
    std::int64_t time_ms = 0;
    std::int64_t lon = 0;
    std::int64_t lat = 0;
    std::array<std::int64_t, value_count> value{};
    std::uint32_t state = 0;

    [[nodiscard]] bool has(std::size_t k) const { return (state & (1U << k)) != 0; }
};

std::string format_time(std::int64_t time_ms) {
    const std::time_t seconds =
        static_cast<std::time_t>(time_ms >= 0 ? time_ms / 1000 : (time_ms - 999) / 1000); // floor
    std::tm tm{};
    if (gmtime_r(&seconds, &tm) == nullptr) {
        return std::to_string(time_ms) + " ms";
    }
    std::array<char, 64> text{};
    const auto ms = static_cast<int>(time_ms - static_cast<std::int64_t>(seconds) * 1000);
    std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  ms);
    return text.data();
}

std::string describe(std::int64_t vehicle_id, std::int64_t time_ms) {
    return "vehicle " + std::to_string(vehicle_id) + ", fix at " + format_time(time_ms);
}

std::string number(double v) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%.10g", v);
    return text.data();
}

std::int64_t quantize(const Fix& fix, const char* field, double v, double scale, double limit) {
    if (!std::isfinite(v) || std::abs(v) > limit) {
        throw Error(describe(fix.vehicle_id, fix.time_ms) + ": " + field + " " + number(v) +
                    " is outside ±" + number(limit));
    }
    return std::llround(v * scale);
}

Packed pack(const Fix& fix) {
    Packed p;
    if (fix.time_ms <= -time_limit || fix.time_ms >= time_limit) {
        throw Error("vehicle " + std::to_string(fix.vehicle_id) + ": fix time " +
                    std::to_string(fix.time_ms) + " ms is out of range");
    }
    p.time_ms = fix.time_ms;
    p.lon = quantize(fix, "longitude", fix.position.lon_deg, 1e7, 180.0);
    p.lat = quantize(fix, "latitude", fix.position.lat_deg, 1e7, 90.0);
    const std::array<std::optional<double>, 4> values{fix.speed_mps, fix.bearing_deg,
                                                      fix.altitude_m, fix.accuracy_m};
    for (std::size_t k = 0; k < values.size(); ++k) {
        if (!values[k]) {
            continue;
        }
        p.state |= 1U << k;
        if (k == bearing_index) {
            if (!std::isfinite(*values[k])) {
                throw Error(describe(fix.vehicle_id, fix.time_ms) + ": bearing " +
                            number(*values[k]) + " is not a number");
            }
            double b = std::fmod(*values[k], 360.0);
            if (b < 0.0) {
                b += 360.0;
            }
            p.value[k] = std::llround(b * value_scale[k]) % bearing_units;
        } else {
            p.value[k] = quantize(fix, value_names[k], *values[k], value_scale[k],
                                  static_cast<double>(value_limit[k]) / value_scale[k]);
        }
    }
    if (fix.battery_pct) {
        if (std::abs(static_cast<std::int64_t>(*fix.battery_pct)) > value_limit[4]) {
            throw Error(describe(fix.vehicle_id, fix.time_ms) + ": battery " +
                        std::to_string(*fix.battery_pct) + " % is out of range");
        }
        p.state |= 1U << 4;
        p.value[4] = *fix.battery_pct;
    }
    const auto work = static_cast<std::uint32_t>(fix.work);
    const auto blade = static_cast<std::uint32_t>(fix.blade);
    if (work > static_cast<std::uint32_t>(WorkType::travel) ||
        blade > static_cast<std::uint32_t>(Blade::down)) {
        throw Error(describe(fix.vehicle_id, fix.time_ms) + ": work type " + std::to_string(work) +
                    " or blade " + std::to_string(blade) + " is not a known value");
    }
    p.state |= (work << work_shift) | (blade << blade_shift) |
               (static_cast<std::uint32_t>(fix.flags) << flags_shift);
    return p;
}

Fix unpack(const Packed& p, std::int64_t vehicle_id) {
    Fix fix;
    fix.vehicle_id = vehicle_id;
    fix.time_ms = p.time_ms;
    fix.position = {static_cast<double>(p.lon) / 1e7, static_cast<double>(p.lat) / 1e7};
    // Division (not multiplication by 0.01) gives back exactly the double of a value that was on
    // the grid, e.g. 3.25 or 140.7401234.
    const std::array<std::optional<double>*, 4> values{&fix.speed_mps, &fix.bearing_deg,
                                                       &fix.altitude_m, &fix.accuracy_m};
    for (std::size_t k = 0; k < values.size(); ++k) {
        if (p.has(k)) {
            *values[k] = static_cast<double>(p.value[k]) / value_scale[k];
        }
    }
    if (p.has(4)) {
        fix.battery_pct = static_cast<int>(p.value[4]);
    }
    fix.work = static_cast<WorkType>((p.state >> work_shift) & 7U);
    fix.blade = static_cast<Blade>((p.state >> blade_shift) & 3U);
    fix.flags = static_cast<std::uint8_t>(p.state >> flags_shift);
    return fix;
}

std::uint64_t zigzag(std::int64_t v) {
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

std::int64_t unzigzag(std::uint64_t u) {
    return static_cast<std::int64_t>(u >> 1) ^ -static_cast<std::int64_t>(u & 1U);
}

// Adds without signed overflow: corrupt input may hold any value, and is range-checked after.
std::int64_t wrapping_add(std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}

void put_varint(std::vector<std::uint8_t>& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(v));
}

void put_signed(std::vector<std::uint8_t>& out, std::int64_t v) {
    put_varint(out, zigzag(v));
}

// Names what is being decoded, for error messages only: built when an error is thrown, not for
// every row read (a reference to a callable that outlives the decoding).
class Describe {
public:
    template <typename F>
    // NOLINTNEXTLINE(google-explicit-constructor): a lambda converts where a name is expected
    Describe(const F& f)
        : m_object(&f), m_call([](const void* o) { return (*static_cast<const F*>(o))(); }) {}
    [[nodiscard]] std::string operator()() const { return m_call(m_object); }

private:
    const void* m_object;
    std::string (*m_call)(const void*);
};

class Reader {
public:
    Reader(std::span<const std::uint8_t> data, Describe what) : m_data(data), m_what(what) {}

    [[noreturn]] void corrupt(const std::string& why) const {
        throw Error(m_what() + " is corrupt: " + why + " (byte " + std::to_string(m_pos) + " of " +
                    std::to_string(m_data.size()) + ")");
    }
    std::uint8_t byte() {
        if (m_pos >= m_data.size()) {
            corrupt("it ends early");
        }
        return m_data[m_pos++];
    }
    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const std::uint8_t b = byte();
            if (shift == 63 && b > 1) {
                corrupt("a number is too long");
            }
            v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        corrupt("a number is too long");
    }
    std::int64_t signed_varint() { return unzigzag(varint()); }
    [[nodiscard]] std::size_t position() const { return m_pos; }

private:
    std::span<const std::uint8_t> m_data;
    Describe m_what;
    std::size_t m_pos = 0;
};

void check_state(Reader& in, std::uint64_t state) {
    if (state >= state_limit || ((state >> work_shift) & 7U) > 6U ||
        ((state >> blade_shift) & 3U) > 2U) {
        in.corrupt("state " + std::to_string(state) + " is not valid");
    }
}

void check_position(Reader& in, const Packed& p) {
    if (p.lon < -lon_limit || p.lon > lon_limit || p.lat < -lat_limit || p.lat > lat_limit) {
        in.corrupt("a position is outside ±180/±90 degrees");
    }
}

void check_value(Reader& in, std::size_t k, std::int64_t v) {
    const bool ok = k == bearing_index ? v >= 0 && v < bearing_units
                                       : v >= -value_limit[k] && v <= value_limit[k];
    if (!ok) {
        in.corrupt(std::string(value_names[k]) + " " + std::to_string(v) + " is out of range");
    }
}

std::int64_t bearing_delta(std::int64_t from, std::int64_t to) {
    return (to - from + bearing_units + bearing_units / 2) % bearing_units - bearing_units / 2;
}

// Where a steady vehicle will be: the previous step again, scaled to this step's length. Only
// over steps that are comparable, and bounded so the product cannot overflow (positions are
// within ±1.8e9 and steps within 10 minutes).
std::int64_t predict(std::int64_t prev, std::int64_t prev_step, std::int64_t dt,
                     std::int64_t prev_dt) {
    if (prev_dt <= 0) {
        return prev;
    }
    if (dt == prev_dt) {
        return prev + prev_step;
    }
    if (dt <= 4 * prev_dt && dt <= 600'000) {
        return prev + prev_step * dt / prev_dt;
    }
    return prev;
}

std::uint32_t read_crc(std::span<const std::uint8_t> data) {
    const std::size_t n = data.size();
    return static_cast<std::uint32_t>(data[n - 4]) | static_cast<std::uint32_t>(data[n - 3]) << 8 |
           static_cast<std::uint32_t>(data[n - 2]) << 16 |
           static_cast<std::uint32_t>(data[n - 1]) << 24;
}

std::uint32_t crc_of(std::span<const std::uint8_t> data) {
    return static_cast<std::uint32_t>(
        crc32(crc32(0L, Z_NULL, 0), data.data(), static_cast<uInt>(data.size())));
}

std::vector<std::uint8_t> encode_packed(std::span<const Packed> fixes) {
    std::vector<std::uint8_t> out;
    out.reserve(16 + fixes.size() * 8);
    out.push_back(block_version);
    put_varint(out, fixes.size());
    Packed prev;
    std::int64_t prev_dt = 0;
    std::int64_t lon_step = 0;
    std::int64_t lat_step = 0;
    for (std::size_t i = 0; i < fixes.size(); ++i) {
        const Packed& p = fixes[i];
        const std::int64_t dt = p.time_ms - prev.time_ms;
        std::uint32_t mask = p.state != prev.state ? state_changed : 0U;
        std::array<std::int64_t, value_count> delta{};
        for (std::size_t k = 0; k < value_count; ++k) {
            if (p.has(k)) {
                delta[k] = k == bearing_index ? bearing_delta(prev.value[k], p.value[k])
                                              : p.value[k] - prev.value[k];
                if (delta[k] != 0) {
                    mask |= 1U << k;
                }
            }
        }
        put_varint(out, zigzag(dt - (i >= 2 ? prev_dt : 0)) << 6 | mask);
        if ((mask & state_changed) != 0) {
            put_varint(out, p.state);
        }
        const std::int64_t lon_dt = i >= 2 ? prev_dt : 0;
        put_signed(out, p.lon - predict(prev.lon, lon_step, dt, lon_dt));
        put_signed(out, p.lat - predict(prev.lat, lat_step, dt, lon_dt));
        for (std::size_t k = 0; k < value_count; ++k) {
            if ((mask & (1U << k)) != 0) {
                put_signed(out, delta[k]);
                prev.value[k] = p.value[k];
            }
        }
        lon_step = p.lon - prev.lon;
        lat_step = p.lat - prev.lat;
        prev_dt = dt;
        prev.time_ms = p.time_ms;
        prev.lon = p.lon;
        prev.lat = p.lat;
        prev.state = p.state;
    }
    const std::uint32_t crc = crc_of(out);
    for (int shift = 0; shift < 32; shift += 8) {
        out.push_back(static_cast<std::uint8_t>(crc >> shift));
    }
    return out;
}

// Decodes a block; with `stop_after_ms` it stops at the first fix later than that.
std::vector<Packed>
decode_packed(std::span<const std::uint8_t> data, Describe what,
              std::int64_t stop_after_ms = std::numeric_limits<std::int64_t>::max()) {
    if (data.size() < 7) {
        Reader(data, what).corrupt("it is too short for a block");
    }
    // The records end where the checksum begins.
    const std::span<const std::uint8_t> body = data.first(data.size() - 4);
    Reader in(body, what);
    if (read_crc(data) != crc_of(body)) {
        in.corrupt("its checksum does not match");
    }
    const std::uint8_t version = in.byte();
    if (version != block_version) {
        in.corrupt("unknown block version " + std::to_string(version));
    }
    const std::uint64_t count = in.varint();
    // Every record takes at least three bytes.
    if (count == 0 || count > data.size() / 3) {
        in.corrupt("it claims " + std::to_string(count) + " fixes");
    }
    std::vector<Packed> fixes;
    fixes.reserve(count);
    Packed prev;
    std::int64_t prev_dt = 0;
    std::int64_t lon_step = 0;
    std::int64_t lat_step = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
        const std::uint64_t head = in.varint();
        const auto mask = static_cast<std::uint32_t>(head & 0x3F);
        const std::int64_t dt = wrapping_add(i >= 2 ? prev_dt : 0, unzigzag(head >> 6));
        if (i > 0 && (dt <= 0 || dt >= 2 * time_limit)) {
            in.corrupt("fix times do not increase");
        }
        Packed p;
        p.time_ms = wrapping_add(prev.time_ms, dt);
        if (p.time_ms <= -time_limit || p.time_ms >= time_limit) {
            in.corrupt("a fix time is out of range");
        }
        p.state = prev.state;
        if ((mask & state_changed) != 0) {
            const std::uint64_t state = in.varint();
            check_state(in, state);
            p.state = static_cast<std::uint32_t>(state);
        }
        const std::int64_t lon_dt = i >= 2 ? prev_dt : 0;
        p.lon = wrapping_add(predict(prev.lon, lon_step, dt, lon_dt), in.signed_varint());
        p.lat = wrapping_add(predict(prev.lat, lat_step, dt, lon_dt), in.signed_varint());
        check_position(in, p);
        p.value = prev.value;
        for (std::size_t k = 0; k < value_count; ++k) {
            if ((mask & (1U << k)) == 0) {
                continue;
            }
            if (!p.has(k)) {
                in.corrupt(std::string("a change of ") + value_names[k] + ", which is absent");
            }
            std::int64_t v = wrapping_add(prev.value[k], in.signed_varint());
            if (k == bearing_index) {
                v = (v % bearing_units + bearing_units) % bearing_units;
            }
            check_value(in, k, v);
            p.value[k] = v;
        }
        if (p.time_ms > stop_after_ms) {
            return fixes;
        }
        lon_step = p.lon - prev.lon;
        lat_step = p.lat - prev.lat;
        prev_dt = dt;
        prev = p;
        fixes.push_back(p);
    }
    if (in.position() != body.size()) {
        in.corrupt("bytes are left after " + std::to_string(count) + " fixes");
    }
    return fixes;
}

std::vector<std::uint8_t> encode_tail(const Packed& p) {
    std::vector<std::uint8_t> out;
    out.reserve(24);
    out.push_back(tail_version);
    put_varint(out, p.state);
    put_signed(out, p.lon);
    put_signed(out, p.lat);
    for (std::size_t k = 0; k < value_count; ++k) {
        if (p.has(k)) {
            put_signed(out, p.value[k]);
        }
    }
    return out;
}

Packed decode_tail(std::span<const std::uint8_t> data, std::int64_t time_ms, Describe what) {
    Reader in(data, what);
    if (in.byte() != tail_version) {
        in.corrupt("unknown tail version");
    }
    Packed p;
    p.time_ms = time_ms;
    const std::uint64_t state = in.varint();
    check_state(in, state);
    p.state = static_cast<std::uint32_t>(state);
    p.lon = in.signed_varint();
    p.lat = in.signed_varint();
    check_position(in, p);
    for (std::size_t k = 0; k < value_count; ++k) {
        if (p.has(k)) {
            p.value[k] = in.signed_varint();
            check_value(in, k, p.value[k]);
        }
    }
    if (in.position() != data.size()) {
        in.corrupt("bytes are left after the fix");
    }
    return p;
}

std::int64_t saturating_sub(std::int64_t a, std::int64_t b) {
    std::int64_t r = 0;
    if (__builtin_sub_overflow(a, b, &r)) {
        return b > 0 ? std::numeric_limits<std::int64_t>::min()
                     : std::numeric_limits<std::int64_t>::max();
    }
    return r;
}

bool earlier(const Fix& a, const Fix& b) {
    return a.vehicle_id != b.vehicle_id ? a.vehicle_id < b.vehicle_id : a.time_ms < b.time_ms;
}

// Blocks and the tail may overlap in time (late fixes), and another writer may have stored a
// fix twice: order and keep one per vehicle and time.
void sort_unique(std::vector<Fix>& fixes) {
    // Usually they come in order already: one vehicle's blocks by time, then its newer tail.
    if (!std::is_sorted(fixes.begin(), fixes.end(), earlier)) {
        std::stable_sort(fixes.begin(), fixes.end(), earlier);
    }
    fixes.erase(std::unique(fixes.begin(), fixes.end(),
                            [](const Fix& a, const Fix& b) {
                                return a.vehicle_id == b.vehicle_id && a.time_ms == b.time_ms;
                            }),
                fixes.end());
}

// Where the block starting at fixes[start] ends: at block_fixes fixes, or before the first fix
// more than block_span_ms after its first.
std::size_t block_end(std::span<const Packed> fixes, std::size_t start) {
    std::size_t end = start + 1;
    while (end < fixes.size() && end - start < SeasonLog::block_fixes &&
           fixes[end].time_ms - fixes[start].time_ms <= SeasonLog::block_span_ms) {
        ++end;
    }
    return end;
}

std::string block_what(const Database& db, std::int64_t block_id, std::int64_t vehicle_id) {
    return db.path().string() + ": fix block " + std::to_string(block_id) + " of vehicle " +
           std::to_string(vehicle_id);
}

std::vector<Packed>
read_block(const Database& db, const Statement& row, int id_column, int vehicle_column,
           int data_column, std::int64_t stop_after_ms = std::numeric_limits<std::int64_t>::max()) {
    const std::vector<std::uint8_t> data = row.column_blob(data_column);
    const auto what = [&] {
        return block_what(db, row.column_int64(id_column), row.column_int64(vehicle_column));
    };
    return decode_packed(data, what, stop_after_ms);
}

Packed read_tail(const Database& db, const Statement& row, std::int64_t vehicle_id, int time_column,
                 int fix_column) {
    const std::int64_t time_ms = row.column_int64(time_column);
    const std::vector<std::uint8_t> data = row.column_blob(fix_column);
    const auto what = [&] {
        return db.path().string() + ": fix_tail row of " + describe(vehicle_id, time_ms);
    };
    return decode_tail(data, time_ms, what);
}

} // namespace

std::string_view key(Blade blade) {
    switch (blade) {
    case Blade::up:
        return "up";
    case Blade::down:
        return "down";
    case Blade::unknown:
        break;
    }
    return "";
}

std::string_view key(WorkType work) {
    for (const WorkNames& n : work_names) {
        if (n.work == work) {
            return n.key;
        }
    }
    return "unknown";
}

std::string_view japanese_name(WorkType work) {
    for (const WorkNames& n : work_names) {
        if (n.work == work) {
            return n.japanese;
        }
    }
    return "不明";
}

std::optional<WorkType> parse_work_type(std::string_view text) {
    for (const WorkNames& n : work_names) {
        if (text == n.key) {
            return n.work;
        }
    }
    return std::nullopt;
}

bool is_service(WorkType work) {
    return work != WorkType::unknown && work != WorkType::travel;
}

std::vector<std::uint8_t> encode_fix_block(std::span<const Fix> fixes) {
    if (fixes.empty()) {
        throw Error("a fix block needs at least one fix");
    }
    std::vector<Packed> packed;
    packed.reserve(fixes.size());
    for (std::size_t i = 0; i < fixes.size(); ++i) {
        const Fix& f = fixes[i];
        if (f.vehicle_id != fixes[0].vehicle_id) {
            throw Error("a fix block holds one vehicle: " + describe(f.vehicle_id, f.time_ms) +
                        " in a block of vehicle " + std::to_string(fixes[0].vehicle_id));
        }
        if (i > 0 && f.time_ms <= fixes[i - 1].time_ms) {
            throw Error(describe(f.vehicle_id, f.time_ms) +
                        ": fixes of a block must be in increasing time order");
        }
        packed.push_back(pack(f));
    }
    return encode_packed(packed);
}

std::vector<Fix> decode_fix_block(std::span<const std::uint8_t> block, std::int64_t vehicle_id) {
    const std::vector<Packed> packed =
        decode_packed(block, [&] { return "fix block of vehicle " + std::to_string(vehicle_id); });
    std::vector<Fix> fixes;
    fixes.reserve(packed.size());
    for (const Packed& p : packed) {
        fixes.push_back(unpack(p, vehicle_id));
    }
    return fixes;
}

SeasonLog::SeasonLog(Database& db) : m_db(db) {}

void SeasonLog::open_for_logging(Database& db) {
    std::string mode;
    {
        Statement wal(db, "PRAGMA journal_mode = WAL");
        mode = wal.step() ? wal.column_text(0) : std::string();
    }
    if (mode != "wal") {
        throw Error(db.path().string() + ": cannot switch to WAL journal mode (it stays '" + mode +
                    "'); the season log needs WAL to survive a crash");
    }
    db.exec("PRAGMA synchronous = FULL");
    Statement sync(db, "PRAGMA synchronous");
    if (!sync.step() || sync.column_int(0) != 2) {
        throw Error(db.path().string() + ": cannot set synchronous = FULL");
    }
}

void SeasonLog::refresh_caches() {
    Statement version(m_db, "PRAGMA data_version");
    const std::int64_t now = version.step() ? version.column_int64(0) : -1;
    if (now != m_data_version) {
        m_vehicles.clear();
        m_data_version = now;
    }
}

SeasonLog::VehicleCache SeasonLog::load_cache(std::int64_t vehicle_id) {
    VehicleCache cache;
    Statement tail(
        m_db, "SELECT count(*), min(time_ms), max(time_ms) FROM fix_tail WHERE vehicle_id = ?");
    tail.bind(1, vehicle_id);
    if (tail.step() && tail.column_int64(0) > 0) {
        cache.tail_count = tail.column_int64(0);
        cache.tail_first_ms = tail.column_int64(1);
        cache.tail_last_ms = tail.column_int64(2);
        cache.last_ms = cache.tail_last_ms;
    }
    // The block ending last starts at most block_span_ms before the block starting last.
    Statement block(m_db, "SELECT max(last_ms) FROM fix_blocks WHERE vehicle_id = ?1 AND "
                          "first_ms >= (SELECT max(first_ms) FROM fix_blocks WHERE vehicle_id = "
                          "?1) - ?2");
    block.bind(1, vehicle_id).bind(2, block_span_ms);
    if (block.step() && !block.is_null(0)) {
        cache.last_ms = std::max(cache.last_ms.value_or(std::numeric_limits<std::int64_t>::min()),
                                 block.column_int64(0));
    }
    return cache;
}

AppendResult SeasonLog::append(std::span<const Fix> fixes) {
    AppendResult result;
    if (fixes.empty()) {
        return result;
    }
    std::vector<std::size_t> order(fixes.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    // Stable: of equal fixes the first given is the one kept.
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return earlier(fixes[a], fixes[b]); });

    Transaction tx(m_db);
    refresh_caches();
    Statement insert(m_db,
                     "INSERT OR IGNORE INTO fix_tail (vehicle_id, time_ms, fix) VALUES (?, ?, ?)");
    std::unordered_map<std::int64_t, VehicleCache> updated;
    for (std::size_t begin = 0; begin < order.size();) {
        const std::int64_t vehicle_id = fixes[order[begin]].vehicle_id;
        std::size_t end = begin;
        while (end < order.size() && fixes[order[end]].vehicle_id == vehicle_id) {
            ++end;
        }
        auto cached = m_vehicles.find(vehicle_id);
        VehicleCache cache = cached != m_vehicles.end() ? cached->second : load_cache(vehicle_id);

        // Fixes not newer than the last stored one may repeat a sealed fix; they come first in
        // the sorted group. Newer ones can only repeat tail rows, which the insert ignores.
        std::vector<std::int64_t> sealed_times;
        if (cache.last_ms && fixes[order[begin]].time_ms <= *cache.last_ms) {
            std::int64_t old_last = fixes[order[begin]].time_ms;
            for (std::size_t i = begin; i < end && fixes[order[i]].time_ms <= *cache.last_ms; ++i) {
                old_last = fixes[order[i]].time_ms;
            }
            const std::int64_t old_first = fixes[order[begin]].time_ms;
            Statement blocks(m_db, "SELECT id, vehicle_id, data FROM fix_blocks WHERE vehicle_id "
                                   "= ? AND first_ms <= ? AND first_ms >= ? AND last_ms >= ?");
            blocks.bind(1, vehicle_id)
                .bind(2, old_last)
                .bind(3, saturating_sub(old_first, block_span_ms))
                .bind(4, old_first);
            while (blocks.step()) {
                for (const Packed& p : read_block(m_db, blocks, 0, 1, 2)) {
                    sealed_times.push_back(p.time_ms);
                }
            }
            std::sort(sealed_times.begin(), sealed_times.end());
        }

        for (std::size_t i = begin; i < end; ++i) {
            const Fix& fix = fixes[order[i]];
            if (i > begin && fix.time_ms == fixes[order[i - 1]].time_ms) {
                ++result.duplicates;
                continue;
            }
            const Packed packed = pack(fix);
            if (std::binary_search(sealed_times.begin(), sealed_times.end(), fix.time_ms)) {
                ++result.duplicates;
                continue;
            }
            insert.bind(1, vehicle_id).bind(2, fix.time_ms).bind_blob(3, encode_tail(packed)).run();
            if (sqlite3_changes(m_db.handle()) == 0) {
                ++result.duplicates;
                continue;
            }
            ++result.stored;
            if (cache.tail_count == 0) {
                cache.tail_first_ms = cache.tail_last_ms = fix.time_ms;
            } else {
                cache.tail_first_ms = std::min(cache.tail_first_ms, fix.time_ms);
                cache.tail_last_ms = std::max(cache.tail_last_ms, fix.time_ms);
            }
            ++cache.tail_count;
            cache.last_ms = std::max(cache.last_ms.value_or(fix.time_ms), fix.time_ms);
        }
        if (cache.tail_count >= static_cast<std::int64_t>(block_fixes) ||
            cache.tail_last_ms - cache.tail_first_ms > block_span_ms) {
            seal(vehicle_id, false, cache);
        }
        updated[vehicle_id] = cache;
        begin = end;
    }
    tx.commit();
    // Only now: a rolled-back append must not leave the caches ahead of the file.
    for (const auto& [vehicle_id, cache] : updated) {
        m_vehicles[vehicle_id] = cache;
    }
    return result;
}

void SeasonLog::seal(std::int64_t vehicle_id, bool everything, VehicleCache& cache) {
    std::vector<Packed> tail;
    {
        Statement read(m_db,
                       "SELECT time_ms, fix FROM fix_tail WHERE vehicle_id = ? ORDER BY time_ms");
        read.bind(1, vehicle_id);
        while (read.step()) {
            tail.push_back(read_tail(m_db, read, vehicle_id, 0, 1));
        }
    }
    Statement insert(m_db, "INSERT INTO fix_blocks (vehicle_id, first_ms, last_ms, fix_count, "
                           "data) VALUES (?, ?, ?, ?, ?)");
    Statement overlapping(m_db, "SELECT id, vehicle_id, data FROM fix_blocks WHERE vehicle_id = ? "
                                "AND first_ms <= ? AND first_ms >= ? AND last_ms >= ?");
    Statement erase_block(m_db, "DELETE FROM fix_blocks WHERE id = ?");
    Statement erase_tail(m_db,
                         "DELETE FROM fix_tail WHERE vehicle_id = ? AND time_ms BETWEEN ? AND ?");
    auto write = [&](std::span<const Packed> block) {
        insert.bind(1, vehicle_id)
            .bind(2, block.front().time_ms)
            .bind(3, block.back().time_ms)
            .bind(4, static_cast<std::int64_t>(block.size()))
            .bind_blob(5, encode_packed(block))
            .run();
    };
    std::size_t start = 0;
    while (start < tail.size()) {
        const std::size_t end = block_end(tail, start);
        // A block is complete when it is full or the next fix is too late for it; the rest
        // waits in the tail for more fixes.
        if (!everything && end == tail.size() && end - start < block_fixes) {
            break;
        }
        const std::span<const Packed> block(tail.data() + start, end - start);
        // Late fixes may fall within sealed blocks. Those are merged with them, so a vehicle's
        // blocks never overlap in time and at() needs only the last block before T.
        overlapping.bind(1, vehicle_id)
            .bind(2, block.back().time_ms)
            .bind(3, saturating_sub(block.front().time_ms, block_span_ms))
            .bind(4, block.front().time_ms);
        std::vector<Packed> merged;
        std::vector<std::int64_t> merged_ids;
        while (overlapping.step()) {
            merged_ids.push_back(overlapping.column_int64(0));
            const std::vector<Packed> old = read_block(m_db, overlapping, 0, 1, 2);
            merged.insert(merged.end(), old.begin(), old.end());
        }
        overlapping.reset();
        if (merged_ids.empty()) {
            write(block);
        } else {
            merged.insert(merged.end(), block.begin(), block.end());
            std::stable_sort(merged.begin(), merged.end(), [](const Packed& x, const Packed& y) {
                return x.time_ms < y.time_ms;
            });
            merged.erase(std::unique(merged.begin(), merged.end(),
                                     [](const Packed& x, const Packed& y) {
                                         return x.time_ms == y.time_ms;
                                     }),
                         merged.end());
            for (std::int64_t id : merged_ids) {
                erase_block.bind(1, id).run();
            }
            for (std::size_t m = 0; m < merged.size();) {
                const std::size_t m_end = block_end(merged, m);
                write(std::span<const Packed>(merged.data() + m, m_end - m));
                m = m_end;
            }
        }
        erase_tail.bind(1, vehicle_id)
            .bind(2, block.front().time_ms)
            .bind(3, block.back().time_ms)
            .run();
        start = end;
    }
    cache.tail_count = static_cast<std::int64_t>(tail.size() - start);
    cache.tail_first_ms = start < tail.size() ? tail[start].time_ms : 0;
    cache.tail_last_ms = start < tail.size() ? tail.back().time_ms : 0;
}

void SeasonLog::seal_all() {
    Transaction tx(m_db);
    refresh_caches();
    std::vector<std::int64_t> vehicles;
    {
        Statement list(m_db, "SELECT DISTINCT vehicle_id FROM fix_tail ORDER BY vehicle_id");
        while (list.step()) {
            vehicles.push_back(list.column_int64(0));
        }
    }
    std::unordered_map<std::int64_t, VehicleCache> updated;
    for (std::int64_t vehicle_id : vehicles) {
        auto cached = m_vehicles.find(vehicle_id);
        VehicleCache cache = cached != m_vehicles.end() ? cached->second : load_cache(vehicle_id);
        seal(vehicle_id, true, cache);
        updated[vehicle_id] = cache;
    }
    tx.commit();
    for (const auto& [vehicle_id, cache] : updated) {
        m_vehicles[vehicle_id] = cache;
    }
}

std::vector<Fix> SeasonLog::fixes(std::int64_t vehicle_id, std::int64_t from_ms,
                                  std::int64_t to_ms) {
    std::vector<Fix> out;
    if (from_ms >= to_ms) {
        return out;
    }
    // A block never spans more than block_span_ms, so one reaching from_ms starts after
    // from_ms - block_span_ms.
    Statement blocks(m_db, "SELECT id, vehicle_id, data FROM fix_blocks WHERE vehicle_id = ? AND "
                           "first_ms < ? AND first_ms >= ? AND last_ms >= ? ORDER BY first_ms");
    blocks.bind(1, vehicle_id)
        .bind(2, to_ms)
        .bind(3, saturating_sub(from_ms, block_span_ms))
        .bind(4, from_ms);
    while (blocks.step()) {
        for (const Packed& p : read_block(m_db, blocks, 0, 1, 2, to_ms - 1)) {
            if (p.time_ms >= from_ms) {
                out.push_back(unpack(p, vehicle_id));
            }
        }
    }
    Statement tail(m_db, "SELECT time_ms, fix FROM fix_tail WHERE vehicle_id = ? AND time_ms >= ? "
                         "AND time_ms < ?");
    tail.bind(1, vehicle_id).bind(2, from_ms).bind(3, to_ms);
    while (tail.step()) {
        out.push_back(unpack(read_tail(m_db, tail, vehicle_id, 0, 1), vehicle_id));
    }
    sort_unique(out);
    return out;
}

std::vector<Fix> SeasonLog::range(std::int64_t from_ms, std::int64_t to_ms) {
    // By vehicle, then the vehicles in order: sorting each vehicle's fixes (in order already, as
    // a rule) costs far less than sorting them all together.
    std::unordered_map<std::int64_t, std::vector<Fix>> by_vehicle =
        range_by_vehicle(from_ms, to_ms);
    std::vector<std::int64_t> ids;
    std::size_t count = 0;
    for (const auto& [id, fixes] : by_vehicle) {
        ids.push_back(id);
        count += fixes.size();
    }
    std::sort(ids.begin(), ids.end());
    std::vector<Fix> out;
    out.reserve(count);
    for (const std::int64_t id : ids) {
        const std::vector<Fix>& fixes = by_vehicle[id];
        out.insert(out.end(), fixes.begin(), fixes.end());
    }
    return out;
}

std::unordered_map<std::int64_t, std::vector<Fix>> SeasonLog::range_by_vehicle(std::int64_t from_ms,
                                                                               std::int64_t to_ms) {
    std::unordered_map<std::int64_t, std::vector<Fix>> out;
    if (from_ms >= to_ms) {
        return out;
    }
    // By the time index: each vehicle's blocks come by their start, so in time order.
    Statement blocks(m_db, "SELECT id, vehicle_id, data FROM fix_blocks WHERE first_ms < ? AND "
                           "first_ms >= ? AND last_ms >= ?");
    blocks.bind(1, to_ms).bind(2, saturating_sub(from_ms, block_span_ms)).bind(3, from_ms);
    while (blocks.step()) {
        const std::int64_t vehicle_id = blocks.column_int64(1);
        std::vector<Fix>& fixes = out[vehicle_id];
        for (const Packed& p : read_block(m_db, blocks, 0, 1, 2, to_ms - 1)) {
            if (p.time_ms >= from_ms) {
                fixes.push_back(unpack(p, vehicle_id));
            }
        }
    }
    Statement tail(
        m_db, "SELECT vehicle_id, time_ms, fix FROM fix_tail WHERE time_ms >= ? AND time_ms < ?");
    tail.bind(1, from_ms).bind(2, to_ms);
    while (tail.step()) {
        const std::int64_t vehicle_id = tail.column_int64(0);
        out[vehicle_id].push_back(unpack(read_tail(m_db, tail, vehicle_id, 1, 2), vehicle_id));
    }
    for (auto it = out.begin(); it != out.end();) {
        if (it->second.empty()) {
            it = out.erase(it); // a block spanning the range without a fix inside it
        } else {
            sort_unique(it->second);
            ++it;
        }
    }
    return out;
}

std::optional<Fix> SeasonLog::last_before(std::int64_t vehicle_id, std::int64_t time_ms,
                                          std::uint8_t skip_flags) {
    const auto usable = [&](const Packed& p) {
        return ((p.state >> flags_shift) & skip_flags) == 0;
    };
    std::optional<Packed> best;
    // A vehicle's blocks never overlap in time: walk back from the last one starting before T
    // until one holds a usable fix.
    Statement blocks(m_db, "SELECT id, vehicle_id, data FROM fix_blocks WHERE vehicle_id = ? "
                           "AND first_ms < ? ORDER BY first_ms DESC");
    blocks.bind(1, vehicle_id).bind(2, time_ms);
    while (!best && blocks.step()) {
        const std::vector<Packed> block = read_block(m_db, blocks, 0, 1, 2, time_ms - 1);
        for (auto p = block.rbegin(); p != block.rend(); ++p) {
            if (p->time_ms < time_ms && usable(*p)) {
                best = *p;
                break;
            }
        }
    }
    Statement tail(m_db, "SELECT time_ms, fix FROM fix_tail WHERE vehicle_id = ? AND time_ms < ? "
                         "AND time_ms > ? ORDER BY time_ms DESC");
    tail.bind(1, vehicle_id)
        .bind(2, time_ms)
        .bind(3, best ? best->time_ms : std::numeric_limits<std::int64_t>::min());
    while (tail.step()) {
        const Packed p = read_tail(m_db, tail, vehicle_id, 0, 1);
        if (usable(p)) {
            best = p;
            break;
        }
    }
    if (!best) {
        return std::nullopt;
    }
    return unpack(*best, vehicle_id);
}

std::optional<std::pair<std::int64_t, std::int64_t>> SeasonLog::extent() {
    std::optional<std::int64_t> first;
    std::optional<std::int64_t> last;
    const auto widen = [&](std::int64_t lo, std::int64_t hi) {
        first = first ? std::min(*first, lo) : lo;
        last = last ? std::max(*last, hi) : hi;
    };
    Statement starts(m_db, "SELECT min(first_ms), max(first_ms) FROM fix_blocks");
    if (starts.step() && !starts.is_null(0)) {
        // A block spans at most block_span_ms: the last fix is in a block that starts within
        // that of the latest start.
        Statement end(m_db, "SELECT max(last_ms) FROM fix_blocks WHERE first_ms >= ?");
        end.bind(1, saturating_sub(starts.column_int64(1), block_span_ms));
        if (end.step() && !end.is_null(0)) {
            widen(starts.column_int64(0), end.column_int64(0));
        }
    }
    Statement tail(m_db, "SELECT min(time_ms), max(time_ms) FROM fix_tail");
    if (tail.step() && !tail.is_null(0)) {
        widen(tail.column_int64(0), tail.column_int64(1));
    }
    if (!first) {
        return std::nullopt;
    }
    return std::pair{*first, *last};
}

std::vector<std::int64_t> SeasonLog::vehicles() {
    std::vector<std::int64_t> ids;
    Statement next(m_db, "SELECT min(vehicle_id) FROM fix_blocks WHERE vehicle_id > ?");
    std::int64_t after = std::numeric_limits<std::int64_t>::min();
    while (true) {
        next.bind(1, after);
        if (!next.step() || next.is_null(0)) {
            break;
        }
        after = next.column_int64(0);
        next.reset();
        ids.push_back(after);
    }
    Statement tail(m_db, "SELECT DISTINCT vehicle_id FROM fix_tail");
    while (tail.step()) {
        ids.push_back(tail.column_int64(0));
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

std::vector<std::int64_t> SeasonLog::vehicles(std::int64_t from_ms, std::int64_t to_ms) {
    std::vector<std::int64_t> ids;
    if (from_ms >= to_ms) {
        return ids;
    }
    Statement query(m_db, "SELECT vehicle_id FROM fix_tail WHERE time_ms >= ?1 AND time_ms < ?2 "
                          "UNION SELECT vehicle_id FROM fix_blocks WHERE first_ms < ?2 AND "
                          "first_ms >= ?3 AND last_ms >= ?1 ORDER BY 1");
    query.bind(1, from_ms).bind(2, to_ms).bind(3, saturating_sub(from_ms, block_span_ms));
    while (query.step()) {
        ids.push_back(query.column_int64(0));
    }
    return ids;
}

std::vector<Fix> SeasonLog::at(std::int64_t time_ms, std::int64_t max_age_ms) {
    std::vector<Fix> out;
    if (max_age_ms < 0) {
        return out;
    }
    const std::int64_t oldest = saturating_sub(time_ms, max_age_ms);
    std::map<std::int64_t, Packed> best;
    // A vehicle's blocks never overlap in time (seal() merges late fixes into them), so its
    // last fix at or before T among the blocks is in its last block starting at or before T.
    // The vehicles are found by seeking along the index on (vehicle_id, first_ms).
    Statement next_vehicle(m_db, "SELECT min(vehicle_id) FROM fix_blocks WHERE vehicle_id > ?");
    Statement last_block(m_db, "SELECT id, vehicle_id, last_ms, data FROM fix_blocks WHERE "
                               "vehicle_id = ? AND first_ms <= ? ORDER BY first_ms DESC LIMIT 1");
    std::int64_t after = std::numeric_limits<std::int64_t>::min();
    while (true) {
        next_vehicle.bind(1, after);
        if (!next_vehicle.step() || next_vehicle.is_null(0)) {
            break;
        }
        const std::int64_t vehicle_id = next_vehicle.column_int64(0);
        next_vehicle.reset();
        after = vehicle_id;
        last_block.bind(1, vehicle_id).bind(2, time_ms);
        if (last_block.step() && last_block.column_int64(2) >= oldest) {
            const std::vector<Packed> block = read_block(m_db, last_block, 0, 1, 3, time_ms);
            if (!block.empty() && block.back().time_ms >= oldest) {
                best[vehicle_id] = block.back();
            }
        }
        last_block.reset();
    }
    // SQLite takes the bare column `fix` from the row holding max(time_ms).
    Statement tail(m_db, "SELECT vehicle_id, max(time_ms), fix FROM fix_tail WHERE time_ms <= ? "
                         "AND time_ms >= ? GROUP BY vehicle_id");
    tail.bind(1, time_ms).bind(2, oldest);
    while (tail.step()) {
        const std::int64_t vehicle_id = tail.column_int64(0);
        const Packed candidate = read_tail(m_db, tail, vehicle_id, 1, 2);
        const auto found = best.find(vehicle_id);
        if (found == best.end() || candidate.time_ms > found->second.time_ms) {
            best[vehicle_id] = candidate;
        }
    }
    out.reserve(best.size());
    for (const auto& [vehicle_id, p] : best) {
        out.push_back(unpack(p, vehicle_id));
    }
    return out;
}

std::optional<std::int64_t> SeasonLog::last_time(std::int64_t vehicle_id) {
    refresh_caches();
    auto cached = m_vehicles.find(vehicle_id);
    if (cached == m_vehicles.end()) {
        cached = m_vehicles.emplace(vehicle_id, load_cache(vehicle_id)).first;
    }
    return cached->second.last_ms;
}

SeasonLogStats SeasonLog::stats() {
    SeasonLogStats stats;
    Statement counts(m_db, "SELECT (SELECT count(*) FROM fix_blocks), (SELECT coalesce(sum("
                           "fix_count), 0) FROM fix_blocks), (SELECT count(*) FROM fix_tail)");
    counts.step();
    stats.block_count = counts.column_int64(0);
    stats.tail_count = counts.column_int64(2);
    stats.fix_count = counts.column_int64(1) + stats.tail_count;
    bool have_dbstat = false;
    {
        // Not every SQLite build has dbstat (SQLITE_ENABLE_DBSTAT_VTAB): probe for it.
        sqlite3_stmt* probe = nullptr;
        have_dbstat = sqlite3_prepare_v2(m_db.handle(), "SELECT 1 FROM dbstat LIMIT 0", -1, &probe,
                                         nullptr) == SQLITE_OK;
        sqlite3_finalize(probe);
    }
    if (have_dbstat) {
        Statement pages(m_db, "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN "
                              "('fix_tail', 'fix_blocks', 'fix_blocks_vehicle', "
                              "'fix_blocks_time')");
        pages.step();
        stats.stored_bytes = pages.column_int64(0);
    } else {
        Statement bytes(m_db, "SELECT (SELECT coalesce(sum(length(data)), 0) + 64 * count(*) FROM "
                              "fix_blocks) + (SELECT coalesce(sum(length(fix)), 0) + 24 * "
                              "count(*) FROM fix_tail)");
        bytes.step();
        stats.stored_bytes = bytes.column_int64(0);
    }
    return stats;
}

} // namespace ykm::data

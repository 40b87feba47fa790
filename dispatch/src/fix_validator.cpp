#include "ykm/dispatch/fix_validator.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numbers>

namespace ykm::dispatch {
namespace {

constexpr double earth_radius_m = 6'371'008.8;
constexpr std::int64_t year_2000_ms = 946'684'800'000;
constexpr std::int64_t max_ahead_ms = 86'400'000;
constexpr double null_island_deg = 1e-6;
constexpr int jumps_to_move = 3;

double radians(double deg) {
    return deg * std::numbers::pi / 180.0;
}

double distance_m(const gis::LonLat& a, const gis::LonLat& b) {
    const double dlat = radians(b.lat_deg - a.lat_deg);
    const double dlon = radians(b.lon_deg - a.lon_deg);
    const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                     std::cos(radians(a.lat_deg)) * std::cos(radians(b.lat_deg)) *
                         std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2.0 * earth_radius_m * std::asin(std::min(1.0, std::sqrt(h)));
}

bool too_fast(const gis::LonLat& from, std::int64_t from_ms, const gis::LonLat& to,
              std::int64_t to_ms, double max_speed_mps) {
    // Two fixes in the same second: allow a second's travel (clocks round differently).
    const double dt_s = std::max<double>(static_cast<double>(to_ms - from_ms) / 1000.0, 1.0);
    return distance_m(from, to) / dt_s > max_speed_mps;
}

std::string position_text(const gis::LonLat& p) {
    std::array<char, 64> buffer{};
    // %g for values no position has: a 1e300 must not print 300 digits.
    const bool plausible = std::abs(p.lat_deg) <= 90.0 && std::abs(p.lon_deg) <= 180.0;
    std::snprintf(buffer.data(), buffer.size(), plausible ? "lat %.6f lon %.6f" : "lat %g lon %g",
                  p.lat_deg, p.lon_deg);
    return std::string(buffer.data()); // snprintf cuts and terminates
}

FixVerdict reject(RejectReason reason, std::string message) {
    return FixVerdict{std::nullopt, reason, std::move(message)};
}

} // namespace

std::string_view key(RejectReason reason) {
    switch (reason) {
    case RejectReason::unknown_device:
        return "unknown_device";
    case RejectReason::null_island:
        return "null_island";
    case RejectReason::out_of_range:
        return "out_of_range";
    case RejectReason::outside_project:
        return "outside_project";
    }
    return "unknown";
}

FixValidator::FixValidator(std::map<std::string, std::int64_t> devices, gis::Box extent_lonlat,
                           double margin_m, double max_speed_mps)
    : m_devices(std::move(devices)), m_extent(extent_lonlat), m_margin_m(margin_m),
      m_max_speed_mps(max_speed_mps) {}

void FixValidator::set_devices(std::map<std::string, std::int64_t> devices) {
    m_devices = std::move(devices);
}

FixVerdict FixValidator::check(const DeviceFix& fix, std::int64_t now_ms) {
    const auto device = m_devices.find(fix.device_id);
    if (device == m_devices.end()) {
        return reject(RejectReason::unknown_device,
                      "device '" + fix.device_id + "' is not registered");
    }
    const gis::LonLat p = fix.fix.position;
    const auto who = [&fix] { return "device '" + fix.device_id + "': "; };
    if (!std::isfinite(p.lat_deg) || !std::isfinite(p.lon_deg) || std::abs(p.lat_deg) > 90.0 ||
        std::abs(p.lon_deg) > 180.0) {
        return reject(RejectReason::out_of_range,
                      who() + "position " + position_text(p) + " is outside ±90/±180");
    }
    if (fix.fix.time_ms < year_2000_ms) {
        return reject(RejectReason::out_of_range,
                      who() + "time " + format_time_utc(fix.fix.time_ms) + " is before 2000-01-01");
    }
    if (fix.fix.time_ms > now_ms + max_ahead_ms) {
        return reject(RejectReason::out_of_range,
                      who() + "time " + format_time_utc(fix.fix.time_ms) +
                          " is more than a day ahead of now (" + format_time_utc(now_ms) + ")");
    }
    if (std::abs(p.lat_deg) < null_island_deg && std::abs(p.lon_deg) < null_island_deg) {
        return reject(RejectReason::null_island, who() + "position 0,0 (the receiver has no fix)");
    }
    const bool inside = p.lon_deg >= m_extent.min_x && p.lon_deg <= m_extent.max_x &&
                        p.lat_deg >= m_extent.min_y && p.lat_deg <= m_extent.max_y;
    if (!m_extent.is_empty() && !inside) {
        const gis::LonLat nearest{std::clamp(p.lon_deg, m_extent.min_x, m_extent.max_x),
                                  std::clamp(p.lat_deg, m_extent.min_y, m_extent.max_y)};
        const double outside_m = distance_m(p, nearest);
        if (outside_m > m_margin_m) {
            std::array<char, 32> km{};
            std::snprintf(km.data(), km.size(), "%.1f", outside_m / 1000.0);
            return reject(RejectReason::outside_project, who() + "position " + position_text(p) +
                                                             " is " + km.data() +
                                                             " km outside the project area");
        }
    }

    data::Fix accepted = fix.fix;
    accepted.vehicle_id = device->second;
    const auto [it, first] = m_last.try_emplace(device->second);
    Last& last = it->second;
    if (first) {
        last.time_ms = accepted.time_ms;
        last.position = p;
        last.latest_ms = accepted.time_ms;
    } else if (accepted.time_ms < last.latest_ms) {
        accepted.flags |= data::fix_flags::late;
    } else if (too_fast(last.position, last.time_ms, p, accepted.time_ms, m_max_speed_mps)) {
        const bool agrees =
            last.jump_streak > 0 && accepted.time_ms > last.jump_time_ms &&
            !too_fast(last.jump_position, last.jump_time_ms, p, accepted.time_ms, m_max_speed_mps);
        last.jump_streak = agrees ? last.jump_streak + 1 : 1;
        last.jump_time_ms = accepted.time_ms;
        last.jump_position = p;
        last.latest_ms = accepted.time_ms;
        if (last.jump_streak >= jumps_to_move) {
            last.time_ms = accepted.time_ms;
            last.position = p;
            last.jump_streak = 0;
        } else {
            accepted.flags |= data::fix_flags::speed_jump;
        }
    } else {
        last.time_ms = accepted.time_ms;
        last.position = p;
        last.latest_ms = accepted.time_ms;
        last.jump_streak = 0;
    }
    return FixVerdict{accepted, std::nullopt, {}};
}

std::map<std::string, std::int64_t> load_device_table(data::Database& db) {
    std::map<std::string, std::int64_t> devices;
    data::Statement q(db, "SELECT device_id, id FROM vehicles WHERE device_id IS NOT NULL AND "
                          "device_id <> ''");
    while (q.step()) {
        devices.emplace(q.column_text(0), q.column_int64(1));
    }
    return devices;
}

} // namespace ykm::dispatch

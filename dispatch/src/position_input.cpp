#include "ykm/dispatch/position_input.hpp"

#include "ykm/gis/error.hpp"

#include <expat.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>

namespace ykm::dispatch {
namespace {

constexpr double knots_to_mps = 1852.0 / 3600.0;
constexpr double max_speed_mps = 300.0; // above any road vehicle: a broken unit, not a plow
constexpr std::size_t max_device_id_bytes = 64;
constexpr std::int64_t ms_per_day = 86'400'000;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
        s.remove_suffix(1);
    }
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return out;
}

/// A value as it may appear in a message or a log line: control characters replaced (no log
/// injection), long values cut.
std::string shown(std::string_view value) {
    constexpr std::size_t max_shown = 40;
    std::string out;
    for (char c : value.substr(0, max_shown)) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7f ? '?' : c);
    }
    if (value.size() > max_shown) {
        out += "...";
    }
    return out;
}

std::string in_quotes(std::string_view value) {
    return "'" + shown(value) + "'";
}

/// A finite decimal number filling all of `text`; the reason otherwise.
std::optional<double> to_number(std::string_view text, std::string& why) {
    text = trim(text);
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
    }
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || end != text.data() + text.size() ||
        (ec != std::errc{} && ec != std::errc::result_out_of_range)) {
        why = "is not a number";
        return std::nullopt;
    }
    if (ec == std::errc::result_out_of_range || !std::isfinite(value)) {
        why = "is not a finite number";
        return std::nullopt;
    }
    return value;
}

std::string format_number(double v) {
    std::array<char, 32> buffer{};
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
    return ec == std::errc{} ? std::string(buffer.data(), end) : std::string("?");
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int digits_value(std::string_view s) {
    int v = 0;
    for (char c : s) {
        v = v * 10 + (c - '0');
    }
    return v;
}

std::optional<std::int64_t> days_from_date(int year, int month, int day) {
    using namespace std::chrono;
    const year_month_day ymd{std::chrono::year{year},
                             std::chrono::month{static_cast<unsigned>(month)},
                             std::chrono::day{static_cast<unsigned>(day)}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    return sys_days{ymd}.time_since_epoch().count();
}

/// Milliseconds of a fraction of a second given as digits after the point ("5" → 500).
std::int64_t fraction_ms(std::string_view digits) {
    std::int64_t ms = 0;
    std::int64_t scale = 100;
    for (char c : digits.substr(0, 3)) {
        ms += (c - '0') * scale;
        scale /= 10;
    }
    return ms;
}

std::optional<std::int64_t> parse_iso8601(std::string_view s, std::string& why) {
    // YYYY-MM-DD[T ]HH:MM:SS[.fff][Z|±HH[:MM]]
    if (s.size() < 19 || s[4] != '-' || s[7] != '-' ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':' ||
        !all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) || !all_digits(s.substr(8, 2)) ||
        !all_digits(s.substr(11, 2)) || !all_digits(s.substr(14, 2)) ||
        !all_digits(s.substr(17, 2))) {
        why = "is not a time (Unix seconds, milliseconds or ISO 8601)";
        return std::nullopt;
    }
    const int hour = digits_value(s.substr(11, 2));
    const int minute = digits_value(s.substr(14, 2));
    const int second = digits_value(s.substr(17, 2));
    const auto days = days_from_date(digits_value(s.substr(0, 4)), digits_value(s.substr(5, 2)),
                                     digits_value(s.substr(8, 2)));
    if (!days || hour > 23 || minute > 59 || second > 60) {
        why = "is not a valid date and time";
        return std::nullopt;
    }
    std::string_view rest = s.substr(19);
    std::int64_t ms = 0;
    if (!rest.empty() && (rest.front() == '.' || rest.front() == ',')) {
        std::size_t n = 1;
        while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') {
            ++n;
        }
        if (n == 1) {
            why = "has an empty fraction of a second";
            return std::nullopt;
        }
        ms = fraction_ms(rest.substr(1, n - 1));
        rest.remove_prefix(n);
    }
    std::int64_t offset_min = 0;
    if (rest == "Z" || rest == "z") {
        offset_min = 0;
    } else if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) {
        const std::int64_t sign = rest.front() == '-' ? -1 : 1;
        std::string_view zone = rest.substr(1);
        std::string_view hh = zone.substr(0, 2);
        std::string_view mm;
        if (zone.size() == 5 && zone[2] == ':') {
            mm = zone.substr(3, 2);
        } else if (zone.size() == 4) {
            mm = zone.substr(2, 2);
        } else if (zone.size() != 2) {
            why = "has a malformed zone offset";
            return std::nullopt;
        }
        if (!all_digits(hh) || (!mm.empty() && !all_digits(mm)) || digits_value(hh) > 18 ||
            (!mm.empty() && digits_value(mm) > 59)) {
            why = "has a malformed zone offset";
            return std::nullopt;
        }
        offset_min = sign * (digits_value(hh) * 60 + (mm.empty() ? 0 : digits_value(mm)));
    } else if (rest.empty()) {
        why = "has no time zone (add Z or +09:00)";
        return std::nullopt;
    } else {
        why = "is not a time (Unix seconds, milliseconds or ISO 8601)";
        return std::nullopt;
    }
    return *days * ms_per_day + ((hour * 60 + minute) * 60 + second) * std::int64_t{1000} + ms -
           offset_min * 60'000;
}

std::optional<std::int64_t> parse_time(std::string_view text, std::string& why) {
    text = trim(text);
    if (text.empty()) {
        why = "is empty";
        return std::nullopt;
    }
    if (text.find('-', 1) != std::string_view::npos || text.find(':') != std::string_view::npos) {
        return parse_iso8601(text, why);
    }
    const std::size_t point = text.find('.');
    const std::string_view whole = text.substr(0, point);
    const std::string_view fraction =
        point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
    if (!all_digits(whole) || (point != std::string_view::npos && !all_digits(fraction))) {
        why = "is not a time (Unix seconds, milliseconds or ISO 8601)";
        return std::nullopt;
    }
    // 15 digits of milliseconds reach the year 33658; more is garbage, and would overflow.
    if (whole.size() > 15) {
        why = "is too large for a time";
        return std::nullopt;
    }
    std::int64_t value = 0;
    std::from_chars(whole.data(), whole.data() + whole.size(), value);
    // Unix milliseconds have 13 digits since 2001; seconds will have 11 only in the year 5138.
    if (whole.size() >= 12) {
        return value;
    }
    return value * 1000 + fraction_ms(fraction);
}

bool valid_device_id(std::string_view id, std::string& why) {
    if (id.empty()) {
        why = "is empty";
        return false;
    }
    if (id.size() > max_device_id_bytes) {
        why = "is longer than " + std::to_string(max_device_id_bytes) + " bytes";
        return false;
    }
    if (std::any_of(id.begin(), id.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u < 0x20 || u == 0x7f;
        })) {
        why = "has control characters";
        return false;
    }
    return true;
}

std::optional<data::Blade> parse_blade(std::string_view text) {
    const std::string t = lower(trim(text));
    if (t == "up") {
        return data::Blade::up;
    }
    if (t == "down") {
        return data::Blade::down;
    }
    if (t.empty() || t == "unknown") {
        return data::Blade::unknown;
    }
    return std::nullopt;
}

/// The fields of a fix as they arrive, before the required ones are checked.
struct Draft {
    std::optional<std::string> device_id;
    std::optional<double> lat;
    std::optional<double> lon;
    std::optional<std::int64_t> time_ms;
    data::Fix fix;
};

/// The fields a record may carry; the names differ by format.
enum class Field {
    device,
    lat,
    lon,
    time,
    speed_knots,
    speed_mps,
    speed_kmh,
    bearing,
    altitude,
    accuracy,
    battery_pct,
    battery_fraction,
    work,
    blade,
    location,
};

constexpr std::size_t field_count = static_cast<std::size_t>(Field::location) + 1;

std::string range_error(std::string_view name, std::string_view text, const char* range) {
    return std::string(name) + ": " + in_quotes(text) + " is outside " + range;
}

/// Checks and stores one numeric value; returns the error or "".
std::string set_number(Draft& d, Field field, std::string_view name, double v,
                       std::string_view text) {
    switch (field) {
    case Field::lat:
        if (v < -90.0 || v > 90.0) {
            return range_error(name, text, "-90..90");
        }
        d.lat = v;
        return {};
    case Field::lon:
        if (v < -180.0 || v > 180.0) {
            return range_error(name, text, "-180..180");
        }
        d.lon = v;
        return {};
    case Field::speed_knots:
    case Field::speed_mps:
    case Field::speed_kmh: {
        if (v < 0.0) {
            d.fix.speed_mps.reset(); // iOS sends -1 for "unknown"
            return {};
        }
        const double mps = field == Field::speed_knots ? v * knots_to_mps
                           : field == Field::speed_kmh ? v / 3.6
                                                       : v;
        if (mps > max_speed_mps) {
            return std::string(name) + ": " + in_quotes(text) + " is above " +
                   (field == Field::speed_knots ? "583 knots"
                    : field == Field::speed_kmh ? "1080 km/h"
                                                : "300 m/s");
        }
        d.fix.speed_mps = mps;
        return {};
    }
    case Field::bearing:
        if (v < 0.0) {
            d.fix.bearing_deg.reset();
            return {};
        }
        if (v > 360.0) {
            return range_error(name, text, "0..360");
        }
        d.fix.bearing_deg = v == 360.0 ? 0.0 : v;
        return {};
    case Field::altitude:
        if (v < -1000.0 || v > 20000.0) {
            return range_error(name, text, "-1000..20000 m");
        }
        d.fix.altitude_m = v;
        return {};
    case Field::accuracy:
        if (v < 0.0) {
            d.fix.accuracy_m.reset();
            return {};
        }
        if (v > 1'000'000.0) {
            return range_error(name, text, "0..1000000 m");
        }
        d.fix.accuracy_m = v;
        return {};
    case Field::battery_pct:
    case Field::battery_fraction: {
        const double pct = field == Field::battery_fraction ? v * 100.0 : v;
        if (field == Field::battery_fraction && v < 0.0) {
            d.fix.battery_pct.reset(); // -1: unknown
            return {};
        }
        if (pct < 0.0 || pct > 100.0) {
            return range_error(name, text, field == Field::battery_fraction ? "0..1" : "0..100");
        }
        d.fix.battery_pct = static_cast<int>(std::lround(pct));
        return {};
    }
    default:
        return std::string(name) + ": is not a number field";
    }
}

/// Checks and stores one value given as text; returns the error or "".
std::string set_text(Draft& d, Field field, std::string_view name, std::string_view text) {
    std::string why;
    switch (field) {
    case Field::device:
        if (!valid_device_id(text, why)) {
            return std::string(name) + ": " + why;
        }
        d.device_id = std::string(text);
        return {};
    case Field::time: {
        const auto t = parse_time(text, why);
        if (!t) {
            return std::string(name) + ": " + in_quotes(text) + " " + why;
        }
        d.time_ms = *t;
        return {};
    }
    case Field::work: {
        const std::string t = lower(trim(text));
        if (t.empty()) {
            d.fix.work = data::WorkType::unknown;
            return {};
        }
        const auto work = data::parse_work_type(t);
        if (!work) {
            return std::string(name) + ": " + in_quotes(text) +
                   " is not one of plow, grade, widen, haul, spread, travel";
        }
        d.fix.work = *work;
        return {};
    }
    case Field::blade: {
        const auto blade = parse_blade(text);
        if (!blade) {
            return std::string(name) + ": " + in_quotes(text) + " is not up or down";
        }
        d.fix.blade = *blade;
        return {};
    }
    case Field::location: {
        const std::size_t comma = text.find(',');
        if (comma == std::string_view::npos) {
            return std::string(name) + ": " + in_quotes(text) + " is not LAT,LON";
        }
        Draft tmp;
        for (auto [f, part] : {std::pair{Field::lat, text.substr(0, comma)},
                               std::pair{Field::lon, text.substr(comma + 1)}}) {
            if (auto e = set_text(tmp, f, name, part); !e.empty()) {
                return e;
            }
        }
        // Separate lat and lon keys take precedence.
        if (!d.lat) {
            d.lat = tmp.lat;
        }
        if (!d.lon) {
            d.lon = tmp.lon;
        }
        return {};
    }
    default: {
        if (trim(text).empty()) {
            return {}; // an empty optional value: absent
        }
        const auto v = to_number(text, why);
        if (!v) {
            return std::string(name) + ": " + in_quotes(text) + " " + why;
        }
        return set_number(d, field, name, *v, text);
    }
    }
}

ParsedFix finish_draft(Draft& d, std::int64_t now_ms, const char* id_name, const char* lat_name,
                       const char* lon_name) {
    ParsedFix out;
    if (!d.device_id) {
        out.error = std::string(id_name) + ": missing";
    } else if (!d.lat) {
        out.error = std::string(lat_name) + ": missing";
    } else if (!d.lon) {
        out.error = std::string(lon_name) + ": missing";
    }
    if (!out.error.empty()) {
        return out;
    }
    d.fix.position = gis::LonLat{*d.lon, *d.lat};
    d.fix.time_ms = d.time_ms.value_or(now_ms);
    out.fix = DeviceFix{std::move(*d.device_id), d.fix};
    return out;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/// Decodes application/x-www-form-urlencoded text; false on a broken %-escape.
bool url_decode(std::string_view in, std::string& out) {
    out.clear();
    std::size_t plain = 0; // start of the run of characters copied as they are
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c != '%' && c != '+') {
            continue;
        }
        out.append(in.data() + plain, i - plain);
        if (c == '+') {
            out.push_back(' ');
        } else {
            if (i + 2 >= in.size()) {
                return false;
            }
            const int hi = hex_digit(in[i + 1]);
            const int lo = hex_digit(in[i + 2]);
            if (hi < 0 || lo < 0) {
                return false;
            }
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        }
        plain = i + 1;
    }
    out.append(in.data() + plain, in.size() - plain);
    return true;
}

/// `in` decoded: itself when it has no escapes (the common case, no copy), else decoded into
/// `buffer`; std::nullopt on a broken %-escape.
std::optional<std::string_view> decoded(std::string_view in, std::string& buffer) {
    if (std::none_of(in.begin(), in.end(), [](char c) { return c == '%' || c == '+'; })) {
        return in;
    }
    if (!url_decode(in, buffer)) {
        return std::nullopt;
    }
    return std::string_view(buffer);
}

std::optional<Field> osmand_field(std::string_view key) {
    // Called for every field of every request: a switch, not a map.
    switch (key.size()) {
    case 2:
        return key == "id" ? std::optional(Field::device) : std::nullopt;
    case 3:
        return key == "lat"   ? std::optional(Field::lat)
               : key == "lon" ? std::optional(Field::lon)
                              : std::nullopt;
    case 4:
        return key == "batt"   ? std::optional(Field::battery_pct)
               : key == "work" ? std::optional(Field::work)
                               : std::nullopt;
    case 5:
        return key == "speed"   ? std::optional(Field::speed_knots)
               : key == "blade" ? std::optional(Field::blade)
                                : std::nullopt;
    case 7:
        return key == "bearing"   ? std::optional(Field::bearing)
               : key == "heading" ? std::optional(Field::bearing)
                                  : std::nullopt;
    case 8:
        return key == "deviceid"   ? std::optional(Field::device)
               : key == "altitude" ? std::optional(Field::altitude)
               : key == "accuracy" ? std::optional(Field::accuracy)
               : key == "location" ? std::optional(Field::location)
                                   : std::nullopt;
    case 9:
        return key == "timestamp" ? std::optional(Field::time) : std::nullopt;
    default:
        return std::nullopt;
    }
}

// --- JSON -------------------------------------------------------------------------------------

/// Deepest nesting of brackets outside strings: refuses bodies built to exhaust the parser.
std::size_t json_depth(std::string_view body) {
    std::size_t depth = 0;
    std::size_t deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

/// Sets a field from a JSON value (a number, or a string holding one); absent and null are
/// skipped.
std::string set_json(Draft& d, Field field, const nlohmann::json& parent, const char* key,
                     const std::string& path) {
    const auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) {
        return {};
    }
    const std::string name = path + key;
    if (it->is_string()) {
        return set_text(d, field, name, it->get_ref<const std::string&>());
    }
    if (it->is_number()) {
        if (field == Field::device) {
            return set_text(d, field, name, it->dump());
        }
        const double v = it->get<double>();
        if (field == Field::time) {
            if (v < 0.0 || v > 1e15) {
                return name + ": " + in_quotes(it->dump()) + " is not a time";
            }
            d.time_ms = v >= 1e11 ? static_cast<std::int64_t>(v)
                                  : static_cast<std::int64_t>(std::llround(v * 1000.0));
            return {};
        }
        if (!std::isfinite(v)) {
            return name + ": is not a finite number";
        }
        return set_number(d, field, name, v, format_number(v));
    }
    return name + ": " + in_quotes(it->dump()) + " is not a number or text";
}

// --- NMEA -------------------------------------------------------------------------------------

std::vector<std::string_view> split(std::string_view text, char sep) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find(sep, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

std::string hex2(unsigned value) {
    std::array<char, 3> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%02X", value & 0xffU);
    return std::string(buffer.data(), 2);
}

/// hhmmss[.sss] → milliseconds of the day.
std::optional<std::int64_t> nmea_time_of_day(std::string_view t) {
    if (t.size() < 6 || !all_digits(t.substr(0, 6))) {
        return std::nullopt;
    }
    const int h = digits_value(t.substr(0, 2));
    const int m = digits_value(t.substr(2, 2));
    const int s = digits_value(t.substr(4, 2));
    std::int64_t ms = 0;
    if (t.size() > 6) {
        if (t[6] != '.' || !all_digits(t.substr(7))) {
            return std::nullopt;
        }
        ms = fraction_ms(t.substr(7));
    }
    if (h > 23 || m > 59 || s > 60) {
        return std::nullopt;
    }
    return ((h * 60 + m) * 60 + s) * std::int64_t{1000} + ms;
}

/// ddmmyy → Unix milliseconds of that day's midnight.
std::optional<std::int64_t> nmea_date(std::string_view d) {
    if (d.size() != 6 || !all_digits(d)) {
        return std::nullopt;
    }
    const int yy = digits_value(d.substr(4, 2));
    const auto days = days_from_date(yy >= 80 ? 1900 + yy : 2000 + yy, digits_value(d.substr(2, 2)),
                                     digits_value(d.substr(0, 2)));
    if (!days) {
        return std::nullopt;
    }
    return *days * ms_per_day;
}

/// ddmm.mmmm (latitude, 2 degree digits) or dddmm.mmmm (longitude, 3) with its hemisphere.
std::optional<double> nmea_angle(std::string_view value, std::string_view hemisphere,
                                 int degree_digits) {
    const std::size_t point = value.find('.');
    const std::string_view whole = value.substr(0, point);
    if (whole.size() != static_cast<std::size_t>(degree_digits + 2) || !all_digits(whole) ||
        hemisphere.size() != 1) {
        return std::nullopt;
    }
    std::string why;
    const auto minutes = to_number(value.substr(static_cast<std::size_t>(degree_digits)), why);
    if (!minutes || *minutes < 0.0 || *minutes >= 60.0) {
        return std::nullopt;
    }
    const double degrees =
        digits_value(whole.substr(0, static_cast<std::size_t>(degree_digits))) + *minutes / 60.0;
    const char h = hemisphere[0];
    const bool negative = h == 'S' || h == 'W';
    const bool known = degree_digits == 2 ? (h == 'N' || h == 'S') : (h == 'E' || h == 'W');
    if (!known || degrees > (degree_digits == 2 ? 90.0 : 180.0)) {
        return std::nullopt;
    }
    return negative ? -degrees : degrees;
}

std::string nmea_position(std::string_view type, const std::vector<std::string_view>& f,
                          std::size_t lat_index, data::Fix& fix) {
    const auto lat = nmea_angle(f[lat_index], f[lat_index + 1], 2);
    if (!lat) {
        return std::string(type) + " latitude: " +
               in_quotes(std::string(f[lat_index]) + "," + std::string(f[lat_index + 1])) +
               " is not ddmm.mmmm,N|S";
    }
    const auto lon = nmea_angle(f[lat_index + 2], f[lat_index + 3], 3);
    if (!lon) {
        return std::string(type) + " longitude: " +
               in_quotes(std::string(f[lat_index + 2]) + "," + std::string(f[lat_index + 3])) +
               " is not dddmm.mmmm,E|W";
    }
    fix.position = gis::LonLat{*lon, *lat};
    return {};
}

// --- files ------------------------------------------------------------------------------------

[[noreturn]] void fail_at(const std::filesystem::path& file, std::size_t line,
                          const std::string& what) {
    throw Error(file.string() + ":" + std::to_string(line) + ": " + what);
}

std::vector<DeviceFix> read_nmea_file(const std::filesystem::path& file, std::istream& in,
                                      const std::string& device_id) {
    NmeaReader reader(device_id);
    std::vector<DeviceFix> out;
    std::string text;
    std::size_t line_no = 0;
    while (std::getline(in, text)) {
        ++line_no;
        auto r = reader.line(text);
        if (!r.error.empty() && !r.no_fix) {
            fail_at(file, line_no, r.error);
        }
        std::move(r.fixes.begin(), r.fixes.end(), std::back_inserter(out));
    }
    auto rest = reader.finish();
    std::move(rest.begin(), rest.end(), std::back_inserter(out));
    return out;
}

/// Splits one CSV record (RFC 4180 quoting, no newlines inside fields).
std::optional<std::vector<std::string>> csv_fields(std::string_view line) {
    std::vector<std::string> fields(1);
    bool quoted_field = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted_field) {
            if (c == '"') {
                if (i + 1 < line.size() && line[i + 1] == '"') {
                    fields.back().push_back('"');
                    ++i;
                } else {
                    quoted_field = false;
                }
            } else {
                fields.back().push_back(c);
            }
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c == '"' && trim(fields.back()).empty()) {
            fields.back().clear();
            quoted_field = true;
        } else {
            fields.back().push_back(c);
        }
    }
    if (quoted_field) {
        return std::nullopt;
    }
    return fields;
}

std::optional<Field> csv_field(const std::string& name) {
    static const std::map<std::string, Field, std::less<>> fields{
        {"device_id", Field::device},
        {"device", Field::device},
        {"id", Field::device},
        {"time", Field::time},
        {"timestamp", Field::time},
        {"lat", Field::lat},
        {"latitude", Field::lat},
        {"lon", Field::lon},
        {"lng", Field::lon},
        {"longitude", Field::lon},
        {"speed_kmh", Field::speed_kmh},
        {"speed_mps", Field::speed_mps},
        {"speed", Field::speed_mps},
        {"bearing", Field::bearing},
        {"heading", Field::bearing},
        {"course", Field::bearing},
        {"altitude", Field::altitude},
        {"ele", Field::altitude},
        {"accuracy", Field::accuracy},
        {"battery", Field::battery_pct},
        {"batt", Field::battery_pct},
        {"work", Field::work},
        {"blade", Field::blade},
    };
    const auto it = fields.find(name);
    return it == fields.end() ? std::nullopt : std::optional<Field>(it->second);
}

std::vector<DeviceFix> read_csv_file(const std::filesystem::path& file, std::istream& in,
                                     const std::string& device_id) {
    std::string text;
    std::size_t line_no = 0;
    std::vector<std::optional<Field>> columns;
    std::vector<std::string> names;
    while (columns.empty() && std::getline(in, text)) {
        ++line_no;
        std::string_view header = text;
        if (header.starts_with("\xEF\xBB\xBF")) {
            header.remove_prefix(3);
        }
        if (trim(header).empty()) {
            continue;
        }
        const auto fields = csv_fields(header);
        if (!fields) {
            fail_at(file, line_no, "unterminated quote in the header");
        }
        std::map<Field, std::string> seen;
        for (const std::string& raw : *fields) {
            const std::string name = lower(trim(raw));
            const auto field = csv_field(name);
            if (field) {
                if (auto [it, fresh] = seen.emplace(*field, name); !fresh) {
                    fail_at(file, line_no,
                            "columns '" + it->second + "' and '" + name + "' say the same");
                }
            }
            columns.push_back(field);
            names.push_back(name);
        }
        for (auto [field, what] : {std::pair{Field::time, "time (or timestamp)"},
                                   std::pair{Field::lat, "lat"}, std::pair{Field::lon, "lon"}}) {
            if (!seen.contains(field)) {
                fail_at(file, line_no, std::string("the header has no column ") + what);
            }
        }
        if (!seen.contains(Field::device) && device_id.empty()) {
            fail_at(file, line_no,
                    "the header has no device column (device_id, device or id) and no device "
                    "was given");
        }
    }
    if (columns.empty()) {
        throw Error(file.string() + ": empty CSV file (no header)");
    }
    std::vector<DeviceFix> out;
    while (std::getline(in, text)) {
        ++line_no;
        if (trim(text).empty()) {
            continue;
        }
        const auto fields = csv_fields(trim(text));
        if (!fields) {
            fail_at(file, line_no, "unterminated quote");
        }
        if (fields->size() != columns.size()) {
            fail_at(file, line_no,
                    std::to_string(fields->size()) + " fields, the header has " +
                        std::to_string(columns.size()));
        }
        Draft d;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (!columns[i]) {
                continue;
            }
            const std::string_view value = trim((*fields)[i]);
            if (*columns[i] == Field::device && value.empty()) {
                continue; // the given device id fills it
            }
            if (auto e = set_text(d, *columns[i], names[i], value); !e.empty()) {
                fail_at(file, line_no, e);
            }
        }
        if (!d.device_id) {
            d.device_id = device_id;
        }
        if (!d.time_ms) {
            fail_at(file, line_no, "time: missing");
        }
        auto parsed = finish_draft(d, 0, "device_id", "lat", "lon");
        if (!parsed.fix) {
            fail_at(file, line_no, parsed.error);
        }
        out.push_back(std::move(*parsed.fix));
    }
    return out;
}

/// GPX through expat. Expat callbacks are C: they record the first error and stop the parser
/// instead of throwing.
struct GpxReader {
    XML_Parser parser = nullptr;
    std::string device_id;
    std::vector<DeviceFix> fixes;
    std::string error;
    std::size_t error_line = 0;
    bool in_point = false;
    std::size_t point_line = 0;
    std::string element; // local name of the element whose text is collected
    std::string text;
    Draft draft;

    /// Elements read inside a trkpt, by local name: GPX 1.1 (time, ele), GPX 1.0 (speed,
    /// course) and extensions such as Garmin's TrackPointExtension (speed, course) or those
    /// `ykm track export` writes (work, blade).
    static const std::map<std::string_view, Field>& fields() {
        static const std::map<std::string_view, Field> by_name{
            {"time", Field::time},      {"ele", Field::altitude}, {"speed", Field::speed_mps},
            {"course", Field::bearing}, {"work", Field::work},    {"blade", Field::blade}};
        return by_name;
    }

    static std::string_view local_name(const XML_Char* name) {
        std::string_view n(name);
        const std::size_t colon = n.rfind(':');
        return colon == std::string_view::npos ? n : n.substr(colon + 1);
    }

    void stop(const std::string& what) {
        if (error.empty()) {
            error = what;
            error_line = static_cast<std::size_t>(XML_GetCurrentLineNumber(parser));
        }
        XML_StopParser(parser, XML_FALSE);
    }

    static void on_start(void* self_ptr, const XML_Char* name, const XML_Char** attributes) {
        auto& self = *static_cast<GpxReader*>(self_ptr);
        const std::string_view local = local_name(name);
        if (local == "trkpt") {
            self.in_point = true;
            self.point_line = static_cast<std::size_t>(XML_GetCurrentLineNumber(self.parser));
            self.draft = Draft{};
            self.draft.device_id = self.device_id;
            for (std::size_t i = 0; attributes[i] != nullptr; i += 2) {
                const std::string_view attr = attributes[i];
                if (attr == "lat" || attr == "lon") {
                    const auto e = set_text(self.draft, attr == "lat" ? Field::lat : Field::lon,
                                            attr, attributes[i + 1]);
                    if (!e.empty()) {
                        self.stop(e);
                        return;
                    }
                }
            }
        } else if (self.in_point && fields().contains(local)) {
            self.element = std::string(local);
            self.text.clear();
        }
    }

    static void on_text(void* self_ptr, const XML_Char* s, int len) {
        auto& self = *static_cast<GpxReader*>(self_ptr);
        if (!self.element.empty() && self.text.size() < 256) {
            self.text.append(s, static_cast<std::size_t>(len));
        }
    }

    static void on_end(void* self_ptr, const XML_Char* name) {
        auto& self = *static_cast<GpxReader*>(self_ptr);
        const std::string_view local = local_name(name);
        if (!self.element.empty() && local == self.element) {
            const auto e = set_text(self.draft, fields().at(self.element), self.element, self.text);
            self.element.clear();
            if (!e.empty()) {
                self.stop(e);
            }
        } else if (local == "trkpt" && self.in_point) {
            self.in_point = false;
            if (!self.draft.lat || !self.draft.lon) {
                self.stop(std::string("trkpt without ") + (self.draft.lat ? "lon" : "lat"));
                return;
            }
            if (!self.draft.time_ms) {
                self.stop("trkpt without <time>");
                return;
            }
            auto parsed = finish_draft(self.draft, 0, "device", "lat", "lon");
            self.fixes.push_back(std::move(*parsed.fix));
        }
    }
};

std::vector<DeviceFix> read_gpx_file(const std::filesystem::path& file, std::istream& in,
                                     const std::string& device_id) {
    if (device_id.empty()) {
        throw Error(file.string() + ": a GPX file names no device; give one (--device)");
    }
    GpxReader reader;
    reader.device_id = device_id;
    std::string why;
    if (!valid_device_id(device_id, why)) {
        throw Error(file.string() + ": device id " + why);
    }
    std::unique_ptr<XML_ParserStruct, void (*)(XML_Parser)> parser(XML_ParserCreate("UTF-8"),
                                                                   XML_ParserFree);
    if (!parser) {
        throw Error(file.string() + ": cannot create an XML parser");
    }
    reader.parser = parser.get();
    XML_SetUserData(parser.get(), &reader);
    XML_SetElementHandler(parser.get(), &GpxReader::on_start, &GpxReader::on_end);
    XML_SetCharacterDataHandler(parser.get(), &GpxReader::on_text);
    std::array<char, 64 * 1024> buffer{};
    bool seen_root = false;
    while (true) {
        in.read(buffer.data(), buffer.size());
        const auto n = in.gcount();
        const bool last = n < static_cast<std::streamsize>(buffer.size());
        seen_root = seen_root || n > 0;
        if (XML_Parse(parser.get(), buffer.data(), static_cast<int>(n), last ? 1 : 0) ==
            XML_STATUS_ERROR) {
            if (!reader.error.empty()) {
                fail_at(file, reader.error_line, reader.error);
            }
            fail_at(file, static_cast<std::size_t>(XML_GetCurrentLineNumber(parser.get())),
                    std::string("XML: ") + XML_ErrorString(XML_GetErrorCode(parser.get())));
        }
        if (last) {
            break;
        }
    }
    if (!reader.error.empty()) {
        fail_at(file, reader.error_line, reader.error);
    }
    return std::move(reader.fixes);
}

} // namespace

std::optional<std::int64_t> parse_time_ms(std::string_view text) {
    std::string why;
    return parse_time(text, why);
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string format_time_jst(std::int64_t time_ms) {
    constexpr std::int64_t jst_offset_ms = 9 * 3'600'000;
    const std::int64_t second = (time_ms >= 0 ? time_ms : time_ms - 999) / 1000 * 1000;
    std::string text = format_time_utc(second + jst_offset_ms);
    text.pop_back(); // the Z
    return text + "+09:00";
}

std::string format_time_utc(std::int64_t time_ms) {
    using namespace std::chrono;
    const std::int64_t days = (time_ms >= 0 ? time_ms : time_ms - ms_per_day + 1) / ms_per_day;
    const std::int64_t in_day = time_ms - days * ms_per_day;
    const year_month_day ymd{sys_days{std::chrono::days{days}}};
    const std::int64_t s = in_day / 1000;
    std::array<char, 40> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02uT%02d:%02d:%02d",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(s / 3600),
                  static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
    std::string out(buffer.data());
    if (in_day % 1000 != 0) {
        std::snprintf(buffer.data(), buffer.size(), ".%03d", static_cast<int>(in_day % 1000));
        out.append(buffer.data());
    }
    return out + "Z";
}

ParsedFix parse_osmand_form(std::string_view form, std::int64_t now_ms) {
    Draft d;
    // The encoded value of each field seen, to tell a harmless repeat from a conflict.
    std::array<std::optional<std::string_view>, field_count> given{};
    std::string key_buffer;
    std::string value_buffer;
    for (std::size_t start = 0; start <= form.size();) {
        const std::size_t end = std::min(form.find('&', start), form.size());
        const std::string_view pair = form.substr(start, end - start);
        start = end + 1;
        if (pair.empty()) {
            continue;
        }
        const std::size_t eq = pair.find('=');
        const std::string_view raw =
            eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        const auto key = decoded(pair.substr(0, eq), key_buffer);
        const auto value = decoded(raw, value_buffer);
        if (!key || !value) {
            return ParsedFix{std::nullopt, "bad %-escape in " + in_quotes(pair)};
        }
        const auto field = osmand_field(*key);
        if (!field) {
            continue; // valid, hdop, charge, driverUniqueId, ...: not used
        }
        auto& seen = given[static_cast<std::size_t>(*field)];
        if (seen) {
            std::string first;
            url_decode(*seen, first); // decoded once already
            if (first != *value) {
                return ParsedFix{std::nullopt, std::string(*key) + ": given twice (" +
                                                   in_quotes(first) + " and " + in_quotes(*value) +
                                                   ")"};
            }
            continue;
        }
        seen = raw;
        if (auto e = set_text(d, *field, *key, *value); !e.empty()) {
            return ParsedFix{std::nullopt, std::move(e)};
        }
    }
    return finish_draft(d, now_ms, "id", "lat", "lon");
}

ParsedFix parse_osmand_json(std::string_view body, std::int64_t now_ms) {
    constexpr std::size_t max_depth = 16;
    if (json_depth(body) > max_depth) {
        return ParsedFix{std::nullopt, "body: JSON nested deeper than 16 levels"};
    }
    const auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_discarded()) {
        return ParsedFix{std::nullopt, "body: not valid JSON"};
    }
    if (!json.is_object()) {
        return ParsedFix{std::nullopt, "body: not a JSON object"};
    }
    Draft d;
    const auto location = json.find("location");
    if (location == json.end() || location->is_null()) {
        return ParsedFix{std::nullopt, "location: missing"};
    }
    if (location->is_array()) {
        return ParsedFix{std::nullopt, "location: a batch of " + std::to_string(location->size()) +
                                           " locations; send one per request"};
    }
    if (!location->is_object()) {
        return ParsedFix{std::nullopt, "location: not an object"};
    }
    const auto coords = location->find("coords");
    if (coords == location->end() || !coords->is_object()) {
        return ParsedFix{std::nullopt, "location.coords: missing"};
    }
    std::string e = set_json(d, Field::device, json, "device_id", "");
    const std::string c = "location.coords.";
    for (auto [field, key] : {std::pair{Field::lat, "latitude"},
                              {Field::lon, "longitude"},
                              {Field::speed_mps, "speed"},
                              {Field::bearing, "heading"},
                              {Field::altitude, "altitude"},
                              {Field::accuracy, "accuracy"}}) {
        if (e.empty()) {
            e = set_json(d, field, *coords, key, c);
        }
    }
    if (e.empty()) {
        e = set_json(d, Field::time, *location, "timestamp", "location.");
    }
    if (const auto battery = location->find("battery");
        e.empty() && battery != location->end() && battery->is_object()) {
        e = set_json(d, Field::battery_fraction, *battery, "level", "location.battery.");
    }
    if (const auto extras = location->find("extras");
        e.empty() && extras != location->end() && extras->is_object()) {
        e = set_json(d, Field::work, *extras, "work", "location.extras.");
        if (e.empty()) {
            e = set_json(d, Field::blade, *extras, "blade", "location.extras.");
        }
    }
    if (!e.empty()) {
        return ParsedFix{std::nullopt, std::move(e)};
    }
    return finish_draft(d, now_ms, "device_id", "location.coords.latitude",
                        "location.coords.longitude");
}

// --- NmeaReader -------------------------------------------------------------------------------

NmeaReader::NmeaReader(std::string device_id) : m_device_id(std::move(device_id)) {}

void NmeaReader::emit_pending(std::vector<DeviceFix>& out) {
    if (m_pending && m_pending_has_date) {
        out.push_back(std::move(*m_pending));
    }
    m_pending.reset();
}

NmeaReader::LineResult NmeaReader::line(std::string_view text) {
    LineResult result;
    text = trim(text);
    if (text.empty()) {
        return result;
    }
    const bool first = std::exchange(m_first_line, false);
    if (text.front() != '$') {
        std::string why;
        if (first && valid_device_id(text, why) && text.find(',') == std::string_view::npos) {
            m_device_id = std::string(text);
            return result;
        }
        result.error = "not an NMEA sentence: " + in_quotes(text);
        return result;
    }
    const std::size_t star = text.rfind('*');
    if (star == std::string_view::npos) {
        result.error = "no checksum: " + in_quotes(text);
        return result;
    }
    const std::string_view given = text.substr(star + 1);
    if (given.size() != 2 || hex_digit(given[0]) < 0 || hex_digit(given[1]) < 0) {
        result.error = "bad checksum field " + in_quotes(text.substr(star));
        return result;
    }
    unsigned sum = 0;
    for (char c : text.substr(1, star - 1)) {
        sum ^= static_cast<unsigned char>(c);
    }
    const auto given_sum = static_cast<unsigned>(hex_digit(given[0]) * 16 + hex_digit(given[1]));
    if (sum != given_sum) {
        result.error = "bad checksum: *" + hex2(given_sum) + " expected *" + hex2(sum);
        return result;
    }
    const auto f = split(text.substr(1, star - 1), ',');
    const std::string_view type = f[0];
    if (type == "PYKM") {
        std::string why;
        if (f.size() < 2 || !valid_device_id(f[1], why)) {
            result.error = "PYKM: device id " + (f.size() < 2 ? std::string("missing") : why);
            return result;
        }
        emit_pending(result.fixes);
        m_device_id = std::string(f[1]);
        m_work = data::WorkType::unknown;
        m_blade = data::Blade::unknown;
        if (f.size() > 2 && !f[2].empty()) {
            const auto work = data::parse_work_type(lower(f[2]));
            if (!work) {
                result.error = "PYKM: work " + in_quotes(f[2]) + " is not a work type";
                return result;
            }
            m_work = *work;
        }
        if (f.size() > 3) {
            const auto blade = parse_blade(f[3]);
            if (!blade) {
                result.error = "PYKM: blade " + in_quotes(f[3]) + " is not up or down";
                return result;
            }
            m_blade = *blade;
        }
        return result;
    }
    const bool rmc = type.size() == 5 && type.substr(2) == "RMC";
    const bool gga = type.size() == 5 && type.substr(2) == "GGA";
    if (!rmc && !gga) {
        return result; // GSV, GSA, VTG, ...: nothing a fix needs
    }
    const std::string name(type.substr(2));
    if (f.size() < 10) {
        result.error = name + ": only " + std::to_string(f.size()) + " fields";
        return result;
    }
    const auto tod = nmea_time_of_day(f[1]);
    if (!tod) {
        result.error = name + " time: " + in_quotes(f[1]) + " is not hhmmss.ss";
        return result;
    }
    if (m_device_id.empty()) {
        result.error = "no device id yet: send $PYKM,<id>*CS or the id alone on the first line";
        return result;
    }
    // A sentence of another time completes the pending fix.
    if (m_pending && m_pending_tod_ms != *tod) {
        emit_pending(result.fixes);
    }
    DeviceFix fix{m_device_id, {}};
    fix.fix.work = m_work;
    fix.fix.blade = m_blade;
    if (rmc) {
        if (f[2] != "A" || (f.size() > 12 && f[12] == "N")) {
            result.error = "RMC status " + shown(f[2]) + " (no fix)";
            result.no_fix = true;
            return result;
        }
        const auto date = nmea_date(f[9]);
        if (!date) {
            result.error = "RMC date: " + in_quotes(f[9]) + " is not ddmmyy";
            return result;
        }
        if (auto e = nmea_position("RMC", f, 3, fix.fix); !e.empty()) {
            result.error = std::move(e);
            return result;
        }
        Draft d;
        for (auto [field, index, key] : {std::tuple{Field::speed_knots, 7, "RMC speed"},
                                         std::tuple{Field::bearing, 8, "RMC course"}}) {
            if (auto e = set_text(d, field, key, f[static_cast<std::size_t>(index)]); !e.empty()) {
                result.error = std::move(e);
                return result;
            }
        }
        m_date_ms = *date;
        m_date_tod_ms = *tod;
        if (m_pending && !m_pending_is_rmc) {
            // GGA first, then RMC of the same time: the RMC brings date, speed and course.
            DeviceFix& p = *m_pending;
            p.fix.time_ms = *date + *tod;
            p.fix.speed_mps = d.fix.speed_mps;
            p.fix.bearing_deg = d.fix.bearing_deg;
            m_pending_has_date = true;
            emit_pending(result.fixes);
            return result;
        }
        fix.fix.time_ms = *date + *tod;
        fix.fix.speed_mps = d.fix.speed_mps;
        fix.fix.bearing_deg = d.fix.bearing_deg;
        m_pending = std::move(fix);
        m_pending_tod_ms = *tod;
        m_pending_has_date = true;
        m_pending_is_rmc = true;
        return result;
    }
    // GGA
    if (f[6] == "0" || f[6].empty()) {
        result.error =
            "GGA fix quality " + (f[6].empty() ? std::string("empty") : "0") + " (no fix)";
        result.no_fix = true;
        return result;
    }
    if (!all_digits(f[6])) {
        result.error = "GGA fix quality: " + in_quotes(f[6]) + " is not a number";
        return result;
    }
    if (auto e = nmea_position("GGA", f, 2, fix.fix); !e.empty()) {
        result.error = std::move(e);
        return result;
    }
    Draft d;
    if (auto e = set_text(d, Field::accuracy, "GGA hdop", f[8]); !e.empty()) {
        result.error = std::move(e);
        return result;
    }
    if (auto e = set_text(d, Field::altitude, "GGA altitude", f[9]); !e.empty()) {
        result.error = std::move(e);
        return result;
    }
    // HDOP times a typical user range error of about 5 m.
    const std::optional<double> accuracy =
        d.fix.accuracy_m ? std::optional<double>(*d.fix.accuracy_m * 5.0) : std::nullopt;
    if (m_pending && m_pending_is_rmc) {
        m_pending->fix.altitude_m = d.fix.altitude_m;
        m_pending->fix.accuracy_m = accuracy;
        emit_pending(result.fixes);
        return result;
    }
    fix.fix.altitude_m = d.fix.altitude_m;
    fix.fix.accuracy_m = accuracy;
    m_pending_has_date = m_date_ms.has_value();
    if (m_date_ms) {
        // Past midnight since the last RMC: the next day.
        const bool next_day = *tod + ms_per_day / 2 < m_date_tod_ms;
        fix.fix.time_ms = *m_date_ms + *tod + (next_day ? ms_per_day : 0);
    }
    m_pending = std::move(fix);
    m_pending_tod_ms = *tod;
    m_pending_is_rmc = false;
    return result;
}

std::vector<DeviceFix> NmeaReader::finish() {
    std::vector<DeviceFix> out;
    emit_pending(out);
    return out;
}

std::vector<DeviceFix> read_track_file(const std::filesystem::path& file,
                                       const std::string& device_id) {
    const std::string ext = lower(file.extension().string());
    enum class Format { gpx, nmea, csv };
    Format format = Format::csv;
    if (ext == ".gpx") {
        format = Format::gpx;
    } else if (ext == ".nmea" || ext == ".nma" || ext == ".log" || ext == ".txt") {
        format = Format::nmea;
    } else if (ext != ".csv") {
        throw Error(file.string() + ": unknown track format '" + ext +
                    "' (use .gpx, .nmea, .nma, .log, .txt or .csv)");
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw Error(file.string() + ": cannot open");
    }
    switch (format) {
    case Format::gpx:
        return read_gpx_file(file, in, device_id);
    case Format::nmea:
        return read_nmea_file(file, in, device_id);
    case Format::csv:
        break;
    }
    return read_csv_file(file, in, device_id);
}

std::string xml_escaped(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace ykm::dispatch

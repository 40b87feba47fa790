#include "ykm/gui/fleet_view.hpp"

#include "ykm/gis/error.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <unordered_map>

namespace ykm::gui {

namespace {

constexpr std::int64_t day_ms = 86'400'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::string_view trimmed(std::string_view text) {
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!text.empty() && blank(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && blank(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool contains_ignoring_case(std::string_view haystack, std::string_view needle) {
    if (needle.empty()) {
        return true;
    }
    const auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                                [](char a, char b) { return lower(a) == lower(b); });
    return it != haystack.end();
}

} // namespace

std::int64_t unix_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::int64_t tokyo_midnight_ms(std::int64_t time_ms) {
    return floor_div(time_ms + tokyo_offset_ms, day_ms) * day_ms - tokyo_offset_ms;
}

std::string tokyo_time_text(std::int64_t time_ms, bool with_date) {
    const std::int64_t local_ms = time_ms + tokyo_offset_ms;
    const std::int64_t days = floor_div(local_ms, day_ms);
    const std::int64_t second_of_day = (local_ms - days * day_ms) / 1000;
    char text[40];
    const int hh = static_cast<int>(second_of_day / 3600);
    const int mm = static_cast<int>(second_of_day / 60 % 60);
    const int ss = static_cast<int>(second_of_day % 60);
    if (!with_date) {
        std::snprintf(text, sizeof text, "%02d:%02d:%02d", hh, mm, ss);
        return text;
    }
    const std::chrono::year_month_day date{
        std::chrono::sys_days{std::chrono::days{static_cast<int>(days)}}};
    std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), hh, mm,
                  ss);
    return text;
}

std::string elapsed_text(std::int64_t elapsed_ms) {
    const std::int64_t seconds = std::max<std::int64_t>(elapsed_ms, 0) / 1000;
    char text[40];
    if (seconds < 3600) {
        std::snprintf(text, sizeof text, "%d:%02d", static_cast<int>(seconds / 60),
                      static_cast<int>(seconds % 60));
    } else {
        std::snprintf(text, sizeof text, "%lld:%02d:%02d", static_cast<long long>(seconds / 3600),
                      static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60));
    }
    return text;
}

std::string speed_kmh_text(std::optional<double> speed_mps) {
    if (!speed_mps || !std::isfinite(*speed_mps)) {
        return {};
    }
    return std::to_string(std::llround(std::max(*speed_mps, 0.0) * 3.6));
}

std::size_t state_index(dispatch::VehicleState state) {
    const auto it = std::find(all_vehicle_states.begin(), all_vehicle_states.end(), state);
    return static_cast<std::size_t>(it - all_vehicle_states.begin());
}

std::optional<dispatch::VehicleState> parse_vehicle_state(std::string_view text) {
    for (const dispatch::VehicleState state : all_vehicle_states) {
        if (text == dispatch::key(state)) {
            return state;
        }
    }
    return std::nullopt;
}

std::array<int, 5> count_by_state(std::span<const dispatch::VehicleStatus> vehicles) {
    std::array<int, 5> counts{};
    for (const dispatch::VehicleStatus& vehicle : vehicles) {
        const std::size_t i = state_index(vehicle.state);
        if (i < counts.size()) {
            ++counts[i];
        }
    }
    return counts;
}

bool matches(const dispatch::VehicleStatus& vehicle, const VehicleFilter& filter,
             std::string_view contractor_name) {
    if (filter.state && vehicle.state != *filter.state) {
        return false;
    }
    if (filter.contractor_id && vehicle.vehicle.contractor_id != *filter.contractor_id) {
        return false;
    }
    const std::string_view text = trimmed(filter.text);
    return text.empty() || contains_ignoring_case(vehicle.vehicle.code, text) ||
           contains_ignoring_case(vehicle.vehicle.plate, text) ||
           contains_ignoring_case(vehicle.vehicle.device_id, text) ||
           contains_ignoring_case(contractor_name, text);
}

MarkerLook marker_look(dispatch::VehicleState state) {
    switch (state) {
    case dispatch::VehicleState::working:
        return {{0x00, 0x9E, 0x73}, MarkerShape::circle};
    case dispatch::VehicleState::travelling:
        return {{0xE6, 0x9F, 0x00}, MarkerShape::arrow};
    case dispatch::VehicleState::stopped:
        return {{0xCC, 0x79, 0xA7}, MarkerShape::square};
    case dispatch::VehicleState::offline:
        return {{0x8C, 0x8C, 0x8C}, MarkerShape::crossed};
    case dispatch::VehicleState::unknown:
        break;
    }
    return {{0xA0, 0xA0, 0xA0}, MarkerShape::hollow};
}

std::vector<VehicleMarker> vehicle_markers(std::span<const dispatch::VehicleStatus> vehicles,
                                           std::span<const dispatch::Alert> alerts) {
    std::vector<std::int64_t> alerting;
    for (const dispatch::Alert& alert : alerts) {
        if (!alert.cleared_ms) {
            alerting.push_back(alert.vehicle_id);
        }
    }
    std::sort(alerting.begin(), alerting.end());
    std::vector<VehicleMarker> markers;
    markers.reserve(vehicles.size());
    for (const dispatch::VehicleStatus& vehicle : vehicles) {
        if (!vehicle.position) {
            continue;
        }
        VehicleMarker marker;
        marker.id = vehicle.vehicle.id;
        marker.code = vehicle.vehicle.code;
        marker.position = *vehicle.position;
        marker.heading_deg = vehicle.heading_deg;
        if (!marker.heading_deg && vehicle.last_fix) {
            marker.heading_deg = vehicle.last_fix->bearing_deg;
        }
        marker.state = vehicle.state;
        marker.alert = std::binary_search(alerting.begin(), alerting.end(), vehicle.vehicle.id);
        markers.push_back(std::move(marker));
    }
    return markers;
}

std::optional<std::size_t> marker_at(std::span<const VehicleMarker> markers,
                                     const gis::MapView& view, gis::XY pixel, double radius_px) {
    std::optional<std::size_t> best;
    double best_d2 = radius_px * radius_px;
    for (std::size_t i = 0; i < markers.size(); ++i) {
        const gis::XY p = view.to_pixel(markers[i].position);
        const double d2 = (p.x - pixel.x) * (p.x - pixel.x) + (p.y - pixel.y) * (p.y - pixel.y);
        // Later markers are drawn on top: on a tie the topmost wins.
        if (d2 <= best_d2) {
            best_d2 = d2;
            best = i;
        }
    }
    return best;
}

namespace {

struct LabelBox {
    double min_x, min_y, max_x, max_y;
    [[nodiscard]] bool overlaps(const LabelBox& o) const {
        return min_x < o.max_x && o.min_x < max_x && min_y < o.max_y && o.min_y < max_y;
    }
};

/// Boxes placed so far, in buckets of a coarse pixel grid, so that a check looks at neighbours
/// only: 2,000 vehicles cost a few thousand box tests, not millions.
class BoxGrid {
public:
    explicit BoxGrid(double cell_px) : m_cell(cell_px) {}

    [[nodiscard]] bool free(const LabelBox& box) const {
        bool clear = true;
        for_cells(box, [&](std::int64_t key) {
            const auto it = m_cells.find(key);
            if (it == m_cells.end()) {
                return;
            }
            for (const std::size_t i : it->second) {
                if (m_boxes[i].overlaps(box)) {
                    clear = false;
                }
            }
        });
        return clear;
    }

    void add(const LabelBox& box) {
        const std::size_t index = m_boxes.size();
        m_boxes.push_back(box);
        for_cells(box, [&](std::int64_t key) { m_cells[key].push_back(index); });
    }

private:
    template <typename F>
    void for_cells(const LabelBox& box, F&& f) const {
        const auto cell = [&](double v) {
            return static_cast<std::int64_t>(std::floor(v / m_cell));
        };
        for (std::int64_t cy = cell(box.min_y); cy <= cell(box.max_y); ++cy) {
            for (std::int64_t cx = cell(box.min_x); cx <= cell(box.max_x); ++cx) {
                f(cy * 1'000'003 + cx);
            }
        }
    }

    double m_cell;
    std::vector<LabelBox> m_boxes;
    std::unordered_map<std::int64_t, std::vector<std::size_t>> m_cells;
};

} // namespace

std::vector<std::size_t>
labelled_markers(std::span<const VehicleMarker> markers, const gis::MapView& view,
                 const std::function<double(const std::string&)>& label_width_px,
                 double label_height_px, double marker_radius_px,
                 std::optional<std::int64_t> selected, std::size_t max_labels) {
    std::vector<std::size_t> in_view;
    in_view.reserve(markers.size());
    for (std::size_t i = 0; i < markers.size(); ++i) {
        const gis::XY p = view.to_pixel(markers[i].position);
        if (p.x >= -marker_radius_px && p.y >= -marker_radius_px &&
            p.x <= view.width_px() + marker_radius_px &&
            p.y <= view.height_px() + marker_radius_px) {
            in_view.push_back(i);
        }
    }
    // The selected vehicle's label always shows: it goes first.
    std::stable_sort(in_view.begin(), in_view.end(), [&](std::size_t a, std::size_t b) {
        return selected && markers[a].id == *selected && markers[b].id != *selected;
    });
    BoxGrid placed(64.0);
    // Every marker's symbol blocks labels, so that no label covers another vehicle.
    for (const std::size_t i : in_view) {
        const gis::XY p = view.to_pixel(markers[i].position);
        placed.add({p.x - marker_radius_px, p.y - marker_radius_px, p.x + marker_radius_px,
                    p.y + marker_radius_px});
    }
    std::vector<std::size_t> labels;
    for (const std::size_t i : in_view) {
        if (labels.size() >= max_labels) {
            break;
        }
        const gis::XY p = view.to_pixel(markers[i].position);
        const double width = label_width_px(markers[i].code);
        const LabelBox box{p.x + marker_radius_px + 2.0, p.y - label_height_px / 2.0,
                           p.x + marker_radius_px + 2.0 + width, p.y + label_height_px / 2.0};
        const bool is_selected = selected && markers[i].id == *selected;
        if (is_selected || placed.free(box)) {
            placed.add(box);
            labels.push_back(i);
        }
    }
    return labels;
}

std::shared_ptr<const gis::PassTimes>
pass_times(std::span<const dispatch::SegmentCoverage> coverage) {
    auto passes = std::make_shared<gis::PassTimes>();
    for (const dispatch::SegmentCoverage& direction : coverage) {
        if (direction.pass_count > 0) {
            passes->set(direction.segment_id, direction.forward, direction.last_pass_ms);
        }
    }
    return passes;
}

std::pair<std::string, std::uint16_t> parse_listen_address(std::string_view text) {
    const std::string_view address = trimmed(text);
    const auto fail = [&]() -> Error {
        return Error("'" + std::string(text) +
                     "' is not an address to listen on: expected HOST:PORT, e.g. "
                     "127.0.0.1:5055, with a port from 0 to 65535");
    };
    const auto colon = address.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        throw fail();
    }
    std::string_view host = address.substr(0, colon);
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']') {
            throw fail();
        }
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        throw fail();
    }
    const std::string_view port_text = address.substr(colon + 1);
    unsigned port = 0;
    const auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || error != std::errc{} || end != port_text.data() + port_text.size() ||
        port > 65535 || host.find_first_of(" \t/") != std::string_view::npos) {
        throw fail();
    }
    return {std::string(host), static_cast<std::uint16_t>(port)};
}

std::optional<dispatch::IngestOptions> ingest_options(const GpsServerChoice& preferences,
                                                      const std::optional<std::string>& gps_listen,
                                                      bool no_gps_server) {
    if (no_gps_server) {
        return std::nullopt;
    }
    dispatch::IngestOptions options;
    if (gps_listen) {
        std::pair<std::string, std::uint16_t> http;
        try {
            http = parse_listen_address(*gps_listen);
        } catch (const Error& e) {
            throw Error(std::string("--gps-listen: ") + e.what());
        }
        const std::string host =
            http.first.find(':') != std::string::npos ? "[" + http.first + "]" : http.first;
        const unsigned nmea_port = http.second == 0 ? 0U : (http.second + 1U) % 65536U;
        options.http_listen = host + ":" + std::to_string(http.second);
        options.nmea_listen = host + ":" + std::to_string(nmea_port);
        return options;
    }
    if (!preferences.enabled) {
        return std::nullopt;
    }
    try {
        (void)parse_listen_address(preferences.http_listen);
    } catch (const Error& e) {
        throw Error(std::string("GPS server, OsmAnd HTTP address: ") + e.what());
    }
    options.http_listen = std::string(trimmed(preferences.http_listen));
    if (trimmed(preferences.nmea_listen).empty()) {
        options.nmea_listen.reset();
    } else {
        try {
            (void)parse_listen_address(preferences.nmea_listen);
        } catch (const Error& e) {
            throw Error(std::string("GPS server, NMEA TCP address: ") + e.what());
        }
        options.nmea_listen = std::string(trimmed(preferences.nmea_listen));
    }
    return options;
}

std::optional<std::int64_t> parse_whole_number(std::string_view text) {
    text = trimmed(text);
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
    }
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<double> parse_decimal(std::string_view text) {
    text = trimmed(text);
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
    }
    double value = 0.0;
    const auto [end, error] =
        std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() ||
        !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::optional<dispatch::PortalOptions>
portal_options(const GpsServerChoice& preferences, const std::optional<std::string>& gps_listen,
               bool no_gps_server, const std::optional<std::string>& portal_listen) {
    std::string address;
    if (portal_listen) {
        address = *portal_listen;
    } else if (no_gps_server || gps_listen || !preferences.enabled) {
        return std::nullopt;
    } else {
        address = std::string(trimmed(preferences.portal_listen));
        if (address.empty()) {
            return std::nullopt;
        }
    }
    try {
        (void)parse_listen_address(address);
    } catch (const Error& e) {
        throw Error(std::string("contractor portal address: ") + e.what());
    }
    dispatch::PortalOptions options;
    options.listen = address;
    return options;
}

} // namespace ykm::gui

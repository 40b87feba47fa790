#include "ykm/gui/orders_model.hpp"

#include "ykm/gis/error.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace ykm::gui {

namespace {

using data::Database;
using data::Statement;

constexpr std::int64_t jst_offset_ms = 9 * 3'600'000;
constexpr std::int64_t day_ms = 86'400'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

struct JstTime {
    int year = 0;
    unsigned month = 0;
    unsigned day = 0;
    int hour = 0;
    int minute = 0;
};

JstTime jst(std::int64_t time_ms) {
    const std::int64_t local = time_ms + jst_offset_ms;
    const std::int64_t days = floor_div(local, day_ms);
    const std::int64_t minute_of_day = (local - days * day_ms) / 60'000;
    const std::chrono::year_month_day date{
        std::chrono::sys_days{std::chrono::days{static_cast<int>(days)}}};
    return {static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
            static_cast<unsigned>(date.day()), static_cast<int>(minute_of_day / 60),
            static_cast<int>(minute_of_day % 60)};
}

bool table_exists(Database& db, const char* table) {
    Statement q(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    q.bind(1, table);
    return q.step();
}

double read_double(const std::uint8_t* p, bool little) {
    std::uint8_t bytes[8];
    std::memcpy(bytes, p, 8);
    if (little != (std::endian::native == std::endian::little)) {
        std::reverse(bytes, bytes + 8);
    }
    double value = 0.0;
    std::memcpy(&value, bytes, 8);
    return value;
}

std::uint32_t read_uint32(const std::uint8_t* p, bool little) {
    return little ? static_cast<std::uint32_t>(p[0] | p[1] << 8 | p[2] << 16 |
                                               static_cast<std::uint32_t>(p[3]) << 24)
                  : static_cast<std::uint32_t>(static_cast<std::uint32_t>(p[0]) << 24 | p[1] << 16 |
                                               p[2] << 8 | p[3]);
}

/// The points of a 2D WKB linestring; empty when the blob is something else.
gis::Polyline linestring(const std::vector<std::uint8_t>& wkb) {
    gis::Polyline line;
    if (wkb.size() < 9) {
        return line;
    }
    const bool little = wkb[0] == 1;
    if (read_uint32(wkb.data() + 1, little) != 2) {
        return line;
    }
    const std::uint32_t count = read_uint32(wkb.data() + 5, little);
    if (wkb.size() < 9 + std::size_t{count} * 16) {
        return line;
    }
    line.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::uint8_t* p = wkb.data() + 9 + std::size_t{i} * 16;
        line.push_back({read_double(p, little), read_double(p + 8, little)});
    }
    return line;
}

} // namespace

std::vector<OrderRow> order_rows(data::Project& project, const dispatch::OrderFilter& filter,
                                 bool with_evidence) {
    Database& db = project.database();
    if (!table_exists(db, "orders")) {
        return {};
    }
    std::map<std::int64_t, std::string> contractors;
    {
        Statement q(db, "SELECT id, code, name FROM contractors");
        while (q.step()) {
            const std::string name = q.is_null(2) ? std::string() : q.column_text(2);
            contractors[q.column_int64(0)] = name.empty() ? q.column_text(1) : name;
        }
    }
    std::map<std::int64_t, std::string> districts;
    {
        Statement q(db, "SELECT id, name FROM districts");
        while (q.step()) {
            districts[q.column_int64(0)] = q.is_null(1) ? std::string() : q.column_text(1);
        }
    }
    dispatch::Orders orders(project);
    std::vector<OrderRow> rows;
    Statement last(db, "SELECT id, time_ms, from_status, to_status, actor, channel, reason FROM "
                       "order_events WHERE order_id = ? ORDER BY id DESC LIMIT 1");
    for (dispatch::WorkOrder& order : orders.list(filter)) {
        OrderRow row;
        if (const auto it = contractors.find(order.contractor_id); it != contractors.end()) {
            row.contractor = it->second;
        }
        if (order.district_id) {
            if (const auto it = districts.find(*order.district_id); it != districts.end()) {
                row.district = it->second;
            }
        }
        if (with_evidence) {
            row.evidence = orders.evidence(order.id);
        }
        last.bind(1, order.id);
        if (last.step()) {
            dispatch::OrderEvent e;
            e.id = last.column_int64(0);
            e.order_id = order.id;
            e.time_ms = last.column_int64(1);
            if (!last.is_null(2)) {
                e.from = dispatch::parse_order_status(last.column_text(2));
            }
            e.to = dispatch::parse_order_status(last.column_text(3))
                       .value_or(dispatch::OrderStatus::draft);
            e.actor = last.column_text(4);
            e.channel = dispatch::parse_order_channel(last.column_text(5))
                            .value_or(dispatch::OrderChannel::desktop);
            e.reason = last.column_text(6);
            row.last_change = std::move(e);
        }
        last.reset();
        row.order = std::move(order);
        rows.push_back(std::move(row));
    }
    return rows;
}

OrderColour status_colour(dispatch::OrderStatus status) {
    using S = dispatch::OrderStatus;
    switch (status) {
    case S::draft:
        return {0x99, 0x99, 0x99}; // grey: nothing sent yet
    case S::issued:
        return {0xE6, 0x9F, 0x00}; // orange: waiting for the contractor
    case S::acknowledged:
        return {0x56, 0xB4, 0xE9}; // sky blue
    case S::declined:
        return {0xD5, 0x5E, 0x00}; // vermilion: needs staff
    case S::started:
        return {0x00, 0x72, 0xB2}; // blue
    case S::completed:
        return {0x00, 0x9E, 0x73}; // bluish green
    case S::inspected:
        return {0x00, 0x00, 0x00};
    case S::cancelled:
        return {0xCC, 0x79, 0xA7}; // reddish purple
    }
    return {0x99, 0x99, 0x99};
}

std::string evidence_text(const dispatch::OrderEvidence& evidence) {
    char text[64];
    std::snprintf(text, sizeof text, "%.1f / %.1f km", evidence.cleared_m / 1000.0,
                  evidence.required_m / 1000.0);
    return text;
}

std::string window_text(std::int64_t start_ms, std::int64_t end_ms) {
    const JstTime a = jst(start_ms);
    const JstTime b = jst(end_ms);
    char text[64];
    if (a.year == b.year && a.month == b.month && a.day == b.day) {
        std::snprintf(text, sizeof text, "%02u-%02u %02d:%02d – %02d:%02d", a.month, a.day, a.hour,
                      a.minute, b.hour, b.minute);
    } else {
        std::snprintf(text, sizeof text, "%02u-%02u %02d:%02d – %02u-%02u %02d:%02d", a.month,
                      a.day, a.hour, a.minute, b.month, b.day, b.hour, b.minute);
    }
    return text;
}

std::string jst_minute_text(std::int64_t time_ms) {
    const JstTime t = jst(time_ms);
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d", t.year, t.month, t.day, t.hour,
                  t.minute);
    return text;
}

std::optional<std::int64_t> parse_jst_time(std::string_view text) {
    while (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1);
    }
    while (!text.empty() && text.back() == ' ') {
        text.remove_suffix(1);
    }
    int year = 0;
    unsigned month = 0;
    unsigned day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    char separator = 0;
    int consumed = 0;
    const std::string copy(text);
    const int fields = std::sscanf(copy.c_str(), "%4d-%2u-%2u%c%2d:%2d%n", &year, &month, &day,
                                   &separator, &hour, &minute, &consumed);
    if (fields != 6 || (separator != ' ' && separator != 'T')) {
        return std::nullopt;
    }
    std::string_view rest = std::string_view(copy).substr(static_cast<std::size_t>(consumed));
    if (!rest.empty()) {
        int more = 0;
        if (std::sscanf(std::string(rest).c_str(), ":%2d%n", &second, &more) != 1 ||
            static_cast<std::size_t>(more) != rest.size() || second < 0 || second > 59) {
            return std::nullopt;
        }
    }
    const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month},
                                           std::chrono::day{day}};
    if (!date.ok() || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
        return std::nullopt;
    }
    const std::int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
    return days * day_ms + (hour * 3600 + minute * 60 + second) * std::int64_t{1000} -
           jst_offset_ms;
}

std::vector<std::int64_t> roads_in_box(data::Project& project, const gis::Box& box) {
    Statement q(project.database(),
                "SELECT id FROM road_segments WHERE ROWID IN (SELECT pkid FROM "
                "idx_road_segments_geom WHERE xmin <= ?1 AND xmax >= ?2 AND ymin <= ?3 AND ymax "
                ">= ?4) AND ST_Intersects(geom, BuildMbr(?2, ?4, ?1, ?3, ?5)) ORDER BY id");
    q.bind(1, box.max_x).bind(2, box.min_x).bind(3, box.max_y).bind(4, box.min_y);
    q.bind(5, static_cast<std::int64_t>(project.crs().code));
    std::vector<std::int64_t> ids;
    while (q.step()) {
        ids.push_back(q.column_int64(0));
    }
    return ids;
}

std::map<std::int64_t, gis::Polyline> road_lines(data::Project& project,
                                                 std::span<const std::int64_t> ids) {
    std::map<std::int64_t, gis::Polyline> lines;
    Statement q(project.database(), "SELECT AsBinary(geom) FROM road_segments WHERE id = ?");
    for (const std::int64_t id : ids) {
        q.bind(1, id);
        if (q.step() && !q.is_null(0)) {
            gis::Polyline line = linestring(q.column_blob(0));
            if (line.size() >= 2) {
                lines[id] = std::move(line);
            }
        }
        q.reset();
    }
    return lines;
}

gis::Box lines_extent(const std::map<std::int64_t, gis::Polyline>& lines) {
    gis::Box box = gis::Box::empty();
    for (const auto& [id, line] : lines) {
        for (const gis::XY& p : line) {
            box.extend(p);
        }
    }
    return box;
}

bool toggle_road(std::vector<std::int64_t>& selection, std::int64_t id) {
    const auto it = std::lower_bound(selection.begin(), selection.end(), id);
    if (it != selection.end() && *it == id) {
        selection.erase(it);
        return false;
    }
    selection.insert(it, id);
    return true;
}

void add_roads(std::vector<std::int64_t>& selection, std::span<const std::int64_t> ids) {
    selection.insert(selection.end(), ids.begin(), ids.end());
    std::sort(selection.begin(), selection.end());
    selection.erase(std::unique(selection.begin(), selection.end()), selection.end());
}

void issue_orders(data::Project& project, std::span<const std::int64_t> order_ids,
                  const dispatch::OrderActor& actor) {
    dispatch::Orders orders(project);
    data::Transaction tx(project.database());
    for (const std::int64_t id : order_ids) {
        try {
            orders.change_status(id, dispatch::OrderStatus::issued, actor);
        } catch (const Error& e) {
            const std::string message = e.what();
            const auto order = orders.order(id);
            const std::string name = order ? order->number : std::to_string(id);
            // The workflow's messages name the order already; others get its number in front.
            throw Error(message.find(name) != std::string::npos ? message
                                                                : "order " + name + ": " + message);
        }
    }
    tx.commit();
}

std::int64_t data_version(data::Project& project) {
    Statement q(project.database(), "PRAGMA data_version");
    return q.step() ? q.column_int64(0) : 0;
}

OrdersVersion orders_version(data::Project& project) {
    OrdersVersion v;
    v.data_version = data_version(project);
    Database& db = project.database();
    if (!table_exists(db, "orders")) {
        return v;
    }
    Statement q(db, "SELECT (SELECT coalesce(max(id), 0) FROM order_events), (SELECT count(*) "
                    "FROM orders)");
    if (q.step()) {
        v.last_event_id = q.column_int64(0);
        v.order_count = q.column_int64(1);
    }
    return v;
}

std::optional<std::int64_t> district_contractor(data::Project& project, std::int64_t district_id) {
    Statement q(project.database(),
                "SELECT contractor_id FROM vehicles WHERE district_id = ? GROUP BY contractor_id "
                "ORDER BY count(*) DESC, contractor_id LIMIT 1");
    q.bind(1, district_id);
    if (!q.step()) {
        return std::nullopt;
    }
    return q.column_int64(0);
}

std::vector<dispatch::OrderStatus> phone_call_statuses() {
    using S = dispatch::OrderStatus;
    return {S::acknowledged, S::declined, S::started, S::completed};
}

} // namespace ykm::gui

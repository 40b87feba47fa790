#include "ykm/dispatch/orders.hpp"

#include "queries.hpp"

#include "ykm/dispatch/audit_log.hpp"
#include "ykm/dispatch/coverage.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>

namespace ykm::dispatch {

namespace {

using data::Database;
using data::Statement;
using data::Transaction;

struct StatusName {
    OrderStatus status;
    std::string_view key;
    std::string_view japanese;
};

constexpr std::array<StatusName, 8> status_names{{
    {OrderStatus::draft, "draft", "下書き"},
    {OrderStatus::issued, "issued", "発令"},
    {OrderStatus::acknowledged, "acknowledged", "受領"},
    {OrderStatus::declined, "declined", "辞退"},
    {OrderStatus::started, "started", "着手"},
    {OrderStatus::completed, "completed", "完了"},
    {OrderStatus::inspected, "inspected", "検査済"},
    {OrderStatus::cancelled, "cancelled", "取消"},
}};

constexpr std::array<std::pair<OrderChannel, std::string_view>, 5> channel_names{{
    {OrderChannel::desktop, "desktop"},
    {OrderChannel::portal, "portal"},
    {OrderChannel::phone, "phone"},
    {OrderChannel::print, "print"},
    {OrderChannel::cli, "cli"},
}};

constexpr std::int64_t jst_offset_ms = 9 * 3'600'000;

std::string join_statuses(const std::vector<OrderStatus>& statuses) {
    std::string out;
    for (const OrderStatus s : statuses) {
        out += (out.empty() ? "" : ", ") + std::string(key(s));
    }
    return out.empty() ? "none" : out;
}

constexpr const char* order_columns =
    "SELECT id, number, district_id, contractor_id, work_type, plan_id, window_start_ms, "
    "window_end_ms, deadline_ms, instructions, status, created_ms, updated_ms FROM orders";

WorkOrder read_order(Database& db, const Statement& row) {
    WorkOrder o;
    o.id = row.column_int64(0);
    o.number = row.column_text(1);
    o.district_id = row.column_optional_int64(2);
    o.contractor_id = row.column_int64(3);
    o.work = data::parse_work_type(row.column_text(4)).value_or(data::WorkType::unknown);
    o.plan_id = row.column_optional_int64(5);
    o.window_start_ms = row.column_int64(6);
    o.window_end_ms = row.column_int64(7);
    o.deadline_ms = row.column_optional_int64(8);
    o.instructions = row.column_text(9);
    o.status = parse_order_status(row.column_text(10)).value_or(OrderStatus::draft);
    o.created_ms = row.column_int64(11);
    o.updated_ms = row.column_int64(12);
    o.segments = id_column(db,
                           "SELECT segment_id FROM order_segments WHERE order_id = ? ORDER BY "
                           "segment_id",
                           o.id);
    o.vehicles = id_column(db,
                           "SELECT vehicle_id FROM order_vehicles WHERE order_id = ? ORDER BY "
                           "vehicle_id",
                           o.id);
    return o;
}

void record_event(Database& db, std::int64_t order_id, std::int64_t time_ms,
                  std::optional<OrderStatus> from, OrderStatus to, const OrderActor& actor,
                  const std::string& reason) {
    Statement insert(db, "INSERT INTO order_events (order_id, time_ms, from_status, to_status, "
                         "actor, channel, reason) VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, order_id).bind(2, time_ms);
    if (from) {
        insert.bind(3, key(*from));
    } else {
        insert.bind_null(3);
    }
    insert.bind(4, key(to)).bind(5, actor.name).bind(6, key(actor.channel)).bind(7, reason).run();
}

void audit(Database& db, const OrderActor& actor, const std::string& action, std::int64_t order_id,
           std::int64_t time_ms, const nlohmann::json& detail) {
    AuditEntry e;
    e.time_ms = time_ms;
    e.actor = actor.name;
    e.channel = std::string(key(actor.channel));
    e.action = action;
    e.entity = "order";
    e.entity_id = order_id;
    e.detail = detail.dump();
    append_audit(db, e);
}

} // namespace

std::string_view key(OrderStatus status) {
    return status_names[static_cast<std::size_t>(status)].key;
}

std::string_view japanese_name(OrderStatus status) {
    return status_names[static_cast<std::size_t>(status)].japanese;
}

std::optional<OrderStatus> parse_order_status(std::string_view text) {
    for (const StatusName& n : status_names) {
        if (n.key == text || n.japanese == text) {
            return n.status;
        }
    }
    return std::nullopt;
}

std::vector<OrderStatus> next_statuses(OrderStatus from) {
    using S = OrderStatus;
    switch (from) {
    case S::draft:
        return {S::issued, S::cancelled};
    case S::issued:
        return {S::acknowledged, S::declined, S::cancelled};
    case S::acknowledged:
        return {S::started, S::cancelled};
    case S::declined:
        // Staff re-issue a declined order (after talking to the contractor) or cancel it.
        return {S::issued, S::cancelled};
    case S::started:
        return {S::completed, S::cancelled};
    case S::completed:
        return {S::inspected};
    case S::inspected:
    case S::cancelled:
        return {};
    }
    return {};
}

bool transition_allowed(OrderStatus from, OrderStatus to) {
    const auto next = next_statuses(from);
    return std::ranges::find(next, to) != next.end();
}

std::string_view key(OrderChannel channel) {
    return channel_names[static_cast<std::size_t>(channel)].second;
}

std::optional<OrderChannel> parse_order_channel(std::string_view text) {
    for (const auto& [channel, name] : channel_names) {
        if (name == text) {
            return channel;
        }
    }
    return std::nullopt;
}

Orders::Orders(data::Project& project) : m_project(project) {}

std::int64_t Orders::create(WorkOrder order, const OrderActor& actor) {
    Database& db = m_project.database();
    if (!exists(db, "contractors", order.contractor_id)) {
        throw Error("order: contractor " + std::to_string(order.contractor_id) + " does not exist");
    }
    if (order.district_id && !exists(db, "districts", *order.district_id)) {
        throw Error("order: district " + std::to_string(*order.district_id) + " does not exist");
    }
    if (order.plan_id && !exists(db, "plans", *order.plan_id)) {
        throw Error("order: plan " + std::to_string(*order.plan_id) + " does not exist");
    }
    if (order.work == data::WorkType::unknown || order.work == data::WorkType::travel) {
        throw Error("order: work type '" + std::string(data::key(order.work)) +
                    "' is not work to order (plow, grade, widen, haul, spread)");
    }
    if (order.window_end_ms <= order.window_start_ms) {
        throw Error("order: the time window ends before it starts");
    }
    if (order.deadline_ms && *order.deadline_ms < order.window_start_ms) {
        throw Error("order: the deadline is before the window starts");
    }
    std::ranges::sort(order.segments);
    order.segments.erase(std::ranges::unique(order.segments).begin(), order.segments.end());
    std::ranges::sort(order.vehicles);
    order.vehicles.erase(std::ranges::unique(order.vehicles).begin(), order.vehicles.end());
    if (order.segments.empty()) {
        throw Error("order: no roads: give segments, a district or a plan");
    }
    for (const std::int64_t s : order.segments) {
        if (!exists(db, "road_segments", s)) {
            throw Error("order: segment " + std::to_string(s) + " does not exist");
        }
    }
    for (const std::int64_t v : order.vehicles) {
        Statement q(db, "SELECT contractor_id, code FROM vehicles WHERE id = ?");
        q.bind(1, v);
        if (!q.step()) {
            throw Error("order: vehicle " + std::to_string(v) + " does not exist");
        }
        if (q.column_int64(0) != order.contractor_id) {
            throw Error("order: vehicle " + q.column_text(1) +
                        " belongs to another contractor than the order's");
        }
    }

    Transaction tx(db);
    const std::int64_t now = now_ms();
    // Numbers run per year in Japan time: the season spans New Year, staff read the year.
    const std::string year = format_time_utc(now + jst_offset_ms).substr(0, 4);
    Statement last(db, "SELECT max(CAST(substr(number, 6) AS INTEGER)) FROM orders WHERE number "
                       "LIKE ? || '-%'");
    last.bind(1, year);
    last.step();
    const std::int64_t next = last.is_null(0) ? 1 : last.column_int64(0) + 1;
    char number[32];
    std::snprintf(number, sizeof number, "%s-%04lld", year.c_str(), static_cast<long long>(next));
    order.number = number;

    Statement insert(db, "INSERT INTO orders (number, district_id, contractor_id, work_type, "
                         "plan_id, window_start_ms, window_end_ms, deadline_ms, instructions, "
                         "status, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                         "'draft', ?, ?)");
    insert.bind(1, order.number)
        .bind(2, order.district_id)
        .bind(3, order.contractor_id)
        .bind(4, data::key(order.work))
        .bind(5, order.plan_id)
        .bind(6, order.window_start_ms)
        .bind(7, order.window_end_ms)
        .bind(8, order.deadline_ms)
        .bind(9, order.instructions)
        .bind(10, now)
        .bind(11, now)
        .run();
    const std::int64_t id = db.last_insert_rowid();
    Statement segment(db, "INSERT INTO order_segments (order_id, segment_id) VALUES (?, ?)");
    for (const std::int64_t s : order.segments) {
        segment.bind(1, id).bind(2, s).run();
    }
    Statement vehicle(db, "INSERT INTO order_vehicles (order_id, vehicle_id) VALUES (?, ?)");
    for (const std::int64_t v : order.vehicles) {
        vehicle.bind(1, id).bind(2, v).run();
    }
    record_event(db, id, now, std::nullopt, OrderStatus::draft, actor, "");
    audit(db, actor, "order.create", id, now,
          {{"number", order.number},
           {"contractor_id", order.contractor_id},
           {"district_id", order.district_id ? nlohmann::json(*order.district_id) : nullptr},
           {"work_type", data::key(order.work)},
           {"plan_id", order.plan_id ? nlohmann::json(*order.plan_id) : nullptr},
           {"window", {order.window_start_ms, order.window_end_ms}},
           {"deadline_ms", order.deadline_ms ? nlohmann::json(*order.deadline_ms) : nullptr},
           {"instructions", order.instructions},
           {"segments", order.segments},
           {"vehicles", order.vehicles}});
    tx.commit();
    return id;
}

void Orders::change_status(std::int64_t order_id, OrderStatus to, const OrderActor& actor,
                           const std::string& reason, std::int64_t time_ms) {
    Database& db = m_project.database();
    Transaction tx(db);
    const auto current = order(order_id);
    if (!current) {
        throw Error("order " + std::to_string(order_id) + " does not exist");
    }
    if (!transition_allowed(current->status, to)) {
        throw Error("order " + current->number + " is " + std::string(key(current->status)) +
                    ": it cannot become " + std::string(key(to)) +
                    " (next: " + join_statuses(next_statuses(current->status)) + ")");
    }
    if (to == OrderStatus::declined && reason.empty()) {
        throw Error("order " + current->number + ": declining needs a reason");
    }
    const std::int64_t when = time_ms > 0 ? time_ms : now_ms();
    Statement update(db, "UPDATE orders SET status = ?, updated_ms = ? WHERE id = ?");
    update.bind(1, key(to)).bind(2, when).bind(3, order_id).run();
    record_event(db, order_id, when, current->status, to, actor, reason);
    audit(db, actor, "order.status", order_id, when,
          {{"number", current->number},
           {"from", key(current->status)},
           {"to", key(to)},
           {"reason", reason}});
    tx.commit();
}

std::optional<WorkOrder> Orders::order(std::int64_t id) {
    Database& db = m_project.database();
    Statement q(db, std::string(order_columns) + " WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) {
        return std::nullopt;
    }
    return read_order(db, q);
}

std::optional<WorkOrder> Orders::order_by_number(const std::string& number) {
    Database& db = m_project.database();
    Statement q(db, std::string(order_columns) + " WHERE number = ?");
    q.bind(1, number);
    if (!q.step()) {
        return std::nullopt;
    }
    return read_order(db, q);
}

WorkOrder Orders::find(const std::string& number_or_id) {
    if (auto o = order_by_number(number_or_id)) {
        return *o;
    }
    if (!number_or_id.empty() && number_or_id.size() < 19 &&
        number_or_id.find_first_not_of("0123456789") == std::string::npos) {
        if (auto o = order(std::stoll(number_or_id))) {
            return *o;
        }
    }
    throw Error("order " + number_or_id + " does not exist");
}

std::vector<WorkOrder> Orders::list(const OrderFilter& filter) {
    Database& db = m_project.database();
    std::string sql = std::string(order_columns) + " WHERE 1";
    if (filter.status) {
        sql += " AND status = '" + std::string(key(*filter.status)) + "'";
    }
    if (filter.contractor_id) {
        sql += " AND contractor_id = " + std::to_string(*filter.contractor_id);
    }
    if (filter.district_id) {
        sql += " AND district_id = " + std::to_string(*filter.district_id);
    }
    if (filter.open_only) {
        sql += " AND status NOT IN ('completed', 'inspected', 'cancelled')";
    }
    Statement q(db, sql + " ORDER BY id");
    std::vector<WorkOrder> out;
    while (q.step()) {
        out.push_back(read_order(db, q));
    }
    return out;
}

std::vector<OrderEvent> Orders::history(std::int64_t order_id) {
    Statement q(m_project.database(), "SELECT id, time_ms, from_status, to_status, actor, channel, "
                                      "reason FROM order_events WHERE order_id = ? ORDER BY "
                                      "id");
    q.bind(1, order_id);
    std::vector<OrderEvent> out;
    while (q.step()) {
        OrderEvent e;
        e.id = q.column_int64(0);
        e.order_id = order_id;
        e.time_ms = q.column_int64(1);
        if (!q.is_null(2)) {
            e.from = parse_order_status(q.column_text(2));
        }
        e.to = parse_order_status(q.column_text(3)).value_or(OrderStatus::draft);
        e.actor = q.column_text(4);
        e.channel = parse_order_channel(q.column_text(5)).value_or(OrderChannel::desktop);
        e.reason = q.column_text(6);
        out.push_back(std::move(e));
    }
    return out;
}

OrderEvidence Orders::evidence(std::int64_t order_id) {
    const auto o = order(order_id);
    if (!o) {
        throw Error("order " + std::to_string(order_id) + " does not exist");
    }
    Database& db = m_project.database();
    std::vector<std::int64_t> vehicles = o->vehicles;
    if (vehicles.empty()) {
        vehicles =
            id_column(db, "SELECT id FROM vehicles WHERE contractor_id = ?", o->contractor_id);
    }
    OrderEvidence e;
    Statement road(db, "SELECT length_m, oneway FROM road_segments WHERE id = ?");
    Statement passes(db, "SELECT vehicle_id, time_ms, work, blade FROM coverage_passes WHERE "
                         "segment_id = ? AND forward = ? AND time_ms >= ? AND time_ms <= ?");
    for (const std::int64_t s : o->segments) {
        road.bind(1, s);
        if (!road.step()) {
            road.reset();
            continue;
        }
        const double length = road.column_double(0);
        const bool oneway = road.column_int(1) != 0;
        road.reset();
        for (const bool forward : {true, false}) {
            if (oneway && !forward) {
                continue;
            }
            ++e.directions;
            e.required_m += length;
            passes.bind(1, s)
                .bind(2, forward ? 1 : 0)
                .bind(3, o->window_start_ms)
                .bind(4, o->window_end_ms);
            bool cleared = false;
            while (passes.step()) {
                const bool ours =
                    std::ranges::find(vehicles, passes.column_int64(0)) != vehicles.end();
                const auto work = static_cast<data::WorkType>(passes.column_int(2));
                const auto blade = static_cast<data::Blade>(passes.column_int(3));
                if (!ours || !clears_road(work, blade)) {
                    continue;
                }
                cleared = true;
                const std::int64_t t = passes.column_int64(1);
                e.first_pass_ms = std::min(e.first_pass_ms.value_or(t), t);
                e.last_pass_ms = std::max(e.last_pass_ms.value_or(t), t);
            }
            passes.reset();
            if (cleared) {
                ++e.cleared_directions;
                e.cleared_m += length;
            }
        }
    }
    return e;
}

std::vector<std::int64_t> Orders::district_segments(std::int64_t district_id) {
    return id_column(m_project.database(),
                     "SELECT id FROM road_segments WHERE district_id = ? AND priority IS NOT NULL "
                     "ORDER BY id",
                     district_id);
}

std::vector<std::int64_t> Orders::plan_segments(std::int64_t plan_id) {
    return id_column(m_project.database(),
                     "SELECT DISTINCT segment_id FROM plan_steps WHERE plan_id = ? AND kind = "
                     "'service' ORDER BY segment_id",
                     plan_id);
}

} // namespace ykm::dispatch

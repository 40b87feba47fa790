#pragma once

// Digital work orders (作業指令): what a contractor is asked to do, on which roads, with which
// vehicles, by when, and every step of the order on record (who, when, through which channel).
// Every change runs in one transaction together with its audit-log entry.

#include "ykm/data/project.hpp"
#include "ykm/data/season_log.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ykm::dispatch {

/// Where an order stands. draft → issued → acknowledged or declined → started → completed →
/// inspected; cancelled from any state before completion.
enum class OrderStatus : std::uint8_t {
    draft,
    issued,
    acknowledged,
    declined,
    started,
    completed,
    inspected,
    cancelled,
};

/// "draft", "issued", ...
std::string_view key(OrderStatus status);
/// 下書き, 発令, 受領, 辞退, 着手, 完了, 検査済, 取消
std::string_view japanese_name(OrderStatus status);
std::optional<OrderStatus> parse_order_status(std::string_view text);

/// The states an order may move to from `from`.
std::vector<OrderStatus> next_statuses(OrderStatus from);
bool transition_allowed(OrderStatus from, OrderStatus to);

/// How a change reached the system.
enum class OrderChannel : std::uint8_t { desktop, portal, phone, print, cli };
std::string_view key(OrderChannel channel);
std::optional<OrderChannel> parse_order_channel(std::string_view text);

/// A work order.
struct WorkOrder {
    std::int64_t id = 0;
    std::string number; ///< "2026-0007": year (JST) and a running number; set on creation
    std::optional<std::int64_t> district_id;
    std::int64_t contractor_id = 0;
    data::WorkType work = data::WorkType::plow;
    std::optional<std::int64_t> plan_id;
    std::int64_t window_start_ms = 0;
    std::int64_t window_end_ms = 0;
    std::optional<std::int64_t> deadline_ms;
    std::string instructions;
    OrderStatus status = OrderStatus::draft;
    std::int64_t created_ms = 0;
    std::int64_t updated_ms = 0;
    std::vector<std::int64_t> segments; ///< the roads, ascending
    std::vector<std::int64_t> vehicles; ///< ascending
};

/// One status change.
struct OrderEvent {
    std::int64_t id = 0;
    std::int64_t order_id = 0;
    std::int64_t time_ms = 0;
    std::optional<OrderStatus> from; ///< none for the creation
    OrderStatus to = OrderStatus::draft;
    std::string actor;
    OrderChannel channel = OrderChannel::desktop;
    std::string reason;
};

/// What the GPS tracks show of an order's work: the directions of its roads that its vehicles
/// (all of the contractor's when the order names none) cleared within its time window.
struct OrderEvidence {
    double required_m = 0.0; ///< both directions of two-way roads, one of one-way roads
    double cleared_m = 0.0;
    std::size_t directions = 0;
    std::size_t cleared_directions = 0;
    std::optional<std::int64_t> first_pass_ms;
    std::optional<std::int64_t> last_pass_ms;
};

/// Who makes a change and through which channel.
struct OrderActor {
    std::string name = "staff";
    OrderChannel channel = OrderChannel::desktop;
};

/// Filters for listing orders; unset members match everything.
struct OrderFilter {
    std::optional<OrderStatus> status;
    std::optional<std::int64_t> contractor_id;
    std::optional<std::int64_t> district_id;
    bool open_only = false; ///< not completed, inspected or cancelled
};

/// Work orders stored in a project. Bad input throws ykm::Error naming the order (by number),
/// field or value; nothing is written then.
class Orders {
public:
    /// Works on `project`, which must outlive it.
    explicit Orders(data::Project& project);

    /// Stores a new draft: checks the contractor, district, plan, vehicles (must belong to the
    /// contractor) and segments exist, the window is not empty and the deadline not before its
    /// start, and that it has roads. Returns the id; `order.number` is assigned.
    std::int64_t create(WorkOrder order, const OrderActor& actor);

    /// Moves an order to `to`. Refuses a transition the workflow does not allow ("order
    /// 2026-0007 is issued: it cannot become completed (next: acknowledged, declined,
    /// cancelled)"), a decline without a reason, and an order that does not exist.
    void change_status(std::int64_t order_id, OrderStatus to, const OrderActor& actor,
                       const std::string& reason = {}, std::int64_t time_ms = 0);

    [[nodiscard]] std::optional<WorkOrder> order(std::int64_t id);
    [[nodiscard]] std::optional<WorkOrder> order_by_number(const std::string& number);
    /// The order named by its number or id; throws ykm::Error "order X does not exist".
    [[nodiscard]] WorkOrder find(const std::string& number_or_id);
    [[nodiscard]] std::vector<WorkOrder> list(const OrderFilter& filter = {});
    /// The order's status changes in the order they were recorded (a change taken by phone may
    /// carry the time the contractor called, before it was entered).
    [[nodiscard]] std::vector<OrderEvent> history(std::int64_t order_id);

    /// The coverage evidence of an order, from the passes the tracking recorded; throws when
    /// the order does not exist.
    [[nodiscard]] OrderEvidence evidence(std::int64_t order_id);

    /// The roads of a district (its classed segments) and of a stored plan (the segments its
    /// routes plow), for creating orders from them.
    [[nodiscard]] std::vector<std::int64_t> district_segments(std::int64_t district_id);
    [[nodiscard]] std::vector<std::int64_t> plan_segments(std::int64_t plan_id);

private:
    data::Project& m_project;
};

} // namespace ykm::dispatch

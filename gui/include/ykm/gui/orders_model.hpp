#pragma once

// Work orders in the window, without the toolkit: the rows of the order list with their names,
// evidence and last change, the colours and texts they are shown with, roads chosen on the map,
// issuing several drafts in one transaction and noticing changes made by other processes.

#include "ykm/data/project.hpp"
#include "ykm/dispatch/orders.hpp"
#include "ykm/gis/geometry.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ykm::gui {

/// An order as the list shows it.
struct OrderRow {
    dispatch::WorkOrder order;
    std::string contractor; ///< name, else code; "" when unknown
    std::string district;   ///< "" for an order without a district
    dispatch::OrderEvidence evidence;
    std::optional<dispatch::OrderEvent> last_change;
};

/// The list's rows for `filter`, by id. `with_evidence` false leaves the evidence empty (it
/// reads the coverage passes of every road of every order).
std::vector<OrderRow> order_rows(data::Project& project, const dispatch::OrderFilter& filter,
                                 bool with_evidence = true);

/// An sRGB colour.
struct OrderColour {
    std::uint8_t red = 0;
    std::uint8_t green = 0;
    std::uint8_t blue = 0;
    friend bool operator==(const OrderColour&, const OrderColour&) = default;
};

/// The colour of a status from the Okabe-Ito palette (colour-blind safe); always shown next to
/// the status's name, never alone. Open states are saturated, finished ones grey.
OrderColour status_colour(dispatch::OrderStatus status);

/// The colour the roads of the selected order are drawn in (Okabe-Ito yellow, over a dark
/// casing), and roads chosen on the map for a new order (the map's highlight magenta).
inline constexpr OrderColour order_road_colour{0xF0, 0xE4, 0x42};
inline constexpr OrderColour order_road_casing{0x1A, 0x1A, 0x1A};
inline constexpr OrderColour chosen_road_colour{0xFF, 0x00, 0xD0};

/// "1.2 / 3.4 km": the cleared and required length of the order's roads.
std::string evidence_text(const dispatch::OrderEvidence& evidence);

/// "12-24 21:00 – 12-25 06:00" in Japan time; the second date left out on the same day.
std::string window_text(std::int64_t start_ms, std::int64_t end_ms);

/// "2026-12-24 21:00" in Japan time.
std::string jst_minute_text(std::int64_t time_ms);

/// Reads "YYYY-MM-DD HH:MM" (or with seconds, or 'T' between) in Japan time; std::nullopt when
/// it is not such a time.
std::optional<std::int64_t> parse_jst_time(std::string_view text);

/// The road segments whose geometry meets `box` (project CRS), ascending.
std::vector<std::int64_t> roads_in_box(data::Project& project, const gis::Box& box);

/// The geometries of roads `ids` (project CRS); ids that do not exist are left out.
std::map<std::int64_t, gis::Polyline> road_lines(data::Project& project,
                                                 std::span<const std::int64_t> ids);

/// The bounding box of `lines`; empty when there are none.
gis::Box lines_extent(const std::map<std::int64_t, gis::Polyline>& lines);

/// Adds `id` to the ascending `selection`, or takes it out when it is there; returns whether it
/// is in the selection afterwards.
bool toggle_road(std::vector<std::int64_t>& selection, std::int64_t id);

/// Adds `ids` to the ascending `selection`, keeping it ascending and without duplicates.
void add_roads(std::vector<std::int64_t>& selection, std::span<const std::int64_t> ids);

/// Issues every order of `order_ids` in one transaction: all or none. A refused order throws
/// ykm::Error naming it by number; nothing is written then.
void issue_orders(data::Project& project, std::span<const std::int64_t> order_ids,
                  const dispatch::OrderActor& actor);

/// What tells that the orders changed: SQLite's data version of this connection (which changes
/// when another connection commits) and the orders' own state.
struct OrdersVersion {
    std::int64_t data_version = 0;
    std::int64_t last_event_id = 0;
    std::int64_t order_count = 0;
    friend bool operator==(const OrdersVersion&, const OrdersVersion&) = default;
};

/// PRAGMA data_version on `project`'s connection; cheap enough to ask twice a second.
std::int64_t data_version(data::Project& project);

/// The orders' state (last event id and number of orders) with the data version. A project
/// without order tables gives zeros.
OrdersVersion orders_version(data::Project& project);

/// The contractor with most vehicles assigned to `district_id`, if any.
std::optional<std::int64_t> district_contractor(data::Project& project, std::int64_t district_id);

/// The statuses a phone call from a contractor records, in the order offered.
std::vector<dispatch::OrderStatus> phone_call_statuses();

} // namespace ykm::gui

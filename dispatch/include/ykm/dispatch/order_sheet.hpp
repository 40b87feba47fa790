#pragma once

// The printable order sheet (作業指令書): one or more A4 pages in Japanese with the order's
// number, contractor, work type, window and deadline, a map of its roads, the roads list,
// instructions, signature boxes for a phone or FAX acknowledgement, and a QR code that opens the
// order in the contractor portal. For contractors without smartphones; the sheet can be stored
// with the order as its attachment.

#include "ykm/data/project.hpp"
#include "ykm/dispatch/orders.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ykm::dispatch {

struct OrderSheetOptions {
    /// The portal's address as contractors reach it, e.g. "https://portal.example.lg.jp"; the
    /// QR code encodes PORTAL_URL + "/#/orders/" + number. Empty: no QR code (and the sheet says
    /// so).
    std::string portal_url;
};

/// Renders the sheet of `order_id` as PDF bytes: page 1 with the order's details, a map of its
/// roads (thick, in their priority class's colour, over the other roads in grey), the QR code
/// (or "ポータル未設定") and the acknowledgement box; then the roads list with the total length
/// over as many pages as it needs (with the full text of any field cut short on page 1). Every
/// page has a footer with the number and "page / pages". Throws ykm::Error when the order does
/// not exist or the portal URL is not http(s) (naming the URL).
std::vector<unsigned char> order_sheet_pdf(data::Project& project, std::int64_t order_id,
                                           const OrderSheetOptions& options);

/// Writes the sheet to `pdf` (beside it first, renamed over it when complete); throws
/// ykm::Error as order_sheet_pdf() does, or naming the file when it cannot be written.
void write_order_sheet(data::Project& project, std::int64_t order_id,
                       const OrderSheetOptions& options, const std::filesystem::path& pdf);

/// Stores `content` as the order's attachment `name` (replacing one of that name) in one
/// transaction with an audit entry "order.attach" (its detail holds the size and SHA-256 of the
/// content). Throws ykm::Error naming the order when it does not exist, the name is empty or
/// has a path separator or control character, the media type is not TYPE/SUBTYPE, or the
/// content is empty.
void attach_to_order(data::Project& project, std::int64_t order_id, const std::string& name,
                     const std::string& media_type, const std::vector<unsigned char>& content,
                     const OrderActor& actor);

/// An attachment of an order.
struct OrderAttachment {
    std::int64_t id = 0;
    std::string name;
    std::string media_type;
    std::int64_t created_ms = 0;
    std::size_t size = 0; ///< bytes
};
/// The attachments of an order by name, without their bytes; throws when the order does not
/// exist.
std::vector<OrderAttachment> order_attachments(data::Project& project, std::int64_t order_id);
/// The bytes of an attachment; throws when the order has none of that name.
std::vector<unsigned char> order_attachment(data::Project& project, std::int64_t order_id,
                                            const std::string& name);

} // namespace ykm::dispatch

#pragma once

// The audit log: an append-only record of every change to work orders and master data (fleet,
// contractors), each entry chained to the one before by a SHA-256 hash, so that a later edit or
// deletion of history is detected by verify_audit(). The table refuses UPDATE and DELETE by
// triggers; the chain catches changes made around them (a tool that drops the triggers, an
// edited file).

#include "ykm/data/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ykm::dispatch {

/// One entry of the audit log.
struct AuditEntry {
    std::int64_t id = 0;
    std::int64_t time_ms = 0; ///< 0 when appending: now
    std::string actor;        ///< who: a user name, "ykm" for the CLI without --actor
    std::string channel;      ///< desktop, portal, phone, print, cli
    std::string action;       ///< e.g. "order.create", "order.status", "vehicle.save"
    std::string entity;       ///< "order", "vehicle", "contractor", ...
    std::int64_t entity_id = 0;
    std::string detail;    ///< JSON text: what changed
    std::string prev_hash; ///< hex SHA-256 of the entry before (64 zeros for the first)
    std::string hash;      ///< hex SHA-256 of this entry with prev_hash
};

/// Appends an entry inside the caller's transaction (so the change and its record are committed
/// together or not at all); fills id, time (if 0), prev_hash and hash. Returns the id.
std::int64_t append_audit(data::Database& db, AuditEntry entry);

/// What verify_audit() found.
struct AuditCheck {
    bool intact = true;
    std::size_t entries = 0;
    std::optional<std::int64_t> first_bad_id; ///< the first entry whose hash or link is wrong
    std::string message;                      ///< what is wrong, naming the entry
    std::string head_hash; ///< the hash of the last entry (record it elsewhere to detect
                           ///< truncation of the newest entries)
};

/// Recomputes the chain from the first entry.
AuditCheck verify_audit(data::Database& db);

/// Entries, oldest first, optionally of one entity (and id).
std::vector<AuditEntry> read_audit(data::Database& db,
                                   const std::optional<std::string>& entity = {},
                                   std::optional<std::int64_t> entity_id = {});

} // namespace ykm::dispatch

#include "ykm/dispatch/audit_log.hpp"

#include "ykm/dispatch/position_input.hpp"
#include "ykm/dispatch/secrets.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <memory>

namespace ykm::dispatch {
namespace {

using data::Database;
using data::Statement;

const std::string genesis_hash(64, '0');

// Every field as "<byte count>:<bytes>," (a netstring) behind a version tag, so that no two
// different entries serialize the same: moving text between adjacent fields changes a length.
void put_field(std::string& out, std::string_view field) {
    out += std::to_string(field.size());
    out += ':';
    out += field;
    out += ',';
}

std::string canonical(const AuditEntry& e) {
    std::string out = "ykm-audit-1,";
    put_field(out, e.prev_hash);
    put_field(out, std::to_string(e.id));
    put_field(out, std::to_string(e.time_ms));
    put_field(out, e.actor);
    put_field(out, e.channel);
    put_field(out, e.action);
    put_field(out, e.entity);
    put_field(out, std::to_string(e.entity_id));
    put_field(out, e.detail);
    return out;
}

std::string hash_of(const AuditEntry& e) {
    return sha256_hex(canonical(e));
}

constexpr const char* entry_columns = "SELECT id, time_ms, actor, channel, action, entity, "
                                      "entity_id, detail, prev_hash, hash FROM audit_log";

AuditEntry read_entry(const Statement& row) {
    AuditEntry e;
    e.id = row.column_int64(0);
    e.time_ms = row.column_int64(1);
    e.actor = row.column_text(2);
    e.channel = row.column_text(3);
    e.action = row.column_text(4);
    e.entity = row.column_text(5);
    e.entity_id = row.column_int64(6);
    e.detail = row.column_text(7);
    e.prev_hash = row.column_text(8);
    e.hash = row.column_text(9);
    return e;
}

void require(const std::string& value, const char* field, const AuditEntry& e) {
    if (value.empty()) {
        throw Error("audit log: " + e.action + " of " + e.entity + " " +
                    std::to_string(e.entity_id) + ": " + field + " is empty");
    }
}

} // namespace

std::int64_t append_audit(Database& db, AuditEntry entry) {
    require(entry.actor, "actor", entry);
    require(entry.channel, "channel", entry);
    require(entry.action, "action", entry);
    require(entry.entity, "entity", entry);
    if (entry.detail.empty()) {
        entry.detail = "{}";
    }
    if (!nlohmann::json::accept(entry.detail)) {
        throw Error("audit log: " + entry.action + " of " + entry.entity + " " +
                    std::to_string(entry.entity_id) + ": detail is not JSON");
    }
    // The record belongs in the caller's transaction; a caller without one still gets the read of
    // the last hash and the insert as one unit, so that two writers cannot fork the chain.
    std::unique_ptr<data::Transaction> own;
    if (sqlite3_get_autocommit(db.handle()) != 0) {
        own = std::make_unique<data::Transaction>(db);
    }
    entry.prev_hash = genesis_hash;
    entry.id = 1;
    {
        Statement last(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
        if (last.step()) {
            entry.id = last.column_int64(0) + 1;
            entry.prev_hash = last.column_text(1);
        }
    }
    if (entry.time_ms == 0) {
        entry.time_ms = now_ms();
    }
    entry.hash = hash_of(entry);
    Statement insert(db, "INSERT INTO audit_log (id, time_ms, actor, channel, action, entity, "
                         "entity_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                         "?)");
    insert.bind(1, entry.id)
        .bind(2, entry.time_ms)
        .bind(3, entry.actor)
        .bind(4, entry.channel)
        .bind(5, entry.action)
        .bind(6, entry.entity)
        .bind(7, entry.entity_id)
        .bind(8, entry.detail)
        .bind(9, entry.prev_hash)
        .bind(10, entry.hash)
        .run();
    if (own) {
        own->commit();
    }
    return entry.id;
}

AuditCheck verify_audit(Database& db) {
    AuditCheck check;
    auto fail = [&check](std::int64_t id, const std::string& what) {
        check.intact = false;
        check.first_bad_id = id;
        check.message = "audit entry " + std::to_string(id) + ": " + what;
    };
    Statement q(db, std::string(entry_columns) + " ORDER BY id");
    std::int64_t previous_id = 0;
    std::string previous_hash = genesis_hash;
    while (q.step()) {
        const AuditEntry e = read_entry(q);
        ++check.entries;
        check.head_hash = e.hash;
        if (!check.intact) {
            continue; // only the first failure is reported; keep counting
        }
        if (e.id != previous_id + 1) {
            if (e.id <= previous_id) {
                fail(e.id, "out of order (ids must count up from 1)");
            } else if (e.id == previous_id + 2) {
                fail(previous_id + 1, "missing (deleted)");
            } else {
                check.intact = false;
                check.first_bad_id = previous_id + 1;
                check.message = "audit entries " + std::to_string(previous_id + 1) + " to " +
                                std::to_string(e.id - 1) + ": missing (deleted)";
            }
        } else if (e.prev_hash != previous_hash) {
            fail(e.id, previous_id == 0 ? std::string("not the start of the chain (its prev_hash "
                                                      "is not 64 zeros)")
                                        : "not chained to entry " + std::to_string(previous_id) +
                                              " (its prev_hash is not that entry's hash)");
        } else if (hash_of(e) != e.hash) {
            fail(e.id, "its content does not match its hash (edited)");
        }
        previous_id = e.id;
        previous_hash = e.hash;
    }
    return check;
}

std::vector<AuditEntry> read_audit(Database& db, const std::optional<std::string>& entity,
                                   std::optional<std::int64_t> entity_id) {
    std::string sql = std::string(entry_columns) + " WHERE 1";
    if (entity) {
        sql += " AND entity = ?1";
    }
    if (entity_id) {
        sql += " AND entity_id = ?2";
    }
    sql += " ORDER BY id";
    Statement q(db, sql);
    if (entity) {
        q.bind(1, *entity);
    }
    if (entity_id) {
        q.bind(2, *entity_id);
    }
    std::vector<AuditEntry> out;
    while (q.step()) {
        out.push_back(read_entry(q));
    }
    return out;
}

} // namespace ykm::dispatch

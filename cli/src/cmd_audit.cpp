#include "commands.hpp"
#include "jst_time.hpp"

#include "ykm/data/project.hpp"
#include "ykm/dispatch/audit_log.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace ykm::cli {
namespace {

constexpr const char* audit_usage =
    R"(usage: ykm audit verify PROJECT
       ykm audit list PROJECT [--entity E] [--id N] [--json]

The audit log records every change to work orders and master data (contractors, vehicles):
when, who, through which channel, what and the values written. Each entry is chained to the one
before by a SHA-256 hash, and the project refuses to change or delete entries.

verify recomputes the chain and prints "audit log intact: N entries, head HASH"; keep the head
hash elsewhere (a printed report) to detect a later removal of the newest entries. Exit codes:
0 intact, 3 tampered with (an entry edited, deleted or unchained; the message names the first
such entry), 2 bad input.

list prints the entries, oldest first, optionally of one entity (order, vehicle, contractor)
and one entity id; --json prints them as a JSON array.
)";

int audit_verify(Args& args) {
    const auto files = args.positional(1, 1, "audit verify PROJECT");
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    const dispatch::AuditCheck check = dispatch::verify_audit(project.database());
    if (!check.intact) {
        std::fprintf(stderr, "ykm audit: audit log tampered with: %s\n", check.message.c_str());
        return 3;
    }
    std::printf("audit log intact: %zu entries, head %s\n", check.entries,
                check.entries == 0 ? "(empty)" : check.head_hash.c_str());
    return 0;
}

nlohmann::json entry_json(const dispatch::AuditEntry& e) {
    // The detail is JSON text; show it as JSON, or as text should an edited file hold garbage.
    nlohmann::json detail = nlohmann::json::parse(e.detail, nullptr, false);
    if (detail.is_discarded()) {
        detail = e.detail;
    }
    return {{"id", e.id},
            {"time_ms", e.time_ms},
            {"time", iso_jst(e.time_ms)},
            {"actor", e.actor},
            {"channel", e.channel},
            {"action", e.action},
            {"entity", e.entity},
            {"entity_id", e.entity_id},
            {"detail", detail},
            {"prev_hash", e.prev_hash},
            {"hash", e.hash}};
}

int audit_list(Args& args) {
    const auto entity = args.take("--entity");
    std::optional<std::int64_t> entity_id;
    if (const auto id = args.take("--id")) {
        entity_id = static_cast<std::int64_t>(parse_whole_number(*id, "audit list: --id"));
    }
    const bool as_json = args.flag("--json");
    const auto files = args.positional(1, 1, "audit list PROJECT [--entity E] [--id N] [--json]");
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    const auto entries = dispatch::read_audit(project.database(), entity, entity_id);
    if (as_json) {
        nlohmann::json out = nlohmann::json::array();
        for (const dispatch::AuditEntry& e : entries) {
            out.push_back(entry_json(e));
        }
        std::printf("%s\n",
                    out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        return 0;
    }
    std::printf("%-6s %-25s %-12s %-8s %-18s %-16s %s\n", "id", "time", "actor", "channel",
                "action", "entity", "detail");
    for (const dispatch::AuditEntry& e : entries) {
        const std::string what = e.entity + " " + std::to_string(e.entity_id);
        std::printf("%-6lld %-25s %-12s %-8s %-18s %-16s %s\n", static_cast<long long>(e.id),
                    iso_jst(e.time_ms).c_str(), e.actor.c_str(), e.channel.c_str(),
                    e.action.c_str(), what.c_str(), e.detail.c_str());
    }
    return 0;
}

} // namespace

int run_audit(Args& args) {
    const auto sub = args.take_subcommand({"verify", "list"});
    if (args.flag("--help") || args.flag("-h")) {
        std::fputs(audit_usage, stdout);
        return 0;
    }
    if (sub == "verify") {
        return audit_verify(args);
    }
    if (sub == "list") {
        return audit_list(args);
    }
    throw UsageError("audit: give a subcommand, verify or list (see ykm audit --help)");
}

} // namespace ykm::cli

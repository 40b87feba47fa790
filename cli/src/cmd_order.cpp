#include "commands.hpp"
#include "jst_time.hpp"

#include "ykm/data/project.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/orders.hpp"
#include "ykm/dispatch/position_input.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>

namespace ykm::cli {

namespace {

constexpr const char* order_usage =
    R"(usage: ykm order create PROJECT --contractor C (--district D | --plan N | --segments A,B,...)
                        [--work TYPE] [--vehicles A,B] [--from T] [--to T] [--deadline T]
                        [--instructions TEXT]
       ykm order list PROJECT [--status S] [--contractor C] [--open] [--json]
       ykm order show PROJECT ORDER [--json]
       ykm order issue|acknowledge|decline|start|complete|inspect|cancel PROJECT ORDER...
                        [--reason TEXT] [--channel desktop|phone|print|cli] [--actor NAME]
       ykm order sheet PROJECT ORDER -o SHEET.pdf [--portal-url URL] [--attach] [--actor NAME]
       ykm order attachments PROJECT ORDER [--json]
       ykm order attachment PROJECT ORDER NAME -o FILE

Work orders (作業指令) for contractors. An order is created as a draft and then moves:
draft → issued → acknowledged or declined (with --reason) → started → completed → inspected,
or cancelled at any point before completion. Every change records when, who (--actor, default
the login name) and through which channel (--channel: phone for an acknowledgement taken on the
telephone, print for a printed sheet; default cli), and is written to the audit log.
A status command with several orders changes all of them or none.

  --contractor C      contractor code or id
  --district D        the order's roads: the district's classed roads (name, code or id)
  --plan N            the roads a stored route plan plows (its district too)
  --segments A,B      road segment ids
  --work TYPE         plow (新雪除雪, default), grade, widen, haul, spread
  --vehicles A,B      vehicle codes (of the contractor)
  --from T, --to T    the time window (default: now to 12 hours later); HH:MM (Japan time),
                      'YYYY-MM-DD HH:MM' (JST) or ISO 8601
  --deadline T        when it must be done
  --status S          draft, issued, acknowledged, declined, started, completed, inspected,
                      cancelled
  --open              orders not completed, inspected or cancelled
  -o FILE             sheet: the PDF to write (作業指令書, A4); attachment: the file to write
  --portal-url URL    sheet: the contractor portal's address (http:// or https://) for the QR
                      code that opens the order; without it the sheet has no QR code
  --attach            sheet: also store the PDF with the order as 作業指令書-NUMBER.pdf
)";

std::int64_t time_value(const std::string& text, const std::string& option,
                        std::int64_t not_before_ms) {
    auto at = parse_clock_ms(text, not_before_ms);
    if (!at) {
        at = parse_time_ms(text);
    }
    if (!at) {
        throw UsageError("order: " + option + " '" + text +
                         "' is not a time (HH:MM, 'YYYY-MM-DD HH:MM' or ISO 8601)");
    }
    return *at;
}

std::int64_t contractor_id(dispatch::Fleet& fleet, const std::string& code_or_id) {
    if (const auto c = fleet.contractor_by_code(code_or_id)) {
        return c->id;
    }
    if (code_or_id.find_first_not_of("0123456789") == std::string::npos && !code_or_id.empty() &&
        code_or_id.size() < 19) {
        if (const auto c = fleet.contractor(std::stoll(code_or_id))) {
            return c->id;
        }
    }
    throw Error("contractor '" + code_or_id + "' does not exist");
}

dispatch::OrderActor actor_of(Args& args) {
    dispatch::OrderActor actor;
    actor.channel = dispatch::OrderChannel::cli;
    if (auto text = args.take("--channel")) {
        const auto channel = dispatch::parse_order_channel(*text);
        if (!channel || *channel == dispatch::OrderChannel::portal) {
            throw UsageError("order: --channel '" + *text +
                             "' is not desktop, phone, print or cli (the portal records itself)");
        }
        actor.channel = *channel;
    }
    actor.name = args.take("--actor").value_or(login_name());
    return actor;
}

nlohmann::json order_json(data::Project& project, dispatch::Orders& orders,
                          const dispatch::WorkOrder& o, bool with_history) {
    dispatch::Fleet fleet(project);
    const auto contractor = fleet.contractor(o.contractor_id);
    nlohmann::json vehicles = nlohmann::json::array();
    for (const std::int64_t v : o.vehicles) {
        const auto vehicle = fleet.vehicle(v);
        vehicles.push_back(vehicle ? vehicle->code : std::to_string(v));
    }
    nlohmann::json j = {
        {"id", o.id},
        {"number", o.number},
        {"status", dispatch::key(o.status)},
        {"status_ja", dispatch::japanese_name(o.status)},
        {"contractor", contractor ? contractor->code : std::to_string(o.contractor_id)},
        {"district", o.district_id
                         ? nlohmann::json(fleet.district_name(*o.district_id).value_or(""))
                         : nlohmann::json(nullptr)},
        {"work", data::key(o.work)},
        {"plan", o.plan_id ? nlohmann::json(*o.plan_id) : nlohmann::json(nullptr)},
        {"from", iso_jst(o.window_start_ms)},
        {"to", iso_jst(o.window_end_ms)},
        {"deadline", o.deadline_ms ? nlohmann::json(iso_jst(*o.deadline_ms)) : nullptr},
        {"instructions", o.instructions},
        {"segments", o.segments},
        {"vehicles", vehicles},
    };
    if (with_history) {
        const dispatch::OrderEvidence gps = orders.evidence(o.id);
        j["evidence"] = {
            {"required_km", gps.required_m / 1000.0},
            {"cleared_km", gps.cleared_m / 1000.0},
            {"directions", gps.directions},
            {"cleared_directions", gps.cleared_directions},
            {"first_pass",
             gps.first_pass_ms ? nlohmann::json(iso_jst(*gps.first_pass_ms)) : nullptr},
            {"last_pass", gps.last_pass_ms ? nlohmann::json(iso_jst(*gps.last_pass_ms)) : nullptr}};
        nlohmann::json events = nlohmann::json::array();
        for (const dispatch::OrderEvent& e : orders.history(o.id)) {
            events.push_back({{"time", iso_jst(e.time_ms)},
                              {"from", e.from ? nlohmann::json(dispatch::key(*e.from)) : nullptr},
                              {"to", dispatch::key(e.to)},
                              {"actor", e.actor},
                              {"channel", dispatch::key(e.channel)},
                              {"reason", e.reason}});
        }
        j["history"] = events;
    }
    return j;
}

int order_create(Args& args) {
    const auto contractor = args.take("--contractor");
    const auto district = args.take("--district");
    const auto plan = args.take("--plan");
    const auto segments = args.take("--segments");
    const auto work = args.take("--work");
    const auto vehicles = args.take("--vehicles");
    const auto from = args.take("--from");
    const auto to = args.take("--to");
    const auto deadline = args.take("--deadline");
    const auto instructions = args.take("--instructions");
    const dispatch::OrderActor actor = actor_of(args);
    const auto files = args.positional(1, 1, "order create PROJECT --contractor C ...");
    if (!contractor) {
        throw UsageError("order create: --contractor C is required");
    }
    if (static_cast<int>(district.has_value()) + static_cast<int>(plan.has_value()) +
            static_cast<int>(segments.has_value()) !=
        1) {
        throw UsageError("order create: give the roads by one of --district, --plan, --segments");
    }
    data::Project project = data::Project::open(files[0]);
    dispatch::Fleet fleet(project);
    dispatch::Orders orders(project);
    dispatch::WorkOrder o;
    o.contractor_id = contractor_id(fleet, *contractor);
    if (work) {
        const auto w = data::parse_work_type(*work);
        if (!w) {
            throw UsageError("order create: --work '" + *work +
                             "' is not plow, grade, widen, haul or spread");
        }
        o.work = *w;
    }
    if (district) {
        o.district_id = fleet.find_district(*district);
        if (!o.district_id) {
            throw Error("district '" + *district + "' does not exist");
        }
        o.segments = orders.district_segments(*o.district_id);
    } else if (plan) {
        o.plan_id = static_cast<std::int64_t>(parse_whole_number(*plan, "order create: --plan"));
        data::Statement q(project.database(), "SELECT district_id FROM plans WHERE id = ?");
        q.bind(1, *o.plan_id);
        if (!q.step()) {
            throw Error("plan " + *plan + " does not exist");
        }
        o.district_id = q.column_optional_int64(0);
        o.segments = orders.plan_segments(*o.plan_id);
    } else {
        for (const std::string& s : split_list(*segments)) {
            o.segments.push_back(
                static_cast<std::int64_t>(parse_whole_number(s, "order create: --segments")));
        }
    }
    if (vehicles) {
        for (const std::string& code : split_list(*vehicles)) {
            const auto v = fleet.vehicle_by_code(code);
            if (!v) {
                throw Error("vehicle '" + code + "' does not exist");
            }
            o.vehicles.push_back(v->id);
        }
    }
    const std::int64_t now = dispatch::now_ms() / 60'000 * 60'000;
    o.window_start_ms = from ? time_value(*from, "--from", now) : now;
    o.window_end_ms =
        to ? time_value(*to, "--to", o.window_start_ms) : o.window_start_ms + 12 * 3'600'000;
    if (deadline) {
        o.deadline_ms = time_value(*deadline, "--deadline", o.window_start_ms);
    }
    o.instructions = instructions.value_or("");
    const std::int64_t id = orders.create(o, actor);
    const auto created = orders.order(id);
    std::printf("order %s created (draft): %zu roads, %zu vehicles, %s to %s\n",
                created->number.c_str(), created->segments.size(), created->vehicles.size(),
                iso_jst(created->window_start_ms).c_str(), iso_jst(created->window_end_ms).c_str());
    std::printf("order=%s\n", created->number.c_str());
    return 0;
}

int order_list(Args& args) {
    dispatch::OrderFilter filter;
    const auto status = args.take("--status");
    const auto contractor = args.take("--contractor");
    filter.open_only = args.flag("--open");
    const bool as_json = args.flag("--json");
    const auto files = args.positional(1, 1, "order list PROJECT [--status S] [--json]");
    if (status) {
        filter.status = dispatch::parse_order_status(*status);
        if (!filter.status) {
            throw UsageError("order list: --status '" + *status + "' is not an order status");
        }
    }
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    dispatch::Fleet fleet(project);
    if (contractor) {
        filter.contractor_id = contractor_id(fleet, *contractor);
    }
    dispatch::Orders orders(project);
    const auto list = orders.list(filter);
    if (as_json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& o : list) {
            out.push_back(order_json(project, orders, o, false));
        }
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    std::printf("%-10s %-13s %-10s %-8s %6s  %-25s %s\n", "order", "status", "contractor", "work",
                "roads", "window from", "deadline");
    for (const auto& o : list) {
        const auto c = fleet.contractor(o.contractor_id);
        std::printf("%-10s %-13s %-10s %-8s %6zu  %-25s %s\n", o.number.c_str(),
                    std::string(dispatch::key(o.status)).c_str(), c ? c->code.c_str() : "?",
                    std::string(data::key(o.work)).c_str(), o.segments.size(),
                    iso_jst(o.window_start_ms).c_str(),
                    o.deadline_ms ? iso_jst(*o.deadline_ms).c_str() : "-");
    }
    return 0;
}

int order_show(Args& args) {
    const bool as_json = args.flag("--json");
    const auto files = args.positional(2, 2, "order show PROJECT ORDER [--json]");
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    dispatch::Orders orders(project);
    const dispatch::WorkOrder o = orders.find(files[1]);
    const nlohmann::json j = order_json(project, orders, o, true);
    if (as_json) {
        std::printf("%s\n", j.dump(2).c_str());
        return 0;
    }
    std::printf("order %s: %s (%s), contractor %s, %s, %zu roads\n", o.number.c_str(),
                std::string(dispatch::key(o.status)).c_str(),
                std::string(dispatch::japanese_name(o.status)).c_str(),
                j["contractor"].get<std::string>().c_str(), std::string(data::key(o.work)).c_str(),
                o.segments.size());
    const auto& evidence = j["evidence"];
    const double required = evidence["required_km"].get<double>();
    std::printf("  GPS evidence: %.2f of %.2f km cleared (%.0f %%) by its vehicles in its window\n",
                evidence["cleared_km"].get<double>(), required,
                required > 0 ? 100.0 * evidence["cleared_km"].get<double>() / required : 0.0);
    for (const auto& e : j["history"]) {
        std::printf("  %s  %-12s → %-12s %s via %s%s%s\n", e["time"].get<std::string>().c_str(),
                    e["from"].is_null() ? "" : e["from"].get<std::string>().c_str(),
                    e["to"].get<std::string>().c_str(), e["actor"].get<std::string>().c_str(),
                    e["channel"].get<std::string>().c_str(),
                    e["reason"].get<std::string>().empty() ? "" : ": ",
                    e["reason"].get<std::string>().c_str());
    }
    return 0;
}

int order_change(Args& args, dispatch::OrderStatus to) {
    const std::string reason = args.take("--reason").value_or("");
    const dispatch::OrderActor actor = actor_of(args);
    auto files = args.positional();
    if (files.size() < 2) {
        throw UsageError("order " + std::string(args.command()) +
                         ": expected PROJECT ORDER... (see ykm order --help)");
    }
    data::Project project = data::Project::open(files[0]);
    dispatch::Orders orders(project);
    // All or none: every order is checked before any changes.
    std::vector<dispatch::WorkOrder> chosen;
    for (std::size_t k = 1; k < files.size(); ++k) {
        chosen.push_back(orders.find(files[k]));
        const auto& o = chosen.back();
        if (!dispatch::transition_allowed(o.status, to)) {
            std::string next;
            for (const auto s : dispatch::next_statuses(o.status)) {
                next += (next.empty() ? "" : ", ") + std::string(dispatch::key(s));
            }
            throw Error("order " + o.number + " is " + std::string(dispatch::key(o.status)) +
                        ": it cannot become " + std::string(dispatch::key(to)) +
                        " (next: " + (next.empty() ? "none" : next) + ")");
        }
    }
    data::Transaction tx(project.database());
    for (const auto& o : chosen) {
        orders.change_status(o.id, to, actor, reason);
    }
    tx.commit();
    for (const auto& o : chosen) {
        std::printf("order %s: %s → %s\n", o.number.c_str(),
                    std::string(dispatch::key(o.status)).c_str(),
                    std::string(dispatch::key(to)).c_str());
    }
    return 0;
}

} // namespace

int run_order(Args& args) {
    const auto sub = args.take_subcommand({"create", "list", "show", "issue", "acknowledge",
                                           "decline", "start", "complete", "inspect", "cancel",
                                           "sheet", "attachments", "attachment", "propose"});
    if (sub && *sub == "propose") {
        return run_order_propose(args); // it has its own --help
    }
    if (!sub || args.flag("--help")) {
        std::fputs(order_usage, sub ? stdout : stderr);
        return sub ? 0 : 2;
    }
    if (*sub == "create") {
        return order_create(args);
    }
    if (*sub == "list") {
        return order_list(args);
    }
    if (*sub == "show") {
        return order_show(args);
    }
    if (*sub == "sheet") {
        return run_order_sheet(args);
    }
    if (*sub == "attachments") {
        return run_order_attachments(args);
    }
    if (*sub == "attachment") {
        return run_order_attachment(args);
    }
    const std::string status = *sub == "issue"         ? "issued"
                               : *sub == "acknowledge" ? "acknowledged"
                               : *sub == "decline"     ? "declined"
                               : *sub == "start"       ? "started"
                               : *sub == "complete"    ? "completed"
                               : *sub == "inspect"     ? "inspected"
                                                       : "cancelled";
    return order_change(args, *dispatch::parse_order_status(status));
}

} // namespace ykm::cli

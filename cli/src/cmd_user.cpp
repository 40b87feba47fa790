#include "commands.hpp"
#include "jst_time.hpp"

#include "ykm/data/project.hpp"
#include "ykm/dispatch/accounts.hpp"
#include "ykm/dispatch/fleet.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace ykm::cli {
namespace {

constexpr const char* user_usage =
    R"(usage: ykm user add PROJECT LOGIN --role ROLE [--contractor CODE] [--name NAME]
                    [--language ja|en] --password-stdin [--actor NAME]
       ykm user passwd PROJECT LOGIN --password-stdin [--actor NAME]
       ykm user disable|enable PROJECT LOGIN [--actor NAME]
       ykm user list PROJECT [--json]

Accounts of the contractor portal (see docs/PORTAL.md). Roles:
  staff        sees everything; issues and cancels orders
  supervisor   as staff, and inspects completed orders
  contractor   sees and answers only the orders of its contractor (--contractor CODE)
  viewer       sees every issued order and vehicle; changes nothing
The password is read from the first line of standard input (at least 8 characters) and stored
as an Argon2id hash. A new password or disabling an account ends its open sessions. Every change
is written to the audit log.
)";

std::string read_password() {
    std::string line;
    if (!std::getline(std::cin, line)) {
        throw Error("user: no password on standard input");
    }
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    return line;
}

void require_password_stdin(Args& args, const char* what) {
    if (!args.flag("--password-stdin")) {
        throw UsageError(std::string("user ") + what +
                         ": give the password on standard input with --password-stdin");
    }
}

int user_add(Args& args) {
    const auto role_text = args.take("--role");
    const auto contractor = args.take("--contractor");
    const auto name = args.take("--name");
    const auto language = args.take("--language");
    const auto actor = args.take("--actor");
    require_password_stdin(args, "add");
    const auto pos = args.positional(2, 2, "user add PROJECT LOGIN --role ROLE ...");
    if (!role_text) {
        throw UsageError("user add: --role is required (staff, supervisor, contractor, viewer)");
    }
    const auto role = dispatch::parse_role(*role_text);
    if (!role) {
        throw UsageError("user add: --role '" + *role_text +
                         "' is not staff, supervisor, contractor or viewer");
    }
    data::Project project = data::Project::open(pos[0], data::OpenMode::read_write);
    dispatch::Account account;
    account.login = pos[1];
    account.role = *role;
    account.display_name = name.value_or("");
    account.language = language.value_or("ja");
    if (contractor) {
        dispatch::Fleet fleet(project);
        const auto c = fleet.contractor_by_code(*contractor);
        if (!c) {
            throw Error("user add: contractor '" + *contractor + "' does not exist");
        }
        account.contractor_id = c->id;
    }
    dispatch::Accounts accounts(project.database());
    accounts.set_actor(actor.value_or(login_name()), "cli");
    accounts.create(account, read_password());
    std::printf("account %s added (%s)\n", account.login.c_str(), role_text->c_str());
    return 0;
}

int user_passwd(Args& args) {
    const auto actor = args.take("--actor");
    require_password_stdin(args, "passwd");
    const auto pos = args.positional(2, 2, "user passwd PROJECT LOGIN --password-stdin");
    data::Project project = data::Project::open(pos[0], data::OpenMode::read_write);
    dispatch::Accounts accounts(project.database());
    accounts.set_actor(actor.value_or(login_name()), "cli");
    accounts.set_password(pos[1], read_password());
    std::printf("password of %s changed; its sessions ended\n", pos[1].c_str());
    return 0;
}

int user_set_active(Args& args, bool active) {
    const auto actor = args.take("--actor");
    const auto pos = args.positional(2, 2, "user disable|enable PROJECT LOGIN");
    data::Project project = data::Project::open(pos[0], data::OpenMode::read_write);
    dispatch::Accounts accounts(project.database());
    accounts.set_actor(actor.value_or(login_name()), "cli");
    accounts.set_active(pos[1], active);
    std::printf("account %s %s\n", pos[1].c_str(), active ? "enabled" : "disabled");
    return 0;
}

int user_list(Args& args) {
    const bool as_json = args.flag("--json");
    const auto pos = args.positional(1, 1, "user list PROJECT [--json]");
    data::Project project = data::Project::open(pos[0], data::OpenMode::read_only);
    dispatch::Accounts accounts(project.database());
    dispatch::Fleet fleet(project);
    nlohmann::json out = nlohmann::json::array();
    if (!as_json) {
        std::printf("%-20s %-11s %-10s %-4s %-8s %s\n", "login", "role", "contractor", "lang",
                    "active", "name");
    }
    for (const dispatch::Account& a : accounts.list()) {
        std::string contractor;
        if (a.contractor_id) {
            const auto c = fleet.contractor(*a.contractor_id);
            contractor = c ? c->code : std::to_string(*a.contractor_id);
        }
        if (as_json) {
            out.push_back({{"login", a.login},
                           {"display_name", a.display_name},
                           {"role", dispatch::key(a.role)},
                           {"contractor", contractor.empty() ? nlohmann::json(nullptr)
                                                             : nlohmann::json(contractor)},
                           {"language", a.language},
                           {"active", a.active},
                           {"created", iso_jst(a.created_ms)}});
        } else {
            std::printf("%-20s %-11s %-10s %-4s %-8s %s\n", a.login.c_str(),
                        std::string(dispatch::key(a.role)).c_str(), contractor.c_str(),
                        a.language.c_str(), a.active ? "yes" : "no", a.display_name.c_str());
        }
    }
    if (as_json) {
        std::printf("%s\n",
                    out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    }
    return 0;
}

} // namespace

int run_user(Args& args) {
    const auto sub = args.take_subcommand({"add", "passwd", "disable", "enable", "list"});
    if (args.flag("--help") || args.flag("-h")) {
        std::fputs(user_usage, stdout);
        return 0;
    }
    if (sub == "add") {
        return user_add(args);
    }
    if (sub == "passwd") {
        return user_passwd(args);
    }
    if (sub == "disable" || sub == "enable") {
        return user_set_active(args, *sub == "enable");
    }
    if (sub == "list") {
        return user_list(args);
    }
    throw UsageError("user: give a subcommand, add, passwd, disable, enable or list (see ykm user "
                     "--help)");
}

} // namespace ykm::cli

#include "commands.hpp"

#include "ykm/data/project.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/gis/error.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <iostream>
#include <map>

namespace ykm::cli {
namespace {

constexpr const char* fleet_usage =
    R"(usage: ykm fleet add PROJECT contractor --code CODE --name NAME [--phone P] [--email E]
       ykm fleet add PROJECT vehicle --code CODE --type TYPE --contractor CODE
                 [--plate P] [--width M] [--device ID] [--district NAME|CODE|ID]
                 [--depot NAME|ID] [--shift-h H]
       ykm fleet list PROJECT [--json]
       ykm fleet import PROJECT FILE.csv
       ykm fleet remove PROJECT vehicle|contractor CODE

Contractors (除雪業者) and their vehicles: machine type, plate, cleared width of one pass (plow
width, 0-10 m, default 3), GPS device id (unique; what the terminal sends as `id`), work
district (工区), home depot (除雪基地, where its routes start) and the hours it may work in one
shift (more than 0, at most 24).

Machine types: dozer (除雪ドーザ), motor_grader (モーターグレーダ), rotary_blower (ロータリ除雪車),
plow_truck (除雪トラック), dump_truck (ダンプ), small_machine (小型除雪機); the Japanese names
are accepted too.

import reads a CSV file (UTF-8 or CP932) with a header row naming some of the columns code,
type, plate, width_m, contractor, contractor_name, device_id, district, depot (name or id),
shift_h. Unknown contractors are created; existing vehicle codes are updated; empty cells keep
the stored value. All rows are imported or none.
)";

std::string machine_type_list() {
    std::string list;
    for (dispatch::MachineType t : dispatch::all_machine_types()) {
        list += list.empty() ? "" : ", ";
        list += dispatch::key(t);
    }
    return list;
}

double parse_number(const std::string& option, const std::string& text, const char* unit) {
    try {
        std::size_t used = 0;
        const double value = std::stod(text, &used);
        if (used == text.size()) {
            return value;
        }
    } catch (const std::exception&) {
    }
    throw UsageError("fleet add: " + option + " '" + text + "' is not a number of " + unit);
}

std::map<std::int64_t, std::string> depot_names(data::Project& project) {
    std::map<std::int64_t, std::string> names;
    data::Statement q(project.database(), "SELECT id, name FROM depots");
    while (q.step()) {
        names[q.column_int64(0)] = q.column_text(1);
    }
    return names;
}

std::string hours(double h) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%g h", h);
    return text.data();
}

int add_contractor(data::Project& project, const std::string& file,
                   std::map<std::string, std::optional<std::string>>& options) {
    for (const char* vehicle_only : {"--type", "--contractor", "--plate", "--width", "--device",
                                     "--district", "--depot", "--shift-h"}) {
        if (options[vehicle_only]) {
            throw UsageError("fleet add contractor: " + std::string(vehicle_only) +
                             " is an option of vehicles");
        }
    }
    if (!options["--code"] || !options["--name"]) {
        throw UsageError("fleet add contractor: --code and --name are required");
    }
    dispatch::Contractor c;
    c.code = *options["--code"];
    c.name = *options["--name"];
    c.phone = options["--phone"].value_or("");
    c.email = options["--email"].value_or("");
    dispatch::Fleet fleet(project);
    fleet.set_actor(login_name(), "cli");
    const std::int64_t id = fleet.save(c);
    std::printf("%s: contractor %s added (id %lld)\n", file.c_str(), c.code.c_str(),
                static_cast<long long>(id));
    return 0;
}

int add_vehicle(data::Project& project, const std::string& file,
                std::map<std::string, std::optional<std::string>>& options) {
    for (const char* contractor_only : {"--name", "--phone", "--email"}) {
        if (options[contractor_only]) {
            throw UsageError("fleet add vehicle: " + std::string(contractor_only) +
                             " is an option of contractors");
        }
    }
    if (!options["--code"] || !options["--type"] || !options["--contractor"]) {
        throw UsageError("fleet add vehicle: --code, --type and --contractor are required");
    }
    dispatch::Fleet fleet(project);
    fleet.set_actor(login_name(), "cli");
    dispatch::Vehicle v;
    v.code = *options["--code"];
    const auto type = dispatch::parse_machine_type(*options["--type"]);
    if (!type) {
        throw Error("--type '" + *options["--type"] + "' is not a machine type (" +
                    machine_type_list() + ")");
    }
    v.type = *type;
    const auto contractor = fleet.contractor_by_code(*options["--contractor"]);
    if (!contractor) {
        throw Error("contractor '" + *options["--contractor"] + "' does not exist in " + file);
    }
    v.contractor_id = contractor->id;
    v.plate = options["--plate"].value_or("");
    if (options["--width"]) {
        v.plow_width_m = parse_number("--width", *options["--width"], "metres");
    }
    v.device_id = options["--device"].value_or("");
    if (options["--district"]) {
        v.district_id = fleet.find_district(*options["--district"]);
        if (!v.district_id) {
            throw Error("district '" + *options["--district"] + "' does not exist in " + file +
                        " (give its name, code or id)");
        }
    }
    if (options["--depot"]) {
        v.depot_id = dispatch::Fleet(project).find_depot(*options["--depot"]);
        if (!v.depot_id) {
            throw Error("depot '" + *options["--depot"] + "' does not exist in " + file +
                        " (give its name or id)");
        }
    }
    if (options["--shift-h"]) {
        v.shift_h = parse_number("--shift-h", *options["--shift-h"], "hours");
    }
    const std::int64_t id = fleet.save(v);
    std::printf("%s: vehicle %s added (id %lld)\n", file.c_str(), v.code.c_str(),
                static_cast<long long>(id));
    return 0;
}

int list(data::Project& project, bool json) {
    dispatch::Fleet fleet(project);
    fleet.set_actor(login_name(), "cli");
    const std::vector<dispatch::Contractor> contractors = fleet.contractors();
    const std::vector<dispatch::Vehicle> vehicles = fleet.vehicles();
    std::map<std::int64_t, std::string> contractor_codes;
    for (const auto& c : contractors) {
        contractor_codes[c.id] = c.code;
    }
    std::map<std::int64_t, std::string> district_names;
    for (const auto& v : vehicles) {
        if (v.district_id && !district_names.contains(*v.district_id)) {
            district_names[*v.district_id] = fleet.district_name(*v.district_id).value_or("");
        }
    }
    std::map<std::int64_t, std::string> depots = depot_names(project);
    if (json) {
        nlohmann::json out;
        out["contractors"] = nlohmann::json::array();
        for (const auto& c : contractors) {
            out["contractors"].push_back({{"id", c.id},
                                          {"code", c.code},
                                          {"name", c.name},
                                          {"phone", c.phone},
                                          {"email", c.email}});
        }
        out["vehicles"] = nlohmann::json::array();
        for (const auto& v : vehicles) {
            nlohmann::json item{{"id", v.id},
                                {"code", v.code},
                                {"type", dispatch::key(v.type)},
                                {"type_ja", dispatch::japanese_name(v.type)},
                                {"plate", v.plate},
                                {"plow_width_m", v.plow_width_m},
                                {"contractor_id", v.contractor_id},
                                {"contractor", contractor_codes[v.contractor_id]}};
            item["device_id"] =
                v.device_id.empty() ? nlohmann::json() : nlohmann::json(v.device_id);
            item["district_id"] = v.district_id ? nlohmann::json(*v.district_id) : nullptr;
            item["district"] =
                v.district_id ? nlohmann::json(district_names[*v.district_id]) : nullptr;
            item["depot_id"] = v.depot_id ? nlohmann::json(*v.depot_id) : nullptr;
            item["depot"] = v.depot_id ? nlohmann::json(depots[*v.depot_id]) : nullptr;
            item["shift_h"] = v.shift_h ? nlohmann::json(*v.shift_h) : nullptr;
            out["vehicles"].push_back(item);
        }
        std::cout << out.dump(2) << '\n';
        return 0;
    }
    // Japanese text goes last on each line: printf pads by bytes, not by display width.
    std::printf("Contractors: %zu\n", contractors.size());
    for (const auto& c : contractors) {
        std::printf("  %-8s %-16s %-24s %s\n", c.code.c_str(),
                    c.phone.empty() ? "-" : c.phone.c_str(),
                    c.email.empty() ? "-" : c.email.c_str(), c.name.c_str());
    }
    std::printf("Vehicles: %zu\n", vehicles.size());
    for (const auto& v : vehicles) {
        const std::string district = v.district_id ? district_names[*v.district_id] : "-";
        const std::string depot = v.depot_id ? depots[*v.depot_id] : "-";
        const std::string shift = v.shift_h ? hours(*v.shift_h) : "-";
        std::printf("  %-8s %-14s %4.1f m  %-6s %-8s %-12s %s  %s  %s\n", v.code.c_str(),
                    std::string(dispatch::key(v.type)).c_str(), v.plow_width_m, shift.c_str(),
                    contractor_codes[v.contractor_id].c_str(),
                    v.device_id.empty() ? "-" : v.device_id.c_str(), district.c_str(),
                    depot.c_str(), v.plate.empty() ? "-" : v.plate.c_str());
    }
    return 0;
}

} // namespace

int run_fleet(Args& args) {
    if (args.flag("--help") || args.flag("-h")) {
        std::fputs(fleet_usage, stdout);
        return 0;
    }
    const bool json = args.flag("--json");
    std::map<std::string, std::optional<std::string>> options;
    for (const char* name :
         {"--code", "--name", "--phone", "--email", "--type", "--contractor", "--plate", "--width",
          "--device", "--district", "--depot", "--shift-h"}) {
        options[name] = args.take(name);
    }
    const std::vector<std::string> words = args.positional();
    if (words.empty()) {
        throw UsageError("fleet: expected add, list, import or remove (see ykm fleet --help)");
    }
    const std::string& sub = words[0];
    auto expect = [&](std::size_t count, const char* usage) {
        if (words.size() != count) {
            throw UsageError("fleet " + sub + ": expected " + usage + " (see ykm fleet --help)");
        }
    };
    auto no_options = [&] {
        for (const auto& [name, value] : options) {
            if (value) {
                throw UsageError("fleet " + sub + ": unknown option " + name);
            }
        }
    };
    if (sub != "list" && json) {
        throw UsageError("fleet " + sub + ": unknown option --json");
    }
    if (sub == "add") {
        expect(3, "PROJECT contractor|vehicle --code CODE ...");
        data::Project project = data::Project::open(words[1]);
        if (words[2] == "contractor") {
            return add_contractor(project, words[1], options);
        }
        if (words[2] == "vehicle") {
            return add_vehicle(project, words[1], options);
        }
        throw UsageError("fleet add: expected contractor or vehicle, not '" + words[2] + "'");
    }
    if (sub == "list") {
        expect(2, "PROJECT [--json]");
        no_options();
        data::Project project = data::Project::open(words[1], data::OpenMode::read_only);
        return list(project, json);
    }
    if (sub == "import") {
        expect(3, "PROJECT FILE.csv");
        no_options();
        data::Project project = data::Project::open(words[1]);
        const std::size_t count = dispatch::Fleet(project).import_csv(words[2]);
        std::printf("%s: %zu vehicles imported from %s\n", words[1].c_str(), count,
                    words[2].c_str());
        return 0;
    }
    if (sub == "remove") {
        expect(4, "PROJECT vehicle|contractor CODE");
        no_options();
        data::Project project = data::Project::open(words[1]);
        dispatch::Fleet fleet(project);
        fleet.set_actor(login_name(), "cli");
        const std::string& code = words[3];
        if (words[2] == "vehicle") {
            const auto v = fleet.vehicle_by_code(code);
            if (!v) {
                throw Error("vehicle '" + code + "' does not exist in " + words[1]);
            }
            fleet.remove_vehicle(v->id);
        } else if (words[2] == "contractor") {
            const auto c = fleet.contractor_by_code(code);
            if (!c) {
                throw Error("contractor '" + code + "' does not exist in " + words[1]);
            }
            fleet.remove_contractor(c->id);
        } else {
            throw UsageError("fleet remove: expected vehicle or contractor, not '" + words[2] +
                             "'");
        }
        std::printf("%s: %s %s removed\n", words[1].c_str(), words[2].c_str(), code.c_str());
        return 0;
    }
    throw UsageError("fleet: unknown subcommand '" + sub +
                     "' (expected add, list, import or remove)");
}

} // namespace ykm::cli

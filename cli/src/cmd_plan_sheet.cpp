#include "commands.hpp"

#include "ykm/data/project.hpp"
#include "ykm/dispatch/driver_sheet.hpp"
#include "ykm/dispatch/plan_store.hpp"

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ykm::cli {

namespace {

constexpr const char* plan_sheet_usage =
    R"(usage: ykm plan sheet PROJECT PLAN -o SHEET.pdf [--vehicle CODE]

Prints driver sheets of a stored plan as one PDF (A4): for every plow a page with the plan,
vehicle, district, start and end times (JST) and km to plow and to drive, a map of its route
(plowing in the colour of the priority class with arrows and numbers, driving without plowing
dashed, the depot marked) and its turn-by-turn list in Japanese with distances and times.
Long lists go on over continuation pages.

  PLAN              the plan id (see ykm plan list)
  -o, --output FILE the PDF to write (replaced atomically)
  --vehicle CODE    only the sheet of this vehicle
)";

constexpr const char* plan_gpx_usage =
    R"(usage: ykm plan gpx PROJECT PLAN -o OUT [--vehicle CODE]

Writes the routes of a stored plan as GPX 1.1 for in-cab navigation: a route (rte) with a
point at every instruction of the turn-by-turn list, and a track (trk) of the whole driven
line, in WGS 84.

  PLAN              the plan id (see ykm plan list)
  -o, --output OUT  with --vehicle, the GPX file to write; without, a folder that gets one
                    CODE.gpx per vehicle (created when missing)
  --vehicle CODE    only the route of this vehicle
)";

struct SheetCommand {
    std::filesystem::path project;
    std::int64_t plan_id = 0;
    std::filesystem::path output;
    std::optional<std::string> vehicle;
};

SheetCommand parse(Args& args, const char* command) {
    auto output = args.take("-o");
    if (auto long_output = args.take("--output")) {
        output = long_output;
    }
    const auto vehicle = args.take("--vehicle");
    const auto files = args.positional(
        2, 2, std::string("PROJECT PLAN -o OUT (see ykm plan ") + command + " --help)");
    if (!output) {
        throw UsageError(std::string("plan ") + command + ": -o OUT is required");
    }
    SheetCommand c;
    c.project = files[0];
    try {
        std::size_t used = 0;
        c.plan_id = std::stoll(files[1], &used);
        if (used != files[1].size() || c.plan_id <= 0) {
            throw std::invalid_argument(files[1]);
        }
    } catch (const std::exception&) {
        throw UsageError(std::string("plan ") + command + ": PLAN '" + files[1] +
                         "' is not a plan id");
    }
    c.output = *output;
    if (vehicle && vehicle->empty()) {
        throw UsageError(std::string("plan ") + command + ": --vehicle needs a vehicle code");
    }
    c.vehicle = vehicle;
    return c;
}

// A vehicle code as a file name: path separators and characters that some file systems refuse
// become '_'.
std::string file_name_for(const std::string& code) {
    std::string name = code;
    for (char& c : name) {
        if (c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' ||
            c == '>' || c == '|' || static_cast<unsigned char>(c) < 0x20) {
            c = '_';
        }
    }
    if (name.empty() || name == "." || name == "..") {
        name = "_" + name;
    }
    return name + ".gpx";
}

} // namespace

int run_plan_sheet(Args& args) {
    if (args.flag("--help")) {
        std::fputs(plan_sheet_usage, stdout);
        return 0;
    }
    const SheetCommand c = parse(args, "sheet");
    data::Project project = data::Project::open(c.project, data::OpenMode::read_only);
    const dispatch::StoredPlan plan = dispatch::load_plan(project, c.plan_id);
    const auto routes = dispatch::select_routes(plan, c.vehicle);
    const dispatch::DriverSheetInputs inputs = dispatch::load_driver_sheet_inputs(project, plan);
    dispatch::write_driver_sheets(plan, inputs, c.output, c.vehicle);
    std::printf("%s: driver sheets of plan %lld for %zu vehicle%s\n", c.output.c_str(),
                static_cast<long long>(plan.id), routes.size(), routes.size() == 1 ? "" : "s");
    return 0;
}

int run_plan_gpx(Args& args) {
    if (args.flag("--help")) {
        std::fputs(plan_gpx_usage, stdout);
        return 0;
    }
    const SheetCommand c = parse(args, "gpx");
    data::Project project = data::Project::open(c.project, data::OpenMode::read_only);
    const dispatch::StoredPlan plan = dispatch::load_plan(project, c.plan_id);
    const auto routes = dispatch::select_routes(plan, c.vehicle);
    const dispatch::DriverSheetInputs inputs = dispatch::load_driver_sheet_inputs(project, plan);
    if (c.vehicle) {
        dispatch::write_route_gpx(*routes.front(), inputs.network, inputs.network.crs, c.output,
                                  inputs.site_names);
        std::printf("%s: route of %s in plan %lld\n", c.output.c_str(), c.vehicle->c_str(),
                    static_cast<long long>(plan.id));
        return 0;
    }

    std::error_code error;
    const bool created = std::filesystem::create_directories(c.output, error);
    if (error || !std::filesystem::is_directory(c.output)) {
        throw Error(c.output.string() + ": cannot make the folder" +
                    (error ? ": " + error.message() : ": a file is in the way"));
    }
    // All or nothing: a failure part way removes the files this run wrote (and the folder when
    // this run made it), so a half-written set never reaches the cabs.
    std::vector<std::filesystem::path> written;
    try {
        for (const dispatch::StoredPlan::Route* route : routes) {
            const std::filesystem::path file = c.output / file_name_for(route->vehicle_code);
            dispatch::write_route_gpx(*route, inputs.network, inputs.network.crs, file,
                                      inputs.site_names);
            written.push_back(file);
        }
    } catch (...) {
        for (const auto& file : written) {
            std::filesystem::remove(file, error);
        }
        if (created) {
            std::filesystem::remove(c.output, error);
        }
        throw;
    }
    std::printf("%s: %zu GPX route%s of plan %lld\n", c.output.c_str(), written.size(),
                written.size() == 1 ? "" : "s", static_cast<long long>(plan.id));
    return 0;
}

} // namespace ykm::cli

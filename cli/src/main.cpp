// ykm: the headless command line of Yukimichi. Parses the command, runs it, and maps
// exceptions to exit codes: 2 for bad input (ykm::Error), 1 for internal failures.

#include "commands.hpp"

#include "ykm/gis/error.hpp"

#include <cstdio>
#include <exception>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#ifndef YKM_VERSION
#define YKM_VERSION "0.0.0"
#endif

namespace {

constexpr const char* usage = R"(usage: ykm COMMAND [ARGS]

Commands:
  import SOURCE... -o PROJECT   import a road network (OSM PBF/XML, Shapefile, GeoPackage,
                                GeoJSON) into a new project
  add-layer PROJECT LAYER SOURCE
                                add districts, depots or dump_sites from any OGR source
  info PROJECT [--json]         CRS, extent, counts, km by priority class, districts
  export PROJECT LAYER OUTPUT [-f FORMAT]
                                write a layer as GeoJSON, GeoPackage, Shapefile or CSV
  demo-town -o PROJECT [--seed N] [--size small|medium|large|city]
                                generate a snowy demo town
  render PROJECT -o OUT.png|OUT.pdf [--size WxH] [--bbox ...|--center LON,LAT --scale N]
                                draw the map as a picture or a printable PDF sheet
  fleet add|list|import|remove PROJECT ...
                                contractors and vehicles (machine type, plate, plow width,
                                GPS device id)
  serve PROJECT [--listen ADDR:PORT] [--nmea ADDR:PORT|off] [--threads N] [--no-tracking]
                                receive GPS positions (OsmAnd over HTTP, NMEA over TCP), store
                                them in the season log, match them and record coverage
  track import PROJECT FILE... [--device ID]
                                import logger files (GPX, NMEA, CSV), late and out of order,
                                and recompute the coverage they show
  track export PROJECT --vehicle CODE [--from T] [--to T] -o FILE.gpx|FILE.csv
                                a vehicle's stored fixes as GPX or CSV
  simulate PROJECT --vehicles N (--to URL | --out FILE)
                                drive simulated plows and send their fixes
  coverage PROJECT --since T [--until T] [--json]
                                % of km cleared by priority class and district
  coverage PROJECT --rebuild [--since T] [--until T]
                                match the season log's fixes again and recompute the passes
  plan PROJECT --district D [--vehicles A,B] [--start HH:MM] [--out PLAN.geojson]
                                plan the plow routes of a district (class 1 first) and
                                store the plan; plan list/show/export/sheet/gpx
  order create|list|show|issue|acknowledge|decline|start|complete|inspect|cancel PROJECT ...
                                work orders (作業指令) and their status, every change recorded
  order propose PROJECT [--at T] [--create]
                                the orders the dispatch standards (出動基準) call for
  report daily PROJECT --date YYYY-MM-DD [--contractor CODE] [-o FILE.csv] [--json]
                                daily work reports (作業日報) per vehicle and shift from the
                                GPS log; csv is the file format supported now
  report storm PROJECT [--from T1 --to T2 | --list] [--chart FILE.png|pdf] [-o FILE.csv|xlsx]
                                storm KPIs: km cleared by class since dispatch, time to
                                clear class-1 roads per district, vehicles by state
  replay PROJECT --at T -o SNAPSHOT.png | --from T1 --to T2 [--fps F] [--speed X] -o DIR/|FILE.mp4
                                the fleet and coverage as they were at T, or a replay video
  report fees PROJECT --month YYYY-MM [--contractor CODE] [-o FILE.csv|xlsx|pdf] [--json]
                                the month's fees (委託料) per contractor and vehicle, standby pay
  report gap confirm|unconfirm PROJECT --vehicle CODE --start T [--work TYPE]
                                count a GPS gap of a daily report as work, or take it back
  fees rates|rate|standby|season|holiday PROJECT ...
                                fee tables per machine type, day kind and time band; standby
                                terms, season dates, the project's holidays
  snow station|add|import|list|standard|standards PROJECT ...
                                snow stations, snowfall observations and dispatch standards
  user add|passwd|disable|enable|list PROJECT ...
                                accounts of the contractor portal (staff, supervisor,
                                contractor, viewer)
  audit verify|list PROJECT ... check the hash chain of the audit log of changes (exit 3 when
                                it was tampered with) or list its entries
  carp INSTANCE.dat --out SOLUTION.json [--time-limit S] [--seed N] [--threads T]
                                solve a CARP benchmark instance (CARPLIB .dat) and write
                                its routes as JSON
  --version                     print the version

Run 'ykm COMMAND --help' for a command's options.
)";

} // namespace

int main(int argc, char** argv) {
    using namespace ykm::cli;
    const std::vector<std::string> all(argv + 1, argv + argc);
    if (all.empty() || all[0] == "--help" || all[0] == "-h" || all[0] == "help") {
        std::fputs(usage, all.empty() ? stderr : stdout);
        return all.empty() ? 2 : 0;
    }
    if (all[0] == "--version") {
        std::printf("ykm %s\n", YKM_VERSION);
        return 0;
    }
    const std::map<std::string, std::function<int(Args&)>> commands{
        {"import", run_import},     {"add-layer", run_add_layer}, {"info", run_info},
        {"export", run_export},     {"demo-town", run_demo_town}, {"render", run_render},
        {"fleet", run_fleet},       {"serve", run_serve},         {"track", run_track},
        {"simulate", run_simulate}, {"coverage", run_coverage},   {"carp", run_carp},
        {"plan", run_plan},         {"order", run_order},         {"audit", run_audit},
        {"user", run_user},         {"snow", run_snow},           {"report", run_report},
        {"replay", run_replay},     {"fees", run_fees},
    };
    const auto command = commands.find(all[0]);
    if (command == commands.end()) {
        std::fprintf(stderr, "ykm: unknown command '%s' (see ykm --help)\n", all[0].c_str());
        return 2;
    }
    Args args(all[0], std::vector<std::string>(all.begin() + 1, all.end()));
    try {
        return command->second(args);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "ykm %s\n", e.what());
        return 2;
    } catch (const ykm::Error& e) {
        std::fprintf(stderr, "ykm %s: %s\n", all[0].c_str(), e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ykm %s: internal error: %s\n", all[0].c_str(), e.what());
        return 1;
    }
}

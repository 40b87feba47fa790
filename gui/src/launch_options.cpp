#include "ykm/gui/launch_options.hpp"

#include "ykm/gis/error.hpp"
#include "ykm/gui/fleet_view.hpp"

#include <charconv>
#include <string_view>

namespace ykm::gui {

const char* const launch_usage =
    R"(usage: yukimichi [--screenshot FILE] [--size WIDTHxHEIGHT] [--gps-listen ADDR:PORT |
                 --no-gps-server] [--portal-listen ADDR:PORT] [PROJECT]

Opens the Yukimichi desktop window, with PROJECT (a .ykm file) when given.

  --screenshot FILE   draw the window, save a PNG of it to FILE and exit
  --size WxH          window size in pixels (default 1024x700)
  --gps-listen A:P    the GPS server takes OsmAnd fixes over HTTP on A:P and NMEA over TCP
                      on A:P+1 (port 0: any free ports); default from the preferences,
                      127.0.0.1:5055, and none with --screenshot or --commands
  --no-gps-server     no GPS server (and no contractor portal) for this run
  --portal-listen A:P the contractor portal listens on A:P (port 0: any free port); default
                      from the preferences, 127.0.0.1:8080, and none with --gps-listen,
                      --screenshot or --commands
  --version           print the version
  --help              print this text
)";

namespace {

constexpr int min_size_px = 200;
constexpr int max_size_px = 8192;

int parse_dimension(std::string_view text, const std::string& whole) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || value < min_size_px ||
        value > max_size_px) {
        throw Error("--size '" + whole + "': expected WIDTHxHEIGHT, each 200 to 8192 pixels");
    }
    return value;
}

void parse_size(const std::string& text, LaunchOptions& options) {
    const auto x = text.find('x');
    if (x == std::string::npos) {
        throw Error("--size '" + text + "': expected WIDTHxHEIGHT, for example 1024x700");
    }
    options.width_px = parse_dimension(std::string_view(text).substr(0, x), text);
    options.height_px = parse_dimension(std::string_view(text).substr(x + 1), text);
}

} // namespace

LaunchOptions parse_launch_options(std::span<const std::string> args) {
    LaunchOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        std::string name = arg;
        std::optional<std::string> value;
        if (arg.starts_with("--")) {
            if (const auto eq = arg.find('='); eq != std::string::npos) {
                name = arg.substr(0, eq);
                value = arg.substr(eq + 1);
            }
        }
        const auto take_value = [&]() -> std::string {
            if (value) {
                return *value;
            }
            if (i + 1 >= args.size()) {
                throw Error("option " + name + " needs a value");
            }
            return args[++i];
        };
        if (name == "--help" || name == "-h") {
            options.show_help = true;
        } else if (name == "--version") {
            options.show_version = true;
        } else if (name == "--screenshot") {
            const std::string file = take_value();
            if (file.empty()) {
                throw Error("option --screenshot needs a file name");
            }
            options.screenshot = file;
        } else if (name == "--size") {
            parse_size(take_value(), options);
        } else if (name == "--commands") {
            options.commands = parse_script(take_value());
        } else if (name == "--dump-menus") {
            options.dump_menus = true;
        } else if (name == "--gps-listen") {
            const std::string address = take_value();
            try {
                (void)parse_listen_address(address);
            } catch (const Error& e) {
                throw Error(std::string("--gps-listen: ") + e.what());
            }
            options.gps_listen = address;
        } else if (name == "--portal-listen") {
            const std::string address = take_value();
            try {
                (void)parse_listen_address(address);
            } catch (const Error& e) {
                throw Error(std::string("--portal-listen: ") + e.what());
            }
            options.portal_listen = address;
        } else if (name == "--no-gps-server") {
            options.no_gps_server = true;
        } else if (arg.starts_with("-") && arg != "-") {
            throw Error("unknown option '" + arg + "'");
        } else if (options.project) {
            throw Error("more than one project given: '" + options.project->string() + "' and '" +
                        arg + "'");
        } else {
            options.project = arg;
        }
    }
    return options;
}

} // namespace ykm::gui

#pragma once

#include "ykm/gui/test_script.hpp"

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ykm::gui {

/// Default size of the main window in pixels; screenshots have exactly this size.
inline constexpr int default_window_width_px = 1024;
inline constexpr int default_window_height_px = 700;

/// What `yukimichi [--screenshot FILE] [--size WxH] [PROJECT]` asks for.
struct LaunchOptions {
    std::optional<std::filesystem::path> project;
    /// Draw the window, save a PNG of it here and exit.
    std::optional<std::filesystem::path> screenshot;
    int width_px = default_window_width_px;
    int height_px = default_window_height_px;
    bool show_help = false;
    bool show_version = false;
    /// Test option `--commands "zoom_in;click:300,200;…"`: runs the steps (see parse_script)
    /// through the window's own event handlers once the project is shown, prints the views, the
    /// panels' contents and the frame times as JSON on stdout and exits.
    std::optional<std::vector<ScriptStep>> commands;
    /// Test option `--dump-menus`: prints the menu bar's labels, one per line, and exits.
    bool dump_menus = false;
    /// `--gps-listen ADDR:PORT`: the embedded GPS server's OsmAnd HTTP address for this run
    /// (NMEA on PORT + 1; port 0 picks free ports), in place of the preferences.
    std::optional<std::string> gps_listen;
    /// `--no-gps-server`: no embedded GPS server for this run.
    bool no_gps_server = false;
    /// `--portal-listen ADDR:PORT`: the embedded contractor portal's address for this run, in
    /// place of the preferences (with --gps-listen or headless, the portal is off without it).
    std::optional<std::string> portal_listen;
};

/// The usage text of `yukimichi`.
extern const char* const launch_usage;

/// Parses the arguments after the program name. `--screenshot FILE` and `--screenshot=FILE`
/// are both accepted, likewise for `--size` and `--commands`. Throws ykm::Error naming the argument
/// when an option is unknown, lacks its value, a size is not WIDTHxHEIGHT between 200 and 8192
/// pixels, or more than one project is given, or `--commands` has an item parse_script refuses,
/// or `--gps-listen` is not HOST:PORT.
LaunchOptions parse_launch_options(std::span<const std::string> args);

} // namespace ykm::gui

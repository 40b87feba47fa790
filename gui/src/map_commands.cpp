#include "ykm/gui/map_commands.hpp"

#include "ykm/gis/error.hpp"

#include <array>
#include <utility>

namespace ykm::gui {

namespace {

constexpr std::array<std::pair<MapCommand, std::string_view>, 10> command_names{{
    {MapCommand::zoom_in, "zoom_in"},
    {MapCommand::zoom_out, "zoom_out"},
    {MapCommand::pan_left, "pan_left"},
    {MapCommand::pan_right, "pan_right"},
    {MapCommand::pan_up, "pan_up"},
    {MapCommand::pan_down, "pan_down"},
    {MapCommand::full_extent, "full_extent"},
    {MapCommand::previous_view, "previous_view"},
    {MapCommand::next_view, "next_view"},
    {MapCommand::box_zoom, "box_zoom"},
}};

} // namespace

std::string_view trim_blanks(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\n");
    return text.substr(first, last - first + 1);
}

std::string_view command_name(MapCommand command) {
    for (const auto& [c, name] : command_names) {
        if (c == command) {
            return name;
        }
    }
    return "unknown";
}

std::optional<MapCommand> parse_command(std::string_view name) {
    for (const auto& [c, n] : command_names) {
        if (n == name) {
            return c;
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> split_script_items(std::string_view text) {
    std::vector<std::string_view> items;
    while (!text.empty()) {
        const auto semicolon = text.find(';');
        const std::string_view item = trim_blanks(text.substr(0, semicolon));
        text =
            semicolon == std::string_view::npos ? std::string_view{} : text.substr(semicolon + 1);
        if (!item.empty()) {
            items.push_back(item);
        }
    }
    return items;
}

std::vector<MapCommand> parse_command_list(std::string_view text) {
    std::vector<MapCommand> commands;
    for (const std::string_view item : split_script_items(text)) {
        const auto command = parse_command(item);
        if (!command) {
            throw Error("unknown map command '" + std::string(item) + "'");
        }
        commands.push_back(*command);
    }
    return commands;
}

std::optional<MapCommand> command_for_key(const KeyPress& press) {
    if (press.alt) {
        if (press.ctrl || press.shift) {
            return std::nullopt;
        }
        switch (press.key) {
        case Key::left:
            return MapCommand::previous_view;
        case Key::right:
            return MapCommand::next_view;
        default:
            return std::nullopt;
        }
    }
    if (press.ctrl) {
        return press.key == Key::digit_0 && !press.shift
                   ? std::optional<MapCommand>(MapCommand::full_extent)
                   : std::nullopt;
    }
    switch (press.key) {
    case Key::left:
        return MapCommand::pan_left;
    case Key::right:
        return MapCommand::pan_right;
    case Key::up:
        return MapCommand::pan_up;
    case Key::down:
        return MapCommand::pan_down;
    case Key::plus:
        return MapCommand::zoom_in;
    case Key::minus:
        return MapCommand::zoom_out;
    case Key::home:
        return MapCommand::full_extent;
    case Key::z:
        return press.shift ? std::nullopt : std::optional<MapCommand>(MapCommand::box_zoom);
    case Key::digit_0:
    case Key::other:
        break;
    }
    return std::nullopt;
}

std::optional<gis::MapView> apply_view_command(MapCommand command, const gis::MapView& view,
                                               const gis::Box& full_extent) {
    // Panning "right" shows what lies east: the map moves left under the picture.
    const double step_x = pan_step_fraction * view.width_px();
    const double step_y = pan_step_fraction * view.height_px();
    switch (command) {
    case MapCommand::zoom_in:
        return view.zoomed(zoom_step_factor);
    case MapCommand::zoom_out:
        return view.zoomed(1.0 / zoom_step_factor);
    case MapCommand::pan_left:
        return view.panned(step_x, 0.0);
    case MapCommand::pan_right:
        return view.panned(-step_x, 0.0);
    case MapCommand::pan_up:
        return view.panned(0.0, step_y);
    case MapCommand::pan_down:
        return view.panned(0.0, -step_y);
    case MapCommand::full_extent:
        if (full_extent.is_empty()) {
            return std::nullopt;
        }
        return gis::MapView::fit(full_extent, view.width_px(), view.height_px());
    case MapCommand::previous_view:
    case MapCommand::next_view:
    case MapCommand::box_zoom:
        break;
    }
    return std::nullopt;
}

} // namespace ykm::gui

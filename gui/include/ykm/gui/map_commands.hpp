#pragma once

#include "ykm/gis/map_view.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ykm::gui {

/// What the user can do to the map view from the keyboard, the menu, the toolbar or a test
/// script. The same command runs whatever asked for it.
enum class MapCommand {
    zoom_in,
    zoom_out,
    pan_left,
    pan_right,
    pan_up,
    pan_down,
    full_extent,
    previous_view,
    next_view,
    box_zoom, ///< arms the box-zoom tool: the next drag draws the box to show
};

/// Zoom factor of one zoom_in / zoom_out step.
inline constexpr double zoom_step_factor = 2.0;
/// Zoom factor of one mouse-wheel notch.
inline constexpr double wheel_zoom_factor = 1.25;
/// A pan step moves the map by this fraction of the picture's width or height.
inline constexpr double pan_step_fraction = 0.25;

/// "zoom_in", "pan_left", … as used by `--commands`.
std::string_view command_name(MapCommand command);
/// The command named `name`; std::nullopt when there is none.
std::optional<MapCommand> parse_command(std::string_view name);
/// `text` without blanks (spaces, tabs, newlines) at either end.
std::string_view trim_blanks(std::string_view text);

/// The ';'-separated items of a command script, blanks trimmed, empty items dropped.
std::vector<std::string_view> split_script_items(std::string_view text);

/// Parses "zoom_in;pan_right;…" (blanks around names ignored, empty items skipped). Throws
/// ykm::Error naming the first unknown command.
std::vector<MapCommand> parse_command_list(std::string_view text);

/// A key of the keyboard as the map understands it, independent of the toolkit.
enum class Key { left, right, up, down, plus, minus, home, digit_0, z, other };

/// A key press with its modifiers.
struct KeyPress {
    Key key = Key::other;
    bool ctrl = false;
    bool alt = false;
    bool shift = false;
};

/// The command a key press asks for: arrows pan, + and - zoom, Home or Ctrl+0 show the full
/// extent, Alt+Left / Alt+Right go to the previous / next view, Z arms the box zoom.
/// std::nullopt for keys the map does not use.
std::optional<MapCommand> command_for_key(const KeyPress& press);

/// The view after `command` for the commands that only change the view (zoom and pan steps,
/// full extent, which fits `full_extent`); std::nullopt for the history commands and box_zoom,
/// which need state beyond the view.
std::optional<gis::MapView> apply_view_command(MapCommand command, const gis::MapView& view,
                                               const gis::Box& full_extent);

} // namespace ykm::gui

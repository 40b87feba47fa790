#pragma once

#include "ykm/gui/map_commands.hpp"
#include "ykm/gui/map_layers.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ykm::gui {

/// What one item of the test option `--commands` asks the window to do. Pixels are in the map
/// canvas's client coordinates.
enum class ScriptAction {
    command,        ///< a map command as its key runs it: "zoom_in", "pan_left", …
    click,          ///< "click:X,Y": a left click on the map (identify)
    drag,           ///< "drag:X1,Y1,X2,Y2": a left drag from one pixel to the other (pan)
    box_zoom,       ///< "boxzoom:X1,Y1,X2,Y2": arm box zoom, then drag the box
    wheel,          ///< "wheel:X,Y,N": N wheel notches at a pixel, positive zooms in
    zoom,           ///< "zoom:F": zoom by the factor F about the centre
    search,         ///< "search:TEXT": type TEXT into the search box and press Enter
    pick,           ///< "pick:N": choose the search result N (from 0)
    hide,           ///< "hide:LAYER"
    show,           ///< "show:LAYER"
    opacity,        ///< "opacity:LAYER,PCT": the layer's opacity slider to PCT percent
    export_pdf,     ///< "export_pdf:PATH": File → Print / export map sheet without the dialog
    export_png,     ///< "export_png:PATH": File → Export map as PNG without the dialog
    screenshot,     ///< "screenshot:PATH": once the current view is drawn, a PNG of the window
    pan_drag_steps, ///< "pan_drag_steps:N": one drag of N motions of 10 px each
    wheel_steps,    ///< "wheel_steps:N": N wheel notches at the centre, the first half in
};

/// One item of a test script.
struct ScriptStep {
    ScriptAction action = ScriptAction::command;
    /// For ScriptAction::command.
    MapCommand command = MapCommand::zoom_in;
    /// Pixel coordinates, counts, the zoom factor or the percentage, in the order written.
    std::vector<double> numbers;
    /// For hide, show and opacity.
    MapLayer layer = MapLayer::roads;
    /// The search text or the output file.
    std::string text;
};

/// The layer named `name` in a script: a MapStyle::layer_order key ("road_segments", …,
/// "basemap") or "roads".
std::optional<MapLayer> script_layer(std::string_view name);

/// Parses "zoom_in;click:120,80;search:駅前通;…" (blanks around items ignored, empty items
/// skipped). Throws ykm::Error naming the item when an action is unknown, has the wrong number
/// of arguments, a number does not parse, or a layer is unknown.
std::vector<ScriptStep> parse_script(std::string_view text);

} // namespace ykm::gui

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
    // The fleet.
    style,           ///< "style:coverage" or "style:priority": the road colouring (View menu)
    select_vehicle,  ///< "select_vehicle:CODE": chooses the vehicle's row in the vehicle panel
    click_vehicle,   ///< "click_vehicle:CODE": a left click on the vehicle's marker
    follow,          ///< "follow:CODE" or "follow:off": the vehicle panel's Follow button
    wait_vehicles,   ///< "wait_vehicles:N": until N vehicles have a position (60 s at most)
    wait_coverage,   ///< "wait_coverage:N": until the time-since-pass map with N directions
                     ///< passed is drawn (60 s at most)
    wait_alerts,     ///< "wait_alerts:N": until the alerts panel lists N alerts (60 s at most)
    wait_ms,         ///< "wait_ms:MS": lets the window run for MS milliseconds
    wait_file,       ///< "wait_file:PATH": until PATH exists (60 s at most), e.g. until a
                     ///< test has sent its fixes
    pane,            ///< "pane:NAME,show|hide": layers, identify, search, vehicles, alerts,
                     ///< planner or orders
    filter_vehicles, ///< "filter_vehicles:TEXT": types TEXT into the vehicle panel's filter
    filter_state,    ///< "filter_state:KEY": the state filter, a state key or "all"
    gps_port_file,   ///< "gps_port_file:PATH": writes the GPS server's HTTP port to PATH
    zone_answer,     ///< "zone_answer:NAME,DWELL": the answers the next geofence dialog gets
    draw_zone,       ///< "draw_zone:X1,Y1,X2,Y2,X3,Y3,…": the zone tool: a click per vertex,
                     ///< then a double-click to finish
    remove_zone,     ///< "remove_zone:NAME": the alerts panel's Remove zone button
    fleet_edit,      ///< "fleet_edit:CODE,FIELD,VALUE": in the fleet dialog's vehicle editor,
                     ///< FIELD (code, plate, width, device) set to VALUE, then OK
    fleet_import,    ///< "fleet_import:CSV": the fleet dialog's CSV import
    // Route planning.
    plan_open, ///< "plan_open:DISTRICT": Plan → Snow route planning, then the district chosen
               ///< (its vehicles ticked)
    plan_run,  ///< "plan_run:S": the time limit set to S seconds, then Run
    plan_wait, ///< "plan_wait:S": until the planner has finished and shows its plan (S s at
               ///< most)
    plan_move, ///< "plan_move:FROM,N,TO": service N (from 1) of vehicle FROM chosen in the
               ///< route tree and moved to vehicle TO with the Move button
    plan,      ///< "plan:undo|redo|up|down|save|stop": the planner's button
    plan_load, ///< "plan_load:ID" or "plan_load:latest": opens a stored plan as Plan → Open
               ///< stored plan does after its list
    // Work orders.
    shift_click,  ///< "shift_click:X,Y": a left click with Shift held
    order_new,    ///< "order_new:district,NAME", "order_new:plan,ID|latest" or
                  ///< "order_new:roads": Orders → Work orders, then a new draft with the
                  ///< dialog's defaults; it is selected
    order_select, ///< "order_select:NUMBER,…": selects the rows ("last": the order created last)
    order,        ///< "order:issue|inspect|zoom|select_on|select_off|clear_roads|proposals": a
                  ///< button ("proposals": every proposal of the dispatch standards as a draft,
                  ///< without asking)
    order_call,   ///< "order_call:STATUS[,REASON]": a phone call on the selected order, now
    order_cancel, ///< "order_cancel:REASON": cancels the selected orders
    order_wait,   ///< "order_wait:NUMBER,STATUS": until the list shows the order in that status
                  ///< (60 s at most); the time it took is reported
    // Snowfall observations (the orders panel's proposals section).
    snow_add,    ///< "snow_add:STATION,YYYY-MM-DD HH:MM,NEW_CM[,DEPTH_CM]": an observation
                 ///< entered as the dialog enters it (Japan time)
    snow_import, ///< "snow_import:PATH": an observations CSV imported without the file dialog
    // The season replay (each step that moves the instant waits until its frame is drawn).
    replay,        ///< "replay:on|off": View → Season replay
    replay_seek,   ///< "replay_seek:TIME": the jump field ("2027-01-15 23:30" Japan time, or
                   ///< ISO 8601 with an offset)
    replay_speed,  ///< "replay_speed:N": the speed N x (1, 10, 60, 300, 600, 1800, 3600)
    replay_play,   ///< "replay_play": the play button (while paused)
    replay_pause,  ///< "replay_pause": the pause button (while playing); waits for the frame
    replay_step,   ///< "replay_step:+N|-N": N steps forward or back
    replay_follow, ///< "replay_follow:CODE|off": the follow choice
    replay_dump,   ///< "replay_dump:PATH": the replay's state as JSON (instant, vehicles with
                   ///< their pixels, order rows, title)
    // The Reports menu (fields separated by commas; refusals are kept for the dump).
    reports_daily,      ///< "reports_daily:DATE[,CONTRACTOR_CODE]": Daily work reports of a date
    reports_select,     ///< "reports_select:VEHICLE": selects the vehicle's shift
    gap_confirm,        ///< "gap_confirm:VEHICLE,HH:MM|YYYY-MM-DD HH:MM,WORK[,NOTE]"
    gap_unconfirm,      ///< "gap_unconfirm:VEHICLE,HH:MM|YYYY-MM-DD HH:MM"
    reports_export,     ///< "reports_export:FILE": the date's reports as .csv, .xlsx or .pdf
    fee_rate_add,       ///< "fee_rate_add:MACHINE,weekday|holiday,FROM,TO,YEN[,NAME]"
    holiday_add,        ///< "holiday_add:YYYY-MM-DD[,NAME]": a holiday of the project
    holiday_remove,     ///< "holiday_remove:YYYY-MM-DD"
    fees_calc,          ///< "fees_calc:YYYY-MM[,CONTRACTOR_CODE]": Monthly fees
    fees_export,        ///< "fees_export:FILE": the month's fees as .xlsx, .pdf or .csv
    storm_open,         ///< "storm_open:INDEX": Storm analysis of storm INDEX (0 the newest)
    storm_export_chart, ///< "storm_export_chart:FILE": the chart as .png or .pdf
    storm_export_table, ///< "storm_export_table:FILE": the tables as .csv or .xlsx
    reports_screenshot, ///< "reports_screenshot:daily|fee_rates|fees|storm,FILE": a PNG of
                        ///< that dialog once drawn
    dump_reports,       ///< "dump_reports:FILE": what the report dialogs show, as JSON
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
    /// The parts of a text of several fields (pane, zone_answer, fleet_edit), in order.
    std::vector<std::string> words;
};

/// The layer named `name` in a script: a MapStyle::layer_order key ("road_segments", …,
/// "basemap") or "roads".
std::optional<MapLayer> script_layer(std::string_view name);

/// Parses "zoom_in;click:120,80;search:駅前通;…" (blanks around items ignored, empty items
/// skipped). Throws ykm::Error naming the item when an action is unknown, has the wrong number
/// of arguments, a number does not parse, a layer, pane, style, state or field is unknown.
std::vector<ScriptStep> parse_script(std::string_view text);

} // namespace ykm::gui

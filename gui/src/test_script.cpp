#include "ykm/gui/test_script.hpp"

#include "ykm/gui/fleet_view.hpp"
#include "ykm/gui/map_commands.hpp"
#include "ykm/gui/orders_model.hpp"

#include "ykm/data/season_log.hpp"
#include "ykm/gis/error.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace ykm::gui {

namespace {

struct ActionSpec {
    std::string_view name;
    ScriptAction action;
    /// How many numbers follow; -1 for a text, -2 for a layer, -3 for a layer and a number.
    int arguments;
};

constexpr int text_argument = -1;
constexpr int layer_argument = -2;
constexpr int layer_and_number = -3;
/// Pixel pairs, at least three of them.
constexpr int pixel_pairs = -4;

constexpr std::array<ActionSpec, 71> action_specs{{
    {"click", ScriptAction::click, 2},
    {"drag", ScriptAction::drag, 4},
    {"boxzoom", ScriptAction::box_zoom, 4},
    {"wheel", ScriptAction::wheel, 3},
    {"zoom", ScriptAction::zoom, 1},
    {"search", ScriptAction::search, text_argument},
    {"pick", ScriptAction::pick, 1},
    {"hide", ScriptAction::hide, layer_argument},
    {"show", ScriptAction::show, layer_argument},
    {"opacity", ScriptAction::opacity, layer_and_number},
    {"export_pdf", ScriptAction::export_pdf, text_argument},
    {"export_png", ScriptAction::export_png, text_argument},
    {"screenshot", ScriptAction::screenshot, text_argument},
    {"pan_drag_steps", ScriptAction::pan_drag_steps, 1},
    {"wheel_steps", ScriptAction::wheel_steps, 1},
    {"style", ScriptAction::style, text_argument},
    {"select_vehicle", ScriptAction::select_vehicle, text_argument},
    {"click_vehicle", ScriptAction::click_vehicle, text_argument},
    {"follow", ScriptAction::follow, text_argument},
    {"wait_vehicles", ScriptAction::wait_vehicles, 1},
    {"wait_coverage", ScriptAction::wait_coverage, 1},
    {"wait_alerts", ScriptAction::wait_alerts, 1},
    {"wait_ms", ScriptAction::wait_ms, 1},
    {"wait_file", ScriptAction::wait_file, text_argument},
    {"pane", ScriptAction::pane, text_argument},
    {"filter_vehicles", ScriptAction::filter_vehicles, text_argument},
    {"filter_state", ScriptAction::filter_state, text_argument},
    {"gps_port_file", ScriptAction::gps_port_file, text_argument},
    {"zone_answer", ScriptAction::zone_answer, text_argument},
    {"draw_zone", ScriptAction::draw_zone, pixel_pairs},
    {"remove_zone", ScriptAction::remove_zone, text_argument},
    {"fleet_edit", ScriptAction::fleet_edit, text_argument},
    {"fleet_import", ScriptAction::fleet_import, text_argument},
    {"plan_open", ScriptAction::plan_open, text_argument},
    {"plan_run", ScriptAction::plan_run, 1},
    {"plan_wait", ScriptAction::plan_wait, 1},
    {"plan_move", ScriptAction::plan_move, text_argument},
    {"plan", ScriptAction::plan, text_argument},
    {"plan_load", ScriptAction::plan_load, text_argument},
    {"shift_click", ScriptAction::shift_click, 2},
    {"order_new", ScriptAction::order_new, text_argument},
    {"order_select", ScriptAction::order_select, text_argument},
    {"order", ScriptAction::order, text_argument},
    {"order_call", ScriptAction::order_call, text_argument},
    {"order_cancel", ScriptAction::order_cancel, text_argument},
    {"order_wait", ScriptAction::order_wait, text_argument},
    {"snow_add", ScriptAction::snow_add, text_argument},
    {"snow_import", ScriptAction::snow_import, text_argument},
    {"replay", ScriptAction::replay, text_argument},
    {"replay_seek", ScriptAction::replay_seek, text_argument},
    {"replay_speed", ScriptAction::replay_speed, 1},
    {"replay_play", ScriptAction::replay_play, 0},
    {"replay_pause", ScriptAction::replay_pause, 0},
    {"replay_step", ScriptAction::replay_step, text_argument},
    {"replay_follow", ScriptAction::replay_follow, text_argument},
    {"replay_dump", ScriptAction::replay_dump, text_argument},
    {"reports_daily", ScriptAction::reports_daily, text_argument},
    {"reports_select", ScriptAction::reports_select, text_argument},
    {"gap_confirm", ScriptAction::gap_confirm, text_argument},
    {"gap_unconfirm", ScriptAction::gap_unconfirm, text_argument},
    {"reports_export", ScriptAction::reports_export, text_argument},
    {"fee_rate_add", ScriptAction::fee_rate_add, text_argument},
    {"holiday_add", ScriptAction::holiday_add, text_argument},
    {"holiday_remove", ScriptAction::holiday_remove, text_argument},
    {"fees_calc", ScriptAction::fees_calc, text_argument},
    {"fees_export", ScriptAction::fees_export, text_argument},
    {"storm_open", ScriptAction::storm_open, 1},
    {"storm_export_chart", ScriptAction::storm_export_chart, text_argument},
    {"storm_export_table", ScriptAction::storm_export_table, text_argument},
    {"reports_screenshot", ScriptAction::reports_screenshot, text_argument},
    {"dump_reports", ScriptAction::dump_reports, text_argument},
}};

/// A number of centimetres written in a script; std::nullopt when it is not a number.
std::optional<double> script_cm(const std::string& text) {
    double value = 0.0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() ||
        !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

/// Splits the text of a several-field action and checks its fields; throws naming the item.
void check_text_fields(ScriptStep& step, std::string_view item) {
    const auto bad = [&](const std::string& why) {
        return Error("map command '" + std::string(item) + "': " + why);
    };
    const auto split = [&](std::size_t max_parts) {
        std::vector<std::string> parts;
        std::string_view rest = step.text;
        while (parts.size() + 1 < max_parts) {
            const auto comma = rest.find(',');
            if (comma == std::string_view::npos) {
                break;
            }
            parts.emplace_back(trim_blanks(rest.substr(0, comma)));
            rest = rest.substr(comma + 1);
        }
        parts.emplace_back(trim_blanks(rest));
        return parts;
    };
    switch (step.action) {
    case ScriptAction::style:
        if (step.text != "coverage" && step.text != "priority") {
            throw bad("the style is 'coverage' or 'priority'");
        }
        return;
    case ScriptAction::pane: {
        step.words = split(2);
        static constexpr std::array<std::string_view, 7> panes{
            "layers", "identify", "search", "vehicles", "alerts", "planner", "orders"};
        if (step.words.size() != 2 ||
            std::find(panes.begin(), panes.end(), step.words[0]) == panes.end() ||
            (step.words[1] != "show" && step.words[1] != "hide")) {
            throw bad("expected pane:NAME,show|hide with NAME one of layers, identify, search, "
                      "vehicles, alerts, planner, orders");
        }
        return;
    }
    case ScriptAction::plan_move: {
        step.words = split(3);
        int number = 0;
        const std::string& n = step.words.size() == 3 ? step.words[1] : std::string();
        const auto [end, error] = std::from_chars(n.data(), n.data() + n.size(), number);
        if (step.words.size() != 3 || step.words[0].empty() || step.words[2].empty() ||
            error != std::errc{} || end != n.data() + n.size() || number < 1) {
            throw bad("expected plan_move:FROM_VEHICLE,N,TO_VEHICLE with N from 1");
        }
        return;
    }
    case ScriptAction::plan_load: {
        std::int64_t id = 0;
        const std::string& t = step.text;
        const auto [end, error] = std::from_chars(t.data(), t.data() + t.size(), id);
        if (t != "latest" && (error != std::errc{} || end != t.data() + t.size() || id < 1)) {
            throw bad("expected plan_load:ID or plan_load:latest");
        }
        return;
    }
    case ScriptAction::plan: {
        static constexpr std::array<std::string_view, 6> buttons{"undo", "redo", "up",
                                                                 "down", "save", "stop"};
        if (std::find(buttons.begin(), buttons.end(), step.text) == buttons.end()) {
            throw bad("the planner's button is undo, redo, up, down, save or stop");
        }
        return;
    }
    case ScriptAction::order_new: {
        step.words = split(2);
        const bool named = step.words.size() == 2 && !step.words[1].empty() &&
                           (step.words[0] == "district" || step.words[0] == "plan");
        if (!named && !(step.words.size() == 1 && step.words[0] == "roads")) {
            throw bad("expected order_new:district,NAME, order_new:plan,ID|latest or "
                      "order_new:roads");
        }
        return;
    }
    case ScriptAction::order_select:
        step.words = split(1000);
        if (std::any_of(step.words.begin(), step.words.end(),
                        [](const std::string& w) { return w.empty(); })) {
            throw bad("expected order_select:NUMBER,NUMBER,…");
        }
        return;
    case ScriptAction::order: {
        static constexpr std::array<std::string_view, 7> buttons{
            "issue", "inspect", "zoom", "select_on", "select_off", "clear_roads", "proposals"};
        if (std::find(buttons.begin(), buttons.end(), step.text) == buttons.end()) {
            throw bad("the orders button is issue, inspect, zoom, select_on, select_off, "
                      "clear_roads or proposals");
        }
        return;
    }
    case ScriptAction::order_call:
    case ScriptAction::order_wait: {
        step.words = split(2);
        static constexpr std::array<std::string_view, 8> statuses{
            "draft",   "issued",    "acknowledged", "declined",
            "started", "completed", "inspected",    "cancelled"};
        const bool known = !step.words.empty() && std::find(statuses.begin(), statuses.end(),
                                                            step.words[0]) != statuses.end();
        if (step.action == ScriptAction::order_call && !known) {
            throw bad("expected order_call:STATUS[,REASON] with a status key (acknowledged, "
                      "declined, started, completed)");
        }
        if (step.action == ScriptAction::order_wait) {
            // NUMBER,STATUS
            if (step.words.size() != 2 || step.words[0].empty() ||
                std::find(statuses.begin(), statuses.end(), step.words[1]) == statuses.end()) {
                throw bad("expected order_wait:NUMBER,STATUS with a status key");
            }
        }
        return;
    }
    case ScriptAction::snow_add: {
        // STATION,TIME,NEW[,DEPTH]: the time holds no comma.
        step.words = split(4);
        const bool shaped = (step.words.size() == 3 || step.words.size() == 4) &&
                            !step.words[0].empty() && parse_jst_time(step.words[1]);
        const auto new_cm = shaped ? script_cm(step.words[2]) : std::nullopt;
        const auto depth_cm = step.words.size() == 4 ? script_cm(step.words[3]) : std::nullopt;
        if (!new_cm || (step.words.size() == 4 && !depth_cm)) {
            throw bad("expected snow_add:STATION,YYYY-MM-DD HH:MM,NEW_CM[,DEPTH_CM] (Japan time)");
        }
        step.numbers = {*new_cm};
        if (depth_cm) {
            step.numbers.push_back(*depth_cm);
        }
        return;
    }
    case ScriptAction::reports_daily:
    case ScriptAction::gap_unconfirm:
    case ScriptAction::fees_calc:
        step.words = split(2);
        return;
    case ScriptAction::reports_screenshot: {
        step.words = split(2);
        static constexpr std::array<std::string_view, 4> dialogs{"daily", "fee_rates", "fees",
                                                                 "storm"};
        if (step.words.size() != 2 || step.words[1].empty() ||
            std::find(dialogs.begin(), dialogs.end(), step.words[0]) == dialogs.end()) {
            throw bad("expected reports_screenshot:daily|fee_rates|fees|storm,FILE");
        }
        return;
    }
    case ScriptAction::gap_confirm: {
        step.words = split(4);
        if (step.words.size() < 3 || !data::parse_work_type(step.words[2])) {
            throw bad("expected gap_confirm:VEHICLE,TIME,WORK[,NOTE] with a work type key");
        }
        return;
    }
    case ScriptAction::fee_rate_add:
        step.words = split(6);
        if (step.words.size() < 5) {
            throw bad("expected fee_rate_add:MACHINE,weekday|holiday,FROM,TO,YEN[,NAME]");
        }
        return;
    case ScriptAction::holiday_add:
        step.words = split(2);
        if (step.words.empty() || step.words[0].empty()) {
            throw bad("expected holiday_add:YYYY-MM-DD[,NAME]");
        }
        return;
    case ScriptAction::replay:
        if (step.text != "on" && step.text != "off") {
            throw bad("expected replay:on or replay:off");
        }
        return;
    case ScriptAction::replay_step: {
        const auto steps = parse_whole_number(step.text);
        if (!steps || *steps == 0 || *steps < -1'000'000 || *steps > 1'000'000) {
            throw bad("expected replay_step:+N or replay_step:-N");
        }
        step.numbers = {static_cast<double>(*steps)};
        return;
    }
    case ScriptAction::filter_state: {
        static constexpr std::array<std::string_view, 6> states{"all",     "working", "travelling",
                                                                "stopped", "offline", "unknown"};
        if (std::find(states.begin(), states.end(), step.text) == states.end()) {
            throw bad("the state is all, working, travelling, stopped, offline or unknown");
        }
        return;
    }
    case ScriptAction::zone_answer: {
        // The name may hold commas: the dwell time is after the last one.
        const auto comma = step.text.rfind(',');
        if (comma == std::string::npos) {
            throw bad("expected zone_answer:NAME,DWELL_SECONDS");
        }
        step.words = {std::string(trim_blanks(std::string_view(step.text).substr(0, comma))),
                      std::string(trim_blanks(std::string_view(step.text).substr(comma + 1)))};
        return;
    }
    case ScriptAction::fleet_edit: {
        step.words = split(3);
        static constexpr std::array<std::string_view, 4> fields{"code", "plate", "width", "device"};
        if (step.words.size() != 3 || step.words[0].empty() ||
            std::find(fields.begin(), fields.end(), step.words[1]) == fields.end()) {
            throw bad("expected fleet_edit:CODE,FIELD,VALUE with FIELD one of code, plate, "
                      "width, device");
        }
        return;
    }
    default:
        return;
    }
}

std::vector<std::string_view> split_commas(std::string_view text) {
    std::vector<std::string_view> parts;
    while (true) {
        const auto comma = text.find(',');
        parts.push_back(trim_blanks(text.substr(0, comma)));
        if (comma == std::string_view::npos) {
            return parts;
        }
        text = text.substr(comma + 1);
    }
}

double parse_number(std::string_view text, std::string_view item) {
    double value = 0.0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) {
        throw Error("map command '" + std::string(item) + "': '" + std::string(text) +
                    "' is not a number");
    }
    return value;
}

MapLayer parse_layer(std::string_view name, std::string_view item) {
    const auto layer = script_layer(name);
    if (!layer) {
        throw Error("map command '" + std::string(item) + "': unknown layer '" + std::string(name) +
                    "'");
    }
    return *layer;
}

ScriptStep parse_step(std::string_view item) {
    ScriptStep step;
    const auto colon = item.find(':');
    const std::string_view name = trim_blanks(item.substr(0, colon));
    if (colon == std::string_view::npos) {
        for (const ActionSpec& spec : action_specs) {
            if (spec.name == name && spec.arguments == 0) {
                step.action = spec.action;
                return step;
            }
        }
        const auto command = parse_command(name);
        if (!command) {
            throw Error("unknown map command '" + std::string(item) + "'");
        }
        step.command = *command;
        return step;
    }
    const std::string_view argument = item.substr(colon + 1);
    for (const ActionSpec& spec : action_specs) {
        if (spec.name != name) {
            continue;
        }
        step.action = spec.action;
        if (spec.arguments == text_argument) {
            step.text = std::string(trim_blanks(argument));
            if (step.text.empty()) {
                throw Error("map command '" + std::string(item) + "' needs a text");
            }
            check_text_fields(step, item);
            return step;
        }
        const std::vector<std::string_view> parts = split_commas(argument);
        if (spec.arguments == pixel_pairs && parts.size() >= 6 && parts.size() % 2 == 0) {
            for (const std::string_view part : parts) {
                step.numbers.push_back(parse_number(part, item));
            }
            return step;
        }
        if (spec.arguments == layer_argument && parts.size() == 1) {
            step.layer = parse_layer(parts[0], item);
            return step;
        }
        if (spec.arguments == layer_and_number && parts.size() == 2) {
            step.layer = parse_layer(parts[0], item);
            step.numbers.push_back(parse_number(parts[1], item));
            return step;
        }
        if (spec.arguments >= 0 && parts.size() == static_cast<std::size_t>(spec.arguments)) {
            for (const std::string_view part : parts) {
                step.numbers.push_back(parse_number(part, item));
            }
            return step;
        }
        throw Error("map command '" + std::string(item) + "' has the wrong number of arguments");
    }
    throw Error("unknown map command '" + std::string(item) + "'");
}

} // namespace

std::optional<MapLayer> script_layer(std::string_view name) {
    if (name == "roads") {
        return MapLayer::roads;
    }
    return layer_from_key(name);
}

std::vector<ScriptStep> parse_script(std::string_view text) {
    std::vector<ScriptStep> steps;
    for (const std::string_view item : split_script_items(text)) {
        steps.push_back(parse_step(item));
    }
    return steps;
}

} // namespace ykm::gui

#include "ykm/gui/test_script.hpp"

#include "ykm/gui/map_commands.hpp"

#include "ykm/gis/error.hpp"

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

constexpr std::array<ActionSpec, 15> action_specs{{
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
}};

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
            return step;
        }
        const std::vector<std::string_view> parts = split_commas(argument);
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

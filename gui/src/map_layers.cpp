#include "ykm/gui/map_layers.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <utility>

namespace ykm::gui {

namespace {

constexpr std::array<std::pair<MapLayer, std::string_view>, 5> layer_keys{{
    {MapLayer::roads, "road_segments"},
    {MapLayer::districts, "districts"},
    {MapLayer::depots, "depots"},
    {MapLayer::dump_sites, "dump_sites"},
    {MapLayer::basemap, "basemap"},
}};

/// Moves `layer` by `step` places in the drawing order (bottom first).
bool move_layer(gis::MapStyle& style, MapLayer layer, int step) {
    if (layer == MapLayer::basemap) {
        return false;
    }
    auto& order = style.layer_order;
    const auto it = std::find(order.begin(), order.end(), std::string(layer_key(layer)));
    if (it == order.end()) {
        return false;
    }
    const auto index = it - order.begin();
    const auto target = index + step;
    if (target < 0 || target >= static_cast<std::ptrdiff_t>(order.size())) {
        return false;
    }
    std::swap(order[static_cast<std::size_t>(index)], order[static_cast<std::size_t>(target)]);
    return true;
}

/// The member of `style` (const or not) that holds `layer`'s visibility and opacity.
template <typename Style>
auto& style_of(Style& style, MapLayer layer) {
    switch (layer) {
    case MapLayer::roads:
        return style.roads;
    case MapLayer::districts:
        return style.districts;
    case MapLayer::depots:
        return style.depots;
    case MapLayer::dump_sites:
        return style.dump_sites;
    case MapLayer::basemap:
        break;
    }
    return style.basemap;
}

} // namespace

std::string_view layer_key(MapLayer layer) {
    for (const auto& [l, key] : layer_keys) {
        if (l == layer) {
            return key;
        }
    }
    return "";
}

std::optional<MapLayer> layer_from_key(std::string_view key) {
    for (const auto& [l, k] : layer_keys) {
        if (k == key) {
            return l;
        }
    }
    return std::nullopt;
}

gis::MapStyle::LayerStyle& layer_style(gis::MapStyle& style, MapLayer layer) {
    return style_of(style, layer);
}

const gis::MapStyle::LayerStyle& layer_style(const gis::MapStyle& style, MapLayer layer) {
    return style_of(style, layer);
}

std::vector<MapLayer> panel_order(const gis::MapStyle& style) {
    std::vector<MapLayer> layers;
    for (auto it = style.layer_order.rbegin(); it != style.layer_order.rend(); ++it) {
        if (const auto layer = layer_from_key(*it); layer && *layer != MapLayer::basemap) {
            layers.push_back(*layer);
        }
    }
    layers.push_back(MapLayer::basemap);
    return layers;
}

std::map<std::string, std::string> layer_settings(const gis::MapStyle& style) {
    std::map<std::string, std::string> settings;
    std::string order;
    for (const std::string& key : style.layer_order) {
        order += (order.empty() ? "" : ",") + key;
    }
    settings["order"] = order;
    for (const auto& [layer, key] : layer_keys) {
        const gis::MapStyle::LayerStyle& layer_style_ = layer_style(style, layer);
        const std::string prefix(key);
        settings[prefix + "/visible"] = layer_style_.visible ? "1" : "0";
        char opacity[32];
        const auto result = std::to_chars(opacity, opacity + sizeof opacity, layer_style_.opacity);
        settings[prefix + "/opacity"] = std::string(opacity, result.ptr);
    }
    return settings;
}

void apply_layer_settings(const std::map<std::string, std::string>& settings,
                          gis::MapStyle& style) {
    if (const auto it = settings.find("order"); it != settings.end()) {
        std::vector<std::string> order;
        std::string_view rest = it->second;
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            order.emplace_back(rest.substr(0, comma));
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
        if (std::is_permutation(order.begin(), order.end(), style.layer_order.begin(),
                                style.layer_order.end())) {
            style.layer_order = order;
        }
    }
    for (const auto& [layer, key] : layer_keys) {
        gis::MapStyle::LayerStyle& target = layer_style(style, layer);
        const std::string prefix(key);
        if (const auto it = settings.find(prefix + "/visible"); it != settings.end()) {
            if (it->second == "1" || it->second == "0") {
                target.visible = it->second == "1";
            }
        }
        if (const auto it = settings.find(prefix + "/opacity"); it != settings.end()) {
            const std::string& text = it->second;
            double opacity = 0.0;
            const auto [end, error] =
                std::from_chars(text.data(), text.data() + text.size(), opacity);
            if (error == std::errc{} && end == text.data() + text.size() && opacity >= 0.0 &&
                opacity <= 1.0) {
                target.opacity = opacity;
            }
        }
    }
}

bool move_layer_up(gis::MapStyle& style, MapLayer layer) {
    return move_layer(style, layer, +1);
}

bool move_layer_down(gis::MapStyle& style, MapLayer layer) {
    return move_layer(style, layer, -1);
}

} // namespace ykm::gui

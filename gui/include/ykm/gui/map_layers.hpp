#pragma once

#include "ykm/gis/map_renderer.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ykm::gui {

/// The layers the layers panel lists.
enum class MapLayer { roads, districts, depots, dump_sites, basemap };

/// The layer's table name as MapStyle::layer_order spells it ("road_segments", …; "basemap").
std::string_view layer_key(MapLayer layer);
/// The layer of a MapStyle::layer_order name; std::nullopt for an unknown name.
std::optional<MapLayer> layer_from_key(std::string_view key);

/// The layer's visibility and opacity in `style`.
gis::MapStyle::LayerStyle& layer_style(gis::MapStyle& style, MapLayer layer);
const gis::MapStyle::LayerStyle& layer_style(const gis::MapStyle& style, MapLayer layer);

/// The layers as the panel lists them: the topmost drawn first, the basemap (always under the
/// vector layers) last.
std::vector<MapLayer> panel_order(const gis::MapStyle& style);

/// Moves a vector layer one place up (drawn later, over its neighbour) or down in
/// `style.layer_order`. Returns false, changing nothing, when it is already at that end or is
/// the basemap.
bool move_layer_up(gis::MapStyle& style, MapLayer layer);
bool move_layer_down(gis::MapStyle& style, MapLayer layer);

/// The layers' drawing order, visibility and opacity as text settings to keep between runs:
/// "order" (the MapStyle::layer_order keys, bottom first, joined by commas) and for every layer
/// "<key>/visible" ("1" or "0") and "<key>/opacity" (0 to 1).
std::map<std::string, std::string> layer_settings(const gis::MapStyle& style);

/// Puts settings made by layer_settings() back into `style`. A missing or unreadable entry, an
/// opacity outside 0 to 1, or an order that is not the style's layers in some order leaves that
/// part of `style` as it was, so a hand-edited or old configuration cannot break the map.
void apply_layer_settings(const std::map<std::string, std::string>& settings, gis::MapStyle& style);

} // namespace ykm::gui

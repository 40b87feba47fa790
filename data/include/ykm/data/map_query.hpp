#pragma once

#include "ykm/data/project.hpp"
#include "ykm/gis/map_content.hpp"
#include "ykm/gis/map_renderer.hpp"
#include "ykm/gis/map_view.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ykm::data {

/// Reads what `view` shows from the project through the layers' spatial indexes: only features
/// whose bounding box meets the view's extent, roads simplified to half a pixel. Layers that
/// `style` hides are not read.
gis::MapContent query_map_content(Project& project, const gis::MapView& view,
                                  const gis::MapStyle& style);

/// A feature's attributes as name/value pairs, for the identify panel.
struct FeatureInfo {
    Layer layer = Layer::road_segments;
    std::int64_t id = 0;
    std::vector<std::pair<std::string, std::string>> attributes;
    gis::Box extent;
};

/// The feature nearest to `map_point` within `radius_m` (roads, depots and dump sites before
/// districts, which answer only when the point is inside one); std::nullopt when none.
std::optional<FeatureInfo> identify(Project& project, gis::XY map_point, double radius_m);

/// Roads whose name contains `text`, or the road with id `text`, at most `limit` of them,
/// ordered by name then id.
std::vector<FeatureInfo> find_roads(Project& project, const std::string& text,
                                    std::size_t limit = 50);

/// The extent of a layer in the project CRS; empty when the layer has no features.
gis::Box layer_extent(Project& project, Layer layer);

/// The extent of everything the map draws (roads, districts, depots, dump sites): the view the
/// window calls "full extent". Empty for an empty project.
gis::Box map_extent(Project& project);

/// Draws an MBTiles raster (e.g. GSI 地理院タイル cached offline; Web Mercator tiles) into a
/// picture aligned to `view`, reprojected from EPSG:3857 to the project CRS through GDAL, at
/// the least detailed tile zoom level that still has the view's detail. Throws ykm::Error naming
/// the file when it is not an MBTiles raster. Areas without tiles are transparent.
gis::Image render_basemap(const std::filesystem::path& mbtiles, gis::Epsg project_crs,
                          const gis::MapView& view);

} // namespace ykm::data

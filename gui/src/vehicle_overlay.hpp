#pragma once

#include "ykm/gis/map_view.hpp"
#include "ykm/gui/fleet_view.hpp"

#include <wx/graphics.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ykm::gui {

/// What the map draws over its picture every second: vehicles, the selected vehicle's track of
/// today, geofences, and the zone being drawn.
struct FleetOverlay {
    std::vector<VehicleMarker> markers;
    std::optional<std::int64_t> selected;
    /// Today's track of the selected vehicle, project CRS.
    gis::Polyline track;
    /// Season replay: each vehicle's recent trail, project CRS, drawn under the markers.
    std::vector<gis::Polyline> trails;
    struct Zone {
        std::int64_t id = 0;
        std::string name;
        gis::Polyline ring; ///< closed, project CRS
    };
    std::vector<Zone> zones;
};

/// Radius of a vehicle marker in pixels at text scale 1.
inline constexpr double marker_radius_px = 7.0;
/// Most vehicle labels drawn at once: beyond this a label costs more than it tells.
inline constexpr std::size_t max_vehicle_labels = 250;

/// Draws a FleetOverlay with a wxGraphicsContext: markers are batched into one path per state,
/// so 2,000 vehicles cost a few strokes, and labels are decluttered (labelled_markers). Keeps the
/// widths of the labels it measured, since measuring text costs more than drawing a marker.
class OverlayPainter {
public:
    /// `scale` multiplies sizes (the large-font option). `zone_draft` is the zone being drawn
    /// (map points), `pointer` the map point under the pointer for its rubber band.
    void draw(wxGraphicsContext& gc, const FleetOverlay& overlay, const gis::MapView& view,
              double scale, const std::vector<gis::XY>& zone_draft, std::optional<gis::XY> pointer);

    /// How many labels the last draw() placed.
    [[nodiscard]] std::size_t labels_drawn() const { return m_labels_drawn; }

private:
    void draw_zones(wxGraphicsContext& gc, const FleetOverlay& overlay, const gis::MapView& view,
                    double scale);
    void draw_track(wxGraphicsContext& gc, const gis::Polyline& track, const gis::MapView& view,
                    double scale);
    static void draw_trails(wxGraphicsContext& gc, const std::vector<gis::Polyline>& trails,
                            const gis::MapView& view, double scale);
    void draw_markers(wxGraphicsContext& gc, const FleetOverlay& overlay, const gis::MapView& view,
                      double scale);
    void draw_labels(wxGraphicsContext& gc, const FleetOverlay& overlay, const gis::MapView& view,
                     double scale);
    /// The marker radius in pixels for `view`: smaller at small scales.
    static double marker_radius(const gis::MapView& view, double scale);
    /// The picture of a marker of `state` with heading `bucket` (10° steps, 36: none), drawn
    /// once per radius and scale.
    const wxGraphicsBitmap& sprite(wxGraphicsContext& gc, dispatch::VehicleState state, int bucket,
                                   double r, double scale);
    static void draw_zone_draft(wxGraphicsContext& gc, const std::vector<gis::XY>& draft,
                                std::optional<gis::XY> pointer, const gis::MapView& view,
                                double scale);

    std::unordered_map<int, wxGraphicsBitmap> m_sprites;
    double m_sprite_radius = 0.0;
    double m_sprite_scale = 0.0;
    int m_sprite_size = 0;
    std::unordered_map<std::string, double> m_label_widths;
    double m_label_height = 0.0;
    double m_measured_scale = 0.0;
    std::size_t m_labels_drawn = 0;
};

} // namespace ykm::gui

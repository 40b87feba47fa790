#pragma once

#include "vehicle_overlay.hpp"
#include "ykm/gis/map_renderer.hpp"
#include "ykm/gis/map_view.hpp"
#include "ykm/gui/map_commands.hpp"
#include "ykm/gui/map_worker.hpp"
#include "ykm/gui/view_history.hpp"

#include <wx/bitmap.h>
#include <wx/colour.h>
#include <wx/dcclient.h>
#include <wx/window.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ykm::gui {

/// A line drawn over the map in a colour of its own (a planned route), project CRS.
struct RouteOverlayLine {
    gis::Polyline points;
    wxColour colour;
    double width_px = 2.0; ///< at text scale 1
};

/// The map: shows the pictures a MapWorker draws off the UI thread. While a new picture is being
/// drawn, pan and zoom move and scale the last one, so input never waits for drawing.
class MapCanvas : public wxWindow {
public:
    /// What the canvas tells its owner. Every callback runs on the UI thread.
    struct Listener {
        std::function<void(const gis::MapView& view)> view_changed;
        /// The map point under the pointer; std::nullopt when the pointer left the map.
        std::function<void(std::optional<gis::XY> map_point)> pointer_moved;
        /// A click without a drag, with a search radius of a few pixels in metres.
        std::function<void(gis::XY map_point, double radius_m)> clicked;
        /// The worker could not draw (the project or the basemap could not be read).
        std::function<void(const std::string& message)> render_failed;
        /// A click on a vehicle's marker (tested before `clicked`).
        std::function<void(std::int64_t vehicle_id)> vehicle_clicked;
        /// The zone tool finished a ring of at least three points (project CRS, closed).
        std::function<void(gis::Polyline ring)> zone_drawn;
        /// The zone tool was armed or put away.
        std::function<void(bool armed)> zone_tool_changed;
        /// The user dragged the map (which ends following a vehicle).
        std::function<void()> user_panned;
        /// Road selection: a rectangle dragged over the map (project CRS).
        std::function<void(const gis::Box& box)> roads_boxed;
        /// Road selection: a Shift+click, with a search radius of a few pixels in metres.
        std::function<void(gis::XY map_point, double radius_m)> road_picked;
    };

    MapCanvas(wxWindow* parent, Listener listener);
    ~MapCanvas() override;

    /// Starts drawing the project at `path` (the worker opens its own connection), showing
    /// `full_extent`.
    void show_project(const std::filesystem::path& path, const gis::Box& full_extent);
    [[nodiscard]] bool has_project() const { return m_worker != nullptr; }

    void set_style(const gis::MapStyle& style);
    [[nodiscard]] const gis::MapStyle& style() const { return m_style; }
    void set_basemap(std::optional<std::filesystem::path> mbtiles);

    /// Runs a map command: the one path for keys, menu, toolbar and test scripts.
    void run(MapCommand command);
    /// Shows `box` (zoom to a layer or a search result), recorded in the view history.
    void show_box(const gis::Box& box);

    [[nodiscard]] const gis::MapView& view() const { return m_view; }
    [[nodiscard]] const gis::Box& full_extent() const { return m_full_extent; }
    [[nodiscard]] bool can_go_back() const { return m_history.can_go_back(); }
    [[nodiscard]] bool can_go_forward() const { return m_history.can_go_forward(); }
    [[nodiscard]] bool box_zoom_armed() const { return m_box_zoom_armed; }
    /// Whether the picture of the newest request has arrived and been painted.
    [[nodiscard]] bool shows_current_frame() const;
    /// How many pictures the worker delivered.
    [[nodiscard]] int frames_received() const { return m_frames_received; }

    /// Zooms by `factor` about the centre of the map, recorded in the view history.
    void zoom_about_centre(double factor);
    /// Moves the map so that `point` is at its centre, keeping the scale; not recorded in the
    /// view history (following a vehicle moves it every second).
    void centre_on(gis::XY point);

    /// The vehicles, track and zones drawn over the map; repainted without a new picture.
    void set_overlay(FleetOverlay overlay);
    /// Vehicles' trails drawn into the map's pictures by the map worker (a replay's, fading from
    /// `now_ms` to `trail_ms` before it), from the next picture asked for on; nullptr: none.
    void set_trails(std::shared_ptr<const std::vector<gis::TimedTrail>> trails, std::int64_t now_ms,
                    std::int64_t trail_ms);
    [[nodiscard]] const FleetOverlay& overlay() const { return m_overlay; }
    /// Planned routes drawn over the map, under the vehicles; repainted without a new picture.
    void set_route_overlay(std::vector<RouteOverlayLine> lines);
    [[nodiscard]] const std::vector<RouteOverlayLine>& route_overlay() const {
        return m_route_lines;
    }
    /// Lines drawn over the planned routes: the roads of the selected order and the roads
    /// chosen for a new one; repainted without a new picture.
    void set_order_overlay(std::vector<RouteOverlayLine> lines);
    [[nodiscard]] const std::vector<RouteOverlayLine>& order_overlay() const {
        return m_order_lines;
    }
    /// Road selection: a drag draws a rectangle whose roads are chosen (roads_boxed), a
    /// Shift+click chooses or drops one road (road_picked); plain clicks identify as before.
    void arm_road_selection(bool armed);
    [[nodiscard]] bool road_selection_armed() const { return m_road_selection; }
    /// The marker under `pixel` (client coordinates); std::nullopt when none.
    [[nodiscard]] std::optional<std::int64_t> vehicle_at(wxPoint pixel) const;
    /// The pixel of a map point in the current view.
    [[nodiscard]] wxPoint pixel_of(gis::XY point) const;

    /// The zone tool: clicks add vertices, a double-click or finish_zone() ends the zone,
    /// cancel_zone() (Esc) drops it.
    void arm_zone_tool(bool armed);
    [[nodiscard]] bool zone_tool_armed() const { return m_zone_tool; }
    /// Ends the zone being drawn (Enter); a zone of fewer than three points is dropped.
    void finish_zone();
    void cancel_zone();

    /// How long the map took, in milliseconds, measured with std::chrono::steady_clock.
    struct FrameTimes {
        /// Each paint handler with a project shown (drawing the last picture, moved or scaled).
        std::vector<double> paint_ms;
        /// Each picture the worker drew: querying the features and drawing them.
        std::vector<double> render_ms;
        /// Each picture the UI thread took over from the worker (conversion to a bitmap).
        std::vector<double> take_frame_ms;
        /// Road segments in the newest picture.
        std::size_t roads_in_view = 0;
        /// Drawing the fleet overlay, in each paint with vehicles.
        std::vector<double> overlay_ms;
    };
    [[nodiscard]] const FrameTimes& frame_times() const { return m_times; }

private:
    enum class Drag { none, pan, box, select };

    void set_view(const gis::MapView& view, bool record);
    void request_frame();
    void on_frame(const std::shared_ptr<RenderedFrame>& frame);
    void on_paint(wxPaintEvent& event);
    void paint();
    void on_size(wxSizeEvent& event);
    void on_left_down(wxMouseEvent& event);
    void on_left_up(wxMouseEvent& event);
    void on_motion(wxMouseEvent& event);
    void on_wheel(wxMouseEvent& event);
    void on_double_click(wxMouseEvent& event);
    void end_drag();
    void paint_overlay(wxPaintDC& dc);
    void paint_route_lines(wxGraphicsContext& gc, const std::vector<RouteOverlayLine>& lines) const;

    Listener m_listener;
    std::unique_ptr<MapWorker> m_worker;
    gis::MapView m_view;
    gis::Box m_full_extent = gis::Box::empty();
    /// True while the view is the fitted full extent the user has not moved from: a resize
    /// fits it again.
    bool m_fitted = true;
    ViewHistory m_history;
    gis::MapStyle m_style;
    std::optional<std::filesystem::path> m_basemap;
    std::shared_ptr<const std::vector<gis::TimedTrail>> m_trails;
    std::int64_t m_trails_now_ms = 0;
    std::int64_t m_trail_ms = 0;

    wxBitmap m_frame_bitmap;
    std::optional<gis::MapView> m_frame_view;
    std::uint64_t m_frame_generation = 0;
    std::uint64_t m_requested_generation = 0;
    std::uint64_t m_painted_generation = 0;
    int m_frames_received = 0;
    FrameTimes m_times;

    Drag m_drag = Drag::none;
    bool m_box_zoom_armed = false;
    wxPoint m_drag_start;
    wxPoint m_drag_now;
    gis::MapView m_drag_start_view;

    FleetOverlay m_overlay;
    std::vector<RouteOverlayLine> m_route_lines;
    std::vector<RouteOverlayLine> m_order_lines;
    bool m_road_selection = false;
    bool m_select_shift = false; ///< Shift was down when the selection drag began
    OverlayPainter m_painter;
    bool m_zone_tool = false;
    std::vector<gis::XY> m_zone_draft;
    std::optional<gis::XY> m_pointer;
};

} // namespace ykm::gui

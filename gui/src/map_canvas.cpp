#include "map_canvas.hpp"

#include <wx/dcclient.h>
#include <wx/dcmemory.h>
#include <wx/graphics.h>
#include <wx/image.h>
#include <wx/settings.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>

namespace ykm::gui {

namespace {

/// A press that moves less than this is a click, not a drag.
constexpr int click_tolerance_px = 4;
/// Identify looks this far around the clicked pixel.
constexpr double identify_radius_px = 6.0;
/// Boxes smaller than this (a point, a short straight road) are widened so the view stays useful.
constexpr double min_box_size_m = 150.0;
constexpr double box_margin_fraction = 0.1;

wxColour background_colour() {
    return {gis::map_background.red, gis::map_background.green, gis::map_background.blue};
}

/// The worker's picture as a bitmap; the worker has blended it to RGB already.
wxBitmap to_bitmap(RenderedFrame& frame) {
    if (frame.image.width <= 0 || frame.image.height <= 0 ||
        frame.rgb.size() != frame.image.pixels.size() * 3) {
        return {};
    }
    // static_data: the image borrows the frame's bytes, and the bitmap copies them.
    const wxImage borrowed(frame.image.width, frame.image.height, frame.rgb.data(), true);
    return wxBitmap(borrowed);
}

double elapsed_ms(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

gis::XY to_xy(const wxPoint& p) {
    return {static_cast<double>(p.x), static_cast<double>(p.y)};
}

} // namespace

MapCanvas::MapCanvas(wxWindow* parent, Listener listener)
    : wxWindow(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize,
               wxWANTS_CHARS | wxFULL_REPAINT_ON_RESIZE),
      m_listener(std::move(listener)), m_view({0.0, 0.0}, 1.0, 1, 1),
      m_drag_start_view({0.0, 0.0}, 1.0, 1, 1) {
    // Painted entirely in on_paint (GTK 3 buffers natively), so erasing first would flicker.
    SetBackgroundStyle(wxBG_STYLE_PAINT);
    SetName("map");
    SetHelpText(_("The map. Drag to pan, wheel to zoom, click a feature to identify it."));
    const wxSize size = GetClientSize();
    m_view = gis::MapView({0.0, 0.0}, 1.0, std::max(size.x, 1), std::max(size.y, 1));
    Bind(wxEVT_PAINT, &MapCanvas::on_paint, this);
    Bind(wxEVT_SIZE, &MapCanvas::on_size, this);
    Bind(wxEVT_LEFT_DOWN, &MapCanvas::on_left_down, this);
    Bind(wxEVT_LEFT_UP, &MapCanvas::on_left_up, this);
    Bind(wxEVT_MOTION, &MapCanvas::on_motion, this);
    Bind(wxEVT_MOUSEWHEEL, &MapCanvas::on_wheel, this);
    Bind(wxEVT_LEFT_DCLICK, &MapCanvas::on_double_click, this);
    Bind(wxEVT_LEAVE_WINDOW, [this](wxMouseEvent& event) {
        m_pointer.reset();
        if (m_zone_tool) {
            Refresh(false);
        }
        if (m_listener.pointer_moved) {
            m_listener.pointer_moved(std::nullopt);
        }
        event.Skip();
    });
    Bind(wxEVT_MOUSE_CAPTURE_LOST, [this](wxMouseCaptureLostEvent&) {
        m_drag = Drag::none;
        Refresh();
    });
}

MapCanvas::~MapCanvas() {
    // Joins the worker before the window goes, so no frame is posted to a dead window.
    m_worker.reset();
}

void MapCanvas::show_project(const std::filesystem::path& path, const gis::Box& full_extent) {
    m_worker.reset();
    m_frame_bitmap = wxBitmap();
    m_frame_view.reset();
    m_full_extent = full_extent;
    m_history.clear();
    m_worker = std::make_unique<MapWorker>(
        path,
        [this](RenderedFrame frame) {
            auto shared = std::make_shared<RenderedFrame>(std::move(frame));
            CallAfter([this, shared] { on_frame(shared); });
        },
        [this](std::uint64_t, const std::string& message) {
            CallAfter([this, message] {
                if (m_listener.render_failed) {
                    m_listener.render_failed(message);
                }
            });
        });
    const wxSize size = GetClientSize();
    set_view(gis::MapView::fit(full_extent, std::max(size.x, 1), std::max(size.y, 1)), true);
    m_fitted = true;
}

void MapCanvas::set_style(const gis::MapStyle& style) {
    m_style = style;
    request_frame();
}

void MapCanvas::set_basemap(std::optional<std::filesystem::path> mbtiles) {
    m_basemap = std::move(mbtiles);
    request_frame();
}

void MapCanvas::run(MapCommand command) {
    if (!m_worker) {
        return;
    }
    switch (command) {
    case MapCommand::previous_view:
        if (const auto view = m_history.back()) {
            set_view(view->resized(m_view.width_px(), m_view.height_px()), false);
        }
        return;
    case MapCommand::next_view:
        if (const auto view = m_history.forward()) {
            set_view(view->resized(m_view.width_px(), m_view.height_px()), false);
        }
        return;
    case MapCommand::box_zoom:
        m_box_zoom_armed = !m_box_zoom_armed;
        SetCursor(m_box_zoom_armed ? wxCursor(wxCURSOR_CROSS) : wxNullCursor);
        return;
    default:
        break;
    }
    if (const auto view = apply_view_command(command, m_view, m_full_extent)) {
        set_view(*view, true);
        m_fitted = command == MapCommand::full_extent;
    }
}

void MapCanvas::show_box(const gis::Box& box) {
    if (box.is_empty()) {
        return;
    }
    gis::Box widened = box;
    const double cx = (box.min_x + box.max_x) / 2.0;
    const double cy = (box.min_y + box.max_y) / 2.0;
    const double half_w = std::max(box.max_x - box.min_x, min_box_size_m) / 2.0;
    const double half_h = std::max(box.max_y - box.min_y, min_box_size_m) / 2.0;
    widened = {cx - half_w * (1.0 + box_margin_fraction), cy - half_h * (1.0 + box_margin_fraction),
               cx + half_w * (1.0 + box_margin_fraction),
               cy + half_h * (1.0 + box_margin_fraction)};
    set_view(m_view.showing(widened), true);
}

void MapCanvas::zoom_about_centre(double factor) {
    if (m_worker && factor > 0.0) {
        set_view(m_view.zoomed(factor), true);
    }
}

void MapCanvas::centre_on(gis::XY point) {
    if (!m_worker) {
        return;
    }
    const gis::XY centre = m_view.centre();
    // Less than half a pixel: not worth a new picture.
    if (std::hypot(point.x - centre.x, point.y - centre.y) < 0.5 * m_view.metres_per_pixel()) {
        return;
    }
    set_view(gis::MapView(point, m_view.metres_per_pixel(), m_view.width_px(), m_view.height_px()),
             false);
}

void MapCanvas::set_trails(std::shared_ptr<const std::vector<gis::TimedTrail>> trails,
                           std::int64_t now_ms, std::int64_t trail_ms) {
    m_trails = std::move(trails);
    m_trails_now_ms = now_ms;
    m_trail_ms = trail_ms;
}

void MapCanvas::set_overlay(FleetOverlay overlay) {
    m_overlay = std::move(overlay);
    Refresh(false);
}

void MapCanvas::set_route_overlay(std::vector<RouteOverlayLine> lines) {
    m_route_lines = std::move(lines);
    Refresh(false);
}

void MapCanvas::set_order_overlay(std::vector<RouteOverlayLine> lines) {
    m_order_lines = std::move(lines);
    Refresh(false);
}

void MapCanvas::arm_road_selection(bool armed) {
    m_road_selection = armed;
    if (armed) {
        m_box_zoom_armed = false;
    }
    SetCursor(armed ? wxCursor(wxCURSOR_CROSS) : wxNullCursor);
}

std::optional<std::int64_t> MapCanvas::vehicle_at(wxPoint pixel) const {
    const double scale = m_style.text_scale;
    const auto found =
        marker_at(m_overlay.markers, m_view, to_xy(pixel), (marker_radius_px + 3.0) * scale);
    if (!found) {
        return std::nullopt;
    }
    return m_overlay.markers[*found].id;
}

wxPoint MapCanvas::pixel_of(gis::XY point) const {
    const gis::XY p = m_view.to_pixel(point);
    return {static_cast<int>(std::floor(p.x)), static_cast<int>(std::floor(p.y))};
}

void MapCanvas::arm_zone_tool(bool armed) {
    if (armed == m_zone_tool) {
        return;
    }
    m_zone_tool = armed;
    m_zone_draft.clear();
    if (armed) {
        m_box_zoom_armed = false;
    }
    SetCursor(armed ? wxCursor(wxCURSOR_PENCIL) : wxNullCursor);
    Refresh(false);
    if (m_listener.zone_tool_changed) {
        m_listener.zone_tool_changed(armed);
    }
}

void MapCanvas::finish_zone() {
    if (!m_zone_tool) {
        return;
    }
    // A double-click adds its first click's vertex twice.
    std::vector<gis::XY> ring;
    for (const gis::XY& p : m_zone_draft) {
        if (ring.empty() || std::hypot(p.x - ring.back().x, p.y - ring.back().y) >
                                0.5 * m_view.metres_per_pixel()) {
            ring.push_back(p);
        }
    }
    arm_zone_tool(false);
    if (ring.size() < 3) {
        return;
    }
    ring.push_back(ring.front());
    if (m_listener.zone_drawn) {
        m_listener.zone_drawn(std::move(ring));
    }
}

void MapCanvas::cancel_zone() {
    arm_zone_tool(false);
}

bool MapCanvas::shows_current_frame() const {
    return m_requested_generation != 0 && m_painted_generation == m_requested_generation;
}

void MapCanvas::set_view(const gis::MapView& view, bool record) {
    m_view = view;
    m_fitted = false;
    if (record) {
        m_history.visit(view);
    }
    request_frame();
    if (m_listener.view_changed) {
        m_listener.view_changed(m_view);
    }
}

void MapCanvas::request_frame() {
    if (m_worker) {
        m_requested_generation = m_worker->request(
            RenderRequest{m_view, m_style, m_basemap, 0, m_trails, m_trails_now_ms, m_trail_ms});
    }
    Refresh(false);
}

void MapCanvas::on_frame(const std::shared_ptr<RenderedFrame>& frame) {
    const auto start = std::chrono::steady_clock::now();
    ++m_frames_received;
    m_times.render_ms.push_back(frame->render_ms);
    if (frame->generation < m_frame_generation) {
        return;
    }
    m_frame_generation = frame->generation;
    m_times.roads_in_view = frame->road_count;
    m_frame_bitmap = to_bitmap(*frame);
    m_times.take_frame_ms.push_back(elapsed_ms(start));
    m_frame_view = frame->view;
    Refresh(false);
}

void MapCanvas::on_paint(wxPaintEvent&) {
    const auto start = std::chrono::steady_clock::now();
    paint();
    if (m_worker) {
        m_times.paint_ms.push_back(elapsed_ms(start));
    }
}

void MapCanvas::paint() {
    wxPaintDC dc(this);
    dc.SetBackground(wxBrush(background_colour()));
    dc.Clear();
    if (m_frame_bitmap.IsOk() && m_frame_view) {
        // The last picture where its map extent lies in the current view: shifted while
        // panning, scaled while zooming, until the worker delivers the new one.
        const gis::Box extent = m_frame_view->extent();
        const gis::XY top_left = m_view.to_pixel({extent.min_x, extent.max_y});
        const gis::XY bottom_right = m_view.to_pixel({extent.max_x, extent.min_y});
        const int x = static_cast<int>(std::lround(top_left.x));
        const int y = static_cast<int>(std::lround(top_left.y));
        const int w = static_cast<int>(std::lround(bottom_right.x)) - x;
        const int h = static_cast<int>(std::lround(bottom_right.y)) - y;
        if (w == m_frame_bitmap.GetWidth() && h == m_frame_bitmap.GetHeight()) {
            dc.DrawBitmap(m_frame_bitmap, x, y);
        } else if (w > 0 && h > 0) {
            wxMemoryDC source;
            source.SelectObjectAsSource(m_frame_bitmap);
            dc.StretchBlit(x, y, w, h, &source, 0, 0, m_frame_bitmap.GetWidth(),
                           m_frame_bitmap.GetHeight());
        }
        if (m_frame_generation == m_requested_generation) {
            m_painted_generation = m_frame_generation;
        }
    } else if (!m_worker) {
        dc.SetTextForeground(wxColour(0x55, 0x55, 0x55));
        const wxString hint = _("Open a project with File > Open (Ctrl+O).");
        const wxSize text = dc.GetTextExtent(hint);
        const wxSize size = GetClientSize();
        dc.DrawText(hint, (size.x - text.x) / 2, (size.y - text.y) / 2);
    }
    if (m_worker) {
        paint_overlay(dc);
    }
    if (m_drag == Drag::box || m_drag == Drag::select) {
        dc.SetPen(wxPen(wxColour(0x20, 0x20, 0x20), 1, wxPENSTYLE_SHORT_DASH));
        dc.SetBrush(*wxTRANSPARENT_BRUSH);
        dc.DrawRectangle(wxRect(m_drag_start, m_drag_now));
    }
}

void MapCanvas::paint_overlay(wxPaintDC& dc) {
    if (m_overlay.markers.empty() && m_overlay.zones.empty() && m_zone_draft.empty() &&
        !m_zone_tool && m_route_lines.empty() && m_order_lines.empty()) {
        return;
    }
    const auto start = std::chrono::steady_clock::now();
    std::unique_ptr<wxGraphicsContext> gc(wxGraphicsContext::Create(dc));
    if (!gc) {
        return;
    }
    // Under the vehicles and zones, so that a route never hides a plow's marker.
    paint_route_lines(*gc, m_route_lines);
    paint_route_lines(*gc, m_order_lines);
    m_painter.draw(*gc, m_overlay, m_view, m_style.text_scale, m_zone_draft,
                   m_zone_tool ? m_pointer : std::nullopt);
    gc.reset();
    if (!m_overlay.markers.empty()) {
        m_times.overlay_ms.push_back(elapsed_ms(start));
    }
}

void MapCanvas::paint_route_lines(wxGraphicsContext& gc,
                                  const std::vector<RouteOverlayLine>& lines) const {
    if (lines.empty()) {
        return;
    }
    gc.SetAntialiasMode(wxANTIALIAS_DEFAULT);
    const gis::Box extent = m_view.extent();
    for (const RouteOverlayLine& line : lines) {
        if (line.points.size() < 2) {
            continue;
        }
        gis::Box box = gis::Box::empty();
        for (const gis::XY& p : line.points) {
            box.extend(p);
        }
        if (box.max_x < extent.min_x || box.min_x > extent.max_x || box.max_y < extent.min_y ||
            box.min_y > extent.max_y) {
            continue;
        }
        wxGraphicsPath path = gc.CreatePath();
        gis::XY last{};
        for (std::size_t i = 0; i < line.points.size(); ++i) {
            const gis::XY p = m_view.to_pixel(line.points[i]);
            if (i == 0) {
                path.MoveToPoint(p.x, p.y);
            } else if (std::abs(p.x - last.x) + std::abs(p.y - last.y) >= 0.5 ||
                       i + 1 == line.points.size()) {
                path.AddLineToPoint(p.x, p.y);
            } else {
                continue;
            }
            last = p;
        }
        gc.SetPen(gc.CreatePen(wxGraphicsPenInfo(line.colour)
                                   .Width(line.width_px * m_style.text_scale)
                                   .Join(wxJOIN_ROUND)
                                   .Cap(wxCAP_ROUND)));
        gc.StrokePath(path);
    }
}

void MapCanvas::on_size(wxSizeEvent& event) {
    const wxSize size = GetClientSize();
    if (size.x > 0 && size.y > 0 && (size.x != m_view.width_px() || size.y != m_view.height_px())) {
        const bool fitted = m_fitted;
        if (fitted && !m_full_extent.is_empty()) {
            m_history.clear();
            set_view(gis::MapView::fit(m_full_extent, size.x, size.y), true);
        } else {
            set_view(m_view.resized(size.x, size.y), false);
        }
        m_fitted = fitted;
    }
    event.Skip();
}

void MapCanvas::on_left_down(wxMouseEvent& event) {
    SetFocus();
    if (!m_worker) {
        return;
    }
    if (m_zone_tool) {
        m_zone_draft.push_back(m_view.to_map(to_xy(event.GetPosition())));
        Refresh(false);
        return;
    }
    if (m_road_selection && !m_box_zoom_armed) {
        // Shift+click picks one road; a drag, with or without Shift, boxes roads.
        m_drag = Drag::select;
    } else {
        m_drag = event.ShiftDown() || m_box_zoom_armed ? Drag::box : Drag::pan;
    }
    m_select_shift = event.ShiftDown();
    m_drag_start = event.GetPosition();
    m_drag_now = m_drag_start;
    m_drag_start_view = m_view;
    if (!HasCapture()) {
        CaptureMouse();
    }
}

void MapCanvas::on_motion(wxMouseEvent& event) {
    const wxPoint position = event.GetPosition();
    if (m_worker) {
        m_pointer = m_view.to_map(to_xy(position));
    }
    if (m_listener.pointer_moved && m_worker) {
        m_listener.pointer_moved(m_view.to_map(to_xy(position)));
    }
    if (m_zone_tool && !m_zone_draft.empty()) {
        Refresh(false);
    }
    if (m_drag == Drag::none || !event.LeftIsDown()) {
        return;
    }
    m_drag_now = position;
    if (m_drag == Drag::pan) {
        m_view =
            m_drag_start_view.panned(m_drag_now.x - m_drag_start.x, m_drag_now.y - m_drag_start.y);
        m_fitted = false;
        request_frame();
        if (m_listener.view_changed) {
            m_listener.view_changed(m_view);
        }
    } else {
        Refresh(false);
    }
}

void MapCanvas::on_left_up(wxMouseEvent& event) {
    if (m_drag == Drag::none) {
        return;
    }
    const Drag drag = m_drag;
    m_drag_now = event.GetPosition();
    end_drag();
    const bool moved = std::abs(m_drag_now.x - m_drag_start.x) > click_tolerance_px ||
                       std::abs(m_drag_now.y - m_drag_start.y) > click_tolerance_px;
    if (drag == Drag::select) {
        Refresh(false);
        if (moved) {
            const gis::XY a = m_view.to_map(to_xy(m_drag_start));
            const gis::XY b = m_view.to_map(to_xy(m_drag_now));
            if (m_listener.roads_boxed) {
                m_listener.roads_boxed({std::min(a.x, b.x), std::min(a.y, b.y), std::max(a.x, b.x),
                                        std::max(a.y, b.y)});
            }
            return;
        }
        if (m_select_shift) {
            if (m_listener.road_picked) {
                m_listener.road_picked(m_view.to_map(to_xy(m_drag_now)),
                                       identify_radius_px * m_view.metres_per_pixel());
            }
            return;
        }
        // A plain click identifies, as without the selection.
    } else if (drag == Drag::box) {
        m_box_zoom_armed = false;
        SetCursor(m_road_selection ? wxCursor(wxCURSOR_CROSS) : wxNullCursor);
        if (moved) {
            const gis::XY a = m_view.to_map(to_xy(m_drag_start));
            const gis::XY b = m_view.to_map(to_xy(m_drag_now));
            set_view(m_view.showing({std::min(a.x, b.x), std::min(a.y, b.y), std::max(a.x, b.x),
                                     std::max(a.y, b.y)}),
                     true);
        } else {
            set_view(m_view.zoomed(zoom_step_factor, to_xy(m_drag_now)), true);
        }
        Refresh(false);
        return;
    }
    if (moved) {
        set_view(m_view, true);
        if (m_listener.user_panned) {
            m_listener.user_panned();
        }
        return;
    }
    if (const auto vehicle = vehicle_at(m_drag_now); vehicle && m_listener.vehicle_clicked) {
        m_listener.vehicle_clicked(*vehicle);
    } else if (m_listener.clicked) {
        m_listener.clicked(m_view.to_map(to_xy(m_drag_now)),
                           identify_radius_px * m_view.metres_per_pixel());
    }
}

void MapCanvas::on_double_click(wxMouseEvent& event) {
    if (!m_zone_tool) {
        event.Skip();
        return;
    }
    m_zone_draft.push_back(m_view.to_map(to_xy(event.GetPosition())));
    finish_zone();
}

void MapCanvas::end_drag() {
    m_drag = Drag::none;
    if (HasCapture()) {
        ReleaseMouse();
    }
}

void MapCanvas::on_wheel(wxMouseEvent& event) {
    if (!m_worker || event.GetWheelAxis() != wxMOUSE_WHEEL_VERTICAL ||
        event.GetWheelRotation() == 0) {
        return;
    }
    const double factor =
        event.GetWheelRotation() > 0 ? wheel_zoom_factor : 1.0 / wheel_zoom_factor;
    // A turn of the wheel is one step of "previous view", however many notches it has.
    const gis::MapView view = m_view.zoomed(factor, to_xy(event.GetPosition()));
    m_history.visit_wheel(view, std::chrono::steady_clock::now());
    set_view(view, false);
}

} // namespace ykm::gui

#include "vehicle_overlay.hpp"

#include <wx/brush.h>
#include <wx/font.h>
#include <wx/graphics.h>
#include <wx/image.h>
#include <wx/settings.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <numbers>

namespace ykm::gui {

namespace {

const wxColour outline_colour(0x1A, 0x1A, 0x1A);
const wxColour label_colour(0x1A, 0x1A, 0x1A);
/// The selection ring and track: the map's highlight magenta, which no layer uses.
const wxColour selection_colour(0xFF, 0x00, 0xD0);
/// Alert rings: Okabe-Ito yellow between dark edges, a warning on any background and a colour
/// no road uses (vermilion is class 1's).
const wxColour alert_colour(0xF0, 0xE4, 0x42);
const wxColour zone_colour(0x7A, 0x1F, 0x5C);

wxColour colour_of(const gis::Rgb& rgb, unsigned char alpha = wxALPHA_OPAQUE) {
    return {rgb.red, rgb.green, rgb.blue, alpha};
}

wxGraphicsPen pen(wxGraphicsContext& gc, const wxColour& colour, double width,
                  wxPenStyle style = wxPENSTYLE_SOLID) {
    return gc.CreatePen(wxGraphicsPenInfo(colour).Width(width).Style(style));
}

/// A unit vector along a compass bearing in pixel coordinates (y down): 0° up, 90° right.
gis::XY along(double bearing_deg) {
    const double a = bearing_deg * std::numbers::pi / 180.0;
    return {std::sin(a), -std::cos(a)};
}

wxFont label_font(double scale) {
    wxFont font = wxSystemSettings::GetFont(wxSYS_DEFAULT_GUI_FONT);
    font.SetFractionalPointSize(std::max(7.0, 8.5 * scale));
    font.SetWeight(wxFONTWEIGHT_BOLD);
    return font;
}

} // namespace

void OverlayPainter::draw(wxGraphicsContext& gc, const FleetOverlay& overlay,
                          const gis::MapView& view, double scale,
                          const std::vector<gis::XY>& zone_draft, std::optional<gis::XY> pointer) {
    gc.SetAntialiasMode(wxANTIALIAS_DEFAULT);
    draw_zones(gc, overlay, view, scale);
    if (!overlay.trails.empty()) {
        draw_trails(gc, overlay.trails, view, scale);
    }
    if (!overlay.track.empty()) {
        draw_track(gc, overlay.track, view, scale);
    }
    draw_markers(gc, overlay, view, scale);
    draw_labels(gc, overlay, view, scale);
    if (!zone_draft.empty()) {
        draw_zone_draft(gc, zone_draft, pointer, view, scale);
    }
}

void OverlayPainter::draw_zones(wxGraphicsContext& gc, const FleetOverlay& overlay,
                                const gis::MapView& view, double scale) {
    if (overlay.zones.empty()) {
        return;
    }
    const gis::Box extent = view.extent();
    gc.SetFont(label_font(scale), zone_colour);
    for (const FleetOverlay::Zone& zone : overlay.zones) {
        gis::Box box = gis::Box::empty();
        for (const gis::XY& p : zone.ring) {
            box.extend(p);
        }
        if (box.is_empty() || box.max_x < extent.min_x || box.min_x > extent.max_x ||
            box.max_y < extent.min_y || box.min_y > extent.max_y) {
            continue;
        }
        wxGraphicsPath path = gc.CreatePath();
        for (std::size_t i = 0; i < zone.ring.size(); ++i) {
            const gis::XY p = view.to_pixel(zone.ring[i]);
            if (i == 0) {
                path.MoveToPoint(p.x, p.y);
            } else {
                path.AddLineToPoint(p.x, p.y);
            }
        }
        path.CloseSubpath();
        gc.SetBrush(gc.CreateBrush(
            wxBrush(wxColour(zone_colour.Red(), zone_colour.Green(), zone_colour.Blue(), 36))));
        gc.SetPen(pen(gc, zone_colour, 2.0 * scale, wxPENSTYLE_SHORT_DASH));
        gc.DrawPath(path);
        // The name inside the top-left corner of the zone's box, clear of the vehicles that
        // gather in its middle.
        const gis::XY corner = view.to_pixel({box.min_x, box.max_y});
        const wxString name = wxString::FromUTF8(zone.name);
        double w = 0.0;
        double h = 0.0;
        gc.GetTextExtent(name, &w, &h);
        const double x = corner.x + 4.0 * scale;
        const double y = corner.y + 3.0 * scale;
        gc.SetBrush(gc.CreateBrush(wxBrush(wxColour(255, 255, 255, 210))));
        gc.SetPen(wxNullGraphicsPen);
        gc.DrawRectangle(x - 2, y - 1, w + 4, h + 2);
        gc.DrawText(name, x, y);
    }
}

void OverlayPainter::draw_track(wxGraphicsContext& gc, const gis::Polyline& track,
                                const gis::MapView& view, double scale) {
    wxGraphicsPath path = gc.CreatePath();
    gis::XY last{};
    bool started = false;
    for (const gis::XY& point : track) {
        const gis::XY p = view.to_pixel(point);
        if (!started) {
            path.MoveToPoint(p.x, p.y);
            started = true;
        } else if (std::abs(p.x - last.x) + std::abs(p.y - last.y) >= 1.0) {
            path.AddLineToPoint(p.x, p.y);
        } else {
            continue;
        }
        last = p;
    }
    gc.SetPen(pen(
        gc,
        wxColour(selection_colour.Red(), selection_colour.Green(), selection_colour.Blue(), 170),
        3.0 * scale));
    gc.StrokePath(path);
}

void OverlayPainter::draw_trails(wxGraphicsContext& gc, const std::vector<gis::Polyline>& trails,
                                 const gis::MapView& view, double scale) {
    // One path for all trails: a dark line over a white casing, so that it shows on every
    // road colour and is not mistaken for one.
    wxGraphicsPath path = gc.CreatePath();
    for (const gis::Polyline& trail : trails) {
        bool started = false;
        gis::XY last{};
        for (const gis::XY& point : trail) {
            const gis::XY p = view.to_pixel(point);
            if (!started) {
                path.MoveToPoint(p.x, p.y);
                started = true;
            } else if (std::abs(p.x - last.x) + std::abs(p.y - last.y) >= 1.0) {
                path.AddLineToPoint(p.x, p.y);
            } else {
                continue;
            }
            last = p;
        }
    }
    gc.SetPen(pen(gc, wxColour(255, 255, 255, 200), 4.0 * scale));
    gc.StrokePath(path);
    gc.SetPen(
        pen(gc, wxColour(outline_colour.Red(), outline_colour.Green(), outline_colour.Blue(), 200),
            2.0 * scale));
    gc.StrokePath(path);
}

double OverlayPainter::marker_radius(const gis::MapView& view, double scale) {
    // Smaller markers when the whole town is in view, where thousands crowd together.
    const double m_per_px = view.metres_per_pixel();
    const double base = m_per_px > 8.0 ? 4.0 : (m_per_px > 4.0 ? 5.5 : marker_radius_px);
    return base * scale;
}

namespace {

/// Draws one marker centred at (cx, cy): the body in the state's colour and shape, its outline,
/// the heading (a chevron outside discs and squares; travelling markers are an arrowhead
/// themselves), the cross of offline and the "?" of unknown.
void draw_marker(wxGraphicsContext& gc, dispatch::VehicleState state,
                 std::optional<double> heading_deg, double cx, double cy, double r, double scale) {
    const MarkerLook look = marker_look(state);
    wxGraphicsPath body = gc.CreatePath();
    const bool has_heading = heading_deg.has_value();
    // A plain pair rather than std::optional: GCC 12 warns of its payload at -O3.
    const gis::XY u = has_heading ? along(*heading_deg) : gis::XY{0.0, -1.0};
    const gis::XY v{-u.y, u.x};
    switch (look.shape) {
    case MarkerShape::circle:
    case MarkerShape::crossed:
    case MarkerShape::hollow:
        body.AddCircle(cx, cy, r);
        break;
    case MarkerShape::square:
        body.AddRectangle(cx - 0.85 * r, cy - 0.85 * r, 1.7 * r, 1.7 * r);
        break;
    case MarkerShape::arrow:
        if (has_heading) {
            // An arrowhead along the heading: tip, back corners and a notch.
            body.MoveToPoint(cx + u.x * 1.4 * r, cy + u.y * 1.4 * r);
            body.AddLineToPoint(cx - u.x * 0.9 * r + v.x * r, cy - u.y * 0.9 * r + v.y * r);
            body.AddLineToPoint(cx - u.x * 0.35 * r, cy - u.y * 0.35 * r);
            body.AddLineToPoint(cx - u.x * 0.9 * r - v.x * r, cy - u.y * 0.9 * r - v.y * r);
        } else {
            body.MoveToPoint(cx, cy - 1.2 * r);
            body.AddLineToPoint(cx + 1.2 * r, cy);
            body.AddLineToPoint(cx, cy + 1.2 * r);
            body.AddLineToPoint(cx - 1.2 * r, cy);
        }
        body.CloseSubpath();
        break;
    }
    if (look.shape == MarkerShape::hollow) {
        // Unknown: only a grey ring on white, so that it never reads as a live state.
        gc.SetBrush(gc.CreateBrush(wxBrush(wxColour(255, 255, 255, 230))));
        gc.SetPen(pen(gc, colour_of(look.fill), 1.6 * scale, wxPENSTYLE_SHORT_DASH));
    } else {
        gc.SetBrush(gc.CreateBrush(wxBrush(colour_of(look.fill))));
        gc.SetPen(pen(gc, outline_colour, 1.2 * scale));
    }
    gc.DrawPath(body);
    if (look.shape == MarkerShape::crossed) {
        const double d = 0.6 * r;
        wxGraphicsPath cross = gc.CreatePath();
        cross.MoveToPoint(cx - d, cy - d);
        cross.AddLineToPoint(cx + d, cy + d);
        cross.MoveToPoint(cx + d, cy - d);
        cross.AddLineToPoint(cx - d, cy + d);
        gc.SetPen(pen(gc, wxColour(0xFF, 0xFF, 0xFF), 1.8 * scale));
        gc.StrokePath(cross);
    }
    if (look.shape == MarkerShape::hollow) {
        gc.SetFont(label_font(scale * r / (marker_radius_px * scale)), wxColour(0x60, 0x60, 0x60));
        double w = 0.0;
        double h = 0.0;
        gc.GetTextExtent("?", &w, &h);
        gc.DrawText("?", cx - w / 2, cy - h / 2);
    }
    if (has_heading && look.shape != MarkerShape::arrow && look.shape != MarkerShape::hollow) {
        const double base = r + 1.5 * scale;
        const double tip = r + 7.0 * scale;
        const double half = 4.0 * scale;
        wxGraphicsPath chevron = gc.CreatePath();
        chevron.MoveToPoint(cx + u.x * tip, cy + u.y * tip);
        chevron.AddLineToPoint(cx + u.x * base + v.x * half, cy + u.y * base + v.y * half);
        chevron.AddLineToPoint(cx + u.x * base - v.x * half, cy + u.y * base - v.y * half);
        chevron.CloseSubpath();
        gc.SetBrush(gc.CreateBrush(wxBrush(outline_colour)));
        gc.SetPen(wxNullGraphicsPen);
        gc.FillPath(chevron);
    }
}

/// Heading buckets of the sprites: every 10 degrees, and one for no heading.
constexpr int heading_buckets = 36;

int heading_bucket(std::optional<double> heading_deg) {
    if (!heading_deg || !std::isfinite(*heading_deg)) {
        return heading_buckets;
    }
    const double wrapped = std::fmod(std::fmod(*heading_deg, 360.0) + 360.0, 360.0);
    return static_cast<int>(std::lround(wrapped / 10.0)) % heading_buckets;
}

} // namespace

const wxGraphicsBitmap& OverlayPainter::sprite(wxGraphicsContext& gc, dispatch::VehicleState state,
                                               int bucket, double r, double scale) {
    if (m_sprite_radius != r || m_sprite_scale != scale) {
        m_sprites.clear();
        m_sprite_radius = r;
        m_sprite_scale = scale;
        m_sprite_size = 2 * static_cast<int>(std::ceil(1.5 * r + 8.0 * scale)) + 2;
    }
    const int key = static_cast<int>(state_index(state)) * (heading_buckets + 1) + bucket;
    const auto found = m_sprites.find(key);
    if (found != m_sprites.end()) {
        return found->second;
    }
    wxImage image(m_sprite_size, m_sprite_size);
    image.InitAlpha();
    std::fill_n(image.GetAlpha(), m_sprite_size * m_sprite_size, static_cast<unsigned char>(0));
    {
        std::unique_ptr<wxGraphicsContext> painter(wxGraphicsContext::Create(image));
        if (painter) {
            painter->SetAntialiasMode(wxANTIALIAS_DEFAULT);
            const double centre = m_sprite_size / 2.0;
            draw_marker(*painter, state,
                        bucket < heading_buckets ? std::optional(bucket * 10.0) : std::nullopt,
                        centre, centre, r, scale);
        }
    }
    return m_sprites.emplace(key, gc.CreateBitmapFromImage(image)).first->second;
}

void OverlayPainter::draw_markers(wxGraphicsContext& gc, const FleetOverlay& overlay,
                                  const gis::MapView& view, double scale) {
    const double r = marker_radius(view, scale);
    const double margin = 1.5 * r + 8.0 * scale;
    wxGraphicsPath alerts = gc.CreatePath();
    wxGraphicsPath selected = gc.CreatePath();
    bool any_alert = false;
    bool any_selected = false;
    struct Placed {
        const VehicleMarker* marker;
        double x;
        double y;
    };
    std::vector<Placed> placed;
    placed.reserve(overlay.markers.size());
    for (const VehicleMarker& marker : overlay.markers) {
        const gis::XY c = view.to_pixel(marker.position);
        if (c.x < -margin || c.y < -margin || c.x > view.width_px() + margin ||
            c.y > view.height_px() + margin) {
            continue;
        }
        // Whole pixels: the sprites stay sharp.
        const double x = std::round(c.x);
        const double y = std::round(c.y);
        placed.push_back({&marker, x, y});
        if (marker.alert) {
            alerts.AddCircle(x, y, r + 6.0 * scale);
            any_alert = true;
        }
        if (overlay.selected && marker.id == *overlay.selected) {
            selected.AddCircle(x, y, r + 3.5 * scale);
            any_selected = true;
        }
    }
    if (any_selected) {
        gc.SetPen(pen(gc, selection_colour, 4.0 * scale));
        gc.StrokePath(selected);
    }
    // Each marker is a copy of a sprite drawn once per state and heading: 2,000 vehicles cost
    // 2,000 small copies instead of 2,000 paths filled and stroked.
    for (const Placed& p : placed) {
        const wxGraphicsBitmap& bitmap =
            sprite(gc, p.marker->state, heading_bucket(p.marker->heading_deg), r, scale);
        const double half = m_sprite_size / 2.0;
        gc.DrawBitmap(bitmap, p.x - half, p.y - half, m_sprite_size, m_sprite_size);
    }
    if (any_alert) {
        gc.SetPen(pen(gc, outline_colour, 5.0 * scale));
        gc.StrokePath(alerts);
        gc.SetPen(pen(gc, alert_colour, 3.0 * scale));
        gc.StrokePath(alerts);
    }
}

void OverlayPainter::draw_labels(wxGraphicsContext& gc, const FleetOverlay& overlay,
                                 const gis::MapView& view, double scale) {
    m_labels_drawn = 0;
    if (overlay.markers.empty()) {
        return;
    }
    gc.SetFont(label_font(scale), label_colour);
    if (m_measured_scale != scale) {
        m_label_widths.clear();
        m_measured_scale = scale;
        double w = 0.0;
        gc.GetTextExtent("D-0", &w, &m_label_height);
    }
    const auto width_of = [&](const std::string& code) {
        const auto found = m_label_widths.find(code);
        if (found != m_label_widths.end()) {
            return found->second;
        }
        double w = 0.0;
        double h = 0.0;
        gc.GetTextExtent(wxString::FromUTF8(code), &w, &h);
        m_label_widths.emplace(code, w);
        return w;
    };
    const double r = marker_radius(view, scale);
    // Labels start past the heading chevron.
    const double gap = r + 7.0 * scale;
    const std::vector<std::size_t> labelled = labelled_markers(
        overlay.markers, view, width_of, m_label_height, gap, overlay.selected, max_vehicle_labels);
    wxGraphicsPath backgrounds = gc.CreatePath();
    for (const std::size_t i : labelled) {
        const gis::XY c = view.to_pixel(overlay.markers[i].position);
        backgrounds.AddRectangle(c.x + gap, c.y - m_label_height / 2,
                                 width_of(overlay.markers[i].code) + 4.0, m_label_height);
    }
    gc.SetBrush(gc.CreateBrush(wxBrush(wxColour(255, 255, 255, 200))));
    gc.SetPen(wxNullGraphicsPen);
    gc.FillPath(backgrounds);
    for (const std::size_t i : labelled) {
        const gis::XY c = view.to_pixel(overlay.markers[i].position);
        gc.DrawText(wxString::FromUTF8(overlay.markers[i].code), c.x + gap + 2.0,
                    c.y - m_label_height / 2);
    }
    m_labels_drawn = labelled.size();
}

void OverlayPainter::draw_zone_draft(wxGraphicsContext& gc, const std::vector<gis::XY>& draft,
                                     std::optional<gis::XY> pointer, const gis::MapView& view,
                                     double scale) {
    wxGraphicsPath path = gc.CreatePath();
    wxGraphicsPath vertices = gc.CreatePath();
    for (std::size_t i = 0; i < draft.size(); ++i) {
        const gis::XY p = view.to_pixel(draft[i]);
        if (i == 0) {
            path.MoveToPoint(p.x, p.y);
        } else {
            path.AddLineToPoint(p.x, p.y);
        }
        vertices.AddRectangle(p.x - 3.0 * scale, p.y - 3.0 * scale, 6.0 * scale, 6.0 * scale);
    }
    if (pointer) {
        const gis::XY p = view.to_pixel(*pointer);
        path.AddLineToPoint(p.x, p.y);
    }
    gc.SetPen(pen(gc, zone_colour, 2.0 * scale, wxPENSTYLE_SHORT_DASH));
    gc.StrokePath(path);
    gc.SetBrush(gc.CreateBrush(wxBrush(wxColour(255, 255, 255))));
    gc.SetPen(pen(gc, zone_colour, 1.5 * scale));
    gc.DrawPath(vertices);
}

} // namespace ykm::gui

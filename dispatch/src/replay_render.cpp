// Headless drawing of a replay frame: the map coloured by time since the last pass, the
// vehicles' trails and markers as the window draws them (gui/src/vehicle_overlay.cpp, which
// dispatch cannot use), and a title strip.

#include "ykm/data/map_query.hpp"
#include "ykm/dispatch/replay.hpp"
#include "ykm/gis/cairo_picture.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gis/road_age_canvas.hpp"
#include "ykm/gis/trails.hpp"

#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

namespace ykm::dispatch {
namespace {

constexpr const char* font_family = "Noto Sans CJK JP, Noto Sans CJK, sans-serif";
constexpr gis::Rgb outline_colour{0x1A, 0x1A, 0x1A};
constexpr gis::Rgb follow_colour{0xFF, 0x00, 0xD0}; // the map's highlight magenta

struct CairoDeleter {
    void operator()(cairo_t* cr) const noexcept { cairo_destroy(cr); }
    void operator()(cairo_surface_t* s) const noexcept { cairo_surface_destroy(s); }
    void operator()(PangoLayout* l) const noexcept { g_object_unref(l); }
    void operator()(PangoFontDescription* f) const noexcept { pango_font_description_free(f); }
};

void set_colour(cairo_t* cr, gis::Rgb c, double alpha = 1.0) {
    cairo_set_source_rgba(cr, c.red / 255.0, c.green / 255.0, c.blue / 255.0, alpha);
}

/// A unit vector along a compass bearing in pixel coordinates (y down).
gis::XY along(double bearing_deg) {
    const double a = bearing_deg * std::numbers::pi / 180.0;
    return {std::sin(a), -std::cos(a)};
}

/// The window's marker radius for the view (OverlayPainter::marker_radius).
double marker_radius(const gis::MapView& view, double scale) {
    const double m_per_px = view.metres_per_pixel();
    const double base = m_per_px > 8.0 ? 4.0 : (m_per_px > 4.0 ? 5.5 : 7.0);
    return base * scale;
}

/// One marker centred at (cx, cy), shaped and coloured as the window draws it.
void draw_marker(cairo_t* cr, VehicleState state, std::optional<double> heading_deg, double cx,
                 double cy, double r, double scale) {
    const gis::Rgb fill = replay_marker_colour(state);
    const bool has_heading = heading_deg.has_value();
    const gis::XY u = has_heading ? along(*heading_deg) : gis::XY{0.0, -1.0};
    const gis::XY v{-u.y, u.x};
    cairo_new_path(cr);
    switch (state) {
    case VehicleState::working:
    case VehicleState::offline:
    case VehicleState::unknown:
        cairo_arc(cr, cx, cy, r, 0.0, 2.0 * std::numbers::pi);
        break;
    case VehicleState::stopped:
        cairo_rectangle(cr, cx - 0.85 * r, cy - 0.85 * r, 1.7 * r, 1.7 * r);
        break;
    case VehicleState::travelling:
        if (has_heading) {
            cairo_move_to(cr, cx + u.x * 1.4 * r, cy + u.y * 1.4 * r);
            cairo_line_to(cr, cx - u.x * 0.9 * r + v.x * r, cy - u.y * 0.9 * r + v.y * r);
            cairo_line_to(cr, cx - u.x * 0.35 * r, cy - u.y * 0.35 * r);
            cairo_line_to(cr, cx - u.x * 0.9 * r - v.x * r, cy - u.y * 0.9 * r - v.y * r);
        } else {
            cairo_move_to(cr, cx, cy - 1.2 * r);
            cairo_line_to(cr, cx + 1.2 * r, cy);
            cairo_line_to(cr, cx, cy + 1.2 * r);
            cairo_line_to(cr, cx - 1.2 * r, cy);
        }
        cairo_close_path(cr);
        break;
    }
    if (state == VehicleState::unknown) {
        cairo_set_source_rgba(cr, 1.0, 1.0, 1.0, 0.9);
        cairo_fill_preserve(cr);
        set_colour(cr, fill);
        const std::array<double, 2> dash{3.0 * scale, 2.0 * scale};
        cairo_set_dash(cr, dash.data(), 2, 0.0);
        cairo_set_line_width(cr, 1.6 * scale);
        cairo_stroke(cr);
        cairo_set_dash(cr, nullptr, 0, 0.0);
        return;
    }
    set_colour(cr, fill);
    cairo_fill_preserve(cr);
    set_colour(cr, outline_colour);
    cairo_set_line_width(cr, 1.2 * scale);
    cairo_stroke(cr);
    if (state == VehicleState::offline) {
        const double d = 0.6 * r;
        cairo_move_to(cr, cx - d, cy - d);
        cairo_line_to(cr, cx + d, cy + d);
        cairo_move_to(cr, cx + d, cy - d);
        cairo_line_to(cr, cx - d, cy + d);
        cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
        cairo_set_line_width(cr, 1.8 * scale);
        cairo_stroke(cr);
    }
    if (has_heading && state != VehicleState::travelling) {
        const double base = r + 1.5 * scale;
        const double tip = r + 7.0 * scale;
        const double half = 4.0 * scale;
        cairo_move_to(cr, cx + u.x * tip, cy + u.y * tip);
        cairo_line_to(cr, cx + u.x * base + v.x * half, cy + u.y * base + v.y * half);
        cairo_line_to(cr, cx + u.x * base - v.x * half, cy + u.y * base - v.y * half);
        cairo_close_path(cr);
        set_colour(cr, outline_colour);
        cairo_fill(cr);
    }
}

std::string jst_text(std::int64_t time_ms) {
    constexpr std::int64_t day_ms = 86'400'000;
    const std::int64_t local = time_ms + 9 * 3'600'000;
    std::int64_t days = local / day_ms;
    std::int64_t in_day = local % day_ms;
    if (in_day < 0) {
        in_day += day_ms;
        --days;
    }
    const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{days}}};
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u %02lld:%02lld:%02lld JST",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<long long>(in_day / 3'600'000),
                  static_cast<long long>(in_day / 60'000 % 60),
                  static_cast<long long>(in_day / 1000 % 60));
    return text;
}

/// Draws `text` with its left edge at x, centred on y; returns its width.
double draw_text(cairo_t* cr, const std::string& text, double x, double y, double size_px,
                 bool bold) {
    std::unique_ptr<PangoLayout, CairoDeleter> layout(pango_cairo_create_layout(cr));
    std::unique_ptr<PangoFontDescription, CairoDeleter> font(
        pango_font_description_from_string(font_family));
    pango_font_description_set_absolute_size(font.get(), size_px * PANGO_SCALE);
    pango_font_description_set_weight(font.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout.get(), font.get());
    pango_layout_set_text(layout.get(), text.c_str(), -1);
    int w = 0;
    int h = 0;
    pango_layout_get_pixel_size(layout.get(), &w, &h);
    set_colour(cr, outline_colour);
    cairo_move_to(cr, x, y - h / 2.0);
    pango_cairo_show_layout(cr, layout.get());
    return w;
}

void draw_title_strip(cairo_t* cr, const ReplayFrame& frame, int width, double height,
                      const ReplayRenderOptions& options) {
    const double s = options.text_scale;
    cairo_rectangle(cr, 0, 0, width, height);
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_fill(cr);
    cairo_move_to(cr, 0, height - 0.5);
    cairo_line_to(cr, width, height - 0.5);
    set_colour(cr, outline_colour, 0.4);
    cairo_set_line_width(cr, 1.0);
    cairo_stroke(cr);
    const double mid = height / 2.0;
    double x = 8.0 * s;
    x += draw_text(cr, jst_text(frame.time_ms), x, mid, 14.0 * s, true) + 18.0 * s;
    const bool ja = options.language == gis::MapLanguage::japanese;
    const std::array<const char*, 4> names =
        ja ? std::array<const char*, 4>{"作業中", "回送中", "停止中", "通信途絶"}
           : std::array<const char*, 4>{"working", "travelling", "stopped", "offline"};
    constexpr std::array<VehicleState, 4> states{VehicleState::working, VehicleState::travelling,
                                                 VehicleState::stopped, VehicleState::offline};
    const std::array<int, 5> counts = frame.counts();
    for (std::size_t i = 0; i < states.size(); ++i) {
        const double r = 6.0 * s;
        draw_marker(cr, states[i], std::nullopt, x + r, mid, r, s);
        x += 2.0 * r + 5.0 * s;
        x += draw_text(cr, std::string(names[i]) + " " + std::to_string(counts[i]), x, mid,
                       13.0 * s, false) +
             14.0 * s;
    }
    if (!options.followed.empty()) {
        draw_text(cr, (ja ? "追跡: " : "following: ") + options.followed, x + 6.0 * s, mid,
                  13.0 * s, false);
    }
}

using SurfacePtr = gis::CairoSurfacePtr;

/// Copies an opaque picture into the surface from row `top` down.
void copy_opaque(const gis::Image& map, cairo_surface_t* surface, int top) {
    cairo_surface_flush(surface);
    unsigned char* data = cairo_image_surface_get_data(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    const int width = cairo_image_surface_get_width(surface);
    const int height = cairo_image_surface_get_height(surface);
    // The map is opaque (its background is painted), so its pixels are premultiplied already.
    for (int y = 0; y < map.height && y + top < height; ++y) {
        std::memcpy(data + std::ptrdiff_t{y + top} * stride,
                    map.pixels.data() +
                        static_cast<std::size_t>(y) * static_cast<std::size_t>(map.width),
                    static_cast<std::size_t>(std::min(map.width, width)) * sizeof(std::uint32_t));
    }
    cairo_surface_mark_dirty(surface);
}

/// The trails, the markers (clipped to the map part below row `top`) and the title strip.
void draw_fleet_and_strip(cairo_t* cr, const ReplayFrame& frame, const gis::MapView& map_view,
                          int width, int height, int top, const ReplayRenderOptions& options) {
    const double scale = options.text_scale;
    cairo_save(cr);
    cairo_rectangle(cr, 0, top, width, height - top);
    cairo_clip(cr);
    std::int64_t trail_ms = 0;
    for (const ReplayVehicle& v : frame.vehicles) {
        if (!v.trail_times_ms.empty()) {
            trail_ms = std::max(trail_ms, frame.time_ms - v.trail_times_ms.front());
        }
    }
    std::vector<gis::TimedTrail> trails;
    for (const ReplayVehicle& v : frame.vehicles) {
        if (v.position_xy && v.trail_xy.size() >= 2) {
            trails.push_back({v.trail_xy, v.trail_times_ms});
        }
    }
    gis::draw_trails(cairo_get_target(cr), trails, map_view, top, frame.time_ms, trail_ms, scale);
    const double r = marker_radius(map_view, scale);
    // Offline vehicles first: the live ones stay on top where they crowd.
    for (int pass = 0; pass < 2; ++pass) {
        for (const ReplayVehicle& v : frame.vehicles) {
            if (!v.position_xy || (v.state == VehicleState::offline) != (pass == 0)) {
                continue;
            }
            const gis::XY p = map_view.to_pixel(*v.position_xy);
            const double cy = p.y + top;
            if (p.x < -20 || p.x > width + 20 || cy < top - 20 || cy > height + 20) {
                continue;
            }
            if (!options.followed.empty() && v.code == options.followed) {
                cairo_new_path(cr);
                cairo_arc(cr, p.x, cy, r + 5.0 * scale, 0.0, 2.0 * std::numbers::pi);
                set_colour(cr, follow_colour);
                cairo_set_line_width(cr, 2.5 * scale);
                cairo_stroke(cr);
            }
            draw_marker(cr, v.state, v.heading_deg, p.x, cy, r, scale);
        }
    }
    cairo_restore(cr);
    if (top > 0) {
        draw_title_strip(cr, frame, width, top, options);
    }
}

} // namespace

gis::Rgb replay_marker_colour(VehicleState state) {
    switch (state) {
    case VehicleState::working:
        return {0x00, 0x9E, 0x73};
    case VehicleState::travelling:
        return {0xE6, 0x9F, 0x00};
    case VehicleState::stopped:
        return {0xCC, 0x79, 0xA7};
    case VehicleState::offline:
        return {0x8C, 0x8C, 0x8C};
    case VehicleState::unknown:
        break;
    }
    return {0xA0, 0xA0, 0xA0};
}

int replay_title_strip_px(const ReplayRenderOptions& options) {
    return options.title_strip ? static_cast<int>(std::lround(32.0 * options.text_scale)) : 0;
}

gis::MapView replay_map_view(const gis::MapView& view, const ReplayRenderOptions& options) {
    const int strip = replay_title_strip_px(options);
    if (view.height_px() <= strip) {
        throw Error("a replay picture of " + std::to_string(view.width_px()) + "x" +
                    std::to_string(view.height_px()) + " pixels has no room under its title strip");
    }
    return view.resized(view.width_px(), view.height_px() - strip);
}

gis::MapStyle replay_map_style(const ReplayFrame& frame, const ReplayRenderOptions& options) {
    gis::MapStyle style;
    style.language = options.language;
    style.text_scale = options.text_scale;
    style.legend = options.legend;
    style.road_colouring = gis::RoadColouring::time_since_pass;
    style.coverage.passes = frame.coverage;
    style.coverage.now_ms = frame.time_ms;
    return style;
}

gis::Image render_replay_frame(data::Project& project, const ReplayFrame& frame,
                               const gis::MapView& view, const ReplayRenderOptions& options) {
    const gis::MapView map_view = replay_map_view(view, options);
    const gis::MapContent content =
        data::query_map_content(project, map_view, replay_map_style(frame, options));
    const gis::MapRenderer renderer;
    return render_replay_frame(renderer, content, frame, view, options);
}

gis::Image render_replay_frame(const gis::MapRenderer& renderer, const gis::MapContent& content,
                               const ReplayFrame& frame, const gis::MapView& view,
                               const ReplayRenderOptions& options) {
    const gis::MapView map_view = replay_map_view(view, options);
    const gis::Image map = renderer.render(content, map_view, replay_map_style(frame, options));
    const int top = replay_title_strip_px(options);
    SurfacePtr surface = gis::new_image_surface(view.width_px(), view.height_px());
    copy_opaque(map, surface.get(), top);
    std::unique_ptr<cairo_t, CairoDeleter> cr(cairo_create(surface.get()));
    draw_fleet_and_strip(cr.get(), frame, map_view, view.width_px(), view.height_px(), top,
                         options);
    return gis::image_from_surface(surface.get(), true);
}

// ----- ReplayCanvas -----

struct ReplayCanvas::Impl {
    gis::MapView view;
    gis::MapView map_view;
    ReplayRenderOptions options;
    int top = 0;
    gis::RoadAgeCanvas roads; ///< the map part
    SurfacePtr surface;

    Impl(const gis::MapRenderer& renderer, const gis::MapContent& content,
         const gis::MapView& picture_view, const ReplayRenderOptions& replay_options)
        : view(picture_view), map_view(replay_map_view(picture_view, replay_options)),
          options(replay_options), top(replay_title_strip_px(replay_options)),
          roads(renderer, content, map_view, replay_map_style({}, replay_options)),
          surface(gis::new_image_surface(view.width_px(), view.height_px())) {}
};

ReplayCanvas::ReplayCanvas(const gis::MapRenderer& renderer, const gis::MapContent& content,
                           const gis::MapView& view, const ReplayRenderOptions& options)
    : m_impl(std::make_unique<Impl>(renderer, content, view, options)) {}

ReplayCanvas::ReplayCanvas(data::Project& project, const gis::MapView& view,
                           const ReplayRenderOptions& options)
    : ReplayCanvas(gis::MapRenderer{},
                   data::query_map_content(project, replay_map_view(view, options),
                                           replay_map_style({}, options)),
                   view, options) {}

ReplayCanvas::~ReplayCanvas() = default;

gis::Image ReplayCanvas::draw(const ReplayFrame& frame) {
    Impl& m = *m_impl;
    cairo_surface_t* surface = m.surface.get();
    m.roads.update(replay_map_style(frame, m.options).coverage);
    std::unique_ptr<cairo_t, CairoDeleter> cr(cairo_create(surface));
    cairo_set_source_surface(cr.get(), m.roads.surface(), 0, m.top);
    cairo_set_operator(cr.get(), CAIRO_OPERATOR_SOURCE);
    cairo_rectangle(cr.get(), 0, m.top, m.map_view.width_px(), m.map_view.height_px());
    cairo_fill(cr.get());
    cairo_set_operator(cr.get(), CAIRO_OPERATOR_OVER);
    draw_fleet_and_strip(cr.get(), frame, m.map_view, m.view.width_px(), m.view.height_px(), m.top,
                         m.options);
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
        throw Error(std::string("replay: drawing failed: ") +
                    cairo_status_to_string(cairo_status(cr.get())));
    }
    return gis::image_from_surface(surface, true);
}

const std::vector<gis::DrawnDirection>& ReplayCanvas::directions() const {
    return m_impl->roads.directions();
}

} // namespace ykm::dispatch

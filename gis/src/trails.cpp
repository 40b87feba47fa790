#include "ykm/gis/trails.hpp"

#include <cairo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

namespace ykm::gis {

void draw_trails(cairo_surface_t* surface, std::span<const TimedTrail> trails, const MapView& view,
                 int top, std::int64_t now_ms, std::int64_t trail_ms, double scale) {
    cairo_surface_flush(surface);
    const int width = cairo_image_surface_get_width(surface);
    const int height = cairo_image_surface_get_height(surface) - top;
    if (width <= 0 || height <= 0) {
        return;
    }
    const double half = 1.25 * scale; // half the line width (2.5 px at scale 1)
    const double reach = half + 1.0;
    const double outer2 = (half + 0.5) * (half + 0.5); // beyond: no coverage
    // The most opacity (in 255ths) of any trail at each pixel, and the rows and columns touched.
    // Kept between frames (and zeroed again as it is composited), so that a frame does not pay
    // for a fresh buffer's pages.
    thread_local std::vector<std::uint8_t> opacity;
    opacity.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 0);
    int x_min = width;
    int x_max = -1;
    int y_min = height;
    int y_max = -1;
    const auto cover = [&](XY a, XY b, double alpha) {
        const int x0 = std::max(0, static_cast<int>(std::floor(std::min(a.x, b.x) - reach)));
        const int x1 = std::min(width - 1, static_cast<int>(std::ceil(std::max(a.x, b.x) + reach)));
        const int y0 = std::max(0, static_cast<int>(std::floor(std::min(a.y, b.y) - reach)));
        const int y1 =
            std::min(height - 1, static_cast<int>(std::ceil(std::max(a.y, b.y) + reach)));
        if (x0 > x1 || y0 > y1) {
            return;
        }
        x_min = std::min(x_min, x0);
        x_max = std::max(x_max, x1);
        y_min = std::min(y_min, y0);
        y_max = std::max(y_max, y1);
        const double dx = b.x - a.x;
        const double dy = b.y - a.y;
        const double length2 = dx * dx + dy * dy;
        for (int y = y0; y <= y1; ++y) {
            const double py = y + 0.5 - a.y;
            std::uint8_t* row =
                opacity.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(width);
            for (int x = x0; x <= x1; ++x) {
                const double px = x + 0.5 - a.x;
                const double t =
                    length2 > 0.0 ? std::clamp((px * dx + py * dy) / length2, 0.0, 1.0) : 0.0;
                const double ex = px - t * dx;
                const double ey = py - t * dy;
                const double d2 = ex * ex + ey * ey;
                if (d2 >= outer2) {
                    continue;
                }
                const double coverage = std::min(1.0, half + 0.5 - std::sqrt(d2));
                const auto value = static_cast<std::uint8_t>(alpha * coverage * 255.0 + 0.5);
                row[x] = std::max(row[x], value);
            }
        }
    };
    // Pieces of at most this many pixels, so that a long diagonal segment costs its length, not
    // its bounding box.
    constexpr double piece_px = 16.0;
    const auto outside = [&](const XY& a, const XY& b) {
        return (a.x < -reach && b.x < -reach) || (a.x > width + reach && b.x > width + reach) ||
               (a.y < -reach && b.y < -reach) || (a.y > height + reach && b.y > height + reach);
    };
    for (const TimedTrail& trail : trails) {
        if (trail.points.size() < 2 || trail.times_ms.size() != trail.points.size()) {
            continue;
        }
        XY a = view.to_pixel(trail.points.front());
        for (std::size_t i = 1; i < trail.points.size(); ++i) {
            const XY b = view.to_pixel(trail.points[i]);
            if (!outside(a, b)) {
                const double age = static_cast<double>(now_ms - trail.times_ms[i]);
                const double fresh =
                    trail_ms > 0 ? std::clamp(1.0 - age / static_cast<double>(trail_ms), 0.0, 1.0)
                                 : 1.0;
                const double alpha = 0.1 + 0.7 * fresh;
                const double length = std::hypot(b.x - a.x, b.y - a.y);
                const int pieces = std::max(1, static_cast<int>(std::ceil(length / piece_px)));
                XY from = a;
                for (int k = 1; k <= pieces; ++k) {
                    const double f = static_cast<double>(k) / pieces;
                    const XY to{a.x + f * (b.x - a.x), a.y + f * (b.y - a.y)};
                    cover(from, to, alpha);
                    from = to;
                }
            }
            a = b;
        }
    }
    if (x_max < x_min) {
        return;
    }
    // Dark, so that it reads over every pass-age colour of the roads. The picture's pixels are
    // premultiplied: each channel becomes colour * alpha + channel * (1 - alpha).
    unsigned char* data = cairo_image_surface_get_data(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    // Blue, green, red, alpha: the byte order of a native-endian ARGB32 pixel.
    const std::array<std::uint32_t, 4> target{trail_colour.blue, trail_colour.green,
                                              trail_colour.red, 0xFF};
    for (int y = y_min; y <= y_max; ++y) {
        auto* pixels = reinterpret_cast<std::uint32_t*>(data + std::ptrdiff_t{y + top} * stride);
        std::uint8_t* row =
            opacity.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(width);
        for (int x = x_min; x <= x_max; ++x) {
            if (row[x] == 0) {
                continue;
            }
            // In 1/256ths: channel * (256 - a) + target * a, rounded.
            const std::uint32_t a = row[x] + (row[x] >> 7U);
            row[x] = 0;
            const std::uint32_t p = pixels[x];
            std::uint32_t out = 0;
            for (std::size_t c = 0; c < 4; ++c) {
                const std::uint32_t shift = 8 * static_cast<std::uint32_t>(c);
                const std::uint32_t channel = (p >> shift) & 0xFFU;
                out |= ((channel * (256 - a) + target[c] * a + 128) >> 8) << shift;
            }
            pixels[x] = out;
        }
    }
    cairo_surface_mark_dirty(surface);
}

} // namespace ykm::gis

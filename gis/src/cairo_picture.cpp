#include "ykm/gis/cairo_picture.hpp"

#include "ykm/gis/error.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace ykm::gis {

CairoSurfacePtr new_image_surface(int width, int height) {
    CairoSurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
        throw Error("cannot allocate a picture of " + std::to_string(width) + "x" +
                    std::to_string(height) + " pixels");
    }
    return surface;
}

// Cairo image data is premultiplied ARGB in native-endian 32-bit words.
// Opaque premultiplied pixels are already 0xAARRGGBB.
Image image_from_surface(cairo_surface_t* surface, bool opaque) {
    cairo_surface_flush(surface);
    Image image;
    image.width = cairo_image_surface_get_width(surface);
    image.height = cairo_image_surface_get_height(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    const unsigned char* data = cairo_image_surface_get_data(surface);
    const auto width = static_cast<std::size_t>(image.width);
    if (opaque) {
        // Row by row into reserved room: no pass zeroing the picture first.
        image.pixels.reserve(width * static_cast<std::size_t>(image.height));
        for (int y = 0; y < image.height; ++y) {
            const auto* row =
                reinterpret_cast<const std::uint32_t*>(data + std::ptrdiff_t{y} * stride);
            image.pixels.insert(image.pixels.end(), row, row + width);
        }
        return image;
    }
    image.pixels.resize(width * static_cast<std::size_t>(image.height));
    std::uint32_t* out = image.pixels.data();
    for (int y = 0; y < image.height; ++y) {
        const auto* row = reinterpret_cast<const std::uint32_t*>(data + std::ptrdiff_t{y} * stride);
        for (int x = 0; x < image.width; ++x) {
            const std::uint32_t p = row[x];
            const std::uint32_t a = p >> 24;
            if (a == 255 || a == 0) {
                *out++ = a == 0 ? 0 : p;
                continue;
            }
            const auto unpremultiply = [a](std::uint32_t c) { return (c * 255 + a / 2) / a; };
            *out++ = (a << 24) | (unpremultiply((p >> 16) & 0xFF) << 16) |
                     (unpremultiply((p >> 8) & 0xFF) << 8) | unpremultiply(p & 0xFF);
        }
    }
    return image;
}

CairoSurfacePtr surface_from_image(const Image& image) {
    if (image.pixels.size() <
        static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height)) {
        throw Error("picture of " + std::to_string(image.width) + "x" +
                    std::to_string(image.height) + " pixels holds only " +
                    std::to_string(image.pixels.size()) + " pixels");
    }
    CairoSurfacePtr surface =
        new_image_surface(std::max(image.width, 1), std::max(image.height, 1));
    cairo_surface_flush(surface.get());
    const int stride = cairo_image_surface_get_stride(surface.get());
    unsigned char* data = cairo_image_surface_get_data(surface.get());
    const std::uint32_t* in = image.pixels.data();
    for (int y = 0; y < image.height; ++y) {
        auto* row = reinterpret_cast<std::uint32_t*>(data + std::ptrdiff_t{y} * stride);
        for (int x = 0; x < image.width; ++x) {
            const std::uint32_t p = *in++;
            const std::uint32_t a = p >> 24;
            if (a == 255 || a == 0) {
                row[x] = a == 0 ? 0 : p;
                continue;
            }
            const auto premultiply = [a](std::uint32_t c) { return (c * a + 127) / 255; };
            row[x] = (a << 24) | (premultiply((p >> 16) & 0xFF) << 16) |
                     (premultiply((p >> 8) & 0xFF) << 8) | premultiply(p & 0xFF);
        }
    }
    cairo_surface_mark_dirty(surface.get());
    return surface;
}

} // namespace ykm::gis

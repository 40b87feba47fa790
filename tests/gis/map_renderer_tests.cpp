#include "ykm/gis/error.hpp"
#include "ykm/gis/map_renderer.hpp"

#include <boost/test/unit_test.hpp>

#include <cairo.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <unistd.h>

using namespace ykm::gis;

namespace {

// Views in JGD2011 zone X (EPSG:6678) coordinates, near the demo town's centre.
constexpr XY centre{-15000.0, 69000.0};

// A 400x300 view at 1 m/px: map point (x, y) falls on pixel (x + 15200, 69150 - y).
MapView test_view(double metres_per_pixel = 1.0) {
    return MapView(centre, metres_per_pixel, 400, 300);
}

MapRoad road(std::int64_t id, PriorityClass priority, Polyline points, std::string name = {}) {
    MapRoad r;
    r.id = id;
    r.priority = priority;
    r.name = std::move(name);
    r.points = std::move(points);
    return r;
}

// Lines run along pixel centres (half-metre offsets at 1 m/px), so the stroke centre covers
// whole pixels and antialiasing does not touch the sampled pixel.
MapContent crossing_roads() {
    MapContent content;
    // Class 1 east-west through the middle of the picture: pixel row 100.
    content.roads.push_back(
        road(1, PriorityClass::first, {{-15150.5, 69049.5}, {-14850.5, 69049.5}}, "国道7号"));
    // Class 3 north-south, crossing it: pixel column 300.
    content.roads.push_back(
        road(2, PriorityClass::third, {{-14899.5, 69140.0}, {-14899.5, 68860.0}}, "桜通り"));
    // Unclassified east-west: pixel row 250.
    content.roads.push_back(
        road(3, PriorityClass::none, {{-15150.5, 68899.5}, {-14950.5, 68899.5}}));
    return content;
}

MapStyle plain_style() {
    MapStyle style;
    style.scale_bar = false;
    style.north_arrow = false;
    style.legend = false;
    style.street_labels_below_m_per_px = 0.0; // labels would cover the sampled road pixels
    return style;
}

Rgb pixel_at(const Image& image, const MapView& view, XY map) {
    const XY p = view.to_pixel(map);
    return image.rgb_at(static_cast<int>(std::floor(p.x)), static_cast<int>(std::floor(p.y)));
}

bool near(Rgb a, Rgb b, int tolerance = 2) {
    return std::abs(a.red - b.red) <= tolerance && std::abs(a.green - b.green) <= tolerance &&
           std::abs(a.blue - b.blue) <= tolerance;
}

std::string hex(Rgb c) {
    char text[8];
    std::snprintf(text, sizeof text, "#%02X%02X%02X", c.red, c.green, c.blue);
    return text;
}

constexpr std::uint32_t opaque(Rgb c) {
    return 0xFF000000U | (std::uint32_t{c.red} << 16) | (std::uint32_t{c.green} << 8) | c.blue;
}

// Pixels in [x0, x1) x [y0, y1) that are not `colour` (give or take antialiasing noise).
int pixels_unlike(const Image& image, Rgb colour, int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
            n += near(image.rgb_at(x, y), colour, 3) ? 0 : 1;
        }
    }
    return n;
}

std::filesystem::path temp_path(const std::string& name) {
    return std::filesystem::temp_directory_path() /
           ("ykm_render_" + std::to_string(::getpid()) + "_" + name);
}

std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// CIE L*a*b* (D65) of an sRGB colour, for colour differences.
std::array<double, 3> lab(Rgb c) {
    const auto lin = [](std::uint8_t v) {
        const double s = v / 255.0;
        return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
    };
    const double r = lin(c.red);
    const double g = lin(c.green);
    const double b = lin(c.blue);
    const double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    const double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    const auto f = [](double t) {
        constexpr double d = 6.0 / 29.0;
        return t > d * d * d ? std::cbrt(t) : t / (3 * d * d) + 4.0 / 29.0;
    };
    return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}

double delta_e76(Rgb a, Rgb b) {
    const auto la = lab(a);
    const auto lb = lab(b);
    return std::hypot(la[0] - lb[0], la[1] - lb[1], la[2] - lb[2]);
}

} // namespace

BOOST_AUTO_TEST_SUITE(map_renderer_tests)

BOOST_AUTO_TEST_CASE(palette_moves_the_class_values_of_the_old_window) {
    BOOST_TEST((priority_colour(PriorityClass::first) == Rgb{0xD5, 0x5E, 0x00}));
    BOOST_TEST((priority_colour(PriorityClass::second) == Rgb{0x00, 0x72, 0xB2}));
    BOOST_TEST((priority_colour(PriorityClass::third) == Rgb{0x00, 0x9E, 0x73}));
    BOOST_TEST((priority_colour(PriorityClass::none) == Rgb{0x8F, 0xA3, 0xBF}));
    BOOST_TEST(priority_line_width_px(PriorityClass::first) == 5.0);
    BOOST_TEST(priority_line_width_px(PriorityClass::second) == 4.0);
    BOOST_TEST(priority_line_width_px(PriorityClass::third) == 2.0);
    BOOST_TEST(priority_line_width_px(PriorityClass::none) == 1.0);
}

BOOST_AUTO_TEST_CASE(deuteranopia_simulation_matches_machado) {
    // Greys stay grey: each row of the matrix sums to 1.
    BOOST_TEST((simulate_deuteranopia({0x99, 0x99, 0x99}) == Rgb{0x99, 0x99, 0x99}));
    // Pure red in linear RGB becomes the matrix's first column, (0.367322, 0.280085, -0.011820),
    // which is sRGB (163, 144, 0) after clamping.
    BOOST_TEST((simulate_deuteranopia({255, 0, 0}) == Rgb{163, 144, 0}));
    // The vermilion of class 1 turns olive.
    BOOST_TEST((simulate_deuteranopia({0xD5, 0x5E, 0x00}) == Rgb{158, 140, 0}));
}

BOOST_AUTO_TEST_CASE(class_colours_stay_apart_for_deuteranopes) {
    // Threshold: ΔE*ab 2.3 is the just-noticeable difference for large patches side by side;
    // for marks a few pixels wide the noticeable difference grows several times (Stone, Szafir
    // and Setlur 2014, "An engineering model for color difference as a function of size"), and
    // a dispatcher must tell classes apart at a glance, not side by side. 20 asks for about
    // ten large-patch steps between any two classes, and between a class and the background.
    constexpr double threshold = 20.0;
    const std::array<Rgb, 5> colours{priority_colour(PriorityClass::first),
                                     priority_colour(PriorityClass::second),
                                     priority_colour(PriorityClass::third),
                                     priority_colour(PriorityClass::none), map_background};
    for (std::size_t i = 0; i < colours.size(); ++i) {
        for (std::size_t j = i + 1; j < colours.size(); ++j) {
            const Rgb a = simulate_deuteranopia(colours[i]);
            const Rgb b = simulate_deuteranopia(colours[j]);
            BOOST_TEST(delta_e76(a, b) > threshold,
                       hex(colours[i]) << " vs " << hex(colours[j]) << " as " << hex(a) << " vs "
                                       << hex(b) << ": ΔE " << delta_e76(a, b));
            BOOST_TEST(delta_e76(colours[i], colours[j]) > threshold);
        }
    }
}

BOOST_AUTO_TEST_CASE(road_pixels_have_their_class_colour) {
    MapRenderer renderer;
    const MapView view = test_view();
    const Image image = renderer.render(crossing_roads(), view, plain_style());
    BOOST_TEST(image.width == 400);
    BOOST_TEST(image.height == 300);
    const Rgb class1 = pixel_at(image, view, {-15000.5, 69049.5});
    BOOST_TEST(near(class1, priority_colour(PriorityClass::first)), hex(class1));
    const Rgb class3 = pixel_at(image, view, {-14899.5, 69000.5});
    BOOST_TEST(near(class3, priority_colour(PriorityClass::third)), hex(class3));
    const Rgb none = pixel_at(image, view, {-15050.5, 68899.5});
    BOOST_TEST(near(none, priority_colour(PriorityClass::none)), hex(none));
    // Class 1 lies on top where it crosses class 3.
    const Rgb crossing = pixel_at(image, view, {-14899.5, 69049.5});
    BOOST_TEST(near(crossing, priority_colour(PriorityClass::first)), hex(crossing));
    // Four pixels off the class 1 centre line (half width 2.5 px): background.
    BOOST_TEST(image.at(200, 104) == opaque(map_background));
}

BOOST_AUTO_TEST_CASE(an_empty_area_draws_only_background) {
    MapRenderer renderer;
    const MapView far_away(XY{-5000.0, 80000.0}, 1.0, 400, 300);
    const Image image = renderer.render(crossing_roads(), far_away, plain_style());
    std::size_t other = 0;
    for (std::uint32_t p : image.pixels) {
        other += p == opaque(map_background) ? 0 : 1;
    }
    BOOST_TEST(image.pixels.size() == 400U * 300U);
    BOOST_TEST(other == 0U);
}

BOOST_AUTO_TEST_CASE(hidden_roads_leave_no_road_colour) {
    MapRenderer renderer;
    MapStyle style = plain_style();
    style.roads.visible = false;
    const Image image = renderer.render(crossing_roads(), test_view(), style);
    std::size_t other = 0;
    for (std::uint32_t p : image.pixels) {
        other += p == opaque(map_background) ? 0 : 1;
    }
    BOOST_TEST(other == 0U);
}

BOOST_AUTO_TEST_CASE(half_opacity_blends_with_the_background) {
    MapRenderer renderer;
    MapStyle style = plain_style();
    style.roads.opacity = 0.5;
    const MapView view = test_view();
    const Image image = renderer.render(crossing_roads(), view, style);
    // (0xD5 + 0xF7) / 2, (0x5E + 0xF9) / 2, (0x00 + 0xFB) / 2
    const Rgb blended = pixel_at(image, view, {-15000.5, 69049.5});
    BOOST_TEST(near(blended, Rgb{230, 171, 125}, 2), hex(blended));
}

BOOST_AUTO_TEST_CASE(highlighted_road_gets_a_bright_outline) {
    MapRenderer renderer;
    MapStyle style = plain_style();
    style.highlighted_roads = {1};
    const MapView view = test_view();
    const Image image = renderer.render(crossing_roads(), view, style);
    // The road keeps its colour; 4 px off its centre line, inside the 13 px outline, the
    // highlight shows.
    BOOST_TEST(near(image.rgb_at(200, 100), priority_colour(PriorityClass::first)));
    BOOST_TEST(near(image.rgb_at(200, 104), highlight_colour), hex(image.rgb_at(200, 104)));
    BOOST_TEST(near(image.rgb_at(200, 96), highlight_colour));
    // The unhighlighted class 3 road has none.
    BOOST_TEST(near(image.rgb_at(304, 200), map_background), hex(image.rgb_at(304, 200)));
}

BOOST_AUTO_TEST_CASE(layer_order_puts_depots_over_roads) {
    MapRenderer renderer;
    MapContent content = crossing_roads();
    // A depot and a dump site on the class 1 road, at pixel centres.
    content.depots.push_back(MapPoint{1, "第1除雪基地", {-15100.5, 69049.5}, std::nullopt});
    content.dump_sites.push_back(MapPoint{1, "雪堆積場A", {-14950.5, 69049.5}, 5000.0});
    const MapView view = test_view();
    const Image image = renderer.render(content, view, plain_style());
    BOOST_TEST(near(pixel_at(image, view, {-15100.5, 69049.5}), Rgb{0x33, 0x33, 0x33}));
    BOOST_TEST(near(pixel_at(image, view, {-14950.5, 69049.5}), Rgb{0xBF, 0xE3, 0xF7}));
    MapStyle style = plain_style();
    style.depots.visible = false;
    const Image without = renderer.render(content, view, style);
    BOOST_TEST(
        near(pixel_at(without, view, {-15100.5, 69049.5}), priority_colour(PriorityClass::first)));
}

BOOST_AUTO_TEST_CASE(district_is_filled_and_labelled_in_japanese) {
    MapRenderer renderer;
    MapContent content;
    MapArea district;
    district.id = 4;
    district.name = "中央工区";
    district.rings.push_back({{-15150.0, 68900.0},
                              {-14850.0, 68900.0},
                              {-14850.0, 69100.0},
                              {-15150.0, 69100.0},
                              {-15150.0, 68900.0}});
    content.districts.push_back(district);
    const MapView view = test_view();
    const Image labelled = renderer.render(content, view, plain_style());
    // The fill: a pale tint, neither background nor outline, away from the label.
    const Rgb fill = labelled.rgb_at(80, 80);
    BOOST_TEST(!near(fill, map_background));
    BOOST_TEST(std::abs(fill.red - map_background.red) < 60);
    // The label sits at the centroid, pixel (200, 150): glyph pixels in a 60x16 box around it.
    const int glyphs = pixels_unlike(labelled, fill, 170, 142, 230, 158);
    BOOST_TEST(glyphs > 100);
    content.districts[0].name.clear();
    const Image unlabelled = renderer.render(content, view, plain_style());
    BOOST_TEST(pixels_unlike(unlabelled, fill, 170, 142, 230, 158) == 0);
}

BOOST_AUTO_TEST_CASE(street_names_appear_only_at_large_scales) {
    MapRenderer renderer;
    MapContent content;
    // A class 3 street through the centre, 400 m long, at pixel row 150.
    content.roads.push_back(
        road(7, PriorityClass::third, {{-15200.0, 69000.0}, {-14800.0, 69000.0}}, "桜通り"));
    MapStyle style = plain_style();
    style.street_labels_below_m_per_px = 2.0;
    const MapView detailed = test_view(0.5);
    const Image near_image = renderer.render(content, detailed, style);
    // The 2 px stroke covers rows 149-150; the 11 px label reaches rows 143-148 and 151-156.
    const int label = pixels_unlike(near_image, map_background, 150, 142, 250, 148);
    BOOST_TEST(label > 20);
    const MapView overview = test_view(2.5);
    const Image far_image = renderer.render(content, overview, style);
    BOOST_TEST(pixels_unlike(far_image, map_background, 150, 142, 250, 148) == 0);
}

BOOST_AUTO_TEST_CASE(scale_bar_north_arrow_and_legend_draw_in_their_corners) {
    MapRenderer renderer;
    const MapView far_away(XY{-5000.0, 80000.0}, 1.0, 400, 300);
    MapStyle style = plain_style();
    style.scale_bar = true;
    const Image bar = renderer.render(MapContent{}, far_away, style);
    BOOST_TEST(pixels_unlike(bar, map_background, 0, 250, 150, 300) > 100);
    BOOST_TEST(pixels_unlike(bar, map_background, 250, 0, 400, 60) == 0);
    style.scale_bar = false;
    style.north_arrow = true;
    const Image arrow = renderer.render(MapContent{}, far_away, style);
    BOOST_TEST(pixels_unlike(arrow, map_background, 340, 0, 400, 80) > 100);
    BOOST_TEST(pixels_unlike(arrow, map_background, 0, 250, 150, 300) == 0);
    style.north_arrow = false;
    style.legend = true;
    const Image legend = renderer.render(MapContent{}, far_away, style);
    // The legend's class 1 sample line.
    int class1 = 0;
    for (int y = 150; y < 300; ++y) {
        for (int x = 250; x < 400; ++x) {
            class1 += legend.rgb_at(x, y) == priority_colour(PriorityClass::first) ? 1 : 0;
        }
    }
    BOOST_TEST(class1 > 40);
}

BOOST_AUTO_TEST_CASE(basemap_is_drawn_under_the_roads_with_its_opacity) {
    MapRenderer renderer;
    Image basemap{400, 300, std::vector<std::uint32_t>(400 * 300, 0xFF102030U)};
    // The left half has no tiles: transparent.
    for (int y = 0; y < 300; ++y) {
        for (int x = 0; x < 200; ++x) {
            basemap.pixels[static_cast<std::size_t>(y * 400 + x)] = 0;
        }
    }
    const MapView view = test_view();
    MapStyle style = plain_style();
    const Image full = renderer.render(crossing_roads(), view, style, &basemap);
    BOOST_TEST(full.at(390, 10) == 0xFF102030U);
    BOOST_TEST(full.at(10, 10) == opaque(map_background));
    BOOST_TEST(
        near(pixel_at(full, view, {-14899.5, 69000.5}), priority_colour(PriorityClass::third)));
    style.basemap.opacity = 0.5;
    const Image half = renderer.render(crossing_roads(), view, style, &basemap);
    // (0x10 + 0xF7) / 2, (0x20 + 0xF9) / 2, (0x30 + 0xFB) / 2
    BOOST_TEST(near(half.rgb_at(390, 10), Rgb{132, 140, 149}, 2), hex(half.rgb_at(390, 10)));
}

BOOST_AUTO_TEST_CASE(writes_a_png_that_cairo_reads_back) {
    MapRenderer renderer;
    const Image image = renderer.render(crossing_roads(), test_view(), MapStyle{});
    const auto file = temp_path("map.png");
    MapRenderer::write_png(image, file);
    cairo_surface_t* png = cairo_image_surface_create_from_png(file.c_str());
    BOOST_REQUIRE(cairo_surface_status(png) == CAIRO_STATUS_SUCCESS);
    BOOST_TEST(cairo_image_surface_get_width(png) == 400);
    BOOST_TEST(cairo_image_surface_get_height(png) == 300);
    // Opaque pixels round-trip exactly.
    const auto* data = cairo_image_surface_get_data(png);
    const int stride = cairo_image_surface_get_stride(png);
    const auto row = [&](int y) {
        return reinterpret_cast<const std::uint32_t*>(data +
                                                      static_cast<std::ptrdiff_t>(y) * stride);
    };
    BOOST_TEST(row(100)[200] == image.at(200, 100));
    BOOST_TEST(row(5)[5] == image.at(5, 5));
    cairo_surface_destroy(png);
    std::filesystem::remove(file);
}

BOOST_AUTO_TEST_CASE(write_png_names_the_file_it_cannot_write) {
    const Image image{2, 2, std::vector<std::uint32_t>(4, 0xFFFFFFFFU)};
    const std::filesystem::path file = temp_path("no-such-folder") / "map.png";
    try {
        MapRenderer::write_png(image, file);
        BOOST_FAIL("no exception");
    } catch (const ykm::Error& e) {
        BOOST_TEST(std::string(e.what()).find(file.string()) != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_CASE(writes_a_pdf_sheet_with_its_title) {
    MapRenderer renderer;
    const auto file = temp_path("sheet.pdf");
    MapRenderer::SheetOptions sheet{"Snow routes 2026", "2026-11-22",
                                    "© OpenStreetMap contributors",
                                    "JGD2011 / Japan Plane Rectangular CS X"};
    renderer.write_pdf_sheet(crossing_roads(), test_view(), MapStyle{}, sheet, file);
    const std::string pdf = read_file(file);
    BOOST_TEST(pdf.substr(0, 5) == "%PDF-");
    // The document information carries the title as an ASCII PDF string.
    BOOST_TEST(pdf.find("(Snow routes 2026)") != std::string::npos);
    BOOST_TEST(pdf.find("%%EOF") != std::string::npos);
    // A4 landscape.
    BOOST_TEST(pdf.find("/MediaBox [ 0 0 842 595 ]") != std::string::npos);
    std::filesystem::remove(file);
    BOOST_CHECK_THROW(renderer.write_pdf_sheet(crossing_roads(), test_view(), MapStyle{}, sheet,
                                               temp_path("no-such-folder") / "sheet.pdf"),
                      ykm::Error);
}

BOOST_AUTO_TEST_CASE(renders_the_sheet_for_a_printer_page) {
    MapRenderer renderer;
    const MapRenderer::SheetOptions sheet{"Snow routes 2026", "2026-11-22", "", ""};
    // A4 landscape at 1.5 px per point: 1263 x 893 pixels, the page fills the paper.
    const Image page =
        renderer.render_sheet(crossing_roads(), test_view(), MapStyle{}, sheet, 1263, 893);
    BOOST_TEST(page.width == 1263);
    BOOST_TEST(page.height == 893);
    // Paper white at the corner; the title (18 pt, bold, from 28 pt) puts dark pixels in its
    // band; the map frame holds class-1 road pixels.
    BOOST_CHECK(page.rgb_at(2, 2) == (Rgb{0xFF, 0xFF, 0xFF}));
    int title_ink = 0;
    for (int y = 30; y < 66; ++y) {
        for (int x = 42; x < 400; ++x) {
            const Rgb c = page.rgb_at(x, y);
            title_ink += (c.red < 128 && c.green < 128 && c.blue < 128) ? 1 : 0;
        }
    }
    BOOST_TEST(title_ink > 200);
    int class1 = 0;
    for (int y = 111; y < 860; ++y) {
        for (int x = 42; x < 1221; ++x) {
            class1 += page.rgb_at(x, y) == priority_colour(PriorityClass::first) ? 1 : 0;
        }
    }
    BOOST_TEST(class1 > 100);
    BOOST_CHECK_THROW(
        (void)renderer.render_sheet(crossing_roads(), test_view(), MapStyle{}, sheet, 0, 10),
        ykm::Error);
}

BOOST_AUTO_TEST_CASE(tall_views_print_in_portrait) {
    MapRenderer renderer;
    const auto file = temp_path("tall.pdf");
    renderer.write_pdf_sheet(crossing_roads(), MapView(centre, 1.0, 300, 400), MapStyle{},
                             MapRenderer::SheetOptions{"Tall", "", "", ""}, file);
    BOOST_TEST(read_file(file).find("/MediaBox [ 0 0 595 842 ]") != std::string::npos);
    std::filesystem::remove(file);
}

// A 10,000-segment town: a 100 x 50 grid of 120 m blocks, every tenth street class 1, every
// fifth class 2, the rest class 3, every street named. Logs the render time of a full view and
// of a street-level view at 1920x1080 (speed is measured in bench/, not asserted here).
BOOST_AUTO_TEST_CASE(renders_a_ten_thousand_segment_town) {
    MapContent content;
    std::int64_t id = 0;
    const double block = 120.0;
    const XY origin{-21000.0, 66000.0};
    const auto priority_of = [](int i) {
        return i % 10 == 0 ? PriorityClass::first
                           : (i % 5 == 0 ? PriorityClass::second : PriorityClass::third);
    };
    // Segments numbered along each street, as imports number them.
    for (int row = 0; row < 50; ++row) {
        for (int col = 0; col < 100; ++col) {
            const XY a{origin.x + col * block, origin.y + row * block};
            content.roads.push_back(road(++id, priority_of(row),
                                         {a, {a.x + 60.0, a.y + 1.0}, {a.x + block, a.y}},
                                         "東" + std::to_string(row) + "条通"));
        }
    }
    for (int col = 0; col < 100; ++col) {
        for (int row = 0; row < 50; ++row) {
            const XY a{origin.x + col * block, origin.y + row * block};
            content.roads.push_back(road(++id, priority_of(col),
                                         {a, {a.x + 1.0, a.y + 60.0}, {a.x, a.y + block}},
                                         "北" + std::to_string(col) + "丁目線"));
        }
    }
    BOOST_TEST(content.roads.size() == 10000U);
    MapRenderer renderer;
    MapStyle style;
    style.legend = true;
    const Box extent{origin.x, origin.y, origin.x + 100 * block, origin.y + 50 * block};
    const MapView full = MapView::fit(extent, 1920, 1080);
    (void)renderer.render(content, full, style); // warms up fontconfig
    const auto t0 = std::chrono::steady_clock::now();
    const Image image = renderer.render(content, full, style);
    const auto t1 = std::chrono::steady_clock::now();
    const MapView street = full.at_scale(5000.0);
    const Image detail = renderer.render(content, street, style);
    const auto t2 = std::chrono::steady_clock::now();
    using ms = std::chrono::duration<double, std::milli>;
    BOOST_TEST_MESSAGE("10,000 segments at 1920x1080: full view "
                       << ms(t1 - t0).count() << " ms, 1:5000 with street names "
                       << ms(t2 - t1).count() << " ms");
    // Row 20 is class 1; a pixel on it between two crossings has its colour.
    const XY on_class1{origin.x + 50 * block + 100.0, origin.y + 20 * block + 1.0 / 3.0};
    BOOST_TEST(near(pixel_at(detail, street, on_class1), priority_colour(PriorityClass::first)));
    BOOST_TEST(image.width == 1920);
}

// ----- roads coloured by the time since the last pass -----

constexpr std::int64_t hour_ms = 3'600'000;
constexpr std::int64_t now_ms = 1'795'000'000'000; // 2026-11-18, any fixed time

// A two-way class 2 road east-west along pixel row 100 (id 11) and a one-way class 2 road
// north-south along pixel column 300, geometry running south (id 12).
MapContent directed_roads() {
    MapContent content;
    content.roads.push_back(
        road(11, PriorityClass::second, {{-15150.5, 69049.5}, {-14950.5, 69049.5}}));
    MapRoad oneway = road(12, PriorityClass::second, {{-14899.5, 69140.0}, {-14899.5, 68860.0}});
    oneway.oneway = true;
    content.roads.push_back(oneway);
    return content;
}

MapStyle coverage_style(std::shared_ptr<const PassTimes> passes) {
    MapStyle style = plain_style();
    style.road_colouring = RoadColouring::time_since_pass;
    style.coverage.passes = std::move(passes);
    style.coverage.now_ms = now_ms;
    return style;
}

// Pixels of `colour` in row y, x0 <= x < x1.
int count_in_row(const Image& image, Rgb colour, int y, int x0, int x1) {
    int n = 0;
    for (int x = x0; x < x1; ++x) {
        n += near(image.rgb_at(x, y), colour, 2) ? 1 : 0;
    }
    return n;
}

BOOST_AUTO_TEST_CASE(pass_age_classes_follow_the_limits) {
    CoverageColouring coverage;
    coverage.now_ms = now_ms;
    BOOST_TEST((pass_age(coverage, std::nullopt) == PassAge::never));
    BOOST_TEST((pass_age(coverage, now_ms) == PassAge::under_1h));
    BOOST_TEST((pass_age(coverage, now_ms + 5'000) == PassAge::under_1h));
    BOOST_TEST((pass_age(coverage, now_ms - hour_ms + 1) == PassAge::under_1h));
    BOOST_TEST((pass_age(coverage, now_ms - hour_ms) == PassAge::under_3h));
    BOOST_TEST((pass_age(coverage, now_ms - 3 * hour_ms + 1) == PassAge::under_3h));
    BOOST_TEST((pass_age(coverage, now_ms - 3 * hour_ms) == PassAge::under_6h));
    BOOST_TEST((pass_age(coverage, now_ms - 6 * hour_ms) == PassAge::older));
    BOOST_TEST((pass_age(coverage, 0) == PassAge::older));
}

BOOST_AUTO_TEST_CASE(pass_times_keep_each_direction_and_the_latest_pass) {
    PassTimes passes;
    passes.set(5, true, 1000);
    passes.set(5, true, 500);
    passes.set(5, false, 2000);
    BOOST_TEST(passes.size() == 2U);
    BOOST_TEST(passes.last_pass_ms(5, true).value() == 1000);
    BOOST_TEST(passes.last_pass_ms(5, false).value() == 2000);
    BOOST_TEST(!passes.last_pass_ms(6, true).has_value());
}

BOOST_AUTO_TEST_CASE(pass_times_hold_dense_sparse_and_negative_ids_alike) {
    // Row ids from 1 (the vector), far ids and negative ones (the map), a far id first and the
    // vector growing over it later: every direction answers as a plain map of the same passes.
    std::map<std::pair<std::int64_t, bool>, std::int64_t> expected;
    PassTimes passes;
    const auto put = [&](std::int64_t id, bool forward, std::int64_t time_ms) {
        passes.set(id, forward, time_ms);
        auto [it, inserted] = expected.try_emplace({id, forward}, time_ms);
        it->second = std::max(it->second, time_ms);
    };
    put(40'000, true, 7);                 // far beyond the vector at first
    put(-3, false, 11);                   // negative: never in the vector
    put(std::int64_t{1} << 40, true, 13); // too far for any vector
    for (std::int64_t id = 1; id <= 30'000; ++id) {
        put(id, id % 3 != 0, 1000 + id);
    }
    put(40'000, true, 5); // earlier: the later pass stays
    put(40'000, false, 9);
    put(17, true, 999); // earlier than its pass at 1017
    BOOST_TEST(passes.size() == expected.size());
    for (const auto& [key, time_ms] : expected) {
        BOOST_TEST(passes.last_pass_ms(key.first, key.second).value() == time_ms);
    }
    BOOST_TEST(!passes.last_pass_ms(30'001, true).has_value());
    BOOST_TEST(!passes.last_pass_ms(3, true).has_value()); // id 3 went backward only
    BOOST_TEST(!passes.last_pass_ms(-3, true).has_value());
    BOOST_TEST(!passes.last_pass_ms(0, false).has_value());
    // Layered over them, counting theirs after 20'000: the same through either store.
    PassTimes over(std::make_shared<const PassTimes>(passes), 20'000);
    BOOST_TEST(over.last_pass_ms(20'000, true).value() == 21'000);
    BOOST_TEST(!over.last_pass_ms(19'000, true).has_value());
    BOOST_TEST(!over.last_pass_ms(40'000, true).has_value());
    BOOST_TEST(over.size() == 30'000U - 19'000U);
}

BOOST_AUTO_TEST_CASE(pass_times_over_others_take_the_later_pass_and_theirs_after_the_start) {
    auto oldest = std::make_shared<PassTimes>();
    oldest->set(1, true, 100);
    oldest->set(2, true, 300);
    oldest->set(3, false, 200);
    auto hours = std::make_shared<PassTimes>(oldest, std::numeric_limits<std::int64_t>::min());
    hours->set(2, true, 1000);
    hours->set(4, true, 1100);
    // Over both, counting theirs only after 150: segment 1's pass at 100 is out of the window.
    PassTimes recent(hours, 150);
    recent.set(4, true, 900); // earlier than the one below: the later one stays
    recent.set(5, false, 2000);
    BOOST_TEST(!recent.last_pass_ms(1, true).has_value());
    BOOST_TEST(recent.last_pass_ms(2, true).value() == 1000);
    BOOST_TEST(recent.last_pass_ms(3, false).value() == 200);
    BOOST_TEST(!recent.last_pass_ms(3, true).has_value());
    BOOST_TEST(recent.last_pass_ms(4, true).value() == 1100);
    BOOST_TEST(recent.last_pass_ms(5, false).value() == 2000);
    BOOST_TEST(recent.size() == 4U); // 2, 3 backward, 4, 5 backward
    // The layers below are not changed by the one over them.
    BOOST_TEST(hours->last_pass_ms(1, true).value() == 100);
    BOOST_TEST(hours->size() == 4U);
    // A later start leaves out more; the own passes count whatever their time.
    PassTimes later(hours, 1050);
    later.set(6, true, 10);
    BOOST_TEST(!later.last_pass_ms(2, true).has_value());
    BOOST_TEST(later.last_pass_ms(4, true).value() == 1100);
    BOOST_TEST(later.last_pass_ms(6, true).value() == 10);
    BOOST_TEST(later.size() == 2U);
}

BOOST_AUTO_TEST_CASE(pass_age_colours_stay_apart_for_deuteranopes) {
    BOOST_TEST((pass_age_colour(PassAge::under_1h) == Rgb{0x35, 0xB7, 0x79}));
    BOOST_TEST((pass_age_colour(PassAge::never) == Rgb{0xD5, 0x5E, 0x00}));
    // The same threshold as the class colours: told apart at a glance.
    constexpr double threshold = 20.0;
    std::vector<Rgb> colours;
    for (const PassAge age : all_pass_ages) {
        colours.push_back(pass_age_colour(age));
    }
    colours.push_back(map_background);
    for (std::size_t i = 0; i < colours.size(); ++i) {
        for (std::size_t j = i + 1; j < colours.size(); ++j) {
            const Rgb a = simulate_deuteranopia(colours[i]);
            const Rgb b = simulate_deuteranopia(colours[j]);
            BOOST_TEST(delta_e76(a, b) > threshold,
                       hex(colours[i]) << " vs " << hex(colours[j]) << ": ΔE " << delta_e76(a, b));
            BOOST_TEST(delta_e76(colours[i], colours[j]) > threshold);
        }
    }
    // Sequential: the four pass classes darken from fresh to stale.
    for (std::size_t i = 1; i < 4; ++i) {
        BOOST_TEST(lab(colours[i])[0] < lab(colours[i - 1])[0]);
    }
}

BOOST_AUTO_TEST_CASE(a_passed_direction_and_a_never_passed_one_get_their_own_colours) {
    auto passes = std::make_shared<PassTimes>();
    // Eastbound (the geometry's direction) passed 30 minutes ago; westbound never.
    passes->set(11, true, now_ms - hour_ms / 2);
    // The one-way road passed 4 hours ago.
    passes->set(12, true, now_ms - 4 * hour_ms);
    MapRenderer renderer;
    const MapView view = test_view();
    const Image image = renderer.render(directed_roads(), view, coverage_style(passes));
    if (const char* out = std::getenv("YKM_RENDER_TEST_OUT")) {
        MapRenderer::write_png(image, std::filesystem::path(out) / "coverage_directions.png");
    }
    // A class 2 direction is 3 px wide, its centre 2 px off the road's: eastbound keeps left,
    // on the north side (rows 97-99); westbound on the south side (rows 101-103); row 100 is
    // the gap between them.
    const Rgb fresh = pass_age_colour(PassAge::under_1h);
    const Rgb never = pass_age_colour(PassAge::never);
    BOOST_TEST(near(image.rgb_at(100, 98), fresh), hex(image.rgb_at(100, 98)));
    BOOST_TEST(count_in_row(image, fresh, 98, 60, 240) == 180);
    BOOST_TEST(count_in_row(image, fresh, 102, 60, 240) == 0);
    BOOST_TEST(near(image.rgb_at(100, 100), map_background), hex(image.rgb_at(100, 100)));
    // Never passed: vermilion dashes, 7 px on and 4 px off with round caps, so most of the
    // row, broken about every 11 px.
    const int dashes = count_in_row(image, never, 102, 60, 240);
    BOOST_TEST(dashes > 90);
    BOOST_TEST(dashes < 170);
    int runs = 0;
    for (int x = 60; x < 240; ++x) {
        const bool on = near(image.rgb_at(x, 102), never);
        const bool before = x > 60 && near(image.rgb_at(x - 1, 102), never);
        runs += on && !before ? 1 : 0;
    }
    BOOST_TEST(runs >= 12);
    BOOST_TEST(runs <= 18);
    BOOST_TEST(count_in_row(image, never, 98, 60, 240) == 0);
    // The one-way road: one line in the middle, in the colour of 3 to 6 hours.
    BOOST_TEST(near(image.rgb_at(300, 200), pass_age_colour(PassAge::under_6h)),
               hex(image.rgb_at(300, 200)));
    BOOST_TEST(near(image.rgb_at(303, 200), map_background));
    BOOST_TEST(near(image.rgb_at(297, 200), map_background));

    // Without any pass times every direction is never passed, and nothing is fresh.
    const Image none = renderer.render(directed_roads(), view, coverage_style(nullptr));
    BOOST_TEST(count_in_row(none, never, 98, 60, 240) > 90);
    BOOST_TEST(count_in_row(none, fresh, 98, 60, 240) == 0);
    // The priority colouring of the same roads ignores the passes.
    MapStyle priority = coverage_style(passes);
    priority.road_colouring = RoadColouring::priority;
    const Image by_class = renderer.render(directed_roads(), view, priority);
    BOOST_TEST(near(by_class.rgb_at(100, 100), priority_colour(PriorityClass::second)));
}

BOOST_AUTO_TEST_CASE(the_legend_lists_the_pass_ages_in_the_time_since_pass_colouring) {
    MapRenderer renderer;
    const MapView far_away(XY{-5000.0, 80000.0}, 1.0, 400, 300);
    MapStyle style = coverage_style(nullptr);
    style.legend = true;
    const Image legend = renderer.render(MapContent{}, far_away, style);
    int fresh = 0;
    int class1 = 0;
    for (int y = 0; y < 300; ++y) {
        for (int x = 200; x < 400; ++x) {
            fresh += legend.rgb_at(x, y) == pass_age_colour(PassAge::under_1h) ? 1 : 0;
            class1 += legend.rgb_at(x, y) == priority_colour(PriorityClass::first) ? 1 : 0;
        }
    }
    BOOST_TEST(fresh > 40);
    // The never sample is vermilion too, but dashed: fewer pixels than a class 1 sample line.
    BOOST_TEST(class1 > 20);
    // The printed sheet's legend follows the colouring as well.
    const Image page = renderer.render_sheet(directed_roads(), test_view(), style,
                                             MapRenderer::SheetOptions{"t", "", "", ""}, 842, 595);
    int sheet_fresh = 0;
    for (const std::uint32_t p : page.pixels) {
        sheet_fresh += (p & 0xFFFFFFU) == 0x35B779U ? 1 : 0;
    }
    BOOST_TEST(sheet_fresh > 20);
}

BOOST_AUTO_TEST_CASE(road_layers_split_the_map_around_the_shifted_directions) {
    MapRenderer renderer;
    const MapView view = test_view();
    MapStyle style = coverage_style(nullptr);
    style.legend = true;
    const RoadLayers layers = renderer.render_road_layers(directed_roads(), view, style);
    BOOST_TEST_REQUIRE(layers.roads.size() == 3U);
    // Road 11 at pixel row 100.5 from x 49.5 to 249.5; a class 2 direction is 3 px wide and its
    // centre keeps 3/2 + 0.5 = 2 px to the left: eastbound (forward) north at 98.5, westbound
    // south at 102.5, running back.
    const DrawnDirection& east = layers.roads[0];
    BOOST_TEST(east.road_id == 11);
    BOOST_TEST(east.forward);
    BOOST_TEST((east.priority == PriorityClass::second));
    BOOST_TEST(east.width_px == 3.0);
    BOOST_TEST_REQUIRE(east.pixels.size() == 2U);
    BOOST_TEST(east.pixels.front().x == 49.5);
    BOOST_TEST(east.pixels.front().y == 98.5);
    BOOST_TEST(east.pixels.back().x == 249.5);
    BOOST_TEST(east.pixels.back().y == 98.5);
    const DrawnDirection& west = layers.roads[1];
    BOOST_TEST(west.road_id == 11);
    BOOST_TEST(!west.forward);
    BOOST_TEST_REQUIRE(west.pixels.size() == 2U);
    BOOST_TEST(west.pixels.front().x == 249.5);
    BOOST_TEST(west.pixels.front().y == 102.5);
    // The one-way road is one unshifted line along column 300.5, from row 10 down to row 290.
    const DrawnDirection& oneway = layers.roads[2];
    BOOST_TEST(oneway.road_id == 12);
    BOOST_TEST(oneway.forward);
    BOOST_TEST_REQUIRE(oneway.pixels.size() == 2U);
    BOOST_TEST(oneway.pixels.front().x == 300.5);
    BOOST_TEST(oneway.pixels.front().y == 10.0);
    BOOST_TEST(oneway.pixels.back().y == 290.0);
    // Under the roads: only the background here; over them: transparent on the roads, the
    // legend opaque.
    BOOST_TEST(pixels_unlike(layers.under, map_background, 0, 0, 400, 300) == 0);
    BOOST_TEST((layers.over.at(100, 98) >> 24) == 0U);
    BOOST_TEST((layers.over.at(300, 40) >> 24) == 0U);
    int opaque_pixels = 0;
    for (const std::uint32_t p : layers.over.pixels) {
        opaque_pixels += (p >> 24) == 0xFFU ? 1 : 0;
    }
    BOOST_TEST(opaque_pixels > 500);
    // Hidden roads give no directions.
    style.roads.visible = false;
    BOOST_TEST(renderer.render_road_layers(directed_roads(), view, style).roads.empty());
}

BOOST_AUTO_TEST_CASE(rejects_a_basemap_of_the_wrong_pixel_count) {
    MapRenderer renderer;
    const Image broken{400, 300, std::vector<std::uint32_t>(10, 0xFF000000U)};
    BOOST_CHECK_THROW((void)renderer.render(crossing_roads(), test_view(), MapStyle{}, &broken),
                      ykm::Error);
}

BOOST_AUTO_TEST_SUITE_END()

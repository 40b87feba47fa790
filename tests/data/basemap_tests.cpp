#include "error_message.hpp"
#include "temp_dir.hpp"
#include "ykm/data/map_query.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gis/map_renderer.hpp"
#include "ykm/gis/map_view.hpp"

#include <boost/test/unit_test.hpp>

#include <cpl_string.h>
#include <gdal_priv.h>
#include <gdal_utils.h>
#include <ogr_spatialref.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <numbers>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ykm;
using ykm::test::TempDir;

BOOST_AUTO_TEST_SUITE(basemap_tests)

namespace {

const gis::Epsg aomori_zone{6678};
const gis::Epsg web_mercator{3857};

// The tiles cover lon 140.72..140.76, lat 40.80..40.84 in four solid quadrants split at
// 140.74E 40.82N: north-west red, north-east green, south-west blue, south-east yellow.
constexpr double west = 140.72;
constexpr double east = 140.76;
constexpr double south = 40.80;
constexpr double north = 40.84;
constexpr double mid_lon = 140.74;
constexpr double mid_lat = 40.82;

constexpr std::uint32_t red = 0xFFFF0000;
constexpr std::uint32_t green = 0xFF00FF00;
constexpr std::uint32_t blue = 0xFF0000FF;
constexpr std::uint32_t yellow = 0xFFFFFF00;
// The lower zoom levels hold the inverted colours, so a picture tells which level it came from.
constexpr std::uint32_t cyan = 0xFF00FFFF;
constexpr std::uint32_t magenta = 0xFFFF00FF;

// Metres per pixel of Web Mercator zoom level 14, the tiles' most detailed level.
const double zoom14_m_per_px = 2.0 * std::numbers::pi * 6378137.0 / (256.0 * 16384.0);

struct DatasetCloser {
    void operator()(GDALDataset* d) const noexcept { GDALClose(GDALDataset::ToHandle(d)); }
};
using Dataset = std::unique_ptr<GDALDataset, DatasetCloser>;

void check_gdal(bool ok, const std::string& what) {
    if (!ok) {
        throw std::runtime_error(what + ": " + CPLGetLastErrorMsg());
    }
}

gis::XY to_mercator(double lon, double lat) {
    static const gis::CoordinateTransform transform(gis::wgs84, web_mercator);
    return transform.forward(gis::XY{lon, lat});
}

/// The quadrant colour at a lon/lat, or 0 outside the tiles.
std::uint32_t quadrant_colour(double lon, double lat) {
    if (lon < west || lon > east || lat < south || lat > north) {
        return 0;
    }
    if (lat > mid_lat) {
        return lon < mid_lon ? red : green;
    }
    return lon < mid_lon ? blue : yellow;
}

/// Writes the quadrants as an RGBA GeoTIFF in Web Mercator at zoom level 14's resolution.
void write_quadrants_tiff(const std::filesystem::path& file) {
    GDALAllRegister();
    const gis::XY sw = to_mercator(west, south);
    const gis::XY ne = to_mercator(east, north);
    const gis::XY mid = to_mercator(mid_lon, mid_lat);
    const double res = zoom14_m_per_px;
    const int width = static_cast<int>(std::ceil((ne.x - sw.x) / res));
    const int height = static_cast<int>(std::ceil((ne.y - sw.y) / res));
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    check_gdal(driver != nullptr, "no GTiff driver");
    CPLStringList create_options;
    create_options.AddString("COMPRESS=DEFLATE");
    Dataset tiff(
        driver->Create(file.string().c_str(), width, height, 4, GDT_Byte, create_options.List()));
    check_gdal(tiff != nullptr, file.string());
    std::array<double, 6> transform{sw.x, res, 0.0, ne.y, 0.0, -res};
    tiff->SetGeoTransform(transform.data());
    OGRSpatialReference srs;
    srs.importFromEPSG(web_mercator.code);
    tiff->SetSpatialRef(&srs);
    tiff->GetRasterBand(4)->SetColorInterpretation(GCI_AlphaBand);
    std::vector<std::uint8_t> row(static_cast<std::size_t>(width) * 4);
    for (int y = 0; y < height; ++y) {
        const double my = ne.y - (y + 0.5) * res;
        for (int x = 0; x < width; ++x) {
            const double mx = sw.x + (x + 0.5) * res;
            const std::uint32_t c =
                my > mid.y ? (mx < mid.x ? red : green) : (mx < mid.x ? blue : yellow);
            auto* p = &row[static_cast<std::size_t>(x) * 4];
            p[0] = static_cast<std::uint8_t>(c >> 16);
            p[1] = static_cast<std::uint8_t>(c >> 8);
            p[2] = static_cast<std::uint8_t>(c);
            p[3] = 0xFF;
        }
        check_gdal(tiff->RasterIO(GF_Write, 0, y, width, 1, row.data(), width, 1, GDT_Byte, 4,
                                  nullptr, 4, 0, 1, nullptr) == CE_None,
                   "writing " + file.string());
    }
}

/// Turns the GeoTIFF into an MBTiles file of zoom level 14 with tiles of `tile_format` (PNG:
/// RGBA; JPEG: RGB, without the alpha band).
void translate_to_mbtiles(const std::filesystem::path& tiff, const std::filesystem::path& mbtiles,
                          const std::string& tile_format) {
    Dataset source(GDALDataset::FromHandle(GDALOpen(tiff.string().c_str(), GA_ReadOnly)));
    check_gdal(source != nullptr, tiff.string());
    CPLStringList args;
    for (const char* arg : {"-of", "MBTILES", "-co"}) {
        args.AddString(arg);
    }
    args.AddString(("TILE_FORMAT=" + tile_format).c_str());
    if (tile_format == "JPEG") {
        for (const char* arg : {"-b", "1", "-b", "2", "-b", "3"}) {
            args.AddString(arg);
        }
    }
    GDALTranslateOptions* options = GDALTranslateOptionsNew(args.List(), nullptr);
    Dataset out(GDALDataset::FromHandle(GDALTranslate(
        mbtiles.string().c_str(), GDALDataset::ToHandle(source.get()), options, nullptr)));
    GDALTranslateOptionsFree(options);
    check_gdal(out != nullptr, mbtiles.string());
}

/// Adds zoom levels 13 down to 10 that hold the inverted colours.
void add_inverted_zoom_levels(const std::filesystem::path& mbtiles) {
    Dataset update(GDALDataset::FromHandle(GDALOpen(mbtiles.string().c_str(), GA_Update)));
    check_gdal(update != nullptr, mbtiles.string());
    const std::array<int, 4> factors{2, 4, 8, 16};
    check_gdal(update->BuildOverviews("NEAREST", static_cast<int>(factors.size()), factors.data(),
                                      0, nullptr, nullptr, nullptr) == CE_None,
               "overviews of " + mbtiles.string());
    const int bands = update->GetRasterCount();
    check_gdal(bands == 4, mbtiles.string() + " has not 4 bands");
    for (int level = 0; level < update->GetRasterBand(1)->GetOverviewCount(); ++level) {
        GDALRasterBand* first = update->GetRasterBand(1)->GetOverview(level);
        const int w = first->GetXSize();
        const int h = first->GetYSize();
        std::vector<std::uint8_t> rgba(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) *
                                       4);
        for (int b = 0; b < 4; ++b) {
            check_gdal(update->GetRasterBand(b + 1)->GetOverview(level)->RasterIO(
                           GF_Read, 0, 0, w, h, rgba.data() + b, w, h, GDT_Byte, 4,
                           static_cast<GSpacing>(w) * 4, nullptr) == CE_None,
                       "reading an overview");
        }
        for (std::size_t i = 0; i < rgba.size(); i += 4) {
            if (rgba[i + 3] != 0) {
                for (std::size_t c = 0; c < 3; ++c) {
                    rgba[i + c] = static_cast<std::uint8_t>(255 - rgba[i + c]);
                }
            }
        }
        for (int b = 0; b < 4; ++b) {
            check_gdal(update->GetRasterBand(b + 1)->GetOverview(level)->RasterIO(
                           GF_Write, 0, 0, w, h, rgba.data() + b, w, h, GDT_Byte, 4,
                           static_cast<GSpacing>(w) * 4, nullptr) == CE_None,
                       "writing an overview");
        }
    }
}

struct Tiles {
    TempDir dir;
    std::filesystem::path tiff = dir / "quadrants.tif";
    std::filesystem::path mbtiles = dir / "quadrants.mbtiles";
    Tiles() {
        write_quadrants_tiff(tiff);
        translate_to_mbtiles(tiff, mbtiles, "PNG");
        add_inverted_zoom_levels(mbtiles);
    }
};

const Tiles& tiles() {
    static const Tiles t;
    return t;
}

gis::XY project_point(double lon, double lat) {
    static const gis::CoordinateTransform transform(gis::wgs84, aomori_zone);
    return transform.forward(gis::XY{lon, lat});
}

/// The pixel of `image` (drawn for `view`) at a lon/lat, which must be in the picture.
std::uint32_t pixel_at(const gis::Image& image, const gis::MapView& view, double lon, double lat) {
    const gis::XY p = view.to_pixel(project_point(lon, lat));
    const int x = static_cast<int>(std::floor(p.x));
    const int y = static_cast<int>(std::floor(p.y));
    if (x < 0 || y < 0 || x >= image.width || y >= image.height) {
        throw std::logic_error("test point outside the picture");
    }
    return image.at(x, y);
}

using ykm::test::message_of;

} // namespace

BOOST_AUTO_TEST_CASE(places_each_quadrant_where_its_lon_lat_is) {
    const gis::MapView view(project_point(mid_lon, mid_lat), 8.0, 640, 720);
    const gis::Image image = data::render_basemap(tiles().mbtiles, aomori_zone, view);
    BOOST_TEST(image.width == 640);
    BOOST_TEST(image.height == 720);
    BOOST_TEST(image.pixels.size() == 640U * 720U);
    BOOST_TEST(pixel_at(image, view, 140.73, 40.83) == red);
    BOOST_TEST(pixel_at(image, view, 140.75, 40.83) == green);
    BOOST_TEST(pixel_at(image, view, 140.73, 40.81) == blue);
    BOOST_TEST(pixel_at(image, view, 140.75, 40.81) == yellow);
    BOOST_TEST(pixel_at(image, view, 140.715, 40.82) >> 24 == 0U); // west of the tiles
    BOOST_TEST(pixel_at(image, view, 140.74, 40.843) >> 24 == 0U); // north of the tiles
}

BOOST_AUTO_TEST_CASE(every_pixel_has_the_colour_of_its_lon_lat) {
    // Every 5th pixel, its centre taken back to lon/lat through PROJ: the colour of the quadrant
    // there, or transparent outside the tiles. Pixels within 40 m of an edge (the interpolation
    // blends there) are left out.
    const gis::MapView view(project_point(mid_lon, mid_lat), 8.0, 640, 720);
    const gis::Image image = data::render_basemap(tiles().mbtiles, aomori_zone, view);
    const gis::CoordinateTransform to_lon_lat(aomori_zone, gis::wgs84);
    const double margin_deg = 40.0 / 85000.0; // 40 m in longitude degrees; less in latitude
    int checked_colour = 0;
    int checked_clear = 0;
    int wrong = 0;
    for (int y = 2; y < image.height; y += 5) {
        for (int x = 2; x < image.width; x += 5) {
            const gis::XY ll = to_lon_lat.forward(view.to_map(gis::XY{x + 0.5, y + 0.5}));
            const auto near = [&](double a, double b) { return std::abs(a - b) < margin_deg; };
            if (near(ll.x, west) || near(ll.x, east) || near(ll.x, mid_lon) || near(ll.y, south) ||
                near(ll.y, north) || near(ll.y, mid_lat)) {
                continue;
            }
            const std::uint32_t expected = quadrant_colour(ll.x, ll.y);
            const std::uint32_t got = image.at(x, y);
            if (expected == 0) {
                ++checked_clear;
                wrong += (got >> 24) != 0U ? 1 : 0;
            } else {
                ++checked_colour;
                wrong += got != expected ? 1 : 0;
            }
        }
    }
    BOOST_TEST(wrong == 0);
    BOOST_TEST(checked_colour > 5000);
    BOOST_TEST(checked_clear > 5000);
}

BOOST_AUTO_TEST_CASE(reads_a_lower_zoom_level_for_a_small_scale_view) {
    // 80 m a pixel is about 106 m in Web Mercator here: zoom level 11 (76 m), not 14 (9.6 m).
    const gis::MapView view(project_point(mid_lon, mid_lat), 80.0, 200, 160);
    const gis::Image image = data::render_basemap(tiles().mbtiles, aomori_zone, view);
    BOOST_TEST(image.width == 200);
    BOOST_TEST(image.height == 160);
    BOOST_TEST(pixel_at(image, view, 140.73, 40.83) == cyan);    // red inverted
    BOOST_TEST(pixel_at(image, view, 140.75, 40.83) == magenta); // green inverted
    BOOST_TEST(pixel_at(image, view, 140.73, 40.81) == yellow);  // blue inverted
    BOOST_TEST(pixel_at(image, view, 140.75, 40.81) == blue);    // yellow inverted
    BOOST_TEST(pixel_at(image, view, 140.68, 40.82) >> 24 == 0U);
    BOOST_TEST(pixel_at(image, view, 140.80, 40.82) >> 24 == 0U);
}

BOOST_AUTO_TEST_CASE(a_view_away_from_the_tiles_is_transparent) {
    const gis::MapView view(project_point(140.90, 40.60), 10.0, 120, 90);
    const gis::Image image = data::render_basemap(tiles().mbtiles, aomori_zone, view);
    BOOST_REQUIRE(image.pixels.size() == 120U * 90U);
    int opaque = 0;
    for (const std::uint32_t p : image.pixels) {
        opaque += (p >> 24) != 0U ? 1 : 0;
    }
    BOOST_TEST(opaque == 0);
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_an_error_naming_it) {
    TempDir dir;
    const std::filesystem::path missing = dir / "gsi_std.mbtiles";
    const gis::MapView view(project_point(mid_lon, mid_lat), 8.0, 64, 64);
    const std::string message =
        message_of([&] { (void)data::render_basemap(missing, aomori_zone, view); });
    BOOST_TEST(message.find(missing.string()) != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(a_geotiff_is_not_an_mbtiles_raster) {
    const gis::MapView view(project_point(mid_lon, mid_lat), 8.0, 64, 64);
    const std::string message =
        message_of([&] { (void)data::render_basemap(tiles().tiff, aomori_zone, view); });
    BOOST_TEST(message.find(tiles().tiff.string()) != std::string::npos, message);
    BOOST_TEST(message.find("not an MBTiles raster") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(a_text_file_is_not_an_mbtiles_raster) {
    TempDir dir;
    const std::filesystem::path file = dir / "notes.mbtiles";
    std::ofstream(file) << "not a database\n";
    const gis::MapView view(project_point(mid_lon, mid_lat), 8.0, 64, 64);
    const std::string message =
        message_of([&] { (void)data::render_basemap(file, aomori_zone, view); });
    BOOST_TEST(message.find(file.string()) != std::string::npos, message);
    BOOST_TEST(message.find("not an MBTiles raster") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(reads_rgb_jpeg_tiles) {
    TempDir dir;
    const std::filesystem::path file = dir / "photo.mbtiles";
    translate_to_mbtiles(tiles().tiff, file, "JPEG");
    const gis::MapView view(project_point(mid_lon, mid_lat), 16.0, 640, 720);
    const gis::Image image = data::render_basemap(file, aomori_zone, view);
    // JPEG changes colours slightly.
    const auto near = [](std::uint32_t got, std::uint32_t expected) {
        for (int shift = 0; shift < 32; shift += 8) {
            const int a = static_cast<int>((got >> shift) & 0xFFU);
            const int b = static_cast<int>((expected >> shift) & 0xFFU);
            if (std::abs(a - b) > 8) {
                return false;
            }
        }
        return true;
    };
    BOOST_TEST(near(pixel_at(image, view, 140.73, 40.83), red));
    BOOST_TEST(near(pixel_at(image, view, 140.75, 40.83), green));
    BOOST_TEST(near(pixel_at(image, view, 140.73, 40.81), blue));
    BOOST_TEST(near(pixel_at(image, view, 140.75, 40.81), yellow));
    // 2.9 km west of the coverage, more than a tile (2.4 km at zoom level 14): no tile there.
    BOOST_TEST(pixel_at(image, view, 140.685, 40.82) >> 24 == 0U);
}

BOOST_AUTO_TEST_CASE(a_replaced_file_is_read_again) {
    TempDir dir;
    const std::filesystem::path file = dir / "basemap.mbtiles";
    std::filesystem::copy_file(tiles().mbtiles, file);
    const gis::MapView view(project_point(mid_lon, mid_lat), 8.0, 64, 64);
    BOOST_TEST(data::render_basemap(file, aomori_zone, view).at(0, 0) == red);
    std::filesystem::remove(file);
    std::ofstream(file) << "not a database\n";
    const std::string message =
        message_of([&] { (void)data::render_basemap(file, aomori_zone, view); });
    BOOST_TEST(message.find("not an MBTiles raster") != std::string::npos, message);
}

BOOST_AUTO_TEST_SUITE_END()

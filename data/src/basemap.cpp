// The basemap: an MBTiles raster (Web Mercator tiles) warped by GDAL into a picture aligned to a
// map view in the project CRS.

#include "gdal_support.hpp"
#include "ykm/data/map_query.hpp"
#include "ykm/gis/error.hpp"

#include <gdal_utils.h>

#include <array>
#include <bit>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace ykm::data {

namespace {

struct WarpOptionsDeleter {
    void operator()(GDALWarpAppOptions* o) const noexcept { GDALWarpAppOptionsFree(o); }
};
using WarpOptionsPtr = std::unique_ptr<GDALWarpAppOptions, WarpOptionsDeleter>;

std::string number_text(double value) {
    std::array<char, 32> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), result.ptr);
}

/// The MBTiles file a thread opened last, kept open so that its decoded tiles stay in GDAL's
/// block cache: the next view (a pan, a zoom) reads only the tiles it newly shows. Reopened when
/// the path, size or modification time of the file changes.
struct OpenTiles {
    std::filesystem::path path;
    std::filesystem::file_time_type modified;
    std::uintmax_t size_bytes = 0;
    gdal::DatasetPtr dataset;
};

GDALDataset& open_mbtiles(const std::filesystem::path& mbtiles, gdal::ErrorRecorder& errors) {
    thread_local OpenTiles last;
    std::error_code ec;
    const bool is_file = std::filesystem::is_regular_file(mbtiles, ec);
    const auto modified =
        is_file ? std::filesystem::last_write_time(mbtiles, ec) : std::filesystem::file_time_type{};
    const std::uintmax_t size_bytes = is_file ? std::filesystem::file_size(mbtiles, ec) : 0;
    if (!is_file || ec) {
        last.dataset.reset();
        throw Error(mbtiles.string() + ": no such file");
    }
    if (last.dataset && last.path == mbtiles && last.modified == modified &&
        last.size_bytes == size_bytes) {
        return *last.dataset;
    }
    last.dataset.reset();
    gdal::ensure_registered();
    const char* const drivers[] = {"MBTiles", nullptr};
    // Four bands whatever the tiles hold (grey, paletted, RGB or RGBA PNG, JPEG): the driver
    // expands them to RGBA, whose alpha marks where there are no tiles.
    const char* const open_options[] = {"BAND_COUNT=4", nullptr};
    auto* dataset = GDALDataset::FromHandle(GDALOpenEx(mbtiles.string().c_str(),
                                                       GDAL_OF_RASTER | GDAL_OF_READONLY, drivers,
                                                       open_options, nullptr));
    if (dataset == nullptr) {
        throw Error(mbtiles.string() + ": not an MBTiles raster" + errors.suffix());
    }
    last = OpenTiles{mbtiles, modified, size_bytes, gdal::DatasetPtr(dataset)};
    return *last.dataset;
}

/// Band numbers (1-based) of red, green, blue and alpha in `warped`, a warp of `source`; 0 for
/// an absent alpha. The warp keeps the source's colour bands in order (without its alpha) but
/// not their colour interpretation, so the colours are read from the source. A grey band
/// stands for all three colours.
std::array<int, 4> colour_bands(GDALDataset& source, GDALDataset& warped) {
    std::array<int, 4> bands{0, 0, 0, 0};
    int warped_band = 0;
    for (int i = 1; i <= source.GetRasterCount(); ++i) {
        const GDALColorInterp colour = source.GetRasterBand(i)->GetColorInterpretation();
        if (colour == GCI_AlphaBand) {
            continue;
        }
        ++warped_band;
        if (colour == GCI_RedBand) {
            bands[0] = warped_band;
        } else if (colour == GCI_GreenBand) {
            bands[1] = warped_band;
        } else if (colour == GCI_BlueBand) {
            bands[2] = warped_band;
        } else if (colour == GCI_GrayIndex) {
            bands[0] = bands[0] == 0 ? warped_band : bands[0];
            bands[1] = bands[1] == 0 ? warped_band : bands[1];
            bands[2] = bands[2] == 0 ? warped_band : bands[2];
        }
    }
    for (int i = 1; i <= warped.GetRasterCount(); ++i) {
        if (warped.GetRasterBand(i)->GetColorInterpretation() == GCI_AlphaBand) {
            bands[3] = i;
        }
    }
    return bands;
}

} // namespace

gis::Image render_basemap(const std::filesystem::path& mbtiles, gis::Epsg project_crs,
                          const gis::MapView& view) {
    gdal::ErrorRecorder errors;
    GDALDataset& source = open_mbtiles(mbtiles, errors);

    const gis::Box extent = view.extent();
    gdal::StringList argv;
    const auto add = [&argv](std::initializer_list<std::string> items) {
        for (const std::string& item : items) {
            argv.add(item);
        }
    };
    add({"-of", "MEM", "-t_srs", "EPSG:" + std::to_string(project_crs.code)});
    add({"-te", number_text(extent.min_x), number_text(extent.min_y), number_text(extent.max_x),
         number_text(extent.max_y)});
    add({"-ts", std::to_string(view.width_px()), std::to_string(view.height_px())});
    add({"-r", "bilinear", "-dstalpha"});
    // GDAL exposes the zoom levels as overviews; AUTO reads the least detailed level that still
    // has the view's detail, so a town-wide view does not decode thousands of street-level tiles.
    add({"-ovr", "AUTO"});
    // Two threads: -multi overlaps reading the tiles with warping, NUM_THREADS shares the
    // interpolation.
    add({"-multi", "-wo", "NUM_THREADS=2"});
    WarpOptionsPtr options(GDALWarpAppOptionsNew(argv.get(), nullptr));
    if (!options) {
        throw Error(mbtiles.string() + ": cannot set up the warp to " +
                    gis::to_string(project_crs) + errors.suffix());
    }
    GDALDatasetH sources[] = {GDALDataset::ToHandle(&source)};
    int usage_error = 0;
    gdal::DatasetPtr warped(
        GDALDataset::FromHandle(GDALWarp("", nullptr, 1, sources, options.get(), &usage_error)));
    if (!warped || usage_error != 0) {
        throw Error(mbtiles.string() + ": cannot warp the tiles to " + gis::to_string(project_crs) +
                    errors.suffix());
    }

    const std::array<int, 4> bands = colour_bands(source, *warped);
    if (bands[0] == 0 || bands[1] == 0 || bands[2] == 0) {
        throw Error(mbtiles.string() + ": the tiles have no red, green and blue bands");
    }
    gis::Image image;
    image.width = view.width_px();
    image.height = view.height_px();
    image.pixels.assign(static_cast<std::size_t>(image.width) *
                            static_cast<std::size_t>(image.height),
                        0xFF000000U);
    // Each 0xAARRGGBB pixel is four bytes whose order in memory depends on the machine; each
    // band is read straight into its byte.
    const bool little = std::endian::native == std::endian::little;
    struct Channel {
        int band;
        std::size_t byte;
    };
    const std::array<Channel, 4> channels{{{bands[0], little ? 2U : 1U},
                                           {bands[1], little ? 1U : 2U},
                                           {bands[2], little ? 0U : 3U},
                                           {bands[3], little ? 3U : 0U}}};
    const auto pixel_space = static_cast<GSpacing>(sizeof(std::uint32_t));
    const auto line_space = pixel_space * image.width;
    auto* bytes = reinterpret_cast<unsigned char*>(image.pixels.data());
    for (const Channel& channel : channels) {
        if (channel.band == 0) {
            continue; // no alpha band: the pixels stay opaque
        }
        if (warped->GetRasterBand(channel.band)
                ->RasterIO(GF_Read, 0, 0, image.width, image.height, bytes + channel.byte,
                           image.width, image.height, GDT_Byte, pixel_space, line_space,
                           nullptr) != CE_None) {
            throw Error(mbtiles.string() + ": cannot read the warped tiles" + errors.suffix());
        }
    }
    return image;
}

} // namespace ykm::data

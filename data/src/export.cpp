#include "ykm/data/export.hpp"

#include "gdal_support.hpp"
#include "ykm/gis/error.hpp"

#include <gdal_utils.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <string>
#include <system_error>
#include <vector>

namespace ykm::data {
namespace {

std::string lower(std::string s) {
    std::ranges::transform(s, s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

struct FormatInfo {
    ExportFormat format;
    const char* driver;
    std::vector<const char*> names;
};

const std::array<FormatInfo, 4>& formats() {
    static const std::array<FormatInfo, 4> all{{
        {ExportFormat::geojson, "GeoJSON", {"geojson", "json"}},
        {ExportFormat::geopackage, "GPKG", {"gpkg", "geopackage"}},
        {ExportFormat::shapefile, "ESRI Shapefile", {"esri shapefile", "shapefile", "shp"}},
        {ExportFormat::csv, "CSV", {"csv"}},
    }};
    return all;
}

const FormatInfo& info_of(ExportFormat format) {
    return *std::ranges::find(formats(), format, &FormatInfo::format);
}

// The files GDAL writes for one output: the Shapefile's sidecars too.
std::vector<std::filesystem::path> files_of(const std::filesystem::path& main,
                                            ExportFormat format) {
    std::vector<std::filesystem::path> files{main};
    if (format == ExportFormat::shapefile) {
        for (const char* ext : {".shx", ".dbf", ".prj", ".cpg"}) {
            files.push_back(std::filesystem::path(main).replace_extension(ext));
        }
    }
    return files;
}

struct OptionsDeleter {
    void operator()(GDALVectorTranslateOptions* o) const noexcept {
        GDALVectorTranslateOptionsFree(o);
    }
};

// Removes the temporary output unless released.
class TemporaryOutput {
public:
    explicit TemporaryOutput(std::vector<std::filesystem::path> files)
        : m_files(std::move(files)) {}
    ~TemporaryOutput() {
        for (const auto& f : m_files) {
            std::error_code ignored;
            std::filesystem::remove(f, ignored);
        }
    }
    TemporaryOutput(const TemporaryOutput&) = delete;
    TemporaryOutput& operator=(const TemporaryOutput&) = delete;
    void release() { m_files.clear(); }

private:
    std::vector<std::filesystem::path> m_files;
};

} // namespace

ExportFormat parse_export_format(const std::string& name) {
    const std::string wanted = lower(name);
    std::string known;
    for (const FormatInfo& f : formats()) {
        if (wanted == lower(f.driver) || std::ranges::find(f.names, wanted) != f.names.end()) {
            return f.format;
        }
        known += (known.empty() ? "" : ", ") + std::string(f.driver);
    }
    throw Error("unknown export format '" + name + "' (formats: " + known + ")");
}

std::optional<ExportFormat> format_from_extension(const std::filesystem::path& output) {
    const std::string ext = lower(output.extension().string());
    if (ext == ".geojson" || ext == ".json") {
        return ExportFormat::geojson;
    }
    if (ext == ".gpkg") {
        return ExportFormat::geopackage;
    }
    if (ext == ".shp") {
        return ExportFormat::shapefile;
    }
    if (ext == ".csv") {
        return ExportFormat::csv;
    }
    return std::nullopt;
}

void export_layer(const std::filesystem::path& project, Layer layer,
                  const std::filesystem::path& output, ExportFormat format) {
    const std::string layer_name = to_string(layer);
    if (!std::filesystem::is_regular_file(project)) {
        throw Error(project.string() + ": no such project file");
    }
    std::filesystem::path folder = output.parent_path();
    if (folder.empty()) {
        folder = ".";
    }
    if (!std::filesystem::is_directory(folder)) {
        throw Error(output.string() + ": folder " + folder.string() + " does not exist");
    }
    if (::access(folder.c_str(), W_OK) != 0) {
        throw Error(output.string() + ": folder " + folder.string() + " is not writable");
    }
    std::filesystem::path main = output;
    if (format == ExportFormat::shapefile && lower(output.extension().string()) != ".shp") {
        main += ".shp";
    }

    gdal::ErrorRecorder errors;
    gdal::ensure_registered();
    const char* const drivers[] = {"SQLite", nullptr};
    gdal::DatasetPtr source(GDALDataset::FromHandle(GDALOpenEx(
        project.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr)));
    if (!source) {
        throw Error(project.string() + ": GDAL cannot open the project" + errors.suffix());
    }
    if (source->GetLayerByName(layer_name.c_str()) == nullptr) {
        throw Error(project.string() + ": no layer " + layer_name + errors.suffix());
    }

    // GDAL writes under a temporary name in the same folder (keeping the extension, which
    // drivers such as CSV and Shapefile go by); a rename then puts the finished files in place.
    static std::atomic<unsigned> counter{0};
    const std::string stem = main.stem().string() + ".ykm-tmp-" + std::to_string(::getpid()) + "-" +
                             std::to_string(counter++);
    const std::filesystem::path temporary = folder / (stem + main.extension().string());
    TemporaryOutput cleanup(files_of(temporary, format));

    std::vector<std::string> args{"-f", info_of(format).driver, layer_name};
    switch (format) {
    case ExportFormat::geojson:
        args.insert(args.end(), {"-t_srs", "EPSG:4326", "-lco", "RFC7946=YES"});
        break;
    case ExportFormat::geopackage:
        break;
    case ExportFormat::shapefile:
        args.insert(args.end(), {"-lco", "ENCODING=UTF-8"});
        break;
    case ExportFormat::csv:
        args.insert(args.end(), {"-lco", "GEOMETRY=AS_WKT"});
        break;
    }
    gdal::StringList argv;
    for (const std::string& a : args) {
        argv.add(a);
    }
    std::unique_ptr<GDALVectorTranslateOptions, OptionsDeleter> options(
        GDALVectorTranslateOptionsNew(argv.get(), nullptr));
    if (!options) {
        throw Error("export options refused by GDAL" + errors.suffix());
    }
    GDALDatasetH source_handle = GDALDataset::ToHandle(source.get());
    int usage_error = FALSE;
    GDALDatasetH written = GDALVectorTranslate(temporary.string().c_str(), nullptr, 1,
                                               &source_handle, options.get(), &usage_error);
    if (written == nullptr) {
        throw Error(output.string() + ": cannot write " + layer_name + errors.suffix());
    }
    GDALClose(written);
    if (errors.has_failures()) {
        throw Error(output.string() + ": cannot write " + layer_name + errors.suffix());
    }

    const auto from = files_of(temporary, format);
    const auto to = files_of(main, format);
    // The main file last, so that a Shapefile appears only with its sidecars.
    for (std::size_t i = from.size(); i-- > 0;) {
        if (!std::filesystem::exists(from[i])) {
            continue;
        }
        std::error_code error;
        std::filesystem::rename(from[i], to[i], error);
        if (error) {
            throw Error(to[i].string() + ": cannot write: " + error.message());
        }
    }
    cleanup.release();
}

} // namespace ykm::data

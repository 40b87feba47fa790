#pragma once

// Small vector files written through GDAL for the import and export tests, and a runner for the
// GDAL command-line tools.

#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ykm::test {

struct FixtureFeature {
    std::string wkt;                           ///< in the layer's CRS, x = easting/longitude
    std::map<std::string, std::string> fields; ///< UTF-8 text
};

struct FixtureLayer {
    std::string name;
    OGRwkbGeometryType type = wkbLineString;
    std::optional<int> epsg; ///< no CRS when absent
    std::vector<std::string> field_names;
    std::vector<FixtureFeature> features;
    std::vector<std::string> creation_options; ///< "ENCODING=CP932"
};

inline void register_gdal() {
    static const bool done = [] {
        GDALAllRegister();
        return true;
    }();
    (void)done;
}

struct DatasetCloser {
    void operator()(GDALDataset* d) const noexcept { GDALClose(GDALDataset::ToHandle(d)); }
};
using Dataset = std::unique_ptr<GDALDataset, DatasetCloser>;

/// Opens a vector file read-only; throws std::runtime_error when GDAL cannot.
inline Dataset open_vector(const std::filesystem::path& path) {
    register_gdal();
    auto* d = GDALDataset::FromHandle(GDALOpenEx(
        path.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (d == nullptr) {
        throw std::runtime_error("GDAL cannot open " + path.string());
    }
    return Dataset(d);
}

/// Writes `layers` into a new file with GDAL's `driver` ("GPKG", "ESRI Shapefile", "GeoJSON").
inline void write_vector(const std::filesystem::path& path, const std::string& driver_name,
                         const std::vector<FixtureLayer>& layers) {
    register_gdal();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name.c_str());
    if (driver == nullptr) {
        throw std::runtime_error("no GDAL driver " + driver_name);
    }
    Dataset dataset(driver->Create(path.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!dataset) {
        throw std::runtime_error("GDAL cannot create " + path.string());
    }
    for (const FixtureLayer& spec : layers) {
        OGRSpatialReference srs;
        srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        if (spec.epsg) {
            srs.importFromEPSG(*spec.epsg);
        }
        char** options = nullptr;
        for (const std::string& o : spec.creation_options) {
            options = CSLAddString(options, o.c_str());
        }
        OGRLayer* layer =
            dataset->CreateLayer(spec.name.c_str(), spec.epsg ? &srs : nullptr, spec.type, options);
        CSLDestroy(options);
        if (layer == nullptr) {
            throw std::runtime_error("GDAL cannot create layer " + spec.name);
        }
        for (const std::string& field : spec.field_names) {
            OGRFieldDefn definition(field.c_str(), OFTString);
            if (layer->CreateField(&definition) != OGRERR_NONE) {
                throw std::runtime_error("GDAL cannot create field " + field);
            }
        }
        for (const FixtureFeature& f : spec.features) {
            OGRFeature feature(layer->GetLayerDefn());
            for (const auto& [field, value] : f.fields) {
                feature.SetField(field.c_str(), value.c_str());
            }
            OGRGeometry* geometry = nullptr;
            if (!f.wkt.empty()) {
                if (OGRGeometryFactory::createFromWkt(f.wkt.c_str(), nullptr, &geometry) !=
                    OGRERR_NONE) {
                    throw std::runtime_error("bad WKT " + f.wkt);
                }
                feature.SetGeometryDirectly(geometry);
            }
            if (layer->CreateFeature(&feature) != OGRERR_NONE) {
                throw std::runtime_error("GDAL cannot write a feature of " + spec.name);
            }
        }
    }
}

/// Runs a shell command and returns its standard output and its exit status.
struct CommandResult {
    std::string output;
    int status = -1;
};
inline CommandResult run_command(const std::string& command) {
    CommandResult result;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return result;
    }
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
        result.output.append(buffer.data(), n);
    }
    result.status = pclose(pipe);
    return result;
}

/// A path quoted for the shell.
inline std::string quoted(const std::filesystem::path& path) {
    std::string out = "'";
    for (char c : path.string()) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

} // namespace ykm::test

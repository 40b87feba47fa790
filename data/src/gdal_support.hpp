#pragma once

// RAII and lookup helpers around GDAL/OGR shared by the OGR road reader, the layer import and
// the export. Private to ykm_data: GDAL headers stay out of the public headers.

#include "ykm/gis/error.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <cctype>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ykm::data::gdal {

/// Registers GDAL's drivers once per process.
inline void ensure_registered() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

/// While alive, GDAL messages of this thread go into this recorder instead of stderr. The
/// handler only records; the code that checked a GDAL return value throws with messages().
class ErrorRecorder {
public:
    ErrorRecorder() { CPLPushErrorHandlerEx(&ErrorRecorder::record, this); }
    ~ErrorRecorder() { CPLPopErrorHandler(); }
    ErrorRecorder(const ErrorRecorder&) = delete;
    ErrorRecorder& operator=(const ErrorRecorder&) = delete;

    /// The failure messages recorded so far, joined by "; ", or warnings when there was no failure.
    [[nodiscard]] std::string messages() const {
        return join(m_failures.empty() ? m_warnings : m_failures);
    }
    [[nodiscard]] bool has_failures() const { return !m_failures.empty(); }
    [[nodiscard]] const std::vector<std::string>& warnings() const { return m_warnings; }
    void clear() {
        m_failures.clear();
        m_warnings.clear();
    }

    /// " (GDAL: messages)" when there are messages, else "".
    [[nodiscard]] std::string suffix() const {
        const std::string m = messages();
        return m.empty() ? std::string() : " (GDAL: " + m + ")";
    }

private:
    static std::string join(const std::vector<std::string>& items) {
        std::string out;
        for (const std::string& s : items) {
            out += out.empty() ? s : "; " + s;
        }
        return out;
    }

    static void CPL_STDCALL record(CPLErr level, CPLErrorNum, const char* message) {
        auto* self = static_cast<ErrorRecorder*>(CPLGetErrorHandlerUserData());
        if (self == nullptr || message == nullptr || level == CE_Debug || level == CE_None) {
            return;
        }
        try {
            auto& list = level == CE_Warning ? self->m_warnings : self->m_failures;
            if (list.size() < 20) {
                list.emplace_back(message);
            }
        } catch (...) { // NOLINT(bugprone-empty-catch): a C callback must not throw
        }
    }

    std::vector<std::string> m_failures;
    std::vector<std::string> m_warnings;
};

struct DatasetCloser {
    void operator()(GDALDataset* d) const noexcept { GDALClose(GDALDataset::ToHandle(d)); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

struct FeatureDeleter {
    void operator()(OGRFeature* f) const noexcept { OGRFeature::DestroyFeature(f); }
};
using FeaturePtr = std::unique_ptr<OGRFeature, FeatureDeleter>;

/// A NULL-terminated list of "KEY=VALUE" strings that frees itself.
class StringList {
public:
    StringList() = default;
    ~StringList() { CSLDestroy(m_list); }
    StringList(const StringList&) = delete;
    StringList& operator=(const StringList&) = delete;
    void add(const std::string& item) { m_list = CSLAddString(m_list, item.c_str()); }
    [[nodiscard]] char** get() const { return m_list; }

private:
    char** m_list = nullptr;
};

/// Whether `path` names a Shapefile (or its .dbf), whose attribute encoding can be forced.
inline bool is_shapefile(const std::filesystem::path& path) {
    std::string ext = path.extension().string();
    for (char& c : ext) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return ext == ".shp" || ext == ".dbf";
}

/// Opens a vector source read-only. `encoding` forces the attribute encoding of Shapefiles.
/// Throws ykm::Error naming the file when GDAL cannot open it as vector data.
inline DatasetPtr open_vector(const std::filesystem::path& path,
                              const std::optional<std::string>& encoding, ErrorRecorder& errors) {
    ensure_registered();
    StringList open_options;
    if (encoding && is_shapefile(path)) {
        open_options.add("ENCODING=" + *encoding);
    }
    auto* dataset =
        GDALDataset::FromHandle(GDALOpenEx(path.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                           nullptr, open_options.get(), nullptr));
    if (dataset == nullptr) {
        throw Error(path.string() + ": cannot open as vector data" + errors.suffix());
    }
    return DatasetPtr(dataset);
}

/// The geometry type of a layer in OGC words: "POLYGON", "LINESTRING", "POINT", "GEOMETRY".
inline std::string geometry_type_name(OGRwkbGeometryType type) {
    return OGRToOGCGeomType(wkbFlatten(type));
}

/// The layer names of a dataset, comma separated.
inline std::string layer_names(GDALDataset& dataset) {
    std::string names;
    for (OGRLayer* layer : dataset.GetLayers()) {
        names += (names.empty() ? "" : ", ") + std::string(layer->GetName());
    }
    return names;
}

/// Picks the layer named `wanted`, or else the only layer for which `fits` holds; several
/// fitting layers without a name is an error listing them. With no fitting layer and one layer
/// in all, that layer is returned for the caller to report what it holds.
inline OGRLayer& pick_layer(GDALDataset& dataset, const std::filesystem::path& path,
                            const std::optional<std::string>& wanted,
                            const std::function<bool(OGRwkbGeometryType)>& fits,
                            const std::string& what) {
    if (wanted) {
        OGRLayer* layer = dataset.GetLayerByName(wanted->c_str());
        if (layer == nullptr) {
            throw Error(path.string() + ": no layer '" + *wanted +
                        "'; layers: " + layer_names(dataset));
        }
        return *layer;
    }
    std::vector<OGRLayer*> fitting;
    for (OGRLayer* layer : dataset.GetLayers()) {
        if (fits(layer->GetGeomType())) {
            fitting.push_back(layer);
        }
    }
    if (fitting.size() == 1) {
        return *fitting.front();
    }
    if (fitting.size() > 1) {
        std::string names;
        for (OGRLayer* layer : fitting) {
            names += (names.empty() ? "" : ", ") + std::string(layer->GetName());
        }
        throw Error(path.string() + ": several layers hold " + what + " (" + names +
                    "); choose one with --layer");
    }
    if (dataset.GetLayerCount() == 1) {
        return *dataset.GetLayer(0);
    }
    if (dataset.GetLayerCount() == 0) {
        throw Error(path.string() + ": holds no vector layers");
    }
    throw Error(path.string() + ": no layer holds " + what + "; layers: " + layer_names(dataset));
}

/// The field names of a layer, comma separated.
inline std::string field_names(OGRFeatureDefn& definition) {
    std::string names;
    for (int i = 0; i < definition.GetFieldCount(); ++i) {
        names +=
            (names.empty() ? "" : ", ") + std::string(definition.GetFieldDefn(i)->GetNameRef());
    }
    return names;
}

/// The index of the field that carries attribute `key`: the mapped field (an error when it does
/// not exist), else the first of `defaults` that exists, else -1.
inline int find_field(OGRFeatureDefn& definition, const std::string& file, const std::string& key,
                      const std::map<std::string, std::string>& mapping,
                      std::initializer_list<const char*> defaults) {
    if (auto mapped = mapping.find(key); mapped != mapping.end()) {
        const int index = definition.GetFieldIndex(mapped->second.c_str());
        if (index < 0) {
            throw Error(file + ": field '" + mapped->second + "' (from --map " + key + "=" +
                        mapped->second + ") does not exist; fields: " + field_names(definition));
        }
        return index;
    }
    for (const char* name : defaults) {
        const int index = definition.GetFieldIndex(name);
        if (index >= 0) {
            return index;
        }
    }
    return -1;
}

/// The text of a field, or std::nullopt when the field is absent, unset or null.
inline std::optional<std::string> field_text(OGRFeature& feature, int index) {
    if (index < 0 || !feature.IsFieldSetAndNotNull(index)) {
        return std::nullopt;
    }
    return std::string(feature.GetFieldAsString(index));
}

/// The CRS of a layer as PROJJSON for gis::CoordinateTransform, or std::nullopt when the layer
/// has none. `swap_xy` tells whether the data's (x, y) are in the CRS's authority axis order
/// with northing/latitude first, so that they must be swapped to (east, north).
struct LayerCrs {
    std::string definition;
    bool swap_xy = false;
};
inline std::optional<LayerCrs> layer_crs(OGRLayer& layer) {
    const OGRSpatialReference* srs = layer.GetSpatialRef();
    if (srs == nullptr) {
        return std::nullopt;
    }
    char* json = nullptr;
    if (srs->exportToPROJJSON(&json, nullptr) != OGRERR_NONE || json == nullptr) {
        CPLFree(json);
        char* wkt = nullptr;
        const char* const options[] = {"FORMAT=WKT2_2019", nullptr};
        if (srs->exportToWkt(&wkt, options) != OGRERR_NONE || wkt == nullptr) {
            CPLFree(wkt);
            return std::nullopt;
        }
        json = wkt;
    }
    LayerCrs crs{json, false};
    CPLFree(json);
    const bool north_first = srs->EPSGTreatsAsLatLong() || srs->EPSGTreatsAsNorthingEasting();
    const std::vector<int>& mapping = srs->GetDataAxisToSRSAxisMapping();
    crs.swap_xy = north_first && mapping.size() >= 2 && mapping[0] == 1 && mapping[1] == 2;
    return crs;
}

} // namespace ykm::data::gdal

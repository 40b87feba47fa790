#include "ykm/data/layer_import.hpp"

#include "gdal_support.hpp"
#include "ykm/gis/error.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ykm::data {
namespace {

constexpr std::array<const char*, 3> mapping_keys{"name", "code", "capacity"};

struct TransformDeleter {
    void operator()(OGRCoordinateTransformation* t) const noexcept {
        OGRCoordinateTransformation::DestroyCT(t);
    }
};
using TransformPtr = std::unique_ptr<OGRCoordinateTransformation, TransformDeleter>;

enum class Shape { polygons, points };

bool fits(Shape shape, OGRwkbGeometryType type) {
    const OGRwkbGeometryType flat = wkbFlatten(type);
    if (shape == Shape::polygons) {
        return flat == wkbPolygon || flat == wkbMultiPolygon || flat == wkbCurvePolygon ||
               flat == wkbMultiSurface;
    }
    return flat == wkbPoint || flat == wkbMultiPoint;
}

const char* shape_name(Shape shape) {
    return shape == Shape::polygons ? "polygons" : "points";
}

// A vector source opened, its layer chosen and its CRS tied to the project's, shared by the three
// readers. Calls `each` with every feature's geometry already in the project CRS.
class LayerReader {
public:
    LayerReader(const std::filesystem::path& source, gis::Epsg project_crs,
                const LayerImportOptions& options, Shape shape)
        : m_file(source.string()), m_shape(shape), m_options(options) {
        for (const auto& [key, field] : options.field_of) {
            if (std::ranges::find(mapping_keys, key) == mapping_keys.end()) {
                throw Error(m_file + ": unknown field mapping key '" + key +
                            "' (keys: name, code, capacity)");
            }
        }
        m_dataset = gdal::open_vector(source, options.encoding, m_errors);
        const auto accept = [shape](OGRwkbGeometryType t) {
            return fits(shape, t) || wkbFlatten(t) == wkbUnknown;
        };
        m_layer = &gdal::pick_layer(*m_dataset, source, options.layer, accept, shape_name(shape));
        m_where = "layer " + std::string(m_layer->GetName()) + " of " + m_file;
        if (!accept(m_layer->GetGeomType())) {
            throw Error(m_where + " holds " + gdal::geometry_type_name(m_layer->GetGeomType()) +
                        ", not " + shape_name(shape));
        }

        if (options.source_crs) {
            m_source_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
            if (m_source_srs.SetFromUserInput(options.source_crs->c_str()) != OGRERR_NONE) {
                throw Error(m_file + ": source CRS '" + *options.source_crs +
                            "' is not one PROJ knows" + m_errors.suffix());
            }
        } else if (const OGRSpatialReference* srs = m_layer->GetSpatialRef()) {
            // The layer's SRS carries the axis order of its data.
            m_source_srs = *srs;
        } else {
            throw Error(m_file + " has no CRS" +
                        (gdal::is_shapefile(source) ? " (.prj missing)" : "") +
                        "; give --source-crs EPSG:n");
        }
        m_target_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        if (m_target_srs.importFromEPSG(project_crs.code) != OGRERR_NONE) {
            throw Error("project CRS " + gis::to_string(project_crs) + " is unknown to GDAL" +
                        m_errors.suffix());
        }
        m_transform.reset(OGRCreateCoordinateTransformation(&m_source_srs, &m_target_srs));
        if (!m_transform) {
            throw Error(m_where + ": cannot transform to " + gis::to_string(project_crs) +
                        m_errors.suffix());
        }
    }

    [[nodiscard]] const std::string& where() const { return m_where; }

    int field(const std::string& key, std::initializer_list<const char*> defaults) {
        return gdal::find_field(*m_layer->GetLayerDefn(), m_file, key, m_options.field_of,
                                defaults);
    }

    template <typename Each>
    void read(Each each) {
        m_layer->ResetReading();
        std::size_t number = 0;
        std::size_t accepted = 0;
        while (gdal::FeaturePtr feature{m_layer->GetNextFeature()}) {
            ++number;
            OGRGeometry* geometry = feature->GetGeometryRef();
            if (geometry == nullptr || geometry->IsEmpty()) {
                continue;
            }
            const std::string what = m_where + ", feature " + std::to_string(feature->GetFID());
            if (!fits(m_shape, geometry->getGeometryType())) {
                const std::string type = gdal::geometry_type_name(geometry->getGeometryType());
                // A layer of mixed type that starts wrong is most likely the wrong file.
                throw Error(accepted == 0
                                ? m_where + " holds " + type + ", not " + shape_name(m_shape)
                                : what + " is a " + type + ", not " + shape_name(m_shape));
            }
            if (OGR_GT_IsNonLinear(geometry->getGeometryType())) {
                feature->SetGeometryDirectly(geometry->getLinearGeometry());
                geometry = feature->GetGeometryRef();
            }
            geometry->flattenTo2D();
            if (geometry->transform(m_transform.get()) != OGRERR_NONE) {
                throw Error(what + ": cannot transform to the project CRS" + m_errors.suffix());
            }
            each(*feature, *geometry, number);
            ++accepted;
        }
        if (m_errors.has_failures()) {
            throw Error(m_where + ": reading failed: " + m_errors.messages());
        }
    }

private:
    std::string m_file;
    Shape m_shape;
    const LayerImportOptions& m_options;
    gdal::ErrorRecorder m_errors;
    gdal::DatasetPtr m_dataset;
    OGRLayer* m_layer = nullptr;
    std::string m_where;
    OGRSpatialReference m_source_srs;
    OGRSpatialReference m_target_srs;
    TransformPtr m_transform;
};

std::optional<double> parse_number(const std::string& text) {
    const auto start = text.find_first_of("0123456789.");
    if (start == std::string::npos) {
        return std::nullopt;
    }
    // Capacities are often written with thousands separators ("12,000").
    std::string digits;
    for (std::size_t i = start; i < text.size(); ++i) {
        if (text[i] != ',') {
            digits += text[i];
        }
    }
    double value = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc()) {
        return std::nullopt;
    }
    return value;
}

// Reads points as sites; `make_fill(reader)` looks up the site's own fields and returns what
// fills them in from a feature.
template <typename Site, typename MakeFill>
std::vector<Site> read_points(const std::filesystem::path& source, gis::Epsg project_crs,
                              const LayerImportOptions& options, const std::string& fallback,
                              std::initializer_list<const char*> name_fields, MakeFill make_fill) {
    LayerReader reader(source, project_crs, options, Shape::points);
    const int name_field = reader.field("name", name_fields);
    auto fill = make_fill(reader);
    std::vector<Site> sites;
    reader.read([&](OGRFeature& feature, const OGRGeometry& geometry, std::size_t number) {
        const std::string name =
            gdal::field_text(feature, name_field).value_or(fallback + " " + std::to_string(number));
        auto add = [&](const OGRPoint& p) {
            Site site;
            site.name = name;
            site.position = gis::XY{p.getX(), p.getY()};
            fill(site, feature);
            sites.push_back(std::move(site));
        };
        if (wkbFlatten(geometry.getGeometryType()) == wkbPoint) {
            add(*geometry.toPoint());
        } else {
            for (const OGRPoint* p : *geometry.toMultiPoint()) {
                add(*p);
            }
        }
    });
    if (sites.empty()) {
        throw Error(reader.where() + " holds no points");
    }
    return sites;
}

} // namespace

std::vector<District> read_districts(const std::filesystem::path& source, gis::Epsg project_crs,
                                     const LayerImportOptions& options) {
    LayerReader reader(source, project_crs, options, Shape::polygons);
    const int name_field = reader.field("name", {"name", "名称", "工区名"});
    const int code_field = reader.field("code", {"code", "コード", "工区コード", "工区番号"});
    std::vector<District> districts;
    reader.read([&](OGRFeature& feature, const OGRGeometry& geometry, std::size_t number) {
        District d;
        d.name =
            gdal::field_text(feature, name_field).value_or("District " + std::to_string(number));
        d.code = gdal::field_text(feature, code_field).value_or("");
        d.wkb.resize(geometry.WkbSize());
        if (geometry.exportToWkb(wkbNDR, d.wkb.data(), wkbVariantIso) != OGRERR_NONE) {
            throw Error(reader.where() + ", feature " + std::to_string(feature.GetFID()) +
                        ": cannot write its polygon");
        }
        districts.push_back(std::move(d));
    });
    if (districts.empty()) {
        throw Error(reader.where() + " holds no polygons");
    }
    return districts;
}

std::vector<Depot> read_depots(const std::filesystem::path& source, gis::Epsg project_crs,
                               const LayerImportOptions& options) {
    return read_points<Depot>(source, project_crs, options, "Depot",
                              {"name", "名称", "基地名", "ステーション名"},
                              [](LayerReader&) { return [](Depot&, OGRFeature&) {}; });
}

std::vector<DumpSite> read_dump_sites(const std::filesystem::path& source, gis::Epsg project_crs,
                                      const LayerImportOptions& options) {
    return read_points<DumpSite>(
        source, project_crs, options, "Dump site", {"name", "名称", "堆積場名"},
        [](LayerReader& reader) {
            const int capacity = reader.field("capacity", {"capacity_m3", "capacity", "容量"});
            return [capacity](DumpSite& site, OGRFeature& feature) {
                if (auto text = gdal::field_text(feature, capacity)) {
                    site.capacity_m3 = parse_number(*text);
                }
            };
        });
}

} // namespace ykm::data

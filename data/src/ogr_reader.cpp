#include "gdal_support.hpp"
#include "source_readers.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/error.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ykm::data {
namespace {

bool is_line_type(OGRwkbGeometryType type) {
    const OGRwkbGeometryType flat = wkbFlatten(type);
    return flat == wkbLineString || flat == wkbMultiLineString ||
           OGR_GT_IsSubClassOf(flat, wkbCurve) || flat == wkbMultiCurve;
}

// A layer whose type says nothing (GeoJSON with mixed features, GPKG GEOMETRY) may hold lines.
bool may_hold_lines(OGRwkbGeometryType type) {
    return is_line_type(type) || wkbFlatten(type) == wkbUnknown;
}

std::string lower(std::string s) {
    std::ranges::transform(s, s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// The first number in a value ("2", "2.5 m", "['2', '3']").
template <typename T>
std::optional<T> first_number(const std::string& value) {
    const auto start = value.find_first_of("0123456789");
    if (start == std::string::npos) {
        return std::nullopt;
    }
    T number{};
    const char* end = value.data() + value.size();
    auto [ptr, ec] = std::from_chars(value.data() + start, end, number);
    if (ec != std::errc()) {
        return std::nullopt;
    }
    return number;
}

enum class Direction { both, forward, backward };

std::optional<Direction> parse_oneway(const std::string& raw) {
    const std::string value = lower(trim(raw));
    if (value == "yes" || value == "true" || value == "1" || value == "t" || value == "y") {
        return Direction::forward;
    }
    if (value == "-1" || value == "reverse") {
        return Direction::backward;
    }
    if (value.empty() || value == "no" || value == "false" || value == "0" || value == "f" ||
        value == "n") {
        return Direction::both;
    }
    return std::nullopt;
}

std::optional<bool> parse_sidewalk(const std::string& raw) {
    const std::string value = lower(trim(raw));
    if (value == "yes" || value == "true" || value == "1" || value == "both" || value == "left" ||
        value == "right" || value == "separate" || value == "有" || value == "あり") {
        return true;
    }
    if (value == "no" || value == "none" || value == "false" || value == "0" || value == "無" ||
        value == "なし") {
        return false;
    }
    return std::nullopt;
}

bool is_valid_utf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t extra = 0;
        if (c < 0x80) {
            extra = 0;
        } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
            extra = 1;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
        } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
            extra = 3;
        } else {
            return false;
        }
        if (i + extra >= s.size()) {
            return false;
        }
        for (std::size_t k = 1; k <= extra; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
                return false;
            }
        }
        i += extra + 1;
    }
    return true;
}

// Appends the line parts of a geometry; returns the OGC name of a geometry that is not lines.
std::optional<std::string> collect_parts(const OGRGeometry& geometry,
                                         std::vector<gis::Polyline>& parts) {
    const OGRwkbGeometryType flat = wkbFlatten(geometry.getGeometryType());
    if (flat == wkbLineString) {
        const auto& line = *geometry.toLineString();
        gis::Polyline points;
        points.reserve(static_cast<std::size_t>(line.getNumPoints()));
        for (int i = 0; i < line.getNumPoints(); ++i) {
            points.push_back(gis::XY{line.getX(i), line.getY(i)});
        }
        parts.push_back(std::move(points));
        return std::nullopt;
    }
    if (flat == wkbMultiLineString) {
        for (const OGRLineString* part : *geometry.toMultiLineString()) {
            if (auto bad = collect_parts(*part, parts)) {
                return bad;
            }
        }
        return std::nullopt;
    }
    if (OGR_GT_IsSubClassOf(flat, wkbCurve) || flat == wkbMultiCurve) {
        std::unique_ptr<OGRGeometry> linear(geometry.getLinearGeometry());
        if (linear) {
            return collect_parts(*linear, parts);
        }
    }
    return gdal::geometry_type_name(geometry.getGeometryType());
}

struct Fields {
    int id = -1;
    int name = -1;
    int road_class = -1;
    int priority = -1;
    int lanes = -1;
    int width = -1;
    int oneway = -1;
    int sidewalk = -1;
};

} // namespace

SourceLines read_ogr_lines(const std::filesystem::path& file, const RoadImportOptions& options) {
    const std::string name = file.string();
    gdal::ErrorRecorder errors;
    gdal::DatasetPtr dataset = gdal::open_vector(file, options.encoding, errors);
    OGRLayer& layer = gdal::pick_layer(*dataset, file, options.layer, may_hold_lines, "lines");
    const std::string where = "layer " + std::string(layer.GetName()) + " of " + name;
    if (!may_hold_lines(layer.GetGeomType())) {
        throw Error(where + " holds " + gdal::geometry_type_name(layer.GetGeomType()) +
                    ", not lines");
    }

    // The source CRS: the one given (for files without one, or that lie), else the layer's.
    std::optional<gdal::LayerCrs> crs;
    if (options.source_crs) {
        crs = gdal::LayerCrs{*options.source_crs, false};
    } else {
        crs = gdal::layer_crs(layer);
    }
    if (!crs) {
        throw Error(name + " has no CRS" + (gdal::is_shapefile(file) ? " (.prj missing)" : "") +
                    "; give --source-crs EPSG:n");
    }
    const gis::CoordinateTransform to_lonlat(crs->definition, gis::to_string(gis::wgs84));

    OGRFeatureDefn& definition = *layer.GetLayerDefn();
    const auto& mapping = options.mapping.field_of;
    Fields fields;
    fields.id = gdal::find_field(definition, name, "id", mapping, {"osm_id", "osmid", "id", "fid"});
    fields.name = gdal::find_field(definition, name, "name", mapping, {"name", "路線名"});
    fields.road_class =
        gdal::find_field(definition, name, "class", mapping, {"highway", "class", "road_class"});
    fields.priority = gdal::find_field(definition, name, "priority", mapping, {"priority", "種別"});
    fields.lanes = gdal::find_field(definition, name, "lanes", mapping, {"lanes"});
    fields.width =
        gdal::find_field(definition, name, "width", mapping, {"width", "width_m", "幅員"});
    fields.oneway = gdal::find_field(definition, name, "oneway", mapping, {"oneway"});
    fields.sidewalk = gdal::find_field(definition, name, "sidewalk", mapping, {"sidewalk"});

    SourceLines result;
    result.needs_noding = true;
    std::size_t without_geometry = 0;
    std::size_t skipped_by_class = 0;
    std::size_t not_utf8 = 0;
    std::map<std::string, std::size_t> bad_priority;
    std::map<std::string, std::size_t> bad_oneway;
    std::map<std::string, std::size_t> not_lines;
    const GIntBig total = layer.GetFeatureCount(FALSE);

    layer.ResetReading();
    while (gdal::FeaturePtr feature{layer.GetNextFeature()}) {
        ++result.features_read;
        if (options.progress && total > 0 && result.features_read % 4096 == 0) {
            options.progress("reading " + file.filename().string(),
                             static_cast<double>(result.features_read) /
                                 static_cast<double>(total));
        }
        const OGRGeometry* geometry = feature->GetGeometryRef();
        if (geometry == nullptr || geometry->IsEmpty()) {
            ++without_geometry;
            continue;
        }
        std::vector<gis::Polyline> parts;
        if (auto other = collect_parts(*geometry, parts)) {
            ++not_lines[*other];
            continue;
        }

        gis::RoadAttributes attributes;
        attributes.source_id =
            gdal::field_text(*feature, fields.id).value_or(std::to_string(feature->GetFID()));
        attributes.name = gdal::field_text(*feature, fields.name).value_or("");
        attributes.road_class = gdal::field_text(*feature, fields.road_class).value_or("");
        if (!attributes.road_class.empty() && options.priorities.skips(attributes.road_class)) {
            ++skipped_by_class;
            continue;
        }
        if (!is_valid_utf8(attributes.name) || !is_valid_utf8(attributes.road_class)) {
            ++not_utf8;
        }

        std::optional<gis::PriorityClass> priority;
        if (auto value = gdal::field_text(*feature, fields.priority);
            value && !trim(*value).empty()) {
            priority = gis::parse_priority(*value);
            if (!priority) {
                priority = options.priorities.lookup(*value);
            }
            if (!priority) {
                ++bad_priority[*value];
            }
        }
        if (!priority) {
            priority = options.priorities.lookup(attributes.road_class);
        }
        attributes.priority = priority.value_or(gis::PriorityClass::none);

        if (auto value = gdal::field_text(*feature, fields.lanes)) {
            attributes.lanes = first_number<int>(*value);
        }
        if (auto value = gdal::field_text(*feature, fields.width)) {
            attributes.width_m = first_number<double>(*value);
        }
        Direction direction = Direction::both;
        if (auto value = gdal::field_text(*feature, fields.oneway)) {
            if (auto parsed = parse_oneway(*value)) {
                direction = *parsed;
            } else {
                ++bad_oneway[*value];
            }
        }
        attributes.oneway = direction != Direction::both;
        if (auto value = gdal::field_text(*feature, fields.sidewalk)) {
            attributes.sidewalk = parse_sidewalk(*value);
        }

        bool used = false;
        for (gis::Polyline& points : parts) {
            if (points.size() < 2) {
                continue;
            }
            if (crs->swap_xy) {
                for (gis::XY& p : points) {
                    std::swap(p.x, p.y);
                }
            }
            try {
                to_lonlat.forward(points);
            } catch (const Error& e) {
                throw Error(where + ", feature " + std::to_string(feature->GetFID()) + ": " +
                            e.what());
            }
            if (direction == Direction::backward) {
                std::ranges::reverse(points);
            }
            gis::RoadLine line;
            line.attributes = attributes;
            line.points = std::move(points);
            result.lines.push_back(std::move(line));
            used = true;
        }
        if (used) {
            ++result.features_used;
        }
    }
    if (errors.has_failures()) {
        throw Error(where + ": reading failed: " + errors.messages());
    }

    if (!not_lines.empty() && result.lines.empty()) {
        throw Error(where + " holds " + not_lines.begin()->first + ", not lines");
    }
    for (const auto& [type, count] : not_lines) {
        result.warnings.push_back(std::to_string(count) + " features held " + type +
                                  ", not lines (skipped)");
    }
    if (without_geometry > 0) {
        result.warnings.push_back(std::to_string(without_geometry) +
                                  " features had no geometry (skipped)");
    }
    if (skipped_by_class > 0) {
        result.warnings.push_back(std::to_string(skipped_by_class) +
                                  " features skipped: their class is mapped to skip");
    }
    for (const auto& [value, count] : bad_priority) {
        result.warnings.push_back(std::to_string(count) +
                                  " features had an unreadable priority value '" + value + "'");
    }
    for (const auto& [value, count] : bad_oneway) {
        result.warnings.push_back(std::to_string(count) +
                                  " features had an unreadable oneway value '" + value +
                                  "' (taken as two-way)");
    }
    if (not_utf8 > 0) {
        result.warnings.push_back(std::to_string(not_utf8) +
                                  " features had text that is not UTF-8; give --encoding "
                                  "(for example CP932) if the names look wrong");
    }
    for (const std::string& w : errors.warnings()) {
        result.warnings.push_back("GDAL: " + w);
    }
    return result;
}

} // namespace ykm::data

#include "ykm/data/road_import.hpp"

#include "source_readers.hpp"
#include "ykm/gis/error.hpp"

#include <algorithm>
#include <cctype>

namespace ykm::data {
namespace {

std::string lower(std::string s) {
    std::ranges::transform(s, s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

} // namespace

const std::vector<std::string>& FieldMapping::road_keys() {
    static const std::vector<std::string> keys{"id",    "name",   "class",    "priority",
                                               "lanes", "oneway", "sidewalk", "width"};
    return keys;
}

FieldMapping FieldMapping::parse(const std::vector<std::string>& items,
                                 const std::vector<std::string>& keys) {
    FieldMapping mapping;
    for (const std::string& item : items) {
        std::size_t start = 0;
        while (start <= item.size()) {
            const std::size_t comma = std::min(item.find(',', start), item.size());
            const std::string pair = item.substr(start, comma - start);
            start = comma + 1;
            if (pair.empty()) {
                continue;
            }
            const auto eq = pair.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
                throw Error("--map: '" + pair + "' is not key=FIELD");
            }
            const std::string key = pair.substr(0, eq);
            if (std::ranges::find(keys, key) == keys.end()) {
                std::string known;
                for (const std::string& k : keys) {
                    known += known.empty() ? k : ", " + k;
                }
                throw Error("--map: unknown key '" + key + "' (keys: " + known + ")");
            }
            mapping.field_of[key] = pair.substr(eq + 1);
        }
    }
    return mapping;
}

bool is_osm_file(const std::filesystem::path& path) {
    const std::string name = lower(path.filename().string());
    for (const char* suffix : {".osm", ".pbf", ".osm.bz2", ".osm.gz", ".o5m"}) {
        if (name.ends_with(suffix)) {
            return true;
        }
    }
    return false;
}

RoadImport import_roads(const std::vector<std::filesystem::path>& sources,
                        const RoadImportOptions& options) {
    if (sources.empty()) {
        throw Error("no source files given");
    }
    RoadImport result;
    std::vector<SourceLines> read;
    for (const auto& source : sources) {
        if (!std::filesystem::exists(source)) {
            throw Error(source.string() + ": no such file");
        }
        if (options.progress) {
            options.progress("reading " + source.filename().string(), 0.0);
        }
        read.push_back(is_osm_file(source) ? read_osm_lines(source, options)
                                           : read_ogr_lines(source, options));
        SourceLines& lines = read.back();
        result.features_read += lines.features_read;
        result.features_used += lines.features_used;
        for (std::string& w : lines.warnings) {
            result.warnings.push_back(source.filename().string() + ": " + std::move(w));
        }
        if (!lines.attribution.empty() &&
            result.attribution.find(lines.attribution) == std::string::npos) {
            result.attribution +=
                result.attribution.empty() ? lines.attribution : "; " + lines.attribution;
        }
        if (lines.lines.empty()) {
            throw Error(source.string() + ": no roads to import");
        }
    }

    gis::Box extent = gis::Box::empty();
    for (const SourceLines& s : read) {
        for (const gis::RoadLine& line : s.lines) {
            for (const gis::XY& p : line.points) {
                extent.extend(p);
            }
        }
    }
    const gis::Epsg crs = options.crs.value_or(gis::choose_projected_crs(
        gis::LonLat{(extent.min_x + extent.max_x) / 2.0, (extent.min_y + extent.max_y) / 2.0}));

    if (options.progress) {
        options.progress("projecting to " + gis::to_string(crs), 0.0);
    }
    gis::CoordinateTransform to_project(gis::wgs84, crs);
    // Lines without vertex identity are noded together, so that sources meet each other and
    // their keys come from one numbering.
    std::vector<gis::RoadLine> all;
    std::vector<gis::RoadLine> unnoded;
    for (SourceLines& s : read) {
        for (gis::RoadLine& line : s.lines) {
            to_project.forward(line.points);
        }
        std::ranges::move(s.lines, std::back_inserter(s.needs_noding ? unnoded : all));
    }
    if (!unnoded.empty()) {
        if (options.progress) {
            options.progress("noding lines", 0.0);
        }
        gis::node_lines(unnoded, options.noding);
        std::ranges::move(unnoded, std::back_inserter(all));
    }
    if (options.progress) {
        options.progress("building the road graph", 0.0);
    }
    result.network = gis::build_road_network(std::move(all), crs);
    if (options.progress) {
        options.progress("building the road graph", 1.0);
    }
    return result;
}

} // namespace ykm::data

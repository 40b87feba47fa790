#include "source_readers.hpp"
#include "ykm/gis/error.hpp"

#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/index/map/sparse_mem_array.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/osm/node.hpp>
#include <osmium/osm/way.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <new>
#include <string_view>

namespace ykm::data {
namespace {

// FlexMem switches between a dense and a sparse array by the ids it sees, which suits any
// extract from a town to a prefecture. Negative ids (files saved by JOSM) are few.
using PositiveIndex =
    osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
using NegativeIndex =
    osmium::index::map::SparseMemArray<osmium::unsigned_object_id_type, osmium::Location>;
using LocationHandler = osmium::handler::NodeLocationsForWays<PositiveIndex, NegativeIndex>;

std::string lower(std::string s) {
    std::ranges::transform(s, s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// libosmium detects the format from the file name, but only from lower-case suffixes.
std::string osmium_format(const std::filesystem::path& file) {
    const std::string name = lower(file.filename().string());
    for (const char* suffix : {".osm.pbf", ".pbf", ".osm.bz2", ".osm.gz", ".osm", ".o5m"}) {
        if (name.ends_with(suffix)) {
            return std::string(suffix + 1) == "osm.pbf" ? "pbf" : std::string(suffix + 1);
        }
    }
    return {};
}

bool is_one_of(std::string_view value, std::initializer_list<std::string_view> choices) {
    return std::ranges::find(choices, value) != choices.end();
}

std::string_view tag(const osmium::TagList& tags, const char* key) {
    const char* value = tags.get_value_by_key(key);
    return value == nullptr ? std::string_view{} : std::string_view{value};
}

// Plows serve public roads: a way closed to motor vehicles, or private, is not the city's to
// clear. The most specific of motor_vehicle, vehicle and access decides, as OSM defines it.
// access=destination, customers, permissive etc. stay in.
bool closed_to_the_public(const osmium::TagList& tags) {
    for (const char* key : {"motor_vehicle", "vehicle", "access"}) {
        const std::string_view value = tag(tags, key);
        if (!value.empty()) {
            return is_one_of(value, {"no", "private"});
        }
    }
    return false;
}

struct Direction {
    bool oneway = false;
    bool reversed = false;
};

Direction direction(const osmium::TagList& tags, std::string_view highway) {
    const std::string_view oneway = tag(tags, "oneway");
    if (is_one_of(oneway, {"yes", "true", "1"})) {
        return {true, false};
    }
    if (is_one_of(oneway, {"-1", "reverse"})) {
        return {true, true};
    }
    // Reversible and alternating roads carry traffic both ways, so a plow treats them as two-way.
    if (is_one_of(oneway, {"no", "false", "0", "reversible", "alternating"})) {
        return {false, false};
    }
    const bool implied =
        highway == "motorway" || is_one_of(tag(tags, "junction"), {"roundabout", "circular"});
    return {implied, false};
}

std::optional<int> parse_lanes(std::string_view text) {
    int lanes = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), lanes);
    if (error != std::errc{} || end != text.data() + text.size() || lanes <= 0) {
        return std::nullopt;
    }
    return lanes;
}

// "7", "7.5", "7,5", "7 m", "7m"; other units (feet) and ranges give nothing.
std::optional<double> parse_width_m(std::string_view text) {
    std::string s(text);
    std::ranges::replace(s, ',', '.');
    double width = 0.0;
    const char* end = s.data() + s.size();
    const auto [rest, error] = std::from_chars(s.data(), end, width);
    if (error != std::errc{} || !(width > 0.0)) {
        return std::nullopt;
    }
    std::string_view unit(rest, static_cast<std::size_t>(end - rest));
    while (!unit.empty() && unit.front() == ' ') {
        unit.remove_prefix(1);
    }
    if (!unit.empty() && unit != "m") {
        return std::nullopt;
    }
    return width;
}

std::optional<bool> sidewalk_value(std::string_view value) {
    if (is_one_of(value, {"both", "left", "right", "yes"})) {
        return true;
    }
    if (is_one_of(value, {"no", "none", "separate"})) {
        return false;
    }
    return std::nullopt;
}

// sidewalk=*, else the newer sidewalk:both / :left / :right scheme.
std::optional<bool> parse_sidewalk(const osmium::TagList& tags) {
    if (const std::string_view value = tag(tags, "sidewalk"); !value.empty()) {
        return sidewalk_value(value);
    }
    std::optional<bool> result;
    for (const char* key : {"sidewalk:both", "sidewalk:left", "sidewalk:right"}) {
        if (const auto side = sidewalk_value(tag(tags, key))) {
            result = result.value_or(false) || *side;
        }
    }
    return result;
}

std::string road_name(const osmium::TagList& tags) {
    for (const char* key : {"name", "name:ja", "ref"}) {
        if (const std::string_view value = tag(tags, key); !value.empty()) {
            return std::string(value);
        }
    }
    return {};
}

class RoadCollector {
public:
    explicit RoadCollector(const RoadImportOptions& options) : m_options(options) {}

    void way(osmium::Way& way, LocationHandler& locations, SourceLines& out) {
        ++out.features_read;
        const osmium::TagList& tags = way.tags();
        const std::string_view highway = tag(tags, "highway");
        if (highway.empty()) {
            return;
        }
        const auto priority = m_options.priorities.lookup(std::string(highway));
        if (!priority || tag(tags, "area") == "yes" || closed_to_the_public(tags)) {
            return;
        }

        gis::RoadAttributes attributes;
        attributes.source_id = std::to_string(way.id());
        attributes.name = road_name(tags);
        attributes.road_class = std::string(highway);
        attributes.priority = *priority;
        attributes.lanes = parse_lanes(tag(tags, "lanes"));
        attributes.width_m = parse_width_m(tag(tags, "width"));
        const Direction dir = direction(tags, highway);
        attributes.oneway = dir.oneway;
        attributes.sidewalk = parse_sidewalk(tags);

        locations.way(way);
        // A clipped extract leaves a way's nodes outside the clip without a location: keep each
        // run of located nodes as a line of its own rather than bridge the gap.
        std::vector<gis::RoadLine> runs;
        gis::RoadLine run;
        bool missing = false;
        auto flush = [&] {
            if (run.points.size() >= 2) {
                run.attributes = attributes;
                runs.push_back(std::move(run));
            }
            run = gis::RoadLine{};
        };
        for (const osmium::NodeRef& node : way.nodes()) {
            const osmium::Location location = node.location();
            if (!location.valid()) {
                missing = true;
                flush();
                continue;
            }
            run.points.push_back(gis::XY{location.lon(), location.lat()});
            run.vertex_keys.push_back(node.ref());
        }
        flush();

        if (missing) {
            ++m_ways_with_missing_nodes;
            if (runs.empty()) {
                ++m_ways_dropped;
            }
        }
        if (runs.empty()) {
            return;
        }
        if (dir.reversed) {
            std::ranges::reverse(runs);
            for (gis::RoadLine& line : runs) {
                std::ranges::reverse(line.points);
                std::ranges::reverse(line.vertex_keys);
            }
        }
        ++out.features_used;
        std::ranges::move(runs, std::back_inserter(out.lines));
    }

    void add_warnings(SourceLines& out) const {
        if (m_ways_with_missing_nodes == 0) {
            return;
        }
        std::string warning = std::to_string(m_ways_with_missing_nodes) +
                              (m_ways_with_missing_nodes == 1 ? " way" : " ways") +
                              " referenced nodes not in the file; kept their parts inside it";
        if (m_ways_dropped > 0) {
            warning +=
                ", dropped " + std::to_string(m_ways_dropped) + " with fewer than two nodes inside";
        }
        out.warnings.push_back(std::move(warning));
    }

private:
    const RoadImportOptions& m_options;
    std::size_t m_ways_with_missing_nodes = 0;
    std::size_t m_ways_dropped = 0;
};

SourceLines read_lines(const std::filesystem::path& file, const RoadImportOptions& options,
                       std::uintmax_t file_size) {
    SourceLines out;
    out.attribution = "© OpenStreetMap contributors (ODbL)";
    out.needs_noding = false;

    PositiveIndex positive;
    NegativeIndex negative;
    LocationHandler locations(positive, negative);
    locations.ignore_errors();
    RoadCollector collector(options);

    const std::string stage = "reading " + file.filename().string();
    osmium::io::Reader reader(osmium::io::File(file.string(), osmium_format(file)),
                              osmium::osm_entity_bits::node | osmium::osm_entity_bits::way,
                              osmium::io::read_meta::no);
    double reported = 0.0;
    while (osmium::memory::Buffer buffer = reader.read()) {
        for (osmium::OSMEntity& entity : buffer.select<osmium::OSMEntity>()) {
            if (entity.type() == osmium::item_type::node) {
                locations.node(static_cast<const osmium::Node&>(entity));
            } else if (entity.type() == osmium::item_type::way) {
                collector.way(static_cast<osmium::Way&>(entity), locations, out);
            }
        }
        if (options.progress) {
            const double fraction = std::min(1.0, static_cast<double>(reader.offset()) /
                                                      static_cast<double>(file_size));
            if (fraction >= reported + 0.01) {
                options.progress(stage, fraction);
                reported = fraction;
            }
        }
    }
    reader.close();
    if (options.progress) {
        options.progress(stage, 1.0);
    }
    collector.add_warnings(out);
    return out;
}

} // namespace

SourceLines read_osm_lines(const std::filesystem::path& file, const RoadImportOptions& options) {
    std::error_code error;
    const auto status = std::filesystem::status(file, error);
    if (!std::filesystem::exists(status)) {
        throw Error(file.string() + ": no such file");
    }
    if (!std::filesystem::is_regular_file(status)) {
        throw Error(file.string() + ": not a file");
    }
    const std::uintmax_t size = std::filesystem::file_size(file, error);
    if (error) {
        throw Error(file.string() + ": cannot read: " + error.message());
    }
    if (size == 0) {
        throw Error(file.string() + ": the file is empty");
    }
    try {
        return read_lines(file, options, size);
    } catch (const Error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        // osmium::io_error, pbf_error, xml_error, gzip_error, std::system_error: all say what is
        // wrong with the file but not which file.
        throw Error(file.string() +
                    ": not a readable OSM file (truncated or corrupt?): " + e.what());
    }
}

} // namespace ykm::data

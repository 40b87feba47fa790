#include "commands.hpp"

#include "ykm/data/export.hpp"
#include "ykm/data/layer_import.hpp"
#include "ykm/data/project.hpp"
#include "ykm/data/road_import.hpp"

#include <cstdio>

namespace ykm::cli {

namespace {
constexpr const char* add_layer_usage =
    R"(usage: ykm add-layer PROJECT districts|depots|dump_sites SOURCE [options]

Replaces the project's districts (工区, polygons), depots (points) or dump sites (points) with
the features of any GDAL/OGR source, transformed to the project CRS. Road segments are assigned
to the district that holds their midpoint.

  --layer NAME          the layer to read from sources with several
  --source-crs CRS      CRS of a source that has none
  --encoding E          Shapefile attribute encoding (CP932, UTF-8)
  --map KEY=FIELD,...   source fields for name, code (districts), capacity (dump sites, m³)
)";

constexpr const char* export_usage = R"(usage: ykm export PROJECT LAYER OUTPUT [-f FORMAT]

Writes a layer (road_segments, road_nodes, districts, depots, dump_sites) through GDAL.
FORMAT is GeoJSON, GPKG, "ESRI Shapefile" or CSV; by default it follows OUTPUT's extension.
GeoJSON is written in WGS 84 (RFC 7946), the other formats in the project CRS.
)";
} // namespace

int run_add_layer(Args& args) {
    if (args.flag("--help")) {
        std::fputs(add_layer_usage, stdout);
        return 0;
    }
    data::LayerImportOptions options;
    options.layer = args.take("--layer");
    options.source_crs = args.take("--source-crs");
    options.encoding = args.take("--encoding");
    options.field_of =
        data::FieldMapping::parse(args.take_all("--map"), {"name", "code", "capacity"}).field_of;
    const auto files = args.positional(3, 3, "PROJECT LAYER SOURCE (see ykm add-layer --help)");
    const data::Layer layer = data::parse_layer(files[1]);
    data::Project project = data::Project::open(files[0]);
    const std::filesystem::path source = files[2];
    std::size_t count = 0;
    switch (layer) {
    case data::Layer::districts: {
        const auto districts = data::read_districts(source, project.crs(), options);
        project.replace_districts(districts);
        count = districts.size();
        break;
    }
    case data::Layer::depots: {
        const auto depots = data::read_depots(source, project.crs(), options);
        project.replace_depots(depots);
        count = depots.size();
        break;
    }
    case data::Layer::dump_sites: {
        const auto sites = data::read_dump_sites(source, project.crs(), options);
        project.replace_dump_sites(sites);
        count = sites.size();
        break;
    }
    default:
        throw UsageError("add-layer: layer must be districts, depots or dump_sites; road layers "
                         "come from 'ykm import'");
    }
    project.close();
    std::printf("%s: %zu %s from %s\n", files[0].c_str(), count, files[1].c_str(),
                source.string().c_str());
    return 0;
}

int run_export(Args& args) {
    if (args.flag("--help")) {
        std::fputs(export_usage, stdout);
        return 0;
    }
    auto format_name = args.take("-f");
    if (auto long_name = args.take("--format")) {
        format_name = long_name;
    }
    const auto files = args.positional(3, 3, "PROJECT LAYER OUTPUT (see ykm export --help)");
    const data::Layer layer = data::parse_layer(files[1]);
    const std::filesystem::path output = files[2];
    std::optional<data::ExportFormat> format;
    if (format_name) {
        format = data::parse_export_format(*format_name);
    } else {
        format = data::format_from_extension(output);
        if (!format) {
            throw UsageError("export: cannot tell the format from '" + output.string() +
                             "'; give -f GeoJSON|GPKG|\"ESRI Shapefile\"|CSV");
        }
    }
    // Opening first reports a missing or foreign project file before GDAL does.
    { (void)data::Project::open(files[0], data::OpenMode::read_only); }
    data::export_layer(files[0], layer, output, *format);
    std::printf("%s: wrote %s\n", output.string().c_str(), files[1].c_str());
    return 0;
}

} // namespace ykm::cli

#include "commands.hpp"
#include "progress.hpp"

#include "ykm/data/project.hpp"
#include "ykm/data/road_import.hpp"

#include <cstdio>

namespace ykm::cli {

namespace {
constexpr const char* import_usage = R"(usage: ykm import SOURCE... -o PROJECT [options]

Reads road lines from OpenStreetMap (.osm.pbf, .osm, .osm.bz2) and GDAL/OGR sources
(Shapefile, GeoPackage, GeoJSON, ...) into a new project file.

  -o, --output PROJECT    the project file to write (.ykm)
  --overwrite             replace PROJECT if it exists (it stays untouched if the import fails)
  --crs EPSG:n            the project CRS (default: JGD2011 plane rectangular zone in Japan,
                          UTM elsewhere, chosen from the data's location)
  --source-crs CRS        CRS of sources that have none (a Shapefile without .prj)
  --map KEY=FIELD,...     source fields for id, name, class, priority, lanes, width, oneway,
                          sidewalk (e.g. --map priority=種別,name=路線名)
  --priority-map FILE     'value = 1|2|3|none|skip' lines overriding the default table
                          (OSM highway=*, or the values of the class/priority field)
  --encoding E            Shapefile attribute encoding (CP932, UTF-8), overriding the .cpg
  --layer NAME            the layer to read from sources with several
  --snap M                snap line ends within M metres when noding (default 0.5)
  --split-crossings       also split lines where they cross (off: crossings may be bridges)
)";
} // namespace

int run_import(Args& args) {
    if (args.flag("--help")) {
        std::fputs(import_usage, stdout);
        return 0;
    }
    data::RoadImportOptions options;
    auto output = args.take("-o");
    if (auto long_output = args.take("--output")) {
        output = long_output;
    }
    const bool overwrite = args.flag("--overwrite");
    if (auto crs = args.take("--crs")) {
        options.crs = gis::parse_epsg(*crs);
    }
    options.source_crs = args.take("--source-crs");
    options.mapping = data::FieldMapping::parse(args.take_all("--map"));
    if (auto file = args.take("--priority-map")) {
        options.priorities = gis::PriorityTable::read(*file, gis::PriorityTable::osm_default());
    }
    options.encoding = args.take("--encoding");
    options.layer = args.take("--layer");
    if (auto snap = args.take("--snap")) {
        try {
            options.noding.snap_tolerance_m = std::stod(*snap);
        } catch (const std::exception&) {
            throw UsageError("import: --snap '" + *snap + "' is not a number of metres");
        }
        if (options.noding.snap_tolerance_m < 0) {
            throw UsageError("import: --snap must not be negative");
        }
    }
    options.noding.split_crossings = args.flag("--split-crossings");
    const auto sources = args.positional();
    if (sources.empty() || !output) {
        throw UsageError("import: expected SOURCE... -o PROJECT (see ykm import --help)");
    }
    options.progress = terminal_progress();

    const std::vector<std::filesystem::path> paths(sources.begin(), sources.end());
    data::RoadImport imported;
    {
        const ProgressLine line;
        imported = data::import_roads(paths, options);
        if (options.progress) {
            options.progress("writing " + std::filesystem::path(*output).filename().string(), 0.0);
        }
        data::create_project_atomically(
            *output, imported.network.crs, overwrite, [&](data::Project& project) {
                project.replace_road_network(imported.network);
                if (!imported.attribution.empty()) {
                    project.set_metadata("attribution", imported.attribution);
                }
                std::string joined;
                for (const auto& s : sources) {
                    joined += (joined.empty() ? "" : " ") + s;
                }
                project.set_metadata("source", joined);
            });
    }
    for (const std::string& warning : imported.warnings) {
        std::fprintf(stderr, "ykm import: warning: %s\n", warning.c_str());
    }
    double km = 0.0;
    for (const auto& s : imported.network.segments) {
        km += s.length_m / 1000.0;
    }
    std::printf("%s: %zu segments, %zu nodes, %.2f km of road in %s (%zu of %zu features used)\n",
                output->c_str(), imported.network.segments.size(), imported.network.nodes.size(),
                km, gis::to_string(imported.network.crs).c_str(), imported.features_used,
                imported.features_read);
    return 0;
}

} // namespace ykm::cli

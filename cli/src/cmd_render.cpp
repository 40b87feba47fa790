#include "commands.hpp"

#include "ykm/data/map_query.hpp"
#include "ykm/data/project.hpp"
#include "ykm/gis/crs.hpp"
#include "ykm/gis/map_renderer.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace ykm::cli {

namespace {
constexpr const char* render_usage =
    R"(usage: ykm render PROJECT -o OUTPUT.png|OUTPUT.pdf [--size WxH]
                  [--bbox MINX,MINY,MAXX,MAXY | --center LON,LAT --scale N]
                  [--title TEXT] [--legend] [--large-font] [--lang ja|en]

Draws the project's map: roads by snow priority class, districts, depots and dump sites, with a
scale bar and north arrow; street names at large scales. Needs no display.

  -o, --output FILE  a PNG picture, or a PDF map sheet (A4, landscape unless the picture is
                     taller than wide) with title, date, legend, scale bar, north arrow, CRS and
                     data attribution
  --size WxH         picture size in pixels (default 1600x1000); for a PDF, its proportions
  --bbox ...         the area to show, in the project CRS (metres)
  --center LON,LAT   the centre of the map in degrees, with --scale N for 1:N at 96 dpi
  --title TEXT       the sheet's title (default: the project file name)
  --legend           draw the legend on a PNG too
  --large-font       labels and symbols one and a half times as large
  --lang ja|en       language of the map's words (default ja)
  --timings          print to stderr how long reading, drawing and writing a PNG took (ms)
Without --bbox or --center the map shows all roads.
)";

std::vector<double> parse_numbers(const std::string& option, const std::string& text,
                                  std::size_t count, const std::string& form) {
    std::vector<double> values;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, ',')) {
        try {
            std::size_t used = 0;
            const double v = std::stod(part, &used);
            if (used != part.size() || !std::isfinite(v)) {
                throw std::invalid_argument(part);
            }
            values.push_back(v);
        } catch (const std::exception&) {
            values.clear();
            break;
        }
    }
    if (values.size() != count || text.empty() || text.back() == ',') {
        throw UsageError("render: " + option + " '" + text + "' is not " + form);
    }
    return values;
}

// Today in Japan: JST is UTC+9 all year (no daylight saving since 1951).
std::string today_in_japan() {
    const auto now = std::chrono::system_clock::now() + std::chrono::hours(9);
    const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(now)};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()),
                  static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
    return text;
}

} // namespace

int run_render(Args& args) {
    if (args.flag("--help")) {
        std::fputs(render_usage, stdout);
        return 0;
    }
    auto output = args.take("-o");
    if (auto long_output = args.take("--output")) {
        output = long_output;
    }
    const auto size_text = args.take("--size");
    const auto bbox_text = args.take("--bbox");
    const auto center_text = args.take("--center");
    const auto scale_text = args.take("--scale");
    const auto title = args.take("--title");
    const auto lang = args.take("--lang").value_or("ja");
    const bool legend = args.flag("--legend");
    const bool timings = args.flag("--timings");
    const bool large_font = args.flag("--large-font");
    const auto files = args.positional(1, 1, "PROJECT -o OUTPUT (see ykm render --help)");
    if (!output) {
        throw UsageError("render: expected -o OUTPUT.png or OUTPUT.pdf (see ykm render --help)");
    }
    std::string extension = std::filesystem::path(*output).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (extension != ".png" && extension != ".pdf") {
        throw Error(*output + ": unknown output format '" + extension + "' (use .png or .pdf)");
    }
    if (lang != "ja" && lang != "en") {
        throw UsageError("render: --lang '" + lang + "' is not ja or en");
    }
    const auto [width, height] =
        size_text ? parse_pixel_size(*size_text, "render: --size") : std::pair{1600, 1000};
    if (bbox_text && (center_text || scale_text)) {
        throw UsageError("render: --bbox and --center/--scale exclude each other");
    }
    std::optional<gis::Box> bbox;
    if (bbox_text) {
        const auto v = parse_numbers("--bbox", *bbox_text, 4, "MINX,MINY,MAXX,MAXY");
        if (!(v[0] < v[2]) || !(v[1] < v[3])) {
            throw UsageError("render: --bbox '" + *bbox_text +
                             "' is empty: MINX must be below MAXX and MINY below MAXY");
        }
        bbox = gis::Box{v[0], v[1], v[2], v[3]};
    }
    std::optional<gis::LonLat> center;
    if (center_text) {
        const auto v = parse_numbers("--center", *center_text, 2, "LON,LAT in degrees");
        if (std::abs(v[0]) > 180.0 || std::abs(v[1]) > 90.0) {
            throw UsageError("render: --center '" + *center_text + "' is not a longitude,latitude");
        }
        center = gis::LonLat{v[0], v[1]};
    }
    std::optional<double> scale;
    if (scale_text) {
        const auto v = parse_numbers("--scale", *scale_text, 1, "a number N of 1:N");
        if (!(v[0] > 0.0)) {
            throw UsageError("render: --scale '" + *scale_text + "' is not positive");
        }
        scale = v[0];
    }

    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    gis::MapView view =
        gis::MapView::fit(bbox ? *bbox : data::layer_extent(project, data::Layer::road_segments),
                          width, height, bbox ? 0.0 : 0.05);
    if (center) {
        gis::CoordinateTransform to_project(gis::wgs84, project.crs());
        const gis::XY c = to_project.forward(gis::XY{center->lon_deg, center->lat_deg});
        view = gis::MapView(c, view.metres_per_pixel(), width, height);
    }
    if (scale) {
        view = view.at_scale(*scale);
    }

    gis::MapStyle style;
    style.language = lang == "ja" ? gis::MapLanguage::japanese : gis::MapLanguage::english;
    style.legend = legend;
    style.text_scale = large_font ? 1.5 : 1.0;
    gis::MapRenderer renderer;
    if (extension == ".png") {
        using Clock = std::chrono::steady_clock;
        const auto ms = [](Clock::time_point from, Clock::time_point to) {
            return std::chrono::duration<double, std::milli>(to - from).count();
        };
        const auto t0 = Clock::now();
        const gis::MapContent content = data::query_map_content(project, view, style);
        const auto t1 = Clock::now();
        const gis::Image image = renderer.render(content, view, style);
        const auto t2 = Clock::now();
        gis::MapRenderer::write_png(image, *output);
        const auto t3 = Clock::now();
        if (timings) {
            std::fprintf(stderr, "read_ms=%.1f draw_ms=%.1f write_ms=%.1f roads=%zu\n", ms(t0, t1),
                         ms(t1, t2), ms(t2, t3), content.roads.size());
        }
        std::printf("%s: %dx%d map at 1:%.0f\n", output->c_str(), width, height,
                    view.scale_denominator());
        return 0;
    }
    // The sheet fits the view into a frame of other proportions: read a square around it that
    // holds whatever the frame shows beyond the view.
    const int side = 2 * std::max(width, height);
    const gis::MapContent content =
        data::query_map_content(project, view.resized(side, side), style);
    gis::MapRenderer::SheetOptions sheet;
    sheet.title = title ? *title : std::filesystem::path(files[0]).filename().string();
    sheet.date = today_in_japan();
    sheet.attribution = project.metadata("attribution").value_or("");
    sheet.crs_name = gis::to_string(project.crs()) + " " + gis::crs_name(project.crs());
    renderer.write_pdf_sheet(content, view, style, sheet, *output);
    std::printf("%s: map sheet \"%s\"\n", output->c_str(), sheet.title.c_str());
    return 0;
}

} // namespace ykm::cli

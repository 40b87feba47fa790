#pragma once

// Drawing helpers shared by the printed sheets (driver sheets, work-order sheets): A4 pages drawn
// with cairo, text set with pango, a map of road lines with its frame, scale bar and legend, and
// files written whole or not at all.

#include "ykm/gis/cairo_picture.hpp"
#include "ykm/gis/geometry.hpp"
#include "ykm/gis/map_renderer.hpp"
#include "ykm/gis/map_view.hpp"
#include "ykm/gis/road_network.hpp"

#include <cairo.h>
#include <pango/pangocairo.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace ykm::dispatch::pdf {

// ---- page --------------------------------------------------------------------------------------

/// fontconfig falls back to any installed font with the glyphs when this family is missing.
inline constexpr const char* font_family = "Noto Sans CJK JP, Noto Sans CJK, sans-serif";

/// A4 portrait in points.
inline constexpr double page_w = 595.276;
inline constexpr double page_h = 841.89;
inline constexpr double margin = 36.0;
inline constexpr double content_w = page_w - 2 * margin;

inline constexpr gis::Rgb text_colour{0x1A, 0x1A, 0x1A};
inline constexpr gis::Rgb rule_colour{0x9A, 0xA0, 0xA8};
inline constexpr gis::Rgb white{0xFF, 0xFF, 0xFF};
/// The fill behind every other row of a list.
inline constexpr gis::Rgb band_colour{0xF0, 0xF2, 0xF5};

// ---- owners of the C handles -------------------------------------------------------------------

struct CairoDeleter {
    void operator()(cairo_t* c) const noexcept { cairo_destroy(c); }
};
struct GObjectDeleter {
    void operator()(void* o) const noexcept { g_object_unref(o); }
};
struct FontDeleter {
    void operator()(PangoFontDescription* d) const noexcept { pango_font_description_free(d); }
};
using SurfacePtr = gis::CairoSurfacePtr;
using CairoPtr = std::unique_ptr<cairo_t, CairoDeleter>;
using FontMapPtr = std::unique_ptr<PangoFontMap, GObjectDeleter>;
using ContextPtr = std::unique_ptr<PangoContext, GObjectDeleter>;
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectDeleter>;
using FontPtr = std::unique_ptr<PangoFontDescription, FontDeleter>;

// ---- lines and text ----------------------------------------------------------------------------

void set_colour(cairo_t* cr, gis::Rgb c);

/// A straight line from (x0, y0) to (x1, y1), `width` points wide.
void line(cairo_t* cr, double x0, double y0, double x1, double y1, double width,
          gis::Rgb colour = rule_colour);

/// A new path through the points of `page` (page coordinates); the caller strokes or fills it.
void trace(cairo_t* cr, const gis::Polyline& page);

enum class Align { left, right, centre };

/// Text with pango on a font map of its own (pango's default map belongs to one thread).
class Typesetter {
public:
    explicit Typesetter(cairo_t* cr);

    /// A laid-out text, wrapped at `width_pt` when that is positive and cut after `max_lines`
    /// (with an ellipsis) when that and `width_pt` are positive.
    [[nodiscard]] LayoutPtr layout(const std::string& text, double size_pt, bool bold = false,
                                   double width_pt = 0.0, int max_lines = 0) const;

    /// The logical width and height of `layout` in points.
    static std::pair<double, double> size(PangoLayout* layout);

    /// Draws with the top of the text at `y`; returns the height.
    double show(PangoLayout* layout, double x, double y, Align align = Align::left,
                gis::Rgb colour = text_colour) const;

    /// Lays out and draws `text` in one go; returns the height (0 for an empty text).
    double text(const std::string& text, double size_pt, double x, double y, bool bold = false,
                Align align = Align::left, gis::Rgb colour = text_colour) const;

private:
    cairo_t* m_cr;
    FontMapPtr m_font_map;
    ContextPtr m_context;
};

// ---- map ---------------------------------------------------------------------------------------

/// A map in a rectangle of the page, fitted to an extent of map coordinates.
class MapPanel {
public:
    /// The view that shows all of `extent` in the `w` x `h` points at (`x0`, `y0`).
    MapPanel(cairo_t* cr, const gis::Box& extent, double x0, double y0, double w, double h);

    [[nodiscard]] const gis::MapView& view() const { return m_view; }

    /// Map coordinates to page coordinates.
    [[nodiscard]] gis::Polyline to_page(const gis::Polyline& points) const;

    /// Fills the rectangle white, saves the cairo state and clips to the rectangle, with round
    /// caps and joins; `close` restores the state.
    void open();

    /// Every segment of `network` that reaches into the view, `width` points wide.
    void draw_streets(const gis::RoadNetwork& network, gis::Rgb colour, double width) const;

    /// Restores the state `open` saved, then draws the frame, the north arrow (grid north is up)
    /// and a scale bar.
    void close(const Typesetter& type);

private:
    cairo_t* m_cr;
    double m_x0;
    double m_y0;
    double m_w;
    double m_h;
    gis::MapView m_view;
};

/// An arrow halfway along `page`, pointing the way it runs; none on a line shorter than
/// `min_length_pt`.
void draw_arrow(cairo_t* cr, const gis::Polyline& page, double min_length_pt);

/// The dashes of a dashed line sample (the driver sheets' deadhead), in points.
inline constexpr double dash_pattern[] = {3.0, 2.5};

/// A row of line samples and labels, left to right from `x`, its top at `y`.
class LegendRow {
public:
    LegendRow(cairo_t* cr, const Typesetter& type, double x, double y)
        : m_cr(cr), m_type(type), m_x(x), m_y(y) {}

    void sample(gis::Rgb colour, double width, bool dashed = false);
    void label(const std::string& text);

private:
    cairo_t* m_cr;
    const Typesetter& m_type;
    double m_x;
    double m_y;
};

// ---- files -------------------------------------------------------------------------------------

/// Where a file is written before it is renamed over `target`.
std::filesystem::path partial_path(const std::filesystem::path& target);

void remove_quietly(const std::filesystem::path& file) noexcept;

/// Renames `partial` over `target`; removes `partial` and throws Error naming `target` on failure.
void rename_over(const std::filesystem::path& partial, const std::filesystem::path& target);

/// Writes `content` to `target` whole or not at all (through a partial file renamed over it);
/// throws Error naming `target` and, when the write fails, `format` ("PDF", "GPX").
void write_file(const std::filesystem::path& target, std::string_view content,
                std::string_view format);

} // namespace ykm::dispatch::pdf

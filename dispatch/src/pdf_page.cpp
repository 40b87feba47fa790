#include "pdf_page.hpp"

#include "ykm/dispatch/driver_sheet.hpp"
#include "ykm/gis/error.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <system_error>

namespace ykm::dispatch::pdf {

using gis::XY;

void set_colour(cairo_t* cr, gis::Rgb c) {
    cairo_set_source_rgb(cr, c.red / 255.0, c.green / 255.0, c.blue / 255.0);
}

void line(cairo_t* cr, double x0, double y0, double x1, double y1, double width, gis::Rgb colour) {
    cairo_set_line_width(cr, width);
    set_colour(cr, colour);
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1, y1);
    cairo_stroke(cr);
}

void trace(cairo_t* cr, const gis::Polyline& page) {
    cairo_new_path(cr);
    for (std::size_t i = 0; i < page.size(); ++i) {
        if (i == 0) {
            cairo_move_to(cr, page[i].x, page[i].y);
        } else {
            cairo_line_to(cr, page[i].x, page[i].y);
        }
    }
}

// ---- Typesetter --------------------------------------------------------------------------------

Typesetter::Typesetter(cairo_t* cr)
    : m_cr(cr), m_font_map(pango_cairo_font_map_new()),
      m_context(pango_font_map_create_context(m_font_map.get())) {
    cairo_font_options_t* options = cairo_font_options_create();
    // Unhinted metrics: widths measured here are the widths printed.
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(m_context.get(), options);
    cairo_font_options_destroy(options);
    pango_context_set_language(m_context.get(), pango_language_from_string("ja"));
}

LayoutPtr Typesetter::layout(const std::string& text, double size_pt, bool bold, double width_pt,
                             int max_lines) const {
    FontPtr font(pango_font_description_from_string(font_family));
    pango_font_description_set_absolute_size(font.get(), size_pt * PANGO_SCALE);
    if (bold) {
        pango_font_description_set_weight(font.get(), PANGO_WEIGHT_BOLD);
    }
    pango_cairo_update_context(m_cr, m_context.get());
    LayoutPtr layout(pango_layout_new(m_context.get()));
    pango_layout_set_font_description(layout.get(), font.get());
    if (width_pt > 0.0) {
        pango_layout_set_width(layout.get(), static_cast<int>(width_pt * PANGO_SCALE));
        pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
        if (max_lines > 0) {
            pango_layout_set_height(layout.get(), -max_lines);
            pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
        }
    }
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    return layout;
}

std::pair<double, double> Typesetter::size(PangoLayout* layout) {
    PangoRectangle logical;
    pango_layout_get_extents(layout, nullptr, &logical);
    return {static_cast<double>(logical.width) / PANGO_SCALE,
            static_cast<double>(logical.height) / PANGO_SCALE};
}

double Typesetter::show(PangoLayout* layout, double x, double y, Align align,
                        gis::Rgb colour) const {
    const auto [w, h] = size(layout);
    const double left = align == Align::left ? x : align == Align::right ? x - w : x - w / 2;
    cairo_move_to(m_cr, left, y);
    set_colour(m_cr, colour);
    pango_cairo_show_layout(m_cr, layout);
    return h;
}

double Typesetter::text(const std::string& text, double size_pt, double x, double y, bool bold,
                        Align align, gis::Rgb colour) const {
    if (text.empty()) {
        return 0.0;
    }
    const LayoutPtr l = layout(text, size_pt, bold);
    return show(l.get(), x, y, align, colour);
}

// ---- map ---------------------------------------------------------------------------------------

MapPanel::MapPanel(cairo_t* cr, const gis::Box& extent, double x0, double y0, double w, double h)
    : m_cr(cr), m_x0(x0), m_y0(y0), m_w(w), m_h(h),
      m_view(gis::MapView::fit(extent, static_cast<int>(w), static_cast<int>(h), 0.06)) {}

gis::Polyline MapPanel::to_page(const gis::Polyline& points) const {
    gis::Polyline page;
    page.reserve(points.size());
    for (const XY& p : points) {
        const XY px = m_view.to_pixel(p);
        page.push_back(XY{m_x0 + px.x, m_y0 + px.y});
    }
    return page;
}

void MapPanel::open() {
    cairo_save(m_cr);
    cairo_rectangle(m_cr, m_x0, m_y0, m_w, m_h);
    set_colour(m_cr, white);
    cairo_fill_preserve(m_cr);
    cairo_clip(m_cr);
    cairo_set_line_cap(m_cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(m_cr, CAIRO_LINE_JOIN_ROUND);
}

void MapPanel::draw_streets(const gis::RoadNetwork& network, gis::Rgb colour, double width) const {
    const gis::Box shown = m_view.extent();
    set_colour(m_cr, colour);
    cairo_set_line_width(m_cr, width);
    for (const gis::RoadSegment& s : network.segments) {
        gis::Box b = gis::Box::empty();
        for (const XY& p : s.points) {
            b.extend(p);
        }
        if (b.is_empty() || b.max_x < shown.min_x || b.min_x > shown.max_x ||
            b.max_y < shown.min_y || b.min_y > shown.max_y) {
            continue;
        }
        trace(m_cr, to_page(s.points));
        cairo_stroke(m_cr);
    }
}

void MapPanel::close(const Typesetter& type) {
    cairo_restore(m_cr);
    cairo_set_line_width(m_cr, 0.8);
    set_colour(m_cr, rule_colour);
    cairo_rectangle(m_cr, m_x0, m_y0, m_w, m_h);
    cairo_stroke(m_cr);
    type.text("北↑", 9.0, m_x0 + m_w - 6.0, m_y0 + 4.0, true, Align::right);

    // The scale bar: a round length near a fifth of the map's width.
    const double x = m_x0 + 8.0;
    const double y = m_y0 + m_h - 10.0;
    const double target_m = m_view.metres_per_pixel() * m_w / 5;
    double step = std::pow(10.0, std::floor(std::log10(std::max(target_m, 1.0))));
    for (const double f : {5.0, 2.0, 1.0}) {
        if (step * f <= target_m) {
            step *= f;
            break;
        }
    }
    const double len_pt = step / m_view.metres_per_pixel();
    cairo_set_line_width(m_cr, 1.5);
    set_colour(m_cr, text_colour);
    cairo_move_to(m_cr, x, y - 4.0);
    cairo_line_to(m_cr, x, y);
    cairo_line_to(m_cr, x + len_pt, y);
    cairo_line_to(m_cr, x + len_pt, y - 4.0);
    cairo_stroke(m_cr);
    type.text(format_distance(step), 7.5, x + len_pt + 6.0, y - 8.0);
}

void draw_arrow(cairo_t* cr, const gis::Polyline& page, double min_length_pt) {
    double total = 0.0;
    for (std::size_t i = 1; i < page.size(); ++i) {
        total += std::hypot(page[i].x - page[i - 1].x, page[i].y - page[i - 1].y);
    }
    if (total < min_length_pt) {
        return;
    }
    double along = total / 2;
    for (std::size_t i = 1; i < page.size(); ++i) {
        const double len = std::hypot(page[i].x - page[i - 1].x, page[i].y - page[i - 1].y);
        if (len <= 0.0) {
            continue;
        }
        if (along <= len) {
            const double ux = (page[i].x - page[i - 1].x) / len;
            const double uy = (page[i].y - page[i - 1].y) / len;
            const double a = std::min(along + 3.5, len);
            const XY tip{page[i - 1].x + ux * a, page[i - 1].y + uy * a};
            const XY base{tip.x - ux * 7.0, tip.y - uy * 7.0};
            cairo_new_path(cr);
            cairo_move_to(cr, tip.x, tip.y);
            cairo_line_to(cr, base.x - uy * 3.5, base.y + ux * 3.5);
            cairo_line_to(cr, base.x + uy * 3.5, base.y - ux * 3.5);
            cairo_close_path(cr);
            set_colour(cr, text_colour);
            cairo_fill(cr);
            return;
        }
        along -= len;
    }
}

void LegendRow::sample(gis::Rgb colour, double width, bool dashed) {
    if (dashed) {
        cairo_set_dash(m_cr, dash_pattern, 2, 0.0);
    }
    cairo_set_line_width(m_cr, width);
    set_colour(m_cr, colour);
    cairo_move_to(m_cr, m_x, m_y + 6.0);
    cairo_line_to(m_cr, m_x + 18.0, m_y + 6.0);
    cairo_stroke(m_cr);
    if (dashed) {
        cairo_set_dash(m_cr, nullptr, 0, 0.0);
    }
    m_x += 22.0;
}

void LegendRow::label(const std::string& text) {
    const LayoutPtr l = m_type.layout(text, 8.0);
    m_type.show(l.get(), m_x, m_y);
    m_x += Typesetter::size(l.get()).first + 12.0;
}

// ---- files -------------------------------------------------------------------------------------

std::filesystem::path partial_path(const std::filesystem::path& target) {
    return target.string() + ".partial";
}

void remove_quietly(const std::filesystem::path& file) noexcept {
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
}

void rename_over(const std::filesystem::path& partial, const std::filesystem::path& target) {
    std::error_code error;
    std::filesystem::rename(partial, target, error);
    if (error) {
        remove_quietly(partial);
        throw Error(target.string() + ": cannot write: " + error.message());
    }
}

void write_file(const std::filesystem::path& target, std::string_view content,
                std::string_view format) {
    const std::filesystem::path partial = partial_path(target);
    {
        std::ofstream file(partial, std::ios::binary | std::ios::trunc);
        if (file) {
            file.write(content.data(), static_cast<std::streamsize>(content.size()));
            file.close();
        }
        if (!file) {
            remove_quietly(partial);
            throw Error(target.string() + ": cannot write " + std::string(format));
        }
    }
    rename_over(partial, target);
}

} // namespace ykm::dispatch::pdf

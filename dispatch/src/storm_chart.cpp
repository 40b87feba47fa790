// The storm chart: % of km cleared by priority class and vehicles by state against hours since
// dispatch, drawn with cairo and pango into a picture (window, PNG) or a PDF page.

#include "ykm/dispatch/driver_sheet.hpp"
#include "ykm/dispatch/storm_kpi.hpp"
#include "ykm/gis/cairo_picture.hpp"
#include "ykm/gis/error.hpp"

#include "pdf_page.hpp"

#include <cairo-pdf.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace ykm::dispatch {
namespace {

using pdf::Align;
using pdf::Typesetter;

constexpr double hour_ms = 3'600'000.0;
constexpr gis::Rgb grid_colour{0xDD, 0xE1, 0xE6};
constexpr gis::Rgb axis_colour{0x60, 0x66, 0x70};
constexpr gis::Rgb background{0xFF, 0xFF, 0xFF};

// A4 landscape in points.
constexpr double pdf_page_w = 841.89;
constexpr double pdf_page_h = 595.276;

constexpr std::array<gis::PriorityClass, 3> classes{
    gis::PriorityClass::first, gis::PriorityClass::second, gis::PriorityClass::third};

// Size of one unit of the chart's design (drawn for 800 x 500).
double unit(double width, double height) {
    return std::min(width / 800.0, height / 500.0);
}

// The dash pattern of a class's line, in units (solid, dashed, dash-dot).
std::vector<double> class_dashes(std::size_t c, double u) {
    switch (c) {
    case 0:
        return {};
    case 1:
        return {9.0 * u, 4.0 * u};
    default:
        return {2.0 * u, 3.5 * u, 8.0 * u, 3.5 * u};
    }
}

// A step between ticks that gives at most `max_ticks` intervals over `span`.
double tick_step(double span, int max_ticks, std::initializer_list<double> steps) {
    double last = 1.0;
    for (const double s : steps) {
        last = s;
        if (span / s <= max_ticks) {
            return s;
        }
    }
    // Beyond the list: multiples of its last step.
    return last * std::ceil(span / (last * max_ticks));
}

std::string number_text(double value, int decimals) {
    std::array<char, 32> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%.*f", decimals, value);
    return buffer.data();
}

std::string hours_text(double h) {
    if (std::abs(h - std::round(h)) < 1e-9) {
        return number_text(h, 0);
    }
    return number_text(h, std::abs(2.0 * h - std::round(2.0 * h)) < 1e-9 ? 1 : 2);
}

class ChartPainter {
public:
    ChartPainter(cairo_t* cr, const StormKpis& kpis, double width, double height,
                 gis::MapLanguage language)
        : m_cr(cr), m_type(cr), m_kpis(kpis), m_w(width), m_h(height), m_u(unit(width, height)),
          m_layout(storm_chart_layout(width, height)),
          m_ja(language == gis::MapLanguage::japanese) {
        const double span = static_cast<double>(kpis.window.end_ms - kpis.window.dispatch_ms);
        m_span_h = span > 0.0 ? span / hour_ms : 1.0;
    }

    void draw() {
        pdf::set_colour(m_cr, background);
        cairo_paint(m_cr);
        cairo_set_line_cap(m_cr, CAIRO_LINE_CAP_BUTT);
        cairo_set_line_join(m_cr, CAIRO_LINE_JOIN_ROUND);
        draw_title();
        draw_top_panel();
        draw_bottom_panel();
        draw_legend();
    }

private:
    [[nodiscard]] double x_of(double hours) const {
        return m_layout.top_panel_x + m_layout.top_panel_w * hours / m_span_h;
    }

    [[nodiscard]] double hours_of(const StormStep& s) const {
        return s.hours_since(m_kpis.window.dispatch_ms);
    }

    void draw_title() {
        const std::string from = format_jst_date_time(m_kpis.window.dispatch_ms);
        std::string to = format_jst_date_time(m_kpis.window.end_ms);
        if (to.substr(0, 4) == from.substr(0, 4)) {
            to = to.substr(5); // the year once
        }
        const std::string title = m_ja ? "除雪の進捗 " + from + " 出動 〜 " + to + " (日本時間)"
                                       : "Storm clearing " + from + " dispatch to " + to + " JST";
        m_type.text(title, 15.0 * m_u, 16.0 * m_u, 10.0 * m_u, true);
    }

    // Vertical grid lines and hour labels under a panel at `y0` of height `h`.
    void draw_hour_axis(double y0, double h, bool labels) {
        const double step = tick_step(m_span_h, 12, {0.25, 0.5, 1, 2, 3, 6, 12, 24, 48});
        for (int i = 0;; ++i) {
            const double hours = step * i;
            if (hours > m_span_h + 1e-9) {
                break;
            }
            const double x = x_of(hours);
            pdf::line(m_cr, x, y0, x, y0 + h, 0.6 * m_u, grid_colour);
            pdf::line(m_cr, x, y0 + h, x, y0 + h + 4.0 * m_u, 0.8 * m_u, axis_colour);
            if (labels) {
                m_type.text(hours_text(hours), 9.0 * m_u, x, y0 + h + 5.0 * m_u, false,
                            Align::centre, axis_colour);
            }
        }
    }

    void draw_frame(double x0, double y0, double w, double h) {
        pdf::set_colour(m_cr, axis_colour);
        cairo_set_line_width(m_cr, 0.8 * m_u);
        cairo_rectangle(m_cr, x0, y0, w, h);
        cairo_stroke(m_cr);
    }

    void draw_top_panel() {
        const double x0 = m_layout.top_panel_x;
        const double y0 = m_layout.top_panel_y;
        const double w = m_layout.top_panel_w;
        const double h = m_layout.top_panel_h;
        const auto y_of = [&](double percent) { return y0 + h * (1.0 - percent / 100.0); };
        m_type.text(m_ja ? "除雪済み延長の割合 (%)" : "Km cleared (%)", 10.0 * m_u, x0,
                    y0 - 16.0 * m_u, true);
        for (int p = 0; p <= 100; p += 25) {
            pdf::line(m_cr, x0, y_of(p), x0 + w, y_of(p), 0.6 * m_u, grid_colour);
            const LayoutLabel label{number_text(p, 0), 9.0 * m_u};
            show_left_of(label, x0 - 5.0 * m_u, y_of(p));
        }
        draw_hour_axis(y0, h, true);
        draw_frame(x0, y0, w, h);

        struct EndLabel {
            std::size_t c;
            double y;
            std::string text;
        };
        std::vector<EndLabel> labels;
        for (std::size_t c = 0; c < 3; ++c) {
            if (m_kpis.steps.empty() || m_kpis.steps.front().by_class[c].required_km <= 0.0) {
                continue;
            }
            const std::vector<double> dashes = class_dashes(c, m_u);
            cairo_set_dash(m_cr, dashes.data(), static_cast<int>(dashes.size()), 0.0);
            cairo_set_line_width(m_cr, 2.6 * m_u);
            pdf::set_colour(m_cr, gis::priority_colour(classes[c]));
            cairo_new_path(m_cr);
            for (const StormStep& s : m_kpis.steps) {
                cairo_line_to(m_cr, x_of(hours_of(s)), y_of(s.by_class[c].percent()));
            }
            cairo_stroke(m_cr);
            cairo_set_dash(m_cr, nullptr, 0, 0.0);
            const ClassProgress& last = m_kpis.steps.back().by_class[c];
            labels.push_back({c, y_of(last.percent()),
                              class_name(c) + " " + number_text(last.percent(), 0) + "% (" +
                                  number_text(last.done_km, 1) + " km)"});
        }
        // Labels at the lines' ends, pushed apart where the lines end close together.
        std::sort(labels.begin(), labels.end(),
                  [](const EndLabel& a, const EndLabel& b) { return a.y < b.y; });
        const double gap = 13.0 * m_u;
        for (std::size_t i = 1; i < labels.size(); ++i) {
            labels[i].y = std::max(labels[i].y, labels[i - 1].y + gap);
        }
        if (!labels.empty() && labels.back().y > y0 + h) {
            const double shift = labels.back().y - (y0 + h);
            for (EndLabel& l : labels) {
                l.y -= shift;
            }
        }
        for (const EndLabel& l : labels) {
            const pdf::LayoutPtr layout = m_type.layout(l.text, 9.0 * m_u, true);
            const double text_h = Typesetter::size(layout.get()).second;
            m_type.show(layout.get(), x0 + w + 6.0 * m_u, l.y - text_h / 2.0, Align::left,
                        gis::priority_colour(classes[l.c]));
        }
    }

    void draw_bottom_panel() {
        const double x0 = m_layout.bottom_panel_x;
        const double y0 = m_layout.bottom_panel_y;
        const double w = m_layout.bottom_panel_w;
        const double h = m_layout.bottom_panel_h;
        const double top = std::max(1, m_kpis.vehicles_reporting);
        const auto y_of = [&](double count) { return y0 + h * (1.0 - count / top); };
        m_type.text(m_ja ? "車両の状態 (台)" : "Vehicles", 10.0 * m_u, x0, y0 - 16.0 * m_u, true);
        const double step = tick_step(top, 5, {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000});
        for (double v = 0; v <= top + 1e-9; v += step) {
            pdf::line(m_cr, x0, y_of(v), x0 + w, y_of(v), 0.6 * m_u, grid_colour);
            show_left_of({number_text(v, 0), 9.0 * m_u}, x0 - 5.0 * m_u, y_of(v));
        }
        // Stacked from the bottom: working, idle, offline.
        const std::array<gis::Rgb, 3> colours{storm_working_colour, storm_idle_colour,
                                              storm_offline_colour};
        for (std::size_t band = 0; band < 3; ++band) {
            const auto level = [&](const StormStep& s, std::size_t upto) {
                const std::array<int, 3> counts{s.working, s.idle, s.offline};
                int sum = 0;
                for (std::size_t i = 0; i < upto; ++i) {
                    sum += counts[i];
                }
                return static_cast<double>(sum);
            };
            cairo_new_path(m_cr);
            for (const StormStep& s : m_kpis.steps) {
                cairo_line_to(m_cr, x_of(hours_of(s)), y_of(level(s, band + 1)));
            }
            for (auto it = m_kpis.steps.rbegin(); it != m_kpis.steps.rend(); ++it) {
                cairo_line_to(m_cr, x_of(hours_of(*it)), y_of(level(*it, band)));
            }
            cairo_close_path(m_cr);
            pdf::set_colour(m_cr, colours[band]);
            cairo_fill(m_cr);
        }
        draw_hour_axis(y0, h, true);
        draw_frame(x0, y0, w, h);
        m_type.text(m_ja ? "出動からの経過時間 (時間)" : "Hours since dispatch", 9.0 * m_u,
                    x0 + w / 2.0, y0 + h + 19.0 * m_u, false, Align::centre, axis_colour);
    }

    void draw_legend() {
        double x = m_layout.bottom_panel_x;
        const double y = m_h - 22.0 * m_u;
        for (std::size_t c = 0; c < 3; ++c) {
            const std::vector<double> dashes = class_dashes(c, m_u);
            cairo_set_dash(m_cr, dashes.data(), static_cast<int>(dashes.size()), 0.0);
            cairo_set_line_width(m_cr, 2.6 * m_u);
            pdf::set_colour(m_cr, gis::priority_colour(classes[c]));
            cairo_move_to(m_cr, x, y + 7.0 * m_u);
            cairo_line_to(m_cr, x + 30.0 * m_u, y + 7.0 * m_u);
            cairo_stroke(m_cr);
            cairo_set_dash(m_cr, nullptr, 0, 0.0);
            x += 34.0 * m_u;
            x += legend_label(class_name(c), x, y);
        }
        const std::array<std::pair<gis::Rgb, std::string>, 3> bands{
            std::pair{storm_working_colour, std::string(m_ja ? "作業中" : "Working")},
            std::pair{storm_idle_colour,
                      std::string(m_ja ? "非作業 (回送・停止)" : "Idle (travelling, stopped)")},
            std::pair{storm_offline_colour, std::string(m_ja ? "通信途絶" : "Offline")}};
        x += 10.0 * m_u;
        for (const auto& [colour, text] : bands) {
            cairo_rectangle(m_cr, x, y + 1.0 * m_u, 14.0 * m_u, 12.0 * m_u);
            pdf::set_colour(m_cr, colour);
            cairo_fill(m_cr);
            x += 18.0 * m_u;
            x += legend_label(text, x, y);
        }
    }

    // Draws a legend label at (x, y); returns the width it takes with the space after it.
    double legend_label(const std::string& text, double x, double y) {
        const pdf::LayoutPtr layout = m_type.layout(text, 9.0 * m_u);
        m_type.show(layout.get(), x, y);
        return Typesetter::size(layout.get()).first + 14.0 * m_u;
    }

    [[nodiscard]] std::string class_name(std::size_t c) const {
        static constexpr std::array<const char*, 3> ja{"第1種", "第2種", "第3種"};
        static constexpr std::array<const char*, 3> en{"Class 1", "Class 2", "Class 3"};
        return m_ja ? ja[c] : en[c];
    }

    struct LayoutLabel {
        std::string text;
        double size;
    };
    // A label right-aligned at x, centred on y.
    void show_left_of(const LayoutLabel& label, double x, double y) {
        const pdf::LayoutPtr layout = m_type.layout(label.text, label.size);
        const double text_h = Typesetter::size(layout.get()).second;
        m_type.show(layout.get(), x, y - text_h / 2.0, Align::right, axis_colour);
    }

    cairo_t* m_cr;
    Typesetter m_type;
    const StormKpis& m_kpis;
    double m_w;
    double m_h;
    double m_u;
    StormChartLayout m_layout;
    bool m_ja;
    double m_span_h = 1.0;
};

void check_cairo(cairo_t* cr, const std::string& what) {
    if (const cairo_status_t status = cairo_status(cr); status != CAIRO_STATUS_SUCCESS) {
        throw Error(what + ": cannot draw the storm chart: " + cairo_status_to_string(status));
    }
}

void check_size(int width, int height) {
    if (width < 200 || height < 150 || width > 10'000 || height > 10'000) {
        throw Error("storm chart of " + std::to_string(width) + "x" + std::to_string(height) +
                    " pixels: the size must be from 200x150 to 10000x10000");
    }
}

void write_pdf(const StormKpis& kpis, const std::filesystem::path& file,
               gis::MapLanguage language) {
    const std::filesystem::path partial = pdf::partial_path(file);
    pdf::SurfacePtr surface(cairo_pdf_surface_create(partial.c_str(), pdf_page_w, pdf_page_h));
    if (const cairo_status_t status = cairo_surface_status(surface.get());
        status != CAIRO_STATUS_SUCCESS) {
        pdf::remove_quietly(partial);
        throw Error(file.string() + ": cannot write PDF: " + cairo_status_to_string(status));
    }
    try {
        const std::string title =
            (language == gis::MapLanguage::japanese ? "除雪の進捗 " : "Storm clearing ") +
            format_jst_date_time(kpis.window.dispatch_ms);
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Yukimichi");
        {
            pdf::CairoPtr cr(cairo_create(surface.get()));
            ChartPainter(cr.get(), kpis, pdf_page_w, pdf_page_h, language).draw();
            check_cairo(cr.get(), file.string());
        }
        cairo_surface_finish(surface.get());
        if (const cairo_status_t status = cairo_surface_status(surface.get());
            status != CAIRO_STATUS_SUCCESS) {
            throw Error(file.string() + ": cannot write PDF: " + cairo_status_to_string(status));
        }
    } catch (...) {
        surface.reset();
        pdf::remove_quietly(partial);
        throw;
    }
    surface.reset();
    pdf::rename_over(partial, file);
}

} // namespace

StormChartLayout storm_chart_layout(double width, double height) {
    const double u = unit(width, height);
    const double title_h = 56.0 * u;   // title and the top panel's heading
    const double axis_h = 22.0 * u;    // hour labels under a panel
    const double heading_h = 22.0 * u; // the bottom panel's heading
    const double legend_h = 60.0 * u;  // axis title and legend at the foot
    const double left = 44.0 * u;      // tick labels
    const double right = 150.0 * u;    // the labels at the lines' ends
    const double plots = std::max(0.0, height - title_h - axis_h - heading_h - legend_h);
    StormChartLayout l;
    l.top_panel_x = left;
    l.top_panel_y = title_h;
    l.top_panel_w = std::max(1.0, width - left - right);
    l.top_panel_h = std::max(1.0, 0.6 * plots);
    l.bottom_panel_x = left;
    l.bottom_panel_y = l.top_panel_y + l.top_panel_h + axis_h + heading_h;
    l.bottom_panel_w = l.top_panel_w;
    l.bottom_panel_h = std::max(1.0, 0.4 * plots);
    return l;
}

gis::Image draw_storm_chart(const StormKpis& kpis, int width, int height,
                            gis::MapLanguage language) {
    check_size(width, height);
    const gis::CairoSurfacePtr surface = gis::new_image_surface(width, height);
    {
        pdf::CairoPtr cr(cairo_create(surface.get()));
        ChartPainter(cr.get(), kpis, width, height, language).draw();
        check_cairo(cr.get(), "storm chart");
    }
    // The background is opaque white.
    return gis::image_from_surface(surface.get(), true);
}

void write_storm_chart(const StormKpis& kpis, const std::filesystem::path& file,
                       gis::MapLanguage language, int width, int height) {
    std::string extension = file.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (extension == ".png") {
        gis::MapRenderer::write_png(draw_storm_chart(kpis, width, height, language), file);
    } else if (extension == ".pdf") {
        write_pdf(kpis, file, language);
    } else {
        throw Error(file.string() + ": a storm chart is written as .png or .pdf, not '" +
                    (extension.empty() ? std::string("(none)") : extension) + "'");
    }
}

} // namespace ykm::dispatch

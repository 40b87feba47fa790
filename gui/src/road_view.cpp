#include "road_view.hpp"

#include "ykm/gui/map_style.hpp"

#include <wx/dcclient.h>
#include <wx/dcgraph.h>
#include <wx/graphics.h>

#include <cstdio>
#include <memory>

namespace ykm::gui {

namespace {

constexpr int map_margin_px = 24;
constexpr int legend_padding_px = 8;
constexpr int legend_sample_px = 28;

wxColour to_wx(const Rgb& c) {
    return {c.red, c.green, c.blue};
}

std::string km_text(double km) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f km", km);
    return buffer;
}

} // namespace

RoadView::RoadView(wxWindow* parent, UiLanguage language)
    : wxPanel(parent, wxID_ANY), m_language(language) {
    // Painted entirely in on_paint (GTK 3 buffers natively), so erasing first would flicker.
    SetBackgroundStyle(wxBG_STYLE_PAINT);
    Bind(wxEVT_PAINT, &RoadView::on_paint, this);
    Bind(wxEVT_SIZE, [this](wxSizeEvent& event) {
        Refresh();
        event.Skip();
    });
}

void RoadView::show_roads(const gis::RoadNetwork& network,
                          const std::map<int, double>& km_by_priority) {
    m_has_project = true;
    for (auto& lines : m_lines_by_class) {
        lines.clear();
    }
    m_km_by_class.fill(0.0);
    m_extent = gis::Box::empty();
    for (const gis::RoadSegment& segment : network.segments) {
        for (const gis::XY& p : segment.points) {
            m_extent.extend(p);
        }
        const auto index = static_cast<std::size_t>(gis::to_int(segment.attributes.priority));
        m_lines_by_class.at(index).push_back(segment.points);
    }
    for (const auto& [priority, km] : km_by_priority) {
        if (priority >= 0 && priority < 4) {
            m_km_by_class.at(static_cast<std::size_t>(priority)) = km;
        }
    }
    Refresh();
}

void RoadView::clear() {
    m_has_project = false;
    for (auto& lines : m_lines_by_class) {
        lines.clear();
    }
    m_km_by_class.fill(0.0);
    m_extent = gis::Box::empty();
    Refresh();
}

void RoadView::on_paint(wxPaintEvent&) {
    wxPaintDC paint_dc(this);
    wxGCDC dc(paint_dc);
    const wxSize size = GetClientSize();
    dc.SetBackground(wxBrush(to_wx(map_background)));
    dc.Clear();
    dc.SetFont(GetFont());
    dc.SetTextForeground(wxColour(0x33, 0x33, 0x33));

    const UiText& text = ui_text(m_language);
    if (m_extent.is_empty()) {
        const wxString message = wxString::FromUTF8(m_has_project ? text.no_roads : text.open_hint);
        const wxSize extent = dc.GetTextExtent(message);
        dc.DrawText(message, (size.x - extent.x) / 2, (size.y - extent.y) / 2);
        ++m_paint_count;
        return;
    }

    wxGraphicsContext* gc = dc.GetGraphicsContext();
    const ViewTransform transform = ViewTransform::fit(m_extent, size.x, size.y, map_margin_px);
    for (const gis::PriorityClass priority : priority_drawing_order) {
        const auto& lines = m_lines_by_class.at(static_cast<std::size_t>(gis::to_int(priority)));
        if (lines.empty()) {
            continue;
        }
        wxGraphicsPath path = gc->CreatePath();
        for (const gis::Polyline& line : lines) {
            if (line.size() < 2) {
                continue;
            }
            const PixelXY start = transform.to_pixel(line.front());
            path.MoveToPoint(start.x, start.y);
            for (std::size_t i = 1; i < line.size(); ++i) {
                const PixelXY p = transform.to_pixel(line[i]);
                path.AddLineToPoint(p.x, p.y);
            }
        }
        wxPen pen(to_wx(priority_colour(priority)), priority_line_width_px(priority));
        pen.SetCap(wxCAP_ROUND);
        pen.SetJoin(wxJOIN_ROUND);
        gc->SetPen(pen);
        gc->StrokePath(path);
    }

    // Legend of the classes present, class 1 first, in the bottom left corner.
    struct Row {
        gis::PriorityClass priority;
        wxString label;
    };
    std::vector<Row> rows;
    int label_width = 0;
    int row_height = 0;
    for (auto it = priority_drawing_order.rbegin(); it != priority_drawing_order.rend(); ++it) {
        const auto index = static_cast<std::size_t>(gis::to_int(*it));
        if (m_lines_by_class.at(index).empty()) {
            continue;
        }
        const wxString label = wxString::FromUTF8(std::string(priority_label(m_language, *it)) +
                                                  "  " + km_text(m_km_by_class.at(index)));
        const wxSize extent = dc.GetTextExtent(label);
        label_width = std::max(label_width, extent.x);
        row_height = std::max(row_height, extent.y + 4);
        rows.push_back({*it, label});
    }
    const int box_w = 3 * legend_padding_px + legend_sample_px + label_width;
    const int box_h = 2 * legend_padding_px + row_height * static_cast<int>(rows.size());
    const int box_x = legend_padding_px;
    const int box_y = size.y - legend_padding_px - box_h;
    dc.SetPen(wxPen(wxColour(0xBB, 0xBB, 0xBB)));
    dc.SetBrush(wxBrush(wxColour(0xFF, 0xFF, 0xFF)));
    dc.DrawRoundedRectangle(box_x, box_y, box_w, box_h, 4);
    int y = box_y + legend_padding_px;
    for (const Row& row : rows) {
        wxPen pen(to_wx(priority_colour(row.priority)), priority_line_width_px(row.priority));
        pen.SetCap(wxCAP_BUTT);
        dc.SetPen(pen);
        const int mid = y + row_height / 2;
        dc.DrawLine(box_x + legend_padding_px, mid, box_x + legend_padding_px + legend_sample_px,
                    mid);
        dc.DrawText(row.label, box_x + 2 * legend_padding_px + legend_sample_px,
                    mid - dc.GetTextExtent(row.label).y / 2);
        y += row_height;
    }
    ++m_paint_count;
}

} // namespace ykm::gui

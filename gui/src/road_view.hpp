#pragma once

#include "ykm/gis/road_network.hpp"
#include "ykm/gui/ui_text.hpp"

#include <wx/panel.h>

#include <array>
#include <map>
#include <vector>

namespace ykm::gui {

/// The map panel: draws a project's road segments scaled to fit, coloured by snow priority class,
/// with a legend of the classes present.
class RoadView : public wxPanel {
public:
    RoadView(wxWindow* parent, UiLanguage language);

    /// Shows `network`; `km_by_priority` (0 = none, 1, 2, 3) feeds the legend.
    void show_roads(const gis::RoadNetwork& network, const std::map<int, double>& km_by_priority);
    /// Shows the empty state of a window without a project.
    void clear();
    /// How many times the panel has been painted; the screenshot waits for the first paint.
    [[nodiscard]] int paint_count() const { return m_paint_count; }

private:
    void on_paint(wxPaintEvent& event);

    UiLanguage m_language;
    bool m_has_project = false;
    /// Segment geometries by priority class, indexed by to_int(PriorityClass).
    std::array<std::vector<gis::Polyline>, 4> m_lines_by_class;
    std::array<double, 4> m_km_by_class{};
    gis::Box m_extent = gis::Box::empty();
    int m_paint_count = 0;
};

} // namespace ykm::gui

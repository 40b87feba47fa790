#pragma once

#include "ykm/gis/map_renderer.hpp"
#include "ykm/gui/map_layers.hpp"

#include <wx/panel.h>

#include <functional>
#include <vector>

class wxButton;
class wxCheckListBox;
class wxSlider;
class wxStaticText;

namespace ykm::gui {

/// The layers panel: a checkbox per layer (topmost first, the basemap last), buttons to move
/// the selected layer up and down, and a slider for its opacity.
class LayersPanel : public wxPanel {
public:
    using StyleChanged = std::function<void(const gis::MapStyle& style)>;

    LayersPanel(wxWindow* parent, StyleChanged on_change);

    /// Shows `style`'s layers without telling the listener.
    void show_style(const gis::MapStyle& style);

    /// Ticks or clears the layer's box as a click on it does.
    void tick(MapLayer layer, bool visible);
    /// Selects the layer and moves the opacity slider to `percent`, as the user does.
    void slide_opacity(MapLayer layer, int percent);

private:
    void refill();
    void show_selected_opacity();
    [[nodiscard]] int selected_row() const;
    void changed();

    StyleChanged m_on_change;
    gis::MapStyle m_style;
    std::vector<MapLayer> m_rows;
    wxCheckListBox* m_list = nullptr;
    wxButton* m_up = nullptr;
    wxButton* m_down = nullptr;
    wxSlider* m_opacity = nullptr;
    wxStaticText* m_opacity_label = nullptr;
};

/// The layer's name in the user's language.
wxString layer_label(MapLayer layer);

} // namespace ykm::gui

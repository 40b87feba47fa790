#include "layers_panel.hpp"

#include <wx/button.h>
#include <wx/checklst.h>
#include <wx/sizer.h>
#include <wx/slider.h>
#include <wx/stattext.h>

#include <algorithm>
#include <cmath>

namespace ykm::gui {

namespace {

constexpr int opacity_steps = 100;

} // namespace

wxString layer_label(MapLayer layer) {
    switch (layer) {
    case MapLayer::roads:
        return _("Roads");
    case MapLayer::districts:
        return _("Work districts");
    case MapLayer::depots:
        return _("Depots");
    case MapLayer::dump_sites:
        return _("Snow dump sites");
    case MapLayer::basemap:
        break;
    }
    return _("Basemap");
}

LayersPanel::LayersPanel(wxWindow* parent, StyleChanged on_change)
    : wxPanel(parent, wxID_ANY), m_on_change(std::move(on_change)) {
    SetName("layers_panel");
    m_list = new wxCheckListBox(this, wxID_ANY);
    m_list->SetName("layer_list");
    m_list->SetToolTip(_("Tick a layer to show it; select it to change its order or opacity."));
    m_up = new wxButton(this, wxID_UP, _("Move &up"));
    m_up->SetName("layer_up");
    m_up->SetToolTip(_("Draw the selected layer above the next one"));
    m_down = new wxButton(this, wxID_DOWN, _("Move &down"));
    m_down->SetName("layer_down");
    m_down->SetToolTip(_("Draw the selected layer below the next one"));
    m_opacity_label = new wxStaticText(this, wxID_ANY, _("&Opacity"));
    m_opacity = new wxSlider(this, wxID_ANY, opacity_steps, 0, opacity_steps, wxDefaultPosition,
                             wxDefaultSize, wxSL_HORIZONTAL | wxSL_VALUE_LABEL);
    m_opacity->SetName("layer_opacity");
    m_opacity->SetToolTip(_("Opacity of the selected layer in percent"));

    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    buttons->Add(m_up, 1, wxRIGHT, 4);
    buttons->Add(m_down, 1);
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(m_list, 1, wxEXPAND | wxALL, 4);
    sizer->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT, 4);
    sizer->Add(m_opacity_label, 0, wxLEFT | wxRIGHT | wxTOP, 4);
    sizer->Add(m_opacity, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 4);
    SetSizer(sizer);

    m_list->Bind(wxEVT_CHECKLISTBOX, [this](wxCommandEvent& event) {
        const int row = event.GetInt();
        if (row >= 0 && row < static_cast<int>(m_rows.size())) {
            layer_style(m_style, m_rows[static_cast<std::size_t>(row)]).visible =
                m_list->IsChecked(static_cast<unsigned>(row));
            changed();
        }
    });
    m_list->Bind(wxEVT_LISTBOX, [this](wxCommandEvent&) { show_selected_opacity(); });
    m_up->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        const int row = selected_row();
        if (row >= 0 && move_layer_up(m_style, m_rows[static_cast<std::size_t>(row)])) {
            refill();
            m_list->SetSelection(row - 1);
            changed();
        }
    });
    m_down->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        const int row = selected_row();
        if (row >= 0 && move_layer_down(m_style, m_rows[static_cast<std::size_t>(row)])) {
            refill();
            m_list->SetSelection(row + 1);
            changed();
        }
    });
    m_opacity->Bind(wxEVT_SLIDER, [this](wxCommandEvent&) {
        const int row = selected_row();
        if (row >= 0) {
            layer_style(m_style, m_rows[static_cast<std::size_t>(row)]).opacity =
                m_opacity->GetValue() / static_cast<double>(opacity_steps);
            changed();
        }
    });
}

void LayersPanel::show_style(const gis::MapStyle& style) {
    const int row = selected_row();
    m_style = style;
    refill();
    if (row >= 0 && row < static_cast<int>(m_rows.size())) {
        m_list->SetSelection(row);
    }
    show_selected_opacity();
}

void LayersPanel::tick(MapLayer layer, bool visible) {
    const auto it = std::find(m_rows.begin(), m_rows.end(), layer);
    if (it == m_rows.end()) {
        return;
    }
    const int row = static_cast<int>(it - m_rows.begin());
    m_list->Check(static_cast<unsigned>(row), visible);
    wxCommandEvent ticked(wxEVT_CHECKLISTBOX, m_list->GetId());
    ticked.SetEventObject(m_list);
    ticked.SetInt(row);
    m_list->ProcessWindowEvent(ticked);
}

void LayersPanel::slide_opacity(MapLayer layer, int percent) {
    const auto it = std::find(m_rows.begin(), m_rows.end(), layer);
    if (it == m_rows.end()) {
        return;
    }
    const int row = static_cast<int>(it - m_rows.begin());
    m_list->SetSelection(row);
    wxCommandEvent selected(wxEVT_LISTBOX, m_list->GetId());
    selected.SetEventObject(m_list);
    selected.SetInt(row);
    m_list->ProcessWindowEvent(selected);
    m_opacity->SetValue(percent);
    wxCommandEvent slid(wxEVT_SLIDER, m_opacity->GetId());
    slid.SetEventObject(m_opacity);
    slid.SetInt(m_opacity->GetValue());
    m_opacity->ProcessWindowEvent(slid);
}

void LayersPanel::refill() {
    m_rows = panel_order(m_style);
    m_list->Clear();
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        m_list->Append(layer_label(m_rows[i]));
        m_list->Check(static_cast<unsigned>(i), layer_style(m_style, m_rows[i]).visible);
    }
}

void LayersPanel::show_selected_opacity() {
    const int row = selected_row();
    const bool selected = row >= 0;
    m_opacity->Enable(selected);
    m_up->Enable(selected && m_rows[static_cast<std::size_t>(row)] != MapLayer::basemap && row > 0);
    m_down->Enable(selected && m_rows[static_cast<std::size_t>(row)] != MapLayer::basemap &&
                   row + 2 < static_cast<int>(m_rows.size()));
    if (selected) {
        m_opacity->SetValue(static_cast<int>(std::lround(
            layer_style(m_style, m_rows[static_cast<std::size_t>(row)]).opacity * opacity_steps)));
    }
}

int LayersPanel::selected_row() const {
    const int row = m_list->GetSelection();
    return row >= 0 && row < static_cast<int>(m_rows.size()) ? row : -1;
}

void LayersPanel::changed() {
    show_selected_opacity();
    if (m_on_change) {
        m_on_change(m_style);
    }
}

} // namespace ykm::gui

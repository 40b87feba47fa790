#include "side_panels.hpp"

#include <wx/listbox.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/srchctrl.h>
#include <wx/stattext.h>

namespace ykm::gui {

namespace {

wxString utf8(const std::string& s) {
    return wxString::FromUTF8(s);
}

/// The attribute names the query layer reports, for xgettext; attribute_label() looks them up.
[[maybe_unused]] const char* const known_attribute_names[] = {
    wxTRANSLATE("id"),       wxTRANSLATE("name"),        wxTRANSLATE("code"),
    wxTRANSLATE("priority"), wxTRANSLATE("oneway"),      wxTRANSLATE("length_m"),
    wxTRANSLATE("district"), wxTRANSLATE("capacity_m3"), wxTRANSLATE("road_class"),
    wxTRANSLATE("lanes"),    wxTRANSLATE("width_m"),     wxTRANSLATE("source_id"),
    wxTRANSLATE("segments"), wxTRANSLATE("km"),          wxTRANSLATE("area_km2"),
    wxTRANSLATE("layer"),    wxTRANSLATE("sidewalk"),    wxTRANSLATE("from_node"),
    wxTRANSLATE("to_node"),
};

} // namespace

wxString layer_name(data::Layer layer) {
    switch (layer) {
    case data::Layer::road_segments:
        return _("Road");
    case data::Layer::road_nodes:
        return _("Road node");
    case data::Layer::districts:
        return _("Work district");
    case data::Layer::depots:
        return _("Depot");
    case data::Layer::dump_sites:
        break;
    }
    return _("Snow dump site");
}

wxString attribute_label(const std::string& name) {
    return wxGetTranslation(utf8(name));
}

IdentifyPanel::IdentifyPanel(wxWindow* parent) : wxPanel(parent, wxID_ANY) {
    SetName("identify_panel");
    m_heading = new wxStaticText(this, wxID_ANY, _("Click a feature on the map."));
    m_heading->SetName("identify_heading");
    m_attributes = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                  wxLC_REPORT | wxLC_SINGLE_SEL);
    m_attributes->SetName("identify_attributes");
    m_attributes->SetToolTip(_("Attributes of the feature clicked on the map"));
    m_attributes->AppendColumn(_("Attribute"));
    m_attributes->AppendColumn(_("Value"));
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(m_heading, 0, wxEXPAND | wxALL, 4);
    sizer->Add(m_attributes, 1, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 4);
    SetSizer(sizer);
}

void IdentifyPanel::show(const std::optional<data::FeatureInfo>& feature) {
    m_attributes->DeleteAllItems();
    if (!feature) {
        m_heading->SetLabel(_("Nothing here."));
        return;
    }
    m_heading->SetLabel(wxString::Format(_("%s %lld"), layer_name(feature->layer),
                                         static_cast<long long>(feature->id)));
    long row = 0;
    for (const auto& [name, value] : feature->attributes) {
        m_attributes->InsertItem(row, attribute_label(name));
        m_attributes->SetItem(row, 1, utf8(value));
        ++row;
    }
    m_attributes->SetColumnWidth(0, wxLIST_AUTOSIZE);
    m_attributes->SetColumnWidth(1, wxLIST_AUTOSIZE);
    Layout();
}

void IdentifyPanel::clear() {
    m_attributes->DeleteAllItems();
    m_heading->SetLabel(_("Click a feature on the map."));
}

wxString IdentifyPanel::heading() const {
    return m_heading->GetLabel();
}

std::vector<std::pair<wxString, wxString>> IdentifyPanel::rows() const {
    std::vector<std::pair<wxString, wxString>> out;
    for (long row = 0; row < m_attributes->GetItemCount(); ++row) {
        out.emplace_back(m_attributes->GetItemText(row, 0), m_attributes->GetItemText(row, 1));
    }
    return out;
}

SearchPanel::SearchPanel(wxWindow* parent, Search search, Picked picked)
    : wxPanel(parent, wxID_ANY), m_search(std::move(search)), m_picked(std::move(picked)) {
    SetName("search_panel");
    auto* label = new wxStaticText(this, wxID_ANY, _("Road &name or id:"));
    m_text = new wxSearchCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxDefaultSize,
                              wxTE_PROCESS_ENTER);
    m_text->SetName("road_search");
    m_text->SetDescriptiveText(_("Search roads"));
    m_text->SetToolTip(_("Type part of a road name or a road id and press Enter"));
    m_list = new wxListBox(this, wxID_ANY);
    m_list->SetName("road_search_results");
    m_list->SetToolTip(_("Roads found; choose one to zoom to it"));
    m_status = new wxStaticText(this, wxID_ANY, wxEmptyString);
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(label, 0, wxLEFT | wxRIGHT | wxTOP, 4);
    sizer->Add(m_text, 0, wxEXPAND | wxALL, 4);
    sizer->Add(m_status, 0, wxEXPAND | wxLEFT | wxRIGHT, 4);
    sizer->Add(m_list, 1, wxEXPAND | wxALL, 4);
    SetSizer(sizer);

    m_text->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { run_search(); });
    m_text->Bind(wxEVT_SEARCHCTRL_SEARCH_BTN, [this](wxCommandEvent&) { run_search(); });
    m_list->Bind(wxEVT_LISTBOX, [this](wxCommandEvent& event) { pick(event.GetSelection()); });
    m_list->Bind(wxEVT_LISTBOX_DCLICK,
                 [this](wxCommandEvent& event) { pick(event.GetSelection()); });
}

void SearchPanel::focus_search() {
    m_text->SetFocus();
    m_text->SelectAll();
}

void SearchPanel::type_and_search(const wxString& text) {
    m_text->SetFocus();
    m_text->ChangeValue(text);
    wxCommandEvent enter(wxEVT_TEXT_ENTER, m_text->GetId());
    enter.SetEventObject(m_text);
    enter.SetString(text);
    m_text->ProcessWindowEvent(enter);
}

void SearchPanel::choose(int row) {
    if (row < 0 || row >= static_cast<int>(m_list->GetCount())) {
        return;
    }
    m_list->SetSelection(row);
    wxCommandEvent selected(wxEVT_LISTBOX, m_list->GetId());
    selected.SetEventObject(m_list);
    selected.SetInt(row);
    m_list->ProcessWindowEvent(selected);
}

std::vector<wxString> SearchPanel::result_labels() const {
    std::vector<wxString> labels;
    for (unsigned i = 0; i < m_list->GetCount(); ++i) {
        labels.push_back(m_list->GetString(i));
    }
    return labels;
}

void SearchPanel::clear() {
    m_results.clear();
    m_list->Clear();
    m_status->SetLabel(wxEmptyString);
}

void SearchPanel::run_search() {
    const std::string text(m_text->GetValue().Trim().Trim(false).utf8_str());
    m_list->Clear();
    m_results.clear();
    if (text.empty() || !m_search) {
        m_status->SetLabel(wxEmptyString);
        return;
    }
    m_results = m_search(text);
    for (const data::FeatureInfo& road : m_results) {
        wxString name;
        for (const auto& [key, value] : road.attributes) {
            if (key == "name") {
                name = utf8(value);
            }
        }
        if (name.empty()) {
            name = _("(unnamed)");
        }
        m_list->Append(
            wxString::Format(_("%s (road %lld)"), name, static_cast<long long>(road.id)));
    }
    m_status->SetLabel(m_results.empty()
                           ? _("No road found.")
                           : wxString::Format(wxPLURAL("%d road found.", "%d roads found.",
                                                       static_cast<unsigned>(m_results.size())),
                                              static_cast<int>(m_results.size())));
    Layout();
}

void SearchPanel::pick(int row) {
    if (row >= 0 && row < static_cast<int>(m_results.size()) && m_picked) {
        m_picked(m_results[static_cast<std::size_t>(row)]);
    }
}

} // namespace ykm::gui

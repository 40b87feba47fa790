#pragma once

#include "ykm/data/map_query.hpp"

#include <wx/panel.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

class wxListBox;
class wxListCtrl;
class wxSearchCtrl;
class wxStaticText;

namespace ykm::gui {

/// The identify panel: the attributes of the feature last clicked on the map.
class IdentifyPanel : public wxPanel {
public:
    explicit IdentifyPanel(wxWindow* parent);

    /// Shows `feature`'s attributes, or says that nothing was found where the user clicked.
    void show(const std::optional<data::FeatureInfo>& feature);
    void clear();

    /// The heading and the attribute rows (name, value) as shown.
    [[nodiscard]] wxString heading() const;
    [[nodiscard]] std::vector<std::pair<wxString, wxString>> rows() const;

private:
    wxStaticText* m_heading = nullptr;
    wxListCtrl* m_attributes = nullptr;
};

/// The search panel: a road name or id, and the roads found.
class SearchPanel : public wxPanel {
public:
    using Search = std::function<std::vector<data::FeatureInfo>(const std::string& text)>;
    using Picked = std::function<void(const data::FeatureInfo& road)>;

    SearchPanel(wxWindow* parent, Search search, Picked picked);

    /// Puts the keyboard focus into the search box.
    void focus_search();
    void clear();

    /// Types `text` into the search box and presses Enter, through the box's own event.
    void type_and_search(const wxString& text);
    /// Chooses the result in `row` (from 0) as a click in the list does.
    void choose(int row);
    /// The results' labels as the list shows them.
    [[nodiscard]] std::vector<wxString> result_labels() const;

private:
    void run_search();
    void pick(int row);

    Search m_search;
    Picked m_picked;
    std::vector<data::FeatureInfo> m_results;
    wxSearchCtrl* m_text = nullptr;
    wxListBox* m_list = nullptr;
    wxStaticText* m_status = nullptr;
};

/// The layer's name in the user's language, for headings.
wxString layer_name(data::Layer layer);

/// The name of an attribute in the user's language (the catalog knows the usual ones).
wxString attribute_label(const std::string& name);

} // namespace ykm::gui

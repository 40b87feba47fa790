#include "report_dialogs.hpp"

#include "ykm/data/project.hpp"
#include "ykm/dispatch/report_confirmations.hpp"
#include "ykm/dispatch/report_table.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gui/map_worker.hpp"
#include "ykm/gui/report_view.hpp"

#include <wx/bitmap.h>
#include <wx/button.h>
#include <wx/choice.h>
#include <wx/dcbuffer.h>
#include <wx/image.h>
#include <wx/listctrl.h>
#include <wx/panel.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <utility>

namespace ykm::gui {

using namespace report_widgets;

namespace {

std::string hours_or(const std::optional<std::int64_t>& ms, const std::string& none) {
    return ms ? hours_text(*ms) : none;
}

std::string jst_text(std::int64_t time_ms) {
    const std::string date = dispatch::jst_date_of(time_ms);
    return date + " " + jst_time_text(time_ms, date);
}

} // namespace

StormDialog::StormDialog(wxWindow* parent, ReportContext context, bool ask)
    : wxDialog(parent, wxID_ANY, _("Storm analysis"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER | wxMAXIMIZE_BOX),
      m_context(std::move(context)) {
    SetName("storm_analysis");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* choose = new wxBoxSizer(wxHORIZONTAL);
    choose->Add(new wxStaticText(this, wxID_ANY, _("Storm")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT,
                4);
    m_storm_choice = new wxChoice(this, wxID_ANY);
    m_storm_choice->SetName("storm");
    choose->Add(m_storm_choice, 1, wxRIGHT, 12);
    choose->Add(new wxStaticText(this, wxID_ANY, _("or from")), 0,
                wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    m_from = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition,
                            wxSize(18 * GetCharWidth(), -1));
    m_from->SetName("from");
    m_from->SetToolTip(_("The dispatch, YYYY-MM-DD HH:MM (Japan time)"));
    choose->Add(m_from, 0, wxRIGHT, 4);
    choose->Add(new wxStaticText(this, wxID_ANY, _("to")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    m_to = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition,
                          wxSize(18 * GetCharWidth(), -1));
    m_to->SetName("to");
    m_to->SetToolTip(_("The end, YYYY-MM-DD HH:MM (Japan time)"));
    choose->Add(m_to, 0, wxRIGHT, 4);
    auto* show = new wxButton(this, wxID_ANY, _("Show"));
    choose->Add(show);
    sizer->Add(choose, 0, wxEXPAND | wxALL, 8);

    m_chart = new wxPanel(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(800, 420)));
    m_chart->SetName("chart");
    m_chart->SetBackgroundStyle(wxBG_STYLE_PAINT);
    sizer->Add(m_chart, 3, wxEXPAND | wxLEFT | wxRIGHT, 8);
    sizer->Add(new wxStaticText(this, wxID_ANY, _("Time to clear class-1 roads per district")), 0,
               wxLEFT | wxRIGHT | wxTOP, 8);
    m_districts = make_list(this, "districts", 5,
                            {{_("District"), 16},
                             {_("Class-1 km"), 12},
                             {_("Cleared km"), 14},
                             {_("Done (%)"), 10},
                             {_("Hours to 90 %"), 16},
                             {_("Hours to clear"), 16}});
    sizer->Add(m_districts, 1, wxEXPAND | wxALL, 8);
    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    auto* png = new wxButton(this, wxID_ANY, _("Chart as PNG..."));
    auto* pdf = new wxButton(this, wxID_ANY, _("Chart as PDF..."));
    auto* csv = new wxButton(this, wxID_ANY, _("Table as CSV..."));
    auto* xlsx = new wxButton(this, wxID_ANY, _("Tables as XLSX..."));
    buttons->Add(png, 0, wxRIGHT, 4);
    buttons->Add(pdf, 0, wxRIGHT, 4);
    buttons->Add(csv, 0, wxRIGHT, 4);
    buttons->Add(xlsx, 0, wxRIGHT, 4);
    buttons->AddStretchSpacer();
    buttons->Add(new wxButton(this, wxID_CLOSE, _("Close")));
    sizer->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 8);
    SetSizer(sizer);
    SetSize(FromDIP(wxSize(1000, 780)));

    m_chart->Bind(wxEVT_PAINT, [this](wxPaintEvent&) { paint_chart(); });
    m_chart->Bind(wxEVT_SIZE, [this](wxSizeEvent& event) {
        m_chart->Refresh(false);
        event.Skip();
    });
    m_storm_choice->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { on_storm_chosen(); });
    show->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { on_custom(); });
    png->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        on_export_button(true, _("PNG pictures (*.png)|*.png"), ".png");
    });
    pdf->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        on_export_button(true, _("PDF documents (*.pdf)|*.pdf"), ".pdf");
    });
    csv->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        on_export_button(false, _("CSV files (*.csv)|*.csv"), ".csv");
    });
    xlsx->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        on_export_button(false, _("Excel workbooks (*.xlsx)|*.xlsx"), ".xlsx");
    });
    Bind(
        wxEVT_BUTTON, [this](wxCommandEvent&) { Hide(); }, wxID_CLOSE);

    if (const auto path = m_context.project_path()) {
        try {
            data::Project project = data::Project::open(*path, data::OpenMode::read_write);
            m_storms = dispatch::storm_candidates(project);
            std::reverse(m_storms.begin(), m_storms.end());
        } catch (const std::exception& e) {
            show_refusal(this, _("Storm analysis"), utf8(e.what()), ask, m_messages);
        }
    }
    const bool english = m_context.language == UiLanguage::english;
    for (const dispatch::StormCandidate& s : m_storms) {
        m_storm_choice->Append(utf8(storm_label(s, english)));
    }
    if (!m_storms.empty()) {
        m_storm_choice->SetSelection(0);
        open_storm(0, ask);
    }
}

gis::MapLanguage StormDialog::chart_language() const {
    return m_context.language == UiLanguage::english ? gis::MapLanguage::english
                                                     : gis::MapLanguage::japanese;
}

void StormDialog::on_storm_chosen() {
    const int row = m_storm_choice->GetSelection();
    if (row >= 0) {
        open_storm(static_cast<std::size_t>(row), true);
    }
}

void StormDialog::on_custom() {
    const auto from = parse_jst_minute(to_utf8(m_from->GetValue().Trim().Trim(false)));
    const auto to = parse_jst_minute(to_utf8(m_to->GetValue().Trim().Trim(false)));
    if (!from || !to) {
        show_refusal(this, _("Storm analysis"),
                     _("Write the dispatch and the end as YYYY-MM-DD HH:MM (Japan time)."), true,
                     m_messages);
        return;
    }
    open_window(*from, *to, true);
}

bool StormDialog::open_storm(std::size_t index, bool ask) {
    if (index >= m_storms.size()) {
        show_refusal(this, _("Storm analysis"),
                     wxString::Format(_("There is no storm %zu: the project has %zu."), index,
                                      m_storms.size()),
                     ask, m_messages);
        return false;
    }
    m_storm_choice->SetSelection(static_cast<int>(index));
    return open_window(m_storms[index].dispatch_ms, m_storms[index].end_ms, ask);
}

bool StormDialog::open_window(std::int64_t dispatch_ms, std::int64_t end_ms, bool ask) {
    const auto path = m_context.project_path();
    if (!path) {
        return false;
    }
    try {
        data::Project project = data::Project::open(*path, data::OpenMode::read_write);
        m_kpis = dispatch::storm_kpis(project, dispatch::StormWindow{dispatch_ms, end_ms});
    } catch (const std::exception& e) {
        show_refusal(this, _("Storm analysis"), utf8(e.what()), ask, m_messages);
        return false;
    }
    m_from->ChangeValue(utf8(jst_text(dispatch_ms)));
    m_to->ChangeValue(utf8(jst_text(end_ms)));
    std::vector<std::vector<std::string>> rows;
    const std::string not_cleared = to_utf8(_("not cleared"));
    for (const dispatch::DistrictClearing& d : m_kpis->class1_by_district) {
        char percent[16];
        std::snprintf(percent, sizeof percent, "%.0f", d.percent());
        rows.push_back({d.name, km_text(d.required_km * 1000.0), km_text(d.done_km * 1000.0),
                        percent, hours_or(d.to_90_percent_ms, not_cleared),
                        hours_or(d.to_cleared_ms, not_cleared)});
    }
    fill_list(*m_districts, rows);
    m_bitmap.reset();
    m_chart->Refresh(false);
    return true;
}

void StormDialog::paint_chart() {
    wxAutoBufferedPaintDC dc(m_chart);
    dc.SetBackground(*wxWHITE_BRUSH);
    dc.Clear();
    if (!m_kpis) {
        dc.DrawText(_("Choose a storm, or write the dispatch and the end and press Show."),
                    FromDIP(12), FromDIP(12));
        return;
    }
    const wxSize size = m_chart->GetClientSize();
    const int width = std::clamp(size.GetWidth(), 200, 10'000);
    const int height = std::clamp(size.GetHeight(), 150, 10'000);
    if (!m_bitmap || m_drawn_size != wxSize(width, height)) {
        try {
            const gis::Image image =
                dispatch::draw_storm_chart(*m_kpis, width, height, chart_language());
            std::vector<unsigned char> rgb = blend_to_rgb(image, gis::Rgb{255, 255, 255});
            wxImage picture(image.width, image.height, rgb.data(), true);
            m_bitmap = std::make_unique<wxBitmap>(picture.Copy());
            m_drawn_size = wxSize(width, height);
        } catch (const std::exception& e) {
            m_bitmap.reset();
            dc.DrawText(utf8(e.what()), FromDIP(12), FromDIP(12));
            return;
        }
    }
    dc.DrawBitmap(*m_bitmap, 0, 0);
}

bool StormDialog::export_chart(const std::filesystem::path& file, bool ask) {
    if (!m_kpis) {
        show_refusal(this, _("Storm analysis"), _("Choose a storm first."), ask, m_messages);
        return false;
    }
    return save_export(this, _("The chart cannot be exported"), file, ask, m_messages,
                       [&] { dispatch::write_storm_chart(*m_kpis, file, chart_language()); });
}

bool StormDialog::export_table(const std::filesystem::path& file, bool ask) {
    if (!m_kpis) {
        show_refusal(this, _("Storm analysis"), _("Choose a storm first."), ask, m_messages);
        return false;
    }
    return save_export(this, _("The tables cannot be exported"), file, ask, m_messages, [&] {
        dispatch::write_report(dispatch::storm_tables(*m_kpis, chart_language()), file);
    });
}

void StormDialog::on_export_button(bool chart, const wxString& wildcard,
                                   const wxString& extension) {
    if (!m_kpis) {
        show_refusal(this, _("Storm analysis"), _("Choose a storm first."), true, m_messages);
        return;
    }
    const std::string date = dispatch::jst_date_of(m_kpis->window.dispatch_ms);
    const auto file =
        ask_save_path(this, chart ? _("Export storm chart") : _("Export storm tables"),
                      utf8((chart ? "storm_chart_" : "storm_") + date) + extension, wildcard);
    if (!file) {
        return;
    }
    if (chart) {
        export_chart(*file, true);
    } else {
        export_table(*file, true);
    }
}

nlohmann::json StormDialog::dump() const {
    nlohmann::json storms = nlohmann::json::array();
    for (unsigned i = 0; i < m_storm_choice->GetCount(); ++i) {
        storms.push_back(to_utf8(m_storm_choice->GetString(i)));
    }
    nlohmann::json out = {{"storms", storms},
                          {"chosen", m_storm_choice->GetSelection()},
                          {"districts", list_json(*m_districts)},
                          {"chart_drawn", m_bitmap != nullptr},
                          {"messages", m_messages}};
    if (m_kpis) {
        out["dispatch_ms"] = m_kpis->window.dispatch_ms;
        out["end_ms"] = m_kpis->window.end_ms;
        out["steps"] = m_kpis->steps.size();
    }
    return out;
}

} // namespace ykm::gui

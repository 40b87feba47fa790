#include "replay_panel.hpp"

#include "map_canvas.hpp"
#include "orders_panel.hpp"
#include "ykm/gui/fleet_view.hpp"

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/sizer.h>
#include <wx/slider.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <algorithm>
#include <exception>
#include <utility>

namespace ykm::gui {

namespace {

/// The timeline moves on 40 times a second; the replay worker builds the newest instant asked
/// for, so the frames shown are as many as the replay and the map can draw (30 a second and more
/// with 1,000 vehicles at a district's view), not fewer for a late timer tick.
constexpr int tick_ms = 25;
/// At most this many positions on the slider (one a minute for shorter seasons).
constexpr int slider_positions_max = 100'000;

wxString utf8(const std::string& s) {
    return wxString::FromUTF8(s);
}

std::string to_utf8(const wxString& s) {
    return std::string(s.utf8_str());
}

/// The step choice's labels, parallel to replay_steps_ms.
wxArrayString step_labels() {
    wxArrayString labels;
    labels.Add(_("10 s"));
    labels.Add(_("1 min"));
    labels.Add(_("10 min"));
    labels.Add(_("1 h"));
    return labels;
}

} // namespace

ReplayPanel::ReplayPanel(wxWindow* parent, MapCanvas& canvas, OrdersPanel& orders,
                         Callbacks callbacks)
    : wxPanel(parent, wxID_ANY), m_canvas(canvas), m_orders(orders),
      m_callbacks(std::move(callbacks)) {
    SetName("replay_panel");
    build();
    m_timer.SetOwner(this);
    Bind(wxEVT_TIMER, &ReplayPanel::on_timer, this);
}

ReplayPanel::~ReplayPanel() {
    m_timer.Stop();
    // Joins the worker's thread before the panel goes.
    m_worker.reset();
}

void ReplayPanel::build() {
    auto* row = new wxBoxSizer(wxHORIZONTAL);
    const auto add = [&](wxWindow* window, int proportion = 0) {
        row->Add(window, proportion, wxALIGN_CENTER_VERTICAL | wxLEFT, FromDIP(4));
    };
    m_leave = new wxButton(this, wxID_ANY, _("End replay"));
    m_leave->SetToolTip(_("Back to the live fleet"));
    add(m_leave);
    m_back =
        new wxButton(this, wxID_ANY, utf8("◀◀"), wxDefaultPosition, wxDefaultSize, wxBU_EXACTFIT);
    m_back->SetToolTip(_("Step back"));
    add(m_back);
    m_play = new wxButton(this, wxID_ANY, _("Play"));
    m_play->SetToolTip(_("Play or pause (Space)"));
    add(m_play);
    m_forward =
        new wxButton(this, wxID_ANY, utf8("▶▶"), wxDefaultPosition, wxDefaultSize, wxBU_EXACTFIT);
    m_forward->SetToolTip(_("Step forward"));
    add(m_forward);
    m_step = new wxChoice(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, step_labels());
    m_step->SetSelection(1);
    m_step->SetToolTip(_("One step"));
    add(m_step);
    wxArrayString speeds;
    for (const int speed : replay_speeds) {
        speeds.Add(wxString::Format(_("%dx"), speed));
    }
    m_speed = new wxChoice(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, speeds);
    m_speed->SetToolTip(_("Playback speed"));
    m_speed->SetSelection(2);
    add(m_speed);
    m_slider = new wxSlider(this, wxID_ANY, 0, 0, 1);
    m_slider->SetToolTip(_("The season from its first to its last fix; drag to go there"));
    add(m_slider, 1);
    m_time = new wxStaticText(this, wxID_ANY, wxString());
    m_time->SetName("replay_time");
    add(m_time);
    m_jump = new wxTextCtrl(this, wxID_ANY, wxString(), wxDefaultPosition, wxSize(FromDIP(140), -1),
                            wxTE_PROCESS_ENTER);
    m_jump->SetHint("2027-01-15 23:30");
    m_jump->SetToolTip(_("Date and time to jump to (Japan time)"));
    add(m_jump);
    m_go = new wxButton(this, wxID_ANY, _("Jump"));
    add(m_go);
    add(new wxStaticText(this, wxID_ANY, _("Follow:")));
    m_follow = new wxChoice(this, wxID_ANY);
    m_follow->SetToolTip(_("Keep this vehicle in the centre of the map"));
    add(m_follow);
    row->AddSpacer(FromDIP(4));
    SetSizer(row);

    m_leave->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (m_callbacks.leave) {
            m_callbacks.leave();
        }
    });
    m_back->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { step(-1); });
    m_forward->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { step(1); });
    m_play->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { toggle_play(); });
    m_step->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
        if (m_clock && m_step->GetSelection() >= 0) {
            m_clock->set_step_ms(
                replay_steps_ms.at(static_cast<std::size_t>(m_step->GetSelection())));
        }
    });
    m_speed->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
        if (m_speed->GetSelection() >= 0) {
            set_speed(replay_speeds.at(static_cast<std::size_t>(m_speed->GetSelection())));
        }
    });
    m_slider->Bind(wxEVT_SLIDER, [this](wxCommandEvent&) {
        if (m_clock) {
            seek(m_clock->time_at_slider(m_slider->GetValue(), m_slider_max));
        }
    });
    m_jump->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { jump(m_jump->GetValue()); });
    m_go->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { jump(m_jump->GetValue()); });
    m_follow->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
        const int n = m_follow->GetSelection();
        follow(n <= 0 ? std::string() : m_codes.at(static_cast<std::size_t>(n - 1)));
    });
}

bool ReplayPanel::start(const std::filesystem::path& project) {
    stop();
    const std::uint64_t session = ++m_session;
    std::unique_ptr<ReplayWorker> worker;
    try {
        worker = std::make_unique<ReplayWorker>(
            project, dispatch::ReplaySettings{}, [this, session](ReplayWorker::Result result) {
                // On the worker's thread: the UI thread shows it.
                CallAfter([this, session, result = std::move(result)]() mutable {
                    if (session == m_session && m_worker) {
                        receive(std::move(result));
                    }
                });
            });
    } catch (const std::exception& e) {
        m_callbacks.report_error(_("Yukimichi: season replay"),
                                 wxString::Format(_("Cannot replay the season of %s:\n\n%s"),
                                                  utf8(project.string()), utf8(e.what())));
        return false;
    }
    const std::optional<dispatch::SeasonExtent> extent = worker->extent();
    if (!extent) {
        m_callbacks.report_error(_("Yukimichi: season replay"),
                                 wxString::Format(_("The season log of %s holds no GPS fix: "
                                                    "there is nothing to replay."),
                                                  utf8(project.string())));
        return false;
    }
    m_worker = std::move(worker);
    m_clock.emplace(extent->first_ms, extent->last_ms);
    m_clock->set_speed(replay_speeds.at(static_cast<std::size_t>(m_speed->GetSelection())));
    m_clock->set_step_ms(replay_steps_ms.at(static_cast<std::size_t>(m_step->GetSelection())));
    m_slider_max = static_cast<int>(std::clamp<std::int64_t>(
        (extent->last_ms - extent->first_ms) / 60'000, 1, slider_positions_max));
    m_slider->SetRange(0, m_slider_max);
    m_frame.reset();
    m_followed.clear();
    m_codes.clear();
    m_follow->Clear();
    m_follow->Append(_("(none)"));
    m_follow->SetSelection(0);
    m_error_shown = false;

    gis::MapStyle style = m_canvas.style();
    m_colouring_before = style.road_colouring;
    m_legend_before = style.legend;
    m_coverage_before = style.coverage;
    style.road_colouring = gis::RoadColouring::time_since_pass;
    style.legend = true;
    style.coverage = {};
    style.coverage.now_ms = m_clock->time_ms();
    m_canvas.set_trails(nullptr, 0, 0);
    m_canvas.set_style(style);
    m_canvas.set_overlay({});
    m_orders.show_replay(std::vector<dispatch::ReplayOrder>{}, m_clock->time_ms());

    m_last_tick = std::chrono::steady_clock::now();
    m_timer.Start(tick_ms);
    request();
    update_controls();
    return true;
}

void ReplayPanel::stop() {
    if (!m_worker) {
        return;
    }
    m_timer.Stop();
    ++m_session;
    m_worker.reset();
    m_clock.reset();
    m_frame.reset();
    m_followed.clear();
    gis::MapStyle style = m_canvas.style();
    style.road_colouring = m_colouring_before;
    style.legend = m_legend_before;
    style.coverage = m_coverage_before;
    m_canvas.set_trails(nullptr, 0, 0);
    m_canvas.set_style(style);
    m_canvas.set_overlay({});
    m_orders.show_replay(std::nullopt);
}

void ReplayPanel::play() {
    if (m_clock && !m_clock->playing()) {
        m_clock->play();
        m_last_tick = std::chrono::steady_clock::now();
        request();
        update_controls();
    }
}

void ReplayPanel::pause() {
    if (m_clock && m_clock->playing()) {
        m_clock->pause();
        update_controls();
        if (m_frame) {
            show_instant(m_frame->time_ms);
        }
    }
}

void ReplayPanel::toggle_play() {
    if (m_clock && m_clock->playing()) {
        pause();
    } else {
        play();
    }
}

bool ReplayPanel::set_speed(int speed) {
    const auto* it = std::find(replay_speeds.begin(), replay_speeds.end(), speed);
    if (it == replay_speeds.end()) {
        m_callbacks.report_error(_("Yukimichi: season replay"),
                                 wxString::Format(_("The speed %dx is not offered."), speed));
        return false;
    }
    m_speed->SetSelection(static_cast<int>(it - replay_speeds.begin()));
    if (m_clock) {
        m_clock->set_speed(speed);
        update_controls();
    }
    return true;
}

void ReplayPanel::step(int steps) {
    if (m_clock) {
        m_clock->step(steps);
        request();
        update_controls();
    }
}

void ReplayPanel::seek(std::int64_t time_ms) {
    if (m_clock) {
        m_clock->seek(time_ms);
        request();
        update_controls();
    }
}

bool ReplayPanel::jump(const wxString& text) {
    if (!m_clock) {
        return false;
    }
    const std::optional<std::int64_t> time = parse_replay_time(to_utf8(text));
    if (!time) {
        m_callbacks.report_error(
            _("Yukimichi: season replay"),
            wxString::Format(_("'%s' is not a date and time. Write it as 2027-01-15 23:30 "
                               "(Japan time)."),
                             text));
        return false;
    }
    if (*time < m_clock->first_ms() || *time > m_clock->last_ms()) {
        m_callbacks.report_error(
            _("Yukimichi: season replay"),
            wxString::Format(_("'%s' is outside the season, which runs from %s to %s."), text,
                             utf8(replay_time_text(m_clock->first_ms())),
                             utf8(replay_time_text(m_clock->last_ms()))));
        return false;
    }
    seek(*time);
    return true;
}

bool ReplayPanel::follow(const std::string& code) {
    if (!code.empty() && m_frame && m_frame->vehicle_by_code(code) == nullptr) {
        return false;
    }
    m_followed = code;
    const auto it = std::find(m_codes.begin(), m_codes.end(), code);
    m_follow->SetSelection(it == m_codes.end() ? 0 : static_cast<int>(it - m_codes.begin()) + 1);
    if (m_frame) {
        show(*m_frame);
    }
    return true;
}

bool ReplayPanel::frame_current() const {
    return m_clock && m_frame && m_frame->time_ms == m_clock->time_ms() && m_worker &&
           !m_worker->busy();
}

wxString ReplayPanel::time_label() const {
    return m_time->GetLabel();
}

std::uint64_t ReplayPanel::dropped_frames() const {
    return m_worker ? m_worker->dropped() : 0;
}

void ReplayPanel::on_timer(wxTimerEvent&) {
    const auto now = std::chrono::steady_clock::now();
    const double wall_ms = std::chrono::duration<double, std::milli>(now - m_last_tick).count();
    m_last_tick = now;
    if (!m_clock || !m_clock->playing()) {
        return;
    }
    m_clock->advance(wall_ms);
    request();
    update_controls();
}

void ReplayPanel::request() {
    if (m_worker && m_clock) {
        m_worker->request(m_clock->time_ms());
    }
}

void ReplayPanel::receive(ReplayWorker::Result result) {
    if (!result.error.empty()) {
        // One dialog, not one per frame, while playing.
        pause();
        if (!m_error_shown) {
            m_error_shown = true;
            m_callbacks.report_error(_("Yukimichi: season replay"),
                                     wxString::Format(_("Cannot show the season at %s:\n\n%s"),
                                                      utf8(replay_time_text(result.time_ms)),
                                                      utf8(result.error)));
        }
        return;
    }
    m_frame = std::move(result.frame);
    show(*m_frame);
}

void ReplayPanel::show(const dispatch::ReplayFrame& frame) {
    ++m_frames_shown;
    FleetOverlay overlay;
    // The trails go into the map's picture (the map worker draws them, fading with age); the
    // markers over it.
    auto trails = std::make_shared<std::vector<gis::TimedTrail>>();
    std::int64_t trail_ms = 0;
    const dispatch::ReplayVehicle* followed = nullptr;
    for (const dispatch::ReplayVehicle& v : frame.vehicles) {
        if (!v.position_xy) {
            continue;
        }
        VehicleMarker marker;
        marker.id = v.vehicle_id;
        marker.code = v.code;
        marker.position = *v.position_xy;
        marker.heading_deg = v.heading_deg;
        marker.state = v.state;
        overlay.markers.push_back(std::move(marker));
        if (v.trail_xy.size() >= 2) {
            trails->push_back({v.trail_xy, v.trail_times_ms});
            trail_ms = std::max(trail_ms, frame.time_ms - v.trail_times_ms.front());
        }
        if (!m_followed.empty() && v.code == m_followed) {
            followed = &v;
            overlay.selected = v.vehicle_id;
        }
    }
    m_canvas.set_overlay(std::move(overlay));
    m_canvas.set_trails(std::move(trails), frame.time_ms, trail_ms);
    gis::MapStyle style = m_canvas.style();
    style.road_colouring = gis::RoadColouring::time_since_pass;
    style.legend = true;
    style.coverage.passes = frame.coverage;
    style.coverage.now_ms = frame.time_ms;
    if (followed != nullptr) {
        // Before the style, so that one picture is drawn for both.
        m_canvas.centre_on(*followed->position_xy);
    }
    m_canvas.set_style(style);
    m_orders.show_replay(frame.orders, frame.time_ms);
    if (m_callbacks.show_vehicles) {
        m_callbacks.show_vehicles(frame.vehicles, frame.time_ms);
    }
    fill_follow_choice(frame);
    // The title and status bar (which GTK redraws at once) four times a second while playing;
    // the timeline's own label follows every frame.
    const auto now = std::chrono::steady_clock::now();
    if (!(m_clock && m_clock->playing()) ||
        now - m_instant_shown >= std::chrono::milliseconds(250)) {
        show_instant(frame.time_ms);
        m_instant_shown = now;
    }
}

void ReplayPanel::show_instant(std::int64_t time_ms) {
    if (m_callbacks.show_instant) {
        m_callbacks.show_instant(
            wxString::Format(_("Replaying %s"), utf8(replay_time_text(time_ms))));
    }
}

void ReplayPanel::fill_follow_choice(const dispatch::ReplayFrame& frame) {
    std::vector<std::string> codes;
    for (const dispatch::ReplayVehicle& v : frame.vehicles) {
        codes.push_back(v.code);
    }
    std::sort(codes.begin(), codes.end());
    if (codes == m_codes) {
        return;
    }
    m_codes = std::move(codes);
    m_follow->Clear();
    m_follow->Append(_("(none)"));
    for (const std::string& code : m_codes) {
        m_follow->Append(utf8(code));
    }
    const auto it = std::find(m_codes.begin(), m_codes.end(), m_followed);
    m_follow->SetSelection(it == m_codes.end() ? 0 : static_cast<int>(it - m_codes.begin()) + 1);
}

void ReplayPanel::update_controls() {
    const bool on = m_clock.has_value();
    for (wxWindow* control : std::initializer_list<wxWindow*>{
             m_back, m_play, m_forward, m_step, m_speed, m_slider, m_jump, m_go, m_follow}) {
        control->Enable(on);
    }
    if (!on) {
        m_time->SetLabel(wxString());
        return;
    }
    m_play->SetLabel(m_clock->playing() ? _("Pause") : _("Play"));
    const int position = m_clock->slider_position(m_slider_max);
    if (m_slider->GetValue() != position) {
        m_slider->SetValue(position);
    }
    const wxString label = utf8(replay_time_text(m_clock->time_ms()));
    if (m_time->GetLabel() != label) {
        m_time->SetLabel(label);
        Layout();
    }
}

} // namespace ykm::gui

#include "ykm/dispatch/order_sheet.hpp"

#include "ykm/data/database.hpp"
#include "ykm/dispatch/audit_log.hpp"
#include "ykm/dispatch/driver_sheet.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/position_input.hpp"
#include "ykm/dispatch/secrets.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gis/map_renderer.hpp"
#include "ykm/gis/map_view.hpp"

#include "pdf_page.hpp"

#include <cairo-pdf.h>
#include <qrencode.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <unordered_map>

namespace ykm::dispatch {

namespace {

using gis::XY;

// ---- what the sheet shows -----------------------------------------------------------------------

struct RoadRow {
    std::int64_t id = 0;
    std::string name;
    gis::PriorityClass priority = gis::PriorityClass::none;
    double length_m = 0.0;
    bool oneway = false;
};

struct SheetContent {
    WorkOrder order;
    std::string issued_label; ///< 発令日時, or 作成日時 while the order was never issued
    std::int64_t issued_ms = 0;
    std::optional<Contractor> contractor;
    std::string district;
    std::string vehicles; ///< "T-1（青森 100 さ 1234）、T-2"
    std::vector<RoadRow> roads;
    double total_m = 0.0;
    gis::RoadNetwork network;
    std::string order_url; ///< "" without a portal
};

// The portal address without a trailing '/', or throws naming it. Control characters and spaces
// are refused too: the printed address must be the one the QR code opens.
std::string portal_base(const std::string& url) {
    if (url.empty()) {
        return url;
    }
    const auto refuse = [&] {
        return Error("order sheet: portal URL '" + url + "' is not an http:// or https:// address");
    };
    std::string lower = url.substr(0, std::min<std::size_t>(url.size(), 8));
    std::ranges::transform(lower, lower.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::size_t host = 0;
    if (lower.starts_with("https://")) {
        host = 8;
    } else if (lower.starts_with("http://")) {
        host = 7;
    } else {
        throw refuse();
    }
    if (host >= url.size() || url[host] == '/' || url[host] == '?' || url[host] == '#' ||
        url.find('#') != std::string::npos) {
        throw refuse();
    }
    for (const char c : url) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7F) {
            throw refuse();
        }
    }
    std::string base = url;
    while (base.size() > host && base.back() == '/') {
        base.pop_back();
    }
    return base;
}

std::string no_order(std::int64_t order_id) {
    return "order " + std::to_string(order_id) + " does not exist";
}

SheetContent load_content(data::Project& project, std::int64_t order_id,
                          const std::string& portal) {
    Orders orders(project);
    auto order = orders.order(order_id);
    if (!order) {
        throw Error(no_order(order_id));
    }
    SheetContent c;
    c.order = std::move(*order);
    c.issued_label = "作成日時";
    c.issued_ms = c.order.created_ms;
    for (const OrderEvent& e : orders.history(order_id)) {
        if (e.to == OrderStatus::issued) {
            c.issued_label = "発令日時";
            c.issued_ms = e.time_ms;
        }
    }
    Fleet fleet(project);
    c.contractor = fleet.contractor(c.order.contractor_id);
    if (c.order.district_id) {
        c.district = fleet.district_name(*c.order.district_id).value_or("");
    }
    for (const std::int64_t id : c.order.vehicles) {
        const auto v = fleet.vehicle(id);
        std::string text = v ? v->code : "#" + std::to_string(id);
        if (v && !v->plate.empty()) {
            text += "（" + v->plate + "）";
        }
        c.vehicles += (c.vehicles.empty() ? "" : "、") + text;
    }
    c.network = project.load_road_network();
    std::unordered_map<std::int64_t, const gis::RoadSegment*> by_id;
    for (const gis::RoadSegment& s : c.network.segments) {
        by_id.emplace(s.id, &s);
    }
    for (const std::int64_t id : c.order.segments) {
        const auto found = by_id.find(id);
        if (found == by_id.end()) {
            throw Error("order " + c.order.number + ": segment " + std::to_string(id) +
                        " is not in the road network");
        }
        const gis::RoadSegment& s = *found->second;
        c.roads.push_back(
            {id, s.attributes.name, s.attributes.priority, s.length_m, s.attributes.oneway});
        c.total_m += s.length_m;
    }
    if (!portal.empty()) {
        c.order_url = portal + "/#/orders/" + c.order.number;
    }
    return c;
}

std::string priority_text(gis::PriorityClass p) {
    switch (p) {
    case gis::PriorityClass::first:
        return "第1種";
    case gis::PriorityClass::second:
        return "第2種";
    case gis::PriorityClass::third:
        return "第3種";
    case gis::PriorityClass::none:
        break;
    }
    return "指定なし";
}

std::string km_text(double metres) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f km", metres / 1000.0);
    return text;
}

// ---- drawing ----------------------------------------------------------------------------------

using pdf::Align;
using pdf::content_w;
using pdf::LayoutPtr;
using pdf::line;
using pdf::margin;
using pdf::page_h;
using pdf::page_w;
using pdf::rule_colour;
using pdf::set_colour;
using pdf::text_colour;
using pdf::Typesetter;
using pdf::white;

constexpr double mm = 72.0 / 25.4;
constexpr double qr_size = 35.0 * mm; // with its quiet zone
constexpr double qr_column_w = 118.0;
constexpr double info_top = 80.0;
constexpr double info_font_pt = 10.0;
constexpr double label_w = 66.0;
constexpr double info_w = content_w - qr_column_w - 14.0;
constexpr double ack_h = 112.0;
constexpr double footer_y = page_h - margin + 6.0;
constexpr double body_bottom = footer_y - 10.0;
constexpr double ack_top = body_bottom - ack_h;
constexpr double continuation_top = 76.0;
constexpr double list_font_pt = 9.5;
constexpr double row_gap_pt = 3.0;

constexpr gis::Rgb network_colour{0xC4, 0xC9, 0xD1};
constexpr gis::Rgb label_fill{0xEE, 0xF0, 0xF3};

struct QrDeleter {
    void operator()(QRcode* q) const noexcept { QRcode_free(q); }
};
using QrPtr = std::unique_ptr<QRcode, QrDeleter>;

// One printed line of a wrapped text, for text that goes on over the continuation pages.
struct TextLine {
    std::shared_ptr<PangoLayout> layout; // keeps the line alive
    PangoLayoutLine* line = nullptr;
    double height = 0.0;
    double baseline = 0.0; // from the top of the line
};

std::vector<TextLine> split_lines(LayoutPtr layout) {
    std::shared_ptr<PangoLayout> shared(layout.release(), pdf::GObjectDeleter{});
    std::vector<TextLine> lines;
    PangoLayoutIter* iter = pango_layout_get_iter(shared.get());
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(iter, nullptr, &logical);
        TextLine l;
        l.layout = shared;
        l.line = pango_layout_iter_get_line_readonly(iter);
        l.height = static_cast<double>(logical.height) / PANGO_SCALE;
        l.baseline =
            static_cast<double>(pango_layout_iter_get_baseline(iter) - logical.y) / PANGO_SCALE;
        lines.push_back(std::move(l));
    } while (pango_layout_iter_next_line(iter));
    pango_layout_iter_free(iter);
    return lines;
}

// An item of the continuation pages: a height and how to draw it with its top at y.
struct FlowRow {
    double height = 0.0;
    bool in_table = false; // a road row: the page shows the table's column titles above it
    std::function<void(double)> draw;
};

// Columns of the roads list.
constexpr double col_no_w = 30.0;
constexpr double col_id_w = 56.0;
constexpr double col_class_w = 58.0;
constexpr double col_length_w = 64.0;
constexpr double col_oneway_w = 56.0;
constexpr double col_name_w =
    content_w - col_no_w - col_id_w - col_class_w - col_length_w - col_oneway_w;
constexpr double table_head_h = 20.0;

class OrderSheetWriter {
public:
    OrderSheetWriter(cairo_t* cr, const SheetContent& content)
        : m_cr(cr), m_type(cr), m_c(content) {}

    void write() {
        build_first_page_fields();
        build_flow();
        // Pages of the flow: as many rows as fit, at least one a page.
        std::vector<std::pair<std::size_t, std::size_t>> pages;
        std::size_t first = 0;
        while (first < m_flow.size()) {
            double y = continuation_top;
            std::size_t last = first;
            while (last < m_flow.size()) {
                const double head =
                    m_flow[last].in_table && (last == first || !m_flow[last - 1].in_table)
                        ? table_head_h
                        : 0.0;
                if (y + head + m_flow[last].height > body_bottom && last > first) {
                    break;
                }
                y += head + m_flow[last].height;
                ++last;
            }
            pages.emplace_back(first, last);
            first = last;
        }
        const std::size_t total = pages.size() + 1;
        draw_first_page();
        draw_footer(1, total);
        cairo_show_page(m_cr);
        for (std::size_t p = 0; p < pages.size(); ++p) {
            draw_continuation_header();
            double y = continuation_top;
            for (std::size_t i = pages[p].first; i < pages[p].second; ++i) {
                if (m_flow[i].in_table && (i == pages[p].first || !m_flow[i - 1].in_table)) {
                    draw_table_head(y);
                    y += table_head_h;
                }
                m_flow[i].draw(y);
                y += m_flow[i].height;
            }
            draw_footer(p + 2, total);
            cairo_show_page(m_cr);
        }
    }

private:
    struct Field {
        std::string label;
        std::string value;
        int max_lines = 2;
        LayoutPtr layout;
        double height = 0.0;
        bool cut = false; ///< ellipsized here, whole on the next pages
    };

    // ---- page 1 ----

    void build_first_page_fields() {
        const WorkOrder& o = m_c.order;
        const auto add = [&](std::string label, std::string value, int max_lines = 2) {
            m_fields.push_back(
                {std::move(label), std::move(value), max_lines, nullptr, 0.0, false});
        };
        add("状態", std::string(japanese_name(o.status)));
        add(m_c.issued_label, format_jst_date_time(m_c.issued_ms));
        if (m_c.contractor) {
            add("受注者", m_c.contractor->name + "（" + m_c.contractor->code + "）");
            add("電話", m_c.contractor->phone.empty() ? "未登録" : m_c.contractor->phone);
        } else {
            add("受注者", "#" + std::to_string(o.contractor_id));
        }
        add("工区", m_c.district.empty() ? "指定なし" : m_c.district);
        add("作業種別", std::string(data::japanese_name(o.work)));
        add("作業時間帯", format_jst_date_time(o.window_start_ms) + " ～ " +
                              format_jst_date_time(o.window_end_ms));
        add("完了期限", o.deadline_ms ? format_jst_date_time(*o.deadline_ms) : "指定なし");
        add("車両", m_c.vehicles.empty() ? "指定なし（受注者の車両）" : m_c.vehicles, 3);
        add("対象路線", std::to_string(m_c.roads.size()) + " 区間　計 " + km_text(m_c.total_m) +
                            "（一覧は2ページ目以降）");
        add("指示事項", o.instructions.empty() ? "なし" : o.instructions, 6);
        const double value_w = info_w - label_w - 8.0;
        for (Field& f : m_fields) {
            f.layout = m_type.layout(f.value, info_font_pt, false, value_w, f.max_lines);
            f.height = Typesetter::size(f.layout.get()).second + 7.0;
            if (pango_layout_is_ellipsized(f.layout.get())) {
                // Cut here; printed whole on the next pages.
                f.cut = true;
                m_overflow.emplace_back(f.label, f.value);
            }
        }
    }

    void draw_first_page() {
        m_type.text("除雪作業指令書", 22.0, margin, margin - 4.0, true);
        m_type.text("指令番号　" + m_c.order.number, 15.0, page_w - margin, margin + 2.0, true,
                    Align::right);
        line(m_cr, margin, info_top - 12.0, page_w - margin, info_top - 12.0, 1.2, text_colour);

        double y = info_top;
        const double value_x = margin + label_w + 8.0;
        line(m_cr, margin, y, margin + info_w, y, 0.6);
        for (const Field& f : m_fields) {
            cairo_rectangle(m_cr, margin, y, label_w, f.height);
            set_colour(m_cr, label_fill);
            cairo_fill(m_cr);
            m_type.text(f.label, info_font_pt, margin + 5.0, y + 3.5, true);
            if (f.cut) {
                m_type.text("全文は次頁", 7.0, margin + 5.0, y + 19.0);
            }
            m_type.show(f.layout.get(), value_x, y + 3.5);
            y += f.height;
            line(m_cr, margin, y, margin + info_w, y, 0.6);
        }
        const double info_bottom = y;
        const double qr_bottom = draw_qr(page_w - margin - qr_column_w, info_top);
        const double map_top = std::max(info_bottom, qr_bottom) + 12.0;
        const double map_bottom = ack_top - 26.0;
        draw_map(map_top, map_bottom - map_top);
        draw_acknowledgement();
    }

    // The QR code over the order's address in the portal, with the address printed under it;
    // returns the bottom of what it drew.
    double draw_qr(double x, double y) {
        const double cx = x + qr_column_w / 2;
        const double left = cx - qr_size / 2;
        m_type.text("ポータルで指令を開く", 8.0, cx, y, true, Align::centre);
        const double top = y + 13.0;
        if (m_c.order_url.empty()) {
            const double dashes[] = {3.0, 2.0};
            cairo_set_dash(m_cr, dashes, 2, 0.0);
            cairo_set_line_width(m_cr, 0.8);
            set_colour(m_cr, rule_colour);
            cairo_rectangle(m_cr, left, top, qr_size, qr_size);
            cairo_stroke(m_cr);
            cairo_set_dash(m_cr, nullptr, 0, 0.0);
            m_type.text("ポータル未設定", 9.0, cx, top + qr_size / 2 - 7.0, true, Align::centre);
            return top + qr_size;
        }
        QrPtr qr(QRcode_encodeString(m_c.order_url.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
        if (!qr) {
            throw Error("order " + m_c.order.number + ": cannot make the QR code of " +
                        m_c.order_url + ": " + std::strerror(errno));
        }
        // Four modules of quiet zone on every side, as the standard asks for.
        const int modules = qr->width;
        const double module = qr_size / (modules + 8);
        set_colour(m_cr, white);
        cairo_rectangle(m_cr, left, top, qr_size, qr_size);
        cairo_fill(m_cr);
        cairo_new_path(m_cr);
        for (int row = 0; row < modules; ++row) {
            for (int col = 0; col < modules; ++col) {
                if ((qr->data[row * modules + col] & 1) != 0) {
                    cairo_rectangle(m_cr, left + (col + 4) * module, top + (row + 4) * module,
                                    module, module);
                }
            }
        }
        cairo_set_source_rgb(m_cr, 0.0, 0.0, 0.0);
        cairo_fill(m_cr);
        const LayoutPtr url = m_type.layout(m_c.order_url, 7.0, false, qr_column_w);
        pango_layout_set_alignment(url.get(), PANGO_ALIGN_CENTER);
        const double h = m_type.show(url.get(), x, top + qr_size + 2.0);
        return top + qr_size + 2.0 + h;
    }

    void draw_map(double y0, double h) {
        std::unordered_map<std::int64_t, const gis::RoadSegment*> by_id;
        for (const gis::RoadSegment& s : m_c.network.segments) {
            by_id.emplace(s.id, &s);
        }
        std::vector<const gis::RoadSegment*> ordered;
        gis::Box extent = gis::Box::empty();
        for (const RoadRow& r : m_c.roads) {
            const gis::RoadSegment* s = by_id.at(r.id);
            ordered.push_back(s);
            for (const XY& p : s->points) {
                extent.extend(p);
            }
        }
        pdf::MapPanel map(m_cr, extent, margin, y0, content_w, h);
        map.open();
        // The other roads of the area, thin, so the order's roads read against the streets.
        map.draw_streets(m_c.network, network_colour, 0.7);
        // The order's roads: a white casing keeps them apart where they cross grey streets.
        for (const double width : {5.2, 3.4}) {
            cairo_set_line_width(m_cr, width);
            for (const gis::RoadSegment* s : ordered) {
                set_colour(m_cr,
                           width > 4.0 ? white : gis::priority_colour(s->attributes.priority));
                pdf::trace(m_cr, map.to_page(s->points));
                cairo_stroke(m_cr);
            }
        }
        for (const gis::RoadSegment* s : ordered) {
            if (s->attributes.oneway) {
                // Pointing the way traffic may go.
                pdf::draw_arrow(m_cr, map.to_page(s->points), 14.0);
            }
        }
        map.close(m_type);
        draw_legend(y0 + h + 5.0);
    }

    void draw_legend(double y) {
        pdf::LegendRow legend(m_cr, m_type, margin, y);
        const std::array<std::pair<gis::PriorityClass, const char*>, 4> classes{
            {{gis::PriorityClass::first, "指令路線 第1種"},
             {gis::PriorityClass::second, "第2種"},
             {gis::PriorityClass::third, "第3種"},
             {gis::PriorityClass::none, "種別なし"}}};
        for (const auto& [priority, text] : classes) {
            legend.sample(gis::priority_colour(priority), 3.4);
            legend.label(text);
        }
        legend.sample(network_colour, 0.7);
        legend.label("その他の道路");
        legend.label("▶ 一方通行");
    }

    void draw_acknowledgement() {
        const double x = margin;
        const double y = ack_top;
        cairo_set_line_width(m_cr, 1.0);
        set_colour(m_cr, text_colour);
        cairo_rectangle(m_cr, x, y, content_w, ack_h);
        cairo_stroke(m_cr);
        cairo_rectangle(m_cr, x, y, content_w, 20.0);
        set_colour(m_cr, label_fill);
        cairo_fill(m_cr);
        line(m_cr, x, y + 20.0, x + content_w, y + 20.0, 0.8, text_colour);
        m_type.text("受領確認", 11.0, x + 6.0, y + 3.0, true);
        m_type.text("受注者が記入し、FAXで返送するか電話で連絡してください", 8.0,
                    x + content_w - 6.0, y + 5.0, false, Align::right);
        const double rows[] = {y + 28.0, y + 52.0, y + 76.0};
        const double field_x = x + 76.0;
        m_type.text("受領日時", 10.0, x + 8.0, rows[0], true);
        m_type.text("　　　　年　　　月　　　日　　　時　　　分", 10.0, field_x, rows[0]);
        m_type.text("氏名", 10.0, x + 8.0, rows[1], true);
        line(m_cr, field_x, rows[1] + 16.0, field_x + 220.0, rows[1] + 16.0, 0.6, text_colour);
        m_type.text("受領方法", 10.0, x + 8.0, rows[2], true);
        m_type.text("□ 電話　　□ FAX", 10.0, field_x, rows[2]);
        // The staff's part: who took the call and when it was recorded.
        const double sx = x + 330.0;
        line(m_cr, sx - 10.0, y + 20.0, sx - 10.0, y + ack_h - 18.0, 0.5);
        m_type.text("職員記入欄", 9.0, sx, rows[0], true);
        m_type.text("受付者", 9.0, sx, rows[1]);
        line(m_cr, sx + 44.0, rows[1] + 14.0, x + content_w - 10.0, rows[1] + 14.0, 0.6,
             text_colour);
        m_type.text("記録日時", 9.0, sx, rows[2]);
        line(m_cr, sx + 44.0, rows[2] + 14.0, x + content_w - 10.0, rows[2] + 14.0, 0.6,
             text_colour);
        m_type.text("電話で受領した場合は担当職員がシステムに記録します", 8.5, x + 8.0,
                    y + ack_h - 15.0);
    }

    // ---- continuation pages ----

    void build_flow() {
        for (const auto& [label, value] : m_overflow) {
            auto head = std::make_shared<LayoutPtr>(m_type.layout(label + "（全文）", 11.0, true));
            m_flow.push_back({Typesetter::size(head->get()).second + 6.0, false,
                              [this, head](double y) { m_type.show(head->get(), margin, y); }});
            for (TextLine& l : split_lines(m_type.layout(value, info_font_pt, false, content_w))) {
                const double height = l.height + 1.0;
                m_flow.push_back({height, false, [this, l](double y) {
                                      set_colour(m_cr, text_colour);
                                      cairo_move_to(m_cr, margin, y + l.baseline);
                                      pango_cairo_show_layout_line(m_cr, l.line);
                                  }});
            }
            m_flow.push_back({12.0, false, [](double) {}});
        }
        auto head = std::make_shared<LayoutPtr>(m_type.layout("対象路線一覧", 12.0, true));
        m_flow.push_back({Typesetter::size(head->get()).second + 6.0, false,
                          [this, head](double y) { m_type.show(head->get(), margin, y); }});
        for (std::size_t i = 0; i < m_c.roads.size(); ++i) {
            auto name = std::make_shared<LayoutPtr>(
                m_type.layout(m_c.roads[i].name.empty() ? "名称なし" : m_c.roads[i].name,
                              list_font_pt, false, col_name_w - 6.0));
            const double height = Typesetter::size(name->get()).second + row_gap_pt;
            m_flow.push_back({height, true, [this, i, name, height](double y) {
                                  draw_road(i, *name, y, height);
                              }});
        }
        char total[96];
        std::snprintf(total, sizeof total, "合計 %zu 区間 %s", m_c.roads.size(),
                      km_text(m_c.total_m).c_str());
        const std::string total_text = total;
        m_flow.push_back(
            {24.0, false, [this, total_text](double y) {
                 line(m_cr, margin, y + 1.0, margin + content_w, y + 1.0, 0.8, text_colour);
                 m_type.text(total_text, 10.5, margin + content_w, y + 5.0, true, Align::right);
             }});
    }

    void draw_table_head(double y) {
        double x = margin;
        const auto head = [&](const char* text, double w, Align align) {
            const double tx = align == Align::right ? x + w - 6.0 : x + 2.0;
            m_type.text(text, 8.5, tx, y + 4.0, true, align);
            x += w;
        };
        head("No.", col_no_w, Align::right);
        head("区間ID", col_id_w, Align::right);
        head("路線名", col_name_w, Align::left);
        head("除雪種別", col_class_w, Align::left);
        head("延長 (m)", col_length_w, Align::right);
        head("一方通行", col_oneway_w, Align::left);
        line(m_cr, margin, y + table_head_h - 1.5, margin + content_w, y + table_head_h - 1.5, 0.6);
    }

    void draw_road(std::size_t i, const LayoutPtr& name, double y, double height) {
        const RoadRow& r = m_c.roads[i];
        if ((i % 2) == 1) {
            // Banded rows let the eye follow a line across the page.
            set_colour(m_cr, pdf::band_colour);
            cairo_rectangle(m_cr, margin, y, content_w, height);
            cairo_fill(m_cr);
        }
        const double ty = y + row_gap_pt / 2;
        double x = margin;
        m_type.text(std::to_string(i + 1), list_font_pt, x + col_no_w - 6.0, ty, false,
                    Align::right);
        x += col_no_w;
        m_type.text(std::to_string(r.id), list_font_pt, x + col_id_w - 6.0, ty, false,
                    Align::right);
        x += col_id_w;
        m_type.show(name.get(), x + 2.0, ty);
        x += col_name_w;
        m_type.text(priority_text(r.priority), list_font_pt, x + 2.0, ty);
        x += col_class_w;
        char length[32];
        std::snprintf(length, sizeof length, "%.0f", r.length_m);
        m_type.text(length, list_font_pt, x + col_length_w - 6.0, ty, false, Align::right);
        x += col_length_w;
        m_type.text(r.oneway ? "一方通行" : "—", list_font_pt, x + 2.0, ty);
    }

    void draw_continuation_header() {
        m_type.text("除雪作業指令書（続き）", 15.0, margin, margin - 2.0, true);
        m_type.text("指令番号　" + m_c.order.number, 12.0, page_w - margin, margin + 2.0, true,
                    Align::right);
        line(m_cr, margin, continuation_top - 10.0, page_w - margin, continuation_top - 10.0, 1.2,
             text_colour);
    }

    void draw_footer(std::size_t page, std::size_t pages) {
        line(m_cr, margin, footer_y - 4.0, page_w - margin, footer_y - 4.0, 0.5);
        m_type.text("作業指令書　" + m_c.order.number, 8.0, margin, footer_y);
        m_type.text(std::to_string(page) + " / " + std::to_string(pages), 8.0, page_w - margin,
                    footer_y, false, Align::right);
    }

    cairo_t* m_cr;
    Typesetter m_type;
    const SheetContent& m_c;
    std::vector<Field> m_fields;
    std::vector<std::pair<std::string, std::string>> m_overflow;
    std::vector<FlowRow> m_flow;
};

cairo_status_t append_bytes(void* closure, const unsigned char* data,
                            unsigned int length) noexcept {
    auto* out = static_cast<std::vector<unsigned char>*>(closure);
    try {
        out->insert(out->end(), data, data + length);
    } catch (...) {
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

// ---- attachments ------------------------------------------------------------------------------

std::string order_number(data::Database& db, std::int64_t order_id) {
    data::Statement q(db, "SELECT number FROM orders WHERE id = ?");
    q.bind(1, order_id);
    if (!q.step()) {
        throw Error(no_order(order_id));
    }
    return q.column_text(0);
}

} // namespace

std::vector<unsigned char> order_sheet_pdf(data::Project& project, std::int64_t order_id,
                                           const OrderSheetOptions& options) {
    const std::string portal = portal_base(options.portal_url);
    const SheetContent content = load_content(project, order_id, portal);
    std::vector<unsigned char> bytes;
    pdf::SurfacePtr surface(
        cairo_pdf_surface_create_for_stream(append_bytes, &bytes, page_w, page_h));
    if (const cairo_status_t status = cairo_surface_status(surface.get());
        status != CAIRO_STATUS_SUCCESS) {
        throw Error("order " + content.order.number +
                    ": cannot make the PDF: " + cairo_status_to_string(status));
    }
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                   ("除雪作業指令書 " + content.order.number).c_str());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Yukimichi");
    {
        pdf::CairoPtr cr(cairo_create(surface.get()));
        OrderSheetWriter writer(cr.get(), content);
        writer.write();
        if (const cairo_status_t status = cairo_status(cr.get()); status != CAIRO_STATUS_SUCCESS) {
            throw Error("order " + content.order.number +
                        ": cannot draw the sheet: " + cairo_status_to_string(status));
        }
    }
    cairo_surface_finish(surface.get());
    if (const cairo_status_t status = cairo_surface_status(surface.get());
        status != CAIRO_STATUS_SUCCESS) {
        throw Error("order " + content.order.number +
                    ": cannot make the PDF: " + cairo_status_to_string(status));
    }
    return bytes;
}

void write_order_sheet(data::Project& project, std::int64_t order_id,
                       const OrderSheetOptions& options, const std::filesystem::path& pdf_path) {
    const std::vector<unsigned char> bytes = order_sheet_pdf(project, order_id, options);
    pdf::write_file(pdf_path,
                    std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                    "PDF");
}

void attach_to_order(data::Project& project, std::int64_t order_id, const std::string& name,
                     const std::string& media_type, const std::vector<unsigned char>& content,
                     const OrderActor& actor) {
    data::Database& db = project.database();
    data::Transaction tx(db);
    const std::string number = order_number(db, order_id);
    // The name becomes a file name when the attachment is saved, on any system.
    const bool bad_name =
        name.empty() || name.size() > 200 || name == "." || name == ".." ||
        std::ranges::any_of(name, [](char c) {
            return c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
        });
    if (bad_name) {
        throw Error("order " + number + ": attachment name '" + name +
                    "' is empty, too long or has a path separator or control character");
    }
    const auto slash = media_type.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == media_type.size() ||
        std::ranges::any_of(media_type, [](char c) {
            return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F;
        })) {
        throw Error("order " + number + ": attachment " + name + ": media type '" + media_type +
                    "' is not TYPE/SUBTYPE");
    }
    if (content.empty()) {
        throw Error("order " + number + ": attachment " + name + " is empty");
    }
    const std::int64_t now = now_ms();
    data::Statement existing(db,
                             "SELECT id FROM order_attachments WHERE order_id = ? AND name = ?");
    existing.bind(1, order_id).bind(2, name);
    const bool replaced = existing.step();
    if (replaced) {
        data::Statement update(db, "UPDATE order_attachments SET media_type = ?, content = ?, "
                                   "created_ms = ? WHERE id = ?");
        update.bind(1, media_type)
            .bind_blob(2, content)
            .bind(3, now)
            .bind(4, existing.column_int64(0))
            .run();
    } else {
        data::Statement insert(db, "INSERT INTO order_attachments (order_id, name, media_type, "
                                   "content, created_ms) VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, order_id)
            .bind(2, name)
            .bind(3, media_type)
            .bind_blob(4, content)
            .bind(5, now)
            .run();
    }
    AuditEntry e;
    e.time_ms = now;
    e.actor = actor.name;
    e.channel = std::string(key(actor.channel));
    e.action = "order.attach";
    e.entity = "order";
    e.entity_id = order_id;
    // The digest ties the record to the exact bytes stored.
    e.detail = nlohmann::json{
        {"number", number},
        {"name", name},
        {"media_type", media_type},
        {"size", content.size()},
        {"sha256", sha256_hex(std::string_view(reinterpret_cast<const char*>(content.data()),
                                               content.size()))},
        {"replaced",
         replaced}}.dump();
    append_audit(db, e);
    tx.commit();
}

std::vector<OrderAttachment> order_attachments(data::Project& project, std::int64_t order_id) {
    data::Database& db = project.database();
    order_number(db, order_id);
    data::Statement q(db, "SELECT id, name, media_type, created_ms, length(content) FROM "
                          "order_attachments WHERE order_id = ? ORDER BY name");
    q.bind(1, order_id);
    std::vector<OrderAttachment> out;
    while (q.step()) {
        OrderAttachment a;
        a.id = q.column_int64(0);
        a.name = q.column_text(1);
        a.media_type = q.column_text(2);
        a.created_ms = q.column_int64(3);
        a.size = static_cast<std::size_t>(q.column_int64(4));
        out.push_back(std::move(a));
    }
    return out;
}

std::vector<unsigned char> order_attachment(data::Project& project, std::int64_t order_id,
                                            const std::string& name) {
    data::Database& db = project.database();
    const std::string number = order_number(db, order_id);
    data::Statement q(db, "SELECT content FROM order_attachments WHERE order_id = ? AND name = ?");
    q.bind(1, order_id).bind(2, name);
    if (!q.step()) {
        throw Error("order " + number + " has no attachment '" + name + "'");
    }
    return q.column_blob(0);
}

} // namespace ykm::dispatch

#include "ykm/gui/ui_text.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace ykm::gui {

namespace {

std::string_view env(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string_view{} : std::string_view{value};
}

/// `value` with one decimal and thousands separators: -2345.64 → "-2,345.6".
std::string metres_text(double value) {
    const auto tenths = static_cast<std::int64_t>(std::llround(std::abs(value) * 10.0));
    std::string text = with_thousands_separators(tenths / 10) + "." + std::to_string(tenths % 10);
    return value < 0.0 && tenths != 0 ? "-" + text : text;
}

} // namespace

UiLanguage language_from_locale(std::string_view lc_all, std::string_view lc_messages,
                                std::string_view lang) {
    for (const std::string_view value : {lc_all, lc_messages, lang}) {
        if (!value.empty()) {
            return value.starts_with("ja") ? UiLanguage::japanese : UiLanguage::english;
        }
    }
    return UiLanguage::english;
}

UiLanguage language_from_environment() {
    return language_from_locale(env("LC_ALL"), env("LC_MESSAGES"), env("LANG"));
}

std::string window_title(std::string_view project_file_name) {
    std::string title = "雪道 Yukimichi";
    if (!project_file_name.empty()) {
        title += " — ";
        title += project_file_name;
    }
    return title;
}

std::string with_thousands_separators(std::int64_t count) {
    std::string digits = std::to_string(count < 0 ? -count : count);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return count < 0 ? "-" + out : out;
}

std::string scale_text(double denominator) {
    return "1:" + with_thousands_separators(std::llround(denominator));
}

std::string lonlat_text(gis::LonLat position) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.5f°%c %.5f°%c", std::abs(position.lon_deg),
                  position.lon_deg < 0.0 ? 'W' : 'E', std::abs(position.lat_deg),
                  position.lat_deg < 0.0 ? 'S' : 'N');
    return buffer;
}

std::string projected_text(gis::XY position) {
    return "X " + metres_text(position.x) + "  Y " + metres_text(position.y);
}

std::string view_json(const gis::MapView& view) {
    const gis::Box extent = view.extent();
    const nlohmann::json json{
        {"centre", {view.centre().x, view.centre().y}},
        {"metres_per_pixel", view.metres_per_pixel()},
        {"width_px", view.width_px()},
        {"height_px", view.height_px()},
        {"extent", {extent.min_x, extent.min_y, extent.max_x, extent.max_y}},
    };
    return json.dump();
}

} // namespace ykm::gui

#pragma once

#include "ykm/gis/geometry.hpp"
#include "ykm/gis/map_view.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace ykm::gui {

/// Language of the user interface. English is the source language of the gettext catalogs.
enum class UiLanguage { english, japanese };

/// Chooses the language from the POSIX locale variables in their order of precedence: the first
/// non-empty of LC_ALL, LC_MESSAGES, LANG decides; Japanese when it begins with "ja", English
/// otherwise (also when all are empty).
UiLanguage language_from_locale(std::string_view lc_all, std::string_view lc_messages,
                                std::string_view lang);

/// language_from_locale() of this process's environment.
UiLanguage language_from_environment();

/// "雪道 Yukimichi — town.ykm", or "雪道 Yukimichi" without a project file name.
std::string window_title(std::string_view project_file_name);

/// 1234567 → "1,234,567".
std::string with_thousands_separators(std::int64_t count);

/// The scale 1:N rounded to a whole N: "1:12,500".
std::string scale_text(double denominator);

/// "141.23456°E 40.12345°N" (5 decimals, about a metre); W and S for negative values.
std::string lonlat_text(gis::LonLat position);

/// "X 12,345.6  Y -2,345.6" in metres of a projected CRS.
std::string projected_text(gis::XY position);

/// A view as one line of JSON: centre, metres per pixel, picture size and map extent, with
/// every number printed so that it reads back exactly.
std::string view_json(const gis::MapView& view);

} // namespace ykm::gui

#pragma once

#include "ykm/gis/road_network.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace ykm::gui {

/// Language of the user interface.
enum class UiLanguage { english, japanese };

/// Chooses the language from the POSIX locale variables in their order of precedence: the first
/// non-empty of LC_ALL, LC_MESSAGES, LANG decides; Japanese when it begins with "ja", English
/// otherwise (also when all are empty).
UiLanguage language_from_locale(std::string_view lc_all, std::string_view lc_messages,
                                std::string_view lang);

/// language_from_locale() of this process's environment.
UiLanguage language_from_environment();

/// The fixed texts of the user interface in one language, UTF-8. Menu labels carry wxWidgets
/// mnemonics (&) and accelerators (\t).
struct UiText {
    const char* menu_file;
    const char* menu_open;
    const char* menu_quit;
    const char* menu_help;
    const char* menu_about;
    const char* open_dialog_title;
    const char* open_dialog_wildcard;
    const char* cannot_open_project; ///< followed by the file name and the reason
    const char* error_title;
    const char* about_description;
    const char* no_project;
    const char* no_roads;
    const char* open_hint;
    const char* priority_first;
    const char* priority_second;
    const char* priority_third;
    const char* priority_none;
};

/// The texts of `language`.
const UiText& ui_text(UiLanguage language);

/// "雪道 Yukimichi — town.ykm", or "雪道 Yukimichi" without a project file name.
std::string window_title(std::string_view project_file_name);

/// "道路区間 1,234" / "1,234 road segments".
std::string segment_count_text(UiLanguage language, std::int64_t count);

/// The label of a priority class in the legend ("第1種" / "Class 1").
const char* priority_label(UiLanguage language, gis::PriorityClass priority);

} // namespace ykm::gui

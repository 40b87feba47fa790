#include "ykm/gui/preferences.hpp"

#include <cstdint>
#include <cstdio>

namespace ykm::gui {

std::string_view to_string(LanguageChoice choice) {
    switch (choice) {
    case LanguageChoice::japanese:
        return "ja";
    case LanguageChoice::english:
        return "en";
    case LanguageChoice::automatic:
        break;
    }
    return "auto";
}

LanguageChoice parse_language_choice(std::string_view text) {
    if (text == "ja") {
        return LanguageChoice::japanese;
    }
    if (text == "en") {
        return LanguageChoice::english;
    }
    return LanguageChoice::automatic;
}

UiLanguage effective_language(const Preferences& preferences, UiLanguage from_locale) {
    switch (preferences.language) {
    case LanguageChoice::japanese:
        return UiLanguage::japanese;
    case LanguageChoice::english:
        return UiLanguage::english;
    case LanguageChoice::automatic:
        break;
    }
    return from_locale;
}

double map_text_scale(const Preferences& preferences) {
    return preferences.large_font ? large_map_text_scale : 1.0;
}

std::filesystem::path config_file_path(std::string_view xdg_config_home,
                                       const std::filesystem::path& home) {
    std::filesystem::path base(xdg_config_home);
    if (xdg_config_home.empty() || !base.is_absolute()) {
        base = home / ".config";
    }
    return base / "yukimichi" / "yukimichi.conf";
}

std::string config_key_for_path(const std::filesystem::path& path) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : path.u8string()) {
        hash ^= static_cast<std::uint8_t>(c);
        hash *= 0x100000001b3ULL;
    }
    char buffer[20];
    std::snprintf(buffer, sizeof buffer, "p%016llx", static_cast<unsigned long long>(hash));
    return buffer;
}

} // namespace ykm::gui

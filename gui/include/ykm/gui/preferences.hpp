#pragma once

#include "ykm/gui/ui_text.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ykm::gui {

/// The language the user chose in the preferences.
enum class LanguageChoice { automatic, japanese, english };

/// "auto", "ja", "en": how the choice is stored in the configuration file.
std::string_view to_string(LanguageChoice choice);
/// Reads a stored choice; anything unknown is `automatic`.
LanguageChoice parse_language_choice(std::string_view text);

/// The UI font is multiplied by this with the large-font option.
inline constexpr double large_ui_font_factor = 1.4;
/// MapStyle::text_scale with the large-font option.
inline constexpr double large_map_text_scale = 1.5;

/// The embedded GPS server (Preferences → GPS server).
struct GpsServerChoice {
    bool enabled = true;
    /// OsmAnd over HTTP (Traccar Client, phone apps); 5055 by convention.
    std::string http_listen = "127.0.0.1:5055";
    /// NMEA 0183 over TCP; empty for none.
    std::string nmea_listen = "127.0.0.1:5056";
    /// The contractor portal (docs/PORTAL.md) over HTTP; empty for none.
    std::string portal_listen = "127.0.0.1:8080";
    friend bool operator==(const GpsServerChoice&, const GpsServerChoice&) = default;
};

/// The user's preferences, kept between runs.
struct Preferences {
    LanguageChoice language = LanguageChoice::automatic;
    bool large_font = false;
    GpsServerChoice gps;
};

/// The language the window speaks: the chosen one, or that of the locale when automatic.
UiLanguage effective_language(const Preferences& preferences, UiLanguage from_locale);

/// The map-label scale of the preferences: 1 or large_map_text_scale.
double map_text_scale(const Preferences& preferences);

/// The configuration file: `xdg_config_home`/yukimichi/yukimichi.conf, or
/// `home`/.config/yukimichi/yukimichi.conf when XDG_CONFIG_HOME is empty or not absolute (the
/// XDG base directory rules).
std::filesystem::path config_file_path(std::string_view xdg_config_home,
                                       const std::filesystem::path& home);

/// A configuration key for a file path (wxConfig keys cannot hold '/'): "p" and 16 hex digits
/// of the FNV-1a hash of the path's UTF-8 bytes. The same path always gives the same key.
std::string config_key_for_path(const std::filesystem::path& path);

} // namespace ykm::gui

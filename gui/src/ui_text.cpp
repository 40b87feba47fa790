#include "ykm/gui/ui_text.hpp"

#include <cstdlib>

namespace ykm::gui {

namespace {

// Simple tables for now; gettext catalogs will replace them.
constexpr UiText english_text{
    .menu_file = "&File",
    .menu_open = "&Open...\tCtrl+O",
    .menu_quit = "&Quit\tCtrl+Q",
    .menu_help = "&Help",
    .menu_about = "&About Yukimichi\tF1",
    .open_dialog_title = "Open project",
    .open_dialog_wildcard = "Yukimichi projects (*.ykm)|*.ykm|All files (*)|*",
    .cannot_open_project = "Cannot open the project",
    .error_title = "Yukimichi: error",
    .about_description = "Desktop GIS for municipal snow-removal operations.",
    .no_project = "No project",
    .no_roads = "This project has no roads yet.",
    .open_hint = "Open a project with File > Open (Ctrl+O).",
    .priority_first = "Class 1",
    .priority_second = "Class 2",
    .priority_third = "Class 3",
    .priority_none = "No class",
};

constexpr UiText japanese_text{
    .menu_file = "ファイル(&F)",
    .menu_open = "開く(&O)...\tCtrl+O",
    .menu_quit = "終了(&Q)\tCtrl+Q",
    .menu_help = "ヘルプ(&H)",
    .menu_about = "バージョン情報(&A)\tF1",
    .open_dialog_title = "プロジェクトを開く",
    .open_dialog_wildcard = "雪道プロジェクト (*.ykm)|*.ykm|すべてのファイル (*)|*",
    .cannot_open_project = "プロジェクトを開けません",
    .error_title = "雪道: エラー",
    .about_description = "自治体の除排雪業務のためのデスクトップGIS",
    .no_project = "プロジェクトなし",
    .no_roads = "このプロジェクトには道路がありません。",
    .open_hint = "ファイル > 開く (Ctrl+O) でプロジェクトを開いてください。",
    .priority_first = "第1種",
    .priority_second = "第2種",
    .priority_third = "第3種",
    .priority_none = "指定なし",
};

std::string_view env(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string_view{} : std::string_view{value};
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

const UiText& ui_text(UiLanguage language) {
    return language == UiLanguage::japanese ? japanese_text : english_text;
}

std::string window_title(std::string_view project_file_name) {
    std::string title = "雪道 Yukimichi";
    if (!project_file_name.empty()) {
        title += " — ";
        title += project_file_name;
    }
    return title;
}

std::string segment_count_text(UiLanguage language, std::int64_t count) {
    if (language == UiLanguage::japanese) {
        return "道路区間 " + with_thousands_separators(count);
    }
    return with_thousands_separators(count) + (count == 1 ? " road segment" : " road segments");
}

const char* priority_label(UiLanguage language, gis::PriorityClass priority) {
    const UiText& text = ui_text(language);
    switch (priority) {
    case gis::PriorityClass::first:
        return text.priority_first;
    case gis::PriorityClass::second:
        return text.priority_second;
    case gis::PriorityClass::third:
        return text.priority_third;
    case gis::PriorityClass::none:
        break;
    }
    return text.priority_none;
}

} // namespace ykm::gui

#include "ykm/gui/ui_text.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace ykm;
using namespace ykm::gui;

BOOST_AUTO_TEST_SUITE(ui_text_tests)

BOOST_AUTO_TEST_CASE(speaks_japanese_in_a_japanese_locale) {
    BOOST_TEST((language_from_locale("", "", "ja_JP.UTF-8") == UiLanguage::japanese));
    BOOST_TEST((language_from_locale("ja_JP.eucJP", "", "") == UiLanguage::japanese));
}

BOOST_AUTO_TEST_CASE(follows_posix_precedence_of_locale_variables) {
    // LC_ALL overrides LC_MESSAGES, which overrides LANG.
    BOOST_TEST(
        (language_from_locale("C.UTF-8", "ja_JP.UTF-8", "ja_JP.UTF-8") == UiLanguage::english));
    BOOST_TEST((language_from_locale("", "en_GB.UTF-8", "ja_JP.UTF-8") == UiLanguage::english));
    BOOST_TEST((language_from_locale("", "ja_JP.UTF-8", "en_US.UTF-8") == UiLanguage::japanese));
}

BOOST_AUTO_TEST_CASE(speaks_english_without_a_locale) {
    BOOST_TEST((language_from_locale("", "", "") == UiLanguage::english));
    BOOST_TEST((language_from_locale("", "", "C") == UiLanguage::english));
}

BOOST_AUTO_TEST_CASE(names_the_project_file_in_the_window_title) {
    BOOST_TEST(window_title("town.ykm") == "雪道 Yukimichi — town.ykm");
    BOOST_TEST(window_title("") == "雪道 Yukimichi");
}

BOOST_AUTO_TEST_CASE(counts_segments_with_thousands_separators) {
    BOOST_TEST(segment_count_text(UiLanguage::english, 1234567) == "1,234,567 road segments");
    BOOST_TEST(segment_count_text(UiLanguage::english, 1) == "1 road segment");
    BOOST_TEST(segment_count_text(UiLanguage::japanese, 950) == "道路区間 950");
    BOOST_TEST(segment_count_text(UiLanguage::japanese, 12000) == "道路区間 12,000");
}

BOOST_AUTO_TEST_CASE(menus_and_priority_labels_follow_the_language) {
    BOOST_TEST(std::string(ui_text(UiLanguage::japanese).menu_file) == "ファイル(&F)");
    BOOST_TEST(std::string(ui_text(UiLanguage::english).menu_quit) == "&Quit\tCtrl+Q");
    BOOST_TEST(std::string(priority_label(UiLanguage::japanese, gis::PriorityClass::first)) ==
               "第1種");
    BOOST_TEST(std::string(priority_label(UiLanguage::english, gis::PriorityClass::none)) ==
               "No class");
}

BOOST_AUTO_TEST_SUITE_END()

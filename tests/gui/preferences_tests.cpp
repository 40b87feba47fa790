#include "ykm/gui/preferences.hpp"

#include <boost/test/unit_test.hpp>

using namespace ykm::gui;

BOOST_AUTO_TEST_SUITE(preferences_tests)

BOOST_AUTO_TEST_CASE(automatic_language_follows_the_locale_and_a_choice_overrides_it) {
    Preferences preferences;
    BOOST_TEST((effective_language(preferences, UiLanguage::japanese) == UiLanguage::japanese));
    BOOST_TEST((effective_language(preferences, UiLanguage::english) == UiLanguage::english));
    preferences.language = LanguageChoice::english;
    BOOST_TEST((effective_language(preferences, UiLanguage::japanese) == UiLanguage::english));
    preferences.language = LanguageChoice::japanese;
    BOOST_TEST((effective_language(preferences, UiLanguage::english) == UiLanguage::japanese));
}

BOOST_AUTO_TEST_CASE(stores_the_language_choice_as_a_short_code) {
    BOOST_TEST(to_string(LanguageChoice::japanese) == "ja");
    BOOST_TEST(to_string(LanguageChoice::english) == "en");
    BOOST_TEST(to_string(LanguageChoice::automatic) == "auto");
    BOOST_TEST((parse_language_choice("ja") == LanguageChoice::japanese));
    BOOST_TEST((parse_language_choice("en") == LanguageChoice::english));
    BOOST_TEST((parse_language_choice("klingon") == LanguageChoice::automatic));
}

BOOST_AUTO_TEST_CASE(large_fonts_scale_map_labels_by_one_and_a_half) {
    Preferences preferences;
    BOOST_TEST(map_text_scale(preferences) == 1.0);
    preferences.large_font = true;
    BOOST_TEST(map_text_scale(preferences) == 1.5);
}

BOOST_AUTO_TEST_CASE(config_keys_of_paths_are_stable_and_free_of_slashes) {
    // FNV-1a 64 of the empty string is its offset basis.
    BOOST_TEST(config_key_for_path("") == "pcbf29ce484222325");
    const std::string key = config_key_for_path("/home/doro/青森市.ykm");
    BOOST_TEST(key.size() == 17U);
    BOOST_TEST(key.find('/') == std::string::npos);
    BOOST_TEST(key == config_key_for_path("/home/doro/青森市.ykm"));
    BOOST_TEST(key != config_key_for_path("/home/doro/弘前市.ykm"));
}

BOOST_AUTO_TEST_CASE(keeps_the_configuration_where_the_xdg_rules_say) {
    BOOST_TEST(config_file_path("/tmp/cfg", "/home/doro").string() ==
               "/tmp/cfg/yukimichi/yukimichi.conf");
    BOOST_TEST(config_file_path("", "/home/doro").string() ==
               "/home/doro/.config/yukimichi/yukimichi.conf");
    BOOST_TEST(config_file_path("relative/cfg", "/home/doro").string() ==
               "/home/doro/.config/yukimichi/yukimichi.conf");
}

BOOST_AUTO_TEST_SUITE_END()

#include "ykm/gui/ui_text.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

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

BOOST_AUTO_TEST_CASE(writes_scales_with_thousands_separators) {
    BOOST_TEST(with_thousands_separators(1234567) == "1,234,567");
    BOOST_TEST(with_thousands_separators(-950) == "-950");
    BOOST_TEST(scale_text(12499.6) == "1:12,500");
    BOOST_TEST(scale_text(850.2) == "1:850");
}

BOOST_AUTO_TEST_CASE(writes_positions_with_hemispheres_and_metres) {
    BOOST_TEST(lonlat_text({140.740593, 40.824624}) == "140.74059°E 40.82462°N");
    BOOST_TEST(lonlat_text({-0.5, -33.25}) == "0.50000°W 33.25000°S");
    BOOST_TEST(projected_text({12345.64, -2345.66}) == "X 12,345.6  Y -2,345.7");
    BOOST_TEST(projected_text({-0.01, 0.0}) == "X 0.0  Y 0.0");
}

BOOST_AUTO_TEST_CASE(describes_a_view_in_json_that_reads_back_exactly) {
    const gis::MapView view({1000.5, -2000.25}, 0.1, 800, 600);
    const nlohmann::json json = nlohmann::json::parse(view_json(view));
    BOOST_TEST(json["centre"][0].get<double>() == 1000.5);
    BOOST_TEST(json["centre"][1].get<double>() == -2000.25);
    BOOST_TEST(json["metres_per_pixel"].get<double>() == 0.1);
    BOOST_TEST(json["width_px"].get<int>() == 800);
    BOOST_TEST(json["height_px"].get<int>() == 600);
    BOOST_TEST(json["extent"][0].get<double>() == view.extent().min_x);
    BOOST_TEST(json["extent"][3].get<double>() == view.extent().max_y);
}

BOOST_AUTO_TEST_SUITE_END()

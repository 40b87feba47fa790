#include "ykm/gui/map_layers.hpp"

#include <boost/test/unit_test.hpp>

#include <wx/fileconf.h>
#include <wx/init.h>

#include "temp_dir.hpp"

#include <map>
#include <string>
#include <vector>

using namespace ykm;
using namespace ykm::gui;

BOOST_AUTO_TEST_SUITE(layer_settings_tests)

namespace {

gis::MapStyle changed_style() {
    gis::MapStyle style;
    BOOST_TEST_REQUIRE(move_layer_up(style, MapLayer::roads));
    style.districts.visible = false;
    style.dump_sites.opacity = 0.35;
    style.basemap.opacity = 0.6;
    return style;
}

} // namespace

BOOST_AUTO_TEST_CASE(writes_order_visibility_and_opacity_as_text) {
    const std::map<std::string, std::string> settings = layer_settings(changed_style());
    BOOST_TEST(settings.at("order") == "districts,dump_sites,road_segments,depots");
    BOOST_TEST(settings.at("districts/visible") == "0");
    BOOST_TEST(settings.at("road_segments/visible") == "1");
    BOOST_TEST(settings.at("dump_sites/opacity") == "0.35");
    BOOST_TEST(settings.at("basemap/opacity") == "0.6");
    BOOST_TEST(settings.size() == 11U);
}

BOOST_AUTO_TEST_CASE(round_trips_through_a_configuration_file) {
    test::TempDir dir;
    const wxString file = wxString::FromUTF8((dir / "yukimichi.conf").string());
    {
        wxFileConfig config("yukimichi", "Yukimichi", file, wxEmptyString, wxCONFIG_USE_LOCAL_FILE);
        for (const auto& [key, value] : layer_settings(changed_style())) {
            config.Write("Layers/p0123/" + wxString::FromUTF8(key), wxString::FromUTF8(value));
        }
        config.Flush();
    }
    wxFileConfig config("yukimichi", "Yukimichi", file, wxEmptyString, wxCONFIG_USE_LOCAL_FILE);
    std::map<std::string, std::string> read;
    for (const auto& [key, value] : layer_settings(gis::MapStyle{})) {
        wxString stored;
        if (config.Read("Layers/p0123/" + wxString::FromUTF8(key), &stored)) {
            read[key] = std::string(stored.utf8_str());
        }
    }
    gis::MapStyle style;
    apply_layer_settings(read, style);
    const std::vector<std::string> order{"districts", "dump_sites", "road_segments", "depots"};
    BOOST_TEST(style.layer_order == order, boost::test_tools::per_element());
    BOOST_TEST(!style.districts.visible);
    BOOST_TEST(style.roads.visible);
    BOOST_TEST(style.dump_sites.opacity == 0.35);
    BOOST_TEST(style.basemap.opacity == 0.6);
    BOOST_TEST(style.roads.opacity == 1.0);
}

BOOST_AUTO_TEST_CASE(ignores_entries_that_do_not_make_sense) {
    gis::MapStyle style;
    const std::vector<std::string> before = style.layer_order;
    apply_layer_settings({{"order", "road_segments,depots"},
                          {"roads/visible", "0"},
                          {"road_segments/visible", "yes"},
                          {"depots/opacity", "1.5"},
                          {"districts/opacity", "half"},
                          {"dump_sites/opacity", "0.25"}},
                         style);
    BOOST_TEST(style.layer_order == before, boost::test_tools::per_element());
    BOOST_TEST(style.roads.visible);
    BOOST_TEST(style.depots.opacity == 1.0);
    BOOST_TEST(style.districts.opacity == 1.0);
    BOOST_TEST(style.dump_sites.opacity == 0.25);
}

BOOST_AUTO_TEST_SUITE_END()

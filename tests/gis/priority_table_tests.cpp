#include "ykm/gis/error.hpp"
#include "ykm/gis/priority_table.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

using namespace ykm::gis;

BOOST_AUTO_TEST_SUITE(priority_table_tests)

BOOST_AUTO_TEST_CASE(default_table_follows_highway_classes) {
    const PriorityTable t = PriorityTable::osm_default();
    BOOST_TEST(to_int(*t.lookup("motorway")) == 1);
    BOOST_TEST(to_int(*t.lookup("secondary")) == 1);
    BOOST_TEST(to_int(*t.lookup("tertiary")) == 2);
    BOOST_TEST(to_int(*t.lookup("unclassified")) == 2);
    BOOST_TEST(to_int(*t.lookup("residential")) == 3);
    BOOST_TEST(to_int(*t.lookup("service")) == 3);
    BOOST_TEST(!t.lookup("footway").has_value());
    BOOST_TEST(!t.lookup("cycleway").has_value());
}

BOOST_AUTO_TEST_CASE(mapping_file_overrides_and_extends_the_table) {
    const auto file = std::filesystem::temp_directory_path() / "ykm_priority_map_test.txt";
    {
        std::ofstream out(file);
        out << "# a town's own table\n"
               "residential = 2\n"
               "track = 3   # farm roads are plowed too\n"
               "service = skip\n"
               "primary = none\n";
    }
    const PriorityTable t = PriorityTable::read(file, PriorityTable::osm_default());
    BOOST_TEST(to_int(*t.lookup("residential")) == 2);
    BOOST_TEST(to_int(*t.lookup("track")) == 3);
    BOOST_TEST(!t.lookup("service").has_value());
    BOOST_TEST(to_int(*t.lookup("primary")) == 0);
    BOOST_TEST(to_int(*t.lookup("motorway")) == 1);
    std::filesystem::remove(file);
}

BOOST_AUTO_TEST_CASE(names_the_line_of_a_bad_mapping_entry) {
    const auto file = std::filesystem::temp_directory_path() / "ykm_priority_map_bad.txt";
    {
        std::ofstream out(file);
        out << "residential = 2\nprimary = first\n";
    }
    try {
        (void)PriorityTable::read(file, PriorityTable::osm_default());
        BOOST_FAIL("a bad class was accepted");
    } catch (const ykm::Error& e) {
        const std::string message = e.what();
        BOOST_TEST(message.find(":2:") != std::string::npos);
        BOOST_TEST(message.find("first") != std::string::npos);
    }
    std::filesystem::remove(file);
}

BOOST_AUTO_TEST_CASE(parses_japanese_priority_values) {
    BOOST_TEST(to_int(*parse_priority("1")) == 1);
    BOOST_TEST(to_int(*parse_priority("第1種")) == 1);
    BOOST_TEST(to_int(*parse_priority("2種")) == 2);
    BOOST_TEST(to_int(*parse_priority("第３種")) == 3);
    BOOST_TEST(to_int(*parse_priority("")) == 0);
    BOOST_TEST(!parse_priority("4").has_value());
    BOOST_TEST(!parse_priority("12").has_value());
    BOOST_TEST(!parse_priority("重点").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

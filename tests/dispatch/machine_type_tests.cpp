#include "ykm/dispatch/machine_type.hpp"

#include <boost/test/unit_test.hpp>

using namespace ykm::dispatch;

BOOST_AUTO_TEST_SUITE(machine_type_tests)

BOOST_AUTO_TEST_CASE(parses_keys_and_japanese_names) {
    BOOST_TEST(key(*parse_machine_type("motor_grader")) == "motor_grader");
    BOOST_TEST(key(*parse_machine_type("ロータリ除雪車")) == "rotary_blower");
    BOOST_TEST(!parse_machine_type("bulldozer").has_value());
}

BOOST_AUTO_TEST_CASE(every_type_round_trips_through_its_key) {
    BOOST_TEST(all_machine_types().size() == 6U);
    for (MachineType t : all_machine_types()) {
        BOOST_TEST(key(*parse_machine_type(key(t))) == key(t));
        BOOST_TEST(key(*parse_machine_type(japanese_name(t))) == key(t));
        BOOST_TEST(!english_name(t).empty());
    }
}

BOOST_AUTO_TEST_SUITE_END()

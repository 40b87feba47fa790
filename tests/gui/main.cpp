#define BOOST_TEST_MODULE gui_tests
#include <boost/test/unit_test.hpp>

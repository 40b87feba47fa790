#define BOOST_TEST_MODULE ykm_data
#include <boost/test/unit_test.hpp>

#define BOOST_TEST_MODULE ykm_gis
#include <boost/test/unit_test.hpp>

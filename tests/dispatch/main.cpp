#define BOOST_TEST_MODULE ykm_dispatch
#include <boost/test/unit_test.hpp>

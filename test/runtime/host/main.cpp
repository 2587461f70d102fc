#define BOOST_TEST_MODULE runtime_host
#include <boost/test/unit_test.hpp>

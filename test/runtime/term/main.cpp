#define BOOST_TEST_MODULE runtime_term
#include <boost/test/unit_test.hpp>

// End-to-end tests: real aion-node processes driven only through the aion CLI and the C++ SDK.
#define BOOST_TEST_MODULE end to end
#include <boost/test/unit_test.hpp>

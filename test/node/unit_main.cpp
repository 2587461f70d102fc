// Unit tests of the node's parts that need neither the engine nor a network.
#define BOOST_TEST_MODULE node units
#include <boost/test/unit_test.hpp>

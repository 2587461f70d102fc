// Unit tests of cluster/ that need no database: rendezvous assignment and the routing table.
#define BOOST_TEST_MODULE cluster units
#include <boost/test/unit_test.hpp>

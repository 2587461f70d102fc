// Multi-node suites: real aion-node processes on loopback ports sharing one PostgreSQL, killed,
// paused, restarted, and their database restarted, while real workflows run.
#define BOOST_TEST_MODULE cluster nodes
#include <boost/test/unit_test.hpp>

// The shard manager with real engines on a real PostgreSQL, in one process.
#define BOOST_TEST_MODULE cluster shard manager
#include <boost/test/unit_test.hpp>

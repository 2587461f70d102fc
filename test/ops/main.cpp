// The operations suite: a real aion-node's metrics, health endpoints, dashboard and alerts.
#define BOOST_TEST_MODULE ops
#include <boost/test/unit_test.hpp>

// The metrics suites: the catalogue, its exposition, the HTTP endpoint, the dashboard and
// alert rules against the catalogue.
#define BOOST_TEST_MODULE metrics
#include <boost/test/unit_test.hpp>

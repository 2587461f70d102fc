// Unit tests of the persistence pieces that need no database.
#define BOOST_TEST_MODULE persistence units
#include <boost/test/unit_test.hpp>

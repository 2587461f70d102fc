#include "postgres/pg_values.hpp"

#include <boost/test/unit_test.hpp>

#include "postgres/pg_connection.hpp"

namespace aion::persistence::postgres {

BOOST_AUTO_TEST_SUITE(pg_values)

BOOST_AUTO_TEST_CASE(scalars_use_the_binary_wire_format) {
  params p;
  p.int8(-2).int4(258).boolean(true).text("hé").bytea(std::string("\0\1", 2)).null(oid::text);
  auto wire = p.to_wire();
  BOOST_REQUIRE_EQUAL(p.size(), 6);
  BOOST_CHECK_EQUAL(std::string(wire.values[0], wire.lengths[0]),
                    std::string("\xff\xff\xff\xff\xff\xff\xff\xfe", 8));
  BOOST_CHECK_EQUAL(std::string(wire.values[1], wire.lengths[1]), std::string("\0\0\1\2", 4));
  BOOST_CHECK_EQUAL(std::string(wire.values[2], wire.lengths[2]), std::string("\1", 1));
  BOOST_CHECK_EQUAL(std::string(wire.values[3], wire.lengths[3]), "hé");
  BOOST_CHECK_EQUAL(std::string(wire.values[4], wire.lengths[4]), std::string("\0\1", 2));
  BOOST_CHECK(wire.values[5] == nullptr);
  for (int format : wire.formats) BOOST_CHECK_EQUAL(format, 1);
  BOOST_CHECK(p.types()[0] == oid::int8);
  BOOST_CHECK(p.types()[5] == oid::text);
}

BOOST_AUTO_TEST_CASE(arrays_use_the_binary_array_layout) {
  params p;
  p.int4_array({7}).text_array({}).bytea_array({"ab", ""});
  auto wire = p.to_wire();
  // ndim 1, no nulls, int4, 1 element from 1, then (4, 7)
  BOOST_CHECK_EQUAL(std::string(wire.values[0], wire.lengths[0]),
                    std::string("\0\0\0\1\0\0\0\0\0\0\0\x17\0\0\0\1\0\0\0\1\0\0\0\4\0\0\0\7", 28));
  // an empty array has no dimensions
  BOOST_CHECK_EQUAL(std::string(wire.values[1], wire.lengths[1]),
                    std::string("\0\0\0\0\0\0\0\0\0\0\0\x19", 12));
  BOOST_CHECK_EQUAL(wire.lengths[2], 12 + 8 + 4 + 2 + 4);
  BOOST_CHECK(p.types()[2] == oid::bytea_array);
}

BOOST_AUTO_TEST_CASE(sqlstates_map_to_what_the_caller_should_do) {
  BOOST_CHECK(classify_sqlstate("40001") == errc::retry);
  BOOST_CHECK(classify_sqlstate("40P01") == errc::retry);
  BOOST_CHECK(classify_sqlstate("08006") == errc::reconnect);
  BOOST_CHECK(classify_sqlstate("57P01") == errc::reconnect);
  BOOST_CHECK(classify_sqlstate("57P03") == errc::reconnect);
  BOOST_CHECK(classify_sqlstate("53300") == errc::back_off);
  BOOST_CHECK(classify_sqlstate("57014") == errc::back_off);
  BOOST_CHECK(classify_sqlstate("23505") == errc::conflict);
  BOOST_CHECK(classify_sqlstate("22021") == errc::invalid_argument);
  BOOST_CHECK(classify_sqlstate("42P01") == errc::give_up);
  BOOST_CHECK(classify_sqlstate("XX000") == errc::give_up);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::postgres

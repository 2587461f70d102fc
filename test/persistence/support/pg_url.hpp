// Finding the shared test PostgreSQL (see test/postgres_fixture.cmake).
#pragma once

#include <cstdlib>
#include <fstream>
#include <string>

#include <boost/test/unit_test.hpp>

namespace aion::persistence::test {

/// The URL the `postgres` CTest fixture wrote; fails the test with a hint when it is missing.
inline std::string shared_postgres_url() {
  const char* file = std::getenv("AION_TEST_PG_URL_FILE");
  BOOST_REQUIRE_MESSAGE(file != nullptr,
                        "AION_TEST_PG_URL_FILE is not set: run this test through ctest, which "
                        "starts PostgreSQL (fixture `postgres`)");
  std::ifstream in{file};
  std::string url;
  std::getline(in, url);
  BOOST_REQUIRE_MESSAGE(!url.empty(), "no PostgreSQL URL in " << file);
  return url;
}

}  // namespace aion::persistence::test

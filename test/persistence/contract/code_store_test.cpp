// Contract: code_store (content-addressed modules, numbered deployment versions).
#include <boost/test/unit_test.hpp>

#include "support/store_fixture.hpp"

namespace aion::persistence::test {

BOOST_FIXTURE_TEST_SUITE(code, store_fixture)

BOOST_AUTO_TEST_CASE(module_is_stored_under_the_sha256_of_its_content) {
  auto ref = AION_REQUIRE_OK(db->code().put_module("order", "abc"));
  BOOST_CHECK_EQUAL(ref.hash, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_CHECK_EQUAL(ref.size, 3);
  auto blob = AION_REQUIRE_OK(db->code().load_module(ref.hash));
  BOOST_CHECK_EQUAL(blob.content, "abc");
  BOOST_CHECK_EQUAL(blob.ref.name, "order");
  std::string binary("\0BEAM\xff\x00", 7);
  auto beam = AION_REQUIRE_OK(db->code().put_module("beam", binary));
  BOOST_CHECK_EQUAL(AION_REQUIRE_OK(db->code().load_module(beam.hash)).content, binary);
}

BOOST_AUTO_TEST_CASE(storing_the_same_module_twice_is_a_no_op) {
  auto first = AION_REQUIRE_OK(db->code().put_module("order", "code v1"));
  auto second = AION_REQUIRE_OK(db->code().put_module("order", "code v1"));
  BOOST_CHECK_EQUAL(first.hash, second.hash);
  auto changed = AION_REQUIRE_OK(db->code().put_module("order", "code v2"));
  BOOST_CHECK_NE(first.hash, changed.hash);
}

BOOST_AUTO_TEST_CASE(unknown_or_malformed_module_hashes_are_refused) {
  AION_CHECK_ERROR(db->code().load_module(std::string(64, 'a')), errc::not_found);
  AION_CHECK_ERROR(db->code().load_module("not-a-hash"), errc::invalid_argument);
  AION_CHECK_ERROR(db->code().load_module(std::string(64, 'A')), errc::invalid_argument);
}

BOOST_AUTO_TEST_CASE(publishing_creates_numbered_versions_and_reuses_identical_ones) {
  auto order1 = AION_REQUIRE_OK(db->code().put_module("order", "v1"));
  auto util = AION_REQUIRE_OK(db->code().put_module("util", "u"));
  auto v1 = AION_REQUIRE_OK(
      db->code().publish_deployment("shop", {{"util", util.hash}, {"order", order1.hash}}));
  BOOST_CHECK(v1.created);
  BOOST_CHECK_EQUAL(v1.version.version, 1);
  BOOST_REQUIRE_EQUAL(v1.version.modules.size(), 2u);
  BOOST_CHECK_EQUAL(v1.version.modules[0].module_name, "order");  // sorted

  auto same = AION_REQUIRE_OK(
      db->code().publish_deployment("shop", {{"order", order1.hash}, {"util", util.hash}}));
  BOOST_CHECK(!same.created);
  BOOST_CHECK_EQUAL(same.version.version, 1);
  BOOST_CHECK_EQUAL(same.version.digest, v1.version.digest);

  auto order2 = AION_REQUIRE_OK(db->code().put_module("order", "v2"));
  clock->advance(std::chrono::seconds{1});
  auto v2 = AION_REQUIRE_OK(
      db->code().publish_deployment("shop", {{"order", order2.hash}, {"util", util.hash}}));
  BOOST_CHECK(v2.created);
  BOOST_CHECK_EQUAL(v2.version.version, 2);
  BOOST_CHECK_NE(v2.version.digest, v1.version.digest);

  auto latest = AION_REQUIRE_OK(db->code().find_deployment("shop", std::nullopt));
  BOOST_CHECK_EQUAL(latest.version, 2);
  BOOST_CHECK(latest.modules == v2.version.modules);
  BOOST_CHECK(latest.created_at == test_epoch + std::chrono::seconds{1});
  auto first = AION_REQUIRE_OK(db->code().find_deployment("shop", 1));
  BOOST_CHECK(first.modules == v1.version.modules);
  auto all = AION_REQUIRE_OK(db->code().list_deployment_versions("shop"));
  BOOST_REQUIRE_EQUAL(all.size(), 2u);
  BOOST_CHECK_EQUAL(all[0].version, 1);
  BOOST_CHECK_EQUAL(all[1].version, 2);
}

BOOST_AUTO_TEST_CASE(publishing_with_an_unstored_module_is_refused) {
  AION_CHECK_ERROR(db->code().publish_deployment("shop", {{"order", std::string(64, 'b')}}),
                   errc::not_found);
  AION_CHECK_ERROR(db->code().find_deployment("shop", std::nullopt), errc::not_found);
  AION_CHECK_ERROR(db->code().publish_deployment("shop", {}), errc::invalid_argument);
  auto m = AION_REQUIRE_OK(db->code().put_module("order", "x"));
  AION_CHECK_ERROR(db->code().publish_deployment("shop", {{"order", m.hash}, {"order", m.hash}}),
                   errc::invalid_argument);
  BOOST_CHECK(AION_REQUIRE_OK(db->code().list_deployment_versions("shop")).empty());
}

BOOST_AUTO_TEST_CASE(oversized_module_is_refused) {
  store_limits small;
  small.max_module_bytes = 16;
  db->close();
  db = open_store_again(small);
  AION_CHECK_ERROR(db->code().put_module("big", std::string(17, 'x')), errc::invalid_argument);
  AION_REQUIRE_OK(db->code().put_module("fits", std::string(16, 'x')));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::test

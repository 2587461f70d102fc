#include "common/sha256.hpp"

#include <boost/test/unit_test.hpp>

namespace aion::persistence::detail {

BOOST_AUTO_TEST_SUITE(sha256_digest)

BOOST_AUTO_TEST_CASE(matches_the_fips_180_examples) {
  BOOST_CHECK_EQUAL(sha256_hex(""),
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_CHECK_EQUAL(sha256_hex("abc"),
                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_CHECK_EQUAL(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

BOOST_AUTO_TEST_CASE(incremental_updates_equal_one_update) {
  std::string data(1'000'003, 'a');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 26);
  sha256 pieces;
  for (std::size_t at = 0; at < data.size(); at += 777) {
    pieces.update(std::string_view{data}.substr(at, 777));
  }
  auto digest = pieces.finish();
  sha256 whole;
  whole.update(data);
  BOOST_CHECK(digest == whole.finish());
  BOOST_CHECK_EQUAL(sha256_hex(std::string(1'000'000, 'a')),
                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::persistence::detail

// The loader accepts real erlc output and refuses malformed or hostile input with an error,
// never a crash.
#include <boost/test/unit_test.hpp>

#include <random>

#include "runtime/code/loader.hpp"
#include "vm_fixture.hpp"

using namespace aion::vm;
using namespace aion::vm::test;

namespace {

// Offset of a chunk's body in a .beam image, or npos.
std::size_t chunk_offset(const std::string& beam, const char* id, std::uint32_t* size) {
  std::size_t pos = 12;
  while (pos + 8 <= beam.size()) {
    std::uint32_t n = (static_cast<unsigned char>(beam[pos + 4]) << 24) |
                      (static_cast<unsigned char>(beam[pos + 5]) << 16) |
                      (static_cast<unsigned char>(beam[pos + 6]) << 8) |
                      static_cast<unsigned char>(beam[pos + 7]);
    if (beam.compare(pos, 4, id) == 0) {
      *size = n;
      return pos + 8;
    }
    pos += 8 + ((n + 3) & ~3u);
  }
  return std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(loader)

BOOST_AUTO_TEST_CASE(real_erlc_output_loads_and_exports_its_functions) {
  vm v;
  auto m = v.load_module(beam_bytes("t_basic"));
  BOOST_REQUIRE_MESSAGE(m.ok(), (m.ok() ? std::string() : m.err().message));
  BOOST_TEST(v.atoms().name((*m)->name) == "t_basic");
  auto* e = v.code().find_export(*v.atom("t_basic"), *v.atom("fact"), 1);
  BOOST_REQUIRE(e != nullptr);
  BOOST_TEST(e->address.load() != e->stub);
  BOOST_TEST(!(*m)->functions.empty());
}

BOOST_AUTO_TEST_CASE(every_truncation_is_refused_with_an_error) {
  vm v;
  std::string beam = beam_bytes("t_basic");
  for (std::size_t n = 0; n < beam.size(); n += (n < 64 ? 1 : 7)) {
    auto m = v.load_module(beam.substr(0, n));
    BOOST_TEST(!m.ok());
    if (!m.ok()) BOOST_TEST(!m.err().message.empty());
  }
}

BOOST_AUTO_TEST_CASE(random_corruption_never_crashes_the_loader) {
  vm v;
  std::string beam = beam_bytes("t_gc");
  std::mt19937 rng(1234);
  int refused = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string bad = beam;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) bad[rng() % bad.size()] = static_cast<char>(rng());
    if (!v.load_module(bad).ok()) ++refused;
  }
  BOOST_TEST(refused > 0);
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_beam_is_refused) {
  vm v;
  auto m = v.load_module("hello world, this is not a beam file at all");
  BOOST_REQUIRE(!m.ok());
  BOOST_CHECK(m.err().code == errc::malformed_module);
  BOOST_TEST(m.err().message.find("FOR1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_oversized_module_is_refused_before_parsing) {
  vm_config cfg;
  cfg.max_module_bytes = 100;
  vm v(cfg);
  auto m = v.load_module(beam_bytes("t_basic"));
  BOOST_REQUIRE(!m.ok());
  BOOST_CHECK(m.err().code == errc::module_too_large);
}

BOOST_AUTO_TEST_CASE(an_obsolete_opcode_is_refused_as_unsupported) {
  vm v;
  std::string beam = beam_bytes("t_basic");
  std::uint32_t size = 0;
  std::size_t code = chunk_offset(beam, "Code", &size);
  BOOST_REQUIRE(code != std::string::npos);
  std::uint32_t header = (static_cast<unsigned char>(beam[code]) << 24) |
                         (static_cast<unsigned char>(beam[code + 1]) << 16) |
                         (static_cast<unsigned char>(beam[code + 2]) << 8) |
                         static_cast<unsigned char>(beam[code + 3]);
  // The first instruction is `label 1`: make it m_plus (27), obsolete since OTP R13.
  beam[code + 4 + header] = 27;
  auto m = v.load_module(beam);
  BOOST_REQUIRE(!m.ok());
  BOOST_CHECK(m.err().code == errc::unsupported_module);
  BOOST_TEST(m.err().message.find("m_plus") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_corrupt_literal_table_is_refused) {
  vm v;
  std::string beam = beam_bytes("t_gc");
  std::uint32_t size = 0;
  std::size_t lit = chunk_offset(beam, "LitT", &size);
  if (lit == std::string::npos) return;  // module without literals
  for (std::uint32_t i = 8; i < size; ++i) beam[lit + i] = static_cast<char>(0xA5);
  auto m = v.load_module(beam);
  BOOST_TEST(!m.ok());
}

BOOST_AUTO_TEST_CASE(a_module_can_be_reloaded_and_the_new_version_is_current) {
  vm v;
  auto first = v.load_module(beam_bytes("t_basic"));
  auto second = v.load_module(beam_bytes("t_basic"));
  BOOST_REQUIRE(first.ok());
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(v.code().find_module(*v.atom("t_basic")) == *second);
}

BOOST_AUTO_TEST_SUITE_END()

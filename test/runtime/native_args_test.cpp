// Every native survives arguments of every kind: code calls natives with whatever it likes,
// and code not from erlc can also pass terms OTP's compiler never hands a BIF (a match
// context). Each call returns a value or raises; none may crash (run it under ASan to see
// memory errors too).
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/bif/bif_registry.hpp"
#include "runtime/exec/bs_ops.hpp"
#include "runtime/term/binary.hpp"
#include "runtime/term/etf.hpp"
#include "vm_fixture.hpp"

using namespace aion::vm;
using namespace aion::vm::test;

namespace {

// term_to_binary of a list of terms of every kind: atoms, small and big integers, floats,
// proper, improper, deep and char lists, tuples, binaries (heap, refc-sized, 3 bits), flat
// and hash maps, an export fun, a tuple shaped like a raw stack trace, iolists.
constexpr const char* pool_etf =
    "836c00000020640003666f6f640004747275656a610062ffffffff61ff6e06000000000000016e0800ffffff"
    "ffffffff076e09000000000000000000406e0901000000000000000040463ff8000000000000468000000000"
    "000000467e37e43c8800759c6b00030102036b00036162636c00000001610161026c000000026b0001016c00"
    "0000016102640001786a68006802640001616400016268036101610261036d000000036162634d0000000103"
    "206d000000640707070707070707070707070707070707070707070707070707070707070707070707070707"
    "0707070707070707070707070707070707070707070707070707070707070707070707070707070707070707"
    "070707070707070707070707070707070707740000000074000000026400016161016d000000016b6c000000"
    "01640001786a740000002861216121610c610c61176117611d611d611e611e61276127611a611a611f611f61"
    "0b610b6125612561096109612061206122612261196119611c611c6106610661266126610d610d6128612861"
    "146114610f610f610e610e610261026107610761016101610861086103610361116111611661166115611561"
    "0461046124612461186118610a610a61236123611b611b611361136105610561126112611061107164000665"
    "726c616e67640003616273610168036400056572726f72610561076c00000002680264000161610168026400"
    "016261026a6c000000036200000100620011000062fffffffb6a6c00000001620010ffff6a6c000000026d00"
    "0000017861016d00000001796a";

std::string unhex(const char* s) {
  std::string out;
  for (; s[0] && s[1]; s += 2) out.push_back(static_cast<char>(std::stoi(std::string(s, 2), nullptr, 16)));
  return out;
}

// Natives that write to the test's stdout or stderr.
bool excluded(const bif_def& d) {
  std::string name = std::string(d.module) + ":" + d.name;
  return name == "erlang:display" || name == "erlang:display_string" ||
         name == "erlang:display_nl" || name == "aion_io_server:output";
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(native_args, vm_fixture)

BOOST_AUTO_TEST_CASE(every_native_returns_or_raises_on_terms_of_every_kind) {
  term_allocator lit{&machine.literals(),
                     [](void* ctx, std::size_t n) {
                       return static_cast<literal_area*>(ctx)->allocate(n);
                     },
                     nullptr};
  etf_decode_options opts;
  opts.code = &machine.code();
  auto decoded = etf_decode(machine.atoms(), unhex(pool_etf), lit, opts);
  BOOST_REQUIRE(decoded);
  std::vector<term> pool;
  for (term t = decoded->value; is_list(t); t = cdr(t)) pool.push_back(car(t));
  BOOST_REQUIRE_GT(pool.size(), 30u);

  auto spawned = host.spawn(atom("t_basic"), atom("echo"), {atom("x")});
  BOOST_REQUIRE(spawned.ok());
  process& p = **spawned;
  pool.push_back(p.pid());
  pool.push_back(make_pid(999'999));
  // A match context, as a module not from erlc may pass one (it lives in the literal area
  // here so that collections between calls leave the pool alone).
  term* ctx = machine.literals().allocate(match_ctx_words);
  term bin = nil;
  for (term t : pool)
    if (is_bitstring(t) && bitstring_view(t).bit_size == 24) bin = t;  // <<"abc">>
  BOOST_REQUIRE(is_bitstring(bin));
  ctx[0].raw = make_header(subtag::match_ctx, match_ctx_words - 1);
  ctx[1] = bin;
  ctx[2].raw = 0;
  ctx[3].raw = 8;
  ctx[4].raw = 24;
  pool.push_back(make_boxed(ctx));

  std::uint32_t seed = 12345;
  auto next = [&] {
    seed = seed * 1103515245 + 12345;
    return static_cast<std::size_t>(seed >> 8);
  };
  std::size_t calls = 0;
  auto call = [&](const bif_def& d, const std::vector<term>& args) {
    d.fn(p, args.data());  // a value, or non_value with an exception on p
    p.suspended_ = false;
    p.exc_args_ = non_value;
    p.exc_trace_ = non_value;
    p.exc_reason_ = nil;
    p.dirty_native_ = nullptr;
    if (++calls % 512 == 0) BOOST_REQUIRE(p.collect(nullptr, 0, 0));
  };
  for (auto family : {bifs_arith(), bifs_compare(), bifs_types(), bifs_tuple(), bifs_list(),
                      bifs_convert(), bifs_binary(), bifs_exception(), bifs_misc(), bifs_map(),
                      bifs_math(), bifs_binary_module(), bifs_unicode(), bifs_phash(),
                      bifs_checksum(), bifs_system(), bifs_time(), bifs_process(), bifs_io()}) {
    for (const bif_def& d : family) {
      if (excluded(d)) continue;
      std::vector<term> args(d.arity);
      if (d.arity == 0) {
        call(d, args);
      } else if (d.arity == 1) {
        for (term a : pool) call(d, {a});
      } else if (d.arity == 2) {
        for (term a : pool)
          for (term b : pool) call(d, {a, b});
      } else {
        for (int k = 0; k < 300; ++k) {
          for (auto& a : args) a = pool[next() % pool.size()];
          call(d, args);
        }
      }
    }
  }
  BOOST_TEST(calls > 100'000u);
}

BOOST_AUTO_TEST_SUITE_END()

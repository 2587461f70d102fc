// OTP's standard library loads from the installed OTP and every import of the modules aion
// promises to run resolves; modules that need the outside world are refused.
#include <boost/test/unit_test.hpp>

#include "runtime/bif/md5.hpp"
#include "vm_fixture.hpp"

using namespace aion::vm;
using namespace aion::vm::test;

namespace {

std::string hex(const md5_state& m) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : m.digest()) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}
std::string md5_hex(std::string_view s) {
  md5_state m;
  m.update(s);
  return hex(m);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stdlib_load)

BOOST_AUTO_TEST_CASE(the_promised_stdlib_modules_have_no_unresolved_imports) {
  vm_fixture f;
  for (const char* name :
       {"lists",   "maps",         "proplists", "orddict",       "ordsets",       "sets",
        "dict",    "gb_trees",     "gb_sets",   "queue",         "array",         "string",
        "unicode", "unicode_util", "io_lib",    "io_lib_format", "io_lib_pretty", "calendar",
        "base64",  "math",         "binary",    "erl_scan"}) {
    auto found = unresolved_imports(f.machine, vm_fixture::code_path(), f.atom(name));
    BOOST_REQUIRE_MESSAGE(found.ok(), name << ": " << (found.ok() ? "" : found.err().message));
    for (const unresolved_import& u : *found)
      BOOST_ERROR(name << " calls " << f.text(u.module) << ":" << f.text(u.function) << "/"
                       << u.arity << " (" << u.why << ")");
  }
}

BOOST_AUTO_TEST_CASE(modules_that_need_the_outside_world_are_refused) {
  vm v;
  for (const char* name : {"file", "gen_tcp", "os", "code", "inet", "prim_file"})
    BOOST_TEST(!refusal_reason(name).empty(), name);
  for (const char* name : {"lists", "io_lib", "erlang", "io"})
    BOOST_TEST(refusal_reason(name).empty(), name);
  auto loaded = load_from_code_path(v, otp_code_path(), *v.atom("file"));
  BOOST_REQUIRE(!loaded.ok());
  BOOST_TEST(loaded.err().message.find("no I/O") != std::string::npos);
  BOOST_TEST(v.code().find_module(*v.atom("file")) == nullptr);
}

BOOST_AUTO_TEST_CASE(calling_a_refused_module_raises_undef_and_ports_badarg) {
  vm_fixture f;
  BOOST_TEST(f.text(f.run("t_stdlib", "refused_file").result_) == "{error,undef}");
  BOOST_TEST(f.text(f.run("t_stdlib", "refused_port").result_) == "{error,badarg}");
}

BOOST_AUTO_TEST_CASE(erlang_beam_loads_with_natives_over_its_stubs) {
  vm_fixture f;
  BOOST_TEST(f.text(f.run("t_stdlib", "erlang_beam").result_) == "{2,{arity,2},<<97,98,99>>}");
  BOOST_REQUIRE(f.machine.code().find_module(f.atom("erlang")) != nullptr);
  // A builtin aion does not implement stays undefined instead of running the nif_error stub.
  export_entry* e = f.machine.code().find_export(f.atom("erlang"), f.atom("dt_get_tag"), 0);
  BOOST_REQUIRE(e != nullptr);
  BOOST_TEST(e->address.load() == static_cast<const word*>(e->stub));
  BOOST_TEST(f.text(f.run("t_stdlib", "unimplemented_builtin").result_) == "{error,undef}");
  // Natives keep precedence over erlang.beam's Erlang bodies.
  BOOST_TEST(f.machine.code().find_native(f.atom("erlang"), f.atom("max"), 2) != nullptr);
}

BOOST_AUTO_TEST_CASE(io_lib_formats_through_the_loaded_stdlib) {
  vm_fixture f;
  BOOST_TEST(f.text(f.run("t_stdlib", "formatted").result_) ==
             "[123,97,44,91,49,44,50,93,125,32,120,32,49,46,53,48]");
}

// md5.hpp: RFC 1321's test suite, and a digest fed in pieces through a saved state.
BOOST_AUTO_TEST_CASE(md5_matches_the_rfc_1321_test_suite) {
  BOOST_TEST(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  BOOST_TEST(md5_hex("a") == "0cc175b9c0f1b6a831c399e269772661");
  BOOST_TEST(md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
  BOOST_TEST(md5_hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0");
  BOOST_TEST(md5_hex("abcdefghijklmnopqrstuvwxyz") == "c3fcd3d76192e4007dfb496cca67e13b");
  std::string digits80;
  for (int i = 0; i < 8; ++i) digits80 += "1234567890";
  BOOST_TEST(md5_hex(digits80) == "57edf4a22be3c955ac49da2e2107b67a");
}

BOOST_AUTO_TEST_CASE(md5_fed_in_pieces_through_a_saved_state_gives_the_same_digest) {
  std::string digits80;
  for (int i = 0; i < 8; ++i) digits80 += "1234567890";
  md5_state first;
  first.update(std::string_view(digits80).substr(0, 37));
  auto saved = first.save();
  md5_state second;
  BOOST_REQUIRE(
      second.restore(std::string_view(reinterpret_cast<const char*>(saved.data()), saved.size())));
  second.update(std::string_view(digits80).substr(37));
  BOOST_TEST(hex(second) == "57edf4a22be3c955ac49da2e2107b67a");
  BOOST_TEST(!second.restore("too short"));
}

BOOST_AUTO_TEST_SUITE_END()

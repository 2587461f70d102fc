#include "node/erlc.hpp"

#include <unistd.h>

#include <boost/test/unit_test.hpp>

namespace aion::node {

namespace {

struct scratch {
  scratch() {
    path = std::filesystem::temp_directory_path() / ("aion-erlc-test-" + std::to_string(getpid()));
    std::filesystem::create_directories(path);
  }
  ~scratch() { std::filesystem::remove_all(path); }
  erlc_options options() const { return {AION_TEST_ERLC, path, std::chrono::seconds(60)}; }
  std::filesystem::path path;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(erlc)

BOOST_AUTO_TEST_CASE(compiles_modules_and_cleans_up) {
  scratch s;
  auto r = compile_erl({{"greet.erl", "-module(greet).\n-export([run/1]).\nrun(X) -> {hi, X}.\n"},
                        {"other.erl", "-module(other).\n-export([f/0]).\nf() -> ok.\n"}},
                       s.options());
  if (auto* why = std::get_if<std::string>(&r)) BOOST_FAIL(*why);
  const auto& mods = std::get<std::vector<compiled_module>>(r);
  BOOST_REQUIRE_EQUAL(mods.size(), 2u);
  BOOST_CHECK_EQUAL(mods[0].name, "greet");
  BOOST_CHECK_EQUAL(mods[0].beam.substr(0, 4), "FOR1");
  BOOST_CHECK(std::filesystem::is_empty(s.path));  // the scratch directory was removed
}

BOOST_AUTO_TEST_CASE(compiler_errors_come_back_on_one_line_with_the_file_and_line) {
  scratch s;
  auto r = compile_erl({{"broken.erl", "-module(broken).\n-export([run/1]).\nrun(X) -> X +.\n"}},
                       s.options());
  BOOST_REQUIRE(std::holds_alternative<std::string>(r));
  const auto& msg = std::get<std::string>(r);
  BOOST_TEST_MESSAGE(msg);
  BOOST_CHECK(msg.find("erlc failed: broken.erl:3") != std::string::npos);
  BOOST_CHECK(msg.find('\n') == std::string::npos);
  BOOST_CHECK(msg.find(s.path.string()) == std::string::npos);  // no node paths leak
}

BOOST_AUTO_TEST_CASE(a_module_name_that_does_not_match_its_file_is_refused) {
  scratch s;
  auto r = compile_erl({{"right.erl", "-module(wrong).\n"}}, s.options());
  BOOST_REQUIRE(std::holds_alternative<std::string>(r));
}

BOOST_AUTO_TEST_CASE(unsafe_file_names_and_constructs_are_refused_before_erlc_runs) {
  scratch s;
  for (const char* name : {"../evil.erl", "/tmp/x.erl", "Upper.erl", "x.beam", ".erl", "a b.erl"}) {
    auto r = compile_erl({{name, "-module(x).\n"}}, s.options());
    BOOST_CHECK_MESSAGE(std::holds_alternative<std::string>(r), name);
  }
  auto r =
      compile_erl({{"pt.erl", "-module(pt).\n-compile({parse_transform, evil}).\n"}}, s.options());
  BOOST_REQUIRE(std::holds_alternative<std::string>(r));
  BOOST_CHECK(std::get<std::string>(r).find("parse transforms") != std::string::npos);
  r = compile_erl({{"inc.erl", "-module(inc).\n-include (\"/etc/passwd\").\n"}}, s.options());
  BOOST_REQUIRE(std::holds_alternative<std::string>(r));
  BOOST_CHECK(std::get<std::string>(r).find("-include") != std::string::npos);
  BOOST_CHECK(!refused_construct("-module(ok).\n%% includes nothing\n"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::node

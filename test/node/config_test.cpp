#include "node/config.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include <unistd.h>

namespace aion::node {

namespace {

struct fake_env {
  std::map<std::string, std::string, std::less<>> vars;
  env_lookup lookup() const {
    return [this](std::string_view name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
};

/// A TOML file in a fresh temporary directory, removed with the object.
struct temp_file {
  explicit temp_file(const std::string& text) {
    dir = std::filesystem::temp_directory_path() /
          ("aion-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir);
    path = dir / "aion.toml";
    std::ofstream(path) << text;
  }
  ~temp_file() { std::filesystem::remove_all(dir); }
  std::filesystem::path dir, path;
  static inline int counter = 0;
};

node_config config_ok(const std::vector<std::string>& args, const fake_env& env = {}) {
  auto r = load_config(args, env.lookup());
  if (auto* e = std::get_if<config_exit>(&r)) BOOST_FAIL("refused: " << e->text);
  return std::get<node_config>(r);
}

config_exit config_exit_of(const std::vector<std::string>& args, const fake_env& env = {}) {
  auto r = load_config(args, env.lookup());
  BOOST_REQUIRE(std::holds_alternative<config_exit>(r));
  return std::get<config_exit>(r);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(defaults_are_the_documented_ones) {
  auto c = config_ok({});
  BOOST_CHECK(c.data_dir == "aion-data");
  BOOST_CHECK(c.store.empty());
  BOOST_CHECK_EQUAL(c.listen.to_string(), "127.0.0.1:7233");
  BOOST_CHECK(c.auth_token.empty());
  BOOST_CHECK(c.log_fmt == log_format::text);
  BOOST_CHECK(c.log_min == log_level::info);
}

BOOST_AUTO_TEST_CASE(flags_beat_the_file_which_beats_the_environment) {
  temp_file f("listen = \"127.0.0.1:9000\"\nauth_token = \"from-file\"\n[log]\nlevel = \"warn\"\n");
  fake_env env;
  env.vars = {{"AION_LISTEN", "127.0.0.1:8000"},
              {"AION_AUTH_TOKEN", "from-env"},
              {"AION_DATA_DIR", "/env/dir"},
              {"AION_LOG_LEVEL", "debug"}};
  auto c = config_ok({"--config", f.path.string(), "--auth-token", "from-flag"}, env);
  BOOST_CHECK_EQUAL(c.auth_token, "from-flag");               // flag
  BOOST_CHECK_EQUAL(c.listen.to_string(), "127.0.0.1:9000");  // file over env
  BOOST_CHECK(c.log_min == log_level::warn);                  // file over env
  BOOST_CHECK(c.data_dir == "/env/dir");                      // env when nothing else says
}

BOOST_AUTO_TEST_CASE(aion_config_names_the_file_when_no_flag_does) {
  temp_file f("node_id = \"n1\"\n");
  temp_file g("node_id = \"n2\"\n");
  fake_env env;
  env.vars = {{"AION_CONFIG", f.path.string()}};
  BOOST_CHECK_EQUAL(config_ok({}, env).node_id, "n1");
  BOOST_CHECK_EQUAL(config_ok({"--config", g.path.string()}, env).node_id, "n2");
}

BOOST_AUTO_TEST_CASE(postgres_store_and_listen_forms) {
  auto c = config_ok({"--store", "postgresql://aion@127.0.0.1:5432/aion", "--listen", "[::1]:0"});
  BOOST_CHECK_EQUAL(c.store, "postgresql://aion@127.0.0.1:5432/aion");
  BOOST_CHECK_EQUAL(c.listen.host, "::1");
  BOOST_CHECK_EQUAL(c.listen.port, 0);
  BOOST_CHECK_EQUAL(c.listen.to_string(), "[::1]:0");
}

BOOST_AUTO_TEST_CASE(bad_values_name_their_setting) {
  auto e = config_exit_of({"--listen", "localhost"});
  BOOST_CHECK_NE(e.code, 0);
  BOOST_CHECK(e.text.find("--listen") != std::string::npos);
  e = config_exit_of({"--listen", "127.0.0.1:70000"});
  BOOST_CHECK(e.text.find("HOST:PORT") != std::string::npos);
  e = config_exit_of({"--store", "mysql://x"});
  BOOST_CHECK(e.text.find("postgresql://") != std::string::npos);
  e = config_exit_of({"--log-format", "yaml"});
  BOOST_CHECK(e.text.find("text or json") != std::string::npos);
  e = config_exit_of({"--max-payload-bytes", "lots"});
  BOOST_CHECK(e.text.find("--max-payload-bytes") != std::string::npos);
  fake_env env;
  env.vars = {{"AION_CALL_THREADS", "0"}};
  e = config_exit_of({}, env);
  BOOST_CHECK(e.text.find("AION_CALL_THREADS") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_file_is_checked_strictly) {
  {
    temp_file f("lisen = \"127.0.0.1:1\"\n");
    auto e = config_exit_of({"--config", f.path.string()});
    BOOST_CHECK(e.text.find("unknown setting 'lisen'") != std::string::npos);
    BOOST_CHECK(e.text.find(":1:") != std::string::npos);
  }
  {
    temp_file f("[limits]\nmax_payload_bytes = \"big\"\n");
    auto e = config_exit_of({"--config", f.path.string()});
    BOOST_CHECK(e.text.find("expected a TOML integer, got a string") != std::string::npos);
    BOOST_CHECK(e.text.find(":2:") != std::string::npos);
  }
  {
    temp_file f("listen = 3.5\n");
    auto e = config_exit_of({"--config", f.path.string()});
    BOOST_CHECK(e.text.find("floats") != std::string::npos);
  }
  auto e = config_exit_of({"--config", "/nonexistent/aion.toml"});
  BOOST_CHECK(e.text.find("cannot read") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(file_settings_cover_every_table) {
  temp_file f(
      "data_dir = \"/d\"\nstore_schema = \"s\"\nready_file = \"/r\"\n"
      "[log]\nformat = \"json\"\n[limits]\nmax_payload_bytes = 4096\nmax_connections = 7\n"
      "[tuning]\ncall_threads = 3\nsqlite_sync_full = false\nerlc_timeout_s = 9\n");
  auto c = config_ok({"--config", f.path.string()});
  BOOST_CHECK(c.data_dir == "/d");
  BOOST_CHECK_EQUAL(c.store_schema, "s");
  BOOST_CHECK(c.ready_file == "/r");
  BOOST_CHECK(c.log_fmt == log_format::json);
  BOOST_CHECK_EQUAL(c.max_payload_bytes, 4096u);
  BOOST_CHECK_EQUAL(c.max_connections, 7u);
  BOOST_CHECK_EQUAL(c.call_threads, 3u);
  BOOST_CHECK(!c.sqlite_sync_full);
  BOOST_CHECK_EQUAL(c.erlc_timeout_s, 9u);
}

BOOST_AUTO_TEST_CASE(help_version_and_print_config_exit_zero) {
  auto e = config_exit_of({"--help"});
  BOOST_CHECK_EQUAL(e.code, 0);
  BOOST_CHECK(e.text.find("--data-dir") != std::string::npos);
  BOOST_CHECK(e.text.find("AION_DATA_DIR") != std::string::npos);
  BOOST_CHECK_EQUAL(config_exit_of({"--version"}).code, 0);
  e = config_exit_of({"--print-config", "--auth-token", "secret", "--listen", "127.0.0.1:1"});
  BOOST_CHECK_EQUAL(e.code, 0);
  BOOST_CHECK(e.text.find("listen = \"127.0.0.1:1\"") != std::string::npos);
  BOOST_CHECK(e.text.find("secret") == std::string::npos);
  BOOST_CHECK_NE(config_exit_of({"--no-such-flag"}).code, 0);
}

BOOST_AUTO_TEST_CASE(printed_config_reads_back_to_the_same_config) {
  auto e = config_exit_of(
      {"--print-config", "--data-dir", "/x y", "--log-format", "json", "--max-resident", "77"});
  // The auth token is redacted, so leave it out of the round trip.
  temp_file f(e.text.substr(0, e.text.find("auth_token")) +
              e.text.substr(e.text.find('\n', e.text.find("auth_token")) + 1));
  auto c = config_ok({"--config", f.path.string()});
  BOOST_CHECK(c.data_dir == "/x y");
  BOOST_CHECK(c.log_fmt == log_format::json);
  BOOST_CHECK_EQUAL(c.max_resident, 77u);
}

BOOST_AUTO_TEST_CASE(host_port_parsing) {
  BOOST_CHECK(parse_host_port("127.0.0.1:7233").has_value());
  BOOST_CHECK(parse_host_port("node-1.aion.svc:7233").has_value());
  BOOST_CHECK(!parse_host_port("127.0.0.1").has_value());
  BOOST_CHECK(!parse_host_port(":7233").has_value());
  BOOST_CHECK(!parse_host_port("::1:7233").has_value());
  BOOST_CHECK(!parse_host_port("[::1]7233").has_value());
  BOOST_CHECK(!parse_host_port("h:-1").has_value());
  BOOST_CHECK(!parse_host_port("h:65536").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::node

#include "node/toml.hpp"

#include <boost/test/unit_test.hpp>

namespace aion::node {

namespace {

toml_document parse_ok(std::string_view text) {
  auto r = parse_toml(text);
  if (auto* e = std::get_if<toml_error>(&r)) BOOST_FAIL("unexpected error: " << e->to_string());
  return std::get<toml_document>(r);
}

toml_error parse_error(std::string_view text) {
  auto r = parse_toml(text);
  BOOST_REQUIRE_MESSAGE(std::holds_alternative<toml_error>(r), "accepted: " << text);
  return std::get<toml_error>(r);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(toml)

BOOST_AUTO_TEST_CASE(reads_strings_integers_booleans_and_tables) {
  auto doc = parse_ok(
      "# a comment\n"
      "data_dir = \"/var/lib/aion\"   # trailing comment\n"
      "literal = 'C:\\no\\escapes'\n"
      "count = 1_000\n"
      "negative = -42\n"
      "hex = 0xff\n"
      "octal = 0o17\n"
      "binary = 0b101\n"
      "on = true\n"
      "off = false\n"
      "\n"
      "[log]\n"
      "format = \"json\"\n"
      "[limits.deep]\n"
      "\"quoted key\" = 7\n");
  BOOST_CHECK(std::get<std::string>(doc.find("data_dir")->value) == "/var/lib/aion");
  BOOST_CHECK(std::get<std::string>(doc.find("literal")->value) == "C:\\no\\escapes");
  BOOST_CHECK_EQUAL(std::get<std::int64_t>(doc.find("count")->value), 1000);
  BOOST_CHECK_EQUAL(std::get<std::int64_t>(doc.find("negative")->value), -42);
  BOOST_CHECK_EQUAL(std::get<std::int64_t>(doc.find("hex")->value), 255);
  BOOST_CHECK_EQUAL(std::get<std::int64_t>(doc.find("octal")->value), 15);
  BOOST_CHECK_EQUAL(std::get<std::int64_t>(doc.find("binary")->value), 5);
  BOOST_CHECK(std::get<bool>(doc.find("on")->value));
  BOOST_CHECK(!std::get<bool>(doc.find("off")->value));
  BOOST_CHECK(std::get<std::string>(doc.find("log.format")->value) == "json");
  BOOST_CHECK_EQUAL(std::get<std::int64_t>(doc.find("limits.deep.quoted key")->value), 7);
  BOOST_CHECK_EQUAL(doc.find("log.format")->position.line, 13);
  BOOST_CHECK_EQUAL(doc.entries.size(), 11u);
}

BOOST_AUTO_TEST_CASE(decodes_escapes_and_unicode) {
  auto doc = parse_ok("s = \"tab\\t quote\\\" backslash\\\\ e\\u00e9 smile\\U0001F600\"\r\n");
  BOOST_CHECK(std::get<std::string>(doc.find("s")->value) ==
              "tab\t quote\" backslash\\ e\xC3\xA9 smile\xF0\x9F\x98\x80");
}

BOOST_AUTO_TEST_CASE(dotted_keys_and_empty_documents) {
  BOOST_CHECK(parse_ok("").entries.empty());
  BOOST_CHECK(parse_ok("\n# only comments\n\n").entries.empty());
  auto doc = parse_ok("[a]\nb.c = 1\nb.d = 2\n");
  BOOST_CHECK_EQUAL(std::get<std::int64_t>(doc.find("a.b.c")->value), 1);
  BOOST_CHECK_EQUAL(std::get<std::int64_t>(doc.find("a.b.d")->value), 2);
}

BOOST_AUTO_TEST_CASE(integer_edges) {
  auto doc = parse_ok("max = 9223372036854775807\nmin = -9223372036854775808\nzero = 0\n");
  BOOST_CHECK_EQUAL(std::get<std::int64_t>(doc.find("max")->value), INT64_MAX);
  BOOST_CHECK_EQUAL(std::get<std::int64_t>(doc.find("min")->value), INT64_MIN);
  BOOST_CHECK(parse_error("x = 9223372036854775808\n").message.find("64-bit") != std::string::npos);
  BOOST_CHECK(parse_error("x = 007\n").message.find("leading zeros") != std::string::npos);
  parse_error("x = 1__0\n");
  parse_error("x = _1\n");
  parse_error("x = 1_\n");
  parse_error("x = -0x10\n");
}

BOOST_AUTO_TEST_CASE(values_outside_the_subset_are_refused_with_the_line) {
  auto e = parse_error("a = 1\nb = 3.14\n");
  BOOST_CHECK_EQUAL(e.position.line, 2);
  BOOST_CHECK(e.message.find("floats") != std::string::npos);
  BOOST_CHECK(parse_error("d = 1979-05-27\n").message.find("dates") != std::string::npos);
  BOOST_CHECK(parse_error("a = [1, 2]\n").message.find("arrays") != std::string::npos);
  BOOST_CHECK(parse_error("a = {x = 1}\n").message.find("inline tables") != std::string::npos);
  BOOST_CHECK(parse_error("a = \"\"\"long\"\"\"\n").message.find("multi-line") !=
              std::string::npos);
  BOOST_CHECK(parse_error("[[servers]]\n").message.find("arrays of tables") != std::string::npos);
  BOOST_CHECK(parse_error("a = inf\n").message.find("floats") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(malformed_documents_are_refused) {
  BOOST_CHECK(parse_error("a = \"unclosed\n").message.find("not closed") != std::string::npos);
  BOOST_CHECK(parse_error("a = hello\n").message.find("strings need quotes") != std::string::npos);
  BOOST_CHECK(parse_error("a\n").message.find("'='") != std::string::npos);
  BOOST_CHECK(parse_error("a =\n").message.find("missing") != std::string::npos);
  BOOST_CHECK(parse_error("= 1\n").message.find("key") != std::string::npos);
  BOOST_CHECK(parse_error("a = 1 b = 2\n").message.find("one key") != std::string::npos);
  BOOST_CHECK(parse_error("a = \"bad \\q escape\"\n").message.find("escape") != std::string::npos);
  BOOST_CHECK(parse_error("a = \"\\uD800\"\n").message.find("scalar") != std::string::npos);
  BOOST_CHECK(parse_error("[a\n").message.find("']'") != std::string::npos);
  BOOST_CHECK(parse_error("a = \"x\ty\x01\"\n").message.find("control") != std::string::npos);
  BOOST_CHECK(parse_error("a = 1\r\n b = 2\r").message.find("carriage") != std::string::npos);
  BOOST_CHECK(parse_error("a = \"\xff\"\n").message.find("UTF-8") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(redefinitions_are_refused) {
  auto e = parse_error("a = 1\n\na = 2\n");
  BOOST_CHECK_EQUAL(e.position.line, 3);
  BOOST_CHECK(e.message.find("first on line 1") != std::string::npos);
  parse_error("[t]\n[t]\n");
  parse_error("a = 1\n[a]\n");
  parse_error("a = 1\na.b = 2\n");
  parse_error("[t]\nx.y = 1\n[t.x]\n");
  parse_error("[t]\nx = 1\n[t.x]\n");
  // A table implied by a header may be defined afterwards.
  parse_ok("[x.y]\nz = 1\n[x]\nw = 2\n");
}

BOOST_AUTO_TEST_CASE(error_text_has_line_and_column) {
  auto e = parse_error("ok = 1\nbad = 1.5\n");
  BOOST_CHECK_EQUAL(e.to_string().substr(0, 4), "2:7:");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aion::node

#include "node/json_check.hpp"

#include <nlohmann/json.hpp>

namespace aion::node {

namespace {

/// A SAX consumer that builds nothing: it counts depth and records the first error.
class checker : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit checker(std::size_t max_depth) : max_depth_(max_depth) {}

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return enter(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return leave(); }
  bool start_array(std::size_t) override { return enter(); }
  bool end_array() override { return leave(); }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& ex) override {
    std::string what = ex.what();
    // nlohmann's text is "[json.exception.parse_error.101] parse error at line 1, column 5:
    // syntax error while parsing value - invalid literal; last read: 'tru}'"; keep the part
    // after the last ": " that names the problem, and say where.
    auto cut = what.find("- ");
    std::string reason = cut == std::string::npos ? what : what.substr(cut + 2);
    error_ =
        "invalid JSON at byte " + std::to_string(position == 0 ? 0 : position - 1) + ": " + reason;
    return false;
  }

  const std::optional<std::string>& error() const { return error_; }

 private:
  bool enter() {
    if (++depth_ <= max_depth_) return true;
    error_ = "JSON nested deeper than " + std::to_string(max_depth_) + " levels";
    return false;
  }
  bool leave() {
    --depth_;
    return true;
  }

  std::size_t max_depth_;
  std::size_t depth_ = 0;
  std::optional<std::string> error_;
};

}  // namespace

std::optional<std::string> check_json(std::string_view text, std::size_t max_depth) {
  if (text.empty()) return std::nullopt;  // the API's "not given": null
  checker c(max_depth);
  bool ok = nlohmann::json::sax_parse(text.begin(), text.end(), &c,
                                      nlohmann::json::input_format_t::json, /*strict=*/true);
  if (ok) return std::nullopt;
  return c.error() ? c.error() : std::optional<std::string>("invalid JSON");
}

}  // namespace aion::node

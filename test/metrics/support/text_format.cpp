#include "support/text_format.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>
#include <utility>

namespace aion::metrics::test {

namespace {

bool is_name_start(char c, bool colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
}
bool is_name_char(char c, bool colon) {
  return is_name_start(c, colon) || (c >= '0' && c <= '9');
}

bool valid_name(std::string_view s, bool colon) {
  if (s.empty() || !is_name_start(s[0], colon)) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return is_name_char(c, colon); });
}

// strtod without its extensions Prometheus does not accept here (hex floats, nan(...)).
std::optional<double> parse_float(std::string_view s) {
  if (s.empty() || s.find_first_of("xX(") != std::string_view::npos) return std::nullopt;
  if (s == "+Inf" || s == "Inf") return HUGE_VAL;
  if (s == "-Inf") return -HUGE_VAL;
  if (s == "NaN") return std::nan("");
  const std::string copy(s);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || errno == ERANGE) return std::nullopt;
  // Spelled-out infinities and NaNs other than the canonical ones above are not accepted.
  if (std::isinf(v) || std::isnan(v)) return std::nullopt;
  return v;
}

class line_parser {
 public:
  line_parser(std::string_view line, std::size_t number) : s_(line), number_(number) {}

  [[noreturn]] void fail(const std::string& why) const {
    throw parse_error("line " + std::to_string(number_) + ": " + why + ": '" + std::string(s_) +
                      "'");
  }
  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }
  void skip_blanks() {
    while (!done() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  bool require_blanks() {
    const auto before = pos_;
    skip_blanks();
    return pos_ > before;
  }
  std::string_view token() {
    const auto start = pos_;
    while (!done() && s_[pos_] != ' ' && s_[pos_] != '\t') ++pos_;
    return s_.substr(start, pos_ - start);
  }
  std::string_view name(bool colon) {
    const auto start = pos_;
    while (!done() && is_name_char(s_[pos_], colon)) ++pos_;
    auto n = s_.substr(start, pos_ - start);
    if (!valid_name(n, colon)) fail("invalid name");
    return n;
  }
  std::string_view rest() {
    auto r = s_.substr(pos_);
    pos_ = s_.size();
    return r;
  }
  void expect(char c, const char* what) {
    if (peek() != c) fail(std::string("expected ") + what);
    ++pos_;
  }
  std::string quoted_value() {
    expect('"', "'\"' opening a label value");
    std::string out;
    while (true) {
      if (done()) fail("unterminated label value");
      const char c = s_[pos_++];
      if (c == '"') return out;
      if (c == '\n') fail("raw newline in a label value");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (done()) fail("dangling backslash in a label value");
      const char e = s_[pos_++];
      if (e == '\\')
        out += '\\';
      else if (e == '"')
        out += '"';
      else if (e == 'n')
        out += '\n';
      else
        fail("invalid escape in a label value");
    }
  }

 private:
  std::string_view s_;
  std::size_t number_;
  std::size_t pos_ = 0;
};

std::string unescape_help(std::string_view s, const line_parser& p) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (i + 1 == s.size()) p.fail("dangling backslash in HELP");
    const char e = s[++i];
    if (e == '\\')
      out += '\\';
    else if (e == 'n')
      out += '\n';
    else
      p.fail("invalid escape in HELP");
  }
  return out;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80             ? 1
                    : (c & 0xe0) == 0xc0 ? 2
                    : (c & 0xf0) == 0xe0 ? 3
                    : (c & 0xf8) == 0xf0 ? 4
                                         : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

std::string series_key(const sample& s) {
  std::string key = s.name;
  for (const auto& [k, v] : s.labels) key += '\0' + k + '=' + v;
  return key;
}

void check_histogram(const family& f) {
  // Group by labels without "le".
  struct series {
    std::vector<std::pair<double, double>> buckets;  // (le, value) in order of appearance
    std::optional<double> sum, count;
  };
  std::map<std::map<std::string, std::string>, series> groups;
  for (const auto& s : f.samples) {
    auto labels = s.labels;
    if (s.name == f.name + "_bucket") {
      auto le = labels.find("le");
      if (le == labels.end()) throw parse_error(f.name + ": a bucket without an le label");
      const auto bound = parse_float(le->second);
      if (!bound) throw parse_error(f.name + ": le is not a float: " + le->second);
      labels.erase(le);
      groups[labels].buckets.emplace_back(*bound, s.value);
    } else if (s.name == f.name + "_sum") {
      groups[labels].sum = s.value;
    } else if (s.name == f.name + "_count") {
      groups[labels].count = s.value;
    } else {
      throw parse_error(f.name + ": sample " + s.name + " in a histogram family");
    }
  }
  for (const auto& [labels, g] : groups) {
    if (!g.sum || !g.count) throw parse_error(f.name + ": a series without _sum or _count");
    if (g.buckets.empty() || !std::isinf(g.buckets.back().first)) {
      throw parse_error(f.name + ": a series without a last +Inf bucket");
    }
    for (std::size_t i = 1; i < g.buckets.size(); ++i) {
      if (!(g.buckets[i].first > g.buckets[i - 1].first)) {
        throw parse_error(f.name + ": bucket bounds not increasing");
      }
      if (g.buckets[i].second < g.buckets[i - 1].second) {
        throw parse_error(f.name + ": buckets not cumulative");
      }
    }
    if (g.buckets.back().second != *g.count) {
      throw parse_error(f.name + ": the +Inf bucket differs from _count");
    }
  }
}

}  // namespace

const family* exposition::find(std::string_view name) const {
  for (const auto& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::optional<double> exposition::value(std::string_view name,
                                        const std::map<std::string, std::string>& labels) const {
  for (const auto& f : families) {
    for (const auto& s : f.samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
  }
  return std::nullopt;
}

std::optional<double> exposition::bucket(std::string_view name,
                                         std::map<std::string, std::string> labels,
                                         std::string_view le) const {
  labels["le"] = std::string(le);
  return value(std::string(name) + "_bucket", labels);
}

exposition parse_text_format(std::string_view text) {
  if (!text.empty() && text.back() != '\n') throw parse_error("the last line has no newline");
  if (!valid_utf8(text)) throw parse_error("the input is not valid UTF-8");
  exposition out;
  std::map<std::string, std::size_t, std::less<>> index;
  std::set<std::string> series;
  std::string current;  // the family whose lines are being read
  std::size_t number = 0;

  auto family_for = [&](const std::string& name, const line_parser& p) -> family& {
    if (auto it = index.find(name); it != index.end()) {
      if (current != name) p.fail("the lines of family " + name + " are not contiguous");
      return out.families[it->second];
    }
    index.emplace(name, out.families.size());
    family created;
    created.name = name;
    out.families.push_back(std::move(created));
    current = name;
    return out.families.back();
  };

  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    line_parser p(line, number);
    if (line.empty()) continue;
    if (line[0] == '#') {
      p.expect('#', "#");
      if (!p.require_blanks()) continue;  // "#comment"
      const auto keyword = p.token();
      if (keyword != "HELP" && keyword != "TYPE") continue;  // a plain comment
      if (!p.require_blanks()) p.fail("expected a metric name");
      const std::string name(p.name(true));
      family& f = family_for(name, p);
      if (keyword == "HELP") {
        if (!f.help.empty()) p.fail("second HELP for " + name);
        if (!p.done() && !p.require_blanks()) p.fail("expected blanks after the name");
        f.help = unescape_help(p.rest(), p);
        if (f.help.empty()) f.help = " ";  // present but empty still counts as given
      } else {
        if (!p.require_blanks()) p.fail("expected a type");
        const std::string type(p.token());
        p.skip_blanks();
        if (!p.done()) p.fail("trailing characters after TYPE");
        static const std::set<std::string> types = {"counter", "gauge", "histogram", "summary",
                                                    "untyped"};
        if (!types.contains(type)) p.fail("unknown type " + type);
        if (f.type != "untyped" || !f.samples.empty()) p.fail("TYPE after samples or twice");
        f.type = type;
      }
      continue;
    }

    sample s;
    s.name = std::string(p.name(true));
    if (p.peek() == '{') {
      p.expect('{', "{");
      p.skip_blanks();
      while (p.peek() != '}') {
        const std::string label(p.name(false));
        if (label.starts_with("__")) p.fail("reserved label name " + label);
        p.skip_blanks();
        p.expect('=', "'='");
        p.skip_blanks();
        std::string value = p.quoted_value();
        if (!s.labels.emplace(label, std::move(value)).second) p.fail("duplicate label " + label);
        p.skip_blanks();
        if (p.peek() == ',') {
          p.expect(',', ",");
          p.skip_blanks();
        } else if (p.peek() != '}') {
          p.fail("expected ',' or '}'");
        }
      }
      p.expect('}', "}");
    }
    if (!p.require_blanks()) p.fail("expected blanks before the value");
    const auto value = parse_float(p.token());
    if (!value) p.fail("invalid value");
    s.value = *value;
    p.skip_blanks();
    if (!p.done()) {
      const auto ts = p.token();
      const bool digits = !ts.empty() && std::all_of(ts.begin() + (ts[0] == '-' ? 1 : 0), ts.end(),
                                                     [](char c) { return c >= '0' && c <= '9'; });
      if (!digits || ts == "-") p.fail("invalid timestamp");
      p.skip_blanks();
      if (!p.done()) p.fail("trailing characters");
    }

    // Which family: a histogram's _bucket/_sum/_count belong to its base name.
    std::string family_name = s.name;
    for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (!s.name.ends_with(suffix)) continue;
      const std::string base = s.name.substr(0, s.name.size() - suffix.size());
      if (auto it = index.find(base); it != index.end()) {
        const auto& type = out.families[it->second].type;
        if (type == "histogram" || (type == "summary" && suffix != "_bucket")) family_name = base;
      }
    }
    family& f = family_for(family_name, p);
    if ((f.type == "counter" || f.type == "gauge") && s.name != f.name) {
      p.fail("sample name differs from its family " + f.name);
    }
    if (f.type == "counter" && (s.value < 0 || std::isnan(s.value))) p.fail("negative counter");
    if (!series.insert(series_key(s)).second) p.fail("duplicate series");
    f.samples.push_back(std::move(s));
  }
  for (const auto& f : out.families) {
    if (f.type == "histogram") check_histogram(f);
  }
  return out;
}

}  // namespace aion::metrics::test

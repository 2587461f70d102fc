#include "support/promql.hpp"

#include <cctype>
#include <stdexcept>

namespace aion::metrics::test {

namespace {

bool ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
bool ident_char(char c) {
  return ident_start(c) || std::isdigit(static_cast<unsigned char>(c));
}

// Keywords that are followed by a parenthesised list of label names.
bool takes_label_list(std::string_view word) {
  return word == "by" || word == "without" || word == "on" || word == "ignoring" ||
         word == "group_left" || word == "group_right";
}

// Aggregation operators: followed by "(" or by a by/without clause.
bool is_aggregation(std::string_view word) {
  for (std::string_view a : {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
                             "count_values", "bottomk", "topk", "quantile"}) {
    if (word == a) return true;
  }
  return false;
}

bool is_operator_word(std::string_view word) {
  return word == "and" || word == "or" || word == "unless" || word == "bool" || word == "atan2" ||
         word == "offset";
}

class scanner {
 public:
  explicit scanner(std::string_view s) : s_(s) {}

  promql_references run() {
    while (!done()) step();
    if (depth_ != 0) throw std::runtime_error("unbalanced parentheses in: " + std::string(s_));
    return refs_;
  }

 private:
  bool done() const { return i_ >= s_.size(); }
  char peek_after_blanks(std::size_t from) const {
    while (from < s_.size() && std::isspace(static_cast<unsigned char>(s_[from]))) ++from;
    return from < s_.size() ? s_[from] : '\0';
  }

  void skip_string() {
    const char quote = s_[i_++];
    while (!done() && s_[i_] != quote) {
      if (s_[i_] == '\\' && quote != '`') ++i_;
      ++i_;
    }
    if (done()) throw std::runtime_error("unterminated string in: " + std::string(s_));
    ++i_;
  }

  // {name="v", other=~"x"}: records the label names.
  void matchers() {
    ++i_;  // {
    while (!done() && s_[i_] != '}') {
      const char c = s_[i_];
      if (c == '"' || c == '\'' || c == '`') {
        skip_string();
      } else if (ident_start(c)) {
        const auto start = i_;
        while (!done() && ident_char(s_[i_])) ++i_;
        refs_.labels.emplace(s_.substr(start, i_ - start));
      } else {
        ++i_;
      }
    }
    if (done()) throw std::runtime_error("unterminated '{' in: " + std::string(s_));
    ++i_;
  }

  // (a, b): records the label names.
  void label_list() {
    while (!done() && s_[i_] != '(') ++i_;
    if (done()) throw std::runtime_error("expected a label list in: " + std::string(s_));
    ++i_;
    while (!done() && s_[i_] != ')') {
      if (ident_start(s_[i_])) {
        const auto start = i_;
        while (!done() && ident_char(s_[i_])) ++i_;
        refs_.labels.emplace(s_.substr(start, i_ - start));
      } else {
        ++i_;
      }
    }
    if (done()) throw std::runtime_error("unterminated label list in: " + std::string(s_));
    ++i_;
  }

  void step() {
    const char c = s_[i_];
    if (c == '"' || c == '\'' || c == '`') return skip_string();
    if (c == '{') return matchers();
    if (c == '[') {  // a range or subquery: durations and Grafana variables only
      while (!done() && s_[i_] != ']') ++i_;
      if (done()) throw std::runtime_error("unterminated '[' in: " + std::string(s_));
      ++i_;
      return;
    }
    if (c == '$') {  // a Grafana variable
      ++i_;
      if (!done() && s_[i_] == '{') {
        while (!done() && s_[i_] != '}') ++i_;
        ++i_;
      } else {
        while (!done() && ident_char(s_[i_])) ++i_;
      }
      return;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && i_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_ + 1])))) {
      // A number or a duration (5m, 1e3, 0.95, 1h30m).
      while (!done() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.')) ++i_;
      return;
    }
    if (c == '(') {
      ++depth_;
      ++i_;
      return;
    }
    if (c == ')') {
      if (--depth_ < 0) throw std::runtime_error("unbalanced ')' in: " + std::string(s_));
      ++i_;
      return;
    }
    if (!ident_start(c)) {
      ++i_;
      return;
    }
    const auto start = i_;
    while (!done() && ident_char(s_[i_])) ++i_;
    const std::string_view word = s_.substr(start, i_ - start);
    if (takes_label_list(word)) {
      // group_left and group_right may stand without a list.
      if ((word == "group_left" || word == "group_right") && peek_after_blanks(i_) != '(') return;
      return label_list();
    }
    if (word == "offset") {
      while (!done() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
      while (!done() && std::isalnum(static_cast<unsigned char>(s_[i_]))) ++i_;
      return;
    }
    if (is_operator_word(word) || is_aggregation(word)) return;
    if (word == "label_values") return label_values();
    if (peek_after_blanks(i_) == '(') return;  // a function or an aggregation
    refs_.metrics.emplace(word);
  }

  // label_values(selector, label) or label_values(label).
  void label_values() {
    while (!done() && s_[i_] != '(') ++i_;
    ++i_;
    std::size_t end = i_;
    int nesting = 0;
    std::size_t comma = std::string_view::npos;
    for (; end < s_.size(); ++end) {
      const char c = s_[end];
      if (c == '"') {
        for (++end; end < s_.size() && s_[end] != '"'; ++end) {
          if (s_[end] == '\\') ++end;
        }
      } else if (c == '{' || c == '(') {
        ++nesting;
      } else if (c == '}' || (c == ')' && nesting > 0)) {
        --nesting;
      } else if (c == ')') {
        break;
      } else if (c == ',' && nesting == 0) {
        comma = end;
      }
    }
    if (end >= s_.size())
      throw std::runtime_error("unterminated label_values in: " + std::string(s_));
    const auto selector_end = comma == std::string_view::npos ? i_ : comma;
    const auto inner = scan_promql(s_.substr(i_, selector_end - i_));
    refs_.metrics.insert(inner.metrics.begin(), inner.metrics.end());
    refs_.labels.insert(inner.labels.begin(), inner.labels.end());
    const auto label = s_.substr(comma == std::string_view::npos ? i_ : comma + 1,
                                 end - (comma == std::string_view::npos ? i_ : comma + 1));
    std::string trimmed;
    for (char c : label) {
      if (!std::isspace(static_cast<unsigned char>(c))) trimmed += c;
    }
    if (!trimmed.empty()) refs_.labels.insert(trimmed);
    i_ = end + 1;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  int depth_ = 0;
  promql_references refs_;
};

}  // namespace

promql_references scan_promql(std::string_view expr) {
  return scanner(expr).run();
}

std::string substitute_grafana_variables(std::string_view expr) {
  std::string out;
  for (std::size_t i = 0; i < expr.size();) {
    if (expr[i] != '$') {
      out += expr[i++];
      continue;
    }
    std::size_t j = i + 1;
    std::string name;
    if (j < expr.size() && expr[j] == '{') {
      const auto close = expr.find('}', j);
      name = std::string(expr.substr(j + 1, close - j - 1));
      j = close + 1;
    } else {
      while (j < expr.size() && ident_char(expr[j])) name += expr[j++];
    }
    if (name == "__rate_interval" || name == "__interval" || name == "__range") {
      out += "5m";
    } else {
      out += ".*";
    }
    i = j;
  }
  return out;
}

}  // namespace aion::metrics::test

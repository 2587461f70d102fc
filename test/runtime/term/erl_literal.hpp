// Builds terms from Erlang literal text as `io:format("~w")` prints it, so that tests can state
// inputs and erl's answers in erl's own notation: integers of any size, floats, atoms (bare or
// quoted), "strings", <<bytes, Int:Bits, "text">>, tuples, [lists | Tails] and #{K => V} maps.
// Test-only: malformed text fails the test that uses it.
#pragma once

#include <boost/test/unit_test.hpp>

#include <cctype>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/term/binary.hpp"
#include "runtime/term/map.hpp"
#include "runtime/term/number.hpp"
#include "test/runtime/term/term_fixture.hpp"

namespace aion::vm::test {

class erl_literal {
 public:
  erl_literal(term_fixture& f, std::string_view text) : f_(f), s_(text) {}

  term parse() {
    term t = value();
    skip_space();
    BOOST_REQUIRE_MESSAGE(pos_ == s_.size(), "trailing text in " << s_);
    return t;
  }

 private:
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool eat(std::string_view tok) {
    skip_space();
    if (s_.substr(pos_, tok.size()) != tok) return false;
    pos_ += tok.size();
    return true;
  }
  void expect(std::string_view tok) {
    BOOST_REQUIRE_MESSAGE(eat(tok), "expected " << tok << " at " << pos_ << " in " << s_);
  }
  char peek() {
    skip_space();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }

  term value() {
    char c = peek();
    if (c == '{') return tuple();
    if (c == '[') return list();
    if (c == '"') return string_list();
    if (c == '<' && s_.substr(pos_, 2) == "<<") return bitstring();
    if (c == '#') return map();
    if (c == '\'') return quoted_atom();
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) return number();
    if (std::islower(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) {
      return bare_atom();
    }
    BOOST_FAIL("unexpected character at " << pos_ << " in " << s_);
    return nil;
  }

  term tuple() {
    expect("{");
    std::vector<term> elems;
    if (!eat("}")) {
      do elems.push_back(value());
      while (eat(","));
      expect("}");
    }
    term* p = f_.heap.words(elems.size() + 1);
    p[0].raw = make_header(subtag::tuple, elems.size());
    for (std::size_t i = 0; i < elems.size(); ++i) p[1 + i] = elems[i];
    return make_boxed(p);
  }

  term cons_all(const std::vector<term>& elems, term tail) {
    for (auto it = elems.rbegin(); it != elems.rend(); ++it) {
      term* c = f_.heap.words(2);
      c[0] = *it;
      c[1] = tail;
      tail = make_list(c);
    }
    return tail;
  }

  term list() {
    expect("[");
    std::vector<term> elems;
    term tail = nil;
    if (!eat("]")) {
      do elems.push_back(value());
      while (eat(","));
      if (eat("|")) tail = value();
      expect("]");
    }
    return cons_all(elems, tail);
  }

  std::string quoted(char q) {
    skip_space();
    BOOST_REQUIRE(s_[pos_] == q);
    ++pos_;
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != q) {
      char ch = s_[pos_++];
      if (ch == '\\' && s_.substr(pos_, 2) == "x{") {
        // \x{HEX}: a code point, appended as UTF-8
        std::size_t close = s_.find('}', pos_);
        auto cp =
            std::strtoul(std::string(s_.substr(pos_ + 2, close - pos_ - 2)).c_str(), nullptr, 16);
        pos_ = close + 1;
        if (cp < 0x80) {
          out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
          out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
          out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
          out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
          out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
          out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
        continue;
      }
      if (ch == '\\') {
        char e = s_[pos_++];
        switch (e) {
          case 'n': ch = '\n'; break;
          case 't': ch = '\t'; break;
          case 'r': ch = '\r'; break;
          case 'e': ch = 27; break;
          case 's': ch = ' '; break;
          default: ch = e; break;
        }
      }
      out.push_back(ch);
    }
    BOOST_REQUIRE(pos_ < s_.size());
    ++pos_;
    return out;
  }

  term string_list() {
    std::string text = quoted('"');
    std::vector<term> elems;
    for (unsigned char ch : text) elems.push_back(make_small(ch));
    return cons_all(elems, nil);
  }

  term quoted_atom() { return f_.atom(quoted('\'')); }

  term bare_atom() {
    std::size_t start = pos_;
    auto atom_char = [](unsigned char ch) {
      return std::isalnum(ch) || ch == '_' || ch == '@' || ch >= 0x80;  // UTF-8 letters
    };
    while (pos_ < s_.size() && atom_char(static_cast<unsigned char>(s_[pos_]))) {
      ++pos_;
    }
    return f_.atom(s_.substr(start, pos_ - start));
  }

  term number() {
    skip_space();
    std::size_t start = pos_;
    bool negative = s_[pos_] == '-';
    if (negative) ++pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    bool is_float = pos_ + 1 < s_.size() && s_[pos_] == '.' &&
                    std::isdigit(static_cast<unsigned char>(s_[pos_ + 1]));
    if (is_float) {
      ++pos_;
      while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) ||
                                  s_[pos_] == 'e' || s_[pos_] == '-' || s_[pos_] == '+')) {
        ++pos_;
      }
      std::string text(s_.substr(start, pos_ - start));
      double d = std::strtod(text.c_str(), nullptr);
      return write_flonum(f_.heap.words(flonum_words), d);
    }
    // Decimal digits to 64-bit limbs.
    std::vector<std::uint64_t> limbs{0};
    for (std::size_t i = start + (negative ? 1 : 0); i < pos_; ++i) {
      unsigned __int128 carry = static_cast<unsigned>(s_[i] - '0');
      for (auto& l : limbs) {
        unsigned __int128 x = static_cast<unsigned __int128>(l) * 10 + carry;
        l = static_cast<std::uint64_t>(x);
        carry = x >> 64;
      }
      if (carry) limbs.push_back(static_cast<std::uint64_t>(carry));
    }
    if (limbs.size() == 1 && limbs[0] <= static_cast<std::uint64_t>(max_small)) {
      auto v = static_cast<sword>(limbs[0]);
      return make_small(negative ? -v : v);
    }
    return make_integer_from_limbs(f_.heap.alloc(), limbs.data(), limbs.size(), negative);
  }

  term bitstring() {
    expect("<<");
    std::vector<unsigned char> bytes;
    std::size_t bits = 0;
    auto put_bits = [&](std::uint64_t v, std::size_t n) {
      for (std::size_t i = n; i-- > 0;) {
        if ((bits & 7) == 0) bytes.push_back(0);
        if ((v >> i) & 1) bytes.back() |= static_cast<unsigned char>(0x80 >> (bits & 7));
        ++bits;
      }
    };
    if (!eat(">>")) {
      do {
        if (peek() == '"') {
          for (unsigned char ch : quoted('"')) put_bits(ch, 8);
          continue;
        }
        skip_space();
        std::size_t start = pos_;
        while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
        std::uint64_t v =
            std::strtoull(std::string(s_.substr(start, pos_ - start)).c_str(), nullptr, 10);
        std::size_t n = 8;
        if (eat(":")) {
          skip_space();
          start = pos_;
          while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
          n = std::strtoull(std::string(s_.substr(start, pos_ - start)).c_str(), nullptr, 10);
        }
        put_bits(v, n);
      } while (eat(","));
      expect(">>");
    }
    term whole =
        make_binary(f_.heap.alloc(),
                    std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    if (bits % 8 == 0) return whole;
    return make_sub_binary(f_.heap.alloc(), whole, 0, bits);
  }

  term map() {
    expect("#");
    expect("{");
    std::vector<term> keys, values;
    if (!eat("}")) {
      do {
        keys.push_back(value());
        expect("=>");
        values.push_back(value());
      } while (eat(","));
      expect("}");
    }
    map_context c{f_.atoms, f_.heap.alloc()};
    return map_from_pairs(c, keys.data(), values.data(), keys.size());
  }

  term_fixture& f_;
  std::string_view s_;
  std::size_t pos_ = 0;
};

/// The term `text` denotes, built on the fixture's heap.
inline term erl(term_fixture& f, std::string_view text) {
  return erl_literal(f, text).parse();
}

}  // namespace aion::vm::test

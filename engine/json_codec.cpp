#include "engine/json_codec.hpp"

#include <cmath>
#include <cstdlib>
#include <vector>

#include "runtime/term/binary.hpp"
#include "runtime/term/map.hpp"
#include "runtime/term/number.hpp"
#include "runtime/term/printer.hpp"
#include "runtime/vm.hpp"

namespace aion::engine {

using vm::term;

namespace {

// ---- JSON → term ---------------------------------------------------------------------------------

class parser {
 public:
  parser(vm::vm& v, std::string_view text, const vm::term_allocator& a)
      : v_(v), s_(text), a_(a) {}

  bool parse(term* out) {
    skip_ws();
    if (!value(out, 0)) return false;
    skip_ws();
    if (pos_ != s_.size()) return fail("unexpected text after the JSON value");
    return true;
  }
  const std::string& problem() const { return problem_; }
  std::size_t position() const { return pos_; }

 private:
  bool fail(const char* why) {
    if (problem_.empty()) problem_ = why;
    return false;
  }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return fail("invalid literal");
    pos_ += word.size();
    return true;
  }
  term cons(term h, term t) {
    term* c = a_.alloc(2);
    c[0] = h;
    c[1] = t;
    return vm::make_list(c);
  }

  bool value(term* out, std::size_t depth) {
    if (depth > max_json_depth) return fail("nesting is deeper than 512 levels");
    if (pos_ >= s_.size()) return fail("unexpected end of input");
    char c = s_[pos_];
    switch (c) {
      case '{': return object(out, depth);
      case '[': return array(out, depth);
      case '"': {
        std::string bytes;
        if (!string(bytes)) return false;
        *out = vm::make_binary(a_, bytes);
        return true;
      }
      case 't': *out = vm::atoms::true_; return literal("true");
      case 'f': *out = vm::atoms::false_; return literal("false");
      case 'n': *out = *v_.atom("null"); return literal("null");
      default: return number(out);
    }
  }

  bool object(term* out, std::size_t depth) {
    ++pos_;  // {
    std::vector<term> keys, values;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
    } else {
      for (;;) {
        skip_ws();
        if (pos_ >= s_.size() || s_[pos_] != '"') return fail("expected a string key");
        std::string key;
        if (!string(key)) return false;
        skip_ws();
        if (pos_ >= s_.size() || s_[pos_] != ':') return fail("expected ':'");
        ++pos_;
        skip_ws();
        term v;
        if (!value(&v, depth + 1)) return false;
        keys.push_back(vm::make_binary(a_, key));
        values.push_back(v);
        skip_ws();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == '}') {
          ++pos_;
          break;
        }
        return fail("expected ',' or '}'");
      }
    }
    *out = vm::map_from_pairs(vm::map_context{v_.atoms(), a_}, keys.data(), values.data(),
                              keys.size());
    return true;
  }

  bool array(term* out, std::size_t depth) {
    ++pos_;  // [
    std::vector<term> items;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
    } else {
      for (;;) {
        skip_ws();
        term v;
        if (!value(&v, depth + 1)) return false;
        items.push_back(v);
        skip_ws();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == ']') {
          ++pos_;
          break;
        }
        return fail("expected ',' or ']'");
      }
    }
    term list = vm::nil;
    for (auto it = items.rbegin(); it != items.rend(); ++it) list = cons(*it, list);
    *out = list;
    return true;
  }

  static void put_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool hex4(std::uint32_t* out) {
    if (pos_ + 4 > s_.size()) return fail("truncated \\u escape");
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else return fail("invalid \\u escape");
    }
    *out = v;
    return true;
  }

  bool string(std::string& out) {
    ++pos_;  // "
    for (;;) {
      if (pos_ >= s_.size()) return fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return fail("control character in a string");
      if (c == '\\') {
        ++pos_;
        if (pos_ >= s_.size()) return fail("unterminated escape");
        char e = s_[pos_++];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            std::uint32_t cp;
            if (!hex4(&cp)) return false;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              std::uint32_t lo;
              if (s_.substr(pos_, 2) != "\\u") return fail("unpaired surrogate");
              pos_ += 2;
              if (!hex4(&lo) || lo < 0xDC00 || lo > 0xDFFF) return fail("unpaired surrogate");
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
              return fail("unpaired surrogate");
            }
            put_utf8(out, cp);
            break;
          }
          default: return fail("invalid escape");
        }
        continue;
      }
      // raw UTF-8: validate the sequence
      std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
      if (n == 0 || pos_ + n > s_.size()) return fail("invalid UTF-8");
      for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s_[pos_ + k]) & 0xC0) != 0x80) return fail("invalid UTF-8");
      out.append(s_.substr(pos_, n));
      pos_ += n;
    }
  }

  bool number(term* out) {
    std::size_t start = pos_;
    if (s_[pos_] == '-') ++pos_;
    if (pos_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[pos_])))
      return fail("invalid value");
    if (s_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    bool is_float = false;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      is_float = true;
      ++pos_;
      if (pos_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[pos_])))
        return fail("digits expected after '.'");
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      is_float = true;
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (pos_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[pos_])))
        return fail("digits expected in the exponent");
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    std::string text(s_.substr(start, pos_ - start));
    if (!is_float) {
      if (text.size() > 4096) return fail("integer too long");
      auto i = vm::parse_integer(a_, text, 10);
      if (!i) return fail("invalid integer");
      *out = *i;
      return true;
    }
    char* end = nullptr;
    double d = std::strtod(text.c_str(), &end);
    if (!std::isfinite(d)) return fail("number out of range");
    *out = vm::make_float(a_, d);
    return true;
  }

  vm::vm& v_;
  std::string_view s_;
  const vm::term_allocator& a_;
  std::size_t pos_ = 0;
  std::string problem_;
};

// ---- term → JSON ---------------------------------------------------------------------------------

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

void quote(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          static const char hex[] = "0123456789abcdef";
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

class writer {
 public:
  writer(const vm::vm& v, bool display) : v_(v), display_(display) {}
  bool write(term t, std::string& out, std::size_t depth) {
    if (display_ && !representable(t, depth)) {
      // Shown as its Erlang text (pids, references, funs, raw bytes, improper lists...).
      quote(out, vm::format_term(v_.atoms(), t));
      return true;
    }
    return write_json(t, out, depth);
  }
  const std::string& problem() const { return problem_; }

 private:
  // Whether `t` itself (not its elements) has a JSON form.
  bool representable(term t, std::size_t depth) {
    if (depth > max_json_depth || vm::is_pid(t) || vm::is_ref(t) || vm::is_fun(t)) return false;
    if (vm::is_bitstring(t)) {
      vm::bit_view b = vm::bitstring_view(t);
      if (b.bit_size % 8) return false;
      std::string bytes(b.byte_size(), '\0');
      vm::copy_bits(b.bytes, b.bit_offset, reinterpret_cast<unsigned char*>(bytes.data()), 0,
                    b.bit_size);
      return valid_utf8(bytes);
    }
    if (vm::is_list(t)) {
      while (vm::is_list(t)) t = vm::cdr(t);
      return vm::is_nil(t);
    }
    if (vm::is_map(t)) {
      bool ok = true;
      vm::map_for_each(t, [&](term k, term) {
        if (!vm::is_atom(k) && !(vm::is_bitstring(k) && representable(k, depth))) ok = false;
      });
      return ok;
    }
    return vm::is_number(t) || vm::is_atom(t) || vm::is_nil(t) || vm::is_tuple(t);
  }

  bool write_json(term t, std::string& out, std::size_t depth) {
    if (depth > max_json_depth) return fail("nesting is deeper than 512 levels");
    if (vm::is_integer(t)) {
      out += vm::integer_to_string(t, 10);
      return true;
    }
    if (vm::is_flonum(t)) {
      out += vm::format_float_short(vm::flonum_value(t));
      return true;
    }
    if (vm::is_atom(t)) {
      std::string_view name = v_.atoms().name(t);
      if (name == "true" || name == "false" || name == "null") {
        out += name;
      } else {
        quote(out, name);
      }
      return true;
    }
    if (vm::is_bitstring(t)) {
      vm::bit_view b = vm::bitstring_view(t);
      if (b.bit_size % 8) return fail("a bitstring is not text");
      std::string bytes(b.byte_size(), '\0');
      vm::copy_bits(b.bytes, b.bit_offset, reinterpret_cast<unsigned char*>(bytes.data()), 0,
                    b.bit_size);
      if (!valid_utf8(bytes)) return fail("a binary is not UTF-8 text");
      quote(out, bytes);
      return true;
    }
    if (vm::is_nil(t) || vm::is_list(t)) {
      out += '[';
      bool first = true;
      for (; vm::is_list(t); t = vm::cdr(t)) {
        if (!first) out += ',';
        first = false;
        if (!write(vm::car(t), out, depth + 1)) return false;
      }
      if (!vm::is_nil(t)) return fail("an improper list");
      out += ']';
      return true;
    }
    if (vm::is_tuple(t)) {
      out += '[';
      for (vm::word i = 0; i < vm::tuple_arity(t); ++i) {
        if (i) out += ',';
        if (!write(vm::tuple_element(t, i), out, depth + 1)) return false;
      }
      out += ']';
      return true;
    }
    if (vm::is_map(t)) {
      out += '{';
      bool first = true;
      bool ok = true;
      vm::map_for_each(t, [&](term k, term val) {
        if (!ok) return;
        if (!vm::is_atom(k) && !(vm::is_bitstring(k) && vm::bitstring_view(k).bit_size % 8 == 0)) {
          ok = fail("a map key is neither an atom nor a binary");
          return;
        }
        if (!first) out += ',';
        first = false;
        std::string key;
        if (vm::is_atom(k)) {
          key = v_.atoms().name(k);
        } else {
          vm::bit_view b = vm::bitstring_view(k);
          key.assign(b.byte_size(), '\0');
          vm::copy_bits(b.bytes, b.bit_offset, reinterpret_cast<unsigned char*>(key.data()), 0,
                        b.bit_size);
          if (!valid_utf8(key)) {
            ok = fail("a map key is not UTF-8 text");
            return;
          }
        }
        quote(out, key);
        out += ':';
        ok = write(val, out, depth + 1);
      });
      if (!ok) return false;
      out += '}';
      return true;
    }
    if (vm::is_pid(t)) return fail("a pid");
    if (vm::is_ref(t)) return fail("a reference");
    if (vm::is_fun(t)) return fail("a fun");
    return fail("a term JSON cannot hold");
  }

  bool fail(const char* what) {
    if (problem_.empty()) problem_ = what;
    return false;
  }
  const vm::vm& v_;
  bool display_;
  std::string problem_;
};

}  // namespace

result<vm::owned_term> json_to_term(vm::vm& v, std::string_view json) {
  std::string problem;
  std::size_t position = 0;
  bool ok = true;
  vm::owned_term t = vm::owned_term::build(v, [&](const vm::term_allocator& a) {
    parser p(v, json, a);
    term out = vm::nil;
    ok = p.parse(&out);
    problem = p.problem();
    position = p.position();
    return ok ? out : vm::nil;
  });
  if (!ok)
    return error{errc::invalid_argument,
                 "invalid JSON at byte " + std::to_string(position) + ": " + problem};
  return t;
}

result<std::string> term_to_json(const vm::vm& v, term t) {
  writer w(v, false);
  std::string out;
  if (!w.write(t, out, 0))
    return error{errc::invalid_argument,
                 "the value cannot be represented as JSON: it contains " + w.problem()};
  return out;
}

std::string term_to_display_json(const vm::vm& v, term t) {
  writer w(v, true);
  std::string out;
  w.write(t, out, 0);
  return out;
}

const char* to_string(errc code) {
  switch (code) {
    case errc::invalid_argument: return "invalid_argument";
    case errc::not_found: return "not_found";
    case errc::already_exists: return "already_exists";
    case errc::conflict: return "conflict";
    case errc::timeout: return "timeout";
    case errc::unavailable: return "unavailable";
    case errc::shutting_down: return "shutting_down";
    case errc::failed_precondition: return "failed_precondition";
    case errc::not_owner: return "not_owner";
    case errc::internal: return "internal";
  }
  return "unknown";
}

}  // namespace aion::engine

// `~w` rendering, measured against OTP 25 (erts 13.1.5, stdlib 4.2).
//
// The output holds one byte per character of the list io_lib:format returns. `~w` never
// produces a character above 255 (io_lib escapes them in atoms as \x{...}), so this is the
// latin-1 text erl -noshell writes to stdout: an atom 'é' is the single byte 0xE9. Funs are the
// exception OTP makes itself: erlang:fun_to_list/1 returns the UTF-8 bytes of their atoms.
#include "runtime/term/printer.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>
#include <vector>

#include "runtime/term/atom_table.hpp"
#include "runtime/term/binary.hpp"
#include "runtime/term/etf_tags.hpp"
#include "runtime/term/fun.hpp"
#include "runtime/term/map.hpp"
#include "runtime/term/number.hpp"

namespace aion::vm {

namespace {

/// `map_for_each` yields maps:iterator order, which is the order `~w` prints in.
constexpr bool reverse_hashmap_pairs = false;

void append_unsigned(std::string& out, std::uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_signed(std::string& out, std::int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

/// Decodes one code point of UTF-8 at `s[i]`, advancing `i`. Bytes that are not valid UTF-8
/// (atom names always are) come out as latin-1 characters.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t len = c < 0x80             ? 1
                    : (c & 0xE0) == 0xC0 ? 2
                    : (c & 0xF0) == 0xE0 ? 3
                    : (c & 0xF8) == 0xF0 ? 4
                                         : 0;
  if (len <= 1 || i + len > s.size()) {
    ++i;
    return c;
  }
  std::uint32_t cp = c & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) {
      ++i;
      return c;
    }
    cp = (cp << 6) | (d & 0x3F);
  }
  i += len;
  return cp;
}

// Latin-1 letter classes shared by erl_scan (io_lib) and erts's printer.
constexpr bool is_lower(std::uint32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 0xDF && c <= 0xFF && c != 0xF7);
}
constexpr bool is_upper(std::uint32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7);
}
constexpr bool is_digit(std::uint32_t c) {
  return c >= '0' && c <= '9';
}

/// `\ooo` as both io_lib and erts write control characters.
void append_octal(std::string& out, std::uint32_t c) {
  out.push_back('\\');
  out.push_back(static_cast<char>('0' + ((c >> 6) & 7)));
  out.push_back(static_cast<char>('0' + ((c >> 3) & 7)));
  out.push_back(static_cast<char>('0' + (c & 7)));
}

/// The escapes common to both printers: quote, backslash, \b \t \n \v \f \r. False for others.
bool append_common_escape(std::string& out, std::uint32_t c) {
  static constexpr char letters[] = "btnvfr";
  if (c == '\'' || c == '\\') {
    out.push_back('\\');
    out.push_back(static_cast<char>(c));
    return true;
  }
  if (c >= 8 && c <= 13) {
    out.push_back('\\');
    out.push_back(letters[c - 8]);
    return true;
  }
  return false;
}

bool is_reserved_word(std::string_view s) {
  // erl_scan:reserved_word/1 in OTP 25 (the `maybe` feature is off by default: not reserved).
  static constexpr std::string_view words[] = {
      "after", "and",  "andalso", "band",   "begin",   "bnot", "bor", "bsl",  "bsr",
      "bxor",  "case", "catch",   "cond",   "div",     "end",  "fun", "if",   "let",
      "not",   "of",   "or",      "orelse", "receive", "rem",  "try", "when", "xor"};
  for (std::string_view w : words)
    if (s == w) return true;
  return false;
}

/// An atom as erts prints it inside `fun M:F/A` (erlang:fun_to_list/1): no reserved words, no
/// '@' in plain atoms, and UTF-8 bytes for every printable character.
void print_fun_atom(std::string_view name, std::string& out) {
  // The first code point must be lower case, the others letters, digits or _.
  bool plain = !name.empty();
  bool first = true;
  for (std::size_t i = 0; i < name.size() && plain;) {
    std::uint32_t c = next_code_point(name, i);
    plain = first ? is_lower(c) : (is_lower(c) || is_upper(c) || is_digit(c) || c == '_');
    first = false;
  }
  if (plain) {
    out.append(name);
    return;
  }
  out.push_back('\'');
  for (std::size_t i = 0; i < name.size();) {
    std::size_t start = i;
    std::uint32_t c = next_code_point(name, i);
    if (append_common_escape(out, c)) continue;
    if (c < 0x20 || (c >= 0x80 && c < 0xA0)) {
      append_octal(out, c);
    } else {
      out.append(name.substr(start, i - start));
    }
  }
  out.push_back('\'');
}

void print_bitstring(term t, std::string& out) {
  bit_view v = bitstring_view(t);
  out += "<<";
  std::size_t bytes = v.bit_size / 8;
  std::size_t rest = v.bit_size % 8;
  unsigned char buf[2] = {0, 0};
  for (std::size_t i = 0; i < bytes; ++i) {
    unsigned char b;
    if ((v.bit_offset & 7) == 0) {
      b = v.bytes[(v.bit_offset >> 3) + i];
    } else {
      copy_bits(v.bytes, v.bit_offset + 8 * i, buf, 0, 8);
      b = buf[0];
    }
    if (i) out.push_back(',');
    append_unsigned(out, b);
  }
  if (rest) {
    buf[0] = 0;
    copy_bits(v.bytes, v.bit_offset + 8 * bytes, buf, 0, rest);
    if (bytes) out.push_back(',');
    append_unsigned(out, buf[0] >> (8 - rest));
    out.push_back(':');
    append_unsigned(out, rest);
  }
  out += ">>";
}

// A binary of printable ASCII (and newlines, tabs) as ~p shows it: <<"text">>. False, writing
// nothing, for any other bitstring.
bool print_text_binary(term t, std::string& out) {
  bit_view v = bitstring_view(t);
  if (!v.byte_aligned() || v.byte_size() == 0) return false;
  std::string_view bytes = v.as_string_view();
  for (unsigned char c : bytes)
    if ((c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f) return false;
  out += "<<\"";
  for (char c : bytes) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else out.push_back(c);
  }
  out += "\">>";
  return true;
}

class printer {
 public:
  printer(const atom_table& atoms, std::string& out, bool text_binaries = false)
      : atoms_(atoms), out_(out), text_binaries_(text_binaries) {}

  void run(term t) {
    push(t);
    while (!todo_.empty()) {
      item it = todo_.back();
      todo_.pop_back();
      switch (it.what) {
        case item::one: print(it.t); break;
        case item::text: out_ += it.lit; break;
        case item::list_rest:
          if (is_list(it.t)) {
            out_.push_back(',');
            todo_.push_back({item::list_rest, cdr(it.t)});
            push(car(it.t));
          } else if (is_nil(it.t)) {
            out_.push_back(']');
          } else {
            out_.push_back('|');
            todo_.push_back({item::text, term{}, "]"});
            push(it.t);
          }
          break;
        case item::tuple_rest:
          if (it.count == 0) {
            out_.push_back('}');
          } else {
            out_.push_back(',');
            todo_.push_back({item::tuple_rest, term{}, nullptr, it.seq + 1, it.count - 1});
            push(*it.seq);
          }
          break;
        case item::map_rest:
          if (it.count == 0) {
            out_.push_back('}');
            pairs_.resize(it.mark);
          } else {
            out_.push_back(',');
            push_pair(it.at, it.count, it.mark);
          }
          break;
      }
    }
  }

 private:
  struct item {
    enum kind : unsigned char { one, text, list_rest, tuple_rest, map_rest } what;
    term t{};
    const char* lit = nullptr;
    const term* seq = nullptr;
    std::size_t count = 0;
    std::size_t at = 0;    ///< map_rest: index of the next key in pairs_
    std::size_t mark = 0;  ///< map_rest: size of pairs_ before this map
  };

  void push(term t) { todo_.push_back({item::one, t}); }

  /// Prints key `at` of pairs_ (then " => " and its value) and schedules the `count - 1` after.
  void push_pair(std::size_t at, std::size_t count, std::size_t mark) {
    todo_.push_back({item::map_rest, term{}, nullptr, nullptr, count - 1, at + 2, mark});
    push(pairs_[at + 1]);
    todo_.push_back({item::text, term{}, " => "});
    push(pairs_[at]);
  }

  void print(term t) {
    if (is_small(t)) {
      append_signed(out_, small_value(t));
    } else if (is_atom(t)) {
      print_atom(atoms_.name(t), out_);
    } else if (is_nil(t)) {
      out_ += "[]";
    } else if (is_list(t)) {
      out_.push_back('[');
      todo_.push_back({item::list_rest, cdr(t)});
      push(car(t));
    } else if (is_pid(t)) {
      out_ += "<0.";
      append_unsigned(out_, pid_number(t));
      out_ += ".0>";
    } else if (etf::is_port(t)) {
      out_ += "#Port<0.";
      append_unsigned(out_, etf::port_number(t));
      out_.push_back('>');
    } else if (is_boxed(t)) {
      print_boxed(t);
    } else {
      out_ += "#Unprintable<>";  // catch markers and non_value never reach a printed term
    }
  }

  void print_boxed(term t) {
    word h = boxed_header(t);
    switch (header_subtag(h)) {
      case subtag::tuple: {
        word n = header_arity(h);
        out_.push_back('{');
        if (n == 0) {
          out_.push_back('}');
          break;
        }
        todo_.push_back({item::tuple_rest, term{}, nullptr, tuple_elements(t) + 1, n - 1});
        push(tuple_element(t, 0));
        break;
      }
      case subtag::pos_bignum:
      case subtag::neg_bignum: out_ += integer_to_string(t); break;
      case subtag::flonum: out_ += format_float_short(flonum_value(t)); break;
      case subtag::ref: {
        etf::ref_id_words r = etf::ref_to_words(ref_id(t));
        out_ += "#Ref<0.";
        append_unsigned(out_, r.w[2]);
        out_.push_back('.');
        append_unsigned(out_, r.w[1]);
        out_.push_back('.');
        append_unsigned(out_, r.w[0]);
        out_.push_back('>');
        break;
      }
      case subtag::fun: {
        // erlang:fun_to_list/1: the module's name unquoted, the fun's index and old uniq.
        const fun_entry* fe = fun_entry_of(t);
        out_ += "#Fun<";
        out_ += atoms_.name(fe->module_name);
        out_.push_back('.');
        append_unsigned(out_, fe->index);
        out_.push_back('.');
        append_unsigned(out_, fe->old_uniq);
        out_.push_back('>');
        break;
      }
      case subtag::export_fun: {
        const export_entry* e = export_of(t);
        out_ += "fun ";
        print_fun_atom(atoms_.name(e->module), out_);
        out_.push_back(':');
        print_fun_atom(atoms_.name(e->function), out_);
        out_.push_back('/');
        append_unsigned(out_, e->arity);
        break;
      }
      case subtag::heap_bin:
      case subtag::refc_bin:
      case subtag::sub_bin:
        if (!text_binaries_ || !print_text_binary(t, out_)) print_bitstring(t, out_);
        break;
      case subtag::flatmap:
      case subtag::hashmap: {
        std::size_t mark = pairs_.size();
        map_for_each(t, [this](term k, term v) {
          pairs_.push_back(k);
          pairs_.push_back(v);
        });
        std::size_t n = (pairs_.size() - mark) / 2;
        if (reverse_hashmap_pairs && header_subtag(h) == subtag::hashmap) {
          for (std::size_t i = 0, j = n - 1; i < j; ++i, --j) {
            std::swap(pairs_[mark + 2 * i], pairs_[mark + 2 * j]);
            std::swap(pairs_[mark + 2 * i + 1], pairs_[mark + 2 * j + 1]);
          }
        }
        out_ += "#{";
        if (n == 0) {
          out_.push_back('}');
          pairs_.resize(mark);
          break;
        }
        push_pair(mark, n, mark);
        break;
      }
      default: out_ += "#Unprintable<>"; break;  // match contexts are never terms
    }
  }

  const atom_table& atoms_;
  std::string& out_;
  bool text_binaries_;
  std::vector<item> todo_;   // what is left to print, next last
  std::vector<term> pairs_;  // keys and values of the maps being printed, innermost last
};

}  // namespace

std::string format_float_short(double d) {
  // OTP 25's io_lib_format:fwrite_g/1 (= float_to_list(F, [short])): the shortest digits that
  // read back as `d`, written the shorter of two ways, plain decimal winning ties:
  //   scientific  D.DDDDe[-]X  (one digit before the point, ".0" when there is only one digit)
  //   plain       DDD.DDD, 0.000DDD or DDD000.0
  // except that a whole number of 2^53 or more is always scientific.
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  if (!std::isfinite(d)) return std::isnan(d) ? "nan" : d > 0 ? "inf" : "-inf";  // not Erlang
  char buf[40];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
  std::string out;
  if (sci.front() == '-') {
    out.push_back('-');
    sci.remove_prefix(1);
  }
  std::size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e))
    if (c != '.') digits.push_back(c);
  int exp = 0;
  std::string_view exp_text = sci.substr(e + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp);
  int len = static_cast<int>(digits.size());
  int zeros_after = exp - len + 1;  // d == digits * 10^zeros_after

  std::string exp_str = std::to_string(exp);
  std::size_t sci_len = static_cast<std::size_t>(len) + (len == 1 ? 2 : 1) + 1 + exp_str.size();
  std::size_t plain_len;
  if (exp < 0)
    plain_len = 2 + static_cast<std::size_t>(-exp - 1 + len);
  else if (zeros_after >= 0)
    plain_len = static_cast<std::size_t>(len + zeros_after) + 2;
  else
    plain_len = static_cast<std::size_t>(len) + 1;
  bool plain = plain_len <= sci_len;
  if (zeros_after >= 0 && std::fabs(d) >= 9007199254740992.0) plain = false;

  if (!plain) {
    out.push_back(digits[0]);
    out.push_back('.');
    if (len == 1)
      out.push_back('0');
    else
      out.append(digits, 1);
    out.push_back('e');
    out += exp_str;
  } else if (exp < 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-exp - 1), '0');
    out += digits;
  } else if (zeros_after >= 0) {
    out += digits;
    out.append(static_cast<std::size_t>(zeros_after), '0');
    out += ".0";
  } else {
    out.append(digits, 0, static_cast<std::size_t>(exp + 1));
    out.push_back('.');
    out.append(digits, static_cast<std::size_t>(exp + 1));
  }
  return out;
}

void print_atom(std::string_view name, std::string& out) {
  // io_lib:write_atom/1: plain when it starts with a lower-case latin-1 letter, continues with
  // latin-1 letters, digits, _ and @, and is not a reserved word.
  bool plain = !name.empty() && !is_reserved_word(name);
  bool first = true;
  for (std::size_t i = 0; i < name.size() && plain;) {
    std::uint32_t c = next_code_point(name, i);
    plain =
        first ? is_lower(c) : (is_lower(c) || is_upper(c) || is_digit(c) || c == '_' || c == '@');
    first = false;
  }
  if (plain) {
    for (std::size_t i = 0; i < name.size();)
      out.push_back(static_cast<char>(next_code_point(name, i)));
    return;
  }
  out.push_back('\'');
  for (std::size_t i = 0; i < name.size();) {
    std::uint32_t c = next_code_point(name, i);
    if (append_common_escape(out, c)) continue;
    if (c == 27) {
      out += "\\e";
    } else if (c == 127) {
      out += "\\d";
    } else if (c < 0x20 || (c >= 0x80 && c < 0xA0)) {
      append_octal(out, c);
    } else if (c > 0xFF) {
      static constexpr char hex[] = "0123456789ABCDEF";
      out += "\\x{";
      int shift = 28;
      while (shift > 0 && ((c >> shift) & 0xF) == 0) shift -= 4;
      for (; shift >= 0; shift -= 4) out.push_back(hex[(c >> shift) & 0xF]);
      out.push_back('}');
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('\'');
}

void print_term(const atom_table& atoms, term t, std::string& out) {
  printer p(atoms, out);
  p.run(t);
}

std::string format_term(const atom_table& atoms, term t) {
  std::string out;
  print_term(atoms, t, out);
  return out;
}

std::string format_term_readable(const atom_table& atoms, term t) {
  std::string out;
  printer p(atoms, out, /*text_binaries=*/true);
  p.run(t);
  return out;
}

}  // namespace aion::vm

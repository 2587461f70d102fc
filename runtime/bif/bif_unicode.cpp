// The builtins of OTP's `unicode` module (characters_to_binary/2, characters_to_list/2,
// bin_is_7bit/1) and the number parsers of the `string` module (list_to_integer/1,
// list_to_float/1).
//
// Conversion follows OTP 25: the whole argument is first checked to be chardata (else badarg),
// then converted; invalid input gives {error, Converted, Rest} and input ending inside a
// multi-byte sequence {incomplete, Converted, RestBinary}. Rest keeps the shape of the
// unconverted part of the argument. A UTF-8 sequence split across binaries of a list is
// completed from the binaries after it, as OTP does (see leftover_then_binary).
#include <cstring>
#include <string>
#include <vector>

#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"
#include "runtime/term/binary.hpp"

namespace aion::vm {

namespace {

enum class encoding { latin1, utf8, utf16_big, utf16_little, utf32_big, utf32_little };

bool parse_encoding(term t, encoding* e) {
  if (t == atoms::latin1)
    *e = encoding::latin1;
  else if (t == atoms::unicode || t == atoms::utf8)
    *e = encoding::utf8;
  else if (t == atoms::utf16)
    *e = encoding::utf16_big;
  else if (t == atoms::utf32)
    *e = encoding::utf32_big;
  else if (is_tuple(t) && tuple_arity(t) == 2 &&
           (tuple_element(t, 1) == atoms::big || tuple_element(t, 1) == atoms::little)) {
    bool little = tuple_element(t, 1) == atoms::little;
    if (tuple_element(t, 0) == atoms::utf16)
      *e = little ? encoding::utf16_little : encoding::utf16_big;
    else if (tuple_element(t, 0) == atoms::utf32)
      *e = little ? encoding::utf32_little : encoding::utf32_big;
    else
      return false;
  } else {
    return false;
  }
  return true;
}

bool valid_code_point(sword c) {
  return c >= 0 && c <= 0x10FFFF && (c < 0xD800 || c > 0xDFFF);
}

// chardata: a binary, or a possibly deep list of integers, binaries and chardata lists whose
// tails are [] or a binary. Bitstrings of partial bytes are not chardata.
bool is_chardata(term t) {
  if (is_bitstring(t)) return bitstring_view(t).bit_size % 8 == 0;
  std::vector<term> stack{t};
  while (!stack.empty()) {
    term x = stack.back();
    stack.pop_back();
    for (; is_list(x); x = cdr(x)) {
      term h = car(x);
      if (is_small(h)) continue;
      if (is_bitstring(h)) {
        if (bitstring_view(h).bit_size % 8) return false;
      } else if (is_list(h)) {
        stack.push_back(h);
      } else if (!is_nil(h)) {
        return false;
      }
    }
    if (!is_nil(x) && !(is_bitstring(x) && bitstring_view(x).bit_size % 8 == 0)) return false;
  }
  return true;
}

// Bytes needed by a UTF-8 sequence starting with `b` (0 when `b` cannot start one), by its
// bit pattern only (OTP's test for incomplete input is this lax one).
unsigned utf8_length(unsigned char b) {
  if (b < 0x80) return 1;
  if ((b & 0xE0) == 0xC0) return 2;
  if ((b & 0xF0) == 0xE0) return 3;
  if ((b & 0xF8) == 0xF0) return 4;
  return 0;
}

// Decodes one strictly valid UTF-8 sequence of `n` bytes; false when overlong, a surrogate,
// beyond U+10FFFF or with a bad continuation byte.
bool utf8_decode(const unsigned char* s, unsigned n, std::uint32_t* cp) {
  std::uint32_t c;
  switch (n) {
    case 1: *cp = s[0]; return true;
    case 2: c = s[0] & 0x1F; break;
    case 3: c = s[0] & 0x0F; break;
    default: c = s[0] & 0x07; break;
  }
  for (unsigned i = 1; i < n; ++i) {
    if ((s[i] & 0xC0) != 0x80) return false;
    c = (c << 6) | (s[i] & 0x3F);
  }
  static constexpr std::uint32_t min_of_length[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < min_of_length[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
  *cp = c;
  return true;
}

// Where converted code points go: UTF-8 bytes of a binary, or a list's code points.
struct utf8_sink {
  std::string out;
  void put(std::uint32_t cp) {
    if (cp < 0x80)
      out.push_back(static_cast<char>(cp));
    else
      append_utf8(out, cp);
  }
  void put_ascii(const char* s, std::size_t n) { out.append(s, n); }
};
struct list_sink {
  std::vector<term> out;
  void put(std::uint32_t cp) { out.push_back(make_small(cp)); }
  void put_ascii(const char* s, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out.push_back(make_small(static_cast<unsigned char>(s[i])));
  }
};

enum class outcome { ok, error, incomplete };

// Converts chardata that passed is_chardata. On error or incomplete input, `rest` is the
// unconverted part.
template <class Sink>
class converter {
 public:
  converter(process& p, encoding enc, Sink& sink) : p_(p), enc_(enc), sink_(sink) {}

  outcome run(term data) {
    if (is_bitstring(data)) return binary(data, true);
    level_.push_back(data);
    while (!level_.empty()) {
      term& x = level_.back();
      if (!is_list(x)) {
        term tail = x;
        level_.pop_back();
        if (is_nil(tail)) continue;
        // A binary tail ends its list: it is the rest of that list on its own.
        std::size_t from = 0;
        if (!leftover_.empty()) {
          outcome o = leftover_then_binary(tail, &from);
          if (o != outcome::ok) return o;
          if (from == npos) continue;
        }
        outcome o = binary(tail, false, from);
        if (o != outcome::ok) return o;
        continue;
      }
      term h = car(x);
      x = cdr(x);
      if (is_small(h)) {
        if (!leftover_.empty()) return leftover_error(h);
        sword c = small_value(h);
        if (!valid_code_point(c) || (enc_ == encoding::latin1 && c > 255)) {
          rest_ = fold(h);
          return outcome::error;
        }
        sink_.put(static_cast<std::uint32_t>(c));
      } else if (is_list(h)) {
        level_.push_back(h);
      } else if (is_bitstring(h)) {
        std::size_t from = 0;
        if (!leftover_.empty()) {
          outcome o = leftover_then_binary(h, &from);
          if (o != outcome::ok) return o;
          if (from == npos) continue;
        }
        outcome o = binary(h, false, from);
        if (o != outcome::ok) return o;
      }
    }
    if (!leftover_.empty()) {
      // The input ends inside a sequence: incomplete if it could still be one, else invalid.
      bool prefix = lax_prefix(leftover_);
      rest_ = make_binary(allocator_of(p_), leftover_);
      return prefix ? outcome::incomplete : outcome::error;
    }
    return outcome::ok;
  }

  term rest() const { return rest_; }

 private:
  // The unconverted data when conversion stops at `first` (what remains of the current
  // element): [first | tail] at the innermost level, nested into each enclosing level's tail.
  term fold(term first) {
    term r = first;
    for (std::size_t i = level_.size(); i-- > 0;) r = cons(p_, r, level_[i]);
    return r;
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  // Whether `bytes` could begin a UTF-8 sequence still missing bytes (OTP's lax test: a lead
  // byte, then continuation bytes only).
  static bool lax_prefix(const std::string& bytes) {
    auto s = reinterpret_cast<const unsigned char*>(bytes.data());
    unsigned need = utf8_length(s[0]);
    if (need < 2 || bytes.size() >= need) return false;
    for (std::size_t k = 1; k < bytes.size(); ++k)
      if ((s[k] & 0xC0) != 0x80) return false;
    return true;
  }

  // A binary in a list that ended inside a UTF-8 sequence leaves its last bytes in
  // `leftover_`; what comes next decides, as in OTP. A following binary that completes a valid
  // character is used (`*from`: where its own conversion starts); one that does not is
  // appended to the leftover bytes while they stay under four (`*from` = npos), or else the
  // input is an error whose rest is [LeftoverBytes, Rest] (leftover_error).
  outcome leftover_then_binary(term bin, std::size_t* from) {
    bit_view v = bitstring_view(bin);
    std::string bytes;
    append_bytes(v, bytes);
    unsigned need = utf8_length(static_cast<unsigned char>(leftover_[0]));
    std::size_t take = need > leftover_.size() ? need - leftover_.size() : 0;
    if (need >= 2 && take <= bytes.size()) {
      std::string seq = leftover_ + bytes.substr(0, take);
      std::uint32_t cp;
      if (utf8_decode(reinterpret_cast<const unsigned char*>(seq.data()), need, &cp)) {
        sink_.put(cp);
        leftover_.clear();
        *from = take;
        return outcome::ok;
      }
    }
    if (leftover_.size() + bytes.size() < 4) {
      leftover_ += bytes;
      *from = npos;
      return outcome::ok;
    }
    return leftover_error(bin);
  }

  outcome leftover_error(term next) {
    term r = make_binary(allocator_of(p_), leftover_);
    leftover_.clear();
    rest_ = cons(p_, r, cons(p_, fold(next), nil));
    return outcome::error;
  }

  static void append_bytes(const bit_view& v, std::string& out) {
    std::size_t at = out.size();
    out.resize(at + v.byte_size());
    copy_bits(v.bytes, v.bit_offset, reinterpret_cast<unsigned char*>(out.data() + at), 0,
              v.bit_size);
  }

  term remainder(term bin, std::size_t offset, std::size_t size) {
    term origin;
    std::size_t bit_offset;
    bitstring_origin(bin, &origin, &bit_offset);
    return make_sub_binary(allocator_of(p_), origin, bit_offset + offset * 8, (size - offset) * 8);
  }

  // True when nothing but empty lists follows the current position.
  bool at_end() const {
    for (term t : level_) {
      std::vector<term> stack{t};
      while (!stack.empty()) {
        term x = stack.back();
        stack.pop_back();
        for (; is_list(x); x = cdr(x)) {
          term h = car(x);
          if (is_list(h))
            stack.push_back(h);
          else if (!is_nil(h)) {
            if (!is_bitstring(h) || bitstring_view(h).bit_size != 0) return false;
          }
        }
        if (is_bitstring(x) && bitstring_view(x).bit_size != 0) return false;
      }
    }
    return true;
  }

  outcome binary(term bin, bool top, std::size_t from = 0) {
    bit_view v = bitstring_view(bin);
    std::string copy;
    const unsigned char* s;
    if (v.bit_offset % 8 == 0) {
      s = v.aligned_bytes();
    } else {
      copy.resize(v.byte_size());
      copy_bits(v.bytes, v.bit_offset, reinterpret_cast<unsigned char*>(copy.data()), 0,
                v.bit_size);
      s = reinterpret_cast<const unsigned char*>(copy.data());
    }
    std::size_t n = v.byte_size();
    auto fail = [&](std::size_t at) {
      term r = remainder(bin, at, n);
      rest_ = top ? r : fold(r);
      return outcome::error;
    };
    auto unfinished = [&](std::size_t at) {
      if (top || at_end()) {
        rest_ = remainder(bin, at, n);
        return outcome::incomplete;
      }
      return fail(at);
    };
    std::size_t i = from;
    switch (enc_) {
      case encoding::latin1:
        for (; i < n; ++i) sink_.put(s[i]);
        return outcome::ok;
      case encoding::utf8: {
        while (i < n) {
          std::size_t run = i;
          while (run < n && s[run] < 0x80) ++run;
          if (run > i) {
            sink_.put_ascii(reinterpret_cast<const char*>(s + i), run - i);
            i = run;
            if (i == n) break;
          }
          unsigned len = utf8_length(s[i]);
          if (len == 0) return fail(i);
          if (i + len > n) {
            for (std::size_t k = i + 1; k < n; ++k)
              if ((s[k] & 0xC0) != 0x80) return fail(i);
            if (top || at_end()) return unfinished(i);
            // The sequence may continue in the binaries that follow.
            leftover_.assign(reinterpret_cast<const char*>(s + i), n - i);
            return outcome::ok;
          }
          std::uint32_t cp;
          if (!utf8_decode(s + i, len, &cp)) return fail(i);
          sink_.put(cp);
          i += len;
        }
        return outcome::ok;
      }
      case encoding::utf16_big:
      case encoding::utf16_little: {
        bool little = enc_ == encoding::utf16_little;
        auto unit = [&](std::size_t at) {
          return little ? static_cast<std::uint32_t>(s[at] | (s[at + 1] << 8))
                        : static_cast<std::uint32_t>((s[at] << 8) | s[at + 1]);
        };
        while (i < n) {
          if (i + 2 > n) return unfinished(i);
          std::uint32_t u = unit(i);
          if (u >= 0xDC00 && u <= 0xDFFF) return fail(i);
          if (u >= 0xD800 && u <= 0xDBFF) {
            if (i + 4 > n) return unfinished(i);
            std::uint32_t lo = unit(i + 2);
            if (lo < 0xDC00 || lo > 0xDFFF) return fail(i);
            sink_.put(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
            i += 4;
          } else {
            sink_.put(u);
            i += 2;
          }
        }
        return outcome::ok;
      }
      case encoding::utf32_big:
      case encoding::utf32_little: {
        bool little = enc_ == encoding::utf32_little;
        while (i < n) {
          if (i + 4 > n) return unfinished(i);
          std::uint32_t u = little ? (s[i] | (s[i + 1] << 8) | (s[i + 2] << 16) |
                                      (static_cast<std::uint32_t>(s[i + 3]) << 24))
                                   : ((static_cast<std::uint32_t>(s[i]) << 24) | (s[i + 1] << 16) |
                                      (s[i + 2] << 8) | s[i + 3]);
          if (!valid_code_point(static_cast<sword>(u))) return fail(i);
          sink_.put(u);
          i += 4;
        }
        return outcome::ok;
      }
    }
    return outcome::ok;
  }

  process& p_;
  encoding enc_;
  Sink& sink_;
  std::vector<term> level_;  // for each list level, what follows the current element
  std::string leftover_;     // an unfinished UTF-8 sequence at the end of a binary
  term rest_ = nil;
};

bool all_ascii(const unsigned char* s, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s + i, 8);
    if (w & 0x8080808080808080ULL) return false;
  }
  for (; i < n; ++i)
    if (s[i] & 0x80) return false;
  return true;
}

term characters_to_binary2(process& p, const term* a) {
  encoding enc;
  if (!parse_encoding(a[1], &enc) || !is_chardata(a[0])) return p.badarg();
  // Already UTF-8 (or ASCII): the binary itself.
  if (is_bitstring(a[0]) && bitstring_view(a[0]).bit_offset % 8 == 0 &&
      (enc == encoding::utf8 || enc == encoding::latin1)) {
    bit_view v = bitstring_view(a[0]);
    if (all_ascii(v.aligned_bytes(), v.byte_size())) return a[0];
  }
  utf8_sink sink;
  converter<utf8_sink> c(p, enc, sink);
  outcome o = c.run(a[0]);
  if (is_bitstring(a[0]) && o == outcome::ok && enc == encoding::utf8) return a[0];
  term bin = make_binary(allocator_of(p), sink.out);
  if (o == outcome::ok) return bin;
  return tuple_of(
      p, {o == outcome::error ? atoms::error : *p.owner().atom("incomplete"), bin, c.rest()});
}

term characters_to_list2(process& p, const term* a) {
  encoding enc;
  if (!parse_encoding(a[1], &enc) || !is_chardata(a[0])) return p.badarg();
  list_sink sink;
  converter<list_sink> c(p, enc, sink);
  outcome o = c.run(a[0]);
  term list = list_of(p, sink.out.data(), sink.out.size());
  if (o == outcome::ok) return list;
  return tuple_of(
      p, {o == outcome::error ? atoms::error : *p.owner().atom("incomplete"), list, c.rest()});
}

// False for anything but a binary of 7-bit bytes (unicode:characters_to_binary/3 asks it
// about lists too).
term bin_is_7bit(process&, const term* a) {
  if (!is_bitstring(a[0])) return atoms::false_;
  bit_view v = bitstring_view(a[0]);
  if (v.bit_size % 8) return atoms::false_;
  std::string copy;
  if (v.bit_offset % 8) {
    copy.resize(v.byte_size());
    copy_bits(v.bytes, v.bit_offset, reinterpret_cast<unsigned char*>(copy.data()), 0, v.bit_size);
    return bool_atom(all_ascii(reinterpret_cast<const unsigned char*>(copy.data()), copy.size()));
  }
  return bool_atom(all_ascii(v.aligned_bytes(), v.byte_size()));
}

// ---- string:list_to_integer/1, string:list_to_float/1 -----------------------------------------
// Both read a number at the start of a character list and return {Number, Rest} or
// {error, no_integer | no_float | not_a_list}.
term number_error(process& p, const char* why) {
  return tuple_of(p, {atoms::error, *p.owner().atom(why)});
}

// Collects the leading characters of `list` for which `accept(c, text)` is true; `rest` is
// what follows.
template <class Accept>
std::string leading(term list, term* rest, Accept accept) {
  std::string text;
  term x = list;
  for (; is_list(x); x = cdr(x)) {
    term h = car(x);
    if (!is_small(h) || small_value(h) < 0 || small_value(h) > 127) break;
    char c = static_cast<char>(small_value(h));
    if (!accept(c, text)) break;
    text.push_back(c);
  }
  *rest = x;
  return text;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

term string_list_to_integer(process& p, const term* a) {
  if (!is_list(a[0]) && !is_nil(a[0])) return number_error(p, "not_a_list");
  term rest;
  std::string text = leading(a[0], &rest, [](char c, const std::string& t) {
    return is_digit(c) || (t.empty() && (c == '+' || c == '-'));
  });
  // Only a sign: no integer (and the sign is not consumed).
  if (text.empty() || !is_digit(text.back())) return number_error(p, "no_integer");
  auto v = parse_integer(allocator_of(p), text[0] == '+' ? std::string_view(text).substr(1) : text);
  if (!v || !is_value(*v)) return p.raise_error(atoms::system_limit);
  return tuple_of(p, {*v, rest});
}

term string_list_to_float(process& p, const term* a) {
  if (!is_list(a[0]) && !is_nil(a[0])) return number_error(p, "not_a_list");
  // [+-] digits '.' digits [(e|E) [+-] digits]
  std::string text;
  term x = a[0];
  auto peek = [&](term l) -> int {
    if (!is_list(l) || !is_small(car(l))) return -1;
    sword c = small_value(car(l));
    return c >= 0 && c < 128 ? static_cast<int>(c) : -1;
  };
  auto take_digits = [&](term& l, std::string& out) {
    std::size_t before = out.size();
    while (peek(l) >= '0' && peek(l) <= '9') {
      out.push_back(static_cast<char>(peek(l)));
      l = cdr(l);
    }
    return out.size() > before;
  };
  if (peek(x) == '+' || peek(x) == '-') {
    text.push_back(static_cast<char>(peek(x)));
    x = cdr(x);
  }
  if (!take_digits(x, text) || peek(x) != '.') return number_error(p, "no_float");
  text.push_back('.');
  x = cdr(x);
  if (!take_digits(x, text)) return number_error(p, "no_float");
  if (peek(x) == 'e' || peek(x) == 'E') {
    term y = cdr(x);
    std::string exponent = "e";
    if (peek(y) == '+' || peek(y) == '-') {
      exponent.push_back(static_cast<char>(peek(y)));
      y = cdr(y);
    }
    if (take_digits(y, exponent)) {
      text += exponent;
      x = y;
    }
  }
  auto d = parse_float(text);
  if (!d) return number_error(p, "no_float");
  return tuple_of(p, {make_float(allocator_of(p), *d), x});
}

constexpr bif_def defs[] = {
    {"unicode", "characters_to_binary", 2, characters_to_binary2},
    {"unicode", "characters_to_list", 2, characters_to_list2},
    {"unicode", "bin_is_7bit", 1, bin_is_7bit},
    {"string", "list_to_integer", 1, string_list_to_integer},
    {"string", "list_to_float", 1, string_list_to_float},
};

}  // namespace

std::span<const bif_def> bifs_unicode() {
  return defs;
}

}  // namespace aion::vm

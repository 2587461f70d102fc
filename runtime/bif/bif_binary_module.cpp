// The builtins of OTP's `binary` module: searching (match, matches, split, compile_pattern),
// slicing (part, at, first, last), copying, unsigned integer encoding and common affixes.
// Results that are parts of the subject are sub-binaries of it (copies when small), as in OTP.
#include <algorithm>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"
#include "runtime/term/binary.hpp"

namespace aion::vm {

namespace {

// Bytes of a binary term (not a bitstring of a partial byte). An unaligned sub-binary is
// copied into `scratch`.
bool binary_bytes(term t, std::deque<std::string>& scratch, std::string_view* out) {
  if (!is_bitstring(t)) return false;
  bit_view v = bitstring_view(t);
  if (v.bit_size % 8) return false;
  if (v.bit_offset % 8 == 0) {
    *out = v.as_string_view();
    return true;
  }
  std::string& copy = scratch.emplace_back(v.byte_size(), '\0');
  copy_bits(v.bytes, v.bit_offset, reinterpret_cast<unsigned char*>(copy.data()), 0, v.bit_size);
  *out = copy;
  return true;
}

// Bytes [pos, pos + len) of `subject`: a copy on the heap when small (as OTP does, so a tiny
// part never keeps a large binary alive), else a sub-binary.
term part_of(process& p, term subject, std::size_t pos, std::size_t len) {
  if (len <= heap_bin_limit) {
    bit_view v = bitstring_view(subject);
    unsigned char* data;
    term bin = make_binary_uninit(allocator_of(p), len, &data);
    copy_bits(v.bytes, v.bit_offset + pos * 8, data, 0, len * 8);
    return bin;
  }
  term origin;
  std::size_t offset;
  bitstring_origin(subject, &origin, &offset);
  return make_sub_binary(allocator_of(p), origin, offset + pos * 8, len * 8);
}

// One or more non-empty byte strings to search for. compile_pattern/1 returns {bm, Bin} for
// one pattern and {ac, [Bin]} for several (OTP returns a reference in place of the binary:
// the value is opaque either way, and searching needs no precomputed tables here).
struct pattern_set {
  std::deque<std::string> scratch;
  std::vector<std::string_view> patterns;
  std::size_t min_len = 0;
  bool first_byte[256] = {};

  bool add(term t) {
    std::string_view s;
    if (!binary_bytes(t, scratch, &s) || s.empty()) return false;
    patterns.push_back(s);
    return true;
  }
  bool parse(const atom_table& at, term t) {
    if (is_tuple(t) && tuple_arity(t) == 2 && is_atom(tuple_element(t, 0)) &&
        (at.name(tuple_element(t, 0)) == "bm" || at.name(tuple_element(t, 0)) == "ac"))
      t = tuple_element(t, 1);
    if (is_bitstring(t)) {
      if (!add(t)) return false;
    } else {
      if (!is_list(t)) return false;
      for (; is_list(t); t = cdr(t))
        if (!add(car(t))) return false;
      if (!is_nil(t)) return false;
    }
    min_len = patterns[0].size();
    for (std::string_view s : patterns) {
      min_len = std::min(min_len, s.size());
      first_byte[static_cast<unsigned char>(s[0])] = true;
    }
    return true;
  }

  // The leftmost match inside [from, to) of `hay`, the longest pattern at that position.
  bool find(std::string_view hay, std::size_t from, std::size_t to, std::size_t* pos,
            std::size_t* len) const {
    if (to - from < min_len) return false;
    if (patterns.size() == 1) {
      std::string_view pat = patterns[0];
      const void* hit = memmem(hay.data() + from, to - from, pat.data(), pat.size());
      if (!hit) return false;
      *pos = static_cast<std::size_t>(static_cast<const char*>(hit) - hay.data());
      *len = pat.size();
      return true;
    }
    for (std::size_t i = from; i + min_len <= to; ++i) {
      if (!first_byte[static_cast<unsigned char>(hay[i])]) continue;
      std::size_t best = 0;
      for (std::string_view pat : patterns)
        if (pat.size() > best && i + pat.size() <= to &&
            std::memcmp(hay.data() + i, pat.data(), pat.size()) == 0)
          best = pat.size();
      if (best) {
        *pos = i;
        *len = best;
        return true;
      }
    }
    return false;
  }
};

// The search options of match/3, matches/3 and split/3.
struct search_options {
  std::size_t from = 0, to = 0;
  bool global = false, trim = false, trim_all = false;
};

// A {Start, Length} byte range of a subject of `size` bytes (Length may be negative).
bool byte_range(term start, term len, std::size_t size, search_options& o) {
  if (!is_small(start) || !is_small(len)) return false;
  sword s = small_value(start), l = small_value(len);
  if (l < 0) {
    s += l;
    l = -l;
  }
  if (s < 0 || s > static_cast<sword>(size) || l > static_cast<sword>(size) - s) return false;
  o.from = static_cast<std::size_t>(s);
  o.to = static_cast<std::size_t>(s + l);
  return true;
}
bool scope_option(term t, std::size_t size, search_options& o) {
  return is_tuple(t) && tuple_arity(t) == 2 &&
         byte_range(tuple_element(t, 0), tuple_element(t, 1), size, o);
}

// Parses `opts`; `split_options` allows global/trim/trim_all besides {scope, _}.
bool parse_options(process& p, term opts, std::size_t size, bool split_options, search_options& o) {
  o.from = 0;
  o.to = size;
  const atom_table& at = atoms_of(p);
  for (; is_list(opts); opts = cdr(opts)) {
    term x = car(opts);
    if (is_tuple(x) && tuple_arity(x) == 2 && is_atom(tuple_element(x, 0)) &&
        at.name(tuple_element(x, 0)) == "scope") {
      if (!scope_option(tuple_element(x, 1), size, o)) return false;
    } else if (split_options && x == atoms::global) {
      o.global = true;
    } else if (split_options && is_atom(x) && at.name(x) == "trim") {
      o.trim = true;
    } else if (split_options && is_atom(x) && at.name(x) == "trim_all") {
      o.trim_all = true;
    } else {
      return false;
    }
  }
  return is_nil(opts);
}

term nomatch(process& p) {
  return *p.owner().atom("nomatch");
}

term match_impl(process& p, term subject, term pattern, term opts) {
  pattern_set pats;
  std::string_view hay;
  search_options o;
  if (!binary_bytes(subject, pats.scratch, &hay) || !pats.parse(atoms_of(p), pattern) ||
      !parse_options(p, opts, hay.size(), false, o))
    return p.badarg();
  std::size_t pos, len;
  if (!pats.find(hay, o.from, o.to, &pos, &len)) return nomatch(p);
  return tuple_of(p, {make_small(static_cast<sword>(pos)), make_small(static_cast<sword>(len))});
}
term match2(process& p, const term* a) {
  return match_impl(p, a[0], a[1], nil);
}
term match3(process& p, const term* a) {
  return match_impl(p, a[0], a[1], a[2]);
}

term matches_impl(process& p, term subject, term pattern, term opts) {
  pattern_set pats;
  std::string_view hay;
  search_options o;
  if (!binary_bytes(subject, pats.scratch, &hay) || !pats.parse(atoms_of(p), pattern) ||
      !parse_options(p, opts, hay.size(), false, o))
    return p.badarg();
  std::vector<term> found;
  std::size_t pos, len;
  for (std::size_t at = o.from; pats.find(hay, at, o.to, &pos, &len); at = pos + len)
    found.push_back(
        tuple_of(p, {make_small(static_cast<sword>(pos)), make_small(static_cast<sword>(len))}));
  return list_of(p, found.data(), found.size());
}
term matches2(process& p, const term* a) {
  return matches_impl(p, a[0], a[1], nil);
}
term matches3(process& p, const term* a) {
  return matches_impl(p, a[0], a[1], a[2]);
}

term split_impl(process& p, term subject, term pattern, term opts) {
  pattern_set pats;
  std::string_view hay;
  search_options o;
  if (!binary_bytes(subject, pats.scratch, &hay) || !pats.parse(atoms_of(p), pattern) ||
      !parse_options(p, opts, hay.size(), true, o))
    return p.badarg();
  // Part boundaries: [start, end) pairs over the whole subject.
  std::vector<std::pair<std::size_t, std::size_t>> parts;
  std::size_t start = 0, pos, len;
  for (std::size_t at = o.from; pats.find(hay, at, o.to, &pos, &len); at = pos + len) {
    parts.push_back({start, pos});
    start = pos + len;
    if (!o.global) break;
  }
  parts.push_back({start, hay.size()});
  if (o.trim_all) {
    std::erase_if(parts, [](const auto& r) { return r.first == r.second; });
  } else if (o.trim) {
    while (!parts.empty() && parts.back().first == parts.back().second) parts.pop_back();
  }
  std::vector<term> out;
  out.reserve(parts.size());
  for (auto [b, e] : parts) out.push_back(part_of(p, subject, b, e - b));
  return list_of(p, out.data(), out.size());
}
term split2(process& p, const term* a) {
  return split_impl(p, a[0], a[1], nil);
}
term split3(process& p, const term* a) {
  return split_impl(p, a[0], a[1], a[2]);
}

term compile_pattern(process& p, const term* a) {
  pattern_set pats;
  if (!pats.parse(atoms_of(p), a[0])) return p.badarg();
  if (pats.patterns.size() == 1)
    return tuple_of(p, {*p.owner().atom("bm"), is_list(a[0]) ? car(a[0]) : a[0]});
  return tuple_of(p, {*p.owner().atom("ac"), a[0]});
}

// ---- slicing ----------------------------------------------------------------------------------
term part_impl(process& p, term subject, term start, term length) {
  if (!is_bitstring(subject)) return p.badarg();
  bit_view v = bitstring_view(subject);
  search_options o;
  if (v.bit_size % 8 || !byte_range(start, length, v.byte_size(), o)) return p.badarg();
  return part_of(p, subject, o.from, o.to - o.from);
}
term part2(process& p, const term* a) {
  if (!is_tuple(a[1]) || tuple_arity(a[1]) != 2) return p.badarg();
  return part_impl(p, a[0], tuple_element(a[1], 0), tuple_element(a[1], 1));
}
term part3(process& p, const term* a) {
  return part_impl(p, a[0], a[1], a[2]);
}

term at2(process& p, const term* a) {
  std::deque<std::string> scratch;
  std::string_view s;
  if (!binary_bytes(a[0], scratch, &s) || !is_small(a[1]) || small_value(a[1]) < 0 ||
      static_cast<std::size_t>(small_value(a[1])) >= s.size())
    return p.badarg();
  return make_small(static_cast<unsigned char>(s[static_cast<std::size_t>(small_value(a[1]))]));
}
term first1(process& p, const term* a) {
  std::deque<std::string> scratch;
  std::string_view s;
  if (!binary_bytes(a[0], scratch, &s) || s.empty()) return p.badarg();
  return make_small(static_cast<unsigned char>(s.front()));
}
term last1(process& p, const term* a) {
  std::deque<std::string> scratch;
  std::string_view s;
  if (!binary_bytes(a[0], scratch, &s) || s.empty()) return p.badarg();
  return make_small(static_cast<unsigned char>(s.back()));
}

term copy_impl(process& p, term subject, term times) {
  std::deque<std::string> scratch;
  std::string_view s;
  if (!binary_bytes(subject, scratch, &s) || !is_small(times) || small_value(times) < 0)
    return p.badarg();
  std::size_t n = static_cast<std::size_t>(small_value(times));
  if (s.size() && n > (std::size_t{1} << 40) / s.size()) return p.raise_error(atoms::system_limit);
  unsigned char* data;
  term bin = make_binary_uninit(allocator_of(p), s.size() * n, &data);
  if (!is_value(bin)) return p.raise_error(atoms::system_limit);
  for (std::size_t i = 0; i < n; ++i) std::memcpy(data + i * s.size(), s.data(), s.size());
  return bin;
}
term copy1(process& p, const term* a) {
  return copy_impl(p, a[0], make_small(1));
}
term copy2(process& p, const term* a) {
  return copy_impl(p, a[0], a[1]);
}

term referenced_byte_size(process& p, const term* a) {
  if (!is_bitstring(a[0])) return p.badarg();
  term origin;
  std::size_t offset;
  bitstring_origin(a[0], &origin, &offset);
  return make_small(static_cast<sword>((bitstring_view(origin).bit_size + 7) / 8));
}

term list_to_bin(process& p, const term* a) {
  std::string bytes;
  if (!(is_list(a[0]) || is_nil(a[0])) || !iolist_to_bytes(a[0], bytes)) return p.badarg();
  return make_binary(allocator_of(p), bytes);
}

// ---- common prefix and suffix -------------------------------------------------------------------
term common_affix(process& p, term list, bool suffix) {
  std::deque<std::string> scratch;
  std::vector<std::string_view> bins;
  for (; is_list(list); list = cdr(list)) {
    std::string_view s;
    if (!binary_bytes(car(list), scratch, &s)) return p.badarg();
    bins.push_back(s);
  }
  if (!is_nil(list) || bins.empty()) return p.badarg();
  std::size_t n = bins[0].size();
  for (std::string_view s : bins) {
    std::size_t limit = std::min(n, s.size()), k = 0;
    if (suffix) {
      while (k < limit && s[s.size() - 1 - k] == bins[0][bins[0].size() - 1 - k]) ++k;
    } else {
      while (k < limit && s[k] == bins[0][k]) ++k;
    }
    n = k;
  }
  return make_small(static_cast<sword>(n));
}
term longest_common_prefix(process& p, const term* a) {
  return common_affix(p, a[0], false);
}
term longest_common_suffix(process& p, const term* a) {
  return common_affix(p, a[0], true);
}

// ---- unsigned integers
// ------------------------------------------------------------------------------
bool little_endian_option(term t, bool* little) {
  if (t == atoms::big)
    *little = false;
  else if (t == atoms::little)
    *little = true;
  else
    return false;
  return true;
}

term decode_unsigned_impl(process& p, term subject, term endianness) {
  std::deque<std::string> scratch;
  std::string_view s;
  bool little;
  if (!binary_bytes(subject, scratch, &s) || !little_endian_option(endianness, &little))
    return p.badarg();
  std::vector<std::uint64_t> limbs((s.size() + 7) / 8 + 1, 0);
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::size_t k = little ? i : s.size() - 1 - i;  // significance of byte i
    limbs[k / 8] |= std::uint64_t{static_cast<unsigned char>(s[i])} << (8 * (k % 8));
  }
  term r = make_integer_from_limbs(allocator_of(p), limbs.data(), limbs.size(), false);
  return is_value(r) ? r : p.raise_error(atoms::system_limit);
}
term decode_unsigned1(process& p, const term* a) {
  return decode_unsigned_impl(p, a[0], atoms::big);
}
term decode_unsigned2(process& p, const term* a) {
  return decode_unsigned_impl(p, a[0], a[1]);
}

term encode_unsigned_impl(process& p, term value, term endianness) {
  bool little;
  if (!little_endian_option(endianness, &little)) return p.badarg();
  std::string bytes;  // least significant first
  if (is_small(value)) {
    if (small_value(value) < 0) return p.badarg();
    auto v = static_cast<std::uint64_t>(small_value(value));
    do {
      bytes.push_back(static_cast<char>(v & 0xFF));
      v >>= 8;
    } while (v);
  } else if (is_bignum(value) && !bignum_negative(value)) {
    const std::uint64_t* limbs = bignum_limb_data(value);
    for (std::size_t i = 0; i < bignum_limbs(value); ++i)
      for (int b = 0; b < 8; ++b) bytes.push_back(static_cast<char>((limbs[i] >> (8 * b)) & 0xFF));
    while (bytes.size() > 1 && bytes.back() == 0) bytes.pop_back();
  } else {
    return p.badarg();
  }
  if (!little) std::reverse(bytes.begin(), bytes.end());
  return make_binary(allocator_of(p), bytes);
}
term encode_unsigned1(process& p, const term* a) {
  return encode_unsigned_impl(p, a[0], atoms::big);
}
term encode_unsigned2(process& p, const term* a) {
  return encode_unsigned_impl(p, a[0], a[1]);
}

constexpr bif_def defs[] = {
    {"binary", "match", 2, match2},
    {"binary", "match", 3, match3},
    {"binary", "matches", 2, matches2},
    {"binary", "matches", 3, matches3},
    {"binary", "split", 2, split2},
    {"binary", "split", 3, split3},
    {"binary", "compile_pattern", 1, compile_pattern},
    {"binary", "part", 2, part2},
    {"binary", "part", 3, part3},
    {"binary", "at", 2, at2},
    {"binary", "first", 1, first1},
    {"binary", "last", 1, last1},
    {"binary", "copy", 1, copy1},
    {"binary", "copy", 2, copy2},
    {"binary", "referenced_byte_size", 1, referenced_byte_size},
    {"binary", "list_to_bin", 1, list_to_bin},
    {"binary", "longest_common_prefix", 1, longest_common_prefix},
    {"binary", "longest_common_suffix", 1, longest_common_suffix},
    {"binary", "decode_unsigned", 1, decode_unsigned1},
    {"binary", "decode_unsigned", 2, decode_unsigned2},
    {"binary", "encode_unsigned", 1, encode_unsigned1},
    {"binary", "encode_unsigned", 2, encode_unsigned2},
};

}  // namespace

std::span<const bif_def> bifs_binary_module() {
  return defs;
}

}  // namespace aion::vm

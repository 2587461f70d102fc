// Private to the term layer: bounds-checked reading of external-term-format input, shared
// by the two passes of the decoder (etf_decode.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "runtime/term/etf_tags.hpp"
#include "runtime/term/term.hpp"

namespace aion::vm::etf {

/// Bounds-checked big-endian reads over [p, end).
struct reader {
  const unsigned char* p;
  const unsigned char* end;

  std::size_t left() const { return static_cast<std::size_t>(end - p); }
  bool u8(unsigned& v) {
    if (p == end) return false;
    v = *p++;
    return true;
  }
  bool u16(unsigned& v) {
    if (left() < 2) return false;
    v = (unsigned{p[0]} << 8) | p[1];
    p += 2;
    return true;
  }
  bool u32(std::uint32_t& v) {
    if (left() < 4) return false;
    v = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
        p[3];
    p += 4;
    return true;
  }
  bool u64(std::uint64_t& v) {
    std::uint32_t hi, lo;
    if (!u32(hi) || !u32(lo)) return false;
    v = (std::uint64_t{hi} << 32) | lo;
    return true;
  }
  bool take(std::size_t n, const unsigned char*& at) {
    if (left() < n) return false;
    at = p;
    p += n;
    return true;
  }
};

/// An atom's name as it appears in the input.
struct atom_text {
  const unsigned char* bytes = nullptr;
  std::size_t size = 0;
  bool latin1 = false;

  bool is_local_node() const {
    return size == local_node.size() && std::memcmp(bytes, local_node.data(), size) == 0;
  }
};

/// Code points in `s` when it is well-formed UTF-8 (no overlong forms, surrogates or values
/// above U+10FFFF, as OTP checks atom names), else -1.
long utf8_chars(const unsigned char* s, std::size_t n);

/// FLOAT_EXT's 31 bytes of text as OTP 25 accepts them: up to the first NUL,
/// `[+-]digits(.|,)digits`, then optionally `(e|E)[+-]digits`; finite after rounding (an
/// underflow gives a signed zero). False when refused.
bool parse_float_text(const unsigned char* s, double* out);

/// An atom of any of the four atom tags, the tag already read: length checked (255
/// characters at most) and UTF-8 validated.
bool read_atom_after_tag(unsigned tag, reader& r, atom_text& a);
bool read_atom(reader& r, atom_text& a);

/// SMALL_INTEGER_EXT or INTEGER_EXT (the fields of funs that OTP writes that way).
bool read_int_field(reader& r, std::int64_t& v);

/// PID_EXT or NEW_PID_EXT after its tag. `*local` says whether it is a pid of this node
/// ('nonode@nohost') whose fields map to a pid number; `*number` is set only then.
bool read_pid_after_tag(unsigned tag, reader& r, bool* local, word* number);

/// COMPRESSED at `r` (the tag included): inflates into `out` a stream whose declared size must
/// not exceed `max_size` and must be exactly what the stream yields. `out` grows with the
/// output actually produced, so a false declared size costs nothing. Sets `used` to the bytes
/// consumed (tag, size and zlib stream).
bool inflate_compressed(reader& r, std::size_t max_size, std::string& out, std::size_t* used);

}  // namespace aion::vm::etf

// Reading external-term-format input: the primitives of both decoder passes.
#include "runtime/term/etf_reader.hpp"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include "runtime/term/atom_table.hpp"

namespace aion::vm::etf {

long utf8_chars(const unsigned char* s, std::size_t n) {
  long chars = 0;
  for (std::size_t i = 0; i < n; ++chars) {
    unsigned c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return -1;
    }
    if (n - i < len) return -1;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return -1;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return -1;
    if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return -1;
    i += len;
  }
  return chars;
}

bool parse_float_text(const unsigned char* s, double* out) {
  std::size_t n = 0;
  while (n < float_ext_chars && s[n] != 0) ++n;
  std::string text(reinterpret_cast<const char*>(s), n);
  auto digits = [&](std::size_t& i) {
    std::size_t start = i;
    while (i < n && text[i] >= '0' && text[i] <= '9') ++i;
    return i - start;
  };
  std::size_t i = 0;
  bool negative = false;
  if (i < n && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::size_t int_start = i;
  std::size_t int_len = digits(i);
  if (int_len == 0 || i == n || (text[i] != '.' && text[i] != ',')) return false;
  text[i++] = '.';
  std::size_t frac_start = i;
  if (digits(i) == 0) return false;
  long long exp = 0;
  if (i < n) {
    if (text[i] != 'e' && text[i] != 'E') return false;
    ++i;
    bool exp_negative = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
    std::size_t exp_start = i;
    if (digits(i) == 0) return false;
    for (std::size_t k = exp_start; k < i; ++k)
      exp = std::min(exp * 10 + (text[k] - '0'), 100000LL);
    if (exp_negative) exp = -exp;
  }
  if (i != n) return false;
  const char* first = text.data() + (text[0] == '+' ? 1 : 0);
  double d = 0;
  auto res = std::from_chars(first, text.data() + n, d, std::chars_format::general);
  if (res.ec == std::errc::result_out_of_range) {
    // Out of range is an overflow unless the value is below 1 (its first significant digit
    // sits right of the point), which rounds to zero.
    std::size_t k = int_start;
    long long magnitude = static_cast<long long>(int_len);
    for (; k < frac_start - 1 && text[k] == '0'; ++k) --magnitude;
    if (k == frac_start - 1)
      for (k = frac_start; k < n && text[k] == '0'; ++k) --magnitude;
    if (magnitude + exp > 0) return false;
    d = negative ? -0.0 : 0.0;
  } else if (res.ec != std::errc{} || res.ptr != text.data() + n) {
    return false;
  }
  if (!std::isfinite(d)) return false;
  *out = d;
  return true;
}

bool read_atom_after_tag(unsigned tag, reader& r, atom_text& a) {
  unsigned len;
  switch (tag) {
    case atom_ext:
      if (!r.u16(len)) return false;
      a.latin1 = true;
      break;
    case small_atom_ext:
      if (!r.u8(len)) return false;
      a.latin1 = true;
      break;
    case atom_utf8_ext:
      if (!r.u16(len)) return false;
      a.latin1 = false;
      break;
    case small_atom_utf8_ext:
      if (!r.u8(len)) return false;
      a.latin1 = false;
      break;
    default: return false;
  }
  if (!r.take(len, a.bytes)) return false;
  a.size = len;
  if (a.latin1) return len <= atom_table::max_atom_chars;
  long chars = utf8_chars(a.bytes, len);
  return chars >= 0 && static_cast<std::size_t>(chars) <= atom_table::max_atom_chars;
}

bool read_atom(reader& r, atom_text& a) {
  unsigned tag;
  return r.u8(tag) && read_atom_after_tag(tag, r, a);
}

bool read_int_field(reader& r, std::int64_t& v) {
  unsigned tag;
  if (!r.u8(tag)) return false;
  if (tag == small_integer_ext) {
    unsigned b;
    if (!r.u8(b)) return false;
    v = b;
    return true;
  }
  std::uint32_t w;
  if (tag != integer_ext || !r.u32(w)) return false;
  v = static_cast<std::int32_t>(w);
  return true;
}

bool read_pid_after_tag(unsigned tag, reader& r, bool* local, word* number) {
  atom_text node;
  std::uint32_t id, serial, creation32;
  unsigned creation8;
  if (!read_atom(r, node) || !r.u32(id) || !r.u32(serial)) return false;
  if (tag == new_pid_ext ? !r.u32(creation32) : !r.u8(creation8)) return false;
  *local = node.is_local_node() && pid_from_fields(id, serial, number);
  return true;
}

bool inflate_compressed(reader& r, std::size_t max_size, std::string& out, std::size_t* used) {
  unsigned tag;
  std::uint32_t size;
  if (!r.u8(tag) || !r.u32(size) || size == 0) return false;
  if (size > max_size) return false;
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return false;
  struct ender {
    z_stream* z;
    ~ender() { inflateEnd(z); }
  } end_guard{&zs};
  out.clear();
  const unsigned char* in = r.p;
  std::size_t in_left = r.left();
  unsigned char probe;  // one byte past `size`: a stream that fills it is too long
  bool probing = false;
  for (;;) {
    if (zs.avail_in == 0 && in_left > 0) {
      auto chunk = static_cast<uInt>(std::min<std::size_t>(in_left, UINT32_MAX));
      zs.next_in = const_cast<Bytef*>(in);
      zs.avail_in = chunk;
      in += chunk;
      in_left -= chunk;
    }
    if (zs.avail_out == 0) {
      if (probing) return false;
      std::size_t have = out.size();
      if (have == size) {
        probing = true;
        zs.next_out = &probe;
        zs.avail_out = 1;
      } else {
        // Grow with the output actually produced, never straight to the declared size.
        std::size_t grow = std::min<std::size_t>(size, std::max<std::size_t>(2 * have, 4096));
        out.resize(grow);
        zs.next_out = reinterpret_cast<Bytef*>(out.data() + have);
        zs.avail_out = static_cast<uInt>(grow - have);
      }
    }
    int ret = inflate(&zs, Z_NO_FLUSH);
    if (ret == Z_STREAM_END) break;
    if (ret == Z_BUF_ERROR && zs.avail_out == 0) continue;  // needs more room
    if (ret != Z_OK) return false;  // corrupt, or truncated (Z_BUF_ERROR without input)
  }
  if (zs.total_out != size) return false;
  *used = 5 + static_cast<std::size_t>(zs.total_in);
  return true;
}

}  // namespace aion::vm::etf

// Binary construction (bs_create_bin), including OTP's in-place appends: a binary built by
// repeated `<<Acc/binary, X>>` grows its buffer geometrically instead of being copied.
#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

#include "runtime/code/operand.hpp"
#include "runtime/exec/bs_ops.hpp"
#include "runtime/term/number.hpp"

namespace aion::vm {

namespace {

enum seg_type : word { t_integer, t_float, t_binary, t_utf8, t_utf16, t_utf32, t_string,
                       t_append, t_private_append };

constexpr std::size_t max_binary_bits = std::size_t{1} << 45;  // 4 TiB: system_limit beyond
constexpr std::size_t min_append_capacity = 256;

// Writes the low `bits` bits of `v` big-endian at bit `pos` of `dst`.
void write_bits(unsigned char* dst, std::size_t pos, std::uint64_t v, std::size_t bits) {
  unsigned char tmp[9] = {};
  std::size_t nbytes = (bits + 7) / 8;
  std::uint64_t shifted = bits == 64 ? v : (v << (nbytes * 8 - bits));
  if (bits == 64 || nbytes == 8) {
    for (int i = 0; i < 8; ++i) tmp[i] = static_cast<unsigned char>(shifted >> (56 - 8 * i));
  } else {
    for (std::size_t i = 0; i < nbytes; ++i)
      tmp[i] = static_cast<unsigned char>(shifted >> (8 * (nbytes - 1 - i)));
  }
  copy_bits(tmp, 0, dst, pos, bits);
}

std::size_t utf8_length(sword cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

bool valid_code_point(term v) {
  if (!is_small(v)) return false;
  sword cp = small_value(v);
  return cp >= 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

// Writes an integer segment: two's complement of `v` truncated to `bits`, big-endian unless
// little.
void write_integer(unsigned char* dst, std::size_t pos, term v, std::size_t bits, bool little) {
  if (bits == 0) return;
  std::size_t nbytes = (bits + 7) / 8;
  if (is_small(v) && bits <= 64) {
    std::uint64_t u = static_cast<std::uint64_t>(small_value(v));
    if (bits < 64) u &= (std::uint64_t{1} << bits) - 1;
    if (little && bits % 8 == 0) {
      std::uint64_t r = 0;
      for (std::size_t b = 0; b < bits; b += 8) r |= ((u >> b) & 0xFF) << (bits - 8 - b);
      u = r;
    } else if (little) {
      // little-endian with a partial byte: full bytes least significant first, the remaining
      // high bits last
      std::vector<unsigned char> out(nbytes, 0);
      std::size_t rest = bits % 8;
      for (std::size_t i = 0; i + 1 < nbytes; ++i) out[i] = static_cast<unsigned char>(u >> (8 * i));
      out[nbytes - 1] = static_cast<unsigned char>(((u >> (8 * (nbytes - 1))) << (8 - rest)) & 0xFF);
      copy_bits(out.data(), 0, dst, pos, bits);
      return;
    }
    write_bits(dst, pos, u, bits);
    return;
  }
  // General: build the two's complement bytes (little-endian) of the magnitude and sign.
  std::vector<unsigned char> le(nbytes, 0);
  bool negative;
  if (is_small(v)) {
    sword s = small_value(v);
    negative = s < 0;
    std::uint64_t mag = negative ? static_cast<std::uint64_t>(-(s + 1)) + 1 : static_cast<std::uint64_t>(s);
    for (std::size_t i = 0; i < nbytes && i < 8; ++i) le[i] = static_cast<unsigned char>(mag >> (8 * i));
  } else {
    negative = bignum_negative(v);
    const std::uint64_t* limbs = bignum_limb_data(v);
    std::size_t n = bignum_limbs(v);
    for (std::size_t i = 0; i < nbytes && i / 8 < n; ++i)
      le[i] = static_cast<unsigned char>(limbs[i / 8] >> (8 * (i % 8)));
  }
  if (negative) {
    for (auto& b : le) b = static_cast<unsigned char>(~b);
    for (auto& b : le)
      if (++b != 0) break;
  }
  std::size_t rest = bits % 8;
  if (rest) le[nbytes - 1] &= static_cast<unsigned char>((1u << rest) - 1);
  std::vector<unsigned char> out(nbytes, 0);
  if (little) {
    for (std::size_t i = 0; i + 1 < nbytes; ++i) out[i] = le[i];
    out[nbytes - 1] = rest ? static_cast<unsigned char>(le[nbytes - 1] << (8 - rest)) : le[nbytes - 1];
    if (!rest) out = le;
    copy_bits(out.data(), 0, dst, pos, bits);
  } else {
    // big-endian, right-aligned in nbytes*8 bits
    for (std::size_t i = 0; i < nbytes; ++i) out[i] = le[nbytes - 1 - i];
    copy_bits(out.data(), nbytes * 8 - bits, dst, pos, bits);
  }
}

void write_float(unsigned char* dst, std::size_t pos, double d, std::size_t bits, bool little) {
  std::uint64_t u;
  if (bits == 64) {
    u = std::bit_cast<std::uint64_t>(d);
  } else if (bits == 32) {
    u = std::bit_cast<std::uint32_t>(static_cast<float>(d));
  } else {
    // IEEE half precision, round to nearest even
    std::uint32_t f = std::bit_cast<std::uint32_t>(static_cast<float>(d));
    std::uint32_t sign = (f >> 16) & 0x8000;
    int exp = static_cast<int>((f >> 23) & 0xFF) - 127 + 15;
    std::uint32_t mant = f & 0x7FFFFF;
    std::uint32_t h;
    if (exp >= 31) {
      h = sign | 0x7C00;
    } else if (exp <= 0) {
      if (exp < -10) {
        h = sign;
      } else {
        mant |= 0x800000;
        int shift = 14 - exp;
        std::uint32_t half = mant >> shift;
        std::uint32_t rem = mant & ((1u << shift) - 1);
        std::uint32_t mid = 1u << (shift - 1);
        if (rem > mid || (rem == mid && (half & 1))) ++half;
        h = sign | half;
      }
    } else {
      std::uint32_t half = (static_cast<std::uint32_t>(exp) << 10) | (mant >> 13);
      std::uint32_t rem = mant & 0x1FFF;
      if (rem > 0x1000 || (rem == 0x1000 && (half & 1))) ++half;
      h = sign | half;
    }
    u = h;
  }
  if (little) {
    std::uint64_t r = 0;
    for (std::size_t b = 0; b < bits; b += 8) r |= ((u >> b) & 0xFF) << (bits - 8 - b);
    u = r;
  }
  write_bits(dst, pos, u, bits);
}

std::size_t write_utf(unsigned char* dst, std::size_t pos, word type, sword cp, bool little) {
  if (type == t_utf8) {
    std::size_t n = utf8_length(cp);
    unsigned char b[4];
    if (n == 1) b[0] = static_cast<unsigned char>(cp);
    else if (n == 2) {
      b[0] = static_cast<unsigned char>(0xC0 | (cp >> 6));
      b[1] = static_cast<unsigned char>(0x80 | (cp & 0x3F));
    } else if (n == 3) {
      b[0] = static_cast<unsigned char>(0xE0 | (cp >> 12));
      b[1] = static_cast<unsigned char>(0x80 | ((cp >> 6) & 0x3F));
      b[2] = static_cast<unsigned char>(0x80 | (cp & 0x3F));
    } else {
      b[0] = static_cast<unsigned char>(0xF0 | (cp >> 18));
      b[1] = static_cast<unsigned char>(0x80 | ((cp >> 12) & 0x3F));
      b[2] = static_cast<unsigned char>(0x80 | ((cp >> 6) & 0x3F));
      b[3] = static_cast<unsigned char>(0x80 | (cp & 0x3F));
    }
    copy_bits(b, 0, dst, pos, n * 8);
    return n * 8;
  }
  if (type == t_utf16) {
    auto unit = [&](std::uint32_t u, std::size_t at) {
      if (little) u = ((u & 0xFF) << 8) | (u >> 8);
      write_bits(dst, at, u, 16);
    };
    if (cp < 0x10000) {
      unit(static_cast<std::uint32_t>(cp), pos);
      return 16;
    }
    std::uint32_t c = static_cast<std::uint32_t>(cp) - 0x10000;
    unit(0xD800 | (c >> 10), pos);
    unit(0xDC00 | (c & 0x3FF), pos + 16);
    return 32;
  }
  std::uint32_t u = static_cast<std::uint32_t>(cp);
  if (little) u = __builtin_bswap32(u);
  write_bits(dst, pos, u, 32);
  return 32;
}

// The bit size of a segment, or false when the segment is invalid.
bool segment_bits(const bs_segment_spec& s, std::size_t* bits, bool* too_large) {
  auto sized = [&](std::size_t* out) {
    if (!is_small(s.size) || small_value(s.size) < 0) return false;
    unsigned __int128 b = static_cast<unsigned __int128>(small_value(s.size)) * s.unit;
    if (b > max_binary_bits) {
      *too_large = true;
      return false;
    }
    *out = static_cast<std::size_t>(b);
    return true;
  };
  switch (s.type) {
    case t_integer:
      return is_integer(s.value) && sized(bits);
    case t_float:
      if (!is_number(s.value)) return false;
      if (!sized(bits)) return false;
      return *bits == 16 || *bits == 32 || *bits == 64;
    case t_binary: {
      if (!is_bitstring(s.value)) return false;
      std::size_t have = bitstring_view(s.value).bit_size;
      if (s.size == atoms::all) {
        if (s.unit > 1 && have % s.unit) return false;
        *bits = have;
        return true;
      }
      if (!sized(bits)) return false;
      return *bits <= have;
    }
    case t_utf8:
      if (!valid_code_point(s.value)) return false;
      *bits = 8 * utf8_length(small_value(s.value));
      return true;
    case t_utf16:
      if (!valid_code_point(s.value)) return false;
      *bits = small_value(s.value) < 0x10000 ? 16 : 32;
      return true;
    case t_utf32:
      if (!valid_code_point(s.value)) return false;
      *bits = 32;
      return true;
    case t_string:
      *bits = static_cast<std::size_t>(small_value(s.size)) * 8;
      return true;
    case t_append:
    case t_private_append:
      if (!is_bitstring(s.value)) return false;
      *bits = bitstring_view(s.value).bit_size;
      return s.unit <= 1 || *bits % s.unit == 0;
    default:
      return false;
  }
}

void write_segment(unsigned char* dst, std::size_t pos, const bs_segment_spec& s, std::size_t bits) {
  bool little = (s.flags & bs_flag_little) != 0;
  switch (s.type) {
    case t_integer:
      write_integer(dst, pos, s.value, bits, little);
      break;
    case t_float:
      write_float(dst, pos, number_to_double(s.value), bits, little);
      break;
    case t_binary: {
      bit_view v = bitstring_view(s.value);
      copy_bits(v.bytes, v.bit_offset, dst, pos, bits);
      break;
    }
    case t_utf8:
    case t_utf16:
    case t_utf32:
      write_utf(dst, pos, s.type, small_value(s.value), little);
      break;
    case t_string:
      copy_bits(reinterpret_cast<const unsigned char*>(s.value.raw), 0, dst, pos, bits);
      break;
    default:
      break;
  }
}

term make_writable(process& p, binary_blob* blob, std::size_t bit_offset, std::size_t bits) {
  term* r = p.alloc(refc_bin_words);
  r[0].raw = make_header(subtag::refc_bin, refc_bin_words - 1);
  r[1].raw = blob->size;
  r[2].raw = reinterpret_cast<word>(blob);
  r[4].raw = 0;
  link_off_heap(r, p.off_heap_head());
  term* s = p.alloc(sub_bin_words);
  s[0].raw = make_header(subtag::sub_bin, sub_bin_words - 1);
  s[1] = make_boxed(r);
  s[2].raw = bit_offset;
  s[3].raw = bits;
  s[4].raw = 1;  // writable
  return make_boxed(s);
}

// Appends the segments after the first to the bitstring in segs[0], in place when possible.
term append(process& p, const bs_segment_spec* segs, std::size_t n, const std::size_t* bits,
            std::size_t extra_bits) {
  term base = segs[0].value;
  bit_view v = bitstring_view(base);
  std::size_t total = v.bit_size + extra_bits;
  term* sub = boxed_ptr(base);
  if (header_subtag(sub->raw) == subtag::sub_bin && (sub[4].raw & 1) &&
      header_subtag(boxed_header(sub[1])) == subtag::refc_bin) {
    term* refc = boxed_ptr(sub[1]);
    binary_blob* blob = reinterpret_cast<binary_blob*>(refc[2].raw);
    std::size_t start = sub[2].raw;
    if ((start + v.bit_size + 7) / 8 == blob->size && blob->refs.load() == 1 &&
        ((start + v.bit_size) % 8 == 0 || (start + v.bit_size + 7) / 8 == blob->size)) {
      std::size_t needed = (start + total + 7) / 8;
      if (needed > blob->capacity) {
        std::size_t cap = needed * 2 < min_append_capacity ? min_append_capacity : needed * 2;
        if (!p.off_heap_account_.charge(cap - blob->capacity))
          return p.raise_error(atoms::system_limit);
        binary_blob* grown = binary_blob::grow(blob, cap);
        if (!grown) return p.raise_error(atoms::system_limit);
        blob = grown;
        refc[2].raw = reinterpret_cast<word>(blob);
      }
      std::size_t pos = start + v.bit_size;
      for (std::size_t i = 1; i < n; ++i) {
        write_segment(blob->data, pos, segs[i], bits[i]);
        pos += bits[i];
      }
      blob->size = needed;
      sub[4].raw = 0;  // only the newest binary may grow the buffer
      term* s = p.alloc(sub_bin_words);
      s[0].raw = make_header(subtag::sub_bin, sub_bin_words - 1);
      s[1] = make_boxed(refc);
      s[2].raw = start;
      s[3].raw = total;
      s[4].raw = 1;
      return make_boxed(s);
    }
  }
  std::size_t bytes = (total + 7) / 8;
  std::size_t cap = bytes * 2 < min_append_capacity ? min_append_capacity : bytes * 2;
  if (!p.off_heap_account_.charge(cap)) return p.raise_error(atoms::system_limit);
  binary_blob* blob = binary_blob::create(bytes, cap);
  if (!blob) return p.raise_error(atoms::system_limit);
  unsigned char* data = blob->data;  // `capacity` bytes, past the declared array (binary.hpp)
  if (bytes) data[bytes - 1] = 0;
  copy_bits(v.bytes, v.bit_offset, data, 0, v.bit_size);
  std::size_t pos = v.bit_size;
  for (std::size_t i = 1; i < n; ++i) {
    write_segment(data, pos, segs[i], bits[i]);
    pos += bits[i];
  }
  return make_writable(p, blob, 0, total);
}

}  // namespace

term bs_create_bin(process& p, const bs_segment_spec* segs, std::size_t n) {
  std::size_t small_bits[16];
  std::vector<std::size_t> large_bits;
  std::size_t* bits = small_bits;
  if (n > 16) {
    large_bits.resize(n);
    bits = large_bits.data();
  }
  std::size_t total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    bool too_large = false;
    if (!segment_bits(segs[i], &bits[i], &too_large) ||
        ((segs[i].type == t_append || segs[i].type == t_private_append) && i != 0))
      return p.raise_error(too_large ? atoms::system_limit : atoms::badarg);
    total += bits[i];
    if (total > max_binary_bits) return p.raise_error(atoms::system_limit);
  }
  if (n > 0 && (segs[0].type == t_append || segs[0].type == t_private_append))
    return append(p, segs, n, bits, total - bits[0]);
  std::size_t bytes = (total + 7) / 8;
  unsigned char* data;
  term bin = make_binary_uninit(allocator_of(p), bytes, &data);
  if (!is_value(bin)) return p.raise_error(atoms::system_limit);
  if (bytes) data[bytes - 1] = 0;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < n; ++i) {
    write_segment(data, pos, segs[i], bits[i]);
    pos += bits[i];
  }
  if (total % 8 == 0) return bin;
  return make_sub_binary(allocator_of(p), bin, 0, total);
}

term bs_init_writable(process& p, term size_hint) {
  std::size_t hint = is_small(size_hint) && small_value(size_hint) > 0
                         ? static_cast<std::size_t>(small_value(size_hint))
                         : 0;
  std::size_t cap = hint < min_append_capacity ? min_append_capacity : hint;
  if (cap > (std::size_t{1} << 30)) cap = std::size_t{1} << 30;
  if (!p.off_heap_account_.charge(cap)) return p.raise_error(atoms::system_limit);
  binary_blob* blob = binary_blob::create(0, cap);
  if (!blob) return p.raise_error(atoms::system_limit);
  return make_writable(p, blob, 0, 0);
}

}  // namespace aion::vm

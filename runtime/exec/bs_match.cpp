// Binary matching: match contexts and the bs_get_* extractions.
#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

#include "runtime/code/operand.hpp"
#include "runtime/exec/bs_ops.hpp"
#include "runtime/term/number.hpp"

namespace aion::vm {

namespace {

// Reads `bits` (≤ 64) bits starting at bit `pos` as an unsigned big-endian number.
std::uint64_t read_bits(const unsigned char* bytes, std::size_t pos, std::size_t bits) {
  std::uint64_t v = 0;
  std::size_t i = pos >> 3;
  std::size_t skip = pos & 7;
  std::size_t have = 0;
  // gather enough bytes into a 128-bit window
  unsigned __int128 acc = 0;
  std::size_t needed = skip + bits;
  while (have < needed) {
    acc = (acc << 8) | bytes[i++];
    have += 8;
  }
  acc >>= (have - needed);
  if (bits < 64) acc &= (static_cast<unsigned __int128>(1) << bits) - 1;
  v = static_cast<std::uint64_t>(acc);
  return v;
}

}  // namespace

term bs_start_match(process& p, term src) {
  if (!is_bitstring(src)) return non_value;
  term origin;
  std::size_t offset;
  bitstring_origin(src, &origin, &offset);
  std::size_t size = bitstring_view(src).bit_size;
  term* m = p.alloc(match_ctx_words);
  m[0].raw = make_header(subtag::match_ctx, match_ctx_words - 1);
  m[1] = origin;
  m[2].raw = offset;
  m[3].raw = offset;
  m[4].raw = offset + size;
  return make_boxed(m);
}

bool bs_get_integer(process& p, term ctx, std::size_t bits, word flags, term* out) {
  if (match_ctx_remaining(ctx) < bits) return false;
  const unsigned char* bytes = match_ctx_bytes(ctx);
  std::size_t pos = match_ctx_position(ctx);
  bool little = (flags & bs_flag_little) != 0;
  bool is_signed = (flags & bs_flag_signed) != 0;
  if (bits == 0) {
    *out = make_small(0);
    return true;
  }
  if (bits <= 64 && (!little || bits % 8 == 0)) {
    std::uint64_t v = read_bits(bytes, pos, bits);
    if (little) {
      std::uint64_t r = 0;
      for (std::size_t b = 0; b < bits; b += 8) r |= ((v >> (bits - 8 - b)) & 0xFF) << b;
      v = r;
    }
    match_ctx_position(ctx) = pos + bits;
    if (is_signed && bits < 64 && (v >> (bits - 1)) & 1) v |= ~std::uint64_t{0} << bits;
    if (is_signed) {
      *out = make_integer(allocator_of(p), static_cast<std::int64_t>(v));
    } else {
      *out = make_unsigned(allocator_of(p), v);
    }
    return true;
  }
  // General case: collect the bits into little-endian limbs.
  std::size_t nbytes = (bits + 7) / 8;
  std::vector<unsigned char> buf(nbytes, 0);
  // Copy the field into buf right-aligned (big-endian order, leading pad bits zero).
  copy_bits(bytes, pos, buf.data(), nbytes * 8 - bits, bits);
  if (little) {
    // OTP: for little-endian fields the bytes are reversed; a partial byte is the last one
    // in the stream and holds the most significant bits.
    std::vector<unsigned char> le(nbytes, 0);
    std::size_t rest = bits % 8;
    if (rest == 0) {
      for (std::size_t i = 0; i < nbytes; ++i) le[i] = buf[nbytes - 1 - i];
    } else {
      // Re-read the stream: full bytes first (least significant), then the trailing bits.
      std::vector<unsigned char> raw(nbytes, 0);
      copy_bits(bytes, pos, raw.data(), 0, bits);
      for (std::size_t i = 0; i + 1 < nbytes; ++i) le[i] = raw[i];
      le[nbytes - 1] = static_cast<unsigned char>(raw[nbytes - 1] >> (8 - rest));
    }
    // back to big-endian in buf
    for (std::size_t i = 0; i < nbytes; ++i) buf[i] = le[nbytes - 1 - i];
  }
  bool negative = false;
  if (is_signed) {
    std::size_t top_bits = bits % 8 == 0 ? 8 : bits % 8;
    negative = (buf[0] >> (top_bits - 1)) & 1;
    if (negative) {
      // sign-extend the pad bits, then two's complement negate to get the magnitude
      if (top_bits < 8) buf[0] |= static_cast<unsigned char>(0xFF << top_bits);
      for (auto& b : buf) b = static_cast<unsigned char>(~b);
      for (std::size_t i = nbytes; i-- > 0;)
        if (++buf[i] != 0) break;
    }
  }
  std::vector<std::uint64_t> limbs((nbytes + 7) / 8, 0);
  for (std::size_t i = 0; i < nbytes; ++i) {
    std::size_t bit = (nbytes - 1 - i) * 8;
    limbs[bit / 64] |= std::uint64_t{buf[i]} << (bit % 64);
  }
  *out = make_integer_from_limbs(allocator_of(p), limbs.data(), limbs.size(), negative);
  match_ctx_position(ctx) = pos + bits;
  return true;
}

bool bs_get_float(process& p, term ctx, std::size_t bits, word flags, term* out) {
  if (bits != 16 && bits != 32 && bits != 64) return false;
  if (match_ctx_remaining(ctx) < bits) return false;
  std::size_t pos = match_ctx_position(ctx);
  std::uint64_t v = read_bits(match_ctx_bytes(ctx), pos, bits);
  if (flags & bs_flag_little) {
    std::uint64_t r = 0;
    for (std::size_t b = 0; b < bits; b += 8) r |= ((v >> (bits - 8 - b)) & 0xFF) << b;
    v = r;
  }
  double d;
  if (bits == 64) {
    d = std::bit_cast<double>(v);
  } else if (bits == 32) {
    d = std::bit_cast<float>(static_cast<std::uint32_t>(v));
  } else {
    // IEEE half precision
    std::uint32_t h = static_cast<std::uint32_t>(v);
    int exp = (h >> 10) & 0x1F;
    double mant = h & 0x3FF;
    if (exp == 0) d = std::ldexp(mant, -24);
    else if (exp == 31) d = mant == 0 ? INFINITY : NAN;
    else d = std::ldexp(mant + 1024, exp - 25);
    if (h & 0x8000) d = -d;
  }
  if (!std::isfinite(d)) return false;
  *out = make_float(allocator_of(p), d);
  match_ctx_position(ctx) = pos + bits;
  return true;
}

bool bs_get_binary(process& p, term ctx, std::size_t bits, term* out) {
  if (match_ctx_remaining(ctx) < bits) return false;
  std::size_t pos = match_ctx_position(ctx);
  *out = make_sub_binary(allocator_of(p), match_ctx_origin(ctx), pos, bits);
  match_ctx_position(ctx) = pos + bits;
  return true;
}

term bs_get_tail(process& p, term ctx) {
  return make_sub_binary(allocator_of(p), match_ctx_origin(ctx), match_ctx_position(ctx),
                         match_ctx_remaining(ctx));
}

bool bs_match_string(term ctx, std::size_t bits, const unsigned char* bytes) {
  if (match_ctx_remaining(ctx) < bits) return false;
  std::size_t pos = match_ctx_position(ctx);
  const unsigned char* data = match_ctx_bytes(ctx);
  if ((pos & 7) == 0) {
    if (std::memcmp(data + pos / 8, bytes, bits / 8) != 0) return false;
    if (bits % 8) {
      unsigned mask = 0xFF00u >> (bits % 8);
      if ((data[pos / 8 + bits / 8] ^ bytes[bits / 8]) & mask) return false;
    }
  } else {
    for (std::size_t done = 0; done < bits; done += 8) {
      std::size_t n = bits - done < 8 ? bits - done : 8;
      std::uint64_t a = read_bits(data, pos + done, n);
      std::uint64_t b = read_bits(bytes, done, n);
      if (a != b) return false;
    }
  }
  match_ctx_position(ctx) = pos + bits;
  return true;
}

bool bs_get_utf8(term ctx, term* out) {
  std::size_t rem = match_ctx_remaining(ctx);
  if (rem < 8) return false;
  const unsigned char* data = match_ctx_bytes(ctx);
  std::size_t pos = match_ctx_position(ctx);
  auto byte_at = [&](std::size_t i) {
    return static_cast<unsigned>(read_bits(data, pos + 8 * i, 8));
  };
  unsigned b0 = byte_at(0);
  unsigned cp, n;
  if (b0 < 0x80) {
    cp = b0;
    n = 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    cp = b0 & 0x1F;
    n = 2;
  } else if ((b0 & 0xF0) == 0xE0) {
    cp = b0 & 0x0F;
    n = 3;
  } else if ((b0 & 0xF8) == 0xF0) {
    cp = b0 & 0x07;
    n = 4;
  } else {
    return false;
  }
  if (rem < 8 * n) return false;
  for (unsigned i = 1; i < n; ++i) {
    unsigned b = byte_at(i);
    if ((b & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3F);
  }
  // reject overlong forms, surrogates and out-of-range values
  static constexpr unsigned min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_len[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  *out = make_small(cp);
  match_ctx_position(ctx) = pos + 8 * n;
  return true;
}

bool bs_get_utf16(term ctx, word flags, term* out) {
  std::size_t rem = match_ctx_remaining(ctx);
  if (rem < 16) return false;
  const unsigned char* data = match_ctx_bytes(ctx);
  std::size_t pos = match_ctx_position(ctx);
  auto unit_at = [&](std::size_t i) {
    unsigned v = static_cast<unsigned>(read_bits(data, pos + 16 * i, 16));
    if (flags & bs_flag_little) v = ((v & 0xFF) << 8) | (v >> 8);
    return v;
  };
  unsigned w1 = unit_at(0);
  if (w1 < 0xD800 || w1 > 0xDFFF) {
    *out = make_small(w1);
    match_ctx_position(ctx) = pos + 16;
    return true;
  }
  if (w1 > 0xDBFF || rem < 32) return false;
  unsigned w2 = unit_at(1);
  if (w2 < 0xDC00 || w2 > 0xDFFF) return false;
  *out = make_small(0x10000 + (((w1 & 0x3FF) << 10) | (w2 & 0x3FF)));
  match_ctx_position(ctx) = pos + 32;
  return true;
}

bool bs_get_utf32(term ctx, word flags, term* out) {
  if (match_ctx_remaining(ctx) < 32) return false;
  std::size_t pos = match_ctx_position(ctx);
  std::uint32_t v = static_cast<std::uint32_t>(read_bits(match_ctx_bytes(ctx), pos, 32));
  if (flags & bs_flag_little) v = __builtin_bswap32(v);
  if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
  *out = make_small(v);
  match_ctx_position(ctx) = pos + 32;
  return true;
}

}  // namespace aion::vm

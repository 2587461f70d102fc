#include "runtime/bif/md5.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace aion::vm {

namespace {

// floor(2^32 * |sin(i + 1)|), RFC 1321's table.
constexpr std::uint32_t sines[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};
// Left rotations per round, four per quarter.
constexpr int rotations[16] = {7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21};

std::uint32_t load_le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
void store_le32(unsigned char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

}  // namespace

md5_state::md5_state() : h_{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476} {}

void md5_state::block(const unsigned char* p) {
  std::uint32_t m[16];
  for (int i = 0; i < 16; ++i) m[i] = load_le32(p + 4 * i);
  std::uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3];
  for (int i = 0; i < 64; ++i) {
    std::uint32_t f;
    int g;
    switch (i / 16) {
      case 0:
        f = (b & c) | (~b & d);
        g = i;
        break;
      case 1:
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
        break;
      case 2:
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
        break;
      default:
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
        break;
    }
    f += a + sines[i] + m[g];
    a = d;
    d = c;
    c = b;
    b += std::rotl(f, rotations[(i / 16) * 4 + i % 4]);
  }
  h_[0] += a;
  h_[1] += b;
  h_[2] += c;
  h_[3] += d;
}

void md5_state::update(std::string_view data) {
  auto p = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t n = data.size();
  std::size_t used = length_ % 64;
  length_ += n;
  if (used) {
    std::size_t take = std::min(n, 64 - used);
    std::memcpy(buffer_ + used, p, take);
    p += take;
    n -= take;
    if (used + take < 64) return;
    block(buffer_);
  }
  for (; n >= 64; p += 64, n -= 64) block(p);
  std::memcpy(buffer_, p, n);
}

std::array<unsigned char, 16> md5_state::digest() const {
  md5_state s = *this;
  std::uint64_t bits = length_ * 8;
  unsigned char pad[72] = {0x80};
  std::size_t used = length_ % 64;
  std::size_t pad_len = used < 56 ? 56 - used : 120 - used;
  s.update(std::string_view(reinterpret_cast<const char*>(pad), pad_len));
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(bits >> (8 * i));
  s.update(std::string_view(reinterpret_cast<const char*>(len), 8));
  std::array<unsigned char, 16> out;
  for (int i = 0; i < 4; ++i) store_le32(out.data() + 4 * i, s.h_[i]);
  return out;
}

std::array<unsigned char, md5_state::state_bytes> md5_state::save() const {
  std::array<unsigned char, state_bytes> out{};
  for (int i = 0; i < 4; ++i) store_le32(out.data() + 4 * i, h_[i]);
  for (int i = 0; i < 8; ++i) out[16 + i] = static_cast<unsigned char>(length_ >> (8 * i));
  std::memcpy(out.data() + 24, buffer_, 64);
  return out;
}

bool md5_state::restore(std::string_view bytes) {
  if (bytes.size() != state_bytes) return false;
  auto p = reinterpret_cast<const unsigned char*>(bytes.data());
  for (int i = 0; i < 4; ++i) h_[i] = load_le32(p + 4 * i);
  length_ = 0;
  for (int i = 0; i < 8; ++i) length_ |= static_cast<std::uint64_t>(p[16 + i]) << (8 * i);
  std::memcpy(buffer_, p + 24, 64);
  return true;
}

}  // namespace aion::vm

#include "id_source.hpp"

namespace aion::persistence::detail {

id_source::id_source() {
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device(),
                     device(), device(), device(), device()};
  engine_.seed(seed);
}

std::string id_source::uuid() {
  std::uint64_t high;
  std::uint64_t low;
  {
    std::lock_guard lock{mutex_};
    high = engine_();
    low = engine_();
  }
  return format_uuid(high, low);
}

std::string id_source::uuid_from(std::uint64_t seed) {
  std::mt19937_64 engine{seed};
  auto high = engine();
  auto low = engine();
  return format_uuid(high, low);
}

std::string id_source::format_uuid(std::uint64_t high, std::uint64_t low) {
  high = (high & ~std::uint64_t{0xf000}) | 0x4000;                         // version 4
  low = (low & ~(std::uint64_t{0xc} << 60)) | (std::uint64_t{0x8} << 60);  // RFC 4122 variant
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  auto put = [&](std::uint64_t value, int from_bit, int nibbles) {
    for (int i = 0; i < nibbles; ++i) text.push_back(digits[(value >> (from_bit - 4 * i)) & 0xf]);
  };
  put(high, 60, 8);
  text.push_back('-');
  put(high, 28, 4);
  text.push_back('-');
  put(high, 12, 4);
  text.push_back('-');
  put(low, 60, 4);
  text.push_back('-');
  put(low, 44, 12);
  return text;
}

std::int64_t id_source::positive_id() {
  std::lock_guard lock{mutex_};
  for (;;) {
    auto value = static_cast<std::int64_t>(engine_() >> 1);
    if (value != 0) return value;
  }
}

}  // namespace aion::persistence::detail

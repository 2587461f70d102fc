// SHA-256 (FIPS 180-4), for content-addressed modules and migration checksums.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace aion::persistence::detail {

/// Incremental SHA-256. Not thread-safe; one instance per digest.
class sha256 {
 public:
  sha256() noexcept;
  /// Feeds more input.
  void update(std::string_view data) noexcept;
  /// Finishes and returns the 32-byte digest; the object must not be used afterwards.
  std::array<std::uint8_t, 32> finish() noexcept;

 private:
  void compress(const std::uint8_t* block) noexcept;

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

/// Lowercase hex SHA-256 of `data` (64 characters).
std::string sha256_hex(std::string_view data);

}  // namespace aion::persistence::detail

// MD5 (RFC 1321) for erlang:md5/1 and the md5_init/update/final BIFs. Not for security:
// OTP offers it for checksums and so does aion, without linking a crypto library.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace aion::vm {

/// An MD5 computation in progress. Its state serialises to `state_bytes` bytes so that an
/// Erlang context binary (erlang:md5_init/0) can carry it between calls.
class md5_state {
 public:
  static constexpr std::size_t state_bytes = 88;

  md5_state();
  /// Feeds more input.
  void update(std::string_view data);
  /// The digest of everything fed so far (the state itself is left unchanged).
  std::array<unsigned char, 16> digest() const;

  /// The state as `state_bytes` bytes, and back (false when `bytes` has the wrong size).
  std::array<unsigned char, state_bytes> save() const;
  bool restore(std::string_view bytes);

 private:
  void block(const unsigned char* p);

  std::uint32_t h_[4];
  std::uint64_t length_ = 0;  // bytes fed so far
  unsigned char buffer_[64] = {};
};

}  // namespace aion::vm

// Binaries and bitstrings: heap binaries, reference-counted off-heap binaries and sub-binaries.
// Layouts are described in term_layout.md.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/term/term.hpp"
#include "runtime/term/term_allocator.hpp"

namespace aion::vm {

/// Bytes of a binary larger than `heap_bin_limit`, shared between processes by reference count.
/// Allocated with `binary_blob::create`; the last `release` frees it. Thread-safe counting.
struct binary_blob {
  std::atomic<std::uint64_t> refs;
  std::size_t size;      ///< bytes in use
  std::size_t capacity;  ///< bytes allocated (appends may grow into it)
  /// True while exactly one refc_bin may append in place (OTP's writable binaries).
  std::atomic<bool> writable;
  alignas(8) unsigned char data[8];

  /// A blob holding `capacity` bytes with `size` in use and one reference. Null on failure.
  static binary_blob* create(std::size_t size, std::size_t capacity);
  /// Grows capacity (the blob may move); only valid with one reference. Null on failure.
  static binary_blob* grow(binary_blob* b, std::size_t capacity);
  void retain() { refs.fetch_add(1, std::memory_order_relaxed); }
  /// Bytes held by the live blobs of this OS process (all its VMs), for metrics.
  static std::uint64_t live_bytes();
  void release();
};

/// Binaries up to this many bytes live on the process heap; larger ones are refc binaries.
inline constexpr std::size_t heap_bin_limit = 64;

// refc_bin: [header][byte size][binary_blob*][next refc_bin (raw address) or 0][flags]
inline constexpr word refc_bin_words = 5;
// sub_bin: [header][original binary term][bit offset][bit size][flags]
inline constexpr word sub_bin_words = 5;
// match_ctx: [header][original binary term][base bit offset][position][end]
inline constexpr word match_ctx_words = 5;

constexpr word heap_bin_words(std::size_t bytes) { return 2 + (bytes + 7) / 8; }

inline std::size_t heap_bin_size(term t) { return boxed_ptr(t)[1].raw; }
inline unsigned char* heap_bin_bytes(term t) {
  return reinterpret_cast<unsigned char*>(boxed_ptr(t) + 2);
}
inline binary_blob* refc_bin_blob(term t) {
  return reinterpret_cast<binary_blob*>(boxed_ptr(t)[2].raw);
}

/// A read-only view of the bits of any bitstring term (heap, refc or sub binary) or of what
/// remains in a match context. Bits are numbered from the most significant bit of bytes[0].
struct bit_view {
  const unsigned char* bytes;
  std::size_t bit_offset;
  std::size_t bit_size;

  bool byte_aligned() const { return (bit_offset & 7) == 0 && (bit_size & 7) == 0; }
  std::size_t byte_size() const { return bit_size >> 3; }
  /// The bytes when byte_aligned(): a pointer to the first one.
  const unsigned char* aligned_bytes() const { return bytes + (bit_offset >> 3); }
  std::string_view as_string_view() const {
    return {reinterpret_cast<const char*>(aligned_bytes()), byte_size()};
  }
};

/// The bits of bitstring `t`. Precondition: is_bitstring(t).
bit_view bitstring_view(term t);
/// The underlying heap or refc binary of a bitstring and the bit offset into it.
void bitstring_origin(term t, term* origin, std::size_t* bit_offset);

/// A binary holding `bytes`: a heap binary when small (or when `a.off_heap` is null, i.e. the
/// memory is immortal), else a refc binary linked into `*a.off_heap`. non_value when out of
/// memory or larger than the limit of `a.account`.
term make_binary(const term_allocator& a, std::string_view bytes);
/// As make_binary with `size` bytes left for the caller to fill through `*data`.
term make_binary_uninit(const term_allocator& a, std::size_t size, unsigned char** data);
/// A bitstring of `bit_size` bits starting `bit_offset` bits into the heap or refc binary
/// `origin` (a sub binary; `origin` itself when it covers the whole of it).
term make_sub_binary(const term_allocator& a, term origin, std::size_t bit_offset,
                     std::size_t bit_size);

/// Copies `bits` bits starting at bit `src_offset` of `src` to bit `dst_offset` of `dst`.
void copy_bits(const unsigned char* src, std::size_t src_offset, unsigned char* dst,
               std::size_t dst_offset, std::size_t bits);

}  // namespace aion::vm

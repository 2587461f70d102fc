#include "runtime/term/binary.hpp"

#include "runtime/term/heap.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

namespace aion::vm {

namespace {
// Capacity of every live blob of this OS process (all its VMs): a statistic, relaxed.
std::atomic<std::int64_t> live_blob_bytes{0};
}  // namespace

std::uint64_t binary_blob::live_bytes() {
  std::int64_t n = live_blob_bytes.load(std::memory_order_relaxed);
  return n > 0 ? static_cast<std::uint64_t>(n) : 0;
}

binary_blob* binary_blob::create(std::size_t size, std::size_t capacity) {
  if (capacity < size) capacity = size;
  void* mem = std::malloc(offsetof(binary_blob, data) + (capacity < 8 ? 8 : capacity));
  if (!mem) return nullptr;
  auto* b = static_cast<binary_blob*>(mem);
  new (&b->refs) std::atomic<std::uint64_t>(1);
  b->size = size;
  b->capacity = capacity;
  new (&b->writable) std::atomic<bool>(false);
  live_blob_bytes.fetch_add(static_cast<std::int64_t>(capacity), std::memory_order_relaxed);
  return b;
}

binary_blob* binary_blob::grow(binary_blob* b, std::size_t capacity) {
  const std::size_t old_capacity = b->capacity;
  void* mem = std::realloc(b, offsetof(binary_blob, data) + capacity);
  if (!mem) return nullptr;
  b = static_cast<binary_blob*>(mem);
  b->capacity = capacity;
  live_blob_bytes.fetch_add(static_cast<std::int64_t>(capacity) - static_cast<std::int64_t>(old_capacity),
                            std::memory_order_relaxed);
  return b;
}

void binary_blob::release() {
  if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    live_blob_bytes.fetch_sub(static_cast<std::int64_t>(capacity), std::memory_order_relaxed);
    std::free(this);
  }
}

void bitstring_origin(term t, term* origin, std::size_t* bit_offset) {
  term* p = boxed_ptr(t);
  if (header_subtag(p->raw) == subtag::sub_bin) {
    *origin = p[1];
    *bit_offset = p[2].raw;
  } else {
    *origin = t;
    *bit_offset = 0;
  }
}

bit_view bitstring_view(term t) {
  term* p = boxed_ptr(t);
  switch (header_subtag(p->raw)) {
    case subtag::heap_bin:
      return {reinterpret_cast<const unsigned char*>(p + 2), 0, p[1].raw * 8};
    case subtag::refc_bin:
      return {refc_bin_blob(t)->data, 0, p[1].raw * 8};
    case subtag::sub_bin: {
      bit_view base = bitstring_view(p[1]);
      return {base.bytes, p[2].raw, p[3].raw};
    }
    default:
      return {nullptr, 0, 0};
  }
}

term make_binary_uninit(const term_allocator& a, std::size_t size, unsigned char** data) {
  if (size <= heap_bin_limit || a.off_heap == nullptr) {
    term* p = a.alloc(heap_bin_words(size));
    if (!p) return non_value;
    p[0].raw = make_header(subtag::heap_bin, heap_bin_words(size) - 1);
    p[1].raw = size;
    p[heap_bin_words(size) - 1].raw = 0;  // no stale bits in the padding
    *data = reinterpret_cast<unsigned char*>(p + 2);
    return make_boxed(p);
  }
  if (a.account && !a.account->charge(size)) return non_value;
  binary_blob* blob = binary_blob::create(size, size);
  if (!blob) return non_value;
  term* p = a.alloc(refc_bin_words);
  if (!p) {
    blob->release();
    return non_value;
  }
  p[0].raw = make_header(subtag::refc_bin, refc_bin_words - 1);
  p[1].raw = size;
  p[2].raw = reinterpret_cast<word>(blob);
  p[4].raw = 0;
  link_off_heap(p, a.off_heap);
  *data = blob->data;
  return make_boxed(p);
}

term make_binary(const term_allocator& a, std::string_view bytes) {
  unsigned char* data;
  term t = make_binary_uninit(a, bytes.size(), &data);
  if (is_value(t) && !bytes.empty()) std::memcpy(data, bytes.data(), bytes.size());
  return t;
}

term make_sub_binary(const term_allocator& a, term origin, std::size_t bit_offset,
                     std::size_t bit_size) {
  if (bit_offset == 0 && bit_size == bitstring_view(origin).bit_size) return origin;
  term* p = a.alloc(sub_bin_words);
  if (!p) return non_value;
  p[0].raw = make_header(subtag::sub_bin, sub_bin_words - 1);
  p[1] = origin;
  p[2].raw = bit_offset;
  p[3].raw = bit_size;
  p[4].raw = 0;
  return make_boxed(p);
}

void copy_bits(const unsigned char* src, std::size_t src_offset, unsigned char* dst,
               std::size_t dst_offset, std::size_t bits) {
  if (bits == 0) return;
  if ((src_offset & 7) == 0 && (dst_offset & 7) == 0) {
    std::size_t bytes = bits >> 3;
    std::memcpy(dst + (dst_offset >> 3), src + (src_offset >> 3), bytes);
    std::size_t rest = bits & 7;
    if (rest) {
      unsigned char mask = static_cast<unsigned char>(0xFF00 >> rest);
      unsigned char& d = dst[(dst_offset >> 3) + bytes];
      d = static_cast<unsigned char>((d & ~mask) | (src[(src_offset >> 3) + bytes] & mask));
    }
    return;
  }
  // Unaligned: move a byte at a time through a 16-bit window.
  while (bits > 0) {
    std::size_t si = src_offset >> 3, so = src_offset & 7;
    unsigned v = static_cast<unsigned>(src[si]) << 8;
    if (so + (bits < 8 ? bits : 8) > 8) v |= src[si + 1];
    unsigned char byte = static_cast<unsigned char>((v << so) >> 8);
    std::size_t n = bits < 8 ? bits : 8;
    std::size_t di = dst_offset >> 3, dof = dst_offset & 7;
    // write n bits of `byte` (msb-first) at dst bit dst_offset
    unsigned mask16 = ((0xFFu << (8 - n)) & 0xFFu) << 8 >> dof;
    unsigned val16 = (static_cast<unsigned>(byte) << 8) >> dof;
    dst[di] = static_cast<unsigned char>((dst[di] & ~(mask16 >> 8)) | ((val16 & mask16) >> 8));
    if ((mask16 & 0xFF) != 0)
      dst[di + 1] = static_cast<unsigned char>((dst[di + 1] & ~(mask16 & 0xFF)) | (val16 & mask16 & 0xFF));
    src_offset += n;
    dst_offset += n;
    bits -= n;
  }
}

}  // namespace aion::vm

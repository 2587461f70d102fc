// Checksums of iodata: erlang:crc32/1,2, crc32_combine/3, adler32/1,2, adler32_combine/3 (zlib's,
// as OTP uses) and erlang:md5/1, md5_init/0, md5_update/2, md5_final/1 (md5.hpp).
#include <zlib.h>

#include <string>

#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"
#include "runtime/bif/md5.hpp"
#include "runtime/term/binary.hpp"

namespace aion::vm {

namespace {

// The bytes of iodata `t`: a view of a byte-aligned binary, else flattened into `scratch`.
bool iodata_bytes(term t, std::string& scratch, std::string_view* out) {
  if (is_bitstring(t)) {
    bit_view v = bitstring_view(t);
    if (v.bit_size % 8) return false;
    if (v.bit_offset % 8 == 0) {
      *out = v.as_string_view();
      return true;
    }
  } else if (!is_list(t) && !is_nil(t)) {
    return false;
  }
  if (!iolist_to_bytes(t, scratch)) return false;
  *out = scratch;
  return true;
}

std::optional<std::uint32_t> checksum_arg(term t) {
  auto v = integer_to_uint64(t);
  if (!v || *v > 0xFFFFFFFFu) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}

template <class Update>
term checksum(process& p, std::uint32_t start, term data, Update update) {
  std::string scratch;
  std::string_view bytes;
  if (!iodata_bytes(data, scratch, &bytes)) return p.badarg();
  uLong c = start;
  // zlib takes at most uInt bytes per call.
  while (!bytes.empty()) {
    std::size_t n = std::min<std::size_t>(bytes.size(), 1u << 30);
    c = update(c, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(n));
    bytes.remove_prefix(n);
  }
  return make_unsigned(allocator_of(p), c);
}

term crc32_1(process& p, const term* a) {
  return checksum(p, 0, a[0], ::crc32);
}
term crc32_2(process& p, const term* a) {
  auto start = checksum_arg(a[0]);
  if (!start) return p.badarg();
  return checksum(p, *start, a[1], ::crc32);
}
term adler32_1(process& p, const term* a) {
  return checksum(p, 1, a[0], ::adler32);
}
term adler32_2(process& p, const term* a) {
  auto start = checksum_arg(a[0]);
  if (!start) return p.badarg();
  return checksum(p, *start, a[1], ::adler32);
}

template <class Combine>
term combine(process& p, const term* a, Combine fn) {
  auto first = checksum_arg(a[0]), second = checksum_arg(a[1]);
  auto size = integer_to_uint64(a[2]);
  if (!first || !second || !size || *size > 0xFFFFFFFFu) return p.badarg();
  return make_unsigned(allocator_of(p), fn(*first, *second, static_cast<z_off_t>(*size)));
}
term crc32_combine3(process& p, const term* a) {
  return combine(p, a, ::crc32_combine);
}
term adler32_combine3(process& p, const term* a) {
  return combine(p, a, ::adler32_combine);
}

// ---- md5
// ------------------------------------------------------------------------------------------
term digest_binary(process& p, const md5_state& s) {
  auto d = s.digest();
  return make_binary(allocator_of(p),
                     std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}
term context_binary(process& p, const md5_state& s) {
  auto bytes = s.save();
  return make_binary(allocator_of(p),
                     std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}
bool context_of(term t, md5_state& s) {
  if (!is_bitstring(t)) return false;
  bit_view v = bitstring_view(t);
  if (v.bit_size % 8 || v.bit_offset % 8) return false;
  return s.restore(v.as_string_view());
}

term md5_1(process& p, const term* a) {
  std::string scratch;
  std::string_view bytes;
  if (!iodata_bytes(a[0], scratch, &bytes)) return p.badarg();
  md5_state s;
  s.update(bytes);
  return digest_binary(p, s);
}
term md5_init0(process& p, const term*) {
  return context_binary(p, md5_state());
}
term md5_update2(process& p, const term* a) {
  md5_state s;
  std::string scratch;
  std::string_view bytes;
  if (!context_of(a[0], s) || !iodata_bytes(a[1], scratch, &bytes)) return p.badarg();
  s.update(bytes);
  return context_binary(p, s);
}
term md5_final1(process& p, const term* a) {
  md5_state s;
  if (!context_of(a[0], s)) return p.badarg();
  return digest_binary(p, s);
}

constexpr bif_def defs[] = {
    {"erlang", "crc32", 1, crc32_1},
    {"erlang", "crc32", 2, crc32_2},
    {"erlang", "crc32_combine", 3, crc32_combine3},
    {"erlang", "adler32", 1, adler32_1},
    {"erlang", "adler32", 2, adler32_2},
    {"erlang", "adler32_combine", 3, adler32_combine3},
    {"erlang", "md5", 1, md5_1},
    {"erlang", "md5_init", 0, md5_init0},
    {"erlang", "md5_update", 2, md5_update2},
    {"erlang", "md5_final", 1, md5_final1},
};

}  // namespace

std::span<const bif_def> bifs_checksum() {
  return defs;
}

}  // namespace aion::vm

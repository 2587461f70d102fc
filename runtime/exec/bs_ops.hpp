// Bit syntax: match contexts (bs_start_match, bs_get_*) and construction (bs_create_bin).
#pragma once

#include <cstddef>

#include "runtime/exec/process.hpp"
#include "runtime/term/binary.hpp"

namespace aion::vm {

// Match context accessors: [header][origin binary][start][position][end], positions in bits
// from the start of the origin's bytes.
inline term match_ctx_origin(term ctx) { return boxed_ptr(ctx)[1]; }
inline word match_ctx_start(term ctx) { return boxed_ptr(ctx)[2].raw; }
inline word& match_ctx_position(term ctx) { return boxed_ptr(ctx)[3].raw; }
inline word match_ctx_end(term ctx) { return boxed_ptr(ctx)[4].raw; }
inline bool is_match_ctx(term t) { return is_boxed_of(t, subtag::match_ctx); }
inline const unsigned char* match_ctx_bytes(term ctx) {
  return bitstring_view(match_ctx_origin(ctx)).bytes;
}
inline std::size_t match_ctx_remaining(term ctx) {
  return match_ctx_end(ctx) - match_ctx_position(ctx);
}

/// A match context over bitstring `src` (reused when `src` is already one); non_value when
/// `src` is not a bitstring.
term bs_start_match(process& p, term src);
/// Reads an integer of `bits` bits; false (no change) when fewer bits remain.
bool bs_get_integer(process& p, term ctx, std::size_t bits, word flags, term* out);
bool bs_get_float(process& p, term ctx, std::size_t bits, word flags, term* out);
/// A sub binary of `bits` bits at the position.
bool bs_get_binary(process& p, term ctx, std::size_t bits, term* out);
bool bs_get_utf8(term ctx, term* out);
bool bs_get_utf16(term ctx, word flags, term* out);
bool bs_get_utf32(term ctx, word flags, term* out);
/// Compares `bits` bits at the position with `bytes`; advances on a match.
bool bs_match_string(term ctx, std::size_t bits, const unsigned char* bytes);
/// The rest of the context as a bitstring.
term bs_get_tail(process& p, term ctx);

/// One segment of bs_create_bin, as the loader encoded it.
struct bs_segment_spec {
  word type;  // see translate.cpp's bs_segment: integer, float, binary, utf8, utf16, utf32,
              // string, append, private_append
  word unit;
  word flags;
  term value;  // for string segments: the address of the bytes (raw)
  term size;   // size operand (small integer, or the atoms all / undefined)
};

/// Builds a bitstring from `n` segments. On bad segments returns non_value with the
/// exception (badarg, or system_limit) raised on `p`.
term bs_create_bin(process& p, const bs_segment_spec* segments, std::size_t n);
/// bs_init_writable: an empty binary that appends can grow in place; `size_hint` in bytes.
term bs_init_writable(process& p, term size_hint);

}  // namespace aion::vm

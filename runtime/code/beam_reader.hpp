// Reading the container of a .beam file: its chunks and the compact operand encoding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/result.hpp"
#include "runtime/term/term.hpp"

namespace aion::vm {

/// The chunks of a .beam file the loader uses (empty views when absent).
struct beam_chunks {
  std::string_view atoms;        ///< AtU8 (or the old latin-1 Atom chunk)
  bool atoms_utf8 = true;
  std::string_view code;
  std::string_view strings;      ///< StrT
  std::string_view imports;      ///< ImpT
  std::string_view exports;      ///< ExpT
  std::string_view locals;       ///< LocT
  std::string_view funs;         ///< FunT
  std::string_view literals;     ///< LitT
  std::string_view lines;        ///< Line
  std::string_view attributes;   ///< Attr
  std::string_view compile_info; ///< CInf
};

/// Splits a .beam file into chunks, checking the IFF framing.
result<beam_chunks> read_beam_chunks(std::string_view bytes);

/// A bounds-checked big-endian reader. Reads past the end set `failed()` and return zeros.
class byte_reader {
 public:
  explicit byte_reader(std::string_view bytes)
      : p_(reinterpret_cast<const unsigned char*>(bytes.data())), end_(p_ + bytes.size()) {}
  bool failed() const { return failed_; }
  bool at_end() const { return p_ >= end_; }
  std::size_t remaining() const { return end_ - p_; }
  std::uint8_t u8() {
    if (p_ >= end_) return fail();
    return *p_++;
  }
  std::uint16_t u16() {
    if (remaining() < 2) return fail();
    std::uint16_t v = static_cast<std::uint16_t>((p_[0] << 8) | p_[1]);
    p_ += 2;
    return v;
  }
  std::uint32_t u32() {
    if (remaining() < 4) return fail();
    std::uint32_t v = (std::uint32_t{p_[0]} << 24) | (std::uint32_t{p_[1]} << 16) |
                      (std::uint32_t{p_[2]} << 8) | p_[3];
    p_ += 4;
    return v;
  }
  std::string_view bytes(std::size_t n) {
    if (remaining() < n) {
      fail();
      return {};
    }
    std::string_view v(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return v;
  }
  const unsigned char* position() const { return p_; }

 private:
  std::uint8_t fail() {
    failed_ = true;
    p_ = end_;
    return 0;
  }
  const unsigned char* p_;
  const unsigned char* end_;
  bool failed_ = false;
};

/// Kinds of compact-encoded operands.
enum class operand_kind : std::uint8_t {
  u, integer, atom, nil, x, y, label, character, list, fr, alloc, literal, big_integer,
};

/// One decoded operand of a generic instruction.
struct generic_operand {
  operand_kind kind;
  std::int64_t value = 0;        ///< u, integer, atom index, register, label, literal index
  std::vector<std::uint8_t> big; ///< big_integer: two's complement big-endian bytes
  std::vector<generic_operand> list;  ///< list and alloc contents
};

/// Decodes one compact-encoded operand. Lists nest at most one level deep, and their length
/// is bounded by the bytes remaining, so hostile input cannot exhaust memory.
bool read_compact_operand(byte_reader& r, generic_operand& out, bool allow_list = true);

}  // namespace aion::vm

// Term layout of the aion VM: every Erlang value is one tagged 64-bit word.
// The full description lives in runtime/term_layout.md; keep both in step.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace aion::vm {

using word = std::uint64_t;
using sword = std::int64_t;

/// One Erlang value: an immediate (small integer, atom, pid, nil) or a pointer to a heap object
/// (cons cell or boxed object). Trivially copyable; only meaningful inside the heap (process
/// heap, heap fragment or literal area) it points into.
struct term {
  word raw;
  constexpr bool operator==(const term&) const = default;
};

// ---- primary tag: the low 2 bits -------------------------------------------------------------
inline constexpr word primary_mask = 0x3;
inline constexpr word tag_header = 0x0;  ///< header word of a boxed object (heap only)
inline constexpr word tag_list = 0x1;    ///< pointer to a cons cell
inline constexpr word tag_boxed = 0x2;   ///< pointer to a boxed object's header
inline constexpr word tag_immed1 = 0x3;

// ---- immediates: the low 4 bits --------------------------------------------------------------
inline constexpr word immed1_mask = 0xF;
inline constexpr word immed1_pid = 0x3;
inline constexpr word immed1_port = 0x7;
inline constexpr word immed1_immed2 = 0xB;
inline constexpr word immed1_small = 0xF;
inline constexpr int small_bits = 60;
inline constexpr sword max_small = (sword{1} << (small_bits - 1)) - 1;
inline constexpr sword min_small = -(sword{1} << (small_bits - 1));

// ---- second-level immediates: the low 6 bits ---------------------------------------------------
inline constexpr word immed2_mask = 0x3F;
inline constexpr word immed2_atom = 0x0B;
inline constexpr word immed2_catch = 0x1B;
inline constexpr word immed2_nil = 0x3B;

/// The value no Erlang term has: "no result" from a native or "unbound" in a table.
inline constexpr term non_value{0};
inline constexpr term nil{immed2_nil};

// ---- boxed object headers: arity << 6 | subtag << 2 | 00 ---------------------------------------
// `arity` is always the number of words that follow the header, so every object's size is
// known from its header alone (the collector depends on it).
enum class subtag : word {
  tuple = 0,      ///< arity elements
  pos_bignum = 1, ///< arity limbs, least significant first
  neg_bignum = 2,
  ref = 3,        ///< [id]
  fun = 4,        ///< [fun_entry*, free variables...]
  flonum = 5,     ///< [double]
  export_fun = 6, ///< [export_entry*]
  refc_bin = 7,   ///< [byte size, binary_blob*, next refc_bin in the off-heap list, flags]
  heap_bin = 8,   ///< [byte size, bytes...]
  sub_bin = 9,    ///< [original binary term, bit offset, bit size, writable flag]
  match_ctx = 10, ///< [original binary term, bit offset of start, position, end]
  flatmap = 11,   ///< [keys tuple, values...]
  hashmap = 12,   ///< [size, bitmap, children...] (root) or [bitmap, children...] (node)
  hashmap_node = 13,
  hashmap_collision = 14, ///< [size, k1, v1, k2, v2...]
};
inline constexpr word header_arity_shift = 6;
inline constexpr word header_subtag_mask = 0x3C;

constexpr word make_header(subtag s, word arity) {
  return (arity << header_arity_shift) | (static_cast<word>(s) << 2);
}
constexpr word header_arity(word h) { return h >> header_arity_shift; }
constexpr subtag header_subtag(word h) { return static_cast<subtag>((h & header_subtag_mask) >> 2); }
constexpr bool is_header(word w) { return (w & primary_mask) == tag_header; }

// ---- predicates -----------------------------------------------------------------------------
constexpr bool is_immed(term t) { return (t.raw & primary_mask) == tag_immed1; }
constexpr bool is_list(term t) { return (t.raw & primary_mask) == tag_list; }
constexpr bool is_boxed(term t) { return (t.raw & primary_mask) == tag_boxed; }
constexpr bool is_small(term t) { return (t.raw & immed1_mask) == immed1_small; }
constexpr bool is_pid(term t) { return (t.raw & immed1_mask) == immed1_pid; }
constexpr bool is_atom(term t) { return (t.raw & immed2_mask) == immed2_atom; }
constexpr bool is_catch(term t) { return (t.raw & immed2_mask) == immed2_catch; }
constexpr bool is_nil(term t) { return t.raw == immed2_nil; }
constexpr bool is_value(term t) { return t.raw != 0; }

// ---- construction and access of immediates ----------------------------------------------------
constexpr term make_small(sword v) { return term{(static_cast<word>(v) << 4) | immed1_small}; }
constexpr sword small_value(term t) { return static_cast<sword>(t.raw) >> 4; }
constexpr bool fits_small(sword v) { return v >= min_small && v <= max_small; }
constexpr term make_atom(word index) { return term{(index << 6) | immed2_atom}; }
constexpr word atom_index(term t) { return t.raw >> 6; }
constexpr term make_pid(word number) { return term{(number << 4) | immed1_pid}; }
constexpr word pid_number(term t) { return t.raw >> 4; }
/// A catch marker on the stack: the address of the handler code, stored shifted.
inline term make_catch(const void* handler) {
  return term{(reinterpret_cast<word>(handler) << 3) | immed2_catch};
}
inline const void* catch_handler(term t) {
  return reinterpret_cast<const void*>((t.raw & ~immed2_mask) >> 3);
}

// ---- pointers ----------------------------------------------------------------------------------
inline term* list_ptr(term t) { return reinterpret_cast<term*>(t.raw - tag_list); }
inline term* boxed_ptr(term t) { return reinterpret_cast<term*>(t.raw - tag_boxed); }
inline term make_list(const term* cell) { return term{reinterpret_cast<word>(cell) + tag_list}; }
inline term make_boxed(const term* obj) { return term{reinterpret_cast<word>(obj) + tag_boxed}; }
inline term car(term t) { return list_ptr(t)[0]; }
inline term cdr(term t) { return list_ptr(t)[1]; }
inline word boxed_header(term t) { return boxed_ptr(t)->raw; }

inline bool is_boxed_of(term t, subtag s) {
  return is_boxed(t) && (boxed_header(t) & (header_subtag_mask | primary_mask)) ==
                            (static_cast<word>(s) << 2);
}
inline bool is_tuple(term t) { return is_boxed_of(t, subtag::tuple); }
inline bool is_flonum(term t) { return is_boxed_of(t, subtag::flonum); }
inline bool is_bignum(term t) {
  if (!is_boxed(t)) return false;
  auto s = header_subtag(boxed_header(t));
  return s == subtag::pos_bignum || s == subtag::neg_bignum;
}
inline bool is_integer(term t) { return is_small(t) || is_bignum(t); }
inline bool is_number(term t) { return is_integer(t) || is_flonum(t); }
inline bool is_ref(term t) { return is_boxed_of(t, subtag::ref); }
inline bool is_fun(term t) {
  if (!is_boxed(t)) return false;
  auto s = header_subtag(boxed_header(t));
  return s == subtag::fun || s == subtag::export_fun;
}
inline bool is_map(term t) {
  if (!is_boxed(t)) return false;
  auto s = header_subtag(boxed_header(t));
  return s == subtag::flatmap || s == subtag::hashmap;
}
/// Binaries and bitstrings (heap, refc and sub binaries; not match contexts).
inline bool is_bitstring(term t) {
  if (!is_boxed(t)) return false;
  auto s = header_subtag(boxed_header(t));
  return s == subtag::heap_bin || s == subtag::refc_bin || s == subtag::sub_bin;
}

// ---- tuples --------------------------------------------------------------------------------------
inline word tuple_arity(term t) { return header_arity(boxed_header(t)); }
/// Element i, 0-based.
inline term tuple_element(term t, word i) { return boxed_ptr(t)[1 + i]; }
inline term* tuple_elements(term t) { return boxed_ptr(t) + 1; }

// ---- floats --------------------------------------------------------------------------------------
inline double flonum_value(term t) { return std::bit_cast<double>(boxed_ptr(t)[1].raw); }
inline constexpr word flonum_words = 2;
inline term write_flonum(term* at, double d) {
  at[0].raw = make_header(subtag::flonum, 1);
  at[1].raw = std::bit_cast<word>(d);
  return make_boxed(at);
}

// ---- references ------------------------------------------------------------------------------------
inline constexpr word ref_words = 2;
inline word ref_id(term t) { return boxed_ptr(t)[1].raw; }
inline term write_ref(term* at, word id) {
  at[0].raw = make_header(subtag::ref, 1);
  at[1].raw = id;
  return make_boxed(at);
}

// ---- heap-object size -----------------------------------------------------------------------------
/// Words occupied by the boxed object starting with header `h` (header included).
constexpr word object_words(word h) { return header_arity(h) + 1; }

/// Which payload words of a boxed object are terms: `count` words starting `first` words after
/// the header. Every layout keeps its raw words before its terms so this pair says it all; the
/// collector and term copying both rely on it.
struct term_slots {
  word first;
  word count;
};
constexpr term_slots object_term_slots(word h) {
  word a = header_arity(h);
  switch (header_subtag(h)) {
    case subtag::tuple: return {1, a};
    case subtag::fun: return {2, a - 1};             // [fun_entry*][free vars]
    case subtag::sub_bin: return {1, 1};             // [orig][raw...]
    case subtag::match_ctx: return {1, 1};           // [orig][raw...]
    case subtag::flatmap: return {1, a};             // [keys][values]
    case subtag::hashmap: return {3, a - 2};         // [size][bitmap][children]
    case subtag::hashmap_node: return {2, a - 1};    // [bitmap][children]
    case subtag::hashmap_collision: return {1, a};   // [k1, v1, k2, v2...]
    default: return {1, 0};
  }
}

}  // namespace aion::vm

// OTP 25's term hashes, rebuilt from their observable behaviour: erlang:phash2/1,2 (make_hash2
// in erts' utils.c) and the internal hash that places keys in hash-trie maps
// (make_internal_hash and make_map_hash). Both mix 32-bit words with Bob Jenkins' lookup2 MIX.
//
// Where aion's terms cannot carry OTP's bits, the hashes stay deterministic instead:
//  - phash2 of a pid hashes our pid number as OTP hashes the number of <0.N.0>; a reference
//    hashes the low 32 bits of its id as OTP hashes its first ref number.
//  - The map hash of an immediate mixes OTP's raw term word. Small integers and [] (0x3B) are
//    encoded as in OTP, so they land exactly where OTP puts them. OTP encodes an atom by its
//    index in the atom table, which depends on the node's history; we use the atom's name hash
//    instead (and, from trie level 8 down, its whole name too, so that every bit that tells two
//    keys apart feeds the hash, as the trie needs to separate them). Export funs are hashed by
//    name rather than by the address of their export entry. Map order for such keys is thus
//    stable across runs and replays, but not the one erl shows.
#include "runtime/term/term_hash.hpp"

#include <cstring>
#include <vector>

#include "runtime/term/atom_table.hpp"
#include "runtime/term/binary.hpp"
#include "runtime/term/fun.hpp"
#include "runtime/term/map_layout.hpp"
#include "runtime/term/number.hpp"

namespace aion::vm {

namespace {

constexpr std::uint32_t golden = 0x9e3779b9u;
/// OTP's HCONST_n: the golden ratio times n, modulo 2^32.
constexpr std::uint32_t hconst(std::uint32_t n) {
  return golden * n;
}
/// Seed of make_internal_hash, so that it differs from phash2.
constexpr std::uint32_t internal_hash_salt = 3432918353u;
/// tag_val_def of [] in OTP (NIL_DEF), mixed in when [] is not the first thing hashed.
constexpr std::uint32_t otp_nil_def = 2;

// clang-format off
inline void mix(std::uint32_t& a, std::uint32_t& b, std::uint32_t& c) {
  a -= b; a -= c; a ^= (c >> 13);
  b -= c; b -= a; b ^= (a << 8);
  c -= a; c -= b; c ^= (b >> 13);
  a -= b; a -= c; a ^= (c >> 12);
  b -= c; b -= a; b ^= (a << 16);
  c -= a; c -= b; c ^= (b >> 5);
  a -= b; a -= c; a ^= (c >> 3);
  b -= c; b -= a; b ^= (a << 10);
  c -= a; c -= b; c ^= (b >> 15);
}
// clang-format on

/// UINT32_HASH_2: mixes two words and a type constant into `hash`.
inline void hash2(std::uint32_t& hash, std::uint32_t x, std::uint32_t y, std::uint32_t k) {
  std::uint32_t a = k + x;
  std::uint32_t b = k + y;
  mix(a, b, hash);
}
inline void hash1(std::uint32_t& hash, std::uint32_t x, std::uint32_t k) {
  hash2(hash, x, 0, k);
}

/// Jenkins' lookup2 over a byte block (OTP's block_hash).
std::uint32_t block_hash(const unsigned char* k, std::size_t length, std::uint32_t initval) {
  std::uint32_t a = golden, b = golden, c = initval;
  std::size_t len = length;
  auto le32 = [](const unsigned char* p) {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
           std::uint32_t{p[3]} << 24;
  };
  while (len >= 12) {
    a += le32(k);
    b += le32(k + 4);
    c += le32(k + 8);
    mix(a, b, c);
    k += 12;
    len -= 12;
  }
  // OTP truncates the length to 32 bits here.
  c += static_cast<std::uint32_t>(length);
  switch (len) {  // every case falls through
    case 11: c += std::uint32_t{k[10]} << 24; [[fallthrough]];
    case 10: c += std::uint32_t{k[9]} << 16; [[fallthrough]];
    case 9: c += std::uint32_t{k[8]} << 8; [[fallthrough]];
    case 8: b += std::uint32_t{k[7]} << 24; [[fallthrough]];
    case 7: b += std::uint32_t{k[6]} << 16; [[fallthrough]];
    case 6: b += std::uint32_t{k[5]} << 8; [[fallthrough]];
    case 5: b += k[4]; [[fallthrough]];
    case 4: a += std::uint32_t{k[3]} << 24; [[fallthrough]];
    case 3: a += std::uint32_t{k[2]} << 16; [[fallthrough]];
    case 2: a += std::uint32_t{k[1]} << 8; [[fallthrough]];
    case 1: a += k[0]; [[fallthrough]];
    default: break;
  }
  mix(a, b, c);
  return c;
}

/// The bytes of a bitstring, realigned when it starts inside a byte: `size` whole bytes, then
/// `tail_bits` bits in the high bits of one more byte.
struct aligned_bits {
  const unsigned char* bytes;
  std::size_t size;
  unsigned tail_bits;
  std::vector<unsigned char> copy;
};

void read_bits(term t, aligned_bits& out) {
  bit_view v = bitstring_view(t);
  out.size = v.bit_size >> 3;
  out.tail_bits = static_cast<unsigned>(v.bit_size & 7);
  if ((v.bit_offset & 7) == 0) {
    out.bytes = v.bytes + (v.bit_offset >> 3);
    return;
  }
  out.copy.assign(out.size + (out.tail_bits != 0), 0);
  copy_bits(v.bytes, v.bit_offset, out.copy.data(), 0, v.bit_size);
  out.bytes = out.copy.data();
}

/// Binary hashing shared by phash2 and the internal hash.
void hash_bitstring(std::uint32_t& hash, term t) {
  aligned_bits bits;
  read_bits(t, bits);
  // OTP truncates sizes above 4 GB to 32 bits.
  std::size_t size = bits.size & 0xFFFFFFFFu;
  std::uint32_t con = hconst(13) + hash;
  if (size == 0 && bits.tail_bits == 0) {
    hash = con;
    return;
  }
  hash = block_hash(bits.bytes, size, con);
  if (bits.tail_bits > 0) {
    hash2(hash, bits.tail_bits, bits.bytes[bits.size] >> (8 - bits.tail_bits), hconst(15));
  }
}

void hash_bignum(std::uint32_t& hash, term t) {
  std::uint32_t con = bignum_negative(t) ? hconst(10) : hconst(11);
  const std::uint64_t* limbs = bignum_limb_data(t);
  std::size_t n = bignum_limbs(t);
  // Limbs above the most significant non-zero one are not part of the number.
  while (n > 1 && limbs[n - 1] == 0) --n;
  for (std::size_t i = 0; i < n; ++i) {
    hash2(hash, static_cast<std::uint32_t>(limbs[i]), static_cast<std::uint32_t>(limbs[i] >> 32),
          con);
  }
}

/// A float's two 32-bit halves, with -0.0 folded into 0.0 (in OTP 25, 0.0 =:= -0.0).
struct float_words {
  std::uint32_t low, high;
};
float_words float_halves(term t) {
  double d = flonum_value(t);
  if (d == 0.0) d = 0.0;
  word bits = std::bit_cast<word>(d);
  return {static_cast<std::uint32_t>(bits), static_cast<std::uint32_t>(bits >> 32)};
}

/// The work stack of a hash walk: inline for the usual shallow terms, on the heap beyond.
class term_stack {
 public:
  void push_back(term t) {
    if (n_ < inline_size) {
      inline_[n_] = t;
    } else {
      overflow_.push_back(t);
    }
    ++n_;
  }
  bool empty() const { return n_ == 0; }
  term back() const { return n_ <= inline_size ? inline_[n_ - 1] : overflow_.back(); }
  void pop_back() {
    if (n_ > inline_size) overflow_.pop_back();
    --n_;
  }

 private:
  static constexpr std::size_t inline_size = 32;
  term inline_[inline_size];
  std::vector<term> overflow_;
  std::size_t n_ = 0;
};

// ---- phash2 (make_hash2) ----------------------------------------------------------------------

/// Markers pushed between terms; they are header words, which no term is.
constexpr term mark_map_tail{make_header(subtag::ref, 1)};
constexpr term mark_map_pair{make_header(subtag::ref, 2)};
constexpr term mark_cdr{make_header(subtag::ref, 3)};

inline bool is_byte(term t) {
  return is_small(t) && static_cast<word>(small_value(t)) < 256;
}

void push_map_pairs_phash(term_stack& stack, term m) {
  if (header_subtag(boxed_header(m)) == subtag::flatmap) {
    word n = flatmap_size(m);
    const term* ks = flatmap_keys(m);
    const term* vs = flatmap_values(m);
    for (word i = n; i-- > 0;) {
      stack.push_back(mark_map_pair);
      stack.push_back(vs[i]);
      stack.push_back(ks[i]);
    }
    return;
  }
  // Pairs are hashed independently and combined with xor, so the trie order is irrelevant.
  hashmap_for_each_leaf(m, [&](term k, term v) {
    stack.push_back(mark_map_pair);
    stack.push_back(v);
    stack.push_back(k);
  });
}

std::uint32_t make_hash2(const atom_table& atoms, term t) {
  std::uint32_t hash = 0;
  std::uint32_t xor_pairs = 0;
  term_stack stack;
  for (;;) {
    if (is_list(t)) {
      // Runs of bytes are hashed four at a time.
      int c = 0;
      std::uint32_t sh = 0;
      term* cell = list_ptr(t);
      while (is_byte(cell[0])) {
        sh = (sh << 8) + static_cast<std::uint32_t>(small_value(cell[0]));
        if (c == 3) {
          hash1(hash, sh, hconst(4));
          c = 0;
          sh = 0;
        } else {
          ++c;
        }
        t = cell[1];
        if (!is_list(t)) break;
        cell = list_ptr(t);
      }
      if (c > 0) hash1(hash, sh, hconst(4));
      if (is_list(t)) {
        stack.push_back(cell[1]);
        t = cell[0];
      }
      continue;  // t is the next element or the tail
    }
    if (is_boxed(t)) {
      word h = boxed_header(t);
      switch (header_subtag(h)) {
        case subtag::tuple: {
          word arity = header_arity(h);
          hash1(hash, static_cast<std::uint32_t>(arity), hconst(9));
          if (arity == 0) break;
          for (word i = arity; i > 1; --i) stack.push_back(tuple_element(t, i - 1));
          t = tuple_element(t, 0);
          continue;
        }
        case subtag::flatmap:
        case subtag::hashmap: {
          std::size_t size =
              header_subtag(h) == subtag::flatmap ? flatmap_size(t) : hashmap_size(t);
          hash1(hash, static_cast<std::uint32_t>(size), hconst(16));
          if (size == 0) break;
          stack.push_back(term{xor_pairs});
          stack.push_back(term{hash});
          stack.push_back(mark_map_tail);
          hash = 0;
          xor_pairs = 0;
          push_map_pairs_phash(stack, t);
          break;
        }
        case subtag::fun: {
          const fun_entry* fe = fun_entry_of(t);
          word num_free = fun_num_free(t);
          hash2(hash, static_cast<std::uint32_t>(num_free), atoms.hash(fe->module_name), golden);
          hash2(hash, fe->index, fe->old_uniq, golden);
          if (num_free == 0) break;
          const term* env = fun_free_vars(t);
          for (word i = num_free; i > 1; --i) stack.push_back(env[i - 1]);
          t = env[0];
          continue;
        }
        case subtag::export_fun: {
          const export_entry* e = export_of(t);
          hash2(hash, e->arity, atoms.hash(e->module), golden);
          hash1(hash, atoms.hash(e->function), hconst(14));
          break;
        }
        case subtag::heap_bin:
        case subtag::refc_bin:
        case subtag::sub_bin: hash_bitstring(hash, t); break;
        case subtag::pos_bignum:
        case subtag::neg_bignum: hash_bignum(hash, t); break;
        case subtag::ref: hash1(hash, static_cast<std::uint32_t>(ref_id(t)), hconst(7)); break;
        case subtag::flonum: {
          float_words f = float_halves(t);
          hash2(hash, f.high, f.low, hconst(12));
          break;
        }
        default: break;  // match contexts and trie nodes are not terms of their own
      }
    } else if (is_small(t)) {
      sword v = small_value(t);
      if (v >= -(sword{1} << 27) && v < (sword{1} << 27)) {
        auto y = static_cast<std::int32_t>(v);
        // Negative numbers are mixed twice, as in OTP.
        if (y < 0) hash1(hash, static_cast<std::uint32_t>(-y), golden);
        hash1(hash, static_cast<std::uint32_t>(y), golden);
      } else {
        // Hashed as the one-limb bignum it would be on a 28-bit small machine.
        std::uint64_t mag =
            v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
        hash2(hash, static_cast<std::uint32_t>(mag), static_cast<std::uint32_t>(mag >> 32),
              v < 0 ? hconst(10) : hconst(11));
      }
    } else if (is_atom(t)) {
      if (hash == 0) {
        hash = atoms.hash(t);
      } else {
        hash1(hash, atoms.hash(t), hconst(3));
      }
    } else if (is_nil(t)) {
      if (hash == 0) {
        hash = 3468870702u;
      } else {
        hash1(hash, otp_nil_def, hconst(2));
      }
    } else if (is_pid(t)) {
      hash1(hash, static_cast<std::uint32_t>(pid_number(t)), hconst(5));
    } else if ((t.raw & immed1_mask) == immed1_port) {
      word number = t.raw >> 4;
      hash2(hash, static_cast<std::uint32_t>(number), static_cast<std::uint32_t>(number >> 32),
            hconst(6));
    }

    // The hash of t is complete: continue with what is stacked.
    for (;;) {
      if (stack.empty()) return hash;
      t = stack.back();
      stack.pop_back();
      if (t == mark_map_tail) {
        hash = static_cast<std::uint32_t>(stack.back().raw);
        stack.pop_back();
        hash1(hash, xor_pairs, hconst(19));
        xor_pairs = static_cast<std::uint32_t>(stack.back().raw);
        stack.pop_back();
      } else if (t == mark_map_pair) {
        xor_pairs ^= hash;
        hash = 0;
      } else {
        break;
      }
    }
  }
}

// ---- the map hash (make_internal_hash) ------------------------------------------------------

/// The word that stands for an atom in the map hash (see the top of this file).
inline word atom_hash_word(const atom_table& atoms, term a) {
  return (word{atoms.hash(a)} << 6) | immed2_atom;
}

class internal_hasher {
 public:
  internal_hasher(const atom_table& atoms, std::uint32_t depth) : atoms_(atoms), deep_(depth > 0) {
    std::uint32_t salt = 0;
    if (depth > 0) hash2(salt, depth, 1, hconst(22));
    hash_ = salt ^ internal_hash_salt;
  }

  std::uint32_t run(term t);

 private:
  void immediate(term t) {
    word raw = t.raw;
    if (is_atom(t)) {
      raw = atom_hash_word(atoms_, t);
      if (deep_) atom_name(t);
    }
    hash2(hash_, static_cast<std::uint32_t>(raw), static_cast<std::uint32_t>(raw >> 32), golden);
  }
  /// Below the first eight trie levels, atoms also contribute their whole name.
  void atom_name(term a) {
    std::string_view name = atoms_.name(a);
    hash_ = block_hash(reinterpret_cast<const unsigned char*>(name.data()), name.size(), hash_);
  }
  /// CONST_HASH: lightweight mixing of a type constant.
  void const_hash(std::uint32_t k) {
    hash_ ^= k;
    hash_ = (hash_ << 17) ^ (hash_ >> (32 - 17));
  }
  void push_map(term m);

  const atom_table& atoms_;
  bool deep_;
  std::uint32_t hash_;
  term_stack stack_;
};

void internal_hasher::push_map(term m) {
  word h = boxed_header(m);
  switch (header_subtag(h)) {
    case subtag::flatmap: {
      word n = flatmap_size(m);
      hash1(hash_, static_cast<std::uint32_t>(n), hconst(16));
      const term* ks = flatmap_keys(m);
      const term* vs = flatmap_values(m);
      for (word i = n; i-- > 0;) {
        stack_.push_back(vs[i]);
        stack_.push_back(ks[i]);
      }
      return;
    }
    case subtag::hashmap:
      hash1(hash_, static_cast<std::uint32_t>(hashmap_size(m)), hconst(16));
      [[fallthrough]];
    case subtag::hashmap_node: {
      // Children are stacked in trie order, so the last one is hashed first; sub-nodes are
      // hashed when popped, as OTP does.
      const term* children = hashmap_children(m);
      word n = hashmap_child_count(m);
      for (word i = 0; i < n; ++i) {
        term c = children[i];
        if (is_list(c)) {
          stack_.push_back(cdr(c));
          stack_.push_back(car(c));
        } else {
          stack_.push_back(c);
        }
      }
      return;
    }
    default: return;
  }
}

std::uint32_t internal_hasher::run(term t) {
  for (;;) {
    if (is_list(t)) {
      int c = 0;
      std::uint32_t sh = 0;
      term* cell = list_ptr(t);
      while (is_byte(cell[0])) {
        sh = (sh << 8) + static_cast<std::uint32_t>(small_value(cell[0]));
        if (c == 3) {
          hash1(hash_, sh, hconst(4));
          c = 0;
          sh = 0;
        } else {
          ++c;
        }
        t = cell[1];
        if (!is_list(t)) break;
        cell = list_ptr(t);
      }
      if (c > 0) hash2(hash_, sh, static_cast<std::uint32_t>(c), hconst(22));
      if (is_list(t)) {
        term tail = cell[1];
        const_hash(hconst(17));  // the car of a cons cell
        stack_.push_back(tail);
        if (!is_list(tail)) stack_.push_back(mark_cdr);
        t = cell[0];
      }
      continue;
    }
    if (is_boxed(t)) {
      word h = boxed_header(t);
      switch (header_subtag(h)) {
        case subtag::tuple: {
          word arity = header_arity(h);
          hash1(hash_, static_cast<std::uint32_t>(arity), hconst(9));
          if (arity == 0) break;
          for (word i = arity; i > 1; --i) stack_.push_back(tuple_element(t, i - 1));
          t = tuple_element(t, 0);
          continue;
        }
        case subtag::flatmap:
        case subtag::hashmap:
        case subtag::hashmap_node: push_map(t); break;
        case subtag::fun: {
          const fun_entry* fe = fun_entry_of(t);
          word num_free = fun_num_free(t);
          hash2(hash_, static_cast<std::uint32_t>(num_free),
                static_cast<std::uint32_t>(atom_hash_word(atoms_, fe->module_name)), hconst(20));
          if (deep_) atom_name(fe->module_name);
          hash2(hash_, fe->index, fe->old_uniq, hconst(21));
          if (num_free == 0) break;
          const term* env = fun_free_vars(t);
          for (word i = num_free; i > 1; --i) stack_.push_back(env[i - 1]);
          t = env[0];
          continue;
        }
        case subtag::export_fun: {
          // OTP hashes the export entry's address; we hash what it names, which is stable.
          const export_entry* e = export_of(t);
          word m = atom_hash_word(atoms_, e->module);
          word f = atom_hash_word(atoms_, e->function);
          hash2(hash_, static_cast<std::uint32_t>(m), static_cast<std::uint32_t>(f), hconst(14));
          hash1(hash_, e->arity, hconst(14));
          if (deep_) {
            atom_name(e->module);
            atom_name(e->function);
          }
          break;
        }
        case subtag::heap_bin:
        case subtag::refc_bin:
        case subtag::sub_bin: hash_bitstring(hash_, t); break;
        case subtag::pos_bignum:
        case subtag::neg_bignum: hash_bignum(hash_, t); break;
        case subtag::ref: {
          word id = ref_id(t);
          hash1(hash_, static_cast<std::uint32_t>(id), hconst(7));
          hash2(hash_, static_cast<std::uint32_t>(id >> 32), 0, hconst(8));
          break;
        }
        case subtag::flonum: {
          float_words f = float_halves(t);
          hash2(hash_, f.low, f.high, hconst(12));
          break;
        }
        default: break;
      }
    } else {
      immediate(t);
    }

    for (;;) {
      if (stack_.empty()) return hash_;
      t = stack_.back();
      stack_.pop_back();
      if (t == mark_cdr) {
        const_hash(hconst(18));  // the cdr of a cons cell
        continue;
      }
      break;
    }
  }
}

}  // namespace

std::uint32_t atom_name_hash(std::string_view name) {
  // hashpjw over the name's bytes, where a UTF-8 encoded Latin-1 character counts as its
  // Latin-1 byte (so that atoms keep the hash they had before OTP 20 made names UTF-8).
  std::uint32_t h = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(name.data());
  std::size_t len = name.size();
  while (len--) {
    std::uint32_t v = *p++;
    if (len && (v & 0xFE) == 0xC2 && (*p & 0xC0) == 0x80) {
      v = ((v << 6) | (*p & 0x3F)) & 0xFF;
      ++p;
      --len;
    }
    h = (h << 4) + v;
    if (std::uint32_t g = h & 0xF0000000u) {
      h ^= g >> 24;
      h ^= g;
    }
  }
  return h;
}

std::uint32_t phash2(const atom_table& atoms, term t) {
  return make_hash2(atoms, t) & ((std::uint32_t{1} << 27) - 1);
}

std::uint32_t phash2(const atom_table& atoms, term t, std::uint32_t range) {
  std::uint32_t h = make_hash2(atoms, t);
  return range == 0 ? h : h % range;
}

std::uint32_t map_key_hash(const atom_table& atoms, term key, std::uint32_t depth) {
  if (depth == 0 && is_small(key)) {
    // The common case, without setting up a stack.
    std::uint32_t hash = internal_hash_salt;
    hash2(hash, static_cast<std::uint32_t>(key.raw), static_cast<std::uint32_t>(key.raw >> 32),
          golden);
    return hash;
  }
  internal_hasher h(atoms, depth);
  return h.run(key);
}

}  // namespace aion::vm

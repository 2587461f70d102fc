// erlang:phash/2, OTP's older portable hash. `sets` and `dict` place their keys with it, so
// their iteration order (sets:to_list/1, dict:to_list/1, fold) is erl's only if it is
// bit-compatible. Rebuilt from its observable behaviour and checked against erl
// (test/conformance/c_stdlib_sets.erl): a multiply-and-add hash over the term's structure with
// a prime per kind of term. Pids and references hash by aion's local numbers.
#include <cstring>
#include <vector>

#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"
#include "runtime/term/binary.hpp"
#include "runtime/term/fun.hpp"
#include "runtime/term/term_hash.hpp"

namespace aion::vm {

namespace {

// The multipliers, one per kind of term.
constexpr std::uint32_t k_byte_seq = 268440163;  // atoms, binary bytes, fun modules
constexpr std::uint32_t k_integer = 268439161;   // integer bytes, list bytes, fun identity
constexpr std::uint32_t k_positive = 268435459;  // [] and non-negative integers
constexpr std::uint32_t k_negative = 268436141;  // negative integers, binary sizes
constexpr std::uint32_t k_pid = 268438633;
constexpr std::uint32_t k_float = 268437017;
constexpr std::uint32_t k_list_end = 268437511;
constexpr std::uint32_t k_tuple = 268439627;
constexpr std::uint32_t k_ref = 268439627;
constexpr std::uint32_t k_fun = 268440479;
constexpr std::uint32_t k_export = 268440577;
constexpr std::uint32_t k_bits = 268440581;
constexpr std::uint32_t k_map = 268440593;
constexpr std::uint32_t k_map_add = 268440611;
constexpr std::uint32_t k_pid_end = 268437017;
constexpr std::uint32_t k_ref_end = 268440479;

class legacy_hasher {
 public:
  explicit legacy_hasher(const atom_table& atoms) : atoms_(atoms) {}

  std::uint32_t run(term t) {
    // Work items: a term to hash, or a deferred step after a list or tuple.
    struct item {
      enum kind_t { value, list_end, tuple_end } kind;
      term t;
      word n;
    };
    std::vector<item> stack{{item::value, t, 0}};
    while (!stack.empty()) {
      item it = stack.back();
      stack.pop_back();
      if (it.kind == item::list_end) {
        h_ *= k_list_end;
        continue;
      }
      if (it.kind == item::tuple_end) {
        h_ = h_ * k_tuple + static_cast<std::uint32_t>(it.n);
        continue;
      }
      term x = it.t;
      if (is_list(x)) {
        // Elements in order, then the tail, then the list's end mark.
        std::vector<term> elems;
        for (; is_list(x); x = cdr(x)) elems.push_back(car(x));
        stack.push_back({item::list_end, nil, 0});
        stack.push_back({item::value, x, 0});
        for (std::size_t i = elems.size(); i-- > 0;) {
          term e = elems[i];
          if (is_small(e) && small_value(e) >= 0 && small_value(e) <= 255) {
            // Bytes of a string hash more cheaply than integers, in place.
            stack.push_back({item::value, e, 1});
          } else {
            stack.push_back({item::value, e, 0});
          }
        }
        continue;
      }
      if (it.n == 1) {  // a byte inside a list
        h_ = h_ * k_integer + static_cast<std::uint32_t>(small_value(x));
        continue;
      }
      if (is_tuple(x)) {
        word n = tuple_arity(x);
        stack.push_back({item::tuple_end, nil, n});
        for (word i = n; i-- > 0;) stack.push_back({item::value, tuple_element(x, i), 0});
        continue;
      }
      if (is_fun(x) && !is_boxed_of(x, subtag::export_fun)) {
        const fun_entry* fe = fun_entry_of(x);
        word free = fun_num_free(x);
        h_ = h_ * k_fun + static_cast<std::uint32_t>(free);
        h_ = h_ * k_byte_seq + atoms_.hash(fe->module_name);
        h_ = h_ * k_integer + fe->index;
        h_ = h_ * k_integer + fe->old_uniq;
        for (word i = free; i-- > 0;) stack.push_back({item::value, fun_free_vars(x)[i], 0});
        continue;
      }
      leaf(x);
    }
    return h_;
  }

 private:
  // Four bytes of `v`, least significant first.
  void word32(std::uint32_t v, std::uint32_t k) {
    for (int i = 0; i < 4; ++i) h_ = h_ * k + ((v >> (8 * i)) & 0xFF);
  }

  void leaf(term x) {
    if (is_nil(x)) {
      h_ = h_ * k_positive + 1;
    } else if (is_atom(x)) {
      h_ = h_ * k_byte_seq + atoms_.hash(x);
    } else if (is_small(x)) {
      sword v = small_value(x);
      std::uint64_t mag = v < 0 ? -static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
      word32(static_cast<std::uint32_t>(mag), k_integer);
      if (mag >> 32) word32(static_cast<std::uint32_t>(mag >> 32), k_integer);
      h_ *= v < 0 ? k_negative : k_positive;
    } else if (is_bignum(x)) {
      const std::uint64_t* limbs = bignum_limb_data(x);
      std::size_t n = bignum_limbs(x);
      for (std::size_t i = 0; i < n; ++i) {
        std::uint64_t d = limbs[i];
        int bytes = (i + 1 < n || (d >> 32)) ? 8 : 4;
        for (int j = 0; j < bytes; ++j, d >>= 8) h_ = h_ * k_integer + (d & 0xFF);
      }
      h_ *= bignum_negative(x) ? k_negative : k_positive;
    } else if (is_flonum(x)) {
      double d = flonum_value(x);
      if (d == 0.0) d = 0.0;  // -0.0 hashes as 0.0
      std::uint64_t bits;
      std::memcpy(&bits, &d, 8);
      h_ = h_ * k_float +
           (static_cast<std::uint32_t>(bits) ^ static_cast<std::uint32_t>(bits >> 32));
    } else if (is_bitstring(x)) {
      bit_view v = bitstring_view(x);
      std::size_t bytes = v.bit_size / 8, rest = v.bit_size % 8;
      std::string buf((v.bit_size + 7) / 8, '\0');
      copy_bits(v.bytes, v.bit_offset, reinterpret_cast<unsigned char*>(buf.data()), 0, v.bit_size);
      for (std::size_t i = 0; i < bytes; ++i)
        h_ = h_ * k_byte_seq + static_cast<unsigned char>(buf[i]);
      if (rest) {
        std::uint32_t b = static_cast<unsigned char>(buf[bytes]) >> (8 - rest);
        h_ = (h_ * k_byte_seq + b) * k_bits + static_cast<std::uint32_t>(rest);
      }
      h_ = h_ * k_negative + static_cast<std::uint32_t>(bytes);
    } else if (is_boxed_of(x, subtag::export_fun)) {
      const export_entry* e = export_of(x);
      h_ = h_ * k_export + e->arity;
      h_ = h_ * k_byte_seq + atoms_.hash(e->module);
      h_ = h_ * k_byte_seq + atoms_.hash(e->function);
    } else if (is_map(x)) {
      h_ = h_ * k_map + k_map_add + phash2(atoms_, x, 0);
    } else if (is_pid(x)) {
      word32(static_cast<std::uint32_t>(pid_number(x)), k_pid);
      h_ *= k_pid_end;
    } else if (is_ref(x)) {
      word32(static_cast<std::uint32_t>(ref_id(x)), k_ref);
      h_ *= k_ref_end;
    }
  }

  const atom_table& atoms_;
  std::uint32_t h_ = 0;
};

term phash2_args(process& p, const term* a) {
  std::optional<std::uint64_t> range = integer_to_uint64(a[1]);
  if (!range || *range < 1 || *range > (std::uint64_t{1} << 32)) return p.badarg();
  std::uint64_t h = legacy_hasher(atoms_of(p)).run(a[0]);
  return make_small(static_cast<sword>(h % *range + 1));
}

constexpr bif_def defs[] = {
    {"erlang", "phash", 2, phash2_args},
};

}  // namespace

std::span<const bif_def> bifs_phash() {
  return defs;
}

}  // namespace aion::vm

#include "runtime/term/compare.hpp"

#include <algorithm>
#include <cstring>
#include <forward_list>
#include <utility>
#include <vector>

#include "runtime/term/atom_table.hpp"
#include "runtime/term/binary.hpp"
#include "runtime/term/fun.hpp"
#include "runtime/term/map.hpp"
#include "runtime/term/map_layout.hpp"
#include "runtime/term/number.hpp"

namespace aion::vm {

namespace {

/// Erlang's order of types.
enum class type_rank : int {
  number,
  atom,
  ref,
  fun,
  port,
  pid,
  tuple,
  map,
  nil,
  list,
  bitstring,
  other
};

type_rank rank_of(term t) {
  switch (t.raw & primary_mask) {
    case tag_list: return type_rank::list;
    case tag_boxed:
      switch (header_subtag(boxed_header(t))) {
        case subtag::tuple: return type_rank::tuple;
        case subtag::pos_bignum:
        case subtag::neg_bignum:
        case subtag::flonum: return type_rank::number;
        case subtag::ref: return type_rank::ref;
        case subtag::fun:
        case subtag::export_fun: return type_rank::fun;
        case subtag::refc_bin:
        case subtag::heap_bin:
        case subtag::sub_bin: return type_rank::bitstring;
        case subtag::flatmap:
        case subtag::hashmap: return type_rank::map;
        default: return type_rank::other;
      }
    case tag_immed1:
      switch (t.raw & immed1_mask) {
        case immed1_small: return type_rank::number;
        case immed1_pid: return type_rank::pid;
        case immed1_port: return type_rank::port;
        default:
          if (is_atom(t)) return type_rank::atom;
          if (is_nil(t)) return type_rank::nil;
          return type_rank::other;
      }
    default: return type_rank::other;
  }
}

template <class T>
int three_way(T x, T y) {
  return (x > y) - (x < y);
}

int compare_atom_names(const atom_table& atoms, term a, term b) {
  if (a == b) return 0;
  int r = atoms.name(a).compare(atoms.name(b));  // bytewise: UTF-8 order is code point order
  return (r > 0) - (r < 0);
}

/// Eight bits of `bytes` starting at bit `pos`, reading no byte past bit `end`.
unsigned byte_at(const unsigned char* bytes, std::size_t pos, std::size_t end) {
  std::size_t i = pos >> 3;
  unsigned shift = pos & 7;
  if (shift == 0) return bytes[i];
  unsigned v = static_cast<unsigned>(bytes[i]) << 8;
  std::size_t wanted = end - pos < 8 ? end - pos : 8;
  if (shift + wanted > 8) v |= bytes[i + 1];
  return (v >> (8 - shift)) & 0xFF;
}

/// Bitstrings compare bit by bit, then a proper prefix is the smaller.
int compare_bitstrings(term a, term b) {
  bit_view x = bitstring_view(a), y = bitstring_view(b);
  std::size_t common = x.bit_size < y.bit_size ? x.bit_size : y.bit_size;
  std::size_t whole = common >> 3;
  unsigned rest = common & 7;
  if ((x.bit_offset & 7) == 0 && (y.bit_offset & 7) == 0) {
    const unsigned char* p = x.aligned_bytes();
    const unsigned char* q = y.aligned_bytes();
    if (int r = whole ? std::memcmp(p, q, whole) : 0; r != 0) return r < 0 ? -1 : 1;
    if (rest) {
      unsigned mask = (0xFF00u >> rest) & 0xFF;
      if (int r = three_way(p[whole] & mask, q[whole] & mask); r != 0) return r;
    }
  } else {
    std::size_t xe = x.bit_offset + x.bit_size, ye = y.bit_offset + y.bit_size;
    for (std::size_t k = 0; k < whole; ++k) {
      unsigned u = byte_at(x.bytes, x.bit_offset + 8 * k, xe);
      unsigned v = byte_at(y.bytes, y.bit_offset + 8 * k, ye);
      if (u != v) return u < v ? -1 : 1;
    }
    if (rest) {
      unsigned mask = (0xFF00u >> rest) & 0xFF;
      unsigned u = byte_at(x.bytes, x.bit_offset + 8 * whole, xe) & mask;
      unsigned v = byte_at(y.bytes, y.bit_offset + 8 * whole, ye) & mask;
      if (u != v) return u < v ? -1 : 1;
    }
  }
  return three_way(x.bit_size, y.bit_size);
}

/// Element-wise comparisons still to do: a[i] against b[i] for i < count.
struct pending {
  const term* a;
  const term* b;
  std::size_t count;
  bool exact;
};

/// The comparison stack: inline for shallow terms, spilling to the C++ heap for deep ones.
class work_stack {
 public:
  bool empty() const { return size_ == 0; }
  void push(const term* a, const term* b, std::size_t count, bool exact) {
    if (size_ < inline_capacity)
      inline_[size_] = {a, b, count, exact};
    else
      spilled_.push_back({a, b, count, exact});
    ++size_;
  }
  /// Takes the next pair of the topmost pending comparison.
  void next(term* a, term* b, bool* exact) {
    pending& top = size_ <= inline_capacity ? inline_[size_ - 1] : spilled_.back();
    *a = *top.a++;
    *b = *top.b++;
    *exact = top.exact;
    if (--top.count == 0) {
      if (size_ > inline_capacity) spilled_.pop_back();
      --size_;
    }
  }

 private:
  static constexpr std::size_t inline_capacity = 16;
  pending inline_[inline_capacity];
  std::vector<pending> spilled_;
  std::size_t size_ = 0;
};

/// One comparison (or equality test) of two terms, walking them with an explicit stack.
/// `atoms` orders atoms by name; without it atoms order by index, a total order that is
/// all equality tests need (they only care whether the result is zero).
class comparer {
 public:
  comparer(const atom_table* atoms, bool equality_only)
      : atoms_(atoms), equality_only_(equality_only) {}

  int run(term a, term b, bool exact) {
    for (;;) {
      if (a != b) {
        if (int r = compare_one(a, b, exact); r != 0) return r;
      }
      if (stack_.empty()) return 0;
      stack_.next(&a, &b, &exact);
    }
  }

 private:
  int compare_atoms(term a, term b) const {
    if (atoms_) return compare_atom_names(*atoms_, a, b);
    return three_way(atom_index(a), atom_index(b));
  }

  /// Compares the roots of `a` and `b` (which are not identical words); pushes whatever
  /// must be compared below them when the roots tie.
  int compare_one(term a, term b, bool exact) {
    type_rank ra = rank_of(a), rb = rank_of(b);
    if (ra != rb) return ra < rb ? -1 : 1;
    switch (ra) {
      case type_rank::number:
        if (exact) {
          bool fa = is_flonum(a), fb = is_flonum(b);
          if (fa != fb) return fa ? 1 : -1;  // map-key order: every integer before every float
        }
        return compare_numbers(a, b);
      case type_rank::atom: return equality_only_ ? 1 : compare_atoms(a, b);
      case type_rank::ref: return three_way(ref_id(a), ref_id(b));
      case type_rank::fun: return compare_funs(a, b, exact);
      case type_rank::port:
      case type_rank::pid: return three_way(a.raw >> 4, b.raw >> 4);
      case type_rank::tuple: {
        word n = tuple_arity(a);
        if (n != tuple_arity(b)) return n < tuple_arity(b) ? -1 : 1;
        if (n) stack_.push(tuple_elements(a), tuple_elements(b), n, exact);
        return 0;
      }
      case type_rank::map: return compare_maps(a, b, exact);
      case type_rank::nil: return 0;
      case type_rank::list: stack_.push(list_ptr(a), list_ptr(b), 2, exact); return 0;
      case type_rank::bitstring:
        if (equality_only_ && bitstring_view(a).bit_size != bitstring_view(b).bit_size) return 1;
        return compare_bitstrings(a, b);
      case type_rank::other: return three_way(a.raw, b.raw);
    }
    return 0;
  }

  /// Local funs (module, index, uniq, free variables) before export funs (module, name,
  /// arity), as OTP 25 orders them.
  int compare_funs(term a, term b, bool exact) {
    bool la = header_subtag(boxed_header(a)) == subtag::fun;
    bool lb = header_subtag(boxed_header(b)) == subtag::fun;
    if (la != lb) return la ? -1 : 1;
    if (!la) {
      const export_entry* x = export_of(a);
      const export_entry* y = export_of(b);
      if (x == y) return 0;
      if (int r = compare_atoms(x->module, y->module); r != 0) return r;
      if (int r = compare_atoms(x->function, y->function); r != 0) return r;
      return three_way(x->arity, y->arity);
    }
    const fun_entry* x = fun_entry_of(a);
    const fun_entry* y = fun_entry_of(b);
    if (x != y) {
      if (int r = compare_atoms(x->module_name, y->module_name); r != 0) return r;
      if (int r = three_way(x->index, y->index); r != 0) return r;
      if (int r = three_way(x->old_uniq, y->old_uniq); r != 0) return r;
    }
    word n = fun_num_free(a);
    if (int r = three_way(n, fun_num_free(b)); r != 0) return r;
    if (n) stack_.push(fun_free_vars(a), fun_free_vars(b), n, exact);
    return 0;
  }

  /// Maps order by size, then by their keys in map-key order (exact), then by the values
  /// in key order.
  int compare_maps(term a, term b, bool exact) {
    std::size_t n = map_size(a);
    if (int r = three_way(n, map_size(b)); r != 0) return r;
    if (n == 0) return 0;
    const term *ka, *kb, *va, *vb;
    if (header_subtag(boxed_header(a)) == subtag::flatmap &&
        header_subtag(boxed_header(b)) == subtag::flatmap) {
      ka = flatmap_keys(a);
      kb = flatmap_keys(b);
      va = flatmap_values(a);
      vb = flatmap_values(b);
    } else {
      std::vector<term>& ea = entries(a);
      std::vector<term>& eb = entries(b);
      // A set of keys has one trie, so equal hash maps list their keys alike: an equality
      // test needs no sorting unless the key lists differ (or a collision bucket, whose
      // order is not canonical, does).
      if (!equality_only_ || !same_keys(ea, eb, n)) {
        sort_by_key(ea, n);
        sort_by_key(eb, n);
      }
      ka = ea.data();
      kb = eb.data();
      va = ea.data() + n;
      vb = eb.data() + n;
    }
    stack_.push(va, vb, n, exact);  // popped last
    stack_.push(ka, kb, n, true);
    return 0;
  }

  /// The keys of `m` in iteration order followed by its values in the same order, kept
  /// alive until this comparison ends.
  std::vector<term>& entries(term m) {
    std::size_t n = map_size(m);
    std::vector<term>& store = storage_.emplace_front(2 * n);
    std::size_t i = 0;
    map_for_each(m, [&](term k, term v) {
      store[i] = k;
      store[n + i] = v;
      ++i;
    });
    return store;
  }

  static bool same_keys(const std::vector<term>& ea, const std::vector<term>& eb, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
      if (!equal_exact(ea[i], eb[i])) return false;
    return true;
  }

  /// Puts the entries (n keys, then n values) in map-key order. Without an atom table,
  /// atoms order by index: the same total order on both maps is all equality needs.
  void sort_by_key(std::vector<term>& e, std::size_t n) const {
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    const atom_table* atoms = atoms_;
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
      return comparer(atoms, false).run(e[x], e[y], true) < 0;
    });
    std::vector<term> sorted(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
      sorted[i] = e[order[i]];
      sorted[n + i] = e[n + order[i]];
    }
    e.swap(sorted);
  }

  const atom_table* atoms_;
  bool equality_only_;
  work_stack stack_;
  std::forward_list<std::vector<term>> storage_;
};

}  // namespace

int compare_terms(const atom_table& atoms, term a, term b) {
  if (a == b) return 0;
  if (is_small(a) && is_small(b))
    return static_cast<sword>(a.raw) < static_cast<sword>(b.raw) ? -1 : 1;
  if (is_atom(a) && is_atom(b)) return compare_atom_names(atoms, a, b);
  return comparer(&atoms, false).run(a, b, false);
}

int compare_terms_exact(const atom_table& atoms, term a, term b) {
  if (a == b) return 0;
  if (is_small(a) && is_small(b))
    return static_cast<sword>(a.raw) < static_cast<sword>(b.raw) ? -1 : 1;
  if (is_atom(a) && is_atom(b)) return compare_atom_names(atoms, a, b);
  return comparer(&atoms, false).run(a, b, true);
}

bool equal_exact(term a, term b) {
  if (a == b) return true;
  // Distinct immediates differ, and an immediate never equals a boxed term or a list
  // (integers are normalised).
  if (is_immed(a) || is_immed(b)) return false;
  if ((a.raw & primary_mask) != (b.raw & primary_mask)) return false;
  return comparer(nullptr, true).run(a, b, true) == 0;
}

bool equal_arith(term a, term b) {
  if (a == b) return true;
  if (is_immed(a) || is_immed(b)) return is_number(a) && is_number(b) && compare_numbers(a, b) == 0;
  if ((a.raw & primary_mask) != (b.raw & primary_mask)) return false;
  return comparer(nullptr, true).run(a, b, false) == 0;
}

}  // namespace aion::vm

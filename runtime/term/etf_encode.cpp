// term_to_binary: the encoding half of etf.hpp. Output is byte for byte what OTP 25's
// term_to_binary/1,2 produces for the same term, except where aion's terms carry less than
// OTP's (see etf.hpp: closures' creator pid, pid/ref field mapping).
#include "runtime/term/etf.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "runtime/code/module.hpp"
#include "runtime/term/atom_table.hpp"
#include "runtime/term/binary.hpp"
#include "runtime/term/compare.hpp"
#include "runtime/term/etf_tags.hpp"
#include "runtime/term/map.hpp"
#include "runtime/term/number.hpp"

namespace aion::vm {

namespace {

using namespace etf;

/// OTP emits the pairs of a hash-trie map in maps:to_list order. `map_for_each` yields
/// maps:iterator order, which OTP 25 defines as the reverse of that for hash tries (flat maps
/// iterate in key order either way).
constexpr bool reverse_hashmap_pairs = true;

class encoder {
 public:
  encoder(const atom_table& atoms, const etf_encode_options& opts, std::string& out)
      : atoms_(atoms), opts_(opts), out_(out) {}

  /// Appends the encoding of `t` to the output; false when `t` holds something unencodable.
  bool run(term t) {
    push_term(t);
    while (!stack_.empty()) {
      item it = stack_.back();
      stack_.pop_back();
      switch (it.what) {
        case item::one:
          if (!put_term(it.t)) return false;
          break;
        case item::range:
          if (it.count > 1) stack_.push_back({item::range, term{}, it.seq + 1, it.count - 1});
          if (!put_term(*it.seq)) return false;
          break;
        case item::pairs:
          if (it.count > 1)
            stack_.push_back({item::pairs, term{}, nullptr, it.count - 1, it.at + 1});
          if (!put_term(pairs_[it.at])) return false;
          break;
        case item::drop_pairs: pairs_.resize(it.at); break;
        case item::list_rest: {
          term rest = cdr(it.t);
          if (is_list(rest))
            stack_.push_back({item::list_rest, rest});
          else
            push_term(rest);
          if (!put_term(car(it.t))) return false;
          break;
        }
        case item::patch_size: {
          std::size_t n = out_.size() - it.at;
          for (int i = 0; i < 4; ++i) out_[it.at + i] = static_cast<char>(n >> (24 - 8 * i));
          break;
        }
      }
    }
    return true;
  }

 private:
  // Work still to do, innermost last: the encoder never recurses on the C++ stack.
  struct item {
    enum kind : unsigned char { one, range, pairs, drop_pairs, list_rest, patch_size } what;
    term t{};
    const term* seq = nullptr;
    std::size_t count = 0;
    std::size_t at = 0;  ///< index into pairs_, or output offset for patch_size
  };

  void push_term(term t) { stack_.push_back({item::one, t}); }
  void push_seq(const term* p, std::size_t n) {
    if (n) stack_.push_back({item::range, term{}, p, n});
  }

  void put8(unsigned v) { out_.push_back(static_cast<char>(v)); }
  void put16(unsigned v) {
    put8(v >> 8);
    put8(v);
  }
  void put32(std::uint32_t v) {
    put16(v >> 16);
    put16(v & 0xFFFF);
  }
  void put64(std::uint64_t v) {
    put32(static_cast<std::uint32_t>(v >> 32));
    put32(static_cast<std::uint32_t>(v));
  }
  void put_bytes(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }

  void put_atom_name(std::string_view name) {
    if (opts_.minor_version < 2) {
      // OTP 25 writes an atom whose characters all fit in latin-1 as ATOM_EXT in latin-1.
      std::string latin1;
      bool fits = true;
      for (std::size_t i = 0; i < name.size() && fits;) {
        auto c = static_cast<unsigned char>(name[i]);
        if (c < 0x80) {
          latin1.push_back(static_cast<char>(c));
          i += 1;
        } else if ((c & 0xE0) == 0xC0 && c <= 0xC3 && i + 1 < name.size()) {
          latin1.push_back(static_cast<char>(((c & 0x1F) << 6) | (name[i + 1] & 0x3F)));
          i += 2;
        } else {
          fits = false;
        }
      }
      if (fits) {
        put8(atom_ext);
        put16(static_cast<unsigned>(latin1.size()));
        put_bytes(latin1.data(), latin1.size());
        return;
      }
    }
    if (name.size() < 256) {
      put8(small_atom_utf8_ext);
      put8(static_cast<unsigned>(name.size()));
    } else {
      put8(atom_utf8_ext);
      put16(static_cast<unsigned>(name.size()));
    }
    put_bytes(name.data(), name.size());
  }
  void put_atom(term a) { put_atom_name(atoms_.name(a)); }

  /// A non-negative magnitude and sign as SMALL_BIG_EXT / LARGE_BIG_EXT.
  void put_big(const std::uint64_t* limbs, std::size_t n, bool negative) {
    while (n > 0 && limbs[n - 1] == 0) --n;
    std::size_t bytes = n * 8;
    if (n > 0) {
      std::uint64_t top = limbs[n - 1];
      while ((top >> 56) == 0) {
        top <<= 8;
        --bytes;
      }
    }
    if (bytes < 256) {
      put8(small_big_ext);
      put8(static_cast<unsigned>(bytes));
    } else {
      put8(large_big_ext);
      put32(static_cast<std::uint32_t>(bytes));
    }
    put8(negative ? 1 : 0);
    for (std::size_t i = 0; i < bytes; ++i)
      put8(static_cast<unsigned>(limbs[i / 8] >> (8 * (i % 8))));
  }

  void put_small(sword v) {
    if (v >= 0 && v <= 255) {
      put8(small_integer_ext);
      put8(static_cast<unsigned>(v));
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      put8(integer_ext);
      put32(static_cast<std::uint32_t>(static_cast<std::int32_t>(v)));
    } else {
      std::uint64_t mag = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
      put_big(&mag, 1, v < 0);
    }
  }

  void put_float(double d) {
    if (opts_.minor_version >= 1) {
      put8(new_float_ext);
      put64(std::bit_cast<std::uint64_t>(d));
      return;
    }
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%.20e", d);
    std::size_t len = n > 0 ? static_cast<std::size_t>(n) : 0;
    if (len > float_ext_chars) len = float_ext_chars;  // cannot happen for finite doubles
    put8(float_ext);
    put_bytes(buf, len);
    out_.append(float_ext_chars - len, '\0');
  }

  void put_node_atom() { put_atom_name(local_node); }

  void put_pid(term t) {
    pid_fields f = pid_to_fields(pid_number(t));
    put8(new_pid_ext);
    put_node_atom();
    put32(f.id);
    put32(f.serial);
    put32(0);  // creation
  }

  void put_port(term t) {
    word n = port_number(t);
    if (n >> 32) {
      put8(v4_port_ext);
      put_node_atom();
      put64(n);
    } else {
      put8(new_port_ext);
      put_node_atom();
      put32(static_cast<std::uint32_t>(n));
    }
    put32(0);  // creation
  }

  void put_ref(term t) {
    ref_id_words r = ref_to_words(ref_id(t));
    put8(newer_reference_ext);
    put16(3);
    put_node_atom();
    put32(0);  // creation
    for (std::uint32_t w : r.w) put32(w);
  }

  /// STRING_EXT when `t` is a proper list of at most 65535 bytes (OTP's rule), else LIST_EXT.
  void put_list(term t) {
    std::size_t n = 0;
    term l = t;
    for (; is_list(l) && n < 65536; l = cdr(l), ++n) {
      term h = car(l);
      if (!is_small(h) || small_value(h) < 0 || small_value(h) > 255) break;
    }
    if (is_nil(l) && n < 65536) {
      put8(string_ext);
      put16(static_cast<unsigned>(n));
      for (l = t; is_list(l); l = cdr(l)) put8(static_cast<unsigned>(small_value(car(l))));
      return;
    }
    // Count the cells (continuing where the string check stopped), then encode them in order.
    for (; is_list(l); l = cdr(l)) ++n;
    put8(list_ext);
    put32(static_cast<std::uint32_t>(n));
    stack_.push_back({item::list_rest, t});
  }

  void put_bitstring(term t) {
    bit_view v = bitstring_view(t);
    std::size_t bytes = (v.bit_size + 7) / 8;
    unsigned rest = static_cast<unsigned>(v.bit_size & 7);
    if (rest == 0) {
      put8(binary_ext);
    } else {
      put8(bit_binary_ext);
    }
    put32(static_cast<std::uint32_t>(bytes));
    if (rest) put8(rest);
    std::size_t at = out_.size();
    out_.append(bytes, '\0');  // copy_bits leaves the unused low bits of the last byte at 0
    copy_bits(v.bytes, v.bit_offset, reinterpret_cast<unsigned char*>(out_.data() + at), 0,
              v.bit_size);
  }

  void put_map(term m) {
    std::vector<std::pair<term, term>> kv;
    kv.reserve(map_size(m));
    map_for_each(m, [&kv](term k, term v) { kv.emplace_back(k, v); });
    if (opts_.deterministic) {
      // OTP sorts by the map-key order (integers before floats), which compare_terms_exact is.
      std::sort(kv.begin(), kv.end(), [this](const auto& a, const auto& b) {
        return compare_terms_exact(atoms_, a.first, b.first) < 0;
      });
    } else if (reverse_hashmap_pairs && header_subtag(boxed_header(m)) == subtag::hashmap) {
      std::reverse(kv.begin(), kv.end());
    }
    put8(map_ext);
    put32(static_cast<std::uint32_t>(kv.size()));
    std::size_t mark = pairs_.size();
    for (const auto& [k, v] : kv) {
      pairs_.push_back(k);
      pairs_.push_back(v);
    }
    stack_.push_back({item::drop_pairs, term{}, nullptr, 0, mark});
    if (!kv.empty()) stack_.push_back({item::pairs, term{}, nullptr, 2 * kv.size(), mark});
  }

  void put_closure(term t) {
    const fun_entry* fe = fun_entry_of(t);
    word num_free = fun_num_free(t);
    put8(new_fun_ext);
    std::size_t size_at = out_.size();
    put32(0);  // patched once the free variables are out
    put8(fe->arity - fe->num_free);
    static const unsigned char no_md5[16] = {};
    put_bytes(fe->module ? fe->module->md5 : no_md5, 16);
    put32(fe->index);
    put32(static_cast<std::uint32_t>(num_free));
    put_atom(fe->module_name);
    put_small(fe->index);
    // OTP's uniq fits 27 bits; keep the raw 32 bits anyway so every value round-trips.
    if (fe->old_uniq <= 255) {
      put_small(fe->old_uniq);
    } else {
      put8(integer_ext);
      put32(fe->old_uniq);
    }
    // aion's funs do not record their creator; OTP's slot gets <0.0.0>.
    put_pid(make_pid(0));
    stack_.push_back({item::patch_size, term{}, nullptr, 0, size_at});
    push_seq(fun_free_vars(t), num_free);
  }

  bool put_term(term t) {
    if (is_small(t)) {
      put_small(small_value(t));
      return true;
    }
    if (is_atom(t)) {
      put_atom(t);
      return true;
    }
    if (is_nil(t)) {
      put8(nil_ext);
      return true;
    }
    if (is_list(t)) {
      put_list(t);
      return true;
    }
    if (is_pid(t)) {
      put_pid(t);
      return true;
    }
    if (is_port(t)) {
      put_port(t);
      return true;
    }
    if (!is_boxed(t)) return false;  // catch markers, non_value
    word h = boxed_header(t);
    switch (header_subtag(h)) {
      case subtag::tuple: {
        word n = header_arity(h);
        if (n < 256) {
          put8(small_tuple_ext);
          put8(static_cast<unsigned>(n));
        } else {
          put8(large_tuple_ext);
          put32(static_cast<std::uint32_t>(n));
        }
        push_seq(tuple_elements(t), n);
        return true;
      }
      case subtag::pos_bignum:
      case subtag::neg_bignum:
        put_big(bignum_limb_data(t), bignum_limbs(t), bignum_negative(t));
        return true;
      case subtag::flonum: put_float(flonum_value(t)); return true;
      case subtag::ref: put_ref(t); return true;
      case subtag::fun: put_closure(t); return true;
      case subtag::export_fun: {
        const export_entry* e = export_of(t);
        put8(export_ext);
        put_atom(e->module);
        put_atom(e->function);
        put8(small_integer_ext);
        put8(e->arity);
        return true;
      }
      case subtag::heap_bin:
      case subtag::refc_bin:
      case subtag::sub_bin: put_bitstring(t); return true;
      case subtag::flatmap:
      case subtag::hashmap: put_map(t); return true;
      default: return false;  // match contexts and trie nodes are not terms
    }
  }

  const atom_table& atoms_;
  const etf_encode_options& opts_;
  std::string& out_;
  std::vector<item> stack_;
  std::vector<term> pairs_;  // map pairs waiting to be encoded, innermost map last
};

/// `131, 80, size, zlib(body)` when that is no longer than the plain encoding (OTP's rule:
/// the compressed form is used when it fits in the space of the uncompressed one).
bool compress_body(const std::string& plain, int level, std::string& out) {
  std::size_t body = plain.size() - 1;
  if (body > UINT32_MAX || plain.size() <= 6) return false;
  uLongf zlen = static_cast<uLongf>(plain.size() - 6);
  out.assign(6 + zlen, '\0');
  auto* dst = reinterpret_cast<Bytef*>(out.data() + 6);
  auto* src = reinterpret_cast<const Bytef*>(plain.data() + 1);
  if (compress2(dst, &zlen, src, static_cast<uLong>(body), level) != Z_OK) return false;
  out.resize(6 + zlen);
  out[0] = static_cast<char>(version_magic);
  out[1] = static_cast<char>(compressed);
  for (int i = 0; i < 4; ++i) out[2 + i] = static_cast<char>(body >> (24 - 8 * i));
  return true;
}

}  // namespace

std::optional<std::string> etf_encode(const atom_table& atoms, term t,
                                      const etf_encode_options& opts) {
  if (opts.compressed < 0 || opts.compressed > 9) return std::nullopt;
  if (opts.minor_version < 0 || opts.minor_version > 2) return std::nullopt;
  std::string out(1, static_cast<char>(version_magic));
  encoder enc(atoms, opts, out);
  if (!enc.run(t)) return std::nullopt;
  if (opts.compressed > 0) {
    std::string packed;
    if (compress_body(out, opts.compressed, packed)) return packed;
  }
  return out;
}

}  // namespace aion::vm

// binary_to_term: the decoding half of etf.hpp.
//
// Input is untrusted. Decoding runs twice over the bytes with the same walker:
//  1. `scan` checks everything (tags, bounds, counts against the bytes left, UTF-8 of atom
//     names, float syntax) and adds up the heap words the term needs, without allocating;
//  2. between the passes, new atoms are interned and funs resolved — only once the whole input
//     is known to be well formed, so rejected input creates nothing;
//  3. `build` fills one block of exactly the counted size taken from the caller's allocator.
//     Hash-trie maps (over 32 keys) are the exception: map_words_upper_bound's worst case is
//     about 6 times their usual size, so they are built straight from the caller's allocator,
//     at their actual size, and counted against max_words as they are built.
// Nesting is followed with an explicit stack of frames, never C++ recursion. A frame whose only
// remaining slot receives a compound term is dropped first (its completion is the child's), so
// a list chained through its tails needs no stack at all.
#include "runtime/term/etf.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/term/atom_table.hpp"
#include "runtime/term/binary.hpp"
#include "runtime/term/etf_reader.hpp"
#include "runtime/term/etf_tags.hpp"
#include "runtime/term/map.hpp"
#include "runtime/term/number.hpp"

namespace aion::vm {

namespace {

using namespace etf;

class decoder {
 public:
  decoder(atom_table& atoms, const etf_decode_options& opts, const term_allocator& a)
      : atoms_(atoms), opts_(opts), alloc_(a) {}

  std::optional<etf_decoded> decode(std::string_view bytes) {
    auto* begin = reinterpret_cast<const unsigned char*>(bytes.data());
    reader body{begin, begin + bytes.size()};
    std::size_t used = 0;
    if (!bytes.empty() && begin[0] == compressed) {
      std::size_t limit = opts_.max_words < SIZE_MAX / 8 ? opts_.max_words * 8 : SIZE_MAX;
      if (!inflate_compressed(body, limit, inflated_, &used)) return std::nullopt;
      body = reader{reinterpret_cast<const unsigned char*>(inflated_.data()),
                    reinterpret_cast<const unsigned char*>(inflated_.data()) + inflated_.size()};
    }
    reader scan = body;
    if (!walk<false>(scan)) return std::nullopt;
    if (used == 0) used = static_cast<std::size_t>(scan.p - begin);
    if (!resolve()) return std::nullopt;

    term* mem = nullptr;
    if (words_ > 0 && (mem = alloc_.alloc(words_)) == nullptr) return std::nullopt;
    memory_ = build_memory{bump_region{mem, mem + words_}, &alloc_, 0, opts_.max_words - words_};
    scratch_.assign(scratch_peak_, nil);
    reader build = body;
    if (!walk<true>(build)) return std::nullopt;
    // Slack (only flat maps whose keys repeat leave some, and those are refused): zero words
    // read as empty tuples to a heap walker.
    std::fill(memory_.block.hp, memory_.block.end, term{0});
    return etf_decoded{result_, used};
  }

 private:
  /// Slots waiting for terms: a tuple's or fun's (`seq`), a list's cars then its tail, or a
  /// map's keys and values (kept in `scratch_` until the map can be built).
  struct frame {
    enum kind : std::uint64_t { seq = 0, list = 1, map = 2 };
    static constexpr int kind_shift = 62;
    term* next;               ///< build pass: where the next term goes (seq and list)
    std::uint64_t left_kind;  ///< slots left, kind in the top bits

    kind what() const { return static_cast<kind>(left_kind >> kind_shift); }
    std::uint64_t left() const { return left_kind & ((std::uint64_t{1} << kind_shift) - 1); }
  };
  struct open_map {
    term* keys;  ///< build pass: n keys then n values, in scratch_
    std::uint64_t n;
    term* dest;        ///< build pass: where the finished map goes
    std::size_t mark;  ///< scratch in use before this map
  };
  /// A fun found by the scan, resolved between the passes; used again in order by the build.
  struct fun_ref {
    bool is_export;
    std::string_view module;    ///< atom keys into atom_ids_
    std::string_view function;  ///< export only
    unsigned arity;
    std::uint32_t index;
    std::uint32_t num_free;
    std::uint32_t old_uniq;
    const void* target = nullptr;  ///< export_entry* or fun_entry*
  };

  // ---- atoms -------------------------------------------------------------------------------
  /// The UTF-8 name of `a`: a view of the input, or of `tmp` after converting latin-1.
  static std::string_view utf8_name(const atom_text& a, std::string& tmp) {
    auto* s = reinterpret_cast<const char*>(a.bytes);
    if (!a.latin1 ||
        std::all_of(a.bytes, a.bytes + a.size, [](unsigned char c) { return c < 0x80; }))
      return {s, a.size};
    tmp.clear();
    for (std::size_t i = 0; i < a.size; ++i) {
      auto c = a.bytes[i];
      if (c < 0x80) {
        tmp.push_back(static_cast<char>(c));
      } else {
        tmp.push_back(static_cast<char>(0xC0 | (c >> 6)));
        tmp.push_back(static_cast<char>(0x80 | (c & 0x3F)));
      }
    }
    return tmp;
  }
  /// Scan pass: remembers the atom for interning; returns its stable key.
  std::string_view note_atom(const atom_text& a) {
    std::string_view name = utf8_name(a, tmp_);
    auto it = atom_ids_.find(name);
    if (it != atom_ids_.end()) return it->first;
    if (name.data() == tmp_.data()) name = owned_names_.emplace_back(tmp_);
    atom_ids_.emplace(name, non_value);
    atom_order_.push_back(name);
    return name;
  }
  term atom_term(const atom_text& a) { return atom_ids_.find(utf8_name(a, tmp_))->second; }

  bool resolve() {
    for (std::string_view name : atom_order_) {
      auto found = opts_.safe ? atoms_.find(name) : atoms_.intern(name);
      if (!found) return false;
      atom_ids_[name] = *found;
    }
    for (fun_ref& f : funs_) {
      term module = atom_ids_.at(f.module);
      if (f.is_export) {
        f.target = opts_.code->export_for(module, atom_ids_.at(f.function), f.arity);
      } else {
        const fun_entry* e = opts_.code->find_fun(module, f.index);
        // The code must be the version the fun was made by: same environment size and arity.
        if (e && (e->num_free != f.num_free || e->arity != f.arity + f.num_free ||
                  e->old_uniq != f.old_uniq))
          e = nullptr;
        f.target = e;
      }
      if (!f.target) return false;
    }
    return true;
  }

  // ---- the walker shared by both passes ------------------------------------------------------
  /// Scan pass: counts words of the block (`in_block`) or the least a hash map takes.
  bool add_words(std::uint64_t n, bool in_block = true) {
    (in_block ? words_ : trie_words_) += n;
    return words_ + trie_words_ <= opts_.max_words;
  }
  std::size_t binary_words(std::size_t bytes) const {
    return bytes <= heap_bin_limit || alloc_.off_heap == nullptr ? heap_bin_words(bytes)
                                                                 : refc_bin_words;
  }
  /// Build pass: the block sized by the scan, and words taken outside it from the caller's
  /// allocator (hash maps), within what max_words leaves.
  struct build_memory {
    bump_region block;
    const term_allocator* caller;
    std::size_t outside_words;
    std::size_t outside_limit;

    static term* alloc(void* self, std::size_t n) {
      auto* m = static_cast<build_memory*>(self);
      if (term* p = bump_region::alloc(&m->block, n)) return p;
      return alloc_outside(self, n);  // only if the passes disagree
    }
    static term* alloc_outside(void* self, std::size_t n) {
      auto* m = static_cast<build_memory*>(self);
      if (n > m->outside_limit - m->outside_words) return nullptr;
      m->outside_words += n;
      return m->caller->alloc(n);
    }
  };
  term* take(std::size_t n) { return build_memory::alloc(&memory_, n); }

  term* current_slot() {
    frame& f = frames_.back();
    if (f.what() != frame::map) return f.next;
    open_map& m = maps_.back();
    std::uint64_t j = 2 * m.n - f.left();
    return (j & 1) ? m.keys + m.n + j / 2 : m.keys + j / 2;
  }

  /// Starts filling `count` slots of a compound term; a frame left with only the slot this term
  /// occupies is finished first (tail position).
  void open(frame::kind k, std::uint64_t count, term* next) {
    frame& top = frames_.back();
    if (top.what() != frame::map && top.left() == 1) frames_.pop_back();
    frames_.push_back(frame{next, (std::uint64_t{k} << frame::kind_shift) | count});
  }

  /// One slot has its term: advances, finishing (and for maps building) completed frames.
  template <bool Build>
  bool complete() {
    for (;;) {
      frame& f = frames_.back();
      std::uint64_t left = f.left() - 1;
      if (left > 0) {
        f.left_kind = (f.left_kind & ~((std::uint64_t{1} << frame::kind_shift) - 1)) | left;
        if constexpr (Build) {
          if (f.what() == frame::seq) f.next += 1;
          if (f.what() == frame::list) f.next += left == 1 ? 1 : 2;  // next car, or the tail
        }
        return true;
      }
      bool was_map = f.what() == frame::map;
      frames_.pop_back();
      if (was_map && !close_map<Build>()) return false;
      if (frames_.empty()) return true;
    }
  }

  template <bool Build>
  bool close_map() {
    open_map m = maps_.back();
    maps_.pop_back();
    if constexpr (Build) {
      term map;
      const term_allocator& memory = m.n > max_flatmap_size ? outside_alloc_ : region_alloc_;
      try {
        map = map_from_pairs(map_context{atoms_, memory}, m.keys, m.keys + m.n, m.n);
      } catch (const std::bad_alloc&) {
        return false;  // the map code reports exhausted memory by throwing
      }
      if (!is_value(map) || map_size(map) != m.n) return false;  // OTP refuses repeated keys
      *m.dest = map;
      scratch_top_ = m.mark;
    } else {
      scratch_now_ -= 2 * m.n;
    }
    return true;
  }

  template <bool Build>
  bool walk(reader& r) {
    frames_.clear();
    maps_.clear();
    fun_cursor_ = 0;
    scratch_top_ = 0;
    region_alloc_ = term_allocator{&memory_, &build_memory::alloc, alloc_.off_heap};
    outside_alloc_ = term_allocator{&memory_, &build_memory::alloc_outside, alloc_.off_heap};
    frames_.push_back(frame{&result_, (std::uint64_t{frame::seq} << frame::kind_shift) | 1});
    while (!frames_.empty()) {
      term* slot = Build ? current_slot() : nullptr;
      term value = nil;  // the leaf decoded, build pass only
      unsigned tag;
      if (!r.u8(tag)) return false;
      switch (tag) {
        case small_integer_ext: {
          unsigned v;
          if (!r.u8(v)) return false;
          value = make_small(v);
          break;
        }
        case integer_ext: {
          std::uint32_t v;
          if (!r.u32(v)) return false;
          value = make_small(static_cast<std::int32_t>(v));
          break;
        }
        case small_big_ext:
        case large_big_ext:
          if (!big<Build>(tag, r, value)) return false;
          break;
        case new_float_ext:
        case float_ext: {
          double d;
          if (tag == new_float_ext) {
            std::uint64_t bits;
            if (!r.u64(bits)) return false;
            d = std::bit_cast<double>(bits);
            if (!std::isfinite(d)) return false;
          } else {
            const unsigned char* text;
            if (!r.take(float_ext_chars, text) || !parse_float_text(text, &d)) return false;
          }
          if constexpr (Build) {
            value = make_float(region_alloc_, d);
            if (!is_value(value)) return false;
          } else if (!add_words(flonum_words)) {
            return false;
          }
          break;
        }
        case atom_ext:
        case small_atom_ext:
        case atom_utf8_ext:
        case small_atom_utf8_ext: {
          atom_text a;
          if (!read_atom_after_tag(tag, r, a)) return false;
          if constexpr (Build)
            value = atom_term(a);
          else
            note_atom(a);
          break;
        }
        case nil_ext: value = nil; break;
        case string_ext: {
          unsigned n;
          const unsigned char* bytes;
          if (!r.u16(n) || !r.take(n, bytes)) return false;
          if (n == 0) break;  // nil
          if constexpr (Build) {
            term* cells = take(2 * std::size_t{n});
            if (!cells) return false;
            for (unsigned i = 0; i < n; ++i) {
              cells[2 * i] = make_small(bytes[i]);
              cells[2 * i + 1] = i + 1 < n ? make_list(cells + 2 * i + 2) : nil;
            }
            value = make_list(cells);
          } else if (!add_words(2 * std::uint64_t{n})) {
            return false;
          }
          break;
        }
        case list_ext: {
          std::uint32_t n;
          if (!r.u32(n)) return false;
          if (n == 0) continue;  // no elements: the list is its tail, which comes next
          if (std::uint64_t{n} + 1 > r.left()) return false;  // a byte at least per element
          term* cells = nullptr;
          if constexpr (Build) {
            cells = take(2 * std::size_t{n});
            if (!cells) return false;
            for (std::uint32_t i = 0; i + 1 < n; ++i)
              cells[2 * i + 1] = make_list(cells + 2 * i + 2);
            *slot = make_list(cells);
          } else if (!add_words(2 * std::uint64_t{n})) {
            return false;
          }
          open(frame::list, std::uint64_t{n} + 1, cells);
          continue;
        }
        case small_tuple_ext:
        case large_tuple_ext: {
          std::uint32_t n;
          unsigned n8;
          if (tag == small_tuple_ext ? !r.u8(n8) : !r.u32(n)) return false;
          if (tag == small_tuple_ext) n = n8;
          if (n > r.left()) return false;
          term* p = nullptr;
          if constexpr (Build) {
            p = take(std::size_t{n} + 1);
            if (!p) return false;
            p[0].raw = make_header(subtag::tuple, n);
            value = make_boxed(p);
          } else if (!add_words(std::uint64_t{n} + 1)) {
            return false;
          }
          if (n == 0) break;
          if constexpr (Build) *slot = value;
          open(frame::seq, n, p ? p + 1 : nullptr);
          continue;
        }
        case map_ext: {
          std::uint32_t n;
          if (!r.u32(n)) return false;
          if (2 * std::uint64_t{n} > r.left()) return false;
          if constexpr (Build) {
            if (n == 0) {
              try {
                value = map_new(map_context{atoms_, region_alloc_});
              } catch (const std::bad_alloc&) {
                return false;
              }
              break;
            }
            term* keys = scratch_.data() + scratch_top_;
            maps_.push_back(open_map{keys, n, slot, scratch_top_});
            scratch_top_ += 2 * std::size_t{n};
          } else {
            // A flat map's size is exact; a hash map takes at least its leaves and a root.
            bool flat = n <= max_flatmap_size;
            if (!add_words(flat ? map_words_upper_bound(n) : 2 * std::uint64_t{n} + 3, flat))
              return false;
            if (n == 0) break;
            maps_.push_back(open_map{nullptr, n, nullptr, 0});
            scratch_now_ += 2 * std::size_t{n};
            scratch_peak_ = std::max(scratch_peak_, scratch_now_);
          }
          open(frame::map, 2 * std::uint64_t{n}, nullptr);
          continue;
        }
        case binary_ext:
        case bit_binary_ext:
          if (!bits<Build>(tag, r, value)) return false;
          break;
        case new_pid_ext:
        case pid_ext: {
          bool local;
          word number;
          if (!read_pid_after_tag(tag, r, &local, &number) || !local) return false;
          value = make_pid(number);
          break;
        }
        case new_port_ext:
        case port_ext:
        case v4_port_ext: {
          atom_text node;
          std::uint64_t id;
          std::uint32_t id32, creation32;
          unsigned creation8;
          if (!read_atom(r, node)) return false;
          if (tag == v4_port_ext ? !r.u64(id) : !r.u32(id32)) return false;
          if (tag != v4_port_ext) id = id32;
          if (tag == port_ext ? !r.u8(creation8) : !r.u32(creation32)) return false;
          if (!node.is_local_node() || (id >> 60)) return false;
          value = make_port(id);
          break;
        }
        case reference_ext:
        case new_reference_ext:
        case newer_reference_ext:
          if (!ref<Build>(tag, r, value)) return false;
          break;
        case export_ext:
          if (!export_fun<Build>(r, value)) return false;
          break;
        case new_fun_ext: {
          term* p = nullptr;
          std::uint32_t num_free;
          if (!closure<Build>(r, value, &p, &num_free)) return false;
          if (num_free == 0) break;
          if constexpr (Build) *slot = value;
          open(frame::seq, num_free, p ? p + 2 : nullptr);
          continue;
        }
        default:
          return false;  // COMPRESSED inside a term, distribution headers, FUN_EXT, LOCAL_EXT
      }
      if constexpr (Build) *slot = value;
      if (!complete<Build>()) return false;
    }
    return true;
  }

  template <bool Build>
  bool big(unsigned tag, reader& r, term& value) {
    std::uint32_t n;
    unsigned n8, sign;
    if (tag == small_big_ext ? !r.u8(n8) : !r.u32(n)) return false;
    if (tag == small_big_ext) n = n8;
    if (n > max_big_ext_bytes) return false;
    const unsigned char* digits;
    if (!r.u8(sign) || !r.take(n, digits)) return false;
    bool negative = sign != 0;
    std::size_t used = n;
    while (used > 0 && digits[used - 1] == 0) --used;
    if (used <= 8) {
      std::uint64_t v = 0;
      for (std::size_t i = 0; i < used; ++i) v |= std::uint64_t{digits[i]} << (8 * i);
      if (!negative && v <= static_cast<std::uint64_t>(max_small)) {
        value = make_small(static_cast<sword>(v));
        return true;
      }
      if (negative && v <= static_cast<std::uint64_t>(max_small) + 1) {
        value = make_small(-static_cast<sword>(v));
        return true;
      }
    }
    std::size_t limbs = (used + 7) / 8;
    if constexpr (Build) {
      limbs_.assign(limbs, 0);
      for (std::size_t i = 0; i < used; ++i)
        limbs_[i / 8] |= std::uint64_t{digits[i]} << (8 * (i % 8));
      value = make_integer_from_limbs(region_alloc_, limbs_.data(), limbs, negative);
      return is_value(value);
    } else {
      return add_words(1 + limbs);
    }
  }

  template <bool Build>
  bool bits(unsigned tag, reader& r, term& value) {
    std::uint32_t n;
    unsigned last_bits = 8;
    if (!r.u32(n)) return false;
    if (tag == bit_binary_ext) {
      if (!r.u8(last_bits)) return false;
      // OTP: an empty bitstring says 0 bits, any other 1..8 bits in its last byte.
      if (n == 0 ? last_bits != 0 : (last_bits < 1 || last_bits > 8)) return false;
      if (n == 0) last_bits = 8;
    }
    const unsigned char* bytes;
    if (!r.take(n, bytes)) return false;
    bool sub = last_bits != 8;
    if constexpr (Build) {
      unsigned char* data;
      term bin = make_binary_uninit(region_alloc_, n, &data);
      if (!is_value(bin)) return false;
      if (n) std::memcpy(data, bytes, n);
      if (sub) data[n - 1] &= static_cast<unsigned char>(0xFF00 >> last_bits);
      value =
          sub ? make_sub_binary(region_alloc_, bin, 0, (std::size_t{n} - 1) * 8 + last_bits) : bin;
      return is_value(value);
    } else {
      return add_words(binary_words(n) + (sub ? sub_bin_words : 0));
    }
  }

  template <bool Build>
  bool ref(unsigned tag, reader& r, term& value) {
    unsigned len = 1;
    if (tag != reference_ext && !r.u16(len)) return false;
    atom_text node;
    if (!read_atom(r, node)) return false;
    std::uint32_t ids[3] = {0, 0, 0};
    std::uint32_t creation32, id;
    unsigned creation8;
    if (tag == reference_ext) {
      if (!r.u32(ids[0]) || !r.u8(creation8)) return false;
    } else {
      if (tag == newer_reference_ext ? !r.u32(creation32) : !r.u8(creation8)) return false;
      if (len == 0 || len > 3) return false;  // more than aion's 64-bit ids can carry
      for (unsigned i = 0; i < len; ++i) {
        if (!r.u32(id)) return false;
        ids[i] = id;
      }
    }
    word ref_id_value;
    if (!node.is_local_node() || !ref_from_words(ids, &ref_id_value)) return false;
    if constexpr (Build) {
      term* p = take(ref_words);
      if (!p) return false;
      value = write_ref(p, ref_id_value);
      return true;
    } else {
      return add_words(ref_words);
    }
  }

  template <bool Build>
  bool export_fun(reader& r, term& value) {
    atom_text module, function;
    std::int64_t arity;
    if (!opts_.code || !read_atom(r, module) || !read_atom(r, function) ||
        !read_int_field(r, arity) || arity < 0 || arity > 255)
      return false;
    if constexpr (Build) {
      auto* e = static_cast<const export_entry*>(funs_[fun_cursor_++].target);
      term* p = take(2);
      if (!p) return false;
      p[0].raw = make_header(subtag::export_fun, 1);
      p[1].raw = reinterpret_cast<word>(e);
      value = make_boxed(p);
      return true;
    } else {
      fun_ref f{true, note_atom(module), {}, static_cast<unsigned>(arity), 0, 0, 0};
      f.function = note_atom(function);
      funs_.push_back(f);
      return add_words(2);
    }
  }

  template <bool Build>
  bool closure(reader& r, term& value, term** obj, std::uint32_t* num_free) {
    std::uint32_t size, index;
    unsigned arity, tag;
    const unsigned char* uniq;
    atom_text module;
    std::int64_t old_index, old_uniq;
    bool local;
    word pid;
    if (!opts_.code || !r.u32(size) || !r.u8(arity) || !r.take(16, uniq) || !r.u32(index) ||
        !r.u32(*num_free) || !read_atom(r, module) || !read_int_field(r, old_index) ||
        !read_int_field(r, old_uniq) || !r.u8(tag) || (tag != new_pid_ext && tag != pid_ext) ||
        !read_pid_after_tag(tag, r, &local, &pid))
      return false;
    if (*num_free > r.left()) return false;
    if constexpr (Build) {
      auto* e = static_cast<const fun_entry*>(funs_[fun_cursor_++].target);
      term* p = take(2 + std::size_t{*num_free});
      if (!p) return false;
      p[0].raw = make_header(subtag::fun, 1 + std::size_t{*num_free});
      p[1].raw = reinterpret_cast<word>(e);
      *obj = p;
      value = make_boxed(p);
      return true;
    } else {
      funs_.push_back(fun_ref{false,
                              note_atom(module),
                              {},
                              arity,
                              index,
                              *num_free,
                              static_cast<std::uint32_t>(old_uniq)});
      return add_words(2 + std::uint64_t{*num_free});
    }
  }

  atom_table& atoms_;
  const etf_decode_options& opts_;
  const term_allocator& alloc_;

  // Scan results.
  std::uint64_t words_ = 0;                              // the block
  std::uint64_t trie_words_ = 0;                         // the least the hash maps take
  std::unordered_map<std::string_view, term> atom_ids_;  // UTF-8 name -> atom (after resolve)
  std::vector<std::string_view> atom_order_;             // first appearance order
  std::deque<std::string> owned_names_;                  // names converted from latin-1
  std::vector<fun_ref> funs_;
  std::size_t scratch_now_ = 0, scratch_peak_ = 0;

  // Walking state.
  std::vector<frame> frames_;
  std::vector<open_map> maps_;
  std::string tmp_;
  std::string inflated_;

  // Build state.
  build_memory memory_{bump_region{nullptr, nullptr}, nullptr, 0, 0};
  term_allocator region_alloc_{};   // the block first
  term_allocator outside_alloc_{};  // hash maps
  std::vector<term> scratch_;
  std::size_t scratch_top_ = 0;
  std::size_t fun_cursor_ = 0;
  std::vector<std::uint64_t> limbs_;
  term result_ = nil;
};

}  // namespace

std::optional<etf_decoded> etf_decode_body(atom_table& atoms, std::string_view bytes,
                                           const term_allocator& a,
                                           const etf_decode_options& opts) {
  decoder d(atoms, opts, a);
  return d.decode(bytes);
}

std::optional<etf_decoded> etf_decode(atom_table& atoms, std::string_view bytes,
                                      const term_allocator& a, const etf_decode_options& opts) {
  if (bytes.empty() || static_cast<unsigned char>(bytes[0]) != version_magic) return std::nullopt;
  auto r = etf_decode_body(atoms, bytes.substr(1), a, opts);
  if (r) r->used += 1;
  return r;
}

}  // namespace aion::vm

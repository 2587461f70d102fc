// Binary BIFs of the erlang module: sizes, slicing, conversions to and from lists, and the
// external term format (term_to_binary/binary_to_term).
#include <string>
#include <vector>

#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"
#include "runtime/term/binary.hpp"
#include "runtime/term/etf.hpp"

namespace aion::vm {

namespace {

term byte_size(process& p, const term* a) {
  if (!is_bitstring(a[0])) return p.badarg();
  return make_small(static_cast<sword>((bitstring_view(a[0]).bit_size + 7) / 8));
}
term bit_size(process& p, const term* a) {
  if (!is_bitstring(a[0])) return p.badarg();
  return make_small(static_cast<sword>(bitstring_view(a[0]).bit_size));
}
term size(process& p, const term* a) {
  if (is_tuple(a[0])) return make_small(static_cast<sword>(tuple_arity(a[0])));
  return byte_size(p, a);
}

// A byte slice of a binary (Start, Length may be negative, as binary_part allows).
term part(process& p, term bin, term start, term len) {
  if (!is_bitstring(bin) || !is_small(start) || !is_small(len)) return p.badarg();
  bit_view v = bitstring_view(bin);
  if (v.bit_size % 8) return p.badarg();
  sword s = small_value(start), l = small_value(len);
  sword size = static_cast<sword>(v.byte_size());
  if (l < 0) {
    s += l;
    l = -l;
  }
  if (s < 0 || s > size || l > size - s) return p.badarg();
  term origin;
  std::size_t offset;
  bitstring_origin(bin, &origin, &offset);
  return make_sub_binary(allocator_of(p), origin, offset + static_cast<std::size_t>(s) * 8,
                         static_cast<std::size_t>(l) * 8);
}
term binary_part2(process& p, const term* a) {
  if (!is_tuple(a[1]) || tuple_arity(a[1]) != 2) return p.badarg();
  return part(p, a[0], tuple_element(a[1], 0), tuple_element(a[1], 1));
}
term binary_part3(process& p, const term* a) { return part(p, a[0], a[1], a[2]); }

term split_binary(process& p, const term* a) {
  if (!is_bitstring(a[0]) || !is_small(a[1])) return p.badarg();
  bit_view v = bitstring_view(a[0]);
  sword n = small_value(a[1]);
  if (n < 0 || static_cast<std::size_t>(n) * 8 > v.bit_size) return p.badarg();
  term origin;
  std::size_t offset;
  bitstring_origin(a[0], &origin, &offset);
  std::size_t cut = static_cast<std::size_t>(n) * 8;
  term left = make_sub_binary(allocator_of(p), origin, offset, cut);
  term right = make_sub_binary(allocator_of(p), origin, offset + cut, v.bit_size - cut);
  return tuple_of(p, {left, right});
}

term binary_to_list1(process& p, const term* a) {
  if (!is_bitstring(a[0])) return p.badarg();
  bit_view v = bitstring_view(a[0]);
  if (v.bit_size % 8) return p.badarg();
  std::string bytes;
  iolist_to_bytes(a[0], bytes);
  return bytes_to_list(p, bytes);
}
term binary_to_list3(process& p, const term* a) {
  if (!is_bitstring(a[0]) || !is_small(a[1]) || !is_small(a[2])) return p.badarg();
  std::string bytes;
  if (!iolist_to_bytes(a[0], bytes)) return p.badarg();
  sword from = small_value(a[1]), to = small_value(a[2]);
  if (from < 1 || to < from - 1 || to > static_cast<sword>(bytes.size())) return p.badarg();
  return bytes_to_list(p, std::string_view(bytes).substr(static_cast<std::size_t>(from - 1),
                                                         static_cast<std::size_t>(to - from + 1)));
}
term bitstring_to_list(process& p, const term* a) {
  if (!is_bitstring(a[0])) return p.badarg();
  bit_view v = bitstring_view(a[0]);
  std::size_t whole = v.bit_size / 8 * 8;
  term tail = nil;
  if (v.bit_size % 8) {
    term origin;
    std::size_t offset;
    bitstring_origin(a[0], &origin, &offset);
    tail = cons(p, make_sub_binary(allocator_of(p), origin, offset + whole, v.bit_size - whole), nil);
  }
  std::string bytes(whole / 8, '\0');
  copy_bits(v.bytes, v.bit_offset, reinterpret_cast<unsigned char*>(bytes.data()), 0, whole);
  return bytes_to_list(p, bytes, tail);
}
term list_to_binary(process& p, const term* a) {
  std::string bytes;
  if (!(is_list(a[0]) || is_nil(a[0])) || !iolist_to_bytes(a[0], bytes)) return p.badarg();
  return make_binary(allocator_of(p), bytes);
}
term iolist_to_binary(process& p, const term* a) {
  if (is_bitstring(a[0])) {
    if (bitstring_view(a[0]).bit_size % 8) return p.badarg();
    return a[0];
  }
  return list_to_binary(p, a);
}
term iolist_size(process& p, const term* a) {
  std::string bytes;
  if (!iolist_to_bytes(a[0], bytes)) return p.badarg();
  return make_small(static_cast<sword>(bytes.size()));
}
// list_to_bitstring: like iolist_to_binary, but a bitstring may end the list.
term list_to_bitstring(process& p, const term* a) {
  term l = a[0];
  if (!is_list(l) && !is_nil(l)) return p.badarg();
  std::string whole_bytes;
  if (iolist_to_bytes(l, whole_bytes)) return make_binary(allocator_of(p), whole_bytes);
  // Some element is a bitstring of a partial byte: flatten at bit level.
  std::vector<term> stack{l};
  std::size_t total_bits = 0;
  std::vector<unsigned char> buf;
  auto put_bits = [&](const unsigned char* src, std::size_t off, std::size_t n) {
    buf.resize((total_bits + n + 7) / 8 + 1, 0);
    copy_bits(src, off, buf.data(), total_bits, n);
    total_bits += n;
  };
  while (!stack.empty()) {
    term x = stack.back();
    stack.pop_back();
    if (is_nil(x)) continue;
    if (is_bitstring(x)) {
      bit_view v = bitstring_view(x);
      put_bits(v.bytes, v.bit_offset, v.bit_size);
      continue;
    }
    if (is_small(x) && small_value(x) >= 0 && small_value(x) <= 255) {
      unsigned char c = static_cast<unsigned char>(small_value(x));
      put_bits(&c, 0, 8);
      continue;
    }
    if (!is_list(x)) return p.badarg();
    stack.push_back(cdr(x));
    stack.push_back(car(x));
  }
  unsigned char* data;
  term bin = make_binary_uninit(allocator_of(p), (total_bits + 7) / 8, &data);
  if (total_bits) copy_bits(buf.data(), 0, data, 0, total_bits);
  if (total_bits % 8 == 0) return bin;
  return make_sub_binary(allocator_of(p), bin, 0, total_bits);
}

// ---- external term format ------------------------------------------------------------------------
term term_to_binary_impl(process& p, term t, term opts) {
  etf_encode_options o;
  for (term l = opts; !is_nil(l); l = cdr(l)) {
    if (!is_list(l)) return p.badarg();
    term x = car(l);
    if (x == atoms::compressed) {
      o.compressed = 6;
    } else if (x == atoms::deterministic) {
      o.deterministic = true;
    } else if (is_tuple(x) && tuple_arity(x) == 2 && is_small(tuple_element(x, 1))) {
      sword n = small_value(tuple_element(x, 1));
      if (tuple_element(x, 0) == atoms::compressed && n >= 0 && n <= 9) o.compressed = static_cast<int>(n);
      else if (tuple_element(x, 0) == atoms::minor_version && n >= 0 && n <= 2)
        o.minor_version = static_cast<int>(n);
      else return p.badarg();
    } else {
      return p.badarg();
    }
  }
  auto bytes = etf_encode(atoms_of(p), t, o);
  if (!bytes) return p.badarg();
  return make_binary(allocator_of(p), *bytes);
}
term term_to_binary1(process& p, const term* a) { return term_to_binary_impl(p, a[0], nil); }
term term_to_binary2(process& p, const term* a) { return term_to_binary_impl(p, a[0], a[1]); }

term binary_to_term_impl(process& p, term bin, term opts) {
  if (!is_bitstring(bin)) return p.badarg();
  etf_decode_options o;
  o.code = &p.owner().code();
  bool used = false;
  for (term l = opts; !is_nil(l); l = cdr(l)) {
    if (!is_list(l)) return p.badarg();
    if (car(l) == atoms::safe) o.safe = true;
    else if (car(l) == atoms::used) used = true;
    else return p.badarg();
  }
  std::string bytes;
  if (!iolist_to_bytes(bin, bytes)) return p.badarg();
  auto d = etf_decode(p.owner().atoms(), bytes, allocator_of(p), o);
  if (!d) return p.badarg();
  if (used) return tuple_of(p, {d->value, make_small(static_cast<sword>(d->used))});
  return d->value;
}
term binary_to_term1(process& p, const term* a) { return binary_to_term_impl(p, a[0], nil); }
term binary_to_term2(process& p, const term* a) { return binary_to_term_impl(p, a[0], a[1]); }

constexpr bif_def defs[] = {
    {"erlang", "byte_size", 1, byte_size},
    {"erlang", "bit_size", 1, bit_size},
    {"erlang", "size", 1, size},
    {"erlang", "binary_part", 2, binary_part2},
    {"erlang", "binary_part", 3, binary_part3},
    {"erlang", "split_binary", 2, split_binary},
    {"erlang", "binary_to_list", 1, binary_to_list1},
    {"erlang", "binary_to_list", 3, binary_to_list3},
    {"erlang", "bitstring_to_list", 1, bitstring_to_list},
    {"erlang", "list_to_binary", 1, list_to_binary},
    {"erlang", "iolist_to_binary", 1, iolist_to_binary},
    {"erlang", "iolist_size", 1, iolist_size},
    {"erlang", "list_to_bitstring", 1, list_to_bitstring},
    {"erlang", "term_to_binary", 1, term_to_binary1},
    {"erlang", "term_to_binary", 2, term_to_binary2},
    {"erlang", "binary_to_term", 1, binary_to_term1},
    {"erlang", "binary_to_term", 2, binary_to_term2},
};

}  // namespace

std::span<const bif_def> bifs_binary() { return defs; }

}  // namespace aion::vm

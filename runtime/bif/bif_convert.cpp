// Conversions between atoms, strings, binaries and numbers.
#include <cmath>
#include <cstdio>
#include <string>

#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"
#include "runtime/term/binary.hpp"
#include "runtime/term/printer.hpp"

namespace aion::vm {

namespace {

// ---- atoms -------------------------------------------------------------------------------------
term atom_to_list(process& p, const term* a) {
  if (!is_atom(a[0])) return p.badarg();
  return utf8_to_list(p, atoms_of(p).name(a[0]));
}

term intern_or_raise(process& p, std::string_view name, bool existing) {
  if (existing) {
    auto found = p.owner().atoms().find(name);
    return found ? *found : p.badarg();
  }
  if (utf8_length(name) > atom_table::max_atom_chars) return p.raise_error(atoms::system_limit);
  auto a = p.owner().atoms().intern(name);
  return a ? *a : p.raise_error(atoms::system_limit);
}

term list_to_atom_impl(process& p, term list, bool existing) {
  std::string name;
  if (!list_to_utf8(list, name)) return p.badarg();
  return intern_or_raise(p, name, existing);
}
term list_to_atom(process& p, const term* a) { return list_to_atom_impl(p, a[0], false); }
term list_to_existing_atom(process& p, const term* a) { return list_to_atom_impl(p, a[0], true); }

bool is_encoding(term e) { return e == atoms::utf8 || e == atoms::unicode || e == atoms::latin1; }

term atom_to_binary_impl(process& p, term atom, term enc) {
  if (!is_atom(atom) || !is_encoding(enc)) return p.badarg();
  std::string_view name = atoms_of(p).name(atom);
  if (enc != atoms::latin1) return make_binary(allocator_of(p), name);
  std::string latin1;
  for (std::size_t i = 0; i < name.size();) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x80) {
      latin1.push_back(static_cast<char>(c));
      ++i;
    } else if ((c & 0xE0) == 0xC0 && i + 1 < name.size()) {
      unsigned cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(name[i + 1]) & 0x3F);
      if (cp > 255) return p.badarg();
      latin1.push_back(static_cast<char>(cp));
      i += 2;
    } else {
      return p.badarg();
    }
  }
  return make_binary(allocator_of(p), latin1);
}
term atom_to_binary1(process& p, const term* a) { return atom_to_binary_impl(p, a[0], atoms::utf8); }
term atom_to_binary2(process& p, const term* a) { return atom_to_binary_impl(p, a[0], a[1]); }

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

term binary_to_atom_impl(process& p, term bin, term enc, bool existing) {
  if (!is_bitstring(bin) || !is_encoding(enc)) return p.badarg();
  bit_view v = bitstring_view(bin);
  if (v.bit_size % 8) return p.badarg();
  std::string bytes;
  if (!iolist_to_bytes(bin, bytes)) return p.badarg();
  if (enc == atoms::latin1) {
    std::string utf8;
    for (unsigned char c : bytes) append_utf8(utf8, c);
    return intern_or_raise(p, utf8, existing);
  }
  if (!valid_utf8(bytes)) return p.badarg();
  return intern_or_raise(p, bytes, existing);
}
term binary_to_atom1(process& p, const term* a) { return binary_to_atom_impl(p, a[0], atoms::utf8, false); }
term binary_to_atom2(process& p, const term* a) { return binary_to_atom_impl(p, a[0], a[1], false); }
term binary_to_existing_atom1(process& p, const term* a) {
  return binary_to_atom_impl(p, a[0], atoms::utf8, true);
}
term binary_to_existing_atom2(process& p, const term* a) {
  return binary_to_atom_impl(p, a[0], a[1], true);
}

// ---- integers -------------------------------------------------------------------------------------
bool valid_base(term b, int* out) {
  if (!is_small(b) || small_value(b) < 2 || small_value(b) > 36) return false;
  *out = static_cast<int>(small_value(b));
  return true;
}
term integer_to_list_impl(process& p, term i, term base) {
  int b;
  if (!is_integer(i) || !valid_base(base, &b)) return p.badarg();
  return bytes_to_list(p, integer_to_string(i, b));
}
term integer_to_list1(process& p, const term* a) { return integer_to_list_impl(p, a[0], make_small(10)); }
term integer_to_list2(process& p, const term* a) { return integer_to_list_impl(p, a[0], a[1]); }
term integer_to_binary_impl(process& p, term i, term base) {
  int b;
  if (!is_integer(i) || !valid_base(base, &b)) return p.badarg();
  return make_binary(allocator_of(p), integer_to_string(i, b));
}
term integer_to_binary1(process& p, const term* a) {
  return integer_to_binary_impl(p, a[0], make_small(10));
}
term integer_to_binary2(process& p, const term* a) { return integer_to_binary_impl(p, a[0], a[1]); }

term text_to_integer(process& p, std::string_view text, term base) {
  int b;
  if (!valid_base(base, &b)) return p.badarg();
  auto v = parse_integer(allocator_of(p), text, b);
  return v ? *v : p.badarg();
}
term list_to_integer1(process& p, const term* a) {
  std::string s;
  if (!list_to_bytes(a[0], s)) return p.badarg();
  return text_to_integer(p, s, make_small(10));
}
term list_to_integer2(process& p, const term* a) {
  std::string s;
  if (!list_to_bytes(a[0], s)) return p.badarg();
  return text_to_integer(p, s, a[1]);
}
term binary_to_integer1(process& p, const term* a) {
  std::string s;
  if (!is_bitstring(a[0]) || !iolist_to_bytes(a[0], s)) return p.badarg();
  return text_to_integer(p, s, make_small(10));
}
term binary_to_integer2(process& p, const term* a) {
  std::string s;
  if (!is_bitstring(a[0]) || !iolist_to_bytes(a[0], s)) return p.badarg();
  return text_to_integer(p, s, a[1]);
}

// ---- floats --------------------------------------------------------------------------------------
// float_to_list/2 options: [{decimals, 0..253}], [{scientific, 0..249}], compact, short.
bool format_float(term f, term opts, std::string& out) {
  if (!is_flonum(f)) return false;
  double d = flonum_value(f);
  enum { sci, dec, shortest } mode = sci;
  long digits = 20;
  bool compact = false;
  for (term l = opts; !is_nil(l); l = cdr(l)) {
    if (!is_list(l)) return false;
    term o = car(l);
    if (o == atoms::compact) {
      compact = true;
    } else if (o == atoms::short_) {
      mode = shortest;
    } else if (is_tuple(o) && tuple_arity(o) == 2 && is_small(tuple_element(o, 1))) {
      sword n = small_value(tuple_element(o, 1));
      if (tuple_element(o, 0) == atoms::decimals && n >= 0 && n <= 253) {
        mode = dec;
        digits = n;
      } else if (tuple_element(o, 0) == atoms::scientific && n >= 0 && n <= 249) {
        mode = sci;
        digits = n;
      } else {
        return false;
      }
    } else {
      return false;
    }
  }
  if (mode == shortest) {
    out = format_float_short(d);
    return true;
  }
  char buf[512];
  if (mode == sci) {
    std::snprintf(buf, sizeof buf, "%.*e", static_cast<int>(digits), d);
    out = buf;
    return true;
  }
  std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(digits), d);
  out = buf;
  if (compact && out.find('.') != std::string::npos) {
    while (out.size() > 1 && out.back() == '0' && out[out.size() - 2] != '.') out.pop_back();
  }
  return true;
}
term float_to_list1(process& p, const term* a) {
  std::string s;
  if (!format_float(a[0], nil, s)) return p.badarg();
  return bytes_to_list(p, s);
}
term float_to_list2(process& p, const term* a) {
  std::string s;
  if (!format_float(a[0], a[1], s)) return p.badarg();
  return bytes_to_list(p, s);
}
term float_to_binary1(process& p, const term* a) {
  std::string s;
  if (!format_float(a[0], nil, s)) return p.badarg();
  return make_binary(allocator_of(p), s);
}
term float_to_binary2(process& p, const term* a) {
  std::string s;
  if (!format_float(a[0], a[1], s)) return p.badarg();
  return make_binary(allocator_of(p), s);
}
term text_to_float(process& p, std::string_view s) {
  auto d = parse_float(s);
  if (!d || !std::isfinite(*d)) return p.badarg();
  return make_float(allocator_of(p), *d);
}
term list_to_float(process& p, const term* a) {
  std::string s;
  if (!list_to_bytes(a[0], s)) return p.badarg();
  return text_to_float(p, s);
}
term binary_to_float(process& p, const term* a) {
  std::string s;
  if (!is_bitstring(a[0]) || !iolist_to_bytes(a[0], s)) return p.badarg();
  return text_to_float(p, s);
}

// ---- pids, refs and funs as text ------------------------------------------------------------------
term pid_to_list(process& p, const term* a) {
  if (!is_pid(a[0])) return p.badarg();
  return bytes_to_list(p, format_term(atoms_of(p), a[0]));
}
term ref_to_list(process& p, const term* a) {
  if (!is_ref(a[0])) return p.badarg();
  return bytes_to_list(p, format_term(atoms_of(p), a[0]));
}
term fun_to_list(process& p, const term* a) {
  if (!is_fun(a[0])) return p.badarg();
  return bytes_to_list(p, format_term(atoms_of(p), a[0]));
}

constexpr bif_def defs[] = {
    {"erlang", "atom_to_list", 1, atom_to_list},
    {"erlang", "list_to_atom", 1, list_to_atom},
    {"erlang", "list_to_existing_atom", 1, list_to_existing_atom},
    {"erlang", "atom_to_binary", 1, atom_to_binary1},
    {"erlang", "atom_to_binary", 2, atom_to_binary2},
    {"erlang", "binary_to_atom", 1, binary_to_atom1},
    {"erlang", "binary_to_atom", 2, binary_to_atom2},
    {"erlang", "binary_to_existing_atom", 1, binary_to_existing_atom1},
    {"erlang", "binary_to_existing_atom", 2, binary_to_existing_atom2},
    {"erlang", "integer_to_list", 1, integer_to_list1},
    {"erlang", "integer_to_list", 2, integer_to_list2},
    {"erlang", "integer_to_binary", 1, integer_to_binary1},
    {"erlang", "integer_to_binary", 2, integer_to_binary2},
    {"erlang", "list_to_integer", 1, list_to_integer1},
    {"erlang", "list_to_integer", 2, list_to_integer2},
    {"erlang", "binary_to_integer", 1, binary_to_integer1},
    {"erlang", "binary_to_integer", 2, binary_to_integer2},
    {"erlang", "float_to_list", 1, float_to_list1},
    {"erlang", "float_to_list", 2, float_to_list2},
    {"erlang", "float_to_binary", 1, float_to_binary1},
    {"erlang", "float_to_binary", 2, float_to_binary2},
    {"erlang", "list_to_float", 1, list_to_float},
    {"erlang", "binary_to_float", 1, binary_to_float},
    {"erlang", "pid_to_list", 1, pid_to_list},
    {"erlang", "ref_to_list", 1, ref_to_list},
    {"erlang", "fun_to_list", 1, fun_to_list},
};

}  // namespace

std::span<const bif_def> bifs_convert() { return defs; }

}  // namespace aion::vm

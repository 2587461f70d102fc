// Process-local and VM-wide odds and ends: self/0, make_ref/0, the process dictionary, time,
// unique integers, hashing, fun introspection.
#include <chrono>

#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"
#include "runtime/code/module.hpp"
#include "runtime/term/compare.hpp"
#include "runtime/term/term_hash.hpp"

namespace aion::vm {

namespace {

term self(process& p, const term*) { return p.pid(); }
term node0(process&, const term*) { return atoms::nonode_nohost; }
term node1(process& p, const term* a) {
  if (!is_pid(a[0]) && !is_ref(a[0])) return p.badarg();
  return atoms::nonode_nohost;
}
term make_ref(process& p, const term*) {
  return write_ref(p.alloc(ref_words), p.owner().new_ref_id());
}

// ---- process dictionary: dictionary_ holds key, value, key, value, ... --------------------------
std::size_t dict_find(process& p, term key) {
  auto& d = p.dictionary_;
  for (std::size_t i = 0; i < d.size(); i += 2)
    if (d[i] == key || equal_exact(d[i], key)) return i;
  return d.size();
}
term get1(process& p, const term* a) {
  std::size_t i = dict_find(p, a[0]);
  return i < p.dictionary_.size() ? p.dictionary_[i + 1] : atoms::undefined;
}
term get0(process& p, const term*) {
  term l = nil;
  auto& d = p.dictionary_;
  for (std::size_t i = d.size(); i >= 2; i -= 2) l = cons(p, tuple_of(p, {d[i - 2], d[i - 1]}), l);
  return l;
}
term put2(process& p, const term* a) {
  std::size_t i = dict_find(p, a[0]);
  if (i < p.dictionary_.size()) {
    term old = p.dictionary_[i + 1];
    p.dictionary_[i + 1] = a[1];
    return old;
  }
  p.dictionary_.push_back(a[0]);
  p.dictionary_.push_back(a[1]);
  return atoms::undefined;
}
term erase1(process& p, const term* a) {
  std::size_t i = dict_find(p, a[0]);
  if (i >= p.dictionary_.size()) return atoms::undefined;
  term old = p.dictionary_[i + 1];
  p.dictionary_.erase(p.dictionary_.begin() + static_cast<std::ptrdiff_t>(i),
                      p.dictionary_.begin() + static_cast<std::ptrdiff_t>(i + 2));
  return old;
}
term erase0(process& p, const term* a) {
  term all = get0(p, a);
  p.dictionary_.clear();
  return all;
}
term get_keys0(process& p, const term*) {
  term l = nil;
  auto& d = p.dictionary_;
  for (std::size_t i = d.size(); i >= 2; i -= 2) l = cons(p, d[i - 2], l);
  return l;
}
term get_keys1(process& p, const term* a) {
  term l = nil;
  auto& d = p.dictionary_;
  for (std::size_t i = d.size(); i >= 2; i -= 2)
    if (equal_exact(d[i - 1], a[0])) l = cons(p, d[i - 2], l);
  return l;
}

// ---- time -------------------------------------------------------------------------------------------
// Nanoseconds per unit for the time-unit atoms and positive integers (parts per second).
bool unit_per_second(process& p, term unit, std::int64_t* per_second) {
  if (unit == atoms::second || unit == atoms::seconds) *per_second = 1;
  else if (unit == atoms::millisecond || unit == atoms::milli_seconds) *per_second = 1000;
  else if (unit == atoms::microsecond || unit == atoms::micro_seconds) *per_second = 1000000;
  else if (unit == atoms::nanosecond || unit == atoms::nano_seconds || unit == atoms::native ||
           unit == atoms::native_time)
    *per_second = 1000000000;
  else if (is_small(unit) && small_value(unit) > 0) *per_second = small_value(unit);
  else return false;
  return true;
}
// floor(ns * per_second / 1e9), as OTP converts time units (rounding toward minus infinity).
std::int64_t convert_ns(std::int64_t ns, std::int64_t per_second) {
  __int128 v = static_cast<__int128>(ns) * per_second;
  __int128 q = v / 1000000000;
  if (v % 1000000000 != 0 && v < 0) --q;
  return static_cast<std::int64_t>(q);
}
term monotonic_time0(process& p, const term*) {
  return make_integer(allocator_of(p), p.owner().monotonic_ns());
}
term monotonic_time1(process& p, const term* a) {
  std::int64_t ps;
  if (!unit_per_second(p, a[0], &ps)) return p.badarg();
  return make_integer(allocator_of(p), convert_ns(p.owner().monotonic_ns(), ps));
}
term system_time0(process& p, const term*) {
  return make_integer(allocator_of(p), p.owner().system_ns());
}
term system_time1(process& p, const term* a) {
  std::int64_t ps;
  if (!unit_per_second(p, a[0], &ps)) return p.badarg();
  return make_integer(allocator_of(p), convert_ns(p.owner().system_ns(), ps));
}
term time_offset0(process& p, const term*) {
  return make_integer(allocator_of(p), p.owner().system_ns() - p.owner().monotonic_ns());
}
term timestamp0(process& p, const term*) {
  std::int64_t us = p.owner().system_ns() / 1000;
  return tuple_of(p, {make_small(us / 1000000000000), make_small((us / 1000000) % 1000000),
                      make_small(us % 1000000)});
}
term convert_time_unit3(process& p, const term* a) {
  std::int64_t from, to;
  auto v = integer_to_int64(a[0]);
  if (!v || !unit_per_second(p, a[1], &from) || !unit_per_second(p, a[2], &to)) return p.badarg();
  __int128 x = static_cast<__int128>(*v) * to;
  __int128 q = x / from;
  if (x % from != 0 && x < 0) --q;
  return make_integer(allocator_of(p), static_cast<std::int64_t>(q));
}
term unique_integer0(process& p, const term*) {
  return make_integer(allocator_of(p), static_cast<std::int64_t>(p.owner().new_unique_integer()));
}
term unique_integer1(process& p, const term* a) {
  for (term l = a[0]; !is_nil(l); l = cdr(l))
    if (!is_list(l) || (car(l) != atoms::positive && car(l) != atoms::monotonic)) return p.badarg();
  return unique_integer0(p, a);
}

// ---- hashing ---------------------------------------------------------------------------------------
term phash2_1(process& p, const term* a) { return make_small(phash2(atoms_of(p), a[0])); }
term phash2_2(process& p, const term* a) {
  if (!is_small(a[1]) || small_value(a[1]) < 1 || small_value(a[1]) > (sword{1} << 32))
    return p.badarg();
  std::uint64_t range = static_cast<std::uint64_t>(small_value(a[1]));
  if (range == (std::uint64_t{1} << 32)) return make_small(phash2(atoms_of(p), a[0], 0));
  return make_small(phash2(atoms_of(p), a[0], static_cast<std::uint32_t>(range)));
}

// ---- funs ------------------------------------------------------------------------------------------
term fun_info2(process& p, const term* a) {
  term f = a[0], item = a[1];
  if (!is_fun(f) || !is_atom(item)) return p.badarg();
  term value;
  if (is_boxed_of(f, subtag::export_fun)) {
    export_entry* e = export_of(f);
    if (item == atoms::module) value = e->module;
    else if (item == atoms::name) value = e->function;
    else if (item == atoms::arity) value = make_small(e->arity);
    else if (item == atoms::type) value = atoms::external;
    else if (item == atoms::env) value = nil;
    else if (item == atoms::index || item == atoms::new_index || item == atoms::uniq ||
             item == atoms::new_uniq || item == atoms::pid)
      value = atoms::undefined;
    else return p.badarg();
  } else {
    const fun_entry* fe = fun_entry_of(f);
    if (item == atoms::module) value = fe->module_name;
    else if (item == atoms::name) value = fe->function;
    else if (item == atoms::arity) value = make_small(fe->arity - fun_num_free(f));
    else if (item == atoms::type) value = atoms::local;
    else if (item == atoms::env) value = list_of(p, fun_free_vars(f), fun_num_free(f));
    else if (item == atoms::index || item == atoms::new_index) value = make_small(fe->index);
    else if (item == atoms::uniq || item == atoms::new_uniq) value = make_small(fe->old_uniq);
    else if (item == atoms::pid) value = p.pid();
    else return p.badarg();
  }
  return tuple_of(p, {item, value});
}

term make_fun3(process& p, const term* a) {
  if (!is_atom(a[0]) || !is_atom(a[1]) || !is_small(a[2]) || small_value(a[2]) < 0 ||
      small_value(a[2]) > 255)
    return p.badarg();
  export_entry* e = p.owner().code().export_for(a[0], a[1], static_cast<unsigned>(small_value(a[2])));
  term* f = p.alloc(2);
  f[0].raw = make_header(subtag::export_fun, 1);
  f[1].raw = reinterpret_cast<word>(e);
  return make_boxed(f);
}

term function_exported3(process& p, const term* a) {
  if (!is_atom(a[0]) || !is_atom(a[1]) || !is_small(a[2])) return p.badarg();
  export_entry* e = p.owner().code().find_export(a[0], a[1], static_cast<unsigned>(small_value(a[2])));
  if (!e) return atoms::false_;
  if (e->native) return atoms::false_;  // OTP answers false for BIFs
  return bool_atom(e->address.load() != e->stub);
}

term is_builtin3(process& p, const term* a) {
  if (!is_atom(a[0]) || !is_atom(a[1]) || !is_small(a[2])) return p.badarg();
  return bool_atom(p.owner().code().find_native(a[0], a[1], static_cast<unsigned>(small_value(a[2]))) !=
                   nullptr);
}

term garbage_collect0(process&, const term*) { return atoms::true_; }

constexpr bif_def defs[] = {
    {"erlang", "self", 0, self},
    {"erlang", "node", 0, node0},
    {"erlang", "node", 1, node1},
    {"erlang", "make_ref", 0, make_ref},
    {"erlang", "get", 1, get1},
    {"erlang", "get", 0, get0},
    {"erlang", "put", 2, put2},
    {"erlang", "erase", 1, erase1},
    {"erlang", "erase", 0, erase0},
    {"erlang", "get_keys", 0, get_keys0},
    {"erlang", "get_keys", 1, get_keys1},
    {"erlang", "monotonic_time", 0, monotonic_time0},
    {"erlang", "monotonic_time", 1, monotonic_time1},
    {"erlang", "system_time", 0, system_time0},
    {"erlang", "system_time", 1, system_time1},
    {"os", "system_time", 0, system_time0},
    {"os", "system_time", 1, system_time1},
    {"erlang", "time_offset", 0, time_offset0},
    {"erlang", "timestamp", 0, timestamp0},
    {"os", "timestamp", 0, timestamp0},
    {"erlang", "convert_time_unit", 3, convert_time_unit3},
    {"erlang", "unique_integer", 0, unique_integer0},
    {"erlang", "unique_integer", 1, unique_integer1},
    {"erlang", "phash2", 1, phash2_1},
    {"erlang", "phash2", 2, phash2_2},
    {"erlang", "fun_info", 2, fun_info2},
    {"erlang", "make_fun", 3, make_fun3},
    {"erlang", "function_exported", 3, function_exported3},
    {"erlang", "is_builtin", 3, is_builtin3},
    {"erlang", "garbage_collect", 0, garbage_collect0},
};

}  // namespace

std::span<const bif_def> bifs_misc() { return defs; }

}  // namespace aion::vm

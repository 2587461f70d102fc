// Type-test BIFs called as functions (is_atom/1, is_function/2, is_record/2,3...).
#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"
#include "runtime/term/binary.hpp"

namespace aion::vm {

namespace {

term is_atom_(process&, const term* a) { return bool_atom(is_atom(a[0])); }
term is_integer_(process&, const term* a) { return bool_atom(is_integer(a[0])); }
term is_float_(process&, const term* a) { return bool_atom(is_flonum(a[0])); }
term is_number_(process&, const term* a) { return bool_atom(is_number(a[0])); }
term is_list_(process&, const term* a) { return bool_atom(is_list(a[0]) || is_nil(a[0])); }
term is_tuple_(process&, const term* a) { return bool_atom(is_tuple(a[0])); }
term is_map_(process&, const term* a) { return bool_atom(is_map(a[0])); }
term is_pid_(process&, const term* a) { return bool_atom(is_pid(a[0])); }
term is_port_(process&, const term*) { return atoms::false_; }
term is_reference_(process&, const term* a) { return bool_atom(is_ref(a[0])); }
term is_function_(process&, const term* a) { return bool_atom(is_fun(a[0])); }
term is_bitstring_(process&, const term* a) { return bool_atom(is_bitstring(a[0])); }
term is_binary_(process&, const term* a) {
  return bool_atom(is_bitstring(a[0]) && bitstring_view(a[0]).bit_size % 8 == 0);
}
term is_boolean_(process&, const term* a) {
  return bool_atom(a[0] == atoms::true_ || a[0] == atoms::false_);
}
term is_function2_(process& p, const term* a) {
  if (!is_small(a[1]) || small_value(a[1]) < 0) return p.badarg();
  term f = a[0];
  sword n = small_value(a[1]);
  if (is_boxed_of(f, subtag::fun))
    return bool_atom(static_cast<sword>(fun_entry_of(f)->arity - fun_num_free(f)) == n);
  if (is_boxed_of(f, subtag::export_fun)) return bool_atom(static_cast<sword>(export_of(f)->arity) == n);
  return atoms::false_;
}
term is_record2(process& p, const term* a) {
  if (!is_atom(a[1])) return p.badarg();
  return bool_atom(is_tuple(a[0]) && tuple_arity(a[0]) > 0 && tuple_element(a[0], 0) == a[1]);
}
term is_record3(process& p, const term* a) {
  if (!is_atom(a[1]) || !is_small(a[2])) return p.badarg();
  return bool_atom(is_tuple(a[0]) && static_cast<sword>(tuple_arity(a[0])) == small_value(a[2]) &&
                   tuple_arity(a[0]) > 0 && tuple_element(a[0], 0) == a[1]);
}

constexpr bif_def defs[] = {
    {"erlang", "is_atom", 1, is_atom_},         {"erlang", "is_integer", 1, is_integer_},
    {"erlang", "is_float", 1, is_float_},       {"erlang", "is_number", 1, is_number_},
    {"erlang", "is_list", 1, is_list_},         {"erlang", "is_tuple", 1, is_tuple_},
    {"erlang", "is_map", 1, is_map_},           {"erlang", "is_pid", 1, is_pid_},
    {"erlang", "is_port", 1, is_port_},         {"erlang", "is_reference", 1, is_reference_},
    {"erlang", "is_function", 1, is_function_}, {"erlang", "is_function", 2, is_function2_},
    {"erlang", "is_binary", 1, is_binary_},     {"erlang", "is_bitstring", 1, is_bitstring_},
    {"erlang", "is_boolean", 1, is_boolean_},   {"erlang", "is_record", 2, is_record2},
    {"erlang", "is_record", 3, is_record3},
};

}  // namespace

std::span<const bif_def> bifs_types() { return defs; }

}  // namespace aion::vm

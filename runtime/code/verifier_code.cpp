// Decoding for the verifier: instructions into flat arrays, functions, labels, exports, funs
// and the classification of imports.
#include "runtime/code/verifier_code.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "runtime/code/generic_opcodes.hpp"
#include "runtime/code/module.hpp"
#include "runtime/term/atom_table.hpp"
#include "runtime/vm.hpp"

namespace aion::vm::verify {

namespace {

error malformed(std::string what) {
  return error{errc::malformed_module, std::move(what)};
}

// The generic instructions OTP 25's compiler emits (and the translator supports), as
// inclusive opcode ranges; any other opcode is refused with the translator's wording.
constexpr std::pair<unsigned, unsigned> supported_ranges[] = {
    {1, 26},    {39, 53},   {55, 67},   {69, 69},   {72, 75},   {77, 78},
    {96, 102},  {104, 108}, {112, 115}, {117, 121}, {124, 125}, {129, 129},
    {131, 133}, {136, 136}, {138, 143}, {149, 149}, {152, 180}};

constexpr bool supported_opcode(unsigned op) {
  for (auto [first, last] : supported_ranges)
    if (op >= first && op <= last) return true;
  return false;
}

// The value of a compact term whose first byte is `b` (beam_reader.cpp's encoding). Values
// over 8 bytes (big integers only) give 0 and set `*big`.
bool compact_value(byte_reader& r, std::uint8_t b, bool is_signed, std::int64_t* value, bool* big) {
  if ((b & 0x08) == 0) {
    *value = b >> 4;
    return true;
  }
  if ((b & 0x10) == 0) {
    *value = (static_cast<std::int64_t>(b & 0xE0) << 3) | r.u8();
    return !r.failed();
  }
  std::size_t len = (b >> 5) + 2;
  if (len == 9) {
    std::uint8_t lb = r.u8();
    std::int64_t extra = 0;
    bool nested_big = false;
    if (r.failed() || (lb & 7) != 0 || !compact_value(r, lb, false, &extra, &nested_big) ||
        nested_big || extra < 0 || static_cast<std::uint64_t>(extra) > r.remaining())
      return false;
    len = static_cast<std::size_t>(extra) + 9;
  }
  std::string_view bytes = r.bytes(len);
  if (r.failed()) return false;
  if (len > 8) {
    *big = true;
    *value = 0;
    return true;
  }
  std::uint64_t v = 0;
  for (unsigned char c : bytes) v = (v << 8) | c;
  if (is_signed && len < 8 && (static_cast<unsigned char>(bytes[0]) & 0x80))
    v |= ~std::uint64_t{0} << (8 * len);
  *value = static_cast<std::int64_t>(v);
  return true;
}

// Decodes one compact operand into `out`, list elements appended to `pool` (they never nest).
// Accepts exactly what read_compact_operand accepts.
bool decode_operand(byte_reader& r, operand& out, bool allow_list, std::vector<operand>& pool) {
  std::uint8_t b = r.u8();
  if (r.failed()) return false;
  out.list_at = out.list_size = 0;
  static constexpr operand_kind simple[] = {
      operand_kind::u, operand_kind::integer, operand_kind::atom,     operand_kind::x,
      operand_kind::y, operand_kind::label,   operand_kind::character};
  if ((b & 7) != 7) {
    out.kind = simple[b & 7];
    if ((b & 0x08) == 0) {  // the common case: a 4-bit value in the tag byte
      out.value = b >> 4;
      if (out.kind == operand_kind::atom && out.value == 0) out.kind = operand_kind::nil;
      return true;
    }
    bool is_int = out.kind == operand_kind::integer, big = false;
    if (!compact_value(r, b, is_int, &out.value, &big)) return false;
    if (big) {
      if (!is_int) return false;
      out.kind = operand_kind::big_integer;
      return true;
    }
    if (out.kind == operand_kind::atom && out.value == 0) out.kind = operand_kind::nil;
    return is_int || out.value >= 0;
  }
  operand n;
  switch (b >> 4) {
    case 1:    // list
    case 3: {  // allocation list: (kind, count) pairs
      if (!allow_list || !decode_operand(r, n, false, pool) || n.kind != operand_kind::u ||
          static_cast<std::uint64_t>(n.value) > r.remaining())
        return false;
      std::int64_t count = b >> 4 == 3 ? n.value * 2 : n.value;
      if (static_cast<std::uint64_t>(count) > r.remaining()) return false;
      out.kind = b >> 4 == 1 ? operand_kind::list : operand_kind::alloc;
      out.value = 0;
      out.list_at = static_cast<std::uint32_t>(pool.size());
      out.list_size = static_cast<std::uint32_t>(count);
      for (std::int64_t i = 0; i < count; ++i)
        if (!decode_operand(r, pool.emplace_back(), false, pool)) return false;
      return true;
    }
    case 2:    // float register
    case 4: {  // literal
      if (!decode_operand(r, n, false, pool) || n.kind != operand_kind::u) return false;
      out.kind = b >> 4 == 2 ? operand_kind::fr : operand_kind::literal;
      out.value = n.value;
      return true;
    }
    case 5: {  // typed register: the register, then a Type chunk index (untrusted, unused)
      if (!decode_operand(r, out, false, pool) ||
          (out.kind != operand_kind::x && out.kind != operand_kind::y))
        return false;
      return decode_operand(r, n, false, pool) && n.kind == operand_kind::u;
    }
    default: return false;
  }
}

constexpr auto supported_table = [] {
  std::array<bool, max_generic_opcode + 1> t{};
  for (unsigned op = 0; op <= max_generic_opcode; ++op) t[op] = supported_opcode(op);
  return t;
}();

result<std::uint32_t> decode_instructions(const verifier_input& in, decoded_code& d) {
  byte_reader r(in.code);
  bool ended = false;
  d.instructions.reserve(in.code.size() / 3);
  d.operands.reserve(in.code.size() / 2);
  while (!r.at_end() && !ended) {
    unsigned opcode = r.u8();
    if (opcode == 0 || opcode > max_generic_opcode)
      return malformed("unknown opcode " + std::to_string(opcode));
    const generic_opcode& info = generic_opcodes[opcode];
    if (!supported_table[opcode])
      return error{errc::unsupported_module,
                   std::string("instruction ") + info.name +
                       ": unsupported obsolete instruction (OTP 25's compiler never emits " +
                       info.name + "): recompile the module with OTP 25"};
    d.instructions.push_back(
        {static_cast<std::uint8_t>(opcode), static_cast<std::uint32_t>(d.operands.size())});
    for (unsigned k = 0; k < info.arity; ++k)
      if (!decode_operand(r, d.operands.emplace_back(), true, d.elements))
        return malformed(std::string("truncated or invalid operand of ") + info.name);
    if (d.instructions.size() > 0xFFFFFFF0u || d.operands.size() > 0xFFFFFFF0u ||
        d.elements.size() > 0xFFFFFFF0u)
      return malformed("code has too many instructions");
    ended = opcode == 3;
  }
  if (!ended) return malformed("code ends without int_code_end");
  return static_cast<std::uint32_t>(d.instructions.size());
}

// Labels, functions (from the labels and lines before func_info to the next function) and
// entry labels.
result<bool> split_functions(const verifier_input& in, decoded_code& d) {
  d.label_at.assign(in.label_count, decoded_code::no_label);
  d.label_function.assign(in.label_count, decoded_code::no_label);
  d.entry_function.assign(in.label_count, decoded_code::no_label);
  auto n = static_cast<std::uint32_t>(d.instructions.size());
  std::vector<std::uint32_t> infos;
  for (std::uint32_t i = 0; i < n; ++i) {
    unsigned opcode = d.instructions[i].opcode;
    if (opcode == 1) {
      const operand& l = d.op(i, 0);
      if (l.kind != operand_kind::u || l.value <= 0 || l.value >= in.label_count)
        return malformed("instruction label: label out of range");
      if (d.label_at[l.value] != decoded_code::no_label)
        return malformed("instruction label: label defined twice");
      d.label_at[l.value] = i;
    } else if (opcode == 2) {
      infos.push_back(i);
    }
  }
  std::uint32_t floor = 0;
  for (std::size_t k = 0; k < infos.size(); ++k) {
    std::uint32_t fi = infos[k];
    const operand& name = d.op(fi, 1);
    const operand& arity = d.op(fi, 2);
    if (name.kind != operand_kind::atom || name.value <= 0 ||
        static_cast<std::size_t>(name.value) >= in.m.atoms.size() ||
        arity.kind != operand_kind::u || arity.value > 255)
      return malformed("instruction func_info: func_info operands");
    std::uint32_t begin = fi;
    while (begin > floor &&
           (d.instructions[begin - 1].opcode == 1 || d.instructions[begin - 1].opcode == 153))
      --begin;
    for (std::uint32_t i = 0; k == 0 && i < begin; ++i)
      if (d.instructions[i].opcode != 1 && d.instructions[i].opcode != 153)
        return malformed("instruction " +
                         std::string(generic_opcodes[d.instructions[i].opcode].name) +
                         " lies outside any function");
    if (!d.functions.empty()) d.functions.back().end = begin;
    function f{begin,
               fi,
               0,
               0,
               in.m.atoms[static_cast<std::size_t>(name.value)],
               static_cast<unsigned>(arity.value)};
    d.functions.push_back(f);
    floor = fi + 1;
  }
  if (d.functions.empty()) {
    for (std::uint32_t i = 0; i + 1 < n; ++i)
      if (d.instructions[i].opcode != 1 && d.instructions[i].opcode != 153)
        return malformed("instruction " +
                         std::string(generic_opcodes[d.instructions[i].opcode].name) +
                         " lies outside any function");
    return true;
  }
  d.functions.back().end = n - 1;  // int_code_end
  d.label_local.assign(in.label_count, decoded_code::no_label);
  for (std::uint32_t fn = 0; fn < d.functions.size(); ++fn) {
    function& f = d.functions[fn];
    f.labels_at = static_cast<std::uint32_t>(d.labels.size());
    for (std::uint32_t i = f.begin; i < f.end; ++i) {
      if (d.instructions[i].opcode != 1) continue;
      auto l = static_cast<std::uint32_t>(d.op(i, 0).value);
      d.label_function[l] = fn;
      d.label_local[l] = static_cast<std::uint32_t>(d.labels.size()) - f.labels_at;
      d.labels.push_back(l);
      if (i > f.func_info && f.entry_label == 0) f.entry_label = l;
    }
    f.label_count = static_cast<std::uint32_t>(d.labels.size()) - f.labels_at;
    if (f.entry_label == 0) return malformed("function without an entry label");
    d.entry_function[f.entry_label] = fn;
  }
  return true;
}

// A function entry `label` of arity `arity`, for exports and funs.
bool is_entry(const decoded_code& d, std::uint32_t label, std::uint32_t arity) {
  if (label >= d.entry_function.size()) return false;
  std::uint32_t fn = d.entry_function[label];
  return fn != decoded_code::no_label && d.functions[fn].arity == arity;
}

result<bool> read_tables(const verifier_input& in, decoded_code& d) {
  std::vector<bool> external(d.functions.size(), false);
  if (!in.exports.empty()) {
    byte_reader r(in.exports);
    std::uint32_t count = r.u32();
    if (r.failed() || count > r.remaining() / 12) return malformed("export table count is invalid");
    for (std::uint32_t i = 0; i < count; ++i) {
      std::uint32_t fn = r.u32(), arity = r.u32(), label = r.u32();
      (void)fn;
      if (!is_entry(d, label, arity))
        return malformed("export " + std::to_string(i) + " (arity " + std::to_string(arity) +
                         ") does not refer to the entry of a function of that arity");
      external[d.entry_function[label]] = true;
    }
  }
  if (!in.funs.empty()) {
    byte_reader r(in.funs);
    std::uint32_t count = r.u32();
    if (r.failed() || count > r.remaining() / 24) return malformed("fun table count is invalid");
    for (std::uint32_t i = 0; i < count; ++i) {
      std::uint32_t fn = r.u32(), arity = r.u32(), label = r.u32();
      r.u32();  // index
      std::uint32_t num_free = r.u32();
      r.u32();  // old unique
      (void)fn;
      if (!is_entry(d, label, arity) || num_free > arity)
        return malformed("fun " + std::to_string(i) + " (arity " + std::to_string(arity) +
                         ") does not refer to the entry of a function of that arity");
      d.funs.push_back({label, arity, num_free});
      external[d.entry_function[label]] = true;
    }
  }
  for (std::uint32_t fn = 0; fn < external.size(); ++fn)
    if (external[fn]) d.external.push_back(fn);
  return true;
}

import_kind classify(std::string_view mod, std::string_view fn, unsigned arity) {
  if (mod == "math") return import_kind::number_result;
  if (mod != "erlang") return import_kind::other;
  if ((fn == "error" && arity >= 1 && arity <= 3) || (fn == "exit" && arity == 1) ||
      (fn == "throw" && arity == 1) || (fn == "nif_error" && (arity == 1 || arity == 2)))
    return import_kind::no_return;
  if (fn == "setelement" && arity == 3) return import_kind::setelement;
  if (fn == "get") return arity == 1 ? import_kind::pure_guard : import_kind::other;
  static constexpr std::string_view pure[] = {
      "=:=",         "=/=",        "==",           "/=",         "<",
      ">",           "=<",         ">=",           "and",        "or",
      "xor",         "not",        "element",      "hd",         "tl",
      "tuple_size",  "map_get",    "is_map_key",   "node",       "self",
      "is_atom",     "is_binary",  "is_bitstring", "is_boolean", "is_float",
      "is_function", "is_integer", "is_list",      "is_map",     "is_number",
      "is_pid",      "is_port",    "is_reference", "is_tuple",   "is_record"};
  for (std::string_view p : pure)
    if (fn == p) return import_kind::pure_guard;
  static constexpr std::string_view numeric[] = {
      "+",     "-",    "*",      "/",         "div",      "rem",      "band",  "bor",
      "bxor",  "bsl",  "bsr",    "bnot",      "abs",      "float",    "trunc", "round",
      "floor", "ceil", "length", "byte_size", "bit_size", "map_size", "size"};
  for (std::string_view p : numeric)
    if (fn == p) return import_kind::number_result;
  return import_kind::other;
}

}  // namespace

result<decoded_code> decode_module(const verifier_input& in) {
  decoded_code d;
  if (auto n = decode_instructions(in, d); !n) return n.err();
  if (auto s = split_functions(in, d); !s) return s.err();
  if (auto t = read_tables(in, d); !t) return t.err();
  d.literal_types.reserve(in.literals.size());
  for (term t : in.literals) d.literal_types.push_back(value_of_constant(t));
  const atom_table& atoms = in.v.atoms();
  for (const export_entry* e : in.m.imports) {
    import_info info;
    info.arity = e->arity;
    info.native = e->native != nullptr;
    if (info.native) info.kind = classify(atoms.name(e->module), atoms.name(e->function), e->arity);
    d.imports.push_back(info);
  }
  return d;
}

std::string function_name(const verifier_input& in, const function& f) {
  const atom_table& atoms = in.v.atoms();
  return std::string(atoms.name(in.m.name)) + ":" + std::string(atoms.name(f.name)) + "/" +
         std::to_string(f.arity);
}

}  // namespace aion::vm::verify

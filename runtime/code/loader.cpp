// Loader: .beam chunks → module tables, generic instructions → internal threaded code.
// The translation of individual instructions lives in translate.cpp; this file reads the
// tables (atoms, imports, exports, funs, literals, lines) and assembles the module.
#include "runtime/code/loader.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "runtime/code/beam_reader.hpp"
#include "runtime/code/generic_opcodes.hpp"
#include "runtime/code/translate.hpp"
#include "runtime/code/verifier.hpp"
#include "runtime/term/atom_table.hpp"
#include "runtime/term/etf.hpp"
#include "runtime/vm.hpp"

namespace aion::vm {

namespace {

error malformed(std::string what) { return error{errc::malformed_module, std::move(what)}; }

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

result<std::vector<term>> read_atoms(vm& v, const beam_chunks& c) {
  byte_reader r(c.atoms);
  std::int32_t count = static_cast<std::int32_t>(r.u32());
  bool compact_lengths = count < 0;
  if (compact_lengths) count = -count;
  if (r.failed() || count <= 0 || static_cast<std::size_t>(count) > r.remaining())
    return malformed("atom table count is invalid");
  std::vector<term> atoms(static_cast<std::size_t>(count) + 1, nil);
  for (std::int32_t i = 1; i <= count; ++i) {
    std::size_t len;
    if (compact_lengths) {
      generic_operand op;
      if (!read_compact_operand(r, op, false) || op.kind != operand_kind::u)
        return malformed("atom table entry has a bad length");
      len = static_cast<std::size_t>(op.value);
    } else {
      len = r.u8();
    }
    std::string_view name = r.bytes(len);
    if (r.failed()) return malformed("atom table is truncated");
    std::string latin1_as_utf8;
    if (!c.atoms_utf8) {
      for (unsigned char ch : name) {
        if (ch < 0x80) {
          latin1_as_utf8 += static_cast<char>(ch);
        } else {
          latin1_as_utf8 += static_cast<char>(0xC0 | (ch >> 6));
          latin1_as_utf8 += static_cast<char>(0x80 | (ch & 0x3F));
        }
      }
      name = latin1_as_utf8;
    } else if (!valid_utf8(name)) {
      return malformed("atom " + std::to_string(i) + " is not valid UTF-8");
    }
    auto a = v.atoms().intern(name);
    if (!a) return error{errc::system_limit, "atom table full or atom too long"};
    atoms[static_cast<std::size_t>(i)] = *a;
  }
  return atoms;
}

result<std::vector<term>> read_literals(vm& v, const beam_chunks& c) {
  std::vector<term> literals;
  if (c.literals.empty()) return literals;
  byte_reader head(c.literals);
  std::uint32_t raw_size = head.u32();
  if (head.failed()) return malformed("literal table is truncated");
  std::string inflated;
  std::string_view data;
  if (raw_size == 0) {
    data = c.literals.substr(4);
  } else {
    if (raw_size > v.config().max_module_bytes * 4)
      return error{errc::module_too_large, "literal table is larger than the module limit"};
    inflated.resize(raw_size);
    uLongf out_len = raw_size;
    std::string_view z = c.literals.substr(4);
    int rc = uncompress(reinterpret_cast<Bytef*>(inflated.data()), &out_len,
                        reinterpret_cast<const Bytef*>(z.data()), z.size());
    if (rc != Z_OK || out_len != raw_size) return malformed("literal table does not decompress");
    data = inflated;
  }
  byte_reader r(data);
  std::uint32_t count = r.u32();
  if (r.failed() || count > r.remaining() / 4) return malformed("literal count is invalid");
  literals.reserve(count);
  term_allocator alloc{&v.literals(),
                       [](void* ctx, std::size_t n) {
                         return static_cast<literal_area*>(ctx)->allocate(n);
                       },
                       nullptr};
  etf_decode_options opts;
  opts.code = &v.code();
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t size = r.u32();
    std::string_view bytes = r.bytes(size);
    if (r.failed()) return malformed("literal " + std::to_string(i) + " is truncated");
    auto decoded = etf_decode(v.atoms(), bytes, alloc, opts);
    if (!decoded || decoded->used != bytes.size())
      return malformed("literal " + std::to_string(i) + " is not a valid external term");
    literals.push_back(decoded->value);
  }
  return literals;
}

struct table_entry {
  std::uint32_t function, arity, label;
};

result<std::vector<table_entry>> read_function_table(std::string_view chunk, const char* name,
                                                     std::size_t atom_count,
                                                     std::uint32_t label_count) {
  std::vector<table_entry> out;
  if (chunk.empty()) return out;
  byte_reader r(chunk);
  std::uint32_t count = r.u32();
  if (r.failed() || count > r.remaining() / 12)
    return malformed(std::string(name) + " count is invalid");
  for (std::uint32_t i = 0; i < count; ++i) {
    table_entry e{r.u32(), r.u32(), r.u32()};
    if (e.function == 0 || e.function >= atom_count || e.arity > 255 || e.label == 0 ||
        e.label >= label_count)
      return malformed(std::string(name) + " entry " + std::to_string(i) + " is invalid");
    out.push_back(e);
  }
  return out;
}

// The Line chunk: per-`line`-instruction items (line number and file index).
struct line_table {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> items;  // (line, file); item 0 unknown
  std::vector<std::string> files;
};

result<line_table> read_lines(const beam_chunks& c, term module_name, const atom_table& atoms) {
  line_table t;
  t.items.push_back({0, 0});
  if (c.lines.empty()) return t;
  byte_reader r(c.lines);
  std::uint32_t version = r.u32();
  r.u32();  // flags
  r.u32();  // number of line instructions
  std::uint32_t item_count = r.u32();
  std::uint32_t name_count = r.u32();
  if (r.failed() || version != 0 || item_count > r.remaining() || name_count > r.remaining())
    return malformed("line table header is invalid");
  std::uint32_t file = 0;
  while (t.items.size() <= item_count) {
    generic_operand op;
    if (!read_compact_operand(r, op, false)) return malformed("line table item is invalid");
    if (op.kind == operand_kind::atom || op.kind == operand_kind::nil) {
      if (op.value > name_count) return malformed("line table names an unknown file");
      file = static_cast<std::uint32_t>(op.value);
      continue;
    }
    if (op.kind != operand_kind::integer || op.value < 0 || op.value > 0xFFFFFFF)
      return malformed("line table item is invalid");
    t.items.push_back({static_cast<std::uint32_t>(op.value), file});
  }
  if (name_count == 0) {
    t.files.push_back(std::string(atoms.name(module_name)) + ".erl");
  } else {
    // OTP numbers files from 0 in items but 1-based when switching with an atom tag; the
    // implicit file 0 is the module's own source.
    t.files.push_back(std::string(atoms.name(module_name)) + ".erl");
    for (std::uint32_t i = 0; i < name_count; ++i) {
      std::uint16_t len = r.u16();
      std::string_view name = r.bytes(len);
      if (r.failed()) return malformed("line table file name is truncated");
      t.files.emplace_back(name);
    }
    // items refer to files 1..name_count with 1 meaning the first listed name
    for (auto& item : t.items)
      if (item.second > 0 && item.second >= t.files.size()) item.second = 0;
  }
  return t;
}

}  // namespace

result<std::string> beam_module_name(std::string_view bytes) {
  auto chunks = read_beam_chunks(bytes);
  if (!chunks) return chunks.err();
  byte_reader r(chunks->atoms);
  std::int32_t count = static_cast<std::int32_t>(r.u32());
  if (r.failed() || count == 0) return malformed("atom table count is invalid");
  std::size_t len;
  if (count < 0) {
    generic_operand op;
    if (!read_compact_operand(r, op, false) || op.kind != operand_kind::u)
      return malformed("atom table entry has a bad length");
    len = static_cast<std::size_t>(op.value);
  } else {
    len = r.u8();
  }
  std::string_view name = r.bytes(len);
  if (r.failed() || name.empty()) return malformed("atom table is truncated");
  return std::string(name);
}

result<std::unique_ptr<module>> load_beam(vm& v, std::string_view bytes, const load_options& opts) {
  auto chunks = read_beam_chunks(bytes);
  if (!chunks) return chunks.err();
  const beam_chunks& c = *chunks;

  auto atoms = read_atoms(v, c);
  if (!atoms) return atoms.err();

  byte_reader code_header(c.code);
  std::uint32_t sub_size = code_header.u32();
  std::uint32_t instruction_set = code_header.u32();
  std::uint32_t opcode_max = code_header.u32();
  std::uint32_t label_count = code_header.u32();
  std::uint32_t function_count = code_header.u32();
  if (code_header.failed() || sub_size < 16 || sub_size > c.code.size() - 4)
    return malformed("Code chunk header is invalid");
  if (instruction_set != 0) return malformed("unknown instruction set version");
  if (opcode_max > max_generic_opcode)
    return error{errc::unsupported_module,
                 "module uses opcodes up to " + std::to_string(opcode_max) +
                     " but this VM knows OTP 25's (up to " + std::to_string(max_generic_opcode) +
                     "): recompile with OTP 25's erlc"};
  if (label_count == 0 || label_count > c.code.size() || function_count > label_count)
    return malformed("Code chunk label or function count is invalid");

  auto m = std::make_unique<module>();
  m->atoms = std::move(*atoms);
  auto renamed = [&](term atom) -> result<term> {
    if (!opts.renames) return atom;
    auto it = opts.renames->find(std::string(v.atoms().name(atom)));
    if (it == opts.renames->end()) return atom;
    return v.atom(it->second);
  };
  auto own_name = renamed(m->atoms[1]);
  if (!own_name) return own_name.err();
  m->name = *own_name;

  auto literals = read_literals(v, c);
  if (!literals) return literals.err();

  // imports
  std::vector<export_entry*> imports;
  if (!c.imports.empty()) {
    byte_reader r(c.imports);
    std::uint32_t count = r.u32();
    if (r.failed() || count > r.remaining() / 12) return malformed("import count is invalid");
    for (std::uint32_t i = 0; i < count; ++i) {
      std::uint32_t mod = r.u32(), fn = r.u32(), arity = r.u32();
      if (mod == 0 || fn == 0 || mod >= m->atoms.size() || fn >= m->atoms.size() || arity > 255)
        return malformed("import " + std::to_string(i) + " is invalid");
      auto target = renamed(m->atoms[mod]);
      if (!target) return target.err();
      imports.push_back(v.code().export_for(*target, m->atoms[fn], arity));
    }
  }
  m->imports = imports;

  auto exports = read_function_table(c.exports, "export table", m->atoms.size(), label_count);
  if (!exports) return exports.err();

  // funs
  struct raw_fun {
    std::uint32_t function, arity, label, index, num_free, old_uniq;
  };
  std::vector<raw_fun> raw_funs;
  if (!c.funs.empty()) {
    byte_reader r(c.funs);
    std::uint32_t count = r.u32();
    if (r.failed() || count > r.remaining() / 24) return malformed("fun table count is invalid");
    for (std::uint32_t i = 0; i < count; ++i) {
      raw_fun f{r.u32(), r.u32(), r.u32(), r.u32(), r.u32(), r.u32()};
      if (f.function == 0 || f.function >= m->atoms.size() || f.arity > 255 ||
          f.num_free > f.arity || f.label == 0 || f.label >= label_count)
        return malformed("fun table entry " + std::to_string(i) + " is invalid");
      raw_funs.push_back(f);
    }
  }
  m->funs.resize(raw_funs.size());

  auto lines = read_lines(c, m->name, v.atoms());
  if (!lines) return lines.err();
  m->files = lines->files;

  m->strings.assign(c.strings);

  // prove the code cannot corrupt the VM (verifier.hpp)
  auto verified = verify_code(
      {v, *m, *literals, c.code.substr(4 + sub_size), label_count, c.exports, c.funs});
  if (!verified) return verified.err();

  // translate the code
  translation_input in{v,
                       *m,
                       *literals,
                       imports,
                       lines->items,
                       label_count,
                       function_count,
                       c.code.substr(4 + sub_size),
                       verified->unproven};
  auto code = translate_code(in);
  if (!code) return code.err();
  translation_output& out = *code;

  auto label_address = [&](std::uint32_t label) -> const word* {
    return m->code.get() + out.label_offsets[label];
  };
  for (std::size_t i = 0; i < raw_funs.size(); ++i) {
    const raw_fun& f = raw_funs[i];
    if (out.label_offsets[f.label] == translation_output::undefined_label)
      return malformed("fun " + std::to_string(i) + " refers to an undefined label");
    m->funs[i] = fun_entry{m.get(),         m->name,   m->atoms[f.function], f.arity,
                           f.num_free,      f.index,   f.old_uniq,           label_address(f.label)};
  }
  for (const table_entry& e : *exports) {
    if (out.label_offsets[e.label] == translation_output::undefined_label)
      return malformed("export refers to an undefined label");
    m->exported.push_back({m->atoms[e.function], e.arity, label_address(e.label)});
  }
  if (!c.attributes.empty()) {
    term_allocator alloc{&v.literals(),
                         [](void* ctx, std::size_t n) {
                           return static_cast<literal_area*>(ctx)->allocate(n);
                         },
                         nullptr};
    if (auto d = etf_decode(v.atoms(), c.attributes, alloc)) m->attributes = d->value;
  }
  if (!c.compile_info.empty()) {
    term_allocator alloc{&v.literals(),
                         [](void* ctx, std::size_t n) {
                           return static_cast<literal_area*>(ctx)->allocate(n);
                         },
                         nullptr};
    if (auto d = etf_decode(v.atoms(), c.compile_info, alloc)) m->compile_info = d->value;
  }
  return m;
}

}  // namespace aion::vm

#include "runtime/code/beam_reader.hpp"

namespace aion::vm {

result<beam_chunks> read_beam_chunks(std::string_view bytes) {
  auto bad = [](std::string msg) { return error{errc::malformed_module, std::move(msg)}; };
  byte_reader r(bytes);
  if (r.bytes(4) != "FOR1") return bad("not a BEAM file (no FOR1 header)");
  std::uint32_t form_size = r.u32();
  if (r.failed() || form_size > r.remaining() || form_size < 4)
    return bad("truncated BEAM file (form size exceeds the file)");
  byte_reader form(bytes.substr(8, form_size));
  if (form.bytes(4) != "BEAM") return bad("not a BEAM file (form type is not BEAM)");
  beam_chunks c;
  while (!form.at_end()) {
    std::string_view id = form.bytes(4);
    std::uint32_t size = form.u32();
    if (form.failed()) return bad("truncated chunk header");
    std::string_view body = form.bytes(size);
    if (form.failed()) return bad("chunk '" + std::string(id) + "' is truncated");
    std::size_t pad = (4 - size % 4) % 4;
    if (form.remaining() >= pad) form.bytes(pad);
    if (id == "AtU8") c.atoms = body;
    else if (id == "Atom") {
      c.atoms = body;
      c.atoms_utf8 = false;
    } else if (id == "Code") c.code = body;
    else if (id == "StrT") c.strings = body;
    else if (id == "ImpT") c.imports = body;
    else if (id == "ExpT") c.exports = body;
    else if (id == "LocT") c.locals = body;
    else if (id == "FunT") c.funs = body;
    else if (id == "LitT") c.literals = body;
    else if (id == "Line") c.lines = body;
    else if (id == "Attr") c.attributes = body;
    else if (id == "CInf") c.compile_info = body;
  }
  if (c.atoms.empty()) return bad("missing atom chunk (AtU8)");
  if (c.code.empty()) return bad("missing Code chunk");
  return c;
}

namespace {

// Reads the value part of a compact term whose first byte is `b`. Values of up to 8 bytes
// come back in `value`; longer ones (only integers have them) in `big`.
bool read_value(byte_reader& r, std::uint8_t b, std::int64_t& value, std::vector<std::uint8_t>* big,
                bool is_signed) {
  if ((b & 0x08) == 0) {
    value = b >> 4;
    return true;
  }
  if ((b & 0x10) == 0) {
    value = (static_cast<std::int64_t>(b & 0xE0) << 3) | r.u8();
    return !r.failed();
  }
  std::size_t len = (b >> 5) + 2;
  if (len == 9) {
    // nested length: an unsigned compact value, plus 9
    std::uint8_t lb = r.u8();
    std::int64_t extra = 0;
    if (r.failed() || (lb & 7) != 0 || !read_value(r, lb, extra, nullptr, false)) return false;
    if (extra < 0 || static_cast<std::uint64_t>(extra) > r.remaining()) return false;
    len = static_cast<std::size_t>(extra) + 9;
  }
  std::string_view bytes = r.bytes(len);
  if (r.failed()) return false;
  if (len > 8) {
    if (!big) return false;
    big->assign(bytes.begin(), bytes.end());
    return true;
  }
  std::uint64_t v = 0;
  for (unsigned char c : bytes) v = (v << 8) | c;
  if (is_signed && len < 8 && (static_cast<unsigned char>(bytes[0]) & 0x80))
    v |= ~std::uint64_t{0} << (8 * len);
  value = static_cast<std::int64_t>(v);
  return true;
}

}  // namespace

bool read_compact_operand(byte_reader& r, generic_operand& out, bool allow_list) {
  std::uint8_t b = r.u8();
  if (r.failed()) return false;
  out.big.clear();
  out.list.clear();
  switch (b & 7) {
    case 0: out.kind = operand_kind::u; break;
    case 1: out.kind = operand_kind::integer; break;
    case 2: out.kind = operand_kind::atom; break;
    case 3: out.kind = operand_kind::x; break;
    case 4: out.kind = operand_kind::y; break;
    case 5: out.kind = operand_kind::label; break;
    case 6: out.kind = operand_kind::character; break;
    default: {
      switch (b >> 4) {
        case 1:    // list
        case 3: {  // allocation list
          if (!allow_list) return false;
          generic_operand n;
          if (!read_compact_operand(r, n, false) || n.kind != operand_kind::u) return false;
          std::int64_t count = b >> 4 == 3 ? n.value * 2 : n.value;
          if (count < 0 || static_cast<std::uint64_t>(count) > r.remaining()) return false;
          out.kind = b >> 4 == 1 ? operand_kind::list : operand_kind::alloc;
          out.list.resize(static_cast<std::size_t>(count));
          for (auto& e : out.list)
            if (!read_compact_operand(r, e, false)) return false;
          return true;
        }
        case 2: {  // float register
          generic_operand n;
          if (!read_compact_operand(r, n, false) || n.kind != operand_kind::u) return false;
          out.kind = operand_kind::fr;
          out.value = n.value;
          return true;
        }
        case 4: {  // literal
          generic_operand n;
          if (!read_compact_operand(r, n, false) || n.kind != operand_kind::u) return false;
          out.kind = operand_kind::literal;
          out.value = n.value;
          return true;
        }
        case 5: {  // typed register: a register, then a type index we do not use
          if (!read_compact_operand(r, out, false)) return false;
          if (out.kind != operand_kind::x && out.kind != operand_kind::y) return false;
          generic_operand type;
          return read_compact_operand(r, type, false) && type.kind == operand_kind::u;
        }
        default:
          return false;  // old-style float literals (0) and unknown extended tags
      }
    }
  }
  bool is_int = out.kind == operand_kind::integer;
  if (!read_value(r, b, out.value, is_int ? &out.big : nullptr, is_int)) return false;
  if (is_int && !out.big.empty()) out.kind = operand_kind::big_integer;
  if (out.kind == operand_kind::atom && out.value == 0) out.kind = operand_kind::nil;
  if (out.kind != operand_kind::integer && out.kind != operand_kind::big_integer && out.value < 0)
    return false;
  return true;
}

}  // namespace aion::vm

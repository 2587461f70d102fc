#include "runtime/bif/bif_util.hpp"

#include <vector>

#include "runtime/term/binary.hpp"

namespace aion::vm {

term tuple_of(process& p, std::initializer_list<term> elems) {
  term* t = p.alloc(elems.size() + 1);
  t[0].raw = make_header(subtag::tuple, elems.size());
  std::size_t i = 1;
  for (term e : elems) t[i++] = e;
  return make_boxed(t);
}

term cons(process& p, term head, term tail) {
  term* c = p.alloc(2);
  c[0] = head;
  c[1] = tail;
  return make_list(c);
}

term list_of(process& p, const term* items, std::size_t n, term tail) {
  if (n == 0) return tail;
  term* cells = p.alloc(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    cells[2 * i] = items[i];
    cells[2 * i + 1] = i + 1 < n ? make_list(&cells[2 * i + 2]) : tail;
  }
  return make_list(cells);
}

term bytes_to_list(process& p, std::string_view bytes, term tail) {
  std::size_t n = bytes.size();
  if (n == 0) return tail;
  term* cells = p.alloc(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    cells[2 * i] = make_small(static_cast<unsigned char>(bytes[i]));
    cells[2 * i + 1] = i + 1 < n ? make_list(&cells[2 * i + 2]) : tail;
  }
  return make_list(cells);
}

term utf8_to_list(process& p, std::string_view s) {
  std::vector<term> cps;
  cps.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = c;
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (n > 1 && i + n <= s.size()) {
      cp = c & (0x7F >> n);
      for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    } else {
      n = 1;
    }
    cps.push_back(make_small(cp));
    i += n;
  }
  return list_of(p, cps.data(), cps.size());
}

std::optional<std::size_t> list_length(term t) {
  std::size_t n = 0;
  while (is_list(t)) {
    ++n;
    t = cdr(t);
  }
  if (!is_nil(t)) return std::nullopt;
  return n;
}

bool list_to_bytes(term list, std::string& out) {
  for (; is_list(list); list = cdr(list)) {
    term c = car(list);
    if (!is_small(c) || small_value(c) < 0 || small_value(c) > 255) return false;
    out.push_back(static_cast<char>(small_value(c)));
  }
  return is_nil(list);
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool list_to_utf8(term list, std::string& out) {
  for (; is_list(list); list = cdr(list)) {
    term c = car(list);
    if (!is_small(c)) return false;
    sword cp = small_value(c);
    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    append_utf8(out, static_cast<std::uint32_t>(cp));
  }
  return is_nil(list);
}

bool iolist_to_bytes(term t, std::string& out) {
  std::vector<term> stack;
  stack.push_back(t);
  while (!stack.empty()) {
    term x = stack.back();
    stack.pop_back();
    while (true) {
      if (is_nil(x)) break;
      if (is_bitstring(x)) {
        bit_view v = bitstring_view(x);
        if (v.bit_size % 8) return false;
        if (v.bit_offset % 8 == 0) {
          out.append(v.as_string_view());
        } else {
          std::size_t at = out.size();
          out.resize(at + v.byte_size());
          copy_bits(v.bytes, v.bit_offset, reinterpret_cast<unsigned char*>(out.data() + at), 0,
                    v.bit_size);
        }
        break;
      }
      if (!is_list(x)) return false;
      term h = car(x);
      if (is_small(h)) {
        if (small_value(h) < 0 || small_value(h) > 255) return false;
        out.push_back(static_cast<char>(small_value(h)));
      } else if (is_list(h) || is_nil(h) || is_bitstring(h)) {
        // descend into the head; continue with the tail afterwards
        stack.push_back(cdr(x));
        x = h;
        continue;
      } else {
        return false;
      }
      x = cdr(x);
      if (!is_list(x) && !is_nil(x) && !is_bitstring(x)) return false;
    }
  }
  return true;
}

}  // namespace aion::vm

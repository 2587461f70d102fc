#include "runtime/term/atom_table.hpp"

#include "runtime/term/term_hash.hpp"

namespace aion::vm {

namespace {
constexpr const char* predefined_names[] = {
#define X(id, text) text,
#include "runtime/term/atoms.def"
#undef X
};
}  // namespace

std::size_t utf8_length(std::string_view name) {
  std::size_t n = 0;
  for (unsigned char c : name) n += (c & 0xC0) != 0x80;
  return n;
}

atom_table::atom_table(std::size_t limit)
    : limit_(limit),
      chunks_(std::make_unique<std::unique_ptr<slot[]>[]>((limit + chunk_size - 1) /
                                                                  chunk_size)) {
  for (const char* text : predefined_names) intern(text);
}

std::optional<term> atom_table::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return make_atom(it->second);
}

std::size_t atom_table::memory_bytes() const {
  const std::size_t n = size();
  const std::size_t chunks = (n + chunk_size - 1) / chunk_size;
  // An unordered_map node: the view, the index and the next pointer, plus its bucket.
  constexpr std::size_t index_entry_bytes = sizeof(std::string_view) + sizeof(word) + 2 * sizeof(void*);
  return chunks * chunk_size * sizeof(slot) + long_name_bytes_.load(std::memory_order_relaxed) +
         n * index_entry_bytes;
}

std::optional<term> atom_table::intern(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (auto it = by_name_.find(name); it != by_name_.end()) return make_atom(it->second);
  if (utf8_length(name) > max_atom_chars) return std::nullopt;
  std::size_t index = size_.load(std::memory_order_relaxed);
  if (index >= limit_) return std::nullopt;
  auto& chunk = chunks_[index >> chunk_bits];
  if (!chunk) chunk = std::make_unique<slot[]>(chunk_size);
  slot& s = chunk[index & (chunk_size - 1)];
  s.name.assign(name);
  if (s.name.capacity() > std::string().capacity())
    long_name_bytes_.fetch_add(s.name.capacity() + 1, std::memory_order_relaxed);
  s.hash = atom_name_hash(name);
  by_name_.emplace(std::string_view(s.name), index);
  size_.store(index + 1, std::memory_order_release);
  return make_atom(index);
}

}  // namespace aion::vm

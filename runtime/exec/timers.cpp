#include "runtime/exec/timers.hpp"

#include "runtime/exec/signal.hpp"

namespace aion::vm {

timer_service::~timer_service() {
  for (auto& [id, e] : entries_)
    if (e.message) signal::destroy(e.message);
}

void timer_service::add(word id, timer_entry entry) {
  std::lock_guard lock(mutex_);
  entries_[id] = entry;
}

std::optional<timer_entry> timer_service::take(word id) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  timer_entry e = it->second;
  entries_.erase(it);
  return e;
}

std::optional<std::int64_t> timer_service::deadline(word id) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  return it->second.deadline_ns;
}

std::size_t timer_service::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace aion::vm

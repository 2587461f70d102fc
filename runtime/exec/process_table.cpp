#include "runtime/exec/process_table.hpp"

#include "runtime/exec/process.hpp"

namespace aion::vm {

void process_table::insert(std::shared_ptr<process> p) {
  word n = pid_number(p->pid());
  shard& s = shard_of(n);
  std::lock_guard lock(s.mutex);
  if (s.map.emplace(n, std::move(p)).second) count_.fetch_add(1, std::memory_order_relaxed);
}

std::shared_ptr<process> process_table::find(word number) const {
  shard& s = shard_of(number);
  std::lock_guard lock(s.mutex);
  auto it = s.map.find(number);
  return it == s.map.end() ? nullptr : it->second;
}

std::shared_ptr<process> process_table::remove(word number) {
  shard& s = shard_of(number);
  std::lock_guard lock(s.mutex);
  auto it = s.map.find(number);
  if (it == s.map.end()) return nullptr;
  std::shared_ptr<process> p = std::move(it->second);
  s.map.erase(it);
  count_.fetch_sub(1, std::memory_order_relaxed);
  return p;
}

std::size_t process_table::size() const { return count_.load(std::memory_order_relaxed); }

std::vector<term> process_table::pids() const {
  std::vector<term> out;
  for (const shard& s : shards_) {
    std::lock_guard lock(s.mutex);
    for (const auto& [n, p] : s.map) out.push_back(make_pid(n));
  }
  return out;
}

std::vector<term> process_table::pids_in(const process_label* label) const {
  std::vector<term> out;
  for (const shard& s : shards_) {
    std::lock_guard lock(s.mutex);
    for (const auto& [n, p] : s.map)
      if (p->label_.get() == label) out.push_back(make_pid(n));
  }
  return out;
}

bool name_registry::add(term name, term pid) {
  std::lock_guard lock(mutex_);
  if (by_name_.count(name.raw) || by_pid_.count(pid.raw)) return false;
  by_name_[name.raw] = pid;
  by_pid_[pid.raw] = name;
  return true;
}

bool name_registry::remove(term name) {
  std::lock_guard lock(mutex_);
  auto it = by_name_.find(name.raw);
  if (it == by_name_.end()) return false;
  by_pid_.erase(it->second.raw);
  by_name_.erase(it);
  return true;
}

std::optional<term> name_registry::whereis(term name) const {
  std::lock_guard lock(mutex_);
  auto it = by_name_.find(name.raw);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<term> name_registry::name_of(term pid) const {
  std::lock_guard lock(mutex_);
  auto it = by_pid_.find(pid.raw);
  if (it == by_pid_.end()) return std::nullopt;
  return it->second;
}

void name_registry::remove_pid(term pid) {
  std::lock_guard lock(mutex_);
  auto it = by_pid_.find(pid.raw);
  if (it == by_pid_.end()) return;
  by_name_.erase(it->second.raw);
  by_pid_.erase(it);
}

std::vector<term> name_registry::names() const {
  std::lock_guard lock(mutex_);
  std::vector<term> out;
  for (const auto& [n, pid] : by_name_) out.push_back(term{n});
  return out;
}

}  // namespace aion::vm

#include "runtime/term/literal_area.hpp"

#include <sys/mman.h>

#include <new>

namespace aion::vm {

namespace {
constexpr std::size_t commit_step = std::size_t{1} << 20;
}

literal_area::literal_area(std::size_t reserve_bytes) {
  void* p = mmap(nullptr, reserve_bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  base_ = static_cast<char*>(p);
  limit_ = base_ + reserve_bytes;
  top_ = base_;
  committed_ = base_;
}

literal_area::~literal_area() { munmap(base_, limit_ - base_); }

term* literal_area::allocate(std::size_t words) {
  std::lock_guard lock(mutex_);
  std::size_t bytes = words * sizeof(term);
  if (bytes > static_cast<std::size_t>(limit_ - top_)) return nullptr;
  char* result = top_;
  char* end = top_ + bytes;
  if (end > committed_) {
    std::size_t grow = ((end - committed_) + commit_step - 1) / commit_step * commit_step;
    if (grow > static_cast<std::size_t>(limit_ - committed_)) grow = limit_ - committed_;
    if (mprotect(committed_, grow, PROT_READ | PROT_WRITE) != 0) return nullptr;
    committed_ += grow;
  }
  top_ = end;
  return reinterpret_cast<term*>(result);
}

std::size_t literal_area::used_bytes() const {
  std::lock_guard lock(mutex_);
  return top_ - base_;
}

}  // namespace aion::vm

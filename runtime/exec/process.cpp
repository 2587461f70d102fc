#include "runtime/exec/process.hpp"

#include <cstdlib>
#include <new>

#include "runtime/exec/host.hpp"
#include "runtime/vm.hpp"

namespace aion::vm {

process::process(vm& owner, process_host& host, word pid_number, word min_heap_words)
    : min_heap_words_(min_heap_words), vm_(&owner), host_(&host), pid_number_(pid_number) {
  heap_ = static_cast<term*>(std::malloc(min_heap_words * sizeof(term)));
  if (!heap_) throw std::bad_alloc();
  htop_ = heap_;
  hend_ = heap_ + min_heap_words;
  stop_ = hend_;
}

process::~process() {
  owner().counters().add_process_memory(home_, -static_cast<std::int64_t>(accounted_bytes_));
  if (label_) {
    label_->live.fetch_sub(1, std::memory_order_relaxed);
    if (spawned_by_code_) label_->spawned.fetch_sub(1, std::memory_order_relaxed);
  }
  clear_mailbox();
  release_off_heap(off_heap_);
  for (heap_fragment* f = fragments_; f; f = f->next) release_off_heap(f->off_heap);
  for (heap_fragment* f = fragments_; f;) {
    heap_fragment* next = f->next;
    std::free(f);
    f = next;
  }
  std::free(heap_);
  std::free(spare_);
}

void process::account_memory() {
  const std::size_t now = memory_words() * sizeof(term);
  owner().counters().add_process_memory(home_, static_cast<std::int64_t>(now) -
                                                   static_cast<std::int64_t>(accounted_bytes_));
  accounted_bytes_ = now;
}

void process::set_max_heap_words(std::size_t words) {
  if (max_heap_cap_words_ && (words == 0 || words > max_heap_cap_words_)) words = max_heap_cap_words_;
  max_heap_words_ = words;
  off_heap_account_.limit = words * sizeof(term);
  if (words && off_heap_gc_bytes_ > off_heap_account_.limit / 2)
    off_heap_gc_bytes_ = off_heap_account_.limit / 2;
  if (words && min_heap_words_ > words) min_heap_words_ = words;
}

term* process::alloc_fragment(std::size_t words) {
  // Natives that outgrow the heap allocate from chunks, not one malloc per term.
  constexpr std::size_t chunk_words = 4096;
  // Fragments count toward the maximum heap size as the heap does: code running in a slice
  // that asks for more than the limit allows (erlang:make_tuple(1 bsl 30, 0)) kills the
  // process before the memory is taken (run_slice catches the bad_alloc). Outside a slice
  // (signal handling, the host) allocations are small and the next collection decides.
  if (in_slice_ && max_heap_words_ &&
      (words > max_heap_words_ || fragment_words_ > max_heap_words_ - words))
    throw std::bad_alloc();
  heap_fragment* f = fragments_;
  if (!f || f->size - f->used < words) {
    f = heap_fragment::create(words > chunk_words ? words : chunk_words);
    f->next = fragments_;
    fragments_ = f;
  }
  term* p = f->mem + f->used;
  f->used += words;
  fragment_words_ += words;
  return p;
}

void process::enqueue(term payload, heap_fragment* fragment) {
  auto* m = new (std::malloc(sizeof(message))) message{};
  m->payload = payload;
  m->fragment = fragment;
  enqueue(m);
}

void process::enqueue(signal* m) {
  m->next = nullptr;
  *queue_tail_ = m;
  queue_tail_ = &m->next;
  ++queue_len_;
}

void process::remove_current_message() {
  message* m = *save_;
  *save_ = m->next;
  if (queue_tail_ == &m->next) queue_tail_ = save_;
  if (marker_ == &m->next) marker_ = save_;
  if (m->fragment) {
    m->fragment->next = fragments_;
    fragments_ = m->fragment;
    fragment_words_ += m->fragment->used;
  }
  std::free(m);
  --queue_len_;
  save_ = &queue_head_;
}

void process::clear_mailbox() {
  for (message* m = queue_head_; m;) {
    message* next = m->next;
    signal::destroy(m);
    m = next;
  }
  for (signal* s = inbox_.close(); s;) {
    signal* next = s->next;
    signal::destroy(s);
    s = next;
  }
  queue_head_ = nullptr;
  queue_tail_ = &queue_head_;
  save_ = &queue_head_;
  marker_ = nullptr;
  queue_len_ = 0;
}

}  // namespace aion::vm

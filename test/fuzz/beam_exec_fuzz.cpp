// libFuzzer target: a byte string that loads as a module (so the verifier accepted it) has
// each of its exported 0-arity functions run, bounded by slices and heap, on a
// single-threaded host. Whatever the code does, the process may fail with an Erlang error or
// be killed; nothing may crash, hang, leak or touch memory it does not own (run under ASan
// and UBSan). Operands the verifier could not prove run in their checked forms
// (runtime/code/verifier.md).
//
// Random byte flips rarely leave a module that still loads, so a custom mutator also edits
// the Code chunk one instruction at a time, keeping its size: it replaces an instruction by
// no-ops (dropping a type test, a heap reservation, a move), gives it another opcode of the
// same operand count (one type test for another), or changes a register, label or small
// number. Those are the modules that pass the verifier yet differ from what erlc emits.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <string_view>
#include <vector>

#include "runtime/code/beam_reader.hpp"
#include "runtime/code/generic_opcodes.hpp"
#include "runtime/exec/host.hpp"
#include "runtime/exec/interpreter.hpp"
#include "runtime/exec/process.hpp"
#include "runtime/exec/signals.hpp"
#include "runtime/vm.hpp"

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size,
                                        std::size_t max_size);

namespace {

using namespace aion::vm;

constexpr int max_slices = 64;                   // 64 × 4,000 reductions per input
constexpr std::size_t max_heap_words = 1 << 16;  // a process over it is killed

// Runs processes on the calling thread, in order, for a bounded number of slices. Timers never
// fire and modules are never loaded on demand.
class bounded_host final : public process_host {
 public:
  void schedule(process& p) override { queue_.push_back(&p); }
  void arm_timer(word, std::int64_t) override {}
  void run_dirty(process& p) override {
    run_dirty_native(p);
    schedule(p);
  }
  bool autoload(term) override { return false; }
  void exited(process&) override {}

  void run(vm& v) {
    for (int slice = 0; slice < max_slices && !queue_.empty(); ++slice) step();
    // What is left is killed and reaped (an exit may wake others meanwhile: they are in the
    // table and killed in turn).
    for (term pid : v.processes().pids())
      if (std::shared_ptr<process> p = v.processes().find(pid_number(pid))) {
        kill_process_now(*p, atoms::kill);
        drive_process(*p, *ctx_);
      }
    queue_.clear();
  }

 private:
  void step() {
    process* p = queue_.front();
    queue_.pop_front();
    drive_result r = drive_process(*p, *ctx_);
    if (r.outcome == drive_outcome::requeue)
      schedule(*p);
    else if (r.outcome == drive_outcome::dirty)
      run_dirty(*p);
  }

  std::deque<process*> queue_;
  std::unique_ptr<exec_context> ctx_ = std::make_unique<exec_context>();
};

// ---- the instruction-level mutator ---------------------------------------------------------------

// Where an instruction and its operands (list elements included) lie in the file.
struct instruction_at {
  std::size_t begin, end;
  unsigned opcode;
  std::vector<std::size_t> operands;  // offsets of each operand's first byte
};

// The instructions of the Code chunk of `bytes`, or nothing when it does not decode.
std::vector<instruction_at> instructions_of(std::string_view bytes) {
  std::vector<instruction_at> out;
  auto chunks = read_beam_chunks(bytes);
  if (!chunks || chunks->code.size() < 20) return out;
  byte_reader header(chunks->code);
  std::uint32_t sub_size = header.u32();
  if (sub_size > chunks->code.size() - 4) return out;
  std::string_view code = chunks->code.substr(4 + sub_size);
  auto base = reinterpret_cast<const unsigned char*>(bytes.data());
  byte_reader r(code);
  while (!r.at_end()) {
    instruction_at in{static_cast<std::size_t>(r.position() - base), 0, r.u8(), {}};
    if (in.opcode == 0 || in.opcode > max_generic_opcode) return {};
    for (unsigned k = 0; k < generic_opcodes[in.opcode].arity; ++k) {
      const unsigned char* at = r.position();
      generic_operand o;
      if (!read_compact_operand(r, o)) return {};
      in.operands.push_back(static_cast<std::size_t>(at - base));
      if (o.kind == operand_kind::list && *at == 0x17) {  // its elements, after the count
        byte_reader e(std::string_view(reinterpret_cast<const char*>(at + 1),
                                       static_cast<std::size_t>(r.position() - at - 1)));
        generic_operand count, element;
        if (!read_compact_operand(e, count, false)) return {};
        while (!e.at_end()) {
          in.operands.push_back(static_cast<std::size_t>(e.position() - base));
          if (!read_compact_operand(e, element, false)) return {};
        }
      }
    }
    in.end = static_cast<std::size_t>(r.position() - base);
    bool last = in.opcode == 3;  // int_code_end
    out.push_back(std::move(in));
    if (last) break;
  }
  return out;
}

// Opcodes that may stand in for each other (same operand count and shape).
constexpr unsigned type_tests[] = {45, 46, 47, 48, 49, 50, 51, 52, 53, 55, 56, 57, 77, 114, 129, 156};
constexpr unsigned comparisons[] = {39, 40, 41, 42, 43, 44};
constexpr unsigned list_parts[] = {162, 163};
constexpr unsigned bs_gets[] = {117, 118, 119};
constexpr unsigned utf_gets[] = {138, 140, 142};
constexpr unsigned utf_skips[] = {139, 141, 143, 121, 131};

template <std::size_t N>
bool swap_within(const unsigned (&family)[N], unsigned opcode, std::mt19937& rng, unsigned* out) {
  for (unsigned o : family)
    if (o == opcode) {
      *out = family[rng() % N];
      return true;
    }
  return false;
}

// Replaces [begin, end) by `line 0` instructions (2 bytes; 3 with a long operand encoding).
void fill_with_nops(std::uint8_t* data, std::size_t begin, std::size_t end) {
  std::size_t n = end - begin;
  std::size_t i = begin;
  if (n % 2) {
    data[i++] = 153;
    data[i++] = 0x08;  // u, two-byte form
    data[i++] = 0x00;
  }
  while (i < end) {
    data[i++] = 153;
    data[i++] = 0x00;
  }
}

// One size-preserving edit of one instruction; false when none applies.
bool mutate_instruction(std::uint8_t* data, std::size_t size, std::mt19937& rng) {
  std::vector<instruction_at> is =
      instructions_of(std::string_view(reinterpret_cast<const char*>(data), size));
  if (is.size() < 2) return false;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const instruction_at& in = is[rng() % is.size()];
    if (in.opcode <= 3) continue;  // label, func_info, int_code_end hold the structure
    switch (rng() % 4) {
      case 0:  // drop it
        if (in.end - in.begin < 2) continue;
        fill_with_nops(data, in.begin, in.end);
        return true;
      case 1: {  // another opcode of its family
        unsigned to = 0;
        if (!swap_within(type_tests, in.opcode, rng, &to) &&
            !swap_within(comparisons, in.opcode, rng, &to) &&
            !swap_within(list_parts, in.opcode, rng, &to) &&
            !swap_within(bs_gets, in.opcode, rng, &to) &&
            !swap_within(utf_gets, in.opcode, rng, &to) &&
            !swap_within(utf_skips, in.opcode, rng, &to) &&
            generic_opcodes[in.opcode].arity != 3)
          continue;
        if (to == 0) {  // 39..44 and others of three operands: any opcode of three
          do to = 1 + rng() % max_generic_opcode;
          while (generic_opcodes[to].arity != 3);
        }
        data[in.begin] = static_cast<std::uint8_t>(to);
        return true;
      }
      default: {  // a register, label or number in the short (4-bit) form
        if (in.operands.empty()) continue;
        std::size_t at = in.operands[rng() % in.operands.size()];
        std::uint8_t b = data[at];
        if ((b & 0x07) == 0x07 || (b & 0x08)) continue;
        std::uint8_t tag = b & 0x07;
        if ((tag == 3 || tag == 4) && rng() % 4 == 0) tag ^= 7;  // x ↔ y
        data[at] = static_cast<std::uint8_t>(((rng() % 16) << 4) | tag);
        return true;
      }
    }
  }
  return false;
}

}  // namespace

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned seed) {
  std::mt19937 rng(seed);
  if (rng() % 4 != 0) {
    bool changed = false;
    for (unsigned n = 1 + rng() % 3; n > 0; --n) changed |= mutate_instruction(data, size, rng);
    if (changed) return size;
  }
  return LLVMFuzzerMutate(data, size, max_size);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  vm_config cfg;
  cfg.literal_reserve_bytes = std::size_t{64} << 20;
  cfg.max_module_bytes = std::size_t{4} << 20;
  vm machine(cfg);
  auto loaded = machine.load_module(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!loaded.ok()) {
    if (loaded.err().message.empty()) __builtin_trap();  // errors must explain
    return 0;
  }
  const module& m = **loaded;
  bounded_host host;
  spawn_options opts;
  opts.max_heap_words = max_heap_words;
  for (const auto& e : m.exported)
    if (e.arity == 0 && machine.atoms().name(e.function) != "module_info")
      spawn_process(machine, host, nullptr, m.name, e.function, nil, opts);
  host.run(machine);
  return 0;
}

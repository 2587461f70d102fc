// The verifier's driver: decodes the module, then analyses its functions until the argument
// and return types of local functions stop changing (the compiler relies on those types to
// leave out tests, as OTP 25's beam_ssa_type does), and gathers the unproven operands.
#include "runtime/code/verifier.hpp"

#include <algorithm>
#include <deque>
#include <memory>

#include "runtime/code/code_registry.hpp"
#include "runtime/code/module.hpp"
#include "runtime/code/verifier_code.hpp"
#include "runtime/code/verifier_function.hpp"
#include "runtime/vm.hpp"

namespace aion::vm {

std::string_view runtime_check_name(runtime_check c) {
  switch (c) {
    case runtime_check::nonempty_list: return "nonempty_list";
    case runtime_check::tuple_element: return "tuple_element";
    case runtime_check::heap_tuple: return "heap_tuple";
    case runtime_check::match_context: return "match_context";
    case runtime_check::match_position: return "match_position";
    case runtime_check::number: return "number";
    case runtime_check::caught_exception: return "caught_exception";
  }
  return "?";
}

bool verification::needs_check(std::uint32_t ordinal) const {
  auto it = std::lower_bound(
      unproven.begin(), unproven.end(), ordinal,
      [](const unproven_operand& u, std::uint32_t o) { return u.instruction < o; });
  return it != unproven.end() && it->instruction == ordinal;
}

namespace verify {

namespace {

// After this many analyses of a function, joins into its summary widen.
constexpr std::uint32_t widen_after = 8;
// How deep analyses of callees nest before a call waits for the worklist instead.
constexpr unsigned max_nesting = 32;

// Joins `args` into a summary's; true when that changed it.
bool join_args(summary& s, const std::vector<value>& args, bool widen) {
  if (!s.entered) {
    s.args = args;
    s.entered = true;
    return true;
  }
  bool changed = false;
  for (std::size_t i = 0; i < s.args.size() && i < args.size(); ++i) {
    value j = join(s.args[i], args[i], widen);
    if (!(j == s.args[i])) {
      s.args[i] = j;
      changed = true;
    }
  }
  return changed;
}

// Analyses a module's functions until the summaries stop changing. Functions reachable from
// outside take any arguments; the others start unreached and take the join of their call
// sites. A callee never analysed is analysed when its first caller reaches the call, so the
// caller continues with its return type (without that, nearly every caller would be analysed
// twice). Functions nothing reaches are analysed last, with any arguments.
class module_verifier final : public module_analysis {
 public:
  module_verifier(const verifier_input& in, const decoded_code& d)
      : in_(in),
        d_(d),
        n_(d.functions.size()),
        summaries_(n_),
        callers_(n_),
        queued_(n_, false),
        analysed_(n_, false),
        active_(n_, false),
        runs_(n_, 0),
        unproven_(n_) {}

  result<verification> run();
  const std::vector<summary>& summaries() const override { return summaries_; }
  bool before_call(std::uint32_t callee, const state& s, unsigned arity,
                   std::string* error) override;

 private:
  void push(std::uint32_t fn) {
    if (!queued_[fn]) {
      queued_[fn] = true;
      work_.push_back(fn);
    }
  }
  void enter_with_any(std::uint32_t fn) {
    summaries_[fn].args.assign(d_.functions[fn].arity, value::any());
    summaries_[fn].entered = true;
    push(fn);
  }
  bool analyse(std::uint32_t fn, std::string* error);

  const verifier_input& in_;
  const decoded_code& d_;
  const std::size_t n_;
  std::vector<summary> summaries_;
  std::vector<std::vector<std::uint32_t>> callers_;
  std::deque<std::uint32_t> work_;
  std::vector<bool> queued_, analysed_, active_;
  std::vector<std::uint32_t> runs_;  // analyses per function: joins widen after a few
  std::vector<std::vector<unproven_operand>> unproven_;
  std::vector<std::unique_ptr<analysis_scratch>> scratch_;  // one per nesting level
  unsigned depth_ = 0;
  std::vector<value> args_;
  verification out_;
};

bool module_verifier::before_call(std::uint32_t callee, const state& s, unsigned arity,
                                  std::string* error) {
  if (analysed_[callee] || active_[callee] || depth_ >= max_nesting) return true;
  args_.clear();
  for (unsigned i = 0; i < arity; ++i) {
    args_.push_back(s.xr(i));
    args_.back().id = 0;
  }
  join_args(summaries_[callee], args_, false);
  return analyse(callee, error);
}

bool module_verifier::analyse(std::uint32_t fn, std::string* error) {
  // Each analysis changes summaries only monotonically (joins, widening after a few rounds),
  // so this terminates; the bound guards against a mistake turning into a hang on hostile input.
  if (++out_.analyses > 64 * n_ + 1024) {
    *error = "verification does not converge";
    return false;
  }
  queued_[fn] = false;
  if (scratch_.size() <= depth_) scratch_.push_back(std::make_unique<analysis_scratch>());
  active_[fn] = true;
  ++depth_;
  auto a = function_analysis(in_, d_, *this, fn, *scratch_[depth_ - 1]).run();
  --depth_;
  active_[fn] = false;
  if (!a) {
    *error = a.err().message;
    return false;
  }
  analysed_[fn] = true;
  bool widen = ++runs_[fn] > widen_after;
  unproven_[fn] = std::move(a->unproven);
  for (auto& [callee, args] : a->calls)
    if (join_args(summaries_[callee], args, runs_[callee] > widen_after)) push(callee);
  summary& self = summaries_[fn];
  if (a->returns) {
    value ret = self.returns ? join(self.ret, a->ret, widen) : a->ret;
    if (!self.returns || !(ret == self.ret)) {
      self.ret = ret;
      self.returns = true;
      // An analysis still running (a caller that had this one analysed first) continues
      // with the new type anyway.
      for (std::uint32_t caller : callers_[fn])
        if (analysed_[caller] && !active_[caller]) push(caller);
    }
  }
  return true;
}

result<verification> module_verifier::run() {
  // OTP's own modules need under 3 steps per instruction (the smallest a few more).
  steps_left = 32 * static_cast<std::int64_t>(d_.instructions.size()) + 100000;
  values_left = std::int64_t{4} << 20;  // about 50 MB of label states
  for (std::size_t fn = 0; fn < n_; ++fn) {
    const function& f = d_.functions[fn];
    summaries_[fn].native = in_.v.code().find_native(in_.m.name, f.name, f.arity) != nullptr;
    for (std::uint32_t i = f.begin; i < f.end; ++i) {
      unsigned op = d_.instructions[i].opcode;
      if (op != 4 && op != 5 && op != 6) continue;
      const operand& l = d_.op(i, 1);
      if (l.kind != operand_kind::label || l.value <= 0 ||
          static_cast<std::uint64_t>(l.value) >= d_.entry_function.size())
        continue;  // the analysis refuses it
      // Callers whose analysis uses the callee's return type (a tail call to itself only
      // joins a function's return type with itself).
      std::uint32_t callee = d_.entry_function[static_cast<std::size_t>(l.value)];
      if (callee != decoded_code::no_label && (op == 4 || callee != fn) &&
          (callers_[callee].empty() || callers_[callee].back() != fn))
        callers_[callee].push_back(static_cast<std::uint32_t>(fn));
    }
  }
  for (std::uint32_t fn : d_.external) enter_with_any(fn);

  std::string why;
  std::size_t next_unanalysed = 0;
  for (;;) {
    while (!work_.empty()) {
      std::uint32_t fn = work_.front();
      work_.pop_front();
      if (queued_[fn] && !analyse(fn, &why)) return error{errc::malformed_module, why};
    }
    // What is left is dead code (or reached only from dead code): enter a function that
    // nothing calls first, so its callees still get precise arguments.
    std::size_t pick = n_;
    for (std::size_t fn = next_unanalysed; fn < n_ && pick == n_; ++fn)
      if (!analysed_[fn] && callers_[fn].empty()) pick = fn;
    while (next_unanalysed < n_ && analysed_[next_unanalysed]) ++next_unanalysed;
    if (pick == n_) pick = next_unanalysed;
    if (pick == n_) break;
    enter_with_any(static_cast<std::uint32_t>(pick));
  }

  for (auto& u : unproven_) out_.unproven.insert(out_.unproven.end(), u.begin(), u.end());
  std::sort(out_.unproven.begin(), out_.unproven.end(),
            [](const unproven_operand& a, const unproven_operand& b) {
              return a.instruction != b.instruction ? a.instruction < b.instruction
                                                    : a.operand < b.operand;
            });
  out_.functions = static_cast<std::uint32_t>(n_);
  out_.instructions = static_cast<std::uint32_t>(d_.instructions.size());
  return std::move(out_);
}

}  // namespace

}  // namespace verify

result<verification> verify_code(const verifier_input& in) {
  auto decoded = verify::decode_module(in);
  if (!decoded) return decoded.err();
  return verify::module_verifier(in, *decoded).run();
}

}  // namespace aion::vm

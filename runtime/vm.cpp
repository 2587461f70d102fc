#include "runtime/vm.hpp"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "runtime/bif/bif_registry.hpp"
#include "runtime/code/instructions.hpp"
#include "runtime/code/loader.hpp"
#include "runtime/code/preloaded.hpp"
#include "runtime/exec/process.hpp"

namespace aion::vm {

namespace {
std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
std::int64_t real_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
vm_config with_defaults(vm_config cfg) {
  if (!cfg.clock.monotonic_ns) cfg.clock.monotonic_ns = steady_ns;
  if (!cfg.clock.system_ns) cfg.clock.system_ns = real_ns;
  if (!cfg.output) {
    cfg.output = [](term stream, term, std::string_view text) {
      std::FILE* f = stream == atoms::standard_error ? stderr : stdout;
      std::fwrite(text.data(), 1, text.size(), f);
      std::fflush(f);
    };
  }
  return cfg;
}
}  // namespace

vm::vm(const vm_config& cfg)
    : config_(with_defaults(cfg)),
      atoms_(config_.max_atoms),
      literals_(config_.literal_reserve_bytes),
      code_(std::make_unique<code_registry>(handler_of(op::stub_native),
                                            handler_of(op::stub_undef))) {
  // erlang:apply/2,3 are entered like functions but run special code.
  for (auto [arity, body] : {std::pair{2u, op::apply2_body}, std::pair{3u, op::apply3_body}}) {
    export_entry* e = code_->export_for(atoms::erlang, atoms::apply, arity);
    e->pinned = true;
    e->stub[0] = reinterpret_cast<word>(handler_of(body));
    e->address.store(e->stub, std::memory_order_release);
  }
  register_builtins(*this);
  for (const bif_def& d : bifs_io()) {
    auto r = code_->register_native(*atoms_.intern(d.module), *atoms_.intern(d.name), d.arity, d.fn);
    if (!r) throw std::logic_error("duplicate builtin in bifs_io");
  }
  for (const preloaded_module& m : preloaded_modules()) {
    auto loaded = install_module(m.beam);  // aion's own: no size limit
    if (!loaded) throw std::logic_error(std::string("preloaded module ") + m.name + ": " + loaded.err().message);
  }
}

vm::~vm() = default;

std::shared_ptr<const process_label> vm::label_of(term pid) const {
  if (!is_pid(pid)) return nullptr;
  auto p = processes_.find(pid_number(pid));
  return p ? p->label_ : nullptr;
}

result<const module*> vm::load_module(std::string_view beam_bytes,
                                      const std::map<std::string, std::string>* renames) {
  if (beam_bytes.size() > config_.max_module_bytes)
    return error{errc::module_too_large, "module is larger than the configured limit (" +
                                             std::to_string(config_.max_module_bytes) + " bytes)"};
  return install_module(beam_bytes, renames);
}

result<const module*> vm::install_module(std::string_view beam_bytes,
                                         const std::map<std::string, std::string>* renames) {
  load_options opts;
  opts.renames = renames;
  auto m = load_beam(*this, beam_bytes, opts);
  if (!m) return m.err();
  return code_->install(std::move(*m));
}

result<term> vm::atom(std::string_view name) {
  auto a = atoms_.intern(name);
  if (!a) return error{errc::system_limit, "atom table full or atom longer than 255 characters"};
  return *a;
}

}  // namespace aion::vm

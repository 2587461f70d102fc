#include "runtime/code/code_registry.hpp"

#include <algorithm>
#include <mutex>

namespace aion::vm {

code_registry::code_registry(const void* stub_native, const void* stub_undef)
    : stub_native_(stub_native), stub_undef_(stub_undef) {}

void code_registry::point_at_stub(export_entry& e) {
  if (e.native) {
    e.stub[0] = reinterpret_cast<word>(stub_native_);
    e.stub[1] = reinterpret_cast<word>(e.native);
    e.stub[2] = reinterpret_cast<word>(&e);
  } else {
    e.stub[0] = reinterpret_cast<word>(stub_undef_);
    e.stub[1] = reinterpret_cast<word>(&e);
  }
  e.address.store(e.stub, std::memory_order_release);
}

export_entry* code_registry::export_for(term module, term function, unsigned arity) {
  mfa_key key{module.raw, function.raw, arity};
  {
    std::shared_lock lock(mutex_);
    auto it = exports_.find(key);
    if (it != exports_.end()) return it->second.get();
  }
  std::unique_lock lock(mutex_);
  auto& slot = exports_[key];
  if (!slot) {
    slot = std::make_unique<export_entry>();
    slot->module = module;
    slot->function = function;
    slot->arity = arity;
    point_at_stub(*slot);
  }
  return slot.get();
}

export_entry* code_registry::find_export(term module, term function, unsigned arity) const {
  std::shared_lock lock(mutex_);
  auto it = exports_.find(mfa_key{module.raw, function.raw, arity});
  return it == exports_.end() ? nullptr : it->second.get();
}

result<void> code_registry::register_native(term module, term function, unsigned arity,
                                            native_fn fn) {
  export_entry* e = export_for(module, function, arity);
  std::unique_lock lock(mutex_);
  if (e->native || e->pinned)
    return error{errc::already_registered, "a native is already registered for this function"};
  e->native = fn;
  point_at_stub(*e);
  return {};
}

native_fn code_registry::find_native(term module, term function, unsigned arity) const {
  export_entry* e = find_export(module, function, arity);
  return e ? e->native : nullptr;
}

const module* code_registry::install(std::unique_ptr<module> m) {
  std::vector<std::pair<export_entry*, const word*>> targets;
  for (const auto& d : m->exported) targets.push_back({export_for(m->name, d.function, d.arity), d.address});
  std::unique_lock lock(mutex_);
  const module* installed = m.get();
  auto previous = current_.find(m->name.raw);
  if (previous != current_.end()) {
    // Functions the new version no longer exports become undefined.
    for (const auto& d : previous->second->exported) {
      auto it = exports_.find(mfa_key{m->name.raw, d.function.raw, d.arity});
      if (it != exports_.end() && !it->second->native && !it->second->pinned)
        point_at_stub(*it->second);
    }
  }
  for (auto [e, address] : targets)
    if (!e->native && !e->pinned) e->address.store(address, std::memory_order_release);
  current_[m->name.raw] = installed;
  versions_.push_back(std::move(m));
  return installed;
}

const module* code_registry::find_module(term name) const {
  std::shared_lock lock(mutex_);
  auto it = current_.find(name.raw);
  return it == current_.end() ? nullptr : it->second;
}

const module* code_registry::module_containing(const void* pc) const {
  std::shared_lock lock(mutex_);
  for (const auto& m : versions_)
    if (m->contains(static_cast<const word*>(pc))) return m.get();
  return nullptr;
}

const fun_entry* code_registry::find_fun(term module, unsigned index) const {
  const struct module* m = find_module(module);
  if (!m || index >= m->funs.size()) return nullptr;
  return &m->funs[index];
}

std::vector<term> code_registry::loaded_modules() const {
  std::shared_lock lock(mutex_);
  std::vector<term> out;
  for (const auto& [name, m] : current_) out.push_back(m->name);
  return out;
}

const function_info* module::function_at(const word* p) const {
  auto it = std::upper_bound(functions.begin(), functions.end(), p,
                             [](const word* a, const function_info& f) { return a < f.func_info; });
  if (it == functions.begin()) return nullptr;
  --it;
  return p < it->end ? &*it : nullptr;
}

const line_entry* module::line_at(const word* p) const {
  auto it = std::upper_bound(lines.begin(), lines.end(), p,
                             [](const word* a, const line_entry& l) { return a < l.address; });
  if (it == lines.begin()) return nullptr;
  return &*(it - 1);
}

}  // namespace aion::vm

// The engine: opening (natives, SDK, shards, deployments, recovery), starting runs, and the
// resident set of workflow instances. Requests on existing runs are in requests.cpp.
#include "engine/engine_impl.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "engine/json_codec.hpp"
#include "engine/natives.hpp"
#include "engine/sdk_modules.hpp"
#include "runtime/code/code_registry.hpp"
#include "runtime/code/loader.hpp"
#include "runtime/exec/otp_path.hpp"
#include "runtime/vm.hpp"

namespace aion::engine {

using vm::term;

namespace {

constexpr const char* deployment_name = "main";
constexpr auto lease_ttl = std::chrono::milliseconds(30000);

error not_owner(std::string_view workflow_id, std::uint32_t shard) {
  return error{errc::not_owner, "workflow " + std::string(workflow_id) + " belongs to shard " +
                                    std::to_string(shard) + ", which this node does not own"};
}

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

engine_config with_defaults(engine_config c) {
  if (!c.clock.now_ms) c.clock.now_ms = system_now_ms;
  return c;
}

template <class T>
error store_error(const persistence::result<T>& r, std::string_view what) {
  return aion::engine::store_error(r.err(), what);
}

bool valid_identifier(std::string_view s) {
  if (s.empty() || s.size() > 255) return false;
  return std::none_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

}  // namespace

error store_error(const persistence::error& e, std::string_view what) {
  errc code = errc::unavailable;
  switch (e.code()) {
    case persistence::errc::not_found: code = errc::not_found; break;
    case persistence::errc::conflict: code = errc::conflict; break;
    case persistence::errc::invalid_argument: code = errc::invalid_argument; break;
    case persistence::errc::fenced: code = errc::not_owner; break;  // another node took the shard
    case persistence::errc::give_up: code = errc::internal; break;
    default: break;
  }
  return error{code, std::string(what) + ": " + e.message()};
}

persistence::workflow_status store_status(run_status s) {
  using ws = persistence::workflow_status;
  switch (s) {
    case run_status::running: return ws::running;
    case run_status::stuck: return ws::stuck;
    case run_status::completed: return ws::completed;
    case run_status::failed: return ws::failed;
    case run_status::cancelled: return ws::cancelled;
    case run_status::terminated: return ws::terminated;
    case run_status::timed_out: return ws::timed_out;
    case run_status::continued_as_new: return ws::continued_as_new;
  }
  return ws::failed;
}

run_status status_of(persistence::workflow_status s) {
  using ws = persistence::workflow_status;
  switch (s) {
    case ws::running: return run_status::running;
    case ws::stuck: return run_status::stuck;
    case ws::completed: return run_status::completed;
    case ws::failed: return run_status::failed;
    case ws::cancelled: return run_status::cancelled;
    case ws::terminated: return run_status::terminated;
    case ws::timed_out: return run_status::timed_out;
    case ws::continued_as_new: return run_status::continued_as_new;
  }
  return run_status::failed;
}

const char* to_string(run_status s) {
  switch (s) {
    case run_status::running: return "running";
    case run_status::stuck: return "stuck";
    case run_status::completed: return "completed";
    case run_status::failed: return "failed";
    case run_status::cancelled: return "cancelled";
    case run_status::terminated: return "terminated";
    case run_status::timed_out: return "timed_out";
    case run_status::continued_as_new: return "continued_as_new";
  }
  return "unknown";
}

engine_impl::engine_impl(engine_config cfg)
    : cfg_(with_defaults(std::move(cfg))),
      workers_(4),
      completions_(2),
      activities_(cfg_.activity_threads),
      timers_([this] { return now_ms(); }),
      seed_state_(std::random_device{}()) {
  if (cfg_.observer) observer_ = cfg_.observer;
}

std::uint64_t engine_impl::random_seed() {
  // splitmix64 over a counter started at a random point.
  std::uint64_t z = (seed_state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

engine_impl::~engine_impl() { shutdown(); }

result<void> engine_impl::open() {
  if (!cfg_.runtime || !cfg_.store) return error{errc::invalid_argument, "engine needs a runtime and a store"};
  if (auto r = register_natives(*this); !r) return r;
  for (const vm::preloaded_module& m : sdk_modules()) {
    auto loaded = cfg_.runtime->load_module(m.beam);
    if (!loaded) return error{errc::internal, std::string("SDK module ") + m.name + ": " + loaded.err().message};
  }
  for (auto& [name, fn] : cfg_.host_activities)
    if (auto r = register_activity(name, fn); !r) return error{r.err().code, "host activity " + name + ": " + r.err().message};
  if (auto r = take_shards(); !r) return r;
  if (auto r = load_deployments(); !r) return r;
  recover();
  return {};
}

void engine_impl::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    for (auto& [id, w] : watched_) w->cv.notify_all();
  }
  // Let queued commits land, then stop the threads. Workflows stay open in the store: they
  // resume (replay) at the next open.
  std::vector<std::shared_ptr<instance>> all;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, inst] : resident_) all.push_back(inst);
  }
  // Buffered steps get 2 s to go out; a step with the store is waited for until its answer is
  // handled (the store's own time-outs bound that), so that its waiters hear how it ended.
  const auto began = std::chrono::steady_clock::now();
  for (;;) {
    bool busy = std::any_of(all.begin(), all.end(), [](const auto& inst) { return !inst->settled(); });
    bool in_flight = std::any_of(all.begin(), all.end(), [](const auto& inst) { return inst->committing(); });
    auto waited = std::chrono::steady_clock::now() - began;
    if (!in_flight && (!busy || waited >= std::chrono::seconds(2))) break;
    if (waited >= std::chrono::seconds(60)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (auto& inst : all) inst->evict();
  halted_ = true;  // commit_and_wait stops waiting: nothing handles a store answer now
  timers_.stop();
  activities_.stop();
  workers_.stop();
  completions_.stop();
  std::lock_guard lock(mutex_);
  resident_.clear();
}

// ---- shards ---------------------------------------------------------------------------------------

std::uint32_t engine_impl::shard_of(std::string_view workflow_id) const {
  // FNV-1a: stable across nodes and releases.
  std::uint32_t h = 2166136261u;
  for (unsigned char c : workflow_id) {
    h ^= c;
    h *= 16777619u;
  }
  return shard_count_ ? h % shard_count_ : 0;
}

persistence::fence engine_impl::fence_for(std::string_view workflow_id) {
  std::uint32_t shard = shard_of(workflow_id);
  std::lock_guard lock(mutex_);
  auto it = owned_.find(shard);
  return it != owned_.end() ? it->second.fence() : persistence::fence{shard, 0};
}

bool engine_impl::owns(std::uint32_t shard) {
  std::lock_guard lock(mutex_);
  return owned_.count(shard) > 0;
}

result<void> engine_impl::take_shards() {
  auto& cluster = cfg_.store->cluster();
  auto info = cluster.init_cluster(cfg_.shard_count);
  if (!info) info = cluster.load_cluster_info();
  if (!info) return store_error(info, "cannot read the cluster's shard count");
  shard_count_ = info->shard_count;
  if (cfg_.external_shards) return {};  // the cluster layer hands shards over
  std::map<std::uint32_t, persistence::shard_lease> leases;
  for (std::uint32_t s = 0; s < shard_count_; ++s) {
    auto lease = cluster.acquire_shard(s, cfg_.node_id, lease_ttl);
    if (!lease) return store_error(lease, "cannot take the shards");
    leases[s] = *lease;
  }
  {
    std::lock_guard lock(mutex_);
    owned_ = std::move(leases);
  }
  renew_shards();
  return {};
}

void engine_impl::renew_shards() {
  timers_.add(now_ms() + lease_ttl.count() / 3, [this] {
    workers_.post([this] {
      std::vector<persistence::shard_lease> leases;
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        for (auto& [shard, l] : owned_) leases.push_back(l);
      }
      for (auto& l : leases) {
        auto renewed = cfg_.store->cluster().renew_shard(l, lease_ttl);
        if (renewed) {
          std::lock_guard lock(mutex_);
          auto it = owned_.find(l.shard_id);
          if (it != owned_.end() && it->second.fencing_token == renewed->fencing_token) it->second = *renewed;
        } else if (renewed.err().code() == persistence::errc::fenced) {
          shard_fenced(l.shard_id);
        }
      }
      renew_shards();
    });
  });
}

result<void> engine_impl::own_shard(std::uint32_t shard, std::int64_t fencing_token) {
  if (shard >= shard_count_) return error{errc::invalid_argument, "no shard " + std::to_string(shard)};
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return error{errc::shutting_down, "the engine is stopping"};
    auto& l = owned_[shard];
    bool fresh = l.fencing_token != fencing_token;
    l.shard_id = shard;
    l.owner_node = cfg_.node_id;
    l.fencing_token = fencing_token;
    if (!fresh) return {};
  }
  recover_shard(shard);
  return {};
}

void engine_impl::disown_shard(std::uint32_t shard) {
  std::vector<std::shared_ptr<instance>> dropped;
  {
    std::lock_guard lock(mutex_);
    if (!owned_.erase(shard)) return;
    for (auto& [id, inst] : resident_)
      if (shard_of(id) == shard) dropped.push_back(inst);
  }
  for (auto& inst : dropped) {
    inst->evict();
    forget(inst);
  }
}

std::vector<std::uint32_t> engine_impl::owned_shards() {
  std::lock_guard lock(mutex_);
  std::vector<std::uint32_t> out;
  for (auto& [shard, l] : owned_) out.push_back(shard);
  return out;
}

void engine_impl::shard_fenced(std::uint32_t shard) {
  if (!owns(shard)) return;
  disown_shard(shard);
  if (cfg_.on_shard_lost) cfg_.on_shard_lost(shard);
}

void engine_impl::reload_later(const std::string& workflow_id, int attempt) {
  std::int64_t delay = std::min<std::int64_t>(30000, 250LL << std::min(attempt, 7));
  timers_.add(now_ms() + delay, [this, workflow_id, attempt] {
    workers_.post([this, workflow_id, attempt] {
      auto inst = instance_of(workflow_id, true);
      if (inst) return;
      auto code = inst.err().code;
      if (code == errc::unavailable || code == errc::internal || code == errc::conflict)
        reload_later(workflow_id, attempt + 1);  // not_owner, closed, stopping: nothing to do
    });
  });
}

// ---- code -------------------------------------------------------------------------------------------

std::string engine_impl::versioned_module(std::int32_t version, const std::string& module) {
  std::lock_guard lock(mutex_);
  auto v = versions_.find(version);
  if (v == versions_.end()) return {};
  auto m = v->second.find(module);
  return m == v->second.end() ? std::string() : m->second;
}

result<void> engine_impl::load_version(std::int32_t version,
                                       const std::map<std::string, std::string>& hashes) {
  std::map<std::string, std::string> names;
  for (const auto& [module, hash] : hashes) names[module] = module + "@" + std::to_string(version);
  for (const auto& [module, hash] : hashes) {
    auto blob = cfg_.store->code().load_module(hash);
    if (!blob) return store_error(blob, "cannot read deployed module");
    auto loaded = cfg_.runtime->machine().load_module(blob->content, &names);
    if (!loaded) return error{errc::invalid_argument, module + ": " + loaded.err().message};
  }
  std::lock_guard lock(mutex_);
  versions_[version] = std::move(names);
  return {};
}

result<void> engine_impl::load_deployments() {
  auto all = cfg_.store->code().list_deployment_versions(deployment_name);
  if (!all) return store_error(all, "cannot list deployments");
  for (const auto& dv : *all) {
    std::map<std::string, std::string> hashes;
    for (const auto& m : dv.modules) hashes[m.module_name] = m.module_hash;
    if (auto r = load_version(dv.version, hashes); !r) return r;
    latest_version_ = dv.version;
    latest_hashes_ = hashes;
    // The newest version also answers to the plain names (code that names a module directly,
    // ?MODULE in apply/3...).
    for (const auto& [module, hash] : hashes) {
      auto blob = cfg_.store->code().load_module(hash);
      if (blob) cfg_.runtime->machine().load_module(blob->content);
    }
  }
  return {};
}

namespace {

/// Why a deployed module may not use `name`: it would shadow aion's own modules or OTP's.
std::string reserved_name_problem(vm::vm& v, const std::string& name,
                                  const std::map<std::string, std::string>& deployed) {
  if (name.find('@') != std::string::npos) return "module names may not contain '@'";
  if (deployed.count(name)) return {};
  auto atom = v.atom(name);
  if (atom && v.code().find_module(*atom)) return "module " + name + " is part of aion or OTP";
  for (const std::string& dir : vm::otp_code_path())
    if (std::filesystem::exists(std::filesystem::path(dir) / (name + ".beam")))
      return "module " + name + " is part of OTP";
  return {};
}

}  // namespace

result<std::int32_t> engine_impl::deploy(const std::vector<std::string>& beams) {
  if (beams.empty()) return error{errc::invalid_argument, "nothing to deploy"};
  std::lock_guard deploy_lock(deploy_mutex_);
  std::map<std::string, std::string> hashes;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return error{errc::shutting_down, "the engine is stopping"};
    hashes = latest_hashes_;
  }
  vm::vm& v = machine();
  // Everything is checked before anything is stored: a deployment is all or nothing.
  std::map<std::string, const std::string*> by_name;
  for (const std::string& beam : beams) {
    if (beam.size() > v.config().max_module_bytes)
      return error{errc::invalid_argument, "a module is larger than the limit of " +
                                               std::to_string(v.config().max_module_bytes) + " bytes"};
    auto name = vm::beam_module_name(beam);
    if (!name) return error{errc::invalid_argument, "not a valid .beam file: " + name.err().message};
    if (by_name.count(*name)) return error{errc::invalid_argument, "module " + *name + " is given twice"};
    if (std::string why = reserved_name_problem(v, *name, hashes); !why.empty())
      return error{errc::invalid_argument, why};
    auto checked = vm::load_beam(v, beam);
    if (!checked) return error{errc::invalid_argument, *name + ": " + checked.err().message};
    by_name[*name] = &beam;
  }
  for (const auto& [name, beam] : by_name) {
    auto ref = cfg_.store->code().put_module(name, *beam);
    if (!ref) return store_error(ref, "cannot store the module");
    hashes[name] = ref->hash;
  }
  std::vector<persistence::deployed_module> modules;
  for (const auto& [name, hash] : hashes) modules.push_back({name, hash});
  auto published = cfg_.store->code().publish_deployment(deployment_name, std::move(modules));
  if (!published) return store_error(published, "cannot publish the deployment");
  std::int32_t version = published->version.version;
  if (auto r = ensure_version(version); !r) return r.err();
  // The plain names answer to the newest code (for code that names a module in data).
  for (const auto& [name, beam] : by_name) (void)cfg_.runtime->load_module(*beam);
  std::lock_guard lock(mutex_);
  if (version >= latest_version_) {
    latest_version_ = version;
    latest_hashes_ = std::move(hashes);
  }
  return version;
}

result<std::int32_t> engine_impl::refresh_code() {
  std::lock_guard deploy_lock(deploy_mutex_);
  auto newest = cfg_.store->code().find_deployment(deployment_name, std::nullopt);
  if (!newest) {
    if (newest.err().code() == persistence::errc::not_found) return 0;
    return store_error(newest, "cannot read the deployments");
  }
  std::int32_t latest = 0;
  {
    std::lock_guard lock(mutex_);
    latest = latest_version_;
  }
  if (newest->version <= latest) return latest;
  // Versions published by other nodes meanwhile: load each (a replay may need any of them).
  for (std::int32_t v = latest + 1; v < newest->version; ++v)
    if (auto r = ensure_version(v); !r && r.err().code != errc::not_found) return r.err();
  std::int32_t version = newest->version;
  std::map<std::string, std::string> hashes;
  for (const auto& m : newest->modules) hashes[m.module_name] = m.module_hash;
  if (auto r = ensure_version(version); !r) return r.err();
  for (const auto& [module, hash] : hashes) {
    auto blob = cfg_.store->code().load_module(hash);
    if (blob) cfg_.runtime->machine().load_module(blob->content);
  }
  std::lock_guard lock(mutex_);
  if (version > latest_version_) {
    latest_version_ = version;
    latest_hashes_ = std::move(hashes);
  }
  return latest_version_;
}

result<void> engine_impl::ensure_version(std::int32_t version) {
  {
    std::lock_guard lock(mutex_);
    if (versions_.count(version)) return {};
  }
  auto dv = cfg_.store->code().find_deployment(deployment_name, version);
  if (!dv) return store_error(dv, "cannot read deployment " + std::to_string(version));
  std::map<std::string, std::string> hashes;
  for (const auto& m : dv->modules) hashes[m.module_name] = m.module_hash;
  return load_version(version, hashes);
}

// ---- runs -------------------------------------------------------------------------------------------

result<run_ref> engine_impl::start(const start_options& opts) {
  if (!valid_identifier(opts.workflow_id))
    return error{errc::invalid_argument, "a workflow id is 1 to 255 bytes without control characters"};
  if (opts.idempotency_key.size() > 255)
    return error{errc::invalid_argument, "the idempotency key is longer than 255 bytes"};
  if (opts.input_json.size() > cfg_.max_payload_bytes)
    return error{errc::invalid_argument, "the input is larger than the limit of " +
                                             std::to_string(cfg_.max_payload_bytes) + " bytes"};
  auto input = json_to_term(machine(), opts.input_json.empty() ? "null" : opts.input_json);
  if (!input) return input.err();
  new_run r;
  r.workflow_id = opts.workflow_id;
  r.module = opts.module;
  r.input = std::move(*input);
  r.reuse = opts.reuse;
  r.idempotency_key = opts.idempotency_key;
  r.execution_timeout = opts.execution_timeout;
  return start_run(r);
}

result<run_ref> engine_impl::start_run(const new_run& r) {
  vm::vm& v = machine();
  std::int32_t version = r.version;
  std::uint32_t shard = shard_of(r.workflow_id);
  // A child runs on its parent's version, which another node may have deployed.
  if (version != 0) (void)ensure_version(version);
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return error{errc::shutting_down, "the engine is stopping"};
    if (!owned_.count(shard)) return not_owner(r.workflow_id, shard);
    if (version == 0 || !versions_.count(version) || !versions_[version].count(r.module))
      version = latest_version_;
  }
  std::string loaded = versioned_module(version, r.module);
  if (loaded.empty() && r.version == 0) {
    // Perhaps deployed through another node since this one last looked.
    if (auto newest = refresh_code(); newest && *newest != version) {
      version = *newest;
      loaded = versioned_module(version, r.module);
    }
  }
  if (loaded.empty())
    return error{errc::not_found, "workflow module " + r.module + " is not deployed"};
  const vm::module* m = v.code().find_module(*v.atom(loaded));
  term run_atom = *v.atom("run");
  if (!m || std::none_of(m->exported.begin(), m->exported.end(), [&](const auto& e) {
        return e.function == run_atom && e.arity == 1;
      }))
    return error{errc::invalid_argument, "module " + r.module + " does not export run/1"};

  std::int64_t now = now_ms();
  persistence::start_request req;
  req.workflow_id = r.workflow_id;
  req.workflow_type = r.module;
  req.deployment = deployment_name;
  req.deployment_version = version;
  req.input = encode_payload(v, r.input.get());
  if (req.input.size() > cfg_.max_payload_bytes)
    return error{errc::invalid_argument, "the input is larger than the limit of " +
                                             std::to_string(cfg_.max_payload_bytes) + " bytes"};
  req.fence = fence_for(r.workflow_id);
  req.parent = r.parent;
  req.idempotency_key = r.idempotency_key;
  req.reuse = r.reuse == id_reuse::allow_after_close     ? persistence::id_reuse_policy::allow_after_close
              : r.reuse == id_reuse::allow_after_failure ? persistence::id_reuse_policy::allow_after_failure
                                                         : persistence::id_reuse_policy::reject_duplicate;
  if (r.execution_timeout)
    req.execution_deadline = persistence::from_micros((now + r.execution_timeout->count()) * 1000);
  persistence::new_event started;
  started.type = static_cast<std::int32_t>(event_type::workflow_started);
  started.time = persistence::from_micros(now * 1000);
  started.payload = encode_payload(v, vm::owned_term::build(v, [&](const vm::term_allocator& a) {
                                        return payload_map(v, a, {{"module", *v.atom(r.module)},
                                                                  {"version", vm::make_small(version)},
                                                                  {"input", r.input.get()},
                                                                  {"parent_cmd", vm::make_small(r.parent_cmd)}});
                                      }).get());
  req.initial_events.push_back(started);
  auto out = cfg_.store->workflows().start_run(req);
  if (!out) {
    if (out.err().code() == persistence::errc::conflict)
      return error{errc::already_exists, out.err().message()};
    return store_error(out, "cannot start the workflow");
  }
  run_ref ref{out->run.key.workflow_id, out->run.key.run_id, out->created};
  if (!out->created) return ref;  // an earlier start made it: it runs (or ran) already
  observer_->workflow_started(out->run.workflow_type);

  auto inst = std::make_shared<instance>(*this, out->run, req.fence, loaded);
  persistence::history_event first{1, started.type, started.time, started.payload};
  if (auto rr = inst->replay_from({first}); !rr) return rr.err();
  if (auto rr = install(inst); !rr) return rr.err();
  if (auto rr = inst->launch(r.input); !rr) {
    forget(inst);
    return rr.err();
  }
  if (req.execution_deadline)
    arm_execution_timeout(r.workflow_id, persistence::to_micros(*req.execution_deadline) / 1000);
  return ref;
}

void engine_impl::arm_execution_timeout(const std::string& workflow_id, std::int64_t deadline_ms) {
  timers_.add(deadline_ms, [this, workflow_id] {
    workers_.post([this, workflow_id] {
      auto inst = instance_of(workflow_id, true);
      if (inst) (*inst)->on_execution_timeout();
    });
  });
}

result<persistence::workflow_run> engine_impl::latest_run(std::string_view workflow_id) {
  auto run = cfg_.store->workflows().describe_run(workflow_id);
  if (!run) {
    if (run.err().code() == persistence::errc::not_found)
      return error{errc::not_found, "no workflow " + std::string(workflow_id)};
    return store_error(run, "cannot read the workflow");
  }
  return std::move(*run);
}

result<std::shared_ptr<instance>> engine_impl::load(const persistence::workflow_run& run) {
  vm::vm& v = machine();
  auto began = std::chrono::steady_clock::now();
  if (auto r = ensure_version(run.deployment_version); !r) return r.err();
  std::string loaded = versioned_module(run.deployment_version, run.workflow_type);
  if (loaded.empty())
    return error{errc::internal, "deployment " + std::to_string(run.deployment_version) +
                                     " has no module " + run.workflow_type};
  std::vector<persistence::history_event> events;
  for (std::int64_t from = 1;;) {
    auto page = cfg_.store->history().read_history(run.key, from, 1000);
    if (!page) return store_error(page, "cannot read the history");
    for (auto& e : page->events) events.push_back(std::move(e));
    if (page->end || page->next_seq == from) break;
    from = page->next_seq;
  }
  auto input = decode_payload(v, run.input);
  if (!input) return error{errc::internal, "the stored input of " + run.key.workflow_id + " is unreadable"};
  auto inst = std::make_shared<instance>(*this, run, fence_for(run.key.workflow_id), loaded);
  if (auto r = inst->replay_from(events); !r) return r.err();
  if (auto r = install(inst); !r) return r.err();
  if (auto r = inst->launch(*input); !r) {
    forget(inst);
    return r.err();
  }
  if (run.execution_deadline)
    arm_execution_timeout(run.key.workflow_id, persistence::to_micros(*run.execution_deadline) / 1000);
  auto took = std::chrono::steady_clock::now() - began;
  ++replays_;
  replay_micros_ += static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(took).count());
  observer_->replayed(run.workflow_type, took, events.size());
  return inst;
}

engine_stats engine_impl::stats() {
  engine_stats s;
  {
    std::lock_guard lock(mutex_);
    s.resident = resident_.size();
  }
  s.recovering = recovering_.load();
  s.replays = replays_.load();
  s.replay_seconds = static_cast<double>(replay_micros_.load()) / 1e6;
  s.timers_pending = timers_.size();
  return s;
}

result<void> engine_impl::install(const std::shared_ptr<instance>& inst) {
  bool over = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return error{errc::shutting_down, "the engine is stopping"};
    resident_[inst->workflow_id()] = inst;
    lru_.push_back(inst->workflow_id());
    over = resident_.size() > cfg_.max_resident;
  }
  if (over && !evicting_.exchange(true))
    workers_.post([this] {
      evict_idle();
      evicting_ = false;
    });
  return {};
}

void engine_impl::forget(const std::shared_ptr<instance>& inst) {
  std::lock_guard lock(mutex_);
  auto it = resident_.find(inst->workflow_id());
  if (it != resident_.end() && it->second == inst) resident_.erase(it);
}

void engine_impl::evict_idle() {
  // Oldest loaded first; busy ones go to the back of the line. One pass. The instances are
  // asked outside the engine's lock (an instance calls into the engine holding its own).
  std::vector<std::shared_ptr<instance>> candidates;
  std::size_t excess = 0;
  {
    std::lock_guard lock(mutex_);
    std::size_t target = cfg_.max_resident - cfg_.max_resident / 10;
    if (resident_.size() <= target) return;
    excess = resident_.size() - target;
    for (std::size_t n = lru_.size(); n > 0; --n) {
      std::string id = std::move(lru_.front());
      lru_.pop_front();
      auto it = resident_.find(id);
      if (it != resident_.end()) candidates.push_back(it->second);  // else stale: dropped
    }
  }
  std::vector<std::shared_ptr<instance>> evicted, kept;
  for (auto& inst : candidates) {
    if (evicted.size() < excess && inst->try_evict()) evicted.push_back(inst);
    else kept.push_back(inst);
  }
  std::lock_guard lock(mutex_);
  for (auto& inst : evicted) {
    auto it = resident_.find(inst->workflow_id());
    if (it != resident_.end() && it->second == inst) resident_.erase(it);
  }
  for (auto& inst : kept) lru_.push_back(inst->workflow_id());
}

result<std::shared_ptr<instance>> engine_impl::instance_of(std::string_view workflow_id, bool load_it) {
  std::string id(workflow_id);
  std::promise<result<std::shared_ptr<instance>>> mine;
  std::shared_future<result<std::shared_ptr<instance>>> theirs;
  std::uint32_t shard = shard_of(id);
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return error{errc::shutting_down, "the engine is stopping"};
    if (!owned_.count(shard)) return not_owner(id, shard);
    auto it = resident_.find(id);
    if (it != resident_.end()) return it->second;
    if (!load_it) return error{errc::not_found, "workflow " + id + " is not resident"};
    auto l = loading_.find(id);
    if (l != loading_.end()) {
      theirs = l->second;
    } else {
      loading_[id] = mine.get_future().share();
    }
  }
  if (theirs.valid()) return theirs.get();
  // This thread loads it; others asking meanwhile wait for the same result.
  result<std::shared_ptr<instance>> r = [&]() -> result<std::shared_ptr<instance>> {
    auto run = latest_run(id);
    if (!run) return run.err();
    if (run->status == persistence::workflow_status::stuck)
      return error{errc::failed_precondition,
                   "workflow " + id + " is stuck: " + run->outcome.value_or("") +
                       " (deploy fixed code and reset it, or terminate it)"};
    if (!persistence::is_open(run->status))
      return error{errc::failed_precondition,
                   "workflow " + id + " is closed (" + to_string(status_of(run->status)) + ")"};
    return load(*run);
  }();
  {
    std::lock_guard lock(mutex_);
    loading_.erase(id);
  }
  mine.set_value(r);
  return r;
}

void engine_impl::recover() {
  for (std::uint32_t shard : owned_shards()) recover_shard(shard);
}

void engine_impl::recover_shard(std::uint32_t shard) {
  std::optional<persistence::run_key> after;
  for (int pages = 0; pages < 1000000; ++pages) {
    auto page = cfg_.store->workflows().list_open_runs(shard, after, 500);
    if (!page || page->empty()) break;
    for (const auto& run : *page) {
      if (run.status != persistence::workflow_status::running) continue;
      std::string id = run.key.workflow_id;
      ++recovering_;
      workers_.post([this, id] {
        auto inst = instance_of(id, true);
        if (!inst && inst.err().code == errc::unavailable) reload_later(id, 0);
        --recovering_;
      });
    }
    after = page->back().key;
    if (page->size() < 500) break;
  }
}

void engine_impl::run_closed(const persistence::run_key& key,
                             const std::optional<persistence::run_key>& parent, std::int64_t parent_cmd,
                             run_status status, const std::string& outcome_json) {
  {
    std::lock_guard lock(mutex_);
    auto it = watched_.find(key.workflow_id);
    if (it != watched_.end()) {
      ++it->second->closes;
      it->second->cv.notify_all();
    }
  }
  // A continued run is not the end: the next run tells the parent when it closes.
  if (!parent || parent_cmd == 0 || status == run_status::continued_as_new) return;
  child_closed_notice n{parent->workflow_id, parent->run_id, parent_cmd, status, outcome_json};
  workers_.post([this, n] {
    // If this fails (the parent's owner is away), the parent learns the outcome when it is
    // replayed: its child start finds the child closed.
    if (!owns(shard_of(n.parent_workflow_id)) && cfg_.peers)
      (void)cfg_.peers->child_closed(n);
    else
      (void)child_closed(n);
  });
}

result<run_ref> engine_impl::start_child(const child_request& req) {
  if (!valid_identifier(req.workflow_id))
    return error{errc::invalid_argument, "the child's workflow id is not an identifier"};
  new_run r;
  r.workflow_id = req.workflow_id;
  r.module = req.module;
  r.version = req.deployment_version;
  r.input = req.input;
  r.parent = req.parent;
  r.parent_cmd = req.parent_cmd;
  // The parent's run and command name the start: a replayed parent finds its child.
  r.idempotency_key = "child:" + std::to_string(req.parent_cmd) + ":" + req.parent.run_id;
  if (!owns(shard_of(req.workflow_id)) && cfg_.peers) {
    child_start c;
    c.workflow_id = req.workflow_id;
    c.module = req.module;
    c.input = encode_payload(machine(), req.input.get());
    c.parent_workflow_id = req.parent.workflow_id;
    c.parent_run_id = req.parent.run_id;
    c.parent_cmd = req.parent_cmd;
    c.deployment_version = req.deployment_version;
    return cfg_.peers->start_child(c);
  }
  return start_run(r);
}

result<run_ref> engine_impl::start_child(const child_start& c) {
  auto input = decode_payload(machine(), c.input);
  if (!input) return error{errc::invalid_argument, "the child's input is not a term"};
  if (!valid_identifier(c.parent_workflow_id) || !valid_identifier(c.parent_run_id) || c.parent_cmd <= 0)
    return error{errc::invalid_argument, "the child's parent is malformed"};
  child_request req;
  req.workflow_id = c.workflow_id;
  req.module = c.module;
  req.input = *input;
  req.parent = {c.parent_workflow_id, c.parent_run_id};
  req.parent_cmd = c.parent_cmd;
  req.deployment_version = c.deployment_version;
  if (!owns(shard_of(c.workflow_id))) return not_owner(c.workflow_id, shard_of(c.workflow_id));
  return start_child(req);
}

result<void> engine_impl::signal_anywhere(const std::string& id, const std::string& name,
                                          const vm::owned_term& payload) {
  if (!owns(shard_of(id)) && cfg_.peers)
    return cfg_.peers->signal_term(id, name, encode_payload(machine(), payload.get()));
  return signal_term(id, name, payload);
}

result<void> engine_impl::signal_etf(std::string_view id, std::string_view name, std::string_view payload_etf) {
  if (payload_etf.size() > cfg_.max_payload_bytes)
    return error{errc::invalid_argument, "the signal payload is larger than the limit"};
  auto payload = decode_payload(machine(), payload_etf);
  if (!payload) return error{errc::invalid_argument, "the signal payload is not a term"};
  return signal_term(id, name, *payload);
}

result<void> engine_impl::cancel_anywhere(const std::string& id, const std::string& reason) {
  if (!owns(shard_of(id)) && cfg_.peers) return cfg_.peers->cancel(id, reason);
  return cancel(id, reason);
}

result<void> engine_impl::terminate_anywhere(const std::string& id, const std::string& reason) {
  if (!owns(shard_of(id)) && cfg_.peers) return cfg_.peers->terminate(id, reason);
  return terminate(id, reason);
}

result<void> engine_impl::child_closed(const child_closed_notice& n) {
  auto inst = instance_of(n.parent_workflow_id, true);
  if (!inst) return inst.err();
  if ((*inst)->key().run_id != n.parent_run_id) return error{errc::conflict, "the parent's run is over"};
  (*inst)->on_child_closed(n.parent_cmd, n.status, n.outcome_json);
  return {};
}

result<bool> engine_impl::task_lease_expired(const expired_task& t) {
  auto inst = instance_of(t.workflow_id, true);
  if (!inst) {
    if (inst.err().code == errc::not_found || inst.err().code == errc::failed_precondition)
      return error{errc::conflict, "the run that scheduled the task is over"};
    return inst.err();
  }
  if ((*inst)->key().run_id != t.run_id) return error{errc::conflict, "the run that scheduled the task is over"};
  return (*inst)->task_lease_expired(t.cmd, t.attempt, t.task_id);
}

std::optional<std::pair<run_status, std::string>> engine_impl::closed_outcome(const std::string& workflow_id) {
  auto run = cfg_.store->workflows().describe_run(workflow_id);
  if (!run || persistence::is_open(run->status) ||
      run->status == persistence::workflow_status::continued_as_new)
    return std::nullopt;
  return std::make_pair(status_of(run->status), run->outcome.value_or("null"));
}

const host_activity* engine_impl::find_host_activity(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = host_activities_.find(name);
  return it == host_activities_.end() ? nullptr : &it->second;
}

result<void> engine_impl::register_activity(std::string name, host_activity fn) {
  if (!valid_identifier(name) || !fn) return error{errc::invalid_argument, "an activity needs a name and a function"};
  std::lock_guard lock(mutex_);
  if (!host_activities_.emplace(std::move(name), std::move(fn)).second)
    return error{errc::already_exists, "an activity of this name is registered"};
  return {};
}

}  // namespace aion::engine

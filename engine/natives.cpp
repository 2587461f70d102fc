#include "engine/natives.hpp"

#include "engine/engine_impl.hpp"
#include "engine/instance.hpp"
#include "runtime/exec/process.hpp"
#include "runtime/vm.hpp"

namespace aion::engine {

namespace {

using vm::process;
using vm::term;

/// The instance of the calling workflow process; null when the caller is not a workflow (an
/// activity, a process the workflow spawned): the SDK's durable calls are the workflow's own.
instance* caller(process& p) { return static_cast<instance*>(p.embedder_data_); }

term not_a_workflow(process& p) {
  auto reason = p.owner().atom("not_in_workflow");
  return p.raise_error(reason ? *reason : vm::atoms::badarg);
}

term command(process& p, const term* a) {
  instance* i = caller(p);
  return i ? i->on_command(p, a[0]) : not_a_workflow(p);
}
term await(process& p, const term* a) {
  instance* i = caller(p);
  return i ? i->on_await(p, a[0], a[1], a[2]) : not_a_workflow(p);
}
term cancel(process& p, const term* a) {
  instance* i = caller(p);
  return i ? i->on_cancel_timer(p, a[0]) : not_a_workflow(p);
}
term marker(process& p, const term* a) {
  instance* i = caller(p);
  return i ? i->on_marker(p, a[0]) : not_a_workflow(p);
}
term record(process& p, const term* a) {
  instance* i = caller(p);
  return i ? i->on_record(p, a[0]) : not_a_workflow(p);
}
term query_reply(process& p, const term* a) {
  instance* i = caller(p);
  return i ? i->on_query_reply(p, a[0], a[1]) : not_a_workflow(p);
}
term continue_as_new(process& p, const term* a) {
  instance* i = caller(p);
  return i ? i->on_continue_as_new(p, a[0]) : not_a_workflow(p);
}
term workflow_id(process& p, const term*) {
  instance* i = caller(p);
  return i ? i->on_workflow_id(p) : not_a_workflow(p);
}
term cancel_requested(process& p, const term*) {
  instance* i = caller(p);
  if (!i) return not_a_workflow(p);
  return i->cancel_requested() ? vm::atoms::true_ : vm::atoms::false_;
}

}  // namespace

result<void> register_natives(engine_impl& eng) {
  struct entry {
    const char* name;
    unsigned arity;
    vm::native_fn fn;
  };
  static const entry natives[] = {
      {"command", 1, command},         {"await", 3, await},
      {"cancel", 1, cancel},           {"marker", 1, marker},
      {"record", 1, record},           {"query_reply", 2, query_reply},
      {"continue_as_new", 1, continue_as_new}, {"workflow_id", 0, workflow_id},
      {"cancel_requested", 0, cancel_requested},
  };
  for (const entry& n : natives) {
    auto r = eng.runtime().register_native("aion_flow", n.name, n.arity, n.fn);
    if (!r && r.err().code != vm::errc::already_registered)
      return error{errc::internal, std::string("cannot register aion_flow:") + n.name + ": " + r.err().message};
  }
  return {};
}

}  // namespace aion::engine

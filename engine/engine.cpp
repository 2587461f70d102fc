// The engine's public face: every call goes to engine_impl.
#include "engine/engine.hpp"

#include "engine/engine_impl.hpp"

namespace aion::engine {

result<std::unique_ptr<engine>> engine::open(engine_config config) {
  auto impl = std::make_unique<engine_impl>(std::move(config));
  if (auto r = impl->open(); !r) {
    impl->shutdown();
    return r.err();
  }
  return std::unique_ptr<engine>(new engine(std::move(impl)));
}

engine::engine(std::unique_ptr<engine_impl> impl) : impl_(std::move(impl)) {}

engine::~engine() { shutdown(); }

result<std::int32_t> engine::deploy(const std::vector<std::string>& beams) { return impl_->deploy(beams); }

result<run_ref> engine::start(const start_options& opts) { return impl_->start(opts); }

result<void> engine::signal(std::string_view workflow_id, std::string_view name,
                            std::string_view payload_json) {
  return impl_->signal(workflow_id, name, payload_json);
}

result<run_ref> engine::signal_with_start(const start_options& opts, std::string_view name,
                                          std::string_view payload_json) {
  return impl_->signal_with_start(opts, name, payload_json);
}

result<std::string> engine::query(std::string_view workflow_id, std::string_view name,
                                  std::string_view args_json, std::chrono::milliseconds timeout) {
  return impl_->query(workflow_id, name, args_json, timeout);
}

result<void> engine::cancel(std::string_view workflow_id, std::string_view reason) {
  return impl_->cancel(workflow_id, reason);
}

result<void> engine::terminate(std::string_view workflow_id, std::string_view reason) {
  return impl_->terminate(workflow_id, reason);
}

result<description> engine::describe(std::string_view workflow_id, std::string_view run_id) {
  return impl_->describe(workflow_id, run_id);
}

result<history_page> engine::history(std::string_view workflow_id, std::string_view run_id,
                                     std::int64_t from_seq, std::size_t limit) {
  return impl_->history(workflow_id, run_id, from_seq, limit);
}

result<run_result> engine::result_of(std::string_view workflow_id,
                                     std::optional<std::chrono::milliseconds> wait) {
  return impl_->result_of(workflow_id, wait);
}

result<list_page> engine::list(const list_filter& filter) { return impl_->list(filter); }

result<std::int64_t> engine::count(const list_filter& filter) { return impl_->count(filter); }

result<void> engine::register_activity(std::string name, host_activity fn) {
  return impl_->register_activity(std::move(name), std::move(fn));
}

engine_stats engine::stats() { return impl_->stats(); }

std::uint32_t engine::shard_count() const { return impl_->shard_count(); }
std::uint32_t engine::shard_of(std::string_view workflow_id) const { return impl_->shard_of(workflow_id); }
result<void> engine::own_shard(std::uint32_t shard, std::int64_t fencing_token) {
  return impl_->own_shard(shard, fencing_token);
}
void engine::disown_shard(std::uint32_t shard) { impl_->disown_shard(shard); }
std::vector<std::uint32_t> engine::owned_shards() { return impl_->owned_shards(); }
result<run_ref> engine::start_child(const child_start& req) { return impl_->start_child(req); }
result<void> engine::signal_term(std::string_view workflow_id, std::string_view name,
                                 std::string_view payload_etf) {
  return impl_->signal_etf(workflow_id, name, payload_etf);
}
result<void> engine::child_closed(const child_closed_notice& notice) { return impl_->child_closed(notice); }
result<bool> engine::task_lease_expired(const expired_task& task) { return impl_->task_lease_expired(task); }
std::vector<std::string> engine::task_queues() const { return impl_->task_queues(); }

std::optional<std::string> engine::task_workflow_id(std::string_view task_token) const {
  return engine_impl::task_workflow_id(task_token);
}
result<std::int32_t> engine::refresh_code() { return impl_->refresh_code(); }

result<std::optional<activity_task>> engine::poll(std::string_view queue, std::string_view worker,
                                                  std::chrono::milliseconds wait) {
  return impl_->poll(queue, worker, wait);
}

result<bool> engine::heartbeat(std::string_view task_token) { return impl_->heartbeat(task_token); }

result<void> engine::complete(std::string_view task_token, std::string_view result_json) {
  return impl_->complete(task_token, result_json);
}

result<void> engine::fail(std::string_view task_token, std::string_view error_type,
                          std::string_view message, bool non_retryable) {
  return impl_->fail(task_token, error_type, message, non_retryable);
}

void engine::shutdown() { impl_->shutdown(); }

}  // namespace aion::engine

#include "client/src/wire.hpp"

namespace aion::api {

error from_wire(wire::Error::Reader e) {
  std::string message = from_wire(e.getMessage());
  switch (e.getCode()) {
    case wire::Error::Code::INVALID_ARGUMENT: return {errc::invalid_argument, message};
    case wire::Error::Code::NOT_FOUND: return {errc::not_found, message};
    case wire::Error::Code::ALREADY_EXISTS: return {errc::already_exists, message};
    case wire::Error::Code::CONFLICT: return {errc::conflict, message};
    case wire::Error::Code::TIMEOUT: return {errc::timeout, message};
    case wire::Error::Code::UNAVAILABLE: return {errc::unavailable, message};
    case wire::Error::Code::SHUTTING_DOWN: return {errc::shutting_down, message};
    case wire::Error::Code::FAILED_PRECONDITION: return {errc::failed_precondition, message};
    case wire::Error::Code::UNAUTHENTICATED: return {errc::unauthenticated, message};
    case wire::Error::Code::RESOURCE_EXHAUSTED: return {errc::resource_exhausted, message};
    // Between nodes only (a node forwards its clients' calls): retry.
    case wire::Error::Code::NOT_OWNER: return {errc::unavailable, message};
    case wire::Error::Code::INTERNAL: return {errc::internal, message};
  }
  // A code added after this client was built.
  return {errc::internal, message};
}

run_status from_wire(wire::RunStatus s) {
  switch (s) {
    case wire::RunStatus::RUNNING: return run_status::running;
    case wire::RunStatus::STUCK: return run_status::stuck;
    case wire::RunStatus::COMPLETED: return run_status::completed;
    case wire::RunStatus::FAILED: return run_status::failed;
    case wire::RunStatus::CANCELLED: return run_status::cancelled;
    case wire::RunStatus::TERMINATED: return run_status::terminated;
    case wire::RunStatus::TIMED_OUT: return run_status::timed_out;
    case wire::RunStatus::CONTINUED_AS_NEW: return run_status::continued_as_new;
  }
  return run_status::stuck;  // unknown to this client: not running, not closed either
}

wire::RunStatus to_wire(run_status s) {
  switch (s) {
    case run_status::running: return wire::RunStatus::RUNNING;
    case run_status::stuck: return wire::RunStatus::STUCK;
    case run_status::completed: return wire::RunStatus::COMPLETED;
    case run_status::failed: return wire::RunStatus::FAILED;
    case run_status::cancelled: return wire::RunStatus::CANCELLED;
    case run_status::terminated: return wire::RunStatus::TERMINATED;
    case run_status::timed_out: return wire::RunStatus::TIMED_OUT;
    case run_status::continued_as_new: return wire::RunStatus::CONTINUED_AS_NEW;
  }
  return wire::RunStatus::RUNNING;
}

wire::IdReuse to_wire(id_reuse r) {
  switch (r) {
    case id_reuse::allow_after_close: return wire::IdReuse::ALLOW_AFTER_CLOSE;
    case id_reuse::allow_after_failure: return wire::IdReuse::ALLOW_AFTER_FAILURE;
    case id_reuse::reject_duplicate: return wire::IdReuse::REJECT_DUPLICATE;
  }
  return wire::IdReuse::ALLOW_AFTER_CLOSE;
}

void to_wire(const start_options& o, wire::StartRequest::Builder b) {
  b.setWorkflowId(wire_text(o.workflow_id));
  b.setModule(wire_text(o.module));
  b.setInputJson(wire_text(o.input_json));
  b.setIdReuse(to_wire(o.reuse));
  b.setIdempotencyKey(wire_text(o.idempotency_key));
  if (o.execution_timeout)
    b.setExecutionTimeoutMs(
        static_cast<std::uint64_t>(std::max<std::int64_t>(1, o.execution_timeout->count())));
}

void to_wire(const list_filter& f, wire::ListFilter::Builder b) {
  if (f.status) {
    b.setHasStatus(true);
    b.setStatus(to_wire(*f.status));
  }
  b.setModule(wire_text(f.module));
  b.setStartedAfterMs(f.started_after_ms.value_or(0));
  b.setStartedBeforeMs(f.started_before_ms.value_or(0));
  b.setClosedAfterMs(f.closed_after_ms.value_or(0));
  b.setClosedBeforeMs(f.closed_before_ms.value_or(0));
  b.setPageSize(f.page_size);
  b.setPageToken(wire_text(f.page_token));
}

run_ref from_wire(wire::RunRef::Reader r) {
  return {from_wire(r.getWorkflowId()), from_wire(r.getRunId()), r.getCreated()};
}

description from_wire(wire::Description::Reader d) {
  description out;
  out.workflow_id = from_wire(d.getWorkflowId());
  out.run_id = from_wire(d.getRunId());
  out.module = from_wire(d.getModule());
  out.deployment_version = d.getDeploymentVersion();
  out.status = from_wire(d.getStatus());
  out.start_time_ms = d.getStartTimeMs();
  if (d.getCloseTimeMs() != 0) out.close_time_ms = d.getCloseTimeMs();
  out.history_length = d.getHistoryLength();
  if (d.hasParentWorkflowId()) out.parent_workflow_id = from_wire(d.getParentWorkflowId());
  out.input_json = from_wire(d.getInputJson());
  if (d.hasOutcomeJson()) out.outcome_json = from_wire(d.getOutcomeJson());
  return out;
}

history_page from_wire(wire::HistoryPage::Reader p) {
  history_page out;
  out.events.reserve(p.getEvents().size());
  for (auto e : p.getEvents())
    out.events.push_back(
        {e.getSeq(), e.getTimeMs(), from_wire(e.getType()), from_wire(e.getDetailsJson())});
  out.next_seq = p.getNextSeq();
  out.closed = p.getClosed();
  return out;
}

list_page from_wire(wire::ListPage::Reader p) {
  list_page out;
  out.runs.reserve(p.getRuns().size());
  for (auto d : p.getRuns()) out.runs.push_back(from_wire(d));
  out.next_page_token = from_wire(p.getNextPageToken());
  return out;
}

activity_task from_wire(wire::ActivityTask::Reader t) {
  activity_task out;
  out.task_token = from_wire(t.getTaskToken());
  out.workflow_id = from_wire(t.getWorkflowId());
  out.run_id = from_wire(t.getRunId());
  out.activity = from_wire(t.getActivity());
  out.input_json = from_wire(t.getInputJson());
  out.attempt = t.getAttempt();
  if (t.getHeartbeatTimeoutMs() != 0)
    out.heartbeat_timeout = std::chrono::milliseconds(t.getHeartbeatTimeoutMs());
  return out;
}

}  // namespace aion::api

// pg_store: the history_store operations. Step commits go to the group committer.
#include <future>

#include "common/validation.hpp"
#include "pg_rows.hpp"
#include "pg_store.hpp"

namespace aion::persistence::postgres {

void pg_store::submit_step(step_commit step, commit_callback done) {
  if (auto r = detail::check_step(step, limits_); !r) {
    done(std::move(r).err());
    return;
  }
  if (closed_) {
    done(error{errc::give_up, "the store is closed"});
    return;
  }
  // Ids are fixed before the first attempt so that every retry carries the same ones.
  if (step.commit_id == 0) step.commit_id = static_cast<std::uint64_t>(ids_.positive_id());
  if (step.continue_as_new && step.continue_as_new->run_id.empty()) {
    step.continue_as_new->run_id = detail::id_source::uuid_from(step.commit_id);
  }
  committer_.submit(queued_step{std::move(step), std::move(done), now()});
}

result<commit_receipt> pg_store::commit_step(step_commit step) {
  std::promise<result<commit_receipt>> promise;
  auto future = promise.get_future();
  submit_step(std::move(step), [&promise](result<commit_receipt> outcome) {
    promise.set_value(std::move(outcome));
  });
  return future.get();
}

result<history_page> pg_store::read_history(const run_key& run, std::int64_t from_seq,
                                            std::size_t max_events) {
  if (auto r = detail::check_run_key(run); !r) return std::move(r).err();
  if (from_seq < 1) return error{errc::invalid_argument, "from_seq must be at least 1"};
  if (max_events == 0) return error{errc::invalid_argument, "max_events must be at least 1"};
  if (closed_) return error{errc::give_up, "the store is closed"};
  return pool_.run([&](connection& conn) -> result<history_page> {
    auto res = conn.run_one(
        named(stmt::history_page, params{}
                                      .text(run.workflow_id)
                                      .text(run.run_id)
                                      .int8(from_seq)
                                      .int8(static_cast<std::int64_t>(max_events) + 1)),
        "reading history");
    if (!res) return std::move(res).err();
    if (res->rows() == 0) {
      return error{errc::not_found,
                   "workflow '" + run.workflow_id + "' run '" + run.run_id + "' does not exist"};
    }
    history_page page;
    page.next_seq = from_seq;
    page.end = true;
    std::size_t payload_bytes = 0;
    for (int i = 0; i < res->rows(); ++i) {
      if (res->is_null(i, 1)) break;  // the run exists but has no events from from_seq on
      if (page.events.size() == max_events ||
          (!page.events.empty() && payload_bytes >= limits_.max_page_bytes)) {
        page.end = false;
        break;
      }
      history_event event;
      event.seq = res->integer(i, 1);
      event.type = static_cast<std::int32_t>(res->integer(i, 2));
      event.time = from_micros(res->integer(i, 3));
      event.payload = res->bytes(i, 4);
      payload_bytes += event.payload.size();
      page.next_seq = event.seq + 1;
      page.events.push_back(std::move(event));
    }
    return page;
  });
}

}  // namespace aion::persistence::postgres

#include "aion/metrics/activity_metrics.hpp"

#include "family.hpp"

namespace aion::metrics {

const char* to_string(activity_timeout timeout) noexcept {
  switch (timeout) {
    case activity_timeout::schedule_to_start: return "schedule_to_start";
    case activity_timeout::start_to_close: return "start_to_close";
    case activity_timeout::schedule_to_close: return "schedule_to_close";
    case activity_timeout::heartbeat: return "heartbeat";
  }
  return "unknown";
}

activity_metrics::activity_metrics(detail::registry_core& core)
    : scheduled_(&core.counter("aion_activities_scheduled_total",
                               "Activities scheduled (first attempts), by activity type.",
                               {{"type"}})),
      completed_(&core.counter("aion_activities_completed_total",
                               "Activity attempts that completed successfully, by activity type.",
                               {{"type"}})),
      failed_(&core.counter("aion_activities_failed_total",
                            "Activity attempts that failed with an error, by activity type.",
                            {{"type"}})),
      timed_out_(&core.counter(
          "aion_activities_timed_out_total",
          "Activity attempts or activities that timed out, by activity type and timeout "
          "(schedule_to_start, start_to_close, schedule_to_close, heartbeat).",
          {{"type"}, {"timeout", false}})),
      retried_(&core.counter("aion_activities_retried_total",
                             "Activity attempts scheduled again by a retry policy, by activity "
                             "type.",
                             {{"type"}})),
      schedule_to_start_(&core.histogram(
          "aion_activity_schedule_to_start_seconds",
          "Time an activity attempt waited between being scheduled and being started, by "
          "activity type.",
          {{"type"}}, detail::buckets::activity())),
      execution_(&core.histogram("aion_activity_execution_seconds",
                                 "Time an activity attempt ran, from start to result, by "
                                 "activity type.",
                                 {{"type"}}, detail::buckets::activity())) {}

void activity_metrics::scheduled(std::string_view type) {
  scheduled_->at({type}).Increment();
}

void activity_metrics::completed(std::string_view type) {
  completed_->at({type}).Increment();
}

void activity_metrics::failed(std::string_view type) {
  failed_->at({type}).Increment();
}

void activity_metrics::timed_out(std::string_view type, activity_timeout timeout) {
  timed_out_->at({type, to_string(timeout)}).Increment();
}

void activity_metrics::retried(std::string_view type) {
  retried_->at({type}).Increment();
}

void activity_metrics::observe_schedule_to_start(std::string_view type,
                                                 std::chrono::duration<double> waited) {
  schedule_to_start_->observe_seconds({type}, waited);
}

void activity_metrics::observe_execution(std::string_view type, std::chrono::duration<double> ran) {
  execution_->observe_seconds({type}, ran);
}

}  // namespace aion::metrics

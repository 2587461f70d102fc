// Activity scheduling, outcomes and latencies.
#pragma once

#include <chrono>
#include <string_view>

#include "aion/metrics/family_fwd.hpp"

namespace aion::metrics {

/// Which timeout expired; the `timeout` label of aion_activities_timed_out_total.
enum class activity_timeout : unsigned char {
  schedule_to_start,
  start_to_close,
  schedule_to_close,
  heartbeat,
};

/// The label value of a timeout kind ("start_to_close").
const char* to_string(activity_timeout timeout) noexcept;

/// Activity metrics. `type` is the activity name ("charge_card"), never an activity or workflow
/// id. Counted per attempt: an activity retried twice is scheduled once, fails twice, is retried
/// twice and completes once. Thread-safe and cheap.
class activity_metrics {
 public:
  /// Builds the families in `core`; only registry calls this.
  explicit activity_metrics(detail::registry_core& core);

  /// An activity was scheduled (its first attempt) (aion_activities_scheduled_total).
  void scheduled(std::string_view type);
  /// An attempt completed successfully (aion_activities_completed_total).
  void completed(std::string_view type);
  /// An attempt failed with an error, retryable or not (aion_activities_failed_total).
  void failed(std::string_view type);
  /// An attempt or the whole activity timed out (aion_activities_timed_out_total).
  void timed_out(std::string_view type, activity_timeout timeout);
  /// A further attempt was scheduled by the retry policy (aion_activities_retried_total).
  void retried(std::string_view type);

  /// Time an attempt waited between being scheduled and being started by an executor or a
  /// worker (aion_activity_schedule_to_start_seconds).
  void observe_schedule_to_start(std::string_view type, std::chrono::duration<double> waited);
  /// Time an attempt ran, from start to its result (aion_activity_execution_seconds).
  void observe_execution(std::string_view type, std::chrono::duration<double> ran);

 private:
  detail::counter_family* scheduled_;
  detail::counter_family* completed_;
  detail::counter_family* failed_;
  detail::counter_family* timed_out_;
  detail::counter_family* retried_;
  detail::histogram_family* schedule_to_start_;
  detail::histogram_family* execution_;
};

}  // namespace aion::metrics

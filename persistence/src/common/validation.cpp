#include "validation.hpp"

#include <set>
#include <string>
#include <utility>

namespace aion::persistence::detail {
namespace {

error invalid(std::string_view field, std::string_view why) {
  std::string message{field};
  message += ": ";
  message += why;
  return error{errc::invalid_argument, std::move(message)};
}

// Returns the offset of the first byte that is not part of valid, control-free UTF-8, or npos.
std::size_t first_bad_byte(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return i;
      ++i;
      continue;
    }
    std::size_t length;
    std::uint32_t code;
    if ((c & 0xe0) == 0xc0) {
      length = 2;
      code = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      length = 3;
      code = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      length = 4;
      code = c & 0x07;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return i;
      code = (code << 6) | (next & 0x3f);
    }
    bool overlong = (length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
                    (length == 4 && code < 0x10000);
    bool surrogate = code >= 0xd800 && code <= 0xdfff;
    bool c1_control = code >= 0x80 && code <= 0x9f;
    if (overlong || surrogate || c1_control || code > 0x10ffff) return i;
    i += length;
  }
  return std::string_view::npos;
}

}  // namespace

result<void> check_identifier(std::string_view field, std::string_view value) {
  if (value.empty()) return invalid(field, "must not be empty");
  if (value.size() > max_identifier_bytes) {
    return invalid(field, "is " + std::to_string(value.size()) + " bytes long; the limit is " +
                              std::to_string(max_identifier_bytes));
  }
  if (auto bad = first_bad_byte(value); bad != std::string_view::npos) {
    return invalid(field,
                   "has a control character or invalid UTF-8 at byte " + std::to_string(bad));
  }
  return {};
}

result<void> check_optional_identifier(std::string_view field, std::string_view value) {
  if (value.empty()) return {};
  return check_identifier(field, value);
}

result<void> check_payload(std::string_view field, std::string_view payload,
                           const store_limits& limits) {
  if (payload.size() > limits.max_payload_bytes) {
    return invalid(field, "payload of " + std::to_string(payload.size()) +
                              " bytes exceeds the limit of " +
                              std::to_string(limits.max_payload_bytes) + " bytes");
  }
  return {};
}

result<void> check_shard(std::uint32_t shard_id) {
  if (shard_id >= max_shard_count) {
    return invalid("shard_id",
                   std::to_string(shard_id) + " is not below " + std::to_string(max_shard_count));
  }
  return {};
}

result<void> check_run_key(const run_key& run) {
  if (auto r = check_identifier("workflow_id", run.workflow_id); !r) return r;
  return check_identifier("run_id", run.run_id);
}

namespace {

result<void> check_events(std::string_view field, const std::vector<new_event>& events,
                          const store_limits& limits) {
  if (events.size() > limits.max_items_per_step) {
    return invalid(field, std::to_string(events.size()) + " events exceed the limit of " +
                              std::to_string(limits.max_items_per_step));
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    std::string name = std::string{field} + "[" + std::to_string(i) + "]";
    if (auto r = check_payload(name, events[i].payload, limits); !r) return r;
  }
  return {};
}

std::size_t event_bytes(const std::vector<new_event>& events) {
  std::size_t total = 0;
  for (const auto& event : events) total += event.payload.size();
  return total;
}

result<void> check_total(std::size_t total, const store_limits& limits) {
  if (total > limits.max_step_bytes) {
    return invalid("step", "payloads of " + std::to_string(total) +
                               " bytes in total exceed the limit of " +
                               std::to_string(limits.max_step_bytes) + " bytes");
  }
  return {};
}

result<void> check_count(std::string_view field, std::size_t count, const store_limits& limits) {
  if (count > limits.max_items_per_step) {
    return invalid(field, std::to_string(count) + " items exceed the limit of " +
                              std::to_string(limits.max_items_per_step));
  }
  return {};
}

result<void> check_run_parameters(std::string_view type, std::string_view deployment,
                                  std::int32_t deployment_version, std::string_view input,
                                  const store_limits& limits) {
  if (auto r = check_identifier("workflow_type", type); !r) return r;
  if (auto r = check_optional_identifier("deployment", deployment); !r) return r;
  if (deployment_version < 0) return invalid("deployment_version", "must not be negative");
  return check_payload("input", input, limits);
}

}  // namespace

result<void> check_start(const start_request& request, const store_limits& limits) {
  if (auto r = check_identifier("workflow_id", request.workflow_id); !r) return r;
  if (auto r = check_optional_identifier("run_id", request.run_id); !r) return r;
  if (auto r = check_run_parameters(request.workflow_type, request.deployment,
                                    request.deployment_version, request.input, limits);
      !r) {
    return r;
  }
  if (request.parent) {
    if (auto r = check_identifier("parent.workflow_id", request.parent->workflow_id); !r) return r;
    if (auto r = check_identifier("parent.run_id", request.parent->run_id); !r) return r;
  }
  if (auto r = check_optional_identifier("idempotency_key", request.idempotency_key); !r) return r;
  if (auto r = check_shard(request.fence.shard_id); !r) return r;
  if (auto r = check_events("initial_events", request.initial_events, limits); !r) return r;
  return check_total(request.input.size() + event_bytes(request.initial_events), limits);
}

result<void> check_step(const step_commit& step, const store_limits& limits) {
  if (auto r = check_run_key(step.run); !r) return r;
  if (auto r = check_shard(step.fence.shard_id); !r) return r;
  if (step.expected_next_seq < 1) return invalid("expected_next_seq", "must be at least 1");
  if (auto r = check_events("events", step.events, limits); !r) return r;

  if (auto r = check_count("timers_to_schedule", step.timers_to_schedule.size(), limits); !r) {
    return r;
  }
  std::set<std::string_view> timer_ids;
  for (const auto& timer : step.timers_to_schedule) {
    if (auto r = check_identifier("timer_id", timer.timer_id); !r) return r;
    if (auto r = check_payload("timer '" + timer.timer_id + "'", timer.payload, limits); !r) {
      return r;
    }
    if (!timer_ids.insert(timer.timer_id).second) {
      return invalid("timers_to_schedule", "timer '" + timer.timer_id + "' appears twice");
    }
  }
  if (auto r = check_count("timers_to_cancel", step.timers_to_cancel.size(), limits); !r) {
    return r;
  }
  for (const auto& id : step.timers_to_cancel) {
    if (auto r = check_identifier("timers_to_cancel", id); !r) return r;
    if (timer_ids.count(id) != 0) {
      return invalid("timers_to_cancel", "timer '" + id + "' is also scheduled by this step");
    }
  }

  if (auto r = check_count("tasks_to_enqueue", step.tasks_to_enqueue.size(), limits); !r) {
    return r;
  }
  std::set<std::pair<std::string_view, std::int32_t>> task_keys;
  for (const auto& task : step.tasks_to_enqueue) {
    if (auto r = check_identifier("task queue", task.queue); !r) return r;
    if (auto r = check_identifier("activity_id", task.activity_id); !r) return r;
    if (task.attempt < 1) return invalid("attempt", "must be at least 1");
    if (auto r = check_payload("task '" + task.activity_id + "'", task.payload, limits); !r) {
      return r;
    }
    if (!task_keys.insert({task.activity_id, task.attempt}).second) {
      return invalid("tasks_to_enqueue", "activity '" + task.activity_id + "' attempt " +
                                             std::to_string(task.attempt) + " appears twice");
    }
  }
  if (auto r = check_count("tasks_to_complete", step.tasks_to_complete.size(), limits); !r) {
    return r;
  }
  for (auto id : step.tasks_to_complete) {
    if (id <= 0) return invalid("tasks_to_complete", "task ids are positive");
  }

  if (step.new_status && step.new_status->outcome) {
    if (auto r = check_payload("outcome", *step.new_status->outcome, limits); !r) return r;
  }
  if (step.new_status && !is_open(step.new_status->status) &&
      (!step.timers_to_schedule.empty() || !step.tasks_to_enqueue.empty())) {
    return invalid("new_status", "a step that closes the run cannot schedule timers or tasks");
  }
  bool continues = step.new_status && step.new_status->status == workflow_status::continued_as_new;
  if (continues != step.continue_as_new.has_value()) {
    return invalid("continue_as_new", "must be given exactly when new_status is continued_as_new");
  }
  if (step.continue_as_new) {
    const auto& next = *step.continue_as_new;
    if (auto r = check_optional_identifier("continue_as_new.run_id", next.run_id); !r) return r;
    if (next.run_id == step.run.run_id) {
      return invalid("continue_as_new.run_id", "must differ from the closing run's id");
    }
    if (auto r = check_run_parameters(next.workflow_type, next.deployment, next.deployment_version,
                                      next.input, limits);
        !r) {
      return r;
    }
    if (auto r = check_events("continue_as_new.initial_events", next.initial_events, limits); !r) {
      return r;
    }
  }
  std::size_t total = event_bytes(step.events);
  for (const auto& timer : step.timers_to_schedule) total += timer.payload.size();
  for (const auto& task : step.tasks_to_enqueue) total += task.payload.size();
  if (step.new_status && step.new_status->outcome) total += step.new_status->outcome->size();
  if (step.continue_as_new) {
    total += step.continue_as_new->input.size() + event_bytes(step.continue_as_new->initial_events);
  }
  return check_total(total, limits);
}

}  // namespace aion::persistence::detail

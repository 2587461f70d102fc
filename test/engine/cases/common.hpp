// Shared helpers of the engine cases: the test fixture with wf_sdk deployed and the host
// activities registered, and JSON access.
#pragma once

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>

#include "support/engine_fixture.hpp"

namespace aion::engine::test {

using json = nlohmann::json;
using namespace std::chrono_literals;

inline json parse(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  BOOST_REQUIRE_MESSAGE(!j.is_discarded(), "not JSON: " << text);
  return j;
}

inline std::string input(const std::string& c, json extra = json::object()) {
  extra["case"] = c;
  return extra.dump();
}

/// wf_sdk deployed; host activities: host.add_one (n+1), host.flaky (fails with type
/// "transient" while attempt <= input), host.fatal (fails with type "fatal").
struct sdk_fixture : engine_fixture {
  sdk_fixture() {
    // Present before open() resumes workflows (restart() reopens with them).
    config.host_activities = {
        {"host.add_one",
         [this](std::string_view in, const host_activity_context&) -> host_activity_result {
           ++host_calls;
           return std::to_string(std::stoll(std::string(in)) + 1);
         }},
        {"host.flaky",
         [this](std::string_view in, const host_activity_context& ctx) -> host_activity_result {
           ++host_calls;
           if (ctx.attempt <= std::stoll(std::string(in)))
             return host_activity_error{"transient", "not yet", false};
           return std::to_string(ctx.attempt);
         }},
        {"host.fatal",
         [this](std::string_view, const host_activity_context&) -> host_activity_result {
           ++host_calls;
           return host_activity_error{"fatal", "cannot ever work", false};
         }}};
    for (auto& [name, fn] : config.host_activities) require(eng().register_activity(name, fn));
    deploy({"wf_sdk"});
  }

  /// Starts wf_sdk with case `c` and waits for the outcome.
  run_result run_case(const std::string& id, const std::string& c, json extra = json::object()) {
    start("wf_sdk", id, input(c, std::move(extra)));
    return wait(id);
  }

  std::atomic<int> host_calls{0};
};

#define CHECK_STATUS(r, s)                                                                    \
  BOOST_CHECK_MESSAGE((r).status == (s), "status " << to_string((r).status) << ", expected " \
                                                   << to_string(s) << ": " << (r).json)

}  // namespace aion::engine::test

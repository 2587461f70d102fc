// The fixture of the contract suite: a fresh database, a store on it driven by a manual clock,
// an initialised cluster and a lease on shard 0, plus helpers to start runs and build steps.
#pragma once

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "aion/persistence/store.hpp"
#include "test_backend.hpp"

namespace aion::persistence::test {

/// A point in time tests start from (2023-11-14T22:13:20Z).
inline constexpr timestamp test_epoch = from_micros(1'700'000'000'000'000);

/// `prefix` followed by `n` ("t7").
inline std::string numbered(std::string prefix, long long n) {
  prefix += std::to_string(n);
  return prefix;
}

/// "ok", or the error's text: for test messages (Boost evaluates messages even on success).
template <class T>
std::string describe(const result<T>& r) {
  return r.ok() ? std::string{"ok"} : r.err().to_string();
}

/// Fails the test with the error's text unless `r` is ok; returns the value.
template <class T>
T require_ok(result<T> r, const char* what) {
  BOOST_REQUIRE_MESSAGE(r.ok(),
                        what << " failed: " << (r.ok() ? std::string{} : r.err().to_string()));
  return std::move(r).value();
}
inline void require_ok(result<void> r, const char* what) {
  BOOST_REQUIRE_MESSAGE(r.ok(),
                        what << " failed: " << (r.ok() ? std::string{} : r.err().to_string()));
}
#define AION_REQUIRE_OK(expr) ::aion::persistence::test::require_ok((expr), #expr)

/// Checks that `expr` failed with `expected`.
#define AION_CHECK_ERROR(expr, expected)                                             \
  do {                                                                               \
    auto&& aion_result_ = (expr);                                                    \
    BOOST_CHECK_MESSAGE(!aion_result_.ok(),                                          \
                        #expr << " succeeded; expected " << to_string(expected));    \
    if (!aion_result_.ok()) {                                                        \
      BOOST_CHECK_MESSAGE(aion_result_.err().code() == (expected),                   \
                          #expr << " failed with " << aion_result_.err().to_string() \
                                << "; expected " << to_string(expected));            \
    }                                                                                \
  } while (false)

/// A store on a fresh database of this executable's backend.
struct store_fixture {
  store_fixture();
  ~store_fixture();

  /// Opens another store on the same database (another "node").
  std::unique_ptr<store> open_store_again(store_limits limits = {}) const;

  /// A store for a competing writer: a second store on the same database where the backend
  /// allows it (another node), otherwise the fixture's own store used from another thread.
  persistence::store& second_writer();

  /// Starts a run of `workflow_id` on shard 0 with `events` initial events.
  workflow_run start(const std::string& workflow_id, int events = 0,
                     const std::string& type = "order");

  /// An event with a recognisable payload.
  static new_event event(int type, const std::string& payload);

  /// A step for `run` expecting `next_seq`, under the fixture's fence, with `events` events.
  step_commit step(const run_key& run, std::int64_t next_seq, int events) const;

  std::unique_ptr<test_backend> backend;
  std::shared_ptr<manual_clock> clock;
  std::unique_ptr<persistence::store> db;
  std::unique_ptr<persistence::store> second_;
  shard_lease lease;
};

}  // namespace aion::persistence::test

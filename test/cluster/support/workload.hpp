// The cluster suites' workload: cl_order workflows (test/cluster/erl) started through the nodes
// in turn, signalled, and checked — each result against what its input says it must be, each
// history for gaps and for commands settled twice.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "support/cluster_fixture.hpp"

namespace aion::cluster_test {

class order_workload {
 public:
  /// `count` workflows named `prefix`-p-N (their children `prefix`-c-N).
  order_workload(test_cluster& cluster, std::string prefix, int count);

  /// Starts workflows [from, to) through the nodes `via` in turn, on `threads` threads. Each
  /// start is retried (same idempotency key) while nodes are down or shards change hands.
  void start(int from, int to, const std::vector<std::size_t>& via, int threads = 6);
  /// Sends each workflow its "go" signal through the nodes `via` in turn.
  void signal_all(const std::vector<std::size_t>& via, int threads = 6);
  /// Waits for every result (through `via`), checks it and the workflow's and its child's
  /// histories. Returns how many were right.
  int check_all(const std::vector<std::size_t>& via, std::chrono::seconds limit, int threads = 6);

  std::string parent_id(int n) const;
  std::string child_id(int n) const;
  int count() const { return count_; }
  /// Started so far (start() counts as it goes).
  int started() const { return started_.load(); }

 private:
  /// Runs fn(i) for i in [from, to) on `threads` threads.
  static void parallel(int from, int to, int threads, const std::function<void(int)>& fn);

  test_cluster& cluster_;
  std::string prefix_;
  int count_;
  std::atomic<int> started_{0};
};

/// Expected result of cl_order with input n and go payload n.
json expected_order_result(int n);

}  // namespace aion::cluster_test

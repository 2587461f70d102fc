// Random identifiers the store generates: run ids (UUID v4), commit ids, lease tokens.
#pragma once

#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace aion::persistence::detail {

/// A thread-safe source of random identifiers, seeded from std::random_device. One per store.
class id_source {
 public:
  id_source();

  /// A random UUID version 4 in canonical lowercase form.
  std::string uuid();

  /// A UUID version 4 derived from `seed` alone: the same seed always gives the same id (the
  /// next run of a continue-as-new is named after its commit id, so a repeat names it alike).
  static std::string uuid_from(std::uint64_t seed);

  /// A random integer in [1, 2^63 - 1] (never 0, which means "none" in the schema).
  std::int64_t positive_id();

 private:
  static std::string format_uuid(std::uint64_t high, std::uint64_t low);

  std::mutex mutex_;  // guards engine_
  std::mt19937_64 engine_;
};

}  // namespace aion::persistence::detail

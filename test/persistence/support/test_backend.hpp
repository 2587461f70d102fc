// The seam that lets one contract suite run on every backend: each test executable links
// exactly one definition of make_test_backend().
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "aion/persistence/store.hpp"

namespace aion::persistence::test {

/// A fresh, empty database for one test, removed when destroyed.
class test_backend {
 public:
  virtual ~test_backend() = default;
  /// "sqlite" or "postgresql".
  virtual std::string_view name() const = 0;
  /// Options that open a store on this test's database (the same database on every call).
  virtual store_options options() const = 0;
  /// True when several stores may open the database at once (several nodes on PostgreSQL);
  /// false for SQLite, which allows one store per data directory.
  virtual bool shared_by_nodes() const = 0;
  /// Runs SQL directly against the database, bypassing the store (to tamper with it).
  /// Fails the test on error.
  virtual void execute(const std::string& sql) = 0;
};

/// The backend of this test executable.
std::unique_ptr<test_backend> make_test_backend();

}  // namespace aion::persistence::test

// Typed results of the engine's API.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace aion::engine {

/// What went wrong, phrased as what the caller should do.
enum class errc {
  invalid_argument,  ///< the request is malformed: fix it, do not retry
  not_found,         ///< no such workflow, run, module or task
  already_exists,    ///< a run of this workflow id is open (or the reuse policy forbids one)
  conflict,          ///< the state changed meanwhile (a lease expired, a run closed): re-read
  timeout,           ///< the wait ran out: the operation may still complete
  unavailable,       ///< the store is unreachable or overloaded: retry with back-off
  shutting_down,     ///< the engine is stopping: go to another node
  failed_precondition,  ///< the workflow is not in a state that allows this (closed, stuck)
  not_owner,         ///< this engine does not own the workflow's shard: route to its owner
  internal,          ///< a bug: reported with details
};

const char* to_string(errc code);

struct error {
  errc code;
  std::string message;
};

/// A value or an error (g++ 12 has no std::expected).
template <class T>
class result {
 public:
  result(T value) : v_(std::move(value)) {}
  result(error e) : v_(std::move(e)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const error& err() const { return std::get<1>(v_); }

 private:
  std::variant<T, error> v_;
};

template <>
class result<void> {
 public:
  result() = default;
  result(error e) : e_(std::move(e)), ok_(false) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const error& err() const { return e_; }

 private:
  error e_{};
  bool ok_ = true;
};

}  // namespace aion::engine

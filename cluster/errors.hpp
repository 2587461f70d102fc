// Typed results of the cluster library.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace aion::cluster {

/// What went wrong, phrased as what the caller should do.
enum class errc {
  invalid_argument,  ///< a setting is unusable (empty node id, address, zero timeout): fix it
  unavailable,       ///< the store cannot be reached now: retry later
  conflict,          ///< the cluster exists with other fixed settings (shard count): fix them
  shutting_down,     ///< the node is leaving the cluster
};

const char* to_string(errc code);

struct error {
  errc code;
  std::string message;
};

/// A value or an error.
template <class T>
class result {
 public:
  result(T value) : v_(std::move(value)) {}
  result(error e) : v_(std::move(e)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& operator*() { return std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
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

}  // namespace aion::cluster

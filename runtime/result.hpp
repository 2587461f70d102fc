// Typed results at the runtime folder's boundary.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace aion::vm {

/// What went wrong, phrased as what the caller should do about it.
enum class errc {
  malformed_module,     ///< the .beam is corrupt or hostile: give up on this input
  unsupported_module,   ///< valid but uses something this VM refuses (obsolete opcodes...)
  module_too_large,     ///< over a configured limit: give up
  not_found,            ///< no such module, function or process
  already_registered,   ///< a native with this name/arity exists already
  system_limit,         ///< a VM-wide limit was reached (atoms, processes)
  invalid_argument,     ///< the caller passed something unusable
  shutting_down,        ///< the runtime is stopping: do not retry
};

/// An error code with a human-readable explanation.
struct error {
  errc code;
  std::string message;
};

/// A value or an error. Small and explicit: g++ 12 has no std::expected.
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
  T* operator->() { return &value(); }
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

}  // namespace aion::vm

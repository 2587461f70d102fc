// Typed results of the metrics layer: what can fail is starting the HTTP endpoint.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace aion::metrics {

/// What went wrong, classified by what the caller should do about it.
enum class errc : unsigned char {
  /// The request itself is bad (a malformed `HOST:PORT`, an unknown host name). Fix the
  /// configuration; repeating the same call will fail again.
  invalid_argument = 1,
  /// The address is well formed but cannot be bound now (in use, not local, not permitted).
  /// Choose another address, or retry later if the previous owner is going away.
  address_unavailable,
};

/// The stable lower-case name of a code ("invalid_argument"), for logs and messages.
const char* to_string(errc code) noexcept;

/// An error of the metrics layer: a code plus a message naming what failed and why.
class error {
 public:
  /// Builds an error; the message names the object and the reason.
  error(errc code, std::string message) : code_(code), message_(std::move(message)) {}

  /// What the caller should do.
  errc code() const noexcept { return code_; }
  /// The human-readable explanation, without the code.
  const std::string& message() const noexcept { return message_; }

 private:
  errc code_;
  std::string message_;
};

/// Either a value of type T or an error; never throws for expected failures. Accessing value()
/// of an error result (or err() of a value) is a bug and asserts.
template <class T>
class [[nodiscard]] result {
 public:
  /// A successful result holding `value`.
  result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  /// A failed result.
  result(error err) : state_(std::in_place_index<1>, std::move(err)) {}

  /// True when the result holds a value; also the result's truth value.
  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  /// The value; only valid when ok().
  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  /// The value, moved out; only valid when ok().
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  /// The error; only valid when !ok().
  const error& err() const& {
    assert(!ok());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, error> state_;
};

}  // namespace aion::metrics

// Typed results of the store: an error code that says what the caller should do, and result<T>.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace aion::persistence {

/// What went wrong, classified by what the caller should do about it. Every store call that can
/// fail returns one of these inside a result.
enum class errc : unsigned char {
  /// A transient conflict inside the database (serialization failure, deadlock) that the store
  /// already retried a bounded number of times. Repeating the same call now may succeed.
  retry = 1,
  /// The database or the store is overloaded (too many connections, a full queue, a lock
  /// timeout, a full disk). Repeat after a delay.
  back_off,
  /// The connection to the database was lost and could not be re-established within the retry
  /// budget. The store keeps reconnecting by itself; repeat later. A write that failed this way
  /// may or may not have been applied: repeat it with the same commit id to find out.
  reconnect,
  /// A permanent failure: corrupt data, a schema newer than this build, a closed store, a bug.
  /// Repeating will not help.
  give_up,
  /// The state changed underneath the caller: the expected sequence number is stale, the run is
  /// already closed, a workflow id is taken, a lease is held by someone else. Reload and decide.
  conflict,
  /// The fencing token is stale: the shard now belongs to another holder. Stop writing to it.
  fenced,
  /// The named workflow, run, task, module, deployment or lease does not exist.
  not_found,
  /// The request itself is bad (an invalid identifier, an oversized payload, a malformed page
  /// token). Nothing was changed; repeating the same request will fail again.
  invalid_argument,
};

/// The stable lower-case name of a code ("back_off"), for logs and messages.
std::string_view to_string(errc code) noexcept;

/// True for the codes that say "the same call may succeed later": retry, back_off, reconnect.
constexpr bool is_transient(errc code) noexcept {
  return code == errc::retry || code == errc::back_off || code == errc::reconnect;
}

/// An error of the persistence layer: a code plus a human-readable message naming what failed.
/// A value type; cheap to move.
class error {
 public:
  /// Builds an error; the message should name the object and the reason ("workflow 'o-1': ...").
  error(errc code, std::string message) : code_(code), message_(std::move(message)) {}

  /// What the caller should do.
  errc code() const noexcept { return code_; }

  /// The human-readable explanation, without the code.
  const std::string& message() const noexcept { return message_; }

  /// "code: message", for logs.
  std::string to_string() const;

 private:
  errc code_;
  std::string message_;
};

/// Either a value of type T or an error. Returned by every fallible call of the store; never
/// throws for expected failures. Accessing value() of an error result is a bug (asserts).
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

  /// The value; only valid when ok() (asserts in debug builds; std::bad_variant_access in
  /// release builds). The operators give the same access.
  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  /// The error; only valid when !ok().
  const error& err() const& {
    assert(!ok());
    return std::get<1>(state_);
  }
  error&& err() && {
    assert(!ok());
    return std::get<1>(std::move(state_));
  }

 private:
  std::variant<T, error> state_;
};

/// A result without a value: success, or an error.
template <>
class [[nodiscard]] result<void> {
 public:
  /// Success.
  result() = default;
  /// Failure.
  result(error err) : error_(std::move(err)) {}

  /// True on success; also the result's truth value.
  bool ok() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }

  /// The error; only valid when !ok().
  const error& err() const& {
    assert(!ok());
    return *error_;
  }
  error&& err() && {
    assert(!ok());
    return std::move(*error_);
  }

 private:
  std::optional<error> error_;
};

}  // namespace aion::persistence

// Result<T>: a value or an error message a user can act on (until std::expected is available).
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace candela {

// What went wrong, so that each layer can map it (the portal: to an HTTP status) without
// parsing messages. kInvalid is the default: bad input the caller can correct.
enum class ErrorKind {
  kInvalid,       // the input breaks a rule (HTTP 400/422)
  kUnauthorized,  // who is asking is unknown or their credentials are wrong (401)
  kForbidden,     // known, visible, but not allowed (403)
  kNotFound,      // absent, or outside what the caller may see (404)
  kConflict,      // clashes with the current state, e.g. a duplicate (409)
  kPrecondition,  // a stale If-Match / version (412)
  kUnavailable,   // a dependency is down or busy; try again (503)
  kInternal,      // a bug or a storage failure; details go to the log (500)
};

struct Error {
  std::string message;
  ErrorKind kind = ErrorKind::kInvalid;
  // Located problems with a document: (JSON Pointer, explanation) pairs; may be empty.
  std::vector<std::pair<std::string, std::string>> fields = {};
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const std::string& error() const { return std::get<1>(state_).message; }
  const Error& failure() const { return std::get<1>(state_); }
  ErrorKind error_kind() const { return std::get<1>(state_).kind; }

 private:
  std::variant<T, Error> state_;
};

}  // namespace candela

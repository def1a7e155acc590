// RFC 9457 problem details: the one shape of every error the portal's API returns.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "portal/message.hpp"

namespace candela::portal {

// Every problem `type` is this base followed by a slug from docs/api-conventions.md.
inline constexpr std::string_view kProblemTypeBase = "https://candela.dev/problems/";
inline constexpr std::string_view kProblemContentType = "application/problem+json";

// One located validation error; `pointer` is a JSON Pointer (RFC 6901) into the request body
// (or "" for the whole document), the same shape the configuration validator produces.
struct FieldError {
  std::string pointer;
  std::string message;
  bool operator==(const FieldError&) const = default;
};

struct Problem {
  int status = 500;
  std::string slug;  // type = kProblemTypeBase + slug
  std::string title;
  std::string detail;
  std::vector<FieldError> errors;  // the "errors" extension; omitted when empty
  HeaderList headers;              // e.g. WWW-Authenticate, Allow, Retry-After

  std::string type() const { return std::string(kProblemTypeBase) + slug; }
  // The problem document; `instance` is the request id (omitted when empty).
  nlohmann::json to_json(std::string_view instance) const;
  Response to_response(std::string_view request_id) const;
};

Problem bad_request(std::string detail, std::vector<FieldError> errors = {});
Problem not_found(std::string detail);
Problem method_not_allowed(const std::vector<std::string>& allowed);
// `challenge` becomes WWW-Authenticate, e.g. "Candela-HMAC-SHA256".
Problem unauthorized(std::string detail, std::string challenge);
Problem forbidden(std::string detail);
// 409: the request conflicts with the resource's state (e.g. a duplicate alias).
Problem conflict(std::string detail);
// 412: an If-Match / If-None-Match precondition failed (optimistic concurrency).
Problem precondition_failed(std::string detail);
// 428: a state-changing request lacks If-Match on a route that requires it.
Problem precondition_required(std::string detail);
Problem payload_too_large(std::size_t limit);
Problem header_fields_too_large(std::size_t limit);
Problem unsupported_media_type(std::string detail);
Problem too_many_requests(std::string detail, std::chrono::seconds retry_after);
// 500 for callers; the cause belongs in the log, never in the response.
Problem internal_error();

// A value or the problem that prevented it; the API layer's Result.
template <typename T>
class [[nodiscard]] ApiResult {
 public:
  ApiResult(T value) : state_(std::move(value)) {}            // NOLINT: implicit by design
  ApiResult(Problem problem) : state_(std::move(problem)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Problem& problem() const { return std::get<1>(state_); }

 private:
  std::variant<T, Problem> state_;
};

}  // namespace candela::portal

// Domain errors → problem+json, in one place.
#include <cstdio>

#include "portal/api_context.hpp"

namespace candela::portal {

Problem problem_from_error(const Error& error) {
  switch (error.kind) {
    case ErrorKind::kInvalid: {
      std::vector<FieldError> fields;
      for (const auto& [pointer, message] : error.fields)
        fields.push_back({pointer, message});
      return bad_request(error.message, std::move(fields));
    }
    case ErrorKind::kUnauthorized:
      return unauthorized(error.message, "Candela-HMAC-SHA256");
    case ErrorKind::kForbidden:
      return forbidden(error.message);
    case ErrorKind::kNotFound:
      return not_found(error.message);
    case ErrorKind::kConflict:
      return conflict(error.message);
    case ErrorKind::kPrecondition:
      return precondition_failed(error.message);
    case ErrorKind::kUnavailable: {
      Problem p = internal_error();
      p.status = 503;
      p.slug = "unavailable";
      p.title = "Service Unavailable";
      p.detail = "the store is busy or unreachable; try again shortly";
      p.headers.emplace_back("Retry-After", "2");
      return p;
    }
    case ErrorKind::kInternal:
      break;
  }
  std::fprintf(stderr, "candela portal: internal error: %s\n", error.message.c_str());
  return internal_error();
}

}  // namespace candela::portal

// Problem constructors and their JSON form; titles are fixed per type so clients can rely on them.
#include "portal/problem.hpp"

#include <algorithm>

namespace candela::portal {

namespace {

Problem make(int status, std::string slug, std::string title, std::string detail) {
  Problem problem;
  problem.status = status;
  problem.slug = std::move(slug);
  problem.title = std::move(title);
  problem.detail = std::move(detail);
  return problem;
}

}  // namespace

nlohmann::json Problem::to_json(std::string_view instance) const {
  nlohmann::json doc = {{"type", type()}, {"title", title}, {"status", status}};
  if (!detail.empty()) doc["detail"] = detail;
  if (!instance.empty()) doc["instance"] = std::string(instance);
  if (!errors.empty()) {
    auto& list = doc["errors"] = nlohmann::json::array();
    for (const auto& error : errors) {
      list.push_back({{"pointer", error.pointer}, {"message", error.message}});
    }
  }
  return doc;
}

Response Problem::to_response(std::string_view request_id) const {
  // Replacement avoids invalid UTF-8 from user input turning an error into an exception.
  Response response = Response::with_body(
      status, std::string(kProblemContentType),
      to_json(request_id).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  for (const auto& [name, value] : headers)
    response.add_header(name, value);
  return response;
}

Problem bad_request(std::string detail, std::vector<FieldError> errors) {
  bool validation = !errors.empty();
  Problem problem = make(400, validation ? "validation-failed" : "bad-request",
                         validation ? "Validation failed" : "Bad request", std::move(detail));
  problem.errors = std::move(errors);
  return problem;
}

Problem not_found(std::string detail) {
  return make(404, "not-found", "Not found", std::move(detail));
}

Problem method_not_allowed(const std::vector<std::string>& allowed) {
  std::string list;
  for (const auto& method : allowed) {
    if (!list.empty()) list += ", ";
    list += method;
  }
  Problem problem =
      make(405, "method-not-allowed", "Method not allowed", "this resource supports " + list);
  problem.headers.emplace_back("Allow", list);
  return problem;
}

Problem unauthorized(std::string detail, std::string challenge) {
  Problem problem = make(401, "unauthorized", "Unauthorized", std::move(detail));
  problem.headers.emplace_back("WWW-Authenticate", std::move(challenge));
  return problem;
}

Problem forbidden(std::string detail) {
  return make(403, "forbidden", "Forbidden", std::move(detail));
}

Problem conflict(std::string detail) {
  return make(409, "conflict", "Conflict", std::move(detail));
}

Problem precondition_failed(std::string detail) {
  return make(412, "precondition-failed", "Precondition failed", std::move(detail));
}

Problem precondition_required(std::string detail) {
  return make(428, "precondition-required", "Precondition required", std::move(detail));
}

Problem payload_too_large(std::size_t limit) {
  return make(413, "payload-too-large", "Payload too large",
              "the request body exceeds the limit of " + std::to_string(limit) + " bytes");
}

Problem header_fields_too_large(std::size_t limit) {
  return make(
      431, "header-fields-too-large", "Request header fields too large",
      "the request line and header fields exceed the limit of " + std::to_string(limit) + " bytes");
}

Problem unsupported_media_type(std::string detail) {
  return make(415, "unsupported-media-type", "Unsupported media type", std::move(detail));
}

Problem too_many_requests(std::string detail, std::chrono::seconds retry_after) {
  Problem problem = make(429, "too-many-requests", "Too many requests", std::move(detail));
  problem.headers.emplace_back("Retry-After",
                               std::to_string(std::max<std::int64_t>(0, retry_after.count())));
  return problem;
}

Problem internal_error() {
  return make(500, "internal-error", "Internal server error",
              "the server could not complete the request; quote the instance when reporting it");
}

}  // namespace candela::portal

// Decides status, header fields and body slice for a GET/HEAD of a representation (a file or a
// synthetic body): defaults, sidecar overrides, preconditions (RFC 9110 §13) and single ranges.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "http/headers.hpp"
#include "origin/sidecar.hpp"

namespace candela::origin {

// The request fields that influence the answer; absent fields are nullopt.
struct ConditionalRequest {
  std::optional<std::string> if_match;
  std::optional<std::string> if_none_match;
  std::optional<std::string> if_modified_since;
  std::optional<std::string> if_unmodified_since;
  std::optional<std::string> range;
  std::optional<std::string> if_range;
};

// What the origin knows about the selected representation before any override.
struct Representation {
  std::uint64_t size = 0;
  std::string content_type;
  std::string etag;                      // empty when ETags are turned off
  std::optional<SysTime> last_modified;  // nullopt when Last-Modified is turned off
  std::string cache_control;             // empty: none
};

struct ResponsePlan {
  int status = 200;
  // Every field except the framing ones (Content-Length, Transfer-Encoding, Connection), which
  // the server adds because they depend on the connection.
  http::HeaderList headers;
  std::uint64_t body_offset = 0;
  std::uint64_t body_length = 0;
  // False for statuses that never carry content (1xx, 204, 304): no Content-Length is sent.
  bool has_content = true;
};

// Sidecar fields replace defaults of the same name; the sidecar's ETag and Last-Modified, when
// present, are also what preconditions are evaluated against. Preconditions and Range apply only
// when the status is 200 (a sidecar "@status: 404" serves the file as the error body as is).
ResponsePlan plan_response(const ConditionalRequest& request, const Representation& rep,
                           const Sidecar& sidecar, SysTime now);

// True for statuses whose responses have no content (RFC 9110 §6.4.1).
bool status_has_no_content(int status);

}  // namespace candela::origin

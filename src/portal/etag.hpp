// Strong entity tags and the If-Match / If-None-Match rules behind optimistic concurrency.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "portal/message.hpp"
#include "portal/problem.hpp"

namespace candela::portal {

class ETag {
 public:
  // "\"v42\"": a stored configuration version never changes, so its number identifies it.
  static ETag from_version(std::uint64_t version);
  // "\"<first 32 hex digits of SHA-256>\"" of a representation.
  static ETag from_content(std::string_view content);
  // `opaque` is the part between the quotes (RFC 9110 etagc characters only).
  static std::optional<ETag> from_opaque(std::string_view opaque);

  const std::string& header_value() const { return value_; }  // quoted, as sent in ETag
  bool operator==(const ETag&) const = default;

 private:
  explicit ETag(std::string value) : value_(std::move(value)) {}
  std::string value_;
};

// What a GET/HEAD may answer after If-None-Match.
enum class ReadPrecondition { kSendRepresentation, kNotModified };

// If-None-Match for reads (weak comparison, RFC 9110 §13.1.2): kNotModified if the current tag
// (or "*" for an existing resource) is listed. A malformed field is ignored as the RFC allows.
ReadPrecondition evaluate_if_none_match(const Request& request, const std::optional<ETag>& current);

enum class IfMatchRule { kOptional, kRequired };

// If-Match for state-changing requests (strong comparison, RFC 9110 §13.1.1). `current` is the
// resource's tag, nullopt if it does not exist. Returns the problem to answer with: 428 if the
// field is missing and `rule` requires it, 412 if no listed tag matches; nullopt to proceed.
std::optional<Problem> evaluate_if_match(const Request& request, const std::optional<ETag>& current,
                                         IfMatchRule rule);

// A 304 response for `current` (carries ETag, no body).
Response not_modified(const ETag& current);

}  // namespace candela::portal

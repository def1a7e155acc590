// RFC 9110 §13 preconditions evaluated against a stored response (304 / 412 / full response).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/clock.hpp"
#include "http/headers.hpp"

namespace candela::cache {

enum class ConditionalResult : std::uint8_t {
  kSendFull,            // no precondition applies or all pass: send the stored response
  kNotModified,         // 304
  kPreconditionFailed,  // 412
};

// A parsed entity-tag (RFC 9110 §8.8.3); `opaque` includes the double quotes.
struct EntityTag {
  bool weak = false;
  std::string_view opaque;
};

// Parses one entity-tag, e.g. `W/"x"` or `"x"`; surrounding whitespace is allowed.
std::optional<EntityTag> parse_entity_tag(std::string_view text) noexcept;

// RFC 9110 §8.8.3.2.
bool strong_match(const EntityTag& a, const EntityTag& b) noexcept;
bool weak_match(const EntityTag& a, const EntityTag& b) noexcept;

// Evaluates an If-Match / If-None-Match value ("*" or a list of entity-tags) against the
// current ETag. A malformed member never matches; "*" matches any existing representation.
bool etag_list_matches(std::string_view field_value, std::optional<std::string_view> current_etag,
                       bool strong) noexcept;

// The stored response's validators, read once at store time or straight from its headers.
struct Validators {
  std::optional<std::string_view> etag;  // raw ETag field value
  std::optional<SysTime> last_modified;  // parsed Last-Modified
  std::optional<SysTime> date;           // parsed Date
  std::optional<SysTime> received;       // when the cache received the response (caller sets)
  // Reads ETag, Last-Modified and Date; `received` is left for the caller.
  static Validators from(const http::HeaderView& stored) noexcept;
};

// Evaluates the request's preconditions in RFC 9110 §13.2.2 order: If-Match, else
// If-Unmodified-Since → 412 when false; If-None-Match → 304 (GET/HEAD) or 412 when false,
// else If-Modified-Since (GET/HEAD only) → 304 when not modified since. Preconditions are
// ignored unless the stored status is 2xx (RFC 9110 §13.2.1). Invalid dates and
// multi-valued date fields are ignored; If-Unmodified-Since is ignored without Last-Modified.
// If-Modified-Since compares with Last-Modified, else Date, else `received`, as a cache
// answering for its stored response does (RFC 9111 §4.3.2). If-Range: see range.hpp.
ConditionalResult evaluate_conditionals(std::string_view method, const http::HeaderView& request,
                                        int stored_status, const Validators& stored) noexcept;

// RFC 9110 §15.4.5: the fields a 304 carries: Cache-Control, Content-Location, Date, ETag,
// Expires and Vary, plus Last-Modified when there is no ETag (it guides cache updates).
bool is_not_modified_field(std::string_view name, bool has_etag) noexcept;

// Appends the 304's fields taken from the stored response to `out`.
void copy_not_modified_fields(const http::HeaderView& stored, http::HeaderList& out);

}  // namespace candela::cache

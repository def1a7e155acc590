// Cache-Control / CDN-Cache-Control directive parsing (RFC 9111 §5.2, RFC 9213).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/headers.hpp"

namespace candela::cache {

// delta-seconds larger than this are clamped to it (RFC 9111 §1.2.2).
inline constexpr std::int64_t kMaxDeltaSeconds = 2147483648;  // 2^31

// Directives of one Cache-Control-style field (request or response).
//
// Robustness rules, chosen to be conservative (RFC 9111 §4.2.1):
// - names are case-insensitive; arguments may be tokens or quoted strings;
// - a numeric argument that is missing, non-digit, signed or fractional is invalid. An invalid
//   max-age or s-maxage becomes 0 (the response is stale); any other invalid numeric directive
//   is ignored as if absent;
// - numbers beyond 2^31 are clamped to 2^31;
// - a numeric directive given more than once keeps the lowest value (the most restrictive);
// - field-name lists of no-cache / private are lower-cased and accumulate across repeats; an
//   unqualified occurrence anywhere wins over the qualified form.
struct CacheControl {
  std::optional<std::int64_t> max_age;
  std::optional<std::int64_t> s_maxage;
  std::optional<std::int64_t> min_fresh;
  std::optional<std::int64_t> stale_while_revalidate;
  std::optional<std::int64_t> stale_if_error;
  // max-stale: `max_stale` is set when present; `max_stale_limit` is empty for "any staleness".
  bool max_stale = false;
  std::optional<std::int64_t> max_stale_limit;

  bool no_store = false;
  bool no_cache = false;                     // unqualified, or qualified (see no_cache_fields)
  std::vector<std::string> no_cache_fields;  // non-empty only for the qualified form
  bool is_private = false;
  std::vector<std::string> private_fields;  // non-empty only for the qualified form
  bool is_public = false;
  bool must_revalidate = false;
  bool proxy_revalidate = false;
  bool no_transform = false;
  bool only_if_cached = false;
  bool immutable = false;
  bool must_understand = false;

  // True once any directive (known or not) has been seen; an empty targeted field does not
  // replace Cache-Control (RFC 9213 §2.2).
  bool any = false;

  // no-cache without field names (the whole response must be revalidated).
  bool no_cache_unqualified() const noexcept { return no_cache && no_cache_fields.empty(); }
  bool private_unqualified() const noexcept { return is_private && private_fields.empty(); }
};

// Parses one field value.
CacheControl parse_cache_control(std::string_view value);

// Adds the directives of another field line (or another field) into `into`, applying the
// duplicate rules above. Allocates only for qualified no-cache / private.
void merge_cache_control(std::string_view value, CacheControl& into);

// All Cache-Control lines of a message, merged.
CacheControl parse_cache_control_fields(const http::HeaderView& fields,
                                        std::string_view field_name = "Cache-Control");

// The directives a response's caching decisions use, and where they came from.
struct ResponseDirectives {
  CacheControl cc;
  // True when a targeted field (RFC 9213) supplied `cc`; Cache-Control and Expires are then
  // ignored for this cache's decisions.
  bool targeted = false;
};

// The default target list of this CDN: the generic CDN-Cache-Control field.
inline constexpr std::string_view kDefaultTargetedFields[] = {"CDN-Cache-Control"};

// RFC 9213 §2.2: the first field of `targeted_fields` (most specific first) that is present and
// holds at least one directive replaces Cache-Control; otherwise Cache-Control is used.
ResponseDirectives select_response_directives(
    const http::HeaderView& response,
    std::span<const std::string_view> targeted_fields = kDefaultTargetedFields);

}  // namespace candela::cache

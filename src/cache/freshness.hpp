// RFC 9111 §4.2 freshness and Age: computed once when a response is stored, checked per hit.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "cache/cache_control.hpp"
#include "common/clock.hpp"
#include "http/headers.hpp"

namespace candela::cache {

struct FreshnessConfig {
  // Heuristic lifetime = this percentage of (Date − Last-Modified) (RFC 9111 §4.2.2) ...
  std::int64_t heuristic_percent = 10;
  // ... but never more than this.
  std::int64_t heuristic_max_seconds = 24 * 3600;
  // Windows used when the response carries no stale-while-revalidate / stale-if-error.
  std::int64_t default_stale_while_revalidate = 0;
  std::int64_t default_stale_if_error = 0;
};

// Everything the hit path needs, in whole seconds since the Unix epoch: checking a hit is a
// few integer comparisons with no parsing and no allocation. Recompute after a revalidation.
struct FreshnessInfo {
  std::int64_t response_time = 0;           // when the response (or the 304) was received
  std::int64_t corrected_initial_age = 0;   // RFC 9111 §4.2.3
  std::int64_t freshness_lifetime = 0;      // RFC 9111 §4.2.1
  std::int64_t stale_while_revalidate = 0;  // window after expiry, 0 = none
  std::int64_t stale_if_error = 0;          // window after expiry, 0 = none
  bool no_cache = false;   // no-cache (any form): every reuse needs a successful validation
  bool no_stale = false;   // must-revalidate, proxy-revalidate or s-maxage: never serve stale
  bool heuristic = false;  // the lifetime is a heuristic one
  bool immutable = false;  // RFC 8246
  bool targeted = false;   // decided by a targeted field (RFC 9213)
};

// Request directives that constrain reuse (RFC 9111 §5.2.1); Pragma: no-cache counts as
// Cache-Control: no-cache when the request has no Cache-Control (RFC 9111 §5.4).
struct RequestDirectives {
  std::optional<std::int64_t> max_age;
  std::optional<std::int64_t> min_fresh;
  bool max_stale = false;
  std::optional<std::int64_t> max_stale_limit;  // empty with max_stale = any staleness
  bool no_cache = false;
  bool no_store = false;
  bool only_if_cached = false;  // the edge answers 504 rather than contact the origin
};

RequestDirectives parse_request_directives(const http::HeaderView& request);

// The outcome of a lookup that found a stored response.
enum class Freshness : std::uint8_t {
  kFresh,                     // serve it
  kStaleAcceptable,           // stale, but the client's max-stale accepts it: serve it
  kStaleWhileRevalidate,      // serve it now and revalidate in the background
  kRevalidateOrServeOnError,  // revalidate; if the origin fails (5xx / unreachable) serve it
  kMustRevalidate,            // revalidate; never serve it without a successful validation
};

std::string_view to_string(Freshness f) noexcept;

// RFC 9111 §4.2.3 in whole seconds. Exposed for tests and logging.
struct InitialAge {
  std::int64_t apparent_age = 0;
  std::int64_t response_delay = 0;
  std::int64_t corrected_age_value = 0;
  std::int64_t corrected_initial_age = 0;
};
InitialAge calculate_initial_age(std::int64_t age_value, std::int64_t date_value,
                                 std::int64_t request_time, std::int64_t response_time) noexcept;

// Statuses whose responses may get a heuristic lifetime (RFC 9110 §15.1).
bool is_heuristically_cacheable(int status) noexcept;

// Computes the stored response's freshness. `directives` come from select_response_directives;
// with targeted directives Expires is ignored (RFC 9213 §2.2). A missing or invalid Date is
// replaced by `response_time` (RFC 9110 §6.6.1).
FreshnessInfo compute_freshness(int status, const http::HeaderView& response,
                                const ResponseDirectives& directives, SysTime request_time,
                                SysTime response_time, const FreshnessConfig& config = {});

// current_age (RFC 9111 §4.2.3), clamped to [0, 2^31]: the value of the Age header to send.
std::int64_t age_seconds(const FreshnessInfo& info, SysTime now) noexcept;

// freshness_lifetime − current_age: > 0 while fresh, −staleness once stale.
std::int64_t remaining_freshness(const FreshnessInfo& info, SysTime now) noexcept;

inline bool is_fresh(const FreshnessInfo& info, SysTime now) noexcept {
  return remaining_freshness(info, now) > 0;
}

// The reuse decision for a shared cache (RFC 9111 §4, §4.2.4, §5.2; RFC 5861).
// Windows are exclusive: with stale-while-revalidate=N, staleness 0..N-1 qualifies.
Freshness evaluate(const FreshnessInfo& info, SysTime now,
                   const RequestDirectives& request) noexcept;

// Whether the stored response may be served because revalidation failed (origin 5xx or
// unreachable): it is still fresh, or stale within its stale-if-error window, or within its
// stale-while-revalidate window (a failed background revalidation keeps serving it).
bool may_serve_on_error(const FreshnessInfo& info, SysTime now) noexcept;

}  // namespace candela::cache

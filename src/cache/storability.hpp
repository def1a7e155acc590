// RFC 9111 §3: may a shared cache store this response, and which fields must it leave out?
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cache/cache_control.hpp"
#include "http/headers.hpp"

namespace candela::cache {

// Responses carrying Set-Cookie are personal far more often than not. Storing them would hand
// one user's session to the next, so by default they are not stored (as nginx and Varnish do).
enum class SetCookiePolicy : std::uint8_t {
  kDontStore,      // default: not stored (reason "set-cookie")
  kStoreStripped,  // store without Set-Cookie; this response itself still carries it
};

struct StorabilityConfig {
  SetCookiePolicy set_cookie = SetCookiePolicy::kDontStore;
};

struct StoreDecision {
  bool store = false;
  // Short token for the Cache-Status header's `detail` (or `fwd-status` reasoning) and logs:
  // "stored", "method", "status", "partial", "must-understand", "no-store",
  // "request-no-store", "private", "authorization", "vary-star", "set-cookie", "no-freshness".
  std::string_view reason;
  // Lower-cased names of fields to drop from the stored copy: those named by private="..."
  // (RFC 9111 §5.2.2.7 lets a shared cache store the rest), those named by no-cache="..."
  // (which freshness also treats as unqualified no-cache, so the response is always
  // revalidated) and, with kStoreStripped, Set-Cookie. A Set-Cookie named by private= or
  // no-cache= is stripped whatever the policy, since the origin said it is not shared.
  std::vector<std::string> strip_fields;
};

// Final statuses this cache understands (RFC 9110 registry entries plus 429 and 451); used for
// must-understand (RFC 9111 §5.2.2.3).
bool is_understood_status(int status) noexcept;

// Decides storage for a response to a request. `directives` come from
// select_response_directives (so CDN-Cache-Control can decide), parsed once by the caller.
//
// Only GET responses are stored: a response to HEAD has no body, and HEAD requests are served
// from stored GET responses. 206 is never stored as a whole object (the fill fetches whole
// objects), 304 only updates stored responses (see revalidation.hpp).
StoreDecision decide_storability(std::string_view method, const http::HeaderView& request,
                                 int status, const http::HeaderView& response,
                                 const ResponseDirectives& directives,
                                 const StorabilityConfig& config = {});

}  // namespace candela::cache

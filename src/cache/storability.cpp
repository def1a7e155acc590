// Storage decision for a shared cache, in the order RFC 9111 §3 lists the conditions.
#include "cache/storability.hpp"

#include <algorithm>

#include "cache/freshness.hpp"
#include "cache/vary.hpp"

namespace candela::cache {

namespace {

StoreDecision refuse(std::string_view reason) {
  return {false, reason, {}};
}

}  // namespace

bool is_understood_status(int status) noexcept {
  if (status >= 200 && status <= 206) return true;
  if (status >= 300 && status <= 308) return status != 306;
  if (status >= 400 && status <= 417) return true;
  if (status >= 500 && status <= 505) return true;
  switch (status) {
    case 421:
    case 422:
    case 426:
    case 429:
    case 451:
      return true;
    default:
      return false;
  }
}

StoreDecision decide_storability(std::string_view method, const http::HeaderView& request,
                                 int status, const http::HeaderView& response,
                                 const ResponseDirectives& directives,
                                 const StorabilityConfig& config) {
  const CacheControl& cc = directives.cc;
  if (method != "GET") return refuse("method");
  if (status < 200 || status > 599) return refuse("status");
  if (status == 206) return refuse("partial");
  if (status == 304) return refuse("status");

  // must-understand: store only statuses we understand, and then no-store yields to it.
  bool no_store = cc.no_store;
  if (cc.must_understand) {
    if (!is_understood_status(status)) return refuse("must-understand");
    no_store = false;
  }
  for (const auto& f : request) {
    if (!http::iequals(f.name, "Cache-Control")) continue;
    if (parse_cache_control(f.value).no_store) return refuse("request-no-store");
  }
  if (no_store) return refuse("no-store");
  if (cc.private_unqualified()) return refuse("private");

  // RFC 9111 §3.5: authenticated responses only with explicit permission for shared caches.
  if (request.contains("Authorization") && !(cc.is_public || cc.s_maxage || cc.must_revalidate)) {
    return refuse("authorization");
  }
  for (const auto& f : response) {
    if (http::iequals(f.name, "Vary") && vary_has_star(f.value)) return refuse("vary-star");
  }

  const bool has_expires = !directives.targeted && response.contains("Expires");
  const bool allowed = cc.is_public || cc.max_age || cc.s_maxage || has_expires || cc.no_cache ||
                       is_heuristically_cacheable(status);
  if (!allowed) return refuse("no-freshness");

  StoreDecision d{true, "stored", cc.private_fields};
  for (const auto& name : cc.no_cache_fields) {
    if (std::find(d.strip_fields.begin(), d.strip_fields.end(), name) == d.strip_fields.end()) {
      d.strip_fields.push_back(name);
    }
  }
  if (response.contains("Set-Cookie")) {
    const bool already_stripped = std::find(d.strip_fields.begin(), d.strip_fields.end(),
                                            "set-cookie") != d.strip_fields.end();
    if (!already_stripped) {
      if (config.set_cookie == SetCookiePolicy::kDontStore) return refuse("set-cookie");
      d.strip_fields.emplace_back("set-cookie");
    }
  }
  return d;
}

}  // namespace candela::cache

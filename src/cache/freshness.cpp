// Freshness lifetime, Age arithmetic and the per-hit reuse decision for a shared cache.
#include "cache/freshness.hpp"

#include <algorithm>

#include "common/http_date.hpp"
#include "http/text.hpp"

namespace candela::cache {

namespace {
// The Age value: first field line, first list member; anything but digits is ignored
// (treated as 0), large values are clamped to 2^31 (RFC 9111 §5.1, §1.2.2).
std::int64_t parse_age(const http::HeaderView& response) noexcept {
  const auto value = response.get("Age");
  if (!value) return 0;
  std::string_view v = *value;
  while (!v.empty() && http::is_ows(v.front()))
    v.remove_prefix(1);
  std::int64_t age = 0;
  std::size_t i = 0;
  for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i) {
    age = std::min<std::int64_t>(age * 10 + (v[i] - '0'), kMaxDeltaSeconds);
  }
  if (i == 0) return 0;
  for (; i < v.size(); ++i) {
    if (v[i] == ',') break;
    if (!http::is_ows(v[i])) return 0;  // "1.5", "10s": not delta-seconds
  }
  return age;
}

// Expires: several differing values or an invalid date mean "already expired".
std::optional<std::int64_t> expires_value(const http::HeaderView& response,
                                          bool& expired) noexcept {
  expired = false;
  std::optional<std::string_view> first;
  for (const auto& f : response) {
    if (!http::iequals(f.name, "Expires")) continue;
    if (!first) {
      first = f.value;
    } else if (*first != f.value) {
      expired = true;
    }
  }
  if (!first) return std::nullopt;
  const auto t = parse_http_date(*first);
  if (!t) {
    expired = true;
    return std::nullopt;
  }
  return to_unix_seconds(*t);
}

std::optional<std::int64_t> date_field(const http::HeaderView& h, std::string_view name) noexcept {
  const auto v = h.get(name);
  if (!v) return std::nullopt;
  const auto t = parse_http_date(*v);
  if (!t) return std::nullopt;
  return to_unix_seconds(*t);
}

}  // namespace

std::string_view to_string(Freshness f) noexcept {
  switch (f) {
    case Freshness::kFresh:
      return "fresh";
    case Freshness::kStaleAcceptable:
      return "stale-acceptable";
    case Freshness::kStaleWhileRevalidate:
      return "stale-while-revalidate";
    case Freshness::kRevalidateOrServeOnError:
      return "revalidate-or-serve-on-error";
    case Freshness::kMustRevalidate:
      return "must-revalidate";
  }
  return "unknown";
}

RequestDirectives parse_request_directives(const http::HeaderView& request) {
  RequestDirectives out;
  if (!request.contains("Cache-Control")) {
    for (const auto& f : request) {
      if (!http::iequals(f.name, "Pragma")) continue;
      // Pragma is a list; only its no-cache member matters here.
      const CacheControl pragma = parse_cache_control(f.value);
      out.no_cache = out.no_cache || pragma.no_cache;
    }
    return out;
  }
  const CacheControl cc = parse_cache_control_fields(request);
  out.max_age = cc.max_age;
  out.min_fresh = cc.min_fresh;
  out.max_stale = cc.max_stale;
  out.max_stale_limit = cc.max_stale_limit;
  out.no_cache = cc.no_cache;
  out.no_store = cc.no_store;
  out.only_if_cached = cc.only_if_cached;
  return out;
}

InitialAge calculate_initial_age(std::int64_t age_value, std::int64_t date_value,
                                 std::int64_t request_time, std::int64_t response_time) noexcept {
  InitialAge a;
  a.apparent_age = std::max<std::int64_t>(0, response_time - date_value);
  // A clock that went backwards between request and response must not shrink the age.
  a.response_delay = std::max<std::int64_t>(0, response_time - request_time);
  a.corrected_age_value = age_value + a.response_delay;
  a.corrected_initial_age = std::max(a.apparent_age, a.corrected_age_value);
  return a;
}

bool is_heuristically_cacheable(int status) noexcept {
  switch (status) {
    case 200:
    case 203:
    case 204:
    case 206:
    case 300:
    case 301:
    case 308:
    case 404:
    case 405:
    case 410:
    case 414:
    case 501:
      return true;
    default:
      return false;
  }
}

FreshnessInfo compute_freshness(int status, const http::HeaderView& response,
                                const ResponseDirectives& directives, SysTime request_time,
                                SysTime response_time, const FreshnessConfig& config) {
  const CacheControl& cc = directives.cc;
  FreshnessInfo info;
  info.targeted = directives.targeted;
  info.response_time = to_unix_seconds(response_time);
  const std::int64_t request_secs = std::min(to_unix_seconds(request_time), info.response_time);
  const std::int64_t date_value = date_field(response, "Date").value_or(info.response_time);
  info.corrected_initial_age =
      calculate_initial_age(parse_age(response), date_value, request_secs, info.response_time)
          .corrected_initial_age;

  bool expires_invalid = false;
  const auto expires =
      directives.targeted ? std::nullopt : expires_value(response, expires_invalid);
  if (cc.s_maxage) {
    info.freshness_lifetime = *cc.s_maxage;
  } else if (cc.max_age) {
    info.freshness_lifetime = *cc.max_age;
  } else if (expires_invalid) {
    info.freshness_lifetime = 0;
  } else if (expires) {
    info.freshness_lifetime = std::max<std::int64_t>(0, *expires - date_value);
  } else if (is_heuristically_cacheable(status) || cc.is_public) {
    if (const auto lm = date_field(response, "Last-Modified"); lm && *lm <= date_value) {
      const std::int64_t since = date_value - *lm;
      // Divide first where needed so a decades-old Last-Modified cannot overflow.
      const std::int64_t scaled =
          since / 100 * config.heuristic_percent + since % 100 * config.heuristic_percent / 100;
      info.freshness_lifetime = std::clamp<std::int64_t>(scaled, 0, config.heuristic_max_seconds);
      info.heuristic = true;
    }
  }

  info.stale_while_revalidate =
      cc.stale_while_revalidate.value_or(config.default_stale_while_revalidate);
  info.stale_if_error = cc.stale_if_error.value_or(config.default_stale_if_error);
  info.no_cache = cc.no_cache;
  info.no_stale = cc.must_revalidate || cc.proxy_revalidate || cc.s_maxage.has_value();
  info.immutable = cc.immutable;
  return info;
}

std::int64_t age_seconds(const FreshnessInfo& info, SysTime now) noexcept {
  const std::int64_t resident =
      std::max<std::int64_t>(0, to_unix_seconds(now) - info.response_time);
  return std::clamp<std::int64_t>(info.corrected_initial_age + resident, 0, kMaxDeltaSeconds);
}

std::int64_t remaining_freshness(const FreshnessInfo& info, SysTime now) noexcept {
  return info.freshness_lifetime - age_seconds(info, now);
}

Freshness evaluate(const FreshnessInfo& info, SysTime now,
                   const RequestDirectives& request) noexcept {
  if (info.no_cache || request.no_cache) return Freshness::kMustRevalidate;
  const std::int64_t age = age_seconds(info, now);
  const std::int64_t remaining = info.freshness_lifetime - age;
  // Ages are whole seconds, rounded down, but a stored response is always some fraction of a
  // second old: it never satisfies max-age=0, which clients send to force a revalidation.
  const bool age_ok = !request.max_age || (*request.max_age > 0 && age <= *request.max_age);

  if (remaining > 0) {
    if (age_ok && (!request.min_fresh || remaining >= *request.min_fresh)) return Freshness::kFresh;
    // Still fresh, only the client wants it younger: fine to fall back to if the origin fails.
    return Freshness::kRevalidateOrServeOnError;
  }

  if (info.no_stale) return Freshness::kMustRevalidate;
  const std::int64_t staleness = -remaining;
  if (request.max_stale && age_ok &&
      (!request.max_stale_limit || staleness <= *request.max_stale_limit)) {
    return Freshness::kStaleAcceptable;
  }
  // A client that asked for a young or long-lived response did not agree to a stale one.
  if (age_ok && !request.min_fresh && staleness < info.stale_while_revalidate) {
    return Freshness::kStaleWhileRevalidate;
  }
  if (staleness < info.stale_if_error) return Freshness::kRevalidateOrServeOnError;
  return Freshness::kMustRevalidate;
}

bool may_serve_on_error(const FreshnessInfo& info, SysTime now) noexcept {
  if (info.no_cache) return false;
  const std::int64_t remaining = remaining_freshness(info, now);
  if (remaining > 0) return true;
  if (info.no_stale) return false;
  return -remaining < std::max(info.stale_if_error, info.stale_while_revalidate);
}

}  // namespace candela::cache

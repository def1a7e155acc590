// Origin request settings and freshness defaults per property.
#include "edge/origin_policy.hpp"

#include "edge/edge_runtime.hpp"

namespace candela::edge {

cache::FreshnessConfig freshness_config(const EdgeRuntime& rt, const Property& p) {
  const auto& s = rt.cache_settings();
  cache::FreshnessConfig f;
  f.heuristic_percent = static_cast<std::int64_t>(s.heuristic_fraction * 100.0 + 0.5);
  f.heuristic_max_seconds = s.heuristic_max_s;
  f.default_stale_while_revalidate =
      p.stale_while_revalidate_s >= 0 ? p.stale_while_revalidate_s : s.stale_while_revalidate_s;
  f.default_stale_if_error = p.stale_if_error_s >= 0 ? p.stale_if_error_s : s.stale_if_error_s;
  return f;
}

OriginRequest origin_request(const Property& p, std::string_view method, std::string bytes) {
  OriginRequest r;
  r.host = p.origin.host;
  r.port = p.origin.port;
  r.method = std::string(method);
  r.bytes = std::move(bytes);
  r.idempotent = method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "PUT" ||
                 method == "DELETE";
  r.connect_timeout = p.origin.connect_timeout;
  r.response_timeout = p.origin.response_timeout;
  r.read_timeout = p.origin.read_timeout;
  r.property_id = p.id;
  return r;
}

}  // namespace candela::edge

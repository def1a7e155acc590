// Turns an origin response into a CacheObject: stored fields, wire-ready head, freshness.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cache/cache_object.hpp"
#include "cache/freshness.hpp"
#include "common/clock.hpp"
#include "edge/origin_fetch.hpp"

namespace candela::edge {

struct ObjectContext {
  std::string_view key;   // where the object is stored: a variant key with Vary
  std::string_view vary;  // packed varied field names (cache/vary.hpp) of a stored variant
  std::string_view edge_id;
  SysTime request_time;   // when the request to the origin was sent
  SysTime response_time;  // when its response head arrived
  cache::FreshnessConfig freshness;
  // The response came from a parent edge: its Cache-Status is kept (stored with the object), so
  // that this edge's own member follows the parent's (RFC 9211 §2).
  bool from_parent = false;
};

// A new object for `response`, filling: its body expects Content-Length bytes when declared.
// `strip_fields` (e.g. Set-Cookie when stored stripped) are left out of the stored fields.
cache::ObjectRef build_object(const ObjectContext& ctx, const OriginResponse& response,
                              const std::vector<std::string>& strip_fields);

// The object after a 304: the stored fields updated from the 304 (RFC 9111 §4.3.4), the same
// body, freshness recomputed. `stale` must be complete.
cache::ObjectRef refresh_object(const ObjectContext& ctx, const cache::CacheObject& stale,
                                const OriginResponse& not_modified);

}  // namespace candela::edge

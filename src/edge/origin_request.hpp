// Builds the bytes of a request to the origin from a client request and a property.
#pragma once

#include <string>
#include <string_view>

#include "cache/cache_object.hpp"
#include "edge/edge_config.hpp"
#include "http/message.hpp"

namespace candela::edge {

enum class ForwardMode : std::uint8_t {
  kFill,  // a GET that fills the cache for everyone: the client's conditionals and Range are
          // dropped (the edge answers those itself from the stored object)
  kPass,  // the client's request as is (other methods, uncacheable content)
};

struct ForwardContext {
  const http::RequestHead& request;
  std::string_view body;
  const Property& property;
  std::string_view client_ip;
  std::string_view edge_id;
  ForwardMode mode = ForwardMode::kFill;
  // For revalidation: the stored response whose validators are sent (If-None-Match,
  // If-Modified-Since).
  const cache::CacheObject* revalidate = nullptr;
  // To a parent (shield) edge instead of the origin: the client's Host and path as received, so
  // the parent finds the same property and applies the origin policy (web root, Host) itself.
  bool to_parent = false;
  // The request came from another Candela edge (a "(candela)" Via entry): its
  // X-Forwarded-Proto describes the client and is kept; anyone else's is replaced by ours.
  bool from_candela = false;
};

std::string build_origin_request(const ForwardContext& ctx);

}  // namespace candela::edge

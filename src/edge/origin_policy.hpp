// How a property turns into origin requests and freshness settings; shared by the fetches.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "cache/freshness.hpp"
#include "edge/edge_config.hpp"
#include "edge/origin_fetch.hpp"

namespace candela::edge {

class EdgeRuntime;

// Freshness settings for objects of `property`: its own stale windows, else the cache's.
cache::FreshnessConfig freshness_config(const EdgeRuntime& runtime, const Property& property);

// An origin request to `property`'s origin carrying `bytes`, with its timeouts.
OriginRequest origin_request(const Property& property, std::string_view method, std::string bytes);

inline double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace candela::edge

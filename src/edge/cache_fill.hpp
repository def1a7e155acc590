// The origin fetch behind a pending fill: it decides whether the response is stored, stores
// it (with Vary variants), refreshes a stale object on 304, and tells every waiter the outcome.
#pragma once

#include <memory>
#include <string>

#include "cache/cache_object.hpp"
#include "edge/edge_config.hpp"
#include "edge/fill_registry.hpp"
#include "http/headers.hpp"

namespace candela::edge {

class Worker;

// Starts the fill registered as `key` in the fill registry. It outlives the client that
// started it; `stale` (may be null) is revalidated and served on error when allowed.
void start_cache_fill(Worker& worker, std::string key, std::shared_ptr<PendingFill> pending,
                      std::shared_ptr<const Property> property, cache::ConstObjectRef stale,
                      std::string request_bytes, http::HeaderList request_fields);

}  // namespace candela::edge

// The origin fetch behind a pending fill: it decides whether the response is stored, stores
// it (with Vary variants), refreshes a stale object on 304, and tells every waiter the outcome.
#pragma once

#include <memory>
#include <string>

#include "cache/cache_object.hpp"
#include "edge/edge_config.hpp"
#include "edge/fill_registry.hpp"
#include "edge/parent_set.hpp"
#include "http/headers.hpp"

namespace candela::edge {

class Worker;

// Where a fill of a shield property goes before the origin (docs/shield.md): the parents in
// rendezvous order of the primary cache key, skipping those marked failed. Without parents the
// fill goes to the origin only.
struct ParentRoute {
  std::shared_ptr<const ParentSet> parents;  // null or empty: origin only
  std::string request_bytes;                 // the request as a parent receives it
};

// Starts the fill registered as `key` in the fill registry. It outlives the client that
// started it; `stale` (may be null) is revalidated and served on error when allowed.
// `request_bytes` is the request for the origin.
void start_cache_fill(Worker& worker, std::string key, std::shared_ptr<PendingFill> pending,
                      std::shared_ptr<const Property> property, cache::ConstObjectRef stale,
                      std::string request_bytes, http::HeaderList request_fields,
                      ParentRoute route = {});

}  // namespace candela::edge

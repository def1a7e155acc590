// The cache key of a request path for a property: one place for the pipeline, passes and purges.
#pragma once

#include <string>
#include <string_view>

#include "edge/edge_config.hpp"

namespace candela::edge {

// Writes the primary cache key of (path, query) under `property` into `out` (cache_key.hpp),
// with the property's key policy. The edge configuration carries no per-property key policy
// yet, so every property keeps the whole query as sent (the default policy); requests and
// purges both come through here, so they always agree.
void build_primary_key(const Property& property, std::string_view path, std::string_view query,
                       std::string& out);

}  // namespace candela::edge

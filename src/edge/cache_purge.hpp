// The edge's purge function for feed invalidations: applies a resolved target to the RAM cache.
#pragma once

#include "edge/control_plane_client.hpp"

namespace candela::edge {

class EdgeRuntime;
class PropertyCatalog;

// Applies invalidation targets (url, pattern, tag; hard or soft) to `runtime`'s cache through
// apply_purge, with the property set `catalog` serves at that moment. A property this edge does
// not serve holds nothing to purge: that counts as done, with 0 objects.
PurgeFunction cache_purge(EdgeRuntime& runtime, const PropertyCatalog& catalog);

}  // namespace candela::edge

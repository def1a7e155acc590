// Feed invalidation targets → apply_purge on the running cache.
#include "edge/cache_purge.hpp"

#include "edge/property_catalog.hpp"
#include "edge/purge.hpp"

namespace candela::edge {

PurgeFunction cache_purge(EdgeRuntime& runtime, const PropertyCatalog& catalog) {
  return [&runtime, &catalog](const PurgeTarget& target) -> Result<std::size_t> {
    PurgeRequest request;
    if (target.kind == "url") {
      request.kind = PurgeRequest::Kind::kUrl;
    } else if (target.kind == "pattern") {
      request.kind = PurgeRequest::Kind::kPattern;
    } else if (target.kind == "tag") {
      request.kind = PurgeRequest::Kind::kTag;
    } else {
      return Error{"unknown invalidation kind \"" + target.kind + "\""};
    }
    if (target.mode == "hard") {
      request.mode = PurgeMode::kHard;
    } else if (target.mode == "soft") {
      request.mode = PurgeMode::kSoft;
    } else {
      return Error{"unknown invalidation mode \"" + target.mode + "\""};
    }
    request.property_id = target.property_id;
    request.values = target.values;
    auto purged = apply_purge(runtime, *catalog.table(), request);
    if (!purged.ok()) {
      if (purged.error_kind() == ErrorKind::kNotFound) return std::size_t{0};
      return Error{purged.failure()};
    }
    return purged->objects;
  };
}

}  // namespace candela::edge

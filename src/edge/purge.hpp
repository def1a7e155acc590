// Purging the edge's cache: by URL (with every Vary variant), by path pattern, by tag; hard or
// soft.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace candela::edge {

class EdgeRuntime;
class PropertyTable;

enum class PurgeMode {
  kHard,  // the objects are deleted
  kSoft,  // the objects become stale: the next request revalidates with the origin (a
          // conditional request when they have a validator); stale copies are served only where
          // stale-while-revalidate / stale-if-error allow
};

struct PurgeRequest {
  enum class Kind { kUrl, kPattern, kTag } kind = Kind::kUrl;
  PurgeMode mode = PurgeMode::kHard;
  std::string property_id;  // the edge property id (as in the edge JSON config)
  // kUrl: paths with an optional query ("/a/b.jpg?x=1"), normalised as cache keys are;
  // kPattern: path patterns (common/path_pattern.hpp); kTag: tag names (Surrogate-Key,
  // Cache-Tag). At most kMaxPurgeValues.
  std::vector<std::string> values;
};

struct PurgeResult {
  std::size_t objects = 0;  // stored responses removed (hard) or marked stale (soft)
};

inline constexpr std::size_t kMaxPurgeValues = 1000;

// Applies one request to the running edge's cache. Thread-safe with traffic; costs
//   kUrl:     O(variants of each URL) — one hash-chain walk per URL, no scan;
//   kTag:     O(objects carrying the tags);
//   kPattern: one scan of the cache, comparing only the property's objects.
// `properties` is the set the edge serves: the property's cache-key policy normalises URLs.
// Errors (nothing is purged): bad values (ErrorKind::kInvalid, naming the value), or a property
// this edge does not serve (ErrorKind::kNotFound: its cache holds nothing to purge, which the
// control-plane feed may count as done).
Result<PurgeResult> apply_purge(EdgeRuntime& runtime, const PropertyTable& properties,
                                const PurgeRequest& request);

}  // namespace candela::edge

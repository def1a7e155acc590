// Turns an invalidation request into per-property targets for the edges: checks every value
// (URLs, path patterns, tags) and resolves URLs' hosts to the SCID's deployed properties.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "control/configuration_document.hpp"
#include "control/invalidations.hpp"

namespace candela::control {

// A customer URL split for purging: the host (lower case, no trailing dot, ":port" kept when
// given) and what the edge keys its cache by, the path with its query ("/a.jpg?v=2").
struct PurgeUrl {
  std::string host;
  std::string bare_host;  // host without ":port"
  std::string path_and_query;
};

// Parses "http(s)://host[:port]/path?query" (a fragment is dropped). Nullopt with `why` set
// for anything else.
std::optional<PurgeUrl> parse_purge_url(std::string_view url, std::string& why);

// A tag as origins send it in Surrogate-Key (space-separated) or Cache-Tag (comma-separated):
// visible ASCII without commas.
bool valid_cache_tag(std::string_view tag);

// Every problem is located in the request body ("/values/2", "/property_ids/0", "/values").
// `deployed` holds the SCID's deployed configurations, production first: a host resolves to the
// first property that answers it. An empty `deployed` leaves nothing to invalidate (kConflict).
Result<std::vector<InvalidationTarget>> resolve_invalidation_targets(
    const std::string& scid, const std::vector<ConfigurationDocument>& deployed,
    const InvalidationRequest& request);

}  // namespace candela::control

// Primary cache keys: property, normalised path and the query as the property's policy says.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace candela::cache {

enum class QueryPolicy : std::uint8_t {
  kKeepAll,    // default: the query as sent (order matters to many origins), %XX normalised
  kIgnoreAll,  // the query is left out of the key
  kAllowlist,  // only the listed parameters, ordered by name for stability
};

struct KeyPolicy {
  QueryPolicy query = QueryPolicy::kKeepAll;
  // Parameter names for kAllowlist, compared byte for byte against the raw (still encoded)
  // names. Call normalize() after filling it in.
  std::vector<std::string> allowlist;

  // Sorts and de-duplicates the allowlist; done once when configuration is loaded.
  void normalize();
};

// Writes the primary key into `out`, replacing its contents and reusing its capacity (no
// allocation once `out` is warm):
//
//   <decimal length of property_id> ':' property_id path ['?' query]
//
// The length prefix makes the property boundary unambiguous ("a" + "/b/c" never equals
// "a/b" + "/c"), and the path cannot contain '?', so the query boundary is unambiguous too.
// Path and query are normalised per RFC 3986 §6.2.2: percent-encodings of unreserved
// characters are decoded (%7E → ~) and other percent-encodings get upper-case hex
// (%2f → %2F, which stays encoded: it is not the same as '/'); a stray '%' that starts no
// triplet is read as a literal '%' and written %25. An empty query equals none.
// The host is not part of the key: every alias of a property shares its cache.
void build_cache_key(std::string_view property_id, std::string_view path, std::string_view query,
                     const KeyPolicy& policy, std::string& out);

// A stored response with Vary lives under its variant key: the primary key, this separator and
// the secondary key (vary.hpp). The separator occurs in neither part.
inline constexpr char kVariantSeparator = '\x1f';

// The anatomy of a key built above (primary or variant). Each part is a view into `key`;
// malformed keys (not made by build_cache_key) give empty views.
//   "<len>:<property_id>" — the property prefix, shared by every key of the property
std::string_view key_property_prefix(std::string_view key) noexcept;
std::string_view key_property_id(std::string_view key) noexcept;
//   the primary key: everything before the variant separator
std::string_view key_primary(std::string_view key) noexcept;
//   the normalised path and the query (without '?'; empty when there is none)
std::string_view key_path(std::string_view key) noexcept;
std::string_view key_query(std::string_view key) noexcept;
// Writes "<len>:<property_id>" into `out` (replacing its contents).
void build_property_prefix(std::string_view property_id, std::string& out);

}  // namespace candela::cache

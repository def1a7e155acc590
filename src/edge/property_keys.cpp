// Cache keys per property.
#include "edge/property_keys.hpp"

#include "cache/cache_key.hpp"

namespace candela::edge {

void build_primary_key(const Property& property, std::string_view path, std::string_view query,
                       std::string& out) {
  static const cache::KeyPolicy kDefaultPolicy{};
  cache::build_cache_key(property.id, path, query, kDefaultPolicy, out);
}

}  // namespace candela::edge

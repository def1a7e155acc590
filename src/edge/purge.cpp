// Purges on top of the RAM store: requests are validated whole, then applied.
#include "edge/purge.hpp"

#include <algorithm>

#include "cache/cache_key.hpp"
#include "cache/cache_object.hpp"
#include "cache/surrogate_keys.hpp"
#include "common/path_pattern.hpp"
#include "edge/edge_runtime.hpp"
#include "edge/property_keys.hpp"
#include "edge/property_table.hpp"

namespace candela::edge {

namespace {

using Invalidation = cache::RamStore::Invalidation;

const Property* find_property(const PropertyTable& properties, std::string_view id) {
  for (const auto& p : properties.properties()) {
    if (p->id == id) return p.get();
  }
  return nullptr;
}

Error invalid_value(std::size_t index, const std::string& what) {
  return Error{"values[" + std::to_string(index) + "]: " + what};
}

// The primary keys of the URLs, de-duplicated (a soft purge must not count an object twice).
Result<std::vector<std::string>> url_keys(const Property& property,
                                          const std::vector<std::string>& urls) {
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    const std::string_view url = urls[i];
    if (url.empty() || url.front() != '/') {
      return invalid_value(i, "'" + urls[i].substr(0, 100) +
                                  "' is not a path: a URL to purge starts with '/', e.g. "
                                  "/images/a.jpg?v=2 (without scheme and host)");
    }
    if (url.find('#') != std::string_view::npos) {
      return invalid_value(i, "a URL to purge has no fragment ('#')");
    }
    const auto question = url.find('?');
    const std::string_view path = url.substr(0, question);
    const std::string_view query =
        question == std::string_view::npos ? std::string_view{} : url.substr(question + 1);
    build_primary_key(property, path, query, keys.emplace_back());
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

Result<std::vector<PathPattern>> compile_all(const std::vector<std::string>& sources) {
  std::vector<PathPattern> patterns;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    auto pattern = compile_path_pattern(sources[i]);
    if (!pattern) return invalid_value(i, pattern.error());
    patterns.push_back(std::move(pattern).value());
  }
  return patterns;
}

Result<bool> check_tags(const std::vector<std::string>& tags) {
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (tags[i].empty()) return invalid_value(i, "a tag cannot be empty");
    if (tags[i].size() > cache::kMaxTagBytes) {
      return invalid_value(
          i, "a tag is at most " + std::to_string(cache::kMaxTagBytes) + " bytes long");
    }
  }
  return true;
}

// Whether an object of the property (prefix) is matched by one of the patterns: the path, plus
// "?query" for patterns that mention '?', of the URL it was stored for.
bool matches_any(const cache::CacheObject& object, std::string_view prefix,
                 const std::vector<PathPattern>& patterns, std::string& with_query) {
  const std::string_view key = object.key();
  if (cache::key_property_prefix(key) != prefix) return false;
  const std::string_view path = cache::key_path(key);
  const std::string_view query = cache::key_query(key);
  for (const PathPattern& pattern : patterns) {
    if (!pattern.includes_query() || query.empty()) {
      if (pattern.matches(path)) return true;
      continue;
    }
    with_query.assign(path);
    with_query += '?';
    with_query.append(query);
    if (pattern.matches(with_query)) return true;
  }
  return false;
}

}  // namespace

Result<PurgeResult> apply_purge(EdgeRuntime& runtime, const PropertyTable& properties,
                                const PurgeRequest& request) {
  if (request.values.empty()) return Error{"values is empty: name at least one thing to purge"};
  if (request.values.size() > kMaxPurgeValues) {
    return Error{"at most " + std::to_string(kMaxPurgeValues) + " values per request"};
  }
  const Property* property = find_property(properties, request.property_id);
  if (property == nullptr) {
    return Error{"property '" + request.property_id.substr(0, 200) + "' is not served by this edge",
                 ErrorKind::kNotFound};
  }
  const Invalidation how =
      request.mode == PurgeMode::kHard ? Invalidation::kRemove : Invalidation::kMarkStale;
  const SysTime now = runtime.clock().now();
  cache::RamStore& store = runtime.store();
  PurgeResult result;

  switch (request.kind) {
    case PurgeRequest::Kind::kUrl: {
      auto keys = url_keys(*property, request.values);
      if (!keys) return keys.failure();
      for (const std::string& key : keys.value())
        result.objects += store.invalidate_primary(key, how, now);
      break;
    }
    case PurgeRequest::Kind::kTag: {
      auto checked = check_tags(request.values);
      if (!checked) return checked.failure();
      result.objects = store.invalidate_tags(property->id, request.values, how, now);
      break;
    }
    case PurgeRequest::Kind::kPattern: {
      auto patterns = compile_all(request.values);
      if (!patterns) return patterns.failure();
      std::string prefix;
      cache::build_property_prefix(property->id, prefix);
      std::string scratch;
      result.objects = store.invalidate_if(
          [&](const cache::CacheObject& object) {
            return matches_any(object, prefix, patterns.value(), scratch);
          },
          how, now);
      break;
    }
  }
  return result;
}

}  // namespace candela::edge

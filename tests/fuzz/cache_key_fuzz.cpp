// Fuzz target: cache keys are unambiguous (the property is recoverable) and normalisation is
// idempotent.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cache/cache_key.hpp"

using namespace candela::cache;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // Byte 0 picks the policy; the rest is "property \0 path \0 query".
  const std::uint8_t mode = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  auto next = [&rest]() {
    const auto nul = rest.find('\0');
    const std::string_view part = rest.substr(0, nul);
    rest = nul == std::string_view::npos ? std::string_view{} : rest.substr(nul + 1);
    return part;
  };
  const std::string_view property = next();
  const std::string_view path = next();
  const std::string_view query = next();

  KeyPolicy policy;
  policy.query = static_cast<QueryPolicy>(mode % 3);
  policy.allowlist = {"b", "a", "utm"};
  policy.normalize();

  std::string key;
  build_cache_key(property, path, query, policy, key);

  // The length prefix recovers the property exactly.
  std::size_t len = 0;
  const auto res = std::from_chars(key.data(), key.data() + key.size(), len);
  if (res.ec != std::errc() || *res.ptr != ':') std::abort();
  const std::size_t start = static_cast<std::size_t>(res.ptr - key.data()) + 1;
  if (len != property.size() || key.compare(start, len, property) != 0) std::abort();

  // The normalised path holds no raw '?', so the first '?' after the property starts the query.
  const std::string_view tail = std::string_view(key).substr(start + len);
  const auto q = tail.find('?');
  const std::string_view key_path = tail.substr(0, q);
  const std::string_view key_query = q == std::string_view::npos ? "" : tail.substr(q + 1);
  if (policy.query == QueryPolicy::kIgnoreAll && q != std::string_view::npos) std::abort();

  // Building a key from an already normalised key's parts gives the same key.
  std::string again;
  build_cache_key(property, key_path, key_query, policy, again);
  if (again != key) std::abort();

  // Deterministic, and stable when the output string is reused.
  build_cache_key(property, path, query, policy, again);
  if (again != key) std::abort();
  return 0;
}

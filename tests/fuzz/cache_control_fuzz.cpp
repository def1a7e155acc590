// Fuzz target: Cache-Control parsing must never crash and must keep its documented invariants.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cache/cache_control.hpp"

namespace {

using candela::cache::CacheControl;
using candela::cache::kMaxDeltaSeconds;

void check_delta(const std::optional<std::int64_t>& v) {
  if (v && (*v < 0 || *v > kMaxDeltaSeconds)) std::abort();
}

void check_fields(const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].empty()) std::abort();
    for (char c : fields[i]) {
      if (c >= 'A' && c <= 'Z') std::abort();  // lower-cased
    }
    for (std::size_t j = i + 1; j < fields.size(); ++j) {
      if (fields[i] == fields[j]) std::abort();  // de-duplicated
    }
  }
}

void check(const CacheControl& cc) {
  check_delta(cc.max_age);
  check_delta(cc.s_maxage);
  check_delta(cc.min_fresh);
  check_delta(cc.max_stale_limit);
  check_delta(cc.stale_while_revalidate);
  check_delta(cc.stale_if_error);
  if (cc.max_stale_limit && !cc.max_stale) std::abort();
  check_fields(cc.no_cache_fields);
  check_fields(cc.private_fields);
  if (!cc.no_cache_fields.empty() && !cc.no_cache) std::abort();
  if (!cc.private_fields.empty() && !cc.is_private) std::abort();
  if (!cc.any && (cc.max_age || cc.no_store || cc.no_cache || cc.is_private)) std::abort();
}

bool same_decisions(const CacheControl& a, const CacheControl& b) {
  return a.max_age == b.max_age && a.s_maxage == b.s_maxage && a.min_fresh == b.min_fresh &&
         a.max_stale == b.max_stale && a.max_stale_limit == b.max_stale_limit &&
         a.stale_while_revalidate == b.stale_while_revalidate &&
         a.stale_if_error == b.stale_if_error && a.no_store == b.no_store &&
         a.no_cache == b.no_cache && a.is_private == b.is_private && a.is_public == b.is_public &&
         a.must_revalidate == b.must_revalidate && a.no_cache_fields == b.no_cache_fields &&
         a.private_fields == b.private_fields;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  const CacheControl cc = candela::cache::parse_cache_control(value);
  check(cc);

  // Repeating the whole field (two identical lines) changes no decision: duplicates resolve to
  // the lowest value, which is the same value.
  CacheControl twice = cc;
  candela::cache::merge_cache_control(value, twice);
  check(twice);
  if (!same_decisions(cc, twice)) std::abort();

  // Directives only ever add restrictions: a further no-store line keeps everything else.
  CacheControl more = cc;
  candela::cache::merge_cache_control("no-store", more);
  if (!more.no_store || more.max_age != cc.max_age) std::abort();
  return 0;
}

// Revalidation helpers: what to ask the origin, and how a 304 freshens the stored response.
#include "cache/revalidation.hpp"

#include <vector>

#include "cache/conditional.hpp"
#include "cache/hop_by_hop.hpp"

namespace candela::cache {

bool add_validation_conditions(const http::HeaderView& stored, http::HeaderList& out) {
  out.remove("If-None-Match");
  out.remove("If-Modified-Since");
  out.remove("If-Match");
  out.remove("If-Unmodified-Since");
  bool any = false;
  if (const auto etag = stored.get("ETag"); etag && parse_entity_tag(*etag)) {
    out.add("If-None-Match", *etag);
    any = true;
  }
  if (const auto lm = stored.get("Last-Modified")) {
    out.add("If-Modified-Since", *lm);
    any = true;
  }
  return any;
}

bool not_modified_applies(const http::HeaderView& stored, const http::HeaderView& not_modified) {
  if (const auto new_etag = not_modified.get("ETag")) {
    const auto fresh = parse_entity_tag(*new_etag);
    const auto old_raw = stored.get("ETag");
    const auto old = old_raw ? parse_entity_tag(*old_raw) : std::nullopt;
    if (!fresh || !old) return false;
    return fresh->weak ? weak_match(*fresh, *old) : strong_match(*fresh, *old);
  }
  const auto new_lm = not_modified.get("Last-Modified");
  const auto old_lm = stored.get("Last-Modified");
  if (new_lm && old_lm) return *new_lm == *old_lm;
  return true;
}

void update_stored_headers(http::HeaderList& stored, const http::HeaderView& not_modified,
                           std::span<const std::string> excluded) {
  auto taken = [&](std::string_view name) {
    if (http::iequals(name, "Content-Length") || http::iequals(name, "Content-Range") ||
        is_hop_by_hop(not_modified, name)) {
      return false;
    }
    for (const std::string& e : excluded) {
      if (http::iequals(name, e)) return false;
    }
    return true;
  };
  // First drop every stored line whose name the 304 brings, then append the 304's lines, so a
  // multi-line field (e.g. two Cache-Control lines) is replaced as a whole.
  std::vector<std::string_view> replaced;
  for (const auto& f : not_modified) {
    if (!taken(f.name)) continue;
    bool seen = false;
    for (std::string_view r : replaced)
      seen = seen || http::iequals(r, f.name);
    if (!seen) {
      replaced.push_back(f.name);
      stored.remove(f.name);
    }
  }
  for (const auto& f : not_modified) {
    if (taken(f.name)) stored.add(f.name, f.value);
  }
}

}  // namespace candela::cache

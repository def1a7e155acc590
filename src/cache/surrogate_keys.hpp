// Tags an origin puts on a response for purging by tag: Surrogate-Key and Cache-Tag.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

#include "cache/header_block.hpp"
#include "http/text.hpp"

namespace candela::cache {

// Tags longer than this are ignored (a tag is a name, not a document).
inline constexpr std::size_t kMaxTagBytes = 1024;

// Calls fn(tag) for each tag of a stored header block: the members of every `Surrogate-Key`
// field (separated by spaces or tabs, as Fastly and Varnish xkey read it) and every `Cache-Tag`
// field (separated by commas, as Cloudflare reads it; whitespace around members is dropped). Tags
// are case-sensitive. A tag listed twice is reported twice.
template <typename Fn>
void for_each_tag(std::string_view header_block, Fn&& fn) {
  for_each_stored_field(header_block, [&](std::string_view name, std::string_view value) {
    const bool by_space = http::iequals(name, "Surrogate-Key");
    if (!by_space && !http::iequals(name, "Cache-Tag")) return;
    const auto is_separator = [by_space](char c) { return by_space ? http::is_ows(c) : c == ','; };
    while (!value.empty()) {
      std::size_t end = 0;
      while (end < value.size() && !is_separator(value[end]))
        ++end;
      const std::string_view tag = http::trim_ows(value.substr(0, end));
      value.remove_prefix(std::min(value.size(), end + 1));
      if (!tag.empty() && tag.size() <= kMaxTagBytes) fn(tag);
    }
  });
}

inline bool header_has_tags(std::string_view header_block) {
  bool any = false;
  for_each_tag(header_block, [&](std::string_view) { any = true; });
  return any;
}

}  // namespace candela::cache

// Reading a stored header block: the "Name: value\r\n" lines a cache object keeps.
#pragma once

#include <optional>
#include <string_view>

#include "http/headers.hpp"

namespace candela::cache {

// Calls fn(name, value) for each field line of `block`, in order, without allocating.
template <typename Fn>
void for_each_stored_field(std::string_view block, Fn&& fn) {
  while (!block.empty()) {
    const auto end = block.find("\r\n");
    const std::string_view line = block.substr(0, end);
    block = end == std::string_view::npos ? std::string_view{} : block.substr(end + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
    fn(line.substr(0, colon), value);
  }
}

// The first value of field `name` (case-insensitive), if present.
inline std::optional<std::string_view> find_stored_field(std::string_view block,
                                                         std::string_view name) {
  std::optional<std::string_view> found;
  for_each_stored_field(block, [&](std::string_view n, std::string_view v) {
    if (!found && http::iequals(n, name)) found = v;
  });
  return found;
}

}  // namespace candela::cache

// Stored field block of a cache object: written once, parsed on demand.
#include "cache/cache_object.hpp"

#include "http/serialize.hpp"

namespace candela::cache {

http::HeaderView CacheObject::fields() const {
  http::HeaderView view;
  std::string_view rest = header_block;
  while (!rest.empty()) {
    const auto end = rest.find("\r\n");
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
    view.add(line.substr(0, colon), value);
  }
  return view;
}

void CacheObject::set_fields(const http::HeaderList& list) {
  header_block.clear();
  for (const auto& [name, value] : list)
    http::append_field(header_block, name, value);
  const auto view = fields();
  etag = view.get("ETag").value_or(std::string_view{});
  last_modified = view.get("Last-Modified").value_or(std::string_view{});
}

}  // namespace candela::cache

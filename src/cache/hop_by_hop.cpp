// Hop-by-hop field classification without allocation.
#include "cache/hop_by_hop.hpp"

#include "http/text.hpp"

namespace candela::cache {

namespace {}  // namespace

bool is_fixed_hop_by_hop(std::string_view name) noexcept {
  for (std::string_view f : {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer",
                             "Transfer-Encoding", "Upgrade", "HTTP2-Settings", "Proxy-Authenticate",
                             "Proxy-Authentication-Info", "Proxy-Authorization"}) {
    if (http::iequals(name, f)) return true;
  }
  return false;
}

bool is_connection_option(const http::HeaderView& fields, std::string_view name) noexcept {
  for (const auto& f : fields) {
    if (!http::iequals(f.name, "Connection")) continue;
    std::string_view list = f.value;
    while (true) {
      const auto comma = list.find(',');
      if (http::iequals(http::trim_ows(list.substr(0, comma)), name)) return true;
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  return false;
}

bool is_hop_by_hop(const http::HeaderView& fields, std::string_view name) noexcept {
  return is_fixed_hop_by_hop(name) || is_connection_option(fields, name);
}

}  // namespace candela::cache

// Hop-by-hop fields (RFC 9110 §7.6.1): never stored, never forwarded.
#pragma once

#include <string_view>

#include "http/headers.hpp"

namespace candela::cache {

// The fixed hop-by-hop set: Connection, Keep-Alive, Proxy-Connection, TE, Trailer,
// Transfer-Encoding, Upgrade, HTTP2-Settings, and Proxy-Authenticate /
// Proxy-Authentication-Info / Proxy-Authorization. The last three are listed because they
// address the proxy itself (RFC 9110 §11.7, RFC 9111 §3.1): a Proxy-Authorization meant for
// this CDN must never reach the origin, and an origin's Proxy-Authenticate or
// Proxy-Authentication-Info must never be stored and replayed to other clients.
bool is_fixed_hop_by_hop(std::string_view name) noexcept;

// Whether `name` is listed as a connection option in any Connection field of `fields`.
bool is_connection_option(const http::HeaderView& fields, std::string_view name) noexcept;

// Fixed hop-by-hop or named by Connection.
bool is_hop_by_hop(const http::HeaderView& fields, std::string_view name) noexcept;

// Calls fn(const http::HeaderField&) for every end-to-end field, in order. Allocation-free;
// Connection options are looked up only when a Connection field is present.
template <typename Fn>
void for_each_end_to_end(const http::HeaderView& fields, Fn&& fn) {
  const bool has_connection = fields.contains("Connection");
  for (const http::HeaderField& f : fields) {
    if (is_fixed_hop_by_hop(f.name)) continue;
    if (has_connection && is_connection_option(fields, f.name)) continue;
    fn(f);
  }
}

}  // namespace candela::cache

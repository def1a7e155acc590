// What a request's Via field says about the Candela edges it already passed (loop prevention for
// the shield tier, docs/shield.md). Each edge appends "1.1 <edge_id> (candela)" to the requests it
// sends to parents and origins.
#pragma once

#include <string_view>

#include "http/headers.hpp"

namespace candela::edge {

// The comment that marks a Via entry as written by a Candela edge.
inline constexpr std::string_view kCandelaViaComment = "(candela)";

struct ViaChain {
  bool names_self = false;    // an entry's received-by is this edge's id: the request looped
  unsigned candela_hops = 0;  // entries marked "(candela)": Candela nodes already passed
};

// Reads every Via field line of `fields` (RFC 9110 §7.6.3: received-protocol received-by
// [comment], comma-separated; commas inside comments do not separate entries). `edge_id` is
// compared case-insensitively with received-by.
ViaChain read_via_chain(const http::HeaderView& fields, std::string_view edge_id);

}  // namespace candela::edge

// Revalidation (RFC 9111 §4.3): conditional requests to the origin and 304 header updates.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "http/headers.hpp"

namespace candela::cache {

// Adds the validators of a stored response to a request for the origin (RFC 9111 §4.3.1):
// If-None-Match from ETag (MUST), and also If-Modified-Since from Last-Modified (SHOULD, for
// a single stored response; origins that understand ETags ignore it, older ones use it).
// Any conditional fields already in `out` are replaced. Returns false when the stored
// response has no validator (the origin can only answer with a full response).
bool add_validation_conditions(const http::HeaderView& stored, http::HeaderList& out);

// RFC 9111 §4.3.4: whether a 304 received for a request we conditioned on `stored` may
// update it. A strong ETag in the 304 must equal the stored one strongly; a weak ETag
// must match weakly; otherwise a Last-Modified in both must be equal. A 304 with no
// validator applies: the request it answers carried only this response's validators.
bool not_modified_applies(const http::HeaderView& stored, const http::HeaderView& not_modified);

// RFC 9111 §3.2: replaces each field of `stored` named in the 304 with the 304's lines of that
// name, adds new ones, and keeps the rest. Not taken from the 304: Content-Length and other
// framing fields (Transfer-Encoding, Content-Range), hop-by-hop fields (fixed list and
// Connection options of the 304) and the `excluded` names (lower-case, e.g. the
// StoreDecision::strip_fields of the stored response).
void update_stored_headers(http::HeaderList& stored, const http::HeaderView& not_modified,
                           std::span<const std::string> excluded = {});

}  // namespace candela::cache

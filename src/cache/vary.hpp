// Vary (RFC 9110 §12.5.5, RFC 9111 §4.1): which request fields select among stored responses.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/headers.hpp"

namespace candela::cache {

struct VaryOptions {
  // Accept-Encoding values are reduced to the sorted set of codings with a non-zero q-value
  // ("gzip, br;q=0.8" and "br,gzip" both become "br,gzip"). This merges variants whose
  // requests differ only in preference order or q-values > 0; an origin that picks a coding by
  // q-value ranking could then see its choice reused for a request ranking the other way, so
  // it is opt-in.
  bool normalize_accept_encoding = false;
};

// True when a Vary field value contains "*" (such a response can never be reused).
bool vary_has_star(std::string_view vary_value) noexcept;

// Lower-cased, de-duplicated, sorted field names of all Vary lines of a stored response; "*"
// is kept as a member so callers can refuse it. Computed once, at store time.
std::vector<std::string> varied_fields(const http::HeaderView& response);

// Writes the secondary key of `request` for the given varied field names (as returned by
// varied_fields) into `out`, replacing its contents (its capacity is reused: no allocation on
// a warm string). Per field: "name:value\n" with the value's field lines combined by ",",
// optional whitespace around members trimmed and runs of whitespace collapsed to one space;
// an absent field is "name\n", distinct from an empty one. Two requests select the same
// stored response exactly when their keys are equal.
void secondary_key(std::span<const std::string> fields, const http::HeaderView& request,
                   std::string& out, const VaryOptions& options = {});

// The varied field names as a stored object keeps them: joined by ',' ("accept-encoding,dpr").
// Names are tokens, so the list is unambiguous.
std::string pack_varied_fields(std::span<const std::string> fields);

// Appends kVariantSeparator (cache_key.hpp) and the secondary key of `request` for the packed
// field names to `key`, turning a primary key into the variant key that request selects.
// No allocation when `key` has the capacity.
void append_variant_key(std::string_view packed_fields, const http::HeaderView& request,
                        std::string& key, const VaryOptions& options = {});

}  // namespace candela::cache

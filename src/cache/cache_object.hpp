// One cached response: its stored head, freshness facts computed at store time, and its body.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cache/body_buffer.hpp"
#include "cache/freshness.hpp"
#include "common/clock.hpp"
#include "http/headers.hpp"

namespace candela::cache {

class CacheObject {
 public:
  std::string key;          // the store key (primary key, plus the variant for Vary)
  std::string property_id;  // owner, for purges and accounting
  int status = 200;
  http::HeaderList headers;  // end-to-end fields as stored (Via appended, no framing fields)
  std::string header_block;  // `headers` serialised as "Name: value\r\n"... for the wire
  FreshnessInfo freshness;   // everything a hit needs to decide fresh/stale without parsing
  std::shared_ptr<BodyBuffer> body;
  // Length announced by the origin; without one the length is known only once complete.
  std::optional<std::uint64_t> declared_length;
  std::string etag;           // copy of ETag, for conditional requests
  std::string last_modified;  // copy of Last-Modified
  std::vector<std::string> vary_fields;  // lower-case names; non-empty = content negotiated
  // A Vary index names the fields a primary key varies on; its variants live under
  // variant keys. It has no body of its own.
  bool vary_index = false;
  // A remembered "not storable" answer (hit-for-pass): requests for the key skip collapsed
  // forwarding until `uncacheable_until`.
  bool uncacheable = false;
  SysTime uncacheable_until{};
  // Soft purge marks an object stale without deleting it: the next request revalidates.
  std::atomic<bool> invalidated{false};

  std::optional<std::uint64_t> length() const {
    if (declared_length) return declared_length;
    if (body && body->complete()) return body->size();
    return std::nullopt;
  }
  // Bytes this object costs the cache, for the RAM budget.
  std::uint64_t charge() const {
    return key.size() + header_block.size() * 2 + (body ? body->memory_bytes() : 0) + 256;
  }
};

}  // namespace candela::cache

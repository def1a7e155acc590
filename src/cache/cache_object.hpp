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
  // Fixed cost of an object beyond key, fields and body: this struct, its body buffer and the
  // store's node (see RamStore::metadata_bytes_per_object).
  static constexpr std::uint64_t kOverheadBytes = 512;

  std::string key;          // the store key (primary key, plus the variant for Vary)
  std::string property_id;  // owner, for purges and accounting
  int status = 200;
  // The stored end-to-end fields (Via appended, no framing fields) exactly as written to the
  // wire: "Name: value\r\n" lines. Kept only in this form to keep per-object memory small;
  // fields() parses it when a rarer path (conditional request, multipart) needs single fields.
  std::string header_block;
  FreshnessInfo freshness;  // everything a hit needs to decide fresh/stale without parsing
  std::shared_ptr<BodyBuffer> body;
  // Length announced by the origin; without one the length is known only once complete.
  std::optional<std::uint64_t> declared_length;
  // Views into header_block (valid for the object's life: the object is never moved).
  std::string_view etag;
  std::string_view last_modified;
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

  // The stored fields as a list; allocates, so not for the hit path.
  http::HeaderView fields() const;
  // Sets header_block and the views into it.
  void set_fields(const http::HeaderList& fields);

  std::optional<std::uint64_t> length() const {
    if (declared_length) return declared_length;
    if (body && body->complete()) return body->size();
    return std::nullopt;
  }
  // Bytes this object costs the cache, for the RAM budget.
  std::uint64_t charge() const {
    return key.size() + header_block.size() + (body ? body->memory_bytes() : 0) + kOverheadBytes;
  }
};

}  // namespace candela::cache

// The admin listener's POST /purge: a JSON request in, {"objects":N} or a problem document out.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace candela::edge {

class EdgeRuntime;
class PropertyTable;

struct AdminReply {
  int status = 200;
  std::string content_type;
  std::string body;
};

// Request bodies above this are refused (413) before they are read.
inline constexpr std::size_t kMaxPurgeBodyBytes = 1024 * 1024;

// Handles the body of POST /purge (docs/edge.md):
//   {"property_id": "...", "kind": "url" | "pattern" | "tag", "mode": "hard" | "soft",
//    "values": ["...", ...]}
// → 200 {"objects": N}; 400 (bad JSON or values) or 404 (property not served here) as an
// application/problem+json document (RFC 9457) whose detail says what to fix.
AdminReply handle_purge(EdgeRuntime& runtime, const PropertyTable& properties,
                        std::string_view body);

// An application/problem+json reply (RFC 9457).
AdminReply problem(int status, std::string_view detail);

}  // namespace candela::edge

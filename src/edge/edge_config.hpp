// The edge's configuration document: listeners, limits, cache sizing and the properties it serves.
// The same JSON document is what the control plane pushes to edges (see docs/edge.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace candela::edge {

struct OriginConfig {
  std::string host;  // name or IP address of the origin
  std::uint16_t port = 80;
  std::string protocol = "http";  // "http" (https arrives with secure fill)
  std::string web_root;           // alternate web root prefixed to every path, e.g. "/media"
  std::string host_header;        // Host sent to the origin; empty = the client's Host
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds response_timeout{15000};  // until the response head arrives
  std::chrono::milliseconds read_timeout{15000};      // between two reads of the body
};

struct Property {
  std::string id;                    // property id, unique in the CDN
  std::string service_id;            // the service component id (SCID) that owns the property
  std::vector<std::string> aliases;  // Host names (optionally host:port) answered for
  OriginConfig origin;
  std::int64_t stale_while_revalidate_s =
      -1;  // default when the origin says nothing; -1 = edge default
  std::int64_t stale_if_error_s = -1;
};

struct CacheSettings {
  std::uint64_t ram_bytes = 256ull << 20;
  std::uint64_t max_object_bytes = 64ull << 20;  // larger responses stream through uncached
  double heuristic_fraction = 0.1;               // of (Date - Last-Modified), RFC 9111 §4.2.2
  std::int64_t heuristic_max_s = 86400;
  std::int64_t stale_while_revalidate_s = 0;  // defaults for properties that set none
  std::int64_t stale_if_error_s = 0;
};

struct Limits {
  std::size_t max_request_line = 8 * 1024;
  std::size_t max_header_bytes = 32 * 1024;
  std::size_t max_header_count = 100;
  std::uint64_t max_body_bytes = 16ull << 20;
  std::chrono::milliseconds header_timeout{10000};  // to receive a whole request head
  std::chrono::milliseconds idle_timeout{60000};    // keep-alive connection with no request
  std::chrono::milliseconds send_timeout{60000};    // a client that stops reading
  std::size_t max_connections = 10000;
  std::chrono::milliseconds shutdown_grace{10000};  // in-flight responses on SIGTERM
};

struct AccessLogSettings {
  std::string path;  // empty = no access log
  std::uint64_t rotate_bytes = 256ull << 20;
  bool rotate_hourly = true;
  // The period of time rotation when rotate_hourly is on: 3600 (on the hour) unless the file
  // sets rotate_every_seconds (small values are for tests of log shipping).
  std::uint32_t rotate_every_seconds = 3600;
  bool compress = true;
  std::size_t keep_files = 48;
};

struct EdgeConfig {
  std::string edge_id = "edge";
  std::vector<std::string> listen{"127.0.0.1:8080"};  // host:port
  std::string admin_listen;                           // /metrics, /healthz; empty = none
  unsigned threads = 0;                               // 0 = one per core
  CacheSettings cache;
  Limits limits;
  AccessLogSettings access_log;
  std::vector<std::shared_ptr<const Property>> properties;
};

// Parses and validates a configuration document. Every problem is reported with the JSON
// pointer of the offending value, e.g. "/properties/0/origin/port: must be 1-65535".
Result<EdgeConfig> parse_edge_config(std::string_view json_text);
Result<EdgeConfig> load_edge_config(const std::string& path);

// Splits "host:port" (or "[v6]:port"); false if malformed.
bool split_host_port(std::string_view text, std::string& host, std::uint16_t& port);

}  // namespace candela::edge

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
  // Fill through the shield tier (docs/shield.md): misses go to the parent chosen by rendezvous
  // hashing of the cache key, then the next parent, finally the origin. Off: straight to origin.
  bool shield = false;
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

// A parent (shield) edge this edge may fill through.
struct ParentConfig {
  std::string id;       // the parent's edge id (its Via name); the rendezvous hash is over ids
  std::string address;  // host:port where the parent serves
};

struct ParentPolicy {
  // Requests that already passed this many Candela nodes (Via entries marked "(candela)") are
  // filled from the origin, never from another parent: with 1, edge → shield → origin.
  unsigned max_hops = 1;
  // A parent that failed (connect error, timeout, or a 502/503/504 it generated) is skipped for
  // this long before it is tried again.
  std::chrono::milliseconds retry_after{10000};
  std::chrono::milliseconds connect_timeout{1000};
};

// What this edge declares it can carry; the monitor compares measured load with it and the
// router stops choosing an edge above it. 0 = not declared (never "over capacity").
struct Capacity {
  std::uint64_t requests_per_second = 0;
  std::uint64_t bytes_per_second = 0;
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
  // The CDN's domain (e.g. "cdn.example.net"): a request for "<edge_id>.<alias>.<routing_domain>"
  // is served as a request for <alias> (the host name the router redirects clients to). Empty: off.
  std::string routing_domain;
  Capacity capacity;
  // Shields to fill through when no portal supplies them (with --portal the topology's shields
  // replace this list). An edge whose role is shield never fills through parents.
  std::vector<ParentConfig> parents;
  ParentPolicy parent_policy;
};

// Parses and validates a configuration document. Every problem is reported with the JSON
// pointer of the offending value, e.g. "/properties/0/origin/port: must be 1-65535".
Result<EdgeConfig> parse_edge_config(std::string_view json_text);
Result<EdgeConfig> load_edge_config(const std::string& path);

// Splits "host:port" (or "[v6]:port"); false if malformed.
bool split_host_port(std::string_view text, std::string& host, std::uint16_t& port);

// A DNS host name, lower case already: dot-separated labels of 1-63 letters, digits and '-', no
// label starting or ending with '-', at most 253 characters, no trailing dot.
bool valid_host_name(std::string_view name);

// An edge id as the portal allows it (and as parents are named): 1-64 of a-z, 0-9, '.', '_', '-',
// starting with a letter or digit.
bool valid_edge_id(std::string_view id);

}  // namespace candela::edge

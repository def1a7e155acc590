// How `candela edge` joins the control plane (--portal, --edge-id, --node-token-file,
// --state-dir, --network); kept apart so the server's header stays light.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace candela::edge {

struct ControlPlaneOptions {
  std::string portal_url;       // http://host:port
  std::string edge_id;          // as created in the portal
  std::string node_token_file;  // holds the node token (whitespace around it is ignored)
  std::string state_dir;        // last-good.json lives here
  std::string network = "production";
  std::string address;  // where this edge serves, sent at registration (host:port)
  // Also sent at registration (docs/control-feed.md): the admin listener the monitor polls
  // (the config's admin_listen; empty = not sent, the portal keeps what it has) and the
  // capacity the config declares (0 = undeclared).
  std::string admin_address;
  std::uint64_t capacity_requests_per_second = 0;
  std::uint64_t capacity_bytes_per_second = 0;
  std::chrono::seconds poll_wait{25};
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds max_backoff{2000};
  // How often usage counts are spooled and posted to the portal (--usage-interval-ms).
  std::chrono::milliseconds usage_interval{10000};
  // How often the log shipper looks for rotated access-log files (--log-ship-interval-ms).
  std::chrono::milliseconds log_ship_interval{2000};
};

}  // namespace candela::edge

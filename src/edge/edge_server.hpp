// Runs an edge: one event loop per thread, each accepting on the shared listeners
// (SO_REUSEPORT), an admin listener, signals (SIGTERM drain, SIGHUP reload).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "edge/control_plane_options.hpp"
#include "edge/edge_config.hpp"

namespace candela::edge {

class EdgeServer {
 public:
  // `config_path` is re-read on SIGHUP; properties and the access log change without dropping
  // connections. With `control`, the edge also follows the portal's feed (deployments and
  // invalidations) and starts from its last good state.
  EdgeServer(EdgeConfig config, std::string config_path,
             std::optional<ControlPlaneOptions> control = std::nullopt);
  ~EdgeServer();

  // Blocks until shut down. Returns the process exit status.
  int run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace candela::edge

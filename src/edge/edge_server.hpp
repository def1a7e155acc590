// Runs an edge: one event loop per thread, each accepting on the shared listeners
// (SO_REUSEPORT), an admin listener, signals (SIGTERM drain, SIGHUP reload).
#pragma once

#include <memory>
#include <string>

#include "edge/edge_config.hpp"

namespace candela::edge {

class EdgeServer {
 public:
  // `config_path` is re-read on SIGHUP; properties and the access log change without dropping
  // connections.
  EdgeServer(EdgeConfig config, std::string config_path);
  ~EdgeServer();

  // Blocks until shut down. Returns the process exit status.
  int run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace candela::edge

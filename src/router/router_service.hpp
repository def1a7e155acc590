// A running router: serving threads (HTTP, DNS over TCP), UDP DNS threads, the admin listener
// and the state poller, built from RouterOptions.
#pragma once

#include <cstdint>
#include <memory>

#include "router/router_options.hpp"

namespace candela::router {

class RouterService {
 public:
  // Loads the coverage zone and binds every listener; throws std::runtime_error with a message
  // for the operator when something is wrong.
  explicit RouterService(const RouterOptions& options);
  ~RouterService();
  RouterService(const RouterService&) = delete;
  RouterService& operator=(const RouterService&) = delete;

  std::uint16_t http_port() const;
  std::uint16_t dns_port() const;
  std::uint16_t admin_port() const;

  // Serves until SIGTERM or SIGINT; SIGHUP re-reads the coverage zone file. Returns the exit
  // status.
  int run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace candela::router

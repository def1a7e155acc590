// The static origin HTTP/1.x server behind `candela origin`; Asio/Beast stay in the .cpp file.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/clock.hpp"
#include "origin/origin_options.hpp"

namespace candela::origin {

class OriginServer {
 public:
  // Binds every --listen address; throws std::runtime_error naming the address that failed.
  explicit OriginServer(OriginOptions options, const Clock& clock = SystemClock::instance());
  ~OriginServer();
  OriginServer(const OriginServer&) = delete;
  OriginServer& operator=(const OriginServer&) = delete;

  // The bound ports, in --listen order (useful with port 0).
  std::vector<std::uint16_t> ports() const;

  // Serves on `threads` threads until SIGINT or SIGTERM (or stop()); returns the exit status, 0.
  int run();

  // Stops a running server from any thread.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace candela::origin

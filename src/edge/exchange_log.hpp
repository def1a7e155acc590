// What one request/response exchange records for the access log and metrics.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace candela::edge {

struct ExchangeLog {
  std::chrono::steady_clock::time_point started;
  std::chrono::system_clock::time_point started_wall;
  std::string cache_status;  // hit, miss, stale, revalidated, pass, error, ...
  double origin_ms = -1;     // time to the origin's response head; -1 when not contacted
  int status = 0;
  std::uint64_t body_bytes = 0;
  std::uint64_t total_bytes = 0;

  void reset() {
    cache_status.clear();
    origin_ms = -1;
    status = 0;
    body_bytes = 0;
    total_bytes = 0;
  }
};

}  // namespace candela::edge

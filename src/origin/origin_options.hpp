// Settings of one `candela origin` process, filled from the command line.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "http/listen_address.hpp"

namespace candela::origin {

struct OriginOptions {
  std::vector<http::ListenAddress> listen;
  std::filesystem::path root = ".";
  int threads = 1;
  std::string cache_control;           // empty: no Cache-Control unless a sidecar or ?cc= sets one
  std::chrono::milliseconds delay{0};  // before every response head
  std::uint64_t throttle_bytes_per_sec = 0;  // 0: as fast as the socket takes it
  bool etag = true;
  bool last_modified = true;
};

}  // namespace candela::origin

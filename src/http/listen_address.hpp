// The --listen option: "host:port", "[v6]:port" or ":port" (all interfaces).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace candela::http {

struct ListenAddress {
  std::string host;        // numeric address; "0.0.0.0" for ":port"
  std::uint16_t port = 0;  // 0 lets the kernel choose (printed at start-up)
};

Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace candela::http

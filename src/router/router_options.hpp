// What `candela router` is told on the command line (docs/router.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace candela::router {

struct RouterOptions {
  std::vector<std::string> monitors;  // base URLs, tried in order
  std::string coverage_zone_path;
  std::string domain;                           // the CDN domain, e.g. cdn.candela.test
  std::string http_listen = "127.0.0.1:8070";   // "" or "off": no HTTP mode
  std::string dns_listen = "127.0.0.1:5353";    // "" or "off": no DNS mode
  std::string admin_listen = "127.0.0.1:9070";  // "" or "off": no admin listener
  std::uint32_t ttl = 20;
  std::size_t dns_answers = 2;
  std::chrono::milliseconds state_poll{500};
  int threads = 0;  // serving threads; 0 = one per core
};

}  // namespace candela::router

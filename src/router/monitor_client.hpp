// Fetching a monitor's GET /state over plain HTTP/1.1 with a deadline (blocking; the poller
// runs on its own thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace candela::router {

struct MonitorUrl {
  std::string text;  // as given, for logs
  std::string host;  // name or IP literal (no brackets)
  std::uint16_t port = 80;
  std::string base_path;  // without a trailing slash; "/state" is appended
};

// "http://127.0.0.1:9300", "http://monitor.example:9300/base". Only http.
Result<MonitorUrl> parse_monitor_url(std::string_view text);

// GET <base_path>/state; the body of a 200 answer, else an error saying what happened.
Result<std::string> fetch_state(const MonitorUrl& url, std::chrono::milliseconds timeout);

}  // namespace candela::router

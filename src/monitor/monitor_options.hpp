// Everything `candela monitor` is configured with (docs/monitor.md "Options").
#pragma once

#include <chrono>
#include <string>

#include "http/listen_address.hpp"
#include "monitor/health_state.hpp"

namespace candela::monitor {

struct MonitorOptions {
  // Exactly one topology source: the portal (with the monitor's token) or a static file.
  std::string portal_url;  // http://host[:port]
  std::string token_file;  // read again before each request, so a new token needs no restart
  std::string topology_file;

  http::ListenAddress listen{"127.0.0.1", 9300};
  std::string monitor_id = "monitor-1";
  std::string network = "production";

  std::chrono::milliseconds interval{1000};
  std::chrono::milliseconds timeout{800};
  HealthPolicy health;  // --down-after, --up-after
  std::chrono::milliseconds topology_interval{5000};
  double error_rate = 0.10;
  double min_requests = 20;
  std::chrono::milliseconds error_window{10000};
  std::chrono::milliseconds report_interval{5000};  // health report at least this often
  std::size_t alarm_queue = 1000;                   // alarms kept while the portal is away
};

}  // namespace candela::monitor

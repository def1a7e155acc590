// The counters the monitor reads from an edge's /metrics (docs/network-contract §4), summed over
// the labels it does not need.
#pragma once

#include <map>
#include <string>

#include "monitor/prometheus_text.hpp"

namespace candela::monitor {

struct OriginFetchCounts {
  double ok = 0.0;
  double failed = 0.0;
};

struct EdgeCounters {
  double responses = 0.0;  // candela_edge_responses_total, every property and class
  double errors = 0.0;     // ... with status_class="5xx"
  double bytes = 0.0;      // candela_edge_response_bytes_total
  std::map<std::string, OriginFetchCounts> origin_fetches;  // by property id
};

EdgeCounters read_edge_counters(const PrometheusText& metrics);

}  // namespace candela::monitor

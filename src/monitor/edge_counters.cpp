// read_edge_counters: picks the monitor's counters out of an edge's samples.
#include "monitor/edge_counters.hpp"

#include <cmath>

namespace candela::monitor {

EdgeCounters read_edge_counters(const PrometheusText& metrics) {
  EdgeCounters out;
  for (const auto& sample : metrics.samples) {
    if (!std::isfinite(sample.value) || sample.value < 0) continue;
    if (sample.name == "candela_edge_responses_total") {
      out.responses += sample.value;
      if (sample.label("status_class") == "5xx") out.errors += sample.value;
    } else if (sample.name == "candela_edge_response_bytes_total") {
      out.bytes += sample.value;
    } else if (sample.name == "candela_edge_property_origin_fetches_total") {
      const std::string property(sample.label("property"));
      if (property.empty()) continue;
      const auto result = sample.label("result");
      if (result == "ok")
        out.origin_fetches[property].ok += sample.value;
      else if (result == "failed")
        out.origin_fetches[property].failed += sample.value;
    }
  }
  return out;
}

}  // namespace candela::monitor

// A reader of the Prometheus text exposition format (0.0.4): just the samples, skipping comments
// and any line it cannot read, so an edge adding new metrics never breaks the monitor.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace candela::monitor {

struct PrometheusSample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;  // in the order written
  double value = 0.0;

  // The label's value, or empty when the sample has no such label.
  std::string_view label(std::string_view label_name) const;
};

struct PrometheusText {
  std::vector<PrometheusSample> samples;
  std::size_t skipped_lines = 0;  // malformed sample lines (comments and blanks are not counted)
};

PrometheusText parse_prometheus_text(std::string_view text);

}  // namespace candela::monitor

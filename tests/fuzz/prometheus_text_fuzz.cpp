// Fuzz target: the monitor reads whatever an edge's /metrics returns; any text must parse
// without crashing, every sample it keeps must have a metric name, and parsing the same text
// twice gives the same samples.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "monitor/prometheus_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto first = candela::monitor::parse_prometheus_text(text);
  for (const auto& sample : first.samples) {
    if (sample.name.empty()) std::abort();
    for (const auto& label : sample.labels) {
      if (label.first.empty()) std::abort();
    }
  }
  const auto second = candela::monitor::parse_prometheus_text(text);
  if (second.samples.size() != first.samples.size() ||
      second.skipped_lines != first.skipped_lines) {
    std::abort();
  }
  return 0;
}

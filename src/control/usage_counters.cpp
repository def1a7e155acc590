// Helpers over the usage field list.
#include "control/usage_counters.hpp"

namespace candela::control {

std::string usage_column_list(std::string_view prefix, std::string_view suffix) {
  std::string out;
  for (std::size_t i = 0; i < kUsageFieldCount; ++i) {
    if (i != 0) out += ", ";
    out += prefix;
    out += kUsageFields[i];
    out += suffix;
  }
  return out;
}

double usage_hit_ratio(const UsageCounters& counters) {
  if (counters[kRequests] <= 0) return -1.0;
  return static_cast<double>(counters[kHits] + counters[kStale] + counters[kRevalidated]) /
         static_cast<double>(counters[kRequests]);
}

}  // namespace candela::control

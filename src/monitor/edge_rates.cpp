// Counter deltas → rates; capacity → overload with hysteresis; a sliding error window.
#include "monitor/edge_rates.hpp"

namespace candela::monitor {

std::optional<EdgeRates> compute_rates(const CounterReading& before, const CounterReading& after) {
  const double seconds = std::chrono::duration<double>(after.at - before.at).count();
  if (seconds <= 0.0) return std::nullopt;
  const EdgeCounters& a = before.counters;
  const EdgeCounters& b = after.counters;
  if (b.responses < a.responses || b.errors < a.errors || b.bytes < a.bytes) return std::nullopt;
  EdgeRates rates;
  rates.responses = b.responses - a.responses;
  rates.errors = b.errors - a.errors;
  rates.requests_per_second = rates.responses / seconds;
  rates.bytes_per_second = (b.bytes - a.bytes) / seconds;
  rates.error_rate = rates.responses > 0 ? rates.errors / rates.responses : 0.0;
  return rates;
}

bool next_overloaded(bool overloaded, const EdgeRates& rates, const Capacity& capacity,
                     double release) {
  const auto rps = static_cast<double>(capacity.requests_per_second);
  const auto bps = static_cast<double>(capacity.bytes_per_second);
  const bool over =
      (rps > 0 && rates.requests_per_second > rps) || (bps > 0 && rates.bytes_per_second > bps);
  if (over) return true;
  if (!overloaded) return false;
  const bool below = (rps <= 0 || rates.requests_per_second < rps * release) &&
                     (bps <= 0 || rates.bytes_per_second < bps * release);
  return !below;
}

void ErrorWindow::add(SteadyTime at, double responses, double errors) {
  entries_.push_back({at, responses, errors});
  prune(at);
}

void ErrorWindow::prune(SteadyTime now) {
  while (!entries_.empty() && now - entries_.front().at > span_)
    entries_.pop_front();
}

double ErrorWindow::responses() const {
  double sum = 0.0;
  for (const auto& e : entries_)
    sum += e.responses;
  return sum;
}

double ErrorWindow::errors() const {
  double sum = 0.0;
  for (const auto& e : entries_)
    sum += e.errors;
  return sum;
}

double ErrorWindow::error_rate() const {
  const double total = responses();
  return total > 0 ? errors() / total : 0.0;
}

}  // namespace candela::monitor

// One poll of one edge: GET /healthz and GET /metrics of its admin address at the same time,
// both bounded by the timeout; the answer comes when both have ended.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "monitor/edge_rates.hpp"
#include "monitor/health_state.hpp"
#include "monitor/http_fetch.hpp"

namespace boost::asio {
class io_context;
}

namespace candela::monitor {

struct ProbeOutcome {
  ProbeResult health = ProbeResult::kFailed;
  std::string detail;                  // one line: "ok", "draining", or what failed
  std::optional<std::string> metrics;  // the /metrics body when it answered 200
  SteadyTime finished_at;
};

// 200 → ok; 503 whose body says "draining" → draining; anything else → failed.
ProbeResult classify_healthz(int status, const std::string& body);

void probe_edge(boost::asio::io_context& io, const HostPort& admin,
                std::chrono::milliseconds timeout, std::function<void(ProbeOutcome)> done);

}  // namespace candela::monitor

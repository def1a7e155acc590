// Keeps the routing state current: every interval, GET /state from the first monitor that
// answers (in the order given); publishes a new routing table when routing would change; keeps
// the last good table while no monitor answers.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "router/coverage_zone.hpp"
#include "router/monitor_client.hpp"
#include "router/monitor_state.hpp"
#include "router/router_metrics.hpp"
#include "router/routing_state.hpp"

namespace candela::router {

class StatePoller {
 public:
  StatePoller(std::vector<MonitorUrl> monitors, std::chrono::milliseconds interval,
              std::shared_ptr<const CoverageZone> zone, RoutingState& state,
              RouterMetrics& metrics);
  ~StatePoller();
  StatePoller(const StatePoller&) = delete;
  StatePoller& operator=(const StatePoller&) = delete;

  void start();
  void stop();

  // One round over the monitors; true when one answered with a valid state. Not to be called
  // while the polling thread runs.
  bool poll_once();
  // A new coverage zone (SIGHUP): the polling thread rebuilds the table at once.
  void replace_zone(std::shared_ptr<const CoverageZone> zone);

  // Milliseconds since the epoch (steady clock) of the last good answer; 0 = never.
  std::int64_t last_success_ms() const { return last_success_ms_.load(); }
  std::uint64_t sequence() const { return sequence_.load(); }

 private:
  void run();

  std::vector<MonitorUrl> monitors_;
  std::chrono::milliseconds interval_;
  RoutingState& state_;
  RouterMetrics& metrics_;
  std::mutex zone_mu_;
  std::shared_ptr<const CoverageZone> zone_;
  bool zone_changed_ = false;
  std::optional<MonitorState> last_;
  std::uint64_t next_version_ = 1;
  std::size_t last_source_ = static_cast<std::size_t>(-1);
  bool reported_outage_ = false;
  std::atomic<std::int64_t> last_success_ms_{0};
  std::atomic<std::uint64_t> sequence_{0};

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool poll_now_ = false;
  std::thread thread_;
};

}  // namespace candela::router

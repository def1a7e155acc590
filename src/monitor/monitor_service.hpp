// The monitor's loop: refreshes the topology, polls every edge each interval, keeps each edge's
// health, rates and alarms, and answers /state, /healthz and /metrics. Everything runs on one
// io_context thread, so the state needs no locks and nothing here ever blocks.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "monitor/alarm.hpp"
#include "monitor/edge_prober.hpp"
#include "monitor/edge_status.hpp"
#include "monitor/monitor_options.hpp"
#include "monitor/portal_publisher.hpp"
#include "monitor/state_server.hpp"
#include "monitor/topology_source.hpp"

namespace boost::asio {
class io_context;
}

namespace candela::monitor {

class MonitorService {
 public:
  // `publisher` may be null (a static topology file and no portal: alarms are only logged and
  // listed in /state).
  MonitorService(boost::asio::io_context& io, MonitorOptions options,
                 std::unique_ptr<TopologySource> topology,
                 std::unique_ptr<PortalPublisher> publisher, const Clock& clock);
  ~MonitorService();
  MonitorService(const MonitorService&) = delete;
  MonitorService& operator=(const MonitorService&) = delete;

  // Starts the timers; `initial` (already read) saves the first wait for the topology.
  void start(std::optional<Topology> initial);
  void stop();

  StateReply handle(std::string_view path) const;

 private:
  struct EdgeRecord {
    EdgeStatus status;
    HealthTracker tracker;
    std::optional<HostPort> admin;
    bool in_flight = false;
    std::optional<CounterReading> last_reading;
    ErrorWindow errors{std::chrono::milliseconds(10000)};
    std::uint64_t polls = 0;
    std::uint64_t failures = 0;
  };

  void refresh_topology();
  void apply_topology(Topology topology);
  void poll_round();
  void on_probe(const std::string& edge_id, ProbeOutcome outcome);
  void read_metrics(EdgeRecord& record, const std::string& text, SteadyTime at);
  void finish_round();
  void update_sequence();
  // Sends (or only logs) an alarm and tracks which alarms are firing.
  void raise(Alarm alarm);
  bool firing(const std::string& key) const { return firing_.count(key) > 0; }
  void clear_alarms_of(const std::string& edge_id, const std::string& why);
  std::vector<EdgeStatus> statuses() const;
  std::string render_metrics() const;

  boost::asio::io_context& io_;
  MonitorOptions options_;
  std::unique_ptr<TopologySource> topology_source_;
  std::unique_ptr<PortalPublisher> publisher_;
  const Clock& clock_;
  struct Timers;  // Asio's timers stay out of this header
  std::unique_ptr<Timers> timers_;
  bool stopped_ = false;

  bool have_topology_ = false;
  bool first_round_done_ = false;
  bool topology_in_flight_ = false;
  std::string last_topology_error_;
  std::string cdn_domain_;
  std::vector<std::string> services_;
  std::map<std::string, EdgeRecord> edges_;
  std::map<std::string, Alarm> firing_;  // by dedupe key

  int outstanding_ = 0;
  std::uint64_t sequence_ = 0;
  std::string fingerprint_;
  bool changed_since_report_ = true;
  std::optional<SteadyTime> last_report_;

  std::uint64_t rounds_ = 0;
  std::uint64_t topology_refreshes_ = 0;
  std::uint64_t topology_failures_ = 0;
  std::uint64_t alarms_raised_ = 0;
};

}  // namespace candela::monitor

// Sends the monitor's alarms (POST /api/v1/noc/alarms) and health reports (PUT
// /api/v1/network/health) to the portal from a bounded queue, one request at a time, retrying with
// backoff while the portal is away. Nothing here ever waits: polling goes on whatever the portal
// does.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "monitor/alarm.hpp"
#include "monitor/http_fetch.hpp"

namespace boost::asio {
class io_context;
}

namespace candela::monitor {

struct PublisherStats {
  std::uint64_t alarms_sent = 0;
  std::uint64_t alarms_refused = 0;  // 4xx other than 401/403/408/429: dropped, logged
  std::uint64_t alarms_dropped = 0;  // the queue was full: the oldest went
  std::uint64_t reports_sent = 0;
  std::uint64_t failures = 0;  // attempts that will be retried
  std::size_t queued = 0;
};

class PortalPublisher {
 public:
  PortalPublisher(boost::asio::io_context& io, HostPort portal, std::string token_file,
                  std::chrono::milliseconds timeout, std::size_t max_alarms);
  ~PortalPublisher();
  PortalPublisher(const PortalPublisher&) = delete;
  PortalPublisher& operator=(const PortalPublisher&) = delete;

  // Queues an alarm (sent in the order raised).
  void raise(Alarm alarm);
  // Replaces any report not sent yet: only the latest matters.
  void report_health(nlohmann::json report);

  PublisherStats stats() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace candela::monitor

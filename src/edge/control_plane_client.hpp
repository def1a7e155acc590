// The edge's control-plane client: on its own thread it registers with the portal, long-polls
// the feed after the last applied sequence, applies deployments, invalidations and service states
// in order, acknowledges each, and keeps <state-dir>/last-good.json (docs/control-feed.md).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/result.hpp"
#include "edge/control_plane_options.hpp"
#include "edge/last_good_state.hpp"
#include "edge/portal_connection.hpp"
#include "edge/portal_replies.hpp"
#include "edge/property_catalog.hpp"

namespace candela::edge {

// One target of an invalidation event, as the portal resolved it.
struct PurgeTarget {
  std::string kind;  // "url" | "pattern" | "tag"
  std::string mode;  // "hard" | "soft"
  std::string property_id;
  std::vector<std::string> values;
};

// Applies one target to the cache; returns how many objects it removed or marked stale.
using PurgeFunction = std::function<Result<std::size_t>(const PurgeTarget&)>;

// What became of one event; `detail` is sent with the acknowledgement.
struct EventOutcome {
  bool applied = true;
  std::string detail;
};

// The body of PUT /api/v1/edges/{edge_id}/registration: address, network, admin_address (when
// set) and capacity.
nlohmann::json registration_body(const ControlPlaneOptions& options);

class ControlPlaneClient {
 public:
  ControlPlaneClient(ControlPlaneOptions options, PropertyCatalog& catalog, PurgeFunction purge);
  ~ControlPlaneClient();
  ControlPlaneClient(const ControlPlaneClient&) = delete;
  ControlPlaneClient& operator=(const ControlPlaneClient&) = delete;

  // Validates the options, creates the state folder and loads last-good.json into the catalog,
  // so the edge serves it before the portal answers. Returns how many services it restored.
  Result<std::size_t> restore();
  void start();
  // Cancels the request in progress and joins the thread.
  void stop();

  // Applies one feed event ({"sequence", "kind", "payload"}) to the catalog or the cache, and
  // persists last-good.json after a deployment or a service state change. Exposed for tests;
  // the thread calls it.
  EventOutcome apply(const nlohmann::json& event);
  long long applied_sequence() const { return state_sequence_.load(); }

 private:
  void run();
  bool register_once(const std::string& token);
  bool poll_once(const std::string& token);
  void acknowledge(long long sequence, const EventOutcome& outcome);
  EventOutcome apply_deployment(const nlohmann::json& payload);
  EventOutcome apply_invalidation(const nlohmann::json& payload);
  EventOutcome apply_service_state(const nlohmann::json& payload);
  void persist();
  void pause();  // sleeps the current backoff (interrupted by stop) and doubles it
  // Logs a problem once until it changes or clears, so a down portal does not flood the log.
  void report(const std::string& problem);

  ControlPlaneOptions options_;
  PropertyCatalog& catalog_;
  PurgeFunction purge_;
  std::string state_path_;
  std::unique_ptr<PortalConnection> connection_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex sleep_mutex_;
  std::condition_variable sleep_wake_;
  std::chrono::milliseconds backoff_{100};
  std::atomic<long long> state_sequence_{0};
  long long persisted_sequence_ = -1;
  bool registered_ = false;
  std::string last_problem_;
};

}  // namespace candela::edge

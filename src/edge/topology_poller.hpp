// With --portal, the edge's parents come from the network topology: every few seconds this thread
// asks GET /api/v1/network/topology?network=<net> (node token) and puts the shields it gets in
// force (topology_parents.hpp). When the portal cannot be reached the last list stays; each
// distinct problem is logged once.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "common/result.hpp"
#include "edge/edge_config.hpp"
#include "edge/parent_set.hpp"
#include "edge/portal_connection.hpp"

namespace candela::edge {

struct TopologyPollerOptions {
  std::string portal_url;
  std::string edge_id;
  std::string node_token_file;
  std::string network = "production";
  std::chrono::milliseconds interval{5000};
  std::chrono::milliseconds request_timeout{10000};
};

class TopologyPoller {
 public:
  // `file_parents`: the configuration file's parents, in force until a topology lists shields;
  // `policy` (the file's parent_policy) applies to either list.
  TopologyPoller(TopologyPollerOptions options, ParentDirectory& directory,
                 std::vector<ParentConfig> file_parents, ParentPolicy policy);
  ~TopologyPoller();
  TopologyPoller(const TopologyPoller&) = delete;
  TopologyPoller& operator=(const TopologyPoller&) = delete;

  // Checks the portal address; puts the file's parents in force.
  Result<std::monostate> prepare();
  void start();
  void stop();

  // One request and its effect; false when no usable topology arrived. The thread calls it.
  bool poll_once();
  // A reloaded configuration file: its parents apply unless the topology supplies shields; its
  // policy applies at once.
  void set_file_parents(std::vector<ParentConfig> parents, ParentPolicy policy);

 private:
  void run();
  void apply(const std::vector<ParentConfig>& parents, const std::string& source);
  void report(const std::string& problem);
  void drop_self(std::vector<ParentConfig>& parents) const;

  TopologyPollerOptions options_;
  ParentDirectory& directory_;
  std::unique_ptr<PortalConnection> connection_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;  // file_parents_, from_topology_, last_problem_; also the sleep
  std::condition_variable wake_;
  std::vector<ParentConfig> file_parents_;
  ParentPolicy policy_;
  std::vector<ParentConfig> topology_parents_;  // the last topology's choice
  bool from_topology_ = false;  // the last topology listed shields: the file's list is not used
  std::string last_problem_;
  std::string last_skipped_;
};

}  // namespace candela::edge

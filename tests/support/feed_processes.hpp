// Real `candela portal` and `candela edge --portal ...` processes for the control-feed tests and
// the propagation benchmark: a portal with a bootstrap provider admin on SQLite, edges that
// follow it.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace candela::testing {

class PortalProcess {
 public:
  static constexpr const char* kAdminEmail = "admin@provider.example";
  static constexpr const char* kAdminPassword = "a long admin password";

  // Starts `candela portal` on a free port with a fresh SQLite store and waits until it listens;
  // `extra_args` are appended to its command line (e.g. --smtp-url).
  explicit PortalProcess(std::vector<std::string> extra_args = {});
  ~PortalProcess();

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Stops the process (SIGTERM); start() runs it again on the same port and store.
  void stop();
  void start();
  std::string log() const;
  // The folder of the store, the master key and the log.
  const std::string& dir() const { return dir_.path(); }

 private:
  TempDir dir_;
  std::vector<std::string> extra_args_;
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

// What a test adds to a following edge: an access log in the edge's folder, keys merged into its
// configuration file (e.g. access_log settings) and command-line arguments.
struct EdgeExtras {
  bool access_log = false;  // write <dir>/log/access.log
  nlohmann::json config = nlohmann::json::object();
  std::vector<std::string> args;
  // When set, the edge listens first on <listen_host>:<port> (what it registers as its address,
  // e.g. "127.0.0.11", so DNS answers can tell edges apart) and also on 127.0.0.1:<port>.
  std::string listen_host;
};

class FollowingEdge {
 public:
  // An edge whose configuration file holds `properties`, following `portal_url` as `edge_id`
  // with `token`. Starts it and waits until it accepts connections.
  FollowingEdge(std::string edge_id, std::string portal_url, const std::string& token,
                std::vector<nlohmann::json> properties = {}, std::string network = "production",
                EdgeExtras extras = {});
  ~FollowingEdge();

  int port() const { return port_; }
  int admin_port() const { return admin_port_; }
  const std::string& edge_id() const { return edge_id_; }
  const std::string& dir() const { return dir_.path(); }
  std::string state_file() const { return dir_.path() + "/state/last-good.json"; }
  std::string access_log_path() const { return dir_.path() + "/log/access.log"; }
  std::string log() const;
  bool running();
  // Rewrites the token file (the edge reads it again before each request).
  void set_token(const std::string& token);
  void stop();
  void start();
  // SIGKILL: the edge dies without draining (a crash or a power cut).
  void kill();

 private:
  TempDir dir_;
  std::string edge_id_;
  std::string portal_url_;
  std::string network_;
  EdgeExtras extras_;
  int port_;
  int admin_port_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace candela::testing

// Real `candela origin` and `candela edge` processes for integration tests, on loopback ports.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace candela::testing {

// Path of the candela binary under test (set by CMake for integration tests).
std::string candela_binary();

class OriginServer {
 public:
  // Starts `candela origin` on a free port, serving files from a fresh temp folder.
  explicit OriginServer(std::vector<std::string> extra_args = {});
  ~OriginServer();

  int port() const { return port_; }
  const std::string& root() const { return dir_.path(); }
  // Writes a file under the root; `sidecar` lines ("Name: value", "@status: 404", ...) go to
  // the file's .hdr sidecar (see docs/origin.md).
  void put(const std::string& path, const std::string& content,
           const std::vector<std::string>& sidecar = {});
  // Requests counted by the origin for `path` (GET /_origin/stats), and in total.
  int count(const std::string& path) const;
  int total() const;
  void reset_counts() const;
  void stop();
  void start();

 private:
  TempDir dir_;
  int port_;
  std::vector<std::string> extra_args_;
  std::unique_ptr<ChildProcess> process_;
};

class EdgeServer {
 public:
  // `config` is a complete edge configuration; listen / admin_listen / edge_id are filled in
  // with free ports when absent. Waits until the edge accepts connections.
  explicit EdgeServer(nlohmann::json config, bool wait_ready = true);
  ~EdgeServer();

  int port() const { return port_; }
  int admin_port() const { return admin_port_; }
  ChildProcess& process() { return *process_; }
  const std::string& log_path() const { return log_path_; }
  const std::string& config_path() const { return config_path_; }
  nlohmann::json& config() { return config_; }
  const std::string& dir() const { return dir_.path(); }
  // Rewrites the config file and sends SIGHUP.
  void reload(const nlohmann::json& config);
  std::string process_log() const;

 private:
  TempDir dir_;
  nlohmann::json config_;
  int port_ = 0;
  int admin_port_ = 0;
  std::string config_path_;
  std::string log_path_;
  std::unique_ptr<ChildProcess> process_;
};

// A property for `origin` answering `alias` (and "127.0.0.1:<edge port>" is not added).
nlohmann::json property_json(const std::string& id, const std::string& alias, int origin_port);

// A minimal edge configuration with the given properties.
nlohmann::json edge_config(std::vector<nlohmann::json> properties);

}  // namespace candela::testing

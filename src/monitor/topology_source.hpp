// Where the topology comes from: the portal's §2 document (with the monitor's token) or a file
// holding the same JSON, read again on every refresh so it can be edited while the monitor runs.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "common/result.hpp"
#include "monitor/http_fetch.hpp"
#include "monitor/topology.hpp"

namespace boost::asio {
class io_context;
}

namespace candela::monitor {

using TopologyDone = std::function<void(Result<Topology>)>;

class TopologySource {
 public:
  virtual ~TopologySource() = default;
  // Fetches the current topology; `done` runs once on the io_context's thread (or inline).
  virtual void fetch(TopologyDone done) = 0;
  // For log lines: "portal http://…" or "file …".
  virtual std::string describe() const = 0;
};

class FileTopologySource final : public TopologySource {
 public:
  explicit FileTopologySource(std::string path) : path_(std::move(path)) {}
  void fetch(TopologyDone done) override;
  std::string describe() const override { return "file " + path_; }

 private:
  std::string path_;
};

class PortalTopologySource final : public TopologySource {
 public:
  PortalTopologySource(boost::asio::io_context& io, HostPort portal, std::string portal_url,
                       std::string token_file, std::string network,
                       std::chrono::milliseconds timeout)
      : io_(io),
        portal_(std::move(portal)),
        portal_url_(std::move(portal_url)),
        token_file_(std::move(token_file)),
        network_(std::move(network)),
        timeout_(timeout) {}
  void fetch(TopologyDone done) override;
  std::string describe() const override { return "portal " + portal_url_; }

 private:
  boost::asio::io_context& io_;
  HostPort portal_;
  std::string portal_url_;
  std::string token_file_;
  std::string network_;
  std::chrono::milliseconds timeout_;
};

// Reads a topology file at once (start-up checks it before anything listens).
Result<Topology> read_topology_file(const std::string& path);

}  // namespace candela::monitor

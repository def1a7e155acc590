// Starting real portal and portal-following edge processes.
#include "support/feed_processes.hpp"

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/candela_processes.hpp"

namespace candela::testing {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

PortalProcess::PortalProcess(std::vector<std::string> extra_args)
    : extra_args_(std::move(extra_args)), port_(free_port()) {
  std::ofstream(dir_.path() + "/admin-password") << kAdminPassword << "\n";
  start();
}

PortalProcess::~PortalProcess() {
  stop();
}

void PortalProcess::start() {
  const std::string log_path = dir_.path() + "/portal.log";
  std::vector<std::string> args{candela_binary(),
                                "portal",
                                "--listen",
                                "127.0.0.1:" + std::to_string(port_),
                                "--db",
                                "sqlite://" + dir_.path() + "/portal.db",
                                "--master-key-file",
                                dir_.path() + "/master.key",
                                "--threads",
                                "16",
                                "--bootstrap-admin-email",
                                kAdminEmail,
                                "--bootstrap-admin-password-file",
                                dir_.path() + "/admin-password"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  process_ = std::make_unique<ChildProcess>(std::move(args), log_path);
  if (!wait_for_port(port_, std::chrono::seconds(20))) {
    throw std::runtime_error("the portal did not start:\n" + log());
  }
}

void PortalProcess::stop() {
  if (process_) process_->stop();
  process_.reset();
}

std::string PortalProcess::log() const {
  return read_file(dir_.path() + "/portal.log");
}

FollowingEdge::FollowingEdge(std::string edge_id, std::string portal_url, const std::string& token,
                             std::vector<nlohmann::json> properties, std::string network,
                             EdgeExtras extras)
    : edge_id_(std::move(edge_id)),
      portal_url_(std::move(portal_url)),
      network_(std::move(network)),
      extras_(std::move(extras)),
      port_(free_port()),
      admin_port_(free_port()) {
  nlohmann::json config = {{"edge_id", edge_id_},
                           {"threads", 1},
                           {"listen", {"127.0.0.1:" + std::to_string(port_)}},
                           {"admin_listen", "127.0.0.1:" + std::to_string(admin_port_)},
                           {"properties", properties}};
  if (!extras_.listen_host.empty()) {
    config["listen"] = {extras_.listen_host + ":" + std::to_string(port_),
                        "127.0.0.1:" + std::to_string(port_)};
  }
  if (extras_.access_log) config["access_log"] = {{"path", access_log_path()}};
  config.merge_patch(extras_.config);
  std::ofstream(dir_.path() + "/edge.json") << config.dump(2);
  set_token(token);
  start();
}

FollowingEdge::~FollowingEdge() {
  stop();
}

void FollowingEdge::set_token(const std::string& token) {
  std::ofstream(dir_.path() + "/token") << token << "\n";
}

void FollowingEdge::start() {
  std::vector<std::string> args{candela_binary(),    "edge",
                                "--config",          dir_.path() + "/edge.json",
                                "--portal",          portal_url_,
                                "--edge-id",         edge_id_,
                                "--node-token-file", dir_.path() + "/token",
                                "--state-dir",       dir_.path() + "/state",
                                "--network",         network_};
  args.insert(args.end(), extras_.args.begin(), extras_.args.end());
  process_ = std::make_unique<ChildProcess>(std::move(args), dir_.path() + "/edge.log");
  if (!wait_for_port(port_)) throw std::runtime_error("edge did not start:\n" + log());
}

void FollowingEdge::stop() {
  if (process_) process_->stop();
  process_.reset();
}

void FollowingEdge::kill() {
  if (!process_) return;
  process_->signal(SIGKILL);
  process_->wait_for_exit(std::chrono::seconds(10));
  process_.reset();
}

bool FollowingEdge::running() {
  return process_ && process_->running();
}

std::string FollowingEdge::log() const {
  return read_file(dir_.path() + "/edge.log");
}

}  // namespace candela::testing

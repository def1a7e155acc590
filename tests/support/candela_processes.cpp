// Starting and talking to candela origin/edge processes from tests.
#include "support/candela_processes.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/http_client.hpp"

namespace candela::testing {

std::string candela_binary() {
#ifdef CANDELA_BINARY
  return CANDELA_BINARY;
#else
  if (const char* env = std::getenv("CANDELA_BINARY")) return env;
  throw std::runtime_error("CANDELA_BINARY is not set");
#endif
}

OriginServer::OriginServer(std::vector<std::string> extra_args)
    : port_(free_port()), extra_args_(std::move(extra_args)) {
  start();
}

OriginServer::~OriginServer() {
  stop();
}

void OriginServer::start() {
  std::vector<std::string> argv = {candela_binary(), "origin",
                                   "--listen",       "127.0.0.1:" + std::to_string(port_),
                                   "--root",         dir_.path()};
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  process_ = std::make_unique<ChildProcess>(
      argv, dir_.path() + "/../origin-" + std::to_string(port_) + ".log");
  if (!wait_for_port(port_)) throw std::runtime_error("origin did not start");
}

void OriginServer::stop() {
  if (process_) process_->stop();
  process_.reset();
}

void OriginServer::put(const std::string& path, const std::string& content,
                       const std::vector<std::string>& sidecar) {
  std::filesystem::path file = std::filesystem::path(dir_.path()) / path.substr(path[0] == '/');
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << content;
  if (!sidecar.empty()) {
    std::ofstream hdr(file.string() + ".hdr");
    for (const auto& line : sidecar)
      hdr << line << "\n";
  }
}

int OriginServer::count(const std::string& path) const {
  auto r = http_get(port_, "/_origin/stats", "origin");
  if (!r) return -1;
  auto j = nlohmann::json::parse(r->body);
  auto it = j["by_path"].find(path);
  return it == j["by_path"].end() ? 0 : it->get<int>();
}

int OriginServer::total() const {
  auto r = http_get(port_, "/_origin/stats", "origin");
  return r ? nlohmann::json::parse(r->body)["requests"].get<int>() : -1;
}

void OriginServer::reset_counts() const {
  http_request(port_, "POST", "/_origin/reset", "origin");
}

EdgeServer::EdgeServer(nlohmann::json config, bool wait_ready) : config_(std::move(config)) {
  if (!config_.contains("listen")) {
    port_ = free_port();
    config_["listen"] = {"127.0.0.1:" + std::to_string(port_)};
  } else {
    std::string first = config_["listen"][0];
    port_ = std::stoi(first.substr(first.rfind(':') + 1));
  }
  if (!config_.contains("admin_listen")) {
    admin_port_ = free_port();
    config_["admin_listen"] = "127.0.0.1:" + std::to_string(admin_port_);
  } else {
    std::string a = config_["admin_listen"];
    admin_port_ = std::stoi(a.substr(a.rfind(':') + 1));
  }
  if (!config_.contains("edge_id")) config_["edge_id"] = "test-edge";
  config_path_ = dir_.path() + "/edge.json";
  log_path_ = dir_.path() + "/edge.out";
  std::ofstream(config_path_) << config_.dump(2);
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{candela_binary(), "edge", "--config", config_path_}, log_path_);
  if (wait_ready && !wait_for_port(port_)) {
    throw std::runtime_error("edge did not start: " + process_log());
  }
}

EdgeServer::~EdgeServer() {
  if (process_) process_->stop();
}

void EdgeServer::reload(const nlohmann::json& config) {
  config_ = config;
  std::ofstream(config_path_) << config_.dump(2);
  process_->signal(SIGHUP);
}

std::string EdgeServer::process_log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json property_json(const std::string& id, const std::string& alias, int origin_port) {
  return {{"id", id},
          {"service_id", "SCID" + std::to_string(origin_port % 100000)},
          {"aliases", {alias}},
          {"origin", {{"host", "127.0.0.1"}, {"port", origin_port}, {"protocol", "http"}}}};
}

nlohmann::json edge_config(std::vector<nlohmann::json> properties) {
  nlohmann::json j;
  j["threads"] = 2;
  j["properties"] = properties;
  return j;
}

}  // namespace candela::testing

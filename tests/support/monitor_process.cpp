// MonitorProcess: start, wait for the listener, read /state.
#include "support/monitor_process.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/candela_processes.hpp"
#include "support/http_client.hpp"

namespace candela::testing {

MonitorProcess::MonitorProcess(std::vector<std::string> args) : port_(free_port()) {
  std::vector<std::string> argv = {candela_binary(), "monitor"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--listen");
  argv.push_back("127.0.0.1:" + std::to_string(port_));
  process_ = std::make_unique<ChildProcess>(argv, dir_.path() + "/monitor.out");
  if (!wait_for_port(port_)) throw std::runtime_error("monitor did not start: " + log());
}

MonitorProcess::~MonitorProcess() {
  if (process_) process_->stop();
}

std::string MonitorProcess::log() const {
  std::ifstream in(dir_.path() + "/monitor.out");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<nlohmann::json> MonitorProcess::state() const {
  auto reply = http_get(port_, "/state", "127.0.0.1");
  if (!reply || reply->status != 200) return std::nullopt;
  auto document = nlohmann::json::parse(reply->body, nullptr, false);
  if (document.is_discarded()) return std::nullopt;
  return document;
}

nlohmann::json MonitorProcess::edge(const std::string& edge_id) const {
  auto document = state();
  if (!document) return nullptr;
  for (const auto& e : (*document)["edges"]) {
    if (e["edge_id"] == edge_id) return e;
  }
  return nullptr;
}

std::string MonitorProcess::edge_state(const std::string& edge_id) const {
  const auto e = edge(edge_id);
  return e.is_object() ? e.value("state", "") : "";
}

}  // namespace candela::testing

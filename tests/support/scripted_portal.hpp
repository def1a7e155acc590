// A stand-in portal for tests of the edge's portal clients: a small HTTP/1.1 server on loopback
// that answers each request with the status a test's function picks and records what it got.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace candela::testing {

struct ScriptedRequest {
  std::string method;
  std::string target;
  std::string authorization;
  nlohmann::json body;  // discarded (is_discarded()) when the body is not JSON
};

// Keeps connections alive like the portal; a 2xx answer carries {"accepted":1,...}, others a
// problem+json body.
class ScriptedPortal {
 public:
  explicit ScriptedPortal(std::function<int(const ScriptedRequest&)> answer);
  ~ScriptedPortal();
  ScriptedPortal(const ScriptedPortal&) = delete;
  ScriptedPortal& operator=(const ScriptedPortal&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Every request answered so far, in order.
  std::vector<ScriptedRequest> received();

 private:
  void run();
  void serve(int fd, std::string& buffer);

  std::function<int(const ScriptedRequest&)> answer_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::map<int, std::string> clients_;  // owned by the server thread
  std::mutex mu_;
  std::vector<ScriptedRequest> received_;
  std::thread thread_;
};

}  // namespace candela::testing

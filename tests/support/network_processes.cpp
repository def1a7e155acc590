// Starting a real router process.
#include "support/network_processes.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

bool udp_port_free(int port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return free;
}

}  // namespace

int free_udp_tcp_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const int port = free_port();
    if (udp_port_free(port)) return port;
  }
  throw std::runtime_error("no port is free for both UDP and TCP");
}

RouterProcess::RouterProcess(const std::vector<std::string>& monitor_urls,
                             const nlohmann::json& coverage_zone, const std::string& domain,
                             std::vector<std::string> extra_args) {
  ports_.http = free_port();
  ports_.dns = free_udp_tcp_port();
  ports_.admin = free_port();
  const std::string czf = coverage_zone_path();
  std::ofstream(czf) << coverage_zone.dump(2);
  std::vector<std::string> argv{candela_binary(), "router"};
  for (const auto& url : monitor_urls) {
    argv.push_back("--monitor");
    argv.push_back(url);
  }
  argv.insert(argv.end(), {"--coverage-zone", czf, "--domain", domain, "--http-listen",
                           "127.0.0.1:" + std::to_string(ports_.http), "--dns-listen",
                           "127.0.0.1:" + std::to_string(ports_.dns), "--admin-listen",
                           "127.0.0.1:" + std::to_string(ports_.admin)});
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<ChildProcess>(std::move(argv), dir_.path() + "/router.log");
  if (!wait_for_port(ports_.admin, std::chrono::seconds(20))) {
    throw std::runtime_error("the router did not start:\n" + log());
  }
}

RouterProcess::~RouterProcess() {
  stop();
}

std::string RouterProcess::log() const {
  return read_file(dir_.path() + "/router.log");
}

void RouterProcess::stop() {
  if (process_) process_->stop();
  process_.reset();
}

}  // namespace candela::testing

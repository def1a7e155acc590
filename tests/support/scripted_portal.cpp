// ScriptedPortal: one poll() loop over the listener and its connections.
#include "support/scripted_portal.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <stdexcept>

namespace candela::testing {

ScriptedPortal::ScriptedPortal(std::function<int(const ScriptedRequest&)> answer)
    : answer_(std::move(answer)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listener_, 16) != 0) {
    ::close(listener_);
    throw std::runtime_error("scripted portal: cannot listen on loopback");
  }
  socklen_t len = sizeof(addr);
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { run(); });
}

ScriptedPortal::~ScriptedPortal() {
  stop_ = true;
  thread_.join();
  for (auto& [fd, buffer] : clients_)
    ::close(fd);
  ::close(listener_);
}

std::vector<ScriptedRequest> ScriptedPortal::received() {
  std::lock_guard lock(mu_);
  return received_;
}

void ScriptedPortal::run() {
  while (!stop_) {
    std::vector<pollfd> fds{{listener_, POLLIN, 0}};
    for (const auto& [fd, buffer] : clients_)
      fds.push_back({fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
    if (fds[0].revents & POLLIN) {
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) clients_[fd];
    }
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char chunk[65536];
      const ssize_t n = ::read(fds[i].fd, chunk, sizeof(chunk));
      if (n <= 0) {
        ::close(fds[i].fd);
        clients_.erase(fds[i].fd);
        continue;
      }
      std::string& buffer = clients_[fds[i].fd];
      buffer.append(chunk, static_cast<std::size_t>(n));
      serve(fds[i].fd, buffer);
    }
  }
}

void ScriptedPortal::serve(int fd, std::string& buffer) {
  for (;;) {
    const auto head_end = buffer.find("\r\n\r\n");
    if (head_end == std::string::npos) return;
    const std::string head = buffer.substr(0, head_end);
    std::size_t length = 0;
    ScriptedRequest r;
    std::size_t line_start = 0;
    for (std::size_t line = 0; line_start < head.size(); ++line) {
      auto line_end = head.find("\r\n", line_start);
      if (line_end == std::string::npos) line_end = head.size();
      const std::string text = head.substr(line_start, line_end - line_start);
      line_start = line_end + 2;
      if (line == 0) {
        const auto space = text.find(' ');
        r.method = text.substr(0, space);
        r.target = text.substr(space + 1, text.rfind(' ') - space - 1);
        continue;
      }
      const auto colon = text.find(':');
      if (colon == std::string::npos) continue;
      std::string name = text.substr(0, colon);
      for (auto& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const auto value_start = text.find_first_not_of(' ', colon + 1);
      const std::string value = value_start == std::string::npos ? "" : text.substr(value_start);
      if (name == "content-length") length = std::stoul(value);
      if (name == "authorization") r.authorization = value;
    }
    if (buffer.size() < head_end + 4 + length) return;
    r.body = nlohmann::json::parse(buffer.substr(head_end + 4, length), nullptr, false);
    buffer.erase(0, head_end + 4 + length);
    const int status = answer_(r);
    {
      std::lock_guard lock(mu_);
      received_.push_back(r);
    }
    const std::string body = status < 300
                                 ? R"({"accepted":1,"ignored":0,"unknown":0})"
                                 : R"({"title":"Refused","status":)" + std::to_string(status) +
                                       R"(,"detail":"scripted refusal","errors":[]})";
    const std::string reply = "HTTP/1.1 " + std::to_string(status) +
                              " Scripted\r\nContent-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
    std::size_t sent = 0;
    while (sent < reply.size()) {
      const ssize_t n = ::write(fd, reply.data() + sent, reply.size() - sent);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }
}

}  // namespace candela::testing

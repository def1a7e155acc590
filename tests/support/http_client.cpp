// Test HTTP client: blocking sockets with poll() deadlines; its own tiny response parser.
#include "support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace candela::testing {

namespace {
bool ieq(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}
std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
    ++i;
  return s.substr(i);
}
}  // namespace

std::string HttpResponse::header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (ieq(n, name)) return v;
  }
  return {};
}

bool HttpResponse::has_header(const std::string& name) const {
  return header_count(name) > 0;
}

std::size_t HttpResponse::header_count(const std::string& name) const {
  return static_cast<std::size_t>(std::count_if(headers.begin(), headers.end(),
                                                [&](const auto& h) { return ieq(h.first, name); }));
}

RawConnection::RawConnection(int port) : RawConnection(port, "") {}

RawConnection::RawConnection(int port, const std::string& source_address) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (!source_address.empty()) {
    sockaddr_in source{};
    source.sin_family = AF_INET;
    if (::inet_pton(AF_INET, source_address.c_str(), &source.sin_addr) != 1 ||
        ::bind(fd_, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0) {
      ::close(fd_);
      fd_ = -1;
      throw std::runtime_error("cannot bind to source address " + source_address);
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

bool RawConnection::fill(std::chrono::steady_clock::time_point deadline) {
  if (eof_) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char buf[65536];
  ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::optional<HttpResponse> RawConnection::read_response(bool head_request,
                                                         std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) return std::nullopt;
  }
  HttpResponse r;
  std::string head = buffer_.substr(0, end + 2);
  buffer_.erase(0, end + 4);
  std::size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() < 12) return std::nullopt;
  r.status = std::stoi(status_line.substr(9, 3));
  r.reason = status_line.size() > 13 ? status_line.substr(13) : "";
  std::size_t pos = line_end + 2;
  while (pos < head.size()) {
    std::size_t e = head.find("\r\n", pos);
    std::string line = head.substr(pos, e - pos);
    pos = e + 2;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    r.headers.emplace_back(line.substr(0, colon), trim(line.substr(colon + 1)));
  }
  const bool no_body =
      head_request || r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200);
  if (no_body) return r;
  if (ieq(r.header("Transfer-Encoding"), "chunked")) {
    r.chunked = true;
    while (true) {
      std::size_t le;
      while ((le = buffer_.find("\r\n")) == std::string::npos) {
        if (!fill(deadline)) return std::nullopt;
      }
      std::size_t size = std::stoul(buffer_.substr(0, le), nullptr, 16);
      buffer_.erase(0, le + 2);
      if (size == 0) {
        while ((le = buffer_.find("\r\n")) == std::string::npos) {
          if (!fill(deadline)) return std::nullopt;
        }
        // Skip trailer lines up to the empty one.
        while (le != 0) {
          buffer_.erase(0, le + 2);
          while ((le = buffer_.find("\r\n")) == std::string::npos) {
            if (!fill(deadline)) return std::nullopt;
          }
        }
        buffer_.erase(0, 2);
        return r;
      }
      while (buffer_.size() < size + 2) {
        if (!fill(deadline)) return std::nullopt;
      }
      r.body.append(buffer_, 0, size);
      buffer_.erase(0, size + 2);
    }
  }
  if (r.has_header("Content-Length")) {
    std::size_t length = std::stoul(r.header("Content-Length"));
    while (buffer_.size() < length) {
      if (!fill(deadline)) return std::nullopt;
    }
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return r;
  }
  while (fill(deadline)) {
  }
  if (!eof_) return std::nullopt;
  r.body = std::move(buffer_);
  buffer_.clear();
  return r;
}

bool RawConnection::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!eof_) {
    if (!fill(deadline) && !eof_) return false;
  }
  return true;
}

std::string RawConnection::read_available(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (fill(deadline)) {
  }
  std::string out = std::move(buffer_);
  buffer_.clear();
  return out;
}

std::optional<HttpResponse> http_request(int port, const std::string& method,
                                         const std::string& path, const std::string& host,
                                         const std::vector<std::string>& headers,
                                         const std::string& body) {
  RawConnection c(port);
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n";
  for (const auto& h : headers)
    req += h + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "Connection: close\r\n\r\n" + body;
  if (!c.send(req)) return std::nullopt;
  return c.read_response(method == "HEAD");
}

}  // namespace candela::testing

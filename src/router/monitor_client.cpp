// A minimal blocking HTTP client for the monitor's /state, with one deadline for everything.
#include "router/monitor_client.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "http/parser.hpp"
#include "router/routing_table.hpp"

namespace candela::router {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxBody = 64u << 20;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int remaining_ms(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(left);
}

bool wait_for(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  for (;;) {
    const int n = ::poll(&p, 1, remaining_ms(deadline));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

}  // namespace

Result<MonitorUrl> parse_monitor_url(std::string_view text) {
  constexpr std::string_view kScheme = "http://";
  if (text.substr(0, kScheme.size()) != kScheme) {
    return Error{"monitor URL must start with http:// (got \"" + std::string(text) + "\")"};
  }
  std::string_view rest = text.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  while (!path.empty() && path.back() == '/')
    path.remove_suffix(1);
  const auto host_port = split_host_port(authority);
  if (!host_port) return Error{"monitor URL has no valid host:port: " + std::string(text)};
  MonitorUrl url;
  url.text = std::string(text);
  url.host = host_port->first;
  url.port = host_port->second;
  url.base_path = std::string(path);
  return url;
}

Result<std::string> fetch_state(const MonitorUrl& url, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(url.port);
  if (const int rc = ::getaddrinfo(url.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return Error{"cannot resolve " + url.host + ": " + ::gai_strerror(rc), ErrorKind::kUnavailable};
  }
  std::string last_error = "no address";
  int connected = -1;
  for (addrinfo* a = found; a != nullptr && connected < 0; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last_error = std::strerror(errno);
      ::close(fd);
      continue;
    }
    int error = 0;
    socklen_t length = sizeof error;
    if (!wait_for(fd, POLLOUT, deadline) ||
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
      last_error = error != 0 ? std::strerror(error) : "connect timed out";
      ::close(fd);
      continue;
    }
    connected = fd;
  }
  ::freeaddrinfo(found);
  if (connected < 0) {
    return Error{"cannot connect to " + url.text + ": " + last_error, ErrorKind::kUnavailable};
  }
  Fd socket(connected);

  const std::string request = "GET " + url.base_path + "/state HTTP/1.1\r\nHost: " + url.host +
                              ":" + port +
                              "\r\nAccept: application/json\r\nConnection: close\r\n"
                              "User-Agent: candela-router\r\n\r\n";
  std::size_t written = 0;
  while (written < request.size()) {
    if (!wait_for(socket.get(), POLLOUT, deadline)) {
      return Error{"timed out sending to " + url.text, ErrorKind::kUnavailable};
    }
    const ssize_t n =
        ::send(socket.get(), request.data() + written, request.size() - written, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return Error{"send to " + url.text + ": " + std::strerror(errno), ErrorKind::kUnavailable};
    }
    if (n > 0) written += static_cast<std::size_t>(n);
  }

  std::string in;
  char chunk[16384];
  http::ResponseHead head;
  http::ParseLimits limits;
  bool have_head = false;
  bool eof = false;
  for (;;) {
    if (!have_head) {
      head.clear();
      const auto parsed = http::parse_response_head(in, "GET", limits, head);
      if (parsed.status == http::ParseStatus::kError) {
        return Error{url.text + " sent a malformed HTTP response", ErrorKind::kUnavailable};
      }
      have_head = parsed.status == http::ParseStatus::kComplete;
      if (have_head && head.status != 200) {
        return Error{url.text + "/state answered " + std::to_string(head.status),
                     ErrorKind::kUnavailable};
      }
      if (have_head && head.framing == http::BodyFraming::kContentLength &&
          head.content_length > kMaxBody) {
        return Error{url.text + "/state is too large", ErrorKind::kUnavailable};
      }
    }
    if (have_head) {
      const std::string_view body = std::string_view(in).substr(head.head_size);
      switch (head.framing) {
        case http::BodyFraming::kNone:
          return std::string();
        case http::BodyFraming::kContentLength:
          if (body.size() >= head.content_length) {
            return std::string(body.substr(0, head.content_length));
          }
          break;
        case http::BodyFraming::kChunked: {
          http::ChunkedDecoder decoder;
          std::string decoded;
          std::size_t consumed = 0;
          const auto r = decoder.decode(
              body, consumed, [&decoded](const char* p, std::size_t n) { decoded.append(p, n); });
          if (r == http::ChunkedDecoder::Result::kDone) return decoded;
          if (r == http::ChunkedDecoder::Result::kError) {
            return Error{url.text + "/state: bad chunked body", ErrorKind::kUnavailable};
          }
          break;
        }
        case http::BodyFraming::kUntilClose:
          if (eof) return std::string(body);
          break;
      }
    }
    if (eof) return Error{url.text + " closed the connection early", ErrorKind::kUnavailable};
    if (in.size() > kMaxBody)
      return Error{url.text + "/state is too large", ErrorKind::kUnavailable};
    if (!wait_for(socket.get(), POLLIN, deadline)) {
      return Error{"timed out reading " + url.text + "/state", ErrorKind::kUnavailable};
    }
    const ssize_t n = ::recv(socket.get(), chunk, sizeof chunk, 0);
    if (n == 0) {
      eof = true;
    } else if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return Error{"reading " + url.text + ": " + std::strerror(errno), ErrorKind::kUnavailable};
    } else {
      in.append(chunk, static_cast<std::size_t>(n));
    }
  }
}

}  // namespace candela::router

// The UDP receive/answer loop, batched with recvmmsg/sendmmsg to save system calls.
#include "router/dns_udp.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "router/dns_responder.hpp"

namespace candela::router {

namespace {
constexpr std::size_t kBatch = 32;
constexpr std::size_t kMaxQuery = 4096;

sockaddr_storage make_address(const std::string& host, std::uint16_t port, socklen_t& length) {
  sockaddr_storage storage{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    length = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    length = sizeof(sockaddr_in6);
  } else {
    throw std::runtime_error("not a numeric address: " + host);
  }
  return storage;
}
}  // namespace

int open_udp_socket(const std::string& host, std::uint16_t port) {
  socklen_t length = 0;
  const sockaddr_storage address = make_address(host, port, length);
  const int fd = socket(address.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
  // Bursts (a resolver farm, a benchmark) should queue, not drop, while a thread is busy.
  const int buffer_bytes = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof buffer_bytes);
  const timeval timeout{0, 200 * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
    const int error = errno;
    close(fd);
    throw std::runtime_error("cannot bind UDP " + host + ":" + std::to_string(port) + ": " +
                             std::strerror(error));
  }
  return fd;
}

std::uint16_t bound_port(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return 0;
  if (address.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
}

void serve_udp(int fd, DnsResponder& responder, const std::atomic<bool>& stopping) {
  std::array<std::array<char, kMaxQuery>, kBatch> buffers;
  std::array<sockaddr_storage, kBatch> peers;
  std::array<iovec, kBatch> in_vectors;
  std::array<mmsghdr, kBatch> in_messages;
  std::array<std::string, kBatch> replies;
  std::array<iovec, kBatch> out_vectors;
  std::array<mmsghdr, kBatch> out_messages;
  while (!stopping.load(std::memory_order_relaxed)) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      in_vectors[i] = iovec{buffers[i].data(), buffers[i].size()};
      in_messages[i] = mmsghdr{};
      in_messages[i].msg_hdr.msg_name = &peers[i];
      in_messages[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      in_messages[i].msg_hdr.msg_iov = &in_vectors[i];
      in_messages[i].msg_hdr.msg_iovlen = 1;
    }
    const int received = recvmmsg(fd, in_messages.data(), kBatch, MSG_WAITFORONE, nullptr);
    if (received <= 0) continue;  // timeout (stop check) or a transient error
    unsigned sending = 0;
    for (int i = 0; i < received; ++i) {
      const mmsghdr& message = in_messages[static_cast<std::size_t>(i)];
      if ((message.msg_hdr.msg_flags & MSG_TRUNC) != 0) continue;
      const auto peer =
          ip_from_sockaddr(reinterpret_cast<const sockaddr*>(&peers[static_cast<std::size_t>(i)]));
      if (!peer) continue;
      std::string& reply = replies[sending];
      const std::string_view query(buffers[static_cast<std::size_t>(i)].data(), message.msg_len);
      if (!responder.respond(query, *peer, /*tcp=*/false, reply)) continue;
      out_vectors[sending] = iovec{reply.data(), reply.size()};
      out_messages[sending] = mmsghdr{};
      out_messages[sending].msg_hdr.msg_name = &peers[static_cast<std::size_t>(i)];
      out_messages[sending].msg_hdr.msg_namelen = message.msg_hdr.msg_namelen;
      out_messages[sending].msg_hdr.msg_iov = &out_vectors[sending];
      out_messages[sending].msg_hdr.msg_iovlen = 1;
      ++sending;
    }
    unsigned sent = 0;
    while (sent < sending) {
      const int n = sendmmsg(fd, out_messages.data() + sent, sending - sent, 0);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        break;  // a full socket buffer or an unreachable peer: UDP may drop
      }
      sent += static_cast<unsigned>(n);
    }
  }
}

}  // namespace candela::router

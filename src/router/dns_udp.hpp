// DNS over UDP: SO_REUSEPORT sockets, one blocking recvmmsg/sendmmsg loop per thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace candela::router {

class DnsResponder;

// A bound UDP socket on host:port with SO_REUSEPORT (so several threads can bind the same
// port and the kernel spreads queries). Throws std::runtime_error with the reason.
int open_udp_socket(const std::string& host, std::uint16_t port);
// The port a socket is bound to.
std::uint16_t bound_port(int fd);

// Answers queries on `fd` until `stopping` is set (checked at least every 200 ms).
void serve_udp(int fd, DnsResponder& responder, const std::atomic<bool>& stopping);

}  // namespace candela::router

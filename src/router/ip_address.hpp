// IPv4 and IPv6 addresses and CIDR prefixes as the router compares them (bytes, no sockets).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sockaddr;

namespace candela::router {

enum class IpFamily : std::uint8_t { kV4, kV6 };

struct IpAddress {
  IpFamily family = IpFamily::kV4;
  // Network byte order; an IPv4 address uses the first 4 bytes, the rest stay zero.
  std::array<std::uint8_t, 16> bytes{};

  int bit_width() const noexcept { return family == IpFamily::kV4 ? 32 : 128; }
  bool operator==(const IpAddress&) const = default;
};

// A numeric IPv4 ("10.1.2.3") or IPv6 ("2001:db8::1") address; no brackets, no zone.
std::optional<IpAddress> parse_ip_address(std::string_view text);
// The address of a socket peer; an IPv4-mapped IPv6 address (::ffff:a.b.c.d from a dual-stack
// socket) becomes the IPv4 address it carries, so coverage zones need list IPv4 only once.
std::optional<IpAddress> ip_from_sockaddr(const sockaddr* addr);
std::string to_string(const IpAddress& address);

// `address` with every bit from `prefix_length` on cleared.
IpAddress masked(const IpAddress& address, int prefix_length) noexcept;

struct Cidr {
  IpAddress network;
  int prefix_length = 0;
  bool operator==(const Cidr&) const = default;
};

// "10.1.0.0/16", "2001:db8:1::/48". An error message when the text is not a CIDR, the length
// is out of range, or host bits are set (a typo more often than an intent).
std::optional<Cidr> parse_cidr(std::string_view text, std::string* error = nullptr);

}  // namespace candela::router

// Parsing and masking of IP addresses and CIDR prefixes.
#include "router/ip_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>

namespace candela::router {

std::optional<IpAddress> parse_ip_address(std::string_view text) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  char buffer[INET6_ADDRSTRLEN + 1];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  IpAddress out;
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buffer, out.bytes.data()) != 1) return std::nullopt;
    out.family = IpFamily::kV4;
    return out;
  }
  if (inet_pton(AF_INET6, buffer, out.bytes.data()) != 1) return std::nullopt;
  out.family = IpFamily::kV6;
  return out;
}

std::optional<IpAddress> ip_from_sockaddr(const sockaddr* addr) {
  IpAddress out;
  if (addr->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(addr);
    std::memcpy(out.bytes.data(), &v4->sin_addr, 4);
    out.family = IpFamily::kV4;
    return out;
  }
  if (addr->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(addr);
    const auto* b = reinterpret_cast<const std::uint8_t*>(&v6->sin6_addr);
    static constexpr std::uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(b, kMappedPrefix, 12) == 0) {
      std::memcpy(out.bytes.data(), b + 12, 4);
      out.family = IpFamily::kV4;
      return out;
    }
    std::memcpy(out.bytes.data(), b, 16);
    out.family = IpFamily::kV6;
    return out;
  }
  return std::nullopt;
}

std::string to_string(const IpAddress& address) {
  char buffer[INET6_ADDRSTRLEN];
  const int af = address.family == IpFamily::kV4 ? AF_INET : AF_INET6;
  if (inet_ntop(af, address.bytes.data(), buffer, sizeof buffer) == nullptr) return {};
  return buffer;
}

IpAddress masked(const IpAddress& address, int prefix_length) noexcept {
  IpAddress out = address;
  const int width = address.bit_width();
  if (prefix_length < 0) prefix_length = 0;
  for (int byte = 0; byte < width / 8; ++byte) {
    const int keep = prefix_length - byte * 8;
    if (keep >= 8) continue;
    out.bytes[static_cast<std::size_t>(byte)] &=
        keep <= 0 ? 0 : static_cast<std::uint8_t>(0xff << (8 - keep));
  }
  return out;
}

std::optional<Cidr> parse_cidr(std::string_view text, std::string* error) {
  const auto fail = [error](const char* why) -> std::optional<Cidr> {
    if (error != nullptr) *error = why;
    return std::nullopt;
  };
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return fail("not a CIDR (address/length)");
  const auto address = parse_ip_address(text.substr(0, slash));
  if (!address) return fail("not a CIDR: the address is not an IPv4 or IPv6 literal");
  const std::string_view digits = text.substr(slash + 1);
  int length = -1;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
  if (digits.empty() || digits.size() > 3 || ec != std::errc() ||
      end != digits.data() + digits.size() || length < 0 || length > address->bit_width()) {
    return fail(address->family == IpFamily::kV4 ? "not a CIDR: the length must be 0..32"
                                                 : "not a CIDR: the length must be 0..128");
  }
  Cidr out{*address, length};
  if (masked(*address, length) != *address) {
    return fail("not a CIDR: host bits are set after the prefix length");
  }
  return out;
}

}  // namespace candela::router

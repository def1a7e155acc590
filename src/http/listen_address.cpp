// Parsing of --listen values.
#include "http/listen_address.hpp"

#include <charconv>

namespace candela::http {

Result<ListenAddress> parse_listen_address(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return Error{"listen address '" + std::string(text) + "' needs a port, e.g. 127.0.0.1:8081"};
  }
  auto host = text.substr(0, colon);
  const auto port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return Error{"IPv6 listen addresses need brackets, e.g. [::1]:8081"};
  }
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return Error{"listen address '" + std::string(text) + "' has an invalid port"};
  }
  ListenAddress out;
  out.host = host.empty() ? "0.0.0.0" : std::string(host);
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

}  // namespace candela::http

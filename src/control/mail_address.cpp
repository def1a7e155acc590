// is_mailable_address: a deliberately narrow check; anything odd is refused, not repaired.
#include "control/mail_address.hpp"

#include <algorithm>

namespace candela::control {

bool is_mailable_address(std::string_view address) {
  if (address.size() < 3 || address.size() > 254) return false;
  const auto at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return false;
  if (address.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view domain = address.substr(at + 1);
  if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string_view::npos)
    return false;
  static constexpr std::string_view kForbidden = "<>()[]\\,;:\" ";
  return std::all_of(address.begin(), address.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7F && kForbidden.find(c) == std::string_view::npos;
  });
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace candela::control

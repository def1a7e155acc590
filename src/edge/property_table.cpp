// Host → property lookup without allocation on the request path.
#include "edge/property_table.hpp"

#include <array>

namespace candela::edge {

PropertyTable::PropertyTable(const std::vector<std::shared_ptr<const Property>>& properties,
                             ServiceStates::Set suspended)
    : properties_(properties), suspended_(std::move(suspended)) {
  for (const auto& p : properties_) {
    for (const auto& alias : p->aliases)
      by_alias_.emplace(alias, p);
  }
}

const std::shared_ptr<const Property>* PropertyTable::find_exact(
    std::string_view lowered) const noexcept {
  auto it = by_alias_.find(lowered);
  return it == by_alias_.end() ? nullptr : &it->second;
}

const std::shared_ptr<const Property>* PropertyTable::find(std::string_view host) const noexcept {
  // Host names are short; lower-case into a stack buffer instead of allocating.
  std::array<char, 256> buf;
  if (host.empty() || host.size() > buf.size()) return nullptr;
  for (std::size_t i = 0; i < host.size(); ++i) {
    char c = host[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  std::string_view lowered(buf.data(), host.size());
  if (const auto* p = find_exact(lowered)) return p;
  // "example.com:8080" also matches the alias "example.com"; a trailing dot is ignored.
  if (lowered.front() != '[') {
    if (auto colon = lowered.rfind(':'); colon != std::string_view::npos) {
      lowered = lowered.substr(0, colon);
      if (const auto* p = find_exact(lowered)) return p;
    }
  }
  if (!lowered.empty() && lowered.back() == '.')
    return find_exact(lowered.substr(0, lowered.size() - 1));
  return nullptr;
}

}  // namespace candela::edge

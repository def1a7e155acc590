// Finds the property that answers a request's Host; rebuilt and swapped whole on reconfiguration.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "edge/edge_config.hpp"

namespace candela::edge {

class PropertyTable {
 public:
  explicit PropertyTable(const std::vector<std::shared_ptr<const Property>>& properties);

  // The property for a Host value (case-insensitive; "name:port" matches an alias with that
  // port or, failing that, the bare name). Null when no property has that alias.
  const std::shared_ptr<const Property>* find(std::string_view host) const noexcept;
  std::size_t size() const noexcept { return properties_.size(); }
  const std::vector<std::shared_ptr<const Property>>& properties() const { return properties_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  const std::shared_ptr<const Property>* find_exact(std::string_view lowered) const noexcept;

  std::vector<std::shared_ptr<const Property>> properties_;
  std::unordered_map<std::string, std::shared_ptr<const Property>, Hash, std::equal_to<>> by_alias_;
};

}  // namespace candela::edge

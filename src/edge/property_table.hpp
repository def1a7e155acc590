// Finds the property that answers a request's Host, and says whether its service is suspended;
// rebuilt and swapped whole on reconfiguration and on every service state change.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "edge/edge_config.hpp"
#include "edge/service_states.hpp"

namespace candela::edge {

class PropertyTable {
 public:
  explicit PropertyTable(const std::vector<std::shared_ptr<const Property>>& properties,
                         ServiceStates::Set suspended = {});

  // The property for a Host value (case-insensitive; "name:port" matches an alias with that
  // port or, failing that, the bare name). Null when no property has that alias.
  const std::shared_ptr<const Property>* find(std::string_view host) const noexcept;
  // True when requests to properties of this service answer the suspension response.
  bool is_suspended(std::string_view service_id) const {
    return !suspended_.empty() && suspended_.count(service_id) != 0;
  }
  const ServiceStates::Set& suspended() const { return suspended_; }
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
  ServiceStates::Set suspended_;
};

}  // namespace candela::edge

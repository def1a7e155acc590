// Role names and the role → action policy.
#include "control/principal.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace candela::control {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 12> kRoleNames{{
    {Role::kAdmin, "admin"},
    {Role::kTechnical, "technical"},
    {Role::kBilling, "billing"},
    {Role::kReadOnly, "read_only"},
    {Role::kAccountDirector, "account_director"},
    {Role::kSalesEngineer, "sales_engineer"},
    {Role::kCustomerCareManager, "customer_care_manager"},
    {Role::kActivationEngineer, "activation_engineer"},
    {Role::kCdnSupportTechnician, "cdn_support_technician"},
    {Role::kBillingCoordinator, "billing_coordinator"},
    {Role::kNocEngineer, "noc_engineer"},
    {Role::kProviderAdmin, "provider_admin"},
}};

}  // namespace

std::string_view role_name(Role role) {
  for (const auto& [r, name] : kRoleNames)
    if (r == role) return name;
  return "unknown";
}

std::optional<Role> parse_role(std::string_view name) {
  for (const auto& [r, n] : kRoleNames)
    if (n == name) return r;
  return std::nullopt;
}

bool is_provider_role(Role role) {
  return role != Role::kAdmin && role != Role::kTechnical && role != Role::kBilling &&
         role != Role::kReadOnly;
}

const std::vector<Role>& all_roles() {
  static const std::vector<Role> roles = [] {
    std::vector<Role> out;
    for (const auto& entry : kRoleNames)
      out.push_back(entry.first);
    return out;
  }();
  return roles;
}

bool Principal::is_provider() const {
  return std::any_of(grants.begin(), grants.end(),
                     [](const RoleGrant& g) { return is_provider_role(g.role); });
}

bool Principal::has_provider_role(Role role) const {
  return std::any_of(grants.begin(), grants.end(), [role](const RoleGrant& g) {
    return g.role == role && !g.access_group_id.has_value();
  });
}

bool provider_role_allows(Role role, Action action) {
  switch (role) {
    case Role::kProviderAdmin:
      return true;
    case Role::kActivationEngineer:
    case Role::kCdnSupportTechnician:
      return action == Action::kRead || action == Action::kConfigure ||
             action == Action::kProvision;
    case Role::kNocEngineer:
      return action == Action::kRead || action == Action::kConfigure;
    case Role::kBillingCoordinator:
      return action == Action::kRead || action == Action::kManageBilling;
    case Role::kAccountDirector:
    case Role::kSalesEngineer:
    case Role::kCustomerCareManager:
      return action == Action::kRead;
    default:
      return false;
  }
}

bool customer_role_allows(Role role, Action action) {
  switch (role) {
    case Role::kAdmin:
      return action != Action::kProvision;
    case Role::kTechnical:
      return action == Action::kRead || action == Action::kConfigure;
    case Role::kBilling:
      return action == Action::kRead || action == Action::kManageBilling;
    case Role::kReadOnly:
      return action == Action::kRead;
    default:
      return false;
  }
}

}  // namespace candela::control

// Who is making a request, as the domain layer sees it: a user (or an API key acting for an
// access group), their roles, and whether an admin is mimicking them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace candela::control {

enum class Role {
  // Customer roles: scoped to an access group and inherited by its descendants.
  kAdmin,
  kTechnical,
  kBilling,
  kReadOnly,
  // Provider (staff) roles: not scoped; they reach every customer.
  kAccountDirector,
  kSalesEngineer,
  kCustomerCareManager,
  kActivationEngineer,
  kCdnSupportTechnician,
  kBillingCoordinator,
  kNocEngineer,
  kProviderAdmin,
};

// The stored name, e.g. "read_only", "cdn_support_technician".
std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);
bool is_provider_role(Role role);
// Every role, customer roles first.
const std::vector<Role>& all_roles();

struct RoleGrant {
  Role role;
  std::optional<long long> access_group_id;  // set for customer roles only
  bool operator==(const RoleGrant&) const = default;
};

struct Principal {
  long long user_id = 0;
  std::string name;
  std::string email;
  std::vector<RoleGrant> grants;
  // The admin who is acting as this user ("mimic user"); audited with every change.
  std::optional<long long> mimicked_by;
  // Set when the request was signed with an API key; the key's single grant is in `grants`.
  std::optional<std::string> api_key_id;

  bool is_provider() const;
  bool has_provider_role(Role role) const;
};

// What a principal wants to do with something that belongs to an access group.
enum class Action {
  kRead,           // see it
  kConfigure,      // edit, validate, deploy configurations; request invalidations
  kManageUsers,    // users, roles and API keys of the group
  kManageBilling,  // billing details, invoices (billing role)
  kProvision,      // create services, change their state (provider staff)
};

// The policy in one place (docs/api-conventions.md, "Roles"):
//   customer admin: everything within its groups; technical: read + configure;
//   billing: read + billing; read_only: read.
//   provider_admin: everything everywhere; activation engineer and CDN support technician:
//   read + configure + provision; NOC engineer: read + configure (purges during incidents);
//   account director, sales engineer, customer care manager: read; billing coordinator:
//   read + billing.
bool provider_role_allows(Role role, Action action);
bool customer_role_allows(Role role, Action action);

}  // namespace candela::control

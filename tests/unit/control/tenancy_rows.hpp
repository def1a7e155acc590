// Plain-SQL rows for store-test fixtures: access groups, customers and users with one role,
// written straight into the tables (no domain rules, no audit) to set the scene quickly.
#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>

#include "control/principal.hpp"

namespace candela::control {

inline long long insert_group_row(soci::session& s, const std::string& name,
                                  std::optional<long long> parent) {
  long long id = 0;
  long long parent_id = parent.value_or(0);
  soci::indicator ind = parent ? soci::i_ok : soci::i_null;
  s << "INSERT INTO access_groups (parent_id, name, created_at) VALUES (:p, :n, 0) RETURNING id",
      soci::use(parent_id, ind), soci::use(name), soci::into(id);
  return id;
}

inline long long insert_customer_row(soci::session& s, const std::string& number,
                                     const std::string& name, long long organisation) {
  long long id = 0;
  s << "INSERT INTO customers (customer_number, name, country, created_at, organisation_id)"
       " VALUES (:n, :name, 'GB', 0, :org) RETURNING id",
      soci::use(number), soci::use(name), soci::use(organisation), soci::into(id);
  return id;
}

// A user holding `role` (on `group` for customer roles), as the Principal it signs in as.
inline Principal insert_user_row(soci::session& s, const std::string& name,
                                 const std::string& email, Role role,
                                 std::optional<long long> group) {
  Principal p;
  p.name = name;
  p.email = email;
  s << "INSERT INTO users (name, email, created_at) VALUES (:n, :e, 0) RETURNING id",
      soci::use(p.name), soci::use(p.email), soci::into(p.user_id);
  const std::string role_text(role_name(role));
  long long group_id = group.value_or(0);
  soci::indicator ind = group ? soci::i_ok : soci::i_null;
  s << "INSERT INTO user_roles (user_id, role, access_group_id) VALUES (:u, :r, :g)",
      soci::use(p.user_id), soci::use(role_text), soci::use(group_id, ind);
  p.grants.push_back({role, group});
  return p;
}

}  // namespace candela::control

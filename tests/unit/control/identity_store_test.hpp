// Fixture for the identity domain's store tests: a small tenancy (two organisations, provider
// staff) on SQLite and PostgreSQL, and helpers to act as each of them.
#pragma once

#include <soci/soci.h>

#include "control/access_groups.hpp"
#include "control/principal_audit.hpp"
#include "control/users.hpp"
#include "store_test.hpp"

namespace candela::control {

class IdentityStoreTest : public StoreTest {
 protected:
  static constexpr const char* kPassword = "correct horse battery";

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_store(/*migrate=*/true));
    // Acme ─┬─ UK
    //       └─ France
    // Beta
    acme_ = group(std::nullopt, "Acme");
    uk_ = group(acme_, "UK");
    france_ = group(acme_, "France");
    beta_ = group(std::nullopt, "Beta");
    acme_admin_ = user("admin@acme.example", {{Role::kAdmin, acme_}});
    uk_admin_ = user("uk-admin@acme.example", {{Role::kAdmin, uk_}});
    uk_tech_ = user("tech@acme.example", {{Role::kTechnical, uk_}});
    uk_reader_ = user("reader@acme.example", {{Role::kReadOnly, uk_}});
    beta_admin_ = user("admin@beta.example", {{Role::kAdmin, beta_}});
    staff_ = user("staff@provider.example", {{Role::kProviderAdmin, std::nullopt}});
    noc_ = user("noc@provider.example", {{Role::kNocEngineer, std::nullopt}});
  }

  template <typename Fn>
  auto tx(Fn&& fn) {
    return db_->with_transaction(std::forward<Fn>(fn));
  }

  Users users(soci::session& s) { return Users(s, clock_, PasswordCost::minimal()); }

  long long group(std::optional<long long> parent, const std::string& name) {
    auto made = tx([&](soci::session& s) { return AccessGroups(s, clock_).create(parent, name); });
    EXPECT_TRUE(made.ok()) << made.error();
    return made.ok() ? made->id : -1;
  }

  long long user(const std::string& email, const std::vector<RoleGrant>& grants) {
    NewUser request;
    request.profile.name = email.substr(0, email.find('@'));
    request.profile.email = email;
    request.grants = grants;
    request.password = kPassword;
    auto made = tx([&](soci::session& s) { return users(s).create(system_principal(), request); });
    EXPECT_TRUE(made.ok()) << made.error();
    return made.ok() ? made->id : -1;
  }

  Principal as(long long user_id) {
    auto principal = tx([&](soci::session& s) { return users(s).load_principal(user_id); });
    EXPECT_TRUE(principal.ok()) << principal.error();
    return principal.ok() ? principal.value() : Principal{};
  }

  // How many audit rows an entity has.
  long long audit_count(const std::string& type, const std::string& id) {
    auto count = tx([&](soci::session& s) -> Result<long long> {
      long long n = 0;
      s << "SELECT COUNT(*) FROM audit_log WHERE entity_type = :t AND entity_id = :i",
          soci::use(type), soci::use(id), soci::into(n);
      return n;
    });
    return count.ok() ? count.value() : -1;
  }

  long long acme_ = 0, uk_ = 0, france_ = 0, beta_ = 0;
  long long acme_admin_ = 0, uk_admin_ = 0, uk_tech_ = 0, uk_reader_ = 0, beta_admin_ = 0;
  long long staff_ = 0, noc_ = 0;
};

}  // namespace candela::control

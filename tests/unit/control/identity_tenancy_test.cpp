// Customers, account teams, access group administration, API keys and audit trails: the
// tenancy rules of each, on both databases.
#include <gtest/gtest.h>

#include "control/access_group_admin.hpp"
#include "control/api_keys.hpp"
#include "control/audit_trail.hpp"
#include "control/customers.hpp"
#include "identity_store_test.hpp"

namespace candela::control {
namespace {

class IdentityTenancyTest : public IdentityStoreTest {
 protected:
  Customers customers(soci::session& s) { return Customers(s, clock_, random_); }

  std::string customer(long long organisation, const std::string& name) {
    NewCustomer request;
    request.name = name;
    request.organisation_id = organisation;
    request.country = "GB";
    request.invoice_delivery = InvoiceDelivery::kPortal;
    const Principal staff = as(staff_);
    auto made = tx([&](soci::session& s) { return customers(s).create(staff, request); });
    EXPECT_TRUE(made.ok()) << made.error();
    return made.ok() ? made->customer_number : "";
  }

  SeededRandom random_{42};
  MasterKey master_ = MasterKey::from_bytes(std::string(32, 'm'));
};

TEST_P(IdentityTenancyTest, CustomersAreSeenFromAnywhereInTheirOrganisation) {
  const std::string acme = customer(acme_, "Acme Ltd");
  const std::string beta = customer(beta_, "Beta GmbH");
  EXPECT_TRUE(is_customer_number(acme));
  EXPECT_NE(acme, beta);
  const Principal tech = as(uk_tech_);
  EXPECT_TRUE(tx([&](soci::session& s) { return customers(s).get(tech, acme); }).ok());
  EXPECT_EQ(tx([&](soci::session& s) { return customers(s).get(tech, beta); }).error_kind(),
            ErrorKind::kNotFound);
  auto listed = tx([&](soci::session& s) { return customers(s).list(tech, 0, 50); });
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->customers.size(), 1u);
  EXPECT_EQ(listed->customers[0].customer_number, acme);
  // Billing details: admin or billing on the organisation, not a group below it.
  CustomerChange change;
  change.name = "Acme plc";
  const Principal uk_admin = as(uk_admin_);
  EXPECT_EQ(tx([&](soci::session& s) {
              return customers(s).update(uk_admin, acme, change);
            }).error_kind(),
            ErrorKind::kForbidden);
  const Principal acme_admin = as(acme_admin_);
  EXPECT_TRUE(
      tx([&](soci::session& s) { return customers(s).update(acme_admin, acme, change); }).ok());
  change.country = "XX";
  auto bad = tx([&](soci::session& s) { return customers(s).update(acme_admin, acme, change); });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.failure().fields[0].first, "/country");
  EXPECT_EQ(audit_count("customer", acme), 2);  // create, update
  NewCustomer by_customer;
  by_customer.name = "Mine";
  by_customer.country = "GB";
  by_customer.invoice_delivery = InvoiceDelivery::kPortal;
  EXPECT_EQ(tx([&](soci::session& s) {
              return customers(s).create(acme_admin, by_customer);
            }).error_kind(),
            ErrorKind::kForbidden);
}

TEST_P(IdentityTenancyTest, AccountTeamSlotsTakeStaffOfThatRole) {
  const std::string acme = customer(acme_, "Acme Ltd");
  const long long director = user("ad@provider.example", {{Role::kAccountDirector, std::nullopt}});
  const Principal staff = as(staff_);
  auto team = tx([&](soci::session& s) {
    return customers(s).assign_account_team(staff, acme, Role::kAccountDirector, director);
  });
  ASSERT_TRUE(team.ok()) << team.error();
  EXPECT_EQ((*team)[0].user_id, director);
  EXPECT_EQ(tx([&](soci::session& s) {
              return customers(s).assign_account_team(staff, acme, Role::kSalesEngineer, director);
            }).error_kind(),
            ErrorKind::kInvalid);
  EXPECT_EQ(tx([&](soci::session& s) {
              return customers(s).assign_account_team(staff, acme, Role::kNocEngineer, noc_);
            }).error_kind(),
            ErrorKind::kNotFound);
  const Principal acme_admin = as(acme_admin_);
  EXPECT_EQ(tx([&](soci::session& s) {
              return customers(s).assign_account_team(acme_admin, acme, Role::kAccountDirector,
                                                      std::nullopt);
            }).error_kind(),
            ErrorKind::kForbidden);
  const Principal reader = as(uk_reader_);
  const Principal beta_admin = as(beta_admin_);
  auto seen = tx([&](soci::session& s) { return customers(s).account_team(reader, acme); });
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ((*seen)[0].email, "ad@provider.example");
  EXPECT_EQ(tx([&](soci::session& s) {
              return customers(s).account_team(beta_admin, acme);
            }).error_kind(),
            ErrorKind::kNotFound);
}

TEST_P(IdentityTenancyTest, GroupAdministrationStaysWithinReach) {
  const Principal uk_admin = as(uk_admin_);
  auto child = tx(
      [&](soci::session& s) { return AccessGroupAdmin(s, clock_).create(uk_admin, uk_, "Video"); });
  ASSERT_TRUE(child.ok()) << child.error();
  EXPECT_EQ(tx([&](soci::session& s) {
              return AccessGroupAdmin(s, clock_).create(uk_admin, france_, "Nope");
            }).error_kind(),
            ErrorKind::kNotFound);
  EXPECT_EQ(tx([&](soci::session& s) {
              return AccessGroupAdmin(s, clock_).create(uk_admin, std::nullopt, "Org");
            }).error_kind(),
            ErrorKind::kForbidden);
  AccessGroupChange move;
  move.parent_id = std::optional<long long>{france_};
  EXPECT_EQ(tx([&](soci::session& s) {
              return AccessGroupAdmin(s, clock_).update(uk_admin, child->id, move);
            }).error_kind(),
            ErrorKind::kNotFound);
  const Principal acme_admin = as(acme_admin_);
  EXPECT_TRUE(tx([&](soci::session& s) {
                return AccessGroupAdmin(s, clock_).update(acme_admin, child->id, move);
              }).ok());
  AccessGroupChange hide;
  hide.customer_visible = false;
  EXPECT_EQ(tx([&](soci::session& s) {
              return AccessGroupAdmin(s, clock_).update(acme_admin, child->id, hide);
            }).error_kind(),
            ErrorKind::kForbidden);
  const Principal staff = as(staff_);
  ASSERT_TRUE(tx([&](soci::session& s) {
                return AccessGroupAdmin(s, clock_).update(staff, child->id, hide);
              }).ok());
  // Hidden from customers, in lists and by id.
  auto listed =
      tx([&](soci::session& s) { return AccessGroupAdmin(s, clock_).list(acme_admin, 0, 50); });
  ASSERT_TRUE(listed.ok());
  for (const auto& group : listed->groups)
    EXPECT_NE(group.id, child->id);
  EXPECT_EQ(tx([&](soci::session& s) {
              return AccessGroupAdmin(s, clock_).get(acme_admin, child->id);
            }).error_kind(),
            ErrorKind::kNotFound);
  EXPECT_EQ(audit_count("access_group", std::to_string(child->id)), 3);  // create, move, hide
}

TEST_P(IdentityTenancyTest, ApiKeysCarryOneCustomerGrantAndSealTheirSigningKey) {
  const Principal uk_admin = as(uk_admin_);
  const Principal uk_tech = as(uk_tech_);
  const Principal staff = as(staff_);
  const Principal beta_admin = as(beta_admin_);
  auto issued = tx([&](soci::session& s) {
    return ApiKeys(s, clock_, master_).create(uk_admin, {uk_, Role::kTechnical, "deploys"});
  });
  ASSERT_TRUE(issued.ok()) << issued.error();
  auto credentials = tx([&](soci::session& s) {
    return ApiKeys(s, clock_, master_).credentials(issued->key.key_id);
  });
  ASSERT_TRUE(credentials.ok() && credentials.value());
  EXPECT_EQ((*credentials)->signing_key, derive_api_signing_key(issued->secret));
  EXPECT_EQ((*credentials)->principal.grants, (std::vector<RoleGrant>{{Role::kTechnical, uk_}}));
  EXPECT_EQ((*credentials)->principal.api_key_id, issued->key.key_id);
  // Neither the secret nor the signing key is stored in the clear.
  auto row = tx([&](soci::session& s) -> Result<std::string> {
    std::string hash, sealed;
    s << "SELECT secret_hash, signing_key_sealed FROM api_keys", soci::into(hash),
        soci::into(sealed);
    return hash + "|" + sealed;
  });
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->find(issued->secret), std::string::npos);
  // Another master key cannot use it.
  const MasterKey other = MasterKey::from_bytes(std::string(32, 'o'));
  auto foreign = tx(
      [&](soci::session& s) { return ApiKeys(s, clock_, other).credentials(issued->key.key_id); });
  ASSERT_TRUE(foreign.ok());
  EXPECT_FALSE(foreign.value());

  EXPECT_EQ(tx([&](soci::session& s) {
              return ApiKeys(s, clock_, master_).create(uk_admin, {france_, Role::kAdmin, ""});
            }).error_kind(),
            ErrorKind::kNotFound);
  EXPECT_EQ(tx([&](soci::session& s) {
              return ApiKeys(s, clock_, master_).create(uk_tech, {uk_, Role::kReadOnly, ""});
            }).error_kind(),
            ErrorKind::kForbidden);
  EXPECT_EQ(tx([&](soci::session& s) {
              return ApiKeys(s, clock_, master_).create(staff, {uk_, Role::kProviderAdmin, ""});
            }).error_kind(),
            ErrorKind::kInvalid);
  EXPECT_EQ(tx([&](soci::session& s) {
              return ApiKeys(s, clock_, master_).get(beta_admin, issued->key.key_id);
            }).error_kind(),
            ErrorKind::kNotFound);
  // Disabled keys have no credentials; regenerating changes the signing key.
  ASSERT_TRUE(
      tx([&](soci::session& s) {
        return ApiKeys(s, clock_, master_).update(uk_admin, issued->key.key_id, true, std::nullopt);
      }).ok());
  auto disabled = tx([&](soci::session& s) {
    return ApiKeys(s, clock_, master_).credentials(issued->key.key_id);
  });
  EXPECT_FALSE(disabled.value());
  auto fresh = tx([&](soci::session& s) {
    return ApiKeys(s, clock_, master_).regenerate(uk_admin, issued->key.key_id);
  });
  ASSERT_TRUE(fresh.ok());
  EXPECT_NE(fresh->secret, issued->secret);
  EXPECT_EQ(audit_count("api_key", issued->key.key_id), 3);
}

TEST_P(IdentityTenancyTest, AuditTrailsFollowWhatTheReaderMaySee) {
  const Principal tech = as(uk_tech_);
  auto trail = [&](const Principal& who, const std::string& type, const std::string& id) {
    return tx([&](soci::session& s) { return AuditTrail(s, clock_).list(who, type, id, 0, 50); });
  };
  EXPECT_TRUE(trail(tech, "user", std::to_string(uk_reader_)).ok());
  EXPECT_EQ(trail(tech, "user", std::to_string(acme_admin_)).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(trail(tech, "user", std::to_string(beta_admin_)).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(trail(tech, "user", "x").error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(trail(tech, "edge", "edge-1").error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(trail(tech, "service", "AB12CD34E").error_kind(), ErrorKind::kNotFound);
  const Principal noc = as(noc_);
  auto staff = trail(noc, "user", std::to_string(beta_admin_));
  ASSERT_TRUE(staff.ok());
  ASSERT_EQ(staff->records.size(), 1u);
  EXPECT_EQ(staff->records[0].entry.action, "create");
  EXPECT_FALSE(staff->records[0].entry.actor_user_id);  // the system principal
}

INSTANTIATE_TEST_SUITE_P(Stores, IdentityTenancyTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control

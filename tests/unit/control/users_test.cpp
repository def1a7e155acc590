// Users: who sees and manages whom, role grants without escalation, profiles, passwords, and
// that refused changes store nothing.
#include "control/users.hpp"

#include <gtest/gtest.h>

#include "identity_store_test.hpp"

namespace candela::control {
namespace {

class UsersTest : public IdentityStoreTest {
 protected:
  Result<User> get(long long actor, long long id) {
    const Principal principal = as(actor);
    return tx([&](soci::session& s) { return users(s).get(principal, id); });
  }
  Result<User> set_roles(long long actor, long long id, std::vector<RoleGrant> grants) {
    const Principal principal = as(actor);
    return tx([&](soci::session& s) { return users(s).set_roles(principal, id, grants); });
  }
  std::vector<long long> listed(long long actor) {
    const Principal principal = as(actor);
    auto page = tx([&](soci::session& s) { return users(s).list(principal, 0, 500); });
    EXPECT_TRUE(page.ok()) << page.error();
    std::vector<long long> ids;
    if (page.ok())
      for (const auto& u : page->users)
        ids.push_back(u.id);
    return ids;
  }
};

TEST_P(UsersTest, VisibilityFollowsTheGroupsOfTheRoles) {
  EXPECT_EQ(listed(uk_tech_), (std::vector<long long>{uk_admin_, uk_tech_, uk_reader_}));
  EXPECT_EQ(listed(acme_admin_),
            (std::vector<long long>{acme_admin_, uk_admin_, uk_tech_, uk_reader_}));
  EXPECT_EQ(listed(beta_admin_), (std::vector<long long>{beta_admin_}));
  EXPECT_EQ(listed(noc_).size(), 7u);
  EXPECT_EQ(get(uk_tech_, acme_admin_).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(get(beta_admin_, uk_tech_).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(get(acme_admin_, staff_).error_kind(), ErrorKind::kNotFound);
  EXPECT_TRUE(get(uk_tech_, uk_tech_).ok());
  EXPECT_TRUE(get(noc_, beta_admin_).ok());
}

TEST_P(UsersTest, PagesFollowEachOther) {
  const Principal staff = as(staff_);
  auto first = tx([&](soci::session& s) { return users(s).list(staff, 0, 4); });
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->users.size(), 4u);
  ASSERT_TRUE(first->next_after_id);
  auto second =
      tx([&](soci::session& s) { return users(s).list(staff, *first->next_after_id, 4); });
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->users.size(), 3u);
  EXPECT_FALSE(second->next_after_id);
  EXPECT_FALSE(tx([&](soci::session& s) { return users(s).list(staff, 0, 0); }).ok());
}

TEST_P(UsersTest, AdminsGrantOnlyWithinTheirReach) {
  EXPECT_TRUE(set_roles(uk_admin_, uk_tech_, {{Role::kAdmin, uk_}}).ok());
  EXPECT_EQ(set_roles(uk_admin_, uk_tech_, {{Role::kAdmin, acme_}}).error_kind(),
            ErrorKind::kNotFound);
  EXPECT_EQ(set_roles(uk_admin_, uk_tech_, {{Role::kAdmin, beta_}}).error_kind(),
            ErrorKind::kNotFound);
  EXPECT_EQ(set_roles(uk_admin_, uk_tech_, {{Role::kProviderAdmin, std::nullopt}}).error_kind(),
            ErrorKind::kForbidden);
  EXPECT_EQ(set_roles(uk_admin_, uk_tech_, {{Role::kAdmin, 999999}}).error_kind(),
            ErrorKind::kNotFound);
  EXPECT_EQ(set_roles(uk_reader_, uk_tech_, {{Role::kReadOnly, uk_}}).error_kind(),
            ErrorKind::kForbidden);
  EXPECT_EQ(set_roles(noc_, uk_reader_, {{Role::kAdmin, uk_}}).error_kind(), ErrorKind::kForbidden);
  // The acme admin may take roles away anywhere in Acme, the UK admin not from the acme admin.
  EXPECT_EQ(set_roles(uk_admin_, acme_admin_, {{Role::kAdmin, uk_}}).error_kind(),
            ErrorKind::kNotFound);
  auto moved = set_roles(acme_admin_, uk_admin_, {{Role::kReadOnly, france_}});
  EXPECT_TRUE(moved.ok()) << moved.error();
  auto promoted = set_roles(
      staff_, noc_, {{Role::kNocEngineer, std::nullopt}, {Role::kAccountDirector, std::nullopt}});
  EXPECT_TRUE(promoted.ok()) << promoted.error();
  // After all that, only the allowed changes were stored.
  auto grants_of = [&](long long id) {
    auto user = get(staff_, id);
    EXPECT_TRUE(user.ok()) << user.error();
    return user.ok() ? user->grants : std::vector<RoleGrant>{};
  };
  EXPECT_EQ(grants_of(uk_tech_), (std::vector<RoleGrant>{{Role::kAdmin, uk_}}));
  EXPECT_EQ(grants_of(acme_admin_), (std::vector<RoleGrant>{{Role::kAdmin, acme_}}));
  EXPECT_EQ(grants_of(uk_admin_), (std::vector<RoleGrant>{{Role::kReadOnly, france_}}));
}

TEST_P(UsersTest, MalformedGrantsAreLocated) {
  auto unscoped = set_roles(staff_, uk_tech_, {{Role::kTechnical, std::nullopt}});
  ASSERT_FALSE(unscoped.ok());
  ASSERT_EQ(unscoped.failure().fields.size(), 1u);
  EXPECT_EQ(unscoped.failure().fields[0].first, "/roles/0/access_group_id");
  auto scoped_provider = set_roles(staff_, noc_, {{Role::kNocEngineer, uk_}});
  EXPECT_EQ(scoped_provider.error_kind(), ErrorKind::kInvalid);
  auto twice = set_roles(staff_, uk_tech_, {{Role::kTechnical, uk_}, {Role::kTechnical, uk_}});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.failure().fields[0].first, "/roles/1");
}

TEST_P(UsersTest, CreatingValidatesEverythingAndAudits) {
  const Principal admin = as(uk_admin_);
  NewUser bad;
  bad.profile.name = " ";
  bad.profile.email = "nope";
  bad.profile.language = "english";
  bad.profile.phone_office = "call me";
  bad.password = "short";
  auto refused = tx([&](soci::session& s) { return users(s).create(admin, bad); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.failure().fields.size(), 5u);

  NewUser good;
  good.profile.name = "  Dana  ";
  good.profile.email = " Dana@Acme.EXAMPLE ";
  good.profile.language = "pt-BR";
  good.grants = {{Role::kBilling, uk_}};
  auto made = tx([&](soci::session& s) { return users(s).create(admin, good); });
  ASSERT_TRUE(made.ok()) << made.error();
  EXPECT_EQ(made->profile.name, "Dana");
  EXPECT_EQ(made->profile.email, "dana@acme.example");
  EXPECT_FALSE(made->has_password);
  EXPECT_EQ(audit_count("user", std::to_string(made->id)), 1);
  auto again = tx([&](soci::session& s) { return users(s).create(admin, good); });
  EXPECT_EQ(again.error_kind(), ErrorKind::kConflict);
  NewUser roleless = good;
  roleless.profile.email = "e@acme.example";
  roleless.grants.clear();
  EXPECT_EQ(tx([&](soci::session& s) { return users(s).create(admin, roleless); }).error_kind(),
            ErrorKind::kInvalid);
  const Principal noc = as(noc_);
  EXPECT_EQ(tx([&](soci::session& s) { return users(s).create(noc, roleless); }).error_kind(),
            ErrorKind::kForbidden);
}

TEST_P(UsersTest, PasswordsProfilesAndDisabling) {
  const Principal tech = as(uk_tech_);
  EXPECT_EQ(tx([&](soci::session& s) {
              return users(s).change_own_password(tech, "wrong!", "a new long password");
            }).error_kind(),
            ErrorKind::kInvalid);
  EXPECT_TRUE(tx([&](soci::session& s) {
                return users(s).change_own_password(tech, kPassword, "a new long password");
              }).ok());
  Principal mimicked = tech;
  mimicked.mimicked_by = uk_admin_;
  EXPECT_EQ(tx([&](soci::session& s) {
              return users(s).change_own_password(mimicked, "a new long password", "x long enough");
            }).error_kind(),
            ErrorKind::kForbidden);
  const Principal reader = as(uk_reader_);
  EXPECT_EQ(tx([&](soci::session& s) {
              return users(s).reset_password(reader, uk_tech_, "a long reset pass");
            }).error_kind(),
            ErrorKind::kForbidden);
  ProfileChange change;
  change.name = "Taylor";
  EXPECT_TRUE(
      tx([&](soci::session& s) { return users(s).update_profile(tech, uk_tech_, change); }).ok());
  EXPECT_EQ(tx([&](soci::session& s) {
              return users(s).update_profile(tech, uk_reader_, change);
            }).error_kind(),
            ErrorKind::kForbidden);
  const Principal admin = as(uk_admin_);
  EXPECT_EQ(tx([&](soci::session& s) {
              return users(s).set_disabled(admin, uk_admin_, true);
            }).error_kind(),
            ErrorKind::kConflict);
  EXPECT_TRUE(
      tx([&](soci::session& s) { return users(s).set_disabled(admin, uk_tech_, true); }).ok());
  auto principal = tx([&](soci::session& s) { return users(s).load_principal(uk_tech_); });
  EXPECT_EQ(principal.error_kind(), ErrorKind::kUnauthorized);
}

INSTANTIATE_TEST_SUITE_P(Stores, UsersTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control

// AccessGroups: the tree (create, rename, move without cycles) and the tenancy reach of a user.
#include "control/access_groups.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "control/database.hpp"
#include "store_test.hpp"

namespace candela::control {
namespace {

using Ids = std::vector<long long>;

class AccessGroupsTest : public StoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_store(/*migrate=*/true));
    // Acme ─┬─ Europe ─┬─ UK
    //       │          └─ France
    //       └─ Americas
    // Beta (another organisation)
    acme_ = make(std::nullopt, "Acme");
    europe_ = make(acme_, "Europe");
    uk_ = make(europe_, "UK");
    france_ = make(europe_, "France");
    americas_ = make(acme_, "Americas");
    beta_ = make(std::nullopt, "Beta");
  }

  template <typename Fn>
  auto in_tx(Fn&& fn) {
    return db_->with_transaction([&](soci::session& s) {
      AccessGroups groups(s, clock_);
      return fn(groups);
    });
  }

  long long make(std::optional<long long> parent, const std::string& name) {
    auto group = in_tx([&](AccessGroups& g) { return g.create(parent, name); });
    EXPECT_TRUE(group.ok()) << group.error();
    return group.ok() ? group->id : -1;
  }

  long long make_user(const std::string& email) {
    auto id = db_->with_transaction([&](soci::session& s) -> Result<long long> {
      long long user = 0;
      s << "INSERT INTO users (name, email, created_at) VALUES ('U', :e, 0) RETURNING id",
          soci::use(email), soci::into(user);
      return user;
    });
    EXPECT_TRUE(id.ok()) << id.error();
    return id.ok() ? id.value() : -1;
  }

  void grant(long long user, const std::string& role, std::optional<long long> group) {
    Status status = db_->with_transaction([&](soci::session& s) -> Status {
      const long long group_value = group.value_or(0);
      soci::indicator ind = group ? soci::i_ok : soci::i_null;
      s << "INSERT INTO user_roles (user_id, role, access_group_id) VALUES (:u, :r, :g)",
          soci::use(user), soci::use(role), soci::use(group_value, ind);
      return ok_status();
    });
    EXPECT_TRUE(status.ok()) << status.error();
  }

  bool within(long long group, long long ancestor) {
    auto result = in_tx([&](AccessGroups& g) { return g.is_within(group, ancestor); });
    EXPECT_TRUE(result.ok()) << result.error();
    return result.ok() && result.value();
  }

  long long acme_ = 0, europe_ = 0, uk_ = 0, france_ = 0, americas_ = 0, beta_ = 0;
};

TEST_P(AccessGroupsTest, CreatesChildrenListedByName) {
  auto children = in_tx([&](AccessGroups& g) { return g.children(acme_); });
  ASSERT_TRUE(children.ok()) << children.error();
  ASSERT_EQ(children->size(), 2u);
  EXPECT_EQ(children.value()[0].name, "Americas");
  EXPECT_EQ(children.value()[1].name, "Europe");
  EXPECT_EQ(children.value()[1].parent_id, acme_);
  auto roots = in_tx([&](AccessGroups& g) { return g.children(std::nullopt); });
  ASSERT_TRUE(roots.ok()) << roots.error();
  ASSERT_EQ(roots->size(), 2u);
  EXPECT_EQ(roots.value()[0].id, acme_);
  EXPECT_FALSE(roots.value()[0].parent_id.has_value());
  EXPECT_EQ(roots.value()[1].id, beta_);
}

TEST_P(AccessGroupsTest, RefusesBadNamesAndMissingParents) {
  auto blank = in_tx([&](AccessGroups& g) { return g.create(acme_, "   "); });
  ASSERT_FALSE(blank.ok());
  EXPECT_EQ(blank.error(), "an access group needs a name");
  auto orphan = in_tx([&](AccessGroups& g) { return g.create(987654, "Lost"); });
  ASSERT_FALSE(orphan.ok());
  EXPECT_NE(orphan.error().find("access group 987654 does not exist"), std::string::npos)
      << orphan.error();
  auto too_long = in_tx([&](AccessGroups& g) { return g.create(acme_, std::string(201, 'x')); });
  EXPECT_FALSE(too_long.ok());
}

TEST_P(AccessGroupsTest, RenamesAndKeepsCustomerVisibility) {
  auto hidden = in_tx([&](AccessGroups& g) { return g.create(acme_, "Internal", false); });
  ASSERT_TRUE(hidden.ok()) << hidden.error();
  auto renamed = in_tx([&](AccessGroups& g) { return g.rename(hidden->id, "  Ops  "); });
  ASSERT_TRUE(renamed.ok()) << renamed.error();
  auto stored = in_tx([&](AccessGroups& g) { return g.get(hidden->id); });
  ASSERT_TRUE(stored.ok()) << stored.error();
  EXPECT_EQ(stored->name, "Ops");
  EXPECT_FALSE(stored->customer_visible);
}

TEST_P(AccessGroupsTest, DescendantsAndIsWithinFollowTheTree) {
  auto below = in_tx([&](AccessGroups& g) { return g.descendants(acme_); });
  ASSERT_TRUE(below.ok()) << below.error();
  EXPECT_EQ(below.value(), (Ids{europe_, uk_, france_, americas_}));
  auto leaf = in_tx([&](AccessGroups& g) { return g.descendants(uk_); });
  ASSERT_TRUE(leaf.ok());
  EXPECT_TRUE(leaf->empty());
  EXPECT_TRUE(within(uk_, uk_));
  EXPECT_TRUE(within(uk_, europe_));
  EXPECT_TRUE(within(uk_, acme_));
  EXPECT_FALSE(within(europe_, uk_));
  EXPECT_FALSE(within(americas_, europe_));
  EXPECT_FALSE(within(uk_, beta_));
  auto unknown = in_tx([&](AccessGroups& g) { return g.is_within(555555, acme_); });
  EXPECT_FALSE(unknown.ok());
}

TEST_P(AccessGroupsTest, MoveCarriesTheSubtreeAndRefusesCycles) {
  auto to_self = in_tx([&](AccessGroups& g) { return g.move(europe_, europe_); });
  ASSERT_FALSE(to_self.ok());
  auto under_child = in_tx([&](AccessGroups& g) { return g.move(europe_, uk_); });
  ASSERT_FALSE(under_child.ok());
  EXPECT_NE(under_child.error().find("itself or one of its descendants"), std::string::npos)
      << under_child.error();
  auto to_missing = in_tx([&](AccessGroups& g) { return g.move(europe_, 777777); });
  EXPECT_FALSE(to_missing.ok());
  // Nothing moved by the refusals.
  EXPECT_TRUE(within(uk_, acme_));

  auto moved = in_tx([&](AccessGroups& g) { return g.move(europe_, americas_); });
  ASSERT_TRUE(moved.ok()) << moved.error();
  EXPECT_TRUE(within(uk_, americas_));
  EXPECT_TRUE(within(france_, acme_));
  auto to_root = in_tx([&](AccessGroups& g) { return g.move(europe_, std::nullopt); });
  ASSERT_TRUE(to_root.ok()) << to_root.error();
  EXPECT_FALSE(within(uk_, acme_));
  EXPECT_TRUE(within(uk_, europe_));
}

TEST_P(AccessGroupsTest, AUserReachesItsGrantedGroupsAndTheirDescendantsOnly) {
  const long long ann = make_user("ann@acme.test");
  const long long bob = make_user("bob@acme.test");
  const long long noc = make_user("noc@provider.test");
  grant(ann, "technical", europe_);
  grant(bob, "read_only", uk_);
  grant(bob, "billing", americas_);
  grant(noc, "noc_engineer", std::nullopt);
  const auto visible = [&](long long user) {
    auto groups = in_tx([&](AccessGroups& g) { return g.visible_groups(user); });
    EXPECT_TRUE(groups.ok()) << groups.error();
    return groups.ok() ? groups.value() : Ids{-1};
  };
  EXPECT_EQ(visible(ann), (Ids{europe_, uk_, france_}));
  EXPECT_EQ(visible(bob), (Ids{uk_, americas_}));
  EXPECT_TRUE(visible(noc).empty());
  // A group created later under a granted one is reached too (roles are inherited).
  const long long paris = make(france_, "Paris");
  EXPECT_EQ(visible(ann), (Ids{europe_, uk_, france_, paris}));
}

INSTANTIATE_TEST_SUITE_P(BothDatabases, AccessGroupsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& test) { return test.param; });

}  // namespace
}  // namespace candela::control

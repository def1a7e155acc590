// The first provider admin of an empty store: created once, never changed by later starts.
#include <gtest/gtest.h>

#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

class BootstrapTest : public PortalTest {
 protected:
  void adjust(portal::PortalOptions& options) override {
    options.bootstrap_admin =
        portal::PortalOptions::BootstrapAdmin{"Root@Provider.Example", "first admin password"};
  }
};

TEST_P(BootstrapTest, CreatesAProviderAdminOnceAndLeavesItAlone) {
  ApiClient root = signed_in("root@provider.example", "first admin password");
  ApiResponse me = root.get("/api/v1/session");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json["roles"][0]["role"], "provider_admin");
  EXPECT_TRUE(me.json["roles"][0]["access_group_id"].is_null());
  // It can build everything else from here.
  ApiResponse org = root.post("/api/v1/access-groups", {{"parent_id", nullptr}, {"name", "Acme"}});
  EXPECT_EQ(org.status, 201) << org.body;

  // A second portal on the same store with another password changes nothing.
  portal::PortalOptions again;
  again.database_url = database_url();
  again.port = 0;
  again.threads = 2;
  again.clock = &clock();
  again.settings.password_cost = control::PasswordCost::minimal();
  again.settings.master_key_file = context().settings.master_key_file;
  again.bootstrap_admin =
      portal::PortalOptions::BootstrapAdmin{"root@provider.example", "another password!!"};
  portal::PortalApp second(again);
  second.start();
  ApiClient other(static_cast<int>(second.port()), clock());
  EXPECT_EQ(other.sign_in("root@provider.example", "another password!!").status, 401);
  EXPECT_EQ(other.sign_in("root@provider.example", "first admin password").status, 201);
  ApiResponse users = other.get("/api/v1/users");
  EXPECT_EQ(users.json["items"].size(), 1u);
  ApiResponse trail = other.get("/api/v1/audit?entity_type=user&entity_id=" +
                                std::to_string(me.json["user"]["id"].get<long long>()));
  ASSERT_EQ(trail.status, 200);
  EXPECT_EQ(trail.json["items"][0]["action"], "create");
  EXPECT_TRUE(trail.json["items"][0]["actor_user_id"].is_null());
  second.stop();
}

TEST_P(BootstrapTest, RefusesToStartWithAnUnusablePasswordOrEmail) {
  portal::PortalOptions bad;
  bad.database_url = database_url();
  bad.port = 0;
  bad.clock = &clock();
  bad.settings.password_cost = control::PasswordCost::minimal();
  bad.settings.master_key_file = context().settings.master_key_file;
  bad.bootstrap_admin = portal::PortalOptions::BootstrapAdmin{"new@provider.example", "short"};
  try {
    portal::PortalApp app(bad);
    ADD_FAILURE() << "the portal started with a 5-character bootstrap password";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("password"), std::string::npos) << e.what();
  }
  bad.bootstrap_admin =
      portal::PortalOptions::BootstrapAdmin{"not an email", "long enough password"};
  try {
    portal::PortalApp app(bad);
    ADD_FAILURE() << "the portal started with a malformed bootstrap email";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("email"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, BootstrapTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing

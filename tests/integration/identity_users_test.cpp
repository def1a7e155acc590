// Users, roles and passwords through the HTTP API, including escalation attempts.
#include <gtest/gtest.h>

#include <set>

#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

constexpr const char* kPassword = "correct horse battery";

class UsersApiTest : public PortalTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(PortalTest::SetUp());
    acme_ = create_group(std::nullopt, "Acme");
    acme_uk_ = create_group(acme_, "UK");
    acme_fr_ = create_group(acme_, "France");
    beta_ = create_group(std::nullopt, "Beta");
    admin_ = create_user("admin@acme.example", kPassword, {{Role::kAdmin, acme_}});
    uk_admin_ = create_user("uk-admin@acme.example", kPassword, {{Role::kAdmin, acme_uk_}});
    tech_ = create_user("tech@acme.example", kPassword, {{Role::kTechnical, acme_uk_}});
    both_ = create_user("both@acme.example", kPassword,
                        {{Role::kTechnical, acme_uk_}, {Role::kReadOnly, acme_fr_}});
    bob_ = create_user("bob@beta.example", kPassword, {{Role::kAdmin, beta_}});
    staff_ = create_user("staff@provider.example", kPassword, {{Role::kProviderAdmin, {}}});
    noc_ = create_user("noc@provider.example", kPassword, {{Role::kNocEngineer, {}}});
  }

  static std::string user_path(long long id) { return "/api/v1/users/" + std::to_string(id); }

  static std::vector<std::string> emails(const ApiResponse& list) {
    std::vector<std::string> out;
    for (const auto& item : list.json["items"])
      out.push_back(item["email"]);
    return out;
  }

  long long acme_ = 0, acme_uk_ = 0, acme_fr_ = 0, beta_ = 0;
  long long admin_ = 0, uk_admin_ = 0, tech_ = 0, both_ = 0, bob_ = 0, staff_ = 0, noc_ = 0;
};

TEST_P(UsersApiTest, CustomersListOnlyUsersOfTheirGroups) {
  ApiClient uk_admin = signed_in("uk-admin@acme.example", kPassword);
  ApiResponse list = uk_admin.get("/api/v1/users");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(emails(list), (std::vector<std::string>{"uk-admin@acme.example", "tech@acme.example",
                                                    "both@acme.example"}));
  ApiClient staff = signed_in("noc@provider.example", kPassword);
  EXPECT_EQ(staff.get("/api/v1/users").json["items"].size(), 7u);
  EXPECT_EQ(uk_admin.get(user_path(bob_)).status, 404);
  EXPECT_EQ(uk_admin.get(user_path(staff_)).status, 404);
  EXPECT_EQ(uk_admin.get(user_path(admin_)).status, 404);
  EXPECT_EQ(uk_admin.get("/api/v1/users/abc").status, 404);
}

TEST_P(UsersApiTest, ListsArePagedWithCursors) {
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  ApiResponse first = staff.get("/api/v1/users?limit=3");
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(first.json["items"].size(), 3u);
  ASSERT_TRUE(first.json["next_cursor"].is_string());
  EXPECT_NE(first.header("Link").find("rel=\"next\""), std::string::npos);
  std::vector<std::string> all = emails(first);
  std::string cursor = first.json["next_cursor"];
  while (true) {
    ApiResponse page = staff.get("/api/v1/users?limit=3&cursor=" + cursor);
    ASSERT_EQ(page.status, 200);
    for (const auto& email : emails(page))
      all.push_back(email);
    if (page.json["next_cursor"].is_null()) break;
    cursor = page.json["next_cursor"];
  }
  EXPECT_EQ(all.size(), 7u);
  EXPECT_EQ(staff.get("/api/v1/users?limit=0").status, 400);
  EXPECT_EQ(staff.get("/api/v1/users?cursor=%21%21").status, 400);
}

TEST_P(UsersApiTest, AdminCreatesUsersWithinItsGroups) {
  ApiClient admin = signed_in("admin@acme.example", kPassword);
  ApiResponse made = admin.post(
      "/api/v1/users", {{"name", "Cleo"},
                        {"email", "Cleo@Acme.Example"},
                        {"phone_mobile", "+44 7700 900123"},
                        {"language", "fr"},
                        {"password", "another long password"},
                        {"roles", {{{"role", "billing"}, {"access_group_id", acme_fr_}}}}});
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.json["email"], "cleo@acme.example");
  EXPECT_EQ(made.json["has_password"], true);
  EXPECT_EQ(made.header("Location"), user_path(made.json["id"]));
  EXPECT_EQ(client().sign_in("cleo@acme.example", "another long password").status, 201);
  ApiResponse duplicate = admin.post(
      "/api/v1/users", {{"name", "Cleo"},
                        {"email", "cleo@acme.example"},
                        {"roles", {{{"role", "billing"}, {"access_group_id", acme_fr_}}}}});
  EXPECT_EQ(duplicate.status, 409);
}

TEST_P(UsersApiTest, BadUserBodiesListEveryError) {
  ApiClient admin = signed_in("admin@acme.example", kPassword);
  ApiResponse bad =
      admin.post("/api/v1/users", {{"name", ""},
                                   {"email", "not an email"},
                                   {"language", "English"},
                                   {"password", "short"},
                                   {"colour", "blue"},
                                   {"roles", {{{"role", "emperor"}, {"access_group_id", acme_}}}}});
  ASSERT_EQ(bad.status, 400) << bad.body;
  std::set<std::string> pointers;
  for (const auto& error : bad.json["errors"])
    pointers.insert(error["pointer"]);
  EXPECT_TRUE(pointers.count("/colour"));
  EXPECT_TRUE(pointers.count("/roles/0/role"));
  ApiResponse fields =
      admin.post("/api/v1/users", {{"name", ""},
                                   {"email", "not an email"},
                                   {"language", "English"},
                                   {"password", "short"},
                                   {"roles", {{{"role", "admin"}, {"access_group_id", acme_}}}}});
  ASSERT_EQ(fields.status, 400) << fields.body;
  pointers.clear();
  for (const auto& error : fields.json["errors"])
    pointers.insert(error["pointer"]);
  EXPECT_EQ(pointers, (std::set<std::string>{"/name", "/email", "/language", "/password"}));
  EXPECT_EQ(admin.send("POST", "/api/v1/users", "{\"name\": }").status, 400);
  EXPECT_EQ(admin.post("/api/v1/users", nlohmann::json::array()).status, 400);
  EXPECT_EQ(client().sign_in("not an email", kPassword).status, 401);
}

TEST_P(UsersApiTest, RoleEscalationIsRefused) {
  ApiClient uk_admin = signed_in("uk-admin@acme.example", kPassword);
  // A role on a group above its own, a provider role, or a group of another organisation.
  EXPECT_EQ(uk_admin
                .put(user_path(tech_) + "/roles",
                     {{"roles", {{{"role", "admin"}, {"access_group_id", acme_}}}}})
                .status,
            404);
  EXPECT_EQ(uk_admin
                .put(user_path(tech_) + "/roles",
                     {{"roles", {{{"role", "provider_admin"}, {"access_group_id", nullptr}}}}})
                .status,
            403);
  EXPECT_EQ(uk_admin
                .put(user_path(uk_admin_) + "/roles",
                     {{"roles", {{{"role", "admin"}, {"access_group_id", beta_}}}}})
                .status,
            404);
  EXPECT_EQ(
      uk_admin
          .post("/api/v1/users", {{"name", "Mallory"},
                                  {"email", "mallory@acme.example"},
                                  {"roles", {{{"role", "admin"}, {"access_group_id", acme_}}}}})
          .status,
      404);
  // A user with a role outside the admin's reach cannot be changed by it.
  EXPECT_EQ(uk_admin.patch(user_path(both_), {{"name", "Renamed"}}).status, 403);
  EXPECT_EQ(uk_admin
                .put(user_path(both_) + "/roles",
                     {{"roles", {{{"role", "admin"}, {"access_group_id", acme_uk_}}}}})
                .status,
            403);
  // A technical user manages nobody, not even itself.
  ApiClient tech = signed_in("tech@acme.example", kPassword);
  EXPECT_EQ(tech.put(user_path(tech_) + "/roles",
                     {{"roles", {{{"role", "admin"}, {"access_group_id", acme_uk_}}}}})
                .status,
            403);
  // Provider staff other than provider_admin change no users.
  ApiClient noc = signed_in("noc@provider.example", kPassword);
  EXPECT_EQ(noc.put(user_path(noc_) + "/roles", {{"roles", {{{"role", "provider_admin"}}}}}).status,
            403);
  // Nothing changed.
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  EXPECT_EQ(staff.get(user_path(tech_)).json["roles"].size(), 1u);
  EXPECT_EQ(staff.get(user_path(tech_)).json["roles"][0]["role"], "technical");
  EXPECT_EQ(staff.get(user_path(noc_)).json["roles"][0]["role"], "noc_engineer");
  EXPECT_EQ(staff.get(user_path(both_)).json["name"], "both");
}

TEST_P(UsersApiTest, AdminsSetRolesWithinReachAndProviderAdminsGrantProviderRoles) {
  ApiClient admin = signed_in("admin@acme.example", kPassword);
  ApiResponse changed = admin.put(user_path(tech_) + "/roles",
                                  {{"roles",
                                    {{{"role", "technical"}, {"access_group_id", acme_uk_}},
                                     {{"role", "read_only"}, {"access_group_id", acme_fr_}}}}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json["roles"].size(), 2u);
  EXPECT_EQ(admin.put(user_path(tech_) + "/roles", {{"roles", nlohmann::json::array()}}).status,
            400);
  ApiResponse twice = admin.put(user_path(tech_) + "/roles",
                                {{"roles",
                                  {{{"role", "technical"}, {"access_group_id", acme_uk_}},
                                   {{"role", "technical"}, {"access_group_id", acme_uk_}}}}});
  EXPECT_EQ(twice.status, 400);
  ApiResponse unscoped =
      admin.put(user_path(tech_) + "/roles", {{"roles", {{{"role", "technical"}}}}});
  EXPECT_EQ(unscoped.status, 400);
  EXPECT_EQ(unscoped.json["errors"][0]["pointer"], "/roles/0/access_group_id");

  ApiClient staff = signed_in("staff@provider.example", kPassword);
  ApiResponse promoted =
      staff.put(user_path(noc_) + "/roles",
                {{"roles", {{{"role", "noc_engineer"}}, {{"role", "account_director"}}}}});
  EXPECT_EQ(promoted.status, 200) << promoted.body;
  ApiResponse scoped = staff.put(user_path(noc_) + "/roles",
                                 {{"roles", {{{"role", "noc_engineer"}, {"access_group_id", 1}}}}});
  EXPECT_EQ(scoped.status, 400);
}

TEST_P(UsersApiTest, PasswordsChangeWithTheCurrentOneOrByAnAdmin) {
  ApiClient tech = signed_in("tech@acme.example", kPassword);
  ApiResponse wrong =
      tech.put(user_path(tech_) + "/password",
               {{"current_password", "wrong one!!!"}, {"new_password", "brand new password"}});
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.json["errors"][0]["pointer"], "/current_password");
  ApiResponse missing = tech.put(user_path(tech_) + "/password", {{"new_password", "x"}});
  EXPECT_EQ(missing.status, 400);
  ApiResponse too_short = tech.put(user_path(tech_) + "/password",
                                   {{"current_password", kPassword}, {"new_password", "short"}});
  EXPECT_EQ(too_short.status, 400);
  EXPECT_EQ(too_short.json["errors"][0]["pointer"], "/new_password");
  EXPECT_EQ(tech.put(user_path(tech_) + "/password",
                     {{"current_password", kPassword}, {"new_password", "brand new password"}})
                .status,
            204);
  EXPECT_EQ(client().sign_in("tech@acme.example", kPassword).status, 401);
  EXPECT_EQ(client().sign_in("tech@acme.example", "brand new password").status, 201);
  // Another user's password: only an admin who manages them, without the current one.
  EXPECT_EQ(tech.put(user_path(both_) + "/password", {{"new_password", "tech wants this"}}).status,
            403);
  ApiClient admin = signed_in("admin@acme.example", kPassword);
  EXPECT_EQ(admin
                .put(user_path(tech_) + "/password",
                     {{"current_password", "x"}, {"new_password", "set by the admin"}})
                .status,
            400);
  EXPECT_EQ(
      admin.put(user_path(tech_) + "/password", {{"new_password", "set by the admin"}}).status,
      204);
  // A reset ends the user's sessions.
  EXPECT_EQ(tech.get("/api/v1/session").status, 401);
  EXPECT_EQ(client().sign_in("tech@acme.example", "set by the admin").status, 201);
  ApiClient bob = signed_in("bob@beta.example", kPassword);
  EXPECT_EQ(bob.put(user_path(tech_) + "/password", {{"new_password", "bob was here!"}}).status,
            404);
}

TEST_P(UsersApiTest, EveryoneEditsTheirOwnProfileButNotOthers) {
  ApiClient tech = signed_in("tech@acme.example", kPassword);
  ApiResponse mine = tech.patch(user_path(tech_),
                                {{"after_hours_contact", "NOC desk, ext. 42"}, {"language", "de"}});
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.json["language"], "de");
  EXPECT_EQ(tech.get("/api/v1/session").json["user"]["language"], "de");
  EXPECT_EQ(tech.patch(user_path(both_), {{"name", "X"}}).status, 403);
  EXPECT_EQ(tech.patch(user_path(tech_), {{"disabled", true}}).status, 403);
  EXPECT_EQ(tech.patch(user_path(tech_), {{"email", "both@acme.example"}}).status, 409);
  ApiResponse bad = tech.patch(user_path(tech_), {{"phone_office", "call me maybe"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json["errors"][0]["pointer"], "/phone_office");
  ApiClient admin = signed_in("admin@acme.example", kPassword);
  EXPECT_EQ(admin.patch(user_path(admin_), {{"disabled", true}}).status, 409);
}

TEST_P(UsersApiTest, ChangesAreAuditedWithTheActor) {
  ApiClient admin = signed_in("admin@acme.example", kPassword);
  ASSERT_EQ(admin.patch(user_path(tech_), {{"name", "Tess"}}).status, 200);
  ApiResponse trail =
      admin.get("/api/v1/audit?entity_type=user&entity_id=" + std::to_string(tech_));
  ASSERT_EQ(trail.status, 200) << trail.body;
  const auto& last = trail.json["items"].back();
  EXPECT_EQ(last["action"], "update_profile");
  EXPECT_EQ(last["actor_user_id"], admin_);
  EXPECT_EQ(last["details"]["name"]["to"], "Tess");
  ApiClient bob = signed_in("bob@beta.example", kPassword);
  EXPECT_EQ(bob.get("/api/v1/audit?entity_type=user&entity_id=" + std::to_string(tech_)).status,
            404);
  EXPECT_EQ(bob.get("/api/v1/audit?entity_type=user").status, 400);
  EXPECT_EQ(bob.get("/api/v1/audit?entity_type=edge&entity_id=e1").status, 404);
}

INSTANTIATE_TEST_SUITE_P(Stores, UsersApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing

// Sign-in, sessions, CSRF, lockout, expiry and mimic through the HTTP API.
#include <gtest/gtest.h>

#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

constexpr const char* kPassword = "correct horse battery";

class SessionApiTest : public PortalTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(PortalTest::SetUp());
    acme_ = create_group(std::nullopt, "Acme");
    acme_uk_ = create_group(acme_, "UK");
    beta_ = create_group(std::nullopt, "Beta");
    admin_ = create_user("admin@acme.example", kPassword, {{Role::kAdmin, acme_}}, "Ada Admin");
    tech_ = create_user("tech@acme.example", kPassword, {{Role::kTechnical, acme_uk_}});
    other_ = create_user("bob@beta.example", kPassword, {{Role::kAdmin, beta_}});
    staff_ = create_user("staff@provider.example", kPassword, {{Role::kProviderAdmin, {}}});
  }

  long long acme_ = 0, acme_uk_ = 0, beta_ = 0;
  long long admin_ = 0, tech_ = 0, other_ = 0, staff_ = 0;
};

TEST_P(SessionApiTest, SignInSetsAStrictHttpOnlyCookieAndReturnsWhoIAm) {
  ApiClient api = client();
  ApiResponse in = api.sign_in("ADMIN@acme.example ", kPassword);
  ASSERT_EQ(in.status, 201) << in.body;
  const std::string cookie = in.header("Set-Cookie");
  EXPECT_NE(cookie.find("candela_session="), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
  EXPECT_NE(cookie.find("Max-Age=28800"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);
  EXPECT_EQ(api.session_token().size(), 43u);

  ApiResponse me = api.get("/api/v1/session");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json["user"]["id"], admin_);
  EXPECT_EQ(me.json["user"]["email"], "admin@acme.example");
  EXPECT_EQ(me.json["user"]["name"], "Ada Admin");
  EXPECT_EQ(me.json["user"]["language"], "en");
  EXPECT_EQ(me.json["roles"], nlohmann::json::parse(R"([{"role":"admin","access_group_id":)" +
                                                    std::to_string(acme_) + "}]"));
  EXPECT_EQ(me.json["csrf_token"], api.csrf_token());
  EXPECT_TRUE(me.json["mimic"].is_null());
  EXPECT_TRUE(me.json["expires_at"].is_string());
}

TEST_P(SessionApiTest, WrongPasswordAndUnknownEmailGetTheSameAnswer) {
  ApiClient api = client();
  ApiResponse wrong = api.sign_in("admin@acme.example", "not the password!");
  ApiResponse unknown = api.sign_in("nobody@acme.example", kPassword);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.json["detail"], unknown.json["detail"]);
  EXPECT_FALSE(wrong.has_header("Set-Cookie"));
  EXPECT_EQ(api.get("/api/v1/session").status, 401);
}

TEST_P(SessionApiTest, MalformedSignInBodiesAreLocatedErrors) {
  ApiClient api = client();
  ApiResponse extra =
      api.post("/api/v1/session",
               {{"email", "admin@acme.example"}, {"password", kPassword}, {"remember", true}});
  EXPECT_EQ(extra.status, 400);
  EXPECT_EQ(extra.json["errors"][0]["pointer"], "/remember");
  ApiResponse missing = api.post("/api/v1/session", {{"email", 5}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json["errors"].size(), 2u);
  EXPECT_EQ(api.send("POST", "/api/v1/session", "{\"email\":").status, 400);
  EXPECT_EQ(api.send("POST", "/api/v1/session", "[]").status, 400);
  EXPECT_EQ(api.send("POST", "/api/v1/session", "email=a", {}, "application/x-www-form-urlencoded")
                .status,
            415);
}

TEST_P(SessionApiTest, LockoutRefusesEvenTheRightPasswordWithRetryAfter) {
  ApiClient api = client();
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(api.sign_in("tech@acme.example", "wrong password " + std::to_string(i)).status, 401);
  ApiResponse locked = api.sign_in("tech@acme.example", "wrong password 5");
  EXPECT_EQ(locked.status, 429) << locked.body;
  EXPECT_EQ(locked.header("Retry-After"), "900");
  ApiResponse right = api.sign_in("tech@acme.example", kPassword);
  EXPECT_EQ(right.status, 429);
  EXPECT_NE(right.json["detail"].get<std::string>().find("locked"), std::string::npos);
  clock().advance(std::chrono::minutes(10));
  EXPECT_EQ(api.sign_in("tech@acme.example", kPassword).header("Retry-After"), "300");
  clock().advance(std::chrono::minutes(5) + std::chrono::seconds(1));
  EXPECT_EQ(api.sign_in("tech@acme.example", kPassword).status, 201);
}

TEST_P(SessionApiTest, ASuccessfulSignInResetsTheFailureCount) {
  ApiClient api = client();
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(api.sign_in("tech@acme.example", "wrong password xx").status, 401);
  EXPECT_EQ(api.sign_in("tech@acme.example", kPassword).status, 201);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(api.sign_in("tech@acme.example", "wrong password xx").status, 401);
  EXPECT_EQ(api.sign_in("tech@acme.example", kPassword).status, 201);
}

TEST_P(SessionApiTest, AnAdminUnlocksALockedUser) {
  ApiClient api = client();
  for (int i = 0; i < 5; ++i)
    (void)api.sign_in("tech@acme.example", "wrong password xx");
  ASSERT_EQ(api.sign_in("tech@acme.example", kPassword).status, 429);
  ApiClient admin = signed_in("admin@acme.example", kPassword);
  ApiResponse shown = admin.get("/api/v1/users/" + std::to_string(tech_));
  EXPECT_TRUE(shown.json["locked_until"].is_string()) << shown.body;
  ApiResponse unlocked = admin.post("/api/v1/users/" + std::to_string(tech_) + "/unlock");
  EXPECT_EQ(unlocked.status, 200) << unlocked.body;
  EXPECT_EQ(api.sign_in("tech@acme.example", kPassword).status, 201);
}

TEST_P(SessionApiTest, ExpiredSessionIsUnauthorizedAndClearsTheCookie) {
  ApiClient api = signed_in("tech@acme.example", kPassword);
  clock().advance(std::chrono::hours(8) - std::chrono::seconds(1));
  EXPECT_EQ(api.get("/api/v1/session").status, 200);
  clock().advance(std::chrono::seconds(2));
  ApiResponse expired = api.get("/api/v1/session");
  EXPECT_EQ(expired.status, 401);
  EXPECT_NE(expired.json["detail"].get<std::string>().find("expired"), std::string::npos);
  EXPECT_NE(expired.header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_TRUE(expired.has_header("WWW-Authenticate"));
}

TEST_P(SessionApiTest, StateChangingRequestsNeedTheSessionsCsrfToken) {
  ApiClient api = signed_in("admin@acme.example", kPassword);
  const std::string path = "/api/v1/users/" + std::to_string(tech_);
  api.send_csrf = false;
  ApiResponse missing = api.patch(path, {{"phone_office", "+44 20 7946 0000"}});
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(missing.json["detail"], "csrf token missing or wrong");
  ApiResponse wrong = api.patch(path, {{"phone_office", "+44 20 7946 0000"}},
                                {"X-CSRF-Token: " + std::string(43, 'A')});
  EXPECT_EQ(wrong.status, 403);
  // Reads need no token; the refused writes changed nothing.
  EXPECT_EQ(api.get(path).json["phone_office"], "");
  api.send_csrf = true;
  ApiResponse right = api.patch(path, {{"phone_office", "+44 20 7946 0000"}});
  EXPECT_EQ(right.status, 200) << right.body;
  EXPECT_EQ(right.json["phone_office"], "+44 20 7946 0000");
}

TEST_P(SessionApiTest, SignOutEndsTheSession) {
  ApiClient api = signed_in("tech@acme.example", kPassword);
  const std::string token = api.session_token();
  ApiResponse out = api.del("/api/v1/session");
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  api.set_session_token(token);
  EXPECT_EQ(api.get("/api/v1/session").status, 401);
}

TEST_P(SessionApiTest, ForgedOrMissingCookiesAreUnauthorized) {
  ApiClient api = client();
  EXPECT_EQ(api.get("/api/v1/session").status, 401);
  api.set_session_token("not-a-token");
  EXPECT_EQ(api.get("/api/v1/session").status, 401);
  api.set_session_token(std::string(43, 'x'));
  EXPECT_EQ(api.get("/api/v1/users").status, 401);
  ApiResponse bearer = client().get("/api/v1/users", {"Authorization: Bearer abc"});
  EXPECT_EQ(bearer.status, 401);
}

TEST_P(SessionApiTest, CustomerAdminMimicsAUserOfItsOrganisationVisibly) {
  ApiClient api = signed_in("admin@acme.example", kPassword);
  ApiResponse started = api.post("/api/v1/session/mimic", {{"user_id", tech_}});
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_EQ(started.json["user"]["id"], tech_);
  EXPECT_EQ(started.json["mimic"]["by"]["id"], admin_);
  EXPECT_EQ(started.json["mimic"]["by"]["email"], "admin@acme.example");
  ApiResponse me = api.get("/api/v1/session");
  EXPECT_EQ(me.json["user"]["id"], tech_);
  EXPECT_EQ(me.json["roles"][0]["role"], "technical");
  // Acting as the technical user: no user management.
  EXPECT_EQ(api.post("/api/v1/users/" + std::to_string(tech_) + "/unlock").status, 403);
  ApiResponse again = api.post("/api/v1/session/mimic", {{"user_id", tech_}});
  EXPECT_EQ(again.status, 409);
  ApiResponse ended = api.del("/api/v1/session/mimic");
  ASSERT_EQ(ended.status, 200) << ended.body;
  EXPECT_EQ(ended.json["user"]["id"], admin_);
  EXPECT_TRUE(ended.json["mimic"].is_null());
  EXPECT_EQ(api.del("/api/v1/session/mimic").status, 409);
  // Start and end are in the audit trail of the mimicked user.
  ApiResponse trail = api.get("/api/v1/audit?entity_type=user&entity_id=" + std::to_string(tech_));
  ASSERT_EQ(trail.status, 200) << trail.body;
  std::vector<std::string> actions;
  for (const auto& item : trail.json["items"])
    actions.push_back(item["action"]);
  EXPECT_NE(std::find(actions.begin(), actions.end(), "mimic_start"), actions.end());
  EXPECT_NE(std::find(actions.begin(), actions.end(), "mimic_end"), actions.end());
}

TEST_P(SessionApiTest, MimicOutsideTheOrganisationOrByNonAdminsIsRefused) {
  ApiClient admin = signed_in("admin@acme.example", kPassword);
  EXPECT_EQ(admin.post("/api/v1/session/mimic", {{"user_id", other_}}).status, 404);
  EXPECT_EQ(admin.post("/api/v1/session/mimic", {{"user_id", staff_}}).status, 404);
  EXPECT_EQ(admin.post("/api/v1/session/mimic", {{"user_id", 999999}}).status, 404);
  EXPECT_EQ(admin.post("/api/v1/session/mimic", {{"user_id", admin_}}).status, 400);
  EXPECT_EQ(admin.post("/api/v1/session/mimic", {{"user_id", "7"}}).status, 400);
  EXPECT_EQ(admin.get("/api/v1/session").json["mimic"], nullptr);
  // A technical user sees a colleague in its group but may not act as them; the admin of the
  // parent group is not even visible to it.
  const long long viewer = create_user("ro@acme.example", kPassword, {{Role::kReadOnly, acme_uk_}});
  ApiClient tech = signed_in("tech@acme.example", kPassword);
  EXPECT_EQ(tech.post("/api/v1/session/mimic", {{"user_id", viewer}}).status, 403);
  EXPECT_EQ(tech.post("/api/v1/session/mimic", {{"user_id", admin_}}).status, 404);
}

TEST_P(SessionApiTest, ProviderAdminMimicsAnyone) {
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  ApiResponse started = staff.post("/api/v1/session/mimic", {{"user_id", other_}});
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_EQ(started.json["user"]["email"], "bob@beta.example");
  EXPECT_EQ(started.json["mimic"]["by"]["id"], staff_);
}

TEST_P(SessionApiTest, DisabledUsersCannotSignInAndLoseTheirSessions) {
  ApiClient tech = signed_in("tech@acme.example", kPassword);
  ApiClient admin = signed_in("admin@acme.example", kPassword);
  ApiResponse disabled =
      admin.patch("/api/v1/users/" + std::to_string(tech_), {{"disabled", true}});
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_EQ(tech.get("/api/v1/session").status, 401);
  ApiResponse again = client().sign_in("tech@acme.example", kPassword);
  EXPECT_EQ(again.status, 401);
  EXPECT_NE(again.json["detail"].get<std::string>().find("disabled"), std::string::npos);
}

TEST_P(SessionApiTest, TheOpenApiDocumentDescribesEveryIdentityEndpoint) {
  ApiResponse document = client().get("/api/v1/openapi.json");
  ASSERT_EQ(document.status, 200);
  const std::vector<std::pair<std::string, std::string>> endpoints = {
      {"/api/v1/session", "post"},
      {"/api/v1/session", "get"},
      {"/api/v1/session", "delete"},
      {"/api/v1/session/mimic", "post"},
      {"/api/v1/session/mimic", "delete"},
      {"/api/v1/users", "get"},
      {"/api/v1/users", "post"},
      {"/api/v1/users/{id}", "get"},
      {"/api/v1/users/{id}", "patch"},
      {"/api/v1/users/{id}/roles", "put"},
      {"/api/v1/users/{id}/password", "put"},
      {"/api/v1/users/{id}/unlock", "post"},
      {"/api/v1/access-groups", "get"},
      {"/api/v1/access-groups", "post"},
      {"/api/v1/access-groups/{id}", "get"},
      {"/api/v1/access-groups/{id}", "patch"},
      {"/api/v1/customers", "get"},
      {"/api/v1/customers", "post"},
      {"/api/v1/customers/{customer_number}", "get"},
      {"/api/v1/customers/{customer_number}", "patch"},
      {"/api/v1/customers/{customer_number}/account-team", "get"},
      {"/api/v1/customers/{customer_number}/account-team/{role}", "put"},
      {"/api/v1/api-keys", "get"},
      {"/api/v1/api-keys", "post"},
      {"/api/v1/api-keys/{key_id}", "get"},
      {"/api/v1/api-keys/{key_id}", "patch"},
      {"/api/v1/api-keys/{key_id}", "delete"},
      {"/api/v1/api-keys/{key_id}/regenerate", "post"},
      {"/api/v1/audit", "get"},
  };
  for (const auto& [path, method] : endpoints) {
    EXPECT_TRUE(document.json["paths"].contains(path) &&
                document.json["paths"][path].contains(method))
        << method << " " << path << " is not in the OpenAPI document";
  }
  // Every reference to an identity schema resolves.
  const std::string text = document.body;
  const std::string marker = "\"#/components/schemas/";
  for (auto at = text.find(marker + "Identity"); at != std::string::npos;
       at = text.find(marker + "Identity", at + 1)) {
    const auto start = at + marker.size();
    const std::string name = text.substr(start, text.find('"', start) - start);
    EXPECT_TRUE(document.json["components"]["schemas"].contains(name)) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, SessionApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing

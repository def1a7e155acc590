// API keys through the HTTP API: secrets shown once, signed requests, replays, stale
// timestamps, regenerate, disable, delete, and who may manage keys.
#include <gtest/gtest.h>

#include "portal/request_signing.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

constexpr const char* kPassword = "correct horse battery";

class ApiKeysApiTest : public PortalTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(PortalTest::SetUp());
    acme_ = create_group(std::nullopt, "Acme");
    acme_uk_ = create_group(acme_, "UK");
    beta_ = create_group(std::nullopt, "Beta");
    create_user("admin@acme.example", kPassword, {{Role::kAdmin, acme_}});
    create_user("tech@acme.example", kPassword, {{Role::kTechnical, acme_}});
    create_user("bob@beta.example", kPassword, {{Role::kAdmin, beta_}});
  }

  // A raw signed request on a fresh connection, so tests can alter any part of it.
  ApiResponse signed_request(const std::string& key_id, const std::string& secret,
                             const std::string& method, const std::string& path,
                             std::int64_t timestamp, const std::string& signed_path = {}) {
    const std::string key = portal::derive_signing_key(secret);
    const std::string signature =
        portal::sign_request(key, method, signed_path.empty() ? path : signed_path, timestamp, "");
    ApiClient raw = client();
    return raw.get(
        path, {"Authorization: " + portal::authorization_header(key_id, timestamp, signature)});
  }

  std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(clock().now().time_since_epoch())
        .count();
  }

  long long acme_ = 0, acme_uk_ = 0, beta_ = 0;
};

TEST_P(ApiKeysApiTest, CreatedKeySignsRequestsAndActsWithItsGrant) {
  ApiClient admin = signed_in("admin@acme.example", kPassword);
  ApiResponse made = admin.post(
      "/api/v1/api-keys",
      {{"access_group_id", acme_uk_}, {"role", "read_only"}, {"description", "monitoring"}});
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.header("Cache-Control"), "no-store");
  const std::string key_id = made.json["key_id"];
  const std::string secret = made.json["secret"];
  EXPECT_EQ(secret.size(), 43u);
  EXPECT_EQ(made.json["role"], "read_only");

  // The secret is never shown again.
  ApiResponse listed = admin.get("/api/v1/api-keys");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.json["items"].size(), 1u);
  EXPECT_FALSE(listed.json["items"][0].contains("secret"));
  EXPECT_EQ(listed.body.find(secret), std::string::npos);

  ApiClient robot = client();
  robot.use_api_key(key_id, secret);
  ApiResponse me = robot.get("/api/v1/session");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json["api_key"]["key_id"], key_id);
  EXPECT_EQ(me.json["roles"][0]["access_group_id"], acme_uk_);
  // Read-only: sees its group, changes nothing, and no CSRF token is needed for a signed write.
  EXPECT_EQ(robot.get("/api/v1/access-groups/" + std::to_string(acme_uk_)).status, 200);
  EXPECT_EQ(robot.get("/api/v1/access-groups/" + std::to_string(acme_)).status, 404);
  EXPECT_EQ(
      robot.patch("/api/v1/access-groups/" + std::to_string(acme_uk_), {{"name", "GB"}}).status,
      403);
  EXPECT_EQ(
      robot.post("/api/v1/api-keys", {{"access_group_id", acme_uk_}, {"role", "admin"}}).status,
      403);
}

TEST_P(ApiKeysApiTest, ReplayedStaleForgedAndMalformedSignaturesAreRefused) {
  IssuedKey key = create_api_key(acme_, Role::kReadOnly);
  const std::string path = "/api/v1/access-groups";
  const auto now = now_seconds();
  EXPECT_EQ(signed_request(key.key_id, key.secret, "GET", path, now).status, 200);
  ApiResponse replay = signed_request(key.key_id, key.secret, "GET", path, now);
  EXPECT_EQ(replay.status, 401);
  EXPECT_NE(replay.json["detail"].get<std::string>().find("already received"), std::string::npos);
  EXPECT_EQ(replay.header("WWW-Authenticate"), "Candela-HMAC-SHA256");
  EXPECT_EQ(signed_request(key.key_id, key.secret, "GET", path, now - 301).status, 401);
  EXPECT_EQ(signed_request(key.key_id, key.secret, "GET", path, now + 301).status, 401);
  EXPECT_EQ(signed_request(key.key_id, key.secret, "GET", path, now - 299).status, 200);
  // Signed for another path, or with another secret, or for an unknown key.
  EXPECT_EQ(signed_request(key.key_id, key.secret, "GET", path, now + 1, "/api/v1/users").status,
            401);
  EXPECT_EQ(signed_request(key.key_id, "another secret", "GET", path, now + 2).status, 401);
  EXPECT_EQ(signed_request("ak-00000000000000000000", key.secret, "GET", path, now + 3).status,
            401);
  ApiClient raw = client();
  EXPECT_EQ(raw.get(path, {"Authorization: Candela-HMAC-SHA256 KeyId=x"}).status, 401);
}

TEST_P(ApiKeysApiTest, BodiesAreCoveredByTheSignature) {
  IssuedKey key = create_api_key(acme_, Role::kAdmin);
  const auto now = now_seconds();
  const std::string body = R"({"parent_id":)" + std::to_string(acme_) + R"(,"name":"Signed"})";
  const std::string signing_key = portal::derive_signing_key(key.secret);
  const std::string signature =
      portal::sign_request(signing_key, "POST", "/api/v1/access-groups", now, body);
  const std::string header =
      "Authorization: " + portal::authorization_header(key.key_id, now, signature);
  ApiClient raw = client();
  const std::string altered = R"({"parent_id":)" + std::to_string(acme_) + R"(,"name":"Evil!!"})";
  EXPECT_EQ(raw.send("POST", "/api/v1/access-groups", altered, {header}).status, 401);
  ApiResponse made = raw.send("POST", "/api/v1/access-groups", body, {header});
  EXPECT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.json["name"], "Signed");
}

TEST_P(ApiKeysApiTest, RegenerateReplacesTheSecretAndDisableAndDeleteStopTheKey) {
  ApiClient admin = signed_in("admin@acme.example", kPassword);
  IssuedKey key = create_api_key(acme_, Role::kTechnical);
  ApiClient robot = client();
  robot.use_api_key(key.key_id, key.secret);
  ASSERT_EQ(robot.get("/api/v1/access-groups").status, 200);

  ApiResponse fresh = admin.post("/api/v1/api-keys/" + key.key_id + "/regenerate");
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  const std::string secret = fresh.json["secret"];
  EXPECT_NE(secret, key.secret);
  EXPECT_EQ(robot.get("/api/v1/access-groups").status, 401);
  robot.use_api_key(key.key_id, secret);
  EXPECT_EQ(robot.get("/api/v1/access-groups").status, 200);

  ApiResponse disabled = admin.patch("/api/v1/api-keys/" + key.key_id, {{"disabled", true}});
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_EQ(disabled.json["disabled"], true);
  ApiResponse refused = robot.get("/api/v1/access-groups");
  EXPECT_EQ(refused.status, 401);
  EXPECT_NE(refused.json["detail"].get<std::string>().find("disabled"), std::string::npos);
  ASSERT_EQ(admin.patch("/api/v1/api-keys/" + key.key_id, {{"disabled", false}}).status, 200);
  // The same request in the same second would carry the same signature: a replay.
  clock().advance(std::chrono::seconds(1));
  EXPECT_EQ(robot.get("/api/v1/access-groups").status, 200);

  EXPECT_EQ(admin.del("/api/v1/api-keys/" + key.key_id).status, 204);
  clock().advance(std::chrono::seconds(1));
  ApiResponse deleted = robot.get("/api/v1/access-groups");
  EXPECT_EQ(deleted.status, 401);
  EXPECT_NE(deleted.json["detail"].get<std::string>().find("unknown"), std::string::npos);
  EXPECT_EQ(admin.get("/api/v1/api-keys/" + key.key_id).status, 404);
  EXPECT_EQ(admin.del("/api/v1/api-keys/" + key.key_id).status, 404);
  // A deleted key's trail stays, for the provider: a customer can no longer place it in its groups.
  EXPECT_EQ(admin.get("/api/v1/audit?entity_type=api_key&entity_id=" + key.key_id).status, 404);
}

TEST_P(ApiKeysApiTest, OnlyAdminsOfTheGroupManageKeysAndOnlyWithCustomerRoles) {
  ApiClient tech = signed_in("tech@acme.example", kPassword);
  EXPECT_EQ(
      tech.post("/api/v1/api-keys", {{"access_group_id", acme_}, {"role", "read_only"}}).status,
      403);
  ApiClient admin = signed_in("admin@acme.example", kPassword);
  EXPECT_EQ(
      admin.post("/api/v1/api-keys", {{"access_group_id", beta_}, {"role", "read_only"}}).status,
      404);
  ApiResponse provider_role =
      admin.post("/api/v1/api-keys", {{"access_group_id", acme_}, {"role", "provider_admin"}});
  EXPECT_EQ(provider_role.status, 400);
  EXPECT_EQ(provider_role.json["errors"][0]["pointer"], "/role");
  ApiResponse unknown = admin.post(
      "/api/v1/api-keys", {{"access_group_id", acme_}, {"role", "admin"}, {"scope", "all"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.json["errors"][0]["pointer"], "/scope");
  // Another organisation's key is invisible.
  IssuedKey beta_key = create_api_key(beta_, Role::kReadOnly);
  EXPECT_EQ(admin.get("/api/v1/api-keys/" + beta_key.key_id).status, 404);
  EXPECT_EQ(admin.post("/api/v1/api-keys/" + beta_key.key_id + "/regenerate").status, 404);
  EXPECT_EQ(admin.patch("/api/v1/api-keys/" + beta_key.key_id, {{"disabled", true}}).status, 404);
  EXPECT_EQ(admin.del("/api/v1/api-keys/" + beta_key.key_id).status, 404);
  EXPECT_EQ(admin.get("/api/v1/api-keys").json["items"].size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Stores, ApiKeysApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing

// PortalTest: an in-process portal on 127.0.0.1 (SQLite or PostgreSQL) with seeding helpers, and
// ApiClient, a keep-alive HTTP/1.1 client that signs in (cookie + CSRF) or signs with an API key.
//
// Usage (tests/integration/*_test.cpp):
//
//   class ServicesApiTest : public candela::testing::PortalTest {};
//
//   TEST_P(ServicesApiTest, CustomerSeesOnlyItsServices) {
//     const long long acme = create_group(std::nullopt, "Acme");
//     const long long uk = create_group(acme, "UK");
//     create_user("ana@acme.example", "a long password", {{Role::kAdmin, acme}});
//     ApiClient ana = signed_in("ana@acme.example", "a long password");  // asserts success
//     ApiResponse list = ana.get("/api/v1/services?limit=10");
//     EXPECT_EQ(list.status, 200) << list.body;
//     EXPECT_TRUE(list.json["items"].is_array());
//     ApiResponse made = ana.post("/api/v1/users", {{"name", "Bo"}, {"email", "bo@acme.example"},
//                                 {"roles", {{{"role", "technical"}, {"access_group_id", uk}}}}});
//     auto key = create_api_key(uk, Role::kTechnical);   // {key_id, secret}
//     ApiClient robot = client();
//     robot.use_api_key(key.key_id, key.secret);          // every request is signed from now on
//     clock().advance(std::chrono::hours(9));             // sessions expire (default TTL 8 h)
//   }
//   INSTANTIATE_TEST_SUITE_P(Stores, ServicesApiTest, candela::testing::portal_stores(),
//                            candela::testing::store_name);
//
// Sessions send their CSRF token on POST/PUT/PATCH/DELETE automatically (turn off with
// `client.send_csrf = false`). `send(method, path, raw_body, headers, content_type)` sends any
// bytes (malformed JSON, other media types). The portal's clock is a ManualClock starting at the
// real time; argon2 runs at minimal cost; settings can be changed by overriding
// `adjust(PortalOptions&)`. Seeding helpers call the domain directly as the system principal.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "control/principal.hpp"
#include "portal/portal_app.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace candela::testing {

using control::Role;
using control::RoleGrant;

struct ApiResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  nlohmann::json json;  // the parsed body; null when empty or not JSON

  // First value of a header field (case-insensitive), or empty.
  std::string header(const std::string& name) const;
  bool has_header(const std::string& name) const;
};

class ApiClient {
 public:
  // `clock` gives the time signatures are made with (the portal's clock in PortalTest).
  ApiClient(int port, const Clock& clock);

  // POST /api/v1/session; on 201 keeps the session cookie and CSRF token for later requests.
  ApiResponse sign_in(const std::string& email, const std::string& password);
  // Signs every following request with this API key (and sends no cookie).
  void use_api_key(std::string key_id, std::string secret);
  // Back to the session (if any) after use_api_key.
  void stop_using_api_key();

  // `headers`: extra lines "Name: value". Bodies are sent as application/json.
  ApiResponse get(const std::string& path, const std::vector<std::string>& headers = {});
  ApiResponse post(const std::string& path, const nlohmann::json& body = nlohmann::json::object(),
                   const std::vector<std::string>& headers = {});
  ApiResponse put(const std::string& path, const nlohmann::json& body,
                  const std::vector<std::string>& headers = {});
  ApiResponse patch(const std::string& path, const nlohmann::json& body,
                    const std::vector<std::string>& headers = {});
  ApiResponse del(const std::string& path, const std::vector<std::string>& headers = {});
  // Any method with raw body bytes (nullopt: no body) and the given Content-Type.
  ApiResponse send(const std::string& method, const std::string& path,
                   const std::optional<std::string>& body,
                   const std::vector<std::string>& headers = {},
                   const std::string& content_type = "application/json");

  const std::string& session_token() const { return session_token_; }
  void set_session_token(std::string token) { session_token_ = std::move(token); }
  const std::string& csrf_token() const { return csrf_token_; }
  void set_csrf_token(std::string token) { csrf_token_ = std::move(token); }
  bool send_csrf = true;

 private:
  std::optional<HttpResponse> exchange(const std::string& bytes, bool head);

  int port_;
  const Clock& clock_;
  std::unique_ptr<RawConnection> connection_;
  std::string session_token_;
  std::string csrf_token_;
  std::optional<std::pair<std::string, std::string>> api_key_;  // key id, secret
};

struct IssuedKey {
  std::string key_id;
  std::string secret;
};

// Seeding through the API as provider staff; each fails the test unless the portal answers 201.
// A service of `group` billed to `customer_number` (state: ordered); returns its SCID.
std::string api_create_service(ApiClient& staff, long long group,
                               const std::string& customer_number);
// An edge of cache group lon1; returns its node token.
std::string api_create_edge(ApiClient& staff, const std::string& edge_id,
                            const std::string& network = "production");

// ::testing::Values("sqlite", "postgresql") and a readable test-name suffix.
inline auto portal_stores() {
  return ::testing::Values(std::string("sqlite"), std::string("postgresql"));
}
inline std::string store_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

class PortalTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Called before the portal starts; change settings here.
  virtual void adjust(portal::PortalOptions& options) { (void)options; }

  portal::PortalApp& app() { return *app_; }
  portal::ApiContext& context() { return app_->context(); }
  ManualClock& clock() { return clock_; }
  int port() const { return static_cast<int>(app_->port()); }
  const std::string& database_url() const { return url_; }

  ApiClient client() { return ApiClient(port(), clock_); }
  // A client already signed in; fails the test if signing in does not answer 201.
  ApiClient signed_in(const std::string& email, const std::string& password);

  // Seeding through the domain as the system principal; each fails the test on error.
  long long create_group(std::optional<long long> parent, const std::string& name);
  long long create_user(const std::string& email, const std::string& password,
                        const std::vector<RoleGrant>& roles, const std::string& name = "");
  // A customer (billing entity) of an organisation (a top-level group); returns its number.
  std::string create_customer(const std::string& name, long long organisation_id,
                              const std::string& country = "GB");
  IssuedKey create_api_key(long long access_group_id, Role role);

 private:
  TempDir dir_;
  std::string url_;
  ManualClock clock_{
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now())};
  std::unique_ptr<portal::PortalApp> app_;
};

}  // namespace candela::testing

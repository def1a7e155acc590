// Access groups, customers and account teams through the HTTP API, and the tenancy table: every
// identity endpoint called by another organisation's admin is refused and changes nothing.
#include <gtest/gtest.h>

#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

constexpr const char* kPassword = "correct horse battery";

class TenancyApiTest : public PortalTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(PortalTest::SetUp());
    acme_ = create_group(std::nullopt, "Acme");
    acme_uk_ = create_group(acme_, "UK");
    beta_ = create_group(std::nullopt, "Beta");
    admin_ = create_user("admin@acme.example", kPassword, {{Role::kAdmin, acme_}});
    uk_tech_ = create_user("tech@acme.example", kPassword, {{Role::kTechnical, acme_uk_}});
    billing_ = create_user("billing@acme.example", kPassword, {{Role::kBilling, acme_}});
    bob_ = create_user("bob@beta.example", kPassword, {{Role::kAdmin, beta_}});
    staff_ = create_user("staff@provider.example", kPassword, {{Role::kProviderAdmin, {}}});
    director_ = create_user("ad@provider.example", kPassword, {{Role::kAccountDirector, {}}},
                            "Alex Director");
    noc_ = create_user("noc@provider.example", kPassword, {{Role::kNocEngineer, {}}});
    acme_customer_ = create_customer("Acme Ltd", acme_);
    beta_customer_ = create_customer("Beta GmbH", beta_, "DE");
    acme_key_ = create_api_key(acme_, Role::kAdmin);
  }

  static std::vector<long long> ids(const ApiResponse& list) {
    std::vector<long long> out;
    for (const auto& item : list.json["items"])
      out.push_back(item["id"]);
    return out;
  }

  long long acme_ = 0, acme_uk_ = 0, beta_ = 0;
  long long admin_ = 0, uk_tech_ = 0, billing_ = 0, bob_ = 0, staff_ = 0, director_ = 0, noc_ = 0;
  std::string acme_customer_, beta_customer_;
  IssuedKey acme_key_;
};

TEST_P(TenancyApiTest, EachCallerSeesItsPartOfTheTree) {
  ApiClient admin = signed_in("admin@acme.example", kPassword);
  EXPECT_EQ(ids(admin.get("/api/v1/access-groups")), (std::vector<long long>{acme_, acme_uk_}));
  ApiClient tech = signed_in("tech@acme.example", kPassword);
  EXPECT_EQ(ids(tech.get("/api/v1/access-groups")), (std::vector<long long>{acme_uk_}));
  ApiClient staff = signed_in("noc@provider.example", kPassword);
  EXPECT_EQ(ids(staff.get("/api/v1/access-groups")),
            (std::vector<long long>{acme_, acme_uk_, beta_}));
}

TEST_P(TenancyApiTest, AdminsCreateRenameAndMoveGroupsWithinTheirReach) {
  ApiClient admin = signed_in("admin@acme.example", kPassword);
  ApiResponse made = admin.post("/api/v1/access-groups", {{"parent_id", acme_}, {"name", "Video"}});
  ASSERT_EQ(made.status, 201) << made.body;
  const long long video = made.json["id"];
  ApiResponse moved =
      admin.patch("/api/v1/access-groups/" + std::to_string(video), {{"parent_id", acme_uk_}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json["parent_id"], acme_uk_);
  ApiResponse renamed =
      admin.patch("/api/v1/access-groups/" + std::to_string(video), {{"name", "  Video UK "}});
  EXPECT_EQ(renamed.json["name"], "Video UK");
  // Cycles, the top level, other organisations, hidden groups: refused.
  EXPECT_EQ(admin.patch("/api/v1/access-groups/" + std::to_string(acme_uk_), {{"parent_id", video}})
                .status,
            400);
  EXPECT_EQ(admin.patch("/api/v1/access-groups/" + std::to_string(video), {{"parent_id", nullptr}})
                .status,
            403);
  EXPECT_EQ(
      admin.patch("/api/v1/access-groups/" + std::to_string(video), {{"parent_id", beta_}}).status,
      404);
  EXPECT_EQ(admin.post("/api/v1/access-groups", {{"parent_id", nullptr}, {"name", "Mine"}}).status,
            403);
  EXPECT_EQ(admin.post("/api/v1/access-groups", {{"name", "No parent field"}}).status, 400);
  EXPECT_EQ(admin
                .post("/api/v1/access-groups",
                      {{"parent_id", acme_}, {"name", "Hidden"}, {"customer_visible", false}})
                .status,
            403);
  EXPECT_EQ(admin.post("/api/v1/access-groups", {{"parent_id", acme_}, {"name", ""}}).status, 400);
  ApiClient tech = signed_in("tech@acme.example", kPassword);
  EXPECT_EQ(tech.post("/api/v1/access-groups", {{"parent_id", acme_uk_}, {"name", "X"}}).status,
            403);
  // A customer's organisation stays at the top.
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  EXPECT_EQ(
      staff.patch("/api/v1/access-groups/" + std::to_string(beta_), {{"parent_id", acme_}}).status,
      409);
  ApiResponse top =
      staff.post("/api/v1/access-groups", {{"parent_id", nullptr}, {"name", "Gamma"}});
  EXPECT_EQ(top.status, 201);
  EXPECT_TRUE(top.json["parent_id"].is_null());
}

TEST_P(TenancyApiTest, CustomersAreCreatedByStaffAndSeenByTheirOrganisation) {
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  ApiResponse made =
      staff.post("/api/v1/customers",
                 {{"name", "Gamma SARL"},
                  {"country", "FR"},
                  {"billing_address",
                   {{"line1", "1 rue de la Paix"}, {"city", "Paris"}, {"postal_code", "75002"}}},
                  {"invoice_delivery", "post"}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string number = made.json["customer_number"];
  EXPECT_EQ(number.size(), 8u);
  EXPECT_EQ(number[0], 'C');
  EXPECT_TRUE(made.json["organisation_id"].is_number());  // a new top-level group
  EXPECT_EQ(made.header("Location"), "/api/v1/customers/" + number);

  ApiResponse bad = staff.post("/api/v1/customers", {{"name", "X"},
                                                     {"country", "UK"},
                                                     {"invoice_delivery", "fax"},
                                                     {"organisation_id", acme_uk_}});
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.json["errors"].size(), 2u) << bad.body;  // country, invoice_delivery
  EXPECT_NE(bad.body.find("GB"), std::string::npos);
  ApiResponse nested = staff.post("/api/v1/customers", {{"name", "X"},
                                                        {"country", "GB"},
                                                        {"invoice_delivery", "portal"},
                                                        {"organisation_id", acme_uk_}});
  EXPECT_EQ(nested.status, 400);
  EXPECT_EQ(nested.json["errors"][0]["pointer"], "/organisation_id");
  ApiResponse no_email = staff.post(
      "/api/v1/customers", {{"name", "X"}, {"country", "GB"}, {"invoice_delivery", "email"}});
  EXPECT_EQ(no_email.status, 400);
  EXPECT_EQ(no_email.json["errors"][0]["pointer"], "/invoice_email");

  ApiClient admin = signed_in("admin@acme.example", kPassword);
  EXPECT_EQ(admin.post("/api/v1/customers", {{"name", "Mine"}, {"country", "GB"}}).status, 403);
  ApiResponse mine = admin.get("/api/v1/customers");
  ASSERT_EQ(mine.json["items"].size(), 1u);
  EXPECT_EQ(mine.json["items"][0]["customer_number"], acme_customer_);
  ApiClient tech = signed_in("tech@acme.example", kPassword);
  EXPECT_EQ(tech.get("/api/v1/customers/" + acme_customer_).status, 200);
  EXPECT_EQ(tech.get("/api/v1/customers/" + beta_customer_).status, 404);
  EXPECT_EQ(tech.get("/api/v1/customers/not-a-number").status, 404);
}

TEST_P(TenancyApiTest, BillingDetailsChangeWithTheBillingRight) {
  ApiClient billing = signed_in("billing@acme.example", kPassword);
  ApiResponse changed = billing.patch("/api/v1/customers/" + acme_customer_,
                                      {{"invoice_delivery", "email"},
                                       {"invoice_email", "Invoices@Acme.Example"},
                                       {"billing_address", {{"city", "London"}}}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json["invoice_email"], "invoices@acme.example");
  EXPECT_EQ(changed.json["billing_address"]["city"], "London");
  ApiResponse cleared =
      billing.patch("/api/v1/customers/" + acme_customer_, {{"invoice_email", nullptr}});
  EXPECT_EQ(cleared.status, 400);  // email delivery needs an address
  ApiClient tech = signed_in("tech@acme.example", kPassword);
  EXPECT_EQ(tech.patch("/api/v1/customers/" + acme_customer_, {{"name", "Tech Ltd"}}).status, 403);
  EXPECT_EQ(tech.patch("/api/v1/customers/" + acme_customer_, {{"vat", "GB1"}}).status, 400);
  ApiResponse trail = billing.get("/api/v1/audit?entity_type=customer&entity_id=" + acme_customer_);
  ASSERT_EQ(trail.status, 200) << trail.body;
  EXPECT_EQ(trail.json["items"].back()["details"]["invoice_email"]["to"], "invoices@acme.example");
}

TEST_P(TenancyApiTest, TheAccountTeamIsShownToTheCustomerAndChangedByStaff) {
  ApiClient director = signed_in("ad@provider.example", kPassword);
  ASSERT_EQ(
      director
          .patch("/api/v1/users/" + std::to_string(director_), {{"phone_office", "+1 555 0100"}})
          .status,
      200);
  ApiResponse assigned =
      director.put("/api/v1/customers/" + acme_customer_ + "/account-team/account_director",
                   {{"user_id", director_}});
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  ApiResponse wrong_role = director.put(
      "/api/v1/customers/" + acme_customer_ + "/account-team/sales_engineer", {{"user_id", noc_}});
  EXPECT_EQ(wrong_role.status, 400);
  EXPECT_EQ(director
                .put("/api/v1/customers/" + acme_customer_ + "/account-team/noc_engineer",
                     {{"user_id", noc_}})
                .status,
            404);

  ApiClient tech = signed_in("tech@acme.example", kPassword);
  ApiResponse team = tech.get("/api/v1/customers/" + acme_customer_ + "/account-team");
  ASSERT_EQ(team.status, 200) << team.body;
  ASSERT_EQ(team.json["items"].size(), 6u);
  EXPECT_EQ(team.json["items"][0]["role"], "account_director");
  EXPECT_EQ(team.json["items"][0]["user"]["name"], "Alex Director");
  EXPECT_EQ(team.json["items"][0]["user"]["email"], "ad@provider.example");
  EXPECT_EQ(team.json["items"][0]["user"]["phone_office"], "+1 555 0100");
  EXPECT_TRUE(team.json["items"][1]["user"].is_null());
  EXPECT_EQ(tech.put("/api/v1/customers/" + acme_customer_ + "/account-team/account_director",
                     {{"user_id", nullptr}})
                .status,
            403);
  ApiClient noc = signed_in("noc@provider.example", kPassword);
  EXPECT_EQ(noc.put("/api/v1/customers/" + acme_customer_ + "/account-team/account_director",
                    {{"user_id", nullptr}})
                .status,
            403);
  ApiResponse cleared =
      director.put("/api/v1/customers/" + acme_customer_ + "/account-team/account_director",
                   {{"user_id", nullptr}});
  EXPECT_TRUE(cleared.json["items"][0]["user"].is_null());
  ApiClient bob = signed_in("bob@beta.example", kPassword);
  EXPECT_EQ(bob.get("/api/v1/customers/" + acme_customer_ + "/account-team").status, 404);
}

// Another organisation's admin, through a session and through an API key of its own group,
// reaches nothing of Acme: every request is 403 or 404, and Acme's data is unchanged after.
TEST_P(TenancyApiTest, AnotherOrganisationReachesNothingThroughAnyIdentityEndpoint) {
  const std::string group = "/api/v1/access-groups/" + std::to_string(acme_uk_);
  const std::string user = "/api/v1/users/" + std::to_string(uk_tech_);
  const std::string customer = "/api/v1/customers/" + acme_customer_;
  const std::string key = "/api/v1/api-keys/" + acme_key_.key_id;
  const nlohmann::json roles = {{"roles", {{{"role", "admin"}, {"access_group_id", acme_uk_}}}}};
  struct Call {
    std::string method;
    std::string path;
    nlohmann::json body;
  };
  const std::vector<Call> calls = {
      {"GET", group, nullptr},
      {"PATCH", group, {{"name", "Owned"}}},
      {"POST", "/api/v1/access-groups", {{"parent_id", acme_uk_}, {"name", "Owned"}}},
      {"GET", user, nullptr},
      {"PATCH", user, {{"name", "Owned"}}},
      {"PATCH", user, {{"disabled", true}}},
      {"PUT", user + "/roles", roles},
      {"PUT", user + "/password", {{"new_password", "owned owned owned"}}},
      {"POST", user + "/unlock", nlohmann::json::object()},
      {"POST",
       "/api/v1/users",
       {{"name", "M"}, {"email", "m@beta.example"}, {"roles", roles["roles"]}}},
      {"GET", customer, nullptr},
      {"PATCH", customer, {{"name", "Owned"}}},
      {"GET", customer + "/account-team", nullptr},
      {"PUT", customer + "/account-team/account_director", {{"user_id", director_}}},
      {"GET", key, nullptr},
      {"PATCH", key, {{"disabled", true}}},
      {"POST", key + "/regenerate", nlohmann::json::object()},
      {"DELETE", key, nullptr},
      {"POST", "/api/v1/api-keys", {{"access_group_id", acme_uk_}, {"role", "admin"}}},
      {"GET", "/api/v1/audit?entity_type=user&entity_id=" + std::to_string(uk_tech_), nullptr},
      {"GET", "/api/v1/audit?entity_type=access_group&entity_id=" + std::to_string(acme_), nullptr},
      {"GET", "/api/v1/audit?entity_type=customer&entity_id=" + acme_customer_, nullptr},
      {"GET", "/api/v1/audit?entity_type=api_key&entity_id=" + acme_key_.key_id, nullptr},
  };
  ApiClient bob = signed_in("bob@beta.example", kPassword);
  IssuedKey beta_key = create_api_key(beta_, Role::kAdmin);
  ApiClient robot = client();
  robot.use_api_key(beta_key.key_id, beta_key.secret);
  for (ApiClient* caller : {&bob, &robot}) {
    for (const auto& call : calls) {
      clock().advance(std::chrono::seconds(1));  // distinct signatures
      ApiResponse response = call.body.is_null()
                                 ? caller->send(call.method, call.path, std::nullopt)
                                 : caller->send(call.method, call.path, call.body.dump());
      EXPECT_TRUE(response.status == 403 || response.status == 404)
          << call.method << " " << call.path << " answered " << response.status << " "
          << response.body;
    }
  }
  // The lists show nothing of Acme.
  for (const char* list :
       {"/api/v1/users", "/api/v1/customers", "/api/v1/access-groups", "/api/v1/api-keys"}) {
    ApiResponse response = bob.get(list);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body.find("acme"), std::string::npos) << list << ": " << response.body;
    EXPECT_EQ(response.body.find("Acme"), std::string::npos) << list << ": " << response.body;
  }
  ApiClient admin = signed_in("admin@acme.example", kPassword);
  EXPECT_EQ(admin.get(group).json["name"], "UK");
  EXPECT_EQ(admin.get(user).json["name"], "tech");
  EXPECT_EQ(admin.get(user).json["disabled"], false);
  EXPECT_EQ(admin.get(user).json["roles"][0]["role"], "technical");
  EXPECT_EQ(admin.get(customer).json["name"], "Acme Ltd");
  EXPECT_EQ(admin.get(key).json["disabled"], false);
  EXPECT_EQ(ids(admin.get("/api/v1/access-groups")), (std::vector<long long>{acme_, acme_uk_}));
  EXPECT_EQ(client().sign_in("tech@acme.example", kPassword).status, 201);
  ApiClient acme_robot = client();
  acme_robot.use_api_key(acme_key_.key_id, acme_key_.secret);
  EXPECT_EQ(acme_robot.get("/api/v1/access-groups").status, 200);
}

INSTANTIATE_TEST_SUITE_P(Stores, TenancyApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing

// The order API end to end on an in-process portal: a new service walked from draft to
// completed by the people the handbook names, the connection notice over HTTP, bad bodies
// (located errors, nothing stored), role and state refusals, If-Match on edits, listings.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

constexpr const char* kPassword = "a long enough password";

std::vector<std::string> error_pointers(const ApiResponse& response) {
  std::vector<std::string> out;
  if (response.json.contains("errors")) {
    for (const auto& error : response.json["errors"])
      out.push_back(error["pointer"].get<std::string>());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class OrdersApiTest : public PortalTest {
 protected:
  void adjust(portal::PortalOptions& options) override {
    options.settings.cdn_domain = "edge.test.example";
  }

  void SetUp() override {
    PortalTest::SetUp();
    if (HasFatalFailure()) return;
    acme_ = create_group(std::nullopt, "Acme");
    bravo_ = create_group(std::nullopt, "Bravo");
    create_user("root@provider.test", kPassword, {{Role::kProviderAdmin, std::nullopt}});
    create_user("al@provider.test", kPassword, {{Role::kAccountDirector, std::nullopt}}, "Al");
    create_user("cora@provider.test", kPassword, {{Role::kCustomerCareManager, std::nullopt}},
                "Cora");
    create_user("ada@provider.test", kPassword, {{Role::kActivationEngineer, std::nullopt}}, "Ada");
    create_user("ana@acme.test", kPassword, {{Role::kAdmin, acme_}}, "Ana");
    create_user("tom@acme.test", kPassword, {{Role::kTechnical, acme_}}, "Tom");
    create_user("bob@bravo.test", kPassword, {{Role::kAdmin, bravo_}}, "Bob");
    acme_customer_ = create_customer("Acme Ltd", acme_);
  }

  nlohmann::json new_service() const {
    return {{"type", "new_service"},
            {"customer_number", acme_customer_},
            {"access_group_id", acme_},
            {"customer_commit_date", "2030-01-15"},
            {"items", {{{"product", "cdn-delivery"}}}},
            {"technical",
             {{"aliases", {"www.acme.test", "IMG.acme.test"}},
              {"origin", {{"host", "origin.acme.test"}, {"scheme", "https"}}}}}};
  }

  ApiResponse transition(ApiClient& as, const std::string& number, const nlohmann::json& body) {
    return as.post("/api/v1/orders/" + number + "/transitions", body);
  }

  long long stored_orders() {
    ApiClient al = signed_in("al@provider.test", kPassword);
    auto listed = al.get("/api/v1/orders");
    EXPECT_EQ(listed.status, 200) << listed.body;
    return static_cast<long long>(listed.json["items"].size());
  }

  long long acme_ = 0, bravo_ = 0;
  std::string acme_customer_;
};

TEST_P(OrdersApiTest, NewServiceFromDraftToConnectionNotice) {
  ApiClient al = signed_in("al@provider.test", kPassword);
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  ApiClient cora = signed_in("cora@provider.test", kPassword);
  ApiClient ada = signed_in("ada@provider.test", kPassword);

  auto created = al.post("/api/v1/orders", new_service());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string number = created.json["order_number"];
  EXPECT_EQ(created.header("Location"), "/api/v1/orders/" + number);
  EXPECT_FALSE(created.header("ETag").empty());
  EXPECT_EQ(created.json["state"], "draft");
  EXPECT_EQ(created.json["currency"], "USD");
  EXPECT_EQ(created.json["customer_number"], acme_customer_);
  // The standard product fills in its catalogue prices; aliases are stored lower case.
  EXPECT_EQ(created.json["items"][0]["mrc_minor"], 50000);
  EXPECT_EQ(created.json["items"][0]["nrc_minor"], 100000);
  EXPECT_EQ(created.json["items"][0]["pricing_basis"], "standard");
  EXPECT_EQ(created.json["totals"]["mrc_minor"], 50000);
  EXPECT_EQ(created.json["technical"]["aliases"][1], "img.acme.test");
  EXPECT_EQ(created.json["technical"]["origin"]["port"], 443);
  EXPECT_EQ(created.json["allowed_transitions"], nlohmann::json({"quoted", "cancelled"}));

  auto as_ana = ana.get("/api/v1/orders/" + number);
  ASSERT_EQ(as_ana.status, 200) << as_ana.body;
  EXPECT_EQ(as_ana.json["allowed_transitions"], nlohmann::json({"cancelled"}));

  ASSERT_EQ(transition(al, number, {{"to", "quoted"}}).status, 200);
  auto signed_order = transition(
      ana, number, {{"to", "signed"}, {"signature", {{"name", "Ana"}, {"title", "CTO"}}}});
  ASSERT_EQ(signed_order.status, 200) << signed_order.body;
  EXPECT_EQ(signed_order.json["signature"]["name"], "Ana");
  ASSERT_EQ(transition(cora, number, {{"to", "validated"}}).status, 200);
  ASSERT_EQ(transition(ada, number, {{"to", "provisioning"}}).status, 200);
  auto done = transition(ada, number, {{"to", "completed"}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json["state"], "completed");
  ASSERT_TRUE(done.json["scid"].is_string());
  const std::string scid = done.json["scid"];
  EXPECT_EQ(done.json["events"].size(), 6u);
  EXPECT_EQ(done.json["events"][5]["actor"], "Ada");
  EXPECT_TRUE(done.json["allowed_transitions"].empty());

  auto service = ana.get("/api/v1/services/" + scid);
  ASSERT_EQ(service.status, 200) << service.body;
  EXPECT_EQ(service.json["state"], "active");

  auto notice = ana.get("/api/v1/services/" + scid + "/connection-notice");
  ASSERT_EQ(notice.status, 200) << notice.body;
  std::string lower = scid;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  EXPECT_EQ(notice.json["order_number"], number);
  EXPECT_EQ(notice.json["customer_number"], acme_customer_);
  EXPECT_NE(notice.json["body"].get<std::string>().find("www.acme.test  CNAME  " + lower +
                                                        ".edge.test.example"),
            std::string::npos)
      << notice.body;
  EXPECT_EQ(notice.json["details"]["aliases"][1]["cname"], lower + ".edge.test.example");
  auto by_order = ana.get("/api/v1/orders/" + number + "/connection-notice");
  ASSERT_EQ(by_order.status, 200) << by_order.body;
  EXPECT_EQ(by_order.json["body"], notice.json["body"]);

  ApiClient bob = signed_in("bob@bravo.test", kPassword);
  EXPECT_EQ(bob.get("/api/v1/services/" + scid + "/connection-notice").status, 404);
  EXPECT_EQ(bob.get("/api/v1/orders/" + number + "/connection-notice").status, 404);
  EXPECT_EQ(bob.get("/api/v1/orders/" + number).status, 404);
}

TEST_P(OrdersApiTest, BadBodiesAreLocatedAndStoreNothing) {
  ApiClient al = signed_in("al@provider.test", kPassword);
  auto refused = [&](const nlohmann::json& body) {
    auto response = al.post("/api/v1/orders", body);
    EXPECT_EQ(response.status, 400) << response.body;
    EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
    return error_pointers(response);
  };
  nlohmann::json body = new_service();
  body["colour"] = "blue";
  EXPECT_EQ(refused(body), std::vector<std::string>{"/colour"});

  body = new_service();
  body["items"][0]["mrc_minor"] = "500.00";
  body["items"][0]["nrc_minor"] = -1;
  body["items"][0]["term_months"] = 12.5;
  body["customer_commit_date"] = "2030-02-30";
  EXPECT_EQ(refused(body),
            (std::vector<std::string>{"/customer_commit_date", "/items/0/mrc_minor",
                                      "/items/0/nrc_minor", "/items/0/term_months"}));

  body = new_service();
  body["items"][0]["pricing_basis"] = "icb";
  body["items"][0]["mrc_minor"] = 10'000'000'000'001LL;
  EXPECT_EQ(refused(body), std::vector<std::string>{"/items/0/mrc_minor"});

  body = new_service();
  body["items"][0]["action"] = "double";
  body["technical"]["origin"]["port"] = 70000;
  body["technical"]["aliases"][0] = "not a host";
  EXPECT_EQ(refused(body), (std::vector<std::string>{"/items/0/action", "/technical/aliases/0",
                                                     "/technical/origin/port"}));

  body = new_service();
  body.erase("technical");
  body["type"] = "refurbish";
  EXPECT_EQ(refused(body), std::vector<std::string>{"/type"});

  body = new_service();
  body.erase("technical");
  body["disconnect"] = {{"cessation_date", "2030-01-01"}};
  EXPECT_EQ(refused(body), (std::vector<std::string>{"/disconnect", "/technical"}));

  EXPECT_EQ(al.send("POST", "/api/v1/orders", std::string("{\"type\": ")).status, 400);
  EXPECT_EQ(al.send("POST", "/api/v1/orders", std::string("[]")).status, 400);
  EXPECT_EQ(stored_orders(), 0);
}

TEST_P(OrdersApiTest, RolesStatesAndPreconditions) {
  ApiClient al = signed_in("al@provider.test", kPassword);
  ApiClient tom = signed_in("tom@acme.test", kPassword);
  ApiClient root = signed_in("root@provider.test", kPassword);
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  EXPECT_EQ(tom.post("/api/v1/orders", new_service()).status, 403);
  EXPECT_EQ(root.post("/api/v1/orders", new_service()).status, 403);
  auto created = ana.post("/api/v1/orders", new_service());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string number = created.json["order_number"];
  const std::string path = "/api/v1/orders/" + number;

  // Strict roles: 403 for the wrong role (provider_admin included), 409 for a move that does
  // not exist, 400 for a bad body, 404 for another customer.
  EXPECT_EQ(transition(ana, number, {{"to", "quoted"}}).status, 403);
  EXPECT_EQ(transition(root, number, {{"to", "quoted"}}).status, 403);
  EXPECT_EQ(transition(al, number, {{"to", "completed"}}).status, 409);
  auto bad_to = transition(al, number, {{"to", "shipped"}});
  EXPECT_EQ(bad_to.status, 400);
  EXPECT_EQ(error_pointers(bad_to), std::vector<std::string>{"/to"});
  auto no_reason = transition(ana, number, {{"to", "cancelled"}});
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(error_pointers(no_reason), std::vector<std::string>{"/reason"});
  ApiClient bob = signed_in("bob@bravo.test", kPassword);
  EXPECT_EQ(transition(bob, number, {{"to", "cancelled"}, {"reason", "mine"}}).status, 404);
  EXPECT_EQ(bob.patch(path, {{"customer_commit_date", "2030-02-01"}}).status, 404);

  // Edits need the current ETag.
  auto current = ana.get(path);
  ASSERT_EQ(current.status, 200);
  const std::string etag = current.header("ETag");
  EXPECT_EQ(ana.patch(path, {{"customer_commit_date", "2030-02-01"}}).status, 428);
  EXPECT_EQ(
      ana.patch(path, {{"customer_commit_date", "2030-02-01"}}, {"If-Match: \"stale\""}).status,
      412);
  auto bad_edit = ana.patch(path, {{"customer_commit_date", "soon"}}, {"If-Match: " + etag});
  EXPECT_EQ(bad_edit.status, 400);
  EXPECT_EQ(error_pointers(bad_edit), std::vector<std::string>{"/customer_commit_date"});
  auto edited = ana.patch(path, {{"customer_commit_date", "2030-02-01"}}, {"If-Match: " + etag});
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(edited.json["customer_commit_date"], "2030-02-01");
  EXPECT_NE(edited.header("ETag"), etag);
  EXPECT_EQ(ana.get(path, {"If-None-Match: " + edited.header("ETag")}).status, 304);

  ASSERT_EQ(transition(al, number, {{"to", "quoted"}}).status, 200);
  auto late_edit = ana.patch(path, {{"customer_commit_date", "2030-03-01"}},
                             {"If-Match: " + ana.get(path).header("ETag")});
  EXPECT_EQ(late_edit.status, 409) << late_edit.body;
  auto cancelled = transition(ana, number, {{"to", "cancelled"}, {"reason", "budget cut"}});
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json["reason"], "budget cut");
}

TEST_P(OrdersApiTest, ListingsFilterAndStayWithinTheCustomer) {
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  ApiClient al = signed_in("al@provider.test", kPassword);
  ASSERT_EQ(ana.post("/api/v1/orders", new_service()).status, 201);
  auto second = ana.post("/api/v1/orders", new_service());
  ASSERT_EQ(second.status, 201);
  ASSERT_EQ(transition(al, second.json["order_number"], {{"to", "quoted"}}).status, 200);

  auto all = ana.get("/api/v1/orders");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json["items"].size(), 2u);
  EXPECT_EQ(all.json["items"][0]["order_number"], second.json["order_number"]);  // newest first
  auto quoted = ana.get("/api/v1/orders?state=quoted");
  EXPECT_EQ(quoted.json["items"].size(), 1u);
  auto page = ana.get("/api/v1/orders?limit=1");
  EXPECT_EQ(page.json["items"].size(), 1u);
  ASSERT_TRUE(page.json["next_cursor"].is_string());
  auto next =
      ana.get("/api/v1/orders?limit=1&cursor=" + page.json["next_cursor"].get<std::string>());
  EXPECT_EQ(next.json["items"].size(), 1u);
  EXPECT_TRUE(next.json["next_cursor"].is_null());
  EXPECT_EQ(ana.get("/api/v1/orders?customer_number=" + acme_customer_ + "&type=new_service")
                .json["items"]
                .size(),
            2u);
  EXPECT_EQ(ana.get("/api/v1/orders?state=shipped").status, 400);
  EXPECT_EQ(ana.get("/api/v1/orders?type=upgrade").status, 400);
  EXPECT_EQ(ana.get("/api/v1/orders?customer_number=acme").status, 400);
  ApiClient bob = signed_in("bob@bravo.test", kPassword);
  auto none = bob.get("/api/v1/orders");
  ASSERT_EQ(none.status, 200);
  EXPECT_TRUE(none.json["items"].empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, OrdersApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing

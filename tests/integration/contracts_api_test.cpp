// Contracts over the API, in process with a manual clock on 2026-11-25: a service's items, the
// disconnect quote (ETC and the 30-day rule), the product catalogue, the MSA terms with their
// roles and located errors, and the service_cessation job disconnecting an ended service.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "control/database.hpp"
#include "control/service_items.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;

constexpr const char* kPassword = "a long test password";

std::set<std::string> pointers_of(const ApiResponse& response) {
  std::set<std::string> pointers;
  for (const auto& error : response.json.value("errors", json::array())) {
    pointers.insert(error.value("pointer", ""));
  }
  return pointers;
}

class ContractsApiTest : public PortalTest {
 protected:
  void SetUp() override {
    PortalTest::SetUp();
    if (HasFatalFailure()) return;
    clock().set(start_of_day(CivilDate{2026, 11, 25}) + std::chrono::hours(12));
    acme_ = create_group(std::nullopt, "Acme");
    bravo_ = create_group(std::nullopt, "Bravo");
    create_user("root@provider.test", kPassword, {{Role::kProviderAdmin, std::nullopt}});
    create_user("al@provider.test", kPassword, {{Role::kAccountDirector, std::nullopt}});
    create_user("ana@acme.test", kPassword, {{Role::kAdmin, acme_}});
    create_user("bob@bravo.test", kPassword, {{Role::kAdmin, bravo_}});
    customer_number_ = create_customer("Acme Ltd", acme_);
    ApiClient root = signed_in("root@provider.test", kPassword);
    scid_ = api_create_service(root, acme_, customer_number_);
    ASSERT_FALSE(scid_.empty());
    auto active = root.patch("/api/v1/services/" + scid_, {{"state", "active"}, {"reason", "go"}});
    ASSERT_EQ(active.status, 200) << active.body;
    // One delivery item: 12 months from 2026-02-10 (term end 2027-02-09), MRC 500.00.
    auto opened = context().db.with_transaction([&](soci::session& s) {
      long long customer_id = 0;
      s << "SELECT id FROM customers WHERE customer_number = :n", soci::use(customer_number_),
          soci::into(customer_id);
      const control::Product& product = *control::find_product("cdn-delivery");
      control::ItemTerms terms{product.code,
                               product.name,
                               control::PricingBasis::kStandard,
                               product.standard_mrc_minor,
                               product.standard_nrc_minor,
                               product.standard_usage_plan,
                               12,
                               100};
      return control::ServiceItems(s, clock())
          .open(scid_, customer_id, {terms}, CivilDate{2026, 2, 10}, "ORD-2026-000001");
    });
    ASSERT_TRUE(opened.ok()) << opened.error();
    item_id_ = opened->front().id;
  }

  void run_job(const std::string& name) {
    auto& jobs = context().jobs;
    const auto job = std::find_if(jobs.begin(), jobs.end(),
                                  [&](const portal::BackgroundJob& j) { return j.name == name; });
    ASSERT_NE(job, jobs.end()) << name;
    job->run();
  }

  long long acme_ = 0;
  long long bravo_ = 0;
  std::string customer_number_;
  std::string scid_;
  long long item_id_ = 0;
};

TEST_P(ContractsApiTest, CustomersSeeTheirServiceItems) {
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  auto listed = ana.get("/api/v1/services/" + scid_ + "/items");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json["items"].size(), 1u);
  const json& item = listed.json["items"][0];
  EXPECT_EQ(item["id"], item_id_);
  EXPECT_EQ(item["scid"], scid_);
  EXPECT_EQ(item["customer_number"], customer_number_);
  EXPECT_EQ(item["product"], "cdn-delivery");
  EXPECT_EQ(item["pricing_basis"], "standard");
  EXPECT_EQ(item["mrc_minor"], 50000);
  EXPECT_EQ(item["nrc_minor"], 100000);
  EXPECT_EQ(item["usage_plan"]["kind"], "per_gb");
  EXPECT_EQ(item["term_months"], 12);
  EXPECT_EQ(item["etc_percent"], 100);
  EXPECT_EQ(item["start_date"], "2026-02-10");
  EXPECT_TRUE(item["end_date"].is_null());
  EXPECT_EQ(item["term_start"], "2026-02-10");
  EXPECT_EQ(item["term_end"], "2027-02-09");
  EXPECT_EQ(item["month_to_month"], false);
  EXPECT_EQ(item["nrc_due"], true);
  EXPECT_TRUE(item["nrc_invoice_number"].is_null());
  EXPECT_EQ(item["order_number"], "ORD-2026-000001");
  EXPECT_TRUE(item["replaces_item_id"].is_null());

  // After the term end the same item runs month to month.
  clock().set(start_of_day(CivilDate{2027, 2, 10}) + std::chrono::hours(1));
  ApiClient later = signed_in("ana@acme.test", kPassword);
  EXPECT_EQ(later.get("/api/v1/services/" + scid_ + "/items").json["items"][0]["month_to_month"],
            true);

  ApiClient bob = signed_in("bob@bravo.test", kPassword);
  EXPECT_EQ(bob.get("/api/v1/services/" + scid_ + "/items").status, 404);
  EXPECT_EQ(client().get("/api/v1/services/" + scid_ + "/items").status, 401);
}

TEST_P(ContractsApiTest, DisconnectQuoteShowsTheChargeBeforeConfirming) {
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  const std::string path = "/api/v1/services/" + scid_ + "/disconnect-quote";
  // Early: 16/31 of December + January + 9/28 of February 2027 = 918.78.
  auto early = ana.post(path, {{"cessation_date", "2026-12-15"}});
  ASSERT_EQ(early.status, 200) << early.body;
  EXPECT_EQ(early.json["requested_on"], "2026-11-25");
  EXPECT_EQ(early.json["currency"], "USD");
  EXPECT_EQ(early.json["etc_total_minor"], 91878);
  ASSERT_EQ(early.json["quotes"].size(), 1u);
  const json& quote = early.json["quotes"][0];
  EXPECT_EQ(quote["item_id"], item_id_);
  EXPECT_EQ(quote["product"], "cdn-delivery");
  EXPECT_EQ(quote["term_end"], "2027-02-09");
  EXPECT_EQ(quote["requested_cessation"], "2026-12-15");
  EXPECT_EQ(quote["cessation"], "2026-12-15");
  EXPECT_EQ(quote["outcome"], "early_termination");
  EXPECT_EQ(quote["remaining_mrc_minor"], 91878);
  EXPECT_EQ(quote["etc_minor"], 91878);
  EXPECT_FALSE(quote["explanation"].get<std::string>().empty());

  // The term end with 76 days' notice: no fee.
  auto at_term = ana.post(path, {{"cessation_date", "2027-02-09"}, {"item_ids", {item_id_}}});
  ASSERT_EQ(at_term.status, 200) << at_term.body;
  EXPECT_EQ(at_term.json["quotes"][0]["outcome"], "at_term_end");
  EXPECT_EQ(at_term.json["etc_total_minor"], 0);

  // Bad bodies: every problem located, nothing stored.
  auto bad = ana.post(path, {{"cessation_date", "2026-02-30"}, {"item_ids", {0, "x"}}, {"x", 1}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(pointers_of(bad),
            (std::set<std::string>{"/cessation_date", "/item_ids/0", "/item_ids/1", "/x"}));
  auto past = ana.post(path, {{"cessation_date", "2026-11-24"}});
  EXPECT_EQ(past.status, 400) << past.body;
  EXPECT_EQ(pointers_of(past), (std::set<std::string>{"/cessation_date"}));
  auto unknown_item = ana.post(path, {{"cessation_date", "2026-12-15"}, {"item_ids", {999999}}});
  EXPECT_EQ(unknown_item.status, 400) << unknown_item.body;
  EXPECT_EQ(pointers_of(unknown_item), (std::set<std::string>{"/item_ids/0"}));
  EXPECT_EQ(ana.post(path, {{"item_ids", {item_id_}}}).status, 400);

  ApiClient bob = signed_in("bob@bravo.test", kPassword);
  EXPECT_EQ(bob.post(path, {{"cessation_date", "2026-12-15"}}).status, 404);
  ApiClient root = signed_in("root@provider.test", kPassword);
  auto items = root.get("/api/v1/services/" + scid_ + "/items");
  EXPECT_TRUE(items.json["items"][0]["end_date"].is_null());  // a quote changes nothing
}

TEST_P(ContractsApiTest, ProductsForAnyoneSignedIn) {
  ApiClient bob = signed_in("bob@bravo.test", kPassword);
  auto products = bob.get("/api/v1/products");
  ASSERT_EQ(products.status, 200) << products.body;
  std::vector<std::string> codes;
  for (const auto& product : products.json["products"])
    codes.push_back(product["code"]);
  EXPECT_EQ(codes, (std::vector<std::string>{"cdn-delivery", "cdn-delivery-p95", "log-delivery",
                                             "origin-shield"}));
  const json& p95 = products.json["products"][1];
  EXPECT_EQ(p95["name"], "CDN delivery, 95th percentile");
  EXPECT_EQ(p95["standard_mrc_minor"], 250000);
  EXPECT_EQ(p95["standard_nrc_minor"], 100000);
  EXPECT_EQ(
      p95["usage_plan"],
      json::parse(R"({"kind":"p95","commit_mbps":500,"overage_milli_minor_per_mbps":150000})"));
  EXPECT_EQ(client().get("/api/v1/products").status, 401);
}

TEST_P(ContractsApiTest, TermsAreReadByTheCustomerAndChangedByTheAccountDirector) {
  const std::string path = "/api/v1/customers/" + customer_number_ + "/terms";
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  auto defaults = ana.get(path);
  ASSERT_EQ(defaults.status, 200) << defaults.body;
  EXPECT_EQ(defaults.json, (json{{"customer_number", customer_number_},
                                 {"msa_reference", ""},
                                 {"currency", "USD"},
                                 {"payment_terms_days", 30},
                                 {"warning_after_days", 1},
                                 {"final_warning_after_days", 15},
                                 {"suspend_after_days", 30}}));
  const std::string etag = defaults.header("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(ana.get(path, {"If-None-Match: " + etag}).status, 304);

  const json change = {{"msa_reference", "MSA-2026-0042"}, {"currency", "EUR"},
                       {"payment_terms_days", 45},         {"warning_after_days", 5},
                       {"final_warning_after_days", 20},   {"suspend_after_days", 40},
                       {"reason", "MSA amendment 2"}};
  EXPECT_EQ(ana.put(path, change).status, 403);  // the customer cannot change its terms
  ApiClient root = signed_in("root@provider.test", kPassword);
  EXPECT_EQ(root.put(path, change).status, 403);  // provider_admin is not a wildcard here
  ApiClient bob = signed_in("bob@bravo.test", kPassword);
  EXPECT_EQ(bob.get(path).status, 404);
  EXPECT_EQ(bob.put(path, change).status, 404);

  ApiClient al = signed_in("al@provider.test", kPassword);
  auto stored = al.put(path, change, {"If-Match: " + etag});
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(stored.json["currency"], "EUR");
  EXPECT_EQ(stored.json["payment_terms_days"], 45);
  EXPECT_EQ(al.put(path, change, {"If-Match: " + etag}).status, 412);  // stale

  json bad = change;
  bad["currency"] = "euro";
  bad["payment_terms_days"] = 0;
  bad["suspend_after_days"] = 10;
  bad.erase("reason");
  auto refused = al.put(path, bad);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(pointers_of(refused),
            (std::set<std::string>{"/currency", "/payment_terms_days", "/reason"}));
  json unordered = change;
  unordered["suspend_after_days"] = 10;
  auto located = al.put(path, unordered);
  EXPECT_EQ(located.status, 400) << located.body;
  EXPECT_EQ(pointers_of(located), (std::set<std::string>{"/suspend_after_days"}));
  EXPECT_EQ(ana.get(path).json["payment_terms_days"], 45);  // unchanged by the refusals
  EXPECT_EQ(al.get("/api/v1/customers/C0000000/terms").status, 404);
}

TEST_P(ContractsApiTest, CessationJobDisconnectsAServiceAfterItsLastDay) {
  auto ended = context().db.with_transaction([&](soci::session& s) {
    return control::ServiceItems(s, clock())
        .end(item_id_, CivilDate{2026, 11, 25}, "ORD-2026-000002");
  });
  ASSERT_TRUE(ended.ok()) << ended.error();
  ApiClient root = signed_in("root@provider.test", kPassword);
  run_job("service_cessation");
  EXPECT_EQ(root.get("/api/v1/services/" + scid_).json["state"], "active");  // its last day
  clock().advance(std::chrono::hours(24));
  run_job("service_cessation");
  ApiClient later = signed_in("root@provider.test", kPassword);
  EXPECT_EQ(later.get("/api/v1/services/" + scid_).json["state"], "disconnected");
  run_job("service_cessation");  // idempotent
  EXPECT_EQ(later.get("/api/v1/services/" + scid_).json["state"], "disconnected");
}

INSTANTIATE_TEST_SUITE_P(Stores, ContractsApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing

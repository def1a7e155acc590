// The billing-request API on an in-process portal: opening with located errors (bad bodies leave
// nothing stored), the dispute → review → credit flow with strict roles, internal notes and
// files hidden from customers, attachment downloads, and another customer's requests as 404.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>

#include "support/invoice_rows.hpp"
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

class BillingRequestsApiTest : public PortalTest {
 protected:
  void SetUp() override {
    PortalTest::SetUp();
    if (HasFatalFailure()) return;
    acme_ = create_group(std::nullopt, "Acme");
    bravo_ = create_group(std::nullopt, "Bravo");
    create_user("root@provider.test", kPassword, {{Role::kProviderAdmin, std::nullopt}});
    create_user("bea@provider.test", kPassword, {{Role::kBillingCoordinator, std::nullopt}},
                "Bea Coordinator");
    create_user("ana@acme.test", kPassword, {{Role::kAdmin, acme_}}, "Ana");
    create_user("bill@acme.test", kPassword, {{Role::kBilling, acme_}}, "Bill");
    create_user("tess@acme.test", kPassword, {{Role::kTechnical, acme_}}, "Tess");
    create_user("bob@bravo.test", kPassword, {{Role::kAdmin, bravo_}}, "Bob");
    const std::string acme_customer = create_customer("Acme Ltd", acme_);
    const std::string bravo_customer = create_customer("Bravo plc", bravo_);
    auto seeded = context().db.with_transaction([&](soci::session& s) -> Result<bool> {
      insert_invoice_rows(s, acme_customer, "INV-2025-000001",
                          {{"mrc", "ABCDE1234", 50000}, {"nrc", "ABCDE1234", 100000}});
      insert_invoice_rows(s, bravo_customer, "INV-2025-000002", {{"mrc", "", 20000}});
      return true;
    });
    ASSERT_TRUE(seeded.ok()) << seeded.error();
  }

  static nlohmann::json dispute(long long amount) {
    return {{"invoice_number", "INV-2025-000001"},
            {"line_number", 1},
            {"kind", "dispute"},
            {"subject", "MRC from before activation"},
            {"description", "We were billed from the 1st; the service started on the 10th."},
            {"disputed_amount_minor", amount}};
  }

  long long count(const std::string& table) {
    auto n = context().db.with_session([&](soci::session& s) -> Result<long long> {
      long long value = 0;
      s << "SELECT COUNT(*) FROM " + table, soci::into(value);
      return value;
    });
    EXPECT_TRUE(n.ok()) << n.error();
    return n.ok() ? n.value() : -1;
  }

  long long stored_rows() {
    return count("billing_requests") + count("billing_request_events") +
           count("billing_request_attachments") + count("billing_adjustments");
  }

  long long acme_ = 0, bravo_ = 0;
};

TEST_P(BillingRequestsApiTest, BadBodiesAreRefusedWithLocatedErrorsAndStoreNothing) {
  ApiClient bill = signed_in("bill@acme.test", kPassword);
  struct Case {
    const char* what;
    nlohmann::json body;
    std::vector<std::string> pointers;
  };
  auto with = [](nlohmann::json body, const std::string& member, nlohmann::json value) {
    body[member] = std::move(value);
    return body;
  };
  const Case cases[] = {
      {"empty", nlohmann::json::object(), {"/description", "/invoice_number", "/kind", "/subject"}},
      {"unknown member", with(dispute(100), "priority", "urgent"), {"/priority"}},
      {"fractional amount",
       with(dispute(100), "disputed_amount_minor", 12.5),
       {"/disputed_amount_minor"}},
      {"amount as text",
       with(dispute(100), "disputed_amount_minor", "100"),
       {"/disputed_amount_minor"}},
      {"negative amount", dispute(-100), {"/disputed_amount_minor"}},
      {"amount above 10^13",
       with(with(dispute(0), "line_number", nullptr), "disputed_amount_minor",
            10'000'000'000'001LL),
       {"/disputed_amount_minor"}},
      {"more than the line", dispute(50001), {"/disputed_amount_minor"}},
      {"no such line", with(dispute(100), "line_number", 7), {"/line_number"}},
      {"line as text", with(dispute(100), "line_number", "1"), {"/line_number"}},
      {"another customer's invoice",
       with(dispute(100), "invoice_number", "INV-2025-000002"),
       {"/invoice_number"}},
      {"inquiry with an amount", with(dispute(100), "kind", "inquiry"), {"/disputed_amount_minor"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto refused = bill.post("/api/v1/billing-requests", c.body);
    ASSERT_EQ(refused.status, 400) << refused.body;
    EXPECT_EQ(refused.header("Content-Type"), "application/problem+json");
    EXPECT_EQ(error_pointers(refused), c.pointers) << refused.body;
  }
  EXPECT_EQ(bill.send("POST", "/api/v1/billing-requests", std::string("{\"kind\":")).status, 400);
  EXPECT_EQ(bill.send("POST", "/api/v1/billing-requests", std::string("[]")).status, 400);
  EXPECT_EQ(
      bill.send("POST", "/api/v1/billing-requests", std::string("kind=x"), {}, "text/plain").status,
      415);
  EXPECT_EQ(stored_rows(), 0);
  EXPECT_EQ(bill.get("/api/v1/billing-requests").json["items"].size(), 0u);

  auto created = bill.post("/api/v1/billing-requests", dispute(50000));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string reference = created.json["reference"];
  EXPECT_EQ(created.header("Location"), "/api/v1/billing-requests/" + reference);
  for (const char* member :
       {"reference", "customer_number", "invoice_number", "line_number", "kind", "subject",
        "description", "disputed_amount_minor", "state", "resolution", "credit_minor",
        "explanation", "assigned_to", "opened_by", "created_at", "updated_at", "resolved_at",
        "events", "attachments"}) {
    EXPECT_TRUE(created.json.contains(member)) << member;
  }
  EXPECT_EQ(created.json["state"], "open");
  EXPECT_EQ(created.json["disputed_amount_minor"], 50000);
  EXPECT_EQ(created.json["opened_by"]["name"], "Bill");
  EXPECT_EQ(created.json["allowed_transitions"], nlohmann::json::array({"cancelled"}));
  ApiClient tess = signed_in("tess@acme.test", kPassword);
  EXPECT_EQ(tess.post("/api/v1/billing-requests", dispute(1)).status, 403);
  EXPECT_EQ(tess.get("/api/v1/billing-requests/" + reference).status, 403);
  ApiClient bea = signed_in("bea@provider.test", kPassword);
  EXPECT_EQ(bea.post("/api/v1/billing-requests", dispute(1)).status, 403);
}

TEST_P(BillingRequestsApiTest, ADisputeIsReviewedAndResolvedWithACreditByTheCoordinatorOnly) {
  ApiClient bill = signed_in("bill@acme.test", kPassword);
  ApiClient bea = signed_in("bea@provider.test", kPassword);
  ApiClient root = signed_in("root@provider.test", kPassword);
  auto created = bill.post("/api/v1/billing-requests", dispute(50000));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path =
      "/api/v1/billing-requests/" + created.json["reference"].get<std::string>();

  EXPECT_EQ(root.post(path + "/transitions", {{"to", "in_review"}}).status, 403);
  EXPECT_EQ(bill.post(path + "/transitions", {{"to", "in_review"}}).status, 403);
  EXPECT_EQ(bea.post(path + "/transitions", {{"to", "cancelled"}}).status, 403);
  auto bad_to = bea.post(path + "/transitions", {{"to", "closed"}});
  ASSERT_EQ(bad_to.status, 400) << bad_to.body;
  EXPECT_EQ(error_pointers(bad_to), std::vector<std::string>{"/to"});
  auto reviewed = bea.post(path + "/transitions", {{"to", "in_review"}, {"reason", "Checking"}});
  ASSERT_EQ(reviewed.status, 200) << reviewed.body;
  EXPECT_EQ(reviewed.json["state"], "in_review");
  EXPECT_EQ(reviewed.json["allowed_transitions"], nlohmann::json::array({"resolved"}));
  EXPECT_EQ(bea.post(path + "/transitions", {{"to", "in_review"}}).status, 409);

  auto internal =
      bea.post(path + "/notes", {{"text", "Order says the 10th"}, {"visibility", "internal"}});
  ASSERT_EQ(internal.status, 201) << internal.body;
  EXPECT_EQ(bill.post(path + "/notes", {{"text", "x"}, {"visibility", "internal"}}).status, 403);
  auto bad_note = bill.post(path + "/notes", {{"text", 5}, {"visibility", "secret"}});
  ASSERT_EQ(bad_note.status, 400);
  EXPECT_EQ(error_pointers(bad_note), (std::vector<std::string>{"/text", "/visibility"}));
  auto public_note = bill.post(path + "/notes", {{"text", "Our activation mail attached"}});
  ASSERT_EQ(public_note.status, 201) << public_note.body;
  for (const auto& event : public_note.json["events"])
    EXPECT_EQ(event["visibility"], "public") << event.dump();
  EXPECT_EQ(bea.get(path).json["events"].size(), 4u);  // opened, in_review, 2 notes

  const std::string before = bill.get(path).body;
  for (const auto& [body, pointers] :
       std::vector<std::pair<nlohmann::json, std::vector<std::string>>>{
           {{{"to", "resolved"}}, {"/explanation", "/resolution"}},
           {{{"to", "resolved"},
             {"resolution", "credit"},
             {"credit_minor", 50001},
             {"explanation", "x"}},
            {"/credit_minor"}},
           {{{"to", "resolved"},
             {"resolution", "credit"},
             {"credit_minor", 1.5},
             {"explanation", "x"}},
            {"/credit_minor"}},
           {{{"to", "resolved"}, {"resolution", "refund"}, {"explanation", "x"}}, {"/resolution"}},
           {{{"to", "cancelled"}, {"credit_minor", 5}}, {"/credit_minor"}},
       }) {
    SCOPED_TRACE(body.dump());
    const bool cancelling = body["to"] == "cancelled";
    auto refused = (cancelling ? bill : bea).post(path + "/transitions", body);
    ASSERT_EQ(refused.status, 400) << refused.body;
    EXPECT_EQ(error_pointers(refused), pointers);
  }
  EXPECT_EQ(bill.get(path).body, before);
  EXPECT_EQ(count("billing_adjustments"), 0);

  auto resolved = bea.post(path + "/transitions", {{"to", "resolved"},
                                                   {"resolution", "credit"},
                                                   {"credit_minor", 32258},
                                                   {"explanation", "Credited 9 days of MRC."}});
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  EXPECT_EQ(resolved.json["state"], "resolved");
  EXPECT_EQ(resolved.json["resolution"], "credit");
  EXPECT_EQ(resolved.json["credit_minor"], 32258);
  EXPECT_EQ(resolved.json["explanation"], "Credited 9 days of MRC.");
  EXPECT_TRUE(resolved.json["resolved_at"].is_string());
  EXPECT_EQ(count("billing_adjustments"), 1);
  EXPECT_EQ(bea.post(path + "/transitions", {{"to", "resolved"},
                                             {"resolution", "credit"},
                                             {"credit_minor", 1},
                                             {"explanation", "again"}})
                .status,
            409);
  EXPECT_EQ(bill.post(path + "/transitions", {{"to", "cancelled"}}).status, 409);
  EXPECT_EQ(count("billing_adjustments"), 1);
  auto listed = bill.get("/api/v1/billing-requests?state=resolved&invoice_number=INV-2025-000001");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json["items"].size(), 1u);
  EXPECT_EQ(listed.json["items"][0]["credit_minor"], 32258);
  EXPECT_EQ(bill.get("/api/v1/billing-requests?state=sleeping").status, 400);
}

TEST_P(BillingRequestsApiTest, AttachmentsDownloadSafelyAndInternalOnesStayHidden) {
  ApiClient bill = signed_in("bill@acme.test", kPassword);
  ApiClient bea = signed_in("bea@provider.test", kPassword);
  auto created = bill.post("/api/v1/billing-requests", dispute(100));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path =
      "/api/v1/billing-requests/" + created.json["reference"].get<std::string>();
  auto added = bill.send("POST", path + "/attachments?filename=remittance.pdf",
                         std::string("%PDF-1.4 remittance"), {}, "application/pdf");
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string file =
      path + "/attachments/" + std::to_string(added.json["id"].get<long long>());
  EXPECT_EQ(added.header("Location"), file);
  auto internal = bea.send("POST", path + "/attachments?filename=audit.txt&visibility=internal",
                           std::string("internal"), {}, "text/plain");
  ASSERT_EQ(internal.status, 201) << internal.body;
  const std::string internal_file =
      path + "/attachments/" + std::to_string(internal.json["id"].get<long long>());
  auto fake = bill.send("POST", path + "/attachments?filename=a.png", std::string("not png"), {},
                        "image/png");
  ASSERT_EQ(fake.status, 400);
  EXPECT_EQ(error_pointers(fake), std::vector<std::string>{"/content_type"});
  EXPECT_EQ(bill.send("POST", path + "/attachments?filename=a.txt&visibility=internal",
                      std::string("x"), {}, "text/plain")
                .status,
            403);
  EXPECT_EQ(count("billing_request_attachments"), 2);

  auto download = bill.get(file);
  ASSERT_EQ(download.status, 200);
  EXPECT_EQ(download.body, "%PDF-1.4 remittance");
  EXPECT_EQ(download.header("Content-Type"), "application/pdf");
  EXPECT_EQ(download.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(
      download.header("Content-Disposition").rfind("attachment; filename=\"remittance.pdf\"", 0),
      0u);
  EXPECT_EQ(bill.get(internal_file).status, 404);
  EXPECT_EQ(bea.get(internal_file).status, 200);
  EXPECT_EQ(bill.get(path).json["attachments"].size(), 1u);
  EXPECT_EQ(bea.get(path).json["attachments"].size(), 2u);
  EXPECT_EQ(bill.get(path + "/attachments/x").status, 404);
}

TEST_P(BillingRequestsApiTest, AnotherCustomersRequestsDoNotExistForThem) {
  ApiClient bill = signed_in("bill@acme.test", kPassword);
  auto created = bill.post("/api/v1/billing-requests", dispute(100));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string reference = created.json["reference"];
  const std::string path = "/api/v1/billing-requests/" + reference;
  ApiClient bob = signed_in("bob@bravo.test", kPassword);
  EXPECT_EQ(bob.get(path).status, 404);
  EXPECT_EQ(bob.post(path + "/notes", {{"text", "mine"}}).status, 404);
  EXPECT_EQ(bob.post(path + "/transitions", {{"to", "cancelled"}}).status, 404);
  EXPECT_EQ(bob.get("/api/v1/billing-requests/BRQ-2025-999999").status, 404);
  EXPECT_EQ(bob.get("/api/v1/billing-requests/nonsense").status, 404);
  auto listed = bob.get("/api/v1/billing-requests");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json["items"].size(), 0u);
  EXPECT_EQ(listed.body.find(reference), std::string::npos);
  EXPECT_EQ(bill.get(path).json["events"].size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Stores, BillingRequestsApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing

// Payments through the API of an in-process portal: the billing coordinator records an EFT that
// settles the oldest invoice, the customer's billing user reads the payment and the balance with
// its aging, staff read the aging report; bad money and dates are 400s located at their
// pointers and store nothing; other roles and other customers are refused; a payment that
// settles the overdue amount restores services suspended for non-payment at once.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>

#include "common/civil_date.hpp"
#include "control/collections.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

constexpr const char* kPassword = "a long enough password";

class PaymentsApiTest : public PortalTest {
 protected:
  void SetUp() override {
    PortalTest::SetUp();
    if (HasFatalFailure()) return;
    acme_ = create_group(std::nullopt, "Acme Corporation");
    bravo_ = create_group(std::nullopt, "Bravo Broadcasting");
    create_user("root@provider.test", kPassword, {{Role::kProviderAdmin, std::nullopt}});
    create_user("bea@provider.test", kPassword, {{Role::kBillingCoordinator, std::nullopt}});
    create_user("al@provider.test", kPassword, {{Role::kAccountDirector, std::nullopt}});
    create_user("bill@acme.test", kPassword, {{Role::kBilling, acme_}});
    create_user("tom@acme.test", kPassword, {{Role::kTechnical, acme_}});
    create_user("bob@bravo.test", kPassword, {{Role::kAdmin, bravo_}});
    acme_customer_ = create_customer("Acme Corporation Ltd", acme_);
    bravo_customer_ = create_customer("Bravo Broadcasting", bravo_);
    today_ = utc_date_of(clock().now());
  }

  std::string day(long long offset) const { return format_civil_date(add_days(today_, offset)); }

  // An invoice as the billing run stores it, issued `age` days ago, due 30 days after issue.
  long long invoice(const std::string& customer, const std::string& number, long long age,
                    long long charges, const std::string& period) {
    auto id = context().db.with_transaction([&](soci::session& s) -> Result<long long> {
      long long out = 0;
      const std::string issue = day(-age), due = day(30 - age);
      s << "INSERT INTO invoices (invoice_number, customer_id, period, issue_date, due_date,"
           " currency, previous_balance_minor, payments_minor, new_charges_minor,"
           " amount_due_minor, created_at) SELECT :n, id, :p, :i, :d, 'USD', 0, 0, :a, :a2, 0"
           " FROM customers WHERE customer_number = :c RETURNING id",
          soci::use(number), soci::use(period), soci::use(issue), soci::use(due),
          soci::use(charges), soci::use(charges), soci::use(customer), soci::into(out);
      return out;
    });
    EXPECT_TRUE(id.ok()) << id.error();
    return id.ok() ? *id : 0;
  }

  long long rows(const std::string& table) {
    auto n = context().db.with_session([&](soci::session& s) -> Result<long long> {
      long long value = 0;
      s << "SELECT COUNT(*) FROM " + table, soci::into(value);
      return value;
    });
    return n.ok() ? *n : -1;
  }

  nlohmann::json eft(long long amount) const {
    return {{"customer_number", acme_customer_},
            {"method", "eft"},
            {"reference", "EFT 2026-12-03 ACME 0042"},
            {"amount_minor", amount},
            {"received_on", day(0)}};
  }

  long long acme_ = 0, bravo_ = 0;
  std::string acme_customer_, bravo_customer_;
  CivilDate today_;
};

bool has_error_at(const ApiResponse& response, const std::string& pointer) {
  if (!response.json.contains("errors")) return false;
  for (const auto& error : response.json["errors"]) {
    if (error.value("pointer", "") == pointer) return true;
  }
  return false;
}

TEST_P(PaymentsApiTest, CoordinatorRecordsAndTheCustomerSeesItsBalance) {
  invoice(acme_customer_, "INV-2026-000001", 45, 10000, "2026-01");  // 15 days past due
  invoice(acme_customer_, "INV-2026-000002", 10, 5000, "2026-02");   // current
  ApiClient bea = signed_in("bea@provider.test", kPassword);
  auto made = bea.post("/api/v1/payments", eft(12000));
  ASSERT_EQ(made.status, 201) << made.body;
  const long long id = made.json["id"];
  EXPECT_EQ(made.header("Location"), "/api/v1/payments/" + std::to_string(id));
  EXPECT_EQ(made.json["method"], "eft");
  EXPECT_EQ(made.json["currency"], "USD");
  EXPECT_EQ(made.json["received_on"], day(0));
  EXPECT_EQ(made.json["unapplied_minor"], 0);
  EXPECT_EQ(made.json["recorded_by"]["name"], "bea");
  ASSERT_EQ(made.json["allocations"].size(), 2u) << made.body;
  EXPECT_EQ(made.json["allocations"][0],
            (nlohmann::json{{"invoice_number", "INV-2026-000001"}, {"amount_minor", 10000}}));
  EXPECT_EQ(made.json["allocations"][1],
            (nlohmann::json{{"invoice_number", "INV-2026-000002"}, {"amount_minor", 2000}}));

  ApiClient bill = signed_in("bill@acme.test", kPassword);
  auto one = bill.get("/api/v1/payments/" + std::to_string(id));
  EXPECT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json, made.json);
  auto list = bill.get("/api/v1/payments?limit=1");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json["items"].size(), 1u);
  EXPECT_TRUE(list.json["next_cursor"].is_null());
  auto balance = bill.get("/api/v1/customers/" + acme_customer_ + "/balance");
  ASSERT_EQ(balance.status, 200) << balance.body;
  EXPECT_EQ(balance.json["outstanding_minor"], 3000);
  EXPECT_EQ(balance.json["overdue_minor"], 0);
  EXPECT_EQ(balance.json["collection_state"], "good");
  EXPECT_EQ(balance.json["aging"]["current_minor"], 3000);

  invoice(bravo_customer_, "INV-2026-000003", 100, 700, "2026-01");  // 70 days past due
  ApiClient al = signed_in("al@provider.test", kPassword);
  auto aging = al.get("/api/v1/billing/aging");
  ASSERT_EQ(aging.status, 200) << aging.body;
  ASSERT_EQ(aging.json["customers"].size(), 2u) << aging.body;
  for (const auto& row : aging.json["customers"]) {
    if (row["customer_number"] != bravo_customer_) continue;
    EXPECT_EQ(row["aging"]["days_61_90_minor"], 700);
    EXPECT_EQ(row["overdue_minor"], 700);
    EXPECT_EQ(row["customer_name"], "Bravo Broadcasting");
  }
  EXPECT_EQ(bill.get("/api/v1/billing/aging").status, 403);
}

TEST_P(PaymentsApiTest, BadMoneyAndDatesAreLocatedAndStoreNothing) {
  invoice(acme_customer_, "INV-2026-000001", 45, 10000, "2026-01");
  ApiClient bea = signed_in("bea@provider.test", kPassword);
  struct Case {
    nlohmann::json body;
    std::vector<std::string> pointers;
  };
  auto with = [&](const std::string& key, nlohmann::json value) {
    nlohmann::json body = eft(100);
    body[key] = std::move(value);
    return body;
  };
  const Case cases[] = {
      {with("amount_minor", "100"), {"/amount_minor"}},
      {with("amount_minor", 12.5), {"/amount_minor"}},
      {with("amount_minor", -1), {"/amount_minor"}},
      {with("amount_minor", 0), {"/amount_minor"}},
      {with("amount_minor", 10000000000001LL), {"/amount_minor"}},
      {with("received_on", "2026-13-01"), {"/received_on"}},
      {with("received_on", "03/12/2026"), {"/received_on"}},
      {with("received_on", day(1)), {"/received_on"}},
      {with("method", "cash"), {"/method"}},
      {with("reference", ""), {"/reference"}},
      {with("allocations", {{{"invoice_number", "INV-2026-000001"}, {"amount_minor", 1.5}}}),
       {"/allocations/0/amount_minor"}},
      {with("allocations", {{{"invoice_number", "INV-2026-000001"}, {"amount_minor", 200}}}),
       {"/allocations"}},
      {with("allocations", {{{"invoice_number", "INV-2099-000001"}, {"amount_minor", 50}}}),
       {"/allocations/0/invoice_number"}},
      {with("amount", 100), {"/amount"}},
      {with("customer_number", "C9999999"), {"/customer_number"}},
  };
  for (const auto& c : cases) {
    auto refused = bea.post("/api/v1/payments", c.body);
    EXPECT_EQ(refused.status, 400) << c.body.dump() << " → " << refused.body;
    EXPECT_EQ(refused.header("Content-Type"), "application/problem+json");
    for (const auto& pointer : c.pointers)
      EXPECT_TRUE(has_error_at(refused, pointer)) << pointer << " in " << refused.body;
  }
  auto not_json = bea.send("POST", "/api/v1/payments", std::string("{\"amount_minor\": 1"));
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(rows("payments"), 0);
  EXPECT_EQ(rows("payment_allocations"), 0);
}

TEST_P(PaymentsApiTest, OnlyTheBillingCoordinatorRecordsAndOthersSeeNothingOfAcme) {
  ApiClient root = signed_in("root@provider.test", kPassword);
  EXPECT_EQ(root.post("/api/v1/payments", eft(100)).status, 403);
  ApiClient bill = signed_in("bill@acme.test", kPassword);
  EXPECT_EQ(bill.post("/api/v1/payments", eft(100)).status, 403);
  ApiClient bob = signed_in("bob@bravo.test", kPassword);
  EXPECT_EQ(bob.post("/api/v1/payments", eft(100)).status, 404);
  EXPECT_EQ(rows("payments"), 0);

  ApiClient bea = signed_in("bea@provider.test", kPassword);
  auto made = bea.post("/api/v1/payments", eft(100));
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string path = "/api/v1/payments/" + std::to_string(made.json["id"].get<long long>());
  EXPECT_EQ(bob.get(path).status, 404);
  EXPECT_EQ(bob.get("/api/v1/customers/" + acme_customer_ + "/balance").status, 404);
  EXPECT_EQ(bob.get("/api/v1/payments?customer_number=" + acme_customer_).status, 404);
  auto bobs = bob.get("/api/v1/payments");
  ASSERT_EQ(bobs.status, 200);
  EXPECT_TRUE(bobs.json["items"].empty());
  ApiClient tom = signed_in("tom@acme.test", kPassword);
  EXPECT_EQ(tom.get(path).status, 403);
  EXPECT_EQ(tom.get("/api/v1/customers/" + acme_customer_ + "/balance").status, 403);
  EXPECT_EQ(bea.get("/api/v1/payments/abc").status, 404);
}

TEST_P(PaymentsApiTest, APaymentRestoresServicesSuspendedForNonPayment) {
  ApiClient root = signed_in("root@provider.test", kPassword);
  const std::string scid = api_create_service(root, acme_, acme_customer_);
  ASSERT_EQ(root.patch("/api/v1/services/" + scid, {{"state", "active"}, {"reason", "go"}}).status,
            200);
  invoice(acme_customer_, "INV-2026-000001", 75, 10000, "2026-01");  // 45 days past due
  // What the collections job does on its next pass.
  auto pass = context().db.with_transaction([&](soci::session& s) -> Result<long long> {
    long long customer_id = 0;
    s << "SELECT id FROM customers WHERE customer_number = :c", soci::use(acme_customer_),
        soci::into(customer_id);
    auto report = control::Collections(s, clock()).run_customer(customer_id);
    if (!report.ok()) return Error{report.failure()};
    return static_cast<long long>(report->suspended_services);
  });
  ASSERT_TRUE(pass.ok()) << pass.error();
  EXPECT_EQ(*pass, 1);
  EXPECT_EQ(root.get("/api/v1/services/" + scid).json["state"], "suspended");
  ApiClient bill = signed_in("bill@acme.test", kPassword);
  EXPECT_EQ(bill.get("/api/v1/customers/" + acme_customer_ + "/balance").json["collection_state"],
            "suspended");

  ApiClient bea = signed_in("bea@provider.test", kPassword);
  ASSERT_EQ(bea.post("/api/v1/payments", eft(10000)).status, 201);
  EXPECT_EQ(root.get("/api/v1/services/" + scid).json["state"], "active");
  EXPECT_EQ(bill.get("/api/v1/customers/" + acme_customer_ + "/balance").json["collection_state"],
            "good");
}

INSTANTIATE_TEST_SUITE_P(Stores, PaymentsApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing

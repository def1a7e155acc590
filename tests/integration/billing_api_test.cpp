// The billing API over HTTP: a run by the billing coordinator (and by the monthly job), invoices
// and their HTML/PDF/CSV, who may read them, and bad input (located errors, nothing stored).
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <set>

#include "common/civil_date.hpp"
#include "control/database.hpp"
#include "control/service_items.hpp"
#include "portal/routes.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

constexpr const char* kPassword = "a long enough password";

std::set<std::string> pointers(const ApiResponse& response) {
  std::set<std::string> out;
  for (const auto& error : response.json.value("errors", nlohmann::json::array()))
    out.insert(error.value("pointer", ""));
  return out;
}

class BillingApiTest : public PortalTest {
 protected:
  // The tests bill by hand (and call the job's pass themselves), so the job thread cannot race.
  void adjust(portal::PortalOptions& options) override { options.settings.billing_job = false; }

  void SetUp() override {
    PortalTest::SetUp();
    acme_ = create_group(std::nullopt, "Acme");
    customer_number_ = create_customer("Acme", acme_, "US");
    create_user("bea@provider.test", kPassword, {{Role::kBillingCoordinator, std::nullopt}});
    create_user("pat@provider.test", kPassword, {{Role::kProviderAdmin, std::nullopt}});
    create_user("ann@acme.test", kPassword, {{Role::kAdmin, acme_}});
    create_user("bill@acme.test", kPassword, {{Role::kBilling, acme_}});
    create_user("tom@acme.test", kPassword, {{Role::kTechnical, acme_}});
    const long long globex = create_group(std::nullopt, "Globex");
    create_customer("Globex", globex);
    create_user("gus@globex.test", kPassword, {{Role::kAdmin, globex}});

    // A service in service from the 10th of last month, billed by email.
    period_ = previous_month(month_of(utc_date_of(clock().now())));
    ApiClient staff = signed_in("pat@provider.test", kPassword);
    scid_ = api_create_service(staff, acme_, customer_number_);
    auto opened = context().db.with_transaction([&](soci::session& s) -> Result<bool> {
      s << "UPDATE customers SET invoice_delivery = 'email', invoice_email = 'ap@acme.test'"
           " WHERE customer_number = :n",
          soci::use(customer_number_);
      long long customer_id = 0;
      s << "SELECT id FROM customers WHERE customer_number = :n", soci::use(customer_number_),
          soci::into(customer_id);
      control::ItemTerms terms;
      terms.product = "origin-shield";
      terms.mrc_minor = 20000;
      terms.nrc_minor = 25000;
      auto items = control::ServiceItems(s, clock())
                       .open(scid_, customer_id, {terms}, add_days(first_day(period_), 9),
                             "ORD-2026-000001");
      if (!items.ok()) return items.failure();
      return true;
    });
    ASSERT_TRUE(opened.ok()) << opened.error();
  }

  long long runs() {
    auto n = context().db.with_session([&](soci::session& s) -> Result<long long> {
      long long count = 0;
      s << "SELECT COUNT(*) FROM billing_runs", soci::into(count);
      return count;
    });
    return n.ok() ? *n : -1;
  }

  long long acme_ = 0;
  std::string customer_number_;
  std::string scid_;
  BillingMonth period_;
};

TEST_P(BillingApiTest, CoordinatorRunsBillingOnceAndCustomersReadTheInvoice) {
  ApiClient bea = signed_in("bea@provider.test", kPassword);
  const std::string period = format_billing_month(period_);
  ApiResponse ran = bea.post("/api/v1/billing/runs", {{"period", period}});
  ASSERT_EQ(ran.status, 201) << ran.body;
  ASSERT_EQ(ran.json["created"].size(), 1U) << ran.body;
  EXPECT_EQ(ran.json["invoices_existing"], 0);
  const std::string number = ran.json["created"][0];

  ApiResponse again = bea.post("/api/v1/billing/runs", {{"period", period}});
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.json["created"].size(), 0U);
  EXPECT_EQ(again.json["existing"], nlohmann::json::array({number}));

  ApiClient bill = signed_in("bill@acme.test", kPassword);
  ApiResponse invoice = bill.get("/api/v1/invoices/" + number);
  ASSERT_EQ(invoice.status, 200) << invoice.body;
  EXPECT_EQ(invoice.json["customer_number"], customer_number_);
  EXPECT_EQ(invoice.json["customer_name"], "Acme");
  EXPECT_EQ(invoice.json["period"], period);
  EXPECT_EQ(invoice.json["currency"], "USD");
  EXPECT_EQ(invoice.json["status"], "open");
  EXPECT_EQ(invoice.json["paid_minor"], 0);
  EXPECT_EQ(invoice.json["disputed_minor"], 0);
  const long long days = days_in_month(period_);
  const long long mrc = (20000 * (days - 9) * 2 + days) / (2 * days);  // half up, positive
  ASSERT_EQ(invoice.json["lines"].size(), 2U) << invoice.body;
  EXPECT_EQ(invoice.json["lines"][0]["kind"], "mrc");
  EXPECT_EQ(invoice.json["lines"][0]["scid"], scid_);
  EXPECT_EQ(invoice.json["lines"][0]["amount_minor"], mrc);
  EXPECT_EQ(invoice.json["lines"][1]["kind"], "nrc");
  EXPECT_EQ(invoice.json["lines"][1]["amount_minor"], 25000);
  EXPECT_EQ(invoice.json["new_charges_minor"], mrc + 25000);
  EXPECT_EQ(invoice.json["outstanding_minor"], mrc + 25000);
  ASSERT_EQ(invoice.json["deliveries"].size(), 1U);
  EXPECT_EQ(invoice.json["deliveries"][0]["channel"], "email");
  EXPECT_EQ(invoice.json["deliveries"][0]["destination"], "ap@acme.test");
  EXPECT_EQ(invoice.json["billing_address"]["name"], "Acme");

  ApiResponse list = bill.get("/api/v1/invoices?period=" + period + "&status=open");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json["items"].size(), 1U);
  EXPECT_EQ(list.json["items"][0]["invoice_number"], number);
  EXPECT_FALSE(list.json["items"][0].contains("lines"));
  EXPECT_EQ(bill.get("/api/v1/invoices?status=paid").json["items"].size(), 0U);

  ApiResponse pdf = bill.get("/api/v1/invoices/" + number + "/pdf");
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.header("Content-Type"), "application/pdf");
  EXPECT_EQ(pdf.header("Content-Disposition"), "attachment; filename=\"" + number + ".pdf\"");
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0U);
  ApiResponse csv = bill.get("/api/v1/invoices/" + number + "/csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.rfind("invoice_number,line_number,kind,", 0), 0U);
  EXPECT_NE(csv.body.find(number + ",2,nrc," + scid_), std::string::npos) << csv.body;
  ApiResponse html = bill.get("/api/v1/invoices/" + number + "/html");
  ASSERT_EQ(html.status, 200);
  EXPECT_EQ(html.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(html.body.find("Invoice " + number), std::string::npos);

  // Staff of any role read it; technical users and other customers do not.
  EXPECT_EQ(signed_in("pat@provider.test", kPassword).get("/api/v1/invoices/" + number).status,
            200);
  EXPECT_EQ(signed_in("ann@acme.test", kPassword).get("/api/v1/invoices/" + number).status, 200);
  ApiClient tom = signed_in("tom@acme.test", kPassword);
  EXPECT_EQ(tom.get("/api/v1/invoices/" + number).status, 403);
  EXPECT_EQ(tom.get("/api/v1/invoices/" + number + "/pdf").status, 403);
  EXPECT_EQ(tom.get("/api/v1/invoices").status, 403);
  ApiClient gus = signed_in("gus@globex.test", kPassword);
  EXPECT_EQ(gus.get("/api/v1/invoices/" + number).status, 404);
  EXPECT_EQ(gus.get("/api/v1/invoices/" + number + "/csv").status, 404);
  EXPECT_EQ(gus.get("/api/v1/invoices?customer_number=" + customer_number_).status, 404);
  EXPECT_EQ(gus.get("/api/v1/invoices").json["items"].size(), 0U);
  EXPECT_EQ(gus.get("/api/v1/billing/runs").status, 403);

  ApiResponse history = bea.get("/api/v1/billing/runs?limit=1");
  ASSERT_EQ(history.status, 200) << history.body;
  ASSERT_EQ(history.json["items"].size(), 1U);
  EXPECT_EQ(history.json["items"][0]["invoices_existing"], 1);
  EXPECT_TRUE(history.json["next_cursor"].is_string());
}

TEST_P(BillingApiTest, BadRunRequestsAreRefusedAndStoreNothing) {
  ApiClient bea = signed_in("bea@provider.test", kPassword);
  const std::string this_month = format_billing_month(month_of(utc_date_of(clock().now())));
  struct Case {
    nlohmann::json body;
    std::string pointer;
  };
  const std::vector<Case> cases = {
      {{{"period", "2026-13"}}, "/period"},
      {{{"period", "202610"}}, "/period"},
      {{{"period", 202610}}, "/period"},
      {nlohmann::json::object(), "/period"},
      {{{"period", this_month}}, "/period"},
      {{{"period", "2099-01"}}, "/period"},
      {{{"period", format_billing_month(period_)}, {"customer_number", "C9999999"}},
       "/customer_number"},
      {{{"period", format_billing_month(period_)}, {"customer_number", 12}}, "/customer_number"},
      {{{"period", format_billing_month(period_)}, {"dry_run", true}}, "/dry_run"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body.dump());
    ApiResponse refused = bea.post("/api/v1/billing/runs", c.body);
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_TRUE(pointers(refused).count(c.pointer)) << refused.body;
  }
  EXPECT_EQ(bea.send("POST", "/api/v1/billing/runs", "{\"period\":", {}).status, 400);
  EXPECT_EQ(bea.get("/api/v1/invoices?status=late").status, 400);
  EXPECT_EQ(bea.get("/api/v1/invoices?period=2026-1").status, 400);
  EXPECT_EQ(bea.get("/api/v1/invoices?cursor=garbage").status, 400);
  // Roles are strict: provider_admin and customers may not run billing.
  for (const char* email : {"pat@provider.test", "ann@acme.test", "bill@acme.test"}) {
    SCOPED_TRACE(email);
    ApiResponse forbidden =
        signed_in(email, kPassword)
            .post("/api/v1/billing/runs", {{"period", format_billing_month(period_)}});
    EXPECT_EQ(forbidden.status, 403) << forbidden.body;
  }
  EXPECT_EQ(runs(), 0);
  EXPECT_EQ(bea.get("/api/v1/invoices").json["items"].size(), 0U);
}

TEST_P(BillingApiTest, MonthlyJobBillsThePreviousMonthOnce) {
  for (const auto& job : context().jobs)
    EXPECT_NE(job.name, "billing_run");  // switched off for this test
  portal::run_billing_job(context());
  portal::run_billing_job(context());
  EXPECT_EQ(runs(), 1);  // the second pass finds every customer billed and records nothing
  ApiClient bea = signed_in("bea@provider.test", kPassword);
  ApiResponse history = bea.get("/api/v1/billing/runs");
  ASSERT_EQ(history.json["items"].size(), 1U) << history.body;
  EXPECT_EQ(history.json["items"][0]["requested_by"], nullptr);
  EXPECT_EQ(history.json["items"][0]["invoices_created"], 1);
  EXPECT_EQ(history.json["items"][0]["period"], format_billing_month(period_));
  EXPECT_EQ(bea.get("/api/v1/invoices").json["items"].size(), 1U);
}

INSTANTIATE_TEST_SUITE_P(Stores, BillingApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing

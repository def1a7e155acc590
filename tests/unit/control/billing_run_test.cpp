// The billing run on SQLite and PostgreSQL: the lines of a table of cases (proration, NRC once,
// usage per GB and at the 95th percentile, adjustments), balances carried and payments
// received, an idempotent re-run, delivery records in and outside the US, roles and bad input.
#include <gtest/gtest.h>

#include "billing_fixture.hpp"
#include "control/billing_adjustments.hpp"
#include "control/customer_terms.hpp"

namespace candela::control {
namespace {

constexpr long long kGb = 1'000'000'000;

struct ExpectedLine {
  InvoiceLineKind kind;
  long long amount_minor;
  std::string quantity;  // checked when not empty
};

struct RunCase {
  std::string name;
  std::vector<ItemTerms> items;
  std::string start;
  std::optional<std::string> last_day;  // the items end (disconnect) on this day
  std::vector<std::pair<std::string, long long>> day_bytes;
  std::optional<std::tuple<std::string, std::string, long long>> bandwidth;  // from, to, bit/s
  std::string today;
  std::string period;
  std::vector<ExpectedLine> lines;
};

class BillingRunTest : public BillingStoreTest {
 protected:
  // A fresh US customer (own organisation) per case, so cases do not share invoices.
  BillingCustomerRef fresh_customer(const std::string& name) {
    BillingCustomerRef ref;
    auto made = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      const int n = ++customers_;
      ref = customer(s, name, "C" + std::to_string(1000000 + n), "US", "email",
                     "ap@" + std::to_string(n) + ".example");
      return true;
    });
    EXPECT_TRUE(made.ok()) << made.error();
    return ref;
  }

  int customers_ = 0;
};

TEST_P(BillingRunTest, LinesForATableOfCases) {
  const UsagePlan per_gb = find_product("cdn-delivery")->standard_usage_plan;
  const UsagePlan p95 = find_product("cdn-delivery-p95")->standard_usage_plan;
  const std::vector<RunCase> cases = {
      {"activation on 10 Feb 2027 (common year): 19/28 of the MRC and the NRC",
       {terms("log-delivery", 50000, 100000)},
       "2027-02-10",
       std::nullopt,
       {},
       std::nullopt,
       "2027-03-01",
       "2027-02",
       {{InvoiceLineKind::kMrc, 33929, "19/28 days of USD 500.00"},
        {InvoiceLineKind::kNrc, 100000, "1"}}},
      {"activation on 10 Feb 2028 (leap year): 20/29 of the MRC",
       {terms("log-delivery", 50000, 0)},
       "2028-02-10",
       std::nullopt,
       {},
       std::nullopt,
       "2028-03-05",
       "2028-02",
       {{InvoiceLineKind::kMrc, 34483, "20/29 days of USD 500.00"}}},
      {"a full 31-day month is the whole MRC",
       {terms("log-delivery", 10000, 0)},
       "2026-01-01",
       std::nullopt,
       {},
       std::nullopt,
       "2026-04-02",
       "2026-03",
       {{InvoiceLineKind::kMrc, 10000, "31/31 days of USD 100.00"}}},
      {"disconnect on 14 Sep (a 30-day month): 14/30",
       {terms("origin-shield", 20000, 0)},
       "2026-08-20",
       "2026-09-14",
       {},
       std::nullopt,
       "2026-10-01",
       "2026-09",
       {{InvoiceLineKind::kMrc, 9333, "14/30 days of USD 200.00"}}},
      {"a service that ended before the month has nothing to bill",
       {terms("origin-shield", 20000, 0)},
       "2026-05-01",
       "2026-05-31",
       {},
       std::nullopt,
       "2026-07-01",
       "2026-06",
       {}},
      {"per-GB usage over the item's days in two tiers; bytes outside them are not billed",
       {terms("cdn-delivery", 50000, 0, per_gb)},
       "2026-02-15",
       std::nullopt,
       {{"2026-02-14", 999 * kGb},
        {"2026-02-15", 6000 * kGb},
        {"2026-02-28", 6000 * kGb},
        {"2026-03-01", 999 * kGb}},
       std::nullopt,
       "2026-03-01",
       "2026-02",
       {{InvoiceLineKind::kMrc, 25000, "14/28 days of USD 500.00"},
        {InvoiceLineKind::kUsage, 45000, "10000.000000000 GB"},
        {InvoiceLineKind::kUsage, 6000, "2000.000000000 GB"}}},
      {"95th percentile above the commit: 100 Mbps overage at USD 1.50",
       {terms("cdn-delivery-p95", 250000, 0, p95)},
       "2026-02-27",
       std::nullopt,
       {},
       std::tuple<std::string, std::string, long long>{"2026-02-27", "2026-02-28", 600'000'000},
       "2026-03-01",
       "2026-02",
       {{InvoiceLineKind::kMrc, 17857, "2/28 days of USD 2,500.00"},
        {InvoiceLineKind::kUsage, 15000, "100.000000 Mbps over 500 Mbps commit"}}},
      {"95th percentile within the commit: no usage line",
       {terms("cdn-delivery-p95", 250000, 0, p95)},
       "2026-02-27",
       std::nullopt,
       {},
       std::tuple<std::string, std::string, long long>{"2026-02-27", "2026-02-28", 400'000'000},
       "2026-03-01",
       "2026-02",
       {{InvoiceLineKind::kMrc, 17857, ""}}},
      {"two items: MRC lines first, then NRC",
       {terms("log-delivery", 10000, 5000), terms("origin-shield", 20000, 25000)},
       "2026-11-01",
       std::nullopt,
       {},
       std::nullopt,
       "2026-12-01",
       "2026-11",
       {{InvoiceLineKind::kMrc, 10000, ""},
        {InvoiceLineKind::kMrc, 20000, ""},
        {InvoiceLineKind::kNrc, 5000, ""},
        {InvoiceLineKind::kNrc, 25000, ""}}},
  };
  for (const RunCase& c : cases) {
    SCOPED_TRACE(c.name);
    today(c.start);
    const BillingCustomerRef who = fresh_customer(c.name.substr(0, 40));
    auto [scid, items] = service(who, c.items, c.start);
    ASSERT_FALSE(scid.empty());
    if (c.last_day) {
      auto ended = db_->with_transaction([&](soci::session& s) -> Result<bool> {
        for (const ServiceItem& item : items) {
          auto done = ServiceItems(s, clock_).end(item.id, day(*c.last_day), "ORD-2026-999999");
          if (!done.ok()) return done.failure();
        }
        return true;
      });
      ASSERT_TRUE(ended.ok()) << ended.error();
    }
    for (const auto& [date, bytes] : c.day_bytes)
      day_usage(scid, date, bytes);
    if (c.bandwidth) {
      bandwidth(scid, std::get<0>(*c.bandwidth), std::get<1>(*c.bandwidth),
                std::get<2>(*c.bandwidth));
    }
    today(c.today);
    auto ran = run(coordinator_, c.period, who.number);
    ASSERT_TRUE(ran.ok()) << ran.error();
    if (c.lines.empty()) {
      EXPECT_TRUE(ran->created.empty());
      continue;
    }
    ASSERT_EQ(ran->created.size(), 1U);
    const Invoice got = invoice(ran->created.front());
    ASSERT_EQ(got.lines.size(), c.lines.size());
    long long total = 0;
    for (std::size_t i = 0; i < c.lines.size(); ++i) {
      SCOPED_TRACE("line " + std::to_string(i + 1) + ": " + got.lines[i].description);
      EXPECT_EQ(got.lines[i].line_number, static_cast<int>(i) + 1);
      EXPECT_EQ(got.lines[i].kind, c.lines[i].kind);
      EXPECT_EQ(got.lines[i].amount_minor, c.lines[i].amount_minor);
      EXPECT_EQ(got.lines[i].scid, scid);
      if (!c.lines[i].quantity.empty()) {
        EXPECT_EQ(got.lines[i].quantity, c.lines[i].quantity);
      }
      total += c.lines[i].amount_minor;
    }
    EXPECT_EQ(got.new_charges_minor, total);
    EXPECT_EQ(got.amount_due_minor, total);
    EXPECT_EQ(format_billing_month(got.period), c.period);
    EXPECT_EQ(format_civil_date(got.issue_date), c.today);
    EXPECT_EQ(got.due_date, add_days(day(c.today), 30));  // default payment terms
  }
}

TEST_P(BillingRunTest, MrcLineNamesProductScidAndDays) {
  today("2026-02-10");
  auto [scid, items] = service(acme_, {terms("cdn-delivery", 50000, 100000)}, "2026-02-10");
  today("2026-03-01");
  auto ran = run(coordinator_, "2026-02");
  ASSERT_TRUE(ran.ok()) << ran.error();
  const Invoice got = invoice(ran->created.at(0));
  ASSERT_GE(got.lines.size(), 2U);
  EXPECT_EQ(got.lines[0].description, "Monthly charge: CDN HTTP(S) delivery, SCID " + scid +
                                          ", 2026-02-10 to 2026-02-28 (19 of 28 days)");
  EXPECT_EQ(got.lines[0].period_from, day("2026-02-10"));
  EXPECT_EQ(got.lines[0].period_to, day("2026-02-28"));
  EXPECT_EQ(got.lines[0].item_id, items[0].id);
}

TEST_P(BillingRunTest, NrcIsBilledOnceAndMarkedOnTheItem) {
  today("2026-01-20");
  auto [scid, items] = service(acme_, {terms("origin-shield", 20000, 25000)}, "2026-01-20");
  today("2026-02-01");
  auto january = run(coordinator_, "2026-01");
  ASSERT_TRUE(january.ok()) << january.error();
  const Invoice first = invoice(january->created.at(0));
  ASSERT_EQ(first.lines.size(), 2U);
  EXPECT_EQ(first.lines[1].kind, InvoiceLineKind::kNrc);
  EXPECT_EQ(first.lines[1].amount_minor, 25000);
  auto item =
      db_->with_session([&](soci::session& s) { return ServiceItems(s, clock_).get(items[0].id); });
  ASSERT_TRUE(item.ok()) << item.error();
  EXPECT_FALSE(item->nrc_due);
  EXPECT_EQ(item->nrc_invoice_number, first.invoice_number);

  today("2026-03-01");
  auto february = run(coordinator_, "2026-02");
  ASSERT_TRUE(february.ok()) << february.error();
  const Invoice second = invoice(february->created.at(0));
  ASSERT_EQ(second.lines.size(), 1U);
  EXPECT_EQ(second.lines[0].kind, InvoiceLineKind::kMrc);
  EXPECT_EQ(second.lines[0].amount_minor, 20000);
}

TEST_P(BillingRunTest, TransferSplitsTheMonthBetweenTwoAccounts) {
  today("2026-01-01");
  auto [scid, items] = service(acme_, {terms("log-delivery", 28000, 0)}, "2026-01-01");
  auto moved = db_->with_transaction([&](soci::session& s) {
    return ServiceItems(s, clock_).transfer(scid, initech_.id, day("2026-02-11"),
                                            "ORD-2026-000777");
  });
  ASSERT_TRUE(moved.ok()) << moved.error();
  today("2026-03-02");
  auto ran = run(coordinator_, "2026-02");
  ASSERT_TRUE(ran.ok()) << ran.error();
  ASSERT_EQ(ran->created.size(), 2U);
  const Invoice a = invoice(ran->created[0]);
  const Invoice b = invoice(ran->created[1]);
  EXPECT_EQ(a.customer_number, acme_.number);
  EXPECT_EQ(b.customer_number, initech_.number);
  ASSERT_EQ(a.lines.size(), 1U);
  ASSERT_EQ(b.lines.size(), 1U);
  EXPECT_EQ(a.lines[0].amount_minor, 10000);  // 10 of 28 days
  EXPECT_EQ(b.lines[0].amount_minor, 18000);  // 18 of 28 days
  EXPECT_EQ(a.lines[0].period_to, day("2026-02-10"));
  EXPECT_EQ(b.lines[0].period_from, day("2026-02-11"));
}

TEST_P(BillingRunTest, AdjustmentsMadeBeforeThePeriodEndAreBilledOnce) {
  today("2026-02-01");
  auto [scid, items] = service(acme_, {terms("log-delivery", 10000, 0)}, "2026-02-01");
  auto add = [&](AdjustmentKind kind, long long amount, const std::string& text,
                 const std::string& at) {
    auto added = db_->with_transaction([&](soci::session& s) {
      return add_billing_adjustment(s,
                                    NewAdjustment{acme_.id, kind, amount, text, scid,
                                                  "ORD-2026-000042", coordinator_.user_id},
                                    start_of_day(day(at)) + std::chrono::hours(3));
    });
    ASSERT_TRUE(added.ok()) << added.error();
  };
  add(AdjustmentKind::kEarlyTermination, 12345, "Early termination charge", "2026-02-20");
  add(AdjustmentKind::kCredit, -500, "Credit for outage", "2026-02-28");
  add(AdjustmentKind::kCharge, 700, "Made in March: next invoice", "2026-03-01");
  today("2026-03-02");
  auto ran = run(coordinator_, "2026-02");
  ASSERT_TRUE(ran.ok()) << ran.error();
  const Invoice february = invoice(ran->created.at(0));
  ASSERT_EQ(february.lines.size(), 3U);
  EXPECT_EQ(february.lines[1].kind, InvoiceLineKind::kEarlyTermination);
  EXPECT_EQ(february.lines[1].amount_minor, 12345);
  EXPECT_EQ(february.lines[1].description, "Early termination charge (ORD-2026-000042)");
  EXPECT_EQ(february.lines[2].kind, InvoiceLineKind::kCredit);
  EXPECT_EQ(february.lines[2].amount_minor, -500);
  EXPECT_EQ(february.new_charges_minor, 10000 + 12345 - 500);
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_adjustments WHERE invoice_id IS NULL"), 1);

  today("2026-04-01");
  auto march = run(coordinator_, "2026-03");
  ASSERT_TRUE(march.ok()) << march.error();
  const Invoice next = invoice(march->created.at(0));
  ASSERT_EQ(next.lines.size(), 2U);
  EXPECT_EQ(next.lines[1].kind, InvoiceLineKind::kCharge);
  EXPECT_EQ(next.lines[1].amount_minor, 700);
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_adjustments WHERE invoice_id IS NULL"), 0);
}

TEST_P(BillingRunTest, AdjustmentOnlyCustomerGetsAnInvoice) {
  auto added = db_->with_transaction([&](soci::session& s) {
    return add_billing_adjustment(
        s,
        NewAdjustment{globex_.id, AdjustmentKind::kCredit, -2500, "Goodwill credit", std::nullopt,
                      "BRQ-2026-000001", std::nullopt},
        start_of_day(day("2026-05-05")));
  });
  ASSERT_TRUE(added.ok()) << added.error();
  today("2026-06-01");
  auto ran = run(coordinator_, "2026-05");
  ASSERT_TRUE(ran.ok()) << ran.error();
  ASSERT_EQ(ran->created.size(), 1U);
  const Invoice got = invoice(ran->created[0]);
  EXPECT_EQ(got.customer_number, globex_.number);
  EXPECT_EQ(got.new_charges_minor, -2500);
  EXPECT_EQ(got.lines.at(0).scid, std::nullopt);
}

TEST_P(BillingRunTest, BadAdjustmentsAreRefusedAndNothingIsStored) {
  struct Bad {
    NewAdjustment adjustment;
    std::string pointer;
  };
  const std::vector<Bad> bad = {
      {{acme_.id, AdjustmentKind::kCredit, 500, "positive credit", std::nullopt, "", {}},
       "/amount_minor"},
      {{acme_.id, AdjustmentKind::kCharge, -1, "negative charge", std::nullopt, "", {}},
       "/amount_minor"},
      {{acme_.id, AdjustmentKind::kEarlyTermination, 0, "zero", std::nullopt, "", {}},
       "/amount_minor"},
      {{acme_.id, AdjustmentKind::kCharge, 10'000'000'000'001LL, "too big", std::nullopt, "", {}},
       "/amount_minor"},
      {{acme_.id, AdjustmentKind::kCharge, 5, "", std::nullopt, "", {}}, "/description"},
      {{acme_.id, AdjustmentKind::kCharge, 5, "two\nlines", std::nullopt, "", {}}, "/description"},
      {{acme_.id, AdjustmentKind::kCharge, 5, "bad scid", std::string("AB1"), "", {}}, "/scid"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.adjustment.description);
    auto added = db_->with_transaction(
        [&](soci::session& s) { return add_billing_adjustment(s, b.adjustment, clock_.now()); });
    ASSERT_FALSE(added.ok());
    EXPECT_EQ(added.error_kind(), ErrorKind::kInvalid);
    ASSERT_FALSE(added.failure().fields.empty());
    EXPECT_EQ(added.failure().fields.front().first, b.pointer);
  }
  auto unknown = db_->with_transaction([&](soci::session& s) {
    return add_billing_adjustment(
        s, NewAdjustment{999999, AdjustmentKind::kCharge, 5, "unknown customer", {}, "", {}},
        clock_.now());
  });
  EXPECT_EQ(unknown.error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_adjustments"), 0);
  EXPECT_EQ(parse_adjustment_kind("etc"), AdjustmentKind::kEarlyTermination);
  EXPECT_EQ(parse_adjustment_kind("refund"), std::nullopt);
}

TEST_P(BillingRunTest, BalanceCarriesOverWithPaymentsAndTermsSetTheDueDate) {
  auto set_terms = db_->with_transaction([&](soci::session& s) -> Result<bool> {
    s << "INSERT INTO customer_terms (customer_id, msa_reference, currency, payment_terms_days,"
         " warning_after_days, final_warning_after_days, suspend_after_days, updated_at)"
         " VALUES (:c, 'MSA-1', 'USD', 45, 1, 15, 30, 0)",
        soci::use(acme_.id);
    return true;
  });
  ASSERT_TRUE(set_terms.ok()) << set_terms.error();
  today("2026-01-01");
  service(acme_, {terms("log-delivery", 10000, 0)}, "2026-01-01");
  today("2026-02-01");
  auto january = run(coordinator_, "2026-01");
  ASSERT_TRUE(january.ok()) << january.error();
  const Invoice first = invoice(january->created.at(0));
  EXPECT_EQ(first.previous_balance_minor, 0);
  EXPECT_EQ(first.amount_due_minor, 10000);
  EXPECT_EQ(first.due_date, day("2026-03-18"));  // 1 Feb + 45 days

  auto pay = [&](long long amount, const std::string& on) {
    auto paid = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      s << "INSERT INTO payments (customer_id, method, reference, amount_minor, received_on,"
           " created_at) VALUES (:c, 'wire', 'W-1', :a, :d, 0)",
          soci::use(acme_.id), soci::use(amount), soci::use(on);
      return true;
    });
    ASSERT_TRUE(paid.ok()) << paid.error();
  };
  pay(4000, "2026-02-01");  // on the January invoice's issue date: counted there, not later
  pay(3000, "2026-02-15");
  pay(2000, "2026-03-02");  // after the February invoice's issue date
  today("2026-03-01");
  auto february = run(coordinator_, "2026-02");
  ASSERT_TRUE(february.ok()) << february.error();
  const Invoice second = invoice(february->created.at(0));
  EXPECT_EQ(second.previous_balance_minor, 10000);
  EXPECT_EQ(second.payments_minor, 3000);
  EXPECT_EQ(second.new_charges_minor, 10000);
  EXPECT_EQ(second.amount_due_minor, 10000 - 3000 + 10000);
  EXPECT_EQ(second.due_date, day("2026-04-15"));
}

TEST_P(BillingRunTest, ReRunLeavesEveryRowIdentical) {
  today("2026-02-10");
  auto [scid, items] = service(acme_, {terms("cdn-delivery", 50000, 100000)}, "2026-02-10");
  day_usage(scid, "2026-02-12", 1234 * kGb);
  service(globex_, {terms("origin-shield", 20000, 25000)}, "2026-02-01");
  service(initech_, {terms("log-delivery", 10000, 0)}, "2026-02-01");
  service(umbrella_, {terms("log-delivery", 10000, 0)}, "2026-02-01");
  today("2026-03-01");
  auto first = run(coordinator_, "2026-02");
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first->invoices_created, 4);
  EXPECT_EQ(first->invoices_existing, 0);
  const std::string before = billing_rows();
  const Invoice acme_invoice = invoice(first->created[0]);

  clock_.advance(std::chrono::hours(30));
  auto second = run(coordinator_, "2026-02");
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(second->invoices_created, 0);
  EXPECT_EQ(second->invoices_existing, 4);
  EXPECT_EQ(second->existing, first->created);
  EXPECT_EQ(billing_rows(), before);
  const Invoice again = invoice(first->created[0]);
  EXPECT_EQ(again.lines, acme_invoice.lines);
  EXPECT_EQ(again.amount_due_minor, acme_invoice.amount_due_minor);
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_runs"), 2);

  auto job = db_->with_transaction([&](soci::session& s) {
    return BillingRun(s, clock_, settings_).run_as_system(month("2026-02"), std::nullopt);
  });
  ASSERT_TRUE(job.ok()) << job.error();
  EXPECT_EQ(job->invoices_existing, 4);
  EXPECT_EQ(job->requested_by, std::nullopt);
  EXPECT_EQ(billing_rows(), before);
}

TEST_P(BillingRunTest, DeliveryFollowsCountryAndPreference) {
  today("2026-02-01");
  service(acme_, {terms("log-delivery", 10000, 0)}, "2026-02-01");      // US, email
  service(globex_, {terms("log-delivery", 10000, 0)}, "2026-02-01");    // GB
  service(initech_, {terms("log-delivery", 10000, 0)}, "2026-02-01");   // US, post
  service(umbrella_, {terms("log-delivery", 10000, 0)}, "2026-02-01");  // US, portal
  today("2026-03-01");
  auto ran = run(coordinator_, "2026-02");
  ASSERT_TRUE(ran.ok()) << ran.error();
  ASSERT_EQ(ran->created.size(), 4U);
  auto only = [&](const std::string& number) {
    const Invoice got = invoice(number);
    EXPECT_EQ(got.deliveries.size(), 1U);
    return got.deliveries.empty() ? InvoiceDeliveryRecord{} : got.deliveries[0];
  };
  const InvoiceDeliveryRecord email = only(ran->created[0]);
  EXPECT_EQ(email.channel, "email");
  EXPECT_EQ(email.destination, "billing@acme.example");
  EXPECT_EQ(email.status, "queued");
  const InvoiceDeliveryRecord depository = only(ran->created[1]);
  EXPECT_EQ(depository.channel, "depository");
  EXPECT_EQ(depository.destination, "invoices@london.candela.example");
  EXPECT_NE(depository.detail.find("central depository in London"), std::string::npos);
  const InvoiceDeliveryRecord paper = only(ran->created[2]);
  EXPECT_EQ(paper.channel, "paper");
  EXPECT_EQ(paper.destination, "Initech, 1 Main Street, Springfield, IL 62701, US");
  EXPECT_EQ(paper.status, "queued");
  const InvoiceDeliveryRecord portal = only(ran->created[3]);
  EXPECT_EQ(portal.channel, "portal");
  EXPECT_EQ(portal.status, "sent");

  // The mail: one to the invoice address, one to the depository, each with the PDF; none for
  // paper; the portal customer's billing user gets a notification.
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'billing@acme.example'"
                  " AND template = 'invoice.issued'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox"
                  " WHERE to_address = 'invoices@london.candela.example'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_attachments a JOIN mail_outbox o"
                  " ON o.id = a.outbox_id WHERE a.content_type = 'application/pdf'"),
            count("SELECT COUNT(*) FROM mail_outbox WHERE template = 'invoice.issued'"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications WHERE recipient_user_id = " +
                  std::to_string(umbrella_billing_.user_id)),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox WHERE subject LIKE '%Initech%'"), 0);
}

TEST_P(BillingRunTest, EmailPreferenceWithoutAddressIsRecordedAsFailed) {
  auto cleared = db_->with_transaction([&](soci::session& s) -> Result<bool> {
    s << "UPDATE customers SET invoice_email = NULL WHERE id = :c", soci::use(acme_.id);
    return true;
  });
  ASSERT_TRUE(cleared.ok());
  today("2026-02-01");
  service(acme_, {terms("log-delivery", 10000, 0)}, "2026-02-01");
  today("2026-03-01");
  auto ran = run(coordinator_, "2026-02");
  ASSERT_TRUE(ran.ok()) << ran.error();
  const Invoice got = invoice(ran->created.at(0));
  ASSERT_EQ(got.deliveries.size(), 1U);
  EXPECT_EQ(got.deliveries[0].channel, "email");
  EXPECT_EQ(got.deliveries[0].status, "failed");
}

TEST_P(BillingRunTest, OnlyTheBillingCoordinatorRunsBillingAndBadInputStoresNothing) {
  today("2026-02-01");
  service(acme_, {terms("log-delivery", 10000, 0)}, "2026-02-01");
  today("2026-03-01");
  for (const Principal* who : {&staff_, &director_, &acme_admin_, &acme_billing_}) {
    SCOPED_TRACE(who->name);
    auto ran = run(*who, "2026-02");
    EXPECT_EQ(ran.error_kind(), ErrorKind::kForbidden);
  }
  for (const std::string period : {"2026-03", "2026-04", "2031-01"}) {
    SCOPED_TRACE(period);
    auto ran = run(coordinator_, period);
    ASSERT_FALSE(ran.ok());
    EXPECT_EQ(ran.error_kind(), ErrorKind::kInvalid);
    ASSERT_EQ(ran.failure().fields.size(), 1U);
    EXPECT_EQ(ran.failure().fields[0].first, "/period");
  }
  auto unknown = run(coordinator_, "2026-02", "C9999999");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error_kind(), ErrorKind::kInvalid);
  EXPECT_EQ(unknown.failure().fields.at(0).first, "/customer_number");
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_runs"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM invoices"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox"), 0);

  auto one = run(coordinator_, "2026-02", acme_.number);
  ASSERT_TRUE(one.ok()) << one.error();
  EXPECT_EQ(one->customer_number, acme_.number);
  EXPECT_EQ(one->invoices_created, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'invoice'"
                  " AND action = 'issue'"),
            1);
}

TEST_P(BillingRunTest, WhoReadsInvoices) {
  today("2026-02-01");
  service(acme_, {terms("log-delivery", 10000, 0)}, "2026-02-01");
  service(globex_, {terms("log-delivery", 10000, 0)}, "2026-02-01");
  today("2026-03-01");
  auto ran = run(coordinator_, "2026-02");
  ASSERT_TRUE(ran.ok()) << ran.error();
  const std::string acme_number = ran->created.at(0);
  auto get = [&](const Principal& who, const std::string& number) {
    return db_->with_session(
        [&](soci::session& s) { return Invoices(s, clock_).get(who, number); });
  };
  for (const Principal* who : {&acme_admin_, &acme_billing_, &staff_, &director_, &coordinator_}) {
    SCOPED_TRACE(who->name);
    auto got = get(*who, acme_number);
    ASSERT_TRUE(got.ok()) << got.error();
    EXPECT_EQ(got->customer_number, acme_.number);
    EXPECT_EQ(got->status(utc_date_of(clock_.now())), InvoiceStatus::kOpen);
  }
  EXPECT_EQ(get(acme_technical_, acme_number).error_kind(), ErrorKind::kForbidden);
  EXPECT_EQ(get(acme_read_only_, acme_number).error_kind(), ErrorKind::kForbidden);
  EXPECT_EQ(get(globex_admin_, acme_number).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(get(globex_admin_, "INV-2026-999999").error_kind(), ErrorKind::kNotFound);

  auto list = [&](const Principal& who, InvoiceQuery query) {
    return db_->with_session(
        [&](soci::session& s) { return Invoices(s, clock_).list(who, query); });
  };
  auto mine = list(acme_billing_, {});
  ASSERT_TRUE(mine.ok()) << mine.error();
  ASSERT_EQ(mine->invoices.size(), 1U);
  EXPECT_EQ(mine->invoices[0].invoice_number, acme_number);
  auto all = list(director_, {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->invoices.size(), 2U);
  InvoiceQuery other;
  other.customer_number = globex_.number;
  EXPECT_EQ(list(acme_admin_, other).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(list(acme_technical_, {}).error_kind(), ErrorKind::kForbidden);
  InvoiceQuery page;
  page.limit = 1;
  auto first_page = list(staff_, page);
  ASSERT_TRUE(first_page.ok());
  ASSERT_EQ(first_page->invoices.size(), 1U);
  ASSERT_TRUE(first_page->next_before_id);
  page.before_id = first_page->next_before_id;
  auto second_page = list(staff_, page);
  ASSERT_TRUE(second_page.ok());
  ASSERT_EQ(second_page->invoices.size(), 1U);
  EXPECT_FALSE(second_page->next_before_id);
  EXPECT_NE(second_page->invoices[0].invoice_number, first_page->invoices[0].invoice_number);

  // Status: paid once allocations cover the new charges; overdue after the due date.
  InvoiceQuery overdue;
  overdue.status = InvoiceStatus::kOverdue;
  today("2026-04-15");
  auto late = list(staff_, overdue);
  ASSERT_TRUE(late.ok()) << late.error();
  EXPECT_EQ(late->invoices.size(), 2U);
  auto paid = db_->with_transaction([&](soci::session& s) -> Result<bool> {
    long long payment = 0;
    s << "INSERT INTO payments (customer_id, method, reference, amount_minor, received_on,"
         " created_at) VALUES (:c, 'wire', 'W', 10000, '2026-04-10', 0) RETURNING id",
        soci::use(acme_.id), soci::into(payment);
    s << "INSERT INTO payment_allocations (payment_id, invoice_id, amount_minor)"
         " SELECT :p, id, 10000 FROM invoices WHERE invoice_number = :n",
        soci::use(payment), soci::use(acme_number);
    return true;
  });
  ASSERT_TRUE(paid.ok()) << paid.error();
  InvoiceQuery settled;
  settled.status = InvoiceStatus::kPaid;
  auto done = list(staff_, settled);
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->invoices.size(), 1U);
  EXPECT_EQ(done->invoices[0].paid_minor, 10000);
  EXPECT_EQ(done->invoices[0].outstanding_minor(), 0);
  EXPECT_EQ(list(staff_, overdue)->invoices.size(), 1U);
}

INSTANTIATE_TEST_SUITE_P(BothDatabases, BillingRunTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& test) { return test.param; });

}  // namespace
}  // namespace candela::control

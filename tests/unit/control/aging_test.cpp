// Aging buckets at their boundaries, and balances (SQLite and PostgreSQL): outstanding, overdue,
// disputed, unapplied, the collection state, who may read them, and the staff aging report.
#include "control/aging.hpp"

#include <gtest/gtest.h>

#include "payment_fixture.hpp"

namespace candela::control {
namespace {

TEST(AgingBucketsTest, DaysPastDueFallIntoTheirBuckets) {
  struct Case {
    long long days;
    AgingBuckets expected;
  };
  const Case cases[] = {
      {-10, {1, 0, 0, 0, 0}}, {0, {1, 0, 0, 0, 0}},    {1, {0, 1, 0, 0, 0}},  {30, {0, 1, 0, 0, 0}},
      {31, {0, 0, 1, 0, 0}},  {60, {0, 0, 1, 0, 0}},   {61, {0, 0, 0, 1, 0}}, {90, {0, 0, 0, 1, 0}},
      {91, {0, 0, 0, 0, 1}},  {4000, {0, 0, 0, 0, 1}},
  };
  for (const auto& c : cases) {
    AgingBuckets buckets;
    buckets.add(c.days, 1);
    EXPECT_EQ(buckets, c.expected) << c.days << " days past due";
  }
}

class AgingTest : public PaymentStoreTest {
 protected:
  Result<CustomerBalance> balance(const Principal& who, const std::string& customer) {
    return db_->with_session(
        [&](soci::session& s) { return Balances(s, clock_).get(who, customer); });
  }
};

TEST_P(AgingTest, BalanceSplitsOutstandingByDaysPastDue) {
  today_is("2026-06-30");
  // Due dates 0, 1, 30, 31, 60, 61, 90 and 91 days before today.
  invoice(acme_id_, "INV-2026-000001", "2026-05-31", "2026-06-30", 1);
  invoice(acme_id_, "INV-2026-000002", "2026-05-30", "2026-06-29", 2);
  invoice(acme_id_, "INV-2026-000003", "2026-04-30", "2026-05-31", 4);
  const long long d31 = invoice(acme_id_, "INV-2026-000004", "2026-04-29", "2026-05-30", 8);
  invoice(acme_id_, "INV-2026-000005", "2026-03-31", "2026-05-01", 16);
  invoice(acme_id_, "INV-2026-000006", "2026-03-30", "2026-04-30", 32);
  invoice(acme_id_, "INV-2026-000007", "2026-03-01", "2026-04-01", 64);
  invoice(acme_id_, "INV-2026-000008", "2026-02-28", "2026-03-31", 128);
  invoice(globex_id_, "INV-2026-000009", "2026-02-28", "2026-03-31", 100000);
  dispute(acme_id_, d31, 3);

  auto got = balance(acme_billing_, "CUST-ACME");
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_EQ(got->customer_number, "CUST-ACME");
  EXPECT_EQ(got->currency, "USD");
  EXPECT_EQ(got->outstanding_minor, 255);
  EXPECT_EQ(got->overdue_minor, 254);
  EXPECT_EQ(got->disputed_minor, 3);
  EXPECT_EQ(got->unapplied_minor, 0);
  EXPECT_EQ(got->aging, (AgingBuckets{1, 2 + 4, 8 + 16, 32 + 64, 128}));
  EXPECT_EQ(got->collection_state, CollectionState::kGood);

  // A payment of 130 goes to the two oldest invoices (128, then 2 of the 64) and leaves 0.
  auto paid = record(coordinator_, eft("CUST-ACME", 130, "2026-06-30"));
  ASSERT_TRUE(paid.ok()) << paid.error();
  got = balance(acme_billing_, "CUST-ACME");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->outstanding_minor, 125);
  EXPECT_EQ(got->aging, (AgingBuckets{1, 6, 24, 32 + 62, 0}));
}

TEST_P(AgingTest, UnappliedMoneyAndCollectionStateShow) {
  today_is("2026-03-10");
  auto paid = record(coordinator_, eft("CUST-ACME", 900, "2026-03-10"));
  ASSERT_TRUE(paid.ok()) << paid.error();
  auto got = balance(acme_admin_, "CUST-ACME");
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_EQ(got->unapplied_minor, 900);
  EXPECT_EQ(got->outstanding_minor, 0);

  invoice(globex_id_, "INV-2026-000001", "2026-02-01", "2026-03-03", 5000);
  auto warned = run_collections(globex_id_);
  ASSERT_TRUE(warned.ok()) << warned.error();
  EXPECT_EQ(warned->warnings, 1);
  auto globex = balance(globex_admin_, "CUST-GLOBEX");
  ASSERT_TRUE(globex.ok()) << globex.error();
  EXPECT_EQ(globex->collection_state, CollectionState::kWarned);
  EXPECT_EQ(globex->overdue_minor, 5000);
}

TEST_P(AgingTest, OnlyBillingUsersAndStaffReadBalances) {
  EXPECT_TRUE(balance(acme_billing_, "CUST-ACME").ok());
  EXPECT_TRUE(balance(account_director_, "CUST-ACME").ok());
  EXPECT_TRUE(balance(coordinator_, "CUST-ACME").ok());
  EXPECT_EQ(balance(acme_technical_, "CUST-ACME").error_kind(), ErrorKind::kForbidden);
  EXPECT_EQ(balance(acme_read_only_, "CUST-ACME").error_kind(), ErrorKind::kForbidden);
  EXPECT_EQ(balance(globex_admin_, "CUST-ACME").error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(balance(staff_, "C0000000").error_kind(), ErrorKind::kNotFound);
}

TEST_P(AgingTest, AgingReportIsForStaffAndListsCustomersWithABalance) {
  today_is("2026-03-10");
  const long long paid_up = invoice(acme_id_, "INV-2026-000001", "2026-02-01", "2026-03-03", 500);
  invoice(globex_id_, "INV-2026-000002", "2026-02-01", "2026-03-03", 700);
  auto paid = record(coordinator_, eft("CUST-ACME", 500, "2026-03-10"));
  ASSERT_TRUE(paid.ok()) << paid.error();
  EXPECT_EQ(this->paid(paid_up), 500);
  auto report = db_->with_session(
      [&](soci::session& s) { return Balances(s, clock_).aging_report(account_director_); });
  ASSERT_TRUE(report.ok()) << report.error();
  ASSERT_EQ(report->size(), 1u);
  EXPECT_EQ((*report)[0].customer_number, "CUST-GLOBEX");
  EXPECT_EQ((*report)[0].aging.days_1_30_minor, 700);
  auto refused = db_->with_session(
      [&](soci::session& s) { return Balances(s, clock_).aging_report(acme_admin_); });
  EXPECT_EQ(refused.error_kind(), ErrorKind::kForbidden);
}

INSTANTIATE_TEST_SUITE_P(Stores, AgingTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control

// The collections schedule on SQLite and PostgreSQL, driven by a ManualClock: warning, final
// warning and suspension each once and on the day the customer's terms say; disputed amounts
// never count; restoration at once when a payment settles what is overdue, or on the job when a
// dispute does.
#include "control/collections.hpp"

#include <gtest/gtest.h>

#include "control/aging.hpp"
#include "payment_fixture.hpp"

namespace candela::control {
namespace {

class CollectionsTest : public PaymentStoreTest {
 protected:
  void SetUp() override {
    PaymentStoreTest::SetUp();
    if (HasFatalFailure()) return;
    acme_service_ = service(acme_, "CUST-ACME");
    acme_second_ = service(acme_video_, "CUST-ACME");
    globex_service_ = service(globex_, "CUST-GLOBEX");
  }

  // Runs the job's pass for Acme on `date` and returns its report.
  CollectionReport pass_on(const std::string& date) {
    today_is(date);
    auto report = run_collections(acme_id_);
    EXPECT_TRUE(report.ok()) << date << ": " << report.error();
    return report.ok() ? *report : CollectionReport{};
  }

  long long acme_mails(const std::string& template_id) {
    return count("SELECT COUNT(*) FROM mail_outbox WHERE template = '" + template_id +
                 "' AND to_address = '" + acme_billing_.email + "'");
  }

  std::string acme_service_, acme_second_, globex_service_;
};

TEST_P(CollectionsTest, WarningFinalWarningThenSuspensionEachOnce) {
  // Default terms: due 30 days after issue; warning 1, final warning 15, suspension 30 days
  // past due.
  invoice(acme_id_, "INV-2026-000001", "2026-01-01", "2026-01-31", 10000);

  EXPECT_EQ(pass_on("2026-01-31").warnings, 0);  // due today: not overdue yet
  EXPECT_EQ(pass_on("2026-02-01").warnings, 1);
  EXPECT_EQ(acme_mails("billing.payment_warning"), 1);
  EXPECT_EQ(pass_on("2026-02-01").warnings, 0);  // once
  EXPECT_EQ(pass_on("2026-02-14").final_warnings, 0);
  EXPECT_EQ(pass_on("2026-02-15").final_warnings, 1);
  EXPECT_EQ(acme_mails("billing.final_warning"), 1);
  EXPECT_EQ(pass_on("2026-03-01").suspended_services, 0);  // 29 days
  EXPECT_EQ(state_of(acme_service_), "active");

  const auto suspended = pass_on("2026-03-02");  // 30 days past due
  EXPECT_EQ(suspended.suspended_services, 2);
  EXPECT_EQ(state_of(acme_service_), "suspended");
  EXPECT_EQ(state_of(acme_second_), "suspended");
  EXPECT_EQ(state_of(globex_service_), "active");
  EXPECT_EQ(acme_mails("billing.service_suspended"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM service_suspensions WHERE restored_at IS NULL"), 2);
  EXPECT_EQ(pass_on("2026-03-04").suspended_services, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM service_suspensions"), 2);
  EXPECT_EQ(acme_mails("billing.payment_warning"), 1);
  EXPECT_EQ(acme_mails("billing.final_warning"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM collection_steps"), 3);
  for (const char* action :
       {"collection_warning", "collection_final_warning", "collection_suspend"}) {
    EXPECT_EQ(count(std::string("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'customer'"
                                " AND entity_id = 'CUST-ACME' AND action = '") +
                    action + "'"),
              1)
        << action;
  }
  // The suspension is the service's own audited state change too (Services::apply_state).
  EXPECT_GE(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'service' AND entity_id = '" +
                  acme_service_ + "' AND to_state = 'suspended'"),
            1);
  auto balance = db_->with_session(
      [&](soci::session& s) { return Balances(s, clock_).get(acme_billing_, "CUST-ACME"); });
  ASSERT_TRUE(balance.ok()) << balance.error();
  EXPECT_EQ(balance->collection_state, CollectionState::kSuspended);
}

TEST_P(CollectionsTest, APaymentThatSettlesTheOverdueAmountRestoresAtOnce) {
  invoice(acme_id_, "INV-2026-000001", "2026-01-01", "2026-01-31", 10000);
  pass_on("2026-03-03");
  ASSERT_EQ(state_of(acme_service_), "suspended");

  // Half is not enough.
  auto half = record(coordinator_, eft("CUST-ACME", 5000, "2026-03-03"));
  ASSERT_TRUE(half.ok()) << half.error();
  EXPECT_EQ(state_of(acme_service_), "suspended");
  // The rest restores both services in the payment's own transaction, without the job.
  auto rest = record(coordinator_, eft("CUST-ACME", 5000, "2026-03-03", "EFT-REF-2"));
  ASSERT_TRUE(rest.ok()) << rest.error();
  EXPECT_EQ(state_of(acme_service_), "active");
  EXPECT_EQ(state_of(acme_second_), "active");
  EXPECT_EQ(count("SELECT COUNT(*) FROM service_suspensions WHERE restored_at IS NULL"), 0);
  EXPECT_EQ(acme_mails("billing.service_restored"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM collection_steps WHERE step = 'restored'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'collection_restore'"), 1);
  // Nothing more happens on later passes.
  const auto later = pass_on("2026-03-05");
  EXPECT_EQ(later.suspended_services + later.restored_services + later.warnings, 0);
  EXPECT_EQ(state_of(acme_service_), "active");
}

TEST_P(CollectionsTest, AnotherOverdueInvoiceKeepsTheServicesSuspended) {
  invoice(acme_id_, "INV-2026-000001", "2026-01-01", "2026-01-31", 10000);
  invoice(acme_id_, "INV-2026-000002", "2026-02-01", "2026-03-03", 3000);
  pass_on("2026-03-04");
  ASSERT_EQ(state_of(acme_service_), "suspended");
  NewPayment payment = eft("CUST-ACME", 10000, "2026-03-04");
  payment.allocations = std::vector<PaymentAllocation>{{"INV-2026-000001", 10000}};
  ASSERT_TRUE(record(coordinator_, payment).ok());
  EXPECT_EQ(state_of(acme_service_), "suspended");  // INV-2026-000002 is 1 day past due
  ASSERT_TRUE(record(coordinator_, eft("CUST-ACME", 3000, "2026-03-04", "EFT-REF-2")).ok());
  EXPECT_EQ(state_of(acme_service_), "active");
}

TEST_P(CollectionsTest, DisputedAmountsNeverLeadToWarningsOrSuspension) {
  const long long id = invoice(acme_id_, "INV-2026-000001", "2026-01-01", "2026-01-31", 10000);
  dispute(acme_id_, id, 10000);
  for (const char* day : {"2026-02-01", "2026-02-15", "2026-03-03", "2026-06-01"}) {
    const auto report = pass_on(day);
    EXPECT_EQ(report.warnings + report.final_warnings + report.suspended_services, 0) << day;
  }
  EXPECT_EQ(state_of(acme_service_), "active");
  EXPECT_EQ(count("SELECT COUNT(*) FROM collection_steps"), 0);
  // A resolved or cancelled dispute no longer shields the amount.
  set_dispute_state("cancelled");
  const auto report = pass_on("2026-06-02");
  EXPECT_EQ(report.warnings, 1);
  EXPECT_EQ(report.final_warnings, 1);
  EXPECT_EQ(report.suspended_services, 2);
}

TEST_P(CollectionsTest, APartlyDisputedInvoiceIsStillOverdueForTheRest) {
  const long long id = invoice(acme_id_, "INV-2026-000001", "2026-01-01", "2026-01-31", 10000);
  dispute(acme_id_, id, 4000);
  EXPECT_EQ(pass_on("2026-02-01").warnings, 1);
  EXPECT_EQ(pass_on("2026-03-03").suspended_services, 2);
  // Paying the undisputed 6000 leaves only the disputed amount: restored at once.
  ASSERT_TRUE(record(coordinator_, eft("CUST-ACME", 6000, "2026-03-03")).ok());
  EXPECT_EQ(state_of(acme_service_), "active");
}

TEST_P(CollectionsTest, ADisputeOpenedAfterSuspensionRestoresOnTheNextPass) {
  const long long id = invoice(acme_id_, "INV-2026-000001", "2026-01-01", "2026-01-31", 10000);
  pass_on("2026-03-03");
  ASSERT_EQ(state_of(acme_service_), "suspended");
  dispute(acme_id_, id, 10000);
  EXPECT_EQ(pass_on("2026-03-03").restored_services, 2);
  EXPECT_EQ(state_of(acme_service_), "active");
  EXPECT_EQ(state_of(acme_second_), "active");
}

TEST_P(CollectionsTest, ADisputeResolvedWithACreditIsNotChasedWhileTheCreditIsPending) {
  const long long first = invoice(acme_id_, "INV-2026-000001", "2026-01-01", "2026-01-31", 10000);
  dispute(acme_id_, first, 10000);
  EXPECT_EQ(pass_on("2026-02-20").warnings, 0);
  // The coordinator resolves it with a credit of 100.00 for the next invoice.
  auto resolved = db_->with_transaction([&](soci::session& s) -> Result<bool> {
    s << "UPDATE billing_requests SET state = 'resolved', resolution = 'credit',"
         " credit_minor = 10000";
    s << "INSERT INTO billing_adjustments (customer_id, kind, amount_minor, description,"
         " source_reference, created_at) VALUES (:c, 'credit', -10000, 'Credit',"
         " 'BRQ-2026-100001', 0)",
        soci::use(acme_id_);
    return true;
  });
  ASSERT_TRUE(resolved.ok()) << resolved.error();
  auto quiet = pass_on("2026-03-10");
  EXPECT_EQ(quiet.warnings + quiet.final_warnings + quiet.suspended_services, 0);
  // The next invoice carries it: 120.00 of charges − 100.00 of credit; amount due 120.00.
  const long long second = invoice(acme_id_, "INV-2026-000002", "2026-04-01", "2026-05-01", 2000);
  auto billed = db_->with_transaction([&](soci::session& s) -> Result<bool> {
    s << "UPDATE billing_adjustments SET invoice_id = :i", soci::use(second);
    return true;
  });
  ASSERT_TRUE(billed.ok()) << billed.error();
  quiet = pass_on("2026-04-20");
  EXPECT_EQ(quiet.warnings + quiet.final_warnings + quiet.suspended_services, 0);
  ASSERT_TRUE(record(coordinator_, eft("CUST-ACME", 12000, "2026-04-20")).ok());
  EXPECT_EQ(paid(second), 2000);
  // Once the credit's invoice is due, the credit has done its work: the rest settles INV-1.
  const auto settled = pass_on("2026-05-02");
  EXPECT_EQ(settled.applied_minor, 10000);
  EXPECT_EQ(settled.warnings + settled.final_warnings + settled.suspended_services, 0);
  EXPECT_EQ(paid(first), 10000);
  EXPECT_EQ(count("SELECT COUNT(*) FROM collection_steps"), 0);
  EXPECT_EQ(state_of(acme_service_), "active");
}

TEST_P(CollectionsTest, TheCustomersTermsSetTheSchedule) {
  auto stored = db_->with_transaction([&](soci::session& s) -> Result<bool> {
    s << "INSERT INTO customer_terms (customer_id, msa_reference, currency, payment_terms_days,"
         " warning_after_days, final_warning_after_days, suspend_after_days, updated_at)"
         " VALUES (:c, 'MSA-1', 'EUR', 10, 3, 5, 7, 0)",
        soci::use(acme_id_);
    return true;
  });
  ASSERT_TRUE(stored.ok()) << stored.error();
  invoice(acme_id_, "INV-2026-000001", "2026-01-01", "2026-01-11", 10000);
  EXPECT_EQ(pass_on("2026-01-13").warnings, 0);  // 2 days
  EXPECT_EQ(pass_on("2026-01-14").warnings, 1);  // 3 days
  EXPECT_EQ(pass_on("2026-01-16").final_warnings, 1);
  EXPECT_EQ(pass_on("2026-01-17").suspended_services, 0);
  EXPECT_EQ(pass_on("2026-01-18").suspended_services, 2);
  auto body = db_->with_session([&](soci::session& s) -> Result<std::string> {
    std::string text;
    s << "SELECT body FROM mail_outbox WHERE template = 'billing.final_warning'", soci::into(text);
    return text;
  });
  ASSERT_TRUE(body.ok());
  EXPECT_NE(body->find("EUR 100.00"), std::string::npos) << *body;
  EXPECT_NE(body->find("suspended on 2026-01-18"), std::string::npos) << *body;
}

TEST_P(CollectionsTest, TheJobFindsCustomersWithSomethingToDo) {
  invoice(acme_id_, "INV-2026-000001", "2026-01-01", "2026-01-31", 10000);
  const long long paid_up = invoice(globex_id_, "INV-2026-000002", "2026-01-01", "2026-01-31", 500);
  today_is("2026-01-15");
  NewPayment payment = eft("CUST-GLOBEX", 500, "2026-01-15");
  payment.allocations = std::vector<PaymentAllocation>{{"INV-2026-000002", 500}};
  ASSERT_TRUE(record(coordinator_, payment).ok());
  EXPECT_EQ(paid(paid_up), 500);
  auto customers = db_->with_session(
      [&](soci::session& s) { return Collections(s, clock_).customers_to_check(); });
  ASSERT_TRUE(customers.ok()) << customers.error();
  EXPECT_EQ(*customers, std::vector<long long>{acme_id_});
}

INSTANTIATE_TEST_SUITE_P(Stores, CollectionsTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control

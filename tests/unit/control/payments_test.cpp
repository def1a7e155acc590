// Payments on SQLite and PostgreSQL: allocation (oldest first, named, unapplied, disputed amounts
// left alone), field checks that store nothing, roles, reading and listing by tenancy.
#include "control/payments.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "control/payment_allocation.hpp"
#include "payment_fixture.hpp"

namespace candela::control {
namespace {

class PaymentsTest : public PaymentStoreTest {};

bool has_field(const Error& error, const std::string& pointer) {
  return std::any_of(error.fields.begin(), error.fields.end(),
                     [&](const auto& field) { return field.first == pointer; });
}

TEST_P(PaymentsTest, AllocatesOldestFirstAndKeepsTheRestUnapplied) {
  today_is("2026-03-10");
  const long long january = invoice(acme_id_, "INV-2026-000001", "2026-02-01", "2026-03-03", 10000);
  const long long february = invoice(acme_id_, "INV-2026-000002", "2026-03-01", "2026-03-31", 5000);

  auto first = record(coordinator_, eft("CUST-ACME", 12000, "2026-03-09"));
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first->allocations, (std::vector<PaymentAllocation>{{"INV-2026-000001", 10000},
                                                                {"INV-2026-000002", 2000}}));
  EXPECT_EQ(first->unapplied_minor, 0);
  EXPECT_EQ(first->method, PaymentMethod::kEft);
  EXPECT_EQ(first->reference, "EFT-REF-1");
  EXPECT_EQ(first->currency, "USD");
  EXPECT_EQ(first->recorded_by_name, "Bea Coordinator");

  auto second = record(coordinator_, eft("CUST-ACME", 4000, "2026-03-10", "EFT-REF-2"));
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(second->allocations, (std::vector<PaymentAllocation>{{"INV-2026-000002", 3000}}));
  EXPECT_EQ(second->unapplied_minor, 1000);
  EXPECT_EQ(paid(january), 10000);
  EXPECT_EQ(paid(february), 5000);

  // The next invoice takes the unapplied 1000 when the collections job passes.
  today_is("2026-04-01");
  const long long march = invoice(acme_id_, "INV-2026-000003", "2026-04-01", "2026-05-01", 2500);
  auto pass = run_collections(acme_id_);
  ASSERT_TRUE(pass.ok()) << pass.error();
  EXPECT_EQ(pass->applied_minor, 1000);
  EXPECT_EQ(paid(march), 1000);
  auto again = run_collections(acme_id_);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again->applied_minor, 0);
  EXPECT_EQ(paid(march), 1000);
}

TEST_P(PaymentsTest, NamedInvoicesComeFirstThenTheOldest) {
  today_is("2026-03-10");
  const long long january = invoice(acme_id_, "INV-2026-000001", "2026-02-01", "2026-03-03", 10000);
  const long long february = invoice(acme_id_, "INV-2026-000002", "2026-03-01", "2026-03-31", 5000);
  NewPayment payment = eft("CUST-ACME", 6000, "2026-03-10");
  payment.allocations = std::vector<PaymentAllocation>{{"INV-2026-000002", 5000}};
  auto recorded = record(coordinator_, payment);
  ASSERT_TRUE(recorded.ok()) << recorded.error();
  EXPECT_EQ(paid(february), 5000);
  EXPECT_EQ(paid(january), 1000);
  EXPECT_EQ(recorded->unapplied_minor, 0);
  // By issue date: January's share first in the payment's list.
  EXPECT_EQ(recorded->allocations,
            (std::vector<PaymentAllocation>{{"INV-2026-000001", 1000}, {"INV-2026-000002", 5000}}));
}

TEST_P(PaymentsTest, APaymentBeforeAnyInvoiceStaysUnapplied) {
  today_is("2026-01-15");
  NewPayment wire = eft("CUST-ACME", 2500, "2026-01-15", "");
  wire.method = "wire";
  auto recorded = record(coordinator_, wire);
  ASSERT_TRUE(recorded.ok()) << recorded.error();
  EXPECT_TRUE(recorded->allocations.empty());
  EXPECT_EQ(recorded->unapplied_minor, 2500);
  // The next payment applies the older unapplied money first.
  const long long january = invoice(acme_id_, "INV-2026-000001", "2026-02-01", "2026-03-03", 3000);
  today_is("2026-02-02");
  NewPayment check = eft("CUST-ACME", 1000, "2026-02-02", "");
  check.method = "check";
  auto second = record(coordinator_, check);
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(paid(january), 3000);
  EXPECT_EQ(second->allocations, (std::vector<PaymentAllocation>{{"INV-2026-000001", 500}}));
  EXPECT_EQ(second->unapplied_minor, 500);
  auto first = db_->with_session(
      [&](soci::session& s) { return Payments(s, clock_).get(coordinator_, recorded->id); });
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first->unapplied_minor, 0);
  EXPECT_EQ(first->method, PaymentMethod::kWire);
}

TEST_P(PaymentsTest, DisputedAmountsAreLeftUnpaidUnlessNamed) {
  today_is("2026-03-10");
  const long long january = invoice(acme_id_, "INV-2026-000001", "2026-02-01", "2026-03-03", 10000);
  dispute(acme_id_, january, 4000);
  auto recorded = record(coordinator_, eft("CUST-ACME", 10000, "2026-03-10"));
  ASSERT_TRUE(recorded.ok()) << recorded.error();
  EXPECT_EQ(paid(january), 6000);
  EXPECT_EQ(recorded->unapplied_minor, 4000);
  // The customer may still choose to pay the disputed part by naming the invoice.
  NewPayment named = eft("CUST-ACME", 4000, "2026-03-10", "EFT-REF-2");
  named.allocations = std::vector<PaymentAllocation>{{"INV-2026-000001", 4000}};
  auto second = record(coordinator_, named);
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(paid(january), 10000);
}

TEST_P(PaymentsTest, BadFieldsAreLocatedAndNothingIsStored) {
  today_is("2026-03-10");
  invoice(acme_id_, "INV-2026-000001", "2026-02-01", "2026-03-03", 10000);
  invoice(globex_id_, "INV-2026-000002", "2026-02-01", "2026-03-03", 10000);
  const long long audits = count("SELECT COUNT(*) FROM audit_log");

  NewPayment bad = eft("CUST-ACME", 0, "2026-02-30", "  ");
  bad.method = "eft";
  bad.note = "line\x01";
  bad.allocations = std::vector<PaymentAllocation>{{"INV-2026-000002", 100},
                                                   {"INV-2026-000001", 20000},
                                                   {"INV-2026-000001", 10},
                                                   {"INV-2026-999999", 0}};
  auto refused = record(coordinator_, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
  for (const char* pointer :
       {"/reference", "/amount_minor", "/received_on", "/note", "/allocations/0/invoice_number",
        "/allocations/1/amount_minor", "/allocations/2/invoice_number",
        "/allocations/3/invoice_number", "/allocations/3/amount_minor"}) {
    EXPECT_TRUE(has_field(refused.failure(), pointer)) << pointer;
  }

  NewPayment more = eft("CUST-ACME", 500, "2026-03-11");  // tomorrow
  more.method = "cash";
  more.allocations = std::vector<PaymentAllocation>{{"INV-2026-000001", 600}};
  auto refused_too = record(coordinator_, more);
  ASSERT_FALSE(refused_too.ok());
  for (const char* pointer : {"/method", "/received_on", "/allocations"})
    EXPECT_TRUE(has_field(refused_too.failure(), pointer)) << pointer;

  auto unknown = record(coordinator_, eft("C9999999", 500, "2026-03-10"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(has_field(unknown.failure(), "/customer_number"));

  auto too_much =
      record(coordinator_, eft("CUST-ACME", Payments::kMaxAmountMinor + 1, "2026-03-10"));
  ASSERT_FALSE(too_much.ok());
  EXPECT_TRUE(has_field(too_much.failure(), "/amount_minor"));

  EXPECT_EQ(count("SELECT COUNT(*) FROM payments"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM payment_allocations"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), audits);
}

TEST_P(PaymentsTest, OnlyTheBillingCoordinatorRecords) {
  today_is("2026-03-10");
  const NewPayment payment = eft("CUST-ACME", 500, "2026-03-10");
  for (const Principal* who : {&staff_, &account_director_, &acme_admin_, &acme_billing_}) {
    auto refused = record(*who, payment);
    ASSERT_FALSE(refused.ok()) << who->name;
    EXPECT_EQ(refused.error_kind(), ErrorKind::kForbidden) << who->name;
  }
  auto hidden = record(globex_admin_, payment);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(count("SELECT COUNT(*) FROM payments"), 0);

  auto recorded = record(coordinator_, payment);
  ASSERT_TRUE(recorded.ok()) << recorded.error();
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'payment' AND"
                  " action = 'record' AND entity_id = '" +
                  std::to_string(recorded->id) + "'"),
            1);
}

TEST_P(PaymentsTest, ReadingFollowsTheBillingRight) {
  today_is("2026-03-10");
  auto acme = record(coordinator_, eft("CUST-ACME", 500, "2026-03-10"));
  auto globex = record(coordinator_, eft("CUST-GLOBEX", 700, "2026-03-10"));
  ASSERT_TRUE(acme.ok() && globex.ok());
  auto get = [&](const Principal& who, long long id) {
    return db_->with_session([&](soci::session& s) { return Payments(s, clock_).get(who, id); });
  };
  EXPECT_TRUE(get(acme_billing_, acme->id).ok());
  EXPECT_TRUE(get(acme_admin_, acme->id).ok());
  EXPECT_TRUE(get(account_director_, acme->id).ok());
  EXPECT_EQ(get(acme_technical_, acme->id).error_kind(), ErrorKind::kForbidden);
  EXPECT_EQ(get(acme_billing_, globex->id).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(get(globex_admin_, acme->id).error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(get(staff_, 999999).error_kind(), ErrorKind::kNotFound);

  auto list = [&](const Principal& who, std::optional<std::string> customer = std::nullopt) {
    return db_->with_session([&](soci::session& s) {
      PaymentQuery query;
      query.customer_number = customer;
      return Payments(s, clock_).list(who, query);
    });
  };
  auto mine = list(acme_billing_);
  ASSERT_TRUE(mine.ok()) << mine.error();
  ASSERT_EQ(mine->payments.size(), 1u);
  EXPECT_EQ(mine->payments[0].customer_number, "CUST-ACME");
  auto theirs = list(globex_admin_);
  ASSERT_TRUE(theirs.ok());
  ASSERT_EQ(theirs->payments.size(), 1u);
  EXPECT_EQ(theirs->payments[0].customer_number, "CUST-GLOBEX");
  EXPECT_TRUE(list(acme_technical_)->payments.empty());
  EXPECT_EQ(list(globex_admin_, "CUST-ACME").error_kind(), ErrorKind::kNotFound);
  auto all = list(account_director_);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->payments.size(), 2u);
  EXPECT_EQ(all->payments[0].id, globex->id);  // newest first

  // Keyset pages.
  auto first_page = db_->with_session([&](soci::session& s) {
    PaymentQuery query;
    query.limit = 1;
    return Payments(s, clock_).list(staff_, query);
  });
  ASSERT_TRUE(first_page.ok());
  ASSERT_TRUE(first_page->next_before.has_value());
  auto second_page = db_->with_session([&](soci::session& s) {
    PaymentQuery query;
    query.limit = 1;
    query.before_id = first_page->next_before;
    return Payments(s, clock_).list(staff_, query);
  });
  ASSERT_TRUE(second_page.ok());
  ASSERT_EQ(second_page->payments.size(), 1u);
  EXPECT_EQ(second_page->payments[0].id, acme->id);
  EXPECT_FALSE(second_page->next_before.has_value());
}

INSTANTIATE_TEST_SUITE_P(Stores, PaymentsTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control

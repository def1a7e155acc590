// Store-test fixture for payments, aging and collections: the service fixture's two customers
// plus a billing coordinator, Acme's billing user (with a stored role, so notices reach them),
// invoices inserted directly with the billing contract's columns, and disputes.
#pragma once

#include <soci/soci.h>

#include <string>

#include "control/collections.hpp"
#include "control/payments.hpp"
#include "service_fixture.hpp"

namespace candela::control {

class PaymentStoreTest : public ServiceStoreTest {
 protected:
  void SetUp() override {
    ServiceStoreTest::SetUp();
    if (HasFatalFailure()) return;
    auto seeded = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      coordinator_ = make_principal(s, "Bea Coordinator", Role::kBillingCoordinator, std::nullopt);
      acme_billing_ = make_principal(s, "Bill Acme", Role::kBilling, acme_);
      s << "INSERT INTO user_roles (user_id, role, access_group_id) VALUES (:u, 'billing', :g)",
          soci::use(acme_billing_.user_id), soci::use(acme_);
      s << "SELECT id FROM customers WHERE customer_number = 'CUST-ACME'", soci::into(acme_id_);
      s << "SELECT id FROM customers WHERE customer_number = 'CUST-GLOBEX'", soci::into(globex_id_);
      return true;
    });
    ASSERT_TRUE(seeded.ok()) << seeded.error();
  }

  // An issued invoice of `customer_id` as the billing run stores it. Its period is a distinct
  // month per invoice (one invoice per customer and period); the issue and due dates are what
  // allocation, aging and collections go by.
  long long invoice(long long customer_id, const std::string& number, const std::string& issue,
                    const std::string& due, long long charges) {
    auto id = db_->with_transaction([&](soci::session& s) -> Result<long long> {
      long long out = 0;
      const std::string period = format_billing_month(period_);
      period_ = next_month(period_);
      s << "INSERT INTO invoices (invoice_number, customer_id, period, issue_date, due_date,"
           " currency, previous_balance_minor, payments_minor, new_charges_minor,"
           " amount_due_minor, created_at) VALUES (:n, :c, :p, :i, :d, 'USD', 0, 0, :a, :a2, 0)"
           " RETURNING id",
          soci::use(number), soci::use(customer_id), soci::use(period), soci::use(issue),
          soci::use(due), soci::use(charges), soci::use(charges), soci::into(out);
      return out;
    });
    EXPECT_TRUE(id.ok()) << id.error();
    return id.ok() ? *id : 0;
  }

  // An open dispute of `amount` on the invoice (as the billing requests module stores it).
  void dispute(long long customer_id, long long invoice_id, long long amount,
               const std::string& state = "open") {
    auto done = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      const std::string reference = "BRQ-2026-" + std::to_string(100000 + ++disputes_);
      s << "INSERT INTO billing_requests (reference, customer_id, invoice_id, kind, subject,"
           " disputed_amount_minor, state, created_at, updated_at)"
           " VALUES (:r, :c, :i, 'dispute', 'Wrong charge', :a, :s, 0, 0)",
          soci::use(reference), soci::use(customer_id), soci::use(invoice_id), soci::use(amount),
          soci::use(state);
      return true;
    });
    ASSERT_TRUE(done.ok()) << done.error();
  }

  void set_dispute_state(const std::string& state) {
    auto done = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      s << "UPDATE billing_requests SET state = :s", soci::use(state);
      return true;
    });
    ASSERT_TRUE(done.ok()) << done.error();
  }

  NewPayment eft(const std::string& customer, long long amount, const std::string& received_on,
                 const std::string& reference = "EFT-REF-1") {
    NewPayment payment;
    payment.customer_number = customer;
    payment.method = "eft";
    payment.reference = reference;
    payment.amount_minor = amount;
    payment.received_on = received_on;
    return payment;
  }

  Result<Payment> record(const Principal& who, const NewPayment& payment) {
    return db_->with_transaction(
        [&](soci::session& s) { return Payments(s, clock_).record(who, payment); });
  }

  Result<CollectionReport> run_collections(long long customer_id) {
    return db_->with_transaction(
        [&](soci::session& s) { return Collections(s, clock_).run_customer(customer_id); });
  }

  // Paid so far on the invoice (Σ allocations).
  long long paid(long long invoice_id) {
    return count(
        "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM"
        " payment_allocations WHERE invoice_id = " +
        std::to_string(invoice_id));
  }

  long long mails(const std::string& template_id) {
    return count("SELECT COUNT(*) FROM mail_outbox WHERE template = '" + template_id + "'");
  }

  std::string state_of(const std::string& scid) {
    auto state = db_->with_session([&](soci::session& s) -> Result<std::string> {
      std::string out;
      s << "SELECT state FROM services WHERE scid = :s", soci::use(scid), soci::into(out);
      return out;
    });
    return state.ok() ? *state : "";
  }

  // Moves the clock to 12:00 UTC of `date`.
  void today_is(const std::string& date) {
    const auto day = parse_civil_date(date);
    ASSERT_TRUE(day.has_value()) << date;
    clock_.set(start_of_day(*day) + std::chrono::hours(12));
  }

  Principal coordinator_, acme_billing_;
  long long acme_id_ = 0, globex_id_ = 0;
  int disputes_ = 0;
  BillingMonth period_{2020, 1};
};

}  // namespace candela::control

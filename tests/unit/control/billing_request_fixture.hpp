// Store-test fixture for billing requests: two customers (Acme C0000001 with a sub-group "Acme
// video", Globex C0000002), an invoice of each written straight into the billing tables (the
// contract's columns), customer users of every role, provider staff (a billing coordinator on
// Acme's account team, a second one, provider admin, account director), and helpers.
#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>

#include "control/billing_requests.hpp"
#include "control/principal.hpp"
#include "store_test.hpp"
#include "tenancy_rows.hpp"

namespace candela::control {

class BillingRequestStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_store(/*migrate=*/true));
    clock_.set(from_epoch_ms(1764576000000));  // 2025-12-01T08:00:00Z
    auto seeded = db_->with_transaction([&](soci::session& s) -> Result<bool> {
      acme_ = insert_group_row(s, "Acme", std::nullopt);
      acme_video_ = insert_group_row(s, "Acme video", acme_);
      globex_ = insert_group_row(s, "Globex", std::nullopt);
      acme_customer_ = insert_customer_row(s, "C0000001", "Acme Ltd", acme_);
      globex_customer_ = insert_customer_row(s, "C0000002", "Globex Corp", globex_);
      coordinator_ = make(s, "Bea Coordinator", Role::kBillingCoordinator, std::nullopt);
      other_coordinator_ = make(s, "Ben Coordinator", Role::kBillingCoordinator, std::nullopt);
      provider_admin_ = make(s, "Pat Admin", Role::kProviderAdmin, std::nullopt);
      director_ = make(s, "Al Director", Role::kAccountDirector, std::nullopt);
      acme_admin_ = make(s, "Ann Acme", Role::kAdmin, acme_);
      acme_billing_ = make(s, "Bill Acme", Role::kBilling, acme_);
      acme_technical_ = make(s, "Tess Acme", Role::kTechnical, acme_);
      acme_reader_ = make(s, "Rita Acme", Role::kReadOnly, acme_);
      video_admin_ = make(s, "Vic Video", Role::kAdmin, acme_video_);
      globex_admin_ = make(s, "Gus Globex", Role::kAdmin, globex_);
      s << "INSERT INTO account_team (customer_id, role, user_id)"
           " VALUES (:c, 'billing_coordinator', :u)",
          soci::use(acme_customer_), soci::use(coordinator_.user_id);
      acme_invoice_ = insert_invoice(s, "INV-2025-000001", acme_customer_, 145000);
      insert_line(s, acme_invoice_, 1, "mrc", "ABCDE1234", 50000);
      insert_line(s, acme_invoice_, 2, "nrc", "ABCDE1234", 100000);
      insert_line(s, acme_invoice_, 3, "credit", "", -5000);
      globex_invoice_ = insert_invoice(s, "INV-2025-000002", globex_customer_, 20000);
      insert_line(s, globex_invoice_, 1, "mrc", "", 20000);
      return true;
    });
    ASSERT_TRUE(seeded.ok()) << seeded.error();
  }

  Principal make(soci::session& s, const std::string& name, Role role,
                 std::optional<long long> group) {
    return insert_user_row(s, name, "user" + std::to_string(++users_) + "@example.test", role,
                           group);
  }

  static long long insert_invoice(soci::session& s, const std::string& number, long long customer,
                                  long long new_charges) {
    long long id = 0;
    s << "INSERT INTO invoices (invoice_number, customer_id, period, issue_date, due_date,"
         " currency, previous_balance_minor, payments_minor, new_charges_minor, amount_due_minor,"
         " billing_address, created_at) VALUES (:n, :c, '2025-11', '2025-12-01', '2025-12-31',"
         " 'USD', 0, 0, :charges, :due, '{}', 0) RETURNING id",
        soci::use(number), soci::use(customer), soci::use(new_charges), soci::use(new_charges),
        soci::into(id);
    return id;
  }

  static void insert_line(soci::session& s, long long invoice, int line, const std::string& kind,
                          const std::string& scid, long long amount) {
    soci::indicator scid_ind = scid.empty() ? soci::i_null : soci::i_ok;
    s << "INSERT INTO invoice_lines (invoice_id, line_number, kind, scid, description, quantity,"
         " amount_minor) VALUES (:i, :l, :k, :s, 'line', '1', :a)",
        soci::use(invoice), soci::use(line), soci::use(kind), soci::use(scid, scid_ind),
        soci::use(amount);
  }

  template <typename Fn>
  auto tx(Fn&& fn) {
    return db_->with_transaction([&](soci::session& s) {
      BillingRequests requests(s, clock_);
      return fn(requests);
    });
  }

  static BillingRequestDraft dispute(std::optional<long long> line, long long amount) {
    BillingRequestDraft draft;
    draft.invoice_number = "INV-2025-000001";
    draft.line_number = line;
    draft.kind = "dispute";
    draft.subject = "MRC billed twice";
    draft.description = "We were charged for days before activation.";
    draft.disputed_amount_minor = amount;
    return draft;
  }

  static BillingRequestDraft inquiry() {
    BillingRequestDraft draft;
    draft.invoice_number = "INV-2025-000001";
    draft.kind = "inquiry";
    draft.subject = "What is line 2?";
    draft.description = "Please explain the activation fee.";
    return draft;
  }

  // Opens a request; fails the test when it cannot.
  BillingRequest open(const Principal& who, const BillingRequestDraft& draft) {
    auto opened = tx([&](BillingRequests& r) { return r.open(who, draft); });
    EXPECT_TRUE(opened.ok()) << opened.error();
    return opened.ok() ? opened.value() : BillingRequest{};
  }

  Result<BillingRequest> move(const Principal& who, const std::string& reference,
                              BillingRequestTransition change) {
    return tx([&](BillingRequests& r) { return r.transition(who, reference, change); });
  }

  static BillingRequestTransition to(const std::string& state) {
    BillingRequestTransition change;
    change.to = state;
    return change;
  }

  static BillingRequestTransition credit(long long amount) {
    BillingRequestTransition change;
    change.to = "resolved";
    change.resolution = "credit";
    change.credit_minor = amount;
    change.explanation = "Billed from the wrong start date; credited on your next invoice.";
    return change;
  }

  long long count(const std::string& sql, const std::string& text = "") {
    auto n = db_->with_session([&](soci::session& s) -> Result<long long> {
      long long value = 0;
      if (text.empty()) {
        s << sql, soci::into(value);
      } else {
        s << sql, soci::use(text), soci::into(value);
      }
      return value;
    });
    EXPECT_TRUE(n.ok()) << n.error();
    return n.ok() ? n.value() : -1;
  }

  // Everything a request leaves in the store, for "nothing was stored" checks.
  long long stored_rows() {
    return count("SELECT COUNT(*) FROM billing_requests") +
           count("SELECT COUNT(*) FROM billing_request_events") +
           count("SELECT COUNT(*) FROM billing_request_attachments") +
           count("SELECT COUNT(*) FROM billing_adjustments") +
           count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'billing_request'") +
           count("SELECT COUNT(*) FROM mail_outbox");
  }

  int users_ = 0;
  long long acme_ = 0, acme_video_ = 0, globex_ = 0;
  long long acme_customer_ = 0, globex_customer_ = 0;
  long long acme_invoice_ = 0, globex_invoice_ = 0;
  Principal coordinator_, other_coordinator_, provider_admin_, director_;
  Principal acme_admin_, acme_billing_, acme_technical_, acme_reader_, video_admin_, globex_admin_;
};

}  // namespace candela::control

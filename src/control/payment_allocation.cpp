// Allocation of payments to invoices, oldest first, as far as the undisputed amounts go.
#include "control/payment_allocation.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "control/audit_log.hpp"
#include "control/billing_disputes.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

CivilDate stored_date(const std::string& text) {
  // Written only by the billing run as 'YYYY-MM-DD'; a damaged value sorts as the epoch.
  return parse_civil_date(text).value_or(CivilDate{});
}

}  // namespace

long long InvoiceStanding::outstanding_minor() const {
  return std::max(0LL, new_charges_minor - paid_minor);
}

long long InvoiceStanding::days_past_due(const CivilDate& today) const {
  return days_between(due_date, today);
}

Result<std::vector<InvoiceStanding>> open_invoices(soci::session& session, long long customer_id,
                                                   const CivilDate& today) {
  return guarded("could not read the invoices", [&]() -> Result<std::vector<InvoiceStanding>> {
    std::vector<InvoiceStanding> out;
    InvoiceStanding invoice;
    std::string issue, due;
    soci::statement statement =
        (session.prepare << "SELECT i.id, i.invoice_number, i.issue_date, i.due_date,"
                            " i.new_charges_minor,"
                            " CAST(COALESCE((SELECT SUM(a.amount_minor) FROM payment_allocations a"
                            "  WHERE a.invoice_id = i.id), 0) AS BIGINT)"
                            " FROM invoices i WHERE i.customer_id = :c"
                            " ORDER BY i.issue_date, i.id",
         soci::use(customer_id), soci::into(invoice.id), soci::into(invoice.invoice_number),
         soci::into(issue), soci::into(due), soci::into(invoice.new_charges_minor),
         soci::into(invoice.paid_minor));
    statement.execute();
    while (statement.fetch()) {
      invoice.issue_date = stored_date(issue);
      invoice.due_date = stored_date(due);
      if (invoice.outstanding_minor() > 0) out.push_back(invoice);
    }
    for (auto& open : out) {
      auto disputed = open_disputed_minor(session, open.id);
      if (!disputed.ok()) return Error{disputed.failure()};
      open.disputed_minor = std::clamp(*disputed, 0LL, open.outstanding_minor());
      // A dispute resolved with a credit puts the credit on the customer's next invoice; until
      // that invoice is due, the credited amount of this one is not chased (it would otherwise be
      // overdue again the moment the dispute closes).
      long long credit = 0;
      const std::string day = format_civil_date(today);
      session << "SELECT CAST(COALESCE(SUM(-a.amount_minor), 0) AS BIGINT)"
                 " FROM billing_adjustments a JOIN billing_requests r"
                 " ON r.reference = a.source_reference"
                 " WHERE r.invoice_id = :i AND a.kind = 'credit' AND (a.invoice_id IS NULL OR"
                 " (SELECT n.due_date FROM invoices n WHERE n.id = a.invoice_id) >= :today)",
          soci::use(open.id), soci::use(day), soci::into(credit);
      open.pending_credit_minor =
          std::clamp(credit, 0LL, open.outstanding_minor() - open.disputed_minor);
    }
    return out;
  });
}

Status add_allocation(soci::session& session, long long payment_id, long long invoice_id,
                      long long amount_minor) {
  return guarded("could not allocate the payment", [&]() -> Status {
    if (amount_minor <= 0) return Error{"an allocation must be positive", ErrorKind::kInternal};
    int existing = 0;
    session << "SELECT COUNT(*) FROM payment_allocations WHERE payment_id = :p"
               " AND invoice_id = :i",
        soci::use(payment_id), soci::use(invoice_id), soci::into(existing);
    if (existing > 0) {
      session << "UPDATE payment_allocations SET amount_minor = amount_minor + :a"
                 " WHERE payment_id = :p AND invoice_id = :i",
          soci::use(amount_minor), soci::use(payment_id), soci::use(invoice_id);
    } else {
      session << "INSERT INTO payment_allocations (payment_id, invoice_id, amount_minor)"
                 " VALUES (:p, :i, :a)",
          soci::use(payment_id), soci::use(invoice_id), soci::use(amount_minor);
    }
    return std::monostate{};
  });
}

Result<long long> payment_unapplied_minor(soci::session& session, long long payment_id) {
  return guarded("could not read the payment", [&]() -> Result<long long> {
    long long unapplied = 0;
    session << "SELECT p.amount_minor - CAST(COALESCE((SELECT SUM(a.amount_minor)"
               " FROM payment_allocations a WHERE a.payment_id = p.id), 0) AS BIGINT)"
               " FROM payments p WHERE p.id = :p",
        soci::use(payment_id), soci::into(unapplied);
    if (!session.got_data()) return Error{"there is no such payment", ErrorKind::kNotFound};
    return unapplied;
  });
}

Result<long long> customer_unapplied_minor(soci::session& session, long long customer_id) {
  return guarded("could not read the payments", [&]() -> Result<long long> {
    long long paid = 0, allocated = 0;
    session << "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM payments"
               " WHERE customer_id = :c",
        soci::use(customer_id), soci::into(paid);
    session << "SELECT CAST(COALESCE(SUM(a.amount_minor), 0) AS BIGINT) FROM payment_allocations a"
               " JOIN payments p ON p.id = a.payment_id WHERE p.customer_id = :c",
        soci::use(customer_id), soci::into(allocated);
    return paid - allocated;
  });
}

Result<std::vector<AppliedAmount>> apply_unapplied(soci::session& session, const Clock& clock,
                                                   long long customer_id,
                                                   std::optional<long long> actor_user_id) {
  return guarded("could not apply unapplied payments", [&]() -> Result<std::vector<AppliedAmount>> {
    std::vector<AppliedAmount> applied;
    // Payments with something left, oldest received first.
    std::vector<std::pair<long long, long long>> credits;  // payment id, left
    long long payment_id = 0, left = 0;
    soci::statement statement =
        (session.prepare << "SELECT p.id, p.amount_minor - CAST(COALESCE((SELECT"
                            " SUM(a.amount_minor) FROM payment_allocations a"
                            " WHERE a.payment_id = p.id), 0) AS BIGINT)"
                            " FROM payments p WHERE p.customer_id = :c"
                            " ORDER BY p.received_on, p.id",
         soci::use(customer_id), soci::into(payment_id), soci::into(left));
    statement.execute();
    while (statement.fetch()) {
      if (left > 0) credits.emplace_back(payment_id, left);
    }
    if (credits.empty()) return applied;
    auto invoices = open_invoices(session, customer_id, utc_date_of(clock.now()));
    if (!invoices.ok()) return Error{invoices.failure()};
    std::size_t next_credit = 0;
    for (const auto& invoice : *invoices) {
      long long due = invoice.undisputed_minor();
      while (due > 0 && next_credit < credits.size()) {
        auto& [credit_payment, credit_left] = credits[next_credit];
        const long long amount = std::min(due, credit_left);
        auto added = add_allocation(session, credit_payment, invoice.id, amount);
        if (!added.ok()) return Error{added.failure()};
        applied.push_back({credit_payment, invoice.invoice_number, amount});
        due -= amount;
        credit_left -= amount;
        if (credit_left == 0) ++next_credit;
      }
    }
    AuditLog audit(session, clock);
    for (const auto& item : applied) {
      AuditEntry entry;
      entry.actor_user_id = actor_user_id;
      entry.entity_type = "payment";
      entry.entity_id = std::to_string(item.payment_id);
      entry.action = "allocate";
      entry.reason = "applied to the oldest open invoice";
      entry.details = nlohmann::json{{"invoice_number", item.invoice_number},
                                     {"amount_minor", item.amount_minor}}
                          .dump();
      auto appended = audit.append(entry);
      if (!appended.ok()) return Error{appended.failure()};
    }
    return applied;
  });
}

}  // namespace candela::control

// Payments: recording (validated field by field, then allocated and audited), reading, listing.
#include "control/payments.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "control/audit_log.hpp"
#include "control/collections.hpp"
#include "control/customer_terms.hpp"
#include "control/payment_access.hpp"
#include "control/payment_allocation.hpp"
#include "control/principal_audit.hpp"
#include "control/store_guard.hpp"
#include "control/text_rules.hpp"

namespace candela::control {
namespace {

constexpr std::string_view kMethodNames[] = {"eft", "wire", "check", "card"};

using FieldErrors = std::vector<std::pair<std::string, std::string>>;

// A note may span lines; nothing else of the C0 controls.
bool is_note_text(std::string_view text) {
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    if (!is_printable_text(text.substr(start, end - start))) return false;
    start = end + 1;
  }
  return true;
}

struct InvoiceRef {
  long long id = 0;
  long long outstanding_minor = 0;
};

std::optional<InvoiceRef> customer_invoice(soci::session& session, long long customer_id,
                                           const std::string& invoice_number) {
  InvoiceRef invoice;
  long long charges = 0, paid = 0;
  session << "SELECT i.id, i.new_charges_minor, CAST(COALESCE((SELECT SUM(a.amount_minor)"
             " FROM payment_allocations a WHERE a.invoice_id = i.id), 0) AS BIGINT)"
             " FROM invoices i WHERE i.customer_id = :c AND i.invoice_number = :n",
      soci::use(customer_id), soci::use(invoice_number), soci::into(invoice.id),
      soci::into(charges), soci::into(paid);
  if (!session.got_data()) return std::nullopt;
  invoice.outstanding_minor = std::max(0LL, charges - paid);
  return invoice;
}

void check_fields(const NewPayment& payment, const CivilDate& today, FieldErrors& fields) {
  const auto method = parse_payment_method(payment.method);
  if (!method) fields.emplace_back("/method", "must be one of eft, wire, check, card");
  if (payment.reference.size() > Payments::kMaxReferenceLength ||
      !is_printable_text(payment.reference)) {
    fields.emplace_back("/reference", "must be at most " +
                                          std::to_string(Payments::kMaxReferenceLength) +
                                          " characters without control characters");
  } else if (method == PaymentMethod::kEft &&
             payment.reference.find_first_not_of(' ') == std::string::npos) {
    fields.emplace_back("/reference", "an EFT payment needs the transfer reference");
  }
  if (payment.amount_minor <= 0 || payment.amount_minor > Payments::kMaxAmountMinor) {
    fields.emplace_back("/amount_minor",
                        "must be a whole number of minor units from 1 to 10000000000000");
  }
  const auto received = parse_civil_date(payment.received_on);
  if (!received) {
    fields.emplace_back("/received_on", "must be a date such as \"2026-12-03\"");
  } else if (*received > today) {
    fields.emplace_back("/received_on",
                        "cannot be after today (" + format_civil_date(today) + ", UTC)");
  }
  if (payment.note.size() > Payments::kMaxNoteLength || !is_note_text(payment.note)) {
    fields.emplace_back("/note", "must be at most " + std::to_string(Payments::kMaxNoteLength) +
                                     " characters without control characters");
  }
}

}  // namespace

std::string_view payment_method_name(PaymentMethod method) {
  return kMethodNames[static_cast<int>(method)];
}

std::optional<PaymentMethod> parse_payment_method(std::string_view name) {
  for (int i = 0; i < 4; ++i) {
    if (kMethodNames[i] == name) return static_cast<PaymentMethod>(i);
  }
  return std::nullopt;
}

Result<Payment> Payments::load(long long id) {
  Payment payment;
  long long customer_id = 0, recorded_by = 0, created_at = 0;
  soci::indicator recorded_ind = soci::i_null;
  std::string method, received_on;
  session_ << "SELECT p.id, p.customer_id, c.customer_number, c.name, p.method, p.reference,"
              " p.amount_minor, p.received_on, p.note, p.recorded_by, COALESCE(u.name, ''),"
              " p.created_at FROM payments p JOIN customers c ON c.id = p.customer_id"
              " LEFT JOIN users u ON u.id = p.recorded_by WHERE p.id = :id",
      soci::use(id), soci::into(payment.id), soci::into(customer_id),
      soci::into(payment.customer_number), soci::into(payment.customer_name), soci::into(method),
      soci::into(payment.reference), soci::into(payment.amount_minor), soci::into(received_on),
      soci::into(payment.note), soci::into(recorded_by, recorded_ind),
      soci::into(payment.recorded_by_name), soci::into(created_at);
  if (!session_.got_data()) {
    return Error{"there is no payment " + std::to_string(id), ErrorKind::kNotFound};
  }
  payment.method = parse_payment_method(method).value_or(PaymentMethod::kEft);
  payment.received_on = parse_civil_date(received_on).value_or(CivilDate{});
  if (recorded_ind == soci::i_ok) payment.recorded_by_user_id = recorded_by;
  payment.created_at = from_epoch_ms(created_at);
  PaymentAllocation allocation;
  soci::statement statement =
      (session_.prepare << "SELECT i.invoice_number, a.amount_minor FROM payment_allocations a"
                           " JOIN invoices i ON i.id = a.invoice_id WHERE a.payment_id = :p"
                           " ORDER BY i.issue_date, i.id",
       soci::use(id), soci::into(allocation.invoice_number), soci::into(allocation.amount_minor));
  statement.execute();
  long long allocated = 0;
  while (statement.fetch()) {
    payment.allocations.push_back(allocation);
    allocated += allocation.amount_minor;
  }
  payment.unapplied_minor = payment.amount_minor - allocated;
  auto terms = CustomerTermsStore(session_, clock_).for_customer_id(customer_id);
  if (!terms.ok()) return Error{terms.failure()};
  payment.currency = terms->currency;
  return payment;
}

Result<Payment> Payments::record(const Principal& principal, const NewPayment& payment) {
  return guarded("could not record the payment", [&]() -> Result<Payment> {
    FieldErrors fields;
    std::optional<BillingCustomer> customer;
    if (!principal.has_provider_role(Role::kBillingCoordinator)) {
      auto refused = payable_billing_customer(session_, principal, payment.customer_number);
      if (!refused.ok()) return Error{refused.failure()};
      return Error{"only a billing coordinator records payments", ErrorKind::kForbidden};
    }
    auto found = find_billing_customer(session_, payment.customer_number);
    if (found.ok()) {
      customer = *found;
    } else {
      fields.emplace_back("/customer_number",
                          "there is no customer \"" + payment.customer_number + "\"");
    }
    const CivilDate today = utc_date_of(clock_.now());
    check_fields(payment, today, fields);

    std::vector<std::pair<InvoiceRef, long long>> named;
    if (payment.allocations) {
      std::set<std::string> seen;
      long long total = 0;
      for (std::size_t i = 0; i < payment.allocations->size(); ++i) {
        const auto& allocation = (*payment.allocations)[i];
        const std::string at = "/allocations/" + std::to_string(i);
        std::optional<InvoiceRef> invoice;
        if (!seen.insert(allocation.invoice_number).second) {
          fields.emplace_back(at + "/invoice_number", "names an invoice a second time");
        } else if (customer) {
          invoice = customer_invoice(session_, customer->id, allocation.invoice_number);
          if (!invoice) {
            fields.emplace_back(at + "/invoice_number", "\"" + allocation.invoice_number +
                                                            "\" is not an invoice of " +
                                                            customer->customer_number);
          }
        }
        if (allocation.amount_minor <= 0 || allocation.amount_minor > kMaxAmountMinor) {
          fields.emplace_back(at + "/amount_minor",
                              "must be a whole number of minor units from 1 to 10000000000000");
        } else if (invoice && allocation.amount_minor > invoice->outstanding_minor) {
          fields.emplace_back(at + "/amount_minor",
                              "is more than the " + std::to_string(invoice->outstanding_minor) +
                                  " outstanding on " + allocation.invoice_number);
        } else {
          total += allocation.amount_minor;
        }
        if (invoice) named.emplace_back(*invoice, allocation.amount_minor);
      }
      if (payment.amount_minor > 0 && total > payment.amount_minor) {
        fields.emplace_back("/allocations", "the allocations add up to more than the payment");
      }
    }
    if (!fields.empty()) {
      return Error{"the payment has invalid fields", ErrorKind::kInvalid, std::move(fields)};
    }

    const long long now = to_epoch_ms(clock_.now());
    const std::optional<long long> recorder = acting_user_id(principal);
    soci::indicator recorder_ind = recorder ? soci::i_ok : soci::i_null;
    const long long recorder_id = recorder.value_or(0);
    const std::string method(payment_method_name(*parse_payment_method(payment.method)));
    long long id = 0;
    session_ << "INSERT INTO payments (customer_id, method, reference, amount_minor, received_on,"
                " note, recorded_by, created_at) VALUES (:c, :m, :r, :a, :d, :n, :by, :at)"
                " RETURNING id",
        soci::use(customer->id), soci::use(method), soci::use(payment.reference),
        soci::use(payment.amount_minor), soci::use(payment.received_on), soci::use(payment.note),
        soci::use(recorder_id, recorder_ind), soci::use(now), soci::into(id);
    for (const auto& [invoice, amount] : named) {
      auto added = add_allocation(session_, id, invoice.id, amount);
      if (!added.ok()) return Error{added.failure()};
    }
    auto applied = apply_unapplied(session_, clock_, customer->id, recorder);
    if (!applied.ok()) return Error{applied.failure()};
    auto stored = load(id);
    if (!stored.ok()) return stored;

    AuditEntry entry = audit_entry(principal, "payment", std::to_string(id), "record");
    entry.reason = payment.note;
    nlohmann::json allocations = nlohmann::json::array();
    for (const auto& allocation : stored->allocations)
      allocations.push_back({{"invoice_number", allocation.invoice_number},
                             {"amount_minor", allocation.amount_minor}});
    entry.details = nlohmann::json{{"customer_number", customer->customer_number},
                                   {"method", method},
                                   {"reference", payment.reference},
                                   {"amount_minor", payment.amount_minor},
                                   {"received_on", payment.received_on},
                                   {"allocations", allocations},
                                   {"unapplied_minor", stored->unapplied_minor}}
                        .dump();
    auto audited = AuditLog(session_, clock_).append(entry);
    if (!audited.ok()) return Error{audited.failure()};

    auto restored =
        Collections(session_, clock_)
            .restore_if_settled(customer->id, "payment " + std::to_string(id) + " received",
                                principal.name, recorder);
    if (!restored.ok()) return Error{restored.failure()};
    return stored;
  });
}

Result<Payment> Payments::get(const Principal& principal, long long id) {
  return guarded("could not read the payment", [&]() -> Result<Payment> {
    auto payment = load(id);
    if (!payment.ok()) return payment;
    auto allowed = readable_billing_customer(session_, principal, payment->customer_number);
    if (!allowed.ok()) {
      if (allowed.error_kind() == ErrorKind::kNotFound) {
        return Error{"there is no payment " + std::to_string(id), ErrorKind::kNotFound};
      }
      return Error{allowed.failure()};
    }
    return payment;
  });
}

Result<PaymentPage> Payments::list(const Principal& principal, const PaymentQuery& query) {
  return guarded("could not list the payments", [&]() -> Result<PaymentPage> {
    PaymentPage page;
    // Which customers: one named, every one for staff, or those of the organisations where the
    // principal holds the billing right.
    std::string where;
    if (query.customer_number) {
      auto customer = readable_billing_customer(session_, principal, *query.customer_number);
      if (!customer.ok()) return Error{customer.failure()};
      where = "p.customer_id = " + std::to_string(customer->id);
    } else if (!principal.is_provider()) {
      std::string groups;
      for (const auto& grant : principal.grants) {
        if ((grant.role == Role::kAdmin || grant.role == Role::kBilling) && grant.access_group_id) {
          groups += (groups.empty() ? "" : ", ") + std::to_string(*grant.access_group_id);
        }
      }
      if (groups.empty()) return page;
      where =
          "p.customer_id IN (SELECT id FROM customers WHERE organisation_id IN (" + groups + "))";
    } else {
      where = "1 = 1";
    }
    const int limit = std::clamp(query.limit, 1, kMaxPageSize);
    const long long before = query.before_id.value_or(std::numeric_limits<long long>::max());
    const int fetch = limit + 1;
    std::vector<long long> ids;
    long long id = 0;
    soci::statement statement =
        (session_.prepare << "SELECT p.id FROM payments p WHERE " + where +
                                 " AND p.id < :before ORDER BY p.id DESC LIMIT :n",
         soci::use(before), soci::use(fetch), soci::into(id));
    statement.execute();
    while (statement.fetch())
      ids.push_back(id);
    if (static_cast<int>(ids.size()) > limit) {
      ids.pop_back();
      page.next_before = ids.back();
    }
    for (const long long payment_id : ids) {
      auto payment = load(payment_id);
      if (!payment.ok()) return Error{payment.failure()};
      page.payments.push_back(std::move(payment).value());
    }
    return page;
  });
}

}  // namespace candela::control

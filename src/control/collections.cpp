// Collections: warnings, final warnings, suspension for non-payment and restoration.
#include "control/collections.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "common/money.hpp"
#include "control/audit_log.hpp"
#include "control/collection_notices.hpp"
#include "control/customer_terms.hpp"
#include "control/payment_access.hpp"
#include "control/payment_allocation.hpp"
#include "control/services.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

Status audit_step(soci::session& session, const Clock& clock, const BillingCustomer& customer,
                  const std::string& action, const std::string& reason,
                  std::optional<long long> actor_user_id, const nlohmann::json& details) {
  AuditEntry entry;
  entry.actor_user_id = actor_user_id;
  entry.entity_type = "customer";
  entry.entity_id = customer.customer_number;
  entry.action = action;
  entry.reason = reason;
  entry.details = details.dump();
  auto appended = AuditLog(session, clock).append(entry);
  if (!appended.ok()) return Error{appended.failure()};
  return std::monostate{};
}

bool step_taken(soci::session& session, long long invoice_id, const std::string& step) {
  int count = 0;
  session << "SELECT COUNT(*) FROM collection_steps WHERE invoice_id = :i AND step = :s",
      soci::use(invoice_id), soci::use(step), soci::into(count);
  return count > 0;
}

void record_step(soci::session& session, long long customer_id, long long invoice_id,
                 const std::string& step, long long at) {
  session << "INSERT INTO collection_steps (customer_id, invoice_id, step, at)"
             " VALUES (:c, :i, :s, :at)",
      soci::use(customer_id), soci::use(invoice_id), soci::use(step), soci::use(at);
}

std::string service_lines(const std::vector<std::string>& scids) {
  std::string text;
  for (const auto& scid : scids)
    text += (text.empty() ? "  SCID " : "\n  SCID ") + scid;
  return text;
}

}  // namespace

Result<long long> undisputed_overdue_minor(soci::session& session, long long customer_id,
                                           const CivilDate& today) {
  auto invoices = open_invoices(session, customer_id, today);
  if (!invoices.ok()) return Error{invoices.failure()};
  long long overdue = 0;
  for (const auto& invoice : *invoices) {
    if (invoice.days_past_due(today) > 0) overdue += invoice.undisputed_minor();
  }
  return overdue;
}

Result<std::vector<long long>> Collections::customers_to_check() {
  return guarded("could not list the customers to check", [&]() -> Result<std::vector<long long>> {
    std::vector<long long> ids;
    long long id = 0;
    soci::statement statement =
        (session_.prepare << "SELECT i.customer_id FROM invoices i WHERE i.new_charges_minor >"
                             " CAST(COALESCE((SELECT SUM(a.amount_minor) FROM payment_allocations a"
                             "  WHERE a.invoice_id = i.id), 0) AS BIGINT)"
                             " UNION SELECT customer_id FROM service_suspensions"
                             "  WHERE restored_at IS NULL"
                             " UNION SELECT p.customer_id FROM payments p WHERE p.amount_minor >"
                             " CAST(COALESCE((SELECT SUM(a.amount_minor) FROM payment_allocations a"
                             "  WHERE a.payment_id = p.id), 0) AS BIGINT)"
                             " ORDER BY 1",
         soci::into(id));
    statement.execute();
    while (statement.fetch())
      ids.push_back(id);
    return ids;
  });
}

Result<CollectionReport> Collections::run_customer(long long customer_id) {
  return guarded("could not run collections", [&]() -> Result<CollectionReport> {
    CollectionReport report;
    auto customer = billing_customer_by_id(session_, customer_id);
    if (!customer.ok()) return Error{customer.failure()};
    auto applied = apply_unapplied(session_, clock_, customer_id, std::nullopt);
    if (!applied.ok()) return Error{applied.failure()};
    for (const auto& item : *applied)
      report.applied_minor += item.amount_minor;
    auto terms = CustomerTermsStore(session_, clock_).for_customer_id(customer_id);
    if (!terms.ok()) return Error{terms.failure()};
    auto invoices = open_invoices(session_, customer_id, utc_date_of(clock_.now()));
    if (!invoices.ok()) return Error{invoices.failure()};
    auto recipients = collection_recipients(session_, customer_id);
    if (!recipients.ok()) return Error{recipients.failure()};

    const SysTime now = clock_.now();
    const long long now_ms = to_epoch_ms(now);
    const CivilDate today = utc_date_of(now);
    const InvoiceStanding* suspend_for = nullptr;
    for (const auto& invoice : *invoices) {
      const long long days = invoice.days_past_due(today);
      const long long overdue = invoice.undisputed_minor();
      if (days <= 0 || overdue <= 0) continue;
      std::map<std::string, std::string> values = {
          {"customer_name", customer->name},
          {"customer_number", customer->customer_number},
          {"invoice_number", invoice.invoice_number},
          {"due_date", format_civil_date(invoice.due_date)},
          {"overdue_amount", format_money(overdue, terms->currency)},
          {"days_past_due", std::to_string(days)},
          {"suspend_on", format_civil_date(add_days(invoice.due_date, terms->suspend_after_days))},
          {"portal_url",
           portal_url_.empty() ? "the portal's Billing section" : portal_url_ + "/billing"},
      };
      const nlohmann::json details = {{"invoice_number", invoice.invoice_number},
                                      {"overdue_minor", overdue},
                                      {"days_past_due", days}};
      struct Step {
        const char* name;
        int after_days;
        const NotificationTemplate* notice;
        int* counter;
      };
      const Step steps[] = {
          {"warning", terms->warning_after_days, &kPaymentWarningNotice, &report.warnings},
          {"final_warning", terms->final_warning_after_days, &kFinalWarningNotice,
           &report.final_warnings},
      };
      for (const auto& step : steps) {
        if (days < step.after_days || step_taken(session_, invoice.id, step.name)) continue;
        record_step(session_, customer_id, invoice.id, step.name, now_ms);
        Notice notice{step.notice,
                      values,
                      {},
                      "invoice",
                      invoice.invoice_number,
                      std::string("collections:") + step.name + ":" + invoice.invoice_number};
        auto sent = Notifier(session_, clock_).notify(notice, *recipients);
        if (!sent.ok()) return Error{sent.failure()};
        auto audited = audit_step(
            session_, clock_, *customer, std::string("collection_") + step.name,
            "invoice " + invoice.invoice_number + " is " + std::to_string(days) + " days past due",
            std::nullopt, details);
        if (!audited.ok()) return Error{audited.failure()};
        ++*step.counter;
      }
      if (days >= terms->suspend_after_days && suspend_for == nullptr) suspend_for = &invoice;
    }

    int open_suspensions = 0;
    session_ << "SELECT COUNT(*) FROM service_suspensions WHERE customer_id = :c"
                " AND restored_at IS NULL",
        soci::use(customer_id), soci::into(open_suspensions);
    if (suspend_for != nullptr && open_suspensions == 0) {
      std::vector<std::string> scids;
      std::string scid;
      soci::statement statement =
          (session_.prepare << "SELECT scid FROM services WHERE customer_id = :c"
                               " AND state = 'active' ORDER BY scid",
           soci::use(customer_id), soci::into(scid));
      statement.execute();
      while (statement.fetch())
        scids.push_back(scid);
      if (scids.empty()) return report;
      const std::string reason = "non-payment: " + suspend_for->invoice_number;
      Services services(session_, clock_);
      for (const auto& service : scids) {
        auto suspended = services.apply_state(service, ServiceState::kSuspended, reason,
                                              "collections", std::nullopt);
        if (!suspended.ok()) return Error{suspended.failure()};
        session_ << "INSERT INTO service_suspensions (scid, customer_id, invoice_id, suspended_at)"
                    " VALUES (:s, :c, :i, :at)",
            soci::use(service), soci::use(customer_id), soci::use(suspend_for->id),
            soci::use(now_ms);
      }
      record_step(session_, customer_id, suspend_for->id, "suspended", now_ms);
      const long long days = suspend_for->days_past_due(today);
      const long long overdue = suspend_for->undisputed_minor();
      Notice notice{&kServiceSuspendedNotice,
                    {{"customer_name", customer->name},
                     {"customer_number", customer->customer_number},
                     {"invoice_number", suspend_for->invoice_number},
                     {"due_date", format_civil_date(suspend_for->due_date)},
                     {"overdue_amount", format_money(overdue, terms->currency)},
                     {"days_past_due", std::to_string(days)},
                     {"services", service_lines(scids)},
                     {"portal_url", portal_url_.empty() ? "the portal's Billing section"
                                                        : portal_url_ + "/billing"}},
                    {},
                    "invoice",
                    suspend_for->invoice_number,
                    ""};
      auto sent = Notifier(session_, clock_).notify(notice, *recipients);
      if (!sent.ok()) return Error{sent.failure()};
      auto audited =
          audit_step(session_, clock_, *customer, "collection_suspend", reason, std::nullopt,
                     {{"invoice_number", suspend_for->invoice_number},
                      {"overdue_minor", overdue},
                      {"days_past_due", days},
                      {"services", scids}});
      if (!audited.ok()) return Error{audited.failure()};
      report.suspended_services = static_cast<int>(scids.size());
      return report;
    }
    auto restored = restore_if_settled(customer_id, "no undisputed amount is overdue any more",
                                       "collections", std::nullopt);
    if (!restored.ok()) return Error{restored.failure()};
    report.restored_services = *restored;
    return report;
  });
}

Result<int> Collections::restore_if_settled(long long customer_id, const std::string& why,
                                            const std::string& actor,
                                            std::optional<long long> actor_user_id) {
  return guarded("could not restore services", [&]() -> Result<int> {
    struct Open {
      long long id;
      std::string scid;
      long long invoice_id;
    };
    std::vector<Open> open;
    Open row{};
    soci::statement statement =
        (session_.prepare << "SELECT id, scid, invoice_id FROM service_suspensions"
                             " WHERE customer_id = :c AND restored_at IS NULL ORDER BY id",
         soci::use(customer_id), soci::into(row.id), soci::into(row.scid),
         soci::into(row.invoice_id));
    statement.execute();
    while (statement.fetch())
      open.push_back(row);
    if (open.empty()) return 0;
    const SysTime now = clock_.now();
    auto overdue = undisputed_overdue_minor(session_, customer_id, utc_date_of(now));
    if (!overdue.ok()) return Error{overdue.failure()};
    if (*overdue > 0) return 0;
    auto customer = billing_customer_by_id(session_, customer_id);
    if (!customer.ok()) return Error{customer.failure()};
    const long long now_ms = to_epoch_ms(now);
    Services services(session_, clock_);
    std::vector<std::string> restored;
    std::vector<long long> invoices;
    for (const auto& suspension : open) {
      std::string state;
      session_ << "SELECT state FROM services WHERE scid = :s", soci::use(suspension.scid),
          soci::into(state);
      // A service someone disconnected (or already reactivated) meanwhile stays as it is.
      if (state == "suspended") {
        auto active =
            services.apply_state(suspension.scid, ServiceState::kActive,
                                 "restored after non-payment: " + why, actor, actor_user_id);
        if (!active.ok()) return Error{active.failure()};
        restored.push_back(suspension.scid);
      }
      session_ << "UPDATE service_suspensions SET restored_at = :at WHERE id = :id",
          soci::use(now_ms), soci::use(suspension.id);
      if (std::find(invoices.begin(), invoices.end(), suspension.invoice_id) == invoices.end()) {
        invoices.push_back(suspension.invoice_id);
        record_step(session_, customer_id, suspension.invoice_id, "restored", now_ms);
      }
    }
    if (!restored.empty()) {
      auto recipients = collection_recipients(session_, customer_id);
      if (!recipients.ok()) return Error{recipients.failure()};
      Notice notice{&kServiceRestoredNotice,
                    {{"customer_name", customer->name},
                     {"customer_number", customer->customer_number},
                     {"services", service_lines(restored)},
                     {"reason", why}},
                    {},
                    "customer",
                    customer->customer_number,
                    ""};
      auto sent = Notifier(session_, clock_).notify(notice, *recipients);
      if (!sent.ok()) return Error{sent.failure()};
    }
    auto audited = audit_step(session_, clock_, *customer, "collection_restore", why, actor_user_id,
                              {{"services", restored}, {"actor", actor}});
    if (!audited.ok()) return Error{audited.failure()};
    return static_cast<int>(restored.size());
  });
}

}  // namespace candela::control

// The billing run: invoices for a calendar month, each written with its lines, adjustments,
// NRC marks, audit entry and delivery records in the run's transaction.
#include "control/billing_run.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "common/ids.hpp"
#include "common/money.hpp"
#include "control/audit_log.hpp"
#include "control/billing_adjustments.hpp"
#include "control/customer_terms.hpp"
#include "control/database.hpp"
#include "control/principal_audit.hpp"
#include "control/proration.hpp"
#include "control/reference_numbers.hpp"
#include "control/service_items.hpp"
#include "control/store_guard.hpp"
#include "control/usage_reports.hpp"

namespace candela::control {
namespace {

struct CustomerRow {
  long long id = 0;
  std::string number;
  std::string name;
  InvoiceAddress address;
  DeliveryPreference preference;
};

Result<std::optional<CustomerRow>> load_customer(soci::session& session, long long id) {
  CustomerRow row;
  std::string email;
  soci::indicator email_ind = soci::i_null;
  long long organisation = 0;
  soci::indicator organisation_ind = soci::i_null;
  session << "SELECT id, customer_number, name, billing_address_line1, billing_address_line2,"
             " billing_city, billing_postal_code, billing_region, country, invoice_delivery,"
             " invoice_email, organisation_id FROM customers WHERE id = :id",
      soci::use(id), soci::into(row.id), soci::into(row.number), soci::into(row.name),
      soci::into(row.address.line1), soci::into(row.address.line2), soci::into(row.address.city),
      soci::into(row.address.postal_code), soci::into(row.address.region),
      soci::into(row.preference.country), soci::into(row.preference.invoice_delivery),
      soci::into(email, email_ind), soci::into(organisation, organisation_ind);
  if (!session.got_data()) return std::optional<CustomerRow>();
  row.address.name = row.name;
  row.address.country = row.preference.country;
  if (email_ind == soci::i_ok) row.preference.invoice_email = email;
  if (organisation_ind == soci::i_ok) row.preference.organisation_id = organisation;
  return std::optional<CustomerRow>(std::move(row));
}

std::string product_name(const ServiceItem& item) {
  const Product* product = find_product(item.terms.product);
  std::string name = product ? product->name : item.terms.product;
  if (!item.terms.description.empty() && item.terms.description != name) {
    name += " - " + item.terms.description;
  }
  return name;
}

std::string day_range(const CivilDate& from, const CivilDate& to) {
  return format_civil_date(from) + " to " + format_civil_date(to);
}

// The lines of one customer's invoice, numbered in order: MRC per item, NRC, usage,
// adjustments.
class LineBuilder {
 public:
  void add(InvoiceLine line) {
    line.line_number = static_cast<int>(lines_.size()) + 1;
    total_ += line.amount_minor;
    lines_.push_back(std::move(line));
  }
  std::vector<InvoiceLine>& lines() { return lines_; }
  long long total() const { return total_; }

 private:
  std::vector<InvoiceLine> lines_;
  long long total_ = 0;
};

// INSERTs of invoice lines through one statement prepared per run (preparing costs more than
// running it).
class LineInserter {
 public:
  explicit LineInserter(soci::session& session)
      : statement_((session.prepare << "INSERT INTO invoice_lines (invoice_id, line_number, kind,"
                                       " scid, item_id, description, quantity, period_from,"
                                       " period_to, amount_minor)"
                                       " VALUES (:i, :n, :k, :s, :item, :d, :q, :f, :t, :a)",
                    soci::use(invoice_id_), soci::use(line_number_), soci::use(kind_),
                    soci::use(scid_, scid_ind_), soci::use(item_, item_ind_),
                    soci::use(description_), soci::use(quantity_), soci::use(from_, from_ind_),
                    soci::use(to_, to_ind_), soci::use(amount_))) {}

  void insert(long long invoice_id, const InvoiceLine& line) {
    invoice_id_ = invoice_id;
    line_number_ = line.line_number;
    kind_ = std::string(invoice_line_kind_name(line.kind));
    scid_ = line.scid.value_or("");
    scid_ind_ = line.scid ? soci::i_ok : soci::i_null;
    item_ = line.item_id.value_or(0);
    item_ind_ = line.item_id ? soci::i_ok : soci::i_null;
    description_ = line.description;
    quantity_ = line.quantity;
    from_ = line.period_from ? format_civil_date(*line.period_from) : "";
    from_ind_ = line.period_from ? soci::i_ok : soci::i_null;
    to_ = line.period_to ? format_civil_date(*line.period_to) : "";
    to_ind_ = line.period_to ? soci::i_ok : soci::i_null;
    amount_ = line.amount_minor;
    statement_.execute(true);
  }

 private:
  long long invoice_id_ = 0;
  int line_number_ = 0;
  std::string kind_, scid_, description_, quantity_, from_, to_;
  long long item_ = 0;
  long long amount_ = 0;
  soci::indicator scid_ind_ = soci::i_null, item_ind_ = soci::i_null, from_ind_ = soci::i_null,
                  to_ind_ = soci::i_null;
  soci::statement statement_;
};

// Bytes sent to clients by a service over whole days: the per-service day rollups that
// UsageReports::service_summary totals, read through one statement prepared per run (a run reads
// them for every per-GB item; service_summary also computes the 95th percentile, which per-GB
// plans do not use).
class DayBytes {
 public:
  explicit DayBytes(soci::session& session)
      : statement_((session.prepare << "SELECT CAST(COALESCE(SUM(bytes), 0) AS BIGINT)"
                                       " FROM usage_service_day WHERE scid = :s"
                                       " AND bucket >= :f AND bucket < :t",
                    soci::into(bytes_), soci::use(scid_), soci::use(from_), soci::use(to_))) {}

  long long operator()(const std::string& scid, long long from, long long to) {
    scid_ = scid;
    from_ = from;
    to_ = to;
    bytes_ = 0;
    statement_.execute(true);
    return bytes_;
  }

 private:
  std::string scid_;
  long long from_ = 0, to_ = 0, bytes_ = 0;
  soci::statement statement_;
};

InvoiceLineKind line_kind_of(AdjustmentKind kind) {
  switch (kind) {
    case AdjustmentKind::kEarlyTermination:
      return InvoiceLineKind::kEarlyTermination;
    case AdjustmentKind::kCredit:
      return InvoiceLineKind::kCredit;
    case AdjustmentKind::kCharge:
      return InvoiceLineKind::kCharge;
  }
  return InvoiceLineKind::kCharge;
}

// One customer's invoice for `period`: nullopt when there is nothing to bill.
class InvoiceWriter {
 public:
  InvoiceWriter(soci::session& session, const Clock& clock, const Principal& actor,
                const InvoiceDeliverySettings& settings, BillingMonth period, long long run_id)
      : session_(session),
        clock_(clock),
        actor_(actor),
        settings_(settings),
        period_(period),
        run_id_(run_id),
        lines_(session),
        day_bytes_(session) {}

  Result<std::optional<std::string>> write(long long customer_id) {
    ServiceItems items_store(session_, clock_);
    Result<std::vector<ServiceItem>> items = items_store.billable(customer_id, period_);
    if (!items.ok()) return items.failure();
    Result<std::vector<Adjustment>> adjustments = unbilled_adjustments(session_, customer_id);
    if (!adjustments.ok()) return adjustments.failure();
    // Only adjustments made before the end of the period belong on its invoice.
    const SysTime period_end = start_of_day(first_day(next_month(period_)));
    std::erase_if(*adjustments, [&](const Adjustment& a) { return a.created_at >= period_end; });
    if (items->empty() && adjustments->empty()) return std::optional<std::string>();

    Result<std::optional<CustomerRow>> customer = load_customer(session_, customer_id);
    if (!customer.ok()) return customer.failure();
    if (!customer->has_value()) {
      return Error{"customer " + std::to_string(customer_id) + " vanished", ErrorKind::kInternal};
    }
    Result<CustomerTerms> terms = CustomerTermsStore(session_, clock_).for_customer_id(customer_id);
    if (!terms.ok()) return terms.failure();
    currency_ = terms->currency;

    std::sort(items->begin(), items->end(), [](const ServiceItem& a, const ServiceItem& b) {
      return std::tie(a.scid, a.start_date, a.id) < std::tie(b.scid, b.start_date, b.id);
    });
    LineBuilder lines;
    std::vector<long long> nrc_items;
    add_recurring(*items, lines);
    add_one_time(*items, lines, nrc_items);
    if (Status usage = add_usage(*items, lines); !usage.ok()) return usage.failure();
    for (const Adjustment& adjustment : *adjustments) {
      InvoiceLine line;
      line.kind = line_kind_of(adjustment.kind);
      line.scid = adjustment.scid;
      line.description = adjustment.description;
      if (!adjustment.source_reference.empty()) {
        line.description += " (" + adjustment.source_reference + ")";
      }
      line.amount_minor = adjustment.amount_minor;
      lines.add(std::move(line));
    }
    return store(**customer, *terms, lines, nrc_items, *adjustments);
  }

 private:
  void add_recurring(const std::vector<ServiceItem>& items, LineBuilder& lines) {
    for (const ServiceItem& item : items) {
      if (item.terms.mrc_minor == 0) continue;
      const ProratedCharge charge =
          prorate_monthly(item.terms.mrc_minor, period_, item.start_date, item.end_date);
      if (charge.days_in_service <= 0) continue;
      InvoiceLine line;
      line.kind = InvoiceLineKind::kMrc;
      line.scid = item.scid;
      line.item_id = item.id;
      line.description = "Monthly charge: " + product_name(item) + ", SCID " + item.scid + ", " +
                         day_range(charge.from, charge.to) + " (" +
                         std::to_string(charge.days_in_service) + " of " +
                         std::to_string(charge.days_in_month) + " days)";
      line.quantity = std::to_string(charge.days_in_service) + "/" +
                      std::to_string(charge.days_in_month) + " days of " +
                      format_money(item.terms.mrc_minor, currency_);
      line.period_from = charge.from;
      line.period_to = charge.to;
      line.amount_minor = charge.amount_minor;
      lines.add(std::move(line));
    }
  }

  void add_one_time(const std::vector<ServiceItem>& items, LineBuilder& lines,
                    std::vector<long long>& nrc_items) {
    const CivilDate last = last_day(period_);
    for (const ServiceItem& item : items) {
      if (!item.nrc_due || item.start_date > last) continue;
      nrc_items.push_back(item.id);
      if (item.terms.nrc_minor == 0) continue;
      InvoiceLine line;
      line.kind = InvoiceLineKind::kNrc;
      line.scid = item.scid;
      line.item_id = item.id;
      line.description = "One-time charge: " + product_name(item) + ", SCID " + item.scid +
                         ", order " + item.order_number;
      line.quantity = "1";
      line.period_from = item.start_date;
      line.amount_minor = item.terms.nrc_minor;
      lines.add(std::move(line));
    }
  }

  Status add_usage(const std::vector<ServiceItem>& items, LineBuilder& lines) {
    UsageReports usage(session_, clock_);
    for (const ServiceItem& item : items) {
      const UsagePlan& plan = item.terms.usage_plan;
      if (plan.kind == UsagePlanKind::kNone) continue;
      // The billed days of this item in the period (the same days as its MRC).
      const ProratedCharge days = prorate_monthly(0, period_, item.start_date, item.end_date);
      if (days.days_in_service <= 0) continue;
      const long long from = to_epoch_ms(start_of_day(days.from));
      const long long to = to_epoch_ms(start_of_day(add_days(days.to, 1)));
      std::vector<UsageChargeLine> charges;
      if (plan.kind == UsagePlanKind::kPerGb) {
        charges = per_gb_charges(plan, day_bytes_(item.scid, from, to), currency_);
      } else {
        Result<UsageSummary> summary = usage.service_summary(item.scid, from, to);
        if (!summary.ok()) return summary.failure();
        if (auto overage = p95_overage_charge(plan, summary->p95_bps, currency_)) {
          charges.push_back(*overage);
        }
      }
      for (UsageChargeLine& charge : charges) {
        InvoiceLine line;
        line.kind = InvoiceLineKind::kUsage;
        line.scid = item.scid;
        line.item_id = item.id;
        line.description = "Usage: " + product_name(item) + ", SCID " + item.scid + ", " +
                           day_range(days.from, days.to) + ": " + charge.description;
        line.quantity = std::move(charge.quantity);
        line.period_from = days.from;
        line.period_to = days.to;
        line.amount_minor = charge.amount_minor;
        lines.add(std::move(line));
      }
    }
    return ok_status();
  }

  Result<std::optional<std::string>> store(const CustomerRow& customer, const CustomerTerms& terms,
                                           LineBuilder& lines,
                                           const std::vector<long long>& nrc_items,
                                           const std::vector<Adjustment>& adjustments) {
    const SysTime now = clock_.now();
    const CivilDate issue = utc_date_of(now);
    const CivilDate due = add_days(issue, terms.payment_terms_days);
    const std::string period_text = format_billing_month(period_);
    const std::string issue_text = format_civil_date(issue);

    // The balance carried over and the payments received since the previous invoice.
    long long previous_balance = 0;
    std::string previous_issue;
    session_ << "SELECT amount_due_minor, issue_date FROM invoices WHERE customer_id = :c"
                " AND period < :p ORDER BY period DESC LIMIT 1",
        soci::use(customer.id), soci::use(period_text), soci::into(previous_balance),
        soci::into(previous_issue);
    const bool has_previous = session_.got_data();
    if (!has_previous) previous_balance = 0;
    long long payments = 0;
    if (has_previous) {
      session_ << "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM payments"
                  " WHERE customer_id = :c AND received_on > :prev AND received_on <= :issue",
          soci::use(customer.id), soci::use(previous_issue), soci::use(issue_text),
          soci::into(payments);
    } else {
      session_ << "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM payments"
                  " WHERE customer_id = :c AND received_on <= :issue",
          soci::use(customer.id), soci::use(issue_text), soci::into(payments);
    }

    Result<std::string> number = next_reference(session_, ReferenceKind::kInvoice, now);
    if (!number.ok()) return number.failure();
    const long long new_charges = lines.total();
    const long long amount_due = previous_balance - payments + new_charges;
    const std::string due_text = format_civil_date(due);
    const std::string address = invoice_address_to_json(customer.address).dump();
    const long long created_at = to_epoch_ms(now);
    long long invoice_id = 0;
    session_ << "INSERT INTO invoices (invoice_number, customer_id, period, issue_date, due_date,"
                " currency, previous_balance_minor, payments_minor, new_charges_minor,"
                " amount_due_minor, billing_address, created_at, run_id)"
                " VALUES (:n, :c, :p, :i, :d, :cur, :prev, :pay, :new, :due, :addr, :at, :run)"
                " RETURNING id",
        soci::use(*number), soci::use(customer.id), soci::use(period_text), soci::use(issue_text),
        soci::use(due_text), soci::use(terms.currency), soci::use(previous_balance),
        soci::use(payments), soci::use(new_charges), soci::use(amount_due), soci::use(address),
        soci::use(created_at), soci::use(run_id_), soci::into(invoice_id);
    for (const InvoiceLine& line : lines.lines())
      lines_.insert(invoice_id, line);
    ServiceItems items_store(session_, clock_);
    for (const long long item : nrc_items) {
      if (Status marked = items_store.mark_nrc_billed(item, *number); !marked.ok()) {
        return marked.failure();
      }
    }
    for (const Adjustment& adjustment : adjustments) {
      session_ << "UPDATE billing_adjustments SET invoice_id = :i WHERE id = :a"
                  " AND invoice_id IS NULL",
          soci::use(invoice_id), soci::use(adjustment.id);
    }

    AuditEntry entry = audit_entry(actor_, "invoice", *number, "issue");
    entry.to_state = "issued";
    entry.reason = "billing run for " + period_text;
    entry.details =
        nlohmann::json{{"customer_number", customer.number}, {"period", period_text},
                       {"lines", lines.lines().size()},      {"new_charges_minor", new_charges},
                       {"amount_due_minor", amount_due},     {"run_id", run_id_}}
            .dump();
    if (auto audited = AuditLog(session_, clock_).append(entry); !audited.ok()) {
      return audited.failure();
    }

    Result<Invoice> invoice = Invoices(session_, clock_).load(invoice_id);
    if (!invoice.ok()) return invoice.failure();
    auto delivered = deliver_invoice(session_, clock_, *invoice, customer.preference, settings_);
    if (!delivered.ok()) return delivered.failure();
    return std::optional<std::string>(*number);
  }

  soci::session& session_;
  const Clock& clock_;
  const Principal& actor_;
  const InvoiceDeliverySettings& settings_;
  BillingMonth period_;
  long long run_id_;
  std::string currency_ = "USD";
  LineInserter lines_;
  DayBytes day_bytes_;
};

// Customers with unbilled adjustments made before the end of `period`.
std::vector<long long> customers_with_adjustments(soci::session& session, BillingMonth period) {
  const long long end = to_epoch_ms(start_of_day(first_day(next_month(period))));
  std::vector<long long> out;
  soci::rowset<long long> rows =
      (session.prepare << "SELECT DISTINCT customer_id FROM billing_adjustments"
                          " WHERE invoice_id IS NULL AND created_at < :e ORDER BY customer_id",
       soci::use(end));
  for (const long long id : rows)
    out.push_back(id);
  return out;
}

}  // namespace

Result<BillingRunRecord> BillingRun::run(const Principal& principal, BillingMonth period,
                                         const std::optional<std::string>& customer_number) {
  if (!principal.has_provider_role(Role::kBillingCoordinator)) {
    return Error{"only a billing coordinator runs billing", ErrorKind::kForbidden};
  }
  return execute(principal, period, customer_number);
}

Result<BillingRunRecord> BillingRun::run_as_system(
    BillingMonth period, const std::optional<std::string>& customer_number) {
  return execute(system_principal(), period, customer_number);
}

Result<BillingRunRecord> BillingRun::execute(const Principal& actor, BillingMonth period,
                                             const std::optional<std::string>& customer_number) {
  const SysTime started = clock_.now();
  const CivilDate today = utc_date_of(started);
  if (period >= month_of(today) || period.year < 2000) {
    return Error{"the billing period must be a month that has ended",
                 ErrorKind::kInvalid,
                 {{"/period", "must be a month before " + format_billing_month(month_of(today)) +
                                  " (today is " + format_civil_date(today) + ")"}}};
  }
  return guarded("could not run billing", [&]() -> Result<BillingRunRecord> {
    BillingRunRecord record;
    record.period = period;
    record.customer_number = customer_number;
    record.requested_by = acting_user_id(actor);
    record.started_at = started;
    std::vector<long long> customers;
    std::optional<long long> only_customer;
    if (customer_number) {
      long long id = 0;
      session_ << "SELECT id FROM customers WHERE customer_number = :n",
          soci::use(*customer_number), soci::into(id);
      if (!session_.got_data()) {
        return Error{"no customer " + *customer_number,
                     ErrorKind::kInvalid,
                     {{"/customer_number", "no customer " + *customer_number}}};
      }
      only_customer = id;
      customers.push_back(id);
    } else {
      Result<std::vector<long long>> all = candidates(period);
      if (!all.ok()) return all.failure();
      customers = std::move(*all);
    }

    const std::string period_text = format_billing_month(period);
    const long long started_ms = to_epoch_ms(started);
    const long long requested = record.requested_by.value_or(0);
    soci::indicator requested_ind = record.requested_by ? soci::i_ok : soci::i_null;
    const long long customer_id = only_customer.value_or(0);
    soci::indicator customer_ind = only_customer ? soci::i_ok : soci::i_null;
    session_ << "INSERT INTO billing_runs (period, customer_id, requested_by, started_at)"
                " VALUES (:p, :c, :r, :s) RETURNING id",
        soci::use(period_text), soci::use(customer_id, customer_ind),
        soci::use(requested, requested_ind), soci::use(started_ms), soci::into(record.id);

    InvoiceWriter writer(session_, clock_, actor, settings_, period, record.id);
    for (const long long id : customers) {
      std::string existing;
      session_ << "SELECT invoice_number FROM invoices WHERE customer_id = :c AND period = :p",
          soci::use(id), soci::use(period_text), soci::into(existing);
      if (session_.got_data()) {
        record.existing.push_back(existing);
        continue;
      }
      Result<std::optional<std::string>> created = writer.write(id);
      if (!created.ok()) return created.failure();
      if (*created) record.created.push_back(**created);
    }
    record.invoices_created = static_cast<int>(record.created.size());
    record.invoices_existing = static_cast<int>(record.existing.size());
    record.finished_at = clock_.now();
    const long long finished_ms = to_epoch_ms(*record.finished_at);
    session_ << "UPDATE billing_runs SET finished_at = :f, invoices_created = :c,"
                " invoices_existing = :e WHERE id = :id",
        soci::use(finished_ms), soci::use(record.invoices_created),
        soci::use(record.invoices_existing), soci::use(record.id);

    AuditEntry entry = audit_entry(actor, "billing_run", std::to_string(record.id), "run");
    entry.reason = "billing run for " + period_text;
    entry.details =
        nlohmann::json{{"period", period_text},
                       {"customer_number", customer_number ? nlohmann::json(*customer_number)
                                                           : nlohmann::json(nullptr)},
                       {"created", record.created},
                       {"existing", record.existing}}
            .dump();
    if (auto audited = AuditLog(session_, clock_).append(entry); !audited.ok()) {
      return audited.failure();
    }
    return record;
  });
}

Result<BillingRunPage> BillingRun::list(const Principal& principal,
                                        std::optional<long long> before_id, int limit) {
  if (!principal.is_provider()) {
    return Error{"billing runs are for provider staff", ErrorKind::kForbidden};
  }
  if (limit < 1 || limit > kMaxPageSize) {
    return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
  }
  return guarded("could not list billing runs", [&]() -> Result<BillingRunPage> {
    BillingRunPage page;
    BillingRunRecord row;
    std::string period, customer;
    soci::indicator customer_ind = soci::i_null, requested_ind = soci::i_null,
                    finished_ind = soci::i_null;
    long long requested = 0, started = 0, finished = 0;
    const long long before = before_id.value_or(std::numeric_limits<long long>::max());
    const int fetch = limit + 1;
    soci::statement st =
        (session_.prepare << "SELECT r.id, r.period, c.customer_number, r.requested_by,"
                             " r.started_at, r.finished_at, r.invoices_created,"
                             " r.invoices_existing FROM billing_runs r"
                             " LEFT JOIN customers c ON c.id = r.customer_id"
                             " WHERE r.id < :b ORDER BY r.id DESC LIMIT :l",
         soci::use(before), soci::use(fetch), soci::into(row.id), soci::into(period),
         soci::into(customer, customer_ind), soci::into(requested, requested_ind),
         soci::into(started), soci::into(finished, finished_ind), soci::into(row.invoices_created),
         soci::into(row.invoices_existing));
    st.execute();
    while (st.fetch()) {
      BillingRunRecord out = row;
      out.period = parse_billing_month(period).value_or(BillingMonth{});
      out.customer_number =
          customer_ind == soci::i_ok ? std::optional<std::string>(customer) : std::nullopt;
      out.requested_by =
          requested_ind == soci::i_ok ? std::optional<long long>(requested) : std::nullopt;
      out.started_at = from_epoch_ms(started);
      out.finished_at = finished_ind == soci::i_ok ? std::optional<SysTime>(from_epoch_ms(finished))
                                                   : std::nullopt;
      page.runs.push_back(std::move(out));
    }
    if (page.runs.size() > static_cast<std::size_t>(limit)) {
      page.runs.resize(static_cast<std::size_t>(limit));
      page.next_before_id = page.runs.back().id;
    }
    return page;
  });
}

Result<std::vector<long long>> BillingRun::candidates(BillingMonth period) {
  Result<std::vector<long long>> billable =
      ServiceItems(session_, clock_).billable_customers(period);
  if (!billable.ok()) return billable.failure();
  std::set<long long> all(billable->begin(), billable->end());
  for (const long long id : customers_with_adjustments(session_, period))
    all.insert(id);
  return std::vector<long long>(all.begin(), all.end());
}

Result<std::vector<long long>> BillingRun::pending_customers(BillingMonth period) {
  return guarded("could not find customers to bill", [&]() -> Result<std::vector<long long>> {
    Result<std::vector<long long>> all = candidates(period);
    if (!all.ok()) return all.failure();
    const std::string text = format_billing_month(period);
    std::set<long long> invoiced;
    soci::rowset<long long> rows =
        (session_.prepare << "SELECT customer_id FROM invoices WHERE period = :p", soci::use(text));
    for (const long long id : rows)
      invoiced.insert(id);
    std::vector<long long> pending;
    for (const long long id : *all) {
      if (!invoiced.count(id)) pending.push_back(id);
    }
    return pending;
  });
}

}  // namespace candela::control

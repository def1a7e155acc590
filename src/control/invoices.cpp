// Invoices: reading issued invoices with their lines, deliveries, payments and disputes, and the
// tenancy rule for who may read them.
#include "control/invoices.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <deque>

#include "control/authorization.hpp"
#include "control/billing_disputes.hpp"
#include "control/database.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

constexpr std::array<std::string_view, 6> kLineKinds = {"mrc", "nrc",    "usage",
                                                        "etc", "credit", "charge"};
constexpr std::array<std::string_view, 3> kStatuses = {"open", "paid", "overdue"};

// Σ allocations of payments to the invoice (payments, migration 18).
constexpr const char* kPaidExpression =
    "CAST(COALESCE((SELECT SUM(a.amount_minor) FROM payment_allocations a"
    " WHERE a.invoice_id = i.id), 0) AS BIGINT)";

constexpr const char* kInvoiceColumns =
    "i.id, i.invoice_number, i.customer_id, c.customer_number, c.name, i.period, i.issue_date,"
    " i.due_date, i.currency, i.previous_balance_minor, i.payments_minor, i.new_charges_minor,"
    " i.amount_due_minor, i.billing_address, i.created_at, i.run_id";

struct InvoiceRow {
  Invoice invoice;
  std::string period, issue_date, due_date, address;
  long long created_at = 0;
  long long run_id = 0;
  soci::indicator run_ind = soci::i_null;
  long long paid = 0;

  void bind(soci::statement& st) {
    st.exchange(soci::into(invoice.id));
    st.exchange(soci::into(invoice.invoice_number));
    st.exchange(soci::into(invoice.customer_id));
    st.exchange(soci::into(invoice.customer_number));
    st.exchange(soci::into(invoice.customer_name));
    st.exchange(soci::into(period));
    st.exchange(soci::into(issue_date));
    st.exchange(soci::into(due_date));
    st.exchange(soci::into(invoice.currency));
    st.exchange(soci::into(invoice.previous_balance_minor));
    st.exchange(soci::into(invoice.payments_minor));
    st.exchange(soci::into(invoice.new_charges_minor));
    st.exchange(soci::into(invoice.amount_due_minor));
    st.exchange(soci::into(address));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(run_id, run_ind));
    st.exchange(soci::into(paid));
  }

  Invoice value() const {
    Invoice out = invoice;
    out.period = parse_billing_month(period).value_or(BillingMonth{});
    out.issue_date = parse_civil_date(issue_date).value_or(CivilDate{});
    out.due_date = parse_civil_date(due_date).value_or(CivilDate{});
    out.billing_address = invoice_address_from_json(nlohmann::json::parse(address, nullptr, false));
    out.created_at = from_epoch_ms(created_at);
    out.run_id = run_ind == soci::i_ok ? std::optional<long long>(run_id) : std::nullopt;
    out.paid_minor = paid;
    return out;
  }
};

// SELECT of invoices joined with their customer, `where` binding `texts` in order.
std::vector<Invoice> select_invoices(soci::session& session, const std::string& where,
                                     const std::deque<std::string>& texts) {
  InvoiceRow row;
  soci::statement st(session);
  row.bind(st);
  for (const std::string& text : texts)
    st.exchange(soci::use(text));
  st.alloc();
  st.prepare(std::string("SELECT ") + kInvoiceColumns + ", " + kPaidExpression +
             " FROM invoices i JOIN customers c ON c.id = i.customer_id " + where);
  st.define_and_bind();
  st.execute();
  std::vector<Invoice> out;
  while (st.fetch())
    out.push_back(row.value());
  return out;
}

void load_lines(soci::session& session, Invoice& invoice) {
  InvoiceLine line;
  std::string kind, scid, from, to;
  long long item = 0;
  soci::indicator scid_ind = soci::i_null, item_ind = soci::i_null, from_ind = soci::i_null,
                  to_ind = soci::i_null;
  soci::statement st =
      (session.prepare << "SELECT line_number, kind, scid, item_id, description, quantity,"
                          " period_from, period_to, amount_minor FROM invoice_lines"
                          " WHERE invoice_id = :i ORDER BY line_number",
       soci::into(line.line_number), soci::into(kind), soci::into(scid, scid_ind),
       soci::into(item, item_ind), soci::into(line.description), soci::into(line.quantity),
       soci::into(from, from_ind), soci::into(to, to_ind), soci::into(line.amount_minor),
       soci::use(invoice.id));
  st.execute();
  while (st.fetch()) {
    InvoiceLine out = line;
    out.kind = parse_invoice_line_kind(kind).value_or(InvoiceLineKind::kCharge);
    out.scid = scid_ind == soci::i_ok ? std::optional<std::string>(scid) : std::nullopt;
    out.item_id = item_ind == soci::i_ok ? std::optional<long long>(item) : std::nullopt;
    out.period_from = from_ind == soci::i_ok ? parse_civil_date(from) : std::nullopt;
    out.period_to = to_ind == soci::i_ok ? parse_civil_date(to) : std::nullopt;
    invoice.lines.push_back(std::move(out));
  }
}

void load_deliveries(soci::session& session, Invoice& invoice) {
  InvoiceDeliveryRecord record;
  long long at = 0;
  soci::statement st =
      (session.prepare << "SELECT channel, destination, status, detail, created_at"
                          " FROM invoice_deliveries WHERE invoice_id = :i ORDER BY id",
       soci::into(record.channel), soci::into(record.destination), soci::into(record.status),
       soci::into(record.detail), soci::into(at), soci::use(invoice.id));
  st.execute();
  while (st.fetch()) {
    record.created_at = from_epoch_ms(at);
    invoice.deliveries.push_back(record);
  }
}

Result<Invoice> complete(soci::session& session, Invoice invoice) {
  load_lines(session, invoice);
  load_deliveries(session, invoice);
  Result<long long> disputed = open_disputed_minor(session, invoice.id);
  if (!disputed.ok()) return disputed.failure();
  invoice.disputed_minor = *disputed;
  return invoice;
}

// The organisations (top-level groups) where a customer principal holds admin or billing.
std::vector<long long> billing_organisations(const Principal& principal) {
  std::vector<long long> out;
  for (const RoleGrant& grant : principal.grants) {
    if ((grant.role == Role::kAdmin || grant.role == Role::kBilling) && grant.access_group_id) {
      out.push_back(*grant.access_group_id);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string id_list(const std::vector<long long>& ids) {
  std::string out;
  for (const long long id : ids)
    out += (out.empty() ? "" : ", ") + std::to_string(id);
  return out;
}

}  // namespace

std::string_view invoice_line_kind_name(InvoiceLineKind kind) {
  return kLineKinds[static_cast<std::size_t>(kind)];
}

std::optional<InvoiceLineKind> parse_invoice_line_kind(std::string_view name) {
  for (std::size_t i = 0; i < kLineKinds.size(); ++i) {
    if (kLineKinds[i] == name) return static_cast<InvoiceLineKind>(i);
  }
  return std::nullopt;
}

std::string_view invoice_status_name(InvoiceStatus status) {
  return kStatuses[static_cast<std::size_t>(status)];
}

std::optional<InvoiceStatus> parse_invoice_status(std::string_view name) {
  for (std::size_t i = 0; i < kStatuses.size(); ++i) {
    if (kStatuses[i] == name) return static_cast<InvoiceStatus>(i);
  }
  return std::nullopt;
}

nlohmann::json invoice_address_to_json(const InvoiceAddress& a) {
  return {{"name", a.name},
          {"line1", a.line1},
          {"line2", a.line2},
          {"city", a.city},
          {"postal_code", a.postal_code},
          {"region", a.region},
          {"country", a.country}};
}

InvoiceAddress invoice_address_from_json(const nlohmann::json& json) {
  InvoiceAddress a;
  if (!json.is_object()) return a;
  auto text = [&](const char* name) {
    auto it = json.find(name);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  a.name = text("name");
  a.line1 = text("line1");
  a.line2 = text("line2");
  a.city = text("city");
  a.postal_code = text("postal_code");
  a.region = text("region");
  a.country = text("country");
  return a;
}

std::string invoice_address_one_line(const InvoiceAddress& a) {
  std::string out;
  auto add = [&](const std::string& part, const char* separator) {
    if (part.empty()) return;
    if (!out.empty()) out += separator;
    out += part;
  };
  add(a.line1, ", ");
  add(a.line2, ", ");
  add(a.city, ", ");
  add(a.region, ", ");
  add(a.postal_code, a.region.empty() ? ", " : " ");
  add(a.country, ", ");
  return out;
}

InvoiceStatus Invoice::status(const CivilDate& today) const {
  if (outstanding_minor() <= 0) return InvoiceStatus::kPaid;
  return today > due_date ? InvoiceStatus::kOverdue : InvoiceStatus::kOpen;
}

Status authorize_invoice_reader(soci::session& session, const Principal& principal,
                                long long customer_id) {
  return guarded("could not check access to the invoice", [&]() -> Status {
    long long organisation = 0;
    soci::indicator organisation_ind = soci::i_null;
    session << "SELECT organisation_id FROM customers WHERE id = :c", soci::use(customer_id),
        soci::into(organisation, organisation_ind);
    if (!session.got_data()) return Error{"no such customer", ErrorKind::kNotFound};
    if (principal.is_provider()) return ok_status();
    if (organisation_ind != soci::i_ok) return Error{"no such invoice", ErrorKind::kNotFound};
    Status allowed = authorize(session, principal, organisation, Action::kManageBilling);
    if (!allowed.ok() && allowed.error_kind() == ErrorKind::kForbidden) {
      return Error{"invoices are for users with the admin or billing role on the organisation",
                   ErrorKind::kForbidden};
    }
    return allowed;
  });
}

Status Invoices::check_can_read(const Principal& principal, long long customer_id) {
  Status allowed = authorize_invoice_reader(session_, principal, customer_id);
  if (!allowed.ok() && allowed.error_kind() == ErrorKind::kNotFound) {
    return Error{"no such invoice", ErrorKind::kNotFound};
  }
  return allowed;
}

Result<Invoice> Invoices::get(const Principal& principal, const std::string& invoice_number) {
  Result<std::optional<Invoice>> found = find(invoice_number);
  if (!found.ok()) return found.failure();
  if (!found->has_value()) {
    return Error{"no invoice " + invoice_number, ErrorKind::kNotFound};
  }
  Status allowed = check_can_read(principal, (*found)->customer_id);
  if (!allowed.ok()) {
    if (allowed.error_kind() == ErrorKind::kNotFound) {
      return Error{"no invoice " + invoice_number, ErrorKind::kNotFound};
    }
    return allowed.failure();
  }
  return std::move(**found);
}

Result<std::optional<Invoice>> Invoices::find(const std::string& invoice_number) {
  return guarded("could not read the invoice", [&]() -> Result<std::optional<Invoice>> {
    std::vector<Invoice> found =
        select_invoices(session_, "WHERE i.invoice_number = :n", {invoice_number});
    if (found.empty()) return std::optional<Invoice>();
    Result<Invoice> full = complete(session_, std::move(found.front()));
    if (!full.ok()) return full.failure();
    return std::optional<Invoice>(std::move(*full));
  });
}

Result<Invoice> Invoices::load(long long invoice_id) {
  return guarded("could not read the invoice", [&]() -> Result<Invoice> {
    std::vector<Invoice> found =
        select_invoices(session_, "WHERE i.id = " + std::to_string(invoice_id), {});
    if (found.empty()) {
      return Error{"no invoice with id " + std::to_string(invoice_id), ErrorKind::kNotFound};
    }
    return complete(session_, std::move(found.front()));
  });
}

Result<InvoicePage> Invoices::list(const Principal& principal, const InvoiceQuery& query) {
  if (query.limit < 1 || query.limit > kMaxPageSize) {
    return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
  }
  return guarded("could not list invoices", [&]() -> Result<InvoicePage> {
    std::string where = "WHERE 1 = 1";
    std::deque<std::string> texts;
    if (query.customer_number) {
      long long customer_id = 0;
      session_ << "SELECT id FROM customers WHERE customer_number = :n",
          soci::use(*query.customer_number), soci::into(customer_id);
      if (!session_.got_data()) {
        return Error{"no customer " + *query.customer_number, ErrorKind::kNotFound};
      }
      Status allowed = check_can_read(principal, customer_id);
      if (!allowed.ok()) {
        if (allowed.error_kind() == ErrorKind::kNotFound) {
          return Error{"no customer " + *query.customer_number, ErrorKind::kNotFound};
        }
        return allowed.failure();
      }
      where += " AND i.customer_id = " + std::to_string(customer_id);
    } else if (!principal.is_provider()) {
      const std::vector<long long> organisations = billing_organisations(principal);
      if (organisations.empty()) {
        return Error{"invoices are for users with the admin or billing role on the organisation",
                     ErrorKind::kForbidden};
      }
      where += " AND c.organisation_id IN (" + id_list(organisations) + ")";
    }
    if (query.period) {
      where += " AND i.period = :p";
      texts.push_back(format_billing_month(*query.period));
    }
    if (query.status) {
      const std::string outstanding =
          std::string("(i.new_charges_minor - ") + kPaidExpression + ")";
      switch (*query.status) {
        case InvoiceStatus::kPaid:
          where += " AND " + outstanding + " <= 0";
          break;
        case InvoiceStatus::kOverdue:
          where += " AND " + outstanding + " > 0 AND i.due_date < :today";
          texts.push_back(format_civil_date(utc_date_of(clock_.now())));
          break;
        case InvoiceStatus::kOpen:
          where += " AND " + outstanding + " > 0 AND i.due_date >= :today";
          texts.push_back(format_civil_date(utc_date_of(clock_.now())));
          break;
      }
    }
    if (query.before_id) where += " AND i.id < " + std::to_string(*query.before_id);
    // One extra row tells whether another page follows.
    where += " ORDER BY i.id DESC LIMIT " + std::to_string(query.limit + 1);
    std::vector<Invoice> found = select_invoices(session_, where, texts);
    InvoicePage page;
    if (found.size() > static_cast<std::size_t>(query.limit)) {
      found.resize(static_cast<std::size_t>(query.limit));
      page.next_before_id = found.back().id;
    }
    for (Invoice& invoice : found) {
      Result<long long> disputed = open_disputed_minor(session_, invoice.id);
      if (!disputed.ok()) return disputed.failure();
      invoice.disputed_minor = *disputed;
      page.invoices.push_back(std::move(invoice));
    }
    return page;
  });
}

}  // namespace candela::control

// Service items: contract lines with the dates they are in service. A change never rewrites an
// item's terms: it sets the item's last day and inserts the successor from the next day, so the
// billing run can prorate each account's share of a month from the rows alone.
#include "control/service_items.hpp"

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "common/ids.hpp"
#include "control/store_errors.hpp"

namespace candela::control {
namespace {

constexpr long long kMaxMoneyMinor = 10'000'000'000'000LL;  // 10^13
constexpr std::size_t kMaxDescriptionLength = 500;

constexpr const char* kItemColumns =
    "SELECT i.id, i.scid, i.customer_id, c.customer_number, i.product, i.description,"
    " i.pricing_basis, i.mrc_minor, i.nrc_minor, i.usage_plan, i.term_months, i.etc_percent,"
    " i.start_date, i.end_date, i.term_start, i.term_end, i.nrc_due, i.nrc_invoice_number,"
    " i.order_number, i.replaces_item_id FROM service_items i"
    " JOIN customers c ON c.id = i.customer_id";

// Rows of kItemColumns, bound once and converted per fetch.
struct ItemRow {
  ServiceItem item;
  std::string pricing_basis;
  std::string usage_plan;
  std::string start_date;
  std::string end_date;
  std::string term_start;
  std::string term_end;
  int nrc_due = 0;
  std::string nrc_invoice_number;
  long long replaces_item_id = 0;
  soci::indicator end_ind = soci::i_ok;
  soci::indicator invoice_ind = soci::i_ok;
  soci::indicator replaces_ind = soci::i_ok;

  void bind(soci::statement& st) {
    st.exchange(soci::into(item.id));
    st.exchange(soci::into(item.scid));
    st.exchange(soci::into(item.customer_id));
    st.exchange(soci::into(item.customer_number));
    st.exchange(soci::into(item.terms.product));
    st.exchange(soci::into(item.terms.description));
    st.exchange(soci::into(pricing_basis));
    st.exchange(soci::into(item.terms.mrc_minor));
    st.exchange(soci::into(item.terms.nrc_minor));
    st.exchange(soci::into(usage_plan));
    st.exchange(soci::into(item.terms.term_months));
    st.exchange(soci::into(item.terms.etc_percent));
    st.exchange(soci::into(start_date));
    st.exchange(soci::into(end_date, end_ind));
    st.exchange(soci::into(term_start));
    st.exchange(soci::into(term_end));
    st.exchange(soci::into(nrc_due));
    st.exchange(soci::into(nrc_invoice_number, invoice_ind));
    st.exchange(soci::into(item.order_number));
    st.exchange(soci::into(replaces_item_id, replaces_ind));
  }

  Result<ServiceItem> value() const {
    ServiceItem out = item;
    const auto corrupt = [&](const std::string& what) {
      return Error{"service item " + std::to_string(item.id) + " has " + what,
                   ErrorKind::kInternal};
    };
    const auto basis = parse_pricing_basis(pricing_basis);
    if (!basis) return corrupt("an unknown pricing basis");
    out.terms.pricing_basis = *basis;
    const auto plan_json = nlohmann::json::parse(usage_plan, nullptr, false);
    auto plan = usage_plan_from_json(plan_json, "/usage_plan");
    if (!plan.ok()) return corrupt("an unreadable usage plan");
    out.terms.usage_plan = *plan;
    const auto start = parse_civil_date(start_date);
    const auto first = parse_civil_date(term_start);
    const auto last = parse_civil_date(term_end);
    if (!start || !first || !last) return corrupt("an unreadable date");
    out.start_date = *start;
    out.term_start = *first;
    out.term_end = *last;
    if (end_ind == soci::i_ok) {
      const auto end = parse_civil_date(end_date);
      if (!end) return corrupt("an unreadable end date");
      out.end_date = *end;
    }
    out.nrc_due = nrc_due != 0;
    if (invoice_ind == soci::i_ok) out.nrc_invoice_number = nrc_invoice_number;
    if (replaces_ind == soci::i_ok) out.replaces_item_id = replaces_item_id;
    return out;
  }
};

// Items matching `where` (SQL after the FROM clause, using the uses `bind_uses` adds).
template <typename BindUses>
Result<std::vector<ServiceItem>> query_items(soci::session& session, const std::string& where,
                                             BindUses&& bind_uses) {
  std::vector<ServiceItem> items;
  try {
    ItemRow row;
    soci::statement st(session);
    row.bind(st);
    bind_uses(st);
    st.alloc();
    st.prepare(std::string(kItemColumns) + " " + where);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) {
      auto item = row.value();
      if (!item.ok()) return Error{item.failure()};
      items.push_back(std::move(item).value());
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not read service items", e);
  }
  return items;
}

Error invalid_at(const std::string& pointer, const std::string& message) {
  return Error{pointer + ": " + message, ErrorKind::kInvalid, {{pointer, message}}};
}

// The service's current billing account, or kNotFound.
Result<long long> service_customer(soci::session& session, std::string_view scid) {
  const std::string key(scid);
  long long customer_id = 0;
  try {
    session << "SELECT customer_id FROM services WHERE scid = :scid", soci::use(key),
        soci::into(customer_id);
    if (!session.got_data()) {
      return Error{"service " + key + " does not exist", ErrorKind::kNotFound};
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not read the service", e);
  }
  return customer_id;
}

Status customer_exists(soci::session& session, long long customer_id) {
  long long found = 0;
  try {
    session << "SELECT id FROM customers WHERE id = :id", soci::use(customer_id), soci::into(found);
    if (!session.got_data()) {
      return Error{"customer " + std::to_string(customer_id) + " does not exist",
                   ErrorKind::kNotFound};
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not read the customer", e);
  }
  return ok_status();
}

// What goes into a new row; everything else comes from the caller's arguments.
struct NewItemRow {
  std::string scid;
  long long customer_id = 0;
  ItemTerms terms;
  CivilDate start_date;
  std::optional<CivilDate> end_date;
  CivilDate term_start;
  int term_months = 12;
  bool nrc_due = false;
  std::string order_number;
  std::optional<long long> replaces_item_id;
};

Result<long long> insert_item(soci::session& session, const Clock& clock, const NewItemRow& row) {
  const std::string basis(pricing_basis_name(row.terms.pricing_basis));
  const std::string plan = usage_plan_to_json(row.terms.usage_plan).dump();
  const std::string description = row.terms.description.empty() && find_product(row.terms.product)
                                      ? find_product(row.terms.product)->name
                                      : row.terms.description;
  const std::string start = format_civil_date(row.start_date);
  const std::string end = row.end_date ? format_civil_date(*row.end_date) : "";
  soci::indicator end_ind = row.end_date ? soci::i_ok : soci::i_null;
  const std::string term_start = format_civil_date(row.term_start);
  const std::string term_end = format_civil_date(term_end_for(row.term_start, row.term_months));
  const int nrc_due = row.nrc_due ? 1 : 0;
  const long long replaces = row.replaces_item_id.value_or(0);
  soci::indicator replaces_ind = row.replaces_item_id ? soci::i_ok : soci::i_null;
  const long long now = to_epoch_ms(clock.now());
  long long id = 0;
  try {
    session << "INSERT INTO service_items (scid, customer_id, product, description,"
               " pricing_basis, mrc_minor, nrc_minor, usage_plan, term_months, etc_percent,"
               " start_date, end_date, term_start, term_end, nrc_due, order_number,"
               " replaces_item_id, created_at)"
               " VALUES (:scid, :customer, :product, :description, :basis, :mrc, :nrc, :plan,"
               " :months, :etc, :start, :end, :term_start, :term_end, :due, :order, :replaces,"
               " :at) RETURNING id",
        soci::use(row.scid), soci::use(row.customer_id), soci::use(row.terms.product),
        soci::use(description), soci::use(basis), soci::use(row.terms.mrc_minor),
        soci::use(row.terms.nrc_minor), soci::use(plan), soci::use(row.term_months),
        soci::use(row.terms.etc_percent), soci::use(start), soci::use(end, end_ind),
        soci::use(term_start), soci::use(term_end), soci::use(nrc_due), soci::use(row.order_number),
        soci::use(replaces, replaces_ind), soci::use(now), soci::into(id);
  } catch (const soci::soci_error& e) {
    return storage_error("could not store the service item", e);
  }
  return id;
}

Status set_end_date(soci::session& session, long long item_id, const CivilDate& last_day,
                    const std::string& order_number) {
  const std::string end = format_civil_date(last_day);
  try {
    session << "UPDATE service_items SET end_date = :end, ended_by_order = :order WHERE id = :id",
        soci::use(end), soci::use(order_number), soci::use(item_id);
  } catch (const soci::soci_error& e) {
    return storage_error("could not end the service item", e);
  }
  return ok_status();
}

Status check_order_number(const std::string& order_number) {
  if (order_number.empty()) return invalid_at("/order_number", "is required");
  return ok_status();
}

// A successor must start after its predecessor's first day, or the predecessor would end before
// it began.
Status check_successor_start(const ServiceItem& item, const CivilDate& effective,
                             const std::string& pointer) {
  if (effective <= item.start_date) {
    return invalid_at(pointer, "must be after " + format_civil_date(item.start_date) +
                                   ", the first day of item " + std::to_string(item.id));
  }
  if (item.end_date && *item.end_date < effective) {
    return Error{"service item " + std::to_string(item.id) + " ended on " +
                     format_civil_date(*item.end_date),
                 ErrorKind::kConflict};
  }
  return ok_status();
}

}  // namespace

std::string_view pricing_basis_name(PricingBasis basis) {
  return basis == PricingBasis::kIndividualCase ? "icb" : "standard";
}

std::optional<PricingBasis> parse_pricing_basis(std::string_view name) {
  if (name == "standard") return PricingBasis::kStandard;
  if (name == "icb") return PricingBasis::kIndividualCase;
  return std::nullopt;
}

ContractTerm ServiceItem::contract() const {
  return ContractTerm{term_start, terms.term_months, term_end, terms.mrc_minor, terms.etc_percent};
}

Status validate_item_terms(const ItemTerms& terms, const std::string& pointer) {
  std::vector<std::pair<std::string, std::string>> fields;
  const Product* product = find_product(terms.product);
  if (!product) {
    std::string known;
    for (const Product& p : product_catalog())
      known += (known.empty() ? "" : ", ") + p.code;
    fields.emplace_back(pointer + "/product", "must be one of " + known);
  }
  if (terms.description.size() > kMaxDescriptionLength) {
    fields.emplace_back(pointer + "/description",
                        "must be at most " + std::to_string(kMaxDescriptionLength) + " bytes");
  }
  for (const auto& [name, amount] :
       {std::pair<std::string, long long>{"/mrc_minor", terms.mrc_minor},
        std::pair<std::string, long long>{"/nrc_minor", terms.nrc_minor}}) {
    if (amount < 0 || amount > kMaxMoneyMinor) {
      fields.emplace_back(pointer + name, "must be an amount between 0 and 10^13 minor units");
    }
  }
  if (terms.term_months < 1 || terms.term_months > kMaxTermMonths) {
    fields.emplace_back(pointer + "/term_months",
                        "must be between 1 and " + std::to_string(kMaxTermMonths));
  }
  if (terms.etc_percent < 0 || terms.etc_percent > 100) {
    fields.emplace_back(pointer + "/etc_percent", "must be between 0 and 100");
  }
  // The plan's own rules (ascending tiers, ranges), located under its pointer.
  auto plan = usage_plan_from_json(usage_plan_to_json(terms.usage_plan), pointer + "/usage_plan");
  if (!plan.ok()) {
    for (const auto& field : plan.failure().fields)
      fields.push_back(field);
  }
  if (product && terms.usage_plan.kind != product->standard_usage_plan.kind) {
    fields.emplace_back(
        pointer + "/usage_plan/kind",
        "must be \"" + usage_plan_to_json(product->standard_usage_plan)["kind"].get<std::string>() +
            "\" for " + product->code);
  }
  if (product && terms.pricing_basis == PricingBasis::kStandard) {
    const std::string icb = "; use pricing_basis \"icb\" for other prices";
    if (terms.mrc_minor != product->standard_mrc_minor) {
      fields.emplace_back(
          pointer + "/mrc_minor",
          "must be the standard " + std::to_string(product->standard_mrc_minor) + icb);
    }
    if (terms.nrc_minor != product->standard_nrc_minor) {
      fields.emplace_back(
          pointer + "/nrc_minor",
          "must be the standard " + std::to_string(product->standard_nrc_minor) + icb);
    }
    if (terms.usage_plan.kind == product->standard_usage_plan.kind &&
        terms.usage_plan != product->standard_usage_plan) {
      fields.emplace_back(pointer + "/usage_plan",
                          "must be the standard plan of " + product->code + icb);
    }
  }
  if (fields.empty()) return ok_status();
  return Error{"the item is invalid: " + fields.front().first + " " + fields.front().second,
               ErrorKind::kInvalid, fields};
}

Result<ServiceItem> ServiceItems::get(long long item_id) {
  auto items = query_items(session_, "WHERE i.id = :id",
                           [&](soci::statement& st) { st.exchange(soci::use(item_id)); });
  if (!items.ok()) return Error{items.failure()};
  if (items->empty()) {
    return Error{"service item " + std::to_string(item_id) + " does not exist",
                 ErrorKind::kNotFound};
  }
  return items->front();
}

Result<std::vector<ServiceItem>> ServiceItems::for_service(std::string_view scid) {
  const std::string key(scid);
  return query_items(session_, "WHERE i.scid = :scid ORDER BY i.start_date, i.id",
                     [&](soci::statement& st) { st.exchange(soci::use(key)); });
}

Result<std::vector<ServiceItem>> ServiceItems::in_service(std::string_view scid,
                                                          const CivilDate& on) {
  const std::string key(scid);
  const std::string day = format_civil_date(on);
  return query_items(session_,
                     "WHERE i.scid = :scid AND i.start_date <= :d1"
                     " AND (i.end_date IS NULL OR i.end_date >= :d2) ORDER BY i.start_date, i.id",
                     [&](soci::statement& st) {
                       st.exchange(soci::use(key));
                       st.exchange(soci::use(day));
                       st.exchange(soci::use(day));
                     });
}

Result<std::vector<ServiceItem>> ServiceItems::billable(long long customer_id, BillingMonth month) {
  const std::string first = format_civil_date(first_day(month));
  const std::string last = format_civil_date(last_day(month));
  return query_items(session_,
                     "WHERE i.customer_id = :customer AND i.start_date <= :last1"
                     " AND ((i.end_date IS NULL OR i.end_date >= :first) OR i.nrc_due = 1)"
                     " ORDER BY i.scid, i.start_date, i.id",
                     [&](soci::statement& st) {
                       st.exchange(soci::use(customer_id));
                       st.exchange(soci::use(last));
                       st.exchange(soci::use(first));
                     });
}

Result<std::vector<long long>> ServiceItems::billable_customers(BillingMonth month) {
  const std::string first = format_civil_date(first_day(month));
  const std::string last = format_civil_date(last_day(month));
  std::vector<long long> customers;
  try {
    long long customer_id = 0;
    soci::statement st =
        (session_.prepare << "SELECT DISTINCT customer_id FROM service_items"
                             " WHERE start_date <= :last"
                             " AND ((end_date IS NULL OR end_date >= :first) OR nrc_due = 1)"
                             " ORDER BY customer_id",
         soci::use(last), soci::use(first), soci::into(customer_id));
    st.execute(false);
    while (st.fetch())
      customers.push_back(customer_id);
  } catch (const soci::soci_error& e) {
    return storage_error("could not list billable customers", e);
  }
  return customers;
}

Result<std::vector<ServiceItem>> ServiceItems::open(std::string_view scid, long long customer_id,
                                                    const std::vector<ItemTerms>& items,
                                                    const CivilDate& start,
                                                    const std::string& order_number) {
  if (auto ok = check_order_number(order_number); !ok.ok()) return Error{ok.failure()};
  if (items.empty()) return invalid_at("/items", "must name at least one item");
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (auto valid = validate_item_terms(items[i], "/items/" + std::to_string(i)); !valid.ok()) {
      return Error{valid.failure()};
    }
  }
  if (auto service = service_customer(session_, scid); !service.ok()) {
    return Error{service.failure()};
  }
  if (auto customer = customer_exists(session_, customer_id); !customer.ok()) {
    return Error{customer.failure()};
  }
  std::vector<ServiceItem> opened;
  for (const ItemTerms& terms : items) {
    NewItemRow row{
        std::string(scid), customer_id,         terms,        start,       std::nullopt, start,
        terms.term_months, terms.nrc_minor > 0, order_number, std::nullopt};
    auto id = insert_item(session_, clock_, row);
    if (!id.ok()) return Error{id.failure()};
    auto item = get(*id);
    if (!item.ok()) return Error{item.failure()};
    opened.push_back(std::move(item).value());
  }
  return opened;
}

Result<ServiceItem> ServiceItems::replace(long long item_id, const ItemTerms& terms,
                                          const CivilDate& effective,
                                          const std::string& order_number) {
  if (auto ok = check_order_number(order_number); !ok.ok()) return Error{ok.failure()};
  if (auto valid = validate_item_terms(terms, ""); !valid.ok()) return Error{valid.failure()};
  auto item = get(item_id);
  if (!item.ok()) return item;
  if (auto ok = check_successor_start(*item, effective, "/effective_date"); !ok.ok()) {
    return Error{ok.failure()};
  }
  if (auto ended = set_end_date(session_, item_id, add_days(effective, -1), order_number);
      !ended.ok()) {
    return Error{ended.failure()};
  }
  // The successor keeps the contract's term (a change does not restart the term).
  ItemTerms successor = terms;
  successor.term_months = item->terms.term_months;
  NewItemRow row{
      item->scid,       item->customer_id,       successor,           effective,    item->end_date,
      item->term_start, item->terms.term_months, terms.nrc_minor > 0, order_number, item_id};
  auto id = insert_item(session_, clock_, row);
  if (!id.ok()) return Error{id.failure()};
  return get(*id);
}

Result<ServiceItem> ServiceItems::add(std::string_view scid, const ItemTerms& terms,
                                      const CivilDate& effective, const std::string& order_number) {
  if (auto ok = check_order_number(order_number); !ok.ok()) return Error{ok.failure()};
  if (auto valid = validate_item_terms(terms, ""); !valid.ok()) return Error{valid.failure()};
  auto customer_id = service_customer(session_, scid);
  if (!customer_id.ok()) return Error{customer_id.failure()};
  NewItemRow row{
      std::string(scid), *customer_id,        terms,        effective,   std::nullopt, effective,
      terms.term_months, terms.nrc_minor > 0, order_number, std::nullopt};
  auto id = insert_item(session_, clock_, row);
  if (!id.ok()) return Error{id.failure()};
  return get(*id);
}

Result<ServiceItem> ServiceItems::end(long long item_id, const CivilDate& last_day,
                                      const std::string& order_number) {
  if (auto ok = check_order_number(order_number); !ok.ok()) return Error{ok.failure()};
  auto item = get(item_id);
  if (!item.ok()) return item;
  if (last_day < item->start_date) {
    return invalid_at("/cessation_date", "must be on or after " +
                                             format_civil_date(item->start_date) +
                                             ", the first day of item " + std::to_string(item_id));
  }
  if (item->end_date && *item->end_date < last_day) {
    return Error{"service item " + std::to_string(item_id) + " already ended on " +
                     format_civil_date(*item->end_date),
                 ErrorKind::kConflict};
  }
  if (auto ended = set_end_date(session_, item_id, last_day, order_number); !ended.ok()) {
    return Error{ended.failure()};
  }
  return get(item_id);
}

Result<std::vector<ServiceItem>> ServiceItems::transfer(std::string_view scid,
                                                        long long to_customer_id,
                                                        const CivilDate& effective,
                                                        const std::string& order_number) {
  if (auto ok = check_order_number(order_number); !ok.ok()) return Error{ok.failure()};
  if (auto customer = customer_exists(session_, to_customer_id); !customer.ok()) {
    return Error{customer.failure()};
  }
  auto current = in_service(scid, effective);
  if (!current.ok()) return current;
  if (current->empty()) {
    return Error{"service " + std::string(scid) + " has no items in service on " +
                     format_civil_date(effective),
                 ErrorKind::kConflict};
  }
  std::vector<ServiceItem> moved;
  for (const ServiceItem& item : *current) {
    if (item.customer_id == to_customer_id) {
      return Error{"service item " + std::to_string(item.id) + " is already billed to " +
                       item.customer_number,
                   ErrorKind::kConflict};
    }
    if (item.start_date == effective) {
      // Not a single day on the old account: the item simply changes account.
      try {
        session_ << "UPDATE service_items SET customer_id = :customer WHERE id = :id",
            soci::use(to_customer_id), soci::use(item.id);
      } catch (const soci::soci_error& e) {
        return storage_error("could not transfer the service item", e);
      }
      auto same = get(item.id);
      if (!same.ok()) return Error{same.failure()};
      moved.push_back(std::move(same).value());
      continue;
    }
    if (auto ended = set_end_date(session_, item.id, add_days(effective, -1), order_number);
        !ended.ok()) {
      return Error{ended.failure()};
    }
    NewItemRow row{item.scid,       to_customer_id,         item.terms, effective,    item.end_date,
                   item.term_start, item.terms.term_months, false,      order_number, item.id};
    auto id = insert_item(session_, clock_, row);
    if (!id.ok()) return Error{id.failure()};
    auto successor = get(*id);
    if (!successor.ok()) return Error{successor.failure()};
    moved.push_back(std::move(successor).value());
  }
  return moved;
}

Result<std::vector<ServiceItem>> ServiceItems::renew(std::string_view scid, int term_months,
                                                     const CivilDate& new_term_start,
                                                     std::optional<long long> new_mrc_minor,
                                                     const std::string& order_number) {
  if (auto ok = check_order_number(order_number); !ok.ok()) return Error{ok.failure()};
  if (term_months < 1 || term_months > kMaxTermMonths) {
    return invalid_at("/renewal/term_months",
                      "must be between 1 and " + std::to_string(kMaxTermMonths));
  }
  if (new_mrc_minor && (*new_mrc_minor < 0 || *new_mrc_minor > kMaxMoneyMinor)) {
    return invalid_at("/renewal/mrc_minor", "must be an amount between 0 and 10^13 minor units");
  }
  auto items = for_service(scid);
  if (!items.ok()) return items;
  std::vector<ServiceItem> open_items;
  for (const ServiceItem& item : *items) {
    if (!item.end_date) open_items.push_back(item);
  }
  if (open_items.empty()) {
    return Error{"service " + std::string(scid) + " has no open items to renew",
                 ErrorKind::kConflict};
  }
  if (new_mrc_minor && open_items.size() > 1) {
    return invalid_at("/renewal/mrc_minor",
                      "the service has " + std::to_string(open_items.size()) +
                          " open items: change their prices with a change order instead");
  }
  std::vector<ServiceItem> renewed;
  for (const ServiceItem& item : open_items) {
    if (auto ok = check_successor_start(item, new_term_start, "/effective_date"); !ok.ok()) {
      return Error{ok.failure()};
    }
    if (auto ended = set_end_date(session_, item.id, add_days(new_term_start, -1), order_number);
        !ended.ok()) {
      return Error{ended.failure()};
    }
    // A renewal carries no set-up charge.
    ItemTerms terms = item.terms;
    terms.term_months = term_months;
    terms.nrc_minor = 0;
    if (new_mrc_minor) terms.mrc_minor = *new_mrc_minor;
    if (terms.mrc_minor != item.terms.mrc_minor || terms.nrc_minor != item.terms.nrc_minor) {
      terms.pricing_basis = PricingBasis::kIndividualCase;  // no longer the catalogue's prices
    }
    NewItemRow row{item.scid,      item.customer_id, terms, new_term_start, std::nullopt,
                   new_term_start, term_months,      false, order_number,   item.id};
    auto id = insert_item(session_, clock_, row);
    if (!id.ok()) return Error{id.failure()};
    auto successor = get(*id);
    if (!successor.ok()) return Error{successor.failure()};
    renewed.push_back(std::move(successor).value());
  }
  return renewed;
}

Status ServiceItems::mark_nrc_billed(long long item_id, const std::string& invoice_number) {
  auto item = get(item_id);
  if (!item.ok()) return Error{item.failure()};
  if (!item->nrc_due) {
    return Error{
        "the set-up charge of service item " + std::to_string(item_id) + " is not due" +
            (item->nrc_invoice_number ? " (billed on " + *item->nrc_invoice_number + ")" : ""),
        ErrorKind::kConflict};
  }
  try {
    session_ << "UPDATE service_items SET nrc_due = 0, nrc_invoice_number = :invoice"
                " WHERE id = :id AND nrc_due = 1",
        soci::use(invoice_number), soci::use(item_id);
  } catch (const soci::soci_error& e) {
    return storage_error("could not mark the set-up charge billed", e);
  }
  return ok_status();
}

}  // namespace candela::control

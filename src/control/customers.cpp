// Customers: validation, customer numbers, visibility by organisation, account teams; audited.
#include "control/customers.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "control/access_groups.hpp"
#include "control/audit_log.hpp"
#include "control/authorization.hpp"
#include "control/countries.hpp"
#include "control/principal_audit.hpp"
#include "control/users.hpp"

namespace candela::control {
namespace {

constexpr const char* kCustomerColumns =
    "id, customer_number, name, organisation_id, billing_address_line1, billing_address_line2,"
    " billing_city, billing_postal_code, billing_region, country, invoice_delivery,"
    " invoice_email, created_at";

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

bool has_control_characters(const std::string& text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

std::string sql_failure(const char* what, const soci::soci_error& e) {
  return std::string(what) + ": " + e.what();
}

Error customer_not_found(const std::string& number) {
  return Error{"customer " + number + " does not exist", ErrorKind::kNotFound};
}

template <typename T>
std::vector<Customer> read_customers(soci::session& session, const std::string& condition,
                                     const T& value, int limit) {
  std::vector<Customer> out;
  Customer row;
  long long organisation = 0;
  long long created = 0;
  std::string delivery;
  std::string invoice_email;
  soci::indicator organisation_ind = soci::i_ok;
  soci::indicator email_ind = soci::i_ok;
  soci::statement st =
      (session.prepare << std::string("SELECT ") + kCustomerColumns + " FROM customers WHERE " +
                              condition + " ORDER BY id LIMIT :n",
       soci::use(value), soci::use(limit), soci::into(row.id), soci::into(row.customer_number),
       soci::into(row.name), soci::into(organisation, organisation_ind),
       soci::into(row.address.line1), soci::into(row.address.line2), soci::into(row.address.city),
       soci::into(row.address.postal_code), soci::into(row.address.region), soci::into(row.country),
       soci::into(delivery), soci::into(invoice_email, email_ind), soci::into(created));
  st.execute();
  while (st.fetch()) {
    Customer customer = row;
    customer.organisation_id = organisation_ind == soci::i_ok ? organisation : 0;
    customer.invoice_delivery = parse_invoice_delivery(delivery).value_or(InvoiceDelivery::kEmail);
    if (email_ind == soci::i_ok && !invoice_email.empty()) customer.invoice_email = invoice_email;
    customer.created_at = from_epoch_ms(created);
    out.push_back(std::move(customer));
  }
  return out;
}

// Checks and normalises the customer's fields; errors located like the API's body.
Result<Customer> validated(Customer customer) {
  Error error{"the customer's details are invalid"};
  auto fail = [&](const std::string& pointer, const std::string& message) {
    error.fields.emplace_back(pointer, message);
  };
  customer.name = trimmed(customer.name);
  if (customer.name.empty()) {
    fail("/name", "must not be empty");
  } else if (customer.name.size() > Customers::kMaxNameLength ||
             has_control_characters(customer.name)) {
    fail("/name", "must be at most 200 characters, without control characters");
  }
  std::pair<const char*, std::string*> lines[] = {{"line1", &customer.address.line1},
                                                  {"line2", &customer.address.line2},
                                                  {"city", &customer.address.city},
                                                  {"postal_code", &customer.address.postal_code},
                                                  {"region", &customer.address.region}};
  for (auto& [field, value] : lines) {
    *value = trimmed(*value);
    if (value->size() > Customers::kMaxAddressLength || has_control_characters(*value))
      fail(std::string("/billing_address/") + field,
           "must be at most 200 characters, without control characters");
  }
  customer.country = trimmed(customer.country);
  if (!is_iso_country_code(customer.country)) fail("/country", country_problem(customer.country));
  if (customer.invoice_email) {
    std::string email = trimmed(*customer.invoice_email);
    for (char& c : email)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (email.empty()) {
      customer.invoice_email.reset();
    } else if (!is_plausible_email(email)) {
      fail("/invoice_email", "must be an email address like invoices@example.com");
    } else {
      customer.invoice_email = email;
    }
  }
  if (customer.invoice_delivery == InvoiceDelivery::kEmail && !customer.invoice_email &&
      error.fields.empty()) {
    fail("/invoice_email", "is required when invoices are delivered by email");
  }
  if (customer.invoice_delivery == InvoiceDelivery::kPost &&
      (customer.address.line1.empty() || customer.address.city.empty())) {
    fail("/billing_address", "needs at least line1 and city when invoices go by post");
  }
  if (!error.fields.empty()) {
    error.message =
        error.fields.size() == 1
            ? error.fields.front().first + " " + error.fields.front().second
            : std::to_string(error.fields.size()) + " fields of the customer are invalid";
    return error;
  }
  return customer;
}

}  // namespace

std::string country_problem(const std::string& code) {
  if (code == "UK") return "must be an ISO 3166-1 alpha-2 code: the United Kingdom is GB";
  return "must be an ISO 3166-1 alpha-2 code in upper case, such as GB or DE";
}

namespace {

bool may_create_customers(const Principal& actor) {
  return std::any_of(actor.grants.begin(), actor.grants.end(), [](const RoleGrant& g) {
    return is_provider_role(g.role) && (provider_role_allows(g.role, Action::kProvision) ||
                                        provider_role_allows(g.role, Action::kManageBilling));
  });
}

bool may_change_account_team(const Principal& actor) {
  return actor.has_provider_role(Role::kProviderAdmin) ||
         actor.has_provider_role(Role::kAccountDirector) ||
         actor.has_provider_role(Role::kCustomerCareManager);
}

}  // namespace

std::string_view invoice_delivery_name(InvoiceDelivery delivery) {
  switch (delivery) {
    case InvoiceDelivery::kEmail:
      return "email";
    case InvoiceDelivery::kPost:
      return "post";
    case InvoiceDelivery::kPortal:
      return "portal";
  }
  return "email";
}

std::optional<InvoiceDelivery> parse_invoice_delivery(std::string_view name) {
  if (name == "email") return InvoiceDelivery::kEmail;
  if (name == "post") return InvoiceDelivery::kPost;
  if (name == "portal") return InvoiceDelivery::kPortal;
  return std::nullopt;
}

const std::vector<Role>& account_team_roles() {
  static const std::vector<Role> roles = {Role::kAccountDirector,      Role::kSalesEngineer,
                                          Role::kCustomerCareManager,  Role::kActivationEngineer,
                                          Role::kCdnSupportTechnician, Role::kBillingCoordinator};
  return roles;
}

bool is_customer_number(std::string_view text) {
  return text.size() == 8 && text[0] == 'C' &&
         std::all_of(text.begin() + 1, text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<long long> Customers::organisation_of(long long group_id) {
  long long root = 0;
  try {
    session_
        << "WITH RECURSIVE up(id, parent_id) AS ("
           " SELECT id, parent_id FROM access_groups WHERE id = :id"
           " UNION SELECT g.id, g.parent_id FROM access_groups g JOIN up ON g.id = up.parent_id)"
           " SELECT id FROM up WHERE parent_id IS NULL",
        soci::use(group_id), soci::into(root);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not walk the access group tree", e), ErrorKind::kInternal};
  }
  if (!session_.got_data()) {
    return Error{"access group " + std::to_string(group_id) + " does not exist",
                 ErrorKind::kNotFound};
  }
  return root;
}

Status Customers::check_can_read(const Principal& actor, const Customer& customer) {
  if (actor.is_provider()) return ok_status();
  for (const auto& grant : actor.grants) {
    if (!grant.access_group_id) continue;
    auto organisation = organisation_of(*grant.access_group_id);
    if (!organisation.ok()) {
      if (organisation.error_kind() == ErrorKind::kNotFound) continue;
      return Error{organisation.failure()};
    }
    if (*organisation == customer.organisation_id) return ok_status();
  }
  return customer_not_found(customer.customer_number);
}

Result<std::optional<Customer>> Customers::find(const std::string& customer_number) {
  try {
    auto rows = read_customers(session_, "customer_number = :v", customer_number, 1);
    if (rows.empty()) return std::optional<Customer>{};
    return std::optional<Customer>{rows.front()};
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not read the customer", e), ErrorKind::kInternal};
  }
}

Result<Customer> Customers::load_readable(const Principal& actor,
                                          const std::string& customer_number) {
  if (!is_customer_number(customer_number)) return customer_not_found(customer_number);
  auto found = find(customer_number);
  if (!found.ok()) return Error{found.failure()};
  if (!found.value()) return customer_not_found(customer_number);
  auto readable = check_can_read(actor, **found);
  if (!readable.ok()) return Error{readable.failure()};
  return **found;
}

Result<std::string> Customers::new_customer_number() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    char text[16];
    std::snprintf(text, sizeof text, "C%07llu",
                  static_cast<unsigned long long>(random_.next_u64() % 10000000ULL));
    auto existing = find(text);
    if (!existing.ok()) return Error{existing.failure()};
    if (!existing.value()) return std::string(text);
  }
  return Error{"could not find a free customer number", ErrorKind::kInternal};
}

Status Customers::audit(const Principal& actor, const std::string& customer_number,
                        const std::string& action, const std::string& details) {
  AuditEntry entry = audit_entry(actor, "customer", customer_number, action);
  entry.details = details;
  auto id = AuditLog(session_, clock_).append(entry);
  if (!id.ok()) return Error{id.error(), ErrorKind::kInternal};
  return ok_status();
}

namespace {

nlohmann::json customer_details(const Customer& c) {
  return {{"name", c.name},
          {"organisation_id", c.organisation_id},
          {"billing_address",
           {{"line1", c.address.line1},
            {"line2", c.address.line2},
            {"city", c.address.city},
            {"postal_code", c.address.postal_code},
            {"region", c.address.region}}},
          {"country", c.country},
          {"invoice_delivery", std::string(invoice_delivery_name(c.invoice_delivery))},
          {"invoice_email", c.invoice_email ? nlohmann::json(*c.invoice_email) : nlohmann::json()}};
}

}  // namespace

Result<Customer> Customers::create(const Principal& actor, const NewCustomer& request) {
  Customer draft;
  draft.name = request.name;
  draft.address = request.address;
  draft.country = request.country;
  draft.invoice_delivery = request.invoice_delivery;
  draft.invoice_email = request.invoice_email;
  if (!may_create_customers(actor)) {
    if (!actor.is_provider())
      return Error{"customers are created by the provider", ErrorKind::kForbidden};
    return Error{"your role does not create customers", ErrorKind::kForbidden};
  }
  auto customer = validated(draft);
  if (!customer.ok()) return customer;
  AccessGroups groups(session_, clock_);
  if (request.organisation_id) {
    auto group = groups.get(*request.organisation_id);
    if (!group.ok()) {
      return Error{"access group " + std::to_string(*request.organisation_id) + " does not exist",
                   ErrorKind::kInvalid,
                   {{"/organisation_id", "names no access group"}}};
    }
    if (group->parent_id) {
      return Error{"an organisation is a top-level access group",
                   ErrorKind::kInvalid,
                   {{"/organisation_id", "must be a top-level access group"}}};
    }
    customer->organisation_id = group->id;
  } else {
    auto group = groups.create(std::nullopt, customer->name);
    if (!group.ok()) return Error{group.error(), ErrorKind::kInternal};
    customer->organisation_id = group->id;
    AuditEntry entry = audit_entry(actor, "access_group", std::to_string(group->id), "create");
    entry.details = nlohmann::json{{"name", group->name}, {"parent_id", nullptr}}.dump();
    auto audited = AuditLog(session_, clock_).append(entry);
    if (!audited.ok()) return Error{audited.error(), ErrorKind::kInternal};
  }
  auto number = new_customer_number();
  if (!number.ok()) return Error{number.failure()};
  customer->customer_number = *number;
  customer->created_at = clock_.now();
  const std::string delivery(invoice_delivery_name(customer->invoice_delivery));
  const std::string email = customer->invoice_email.value_or("");
  soci::indicator email_ind = customer->invoice_email ? soci::i_ok : soci::i_null;
  const long long now = to_epoch_ms(customer->created_at);
  try {
    session_ << "INSERT INTO customers (customer_number, name, organisation_id,"
                " billing_address_line1, billing_address_line2, billing_city, billing_postal_code,"
                " billing_region, country, invoice_delivery, invoice_email, created_at)"
                " VALUES (:n, :name, :org, :l1, :l2, :city, :pc, :region, :country, :delivery,"
                " :email, :at) RETURNING id",
        soci::use(customer->customer_number), soci::use(customer->name),
        soci::use(customer->organisation_id), soci::use(customer->address.line1),
        soci::use(customer->address.line2), soci::use(customer->address.city),
        soci::use(customer->address.postal_code), soci::use(customer->address.region),
        soci::use(customer->country), soci::use(delivery), soci::use(email, email_ind),
        soci::use(now), soci::into(customer->id);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not store the customer", e), ErrorKind::kInternal};
  }
  auto audited =
      audit(actor, customer->customer_number, "create", customer_details(*customer).dump());
  if (!audited.ok()) return Error{audited.failure()};
  return customer;
}

Result<Customer> Customers::get(const Principal& actor, const std::string& customer_number) {
  return load_readable(actor, customer_number);
}

Result<CustomerPage> Customers::list(const Principal& actor, long long after_id, int limit) {
  if (limit < 1 || limit > kMaxPageSize)
    return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
  std::string condition = "id > :after";
  if (!actor.is_provider()) {
    std::set<long long> organisations;
    for (const auto& grant : actor.grants) {
      if (!grant.access_group_id) continue;
      auto organisation = organisation_of(*grant.access_group_id);
      if (organisation.ok()) organisations.insert(*organisation);
    }
    if (organisations.empty()) return CustomerPage{};
    std::string list;
    for (long long id : organisations)
      list += (list.empty() ? "" : ",") + std::to_string(id);
    condition += " AND organisation_id IN (" + list + ")";
  }
  CustomerPage page;
  try {
    auto rows = read_customers(session_, condition, after_id, limit + 1);
    for (auto& row : rows) {
      if (static_cast<int>(page.customers.size()) == limit) {
        page.next_after_id = page.customers.back().id;
        break;
      }
      page.customers.push_back(std::move(row));
    }
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not list customers", e), ErrorKind::kInternal};
  }
  return page;
}

Result<Customer> Customers::update(const Principal& actor, const std::string& customer_number,
                                   const CustomerChange& change) {
  auto current = load_readable(actor, customer_number);
  if (!current.ok()) return current;
  auto allowed = authorize(session_, actor, current->organisation_id, Action::kManageBilling);
  if (!allowed.ok()) {
    if (allowed.error_kind() == ErrorKind::kNotFound ||
        allowed.error_kind() == ErrorKind::kForbidden)
      return Error{"changing billing details needs the admin or billing role on the organisation",
                   ErrorKind::kForbidden};
    return Error{allowed.failure()};
  }
  Customer next = *current;
  if (change.name) next.name = *change.name;
  if (change.address) next.address = *change.address;
  if (change.country) next.country = *change.country;
  if (change.invoice_delivery) next.invoice_delivery = *change.invoice_delivery;
  if (change.invoice_email) next.invoice_email = *change.invoice_email;
  auto customer = validated(next);
  if (!customer.ok()) return customer;
  const nlohmann::json before = customer_details(*current);
  const nlohmann::json after = customer_details(*customer);
  if (before == after) return customer;
  const std::string delivery(invoice_delivery_name(customer->invoice_delivery));
  const std::string email = customer->invoice_email.value_or("");
  soci::indicator email_ind = customer->invoice_email ? soci::i_ok : soci::i_null;
  try {
    session_ << "UPDATE customers SET name = :name, billing_address_line1 = :l1,"
                " billing_address_line2 = :l2, billing_city = :city, billing_postal_code = :pc,"
                " billing_region = :region, country = :country, invoice_delivery = :delivery,"
                " invoice_email = :email WHERE id = :id",
        soci::use(customer->name), soci::use(customer->address.line1),
        soci::use(customer->address.line2), soci::use(customer->address.city),
        soci::use(customer->address.postal_code), soci::use(customer->address.region),
        soci::use(customer->country), soci::use(delivery), soci::use(email, email_ind),
        soci::use(customer->id);
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not update the customer", e), ErrorKind::kInternal};
  }
  nlohmann::json changed = nlohmann::json::object();
  for (const auto& [key, value] : after.items()) {
    if (before[key] != value) changed[key] = {{"from", before[key]}, {"to", value}};
  }
  auto audited = audit(actor, customer_number, "update", changed.dump());
  if (!audited.ok()) return Error{audited.failure()};
  return customer;
}

Result<std::vector<AccountTeamMember>> Customers::account_team(const Principal& actor,
                                                               const std::string& customer_number) {
  auto customer = load_readable(actor, customer_number);
  if (!customer.ok()) return Error{customer.failure()};
  std::vector<AccountTeamMember> team;
  for (Role role : account_team_roles())
    team.push_back({role, std::nullopt, "", "", "", ""});
  try {
    std::string role;
    AccountTeamMember row;
    long long user_id = 0;
    soci::statement st =
        (session_.prepare << "SELECT t.role, u.id, u.name, u.email, u.phone_office, u.phone_mobile"
                             " FROM account_team t JOIN users u ON u.id = t.user_id"
                             " WHERE t.customer_id = :c",
         soci::use(customer->id), soci::into(role), soci::into(user_id), soci::into(row.name),
         soci::into(row.email), soci::into(row.phone_office), soci::into(row.phone_mobile));
    st.execute();
    while (st.fetch()) {
      auto parsed = parse_role(role);
      for (auto& member : team) {
        if (!parsed || member.role != *parsed) continue;
        member.user_id = user_id;
        member.name = row.name;
        member.email = row.email;
        member.phone_office = row.phone_office;
        member.phone_mobile = row.phone_mobile;
      }
    }
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not read the account team", e), ErrorKind::kInternal};
  }
  return team;
}

Result<std::vector<AccountTeamMember>> Customers::assign_account_team(
    const Principal& actor, const std::string& customer_number, Role role,
    std::optional<long long> user_id) {
  auto customer = load_readable(actor, customer_number);
  if (!customer.ok()) return Error{customer.failure()};
  const auto& roles = account_team_roles();
  if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
    return Error{"no account-team slot is called " + std::string(role_name(role)),
                 ErrorKind::kNotFound};
  }
  if (!may_change_account_team(actor)) {
    return Error{
        "the account team is changed by provider admins, account directors and "
        "customer care managers",
        ErrorKind::kForbidden};
  }
  const std::string role_text(role_name(role));
  std::optional<long long> previous;
  try {
    long long existing = 0;
    session_ << "SELECT user_id FROM account_team WHERE customer_id = :c AND role = :r",
        soci::use(customer->id), soci::use(role_text), soci::into(existing);
    if (session_.got_data()) previous = existing;
  } catch (const soci::soci_error& e) {
    return Error{sql_failure("could not read the account team", e), ErrorKind::kInternal};
  }
  if (user_id) {
    auto user = Users(session_, clock_).find(*user_id);
    if (!user.ok()) return Error{user.failure()};
    if (!user.value()) {
      return Error{"user " + std::to_string(*user_id) + " does not exist",
                   ErrorKind::kInvalid,
                   {{"/user_id", "names no user"}}};
    }
    const auto& grants = (*user)->grants;
    const bool holds = std::any_of(grants.begin(), grants.end(),
                                   [&](const RoleGrant& g) { return g.role == role; });
    if (!holds) {
      return Error{"user " + std::to_string(*user_id) + " does not hold the " + role_text + " role",
                   ErrorKind::kInvalid,
                   {{"/user_id", "must be a user holding the " + role_text + " role"}}};
    }
    if ((*user)->disabled) {
      return Error{"user " + std::to_string(*user_id) + " is disabled",
                   ErrorKind::kInvalid,
                   {{"/user_id", "is disabled"}}};
    }
  }
  if (previous != user_id) {
    try {
      session_ << "DELETE FROM account_team WHERE customer_id = :c AND role = :r",
          soci::use(customer->id), soci::use(role_text);
      if (user_id) {
        session_ << "INSERT INTO account_team (customer_id, role, user_id) VALUES (:c, :r, :u)",
            soci::use(customer->id), soci::use(role_text), soci::use(*user_id);
      }
    } catch (const soci::soci_error& e) {
      return Error{sql_failure("could not change the account team", e), ErrorKind::kInternal};
    }
    nlohmann::json details = {
        {"role", role_text},
        {"from", previous ? nlohmann::json(*previous) : nlohmann::json(nullptr)},
        {"to", user_id ? nlohmann::json(*user_id) : nlohmann::json(nullptr)}};
    auto audited = audit(actor, customer_number, "assign_account_team", details.dump());
    if (!audited.ok()) return Error{audited.failure()};
  }
  return account_team(actor, customer_number);
}

}  // namespace candela::control

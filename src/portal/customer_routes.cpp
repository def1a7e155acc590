// /api/v1/customers: billing entities and their account teams.
#include <algorithm>

#include "control/countries.hpp"
#include "control/customers.hpp"
#include "portal/identity_support.hpp"

namespace candela::portal::identity {
namespace {

nlohmann::json customer_json(const control::Customer& c) {
  return {{"customer_number", c.customer_number},
          {"name", c.name},
          {"organisation_id", c.organisation_id},
          {"billing_address",
           {{"line1", c.address.line1},
            {"line2", c.address.line2},
            {"city", c.address.city},
            {"postal_code", c.address.postal_code},
            {"region", c.address.region}}},
          {"country", c.country},
          {"invoice_delivery", std::string(control::invoice_delivery_name(c.invoice_delivery))},
          {"invoice_email", c.invoice_email ? nlohmann::json(*c.invoice_email) : nlohmann::json()},
          {"created_at", timestamp(c.created_at)}};
}

nlohmann::json team_json(const std::vector<control::AccountTeamMember>& team) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& member : team) {
    nlohmann::json user = nullptr;
    if (member.user_id) {
      user = {{"id", *member.user_id},
              {"name", member.name},
              {"email", member.email},
              {"phone_office", member.phone_office},
              {"phone_mobile", member.phone_mobile}};
    }
    items.push_back({{"role", std::string(control::role_name(member.role))}, {"user", user}});
  }
  return {{"items", items}};
}

control::Customers customers(const IdentityState& state, soci::session& s) {
  return control::Customers(s, state.context.clock, state.context.random);
}

// Reads the optional billing_address object; nullopt when absent or invalid (errors recorded).
std::optional<control::BillingAddress> read_address(JsonReader& reader, const nlohmann::json& body,
                                                    const control::BillingAddress& base) {
  if (!body.contains("billing_address")) return std::nullopt;
  if (!reader.object("/billing_address")) return std::nullopt;
  reader.reject_unknown("/billing_address", {"line1", "line2", "city", "postal_code", "region"});
  control::BillingAddress address = base;
  std::pair<const char*, std::string*> fields[] = {{"line1", &address.line1},
                                                   {"line2", &address.line2},
                                                   {"city", &address.city},
                                                   {"postal_code", &address.postal_code},
                                                   {"region", &address.region}};
  for (auto& [name, target] : fields) {
    if (auto value = reader.string(std::string("/billing_address/") + name, false, 1000))
      *target = *value;
  }
  return address;
}

// The country, checked here too so that one answer lists it with the other field errors.
std::optional<std::string> read_country(JsonReader& reader, bool required) {
  auto country = reader.string("/country", required, 100);
  if (country && !control::is_iso_country_code(*country))
    reader.add_error("/country", control::country_problem(*country));
  return country;
}

std::optional<control::InvoiceDelivery> read_delivery(JsonReader& reader) {
  auto text = reader.string("/invoice_delivery", false, 100);
  if (!text) return std::nullopt;
  auto delivery = control::parse_invoice_delivery(*text);
  if (!delivery) reader.add_error("/invoice_delivery", "must be one of email, post, portal");
  return delivery;
}

// invoice_email: absent → unchanged (outer nullopt); null → cleared; string → set.
std::optional<std::optional<std::string>> read_invoice_email(JsonReader& reader,
                                                             const nlohmann::json& body) {
  if (!body.contains("invoice_email")) return std::nullopt;
  if (body["invoice_email"].is_null()) return std::optional<std::string>{};
  auto email = reader.string("/invoice_email", true, 1000);
  if (!email) return std::nullopt;
  return std::optional<std::string>{*email};
}

Response list_customers(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto page = parse_id_page(request);
  if (!page.ok()) return problem_response(page.problem(), request);
  auto listed = state.context.db.with_transaction([&](soci::session& s) {
    return customers(state, s).list(*principal, page->after_id, static_cast<int>(page->page.limit));
  });
  if (!listed.ok()) return error_response(listed.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& customer : listed->customers)
    body["items"].push_back(customer_json(customer));
  return page_response(request, *page, listed->next_after_id, std::move(body));
}

Response create_customer(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto body = object_body(request);
  if (!body.ok()) return problem_response(body.problem(), request);
  JsonReader reader(*body);
  reader.reject_unknown("", {"name", "organisation_id", "billing_address", "country",
                             "invoice_delivery", "invoice_email"});
  control::NewCustomer customer;
  auto name = reader.string("/name", true, 1000);
  if (body->contains("organisation_id") && !(*body)["organisation_id"].is_null()) {
    customer.organisation_id = reader.integer("/organisation_id", true, 1);
  }
  auto address = read_address(reader, *body, {});
  auto country = read_country(reader, true);
  auto delivery = read_delivery(reader);
  auto email = read_invoice_email(reader, *body);
  if (auto problem = reader.problem()) return problem_response(*problem, request);
  customer.name = *name;
  customer.address = address.value_or(control::BillingAddress{});
  customer.country = *country;
  customer.invoice_delivery = delivery.value_or(control::InvoiceDelivery::kEmail);
  if (email) customer.invoice_email = *email;
  auto created = state.context.db.with_transaction(
      [&](soci::session& s) { return customers(state, s).create(*principal, customer); });
  if (!created.ok()) return error_response(created.failure(), request);
  Response response = json_response(201, customer_json(*created));
  response.add_header("Location", "/api/v1/customers/" + created->customer_number);
  return response;
}

Response get_customer(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto customer = state.context.db.with_transaction([&](soci::session& s) {
    return customers(state, s).get(*principal, request.param("customer_number"));
  });
  if (!customer.ok()) return error_response(customer.failure(), request);
  return json_response(200, customer_json(*customer));
}

Response patch_customer(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto body = object_body(request);
  if (!body.ok()) return problem_response(body.problem(), request);
  JsonReader reader(*body);
  reader.reject_unknown(
      "", {"name", "billing_address", "country", "invoice_delivery", "invoice_email"});
  control::CustomerChange change;
  change.name = reader.string("/name", false, 1000);
  change.country = read_country(reader, false);
  change.invoice_delivery = read_delivery(reader);
  change.invoice_email = read_invoice_email(reader, *body);
  (void)read_address(reader, *body, {});  // only to report a malformed address now
  if (auto problem = reader.problem()) return problem_response(*problem, request);
  const std::string number = request.param("customer_number");
  auto updated =
      state.context.db.with_transaction([&](soci::session& s) -> Result<control::Customer> {
        auto store = customers(state, s);
        if (body->contains("billing_address")) {
          // Address members not sent keep their stored values.
          auto current = store.get(*principal, number);
          if (!current.ok()) return current;
          JsonReader address_reader(*body);
          change.address = read_address(address_reader, *body, current->address);
        }
        return store.update(*principal, number, change);
      });
  if (!updated.ok()) return error_response(updated.failure(), request);
  return json_response(200, customer_json(*updated));
}

Response get_team(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto team = state.context.db.with_transaction([&](soci::session& s) {
    return customers(state, s).account_team(*principal, request.param("customer_number"));
  });
  if (!team.ok()) return error_response(team.failure(), request);
  return json_response(200, team_json(*team));
}

Response put_team_member(const IdentityState& state, const Request& request) {
  auto principal = state.context.authenticate(request);
  if (!principal.ok()) return problem_response(principal.problem(), request);
  auto role = control::parse_role(request.param("role"));
  const auto& slots = control::account_team_roles();
  if (!role || std::find(slots.begin(), slots.end(), *role) == slots.end()) {
    return problem_response(
        not_found("no account-team role " + request.param("role") +
                  "; the roles are account_director, sales_engineer, customer_care_manager, "
                  "activation_engineer, cdn_support_technician, billing_coordinator"),
        request);
  }
  auto body = object_body(request);
  if (!body.ok()) return problem_response(body.problem(), request);
  JsonReader reader(*body);
  reader.reject_unknown("", {"user_id"});
  std::optional<long long> user_id;
  if (!body->contains("user_id")) {
    reader.add_error("/user_id", "is required (null to leave the role unassigned)");
  } else if (!(*body)["user_id"].is_null()) {
    user_id = reader.integer("/user_id", true, 1);
  }
  if (auto problem = reader.problem()) return problem_response(*problem, request);
  auto team = state.context.db.with_transaction([&](soci::session& s) {
    return customers(state, s).assign_account_team(*principal, request.param("customer_number"),
                                                   *role, user_id);
  });
  if (!team.ok()) return error_response(team.failure(), request);
  return json_response(200, team_json(*team));
}

}  // namespace

void register_customer_routes(Router& router, std::shared_ptr<const IdentityState> state) {
  router.add("GET", "/api/v1/customers",
             [state](const Request& request) { return list_customers(*state, request); });
  router.add("POST", "/api/v1/customers",
             [state](const Request& request) { return create_customer(*state, request); });
  router.add("GET", "/api/v1/customers/{customer_number}",
             [state](const Request& request) { return get_customer(*state, request); });
  router.add("PATCH", "/api/v1/customers/{customer_number}",
             [state](const Request& request) { return patch_customer(*state, request); });
  router.add("GET", "/api/v1/customers/{customer_number}/account-team",
             [state](const Request& request) { return get_team(*state, request); });
  router.add("PUT", "/api/v1/customers/{customer_number}/account-team/{role}",
             [state](const Request& request) { return put_team_member(*state, request); });
}

}  // namespace candela::portal::identity

// Contracts (docs/contracts.md): a service's contract items, the early termination quote for a
// disconnect, the product catalogue, customer terms (MSA), and the "service_cessation" job.
#include <soci/soci.h>

#include <cstdio>

#include "control/customer_terms.hpp"
#include "control/disconnect_quotes.hpp"
#include "control/service_cessation.hpp"
#include "control/service_items.hpp"
#include "control/services.hpp"
#include "portal/contract_json.hpp"
#include "portal/etag.hpp"
#include "portal/json_body.hpp"
#include "portal/routes.hpp"
#include "portal/service_json.hpp"

namespace candela::portal {
namespace {

using control::CustomerTerms;
using control::CustomerTermsStore;
using control::ServiceItem;
using control::ServiceItems;
using control::Services;

CivilDate today(const ApiContext& context) {
  return utc_date_of(context.clock.now());
}

// GET /api/v1/services/{scid}/items: staff see every item; a customer sees the items billed to
// the service's current account (not a previous owner's prices after a transfer).
Response list_items(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto items =
      context.db.with_session([&](soci::session& session) -> Result<std::vector<ServiceItem>> {
        auto service = Services(session, context.clock).get(*principal, request.param("scid"));
        if (!service.ok()) return Error{service.failure()};
        auto all = ServiceItems(session, context.clock).for_service(service->scid);
        if (!all.ok() || principal->is_provider()) return all;
        std::vector<ServiceItem> own;
        for (ServiceItem& item : *all) {
          if (item.customer_number == service->customer_number) own.push_back(std::move(item));
        }
        return own;
      });
  if (!items.ok()) return service_error(items.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  const CivilDate on = today(context);
  for (const ServiceItem& item : *items)
    body["items"].push_back(service_item_json(item, on));
  return json_body_response(200, body);
}

// POST /api/v1/services/{scid}/disconnect-quote {"cessation_date", "item_ids"?}: no change.
Response quote_disconnect(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto body = object_body_of(request);
  if (!body) return body.problem().to_response(request.request_id);
  JsonReader reader(*body);
  reader.reject_unknown("", {"cessation_date", "item_ids"});
  std::optional<CivilDate> cessation;
  if (auto text = reader.string("/cessation_date", true, 10)) {
    cessation = parse_civil_date(*text);
    if (!cessation) reader.add_error("/cessation_date", "must be a date YYYY-MM-DD");
  }
  std::optional<std::vector<long long>> item_ids;
  if (const nlohmann::json* ids = reader.array("/item_ids", false)) {
    item_ids.emplace();
    if (ids->empty())
      reader.add_error("/item_ids", "must name at least one item (or leave it out)");
    for (std::size_t i = 0; i < ids->size(); ++i) {
      const nlohmann::json& id = (*ids)[i];
      if (!id.is_number_integer() || id.get<long long>() < 1) {
        reader.add_error("/item_ids/" + std::to_string(i), "must be a positive integer");
      } else {
        item_ids->push_back(id.get<long long>());
      }
    }
  }
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  auto quote = context.db.with_session(
      [&](soci::session& session) -> Result<control::ServiceDisconnectQuote> {
        auto service = Services(session, context.clock).get(*principal, request.param("scid"));
        if (!service.ok()) return Error{service.failure()};
        return control::quote_service_disconnect(session, context.clock, service->scid, *cessation,
                                                 item_ids);
      });
  if (!quote.ok()) return service_error(quote.failure(), request);
  return json_body_response(200, control::disconnect_quote_to_json(*quote));
}

// GET /api/v1/products: the catalogue, for anyone signed in.
Response list_products(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  nlohmann::json body = {{"products", nlohmann::json::array()}};
  for (const control::Product& product : control::product_catalog()) {
    body["products"].push_back(product_json(product));
  }
  return json_body_response(200, body);
}

ETag terms_etag(const CustomerTerms& terms) {
  return ETag::from_content(customer_terms_json(terms).dump());
}

Response terms_response(const CustomerTerms& terms) {
  Response response = json_body_response(200, customer_terms_json(terms));
  response.set_header("ETag", terms_etag(terms).header_value());
  return response;
}

Response get_terms(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto terms = context.db.with_session([&](soci::session& session) {
    return CustomerTermsStore(session, context.clock)
        .get(*principal, request.param("customer_number"));
  });
  if (!terms.ok()) return service_error(terms.failure(), request);
  const ETag etag = terms_etag(*terms);
  if (evaluate_if_none_match(request, etag) == ReadPrecondition::kNotModified) {
    return not_modified(etag);
  }
  return terms_response(*terms);
}

// PUT: every field plus "reason"; If-Match (optional) on the terms' ETag.
Response put_terms(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto body = object_body_of(request);
  if (!body) return body.problem().to_response(request.request_id);
  JsonReader reader(*body);
  reader.reject_unknown("",
                        {"msa_reference", "currency", "payment_terms_days", "warning_after_days",
                         "final_warning_after_days", "suspend_after_days", "reason"});
  CustomerTerms wanted;
  wanted.customer_number = request.param("customer_number");
  if (auto msa = reader.string("/msa_reference", true, 100)) wanted.msa_reference = *msa;
  if (auto currency = reader.string("/currency", true, 3)) wanted.currency = *currency;
  const auto days = [&](std::string_view pointer, int& field) {
    if (auto value = reader.integer(pointer, true, 1, 365)) field = static_cast<int>(*value);
  };
  days("/payment_terms_days", wanted.payment_terms_days);
  days("/warning_after_days", wanted.warning_after_days);
  days("/final_warning_after_days", wanted.final_warning_after_days);
  days("/suspend_after_days", wanted.suspend_after_days);
  auto reason = reader.string("/reason", true, 1000);
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);

  std::optional<Problem> precondition;
  auto stored = context.db.with_transaction([&](soci::session& session) -> Result<CustomerTerms> {
    precondition.reset();  // the transaction may run again after a conflict
    CustomerTermsStore store(session, context.clock);
    auto current = store.get(*principal, wanted.customer_number);
    if (!current.ok()) return current;
    precondition = evaluate_if_match(request, terms_etag(*current), IfMatchRule::kOptional);
    if (precondition) return Error{"precondition failed", ErrorKind::kPrecondition};
    return store.put(*principal, wanted, *reason);
  });
  if (precondition) return precondition->to_response(request.request_id);
  if (!stored.ok()) return service_error(stored.failure(), request);
  return terms_response(*stored);
}

// Disconnects services whose contract items have all ended (each in its own transaction), then
// wakes the edges' long polls.
void run_cessation_job(ApiContext& context) {
  const CivilDate on = today(context);
  auto due = context.db.with_session(
      [&](soci::session& session) { return control::services_to_cease(session, on); });
  if (!due.ok()) {
    std::fprintf(stderr, "candela portal: service_cessation: %s\n", due.error().c_str());
    return;
  }
  for (const control::EndedService& service : *due) {
    auto ceased = context.db.with_transaction([&](soci::session& session) {
      return control::cease_service(session, context.clock, service.scid);
    });
    if (!ceased.ok()) {
      std::fprintf(stderr, "candela portal: service_cessation of %s: %s\n", service.scid.c_str(),
                   ceased.error().c_str());
      continue;
    }
    if (*ceased) context.feed_signal.published(**ceased);
  }
}

}  // namespace

void register_contract_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/services/{scid}/items",
             [&context](const Request& request) { return list_items(context, request); });
  router.add("POST", "/api/v1/services/{scid}/disconnect-quote",
             [&context](const Request& request) { return quote_disconnect(context, request); });
  router.add("GET", "/api/v1/products",
             [&context](const Request& request) { return list_products(context, request); });
  router.add("GET", "/api/v1/customers/{customer_number}/terms",
             [&context](const Request& request) { return get_terms(context, request); });
  router.add("PUT", "/api/v1/customers/{customer_number}/terms",
             [&context](const Request& request) { return put_terms(context, request); });
  context.jobs.push_back(BackgroundJob{"service_cessation", std::chrono::minutes(1),
                                       [&context] { run_cessation_job(context); }});
}

}  // namespace candela::portal

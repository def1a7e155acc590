// Payments, balances, the aging report and the "collections" job (docs/payments.md).
#include <soci/soci.h>

#include <charconv>
#include <cstdio>

#include "control/aging.hpp"
#include "control/collections.hpp"
#include "control/payments.hpp"
#include "portal/feed_json.hpp"
#include "portal/json_body.hpp"
#include "portal/pagination.hpp"
#include "portal/payment_json.hpp"
#include "portal/routes.hpp"

namespace candela::portal {
namespace {

constexpr std::int64_t kMaxMoney = control::Payments::kMaxAmountMinor;

ApiResult<control::NewPayment> read_new_payment(const nlohmann::json& document) {
  JsonReader reader(document);
  reader.reject_unknown("", {"customer_number", "method", "reference", "amount_minor",
                             "received_on", "note", "allocations"});
  control::NewPayment payment;
  payment.customer_number = reader.string("/customer_number", true, 64).value_or("");
  payment.method = reader.string("/method", true, 16).value_or("");
  payment.reference =
      reader.string("/reference", false, control::Payments::kMaxReferenceLength).value_or("");
  payment.amount_minor = reader.integer("/amount_minor", true, 1, kMaxMoney).value_or(0);
  payment.received_on = reader.string("/received_on", true, 32).value_or("");
  payment.note = reader.string("/note", false, control::Payments::kMaxNoteLength).value_or("");
  if (const auto* list = reader.array("/allocations", false)) {
    payment.allocations.emplace();
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string at = "/allocations/" + std::to_string(i);
      if (!(*list)[i].is_object()) {
        reader.add_error(at, "must be an object with invoice_number and amount_minor");
        continue;
      }
      reader.reject_unknown(at, {"invoice_number", "amount_minor"});
      control::PaymentAllocation allocation;
      allocation.invoice_number = reader.string(at + "/invoice_number", true, 64).value_or("");
      allocation.amount_minor =
          reader.integer(at + "/amount_minor", true, 1, kMaxMoney).value_or(0);
      payment.allocations->push_back(std::move(allocation));
    }
  }
  if (auto problem = reader.problem()) return *problem;
  return payment;
}

Response record_payment(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  auto payment = read_new_payment(*document);
  if (!payment) return payment.problem().to_response(request.request_id);
  auto recorded = context.db.with_transaction([&](soci::session& session) {
    return control::Payments(session, context.clock).record(*principal, *payment);
  });
  if (!recorded.ok()) return error_response(recorded.failure(), request);
  Response response = json_response(201, payment_json(*recorded));
  response.set_header("Location", "/api/v1/payments/" + std::to_string(recorded->id));
  return response;
}

Response list_payments(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto page = parse_page_request(request);
  if (!page) return page.problem().to_response(request.request_id);
  control::PaymentQuery query;
  query.limit = static_cast<int>(page->limit);
  query.customer_number = request.query_param("customer_number");
  if (page->after_key) {
    long long before = 0;
    const std::string& key = *page->after_key;
    if (std::from_chars(key.data(), key.data() + key.size(), before).ptr !=
        key.data() + key.size()) {
      return bad_request("query parameter cursor is not a cursor this API returned")
          .to_response(request.request_id);
    }
    query.before_id = before;
  }
  auto listed = context.db.with_session([&](soci::session& session) {
    return control::Payments(session, context.clock).list(*principal, query);
  });
  if (!listed.ok()) return error_response(listed.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& payment : listed->payments)
    body["items"].push_back(payment_json(payment));
  std::optional<long long> last;
  if (listed->next_before) last = *listed->next_before;
  return page_response(request, *page, last, std::move(body));
}

Response get_payment(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  const std::string& text = request.param("id");
  long long id = 0;
  if (std::from_chars(text.data(), text.data() + text.size(), id).ptr !=
          text.data() + text.size() ||
      id <= 0) {
    return error_response(Error{"there is no payment " + text, ErrorKind::kNotFound}, request);
  }
  auto payment = context.db.with_session([&](soci::session& session) {
    return control::Payments(session, context.clock).get(*principal, id);
  });
  if (!payment.ok()) return error_response(payment.failure(), request);
  return json_response(200, payment_json(*payment));
}

Response get_balance(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto balance = context.db.with_session([&](soci::session& session) {
    return control::Balances(session, context.clock)
        .get(*principal, request.param("customer_number"));
  });
  if (!balance.ok()) return error_response(balance.failure(), request);
  return json_response(200, balance_json(*balance));
}

Response get_aging(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto report = context.db.with_session([&](soci::session& session) {
    return control::Balances(session, context.clock).aging_report(*principal);
  });
  if (!report.ok()) return error_response(report.failure(), request);
  nlohmann::json body = {{"as_of", format_civil_date(utc_date_of(context.clock.now()))},
                         {"customers", nlohmann::json::array()}};
  for (const auto& balance : *report)
    body["customers"].push_back(balance_json(balance, true));
  return json_response(200, body);
}

// One transaction per customer, so one customer's failure does not hold up the others; each
// pass is idempotent (steps are recorded once, suspension only when none is open).
void run_collections_job(ApiContext& context) {
  auto customers = context.db.with_session([&](soci::session& session) {
    return control::Collections(session, context.clock).customers_to_check();
  });
  if (!customers.ok()) {
    std::fprintf(stderr, "candela portal: collections: %s\n", customers.error().c_str());
    return;
  }
  for (const long long customer_id : *customers) {
    auto done = context.db.with_transaction([&](soci::session& session) {
      return control::Collections(session, context.clock, context.settings.public_url)
          .run_customer(customer_id);
    });
    if (!done.ok()) {
      std::fprintf(stderr, "candela portal: collections for customer %lld: %s\n", customer_id,
                   done.error().c_str());
    }
  }
}

}  // namespace

void register_payment_routes(Router& router, ApiContext& context) {
  router.add("POST", "/api/v1/payments",
             [&context](const Request& request) { return record_payment(context, request); });
  router.add("GET", "/api/v1/payments",
             [&context](const Request& request) { return list_payments(context, request); });
  router.add("GET", "/api/v1/payments/{id}",
             [&context](const Request& request) { return get_payment(context, request); });
  router.add("GET", "/api/v1/customers/{customer_number}/balance",
             [&context](const Request& request) { return get_balance(context, request); });
  router.add("GET", "/api/v1/billing/aging",
             [&context](const Request& request) { return get_aging(context, request); });
  context.jobs.push_back(BackgroundJob{"collections", std::chrono::minutes(1),
                                       [&context] { run_collections_job(context); }});
}

}  // namespace candela::portal

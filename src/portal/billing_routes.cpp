// Billing: runs (the billing coordinator's, and the monthly job), invoices and their HTML, PDF
// and CSV renderings.
#include <soci/soci.h>

#include <charconv>
#include <cstdio>

#include "common/civil_date.hpp"
#include "control/billing_run.hpp"
#include "control/invoice_csv.hpp"
#include "control/invoice_html.hpp"
#include "control/invoice_pdf.hpp"
#include "control/invoices.hpp"
#include "portal/feed_json.hpp"
#include "portal/invoice_json.hpp"
#include "portal/json_body.hpp"
#include "portal/pagination.hpp"
#include "portal/routes.hpp"

namespace candela::portal {
namespace {

control::InvoiceDeliverySettings delivery_settings(const ApiContext& context) {
  control::InvoiceDeliverySettings settings;
  settings.depository_email = context.settings.invoice_depository_email;
  settings.public_url = context.settings.public_url;
  return settings;
}

CivilDate today(const ApiContext& context) {
  return utc_date_of(context.clock.now());
}

// The page's cursor as the id the next page lies below; nullopt (and a problem) when garbled.
std::optional<std::optional<long long>> before_id(const PageRequest& page) {
  if (!page.after_key) return std::optional<long long>();
  long long id = 0;
  const std::string& key = *page.after_key;
  auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), id);
  if (error != std::errc() || end != key.data() + key.size() || id <= 0) return std::nullopt;
  return std::optional<long long>(id);
}

Response start_run(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  JsonReader reader(*document);
  reader.reject_unknown("", {"period", "customer_number"});
  std::optional<BillingMonth> period;
  if (auto text = reader.string("/period", true, 7)) {
    period = parse_billing_month(*text);
    if (!period) reader.add_error("/period", "must be a month as YYYY-MM, e.g. \"2026-11\"");
  }
  auto customer_number = reader.string("/customer_number", false, 8);
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  auto ran = context.db.with_transaction([&](soci::session& session) {
    return control::BillingRun(session, context.clock, delivery_settings(context))
        .run(*principal, *period, customer_number);
  });
  if (!ran.ok()) return error_response(ran.failure(), request);
  return json_response(201, billing_run_json(*ran, true));
}

Response list_runs(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto page = parse_page_request(request);
  if (!page) return page.problem().to_response(request.request_id);
  auto before = before_id(*page);
  if (!before) {
    return bad_request("query parameter cursor is not a cursor this API returned")
        .to_response(request.request_id);
  }
  auto listed = context.db.with_session([&](soci::session& session) {
    return control::BillingRun(session, context.clock, delivery_settings(context))
        .list(*principal, *before, static_cast<int>(page->limit));
  });
  if (!listed.ok()) return error_response(listed.failure(), request);
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& run : listed->runs)
    body["items"].push_back(billing_run_json(run, false));
  return page_response(request, *page, listed->next_before_id, std::move(body));
}

Response list_invoices(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto page = parse_page_request(request);
  if (!page) return page.problem().to_response(request.request_id);
  control::InvoiceQuery query;
  query.limit = static_cast<int>(page->limit);
  auto before = before_id(*page);
  if (!before) {
    return bad_request("query parameter cursor is not a cursor this API returned")
        .to_response(request.request_id);
  }
  query.before_id = *before;
  query.customer_number = request.query_param("customer_number");
  if (auto period = request.query_param("period")) {
    query.period = parse_billing_month(*period);
    if (!query.period) {
      return bad_request("query parameter period must be a month as YYYY-MM")
          .to_response(request.request_id);
    }
  }
  if (auto status = request.query_param("status")) {
    query.status = control::parse_invoice_status(*status);
    if (!query.status) {
      return bad_request("query parameter status must be open, paid or overdue")
          .to_response(request.request_id);
    }
  }
  auto listed = context.db.with_session([&](soci::session& session) {
    return control::Invoices(session, context.clock).list(*principal, query);
  });
  if (!listed.ok()) return error_response(listed.failure(), request);
  const CivilDate now = today(context);
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& invoice : listed->invoices)
    body["items"].push_back(invoice_summary_json(invoice, now));
  return page_response(request, *page, listed->next_before_id, std::move(body));
}

Result<control::Invoice> readable_invoice(ApiContext& context, const Request& request,
                                          const control::Principal& principal) {
  return context.db.with_session([&](soci::session& session) {
    return control::Invoices(session, context.clock)
        .get(principal, request.param("invoice_number"));
  });
}

Response get_invoice(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto invoice = readable_invoice(context, request, *principal);
  if (!invoice.ok()) return error_response(invoice.failure(), request);
  return json_response(200, invoice_json(*invoice, today(context)));
}

Response invoice_document(ApiContext& context, const Request& request, const std::string& format) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto invoice = readable_invoice(context, request, *principal);
  if (!invoice.ok()) return error_response(invoice.failure(), request);
  const std::string filename = invoice->invoice_number + "." + format;
  Response response;
  if (format == "html") {
    response = Response::with_body(200, "text/html; charset=utf-8",
                                   control::render_invoice_html(*invoice));
    // The page needs nothing but its own inline styles.
    response.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    response.set_header("Content-Disposition", "inline; filename=\"" + filename + "\"");
  } else if (format == "pdf") {
    auto pdf = control::render_invoice_pdf(*invoice);
    if (!pdf.ok()) return error_response(pdf.failure(), request);
    response = Response::with_body(200, "application/pdf", std::move(*pdf));
    response.set_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  } else {
    response =
        Response::with_body(200, "text/csv; charset=utf-8", control::render_invoice_csv(*invoice));
    response.set_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  }
  response.set_header("Cache-Control", "private, no-cache");
  return response;
}

}  // namespace

// On or after the 1st, the previous month for every customer that has something to bill and no
// invoice for it yet (also one whose items were entered late); nothing to do, no run recorded.
void run_billing_job(ApiContext& context) {
  const BillingMonth period = previous_month(month_of(today(context)));
  auto pending = context.db.with_session([&](soci::session& session) {
    return control::BillingRun(session, context.clock, delivery_settings(context))
        .pending_customers(period);
  });
  if (!pending.ok()) {
    std::fprintf(stderr, "candela portal: billing run: %s\n", pending.error().c_str());
    return;
  }
  if (pending->empty()) return;
  auto ran = context.db.with_transaction([&](soci::session& session) {
    return control::BillingRun(session, context.clock, delivery_settings(context))
        .run_as_system(period, std::nullopt);
  });
  if (!ran.ok()) {
    std::fprintf(stderr, "candela portal: billing run %s: %s\n",
                 format_billing_month(period).c_str(), ran.error().c_str());
    return;
  }
  std::fprintf(stderr, "candela portal: billing run %s: %d invoice(s) issued, %d existing\n",
               format_billing_month(period).c_str(), ran->invoices_created, ran->invoices_existing);
}

void register_billing_routes(Router& router, ApiContext& context) {
  router.add("POST", "/api/v1/billing/runs",
             [&context](const Request& request) { return start_run(context, request); });
  router.add("GET", "/api/v1/billing/runs",
             [&context](const Request& request) { return list_runs(context, request); });
  router.add("GET", "/api/v1/invoices",
             [&context](const Request& request) { return list_invoices(context, request); });
  router.add("GET", "/api/v1/invoices/{invoice_number}",
             [&context](const Request& request) { return get_invoice(context, request); });
  for (const char* format : {"html", "pdf", "csv"}) {
    router.add("GET", std::string("/api/v1/invoices/{invoice_number}/") + format,
               [&context, format](const Request& request) {
                 return invoice_document(context, request, format);
               });
  }
  if (context.settings.billing_job) {
    context.jobs.push_back(BackgroundJob{"billing_run", std::chrono::minutes(10),
                                         [&context] { run_billing_job(context); }});
  }
}

}  // namespace candela::portal

// Billing-request endpoints (contract section 6). Handlers translate HTTP ↔
// control::BillingRequests; tenancy, roles and rules live in the domain.
#include <soci/soci.h>

#include <charconv>

#include "control/attachment_files.hpp"
#include "control/billing_request_attachments.hpp"
#include "control/billing_requests.hpp"
#include "portal/attachment_http.hpp"
#include "portal/billing_request_json.hpp"
#include "portal/feed_json.hpp"
#include "portal/json_body.hpp"
#include "portal/pagination.hpp"
#include "portal/routes.hpp"

namespace candela::portal {
namespace {

using control::BillingRequests;

std::optional<long long> parse_number(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool present(const nlohmann::json& document, const char* member) {
  return document.is_object() && document.contains(member) && !document.at(member).is_null();
}

std::optional<std::string> optional_string(JsonReader& reader, const nlohmann::json& document,
                                           const char* member, std::size_t max_length) {
  if (!present(document, member)) return std::nullopt;
  return reader.string(std::string("/") + member, true, max_length);
}

// An amount in minor units: an integer (the domain checks its range, at the same pointer).
std::optional<long long> optional_amount(JsonReader& reader, const nlohmann::json& document,
                                         const char* member) {
  if (!present(document, member)) return std::nullopt;
  const auto& value = document.at(member);
  if (!value.is_number_integer()) {
    reader.add_error(std::string("/") + member, "must be an integer amount in minor units");
    return std::nullopt;
  }
  return reader.integer(std::string("/") + member, true);
}

// The answer to a change: the whole request as the caller sees it now.
Result<nlohmann::json> detail_json(soci::session& session, ApiContext& context,
                                   const control::Principal& principal,
                                   const std::string& reference) {
  auto detail = BillingRequests(session, context.clock).get(principal, reference);
  if (!detail.ok()) return Error{detail.failure()};
  return billing_request_json(*detail);
}

Response open_request(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  if (!document->is_object()) {
    return bad_request("the body must be a JSON object").to_response(request.request_id);
  }
  JsonReader reader(*document);
  reader.reject_unknown("", {"invoice_number", "line_number", "kind", "subject", "description",
                             "disputed_amount_minor"});
  constexpr std::size_t kText = BillingRequests::kMaxTextLength + 1;  // the domain says "too long"
  control::BillingRequestDraft draft;
  draft.invoice_number = reader.string("/invoice_number", true, 64).value_or("");
  draft.kind = reader.string("/kind", true, 64).value_or("");
  draft.subject = reader.string("/subject", true, kText).value_or("");
  draft.description = reader.string("/description", true, kText).value_or("");
  if (present(*document, "line_number")) {
    draft.line_number = reader.integer("/line_number", true);
  }
  draft.disputed_amount_minor = optional_amount(reader, *document, "disputed_amount_minor");
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  auto created = context.db.with_transaction([&](soci::session& session) -> Result<nlohmann::json> {
    auto opened = BillingRequests(session, context.clock).open(*principal, draft);
    if (!opened.ok()) return Error{opened.failure()};
    return detail_json(session, context, *principal, opened->reference);
  });
  if (!created.ok()) return error_response(created.failure(), request);
  Response response = json_response(201, *created);
  response.set_header("Location",
                      "/api/v1/billing-requests/" + (*created)["reference"].get<std::string>());
  return response;
}

Response list_requests(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto page = parse_page_request(request);
  if (!page) return page.problem().to_response(request.request_id);
  std::optional<long long> before;
  if (page->after_key) {
    before = parse_number(*page->after_key);
    if (!before) {
      return bad_request("query parameter cursor is not a cursor this API returned")
          .to_response(request.request_id);
    }
  }
  control::BillingRequestFilter filter;
  filter.state = request.query_param("state");
  filter.customer_number = request.query_param("customer_number");
  filter.invoice_number = request.query_param("invoice_number");
  auto listed = context.db.with_session([&](soci::session& session) {
    return BillingRequests(session, context.clock)
        .list(*principal, filter, before, static_cast<int>(page->limit));
  });
  if (!listed.ok()) {
    if (listed.error_kind() == ErrorKind::kInvalid) {
      return bad_request("query parameter " + listed.error()).to_response(request.request_id);
    }
    return error_response(listed.failure(), request);
  }
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& item : listed->requests)
    body["items"].push_back(billing_request_summary_json(item));
  return page_response(request, *page, listed->next_before, std::move(body));
}

Response get_request(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto found = context.db.with_session([&](soci::session& session) {
    return detail_json(session, context, *principal, request.param("reference"));
  });
  if (!found.ok()) return error_response(found.failure(), request);
  return json_response(200, *found);
}

// Runs one change and answers with the whole request as the caller sees it.
template <typename Change>
Response change_request(ApiContext& context, const Request& request,
                        const control::Principal& principal, int status, Change&& change) {
  const std::string& reference = request.param("reference");
  auto changed = context.db.with_transaction([&](soci::session& session) -> Result<nlohmann::json> {
    auto done = change(session);
    if (!done.ok()) return Error{done.failure()};
    return detail_json(session, context, principal, reference);
  });
  if (!changed.ok()) return error_response(changed.failure(), request);
  return json_response(status, *changed);
}

Response add_note(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  JsonReader reader(*document);
  reader.reject_unknown("", {"text", "visibility"});
  auto text = reader.string("/text", true, BillingRequests::kMaxTextLength + 1);
  auto visibility = control::BillingRequestVisibility::kPublic;
  if (auto name = optional_string(reader, *document, "visibility", 64)) {
    if (auto parsed = control::parse_billing_request_visibility(*name)) {
      visibility = *parsed;
    } else {
      reader.add_error("/visibility", "must be \"public\" or \"internal\"");
    }
  }
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  return change_request(context, request, *principal, 201, [&](soci::session& session) {
    return BillingRequests(session, context.clock)
        .add_note(*principal, request.param("reference"), *text, visibility);
  });
}

Response transition_request(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  JsonReader reader(*document);
  reader.reject_unknown("", {"to", "reason", "resolution", "credit_minor", "explanation"});
  constexpr std::size_t kText = BillingRequests::kMaxTextLength + 1;
  control::BillingRequestTransition change;
  change.to = reader.string("/to", true, 64).value_or("");
  change.reason = optional_string(reader, *document, "reason", kText);
  change.resolution = optional_string(reader, *document, "resolution", 64);
  change.credit_minor = optional_amount(reader, *document, "credit_minor");
  change.explanation = optional_string(reader, *document, "explanation", kText);
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  return change_request(context, request, *principal, 200, [&](soci::session& session) {
    return BillingRequests(session, context.clock)
        .transition(*principal, request.param("reference"), change);
  });
}

Response upload_attachment(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  if (request.body.size() > control::kMaxAttachmentBytes) {
    return payload_too_large(control::kMaxAttachmentBytes).to_response(request.request_id);
  }
  control::BillingRequestUpload upload;
  upload.filename = request.query_param("filename").value_or("");
  upload.content_type = request.header("Content-Type").value_or("");
  upload.bytes = request.body;
  if (auto visibility = request.query_param("visibility")) {
    auto parsed = control::parse_billing_request_visibility(*visibility);
    if (!parsed) {
      return bad_request("query parameter visibility must be \"public\" or \"internal\"")
          .to_response(request.request_id);
    }
    upload.visibility = *parsed;
  }
  auto stored = context.db.with_transaction([&](soci::session& session) {
    return control::BillingRequestAttachments(session, context.clock, context.random,
                                              context.settings.attachment_store)
        .add(*principal, request.param("reference"), upload);
  });
  if (!stored.ok()) return error_response(stored.failure(), request);
  Response response = json_response(201, billing_request_attachment_json(*stored));
  response.set_header("Location", "/api/v1/billing-requests/" + request.param("reference") +
                                      "/attachments/" + std::to_string(stored->id));
  return response;
}

Response download_attachment(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  const auto id = parse_number(request.param("id"));
  if (!id || *id < 1) {
    return not_found("there is no attachment " + request.param("id"))
        .to_response(request.request_id);
  }
  auto found = context.db.with_session([&](soci::session& session) {
    return control::BillingRequestAttachments(session, context.clock, context.random,
                                              context.settings.attachment_store)
        .read(*principal, request.param("reference"), *id);
  });
  if (!found.ok()) return error_response(found.failure(), request);
  return attachment_response(found->info.filename, found->info.content_type,
                             std::move(found->content));
}

}  // namespace

void register_billing_request_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/billing-requests",
             [&context](const Request& request) { return list_requests(context, request); });
  router.add("POST", "/api/v1/billing-requests",
             [&context](const Request& request) { return open_request(context, request); });
  router.add("GET", "/api/v1/billing-requests/{reference}",
             [&context](const Request& request) { return get_request(context, request); });
  router.add("POST", "/api/v1/billing-requests/{reference}/notes",
             [&context](const Request& request) { return add_note(context, request); });
  router.add("POST", "/api/v1/billing-requests/{reference}/transitions",
             [&context](const Request& request) { return transition_request(context, request); });
  router.add("POST", "/api/v1/billing-requests/{reference}/attachments",
             [&context](const Request& request) { return upload_attachment(context, request); });
  router.add("GET", "/api/v1/billing-requests/{reference}/attachments/{id}",
             [&context](const Request& request) { return download_attachment(context, request); });
}

}  // namespace candela::portal

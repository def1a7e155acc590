// Ticket endpoints (contract section 3) and the "ticket-escalation" job. Handlers translate
// HTTP ↔ control::Tickets; tenancy, roles and validation live in the domain.
#include <soci/soci.h>

#include <charconv>
#include <cstdio>
#include <set>

#include "control/severity_matrix.hpp"
#include "control/ticket_attachments.hpp"
#include "control/ticket_validation.hpp"
#include "control/tickets.hpp"
#include "control/usage_time.hpp"
#include "portal/attachment_http.hpp"
#include "portal/feed_json.hpp"
#include "portal/json_body.hpp"
#include "portal/pagination.hpp"
#include "portal/routes.hpp"
#include "portal/ticket_json.hpp"

namespace candela::portal {
namespace {

using control::Tickets;

std::optional<long long> parse_number(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool present(const nlohmann::json& document, const std::string& pointer) {
  try {
    nlohmann::json::json_pointer path{pointer};
    return document.contains(path) && !document.at(path).is_null();
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

// An optional string member: absent or null is "not given".
std::optional<std::string> optional_string(JsonReader& reader, const nlohmann::json& document,
                                           const std::string& pointer,
                                           std::size_t max_length = 4096) {
  if (!present(document, pointer)) return std::nullopt;
  return reader.string(pointer, true, max_length);
}

// The draft as sent; JSON type errors are recorded in `reader`, rules are the domain's.
control::TicketDraft read_draft(JsonReader& reader, const nlohmann::json& document) {
  reader.reject_unknown("", {"type", "severity", "subject", "scid", "description", "alarm_info",
                             "problem_started_at", "contact", "language", "customer_number"});
  control::TicketDraft draft;
  constexpr std::size_t kText = Tickets::kMaxTextLength + 1;  // the domain says "too long"
  draft.type = optional_string(reader, document, "/type").value_or("");
  if (present(document, "/severity")) {
    if (auto severity = reader.integer("/severity", true, -1000, 1000)) {
      draft.severity = static_cast<int>(*severity);
    }
  }
  draft.subject = optional_string(reader, document, "/subject", kText).value_or("");
  draft.scid = optional_string(reader, document, "/scid");
  draft.description = optional_string(reader, document, "/description", kText).value_or("");
  draft.alarm_info = optional_string(reader, document, "/alarm_info", kText).value_or("");
  if (auto started = optional_string(reader, document, "/problem_started_at")) {
    if (auto ms = control::parse_utc_ms(*started, false)) {
      draft.problem_started_at = control::from_epoch_ms(*ms);
    } else {
      reader.add_error("/problem_started_at",
                       "must be a UTC time such as \"2026-11-25T14:00:00Z\"");
    }
  }
  if (present(document, "/contact") && reader.object("/contact")) {
    reader.reject_unknown("/contact", {"name", "email", "phones", "alternate_contact"});
    draft.contact.name = optional_string(reader, document, "/contact/name").value_or("");
    draft.contact.email = optional_string(reader, document, "/contact/email").value_or("");
    draft.contact.alternate_contact =
        optional_string(reader, document, "/contact/alternate_contact").value_or("");
    if (present(document, "/contact/phones")) {
      if (const auto* phones = reader.array("/contact/phones")) {
        for (std::size_t i = 0; i < phones->size(); ++i) {
          if (auto phone = reader.string("/contact/phones/" + std::to_string(i), true, 64)) {
            draft.contact.phones.push_back(*phone);
          } else {
            draft.contact.phones.push_back("");  // keeps the indexes of the rest
          }
        }
      }
    }
  }
  draft.language = optional_string(reader, document, "/language", 16);
  draft.customer_number = optional_string(reader, document, "/customer_number", 16);
  return draft;
}

// The reader's errors plus the domain's rules for fields the reader did not already flag: one
// 400 listing everything, without touching the store.
Problem draft_problem(const JsonReader& reader, const control::TicketDraft& draft, SysTime now) {
  std::vector<FieldError> errors = reader.errors();
  std::set<std::string> flagged;
  for (const auto& error : errors)
    flagged.insert(error.pointer);
  for (const auto& [pointer, message] : control::check_ticket_draft(draft, now).problems) {
    if (!flagged.count(pointer)) errors.push_back({pointer, message});
  }
  return bad_request("the ticket has " + std::to_string(errors.size()) +
                         " problem(s); each is listed with its field",
                     std::move(errors));
}

std::optional<control::SeverityLevel> targets_of(soci::session& session, int severity) {
  auto level = control::severity_level(session, severity);
  if (!level.ok()) return std::nullopt;
  return level.value();
}

// The ticket as `principal` may see it, as JSON.
Result<nlohmann::json> detail_json(soci::session& session, ApiContext& context,
                                   const control::Principal& principal,
                                   const std::string& reference) {
  auto detail = Tickets(session, context.clock).get(principal, reference);
  if (!detail.ok()) return Error{detail.failure()};
  return ticket_json(*detail, targets_of(session, detail->ticket.severity));
}

Response open_ticket(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  if (!document->is_object()) {
    return bad_request("the body must be a JSON object").to_response(request.request_id);
  }
  JsonReader reader(*document);
  const control::TicketDraft draft = read_draft(reader, *document);
  if (!reader.ok()) {
    return draft_problem(reader, draft, context.clock.now()).to_response(request.request_id);
  }
  auto created = context.db.with_transaction([&](soci::session& session) -> Result<nlohmann::json> {
    auto ticket = Tickets(session, context.clock).open(*principal, draft);
    if (!ticket.ok()) return Error{ticket.failure()};
    return detail_json(session, context, *principal, ticket->reference);
  });
  if (!created.ok()) return error_response(created.failure(), request);
  Response response = json_response(201, *created);
  response.set_header("Location", "/api/v1/tickets/" + (*created)["reference"].get<std::string>());
  return response;
}

Response list_tickets(ApiContext& context, const Request& request) {
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
  control::TicketFilter filter;
  filter.state = request.query_param("state");
  filter.type = request.query_param("type");
  filter.scid = request.query_param("scid");
  filter.customer_number = request.query_param("customer");
  filter.centre = request.query_param("centre");
  if (auto severity = request.query_param("severity")) {
    auto number = parse_number(*severity);
    if (!number || *number < 1 || *number > 4) {
      return bad_request("query parameter severity must be 1 to 4").to_response(request.request_id);
    }
    filter.severity = static_cast<int>(*number);
  }
  auto listed = context.db.with_session([&](soci::session& session) {
    return Tickets(session, context.clock)
        .list(*principal, filter, before, static_cast<int>(page->limit));
  });
  if (!listed.ok()) {
    if (listed.error_kind() == ErrorKind::kInvalid) {
      return bad_request("query parameter " + listed.error()).to_response(request.request_id);
    }
    return error_response(listed.failure(), request);
  }
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  for (const auto& ticket : listed->tickets)
    body["items"].push_back(ticket_summary_json(ticket));
  return page_response(request, *page, listed->next_before, std::move(body));
}

Response get_ticket(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto found = context.db.with_transaction([&](soci::session& session) {
    return detail_json(session, context, *principal, request.param("reference"));
  });
  if (!found.ok()) return error_response(found.failure(), request);
  return json_response(200, *found);
}

// Runs one change on the ticket and answers with the whole ticket as the caller sees it.
template <typename Change>
Response change_ticket(ApiContext& context, const Request& request,
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
  reader.reject_unknown("", {"body", "visibility"});
  auto body = reader.string("/body", true, Tickets::kMaxTextLength);
  auto visibility = control::TicketVisibility::kPublic;
  if (auto name = optional_string(reader, *document, "/visibility")) {
    if (auto parsed = control::parse_ticket_visibility(*name)) {
      visibility = *parsed;
    } else {
      reader.add_error("/visibility", "must be \"public\" or \"internal\"");
    }
  }
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  return change_ticket(context, request, *principal, 201, [&](soci::session& session) {
    return Tickets(session, context.clock)
        .add_note(*principal, request.param("reference"), *body, visibility);
  });
}

Response transition_ticket(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  JsonReader reader(*document);
  reader.reject_unknown("", {"to", "reason"});
  auto to = reader.string("/to", true, 64);
  auto reason = optional_string(reader, *document, "/reason", Tickets::kMaxTextLength);
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  return change_ticket(context, request, *principal, 200, [&](soci::session& session) {
    return Tickets(session, context.clock)
        .transition(*principal, request.param("reference"), *to, reason.value_or(""));
  });
}

Response patch_ticket(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  JsonReader reader(*document);
  reader.reject_unknown("", {"severity", "assignee_user_id", "reason"});
  control::TicketChanges changes;
  if (present(*document, "/severity")) {
    if (auto severity = reader.integer("/severity", true, -1000, 1000)) {
      changes.severity = static_cast<int>(*severity);
    }
  }
  if (document->is_object() && document->contains("assignee_user_id")) {
    if ((*document)["assignee_user_id"].is_null()) {
      changes.assignee_user_id = 0;  // unassign
    } else if (auto id = reader.integer("/assignee_user_id", true, 1)) {
      changes.assignee_user_id = *id;
    }
  }
  changes.reason = optional_string(reader, *document, "/reason", 2000).value_or("");
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  return change_ticket(context, request, *principal, 200, [&](soci::session& session) {
    return Tickets(session, context.clock).change(*principal, request.param("reference"), changes);
  });
}

Response escalate_ticket(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  auto document = parse_json_body(request);
  if (!document) return document.problem().to_response(request.request_id);
  JsonReader reader(*document);
  reader.reject_unknown("", {"reason"});
  auto reason = reader.string("/reason", true, Tickets::kMaxTextLength);
  if (auto problem = reader.problem()) return problem->to_response(request.request_id);
  return change_ticket(context, request, *principal, 200, [&](soci::session& session) {
    return Tickets(session, context.clock)
        .escalate(*principal, request.param("reference"), *reason);
  });
}

Response upload_attachment(ApiContext& context, const Request& request) {
  auto principal = context.authenticate(request);
  if (!principal) return principal.problem().to_response(request.request_id);
  if (request.body.size() > control::TicketAttachments::kMaxBytes) {
    return payload_too_large(control::TicketAttachments::kMaxBytes).to_response(request.request_id);
  }
  control::AttachmentUpload upload;
  upload.filename = request.query_param("filename").value_or("");
  upload.content_type = request.header("Content-Type").value_or("");
  upload.bytes = request.body;
  if (auto visibility = request.query_param("visibility")) {
    auto parsed = control::parse_ticket_visibility(*visibility);
    if (!parsed) {
      return bad_request("query parameter visibility must be \"public\" or \"internal\"")
          .to_response(request.request_id);
    }
    upload.visibility = *parsed;
  }
  auto stored = context.db.with_transaction([&](soci::session& session) {
    return control::TicketAttachments(session, context.clock, context.random,
                                      context.settings.attachment_store)
        .add(*principal, request.param("reference"), upload);
  });
  if (!stored.ok()) return error_response(stored.failure(), request);
  Response response = json_response(201, {{"id", stored->id},
                                          {"filename", stored->filename},
                                          {"size", stored->size},
                                          {"content_type", stored->content_type}});
  response.set_header("Location", "/api/v1/tickets/" + request.param("reference") +
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
  auto found = context.db.with_transaction([&](soci::session& session) {
    return control::TicketAttachments(session, context.clock, context.random,
                                      context.settings.attachment_store)
        .read(*principal, request.param("reference"), *id);
  });
  if (!found.ok()) return error_response(found.failure(), request);
  return attachment_response(found->info.filename, found->info.content_type,
                             std::move(found->content));
}

void run_ticket_jobs(ApiContext& context) {
  auto escalated = context.db.with_transaction(
      [&](soci::session& session) { return Tickets(session, context.clock).escalate_overdue(); });
  if (!escalated.ok()) {
    std::fprintf(stderr, "candela portal: ticket escalation failed: %s\n",
                 escalated.error().c_str());
  } else if (*escalated > 0) {
    std::fprintf(stderr, "candela portal: %d ticket(s) escalated\n", *escalated);
  }
  auto closed = context.db.with_transaction([&](soci::session& session) {
    return Tickets(session, context.clock).close_stale_resolved();
  });
  if (!closed.ok()) {
    std::fprintf(stderr, "candela portal: closing resolved tickets failed: %s\n",
                 closed.error().c_str());
  }
}

}  // namespace

void register_ticket_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/tickets",
             [&context](const Request& request) { return list_tickets(context, request); });
  router.add("POST", "/api/v1/tickets",
             [&context](const Request& request) { return open_ticket(context, request); });
  router.add("GET", "/api/v1/tickets/{reference}",
             [&context](const Request& request) { return get_ticket(context, request); });
  router.add("PATCH", "/api/v1/tickets/{reference}",
             [&context](const Request& request) { return patch_ticket(context, request); });
  router.add("POST", "/api/v1/tickets/{reference}/notes",
             [&context](const Request& request) { return add_note(context, request); });
  router.add("POST", "/api/v1/tickets/{reference}/transitions",
             [&context](const Request& request) { return transition_ticket(context, request); });
  router.add("POST", "/api/v1/tickets/{reference}/escalate",
             [&context](const Request& request) { return escalate_ticket(context, request); });
  router.add("POST", "/api/v1/tickets/{reference}/attachments",
             [&context](const Request& request) { return upload_attachment(context, request); });
  router.add("GET", "/api/v1/tickets/{reference}/attachments/{id}",
             [&context](const Request& request) { return download_attachment(context, request); });
  context.jobs.push_back(BackgroundJob{"ticket-escalation", std::chrono::seconds(15),
                                       [&context] { run_ticket_jobs(context); }});
}

}  // namespace candela::portal

// Billing-request changes: notes, review, cancellation and resolution (a credit on the next
// invoice through a billing adjustment, or an explanation), each with its timeline event, audit
// record and notices in the caller's transaction.
#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "common/ids.hpp"
#include "control/billing_adjustments.hpp"
#include "control/billing_request_access.hpp"
#include "control/billing_request_notices.hpp"
#include "control/billing_request_rows.hpp"
#include "control/billing_requests.hpp"
#include "control/principal_audit.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

bool is_blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

Error not_open(const BillingRequest& request) {
  return Error{request.reference + " is " + std::string(billing_request_state_name(request.state)) +
                   "; it can no longer change",
               ErrorKind::kConflict};
}

// The most a credit may be: what the request is about (the line's amount, or the invoice's new
// charges).
long long credit_ceiling(soci::session& session, const BillingRequest& request) {
  long long ceiling = 0;
  if (request.line_number) {
    long long line = *request.line_number;
    session << "SELECT amount_minor FROM invoice_lines WHERE invoice_id = :id"
               " AND line_number = :line",
        soci::use(request.invoice_id), soci::use(line), soci::into(ceiling);
  } else {
    session << "SELECT new_charges_minor FROM invoices WHERE id = :id",
        soci::use(request.invoice_id), soci::into(ceiling);
  }
  return ceiling;
}

std::optional<std::string> line_scid(soci::session& session, const BillingRequest& request) {
  if (!request.line_number) return std::nullopt;
  std::string scid;
  soci::indicator ind = soci::i_null;
  long long line = *request.line_number;
  session << "SELECT scid FROM invoice_lines WHERE invoice_id = :id AND line_number = :line",
      soci::use(request.invoice_id), soci::use(line), soci::into(scid, ind);
  if (!session.got_data() || ind != soci::i_ok || scid.empty()) return std::nullopt;
  return scid;
}

// The resolution fields of a "resolved" transition, every problem located.
Error check_resolution(soci::session& session, const BillingRequest& request,
                       const BillingRequestTransition& change,
                       std::optional<BillingResolution>& resolution) {
  Error problems{"the resolution is not valid"};
  if (!change.resolution) {
    problems.fields.emplace_back("/resolution", "is required: \"credit\" or \"explanation\"");
  } else {
    resolution = parse_billing_resolution(*change.resolution);
    if (!resolution) {
      problems.fields.emplace_back("/resolution", "must be \"credit\" or \"explanation\"");
    }
  }
  if (!change.explanation || is_blank(*change.explanation)) {
    problems.fields.emplace_back("/explanation", "is required: tell the customer why");
  } else if (change.explanation->size() > BillingRequests::kMaxTextLength) {
    problems.fields.emplace_back("/explanation", "is longer than 20000 characters");
  }
  if (change.reason) {
    problems.fields.emplace_back("/reason", "is not used when resolving; write /explanation");
  }
  if (resolution == BillingResolution::kCredit) {
    const long long ceiling = credit_ceiling(session, request);
    if (!change.credit_minor) {
      problems.fields.emplace_back("/credit_minor", "is required for a credit (minor units)");
    } else if (*change.credit_minor <= 0) {
      problems.fields.emplace_back("/credit_minor", "must be above 0");
    } else if (*change.credit_minor > ceiling) {
      problems.fields.emplace_back(
          "/credit_minor",
          "must be at most " + std::to_string(ceiling) +
              (request.line_number ? " (the line's amount)" : " (the invoice's new charges)"));
    }
  } else if (resolution == BillingResolution::kExplanation && change.credit_minor) {
    problems.fields.emplace_back("/credit_minor", "is for credits only");
  }
  return problems;
}

}  // namespace

Result<BillingRequest> BillingRequests::load_for(const Principal& principal,
                                                 const std::string& reference, bool write,
                                                 BillingRequestVisibility visibility) {
  return guarded("could not read the billing request", [&]() -> Result<BillingRequest> {
    const Error missing{"there is no billing request " + reference, ErrorKind::kNotFound};
    if (!parse_reference(ReferenceKind::kBillingRequest, reference)) return missing;
    auto request = load_billing_request(session_, reference);
    if (!request.ok()) return request;
    auto readable = check_may_read(session_, principal, *request);
    if (!readable.ok()) return Error{readable.failure()};
    if (!write) return request;
    if (principal.is_provider()) {
      if (!is_billing_coordinator(principal)) {
        return Error{"only the billing coordinator works on billing requests",
                     ErrorKind::kForbidden};
      }
    } else if (visibility == BillingRequestVisibility::kInternal) {
      return Error{"internal entries are for the billing coordinator only", ErrorKind::kForbidden};
    }
    if (!is_open_billing_request_state(request->state)) return not_open(*request);
    return request;
  });
}

Result<BillingRequestEvent> BillingRequests::add_note(const Principal& principal,
                                                      const std::string& reference,
                                                      const std::string& text,
                                                      BillingRequestVisibility visibility) {
  auto request = load_for(principal, reference, true, visibility);
  if (!request.ok()) return Error{request.failure()};
  return guarded("could not add the note", [&]() -> Result<BillingRequestEvent> {
    if (is_blank(text))
      return Error{"the note is empty", ErrorKind::kInvalid, {{"/text", "is required"}}};
    if (text.size() > kMaxTextLength) {
      return Error{"the note is too long",
                   ErrorKind::kInvalid,
                   {{"/text", "is longer than 20000 characters"}}};
    }
    const SysTime now = clock_.now();
    const auto actor = acting_user_id(principal);
    BillingRequestEvent event;
    event.at = now;
    event.actor_user_id = actor;
    event.actor_name = actor_name(principal);
    event.kind = BillingRequestEventKind::kNote;
    event.visibility = visibility;
    event.text = text;
    auto id = append_billing_request_event(
        session_, {request->id, now, actor, event.actor_name, event.kind, visibility, std::nullopt,
                   std::nullopt, text});
    if (!id.ok()) return Error{id.failure()};
    event.id = *id;
    request->updated_at = now;
    auto saved = save_billing_request(session_, *request);
    if (!saved.ok()) return Error{saved.failure()};
    AuditEntry entry = billing_request_audit(principal, *request, "note");
    entry.details = nlohmann::json{{"event_id", event.id},
                                   {"visibility", billing_request_visibility_name(visibility)}}
                        .dump();
    auto audited = append_billing_request_audit(session_, clock_, entry);
    if (!audited.ok()) return Error{audited.failure()};
    if (visibility == BillingRequestVisibility::kPublic) {
      auto to = billing_request_followers(session_, *request, actor);
      if (!to.ok()) return Error{to.failure()};
      if (!principal.is_provider()) {
        // The customer wrote: the coordinator hears of it too.
        auto coordinator =
            account_team_recipient(session_, request->customer_id, Role::kBillingCoordinator);
        if (!coordinator.ok()) return Error{coordinator.failure()};
        to->user_ids.insert(to->user_ids.end(), coordinator->user_ids.begin(),
                            coordinator->user_ids.end());
        to->roles = coordinator->roles;
      }
      auto sent = send_billing_request_notice(
          session_, clock_, kBillingRequestUpdatedNotice, *request,
          {{"actor", event.actor_name}, {"update", "New note:\n\n" + text}}, *to);
      if (!sent.ok()) return Error{sent.failure()};
    }
    return event;
  });
}

Result<BillingRequest> BillingRequests::transition(const Principal& principal,
                                                   const std::string& reference,
                                                   const BillingRequestTransition& change) {
  return guarded("could not change the billing request", [&]() -> Result<BillingRequest> {
    auto loaded = load_for(principal, reference, false, BillingRequestVisibility::kPublic);
    if (!loaded.ok()) return loaded;
    const auto target = parse_billing_request_state(change.to);
    if (!target || *target == BillingRequestState::kOpen) {
      return Error{"the billing request cannot move there",
                   ErrorKind::kInvalid,
                   {{"/to", "must be \"in_review\", \"cancelled\" or \"resolved\""}}};
    }
    BillingRequest request = std::move(loaded).value();
    // The role first (403), then the state (409), then the fields (400).
    if (*target == BillingRequestState::kCancelled) {
      auto right = check_customer_billing_right(session_, principal, request.organisation_id,
                                                "cancel their billing requests");
      if (!right.ok()) return Error{right.failure()};
    } else if (!is_billing_coordinator(principal)) {
      return Error{
          "only the billing coordinator " + std::string(*target == BillingRequestState::kInReview
                                                            ? "takes billing requests in review"
                                                            : "resolves billing requests"),
          ErrorKind::kForbidden};
    }
    if (!is_open_billing_request_state(request.state)) return not_open(request);
    if (*target == BillingRequestState::kInReview && request.state != BillingRequestState::kOpen) {
      return Error{request.reference + " is already in review", ErrorKind::kConflict};
    }
    std::optional<BillingResolution> resolution;
    if (*target == BillingRequestState::kResolved) {
      Error problems = check_resolution(session_, request, change, resolution);
      if (!problems.fields.empty()) return problems;
    } else {
      Error problems{"the transition is not valid"};
      for (const auto& [given, pointer] :
           {std::pair{change.resolution.has_value(), "/resolution"},
            std::pair{change.credit_minor.has_value(), "/credit_minor"},
            std::pair{change.explanation.has_value(), "/explanation"}}) {
        if (given) problems.fields.emplace_back(pointer, "is only for \"to\": \"resolved\"");
      }
      if (change.reason && change.reason->size() > kMaxTextLength) {
        problems.fields.emplace_back("/reason", "is longer than 20000 characters");
      }
      if (!problems.fields.empty()) return problems;
    }

    const SysTime now = clock_.now();
    const auto actor = acting_user_id(principal);
    const std::string from(billing_request_state_name(request.state));
    const std::string to(billing_request_state_name(*target));
    request.state = *target;
    request.updated_at = now;
    std::string text = change.reason.value_or("");
    if (*target == BillingRequestState::kResolved) {
      request.resolution = resolution;
      request.explanation = change.explanation;
      request.resolved_at = now;
      text = *change.explanation;
      if (resolution == BillingResolution::kCredit) {
        request.credit_minor = change.credit_minor;
        NewAdjustment credit;
        credit.customer_id = request.customer_id;
        credit.kind = AdjustmentKind::kCredit;
        credit.amount_minor = -*change.credit_minor;
        credit.description = "Credit for " + request.reference + " (" + request.invoice_number +
                             (request.line_number ? ", line " + std::to_string(*request.line_number)
                                                  : std::string()) +
                             ")";
        credit.scid = line_scid(session_, request);
        credit.source_reference = request.reference;
        credit.created_by = actor;
        auto added = add_billing_adjustment(session_, credit, now);
        if (!added.ok()) return Error{added.failure()};
      }
    }
    auto saved = save_billing_request(session_, request);
    if (!saved.ok()) return Error{saved.failure()};
    auto event = append_billing_request_event(
        session_, {request.id, now, actor, actor_name(principal), BillingRequestEventKind::kState,
                   BillingRequestVisibility::kPublic, from, to, text});
    if (!event.ok()) return Error{event.failure()};
    AuditEntry entry = billing_request_audit(principal, request, "transition");
    entry.from_state = from;
    entry.to_state = to;
    entry.reason = text;
    nlohmann::json details = nlohmann::json::object();
    if (resolution) {
      details["resolution"] = billing_resolution_name(*resolution);
      if (request.credit_minor) details["credit_minor"] = *request.credit_minor;
    }
    entry.details = details.dump();
    auto audited = append_billing_request_audit(session_, clock_, entry);
    if (!audited.ok()) return Error{audited.failure()};

    auto followers = billing_request_followers(session_, request, actor);
    if (!followers.ok()) return Error{followers.failure()};
    const std::string dedupe = "billing_request." + to + ":" + request.reference;
    Status sent = ok_status();
    if (*target == BillingRequestState::kResolved) {
      sent = send_billing_request_notice(session_, clock_, kBillingRequestResolvedNotice, request,
                                         {}, *followers, dedupe);
    } else if (*target == BillingRequestState::kCancelled) {
      auto coordinator =
          account_team_recipient(session_, request.customer_id, Role::kBillingCoordinator);
      if (!coordinator.ok()) return Error{coordinator.failure()};
      followers->user_ids.insert(followers->user_ids.end(), coordinator->user_ids.begin(),
                                 coordinator->user_ids.end());
      followers->roles = coordinator->roles;
      sent = send_billing_request_notice(
          session_, clock_, kBillingRequestCancelledNotice, request,
          {{"actor", actor_name(principal)}, {"update", text.empty() ? "No reason given." : text}},
          *followers, dedupe);
    } else {
      sent = send_billing_request_notice(
          session_, clock_, kBillingRequestUpdatedNotice, request,
          {{"actor", actor_name(principal)},
           {"update", "Your billing coordinator is reviewing the request." +
                          (text.empty() ? std::string() : "\n\n" + text)}},
          *followers, dedupe);
    }
    if (!sent.ok()) return Error{sent.failure()};
    return load_billing_request(session_, request.reference);
  });
}

}  // namespace candela::control

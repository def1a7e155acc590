// Billing requests: names, opening (validation against the invoice, numbering, assignment to
// the account team's billing coordinator), listing and reading with tenancy.
#include "control/billing_requests.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "common/enum_names.hpp"
#include "common/ids.hpp"
#include "control/billing_request_access.hpp"
#include "control/billing_request_notices.hpp"
#include "control/billing_request_rows.hpp"
#include "control/principal_audit.hpp"
#include "control/reference_numbers.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

constexpr std::array<std::pair<BillingRequestKind, std::string_view>, 2> kKindNames{{
    {BillingRequestKind::kInquiry, "inquiry"},
    {BillingRequestKind::kDispute, "dispute"},
}};
constexpr std::array<std::pair<BillingRequestState, std::string_view>, 4> kStateNames{{
    {BillingRequestState::kOpen, "open"},
    {BillingRequestState::kInReview, "in_review"},
    {BillingRequestState::kResolved, "resolved"},
    {BillingRequestState::kCancelled, "cancelled"},
}};
constexpr std::array<std::pair<BillingResolution, std::string_view>, 2> kResolutionNames{{
    {BillingResolution::kCredit, "credit"},
    {BillingResolution::kExplanation, "explanation"},
}};
constexpr std::array<std::pair<BillingRequestVisibility, std::string_view>, 2> kVisibilityNames{{
    {BillingRequestVisibility::kPublic, "public"},
    {BillingRequestVisibility::kInternal, "internal"},
}};
constexpr std::array<std::pair<BillingRequestEventKind, std::string_view>, 4> kEventKindNames{{
    {BillingRequestEventKind::kOpened, "opened"},
    {BillingRequestEventKind::kNote, "note"},
    {BillingRequestEventKind::kAttachment, "attachment"},
    {BillingRequestEventKind::kState, "state"},
}};

bool is_blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

struct InvoiceFacts {
  long long id = 0;
  long long customer_id = 0;
  long long organisation_id = 0;
  long long new_charges_minor = 0;
};

// What the dispute may claim at most: the line's (or the invoice's) amount less what open
// disputes of the same line (or invoice) claim already; both bounds hold for a line.
Result<long long> dispute_room(soci::session& session, const InvoiceFacts& invoice,
                               std::optional<long long> line_number, long long line_amount) {
  long long invoice_disputed = 0;
  session << "SELECT CAST(COALESCE(SUM(disputed_amount_minor), 0) AS BIGINT)"
             " FROM billing_requests WHERE invoice_id = :id AND kind = 'dispute'"
             " AND state IN ('open', 'in_review')",
      soci::use(invoice.id), soci::into(invoice_disputed);
  long long room = invoice.new_charges_minor - invoice_disputed;
  if (line_number) {
    long long line_disputed = 0;
    long long line = *line_number;
    session << "SELECT CAST(COALESCE(SUM(disputed_amount_minor), 0) AS BIGINT)"
               " FROM billing_requests WHERE invoice_id = :id AND line_number = :line"
               " AND kind = 'dispute' AND state IN ('open', 'in_review')",
        soci::use(invoice.id), soci::use(line), soci::into(line_disputed);
    room = std::min(room, line_amount - line_disputed);
  }
  return room;
}

}  // namespace

std::string_view billing_request_kind_name(BillingRequestKind kind) {
  return name_of(kKindNames, kind);
}
std::optional<BillingRequestKind> parse_billing_request_kind(std::string_view name) {
  return parse_name(kKindNames, name);
}
std::string_view billing_request_state_name(BillingRequestState state) {
  return name_of(kStateNames, state);
}
std::optional<BillingRequestState> parse_billing_request_state(std::string_view name) {
  return parse_name(kStateNames, name);
}
std::string_view billing_resolution_name(BillingResolution resolution) {
  return name_of(kResolutionNames, resolution);
}
std::optional<BillingResolution> parse_billing_resolution(std::string_view name) {
  return parse_name(kResolutionNames, name);
}
std::string_view billing_request_visibility_name(BillingRequestVisibility visibility) {
  return name_of(kVisibilityNames, visibility);
}
std::optional<BillingRequestVisibility> parse_billing_request_visibility(std::string_view name) {
  return parse_name(kVisibilityNames, name);
}
std::string_view billing_request_event_kind_name(BillingRequestEventKind kind) {
  return name_of(kEventKindNames, kind);
}
std::optional<BillingRequestEventKind> parse_billing_request_event_kind(std::string_view name) {
  return parse_name(kEventKindNames, name);
}
bool is_open_billing_request_state(BillingRequestState state) {
  return state == BillingRequestState::kOpen || state == BillingRequestState::kInReview;
}

Result<BillingRequest> BillingRequests::open(const Principal& principal,
                                             const BillingRequestDraft& draft) {
  return guarded("could not open the billing request", [&]() -> Result<BillingRequest> {
    if (principal.is_provider()) {
      return Error{"billing requests are opened by the customer's billing users",
                   ErrorKind::kForbidden};
    }
    Error problems{"the billing request is not valid"};
    auto problem = [&](std::string pointer, std::string message) {
      problems.fields.emplace_back(std::move(pointer), std::move(message));
    };
    // The invoice first: whose it is decides the role check (403) before the fields (400).
    std::optional<InvoiceFacts> invoice;
    if (draft.invoice_number.empty()) {
      problem("/invoice_number", "is required: the invoice the request is about");
    } else {
      InvoiceFacts found;
      soci::indicator org_ind = soci::i_null;
      session_ << "SELECT i.id, i.customer_id, c.organisation_id, i.new_charges_minor"
                  " FROM invoices i JOIN customers c ON c.id = i.customer_id"
                  " WHERE i.invoice_number = :n",
          soci::use(draft.invoice_number), soci::into(found.id), soci::into(found.customer_id),
          soci::into(found.organisation_id, org_ind), soci::into(found.new_charges_minor);
      if (session_.got_data() && org_ind == soci::i_ok) {
        auto right = check_customer_billing_right(session_, principal, found.organisation_id,
                                                  "open billing requests");
        if (right.ok()) {
          invoice = found;
        } else if (right.error_kind() != ErrorKind::kNotFound) {
          return Error{right.failure()};
        }
      }
      if (!invoice) problem("/invoice_number", "is not an invoice of yours: check the number");
    }
    const auto kind = parse_billing_request_kind(draft.kind);
    if (!kind) problem("/kind", "must be \"inquiry\" or \"dispute\"");
    if (is_blank(draft.subject)) {
      problem("/subject", "is required");
    } else if (draft.subject.size() > kMaxSubjectLength) {
      problem("/subject", "is longer than 200 characters");
    }
    if (is_blank(draft.description)) {
      problem("/description", "is required: what is the question or what is wrong");
    } else if (draft.description.size() > kMaxTextLength) {
      problem("/description", "is longer than 20000 characters");
    }
    long long line_amount = 0;
    bool line_ok = true;
    if (draft.line_number) {
      if (*draft.line_number < 1) {
        problem("/line_number", "must be 1 or more");
        line_ok = false;
      } else if (invoice) {
        long long line = *draft.line_number;
        session_ << "SELECT amount_minor FROM invoice_lines WHERE invoice_id = :id"
                    " AND line_number = :line",
            soci::use(invoice->id), soci::use(line), soci::into(line_amount);
        if (!session_.got_data()) {
          problem("/line_number", "is not a line of " + draft.invoice_number);
          line_ok = false;
        }
      }
    }
    if (kind == BillingRequestKind::kInquiry && draft.disputed_amount_minor) {
      problem("/disputed_amount_minor", "is for disputes only; an inquiry names no amount");
    }
    if (kind == BillingRequestKind::kDispute) {
      if (!draft.disputed_amount_minor) {
        problem("/disputed_amount_minor", "is required for a dispute (minor units, above 0)");
      } else if (*draft.disputed_amount_minor <= 0) {
        problem("/disputed_amount_minor", "must be above 0");
      } else if (*draft.disputed_amount_minor > kMaxAmountMinor) {
        problem("/disputed_amount_minor", "must be at most 10000000000000");
      } else if (invoice && line_ok) {
        auto room = dispute_room(session_, *invoice, draft.line_number, line_amount);
        if (!room.ok()) return Error{room.failure()};
        if (*draft.disputed_amount_minor > *room) {
          const std::string of = draft.line_number
                                     ? "line " + std::to_string(*draft.line_number) + "'s amount"
                                     : "the invoice's new charges";
          problem("/disputed_amount_minor",
                  *room <= 0 ? "leaves nothing to dispute: " + of +
                                   " is already disputed in full or is not a charge"
                             : "must be at most " + std::to_string(*room) + " (" + of +
                                   " less what open disputes already claim)");
        }
      }
    }
    if (!problems.fields.empty()) return problems;

    const SysTime now = clock_.now();
    BillingRequest request;
    auto reference = next_reference(session_, ReferenceKind::kBillingRequest, now);
    if (!reference.ok()) return Error{reference.failure()};
    request.reference = *reference;
    request.customer_id = invoice->customer_id;
    request.organisation_id = invoice->organisation_id;
    request.invoice_id = invoice->id;
    request.invoice_number = draft.invoice_number;
    request.line_number = draft.line_number;
    request.kind = *kind;
    request.subject = draft.subject;
    request.description = draft.description;
    request.disputed_amount_minor =
        *kind == BillingRequestKind::kDispute ? draft.disputed_amount_minor : std::nullopt;
    request.state = BillingRequestState::kOpen;
    auto coordinator =
        account_team_recipient(session_, invoice->customer_id, Role::kBillingCoordinator);
    if (!coordinator.ok()) return Error{coordinator.failure()};
    if (!coordinator->user_ids.empty()) {
      request.assigned_to = UserRef{coordinator->user_ids.front(), ""};
    }
    if (auto user = acting_user_id(principal)) request.opened_by = UserRef{*user, ""};
    request.created_at = now;
    request.updated_at = now;
    auto stored = insert_billing_request(session_, request);
    if (!stored.ok()) return Error{stored.failure()};
    auto event = append_billing_request_event(
        session_, {request.id, now, acting_user_id(principal), actor_name(principal),
                   BillingRequestEventKind::kOpened, BillingRequestVisibility::kPublic,
                   std::nullopt, std::string("open"), request.subject});
    if (!event.ok()) return Error{event.failure()};
    AuditEntry entry = billing_request_audit(principal, request, "open");
    entry.to_state = "open";
    entry.reason = request.subject;
    entry.details =
        nlohmann::json{
            {"invoice_number", request.invoice_number},
            {"line_number",
             request.line_number ? nlohmann::json(*request.line_number) : nlohmann::json(nullptr)},
            {"kind", billing_request_kind_name(request.kind)},
            {"disputed_amount_minor", request.disputed_amount_minor
                                          ? nlohmann::json(*request.disputed_amount_minor)
                                          : nlohmann::json(nullptr)}}
            .dump();
    auto audited = append_billing_request_audit(session_, clock_, entry);
    if (!audited.ok()) return Error{audited.failure()};
    auto loaded = load_billing_request(session_, request.reference);
    if (!loaded.ok()) return loaded;
    auto sent =
        send_billing_request_notice(session_, clock_, kBillingRequestOpenedNotice, *loaded, {},
                                    *coordinator, "billing_request.opened:" + loaded->reference);
    if (!sent.ok()) return Error{sent.failure()};
    return loaded;
  });
}

Result<BillingRequestPage> BillingRequests::list(const Principal& principal,
                                                 const BillingRequestFilter& filter,
                                                 std::optional<long long> before, int limit) {
  return guarded("could not list billing requests", [&]() -> Result<BillingRequestPage> {
    limit = std::clamp(limit, 1, kMaxPageSize);
    std::string sql = "WHERE 1 = 1";
    std::vector<BillingRequestQueryParameter> parameters;
    if (!principal.is_provider()) {
      // Organisations are top-level groups, so the billing right on one is a grant there.
      std::set<long long> organisations;
      for (const auto& grant : principal.grants) {
        if (grant.access_group_id && (grant.role == Role::kAdmin || grant.role == Role::kBilling)) {
          organisations.insert(*grant.access_group_id);
        }
      }
      if (organisations.empty()) return BillingRequestPage{};
      sql += " AND c.organisation_id IN (";
      bool first = true;
      for (long long id : organisations) {
        sql += (first ? "" : ",") + std::to_string(id);
        first = false;
      }
      sql += ")";
    }
    if (filter.state) {
      if (!parse_billing_request_state(*filter.state)) {
        return Error{"state must be open, in_review, resolved or cancelled"};
      }
      sql += " AND r.state = :state";
      parameters.push_back({"state", std::nullopt, *filter.state});
    }
    if (filter.customer_number) {
      sql += " AND c.customer_number = :customer";
      parameters.push_back({"customer", std::nullopt, *filter.customer_number});
    }
    if (filter.invoice_number) {
      sql += " AND i.invoice_number = :invoice";
      parameters.push_back({"invoice", std::nullopt, *filter.invoice_number});
    }
    if (before) {
      sql += " AND r.id < :before";
      parameters.push_back({"before", *before, std::nullopt});
    }
    sql += " ORDER BY r.id DESC LIMIT " + std::to_string(limit + 1);
    auto found = query_billing_requests(session_, sql, parameters);
    if (!found.ok()) return Error{found.failure()};
    BillingRequestPage page;
    page.requests = std::move(found).value();
    if (static_cast<int>(page.requests.size()) > limit) {
      page.requests.resize(static_cast<std::size_t>(limit));
      page.next_before = page.requests.back().id;
    }
    return page;
  });
}

Result<BillingRequestDetail> BillingRequests::get(const Principal& principal,
                                                  const std::string& reference) {
  auto request = load_for(principal, reference, false, BillingRequestVisibility::kPublic);
  if (!request.ok()) return Error{request.failure()};
  return guarded("could not read the billing request", [&]() -> Result<BillingRequestDetail> {
    BillingRequestDetail detail;
    detail.request = *request;
    auto events = billing_request_events(session_, request->id, principal.is_provider());
    if (!events.ok()) return Error{events.failure()};
    detail.events = std::move(events).value();
    auto files = billing_request_attachments(session_, request->id, principal.is_provider());
    if (!files.ok()) return Error{files.failure()};
    detail.attachments = std::move(files).value();
    detail.allowed_transitions = allowed_billing_request_transitions(session_, principal, *request);
    return detail;
  });
}

}  // namespace candela::control

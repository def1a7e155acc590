// Billing requests (issue 6, contract section 6): a customer's question about (inquiry) or
// dispute of an invoice or one of its lines, opened in the portal's Billing section, tracked with
// notes and attachments, cancelled by the customer or resolved by the billing coordinator with a
// credit on the next invoice or an explanation. Roles are strict (provider_admin is no
// wildcard): wrong role 403, impossible move 409, another customer's request 404. Every change
// writes its timeline event, audit record and notices in the caller's transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class BillingRequestKind { kInquiry, kDispute };
enum class BillingRequestState { kOpen, kInReview, kResolved, kCancelled };
enum class BillingResolution { kCredit, kExplanation };
enum class BillingRequestVisibility { kPublic, kInternal };
enum class BillingRequestEventKind { kOpened, kNote, kAttachment, kState };

// Stored and wire names: "inquiry", "in_review", "credit", "internal", "attachment".
std::string_view billing_request_kind_name(BillingRequestKind kind);
std::optional<BillingRequestKind> parse_billing_request_kind(std::string_view name);
std::string_view billing_request_state_name(BillingRequestState state);
std::optional<BillingRequestState> parse_billing_request_state(std::string_view name);
std::string_view billing_resolution_name(BillingResolution resolution);
std::optional<BillingResolution> parse_billing_resolution(std::string_view name);
std::string_view billing_request_visibility_name(BillingRequestVisibility visibility);
std::optional<BillingRequestVisibility> parse_billing_request_visibility(std::string_view name);
std::string_view billing_request_event_kind_name(BillingRequestEventKind kind);
std::optional<BillingRequestEventKind> parse_billing_request_event_kind(std::string_view name);
// Open or in review: the customer may still cancel, the coordinator still resolve.
bool is_open_billing_request_state(BillingRequestState state);

// A request as submitted; strings as given (the domain checks every field and reports all
// problems at once, each at its JSON pointer).
struct BillingRequestDraft {
  std::string invoice_number;
  std::optional<long long> line_number;
  std::string kind;
  std::string subject;
  std::string description;
  std::optional<long long> disputed_amount_minor;
};

struct UserRef {
  long long user_id = 0;
  std::string name;
};

struct BillingRequest {
  long long id = 0;
  std::string reference;  // BRQ-2026-000001
  long long customer_id = 0;
  std::string customer_number;
  std::string customer_name;
  long long organisation_id = 0;
  long long invoice_id = 0;
  std::string invoice_number;
  std::optional<long long> line_number;
  BillingRequestKind kind = BillingRequestKind::kInquiry;
  std::string subject;
  std::string description;
  std::optional<long long> disputed_amount_minor;
  BillingRequestState state = BillingRequestState::kOpen;
  std::optional<BillingResolution> resolution;
  std::optional<long long> credit_minor;
  std::optional<std::string> explanation;
  std::optional<UserRef> assigned_to;
  std::optional<UserRef> opened_by;
  SysTime created_at;
  SysTime updated_at;
  std::optional<SysTime> resolved_at;
};

struct BillingRequestAttachmentInfo {
  long long id = 0;
  std::string filename;
  long long size = 0;
  std::string content_type;
  BillingRequestVisibility visibility = BillingRequestVisibility::kPublic;
  std::optional<long long> uploaded_by;
  SysTime created_at;
};

struct BillingRequestEvent {
  long long id = 0;
  SysTime at;
  std::optional<long long> actor_user_id;
  std::string actor_name;
  BillingRequestEventKind kind = BillingRequestEventKind::kNote;
  BillingRequestVisibility visibility = BillingRequestVisibility::kPublic;
  std::optional<std::string> from_state;
  std::optional<std::string> to_state;
  std::string text;
  std::optional<long long> attachment_id;
};

// One request with what the caller may see (internal entries and files for staff only) and the
// transitions this caller may make now.
struct BillingRequestDetail {
  BillingRequest request;
  std::vector<BillingRequestEvent> events;  // oldest first
  std::vector<BillingRequestAttachmentInfo> attachments;
  std::vector<std::string> allowed_transitions;
};

struct BillingRequestFilter {
  std::optional<std::string> state;
  std::optional<std::string> customer_number;
  std::optional<std::string> invoice_number;
};

struct BillingRequestPage {
  std::vector<BillingRequest> requests;  // newest first
  std::optional<long long> next_before;
};

// A transition as asked: to "in_review", "cancelled" or "resolved"; resolution fields only with
// "resolved" (resolution "credit" needs credit_minor; both need an explanation).
struct BillingRequestTransition {
  std::string to;
  std::optional<std::string> reason;  // cancel / in_review: optional words for the timeline
  std::optional<std::string> resolution;
  std::optional<long long> credit_minor;
  std::optional<std::string> explanation;
};

class BillingRequests {
 public:
  static constexpr int kMaxPageSize = 200;
  static constexpr std::size_t kMaxSubjectLength = 200;
  static constexpr std::size_t kMaxTextLength = 20000;
  static constexpr long long kMaxAmountMinor = 10'000'000'000'000LL;  // 10^13

  BillingRequests(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  // Customers with the billing right (admin, billing) on the invoice's organisation only.
  Result<BillingRequest> open(const Principal& principal, const BillingRequestDraft& draft);
  Result<BillingRequestPage> list(const Principal& principal, const BillingRequestFilter& filter,
                                  std::optional<long long> before, int limit);
  Result<BillingRequestDetail> get(const Principal& principal, const std::string& reference);
  // Public notes: the customer's billing users and the billing coordinator; internal notes:
  // the billing coordinator only. Only while open or in review.
  Result<BillingRequestEvent> add_note(const Principal& principal, const std::string& reference,
                                       const std::string& text,
                                       BillingRequestVisibility visibility);
  Result<BillingRequest> transition(const Principal& principal, const std::string& reference,
                                    const BillingRequestTransition& change);

  // For attachments: the request if `principal` may read it (write=false) or add to it
  // (write=true: a customer billing user or the billing coordinator, while open or in review;
  // internal files the coordinator only).
  Result<BillingRequest> load_for(const Principal& principal, const std::string& reference,
                                  bool write, BillingRequestVisibility visibility);

 private:
  soci::session& session_;
  const Clock& clock_;
};

}  // namespace candela::control

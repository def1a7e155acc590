// Support tickets (issue 5, contract section 3): customer-reported impairments, service changes
// and account inquiries, proactive tickets of the NOC, their states, notes, timeline, follow-the-
// sun routing, deadlines from the severities matrix and escalations. Every change is audited in
// the caller's transaction; tenancy is checked here (404 outside the caller's access groups).
#pragma once

#include <chrono>
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

enum class TicketType { kServiceImpairment, kServiceChange, kAccountInquiry };
enum class TicketOrigin { kCustomer, kStaff, kProactive };
enum class TicketState {
  kNew,
  kAcknowledged,
  kInProgress,
  kPendingCustomer,
  kResolved,
  kClosed,
  kReopened,
};
enum class TicketVisibility { kPublic, kInternal };
enum class TicketEventKind {
  kCreated,
  kRouted,
  kStateChanged,
  kNote,
  kAttachment,
  kEscalated,
  kAssigned,
  kSeverityChanged,
};

// Stored and wire names: "service_impairment", "pending_customer", "internal", "state_changed".
std::string_view ticket_type_name(TicketType type);
std::optional<TicketType> parse_ticket_type(std::string_view name);
std::string_view ticket_origin_name(TicketOrigin origin);
std::optional<TicketOrigin> parse_ticket_origin(std::string_view name);
std::string_view ticket_state_name(TicketState state);
std::optional<TicketState> parse_ticket_state(std::string_view name);
std::string_view ticket_visibility_name(TicketVisibility visibility);
std::optional<TicketVisibility> parse_ticket_visibility(std::string_view name);
std::string_view ticket_event_kind_name(TicketEventKind kind);
std::optional<TicketEventKind> parse_ticket_event_kind(std::string_view name);
// Open = anything the provider still has to work on or wait for: not resolved and not closed.
bool is_open_ticket_state(TicketState state);

// Opened by the NOC for one affected service (contract section 3).
struct ProactiveTicket {
  long long customer_id = 0;
  std::string scid;
  int severity = 2;
  std::string subject;
  std::string description;
  long long noc_event_id = 0;
};

struct TicketContact {
  std::string name;
  std::string email;
  std::vector<std::string> phones;
  std::string alternate_contact;
};

// A ticket as submitted. Strings are taken as given (the domain validates every field and
// reports all problems at once); absent optionals are "not given".
struct TicketDraft {
  std::string type;
  std::optional<int> severity;
  std::string subject;
  std::optional<std::string> scid;
  std::string description;
  std::string alarm_info;
  std::optional<SysTime> problem_started_at;
  TicketContact contact;
  std::optional<std::string> language;
  std::optional<std::string> customer_number;  // staff only: whose ticket it is
};

struct Ticket {
  long long id = 0;
  std::string reference;
  TicketType type = TicketType::kServiceImpairment;
  TicketOrigin origin = TicketOrigin::kCustomer;
  int severity = 3;
  TicketState state = TicketState::kNew;
  long long customer_id = 0;
  std::string customer_number;
  std::string customer_name;
  long long access_group_id = 0;
  std::optional<std::string> scid;
  std::string subject;
  std::string description;
  std::string alarm_info;
  std::optional<SysTime> problem_started_at;
  TicketContact contact;
  std::string language;
  std::string centre_code;
  std::optional<long long> assignee_user_id;
  int escalation_level = 0;
  std::optional<SysTime> next_escalation_at;
  SysTime response_due_at;
  std::optional<SysTime> update_due_at;
  SysTime restore_due_at;
  std::optional<SysTime> acknowledged_at;
  std::optional<SysTime> resolved_at;
  std::optional<SysTime> closed_at;
  std::optional<long long> noc_event_id;
  std::optional<std::string> maintenance_reference;
  std::optional<long long> created_by_user_id;
  SysTime created_at;
  SysTime updated_at;
};

struct TicketAttachmentInfo {
  long long id = 0;
  std::string filename;
  long long size = 0;
  std::string content_type;
};

struct TicketEvent {
  long long id = 0;
  SysTime at;
  std::optional<long long> actor_user_id;
  std::string actor_name;  // the user's name, or "system" for jobs and the NOC
  TicketEventKind kind = TicketEventKind::kCreated;
  TicketVisibility visibility = TicketVisibility::kPublic;
  std::optional<std::string> from_state;
  std::optional<std::string> to_state;
  std::string body;
  std::string details = "{}";  // JSON object
  std::optional<TicketAttachmentInfo> attachment;
};

// One ticket with what the caller may see of its timeline (internal entries for staff only).
struct TicketDetail {
  Ticket ticket;
  std::string centre_name;
  std::optional<std::string> assignee_name;
  std::optional<std::string> noc_event_reference;
  std::vector<TicketEvent> timeline;  // oldest first
};

struct TicketFilter {
  std::optional<std::string> state;  // a state name or "open"
  std::optional<int> severity;
  std::optional<std::string> type;
  std::optional<std::string> scid;
  std::optional<std::string> customer_number;
  std::optional<std::string> centre;
};

struct TicketPage {
  std::vector<Ticket> tickets;           // newest first
  std::optional<long long> next_before;  // pass as `before` for the next page
};

// Staff changes through PATCH: absent = unchanged; assignee 0 = unassign.
struct TicketChanges {
  std::optional<int> severity;
  std::optional<long long> assignee_user_id;
  std::string reason;
};

class Tickets {
 public:
  static constexpr int kMaxPageSize = 200;
  static constexpr std::size_t kMaxSubjectLength = 200;
  static constexpr std::size_t kMaxTextLength = 20000;
  // A customer-reported problem may start at most this far in the future (clock skew).
  static constexpr std::chrono::minutes kFutureTolerance{5};
  // Resolved tickets close by themselves after this long; customers may reopen within
  // kReopenWindow.
  static constexpr std::chrono::hours kAutoCloseAfter{24 * 7};
  static constexpr std::chrono::hours kReopenWindow{24 * 30};

  Tickets(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  // A ticket from a customer or staff: validated (every problem located, e.g. "/scid",
  // "/contact/phones/1"), numbered, routed to the centre on duty, deadlines set, notified.
  Result<Ticket> open(const Principal& principal, const TicketDraft& draft);
  // Opened by the NOC (no principal): origin proactive, routed, notifies the service's customer
  // contacts (users with admin/technical on the service's group or an ancestor) and the centre.
  Result<std::string> open_proactive(const ProactiveTicket& ticket);  // → reference

  Result<TicketPage> list(const Principal& principal, const TicketFilter& filter,
                          std::optional<long long> before, int limit);
  Result<TicketDetail> get(const Principal& principal, const std::string& reference);

  // A note; internal ones are for staff only. A customer's public note on a pending_customer
  // ticket moves it back to in_progress.
  Result<TicketEvent> add_note(const Principal& principal, const std::string& reference,
                               const std::string& body, TicketVisibility visibility);
  Result<Ticket> transition(const Principal& principal, const std::string& reference,
                            const std::string& to, const std::string& reason);
  Result<Ticket> change(const Principal& principal, const std::string& reference,
                        const TicketChanges& changes);
  // The customer (or staff) escalates one level now; kConflict at the top level.
  Result<Ticket> escalate(const Principal& principal, const std::string& reference,
                          const std::string& reason);

  // The escalation job: open tickets whose next deadline has passed climb one level. Returns
  // how many tickets climbed.
  Result<int> escalate_overdue();
  // Resolved tickets not confirmed within kAutoCloseAfter are closed. Returns how many.
  Result<int> close_stale_resolved();

  // For attachments (control/ticket_attachments): the ticket if `principal` may `write` to it
  // (or read it), with the same tenancy rules as get().
  Result<Ticket> load_for(const Principal& principal, const std::string& reference, bool write);

 private:
  soci::session& session_;
  const Clock& clock_;
};

}  // namespace candela::control

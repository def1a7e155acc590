#include "control/tickets.hpp"

#include <array>
#include <utility>

#include "common/enum_names.hpp"

namespace candela::control {

namespace {

constexpr std::array<std::pair<TicketType, std::string_view>, 3> kTypeNames{{
    {TicketType::kServiceImpairment, "service_impairment"},
    {TicketType::kServiceChange, "service_change"},
    {TicketType::kAccountInquiry, "account_inquiry"},
}};
constexpr std::array<std::pair<TicketOrigin, std::string_view>, 3> kOriginNames{{
    {TicketOrigin::kCustomer, "customer"},
    {TicketOrigin::kStaff, "staff"},
    {TicketOrigin::kProactive, "proactive"},
}};
constexpr std::array<std::pair<TicketState, std::string_view>, 7> kStateNames{{
    {TicketState::kNew, "new"},
    {TicketState::kAcknowledged, "acknowledged"},
    {TicketState::kInProgress, "in_progress"},
    {TicketState::kPendingCustomer, "pending_customer"},
    {TicketState::kResolved, "resolved"},
    {TicketState::kClosed, "closed"},
    {TicketState::kReopened, "reopened"},
}};
constexpr std::array<std::pair<TicketVisibility, std::string_view>, 2> kVisibilityNames{{
    {TicketVisibility::kPublic, "public"},
    {TicketVisibility::kInternal, "internal"},
}};
constexpr std::array<std::pair<TicketEventKind, std::string_view>, 8> kEventKindNames{{
    {TicketEventKind::kCreated, "created"},
    {TicketEventKind::kRouted, "routed"},
    {TicketEventKind::kStateChanged, "state_changed"},
    {TicketEventKind::kNote, "note"},
    {TicketEventKind::kAttachment, "attachment"},
    {TicketEventKind::kEscalated, "escalated"},
    {TicketEventKind::kAssigned, "assigned"},
    {TicketEventKind::kSeverityChanged, "severity_changed"},
}};

}  // namespace

std::string_view ticket_type_name(TicketType type) {
  return name_of(kTypeNames, type);
}
std::optional<TicketType> parse_ticket_type(std::string_view name) {
  return parse_name(kTypeNames, name);
}
std::string_view ticket_origin_name(TicketOrigin origin) {
  return name_of(kOriginNames, origin);
}
std::optional<TicketOrigin> parse_ticket_origin(std::string_view name) {
  return parse_name(kOriginNames, name);
}
std::string_view ticket_state_name(TicketState state) {
  return name_of(kStateNames, state);
}
std::optional<TicketState> parse_ticket_state(std::string_view name) {
  return parse_name(kStateNames, name);
}
std::string_view ticket_visibility_name(TicketVisibility visibility) {
  return name_of(kVisibilityNames, visibility);
}
std::optional<TicketVisibility> parse_ticket_visibility(std::string_view name) {
  return parse_name(kVisibilityNames, name);
}
std::string_view ticket_event_kind_name(TicketEventKind kind) {
  return name_of(kEventKindNames, kind);
}
std::optional<TicketEventKind> parse_ticket_event_kind(std::string_view name) {
  return parse_name(kEventKindNames, name);
}
bool is_open_ticket_state(TicketState state) {
  return state != TicketState::kResolved && state != TicketState::kClosed;
}

}  // namespace candela::control

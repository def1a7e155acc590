// Ticket notices: plain-text templates with {{placeholders}}; times in GMT and saying so.
#include "control/ticket_notices.hpp"

#include <ctime>

namespace candela::control {

const NotificationTemplate kTicketCreatedNotice{
    "ticket.created", NotificationCategory::kTickets, "{{reference}} opened: {{subject}}",
    "Ticket {{reference}} has been opened for {{customer}}.\n"
    "\n"
    "Subject: {{subject}}\n"
    "Type: {{type}}\n"
    "Severity: {{severity}}\n"
    "Service (SCID): {{scid}}\n"
    "Support centre: {{centre}}\n"
    "Opened: {{created_at}}\n"
    "Restoration target: {{restore_due_at}}\n"
    "\n"
    "Please quote {{reference}} whenever you contact CDN support about this problem.\n"};

const NotificationTemplate kTicketUpdatedNotice{
    "ticket.updated", NotificationCategory::kTickets, "{{reference}} updated: {{subject}}",
    "Ticket {{reference}} ({{subject}}) has been updated.\n"
    "\n"
    "State: {{state}}\n"
    "Severity: {{severity}}\n"
    "\n"
    "{{update}}\n"};

const NotificationTemplate kTicketEscalatedNotice{
    "ticket.escalated", NotificationCategory::kTickets,
    "{{reference}} escalated to level {{level}} ({{level_name}}): {{subject}}",
    "Ticket {{reference}} for {{customer}} has been escalated to level {{level}}: "
    "{{level_name}}.\n"
    "\n"
    "Why: {{reason}}\n"
    "Severity: {{severity}}\n"
    "State: {{state}}\n"
    "Service (SCID): {{scid}}\n"
    "Support centre: {{centre}}\n"
    "Opened: {{created_at}}\n"
    "Restoration target: {{restore_due_at}}\n"};

const NotificationTemplate kTicketResolvedNotice{
    "ticket.resolved", NotificationCategory::kTickets, "{{reference}} resolved: {{subject}}",
    "Ticket {{reference}} ({{subject}}) has been resolved.\n"
    "\n"
    "{{update}}\n"
    "\n"
    "If the problem persists, reopen the ticket in the portal within 30 days; otherwise it "
    "closes by itself after 7 days.\n"};

std::string gmt_text(SysTime t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%a %d %b %Y %H:%M GMT", &tm);
  return buffer;
}

std::map<std::string, std::string> ticket_notice_values(const Ticket& ticket) {
  return {
      {"reference", ticket.reference},
      {"subject", ticket.subject},
      {"type", std::string(ticket_type_name(ticket.type))},
      {"severity", std::to_string(ticket.severity)},
      {"state", std::string(ticket_state_name(ticket.state))},
      {"customer", ticket.customer_name + " (" + ticket.customer_number + ")"},
      {"scid", ticket.scid.value_or("none")},
      {"centre", ticket.centre_code},
      {"created_at", gmt_text(ticket.created_at)},
      {"restore_due_at", gmt_text(ticket.restore_due_at)},
  };
}

}  // namespace candela::control

// The NOC's notification templates (staff hear of events opening and clearing; customers hear
// through their proactive tickets) and the wording the NOC writes into tickets.
#pragma once

#include <string>

#include "common/clock.hpp"
#include "control/noc_events.hpp"
#include "control/notifier.hpp"

namespace candela::control {

// "noc.event_opened" and "noc.event_resolved", category noc, sent to role noc_engineer.
extern const NotificationTemplate kNocEventOpenedNotice;
extern const NotificationTemplate kNocEventResolvedNotice;

// "edge down", "error rate", "origin unreachable".
std::string noc_kind_label(NocEventKind kind);
// What the event is about in words: "edge edge-lon-1", "service AB12CD34E property www", ...
std::string noc_subject_text(const NocEvent& event);

// The proactive ticket of one affected service (subject at most 200 characters).
std::string proactive_ticket_subject(const NocEvent& event, const std::string& scid);
std::string proactive_ticket_description(const NocEvent& event, const std::string& scid);
// The public note written on a linked ticket that is still open when the event clears.
std::string cleared_ticket_note(const NocEvent& event);

}  // namespace candela::control

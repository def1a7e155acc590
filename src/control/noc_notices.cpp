// NOC notices: staff templates and the texts of proactive tickets, all times in GMT.
#include "control/noc_notices.hpp"

#include "control/gmt_time.hpp"

namespace candela::control {

const NotificationTemplate kNocEventOpenedNotice{
    "noc.event_opened", NotificationCategory::kNoc, "{{reference}} opened: {{kind}} on {{about}}",
    "NOC event {{reference}} was opened ({{kind}}, severity {{severity}}).\n"
    "\n"
    "About: {{about}}\n"
    "First observed: {{first_seen}}\n"
    "Alarm: {{summary}}\n"
    "\n"
    "Affected services: {{services}}\n"
    "Proactive tickets: {{tickets}}\n"};

const NotificationTemplate kNocEventResolvedNotice{
    "noc.event_resolved", NotificationCategory::kNoc,
    "{{reference}} resolved: {{kind}} on {{about}}",
    "NOC event {{reference}} ({{kind}} on {{about}}) cleared at {{resolved}}.\n"
    "\n"
    "It was first observed {{first_seen}} and fired {{occurrences}} time(s).\n"
    "Linked tickets still open, now told the event cleared: {{tickets}}\n"};

std::string noc_kind_label(NocEventKind kind) {
  switch (kind) {
    case NocEventKind::kEdgeDown:
      return "edge down";
    case NocEventKind::kErrorRate:
      return "error rate";
    case NocEventKind::kOriginUnreachable:
      return "origin unreachable";
  }
  return "alarm";
}

std::string noc_subject_text(const NocEvent& event) {
  std::string about;
  if (event.scid) {
    about = "service " + *event.scid;
    if (event.property) about += " property " + *event.property;
  }
  if (event.edge_id) {
    if (!about.empty()) about += " at ";
    about += "edge " + *event.edge_id;
  }
  return about;
}

std::string proactive_ticket_subject(const NocEvent& event, const std::string& scid) {
  std::string subject = event.reference + " " + noc_kind_label(event.kind) + " on " +
                        noc_subject_text(event) + " may affect " + scid;
  // Tickets take at most 200 characters; ids are ASCII, so cutting bytes is safe.
  if (subject.size() > 200) subject = subject.substr(0, 197) + "...";
  return subject;
}

std::string proactive_ticket_description(const NocEvent& event, const std::string& scid) {
  std::string text = "Our network operations centre is handling " + event.reference + " (" +
                     noc_kind_label(event.kind) + " on " + noc_subject_text(event) +
                     "), first observed " + format_gmt(event.first_seen_at) + ".\n\n";
  text += "Your service " + scid + " ";
  text += event.kind == NocEventKind::kEdgeDown || !event.scid
              ? "had traffic on this edge in the last 24 hours, so it may be affected."
              : "is the service concerned.";
  text += "\n\nAlarm: " + event.summary +
          "\n\nThere is nothing you need to do; we will add a note to this ticket when the event"
          " clears.";
  return text;
}

std::string cleared_ticket_note(const NocEvent& event) {
  std::string text = "The NOC event " + event.reference + " (" + noc_kind_label(event.kind) +
                     " on " + noc_subject_text(event) + ") cleared";
  if (event.resolved_at) text += " at " + format_gmt(*event.resolved_at);
  text +=
      ". Please tell us in this ticket if your service still shows a problem; otherwise we will"
      " resolve it.";
  return text;
}

}  // namespace candela::control

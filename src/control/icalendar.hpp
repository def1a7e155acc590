// A small RFC 5545 iCalendar writer for one-event calendars (maintenance notices): CRLF lines
// folded at 75 octets without splitting a UTF-8 character, TEXT values escaped, UTC DATE-TIMEs.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace candela::control {

// iTIP method (RFC 5546): REQUEST adds or updates the event in the recipient's calendar, CANCEL
// removes it.
enum class ICalendarMethod { kRequest, kCancel };

struct ICalendarEvent {
  std::string uid;              // globally unique and stable across updates, e.g. "MNT-…@candela"
  int sequence = 0;             // revision; a client applies an update only if it is higher
  SysTime stamp;                // DTSTAMP: when this calendar object was made
  SysTime start;                // DTSTART (written in UTC, "Z")
  SysTime end;                  // DTEND (written in UTC, "Z")
  std::string summary;          // SUMMARY
  std::string description;      // DESCRIPTION (may span lines)
  std::string location;         // LOCATION; omitted when empty
  std::string url;              // URL; omitted when empty
  std::string organizer_name;   // ORGANIZER CN parameter; omitted when empty
  std::string organizer_email;  // ORGANIZER mailto: address; ORGANIZER omitted when empty
  // TRANSP:TRANSPARENT — the event does not make the recipient look busy (maintenance is
  // information about a service, not a meeting to attend).
  bool transparent = true;
};

// The whole VCALENDAR with one VEVENT; STATUS:CANCELLED with kCancel, CONFIRMED otherwise.
std::string write_icalendar(ICalendarMethod method, const ICalendarEvent& event,
                            std::string_view product_id);

// RFC 5545 §3.3.11 TEXT escaping: backslash, semicolon and comma get a backslash; a line break
// (CRLF, LF or CR) becomes "\n"; other control characters (not allowed in TEXT) are dropped.
std::string escape_ical_text(std::string_view text);
// A parameter value (e.g. CN): quoted, with the characters a quoted value cannot hold (DQUOTE,
// control characters) dropped.
std::string quote_ical_parameter(std::string_view value);
// One content line, folded (§3.1): at most 75 octets per physical line, continuation lines
// begin with one space, never splitting a UTF-8 sequence; every physical line ends in CRLF.
std::string fold_ical_line(std::string_view line);
// A UTC DATE-TIME (§3.3.5 form 2), whole seconds: "20261205T020000Z".
std::string ical_utc(SysTime time);

}  // namespace candela::control

// The iCalendar writer: content lines are built unfolded, then folded once on output.
#include "control/icalendar.hpp"

#include <chrono>
#include <cstdio>

namespace candela::control {
namespace {

bool is_continuation_byte(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

}  // namespace

std::string escape_ical_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += c;
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) break;  // not allowed in TEXT
        out += c;
    }
  }
  return out;
}

std::string quote_ical_parameter(std::string_view value) {
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"' || (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) continue;
    out += c;
  }
  out += '"';
  return out;
}

std::string fold_ical_line(std::string_view line) {
  constexpr std::size_t kMaxOctets = 75;
  std::string out;
  out.reserve(line.size() + line.size() / 70 * 3 + 2);
  std::size_t at = 0;
  bool first = true;
  while (true) {
    // A continuation line's leading space counts towards its 75 octets.
    const std::size_t room = first ? kMaxOctets : kMaxOctets - 1;
    if (line.size() - at <= room) {
      if (!first) out += ' ';
      out.append(line.substr(at));
      out += "\r\n";
      return out;
    }
    std::size_t cut = at + room;
    // Back up to the first byte of a UTF-8 sequence so no character is split.
    while (cut > at && is_continuation_byte(static_cast<unsigned char>(line[cut])))
      --cut;
    if (cut == at) cut = at + room;  // not UTF-8 at all: split anyway rather than loop
    if (!first) out += ' ';
    out.append(line.substr(at, cut - at));
    out += "\r\n";
    at = cut;
    first = false;
  }
}

std::string ical_utc(SysTime time) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  const auto day = std::chrono::floor<std::chrono::days>(seconds);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss clock{seconds - day};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return buffer;
}

std::string write_icalendar(ICalendarMethod method, const ICalendarEvent& event,
                            std::string_view product_id) {
  const bool cancel = method == ICalendarMethod::kCancel;
  std::string out;
  auto line = [&](std::string_view name, std::string_view value) {
    std::string content(name);
    content += ':';
    content += value;
    out += fold_ical_line(content);
  };
  line("BEGIN", "VCALENDAR");
  line("VERSION", "2.0");
  line("PRODID", product_id);
  line("CALSCALE", "GREGORIAN");
  line("METHOD", cancel ? "CANCEL" : "REQUEST");
  line("BEGIN", "VEVENT");
  line("UID", escape_ical_text(event.uid));
  line("SEQUENCE", std::to_string(event.sequence));
  line("DTSTAMP", ical_utc(event.stamp));
  line("DTSTART", ical_utc(event.start));
  line("DTEND", ical_utc(event.end));
  line("SUMMARY", escape_ical_text(event.summary));
  line("DESCRIPTION", escape_ical_text(event.description));
  if (!event.location.empty()) line("LOCATION", escape_ical_text(event.location));
  if (!event.url.empty()) line("URL", event.url);
  if (!event.organizer_email.empty()) {
    std::string name = "ORGANIZER";
    if (!event.organizer_name.empty()) name += ";CN=" + quote_ical_parameter(event.organizer_name);
    line(name, "mailto:" + event.organizer_email);
  }
  line("STATUS", cancel ? "CANCELLED" : "CONFIRMED");
  line("TRANSP", event.transparent ? "TRANSPARENT" : "OPAQUE");
  line("END", "VEVENT");
  line("END", "VCALENDAR");
  return out;
}

}  // namespace candela::control

// The iCalendar writer: RFC 5545 line folding at 75 octets (never inside a UTF-8 character),
// TEXT escaping, UTC DATE-TIMEs, and the REQUEST and CANCEL forms.
#include "control/icalendar.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "control/database.hpp"

namespace candela::control {
namespace {

// Physical lines of a folded text, without their CRLF; fails if a line ends otherwise.
std::vector<std::string> physical_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find("\r\n", at);
    if (end == std::string::npos) {
      ADD_FAILURE() << "text does not end in CRLF: " << text.substr(at);
      break;
    }
    lines.push_back(text.substr(at, end - at));
    at = end + 2;
  }
  return lines;
}

// RFC 5545 §3.1 unfolding: remove every CRLF followed by one space.
std::string unfold(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

bool valid_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = c < 0x80           ? 1
                         : (c >> 5) == 0x6  ? 2
                         : (c >> 4) == 0xE  ? 3
                         : (c >> 3) == 0x1E ? 4
                                            : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

TEST(ICalendarTest, ShortLinesAreNotFolded) {
  EXPECT_EQ(fold_ical_line("SUMMARY:Short"), "SUMMARY:Short\r\n");
  const std::string exactly75(75, 'a');
  EXPECT_EQ(fold_ical_line(exactly75), exactly75 + "\r\n");
}

TEST(ICalendarTest, LongAsciiLinesFoldAt75OctetsWithALeadingSpace) {
  const std::string line = "DESCRIPTION:" + std::string(200, 'x');
  const std::string folded = fold_ical_line(line);
  const auto lines = physical_lines(folded);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].size(), 75u);
  EXPECT_EQ(lines[1].size(), 75u);  // the space and 74 octets
  EXPECT_EQ(lines[1][0], ' ');
  EXPECT_EQ(lines[2][0], ' ');
  EXPECT_EQ(unfold(folded), line + "\r\n");
}

TEST(ICalendarTest, FoldingNeverSplitsAUtf8Character) {
  // 2-, 3- and 4-octet characters at every offset relative to the 75-octet boundary.
  for (const std::string character : {"é", "€", "😀"}) {
    for (std::size_t prefix = 0; prefix < 8; ++prefix) {
      std::string line = "SUMMARY:" + std::string(60 + prefix, 'a');
      for (int i = 0; i < 40; ++i)
        line += character;
      const std::string folded = fold_ical_line(line);
      SCOPED_TRACE(character + " after " + std::to_string(prefix));
      for (const std::string& physical : physical_lines(folded)) {
        EXPECT_LE(physical.size(), 75u);
        // Each physical line (without the continuation space) is whole UTF-8 on its own.
        EXPECT_TRUE(valid_utf8(physical)) << physical;
      }
      EXPECT_EQ(unfold(folded), line + "\r\n");
    }
  }
}

TEST(ICalendarTest, TextEscapesCommaSemicolonBackslashAndNewlines) {
  EXPECT_EQ(escape_ical_text("a,b;c\\d"), "a\\,b\\;c\\\\d");
  EXPECT_EQ(escape_ical_text("line 1\nline 2\r\nline 3\rline 4"),
            "line 1\\nline 2\\nline 3\\nline 4");
  EXPECT_EQ(escape_ical_text("tab\tkept, bell\x07 dropped"), "tab\tkept\\, bell dropped");
  EXPECT_EQ(escape_ical_text("Zürich: ok"), "Zürich: ok");  // a colon needs no escape in TEXT
}

TEST(ICalendarTest, ParameterValuesAreQuotedWithoutQuotes) {
  EXPECT_EQ(quote_ical_parameter("Candela NOC"), "\"Candela NOC\"");
  EXPECT_EQ(quote_ical_parameter("say \"hi\";x"), "\"say hi;x\"");
}

TEST(ICalendarTest, UtcDateTimeHasTheZForm) {
  EXPECT_EQ(ical_utc(from_epoch_ms(1796436000000)), "20261205T020000Z");
  EXPECT_EQ(ical_utc(from_epoch_ms(1796436000999)), "20261205T020000Z");  // whole seconds
  EXPECT_EQ(ical_utc(from_epoch_ms(0)), "19700101T000000Z");
}

ICalendarEvent sample_event() {
  ICalendarEvent event;
  event.uid = "MNT-2026-000007@candela";
  event.sequence = 2;
  event.stamp = from_epoch_ms(1796000000000);
  event.start = from_epoch_ms(1796436000000);  // 2026-12-05T02:00:00Z
  event.end = from_epoch_ms(1796450400000);    // 2026-12-05T06:00:00Z
  event.summary = "MNT-2026-000007 Scheduled maintenance: London, core; routers";
  event.description = "Line one\nLine two with a \\ backslash";
  event.location = "cache group lon1, edge lon1-b";
  event.url = "http://portal.test/maintenance/MNT-2026-000007";
  event.organizer_name = "Candela NOC";
  event.organizer_email = "noc@candela.test";
  return event;
}

TEST(ICalendarTest, RequestHasTheFieldsAClientNeedsToAddAndUpdateTheEvent) {
  const std::string text =
      write_icalendar(ICalendarMethod::kRequest, sample_event(), "-//Candela//Test//EN");
  const auto lines = physical_lines(text);
  ASSERT_GE(lines.size(), 10u);
  EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
  EXPECT_EQ(lines.back(), "END:VCALENDAR");
  const std::string unfolded = unfold(text);
  for (const std::string expected :
       {"\r\nVERSION:2.0\r\n", "\r\nPRODID:-//Candela//Test//EN\r\n", "\r\nMETHOD:REQUEST\r\n",
        "\r\nBEGIN:VEVENT\r\n", "\r\nUID:MNT-2026-000007@candela\r\n", "\r\nSEQUENCE:2\r\n",
        "\r\nDTSTAMP:20261130T005320Z\r\n", "\r\nDTSTART:20261205T020000Z\r\n",
        "\r\nDTEND:20261205T060000Z\r\n",
        "\r\nSUMMARY:MNT-2026-000007 Scheduled maintenance: London\\, core\\; routers\r\n",
        "\r\nDESCRIPTION:Line one\\nLine two with a \\\\ backslash\r\n",
        "\r\nLOCATION:cache group lon1\\, edge lon1-b\r\n",
        "\r\nORGANIZER;CN=\"Candela NOC\":mailto:noc@candela.test\r\n", "\r\nSTATUS:CONFIRMED\r\n",
        "\r\nTRANSP:TRANSPARENT\r\n", "\r\nEND:VEVENT\r\n"}) {
    EXPECT_NE(unfolded.find(expected), std::string::npos) << expected << " missing in\n"
                                                          << unfolded;
  }
  EXPECT_EQ(unfolded.find("CANCEL"), std::string::npos);
  // No bare LF anywhere: every line break is CRLF.
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      EXPECT_TRUE(i > 0 && text[i - 1] == '\r') << "bare LF at " << i;
    }
  }
}

TEST(ICalendarTest, CancelUsesMethodCancelAndStatusCancelled) {
  const std::string text =
      unfold(write_icalendar(ICalendarMethod::kCancel, sample_event(), "-//Candela//Test//EN"));
  EXPECT_NE(text.find("\r\nMETHOD:CANCEL\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nSTATUS:CANCELLED\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nUID:MNT-2026-000007@candela\r\n"), std::string::npos);
  EXPECT_EQ(text.find("METHOD:REQUEST"), std::string::npos);
  EXPECT_EQ(text.find("STATUS:CONFIRMED"), std::string::npos);
}

TEST(ICalendarTest, OptionalPropertiesAreLeftOutWhenEmpty) {
  ICalendarEvent event = sample_event();
  event.location.clear();
  event.url.clear();
  event.organizer_email.clear();
  const std::string text = write_icalendar(ICalendarMethod::kRequest, event, "-//x//EN");
  EXPECT_EQ(text.find("LOCATION"), std::string::npos);
  EXPECT_EQ(text.find("URL:"), std::string::npos);
  EXPECT_EQ(text.find("ORGANIZER"), std::string::npos);
}

TEST(ICalendarTest, LongUtf8DescriptionsFoldInsideTheCalendar) {
  ICalendarEvent event = sample_event();
  event.description.clear();
  for (int i = 0; i < 30; ++i)
    event.description += "Wartung in Zürich, Köln; Straße ";
  const std::string text = write_icalendar(ICalendarMethod::kRequest, event, "-//x//EN");
  for (const std::string& line : physical_lines(text)) {
    EXPECT_LE(line.size(), 75u) << line;
    EXPECT_TRUE(valid_utf8(line)) << line;
  }
  EXPECT_NE(unfold(text).find("DESCRIPTION:" + escape_ical_text(event.description) + "\r\n"),
            std::string::npos);
}

}  // namespace
}  // namespace candela::control

// MIME building and its encodings: RFC 5322 headers, RFC 2047 subjects, quoted-printable text,
// base64 attachments in multipart/mixed, CRLF line ends, stable bytes for a resend.
#include "control/mail_message.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "control/database.hpp"
#include "control/mail_encoding.hpp"

namespace candela::control {
namespace {

const SysTime kDate = from_epoch_ms(1796090400000);  // 2026-12-01T02:00:00Z, a Tuesday

MailMessage plain_message() {
  MailMessage m;
  m.from = "noc@candela.test";
  m.to = "ana@acme.test";
  m.subject = "TKT-2026-000001 opened: Site down";
  m.body = "Hello Ana,\nyour ticket is open.\n";
  m.date = kDate;
  m.message_id = "<outbox-7.0a1b2c3d4e5f6071@candela>";
  return m;
}

std::vector<std::string> crlf_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find("\r\n", start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

bool has_bare_line_feed_or_return(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) return true;
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) return true;
  }
  return false;
}

std::string header_block(const std::string& message) {
  return message.substr(0, message.find("\r\n\r\n"));
}

// Decodes quoted-printable (soft breaks joined, hard CRLF breaks kept as LF).
std::string qp_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '=' && text.compare(i + 1, 2, "\r\n") == 0) {
      i += 2;
    } else if (text[i] == '=') {
      out.push_back(static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else if (text.compare(i, 2, "\r\n") == 0) {
      out.push_back('\n');
      ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

bool is_complete_utf8(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    if (i + n > text.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

TEST(MailEncodingTest, Base64RoundTripsEveryLengthAndWrapsLines) {
  std::string bytes;
  for (int i = 0; i < 200; ++i) {
    bytes.push_back(static_cast<char>(i * 37));
    const std::string encoded = base64_encode(bytes, 76);
    for (const auto& line : crlf_lines(encoded))
      EXPECT_LE(line.size(), 76u);
    auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(*decoded, bytes);
  }
  EXPECT_EQ(base64_encode("Man"), "TWFu");
  EXPECT_EQ(base64_encode("Ma"), "TWE=");
  EXPECT_EQ(base64_encode("M"), "TQ==");
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_FALSE(base64_decode("TWF").has_value());
  EXPECT_FALSE(base64_decode("TQ==TQ==").has_value());
  EXPECT_FALSE(base64_decode("T*Fu").has_value());
}

TEST(MailEncodingTest, DatesFollowRfc5322InUtc) {
  EXPECT_EQ(rfc5322_date(kDate), "Tue, 01 Dec 2026 02:00:00 +0000");
  EXPECT_EQ(rfc5322_date(from_epoch_ms(0)), "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST(MailEncodingTest, AsciiHeaderTextStaysReadable) {
  EXPECT_EQ(encode_header_text("MNT-2026-000004 scheduled: Sat 05 Dec 2026 02:00 GMT"),
            "MNT-2026-000004 scheduled: Sat 05 Dec 2026 02:00 GMT");
}

TEST(MailEncodingTest, NonAsciiHeaderTextBecomesEncodedWordsThatNeverSplitACharacter) {
  const std::string subject =
      "Maintenance à Paris — Zoë's edge café: 東京 and München, every character kept intact ✓";
  const std::string encoded = encode_header_text(subject);
  std::string decoded;
  for (const auto& line : crlf_lines(encoded)) {
    const std::string word = line.front() == ' ' ? line.substr(1) : line;
    ASSERT_TRUE(word.starts_with("=?UTF-8?B?") && word.ends_with("?=")) << word;
    EXPECT_LE(word.size(), 75u) << "RFC 2047 limit";
    auto chunk = base64_decode(word.substr(10, word.size() - 12));
    ASSERT_TRUE(chunk.has_value()) << word;
    EXPECT_TRUE(is_complete_utf8(*chunk)) << "a character was split across encoded-words";
    decoded += *chunk;
  }
  EXPECT_EQ(decoded, subject);
  EXPECT_GT(crlf_lines(encoded).size(), 1u) << "long subjects fold over several words";
}

TEST(MailEncodingTest, LineBreaksInHeaderTextCannotStartANewHeader) {
  EXPECT_EQ(encode_header_text("Hello\r\nBcc: victim@example.test"),
            "Hello  Bcc: victim@example.test");
  const std::string encoded = encode_header_text("é\nBcc: x@y.test");
  EXPECT_EQ(encoded.find("\nBcc"), std::string::npos);
}

TEST(MailEncodingTest, QuotedPrintableKeepsLinesShortAndDecodesBack) {
  const std::string text = std::string(200, 'a') + " = sign, trailing space \n" +
                           "From the NOC: café ✓\n.leading dot\n\nlast line";
  const std::string encoded = quoted_printable(text);
  EXPECT_FALSE(has_bare_line_feed_or_return(encoded));
  for (const auto& line : crlf_lines(encoded)) {
    EXPECT_LE(line.size(), 76u) << line;
    EXPECT_FALSE(line.ends_with(" ")) << "trailing white space may be stripped in transit";
    EXPECT_FALSE(line.starts_with("From ")) << "mbox readers would mangle it";
    for (char c : line)
      EXPECT_LT(static_cast<unsigned char>(c), 0x80);
  }
  EXPECT_EQ(qp_decode(encoded), text);
}

TEST(MailMessageTest, APlainMessageHasTheHeadersAndAQuotedPrintableUtf8Body) {
  MailMessage m = plain_message();
  m.body = "Hello Zoë,\nyour ticket is open.\n";
  const std::string message = build_mime_message(m);
  EXPECT_FALSE(has_bare_line_feed_or_return(message)) << "CRLF line ends only";
  const auto headers = crlf_lines(header_block(message));
  const std::vector<std::string> expected = {"From: noc@candela.test",
                                             "To: ana@acme.test",
                                             "Subject: TKT-2026-000001 opened: Site down",
                                             "Date: Tue, 01 Dec 2026 02:00:00 +0000",
                                             "Message-ID: <outbox-7.0a1b2c3d4e5f6071@candela>",
                                             "MIME-Version: 1.0",
                                             "Auto-Submitted: auto-generated",
                                             "Content-Type: text/plain; charset=utf-8",
                                             "Content-Transfer-Encoding: quoted-printable"};
  EXPECT_EQ(headers, expected);
  const std::string body = message.substr(message.find("\r\n\r\n") + 4);
  EXPECT_EQ(qp_decode(body), "Hello Zoë,\nyour ticket is open.\n");
  m.body = "No line break at the end";
  const std::string unterminated = build_mime_message(m);
  EXPECT_TRUE(unterminated.ends_with("\r\n\r\nNo line break at the end\r\n"))
      << "a message always ends with CRLF";
}

TEST(MailMessageTest, ANonAsciiSubjectIsEncodedPerRfc2047) {
  MailMessage m = plain_message();
  m.subject = "Wartung in München";
  const std::string message = build_mime_message(m);
  EXPECT_NE(message.find("Subject: =?UTF-8?B?" + base64_encode("Wartung in München") + "?=\r\n"),
            std::string::npos)
      << header_block(message);
}

TEST(MailMessageTest, AttachmentsMakeAMultipartMixedMessageWithBase64Parts) {
  MailMessage m = plain_message();
  std::string ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\n";
  ics += std::string(300, 'x') + "\r\nEND:VCALENDAR\r\n";
  std::string binary;
  for (int i = 0; i < 256; ++i)
    binary.push_back(static_cast<char>(i));
  m.attachments = {{"MNT-2026-000001.ics", "text/calendar; method=REQUEST; charset=utf-8", ics},
                   {"trace \"1\".bin", "application/octet-stream", binary},
                   {"schéma.txt", "text/plain; charset=utf-8", "hello"}};
  const std::string message = build_mime_message(m);
  EXPECT_FALSE(has_bare_line_feed_or_return(message));
  const std::string boundary = "=_candela_outbox-7.0a1b2c3d4e5f6071candela";
  EXPECT_NE(message.find("Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n"),
            std::string::npos)
      << header_block(message);
  EXPECT_NE(message.find("\r\n--" + boundary + "--\r\n"), std::string::npos);

  // Split into parts and check each.
  std::vector<std::string> parts;
  std::size_t at = message.find("--" + boundary + "\r\n");
  while (at != std::string::npos) {
    const std::size_t start = at + boundary.size() + 4;
    std::size_t next = message.find("\r\n--" + boundary, start);
    ASSERT_NE(next, std::string::npos);
    parts.push_back(message.substr(start, next - start));
    at = message.compare(next + 4 + boundary.size(), 2, "--") == 0 ? std::string::npos : next + 2;
  }
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_TRUE(parts[0].starts_with("Content-Type: text/plain; charset=utf-8\r\n"));
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"Content-Disposition: attachment; filename=\"MNT-2026-000001.ics\"", ics},
      {"Content-Disposition: attachment; filename=\"trace \\\"1\\\".bin\"", binary},
      {"Content-Disposition: attachment; filename*=UTF-8''sch%C3%A9ma.txt", "hello"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const std::string& part = parts[i + 1];
    EXPECT_NE(part.find("Content-Transfer-Encoding: base64\r\n"), std::string::npos) << part;
    EXPECT_NE(part.find(expected[i].first + "\r\n"), std::string::npos) << part;
    const std::string encoded = part.substr(part.find("\r\n\r\n") + 4);
    for (const auto& line : crlf_lines(encoded))
      EXPECT_LE(line.size(), 76u);
    auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, expected[i].second);
  }
  EXPECT_NE(parts[1].find("Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\n"),
            std::string::npos);
}

TEST(MailMessageTest, TheSameMessageAlwaysGivesTheSameBytes) {
  MailMessage m = plain_message();
  m.attachments = {{"a.ics", "text/calendar", "BEGIN:VCALENDAR\r\n"}};
  EXPECT_EQ(build_mime_message(m), build_mime_message(m)) << "a resend must be identical";
}

}  // namespace
}  // namespace candela::control

// Builds the RFC 5322 / MIME text of one outgoing message: headers, a UTF-8 plain-text body and
// optional attachments (multipart/mixed, base64). CRLF line ends throughout; the SMTP client
// (libcurl) does the dot-stuffing.
#pragma once

#include <string>
#include <vector>

#include "common/clock.hpp"
#include "control/notifier.hpp"

namespace candela::control {

struct MailMessage {
  std::string from;        // addr-spec, e.g. noc@candela.test
  std::string to;          // addr-spec
  std::string subject;     // UTF-8; encoded per RFC 2047 when not plain ASCII
  std::string body;        // UTF-8 plain text, LF or CRLF line ends
  SysTime date;            // the Date header (the time the message was queued)
  std::string message_id;  // with angle brackets: <outbox-12.abcd@candela>
  std::vector<MailAttachment> attachments;
};

// The same message always gives the same bytes (the MIME boundary derives from the
// Message-ID), so a resend is identical to the first copy.
std::string build_mime_message(const MailMessage& message);

}  // namespace candela::control

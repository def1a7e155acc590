// Where outgoing mail goes: an SMTP server through libcurl in production; tests may pass their
// own transport. One call sends one message to one recipient.
#pragma once

#include <chrono>
#include <string>

namespace candela::control {

struct MailSendOutcome {
  bool delivered = false;
  // The server refused for good (an SMTP 5xx reply): no retry, the row is failed at once.
  bool permanent = false;
  std::string error;  // why not delivered, for the outbox's last_error
};

class MailTransport {
 public:
  virtual ~MailTransport() = default;
  // `message` is the complete RFC 5322 text with CRLF line ends.
  virtual MailSendOutcome send(const std::string& from, const std::string& to,
                               const std::string& message) = 0;
};

// SMTP (smtp://host:port, or smtps:// for implicit TLS) with libcurl: EHLO, MAIL FROM, RCPT TO,
// DATA; libcurl dot-stuffs the body and ends it with CRLF.CRLF.
class SmtpTransport final : public MailTransport {
 public:
  SmtpTransport(std::string url, std::chrono::seconds timeout);
  MailSendOutcome send(const std::string& from, const std::string& to,
                       const std::string& message) override;

 private:
  std::string url_;
  std::chrono::seconds timeout_;
};

}  // namespace candela::control

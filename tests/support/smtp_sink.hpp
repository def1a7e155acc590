// SmtpSink: a real SMTP server on loopback (tests/tools/smtp_sink.py, aiosmtpd) that stores what
// it receives, for tests of mail delivery. Messages are parsed by Python's email package, so the
// checks do not trust the encoder under test.
//
//   SmtpSink sink;                              // started on a free port
//   options.settings.smtp_url = sink.url();     // smtp://127.0.0.1:PORT
//   ASSERT_TRUE(sink.wait_for(1, std::chrono::seconds(10)));
//   EXPECT_EQ(sink.messages()[0].subject, "TKT-2026-000001 opened: ...");
//   sink.stop(); ... sink.start();              // down and up again on the same port
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace candela::testing {

struct ReceivedAttachment {
  std::string filename;
  std::string content_type;  // without parameters, e.g. "text/calendar"
  std::string content;       // decoded bytes
};

struct ReceivedMail {
  std::string mail_from;             // envelope sender
  std::vector<std::string> rcpt_to;  // envelope recipients
  std::string subject;               // decoded (RFC 2047)
  std::string message_id;
  std::map<std::string, std::string> headers;  // decoded values by field name as sent
  std::string text;                            // the text/plain body, decoded, LF line ends
  std::vector<ReceivedAttachment> attachments;
  std::string raw;  // the bytes received after DATA (dot-unstuffed)
};

class SmtpSink {
 public:
  // `port` 0 picks a free one (kept across stop/start). `reject`: RCPT TO answered with 550.
  explicit SmtpSink(int port = 0, bool start_now = true, std::vector<std::string> reject = {});
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  // Starts the server and waits until it listens (fails the test otherwise); a restarted sink
  // keeps counting messages after those already received.
  void start();
  void stop();
  bool running() const { return process_ != nullptr; }

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_.path(); }

  // Every message received so far, in arrival order.
  std::vector<ReceivedMail> messages() const;
  std::size_t count() const;
  // True once at least `count` messages arrived within `timeout`.
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout) const;
  // The sink's own output (for failure messages).
  std::string log() const;

 private:
  TempDir dir_;
  int port_;
  std::vector<std::string> reject_;
  int generation_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace candela::testing

// One run of mail delivery: claim due outbox rows (a short transaction), send each outside any
// transaction, record each outcome (another short transaction). See docs/notifications.md for
// why a message is sent at least once and, with its stable Message-ID, received once.
#pragma once

#include <chrono>
#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/database.hpp"
#include "control/mail_retry.hpp"
#include "control/mail_transport.hpp"

namespace candela::control {

struct MailDeliverySettings {
  std::string from;  // envelope sender and From header
  MailRetryPolicy retry;
  // A row left in `sending` longer than this belongs to an interrupted attempt and is sent
  // again; must exceed the transport's timeout.
  std::chrono::seconds claim_lease{std::chrono::minutes(5)};
  int batch = 20;  // rows claimed per run
};

struct MailDeliveryRun {
  int sent = 0;
  int deferred = 0;  // failed for now, back to pending after the backoff
  int failed = 0;    // given up
  int waiting = 0;   // due but not sent: no transport configured
};

// `transport` null: nothing is sent; due rows get last_error "no SMTP server configured".
Result<MailDeliveryRun> deliver_due_mail(Database& database, const Clock& clock,
                                         MailTransport* transport,
                                         const MailDeliverySettings& settings);

}  // namespace candela::control

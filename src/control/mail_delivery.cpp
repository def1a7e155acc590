// deliver_due_mail: claim, send, record.
#include "control/mail_delivery.hpp"

#include "control/mail_message.hpp"
#include "control/mail_outbox.hpp"

namespace candela::control {

Result<MailDeliveryRun> deliver_due_mail(Database& database, const Clock& clock,
                                         MailTransport* transport,
                                         const MailDeliverySettings& settings) {
  MailDeliveryRun run;
  if (transport == nullptr) {
    auto waiting = database.with_transaction([&](soci::session& s) {
      return MailOutbox(s, clock).note_undeliverable("no SMTP server configured");
    });
    if (!waiting.ok()) return Error{waiting.failure()};
    run.waiting = waiting.value();
    return run;
  }
  // One row per claim, so a claim is never older than one send (the lease only has to exceed
  // the transport's timeout, not a whole batch).
  for (int i = 0; i < settings.batch; ++i) {
    auto claimed = database.with_transaction(
        [&](soci::session& s) { return MailOutbox(s, clock).claim_due(1, settings.claim_lease); });
    if (!claimed.ok()) return Error{claimed.failure()};
    if (claimed->empty()) break;
    const ClaimedMail& mail = claimed->front();
    MailMessage message{settings.from,   mail.to,         mail.subject,    mail.body,
                        mail.created_at, mail.message_id, mail.attachments};
    const MailSendOutcome outcome =
        transport->send(settings.from, mail.to, build_mime_message(message));
    if (outcome.delivered) {
      auto recorded = database.with_transaction([&](soci::session& s) {
        return MailOutbox(s, clock).mark_sent(mail.id, mail.claim_token);
      });
      if (!recorded.ok()) return Error{recorded.failure()};
      ++run.sent;
      continue;
    }
    auto recorded = database.with_transaction([&](soci::session& s) {
      return MailOutbox(s, clock).mark_failed(mail.id, mail.claim_token, outcome.error,
                                              outcome.permanent, settings.retry);
    });
    if (!recorded.ok()) return Error{recorded.failure()};
    if (recorded.value() == MailStatus::kFailed) {
      ++run.failed;
    } else {
      ++run.deferred;
    }
  }
  return run;
}

}  // namespace candela::control

// The mail outbox: one row per message and address, pending → sending → sent | failed.
// Notifier queues rows; the delivery job claims due rows in a transaction, sends them outside
// it, and records the outcome with the claim token it was given. Staff list and retry rows.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/mail_retry.hpp"
#include "control/notifier.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class MailStatus { kPending, kSending, kSent, kFailed };
std::string_view mail_status_name(MailStatus status);
std::optional<MailStatus> parse_mail_status(std::string_view name);

struct OutboxMessage {
  std::string to;
  std::optional<long long> recipient_user_id;
  std::string subject;
  std::string body;
  std::string template_id;
  NotificationCategory category = NotificationCategory::kAccount;
  std::string entity_type;
  std::string entity_id;
  std::vector<MailAttachment> attachments;
};

// What staff see of a row.
struct MailDelivery {
  long long id = 0;
  std::string to;
  std::string subject;
  MailStatus status = MailStatus::kPending;
  int attempts = 0;
  std::string last_error;
  SysTime next_attempt_at;
  std::optional<SysTime> sent_at;
  SysTime created_at;
  std::string template_id;
  NotificationCategory category = NotificationCategory::kAccount;
  std::string entity_type;
  std::string entity_id;
  std::string message_id;
};

// A row the caller now owns until it reports the outcome with `claim_token`.
struct ClaimedMail {
  long long id = 0;
  std::string claim_token;
  std::string message_id;
  std::string to;
  std::string subject;
  std::string body;
  SysTime created_at;
  int attempts = 0;      // including this one
  bool resumed = false;  // was left in `sending` by an interrupted attempt
  std::vector<MailAttachment> attachments;
};

struct MailDeliveryFilter {
  std::optional<MailStatus> status;
  std::optional<std::string> entity_type;
  std::optional<std::string> entity_id;
};

struct MailDeliveryPage {
  std::vector<MailDelivery> items;       // newest first
  std::optional<long long> next_before;  // pass as `before` for the next page
};

class MailOutbox {
 public:
  static constexpr int kMaxPageSize = 500;

  MailOutbox(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  // Queues one message (due now) with a Message-ID fixed here: <outbox-ID.TOKEN@candela>.
  // Returns the row id.
  Result<long long> enqueue(const OutboxMessage& message);

  // In the caller's transaction: up to `limit` rows that are pending and due, or were left in
  // `sending` for longer than `lease` (an attempt interrupted by a stop or crash), move to
  // `sending` with a fresh claim token, each counting one more attempt.
  Result<std::vector<ClaimedMail>> claim_due(int limit, std::chrono::seconds lease);
  // The outcome of a claimed attempt; false when the claim is no longer the caller's.
  Result<bool> mark_sent(long long id, const std::string& claim_token);
  // Back to pending with the next attempt after the backoff, or failed when `permanent` or the
  // attempts are used up. Returns the new status (nullopt when the claim is not the caller's).
  Result<std::optional<MailStatus>> mark_failed(long long id, const std::string& claim_token,
                                                const std::string& error, bool permanent,
                                                const MailRetryPolicy& policy);
  // Records on every due pending row why nothing was sent (no SMTP server configured); the
  // rows stay pending and no attempt is counted. Returns how many rows are waiting.
  Result<int> note_undeliverable(const std::string& reason);

  // Staff (any provider role): the outbox, newest first, filtered.
  Result<MailDeliveryPage> list(const Principal& principal, const MailDeliveryFilter& filter,
                                std::optional<long long> before, int limit);
  // provider_admin or noc_engineer: a failed row goes back to pending, due now, attempts reset
  // (kConflict for a row in another state). Audited.
  Result<MailDelivery> retry(const Principal& principal, long long id, const std::string& reason);
  Result<MailDelivery> get(long long id);

 private:
  soci::session& session_;
  const Clock& clock_;
};

}  // namespace candela::control

// MailOutbox: queueing with a stable Message-ID, claims with tokens, outcomes, staff views.
#include "control/mail_outbox.hpp"

#include <soci/soci.h>

#include <array>
#include <climits>
#include <nlohmann/json.hpp>

#include "control/audit_log.hpp"
#include "control/database.hpp"
#include "control/mail_encoding.hpp"
#include "control/principal_audit.hpp"
#include "control/secrets.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

constexpr std::array<std::pair<MailStatus, std::string_view>, 4> kStatusNames{{
    {MailStatus::kPending, "pending"},
    {MailStatus::kSending, "sending"},
    {MailStatus::kSent, "sent"},
    {MailStatus::kFailed, "failed"},
}};

constexpr const char* kInterrupted =
    "the previous attempt was interrupted (the portal stopped while sending); sent again with "
    "the same Message-ID";

std::string hex_token(std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : random_bytes(bytes)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(kHex[u >> 4]);
    out.push_back(kHex[u & 0x0F]);
  }
  return out;
}

constexpr const char* kDeliveryColumns =
    "id, to_address, subject, status, attempts, last_error, next_attempt_at, sent_at,"
    " created_at, template, category, entity_type, entity_id, message_id";

// Reads rows of kDeliveryColumns.
struct DeliveryRow {
  MailDelivery row;
  std::string status;
  std::string category;
  long long next = 0;
  long long sent = 0;
  long long created = 0;
  soci::indicator sent_ind = soci::i_null;

  void bind(soci::statement& st) {
    st.exchange(soci::into(row.id));
    st.exchange(soci::into(row.to));
    st.exchange(soci::into(row.subject));
    st.exchange(soci::into(status));
    st.exchange(soci::into(row.attempts));
    st.exchange(soci::into(row.last_error));
    st.exchange(soci::into(next));
    st.exchange(soci::into(sent, sent_ind));
    st.exchange(soci::into(created));
    st.exchange(soci::into(row.template_id));
    st.exchange(soci::into(category));
    st.exchange(soci::into(row.entity_type));
    st.exchange(soci::into(row.entity_id));
    st.exchange(soci::into(row.message_id));
  }
  MailDelivery take() const {
    MailDelivery out = row;
    out.status = parse_mail_status(status).value_or(MailStatus::kPending);
    out.category = parse_notification_category(category).value_or(NotificationCategory::kAccount);
    out.next_attempt_at = from_epoch_ms(next);
    out.sent_at.reset();
    if (sent_ind == soci::i_ok) out.sent_at = from_epoch_ms(sent);
    out.created_at = from_epoch_ms(created);
    return out;
  }
};

}  // namespace

std::string_view mail_status_name(MailStatus status) {
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) return name;
  }
  return "pending";
}

std::optional<MailStatus> parse_mail_status(std::string_view name) {
  for (const auto& [value, known] : kStatusNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

Result<long long> MailOutbox::enqueue(const OutboxMessage& message) {
  return guarded("could not queue the mail", [&]() -> Result<long long> {
    const long long now = to_epoch_ms(clock_.now());
    const std::string token = hex_token(8);
    const std::string category(notification_category_name(message.category));
    const long long user = message.recipient_user_id.value_or(0);
    soci::indicator user_ind = message.recipient_user_id ? soci::i_ok : soci::i_null;
    // The id is part of the Message-ID, so the row is stored first with a unique placeholder.
    std::string message_id = "<queued." + token + "@candela>";
    long long id = 0;
    session_ << "INSERT INTO mail_outbox (to_address, recipient_user_id, subject, body, template,"
                " category, entity_type, entity_id, message_id, status, attempts,"
                " next_attempt_at, created_at) VALUES (:to, :user, :subject, :body, :template,"
                " :category, :etype, :eid, :mid, 'pending', 0, :now, :now2) RETURNING id",
        soci::use(message.to), soci::use(user, user_ind), soci::use(message.subject),
        soci::use(message.body), soci::use(message.template_id), soci::use(category),
        soci::use(message.entity_type), soci::use(message.entity_id), soci::use(message_id),
        soci::use(now), soci::use(now), soci::into(id);
    message_id = "<outbox-" + std::to_string(id) + "." + token + "@candela>";
    session_ << "UPDATE mail_outbox SET message_id = :mid WHERE id = :id", soci::use(message_id),
        soci::use(id);
    for (std::size_t i = 0; i < message.attachments.size(); ++i) {
      const auto& attachment = message.attachments[i];
      const int position = static_cast<int>(i);
      const std::string content = base64_encode(attachment.content);
      session_ << "INSERT INTO mail_attachments (outbox_id, position, filename, content_type,"
                  " content_base64) VALUES (:id, :pos, :name, :type, :content)",
          soci::use(id), soci::use(position), soci::use(attachment.filename),
          soci::use(attachment.content_type), soci::use(content);
    }
    return id;
  });
}

Result<std::vector<ClaimedMail>> MailOutbox::claim_due(int limit, std::chrono::seconds lease) {
  return guarded("could not claim mail to send", [&]() -> Result<std::vector<ClaimedMail>> {
    const long long now = to_epoch_ms(clock_.now());
    const long long stale =
        now - std::chrono::duration_cast<std::chrono::milliseconds>(lease).count();
    std::vector<long long> ids;
    long long id = 0;
    soci::statement due =
        (session_.prepare << "SELECT id FROM mail_outbox WHERE (status = 'pending' AND"
                             " next_attempt_at <= :now) OR (status = 'sending' AND"
                             " claimed_at <= :stale) ORDER BY next_attempt_at, id LIMIT :n",
         soci::use(now), soci::use(stale), soci::use(limit), soci::into(id));
    due.execute();
    while (due.fetch())
      ids.push_back(id);

    std::vector<ClaimedMail> claimed;
    for (long long row_id : ids) {
      ClaimedMail mail;
      mail.id = row_id;
      std::string status;
      long long created = 0;
      session_ << "SELECT status, message_id, to_address, subject, body, created_at, attempts"
                  " FROM mail_outbox WHERE id = :id",
          soci::use(row_id), soci::into(status), soci::into(mail.message_id), soci::into(mail.to),
          soci::into(mail.subject), soci::into(mail.body), soci::into(created),
          soci::into(mail.attempts);
      mail.resumed = status == "sending";
      mail.created_at = from_epoch_ms(created);
      mail.claim_token = random_token(16);
      const std::string note = mail.resumed ? kInterrupted : "";
      soci::statement claim =
          (session_.prepare << "UPDATE mail_outbox SET status = 'sending', claimed_at = :now,"
                               " claim_token = :token, attempts = attempts + 1,"
                               " last_error = CASE WHEN :resumed = 1 THEN :note ELSE last_error"
                               " END WHERE id = :id AND ((status = 'pending' AND"
                               " next_attempt_at <= :now2) OR (status = 'sending' AND"
                               " claimed_at <= :stale))",
           soci::use(now), soci::use(mail.claim_token), soci::use(mail.resumed ? 1 : 0),
           soci::use(note), soci::use(row_id), soci::use(now), soci::use(stale));
      claim.execute(true);
      if (claim.get_affected_rows() == 0) continue;  // someone else took it meanwhile
      ++mail.attempts;
      MailAttachment attachment;
      std::string encoded;
      soci::statement parts =
          (session_.prepare << "SELECT filename, content_type, content_base64 FROM"
                               " mail_attachments WHERE outbox_id = :id ORDER BY position",
           soci::use(row_id), soci::into(attachment.filename), soci::into(attachment.content_type),
           soci::into(encoded));
      parts.execute();
      while (parts.fetch()) {
        auto content = base64_decode(encoded);
        if (!content) {
          return Error{"attachment of outbox row " + std::to_string(row_id) + " is corrupt",
                       ErrorKind::kInternal};
        }
        attachment.content = std::move(*content);
        mail.attachments.push_back(attachment);
      }
      claimed.push_back(std::move(mail));
    }
    return claimed;
  });
}

Result<bool> MailOutbox::mark_sent(long long id, const std::string& claim_token) {
  return guarded("could not record a sent mail", [&]() -> Result<bool> {
    const long long now = to_epoch_ms(clock_.now());
    soci::statement st =
        (session_.prepare << "UPDATE mail_outbox SET status = 'sent', sent_at = :now,"
                             " claimed_at = NULL, claim_token = NULL"
                             " WHERE id = :id AND status = 'sending' AND claim_token = :token",
         soci::use(now), soci::use(id), soci::use(claim_token));
    st.execute(true);
    return st.get_affected_rows() > 0;
  });
}

Result<std::optional<MailStatus>> MailOutbox::mark_failed(long long id,
                                                          const std::string& claim_token,
                                                          const std::string& error, bool permanent,
                                                          const MailRetryPolicy& policy) {
  return guarded("could not record a failed mail", [&]() -> Result<std::optional<MailStatus>> {
    int attempts = 0;
    session_ << "SELECT attempts FROM mail_outbox WHERE id = :id AND status = 'sending'"
                " AND claim_token = :token",
        soci::use(id), soci::use(claim_token), soci::into(attempts);
    if (!session_.got_data()) return std::optional<MailStatus>{};
    const SysTime now = clock_.now();
    const bool give_up = permanent || attempts >= policy.max_attempts;
    const MailStatus next = give_up ? MailStatus::kFailed : MailStatus::kPending;
    const std::string status(mail_status_name(next));
    const long long next_at = to_epoch_ms(give_up ? now : now + mail_retry_delay(policy, attempts));
    const std::string text = error.substr(0, 1000);
    session_ << "UPDATE mail_outbox SET status = :status, next_attempt_at = :next,"
                " last_error = :error, claimed_at = NULL, claim_token = NULL WHERE id = :id",
        soci::use(status), soci::use(next_at), soci::use(text), soci::use(id);
    return std::optional<MailStatus>{next};
  });
}

Result<int> MailOutbox::note_undeliverable(const std::string& reason) {
  return guarded("could not update waiting mail", [&]() -> Result<int> {
    const long long now = to_epoch_ms(clock_.now());
    // Rows already saying so are left alone: the job runs every few seconds.
    session_ << "UPDATE mail_outbox SET last_error = :reason"
                " WHERE status = 'pending' AND next_attempt_at <= :now AND last_error <> :same",
        soci::use(reason), soci::use(now), soci::use(reason);
    int waiting = 0;
    session_ << "SELECT COUNT(*) FROM mail_outbox WHERE status = 'pending'"
                " AND next_attempt_at <= :now",
        soci::use(now), soci::into(waiting);
    return waiting;
  });
}

Result<MailDeliveryPage> MailOutbox::list(const Principal& principal,
                                          const MailDeliveryFilter& filter,
                                          std::optional<long long> before, int limit) {
  if (!principal.is_provider()) {
    return Error{"mail deliveries are visible to provider staff only", ErrorKind::kForbidden};
  }
  if (limit < 1 || limit > kMaxPageSize) {
    return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
  }
  return guarded("could not list mail deliveries", [&]() -> Result<MailDeliveryPage> {
    const std::string status =
        filter.status ? std::string(mail_status_name(*filter.status)) : std::string();
    const std::string etype = filter.entity_type.value_or("");
    const std::string eid = filter.entity_id.value_or("");
    const int use_status = filter.status ? 1 : 0;
    const int use_etype = filter.entity_type ? 1 : 0;
    const int use_eid = filter.entity_id ? 1 : 0;
    const long long below = before.value_or(LLONG_MAX);
    const int fetch = limit + 1;
    DeliveryRow reader;
    soci::statement st(session_);
    st.alloc();
    reader.bind(st);
    st.exchange(soci::use(below));
    st.exchange(soci::use(use_status));
    st.exchange(soci::use(status));
    st.exchange(soci::use(use_etype));
    st.exchange(soci::use(etype));
    st.exchange(soci::use(use_eid));
    st.exchange(soci::use(eid));
    st.exchange(soci::use(fetch));
    st.prepare(std::string("SELECT ") + kDeliveryColumns +
               " FROM mail_outbox WHERE id < :before"
               " AND (:use_status = 0 OR status = :status)"
               " AND (:use_etype = 0 OR entity_type = :etype)"
               " AND (:use_eid = 0 OR entity_id = :eid) ORDER BY id DESC LIMIT :n");
    st.define_and_bind();
    st.execute();
    MailDeliveryPage page;
    while (st.fetch()) {
      if (static_cast<int>(page.items.size()) == limit) {
        page.next_before = page.items.back().id;
        break;
      }
      page.items.push_back(reader.take());
    }
    return page;
  });
}

Result<MailDelivery> MailOutbox::get(long long id) {
  return guarded("could not read the mail delivery", [&]() -> Result<MailDelivery> {
    DeliveryRow reader;
    soci::statement st(session_);
    st.alloc();
    reader.bind(st);
    st.exchange(soci::use(id));
    st.prepare(std::string("SELECT ") + kDeliveryColumns + " FROM mail_outbox WHERE id = :id");
    st.define_and_bind();
    st.execute();
    if (!st.fetch()) {
      return Error{"no mail delivery " + std::to_string(id), ErrorKind::kNotFound};
    }
    return reader.take();
  });
}

Result<MailDelivery> MailOutbox::retry(const Principal& principal, long long id,
                                       const std::string& reason) {
  if (!principal.has_provider_role(Role::kProviderAdmin) &&
      !principal.has_provider_role(Role::kNocEngineer)) {
    return Error{"retrying mail needs the provider_admin or noc_engineer role",
                 ErrorKind::kForbidden};
  }
  return guarded("could not retry the mail delivery", [&]() -> Result<MailDelivery> {
    auto current = get(id);
    if (!current.ok()) return current;
    if (current->status != MailStatus::kFailed) {
      return Error{"only a failed delivery can be retried; this one is " +
                       std::string(mail_status_name(current->status)),
                   ErrorKind::kConflict};
    }
    const long long now = to_epoch_ms(clock_.now());
    session_ << "UPDATE mail_outbox SET status = 'pending', attempts = 0, next_attempt_at = :now"
                " WHERE id = :id AND status = 'failed'",
        soci::use(now), soci::use(id);
    AuditEntry entry = audit_entry(principal, "mail_delivery", std::to_string(id), "retry");
    entry.from_state = "failed";
    entry.to_state = "pending";
    entry.reason = reason;
    entry.details = nlohmann::json{{"to", current->to},
                                   {"message_id", current->message_id},
                                   {"attempts", current->attempts},
                                   {"last_error", current->last_error}}
                        .dump();
    if (auto audited = AuditLog(session_, clock_).append(entry); !audited.ok()) {
      return Error{audited.failure()};
    }
    return get(id);
  });
}

}  // namespace candela::control

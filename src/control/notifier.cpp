// Notifier: renders a notice once, then stores portal rows and one outbox row per distinct
// address, honouring each user's preferences, all in the caller's transaction.
#include "control/notifier.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <set>

#include "control/database.hpp"
#include "control/mail_address.hpp"
#include "control/mail_outbox.hpp"
#include "control/notification_preferences.hpp"
#include "control/notification_template.hpp"
#include "control/notifications.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

constexpr std::array<std::pair<NotificationCategory, std::string_view>, 7> kCategoryNames{{
    {NotificationCategory::kTickets, "tickets"},
    {NotificationCategory::kMaintenance, "maintenance"},
    {NotificationCategory::kNoc, "noc"},
    {NotificationCategory::kInvalidations, "invalidations"},
    {NotificationCategory::kOrders, "orders"},
    {NotificationCategory::kBilling, "billing"},
    {NotificationCategory::kAccount, "account"},
}};

// The portal keeps subjects to 200 bytes (its CHECK counts characters; bytes are never fewer);
// a longer one is cut at a character boundary and marked.
std::string portal_subject(const std::string& subject) {
  constexpr std::size_t kLimit = Notifications::kMaxSubjectLength;
  if (subject.size() <= kLimit) return subject;
  std::size_t cut = kLimit - 3;
  while (cut > 0 && (static_cast<unsigned char>(subject[cut]) & 0xC0) == 0x80)
    --cut;
  return subject.substr(0, cut) + "...";
}

struct Mailbox {
  std::string address;
  std::optional<long long> user_id;
};

// Collects addresses once each, compared without regard to case.
class MailboxList {
 public:
  void add(const std::string& address, std::optional<long long> user_id) {
    if (seen_.insert(lower_ascii(address)).second) boxes_.push_back({address, user_id});
  }
  const std::vector<Mailbox>& boxes() const { return boxes_; }

 private:
  std::set<std::string> seen_;
  std::vector<Mailbox> boxes_;
};

}  // namespace

std::string_view notification_category_name(NotificationCategory category) {
  for (const auto& [value, name] : kCategoryNames) {
    if (value == category) return name;
  }
  return "account";
}

std::optional<NotificationCategory> parse_notification_category(std::string_view name) {
  for (const auto& [value, known] : kCategoryNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

const std::vector<NotificationCategory>& all_notification_categories() {
  static const std::vector<NotificationCategory> categories = [] {
    std::vector<NotificationCategory> all;
    for (const auto& entry : kCategoryNames)
      all.push_back(entry.first);
    return all;
  }();
  return categories;
}

Result<NotifyReceipt> Notifier::notify(const Notice& notice, const NotificationRecipients& to) {
  if (notice.tmpl == nullptr) return Error{"a notice needs a template", ErrorKind::kInternal};
  const NotificationTemplate& tmpl = *notice.tmpl;
  auto subject = render_template(tmpl.id, tmpl.subject, notice.values);
  if (!subject.ok()) return Error{subject.failure()};
  auto body = render_template(tmpl.id, tmpl.body, notice.values);
  if (!body.ok()) return Error{body.failure()};
  for (const auto& address : to.emails) {
    if (!is_mailable_address(address)) {
      return Error{"cannot send " + std::string(tmpl.id) + " to \"" + address +
                       "\": not a valid email address",
                   ErrorKind::kInvalid};
    }
  }
  for (Role role : to.roles) {
    if (!is_provider_role(role)) {
      return Error{"role notifications go to provider roles only", ErrorKind::kInternal};
    }
  }
  return guarded("could not store the notification", [&]() -> Result<NotifyReceipt> {
    NotifyReceipt receipt;
    const long long now = to_epoch_ms(clock_.now());
    if (!notice.dedupe_key.empty()) {
      int already = 0;
      session_ << "SELECT COUNT(*) FROM notification_dedupe WHERE dedupe_key = :k",
          soci::use(notice.dedupe_key), soci::into(already);
      if (already > 0) return receipt;
      const std::string template_id(tmpl.id);
      session_ << "INSERT INTO notification_dedupe (dedupe_key, template, created_at)"
                  " VALUES (:k, :t, :now)",
          soci::use(notice.dedupe_key), soci::use(template_id), soci::use(now);
    }

    NotificationDraft draft;
    draft.subject = portal_subject(*subject);
    draft.body = *body;
    draft.entity_type = notice.entity_type;
    draft.entity_id = notice.entity_id;
    draft.category = tmpl.category;
    draft.template_id = std::string(tmpl.id);
    Notifications portal(session_, clock_);
    NotificationPreferences preferences(session_, clock_);
    MailboxList mailboxes;

    std::set<long long> users_done;
    for (long long user_id : to.user_ids) {
      if (!users_done.insert(user_id).second) continue;
      std::string email;
      int disabled = 0;
      session_ << "SELECT email, disabled FROM users WHERE id = :id", soci::use(user_id),
          soci::into(email), soci::into(disabled);
      if (!session_.got_data()) {
        return Error{"notification for user " + std::to_string(user_id) + ", who does not exist",
                     ErrorKind::kInternal};
      }
      if (disabled != 0) continue;  // cannot sign in, must not be mailed
      auto preference = preferences.of(user_id, tmpl.category);
      if (!preference.ok()) return Error{preference.failure()};
      if (preference->portal) {
        draft.recipient_user_id = user_id;
        draft.recipient_role.reset();
        if (auto made = portal.create(draft); !made.ok()) return Error{made.failure()};
        ++receipt.portal_rows;
      }
      if (preference->email) mailboxes.add(email, user_id);
    }

    std::set<Role> roles_done;
    for (Role role : to.roles) {
      if (!roles_done.insert(role).second) continue;
      draft.recipient_user_id.reset();
      draft.recipient_role = role;
      if (auto made = portal.create(draft); !made.ok()) return Error{made.failure()};
      ++receipt.portal_rows;
      const std::string name(role_name(role));
      std::vector<std::pair<long long, std::string>> holders;
      long long id = 0;
      std::string email;
      soci::statement st =
          (session_.prepare << "SELECT u.id, u.email FROM users u JOIN user_roles r"
                               " ON r.user_id = u.id WHERE r.role = :role"
                               " AND r.access_group_id IS NULL AND u.disabled = 0 ORDER BY u.id",
           soci::use(name), soci::into(id), soci::into(email));
      st.execute();
      while (st.fetch())
        holders.emplace_back(id, email);
      for (const auto& [holder, address] : holders) {
        auto preference = preferences.of(holder, tmpl.category);
        if (!preference.ok()) return Error{preference.failure()};
        if (preference->email) mailboxes.add(address, holder);
      }
    }

    for (const auto& address : to.emails)
      mailboxes.add(address, std::nullopt);

    MailOutbox outbox(session_, clock_);
    for (const auto& box : mailboxes.boxes()) {
      OutboxMessage message;
      message.to = box.address;
      message.recipient_user_id = box.user_id;
      message.subject = *subject;
      message.body = *body;
      message.template_id = std::string(tmpl.id);
      message.category = tmpl.category;
      message.entity_type = notice.entity_type;
      message.entity_id = notice.entity_id;
      message.attachments = notice.attachments;
      if (auto queued = outbox.enqueue(message); !queued.ok()) return Error{queued.failure()};
      ++receipt.emails_queued;
    }
    return receipt;
  });
}

}  // namespace candela::control

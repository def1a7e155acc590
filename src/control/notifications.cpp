// Notifications: insert, list newest first by recipient user or provider role, mark read.
#include "control/notifications.hpp"

#include <soci/soci.h>

#include <climits>

#include "control/database.hpp"
#include "control/store_guard.hpp"

namespace candela::control {

Result<long long> Notifications::create(const NotificationDraft& draft) {
  return guarded("could not store the notification", [&]() -> Result<long long> {
    if (draft.recipient_user_id.has_value() == draft.recipient_role.has_value()) {
      return Error{"a notification goes to one user or to one provider role", ErrorKind::kInternal};
    }
    if (draft.recipient_role && !is_provider_role(*draft.recipient_role)) {
      return Error{"role notifications go to provider roles only", ErrorKind::kInternal};
    }
    if (draft.subject.empty() || draft.subject.size() > kMaxSubjectLength) {
      return Error{
          "a notification subject is 1 to " + std::to_string(kMaxSubjectLength) + " characters",
          ErrorKind::kInternal};
    }
    const long long user = draft.recipient_user_id.value_or(0);
    const std::string role =
        draft.recipient_role ? std::string(role_name(*draft.recipient_role)) : std::string();
    soci::indicator user_ind = draft.recipient_user_id ? soci::i_ok : soci::i_null;
    soci::indicator role_ind = draft.recipient_role ? soci::i_ok : soci::i_null;
    const std::string category =
        draft.category ? std::string(notification_category_name(*draft.category)) : std::string();
    soci::indicator category_ind = draft.category ? soci::i_ok : soci::i_null;
    soci::indicator template_ind = draft.template_id.empty() ? soci::i_null : soci::i_ok;
    const long long now = to_epoch_ms(clock_.now());
    long long id = 0;
    session_ << "INSERT INTO notifications (recipient_user_id, recipient_role, subject, body,"
                " entity_type, entity_id, category, template, created_at)"
                " VALUES (:user, :role, :subject, :body, :etype, :eid, :category, :template,"
                " :now) RETURNING id",
        soci::use(user, user_ind), soci::use(role, role_ind), soci::use(draft.subject),
        soci::use(draft.body), soci::use(draft.entity_type), soci::use(draft.entity_id),
        soci::use(category, category_ind), soci::use(draft.template_id, template_ind),
        soci::use(now), soci::into(id);
    return id;
  });
}

Result<NotificationPage> Notifications::list_for(const Principal& principal,
                                                 std::optional<long long> before, int limit) {
  return guarded("could not list notifications", [&]() -> Result<NotificationPage> {
    if (limit < 1 || limit > kMaxPageSize) {
      return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
    }
    // Role names come from the fixed role table, never from the request, so they can be quoted
    // into the statement (SOCI cannot bind a list of variable length).
    std::string roles;
    for (const auto& grant : principal.grants) {
      if (!is_provider_role(grant.role)) continue;
      roles += roles.empty() ? "'" : ", '";
      roles += role_name(grant.role);
      roles += "'";
    }
    // A role row's read time is the reader's own (notification_reads).
    std::string sql =
        "SELECT n.id, n.recipient_user_id, n.recipient_role, n.subject, n.body, n.entity_type,"
        " n.entity_id, n.category, n.template, n.created_at, COALESCE(n.read_at, r.read_at)"
        " FROM notifications n LEFT JOIN notification_reads r ON r.notification_id = n.id"
        " AND r.user_id = :reader WHERE (n.recipient_user_id = :user";
    if (!roles.empty()) sql += " OR n.recipient_role IN (" + roles + ")";
    sql += ") AND n.id < :before ORDER BY n.id DESC LIMIT :n";
    const long long user = principal.user_id;
    const long long below = before.value_or(LLONG_MAX);
    const int fetch = limit + 1;
    NotificationPage page;
    Notification row;
    long long recipient = 0;
    std::string role;
    std::string category;
    std::string template_id;
    long long created = 0;
    long long read = 0;
    soci::indicator recipient_ind = soci::i_null;
    soci::indicator role_ind = soci::i_null;
    soci::indicator category_ind = soci::i_null;
    soci::indicator template_ind = soci::i_null;
    soci::indicator read_ind = soci::i_null;
    soci::statement st =
        (session_.prepare << sql, soci::use(user), soci::use(user), soci::use(below),
         soci::use(fetch), soci::into(row.id), soci::into(recipient, recipient_ind),
         soci::into(role, role_ind), soci::into(row.subject), soci::into(row.body),
         soci::into(row.entity_type), soci::into(row.entity_id), soci::into(category, category_ind),
         soci::into(template_id, template_ind), soci::into(created), soci::into(read, read_ind));
    st.execute();
    while (st.fetch()) {
      if (static_cast<int>(page.notifications.size()) == limit) {
        page.next_before = page.notifications.back().id;
        break;
      }
      Notification n = row;
      n.recipient_user_id.reset();
      n.recipient_role.reset();
      n.read_at.reset();
      n.category.reset();
      n.template_id.clear();
      if (category_ind == soci::i_ok) n.category = parse_notification_category(category);
      if (template_ind == soci::i_ok) n.template_id = template_id;
      if (recipient_ind == soci::i_ok) n.recipient_user_id = recipient;
      if (role_ind == soci::i_ok) n.recipient_role = parse_role(role);
      n.created_at = from_epoch_ms(created);
      if (read_ind == soci::i_ok) n.read_at = from_epoch_ms(read);
      page.notifications.push_back(std::move(n));
    }
    return page;
  });
}

Status Notifications::mark_read(const Principal& principal, long long id) {
  return guarded("could not mark the notification read", [&]() -> Status {
    long long recipient = 0;
    std::string role;
    soci::indicator recipient_ind = soci::i_null;
    soci::indicator role_ind = soci::i_null;
    session_ << "SELECT recipient_user_id, recipient_role FROM notifications WHERE id = :id",
        soci::use(id), soci::into(recipient, recipient_ind), soci::into(role, role_ind);
    const Error not_found{"no notification " + std::to_string(id), ErrorKind::kNotFound};
    if (!session_.got_data()) return not_found;
    const long long now = to_epoch_ms(clock_.now());
    if (recipient_ind == soci::i_ok) {
      if (principal.user_id <= 0 || recipient != principal.user_id) return not_found;
      session_ << "UPDATE notifications SET read_at = :now WHERE id = :id AND read_at IS NULL",
          soci::use(now), soci::use(id);
      return ok_status();
    }
    const auto parsed = role_ind == soci::i_ok ? parse_role(role) : std::nullopt;
    if (!parsed || principal.user_id <= 0 || !principal.has_provider_role(*parsed)) {
      return not_found;
    }
    session_ << "INSERT INTO notification_reads (notification_id, user_id, read_at)"
                " VALUES (:id, :user, :now) ON CONFLICT (notification_id, user_id) DO NOTHING",
        soci::use(id), soci::use(principal.user_id), soci::use(now);
    return ok_status();
  });
}

}  // namespace candela::control

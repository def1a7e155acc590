// AuditLog: inserts and pages through audit records with keyset pagination on the record id.
#include "control/audit_log.hpp"

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "control/database.hpp"
#include "control/store_errors.hpp"

namespace candela::control {
namespace {

template <typename T>
soci::indicator indicator_of(const std::optional<T>& value) {
  return value ? soci::i_ok : soci::i_null;
}

}  // namespace

Result<long long> AuditLog::append(const AuditEntry& entry) {
  if (entry.entity_type.empty() || entry.entity_id.empty() || entry.action.empty()) {
    return Error{"an audit record needs an entity type, an entity id and an action"};
  }
  const auto details = nlohmann::json::parse(entry.details, nullptr, false);
  if (details.is_discarded() || !details.is_object()) {
    return Error{"audit details must be a JSON object, got: " + entry.details};
  }
  const long long at = to_epoch_ms(clock_.now());
  // SOCI binds by reference and reads the value even when the indicator says NULL.
  const long long actor = entry.actor_user_id.value_or(0);
  const std::string key_id = entry.actor_key_id.value_or("");
  const long long mimicked_by = entry.mimicked_by.value_or(0);
  const std::string from_state = entry.from_state.value_or("");
  const std::string to_state = entry.to_state.value_or("");
  soci::indicator actor_ind = indicator_of(entry.actor_user_id);
  soci::indicator key_ind = indicator_of(entry.actor_key_id);
  soci::indicator mimic_ind = indicator_of(entry.mimicked_by);
  soci::indicator from_ind = indicator_of(entry.from_state);
  soci::indicator to_ind = indicator_of(entry.to_state);
  long long id = 0;
  try {
    session_ << "INSERT INTO audit_log (at, actor_user_id, actor_key_id, mimicked_by,"
                " entity_type, entity_id, action, from_state, to_state, reason, details)"
                " VALUES (:at, :actor, :key, :mimic, :etype, :eid, :action, :from, :to,"
                " :reason, :details) RETURNING id",
        soci::use(at), soci::use(actor, actor_ind), soci::use(key_id, key_ind),
        soci::use(mimicked_by, mimic_ind), soci::use(entry.entity_type), soci::use(entry.entity_id),
        soci::use(entry.action), soci::use(from_state, from_ind), soci::use(to_state, to_ind),
        soci::use(entry.reason), soci::use(entry.details), soci::into(id);
  } catch (const soci::soci_error& e) {
    return storage_error("could not record the audit entry", e);
  }
  return id;
}

Result<AuditPage> AuditLog::list_for_entity(const std::string& entity_type,
                                            const std::string& entity_id, long long after_id,
                                            int limit) {
  if (limit < 1 || limit > kMaxPageSize) {
    return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
  }
  // One extra row tells whether another page follows.
  const int fetch = limit + 1;
  AuditPage page;
  AuditRecord row;
  long long at = 0;
  long long actor = 0;
  long long mimic = 0;
  std::string key_id;
  std::string from_state;
  std::string to_state;
  soci::indicator actor_ind = soci::i_ok;
  soci::indicator key_ind = soci::i_ok;
  soci::indicator mimic_ind = soci::i_ok;
  soci::indicator from_ind = soci::i_ok;
  soci::indicator to_ind = soci::i_ok;
  try {
    soci::statement st =
        (session_.prepare << "SELECT id, at, actor_user_id, actor_key_id, mimicked_by, action,"
                             " from_state, to_state, reason, details FROM audit_log"
                             " WHERE entity_type = :etype AND entity_id = :eid AND id > :after"
                             " ORDER BY id LIMIT :n",
         soci::use(entity_type), soci::use(entity_id), soci::use(after_id), soci::use(fetch),
         soci::into(row.id), soci::into(at), soci::into(actor, actor_ind),
         soci::into(key_id, key_ind), soci::into(mimic, mimic_ind), soci::into(row.entry.action),
         soci::into(from_state, from_ind), soci::into(to_state, to_ind),
         soci::into(row.entry.reason), soci::into(row.entry.details));
    st.execute();
    while (st.fetch()) {
      if (static_cast<int>(page.records.size()) == limit) {
        page.next_after_id = page.records.back().id;
        break;
      }
      AuditRecord record = row;
      record.at = from_epoch_ms(at);
      record.entry.entity_type = entity_type;
      record.entry.entity_id = entity_id;
      if (actor_ind == soci::i_ok) record.entry.actor_user_id = actor;
      if (key_ind == soci::i_ok) record.entry.actor_key_id = key_id;
      if (mimic_ind == soci::i_ok) record.entry.mimicked_by = mimic;
      if (from_ind == soci::i_ok) record.entry.from_state = from_state;
      if (to_ind == soci::i_ok) record.entry.to_state = to_state;
      page.records.push_back(std::move(record));
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not read the audit trail", e);
  }
  return page;
}

}  // namespace candela::control

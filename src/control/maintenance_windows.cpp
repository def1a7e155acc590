// MaintenanceWindows: validation, storage, tenancy and the state changes of maintenance windows,
// each audited and announced in the transaction that makes it.
#include "control/maintenance_windows.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <deque>
#include <nlohmann/json.hpp>
#include <set>

#include "control/authorization.hpp"
#include "control/database.hpp"
#include "control/maintenance_notices.hpp"
#include "control/maintenance_targets.hpp"
#include "control/principal_audit.hpp"
#include "control/reference_numbers.hpp"
#include "control/store_guard.hpp"
#include "control/usage_time.hpp"

namespace candela::control {
namespace {

using FieldErrors = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kWindowColumns =
    "id, reference, kind, impact, state, title, description, starts_at, ends_at, sequence,"
    " created_by, created_at, updated_at, reminder_due_at, reminder_notice_at, started_notice_at,"
    " completed_notice_at, started_at, completed_at, cancelled_at, cancel_reason";

// One fetched row of maintenance_windows, bound column by column (portable across backends).
struct WindowRow {
  long long id = 0;
  std::string reference, kind, impact, state, title, description;
  long long starts_at = 0, ends_at = 0;
  int sequence = 0;
  long long created_by = 0;
  soci::indicator created_by_ind = soci::i_null;
  long long created_at = 0, updated_at = 0;
  std::array<long long, 7> times{};
  std::array<soci::indicator, 7> times_ind{};
  std::string cancel_reason;
  soci::indicator cancel_reason_ind = soci::i_null;

  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(reference));
    st.exchange(soci::into(kind));
    st.exchange(soci::into(impact));
    st.exchange(soci::into(state));
    st.exchange(soci::into(title));
    st.exchange(soci::into(description));
    st.exchange(soci::into(starts_at));
    st.exchange(soci::into(ends_at));
    st.exchange(soci::into(sequence));
    st.exchange(soci::into(created_by, created_by_ind));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(updated_at));
    for (std::size_t i = 0; i < times.size(); ++i)
      st.exchange(soci::into(times[i], times_ind[i]));
    st.exchange(soci::into(cancel_reason, cancel_reason_ind));
  }

  MaintenanceWindow window() const {
    auto optional_time = [&](std::size_t i) -> std::optional<SysTime> {
      if (times_ind[i] != soci::i_ok) return std::nullopt;
      return from_epoch_ms(times[i]);
    };
    MaintenanceWindow w;
    w.id = id;
    w.reference = reference;
    w.kind = parse_maintenance_kind(kind).value_or(MaintenanceKind::kScheduled);
    w.impact = parse_maintenance_impact(impact).value_or(MaintenanceImpact::kServiceAffecting);
    w.state = parse_maintenance_state(state).value_or(MaintenanceState::kScheduled);
    w.title = title;
    w.description = description;
    w.starts_at = from_epoch_ms(starts_at);
    w.ends_at = from_epoch_ms(ends_at);
    w.sequence = sequence;
    if (created_by_ind == soci::i_ok) w.created_by = created_by;
    w.created_at = from_epoch_ms(created_at);
    w.updated_at = from_epoch_ms(updated_at);
    w.reminder_due_at = optional_time(0);
    w.reminder_notice_at = optional_time(1);
    w.started_notice_at = optional_time(2);
    w.completed_notice_at = optional_time(3);
    w.started_at = optional_time(4);
    w.completed_at = optional_time(5);
    w.cancelled_at = optional_time(6);
    if (cancel_reason_ind == soci::i_ok) w.cancel_reason = cancel_reason;
    return w;
  }
};

// Runs SELECT <columns> FROM maintenance_windows w <tail>, binding `params` in order.
std::vector<MaintenanceWindow> select_windows(soci::session& session, const std::string& tail,
                                              const std::deque<long long>& params,
                                              const std::deque<std::string>& text_params = {}) {
  WindowRow row;
  soci::statement st(session);
  row.bind(st);
  for (const std::string& text : text_params)
    st.exchange(soci::use(text));
  for (const long long& value : params)
    st.exchange(soci::use(value));
  st.alloc();
  st.prepare(std::string("SELECT ") + kWindowColumns + " FROM maintenance_windows w " + tail);
  st.define_and_bind();
  st.execute();
  std::vector<MaintenanceWindow> out;
  while (st.fetch())
    out.push_back(row.window());
  return out;
}

void load_targets(soci::session& session, MaintenanceWindow& window) {
  soci::rowset<soci::row> rows =
      (session.prepare << "SELECT cache_group, edge_id FROM maintenance_targets"
                          " WHERE window_id = :w",
       soci::use(window.id));
  for (const soci::row& row : rows) {
    if (row.get_indicator(0) == soci::i_ok) window.cache_groups.push_back(row.get<std::string>(0));
    if (row.get_indicator(1) == soci::i_ok) window.edges.push_back(row.get<std::string>(1));
  }
  std::sort(window.cache_groups.begin(), window.cache_groups.end());
  std::sort(window.edges.begin(), window.edges.end());
}

void load_notices(soci::session& session, MaintenanceWindow& window) {
  MaintenanceNoticeRecord record;
  long long sent_at = 0;
  soci::statement st =
      (session.prepare << "SELECT template, sequence, sent_at, recipients, portal_rows,"
                          " emails_queued FROM maintenance_notices WHERE window_id = :w"
                          " ORDER BY id",
       soci::into(record.template_id), soci::into(record.sequence), soci::into(sent_at),
       soci::into(record.recipients), soci::into(record.portal_rows),
       soci::into(record.emails_queued), soci::use(window.id));
  st.execute();
  while (st.fetch()) {
    record.sent_at = from_epoch_ms(sent_at);
    window.notices.push_back(record);
  }
}

// Customers see only the services they can see; staff (nullopt) all.
void set_affected(MaintenanceWindow& window, const std::vector<AffectedService>& all,
                  const std::optional<std::vector<long long>>& groups) {
  window.affected.clear();
  std::set<long long> customers;
  for (const AffectedService& service : all) {
    if (groups && !std::binary_search(groups->begin(), groups->end(), service.access_group_id)) {
      continue;
    }
    window.affected.push_back(service);
    customers.insert(service.customer_id);
  }
  window.affected_customers = static_cast<int>(customers.size());
}

std::string iso(SysTime time) {
  return format_utc_ms(to_epoch_ms(time));
}

std::optional<long long> reminder_due(const MaintenanceWindow& window, SysTime now,
                                      std::chrono::hours before) {
  if (window.kind != MaintenanceKind::kScheduled) return std::nullopt;
  const SysTime due = window.starts_at - before;
  // Scheduled inside the reminder period: the scheduled notice itself is the reminder.
  if (due <= now) return std::nullopt;
  return to_epoch_ms(due);
}

void check_text(const std::string& title, const std::string& description, FieldErrors& errors) {
  const bool blank =
      std::all_of(title.begin(), title.end(), [](char c) { return c == ' ' || c == '\t'; });
  if (title.empty() || blank || title.size() > MaintenanceWindows::kMaxTitleLength) {
    errors.emplace_back("/title", "must be 1 to " +
                                      std::to_string(MaintenanceWindows::kMaxTitleLength) +
                                      " characters, not only spaces");
  } else if (title.find_first_of("\r\n") != std::string::npos) {
    errors.emplace_back("/title", "must be one line");
  }
  if (description.size() > MaintenanceWindows::kMaxDescriptionLength) {
    errors.emplace_back("/description",
                        "must be at most " +
                            std::to_string(MaintenanceWindows::kMaxDescriptionLength) +
                            " characters");
  }
}

// The rules on a window's times: end after start, at most 7 days, a scheduled window's start in
// the future, an emergency's at most an hour ago (it may have begun already).
void check_times(MaintenanceKind kind, SysTime starts, SysTime ends, SysTime now, bool check_start,
                 FieldErrors& errors) {
  if (check_start) {
    if (kind == MaintenanceKind::kScheduled && starts <= now) {
      errors.emplace_back("/starts_at", "scheduled maintenance must start in the future (now is " +
                                            iso(now) +
                                            "); use kind \"emergency\" for work that starts now");
    } else if (kind == MaintenanceKind::kEmergency &&
               starts < now - MaintenanceWindows::kEmergencyBackdate) {
      errors.emplace_back("/starts_at", "may lie at most 1 hour in the past");
    }
  }
  if (ends <= starts) {
    errors.emplace_back("/ends_at", "must be after starts_at (" + iso(starts) + ")");
  } else if (ends - starts > MaintenanceWindows::kMaxLength) {
    errors.emplace_back("/ends_at", "a maintenance window lasts at most 7 days");
  }
}

Error invalid(const std::string& what, FieldErrors errors) {
  const std::string message = errors.size() == 1
                                  ? what + ": " + errors.front().first + " " + errors.front().second
                                  : what + ": " + std::to_string(errors.size()) + " problems";
  return Error{message, ErrorKind::kInvalid, std::move(errors)};
}

nlohmann::json window_details(const MaintenanceWindow& w) {
  return {{"kind", maintenance_kind_name(w.kind)},
          {"impact", maintenance_impact_name(w.impact)},
          {"title", w.title},
          {"starts_at", iso(w.starts_at)},
          {"ends_at", iso(w.ends_at)},
          {"sequence", w.sequence},
          {"cache_groups", w.cache_groups},
          {"edges", w.edges}};
}

Status audit(soci::session& session, const Clock& clock, const Principal& principal,
             const MaintenanceWindow& window, const std::string& action,
             std::optional<MaintenanceState> from, std::optional<MaintenanceState> to,
             const std::string& reason, nlohmann::json details) {
  AuditEntry entry = audit_entry(principal, "maintenance", window.reference, action);
  if (from) entry.from_state = std::string(maintenance_state_name(*from));
  if (to) entry.to_state = std::string(maintenance_state_name(*to));
  entry.reason = reason;
  entry.details = details.dump();
  auto appended = AuditLog(session, clock).append(entry);
  if (!appended.ok()) return Error{appended.failure()};
  return ok_status();
}

// Stamps a once-only notice column; false when it was already stamped (the notice went).
bool stamp_once(soci::session& session, const char* column, long long window_id, long long now) {
  soci::statement st = (session.prepare << std::string("UPDATE maintenance_windows SET ") + column +
                                               " = :now WHERE id = :id AND " + column + " IS NULL",
                        soci::use(now), soci::use(window_id));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

Status insert_affected(soci::session& session, long long window_id,
                       const std::vector<AffectedService>& services) {
  for (const AffectedService& service : services) {
    session << "INSERT INTO maintenance_affected (window_id, customer_id, scid)"
               " VALUES (:w, :c, :s) ON CONFLICT (window_id, scid) DO NOTHING",
        soci::use(window_id), soci::use(service.customer_id), soci::use(service.scid);
  }
  return ok_status();
}

}  // namespace

std::string_view maintenance_kind_name(MaintenanceKind kind) {
  return kind == MaintenanceKind::kEmergency ? "emergency" : "scheduled";
}

std::optional<MaintenanceKind> parse_maintenance_kind(std::string_view name) {
  if (name == "scheduled") return MaintenanceKind::kScheduled;
  if (name == "emergency") return MaintenanceKind::kEmergency;
  return std::nullopt;
}

std::string_view maintenance_impact_name(MaintenanceImpact impact) {
  return impact == MaintenanceImpact::kServiceAffecting ? "service_affecting"
                                                        : "non_service_affecting";
}

std::optional<MaintenanceImpact> parse_maintenance_impact(std::string_view name) {
  if (name == "service_affecting") return MaintenanceImpact::kServiceAffecting;
  if (name == "non_service_affecting") return MaintenanceImpact::kNonServiceAffecting;
  return std::nullopt;
}

std::string_view maintenance_state_name(MaintenanceState state) {
  switch (state) {
    case MaintenanceState::kScheduled:
      return "scheduled";
    case MaintenanceState::kInProgress:
      return "in_progress";
    case MaintenanceState::kCompleted:
      return "completed";
    case MaintenanceState::kCancelled:
      return "cancelled";
  }
  return "scheduled";
}

std::optional<MaintenanceState> parse_maintenance_state(std::string_view name) {
  if (name == "scheduled") return MaintenanceState::kScheduled;
  if (name == "in_progress") return MaintenanceState::kInProgress;
  if (name == "completed") return MaintenanceState::kCompleted;
  if (name == "cancelled") return MaintenanceState::kCancelled;
  return std::nullopt;
}

MaintenanceWindows::MaintenanceWindows(soci::session& session, const Clock& clock,
                                       MaintenanceSettings settings)
    : session_(session), clock_(clock), settings_(std::move(settings)) {}

Status MaintenanceWindows::check_manage(const Principal& principal) const {
  if (principal.has_provider_role(Role::kNocEngineer) ||
      principal.has_provider_role(Role::kProviderAdmin)) {
    return ok_status();
  }
  return Error{
      "maintenance windows are scheduled and changed by NOC engineers and provider "
      "admins only",
      ErrorKind::kForbidden};
}

Result<MaintenanceWindow> MaintenanceWindows::load_by_id(long long id) {
  return guarded("could not read the maintenance window", [&]() -> Result<MaintenanceWindow> {
    auto found = select_windows(session_, "WHERE w.id = :id", {id});
    if (found.empty())
      return Error{"there is no maintenance window " + std::to_string(id), ErrorKind::kNotFound};
    MaintenanceWindow window = std::move(found.front());
    load_targets(session_, window);
    return window;
  });
}

Result<MaintenanceWindow> MaintenanceWindows::load(const std::string& reference) {
  auto found = guarded("could not read the maintenance window",
                       [&]() -> Result<std::vector<MaintenanceWindow>> {
                         return select_windows(session_, "WHERE w.reference = :r", {}, {reference});
                       });
  if (!found.ok()) return Error{found.failure()};
  if (found->empty()) {
    return Error{"there is no maintenance window " + reference, ErrorKind::kNotFound};
  }
  return load_by_id(found->front().id);
}

Result<MaintenanceWindow> MaintenanceWindows::get(const Principal& principal,
                                                  const std::string& reference) {
  auto groups = visible_groups(session_, principal);
  if (!groups.ok()) return Error{groups.failure()};
  auto window = load(reference);
  if (!window.ok()) return window;
  auto affected = stored_affected(session_, window->id);
  if (!affected.ok()) return Error{affected.failure()};
  set_affected(*window, *affected, *groups);
  // A customer learns of a window only through a service of its own that it affects.
  if (*groups && window->affected.empty()) {
    return Error{"there is no maintenance window " + reference, ErrorKind::kNotFound};
  }
  auto notices = guarded("could not read the maintenance notices", [&]() -> Result<bool> {
    load_notices(session_, *window);
    return true;
  });
  if (!notices.ok()) return Error{notices.failure()};
  return window;
}

Result<MaintenancePage> MaintenanceWindows::list(const Principal& principal,
                                                 const MaintenanceQuery& query) {
  auto groups = visible_groups(session_, principal);
  if (!groups.ok()) return Error{groups.failure()};
  if (*groups && (*groups)->empty()) return MaintenancePage{};
  const int limit = std::clamp(query.limit, 1, kMaxPageSize);
  return guarded("could not list maintenance windows", [&]() -> Result<MaintenancePage> {
    std::string where = "WHERE 1 = 1";
    std::deque<long long> params;
    std::deque<std::string> texts;
    if (query.state) {
      where += " AND w.state = :state";
      texts.emplace_back(maintenance_state_name(*query.state));
    }
    if (query.from) {
      where += " AND w.ends_at > :from";
      params.push_back(to_epoch_ms(*query.from));
    }
    if (query.to) {
      where += " AND w.starts_at < :to";
      params.push_back(to_epoch_ms(*query.to));
    }
    if (query.after) {
      where += " AND (w.starts_at > :as1 OR (w.starts_at = :as2 AND w.id > :aid))";
      params.push_back(query.after->first);
      params.push_back(query.after->first);
      params.push_back(query.after->second);
    }
    if (*groups) {
      // Group ids come from the store as integers: safe to inline.
      std::string in;
      for (const long long g : **groups)
        in += (in.empty() ? "" : ",") + std::to_string(g);
      where +=
          " AND EXISTS (SELECT 1 FROM maintenance_affected a JOIN services s"
          " ON s.scid = a.scid WHERE a.window_id = w.id AND s.access_group_id IN (" +
          in + "))";
    }
    where += " ORDER BY w.starts_at, w.id LIMIT " + std::to_string(limit + 1);
    std::vector<MaintenanceWindow> windows = select_windows(session_, where, params, texts);
    MaintenancePage page;
    if (windows.size() > static_cast<std::size_t>(limit)) {
      windows.resize(static_cast<std::size_t>(limit));
      page.next_after = std::pair{to_epoch_ms(windows.back().starts_at), windows.back().id};
    }
    for (MaintenanceWindow& window : windows) {
      load_targets(session_, window);
      auto affected = stored_affected(session_, window.id);
      if (!affected.ok()) return Error{affected.failure()};
      set_affected(window, *affected, *groups);
    }
    page.windows = std::move(windows);
    return page;
  });
}

Result<MaintenanceWindow> MaintenanceWindows::schedule(const Principal& principal,
                                                       const NewMaintenanceWindow& draft) {
  if (auto allowed = check_manage(principal); !allowed.ok()) return Error{allowed.failure()};
  const SysTime now = clock_.now();
  FieldErrors errors;
  check_text(draft.title, draft.description, errors);
  SysTime starts = now;
  if (draft.starts_at) {
    starts = *draft.starts_at;
  } else if (draft.kind == MaintenanceKind::kScheduled) {
    errors.emplace_back("/starts_at", "is required for scheduled maintenance");
  }
  if (draft.starts_at || draft.kind == MaintenanceKind::kEmergency) {
    check_times(draft.kind, starts, draft.ends_at, now, true, errors);
  }
  auto target_errors = check_targets(session_, draft.cache_groups, draft.edges);
  if (!target_errors.ok()) return Error{target_errors.failure()};
  errors.insert(errors.end(), target_errors->begin(), target_errors->end());
  if (!errors.empty()) return invalid("the maintenance window is not valid", std::move(errors));

  auto reference = next_reference(session_, ReferenceKind::kMaintenance, now);
  if (!reference.ok()) return Error{reference.failure()};
  MaintenanceWindow window;
  window.reference = *reference;
  window.kind = draft.kind;
  window.impact = draft.impact;
  window.title = draft.title;
  window.starts_at = starts;
  window.ends_at = draft.ends_at;
  auto stored = guarded("could not store the maintenance window", [&]() -> Result<long long> {
    const std::string kind(maintenance_kind_name(draft.kind));
    const std::string impact(maintenance_impact_name(draft.impact));
    const long long starts_ms = to_epoch_ms(starts);
    const long long ends_ms = to_epoch_ms(draft.ends_at);
    const long long now_ms = to_epoch_ms(now);
    const std::optional<long long> creator = acting_user_id(principal);
    const std::optional<long long> reminder = reminder_due(window, now, settings_.reminder_before);
    long long creator_value = creator.value_or(0);
    soci::indicator creator_ind = creator ? soci::i_ok : soci::i_null;
    long long reminder_value = reminder.value_or(0);
    soci::indicator reminder_ind = reminder ? soci::i_ok : soci::i_null;
    long long id = 0;
    session_ << "INSERT INTO maintenance_windows (reference, kind, impact, state, title,"
                " description, starts_at, ends_at, sequence, created_by, created_at, updated_at,"
                " reminder_due_at) VALUES (:ref, :kind, :impact, 'scheduled', :title, :description,"
                " :starts, :ends, 0, :creator, :now, :now2, :reminder) RETURNING id",
        soci::use(*reference), soci::use(kind), soci::use(impact), soci::use(draft.title),
        soci::use(draft.description), soci::use(starts_ms), soci::use(ends_ms),
        soci::use(creator_value, creator_ind), soci::use(now_ms), soci::use(now_ms),
        soci::use(reminder_value, reminder_ind), soci::into(id);
    for (const std::string& group : draft.cache_groups) {
      session_ << "INSERT INTO maintenance_targets (window_id, cache_group) VALUES (:w, :g)",
          soci::use(id), soci::use(group);
    }
    for (const std::string& edge : draft.edges) {
      session_ << "INSERT INTO maintenance_targets (window_id, edge_id) VALUES (:w, :e)",
          soci::use(id), soci::use(edge);
    }
    return id;
  });
  if (!stored.ok()) return Error{stored.failure()};

  auto edges = target_edges(session_, draft.cache_groups, draft.edges);
  if (!edges.ok()) return Error{edges.failure()};
  auto affected = services_affected(session_, *edges, now - kTrafficLookback);
  if (!affected.ok()) return Error{affected.failure()};
  auto inserted = guarded("could not store the affected services",
                          [&]() { return insert_affected(session_, *stored, *affected); });
  if (!inserted.ok()) return Error{inserted.failure()};

  auto created = load_by_id(*stored);
  if (!created.ok()) return created;
  nlohmann::json details = window_details(*created);
  details["affected_services"] = affected->size();
  if (auto audited = audit(session_, clock_, principal, *created, "schedule", std::nullopt,
                           MaintenanceState::kScheduled, draft.title, details);
      !audited.ok()) {
    return Error{audited.failure()};
  }
  auto sent = send_maintenance_notice(session_, clock_, settings_, *created,
                                      MaintenanceNoticeKind::kScheduled);
  if (!sent.ok()) return Error{sent.failure()};
  return get(principal, created->reference);
}

Result<MaintenanceWindow> MaintenanceWindows::reschedule(const Principal& principal,
                                                         const std::string& reference,
                                                         const MaintenanceChange& change) {
  if (auto allowed = check_manage(principal); !allowed.ok()) return Error{allowed.failure()};
  auto current = load(reference);
  if (!current.ok()) return current;
  const MaintenanceWindow before = *current;
  if (before.state == MaintenanceState::kCompleted ||
      before.state == MaintenanceState::kCancelled) {
    return Error{reference + " is " + std::string(maintenance_state_name(before.state)) +
                     "; it can no longer be changed",
                 ErrorKind::kConflict};
  }
  const SysTime now = clock_.now();
  const bool in_progress = before.state == MaintenanceState::kInProgress;
  MaintenanceWindow after = before;
  if (change.starts_at) after.starts_at = *change.starts_at;
  if (change.ends_at) after.ends_at = *change.ends_at;
  if (change.title) after.title = *change.title;
  if (change.description) after.description = *change.description;
  const bool start_moved = after.starts_at != before.starts_at;
  const bool times_changed = start_moved || after.ends_at != before.ends_at;
  const bool text_changed = after.title != before.title || after.description != before.description;

  FieldErrors errors;
  check_text(after.title, after.description, errors);
  if (in_progress && start_moved) {
    errors.emplace_back("/starts_at", "maintenance in progress keeps its start; change ends_at");
  } else if (times_changed) {
    check_times(after.kind, after.starts_at, after.ends_at, now, start_moved, errors);
    if (after.ends_at <= now) {
      errors.emplace_back("/ends_at", "must lie in the future; to end the work now, complete it");
    }
  }
  if (!errors.empty()) return invalid("the change is not valid", std::move(errors));
  if (!times_changed && !text_changed) return get(principal, reference);

  after.sequence = before.sequence + 1;
  auto updated = guarded("could not reschedule the maintenance window", [&]() -> Result<bool> {
    const long long starts_ms = to_epoch_ms(after.starts_at);
    const long long ends_ms = to_epoch_ms(after.ends_at);
    const long long now_ms = to_epoch_ms(now);
    session_ << "UPDATE maintenance_windows SET starts_at = :s, ends_at = :e, title = :t,"
                " description = :d, sequence = :q, updated_at = :now WHERE id = :id",
        soci::use(starts_ms), soci::use(ends_ms), soci::use(after.title),
        soci::use(after.description), soci::use(after.sequence), soci::use(now_ms),
        soci::use(before.id);
    if (start_moved) {
      // A new start deserves a new reminder.
      const std::optional<long long> reminder = reminder_due(after, now, settings_.reminder_before);
      long long value = reminder.value_or(0);
      soci::indicator indicator = reminder ? soci::i_ok : soci::i_null;
      session_ << "UPDATE maintenance_windows SET reminder_due_at = :r, reminder_notice_at = NULL"
                  " WHERE id = :id",
          soci::use(value, indicator), soci::use(before.id);
    }
    return true;
  });
  if (!updated.ok()) return Error{updated.failure()};

  // Whoever was told before keeps hearing about the window; new traffic adds customers.
  auto edges = target_edges(session_, before.cache_groups, before.edges);
  if (!edges.ok()) return Error{edges.failure()};
  auto affected = services_affected(session_, *edges, now - kTrafficLookback);
  if (!affected.ok()) return Error{affected.failure()};
  auto inserted = guarded("could not store the affected services",
                          [&]() { return insert_affected(session_, before.id, *affected); });
  if (!inserted.ok()) return Error{inserted.failure()};

  auto stored = load_by_id(before.id);
  if (!stored.ok()) return stored;
  nlohmann::json details = window_details(*stored);
  details["previous"] = window_details(before);
  if (auto audited =
          audit(session_, clock_, principal, *stored, times_changed ? "reschedule" : "update",
                std::nullopt, std::nullopt, "", details);
      !audited.ok()) {
    return Error{audited.failure()};
  }
  NoticeContext context;
  context.previous_starts = before.starts_at;
  context.previous_ends = before.ends_at;
  auto sent = send_maintenance_notice(
      session_, clock_, settings_, *stored,
      times_changed ? MaintenanceNoticeKind::kRescheduled : MaintenanceNoticeKind::kUpdated,
      context);
  if (!sent.ok()) return Error{sent.failure()};
  return get(principal, reference);
}

Result<MaintenanceWindow> MaintenanceWindows::cancel(const Principal& principal,
                                                     const std::string& reference,
                                                     const std::string& reason) {
  if (auto allowed = check_manage(principal); !allowed.ok()) return Error{allowed.failure()};
  if (reason.empty() || reason.size() > kMaxReasonLength) {
    return invalid("the cancellation is not valid",
                   {{"/reason", "must be 1 to " + std::to_string(kMaxReasonLength) +
                                    " characters: why the work is cancelled"}});
  }
  auto current = load(reference);
  if (!current.ok()) return current;
  if (current->state != MaintenanceState::kScheduled) {
    return Error{reference + " is " + std::string(maintenance_state_name(current->state)) +
                     "; only a window that has not started can be cancelled (complete one in "
                     "progress)",
                 ErrorKind::kConflict};
  }
  const SysTime now = clock_.now();
  auto updated = guarded("could not cancel the maintenance window", [&]() -> Result<bool> {
    const long long now_ms = to_epoch_ms(now);
    session_ << "UPDATE maintenance_windows SET state = 'cancelled', cancelled_at = :now,"
                " cancel_reason = :r, sequence = sequence + 1, updated_at = :now2 WHERE id = :id",
        soci::use(now_ms), soci::use(reason), soci::use(now_ms), soci::use(current->id);
    return true;
  });
  if (!updated.ok()) return Error{updated.failure()};
  auto stored = load_by_id(current->id);
  if (!stored.ok()) return stored;
  if (auto audited =
          audit(session_, clock_, principal, *stored, "cancel", MaintenanceState::kScheduled,
                MaintenanceState::kCancelled, reason, window_details(*stored));
      !audited.ok()) {
    return Error{audited.failure()};
  }
  NoticeContext context;
  context.reason = reason;
  auto sent = send_maintenance_notice(session_, clock_, settings_, *stored,
                                      MaintenanceNoticeKind::kCancelled, context);
  if (!sent.ok()) return Error{sent.failure()};
  return get(principal, reference);
}

namespace {

// The state changes the job and staff share. Each notice goes once: its column is stamped in
// this transaction, and a second attempt finds the stamp.
Status start_window(soci::session& session, const Clock& clock, const MaintenanceSettings& settings,
                    const Principal& actor, const MaintenanceWindow& window) {
  const long long now = to_epoch_ms(clock.now());
  session << "UPDATE maintenance_windows SET state = 'in_progress', started_at = :now,"
             " updated_at = :now2 WHERE id = :id",
      soci::use(now), soci::use(now), soci::use(window.id);
  MaintenanceWindow started = window;
  started.state = MaintenanceState::kInProgress;
  if (auto audited = audit(session, clock, actor, started, "start", MaintenanceState::kScheduled,
                           MaintenanceState::kInProgress, "the window's start time arrived",
                           window_details(started));
      !audited.ok()) {
    return audited;
  }
  if (!stamp_once(session, "started_notice_at", window.id, now)) return ok_status();
  auto sent =
      send_maintenance_notice(session, clock, settings, started, MaintenanceNoticeKind::kStarted);
  if (!sent.ok()) return Error{sent.failure()};
  return ok_status();
}

Status complete_window(soci::session& session, const Clock& clock,
                       const MaintenanceSettings& settings, const Principal& actor,
                       const MaintenanceWindow& window, const std::string& reason) {
  const long long now = to_epoch_ms(clock.now());
  session << "UPDATE maintenance_windows SET state = 'completed', completed_at = :now,"
             " updated_at = :now2 WHERE id = :id",
      soci::use(now), soci::use(now), soci::use(window.id);
  MaintenanceWindow completed = window;
  completed.state = MaintenanceState::kCompleted;
  if (auto audited = audit(session, clock, actor, completed, "complete", window.state,
                           MaintenanceState::kCompleted, reason, window_details(completed));
      !audited.ok()) {
    return audited;
  }
  if (!stamp_once(session, "completed_notice_at", window.id, now)) return ok_status();
  auto sent = send_maintenance_notice(session, clock, settings, completed,
                                      MaintenanceNoticeKind::kCompleted);
  if (!sent.ok()) return Error{sent.failure()};
  return ok_status();
}

}  // namespace

Result<MaintenanceWindow> MaintenanceWindows::complete(const Principal& principal,
                                                       const std::string& reference) {
  if (auto allowed = check_manage(principal); !allowed.ok()) return Error{allowed.failure()};
  auto current = load(reference);
  if (!current.ok()) return current;
  const SysTime now = clock_.now();
  MaintenanceWindow window = *current;
  if (window.state == MaintenanceState::kScheduled && window.starts_at > now) {
    return Error{reference + " has not started yet; cancel it instead", ErrorKind::kConflict};
  }
  if (window.state != MaintenanceState::kScheduled &&
      window.state != MaintenanceState::kInProgress) {
    return Error{reference + " is already " + std::string(maintenance_state_name(window.state)),
                 ErrorKind::kConflict};
  }
  auto done = guarded("could not complete the maintenance window", [&]() -> Status {
    if (window.state == MaintenanceState::kScheduled) {
      // Started, but the job has not seen it yet: announce the start first.
      if (auto started = start_window(session_, clock_, settings_, principal, window);
          !started.ok()) {
        return started;
      }
      window.state = MaintenanceState::kInProgress;
    }
    return complete_window(session_, clock_, settings_, principal, window, "completed by the NOC");
  });
  if (!done.ok()) return Error{done.failure()};
  return get(principal, reference);
}

Result<std::string> MaintenanceWindows::calendar(const Principal& principal,
                                                 const std::string& reference) {
  auto window = get(principal, reference);
  if (!window.ok()) return Error{window.failure()};
  return maintenance_calendar(*window, settings_, clock_.now());
}

Result<std::vector<long long>> MaintenanceWindows::due_windows() {
  return guarded("could not find due maintenance work", [&]() -> Result<std::vector<long long>> {
    const long long now = to_epoch_ms(clock_.now());
    std::vector<long long> ids;
    long long id = 0;
    soci::statement st =
        (session_.prepare << "SELECT id FROM maintenance_windows WHERE"
                             " (state = 'scheduled' AND (starts_at <= :n1 OR"
                             "  (reminder_due_at <= :n2 AND reminder_notice_at IS NULL)))"
                             " OR (state = 'in_progress' AND ends_at <= :n3) ORDER BY id",
         soci::use(now), soci::use(now), soci::use(now), soci::into(id));
    st.execute();
    while (st.fetch())
      ids.push_back(id);
    return ids;
  });
}

Result<MaintenanceRun> MaintenanceWindows::advance(long long window_id) {
  auto current = load_by_id(window_id);
  if (!current.ok()) return Error{current.failure()};
  const SysTime now = clock_.now();
  const Principal system = system_principal();
  MaintenanceWindow window = *current;
  return guarded("could not advance the maintenance window", [&]() -> Result<MaintenanceRun> {
    MaintenanceRun run;
    if (window.state == MaintenanceState::kScheduled && now >= window.starts_at) {
      if (now >= window.ends_at) {
        // The whole window passed unseen (the portal was down): only its completion is news.
        if (auto done = complete_window(session_, clock_, settings_, system, window,
                                        "the window's end time arrived");
            !done.ok()) {
          return Error{done.failure()};
        }
        ++run.completed;
        return run;
      }
      if (auto started = start_window(session_, clock_, settings_, system, window); !started.ok()) {
        return Error{started.failure()};
      }
      ++run.started;
      return run;
    }
    if (window.state == MaintenanceState::kScheduled && window.reminder_due_at &&
        now >= *window.reminder_due_at &&
        stamp_once(session_, "reminder_notice_at", window.id, to_epoch_ms(now))) {
      auto sent = send_maintenance_notice(session_, clock_, settings_, window,
                                          MaintenanceNoticeKind::kReminder);
      if (!sent.ok()) return Error{sent.failure()};
      ++run.reminders;
    }
    if (window.state == MaintenanceState::kInProgress && now >= window.ends_at) {
      if (auto done = complete_window(session_, clock_, settings_, system, window,
                                      "the window's end time arrived");
          !done.ok()) {
        return Error{done.failure()};
      }
      ++run.completed;
    }
    return run;
  });
}

}  // namespace candela::control

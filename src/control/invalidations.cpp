// Invalidations: stored with their feed event and audit record in the caller's transaction;
// completion from acknowledgements; the 12-hour overdue notifications.
#include "control/invalidations.hpp"

#include <soci/soci.h>

#include <ctime>
#include <limits>
#include <nlohmann/json.hpp>

#include "control/audit_log.hpp"
#include "control/authorization.hpp"
#include "control/database.hpp"
#include "control/feed.hpp"
#include "control/invalidation_notices.hpp"
#include "control/invalidation_targets.hpp"
#include "control/notifier.hpp"
#include "control/principal_audit.hpp"
#include "control/store_guard.hpp"

namespace candela::control {
namespace {

std::string utc_text(SysTime t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &tm);
  return buffer;
}

// System actions (completion, overdue reports) have no actor.
AuditEntry system_entry(long long id, std::string action) {
  AuditEntry entry;
  entry.entity_type = "invalidation";
  entry.entity_id = std::to_string(id);
  entry.action = std::move(action);
  return entry;
}

nlohmann::json targets_json(const std::vector<InvalidationTarget>& targets) {
  auto out = nlohmann::json::array();
  for (const auto& t : targets)
    out.push_back({{"property_id", t.property_id}, {"values", t.values}});
  return out;
}

// The columns every read of an invalidation selects, with its feed event's payload (targets).
constexpr const char* kSelectInvalidation =
    "SELECT i.id, i.scid, i.kind, i.mode, i.target_values, i.requested_by, i.requested_by_key,"
    " i.requested_at, i.completed_at, i.feed_sequence, f.payload"
    " FROM invalidations i LEFT JOIN feed_events f ON f.sequence = i.feed_sequence";

struct InvalidationRow {
  long long id = 0;
  std::string scid;
  std::string kind;
  std::string mode;
  std::string values;
  long long requested_by = 0;
  soci::indicator requested_by_ind = soci::i_null;
  std::string requested_by_key;
  soci::indicator requested_by_key_ind = soci::i_null;
  long long requested_at = 0;
  long long completed_at = 0;
  soci::indicator completed_ind = soci::i_null;
  long long sequence = 0;
  soci::indicator sequence_ind = soci::i_null;
  std::string payload;
  soci::indicator payload_ind = soci::i_null;

  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(scid));
    st.exchange(soci::into(kind));
    st.exchange(soci::into(mode));
    st.exchange(soci::into(values));
    st.exchange(soci::into(requested_by, requested_by_ind));
    st.exchange(soci::into(requested_by_key, requested_by_key_ind));
    st.exchange(soci::into(requested_at));
    st.exchange(soci::into(completed_at, completed_ind));
    st.exchange(soci::into(sequence, sequence_ind));
    st.exchange(soci::into(payload, payload_ind));
  }

  Result<Invalidation> to_invalidation() const {
    Invalidation out;
    out.id = id;
    out.scid = scid;
    out.kind = parse_invalidation_kind(kind).value_or(InvalidationKind::kUrl);
    out.mode = parse_invalidation_mode(mode).value_or(InvalidationMode::kHard);
    auto parsed_values = nlohmann::json::parse(values, nullptr, false);
    if (!parsed_values.is_array()) {
      return Error{"invalidation " + std::to_string(id) + " has corrupt values",
                   ErrorKind::kInternal};
    }
    for (const auto& v : parsed_values)
      out.values.push_back(v.get<std::string>());
    if (requested_by_ind == soci::i_ok) out.requested_by = requested_by;
    if (requested_by_key_ind == soci::i_ok) out.requested_by_key = requested_by_key;
    out.requested_at = from_epoch_ms(requested_at);
    if (completed_ind == soci::i_ok) out.completed_at = from_epoch_ms(completed_at);
    if (sequence_ind == soci::i_ok) out.feed_sequence = sequence;
    if (payload_ind == soci::i_ok) {
      auto event = nlohmann::json::parse(payload, nullptr, false);
      if (event.is_object() && event.contains("targets") && event["targets"].is_array()) {
        for (const auto& t : event["targets"]) {
          out.targets.push_back(InvalidationTarget{t.value("property_id", std::string()),
                                                   t.value("values", std::vector<std::string>())});
        }
      }
    }
    return out;
  }
};

// The SCID's currently deployed documents (the newest deployment per environment in feed
// order, which is what the edges serve): production first, then staging.
Result<std::vector<ConfigurationDocument>> deployed_documents(soci::session& session,
                                                              const std::string& scid) {
  std::vector<ConfigurationDocument> documents;
  for (const char* environment : {"production", "staging"}) {
    std::string text;
    const std::string env(environment);
    session << "SELECT c.document FROM deployments d JOIN configurations c"
               " ON c.scid = d.scid AND c.version = d.version"
               " WHERE d.scid = :scid AND d.environment = :env"
               " AND d.feed_sequence IS NOT NULL"
               " ORDER BY d.feed_sequence DESC LIMIT 1",
        soci::use(scid), soci::use(env), soci::into(text);
    if (!session.got_data()) continue;
    auto document = parse_configuration(text);
    if (!document.ok()) {
      return Error{"the " + env + " configuration deployed for " + scid +
                       " cannot be read: " + document.error(),
                   ErrorKind::kInternal};
    }
    documents.push_back(std::move(document).value());
  }
  return documents;
}

}  // namespace

std::string_view invalidation_kind_name(InvalidationKind kind) {
  switch (kind) {
    case InvalidationKind::kPattern:
      return "pattern";
    case InvalidationKind::kTag:
      return "tag";
    case InvalidationKind::kUrl:
      break;
  }
  return "url";
}

std::optional<InvalidationKind> parse_invalidation_kind(std::string_view name) {
  if (name == "url") return InvalidationKind::kUrl;
  if (name == "pattern") return InvalidationKind::kPattern;
  if (name == "tag") return InvalidationKind::kTag;
  return std::nullopt;
}

std::string_view invalidation_mode_name(InvalidationMode mode) {
  return mode == InvalidationMode::kSoft ? "soft" : "hard";
}

std::optional<InvalidationMode> parse_invalidation_mode(std::string_view name) {
  if (name == "hard") return InvalidationMode::kHard;
  if (name == "soft") return InvalidationMode::kSoft;
  return std::nullopt;
}

Result<long long> Invalidations::service_group(const std::string& scid) {
  long long group = 0;
  session_ << "SELECT access_group_id FROM services WHERE scid = :scid", soci::use(scid),
      soci::into(group);
  if (!session_.got_data()) return Error{"there is no service " + scid, ErrorKind::kNotFound};
  return group;
}

Result<Invalidation> Invalidations::load(long long id) {
  InvalidationRow row;
  soci::statement st(session_);
  st.alloc();
  st.prepare(std::string(kSelectInvalidation) + " WHERE i.id = :id");
  row.bind(st);
  st.exchange(soci::use(id));
  st.define_and_bind();
  st.execute(true);
  if (!st.got_data()) {
    return Error{"there is no invalidation " + std::to_string(id), ErrorKind::kNotFound};
  }
  return row.to_invalidation();
}

Result<Invalidation> Invalidations::request(const Principal& principal, const std::string& scid,
                                            const InvalidationRequest& request) {
  return guarded("could not store the invalidation", [&]() -> Result<Invalidation> {
    auto group = service_group(scid);
    if (!group.ok()) return Error{group.failure()};
    if (auto allowed = authorize(session_, principal, group.value(), Action::kConfigure);
        !allowed.ok()) {
      if (allowed.error_kind() == ErrorKind::kNotFound) {
        return Error{"there is no service " + scid, ErrorKind::kNotFound};
      }
      return Error{"your role may not request invalidations for " + scid, ErrorKind::kForbidden};
    }
    auto deployed = deployed_documents(session_, scid);
    if (!deployed.ok()) return Error{deployed.failure()};
    auto targets = resolve_invalidation_targets(scid, deployed.value(), request);
    if (!targets.ok()) return Error{targets.failure()};

    const std::string kind(invalidation_kind_name(request.kind));
    const std::string mode(invalidation_mode_name(request.mode));
    const std::string values = nlohmann::json(request.values).dump();
    const long long now = to_epoch_ms(clock_.now());
    const auto requester = acting_user_id(principal);
    const long long user = requester.value_or(0);
    soci::indicator user_ind = requester ? soci::i_ok : soci::i_null;
    const std::string key = principal.api_key_id.value_or("");
    soci::indicator key_ind = principal.api_key_id ? soci::i_ok : soci::i_null;
    long long id = 0;
    session_ << "INSERT INTO invalidations (scid, kind, mode, target_values, requested_by,"
                " requested_by_key, requested_at) VALUES (:scid, :kind, :mode, :vals, :user, :key,"
                " :now) RETURNING id",
        soci::use(scid), soci::use(kind), soci::use(mode), soci::use(values),
        soci::use(user, user_ind), soci::use(key, key_ind), soci::use(now), soci::into(id);

    const nlohmann::json payload = {{"invalidation_id", id},
                                    {"scid", scid},
                                    {"kind", kind},
                                    {"mode", mode},
                                    {"targets", targets_json(targets.value())}};
    auto sequence = Feed(session_, clock_).append("invalidation", payload);
    if (!sequence.ok()) return Error{sequence.failure()};
    session_ << "UPDATE invalidations SET feed_sequence = :seq WHERE id = :id",
        soci::use(sequence.value()), soci::use(id);

    AuditEntry entry = audit_entry(principal, "invalidation", std::to_string(id), "request");
    entry.to_state = "open";
    entry.details = nlohmann::json{{"scid", scid},
                                   {"kind", kind},
                                   {"mode", mode},
                                   {"values", request.values.size()},
                                   {"feed_sequence", sequence.value()}}
                        .dump();
    if (auto audited = AuditLog(session_, clock_).append(entry); !audited.ok()) {
      return Error{audited.failure()};
    }
    // With no active edge, nothing is left to wait for.
    if (auto done = complete_if_applied(sequence.value()); !done.ok()) return Error{done.failure()};
    return load(id);
  });
}

Result<InvalidationPage> Invalidations::list(const Principal& principal, const std::string& scid,
                                             std::optional<long long> before, int limit) {
  return guarded("could not list invalidations", [&]() -> Result<InvalidationPage> {
    if (limit < 1 || limit > kMaxPageSize) {
      return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
    }
    auto group = service_group(scid);
    if (!group.ok()) return Error{group.failure()};
    if (auto allowed = authorize(session_, principal, group.value(), Action::kRead);
        !allowed.ok()) {
      return Error{"there is no service " + scid, ErrorKind::kNotFound};
    }
    const long long below = before.value_or(std::numeric_limits<long long>::max());
    const int fetch = limit + 1;
    InvalidationRow row;
    soci::statement st(session_);
    st.alloc();
    st.prepare(std::string(kSelectInvalidation) +
               " WHERE i.scid = :scid AND i.id < :before ORDER BY i.id DESC LIMIT :n");
    row.bind(st);
    st.exchange(soci::use(scid));
    st.exchange(soci::use(below));
    st.exchange(soci::use(fetch));
    st.define_and_bind();
    st.execute();
    InvalidationPage page;
    while (st.fetch()) {
      if (static_cast<int>(page.invalidations.size()) == limit) {
        page.next_before = page.invalidations.back().id;
        break;
      }
      auto invalidation = row.to_invalidation();
      if (!invalidation.ok()) return Error{invalidation.failure()};
      page.invalidations.push_back(std::move(invalidation).value());
    }
    return page;
  });
}

Result<InvalidationStatus> Invalidations::get(const Principal& principal, long long id) {
  return guarded("could not read the invalidation", [&]() -> Result<InvalidationStatus> {
    auto invalidation = load(id);
    if (!invalidation.ok()) return Error{invalidation.failure()};
    auto group = service_group(invalidation->scid);
    if (!group.ok()) return Error{group.failure()};
    if (auto allowed = authorize(session_, principal, group.value(), Action::kRead);
        !allowed.ok()) {
      return Error{"there is no invalidation " + std::to_string(id), ErrorKind::kNotFound};
    }
    auto edges = edge_event_status(session_, invalidation->feed_sequence, std::nullopt);
    if (!edges.ok()) return Error{edges.failure()};
    return InvalidationStatus{std::move(invalidation).value(), std::move(edges).value()};
  });
}

Result<bool> Invalidations::complete_if_applied(long long sequence) {
  return guarded("could not complete the invalidation", [&]() -> Result<bool> {
    long long id = 0;
    long long completed = 0;
    soci::indicator completed_ind = soci::i_null;
    session_ << "SELECT id, completed_at FROM invalidations WHERE feed_sequence = :seq",
        soci::use(sequence), soci::into(id), soci::into(completed, completed_ind);
    if (!session_.got_data() || completed_ind == soci::i_ok) return false;
    // A failed acknowledgement does not complete anything: the edge may still hold the content.
    long long waiting = 0;
    session_ << "SELECT COUNT(*) FROM edges e WHERE e.active = 1 AND NOT EXISTS ("
                " SELECT 1 FROM event_acks a WHERE a.sequence = :seq AND a.edge_id = e.edge_id"
                " AND a.status = 'applied')",
        soci::use(sequence), soci::into(waiting);
    if (waiting > 0) return false;
    const long long now = to_epoch_ms(clock_.now());
    session_ << "UPDATE invalidations SET completed_at = :now WHERE id = :id", soci::use(now),
        soci::use(id);
    AuditEntry entry = system_entry(id, "complete");
    entry.from_state = "open";
    entry.to_state = "complete";
    if (auto audited = AuditLog(session_, clock_).append(entry); !audited.ok()) {
      return Error{audited.failure()};
    }
    return true;
  });
}

Result<int> Invalidations::complete_all_applied() {
  return guarded("could not complete invalidations", [&]() -> Result<int> {
    std::vector<long long> open;
    long long sequence = 0;
    soci::statement st = (session_.prepare << "SELECT feed_sequence FROM invalidations"
                                              " WHERE completed_at IS NULL"
                                              " AND feed_sequence IS NOT NULL ORDER BY id",
                          soci::into(sequence));
    st.execute();
    while (st.fetch())
      open.push_back(sequence);
    int completed = 0;
    for (long long s : open) {
      auto done = complete_if_applied(s);
      if (!done.ok()) return Error{done.failure()};
      if (done.value()) ++completed;
    }
    return completed;
  });
}

Result<int> Invalidations::notify_overdue(const std::string& link_base) {
  return guarded("could not report overdue invalidations", [&]() -> Result<int> {
    if (auto swept = complete_all_applied(); !swept.ok()) return Error{swept.failure()};
    const SysTime now = clock_.now();
    const long long threshold = to_epoch_ms(now - kOverdueAfter);
    std::vector<long long> overdue;
    long long id = 0;
    soci::statement st = (session_.prepare << "SELECT id FROM invalidations"
                                              " WHERE completed_at IS NULL"
                                              " AND overdue_notified_at IS NULL"
                                              " AND requested_at <= :threshold ORDER BY id",
                          soci::use(threshold), soci::into(id));
    st.execute();
    while (st.fetch())
      overdue.push_back(id);

    Notifier notifier(session_, clock_);
    for (long long invalidation_id : overdue) {
      auto invalidation = load(invalidation_id);
      if (!invalidation.ok()) return Error{invalidation.failure()};
      auto edges = edge_event_status(session_, invalidation->feed_sequence, std::nullopt);
      if (!edges.ok()) return Error{edges.failure()};
      std::string waiting;
      int active = 0;
      int applied = 0;
      for (const auto& edge : edges.value()) {
        if (!edge.active) continue;
        ++active;
        if (edge.status == AckStatus::kApplied) {
          ++applied;
          continue;
        }
        waiting += (waiting.empty() ? "" : ", ") + edge.edge_id +
                   (edge.status == AckStatus::kFailed ? " (failed: " + edge.detail + ")" : "");
      }
      Notice notice;
      notice.tmpl = &kInvalidationOverdueNotice;
      notice.values = {
          {"id", std::to_string(invalidation_id)},
          {"scid", invalidation->scid},
          {"mode", std::string(invalidation_mode_name(invalidation->mode))},
          {"kind", std::string(invalidation_kind_name(invalidation->kind))},
          {"count", std::to_string(invalidation->values.size())},
          {"requested_at", utc_text(invalidation->requested_at)},
          {"applied", std::to_string(applied)},
          {"active", std::to_string(active)},
          {"waiting", waiting},
          {"link", link_base + "/services/" + invalidation->scid + "/invalidations/" +
                       std::to_string(invalidation_id)},
      };
      notice.entity_type = "invalidation";
      notice.entity_id = std::to_string(invalidation_id);
      notice.dedupe_key = "invalidation.overdue:" + std::to_string(invalidation_id);
      NotificationRecipients to;
      if (invalidation->requested_by) to.user_ids.push_back(*invalidation->requested_by);
      to.roles.push_back(Role::kCdnSupportTechnician);
      if (auto told = notifier.notify(notice, to); !told.ok()) return Error{told.failure()};
      const long long stamp = to_epoch_ms(now);
      session_ << "UPDATE invalidations SET overdue_notified_at = :now WHERE id = :id",
          soci::use(stamp), soci::use(invalidation_id);
      AuditEntry entry = system_entry(invalidation_id, "overdue");
      entry.details = nlohmann::json{{"waiting_for", waiting}}.dump();
      if (auto audited = AuditLog(session_, clock_).append(entry); !audited.ok()) {
        return Error{audited.failure()};
      }
    }
    return static_cast<int>(overdue.size());
  });
}

}  // namespace candela::control

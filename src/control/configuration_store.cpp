// ConfigurationStore: versions are only ever inserted; validation, the SCID rule and the
// CDN-wide alias rule all run before the insert, in the caller's transaction.
#include "control/configuration_store.hpp"

#include <soci/soci.h>

#include <limits>
#include <map>

#include "control/alias_registry.hpp"
#include "control/audit_log.hpp"
#include "control/authorization.hpp"
#include "control/database.hpp"
#include "control/principal_audit.hpp"
#include "control/services.hpp"
#include "control/store_errors.hpp"

namespace candela::control {
namespace {

Error with_fields(std::string message, ErrorKind kind, const ValidationErrors& errors) {
  Error error{std::move(message), kind};
  for (const auto& e : errors)
    error.fields.emplace_back(e.pointer, e.message);
  return error;
}

std::string count_text(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// The latest version and the currently deployed versions (the newest deployment per
// environment) of every other service that is not disconnected.
constexpr const char* kClaimingVersionsSql =
    "SELECT c.scid, c.document, s.access_group_id FROM configurations c"
    " JOIN services s ON s.scid = c.scid"
    " WHERE s.state <> 'disconnected' AND c.scid <> :scid"
    " AND (c.version = (SELECT MAX(c2.version) FROM configurations c2 WHERE c2.scid = c.scid)"
    "  OR c.version IN (SELECT d.version FROM deployments d WHERE d.scid = c.scid"
    "   AND d.feed_sequence = (SELECT MAX(d2.feed_sequence) FROM deployments d2"
    "    WHERE d2.scid = d.scid AND d2.environment = d.environment)))";

constexpr const char* kVersionColumns =
    "SELECT c.version, c.author_user_id, u.name, c.author_key_id, c.created_at, c.comment";

struct VersionRow {
  ConfigurationVersion version;
  long long author = 0;
  std::string author_name;
  std::string key_id;
  long long created_at = 0;
  soci::indicator author_ind = soci::i_ok;
  soci::indicator name_ind = soci::i_ok;
  soci::indicator key_ind = soci::i_ok;

  void bind(soci::statement& st) {
    st.exchange(soci::into(version.version));
    st.exchange(soci::into(author, author_ind));
    st.exchange(soci::into(author_name, name_ind));
    st.exchange(soci::into(key_id, key_ind));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(version.comment));
  }
  ConfigurationVersion value(const std::string& scid) const {
    ConfigurationVersion out = version;
    out.scid = scid;
    if (author_ind == soci::i_ok) out.author_user_id = author;
    if (name_ind == soci::i_ok) out.author_name = author_name;
    if (key_ind == soci::i_ok) out.author_key_id = key_id;
    out.created_at = from_epoch_ms(created_at);
    return out;
  }
};

}  // namespace

Result<ValidationErrors> alias_conflicts(soci::session& session, const Principal& principal,
                                         const ConfigurationDocument& document) {
  std::map<std::string, AliasOwner> claims;
  std::map<std::string, long long> group_of;
  try {
    std::string scid;
    std::string text;
    long long group = 0;
    soci::statement st = (session.prepare << kClaimingVersionsSql, soci::use(document.scid),
                          soci::into(scid), soci::into(text), soci::into(group));
    st.execute();
    while (st.fetch()) {
      auto other = parse_configuration(text);
      if (!other.ok()) {
        return Error{"a stored configuration of " + scid + " cannot be read: " + other.error(),
                     ErrorKind::kInternal};
      }
      group_of[scid] = group;
      for (const auto& property : other->properties) {
        claims[normalize_host(property.primary_alias)] = {scid, property.id};
        for (const auto& alias : property.aliases)
          claims[normalize_host(alias)] = {scid, property.id};
      }
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not read the aliases in use", e);
  }
  const AliasRegistry registry(std::move(claims));
  ValidationErrors conflicts = registry.check(document);
  if (conflicts.empty()) return conflicts;
  // The registry names the owner; a customer must not learn another customer's SCID.
  const nlohmann::json canonical = nlohmann::json::parse(to_json(document));
  for (auto& conflict : conflicts) {
    const std::string alias = canonical.at(nlohmann::json::json_pointer(conflict.pointer));
    const auto owner = registry.owner_of(alias);
    if (!owner) continue;
    if (authorize(session, principal, group_of[owner->scid], Action::kRead).ok()) continue;
    conflict.message = "\"" + alias +
                       "\" is already used by another service; an alias can belong to one "
                       "property only (ask support if it should be yours)";
  }
  return conflicts;
}

Result<ConfigurationStore::Checked> ConfigurationStore::check_document(
    const Principal& principal, const std::string& scid, const nlohmann::json& document) {
  Checked checked;
  ParseOutcome outcome = validate_configuration(document.dump());
  checked.errors = std::move(outcome.errors);
  if (!outcome.document) return checked;
  if (outcome.document->scid != scid) {
    checked.errors.push_back({"/scid", "must be " + scid +
                                           ", the service this configuration is saved for (not " +
                                           outcome.document->scid + ")"});
    return checked;
  }
  auto conflicts = alias_conflicts(session_, principal, *outcome.document);
  if (!conflicts.ok()) return Error{conflicts.failure()};
  checked.alias_conflicts = std::move(conflicts).value();
  checked.document = std::move(outcome.document);
  return checked;
}

Result<ValidationErrors> ConfigurationStore::check(const Principal& principal,
                                                   std::string_view scid,
                                                   const nlohmann::json& document) {
  auto service = Services(session_, clock_).get(principal, scid, Action::kConfigure);
  if (!service.ok()) return Error{service.failure()};
  auto checked = check_document(principal, service->scid, document);
  if (!checked.ok()) return Error{checked.failure()};
  ValidationErrors all = std::move(checked->errors);
  all.insert(all.end(), checked->alias_conflicts.begin(), checked->alias_conflicts.end());
  return all;
}

Result<ConfigurationVersion> ConfigurationStore::create(const Principal& principal,
                                                        std::string_view scid,
                                                        const nlohmann::json& document,
                                                        const std::string& comment,
                                                        std::optional<int> expected_latest) {
  auto service = Services(session_, clock_).get(principal, scid, Action::kConfigure);
  if (!service.ok()) return Error{service.failure()};
  if (service->state == ServiceState::kDisconnected) {
    return Error{"service " + service->scid + " is disconnected; it takes no new configurations",
                 ErrorKind::kConflict};
  }
  if (comment.size() > kMaxCommentLength) {
    Error invalid{"the comment is too long"};
    invalid.fields.emplace_back(
        "/comment", "must be at most " + std::to_string(kMaxCommentLength) + " characters");
    return invalid;
  }
  auto latest = latest_version_of(service->scid);
  if (!latest.ok()) return Error{latest.failure()};
  if (expected_latest && *expected_latest != latest.value()) {
    return Error{latest.value() == 0
                     ? "service " + service->scid + " has no configuration version yet"
                     : "version " + std::to_string(latest.value()) + " of " + service->scid +
                           " was saved since you read it; read the latest version and apply "
                           "your change to it",
                 ErrorKind::kPrecondition};
  }
  auto checked = check_document(principal, service->scid, document);
  if (!checked.ok()) return Error{checked.failure()};
  if (!checked->errors.empty()) {
    return with_fields("the configuration is invalid: " +
                           count_text(checked->errors.size(), "problem", "problems") + " found",
                       ErrorKind::kInvalid, checked->errors);
  }
  if (!checked->alias_conflicts.empty()) {
    return with_fields(count_text(checked->alias_conflicts.size(), "alias is", "aliases are") +
                           " already used by another service",
                       ErrorKind::kConflict, checked->alias_conflicts);
  }

  ConfigurationVersion stored;
  stored.scid = service->scid;
  stored.version = latest.value() + 1;
  stored.document = to_json(*checked->document);
  stored.author_user_id = acting_user_id(principal);
  stored.author_name = stored.author_user_id ? principal.name : "";
  stored.author_key_id = principal.api_key_id;
  stored.created_at = clock_.now();
  stored.comment = comment;
  const long long created_at = to_epoch_ms(stored.created_at);
  const long long author = stored.author_user_id.value_or(0);
  const std::string key_id = stored.author_key_id.value_or("");
  soci::indicator author_ind = stored.author_user_id ? soci::i_ok : soci::i_null;
  soci::indicator key_ind = stored.author_key_id ? soci::i_ok : soci::i_null;
  try {
    session_ << "INSERT INTO configurations (scid, version, document, author_user_id,"
                " author_key_id, created_at, comment)"
                " VALUES (:scid, :version, :document, :author, :key, :at, :comment)",
        soci::use(stored.scid), soci::use(stored.version), soci::use(stored.document),
        soci::use(author, author_ind), soci::use(key_id, key_ind), soci::use(created_at),
        soci::use(stored.comment);
  } catch (const soci::soci_error& e) {
    return storage_error("could not store the configuration", e);
  }
  AuditEntry entry = audit_entry(principal, "configuration",
                                 stored.scid + "/" + std::to_string(stored.version), "create");
  entry.reason = comment;
  entry.details = nlohmann::json{{"scid", stored.scid}, {"version", stored.version}}.dump();
  auto audited = AuditLog(session_, clock_).append(entry);
  if (!audited.ok()) return Error{audited.failure().message, ErrorKind::kInternal};
  return stored;
}

Result<int> ConfigurationStore::latest_version_of(const std::string& scid) {
  int latest = 0;
  try {
    session_ << "SELECT COALESCE(MAX(version), 0) FROM configurations WHERE scid = :scid",
        soci::use(scid), soci::into(latest);
  } catch (const soci::soci_error& e) {
    return storage_error("could not read the configuration versions", e);
  }
  return latest;
}

Result<int> ConfigurationStore::latest_version(const Principal& principal, std::string_view scid) {
  auto service = Services(session_, clock_).get(principal, scid, Action::kRead);
  if (!service.ok()) return Error{service.failure()};
  return latest_version_of(service->scid);
}

Result<ConfigurationVersion> ConfigurationStore::load(const std::string& scid, int version) {
  VersionRow row;
  std::string document;
  try {
    soci::statement st(session_);
    row.bind(st);
    st.exchange(soci::into(document));
    st.exchange(soci::use(scid));
    st.exchange(soci::use(version));
    st.alloc();
    st.prepare(std::string(kVersionColumns) +
               ", c.document FROM configurations c LEFT JOIN users u ON u.id = c.author_user_id"
               " WHERE c.scid = :scid AND c.version = :version");
    st.define_and_bind();
    st.execute(true);
    if (!st.got_data()) {
      return Error{"service " + scid + " has no configuration version " + std::to_string(version),
                   ErrorKind::kNotFound};
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not read the configuration", e);
  }
  ConfigurationVersion out = row.value(scid);
  out.document = std::move(document);
  return out;
}

Result<ConfigurationVersion> ConfigurationStore::get(const Principal& principal,
                                                     std::string_view scid,
                                                     std::optional<int> version) {
  auto service = Services(session_, clock_).get(principal, scid, Action::kRead);
  if (!service.ok()) return Error{service.failure()};
  int wanted = 0;
  if (version) {
    wanted = *version;
  } else {
    auto latest = latest_version_of(service->scid);
    if (!latest.ok()) return Error{latest.failure()};
    if (latest.value() == 0) {
      return Error{"service " + service->scid + " has no configuration yet", ErrorKind::kNotFound};
    }
    wanted = latest.value();
  }
  return load(service->scid, wanted);
}

Result<ConfigurationVersionPage> ConfigurationStore::list(const Principal& principal,
                                                          std::string_view scid,
                                                          std::optional<int> before, int limit) {
  if (limit < 1 || limit > kMaxPageSize) {
    return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
  }
  auto service = Services(session_, clock_).get(principal, scid, Action::kRead);
  if (!service.ok()) return Error{service.failure()};
  ConfigurationVersionPage page;
  VersionRow row;
  const int below = before.value_or(std::numeric_limits<int>::max());
  const int fetch = limit + 1;
  try {
    soci::statement st(session_);
    row.bind(st);
    st.exchange(soci::use(service->scid));
    st.exchange(soci::use(below));
    st.exchange(soci::use(fetch));
    st.alloc();
    st.prepare(std::string(kVersionColumns) +
               " FROM configurations c LEFT JOIN users u ON u.id = c.author_user_id"
               " WHERE c.scid = :scid AND c.version < :before ORDER BY c.version DESC LIMIT :n");
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) {
      if (static_cast<int>(page.versions.size()) == limit) {
        page.next_before = page.versions.back().version;
        break;
      }
      page.versions.push_back(row.value(service->scid));
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not list the configuration versions", e);
  }
  return page;
}

Result<ConfigurationDiffResult> ConfigurationStore::diff(const Principal& principal,
                                                         std::string_view scid, int version,
                                                         int against) {
  auto service = Services(session_, clock_).get(principal, scid, Action::kRead);
  if (!service.ok()) return Error{service.failure()};
  auto newer = load(service->scid, version);
  if (!newer.ok()) return Error{newer.failure()};
  auto older = load(service->scid, against);
  if (!older.ok()) return Error{older.failure()};
  auto before = parse_configuration(older->document);
  auto after = parse_configuration(newer->document);
  if (!before.ok() || !after.ok()) {
    return Error{"a stored configuration of " + service->scid + " cannot be read",
                 ErrorKind::kInternal};
  }
  ConfigurationDiffResult result;
  result.from_version = against;
  result.to_version = version;
  result.changes = diff_configurations(before.value(), after.value());
  result.text = render_diff(result.changes, "version " + std::to_string(against),
                            "version " + std::to_string(version));
  return result;
}

}  // namespace candela::control

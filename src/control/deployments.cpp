// Deployments: the deployment row, its feed event and the audit record in one transaction;
// "current" per environment is the deployment with the highest feed sequence, which is the
// one the edges apply last.
#include "control/deployments.hpp"

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "control/audit_log.hpp"
#include "control/configuration_store.hpp"
#include "control/database.hpp"
#include "control/edge_translation.hpp"
#include "control/feed.hpp"
#include "control/principal_audit.hpp"
#include "control/services.hpp"
#include "control/store_errors.hpp"

namespace candela::control {
namespace {

constexpr const char* kDeploymentColumns =
    "SELECT d.id, d.scid, d.version, d.environment, d.action, d.comment, d.requested_by,"
    " u.name, d.requested_by_key, d.requested_at, d.feed_sequence"
    " FROM deployments d LEFT JOIN users u ON u.id = d.requested_by";

struct DeploymentRow {
  Deployment deployment;
  std::string environment;
  long long requested_by = 0;
  std::string name;
  std::string key_id;
  long long requested_at = 0;
  long long sequence = 0;
  soci::indicator by_ind = soci::i_ok;
  soci::indicator name_ind = soci::i_ok;
  soci::indicator key_ind = soci::i_ok;
  soci::indicator sequence_ind = soci::i_ok;

  void bind(soci::statement& st) {
    st.exchange(soci::into(deployment.id));
    st.exchange(soci::into(deployment.scid));
    st.exchange(soci::into(deployment.version));
    st.exchange(soci::into(environment));
    st.exchange(soci::into(deployment.action));
    st.exchange(soci::into(deployment.comment));
    st.exchange(soci::into(requested_by, by_ind));
    st.exchange(soci::into(name, name_ind));
    st.exchange(soci::into(key_id, key_ind));
    st.exchange(soci::into(requested_at));
    st.exchange(soci::into(sequence, sequence_ind));
  }
  Deployment value() const {
    Deployment out = deployment;
    out.environment = parse_environment(environment).value_or(Environment::kStaging);
    if (by_ind == soci::i_ok) out.requested_by = requested_by;
    if (name_ind == soci::i_ok) out.requested_by_name = name;
    if (key_ind == soci::i_ok) out.requested_by_key = key_id;
    out.requested_at = from_epoch_ms(requested_at);
    out.feed_sequence = sequence_ind == soci::i_ok ? sequence : 0;
    return out;
  }
};

// Runs kDeploymentColumns + `where` with the given uses, collecting every row.
template <typename... Uses>
std::vector<Deployment> query_deployments(soci::session& session, const std::string& where,
                                          Uses&&... uses) {
  std::vector<Deployment> out;
  DeploymentRow row;
  soci::statement st(session);
  row.bind(st);
  (st.exchange(std::forward<Uses>(uses)), ...);
  st.alloc();
  st.prepare(std::string(kDeploymentColumns) + " " + where);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch())
    out.push_back(row.value());
  return out;
}

}  // namespace

std::string_view environment_name(Environment environment) {
  return environment == Environment::kProduction ? "production" : "staging";
}

std::optional<Environment> parse_environment(std::string_view name) {
  if (name == "staging") return Environment::kStaging;
  if (name == "production") return Environment::kProduction;
  return std::nullopt;
}

Result<Deployment> Deployments::deploy(const Principal& principal, std::string_view scid,
                                       const DeploymentRequest& request) {
  return send(principal, std::string(scid), request, "deploy");
}

Result<Deployment> Deployments::rollback(const Principal& principal, std::string_view scid,
                                         Environment environment, const std::string& comment) {
  auto service = Services(session_, clock_).get(principal, scid, Action::kConfigure);
  if (!service.ok()) return Error{service.failure()};
  const std::string env(environment_name(environment));
  auto current = current_of(service->scid, environment);
  if (!current.ok()) return Error{current.failure()};
  if (!current.value()) {
    return Error{"nothing has been deployed to " + env + " for " + service->scid + " yet",
                 ErrorKind::kConflict};
  }
  int target = 0;
  try {
    session_ << "SELECT version FROM deployments WHERE scid = :scid AND environment = :env"
                " AND feed_sequence < :sequence AND version < :version"
                " ORDER BY feed_sequence DESC LIMIT 1",
        soci::use(service->scid), soci::use(env), soci::use(current.value()->feed_sequence),
        soci::use(current.value()->version), soci::into(target);
    if (!session_.got_data()) {
      return Error{env + " runs version " + std::to_string(current.value()->version) + " of " +
                       service->scid + " and no older version was deployed there before it",
                   ErrorKind::kConflict};
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not read the deployment history", e);
  }
  DeploymentRequest request{target, environment, comment};
  if (request.comment.empty()) {
    request.comment = "rollback from version " + std::to_string(current.value()->version) +
                      " to version " + std::to_string(target);
  }
  return send(principal, service->scid, request, "rollback");
}

Result<Deployment> Deployments::send(const Principal& principal, const std::string& scid,
                                     const DeploymentRequest& request, const std::string& action) {
  auto service = Services(session_, clock_).get(principal, scid, Action::kConfigure);
  if (!service.ok()) return Error{service.failure()};
  const std::string env(environment_name(request.environment));
  const bool allowed =
      service->state == ServiceState::kActive ||
      (service->state == ServiceState::kPending && request.environment == Environment::kStaging);
  if (!allowed) {
    return Error{"service " + scid + " is " + std::string(service_state_name(service->state)) +
                     (service->state == ServiceState::kPending
                          ? "; a pending service can be deployed to staging only"
                          : "; only active services can be deployed"),
                 ErrorKind::kConflict};
  }
  if (request.comment.size() > kMaxCommentLength) {
    Error invalid{"the comment is too long"};
    invalid.fields.emplace_back(
        "/comment", "must be at most " + std::to_string(kMaxCommentLength) + " characters");
    return invalid;
  }
  ConfigurationStore store(session_, clock_);
  auto version = store.load(scid, request.version);
  if (!version.ok()) {
    if (version.error_kind() != ErrorKind::kNotFound) return Error{version.failure()};
    auto latest = store.latest_version_of(scid);
    if (!latest.ok()) return Error{latest.failure()};
    Error invalid{"there is no version " + std::to_string(request.version) + " to deploy"};
    invalid.fields.emplace_back(
        "/version", latest.value() == 0 ? "service " + scid + " has no configuration version yet"
                                        : "version " + std::to_string(request.version) +
                                              " does not exist; the versions are 1 to " +
                                              std::to_string(latest.value()));
    return invalid;
  }
  auto document = parse_configuration(version->document);
  if (!document.ok()) {
    return Error{"stored configuration " + scid + "/" + std::to_string(request.version) +
                     " cannot be read: " + document.error(),
                 ErrorKind::kInternal};
  }
  auto conflicts = alias_conflicts(session_, principal, document.value());
  if (!conflicts.ok()) return Error{conflicts.failure()};
  if (!conflicts->empty()) {
    std::string detail = "version " + std::to_string(request.version) +
                         " cannot be deployed: its aliases conflict with another service:";
    for (const auto& conflict : conflicts.value())
      detail += " " + conflict.pointer + ": " + conflict.message + ";";
    detail.pop_back();
    return Error{detail, ErrorKind::kConflict};
  }

  Deployment deployment;
  deployment.scid = scid;
  deployment.version = request.version;
  deployment.environment = request.environment;
  deployment.action = action;
  deployment.comment = request.comment;
  deployment.requested_by = acting_user_id(principal);
  deployment.requested_by_name = deployment.requested_by ? principal.name : "";
  deployment.requested_by_key = principal.api_key_id;
  deployment.requested_at = clock_.now();
  const long long requested_at = to_epoch_ms(deployment.requested_at);
  const long long by = deployment.requested_by.value_or(0);
  const std::string key_id = deployment.requested_by_key.value_or("");
  soci::indicator by_ind = deployment.requested_by ? soci::i_ok : soci::i_null;
  soci::indicator key_ind = deployment.requested_by_key ? soci::i_ok : soci::i_null;
  try {
    session_ << "INSERT INTO deployments (scid, version, environment, requested_by,"
                " requested_by_key, requested_at, comment, action)"
                " VALUES (:scid, :version, :env, :by, :key, :at, :comment, :action) RETURNING id",
        soci::use(deployment.scid), soci::use(deployment.version), soci::use(env),
        soci::use(by, by_ind), soci::use(key_id, key_ind), soci::use(requested_at),
        soci::use(deployment.comment), soci::use(deployment.action), soci::into(deployment.id);
  } catch (const soci::soci_error& e) {
    return storage_error("could not record the deployment", e);
  }
  // docs/control-feed.md, "Deployment payload".
  const nlohmann::json payload = {{"deployment_id", deployment.id},
                                  {"scid", scid},
                                  {"version", deployment.version},
                                  {"environment", env},
                                  {"properties", to_edge_properties(document.value())}};
  auto sequence = Feed(session_, clock_).append("deployment", payload);
  if (!sequence.ok()) return Error{sequence.failure()};
  deployment.feed_sequence = sequence.value();
  try {
    session_ << "UPDATE deployments SET feed_sequence = :sequence WHERE id = :id",
        soci::use(deployment.feed_sequence), soci::use(deployment.id);
  } catch (const soci::soci_error& e) {
    return storage_error("could not record the deployment", e);
  }
  AuditEntry entry = audit_entry(principal, "service", scid, action);
  entry.to_state = env + ":" + std::to_string(deployment.version);
  entry.reason = deployment.comment;
  entry.details = nlohmann::json{{"deployment_id", deployment.id},
                                 {"version", deployment.version},
                                 {"environment", env},
                                 {"feed_sequence", deployment.feed_sequence}}
                      .dump();
  auto audited = AuditLog(session_, clock_).append(entry);
  if (!audited.ok()) return Error{audited.failure().message, ErrorKind::kInternal};
  return deployment;
}

Result<std::optional<Deployment>> Deployments::current_of(const std::string& scid,
                                                          Environment environment) {
  const std::string env(environment_name(environment));
  try {
    auto rows = query_deployments(session_,
                                  "WHERE d.scid = :scid AND d.environment = :env"
                                  " AND d.feed_sequence IS NOT NULL"
                                  " ORDER BY d.feed_sequence DESC LIMIT 1",
                                  soci::use(scid), soci::use(env));
    if (rows.empty()) return std::optional<Deployment>{};
    return std::optional<Deployment>{rows.front()};
  } catch (const soci::soci_error& e) {
    return storage_error("could not read the deployments", e);
  }
}

Result<CurrentDeployments> Deployments::current(const Principal& principal, std::string_view scid) {
  auto service = Services(session_, clock_).get(principal, scid, Action::kRead);
  if (!service.ok()) return Error{service.failure()};
  CurrentDeployments out;
  auto staging = current_of(service->scid, Environment::kStaging);
  if (!staging.ok()) return Error{staging.failure()};
  auto production = current_of(service->scid, Environment::kProduction);
  if (!production.ok()) return Error{production.failure()};
  out.staging = staging.value();
  out.production = production.value();
  return out;
}

Result<DeploymentPage> Deployments::list(const Principal& principal, std::string_view scid,
                                         std::optional<long long> before, int limit) {
  if (limit < 1 || limit > kMaxPageSize) {
    return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
  }
  auto service = Services(session_, clock_).get(principal, scid, Action::kRead);
  if (!service.ok()) return Error{service.failure()};
  const long long below = before.value_or(std::numeric_limits<long long>::max());
  const int fetch = limit + 1;
  DeploymentPage page;
  try {
    auto rows = query_deployments(session_,
                                  "WHERE d.scid = :scid AND d.feed_sequence < :before"
                                  " ORDER BY d.feed_sequence DESC LIMIT :n",
                                  soci::use(service->scid), soci::use(below), soci::use(fetch));
    for (auto& row : rows) {
      if (static_cast<int>(page.deployments.size()) == limit) {
        page.next_before_sequence = page.deployments.back().feed_sequence;
        break;
      }
      page.deployments.push_back(std::move(row));
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not list the deployments", e);
  }
  return page;
}

Result<Deployment> Deployments::get(const Principal& principal, long long id) {
  std::vector<Deployment> rows;
  try {
    rows = query_deployments(session_, "WHERE d.id = :id", soci::use(id));
  } catch (const soci::soci_error& e) {
    return storage_error("could not read the deployment", e);
  }
  const Error missing{"deployment " + std::to_string(id) + " does not exist", ErrorKind::kNotFound};
  if (rows.empty()) return missing;
  auto service = Services(session_, clock_).get(principal, rows.front().scid, Action::kRead);
  if (!service.ok()) {
    return service.error_kind() == ErrorKind::kNotFound ? missing : Error{service.failure()};
  }
  return rows.front();
}

Result<DeploymentStatus> Deployments::status(const Principal& principal, long long id) {
  auto deployment = get(principal, id);
  if (!deployment.ok()) return Error{deployment.failure()};
  const EdgeNetwork network = deployment->environment == Environment::kProduction
                                  ? EdgeNetwork::kProduction
                                  : EdgeNetwork::kStaging;
  auto edges = edge_event_status(session_, deployment->feed_sequence, network);
  if (!edges.ok()) return Error{edges.failure()};
  DeploymentStatus out;
  out.deployment = std::move(deployment).value();
  out.edges = std::move(edges).value();
  bool every_active_applied = true;
  for (const auto& edge : out.edges) {
    if (edge.status == AckStatus::kApplied) {
      ++out.applied;
    } else if (edge.status == AckStatus::kFailed) {
      ++out.failed;
    } else {
      ++out.pending;
    }
    if (edge.active && edge.status != AckStatus::kApplied) every_active_applied = false;
  }
  out.complete = every_active_applied;
  return out;
}

}  // namespace candela::control

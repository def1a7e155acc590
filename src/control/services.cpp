// Services: SCIDs drawn until one is free, tenancy through the service's access group, and the
// state lifecycle with an audit record for every change.
#include "control/services.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "control/access_groups.hpp"
#include "control/audit_log.hpp"
#include "control/authorization.hpp"
#include "control/database.hpp"
#include "control/feed.hpp"
#include "control/principal_audit.hpp"
#include "control/store_errors.hpp"

namespace candela::control {
namespace {

constexpr const char* kServiceColumns =
    "SELECT s.id, s.scid, s.state, s.access_group_id, g.name, c.customer_number, c.name,"
    " s.created_at, s.updated_at, s.log_retention_days FROM services s"
    " JOIN access_groups g ON g.id = s.access_group_id"
    " JOIN customers c ON c.id = s.customer_id";

// One row of kServiceColumns, bound once and copied out per fetch.
struct ServiceRow {
  Service service;
  std::string state;
  long long created_at = 0;
  long long updated_at = 0;

  void bind(soci::statement& st) {
    st.exchange(soci::into(service.id));
    st.exchange(soci::into(service.scid));
    st.exchange(soci::into(state));
    st.exchange(soci::into(service.access_group_id));
    st.exchange(soci::into(service.access_group_name));
    st.exchange(soci::into(service.customer_number));
    st.exchange(soci::into(service.customer_name));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(updated_at));
    st.exchange(soci::into(service.log_retention_days));
  }
  Result<Service> value() const {
    Service out = service;
    auto parsed = parse_service_state(state);
    if (!parsed) {
      return Error{"service " + out.scid + " has an unknown state " + state, ErrorKind::kInternal};
    }
    out.state = *parsed;
    out.created_at = from_epoch_ms(created_at);
    out.updated_at = from_epoch_ms(updated_at);
    return out;
  }
};

bool may_provision_somewhere(const Principal& principal) {
  return std::any_of(principal.grants.begin(), principal.grants.end(), [](const RoleGrant& g) {
    return is_provider_role(g.role) ? provider_role_allows(g.role, Action::kProvision)
                                    : customer_role_allows(g.role, Action::kProvision);
  });
}

// The top-level group (organisation) above `group_id`, or nullopt if the group does not exist.
std::optional<long long> organisation_of(soci::session& session, long long group_id) {
  long long root = 0;
  session << "WITH RECURSIVE up(id, parent_id) AS ("
             " SELECT id, parent_id FROM access_groups WHERE id = :id"
             " UNION SELECT g.id, g.parent_id FROM access_groups g JOIN up ON g.id = up.parent_id)"
             " SELECT id FROM up WHERE parent_id IS NULL",
      soci::use(group_id), soci::into(root);
  if (!session.got_data()) return std::nullopt;
  return root;
}

std::string join_ids(const std::vector<long long>& ids) {
  std::ostringstream out;
  for (std::size_t i = 0; i < ids.size(); ++i)
    out << (i ? "," : "") << ids[i];
  return out.str();
}

Error denied(const Error& error, std::string_view scid, std::string_view what) {
  if (error.kind == ErrorKind::kNotFound) {
    return Error{"service " + std::string(scid) + " does not exist", ErrorKind::kNotFound};
  }
  if (error.kind == ErrorKind::kForbidden) {
    return Error{
        "your role does not allow you to " + std::string(what) + " service " + std::string(scid),
        ErrorKind::kForbidden};
  }
  return error;
}

bool has_reason(const std::string& reason) {
  return reason.find_first_not_of(" \t\r\n") != std::string::npos;
}

std::string_view action_verb(Action action) {
  switch (action) {
    case Action::kRead:
      return "see";
    case Action::kConfigure:
      return "configure";
    case Action::kProvision:
      return "provision";
    case Action::kManageUsers:
      return "manage the users of";
    case Action::kManageBilling:
      return "manage the billing of";
  }
  return "use";
}

}  // namespace

std::string_view service_state_name(ServiceState state) {
  switch (state) {
    case ServiceState::kPending:
      return "pending";
    case ServiceState::kActive:
      return "active";
    case ServiceState::kSuspended:
      return "suspended";
    case ServiceState::kDisconnected:
      return "disconnected";
  }
  return "pending";
}

std::optional<ServiceState> parse_service_state(std::string_view name) {
  for (ServiceState s : {ServiceState::kPending, ServiceState::kActive, ServiceState::kSuspended,
                         ServiceState::kDisconnected}) {
    if (service_state_name(s) == name) return s;
  }
  return std::nullopt;
}

bool service_transition_allowed(ServiceState from, ServiceState to) {
  switch (from) {
    case ServiceState::kPending:
      return to == ServiceState::kActive || to == ServiceState::kDisconnected;
    case ServiceState::kActive:
      return to == ServiceState::kSuspended || to == ServiceState::kDisconnected;
    case ServiceState::kSuspended:
      return to == ServiceState::kActive || to == ServiceState::kDisconnected;
    case ServiceState::kDisconnected:
      return false;
  }
  return false;
}

Result<Service> Services::load(std::string_view scid) {
  if (!is_valid_scid(scid)) {
    return Error{"\"" + std::string(scid) +
                 "\" is not a valid SCID (nine characters from 0-9 and A-Z without I, L, O, U, "
                 "the last one a check character)"};
  }
  ServiceRow row;
  const std::string key(scid);
  try {
    soci::statement st(session_);
    row.bind(st);
    st.exchange(soci::use(key));
    st.alloc();
    st.prepare(std::string(kServiceColumns) + " WHERE s.scid = :scid");
    st.define_and_bind();
    st.execute(true);
    if (!st.got_data()) {
      return Error{"service " + key + " does not exist", ErrorKind::kNotFound};
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not read the service", e);
  }
  return row.value();
}

Result<Service> Services::get(const Principal& principal, std::string_view scid, Action action) {
  auto service = load(scid);
  if (!service.ok()) return service;
  Status allowed = authorize(session_, principal, service->access_group_id, action);
  if (!allowed.ok()) return denied(allowed.failure(), scid, action_verb(action));
  return service;
}

Result<ServicePage> Services::list(const Principal& principal, const ServiceQuery& query) {
  if (query.limit < 1 || query.limit > kMaxPageSize) {
    return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
  }
  auto visible = visible_groups(session_, principal);
  if (!visible.ok()) return Error{visible.failure()};
  // nullopt: every group (provider staff, no filter).
  std::optional<std::set<long long>> groups;
  if (visible.value()) groups.emplace(visible.value()->begin(), visible.value()->end());
  try {
    if (query.access_group_id) {
      std::set<long long> subtree{*query.access_group_id};
      auto below = AccessGroups(session_, clock_).descendants(*query.access_group_id);
      if (!below.ok()) return Error{below.failure()};
      subtree.insert(below->begin(), below->end());
      if (groups) {
        std::set<long long> both;
        std::set_intersection(groups->begin(), groups->end(), subtree.begin(), subtree.end(),
                              std::inserter(both, both.begin()));
        groups = std::move(both);
      } else {
        groups = std::move(subtree);
      }
    }
    ServicePage page;
    if (groups && groups->empty()) return page;

    std::string sql = std::string(kServiceColumns) +
                      " WHERE (:any_state = 1 OR s.state = :state) AND s.scid > :after";
    // Group ids are integers from the database, safe to write into the statement.
    if (groups) {
      sql += " AND s.access_group_id IN (" +
             join_ids(std::vector<long long>(groups->begin(), groups->end())) + ")";
    }
    sql += " ORDER BY s.scid LIMIT :n";
    const int any_state = query.state ? 0 : 1;
    const std::string state(query.state ? service_state_name(*query.state) : "");
    const std::string after = query.after_scid.value_or("");
    const int fetch = query.limit + 1;  // one more tells whether another page follows

    ServiceRow row;
    soci::statement st(session_);
    row.bind(st);
    st.exchange(soci::use(any_state));
    st.exchange(soci::use(state));
    st.exchange(soci::use(after));
    st.exchange(soci::use(fetch));
    st.alloc();
    st.prepare(sql);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) {
      if (static_cast<int>(page.services.size()) == query.limit) {
        page.next_after = page.services.back().scid;
        break;
      }
      auto service = row.value();
      if (!service.ok()) return Error{service.failure()};
      page.services.push_back(std::move(service).value());
    }
    return page;
  } catch (const soci::soci_error& e) {
    return storage_error("could not list services", e);
  }
}

Result<Service> Services::create(const Principal& principal, const NewService& request,
                                 RandomSource& random) {
  if (!may_provision_somewhere(principal)) {
    return Error{
        "creating services is for provider staff who provision (provider admin, activation "
        "engineer, CDN support technician)",
        ErrorKind::kForbidden};
  }
  Error invalid{"the service cannot be created"};
  long long customer_id = 0;
  try {
    const auto organisation = organisation_of(session_, request.access_group_id);
    if (!organisation) {
      invalid.fields.emplace_back(
          "/access_group_id",
          "access group " + std::to_string(request.access_group_id) + " does not exist");
    }
    long long customer_organisation = 0;
    soci::indicator organisation_ind = soci::i_ok;
    session_ << "SELECT id, organisation_id FROM customers WHERE customer_number = :n",
        soci::use(request.customer_number), soci::into(customer_id),
        soci::into(customer_organisation, organisation_ind);
    if (!session_.got_data()) {
      invalid.fields.emplace_back("/customer_number",
                                  "customer " + request.customer_number + " does not exist");
    } else if (organisation &&
               (organisation_ind != soci::i_ok || customer_organisation != *organisation)) {
      invalid.fields.emplace_back(
          "/customer_number",
          "customer " + request.customer_number +
              " belongs to another organisation than access group " +
              std::to_string(request.access_group_id) +
              "; a service is billed to a customer number of its own organisation");
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not check the new service", e);
  }
  if (request.reason.size() > kMaxReasonLength) {
    invalid.fields.emplace_back(
        "/reason", "must be at most " + std::to_string(kMaxReasonLength) + " characters");
  }
  if (!invalid.fields.empty()) {
    invalid.message = std::to_string(invalid.fields.size()) +
                      (invalid.fields.size() == 1 ? " field is" : " fields are") + " invalid";
    return invalid;
  }
  Status allowed = authorize(session_, principal, request.access_group_id, Action::kProvision);
  if (!allowed.ok()) {
    if (allowed.error_kind() == ErrorKind::kNotFound) {
      return Error{"access group " + std::to_string(request.access_group_id) + " does not exist",
                   ErrorKind::kNotFound};
    }
    return Error{allowed.failure()};
  }

  const long long now = to_epoch_ms(clock_.now());
  std::string scid;
  try {
    // The unique constraint decides; a taken SCID inserts nothing and another is drawn.
    for (int attempt = 0; attempt < kScidAttempts && scid.empty(); ++attempt) {
      const std::string candidate = generate_scid(random);
      long long id = 0;
      session_ << "INSERT INTO services (scid, state, access_group_id, customer_id, created_at,"
                  " updated_at) VALUES (:scid, 'pending', :group, :customer, :now, :now2)"
                  " ON CONFLICT (scid) DO NOTHING RETURNING id",
          soci::use(candidate), soci::use(request.access_group_id), soci::use(customer_id),
          soci::use(now), soci::use(now), soci::into(id);
      if (session_.got_data()) scid = candidate;
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not create the service", e);
  }
  if (scid.empty()) {
    return Error{"no free SCID found after " + std::to_string(kScidAttempts) + " attempts",
                 ErrorKind::kInternal};
  }
  AuditEntry entry = audit_entry(principal, "service", scid, "create");
  entry.to_state = "pending";
  entry.reason = request.reason;
  entry.details = nlohmann::json{{"access_group_id", request.access_group_id},
                                 {"customer_number", request.customer_number}}
                      .dump();
  auto audited = AuditLog(session_, clock_).append(entry);
  if (!audited.ok()) return Error{audited.failure().message, ErrorKind::kInternal};
  return load(scid);
}

Result<Service> Services::change_state(const Principal& principal, std::string_view scid,
                                       ServiceState to, const std::string& reason) {
  auto service = get(principal, scid, Action::kProvision);
  if (!service.ok()) return service;
  return transition(service.value(), to, reason,
                    audit_entry(principal, "service", service->scid, "transition"));
}

Result<Service> Services::apply_state(std::string_view scid, ServiceState to,
                                      const std::string& reason, const std::string& actor,
                                      std::optional<long long> actor_user_id) {
  auto service = load(scid);
  if (!service.ok()) return service;
  // A job that runs again finds its work done: nothing to record, nothing to tell the edges.
  if (service->state == to && has_reason(reason)) return service;
  AuditEntry entry;
  entry.actor_user_id = actor_user_id;
  entry.entity_type = "service";
  entry.entity_id = service->scid;
  entry.action = "transition";
  entry.details = nlohmann::json{{"actor", actor}}.dump();
  return transition(service.value(), to, reason, std::move(entry));
}

Result<Service> Services::transition(const Service& service, ServiceState to,
                                     const std::string& reason, AuditEntry entry) {
  if (!has_reason(reason) || reason.size() > kMaxReasonLength) {
    Error invalid{"say why the service changes state"};
    invalid.fields.emplace_back(
        "/reason", reason.size() > kMaxReasonLength
                       ? "must be at most " + std::to_string(kMaxReasonLength) + " characters"
                       : "is required: say why the state changes");
    return invalid;
  }
  const ServiceState from = service.state;
  if (from == to) {
    return Error{"service " + service.scid + " is already " + std::string(service_state_name(to)),
                 ErrorKind::kConflict};
  }
  if (!service_transition_allowed(from, to)) {
    std::string allowed;
    for (ServiceState next : {ServiceState::kPending, ServiceState::kActive,
                              ServiceState::kSuspended, ServiceState::kDisconnected}) {
      if (!service_transition_allowed(from, next)) continue;
      allowed += (allowed.empty() ? "" : ", ") + std::string(service_state_name(next));
    }
    return Error{"service " + service.scid + " cannot go from " +
                     std::string(service_state_name(from)) + " to " +
                     std::string(service_state_name(to)) +
                     (allowed.empty() ? std::string("; disconnected is final")
                                      : "; it can go to: " + allowed),
                 ErrorKind::kConflict};
  }
  const std::string from_name(service_state_name(from));
  const std::string to_name(service_state_name(to));
  const long long now = to_epoch_ms(clock_.now());
  try {
    soci::statement update =
        (session_.prepare << "UPDATE services SET state = :to, updated_at = :now"
                             " WHERE id = :id AND state = :from",
         soci::use(to_name), soci::use(now), soci::use(service.id), soci::use(from_name));
    update.execute(true);
    // Another transaction moved it since it was read: recording (and telling the edges) this
    // change would contradict the stored state.
    if (update.get_affected_rows() == 0) {
      return Error{"service " + service.scid + " changed state meanwhile; read it again and retry",
                   ErrorKind::kConflict};
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not change the service's state", e);
  }
  entry.from_state = from_name;
  entry.to_state = to_name;
  entry.reason = reason;
  auto audited = AuditLog(session_, clock_).append(entry);
  if (!audited.ok()) return Error{audited.failure().message, ErrorKind::kInternal};
  // In the same transaction: the edges learn of the change exactly when it commits
  // (docs/control-feed.md, "Service states").
  auto sequence =
      Feed(session_, clock_)
          .append("service_state",
                  nlohmann::json{{"scid", service.scid}, {"state", to_name}, {"reason", reason}});
  if (!sequence.ok()) return Error{sequence.failure()};
  last_feed_sequence_ = sequence.value();
  return load(service.scid);
}

}  // namespace candela::control

// NocMonitors: monitor credentials (token hash only), their audit records and authentication.
#include "control/noc_monitors.hpp"

#include <soci/soci.h>
#include <sodium.h>

#include <array>
#include <nlohmann/json.hpp>

#include "control/audit_log.hpp"
#include "control/database.hpp"
#include "control/edge_registry.hpp"
#include "control/noc_events.hpp"
#include "control/principal_audit.hpp"
#include "control/store_guard.hpp"
#include "control/text_rules.hpp"

namespace candela::control {
namespace {

// 32 random bytes, base64url without padding: the node tokens' format.
constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kTokenLength = 43;

constexpr const char* kMonitorColumns =
    "monitor_id, description, created_at, last_used_at, revoked_at";

struct MonitorRow {
  NocMonitor monitor;
  long long created_at = 0, last_used_at = 0, revoked_at = 0;
  soci::indicator last_used_ind = soci::i_null, revoked_ind = soci::i_null;

  template <typename Statement>
  void bind(Statement& statement) {
    statement, soci::into(monitor.monitor_id), soci::into(monitor.description),
        soci::into(created_at), soci::into(last_used_at, last_used_ind),
        soci::into(revoked_at, revoked_ind);
  }

  NocMonitor to_monitor() const {
    NocMonitor out = monitor;
    out.created_at = from_epoch_ms(created_at);
    out.last_used_at =
        last_used_ind == soci::i_ok ? std::optional(from_epoch_ms(last_used_at)) : std::nullopt;
    out.revoked_at =
        revoked_ind == soci::i_ok ? std::optional(from_epoch_ms(revoked_at)) : std::nullopt;
    return out;
  }
};

bool well_formed_token(std::string_view token) {
  if (token.size() != kTokenLength) return false;
  for (char c : token) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string new_token(RandomSource& random) {
  std::array<unsigned char, kTokenBytes> bytes{};
  for (std::size_t i = 0; i < bytes.size(); i += 8) {
    const std::uint64_t word = random.next_u64();
    for (std::size_t j = 0; j < 8; ++j) {
      bytes[i + j] = static_cast<unsigned char>(word >> (8 * j));
    }
  }
  std::array<char, kTokenLength + 1> text{};
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(text.data(), kTokenLength);
}

}  // namespace

Result<NocMonitor> NocMonitors::find(const std::string& monitor_id) {
  MonitorRow row;
  soci::details::prepare_temp_type prepared =
      (session_.prepare << std::string("SELECT ") + kMonitorColumns +
                               " FROM noc_monitors WHERE monitor_id = :id",
       soci::use(monitor_id));
  row.bind(prepared);
  soci::statement statement(prepared);
  statement.execute();
  if (!statement.fetch()) {
    return Error{"there is no monitor \"" + monitor_id + "\"", ErrorKind::kNotFound};
  }
  return row.to_monitor();
}

Result<NocMonitorWithToken> NocMonitors::create(const Principal& principal,
                                                const std::string& monitor_id,
                                                const std::string& description) {
  return guarded("could not create the monitor", [&]() -> Result<NocMonitorWithToken> {
    if (auto allowed = may_manage_monitors(principal); !allowed.ok()) {
      return Error{allowed.failure()};
    }
    std::vector<std::pair<std::string, std::string>> fields;
    if (!is_node_id(monitor_id, kMaxMonitorIdLength)) {
      fields.emplace_back("/monitor_id",
                          "must be 1 to " + std::to_string(kMaxMonitorIdLength) +
                              " characters: lower-case letters, digits, '-', '.', '_', starting"
                              " with a letter or digit");
    }
    if (description.size() > kMaxDescriptionLength || !is_printable_text(description)) {
      fields.emplace_back("/description", "must be at most " +
                                              std::to_string(kMaxDescriptionLength) +
                                              " characters without control characters");
    }
    if (!fields.empty()) {
      return Error{"the monitor has invalid fields", ErrorKind::kInvalid, std::move(fields)};
    }
    int existing = 0;
    session_ << "SELECT COUNT(*) FROM noc_monitors WHERE monitor_id = :id", soci::use(monitor_id),
        soci::into(existing);
    if (existing != 0) {
      return Error{"a monitor \"" + monitor_id + "\" exists already (ids are never reused)",
                   ErrorKind::kConflict};
    }
    const std::string token = new_token(random_);
    const std::string hash = EdgeRegistry::token_hash(token);
    const long long now = to_epoch_ms(clock_.now());
    const std::optional<long long> creator = acting_user_id(principal);
    soci::indicator creator_ind = creator ? soci::i_ok : soci::i_null;
    const long long creator_id = creator.value_or(0);
    session_ << "INSERT INTO noc_monitors (monitor_id, description, token_hash,"
                " created_by_user_id, created_at) VALUES (:id, :d, :h, :by, :now)",
        soci::use(monitor_id), soci::use(description), soci::use(hash),
        soci::use(creator_id, creator_ind), soci::use(now);
    AuditEntry entry = audit_entry(principal, "noc_monitor", monitor_id, "create");
    entry.to_state = "active";
    entry.details = nlohmann::json{{"description", description}}.dump();
    auto audited = AuditLog(session_, clock_).append(entry);
    if (!audited.ok()) return Error{audited.failure()};
    auto stored = find(monitor_id);
    if (!stored.ok()) return Error{stored.failure()};
    return NocMonitorWithToken{std::move(stored).value(), token};
  });
}

Result<NocMonitorPage> NocMonitors::list(const Principal& principal,
                                         const std::optional<std::string>& after, int limit) {
  return guarded("could not list the monitors", [&]() -> Result<NocMonitorPage> {
    if (auto allowed = may_raise_alarms(principal); !allowed.ok()) return Error{allowed.failure()};
    if (limit < 1 || limit > kMaxPageSize) {
      return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
    }
    const std::string after_id = after.value_or("");
    const int fetch = limit + 1;  // one more tells whether another page follows
    MonitorRow row;
    soci::details::prepare_temp_type prepared =
        (session_.prepare << std::string("SELECT ") + kMonitorColumns +
                                 " FROM noc_monitors WHERE monitor_id > :after"
                                 " ORDER BY monitor_id LIMIT :n",
         soci::use(after_id), soci::use(fetch));
    row.bind(prepared);
    soci::statement statement(prepared);
    statement.execute();
    NocMonitorPage page;
    while (statement.fetch()) {
      if (static_cast<int>(page.monitors.size()) == limit) {
        page.next_after = page.monitors.back().monitor_id;
        break;
      }
      page.monitors.push_back(row.to_monitor());
    }
    return page;
  });
}

Result<NocMonitor> NocMonitors::revoke(const Principal& principal, const std::string& monitor_id) {
  return guarded("could not revoke the monitor", [&]() -> Result<NocMonitor> {
    if (auto allowed = may_manage_monitors(principal); !allowed.ok()) {
      return Error{allowed.failure()};
    }
    auto current = find(monitor_id);
    if (!current.ok()) return current;
    if (current->revoked_at) {
      return Error{"monitor \"" + monitor_id + "\" is revoked already", ErrorKind::kConflict};
    }
    const long long now = to_epoch_ms(clock_.now());
    session_ << "UPDATE noc_monitors SET revoked_at = :now WHERE monitor_id = :id", soci::use(now),
        soci::use(monitor_id);
    AuditEntry entry = audit_entry(principal, "noc_monitor", monitor_id, "revoke");
    entry.from_state = "active";
    entry.to_state = "revoked";
    auto audited = AuditLog(session_, clock_).append(entry);
    if (!audited.ok()) return Error{audited.failure()};
    return find(monitor_id);
  });
}

Result<NocMonitor> NocMonitors::authenticate(std::string_view token) {
  return guarded("could not check the monitor token", [&]() -> Result<NocMonitor> {
    const Error refused{"the token is not valid for any monitor", ErrorKind::kUnauthorized};
    // A malformed token cannot match; refusing it early keeps junk out of the lookup.
    if (!well_formed_token(token)) return refused;
    const std::string hash = EdgeRegistry::token_hash(token);
    std::string monitor_id;
    session_ << "SELECT monitor_id FROM noc_monitors WHERE token_hash = :h AND revoked_at IS NULL",
        soci::use(hash), soci::into(monitor_id);
    if (!session_.got_data()) return refused;
    const long long now = to_epoch_ms(clock_.now());
    session_ << "UPDATE noc_monitors SET last_used_at = :now WHERE monitor_id = :id",
        soci::use(now), soci::use(monitor_id);
    return find(monitor_id);
  });
}

}  // namespace candela::control
